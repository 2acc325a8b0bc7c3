//! The submission package of a province: what goes to the working group for the cases marked
//! 同意, in the order of the 汇总表.
//!
//! 1. [`check`] — the whole submission before anything is written: every finding, each naming the
//!    case and field (the per-case reports come from [`crate::validate`], not re-implemented
//!    here): limits, missing materials, the photo's size, video verdicts, 案例库 matches, cases
//!    outside the unit, the quota, the deadline. Findings that make the package wrong
//!    (`blocking`: more 同意 than the quota, a 案例库 match not overridden, no unit) stop
//!    [`write_package`].
//! 2. [`write_package`] — into a temp folder beside the chosen one, renamed to the final name
//!    at the end (an interrupted or cancelled run leaves nothing under that name):
//!    - `附件2_省级汇总表_<单位>.xlsx` and `.docx`;
//!    - one folder per case `01_姓名/`: its 推荐表 (`01_姓名_推荐表.docx`), both ID scans, the
//!      personal photo byte for byte as attached, `视频链接.txt` (网盘 link and 提取码);
//!    - `材料清单.xlsx`: per case what is present, missing or warned about;
//!    - `邮件/`: the package zipped into parts under a size the coordinator sets (whole cases
//!      per part; the 汇总表 and 材料清单 in part 1), and one `.eml` per part addressed to the
//!      campaign's e-mail address, numbered (1/3, 2/3 …), subject and body naming the unit and
//!      listing every case with its 网盘 link and 提取码.
//!
//!    Progress is reported before each step; `cancel` is looked at between steps.

use crate::campaign::Campaign;
use crate::docx::{
    docx_file_name, safe_file_part, with_pictures_prepared_ahead, write_case_docx, DocxError,
    Progress,
};
use crate::fsx::{sync_dir, write_atomic, AtomicFile, FsError};
use crate::media::human_size;
use crate::media::Library;
use crate::model::{Attachment, Case, CaseId};
use crate::store::{Desk, Opinion, Store, StoreError};
use crate::summary::{self, SummaryError};
use crate::validate::{Report, Severity};
use serde::Serialize;
use std::fs;
use std::io::Seek;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Default largest zip part (and so e-mail attachment): 45 MB, under the 50 MB most mail
/// services accept.
pub const DEFAULT_PART_BYTES: u64 = 45 * 1000 * 1000;
/// The smallest part size accepted.
pub const MIN_PART_BYTES: u64 = 1000 * 1000;

#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Summary(#[from] SummaryError),
    #[error(transparent)]
    Docx(#[from] DocxError),
    #[error("还有 {0} 项必须先处理的问题（见检查结果中标“必须处理”的各项），报送材料未生成。")]
    Blocked(usize),
    #[error("“{0}”已经存在。请另选一个新文件夹名，或先把原有的文件夹移走。")]
    Exists(String),
    #[error("保存位置“{0}”不存在。请先创建这个文件夹，或另选保存位置。")]
    NoParent(String),
    #[error("无法写入“{path}”：{detail}。请检查磁盘空间和写入权限后重试；未生成任何报送材料。")]
    Io { path: String, detail: String },
    #[error("案例“{case}”的附件“{file}”在填报助手的文件库中找不到了。请在该案例的“材料”中重新添加后再生成。")]
    MissingBlob { case: String, file: String },
    #[error("案例“{case}”的材料共 {size}，超过每个压缩包 {limit} 的上限。请调大分卷大小，或压缩该案例的照片后再生成。")]
    CaseTooLarge {
        case: String,
        size: String,
        limit: String,
    },
    #[error("分卷大小“{0}”无法识别。请写成如 45MB、20MB 的形式（不小于 1MB）。")]
    PartSize(String),
    #[error("已取消，未生成任何报送材料。")]
    Cancelled,
    #[error("生成邮件时出错：{0}")]
    Mail(String),
}

impl From<FsError> for PackageError {
    /// A file of the package could not be written: the path and the kind of failure (disk
    /// full, read-only, …) as `fsx` classifies it.
    fn from(e: FsError) -> Self {
        PackageError::Io {
            path: e.path.display().to_string(),
            detail: format!("{}（{}）", e.kind.reason(), e.source),
        }
    }
}

