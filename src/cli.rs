//! The command line: batch jobs over the same database as the app. Every command prints Chinese
//! text, or JSON with `--json`. Errors go to stderr as one Chinese sentence, exit code 2; a
//! validation that finds errors exits 1.

use crate::model::{Case, CaseId, Status};
use crate::store::{default_db_path, ListQuery, Store, StoreError};
use crate::validate::Severity;
use crate::wordcount::count;
use clap::{Parser, Subcommand};
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Media(#[from] crate::media::MediaError),
    #[error(transparent)]
    Docx(#[from] crate::docx::DocxError),
    #[error("无法读取“{path}”：{detail}")]
    Read { path: String, detail: String },
    #[error("无法写入“{path}”：{detail}")]
    Write { path: String, detail: String },
    #[error("“{path}”不是有效的案例 JSON：{detail}。格式见 docs/CASE-JSON.md。")]
    BadJson { path: String, detail: String },
    #[error("没有编号以“{0}”开头的案例。用 `tianbao cases list` 查看所有案例的编号。")]
    NoSuchCase(String),
    #[error("编号“{0}”对应多个案例，请多写几位。")]
    Ambiguous(String),
    #[error("{0}")]
    Other(String),
}

#[derive(Parser, Debug)]
#[command(
    name = "tianbao",
    version,
    about = "案例填报助手（命令行）：统计字数、查看和校验案例、导入导出案例 JSON"
)]
pub struct Cli {
    /// 数据库文件（默认：环境变量 TIANBAO_DB，或系统数据目录下的 tianbao/tianbao.db）
    #[arg(long, global = true, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// 以 JSON 输出
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// 统计字数（与 Word“字数统计”一致）和字符数(不计空格)；FILE 为 - 或省略时读标准输入
    Count { file: Option<PathBuf> },
    /// 案例列表
    Cases {
        #[command(subcommand)]
        command: CasesCommand,
    },
    /// 单个案例
    Case {
        #[command(subcommand)]
        command: CaseCommand,
    },
    /// 设置本单位名称（记录在每次修改上）
    Office { name: Option<String> },
    /// 检查照片是否符合通知要求（大小、像素、格式、是否损坏）
    CheckPhoto {
        file: PathBuf,
        /// 用途：photo（个人形象照片，默认）、id_scan（身份证扫描件）、picture（推荐表图片）
        #[arg(long, default_value = "photo")]
        role: String,
    },
    /// 生成 Word 推荐表（附件1）：一个案例写到 -o 文件，--all 把全部案例写到 -o 文件夹
    Docx {
        /// 案例编号（可只写开头几位）；与 --all 二选一
        id: Option<String>,
        /// 生成全部案例（不含回收站），文件名如 01_李明_推荐表.docx
        #[arg(long)]
        all: bool,
        /// 输出文件（单个案例）或文件夹（--all）
        #[arg(short, long)]
        output: PathBuf,
    },
    /// 检查视频文件（只读文件头）：时长 3–5 分钟、1920×1080、16:9 横屏、不超过 1GB、mp4/mpg/mov
    CheckVideo { file: PathBuf },
}

