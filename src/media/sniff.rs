//! The real format of a file from its magic bytes, and an image's dimensions and EXIF
//! orientation from its header — never decoding pixels, reading only what the header needs
//! (plus, for JPEG and PNG, a streaming pass that checks the file ends where it should).

use super::bytes::{be16, be32, le16, le32, read_be16, read_u8, ReadAt};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

/// How many bytes of a file [`sniff`] needs.
pub const SNIFF_LEN: usize = 64;
/// How much of a non-JPEG/PNG image is read to find its dimensions.
const PREFIX_LEN: u64 = 256 * 1024;

/// A format recognised from the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Jpeg,
    Png,
    Gif,
    Webp,
    Heic,
    Heif,
    Avif,
    Tiff,
    Bmp,
    Pdf,
    Unknown,
}

impl Format {
    /// The name stored in `Attachment::format` and compared with `campaign.photo.formats`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Jpeg => "jpeg",
            Format::Png => "png",
            Format::Gif => "gif",
            Format::Webp => "webp",
            Format::Heic => "heic",
            Format::Heif => "heif",
            Format::Avif => "avif",
            Format::Tiff => "tiff",
            Format::Bmp => "bmp",
            Format::Pdf => "pdf",
            Format::Unknown => "unknown",
        }
    }

    /// The inverse of [`Format::as_str`] (`Unknown` for anything else).
    pub fn parse(s: &str) -> Format {
        [
            Format::Jpeg,
            Format::Png,
            Format::Gif,
            Format::Webp,
            Format::Heic,
            Format::Heif,
            Format::Avif,
            Format::Tiff,
            Format::Bmp,
            Format::Pdf,
        ]
        .into_iter()
        .find(|f| f.as_str() == s)
        .unwrap_or(Format::Unknown)
    }

    /// The name for the clerk.
    pub fn label(self) -> &'static str {
        match self {
            Format::Jpeg => "JPG（JPEG）",
            Format::Png => "PNG",
            Format::Gif => "GIF 动图",
            Format::Webp => "WebP（网页/微信常用图片格式）",
            Format::Heic => "HEIC（苹果手机照片格式）",
            Format::Heif => "HEIF（高效图片格式）",
            Format::Avif => "AVIF（新型网页图片格式）",
            Format::Tiff => "TIFF（扫描仪常用格式）",
            Format::Bmp => "BMP（未压缩位图）",
            Format::Pdf => "PDF 文档",
            Format::Unknown => "未知",
        }
    }

    /// File-name extensions that honestly describe this content.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Format::Jpeg => &["jpg", "jpeg", "jpe", "jfif"],
            Format::Png => &["png"],
            Format::Gif => &["gif"],
            Format::Webp => &["webp"],
            Format::Heic | Format::Heif => &["heic", "heif", "hif"],
            Format::Avif => &["avif"],
            Format::Tiff => &["tif", "tiff"],
            Format::Bmp => &["bmp", "dib"],
            Format::Pdf => &["pdf"],
            Format::Unknown => &[],
        }
    }

    /// Whether `image` (as built here) can decode it.
    pub fn decodable(self) -> bool {
        matches!(
            self,
            Format::Jpeg | Format::Png | Format::Webp | Format::Bmp
        )
    }

    /// Decoded here but not a format the notice takes: attached with a JPEG conversion beside
    /// the original (WebP from WeChat, BMP from old scanners and 画图).
    pub fn converted_to_jpeg(self) -> bool {
        matches!(self, Format::Webp | Format::Bmp)
    }

    /// How the clerk turns this into a JPG, in Chinese.
    pub fn conversion_advice(self) -> &'static str {
        match self {
            Format::Heic | Format::Heif => {
                "请在苹果手机“设置→相机→格式”中选“兼容性最佳”后重新拍摄，或用手机相册“存储为 JPG”、微信“原图”发送到电脑后另存，或在 Windows 上用“照片”应用打开后另存为 JPG。"
            }
            Format::Webp | Format::Avif => {
                "请用系统“画图”或浏览器打开后另存为 JPG，或用手机相册另存为 JPG（不要用截图代替原图）。"
            }
            Format::Tiff | Format::Bmp => {
                "请用系统“画图”打开后“另存为→JPEG 图片”，或在扫描软件中直接选择保存为 JPG。"
            }
            Format::Gif => "请用系统“画图”打开后“另存为→JPEG 图片”，或改用相机拍摄的原始照片。",
            Format::Pdf => "请用扫描软件直接保存为 JPG，或用 PDF 阅读器把该页导出为图片。",
            Format::Jpeg | Format::Png | Format::Unknown => "请选择 JPG 或 PNG 格式的图片。",
        }
    }
}

