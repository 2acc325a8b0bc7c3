//! Reading a 推荐表 back: every case tianbao writes reads back from its own .docx as the same
//! case — every field, every 典型做法 item, every picture — over the sample, the cases at every
//! limit, awkward input, and generated cases (proptest). Import into a store: a new case, or a
//! new revision of the case the file names; pictures byte-exact and content-addressed.

#[path = "common/mod.rs"]
mod common;

use proptest::prelude::*;
use tianbao::campaign::Campaign;
use tianbao::dicts::Dicts;
use tianbao::docx::read::{read_docx_bytes, Limits};
use tianbao::docx::{build_docx, PrintPicture};
use tianbao::model::{Case, Practice, Status};

/// The case as its 推荐表 prints it: what the print normalises (outer whitespace of values,
/// empty lines, blank 典型做法 items, control characters) and nothing else. The form does not
/// carry the photo, the ID scan or the video.
fn as_printed(case: &Case) -> Case {
    let mut c = case.clone();
    c.scrub();
    let lines = |s: &str| {
        s.split('\n')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    };
    for v in [
        &mut c.person.name,
        &mut c.person.ethnicity,
        &mut c.person.political_status,
        &mut c.person.phone,
        &mut c.business.field,
        &mut c.business.team_size,
        &mut c.business.account_name,
        &mut c.business.followers,
        &mut c.business.years,
        &mut c.business.annual_revenue,
        &mut c.recommender.unit,
        &mut c.recommender.leader,
        &mut c.recommender.phone,
        &mut c.intro.title,
    ] {
        *v = v.trim().to_string();
    }
    // A 所在地区 of blanks prints as the empty pattern.
    if c.region.one_line().is_empty() {
        c.region = Default::default();
    }
    c.intro.feature = c.intro.feature.trim().replace('\n', "").trim().to_string();
    c.intro.basics = lines(&c.intro.basics);
    c.results = lines(&c.results);
    c.lessons = lines(&c.lessons);
    c.opinion = lines(&c.opinion);
    c.practices = c
        .practices
        .iter()
        .filter(|p| !p.highlight.trim().is_empty() || !p.text.trim().is_empty())
        .map(|p| Practice {
            highlight: p.highlight.trim().to_string(),
            text: lines(&p.text),
        })
        .collect();
    c.media.photo = None;
    c.media.id_front = None;
    c.media.id_back = None;
    c.media.video = Default::default();
    for p in c.media.pictures.iter_mut() {
        p.caption = p.caption.trim().to_string();
    }
    c
}

/// Writes the case's 推荐表 and reads it back (no store: pictures come back as the embedded
/// print JPEGs).
fn round_trip(case: &Case, pics: &[PrintPicture]) -> (Case, tianbao::docx::DocxRead) {
    let campaign = Campaign::current();
    let bytes = build_docx(case, &campaign, pics).expect("build");
    let read = read_docx_bytes(
        bytes,
        "t.docx",
        &campaign,
        &Dicts::current(),
        Limits::default(),
    )
    .expect("read back");
    let mut back = read.case.clone();
    // The pictures as the store would hold them: the original the hint names.
    back.media.pictures = read
        .pictures
        .iter()
        .map(|p| tianbao::model::Attachment {
            caption: p.caption.clone(),
            ..p.original.clone().unwrap_or_default()
        })
        .collect();
    (back, read)
}

fn assert_same(case: &Case, back: &Case) {
    let want = as_printed(case);
    let a = serde_json::to_value(&want).unwrap();
    let b = serde_json::to_value(back).unwrap();
    if a != b {
        for (k, v) in a.as_object().unwrap() {
            if b.get(k) != Some(v) {
                panic!(
                    "field {k} differs:\n want {}\n  got {}",
                    serde_json::to_string(v).unwrap(),
                    serde_json::to_string(&b[k]).unwrap()
                );
            }
        }
    }
    assert_eq!(&want, back);
}

#[test]
fn the_sample_reads_back_as_itself() {
    for status in [Status::Ready, Status::Draft] {
        let mut c = common::sample_case();
        c.status = status;
        let (back, read) = round_trip(&c, &[]);
        assert_same(&c, &back);
        assert_eq!(read.case_id, Some(c.id));
        assert!(read.report.generated);
        assert!(read.report.missing.is_empty(), "{:?}", read.report);
        assert!(read.report.notes.is_empty(), "{:?}", read.report.notes);
    }
}

