//! Media checks against fixtures made at test time (see tests/common_media): photos, ID scans,
//! pictures, the blob store, and videos — synthetic containers always, real ffmpeg-made files
//! when ffmpeg is installed (CI installs it; without it those tests print a note and pass).

mod common_media;

use common_media::*;
use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tianbao::campaign::Campaign;
use tianbao::media::{
    self, attach, check_photo, check_video, fit_jpeg, load_oriented, thumbnail, BlobStore,
    DecodeLimits, Format, MediaError, PhotoReport, Purpose, Severity, VideoReport,
};

fn campaign() -> Campaign {
    Campaign::current()
}

/// What `tianbao check-photo FILE [--role ROLE] [--json]` prints (the CLI binary, run).
fn check_photo_cli_as(path: &Path, role: &str, json: bool) -> String {
    let mut args = vec!["check-photo", path.to_str().unwrap(), "--role", role];
    if json {
        args.push("--json");
    }
    run_cli(&args)
}

fn check_photo_cli(path: &Path, json: bool) -> String {
    check_photo_cli_as(path, "photo", json)
}

/// What `tianbao check-video FILE [--json]` prints.
fn check_video_cli(path: &Path, json: bool) -> String {
    let mut args = vec!["check-video", path.to_str().unwrap()];
    if json {
        args.push("--json");
    }
    run_cli(&args)
}

fn run_cli(args: &[&str]) -> String {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_tianbao"))
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, bytes).unwrap();
    p
}

fn codes(r: &PhotoReport) -> Vec<&str> {
    r.issues.iter().map(|i| i.code.as_str()).collect()
}

fn issue<'a>(r: &'a PhotoReport, code: &str) -> &'a media::MediaIssue {
    r.issues
        .iter()
        .find(|i| i.code == code)
        .unwrap_or_else(|| panic!("no {code} in {:#?}", r.issues))
}

// ------------------------------------------------------------------ photos

#[test]
fn a_large_camera_photo_passes_every_rule() {
    let c = campaign();
    let dir = tempfile::tempdir().unwrap();
    let jpeg = jpeg_bytes(&noisy_image(2400, 1600), 92);
    assert!(
        jpeg.len() as u64 >= c.photo.min_bytes,
        "fixture must be large: {}",
        jpeg.len()
    );
    let p = write(dir.path(), "李明-形象照.jpg", &jpeg);
    let r = check_photo(&p, Purpose::Photo, &c).unwrap();
    assert!(r.issues.is_empty(), "{:#?}", r.issues);
    assert!(r.ok);
    assert_eq!((r.format, r.width, r.height), (Format::Jpeg, 2400, 1600));
    assert_eq!(r.megapixels, 3.8);
    assert_eq!(r.complete, Some(true));
    assert_eq!(r.bytes, jpeg.len() as u64);
    assert_eq!(r.file_name, "李明-形象照.jpg");
}

#[test]
fn a_photo_under_2m_shows_its_size_and_the_rule() {
    let c = campaign();
    let dir = tempfile::tempdir().unwrap();
    // A 2000×1200 picture (2.4 MP, enough pixels) whose file is exactly 1.45 MiB: padding after
    // EOI, as some phones append, keeps it a valid JPEG.
    let mut jpeg = jpeg_bytes(&gradient_image(2000, 1200), 90);
    assert!(jpeg.len() < 1_520_435);
    jpeg.resize(1_520_435, 0);
    let p = write(dir.path(), "photo.jpg", &jpeg);
    let r = check_photo(&p, Purpose::Photo, &c).unwrap();
    assert_eq!(codes(&r), ["small_file"]);
    let m = &issue(&r, "small_file").message;
    assert!(
        m.contains("1.4 MB") && m.contains("通知要求大小不低于2M"),
        "{m}"
    );
    assert_eq!(issue(&r, "small_file").severity, Severity::Warning);
    assert!(r.ok, "a warning does not make the photo unusable");
}

#[test]
fn a_small_low_resolution_photo_gets_both_warnings() {
    let c = campaign();
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "wechat.jpg",
        &jpeg_bytes(&gradient_image(1280, 960), 80),
    );
    let r = check_photo(&p, Purpose::Photo, &c).unwrap();
    assert_eq!(codes(&r), ["small_file", "low_resolution"]);
    let m = &issue(&r, "low_resolution").message;
    assert!(
        m.contains("1280×960") && m.contains("122 万像素") && m.contains("200 万像素"),
        "{m}"
    );
    // The same file for the Word form is fine: pictures have no size rule.
    let r = check_photo(&p, Purpose::Picture, &c).unwrap();
    assert!(r.issues.is_empty(), "{:#?}", r.issues);
}

#[test]
fn limits_come_from_the_campaign() {
    let mut c = campaign();
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "p.png", &png_bytes(&gradient_image(1000, 800)));
    c.photo.min_bytes = 1;
    c.photo.min_pixels = 1;
    assert!(check_photo(&p, Purpose::Photo, &c)
        .unwrap()
        .issues
        .is_empty());
    c.photo.min_bytes = 3 << 20;
    let r = check_photo(&p, Purpose::Photo, &c).unwrap();
    assert!(issue(&r, "small_file").message.contains("不低于3M"));
    c.id_scan.min_short_side_px = 801;
    let r = check_photo(&p, Purpose::IdScan, &c).unwrap();
    assert!(issue(&r, "id_too_small").message.contains("短边 800 像素"));
}

