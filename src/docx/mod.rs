//! The Word 推荐表 (附件1) of one case, as a .docx: laid out as the official attachment
//! (`docs/FORM.md`), valid OOXML (0 errors from `openxml-audit`), ready to print, sign and
//! stamp.
//!
//! - [`build_docx`] lays the form out with docx-rs ([`layout`]) and then repairs what docx-rs
//!   0.4.22 gets wrong in one place ([`fixup`]): element order, compression, JPEG media,
//!   content types, document properties, font table.
//! - [`write_docx_atomic`] saves the bytes through a temp file in the target folder, fsync and
//!   rename, so a half-written .docx is never left behind.
//! - [`docx_file_name`] names the file of one case in a batch, e.g. `01_李明_推荐表.docx`.
//! - [`write_case_docx`] and [`write_batch`] build and save one case, or many into a folder
//!   with progress and cancelling between files (what the app's 生成推荐表 runs).
//!
//! Pictures come in ready to embed ([`PrintPicture`]: print-size JPEG bytes, orientation
//! applied); decoding, EXIF and resizing belong to the media pipeline, stored pictures to the
//! attachment library ([`case_docx`] takes them from a [`Library`]).

mod batch;
mod fixup;
mod layout;
mod pictures;
pub mod read;
mod summary;
mod write;
mod xml;

pub use batch::{write_batch, write_case_docx, BatchOutcome, Failed, Progress, Written};
pub use layout::{picture_box_px, PRINT_DPI, PRINT_JPEG_QUALITY};
pub use pictures::{prepare_pictures, print_picture, with_pictures_prepared_ahead};
pub use read::{read_docx, read_docx_bytes, DocxRead, EmbeddedPicture, ReadError, ReadReport};
pub use summary::{summary_docx, SummaryRow, SUMMARY_COLUMNS, SUMMARY_DATE, SUMMARY_SIGNATURE};
pub use write::write_docx_atomic;

use crate::campaign::Campaign;
use crate::media::Library;
use crate::model::{Case, Status};

/// A picture ready to embed: print-size JPEG bytes (EXIF orientation already applied) and the
/// caption printed under it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PrintPicture {
    pub jpeg: Vec<u8>,
    pub width_px: u32,
    pub height_px: u32,
    pub caption: String,
}

