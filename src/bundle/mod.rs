//! Bundles: cases carried between offices on a USB stick (`台江县_2024-05-10_12例.tianbao`).
//!
//! A bundle is a zip file (optionally encrypted as a whole with a passphrase, `age` scrypt):
//!
//! - `manifest.json` (the first entry): format and version, campaign year, exporting office and
//!   device, time, every case with its head revision, every other entry with its size and
//!   SHA-256 ([`Manifest`]);
//! - `revisions/<case id>.json`: the revisions the case's head needs (its whole ancestry, oldest
//!   first), each with its parents, office, device, time and the case as saved;
//! - `files/<sha256>`: each attached file the heads refer to, once, stored uncompressed.
//!   The video is never inside (it travels by 网盘 link).
//!
//! Reading ([`read::open`]) verifies everything before anything is written where it matters:
//! entry names, symlinks, duplicates, sizes and ratios (bombs), CRC and SHA-256 of every byte,
//! the manifest against the entries, the revisions against the manifest. AttachOutcome files are
//! staged in a work folder the caller owns while they are checked. Importing ([`import`]) then
//! stores them content-addressed and applies every case in one transaction.
//!
//! Sits above `store` (it reads and writes stores); nothing below imports it.

pub mod crypt;
pub mod format;
pub mod import;
pub mod read;
pub mod write;

pub use format::{Manifest, ManifestCase, ManifestEntry, FORMAT, VERSION};
pub use import::{
    apply, check, default_file_name, export, import, preview, ExportOptions, ExportReport, Import,
    ImportReport, Preview, PreviewCase,
};
pub use read::{open, Verified};

use crate::fsx::{FsError, IoKind};
use crate::store::StoreError;

/// Everything that can go wrong with a bundle. Each message names the file and what to do.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("“{file}”不是填报助手的案例包（不是 zip 文件，也不是加密的案例包）。请选择导出时得到的 .tianbao 文件。")]
    NotZip { file: String },
    #[error("“{file}”不完整（{detail}）：可能拷贝没有完成或 U 盘被拔出。请重新拷贝，或请对方重新导出；未做任何改动。")]
    Truncated { file: String, detail: String },
    #[error("“{file}”是 zip 文件，但不是填报助手的案例包（{detail}）。请选择导出时得到的 .tianbao 文件；未做任何改动。")]
    Unrelated { file: String, detail: String },
    #[error("“{file}”由更新版本的填报助手导出（格式版本 {found}，本程序只支持到 {supported}）。请先升级填报助手再导入；未做任何改动。")]
    FutureVersion {
        file: String,
        found: u32,
        supported: u32,
    },
    #[error("“{file}”中有不安全的条目“{name}”（{reason}），可能是被篡改的文件，已拒绝导入；未做任何改动。")]
    UnsafeEntry {
        file: String,
        name: String,
        reason: String,
    },
    #[error("“{file}”超出安全限制（{reason}），可能是恶意构造的文件，已拒绝导入；未做任何改动。")]
    TooLarge { file: String, reason: String },
    #[error(
        "“{file}”中的“{name}”已损坏（{reason}）。请重新拷贝，或请对方重新导出；未做任何改动。"
    )]
    Damaged {
        file: String,
        name: String,
        reason: String,
    },
    #[error("“{file}”的清单与内容不符（{reason}）。请请对方重新导出；未做任何改动。")]
    Manifest { file: String, reason: String },
    #[error("“{file}”已加密，需要口令才能打开。请输入导出时设置的口令。")]
    NeedPassphrase { file: String },
    #[error("口令不正确，无法打开“{file}”。请核对口令（区分大小写）后重试；未做任何改动。")]
    WrongPassphrase { file: String },
    #[error("加密的案例包“{file}”不完整或已损坏（{detail}）：可能拷贝没有完成或 U 盘被拔出。请重新拷贝；未做任何改动。")]
    EncryptedDamaged { file: String, detail: String },
    #[error(
        "“{file}”的加密强度设置超出本程序的上限，不是填报助手导出的加密案例包；未做任何改动。"
    )]
    ExcessiveWork { file: String },
    #[error("无法读取“{file}”：{reason}。请检查文件是否还在（U 盘是否已插好）后重试。")]
    Read { file: String, reason: String },
    #[error("磁盘空间已满，未能写出“{file}”；没有留下不完整的文件。请换一个有足够空间的 U 盘或文件夹后重试。")]
    DiskFull { file: String },
    #[error("无法写出“{file}”：{reason}；没有留下不完整的文件。请换一个位置（例如“文档”或另一个 U 盘）后重试。")]
    Write { file: String, reason: String },
    #[error("没有要导出的案例。请先在列表中选择案例，或选择“全部导出”。")]
    NothingToExport,
    #[error("口令不能为空；不想加密请不要设置口令。")]
    EmptyPassphrase,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Whether the file at `path` is a passphrase-protected bundle (the app asks for the passphrase
/// before the preview); an unreadable file gets the bundle's own message.
pub fn is_encrypted(path: &std::path::Path) -> Result<bool, BundleError> {
    crypt::is_encrypted(path).map_err(|e| BundleError::read(&shown(path), &e))
}

impl BundleError {
    pub(crate) fn read(file: &str, e: &std::io::Error) -> BundleError {
        let kind = crate::fsx::classify(e);
        BundleError::Read {
            file: file.to_string(),
            reason: if kind == IoKind::Other {
                format!("{}（{e}）", kind.reason())
            } else {
                kind.reason().to_string()
            },
        }
    }

    pub(crate) fn write(file: &str, e: FsError) -> BundleError {
        match e.kind {
            IoKind::DiskFull => BundleError::DiskFull {
                file: file.to_string(),
            },
            k => BundleError::Write {
                file: file.to_string(),
                reason: k.reason().to_string(),
            },
        }
    }
}

/// The file name shown in messages: its last component.
pub(crate) fn shown(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}
