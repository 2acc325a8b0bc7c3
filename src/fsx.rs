//! Files on disk, written so that a reader never sees half of one, and I/O errors told apart
//! once for the whole crate.
//!
//! - [`write_atomic`]: bytes to a path through a temporary file beside it, fsync, rename over the
//!   target, fsync of the folder. On any failure the temporary file is removed and the previous
//!   target (if any) is left as it was.
//! - [`AtomicFile`]: the same for content that is streamed (and whose final name may only be
//!   known at the end, as for a blob named by its SHA-256).
//! - [`sync_dir`]: makes a rename durable.
//! - [`copy_overlapped`]: a streamed copy with the reading (and hashing) on this thread and the
//!   writing on a second one, so that on two cores they overlap (bundles, staged files).
//! - [`BackgroundSync`]: files made durable on a thread of their own while writing goes on
//!   (staged bundle files; [`AtomicFile::write_back_every`] for a bundle of gigabytes).
//! - [`dir_writable`]: the one probe of whether a folder accepts new files.
//! - [`classify`] / [`FsError`]: what went wrong, as an [`IoKind`] with the path it concerns.
//!   Every area maps it into its own `thiserror` type, worded for the place (a photo being
//!   attached, a 推荐表 being saved, the database being opened).
//!
//! A leaf: depends on nothing else in the crate.

use std::fs::{self, File, OpenOptions};
use std::io::{self, ErrorKind, Write};
use std::path::{Path, PathBuf};

/// What kind of I/O failure happened, as the clerk needs to know it (what to do differs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IoKind {
    /// No space left on the disk (or the user's quota, or the file system's size limit).
    DiskFull,
    /// The medium or file system is read-only (a write-protected USB stick, a CD).
    ReadOnly,
    /// The system refuses access (no permission for this folder or file).
    PermissionDenied,
    /// Another program holds the file open (Word, WPS, an antivirus scan).
    InUse,
    /// The file or a folder on its path does not exist (moved, deleted, USB stick pulled out).
    NotFound,
    /// A folder where a file was expected.
    IsADirectory,
    /// A file where a folder was expected (on the path to the target).
    NotADirectory,
    /// The name is taken.
    AlreadyExists,
    /// Anything else; the underlying error says what.
    Other,
}

impl IoKind {
    /// A short Chinese reason, for messages that have no better wording of their own.
    pub fn reason(self) -> &'static str {
        match self {
            IoKind::DiskFull => "磁盘已满",
            IoKind::ReadOnly => "磁盘只读",
            IoKind::PermissionDenied => "没有访问权限",
            IoKind::InUse => "文件正被其他程序使用",
            IoKind::NotFound => "文件或文件夹不存在",
            IoKind::IsADirectory => "这是一个文件夹，不是文件",
            IoKind::NotADirectory => "路径中有一项不是文件夹",
            IoKind::AlreadyExists => "同名文件已存在",
            IoKind::Other => "系统错误",
        }
    }

    /// Disk full, read-only or no permission: the place cannot take the file at all.
    pub fn is_unwritable(self) -> bool {
        matches!(
            self,
            IoKind::DiskFull | IoKind::ReadOnly | IoKind::PermissionDenied
        )
    }
}

