//! A provincial desk to test and measure with: a database of N complete cases with materials,
//! and (with --bench) the timing of the 汇总表 and of the whole submission package.
//!
//!     cargo run --example desk_fixture -- OUT_DIR [N]            # small materials, for tests
//!     cargo run --release --example desk_fixture -- --full OUT_DIR 20
//!     cargo run --release --example desk_fixture -- --bench OUT_DIR
//!
//! Writes OUT_DIR/tianbao.db (+ tianbao-files/) and OUT_DIR/manifest.json (names in order, 网盘
//! links and codes, photo sizes). `--full` gives every case what the issue measures: three
//! 12-megapixel pictures, a 3 MB personal photo, two ID scans. `--bench` builds a `--full` desk
//! (unless OUT_DIR already holds one) and prints the times of the 汇总表 (xlsx + docx) and of
//! `write_package` for 20 同意 cases.

#[path = "../tests/common/mod.rs"]
mod common;

use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};
use serde_json::json;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;
use tianbao::media::Purpose;
use tianbao::model::Status;
use tianbao::package::{self, Options};
use tianbao::store::{Opinion, Store};

const NAMES: [&str; 24] = [
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
    "宋雨",
    "唐宁",
    "韩梅",
];

/// Deterministic noise for incompressible pixels.
fn noise(buf: &mut [u8], seed: u64) {
    let mut x = seed | 1;
    for b in buf.iter_mut() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x as u8;
    }
}

fn jpeg(img: &RgbImage, q: u8) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, q)
        .encode_image(img)
        .unwrap();
    out
}

/// A camera-like picture: a gradient with a little noise (~1–2 MB at 12 MP).
fn picture(w: u32, h: u32, seed: u64) -> Vec<u8> {
    let mut n = vec![0u8; (w * h) as usize];
    noise(&mut n, seed);
    let img = RgbImage::from_fn(w, h, |x, y| {
        let k = n[(y * w + x) as usize] / 16;
        Rgb([
            ((x * 255 / w) as u8).saturating_add(k),
            ((y * 255 / h) as u8).saturating_add(k),
            (seed as u8).wrapping_mul(37).saturating_add(k),
        ])
    });
    jpeg(&img, 90)
}

/// A noisy photo of about `bytes` bytes (noise does not compress).
fn photo(bytes: usize, seed: u64) -> Vec<u8> {
    // Noise at q92 costs about 1.1 byte per pixel… grow until big enough.
    let mut side = ((bytes as f64 / 1.1 / 0.75).sqrt()) as u32;
    loop {
        let (w, h) = (side, side * 3 / 4);
        let mut raw = vec![0u8; (w * h * 3) as usize];
        noise(&mut raw, seed);
        let out = jpeg(&RgbImage::from_raw(w, h, raw).unwrap(), 92);
        if out.len() >= bytes {
            return out;
        }
        side += side / 8;
    }
}

