//! Tauri's build step, and the user guide (docs/用户手册.md with its pictures in
//! docs/img/manual/) compiled into the app for 帮助: `$OUT_DIR/guide.rs` holds the Markdown and
//! a table of the pictures, so the guide shows offline and the binary never reads docs/.
use std::fmt::Write;
use std::path::Path;

fn main() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs");
    let guide = docs.join("用户手册.md");
    let img = docs.join("img/manual");
    println!("cargo:rerun-if-changed={}", guide.display());
    println!("cargo:rerun-if-changed={}", img.display());
    let mut names: Vec<String> = std::fs::read_dir(&img)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".png") || n.ends_with(".jpg"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut out = String::new();
    writeln!(
        out,
        "pub const GUIDE: &str = include_str!({:?});",
        guide.display().to_string()
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
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("guide.rs");
    std::fs::write(dest, out).unwrap();
    tauri_build::build()
}
