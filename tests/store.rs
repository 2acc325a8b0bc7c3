//! The SQLite store: migrations, saves as revisions, 回收站, duplicates, bad files.
mod common;

use rusqlite::Connection;
use std::path::PathBuf;
use tianbao::campaign::Campaign;
use tianbao::dicts::Dicts;
use tianbao::model::{Case, Status};
use tianbao::store::{migrate_to, CopyKeep, ListQuery, Store, StoreError, LATEST_VERSION};

fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("sub").join("tianbao.db");
    (dir, p)
}

#[test]
fn an_empty_database_is_created_at_the_latest_version_in_wal_mode() {
    let (_d, p) = temp_db();
    let store = Store::open(&p).unwrap();
    assert!(!store.identity().device.is_empty());
    drop(store);
    let conn = Connection::open(&p).unwrap();
    let v: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, LATEST_VERSION);
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn every_earlier_version_migrates_without_losing_a_case() {
    for from in 1..LATEST_VERSION {
        let (_d, p) = temp_db();
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        let case = common::sample_case();
        {
            let mut conn = Connection::open(&p).unwrap();
            migrate_to(&mut conn, from, &Campaign::current(), &Dicts::current()).unwrap();
            // A case written as version 1 wrote it: head JSON plus one revision.
            let data = serde_json::to_string(&case).unwrap();
            conn.execute(
                "INSERT INTO revisions(id, case_id, parent, office, device, at, data)
                 VALUES ('r1', ?1, NULL, '台江县商务局', 'dev-1', '2024-05-01T10:00:00+08:00', ?2)",
                rusqlite::params![case.id.to_string(), data],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO cases(id, head, data, status, name, region, account, created_at, updated_at)
                 VALUES (?1, 'r1', ?2, 'draft', '李明', '贵州省', '苗绣阿明',
                         '2024-05-01T10:00:00+08:00', '2024-05-01T10:00:00+08:00')",
                rusqlite::params![case.id.to_string(), data],
            )
            .unwrap();
        }
        let store = Store::open(&p).unwrap();
        assert_eq!(store.get_case(case.id).unwrap(), case, "from v{from}");
        let list = store.list_cases(&ListQuery::default()).unwrap();
        assert_eq!(list.len(), 1);
        // The list columns added by versions 2 and 4 are filled in from the case.
        assert_eq!(list[0].completeness, 100);
        assert_eq!(list[0].missing_materials.len(), 4);
        assert_eq!(
            store
                .list_cases(&ListQuery {
                    text: "台江县人民政府".into(),
                    ..Default::default()
                })
                .unwrap()
                .len(),
            1
        );
        assert_eq!(list[0].errors, 0);
        assert_eq!(list[0].title, case.intro.title);
        let h = store.history(case.id).unwrap();
        assert_eq!(h[0].office, "台江县商务局");
    }
}

#[test]
fn each_save_is_a_revision_with_who_and_when() {
    let (_d, p) = temp_db();
    let mut store = Store::open(&p).unwrap();
    store.set_office("台江县商务局").unwrap();
    let mut case = store.create_case().unwrap();
    case.person.name = "李".into();
    // Autosaves of one editing session update the session's revision in place.
    let s1 = store.save_case(&case).unwrap();
    case.person.name = "李明".into();
    let s2 = store.save_case(&case).unwrap();
    assert_eq!((s1.revision, s2.revision), (1, 1));
    assert_eq!(s1.rev_id, s2.rev_id);
    assert_eq!(s2.saved_at_hms.len(), 8);
    // Saving the same content again adds nothing.
    let s3 = store.save_case(&case).unwrap();
    assert_eq!(s3.revision, 1);
    assert_eq!(s3.rev_id, s2.rev_id);
    // Content that arrives whole from a file is a revision of its own.
    case.person.name = "李明明".into();
    let s4 = store.save_case_fresh(&case).unwrap();
    assert_eq!(s4.revision, 2);
    let h = store.history(case.id).unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!(h[1].parent.as_deref(), Some(h[0].rev_id.as_str()));
    assert!(h
        .iter()
        .all(|r| r.office == "台江县商务局" && r.device == store.identity().device));
    assert_eq!(store.case_at(&h[0].rev_id).unwrap().person.name, "李明");
    // A new session (the store opened again) starts a new revision.
    drop(store);
    let mut store = Store::open(&p).unwrap();
    case.person.name = "李明".into();
    assert_eq!(store.save_case(&case).unwrap().revision, 3);
}

