//! Fixture makers shared by tests/media.rs and examples/bench_media.rs: images made with the
//! `image` crate or by hand (EXIF, bombs, HEIC headers), synthetic ISO BMFF and MPEG-PS files
//! written box by box, and real videos made with ffmpeg when it is installed.
#![allow(dead_code)]

use image::{DynamicImage, ImageEncoder, Rgb, RgbImage};
use std::fs::{self, File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

// ------------------------------------------------------------------ images

/// Deterministic pseudo-random bytes (xorshift), for incompressible pictures.
pub fn noise(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    let mut out = Vec::with_capacity(n + 8);
    while out.len() < n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(n);
    out
}

/// A noisy RGB picture: big JPEGs (several MB), like a camera's original.
pub fn noisy_image(w: u32, h: u32) -> RgbImage {
    RgbImage::from_raw(w, h, noise((w * h * 3) as usize, 0x9E37_79B9_7F4A_7C15)).unwrap()
}

/// A smooth gradient: compresses to a small JPEG.
pub fn gradient_image(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        Rgb([(x * 255 / w) as u8, (y * 255 / h) as u8, 128])
    })
}

pub fn jpeg_bytes(img: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&DynamicImage::ImageRgb8(img.clone()))
        .unwrap();
    out
}

pub fn png_bytes(img: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

/// `jpeg` with an APP1 Exif segment (big-endian TIFF, one IFD entry: Orientation = `o`)
/// inserted right after SOI, as a camera writes it.
pub fn with_exif_orientation(jpeg: &[u8], o: u16) -> Vec<u8> {
    let mut tiff = b"MM\0*\0\0\0\x08".to_vec();
    tiff.extend_from_slice(&1u16.to_be_bytes()); // one entry
    tiff.extend_from_slice(&0x0112u16.to_be_bytes()); // Orientation
    tiff.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    tiff.extend_from_slice(&1u32.to_be_bytes()); // count
    tiff.extend_from_slice(&o.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&0u32.to_be_bytes()); // no next IFD
    let mut seg = b"Exif\0\0".to_vec();
    seg.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((seg.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&seg);
    out.extend_from_slice(&jpeg[2..]);
    out
}

pub fn crc32(data: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for &b in data {
        c ^= b as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

fn png_chunk(typ: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    let mut body = typ.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
    out
}

/// A valid PNG header declaring `w`×`h` (a decompression bomb when large), a tiny IDAT, IEND.
pub fn png_bomb(w: u32, h: u32) -> Vec<u8> {
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(png_chunk(b"IHDR", &ihdr));
    // zlib stream of a few zero bytes (what a bomb would inflate from).
    out.extend(png_chunk(
        b"IDAT",
        &[0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01],
    ));
    out.extend(png_chunk(b"IEND", &[]));
    out
}

/// A JPEG whose frame header declares `w`×`h` and which has almost no data.
pub fn jpeg_bomb(w: u16, h: u16) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8];
    out.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x0B, 8]);
    out.extend_from_slice(&h.to_be_bytes());
    out.extend_from_slice(&w.to_be_bytes());
    out.extend_from_slice(&[1, 1, 0x11, 0]);
    out.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 1, 1, 0, 0, 0x3F, 0]);
    out.extend_from_slice(&[0x00, 0x00, 0xFF, 0xD9]);
    out
}

pub fn bmff_box(typ: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut out = ((payload.len() + 8) as u32).to_be_bytes().to_vec();
    out.extend_from_slice(typ);
    out.extend_from_slice(payload);
    out
}

fn full_box(typ: &[u8; 4], version: u8, flags: u32, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![version];
    p.extend_from_slice(&flags.to_be_bytes()[1..]);
    p.extend_from_slice(payload);
    bmff_box(typ, &p)
}

