//! The image pipeline shared by the editor (thumbnails) and the Word generator (print-size
//! pictures): decode once with EXIF orientation applied, downscale with `fast_image_resize`,
//! encode JPEG.
//!
//! A decompression bomb is refused from its header before a decoder is even built: the declared
//! size is checked against [`DecodeLimits`], and the decoder gets the same limits as
//! `image::Limits`.

use super::sniff::{self, Format};
use super::{read_error, shown, MediaError};
use fast_image_resize as fir;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageReader, RgbImage};
use std::io::Cursor;
use std::path::Path;

/// How large an image we agree to decode. Not a rule of the notice: a safety limit against
/// decompression bombs and against running the clerk's PC out of memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeLimits {
    /// Longest side in pixels.
    pub max_side: u32,
    /// Width × height.
    pub max_pixels: u64,
    /// Bytes the decoder may allocate (`image::Limits::max_alloc`).
    pub max_alloc: u64,
    /// The largest file read into memory to be decoded.
    pub max_file_bytes: u64,
}

impl Default for DecodeLimits {
    /// 200 megapixels (the largest phone sensors), 65 535 px a side (the JPEG maximum), 1 GiB
    /// of decoder memory, 256 MiB of file.
    fn default() -> Self {
        DecodeLimits {
            max_side: 65_535,
            max_pixels: 200_000_000,
            max_alloc: 1 << 30,
            max_file_bytes: 256 << 20,
        }
    }
}

impl DecodeLimits {
    /// `Err(TooLarge)` when a declared `width`×`height` exceeds the limits.
    pub fn check(&self, path: &str, width: u64, height: u64) -> Result<(), MediaError> {
        if width > self.max_side as u64
            || height > self.max_side as u64
            || width.saturating_mul(height) > self.max_pixels
        {
            return Err(MediaError::TooLarge {
                path: path.to_string(),
                width,
                height,
                limit: format!(
                    "约 {} 万像素，每边不超过 {} 像素",
                    self.max_pixels / 10_000,
                    self.max_side
                ),
            });
        }
        Ok(())
    }

    fn image_limits(&self) -> image::Limits {
        let mut l = image::Limits::default();
        l.max_image_width = Some(self.max_side);
        l.max_image_height = Some(self.max_side);
        l.max_alloc = Some(self.max_alloc);
        l
    }
}

/// Reads and decodes `path` (JPEG or PNG), EXIF orientation applied.
pub fn load_oriented(path: &Path, limits: &DecodeLimits) -> Result<DynamicImage, MediaError> {
    let bytes = read_bounded(path, limits)?;
    decode_oriented(&bytes, &shown(path), limits)
}

/// The file's bytes, refusing a file larger than `limits.max_file_bytes` before reading it.
fn read_bounded(path: &Path, limits: &DecodeLimits) -> Result<Vec<u8>, MediaError> {
    let len = std::fs::metadata(path)
        .map_err(|e| read_error(path, e))?
        .len();
    if len > limits.max_file_bytes {
        return Err(MediaError::Corrupt {
            path: shown(path),
            detail: format!(
                "文件有 {}，超过图片可处理的上限 {}，不像是一张照片",
                super::human_size(len),
                super::human_size(limits.max_file_bytes)
            ),
        });
    }
    std::fs::read(path).map_err(|e| read_error(path, e))
}

/// Decodes an image already in memory (`name` is for messages), EXIF orientation applied.
/// Formats other than JPEG and PNG are refused with the way to convert them.
pub fn decode_oriented(
    bytes: &[u8],
    name: &str,
    limits: &DecodeLimits,
) -> Result<DynamicImage, MediaError> {
    let (mut img, orientation) = decode_unoriented(bytes, name, limits)?;
    img.apply_orientation(orientation);
    Ok(img)
}

/// Decodes without applying the orientation; returns it beside the pixels.
fn decode_unoriented(
    bytes: &[u8],
    name: &str,
    limits: &DecodeLimits,
) -> Result<(DynamicImage, Orientation), MediaError> {
    let head = &bytes[..bytes.len().min(sniff::SNIFF_LEN)];
    let format = sniff::sniff(head);
    let image_format = match format {
        Format::Jpeg => image::ImageFormat::Jpeg,
        Format::Png => image::ImageFormat::Png,
        Format::Webp => image::ImageFormat::WebP,
        Format::Bmp => image::ImageFormat::Bmp,
        Format::Unknown => {
            return Err(MediaError::NotAnImage {
                path: name.to_string(),
                detail: format!("内容看起来是{}", sniff::describe_unknown(head)),
            })
        }
        other => {
            return Err(MediaError::Unsupported {
                path: name.to_string(),
                format: other.label().to_string(),
                advice: other.conversion_advice().to_string(),
            })
        }
    };
    // The header alone first: a bomb never reaches a decoder.
    let header = sniff::read_header(&mut Cursor::new(bytes), format, bytes.len() as u64)
        .map_err(|e| header_error(name, e))?;
    limits.check(name, header.width as u64, header.height as u64)?;

    let corrupt = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => MediaError::TooLarge {
            path: name.to_string(),
            width: header.width as u64,
            height: header.height as u64,
            limit: format!("解码内存上限 {} MB", limits.max_alloc >> 20),
        },
        other => MediaError::Corrupt {
            path: name.to_string(),
            detail: format!("解码失败：{other}"),
        },
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), image_format);
    reader.limits(limits.image_limits());
    let mut decoder = reader.into_decoder().map_err(corrupt)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let img = DynamicImage::from_decoder(decoder).map_err(corrupt)?;
    Ok((img, orientation))
}

