//! The provincial desk: unit, 案例库 list in the store, 省级意见, order, overrides, quota edges
//! (19 / 20 / 21), the 汇总表, and the submission package checked file by file (names, byte-exact
//! originals, zip parts under the limit holding every case once, e-mails), cancelled half-way.
mod common;
#[path = "common_media/mod.rs"]
mod common_media;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use tianbao::library::{read_library_bytes, MatchKind};
use tianbao::media::Purpose;
use tianbao::model::{Case, CaseId, Status};
use tianbao::package::{self, Options, PackageError};
use tianbao::store::{Opinion, Store, StoreError};
use tianbao::summary::{self, SummaryError};

fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("tianbao.db")).unwrap();
    (dir, store)
}

const NAMES: [&str; 21] = [
    "李明",
    "王芳",
    "张伟",
    "阿依古丽·买买提",
    "刘洋",
    "陈静",
    "杨帆",
    "赵磊",
    "黄丽",
    "周杰",
    "吴敏",
    "徐强",
    "孙燕",
    "马超",
    "朱琳",
    "胡军",
    "郭涛",
    "何苗",
    "高原",
    "林峰",
    "罗兰",
];

/// `n` complete cases from the sample, each its own name, county and phone; with materials when
/// `dir` is given (a photo, both ID scans; the photo differs per case).
fn cases(store: &mut Store, n: usize, dir: Option<&Path>) -> Vec<CaseId> {
    let mut ids = Vec::new();
    for (i, name) in NAMES.iter().take(n).enumerate() {
        let mut c = common::sample_case();
        c.id = uuid::Uuid::nil();
        c.person.name = name.to_string();
        c.person.phone = format!("139{:08}", i);
        c.region.county = format!("第{}县", i + 1);
        if let Some(dir) = dir {
            let img = common_media::noisy_image(500 + i as u32, 400);
            let photo = dir.join(format!("photo{i}.jpg"));
            std::fs::write(&photo, common_media::jpeg_bytes(&img, 90)).unwrap();
            let scan = dir.join(format!("scan{i}.png"));
            std::fs::write(
                &scan,
                common_media::png_bytes(&common_media::gradient_image(700, 440)),
            )
            .unwrap();
            let files = store.library();
            c.media.photo = Some(
                files
                    .attach_file(&photo, Purpose::Photo)
                    .unwrap()
                    .attachment,
            );
            c.media.id_front = Some(
                files
                    .attach_file(&scan, Purpose::IdScan)
                    .unwrap()
                    .attachment,
            );
            c.media.id_back = Some(
                files
                    .attach_file(&scan, Purpose::IdScan)
                    .unwrap()
                    .attachment,
            );
            c.media.video.link = format!("https://pan.baidu.com/s/1abcDEF{i:03}xyz");
            c.media.video.code = format!("a{i:03}");
        }
        c.status = Status::Ready;
        let saved = store.save_case(&c).unwrap();
        ids.push(saved.id);
    }
    ids
}

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2024, 5, 20).unwrap()
}

#[test]
fn the_unit_is_one_of_the_37() {
    let (_d, mut store) = temp_store();
    assert_eq!(store.unit().unwrap(), "");
    assert_eq!(store.set_unit("贵州省").unwrap(), "贵州省");
    assert_eq!(store.set_unit("宁波").unwrap(), "宁波市");
    assert_eq!(
        store.set_unit("新疆生产建设兵团").unwrap(),
        "新疆生产建设兵团"
    );
    assert_eq!(store.set_unit("新疆").unwrap(), "新疆维吾尔自治区");
    let e = store.set_unit("台江县").unwrap_err();
    assert!(matches!(e, StoreError::UnknownUnit { .. }));
    assert!(e.to_string().contains("台江县"), "{e}");
    assert_eq!(
        store.unit().unwrap(),
        "新疆维吾尔自治区",
        "a refused name changes nothing"
    );
}

#[test]
fn cases_outside_the_unit_are_flagged() {
    let (_d, mut store) = temp_store();
    let ids = cases(&mut store, 3, None);
    let mut c = store.get_case(ids[1]).unwrap();
    c.region.province = "山东省".into();
    c.region.city = "临沂市".into();
    store.save_case(&c).unwrap();
    let mut c = store.get_case(ids[2]).unwrap();
    c.region.province = "山东省".into();
    c.region.city = "青岛市".into();
    store.save_case(&c).unwrap();
    store.set_unit("贵州省").unwrap();
    let desk = store.desk().unwrap();
    assert_eq!(desk.cases[0].outside_unit, None);
    assert!(desk.cases[1]
        .outside_unit
        .as_ref()
        .unwrap()
        .contains("不属于贵州省"));
    store.set_unit("山东省").unwrap();
    let desk = store.desk().unwrap();
    assert!(desk.cases[0].outside_unit.is_some());
    assert_eq!(desk.cases[1].outside_unit, None);
    assert!(desk.cases[2]
        .outside_unit
        .as_ref()
        .unwrap()
        .contains("计划单列市"));
    store.set_unit("青岛市").unwrap();
    let desk = store.desk().unwrap();
    assert!(desk.cases[1].outside_unit.is_some());
    assert_eq!(desk.cases[2].outside_unit, None);
}