#[test]
fn exif_orientation_6_is_read_and_applied() {
    let c = campaign();
    let dir = tempfile::tempdir().unwrap();
    // 80×40 stored: left half red, right half blue. Orientation 6 = rotate 90° clockwise to
    // display, so the displayed picture is 40×80 with red on top.
    let img = image::RgbImage::from_fn(80, 40, |x, _| {
        if x < 40 {
            image::Rgb([230, 20, 20])
        } else {
            image::Rgb([20, 20, 230])
        }
    });
    let jpeg = with_exif_orientation(&jpeg_bytes(&img, 95), 6);
    let p = write(dir.path(), "rotated.jpg", &jpeg);

    let r = check_photo(&p, Purpose::Picture, &c).unwrap();
    assert_eq!(r.orientation, 6);
    assert_eq!((r.width, r.height), (80, 40));
    assert_eq!((r.display_width, r.display_height), (40, 80));

    let shown = load_oriented(&p, &DecodeLimits::default())
        .unwrap()
        .to_rgb8();
    assert_eq!(shown.dimensions(), (40, 80));
    let top = shown.get_pixel(20, 10);
    let bottom = shown.get_pixel(20, 70);
    assert!(top[0] > 180 && top[2] < 80, "top should be red: {top:?}");
    assert!(
        bottom[2] > 180 && bottom[0] < 80,
        "bottom should be blue: {bottom:?}"
    );

    let thumb = image::load_from_memory(&thumbnail(&p, 20).unwrap()).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (10, 20));

    // The fast path (downscale, then rotate) gives the same picture.
    let fitted = media::load_fitted(&p, 20, 20, &DecodeLimits::default()).unwrap();
    assert_eq!(fitted.dimensions(), (10, 20));
    assert!(fitted.get_pixel(5, 2)[0] > 180 && fitted.get_pixel(5, 17)[2] > 180);
    // Orientation 8 turns the other way: red ends up at the bottom.
    let p8 = write(
        dir.path(),
        "rotated8.jpg",
        &with_exif_orientation(&jpeg_bytes(&img, 95), 8),
    );
    let fitted = media::load_fitted(&p8, 40, 80, &DecodeLimits::default()).unwrap();
    assert_eq!(fitted.dimensions(), (40, 80));
    assert!(fitted.get_pixel(20, 70)[0] > 180 && fitted.get_pixel(20, 10)[2] > 180);
    let full = load_oriented(&p8, &DecodeLimits::default())
        .unwrap()
        .to_rgb8();
    assert!(full.get_pixel(20, 70)[0] > 180 && full.get_pixel(20, 10)[2] > 180);
}

#[test]
fn a_truncated_jpeg_is_an_error_and_never_a_panic() {
    let c = campaign();
    let dir = tempfile::tempdir().unwrap();
    let jpeg = jpeg_bytes(&noisy_image(600, 400), 90);
    for cut in [jpeg.len() / 2, jpeg.len() - 2, 200, 20, 3] {
        let p = write(dir.path(), &format!("cut{cut}.jpg"), &jpeg[..cut]);
        let r = check_photo(&p, Purpose::Photo, &c).unwrap();
        assert!(!r.ok, "cut at {cut}: {:#?}", r.issues);
        let code = r
            .issues
            .iter()
            .find(|i| i.severity == Severity::Error)
            .unwrap();
        assert!(
            ["truncated", "corrupt"].contains(&code.code.as_str()),
            "{code:?}"
        );
        assert!(
            code.message.contains(&format!("cut{cut}.jpg")),
            "{}",
            code.message
        );
        // Decoding either fails with a Chinese error or yields a (grey-filled) picture.
        match load_oriented(&p, &DecodeLimits::default()) {
            Ok(img) => assert_eq!((img.width(), img.height()), (600, 400)),
            Err(e) => assert!(matches!(e, MediaError::Corrupt { .. }), "{e}"),
        }
    }
    let r = check_photo(
        &dir.path().join(format!("cut{}.jpg", jpeg.len() / 2)),
        Purpose::Photo,
        &c,
    )
    .unwrap();
    assert!(issue(&r, "truncated").message.contains("不完整"));
}

#[test]
fn a_truncated_png_is_an_error() {
    let c = campaign();
    let dir = tempfile::tempdir().unwrap();
    let png = png_bytes(&gradient_image(300, 200));
    let p = write(dir.path(), "cut.png", &png[..png.len() - 20]);
    let r = check_photo(&p, Purpose::Picture, &c).unwrap();
    assert_eq!(codes(&r), ["truncated"]);
    assert_eq!(r.complete, Some(false));
}

#[test]
fn decompression_bombs_are_refused_fast_from_the_header() {
    let c = campaign();
    let dir = tempfile::tempdir().unwrap();
    let png = write(dir.path(), "bomb.png", &png_bomb(100_000, 100_000));
    let jpg = write(dir.path(), "bomb.jpg", &jpeg_bomb(65_000, 65_000));
    for p in [&png, &jpg] {
        let t = Instant::now();
        let r = check_photo(p, Purpose::Picture, &c).unwrap();
        assert!(!r.ok);
        assert!(
            codes(&r).contains(&"too_large_dimensions"),
            "{:#?}",
            r.issues
        );
        let e = load_oriented(p, &DecodeLimits::default()).unwrap_err();
        assert!(matches!(e, MediaError::TooLarge { .. }), "{e}");
        assert!(e.to_string().contains("拒绝打开"), "{e}");
        assert!(thumbnail(p, 256).is_err());
        assert!(
            t.elapsed() < Duration::from_secs(2),
            "took {:?}",
            t.elapsed()
        );
    }
    let r = check_photo(&png, Purpose::Photo, &c).unwrap();
    assert_eq!((r.width, r.height), (100_000, 100_000));
    // A 3 GB "JPEG" (sparse) is refused before it is read into memory.
    let huge = dir.path().join("huge.jpg");
    fs::write(&huge, jpeg_bomb(100, 100)).unwrap();
    fs::OpenOptions::new()
        .write(true)
        .open(&huge)
        .unwrap()
        .set_len(3 << 30)
        .unwrap();
    let t = Instant::now();
    let e = load_oriented(&huge, &DecodeLimits::default()).unwrap_err();
    assert!(e.to_string().contains("超过图片可处理的上限"), "{e}");
    assert!(t.elapsed() < Duration::from_secs(1));
    // A tighter limit refuses an ordinary image too.
    let small = write(dir.path(), "ok.png", &png_bytes(&gradient_image(300, 200)));
    let tight = DecodeLimits {
        max_side: 100,
        ..DecodeLimits::default()
    };
    assert!(matches!(
        load_oriented(&small, &tight),
        Err(MediaError::TooLarge { .. })
    ));
}