/// One finding of the whole-submission check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The case it is about (None: the submission as a whole).
    pub case_id: Option<CaseId>,
    /// 序号 of the case in the submission, 姓名.
    pub position: Option<usize>,
    pub case: String,
    /// The field ("person.name", "media.photo", …), "opinion", "library", "unit", "quota",
    /// "deadline".
    pub field: String,
    pub severity: Severity,
    /// The package cannot be written while this stands.
    pub blocking: bool,
    pub message: String,
}

/// The whole-submission check.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub unit: String,
    pub quota: usize,
    /// Cases marked 同意, in order.
    pub agreed: usize,
    pub findings: Vec<Finding>,
    pub errors: usize,
    pub warnings: usize,
    pub blocking: usize,
}

impl Check {
    /// "0 项问题", "3 项问题（1 项必须处理）".
    pub fn headline(&self) -> String {
        let n = self.findings.len();
        if self.blocking > 0 {
            format!("{n} 项问题（{} 项必须处理）", self.blocking)
        } else {
            format!("{n} 项问题")
        }
    }
}

/// What the package is made of: the check, and the 同意 cases in order (loaded, so the slow
/// writing needs no store).
#[derive(Debug, Clone)]
pub struct Plan {
    pub unit: String,
    pub campaign: Campaign,
    pub cases: Vec<Case>,
    pub reports: Vec<Report>,
    pub check: Check,
}

/// Checks the whole submission as it stands in the store; `today` decides the deadline finding.
pub fn plan(store: &Store, today: chrono::NaiveDate) -> Result<Plan, PackageError> {
    let desk = store.desk()?;
    let mut cases = Vec::new();
    let mut reports = Vec::new();
    for c in desk.agreed_cases() {
        let case = store.get_case(c.id)?;
        reports.push(store.validate(&case));
        cases.push(case);
    }
    let check = check_desk(&desk, &cases, &reports, store.campaign(), today);
    Ok(Plan {
        unit: desk.unit.clone(),
        campaign: store.campaign().clone(),
        cases,
        reports,
        check,
    })
}

/// [`plan`] as of today (local date).
pub fn plan_today(store: &Store) -> Result<Plan, PackageError> {
    plan(store, chrono::Local::now().date_naive())
}

