//! From a case's attached pictures to print-size JPEGs: each picture is decoded once, its EXIF
//! orientation applied, downscaled into the print box (~150 dpi) and encoded JPEG. The result is
//! cached beside the blob store (`print-cache/`), so printing the same case again, or 20 cases
//! in a batch, does not decode the 12-megapixel originals again.

use super::layout::{picture_box_px, PRINT_JPEG_QUALITY};
use super::{DocxError, PrintPicture};
use crate::media::imaging::encode_jpeg;
use crate::media::{load_fitted, BlobStore, DecodeLimits};
use crate::model::Case;
use std::path::Path;

/// Prepares one picture file for print, with its caption.
pub fn print_picture(path: &Path, caption: &str, index: usize) -> Result<PrintPicture, DocxError> {
    let (w, h) = picture_box_px();
    let bad = |reason: String| DocxError::Picture {
        index,
        caption: caption.to_string(),
        reason,
    };
    let img = load_fitted(path, w, h, &DecodeLimits::default()).map_err(|e| bad(e.to_string()))?;
    let jpeg = encode_jpeg(&img, PRINT_JPEG_QUALITY).map_err(|e| bad(e.to_string()))?;
    Ok(PrintPicture {
        jpeg,
        width_px: img.width(),
        height_px: img.height(),
        caption: caption.to_string(),
    })
}

/// The print-size pictures of a case, in order, from the app's blob store (cached).
pub fn prepare_pictures(case: &Case, blobs: &BlobStore) -> Result<Vec<PrintPicture>, DocxError> {
    let (w, h) = picture_box_px();
    let cache_dir = blobs.dir().join("print-cache");
    let mut out = Vec::with_capacity(case.media.pictures.len());
    for (i, a) in case.media.pictures.iter().enumerate() {
        let index = i + 1;
        let caption = a.caption.trim().to_string();
        let shown = if caption.is_empty() {
            a.file_name.clone()
        } else {
            caption.clone()
        };
        let Some(path) = blobs.path_of(&a.sha256) else {
            return Err(DocxError::Picture {
                index,
                caption: shown,
                reason: format!("程序保存的图片副本“{}”已缺失", a.file_name),
            });
        };
        let cached = cache_dir.join(format!("{}-{w}x{h}-q{PRINT_JPEG_QUALITY}.jpg", a.sha256));
        if let Some(p) = read_cached(&cached, &caption) {
            out.push(p);
            continue;
        }
        let mut p = print_picture(&path, &shown, index)?;
        p.caption = caption;
        // The cache is an optimisation: a read-only or full disk only costs time.
        let _ = write_cached(&cache_dir, &cached, &p.jpeg);
        out.push(p);
    }
    Ok(out)
}

fn read_cached(path: &Path, caption: &str) -> Option<PrintPicture> {
    let jpeg = std::fs::read(path).ok()?;
    let (width_px, height_px) = image::ImageReader::new(std::io::Cursor::new(&jpeg))
        .with_guessed_format()
        .ok()?
        .into_dimensions()
        .ok()?;
    Some(PrintPicture {
        jpeg,
        width_px,
        height_px,
        caption: caption.to_string(),
    })
}

fn write_cached(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
