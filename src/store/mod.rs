//! SQLite storage of cases, with every saved change kept as a revision (who: office + device;
//! when) so cases can later travel in bundles and be merged three-way.
//!
//! Invariants:
//! - `cases.data` is the JSON of the case at its head revision; `cases.head` names that revision.
//! - Every change of a case's content or status appends one row to `revisions` (never updated,
//!   never deleted except by purging the case from the 回收站).
//! - Writes happen in one transaction each, WAL journal, `synchronous=FULL`: a save that returned
//!   survives a crash or a power cut.
//! - A database from a newer schema, or a file that is not ours, is never modified.

mod attachments;
mod backup;
mod docx_import;
mod location;
mod lock;
mod migrations;
mod province;
mod revs;

use crate::campaign::Campaign;
use crate::dicts::Dicts;
use crate::fsx;
use crate::model::{Case, CaseId, Status};
use crate::validate::{validate, Report};
use rusqlite::config::DbConfig;
use rusqlite::{params, Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use uuid::Uuid;

pub use backup::{
    backup_dir, backup_named, check_database, list_backups, newest_good, restore, restore_file,
    rotate, BackupInfo, BackupReason, Restored,
};
pub use docx_import::{imported_summary, Imported};
pub use location::{DataLocation, PORTABLE_DATA_DIR, PORTABLE_MARKER};
pub use lock::LOCK_WAIT;
pub use migrations::{migrate_to, LATEST_VERSION};
pub use province::{outside_unit, Desk, DeskCase, LibraryInfo, Opinion};
pub use revs::{
    merge_id, CaseConflicts, ChoiceView, ConflictView, HistoryEntry, Outcome, Plan, Revision,
    COALESCE_WINDOW_SECS,
};

/// Identifies our databases (PRAGMA application_id): "TBAO".
pub const APPLICATION_ID: i32 = 0x5442_414F;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("文件“{path}”不是填报助手的数据库（可能是其他程序的文件或已损坏）。请选择正确的数据库文件，或把它移走后重新打开；若它原本是填报助手的数据库，说明已损坏，请从备份恢复。该文件未做任何改动。")]
    NotOurs { path: String },
    #[error("数据库“{path}”来自更新版本的填报助手（数据版本 {found}，本程序只支持到 {supported}）。请先升级填报助手再打开；数据未做任何改动。")]
    NewerSchema {
        path: String,
        found: i64,
        supported: i64,
    },
    #[error("无法写入“{path}”：所在的文件夹或磁盘是只读的，或没有写入权限。请把数据库放到可写的文件夹（例如“文档”）。")]
    ReadOnly { path: String },
    #[error("磁盘空间已满，未能写入“{path}”：这次的修改没有保存，之前保存的内容完好。请清理磁盘空间后重试。")]
    DiskFull { path: String },
    #[error("磁盘空间已满，无法打开数据库“{path}”（打开也需要少量空间）。已保存的内容完好；请清理磁盘空间后再打开。")]
    DiskFullAtOpen { path: String },
    #[error("无法打开数据库“{path}”：{detail}。请检查该位置是否存在且可写。")]
    Open { path: String, detail: String },
    #[error("数据库“{path}”已在案例填报助手的窗口中打开（或有其他命令正在修改它），同一时间只能由一个程序修改。请在那个窗口中操作，或先关闭那个窗口再重试。")]
    InUse { path: String },
    #[error("“{path}”是一个文件夹，不是数据库文件。请指定文件夹中的数据库文件（例如“{path}/tianbao.db”）。")]
    IsDir { path: String },
    #[error("找不到这个案例（编号 {0}），它可能已被永久删除。")]
    NotFound(CaseId),
    #[error("还有 {errors} 处错误未改正，不能标记为完成。请先按红色提示修改。")]
    NotReady { errors: usize },
    #[error("找不到数据目录，请用 --db 或环境变量 TIANBAO_DB 指定数据库文件的位置。")]
    NoDataDir,
    #[error("数据库“{path}”已损坏（{detail}）。为免损失更多数据，填报助手不再写入它，文件保持原样。请从备份恢复该文件（或把它交给技术支持抢救），然后重新打开。")]
    Damaged { path: String, detail: String },
    #[error("案例（编号 {id}）在你打开之后已被修改（另一个窗口或命令保存了新的版本）。你的内容没有保存；请先复制你的修改，重新打开该案例后再改。")]
    Stale {
        id: CaseId,
        /// The revision the refused save was based on.
        base: String,
        /// The case's head when the save was refused (`None`: the case no longer exists).
        head: Option<String>,
    },
    #[error("{what}过大（{size}），超过上限 {limit}，没有保存。请删减后再试（一个案例的文字通常只有几千到几万字；图片和视频不放在文字里）。")]
    TooLarge {
        /// What is too large ("字段“成果贡献”", "案例").
        what: String,
        size: String,
        limit: String,
    },
    #[error("数据库中案例 {id} 的内容无法读取（{detail}），请联系技术支持并保留数据库文件。")]
    Corrupt { id: String, detail: String },
    #[error("“{name}”不是可报送的单位。请填写 31 个省（区、市）、5 个计划单列市或新疆生产建设兵团之一，例如“贵州省”或“宁波市”。")]
    UnknownUnit { name: String },
    #[error("让案例库中已有的人员计入名额，需要填写理由（例如“名单中是同名的另一人”）。")]
    OverrideReason,
    #[error("案例还有 {0} 处冲突没有处理，不能标记为完成。请先在“有冲突”中逐项选择要保留的内容。")]
    HasConflicts(usize),
    #[error("字段“{field}”没有待处理的冲突（可能已经处理过了）。")]
    NoConflict { field: String },
    #[error("案例（编号 {id}）刚刚在别处被修改了，请重新打开后再操作。")]
    Moved { id: CaseId },
    #[error(transparent)]
    Merge(crate::merge::MergeError),
    #[error(transparent)]
    Media(#[from] crate::media::MediaError),
    #[error("数据库操作失败（{0}）。请重试；若反复出现，请保留数据库文件并联系技术支持。")]
    Sqlite(String),
}

impl StoreError {
    /// The database file is damaged (offer restoring a backup; never retrying).
    pub fn is_damaged(&self) -> bool {
        matches!(self, StoreError::Damaged { .. })
    }
}

/// Who makes a change: the office (set by the user, e.g. "台江县商务局") and this device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub office: String,
    pub device: String,
}

