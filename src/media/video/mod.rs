//! The video check: container headers only, never the whole file (the bytes actually read are
//! counted and reported). `bmff` and `mpeg` read the containers, `verdict` holds them against
//! `campaign.video`; the 百度网盘 link is [`super::netdisk`]'s.
//!
//! - ISO BMFF (mp4, mov): top-level boxes are walked by seeking from header to header (the
//!   media data is never read; `moov` may come first or last; 64-bit box sizes are handled);
//!   `moov` alone is read: `mvhd` (duration), each `trak`'s `tkhd` (display size, rotation
//!   matrix), `mdia/mdhd`, `mdia/hdlr` (`vide`), `stbl/stsd` (codec, coded size), `stbl/stts`
//!   (frame count → frame rate).
//! - MPEG program stream (.mpg): pack headers and PES packets near the start and the end only
//!   ([`HEAD`] + [`TAIL`] bytes): sequence header (size, aspect code, frame rate), duration from
//!   the first and last video PTS. An MPEG video elementary stream: GOP time codes.
//!
//! The verdicts follow `campaign.video`; a rule whose input could not be read is `ok: null`.

mod bmff;
mod mpeg;
mod verdict;

pub use verdict::format_duration;

use super::bytes::ReadAt;
use super::{file_name, human_size, read_error, shown, sniff, MediaError};
use crate::campaign::Campaign;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io;
use std::path::Path;

/// The video file, read at chosen offsets (bytes counted).
type Src = ReadAt<File>;

/// Bytes read at the start of an MPEG stream.
pub const HEAD: u64 = 256 * 1024;
/// Bytes read at the end of an MPEG stream.
pub const TAIL: u64 = 256 * 1024;

/// One rule of the notice and whether the file meets it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// `integrity`, `container`, `duration`, `resolution`, `aspect`, `size`.
    pub rule: String,
    /// `true` met, `false` not met, `null` could not be determined from the headers.
    pub ok: Option<bool>,
    /// Chinese, for the clerk.
    pub message: String,
}

/// The result of [`check_video`]; kept as JSON in `Video::check`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VideoReport {
    pub file: String,
    pub file_name: String,
    pub extension: String,
    pub bytes: u64,
    /// e.g. "812.4 MB".
    pub size: String,
    /// From the content: "mp4", "mov", "mpg", or what it is instead ("mkv", "avi", "flv",
    /// "wmv", "ts", "3gp", "unknown").
    pub container: String,
    /// The container for the clerk, e.g. "MP4", "MOV（QuickTime）".
    pub container_label: String,
    /// ISO BMFF major brand ("isom", "qt  "…).
    pub brand: Option<String>,
    pub duration_seconds: Option<f64>,
    /// e.g. "4分00秒".
    pub duration: Option<String>,
    /// As displayed (rotation applied).
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// As coded in the stream.
    pub coded_width: Option<u32>,
    pub coded_height: Option<u32>,
    /// Degrees clockwise from the track matrix: 0, 90, 180, 270.
    pub rotation: u32,
    /// Display aspect ratio, e.g. "16:9", "9:16", "4:3".
    pub aspect: Option<String>,
    /// Codec fourcc ("avc1", "hvc1") or "mpeg2video"/"mpeg1video".
    pub codec: Option<String>,
    pub frame_rate: Option<f64>,
    /// How many bytes of the file were read to produce this report.
    pub bytes_read: u64,
    /// Structural problems (truncated, no index…), Chinese.
    pub problems: Vec<String>,
    /// How values were obtained when it matters (estimates), Chinese.
    pub notes: Vec<String>,
    pub verdicts: Vec<Verdict>,
    /// What cannot be detected and the clerk confirms (水印, 广告), Chinese.
    pub manual_checks: Vec<String>,
    /// `false` if any verdict failed, `true` if all passed, `null` otherwise.
    pub ok: Option<bool>,
}

/// What the headers say, before the rules.
#[derive(Debug, Default)]
struct Probe {
    container: &'static str,
    label: &'static str,
    brand: Option<String>,
    duration: Option<f64>,
    coded: Option<(u32, u32)>,
    display: Option<(u32, u32)>,
    rotation: u32,
    /// Display aspect ratio when the stream says it (MPEG aspect code); else display w/h.
    dar: Option<f64>,
    codec: Option<String>,
    fps: Option<f64>,
    problems: Vec<String>,
    notes: Vec<String>,
    /// What a non-video looks like ("文本文件").
    not_video: Option<&'static str>,
}