/// The check over a provincial view and the loaded 同意 cases with their reports.
pub fn check_desk(
    desk: &Desk,
    cases: &[Case],
    reports: &[Report],
    campaign: &Campaign,
    today: chrono::NaiveDate,
) -> Check {
    let mut f = Vec::new();
    let whole = |field: &str, severity, blocking, message: String| Finding {
        case_id: None,
        position: None,
        case: String::new(),
        field: field.to_string(),
        severity,
        blocking,
        message,
    };
    if desk.unit.is_empty() {
        f.push(whole(
            "unit",
            Severity::Error,
            true,
            "尚未设置报送单位（省份）。请在“设置”中选择本单位。".into(),
        ));
    }
    let agreed = desk.agreed;
    if agreed == 0 {
        f.push(whole(
            "quota",
            Severity::Error,
            true,
            "还没有“同意”推荐的案例。请在省级汇总中为要报送的案例选择“同意”。".into(),
        ));
    } else if agreed > desk.quota {
        f.push(whole(
            "quota",
            Severity::Error,
            true,
            format!(
                "同意 {agreed} 个，超过名额 {}。请把多出的 {} 个改为“不同意”。",
                desk.quota,
                agreed - desk.quota
            ),
        ));
    } else if agreed < desk.quota {
        f.push(whole(
            "quota",
            Severity::Warning,
            false,
            format!(
                "同意 {agreed} 个，少于名额 {}（还可推荐 {} 个）。",
                desk.quota,
                desk.quota - agreed
            ),
        ));
    }
    if let Ok(deadline) = chrono::NaiveDate::parse_from_str(&campaign.deadline, "%Y-%m-%d") {
        if today > deadline {
            f.push(whole(
                "deadline",
                Severity::Warning,
                false,
                format!(
                    "已过报送截止日期 {}（今天是 {}）。请与工作组确认是否仍可报送。",
                    campaign.deadline,
                    today.format("%Y-%m-%d")
                ),
            ));
        }
    }
    let agreed_rows: Vec<_> = desk.agreed_cases().collect();
    for (i, dc) in agreed_rows.iter().enumerate() {
        let pos = Some(i + 1);
        let one = |field: &str, severity, blocking, message: String| Finding {
            case_id: Some(dc.id),
            position: pos,
            case: if dc.name.is_empty() {
                "未命名案例".into()
            } else {
                dc.name.clone()
            },
            field: field.to_string(),
            severity,
            blocking,
            message,
        };
        for m in dc.library.iter().filter(|m| m.kind.flags()) {
            if dc.library_flag {
                f.push(one(
                    "library",
                    Severity::Error,
                    true,
                    format!(
                        "已在{}中：{}（{}）。同一人两年内不得重复报送；若确是另一人，请填写理由后计入。",
                        campaign.previous_library, m.reason, m.entry.source
                    ),
                ));
            }
        }
        if let Some(why) = &dc.outside_unit {
            f.push(one(
                "region.province",
                Severity::Warning,
                false,
                why.clone(),
            ));
        }
        if dc.status != crate::model::Status::Ready {
            f.push(one(
                "status",
                Severity::Warning,
                false,
                "未标记“完成”：推荐表每页会印有“草稿”字样。".into(),
            ));
        }
        if let Some(report) = cases
            .iter()
            .position(|c| c.id == dc.id)
            .and_then(|k| reports.get(k))
        {
            for issue in &report.issues {
                f.push(one(
                    &issue.field,
                    issue.severity,
                    false,
                    issue.message.clone(),
                ));
            }
        }
    }
    let errors = f.iter().filter(|x| x.severity == Severity::Error).count();
    let blocking = f.iter().filter(|x| x.blocking).count();
    Check {
        unit: desk.unit.clone(),
        quota: desk.quota,
        agreed,
        warnings: f.len() - errors,
        errors,
        blocking,
        findings: f,
    }
}

/// Reads a part size like "45MB", "45 MB", "20m", "1.5GB", "45000000".
pub fn parse_part_size(s: &str) -> Result<u64, PackageError> {
    let t = s.trim().to_ascii_uppercase().replace(' ', "");
    let (num, mult) = if let Some(n) = t.strip_suffix("GB").or_else(|| t.strip_suffix('G')) {
        (n, 1e9)
    } else if let Some(n) = t.strip_suffix("MB").or_else(|| t.strip_suffix('M')) {
        (n, 1e6)
    } else if let Some(n) = t.strip_suffix("KB").or_else(|| t.strip_suffix('K')) {
        (n, 1e3)
    } else {
        (t.strip_suffix('B').unwrap_or(&t), 1.0)
    };
    let v: f64 = num
        .parse()
        .map_err(|_| PackageError::PartSize(s.to_string()))?;
    let bytes = (v * mult) as u64;
    if !v.is_finite() || bytes < MIN_PART_BYTES {
        return Err(PackageError::PartSize(s.to_string()));
    }
    Ok(bytes)
}

/// How the package is written.
#[derive(Debug, Clone)]
pub struct Options {
    /// Largest zip part in bytes.
    pub part_bytes: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            part_bytes: DEFAULT_PART_BYTES,
        }
    }
}

/// One file of the package.
#[derive(Debug, Clone, Serialize)]
pub struct PackageFile {
    /// Path inside the package folder, with `/`.
    pub path: String,
    pub bytes: u64,
}

/// One zip part and its e-mail.
#[derive(Debug, Clone, Serialize)]
pub struct Part {
    pub number: usize,
    pub of: usize,
    pub zip: String,
    pub zip_bytes: u64,
    pub eml: String,
    /// 序号 of the cases in this part.
    pub cases: Vec<usize>,
}