/// What a save returns to the editor.
#[derive(Debug, Clone, Serialize)]
pub struct Saved {
    pub id: CaseId,
    /// The number of this revision within the case (1 = created).
    pub revision: i64,
    /// Globally unique id of the head revision.
    pub rev_id: String,
    /// RFC 3339 with the local offset.
    pub saved_at: String,
    /// "HH:MM:SS", local time, for "已保存 HH:MM:SS".
    pub saved_at_hms: String,
    pub status: Status,
    pub report: Report,
    /// When the case's 推荐表 was last generated, if ever, and whether the case changed since.
    pub printed_at: Option<String>,
    pub printed_stale: bool,
    /// Fields the save changed from what was sent: units dropped from number fields
    /// ("12人" → "12"), as `[field, value]`; the editor shows the stored value.
    pub normalised: Vec<(String, String)>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    /// Matches 姓名, 地区 or 账号 (substring).
    pub text: String,
    pub status: Option<Status>,
    /// List the 回收站 instead of the live cases.
    pub trash: bool,
    /// Only the first so many (in the list's order): the window's first screen at start,
    /// before the whole list of thousands is read.
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CaseSummary {
    pub id: CaseId,
    pub name: String,
    pub title: String,
    pub region: String,
    pub account: String,
    pub status: Status,
    pub completeness: u8,
    pub errors: usize,
    pub warnings: usize,
    pub updated_at: String,
    /// The materials the notice requires that are still missing (empty: 材料齐全).
    pub missing_materials: Vec<String>,
    /// Other cases (not in the 回收站) that look like the same person.
    pub same_person: Vec<SamePerson>,
    /// When the case's 推荐表 was last generated (RFC 3339), if ever.
    pub printed_at: Option<String>,
    /// The case changed after its 推荐表 was generated: the printed one is out of date.
    pub printed_stale: bool,
    /// Open conflicts of its head (fields changed differently in two offices): "有冲突".
    pub conflicts: usize,
}

/// Another case of, apparently, the same person.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SamePerson {
    pub id: CaseId,
    /// Its label (姓名, else 案例名称).
    pub name: String,
    /// Why: "姓名和出生年月相同" or "身份证扫描件是同一个文件".
    pub reason: String,
}

/// What a copy for the next person of the same 推荐单位 keeps besides the 推荐单位 block.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CopyKeep {
    /// 所在地区 (省、市、县、乡镇、村).
    pub region: bool,
    /// 直播平台 (and the name of an “其他” one).
    pub platforms: bool,
}

/// One saved change of a case.
#[derive(Debug, Clone, Serialize)]
pub struct RevisionInfo {
    pub rev_id: String,
    pub parent: Option<String>,
    pub number: i64,
    pub office: String,
    pub device: String,
    pub at: String,
}

pub struct Store {
    /// Declared before `lock`: the connection closes (and checkpoints) while the lock is held.
    conn: Connection,
    /// The writer's lock, held for the store's lifetime; `None` for a read-only view.
    lock: Option<lock::DbLock>,
    path: PathBuf,
    identity: Identity,
    campaign: Campaign,
    dicts: Dicts,
    /// This opening of the store: saves of one session are coalesced (see `revs`).
    session: String,
}

/// The database used when none is named: `TIANBAO_DB`, else portable mode (a `tianbao-portable`
/// marker beside the program), else `<data dir>/tianbao/tianbao.db` (see [`DataLocation`]).
pub fn default_db_path() -> Result<PathBuf, StoreError> {
    DataLocation::resolve(false).map(|l| l.db)
}

/// Whether two RFC 3339 times are less than `COALESCE_WINDOW_SECS` apart.
fn within_window(a: &str, b: &str) -> bool {
    match (
        chrono::DateTime::parse_from_rfc3339(a),
        chrono::DateTime::parse_from_rfc3339(b),
    ) {
        (Ok(a), Ok(b)) => (b - a).num_seconds().abs() < COALESCE_WINDOW_SECS,
        _ => false,
    }
}

fn now() -> (String, String) {
    let t = chrono::Local::now();
    (
        t.to_rfc3339_opts(chrono::SecondsFormat::Millis, false),
        t.format("%H:%M:%S").to_string(),
    )
}

impl Store {
    /// A store over an open connection, before the lock, identity and migrations are set up.
    fn unlocked(conn: Connection, path: &Path) -> Store {
        Store {
            conn,
            lock: None,
            path: path.to_path_buf(),
            identity: Identity {
                office: String::new(),
                device: String::new(),
            },
            campaign: Campaign::current(),
            dicts: Dicts::current(),
            session: Uuid::new_v4().to_string(),
        }
    }

