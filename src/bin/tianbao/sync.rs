//! Bundles on the command line (issue 9): `export`, `import`, `history`, `conflicts`, `resolve`.

use crate::error::CliError;
use crate::run::{ok, open, open_read_only, resolve, to_json, Output};
use std::path::{Path, PathBuf};
use tianbao::bundle::{self, ExportOptions};

/// The passphrase in a file (its first line, without the line break).
fn passphrase(file: Option<&Path>) -> Result<Option<String>, CliError> {
    let Some(f) = file else { return Ok(None) };
    let meta = std::fs::metadata(f).map_err(|e| CliError::Read {
        path: f.display().to_string(),
        detail: tianbao::fsx::classify(&e).reason().into(),
    })?;
    if meta.len() > 4096 {
        return Err(CliError::Other(format!(
            "口令文件“{}”过大（应只含一行口令）。",
            f.display()
        )));
    }
    let text = std::fs::read_to_string(f).map_err(|e| CliError::Read {
        path: f.display().to_string(),
        detail: tianbao::fsx::classify(&e).reason().into(),
    })?;
    let line = text.lines().next().unwrap_or("").to_string();
    if line.is_empty() {
        return Err(CliError::Other(format!(
            "口令文件“{}”是空的。请在第一行写上口令。",
            f.display()
        )));
    }
    Ok(Some(line))
}

pub fn run_export(
    db: Option<PathBuf>,
    ids: &[String],
    all: bool,
    passphrase_file: Option<&Path>,
    output: Option<&Path>,
    json: bool,
) -> Result<Output, CliError> {
    if ids.is_empty() && !all {
        return Err(CliError::Other(
            "请给出要导出的案例编号，或用 --all 导出全部案例。".into(),
        ));
    }
    let mut store = open(db)?;
    let ids = ids
        .iter()
        .map(|p| resolve(&store, p))
        .collect::<Result<Vec<_>, _>>()?;
    let count = if ids.is_empty() {
        store.list_cases(&Default::default())?.len()
    } else {
        ids.len()
    };
    let target = match output {
        Some(p) if p.is_dir() => p.join(bundle::default_file_name(&store, count)),
        Some(p) => p.to_path_buf(),
        None => PathBuf::from(bundle::default_file_name(&store, count)),
    };
    let opts = ExportOptions {
        ids,
        passphrase: passphrase(passphrase_file)?,
    };
    let r = bundle::export(&mut store, &opts, &target)?;
    if json {
        return ok(to_json(&r));
    }
    ok(format!(
        "已导出 {} 例案例（{} 个附件，{:.1} MB{}）到 {}",
        r.cases,
        r.files,
        r.bytes as f64 / 1e6,
        if r.encrypted { "，已加密" } else { "" },
        r.path.display()
    ))
}

pub fn run_import(
    db: Option<PathBuf>,
    files: &[PathBuf],
    dry_run: bool,
    passphrase_file: Option<&Path>,
    json: bool,
) -> Result<Output, CliError> {
    let pass = passphrase(passphrase_file)?;
    let mut store = if dry_run {
        open_read_only(db)?
    } else {
        open(db)?
    };
    let mut previews = Vec::new();
    let mut text = String::new();
    for f in files {
        let p = if dry_run {
            bundle::check(&store, f, pass.as_deref())?
        } else {
            let imp = bundle::preview(&store, f, pass.as_deref())?;
            bundle::apply(&mut store, imp)?
        };
        if !json {
            text.push_str(&format!(
                "{}（{}，{}）：{}{}\n",
                p.file,
                if p.office.is_empty() {
                    "未设置单位"
                } else {
                    &p.office
                },
                p.created_at,
                if dry_run { "将会 " } else { "" },
                p.summary
            ));
            for c in &p.cases {
                let what = match &c.outcome {
                    tianbao::store::Outcome::Merged { conflicts } if *conflicts > 0 => {
                        format!("{}：{}", c.outcome_label, c.conflicts.join("、"))
                    }
                    _ => c.outcome_label.clone(),
                };
                text.push_str(&format!(
                    "  {}  {}  {what}\n",
                    &c.id.to_string()[..8],
                    c.name
                ));
                for s in &c.same_person {
                    text.push_str(&format!(
                        "      可能与已有案例 {}（{}）是同一个人：{}\n",
                        &s.id.to_string()[..8],
                        s.name,
                        s.reason
                    ));
                }
            }
        }
        previews.push(p);
    }
    if json {
        return ok(to_json(&previews));
    }
    ok(text)
}

