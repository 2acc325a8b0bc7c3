//! Where the data lives: the database file and, beside it, the attachment folder
//! (`<stem>-files/`) and the backups (`<stem>-backups/`).
//!
//! In order: `--db FILE`; the environment variable `TIANBAO_DB`; portable mode — a file named
//! `tianbao-portable` beside the program, or `--portable` — keeps everything in `tianbao-data/`
//! beside the program (a USB stick carried between offices: nothing is stored by absolute path,
//! so the stick may be mounted anywhere); otherwise the user's data folder
//! (`~/.local/share/tianbao/`, `%APPDATA%\tianbao\`).

use super::StoreError;
use std::path::{Path, PathBuf};

/// The marker file that turns on portable mode, beside the program.
pub const PORTABLE_MARKER: &str = "tianbao-portable";
/// The folder of the data in portable mode, beside the program.
pub const PORTABLE_DATA_DIR: &str = "tianbao-data";
const DB_NAME: &str = "tianbao.db";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataLocation {
    /// The database file (absolute).
    pub db: PathBuf,
    /// Portable mode: the data beside the program.
    pub portable: bool,
}

impl DataLocation {
    /// A database named on the command line.
    pub fn explicit(db: &Path) -> DataLocation {
        DataLocation {
            db: std::path::absolute(db).unwrap_or_else(|_| db.to_path_buf()),
            portable: false,
        }
    }

    /// The database when none is named: `TIANBAO_DB`, else portable mode (`portable` asked for,
    /// or the marker beside the running program), else the user's data folder.
    pub fn resolve(portable: bool) -> Result<DataLocation, StoreError> {
        if let Some(p) = std::env::var_os("TIANBAO_DB").filter(|p| !p.is_empty()) {
            return Ok(DataLocation::explicit(Path::new(&p)));
        }
        let exe_dir = std::env::current_exe()
            .ok()
            .and_then(|e| e.parent().map(Path::to_path_buf));
        if let Some(dir) = exe_dir {
            if portable || dir.join(PORTABLE_MARKER).exists() {
                return Ok(DataLocation::portable_in(&dir));
            }
        }
        let dir = dirs::data_dir().ok_or(StoreError::NoDataDir)?;
        Ok(DataLocation {
            db: dir.join("tianbao").join(DB_NAME),
            portable: false,
        })
    }

    /// Portable mode with the program in `dir`: `dir/tianbao-data/tianbao.db`.
    pub fn portable_in(dir: &Path) -> DataLocation {
        DataLocation {
            db: dir.join(PORTABLE_DATA_DIR).join(DB_NAME),
            portable: true,
        }
    }

    /// The app's copies of attached files.
    pub fn files_dir(&self) -> PathBuf {
        sibling_dir(&self.db, "files")
    }
}

/// `<folder of db>/<stem of db>-<suffix>`: `tianbao.db` → `tianbao-files`, `tianbao-backups`.
pub(crate) fn sibling_dir(db: &Path, suffix: &str) -> PathBuf {
    let stem = db
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "tianbao".into());
    db.with_file_name(format!("{stem}-{suffix}"))
}