#[test]
fn heic_is_named_and_the_way_to_convert_it_is_given() {
    let c = campaign();
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "IMG_0001.HEIC", &heic_header());
    let r = check_photo(&p, Purpose::Photo, &c).unwrap();
    assert_eq!(r.format, Format::Heic);
    assert_eq!((r.width, r.height), (4032, 3024));
    let m = &issue(&r, "format").message;
    assert!(m.contains("HEIC") && m.contains("JPG"), "{m}");
    assert_eq!(issue(&r, "format").severity, Severity::Warning);
    assert!(
        !codes(&r).contains(&"extension_mismatch"),
        "upper-case .HEIC is honest"
    );
    // In the Word form it cannot be used at all.
    let r = check_photo(&p, Purpose::Picture, &c).unwrap();
    assert_eq!(issue(&r, "format").severity, Severity::Error);
    assert!(issue(&r, "format").message.contains("Word"));
    let e = load_oriented(&p, &DecodeLimits::default()).unwrap_err();
    assert!(
        matches!(e, MediaError::Unsupported { .. }) && e.to_string().contains("HEIC"),
        "{e}"
    );
}

#[test]
fn bmp_and_webp_are_taken_tiff_gets_conversion_advice() {
    let c = campaign();
    let dir = tempfile::tempdir().unwrap();
    // BMP and WebP are decoded here: attaching stores a JPEG beside them (see below), so the
    // check asks nothing of the clerk.
    let bmp = write(dir.path(), "scan.bmp", &bmp_bytes(1200, 800));
    let r = check_photo(&bmp, Purpose::IdScan, &c).unwrap();
    assert_eq!((r.format, r.width, r.height), (Format::Bmp, 1200, 800));
    assert!(!codes(&r).contains(&"format"), "{:?}", r.issues);
    let mut webp = b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0".to_vec();
    webp.extend_from_slice(&[0x7f, 0x07, 0x00, 0x37, 0x04, 0x00]);
    let p = write(dir.path(), "wx.webp", &webp);
    let r = check_photo(&p, Purpose::Photo, &c).unwrap();
    assert_eq!((r.format, r.width, r.height), (Format::Webp, 1920, 1080));
    assert!(!codes(&r).contains(&"format"), "{:?}", r.issues);
    let p = write(dir.path(), "scan.tif", b"II*\0\x08\0\0\0\0\0");
    let r = check_photo(&p, Purpose::Photo, &c).unwrap();
    assert_eq!(r.format, Format::Tiff);
    assert!(issue(&r, "format").message.contains("TIFF"));
}

#[test]
fn a_png_named_jpg_is_reported_and_still_works() {
    let c = campaign();
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "renamed.jpg",
        &png_bytes(&gradient_image(1600, 1400)),
    );
    let r = check_photo(&p, Purpose::Photo, &c).unwrap();
    assert_eq!(r.format, Format::Png);
    let m = &issue(&r, "extension_mismatch").message;
    assert!(
        m.contains(".jpg") && m.contains("PNG") && m.contains(".png"),
        "{m}"
    );
    assert!(!codes(&r).contains(&"format"), "PNG is an allowed format");
    assert_eq!(
        load_oriented(&p, &DecodeLimits::default()).unwrap().width(),
        1600
    );
}

#[test]
fn text_and_empty_files_are_not_images() {
    let c = campaign();
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "photo.jpg",
        "这不是照片，是一段文字。\n".as_bytes(),
    );
    let r = check_photo(&p, Purpose::Photo, &c).unwrap();
    assert_eq!(codes(&r), ["not_image"]);
    assert!(issue(&r, "not_image").message.contains("文本文件"));
    let e = load_oriented(&p, &DecodeLimits::default()).unwrap_err();
    assert!(matches!(e, MediaError::NotAnImage { .. }), "{e}");
    let p = write(dir.path(), "empty.png", b"");
    assert_eq!(
        codes(&check_photo(&p, Purpose::Photo, &c).unwrap()),
        ["empty"]
    );
    let e = check_photo(&dir.path().join("gone.jpg"), Purpose::Photo, &c).unwrap_err();
    assert!(matches!(e, MediaError::SourceGone { .. }) && e.to_string().contains("gone.jpg"));
}

#[test]
fn id_scans_need_a_readable_size_and_may_be_pdf() {
    let c = campaign();
    let dir = tempfile::tempdir().unwrap();
    let small = write(
        dir.path(),
        "id-front.png",
        &png_bytes(&gradient_image(500, 320)),
    );
    let r = check_photo(&small, Purpose::IdScan, &c).unwrap();
    assert_eq!(codes(&r), ["id_too_small"]);
    let m = &issue(&r, "id_too_small").message;
    assert!(
        m.contains("短边 320 像素") && m.contains(&c.id_scan.min_short_side_px.to_string()),
        "{m}"
    );
    let good = write(
        dir.path(),
        "id-back.jpg",
        &jpeg_bytes(&gradient_image(1000, 630), 85),
    );
    assert!(check_photo(&good, Purpose::IdScan, &c)
        .unwrap()
        .issues
        .is_empty());
    let pdf = write(
        dir.path(),
        "id.pdf",
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
    );
    let r = check_photo(&pdf, Purpose::IdScan, &c).unwrap();
    assert!(r.issues.is_empty(), "{:#?}", r.issues);
    assert_eq!(r.format, Format::Pdf);
    let r = check_photo(&pdf, Purpose::Photo, &c).unwrap();
    assert_eq!(issue(&r, "format").severity, Severity::Error);
}

