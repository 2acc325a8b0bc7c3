//! From a case's attached pictures to print-size JPEGs: each picture is fitted into the print
//! box (~150 dpi), its EXIF orientation applied. Stored pictures come from the attachment
//! library, which keeps the print-size versions, so printing the same case again, or 20 cases in
//! a batch, does not decode the 12-megapixel originals again.

use super::layout::{picture_box_px, PRINT_JPEG_QUALITY};
use super::{DocxError, PrintPicture};
use crate::media::imaging::encode_jpeg;
use crate::media::{load_fitted, DecodeLimits, Library};
use crate::model::Case;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

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

/// The print-size pictures of a case, in order, from the attachment library.
pub fn prepare_pictures(case: &Case, library: &Library) -> Result<Vec<PrintPicture>, DocxError> {
    let (w, h) = picture_box_px();
    let mut out = Vec::with_capacity(case.media.pictures.len());
    for (i, a) in case.media.pictures.iter().enumerate() {
        let caption = a.caption.trim().to_string();
        let bad = |reason: String| DocxError::Picture {
            index: i + 1,
            caption: if caption.is_empty() {
                a.file_name.clone()
            } else {
                caption.clone()
            },
            reason,
        };
        if library.path_of(&a.sha256).is_none() {
            return Err(bad(format!("程序保存的图片副本“{}”已缺失", a.file_name)));
        }
        let fitted = library
            .fitted_jpeg(&a.sha256, w, h, PRINT_JPEG_QUALITY)
            .map_err(|e| bad(e.to_string()))?;
        out.push(PrintPicture {
            jpeg: fitted.jpeg,
            width_px: fitted.width,
            height_px: fitted.height,
            caption,
        });
    }
    Ok(out)
}

/// Runs `work` — which writes the cases' 推荐表 in order, keeping in the counter it is given
/// the index of the case it is at — while, on two cores or more, a second thread puts the
/// print-size pictures of the cases ahead into the attachment library's cache, from the last
/// case backwards, until the two meet. Decoding and downscaling 12-megapixel pictures is most
/// of the work of many 推荐表, so both cores share it. The helper stops at `cancel`; its failures
/// are left to `work`, which meets and reports them.
pub fn with_pictures_prepared_ahead<T>(
    cases: &[&Case],
    library: &Library,
    cancel: &AtomicBool,
    work: impl FnOnce(&AtomicUsize) -> T,
) -> T {
    let reached = AtomicUsize::new(0);
    let done = AtomicBool::new(false);
    let two_cores = std::thread::available_parallelism().map_or(1, |n| n.get()) > 1;
    std::thread::scope(|s| {
        if two_cores {
            s.spawn(|| {
                let (w, h) = picture_box_px();
                for (i, case) in cases.iter().enumerate().rev() {
                    for a in &case.media.pictures {
                        if i <= reached.load(Ordering::SeqCst)
                            || done.load(Ordering::SeqCst)
                            || cancel.load(Ordering::SeqCst)
                        {
                            return;
                        }
                        let _ = library.fitted_jpeg(&a.sha256, w, h, PRINT_JPEG_QUALITY);
                    }
                }
            });
        }
        let r = work(&reached);
        done.store(true, Ordering::SeqCst);
        r
    })
}
