//! The 省级汇总表 (附件2): the cases a province submits, as `.xlsx` (for the e-mail; written with
//! rust_xlsxwriter in normal mode — shared strings, which WPS reads, not inline strings) and as
//! `.docx` (for printing and stamping; [`crate::docx::summary_docx`]).
//!
//! Both have "附件2", the title, the columns 序号 | 姓名 | 所在地区 | 从事直播领域 | 联系方式 |
//! 省级意见（是否同意）, exactly the campaign's number of numbered rows (blank ones when fewer
//! cases), then "省级推荐单位（盖章）：" and "年 月 日". The xlsx is A4 portrait, fitted to one page
//! wide, its header row repeated on every printed page, column widths set for Chinese text (which
//! autofit measures too narrow), 省级意见 a dropdown of 同意 / 不同意, and 宋体 declared with the
//! GB2312 charset.

use crate::campaign::Campaign;
use crate::docx::{summary_docx, write_docx_atomic, DocxError};
pub use crate::docx::{SummaryRow, SUMMARY_COLUMNS, SUMMARY_DATE, SUMMARY_SIGNATURE};
use crate::model::Case;
use rust_xlsxwriter::{
    DataValidation, DocProperties, Format, FormatAlign, FormatBorder, Workbook, XlsxError,
};
use std::path::Path;

/// 省级意见: the two values of the dropdown.
pub const OPINIONS: [&str; 2] = ["同意", "不同意"];