/// The format of `head` (the first [`SNIFF_LEN`] bytes or fewer).
pub fn sniff(head: &[u8]) -> Format {
    let starts = |m: &[u8]| head.len() >= m.len() && &head[..m.len()] == m;
    if starts(&[0xFF, 0xD8, 0xFF]) {
        Format::Jpeg
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        Format::Png
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Format::Gif
    } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Format::Webp
    } else if starts(b"II*\0") || starts(b"MM\0*") {
        Format::Tiff
    } else if starts(b"BM") && head.len() >= 18 && bmp_plausible(head) {
        Format::Bmp
    } else if starts(b"%PDF-") {
        Format::Pdf
    } else if head.len() >= 12 && &head[4..8] == b"ftyp" {
        ftyp_image_format(head)
    } else {
        Format::Unknown
    }
}

fn bmp_plausible(head: &[u8]) -> bool {
    let dib = u32::from_le_bytes([head[14], head[15], head[16], head[17]]);
    matches!(dib, 12 | 16 | 40 | 52 | 56 | 64 | 108 | 124)
}

/// HEIF family from the ftyp brands (major and compatible). A video ftyp is `Unknown` here.
fn ftyp_image_format(head: &[u8]) -> Format {
    let size = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
    let end = size.min(head.len());
    let mut brands: Vec<&[u8]> = vec![&head[8..12]];
    let mut i = 16;
    while i + 4 <= end {
        brands.push(&head[i..i + 4]);
        i += 4;
    }
    let has = |b: &[u8]| brands.contains(&b);
    let major = &head[8..12];
    if major == b"avif" || major == b"avis" {
        return Format::Avif;
    }
    if [&b"heic"[..], b"heix", b"heim", b"heis", b"hevc", b"hevx"].contains(&major) {
        return Format::Heic;
    }
    if major == b"mif1" || major == b"msf1" || has(b"mif1") {
        if has(b"avif") {
            return Format::Avif;
        }
        if has(b"heic") || has(b"heix") {
            return Format::Heic;
        }
        return Format::Heif;
    }
    Format::Unknown
}

/// What a non-image file looks like, in Chinese, for messages ("文本文件", "视频文件"…).
pub fn describe_unknown(head: &[u8]) -> &'static str {
    if head.is_empty() {
        return "空文件";
    }
    if head.len() >= 8 && &head[4..8] == b"ftyp" || head.starts_with(&[0, 0, 1, 0xBA]) {
        return "视频文件";
    }
    if head.starts_with(b"PK\x03\x04") {
        return "压缩包或 Word/Excel 文档";
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return "旧版 Word/Excel 文档";
    }
    if head.starts_with(b"Rar!") || head.starts_with(b"7z\xBC\xAF") {
        return "压缩包";
    }
    if head.starts_with(b"<") || head.starts_with(b"\xEF\xBB\xBF") || looks_like_text(head) {
        return "文本文件";
    }
    "无法识别的文件"
}

fn looks_like_text(head: &[u8]) -> bool {
    match std::str::from_utf8(head) {
        Ok(s) => s.chars().all(|c| !c.is_control() || c.is_whitespace()),
        // A multi-byte character cut at the end of the head is still text.
        Err(e) => e.error_len().is_none() && e.valid_up_to() + 4 > head.len(),
    }
}

