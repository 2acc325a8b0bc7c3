//! Media: the personal photo, the ID-card scan, the pictures of the Word form and the video.
//!
//! - [`sniff`]: the real format from magic bytes, header dimensions and EXIF orientation read
//!   without decoding (bounded time and memory, so a decompression bomb is refused before any
//!   pixel is allocated).
//! - [`photo`]: `check_photo` — the notice's rules for a photo / ID scan / picture, as Chinese
//!   issues.
//! - [`imaging`]: decode once with EXIF orientation applied, downscale with `fast_image_resize`,
//!   encode JPEG (thumbnails for the editor, print-size pictures for the .docx).
//! - [`blobs`]: the app's own content-addressed copy of every attached file.
//! - [`library`]: the attached files of one database — copies, thumbnails, print-size
//!   versions — without the database: attach, thumbnail, fitted JPEG, free unused files.
//! - [`video`]: the video's container headers (ISO BMFF mp4/mov, MPEG-PS/ES mpg) read without
//!   reading the file, a verdict per rule.
//! - [`netdisk`]: the 百度网盘 share link and 提取码 (format only).
//! - [`bytes`]: the bounded binary reading `sniff` and `video` share.
//!
//! Every limit of the notice comes from [`crate::campaign::Campaign`]; the only numbers here are
//! safety limits (how large an image we agree to decode, how much of a header we read).

pub mod blobs;
pub mod bytes;
pub mod imaging;
pub mod library;
pub mod netdisk;
pub mod photo;
pub mod sniff;
pub mod video;

use crate::fsx::{self, IoKind};
use serde::{Deserialize, Serialize};
use std::io;
use std::path::Path;

pub use blobs::BlobStore;
pub use imaging::{
    decode_oriented, fit_jpeg, fit_rgb, load_fitted, load_oriented, picture_jpeg, thumbnail,
    DecodeLimits,
};
pub use library::{FittedJpeg, Library, THUMBNAIL_SIDE};
pub use netdisk::{check_netdisk, parse_netdisk_share};
pub use photo::{attach, attachment_issues, check_photo, AttachOutcome, PhotoReport, Purpose};
pub use sniff::Format;
pub use video::{check_video, Verdict, VideoReport};

/// Everything that can stop a media operation. Messages are Chinese, name the file and say
/// what to do; they are shown to the clerk as they are.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("找不到文件“{path}”：文件可能已被移动、删除，或U盘已拔出。请插好U盘或重新选择文件。")]
    SourceGone { path: String },
    #[error("读取文件“{path}”时出错（{reason}）。请确认文件还在、U盘没有拔出，然后重试。")]
    Read { path: String, reason: String },
    #[error("磁盘空间不足，无法保存“{path}”。请清理磁盘空间后重试。")]
    DiskFull { path: String },
    #[error("文件夹“{dir}”不可写（只读或没有权限），无法保存“{path}”。请把数据文件夹放在可写的位置，或联系管理员。")]
    ReadOnly { dir: String, path: String },
    #[error("保存“{path}”时写入出错（{reason}）。请检查磁盘后重试。")]
    Write { path: String, reason: String },
    #[error("“{path}”不是能打开的图片（{detail}）。请选择 JPG 或 PNG 格式的图片。")]
    NotAnImage { path: String, detail: String },
    #[error("“{path}”是 {format} 格式，本程序无法直接使用。{advice}")]
    Unsupported {
        path: String,
        format: String,
        advice: String,
    },
    #[error("图片“{path}”已损坏或不完整（{detail}）。请从原始设备重新复制，或重新拍摄、扫描。")]
    Corrupt { path: String, detail: String },
    #[error("图片“{path}”声明的尺寸为 {width}×{height}，超过可处理的上限（{limit}），为防止程序卡死已拒绝打开。请换用正常的照片。")]
    TooLarge {
        path: String,
        width: u64,
        height: u64,
        limit: String,
    },
    #[error("生成 JPEG 图片失败（{detail}）。")]
    Encode { detail: String },
    #[error("“{sha}”不是有效的文件编号（应为 64 位十六进制 SHA-256）。")]
    BadSha { sha: String },
}

pub use crate::issue::Severity;

/// One finding about a file, shown beside the attachment and in the case's validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaIssue {
    pub severity: Severity,
    /// Stable machine code, e.g. `small_file`, `low_resolution`, `format`, `truncated`.
    pub code: String,
    /// Chinese, for the clerk.
    pub message: String,
}

impl MediaIssue {
    pub fn error(code: &str, message: impl Into<String>) -> MediaIssue {
        MediaIssue {
            severity: Severity::Error,
            code: code.to_string(),
            message: message.into(),
        }
    }
    pub fn warning(code: &str, message: impl Into<String>) -> MediaIssue {
        MediaIssue {
            severity: Severity::Warning,
            code: code.to_string(),
            message: message.into(),
        }
    }
}