#[test]
fn a_saved_case_survives_closing_and_reopening() {
    let (_d, p) = temp_db();
    let case = common::sample_case();
    {
        let mut store = Store::open(&p).unwrap();
        store.save_case(&case).unwrap();
    }
    let store = Store::open(&p).unwrap();
    assert_eq!(store.get_case(case.id).unwrap(), case);
}

#[test]
fn ready_only_without_errors_and_back_to_draft_when_broken() {
    let (_d, p) = temp_db();
    let mut store = Store::open(&p).unwrap();
    let empty = store.create_case().unwrap();
    match store.set_status(empty.id, Status::Ready) {
        Err(StoreError::NotReady { errors }) => assert!(errors > 5),
        other => panic!("expected NotReady, got {other:?}"),
    }
    let mut case = common::sample_case();
    store.save_case(&case).unwrap();
    let s = store.set_status(case.id, Status::Ready).unwrap();
    assert_eq!(s.status, Status::Ready);
    case.status = Status::Ready;
    case.person.name.clear();
    let s = store.save_case(&case).unwrap();
    assert_eq!(s.status, Status::Draft);
    assert_eq!(store.get_case(case.id).unwrap().status, Status::Draft);
}

#[test]
fn list_search_filter_trash_restore_duplicate() {
    let (_d, p) = temp_db();
    let mut store = Store::open(&p).unwrap();
    let a = common::sample_case();
    store.save_case(&a).unwrap();
    store.set_status(a.id, Status::Ready).unwrap();
    let mut b = Case::new();
    b.person.name = "阿依古丽·买买提".into();
    b.region.province = "新疆维吾尔自治区".into();
    b.business.account_name = "库尔勒香梨_小古丽".into();
    store.save_case(&b).unwrap();

    let q = |text: &str| ListQuery {
        text: text.into(),
        ..Default::default()
    };
    assert_eq!(store.list_cases(&q("")).unwrap().len(), 2);
    // The first screen: the first of the list, in its order.
    let first = ListQuery {
        limit: Some(1),
        ..Default::default()
    };
    let all = store.list_cases(&q("")).unwrap();
    assert_eq!(store.list_cases(&first).unwrap(), all[..1]);
    assert_eq!(store.list_cases(&q("李明")).unwrap()[0].id, a.id);
    assert_eq!(store.list_cases(&q("新疆")).unwrap()[0].id, b.id);
    assert_eq!(store.list_cases(&q("苗绣阿明")).unwrap()[0].id, a.id);
    // LIKE wildcards are taken literally.
    assert_eq!(store.list_cases(&q("%")).unwrap().len(), 0);
    assert_eq!(store.list_cases(&q("香梨_")).unwrap().len(), 1);
    let ready = ListQuery {
        status: Some(Status::Ready),
        ..Default::default()
    };
    assert_eq!(store.list_cases(&ready).unwrap().len(), 1);
    let s = &store.list_cases(&q("李明")).unwrap()[0];
    assert_eq!((s.completeness, s.errors), (100, 0));

    store.delete_case(b.id).unwrap();
    assert_eq!(store.list_cases(&q("")).unwrap().len(), 1);
    let trash = ListQuery {
        trash: true,
        ..Default::default()
    };
    assert_eq!(store.list_cases(&trash).unwrap()[0].id, b.id);
    // Still readable while in the 回收站, and restorable.
    assert_eq!(store.get_case(b.id).unwrap().person.name, b.person.name);
    store.restore_case(b.id).unwrap();
    assert_eq!(store.list_cases(&q("")).unwrap().len(), 2);

    let copy = store
        .copy_for_next_person(a.id, CopyKeep::default())
        .unwrap();
    assert_ne!(copy.id, a.id);
    assert_eq!(copy.status, Status::Draft);
    assert_eq!(store.list_cases(&q("")).unwrap().len(), 3);

    // Purge works only from the 回收站.
    assert!(matches!(
        store.purge_case(copy.id),
        Err(StoreError::NotFound(_))
    ));
    store.delete_case(copy.id).unwrap();
    store.purge_case(copy.id).unwrap();
    assert!(matches!(
        store.get_case(copy.id),
        Err(StoreError::NotFound(_))
    ));
}