/// The same JPEG with a comment segment after SOI naming `tag`: another file (another SHA-256,
/// decoded and resized again like any other photo) without encoding 12 MP once more.
fn tagged(jpeg: &[u8], tag: &str) -> Vec<u8> {
    let text = tag.as_bytes();
    let len = (text.len() + 2) as u16;
    let mut out = Vec::with_capacity(jpeg.len() + text.len() + 4);
    out.extend_from_slice(&jpeg[..2]);
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(text);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn build(out: &Path, n: usize, full: bool) -> serde_json::Value {
    std::fs::create_dir_all(out).unwrap();
    let src = out.join("src");
    std::fs::create_dir_all(&src).unwrap();
    let mut store = Store::open(&out.join("tianbao.db")).unwrap();
    store.set_unit("贵州省").unwrap();
    let files = store.library();
    let mut manifest = Vec::new();
    // Made once, tagged per case (see `tagged`).
    let photo_bytes = if full { 3_000_000 } else { 60_000 };
    let base_photo = photo(photo_bytes, 0x1234_5678);
    let base_scan = picture(1000, 630, 0x5CA7);
    let base_pics: Vec<Vec<u8>> = if full {
        (0..3).map(|k| picture(4000, 3000, 0x9100 + k)).collect()
    } else {
        Vec::new()
    };
    for i in 0..n {
        let mut c = common::sample_case();
        c.id = uuid::Uuid::nil();
        c.person.name = NAMES[i % NAMES.len()].to_string();
        c.person.phone = format!("139{:08}", 1000 + i);
        c.region.county = format!(
            "{}县",
            ["台江", "雷山", "榕江", "从江", "黎平", "剑河"][i % 6]
        );
        c.region.village = format!("第{}村", i + 1);
        let put = |name: &str, bytes: &[u8], role: Purpose| {
            let p = src.join(name);
            std::fs::write(&p, bytes).unwrap();
            files.attach_file(&p, role).unwrap().attachment
        };
        c.media.photo = Some(put(
            &format!("photo{i}.jpg"),
            &tagged(&base_photo, &format!("photo {i}")),
            Purpose::Photo,
        ));
        let scan = |side: u64| tagged(&base_scan, &format!("scan {i} {side}"));
        c.media.id_front = Some(put(&format!("front{i}.jpg"), &scan(1), Purpose::IdScan));
        c.media.id_back = Some(put(&format!("back{i}.jpg"), &scan(2), Purpose::IdScan));
        if full {
            for (k, base) in base_pics.iter().enumerate() {
                let mut a = put(
                    &format!("pic{i}_{k}.jpg"),
                    &tagged(base, &format!("picture {i} {k}")),
                    Purpose::Picture,
                );
                a.caption = format!("直播现场{}", k + 1);
                c.media.pictures.push(a);
            }
        }
        c.media.video.link = format!("https://pan.baidu.com/s/1Tb{i:03}AbCdEfGh");
        c.media.video.code = format!("k{i:03}");
        c.media.video.confirm_no_ads = true;
        c.media.video.confirm_no_watermark = true;
        c.status = Status::Ready;
        let saved = store.save_case(&c).unwrap();
        manifest.push(json!({
            "id": saved.id.to_string(),
            "name": c.person.name,
            "region": c.region.one_line(),
            "link": c.media.video.link,
            "code": c.media.video.code,
            "photo_sha256": c.media.photo.as_ref().unwrap().sha256,
        }));
    }
    let m = json!({
        "unit": "贵州省",
        "email": store.campaign().email,
        "quota": store.campaign().quota_per_unit,
        "summary_rows": store.campaign().summary_rows,
        "summary_label": store.campaign().summary_label,
        "summary_title": store.campaign().summary_title,
        "cases": manifest,
    });
    std::fs::write(
        out.join("manifest.json"),
        serde_json::to_string_pretty(&m).unwrap(),
    )
    .unwrap();
    m
}

fn bench(out: &Path) {
    if !out.join("tianbao.db").exists() {
        let t = Instant::now();
        build(out, 20, true);
        eprintln!("fixture: {:.1} s", t.elapsed().as_secs_f64());
    }
    let mut store = Store::open(&out.join("tianbao.db")).unwrap();
    let ids: Vec<_> = store.desk().unwrap().cases.iter().map(|c| c.id).collect();
    for id in ids.iter().take(20) {
        store.set_opinion(*id, Some(Opinion::Agree)).unwrap();
    }
    let campaign = store.campaign().clone();
    let today = chrono::NaiveDate::from_ymd_opt(2024, 5, 20).unwrap();
    // The 汇总表 alone: rows from the store, xlsx and docx bytes.
    let mut best = f64::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        let desk = store.desk().unwrap();
        let rows: Vec<_> = desk
            .agreed_cases()
            .map(|c| {
                let case = store.get_case(c.id).unwrap();
                tianbao::summary::row_of(&case, "同意")
            })
            .collect();
        let x = tianbao::summary::summary_xlsx(&desk.unit, &rows, &campaign).unwrap();
        let d = tianbao::docx::summary_docx(&desk.unit, &rows, &campaign).unwrap();
        assert!(x.len() > 1000 && d.len() > 1000);
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "summary (xlsx + docx, 20 rows, from the store): {:.1} ms",
        best * 1000.0
    );
    // The package: from the check to the last file.
    let dest = out.join("package");
    let _ = std::fs::remove_dir_all(&dest);
    let t = Instant::now();
    let plan = package::plan(&store, today).unwrap();
    let t_plan = t.elapsed().as_secs_f64();
    let files = store.library();
    let res = package::write_package(
        &files,
        &plan,
        &dest,
        &Options::default(),
        &mut |_| {},
        &AtomicBool::new(false),
    )
    .unwrap();
    let total = t.elapsed().as_secs_f64();
    let bytes: u64 = res.files.iter().map(|f| f.bytes).sum();
    println!(
        "package: {:.2} s (check {:.2} s), {} cases, {} files, {:.0} MB, {} parts",
        total,
        t_plan,
        res.cases,
        res.files.len(),
        bytes as f64 / 1e6,
        res.parts.len()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |f: &str| args.iter().any(|a| a == f);
    let pos: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let out = Path::new(
        pos.first()
            .expect("usage: desk_fixture [--full|--bench] OUT_DIR [N]"),
    );
    if flag("--bench") {
        bench(out);
        return;
    }
    let n = pos.get(1).map(|s| s.parse().unwrap()).unwrap_or(20);
    let m = build(out, n, flag("--full"));
    println!("{}", m["cases"].as_array().unwrap().len());
}