/// The header of an iPhone-style HEIC: ftyp heic + meta/iprp/ipco with ispe properties (a
/// 512×512 tile and the 4032×3024 image), then an empty mdat.
pub fn heic_header() -> Vec<u8> {
    let mut ftyp = b"heic\0\0\0\0mif1heicmiaf".to_vec();
    ftyp.truncate(20);
    let mut out = bmff_box(b"ftyp", &ftyp);
    let ispe = |w: u32, h: u32| {
        let mut p = w.to_be_bytes().to_vec();
        p.extend_from_slice(&h.to_be_bytes());
        full_box(b"ispe", 0, 0, &p)
    };
    let mut ipco_payload = ispe(512, 512);
    ipco_payload.extend(ispe(4032, 3024));
    let ipco = bmff_box(b"ipco", &ipco_payload);
    let iprp = bmff_box(b"iprp", &ipco);
    let mut hdlr = vec![0u8; 4];
    hdlr.extend_from_slice(b"pict");
    hdlr.extend_from_slice(&[0u8; 13]);
    let mut meta_payload = full_box(b"hdlr", 0, 0, &hdlr);
    meta_payload.extend(iprp);
    out.extend(full_box(b"meta", 0, 0, &meta_payload));
    out.extend(bmff_box(b"mdat", &[0u8; 64]));
    out
}

/// A 24-bit BMP of `w`×`h` (bottom-up), white.
pub fn bmp_bytes(w: u32, h: u32) -> Vec<u8> {
    let row = (w * 3).div_ceil(4) * 4;
    let data_len = row * h;
    let mut out = b"BM".to_vec();
    out.extend_from_slice(&(54 + data_len).to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&54u32.to_le_bytes());
    out.extend_from_slice(&40u32.to_le_bytes());
    out.extend_from_slice(&(w as i32).to_le_bytes());
    out.extend_from_slice(&(h as i32).to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&24u16.to_le_bytes());
    out.extend_from_slice(&[0u8; 24]);
    out.extend(std::iter::repeat_n(0xFFu8, data_len as usize));
    out
}

// ------------------------------------------------------------------ ISO BMFF videos

/// What a synthetic mp4/mov says about itself.
#[derive(Debug, Clone)]
pub struct Mp4Spec {
    pub brand: [u8; 4],
    pub width: u32,
    pub height: u32,
    pub seconds: u32,
    /// Track matrix rotation, degrees: 0, 90, 180, 270.
    pub rotation: u32,
    pub codec: [u8; 4],
    /// Write `moov` before `mdat` (faststart) instead of after.
    pub moov_first: bool,
    /// `mdat` payload length; written sparse (the header check never reads it).
    pub mdat_len: u64,
    /// Give `mdat` a 64-bit size (size field = 1, then largesize).
    pub largesize: bool,
    /// Version-1 (64-bit) mvhd/tkhd/mdhd.
    pub v1: bool,
    pub fps: u32,
}

impl Default for Mp4Spec {
    fn default() -> Self {
        Mp4Spec {
            brand: *b"isom",
            width: 1920,
            height: 1080,
            seconds: 240,
            rotation: 0,
            codec: *b"avc1",
            moov_first: false,
            mdat_len: 4096,
            largesize: false,
            v1: false,
            fps: 25,
        }
    }
}

fn matrix(rotation: u32) -> [u32; 9] {
    let one = 0x0001_0000u32;
    let minus = (-0x0001_0000i32) as u32;
    let (a, b, c, d) = match rotation {
        90 => (0, one, minus, 0),
        180 => (minus, 0, 0, minus),
        270 => (0, minus, one, 0),
        _ => (one, 0, 0, one),
    };
    [a, b, 0, c, d, 0, 0, 0, 0x4000_0000]
}

