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

    /// The backups.
    pub fn backup_dir(&self) -> PathBuf {
        super::backup::backup_dir(&self.db)
    }

    /// A short name of this database for "one window per database" (the app's D-Bus name on
    /// Linux): `d` and 16 hex digits of the SHA-256 of its absolute path. Two databases (the
    /// stick and the PC's own) may be open side by side; the same one only once.
    pub fn instance_key(&self) -> String {
        use sha2::{Digest, Sha256};
        let h = Sha256::digest(self.db.as_os_str().as_encoded_bytes());
        let hex: String = h[..8].iter().map(|b| format!("{b:02x}")).collect();
        format!("d{hex}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portable_paths_and_the_instance_key() {
        let l = DataLocation::portable_in(Path::new("/media/u/填报助手"));
        assert_eq!(l.db, Path::new("/media/u/填报助手/tianbao-data/tianbao.db"));
        assert_eq!(
            l.files_dir(),
            Path::new("/media/u/填报助手/tianbao-data/tianbao-files")
        );
        assert_eq!(
            l.backup_dir(),
            Path::new("/media/u/填报助手/tianbao-data/tianbao-backups")
        );
        let k = l.instance_key();
        assert_eq!(k.len(), 17);
        assert!(k.starts_with('d') && k[1..].chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(
            k,
            DataLocation::portable_in(Path::new("/media/u/填报助手")).instance_key()
        );
        assert_ne!(
            k,
            DataLocation::portable_in(Path::new("/media/v/填报助手")).instance_key()
        );
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