#[test]
fn cases_at_every_limit_and_awkward_ones_read_back() {
    let campaign = Campaign::current();
    let limits = common::limits_case(&campaign);
    let (back, _) = round_trip(&limits, &[]);
    assert_same(&limits, &back);
    let awkward = common::awkward_case();
    let (back, _) = round_trip(&awkward, &[]);
    assert_same(&awkward, &back);
    // An empty case: every field empty, nothing invented.
    let empty = Case::new();
    let (back, read) = round_trip(&empty, &[]);
    assert_same(&empty, &back);
    assert!(read.report.found.is_empty());
}

#[test]
fn emoji_long_values_and_a_40000_character_paste() {
    let mut c = common::sample_case();
    c.person.name = "阿依古丽·买买提·艾力".into();
    c.business.account_name = "🌾苗绣阿明🌾 & <直播间> “官方”".into();
    c.business.field = "农产品".repeat(40);
    c.recommender.unit = "新疆维吾尔自治区克孜勒苏柯尔克孜自治州阿图什市人民政府".repeat(3);
    c.intro.title = "李明：助农直播让非遗“活”起来 😀👍🏽👨‍👩‍👧".into();
    let sample: String = common::sample_sections()
        .iter()
        .flat_map(|(_, ls)| ls.iter())
        .cloned()
        .collect::<Vec<_>>()
        .join("");
    let mut paste: String = sample.chars().cycle().take(40_000).collect();
    // Line breaks every 300 characters, one emoji in a while.
    let mut with_breaks = String::new();
    for (i, ch) in paste.chars().enumerate() {
        if i > 0 && i % 300 == 0 {
            with_breaks.push('\n');
        }
        if i % 997 == 0 {
            with_breaks.push('🐄');
        }
        with_breaks.push(ch);
    }
    paste = with_breaks;
    c.results = paste.clone();
    c.practices[0].text = paste.chars().take(5000).collect();
    c.practices[1].highlight = "多行\n亮点\t带制表符".into();
    let t = std::time::Instant::now();
    let (back, _) = round_trip(&c, &[]);
    assert_same(&c, &back);
    assert!(t.elapsed().as_secs() < 20, "{:?}", t.elapsed());
}

/// A small real JPEG.
fn jpeg(w: u32, h: u32, seed: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x as u8).wrapping_add(seed), y as u8, seed.wrapping_mul(7)])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&img)
        .unwrap();
    out
}

#[test]
fn pictures_round_trip_through_a_store_byte_exact() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = tianbao::store::Store::open(&dir.path().join("t.db")).unwrap();
    let mut c = common::sample_case();
    let captions = ["李明在直播间", "", "合作社仓库 🏠"];
    for (i, cap) in captions.iter().enumerate() {
        let f = dir.path().join(format!("p{i}.jpg"));
        std::fs::write(&f, jpeg(900 + i as u32 * 50, 600, i as u8)).unwrap();
        let a = store
            .library()
            .attach_file(&f, tianbao::media::Purpose::Picture)
            .unwrap();
        c.media.pictures.push(tianbao::model::Attachment {
            caption: cap.to_string(),
            ..a.attachment
        });
    }
    store.save_case(&c).unwrap();
    let c = store.get_case(c.id).unwrap();
    let bytes = tianbao::docx::case_docx(&store.library(), &c).unwrap();
    let file = dir.path().join("李明_推荐表.docx");
    std::fs::write(&file, &bytes).unwrap();

    // Same store: a new revision of the same case, the originals found again.
    let before = store.history(c.id).unwrap().len();
    let imp = store.import_docx(&file).unwrap();
    assert!(imp.error.is_none(), "{:?}", imp.error);
    assert!(imp.revised);
    assert_eq!(imp.case_id, Some(c.id));
    let back = store.get_case(c.id).unwrap();
    assert_eq!(back, c, "the same case");
    // Unchanged content adds no revision.
    assert_eq!(store.history(c.id).unwrap().len(), before);

    // Another store (the province): a new case with the same id; the pictures are the
    // embedded print JPEGs, byte-exact and content-addressed.
    let dir2 = tempfile::tempdir().unwrap();
    let mut other = tianbao::store::Store::open(&dir2.path().join("t.db")).unwrap();
    let imp = other.import_docx(&file).unwrap();
    assert!(!imp.revised);
    let got = other.get_case(c.id).unwrap();
    assert_eq!(got.media.pictures.len(), 3);
    let read = tianbao::docx::read::read_docx(&file, other.campaign(), other.dicts()).unwrap();
    for (k, (a, p)) in got.media.pictures.iter().zip(&read.pictures).enumerate() {
        assert_eq!(a.caption, captions[k].trim());
        let blob = other.library().blobs().unwrap().path_of(&a.sha256).unwrap();
        assert_eq!(std::fs::read(blob).unwrap(), p.bytes, "byte-exact");
        assert_eq!(a.format, "jpeg");
        assert!(a.width > 0);
    }
    let mut expect = as_printed(&c);
    expect.media.pictures = got.media.pictures.clone();
    assert_eq!(got, expect);
}

