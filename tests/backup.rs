//! Backups: made before a migration and on a due start, rotated 7 daily + 4 weekly (a fake
//! clock), restored into the open database (the current one backed up first) and over a damaged
//! file; the check tells a damaged database from a good one.
mod common;

use chrono::{Duration, NaiveDateTime};
use rusqlite::Connection;
use std::collections::BTreeSet;
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use tianbao::campaign::Campaign;
use tianbao::dicts::Dicts;
use tianbao::model::Case;
use tianbao::store::{
    backup_dir, check_database, list_backups, migrate_to, newest_good, restore_file, BackupReason,
    ListQuery, Store,
};

fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("tianbao.db");
    (dir, p)
}

fn t(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn named(store: &mut Store, name: &str) -> Case {
    let mut c = common::sample_case();
    c.id = tianbao::model::CaseId::nil();
    c.person.name = name.into();
    let mut c2 = store.create_case().unwrap();
    c2.person = c.person;
    store.save_case(&c2).unwrap();
    store.get_case(c2.id).unwrap()
}

fn names(store: &Store) -> BTreeSet<String> {
    store
        .list_cases(&ListQuery::default())
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect()
}

fn files(db: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(backup_dir(db))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn rotation_keeps_7_daily_and_4_weekly_under_a_fake_clock() {
    let (_d, p) = temp_db();
    let mut store = Store::open(&p).unwrap();
    named(&mut store, "李明");
    // 70 days of use: a start every morning (due: one daily backup), an import in the
    // afternoon, a second start in the evening (not due).
    let day0 = t("2026-09-01 08:30");
    for d in 0..70 {
        let morning = day0 + Duration::days(d);
        assert!(
            store.backup_if_due_at(morning).unwrap().is_some(),
            "day {d}: due"
        );
        store
            .backup_at(BackupReason::Import, morning + Duration::hours(6))
            .unwrap();
        assert!(
            store
                .backup_if_due_at(morning + Duration::hours(11))
                .unwrap()
                .is_none(),
            "day {d}: a backup of this morning exists"
        );
    }
    let list = list_backups(&p).unwrap();
    let last = day0 + Duration::days(69);
    // The 3 newest (the last day's two, the day before's import), the newest of each of the
    // last 7 days, the newest of 4 weeks before those.
    let days: BTreeSet<_> = list.iter().map(|b| b.at[..10].to_string()).collect();
    assert_eq!(list.len(), 8 + 4, "{:#?}", files(&p));
    assert_eq!(days.len(), 7 + 4, "{days:?}");
    for d in 0..7 {
        let day = (last - Duration::days(d)).format("%Y-%m-%d").to_string();
        assert!(
            list.iter()
                .any(|b| b.at.starts_with(&day) && b.reason == BackupReason::Import),
            "the newest backup of {day} is kept"
        );
    }
    // 4 weekly ones in 4 different ISO weeks before the daily ones: the oldest 3–5 weeks back.
    let oldest =
        NaiveDateTime::parse_from_str(&list.last().unwrap().at, "%Y-%m-%d %H:%M:%S").unwrap();
    assert!(last - oldest <= Duration::days(35), "oldest kept {oldest}");
    assert!(last - oldest > Duration::days(21), "oldest kept {oldest}");
    let weeks: BTreeSet<_> = list
        .iter()
        .map(|b| {
            use chrono::Datelike;
            NaiveDateTime::parse_from_str(&b.at, "%Y-%m-%d %H:%M:%S")
                .unwrap()
                .iso_week()
        })
        .collect();
    assert!(weeks.len() >= 5, "{weeks:?}");
    assert!(list.iter().all(|b| b.ok && b.cases == Some(1)));
    // A gap in use (30 days away) keeps the old backups: rotation counts days that have one.
    let back = last + Duration::days(30);
    store.backup_if_due_at(back).unwrap().unwrap();
    let after = list_backups(&p).unwrap();
    assert_eq!(after.len(), 8 + 4, "{:#?}", files(&p));
    assert!(after
        .iter()
        .any(|b| b.at.starts_with(&last.format("%Y-%m-%d").to_string())));
}

#[test]
fn backups_in_one_second_are_numbered_after_each_other_and_the_newest_survives_rotation() {
    // An import, a merge and a restore in quick succession land in one second: each new backup
    // must sort as the newest (numbered after every earlier one of that second, whatever its
    // reason), so rotation never deletes the backup just made.
    let (_d, p) = temp_db();
    let mut store = Store::open(&p).unwrap();
    named(&mut store, "李明");
    let now = t("2026-11-29 14:25");
    let reasons = [
        BackupReason::Import,
        BackupReason::Manual,
        BackupReason::Import,
        BackupReason::Restore,
        BackupReason::Import,
        BackupReason::Import,
        BackupReason::Manual,
        BackupReason::Import,
        BackupReason::Import,
        BackupReason::Import,
        BackupReason::Import,
        BackupReason::Import,
    ];
    for (i, reason) in reasons.into_iter().enumerate() {
        named(&mut store, &format!("案例{i}"));
        let b = store.backup_at(reason, now).unwrap();
        assert_eq!(
            b.seq as usize,
            i + 1,
            "backup {i} numbered after the others"
        );
        assert!(b.path.exists(), "backup {i} ({}) was rotated away", b.file);
        let list = list_backups(&p).unwrap();
        assert_eq!(list[0].file, b.file, "backup {i} is listed as the newest");
        assert_eq!(list[0].cases, Some(i as i64 + 2), "{:#?}", files(&p));
        assert!(
            list.len() <= 3,
            "rotation keeps the 3 newest of one day: {:#?}",
            files(&p)
        );
    }
    // Numbers past 9 sort by value, not by text ("-10" after "-9").
    let list = list_backups(&p).unwrap();
    let seqs: Vec<u32> = list.iter().map(|b| b.seq).collect();
    assert_eq!(seqs, vec![12, 11, 10]);
    assert_eq!(list[0].file, "tianbao-20261129-142500-import-12.db");
}

#[test]
fn a_migration_is_preceded_by_a_backup_of_the_older_database() {
    let (_d, p) = temp_db();
    {
        let mut conn = Connection::open(&p).unwrap();
        migrate_to(&mut conn, 1, &Campaign::current(), &Dicts::current()).unwrap();
    }
    let store = Store::open(&p).unwrap();
    let list = store.backups().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].reason, BackupReason::Migration);
    let old = Connection::open(&list[0].path).unwrap();
    let v: i64 = old
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, 1, "the backup is the database before the upgrade");
    // A new database is not backed up (nothing to lose).
    let (_d2, p2) = temp_db();
    let s2 = Store::open(&p2).unwrap();
    assert!(s2.backups().unwrap().is_empty());
}

