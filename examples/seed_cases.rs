//! Fills a database with N copies of the sample case (different ids and names), for demos and
//! for the app benchmark (`scripts/bench_app.py`: launch → case list with 500 cases).
//!
//! `cargo run --release --example seed_cases -- DB N`

#[path = "../tests/common/mod.rs"]
mod common;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(db), Some(n)) = (args.next(), args.next()) else {
        eprintln!("用法：seed_cases 数据库文件 案例数");
        std::process::exit(2);
    };
    let n: usize = n.parse().expect("案例数应为整数");
    let mut store = tianbao::store::Store::open(std::path::Path::new(&db)).expect("打开数据库");
    for i in 0..n {
        let mut c = common::sample_case();
        c.id = uuid::Uuid::now_v7();
        c.person.name = format!("李明{:03}", i + 1);
        store.save_case(&c).expect("保存");
    }
    println!("{n} 个案例已写入 {db}");
}
