//! Backup benchmark (issue 12): a database of N full cases (the sample case, each saved once),
//! then the time of a backup (`VACUUM INTO` + fsync + rotation), of listing the
//! backups (each checked with `quick_check` and counted) and of a restore into the open store.
//!
//! `cargo run --release --example bench_backup -- [DIR] [N,N,…]` (default: a temp folder,
//! 100,500,2000). Prints a Markdown table for docs/BENCHMARKS.md.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;
use tianbao::store::{BackupReason, Store};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let tmp = tempfile::tempdir().expect("临时文件夹");
    let dir = args
        .next()
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| tmp.path().to_path_buf());
    let sizes: Vec<usize> = args
        .next()
        .unwrap_or_else(|| "100,500,2000".into())
        .split(',')
        .map(|s| s.parse().expect("案例数应为整数"))
        .collect();
    println!("| cases | database | backup (median of 5) | list + check 5 backups | restore (incl. backup first) |");
    println!("|---|---|---|---|---|");
    for n in sizes {
        let db = dir.join(format!("bench-{n}.db"));
        let _ = std::fs::remove_file(&db);
        let _ = std::fs::remove_dir_all(tianbao::store::backup_dir(&db));
        let mut store = Store::open(&db).expect("打开数据库");
        for i in 0..n {
            let mut c = common::sample_case();
            c.id = uuid::Uuid::now_v7();
            c.person.name = format!("李明{:04}", i + 1);
            store.save_case(&c).expect("保存");
        }
        let bytes = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0)
            + std::fs::metadata(db.with_extension("db-wal"))
                .map(|m| m.len())
                .unwrap_or(0);
        let mut times = Vec::new();
        let mut last = None;
        for _ in 0..5 {
            let t = Instant::now();
            last = Some(store.backup_now(BackupReason::Manual).expect("备份"));
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let t = Instant::now();
        let list = store.backups().expect("列出备份");
        let list_ms = t.elapsed().as_secs_f64() * 1000.0;
        assert!(list.iter().all(|b| b.ok && b.cases == Some(n as i64)));
        let from = last.expect("备份").path;
        let t = Instant::now();
        store.restore_backup(&from).expect("恢复");
        let restore_ms = t.elapsed().as_secs_f64() * 1000.0;
        println!(
            "| {n} | {:.1} MiB | {:.0} ms | {:.0} ms ({} files) | {:.0} ms |",
            bytes as f64 / 1048576.0,
            median(times),
            list_ms,
            list.len(),
            restore_ms
        );
    }
}
