//! The app's own copy of every attached file, content-addressed by SHA-256.
//!
//! Layout: `DIR/ab/abcdef…` (the first two hex digits as a folder), temporary files in
//! `DIR/tmp/`. A file is written to a temporary file while it is hashed, fsynced, then renamed
//! into place (atomic: a blob is either absent or complete), and the folder is fsynced — all
//! through [`fsx::AtomicFile`]. The same
//! content attached twice is stored once. Originals are byte-exact: the personal photo is sent
//! as it was picked.

use super::sniff;
use super::{file_name, read_error, shown, write_error, MediaError};
use crate::fsx;
use crate::model::Attachment;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Temporary files older than this are left-overs of a crash and removed by [`BlobStore::gc`].
const STALE_TMP: Duration = Duration::from_secs(3600);
const CHUNK: usize = 256 * 1024;

/// A content-addressed store of attachments.
#[derive(Debug, Clone)]
pub struct BlobStore {
    dir: PathBuf,
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// True for 64 lower- or upper-case hex digits.
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

impl BlobStore {
    /// Opens (creating if needed) the store in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Result<BlobStore, MediaError> {
        let dir = dir.into();
        // Personal data (ID-card scans): the folder is the user's alone, its files 0600.
        crate::fsx::create_dir_private(&dir.join("tmp"))
            .map_err(|e| write_error(&dir, &shown(&dir), e))?;
        Ok(BlobStore { dir })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the blob `sha` lives (or would live). `Err` for a name that is not a SHA-256.
    pub fn blob_path(&self, sha: &str) -> Result<PathBuf, MediaError> {
        if !is_sha256(sha) {
            return Err(MediaError::BadSha {
                sha: sha.to_string(),
            });
        }
        let sha = sha.to_ascii_lowercase();
        Ok(self.dir.join(&sha[..2]).join(&sha))
    }

    /// The path of the stored blob `sha`, or `None` if it is not stored (or not a SHA-256).
    pub fn path_of(&self, sha: &str) -> Option<PathBuf> {
        self.blob_path(sha).ok().filter(|p| p.is_file())
    }

    pub fn contains(&self, sha: &str) -> bool {
        self.path_of(sha).is_some()
    }

    /// Copies `src` into the store. Returns the [`Attachment`] with its SHA-256, file name,
    /// size, sniffed format and header dimensions (caption empty).
    pub fn put_file(&self, src: &Path) -> Result<Attachment, MediaError> {
        let mut input = File::open(src).map_err(|e| read_error(src, e))?;
        if input.metadata().map(|m| m.is_dir()).unwrap_or(false) {
            return Err(MediaError::Read {
                path: shown(src),
                reason: "这是一个文件夹，不是文件".into(),
            });
        }
        let name = file_name(src);
        let (sha, bytes) = self.write_atomic(
            &name,
            |out, hasher| {
                let mut buf = vec![0u8; CHUNK];
                let mut total = 0u64;
                loop {
                    let n = match input.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(Step::Read(e)),
                    };
                    hasher.update(&buf[..n]);
                    out.write_all(&buf[..n]).map_err(Step::Write)?;
                    total += n as u64;
                }
                Ok(total)
            },
            src,
        )?;
        Ok(self.describe(&sha, name, bytes))
    }

    /// Stores bytes already in memory (a bundle being imported) under their SHA-256.
    pub fn put_bytes(&self, data: &[u8], file_name: &str) -> Result<Attachment, MediaError> {
        let (sha, bytes) = self.write_atomic(
            file_name,
            |out, hasher| {
                hasher.update(data);
                out.write_all(data).map_err(Step::Write)?;
                Ok(data.len() as u64)
            },
            Path::new(file_name),
        )?;
        Ok(self.describe(&sha, file_name.to_string(), bytes))
    }

    fn describe(&self, sha: &str, file_name: String, bytes: u64) -> Attachment {
        let (format, width, height) = match self
            .blob_path(sha)
            .ok()
            .map(|p| sniff::read_file_header(&p))
        {
            Some(Ok(f)) => match f.header {
                Ok(h) => (f.format, h.width, h.height),
                Err(_) => (f.format, 0, 0),
            },
            _ => (sniff::Format::Unknown, 0, 0),
        };
        Attachment {
            sha256: sha.to_string(),
            file_name,
            bytes,
            format: format.as_str().to_string(),
            width,
            height,
            caption: String::new(),
            converted: None,
        }
    }