#[test]
fn the_library_list_is_kept_replaced_on_import_and_flags_with_override() {
    let (_d, mut store) = temp_store();
    let ids = cases(&mut store, 3, None);
    let list = "姓名,所在地区,联系方式\n王芳,贵州省黔东南州第2县,\n李明,山东省兰陵县,\n某人,某地,13900000002\n";
    let imported = read_library_bytes(list.as_bytes(), "名单.csv").unwrap();
    let info = store.import_library(&imported).unwrap();
    assert_eq!((info.count, info.previous), (3, 0));
    let desk = store.desk().unwrap();
    assert_eq!(desk.library.as_ref().unwrap().count, 3);
    let by_name = |n: &str| desk.cases.iter().find(|c| c.name == n).unwrap().clone();
    let liming = by_name("李明");
    assert!(!liming.library_flag, "a near miss does not flag");
    assert_eq!(liming.library[0].kind, MatchKind::NearMiss);
    let wangfang = by_name("王芳");
    assert!(wangfang.library_flag);
    assert_eq!(wangfang.library[0].kind, MatchKind::NameCounty);
    let zhangwei = by_name("张伟");
    assert!(zhangwei.library_flag);
    assert_eq!(zhangwei.library[0].kind, MatchKind::Phone);

    // A flagged case with 同意 does not count and blocks the package until overridden.
    store.set_opinion(ids[1], Some(Opinion::Agree)).unwrap();
    store.set_unit("贵州省").unwrap();
    let plan = package::plan(&store, today()).unwrap();
    assert!(plan
        .check
        .findings
        .iter()
        .any(|f| f.blocking && f.field == "library" && f.case == "王芳"));
    assert!(matches!(
        store.set_library_override(ids[1], Some("  ")),
        Err(StoreError::OverrideReason)
    ));
    store
        .set_library_override(ids[1], Some("名单中是同名的另一人（身份证号不同）"))
        .unwrap();
    let desk = store.desk().unwrap();
    let wf = desk.cases.iter().find(|c| c.name == "王芳").unwrap();
    assert!(!wf.library_flag && wf.counts());
    assert!(wf.override_reason.contains("另一人"));
    let plan = package::plan(&store, today()).unwrap();
    assert!(!plan.check.findings.iter().any(|f| f.field == "library"));

    // Re-import replaces the list, with the count of before.
    let imported = read_library_bytes("姓名,地区\n赵六,某县\n".as_bytes(), "新.csv").unwrap();
    let info = store.import_library(&imported).unwrap();
    assert_eq!((info.count, info.previous), (1, 3));
    assert_eq!(store.library_entries().unwrap().len(), 1);
    assert!(store
        .desk()
        .unwrap()
        .cases
        .iter()
        .all(|c| c.library.is_empty()));
}