    /// Opens (creating if needed) the database at `path` for reading and writing, and brings its
    /// schema up to date. Holds the database's writer lock (see `lock`) as long as the `Store`
    /// lives: while another process has it open for writing this waits up to [`LOCK_WAIT`], then
    /// fails with [`StoreError::InUse`].
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Store::open_waiting(path, LOCK_WAIT)
    }

    /// [`Store::open`], waiting up to `wait` for another process's writer lock.
    pub fn open_waiting(path: &Path, wait: std::time::Duration) -> Result<Store, StoreError> {
        let shown = path.display().to_string();
        prepare(path, true).map_err(at_open)?;
        let lock = lock::acquire(path, wait, true).map_err(|e| at_open(lock_error(&shown, e)))?;
        Store::open_locked(path, lock)
    }

    /// Opens the database for reading only (the CLI's `cases list`, `case show`, `docx`, …).
    /// When no other process has it open for writing this is [`Store::open`]; while one does (the
    /// app's window) it is a read-only view that can neither write, checkpoint nor delete the
    /// write-ahead log, nor touch SQLite's shared-memory file: it reads what the writer has
    /// committed. Every writing method of a view fails with [`StoreError::InUse`].
    pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        let shown = path.display().to_string();
        if !path.exists() {
            return Store::open(path);
        }
        prepare(path, false)?;
        let deadline = std::time::Instant::now() + LOCK_WAIT;
        loop {
            if let Some(lock) = lock::try_acquire(path).map_err(|e| lock_error(&shown, e))? {
                return Store::open_locked(path, lock);
            }
            match Store::open_view(path) {
                Ok(store) => return Ok(store),
                // The writer is creating or migrating the database, or closing it: wait for it.
                Err(None) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(50))
                }
                Err(None) => return Err(StoreError::InUse { path: shown }),
                Err(Some(e)) => return Err(e),
            }
        }
    }

    /// Whether this is a read-only view (another process has the database open for writing).
    pub fn is_read_only(&self) -> bool {
        self.lock.is_none()
    }

    /// Opens the database with its writer lock held; on failure removes what this open created
    /// (an empty database file, `-wal`/`-shm` beside a refused file).
    fn open_locked(path: &Path, lock: lock::DbLock) -> Result<Store, StoreError> {
        let before = Sidecars::of(path);
        match Store::open_rw(path) {
            Ok(mut store) => {
                store.lock = Some(lock);
                Ok(store)
            }
            Err(e) => {
                before.remove_new(path, lock.created);
                drop(lock);
                Err(at_open(e))
            }
        }
    }

    fn open_rw(path: &Path) -> Result<Store, StoreError> {
        let shown = path.display().to_string();
        // First look at the file without being able to change it: ours, not newer, intact.
        // Only then open it for writing (which may switch it to WAL and migrate it).
        let version = inspect(path, false, Some(QUICK_CHECK_BUDGET))?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| match e.sqlite_error_code() {
            Some(ErrorCode::CannotOpen) if !fsx::dir_writable(&fsx::parent_of(path)) => {
                StoreError::ReadOnly {
                    path: shown.clone(),
                }
            }
            _ => sql_error(&shown, e),
        })?;
        // Before any statement: every lock SQLite waits for is waited for up to the timeout.
        conn.busy_timeout(LOCK_WAIT)
            .map_err(|e| sql_error_on(&conn, &shown, e))?;
        if conn
            .is_readonly(rusqlite::DatabaseName::Main)
            .unwrap_or(false)
        {
            return Err(StoreError::ReadOnly { path: shown });
        }
        let mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(|e| sql_error_on(&conn, &shown, e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!("journal_mode is {mode}, not WAL");
        }
        conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")
            .map_err(|e| sql_error_on(&conn, &shown, e))?;
        // Fails now, not at the first keystroke, when the file or folder is read-only.
        conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK;")
            .map_err(|e| sql_error_on(&conn, &shown, e))?;
        let mut store = Store::unlocked(conn, path);
        if version.is_some_and(|v| v > 0 && v < LATEST_VERSION) {
            // Before every migration: a copy of the database as the older version left it.
            backup::backup_file(&store.conn, path, backup::BackupReason::Migration)?;
        }
        let migrated = migrations::migrate(&mut store.conn, &store.campaign, &store.dicts);
        migrated.map_err(|e| store.err(e))?;
        store.identity = store.load_identity(true)?;
        Ok(store)
    }

    /// Checks the database at `path` without changing it: that it is ours, not from a newer
    /// version, and intact (`PRAGMA quick_check`, all of it). For a backup before restoring it,
    /// or to decide whether to offer restoring one: a damaged database is
    /// [`StoreError::Damaged`] (see [`StoreError::is_damaged`]). Works while the app has the
    /// database open (through a read-only view then).
    pub fn check_integrity(path: &Path) -> Result<(), StoreError> {
        let shown = path.display().to_string();
        if !path.exists() {
            return Err(StoreError::Open {
                path: shown,
                detail: "文件不存在".into(),
            });
        }
        prepare(path, false)?;
        match lock::try_acquire(path).map_err(|e| lock_error(&shown, e))? {
            Some(lock) => {
                let before = Sidecars::of(path);
                let r = inspect(path, false, None);
                before.remove_new(path, false);
                drop(lock);
                r.map(|_| ())
            }
            None => inspect(path, true, None).map(|_| ()),
        }
    }

    /// The read-only view of a database another process holds the writer lock of. `Err(None)`:
    /// not readable yet (being created or migrated, or its writer is closing it).
    fn open_view(path: &Path) -> Result<Store, Option<StoreError>> {
        let shown = path.display().to_string();
        // SQLite would create a missing `-wal` even read-only, and cannot read a WAL database
        // without its `-shm` when that may not be written: the writer creates both at once.
        let wal_exists = sidecar(path, "-wal").exists() && sidecar(path, "-shm").exists();
        if !wal_exists {
            return Err(None);
        }
        // mode=ro: never writes the database nor the log (it cannot checkpoint); readonly_shm:
        // never writes (truncates, rebuilds) the writer's shared-memory index — a writer whose
        // POSIX locks were dropped would otherwise look absent.
        let conn = Connection::open_with_flags(
            read_only_uri(path),
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_URI
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|_| None)?;
        let conn_err = |e: rusqlite::Error| Some(sql_error(&shown, e));
        conn.busy_timeout(LOCK_WAIT).map_err(conn_err)?;
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
            .map_err(conn_err)?;
        let version = match identify(&conn, &shown) {
            Ok(Some(v)) => v,
            Ok(None) if is_empty_db(&conn, &shown).unwrap_or(false) => return Err(None),
            Ok(None) => return Err(Some(StoreError::NotOurs { path: shown })),
            Err(e @ StoreError::NewerSchema { .. }) | Err(e @ StoreError::NotOurs { .. }) => {
                return Err(Some(e))
            }
            Err(_) => return Err(None),
        };
        if version < LATEST_VERSION {
            return Err(None);
        }
        let mut store = Store::unlocked(conn, path);
        store.identity = store.load_identity(false).map_err(Some)?;
        Ok(store)
    }

    /// Refuses a change through a read-only view.
    fn writable(&self) -> Result<(), StoreError> {
        if self.lock.is_none() {
            return Err(StoreError::InUse {
                path: self.path.display().to_string(),
            });
        }
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The folder of the app's own copies of attached files, beside the database:
    /// `tianbao.db` → `tianbao-files/`.
    pub fn blob_dir(&self) -> PathBuf {
        location::sibling_dir(&self.path, "files")
    }

    pub fn campaign(&self) -> &Campaign {
        &self.campaign
    }

    pub fn dicts(&self) -> &Dicts {
        &self.dicts
    }

    pub fn identity(&self) -> Identity {
        self.identity.clone()
    }

    /// Sets the office recorded on every later revision (e.g. "台江县商务局").
    pub fn set_office(&mut self, office: &str) -> Result<(), StoreError> {
        self.writable()?;
        let office = office.trim();
        self.conn
            .execute(
                "INSERT INTO meta(key, value) VALUES('office', ?1)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [office],
            )
            .map_err(|e| self.err(e))?;
        self.identity.office = office.to_string();
        Ok(())
    }

    /// The office and device; `create`: gives a database without a device id its own.
    fn load_identity(&mut self, create: bool) -> Result<Identity, StoreError> {
        let get = |conn: &Connection, k: &str| -> rusqlite::Result<Option<String>> {
            conn.query_row("SELECT value FROM meta WHERE key = ?1", [k], |r| r.get(0))
                .optional()
        };
        let device = match get(&self.conn, "device").map_err(|e| self.err(e))? {
            Some(d) => d,
            None if !create => String::new(),
            None => {
                let d = Uuid::new_v4().to_string();
                self.conn
                    .execute("INSERT INTO meta(key, value) VALUES('device', ?1)", [&d])
                    .map_err(|e| self.err(e))?;
                d
            }
        };
        let office = get(&self.conn, "office")
            .map_err(|e| self.err(e))?
            .unwrap_or_default();
        Ok(Identity { office, device })
    }

    fn err(&self, e: rusqlite::Error) -> StoreError {
        sql_error_on(&self.conn, &self.path.display().to_string(), e)
    }

    /// Validates a case against this store's campaign rules.
    pub fn validate(&self, case: &Case) -> Report {
        validate(case, &self.campaign, &self.dicts)
    }

    /// Creates and saves a new, empty case.
    pub fn create_case(&mut self) -> Result<Case, StoreError> {
        self.writable()?;
        let case = Case::new();
        self.save_case(&case)?;
        self.get_case(case.id)
    }

    pub fn get_case(&self, id: CaseId) -> Result<Case, StoreError> {
        let data: Option<String> = self
            .conn
            .query_row(
                "SELECT data FROM cases WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let data = data.ok_or(StoreError::NotFound(id))?;
        parse_case(&id.to_string(), &data)
    }

    /// Saves a case (creating it when its id is new) as a child of its current head — for
    /// callers that do not know which revision the content was based on (an imported file).
    /// Control characters are scrubbed; a case marked ready that now has errors (or open
    /// conflicts) goes back to draft. Saving unchanged content returns the current head without
    /// adding a revision. A save in the same editing session as the head revision (same office,
    /// device and store session, within `COALESCE_WINDOW_SECS`) updates that revision in place
    /// unless it has left the office (exported) — the history keeps one revision per editing
    /// session, not one per autosave.
    pub fn save_case(&mut self, case: &Case) -> Result<Saved, StoreError> {
        self.save_case_with(case, None, true)
    }

    /// Saves a case as a revision of its own, never coalesced into the last one: for content
    /// that arrives whole from outside the editor (a .docx or JSON file imported).
    pub fn save_case_fresh(&mut self, case: &Case) -> Result<Saved, StoreError> {
        self.save_case_with(case, None, false)
    }

    /// Saves a case edited from revision `base` (the `rev_id` its editor loaded or last saved).
    /// The head is read and the child appended in one `BEGIN IMMEDIATE` transaction, so every
    /// revision's parent is the head it replaced (the chain never forks). With `Some(base)`
    /// that is no longer the head, nothing is saved: [`StoreError::Stale`] names the head, for
    /// the caller to merge or reload; with `None` the save is a child of whatever the head is.
    pub fn save_case_on(&mut self, case: &Case, base: Option<&str>) -> Result<Saved, StoreError> {
        // A save with an explicit base is a revision of its own: a base names one content.
        self.save_case_with(case, base, base.is_none())
    }

    fn save_case_with(
        &mut self,
        case: &Case,
        base: Option<&str>,
        coalesce: bool,
    ) -> Result<Saved, StoreError> {
        self.writable()?;
        let mut case = case.clone();
        if case.id.is_nil() {
            case.id = Uuid::now_v7();
        }
        case.scrub();
        let normalised: Vec<(String, String)> = case
            .normalise_units()
            .into_iter()
            .map(|(f, v)| (f.to_string(), v))
            .collect();
        let report = self.validate(&case);
        if case.status == Status::Ready && !report.is_ready() {
            case.status = Status::Draft;
        }
        let data = serde_json::to_string(&case).map_err(|e| StoreError::Sqlite(e.to_string()))?;
        check_size(&case, data.len())?;
        let id = case.id.to_string();
        let path = self.path.display().to_string();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| sql_error(&path, e))?;
        struct Head {
            id: String,
            data: String,
            kind: String,
            device: String,
            office: String,
            session: String,
            exported: bool,
            at: String,
            deleted: bool,
            conflicts: String,
            printed: bool,
        }
        let head: Option<Head> = tx
            .query_row(
                "SELECT r.id, r.data, r.kind, r.device, r.office, r.session,
                        r.exported_at IS NOT NULL, r.at, r.deleted, r.conflicts,
                        coalesce(r.id = c.printed_rev, 0)
                 FROM cases c JOIN revisions r ON r.id = c.head WHERE c.id = ?1",
                [&id],
                |r| {
                    Ok(Head {
                        id: r.get(0)?,
                        data: r.get(1)?,
                        kind: r.get(2)?,
                        device: r.get(3)?,
                        office: r.get(4)?,
                        session: r.get(5)?,
                        exported: r.get(6)?,
                        at: r.get(7)?,
                        deleted: r.get::<_, i64>(8)? != 0,
                        conflicts: r.get(9)?,
                        printed: r.get(10)?,
                    })
                },
            )
            .optional()
            .map_err(|e| sql_error(&path, e))?;
        if let Some(base) = base {
            if head.as_ref().map(|h| h.id.as_str()) != Some(base) {
                return Err(StoreError::Stale {
                    id: case.id,
                    base: base.to_string(),
                    head: head.map(|h| h.id),
                });
            }
        }
        if let Some(h) = &head {
            if h.data == data {
                drop(tx);
                return self.saved(case.id, h.id.clone(), report, normalised);
            }
        }
        let conflicts: Vec<crate::merge::Conflict> = head
            .as_ref()
            .and_then(|h| serde_json::from_str(&h.conflicts).ok())
            .unwrap_or_default();
        if !conflicts.is_empty() && case.status == Status::Ready {
            case.status = Status::Draft;
        }
        let data = serde_json::to_string(&case).map_err(|e| StoreError::Sqlite(e.to_string()))?;
        let (at, _) = now();
        let coalesce = coalesce
            && head.as_ref().is_some_and(|h| {
                h.kind == "edit"
                    && !h.exported
                    // The revision a 推荐表 was printed from stays as printed (`printed_stale`).
                    && !h.printed
                    && h.session == self.session
                    && h.device == self.identity.device
                    && h.office == self.identity.office
                    && within_window(&h.at, &at)
            });
        let rev_id = if let Some(h) = head.as_ref().filter(|_| coalesce) {
            tx.execute(
                "UPDATE revisions SET data = ?2, at = ?3 WHERE id = ?1 AND exported_at IS NULL",
                params![h.id, data, at],
            )
            .map_err(|e| sql_error(&path, e))?;
            h.id.clone()
        } else {
            let rev = Revision {
                id: Uuid::now_v7().to_string(),
                case_id: case.id,
                parents: head.iter().map(|h| h.id.clone()).collect(),
                office: self.identity.office.clone(),
                device: self.identity.device.clone(),
                at,
                deleted: head.as_ref().is_some_and(|h| h.deleted),
                kind: "edit".into(),
                conflicts,
                data: case.clone(),
            };
            revs::insert_revision(&tx, &rev, &self.session, None)
                .map_err(|e| sql_error(&path, e))?;
            rev.id
        };
        revs::set_head(&tx, case.id, &rev_id, &self.campaign, &self.dicts)
            .map_err(|e| sql_error(&path, e))?;
        tx.commit().map_err(|e| sql_error(&path, e))?;
        self.saved(case.id, rev_id, report, normalised)
    }

    fn saved(
        &self,
        id: CaseId,
        rev_id: String,
        report: Report,
        normalised: Vec<(String, String)>,
    ) -> Result<Saved, StoreError> {
        let (at, status, number, printed_at, printed_stale): (
            String,
            String,
            i64,
            Option<String>,
            bool,
        ) = self
            .conn
            .query_row(
                "SELECT r.at, c.status,
                        (SELECT count(*) FROM revisions WHERE case_id = c.id),
                        c.printed_at, coalesce(c.printed_rev != c.head, 0)
                 FROM cases c JOIN revisions r ON r.id = c.head WHERE c.id = ?1",
                [id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .map_err(|e| self.err(e))?;
        let hms = chrono::DateTime::parse_from_rfc3339(&at)
            .map(|t| {
                t.with_timezone(&chrono::Local)
                    .format("%H:%M:%S")
                    .to_string()
            })
            .unwrap_or_default();
        Ok(Saved {
            id,
            revision: number,
            rev_id,
            saved_at: at,
            saved_at_hms: hms,
            status: Status::parse(&status).unwrap_or_default(),
            report,
            printed_at,
            printed_stale,
            normalised,
        })
    }

    /// Marks a case 已完成 (refused while errors remain) or back to 草稿.
    pub fn set_status(&mut self, id: CaseId, status: Status) -> Result<Saved, StoreError> {
        self.writable()?;
        let mut case = self.get_case(id)?;
        if status == Status::Ready {
            let open = self.conflicts(id)?.len();
            if open > 0 {
                return Err(StoreError::HasConflicts(open));
            }
            let report = self.validate(&case);
            if !report.is_ready() {
                return Err(StoreError::NotReady {
                    errors: report.errors,
                });
            }
        }
        case.status = status;
        self.save_case(&case)
    }

    pub fn list_cases(&self, q: &ListQuery) -> Result<Vec<CaseSummary>, StoreError> {
        let text = q.text.trim();
        let pattern = format!(
            "%{}%",
            text.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, name, title, region, account, status, completeness, errors, warnings,
                        updated_at, missing, printed_at, coalesce(printed_rev != head, 0), conflicts
                 FROM cases
                 WHERE (deleted_at IS NOT NULL) = ?1
                   AND (?2 IS NULL OR status = ?2)
                   AND (?3 = '' OR name LIKE ?4 ESCAPE '\\' OR region LIKE ?4 ESCAPE '\\'
                        OR account LIKE ?4 ESCAPE '\\' OR title LIKE ?4 ESCAPE '\\'
                        OR search LIKE ?4 ESCAPE '\\')
                 ORDER BY updated_at DESC, id
                 LIMIT ?5",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(
                params![
                    q.trash,
                    q.status.map(|s| s.as_str()),
                    text,
                    pattern,
                    q.limit.map_or(-1, i64::from)
                ],
                |r| {
                    let id: String = r.get(0)?;
                    let status: String = r.get(5)?;
                    Ok(CaseSummary {
                        id: Uuid::parse_str(&id).unwrap_or_default(),
                        name: r.get(1)?,
                        title: r.get(2)?,
                        region: r.get(3)?,
                        account: r.get(4)?,
                        status: Status::parse(&status).unwrap_or_default(),
                        completeness: r.get::<_, i64>(6)?.clamp(0, 100) as u8,
                        errors: r.get::<_, i64>(7)?.max(0) as usize,
                        warnings: r.get::<_, i64>(8)?.max(0) as usize,
                        updated_at: r.get(9)?,
                        missing_materials: r
                            .get::<_, String>(10)?
                            .split('、')
                            .filter(|s| !s.is_empty())
                            .map(str::to_string)
                            .collect(),
                        same_person: Vec::new(),
                        printed_at: r.get(11)?,
                        printed_stale: r.get(12)?,
                        conflicts: r.get::<_, i64>(13)?.max(0) as usize,
                    })
                },
            )
            .map_err(|e| self.err(e))?;
        let mut list = rows
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.err(e))?;
        if !q.trash {
            self.flag_same_person(&mut list)?;
        }
        Ok(list)
    }

    /// Flags the listed cases that share a person with another case not in the 回收站: the same
    /// 姓名 and 出生年月, or the same ID-scan file.
    fn flag_same_person(&self, list: &mut [CaseSummary]) -> Result<(), StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, name, title, person_key, id_scans FROM cases
                 WHERE deleted_at IS NULL AND (person_key != '' OR id_scans != '')",
            )
            .map_err(|e| self.err(e))?;
        type Row = (String, String, String, String, String);
        let all: Vec<Row> = stmt
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .map_err(|e| self.err(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.err(e))?;
        // Who shares a key with whom, by index into `all`: linear in the number of cases (a
        // national list of thousands must not pay for every pair).
        let mut by_id: HashMap<&str, usize> = HashMap::new();
        let mut by_person: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_scan: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, r) in all.iter().enumerate() {
            by_id.insert(r.0.as_str(), i);
            if !r.3.is_empty() {
                by_person.entry(r.3.as_str()).or_default().push(i);
            }
            for h in r.4.split(' ').filter(|h| !h.is_empty()) {
                by_scan.entry(h).or_default().push(i);
            }
        }
        for s in list.iter_mut() {
            let Some(&mine) = by_id.get(s.id.to_string().as_str()) else {
                continue;
            };
            let me = &all[mine];
            let mut others: Vec<usize> = by_person
                .get(me.3.as_str())
                .into_iter()
                .flatten()
                .chain(me.4.split(' ').filter_map(|h| by_scan.get(h)).flatten())
                .copied()
                .filter(|&i| i != mine)
                .collect();
            others.sort_unstable();
            others.dedup();
            for other in others.into_iter().map(|i| &all[i]) {
                let reason = if !me.3.is_empty() && me.3 == other.3 {
                    "姓名和出生年月相同"
                } else {
                    "身份证扫描件是同一个文件"
                };
                let name = if other.1.trim().is_empty() {
                    &other.2
                } else {
                    &other.1
                };
                s.same_person.push(SamePerson {
                    id: Uuid::parse_str(&other.0).unwrap_or_default(),
                    name: if name.trim().is_empty() {
                        "未命名案例".into()
                    } else {
                        name.clone()
                    },
                    reason: reason.into(),
                });
            }
        }
        Ok(())
    }

    /// Records that the 推荐表 of case `id` was generated from `printed` (the case as it was read
    /// for printing): the list and the editor then say when the case changed after it.
    pub fn note_printed(&mut self, id: CaseId, printed: &Case) -> Result<(), StoreError> {
        self.writable()?;
        let data = serde_json::to_string(printed).map_err(|e| StoreError::Sqlite(e.to_string()))?;
        let (at, _) = now();
        self.conn
            .execute(
                "UPDATE cases SET printed_at = ?3, printed_rev = coalesce((
                    SELECT id FROM revisions WHERE case_id = ?1 AND data = ?2
                    ORDER BY rowid DESC LIMIT 1), '')
                 WHERE id = ?1",
                params![id.to_string(), data, at],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// [`Store::note_printed`] for each case of a batch that was `written` (`loaded`: the cases
    /// as read for printing).
    pub fn note_printed_many(
        &mut self,
        loaded: &[Case],
        written: &[crate::docx::Written],
    ) -> Result<(), StoreError> {
        for w in written {
            if let Some(case) = loaded.iter().find(|c| c.id == w.case_id) {
                self.note_printed(w.case_id, case)?;
            }
        }
        Ok(())
    }

    /// Deletes case `id` for good when nothing is kept in it (a new case the clerk left without
    /// typing, or typed and erased within the same editing session, which coalesces into one
    /// revision): one revision, blank content, never exported. Returns whether it was deleted.
    pub fn discard_if_untouched(&mut self, id: CaseId) -> Result<bool, StoreError> {
        let case = self.get_case(id)?;
        let mut blank = Case::new();
        blank.id = case.id;
        let (revisions, exported): (i64, i64) = self
            .conn
            .query_row(
                "SELECT count(*), count(exported_at) FROM revisions WHERE case_id = ?1",
                [id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| self.err(e))?;
        if revisions != 1 || exported != 0 || case != blank {
            return Ok(false);
        }
        self.delete_case(id)?;
        self.purge_case(id)?;
        Ok(true)
    }

    /// Moves a case to the 回收站 (nothing is lost; `restore_case` brings it back). A revision
    /// records it, so the deletion travels in bundles like an edit.
    pub fn delete_case(&mut self, id: CaseId) -> Result<(), StoreError> {
        self.set_deleted(id, true)
    }

    pub fn restore_case(&mut self, id: CaseId) -> Result<(), StoreError> {
        self.set_deleted(id, false)
    }

    fn set_deleted(&mut self, id: CaseId, deleted: bool) -> Result<(), StoreError> {
        self.writable()?;
        let head = self.head_of(id)?.ok_or(StoreError::NotFound(id))?;
        let rev = self.revision(&head)?.ok_or(StoreError::NotFound(id))?;
        if rev.deleted == deleted {
            return Ok(());
        }
        let kind = if deleted { "delete" } else { "restore" };
        self.append(id, &head, rev.data, deleted, kind, rev.conflicts)?;
        Ok(())
    }

    /// Deletes a case from the 回收站 for good, with its history. Only cases already in the
    /// 回收站 can be purged.
    pub fn purge_case(&mut self, id: CaseId) -> Result<(), StoreError> {
        self.writable()?;
        let path = self.path.display().to_string();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| sql_error(&path, e))?;
        let err = |e| sql_error_on(&tx, &path, e);
        let n = tx
            .execute(
                "DELETE FROM cases WHERE id = ?1 AND deleted_at IS NOT NULL",
                [id.to_string()],
            )
            .map_err(err)?;
        if n == 0 {
            return Err(StoreError::NotFound(id));
        }
        tx.execute("DELETE FROM revisions WHERE case_id = ?1", [id.to_string()])
            .map_err(err)?;
        let committed = tx.commit();
        committed.map_err(|e| self.err(e))
    }

    /// 复制 in the list: [`Store::copy_for_next_person`] keeping the region too (the app's 复制
    /// asks the clerk what to keep; this is its default).
    pub fn duplicate_case(&mut self, id: CaseId) -> Result<Case, StoreError> {
        self.copy_for_next_person(
            id,
            CopyKeep {
                region: true,
                platforms: false,
            },
        )
    }

    /// A new case for the next person of the same 推荐单位: the 推荐单位 block (unit, leader,
    /// phone) of case `id`, and what `keep` asks for; the person, the texts and the materials
    /// start empty (a copy of the person would be a second form for one person).
    pub fn copy_for_next_person(&mut self, id: CaseId, keep: CopyKeep) -> Result<Case, StoreError> {
        self.writable()?;
        let from = self.get_case(id)?;
        let mut case = Case::new();
        case.recommender = from.recommender;
        if keep.region {
            case.region = from.region;
        }
        if keep.platforms {
            case.business.platforms = from.business.platforms;
            case.business.platform_other = from.business.platform_other;
        }
        self.save_case(&case)?;
        self.get_case(case.id)
    }

    /// The saved changes of a case, oldest first.
    pub fn history(&self, id: CaseId) -> Result<Vec<RevisionInfo>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, parent, office, device, at FROM revisions WHERE case_id = ?1
                 ORDER BY rowid",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([id.to_string()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for (i, row) in rows.enumerate() {
            let (rev_id, parent, office, device, at) = row.map_err(|e| self.err(e))?;
            out.push(RevisionInfo {
                rev_id,
                parent,
                number: i as i64 + 1,
                office,
                device,
                at,
            });
        }
        if out.is_empty() {
            return Err(StoreError::NotFound(id));
        }
        Ok(out)
    }

    /// The case as it was at a revision.
    pub fn case_at(&self, rev_id: &str) -> Result<Case, StoreError> {
        let data: Option<String> = self
            .conn
            .query_row("SELECT data FROM revisions WHERE id = ?1", [rev_id], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err(e))?;
        let data = data.ok_or_else(|| StoreError::Corrupt {
            id: rev_id.to_string(),
            detail: "没有这个版本".into(),
        })?;
        parse_case(rev_id, &data)
    }
}

