//! Saving a .docx so that the target never holds a half-written file (through
//! [`fsx::write_atomic`]): on any failure the previous target (if any) is left as it was, and
//! the error says, in Chinese, what is wrong with the folder or the file.

use super::DocxError;
use crate::fsx::{self, FsError, IoKind};
use std::fs;
use std::io::ErrorKind;
use std::path::Path;

/// Writes `bytes` to `path` atomically (temp file in the same folder + fsync + rename).
///
/// Errors name the file and the folder in Chinese: a folder that does not exist or is a file,
/// a read-only folder, a full disk, a target open in Word.
pub fn write_docx_atomic(bytes: &[u8], path: &Path) -> Result<(), DocxError> {
    let file = path.display().to_string();
    let dir = fsx::parent_of(path);
    let dir_s = dir.display().to_string();
    match fs::metadata(&dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err(DocxError::NotAFolder { dir: dir_s, file }),
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Err(DocxError::FolderMissing { dir: dir_s, file })
        }
        Err(e) if e.kind() == ErrorKind::NotADirectory => {
            return Err(DocxError::NotAFolder { dir: dir_s, file })
        }
        Err(source) => return Err(DocxError::Write { file, source }),
    }
    if path.is_dir() {
        return Err(DocxError::IsAFolder { file });
    }
    fsx::write_atomic(path, bytes).map_err(|e| docx_error(e, dir_s, file))
}

/// The 推荐表's wording of a failed write.
fn docx_error(e: FsError, dir: String, file: String) -> DocxError {
    match e.kind {
        IoKind::DiskFull => DocxError::DiskFull { dir, file },
        IoKind::ReadOnly | IoKind::PermissionDenied => DocxError::ReadOnly { dir, file },
        IoKind::InUse => DocxError::InUse { file },
        IoKind::NotFound => DocxError::FolderMissing { dir, file },
        IoKind::NotADirectory => DocxError::NotAFolder { dir, file },
        IoKind::IsADirectory => DocxError::IsAFolder { file },
        IoKind::AlreadyExists | IoKind::Other => DocxError::Write {
            file,
            source: e.source,
        },
    }
}
