//! Tauri's build step, and the user guide (docs/用户手册.md with its pictures in
//! docs/img/manual/) compiled into the app for 帮助: `$OUT_DIR/guide.rs` holds the guide as
//! HTML (rendered here by pulldown-cmark) and a table of the pictures, so the guide shows
//! offline and the binary never reads docs/.
use std::fmt::Write;
use std::path::Path;

fn main() {
    // At run time, not `env!`: a build script compiled for one checkout may be run for another
    // of the same tree (cargo reuses it), and must read that one's guide.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let docs = Path::new(&manifest).join("../docs");
    let guide = docs.join("用户手册.md");
    let img = docs.join("img/manual");
    println!("cargo:rerun-if-changed={}", guide.display());
    println!("cargo:rerun-if-changed={}", img.display());
    let mut names: Vec<String> = std::fs::read_dir(&img)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".png")) // 帮助 shows them as image/png
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let markdown = std::fs::read_to_string(&guide)
        .unwrap_or_else(|e| panic!("读不到用户手册 {}：{e}", guide.display()));
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(&markdown));
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap());
    std::fs::write(out_dir.join("guide.html"), html).unwrap();
    let mut out = String::new();
    writeln!(
        out,
        "pub const GUIDE_HTML: &str = include_str!({:?});",
        out_dir.join("guide.html").display().to_string()
    )
    .unwrap();
    writeln!(out, "pub const GUIDE_IMAGES: &[(&str, &[u8])] = &[").unwrap();
    for n in &names {
        let p = img.join(n);
        println!("cargo:rerun-if-changed={}", p.display());
        writeln!(
            out,
            "    (\"img/manual/{n}\", include_bytes!({:?})),",
            p.display().to_string()
        )
        .unwrap();
    }
    writeln!(out, "];").unwrap();
    std::fs::write(out_dir.join("guide.rs"), out).unwrap();
    tauri_build::build()
}
