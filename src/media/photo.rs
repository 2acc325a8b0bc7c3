//! `check_photo`: the notice's rules for the personal photo, an ID-card scan side and a picture
//! of the Word form, as Chinese issues; `attach`: copy into the blob store, check, thumbnail —
//! decoding once.

use super::blobs::BlobStore;
use super::imaging::{self, DecodeLimits};
use super::sniff::{self, Format, HeaderError};
use super::{
    file_name, human_size, read_error, rule_size, shown, MediaError, MediaIssue, Severity,
};
use crate::campaign::Campaign;
use crate::model::{Attachment, Converted};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// What an attached file is for (the personal photo, one side of the ID card, a picture of the
/// 推荐表): the rules differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// 个人形象照片 (大小不低于2M).
    Photo,
    /// 身份证扫描件, one side (image or PDF).
    IdScan,
    /// A picture printed in the 推荐表.
    Picture,
}

impl Purpose {
    /// "photo" | "id_scan" (also "id") | "picture".
    pub fn parse(s: &str) -> Option<Purpose> {
        match s {
            "photo" | "personal" => Some(Purpose::Photo),
            "id_scan" | "id" | "id-scan" => Some(Purpose::IdScan),
            "picture" | "pic" => Some(Purpose::Picture),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Purpose::Photo => "个人形象照片",
            Purpose::IdScan => "身份证扫描件",
            Purpose::Picture => "推荐表图片",
        }
    }
}

/// The result of [`check_photo`]. Serialised as the `--json` output and kept by the UI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhotoReport {
    /// The path as given.
    pub file: String,
    pub file_name: String,
    pub role: Purpose,
    pub bytes: u64,
    /// e.g. "1.4 MB".
    pub size: String,
    /// From the content, not the extension.
    pub format: Format,
    /// The file name's extension, lower case ("" if none).
    pub extension: String,
    /// As stored (before EXIF orientation); 0 when unknown (PDF).
    pub width: u32,
    pub height: u32,
    /// As displayed (EXIF orientation 5–8 swaps the sides).
    pub display_width: u32,
    pub display_height: u32,
    /// Width × height / 1e6, one decimal.
    pub megapixels: f64,
    /// EXIF orientation 1..=8.
    pub orientation: u8,
    /// `Some(false)`: the file stops before its end marker (truncated copy).
    pub complete: Option<bool>,
    pub issues: Vec<MediaIssue>,
    /// No issue of severity `error`.
    pub ok: bool,
}

impl PhotoReport {
    fn push(&mut self, issue: MediaIssue) {
        if issue.severity == Severity::Error {
            self.ok = false;
        }
        self.issues.push(issue);
    }

    /// True when the file can be decoded into pixels here (JPEG/PNG whose header is sound).
    pub fn decodable(&self) -> bool {
        self.format.decodable()
            && self.width > 0
            && !self.issues.iter().any(|i| {
                matches!(
                    i.code.as_str(),
                    "corrupt" | "too_large_dimensions" | "empty" | "not_image"
                )
            })
    }
}

/// Checks `path` against the campaign's rules for `role`. `Err` only when the file cannot be
/// read at all (gone, no permission); everything about the content is an issue in the report.
pub fn check_photo(
    path: &Path,
    role: Purpose,
    campaign: &Campaign,
) -> Result<PhotoReport, MediaError> {
    check_photo_named(path, path, role, campaign)
}

