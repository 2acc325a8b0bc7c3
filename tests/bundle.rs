//! Bundles between stores: export, verify, preview, import, merge, conflicts, history; and
//! hostile or broken bundles, each refused with a message and nothing written.

use std::io::Write;
use std::path::{Path, PathBuf};
use tianbao::bundle::{self, BundleError, ExportOptions};
use tianbao::merge::DELETED;
use tianbao::model::{Case, Status};
use tianbao::store::{Outcome, Store, StoreError};

struct Office {
    _dir: tempfile::TempDir,
    store: Store,
}

impl Office {
    fn new(name: &str) -> Office {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("tianbao.db")).unwrap();
        store.set_office(name).unwrap();
        Office { _dir: dir, store }
    }
    fn dir(&self) -> &Path {
        self._dir.path()
    }
    /// Exports every case (or `ids`) into a new bundle in a fresh folder.
    fn export(&mut self, ids: &[tianbao::model::CaseId], out: &Path) -> PathBuf {
        let p = out.join(format!("{}.tianbao", uuid::Uuid::new_v4()));
        bundle::export(
            &mut self.store,
            &ExportOptions {
                ids: ids.to_vec(),
                passphrase: None,
            },
            &p,
        )
        .unwrap();
        p
    }
    fn import(&mut self, p: &Path) -> bundle::Preview {
        bundle::import(&mut self.store, p, None).unwrap()
    }
    /// What each revision of case `id` was, in the history's words.
    fn kinds(&self, id: tianbao::model::CaseId) -> Vec<&'static str> {
        self.store
            .history_detail(id)
            .unwrap()
            .iter()
            .map(|h| h.kind_label)
            .collect()
    }
    fn edit(&mut self, id: tianbao::model::CaseId, f: impl FnOnce(&mut Case)) {
        let mut c = self.store.get_case(id).unwrap();
        f(&mut c);
        self.store.save_case(&c).unwrap();
    }
}

fn new_case(o: &mut Office, name: &str) -> Case {
    let mut c = Case::new();
    c.person.name = name.into();
    c.intro.basics = format!("{name}的基本情况");
    o.store.save_case(&c).unwrap();
    o.store.get_case(c.id).unwrap()
}

/// A small real JPEG (so attaching works through the normal path).
fn jpeg(dir: &Path, name: &str, seed: u8) -> PathBuf {
    let img = image::RgbImage::from_fn(64, 48, |x, y| {
        image::Rgb([seed, (x * 3) as u8, (y * 5) as u8])
    });
    let p = dir.join(name);
    img.save(&p).unwrap();
    p
}

