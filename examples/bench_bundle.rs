//! Seeds a store for the bundle benchmark (scripts/bench_bundle.sh):
//!
//! `bench_bundle full DB` — 20 cases with full materials: three 12-megapixel pictures, a 3 MB
//! photo and two ID scans each (real JPEGs: one 12 MP image encoded once, made distinct per file
//! by trailing bytes after its end marker, which decoders ignore).
//! `bench_bundle big DB GB` — cases with attached files totalling GB gigabytes (5 MB each), for
//! the peak-memory run.

use std::io::Cursor;
use tianbao::model::{Attachment, Case};
use tianbao::store::Store;

fn jpeg(w: u32, h: u32, q: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let n = (x.wrapping_mul(2654435761) ^ y.wrapping_mul(40503)) >> 7;
        image::Rgb([(x / 7) as u8 ^ n as u8, (y / 5) as u8, (n >> 3) as u8])
    });
    let mut out = Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, q)
        .encode_image(&img)
        .unwrap();
    out.into_inner()
}

fn distinct(base: &[u8], tag: &str, size: usize) -> Vec<u8> {
    let mut v = base.to_vec();
    v.extend_from_slice(tag.as_bytes());
    let mut x: u64 = tag.bytes().fold(1469598103934665603, |h, b| {
        (h ^ b as u64).wrapping_mul(1099511628211)
    });
    while v.len() < size {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.extend_from_slice(&x.to_le_bytes());
    }
    v
}

fn put(store: &Store, bytes: &[u8], name: &str, w: u32, h: u32) -> Attachment {
    let mut a = store
        .library()
        .blobs()
        .unwrap()
        .put_bytes(bytes, name)
        .unwrap();
    a.width = w;
    a.height = h;
    a
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map(String::as_str).unwrap_or("full");
    let db = std::path::PathBuf::from(args.get(2).expect("DB path"));
    let mut store = Store::open(&db).unwrap();
    store.set_office("台江县商务局").unwrap();
    match mode {
        "full" => {
            let big = jpeg(4000, 3000, 85);
            let id = jpeg(1200, 760, 90);
            for i in 0..20 {
                let mut c = Case::new();
                c.person.name = format!("测试{i:02}");
                c.intro.basics = "基本情况".repeat(100);
                c.results = "成果贡献".repeat(120);
                for k in 0..3 {
                    let b = distinct(&big, &format!("pic{i}-{k}"), big.len());
                    c.media
                        .pictures
                        .push(put(&store, &b, &format!("图片{k}.jpg"), 4000, 3000));
                }
                let p = distinct(&big, &format!("photo{i}"), 3 << 20);
                c.media.photo = Some(put(&store, &p, "形象照.jpg", 4000, 3000));
                let f = distinct(&id, &format!("idf{i}"), id.len());
                c.media.id_front = Some(put(&store, &f, "身份证人像面.jpg", 1200, 760));
                let b = distinct(&id, &format!("idb{i}"), id.len());
                c.media.id_back = Some(put(&store, &b, "身份证国徽面.jpg", 1200, 760));
                store.save_case(&c).unwrap();
            }
        }
        "big" => {
            let gb: f64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(2.0);
            let per = 5usize << 20;
            let files = ((gb * (1u64 << 30) as f64) / per as f64).ceil() as usize;
            let base = jpeg(64, 64, 80);
            let mut c = Case::new();
            let mut n = 0;
            for k in 0..files {
                let b = distinct(&base, &format!("big{k}"), per);
                c.media
                    .pictures
                    .push(put(&store, &b, &format!("{k}.jpg"), 64, 64));
                if c.media.pictures.len() == 20 || k + 1 == files {
                    c.person.name = format!("大包{n}");
                    store.save_case(&c).unwrap();
                    c = Case::new();
                    n += 1;
                }
            }
        }
        _ => panic!("mode: full | big"),
    }
    println!("seeded {}", db.display());
}
