//! Backups of the database: consistent copies (`VACUUM INTO`) in `<stem>-backups/` beside it
//! (`tianbao.db` → `tianbao-backups/tianbao-20261129-142501-daily.db`), restore, rotation.
//!
//! - When: on the first start of the app on a day (none from today: so also whenever the newest
//!   backup is older than a day)
//!   ([`Store::backup_if_due`]), before every migration, before every import or merge and before a
//!   restore ([`Store::backup_now`]), and by hand (`tianbao backup now`, 备份与恢复).
//! - What: only the database. Attached files are content-addressed and never changed in place,
//!   so every file a backup refers to is still in `<stem>-files/` (freeing unused copies keeps a
//!   file as long as any case in the live database uses it — see `gc_blobs`).
//! - Rotation ([`rotate`]): the newest backup of each of the 7 most recent days that have one,
//!   the newest of each of the 4 most recent weeks before those, and always the 3 newest.
//! - Restore: into the open database with SQLite's online backup API ([`Store::restore_backup`];
//!   the current content is backed up first), or, when the database cannot be opened (damaged),
//!   file by file ([`restore_file`]; the damaged file is kept beside it, renamed).
//!
//! The time in a backup's name is local time; the file's own content says how many cases it has.

use super::{fs_error, io_error, sql_error, Store, StoreError};
use chrono::{Datelike, Local, NaiveDateTime, Timelike};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Why a backup was made (the last part of its file name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BackupReason {
    /// On start, the newest backup being older than a day.
    Daily,
    /// By hand (备份与恢复 → 立即备份, `tianbao backup now`).
    Manual,
    /// Before the database's schema was upgraded by a newer version.
    Migration,
    /// Before cases from a file or bundle were imported or merged.
    Import,
    /// Before another backup was restored over the database.
    Restore,
}

impl BackupReason {
    const ALL: [BackupReason; 5] = [
        BackupReason::Daily,
        BackupReason::Manual,
        BackupReason::Migration,
        BackupReason::Import,
        BackupReason::Restore,
    ];

    fn tag(self) -> &'static str {
        match self {
            BackupReason::Daily => "daily",
            BackupReason::Manual => "manual",
            BackupReason::Migration => "migration",
            BackupReason::Import => "import",
            BackupReason::Restore => "restore",
        }
    }

    /// How the list shows it.
    pub fn label(self) -> &'static str {
        match self {
            BackupReason::Daily => "每日自动备份",
            BackupReason::Manual => "手动备份",
            BackupReason::Migration => "升级前备份",
            BackupReason::Import => "导入前备份",
            BackupReason::Restore => "恢复前备份",
        }
    }

    fn from_tag(s: &str) -> Option<BackupReason> {
        BackupReason::ALL.into_iter().find(|r| r.tag() == s)
    }
}

/// One backup file, as the list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct BackupInfo {
    pub path: PathBuf,
    /// The file name, e.g. `tianbao-20261129-142501-daily.db`.
    pub file: String,
    /// When it was made, local time, "2026-11-29 14:25:01".
    pub at: String,
    pub reason: BackupReason,
    pub reason_label: &'static str,
    /// Live cases in it (not counting the 回收站); None when the file cannot be read.
    pub cases: Option<i64>,
    pub bytes: u64,
    /// The file passed SQLite's quick_check and is one of our databases.
    pub ok: bool,
    /// What is wrong with it, when not ok (Chinese).
    pub problem: Option<String>,
    #[serde(skip)]
    time: NaiveDateTime,
    /// Its number among the backups made in the same second (1, 2, …): the order of the list.
    #[serde(skip)]
    pub seq: u32,
}

const NAME_TIME: &str = "%Y%m%d-%H%M%S";

/// The folder of the backups of the database at `db`: `tianbao.db` → `tianbao-backups/`.
pub fn backup_dir(db: &Path) -> PathBuf {
    super::location::sibling_dir(db, "backups")
}

fn stem_of(db: &Path) -> String {
    db.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "tianbao".into())
}

