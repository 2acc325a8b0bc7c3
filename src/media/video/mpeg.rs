//! MPEG-1/2 program stream (.mpg) and video elementary stream: pack headers and PES packets
//! near the start and the end only ([`HEAD`] + [`TAIL`] bytes): the sequence header (size,
//! aspect code, frame rate), the duration from the first and last video PTS (an elementary
//! stream: from GOP time codes).

use super::{Probe, Src, HEAD, TAIL};
use crate::media::bytes::{be16, find};
use std::io;

/// Sequence header facts.
#[derive(Debug, Clone, Copy)]
struct SeqHeader {
    width: u32,
    height: u32,
    aspect_code: u8,
    fps: Option<f64>,
    mpeg2: bool,
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

/// The first [`HEAD`] bytes and, if the file is longer, its last [`TAIL`] bytes (never
/// overlapping the head).
fn ends(src: &mut Src) -> io::Result<(Vec<u8>, Option<Vec<u8>>)> {
    let head = src.read_at(0, HEAD)?;
    let tail = if src.len() > HEAD {
        Some(src.read_at(src.len().saturating_sub(TAIL).max(HEAD), TAIL)?)
    } else {
        None
    };
    Ok((head, tail))
}

pub(super) fn probe_ps(src: &mut Src) -> io::Result<Probe> {
    let mut p = Probe {
        container: "mpg",
        label: "MPG（MPEG 节目流）",
        ..Default::default()
    };
    let (head, tail) = ends(src)?;
    let tail = tail.unwrap_or_default();
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
pub(super) fn probe_es(src: &mut Src) -> io::Result<Probe> {
    let mut p = Probe {
        container: "mpg",
        label: "MPG（MPEG 视频基本流）",
        ..Default::default()
    };
    let (head, tail) = ends(src)?;
    let tail = tail.unwrap_or_else(|| head.clone());
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

#[cfg(test)]
mod tests {
    use super::*;

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