#[test]
fn fit_jpeg_makes_print_size_pictures() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "big.jpg",
        &jpeg_bytes(&noisy_image(3000, 2000), 90),
    );
    let img = load_oriented(&p, &DecodeLimits::default()).unwrap();
    let out = fit_jpeg(&img, 900, 900, 85).unwrap();
    let back = image::load_from_memory(&out).unwrap();
    assert_eq!((back.width(), back.height()), (900, 600));
    assert_eq!(&out[..3], &[0xFF, 0xD8, 0xFF]);
}

#[test]
fn cli_text_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "small.jpg",
        &jpeg_bytes(&gradient_image(1280, 960), 80),
    );
    let json: serde_json::Value = serde_json::from_str(&check_photo_cli(&p, true)).unwrap();
    assert_eq!(json["format"], "jpeg");
    assert_eq!(json["width"], 1280);
    assert_eq!(json["role"], "photo");
    assert_eq!(json["issues"][0]["severity"], "warning");
    assert_eq!(json["issues"][0]["code"], "small_file");
    let text = check_photo_cli(&p, false);
    assert!(
        text.contains("通知要求大小不低于2M")
            && text.contains("[警告]")
            && text.contains("1280×960"),
        "{text}"
    );
    let text = check_photo_cli_as(&p, "id_scan", false);
    assert!(text.contains("符合要求"), "{text}");
}

// ------------------------------------------------------------------ attaching, blob store

#[test]
fn attach_copies_once_checks_and_thumbnails_with_orientation() {
    let c = campaign();
    let dir = tempfile::tempdir().unwrap();
    let store = BlobStore::new(dir.path().join("blobs")).unwrap();
    let img = noisy_image(1200, 800);
    let jpeg = with_exif_orientation(&jpeg_bytes(&img, 90), 6);
    let usb = dir.path().join("usb");
    fs::create_dir(&usb).unwrap();
    let src = write(&usb, "形象照.jpg", &jpeg);

    let a = attach(&store, &src, Purpose::Photo, &c, 256).unwrap();
    assert_eq!(a.attachment.file_name, "形象照.jpg");
    assert_eq!(a.attachment.format, "jpeg");
    assert_eq!(
        (a.attachment.width, a.attachment.height),
        (800, 1200),
        "as displayed"
    );
    assert_eq!(a.attachment.bytes, jpeg.len() as u64);
    assert_eq!(
        a.report.file,
        src.display().to_string(),
        "the report names the clerk's file"
    );
    let thumb = image::load_from_memory(a.thumbnail.as_ref().unwrap()).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (171, 256));
    // Byte-exact copy, and the same file attached again is stored once.
    let stored = store.path_of(&a.attachment.sha256).unwrap();
    assert_eq!(fs::read(&stored).unwrap(), jpeg);
    let again = attach(&store, &src, Purpose::Photo, &c, 256).unwrap();
    assert_eq!(again.attachment.sha256, a.attachment.sha256);
    assert_eq!(store.list().unwrap().len(), 1);

    // The USB stick is pulled: the case keeps its copy; attaching again says what happened.
    fs::remove_dir_all(&usb).unwrap();
    assert!(store.contains(&a.attachment.sha256));
    let e = attach(&store, &src, Purpose::Photo, &c, 256).unwrap_err();
    assert!(matches!(e, MediaError::SourceGone { .. }));
    assert!(
        e.to_string().contains("形象照.jpg") && e.to_string().contains("U盘"),
        "{e}"
    );

    // Removed from every case: gc frees it.
    let freed = store.gc(&HashSet::new()).unwrap();
    assert_eq!(freed, jpeg.len() as u64);
    assert!(!store.contains(&a.attachment.sha256));
}

#[test]
fn attaching_broken_or_foreign_files_keeps_them_with_an_error() {
    let c = campaign();
    let dir = tempfile::tempdir().unwrap();
    let store = BlobStore::new(dir.path().join("blobs")).unwrap();
    let heic = write(dir.path(), "a.heic", &heic_header());
    let a = attach(&store, &heic, Purpose::Photo, &c, 256).unwrap();
    assert!(a.thumbnail.is_none());
    assert_eq!(a.attachment.format, "heic");
    let bomb = write(dir.path(), "bomb.png", &png_bomb(100_000, 100_000));
    let b = attach(&store, &bomb, Purpose::Picture, &c, 256).unwrap();
    assert!(b.thumbnail.is_none() && !b.report.ok);
    let pdf = write(dir.path(), "id.pdf", b"%PDF-1.7\n%%EOF\n");
    let p = attach(&store, &pdf, Purpose::IdScan, &c, 256).unwrap();
    assert!(p.thumbnail.is_none() && p.report.ok);
    assert_eq!(store.list().unwrap().len(), 3);
}

#[cfg(unix)]
#[test]
fn a_read_only_store_is_a_chinese_error_naming_the_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let store = BlobStore::new(dir.path().join("blobs")).unwrap();
    let src = write(dir.path(), "照片.jpg", b"\xFF\xD8\xFF\xD9");
    let tmp = store.dir().join("tmp");
    fs::set_permissions(&tmp, fs::Permissions::from_mode(0o555)).unwrap();
    // Root ignores permission bits: make the folder immutable instead, if chattr can.
    let privileged = fs::write(tmp.join("probe"), b"x").is_ok();
    let mut immutable = false;
    if privileged {
        let _ = fs::remove_file(tmp.join("probe"));
        immutable = std::process::Command::new("chattr")
            .arg("+i")
            .arg(&tmp)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if !immutable {
            fs::set_permissions(&tmp, fs::Permissions::from_mode(0o755)).unwrap();
            eprintln!("note: running privileged without chattr: read-only store test skipped");
            return;
        }
    }
    let result = store.put_file(&src);
    if immutable {
        let _ = std::process::Command::new("chattr")
            .arg("-i")
            .arg(&tmp)
            .status();
    }
    fs::set_permissions(&tmp, fs::Permissions::from_mode(0o755)).unwrap();
    let e = result.unwrap_err();
    assert!(matches!(e, MediaError::ReadOnly { .. }), "{e:?}");
    assert!(
        e.to_string().contains("照片.jpg") && e.to_string().contains("不可写"),
        "{e}"
    );
}