/// What [`write_package`] wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub dir: String,
    pub cases: usize,
    pub files: Vec<PackageFile>,
    pub parts: Vec<Part>,
    pub check: Check,
}

/// The suggested name of the package folder: `2024 农村直播电商优秀案例_贵州省_报送材料`.
pub fn folder_name(unit: &str, campaign: &Campaign) -> String {
    format!(
        "{}_{}_报送材料",
        safe_file_part(&campaign.activity_name, 40),
        safe_file_part(unit, 40)
    )
}

/// The folder of a case in the package: `01_李明`.
pub fn case_folder(index: usize, case: &Case) -> String {
    format!("{index:02}_{}", safe_file_part(&case.label(), 40))
}

struct Builder<'a> {
    tmp: PathBuf,
    files: Vec<PackageFile>,
    progress: &'a mut dyn FnMut(&Progress),
    cancel: &'a AtomicBool,
    done: usize,
    total: usize,
}

impl Builder<'_> {
    fn step(&mut self, what: &str) -> Result<(), PackageError> {
        if self.cancel.load(Ordering::SeqCst) {
            return Err(PackageError::Cancelled);
        }
        (self.progress)(&Progress {
            done: self.done,
            total: self.total,
            current: what.to_string(),
        });
        self.done += 1;
        Ok(())
    }

    fn io(&self, path: &Path, e: std::io::Error) -> PackageError {
        FsError::new(path, e).into()
    }

    /// Writes a new file in the temp folder through the one atomic writer (fsync'd: the folder
    /// is renamed only after every file is on disk).
    fn write(&mut self, rel: &str, bytes: &[u8]) -> Result<(), PackageError> {
        let path = self.tmp.join(rel);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| self.io(dir, e))?;
        }
        write_atomic(&path, bytes)?;
        self.files.push(PackageFile {
            path: rel.to_string(),
            bytes: bytes.len() as u64,
        });
        Ok(())
    }

    /// Copies an attached file byte for byte, streamed through [`AtomicFile`].
    fn copy(&mut self, rel: &str, src: &Path) -> Result<(), PackageError> {
        let path = self.tmp.join(rel);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| self.io(dir, e))?;
        }
        let mut input = fs::File::open(src).map_err(|e| self.io(src, e))?;
        let mut out = AtomicFile::beside(&path)?;
        let bytes = std::io::copy(&mut input, &mut out).map_err(|e| self.io(&path, e))?;
        out.commit(&path)?;
        self.files.push(PackageFile {
            path: rel.to_string(),
            bytes,
        });
        Ok(())
    }
}

/// The extension of an attached file: from its original name, else its format.
fn extension(a: &Attachment) -> String {
    if a.converted.is_some() {
        return "jpg".into(); // the JPEG made from a WebP/BMP file is what is sent
    }
    let from_name = Path::new(&a.file_name)
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .filter(|e| !e.is_empty() && e.len() <= 5 && e.chars().all(|c| c.is_ascii_alphanumeric()));
    from_name.unwrap_or_else(|| match a.format.as_str() {
        "jpeg" => "jpg".into(),
        "" => "bin".into(),
        f => f.to_string(),
    })
}

/// The text of `视频链接.txt`.
fn video_text(case: &Case, campaign: &Campaign) -> String {
    let v = &case.media.video;
    let or_missing = |s: &str| {
        if s.trim().is_empty() {
            "（未填写）".to_string()
        } else {
            s.trim().to_string()
        }
    };
    format!(
        "{}：{}\r\n视频主题：{}\r\n{}链接：{}\r\n提取码：{}\r\n",
        "姓名",
        case.label(),
        campaign.video_theme,
        campaign.video.netdisk,
        or_missing(&v.link),
        or_missing(&v.code)
    )
}