#[test]
fn a_case_with_photos_travels_and_a_second_import_changes_nothing() {
    let out = tempfile::tempdir().unwrap();
    let mut a = Office::new("台江县商务局");
    let mut b = Office::new("黔东南州商务局");
    let mut c = new_case(&mut a, "李明");
    let src = tempfile::tempdir().unwrap();
    let att = a
        .store
        .library()
        .attach_file(
            &jpeg(src.path(), "1.jpg", 1),
            tianbao::media::Purpose::Picture,
        )
        .unwrap();
    c.media.pictures.push(att.attachment.clone());
    a.store.save_case(&c).unwrap();
    let p = a.export(&[], out.path());
    // The name the CLI would give: office, date, count.
    let name = bundle::default_file_name(&a.store, 1);
    assert!(
        name.starts_with("台江县商务局_") && name.ends_with("_1例.tianbao"),
        "{name}"
    );
    // A look first (`import --dry-run`): the same preview, no file written or left behind.
    let names = |d: &Path| -> Vec<PathBuf> { snapshot(d).into_iter().map(|(p, _)| p).collect() };
    let before = names(b.dir());
    let look = bundle::check(&b.store, &p, None).unwrap();
    assert_eq!(names(b.dir()), before);
    let staged = bundle::preview(&b.store, &p, None).unwrap();
    assert_eq!(
        serde_json::to_value(&look).unwrap(),
        serde_json::to_value(&staged.preview).unwrap()
    );
    drop(staged);
    assert_eq!(
        names(b.dir()),
        before,
        "the work folder goes with the preview"
    );
    let pv = b.import(&p);
    assert_eq!(pv.new, 1);
    assert_eq!(look.new, 1);
    assert_eq!(pv.cases[0].outcome_label, "新增");
    let got = b.store.get_case(c.id).unwrap();
    assert_eq!(got, a.store.get_case(c.id).unwrap());
    assert!(b
        .store
        .library()
        .blobs()
        .unwrap()
        .contains(&att.attachment.sha256));
    let db = std::fs::read(b.store.path()).unwrap();
    let pv = b.import(&p);
    assert_eq!(pv.unchanged, 1);
    assert_eq!(pv.cases[0].outcome_label, "没有变化");
    assert!(pv.summary.contains("没有任何变化"), "{}", pv.summary);
    assert_eq!(std::fs::read(b.store.path()).unwrap(), db);
    // History is the same revisions on both sides.
    let ha: Vec<String> = a
        .store
        .history_detail(c.id)
        .unwrap()
        .into_iter()
        .map(|h| h.rev_id)
        .collect();
    let hb: Vec<String> = b
        .store
        .history_detail(c.id)
        .unwrap()
        .into_iter()
        .map(|h| h.rev_id)
        .collect();
    assert_eq!(ha, hb);
    // The history says what each revision was, in the core's words (the app and the CLI show
    // them as they are).
    let kinds = b.kinds(c.id);
    assert_eq!(kinds, ["新建"]);
}

#[test]
fn one_revision_per_session_and_an_exported_one_is_never_rewritten() {
    let out = tempfile::tempdir().unwrap();
    let mut a = Office::new("台江县商务局");
    let c = new_case(&mut a, "李明");
    for i in 0..20 {
        a.edit(c.id, |c| c.results = format!("成果 {i}"));
    }
    assert_eq!(a.store.history_detail(c.id).unwrap().len(), 1);
    let p = a.export(&[c.id], out.path());
    let exported = a.store.head_of(c.id).unwrap().unwrap();
    let before = a.store.revision(&exported).unwrap().unwrap();
    a.edit(c.id, |c| c.results = "导出后的修改".into());
    a.edit(c.id, |c| c.lessons = "再改".into());
    assert_eq!(a.store.revision(&exported).unwrap().unwrap(), before);
    let h = a.store.history_detail(c.id).unwrap();
    assert_eq!(h.len(), 2);
    assert!(h[0].exported && !h[1].exported);
    assert_eq!(a.kinds(c.id), ["新建", "修改"]);
    assert!(h[1].changed.contains(&"成果贡献".to_string()));
    assert!(h[1].changed.contains(&"经验启示".to_string()));
    // The older bundle never overwrites the newer case.
    let pv = a.import(&p);
    assert_eq!(pv.unchanged, 1);
    assert_eq!(a.store.get_case(c.id).unwrap().lessons, "再改");
}