pub fn moov(spec: &Mp4Spec) -> Vec<u8> {
    let ts = 1000u32;
    let dur = spec.seconds as u64 * ts as u64;
    let m = matrix(spec.rotation);
    let mut matrix_bytes = Vec::new();
    for v in m {
        matrix_bytes.extend_from_slice(&v.to_be_bytes());
    }
    let times = |v1: bool, p: &mut Vec<u8>, mid: &[u8], dur: u64| {
        if v1 {
            p.extend_from_slice(&[0u8; 16]);
            p.extend_from_slice(mid);
            p.extend_from_slice(&dur.to_be_bytes());
        } else {
            p.extend_from_slice(&[0u8; 8]);
            p.extend_from_slice(mid);
            p.extend_from_slice(&(dur as u32).to_be_bytes());
        }
    };
    let ver = spec.v1 as u8;
    // mvhd
    let mut mvhd = Vec::new();
    times(spec.v1, &mut mvhd, &ts.to_be_bytes(), dur);
    mvhd.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    mvhd.extend_from_slice(&0x0100u16.to_be_bytes());
    mvhd.extend_from_slice(&[0u8; 10]);
    mvhd.extend_from_slice(&matrix_bytes_identity());
    mvhd.extend_from_slice(&[0u8; 24]);
    mvhd.extend_from_slice(&2u32.to_be_bytes());
    // tkhd: track id 1 and a reserved word between the times and the duration.
    let mut tkhd = Vec::new();
    let mut mid = 1u32.to_be_bytes().to_vec();
    mid.extend_from_slice(&[0u8; 4]);
    times(spec.v1, &mut tkhd, &mid, dur);
    tkhd.extend_from_slice(&[0u8; 8]);
    tkhd.extend_from_slice(&[0u8; 8]);
    tkhd.extend_from_slice(&matrix_bytes);
    tkhd.extend_from_slice(&(spec.width << 16).to_be_bytes());
    tkhd.extend_from_slice(&(spec.height << 16).to_be_bytes());
    // mdhd: 90 kHz media timescale.
    let mts = 90_000u32;
    let mut mdhd = Vec::new();
    times(
        spec.v1,
        &mut mdhd,
        &mts.to_be_bytes(),
        spec.seconds as u64 * mts as u64,
    );
    mdhd.extend_from_slice(&[0x55, 0xC4, 0, 0]);
    let mut hdlr = vec![0u8; 4];
    hdlr.extend_from_slice(b"vide");
    hdlr.extend_from_slice(&[0u8; 12]);
    hdlr.extend_from_slice(b"VideoHandler\0");
    // stsd with one visual sample entry.
    let mut entry = vec![0u8; 6];
    entry.extend_from_slice(&1u16.to_be_bytes());
    entry.extend_from_slice(&[0u8; 16]);
    entry.extend_from_slice(&(spec.width as u16).to_be_bytes());
    entry.extend_from_slice(&(spec.height as u16).to_be_bytes());
    entry.extend_from_slice(&0x0048_0000u32.to_be_bytes());
    entry.extend_from_slice(&0x0048_0000u32.to_be_bytes());
    entry.extend_from_slice(&[0u8; 4]);
    entry.extend_from_slice(&1u16.to_be_bytes());
    entry.extend_from_slice(&[0u8; 32]);
    entry.extend_from_slice(&0x0018u16.to_be_bytes());
    entry.extend_from_slice(&0xFFFFu16.to_be_bytes());
    let mut stsd = 1u32.to_be_bytes().to_vec();
    stsd.extend(bmff_box(&spec.codec, &entry));
    let frames = spec.seconds * spec.fps;
    let mut stts = 1u32.to_be_bytes().to_vec();
    stts.extend_from_slice(&frames.to_be_bytes());
    stts.extend_from_slice(&(mts / spec.fps).to_be_bytes());
    let mut stbl = full_box(b"stsd", 0, 0, &stsd);
    stbl.extend(full_box(b"stts", 0, 0, &stts));
    let minf = bmff_box(b"stbl", &stbl);
    let mut mdia = full_box(b"mdhd", ver, 0, &mdhd);
    mdia.extend(full_box(b"hdlr", 0, 0, &hdlr));
    mdia.extend(bmff_box(b"minf", &minf));
    let mut trak = full_box(b"tkhd", ver, 3, &tkhd);
    trak.extend(bmff_box(b"mdia", &mdia));
    let mut moov = full_box(b"mvhd", ver, 0, &mvhd);
    moov.extend(bmff_box(b"trak", &trak));
    bmff_box(b"moov", &moov)
}

fn matrix_bytes_identity() -> Vec<u8> {
    matrix(0).iter().flat_map(|v| v.to_be_bytes()).collect()
}

/// Writes the synthetic video to `path` (mdat sparse). Returns the file's length.
pub fn write_mp4(path: &Path, spec: &Mp4Spec) -> u64 {
    let mut ftyp = spec.brand.to_vec();
    ftyp.extend_from_slice(&[0, 0, 2, 0]);
    ftyp.extend_from_slice(&spec.brand);
    ftyp.extend_from_slice(b"mp41");
    let ftyp = bmff_box(b"ftyp", &ftyp);
    let moov = moov(spec);
    let mdat_header = if spec.largesize {
        let mut h = 1u32.to_be_bytes().to_vec();
        h.extend_from_slice(b"mdat");
        h.extend_from_slice(&(spec.mdat_len + 16).to_be_bytes());
        h
    } else {
        let mut h = ((spec.mdat_len + 8) as u32).to_be_bytes().to_vec();
        h.extend_from_slice(b"mdat");
        h
    };
    let mut f = File::create(path).unwrap();
    f.write_all(&ftyp).unwrap();
    if spec.moov_first {
        f.write_all(&moov).unwrap();
    }
    f.write_all(&mdat_header).unwrap();
    let pos = f.stream_position().unwrap() + spec.mdat_len;
    f.set_len(pos).unwrap();
    f.seek(SeekFrom::Start(pos)).unwrap();
    if !spec.moov_first {
        f.write_all(&moov).unwrap();
    }
    f.stream_position().unwrap()
}

