//! The layout of 附件1 with docx-rs: page, fonts, sizes, the 8-column table and its merges.
//!
//! Everything printed from the campaign (titles, year, section headings, limit labels) comes
//! from [`Campaign`]; everything printed from the case's text sections comes from
//! [`sections::paragraphs`], the same paragraphs the 字数 limits are checked on.
//!
//! Units: sizes in half-points (小四 12 pt = 24), lengths in twips (1/20 pt, 1440 per inch),
//! pictures in EMU (914 400 per inch, 635 per twip).

use super::fixup::FontDecl;
use super::{DocxError, PrintPicture, DRAFT_MARK};
use crate::campaign::{Campaign, SectionRule};
use crate::model::{Case, Status};
use crate::sections::{self, Paragraph as Printed, SectionKey};
use docx_rs::*;

// ---- fonts ---------------------------------------------------------------------------------

/// Latin letters and digits.
pub(crate) const LATIN: &str = "Times New Roman";
/// Table labels.
pub(crate) const SONG: &str = "宋体";
/// Body text and values.
pub(crate) const FANGSONG: &str = "仿宋_GB2312";
/// Section headings, "附件1".
pub(crate) const HEI: &str = "黑体";
/// The form title and the activity name in the 案例简介 cell.
pub(crate) const TITLE_FONT: &str = "方正小标宋简体";

/// The fonts the document uses, declared in word/fontTable.xml with the names Word falls
/// back to when a font is not installed (仿宋_GB2312 → 仿宋, 方正小标宋简体 → 宋体).
pub(crate) const FONT_DECLS: [FontDecl; 5] = [
    FontDecl {
        name: LATIN,
        alt: None,
        charset: "00",
        family: "roman",
        panose: "02020603050405020304",
    },
    FontDecl {
        name: SONG,
        alt: Some("SimSun"),
        charset: "86",
        family: "auto",
        panose: "02010600030101010101",
    },
    FontDecl {
        name: HEI,
        alt: Some("SimHei"),
        charset: "86",
        family: "modern",
        panose: "02010609060101010101",
    },
    FontDecl {
        name: FANGSONG,
        alt: Some("仿宋"),
        charset: "86",
        family: "modern",
        panose: "02010609030101010101",
    },
    FontDecl {
        name: TITLE_FONT,
        alt: Some("宋体"),
        charset: "86",
        family: "script",
        panose: "02010601030101010101",
    },
];

// ---- sizes (half-points) -------------------------------------------------------------------

/// 小二 18 pt: the form title.
pub(crate) const SZ_TITLE: usize = 36;
/// 三号 16 pt: "附件1".
pub(crate) const SZ_LABEL_ATTACHMENT: usize = 32;
/// 小三 15 pt: the activity name heading the 案例简介 cell.
const SZ_ACTIVITY: usize = 30;
/// 小四 12 pt: table labels, values, headings and body text.
pub(crate) const SZ_TEXT: usize = 24;
/// 五号 10.5 pt: captions, header, footer.
pub(crate) const SZ_SMALL: usize = 21;

// ---- lengths (twips) -----------------------------------------------------------------------

pub(crate) const PAGE_W: u32 = 11906; // A4 210 mm
pub(crate) const PAGE_H: u32 = 16838; // A4 297 mm
pub(crate) const MARGIN_TOP: i32 = 1440; // 2.54 cm
pub(crate) const MARGIN_BOTTOM: i32 = 1440;
pub(crate) const MARGIN_SIDE: i32 = 1304; // 2.3 cm
pub(crate) const MARGIN_HEADER: i32 = 851; // 1.5 cm
pub(crate) const MARGIN_FOOTER: i32 = 851;
/// Left and right padding inside every cell.
pub(crate) const CELL_PAD: usize = 100;
/// The logical 8-column grid of the rows below the first; sums to the text width (A4 minus
/// 2 × 2.3 cm). The first column holds 6 字 of 小四 per line (so "推荐单位意见" is one line),
/// the text column 31 字.
const GRID: [usize; 8] = [1656, 1000, 740, 1604, 1420, 920, 740, 1218];
const TABLE_W: usize = 9298;
/// The first row's eight cells (姓名 | name | 出生年月 | birth | 民族 | 民族 value | 政治面貌 |
/// value), independent of the grid below: 2-字 and 4-字 labels on one line, and at 小四 a
/// name of 6 字 (其其格·巴音), "1990年12月", a 民族 of 5 字 (柯尔克孜族) and a 政治面貌 of 6 字
/// (中共预备党员) each on one line. Longer values shrink a step (五号, then 小五); a 政治面貌
/// longer still (中国国民党革命委员会会员) wraps into two even lines.
const FIRST_ROW: [usize; 8] = [580, 1678, 1060, 1520, 580, 1290, 1060, 1530];
/// Left and right padding of the first row's cells.
const FIRST_PAD: usize = 40;
/// Exact line pitch of table and body text: 20 pt for 小四.
pub(crate) const LINE_TEXT: i32 = 400;
pub(crate) const LINE_TITLE: i32 = 600;
pub(crate) const LINE_ATTACHMENT: i32 = 560;
const LINE_SMALL: i32 = 300;
/// First-line indent of 2 字 at 小四: 2 × 12 pt × 20.
const INDENT_2: i32 = 2 * (SZ_TEXT as i32 / 2) * 20;
/// Minimum height of the rows of the upper table (1 cm).
const ROW_MIN: f32 = 567.0;
/// Table border: single, 0.75 pt.
pub(crate) const BORDER_SZ: usize = 6;

/// Print resolution the pictures are prepared for.
pub const PRINT_DPI: u32 = 150;
/// JPEG quality for the print-size pictures (visually lossless on paper, ~100–200 KB each).
pub const PRINT_JPEG_QUALITY: u8 = 85;
/// The box a picture is printed in: 12 cm × 8.5 cm (a 4:3 photo 11.3 × 8.5 cm), so that two
/// pictures with captions, or one picture and a long opinion, share a page.
const PIC_MAX_W: u32 = 6803;
const PIC_MAX_H: u32 = 4819;
const EMU_PER_TWIP: u64 = 635;

