//! Writing 推荐表 files: one case to a path the clerk chose, or many cases into a folder, one
//! file each (`01_李明_推荐表.docx`, `02_…`), with progress after every file and cancelling
//! between files. The app runs these on a worker thread; the CLI and tests call them directly.

use super::{
    case_docx, docx_file_name, with_pictures_prepared_ahead, write_docx_atomic, DocxError,
};
use crate::media::Library;
use crate::model::{Case, CaseId, Status};
use serde::Serialize;
use std::fmt::Display;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// One .docx written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Written {
    pub case_id: CaseId,
    /// The case's label (姓名, else 案例名称, else 未命名案例).
    pub case: String,
    /// The full path written.
    pub path: String,
    pub file_name: String,
    pub bytes: u64,
    /// Not marked 完成: printed with the 草稿 mark.
    pub draft: bool,
}

/// Where a batch stands: sent before each file (`done` files finished, `current` in the works)
/// and once at the end (`done == total`, `current` empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    pub current: String,
}

/// A case whose file could not be made (the others are still written).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failed {
    pub case_id: CaseId,
    pub case: String,
    /// Chinese, as shown to the clerk.
    pub message: String,
}

/// What a batch did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct BatchOutcome {
    pub dir: String,
    pub total: usize,
    pub written: Vec<Written>,
    pub failed: Vec<Failed>,
    /// Stopped by the clerk before every case was done.
    pub cancelled: bool,
}

/// Builds the 推荐表 of `case` and saves it at `path` atomically (never a half-written file).
pub fn write_case_docx(library: &Library, case: &Case, path: &Path) -> Result<Written, DocxError> {
    let bytes = case_docx(library, case)?;
    write_docx_atomic(&bytes, path)?;
    Ok(Written {
        case_id: case.id,
        case: case.label(),
        path: path.display().to_string(),
        file_name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        bytes: bytes.len() as u64,
        draft: case.status != Status::Ready,
    })
}

/// Whether an error is about the folder (every further file would fail the same way).
fn is_folder_error(e: &DocxError) -> bool {
    matches!(
        e,
        DocxError::FolderMissing { .. }
            | DocxError::NotAFolder { .. }
            | DocxError::ReadOnly { .. }
            | DocxError::DiskFull { .. }
    )
}

/// Writes the 推荐表 of every case in `ids` into `dir`, named by its 1-based position in `ids`
/// (`docx_file_name`). `load` fetches a case (from the store, taking its lock only for that;
/// every case is fetched before the first file, so that their pictures can be prepared ahead);
/// `progress` is told before each file and at the end; `cancel` is looked at between files.
///
/// A case that cannot be loaded or built (a picture gone, a file open in Word) is listed in
/// `failed` and the batch goes on; a folder that is missing, read-only or full stops it with
/// that error, since no further file could be written.
pub fn write_batch<E: Display>(
    library: &Library,
    ids: &[CaseId],
    dir: &Path,
    mut load: impl FnMut(CaseId) -> Result<Case, E>,
    mut progress: impl FnMut(&Progress),
    cancel: &AtomicBool,
) -> Result<BatchOutcome, DocxError> {
    let mut out = BatchOutcome {
        dir: dir.display().to_string(),
        total: ids.len(),
        ..Default::default()
    };
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(DocxError::NotAFolder {
                dir: out.dir,
                file: "推荐表".into(),
            })
        }
        Err(_) => {
            return Err(DocxError::FolderMissing {
                dir: out.dir,
                file: "推荐表".into(),
            })
        }
    }
    // Every case first (each `load` is short), so that the pictures of the cases ahead can be
    // prepared on a second core while this thread writes them in order.
    let loaded: Vec<Result<Case, String>> = ids
        .iter()
        .map(|&id| load(id).map_err(|e| e.to_string()))
        .collect();
    let cases: Vec<&Case> = loaded.iter().filter_map(|c| c.as_ref().ok()).collect();
    with_pictures_prepared_ahead(&cases, library, cancel, |reached| {
        let mut k = 0; // the index in `cases` of the next case written
        for (i, (&id, case)) in ids.iter().zip(&loaded).enumerate() {
            if cancel.load(Ordering::SeqCst) {
                out.cancelled = true;
                break;
            }
            let case = match case {
                Ok(c) => c,
                Err(e) => {
                    out.failed.push(Failed {
                        case_id: id,
                        case: id.to_string(),
                        message: e.clone(),
                    });
                    continue;
                }
            };
            reached.store(k, Ordering::SeqCst);
            k += 1;
            progress(&Progress {
                done: i,
                total: ids.len(),
                current: case.label(),
            });
            let path = dir.join(docx_file_name(i + 1, case));
            match write_case_docx(library, case, &path) {
                Ok(w) => out.written.push(w),
                Err(e) if is_folder_error(&e) => return Err(e),
                Err(e) => out.failed.push(Failed {
                    case_id: id,
                    case: case.label(),
                    message: e.to_string(),
                }),
            }
        }
        Ok(())
    })?;
    progress(&Progress {
        done: out.written.len() + out.failed.len(),
        total: ids.len(),
        current: String::new(),
    });
    Ok(out)
}