/// What the header of an image says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImageHeader {
    /// 0 when the format carries no dimensions (PDF) or they were not found.
    pub width: u32,
    pub height: u32,
    /// EXIF orientation 1..=8 (1 = as stored).
    pub orientation: u8,
    /// `Some(false)` when the file ends before its end marker (JPEG EOI, PNG IEND);
    /// `None` when not checked for this format.
    pub complete: Option<bool>,
}

/// Why a header could not be read: a corrupt structure (Chinese detail) or an I/O failure.
#[derive(Debug)]
pub enum HeaderError {
    Corrupt(String),
    Io(io::Error),
}

impl From<io::Error> for HeaderError {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            HeaderError::Corrupt("文件在图片头信息处就结束了".into())
        } else {
            HeaderError::Io(e)
        }
    }
}

/// What [`read_file_header`] found.
#[derive(Debug)]
pub struct FileHeader {
    pub format: Format,
    /// The file's size in bytes.
    pub len: u64,
    /// Its first [`SNIFF_LEN`] bytes (fewer if shorter).
    pub head: Vec<u8>,
    /// The image header, or why it could not be read.
    pub header: Result<ImageHeader, HeaderError>,
}

/// Opens `path`, sniffs it and reads its header. `Err` only when the file cannot be opened or
/// read at all.
pub fn read_file_header(path: &Path) -> Result<FileHeader, io::Error> {
    let file = File::open(path)?;
    let len = file.metadata()?.len();
    let mut r = BufReader::with_capacity(64 * 1024, file);
    let mut head = vec![0u8; SNIFF_LEN.min(len as usize)];
    r.read_exact(&mut head)?;
    r.seek(SeekFrom::Start(0))?;
    let format = sniff(&head);
    let header = read_header(&mut r, format, len);
    Ok(FileHeader {
        format,
        len,
        head,
        header,
    })
}

/// Reads the header of an image of known `format` from `r` (positioned at 0, `len` bytes).
pub fn read_header<R: Read + Seek>(
    r: &mut R,
    format: Format,
    len: u64,
) -> Result<ImageHeader, HeaderError> {
    match format {
        Format::Jpeg => jpeg_header(r),
        Format::Png => png_header(r, len),
        Format::Pdf => Ok(ImageHeader {
            orientation: 1,
            ..Default::default()
        }),
        Format::Unknown => Err(HeaderError::Corrupt("不是图片".into())),
        _ => {
            let buf = ReadAt::new(&mut *r, len).read_at(0, PREFIX_LEN)?;
            let (width, height) = match format {
                Format::Gif => gif_dims(&buf),
                Format::Bmp => bmp_dims(&buf),
                Format::Webp => webp_dims(&buf),
                Format::Tiff => tiff_dims(&buf),
                _ => heif_dims(&buf),
            }
            .unwrap_or((0, 0));
            Ok(ImageHeader {
                width,
                height,
                orientation: 1,
                complete: None,
            })
        }
    }
}