/// `<stem>-YYYYmmdd-HHMMSS-<reason>[-N].db` → (time, reason).
#[cfg(test)]
fn parse_name(stem: &str, file: &str) -> Option<(NaiveDateTime, BackupReason)> {
    parse_name_seq(stem, file).map(|(t, r, _)| (t, r))
}

/// The same with the number of a backup made in the same second (`-2`, `-3`; 1 without).
fn parse_name_seq(stem: &str, file: &str) -> Option<(NaiveDateTime, BackupReason, u32)> {
    let rest = file
        .strip_prefix(stem)?
        .strip_prefix('-')?
        .strip_suffix(".db")?;
    let (time, rest) = rest.split_at_checked(15)?;
    let time = NaiveDateTime::parse_from_str(time, NAME_TIME).ok()?;
    let mut parts = rest.strip_prefix('-')?.split('-');
    let reason = BackupReason::from_tag(parts.next()?)?;
    let seq = match parts.next() {
        Some(n) => n.parse().ok()?,
        None => 1,
    };
    Some((time, reason, seq))
}

/// Checks a database file without changing it ([`Store::check_integrity`]: ours, not newer,
/// `quick_check` clean) and counts its live cases. The error is the reason, in Chinese.
pub fn check_database(path: &Path) -> Result<i64, String> {
    Store::check_integrity(path).map_err(|e| match e {
        StoreError::Damaged { detail, .. } => format!("文件已损坏（{detail}）"),
        StoreError::NotOurs { .. } => "不是填报助手的数据库".into(),
        StoreError::NewerSchema { .. } => "来自更新版本的填报助手".into(),
        other => other.to_string(),
    })?;
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| format!("无法打开（{e}）"))?;
    // Databases before version 2 have no 回收站 column.
    conn.query_row(
        "SELECT count(*) FROM cases WHERE deleted_at IS NULL",
        [],
        |r| r.get(0),
    )
    .or_else(|_| conn.query_row("SELECT count(*) FROM cases", [], |r| r.get(0)))
    .map_err(|e| format!("无法读取案例（{e}）"))
}

/// The backups of the database at `db`, newest first (an absent folder is an empty list).
/// Each is checked (`quick_check`) and its cases counted.
pub fn list_backups(db: &Path) -> Result<Vec<BackupInfo>, StoreError> {
    let mut out = scan(db)?;
    for b in &mut out {
        match check_database(&b.path) {
            Ok(n) => {
                b.cases = Some(n);
                b.ok = true;
            }
            Err(e) => b.problem = Some(e),
        }
    }
    Ok(out)
}

/// The backup files by name only (no file opened), newest first.
fn scan(db: &Path) -> Result<Vec<BackupInfo>, StoreError> {
    let dir = backup_dir(db);
    let stem = stem_of(db);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_error(&dir.display().to_string(), e)),
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some((time, reason, seq)) = parse_name_seq(&stem, &file) else {
            continue;
        };
        let bytes = entry.metadata().map(|m| m.len()).unwrap_or(0);
        out.push(BackupInfo {
            path: entry.path(),
            at: time.format("%Y-%m-%d %H:%M:%S").to_string(),
            file,
            reason,
            reason_label: reason.label(),
            cases: None,
            bytes,
            ok: false,
            problem: None,
            time,
            seq,
        });
    }
    out.sort_by(|a, b| b.time.cmp(&a.time).then(b.seq.cmp(&a.seq)));
    Ok(out)
}

/// The newest backup that passes the check: the one to offer when the database is damaged.
pub fn newest_good(db: &Path) -> Result<Option<BackupInfo>, StoreError> {
    Ok(list_backups(db)?.into_iter().find(|b| b.ok))
}