// ------------------------------------------------------------------ MPEG program stream

fn pts_bytes(prefix: u8, v: u64) -> [u8; 5] {
    [
        (prefix << 4) | (((v >> 30) & 7) as u8) << 1 | 1,
        (v >> 22) as u8,
        (((v >> 15) & 0x7f) as u8) << 1 | 1,
        (v >> 7) as u8,
        ((v & 0x7f) as u8) << 1 | 1,
    ]
}

/// An MPEG-2 pack header with SCR base `scr`.
fn pack2(scr: u64) -> Vec<u8> {
    let b0 = 0x40 | (((scr >> 30) & 7) as u8) << 3 | 0x04 | ((scr >> 28) & 3) as u8;
    let b1 = (scr >> 20) as u8;
    let b2 = (((scr >> 15) & 0x1f) as u8) << 3 | 0x04 | ((scr >> 13) & 3) as u8;
    let b3 = (scr >> 5) as u8;
    let b4 = ((scr & 0x1f) as u8) << 3 | 0x04;
    vec![
        0, 0, 1, 0xBA, b0, b1, b2, b3, b4, 0x01, 0x89, 0xC3, 0xFF, 0xF8,
    ]
}

fn pes2(sid: u8, pts: u64, payload: &[u8]) -> Vec<u8> {
    let mut h = vec![0x80, 0x80, 5];
    h.extend_from_slice(&pts_bytes(0x2, pts));
    let mut out = vec![0, 0, 1, sid];
    out.extend_from_slice(&((h.len() + payload.len()) as u16).to_be_bytes());
    out.extend(h);
    out.extend_from_slice(payload);
    out
}

/// MPEG-2 sequence header + sequence extension: `w`×`h`, aspect code, frame-rate code.
pub fn mpeg2_sequence(w: u32, h: u32, aspect: u8, frc: u8) -> Vec<u8> {
    let mut s = vec![0, 0, 1, 0xB3];
    s.push((w >> 4) as u8);
    s.push(((w & 0xf) << 4) as u8 | ((h >> 8) & 0xf) as u8);
    s.push(h as u8);
    s.push(aspect << 4 | frc);
    s.extend_from_slice(&[0xFF, 0xFF, 0xE0, 0x18]); // bit rate, marker, vbv, flags
    s.extend_from_slice(&[0, 0, 1, 0xB5, 0x14, 0x8A, 0x00, 0x01, 0x00, 0x00]); // seq ext, MP@HL
    s.extend_from_slice(&[0, 0, 1, 0xB8, 0x00, 0x08, 0x00, 0x00]); // GOP 00:00:00:00
    s.extend_from_slice(&[0, 0, 1, 0x00, 0x00, 0x0F, 0xFF, 0xF8]); // picture
    s
}

/// A synthetic .mpg: a pack with the sequence header and the first video PTS at the start, a
/// sparse gap of `gap` bytes, then packs up to `seconds` at the end.
pub fn write_mpg(path: &Path, w: u32, h: u32, aspect: u8, seconds: f64, gap: u64) -> u64 {
    let first = 90_000u64; // streams usually start at PTS 1 s
    let last = first + (seconds * 90_000.0) as u64 - 3600; // last frame at 25 fps
    let mut head = pack2(first - 9000);
    head.extend(pes2(0xE0, first, &mpeg2_sequence(w, h, aspect, 3)));
    head.extend(pes2(0xC0, first, &[0xFF, 0xFD, 0x90, 0x00]));
    let mut tail = pack2(last - 9000);
    tail.extend(pes2(
        0xE0,
        last - 7200,
        &[0, 0, 1, 0x00, 0, 0x0F, 0xFF, 0xF8],
    ));
    tail.extend(pack2(last - 5000));
    tail.extend(pes2(0xE0, last, &[0, 0, 1, 0x00, 0, 0x0F, 0xFF, 0xF8]));
    tail.extend(pes2(0xC0, last + 1000, &[0xFF, 0xFD, 0x90, 0x00]));
    tail.extend_from_slice(&[0, 0, 1, 0xB9]);
    let mut f = File::create(path).unwrap();
    f.write_all(&head).unwrap();
    let pos = head.len() as u64 + gap;
    f.set_len(pos).unwrap();
    f.seek(SeekFrom::Start(pos)).unwrap();
    f.write_all(&tail).unwrap();
    pos + tail.len() as u64
}

