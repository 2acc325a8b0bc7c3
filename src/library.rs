//! The 案例库 list: the people already in the previous 农村直播电商案例库, as the provincial
//! coordinator has them (a spreadsheet or a csv), and the check of cases against it.
//!
//! - [`read_library`] reads xlsx, xls, ods (through `calamine`, wrapped: size limits before
//!   parsing, `catch_unwind` around it, so a broken or hostile file gives a Chinese message,
//!   never a crash), WPS `.et` (tried through calamine's automatic reader) and csv (UTF-8 with or
//!   without BOM, or GBK). The header row is found wherever it is, by its names (姓名, 所在地区 /
//!   地区 / 省份 / 县, 联系方式, 年份 …), on whichever sheet has it.
//! - [`match_case`] compares one case with the list after normalising what clerks vary: the dot
//!   in minority names (· ・ • or none), full-width characters and spaces, the suffix of a county
//!   (县 / 旗 / 区 / 市 …). Same 姓名 and same county, or the same phone number, is a match (the
//!   case is flagged); the same 姓名 elsewhere is a near miss ("同名，地区不同"), shown but not
//!   flagged.

use crate::model::Case;
use serde::{Deserialize, Serialize};
use std::io::Cursor;
use std::path::Path;

/// A file larger than this is refused before it is parsed (a 案例库 list is a few hundred rows).
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;
/// Zip-based files (xlsx, ods) whose parts unpack to more than this are refused (zip bombs).
pub const MAX_UNPACKED_BYTES: u64 = 200 * 1024 * 1024;
/// At most this many rows are read from the sheet.
pub const MAX_ROWS: usize = 100_000;
/// At most this many columns are looked at.
pub const MAX_COLS: usize = 64;
/// The header row is looked for among the first rows of each sheet.
const HEADER_SCAN_ROWS: usize = 30;

#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("无法读取案例库名单“{file}”：{detail}。请检查文件是否存在、是否被其他程序占用。")]
    Read { file: String, detail: String },
    #[error(
        "案例库名单“{file}”太大（{size}），超过 {limit}。请只保留名单所在的工作表后另存再导入。"
    )]
    TooLarge {
        file: String,
        size: String,
        limit: String,
    },
    #[error("案例库名单“{file}”是空文件。请选择填有名单的表格。")]
    Empty { file: String },
    #[error("无法读取 WPS 表格“{file}”。请在 WPS 中另存为 .xlsx 后再导入。")]
    Et { file: String },
    #[error("案例库名单“{file}”已损坏或不是表格文件（{detail}）。请用 Excel 或 WPS 打开检查，另存为 .xlsx 后再导入。")]
    Corrupt { file: String, detail: String },
    #[error("在“{file}”中找不到表头：需要有“姓名”列，以及“所在地区”（或地区、省份、县）或“联系方式”列。请检查表头的写法后再导入。")]
    NoHeader { file: String },
    #[error(
        "“{file}”的表头下没有名单（工作表“{sheet}”第 {row} 行是表头，其下没有填写姓名的行）。"
    )]
    NoRows {
        file: String,
        sheet: String,
        row: usize,
    },
    #[error("读取案例库名单“{file}”时出错（文件内容异常）。请用 Excel 或 WPS 打开，另存为 .xlsx 后再导入。")]
    Panicked { file: String },
}

/// One person in the 案例库 list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LibraryEntry {
    pub name: String,
    /// The region as written in the list (the region columns joined by a space).
    pub region: String,
    pub phone: String,
    pub year: String,
    /// Where it came from: "工作表 第 N 行".
    pub source: String,
}

/// What [`read_library`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Imported {
    pub file: String,
    /// xlsx, xls, ods, et, csv (UTF-8), csv (GBK).
    pub format: String,
    pub sheet: String,
    /// 1-based row of the header.
    pub header_row: usize,
    /// The header texts of the columns used, e.g. ["姓名", "所在地区", "联系方式"].
    pub columns: Vec<String>,
    pub entries: Vec<LibraryEntry>,
    /// Rows under the header without a 姓名 (skipped).
    pub skipped: usize,
}

