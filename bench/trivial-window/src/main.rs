//! The smallest Tauri v2 app: one window, one static page. Built only for the benchmark
//! (`python3 scripts/bench_app.py`), to compare launch time and memory with tianbao-app.
//! `TRIVIAL_PAGE=zh.html` shows the case list's Chinese text in the app's fonts instead of the
//! blank page: what showing Chinese at all costs, apart from the app.
fn main() {
    let page = std::env::var("TRIVIAL_PAGE").unwrap_or_else(|_| "index.html".into());
    tauri::Builder::default()
        .setup(move |app| {
            tauri::WebviewWindowBuilder::new(app, "main", tauri::WebviewUrl::App(page.into()))
                .title("trivial")
                .inner_size(1280.0, 800.0)
                .build()?;
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("trivial window");
}
