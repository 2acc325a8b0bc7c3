//! One writer process per database: a lock that no other descriptor's close can drop.
//!
//! SQLite's own locks on Unix are POSIX advisory locks (`fcntl`), which belong to the *process*
//! and are all dropped when any descriptor of the file is closed — a GTK file chooser that opens
//! and closes files in the folder it shows is enough. Another process then believes it is the
//! last connection, checkpoints and deletes the write-ahead log while the app keeps writing into
//! it (SQLite's "How To Corrupt", §2.2). So every process that opens a database read-write first
//! takes this lock and keeps it for as long as its connection lives:
//!
//! - Unix: `flock` on the database file itself (std's `File::lock` is `flock` on Linux and the
//!   BSDs). `flock` belongs to the open file description, so closing other descriptors of the
//!   file does not drop it, and it is independent of SQLite's `fcntl` locks. Locking the
//!   database itself creates nothing beside it: refusing a foreign file leaves its folder as it
//!   was.
//! - Windows: std's lock there is `LockFileEx` over the whole file, which would clash with
//!   SQLite's byte-range locks on the database, so a `<db>.lock` file beside it is locked
//!   instead (kept, empty).
//!
//! A process that cannot get the lock opens the database read-only (see `Store::open_read_only`)
//! or gives up with a message.

use std::fs::{File, TryLockError};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long an open waits for another process's lock (a CLI command saving, another app
/// starting) before giving up.
pub const LOCK_WAIT: Duration = Duration::from_secs(5);

/// The writer's lock on a database, released when dropped (or when the process ends, also by
/// `kill -9`).
#[derive(Debug)]
pub(crate) struct DbLock {
    _file: File,
    /// The database file did not exist and was created (empty) to be locked.
    pub created: bool,
}

/// Why no lock was obtained.
#[derive(Debug)]
pub(crate) enum LockError {
    /// Another process holds it (still, after waiting).
    Held,
    Io(io::Error),
}

impl From<io::Error> for LockError {
    fn from(e: io::Error) -> Self {
        LockError::Io(e)
    }
}

/// Takes the writer's lock of the database at `path`, waiting up to `wait` for another process
/// to release it. With `create`, a missing database file is created empty (mode 0600 on Unix).
pub(crate) fn acquire(path: &Path, wait: Duration, create: bool) -> Result<DbLock, LockError> {
    let deadline = Instant::now() + wait;
    loop {
        let (file, created) = open_lock_file(path, create)?;
        match file.try_lock() {
            Ok(()) => {
                // The file may have been removed (a failed create cleaned up by the process we
                // waited for) or replaced while we waited: then our lock guards nothing.
                if same_file(&file, path)? {
                    return Ok(DbLock {
                        _file: file,
                        created,
                    });
                }
                continue;
            }
            Err(TryLockError::WouldBlock) => {}
            Err(TryLockError::Error(e)) => return Err(LockError::Io(e)),
        }
        drop(file);
        if Instant::now() >= deadline {
            return Err(LockError::Held);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Whether another process holds the writer's lock right now (without waiting).
pub(crate) fn try_acquire(path: &Path) -> Result<Option<DbLock>, LockError> {
    match acquire(path, Duration::ZERO, false) {
        Ok(l) => Ok(Some(l)),
        Err(LockError::Held) => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(unix)]
fn lock_path(path: &Path) -> PathBuf {
    path.to_path_buf()
}

#[cfg(windows)]
fn lock_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".lock");
    PathBuf::from(s)
}

/// Opens (with `create`: creating) the file to lock. Returns whether the *database* file was
/// created by this call.
fn open_lock_file(path: &Path, create: bool) -> io::Result<(File, bool)> {
    let target = lock_path(path);
    // With a separate lock file (Windows), "created" is about the database beside it.
    let separate = target != path;
    let db_existed = separate && path.exists();
    loop {
        match File::open(&target) {
            Ok(f) => return Ok((f, separate && !db_existed)),
            Err(e) if e.kind() == io::ErrorKind::NotFound && (create || separate) => {}
            Err(e) => return Err(e),
        }
        match crate::fsx::private_new_file().read(true).open(&target) {
            Ok(f) => return Ok((f, !separate || !db_existed)),
            // Another process created it between the two calls: open theirs.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> io::Result<bool> {
    use std::os::unix::fs::MetadataExt;
    let a = file.metadata()?;
    match std::fs::metadata(lock_path(path)) {
        Ok(b) => Ok(a.dev() == b.dev() && a.ino() == b.ino()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, _path: &Path) -> io::Result<bool> {
    // The `.lock` file is never removed.
    Ok(true)
}