/// Reads `path` and returns it fitted into `max_w`×`max_h` as displayed (EXIF orientation
/// applied), 8-bit RGB on white. Faster than `fit_rgb(&load_oriented(..))`: it downscales
/// first and rotates the small result (rotating a 12 MP picture costs more than decoding it).
pub fn load_fitted(
    path: &Path,
    max_w: u32,
    max_h: u32,
    limits: &DecodeLimits,
) -> Result<RgbImage, MediaError> {
    let bytes = read_bounded(path, limits)?;
    let (img, orientation) = decode_unoriented(&bytes, &shown(path), limits)?;
    let swaps = matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    );
    let (bw, bh) = if swaps {
        (max_h, max_w)
    } else {
        (max_w, max_h)
    };
    let mut small = DynamicImage::ImageRgb8(fit_rgb(&img, bw, bh)?);
    small.apply_orientation(orientation);
    Ok(small.into_rgb8())
}

/// `path` as a JPEG fitted into `max_w`×`max_h` as displayed: the picture for the .docx, or a
/// thumbnail. Decodes once.
pub fn picture_jpeg(
    path: &Path,
    max_w: u32,
    max_h: u32,
    quality: u8,
) -> Result<Vec<u8>, MediaError> {
    encode_jpeg(
        &load_fitted(path, max_w, max_h, &DecodeLimits::default())?,
        quality,
    )
}

pub(crate) fn header_error(name: &str, e: sniff::HeaderError) -> MediaError {
    match e {
        sniff::HeaderError::Corrupt(detail) => MediaError::Corrupt {
            path: name.to_string(),
            detail,
        },
        sniff::HeaderError::Io(e) => MediaError::Read {
            path: name.to_string(),
            reason: super::io_reason(&e),
        },
    }
}

/// The size `w`×`h` scaled down (never up) to fit in `max_w`×`max_h`, keeping the aspect ratio.
pub fn fit_size(w: u32, h: u32, max_w: u32, max_h: u32) -> (u32, u32) {
    if w == 0 || h == 0 {
        return (w, h);
    }
    let scale = (max_w as f64 / w as f64)
        .min(max_h as f64 / h as f64)
        .min(1.0);
    let nw = ((w as f64 * scale).round() as u32).max(1);
    let nh = ((h as f64 * scale).round() as u32).max(1);
    (nw, nh)
}

/// `img` as 8-bit RGB, transparency flattened onto white (JPEG and print have no alpha; a
/// transparent PNG logo must not turn black).
fn to_rgb_on_white(img: &DynamicImage) -> std::borrow::Cow<'_, RgbImage> {
    match img {
        DynamicImage::ImageRgb8(rgb) => std::borrow::Cow::Borrowed(rgb),
        _ if img.color().has_alpha() => {
            let rgba = img.to_rgba8();
            let (w, h) = rgba.dimensions();
            let mut out = RgbImage::new(w, h);
            for (o, p) in out.pixels_mut().zip(rgba.pixels()) {
                let a = p[3] as u32;
                for c in 0..3 {
                    o[c] = ((p[c] as u32 * a + 255 * (255 - a) + 127) / 255) as u8;
                }
            }
            std::borrow::Cow::Owned(out)
        }
        _ => std::borrow::Cow::Owned(img.to_rgb8()),
    }
}