// ------------------------------------------------------------------ videos: synthetic containers

fn verdict<'a>(r: &'a VideoReport, rule: &str) -> &'a media::Verdict {
    r.verdicts
        .iter()
        .find(|v| v.rule == rule)
        .unwrap_or_else(|| panic!("no {rule}: {r:#?}"))
}

fn oks(r: &VideoReport) -> Vec<(&str, Option<bool>)> {
    r.verdicts.iter().map(|v| (v.rule.as_str(), v.ok)).collect()
}

#[test]
fn a_1080p_4_minute_mp4_passes_reading_only_its_headers() {
    let c = campaign();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("good.mp4");
    let len = write_mp4(
        &p,
        &Mp4Spec {
            mdat_len: 300 << 20,
            ..Mp4Spec::default()
        },
    );
    let r = check_video(&p, &c).unwrap();
    assert_eq!(r.ok, Some(true), "{r:#?}");
    assert!(r.verdicts.iter().all(|v| v.ok == Some(true)));
    assert_eq!(r.container, "mp4");
    assert_eq!(r.brand.as_deref(), Some("isom"));
    assert_eq!(r.duration_seconds, Some(240.0));
    assert_eq!(r.duration.as_deref(), Some("4分00秒"));
    assert_eq!((r.width, r.height), (Some(1920), Some(1080)));
    assert_eq!(r.aspect.as_deref(), Some("16:9"));
    assert_eq!(r.codec.as_deref(), Some("avc1"));
    assert_eq!(r.frame_rate, Some(25.0));
    assert_eq!(r.bytes, len);
    assert!(
        r.bytes_read < 4096,
        "read {} bytes of a {} byte file",
        r.bytes_read,
        len
    );
    assert_eq!(r.manual_checks.len(), 2);
    assert!(verdict(&r, "duration").message.contains("3–5 分钟"));
}

#[test]
fn moov_first_64_bit_sizes_and_version_1_boxes() {
    let c = campaign();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("v1.mp4");
    write_mp4(
        &p,
        &Mp4Spec {
            moov_first: true,
            largesize: true,
            v1: true,
            seconds: 200,
            ..Mp4Spec::default()
        },
    );
    let r = check_video(&p, &c).unwrap();
    assert_eq!(r.ok, Some(true), "{r:#?}");
    assert_eq!(r.duration_seconds, Some(200.0));
    let p = dir.path().join("big-mdat.mp4");
    // A 64-bit mdat larger than 4 GiB (sparse) with moov after it.
    write_mp4(
        &p,
        &Mp4Spec {
            largesize: true,
            mdat_len: 5 << 30,
            ..Mp4Spec::default()
        },
    );
    let r = check_video(&p, &c).unwrap();
    assert_eq!(r.duration_seconds, Some(240.0));
    assert_eq!(verdict(&r, "size").ok, Some(false));
    assert!(
        verdict(&r, "size").message.contains("超过 1GB"),
        "{}",
        verdict(&r, "size").message
    );
    assert!(r.bytes_read < 4096);
}

#[test]
fn a_rotated_video_is_portrait_and_fails() {
    let c = campaign();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("phone.mp4");
    write_mp4(
        &p,
        &Mp4Spec {
            rotation: 90,
            ..Mp4Spec::default()
        },
    );
    let r = check_video(&p, &c).unwrap();
    assert_eq!(r.rotation, 90);
    assert_eq!((r.width, r.height), (Some(1080), Some(1920)));
    assert_eq!((r.coded_width, r.coded_height), (Some(1920), Some(1080)));
    assert_eq!(r.aspect.as_deref(), Some("9:16"));
    assert_eq!(verdict(&r, "resolution").ok, Some(false));
    assert_eq!(verdict(&r, "aspect").ok, Some(false));
    assert!(verdict(&r, "aspect").message.contains("竖屏"));
    assert!(verdict(&r, "aspect").message.contains("旋转"));
    assert_eq!(r.ok, Some(false));
    let p = dir.path().join("upside-down.mp4");
    write_mp4(
        &p,
        &Mp4Spec {
            rotation: 180,
            ..Mp4Spec::default()
        },
    );
    let r = check_video(&p, &c).unwrap();
    assert_eq!((r.rotation, r.width), (180, Some(1920)));
    assert_eq!(r.ok, Some(true));
}

#[test]
fn mov_3gp_and_limits_from_the_campaign() {
    let mut c = campaign();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.mov");
    write_mp4(
        &p,
        &Mp4Spec {
            brand: *b"qt  ",
            width: 1280,
            height: 720,
            ..Mp4Spec::default()
        },
    );
    let r = check_video(&p, &c).unwrap();
    assert_eq!(r.container, "mov");
    assert_eq!(
        oks(&r),
        [
            ("integrity", Some(true)),
            ("container", Some(true)),
            ("duration", Some(true)),
            ("resolution", Some(false)),
            ("aspect", Some(true)),
            ("size", Some(true)),
        ]
    );
    assert!(verdict(&r, "resolution").message.contains("1280×720"));
    let p = dir.path().join("old.3gp");
    write_mp4(
        &p,
        &Mp4Spec {
            brand: *b"3gp4",
            ..Mp4Spec::default()
        },
    );
    let r = check_video(&p, &c).unwrap();
    assert_eq!(verdict(&r, "container").ok, Some(false));
    assert!(verdict(&r, "container").message.contains("MP4"));
    // Next year's notice: 1–2 minutes, 720p, mov only.
    c.video.min_seconds = 60;
    c.video.max_seconds = 120;
    c.video.width = 1280;
    c.video.height = 720;
    c.video.containers = vec!["mov".into()];
    let p = dir.path().join("b.mov");
    write_mp4(
        &p,
        &Mp4Spec {
            brand: *b"qt  ",
            width: 1280,
            height: 720,
            seconds: 90,
            ..Mp4Spec::default()
        },
    );
    assert_eq!(check_video(&p, &c).unwrap().ok, Some(true));
}