#[test]
fn restore_puts_the_backup_back_and_backs_up_the_current_content_first() {
    let (_d, p) = temp_db();
    let mut store = Store::open(&p).unwrap();
    named(&mut store, "李明");
    let b = store.backup_now(BackupReason::Manual).unwrap();
    assert_eq!(b.cases, Some(1));
    named(&mut store, "王芳");
    assert_eq!(names(&store).len(), 2);
    let before = store.restore_backup(&b.path).unwrap();
    assert_eq!(before.reason, BackupReason::Restore);
    assert_eq!(before.cases, Some(2));
    assert_eq!(names(&store), BTreeSet::from(["李明".to_string()]));
    // Saving goes on in the restored database, and it survives a reopen.
    named(&mut store, "张伟");
    drop(store);
    let store = Store::open(&p).unwrap();
    assert_eq!(
        names(&store),
        BTreeSet::from(["李明".to_string(), "张伟".to_string()])
    );
    // The content from before the restore is itself restorable.
    let mut store = store;
    store.restore_backup(&before.path).unwrap();
    assert_eq!(
        names(&store),
        BTreeSet::from(["李明".to_string(), "王芳".to_string()])
    );
}

/// Overwrites 4096 bytes in the middle of the file, as a failing disk would.
fn damage(p: &Path) {
    let len = std::fs::metadata(p).unwrap().len();
    let mut f = std::fs::OpenOptions::new().write(true).open(p).unwrap();
    f.seek(SeekFrom::Start(len / 2 / 4096 * 4096)).unwrap();
    f.write_all(&[0xFF; 4096]).unwrap();
    f.sync_all().unwrap();
}