/// Checks the video at `path` against `campaign.video`, reading only its headers.
/// `Err` only when the file cannot be read at all.
pub fn check_video(path: &Path, campaign: &Campaign) -> Result<VideoReport, MediaError> {
    let f = File::open(path).map_err(|e| read_error(path, e))?;
    let meta = f.metadata().map_err(|e| read_error(path, e))?;
    if meta.is_dir() {
        return Err(MediaError::Read {
            path: shown(path),
            reason: "这是一个文件夹，不是视频文件".into(),
        });
    }
    let mut src = ReadAt::new(f, meta.len());
    let probe = probe(&mut src).map_err(|e| read_error(path, e))?;
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut report = VideoReport {
        file: shown(path),
        file_name: file_name(path),
        extension,
        bytes: src.len(),
        size: human_size(src.len()),
        container: probe.container.to_string(),
        container_label: probe.label.to_string(),
        brand: probe.brand.clone(),
        duration_seconds: probe.duration.map(|d| (d * 1000.0).round() / 1000.0),
        duration: probe.duration.map(format_duration),
        width: probe.display.map(|d| d.0),
        height: probe.display.map(|d| d.1),
        coded_width: probe.coded.map(|d| d.0),
        coded_height: probe.coded.map(|d| d.1),
        rotation: probe.rotation,
        aspect: probe.dar.map(|r| verdict::aspect_name(r, probe.display)),
        codec: probe.codec.clone(),
        frame_rate: probe.fps.map(|f| (f * 1000.0).round() / 1000.0),
        bytes_read: 0,
        problems: probe.problems.clone(),
        notes: probe.notes.clone(),
        verdicts: Vec::new(),
        manual_checks: Vec::new(),
        ok: None,
    };
    report.verdicts = verdict::verdicts(&report, &probe, campaign);
    report.ok = overall(&report.verdicts);
    if campaign.video.no_watermark {
        report
            .manual_checks
            .push("视频中不得添加任何水印标识（无法自动检测，请人工确认）".into());
    }
    if campaign.video.no_ads {
        report
            .manual_checks
            .push("视频中不得插入任何商业广告（无法自动检测，请人工确认）".into());
    }
    report.bytes_read = src.bytes_read();
    Ok(report)
}

fn overall(v: &[Verdict]) -> Option<bool> {
    if v.iter().any(|v| v.ok == Some(false)) {
        Some(false)
    } else if v.iter().all(|v| v.ok == Some(true)) {
        Some(true)
    } else {
        None
    }
}

fn probe(src: &mut Src) -> io::Result<Probe> {
    let head = src.read_at(0, 1024)?;
    let at = |i: usize, m: &[u8]| head.len() >= i + m.len() && &head[i..i + m.len()] == m;
    let bmff_types: [&[u8]; 8] = [
        b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot", b"styp",
    ];
    if head.len() >= 8 && bmff_types.iter().any(|t| at(4, t)) {
        return bmff::probe(src);
    }
    if at(0, &[0, 0, 1, 0xBA]) {
        return mpeg::probe_ps(src);
    }
    if at(0, &[0, 0, 1, 0xB3]) {
        return mpeg::probe_es(src);
    }
    let mut p = Probe::default();
    let other = |p: &mut Probe, c, l| {
        p.container = c;
        p.label = l;
    };
    if head.len() > 376 && head[0] == 0x47 && head[188] == 0x47 && head[376] == 0x47 {
        other(&mut p, "ts", "TS（MPEG 传输流）");
    } else if at(0, &[0x1A, 0x45, 0xDF, 0xA3]) {
        other(&mut p, "mkv", "MKV/WebM");
    } else if at(0, b"RIFF") && at(8, b"AVI ") {
        other(&mut p, "avi", "AVI");
    } else if at(0, b"FLV") {
        other(&mut p, "flv", "FLV");
    } else if at(0, &[0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11]) {
        other(&mut p, "wmv", "WMV/ASF");
    } else {
        other(&mut p, "unknown", "不是视频");
        p.not_video = Some(
            match sniff::sniff(&head[..head.len().min(sniff::SNIFF_LEN)]) {
                sniff::Format::Unknown => {
                    sniff::describe_unknown(&head[..head.len().min(sniff::SNIFF_LEN)])
                }
                _ => "图片或文档",
            },
        );
    }
    Ok(p)
}