#[test]
fn durations_outside_3_to_5_minutes_fail() {
    let c = campaign();
    let dir = tempfile::tempdir().unwrap();
    for (secs, ok, word) in [
        (360, false, "超过"),
        (150, false, "不足"),
        (180, true, "符合"),
        (300, true, "符合"),
    ] {
        let p = dir.path().join(format!("{secs}.mp4"));
        write_mp4(
            &p,
            &Mp4Spec {
                seconds: secs,
                ..Mp4Spec::default()
            },
        );
        let r = check_video(&p, &c).unwrap();
        let v = verdict(&r, "duration");
        assert_eq!(v.ok, Some(ok), "{secs}: {}", v.message);
        assert!(v.message.contains(word), "{}", v.message);
    }
}

#[test]
fn a_truncated_mp4_says_so() {
    let c = campaign();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cut.mp4");
    let len = write_mp4(
        &p,
        &Mp4Spec {
            mdat_len: 1 << 20,
            ..Mp4Spec::default()
        },
    );
    truncate(&p, len / 2);
    let r = check_video(&p, &c).unwrap();
    assert_eq!(r.ok, Some(false));
    let v = verdict(&r, "integrity");
    assert_eq!(v.ok, Some(false));
    assert!(
        v.message.contains("不完整") && v.message.contains("moov"),
        "{}",
        v.message
    );
    assert_eq!(verdict(&r, "duration").ok, None);
    assert_eq!(verdict(&r, "resolution").ok, None);
    assert_eq!(verdict(&r, "container").ok, Some(true));
    // moov first, data cut: the facts are known but the file is still incomplete.
    let p = dir.path().join("cut-faststart.mp4");
    let len = write_mp4(
        &p,
        &Mp4Spec {
            moov_first: true,
            mdat_len: 1 << 20,
            ..Mp4Spec::default()
        },
    );
    truncate(&p, len - 1000);
    let r = check_video(&p, &c).unwrap();
    assert_eq!(verdict(&r, "integrity").ok, Some(false));
    assert_eq!(verdict(&r, "duration").ok, Some(true));
    assert_eq!(r.ok, Some(false));
}

#[test]
fn every_prefix_and_garbage_never_panics() {
    let c = campaign();
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full.mp4");
    write_mp4(
        &full,
        &Mp4Spec {
            moov_first: true,
            mdat_len: 64,
            ..Mp4Spec::default()
        },
    );
    let bytes = fs::read(&full).unwrap();
    let p = dir.path().join("prefix.mp4");
    for n in 0..bytes.len() {
        fs::write(&p, &bytes[..n]).unwrap();
        let r = check_video(&p, &c).unwrap();
        assert_ne!(r.ok, Some(true), "a {n}-byte prefix cannot pass");
    }
    // Flipped bytes inside moov.
    for i in (0..bytes.len()).step_by(7) {
        let mut b = bytes.clone();
        b[i] ^= 0xA5;
        fs::write(&p, &b).unwrap();
        let _ = check_video(&p, &c).unwrap();
    }
    for seed in 1..50u64 {
        let mut junk = noise(4096, seed);
        if seed % 2 == 0 {
            junk[4..8].copy_from_slice(b"ftyp");
        }
        if seed % 3 == 0 {
            junk[..4].copy_from_slice(&[0, 0, 1, 0xBA]);
        }
        fs::write(&p, &junk).unwrap();
        let _ = check_video(&p, &c).unwrap();
        let q = dir.path().join("junk.jpg");
        fs::write(&q, &junk).unwrap();
        let _ = check_photo(&q, Purpose::Photo, &c).unwrap();
    }
}

#[test]
fn a_text_file_named_mp4_is_not_a_video() {
    let c = campaign();
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "视频.mp4",
        "这是一个文本文件，不是视频。\n".repeat(50).as_bytes(),
    );
    let r = check_video(&p, &c).unwrap();
    assert_eq!(r.container, "unknown");
    assert_eq!(r.ok, Some(false));
    let v = verdict(&r, "container");
    assert_eq!(v.ok, Some(false));
    assert!(
        v.message.contains("不是视频文件")
            && v.message.contains("文本文件")
            && v.message.contains("视频.mp4"),
        "{}",
        v.message
    );
    assert_eq!(verdict(&r, "duration").ok, None);
    let text = check_video_cli(&p, false);
    assert!(text.contains("✗") && text.contains("不符合"), "{text}");
    // Missing file: an error, not a report.
    let e = check_video(&dir.path().join("none.mp4"), &c).unwrap_err();
    assert!(e.to_string().contains("none.mp4"));
    // Other containers are named.
    let p = write(dir.path(), "a.mkv", &[0x1A, 0x45, 0xDF, 0xA3, 0, 0, 0, 0]);
    let r = check_video(&p, &c).unwrap();
    assert_eq!(r.container, "mkv");
    assert!(verdict(&r, "container").message.contains("MKV"));
}