/// Tells an I/O error apart, from its kind and, where the kind is too coarse, its OS code.
pub fn classify(e: &io::Error) -> IoKind {
    #[cfg(unix)]
    if let Some(code) = e.raw_os_error() {
        // ENOSPC 28, EDQUOT 122 (Linux) / 69 (macOS), EFBIG 27, EROFS 30, EACCES 13, EPERM 1,
        // EBUSY 16, ETXTBSY 26.
        match code {
            28 | 27 => return IoKind::DiskFull,
            122 if cfg!(target_os = "linux") => return IoKind::DiskFull,
            69 if cfg!(target_os = "macos") => return IoKind::DiskFull,
            30 => return IoKind::ReadOnly,
            13 | 1 => return IoKind::PermissionDenied,
            16 | 26 => return IoKind::InUse,
            _ => {}
        }
    }
    #[cfg(windows)]
    if let Some(code) = e.raw_os_error() {
        // ERROR_HANDLE_DISK_FULL 39, ERROR_DISK_FULL 112, ERROR_WRITE_PROTECT 19,
        // ERROR_SHARING_VIOLATION 32, ERROR_LOCK_VIOLATION 33, ERROR_USER_MAPPED_FILE 1224.
        match code {
            39 | 112 => return IoKind::DiskFull,
            19 => return IoKind::ReadOnly,
            32 | 33 | 1224 => return IoKind::InUse,
            _ => {}
        }
    }
    match e.kind() {
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded | ErrorKind::FileTooLarge => {
            IoKind::DiskFull
        }
        ErrorKind::ReadOnlyFilesystem => IoKind::ReadOnly,
        ErrorKind::PermissionDenied => IoKind::PermissionDenied,
        ErrorKind::ResourceBusy | ErrorKind::ExecutableFileBusy => IoKind::InUse,
        ErrorKind::NotFound => IoKind::NotFound,
        ErrorKind::IsADirectory => IoKind::IsADirectory,
        ErrorKind::NotADirectory => IoKind::NotADirectory,
        ErrorKind::AlreadyExists => IoKind::AlreadyExists,
        _ => IoKind::Other,
    }
}

/// An I/O failure with the path it concerns and its [`IoKind`]. Areas map it into their own
/// error type (`MediaError`, `DocxError`, …); its own `Display` is a plain fallback.
#[derive(Debug, thiserror::Error)]
#[error("“{}”：{}（{source}）", path.display(), kind.reason())]
pub struct FsError {
    pub kind: IoKind,
    pub path: PathBuf,
    #[source]
    pub source: io::Error,
}

impl FsError {
    /// Classifies `source`, met while working on `path`.
    pub fn new(path: &Path, source: io::Error) -> FsError {
        FsError {
            kind: classify(&source),
            path: path.to_path_buf(),
            source,
        }
    }

    /// Classifies an error met while writing `target`: a refusal to replace an existing file in
    /// a folder that does accept new files means another program holds the file (on Windows, a
    /// document open in Word or WPS).
    pub fn writing(target: &Path, source: io::Error) -> FsError {
        let mut e = FsError::new(target, source);
        if e.kind == IoKind::PermissionDenied
            && target.is_file()
            && dir_writable(&parent_of(target))
        {
            e.kind = IoKind::InUse;
        }
        e
    }
}

/// The folder a file is in ("." for a bare file name).
pub fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Whether a new file can be created in `dir` (false for a read-only or full medium, a folder
/// without permission, or a missing folder). Creates and removes a hidden probe file.
pub fn dir_writable(dir: &Path) -> bool {
    let probe = dir.join(format!(
        ".tianbao-probe-{}.tmp",
        uuid::Uuid::new_v4().simple()
    ));
    match OpenOptions::new().write(true).create_new(true).open(&probe) {
        Ok(_) => {
            let _ = fs::remove_file(&probe);
            true
        }
        Err(_) => false,
    }
}

/// Creates `dir` and its missing parents for personal data: on Unix each folder created is
/// the user's alone (0700); folders that already exist are left as they are.
pub fn create_dir_private(dir: &Path) -> io::Result<()> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
}

/// Options that create a new file of personal data: on Unix readable by its owner only (0600).
/// Files the clerk saves elsewhere (a .docx) use the usual umask instead.
pub fn private_new_file() -> OpenOptions {
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o
}

/// Makes a rename (or a new file) in `dir` durable (POSIX); a no-op where folders cannot be
/// opened (Windows, whose renames are durable once the file is).
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, fsync, rename, fsync of
/// the folder. The folder must exist.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FsError> {
    let mut f = AtomicFile::beside(path)?;
    f.write_all(bytes).map_err(|e| FsError::writing(path, e))?;
    f.commit(path)
}

