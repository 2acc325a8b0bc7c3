//! The store's side of the attached files: the attachment library beside the database
//! (`<db>-files/`, see [`crate::media::library`]) and which of its files the cases still use.

use super::{parse_case, Store, StoreError};
use crate::media::Library;
use std::collections::HashSet;

impl Store {
    /// The attached files of this database, to work on without holding the store (decoding,
    /// building .docx files on a worker thread while saves go on).
    pub fn library(&self) -> Library {
        Library::new(self.blob_dir(), self.campaign.clone())
    }

    /// The SHA-256 of every file a case (live or in the 回收站) refers to at its head. One
    /// query: the store is held only while the cases are read.
    pub fn live_blobs(&self) -> Result<HashSet<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, data FROM cases")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(|e| self.err(e))?;
        let mut live = HashSet::new();
        for row in rows {
            let (id, data) = row.map_err(|e| self.err(e))?;
            let m = parse_case(&id, &data)?.media;
            let all = [&m.photo, &m.id_front, &m.id_back].into_iter().flatten();
            for a in all.chain(&m.pictures) {
                // The JPEG made from a WebP/BMP file lives as long as its original.
                live.extend(a.stored_sha256s().map(str::to_ascii_lowercase));
            }
        }
        Ok(live)
    }

    /// Deletes the stored copies (and their thumbnails and print-size versions) that no case
    /// uses any more. Returns the bytes freed. (The app reads [`Store::live_blobs`] under the
    /// store's lock and runs [`Library::gc`] after releasing it.)
    pub fn gc_blobs(&self) -> Result<u64, StoreError> {
        let live = self.live_blobs()?;
        Ok(self.library().gc(&live)?)
    }
}
