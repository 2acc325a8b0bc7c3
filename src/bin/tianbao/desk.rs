//! The provincial desk on the command line (issue 10): `unit`, `library import/check/override`, `summary`,
//! `package`, `opinion`, `order`.

use crate::args::LibraryCommand;
use crate::error::CliError;
use crate::run::{ok, open, open_read_only, resolve, to_json, Output};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use tianbao::library::{read_library, MatchKind};
use tianbao::package::{self, Options};
use tianbao::store::Opinion;

pub fn run_unit(db: Option<PathBuf>, name: Option<String>, json: bool) -> Result<Output, CliError> {
    let mut store = open(db)?;
    if let Some(n) = name {
        store.set_unit(&n)?;
    }
    let unit = store.unit()?;
    if json {
        return ok(to_json(&serde_json::json!({ "unit": unit })));
    }
    ok(if unit.is_empty() {
        "报送单位：（未设置）。用 `tianbao unit 贵州省` 设置。".into()
    } else {
        format!("报送单位：{unit}")
    })
}

pub fn run_library(
    db: Option<PathBuf>,
    command: LibraryCommand,
    json: bool,
) -> Result<Output, CliError> {
    let mut store = match command {
        LibraryCommand::Check => open_read_only(db)?,
        _ => open(db)?,
    };
    match command {
        LibraryCommand::Import { file } => {
            let imported = read_library(&file)?;
            let info = store.import_library(&imported)?;
            if json {
                return ok(to_json(&serde_json::json!({
                    "info": info,
                    "sheet": imported.sheet,
                    "header_row": imported.header_row,
                    "columns": imported.columns,
                    "skipped": imported.skipped,
                })));
            }
            ok(format!(
                "已导入案例库名单：{} 人（原有 {} 人，已替换）。\n来源：{}（{}），工作表“{}”，表头在第 {} 行，使用的列：{}{}",
                info.count,
                info.previous,
                info.file,
                info.format,
                imported.sheet,
                imported.header_row,
                imported.columns.join("、"),
                if imported.skipped > 0 {
                    format!("\n跳过 {} 行（没有姓名）", imported.skipped)
                } else {
                    String::new()
                }
            ))
        }
        LibraryCommand::Check => {
            let desk = store.desk()?;
            if json {
                return ok(to_json(&desk));
            }
            let mut out = match &desk.library {
                None => "尚未导入案例库名单。用 `tianbao library import 文件` 导入。\n".to_string(),
                Some(i) => format!(
                    "案例库名单：{} 人（{}，导入于 {}）\n",
                    i.count, i.file, i.imported_at
                ),
            };
            let flagged = desk.cases.iter().filter(|c| c.library_flag).count();
            out.push_str(&format!(
                "共 {} 个案例，{} 个在案例库中\n",
                desk.cases.len(),
                flagged
            ));
            for c in &desk.cases {
                for m in &c.library {
                    let tag = match m.kind {
                        MatchKind::NearMiss => "提示",
                        _ if !c.library_flag => "已说明",
                        _ => "在案例库中",
                    };
                    out.push_str(&format!(
                        "[{tag}] {:02} {}（{}）：{}；名单 {}\n",
                        c.position, c.name, c.region, m.reason, m.entry.source
                    ));
                }
            }
            let code = if flagged > 0 { 1 } else { 0 };
            Ok(Output { text: out, code })
        }
        LibraryCommand::Override { id, reason, clear } => {
            let id = resolve(&store, &id)?;
            if clear {
                store.set_library_override(id, None)?;
                return ok("已取消说明，该案例重新按案例库标出。".into());
            }
            store.set_library_override(id, Some(reason.as_deref().unwrap_or("")))?;
            ok("已记录理由，该案例可计入名额。".into())
        }
    }
}

pub fn run_opinion(
    db: Option<PathBuf>,
    id: &str,
    value: &str,
    json: bool,
) -> Result<Output, CliError> {
    let mut store = open(db)?;
    let id = resolve(&store, id)?;
    let opinion = match value.trim() {
        "清除" | "none" | "-" => None,
        v => Some(Opinion::parse(v).ok_or_else(|| {
            CliError::Other(format!(
                "省级意见“{v}”无效，请写“同意”或“不同意”（或“清除”）"
            ))
        })?),
    };
    store.set_opinion(id, opinion)?;
    let desk = store.desk()?;
    if json {
        return ok(to_json(
            &serde_json::json!({"agreed": desk.agreed, "quota": desk.quota}),
        ));
    }
    let mut text = format!("同意 {} / {}", desk.agreed, desk.quota);
    if desk.agreed > desk.quota {
        text.push_str(&format!(
            "（超过名额 {} 个，超出部分改为“不同意”前不能生成报送材料）",
            desk.agreed - desk.quota
        ));
    }
    ok(text)
}