/// JPEG: walk the marker segments (seeking past each) up to SOS, taking the frame size from SOF
/// and the orientation from an APP1 Exif segment; then stream the entropy-coded data looking for
/// EOI (FF D9 cannot occur inside it, FF is always stuffed), so a truncated file is caught even
/// when a motion-photo video or other trailer follows the image.
fn jpeg_header<R: Read + Seek>(r: &mut R) -> Result<ImageHeader, HeaderError> {
    let mut soi = [0u8; 2];
    r.read_exact(&mut soi)?;
    let mut h = ImageHeader {
        orientation: 1,
        ..Default::default()
    };
    let mut have_sof = false;
    loop {
        // Next marker: FF, optional fill FFs, then the code.
        let mut b = read_u8(r)?;
        if b != 0xFF {
            return Err(HeaderError::Corrupt(format!(
                "图片头信息损坏（第 {} 字节处应为标记）",
                r.stream_position()?.saturating_sub(1)
            )));
        }
        while b == 0xFF {
            b = read_u8(r)?;
        }
        let marker = b;
        match marker {
            0xD8 | 0x01 | 0xD0..=0xD7 => continue,
            0xD9 => {
                return Err(HeaderError::Corrupt(
                    "图片数据为空（没有图像扫描数据）".into(),
                ))
            }
            _ => {}
        }
        let seg_len = read_be16(r)? as i64;
        if seg_len < 2 {
            return Err(HeaderError::Corrupt("图片头信息损坏（段长度无效）".into()));
        }
        let body = seg_len - 2;
        match marker {
            0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                let mut sof = vec![0u8; body as usize];
                r.read_exact(&mut sof)?;
                h.height = be16(&sof, 1).ok_or_else(|| HeaderError::Corrupt("帧头过短".into()))?;
                h.width = be16(&sof, 3).ok_or_else(|| HeaderError::Corrupt("帧头过短".into()))?;
                have_sof = true;
            }
            0xE1 if body >= 6 => {
                let mut seg = vec![0u8; body as usize];
                r.read_exact(&mut seg)?;
                if seg.starts_with(b"Exif\0\0") && h.orientation == 1 {
                    if let Some(o) = image::metadata::Orientation::from_exif_chunk(&seg[6..]) {
                        h.orientation = o.to_exif();
                    }
                }
            }
            0xDA => {
                if !have_sof || h.width == 0 || h.height == 0 {
                    return Err(HeaderError::Corrupt("缺少图片尺寸信息".into()));
                }
                r.seek_relative(body)?;
                h.complete = Some(find_eoi(r)?);
                return Ok(h);
            }
            _ => r.seek_relative(body)?,
        }
    }
}

/// Streams `r` to its end looking for FF D9. Memory: one 64 KiB buffer.
fn find_eoi<R: Read>(r: &mut R) -> io::Result<bool> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut prev_ff = false;
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) => return Ok(false),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let chunk = &buf[..n];
        if prev_ff && chunk[0] == 0xD9 {
            return Ok(true);
        }
        if chunk.windows(2).any(|w| w == [0xFF, 0xD9]) {
            return Ok(true);
        }
        prev_ff = chunk[n - 1] == 0xFF;
    }
}

/// PNG: IHDR for the size, then chunk headers (seeking past the data) up to IEND; an eXIf chunk
/// gives the orientation.
fn png_header<R: Read + Seek>(r: &mut R, len: u64) -> Result<ImageHeader, HeaderError> {
    let mut sig_ihdr = [0u8; 8 + 8 + 13];
    r.read_exact(&mut sig_ihdr)?;
    if &sig_ihdr[12..16] != b"IHDR" {
        return Err(HeaderError::Corrupt("缺少 IHDR 头".into()));
    }
    let mut h = ImageHeader {
        width: be32(&sig_ihdr, 16).unwrap_or(0),
        height: be32(&sig_ihdr, 20).unwrap_or(0),
        orientation: 1,
        complete: Some(false),
    };
    if h.width == 0 || h.height == 0 {
        return Err(HeaderError::Corrupt("图片尺寸为 0".into()));
    }
    r.seek_relative(4)?; // IHDR CRC
    let mut pos: u64 = 8 + 8 + 13 + 4;
    loop {
        if pos + 8 > len {
            return Ok(h); // ends without IEND
        }
        let mut ch = [0u8; 8];
        if let Err(e) = r.read_exact(&mut ch) {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                return Ok(h);
            }
            return Err(e.into());
        }
        let clen = be32(&ch, 0).unwrap_or(0) as u64;
        if clen > (1u64 << 31) {
            return Err(HeaderError::Corrupt("数据块长度无效".into()));
        }
        let ctype = &ch[4..8];
        if ctype == b"IEND" {
            h.complete = Some(true);
            return Ok(h);
        }
        if ctype == b"eXIf" && clen <= 65536 {
            let mut exif = vec![0u8; clen as usize];
            if r.read_exact(&mut exif).is_err() {
                return Ok(h);
            }
            if let Some(o) = image::metadata::Orientation::from_exif_chunk(&exif) {
                h.orientation = o.to_exif();
            }
            r.seek_relative(4)?;
        } else {
            r.seek_relative(clen as i64 + 4)?;
        }
        pos += 8 + clen + 4;
    }
}