/// Writes the package of `plan` into the folder `dest` (which must not exist yet); see the
/// module documentation for what it holds. Blocking findings refuse it before anything is
/// written.
pub fn write_package(
    files: &Library,
    plan: &Plan,
    dest: &Path,
    opts: &Options,
    progress: &mut dyn FnMut(&Progress),
    cancel: &AtomicBool,
) -> Result<Outcome, PackageError> {
    if plan.check.blocking > 0 {
        return Err(PackageError::Blocked(plan.check.blocking));
    }
    if opts.part_bytes < MIN_PART_BYTES {
        return Err(PackageError::PartSize(format!("{} 字节", opts.part_bytes)));
    }
    let shown = dest.display().to_string();
    if fs::symlink_metadata(dest).is_ok() {
        return Err(PackageError::Exists(shown));
    }
    let parent = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        return Err(PackageError::NoParent(parent.display().to_string()));
    }
    let final_name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "报送材料".into());
    clean_stale(&parent, &final_name);
    let tmp = parent.join(format!(
        ".{final_name}.partial-{}",
        uuid::Uuid::new_v4().simple()
    ));
    fs::create_dir(&tmp).map_err(|e| PackageError::from(FsError::new(&tmp, e)))?;
    let mut progress = progress;
    let result = build(files, plan, &tmp, opts, &mut progress, cancel);
    match result {
        Ok((files_out, parts)) => {
            if cancel.load(Ordering::SeqCst) {
                let _ = fs::remove_dir_all(&tmp);
                return Err(PackageError::Cancelled);
            }
            sync_dir(&tmp);
            if let Err(e) = fs::rename(&tmp, dest) {
                let _ = fs::remove_dir_all(&tmp);
                return Err(FsError::writing(dest, e).into());
            }
            sync_dir(&parent);
            progress(&Progress {
                done: plan.cases.len() + 4,
                total: plan.cases.len() + 4,
                current: String::new(),
            });
            Ok(Outcome {
                dir: shown,
                cases: plan.cases.len(),
                files: files_out,
                parts,
                check: plan.check.clone(),
            })
        }
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            Err(e)
        }
    }
}

/// Removes temp folders of earlier runs of the same package that were killed half-way.
fn clean_stale(parent: &Path, final_name: &str) {
    let prefix = format!(".{final_name}.partial-");
    if let Ok(rd) = fs::read_dir(parent) {
        for e in rd.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = fs::remove_dir_all(e.path());
            }
        }
    }
}

type Built = (Vec<PackageFile>, Vec<Part>);