/// At most this many characters in one text field of a case. Not a rule of the notice (its
/// limits are in `assets/campaign/`): a bound against a file pasted by mistake, far above any
/// real text (a section is limited to 1000 字; pastes of 40,000 字 are kept).
pub const MAX_FIELD_CHARS: usize = 100_000;

/// At most this many bytes of JSON for one case (its text; attachments are files beside the
/// database). Also the bound on a case JSON file the CLI imports.
pub const MAX_CASE_BYTES: usize = 4 * 1024 * 1024;

/// Refuses a case beyond [`MAX_CASE_BYTES`] of JSON or with a field beyond [`MAX_FIELD_CHARS`].
pub fn check_case_size(case: &Case) -> Result<(), StoreError> {
    let len = serde_json::to_string(case).map(|s| s.len()).unwrap_or(0);
    check_size(case, len)
}

fn check_size(case: &Case, json_len: usize) -> Result<(), StoreError> {
    if json_len > MAX_CASE_BYTES {
        return Err(StoreError::TooLarge {
            what: "案例".into(),
            size: format!("{:.1} MB", json_len as f64 / 1_048_576.0),
            limit: format!("{} MB", MAX_CASE_BYTES / 1_048_576),
        });
    }
    // No field can be longer than the whole JSON.
    if json_len <= MAX_FIELD_CHARS {
        return Ok(());
    }
    fn longest(v: &serde_json::Value, path: &str, best: &mut (usize, String)) {
        match v {
            serde_json::Value::String(s) => {
                let n = s.chars().count();
                if n > best.0 {
                    *best = (n, path.to_string());
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| longest(x, path, best)),
            serde_json::Value::Object(o) => {
                for (k, x) in o {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        path.to_string()
                    };
                    longest(x, &p, best);
                }
            }
            _ => {}
        }
    }
    let mut best = (0, String::new());
    if let Ok(v) = serde_json::to_value(case) {
        longest(&v, "", &mut best);
    }
    if best.0 > MAX_FIELD_CHARS {
        let part = match best.1.as_str() {
            "person" => "个人信息",
            "region" => "地区",
            "business" => "经营情况",
            "recommender" => "推荐单位",
            "intro" => "案例简介",
            "practices" => "主要做法",
            "results" => "成果贡献",
            "lessons" => "经验启示",
            "opinion" => "推荐单位意见",
            "media" => "材料",
            other => other,
        };
        return Err(StoreError::TooLarge {
            what: format!("“{part}”中的一项内容"),
            size: format!("{} 字", best.0),
            limit: format!("{MAX_FIELD_CHARS} 字"),
        });
    }
    Ok(())
}

