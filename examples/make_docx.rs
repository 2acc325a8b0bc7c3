//! Writes the 推荐表 test set to a folder, with a manifest.json describing what each file must
//! contain (used by tests/docx/run.sh), or measures build times.
//!
//!     cargo run --example make_docx -- OUT_DIR
//!     cargo run --release --example make_docx -- --bench OUT_DIR
//!
//! The test set: an empty case, the sample case (ready), the sample as a draft, the sample with
//! three 12-megapixel photos, a case at every 字数 limit (with a picture), and a case with
//! awkward input (long names, symbols, control characters, an empty section).
//!
//! Pictures go through the media pipeline (`tianbao::media::picture_jpeg`: decode once, EXIF
//! orientation, fast_image_resize into `picture_box_px()`, JPEG at `PRINT_JPEG_QUALITY`).

#[path = "../tests/common/mod.rs"]
mod common;

use image::codecs::jpeg::JpegEncoder;
use image::RgbImage;
use serde_json::json;
use std::path::Path;
use std::time::Instant;
use tianbao::campaign::Campaign;
use tianbao::docx::{build_docx, docx_file_name, write_docx_atomic, PrintPicture};
use tianbao::model::{Case, Status};
use tianbao::sections::{paragraphs, section_counts, SectionKey};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bench = args.iter().any(|a| a == "--bench");
    let out = Path::new(
        args.iter()
            .rfind(|a| !a.starts_with("--"))
            .expect("usage: make_docx [--bench] OUT_DIR"),
    );
    std::fs::create_dir_all(out).expect("create OUT_DIR");
    if bench {
        run_bench(out);
    } else {
        write_test_set(out);
    }
}

/// A camera-like 12 MP JPEG (4000×3000): smooth gradients plus fine noise, q90 — about the
/// size of a phone photo.
fn camera_photo(seed: u32) -> Vec<u8> {
    let (w, h) = (4000u32, 3000u32);
    let mut state = seed.wrapping_mul(2_654_435_761).max(1);
    let img = RgbImage::from_fn(w, h, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let n = (state & 31) as i32 - 16;
        let r = ((x * 255 / w) as i32 + n).clamp(0, 255) as u8;
        let g = ((y * 255 / h) as i32 + n).clamp(0, 255) as u8;
        let b = (((x + y + seed * 500) / 30 % 256) as i32 + n).clamp(0, 255) as u8;
        image::Rgb([r, g, b])
    });
    let mut buf = Vec::new();
    JpegEncoder::new_with_quality(&mut buf, 90)
        .encode_image(&img)
        .expect("encode photo");
    buf
}

/// The media pipeline as the app uses it (decode once, orientation, downscale, JPEG).
fn print_picture(photo: &Path, caption: &str) -> PrintPicture {
    tianbao::docx::print_picture(photo, caption, 1).expect("picture")
}

/// Three camera-like photos written as files (the app keeps them in its blob store).
fn photo_files(dir: &Path) -> (Vec<std::path::PathBuf>, usize) {
    let mut bytes = 0;
    let paths = (1..=3)
        .map(|i| {
            let p = dir.join(format!("photo{i}.jpg"));
            let data = camera_photo(i);
            bytes += data.len();
            std::fs::write(&p, data).expect("write photo");
            p
        })
        .collect();
    (paths, bytes)
}

const CAPTIONS: [&str; 3] = [
    "李明（中）在直播间与苗绣传承人一起展示破线绣",
    "施洞镇偏寨村绣娘居家制作订单",
    "“苗绣阿明”直播基地与合作社仓库",
];