fn build(
    files: &Library,
    plan: &Plan,
    tmp: &Path,
    opts: &Options,
    progress: &mut dyn FnMut(&Progress),
    cancel: &AtomicBool,
) -> Result<Built, PackageError> {
    let campaign = &plan.campaign;
    let mut b = Builder {
        tmp: tmp.to_path_buf(),
        files: Vec::new(),
        progress,
        cancel,
        done: 0,
        total: plan.cases.len() + 4,
    };
    let blobs = files.blobs().map_err(DocxError::from)?;
    // 1. the 汇总表
    b.step(&campaign.summary_title)?;
    let rows: Vec<_> = plan
        .cases
        .iter()
        .map(|c| summary::row_of(c, Opinion::Agree.as_str()))
        .collect();
    let xlsx_name = summary::summary_file_name(&plan.unit, campaign, "xlsx");
    let docx_name = summary::summary_file_name(&plan.unit, campaign, "docx");
    let xlsx = summary::summary_xlsx(&plan.unit, &rows, campaign)?;
    b.write(&xlsx_name, &xlsx)?;
    summary::check_quota(&rows, campaign)?;
    let docx = crate::docx::summary_docx(&plan.unit, &rows, campaign)?;
    b.write(&docx_name, &docx)?;
    let common = vec![xlsx_name.clone(), docx_name.clone()];

    // 2. one folder per case (the pictures of the cases ahead prepared on the second core)
    let cases: Vec<&Case> = plan.cases.iter().collect();
    let case_files = with_pictures_prepared_ahead(&cases, files, cancel, |reached| {
        case_folders(&mut b, files, plan, &blobs, reached)
    })?;

    // 3. 材料清单
    b.step("材料清单")?;
    let list = materials_xlsx(plan)?;
    b.write("材料清单.xlsx", &list)?;
    let mut common = common;
    common.push("材料清单.xlsx".into());

    // 4. zip parts and e-mails
    b.step("压缩分卷与邮件")?;
    let sizes: std::collections::HashMap<String, u64> =
        b.files.iter().map(|f| (f.path.clone(), f.bytes)).collect();
    let size_of = |paths: &[String]| -> u64 {
        paths
            .iter()
            .map(|p| sizes.get(p).copied().unwrap_or(0) + ZIP_ENTRY_OVERHEAD + p.len() as u64 * 2)
            .sum()
    };
    let limit = opts.part_bytes;
    let mut groups: Vec<(Vec<usize>, Vec<String>)> = vec![(Vec::new(), common.clone())];
    for (i, paths) in case_files.iter().enumerate() {
        let own = size_of(paths);
        if own + size_of(&common) > limit && own + ZIP_END_OVERHEAD > limit {
            return Err(PackageError::CaseTooLarge {
                case: plan.cases[i].label(),
                size: human_size(own),
                limit: human_size(limit),
            });
        }
        let last = groups.last_mut().expect("one group");
        if !last.0.is_empty() && size_of(&last.1) + own + ZIP_END_OVERHEAD > limit {
            groups.push((Vec::new(), Vec::new()));
        }
        let last = groups.last_mut().expect("one group");
        last.0.push(i);
        last.1.extend(paths.iter().cloned());
    }
    let of = groups.len();
    let mut parts = Vec::new();
    for (k, (cases, paths)) in groups.iter().enumerate() {
        if b.cancel.load(Ordering::SeqCst) {
            return Err(PackageError::Cancelled);
        }
        let number = k + 1;
        let zip_name = if of == 1 {
            format!("{}.zip", folder_name(&plan.unit, campaign))
        } else {
            format!(
                "{}_第{number}部分（共{of}部分）.zip",
                folder_name(&plan.unit, campaign)
            )
        };
        let zip_bytes = zip_files(tmp, paths).map_err(|e| b.io(&tmp.join(&zip_name), e))?;
        if zip_bytes.len() as u64 > limit {
            return Err(PackageError::CaseTooLarge {
                case: cases
                    .iter()
                    .map(|&i| plan.cases[i].label())
                    .collect::<Vec<_>>()
                    .join("、"),
                size: human_size(zip_bytes.len() as u64),
                limit: human_size(limit),
            });
        }
        let zip_rel = format!("邮件/{zip_name}");
        b.write(&zip_rel, &zip_bytes)?;
        let eml = email(plan, number, of, cases, &zip_name, zip_bytes)?;
        let eml_rel = if of == 1 {
            "邮件/报送邮件.eml".to_string()
        } else {
            format!("邮件/报送邮件_第{number}封（共{of}封）.eml")
        };
        b.write(&eml_rel, &eml)?;
        parts.push(Part {
            number,
            of,
            zip: zip_rel,
            zip_bytes: sizes_last(&b.files),
            eml: eml_rel,
            cases: cases.iter().map(|i| i + 1).collect(),
        });
    }
    Ok((b.files, parts))
}

