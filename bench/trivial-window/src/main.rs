//! The smallest Tauri v2 app: one window, one static page. Built only for the benchmark
//! (`python3 scripts/bench_app.py`), to compare launch time and memory with tianbao-app.
fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .expect("trivial window");
}
