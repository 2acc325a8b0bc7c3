//! Importing filled-in 推荐表 files (.docx) as cases: read the file, keep its pictures
//! byte-exact in the content-addressed store, save the case in one transaction.
//!
//! A file tianbao generated carries its case id: when that case is here, the import is a new
//! revision of it (the fields of the form and its pictures replaced; photo, ID scan and video,
//! which the form does not carry, kept); otherwise a new case with that id. Any other file
//! becomes a new case. Nothing is half imported: the pictures are stored first (a picture
//! nobody uses is freed by `gc_blobs`), then the case is saved in one transaction, or not at all.

use super::{Store, StoreError};
use crate::docx::read::{read_docx, DocxRead, ReadReport};
use crate::docx::Progress;
use crate::model::{Attachment, CaseId};
use serde::Serialize;
use std::path::Path;

/// The outcome for one file.
#[derive(Debug, Clone, Serialize)]
pub struct Imported {
    /// The path as given.
    pub path: String,
    /// The case made or revised; `None` when the file was not imported.
    pub case_id: Option<CaseId>,
    /// The case's label (姓名, else 案例名称).
    pub case: String,
    /// A new revision of a case already here (a file tianbao generated).
    pub revised: bool,
    /// What was found, not found, and looked odd.
    pub report: ReadReport,
    /// Why the file was not imported (Chinese), when it was not.
    pub error: Option<String>,
}

/// What became of a batch of files, in one line (the app's report and the CLI say it alike):
/// "共 4 个文件：新建案例 2 个，更新已有案例 1 个，未导入 1 个。"
pub fn imported_summary(results: &[Imported]) -> String {
    let failed = results.iter().filter(|r| r.error.is_some()).count();
    let revised = results
        .iter()
        .filter(|r| r.error.is_none() && r.revised)
        .count();
    let made = results.len() - failed - revised;
    let parts: Vec<String> = [
        (made, "新建案例"),
        (revised, "更新已有案例"),
        (failed, "未导入"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{what} {n} 个"))
    .collect();
    format!("共 {} 个文件：{}。", results.len(), parts.join("，"))
}

impl Store {
    /// Imports one 推荐表 file (see the module documentation). Errors of the file itself come
    /// back in `Imported::error`; only a failing database is an `Err`.
    pub fn import_docx(&mut self, path: &Path) -> Result<Imported, StoreError> {
        let shown = path.display().to_string();
        let read = match read_docx(path, self.campaign(), self.dicts()) {
            Ok(r) => r,
            Err(e) => {
                return Ok(Imported {
                    path: shown,
                    case_id: None,
                    case: String::new(),
                    revised: false,
                    report: ReadReport {
                        file: path
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default(),
                        ..ReadReport::default()
                    },
                    error: Some(e.to_string()),
                })
            }
        };
        self.import_read(read, shown)
    }

    /// Saves what [`read_docx`] found as a case (new, or a revision of the case it names).
    pub fn import_read(&mut self, read: DocxRead, path: String) -> Result<Imported, StoreError> {
        let DocxRead {
            mut case,
            pictures,
            mut report,
            case_id,
        } = read;
        let existing = match case_id {
            Some(id) => match self.get_case(id) {
                Ok(c) => Some(c),
                Err(StoreError::NotFound(_)) => None,
                Err(e) => return Err(e),
            },
            None => None,
        };
        let blobs = self.library().blobs()?;
        let mut stored: Vec<Attachment> = Vec::with_capacity(pictures.len());
        for p in &pictures {
            // The original the picture was printed from, when this store still has it.
            let a = match &p.original {
                Some(o) if blobs.contains(&o.sha256) => o.clone(),
                _ => blobs.put_bytes(&p.bytes, &p.file_name)?,
            };
            stored.push(Attachment {
                caption: p.caption.clone(),
                ..a
            });
        }
        case.media.pictures = stored;
        let revised = existing.is_some();
        if let Some(old) = existing {
            // What the form does not carry stays as it was.
            case.media.photo = old.media.photo;
            case.media.id_front = old.media.id_front;
            case.media.id_back = old.media.id_back;
            case.media.video = old.media.video;
            if self.is_deleted(case.id)? {
                report
                    .notes
                    .push("这个案例在回收站中：已保存为它的新版本，请到回收站中恢复它".into());
            }
        }
        self.save_case_fresh(&case)?;
        Ok(Imported {
            path,
            case_id: Some(case.id),
            case: case.label(),
            revised,
            report,
            error: None,
        })
    }

    /// Imports several files, one after another; a file that cannot be read does not stop the
    /// others. A backup of the database is made first. `progress` hears before each file
    /// (`done` files finished, `current` the file's name) and once at the end (`done == total`).
    pub fn import_docx_many<P: AsRef<Path>>(
        &mut self,
        paths: &[P],
        mut progress: impl FnMut(&Progress),
    ) -> Result<Vec<Imported>, StoreError> {
        if !paths.is_empty() {
            self.backup_now(super::BackupReason::Import)?;
        }
        let total = paths.len();
        let mut out = Vec::with_capacity(total);
        for (done, p) in paths.iter().enumerate() {
            let p = p.as_ref();
            progress(&Progress {
                done,
                total,
                current: p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            });
            out.push(self.import_docx(p)?);
        }
        progress(&Progress {
            done: total,
            total,
            current: String::new(),
        });
        Ok(out)
    }

    fn is_deleted(&self, id: CaseId) -> Result<bool, StoreError> {
        let q = crate::store::ListQuery {
            trash: true,
            ..Default::default()
        };
        Ok(self.list_cases(&q)?.iter().any(|s| s.id == id))
    }
}