/// The folder of each case (its 推荐表, ID scans, photo, 视频链接.txt), in the order of the
/// 汇总表; the files of each case, for the zip parts. `reached` tells the picture thread where
/// this loop is.
fn case_folders(
    b: &mut Builder<'_>,
    files: &Library,
    plan: &Plan,
    blobs: &crate::media::BlobStore,
    reached: &AtomicUsize,
) -> Result<Vec<Vec<String>>, PackageError> {
    let tmp = b.tmp.clone();
    let mut case_files: Vec<Vec<String>> = Vec::new();
    for (i, case) in plan.cases.iter().enumerate() {
        reached.store(i, Ordering::SeqCst);
        b.step(&case.label())?;
        let folder = case_folder(i + 1, case);
        let before = b.files.len();
        let docx_rel = format!("{folder}/{}", docx_file_name(i + 1, case));
        let path = tmp.join(&docx_rel);
        fs::create_dir_all(tmp.join(&folder)).map_err(|e| b.io(&tmp.join(&folder), e))?;
        let w = write_case_docx(files, case, &path)?;
        b.files.push(PackageFile {
            path: docx_rel,
            bytes: w.bytes,
        });
        let m = &case.media;
        for (a, stem) in [
            (&m.id_front, "身份证_人像面"),
            (&m.id_back, "身份证_国徽面"),
            (&m.photo, "个人形象照片"),
        ] {
            let Some(a) = a else { continue };
            let src = blobs
                .path_of(a.sent_sha256())
                .filter(|p| p.is_file())
                .ok_or_else(|| PackageError::MissingBlob {
                    case: case.label(),
                    file: a.file_name.clone(),
                })?;
            b.copy(&format!("{folder}/{stem}.{}", extension(a)), &src)?;
        }
        b.write(
            &format!("{folder}/视频链接.txt"),
            video_text(case, &plan.campaign).as_bytes(),
        )?;
        case_files.push(b.files[before..].iter().map(|f| f.path.clone()).collect());
    }
    Ok(case_files)
}

/// The size of the zip written just before its e-mail.
fn sizes_last(files: &[PackageFile]) -> u64 {
    files
        .iter()
        .rev()
        .find(|f| f.path.ends_with(".zip"))
        .map(|f| f.bytes)
        .unwrap_or(0)
}

/// Local header + central directory entry, without the name.
const ZIP_ENTRY_OVERHEAD: u64 = 30 + 46 + 64;
const ZIP_END_OVERHEAD: u64 = 22 + 1024;

/// Zips `paths` (relative to `root`) stored as they are (JPEG, PDF, docx and xlsx do not
/// compress further); text files deflated.
fn zip_files(root: &Path, paths: &[String]) -> std::io::Result<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    use zip::CompressionMethod;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let to_io = |e: zip::result::ZipError| std::io::Error::other(e.to_string());
    for p in paths {
        let method = if p.ends_with(".txt") {
            CompressionMethod::Deflated
        } else {
            CompressionMethod::Stored
        };
        let opts = SimpleFileOptions::default()
            .compression_method(method)
            .large_file(false);
        w.start_file(p.as_str(), opts).map_err(to_io)?;
        let mut f = fs::File::open(root.join(p))?;
        std::io::copy(&mut f, &mut w)?;
    }
    let mut cur = w.finish().map_err(to_io)?;
    cur.seek(std::io::SeekFrom::Start(0))?;
    Ok(cur.into_inner())
}

/// The e-mail of part `number` of `of`, the zip attached.
fn email(
    plan: &Plan,
    number: usize,
    of: usize,
    cases_in_part: &[usize],
    zip_name: &str,
    zip: Vec<u8>,
) -> Result<Vec<u8>, PackageError> {
    let c = &plan.campaign;
    let unit = &plan.unit;
    let numbering = if of > 1 {
        format!("（第{number}封，共{of}封）")
    } else {
        String::new()
    };
    let subject = format!("【{unit}】{}推荐材料{numbering}", c.activity_name);
    let mut body = String::new();
    body.push_str(&format!("{}：\r\n\r\n", c.organizer));
    body.push_str(&format!(
        "　　{unit}报送“{}”推荐材料，共 {} 个案例（名单见附件中的{}）。",
        c.activity_name,
        plan.cases.len(),
        c.summary_title
    ));
    if of > 1 {
        let first = cases_in_part.first().map(|i| i + 1).unwrap_or(0);
        let last = cases_in_part.last().map(|i| i + 1).unwrap_or(0);
        body.push_str(&format!(
            "材料按邮件附件大小分为 {of} 封邮件发送，本邮件为第 {number} 封，附件 {zip_name} 含第 {first:02}–{last:02} 号案例{}。",
            if number == 1 {
                format!("及{}、材料清单", c.summary_title)
            } else {
                String::new()
            }
        ));
    } else {
        body.push_str(&format!("全部材料见附件 {zip_name}。"));
    }
    body.push_str(&format!(
        "\r\n\r\n　　各案例视频（{}）链接及提取码：\r\n",
        c.video.netdisk
    ));
    for (i, case) in plan.cases.iter().enumerate() {
        let v = &case.media.video;
        let or = |s: &str| {
            if s.trim().is_empty() {
                "（未填写）".to_string()
            } else {
                s.trim().to_string()
            }
        };
        body.push_str(&format!(
            "{:02}. {}（{}）　链接：{}　提取码：{}\r\n",
            i + 1,
            case.label(),
            case.region.one_line(),
            or(&v.link),
            or(&v.code)
        ));
    }
    body.push_str(&format!("\r\n{unit}\r\n"));
    let msg = mail_builder::MessageBuilder::new()
        .to(c.email.as_str())
        .subject(subject)
        .message_id(format!("{}@tianbao.local", uuid::Uuid::new_v4().simple()))
        .header("X-Unsent", mail_builder::headers::raw::Raw::new("1"))
        .text_body(body)
        .attachment("application/zip", zip_name.to_string(), zip);
    msg.write_to_vec()
        .map_err(|e| PackageError::Mail(e.to_string()))
}