/// As [`write_atomic`], for personal data in the app's own folders (0600 on Unix).
pub fn write_atomic_private(path: &Path, bytes: &[u8]) -> Result<(), FsError> {
    let mut f = AtomicFile::beside_private(path)?;
    f.write_all(bytes).map_err(|e| FsError::writing(path, e))?;
    f.commit(path)
}

/// Puts a file another writer has finished at `tmp` (SQLite's `VACUUM INTO`) in place as
/// `target`, the way [`AtomicFile::commit`] does: fsync of the file, rename, fsync of the
/// folder. On failure `tmp` is removed and `target` is as it was.
pub fn commit_file(tmp: &Path, target: &Path) -> Result<(), FsError> {
    let res = File::open(tmp)
        .and_then(|f| f.sync_all())
        .and_then(|_| fs::rename(tmp, target));
    if let Err(e) = res {
        let _ = fs::remove_file(tmp);
        return Err(FsError::writing(target, e));
    }
    sync_dir(&parent_of(target));
    Ok(())
}

/// Files made durable on a thread of their own while the caller goes on: the disk writes one
/// file back while the next is read and hashed, instead of everything at the end. [`finish`]
/// waits for all and returns the first failure.
///
/// [`finish`]: BackgroundSync::finish
#[derive(Debug)]
pub struct BackgroundSync {
    tx: Option<std::sync::mpsc::SyncSender<(File, PathBuf)>>,
    worker: Option<std::thread::JoinHandle<Result<usize, FsError>>>,
}

impl BackgroundSync {
    pub fn new() -> BackgroundSync {
        let (tx, rx) = std::sync::mpsc::sync_channel::<(File, PathBuf)>(16);
        let worker = std::thread::spawn(move || {
            let mut first = Ok(0);
            for (file, path) in rx {
                if let Ok(n) = &mut first {
                    match file.sync_all() {
                        Ok(()) => *n += 1,
                        Err(e) => first = Err(FsError::writing(&path, e)),
                    }
                }
            }
            first
        });
        BackgroundSync {
            tx: Some(tx),
            worker: Some(worker),
        }
    }

    /// Queues `file` (an open handle of the file at `path`) to be synced; waits while 16 are
    /// queued (open handles stay few).
    pub fn sync(&self, file: File, path: &Path) {
        if let Some(tx) = &self.tx {
            let _ = tx.send((file, path.to_path_buf()));
        }
    }

    /// Waits until every queued file is on disk: how many were synced, or the first failure,
    /// naming its file.
    pub fn finish(mut self) -> Result<usize, FsError> {
        self.tx.take();
        match self.worker.take().map(|w| w.join()) {
            Some(Ok(r)) => r,
            Some(Err(p)) => std::panic::resume_unwind(p),
            None => Ok(0),
        }
    }
}

impl Default for BackgroundSync {
    fn default() -> Self {
        BackgroundSync::new()
    }
}

impl Drop for BackgroundSync {
    fn drop(&mut self) {
        self.tx.take();
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}

/// [`AtomicFile::write_back_every`]: what was written since the last background sync.
#[derive(Debug)]
struct WriteBack {
    sync: BackgroundSync,
    every: u64,
    since: u64,
    /// Syncs queued so far.
    queued: u64,
}

/// A temporary file that becomes a real one only by [`AtomicFile::commit`]; dropped without
/// it, it is removed.
#[derive(Debug)]
pub struct AtomicFile {
    tmp: PathBuf,
    file: Option<File>,
    /// Opt-in ([`AtomicFile::write_back_every`]): synced in the background every so many bytes.
    writeback: Option<WriteBack>,
}

impl AtomicFile {
    /// A temporary file in the folder of `target` (so the rename stays on one file system).
    pub fn beside(target: &Path) -> Result<AtomicFile, FsError> {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        AtomicFile::create(&parent_of(target), &name, target, false)
    }