#[test]
fn concurrent_edits_merge_and_a_conflict_is_resolved_per_field() {
    let out = tempfile::tempdir().unwrap();
    let mut a = Office::new("施洞镇");
    let mut b = Office::new("台江县商务局");
    let c = new_case(&mut a, "李明");
    let p = a.export(&[], out.path());
    b.import(&p);
    // Different fields: merged automatically.
    a.edit(c.id, |c| c.results = "镇里写的成果".into());
    b.edit(c.id, |c| c.lessons = "县里写的启示".into());
    let pa = a.export(&[], out.path());
    let pv = b.import(&pa);
    assert_eq!(pv.merged, 1);
    assert_eq!(pv.conflicts, 0);
    assert_eq!(pv.cases[0].outcome_label, "自动合并");
    let kinds = b.kinds(c.id);
    assert!(kinds.contains(&"自动合并"), "{kinds:?}");
    let m = b.store.get_case(c.id).unwrap();
    assert_eq!(
        (m.results.as_str(), m.lessons.as_str()),
        ("镇里写的成果", "县里写的启示")
    );
    let pb = b.export(&[], out.path());
    assert_eq!(a.import(&pb).fast_forward, 1);
    assert_eq!(a.store.get_case(c.id).unwrap(), m);
    // The same field: a conflict until decided; the case cannot be marked 完成.
    a.edit(c.id, |c| c.intro.basics = "镇里的版本".into());
    b.edit(c.id, |c| c.intro.basics = "县里的版本".into());
    let pv = b.import(&a.export(&[], out.path()));
    assert_eq!(pv.conflicts, 1);
    assert_eq!(pv.cases[0].conflicts, vec!["基本情况介绍".to_string()]);
    assert_eq!(pv.cases[0].outcome_label, "有冲突（1 处）");
    let open = b.store.conflicts(c.id).unwrap();
    assert_eq!(open.len(), 1);
    let values: Vec<String> = open[0]
        .choices
        .iter()
        .map(|c| c.value.as_str().unwrap().to_string())
        .collect();
    assert!(
        values.contains(&"镇里的版本".to_string()) && values.contains(&"县里的版本".to_string())
    );
    let mine = b.store.my_choice(&open[0]).unwrap();
    assert_eq!(open[0].choices[mine].value, "县里的版本");
    assert!(matches!(
        b.store.set_status(c.id, Status::Ready),
        Err(StoreError::HasConflicts(1))
    ));
    // Editing another field keeps the conflict open.
    b.edit(c.id, |c| c.opinion = "推荐".into());
    assert_eq!(b.store.conflicts(c.id).unwrap().len(), 1);
    b.store
        .resolve(c.id, "intro.basics", &serde_json::json!("合并后的版本"))
        .unwrap();
    assert!(b.store.conflicts(c.id).unwrap().is_empty());
    assert_eq!(b.store.get_case(c.id).unwrap().intro.basics, "合并后的版本");
    // The decision travels back; the township fast-forwards to it.
    let pv = a.import(&b.export(&[], out.path()));
    assert_eq!(pv.fast_forward, 1);
    assert_eq!(a.store.get_case(c.id).unwrap().intro.basics, "合并后的版本");
    assert!(a.store.conflicts(c.id).unwrap().is_empty());
    let h = b.store.history_detail(c.id).unwrap();
    assert!(h
        .iter()
        .any(|e| e.kind == "merge" && e.office == "自动合并"));
    assert!(h.iter().any(|e| e.kind == "resolve"));
}

#[test]
fn township_county_province_and_back() {
    let out = tempfile::tempdir().unwrap();
    let mut t = Office::new("施洞镇");
    let mut c = Office::new("台江县");
    let mut p = Office::new("贵州省");
    let case = new_case(&mut t, "李明");
    c.import(&t.export(&[], out.path()));
    c.edit(case.id, |x| x.recommender.unit = "台江县人民政府".into());
    p.import(&c.export(&[], out.path()));
    p.edit(case.id, |x| x.opinion = "省里的意见".into());
    let back = p.export(&[], out.path());
    assert_eq!(c.import(&back).fast_forward, 1);
    assert_eq!(t.import(&c.export(&[], out.path())).fast_forward, 1);
    let final_case = p.store.get_case(case.id).unwrap();
    assert_eq!(t.store.get_case(case.id).unwrap(), final_case);
    assert_eq!(c.store.get_case(case.id).unwrap(), final_case);
    // The province's bundle again at the township: nothing changes.
    assert_eq!(t.import(&back).unchanged, 1);
}