/// Reads a 案例库 list from a file (format from its bytes, not its name).
pub fn read_library(path: &Path) -> Result<Imported, LibraryError> {
    let file = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| LibraryError::Read {
        file: file.clone(),
        detail: e.to_string(),
    })?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(LibraryError::TooLarge {
            file,
            size: crate::media::human_size(meta.len()),
            limit: crate::media::human_size(MAX_FILE_BYTES),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| LibraryError::Read {
        file: file.clone(),
        detail: e.to_string(),
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.clone());
    let mut out = read_library_bytes(&bytes, &name)?;
    out.file = file;
    Ok(out)
}

/// Reads a 案例库 list from the bytes of a file; `name` is used in messages and to recognise
/// `.et` files.
pub fn read_library_bytes(bytes: &[u8], name: &str) -> Result<Imported, LibraryError> {
    let file = name.to_string();
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(LibraryError::TooLarge {
            file,
            size: crate::media::human_size(bytes.len() as u64),
            limit: crate::media::human_size(MAX_FILE_BYTES),
        });
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(LibraryError::Empty { file });
    }
    let is_et = name.to_lowercase().ends_with(".et") || name.to_lowercase().ends_with(".ett");
    let kind = if bytes.starts_with(b"PK\x03\x04") {
        Kind::Zip
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Kind::Ole
    } else if looks_binary(bytes) {
        return Err(if is_et {
            LibraryError::Et { file }
        } else {
            LibraryError::Corrupt {
                file,
                detail: "不是 xlsx、xls、ods 或 csv 格式".into(),
            }
        });
    } else {
        Kind::Text
    };
    let (mut out, format) = match kind {
        Kind::Text => {
            let (text, enc) = decode_text(bytes);
            let rows = parse_csv(&text);
            (
                from_sheets(&file, vec![("csv".to_string(), rows)])?,
                format!("csv（{enc}）"),
            )
        }
        Kind::Zip | Kind::Ole => {
            if kind == Kind::Zip {
                check_zip(bytes, &file)?;
            }
            let owned = bytes.to_vec();
            let f2 = file.clone();
            let res = std::panic::catch_unwind(move || read_workbook(owned));
            let sheets = match res {
                Ok(Ok(s)) => s,
                Ok(Err((_, detail))) if is_et => {
                    tracing::debug!("et: {detail}");
                    return Err(LibraryError::Et { file: f2 });
                }
                Ok(Err((fmt, detail))) => {
                    let _ = fmt;
                    return Err(LibraryError::Corrupt { file: f2, detail });
                }
                Err(_) if is_et => return Err(LibraryError::Et { file: f2 }),
                Err(_) => return Err(LibraryError::Panicked { file: f2 }),
            };
            let fmt = if is_et { "et".to_string() } else { sheets.0 };
            (from_sheets(&file, sheets.1)?, fmt)
        }
    };
    out.format = format;
    out.file = file;
    Ok(out)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Zip,
    Ole,
    Text,
}

fn looks_binary(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .take(4096)
        .any(|&b| b == 0 || (b < 0x09) || (0x0E..0x1A).contains(&b))
}

/// Refuses zip files whose entries unpack to more than [`MAX_UNPACKED_BYTES`] (or lie about it).
fn check_zip(bytes: &[u8], file: &str) -> Result<(), LibraryError> {
    let corrupt = |detail: String| LibraryError::Corrupt {
        file: file.to_string(),
        detail,
    };
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| corrupt(format!("压缩结构：{e}")))?;
    if archive.len() > 10_000 {
        return Err(corrupt("压缩包内文件过多".into()));
    }
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let f = archive
            .by_index_raw(i)
            .map_err(|e| corrupt(format!("压缩结构：{e}")))?;
        total = total.saturating_add(f.size());
    }
    if total > MAX_UNPACKED_BYTES {
        return Err(LibraryError::TooLarge {
            file: file.to_string(),
            size: format!("解压后 {}", crate::media::human_size(total)),
            limit: crate::media::human_size(MAX_UNPACKED_BYTES),
        });
    }
    Ok(())
}