fn gif_dims(b: &[u8]) -> Option<(u32, u32)> {
    Some((le16(b, 6)?, le16(b, 8)?))
}

fn bmp_dims(b: &[u8]) -> Option<(u32, u32)> {
    let dib = le32(b, 14)?;
    if dib == 12 {
        Some((le16(b, 18)?, le16(b, 20)?))
    } else {
        let w = le32(b, 18)? as i32;
        let h = le32(b, 22)? as i32;
        Some((w.unsigned_abs(), h.unsigned_abs()))
    }
}

fn webp_dims(b: &[u8]) -> Option<(u32, u32)> {
    match b.get(12..16)? {
        b"VP8 " => {
            if b.get(23..26)? != [0x9d, 0x01, 0x2a] {
                return None;
            }
            Some((le16(b, 26)? & 0x3fff, le16(b, 28)? & 0x3fff))
        }
        b"VP8L" => {
            if *b.get(20)? != 0x2f {
                return None;
            }
            let (b1, b2, b3, b4) = (
                *b.get(21)? as u32,
                *b.get(22)? as u32,
                *b.get(23)? as u32,
                *b.get(24)? as u32,
            );
            let w = 1 + (b1 | ((b2 & 0x3f) << 8));
            let h = 1 + ((b2 >> 6) | (b3 << 2) | ((b4 & 0x0f) << 10));
            Some((w, h))
        }
        b"VP8X" => {
            let le24 = |i: usize| -> Option<u32> {
                let x = b.get(i..i + 3)?;
                Some(x[0] as u32 | (x[1] as u32) << 8 | (x[2] as u32) << 16)
            };
            let w = 1 + le24(24)?;
            let h = 1 + le24(27)?;
            Some((w, h))
        }
        _ => None,
    }
}

fn tiff_dims(b: &[u8]) -> Option<(u32, u32)> {
    let le = b.starts_with(b"II");
    let u16_at = |i| if le { le16(b, i) } else { be16(b, i) };
    let u32_at = |i| if le { le32(b, i) } else { be32(b, i) };
    let ifd = u32_at(4)? as usize;
    let n = u16_at(ifd)? as usize;
    let (mut w, mut h) = (0, 0);
    for k in 0..n.min(512) {
        let e = ifd + 2 + 12 * k;
        let tag = u16_at(e)?;
        let typ = u16_at(e + 2)?;
        let val = if typ == 3 {
            u16_at(e + 8)?
        } else {
            u32_at(e + 8)?
        };
        match tag {
            256 => w = val,
            257 => h = val,
            _ => {}
        }
    }
    (w > 0 && h > 0).then_some((w, h))
}

/// HEIF/AVIF: the largest `ispe` (image spatial extent) property in meta/iprp/ipco.
fn heif_dims(b: &[u8]) -> Option<(u32, u32)> {
    let meta = find_box(b, b"meta")?;
    let ipco = find_box(find_box(meta.get(4..)?, b"iprp")?, b"ipco")?;
    let mut best: Option<(u32, u32)> = None;
    let mut i = 0;
    while i + 8 <= ipco.len() {
        let size = be32(ipco, i)? as usize;
        if size < 8 || i + size > ipco.len() {
            break;
        }
        if &ipco[i + 4..i + 8] == b"ispe" {
            let w = be32(ipco, i + 12)?;
            let h = be32(ipco, i + 16)?;
            if best.is_none_or(|(bw, bh)| (w as u64 * h as u64) > (bw as u64 * bh as u64)) {
                best = Some((w, h));
            }
        }
        i += size;
    }
    best
}