pub fn run_history(db: Option<PathBuf>, id: &str, json: bool) -> Result<Output, CliError> {
    let store = open_read_only(db)?;
    let id = resolve(&store, id)?;
    let h = store.history_detail(id)?;
    if json {
        return ok(to_json(&h));
    }
    let mut out = String::new();
    for e in &h {
        let kind = e.kind_label;
        out.push_str(&format!(
            "{:>3}. {}  {}  {}{}{}：{}\n",
            e.number,
            e.at,
            if e.office.is_empty() {
                "（未设置单位）"
            } else {
                &e.office
            },
            kind,
            if e.exported { "，已导出" } else { "" },
            if e.conflicts > 0 {
                format!("，{} 处冲突", e.conflicts)
            } else {
                String::new()
            },
            if e.changed.is_empty() {
                "无内容变化".to_string()
            } else {
                e.changed.join("、")
            }
        ));
    }
    ok(out)
}

pub fn run_conflicts(db: Option<PathBuf>, json: bool) -> Result<Output, CliError> {
    let store = open_read_only(db)?;
    let all = store.conflict_views()?;
    if json {
        return ok(to_json(&all));
    }
    if all.is_empty() {
        return ok("没有待处理的冲突。".into());
    }
    let mut out = String::new();
    for case in &all {
        out.push_str(&format!(
            "{}  {}：{} 处冲突\n",
            &case.id.to_string()[..8],
            case.name,
            case.conflicts.len()
        ));
        for c in &case.conflicts {
            out.push_str(&format!("  {}（{}）\n", c.label, c.field));
            for ch in &c.choices {
                let who = if ch.mine {
                    "本单位".to_string()
                } else {
                    ch.offices.join("、")
                };
                let short: String = ch.text.chars().take(60).collect();
                out.push_str(&format!(
                    "    [{who}] {} 字：{}{}\n",
                    ch.words,
                    short,
                    if short.len() < ch.text.len() {
                        "…"
                    } else {
                        ""
                    }
                ));
            }
        }
    }
    out.push_str("处理：tianbao resolve 编号 字段 --take mine|theirs");
    ok(out)
}

pub fn run_resolve(
    db: Option<PathBuf>,
    id: &str,
    field: &str,
    take: &str,
    json: bool,
) -> Result<Output, CliError> {
    let mut store = open(db)?;
    let id = resolve(&store, id)?;
    let conflicts = store.conflicts(id)?;
    let c = conflicts
        .iter()
        .find(|c| c.field == field || c.label == field)
        .ok_or_else(|| {
            CliError::Other(format!(
                "这个案例的“{field}”没有待处理的冲突。用 `tianbao conflicts` 查看。"
            ))
        })?;
    let mine = store.my_choice(c);
    let value = match take {
        "mine" => {
            let i = mine.ok_or_else(|| {
                CliError::Other(format!(
                    "“{}”的几个版本都不是本单位改的，请用 --take theirs。",
                    c.label
                ))
            })?;
            c.choices[i].value.clone()
        }
        "theirs" => {
            let others: Vec<_> = (0..c.choices.len()).filter(|i| Some(*i) != mine).collect();
            if others.len() != 1 {
                return Err(CliError::Other(format!(
                    "“{}”有 {} 个其他单位的版本，请在窗口中逐项选择。",
                    c.label,
                    others.len()
                )));
            }
            c.choices[others[0]].value.clone()
        }
        other => {
            return Err(CliError::Other(format!(
                "--take “{other}”无效，请用 mine（本单位的）或 theirs（对方的）。"
            )))
        }
    };
    let field = c.field.clone();
    let label = c.label.clone();
    let saved = store.resolve(id, &field, &value)?;
    if json {
        return ok(to_json(&saved));
    }
    let left = store.conflicts(id)?.len();
    ok(format!(
        "已处理“{label}”：保留{}的版本。{}",
        if take == "mine" {
            "本单位"
        } else {
            "对方"
        },
        if left == 0 {
            "这个案例已没有冲突。".to_string()
        } else {
            format!("还有 {left} 处冲突。")
        }
    ))
}
