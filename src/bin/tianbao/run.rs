//! The commands: each one a few calls into the library and the text (or JSON) it prints.

use crate::args::{BackupCommand, CaseCommand, CasesCommand, Cli, Command};
use crate::desk;
use crate::error::CliError;
use crate::print;
use crate::sync;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use tianbao::campaign::Campaign;
use tianbao::model::{Case, CaseId, Status};
use tianbao::store::{
    self as backup, default_db_path, BackupReason, ListQuery, Store, MAX_CASE_BYTES,
};
use tianbao::wordcount::count;
use tianbao::{docx, fsx, media};

/// What a command produced: text for stdout and the process exit code.
pub struct Output {
    pub text: String,
    pub code: i32,
}

pub(crate) fn ok(text: String) -> Result<Output, CliError> {
    Ok(Output { text, code: 0 })
}

pub fn run(mut cli: Cli) -> Result<Output, CliError> {
    let json = cli.json;
    if cli.portable && cli.db.is_none() {
        cli.db = Some(tianbao::store::DataLocation::resolve(true)?.db);
    }
    match cli.command {
        Command::Count { file } => {
            let text = read_input(file.as_deref(), MAX_COUNT_BYTES)?;
            let c = count(&text);
            if json {
                ok(to_json(&c))
            } else {
                ok(format!(
                    "字数 {}\n字符数(不计空格) {}",
                    c.words, c.chars_no_space
                ))
            }
        }
        Command::Office { name } => {
            let mut store = if name.is_some() {
                open(cli.db)?
            } else {
                open_read_only(cli.db)?
            };
            if let Some(name) = name {
                store.set_office(&name)?;
            }
            let id = store.identity();
            if json {
                ok(to_json(&id))
            } else {
                ok(format!(
                    "单位：{}\n设备：{}",
                    if id.office.is_empty() {
                        "（未设置）"
                    } else {
                        &id.office
                    },
                    id.device
                ))
            }
        }
        Command::Cases {
            command:
                CasesCommand::List {
                    search,
                    status,
                    trash,
                },
        } => {
            let store = open_read_only(cli.db)?;
            let status = match status.as_deref() {
                None => None,
                Some(s) => Some(Status::parse(s).ok_or_else(|| {
                    CliError::Other(format!(
                        "状态“{s}”无效，请用 draft（草稿）或 ready（已完成）"
                    ))
                })?),
            };
            let list = store.list_cases(&ListQuery {
                text: search.unwrap_or_default(),
                status,
                trash,
                limit: None,
            })?;
            ok(if json {
                to_json(&list)
            } else {
                print::case_list(&list)
            })
        }
        Command::Case { command } => run_case(command, cli.db, json),
        Command::CheckPhoto { file, role } => {
            let role = media::Purpose::parse(&role).ok_or_else(|| {
                CliError::Other(format!("用途“{role}”无效，请用 photo、id_scan 或 picture"))
            })?;
            let report = media::check_photo(&file, role, &Campaign::current())?;
            ok(if json {
                to_json(&report)
            } else {
                print::photo_report(&report)
            })
        }
        Command::Docx { id, all, output } => run_docx(cli.db, id, all, &output, json),
        Command::Backup { command } => {
            run_backup(command.unwrap_or(BackupCommand::List), cli.db, json)
        }
        Command::CheckVideo { file } => {
            let report = media::check_video(&file, &Campaign::current())?;
            ok(if json {
                to_json(&report)
            } else {
                print::video_report(&report)
            })
        }
        Command::Unit { name } => desk::run_unit(cli.db, name, json),
        Command::Library { command } => desk::run_library(cli.db, command, json),
        Command::Summary { output } => desk::run_summary(cli.db, &output, json),
        Command::Package { output, part_size } => {
            desk::run_package(cli.db, &output, part_size.as_deref(), json)
        }
        Command::Export {
            ids,
            all,
            passphrase_file,
            output,
        } => sync::run_export(
            cli.db,
            &ids,
            all,
            passphrase_file.as_deref(),
            output.as_deref(),
            json,
        ),
        Command::Import {
            files,
            dry_run,
            passphrase_file,
        } => sync::run_import(cli.db, &files, dry_run, passphrase_file.as_deref(), json),
        Command::History { id } => sync::run_history(cli.db, &id, json),
        Command::Conflicts => sync::run_conflicts(cli.db, json),
        Command::Resolve { id, field, take } => sync::run_resolve(cli.db, &id, &field, &take, json),
        Command::Opinion { id, value } => desk::run_opinion(cli.db, &id, &value, json),
        Command::Order { ids } => desk::run_order(cli.db, &ids, json),
    }
}