/// Why a 推荐表 could not be built or saved. Every message is Chinese, names the file (or the
/// case or picture) and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    #[error(
        "第 {index} 张图片（{caption}）无法放入推荐表：{reason}。请在“图片”中重新选择这张图片。"
    )]
    Picture {
        index: usize,
        caption: String,
        reason: String,
    },
    #[error("保存位置 {dir} 不存在，无法保存 {file}。请先创建这个文件夹，或另选保存位置。")]
    FolderMissing { dir: String, file: String },
    #[error("{dir} 不是文件夹，无法在其中保存 {file}。请另选保存位置。")]
    NotAFolder { dir: String, file: String },
    #[error("文件夹 {dir} 是只读的或没有写入权限，无法保存 {file}。请换一个文件夹（例如“文档”或桌面）再保存。")]
    ReadOnly { dir: String, file: String },
    #[error("磁盘空间不足，无法在 {dir} 中保存 {file}。请清理磁盘空间，或换一个位置（如另一个磁盘或U盘）保存。")]
    DiskFull { dir: String, file: String },
    #[error("无法覆盖 {file}：这个文件可能正在 Word 或 WPS 中打开。请先关闭它，再重新生成。")]
    InUse { file: String },
    #[error("{file} 是一个文件夹，不能作为推荐表的文件名。请另选文件名。")]
    IsAFolder { file: String },
    #[error("保存 {file} 失败：{source}。请检查保存位置后重试。")]
    Write {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Media(#[from] crate::media::MediaError),
    #[error("生成“{case}”的推荐表时程序内部出错：{detail}。请把这条信息告知技术支持。")]
    Internal { case: String, detail: String },
}

/// The 推荐表 of `case`, its pictures taken from the attachment library (print-size versions
/// kept there).
pub fn case_docx(library: &Library, case: &Case) -> Result<Vec<u8>, DocxError> {
    let pictures = if case.media.pictures.is_empty() {
        Vec::new()
    } else {
        prepare_pictures(case, library)?
    };
    build_docx(case, library.campaign(), &pictures)
}

/// Builds the 推荐表 of `case` as the bytes of a .docx file.
///
/// `pictures` are printed, in order, after section 四 with their captions. A case whose status
/// is not Ready is marked 草稿 in the page header of every page.
pub fn build_docx(
    case: &Case,
    campaign: &Campaign,
    pictures: &[PrintPicture],
) -> Result<Vec<u8>, DocxError> {
    let pics = pictures
        .iter()
        .enumerate()
        .map(|(i, p)| layout::checked_picture(i + 1, p))
        .collect::<Result<Vec<_>, _>>()?;
    let internal = |detail: String| DocxError::Internal {
        case: case.label(),
        detail,
    };
    let doc = layout::form(case, campaign, &pics);
    let parts = fixup::parts_of(doc.build());
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let draft = case.status != Status::Ready;
    let props = fixup::Properties {
        title: if draft {
            format!(
                "{}（{}）",
                layout::document_title(case, campaign),
                DRAFT_WORD
            )
        } else {
            layout::document_title(case, campaign)
        },
        subject: campaign.form_title.clone(),
        creator: case.recommender.unit.trim().to_string(),
        keywords: if draft {
            format!("{}；{}", campaign.activity_name, DRAFT_WORD)
        } else {
            campaign.activity_name.clone()
        },
        description: if draft {
            DRAFT_MARK.to_string()
        } else {
            String::new()
        },
        created: now.clone(),
        modified: now,
        application: APPLICATION.to_string(),
        fonts: layout::FONT_DECLS.to_vec(),
        custom: vec![
            (read::PROP_CASE_ID.to_string(), case.id.to_string()),
            (
                read::PROP_HINTS.to_string(),
                serde_json::to_string(&read::Hints::of(
                    case,
                    &pics.iter().map(|p| p.jpeg.as_slice()).collect::<Vec<_>>(),
                ))
                .map_err(|e| internal(e.to_string()))?,
            ),
        ],
    };
    fixup::fixup(parts, &props).map_err(internal)
}

/// The word that marks an unfinished case.
pub const DRAFT_WORD: &str = "草稿";
/// The header printed on every page of a case not marked 完成.
pub const DRAFT_MARK: &str = "草稿 — 未标记完成，请勿盖章";
/// Written as the producing application in the document properties.
pub const APPLICATION: &str = "案例填报助手";

/// The file name of a case's 推荐表 in a batch: `01_李明_推荐表.docx`. `index` is the 1-based
/// number shown in lists (two digits at least); the case's label (姓名, else 案例名称, else
/// 未命名案例) is cleaned of characters Windows forbids in file names and kept short.
pub fn docx_file_name(index: usize, case: &Case) -> String {
    format!(
        "{index:02}_{}_推荐表.docx",
        safe_file_part(&case.label(), 40)
    )
}

/// Makes `s` usable inside a file name on Windows, macOS and Linux: forbidden characters
/// (`\ / : * ? " < > |`, controls) become `_`, whitespace runs one space, no leading or
/// trailing dots or spaces, at most `max_chars` characters.
pub(crate) fn safe_file_part(s: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut last_space = false;
    for c in s.chars() {
        let c = match c {
            '\\' | '/' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_whitespace() => ' ',
            c if c.is_control() => '_',
            c => c,
        };
        if c == ' ' {
            if last_space {
                continue;
            }
            last_space = true;
        } else {
            last_space = false;
        }
        out.push(c);
    }
    let trimmed: String = out
        .trim_matches([' ', '.'])
        .chars()
        .take(max_chars)
        .collect();
    let trimmed = trimmed.trim_end_matches([' ', '.']).to_string();
    if trimmed.is_empty() {
        "未命名案例".to_string()
    } else {
        trimmed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_parts_are_safe() {
        assert_eq!(safe_file_part("李明", 40), "李明");
        assert_eq!(safe_file_part("阿依古丽·买买提", 40), "阿依古丽·买买提");
        assert_eq!(
            safe_file_part(" a/b:c*d?\"e<f>g|h\u{7} ", 40),
            "a_b_c_d__e_f_g_h_"
        );
        assert_eq!(safe_file_part("...", 40), "未命名案例");
        assert_eq!(safe_file_part("王  五\t六.", 40), "王 五 六");
        assert_eq!(safe_file_part(&"长".repeat(100), 40).chars().count(), 40);
    }
}