    /// Writes through `fill` into a temporary file while hashing, then (unless the same
    /// content is stored already) fsyncs and renames it into place ([`fsx::AtomicFile`]).
    fn write_atomic(
        &self,
        what: &str,
        fill: impl FnOnce(&mut File, &mut Sha256) -> Result<u64, Step>,
        src: &Path,
    ) -> Result<(String, u64), MediaError> {
        let werr = |e: io::Error| write_error(&self.dir, what, e);
        let tmp_dir = self.dir.join("tmp");
        fs::create_dir_all(&tmp_dir).map_err(werr)?;
        // Dropped without `commit`, the temporary file is removed.
        let mut out = fsx::AtomicFile::private_in_dir(&tmp_dir, Path::new(what))
            .map_err(|e| werr(e.source))?;
        let mut hasher = Sha256::new();
        let bytes = match fill(out.file(), &mut hasher) {
            Ok(n) => n,
            Err(Step::Read(e)) => return Err(read_error(src, e)),
            Err(Step::Write(e)) => return Err(werr(e)),
        };
        let sha = hex(&hasher.finalize());
        let dest = self.blob_path(&sha)?;
        if dest.metadata().map(|m| m.len() == bytes).unwrap_or(false) {
            // Already stored: the same content attached again is stored once.
            return Ok((sha, bytes));
        }
        let parent = dest.parent().expect("blob has a folder");
        fs::create_dir_all(parent).map_err(werr)?;
        out.commit(&dest).map_err(|e| werr(e.source))?;
        Ok((sha, bytes))
    }

    /// Takes into the store a file already checked to have SHA-256 `sha` and fsynced (a bundle's
    /// staged attachment, on the same disk): renamed into place, or dropped when stored already.
    pub fn adopt(&self, staged: &Path, sha: &str) -> Result<(), MediaError> {
        self.adopt_all([(staged, sha)])
    }

    /// [`BlobStore::adopt`] for many files: every one renamed into place first, then each
    /// folder synced once (one journal commit covers all the renames, where a sync after each
    /// rename cost ~2 ms a file).
    pub fn adopt_all<'a>(
        &self,
        files: impl IntoIterator<Item = (&'a Path, &'a str)>,
    ) -> Result<(), MediaError> {
        let mut folders = std::collections::BTreeSet::new();
        for (staged, sha) in files {
            let dest = self.blob_path(sha)?;
            if dest.is_file() {
                let _ = fs::remove_file(staged);
                continue;
            }
            let parent = dest.parent().expect("blob has a folder").to_path_buf();
            fs::create_dir_all(&parent).map_err(|e| write_error(&self.dir, sha, e))?;
            fs::rename(staged, &dest).map_err(|e| write_error(&self.dir, sha, e))?;
            folders.insert(parent);
        }
        for f in &folders {
            fsx::sync_dir(f);
        }
        Ok(())
    }

    /// Removes every blob whose SHA-256 is not in `live` (the attachments some case still
    /// references) and left-over temporary files. Returns the bytes freed.
    pub fn gc(&self, live: &HashSet<String>) -> Result<u64, MediaError> {
        let live: HashSet<String> = live.iter().map(|s| s.to_ascii_lowercase()).collect();
        let mut freed = 0u64;
        let list = |d: &Path| fs::read_dir(d).map_err(|e| read_error(d, e));
        for entry in list(&self.dir)? {
            let entry = entry.map_err(|e| read_error(&self.dir, e))?;
            let sub = entry.path();
            let sub_name = entry.file_name().to_string_lossy().into_owned();
            if !sub.is_dir() {
                continue;
            }
            if sub_name == "tmp" {
                for t in list(&sub)?.flatten() {
                    let stale = t
                        .metadata()
                        .and_then(|m| m.modified())
                        .map(|m| {
                            SystemTime::now().duration_since(m).unwrap_or_default() > STALE_TMP
                        })
                        .unwrap_or(false);
                    if stale {
                        let len = t.metadata().map(|m| m.len()).unwrap_or(0);
                        fs::remove_file(t.path())
                            .map_err(|e| write_error(&self.dir, &shown(&t.path()), e))?;
                        freed += len;
                    }
                }
                continue;
            }
            if sub_name.len() != 2 || !sub_name.bytes().all(|b| b.is_ascii_hexdigit()) {
                continue; // not ours
            }
            for blob in list(&sub)? {
                let blob = blob.map_err(|e| read_error(&sub, e))?;
                let name = blob.file_name().to_string_lossy().into_owned();
                if !is_sha256(&name) || live.contains(&name.to_ascii_lowercase()) {
                    continue;
                }
                let len = blob.metadata().map(|m| m.len()).unwrap_or(0);
                fs::remove_file(blob.path()).map_err(|e| write_error(&self.dir, &name, e))?;
                freed += len;
            }
            let _ = fs::remove_dir(&sub); // only succeeds when empty
        }
        Ok(freed)
    }

    /// Every stored SHA-256 (for checks and tests).
    pub fn list(&self) -> Result<Vec<String>, MediaError> {
        let mut out = Vec::new();
        for entry in fs::read_dir(&self.dir)
            .map_err(|e| read_error(&self.dir, e))?
            .flatten()
        {
            if entry.file_name().len() != 2 || !entry.path().is_dir() {
                continue;
            }
            for blob in fs::read_dir(entry.path())
                .map_err(|e| read_error(&entry.path(), e))?
                .flatten()
            {
                let name = blob.file_name().to_string_lossy().into_owned();
                if is_sha256(&name) {
                    out.push(name);
                }
            }
        }
        out.sort();
        Ok(out)
    }
}