/// The largest size in pixels a picture needs at [`PRINT_DPI`] to fill its printed box;
/// the media pipeline downscales to fit within it (keeping the aspect ratio).
pub fn picture_box_px() -> (u32, u32) {
    let px = |tw: u32| (tw as u64 * PRINT_DPI as u64 / 1440) as u32;
    (px(PIC_MAX_W), px(PIC_MAX_H))
}

// ---- pictures ------------------------------------------------------------------------------

/// A picture checked for embedding: JPEG bytes and their real pixel size.
pub(crate) struct CheckedPicture {
    pub jpeg: Vec<u8>,
    pub w: u32,
    pub h: u32,
    pub caption: String,
}

/// Checks that a picture is a complete JPEG and reads its size from the frame header (the
/// size given by the caller is only a fallback: the bytes are the truth).
pub(crate) fn checked_picture(index: usize, p: &PrintPicture) -> Result<CheckedPicture, DocxError> {
    let err = |reason: &str| DocxError::Picture {
        index,
        caption: if p.caption.trim().is_empty() {
            "无图注".into()
        } else {
            p.caption.trim().to_string()
        },
        reason: reason.to_string(),
    };
    if p.jpeg.len() < 4 || p.jpeg[..3] != [0xFF, 0xD8, 0xFF] {
        return Err(err("不是 JPEG 图片数据"));
    }
    if p.jpeg[p.jpeg.len() - 2..] != [0xFF, 0xD9] {
        return Err(err("JPEG 数据不完整（文件被截断）"));
    }
    let (w, h) = match jpeg_size(&p.jpeg) {
        Some((w, h)) if w > 0 && h > 0 => (w, h),
        _ if p.width_px > 0 && p.height_px > 0 => (p.width_px, p.height_px),
        _ => return Err(err("读不出图片的宽和高")),
    };
    Ok(CheckedPicture {
        jpeg: p.jpeg.clone(),
        w,
        h,
        caption: p.caption.trim().to_string(),
    })
}

/// Width and height from a JPEG's SOFn marker.
pub(crate) fn jpeg_size(b: &[u8]) -> Option<(u32, u32)> {
    let mut i = 2;
    while i + 4 <= b.len() {
        if b[i] != 0xFF {
            return None;
        }
        let m = b[i + 1];
        if m == 0xFF {
            i += 1;
            continue;
        }
        if m == 0xD8 || m == 0x01 || (0xD0..=0xD7).contains(&m) {
            i += 2;
            continue;
        }
        let len = u16::from_be_bytes([b[i + 2], b[i + 3]]) as usize;
        let is_sof = matches!(m, 0xC0..=0xCF) && !matches!(m, 0xC4 | 0xC8 | 0xCC);
        if is_sof {
            if i + 9 > b.len() {
                return None;
            }
            let h = u16::from_be_bytes([b[i + 5], b[i + 6]]) as u32;
            let w = u16::from_be_bytes([b[i + 7], b[i + 8]]) as u32;
            return Some((w, h));
        }
        if m == 0xDA {
            return None;
        }
        i += 2 + len;
    }
    None
}

/// The printed size in EMU: fit the box, never larger than the picture at 96 dpi.
fn picture_emu(w: u32, h: u32) -> (u32, u32) {
    let box_w = PIC_MAX_W as f64 * EMU_PER_TWIP as f64;
    let box_h = PIC_MAX_H as f64 * EMU_PER_TWIP as f64;
    let natural = 9525.0; // EMU per pixel at 96 dpi
    let (w, h) = (w as f64, h as f64);
    let scale = (box_w / w).min(box_h / h).min(natural);
    ((w * scale).round() as u32, (h * scale).round() as u32)
}

// ---- text helpers --------------------------------------------------------------------------

/// Fonts of a run: Latin in Times New Roman, Chinese in `east`.
pub(crate) fn fonts(east: &str) -> RunFonts {
    RunFonts::new()
        .ascii(LATIN)
        .hi_ansi(LATIN)
        .east_asia(east)
        .cs(LATIN)
        .hint("eastAsia")
}

/// How a piece of text is printed.
#[derive(Clone, Copy)]
pub(crate) struct Look {
    pub font: &'static str,
    pub size: usize,
    pub bold: bool,
    pub color: Option<&'static str>,
}

pub(crate) const LABEL: Look = Look {
    font: SONG,
    size: SZ_TEXT,
    bold: false,
    color: None,
};
pub(crate) const VALUE: Look = Look {
    font: FANGSONG,
    size: SZ_TEXT,
    bold: false,
    color: None,
};
const BODY: Look = VALUE;
const LEAD: Look = Look { bold: true, ..BODY };
const HEADING: Look = Look { font: HEI, ..BODY };
const SMALL: Look = Look {
    size: SZ_SMALL,
    ..BODY
};

/// Drops characters XML 1.0 cannot carry (the case is scrubbed on save; this is the last guard).
fn xml_safe(s: &str) -> String {
    s.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
        })
        .collect()
}

fn run(text: &str, look: Look) -> Run {
    let mut r = Run::new()
        .add_text(text)
        .fonts(fonts(look.font))
        .size(look.size);
    if look.bold {
        r = r.bold();
    }
    if let Some(c) = look.color {
        r = r.color(c);
    }
    r
}

/// An empty run in `look` (for a break or a tab), bold when the look is, so that a bold lead
/// stays one bold stretch when read back.
fn bare_run(look: Look) -> Run {
    let r = Run::new().fonts(fonts(look.font)).size(look.size);
    if look.bold {
        r.bold()
    } else {
        r
    }
}

/// Adds `text` as runs: line breaks become `<w:br/>`, tabs `<w:tab/>`.
pub(crate) fn add_text(mut p: Paragraph, text: &str, look: Look) -> Paragraph {
    let text = xml_safe(text);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            p = p.add_run(bare_run(look).add_break(BreakType::TextWrapping));
        }
        for (j, piece) in line.split('\t').enumerate() {
            if j > 0 {
                p = p.add_run(bare_run(look).add_tab());
            }
            if !piece.is_empty() {
                p = p.add_run(run(piece, look));
            }
        }
    }
    p
}