fn run_backup(command: BackupCommand, db: Option<PathBuf>, json: bool) -> Result<Output, CliError> {
    let path = db_path(db)?;
    match command {
        BackupCommand::List => {
            let list = backup::list_backups(&path)?;
            ok(if json {
                to_json(&list)
            } else {
                print::backups(&backup::backup_dir(&path), &list)
            })
        }
        BackupCommand::Now => {
            // A consistent copy needs no writer lock: also while the app has the database open.
            let store = open_read_only(Some(path))?;
            let b = store.backup_now(BackupReason::Manual)?;
            ok(if json {
                to_json(&b)
            } else {
                format!(
                    "已备份：{}（{} 个案例）",
                    b.path.display(),
                    b.cases.unwrap_or(0)
                )
            })
        }
        BackupCommand::Restore { file } => {
            let file = std::path::absolute(&file).unwrap_or(file);
            // A damaged database is restored over (kept beside); any other refusal is told.
            let mut store = match Store::open(&path) {
                Ok(s) => Some(s),
                Err(e) if e.is_damaged() => None,
                Err(e) => return Err(e.into()),
            };
            let text = match backup::restore(&path, &mut store, &file)? {
                backup::Restored::InPlace { before } => format!(
                    "已恢复 {}。恢复前的内容已备份为 {}",
                    file.display(),
                    before.path.display()
                ),
                backup::Restored::Replaced { kept } => format!(
                    "已恢复 {}。损坏的数据库已改名保留为 {}",
                    file.display(),
                    kept.display()
                ),
            };
            ok(text)
        }
    }
}

fn run_case(command: CaseCommand, db: Option<PathBuf>, json: bool) -> Result<Output, CliError> {
    let mut store = match command {
        CaseCommand::Show { .. }
        | CaseCommand::Validate { .. }
        | CaseCommand::ExportJson { .. } => open_read_only(db)?,
        _ => open(db)?,
    };
    match command {
        CaseCommand::Show { id } => {
            let case = store.get_case(resolve(&store, &id)?)?;
            if json {
                return ok(to_json(&case));
            }
            let r = store.validate(&case);
            ok(format!(
                "编号：{}\n姓名：{}\n地区：{}\n状态：{}\n案例名称：{}\n字数：一 {} / 二 {} / 三 {} / 四 {} / 意见 {}\n错误 {}，提醒 {}，完成度 {}%",
                case.id,
                case.person.name,
                case.region.one_line(),
                case.status.label(),
                case.intro.title,
                r.counts.intro.words,
                r.counts.practices.words,
                r.counts.results.words,
                r.counts.lessons.words,
                r.counts.opinion.words,
                r.errors,
                r.warnings,
                r.completeness
            ))
        }
        CaseCommand::Validate { id } => {
            let case = store.get_case(resolve(&store, &id)?)?;
            let r = store.validate(&case);
            let code = if r.errors > 0 { 1 } else { 0 };
            let text = if json {
                to_json(&r)
            } else {
                print::case_report(&case, &r)
            };
            Ok(Output { text, code })
        }
        CaseCommand::ImportJson { file } => {
            let shown = file.display().to_string();
            let text = read_input(Some(&file), MAX_CASE_BYTES as u64)?;
            let case: Case = serde_json::from_str(&text).map_err(|e| CliError::BadJson {
                path: shown,
                detail: e.to_string(),
            })?;
            let saved = store.save_case_fresh(&case)?;
            if json {
                ok(to_json(&saved))
            } else {
                ok(format!(
                    "已导入：{}（第 {} 版，错误 {}，提醒 {}）",
                    saved.id, saved.revision, saved.report.errors, saved.report.warnings
                ))
            }
        }
        CaseCommand::ExportJson { id, output } => {
            let case = store.get_case(resolve(&store, &id)?)?;
            let text = to_json(&case);
            match output {
                None => ok(text),
                Some(path) => {
                    fsx::write_atomic(&path, text.as_bytes())?;
                    ok(format!("已导出到 {}", path.display()))
                }
            }
        }
        CaseCommand::ImportDocx { files } => {
            // A backup first; a file that cannot be read does not stop the others.
            let results = store.import_docx_many(&files, |_| {})?;
            let out: String = results
                .iter()
                .enumerate()
                .map(|(i, r)| print::imported(i + 1, results.len(), r))
                .collect();
            let failed = results.iter().filter(|r| r.error.is_some()).count();
            let text = if json {
                to_json(&results)
            } else {
                format!("{out}{}", tianbao::store::imported_summary(&results))
            };
            Ok(Output {
                text,
                code: if failed > 0 { 1 } else { 0 },
            })
        }
        CaseCommand::New => {
            let case = store.create_case()?;
            ok(if json {
                to_json(&case)
            } else {
                case.id.to_string()
            })
        }
        CaseCommand::Delete { id } => {
            let id = resolve(&store, &id)?;
            store.delete_case(id)?;
            ok(format!("已移到回收站：{id}"))
        }
        CaseCommand::Restore { id } => {
            let id = resolve(&store, &id)?;
            store.restore_case(id)?;
            ok(format!("已恢复：{id}"))
        }
    }
}

