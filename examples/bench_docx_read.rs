//! Measures reading filled-in 推荐表 files back: one form without pictures (read only), and
//! the import of 20 forms with three pictures each into a fresh store (read, pictures stored
//! content-addressed, case saved).
//!
//!     cargo run --release --example bench_docx_read
//!
//! The forms are tianbao's own (the sample case; pictures are print-size JPEGs made from
//! 12-megapixel camera-like photos, as the app embeds them) and the same forms with the
//! tianbao properties removed, so they are read by the rules for hand-typed forms.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;
use tianbao::campaign::Campaign;
use tianbao::dicts::Dicts;
use tianbao::docx::read::{read_docx_bytes, Limits};
use tianbao::docx::{build_docx, PrintPicture};

fn photo(seed: u32) -> Vec<u8> {
    let (w, h) = (4000u32, 3000u32);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let n = ((x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40503) ^ seed) & 31) as u8;
        image::Rgb([
            (x * 255 / w) as u8 ^ n,
            (y * 255 / h) as u8,
            n.wrapping_mul(seed as u8),
        ])
    });
    let mut buf = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut buf, 90)
        .encode_image(&img)
        .unwrap();
    buf
}

/// Removes docProps/custom.xml's content (the case id): the form is then read as hand-typed.
fn as_foreign(bytes: &[u8]) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut zout = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = String::from_utf8_lossy(f.name_raw()).into_owned();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == "docProps/custom.xml" {
            data = br#"<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>"#.to_vec();
        }
        zout.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zout.write_all(&data).unwrap();
    }
    zout.finish().unwrap().into_inner()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    let campaign = Campaign::current();
    let dicts = Dicts::current();
    let dir = tempfile::tempdir().unwrap();

    // ---- one form, no pictures ----
    let mut case = common::sample_case();
    case.status = tianbao::model::Status::Ready;
    let own = build_docx(&case, &campaign, &[]).unwrap();
    let foreign = as_foreign(&own);
    for (what, bytes) in [("own", &own), ("hand-typed rules", &foreign)] {
        let times: Vec<f64> = (0..30)
            .map(|_| {
                let t = Instant::now();
                read_docx_bytes(
                    bytes.clone(),
                    "f.docx",
                    &campaign,
                    &dicts,
                    Limits::default(),
                )
                .unwrap();
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        println!(
            "one form without pictures ({what}, {} KB): read {:.2} ms (median of 30), max {:.2} ms",
            bytes.len() / 1024,
            median(times.clone()),
            times.iter().cloned().fold(0.0, f64::max)
        );
    }
    // Through the store, from a file (read + save).
    let f = dir.path().join("one.docx");
    std::fs::write(&f, &foreign).unwrap();
    let mut store = tianbao::store::Store::open(&dir.path().join("one.db")).unwrap();
    let times: Vec<f64> = (0..10)
        .map(|_| {
            let t = Instant::now();
            let r = store.import_docx(&f).unwrap();
            assert!(r.error.is_none());
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    println!(
        "import of one form without pictures into a store (read file, save case): {:.1} ms (median of 10)",
        median(times)
    );
    drop(store);

    // ---- 20 forms with three pictures each ----
    let t = Instant::now();
    let photos: Vec<std::path::PathBuf> = (1..=3)
        .map(|i| {
            let p = dir.path().join(format!("photo{i}.jpg"));
            std::fs::write(&p, photo(i)).unwrap();
            p
        })
        .collect();
    let pics: Vec<PrintPicture> = photos
        .iter()
        .enumerate()
        .map(|(i, p)| tianbao::docx::print_picture(p, &format!("图注{i}"), i + 1).unwrap())
        .collect();
    let forms: Vec<std::path::PathBuf> = (0..20)
        .map(|i| {
            let mut c = common::sample_case();
            c.person.name = format!("李明{i}");
            // Different bytes per form (a JPEG comment), so no picture is stored only once.
            let own: Vec<PrintPicture> = pics
                .iter()
                .enumerate()
                .map(|(k, p)| {
                    let note = format!("form {i} picture {k}");
                    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xFE];
                    jpeg.extend_from_slice(&((note.len() + 2) as u16).to_be_bytes());
                    jpeg.extend_from_slice(note.as_bytes());
                    jpeg.extend_from_slice(&p.jpeg[2..]);
                    PrintPicture { jpeg, ..p.clone() }
                })
                .collect();
            let bytes = as_foreign(&build_docx(&c, &campaign, &own).unwrap());
            let p = dir.path().join(format!("{i:02}.docx"));
            std::fs::write(&p, bytes).unwrap();
            p
        })
        .collect();
    let size = std::fs::metadata(&forms[0]).unwrap().len();
    eprintln!("(20 forms made in {:.1} s)", t.elapsed().as_secs_f64());
    let mut store = tianbao::store::Store::open(&dir.path().join("twenty.db")).unwrap();
    let t = Instant::now();
    for f in &forms {
        let r = store.import_docx(f).unwrap();
        assert!(r.error.is_none(), "{:?}", r.error);
        assert_eq!(
            store
                .get_case(r.case_id.unwrap())
                .unwrap()
                .media
                .pictures
                .len(),
            3
        );
    }
    let total = t.elapsed().as_secs_f64();
    println!(
        "import of 20 forms with 3 pictures each ({} KB each): {:.2} s total, {:.0} ms per form",
        size / 1024,
        total,
        total * 1e3 / 20.0
    );
}