/// What run.sh checks for one file.
fn manifest_entry(
    file: &str,
    case: &Case,
    campaign: &Campaign,
    pictures: usize,
) -> serde_json::Value {
    let s = &campaign.sections;
    let section = |key, rule: &tianbao::campaign::SectionRule| {
        let ps: Vec<String> = paragraphs(case, key)
            .iter()
            .map(|p| format!("{}{}", p.lead, p.text))
            // As printed: characters XML cannot carry are dropped.
            .map(|t| {
                t.chars()
                    .filter(|c| !c.is_control() || *c == '\t')
                    .collect()
            })
            .collect();
        json!({"heading": rule.heading, "limit_label": rule.limit_label, "paragraphs": ps,
               "words": section_counts(case, key).words})
    };
    json!({
        "file": file,
        "ready": case.status == Status::Ready,
        "pictures": pictures,
        "name": case.person.name,
        "unit": case.recommender.unit,
        "sections": [
            section(SectionKey::Intro, &s.intro),
            section(SectionKey::Practices, &s.practices),
            section(SectionKey::Results, &s.results),
            section(SectionKey::Lessons, &s.lessons),
        ],
        "opinion": section(SectionKey::Opinion, &s.opinion),
    })
}

fn write_test_set(out: &Path) {
    let campaign = Campaign::current();
    let mut sample = common::sample_case();
    sample.status = Status::Ready;
    let mut draft = sample.clone();
    draft.status = Status::Draft;
    let mut with_pictures = sample.clone();
    with_pictures.person.name = "李明（配图）".into();

    let tmp = tempfile::tempdir().expect("temp dir");
    let (photos, photo_bytes) = photo_files(tmp.path());
    let t = Instant::now();
    let pictures: Vec<PrintPicture> = photos
        .iter()
        .zip(CAPTIONS)
        .map(|(p, c)| print_picture(p, c))
        .collect();
    eprintln!(
        "3 photos of 4000×3000 ({:.1} MB) prepared in {:.2} s",
        photo_bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    let cases: Vec<(&str, Case, Vec<PrintPicture>)> = vec![
        ("empty", Case::new(), vec![]),
        ("sample", sample, vec![]),
        ("draft", draft, vec![]),
        ("pictures", with_pictures, pictures.clone()),
        (
            "limits",
            common::limits_case(&campaign),
            vec![pictures[1].clone()],
        ),
        ("awkward", common::awkward_case(), vec![]),
    ];
    let mut manifest = Vec::new();
    for (i, (kind, case, pics)) in cases.iter().enumerate() {
        let bytes = build_docx(case, &campaign, pics).expect("build");
        let name = docx_file_name(i + 1, case);
        write_docx_atomic(&bytes, &out.join(&name)).expect("write");
        println!("{kind}\t{}\t{name}", bytes.len());
        let mut e = manifest_entry(&name, case, &campaign, pics.len());
        e["kind"] = json!(kind);
        e["photo_bytes"] = json!(if pics.len() == 3 { photo_bytes } else { 0 });
        manifest.push(e);
    }
    let first_row = write_first_row_set(out, &campaign);
    let m = json!({"first_row": first_row,
                   "campaign": {"form_label": campaign.form_label, "form_title": campaign.form_title,
                                "activity_name": campaign.activity_name,
                                "opinion_heading": campaign.sections.opinion.heading},
                   "draft_mark": tianbao::docx::DRAFT_MARK,
                   "files": manifest});
    std::fs::write(
        out.join("manifest.json"),
        serde_json::to_string_pretty(&m).unwrap(),
    )
    .unwrap();
}

/// Long forms of 政治面貌 a clerk may type (the dictionary has the short ones).
const LONG_POLITICAL: [&str; 6] = [
    "中国国民党革命委员会会员",
    "中国民主同盟盟员",
    "中国农工民主党党员",
    "台湾民主自治同盟盟员",
    "中国共产党预备党员",
    "中国共产主义青年团团员",
];

/// Names of 2 to 8 字, with and without ·.
const NAMES: [&str; 8] = [
    "李明",
    "其其格·巴音",
    "阿依古丽·买买提",
    "欧阳娜娜",
    "买买提·艾力",
    "扎西顿珠",
    "热依拉·阿不都",
    "司马相如",
];

/// One form per 民族 (all 56), cycling through every 政治面貌 (short and long forms) and
/// names up to 8 字, written to `out/firstrow/`; returns what each must print on its first row.
fn write_first_row_set(out: &Path, campaign: &Campaign) -> Vec<serde_json::Value> {
    let dicts = tianbao::dicts::Dicts::current();
    let dir = out.join("firstrow");
    std::fs::create_dir_all(&dir).unwrap();
    let pols: Vec<String> = dicts
        .political_statuses
        .iter()
        .cloned()
        .chain(LONG_POLITICAL.iter().map(|s| s.to_string()))
        .collect();
    let mut list = Vec::new();
    for (i, eth) in dicts.ethnicities.iter().enumerate() {
        let mut c = Case::new();
        c.person.name = NAMES[i % NAMES.len()].into();
        c.person.ethnicity = eth.clone();
        c.person.political_status = pols[i % pols.len()].clone();
        c.person.birth_year = "1990".into();
        c.person.birth_month = if i % 2 == 0 { "12" } else { "5" }.into();
        c.status = Status::Ready;
        let file = format!("firstrow/{i:02}.docx");
        let bytes = build_docx(&c, campaign, &[]).expect("build");
        write_docx_atomic(&bytes, &out.join(&file)).expect("write");
        list.push(json!({
            "file": file,
            "name": c.person.name,
            "ethnicity": c.person.ethnicity,
            "political": c.person.political_status,
            "political_short": dicts.political_statuses.contains(&c.person.political_status),
            "birth": format!("1990年{}月", c.person.birth_month),
        }));
    }
    list
}

/// One case with three 12 MP photos; then 20 such cases on 2 threads. Times include decoding,
/// resizing and encoding the photos (the media pipeline), building and writing.
fn run_bench(out: &Path) {
    let campaign = Campaign::current();
    let tmp = tempfile::tempdir().expect("temp dir");
    let (photos, _) = photo_files(tmp.path());
    let one = |i: usize| -> (f64, f64, usize) {
        let t = Instant::now();
        let pics: Vec<PrintPicture> = photos
            .iter()
            .zip(CAPTIONS)
            .map(|(p, c)| print_picture(p, c))
            .collect();
        let prep = t.elapsed().as_secs_f64();
        let mut case = common::sample_case();
        case.status = Status::Ready;
        let bytes = build_docx(&case, &campaign, &pics).expect("build");
        write_docx_atomic(&bytes, &out.join(docx_file_name(i, &case))).expect("write");
        (prep, t.elapsed().as_secs_f64() - prep, bytes.len())
    };
    let (prep, build, size) = one(1);
    println!(
        "one case, 3 photos 12 MP: prepare pictures {:.0} ms, build+write {:.1} ms, total {:.0} ms, docx {:.2} MB",
        prep * 1e3,
        build * 1e3,
        (prep + build) * 1e3,
        size as f64 / 1e6
    );
    // build alone, 20 repetitions, pictures prepared once.
    let pics: Vec<PrintPicture> = photos
        .iter()
        .zip(CAPTIONS)
        .map(|(p, c)| print_picture(p, c))
        .collect();
    let mut case = common::sample_case();
    case.status = Status::Ready;
    let t = Instant::now();
    for _ in 0..20 {
        build_docx(&case, &campaign, &pics).expect("build");
    }
    println!(
        "build_docx alone (sample + 3 print-size pictures): {:.1} ms per case",
        t.elapsed().as_secs_f64() * 1e3 / 20.0
    );
    let next = std::sync::atomic::AtomicUsize::new(1);
    let t = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i > 20 {
                    break;
                }
                one(i);
            });
        }
    });
    println!(
        "20 cases × 3 photos 12 MP on 2 threads: {:.2} s",
        t.elapsed().as_secs_f64()
    );
}
