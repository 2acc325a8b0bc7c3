//! The CLI's errors: each one Chinese sentence on stderr (exit code 2).

use tianbao::docx::DocxError;
use tianbao::fsx::FsError;
use tianbao::media::MediaError;
use tianbao::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Media(#[from] MediaError),
    #[error(transparent)]
    Docx(#[from] DocxError),
    #[error("无法读取“{path}”：{detail}")]
    Read { path: String, detail: String },
    #[error("无法写入“{path}”：{detail}")]
    Write { path: String, detail: String },
    #[error("“{path}”不是有效的案例 JSON：{detail}。格式见 docs/CASE-JSON.md。")]
    BadJson { path: String, detail: String },
    #[error("没有编号以“{0}”开头的案例。用 `tianbao cases list` 查看所有案例的编号。")]
    NoSuchCase(String),
    #[error("编号“{0}”对应多个案例，请多写几位。")]
    Ambiguous(String),
    #[error(transparent)]
    Library(#[from] tianbao::library::LibraryError),
    #[error(transparent)]
    Summary(#[from] tianbao::summary::SummaryError),
    #[error(transparent)]
    Package(#[from] tianbao::package::PackageError),
    #[error(transparent)]
    Bundle(#[from] tianbao::bundle::BundleError),
    #[error("{0}")]
    Other(String),
}

impl From<FsError> for CliError {
    fn from(e: FsError) -> CliError {
        use tianbao::fsx::IoKind::*;
        let advice = match e.kind {
            DiskFull => "请清理磁盘空间，或换一个位置保存",
            ReadOnly | PermissionDenied => "这个位置只读或没有写入权限，请换一个文件夹",
            InUse => "请先在其他程序中关闭这个文件",
            NotFound | NotADirectory => "请确认文件夹存在，或先创建它",
            IsADirectory | AlreadyExists => "请换一个文件名",
            Other => "请检查保存位置后重试",
        };
        CliError::Write {
            path: e.path.display().to_string(),
            // The system's own (English) text only where the kind says nothing more.
            detail: if e.kind == Other {
                format!("{}（{}）。{advice}", e.kind.reason(), e.source)
            } else {
                format!("{}。{advice}", e.kind.reason())
            },
        }
    }
}
