//! The attachment library: the attached files of one database, beside it in `<db>-files/` —
//! the app's byte-exact copies (content-addressed, [`BlobStore`]), their thumbnails
//! (`thumbs/`) and their print-size versions (`print-cache/`).
//!
//! A [`Library`] holds no database connection: it is cheap to clone and `Send`, so slow work
//! (decoding a 12-megapixel photo, building twenty .docx files) runs on a worker thread while
//! saves go on. Which files the cases still use is the store's to say; [`Library::gc`] frees
//! the others.
//!
//! Attaching does not change a case: it stores the copy and returns the
//! [`Attachment`](crate::model::Attachment), which the editor puts into the case and saves
//! like any other edit (so an attachment is in the case's revision history).

use super::blobs::{is_sha256, BlobStore};
use super::imaging::{encode_jpeg, load_fitted, thumbnail, DecodeLimits};
use super::photo::{attach, AttachOutcome, Purpose};
use super::MediaError;
use crate::campaign::Campaign;
use crate::fsx;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Thumbnails in the editor are at most this many pixels on their long side.
pub const THUMBNAIL_SIDE: u32 = 320;

const THUMBS: &str = "thumbs";
const PRINT_CACHE: &str = "print-cache";

/// The attached files of one database (see the module documentation).
#[derive(Debug, Clone)]
pub struct Library {
    dir: PathBuf,
    campaign: Campaign,
}

/// A stored image fitted into a box, as JPEG (EXIF orientation applied).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FittedJpeg {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

impl Library {
    /// The library in `dir`, checking files against `campaign`'s rules. Folders are created on
    /// first write.
    pub fn new(dir: impl Into<PathBuf>, campaign: Campaign) -> Library {
        Library {
            dir: dir.into(),
            campaign,
        }
    }

    /// The folder of the copies (`<db>-files/`).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn campaign(&self) -> &Campaign {
        &self.campaign
    }

    /// The content-addressed copies (the folder is created on first use).
    pub fn blobs(&self) -> Result<BlobStore, MediaError> {
        BlobStore::new(self.dir.clone())
    }

    /// Copies `src` into the library (once, however often attached), checks it for `purpose`
    /// against the campaign rules, and makes its thumbnail (kept for later views).
    pub fn attach_file(&self, src: &Path, purpose: Purpose) -> Result<AttachOutcome, MediaError> {
        let blobs = self.blobs()?;
        let outcome = attach(&blobs, src, purpose, &self.campaign, THUMBNAIL_SIDE)?;
        if let Some(jpeg) = &outcome.thumbnail {
            // A thumbnail that cannot be kept is made again when shown.
            let _ = self.cache(THUMBS, &format!("{}.jpg", outcome.attachment.sha256), jpeg);
        }
        Ok(outcome)
    }

    /// The thumbnail (JPEG) of a stored file, EXIF orientation applied.
    pub fn thumbnail(&self, sha256: &str) -> Result<Vec<u8>, MediaError> {
        let blob = self.blobs()?.blob_path(sha256)?;
        let name = format!("{}.jpg", sha256.to_ascii_lowercase());
        if let Ok(bytes) = std::fs::read(self.dir.join(THUMBS).join(&name)) {
            return Ok(bytes);
        }
        let jpeg = thumbnail(&blob, THUMBNAIL_SIDE)?;
        let _ = self.cache(THUMBS, &name, &jpeg);
        Ok(jpeg)
    }

    /// Where the stored file `sha256` is, `None` when it is not (or no longer) stored.
    pub fn path_of(&self, sha256: &str) -> Option<PathBuf> {
        self.blobs().ok()?.path_of(sha256)
    }

    /// The stored image `sha256` decoded once, EXIF orientation applied, fitted into
    /// `width`×`height` and encoded as JPEG at `quality`; kept in `print-cache/`, so printing
    /// the same case again, or 20 cases in a batch, does not decode the originals again.
    pub fn fitted_jpeg(
        &self,
        sha256: &str,
        width: u32,
        height: u32,
        quality: u8,
    ) -> Result<FittedJpeg, MediaError> {
        let blob = self.blobs()?.blob_path(sha256)?;
        let name = format!(
            "{}-{width}x{height}-q{quality}.jpg",
            sha256.to_ascii_lowercase()
        );
        if let Some(hit) = read_cached(&self.dir.join(PRINT_CACHE).join(&name)) {
            return Ok(hit);
        }
        let img = load_fitted(&blob, width, height, &DecodeLimits::default())?;
        let jpeg = encode_jpeg(&img, quality)?;
        // The cache is an optimisation: a read-only or full disk only costs time.
        let _ = self.cache(PRINT_CACHE, &name, &jpeg);
        Ok(FittedJpeg {
            width: img.width(),
            height: img.height(),
            jpeg,
        })
    }

    /// Deletes the stored copies, thumbnails and print-size versions of every file whose
    /// SHA-256 is not in `live` (the files some case still uses), and left-over temporary
    /// files. Returns the bytes freed.
    pub fn gc(&self, live: &HashSet<String>) -> Result<u64, MediaError> {
        if !self.dir.is_dir() {
            return Ok(0);
        }
        let live: HashSet<String> = live.iter().map(|s| s.to_ascii_lowercase()).collect();
        let mut freed = self.blobs()?.gc(&live)?;
        for sub in [THUMBS, PRINT_CACHE] {
            let Ok(rd) = std::fs::read_dir(self.dir.join(sub)) else {
                continue;
            };
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let sha: String = name.chars().take(64).collect();
                if is_sha256(&sha) && !live.contains(&sha.to_ascii_lowercase()) {
                    let len = e.metadata().map(|m| m.len()).unwrap_or(0);
                    if std::fs::remove_file(e.path()).is_ok() {
                        freed += len;
                    }
                }
            }
        }
        Ok(freed)
    }

    /// Keeps a derived file (thumbnail, print-size version) under `sub/name`, atomically.
    fn cache(&self, sub: &str, name: &str, bytes: &[u8]) -> Result<(), fsx::FsError> {
        // Thumbnails of ID-card scans are personal data too: 0700/0600 like the copies.
        let dir = self.dir.join(sub);
        fsx::create_dir_private(&dir).map_err(|e| fsx::FsError::new(&dir, e))?;
        fsx::write_atomic_private(&dir.join(name), bytes)
    }
}

fn read_cached(path: &Path) -> Option<FittedJpeg> {
    let jpeg = std::fs::read(path).ok()?;
    let (width, height) = image::ImageReader::new(std::io::Cursor::new(&jpeg))
        .with_guessed_format()
        .ok()?
        .into_dimensions()
        .ok()?;
    Some(FittedJpeg {
        jpeg,
        width,
        height,
    })
}