/// A paragraph with exact line spacing, no spacing before/after, and the paragraph mark in
/// the given look (so empty paragraphs have the same height).
pub(crate) fn para(align: AlignmentType, line: i32, look: Look) -> Paragraph {
    Paragraph::new()
        .align(align)
        .line_spacing(
            LineSpacing::new()
                .line_rule(LineSpacingType::Exact)
                .line(line)
                .before(0)
                .after(0),
        )
        .widow_control(true)
        .fonts(fonts(look.font))
        .size(look.size)
}

/// A body paragraph: justified, first line indented 2 字.
fn body_para(look: Look) -> Paragraph {
    para(AlignmentType::Both, LINE_TEXT, look).indent(
        None,
        Some(SpecialIndentType::FirstLine(INDENT_2)),
        None,
        None,
    )
}

pub(crate) fn text_para(align: AlignmentType, text: &str, look: Look) -> Paragraph {
    add_text(para(align, LINE_TEXT, look), text, look)
}

// ---- table helpers -------------------------------------------------------------------------

fn span_width(from: usize, span: usize) -> usize {
    GRID[from..from + span].iter().sum()
}

/// The x positions (twips from the table's left edge) where a cell of some row ends: the first
/// row's eight cells, and the logical columns the other rows use (label | value | label |
/// value, or label | text).
fn boundaries() -> Vec<usize> {
    let mut b: Vec<usize> = FIRST_ROW
        .iter()
        .scan(0, |x, w| {
            *x += w;
            Some(*x)
        })
        .collect();
    for (from, span) in [(0, 1), (1, 3), (4, 1), (5, 3)] {
        b.push(span_width(0, from) + span_width(from, span));
    }
    b.sort_unstable();
    b.dedup();
    b
}

/// The table's grid: one column between each pair of neighbouring boundaries.
fn physical_grid() -> Vec<usize> {
    let mut x = 0;
    boundaries()
        .into_iter()
        .map(|b| {
            let w = b - x;
            x = b;
            w
        })
        .collect()
}

/// A cell from x0 to x1 (twips), spanning the grid columns between them.
fn cell_x(x0: usize, x1: usize) -> TableCell {
    let span = boundaries().iter().filter(|&&b| b > x0 && b <= x1).count();
    let mut c = TableCell::new()
        .width(x1 - x0, WidthType::Dxa)
        .vertical_align(VAlignType::Center);
    if span > 1 {
        c = c.grid_span(span);
    }
    c
}

/// A cell over logical columns `from .. from + span` of [`GRID`].
fn cell(from: usize, span: usize) -> TableCell {
    let x0 = span_width(0, from);
    cell_x(x0, x0 + span_width(from, span))
}

/// A label cell: 宋体 小四, centered; `\n` in the label marks where it wraps.
fn label_cell(from: usize, label: &str) -> TableCell {
    cell(from, 1).add_paragraph(text_para(AlignmentType::Center, label, LABEL))
}

fn value_cell(from: usize, span: usize, value: &str, align: AlignmentType) -> TableCell {
    cell(from, span).add_paragraph(text_para(align, value.trim(), VALUE))
}

/// A cell of the upper table: a label, or a value spanning grid columns.
enum Item<'a> {
    Label(usize, &'a str),
    Value(usize, usize, String, AlignmentType),
}

/// Estimated printed lines of `text` in a cell starting at grid column `from`, `span` wide.
fn lines_in(from: usize, span: usize, text: &str) -> usize {
    let per = ((span_width(from, span) - 2 * CELL_PAD) / (SZ_TEXT * 10)).max(1);
    text.split('\n')
        .map(|l| l.chars().count().div_ceil(per).max(1))
        .sum()
}

/// A row of the upper table: at least 1 cm high, kept on one page unless a value is so long
/// (a paste gone wrong) that an unsplittable row could not fit a page and would be clipped.
fn row(items: Vec<Item>) -> TableRow {
    let mut lines = 1;
    let cells = items
        .into_iter()
        .map(|it| match it {
            Item::Label(from, l) => label_cell(from, l),
            Item::Value(from, span, v, align) => {
                lines = lines.max(lines_in(from, span, v.trim()));
                value_cell(from, span, &v, align)
            }
        })
        .collect();
    let r = TableRow::new(cells)
        .row_height(ROW_MIN)
        .height_rule(HeightRule::AtLeast);
    if lines <= KEEP_WHOLE_MAX_LINES {
        r.cant_split()
    } else {
        r
    }
}

/// Printed width of `text` in em (字): CJK and other wide characters 1, ASCII ½, plus the ¼ em
/// Word and LibreOffice put between Chinese and Latin letters or digits ("1990 年 5 月").
pub(crate) fn width_em(text: &str) -> f32 {
    let mut w = 0.0;
    let mut prev: Option<bool> = None;
    for c in text.chars() {
        let latin = c.is_ascii_alphanumeric();
        let wide = !c.is_ascii();
        w += if wide { 1.0 } else { 0.5 };
        if let Some(p) = prev {
            if (p && wide) || (!p && latin) {
                w += 0.25;
            }
        }
        prev = if latin {
            Some(true)
        } else if wide {
            Some(false)
        } else {
            None
        };
    }
    w
}

/// Font sizes a first-row value may shrink to: 小四, 五号, 小五 (half-points).
const FIRST_ROW_SIZES: [usize; 3] = [SZ_TEXT, 21, 18];

/// How a first-row value is printed: its lines and font size.
#[derive(Debug, PartialEq)]
pub(crate) struct Fitted {
    pub lines: Vec<String>,
    pub size: usize,
}