/// The columns the case list shows and searches, taken from a case on every save.
pub(crate) struct Summary {
    pub name: String,
    pub title: String,
    pub region: String,
    pub account: String,
    /// More to search by: 推荐单位, the phones, 直播领域.
    pub search: String,
    /// "姓名|年|月" when all three are filled: two cases with one key are one person.
    pub person_key: String,
    /// The SHA-256 of the ID scans, space-separated.
    pub id_scans: String,
}

impl Summary {
    pub(crate) fn of(case: &Case, _report: &Report) -> Summary {
        let p = &case.person;
        let (name, year, month) = (p.name.trim(), p.birth_year.trim(), p.birth_month.trim());
        let month = month.trim_start_matches('0');
        let person_key = if name.is_empty() || year.is_empty() || month.is_empty() {
            String::new()
        } else {
            format!("{name}|{year}|{month}")
        };
        let id_scans = [&case.media.id_front, &case.media.id_back]
            .into_iter()
            .flatten()
            .map(|a| a.sha256.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        Summary {
            name: name.to_string(),
            title: case.intro.title.trim().to_string(),
            region: case.region.one_line(),
            account: case.business.account_name.trim().to_string(),
            search: [
                case.recommender.unit.trim(),
                p.phone.trim(),
                case.recommender.phone.trim(),
                case.business.field.trim(),
            ]
            .join("\n"),
            person_key,
            id_scans,
        }
    }
}

pub(crate) fn parse_case(id: &str, data: &str) -> Result<Case, StoreError> {
    serde_json::from_str(data).map_err(|e| StoreError::Corrupt {
        id: id.to_string(),
        detail: e.to_string(),
    })
}

/// Before any lock or SQLite: a folder is refused, the database's folder is created (`create`),
/// and a file that is not SQLite at all is refused.
fn prepare(path: &Path, create: bool) -> Result<(), StoreError> {
    let shown = path.display().to_string();
    if path.is_dir() {
        return Err(StoreError::IsDir { path: shown });
    }
    if create {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            // Personal data: folders made for it are the user's alone (0700 on Unix); the
            // database itself is created 0600 (its -wal and -shm take its mode).
            fsx::create_dir_private(dir).map_err(|e| io_error(&shown, e))?;
        }
    }
    sniff(path)
}