#[test]
fn control_characters_are_scrubbed_and_big_pastes_kept() {
    let (_d, p) = temp_db();
    let mut store = Store::open(&p).unwrap();
    let mut c = Case::new();
    c.results = format!("{}\u{0}尾👍", "字".repeat(40_000));
    let s = store.save_case(&c).unwrap();
    assert_eq!(s.report.counts.results.words, 40_001 + 1);
    let back = store.get_case(c.id).unwrap();
    assert!(back.results.ends_with("字尾👍"));
    assert!(!back.results.contains('\u{0}'));
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_untouched() {
    let (_d, p) = temp_db();
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, "这不是数据库，而是一封信。".repeat(100)).unwrap();
    let before = std::fs::read(&p).unwrap();
    let e = Store::open(&p).err().expect("refused");
    assert!(matches!(e, StoreError::NotOurs { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("不是填报助手的数据库") && msg.contains("tianbao.db"),
        "{msg}"
    );
    assert_eq!(std::fs::read(&p).unwrap(), before);
}

#[test]
fn another_programs_sqlite_database_is_refused() {
    let (_d, p) = temp_db();
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    Connection::open(&p)
        .unwrap()
        .execute_batch("CREATE TABLE contacts(name TEXT); INSERT INTO contacts VALUES ('x');")
        .unwrap();
    let e = Store::open(&p).err().expect("refused");
    assert!(matches!(e, StoreError::NotOurs { .. }), "{e:?}");
}

#[test]
fn a_database_from_a_newer_version_is_refused_untouched() {
    let (_d, p) = temp_db();
    Store::open(&p).unwrap();
    Connection::open(&p)
        .unwrap()
        .execute_batch(&format!("PRAGMA user_version = {}", LATEST_VERSION + 1))
        .unwrap();
    let e = Store::open(&p).err().expect("refused");
    match &e {
        StoreError::NewerSchema {
            found, supported, ..
        } => {
            assert_eq!((*found, *supported), (LATEST_VERSION + 1, LATEST_VERSION))
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("升级"));
    let v: i64 = Connection::open(&p)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, LATEST_VERSION + 1);
}

/// A newer database whose last change is still in its write-ahead log (the program that wrote
/// it was killed, or another one still has it open): refusing it must not checkpoint that log
/// into the file when our connection closes.
#[test]
fn a_newer_database_with_a_pending_wal_is_refused_byte_for_byte() {
    use rusqlite::config::DbConfig;
    let (_d, p) = temp_db();
    let mut store = Store::open(&p).unwrap();
    store.save_case(&common::sample_case()).unwrap();
    drop(store);
    {
        let c = Connection::open(&p).unwrap();
        c.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
            .unwrap();
        c.execute_batch(&format!(
            "PRAGMA wal_autocheckpoint = 0; PRAGMA user_version = {};",
            LATEST_VERSION + 1
        ))
        .unwrap();
    }
    let wal = p.with_file_name("tianbao.db-wal");
    assert!(std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) > 0);
    let before = std::fs::read(&p).unwrap();
    let e = Store::open(&p).err().expect("refused");
    assert!(matches!(e, StoreError::NewerSchema { .. }), "{e:?}");
    assert!(
        std::fs::read(&p).unwrap() == before,
        "the refused file was modified"
    );
}

#[test]
fn a_read_only_folder_is_a_clear_message() {
    // root ignores file modes, but not a read-only file system such as /sys.
    let is_root = effective_uid() == 0;
    let _guard;
    let p = if is_root {
        PathBuf::from("/sys/tianbao-test/tianbao.db")
    } else {
        let d = tempfile::tempdir().unwrap();
        let mut perms = std::fs::metadata(d.path()).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o555);
        std::fs::set_permissions(d.path(), perms).unwrap();
        let p = d.path().join("tianbao.db");
        _guard = d;
        p
    };
    let e = Store::open(&p).err().expect("refused");
    assert!(matches!(e, StoreError::ReadOnly { .. }), "{e:?}");
    assert!(e.to_string().contains("只读"), "{e}");
}

