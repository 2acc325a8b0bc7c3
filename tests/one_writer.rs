//! One writer process per database (issue 8, defect 0): the store holds a lock that closing
//! another descriptor of the database cannot drop; the CLI reads through a read-only view that
//! cannot checkpoint or delete the write-ahead log, and refuses to write while the store is open.
mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};
use tianbao::model::Case;
use tianbao::store::{ListQuery, Store, StoreError};

fn cli(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tianbao"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

fn side(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn named(name: &str) -> Case {
    let mut c = common::sample_case();
    c.id = uuid::Uuid::now_v7();
    c.person.name = name.into();
    c
}

/// What the GTK file chooser did: open and close the files in the database's folder. With
/// POSIX locks only, this dropped all of the app's locks.
fn open_and_close_every_file(dir: &Path) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            drop(std::fs::File::open(&p).unwrap());
        }
    }
}

#[test]
fn the_last_save_survives_a_foreign_close_and_the_cli() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("cases.db");
    let mut store = Store::open(&db).unwrap();
    let a = named("甲");
    store.save_case(&a).unwrap();
    open_and_close_every_file(d.path());

    // The CLI reads what the app saved …
    let o = cli(&db, &["cases", "list", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stdout).contains(&a.id.to_string()));
    let o = cli(&db, &["case", "show", &a.id.to_string()]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("甲"));
    // … without checkpointing or deleting the write-ahead log the app writes into.
    assert!(side(&db, "-wal").exists(), "the CLI deleted the app's WAL");

    // Writing is refused with a message saying where to do it.
    let json = serde_json::to_string(&named("乙")).unwrap();
    let file = d.path().join("乙.json");
    std::fs::write(&file, json).unwrap();
    let t = Instant::now();
    let o = cli(&db, &["case", "import-json", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("窗口中打开") && err.contains("cases.db"),
        "{err}"
    );
    assert!(
        t.elapsed() >= Duration::from_secs(4),
        "gave up without waiting"
    );
    assert!(side(&db, "-wal").exists());

    // The app saves again, closes; the next process reads the last save.
    let c = named("丙");
    let saved = store.save_case(&c).unwrap();
    open_and_close_every_file(d.path());
    drop(store);
    let store = Store::open(&db).unwrap();
    let back = store.get_case(c.id).unwrap();
    assert_eq!(back.person.name, "丙");
    assert_eq!(
        store.history(c.id).unwrap().last().unwrap().rev_id,
        saved.rev_id
    );
    let names: Vec<String> = store
        .list_cases(&ListQuery::default())
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(!names.contains(&"乙".to_string()));
}

#[test]
fn a_read_only_view_sees_commits_and_cannot_write() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("cases.db");
    let mut writer = Store::open(&db).unwrap();
    assert!(!writer.is_read_only());
    let a = named("甲");
    writer.save_case(&a).unwrap();

    // Another open file description of the same file: the lock is per description, so this
    // is what another process sees.
    let mut view = Store::open_read_only(&db).unwrap();
    assert!(view.is_read_only());
    assert_eq!(view.get_case(a.id).unwrap().person.name, "甲");
    let b = named("乙");
    writer.save_case(&b).unwrap();
    assert_eq!(view.get_case(b.id).unwrap().person.name, "乙");
    for e in [
        view.save_case(&named("丁")).err().unwrap(),
        view.delete_case(a.id).err().unwrap(),
        view.set_office("某县商务局").err().unwrap(),
    ] {
        assert!(matches!(e, StoreError::InUse { .. }), "{e:?}");
    }
    drop(view);
    assert!(
        side(&db, "-wal").exists(),
        "closing the view removed the WAL"
    );
    writer.save_case(&named("戊")).unwrap();
    drop(writer);
    let n = Store::open_read_only(&db)
        .unwrap()
        .list_cases(&ListQuery::default())
        .unwrap()
        .len();
    assert_eq!(n, 3);
}

#[test]
fn a_second_writer_waits_then_gets_a_clear_message() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("cases.db");
    let store = Store::open(&db).unwrap();
    let t = Instant::now();
    let e = Store::open_waiting(&db, Duration::from_millis(300))
        .err()
        .expect("refused");
    assert!(t.elapsed() >= Duration::from_millis(300));
    assert!(matches!(e, StoreError::InUse { .. }), "{e:?}");
    // Released when the first store closes: the waiting one gets it.
    let waiter = std::thread::spawn({
        let db = db.clone();
        move || Store::open_waiting(&db, Duration::from_secs(5)).map(|_| ())
    });
    std::thread::sleep(Duration::from_millis(200));
    drop(store);
    waiter.join().unwrap().unwrap();
}