/// `img` downscaled (never upscaled) to fit `max_w`×`max_h`, as 8-bit RGB on white.
pub fn fit_rgb(img: &DynamicImage, max_w: u32, max_h: u32) -> Result<RgbImage, MediaError> {
    let rgb = to_rgb_on_white(img);
    let (w, h) = rgb.dimensions();
    let (tw, th) = fit_size(w, h, max_w.max(1), max_h.max(1));
    if (tw, th) == (w, h) {
        return Ok(rgb.into_owned());
    }
    let resize_err = |e: &dyn std::fmt::Display| MediaError::Encode {
        detail: format!("缩放失败：{e}"),
    };
    let src = fir::images::ImageRef::new(w, h, rgb.as_raw(), fir::PixelType::U8x3)
        .map_err(|e| resize_err(&e))?;
    let mut dst = fir::images::Image::new(tw, th, fir::PixelType::U8x3);
    // Lanczos3 convolution for print sizes; for large reductions (thumbnails) super-sampling
    // (nearest to 3× the target, then Lanczos3) is ~40× faster and looks the same at that size.
    let ratio = (w as f64 / tw as f64).max(h as f64 / th as f64);
    let alg = if ratio >= THUMBNAIL_RATIO {
        fir::ResizeAlg::SuperSampling(fir::FilterType::Lanczos3, 3)
    } else {
        fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3)
    };
    let options = fir::ResizeOptions::new().resize_alg(alg);
    fir::Resizer::new()
        .resize(&src, &mut dst, &options)
        .map_err(|e| resize_err(&e))?;
    RgbImage::from_raw(tw, th, dst.into_vec()).ok_or_else(|| MediaError::Encode {
        detail: "缩放结果尺寸不符".into(),
    })
}

/// `img` downscaled to fit `max_w`×`max_h` and encoded as JPEG at `quality` (1–100).
/// Used for thumbnails and for the pictures embedded in the .docx.
pub fn fit_jpeg(
    img: &DynamicImage,
    max_w: u32,
    max_h: u32,
    quality: u8,
) -> Result<Vec<u8>, MediaError> {
    let rgb = fit_rgb(img, max_w, max_h)?;
    encode_jpeg(&rgb, quality)
}

/// 8-bit RGB pixels to JPEG bytes.
pub fn encode_jpeg(rgb: &RgbImage, quality: u8) -> Result<Vec<u8>, MediaError> {
    let mut out = Vec::with_capacity(rgb.as_raw().len() / 8);
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality.clamp(1, 100))
        .encode(
            rgb.as_raw(),
            rgb.width(),
            rgb.height(),
            image::ExtendedColorType::Rgb8,
        )
        .map_err(|e| MediaError::Encode {
            detail: e.to_string(),
        })?;
    Ok(out)
}

/// The whole image at `path` as a JPEG (orientation applied, transparency on white): the
/// conversion stored beside a WebP or BMP original.
pub fn convert_to_jpeg(path: &Path) -> Result<Vec<u8>, MediaError> {
    let img = load_oriented(path, &DecodeLimits::default())?;
    let rgb = fit_rgb(&img, img.width(), img.height())?;
    encode_jpeg(&rgb, CONVERSION_QUALITY)
}

/// JPEG quality of a conversion (visually lossless for photos).
pub const CONVERSION_QUALITY: u8 = 92;

/// A JPEG thumbnail of `path` whose longest side is at most `max_side`, orientation applied.
pub fn thumbnail(path: &Path, max_side: u32) -> Result<Vec<u8>, MediaError> {
    picture_jpeg(path, max_side, max_side, THUMBNAIL_QUALITY)
}

/// From this reduction factor on, [`fit_rgb`] super-samples instead of convolving.
const THUMBNAIL_RATIO: f64 = 6.0;

/// JPEG quality of editor thumbnails.
pub const THUMBNAIL_QUALITY: u8 = 80;

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, Rgba, RgbaImage};

    #[test]
    fn fit_size_keeps_aspect_and_never_upscales() {
        assert_eq!(fit_size(4000, 3000, 256, 256), (256, 192));
        assert_eq!(fit_size(3000, 4000, 256, 256), (192, 256));
        assert_eq!(fit_size(100, 50, 256, 256), (100, 50));
        assert_eq!(fit_size(10000, 10, 100, 100), (100, 1));
    }

    #[test]
    fn fit_jpeg_downscales_and_flattens_alpha_onto_white() {
        let img = DynamicImage::ImageRgba8(RgbaImage::from_pixel(800, 400, Rgba([0, 0, 0, 0])));
        let jpeg = fit_jpeg(&img, 200, 200, 85).unwrap();
        let back = image::load_from_memory(&jpeg).unwrap().to_rgb8();
        assert_eq!(back.dimensions(), (200, 100));
        let p = back.get_pixel(100, 50);
        assert!(p[0] > 245 && p[1] > 245 && p[2] > 245, "{p:?}");

        let red = DynamicImage::ImageRgb8(RgbImage::from_pixel(64, 48, Rgb([200, 10, 10])));
        let same = fit_jpeg(&red, 1000, 1000, 90).unwrap();
        let back = image::load_from_memory(&same).unwrap();
        assert_eq!((back.width(), back.height()), (64, 48));
    }

    #[test]
    fn bombs_are_refused_from_the_declared_size() {
        let l = DecodeLimits::default();
        assert!(l.check("a.png", 8000, 6000).is_ok());
        let e = l.check("a.png", 100_000, 100_000).unwrap_err();
        assert!(e.to_string().contains("100000×100000"), "{e}");
    }
}
