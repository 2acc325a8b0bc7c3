//! The 案例库 list: reading spreadsheets and csv files made at test time (header on row 3,
//! merged title rows, extra sheets, dates, numbers as text, empty, corrupt, GBK, UTF-8 BOM, ODS,
//! WPS .et), and the table of pairs that must and must not match.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use std::io::Write;
use tianbao::library::{
    match_case, normalize_name, read_library, read_library_bytes, LibraryEntry, LibraryError,
    MatchKind,
};
use tianbao::model::Case;

fn case(name: &str, province: &str, city: &str, county: &str, phone: &str) -> Case {
    let mut c = Case::new();
    c.person.name = name.into();
    c.region.province = province.into();
    c.region.city = city.into();
    c.region.county = county.into();
    c.person.phone = phone.into();
    c
}

fn entry(name: &str, region: &str, phone: &str) -> LibraryEntry {
    LibraryEntry {
        name: name.into(),
        region: region.into(),
        phone: phone.into(),
        ..Default::default()
    }
}

/// (case name, case county, case province, list name, list region, list phone, expected)
#[test]
fn pairs_that_must_and_must_not_match() {
    use MatchKind::*;
    let table: &[(&str, &str, &str, &str, &str, &str, Option<MatchKind>)] = &[
        // same name, same county — written many ways
        (
            "李明",
            "台江县",
            "贵州省",
            "李明",
            "贵州省黔东南州台江县",
            "",
            Some(NameCounty),
        ),
        (
            "李明",
            "台江县",
            "贵州省",
            "李 明",
            "台江",
            "",
            Some(NameCounty),
        ),
        (
            "李明",
            "台江县",
            "贵州省",
            "李　明",
            "贵州 黔东南 台江县",
            "",
            Some(NameCounty),
        ),
        (
            "阿依古丽·买买提",
            "疏附县",
            "新疆维吾尔自治区",
            "阿依古丽・买买提",
            "新疆喀什疏附县",
            "",
            Some(NameCounty),
        ),
        (
            "阿依古丽·买买提",
            "疏附县",
            "新疆维吾尔自治区",
            "阿依古丽买买提",
            "疏附县",
            "",
            Some(NameCounty),
        ),
        (
            "阿依古丽买买提",
            "疏附县",
            "新疆维吾尔自治区",
            "阿依古丽•买买提",
            "疏附",
            "",
            Some(NameCounty),
        ),
        (
            "巴特尔",
            "鄂托克旗",
            "内蒙古自治区",
            "巴特尔",
            "内蒙古鄂尔多斯市鄂托克",
            "",
            Some(NameCounty),
        ),
        (
            "张伟",
            "南明区",
            "贵州省",
            "张伟",
            "贵阳市南明",
            "",
            Some(NameCounty),
        ),
        (
            "ＬＩ Ming",
            "台江县",
            "贵州省",
            "li ming",
            "台江县",
            "",
            Some(NameCounty),
        ),
        // same phone, whatever the name
        (
            "王芳",
            "凯里市",
            "贵州省",
            "王小芳",
            "凯里",
            "138 1234 5678",
            None,
        ),
        ("王芳", "凯里市", "贵州省", "王小芳", "凯里", "", None),
        // same name elsewhere: a near miss, not a match
        (
            "李明",
            "台江县",
            "贵州省",
            "李明",
            "山东省临沂市兰陵县",
            "",
            Some(NearMiss),
        ),
        (
            "李明",
            "台江县",
            "贵州省",
            "李明",
            "贵州省遵义市湄潭县",
            "",
            Some(NearMiss),
        ),
        ("李明", "台江县", "贵州省", "李明", "", "", Some(NearMiss)),
        // different people
        ("李明", "台江县", "贵州省", "李明明", "台江县", "", None),
        ("李明", "台江县", "贵州省", "李敏", "台江县", "", None),
        ("", "台江县", "贵州省", "", "台江县", "", None),
    ];
    for (i, (name, county, province, lname, lregion, lphone, expect)) in table.iter().enumerate() {
        let c = case(name, province, "", county, "");
        let m = match_case(&c, &[entry(lname, lregion, lphone)]);
        let got = m.first().map(|m| m.kind);
        assert_eq!(
            got, *expect,
            "row {i}: {name}/{county} vs {lname}/{lregion} → {m:?}"
        );
    }
    // Phones: the same number however written flags the case; a near-empty one never does.
    let c = case("王芳", "贵州省", "", "凯里市", "13812345678");
    for (phone, expect) in [
        ("138 1234 5678", Some(MatchKind::Phone)),
        ("+86 138-1234-5678", Some(MatchKind::Phone)),
        ("１３８１２３４５６７８", Some(MatchKind::Phone)),
        ("13812345679", None),
        ("", None),
    ] {
        let m = match_case(&c, &[entry("王小芳", "凯里", phone)]);
        assert_eq!(m.first().map(|m| m.kind), expect, "{phone}");
    }
    let m = match_case(&c, &[entry("王小芳", "凯里", "13812345678")]);
    assert!(m[0].reason.contains("联系方式相同"), "{}", m[0].reason);
    assert!(m[0].kind.flags());
    // A near miss says so and does not flag.
    let c = case("李明", "贵州省", "", "台江县", "");
    let m = match_case(&c, &[entry("李明", "山东省兰陵县", "")]);
    assert!(m[0].reason.starts_with("同名，地区不同"), "{}", m[0].reason);
    assert!(!m[0].kind.flags());
    // The strongest reason comes first.
    let m = match_case(
        &c,
        &[
            entry("李明", "山东省兰陵县", ""),
            entry("李明", "台江县", ""),
        ],
    );
    assert_eq!(m[0].kind, MatchKind::NameCounty);
    assert_eq!(normalize_name(" 阿依古丽 · 买买提 "), "阿依古丽买买提");
}

