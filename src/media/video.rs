//! The video check: container headers only, never the whole file (the bytes actually read are
//! counted and reported), and the 百度网盘 link format.
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

use super::sniff;
use super::{file_name, human_size, read_error, rule_size, shown, MediaError, MediaIssue};
use crate::campaign::Campaign;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

/// Bytes read at the start of an MPEG stream.
pub const HEAD: u64 = 256 * 1024;
/// Bytes read at the end of an MPEG stream.
pub const TAIL: u64 = 256 * 1024;
/// The largest `moov` box read into memory (a long video's sample tables are a few MB).
const MAX_MOOV: u64 = 64 * 1024 * 1024;
/// At most this many top-level boxes are walked (bounded time on a hostile file).
const MAX_TOP_BOXES: usize = 100_000;

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

/// A file read at chosen offsets, counting the bytes it returns.
struct Src {
    f: File,
    len: u64,
    read: u64,
}

impl Src {
    /// Up to `n` bytes at `off` (fewer at the end of the file).
    fn read_at(&mut self, off: u64, n: u64) -> io::Result<Vec<u8>> {
        if off >= self.len {
            return Ok(Vec::new());
        }
        let n = n.min(self.len - off) as usize;
        self.f.seek(SeekFrom::Start(off))?;
        let mut buf = vec![0u8; n];
        let mut got = 0;
        while got < n {
            match self.f.read(&mut buf[got..]) {
                Ok(0) => break,
                Ok(k) => got += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
        buf.truncate(got);
        self.read += got as u64;
        Ok(buf)
    }
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
    let mut src = Src {
        f,
        len: meta.len(),
        read: 0,
    };
    let probe = probe(&mut src).map_err(|e| read_error(path, e))?;
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut report = VideoReport {
        file: shown(path),
        file_name: file_name(path),
        extension,
        bytes: src.len,
        size: human_size(src.len),
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
        aspect: probe.dar.map(|r| aspect_name(r, probe.display)),
        codec: probe.codec.clone(),
        frame_rate: probe.fps.map(|f| (f * 1000.0).round() / 1000.0),
        bytes_read: 0,
        problems: probe.problems.clone(),
        notes: probe.notes.clone(),
        verdicts: Vec::new(),
        manual_checks: Vec::new(),
        ok: None,
    };
    report.verdicts = verdicts(&report, &probe, campaign);
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
    report.bytes_read = src.read;
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
        return probe_bmff(src);
    }
    if at(0, &[0, 0, 1, 0xBA]) {
        return probe_mpeg_ps(src);
    }
    if at(0, &[0, 0, 1, 0xB3]) {
        return probe_mpeg_es(src);
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

// ---------------------------------------------------------------- ISO BMFF (mp4, mov)

fn be16(b: &[u8], i: usize) -> Option<u32> {
    Some(u16::from_be_bytes(b.get(i..i + 2)?.try_into().ok()?) as u32)
}
fn be32(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(i..i + 4)?.try_into().ok()?))
}
fn be64(b: &[u8], i: usize) -> Option<u64> {
    Some(u64::from_be_bytes(b.get(i..i + 8)?.try_into().ok()?))
}

/// The child boxes laid end to end in `b`: (type, payload). Stops at the first malformed box.
fn children(b: &[u8]) -> impl Iterator<Item = ([u8; 4], &[u8])> {
    let mut i = 0usize;
    std::iter::from_fn(move || {
        if i + 8 > b.len() {
            return None;
        }
        let size32 = be32(b, i)? as u64;
        let typ: [u8; 4] = b[i + 4..i + 8].try_into().ok()?;
        let (hdr, size) = match size32 {
            0 => (8u64, (b.len() - i) as u64),
            1 => (16u64, be64(b, i + 8)?),
            s => (8u64, s),
        };
        if size < hdr || i as u64 + size > b.len() as u64 {
            i = b.len();
            return None;
        }
        let payload = &b[i + hdr as usize..i + size as usize];
        i += size as usize;
        Some((typ, payload))
    })
}

fn child<'a>(b: &'a [u8], typ: &[u8; 4]) -> Option<&'a [u8]> {
    children(b).find(|(t, _)| t == typ).map(|(_, p)| p)
}

fn fourcc(t: &[u8]) -> String {
    t.iter()
        .map(|&c| {
            if c.is_ascii_graphic() || c == b' ' {
                c as char
            } else {
                '?'
            }
        })
        .collect()
}

#[derive(Debug, Default)]
struct Track {
    handler: [u8; 4],
    tkhd_size: Option<(u32, u32)>,
    rotation: u32,
    codec: Option<String>,
    coded: Option<(u32, u32)>,
    timescale: u32,
    duration: u64,
    samples: u64,
}