type Sheet = (String, Vec<Vec<String>>);

/// Opens a workbook with calamine and returns its sheets as text cells (at most [`MAX_ROWS`] ×
/// [`MAX_COLS`]). Runs inside `catch_unwind`.
fn read_workbook(bytes: Vec<u8>) -> Result<(String, Vec<Sheet>), (String, String)> {
    use calamine::{Reader, Sheets};
    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| (String::new(), e.to_string()))?;
    let format = match &wb {
        Sheets::Xls(_) => "xls",
        Sheets::Xlsx(_) => "xlsx",
        Sheets::Xlsb(_) => "xlsb",
        Sheets::Ods(_) => "ods",
    }
    .to_string();
    let names = wb.sheet_names();
    let mut sheets = Vec::new();
    for name in names {
        let rows = match &mut wb {
            Sheets::Xlsx(x) => read_xlsx_sheet(x, &name).map_err(|e| (format.clone(), e))?,
            other => {
                let range = other
                    .worksheet_range(&name)
                    .map_err(|e| (format.clone(), e.to_string()))?;
                range_rows(&range)
            }
        };
        sheets.push((name, rows));
    }
    Ok((format, sheets))
}

/// Streams the cells of an xlsx sheet (never allocating the sheet's claimed dimension).
fn read_xlsx_sheet(
    x: &mut calamine::Xlsx<Cursor<Vec<u8>>>,
    name: &str,
) -> Result<Vec<Vec<String>>, String> {
    let mut reader = x.worksheet_cells_reader(name).map_err(|e| e.to_string())?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(|e| e.to_string())? {
        let (r, c) = cell.get_position();
        let (r, c) = (r as usize, c as usize);
        if r >= MAX_ROWS {
            break;
        }
        if c >= MAX_COLS {
            continue;
        }
        let text = data_ref_text(cell.get_value());
        if text.is_empty() {
            continue;
        }
        if rows.len() <= r {
            rows.resize(r + 1, Vec::new());
        }
        let row = &mut rows[r];
        if row.len() <= c {
            row.resize(c + 1, String::new());
        }
        row[c] = text;
    }
    Ok(rows)
}

fn range_rows(range: &calamine::Range<calamine::Data>) -> Vec<Vec<String>> {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut rows: Vec<Vec<String>> = vec![Vec::new(); r0 as usize];
    for row in range.rows().take(MAX_ROWS) {
        let mut out = vec![String::new(); c0 as usize];
        for d in row.iter().take(MAX_COLS.saturating_sub(c0 as usize)) {
            out.push(data_text(d));
        }
        rows.push(out);
    }
    rows
}