    /// As [`AtomicFile::beside`], for personal data: on Unix the file is its owner's alone
    /// (0600), like every file in the app's own folders.
    pub fn beside_private(target: &Path) -> Result<AtomicFile, FsError> {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        AtomicFile::create(&parent_of(target), &name, target, true)
    }

    /// A temporary file of personal data (0600 on Unix) in `dir`, which must be on the
    /// target's file system (the blob store's `tmp/`); errors name `shown_as`.
    pub fn private_in_dir(dir: &Path, shown_as: &Path) -> Result<AtomicFile, FsError> {
        AtomicFile::create(dir, "", shown_as, true)
    }

    fn create(
        dir: &Path,
        name: &str,
        shown_as: &Path,
        private: bool,
    ) -> Result<AtomicFile, FsError> {
        let tmp = dir.join(format!(".{name}.{}.tmp", uuid::Uuid::new_v4().simple()));
        let options = if private {
            private_new_file()
        } else {
            let mut o = OpenOptions::new();
            o.write(true).create_new(true);
            o
        };
        let file = options
            .open(&tmp)
            .map_err(|e| FsError::writing(shown_as, e))?;
        Ok(AtomicFile {
            tmp,
            file: Some(file),
            writeback: None,
        })
    }

    /// For big files (a bundle of gigabytes): every `bytes` written, the content so far is
    /// synced on a background thread while writing goes on, so that [`AtomicFile::commit`]
    /// does not wait for the whole file to reach the disk at the end.
    pub fn write_back_every(&mut self, bytes: u64) {
        self.writeback = Some(WriteBack {
            sync: BackgroundSync::new(),
            every: bytes,
            since: 0,
            queued: 0,
        });
    }

    /// How many background syncs [`AtomicFile::write_back_every`] has queued so far.
    pub fn write_backs(&self) -> u64 {
        self.writeback.as_ref().map_or(0, |w| w.queued)
    }

    /// The open temporary file, to write into.
    pub fn file(&mut self) -> &mut File {
        self.file.as_mut().expect("open until committed")
    }