/// As [`check_photo`], reading `read_from` but naming `named` in the report and messages (used
/// when checking the stored copy of a file the clerk picked).
pub(crate) fn check_photo_named(
    read_from: &Path,
    named: &Path,
    role: Purpose,
    campaign: &Campaign,
) -> Result<PhotoReport, MediaError> {
    let limits = DecodeLimits::default();
    let sniff::FileHeader {
        format,
        len: bytes,
        head,
        header,
    } = sniff::read_file_header(read_from).map_err(|e| read_error(named, e))?;
    let name = file_name(named);
    let extension = named
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut r = PhotoReport {
        file: shown(named),
        file_name: name.clone(),
        role,
        bytes,
        size: human_size(bytes),
        format,
        extension: extension.clone(),
        width: 0,
        height: 0,
        display_width: 0,
        display_height: 0,
        megapixels: 0.0,
        orientation: 1,
        complete: None,
        issues: Vec::new(),
        ok: true,
    };

    if bytes == 0 {
        r.push(MediaIssue::error(
            "empty",
            format!("“{name}”是空文件（0 字节），可能没有复制成功。请重新选择原始文件。"),
        ));
        return Ok(r);
    }
    if format == Format::Unknown {
        r.push(MediaIssue::error(
            "not_image",
            format!(
                "“{name}”不是图片文件（内容看起来是{}）。{}",
                sniff::describe_unknown(&head),
                match role {
                    Purpose::IdScan => "请选择身份证扫描得到的 JPG、PNG 图片或 PDF 文件。",
                    _ => "请选择 JPG 或 PNG 格式的照片。",
                }
            ),
        ));
        return Ok(r);
    }

    // An extension that lies about the content; a format the role does not take.
    for issue in extension_issue(&name, &extension, format)
        .into_iter()
        .chain(format_issue(
            &name,
            role,
            format,
            campaign,
            format.converted_to_jpeg(),
        ))
    {
        r.push(issue);
    }

    // The header: size, orientation, completeness — or why it is broken.
    match header {
        Ok(h) => {
            r.width = h.width;
            r.height = h.height;
            r.orientation = h.orientation;
            r.complete = h.complete;
            let swap = (5..=8).contains(&h.orientation);
            (r.display_width, r.display_height) = if swap {
                (h.height, h.width)
            } else {
                (h.width, h.height)
            };
            r.megapixels = ((h.width as f64 * h.height as f64) / 100_000.0).round() / 10.0;
            if let Err(e) = limits.check(&name, h.width as u64, h.height as u64) {
                r.push(MediaIssue::error("too_large_dimensions", e.to_string()));
                return Ok(r);
            }
            if h.complete == Some(false) {
                r.push(MediaIssue::error(
                    "truncated",
                    format!("“{name}”不完整：文件在图片数据结束前就断了（常见于没有复制完、U盘拔出或下载中断）。请从原始设备重新复制。"),
                ));
            }
        }
        Err(HeaderError::Corrupt(detail)) => {
            r.push(MediaIssue::error(
                "corrupt",
                format!("“{name}”已损坏，无法读取（{detail}）。请从原始设备重新复制，或重新拍摄、扫描。"),
            ));
            return Ok(r);
        }
        Err(HeaderError::Io(e)) => return Err(read_error(named, e)),
    }

    for issue in size_issues(role, bytes, (r.display_width, r.display_height), campaign) {
        r.push(issue);
    }
    Ok(r)
}

/// The extension does not match the content.
fn extension_issue(name: &str, extension: &str, format: Format) -> Option<MediaIssue> {
    if format == Format::Unknown || format.extensions().contains(&extension) {
        return None;
    }
    let shown_ext = if extension.is_empty() {
        "（无扩展名）".to_string()
    } else {
        format!(".{extension}")
    };
    Some(MediaIssue::warning(
        "extension_mismatch",
        format!(
            "“{name}”的扩展名是 {shown_ext}，但内容实际是 {} 格式。建议把扩展名改为 .{}，以免对方打不开。",
            format.label(),
            format.extensions()[0]
        ),
    ))
}

/// The format is not one the role takes (`campaign.photo.formats`; PDF for ID scans; anything
/// decodable here for pictures).
fn format_issue(
    name: &str,
    role: Purpose,
    format: Format,
    campaign: &Campaign,
    converted: bool,
) -> Option<MediaIssue> {
    if converted && format.converted_to_jpeg() {
        return None; // a JPEG conversion is stored beside it (see `attach`)
    }
    let allowed = &campaign.photo.formats;
    let is_allowed = allowed.iter().any(|f| f == format.as_str());
    let allowed_text = allowed
        .iter()
        .map(|f| f.to_uppercase())
        .collect::<Vec<_>>()
        .join("、");
    match (role, format) {
        (_, Format::Unknown) | (Purpose::IdScan, Format::Pdf) => None,
        (Purpose::Photo | Purpose::Picture, Format::Pdf) => Some(MediaIssue::error(
            "format",
            format!(
                "“{name}”是 PDF 文档，不是照片。{}需要 {allowed_text} 图片。{}",
                role.label(),
                Format::Pdf.conversion_advice()
            ),
        )),
        (Purpose::Picture, f) if !f.decodable() => Some(MediaIssue::error(
            "format",
            format!(
                "“{name}”是 {} 格式，无法放入 Word 推荐表。{}",
                f.label(),
                f.conversion_advice()
            ),
        )),
        (_, f) if !(is_allowed || role == Purpose::Picture && f.decodable()) => {
            Some(MediaIssue::warning(
                "format",
                format!(
                    "“{name}”是 {} 格式，{}应为 {allowed_text} 格式，审核方电脑可能打不开。{}",
                    f.label(),
                    role.label(),
                    f.conversion_advice()
                ),
            ))
        }
        _ => None,
    }
}