#[derive(Subcommand, Debug)]
pub enum CasesCommand {
    /// 列出案例
    List {
        /// 按姓名、地区或账号搜索
        #[arg(long)]
        search: Option<String>,
        /// 只列出某状态：draft（草稿）或 ready（已完成）
        #[arg(long)]
        status: Option<String>,
        /// 列出回收站
        #[arg(long)]
        trash: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum CaseCommand {
    /// 显示案例（编号可只写开头几位）
    Show { id: String },
    /// 校验案例：列出错误和提醒，有错误时退出码为 1
    Validate { id: String },
    /// 从 JSON 文件导入（新建或更新）案例；FILE 为 - 时读标准输入
    ImportJson { file: PathBuf },
    /// 把案例导出为 JSON
    ExportJson {
        id: String,
        /// 输出文件（默认标准输出）
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// 导入填好的推荐表（.docx，可多个）：每个文件成为一个新案例（本程序生成的推荐表则成为原案例的新版本），并列出找到、未找到和需要核对的栏目；有文件未能导入时退出码为 1
    ImportDocx {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// 新建空白案例，输出其编号
    New,
    /// 移到回收站
    Delete { id: String },
    /// 从回收站恢复
    Restore { id: String },
}

/// What a command produced: text for stdout and the process exit code.
pub struct Output {
    pub text: String,
    pub code: i32,
}

fn ok(text: String) -> Result<Output, CliError> {
    Ok(Output { text, code: 0 })
}

pub fn run(cli: Cli) -> Result<Output, CliError> {
    let json = cli.json;
    match cli.command {
        Command::Count { file } => {
            let text = read_input(file.as_deref())?;
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
            })?;
            if json {
                return ok(to_json(&list));
            }
            let mut out = format!("共 {} 个案例\n", list.len());
            for s in &list {
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
            ok(out)
        }
        Command::Case { command } => run_case(command, cli.db, json),
        Command::CheckPhoto { file, role } => {
            let role = crate::media::PhotoRole::parse(&role).ok_or_else(|| {
                CliError::Other(format!("用途“{role}”无效，请用 photo、id_scan 或 picture"))
            })?;
            ok(crate::media::check_photo_cli_as(&file, role, json)?)
        }
        Command::Docx { id, all, output } => run_docx(cli.db, id, all, &output, json),
        Command::CheckVideo { file } => ok(crate::media::check_video_cli(&file, json)?),
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
                let mut out = format!("{}：错误 {}，提醒 {}\n", case.label(), r.errors, r.warnings);
                for i in &r.issues {
                    let tag = match i.severity {
                        Severity::Error => "错误",
                        Severity::Warning => "提醒",
                    };
                    out.push_str(&format!("[{tag}] {}：{}\n", i.field, i.message));
                }
                out
            };
            Ok(Output { text, code })
        }
        CaseCommand::ImportJson { file } => {
            let shown = file.display().to_string();
            let text = read_input(Some(&file))?;
            let case: Case = serde_json::from_str(&text).map_err(|e| CliError::BadJson {
                path: shown,
                detail: e.to_string(),
            })?;
            let saved = store.save_case(&case)?;
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
                    write_atomic(&path, text.as_bytes())?;
                    ok(format!("已导出到 {}", path.display()))
                }
            }
        }
        CaseCommand::ImportDocx { files } => {
            let mut results = Vec::new();
            let mut out = String::new();
            for (i, f) in files.iter().enumerate() {
                let r = store.import_docx(f)?;
                out.push_str(&import_text(i + 1, files.len(), &r));
                results.push(r);
            }
            let failed = results.iter().filter(|r| r.error.is_some()).count();
            let text = if json {
                to_json(&results)
            } else {
                format!(
                    "{out}共 {} 个文件：导入 {} 个，未导入 {} 个",
                    results.len(),
                    results.len() - failed,
                    failed
                )
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

/// The report of one imported file as text.
fn import_text(n: usize, total: usize, r: &crate::store::Imported) -> String {
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

fn run_docx(
    db: Option<PathBuf>,
    id: Option<String>,
    all: bool,
    output: &Path,
    json: bool,
) -> Result<Output, CliError> {
    use crate::docx::{case_docx, docx_file_name, write_docx_atomic};
    let store = open_read_only(db)?;
    let mut written = Vec::new();
    match (id, all) {
        (Some(id), false) => {
            let case = store.get_case(resolve(&store, &id)?)?;
            write_docx_atomic(&case_docx(&store, &case)?, output)?;
            written.push(output.to_path_buf());
        }
        (None, true) => {
            if !output.is_dir() {
                std::fs::create_dir_all(output).map_err(|e| CliError::Write {
                    path: output.display().to_string(),
                    detail: e.to_string(),
                })?;
            }
            let mut list = store.list_cases(&ListQuery::default())?;
            list.reverse(); // oldest first: numbering follows the order cases were entered
            for (i, s) in list.iter().enumerate() {
                let case = store.get_case(s.id)?;
                let path = output.join(docx_file_name(i + 1, &case));
                write_docx_atomic(&case_docx(&store, &case)?, &path)?;
                if !json {
                    eprintln!("[{}/{}] {}", i + 1, list.len(), path.display());
                }
                written.push(path);
            }
        }
        _ => {
            return Err(CliError::Other(
                "请给出一个案例编号，或用 --all 生成全部案例（二者选一）".into(),
            ))
        }
    }
    if json {
        ok(to_json(&written))
    } else {
        ok(format!("已生成 {} 份推荐表", written.len()))
    }
}

/// Opens the database to change it (waits a few seconds for another command saving; fails
/// while the app's window has it open).
fn open(db: Option<PathBuf>) -> Result<Store, CliError> {
    Ok(Store::open(&db_path(db)?)?)
}

/// Opens the database to read it: a read-only view while the app's window has it open.
fn open_read_only(db: Option<PathBuf>) -> Result<Store, CliError> {
    Ok(Store::open_read_only(&db_path(db)?)?)
}

fn db_path(db: Option<PathBuf>) -> Result<PathBuf, CliError> {
    Ok(match db {
        Some(p) => p,
        None => default_db_path()?,
    })
}

/// Finds a case by its full id or a unique prefix of it, in the list or the 回收站.
pub fn resolve(store: &Store, prefix: &str) -> Result<CaseId, CliError> {
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

fn read_input(file: Option<&Path>) -> Result<String, CliError> {
    let mut bytes = Vec::new();
    let shown = match file {
        None => "标准输入".to_string(),
        Some(p) if p.as_os_str() == "-" => "标准输入".to_string(),
        Some(p) => p.display().to_string(),
    };
    let res = match file {
        Some(p) if p.as_os_str() != "-" => std::fs::read(p).map(|b| bytes = b),
        _ => std::io::stdin().read_to_end(&mut bytes).map(|_| ()),
    };
    res.map_err(|e| CliError::Read {
        path: shown.clone(),
        detail: e.to_string(),
    })?;
    // Accept a UTF-8 BOM (Windows Notepad) and refuse other encodings clearly.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    String::from_utf8(bytes.to_vec()).map_err(|_| CliError::Read {
        path: shown,
        detail: "不是 UTF-8 编码的文本，请用记事本“另存为”UTF-8 后重试".into(),
    })
}

/// Writes a file through a temporary file in the same folder and a rename: never half-written.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    use std::io::Write;
    let shown = path.display().to_string();
    let err = |e: std::io::Error| CliError::Write {
        path: shown.clone(),
        detail: e.to_string(),
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}
