//! Attached files of the stored cases: the app's own byte-exact copies in a content-addressed
//! folder beside the database (`<db>-files/`), their thumbnails, and freeing the space of files
//! no case uses any more.
//!
//! Attaching does not change a case: it stores the copy and returns the `Attachment`, which the
//! editor puts into the case and saves like any other edit (so the editor's copy of the case
//! stays the one source of truth, and an attachment is in the case's revision history).

use super::{ListQuery, Store, StoreError};
use crate::campaign::Campaign;
use crate::docx::{self, DocxError};
use crate::media::{self, Attached, MediaError, PhotoRole};
use crate::model::Case;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Thumbnails in the editor are at most this many pixels on their long side.
pub const THUMBNAIL_SIDE: u32 = 320;

/// The attached files of a store without its database connection: attach, thumbnails and the
/// 推荐表 of a case. Cheap to clone and `Send`, so slow work (decoding a 12-megapixel photo,
/// building twenty .docx files) runs on a worker thread without holding the store, and saves
/// go on meanwhile. Only reads and adds files; freeing them is [`Store::gc_blobs`].
#[derive(Debug, Clone)]
pub struct Files {
    dir: PathBuf,
    campaign: Campaign,
}

impl Files {
    /// The folder of the copies (`<db>-files/`).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn campaign(&self) -> &Campaign {
        &self.campaign
    }

    /// The content-addressed store of attached files (created on first use).
    pub fn blobs(&self) -> Result<media::BlobStore, MediaError> {
        media::BlobStore::new(self.dir.clone())
    }

    /// Copies `src` into the app's store (once, however often attached), checks it for `role`
    /// against the campaign rules, and makes its thumbnail (kept for later views).
    pub fn attach_file(&self, src: &Path, role: PhotoRole) -> Result<Attached, MediaError> {
        let blobs = self.blobs()?;
        let attached = media::attach(&blobs, src, role, &self.campaign, THUMBNAIL_SIDE)?;
        if let Some(jpeg) = &attached.thumbnail {
            // A thumbnail that cannot be cached is made again when shown.
            let _ = write_small(
                &self.dir.join("thumbs"),
                &format!("{}.jpg", attached.attachment.sha256),
                jpeg,
            );
        }
        Ok(attached)
    }

    /// The thumbnail (JPEG) of a stored file, EXIF orientation applied.
    pub fn thumbnail(&self, sha256: &str) -> Result<Vec<u8>, MediaError> {
        let blobs = self.blobs()?;
        let blob = blobs.blob_path(sha256)?;
        let cached = self.dir.join("thumbs").join(format!("{sha256}.jpg"));
        if let Ok(bytes) = std::fs::read(&cached) {
            return Ok(bytes);
        }
        let jpeg = media::thumbnail(&blob, THUMBNAIL_SIDE)?;
        let _ = write_small(&self.dir.join("thumbs"), &format!("{sha256}.jpg"), &jpeg);
        Ok(jpeg)
    }

    /// The 推荐表 of `case` as .docx bytes, its pictures from this store (print-size cache).
    pub fn case_docx(&self, case: &Case) -> Result<Vec<u8>, DocxError> {
        let pictures = if case.media.pictures.is_empty() {
            Vec::new()
        } else {
            docx::prepare_pictures(case, &self.blobs()?)?
        };
        docx::build_docx(case, &self.campaign, &pictures)
    }
}

impl Store {
    /// The attached files of this store, to work on without holding the store (see [`Files`]).
    pub fn files(&self) -> Files {
        Files {
            dir: self.blob_dir(),
            campaign: self.campaign.clone(),
        }
    }

    /// Copies `src` into the app's store (once, however often attached), checks it for `role`
    /// against the campaign rules, and makes its thumbnail (kept for later views).
    pub fn attach_file(&self, src: &Path, role: PhotoRole) -> Result<Attached, MediaError> {
        self.files().attach_file(src, role)
    }

    /// The thumbnail (JPEG) of a stored file, EXIF orientation applied.
    pub fn thumbnail(&self, sha256: &str) -> Result<Vec<u8>, MediaError> {
        self.files().thumbnail(sha256)
    }

    /// The SHA-256 of every file a case (live or in the 回收站) refers to at its head.
    pub fn live_blobs(&self) -> Result<HashSet<String>, StoreError> {
        let mut live = HashSet::new();
        for trash in [false, true] {
            for s in self.list_cases(&ListQuery {
                trash,
                ..Default::default()
            })? {
                let c = self.get_case(s.id)?;
                let m = &c.media;
                for a in [&m.photo, &m.id_front, &m.id_back].into_iter().flatten() {
                    live.insert(a.sha256.to_ascii_lowercase());
                }
                for a in &m.pictures {
                    live.insert(a.sha256.to_ascii_lowercase());
                }
            }
        }
        Ok(live)
    }

    /// Deletes the stored copies (and their thumbnails and print-size versions) that no case
    /// uses any more. Returns the bytes freed.
    pub fn gc_blobs(&self) -> Result<u64, StoreError> {
        let dir = self.blob_dir();
        if !dir.is_dir() {
            return Ok(0);
        }
        let live = self.live_blobs()?;
        let mut freed = self.blobs()?.gc(&live)?;
        for sub in ["thumbs", "print-cache"] {
            let Ok(rd) = std::fs::read_dir(dir.join(sub)) else {
                continue;
            };
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let sha: String = name.chars().take(64).collect();
                if sha.len() == 64 && !live.contains(&sha) {
                    let len = e.metadata().map(|m| m.len()).unwrap_or(0);
                    if std::fs::remove_file(e.path()).is_ok() {
                        freed += len;
                    }
                }
            }
        }
        Ok(freed)
    }
}

fn write_small(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.persist(dir.join(name)).map_err(|e| e.error)?;
    Ok(())
}