#[test]
fn bundles_in_every_order_give_the_same_result() {
    let out = tempfile::tempdir().unwrap();
    let mut origin = Office::new("县");
    let case = new_case(&mut origin, "李明");
    let first = origin.export(&[], out.path());
    let mut bundles = Vec::new();
    for (i, (office, field)) in [("甲镇", 0), ("乙镇", 1), ("丙镇", 0)].iter().enumerate() {
        let mut o = Office::new(office);
        o.import(&first);
        o.edit(case.id, |c| match field {
            0 => c.intro.basics = format!("{office}的版本"),
            _ => c.results = format!("{office}的成果 {i}"),
        });
        bundles.push(o.export(&[], out.path()));
    }
    let orders = [
        [0, 1, 2],
        [0, 2, 1],
        [1, 0, 2],
        [1, 2, 0],
        [2, 0, 1],
        [2, 1, 0],
    ];
    let mut results = Vec::new();
    for o in orders {
        let mut x = Office::new("省");
        x.import(&first);
        for i in o {
            x.import(&bundles[i]);
        }
        let conflicts = x.store.conflicts(case.id).unwrap();
        results.push((x.store.get_case(case.id).unwrap(), conflicts));
    }
    for r in &results[1..] {
        assert_eq!(r, &results[0]);
    }
    assert_eq!(results[0].1.len(), 1);
    assert_eq!(results[0].1[0].field, "intro.basics");
    assert!(results[0].0.results.starts_with("乙镇"));
}

