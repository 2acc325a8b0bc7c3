//! The video's verdicts: each rule of `campaign.video` (integrity, container, duration,
//! resolution, aspect, size) held against what the headers say, in Chinese; limits come from
//! the campaign, never from here.

use super::{Probe, Verdict, VideoReport};
use crate::campaign::Campaign;
use crate::media::rule_size;

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

/// The bit rate (Mbps, rounded down) at which a video of `seconds` stays within `bytes`.
fn max_mbps(bytes: u64, seconds: u32) -> u64 {
    bytes * 8 / seconds.max(1) as u64 / 1_000_000
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// "16:9", "9:16", "4:3", or "2.35:1".
pub(super) fn aspect_name(dar: f64, display: Option<(u32, u32)>) -> String {
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

pub(super) fn verdicts(r: &VideoReport, p: &Probe, c: &Campaign) -> Vec<Verdict> {
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
                "格式是 {}{}，通知只接受 {allowed_list}。请用剪映、格式工厂等软件导出为 {}（H.264，{}×{}）。",
                p.label,
                if r.extension.is_empty() { String::new() } else { format!("（扩展名 .{}）", r.extension) },
                v.containers.first().map(|c| c.to_uppercase()).unwrap_or_default(),
                v.width,
                v.height
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
                "分辨率 {w}×{h}，符合 {}×{}（{}P）的要求",
                v.width, v.height, v.height
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
                format!("（{}P）", v.height),
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
            format!(
                "文件大小 {}，超过 {} 上限。请降低码率重新导出（{range}的视频，码率不超过 {} Mbps 即可）",
                r.size,
                rule_size(v.max_bytes),
                max_mbps(v.max_bytes, v.max_seconds)
            ),
        )
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
