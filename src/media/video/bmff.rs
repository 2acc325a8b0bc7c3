//! ISO BMFF (mp4, mov): top-level boxes walked by seeking from header to header (the media
//! data is never read; `moov` may come first or last; 64-bit box sizes are handled); `moov`
//! alone is read into memory.

use super::{Probe, Src};
use crate::media::bytes::{be16, be32, be64};
use crate::media::human_size;
use std::io;

/// The largest `moov` box read into memory (a long video's sample tables are a few MB).
const MAX_MOOV: u64 = 64 * 1024 * 1024;
/// At most this many top-level boxes are walked (bounded time on a hostile file).
const MAX_TOP_BOXES: usize = 100_000;

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

pub(super) fn probe(src: &mut Src) -> io::Result<Probe> {
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
    while off + 8 <= src.len() && boxes < MAX_TOP_BOXES {
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
            0 => (8, src.len() - off),
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
        let truncated = end > src.len();
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
                human_size(src.len())
            ));
            break;
        }
        if &typ == b"mdat" {
            seen_mdat = true;
        }
        off = end;
    }
    if p.problems.is_empty() && off < src.len() && boxes < MAX_TOP_BOXES {
        p.problems.push(format!(
            "文件末尾不完整（最后 {} 字节不是完整的数据块），可能没有复制完整",
            src.len() - off
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