fn data_text(d: &calamine::Data) -> String {
    use calamine::Data;
    match d {
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::String(s) => s.trim().to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Data::DateTime(dt) => excel_date(dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

fn data_ref_text(d: &calamine::DataRef<'_>) -> String {
    use calamine::DataRef;
    match d {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => float_text(*f),
        DataRef::String(s) => s.trim().to_string(),
        DataRef::SharedString(s) => s.trim().to_string(),
        DataRef::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        DataRef::DateTime(dt) => excel_date(dt.as_f64()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(_) | DataRef::Empty => String::new(),
    }
}

/// A number as a clerk typed it: 13800138000 (not 1.38e10), 2023, 12.5.
fn float_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// An Excel serial date as 2023-05-24 (time of day dropped).
fn excel_date(serial: f64) -> String {
    if !serial.is_finite() || !(0.0..3_000_000.0).contains(&serial) {
        return float_text(serial);
    }
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid date");
    match base.checked_add_days(chrono::Days::new(serial.floor() as u64)) {
        Some(d) => d.format("%Y-%m-%d").to_string(),
        None => float_text(serial),
    }
}

/// Decodes a csv file: UTF-8 (BOM or not), else GBK (GB18030).
fn decode_text(bytes: &[u8]) -> (String, &'static str) {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return (String::from_utf8_lossy(rest).into_owned(), "UTF-8");
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        let (t, _, _) = encoding_rs::UTF_16LE.decode(rest);
        return (t.into_owned(), "UTF-16");
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), "UTF-8"),
        Err(_) => {
            let (t, _, _) = encoding_rs::GB18030.decode(bytes);
            (t.into_owned(), "GBK")
        }
    }
}

/// RFC 4180 csv (also tab- or semicolon-separated when the header has no commas): quoted
/// fields with "" escapes and line breaks.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let first_line = text.lines().next().unwrap_or("");
    let sep = [',', '\t', ';', '，']
        .into_iter()
        .max_by_key(|c| first_line.matches(*c).count())
        .filter(|c| first_line.contains(*c))
        .unwrap_or(',');
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            c if c == sep => row.push(std::mem::take(&mut field).trim().to_string()),
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field).trim().to_string());
                rows.push(std::mem::take(&mut row));
                if rows.len() >= MAX_ROWS {
                    return rows;
                }
            }
            c => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field.trim().to_string());
        rows.push(row);
    }
    rows
}

// ---- header --------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Name,
    Region,
    Phone,
    Year,
}

/// What a header cell names, if anything we use.
fn header_kind(cell: &str) -> Option<Col> {
    let h: String = normalize_text(cell);
    if h.is_empty() || h.chars().count() > 20 {
        return None;
    }
    let has = |ks: &[&str]| ks.iter().any(|k| h.contains(k));
    if has(&["姓名", "名字"]) && !has(&["单位", "账号", "负责人"]) {
        return Some(Col::Name);
    }
    if has(&["联系方式", "电话", "手机", "联系号码"]) && !has(&["单位"]) {
        return Some(Col::Phone);
    }
    if has(&["年份", "年度", "入库时间", "入选时间", "批次"]) {
        return Some(Col::Year);
    }
    if has(&[
        "地区",
        "省份",
        "地址",
        "所在地",
        "区域",
        "县",
        "省",
        "市",
        "乡",
        "镇",
        "村",
    ]) && !has(&["单位", "领域"])
    {
        return Some(Col::Region);
    }
    None
}

struct Header {
    row: usize,
    name: usize,
    region: Vec<usize>,
    phone: Option<usize>,
    year: Option<usize>,
    labels: Vec<String>,
}

fn find_header(rows: &[Vec<String>]) -> Option<Header> {
    for (i, row) in rows.iter().enumerate().take(HEADER_SCAN_ROWS) {
        let mut h = Header {
            row: i,
            name: usize::MAX,
            region: Vec::new(),
            phone: None,
            year: None,
            labels: Vec::new(),
        };
        for (c, cell) in row.iter().enumerate() {
            match header_kind(cell) {
                Some(Col::Name) if h.name == usize::MAX => h.name = c,
                Some(Col::Region) => h.region.push(c),
                Some(Col::Phone) if h.phone.is_none() => h.phone = Some(c),
                Some(Col::Year) if h.year.is_none() => h.year = Some(c),
                _ => continue,
            }
            h.labels.push(cell.trim().to_string());
        }
        if h.name != usize::MAX && (!h.region.is_empty() || h.phone.is_some()) {
            return Some(h);
        }
    }
    None
}