// ------------------------------------------------------------------ ffmpeg

pub fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("-version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// Runs ffmpeg quietly with `args`; panics with its stderr on failure.
pub fn ffmpeg(args: &[&str]) {
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y"])
        .args(args)
        .output()
        .expect("ffmpeg runs");
    assert!(
        out.status.success(),
        "ffmpeg {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A black test video `w`×`h` of `seconds`, 1 frame a second, H.264 at the lowest quality
/// (a 4-minute 1080p file is ~15 KB and takes ~1.5 s). `extra` goes before the output name.
pub fn ffmpeg_video(
    dir: &Path,
    name: &str,
    w: u32,
    h: u32,
    seconds: u32,
    extra: &[&str],
) -> PathBuf {
    let out = dir.join(name);
    let src = format!("color=c=black:s={w}x{h}:r=1");
    let t = seconds.to_string();
    let mut args = vec![
        "-f",
        "lavfi",
        "-i",
        &src,
        "-t",
        &t,
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-crf",
        "51",
        "-pix_fmt",
        "yuv420p",
    ];
    args.extend_from_slice(extra);
    let o = out.to_string_lossy().into_owned();
    args.push(&o);
    ffmpeg(&args);
    out
}

/// A 1080p MPEG-2 program stream of about `seconds`: 5 s encoded, then looped by stream copy.
pub fn ffmpeg_mpg(dir: &Path, name: &str, seconds: u32) -> PathBuf {
    let short = dir.join(format!("{name}.part.mpg"));
    let s = short.to_string_lossy().into_owned();
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "color=c=black:s=1920x1080:r=25",
        "-t",
        "5",
        "-c:v",
        "mpeg2video",
        "-b:v",
        "200k",
        "-g",
        "25",
        "-f",
        "mpeg",
        &s,
    ]);
    let out = dir.join(name);
    let loops = (seconds / 5).saturating_sub(1).to_string();
    let o = out.to_string_lossy().into_owned();
    ffmpeg(&[
        "-stream_loop",
        &loops,
        "-i",
        &s,
        "-c",
        "copy",
        "-f",
        "mpeg",
        &o,
    ]);
    let _ = fs::remove_file(short);
    out
}

/// ffprobe's (duration, width, height) for `path`.
pub fn ffprobe(path: &Path) -> (f64, u32, u32) {
    let out = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "format=duration:stream=width,height",
            "-of",
            "default=noprint_wrappers=1",
        ])
        .arg(path)
        .output()
        .expect("ffprobe runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let get = |k: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{k}=")))
            .unwrap_or_else(|| panic!("ffprobe gave no {k}: {text}"))
            .trim()
            .to_string()
    };
    (
        get("duration").parse().unwrap(),
        get("width").parse().unwrap(),
        get("height").parse().unwrap(),
    )
}

/// ffprobe's display rotation of the first video stream, if any.
pub fn ffprobe_rotation(path: &Path) -> Option<i32> {
    let out = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_streams",
            "-of",
            "default=noprint_wrappers=1",
        ])
        .arg(path)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.lines()
        .find_map(|l| {
            l.strip_prefix("rotation=")
                .or_else(|| l.strip_prefix("TAG:rotate="))
        })
        .and_then(|v| v.trim().parse::<f64>().ok())
        .map(|v| v as i32)
}

/// Truncates `path` to `len` bytes (a copy that stopped half-way).
pub fn truncate(path: &Path, len: u64) {
    OpenOptions::new()
        .write(true)
        .open(path)
        .unwrap()
        .set_len(len)
        .unwrap();
}