    /// Flushes and fsyncs the content, renames it to `target` (replacing it) and fsyncs the
    /// target's folder.
    pub fn commit(mut self, target: &Path) -> Result<(), FsError> {
        if let Some(w) = self.writeback.take() {
            w.sync
                .finish()
                .map_err(|e| FsError::writing(target, e.source))?;
        }
        let mut file = self.file.take().expect("open until committed");
        file.flush()
            .and_then(|_| file.sync_all())
            .map_err(|e| FsError::writing(target, e))?;
        drop(file);
        fs::rename(&self.tmp, target).map_err(|e| FsError::writing(target, e))?;
        sync_dir(&parent_of(target));
        self.tmp = PathBuf::new();
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self
            .file
            .as_mut()
            .expect("open until committed")
            .write(buf)?;
        if let Some(w) = &mut self.writeback {
            w.since += n as u64;
            if w.since >= w.every {
                w.since = 0;
                if let Some(f) = self.file.as_ref().and_then(|f| f.try_clone().ok()) {
                    w.sync.sync(f, &self.tmp);
                    w.queued += 1;
                }
            }
        }
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file().flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        self.file.take();
        if !self.tmp.as_os_str().is_empty() {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Which side of a [`copy_overlapped`] failed: the callers word them differently (a damaged
/// source, a full disk).
#[derive(Debug)]
pub enum CopyError {
    Read(io::Error),
    Write(io::Error),
}

/// Chunks of a [`copy_overlapped`], and how many wait for the writer at most (memory stays
/// under (IN_FLIGHT + 2) × CHUNK whatever the size copied).
const COPY_CHUNK: usize = 1 << 20;
const COPY_IN_FLIGHT: usize = 4;

thread_local! {
    static COPY_BUFFERS: std::cell::RefCell<Vec<Vec<u8>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Copies `from` to `to`: this thread reads and shows every chunk to `inspect` (hashing,
/// counting), a second thread writes. On two cores the hashing and the kernel's copying into
/// the page cache overlap instead of taking turns (a bundle of 1 GB: the difference between
/// ~0.5× and ~0.9× the rate of hashing alone). Returns the bytes copied; stops at the first
/// error of either side.
pub fn copy_overlapped<R, W>(
    from: &mut R,
    to: &mut W,
    mut inspect: impl FnMut(&[u8]),
) -> Result<u64, CopyError>
where
    R: io::Read + ?Sized,
    W: Write + Send + ?Sized,
{
    use std::sync::mpsc;
    let (full_tx, full_rx) = mpsc::sync_channel::<(Vec<u8>, usize)>(COPY_IN_FLIGHT);
    let (empty_tx, empty_rx) = mpsc::channel::<Vec<u8>>();
    // Buffers are kept for the next copy on this thread: a bundle is hundreds of copies, and
    // fresh megabytes each time cost a page fault per 4 KiB.
    for buf in COPY_BUFFERS.with(|p| std::mem::take(&mut *p.borrow_mut())) {
        let _ = empty_tx.send(buf);
    }
    std::thread::scope(|s| {
        let writer = s.spawn(move || -> io::Result<()> {
            for (buf, n) in full_rx {
                to.write_all(&buf[..n])?;
                let _ = empty_tx.send(buf);
            }
            Ok(())
        });
        let mut total = 0u64;
        let read = loop {
            let mut buf = empty_rx.try_recv().unwrap_or_else(|_| vec![0; COPY_CHUNK]);
            let n = match read_full(from, &mut buf) {
                Ok(0) => break Ok(()),
                Ok(n) => n,
                Err(e) => break Err(e),
            };
            inspect(&buf[..n]);
            total += n as u64;
            if full_tx.send((buf, n)).is_err() {
                break Ok(()); // the writer stopped: its error is the one to report
            }
        };
        drop(full_tx);
        let written = writer
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        COPY_BUFFERS.with(|p| p.borrow_mut().extend(empty_rx.try_iter()));
        read.map_err(CopyError::Read)?;
        written.map_err(CopyError::Write)?;
        Ok(total)
    })
}

/// Reads until `buf` is full or the end; the bytes read (fewer only at the end).
pub fn read_full<R: io::Read + ?Sized>(from: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match from.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_told_apart_by_kind_and_code() {
        let k = |kind: ErrorKind| classify(&io::Error::from(kind));
        assert_eq!(k(ErrorKind::StorageFull), IoKind::DiskFull);
        assert_eq!(k(ErrorKind::QuotaExceeded), IoKind::DiskFull);
        assert_eq!(k(ErrorKind::ReadOnlyFilesystem), IoKind::ReadOnly);
        assert_eq!(k(ErrorKind::PermissionDenied), IoKind::PermissionDenied);
        assert_eq!(k(ErrorKind::ResourceBusy), IoKind::InUse);
        assert_eq!(k(ErrorKind::NotFound), IoKind::NotFound);
        assert_eq!(k(ErrorKind::IsADirectory), IoKind::IsADirectory);
        assert_eq!(k(ErrorKind::NotADirectory), IoKind::NotADirectory);
        assert_eq!(k(ErrorKind::AlreadyExists), IoKind::AlreadyExists);
        assert_eq!(k(ErrorKind::UnexpectedEof), IoKind::Other);
        #[cfg(unix)]
        {
            let raw = |c| classify(&io::Error::from_raw_os_error(c));
            assert_eq!(raw(28), IoKind::DiskFull);
            assert_eq!(raw(30), IoKind::ReadOnly);
            assert_eq!(raw(13), IoKind::PermissionDenied);
            assert_eq!(raw(2), IoKind::NotFound);
        }
    }

    #[test]
    fn write_atomic_replaces_whole_and_leaves_nothing_behind() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("表.docx");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two two");
        assert_eq!(fs::read_dir(d.path()).unwrap().count(), 1);
        // A missing folder: NotFound, naming the target; nothing created.
        let e = write_atomic(&d.path().join("no/such.docx"), b"x").unwrap_err();
        assert_eq!(e.kind, IoKind::NotFound);
        assert!(e.path.ends_with("no/such.docx"));
        // A folder as target: the temp file is removed again.
        let sub = d.path().join("sub");
        fs::create_dir(&sub).unwrap();
        let e = write_atomic(&sub, b"x").unwrap_err();
        assert!(
            matches!(
                e.kind,
                IoKind::IsADirectory | IoKind::AlreadyExists | IoKind::Other
            ),
            "{e:?}"
        );
        assert_eq!(fs::read_dir(d.path()).unwrap().count(), 2);
    }

    #[test]
    fn an_uncommitted_file_is_removed() {
        let d = tempfile::tempdir().unwrap();
        let mut f = AtomicFile::private_in_dir(d.path(), Path::new("x")).unwrap();
        f.write_all(b"half").unwrap();
        drop(f);
        assert_eq!(fs::read_dir(d.path()).unwrap().count(), 0);
        assert!(dir_writable(d.path()));
        assert!(!dir_writable(&d.path().join("missing")));
    }

    #[test]
    fn copy_overlapped_copies_every_byte_in_order_and_tells_the_failing_side() {
        let data: Vec<u8> = (0..5 * COPY_CHUNK + 123)
            .map(|i| (i * 7 % 251) as u8)
            .collect();
        let mut out = Vec::new();
        let mut seen = 0usize;
        let n = copy_overlapped(&mut data.as_slice(), &mut out, |c| seen += c.len()).unwrap();
        assert_eq!(n as usize, data.len());
        assert_eq!(seen, data.len());
        assert_eq!(out, data);
        // A reader that fails half-way: a read error.
        struct Broken(usize);
        impl io::Read for Broken {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.0 == 0 {
                    return Err(io::Error::other("坏道"));
                }
                let n = buf.len().min(self.0);
                self.0 -= n;
                Ok(n)
            }
        }
        let r = copy_overlapped(&mut Broken(3 * COPY_CHUNK), &mut Vec::new(), |_| {});
        assert!(matches!(r, Err(CopyError::Read(_))), "{r:?}");
        // A writer that fails (a full disk): a write error, and the reader stops.
        struct Full(usize);
        impl Write for Full {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                if self.0 < buf.len() {
                    return Err(io::Error::from(ErrorKind::StorageFull));
                }
                self.0 -= buf.len();
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut endless = io::Read::take(io::repeat(1), u64::MAX);
        let r = copy_overlapped(&mut endless, &mut Full(2 * COPY_CHUNK), |_| {});
        match r {
            Err(CopyError::Write(e)) => assert_eq!(classify(&e), IoKind::DiskFull),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn background_sync_and_write_back_keep_every_byte() {
        let d = tempfile::tempdir().unwrap();
        // Many files queued (more than the 16 that may wait): all synced, finish is Ok.
        let bg = BackgroundSync::new();
        for i in 0..40 {
            let p = d.path().join(format!("{i}.bin"));
            let mut f = File::create(&p).unwrap();
            f.write_all(&[i as u8; 1000]).unwrap();
            bg.sync(f, &p);
        }
        assert_eq!(bg.finish().unwrap(), 40, "every queued file synced");
        // A big file written back every 64 KiB while it grows: committed whole.
        let target = d.path().join("big.tianbao");
        let mut a = AtomicFile::beside(&target).unwrap();
        a.write_back_every(64 << 10);
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 253) as u8).collect();
        for chunk in data.chunks(100_000) {
            a.write_all(chunk).unwrap();
        }
        // Each chunk of 100,000 bytes passed the 64 KiB mark once: 30 syncs while writing.
        assert_eq!(a.write_backs(), 30);
        a.commit(&target).unwrap();
        assert_eq!(fs::read(&target).unwrap(), data);
        let left: Vec<_> = fs::read_dir(d.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }
}