/// How long opening spends at most on `PRAGMA quick_check`; a bigger database is checked that
/// long (damage found by then is refused) and then opened.
pub const QUICK_CHECK_BUDGET: std::time::Duration = std::time::Duration::from_secs(2);

/// Looks at a database through a read-only connection that cannot checkpoint: ours (or empty),
/// not newer, and `quick_check` clean within `budget` (`None`: all of it). `view`: the writer
/// lock is someone else's, so SQLite's shared-memory file is not written either. Returns the
/// schema version (`None`: an empty database).
fn inspect(
    path: &Path,
    view: bool,
    budget: Option<std::time::Duration>,
) -> Result<Option<i64>, StoreError> {
    let shown = path.display().to_string();
    if std::fs::metadata(path).map(|m| m.len()).unwrap_or(0) == 0 {
        return Ok(None);
    }
    if !view && std::fs::metadata(sidecar(path, "-journal")).is_ok_and(|m| m.len() > 0) {
        // A rollback journal left by a process killed while creating the database (before
        // it was switched to WAL): a read-only connection cannot roll it back. Ours or still
        // empty: let SQLite roll it back; anything else is not ours to touch.
        if !header_is_ours_or_empty(path) {
            return Err(StoreError::NotOurs { path: shown });
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| sql_error(&shown, e))?;
        conn.busy_timeout(LOCK_WAIT)
            .map_err(|e| sql_error_on(&conn, &shown, e))?;
        conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
            .map_err(|e| sql_error_on(&conn, &shown, e))?;
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = if view {
        Connection::open_with_flags(read_only_uri(path), flags | OpenFlags::SQLITE_OPEN_URI)
    } else {
        Connection::open_with_flags(path, flags)
    }
    .map_err(|e| sql_error(&shown, e))?;
    conn.busy_timeout(LOCK_WAIT)
        .map_err(|e| sql_error_on(&conn, &shown, e))?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
        .map_err(|e| sql_error_on(&conn, &shown, e))?;
    let version = identify(&conn, &shown)?;
    if version.is_none() {
        if is_empty_db(&conn, &shown)? {
            return Ok(None);
        }
        return Err(StoreError::NotOurs { path: shown });
    }
    quick_check(&conn, &shown, budget)?;
    Ok(version)
}

/// From the file's header alone: our application id, or a database with nothing in it yet
/// (no application id, version 0, at most one page).
fn header_is_ours_or_empty(path: &Path) -> bool {
    use std::io::Read;
    let mut h = [0u8; 100];
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    if f.read_exact(&mut h).is_err() || &h[..16] != b"SQLite format 3\0" {
        return false;
    }
    let be = |i: usize| u32::from_be_bytes([h[i], h[i + 1], h[i + 2], h[i + 3]]);
    be(68) as i32 == APPLICATION_ID || (be(68) == 0 && be(60) == 0 && be(28) <= 1)
}

/// `PRAGMA quick_check`, interrupted after `budget` (then the database counts as intact: what
/// was checked by then was).
fn quick_check(
    conn: &Connection,
    shown: &str,
    budget: Option<std::time::Duration>,
) -> Result<(), StoreError> {
    let (stop, stopped) = std::sync::mpsc::channel::<()>();
    let watchdog = budget.map(|budget| {
        let handle = conn.get_interrupt_handle();
        std::thread::spawn(move || {
            if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(budget) {
                handle.interrupt();
                return true;
            }
            false
        })
    });
    let result: rusqlite::Result<Vec<String>> = conn
        .prepare("PRAGMA quick_check(10)")
        .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect());
    drop(stop);
    let interrupted = watchdog.map(|w| w.join().unwrap_or(false)).unwrap_or(false);
    match result {
        Ok(rows) if rows.len() == 1 && rows[0] == "ok" => Ok(()),
        Ok(rows) => Err(StoreError::Damaged {
            path: shown.to_string(),
            detail: rows.join("；"),
        }),
        Err(_) if interrupted => {
            tracing::warn!("quick_check of {shown} stopped after {budget:?}");
            Ok(())
        }
        Err(e) => Err(sql_error_on(conn, shown, e)),
    }
}

