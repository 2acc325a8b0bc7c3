//! Export from a store, and import into one: verify, preview, apply.
//!
//! Import in three steps, so that nothing is written until everything is known to be sound:
//! 1. [`preview`]: the bundle is verified completely ([`super::read::open`]; attached files are
//!    staged in a work folder beside the database, never in the attachment folder) and every
//!    case planned against the store: new, fast-forward, unchanged, merged (with conflicts),
//!    deleted elsewhere, and possibly the same person under another id.
//! 2. [`apply`]: the staged files are moved into the content-addressed attachment store first,
//!    then every case is applied in ONE database transaction — a case never arrives without
//!    its photos, and a failure leaves the database as it was.
//! 3. Dropping an [`Import`] without applying removes its work folder.

use super::read::{self, needed_files, Verified};
use super::write::{self, Contents};
use super::{shown, BundleError, ManifestCase};
use crate::merge;
use crate::model::CaseId;
use crate::store::{ListQuery, Outcome, Plan, Store};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What to export.
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// The cases; empty = every live case.
    pub ids: Vec<CaseId>,
    pub passphrase: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportReport {
    pub path: PathBuf,
    pub cases: usize,
    pub files: usize,
    pub bytes: u64,
    pub encrypted: bool,
}

/// The default bundle name: `台江县_2024-05-10_12例.tianbao` (office, date, count).
pub fn default_file_name(store: &Store, count: usize) -> String {
    let office = store.identity().office;
    let office = if office.trim().is_empty() {
        "未设置单位".to_string()
    } else {
        office
            .trim()
            .chars()
            .map(|c| {
                if "/\\:*?\"<>|".contains(c) || c.is_control() {
                    '_'
                } else {
                    c
                }
            })
            .collect()
    };
    let date = chrono::Local::now().format("%Y-%m-%d");
    format!("{office}_{date}_{count}例.tianbao")
}

/// Writes the cases into a bundle at `target`. Changes nothing in the store except recording
/// which revisions left the office.
pub fn export(
    store: &mut Store,
    opts: &ExportOptions,
    target: &Path,
) -> Result<ExportReport, BundleError> {
    let ids: Vec<CaseId> = if opts.ids.is_empty() {
        store
            .list_cases(&ListQuery::default())?
            .into_iter()
            .map(|s| s.id)
            .collect()
    } else {
        opts.ids.clone()
    };
    if ids.is_empty() {
        return Err(BundleError::NothingToExport);
    }
    let blobs = store.library();
    let mut cases = Vec::new();
    let mut files: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut exported = Vec::new();
    for id in &ids {
        let revs = store.revisions_for_export(*id)?;
        let head_id = store
            .head_of(*id)?
            .ok_or(crate::store::StoreError::NotFound(*id))?;
        let head = revs
            .iter()
            .find(|r| r.id == head_id)
            .ok_or(crate::store::StoreError::NotFound(*id))?;
        for a in needed_files(head) {
            let sha = a.sha256.to_ascii_lowercase();
            if files.contains_key(&sha) {
                continue;
            }
            let path = blobs
                .blobs()
                .ok()
                .and_then(|b| b.path_of(&sha))
                .ok_or_else(|| BundleError::Read {
                    file: format!("案例“{}”的附件“{}”", head.data.label(), a.file_name),
                    reason: "本机的附件文件夹中找不到它；请在案例中重新添加该文件后再导出".into(),
                })?;
            files.insert(sha, path);
        }
        exported.extend(revs.iter().map(|r| r.id.clone()));
        cases.push((
            ManifestCase {
                id: *id,
                head: head_id.clone(),
                name: head.data.label(),
                revisions: revs.len(),
            },
            revs,
        ));
    }
    let identity = store.identity();
    let contents = Contents {
        campaign_year: store.campaign().year,
        office: identity.office,
        device: identity.device,
        created_at: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        cases,
        files: files.into_iter().collect(),
    };
    write::write(target, &contents, opts.passphrase.as_deref())?;
    // Only once the bundle is complete under its name: these revisions have left the office.
    store.mark_exported(&exported)?;
    Ok(ExportReport {
        path: target.to_path_buf(),
        cases: contents.cases.len(),
        files: contents.files.len(),
        bytes: std::fs::metadata(target).map(|m| m.len()).unwrap_or(0),
        encrypted: opts.passphrase.is_some(),
    })
}