fn run_docx(
    db: Option<PathBuf>,
    id: Option<String>,
    all: bool,
    output: &Path,
    json: bool,
) -> Result<Output, CliError> {
    let store = open_read_only(db)?;
    match (id, all) {
        (Some(id), false) => {
            let case = store.get_case(resolve(&store, &id)?)?;
            let written = docx::write_case_docx(&store.library(), &case, output)?;
            ok(if json {
                to_json(&[&written.path])
            } else {
                "已生成 1 份推荐表".to_string()
            })
        }
        (None, true) => {
            if output.exists() && !output.is_dir() {
                return Err(CliError::Other(format!(
                    "“{}”是一个文件；--all 把推荐表写进一个文件夹，请用 -o 指定文件夹（不存在时会创建）。",
                    output.display()
                )));
            }
            if !output.is_dir() {
                std::fs::create_dir_all(output).map_err(|e| fsx::FsError::new(output, e))?;
            }
            // The order of the list (as the app shows it and numbers a selection of it).
            let ids: Vec<CaseId> = store
                .list_cases(&ListQuery::default())?
                .iter()
                .map(|s| s.id)
                .collect();
            let outcome = docx::write_batch(
                &store.library(),
                &ids,
                output,
                |id| store.get_case(id),
                |p| {
                    if !json && !p.current.is_empty() {
                        crate::progress(&format!("[{}/{}] {}", p.done + 1, p.total, p.current));
                    }
                },
                &AtomicBool::new(false),
            )?;
            let code = if outcome.failed.is_empty() { 0 } else { 1 };
            let text = if json {
                to_json(&outcome)
            } else {
                print::batch_outcome(&outcome)
            };
            Ok(Output { text, code })
        }
        _ => Err(CliError::Other(
            "请给出一个案例编号，或用 --all 生成全部案例（二者选一）".into(),
        )),
    }
}

/// Opens the database to change it (waits a few seconds for another command saving; fails
/// while the app's window has it open).
pub(crate) fn open(db: Option<PathBuf>) -> Result<Store, CliError> {
    Ok(Store::open(&db_path(db)?)?)
}

/// Opens the database to read it: a read-only view while the app's window has it open.
pub(crate) fn open_read_only(db: Option<PathBuf>) -> Result<Store, CliError> {
    Ok(Store::open_read_only(&db_path(db)?)?)
}

fn db_path(db: Option<PathBuf>) -> Result<PathBuf, CliError> {
    Ok(match db {
        Some(p) => p,
        None => default_db_path()?,
    })
}

/// Finds a case by its full id or a unique prefix of it, in the list or the 回收站.
pub(crate) fn resolve(store: &Store, prefix: &str) -> Result<CaseId, CliError> {
    let prefix = prefix.trim().to_ascii_lowercase();
    if let Ok(id) = uuid::Uuid::parse_str(&prefix) {
        return Ok(id);
    }
    let mut hits = Vec::new();
    for trash in [false, true] {
        let q = ListQuery {
            trash,
            ..Default::default()
        };
        for s in store.list_cases(&q)? {
            if s.id.to_string().starts_with(&prefix) {
                hits.push(s.id);
            }
        }
    }
    match hits.len() {
        0 => Err(CliError::NoSuchCase(prefix)),
        1 => Ok(hits[0]),
        _ => Err(CliError::Ambiguous(prefix)),
    }
}

/// At most this many bytes are read for `count` (a whole book is a few MB).
const MAX_COUNT_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a text file (or stdin for `None` / `-`), refusing more than `limit` bytes before
/// reading them.
fn read_input(file: Option<&Path>, limit: u64) -> Result<String, CliError> {
    let stdin = file.is_none_or(|p| p.as_os_str() == "-");
    let shown = match file {
        Some(p) if !stdin => p.display().to_string(),
        _ => "标准输入".to_string(),
    };
    let read_err = |e: std::io::Error| {
        let kind = fsx::classify(&e);
        CliError::Read {
            path: shown.clone(),
            detail: match kind {
                fsx::IoKind::NotFound => "文件不存在，请检查路径".to_string(),
                fsx::IoKind::IsADirectory => "这是一个文件夹，请指定其中的文件".to_string(),
                k => format!("{}（{e}）", k.reason()),
            },
        }
    };
    let too_big = || CliError::Read {
        path: shown.clone(),
        detail: format!(
            "文件过大（超过 {} MB），不像是案例或文字。请检查是否选错了文件",
            limit / 1_048_576
        ),
    };
    let mut bytes = Vec::new();
    match file {
        Some(p) if !stdin => {
            let f = std::fs::File::open(p).map_err(read_err)?;
            let meta = f.metadata().map_err(read_err)?;
            if meta.is_dir() {
                return Err(read_err(std::io::ErrorKind::IsADirectory.into()));
            }
            if meta.len() > limit {
                return Err(too_big());
            }
            f.take(limit + 1)
                .read_to_end(&mut bytes)
                .map_err(read_err)?;
        }
        _ => {
            std::io::stdin()
                .take(limit + 1)
                .read_to_end(&mut bytes)
                .map_err(read_err)?;
        }
    }
    if bytes.len() as u64 > limit {
        return Err(too_big());
    }
    // Accept a UTF-8 BOM (Windows Notepad) and refuse other encodings clearly.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    String::from_utf8(bytes.to_vec()).map_err(|_| CliError::Read {
        path: shown,
        detail: "不是 UTF-8 编码的文本，请用记事本“另存为”UTF-8 后重试".into(),
    })
}

pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}
