//! Benchmark of the core paths behind the editor (a script printing numbers, not a test):
//! - autosave latency: `Store::save_case` of the sample case after a one-character edit, p50/p99;
//! - the live counter: `validate` (字数 of every section + all checks) of a case with 3,000 字;
//! - the case list with 500 cases: `Store::list_cases`.
//!
//! Run: `cargo run --release --example bench_store [DIR]` (DIR: where the database goes; default
//! a temp dir — use a real disk, not tmpfs, for the fsync cost).

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;
use tianbao::store::{ListQuery, Store};

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::env::temp_dir().join(format!("tianbao-bench-{}", std::process::id()))
        });
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("bench.db");
    let _ = std::fs::remove_file(&db);
    let mut store = Store::open(&db).unwrap();

    // 500 cases, as in a county's or province's database.
    let t = Instant::now();
    for i in 0..500 {
        let mut c = common::sample_case();
        c.id = uuid::Uuid::now_v7();
        c.person.name = format!("案例{i}");
        store.save_case(&c).unwrap();
    }
    println!(
        "insert 500 cases: {:.0} ms",
        t.elapsed().as_secs_f64() * 1e3
    );

    let mut list = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        let l = store.list_cases(&ListQuery::default()).unwrap();
        assert_eq!(l.len(), 500);
        list.push(t.elapsed().as_secs_f64() * 1e3);
    }
    println!(
        "list 500 cases: p50 {:.2} ms, p99 {:.2} ms",
        pct(&mut list, 0.5),
        pct(&mut list, 0.99)
    );
    let mut search = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        let l = store
            .list_cases(&ListQuery {
                text: "案例49".into(),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(l.len(), 11);
        search.push(t.elapsed().as_secs_f64() * 1e3);
    }
    println!("search 500 cases: p50 {:.2} ms", pct(&mut search, 0.5));

    // Autosave: one more character each time, as a clerk types.
    let mut case = common::sample_case();
    case.id = uuid::Uuid::now_v7();
    store.save_case(&case).unwrap();
    let mut saves = Vec::new();
    for i in 0..300 {
        case.results.push(if i % 2 == 0 { '字' } else { '。' });
        let t = Instant::now();
        store.save_case(&case).unwrap();
        saves.push(t.elapsed().as_secs_f64() * 1e3);
    }
    println!(
        "autosave (save_case, synchronous=FULL): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        pct(&mut saves, 0.5),
        pct(&mut saves, 0.99),
        saves.iter().cloned().fold(0.0, f64::max)
    );

    // The live counter's work per keystroke at 3,000 字 of case text.
    let mut big = common::sample_case();
    big.results = "农".repeat(500);
    big.lessons = "村".repeat(500);
    let r = store.validate(&big);
    let total = r.counts.intro.words
        + r.counts.practices.words
        + r.counts.results.words
        + r.counts.lessons.words
        + r.counts.opinion.words;
    let mut v = Vec::new();
    for _ in 0..2000 {
        let t = Instant::now();
        std::hint::black_box(store.validate(std::hint::black_box(&big)));
        v.push(t.elapsed().as_secs_f64() * 1e6);
    }
    println!(
        "validate + count, {total} 字: p50 {:.0} µs, p99 {:.0} µs",
        pct(&mut v, 0.5),
        pct(&mut v, 0.99)
    );
    let json = serde_json::to_string(&big).unwrap();
    let mut p = Vec::new();
    for _ in 0..2000 {
        let t = Instant::now();
        let c: tianbao::model::Case = serde_json::from_str(std::hint::black_box(&json)).unwrap();
        std::hint::black_box(store.validate(&c));
        p.push(t.elapsed().as_secs_f64() * 1e6);
    }
    println!(
        "JSON parse ({} bytes) + validate: p50 {:.0} µs",
        json.len(),
        pct(&mut p, 0.5)
    );
    let size = std::fs::metadata(&db).unwrap().len()
        + std::fs::metadata(dir.join("bench.db-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
    println!(
        "database size after 500 cases + 300 saves: {:.1} MB",
        size as f64 / 1e6
    );
    let _ = std::fs::remove_dir_all(&dir);
}