/// 材料清单.xlsx: one row per case, what is there, what is missing, what is warned about.
fn materials_xlsx(plan: &Plan) -> Result<Vec<u8>, PackageError> {
    use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};
    let x =
        |e: rust_xlsxwriter::XlsxError| PackageError::Summary(SummaryError::Xlsx(e.to_string()));
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("材料清单").map_err(x)?;
    let base = Format::new()
        .set_font_name("宋体")
        .set_font_charset(134)
        .set_font_size(11)
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    let head = base.clone().set_bold().set_align(FormatAlign::Center);
    let heads = [
        ("序号", 6.0),
        ("姓名", 12.0),
        ("推荐表", 10.0),
        ("身份证人像面", 14.0),
        ("身份证国徽面", 14.0),
        ("个人形象照片", 20.0),
        ("视频链接", 36.0),
        ("提取码", 10.0),
        ("问题", 60.0),
    ];
    for (c, (h, w)) in heads.iter().enumerate() {
        ws.set_column_width(c as u16, *w).map_err(x)?;
        ws.write_string_with_format(0, c as u16, *h, &head)
            .map_err(x)?;
    }
    ws.set_repeat_rows(0, 0).map_err(x)?;
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    let have = |a: &Option<Attachment>| match a {
        Some(a) => format!("有（{}）", human_size(a.bytes)),
        None => "缺".to_string(),
    };
    for (i, (case, report)) in plan.cases.iter().zip(&plan.reports).enumerate() {
        let r = (i + 1) as u32;
        let v = &case.media.video;
        let problems: Vec<String> = report
            .issues
            .iter()
            .map(|is| {
                format!(
                    "{}{}",
                    if is.severity == Severity::Error {
                        "【错误】"
                    } else {
                        ""
                    },
                    is.message
                )
            })
            .collect();
        let cells = [
            format!("{:02}", i + 1),
            case.label(),
            "有".to_string(),
            have(&case.media.id_front),
            have(&case.media.id_back),
            have(&case.media.photo),
            if v.link.trim().is_empty() {
                "缺".into()
            } else {
                v.link.trim().to_string()
            },
            if v.code.trim().is_empty() {
                "缺".into()
            } else {
                v.code.trim().to_string()
            },
            if problems.is_empty() {
                "无".into()
            } else {
                problems.join("\n")
            },
        ];
        for (c, t) in cells.iter().enumerate() {
            ws.write_string_with_format(r, c as u16, t, &base)
                .map_err(x)?;
        }
    }
    wb.save_to_buffer().map_err(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_sizes() {
        assert_eq!(parse_part_size("45MB").unwrap(), 45_000_000);
        assert_eq!(parse_part_size("45 mb").unwrap(), 45_000_000);
        assert_eq!(parse_part_size("1.5G").unwrap(), 1_500_000_000);
        assert_eq!(parse_part_size("2000000").unwrap(), 2_000_000);
        assert!(parse_part_size("10KB").is_err());
        assert!(parse_part_size("abc").is_err());
    }
}