/// Which backups rotation keeps (indices into `times`, newest first): the 3 newest; the newest of
/// each of the 7 most recent days that have a backup; the newest of each of the 4 most recent
/// ISO weeks before the oldest of those days.
fn keep(times: &[NaiveDateTime]) -> BTreeSet<usize> {
    let mut keep: BTreeSet<usize> = (0..times.len().min(3)).collect();
    let mut days = Vec::new();
    for (i, t) in times.iter().enumerate() {
        let d = t.date();
        if days.len() < 7 && !days.contains(&d) {
            days.push(d);
            keep.insert(i);
        }
    }
    let Some(&oldest_day) = days.last() else {
        return keep;
    };
    let mut weeks = Vec::new();
    for (i, t) in times.iter().enumerate() {
        if t.date() >= oldest_day {
            continue;
        }
        let w = t.date().iso_week();
        if weeks.len() < 4 && !weeks.contains(&w) {
            weeks.push(w);
            keep.insert(i);
        }
    }
    keep
}

/// Deletes the backups rotation does not keep; returns the files deleted.
pub fn rotate(db: &Path) -> Result<Vec<PathBuf>, StoreError> {
    let all = scan(db)?;
    let times: Vec<NaiveDateTime> = all.iter().map(|b| b.time).collect();
    let keep = keep(&times);
    let mut gone = Vec::new();
    for (i, b) in all.into_iter().enumerate() {
        if !keep.contains(&i) && std::fs::remove_file(&b.path).is_ok() {
            gone.push(b.path);
        }
    }
    Ok(gone)
}

/// A fresh path for a backup made at `now` for `reason`, and its number within that second:
/// after every backup of the same second, whatever its reason (not the first free name:
/// rotation may have deleted an earlier one of this second, and a reused number would sort as
/// the oldest and be rotated away at once).
fn new_path(
    db: &Path,
    now: NaiveDateTime,
    reason: BackupReason,
) -> Result<(PathBuf, u32), StoreError> {
    let base = format!("{}-{}-{}", stem_of(db), now.format(NAME_TIME), reason.tag());
    let second = now.with_nanosecond(0).unwrap_or(now);
    let mut n = scan(db)?
        .iter()
        .filter(|b| b.time == second)
        .map(|b| b.seq)
        .max()
        .unwrap_or(0)
        + 1;
    let dir = backup_dir(db);
    let name = |n: u32| match n {
        1 => dir.join(format!("{base}.db")),
        n => dir.join(format!("{base}-{n}.db")),
    };
    // A file of that name that is not a backup we can read (renamed by hand): never overwrite it.
    while name(n).exists() {
        n += 1;
    }
    Ok((name(n), n))
}

/// Writes a consistent copy of the database `conn` has open into the backup folder of `db`,
/// then rotates. The copy appears under its final name only when complete (`VACUUM INTO` a
/// temporary name, fsync, rename).
fn backup_conn(
    conn: &Connection,
    db: &Path,
    reason: BackupReason,
    now: NaiveDateTime,
) -> Result<BackupInfo, StoreError> {
    let dir = backup_dir(db);
    let shown = dir.display().to_string();
    crate::fsx::create_dir_private(&dir).map_err(|e| io_error(&shown, e))?;
    let (path, seq) = new_path(db, now, reason)?;
    let tmp = path.with_extension("db.partial");
    let _ = std::fs::remove_file(&tmp);
    let tmp_str = tmp.to_str().ok_or_else(|| StoreError::Open {
        path: tmp.display().to_string(),
        detail: "路径含有无法识别的字符".into(),
    })?;
    if let Err(e) = conn.execute("VACUUM INTO ?1", [tmp_str]) {
        let _ = std::fs::remove_file(&tmp);
        return Err(sql_error(&shown, e));
    }
    crate::fsx::commit_file(&tmp, &path).map_err(|e| fs_error(&shown, e))?;
    rotate(db)?;
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let cases = conn
        .query_row(
            "SELECT count(*) FROM cases WHERE deleted_at IS NULL",
            [],
            |r| r.get(0),
        )
        .or_else(|_| conn.query_row("SELECT count(*) FROM cases", [], |r| r.get(0)))
        .ok();
    Ok(BackupInfo {
        file: path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default(),
        path,
        at: now.format("%Y-%m-%d %H:%M:%S").to_string(),
        reason,
        reason_label: reason.label(),
        cases,
        bytes,
        ok: true,
        problem: None,
        time: now,
        seq,
    })
}

