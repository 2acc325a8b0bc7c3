//! Media benchmark: `cargo run --release --example bench_media [-- DIR]` (default
//! /tmp/tianbao-bench; the ≥ 1 GB files are made there once and reused, never committed).
//!
//! 1. The video header check on ≥ 1 GB files (an mp4 whose mdat was padded to the campaign's
//!    size limit, moov at the end; an MPEG-2 program stream) against `ffprobe -show_format
//!    -show_streams` on the same files in the same run: wall time (warm page cache, median; and
//!    cold, after dropping the page cache when allowed) and bytes read (ours: counted by the
//!    reader and /proc/self/io rchar; ffprobe: read/pread64 on the file's descriptors under
//!    strace).
//! 2. Attaching a 12 MP JPEG: copy + SHA-256 + fsync + check + decode + thumbnail, and its parts.
//!
//! Needs ffmpeg, ffprobe and strace.

#[path = "../tests/common_media/mod.rs"]
mod common_media;

use common_media::*;
use std::collections::HashMap;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tianbao::campaign::Campaign;
use tianbao::media::{self, BlobStore, DecodeLimits, Purpose};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn rchar() -> u64 {
    proc_io("rchar")
}

fn proc_io(key: &str) -> u64 {
    fs::read_to_string("/proc/self/io")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix(&format!("{key}: "))
                    .map(|v| v.trim().parse().unwrap_or(0))
            })
        })
        .unwrap_or(0)
}

fn drop_caches() -> bool {
    let _ = Command::new("sync").status();
    fs::write("/proc/sys/vm/drop_caches", "3").is_ok()
}

fn ffprobe_once(path: &Path) -> Duration {
    let t = Instant::now();
    let st = Command::new("ffprobe")
        .args(["-v", "error", "-show_format", "-show_streams"])
        .arg(path)
        .stdout(Stdio::null())
        .status()
        .expect("ffprobe runs");
    assert!(st.success());
    t.elapsed()
}

/// Bytes ffprobe reads from `path`: read/pread64/readv results on descriptors opened on it.
fn ffprobe_bytes(path: &Path, dir: &Path) -> Option<u64> {
    let log = dir.join("ffprobe.strace");
    let st = Command::new("strace")
        .args([
            "-f",
            "-qq",
            "-e",
            "trace=openat,open,read,pread64,readv,close",
            "-o",
        ])
        .arg(&log)
        .args(["ffprobe", "-v", "error", "-show_format", "-show_streams"])
        .arg(path)
        .stdout(Stdio::null())
        .status()
        .ok()?;
    if !st.success() {
        return None;
    }
    let text = fs::read_to_string(&log).ok()?;
    let needle = format!("\"{}\"", path.display());
    let mut fds: HashMap<String, bool> = HashMap::new();
    let mut total = 0u64;
    for line in text.lines() {
        let body = line
            .split_once(' ')
            .map(|(_, b)| b)
            .unwrap_or(line)
            .trim_start();
        let ret = line
            .rsplit_once(" = ")
            .map(|(_, r)| r.split_whitespace().next().unwrap_or(""));
        if body.starts_with("openat(") || body.starts_with("open(") {
            if let Some(fd) = ret.filter(|r| !r.starts_with('-')) {
                fds.insert(fd.to_string(), body.contains(&needle));
            }
        } else if let Some(rest) = body.strip_prefix("close(") {
            fds.remove(rest.split(')').next().unwrap_or(""));
        } else if let Some(call) = ["read(", "pread64(", "readv("]
            .iter()
            .find(|c| body.starts_with(**c))
        {
            let fd = body[call.len()..].split(',').next().unwrap_or("");
            if fds.get(fd).copied().unwrap_or(false) {
                total += ret.and_then(|r| r.parse::<u64>().ok()).unwrap_or(0);
            }
        }
    }
    let _ = fs::remove_file(log);
    Some(total)
}

/// ffmpeg's 4-minute 1080p mp4 with its mdat padded so the file is exactly `target` bytes
/// (moov stays at the end; chunk offsets stay valid).
fn big_mp4(dir: &Path, target: u64) -> PathBuf {
    let out = dir.join(format!("big-{target}.mp4"));
    if fs::metadata(&out)
        .map(|m| m.len() == target)
        .unwrap_or(false)
    {
        return out;
    }
    let src = ffmpeg_video(dir, "bench-src.mp4", 1920, 1080, 240, &[]);
    let data = fs::read(&src).unwrap();
    // Find the top-level mdat.
    let mut off = 0usize;
    let (mdat_off, mdat_size) = loop {
        let size = u32::from_be_bytes(data[off..off + 4].try_into().unwrap()) as usize;
        if &data[off + 4..off + 8] == b"mdat" {
            break (off, size);
        }
        off += size;
    };
    let pad = target - data.len() as u64;
    let mut f = File::create(&out).unwrap();
    f.write_all(&data[..mdat_off]).unwrap();
    f.write_all(&((mdat_size as u64 + pad) as u32).to_be_bytes())
        .unwrap();
    f.write_all(&data[mdat_off + 4..mdat_off + mdat_size])
        .unwrap();
    let chunk = vec![0u8; 8 << 20];
    let mut left = pad;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        f.write_all(&chunk[..n]).unwrap();
        left -= n as u64;
    }
    f.write_all(&data[mdat_off + mdat_size..]).unwrap();
    f.sync_all().unwrap();
    out
}

