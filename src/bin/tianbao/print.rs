//! The console text of what the library reports: case lists and checks, photo and video
//! checks, a batch of 推荐表. (The app shows the same reports in its own way; `--json` prints
//! them as they are.)

use tianbao::docx::BatchOutcome;
use tianbao::issue::Severity;
use tianbao::media::{human_size, PhotoReport, VideoReport};
use tianbao::model::Case;
use tianbao::store::{CaseSummary, Imported};
use tianbao::validate::Report;

/// `cases list`: one line per case.
pub fn case_list(list: &[CaseSummary]) -> String {
    let mut out = format!("共 {} 个案例\n", list.len());
    for s in list {
        out.push_str(&format!(
            "{}  {}  {}  {}  完成度 {}%  错误 {}  提醒 {}\n",
            s.id,
            if s.name.is_empty() {
                "（未填姓名）"
            } else {
                &s.name
            },
            s.region,
            s.status.label(),
            s.completeness,
            s.errors,
            s.warnings
        ));
    }
    out
}

/// `case validate`: the counts, then one line per issue.
pub fn case_report(case: &Case, r: &Report) -> String {
    let mut out = format!("{}：错误 {}，提醒 {}\n", case.label(), r.errors, r.warnings);
    for i in &r.issues {
        out.push_str(&format!(
            "[{}] {}：{}\n",
            i.severity.tag("提醒"),
            i.field,
            i.message
        ));
    }
    out
}

/// `docx --all`: how many were written, and each case that could not be.
pub fn batch_outcome(o: &BatchOutcome) -> String {
    let mut out = format!("已生成 {} 份推荐表", o.written.len());
    if !o.failed.is_empty() {
        out.push_str(&format!("，{} 份未能生成：\n", o.failed.len()));
        for f in &o.failed {
            out.push_str(&format!("✗ {}：{}\n", f.case, f.message));
        }
    }
    out
}

/// `check-photo`: a short Chinese summary of a photo report.
pub fn photo_report(r: &PhotoReport) -> String {
    let mut s = format!("文件：{}（{}）\n", r.file, r.role.label());
    s.push_str(&format!(
        "格式：{}　大小：{}（{} 字节）",
        r.format.label(),
        r.size,
        r.bytes
    ));
    if r.width > 0 {
        s.push_str(&format!(
            "　尺寸：{}×{}（约 {} 万像素）",
            r.display_width,
            r.display_height,
            (r.width as u64 * r.height as u64) / 10_000
        ));
    }
    if r.orientation != 1 {
        s.push_str(&format!("　EXIF 方向：{}", r.orientation));
    }
    s.push('\n');
    for i in &r.issues {
        s.push_str(&format!("[{}] {}\n", i.severity.tag("警告"), i.message));
    }
    let errors = r
        .issues
        .iter()
        .filter(|i| i.severity == Severity::Error)
        .count();
    let warnings = r.issues.len() - errors;
    s.push_str(&match (errors, warnings) {
        (0, 0) => "结论：符合要求".to_string(),
        (0, w) => format!("结论：可以使用，但有 {w} 个警告"),
        (e, _) => format!("结论：不能使用（{e} 个错误）"),
    });
    s
}

/// `check-video`: a short Chinese summary of a video report.
pub fn video_report(r: &VideoReport) -> String {
    let mut s = format!("文件：{}\n", r.file);
    let mut facts = vec![
        format!("格式：{}", r.container_label),
        format!("大小：{}", r.size),
    ];
    if let Some(d) = &r.duration {
        facts.push(format!("时长：{d}"));
    }
    if let (Some(w), Some(h)) = (r.width, r.height) {
        facts.push(format!("分辨率：{w}×{h}"));
    }
    if let Some(a) = &r.aspect {
        facts.push(format!("画幅：{a}"));
    }
    if let Some(c) = &r.codec {
        facts.push(format!("编码：{c}"));
    }
    if let Some(f) = r.frame_rate {
        facts.push(format!("帧率：{f:.2}"));
    }
    s.push_str(&facts.join("　"));
    s.push('\n');
    for v in &r.verdicts {
        let mark = match v.ok {
            Some(true) => "✓",
            Some(false) => "✗",
            None => "?",
        };
        s.push_str(&format!("{mark} {}\n", v.message));
    }
    for m in &r.manual_checks {
        s.push_str(&format!("☐ {m}\n"));
    }
    s.push_str(&match r.ok {
        Some(true) => "结论：符合通知要求".to_string(),
        Some(false) => "结论：不符合通知要求（见 ✗ 项）".to_string(),
        None => "结论：部分项目无法自动判断（见 ? 项）".to_string(),
    });
    s.push_str(&format!(
        "（只读取了文件头信息 {}，共 {} 字节）",
        human_size(r.bytes_read),
        r.bytes_read
    ));
    s
}

/// `case import-docx`: the report of one imported file.
pub fn imported(n: usize, total: usize, r: &Imported) -> String {
    let mut out = format!("[{n}/{total}] {}\n", r.path);
    if let Some(e) = &r.error {
        out.push_str(&format!("  未导入：{e}\n"));
        return out;
    }
    let id = r.case_id.map(|i| i.to_string()).unwrap_or_default();
    out.push_str(&format!(
        "  {}：{}（{}）{}\n",
        if r.revised {
            "已更新为新版本"
        } else {
            "已导入为新案例"
        },
        if r.case.is_empty() {
            "未命名案例"
        } else {
            &r.case
        },
        id,
        if r.report.generated {
            "，本程序生成的推荐表"
        } else {
            ""
        }
    ));
    for (label, list) in [
        ("已找到", &r.report.found),
        ("空白", &r.report.empty),
        ("表中没有", &r.report.missing),
    ] {
        if !list.is_empty() {
            out.push_str(&format!("  {label}：{}\n", list.join("、")));
        }
    }
    for note in &r.report.notes {
        out.push_str(&format!("  请核对：{note}\n"));
    }
    out
}

/// `tianbao backup list`: one line per backup, newest first.
pub fn backups(dir: &std::path::Path, list: &[tianbao::store::BackupInfo]) -> String {
    if list.is_empty() {
        return format!(
            "还没有备份（备份文件夹：{}）。用 tianbao backup now 立即备份。",
            dir.display()
        );
    }
    let mut out = format!("备份文件夹：{}\n", dir.display());
    for b in list {
        let state = if b.ok {
            format!("{} 个案例", b.cases.unwrap_or(0))
        } else {
            format!("已损坏：{}", b.problem.as_deref().unwrap_or(""))
        };
        out.push_str(&format!(
            "{}  {}  {}  {:.1} MB  {}\n",
            b.at,
            b.reason_label,
            state,
            b.bytes as f64 / 1_048_576.0,
            b.file
        ));
    }
    out
}
