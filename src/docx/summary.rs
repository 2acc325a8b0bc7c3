//! The 省级汇总表 (附件2) as a .docx, for printing and stamping: "附件2", the title, one table
//! 序号 | 姓名 | 所在地区 | 从事直播领域 | 联系方式 | 省级意见（是否同意） with exactly as many
//! numbered rows as the campaign says (blank rows when fewer cases), the header row repeated on
//! every printed page, then "省级推荐单位（盖章）：" and "年 月 日". A4 portrait, the fonts and
//! page of the 推荐表; valid OOXML through the same [`super::fixup`].

use super::fixup::{self, Properties};
use super::layout::{
    add_text, official_page, official_table, page_footer, para, text_para, Look, FANGSONG,
    FONT_DECLS, HEI, LABEL, LINE_TEXT,
};
use super::{DocxError, APPLICATION};
use crate::campaign::Campaign;
use docx_rs::*;
use serde::{Deserialize, Serialize};

/// The column headings of the 汇总表, as printed.
pub const SUMMARY_COLUMNS: [&str; 6] = [
    "序号",
    "姓名",
    "所在地区",
    "从事直播领域",
    "联系方式",
    "省级意见（是否同意）",
];
/// Printed under the table, for the stamp.
pub const SUMMARY_SIGNATURE: &str = "省级推荐单位（盖章）：";
/// Printed under the signature line, for the date written by hand.
pub const SUMMARY_DATE: &str = "年　　月　　日";

/// One case as listed in the 汇总表.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SummaryRow {
    pub name: String,
    /// 所在地区 in full (省 市 县 乡 村 in one line).
    pub region: String,
    pub field: String,
    pub phone: String,
    /// 同意 / 不同意.
    pub opinion: String,
}

/// The widths of the six columns in twips; they sum to the text width of the page. 所在地区
/// holds 13 字 of 五号 per line (a full region takes two lines), 从事直播领域 6 字, 联系方式 a
/// landline with its area code, 省级意见 "（是否同意）" on its second line.
const COLS: [usize; 6] = [600, 1150, 2880, 1450, 1800, 1418];
/// Left and right padding inside the cells (0.1 cm).
const PAD: usize = 57;
/// 五号 in the table, so that a full 所在地区 takes two lines at most.
const SZ_CELL: usize = 21;
/// Exact line pitch in the table (13 pt): 20 rows of two lines, the title and the signature
/// fit one A4 page.
const LINE_CELL: i32 = 260;
/// Rows at least 0.8 cm high.
const ROW_MIN: f32 = 454.0;
/// Top and bottom margins (2 cm) of the 汇总表, tighter than the 推荐表's.
const MARGIN_TB: i32 = 1134;

fn cell_look() -> Look {
    Look {
        font: FANGSONG,
        size: SZ_CELL,
        bold: false,
        color: None,
    }
}

fn cell(col: usize, text: &str, look: Look, align: AlignmentType) -> TableCell {
    TableCell::new()
        .width(COLS[col], WidthType::Dxa)
        .vertical_align(VAlignType::Center)
        .add_paragraph(add_text(para(align, LINE_CELL, look), text.trim(), look))
}

/// The 汇总表 as the bytes of a .docx. `rows` beyond the campaign's row count are refused by the
/// caller (the quota); here they would simply be listed.
pub fn summary_docx(
    unit: &str,
    rows: &[SummaryRow],
    campaign: &Campaign,
) -> Result<Vec<u8>, DocxError> {
    let head_look = Look {
        font: HEI,
        size: SZ_CELL,
        bold: false,
        color: None,
    };
    let header = TableRow::new(
        SUMMARY_COLUMNS
            .iter()
            .enumerate()
            .map(|(i, h)| {
                // "省级意见（是否同意）" breaks before its parenthesis.
                let label = h.replacen('（', "\n（", usize::from(i == 5));
                cell(i, &label, head_look, AlignmentType::Center)
            })
            .collect(),
    )
    .row_height(ROW_MIN)
    .height_rule(HeightRule::AtLeast)
    .cant_split();
    let mut table_rows = vec![header];
    let n = campaign.summary_rows.max(rows.len());
    for i in 0..n {
        let r = rows.get(i).cloned().unwrap_or_default();
        let look = cell_look();
        use AlignmentType::{Center, Left};
        let cells = vec![
            cell(0, &(i + 1).to_string(), look, Center),
            cell(1, &r.name, look, Center),
            cell(2, &r.region, look, Left),
            cell(3, &r.field, look, Center),
            cell(4, &r.phone, look, Center),
            cell(5, &r.opinion, look, Center),
        ];
        table_rows.push(
            TableRow::new(cells)
                .row_height(ROW_MIN)
                .height_rule(HeightRule::AtLeast)
                .cant_split(),
        );
    }
    let table = official_table(table_rows, COLS.to_vec(), PAD);
    let blank = || para(AlignmentType::Left, LINE_TEXT, LABEL);
    let right =
        |t: &str| text_para(AlignmentType::Right, t, LABEL).indent(None, None, Some(960), None);
    let mut docx = official_page(
        MARGIN_TB,
        MARGIN_TB,
        SZ_CELL,
        &campaign.summary_label,
        &campaign.summary_title,
    )
    .add_table(table)
    .add_paragraph(blank().keep_next(true))
    .add_paragraph(
        text_para(AlignmentType::Left, SUMMARY_SIGNATURE, LABEL)
            .indent(Some(4200), None, None, None)
            .keep_next(true),
    )
    .add_paragraph(right(SUMMARY_DATE))
    .footer(page_footer());
    docx.document = docx
        .document
        .doc_grid(DocGrid::with_empty().grid_type(DocGridType::Default));
    let mut parts = fixup::parts_of(docx.build());
    let internal = |detail: String| DocxError::Internal {
        case: campaign.summary_title.clone(),
        detail,
    };
    fixup::repeat_header_rows(&mut parts, 1).map_err(internal)?;
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let props = Properties {
        title: format!("{}（{unit}）", campaign.summary_title),
        subject: campaign.activity_name.clone(),
        creator: unit.to_string(),
        keywords: campaign.activity_name.clone(),
        description: String::new(),
        created: now.clone(),
        modified: now,
        application: APPLICATION.to_string(),
        fonts: FONT_DECLS.to_vec(),
        custom: Vec::new(),
    };
    fixup::fixup(parts, &props).map_err(internal)
}

#[cfg(test)]
mod tests {
    use super::super::layout::{MARGIN_SIDE, PAGE_W};
    use super::*;

    #[test]
    fn columns_fill_the_text_width() {
        assert_eq!(
            COLS.iter().sum::<usize>() as i32,
            PAGE_W as i32 - 2 * MARGIN_SIDE
        );
    }
}