const KIB: u64 = 1024;
const MIB: u64 = 1024 * 1024;
const GIB: u64 = 1024 * 1024 * 1024;

/// A size for the clerk: "512 KB", "1.4 MB", "1.02 GB" (binary units, as Windows shows them, so
/// a file shown as "1.9 MB" is indeed under a "2M" rule of 2 MiB).
pub fn human_size(bytes: u64) -> String {
    if bytes < KIB {
        format!("{bytes} 字节")
    } else if bytes < MIB {
        format!("{:.0} KB", bytes as f64 / KIB as f64)
    } else if bytes < GIB {
        // Floor to one decimal so 2 097 151 bytes never shows as "2.0 MB".
        format!(
            "{:.1} MB",
            (bytes as f64 / MIB as f64 * 10.0).floor() / 10.0
        )
    } else {
        format!(
            "{:.2} GB",
            (bytes as f64 / GIB as f64 * 100.0).floor() / 100.0
        )
    }
}

/// A limit in the notice's own words: 2 MiB → "2M", 1 GiB → "1GB", otherwise a human size.
pub fn rule_size(bytes: u64) -> String {
    if bytes >= GIB && bytes.is_multiple_of(GIB) {
        format!("{}GB", bytes / GIB)
    } else if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{}M", bytes / MIB)
    } else {
        human_size(bytes)
    }
}

/// The name to show for a path: the path as given (the clerk recognises "E:\照片\李明.jpg").
pub(crate) fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// The file name part, for messages that are already about one file.
pub(crate) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// A Chinese reason for an I/O error.
pub(crate) fn io_reason(e: &io::Error) -> String {
    match fsx::classify(e) {
        IoKind::Other if e.kind() == io::ErrorKind::UnexpectedEof => "文件在读取中途结束".into(),
        IoKind::Other => format!("系统错误：{e}"),
        IoKind::NotFound => "文件不存在".into(),
        k => k.reason().into(),
    }
}

/// Maps an error met while reading the clerk's file.
pub(crate) fn read_error(path: &Path, e: io::Error) -> MediaError {
    if e.kind() == io::ErrorKind::NotFound {
        MediaError::SourceGone { path: shown(path) }
    } else {
        MediaError::Read {
            path: shown(path),
            reason: io_reason(&e),
        }
    }
}

/// Maps an error met while writing into `dir` on behalf of the clerk's file `what`.
pub(crate) fn write_error(dir: &Path, what: &str, e: io::Error) -> MediaError {
    match fsx::classify(&e) {
        IoKind::DiskFull => MediaError::DiskFull {
            path: what.to_string(),
        },
        IoKind::ReadOnly | IoKind::PermissionDenied => MediaError::ReadOnly {
            dir: shown(dir),
            path: what.to_string(),
        },
        _ => MediaError::Write {
            path: what.to_string(),
            reason: io_reason(&e),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_windows_and_never_round_up_past_a_rule() {
        assert_eq!(human_size(500), "500 字节");
        assert_eq!(human_size(512 * 1024), "512 KB");
        assert_eq!(human_size(1_520_435), "1.4 MB");
        assert_eq!(human_size(2 * MIB - 1), "1.9 MB");
        assert_eq!(human_size(2 * MIB), "2.0 MB");
        assert_eq!(human_size(GIB * 11 / 10 + 1024), "1.10 GB");
        assert_eq!(rule_size(2 * MIB), "2M");
        assert_eq!(rule_size(GIB), "1GB");
        assert_eq!(rule_size(1_500_000), "1.4 MB");
    }

    #[test]
    fn write_errors_are_classified_in_chinese() {
        let dir = Path::new("/data/blobs");
        let full = write_error(dir, "照片.jpg", io::Error::from(io::ErrorKind::StorageFull));
        assert!(matches!(full, MediaError::DiskFull { .. }));
        assert!(full.to_string().contains("磁盘空间不足") && full.to_string().contains("照片.jpg"));
        let ro = write_error(
            dir,
            "照片.jpg",
            io::Error::from(io::ErrorKind::ReadOnlyFilesystem),
        );
        assert!(matches!(ro, MediaError::ReadOnly { .. }));
        let denied = write_error(
            dir,
            "照片.jpg",
            io::Error::from(io::ErrorKind::PermissionDenied),
        );
        assert!(denied.to_string().contains("不可写"), "{denied}");
        #[cfg(unix)]
        {
            let enospc = write_error(dir, "a.jpg", io::Error::from_raw_os_error(28));
            assert!(matches!(enospc, MediaError::DiskFull { .. }));
            let erofs = write_error(dir, "a.jpg", io::Error::from_raw_os_error(30));
            assert!(matches!(erofs, MediaError::ReadOnly { .. }));
        }
        let gone = read_error(
            Path::new("E:/照片/李明.jpg"),
            io::Error::from(io::ErrorKind::NotFound),
        );
        assert!(gone.to_string().contains("U盘") && gone.to_string().contains("李明.jpg"));
    }
}