#[test]
fn an_mpeg_program_stream_is_read_at_its_two_ends_only() {
    let c = campaign();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.mpg");
    let len = write_mpg(&p, 1920, 1080, 3, 240.0, 50 << 20);
    let r = check_video(&p, &c).unwrap();
    assert_eq!(r.container, "mpg");
    assert_eq!(r.codec.as_deref(), Some("mpeg2video"));
    assert_eq!((r.width, r.height), (Some(1920), Some(1080)));
    assert_eq!(r.aspect.as_deref(), Some("16:9"));
    assert_eq!(r.frame_rate, Some(25.0));
    let d = r.duration_seconds.unwrap();
    assert!((d - 240.0).abs() < 0.05, "{d}");
    assert_eq!(r.ok, Some(true), "{r:#?}");
    assert!(
        r.bytes_read <= media::video::HEAD + media::video::TAIL + 1024,
        "{} of {len}",
        r.bytes_read
    );
    // Anamorphic 1440×1080 flagged 16:9: the aspect is right, the resolution is not.
    let p = dir.path().join("hdv.mpg");
    write_mpg(&p, 1440, 1080, 3, 200.0, 1 << 20);
    let r = check_video(&p, &c).unwrap();
    assert_eq!(verdict(&r, "aspect").ok, Some(true));
    assert_eq!(verdict(&r, "resolution").ok, Some(false));
    // 4:3 SD.
    let p = dir.path().join("sd.mpg");
    write_mpg(&p, 720, 576, 2, 200.0, 0);
    let r = check_video(&p, &c).unwrap();
    assert_eq!(r.aspect.as_deref(), Some("4:3"));
    assert_eq!(verdict(&r, "aspect").ok, Some(false));
}

#[test]
fn video_cli_json_is_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("good.mp4");
    write_mp4(&p, &Mp4Spec::default());
    let v: serde_json::Value = serde_json::from_str(&check_video_cli(&p, true)).unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(v["width"], 1920);
    assert_eq!(v["verdicts"].as_array().unwrap().len(), 6);
    assert!(v["verdicts"][2]["message"]
        .as_str()
        .unwrap()
        .contains("4分00秒"));
    assert!(v["bytes_read"].as_u64().unwrap() > 0);
    // The report round-trips through Video::check.
    let back: VideoReport = serde_json::from_value(v).unwrap();
    assert_eq!(back.duration_seconds, Some(240.0));
    let text = check_video_cli(&p, false);
    assert!(
        text.contains("✓") && text.contains("符合通知要求") && text.contains("水印"),
        "{text}"
    );
}

// ------------------------------------------------------------------ videos: real ffmpeg files

fn ffmpeg_available() -> bool {
    let ok = have("ffmpeg") && have("ffprobe");
    if !ok {
        eprintln!(
            "note: ffmpeg/ffprobe not installed — real-video tests skipped (CI installs ffmpeg)"
        );
    }
    ok
}

/// Our reading agrees with ffprobe's.
fn agrees_with_ffprobe(p: &Path, r: &VideoReport) {
    let (d, w, h) = ffprobe(p);
    let ours = r.duration_seconds.unwrap();
    assert!(
        (ours - d).abs() < 1.0,
        "{}: ours {ours}, ffprobe {d}",
        p.display()
    );
    assert_eq!(
        (r.coded_width, r.coded_height),
        (Some(w), Some(h)),
        "{}",
        p.display()
    );
}

#[test]
fn real_ffmpeg_videos_get_the_right_verdicts() {
    if !ffmpeg_available() {
        return;
    }
    let c = campaign();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    let good = ffmpeg_video(d, "1080p-4min.mp4", 1920, 1080, 240, &[]);
    let r = check_video(&good, &c).unwrap();
    assert_eq!(r.ok, Some(true), "{r:#?}");
    assert_eq!(r.codec.as_deref(), Some("avc1"));
    agrees_with_ffprobe(&good, &r);

    let fast = ffmpeg_video(
        d,
        "faststart.mp4",
        1920,
        1080,
        240,
        &["-movflags", "+faststart"],
    );
    let r = check_video(&fast, &c).unwrap();
    assert_eq!(r.ok, Some(true), "{r:#?}");

    let mov = ffmpeg_video(d, "720p.mov", 1280, 720, 200, &[]);
    let r = check_video(&mov, &c).unwrap();
    assert_eq!(r.container, "mov");
    assert_eq!(verdict(&r, "container").ok, Some(true));
    assert_eq!(verdict(&r, "resolution").ok, Some(false));
    assert_eq!(verdict(&r, "aspect").ok, Some(true));
    assert_eq!(r.ok, Some(false));
    agrees_with_ffprobe(&mov, &r);

    let portrait = ffmpeg_video(d, "portrait.mp4", 1080, 1920, 240, &[]);
    let r = check_video(&portrait, &c).unwrap();
    assert_eq!(verdict(&r, "resolution").ok, Some(false));
    assert_eq!(verdict(&r, "aspect").ok, Some(false));
    assert!(verdict(&r, "aspect").message.contains("竖屏"));
    agrees_with_ffprobe(&portrait, &r);

    let long = ffmpeg_video(d, "6min.mp4", 1920, 1080, 360, &[]);
    let r = check_video(&long, &c).unwrap();
    assert_eq!(verdict(&r, "duration").ok, Some(false));
    assert!(verdict(&r, "duration").message.contains("6分00秒"));
    assert_eq!(verdict(&r, "resolution").ok, Some(true));
    agrees_with_ffprobe(&long, &r);

    // A landscape encode tagged to display rotated (how phones store portrait video).
    let rotated = d.join("rotated.mp4");
    let (g, r_) = (
        good.to_string_lossy().into_owned(),
        rotated.to_string_lossy().into_owned(),
    );
    ffmpeg(&["-i", &g, "-c", "copy", "-metadata:s:v:0", "rotate=90", &r_]);
    if ffprobe_rotation(&rotated).unwrap_or(0) != 0 {
        let r = check_video(&rotated, &c).unwrap();
        assert_eq!((r.width, r.height), (Some(1080), Some(1920)), "{r:#?}");
        assert_eq!(verdict(&r, "aspect").ok, Some(false));
        assert_eq!(r.ok, Some(false));
    } else {
        eprintln!("note: this ffmpeg ignores rotate=90 on stream copy; rotation checked on synthetic files only");
    }

    let mpg = ffmpeg_mpg(d, "4min.mpg", 240);
    let r = check_video(&mpg, &c).unwrap();
    assert_eq!(r.container, "mpg");
    assert_eq!(r.ok, Some(true), "{r:#?}");
    agrees_with_ffprobe(&mpg, &r);

    let cut = d.join("cut.mp4");
    fs::copy(&good, &cut).unwrap();
    truncate(&cut, fs::metadata(&good).unwrap().len() / 2);
    let r = check_video(&cut, &c).unwrap();
    assert_eq!(verdict(&r, "integrity").ok, Some(false));
    assert_eq!(r.ok, Some(false));
}