fn xlsx(build: impl FnOnce(&mut Workbook)) -> Vec<u8> {
    let mut wb = Workbook::new();
    build(&mut wb);
    wb.save_to_buffer().unwrap()
}

#[test]
fn header_on_row_3_under_merged_title_rows_with_dates_and_numbers() {
    let bytes = xlsx(|wb| {
        let ws = wb.add_worksheet();
        ws.merge_range(
            0,
            0,
            0,
            5,
            "2023年农村直播电商案例库入库名单",
            &Format::new(),
        )
        .unwrap();
        ws.merge_range(1, 0, 1, 5, "（按省份排列）", &Format::new())
            .unwrap();
        for (c, h) in [
            "序号",
            "姓 名",
            "省份",
            "所在县（市、区）",
            "联系电话",
            "入库时间",
        ]
        .iter()
        .enumerate()
        {
            ws.write_string(2, c as u16, *h).unwrap();
        }
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let rows = [
            ("李明", "贵州省", "台江县", 13812345678.0),
            (
                "阿依古丽·买买提",
                "新疆维吾尔自治区",
                "疏附县",
                13900000001.0,
            ),
        ];
        for (i, (n, p, c, phone)) in rows.iter().enumerate() {
            let r = 3 + i as u32;
            ws.write_number(r, 0, (i + 1) as f64).unwrap();
            ws.write_string(r, 1, *n).unwrap();
            ws.write_string(r, 2, *p).unwrap();
            ws.write_string(r, 3, *c).unwrap();
            // A phone typed as a number (Excel keeps it as 13812345678, shown 1.38E+10).
            ws.write_number(r, 4, *phone).unwrap();
            ws.write_datetime_with_format(
                r,
                5,
                ExcelDateTime::from_ymd(2023, 5, 24).unwrap(),
                &date,
            )
            .unwrap();
        }
        // A number stored as text.
        ws.write_string(5, 1, "王芳").unwrap();
        ws.write_string(5, 4, "0855-5321234").unwrap();
        ws.write_string(5, 5, "2023").unwrap();
    });
    let got = read_library_bytes(&bytes, "名单.xlsx").unwrap();
    assert_eq!(got.format, "xlsx");
    assert_eq!(got.header_row, 3);
    assert_eq!(got.entries.len(), 3);
    let e = &got.entries[0];
    assert_eq!(e.name, "李明");
    assert_eq!(e.region, "贵州省 台江县");
    assert_eq!(e.phone, "13812345678");
    assert_eq!(e.year, "2023-05-24");
    assert_eq!(e.source, "Sheet1 第 4 行");
    assert_eq!(got.entries[2].phone, "0855-5321234");
    assert_eq!(got.entries[2].year, "2023");
    assert!(
        got.columns.contains(&"联系电话".to_string()),
        "{:?}",
        got.columns
    );
}

#[test]
fn the_sheet_with_the_list_is_found_among_others() {
    let bytes = xlsx(|wb| {
        let ws = wb.add_worksheet();
        ws.set_name("说明").unwrap();
        ws.write_string(0, 0, "本表为2023年案例库名单，请勿修改。")
            .unwrap();
        let ws = wb.add_worksheet();
        ws.set_name("统计").unwrap();
        ws.write_string(0, 0, "省份").unwrap();
        ws.write_string(0, 1, "人数").unwrap();
        let ws = wb.add_worksheet();
        ws.set_name("名单").unwrap();
        ws.write_string(0, 0, "姓名").unwrap();
        ws.write_string(0, 1, "所在地区").unwrap();
        ws.write_string(1, 0, "李明").unwrap();
        ws.write_string(1, 1, "贵州省黔东南州台江县").unwrap();
    });
    let got = read_library_bytes(&bytes, "x.xlsx").unwrap();
    assert_eq!(got.sheet, "名单");
    assert_eq!(got.entries.len(), 1);
}