#[test]
fn opinions_order_and_the_quota_edges_19_20_21() {
    let (_d, mut store) = temp_store();
    store.set_unit("贵州省").unwrap();
    let ids = cases(&mut store, 21, None);
    let campaign = store.campaign().clone();
    for id in &ids {
        store.set_opinion(*id, Some(Opinion::Agree)).unwrap();
    }
    // 21: blocked, the 汇总表 refused.
    let desk = store.desk().unwrap();
    assert_eq!((desk.agreed, desk.quota), (21, 20));
    let plan = package::plan(&store, today()).unwrap();
    let f = plan
        .check
        .findings
        .iter()
        .find(|f| f.field == "quota")
        .unwrap();
    assert!(f.blocking && f.message.contains("21"), "{}", f.message);
    let rows: Vec<_> = plan
        .cases
        .iter()
        .map(|c| summary::row_of(c, "同意"))
        .collect();
    assert!(matches!(
        summary::summary_xlsx("贵州省", &rows, &campaign),
        Err(SummaryError::OverQuota {
            count: 21,
            quota: 20,
            over: 1
        })
    ));
    let out = tempfile::tempdir().unwrap();
    let e = package::write_package(
        &store.library(),
        &plan,
        &out.path().join("包"),
        &Options::default(),
        &mut |_| {},
        &AtomicBool::new(false),
    )
    .unwrap_err();
    assert!(matches!(e, PackageError::Blocked(_)));
    assert!(!out.path().join("包").exists());

    // 20: no quota finding.
    store.set_opinion(ids[20], Some(Opinion::Disagree)).unwrap();
    let plan = package::plan(&store, today()).unwrap();
    assert_eq!(plan.check.agreed, 20);
    assert!(!plan.check.findings.iter().any(|f| f.field == "quota"));
    assert_eq!(plan.check.blocking, 0);
    // 19: a warning, not blocking.
    store.set_opinion(ids[19], None).unwrap();
    let plan = package::plan(&store, today()).unwrap();
    let f = plan
        .check
        .findings
        .iter()
        .find(|f| f.field == "quota")
        .unwrap();
    assert!(!f.blocking && f.message.contains("19"), "{}", f.message);

    // Order: the given ones first, the rest keep theirs.
    store.set_order(&[ids[5], ids[2]]).unwrap();
    let desk = store.desk().unwrap();
    assert_eq!(desk.cases[0].id, ids[5]);
    assert_eq!(desk.cases[1].id, ids[2]);
    assert_eq!(desk.cases[2].id, ids[0]);
    assert_eq!(desk.cases[2].position, 3);
    let plan = package::plan(&store, today()).unwrap();
    assert_eq!(plan.cases[0].person.name, NAMES[5]);
    // The deadline: after it, a warning.
    let late = chrono::NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
    let plan = package::plan(&store, late).unwrap();
    assert!(plan.check.findings.iter().any(|f| f.field == "deadline"));
    // Deleting a case takes it out of the view.
    store.delete_case(ids[5]).unwrap();
    assert_eq!(store.desk().unwrap().cases.len(), 20);
}

fn zip_names(path: &Path) -> Vec<String> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..z.len())
        .map(|i| z.by_index(i).unwrap().name().unwrap().to_string())
        .collect()
}

