//! 生成推荐表 as the app runs it: the attachment library (`store.library()`, work without
//! holding the store), one case to a chosen path, many cases into a folder with progress,
//! failures and cancelling.
mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use tianbao::docx::{write_batch, write_case_docx, DocxError, Progress};
use tianbao::media::{Library, Purpose};
use tianbao::model::{Case, Status};
use tianbao::store::Store;

fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("tianbao.db")).unwrap();
    (dir, store)
}

fn document_xml(path: &Path) -> String {
    let f = std::fs::File::open(path).unwrap();
    let mut z = zip::ZipArchive::new(f).unwrap();
    let mut s = String::new();
    z.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut s)
        .unwrap();
    s
}

/// The text of every XML part (the 草稿 mark is in the page header and the properties).
fn all_parts(path: &Path) -> String {
    let f = std::fs::File::open(path).unwrap();
    let mut z = zip::ZipArchive::new(f).unwrap();
    let mut out = String::new();
    for i in 0..z.len() {
        let mut e = z.by_index(i).unwrap();
        if e.name().unwrap().ends_with(".xml") {
            e.read_to_string(&mut out).unwrap();
        }
    }
    out
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn files_handle_is_send_and_works_without_the_store() {
    fn assert_send<T: Send + Clone + 'static>() {}
    assert_send::<Library>();
    let (dir, store) = temp_store();
    let library = store.library();
    assert_eq!(library.dir(), store.blob_dir());
    let src = dir.path().join("图.png");
    image::RgbImage::from_pixel(900, 600, image::Rgb([10, 120, 200]))
        .save(&src)
        .unwrap();
    // On another thread, while the store stays usable here.
    let t = std::thread::spawn({
        let library = library.clone();
        let src = src.clone();
        move || library.attach_file(&src, Purpose::Picture).unwrap()
    });
    let a = t.join().unwrap();
    assert!(store.list_cases(&Default::default()).unwrap().is_empty());
    assert_eq!(
        store.library().thumbnail(&a.attachment.sha256).unwrap()[..2],
        [0xFF, 0xD8]
    );
    // Serialised for the app: attachment and report, never the thumbnail's bytes.
    let json = serde_json::to_value(&a).unwrap();
    assert!(json.get("attachment").is_some() && json.get("report").is_some());
    assert!(json.get("thumbnail").is_none());
}

#[test]
fn one_case_is_written_where_asked_draft_or_ready() {
    let (dir, mut store) = temp_store();
    let mut c = common::sample_case();
    store.save_case(&c).unwrap();
    let path = dir.path().join("李明.docx");
    let w = write_case_docx(&store.library(), &c, &path).unwrap();
    assert_eq!(w.path, path.display().to_string());
    assert_eq!(w.file_name, "李明.docx");
    assert!(w.draft);
    assert_eq!(w.bytes, std::fs::metadata(&path).unwrap().len());
    assert!(document_xml(&path).contains("李明"));
    assert!(all_parts(&path).contains("草稿"));

    c.status = Status::Ready;
    let w = write_case_docx(&store.library(), &c, &path).unwrap();
    assert!(!w.draft);
    assert!(!all_parts(&path).contains("草稿"));

    let missing = dir.path().join("没有这个文件夹").join("a.docx");
    let e = write_case_docx(&store.library(), &c, &missing).unwrap_err();
    assert!(matches!(e, DocxError::FolderMissing { .. }), "{e}");
    assert!(e.to_string().contains("没有这个文件夹"));
}

fn three_cases(store: &mut Store) -> Vec<Case> {
    let mut out = Vec::new();
    for name in ["李明", "王芳", "阿依古丽·买买提"] {
        let mut c = common::sample_case();
        c.id = uuid::Uuid::now_v7();
        c.person.name = name.into();
        store.save_case(&c).unwrap();
        out.push(c);
    }
    out
}

#[test]
fn many_cases_one_file_each_numbered_in_the_given_order_with_progress() {
    let (dir, mut store) = temp_store();
    let cases = three_cases(&mut store);
    let out_dir = dir.path().join("推荐表");
    std::fs::create_dir(&out_dir).unwrap();
    let ids: Vec<_> = cases.iter().rev().map(|c| c.id).collect();
    let mut seen: Vec<Progress> = Vec::new();
    let cancel = AtomicBool::new(false);
    let r = write_batch(
        &store.library(),
        &ids,
        &out_dir,
        |id| store.get_case(id),
        |p| seen.push(p.clone()),
        &cancel,
    )
    .unwrap();
    assert_eq!(r.total, 3);
    assert!(r.failed.is_empty() && !r.cancelled);
    assert_eq!(
        names(&out_dir),
        [
            "01_阿依古丽·买买提_推荐表.docx",
            "02_王芳_推荐表.docx",
            "03_李明_推荐表.docx"
        ]
    );
    assert!(document_xml(&out_dir.join("02_王芳_推荐表.docx")).contains("王芳"));
    let steps: Vec<(usize, usize, &str)> = seen
        .iter()
        .map(|p| (p.done, p.total, p.current.as_str()))
        .collect();
    assert_eq!(
        steps,
        [
            (0, 3, "阿依古丽·买买提"),
            (1, 3, "王芳"),
            (2, 3, "李明"),
            (3, 3, "")
        ]
    );
}

#[test]
fn cancel_stops_between_files_and_keeps_what_was_written() {
    let (dir, mut store) = temp_store();
    let cases = three_cases(&mut store);
    let ids: Vec<_> = cases.iter().map(|c| c.id).collect();
    let cancel = AtomicBool::new(false);
    let r = write_batch(
        &store.library(),
        &ids,
        dir.path(),
        |id| store.get_case(id),
        |p| {
            // The clerk presses 取消 while the second file is being made.
            if p.done == 1 {
                cancel.store(true, Ordering::SeqCst);
            }
        },
        &cancel,
    )
    .unwrap();
    assert!(r.cancelled);
    assert_eq!(r.written.len(), 2);
    let docx: Vec<String> = names(dir.path())
        .into_iter()
        .filter(|n| n.ends_with(".docx"))
        .collect();
    assert_eq!(docx, ["01_李明_推荐表.docx", "02_王芳_推荐表.docx"]);
}

#[test]
fn a_broken_case_is_listed_and_the_others_are_written() {
    let (dir, mut store) = temp_store();
    let mut cases = three_cases(&mut store);
    // The second case's picture copy is gone.
    cases[1].media.pictures = vec![tianbao::model::Attachment {
        sha256: "ab".repeat(32),
        file_name: "现场.jpg".into(),
        caption: "直播现场".into(),
        format: "jpeg".into(),
        ..Default::default()
    }];
    store.save_case(&cases[1]).unwrap();
    let gone = uuid::Uuid::now_v7();
    let ids = vec![cases[0].id, cases[1].id, gone, cases[2].id];
    let r = write_batch(
        &store.library(),
        &ids,
        dir.path(),
        |id| store.get_case(id),
        |_| {},
        &AtomicBool::new(false),
    )
    .unwrap();
    assert_eq!(r.written.len(), 2);
    assert_eq!(r.failed.len(), 2);
    assert_eq!(r.failed[0].case, "王芳");
    assert!(
        r.failed[0].message.contains("直播现场"),
        "{}",
        r.failed[0].message
    );
    assert!(r.failed[1].message.contains("找不到这个案例"));
    assert!(dir.path().join("04_阿依古丽·买买提_推荐表.docx").exists());
}

#[test]
fn a_missing_folder_stops_the_batch_with_its_name() {
    let (dir, mut store) = temp_store();
    let cases = three_cases(&mut store);
    let ids: Vec<_> = cases.iter().map(|c| c.id).collect();
    let nowhere: PathBuf = dir.path().join("U盘已拔出");
    let e = write_batch(
        &store.library(),
        &ids,
        &nowhere,
        |id| store.get_case(id),
        |_| {},
        &AtomicBool::new(false),
    )
    .unwrap_err();
    assert!(e.to_string().contains("U盘已拔出"), "{e}");
}

/// Three cases with two pictures each (distinct files), attached through the library.
fn cases_with_pictures(dir: &Path, library: &Library) -> Vec<Case> {
    (0..3)
        .map(|i| {
            let mut c = common::sample_case();
            c.id = uuid::Uuid::now_v7();
            c.media.pictures = (0..2)
                .map(|j| {
                    let src = dir.join(format!("图{i}{j}.png"));
                    let shade = (i * 2 + j) as u8 * 30;
                    image::RgbImage::from_pixel(1600, 1200, image::Rgb([shade, 120, 200]))
                        .save(&src)
                        .unwrap();
                    library
                        .attach_file(&src, Purpose::Picture)
                        .unwrap()
                        .attachment
                })
                .collect();
            c
        })
        .collect()
}

/// The finished pictures in the print cache (not the temporary files being written).
fn print_cache(library: &Library) -> Vec<String> {
    let d = library.dir().join("print-cache");
    if !d.is_dir() {
        return Vec::new();
    }
    names(&d)
        .into_iter()
        .filter(|n| !n.starts_with('.') && n.ends_with(".jpg"))
        .collect()
}

#[test]
fn pictures_of_the_cases_ahead_are_prepared_from_the_last_one_back() {
    if std::thread::available_parallelism().map_or(1, |n| n.get()) < 2 {
        eprintln!("跳过：只有一个处理器核心，没有第二个线程可测");
        return;
    }
    let (dir, store) = temp_store();
    let library = store.library();
    let cases = cases_with_pictures(dir.path(), &library);
    let refs: Vec<&Case> = cases.iter().collect();
    assert!(print_cache(&library).is_empty());
    // `work` stays at the first case and notes the order in which the helper's pictures appear.
    let cancel = AtomicBool::new(false);
    let order = tianbao::docx::with_pictures_prepared_ahead(&refs, &library, &cancel, |_reached| {
        let mut order: Vec<String> = Vec::new();
        let end = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while order.len() < 4 && std::time::Instant::now() < end {
            for n in print_cache(&library) {
                if !order.contains(&n) {
                    order.push(n);
                }
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        order
    });
    // The helper has ended when the call returns: what it did is all in the cache now.
    let sha =
        |c: &Case| -> Vec<String> { c.media.pictures.iter().map(|a| a.sha256.clone()).collect() };
    let of = |name: &str| {
        cases
            .iter()
            .position(|c| sha(c).iter().any(|h| name.starts_with(h.as_str())))
    };
    let cases_in_order: Vec<Option<usize>> = order.iter().map(|n| of(n)).collect();
    assert_eq!(
        cases_in_order,
        [Some(2), Some(2), Some(1), Some(1)],
        "{order:?}"
    );
    // The case `work` is at (index 0 = `reached`) is left to `work`.
    let after = print_cache(&library);
    assert_eq!(after.len(), 4, "{after:?}");
    assert!(after.iter().all(|n| of(n) != Some(0)), "{after:?}");
}

#[test]
fn pictures_ahead_stop_when_cancelled() {
    let (dir, store) = temp_store();
    let library = store.library();
    let cases = cases_with_pictures(dir.path(), &library);
    let refs: Vec<&Case> = cases.iter().collect();
    let cancel = AtomicBool::new(true);
    let r = tianbao::docx::with_pictures_prepared_ahead(&refs, &library, &cancel, |_| {
        std::thread::sleep(std::time::Duration::from_millis(500));
        7
    });
    assert_eq!(r, 7);
    assert!(
        print_cache(&library).is_empty(),
        "{:?}",
        print_cache(&library)
    );
}