fn from_sheets(file: &str, sheets: Vec<Sheet>) -> Result<Imported, LibraryError> {
    if sheets
        .iter()
        .all(|(_, rows)| rows.iter().all(|r| r.iter().all(|c| c.trim().is_empty())))
    {
        return Err(LibraryError::Empty {
            file: file.to_string(),
        });
    }
    let mut no_rows = None;
    for (sheet, rows) in &sheets {
        let Some(h) = find_header(rows) else {
            continue;
        };
        fn cell(row: &[String], c: usize) -> &str {
            row.get(c).map(|s| s.trim()).unwrap_or("")
        }
        let mut out = Imported {
            sheet: sheet.clone(),
            header_row: h.row + 1,
            columns: h.labels.clone(),
            ..Default::default()
        };
        for (i, row) in rows.iter().enumerate().skip(h.row + 1) {
            let name = cell(row, h.name);
            if name.is_empty() {
                if row.iter().any(|c| !c.trim().is_empty()) {
                    out.skipped += 1;
                }
                continue;
            }
            // A repeated header (a list pasted twice) is not a person.
            if header_kind(name) == Some(Col::Name) {
                continue;
            }
            let region = h
                .region
                .iter()
                .map(|&c| cell(row, c))
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            out.entries.push(LibraryEntry {
                name: name.to_string(),
                region,
                phone: h
                    .phone
                    .map(|c| cell(row, c).to_string())
                    .unwrap_or_default(),
                year: h.year.map(|c| cell(row, c).to_string()).unwrap_or_default(),
                source: format!("{sheet} 第 {} 行", i + 1),
            });
        }
        if out.entries.is_empty() {
            no_rows.get_or_insert((sheet.clone(), h.row + 1));
            continue;
        }
        return Ok(out);
    }
    match no_rows {
        Some((sheet, row)) => Err(LibraryError::NoRows {
            file: file.to_string(),
            sheet,
            row,
        }),
        None => Err(LibraryError::NoHeader {
            file: file.to_string(),
        }),
    }
}

// ---- matching ------------------------------------------------------------------------------

/// Full-width ASCII to half-width, whitespace (the ideographic space too) removed.
fn normalize_text(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{200B}' | '\u{FEFF}'))
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// A person's name as compared: no spaces, no middle dot of any kind (· ・ • ‧ ． .), ASCII
/// letters lower-cased.
pub fn normalize_name(s: &str) -> String {
    normalize_text(s)
        .chars()
        .filter(|c| {
            !matches!(
                c,
                '·' | '・' | '•' | '‧' | '.' | '･' | '∙' | '⋅' | 'ᐧ' | '-' | '－' | '—'
            )
        })
        .flat_map(|c| c.to_lowercase())
        .collect()
}

/// A phone number as compared: its digits, without a +86 / 86 prefix; None when too short to
/// mean anything.
pub fn normalize_phone(s: &str) -> Option<String> {
    let digits: String = normalize_text(s)
        .chars()
        .filter(|c| c.is_ascii_digit())
        .collect();
    let d = if digits.len() == 13 && digits.starts_with("86") {
        digits[2..].to_string()
    } else if digits.len() == 15 && digits.starts_with("0086") {
        digits[4..].to_string()
    } else {
        digits
    };
    (d.len() >= 7).then_some(d)
}

/// Administrative suffixes, longest first.
const SUFFIXES: [&str; 16] = [
    "特别行政区",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "林区",
    "特区",
    "新区",
    "地区",
    "省",
    "县",
    "旗",
    "区",
];

/// The core of a place name without its administrative suffix: 台江县 → 台江, 鄂托克旗 → 鄂托克,
/// 贵州省 → 贵州, 广西壮族自治区 → 广西. City suffix 市 is stripped only from names longer than 2
/// characters (so that 沙市 is kept).
pub fn place_core(s: &str) -> String {
    let t = normalize_text(s);
    for suf in SUFFIXES {
        if let Some(core) = t.strip_suffix(suf) {
            if core.chars().count() >= 2 {
                return core.to_string();
            }
        }
    }
    if let Some(core) = t.strip_suffix('市') {
        if core.chars().count() >= 2 {
            return core.to_string();
        }
    }
    t
}

/// Why a case matches an entry of the 案例库 list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// Same 姓名 and same county: the person is in the 案例库 (flagged).
    NameCounty,
    /// Same phone number (flagged).
    Phone,
    /// Same 姓名, another region: shown, not flagged.
    NearMiss,
}