// ------------------------------------------------------------------ a case's materials, no files

#[test]
fn media_issues_tell_what_a_case_still_lacks() {
    use tianbao::model::{Attachment, Media};
    let c = campaign();
    let mut m = Media::default();
    let all = tianbao::validate::media_issues(&m, &c);
    let pairs: Vec<(&str, &str)> = all
        .iter()
        .map(|(f, i)| (f.as_str(), i.code.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("media.photo", "missing"),
            ("media.id_front", "missing"),
            ("media.id_back", "missing"),
            ("media.video.link", "netdisk_link_missing"),
            ("media.video.code", "netdisk_code_missing"),
            (
                "media.video.confirm_no_watermark",
                "video_watermark_unconfirmed"
            ),
            ("media.video.confirm_no_ads", "video_ads_unconfirmed"),
        ]
    );
    assert!(all[0].1.message.contains("不低于2M"));
    // Missing materials remind; they do not block finishing the 推荐表.
    assert!(all.iter().all(|(_, i)| i.severity == Severity::Warning));

    let att = |name: &str, format: &str, bytes: u64, w: u32, h: u32| Attachment {
        sha256: "0".repeat(64),
        file_name: name.into(),
        bytes,
        format: format.into(),
        width: w,
        height: h,
        caption: String::new(),
        converted: None,
    };
    m.photo = Some(att("李明.png", "jpeg", 1_520_435, 3000, 2000));
    m.id_front = Some(att("front.jpg", "jpeg", 300_000, 1000, 630));
    m.id_back = Some(att("back.pdf", "pdf", 80_000, 0, 0));
    m.pictures = vec![
        att("直播间.jpg", "jpeg", 900_000, 1600, 900),
        att("IMG_2.HEIC", "heic", 2_000_000, 4032, 3024),
    ];
    m.video.link = "https://pan.baidu.com/s/1AbCdEfGhIjKlMnOpQrStUv".into();
    m.video.code = "x7k2".into();
    m.video.confirm_no_watermark = true;
    m.video.confirm_no_ads = true;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("720p.mov");
    write_mp4(
        &p,
        &Mp4Spec {
            brand: *b"qt  ",
            width: 1280,
            height: 720,
            ..Mp4Spec::default()
        },
    );
    m.video.check = Some(serde_json::to_value(check_video(&p, &c).unwrap()).unwrap());
    let all = tianbao::validate::media_issues(&m, &c);
    let pairs: Vec<(&str, &str)> = all
        .iter()
        .map(|(f, i)| (f.as_str(), i.code.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("media.photo", "extension_mismatch"),
            ("media.photo", "small_file"),
            ("media.pictures.1", "format"),
            ("media.video.check", "video_resolution"),
        ]
    );
    assert!(all[1].1.message.contains("1.4 MB"));
    assert_eq!(all[2].1.severity, Severity::Error);
    assert!(all[3].1.message.contains("1280×720"));
}

/// A WebP (lossless, as the `image` crate writes it) and a BMP of `img`.
fn webp_bytes(img: &image::RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut out)
        .encode(
            img.as_raw(),
            img.width(),
            img.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

fn bmp_of(img: &image::RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::bmp::BmpEncoder::new(&mut out)
        .encode(
            img.as_raw(),
            img.width(),
            img.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

#[test]
fn webp_and_bmp_are_attached_with_a_jpeg_conversion_beside_the_original() {
    let c = campaign();
    let dir = tempfile::tempdir().unwrap();
    let store = BlobStore::new(dir.path().join("blobs")).unwrap();
    let img = gradient_image(1600, 1200);
    for (name, bytes, role) in [
        ("微信图片_2024.webp", webp_bytes(&img), Purpose::Photo),
        ("扫描.bmp", bmp_of(&img), Purpose::IdScan),
        ("现场.webp", webp_bytes(&img), Purpose::Picture),
    ] {
        let src = write(dir.path(), name, &bytes);
        let a = attach(&store, &src, role, &c, 256).unwrap();
        assert!(a.report.ok, "{name}: {:?}", a.report.issues);
        assert!(a.thumbnail.is_some(), "{name}: thumbnail");
        // The original, byte-exact.
        let orig = fs::read(store.blob_path(&a.attachment.sha256).unwrap()).unwrap();
        assert_eq!(orig, bytes, "{name}");
        // The conversion: a JPEG of the same picture, in the same store.
        let conv = a.attachment.converted.clone().expect("converted");
        assert_eq!(conv.format, "jpeg");
        let jpeg = fs::read(store.blob_path(&conv.sha256).unwrap()).unwrap();
        assert_eq!(jpeg.len() as u64, conv.bytes);
        let back = image::load_from_memory_with_format(&jpeg, image::ImageFormat::Jpeg).unwrap();
        assert_eq!((back.width(), back.height()), (1600, 1200), "{name}");
        // Said so, once; and the case's own checks do not ask for a conversion any more.
        let note = issue(&a.report, "converted");
        assert!(
            note.message.contains("已另存一份 JPG") && note.message.contains("原文件原样保留"),
            "{}",
            note.message
        );
        assert!(media::attachment_issues(&a.attachment, role, &c)
            .iter()
            .all(|i| i.code != "format"));
    }
    // A WebP attachment of an older version (no conversion) still gets the advice.
    let mut old = attach(
        &store,
        &write(dir.path(), "旧.webp", &webp_bytes(&img)),
        Purpose::Photo,
        &c,
        256,
    )
    .unwrap()
    .attachment;
    old.converted = None;
    assert!(media::attachment_issues(&old, Purpose::Photo, &c)
        .iter()
        .any(|i| i.code == "format"));
}