#[derive(Debug, thiserror::Error)]
pub enum SummaryError {
    #[error("同意推荐的案例有 {count} 个，超过每个单位 {quota} 个的名额。请把多出的 {over} 个改为“不同意”后再生成汇总表。")]
    OverQuota {
        count: usize,
        quota: usize,
        over: usize,
    },
    #[error("汇总表的文件名要以 .xlsx 或 .docx 结尾（现在是“{0}”）。")]
    Extension(String),
    #[error("生成 Excel 汇总表时出错：{0}。请把这条信息告知技术支持。")]
    Xlsx(String),
    #[error(transparent)]
    Docx(#[from] DocxError),
}

impl From<XlsxError> for SummaryError {
    fn from(e: XlsxError) -> Self {
        SummaryError::Xlsx(e.to_string())
    }
}

/// The row of a case in the 汇总表.
pub fn row_of(case: &Case, opinion: &str) -> SummaryRow {
    SummaryRow {
        name: case.person.name.trim().to_string(),
        region: case.region.one_line(),
        field: case.business.field.trim().to_string(),
        phone: case.person.phone.trim().to_string(),
        opinion: opinion.to_string(),
    }
}

/// Refuses more rows than the quota.
pub fn check_quota(rows: &[SummaryRow], campaign: &Campaign) -> Result<(), SummaryError> {
    let quota = campaign.quota_per_unit as usize;
    if rows.len() > quota {
        return Err(SummaryError::OverQuota {
            count: rows.len(),
            quota,
            over: rows.len() - quota,
        });
    }
    Ok(())
}

/// Column widths in Excel's character units (one CJK character of 宋体 11 pt ≈ 2 units).
const WIDTHS: [f64; 6] = [6.0, 16.0, 46.0, 16.0, 15.0, 20.0];
/// 宋体: the font every cell is declared in; charset 134 = GB2312.
const FONT: &str = "宋体";
const CHARSET_GB2312: u8 = 134;

fn base() -> Format {
    Format::new()
        .set_font_name(FONT)
        .set_font_charset(CHARSET_GB2312)
        .set_font_family(3)
        .set_font_size(11)
}

/// The 汇总表 as the bytes of an .xlsx file.
pub fn summary_xlsx(
    unit: &str,
    rows: &[SummaryRow],
    campaign: &Campaign,
) -> Result<Vec<u8>, SummaryError> {
    check_quota(rows, campaign)?;
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("{}（{unit}）", campaign.summary_title))
            .set_subject(&campaign.activity_name)
            .set_author(unit)
            .set_company(unit),
    );
    let ws = wb.add_worksheet();
    ws.set_name(&campaign.summary_title)?;
    let label = base()
        .set_font_name("黑体")
        .set_font_size(16)
        .set_align(FormatAlign::Left);
    let title = base()
        .set_font_size(18)
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let border = |f: Format| f.set_border(FormatBorder::Thin).set_text_wrap();
    let head = border(
        base()
            .set_bold()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter),
    );
    let center = border(
        base()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter),
    );
    let left = border(
        base()
            .set_align(FormatAlign::Left)
            .set_align(FormatAlign::VerticalCenter),
    );
    // Phone numbers stay text (never 1.38E+10).
    let phone = center.clone().set_num_format("@");
    let plain = base();
    let right = base().set_align(FormatAlign::Right);

    for (c, w) in WIDTHS.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.write_string_with_format(0, 0, &campaign.summary_label, &label)?;
    ws.set_row_height(1, 36)?;
    ws.merge_range(0 + 1, 0, 1, 5, &campaign.summary_title, &title)?;
    let header_row = 2u32;
    ws.set_row_height(header_row, 30)?;
    for (c, h) in SUMMARY_COLUMNS.iter().enumerate() {
        ws.write_string_with_format(header_row, c as u16, *h, &head)?;
    }
    let n = (campaign.summary_rows as usize).max(rows.len());
    for i in 0..n {
        let r = header_row + 1 + i as u32;
        let row = rows.get(i).cloned().unwrap_or_default();
        ws.set_row_height(r, 28)?;
        ws.write_number_with_format(r, 0, (i + 1) as f64, &center)?;
        ws.write_string_with_format(r, 1, &row.name, &center)?;
        ws.write_string_with_format(r, 2, &row.region, &left)?;
        ws.write_string_with_format(r, 3, &row.field, &center)?;
        ws.write_string_with_format(r, 4, &row.phone, &phone)?;
        ws.write_string_with_format(r, 5, &row.opinion, &center)?;
    }
    let last = header_row + n as u32;
    let dv = DataValidation::new()
        .allow_list_strings(&OPINIONS)?
        .set_error_title("省级意见")?
        .set_error_message("请从下拉列表中选择“同意”或“不同意”。")?;
    ws.add_data_validation(header_row + 1, 5, last, 5, &dv)?;
    let sig = last + 2;
    ws.write_string_with_format(sig, 3, SUMMARY_SIGNATURE, &plain)?;
    ws.write_string_with_format(sig + 2, 5, SUMMARY_DATE, &right)?;
    // Printing: A4 portrait, one page wide, the header row on every page, centred.
    ws.set_paper_size(9);
    ws.set_portrait();
    ws.set_margins(0.6, 0.6, 0.75, 0.75, 0.3, 0.3);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_repeat_rows(header_row, header_row)?;
    ws.set_print_area(0, 0, sig + 2, 5)?;
    ws.set_footer("&C第 &P 页 共 &N 页");
    Ok(wb.save_to_buffer()?)
}

/// Writes the 汇总表 to `path`, as .xlsx or .docx by its extension (atomically: a half-written
/// file is never left). Returns the bytes written.
pub fn write_summary(
    path: &Path,
    unit: &str,
    rows: &[SummaryRow],
    campaign: &Campaign,
) -> Result<u64, SummaryError> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let bytes = match ext.as_str() {
        "xlsx" => summary_xlsx(unit, rows, campaign)?,
        "docx" => {
            check_quota(rows, campaign)?;
            summary_docx(unit, rows, campaign)?
        }
        _ => return Err(SummaryError::Extension(path.display().to_string())),
    };
    write_docx_atomic(&bytes, path)?;
    Ok(bytes.len() as u64)
}

/// The file name of the 汇总表 of a unit: `附件2_省级汇总表_贵州省.xlsx`.
pub fn summary_file_name(unit: &str, campaign: &Campaign, ext: &str) -> String {
    let unit = crate::docx::safe_file_part(unit, 40);
    format!(
        "{}_{}_{unit}.{ext}",
        campaign.summary_label, campaign.summary_title
    )
}