impl MatchKind {
    /// Whether this match keeps the case out of the quota (until overridden).
    pub fn flags(self) -> bool {
        !matches!(self, MatchKind::NearMiss)
    }
}

/// One match between a case and an entry of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryMatch {
    pub kind: MatchKind,
    /// Chinese, e.g. "姓名相同、县相同（台江县）".
    pub reason: String,
    pub entry: LibraryEntry,
}

/// Compares a case with every entry of the list. Matches come first by how strong they are
/// (name + county, phone, then near misses).
pub fn match_case(case: &Case, entries: &[LibraryEntry]) -> Vec<LibraryMatch> {
    let name = normalize_name(&case.person.name);
    let phone = normalize_phone(&case.person.phone);
    let county = place_core(&case.region.county);
    let province = place_core(&case.region.province);
    let mut out = Vec::new();
    for e in entries {
        let same_name = !name.is_empty() && normalize_name(&e.name) == name;
        let same_phone = phone.is_some() && normalize_phone(&e.phone) == phone;
        let region = normalize_text(&e.region);
        let same_county = !county.is_empty() && region_has(&region, &county);
        if same_name && same_county {
            let mut reason = format!("姓名相同、县相同（{}）", case.region.county.trim());
            if same_phone {
                reason.push_str("，联系方式也相同");
            }
            out.push(LibraryMatch {
                kind: MatchKind::NameCounty,
                reason,
                entry: e.clone(),
            });
        } else if same_phone {
            out.push(LibraryMatch {
                kind: MatchKind::Phone,
                reason: if same_name {
                    "联系方式相同，姓名相同".to_string()
                } else {
                    format!("联系方式相同（名单中为“{}”）", e.name.trim())
                },
                entry: e.clone(),
            });
        } else if same_name {
            let where_ = if e.region.trim().is_empty() {
                "名单未写地区".to_string()
            } else if !province.is_empty() && region_has(&region, &province) {
                format!("同省不同县，名单中为{}", e.region.trim())
            } else {
                format!("名单中为{}", e.region.trim())
            };
            out.push(LibraryMatch {
                kind: MatchKind::NearMiss,
                reason: format!("同名，地区不同（{where_}）"),
                entry: e.clone(),
            });
        }
    }
    out.sort_by_key(|m| m.kind as u8);
    out
}

/// Whether a region text names the place `core` (a place core of at least 2 characters, or the
/// full name of a shorter one).
fn region_has(region: &str, core: &str) -> bool {
    if core.chars().count() < 2 {
        return false;
    }
    region.contains(core)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cores() {
        assert_eq!(place_core("台江县"), "台江");
        assert_eq!(place_core("鄂托克旗"), "鄂托克");
        assert_eq!(place_core("广西壮族自治区"), "广西");
        assert_eq!(place_core("贵州省"), "贵州");
        assert_eq!(place_core("城区"), "城区");
        assert_eq!(place_core("沙市"), "沙市");
        assert_eq!(place_core("凯里市"), "凯里");
        assert_eq!(place_core("　台江　县 "), "台江");
    }

    #[test]
    fn csv_quotes_and_separators() {
        let rows = parse_csv("姓名,地区\r\n\"李,明\",\"台江\"\"县\"\"\"\n王五,凯里\n");
        assert_eq!(rows[1], vec!["李,明", "台江\"县\""]);
        assert_eq!(rows[2], vec!["王五", "凯里"]);
        let rows = parse_csv("姓名\t地区\n李明\t台江县");
        assert_eq!(rows[1], vec!["李明", "台江县"]);
    }

    #[test]
    fn numbers_and_dates_as_typed() {
        assert_eq!(float_text(13800138000.0), "13800138000");
        assert_eq!(float_text(12.5), "12.5");
        assert_eq!(excel_date(45070.0), "2023-05-24");
    }
}