pub fn run_order(db: Option<PathBuf>, ids: &[String], json: bool) -> Result<Output, CliError> {
    let mut store = open(db)?;
    let ids = ids
        .iter()
        .map(|s| resolve(&store, s))
        .collect::<Result<Vec<_>, _>>()?;
    store.set_order(&ids)?;
    let desk = store.desk()?;
    if json {
        return ok(to_json(
            &desk.cases.iter().map(|c| c.id).collect::<Vec<_>>(),
        ));
    }
    let mut out = String::new();
    for c in &desk.cases {
        out.push_str(&format!(
            "{:02} {} {}\n",
            c.position,
            c.name,
            c.opinion.map(|o| o.as_str()).unwrap_or("未定")
        ));
    }
    ok(out)
}

pub fn run_summary(db: Option<PathBuf>, output: &Path, json: bool) -> Result<Output, CliError> {
    let store = open_read_only(db)?;
    let desk = store.desk()?;
    let mut rows = Vec::new();
    for c in desk.agreed_cases() {
        let case = store.get_case(c.id)?;
        rows.push(tianbao::summary::row_of(&case, Opinion::Agree.as_str()));
    }
    let bytes = tianbao::summary::write_summary(output, &desk.unit, &rows, store.campaign())?;
    if json {
        return ok(to_json(&serde_json::json!({
            "path": output.display().to_string(), "rows": rows.len(), "bytes": bytes
        })));
    }
    let mut text = format!("已生成汇总表 {}（{} 个案例）", output.display(), rows.len());
    if rows.len() < desk.quota {
        text.push_str(&format!("；少于名额 {}", desk.quota));
    }
    ok(text)
}

pub fn run_package(
    db: Option<PathBuf>,
    output: &Path,
    part_size: Option<&str>,
    json: bool,
) -> Result<Output, CliError> {
    let store = open_read_only(db)?;
    let opts = Options {
        part_bytes: match part_size {
            Some(s) => package::parse_part_size(s)?,
            None => package::DEFAULT_PART_BYTES,
        },
    };
    let plan = package::plan_today(&store)?;
    let files = store.library();
    drop(store);
    let check_text = |c: &package::Check| {
        let mut s = format!("检查：{}\n", c.headline());
        for f in &c.findings {
            let tag = if f.blocking {
                "必须处理"
            } else if f.severity == tianbao::validate::Severity::Error {
                "错误"
            } else {
                "提醒"
            };
            match f.position {
                Some(p) => s.push_str(&format!(
                    "[{tag}] {p:02} {}：{}（{}）\n",
                    f.case, f.message, f.field
                )),
                None => s.push_str(&format!("[{tag}] {}\n", f.message)),
            }
        }
        s
    };
    if plan.check.blocking > 0 {
        if json {
            return Ok(Output {
                text: to_json(&plan.check),
                code: 1,
            });
        }
        return Err(CliError::Other(format!(
            "{}{}",
            check_text(&plan.check),
            package::PackageError::Blocked(plan.check.blocking)
        )));
    }
    let cancel = AtomicBool::new(false);
    let mut progress = |p: &tianbao::docx::Progress| {
        if !json && !p.current.is_empty() {
            crate::progress(&format!("[{}/{}] {}", p.done + 1, p.total, p.current));
        }
    };
    let out = package::write_package(&files, &plan, output, &opts, &mut progress, &cancel)?;
    if json {
        return ok(to_json(&out));
    }
    let mut text = check_text(&out.check);
    text.push_str(&format!(
        "已生成报送材料：{}（{} 个案例，{} 个文件，{} 封邮件）\n",
        out.dir,
        out.cases,
        out.files.len(),
        out.parts.len()
    ));
    for p in &out.parts {
        text.push_str(&format!(
            "  第 {}/{} 封：{}（{}，案例 {}）\n",
            p.number,
            p.of,
            p.eml,
            tianbao::media::human_size(p.zip_bytes),
            p.cases
                .iter()
                .map(|c| format!("{c:02}"))
                .collect::<Vec<_>>()
                .join("、")
        ));
    }
    ok(text)
}