/// Fits `value` into a first-row cell `width` twips wide: one line at the largest size that
/// holds it; a 政治面貌 (`may_wrap`) that needs more than one line at 小四 is split into two
/// even lines instead, shrinking only if even that does not fit.
pub(crate) fn fit_first_row(value: &str, width: usize, may_wrap: bool) -> Fitted {
    let value = value.trim();
    let room = (width - 2 * FIRST_PAD) as f32;
    let fits = |t: &str, size: usize| width_em(t) * size as f32 * 10.0 <= room;
    if fits(value, SZ_TEXT) || value.is_empty() {
        return Fitted {
            lines: vec![value.to_string()],
            size: SZ_TEXT,
        };
    }
    let chars: Vec<char> = value.chars().collect();
    let halves = || {
        let mid = chars.len().div_ceil(2);
        vec![
            chars[..mid].iter().collect::<String>(),
            chars[mid..].iter().collect::<String>(),
        ]
    };
    for size in FIRST_ROW_SIZES {
        if may_wrap && !value.contains('\n') {
            let two = halves();
            if two.iter().all(|l| fits(l, size)) {
                return Fitted { lines: two, size };
            }
        } else if fits(value, size) {
            return Fitted {
                lines: vec![value.to_string()],
                size,
            };
        }
    }
    Fitted {
        lines: if may_wrap {
            halves()
        } else {
            vec![value.to_string()]
        },
        size: FIRST_ROW_SIZES[FIRST_ROW_SIZES.len() - 1],
    }
}

/// The first row: 姓名 | name | 出生年月 | birth | 民族 | value | 政治面貌 | value, on the
/// first row's own widths, labels on one line, values fitted ([`fit_first_row`]).
fn first_row(case: &Case) -> TableRow {
    let p = &case.person;
    let birth = birth(case);
    let items: [(&str, bool); 8] = [
        ("姓名", true),
        (&p.name, false),
        ("出生年月", true),
        (&birth, false),
        ("民族", true),
        (&p.ethnicity, false),
        ("政治面貌", true),
        (&p.political_status, false),
    ];
    let mut x = 0;
    let cells = items
        .iter()
        .zip(FIRST_ROW)
        .enumerate()
        .map(|(i, ((text, is_label), w))| {
            let mut c = cell_x(x, x + w);
            x += w;
            c.property = c
                .property
                .margin_left(FIRST_PAD, WidthType::Dxa)
                .margin_right(FIRST_PAD, WidthType::Dxa);
            if *is_label {
                return c.add_paragraph(text_para(AlignmentType::Center, text, LABEL));
            }
            let fitted = fit_first_row(text, w, i == 7);
            let look = Look {
                size: fitted.size,
                ..VALUE
            };
            c.add_paragraph(text_para(
                AlignmentType::Center,
                &fitted.lines.join("\n"),
                look,
            ))
        })
        .collect();
    let r = TableRow::new(cells)
        .row_height(ROW_MIN)
        .height_rule(HeightRule::AtLeast);
    // Kept on one page unless a paste gone wrong makes it too tall for one.
    let lines = items
        .iter()
        .zip(FIRST_ROW)
        .map(|((t, _), w)| {
            let per = ((w - 2 * FIRST_PAD) as f32 / (18.0 * 10.0)).max(1.0);
            (width_em(t) / per).ceil() as usize
        })
        .max()
        .unwrap_or(1);
    if lines <= KEEP_WHOLE_MAX_LINES {
        r.cant_split()
    } else {
        r
    }
}

fn nil(pos: TableCellBorderPosition) -> TableCellBorder {
    TableCellBorder::new(pos).border_type(BorderType::Nil)
}

// ---- values as printed ---------------------------------------------------------------------

/// 出生年月 as printed: "1990年5月" (a leading zero of the month dropped).
pub(crate) fn birth(case: &Case) -> String {
    let y = case.person.birth_year.trim();
    let m = case.person.birth_month.trim();
    let m = m.trim_start_matches('0');
    match (y.is_empty(), m.is_empty()) {
        (false, false) => format!("{y}年{m}月"),
        (false, true) => format!("{y}年"),
        (true, false) => format!("{m}月"),
        (true, true) => String::new(),
    }
}

/// 所在地区 as printed: one line, "贵州省黔东南苗族侗族自治州台江县施洞镇偏寨村"; when nothing is
/// filled in, the form's own pattern with blanks to write in by hand.
pub(crate) fn region(case: &Case) -> String {
    let line = case.region.one_line();
    if line.is_empty() {
        "　　　　省（区）　　　　市　　　　县　　　　乡（镇）　　　　村".to_string()
    } else {
        line
    }
}