#[test]
fn ods_made_by_hand_is_read() {
    let content = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="名单"><table:table-row><table:table-cell office:value-type="string"><text:p>姓名</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>地区</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>联系方式</text:p></table:table-cell></table:table-row><table:table-row><table:table-cell office:value-type="string"><text:p>李明</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>台江县</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="13812345678"><text:p>13812345678</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    w.start_file("mimetype", stored).unwrap();
    w.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    w.start_file("content.xml", stored).unwrap();
    w.write_all(content.as_bytes()).unwrap();
    w.start_file("META-INF/manifest.xml", stored).unwrap();
    w.write_all(manifest.as_bytes()).unwrap();
    let bytes = w.finish().unwrap().into_inner();
    let got = read_library_bytes(&bytes, "名单.ods").unwrap();
    assert_eq!(got.format, "ods");
    assert_eq!(got.entries.len(), 1);
    assert_eq!(got.entries[0].phone, "13812345678");
}

#[test]
fn csv_in_gbk_and_in_utf8_with_bom() {
    let text = "序号,姓名,所在地区,联系方式\r\n1,李明,贵州省台江县,13812345678\r\n2,\"阿依古丽·买买提\",疏附县,\r\n";
    let (gbk, _, bad) = encoding_rs::GBK.encode(text);
    assert!(!bad);
    let got = read_library_bytes(&gbk, "名单.csv").unwrap();
    assert_eq!(got.format, "csv（GBK）");
    assert_eq!(got.entries[1].name, "阿依古丽·买买提");
    assert_eq!(got.entries[0].region, "贵州省台江县");

    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(text.as_bytes());
    let got = read_library_bytes(&bom, "名单.csv").unwrap();
    assert_eq!(got.format, "csv（UTF-8）");
    assert_eq!(got.entries.len(), 2);
    assert_eq!(got.entries[0].name, "李明");
}

#[test]
fn empty_corrupt_headerless_and_wps_files_give_messages() {
    let msg = |r: Result<_, LibraryError>| r.unwrap_err().to_string();
    let m = msg(read_library_bytes(b"", "空.xlsx"));
    assert!(m.contains("空文件"), "{m}");
    let empty_book = xlsx(|wb| {
        wb.add_worksheet();
    });
    let m = msg(read_library_bytes(&empty_book, "空.xlsx"));
    assert!(m.contains("空文件"), "{m}");
    // A zip that is not a workbook; a truncated workbook; random bytes.
    let good = xlsx(|wb| {
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "姓名").unwrap();
        ws.write_string(0, 1, "地区").unwrap();
        ws.write_string(1, 0, "李明").unwrap();
    });
    let m = msg(read_library_bytes(&good[..good.len() / 2], "坏.xlsx"));
    assert!(m.contains("已损坏") && m.contains("坏.xlsx"), "{m}");
    let mut junk = good.clone();
    for b in junk.iter_mut().skip(200).step_by(7) {
        *b ^= 0x5A;
    }
    let m = msg(read_library_bytes(&junk, "乱.xlsx"));
    assert!(m.contains("乱.xlsx"), "{m}");
    let m = msg(read_library_bytes(&[0u8, 1, 2, 3, 255, 254, 7, 0], "x.xls"));
    assert!(m.contains("不是"), "{m}");
    // An OLE file that is not a workbook, named .et: WPS's own format.
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend(std::iter::repeat_n(0u8, 1024));
    let m = msg(read_library_bytes(&ole, "名单.et"));
    assert!(m.contains("请在 WPS 中另存为 .xlsx"), "{m}");
    // A table without the needed headers.
    let other = xlsx(|wb| {
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "产品").unwrap();
        ws.write_string(0, 1, "价格").unwrap();
    });
    let m = msg(read_library_bytes(&other, "产品.xlsx"));
    assert!(m.contains("找不到表头"), "{m}");
    // Headers without any person under them.
    let m = msg(read_library_bytes("姓名,地区\n".as_bytes(), "名单.csv"));
    assert!(m.contains("没有"), "{m}");
}

#[test]
fn a_zip_bomb_and_an_oversized_file_are_refused_before_parsing() {
    // 300 MB of zeros deflate to ~300 KB.
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    w.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..300 {
        w.write_all(&zeros).unwrap();
    }
    let bytes = w.finish().unwrap().into_inner();
    let m = read_library_bytes(&bytes, "炸弹.xlsx")
        .unwrap_err()
        .to_string();
    assert!(m.contains("太大"), "{m}");

    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("大.csv");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(tianbao::library::MAX_FILE_BYTES + 1).unwrap();
    let m = read_library(&big).unwrap_err().to_string();
    assert!(m.contains("太大") && m.contains("大.csv"), "{m}");
    let m = read_library(&dir.path().join("没有.xlsx"))
        .unwrap_err()
        .to_string();
    assert!(m.contains("没有.xlsx"), "{m}");
}