#[test]
fn deleted_elsewhere_and_delete_versus_edit() {
    let out = tempfile::tempdir().unwrap();
    let mut a = Office::new("甲");
    let mut b = Office::new("乙");
    let c1 = new_case(&mut a, "张三");
    let c2 = new_case(&mut a, "李四");
    b.import(&a.export(&[], out.path()));
    a.store.delete_case(c1.id).unwrap();
    a.store.delete_case(c2.id).unwrap();
    b.edit(c2.id, |c| c.results = "乙补充的成果".into());
    let pv = b.import(&a.export(&[c1.id, c2.id], out.path()));
    let by_id = |id| {
        pv.cases
            .iter()
            .find(|c| c.id == id)
            .unwrap()
            .outcome
            .clone()
    };
    assert_eq!(by_id(c1.id), Outcome::DeletedElsewhere);
    assert!(matches!(by_id(c2.id), Outcome::Merged { conflicts: 1 }));
    let trash = b
        .store
        .list_cases(&tianbao::store::ListQuery {
            trash: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(trash.len(), 1);
    assert_eq!(trash[0].id, c1.id);
    assert_eq!(b.store.conflicts(c2.id).unwrap()[0].field, DELETED);
    assert_eq!(b.store.get_case(c2.id).unwrap().results, "乙补充的成果");
}

#[test]
fn the_same_person_under_two_ids_is_flagged_and_can_be_joined() {
    let out = tempfile::tempdir().unwrap();
    let mut a = Office::new("甲");
    let mut b = Office::new("乙");
    let mut x = Case::new();
    x.person.name = "王芳".into();
    x.person.birth_year = "1988".into();
    x.person.birth_month = "3".into();
    x.intro.basics = "甲写的".into();
    a.store.save_case(&x).unwrap();
    let mut y = Case::new();
    y.person.name = "王芳".into();
    y.person.birth_year = "1988".into();
    y.person.birth_month = "03".into();
    y.results = "乙写的成果".into();
    b.store.save_case(&y).unwrap();
    let imp = bundle::preview(&b.store, &a.export(&[], out.path()), None).unwrap();
    assert_eq!(imp.preview.same_person, 1);
    assert!(imp.preview.cases[0].same_person[0]
        .reason
        .contains("出生年月"));
    bundle::apply(&mut b.store, imp).unwrap();
    b.store.join_cases(y.id, x.id).unwrap();
    let j = b.store.get_case(y.id).unwrap();
    assert_eq!(j.intro.basics, "甲写的");
    assert_eq!(j.results, "乙写的成果");
    let trash = b
        .store
        .list_cases(&tianbao::store::ListQuery {
            trash: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(trash[0].id, x.id);
}

#[test]
fn encrypted_bundles_open_with_the_passphrase_only() {
    let out = tempfile::tempdir().unwrap();
    let mut a = Office::new("甲");
    let mut b = Office::new("乙");
    let c = new_case(&mut a, "李明");
    let p = out.path().join("x.tianbao");
    bundle::export(
        &mut a.store,
        &ExportOptions {
            ids: vec![],
            passphrase: Some("正确的口令".into()),
        },
        &p,
    )
    .unwrap();
    assert!(!std::fs::read(&p)
        .unwrap()
        .windows(6)
        .any(|w| w == "李明".as_bytes()));
    assert!(matches!(
        bundle::preview(&b.store, &p, None).unwrap_err(),
        BundleError::NeedPassphrase { .. }
    ));
    let e = bundle::preview(&b.store, &p, Some("错误")).unwrap_err();
    assert!(matches!(e, BundleError::WrongPassphrase { .. }), "{e}");
    let bytes = std::fs::read(&p).unwrap();
    let cut = out.path().join("cut.tianbao");
    std::fs::write(&cut, &bytes[..bytes.len() - 100]).unwrap();
    let e = bundle::preview(&b.store, &cut, Some("正确的口令")).unwrap_err();
    assert!(matches!(e, BundleError::EncryptedDamaged { .. }), "{e}");
    assert!(e.to_string().contains("cut.tianbao"));
    bundle::import(&mut b.store, &p, Some("正确的口令")).unwrap();
    assert_eq!(b.store.get_case(c.id).unwrap().person.name, "李明");
}

#[test]
fn a_full_disk_leaves_no_half_bundle() {
    // A target in a folder that does not exist stands in for a pulled USB stick.
    let mut a = Office::new("甲");
    new_case(&mut a, "李明");
    let gone = a.dir().join("no-such-stick").join("x.tianbao");
    let e = bundle::export(&mut a.store, &ExportOptions::default(), &gone).unwrap_err();
    assert!(e.to_string().contains("x.tianbao"), "{e}");
    assert!(!gone.exists());
    // A failed export records nothing as exported.
    let id = a.store.list_cases(&Default::default()).unwrap()[0].id;
    assert!(a
        .store
        .history_detail(id)
        .unwrap()
        .iter()
        .all(|h| !h.exported));
}

// ---------------------------------------------------------------------------------------------
// Hostile and broken bundles: each refused with its own message; database and attachment
// folder byte-identical afterwards; no work folder left behind.

fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.push((p.clone(), Vec::new()));
                stack.push(p);
            } else {
                out.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Rewrites a good bundle's entries through `f` (name, bytes) → entries to write.
fn rebuild(
    good: &Path,
    dst: &Path,
    f: impl Fn(&str, Vec<u8>) -> Vec<(String, Vec<u8>, zip::CompressionMethod)>,
) {
    let mut z = zip::ZipArchive::new(std::fs::File::open(good).unwrap()).unwrap();
    let mut w = zip::ZipWriter::new(std::fs::File::create(dst).unwrap());
    for i in 0..z.len() {
        let mut e = z.by_index(i).unwrap();
        let name = e.name().unwrap().to_string();
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut buf).unwrap();
        for (n, b, m) in f(&name, buf) {
            let opts = zip::write::SimpleFileOptions::default().compression_method(m);
            w.start_file(n, opts).unwrap();
            w.write_all(&b).unwrap();
        }
    }
    w.finish().unwrap();
}

fn edit_manifest(good: &Path, dst: &Path, f: impl Fn(&mut serde_json::Value)) {
    rebuild(good, dst, |n, b| {
        if n == "manifest.json" {
            let mut v: serde_json::Value = serde_json::from_slice(&b).unwrap();
            f(&mut v);
            vec![(
                n.into(),
                serde_json::to_vec(&v).unwrap(),
                zip::CompressionMethod::Deflated,
            )]
        } else {
            vec![(n.into(), b, zip::CompressionMethod::Stored)]
        }
    });
}

#[test]
fn hostile_bundles_are_refused_and_nothing_is_written() {
    let out = tempfile::tempdir().unwrap();
    let mut a = Office::new("甲");
    let mut c = new_case(&mut a, "李明");
    let src = tempfile::tempdir().unwrap();
    let att = a
        .store
        .library()
        .attach_file(
            &jpeg(src.path(), "1.jpg", 9),
            tianbao::media::Purpose::Picture,
        )
        .unwrap();
    c.media.pictures.push(att.attachment.clone());
    a.store.save_case(&c).unwrap();
    let good_path = a.export(&[], out.path());
    let good = good_path.as_path();
    let file_entry = format!("files/{}", att.attachment.sha256);
    let d = out.path();
    let stored = zip::CompressionMethod::Stored;
    let mut cases: Vec<(&str, PathBuf, &str)> = Vec::new();
    let mut add = |name: &'static str, expect: &'static str, make: &dyn Fn(&Path)| {
        let p = d.join(format!("{name}.tianbao"));
        make(&p);
        cases.push((name, p, expect));
    };
    add("not-a-zip", "不是 zip 文件", &|p| {
        std::fs::write(p, "hello").unwrap()
    });
    add("empty", "不是 zip 文件", &|p| {
        std::fs::write(p, "").unwrap()
    });
    add("truncated", "不完整", &|p| {
        let b = std::fs::read(good).unwrap();
        std::fs::write(p, &b[..b.len() * 2 / 3]).unwrap()
    });
    add("unrelated-zip", "不是填报助手的案例包", &|p| {
        let mut w = zip::ZipWriter::new(std::fs::File::create(p).unwrap());
        w.start_file("readme.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(b"hi").unwrap();
        w.finish().unwrap();
    });
    add("future-version", "更新版本", &|p| {
        edit_manifest(good, p, |v| v["version"] = 99.into())
    });
    for (name, bad) in [
        ("absolute", "/etc/passwd"),
        ("drive-letter", "C:/Windows/x"),
        ("dotdot", "files/../../x"),
        ("backslash", "files\\..\\x"),
    ] {
        let bad = bad.to_string();
        let name: &'static str = Box::leak(name.to_string().into_boxed_str());
        add(name, "不安全的条目", &move |p| {
            rebuild(good, p, |n, b| {
                let mut v = vec![(n.to_string(), b, stored)];
                if n == "manifest.json" {
                    v.push((bad.clone(), b"x".to_vec(), stored));
                }
                v
            })
        });
    }
    add("symlink", "符号链接", &|p| {
        rebuild(good, p, |n, b| vec![(n.into(), b, stored)]);
        let mut w = zip::ZipWriter::new_append(
            std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(p)
                .unwrap(),
        )
        .unwrap();
        w.add_symlink(
            "files/link",
            "/etc/passwd",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        w.finish().unwrap();
    });
    add("duplicate", "同名", &|p| {
        // Two entries of one name: zip's writer refuses, so patch the second name's bytes.
        rebuild(good, p, |n, b| {
            let mut v = vec![(n.to_string(), b.clone(), stored)];
            if n == "manifest.json" {
                v.push(("manifest.jsoX".into(), b, stored));
            }
            v
        });
        let mut bytes = std::fs::read(p).unwrap();
        let pat = b"manifest.jsoX";
        let mut i = 0;
        while i + pat.len() <= bytes.len() {
            if &bytes[i..i + pat.len()] == pat {
                bytes[i + pat.len() - 1] = b'n';
            }
            i += 1;
        }
        std::fs::write(p, bytes).unwrap();
    });
    add("unlisted-entry", "未列在清单中", &|p| {
        let extra = format!("files/{}", "0".repeat(64));
        rebuild(good, p, |n, b| {
            let mut v = vec![(n.to_string(), b, stored)];
            if n == "manifest.json" {
                v.push((extra.clone(), b"x".to_vec(), stored));
            }
            v
        })
    });
    let fe = file_entry.clone();
    add("listed-but-absent", "不在包中", &move |p| {
        rebuild(good, p, |n, b| {
            if n == fe {
                vec![]
            } else {
                vec![(n.to_string(), b, stored)]
            }
        })
    });
    let fe = file_entry.clone();
    add("sha-mismatch", "SHA-256", &move |p| {
        rebuild(good, p, |n, mut b| {
            if n == fe {
                let last = b.len() - 1;
                b[last] ^= 1;
            }
            vec![(n.to_string(), b, stored)]
        })
    });
    let fe = file_entry.clone();
    add("longer-than-declared", "不符", &move |p| {
        rebuild(good, p, |n, mut b| {
            if n == fe {
                b.extend_from_slice(b"more");
            }
            vec![(n.to_string(), b, stored)]
        })
    });
    let fe = file_entry.clone();
    add("crc-mismatch", "CRC", &move |p| {
        rebuild(good, p, |n, b| vec![(n.to_string(), b, stored)]);
        // Flip one byte of the stored picture's data in place: CRC no longer matches.
        let mut z = zip::ZipArchive::new(std::fs::File::open(p).unwrap()).unwrap();
        let start = z.by_name(&fe).unwrap().data_start().unwrap() as usize;
        drop(z);
        let mut bytes = std::fs::read(p).unwrap();
        bytes[start + 100] ^= 0xff;
        std::fs::write(p, bytes).unwrap();
    });
    add("bomb", "压缩", &|p| {
        rebuild(good, p, |n, b| {
            let mut v = vec![(n.to_string(), b, stored)];
            if n == "manifest.json" {
                v.push((
                    format!("files/{}", "1".repeat(64)),
                    vec![0u8; 64 << 20],
                    zip::CompressionMethod::Deflated,
                ));
            }
            v
        })
    });
    add("manifest-not-json", "不是有效的 JSON", &|p| {
        rebuild(good, p, |n, b| {
            if n == "manifest.json" {
                vec![(n.into(), b"{not json".to_vec(), stored)]
            } else {
                vec![(n.to_string(), b, stored)]
            }
        })
    });
    add("revisions-of-another-case", "损坏", &|p| {
        edit_manifest(good, p, |v| {
            v["cases"][0]["revisions"] = 7.into();
        })
    });

    let mut b = Office::new("乙");
    let existing = new_case(&mut b, "已有的案例");
    b.store
        .library()
        .attach_file(
            &jpeg(src.path(), "2.jpg", 3),
            tianbao::media::Purpose::Picture,
        )
        .unwrap();
    let db_path = b.store.path().to_path_buf();
    let before = snapshot(b.dir());
    for (name, p, expect) in &cases {
        // The look only (`import --dry-run`) refuses it with the same message.
        let look = bundle::check(&b.store, p, None)
            .expect_err(name)
            .to_string();
        let e = bundle::import(&mut b.store, p, None).expect_err(name);
        let msg = e.to_string();
        assert_eq!(look, msg, "{name}: check and import say the same");
        assert!(msg.contains(expect), "{name}: {msg}");
        assert!(
            msg.contains(&format!("{name}.tianbao")) || msg.contains(&file_entry),
            "{name}: the message names the file: {msg}"
        );
        assert_eq!(snapshot(b.dir()), before, "{name}: something was written");
    }
    assert_eq!(b.store.list_cases(&Default::default()).unwrap().len(), 1);
    assert_eq!(
        b.store.get_case(existing.id).unwrap().person.name,
        "已有的案例"
    );
    let _ = db_path;
    // The good one still imports.
    assert_eq!(b.import(good).new, 1);
}

#[test]
fn fuzz_findings_are_refused_cleanly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bundle-fuzz");
    let mut b = Office::new("乙");
    new_case(&mut b, "已有的案例");
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "md") {
            continue;
        }
        let before = snapshot(b.dir());
        if let Err(e) = bundle::import(&mut b.store, &p, Some("口令")) {
            assert!(!e.to_string().is_empty());
            assert_eq!(snapshot(b.dir()), before, "{}", p.display());
        }
    }
}

#[test]
fn is_encrypted_tells_apart_and_names_a_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let gone = dir.path().join("不在了.tianbao");
    let e = bundle::is_encrypted(&gone).unwrap_err();
    assert!(e.to_string().contains("不在了.tianbao"), "{e}");
    let plain = dir.path().join("文本.tianbao");
    std::fs::write(&plain, "不是加密的").unwrap();
    assert!(!bundle::is_encrypted(&plain).unwrap());
}