fn effective_uid() -> u32 {
    // No libc dependency: read the effective uid from /proc.
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|x| x.parse().unwrap_or(1)))
        })
        .unwrap_or(1)
}

#[test]
fn attachments_are_stored_once_and_freed_when_no_case_uses_them() {
    use tianbao::media::Purpose;
    let (_d, p) = temp_db();
    let mut store = Store::open(&p).unwrap();
    let src = p.parent().unwrap().join("李明-形象照.png");
    image::RgbImage::from_pixel(1600, 1200, image::Rgb([200, 100, 50]))
        .save(&src)
        .unwrap();
    let a1 = store.library().attach_file(&src, Purpose::Photo).unwrap();
    let a2 = store.library().attach_file(&src, Purpose::Picture).unwrap();
    assert_eq!(a1.attachment.sha256, a2.attachment.sha256);
    assert!(a1.thumbnail.is_some());
    // The original is kept byte-exact.
    let blob = store
        .library()
        .blobs()
        .unwrap()
        .path_of(&a1.attachment.sha256)
        .unwrap();
    assert_eq!(std::fs::read(&blob).unwrap(), std::fs::read(&src).unwrap());
    // A small photo is reported against the notice's rule.
    assert!(a1.report.issues.iter().any(|i| i.code == "small_file"));
    let thumb = store.library().thumbnail(&a1.attachment.sha256).unwrap();
    assert_eq!(&thumb[..2], &[0xFF, 0xD8]);

    let mut a = common::sample_case();
    a.media.photo = Some(a1.attachment.clone());
    store.save_case(&a).unwrap();
    let mut b = Case::new();
    b.media.pictures = vec![a2.attachment.clone()];
    store.save_case(&b).unwrap();
    // The USB stick is pulled: the case keeps its copy.
    std::fs::remove_file(&src).unwrap();
    assert_eq!(store.gc_blobs().unwrap(), 0);
    assert!(blob.exists());

    // Removed from one case: still used by the other (even in the 回收站).
    a.media.photo = None;
    store.save_case(&a).unwrap();
    store.delete_case(b.id).unwrap();
    assert_eq!(store.gc_blobs().unwrap(), 0);
    assert!(blob.exists());
    // Removed from every case: its space is freed, thumbnail too.
    b.media.pictures.clear();
    store.save_case(&b).unwrap();
    let freed = store.gc_blobs().unwrap();
    assert!(freed >= a1.attachment.bytes, "freed {freed}");
    assert!(!blob.exists());
    assert!(store.library().thumbnail(&a1.attachment.sha256).is_err());
}

#[test]
fn a_save_based_on_a_stale_revision_is_refused_and_drops_no_parent() {
    let (_d, p) = temp_db();
    let mut store = Store::open(&p).unwrap();
    let mut case = common::sample_case();
    let s1 = store.save_case_on(&case, None).unwrap();
    case.person.name = "李明甲".into();
    let s2 = store.save_case_on(&case, Some(&s1.rev_id)).unwrap();
    // Another editor still at s1.
    let mut other = case.clone();
    other.person.name = "李明乙".into();
    let e = store.save_case_on(&other, Some(&s1.rev_id)).err().unwrap();
    match &e {
        StoreError::Stale { base, head, .. } => {
            assert_eq!(base, &s1.rev_id);
            assert_eq!(head.as_deref(), Some(s2.rev_id.as_str()));
        }
        e => panic!("{e:?}"),
    }
    assert!(e.to_string().contains("已被修改"), "{e}");
    assert_eq!(store.get_case(case.id).unwrap().person.name, "李明甲");
    // Without a base (an imported file) it becomes a child of the current head.
    let s3 = store.save_case_fresh(&other).unwrap();
    let h = store.history(case.id).unwrap();
    assert_eq!(h.len(), 3);
    assert_eq!(h[2].rev_id, s3.rev_id);
    assert_eq!(h[2].parent.as_deref(), Some(s2.rev_id.as_str()));
    assert_eq!(h[1].parent.as_deref(), Some(s1.rev_id.as_str()));
}