/// Backs up the database at `db` with a connection of its own (before a migration: the store
/// is not open yet). Nothing is written when the file does not exist or is empty.
pub(crate) fn backup_file(
    conn: &Connection,
    db: &Path,
    reason: BackupReason,
) -> Result<Option<BackupInfo>, StoreError> {
    if std::fs::metadata(db).map(|m| m.len() == 0).unwrap_or(true) {
        return Ok(None);
    }
    backup_conn(conn, db, reason, Local::now().naive_local()).map(Some)
}

/// Puts the backup `from` in place of the database at `db` when the database cannot be opened
/// (damaged). The damaged file (and its -wal/-shm) is kept beside it as
/// `<name>.damaged-YYYYmmdd-HHMMSS`; returns that path. The backup must pass the check.
pub fn restore_file(db: &Path, from: &Path) -> Result<PathBuf, StoreError> {
    let shown = db.display().to_string();
    check_database(from).map_err(|e| StoreError::Open {
        path: from.display().to_string(),
        detail: format!("备份{e}，请选择另一个备份"),
    })?;
    let stamp = Local::now().format(NAME_TIME).to_string();
    let name = db
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| "tianbao.db".into());
    let kept = db.with_file_name(format!("{name}.damaged-{stamp}"));
    // The copy first, under a temporary name: if it fails, nothing has moved.
    let mut tmp = crate::fsx::AtomicFile::beside_private(db).map_err(|e| fs_error(&shown, e))?;
    std::fs::File::open(from)
        .and_then(|mut f| std::io::copy(&mut f, &mut tmp))
        .map_err(|e| io_error(&shown, e))?;
    if db.exists() {
        std::fs::rename(db, &kept).map_err(|e| io_error(&shown, e))?;
    }
    for suffix in ["-wal", "-shm"] {
        let side = db.with_file_name(format!("{name}{suffix}"));
        if side.exists() {
            let _ = std::fs::rename(
                &side,
                kept.with_file_name(format!("{name}{suffix}.damaged-{stamp}")),
            );
        }
    }
    tmp.commit(db).map_err(|e| fs_error(&shown, e))?;
    Ok(kept)
}

/// What [`restore`] did.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Restored {
    /// Into the open database; its content before was backed up first (this backup).
    InPlace { before: BackupInfo },
    /// Over a database that could not be opened (damaged), kept beside it under this name.
    Replaced { kept: PathBuf },
}

/// Restores the backup `from` for the database at `db`: into `store` when it is open (the
/// current content backed up first), else over the file that could not be opened (kept beside
/// it, renamed) — after which `store` holds the database opened anew. The app and the CLI
/// both restore through here.
pub fn restore(db: &Path, store: &mut Option<Store>, from: &Path) -> Result<Restored, StoreError> {
    match store {
        Some(s) => s
            .restore_backup(from)
            .map(|before| Restored::InPlace { before }),
        None => {
            let kept = restore_file(db, from)?;
            *store = Some(Store::open(db)?);
            Ok(Restored::Replaced { kept })
        }
    }
}

/// The backup named `file` (a name [`list_backups`] gave, no folder) of the database at `db`.
/// Anything else — a path, a name not of a backup — is refused: the window may restore only
/// the database's own backups.
pub fn backup_named(db: &Path, file: &str) -> Result<PathBuf, StoreError> {
    let ok = !file.contains(['/', '\\']) && parse_name_seq(&stem_of(db), file).is_some();
    let path = backup_dir(db).join(file);
    if !ok || !path.is_file() {
        return Err(StoreError::Open {
            path: path.display().to_string(),
            detail: "不是这个数据库的备份，请从“备份与恢复”的列表中选择".into(),
        });
    }
    Ok(path)
}

impl Store {
    /// A backup now (before an import or merge, by hand): a consistent copy of the database in
    /// its backup folder, then rotation. The one call other areas make before changing many
    /// cases at once.
    pub fn backup_now(&self, reason: BackupReason) -> Result<BackupInfo, StoreError> {
        self.backup_at(reason, Local::now().naive_local())
    }