#[test]
fn an_edit_made_in_word_becomes_a_new_revision() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = tianbao::store::Store::open(&dir.path().join("t.db")).unwrap();
    let mut c = common::sample_case();
    c.media.video.link = "https://pan.baidu.com/s/1abcDEF".into();
    store.save_case(&c).unwrap();
    let bytes = tianbao::docx::case_docx(&store.library(), &c).unwrap();
    // "Edit in Word": the region typed anew, the 民族 changed.
    let edited = replace_in_docx(&bytes, &[("苗族", "侗族"), ("偏寨村", "塘坝村")]);
    let file = dir.path().join("edited.docx");
    std::fs::write(&file, edited).unwrap();
    let imp = store.import_docx(&file).unwrap();
    assert!(imp.revised);
    let back = store.get_case(c.id).unwrap();
    assert_eq!(back.person.ethnicity, "侗族");
    assert_eq!(back.region.village, "塘坝村");
    assert_eq!(back.region.township, "施洞镇");
    assert_eq!(
        back.media.video.link, c.media.video.link,
        "kept: not in the form"
    );
    assert_eq!(store.history(c.id).unwrap().len(), 2);
}

#[test]
fn several_files_a_backup_first_progress_per_file_and_a_bad_one_does_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = tianbao::store::Store::open(&dir.path().join("t.db")).unwrap();
    let c = common::sample_case();
    let bytes = tianbao::docx::case_docx(&store.library(), &c).unwrap();
    let mut other = c.clone();
    other.id = Case::new().id;
    other.person.name = "王芳".into();
    let other_bytes = tianbao::docx::case_docx(&store.library(), &other).unwrap();
    let files = [
        dir.path().join("李明.docx"),
        dir.path().join("旧格式.doc"),
        dir.path().join("王芳.docx"),
    ];
    std::fs::write(&files[0], &bytes).unwrap();
    std::fs::write(&files[1], b"{\\rtf1\\ansi hello}").unwrap();
    std::fs::write(&files[2], &other_bytes).unwrap();
    let before = store.backups().unwrap().len();

    let mut heard = Vec::new();
    let out = store
        .import_docx_many(&files, |p| heard.push((p.done, p.total, p.current.clone())))
        .unwrap();

    let backups = store.backups().unwrap();
    assert_eq!(backups.len(), before + 1, "one backup before the batch");
    assert!(backups
        .iter()
        .any(|b| b.reason == tianbao::store::BackupReason::Import));
    assert_eq!(
        heard,
        vec![
            (0, 3, "李明.docx".to_string()),
            (1, 3, "旧格式.doc".to_string()),
            (2, 3, "王芳.docx".to_string()),
            (3, 3, String::new()),
        ]
    );
    assert_eq!(out.len(), 3);
    assert_eq!(out[0].case, "李明");
    assert!(
        out[1].error.as_deref().unwrap().contains("另存为"),
        "{:?}",
        out[1].error
    );
    assert_eq!(out[1].case_id, None);
    assert_eq!(out[2].case, "王芳");
    let listed = store.list_cases(&Default::default()).unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(
        tianbao::store::imported_summary(&out),
        "共 3 个文件：新建案例 2 个，未导入 1 个。"
    );

    // Nothing to import: no backup, only the end is heard.
    let mut heard = Vec::new();
    let none: [&std::path::Path; 0] = [];
    assert!(store
        .import_docx_many(&none, |p| heard.push(p.done))
        .unwrap()
        .is_empty());
    assert_eq!(store.backups().unwrap().len(), before + 1);
    assert_eq!(heard, vec![0]);
    // Our own 推荐表 again: a new revision of the case it came from.
    let again = store.import_docx_many(&files[..1], |_| {}).unwrap();
    assert!(again[0].revised, "{:?}", again[0]);
    assert_eq!(
        tianbao::store::imported_summary(&again),
        "共 1 个文件：更新已有案例 1 个。"
    );
}