/// The payload of the first box of type `typ` among the boxes laid end to end in `b`.
fn find_box<'a>(b: &'a [u8], typ: &[u8; 4]) -> Option<&'a [u8]> {
    let mut i = 0;
    while i + 8 <= b.len() {
        let size = be32(b, i)? as usize;
        let (hdr, size) = match size {
            0 => (8, b.len() - i),
            1 => (
                16,
                u64::from_be_bytes(b.get(i + 8..i + 16)?.try_into().ok()?) as usize,
            ),
            s => (8, s),
        };
        if size < hdr {
            return None;
        }
        if &b[i + 4..i + 8] == typ {
            return b.get(i + hdr..(i + size).min(b.len()));
        }
        i = i.checked_add(size)?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    #[test]
    fn magic_bytes() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Format::Jpeg);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Format::Png);
        assert_eq!(sniff(b"GIF89a\x01\x00"), Format::Gif);
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Format::Webp);
        assert_eq!(sniff(b"II*\0\x08\0\0\0"), Format::Tiff);
        assert_eq!(sniff(b"MM\0*\0\0\0\x08"), Format::Tiff);
        assert_eq!(sniff(b"%PDF-1.7\n"), Format::Pdf);
        assert_eq!(sniff(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"), Format::Heic);
        assert_eq!(sniff(b"\0\0\0\x18ftypmif1\0\0\0\0mif1heic"), Format::Heic);
        assert_eq!(sniff(b"\0\0\0\x14ftypmif1\0\0\0\0mif1"), Format::Heif);
        assert_eq!(
            sniff(b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf"),
            Format::Avif
        );
        assert_eq!(
            sniff(b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2"),
            Format::Unknown
        );
        let mut bmp = b"BM\0\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0".to_vec();
        bmp.extend_from_slice(&[0; 8]);
        assert_eq!(sniff(&bmp), Format::Bmp);
        assert_eq!(sniff(b"BMW is a car"), Format::Unknown);
        assert_eq!(sniff(b"hello"), Format::Unknown);
        assert_eq!(sniff(b""), Format::Unknown);
        assert_eq!(describe_unknown(b"hello, world\n"), "文本文件");
        assert_eq!(describe_unknown("这不是视频".as_bytes()), "文本文件");
        assert_eq!(describe_unknown(b"\0\0\0\x18ftypisom"), "视频文件");
        assert_eq!(describe_unknown(b""), "空文件");
    }

    #[test]
    fn small_format_headers() {
        let mut gif = b"GIF89a".to_vec();
        gif.extend_from_slice(&640u16.to_le_bytes());
        gif.extend_from_slice(&480u16.to_le_bytes());
        assert_eq!(gif_dims(&gif), Some((640, 480)));

        let mut vp8x = b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0".to_vec();
        vp8x.extend_from_slice(&[0x7f, 0x07, 0x00, 0x37, 0x04, 0x00]); // 1920-1, 1080-1
        assert_eq!(webp_dims(&vp8x), Some((1920, 1080)));

        // Little-endian TIFF with one IFD: width 3000 (LONG), height 2000 (SHORT).
        let mut tiff = b"II*\0\x08\0\0\0".to_vec();
        tiff.extend_from_slice(&2u16.to_le_bytes());
        tiff.extend_from_slice(&[0, 1, 4, 0, 1, 0, 0, 0]);
        tiff.extend_from_slice(&3000u32.to_le_bytes());
        tiff.extend_from_slice(&[1, 1, 3, 0, 1, 0, 0, 0]);
        tiff.extend_from_slice(&2000u32.to_le_bytes());
        assert_eq!(tiff_dims(&tiff), Some((3000, 2000)));

        let mut bmp = b"BM\0\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0".to_vec();
        bmp.extend_from_slice(&800i32.to_le_bytes());
        bmp.extend_from_slice(&(-600i32).to_le_bytes());
        assert_eq!(bmp_dims(&bmp), Some((800, 600)));
    }

    #[test]
    fn a_jpeg_without_eoi_is_incomplete_and_ff_d9_across_chunks_is_found() {
        let mut r = Cursor::new(vec![0x12, 0xFF]);
        assert!(!find_eoi(&mut r).unwrap());
        let mut data = vec![0u8; 64 * 1024 - 1];
        data.push(0xFF);
        data.push(0xD9);
        assert!(find_eoi(&mut Cursor::new(data)).unwrap());
    }
}