/// A possibly identical person already here under another id.
#[derive(Debug, Clone, Serialize)]
pub struct SamePerson {
    pub id: CaseId,
    pub name: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PreviewCase {
    pub id: CaseId,
    pub name: String,
    pub outcome: Outcome,
    /// The outcome as the preview says it: [`Outcome::label`].
    pub outcome_label: String,
    /// The fields in conflict (labels) when merged.
    pub conflicts: Vec<String>,
    pub same_person: Vec<SamePerson>,
}

/// What an import will do, for the person to confirm.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub file: String,
    pub office: String,
    pub created_at: String,
    pub encrypted: bool,
    pub cases: Vec<PreviewCase>,
    pub new: usize,
    pub fast_forward: usize,
    pub unchanged: usize,
    pub merged: usize,
    pub conflicts: usize,
    pub deleted_elsewhere: usize,
    pub same_person: usize,
    pub files: usize,
    pub bytes: u64,
    /// A sentence for the person: "3 例新增，1 例更新，…" or "没有任何变化（已经导入过）".
    pub summary: String,
}

/// A verified, planned import waiting to be applied (or dropped).
#[derive(Debug)]
pub struct Import {
    pub preview: Preview,
    verified: Verified,
    plans: Vec<Plan>,
    _work: tempfile::TempDir,
}

/// What an applied import did.
pub type ImportReport = Preview;

/// Verifies the bundle and plans it against the store. Writes nothing in the database or the
/// attachment folder (a work folder beside the database holds the staged files until applied
/// or dropped).
pub fn preview(
    store: &Store,
    path: &Path,
    passphrase: Option<&str>,
) -> Result<Import, BundleError> {
    plan_bundle(store, path, passphrase, true)
}

/// The same verification and plan, for a look only (`import --dry-run`): every byte is still
/// read, counted, CRC-checked and hashed, but no attached file is staged (nothing can be
/// applied from it, and a 2 GB bundle is not written out again).
pub fn check(store: &Store, path: &Path, passphrase: Option<&str>) -> Result<Preview, BundleError> {
    plan_bundle(store, path, passphrase, false).map(|i| i.preview)
}