/// Whether the file has our application id: `Some(user_version)`; `None` for another
/// program's database or an empty one. A newer version is refused here.
fn identify(conn: &Connection, shown: &str) -> Result<Option<i64>, StoreError> {
    // Reading the schema fails here for a file that is not a database at all.
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| sql_error_on(conn, shown, e))?;
    let app_id: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| sql_error_on(conn, shown, e))?;
    if app_id != APPLICATION_ID {
        return Ok(None);
    }
    if version > LATEST_VERSION {
        return Err(StoreError::NewerSchema {
            path: shown.to_string(),
            found: version,
            supported: LATEST_VERSION,
        });
    }
    Ok(Some(version))
}

/// A database without tables and version: brand new (ours to create).
fn is_empty_db(conn: &Connection, shown: &str) -> Result<bool, StoreError> {
    let (tables, version): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM sqlite_master), (SELECT user_version FROM pragma_user_version)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(|e| sql_error_on(conn, shown, e))?;
    Ok(tables == 0 && version == 0)
}

/// `<db>-wal`, `<db>-shm`, …: SQLite's files beside the database.
fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Which of SQLite's files beside a database existed before an open, so that a refused open
/// removes those it created and leaves the folder as it was.
struct Sidecars {
    existed: [bool; 3],
}

const SIDECARS: [&str; 3] = ["-wal", "-shm", "-journal"];