/// The notice's size rules: the photo's bytes and pixels, the ID scan's short side. `display`
/// is (0, 0) when unknown.
fn size_issues(
    role: Purpose,
    bytes: u64,
    display: (u32, u32),
    campaign: &Campaign,
) -> Vec<MediaIssue> {
    let (w, h) = display;
    let mut out = Vec::new();
    match role {
        Purpose::Photo => {
            if bytes < campaign.photo.min_bytes {
                out.push(MediaIssue::warning(
                    "small_file",
                    format!(
                        "照片大小为 {}，通知要求大小不低于{}。请使用相机或手机拍摄的原图（不要用微信、QQ 传过的压缩图或截图）。",
                        human_size(bytes),
                        rule_size(campaign.photo.min_bytes)
                    ),
                ));
            }
            let pixels = w as u64 * h as u64;
            if w > 0 && pixels < campaign.photo.min_pixels {
                out.push(MediaIssue::warning(
                    "low_resolution",
                    format!(
                        "照片只有 {w}×{h}（约 {} 万像素），清晰度偏低，建议使用不低于约 {} 万像素的原图。",
                        pixels / 10_000,
                        campaign.photo.min_pixels / 10_000
                    ),
                ));
            }
        }
        Purpose::IdScan => {
            let short = w.min(h);
            let min = campaign.id_scan.min_short_side_px;
            if w > 0 && short < min {
                out.push(MediaIssue::warning(
                    "id_too_small",
                    format!(
                        "身份证扫描件只有 {w}×{h}（短边 {short} 像素，要求不低于 {min} 像素），可能看不清。请用扫描仪以 300 dpi 重新扫描，或用手机正对证件拍摄原图。"
                    ),
                ));
            }
        }
        Purpose::Picture => {}
    }
    out
}

/// The rules that can be checked from what a case keeps, without the file: extension, format,
/// size, pixels (for the case's validation; broken files are caught when attached).
pub fn attachment_issues(a: &Attachment, role: Purpose, campaign: &Campaign) -> Vec<MediaIssue> {
    let format = Format::parse(&a.format);
    let extension = Path::new(&a.file_name)
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut out: Vec<MediaIssue> = extension_issue(&a.file_name, &extension, format)
        .into_iter()
        .chain(format_issue(
            &a.file_name,
            role,
            format,
            campaign,
            a.converted.is_some(),
        ))
        .collect();
    if format == Format::Unknown {
        out.push(MediaIssue::error(
            "not_image",
            format!("“{}”不是图片文件，请重新选择。", a.file_name),
        ));
    }
    out.extend(size_issues(role, a.bytes, (a.width, a.height), campaign));
    out
}

/// The result of [`attach`]. Serialised (for the app) without the thumbnail's bytes, which the
/// UI fetches like any other thumbnail.
#[derive(Debug, Clone, Serialize)]
pub struct AttachOutcome {
    /// What the case keeps (sha256, name, size, format, size in pixels as displayed).
    pub attachment: Attachment,
    pub report: PhotoReport,
    /// JPEG thumbnail (orientation applied), `None` for PDFs and formats not decoded here.
    #[serde(skip)]
    pub thumbnail: Option<Vec<u8>>,
}

/// Attaches `src`: copies it byte-exact into `store` (once, however often attached), checks it
/// for `role`, and makes a thumbnail of at most `thumb_side` px — decoding the image once.
/// A file that cannot be decoded is still attached; the report says why.
pub fn attach(
    store: &BlobStore,
    src: &Path,
    role: Purpose,
    campaign: &Campaign,
    thumb_side: u32,
) -> Result<AttachOutcome, MediaError> {
    let mut attachment = store.put_file(src)?;
    let blob = store.blob_path(&attachment.sha256)?;
    let mut report = check_photo_named(&blob, src, role, campaign)?;
    let mut thumbnail = None;
    if report.decodable() {
        match imaging::thumbnail(&blob, thumb_side).map_err(|e| rename_in_error(e, &shown(src))) {
            Ok(jpeg) => thumbnail = Some(jpeg),
            Err(MediaError::Read { path, reason }) => {
                return Err(MediaError::Read { path, reason })
            }
            Err(e) => report.push(MediaIssue::error("corrupt", e.to_string())),
        }
    }
    // WebP / BMP: the original is kept byte-exact, a JPEG made from it is stored beside it.
    if report.ok && thumbnail.is_some() && report.format.converted_to_jpeg() {
        match imaging::convert_to_jpeg(&blob) {
            Ok(jpeg) => {
                let stem = Path::new(&attachment.file_name)
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let c = store.put_bytes(&jpeg, &format!("{stem}.jpg"))?;
                report.push(MediaIssue::warning(
                    "converted",
                    format!(
                        "“{}”是 {} 格式（通知要求 JPG 或 PNG），已另存一份 JPG（{}），报送和推荐表使用它；原文件原样保留。",
                        attachment.file_name,
                        report.format.label(),
                        human_size(c.bytes)
                    ),
                ));
                attachment.converted = Some(Converted {
                    sha256: c.sha256,
                    bytes: c.bytes,
                    format: "jpeg".into(),
                });
            }
            Err(e) => report.push(MediaIssue::error("corrupt", e.to_string())),
        }
    }
    attachment.width = report.display_width;
    attachment.height = report.display_height;
    Ok(AttachOutcome {
        attachment,
        report,
        thumbnail,
    })
}

fn rename_in_error(e: MediaError, name: &str) -> MediaError {
    match e {
        MediaError::Corrupt { detail, .. } => MediaError::Corrupt {
            path: name.into(),
            detail,
        },
        MediaError::TooLarge {
            width,
            height,
            limit,
            ..
        } => MediaError::TooLarge {
            path: name.into(),
            width,
            height,
            limit,
        },
        MediaError::Read { reason, .. } => MediaError::Read {
            path: name.into(),
            reason,
        },
        other => other,
    }
}