fn probe_bmff(src: &mut Src) -> io::Result<Probe> {
    let mut p = Probe {
        container: "mp4",
        label: "MP4",
        ..Default::default()
    };
    let mut moov: Option<Vec<u8>> = None;
    let mut off = 0u64;
    let mut seen_ftyp = false;
    let mut seen_mdat = false;
    let mut boxes = 0;
    while off + 8 <= src.len && boxes < MAX_TOP_BOXES {
        boxes += 1;
        let h = src.read_at(off, 16)?;
        let size32 = be32(&h, 0).unwrap_or(0) as u64;
        let typ: [u8; 4] = h[4..8].try_into().expect("8 bytes read");
        if !typ
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b' ' || *c == 0xA9)
        {
            p.problems.push(format!(
                "文件结构损坏：第 {off} 字节处不是有效的数据块，视频可能不完整或已损坏"
            ));
            break;
        }
        let (hdr, size) = match size32 {
            0 => (8, src.len - off),
            1 => match be64(&h, 8) {
                Some(s) => (16, s),
                None => {
                    p.problems
                        .push("文件在数据块头处就结束了，视频不完整".into());
                    break;
                }
            },
            s => (8, s),
        };
        if size < hdr {
            p.problems
                .push(format!("文件结构损坏：第 {off} 字节处的数据块长度无效"));
            break;
        }
        let end = off.saturating_add(size);
        let truncated = end > src.len;
        match &typ {
            b"ftyp" => {
                let body = src.read_at(off + hdr, (size - hdr).min(256))?;
                if body.len() >= 4 {
                    let major = &body[..4];
                    p.brand = Some(fourcc(major));
                    let brands: Vec<&[u8]> = std::iter::once(major)
                        .chain(body.get(8..).unwrap_or(&[]).chunks_exact(4))
                        .collect();
                    if major == b"qt  " {
                        (p.container, p.label) = ("mov", "MOV（QuickTime）");
                    } else if major.starts_with(b"3g") {
                        (p.container, p.label) = ("3gp", "3GP（手机旧格式）");
                    } else if brands
                        .iter()
                        .any(|b| *b == b"heic" || *b == b"mif1" || *b == b"avif")
                    {
                        (p.container, p.label) = ("unknown", "不是视频");
                        p.not_video = Some("HEIC/AVIF 图片");
                    }
                }
                seen_ftyp = true;
            }
            b"moov" if !truncated => {
                if size - hdr > MAX_MOOV {
                    p.problems.push(format!(
                        "索引信息（moov）过大（{}），无法检查",
                        human_size(size)
                    ));
                } else {
                    moov = Some(src.read_at(off + hdr, size - hdr)?);
                }
            }
            _ => {}
        }
        if truncated {
            let what = match &typ {
                b"mdat" => "视频数据（mdat）",
                b"moov" => "索引信息（moov）",
                _ => "数据块",
            };
            p.problems.push(format!(
                "文件不完整：{what}应有 {}，但文件在 {} 处就结束了（可能没有复制完整、下载中断或录制时异常结束）",
                human_size(size),
                human_size(src.len)
            ));
            break;
        }
        if &typ == b"mdat" {
            seen_mdat = true;
        }
        off = end;
    }
    if p.problems.is_empty() && off < src.len && boxes < MAX_TOP_BOXES {
        p.problems.push(format!(
            "文件末尾不完整（最后 {} 字节不是完整的数据块），可能没有复制完整",
            src.len - off
        ));
    }
    if p.problems.is_empty() && !seen_mdat {
        p.problems
            .push("文件中没有视频数据（mdat），可能没有导出完成".into());
    }
    if !seen_ftyp && p.brand.is_none() {
        (p.container, p.label) = ("mov", "MOV（QuickTime）");
    }
    if p.not_video.is_some() {
        return Ok(p);
    }
    let Some(moov) = moov else {
        if p.problems.is_empty() {
            p.problems
                .push("文件中没有索引信息（moov），可能录制中断或没有导出完成，无法播放".into());
        } else {
            p.problems
                .push("缺少索引信息（moov），无法读取时长和分辨率。请重新导出或重新复制".into());
        }
        return Ok(p);
    };
    parse_moov(&moov, &mut p);
    Ok(p)
}

fn parse_moov(moov: &[u8], p: &mut Probe) {
    let mut movie_ts = 0u32;
    let mut movie_dur = 0u64;
    if let Some(mvhd) = child(moov, b"mvhd") {
        let v1 = mvhd.first() == Some(&1);
        let (ts, dur) = if v1 {
            (be32(mvhd, 20), be64(mvhd, 24))
        } else {
            (be32(mvhd, 12), be32(mvhd, 16).map(|d| d as u64))
        };
        movie_ts = ts.unwrap_or(0);
        movie_dur = dur.unwrap_or(0);
        if (!v1 && movie_dur == u32::MAX as u64) || movie_dur == u64::MAX {
            movie_dur = 0;
        }
    }
    // Fragmented mp4: the movie's duration is in mvex/mehd.
    if movie_dur == 0 {
        if let Some(mehd) = child(moov, b"mvex").and_then(|m| child(m, b"mehd")) {
            movie_dur = if mehd.first() == Some(&1) {
                be64(mehd, 4).unwrap_or(0)
            } else {
                be32(mehd, 4).unwrap_or(0) as u64
            };
        }
    }
    let tracks: Vec<Track> = children(moov)
        .filter(|(t, _)| t == b"trak")
        .map(|(_, t)| parse_trak(t))
        .collect();
    let video = tracks.iter().find(|t| &t.handler == b"vide");
    if movie_ts > 0 && movie_dur > 0 {
        p.duration = Some(movie_dur as f64 / movie_ts as f64);
    } else if let Some(v) = video.filter(|v| v.timescale > 0 && v.duration > 0) {
        p.duration = Some(v.duration as f64 / v.timescale as f64);
    }
    let Some(v) = video else {
        p.problems
            .push("文件里没有视频画面轨道（可能只有声音）".into());
        return;
    };
    p.codec = v.codec.clone();
    p.coded = v.coded;
    p.rotation = v.rotation;
    let size = v.tkhd_size.filter(|&(w, h)| w > 0 && h > 0).or(v.coded);
    if let Some((w, h)) = size {
        let (dw, dh) = if v.rotation % 180 == 90 {
            (h, w)
        } else {
            (w, h)
        };
        p.display = Some((dw, dh));
        p.dar = Some(dw as f64 / dh as f64);
    }
    if v.timescale > 0 && v.duration > 0 && v.samples > 0 {
        p.fps = Some(v.samples as f64 * v.timescale as f64 / v.duration as f64);
    }
}

