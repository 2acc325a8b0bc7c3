//! Saving a .docx so that the target never holds a half-written file: write a temp file in
//! the target folder, fsync it, rename it over the target, fsync the folder. On any failure
//! the temp file is removed and the previous target (if any) is left as it was.

use super::DocxError;
use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically (temp file in the same folder + fsync + rename).
///
/// Errors name the file and the folder in Chinese: a folder that does not exist or is a file,
/// a read-only folder, a full disk, a target open in Word.
pub fn write_docx_atomic(bytes: &[u8], path: &Path) -> Result<(), DocxError> {
    let file = path.display().to_string();
    let dir: PathBuf = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
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
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "推荐表.docx".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", uuid::Uuid::new_v4().simple()));
    let classify = |e: std::io::Error| classify(e, &dir_s, &file, path);

    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .map_err(classify)?;
    let written = f
        .write_all(bytes)
        .and_then(|_| f.flush())
        .and_then(|_| f.sync_all());
    drop(f);
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(classify(e));
    }
    if let Err(e) = fs::rename(&tmp, path) {
        let _ = fs::remove_file(&tmp);
        return Err(classify(e));
    }
    sync_dir(&dir);
    Ok(())
}

/// Makes the rename durable (Unix); a no-op where folders cannot be opened.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

fn classify(e: std::io::Error, dir: &str, file: &str, path: &Path) -> DocxError {
    let (dir, file) = (dir.to_string(), file.to_string());
    match e.kind() {
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded | ErrorKind::FileTooLarge => {
            DocxError::DiskFull { dir, file }
        }
        ErrorKind::ReadOnlyFilesystem => DocxError::ReadOnly { dir, file },
        ErrorKind::NotFound => DocxError::FolderMissing { dir, file },
        ErrorKind::NotADirectory => DocxError::NotAFolder { dir, file },
        ErrorKind::IsADirectory => DocxError::IsAFolder { file },
        ErrorKind::PermissionDenied => {
            // The folder accepted the temp file but the target could not be replaced: on
            // Windows that is a file open in Word/WPS.
            if path.exists() && !is_readonly_dir(Path::new(&dir)) {
                DocxError::InUse { file }
            } else {
                DocxError::ReadOnly { dir, file }
            }
        }
        _ => DocxError::Write { file, source: e },
    }
}

fn is_readonly_dir(dir: &Path) -> bool {
    let probe = dir.join(format!(".probe.{}.tmp", uuid::Uuid::new_v4().simple()));
    match OpenOptions::new().write(true).create_new(true).open(&probe) {
        Ok(_) => {
            let _ = fs::remove_file(&probe);
            false
        }
        Err(_) => true,
    }
}