    /// [`Store::backup_now`] at a given local time (tests use a fake clock).
    pub fn backup_at(
        &self,
        reason: BackupReason,
        now: NaiveDateTime,
    ) -> Result<BackupInfo, StoreError> {
        backup_conn(&self.conn, &self.path, reason, now)
    }

    /// The start-of-day backup: made when there is none from today (so also whenever the newest
    /// is older than a day); returns it, or None when today already has one.
    pub fn backup_if_due(&self) -> Result<Option<BackupInfo>, StoreError> {
        self.backup_if_due_at(Local::now().naive_local())
    }

    pub fn backup_if_due_at(&self, now: NaiveDateTime) -> Result<Option<BackupInfo>, StoreError> {
        let newest = scan(&self.path)?.into_iter().next();
        match newest {
            Some(b) if b.time.date() == now.date() && b.time <= now => Ok(None),
            _ => self.backup_at(BackupReason::Daily, now).map(Some),
        }
    }

    /// The backups of this database, newest first, each checked and counted.
    pub fn backups(&self) -> Result<Vec<BackupInfo>, StoreError> {
        list_backups(&self.path)
    }

    /// Replaces the database's content by the backup `from` (online backup API, into the open
    /// connection: locks and other handles stay valid). The current content is backed up first;
    /// returns that backup. A backup of an older schema is migrated.
    pub fn restore_backup(&mut self, from: &Path) -> Result<BackupInfo, StoreError> {
        check_database(from).map_err(|e| StoreError::Open {
            path: from.display().to_string(),
            detail: format!("备份{e}，请选择另一个备份"),
        })?;
        let before = self.backup_now(BackupReason::Restore)?;
        let shown = self.path.display().to_string();
        self.conn
            .restore(
                rusqlite::DatabaseName::Main,
                from,
                None::<fn(rusqlite::backup::Progress)>,
            )
            .map_err(|e| sql_error(&shown, e))?;
        super::migrations::migrate(&mut self.conn, &self.campaign, &self.dicts)
            .map_err(|e| sql_error(&shown, e))?;
        self.identity = self.load_identity(true)?;
        Ok(before)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn names_round_trip() {
        let (p, seq) = new_path(
            Path::new("/x/tianbao.db"),
            t("2026-11-29 14:25"),
            BackupReason::Import,
        )
        .unwrap();
        assert_eq!(seq, 1);
        let f = p.file_name().unwrap().to_str().unwrap();
        assert_eq!(f, "tianbao-20261129-142500-import.db");
        assert_eq!(
            parse_name("tianbao", f),
            Some((t("2026-11-29 14:25"), BackupReason::Import))
        );
        assert_eq!(
            parse_name("tianbao", "tianbao-20261129-142500-daily-2.db"),
            Some((t("2026-11-29 14:25"), BackupReason::Daily))
        );
        assert_eq!(parse_name("tianbao", "tianbao-2026-daily.db"), None);
        assert_eq!(
            parse_name("tianbao", "other-20261129-142500-daily.db"),
            None
        );
        assert_eq!(
            parse_name("tianbao", "tianbao-20261129-142500-daily.db.partial"),
            None
        );
    }

    #[test]
    fn keep_rule() {
        // One backup a day at 09:00 for 60 days, newest first.
        let start = t("2026-10-01 09:00");
        let times: Vec<NaiveDateTime> = (0..60).rev().map(|d| start + Duration::days(d)).collect();
        let k = keep(&times);
        // 7 days (indices 0..7) and 4 weeks before them.
        assert_eq!(k.len(), 11, "{k:?}");
        assert!((0..7).all(|i| k.contains(&i)));
        let weeks: BTreeSet<_> = k
            .iter()
            .filter(|&&i| i >= 7)
            .map(|&i| times[i].date().iso_week())
            .collect();
        assert_eq!(weeks.len(), 4);
    }
}