fn parse_trak(trak: &[u8]) -> Track {
    let mut t = Track::default();
    if let Some(tkhd) = child(trak, b"tkhd") {
        let base = if tkhd.first() == Some(&1) {
            4 + 32 + 8 + 8
        } else {
            4 + 20 + 8 + 8
        };
        let m: Vec<i32> = (0..9)
            .filter_map(|k| be32(tkhd, base + 4 * k).map(|v| v as i32))
            .collect();
        if m.len() == 9 {
            let (a, b, c, d) = (m[0], m[1], m[3], m[4]);
            t.rotation = if a == 0 && d == 0 && b > 0 && c < 0 {
                90
            } else if a == 0 && d == 0 && b < 0 && c > 0 {
                270
            } else if a < 0 && d < 0 && b == 0 && c == 0 {
                180
            } else {
                0
            };
        }
        let w = be32(tkhd, base + 36);
        let h = be32(tkhd, base + 40);
        if let (Some(w), Some(h)) = (w, h) {
            t.tkhd_size = Some(((w + 0x8000) >> 16, (h + 0x8000) >> 16));
        }
    }
    let Some(mdia) = child(trak, b"mdia") else {
        return t;
    };
    if let Some(mdhd) = child(mdia, b"mdhd") {
        if mdhd.first() == Some(&1) {
            t.timescale = be32(mdhd, 20).unwrap_or(0);
            t.duration = be64(mdhd, 24).unwrap_or(0);
        } else {
            t.timescale = be32(mdhd, 12).unwrap_or(0);
            t.duration = be32(mdhd, 16).unwrap_or(0) as u64;
        }
    }
    if let Some(hdlr) = child(mdia, b"hdlr") {
        if let Some(h) = hdlr.get(8..12) {
            t.handler.copy_from_slice(h);
        }
    }
    let Some(stbl) = child(mdia, b"minf").and_then(|m| child(m, b"stbl")) else {
        return t;
    };
    if let Some(stsd) = child(stbl, b"stsd") {
        // version/flags 4, entry_count 4, then the first sample entry box.
        if let Some(entry) = stsd.get(8..) {
            if entry.len() >= 8 {
                t.codec = Some(fourcc(&entry[4..8]));
                // SampleEntry: 6 reserved + 2 index; VisualSampleEntry: 16 bytes, then w, h.
                if let (Some(w), Some(h)) = (be16(entry, 8 + 24), be16(entry, 8 + 26)) {
                    if &t.handler == b"vide" || (w > 0 && h > 0) {
                        t.coded = Some((w, h));
                    }
                }
            }
        }
    }
    if let Some(stts) = child(stbl, b"stts") {
        let n = be32(stts, 4).unwrap_or(0) as usize;
        t.samples = (0..n.min(stts.len() / 8))
            .filter_map(|k| be32(stts, 8 + 8 * k))
            .map(u64::from)
            .sum();
    }
    t
}

// ---------------------------------------------------------------- MPEG-1/2 program stream