impl Sidecars {
    fn of(path: &Path) -> Sidecars {
        Sidecars {
            existed: SIDECARS.map(|s| sidecar(path, s).exists()),
        }
    }

    /// Called with the writer's lock held and the connection closed.
    fn remove_new(&self, path: &Path, created_db: bool) {
        for (suffix, existed) in SIDECARS.iter().zip(self.existed) {
            if !existed {
                let _ = std::fs::remove_file(sidecar(path, suffix));
            }
        }
        if created_db {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// A `file:` URI that opens `path` read-only without writing SQLite's shared-memory file.
fn read_only_uri(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let bytes = abs.as_os_str().as_encoded_bytes();
    let mut uri = String::from("file:");
    if !bytes.starts_with(b"/") {
        uri.push('/'); // Windows: file:/C:/…
    }
    for &b in bytes {
        match b {
            b'\\' if cfg!(windows) => uri.push('/'),
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' | b':' => {
                uri.push(b as char)
            }
            _ => uri.push_str(&format!("%{b:02X}")),
        }
    }
    uri.push_str("?mode=ro&readonly_shm=1");
    uri
}

/// A full disk met while opening is told as such (nothing was being saved).
fn at_open(e: StoreError) -> StoreError {
    match e {
        StoreError::DiskFull { path } => StoreError::DiskFullAtOpen { path },
        e => e,
    }
}

fn lock_error(shown: &str, e: lock::LockError) -> StoreError {
    match e {
        lock::LockError::Held => StoreError::InUse {
            path: shown.to_string(),
        },
        lock::LockError::Io(e) => io_error(shown, e),
    }
}

/// Refuses, before SQLite touches it, a non-empty file that does not start with SQLite's magic.
fn sniff(path: &Path) -> Result<(), StoreError> {
    use std::io::Read;
    let shown = path.display().to_string();
    let mut f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_error(&shown, e)),
    };
    let mut head = [0u8; 16];
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) => return Err(io_error(&shown, e)),
        }
    }
    if n == 0 {
        return Ok(());
    }
    if n < 16 || &head != b"SQLite format 3\0" {
        return Err(StoreError::NotOurs { path: shown });
    }
    Ok(())
}

/// [`io_error`] for an [`fsx::FsError`] (the atomic writer's failures).
fn fs_error(path: &str, e: fsx::FsError) -> StoreError {
    io_error(path, e.source)
}

fn io_error(path: &str, e: std::io::Error) -> StoreError {
    use crate::fsx::IoKind;
    let path = path.to_string();
    match crate::fsx::classify(&e) {
        IoKind::ReadOnly | IoKind::PermissionDenied => StoreError::ReadOnly { path },
        IoKind::DiskFull => StoreError::DiskFull { path },
        IoKind::IsADirectory => StoreError::IsDir { path },
        IoKind::Other => StoreError::Open {
            path,
            detail: format!("{}（{e}）", IoKind::Other.reason()),
        },
        kind => StoreError::Open {
            path,
            detail: kind.reason().to_string(),
        },
    }
}

/// [`sql_error`], telling a full disk or a read-only medium apart by the OS error behind
/// SQLite's generic "disk I/O error".
fn sql_error_on(conn: &Connection, path: &str, e: rusqlite::Error) -> StoreError {
    if matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::SystemIoFailure | ErrorCode::CannotOpen | ErrorCode::DiskFull)
    ) {
        // SAFETY: the handle is valid while `conn` lives; the call only reads its errno.
        let errno = unsafe { rusqlite::ffi::sqlite3_system_errno(conn.handle()) };
        if errno != 0 {
            let os = std::io::Error::from_raw_os_error(errno);
            if let mapped @ (StoreError::DiskFull { .. } | StoreError::ReadOnly { .. }) =
                io_error(path, os)
            {
                return mapped;
            }
        }
    }
    sql_error(path, e)
}

fn sql_error(path: &str, e: rusqlite::Error) -> StoreError {
    let path = path.to_string();
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => StoreError::NotOurs { path },
        Some(ErrorCode::ReadOnly) | Some(ErrorCode::PermissionDenied) => {
            StoreError::ReadOnly { path }
        }
        Some(ErrorCode::CannotOpen) => StoreError::Open {
            detail: "无法创建或打开文件".into(),
            path,
        },
        Some(ErrorCode::DiskFull) => StoreError::DiskFull { path },
        Some(ErrorCode::DatabaseCorrupt) => StoreError::Damaged {
            path,
            detail: e.to_string(),
        },
        _ => StoreError::Sqlite(e.to_string()),
    }
}