enum Step {
    Read(io::Error),
    Write(io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_content_is_stored_once_and_byte_exact() {
        let tmp = tempfile::tempdir().unwrap();
        let store = BlobStore::new(tmp.path().join("blobs")).unwrap();
        let a = tmp.path().join("甲.jpg");
        let b = tmp.path().join("乙（副本）.jpg");
        let data: Vec<u8> = (0..700_000u32).map(|i| (i * 7 % 251) as u8).collect();
        fs::write(&a, &data).unwrap();
        fs::write(&b, &data).unwrap();
        let x = store.put_file(&a).unwrap();
        let y = store.put_file(&b).unwrap();
        assert_eq!(x.sha256, y.sha256);
        assert_eq!(x.file_name, "甲.jpg");
        assert_eq!(y.file_name, "乙（副本）.jpg");
        assert_eq!(x.bytes, data.len() as u64);
        assert_eq!(store.list().unwrap(), vec![x.sha256.clone()]);
        assert_eq!(fs::read(store.path_of(&x.sha256).unwrap()).unwrap(), data);
        // Known vector: SHA-256 of "abc".
        let abc = store.put_bytes(b"abc", "abc.txt").unwrap();
        assert_eq!(
            abc.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(abc.format, "unknown");
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(store.dir().join("tmp")).unwrap().count(), 0);
    }

    #[test]
    fn gc_frees_what_no_case_references() {
        let tmp = tempfile::tempdir().unwrap();
        let store = BlobStore::new(tmp.path()).unwrap();
        let keep = store.put_bytes(&[1u8; 1000], "keep.bin").unwrap();
        let drop_ = store.put_bytes(&[2u8; 3000], "drop.bin").unwrap();
        fs::write(tmp.path().join("unrelated.txt"), b"not a blob").unwrap();
        let live: HashSet<String> = [keep.sha256.to_uppercase()].into_iter().collect();
        assert_eq!(store.gc(&live).unwrap(), 3000);
        assert!(store.contains(&keep.sha256));
        assert!(!store.contains(&drop_.sha256));
        assert!(tmp.path().join("unrelated.txt").exists());
        assert_eq!(store.gc(&live).unwrap(), 0);
    }

    #[test]
    fn bad_names_never_reach_the_file_system() {
        let tmp = tempfile::tempdir().unwrap();
        let store = BlobStore::new(tmp.path()).unwrap();
        assert!(store.path_of("../../etc/passwd").is_none());
        assert!(matches!(
            store.blob_path("zz"),
            Err(MediaError::BadSha { .. })
        ));
    }
}