/// An MPEG-2 program stream of at least `min` bytes: 4 minutes of 1080p looped by stream copy.
fn big_mpg(dir: &Path, min: u64) -> PathBuf {
    let out = dir.join("big.mpg");
    if fs::metadata(&out).map(|m| m.len() >= min).unwrap_or(false) {
        return out;
    }
    let four = ffmpeg_mpg(dir, "bench-4min.mpg", 240);
    let loops = (min / fs::metadata(&four).unwrap().len() + 1).to_string();
    let (i, o) = (
        four.to_string_lossy().into_owned(),
        out.to_string_lossy().into_owned(),
    );
    ffmpeg(&[
        "-stream_loop",
        &loops,
        "-i",
        &i,
        "-c",
        "copy",
        "-f",
        "mpeg",
        &o,
    ]);
    out
}

fn bench_video(path: &Path, dir: &Path, c: &Campaign) {
    let len = fs::metadata(path).unwrap().len();
    println!(
        "\n### {} ({} bytes, {})",
        path.file_name().unwrap().to_string_lossy(),
        len,
        media::human_size(len)
    );
    let r = media::check_video(path, c).unwrap();
    println!(
        "verdicts: {}",
        r.verdicts
            .iter()
            .map(|v| format!(
                "{}={}",
                v.rule,
                v.ok.map(|b| b.to_string()).unwrap_or("null".into())
            ))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "duration {:?} s, {:?}×{:?}, codec {:?}",
        r.duration_seconds, r.width, r.height, r.codec
    );
    let runs = 30;
    let before = rchar();
    let ours: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            let r = media::check_video(path, c).unwrap();
            std::hint::black_box(&r);
            t.elapsed()
        })
        .collect();
    let ours_rchar = (rchar() - before) / runs as u64;
    let theirs: Vec<Duration> = (0..10).map(|_| ffprobe_once(path)).collect();
    let ff_bytes = ffprobe_bytes(path, dir);
    println!("| | tianbao check_video | ffprobe -show_format -show_streams |");
    println!("|---|---|---|");
    println!(
        "| warm cache, median | {} (of {runs}) | {} (of 10, incl. process start) |",
        ms(median(ours)),
        ms(median(theirs))
    );
    println!(
        "| bytes read from the file | {} (reader count); {} (rchar per call) | {} |",
        r.bytes_read,
        ours_rchar,
        ff_bytes
            .map(|b| b.to_string())
            .unwrap_or("strace unavailable".into())
    );
    if drop_caches() {
        let rb = proc_io("read_bytes");
        let t = Instant::now();
        media::check_video(path, c).unwrap();
        let ours_cold = t.elapsed();
        let ours_disk = proc_io("read_bytes") - rb;
        drop_caches();
        let ff_cold = ffprobe_once(path);
        println!(
            "| cold cache (page cache dropped) | {} ({} bytes from disk) | {} |",
            ms(ours_cold),
            ours_disk,
            ms(ff_cold)
        );
    } else {
        println!("(cold-cache run skipped: cannot drop the page cache here)");
    }
}

