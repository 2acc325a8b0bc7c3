//! `cargo run --example media_check -- FILE [photo|id_scan|picture|video] [--json]`: prints what
//! `tianbao check-photo` / `check-video` will print once the CLI is wired.
use std::path::Path;
use tianbao::media::{check_photo_cli_as, check_video_cli, PhotoRole};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(file) = args.first() else {
        eprintln!("用法：media_check 文件 [photo|id_scan|picture|video] [--json]");
        std::process::exit(2);
    };
    let json = args.iter().any(|a| a == "--json");
    let kind = args
        .get(1)
        .filter(|a| !a.starts_with("--"))
        .map(String::as_str)
        .unwrap_or("photo");
    let out = if kind == "video" {
        check_video_cli(Path::new(file), json)
    } else {
        let role = PhotoRole::parse(kind).unwrap_or(PhotoRole::Photo);
        check_photo_cli_as(Path::new(file), role, json)
    };
    match out {
        Ok(text) => println!("{text}"),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