#[test]
fn a_damaged_database_is_told_apart_and_the_newest_good_backup_restores_it() {
    let (_d, p) = temp_db();
    let mut store = Store::open(&p).unwrap();
    for i in 0..40 {
        named(&mut store, &format!("案例{i:02}"));
    }
    store
        .backup_at(BackupReason::Daily, t("2026-11-27 09:00"))
        .unwrap();
    named(&mut store, "最后一个");
    let good = store
        .backup_at(BackupReason::Manual, t("2026-11-28 09:00"))
        .unwrap();
    // A newer backup that is itself damaged is not offered.
    let bad = store
        .backup_at(BackupReason::Import, t("2026-11-28 10:00"))
        .unwrap();
    damage(&bad.path);
    drop(store);
    assert_eq!(check_database(&p).unwrap(), 41);
    damage(&p);
    assert!(check_database(&p).is_err(), "damage is found");
    let offer = newest_good(&p).unwrap().unwrap();
    assert_eq!(offer.file, good.file);
    assert_eq!(offer.cases, Some(41));
    let list = list_backups(&p).unwrap();
    let shown_bad = list.iter().find(|b| b.file == bad.file).unwrap();
    assert!(!shown_bad.ok && shown_bad.problem.is_some());
    // Restoring over the damaged file keeps the damaged one beside it.
    let damaged_bytes = std::fs::read(&p).unwrap();
    let kept = restore_file(&p, &offer.path).unwrap();
    assert_eq!(std::fs::read(&kept).unwrap(), damaged_bytes);
    let store = Store::open(&p).unwrap();
    assert_eq!(names(&store).len(), 41);
    assert!(names(&store).contains("最后一个"));
    // A damaged backup is refused.
    assert!(restore_file(&p, &bad.path).is_err());
}

/// Importing a bundle that changes cases backs the database up first (the list says why); an
/// import that changes nothing makes no backup.
#[test]
fn an_import_is_preceded_by_a_backup() {
    let (_d, p) = temp_db();
    let (_e, q) = temp_db();
    let mut a = Store::open(&p).unwrap();
    let mut b = Store::open(&q).unwrap();
    named(&mut a, "张三");
    named(&mut b, "李四");
    let bundle = p.with_file_name("a.tbz");
    tianbao::bundle::export(&mut a, &Default::default(), &bundle).unwrap();
    tianbao::bundle::import(&mut b, &bundle, None).unwrap();
    let list = list_backups(&q).unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0].reason, BackupReason::Import);
    assert_eq!(list[0].cases, Some(1), "the content before the import");
    assert_eq!(names(&b), BTreeSet::from(["张三".into(), "李四".into()]));
    // The same bundle again: unchanged, no second backup.
    tianbao::bundle::import(&mut b, &bundle, None).unwrap();
    assert_eq!(list_backups(&q).unwrap().len(), 1);
}

/// The window restores only by a backup's name, and only one of this database's backups.
#[test]
fn restore_by_name_accepts_only_this_databases_backups() {
    let (_d, p) = temp_db();
    let mut store = Store::open(&p).unwrap();
    named(&mut store, "张三");
    let b = store.backup_now(BackupReason::Manual).unwrap();
    named(&mut store, "李四");
    let path = tianbao::store::backup_named(&p, &b.file).unwrap();
    assert_eq!(path, b.path);
    for bad in [
        "../tianbao.db",
        "tianbao.db",
        b.path.to_str().unwrap(),
        "tianbao-20991231-000000-daily.db",
    ] {
        let e = tianbao::store::backup_named(&p, bad).unwrap_err();
        assert!(e.to_string().contains("备份与恢复"), "{e}");
    }
    let mut slot = Some(store);
    let r = tianbao::store::restore(&p, &mut slot, &path).unwrap();
    assert!(matches!(r, tianbao::store::Restored::InPlace { .. }));
    assert_eq!(
        names(slot.as_ref().unwrap()),
        BTreeSet::from(["张三".into()])
    );
}