#[test]
fn several_threads_creating_one_database_all_succeed() {
    let (_d, p) = temp_db();
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let p = p.clone();
            std::thread::spawn(move || {
                let mut s = Store::open(&p)?;
                let mut c = common::sample_case();
                c.id = uuid::Uuid::now_v7();
                c.person.name = format!("并发{i}");
                s.save_case(&c).map(|_| ())
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap().unwrap();
    }
    let store = Store::open(&p).unwrap();
    assert_eq!(store.list_cases(&ListQuery::default()).unwrap().len(), 4);
}

/// A folder's entries with their bytes (and those of `-wal`/`-shm`), to compare before/after.
fn snapshot(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let bytes = if p.is_file() {
                std::fs::read(&p).unwrap()
            } else {
                b"<dir>".to_vec()
            };
            (p.file_name().unwrap().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_damaged_database_is_refused_and_kept_as_it_is() {
    let (_d, p) = temp_db();
    {
        let mut store = Store::open(&p).unwrap();
        for i in 0..150 {
            let mut c = common::sample_case();
            c.id = uuid::Uuid::now_v7();
            c.person.name = format!("案例{i}");
            store.save_case(&c).unwrap();
        }
    }
    let len = std::fs::metadata(&p).unwrap().len();
    assert!(len > 64 * 4096, "{len}");
    // 4 KiB of 0xFF in the middle, as in the issue.
    let mut bytes = std::fs::read(&p).unwrap();
    let mid = (len as usize / 2) & !4095;
    bytes[mid..mid + 4096].fill(0xFF);
    std::fs::write(&p, &bytes).unwrap();
    let dir = p.parent().unwrap();
    let before = snapshot(dir);
    let e = Store::open(&p).err().expect("refused");
    assert!(e.is_damaged(), "{e:?}");
    let msg = e.to_string();
    assert!(msg.contains("已损坏") && msg.contains("备份"), "{msg}");
    assert!(!msg.contains("请重试"), "{msg}");
    assert_eq!(
        snapshot(dir),
        before,
        "the damaged file or its folder changed"
    );
    let e = Store::check_integrity(&p).expect_err("damaged");
    assert!(e.is_damaged(), "{e:?}");
    assert_eq!(snapshot(dir), before);
}

#[test]
fn a_field_beyond_the_bound_is_refused_with_a_message() {
    use tianbao::store::MAX_FIELD_CHARS;
    let (_d, p) = temp_db();
    let mut store = Store::open(&p).unwrap();
    let mut c = common::sample_case();
    store.save_case(&c).unwrap();
    c.results = "字".repeat(MAX_FIELD_CHARS + 1);
    let e = store.save_case(&c).expect_err("refused");
    assert!(matches!(e, StoreError::TooLarge { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(msg.contains("成果贡献") && msg.contains("过大"), "{msg}");
    assert_eq!(store.history(c.id).unwrap().len(), 1);
    c.results = "字".repeat(MAX_FIELD_CHARS);
    store.save_case(&c).unwrap();
}

#[cfg(unix)]
#[test]
fn personal_data_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    use tianbao::media::Purpose;
    let (d, p) = temp_db();
    let mut store = Store::open(&p).unwrap();
    let src = d.path().join("形象照.png");
    image::RgbImage::from_pixel(1600, 1200, image::Rgb([200, 100, 50]))
        .save(&src)
        .unwrap();
    let files = store.library();
    let photo = files.attach_file(&src, Purpose::Picture).unwrap();
    files.thumbnail(&photo.attachment.sha256).unwrap();
    let mut case = common::sample_case();
    case.media.pictures = vec![photo.attachment.clone()];
    store.save_case(&case).unwrap();
    // A .docx the clerk saves elsewhere: the usual umask, not private.
    let out = d.path().join("推荐表.docx");
    tianbao::docx::write_case_docx(&files, &case, &out).unwrap();

    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(p.parent().unwrap()), 0o700, "the data folder");
    for f in ["tianbao.db", "tianbao.db-wal", "tianbao.db-shm"] {
        assert_eq!(mode(&p.with_file_name(f)), 0o600, "{f}");
    }
    let blob_dir = store.blob_dir();
    assert_eq!(mode(&blob_dir), 0o700, "the attachments folder");
    let mut private = 0;
    for e in walk(&blob_dir) {
        if e.is_file() {
            assert_eq!(mode(&e), 0o600, "{}", e.display());
            private += 1;
        }
    }
    assert!(private >= 3, "blob, thumbnail, print cache: {private}");
    let umask_mode = {
        let probe = d.path().join("probe");
        std::fs::write(&probe, b"x").unwrap();
        mode(&probe)
    };
    assert_eq!(mode(&out), umask_mode, "the .docx keeps the umask");
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn q(text: &str) -> ListQuery {
    ListQuery {
        text: text.into(),
        ..Default::default()
    }
}

#[test]
fn a_copy_is_for_the_next_person_of_the_same_recommending_unit() {
    let (_d, p) = temp_db();
    let mut store = Store::open(&p).unwrap();
    let mut a = common::sample_case();
    a.business.platforms = vec!["抖音".into()];
    store.save_case(&a).unwrap();
    let copy = store
        .copy_for_next_person(
            a.id,
            CopyKeep {
                region: true,
                platforms: false,
            },
        )
        .unwrap();
    assert_eq!(copy.recommender, a.recommender);
    assert_eq!(copy.region, a.region);
    assert!(copy.person.name.is_empty() && copy.person.birth_year.is_empty());
    assert!(copy.intro.title.is_empty() && copy.results.is_empty() && copy.opinion.is_empty());
    assert!(copy.business.platforms.is_empty());
    assert!(copy.media.photo.is_none() && copy.media.pictures.is_empty());
    // Not complete: the copy has errors and shows no 100 %.
    let row = store
        .list_cases(&q(""))
        .unwrap()
        .into_iter()
        .find(|s| s.id == copy.id)
        .unwrap();
    assert!(row.errors > 0 && row.completeness < 100, "{row:?}");
    let bare = store
        .copy_for_next_person(a.id, CopyKeep::default())
        .unwrap();
    assert!(bare.region.province.is_empty());
    assert_eq!(bare.recommender.unit, a.recommender.unit);
}

#[test]
fn two_cases_of_one_person_are_flagged() {
    let (_d, p) = temp_db();
    let mut store = Store::open(&p).unwrap();
    let a = common::sample_case();
    store.save_case(&a).unwrap();
    let mut b = common::sample_case();
    b.id = uuid::Uuid::now_v7();
    b.person.birth_month = "05".into(); // the same month, written differently
    store.save_case(&b).unwrap();
    let mut c = common::sample_case();
    c.id = uuid::Uuid::now_v7();
    c.person.name = "王芳".into();
    store.save_case(&c).unwrap();
    let list = store.list_cases(&q("")).unwrap();
    let row = |id| list.iter().find(|s| s.id == id).unwrap();
    assert_eq!(row(a.id).same_person.len(), 1);
    assert_eq!(row(a.id).same_person[0].id, b.id);
    assert_eq!(row(a.id).same_person[0].reason, "姓名和出生年月相同");
    assert_eq!(row(b.id).same_person[0].id, a.id);
    assert!(row(c.id).same_person.is_empty());
    // The same ID-scan file under another name.
    let scan: tianbao::model::Attachment =
        serde_json::from_value(serde_json::json!({"sha256": "ab12", "file_name": "身份证.jpg"}))
            .unwrap();
    let mut a2 = a.clone();
    a2.media.id_front = Some(scan.clone());
    store.save_case(&a2).unwrap();
    c.media.id_back = Some(scan);
    store.save_case(&c).unwrap();
    let list = store.list_cases(&q("")).unwrap();
    let c_row = list.iter().find(|s| s.id == c.id).unwrap();
    assert_eq!(c_row.same_person.len(), 1);
    assert_eq!(c_row.same_person[0].reason, "身份证扫描件是同一个文件");
    assert_eq!(c_row.same_person[0].name, "李明");
    // A case in the 回收站 flags nothing.
    store.delete_case(b.id).unwrap();
    let list = store.list_cases(&q("")).unwrap();
    assert!(list
        .iter()
        .find(|s| s.id == a.id)
        .unwrap()
        .same_person
        .iter()
        .all(|m| m.id != b.id));
}

#[test]
fn search_covers_the_unit_phones_and_field() {
    let (_d, p) = temp_db();
    let mut store = Store::open(&p).unwrap();
    let a = common::sample_case();
    store.save_case(&a).unwrap();
    store.save_case(&Case::new()).unwrap();
    for text in [
        a.recommender.unit.as_str(),
        a.person.phone.as_str(),
        a.recommender.phone.as_str(),
        a.business.field.as_str(),
    ] {
        assert!(!text.is_empty());
        let hits = store.list_cases(&q(text)).unwrap();
        assert_eq!(hits.len(), 1, "{text}");
        assert_eq!(hits[0].id, a.id);
    }
}

#[test]
fn units_in_number_fields_are_stored_as_the_number() {
    let (_d, p) = temp_db();
    let mut store = Store::open(&p).unwrap();
    let mut c = common::sample_case();
    c.business.team_size = "12人".into();
    c.business.annual_revenue = "1260 万元".into();
    let saved = store.save_case(&c).unwrap();
    assert_eq!(
        saved.normalised,
        vec![
            ("business.team_size".to_string(), "12".to_string()),
            ("business.annual_revenue".to_string(), "1260".to_string())
        ]
    );
    let back = store.get_case(c.id).unwrap();
    assert_eq!(
        (
            back.business.team_size.as_str(),
            back.business.annual_revenue.as_str()
        ),
        ("12", "1260")
    );
    assert_eq!(saved.report.errors, 0);
}

#[test]
fn a_printed_case_is_stale_once_it_changes() {
    let (_d, p) = temp_db();
    let mut store = Store::open(&p).unwrap();
    let mut c = common::sample_case();
    let s = store.save_case(&c).unwrap();
    assert!(s.printed_at.is_none() && !s.printed_stale);
    let printed = store.get_case(c.id).unwrap();
    store.note_printed(c.id, &printed).unwrap();
    let row = &store.list_cases(&q("")).unwrap()[0];
    assert!(row.printed_at.is_some() && !row.printed_stale, "{row:?}");
    // Saving the same content again changes nothing.
    assert!(!store.save_case(&c).unwrap().printed_stale);
    c.results.push_str("又带动了十户。");
    let s = store.save_case(&c).unwrap();
    assert!(s.printed_at.is_some() && s.printed_stale);
    assert!(store.list_cases(&q("")).unwrap()[0].printed_stale);
    // Marking 完成 after a draft print makes the printed one (with 草稿) out of date too.
    let printed = store.get_case(c.id).unwrap();
    store.note_printed(c.id, &printed).unwrap();
    assert!(store.set_status(c.id, Status::Ready).unwrap().printed_stale);
}

#[test]
fn an_untouched_new_case_is_discarded_and_a_touched_one_kept() {
    let (_d, p) = temp_db();
    let mut store = Store::open(&p).unwrap();
    let a = store.create_case().unwrap();
    assert!(store.discard_if_untouched(a.id).unwrap());
    assert!(matches!(store.get_case(a.id), Err(StoreError::NotFound(_))));
    let mut b = store.create_case().unwrap();
    b.person.name = "王".into();
    store.save_case(&b).unwrap();
    b.person.name.clear(); // typed, then erased in one session: one blank revision, dropped
    store.save_case(&b).unwrap();
    assert!(store.discard_if_untouched(b.id).unwrap());
    let mut b = store.create_case().unwrap();
    b.person.name = "王".into();
    store.save_case_fresh(&b).unwrap(); // a revision of its own (an imported file)
    b.person.name.clear();
    store.save_case(&b).unwrap();
    assert!(
        !store.discard_if_untouched(b.id).unwrap(),
        "blank now, but it has a history"
    );
    let a = common::sample_case();
    let copy = store.copy_for_next_person(a.id, CopyKeep::default());
    assert!(copy.is_err()); // not saved yet
    store.save_case(&a).unwrap();
    let copy = store
        .copy_for_next_person(a.id, CopyKeep::default())
        .unwrap();
    assert!(
        !store.discard_if_untouched(copy.id).unwrap(),
        "a copy keeps the 推荐单位"
    );
    assert_eq!(store.list_cases(&q("")).unwrap().len(), 3);
}