fn bench_attach(dir: &Path, c: &Campaign) {
    // A 12 MP "camera" JPEG: smooth scene plus sensor-like noise, quality 92.
    let (w, h) = (4000u32, 3000u32);
    let n = noise((w * h) as usize, 7);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let k = n[(y * w + x) as usize] as i32 % 25 - 12;
        let v = |base: u32| (base as i32 + k).clamp(0, 255) as u8;
        image::Rgb([
            v(x * 200 / w + 30),
            v(y * 180 / h + 40),
            v((x + y) * 120 / (w + h) + 60),
        ])
    });
    let jpeg = jpeg_bytes(&img, 92);
    let photo = dir.join("photo-12mp.jpg");
    fs::write(&photo, &jpeg).unwrap();
    let rotated = dir.join("photo-12mp-exif6.jpg");
    fs::write(&rotated, with_exif_orientation(&jpeg, 6)).unwrap();
    println!(
        "\n### Attaching a 12 MP JPEG ({w}×{h}, {} bytes, {})",
        jpeg.len(),
        media::human_size(jpeg.len() as u64)
    );
    let runs = 7;
    let time = |f: &mut dyn FnMut()| -> Duration {
        f();
        median(
            (0..runs)
                .map(|_| {
                    let t = Instant::now();
                    f();
                    t.elapsed()
                })
                .collect(),
        )
    };
    let mut k = 0;
    let mut fresh_attach = |p: &Path| {
        k += 1;
        let store = BlobStore::new(dir.join(format!("blobs-{k}"))).unwrap();
        let a = media::attach(&store, p, Purpose::Photo, c, 256).unwrap();
        assert!(a.thumbnail.is_some());
        let _ = fs::remove_dir_all(store.dir());
    };
    let attach_new = time(&mut || fresh_attach(&photo));
    let attach_rot = time(&mut || fresh_attach(&rotated));
    let store = BlobStore::new(dir.join("blobs-dedup")).unwrap();
    let attach_again = time(&mut || {
        media::attach(&store, &photo, Purpose::Photo, c, 256).unwrap();
    });
    let put = time(&mut || {
        let s = BlobStore::new(dir.join("blobs-put")).unwrap();
        s.put_file(&photo).unwrap();
        let _ = fs::remove_dir_all(s.dir());
    });
    let check = time(&mut || {
        media::check_photo(&photo, Purpose::Photo, c).unwrap();
    });
    let decode = time(&mut || {
        media::load_oriented(&photo, &DecodeLimits::default()).unwrap();
    });
    let decoded = media::load_oriented(&photo, &DecodeLimits::default()).unwrap();
    let thumb = time(&mut || {
        media::fit_jpeg(&decoded, 256, 256, 80).unwrap();
    });
    let print = time(&mut || {
        media::fit_jpeg(&decoded, 1600, 1600, 85).unwrap();
    });
    let print_bytes = media::fit_jpeg(&decoded, 1600, 1600, 85).unwrap().len();
    let picture = time(&mut || {
        media::picture_jpeg(&rotated, 1600, 1600, 85).unwrap();
    });
    let _ = fs::remove_dir_all(store.dir());
    println!("| step (median of {runs}, warm cache) | time |");
    println!("|---|---|");
    println!(
        "| attach: copy + SHA-256 + fsync + rename, check, decode, 256 px thumbnail | {} |",
        ms(attach_new)
    );
    println!(
        "| the same with EXIF orientation 6 (rotation applied) | {} |",
        ms(attach_rot)
    );
    println!(
        "| attach of a file already stored (dedup: hash, no new blob) | {} |",
        ms(attach_again)
    );
    println!(
        "| of which put_file (copy, hash, fsync, rename) | {} |",
        ms(put)
    );
    println!(
        "| of which check_photo (header + EOI scan) | {} |",
        ms(check)
    );
    println!("| of which decode (load_oriented) | {} |", ms(decode));
    println!(
        "| of which resize + encode 256 px thumbnail | {} |",
        ms(thumb)
    );
    println!("| fit_jpeg of the decoded image to 1600 px for the .docx (q85, {print_bytes} bytes) | {} |", ms(print));
    println!("| picture_jpeg(file, 1600, 1600, 85) with EXIF orientation 6: read, decode, fit, rotate, encode | {} |", ms(picture));
    println!(
        "(system load during the run: {})",
        fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
}

fn main() {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or("/tmp/tianbao-bench".into()),
    );
    fs::create_dir_all(&dir).unwrap();
    for tool in ["ffmpeg", "ffprobe"] {
        assert!(have(tool), "{tool} is needed");
    }
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .map(|v| v.trim_start_matches([' ', '\t', ':']).to_string())
            })
        })
        .unwrap_or("?".into());
    let date = Command::new("date")
        .arg("-u")
        .arg("+%Y-%m-%d %H:%M UTC")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let ffv = Command::new("ffprobe")
        .arg("-version")
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .unwrap_or("")
                .to_string()
        })
        .unwrap_or_default();
    println!("## Media benchmark");
    println!(
        "machine: {} cores (nproc), CPU \"{cpu}\", {date}; {ffv}",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0)
    );
    let c = Campaign::current();
    let mp4 = big_mp4(&dir, c.video.max_bytes);
    bench_video(&mp4, &dir, &c);
    let mpg = big_mpg(&dir, 1_000_000_000);
    bench_video(&mpg, &dir, &c);
    bench_attach(&dir, &c);
    println!(
        "\n(the big files stay in {} for the next run; delete them when done)",
        dir.display()
    );
}