#[test]
fn the_package_file_by_file_in_parts_under_the_limit() {
    let (dir, mut store) = temp_store();
    store.set_unit("贵州省").unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    let ids = cases(&mut store, 20, Some(&src));
    for id in &ids {
        store.set_opinion(*id, Some(Opinion::Agree)).unwrap();
    }
    let plan = package::plan(&store, today()).unwrap();
    assert_eq!(plan.check.blocking, 0, "{:?}", plan.check.findings);
    let dest = dir.path().join("out").join("报送材料");
    std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
    let part = 1_000_000;
    let mut steps = Vec::new();
    let out = package::write_package(
        &store.library(),
        &plan,
        &dest,
        &Options { part_bytes: part },
        &mut |p| steps.push(p.clone()),
        &AtomicBool::new(false),
    )
    .unwrap();
    assert_eq!(out.cases, 20);
    assert!(steps.len() >= 24, "{}", steps.len());
    // Top level.
    let top: Vec<String> = std::fs::read_dir(&dest)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for want in [
        "附件2_省级汇总表_贵州省.xlsx",
        "附件2_省级汇总表_贵州省.docx",
        "材料清单.xlsx",
        "01_李明",
        "04_阿依古丽·买买提",
        "20_林峰",
        "邮件",
    ] {
        assert!(top.contains(&want.to_string()), "{want} in {top:?}");
    }
    // One folder per case: 推荐表, both scans, the photo byte for byte, the link.
    for (i, case) in plan.cases.iter().enumerate() {
        let folder = dest.join(package::case_folder(i + 1, case));
        let docx = folder.join(tianbao::docx::docx_file_name(i + 1, case));
        assert!(std::fs::metadata(&docx).unwrap().len() > 5000);
        let photo = std::fs::read(folder.join("个人形象照片.jpg")).unwrap();
        let blob = store
            .library()
            .blobs()
            .unwrap()
            .blob_path(&case.media.photo.as_ref().unwrap().sha256)
            .unwrap();
        assert_eq!(
            photo,
            std::fs::read(blob).unwrap(),
            "photo of {}",
            case.person.name
        );
        assert!(folder.join("身份证_人像面.png").is_file());
        assert!(folder.join("身份证_国徽面.png").is_file());
        let link = std::fs::read_to_string(folder.join("视频链接.txt")).unwrap();
        assert!(link.contains(&case.media.video.link) && link.contains(&case.media.video.code));
    }
    // Parts: each under the limit, together every case exactly once, 汇总表 in part 1.
    assert!(out.parts.len() >= 3, "{} parts", out.parts.len());
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for p in &out.parts {
        let zip = dest.join(&p.zip);
        let size = std::fs::metadata(&zip).unwrap().len();
        assert!(size <= part, "{} is {size}", p.zip);
        assert!(p
            .zip
            .contains(&format!("第{}部分（共{}部分）", p.number, p.of)));
        let names = zip_names(&zip);
        if p.number == 1 {
            assert!(names.iter().any(|n| n.ends_with("省级汇总表_贵州省.xlsx")));
        }
        let mut folders: Vec<String> = names
            .iter()
            .filter_map(|n| n.split_once('/').map(|x| x.0.to_string()))
            .collect();
        folders.dedup();
        for f in folders {
            *seen.entry(f).or_default() += 1;
        }
        // The e-mail: addressed, numbered, every case with link and code, zip attached.
        let eml = std::fs::read_to_string(dest.join(&p.eml)).unwrap();
        assert!(
            eml.contains("To: <REC@ec.com.cn>") || eml.contains("To: REC@ec.com.cn"),
            "{}",
            &eml[..400]
        );
        assert!(eml.contains("Subject: =?utf-8?"), "subject encoded");
        assert!(eml.contains("application/zip"));
    }
    assert_eq!(seen.len(), 20, "{seen:?}");
    assert!(seen.values().all(|&n| n == 1), "{seen:?}");
    // No temp folder left.
    let left: Vec<_> = std::fs::read_dir(dest.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");
    // The folder exists now: a second run refuses to overwrite it.
    let e = package::write_package(
        &store.library(),
        &plan,
        &dest,
        &Options::default(),
        &mut |_| {},
        &AtomicBool::new(false),
    )
    .unwrap_err();
    assert!(matches!(e, PackageError::Exists(_)), "{e}");
    // The 汇总表 in the package lists the 20 names in order (shared strings, normal mode).
    let mut z = zip::ZipArchive::new(
        std::fs::File::open(dest.join("附件2_省级汇总表_贵州省.xlsx")).unwrap(),
    )
    .unwrap();
    let mut sst = String::new();
    z.by_name("xl/sharedStrings.xml")
        .unwrap()
        .read_to_string(&mut sst)
        .unwrap();
    let mut at = 0;
    for c in &plan.cases {
        let i = sst[at..]
            .find(&c.person.name)
            .unwrap_or_else(|| panic!("{}", c.person.name));
        at += i;
    }
}

#[test]
fn a_cancelled_package_leaves_nothing() {
    let (dir, mut store) = temp_store();
    store.set_unit("贵州省").unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    let ids = cases(&mut store, 5, Some(&src));
    for id in &ids {
        store.set_opinion(*id, Some(Opinion::Agree)).unwrap();
    }
    let plan = package::plan(&store, today()).unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let cancel = AtomicBool::new(false);
    let mut n = 0;
    let e = package::write_package(
        &store.library(),
        &plan,
        &out.join("包"),
        &Options::default(),
        &mut |_| {
            n += 1;
            if n == 3 {
                cancel.store(true, Ordering::SeqCst);
            }
        },
        &cancel,
    )
    .unwrap_err();
    assert!(matches!(e, PackageError::Cancelled));
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
    // A part size too small for one case names the case.
    let e = package::write_package(
        &store.library(),
        &plan,
        &out.join("包"),
        &Options {
            part_bytes: package::MIN_PART_BYTES,
        },
        &mut |_| {},
        &AtomicBool::new(false),
    );
    if let Err(e) = e {
        assert!(matches!(e, PackageError::CaseTooLarge { .. }), "{e}");
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
    }
    let _ = Case::new();
}

/// A full disk (a real 1 MiB tmpfs, when this runs as root): the package stops with a Chinese
/// message that says the disk is full and names the file, and leaves nothing on the disk.
#[cfg(target_os = "linux")]
#[test]
fn a_package_on_a_full_disk_leaves_nothing_and_says_so() {
    let (dir, mut store) = temp_store();
    store.set_unit("贵州省").unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    let ids = cases(&mut store, 3, Some(&src));
    for id in &ids {
        store.set_opinion(*id, Some(Opinion::Agree)).unwrap();
    }
    let plan = package::plan(&store, today()).unwrap();
    let mnt = dir.path().join("U盘");
    std::fs::create_dir_all(&mnt).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
        .arg(&mnt)
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("cannot mount a tmpfs here: full-disk package not tested");
        return;
    }
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let e = package::write_package(
            &store.library(),
            &plan,
            &mnt.join("报送材料"),
            &Options::default(),
            &mut |_| {},
            &AtomicBool::new(false),
        )
        .unwrap_err();
        let text = e.to_string();
        assert!(matches!(e, PackageError::Io { .. }), "{e:?}");
        assert!(text.contains("磁盘已满"), "{text}");
        assert!(text.contains("报送材料"), "{text}");
        assert_eq!(std::fs::read_dir(&mnt).unwrap().count(), 0, "{text}");
    }));
    let _ = std::process::Command::new("umount").arg(&mnt).status();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}