fn plan_bundle(
    store: &Store,
    path: &Path,
    passphrase: Option<&str>,
    stage: bool,
) -> Result<Import, BundleError> {
    let file = shown(path);
    let db_dir = crate::fsx::parent_of(store.path());
    let work = tempfile::Builder::new()
        .prefix(".tianbao-import-")
        .tempdir_in(&db_dir)
        .map_err(|e| BundleError::write(&shown(&db_dir), crate::fsx::FsError::new(&db_dir, e)))?;
    let blob_dir = store.blob_dir();
    let stored = |sha: &str| !stage || blob_dir.join(&sha[..2]).join(sha).is_file();
    let verified = read::open(path, passphrase, work.path(), &stored)?;
    let live: Vec<crate::model::Case> = store
        .list_cases(&ListQuery::default())?
        .into_iter()
        .filter_map(|s| store.get_case(s.id).ok())
        .collect();
    let mut plans = Vec::new();
    let mut cases = Vec::new();
    for mc in &verified.manifest.cases {
        let revs = &verified.revisions[&mc.id];
        let plan = store.plan_import(mc.id, revs, &mc.head)?;
        let head = revs.iter().find(|r| r.id == mc.head).expect("verified");
        let conflicts = match &plan.merge {
            Some(m) => m.conflicts.iter().map(|c| c.label.clone()).collect(),
            None => Vec::new(),
        };
        let same_person = if plan.outcome == Outcome::New {
            live.iter()
                .filter(|c| c.id != mc.id)
                .filter_map(|c| {
                    merge::same_person(&head.data, c).map(|reason| SamePerson {
                        id: c.id,
                        name: c.label(),
                        reason,
                    })
                })
                .collect()
        } else {
            Vec::new()
        };
        cases.push(PreviewCase {
            id: mc.id,
            name: head.data.label(),
            outcome_label: plan.outcome.label(),
            outcome: plan.outcome.clone(),
            conflicts,
            same_person,
        });
        plans.push(plan);
    }
    let count = |f: &dyn Fn(&Outcome) -> bool| cases.iter().filter(|c| f(&c.outcome)).count();
    let new = count(&|o| *o == Outcome::New);
    let fast_forward = count(&|o| *o == Outcome::FastForward);
    let unchanged = count(&|o| *o == Outcome::Unchanged);
    let merged = count(&|o| matches!(o, Outcome::Merged { .. }));
    let conflicts = count(&|o| matches!(o, Outcome::Merged { conflicts } if *conflicts > 0));
    let deleted_elsewhere = count(&|o| *o == Outcome::DeletedElsewhere);
    let same_person = cases.iter().filter(|c| !c.same_person.is_empty()).count();
    let mut parts = Vec::new();
    for (n, what) in [
        (new, "新增"),
        (fast_forward, "更新"),
        (merged, "合并"),
        (deleted_elsewhere, "已在别处删除"),
        (unchanged, "没有变化"),
    ] {
        if n > 0 {
            parts.push(format!("{n} 例{what}"));
        }
    }
    let mut summary = if unchanged == cases.len() {
        format!(
            "{} 例案例都已是最新，没有任何变化（这个案例包已经导入过）。",
            cases.len()
        )
    } else {
        parts.join("，") + "。"
    };
    if conflicts > 0 {
        summary.push_str(&format!(
            "其中 {conflicts} 例有冲突，导入后需要逐项选择保留哪一份。"
        ));
    }
    if same_person > 0 {
        summary.push_str(&format!(
            "{same_person} 例可能与已有案例是同一个人，请核对。"
        ));
    }
    let preview = Preview {
        file,
        office: verified.manifest.office.clone(),
        created_at: verified.manifest.created_at.clone(),
        encrypted: verified.encrypted,
        cases,
        new,
        fast_forward,
        unchanged,
        merged,
        conflicts,
        deleted_elsewhere,
        same_person,
        files: verified.files.len(),
        bytes: verified.bytes,
        summary,
    };
    Ok(Import {
        preview,
        verified,
        plans,
        _work: work,
    })
}

/// Applies a previewed import: attached files into the store first, then every case in one
/// transaction. The store must be the one previewed against, unchanged since (else the plans
/// are made again).
pub fn apply(store: &mut Store, import: Import) -> Result<ImportReport, BundleError> {
    let Import {
        preview,
        verified,
        mut plans,
        _work,
    } = import;
    // Plan again inside the same process if the store moved meanwhile (an autosave).
    for (p, mc) in plans.iter_mut().zip(&verified.manifest.cases) {
        let fresh = store.plan_import(mc.id, &verified.revisions[&mc.id], &mc.head)?;
        if fresh.head != p.head || fresh.add.len() != p.add.len() {
            *p = fresh;
        }
    }
    let staged: Vec<_> = verified
        .files
        .iter()
        .filter(|f| f.staged.is_some())
        .collect();
    // Before anything changes: a copy of the database as it was (备份与恢复 lists it).
    if plans
        .iter()
        .any(|p| p.outcome != crate::store::Outcome::Unchanged)
    {
        store.backup_now(crate::store::BackupReason::Import)?;
    }
    if !staged.is_empty() {
        let blobs = store
            .library()
            .blobs()
            .map_err(crate::store::StoreError::from)?;
        blobs
            .adopt_all(
                staged
                    .iter()
                    .map(|f| (f.staged.as_deref().expect("filtered"), f.sha256.as_str())),
            )
            .map_err(crate::store::StoreError::from)?;
    }
    store.apply_plans(&plans)?;
    Ok(preview)
}

/// Verify, plan and apply in one call (the CLI without --dry-run).
pub fn import(
    store: &mut Store,
    path: &Path,
    passphrase: Option<&str>,
) -> Result<ImportReport, BundleError> {
    let imp = preview(store, path, passphrase)?;
    apply(store, imp)
}