/// 直播平台 as printed: "抖音、快手"; 其他 replaced by the name typed for it.
pub(crate) fn platforms(case: &Case) -> String {
    let other = case.business.platform_other.trim();
    case.business
        .platforms
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .map(|p| {
            if p == "其他" && !other.is_empty() {
                other
            } else {
                p
            }
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// The document title in the file's properties: "…推荐表 — 李明".
pub(crate) fn document_title(case: &Case, campaign: &Campaign) -> String {
    format!("{} — {}", campaign.form_title, case.label())
}

// ---- the form ------------------------------------------------------------------------------

/// The printed heading of a section: heading + limit label, e.g. "一、案例内容简介（不超过 400 字）".
fn heading_para(rule: &SectionRule) -> Paragraph {
    let p = body_para(HEADING).keep_next(true).keep_lines(true);
    let p = add_text(p, &rule.heading, HEADING);
    add_text(p, &rule.limit_label, HEADING)
}

fn printed_para(pp: &Printed) -> Paragraph {
    let mut p = body_para(BODY);
    if !pp.lead.is_empty() {
        p = add_text(p, &pp.lead, LEAD);
    }
    add_text(p, &pp.text, BODY)
}

/// Characters per printed line in the text column, for estimating row heights.
fn chars_per_line() -> usize {
    (GRID[1..].iter().sum::<usize>() - 2 * CELL_PAD) / (SZ_TEXT * 10)
}

/// One row of a merged block (案例简介 or 推荐单位意见): its paragraphs in the text column, and
/// whether the row is kept whole on one page.
struct BlockRow {
    paras: Vec<Paragraph>,
    cant_split: bool,
}

/// Rows that must not be separated from what follows them (a heading and its first paragraph,
/// the last opinion paragraph and the signature) share one unsplittable row, as long as that
/// row is at most this many lines: moving it to the next page then leaves at most about 60 %
/// of a page blank. Longer rows may split (both Word and LibreOffice ignore keep-with-next between
/// paragraphs of one cell, so an unsplittable row is the only keep that works in both).
const KEEP_WHOLE_MAX_LINES: usize = 20;

/// A section of 案例简介: its heading shares a row with its first paragraph; every further
/// paragraph is a row of its own, free to break across pages.
fn section_rows(rule: &SectionRule, printed: &[Printed]) -> Vec<BlockRow> {
    let mut iter = printed.iter();
    let mut rows = vec![BlockRow {
        paras: vec![heading_para(rule)],
        cant_split: true,
    }];
    if let Some(first) = iter.next() {
        // The heading keeps at least the first two lines of its first paragraph: a short
        // paragraph whole, a longer one cut after a sentence some 2–4 lines in; the rest of
        // it flows on as a continuation (no first-line indent) that may break across pages.
        match split_head(first) {
            Some((head, rest)) => {
                rows[0].paras.push(printed_para(&head));
                rows.push(BlockRow {
                    paras: vec![continuation_para(&rest)],
                    cant_split: false,
                });
            }
            None => {
                // Short enough to keep whole — or so long (a bold lead of lines and lines)
                // that it must be free to break.
                rows[0].paras.push(printed_para(first));
                rows[0].cant_split = paragraph_lines(first) <= KEEP_LINES_MIN + KEEP_LINES_MAX;
            }
        }
    }
    rows.extend(iter.map(|pp| BlockRow {
        paras: vec![printed_para(pp)],
        cant_split: false,
    }));
    rows
}

/// Printed lines of a paragraph (first-line indent of 2 字 included), estimated.
fn paragraph_lines(pp: &Printed) -> usize {
    ((width_em(&pp.lead) + width_em(&pp.text) + 2.0) / chars_per_line() as f32).ceil() as usize
}

/// Lines kept with a heading, or with the signature: at least 2, at most this many.
const KEEP_LINES_MIN: usize = 2;
const KEEP_LINES_MAX: usize = 4;

/// Where a paragraph may be cut so that the part before (or after, `from_end`) holds between
/// `min` and `max` em: after a sentence (。！？；), else after a clause (，、：), else at `min`.
/// Returns a char index; `None` when the paragraph is short enough to keep whole.
fn cut_point(chars: &[char], lead_em: f32, min: f32, max: f32, from_end: bool) -> Option<usize> {
    let total: f32 = lead_em + width_em(&chars.iter().collect::<String>());
    if total <= max + min {
        return None;
    }
    // Cumulative width before each char index.
    let mut at = Vec::with_capacity(chars.len() + 1);
    let mut w = lead_em;
    at.push(w);
    for c in chars {
        w += if c.is_ascii() { 0.5 } else { 1.0 };
        at.push(w);
    }
    let kept = |i: usize| if from_end { total - at[i] } else { at[i] };
    let ok = |i: usize| (min..=max).contains(&kept(i)) && i > 0 && i < chars.len();
    for ends in [&['。', '！', '？', '；'][..], &['，', '、', '：'][..]] {
        let best = (1..chars.len())
            .filter(|&i| ends.contains(&chars[i - 1]) && ok(i))
            .min_by(|&a, &b| kept(a).total_cmp(&kept(b)));
        if best.is_some() {
            return best;
        }
    }
    // No sentence or clause end in reach: cut at `min`.
    if from_end {
        (1..chars.len()).rev().find(|&i| kept(i) >= min)
    } else {
        (1..chars.len()).find(|&i| kept(i) >= min)
    }
}

/// Cuts the first paragraph after a heading: (the part kept with the heading, the rest).
fn split_head(pp: &Printed) -> Option<(Printed, String)> {
    let per = chars_per_line() as f32;
    let lead = width_em(&pp.lead) + 2.0; // the first-line indent
    let chars: Vec<char> = pp.text.chars().collect();
    let min = per * KEEP_LINES_MIN as f32;
    let max = per * KEEP_LINES_MAX as f32;
    if lead >= min {
        return None;
    }
    let i = cut_point(&chars, lead, min, max, false)?;
    Some((
        Printed {
            lead: pp.lead.clone(),
            text: chars[..i].iter().collect(),
        },
        chars[i..].iter().collect(),
    ))
}

/// Cuts the last paragraph of the opinion: (its beginning, the last lines kept with the
/// signature).
fn split_tail(pp: &Printed) -> Option<(Printed, String)> {
    let per = chars_per_line() as f32;
    let chars: Vec<char> = pp.text.chars().collect();
    let min = per * KEEP_LINES_MIN as f32;
    let max = per * KEEP_LINES_MAX as f32;
    let i = cut_point(&chars, width_em(&pp.lead) + 2.0, min, max, true)?;
    Some((
        Printed {
            lead: pp.lead.clone(),
            text: chars[..i].iter().collect(),
        },
        chars[i..].iter().collect(),
    ))
}

/// The rest of a paragraph cut for keeping: plain text, no first-line indent (explicitly 0, so
/// the reader joins it back to the paragraph it continues).
fn continuation_para(text: &str) -> Paragraph {
    let p = para(AlignmentType::Both, LINE_TEXT, BODY).indent(
        None,
        Some(SpecialIndentType::FirstLine(0)),
        None,
        None,
    );
    add_text(p, text, BODY)
}

fn picture_row(index: usize, pic: &CheckedPicture) -> BlockRow {
    let (w, h) = picture_emu(pic.w, pic.h);
    let image = Pic::new_with_dimensions(pic.jpeg.clone(), pic.w, pic.h).size(w, h);
    // Auto line spacing: an exact pitch would clip the picture to one line.
    let pic_para = Paragraph::new()
        .align(AlignmentType::Center)
        .line_spacing(
            LineSpacing::new()
                .line_rule(LineSpacingType::Auto)
                .line(240)
                .before(120)
                .after(60),
        )
        .keep_next(true)
        .fonts(fonts(SMALL.font))
        .size(SMALL.size)
        .add_run(
            Run::new()
                .fonts(fonts(SMALL.font))
                .size(SMALL.size)
                .add_image(image),
        );
    let caption = if pic.caption.is_empty() {
        format!("图{index}")
    } else {
        format!("图{index}　{}", pic.caption)
    };
    let cap_para = add_text(
        para(AlignmentType::Center, LINE_SMALL, SMALL).line_spacing(
            LineSpacing::new()
                .line_rule(LineSpacingType::Exact)
                .line(LINE_SMALL)
                .before(0)
                .after(120),
        ),
        &caption,
        SMALL,
    );
    BlockRow {
        paras: vec![pic_para, cap_para],
        // Picture and caption together, unless the caption alone would fill a page.
        cant_split: lines_in(1, 7, &caption) <= KEEP_WHOLE_MAX_LINES / 2,
    }
}

/// A block of rows whose first-column label cell is merged vertically over all of them and
/// whose text cells read as one cell (no rules between them).
fn merged_block(label: &str, mut block: Vec<BlockRow>) -> Vec<TableRow> {
    // Bottom padding of the text cell.
    if let Some(last) = block.last_mut() {
        last.paras
            .push(para(AlignmentType::Both, LINE_TEXT / 2, BODY));
    }
    let n = block.len();
    let (text_x0, text_x1) = (span_width(0, 1), TABLE_W);
    block
        .into_iter()
        .enumerate()
        .map(|(i, b)| {
            let label = if i == 0 {
                cell(0, 1)
                    .vertical_merge(VMergeType::Restart)
                    .vertical_align(VAlignType::Top)
                    .add_paragraph(text_para(AlignmentType::Center, label, LABEL))
            } else {
                // A merged-away cell still holds one paragraph; give it the label's look.
                cell(0, 1)
                    .vertical_merge(VMergeType::Continue)
                    .vertical_align(VAlignType::Top)
                    .add_paragraph(para(AlignmentType::Center, LINE_TEXT, LABEL))
            };
            let mut borders = TableCellBorders::with_empty();
            if i > 0 {
                borders = borders.set(nil(TableCellBorderPosition::Top));
            }
            if i + 1 < n {
                borders = borders.set(nil(TableCellBorderPosition::Bottom));
            }
            let mut text = cell_x(text_x0, text_x1)
                .vertical_align(VAlignType::Top)
                .set_borders(borders);
            for p in b.paras {
                text = text.add_paragraph(p);
            }
            let r = TableRow::new(vec![label, text]);
            if b.cant_split {
                r.cant_split()
            } else {
                r
            }
        })
        .collect()
}

/// 案例简介: the activity name, the four sections, the pictures.
fn intro_block(case: &Case, campaign: &Campaign, pics: &[CheckedPicture]) -> Vec<TableRow> {
    let activity = Look {
        font: TITLE_FONT,
        size: SZ_ACTIVITY,
        bold: false,
        color: None,
    };
    let title = add_text(
        para(AlignmentType::Center, LINE_TITLE, activity),
        &campaign.activity_name,
        activity,
    );
    let s = &campaign.sections;
    let mut block: Vec<BlockRow> = Vec::new();
    // The heading of an empty section stays with the next heading.
    let mut pending: Vec<Paragraph> = Vec::new();
    for (key, rule) in [
        (SectionKey::Intro, &s.intro),
        (SectionKey::Practices, &s.practices),
        (SectionKey::Results, &s.results),
        (SectionKey::Lessons, &s.lessons),
    ] {
        let printed = sections::paragraphs(case, key);
        let mut rows = section_rows(rule, &printed);
        if !pending.is_empty() {
            let mut paras = std::mem::take(&mut pending);
            paras.append(&mut rows[0].paras);
            rows[0].paras = paras;
        }
        if printed.is_empty() && key != SectionKey::Lessons {
            pending = rows.remove(0).paras;
            continue;
        }
        block.extend(rows);
    }
    // The activity name stays with the first heading and its paragraph.
    block[0].paras.insert(0, title);
    for (i, p) in pics.iter().enumerate() {
        block.push(picture_row(i + 1, p));
    }
    merged_block("\n案\n例\n简\n介", block)
}

/// 推荐单位意见: the opinion, then right-aligned 推荐单位：… and 年 月 日 for the stamp. The
/// signature shares an unsplittable row with the last paragraph of the opinion.
fn opinion_block(case: &Case, campaign: &Campaign) -> Vec<TableRow> {
    let printed = sections::paragraphs(case, SectionKey::Opinion);
    // The label is one line, so any split of the first row leaves it whole.
    let mut block: Vec<BlockRow> = printed
        .iter()
        .map(|pp| BlockRow {
            paras: vec![printed_para(pp)],
            cant_split: false,
        })
        .collect();
    let blank = || para(AlignmentType::Both, LINE_TEXT, BODY);
    if block.is_empty() {
        // Room to write by hand.
        block.push(BlockRow {
            paras: (0..4).map(|_| blank()).collect(),
            cant_split: true,
        });
    }
    // Top padding of the cell.
    block[0]
        .paras
        .insert(0, para(AlignmentType::Both, LINE_TEXT / 2, BODY));
    let right =
        |t: &str| text_para(AlignmentType::Right, t, BODY).indent(None, None, Some(INDENT_2), None);
    let unit = case.recommender.unit.trim();
    let signature = vec![
        blank().keep_next(true),
        right(&format!("推荐单位：{unit}")).keep_next(true),
        blank().keep_next(true),
        right("年　　月　　日"),
    ];
    // The signature (and the stamp over it) is never split; it shares an unsplittable row
    // with the last paragraph when that is short enough, so the stamp lands on a page with
    // opinion text. After a longer last paragraph it is a row of its own (Word also keeps it
    // with that paragraph through keep-with-next; LibreOffice ignores that in tables).
    // The last lines of the opinion stay with the signature (and the stamp over it): a short
    // last paragraph whole, a longer one cut some 2–4 lines before its end.
    let tail = printed.last().and_then(split_tail);
    let last = block.last_mut().expect("one row at least");
    match tail {
        Some((head, rest)) => {
            let pad = last.paras.len() > 1;
            last.paras = if pad {
                vec![
                    para(AlignmentType::Both, LINE_TEXT / 2, BODY),
                    printed_para(&head),
                ]
            } else {
                vec![printed_para(&head)]
            };
            let mut paras = vec![continuation_para(&rest)];
            paras.extend(signature);
            block.push(BlockRow {
                paras,
                cant_split: true,
            });
        }
        None if printed
            .last()
            .is_none_or(|p| paragraph_lines(p) <= KEEP_LINES_MIN + KEEP_LINES_MAX) =>
        {
            last.paras.extend(signature);
            last.cant_split = true;
        }
        None => block.push(BlockRow {
            paras: signature,
            cant_split: true,
        }),
    }
    merged_block(&split_label(&campaign.sections.opinion.heading), block)
}

/// Breaks a label for the first column (6 字 per line at 小四) after its 4th character when it
/// is longer: "推荐单位负责人" → "推荐单位\n负责人".
fn split_label(label: &str) -> String {
    let chars: Vec<char> = label.chars().collect();
    if chars.len() <= 6 {
        label.to_string()
    } else {
        let (a, b) = chars.split_at(4);
        format!(
            "{}\n{}",
            a.iter().collect::<String>(),
            b.iter().collect::<String>()
        )
    }
}

fn upper_rows(case: &Case) -> Vec<TableRow> {
    use AlignmentType::{Center, Left};
    use Item::{Label, Value};
    let p = &case.person;
    // The labels print the units (团队规模（人）): a number typed with its unit prints once.
    let mut numbers = case.clone();
    numbers.normalise_units();
    let b = &numbers.business;
    let r = &case.recommender;
    let v = |from, span, s: &str, align| Value(from, span, s.to_string(), align);
    vec![
        first_row(case),
        row(vec![Label(0, "所在地区"), v(1, 7, &region(case), Left)]),
        row(vec![
            Label(0, "直播领域"),
            v(1, 3, &b.field, Center),
            Label(4, "团队规模\n（人）"),
            v(5, 3, &b.team_size, Center),
        ]),
        row(vec![
            Label(0, "直播平台"),
            v(1, 3, &platforms(case), Center),
            Label(4, "直播账号\n名称"),
            v(5, 3, &b.account_name, Center),
        ]),
        row(vec![
            Label(0, "当前粉丝量"),
            v(1, 3, &b.followers, Center),
            Label(4, "直播从业\n时间（年）"),
            v(5, 3, &b.years, Center),
        ]),
        row(vec![
            Label(0, "年营业额\n（万元）"),
            v(1, 3, &b.annual_revenue, Center),
            Label(4, "联系方式"),
            v(5, 3, &p.phone, Center),
        ]),
        row(vec![Label(0, "推荐单位"), v(1, 7, &r.unit, Left)]),
        row(vec![
            Label(0, "推荐单位\n负责人"),
            v(1, 3, &r.leader, Center),
            Label(4, "推荐单位\n联系方式"),
            v(5, 3, &r.phone, Center),
        ]),
    ]
}

fn table(case: &Case, campaign: &Campaign, pics: &[CheckedPicture]) -> Table {
    let mut rows = upper_rows(case);
    rows.extend(intro_block(case, campaign, pics));
    rows.extend(opinion_block(case, campaign));
    official_table(rows, physical_grid(), CELL_PAD)
}

/// A table of the official forms: fixed columns of `grid` (twips), centred, single lines all
/// round and inside, `pad` twips left and right in every cell (the 推荐表 and the 汇总表).
pub(crate) fn official_table(rows: Vec<TableRow>, grid: Vec<usize>, pad: usize) -> Table {
    let border = |pos| {
        TableBorder::new(pos)
            .size(BORDER_SZ)
            .border_type(BorderType::Single)
    };
    let width = grid.iter().sum();
    Table::new(rows)
        .set_grid(grid)
        .width(width, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .align(TableAlignmentType::Center)
        .margins(TableCellMargins::new().margin(0, pad, 0, pad))
        .set_borders(
            TableBorders::new()
                .set(border(TableBorderPosition::Top))
                .set(border(TableBorderPosition::Left))
                .set(border(TableBorderPosition::Bottom))
                .set(border(TableBorderPosition::Right))
                .set(border(TableBorderPosition::InsideH))
                .set(border(TableBorderPosition::InsideV)),
        )
}

fn draft_header() -> Header {
    let look = Look {
        font: HEI,
        size: SZ_TEXT,
        bold: true,
        color: Some("C00000"),
    };
    Header::new().add_paragraph(text_para(AlignmentType::Center, DRAFT_MARK, look))
}

/// Footer: "第 N 页 共 M 页", centered.
pub(crate) fn page_footer() -> Footer {
    let f = || fonts(SMALL.font);
    let field = |instr: InstrText| {
        Run::new()
            .fonts(f())
            .size(SMALL.size)
            .add_field_char(FieldCharType::Begin, false)
            .add_instr_text(instr)
            .add_field_char(FieldCharType::Separate, false)
            .add_text("1")
            .add_field_char(FieldCharType::End, false)
    };
    let p = para(AlignmentType::Center, LINE_SMALL, SMALL)
        .add_run(run("第 ", SMALL))
        .add_run(field(InstrText::PAGE(InstrPAGE::new())))
        .add_run(run(" 页 共 ", SMALL))
        .add_run(field(InstrText::NUMPAGES(InstrNUMPAGES::new())))
        .add_run(run(" 页", SMALL));
    Footer::new().add_paragraph(p)
}

/// The whole 推荐表 of `case` as a docx-rs document (before post-processing).
/// An A4 page of the official forms (附件1 and 附件2): margins, 仿宋 as the default font, the
/// attachment label ("附件1") at the top left and the title centred under it.
pub(crate) fn official_page(
    margin_top: i32,
    margin_bottom: i32,
    default_size: usize,
    label: &str,
    title_text: &str,
) -> Docx {
    let attachment = Look {
        font: HEI,
        size: SZ_LABEL_ATTACHMENT,
        bold: false,
        color: None,
    };
    let title = Look {
        font: TITLE_FONT,
        size: SZ_TITLE,
        bold: false,
        color: None,
    };
    Docx::new()
        .page_size(PAGE_W, PAGE_H)
        .page_margin(
            PageMargin::new()
                .top(margin_top)
                .bottom(margin_bottom)
                .left(MARGIN_SIDE)
                .right(MARGIN_SIDE)
                .header(MARGIN_HEADER)
                .footer(MARGIN_FOOTER)
                .gutter(0),
        )
        .default_fonts(fonts(FANGSONG))
        .default_size(default_size)
        .add_paragraph(add_text(
            para(AlignmentType::Left, LINE_ATTACHMENT, attachment),
            label,
            attachment,
        ))
        .add_paragraph(add_text(
            para(AlignmentType::Center, LINE_TITLE, title)
                .line_spacing(
                    LineSpacing::new()
                        .line_rule(LineSpacingType::Exact)
                        .line(LINE_TITLE)
                        .before(120)
                        .after(240),
                )
                .keep_next(true),
            title_text,
            title,
        ))
}

pub(crate) fn form(case: &Case, campaign: &Campaign, pics: &[CheckedPicture]) -> Docx {
    let mut docx = official_page(
        MARGIN_TOP,
        MARGIN_BOTTOM,
        SZ_TEXT,
        &campaign.form_label,
        &campaign.form_title,
    )
    .add_table(table(case, campaign, pics))
    // Word needs a paragraph after a table; keep it 1 pt so it never makes a blank page.
    .add_paragraph(
        Paragraph::new()
            .line_spacing(
                LineSpacing::new()
                    .line_rule(LineSpacingType::Exact)
                    .line(20)
                    .before(0)
                    .after(0),
            )
            .fonts(fonts(FANGSONG))
            .size(2),
    )
    .footer(page_footer());
    if case.status != Status::Ready {
        docx = docx.header(draft_header());
    }
    docx.document = docx
        .document
        .doc_grid(DocGrid::with_empty().grid_type(DocGridType::Default));
    docx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birth_is_printed_like_1990年5月() {
        let mut c = Case::new();
        assert_eq!(birth(&c), "");
        c.person.birth_year = "1990".into();
        c.person.birth_month = "05".into();
        assert_eq!(birth(&c), "1990年5月");
        c.person.birth_month = "".into();
        assert_eq!(birth(&c), "1990年");
    }

    #[test]
    fn platforms_replace_other() {
        let mut c = Case::new();
        c.business.platforms = vec!["抖音".into(), "其他".into()];
        c.business.platform_other = "西瓜视频".into();
        assert_eq!(platforms(&c), "抖音、西瓜视频");
    }

    #[test]
    fn grid_sums_to_the_text_width() {
        assert_eq!(GRID.iter().sum::<usize>(), TABLE_W);
        assert_eq!(FIRST_ROW.iter().sum::<usize>(), TABLE_W);
        assert_eq!(physical_grid().iter().sum::<usize>(), TABLE_W);
        assert_eq!(TABLE_W as i32, PAGE_W as i32 - 2 * MARGIN_SIDE);
        assert_eq!(INDENT_2, 480);
        assert_eq!(chars_per_line(), 31);
    }

    #[test]
    fn picture_box_is_150_dpi_of_12_by_8_5_cm() {
        assert!(PIC_MAX_W as usize <= TABLE_W - GRID[0] - 2 * CELL_PAD);
        assert_eq!(picture_box_px(), (708, 501));
        // A 4:3 landscape photo fills the height (11.3 × 8.5 cm); so does a portrait one.
        let (ew, eh) = picture_emu(4000, 3000);
        assert_eq!(eh as u64, PIC_MAX_H as u64 * EMU_PER_TWIP);
        assert!(ew < PIC_MAX_W * EMU_PER_TWIP as u32);
        // A panorama fills the width.
        let (ew, _) = picture_emu(4000, 1000);
        assert_eq!(ew as u64, PIC_MAX_W as u64 * EMU_PER_TWIP);
        // A tiny picture is not blown up beyond 96 dpi.
        assert_eq!(picture_emu(100, 50), (952_500, 476_250));
    }

    #[test]
    fn jpeg_size_reads_the_frame_header() {
        // SOI, APP0 (len 16), SOF0 (len 17) with h=3, w=5.
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
        b.extend_from_slice(&[0; 14]);
        b.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x03, 0x00, 0x05]);
        b.extend_from_slice(&[0; 12]);
        assert_eq!(jpeg_size(&b), Some((5, 3)));
        assert_eq!(jpeg_size(&[0xFF, 0xD8, 0x00]), None);
    }

    #[test]
    fn line_estimates() {
        assert_eq!(lines_in(1, 7, "甲".repeat(31).as_str()), 1);
        assert_eq!(lines_in(1, 7, "甲".repeat(32).as_str()), 2);
        assert_eq!(lines_in(1, 1, "阿依古丽·买买提"), 3);
        assert_eq!(lines_in(1, 1, ""), 1);
    }

    #[test]
    fn first_row_values_fit_their_cells() {
        let one = |v: &str, col: usize| fit_first_row(v, FIRST_ROW[col], col == 7);
        // At 小四 on one line: names up to 6 字, "1990年12月", 5-字 民族, 6-字 政治面貌.
        assert_eq!(one("其其格·巴音", 1).size, SZ_TEXT);
        assert_eq!(one("1990年12月", 3).size, SZ_TEXT);
        assert_eq!(one("柯尔克孜族", 5).size, SZ_TEXT);
        assert_eq!(one("中共预备党员", 7).lines.len(), 1);
        // The labels fit one line.
        for (label, col) in [("姓名", 0), ("出生年月", 2), ("民族", 4), ("政治面貌", 6)]
        {
            assert!(width_em(label) * 240.0 <= (FIRST_ROW[col] - 2 * FIRST_PAD) as f32);
        }
        // Longer names shrink a step or two, on one line.
        let f = one("阿依古丽·买买提", 1);
        assert_eq!(f.lines.len(), 1);
        assert!(f.size < SZ_TEXT);
        // The longest 政治面貌 wraps into two even lines.
        let f = one("中国国民党革命委员会会员", 7);
        assert_eq!(f.lines, ["中国国民党革", "命委员会会员"]);
    }

    #[test]
    fn labels_split_for_the_first_column() {
        assert_eq!(split_label("推荐单位意见"), "推荐单位意见");
        assert_eq!(split_label("推荐单位负责人"), "推荐单位\n负责人");
        assert_eq!(split_label("推荐单位"), "推荐单位");
    }
}