/// Replaces text inside word/document.xml of a .docx (as an edit in Word would).
fn replace_in_docx(bytes: &[u8], pairs: &[(&str, &str)]) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut zout = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = String::from_utf8_lossy(f.name_raw()).into_owned();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == "word/document.xml" {
            let mut s = String::from_utf8(data).unwrap();
            for (a, b) in pairs {
                s = s.replace(a, b);
            }
            data = s.into_bytes();
        }
        zout.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zout.write_all(&data).unwrap();
    }
    zout.finish().unwrap().into_inner()
}

// ---- generated cases ----------------------------------------------------------------------

/// Text as clerks type it: Chinese, Latin, digits, punctuation, emoji, spaces, tabs, breaks.
fn text(max: usize) -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "李",
        "明",
        "苗",
        "绣",
        "直",
        "播",
        "带",
        "货",
        "村",
        "民",
        "合作社",
        "。",
        "，",
        "“",
        "”",
        "、",
        "（",
        "）",
        "：",
        "A",
        "b",
        "Z",
        "1",
        "0",
        "9",
        "%",
        "&",
        "<",
        ">",
        "'",
        "\"",
        "·",
        " ",
        " ",
        "　",
        "\t",
        "\n",
        "\n\n",
        "🌾",
        "😀",
        "👨‍👩‍👧",
        "é",
        "한",
        "カ",
        "①",
        "ＡＢ",
    ]);
    prop::collection::vec(pieces, 0..max).prop_map(|v| v.concat())
}

fn one_line(max: usize) -> impl Strategy<Value = String> {
    text(max).prop_map(|s| s.replace('\n', ""))
}

fn pick(list: Vec<String>) -> impl Strategy<Value = String> {
    prop::sample::select(list)
}

prop_compose! {
    fn practice()(highlight in one_line(12), body in text(60)) -> Practice {
        Practice { highlight, text: body }
    }
}

prop_compose! {
    fn case()(
        name in one_line(6), year in "(19[3-9][0-9]|20[0-2][0-9])?", month in "([1-9]|1[0-2])?",
        eth in pick(Dicts::current().ethnicities), pol in pick(Dicts::current().political_statuses),
        region in prop::collection::vec(one_line(5), 5),
        platforms in prop::sample::subsequence(Dicts::current().platforms, 0..4),
        other in one_line(5),
        small in prop::collection::vec(one_line(8), 10),
        title in one_line(20), basics in text(80), feature in text(20),
        practices in prop::collection::vec(practice(), 0..6),
        results in text(80), lessons in text(80), opinion in text(120),
        ready in any::<bool>(),
    ) -> Case {
        let mut c = Case::new();
        c.person.name = name;
        c.person.birth_year = year;
        c.person.birth_month = month;
        c.person.ethnicity = eth;
        c.person.political_status = pol;
        c.region.province = region[0].clone();
        c.region.city = region[1].clone();
        c.region.county = region[2].clone();
        c.region.township = region[3].clone();
        c.region.village = region[4].clone();
        c.business.platform_other = if platforms.iter().any(|p| p == "其他") { other } else { String::new() };
        c.business.platforms = platforms;
        c.business.field = small[0].clone();
        c.business.team_size = small[1].clone();
        c.business.account_name = small[2].clone();
        c.business.followers = small[3].clone();
        c.business.years = small[4].clone();
        c.business.annual_revenue = small[5].clone();
        c.person.phone = small[6].clone();
        c.recommender.unit = small[7].clone();
        c.recommender.leader = small[8].clone();
        c.recommender.phone = small[9].clone();
        c.intro.title = title;
        c.intro.basics = basics;
        c.intro.feature = feature;
        c.practices = practices;
        c.results = results;
        c.lessons = lessons;
        c.opinion = opinion;
        c.status = if ready { Status::Ready } else { Status::Draft };
        c
    }
}

proptest! {
    // PROPTEST_CASES=1000 for a longer run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48),
        .. ProptestConfig::default()
    })]
    #[test]
    fn generated_cases_read_back_as_themselves(c in case()) {
        let (back, _) = round_trip(&c, &[]);
        prop_assert_eq!(as_printed(&c), back);
    }
}