/// Sequence header facts.
#[derive(Debug, Clone, Copy)]
struct SeqHeader {
    width: u32,
    height: u32,
    aspect_code: u8,
    fps: Option<f64>,
    mpeg2: bool,
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from >= hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

fn frame_rate(code: u8) -> Option<f64> {
    Some(match code {
        1 => 24000.0 / 1001.0,
        2 => 24.0,
        3 => 25.0,
        4 => 30000.0 / 1001.0,
        5 => 30.0,
        6 => 50.0,
        7 => 60000.0 / 1001.0,
        8 => 60.0,
        _ => return None,
    })
}

fn sequence_header(buf: &[u8]) -> Option<SeqHeader> {
    let mut from = 0;
    while let Some(i) = find(buf, &[0, 0, 1, 0xB3], from) {
        if let Some(b) = buf.get(i + 4..i + 8) {
            let mut s = SeqHeader {
                width: ((b[0] as u32) << 4) | (b[1] as u32 >> 4),
                height: (((b[1] & 0x0f) as u32) << 8) | b[2] as u32,
                aspect_code: b[3] >> 4,
                fps: frame_rate(b[3] & 0x0f),
                mpeg2: false,
            };
            // A sequence_extension (B5, id 1) before the next picture makes it MPEG-2.
            let window = &buf[i + 4..buf.len().min(i + 4 + 300)];
            if let Some(j) = find(window, &[0, 0, 1, 0xB5], 0) {
                if let Some(e) = window.get(j + 4..j + 7) {
                    if e[0] >> 4 == 1 {
                        s.mpeg2 = true;
                        s.width |= (((e[1] & 1) << 1 | e[2] >> 7) as u32) << 12;
                        s.height |= (((e[2] >> 5) & 3) as u32) << 12;
                    }
                }
            }
            if s.width > 0 && s.height > 0 {
                return Some(s);
            }
        }
        from = i + 4;
    }
    None
}

/// Display aspect ratio from the sequence header.
fn mpeg_dar(s: &SeqHeader) -> Option<f64> {
    let wh = s.width as f64 / s.height as f64;
    if s.mpeg2 {
        return match s.aspect_code {
            1 => Some(wh),
            2 => Some(4.0 / 3.0),
            3 => Some(16.0 / 9.0),
            4 => Some(2.21),
            _ => None,
        };
    }
    // MPEG-1: pel aspect ratio (height/width of a pixel).
    let pel = [
        0.0, 1.0, 0.6735, 0.7031, 0.7615, 0.8055, 0.8437, 0.8935, 0.9157, 0.9815, 1.0255, 1.0695,
        1.0950, 1.1575, 1.2015,
    ];
    pel.get(s.aspect_code as usize)
        .filter(|&&p| p > 0.0)
        .map(|p| wh / p)
}

fn ts33(b: &[u8]) -> Option<u64> {
    let b = b.get(..5)?;
    Some(
        (((b[0] >> 1) & 7) as u64) << 30
            | (b[1] as u64) << 22
            | ((b[2] >> 1) as u64) << 15
            | (b[3] as u64) << 7
            | (b[4] >> 1) as u64,
    )
}

/// Timestamps met walking packs and PES packets in `buf`.
#[derive(Debug, Default)]
struct Stamps {
    video_pts: Vec<u64>,
    other_pts: Vec<u64>,
    scr: Vec<u64>,
}

fn pes_pts(h: &[u8]) -> Option<u64> {
    if h.first()? & 0xC0 == 0x80 {
        // MPEG-2 PES header.
        if h.get(1)? >> 6 & 2 != 0 {
            return ts33(h.get(3..)?);
        }
        return None;
    }
    // MPEG-1: stuffing, optional STD buffer, then PTS.
    let mut j = 0;
    while j < 16 && *h.get(j)? == 0xFF {
        j += 1;
    }
    if h.get(j)? & 0xC0 == 0x40 {
        j += 2;
    }
    if h.get(j)? & 0xE0 == 0x20 {
        return ts33(h.get(j..)?);
    }
    None
}

fn walk_ps(buf: &[u8]) -> Stamps {
    let mut st = Stamps::default();
    let resync = |from: usize| find(buf, &[0, 0, 1, 0xBA], from);
    let Some(mut i) = resync(0) else {
        return st;
    };
    while i + 6 <= buf.len() {
        if buf[i..i + 3] != [0, 0, 1] {
            match resync(i + 1) {
                Some(n) => {
                    i = n;
                    continue;
                }
                None => break,
            }
        }
        let sid = buf[i + 3];
        match sid {
            0xBA => {
                let Some(b) = buf.get(i + 4..i + 14) else {
                    break;
                };
                if b[0] >> 6 == 1 {
                    let scr = (((b[0] >> 3) & 7) as u64) << 30
                        | ((b[0] & 3) as u64) << 28
                        | (b[1] as u64) << 20
                        | ((b[2] >> 3) as u64) << 15
                        | ((b[2] & 3) as u64) << 13
                        | (b[3] as u64) << 5
                        | (b[4] >> 3) as u64;
                    st.scr.push(scr);
                    i += 14 + (b[9] & 7) as usize;
                } else if b[0] >> 4 == 2 {
                    if let Some(s) = ts33(b) {
                        st.scr.push(s);
                    }
                    i += 12;
                } else {
                    i += 4;
                }
            }
            0xB9 => i += 4,
            0xBB..=0xFF => {
                let len = be16(buf, i + 4).unwrap_or(0) as usize;
                if (0xC0..=0xEF).contains(&sid) || sid == 0xBD {
                    let end = buf.len().min(i + 6 + len);
                    if let Some(pts) = pes_pts(&buf[i + 6..end]) {
                        if sid >= 0xE0 {
                            st.video_pts.push(pts);
                        } else {
                            st.other_pts.push(pts);
                        }
                    }
                }
                i += 6 + len;
            }
            _ => match resync(i + 1) {
                Some(n) => i = n,
                None => break,
            },
        }
    }
    st
}

fn probe_mpeg_ps(src: &mut Src) -> io::Result<Probe> {
    let mut p = Probe {
        container: "mpg",
        label: "MPG（MPEG 节目流）",
        ..Default::default()
    };
    let head = src.read_at(0, HEAD)?;
    let tail = if src.len > HEAD {
        src.read_at(src.len.saturating_sub(TAIL).max(HEAD), TAIL)?
    } else {
        Vec::new()
    };
    let seq = sequence_header(&head);
    apply_seq(&mut p, seq);
    let first = walk_ps(&head);
    let last = if tail.is_empty() {
        walk_ps(&head)
    } else {
        walk_ps(&tail)
    };
    let pick = |a: &Vec<u64>, b: &Vec<u64>| -> Option<(u64, u64)> {
        Some((*a.iter().min()?, *b.iter().max()?))
    };
    let span = pick(&first.video_pts, &last.video_pts)
        .map(|s| (s, true))
        .or_else(|| pick(&first.other_pts, &last.other_pts).map(|s| (s, false)))
        .or_else(|| pick(&first.scr, &last.scr).map(|s| (s, false)));
    match span {
        Some(((a, b), video)) => {
            let b = if b < a { b + (1u64 << 33) } else { b };
            let frame = if video {
                seq.and_then(|s| s.fps).map(|f| 1.0 / f).unwrap_or(0.0)
            } else {
                0.0
            };
            p.duration = Some((b - a) as f64 / 90_000.0 + frame);
            p.notes.push("时长由开头和结尾的时间戳计算".into());
        }
        None => p.problems.push("没有找到时间戳，无法计算时长".into()),
    }
    Ok(p)
}

fn apply_seq(p: &mut Probe, seq: Option<SeqHeader>) {
    match seq {
        Some(s) => {
            p.coded = Some((s.width, s.height));
            p.display = Some((s.width, s.height));
            p.dar = mpeg_dar(&s).or(Some(s.width as f64 / s.height as f64));
            p.fps = s.fps;
            p.codec = Some(if s.mpeg2 { "mpeg2video" } else { "mpeg1video" }.into());
        }
        None => p.problems.push(
            "没有找到 MPEG-1/2 视频序列头，无法读取分辨率（可能是其他编码，或文件开头已损坏）"
                .into(),
        ),
    }
}

/// An MPEG video elementary stream (.m2v/.mpg without packs): GOP time codes give the time.
fn probe_mpeg_es(src: &mut Src) -> io::Result<Probe> {
    let mut p = Probe {
        container: "mpg",
        label: "MPG（MPEG 视频基本流）",
        ..Default::default()
    };
    let head = src.read_at(0, HEAD)?;
    let tail = if src.len > HEAD {
        src.read_at(src.len.saturating_sub(TAIL).max(HEAD), TAIL)?
    } else {
        head.clone()
    };
    let seq = sequence_header(&head);
    apply_seq(&mut p, seq);
    let fps = seq.and_then(|s| s.fps).unwrap_or(25.0);
    let gops = |buf: &[u8]| -> Vec<f64> {
        let mut out = Vec::new();
        let mut from = 0;
        while let Some(i) = find(buf, &[0, 0, 1, 0xB8], from) {
            if let Some(b) = buf.get(i + 4..i + 8) {
                let hours = (b[0] >> 2) & 0x1f;
                let minutes = ((b[0] & 3) << 4) | (b[1] >> 4);
                let seconds = ((b[1] & 7) << 3) | (b[2] >> 5);
                let pictures = ((b[2] & 0x1f) << 1) | (b[3] >> 7);
                out.push(
                    hours as f64 * 3600.0
                        + minutes as f64 * 60.0
                        + seconds as f64
                        + pictures as f64 / fps,
                );
            }
            from = i + 4;
        }
        out
    };
    let (first, last) = (gops(&head), gops(&tail));
    match (first.first(), last.last()) {
        (Some(&a), Some(&b)) if b >= a => {
            let gop = if last.len() >= 2 {
                last[last.len() - 1] - last[last.len() - 2]
            } else {
                0.0
            };
            p.duration = Some(b - a + gop);
            p.notes
                .push("时长由 GOP 时间码估算（误差约一个 GOP）".into());
        }
        _ => p.problems.push("没有找到 GOP 时间码，无法计算时长".into()),
    }
    Ok(p)
}

// ---------------------------------------------------------------- verdicts

/// "4分00秒", "1小时02分03秒", "59秒".
pub fn format_duration(secs: f64) -> String {
    let s = secs.round().max(0.0) as u64;
    let (h, m, s) = (s / 3600, s % 3600 / 60, s % 60);
    if h > 0 {
        format!("{h}小时{m:02}分{s:02}秒")
    } else if m > 0 {
        format!("{m}分{s:02}秒")
    } else {
        format!("{s}秒")
    }
}

fn minutes_or_seconds(secs: u32) -> String {
    if secs.is_multiple_of(60) {
        format!("{} 分钟", secs / 60)
    } else {
        format!("{secs} 秒")
    }
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// "16:9", "9:16", "4:3", or "2.35:1".
fn aspect_name(dar: f64, display: Option<(u32, u32)>) -> String {
    for (w, h) in [(16, 9), (9, 16), (4, 3), (3, 4), (1, 1), (21, 9)] {
        if (dar - w as f64 / h as f64).abs() < 0.005 * (w as f64 / h as f64) {
            return format!("{w}:{h}");
        }
    }
    if let Some((w, h)) = display {
        let g = gcd(w, h).max(1);
        if w / g <= 64 && h / g <= 64 {
            return format!("{}:{}", w / g, h / g);
        }
    }
    format!("{dar:.2}:1")
}

/// "16:9" → 16/9.
fn parse_aspect(s: &str) -> Option<f64> {
    let (w, h) = s.split_once(':')?;
    let (w, h): (f64, f64) = (w.trim().parse().ok()?, h.trim().parse().ok()?);
    (w > 0.0 && h > 0.0).then_some(w / h)
}

fn verdict(rule: &str, ok: Option<bool>, message: String) -> Verdict {
    Verdict {
        rule: rule.into(),
        ok,
        message,
    }
}

fn verdicts(r: &VideoReport, p: &Probe, c: &Campaign) -> Vec<Verdict> {
    let v = &c.video;
    let mut out = Vec::new();
    let allowed_list = v.containers.join("、");
    let readable = p.not_video.is_none() && p.container != "unknown";

    // Integrity.
    out.push(if !readable {
        verdict("integrity", None, "不是可识别的视频文件，无法检查".into())
    } else if p.problems.is_empty() {
        verdict("integrity", Some(true), "文件头信息完整".into())
    } else {
        verdict(
            "integrity",
            Some(false),
            format!("{}。", p.problems.join("；")),
        )
    });

    // Container.
    let allowed = v.containers.iter().any(|c| c == p.container);
    out.push(if let Some(what) = p.not_video {
        verdict(
            "container",
            Some(false),
            format!("“{}”不是视频文件（内容看起来是{what}）。请确认选择的是导出的视频文件本身（{allowed_list} 格式）。", r.file_name),
        )
    } else if allowed {
        let ext_note = if !r.extension.is_empty() && r.extension != p.container && !(p.container == "mpg" && r.extension == "mpeg") {
            format!("（扩展名为 .{}，内容为 {}）", r.extension, p.label)
        } else {
            String::new()
        };
        verdict("container", Some(true), format!("格式 {}，符合要求（{allowed_list}）{ext_note}", p.label))
    } else {
        verdict(
            "container",
            Some(false),
            format!(
                "格式是 {}{}，通知只接受 {allowed_list}。请用剪映、格式工厂等软件导出为 MP4（H.264，1920×1080）。",
                p.label,
                if r.extension.is_empty() { String::new() } else { format!("（扩展名 .{}）", r.extension) }
            ),
        )
    });

    // Duration.
    let range = if v.min_seconds.is_multiple_of(60) && v.max_seconds.is_multiple_of(60) {
        format!("{}–{} 分钟", v.min_seconds / 60, v.max_seconds / 60)
    } else {
        format!("{}–{} 秒", v.min_seconds, v.max_seconds)
    };
    out.push(match p.duration {
        None => verdict("duration", None, "无法从文件头读取时长".into()),
        Some(d) => {
            let secs = d.round() as u64;
            let shown = format_duration(d);
            if secs < v.min_seconds as u64 {
                verdict(
                    "duration",
                    Some(false),
                    format!(
                        "时长 {shown}，不足 {}（通知要求 {range}）",
                        minutes_or_seconds(v.min_seconds)
                    ),
                )
            } else if secs > v.max_seconds as u64 {
                verdict(
                    "duration",
                    Some(false),
                    format!(
                        "时长 {shown}，超过 {}（通知要求 {range}）。请剪辑后重新导出",
                        minutes_or_seconds(v.max_seconds)
                    ),
                )
            } else {
                verdict(
                    "duration",
                    Some(true),
                    format!("时长 {shown}，符合 {range} 的要求"),
                )
            }
        }
    });

    // Resolution and aspect.
    let portrait = |w: u32, h: u32| h > w;
    out.push(match p.display {
        None => verdict("resolution", None, "无法从文件头读取分辨率".into()),
        Some((w, h)) if (w, h) == (v.width, v.height) => verdict(
            "resolution",
            Some(true),
            format!(
                "分辨率 {w}×{h}，符合 {}×{}（1080P）的要求",
                v.width, v.height
            ),
        ),
        Some((w, h)) => verdict(
            "resolution",
            Some(false),
            format!(
                "分辨率 {w}×{h}{}，通知要求 {}×{}{}。请用原始素材按 {}×{} 重新导出",
                if portrait(w, h) { "（竖屏）" } else { "" },
                v.width,
                v.height,
                if v.height == 1080 { "（1080P）" } else { "" },
                v.width,
                v.height
            ),
        ),
    });
    let target = parse_aspect(&v.aspect).unwrap_or(v.width as f64 / v.height as f64);
    out.push(match (p.dar, p.display) {
        (Some(dar), display) => {
            let name = aspect_name(dar, display);
            let is_portrait = dar < 1.0;
            let matches = (dar - target).abs() <= 0.01 * target;
            if matches {
                verdict("aspect", Some(true), format!("横屏 {}，符合要求", v.aspect))
            } else if is_portrait {
                verdict(
                    "aspect",
                    Some(false),
                    format!(
                        "竖屏视频（画幅 {name}{}），通知要求横屏拍摄、画幅 {}。请横屏重新拍摄或按横屏重新剪辑导出",
                        if p.rotation != 0 { "，视频带有旋转信息，播放时为竖屏" } else { "" },
                        v.aspect
                    ),
                )
            } else {
                verdict("aspect", Some(false), format!("画幅 {name}，通知要求横屏 {}", v.aspect))
            }
        }
        (None, _) => verdict("aspect", None, "无法从文件头读取画幅比例".into()),
    });

    // Size.
    out.push(if r.bytes <= v.max_bytes {
        verdict("size", Some(true), format!("文件大小 {}，不超过 {}", r.size, rule_size(v.max_bytes)))
    } else {
        verdict(
            "size",
            Some(false),
            format!("文件大小 {}，超过 {} 上限。请降低码率重新导出（3–5 分钟的 1080P 视频用 8–20 Mbps 即可）", r.size, rule_size(v.max_bytes)),
        )
    });
    out
}

// ---------------------------------------------------------------- 百度网盘 link

const BAIDU_HOST: &str = "pan.baidu.com";

/// Pulls the link and the 提取码 out of a pasted share text such as
/// "链接：https://pan.baidu.com/s/1AbC…?pwd=x7k2 提取码：x7k2 复制这段内容后打开百度网盘手机App".
pub fn parse_netdisk_share(text: &str) -> (Option<String>, Option<String>) {
    let link = text.find("http").map(|i| {
        text[i..]
            .chars()
            .take_while(|c| c.is_ascii_graphic())
            .collect::<String>()
    });
    let mut code = text.find("提取码").and_then(|i| {
        let rest = text[i + "提取码".len()..].trim_start_matches([':', '：', ' ', '\u{3000}']);
        let c: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        (c.len() == 4).then_some(c)
    });
    if code.is_none() {
        code = link.as_deref().and_then(pwd_of);
    }
    (link, code)
}

fn pwd_of(link: &str) -> Option<String> {
    let q = link.split_once('?')?.1;
    q.split('&')
        .find_map(|kv| kv.strip_prefix("pwd="))
        .map(|s| s.to_string())
}

/// Checks the 百度网盘 share link and its 提取码 (format only; nothing is fetched).
pub fn check_netdisk(link: &str, code: &str) -> Vec<MediaIssue> {
    let mut out = Vec::new();
    let link = link.trim();
    let code = code.trim();
    let pwd = pwd_of(link);
    if link.is_empty() {
        // A warning: the video is often uploaded after the form is written.
        out.push(MediaIssue::warning(
            "netdisk_link_missing",
            "未填写百度网盘链接。通知要求视频上传至百度网盘，并在邮件中写明下载链接。",
        ));
    } else if link.chars().any(|c| c.is_whitespace() || !c.is_ascii()) {
        out.push(MediaIssue::error(
            "netdisk_link_format",
            "链接里夹有空格或中文。请只填写以 https://pan.baidu.com/s/ 开头的链接本身，提取码填在“提取码”一栏。",
        ));
    } else {
        let rest = link
            .strip_prefix("https://")
            .or_else(|| link.strip_prefix("http://"))
            .unwrap_or(link);
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        if !host.eq_ignore_ascii_case(BAIDU_HOST) && !host.eq_ignore_ascii_case("yun.baidu.com") {
            out.push(MediaIssue::error(
                "netdisk_not_baidu",
                format!("“{link}”不是百度网盘链接。通知要求视频上传至百度网盘，链接应以 https://pan.baidu.com/s/ 开头。"),
            ));
        } else {
            let path = path.split(['?', '#']).next().unwrap_or("");
            let id = if let Some(id) = path.strip_prefix("s/") {
                Some(id)
            } else if path == "share/init" {
                link.split_once("surl=")
                    .map(|(_, s)| s.split('&').next().unwrap_or(""))
            } else {
                None
            };
            match id {
                None => out.push(MediaIssue::error(
                    "netdisk_link_format",
                    "这不是百度网盘的分享链接。请在百度网盘里对视频点“分享”，复制生成的链接（https://pan.baidu.com/s/…）。",
                )),
                Some(id) if id.len() < 6 || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') => {
                    out.push(MediaIssue::error(
                        "netdisk_link_format",
                        "分享链接不完整或有多余字符（/s/ 后面应是一串字母数字）。请重新复制完整的分享链接。",
                    ))
                }
                Some(_) => {
                    if !link.starts_with("https://") {
                        out.push(MediaIssue::warning(
                            "netdisk_link_scheme",
                            "建议填写完整链接，以 https://pan.baidu.com/s/ 开头。",
                        ));
                    }
                }
            }
        }
    }
    if code.is_empty() {
        if pwd.is_none() {
            out.push(MediaIssue::warning(
                "netdisk_code_missing",
                "未填写提取码。如分享时设置了提取码，请填写 4 位提取码，否则对方无法下载。",
            ));
        }
    } else if code.chars().count() != 4 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        let fullwidth = code.chars().any(|c| ('\u{FF10}'..='\u{FF5A}').contains(&c));
        out.push(MediaIssue::error(
            "netdisk_code_format",
            format!(
                "提取码应为 4 位字母或数字，当前填写的是“{code}”。{}",
                if fullwidth {
                    "请切换到半角（英文）输入法重新输入。"
                } else {
                    ""
                }
            ),
        ));
    } else if let Some(p) = pwd.filter(|p| !p.eq_ignore_ascii_case(code)) {
        out.push(MediaIssue::warning(
            "netdisk_code_mismatch",
            format!("链接里带的提取码（pwd={p}）与填写的提取码“{code}”不一致，请核对。"),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(v: &[MediaIssue]) -> Vec<&str> {
        v.iter().map(|i| i.code.as_str()).collect()
    }

    #[test]
    fn netdisk_links_and_codes() {
        let ok = "https://pan.baidu.com/s/1AbCdEfGhIjKlMnOpQrStUv";
        assert!(check_netdisk(ok, "x7k2").is_empty());
        assert!(check_netdisk(&format!("{ok}?pwd=x7k2"), "").is_empty());
        assert_eq!(
            codes(&check_netdisk(&format!("{ok}?pwd=x7k2"), "abcd")),
            ["netdisk_code_mismatch"]
        );
        assert_eq!(
            codes(&check_netdisk("", "")),
            ["netdisk_link_missing", "netdisk_code_missing"]
        );
        assert_eq!(
            codes(&check_netdisk(
                "https://www.aliyundrive.com/s/abcdefg",
                "x7k2"
            )),
            ["netdisk_not_baidu"]
        );
        assert_eq!(
            codes(&check_netdisk("https://pan.baidu.com/disk/home", "x7k2")),
            ["netdisk_link_format"]
        );
        assert_eq!(
            codes(&check_netdisk("https://pan.baidu.com/s/1Ab", "x7k2")),
            ["netdisk_link_format"]
        );
        assert_eq!(
            codes(&check_netdisk(&format!("链接：{ok} 提取码：x7k2"), "x7k2")),
            ["netdisk_link_format"]
        );
        assert_eq!(
            codes(&check_netdisk("pan.baidu.com/s/1AbCdEfGhIjKlMn", "x7k2")),
            ["netdisk_link_scheme"]
        );
        assert_eq!(codes(&check_netdisk(ok, "x7k")), ["netdisk_code_format"]);
        let fw = check_netdisk(ok, "ｘ７ｋ２");
        assert!(fw[0].message.contains("半角"), "{fw:?}");
        assert!(
            check_netdisk("https://pan.baidu.com/share/init?surl=AbCdEfGhIjKl", "x7k2").is_empty()
        );
        assert!(check_netdisk("", "")[0].message.contains("百度网盘"));
    }

    #[test]
    fn pasted_share_texts_are_split() {
        let t = "链接：https://pan.baidu.com/s/1AbCdEfGhIjKlMnOpQrStUv 提取码：x7k2 \n--来自百度网盘超级会员v5的分享";
        let (l, c) = parse_netdisk_share(t);
        assert_eq!(
            l.as_deref(),
            Some("https://pan.baidu.com/s/1AbCdEfGhIjKlMnOpQrStUv")
        );
        assert_eq!(c.as_deref(), Some("x7k2"));
        let (l, c) = parse_netdisk_share("通过网盘分享的文件：案例.mp4\n链接: https://pan.baidu.com/s/1xYz12345?pwd=ab12 提取码: ab12");
        assert_eq!(
            l.as_deref(),
            Some("https://pan.baidu.com/s/1xYz12345?pwd=ab12")
        );
        assert_eq!(c.as_deref(), Some("ab12"));
        let (_, c) = parse_netdisk_share("https://pan.baidu.com/s/1xYz12345?pwd=zz99");
        assert_eq!(c.as_deref(), Some("zz99"));
    }

    #[test]
    fn durations_and_aspects_read_naturally() {
        assert_eq!(format_duration(240.0), "4分00秒");
        assert_eq!(format_duration(59.4), "59秒");
        assert_eq!(format_duration(3723.0), "1小时02分03秒");
        assert_eq!(aspect_name(16.0 / 9.0, Some((1920, 1080))), "16:9");
        assert_eq!(aspect_name(9.0 / 16.0, Some((1080, 1920))), "9:16");
        assert_eq!(aspect_name(1440.0 / 1080.0, Some((1440, 1080))), "4:3");
        assert_eq!(aspect_name(2.35, Some((1920, 817))), "2.35:1");
        assert_eq!(parse_aspect("16:9"), Some(16.0 / 9.0));
    }

    #[test]
    fn mpeg_timestamps_decode() {
        // PTS 0x1_2345_6789 with marker bits, '0010' prefix.
        let v: u64 = 0x1_2345_6789;
        let b = [
            0x20 | (((v >> 30) & 7) as u8) << 1 | 1,
            (v >> 22) as u8,
            (((v >> 15) & 0x7f) as u8) << 1 | 1,
            (v >> 7) as u8,
            ((v & 0x7f) as u8) << 1 | 1,
        ];
        assert_eq!(ts33(&b), Some(v));
    }
}
