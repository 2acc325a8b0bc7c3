//! The Word 推荐表: structure of the package and of document.xml, pictures, draft mark,
//! properties, file names and the atomic write. (Rendering, schema validation and read-back
//! with python-docx are in tests/docx/run.sh.)
mod common;

use quick_xml::events::Event;
use quick_xml::Reader;
use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use tianbao::campaign::Campaign;
use tianbao::docx::{
    build_docx, docx_file_name, write_docx_atomic, DocxError, PrintPicture, DRAFT_MARK,
};
use tianbao::model::{Case, Status};
use tianbao::sections::{paragraphs, SectionKey};

/// The entries of a .docx: name → (bytes, compression method).
fn unzip(bytes: &[u8]) -> BTreeMap<String, (Vec<u8>, zip::CompressionMethod)> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    let mut out = BTreeMap::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        out.insert(f.name().unwrap().to_string(), (data, f.compression()));
    }
    out
}

fn part(entries: &BTreeMap<String, (Vec<u8>, zip::CompressionMethod)>, name: &str) -> String {
    String::from_utf8(
        entries
            .get(name)
            .unwrap_or_else(|| panic!("{name} missing"))
            .0
            .clone(),
    )
    .unwrap()
}

/// A small element tree, enough for the assertions below.
#[derive(Debug, Default)]
struct El {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<El>,
    text: String,
}

impl El {
    fn attr(&self, k: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(a, _)| a == k)
            .map(|(_, v)| v.as_str())
    }
    fn child(&self, n: &str) -> Option<&El> {
        self.children.iter().find(|c| c.name == n)
    }
    fn all<'a>(&'a self, n: &str, out: &mut Vec<&'a El>) {
        if self.name == n {
            out.push(self);
        }
        for c in &self.children {
            c.all(n, out);
        }
    }
    fn find_all(&self, n: &str) -> Vec<&El> {
        let mut v = Vec::new();
        self.all(n, &mut v);
        v
    }
    /// Text of all w:t below, in order.
    fn text(&self) -> String {
        let mut s = self.text.clone();
        for c in &self.children {
            s.push_str(&c.text());
        }
        s
    }
}

fn parse(xml: &str) -> El {
    let mut r = Reader::from_str(xml);
    let mut stack = vec![El::default()];
    let el = |s: &quick_xml::events::BytesStart| El {
        name: String::from_utf8_lossy(s.name().as_ref()).into_owned(),
        attrs: s
            .attributes()
            .map(|a| {
                let a = a.unwrap();
                (
                    String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                    quick_xml::escape::unescape(&String::from_utf8_lossy(&a.value))
                        .unwrap()
                        .into_owned(),
                )
            })
            .collect(),
        ..El::default()
    };
    loop {
        match r.read_event().unwrap() {
            Event::Start(s) => stack.push(el(&s)),
            Event::Empty(s) => stack.last_mut().unwrap().children.push(el(&s)),
            Event::End(_) => {
                let e = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(e);
            }
            Event::Text(t) => {
                let top = stack.last_mut().unwrap();
                if top.name == "w:t" {
                    top.text.push_str(&t.decode().unwrap());
                }
            }
            Event::GeneralRef(g) => {
                let top = stack.last_mut().unwrap();
                if top.name == "w:t" {
                    let s = match &*String::from_utf8_lossy(&g) {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        other => panic!("entity {other}"),
                    };
                    top.text.push_str(s);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    stack.pop().unwrap().children.pop().unwrap()
}

fn no_space(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn sample_ready() -> Case {
    let mut c = common::sample_case();
    c.status = Status::Ready;
    c
}

/// A small valid JPEG made with the `image` crate.
fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut buf = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut buf, 85)
        .encode_image(&img)
        .unwrap();
    buf
}

fn picture(w: u32, h: u32, caption: &str) -> PrintPicture {
    PrintPicture {
        jpeg: jpeg(w, h),
        width_px: w,
        height_px: h,
        caption: caption.into(),
    }
}

#[test]
fn labels_of_附件1_are_printed_in_order() {
    let campaign = Campaign::current();
    let case = sample_ready();
    let bytes = build_docx(&case, &campaign, &[]).unwrap();
    let doc = parse(&part(&unzip(&bytes), "word/document.xml"));
    let text = no_space(&doc.text());
    let s = &campaign.sections;
    let mut expected: Vec<String> = vec![
        campaign.form_label.clone(),
        campaign.form_title.clone(),
        "姓名".into(),
        "李明".into(),
        "出生年月".into(),
        "1990年5月".into(),
        "民族".into(),
        "苗族".into(),
        "政治面貌".into(),
        "中共党员".into(),
        "所在地区".into(),
        "贵州省黔东南苗族侗族自治州台江县施洞镇偏寨村".into(),
        "直播领域".into(),
        "团队规模（人）".into(),
        "直播平台".into(),
        "抖音、快手".into(),
        "直播账号名称".into(),
        "当前粉丝量".into(),
        "直播从业时间（年）".into(),
        "年营业额（万元）".into(),
        "联系方式".into(),
        "推荐单位".into(),
        "推荐单位负责人".into(),
        "推荐单位联系方式".into(),
        "案例简介".into(),
        campaign.activity_name.clone(),
    ];
    for (key, rule) in [
        (SectionKey::Intro, &s.intro),
        (SectionKey::Practices, &s.practices),
        (SectionKey::Results, &s.results),
        (SectionKey::Lessons, &s.lessons),
    ] {
        expected.push(format!("{}{}", rule.heading, rule.limit_label));
        for p in paragraphs(&case, key) {
            expected.push(format!("{}{}", p.lead, p.text));
        }
    }
    expected.push(s.opinion.heading.clone());
    for p in paragraphs(&case, SectionKey::Opinion) {
        expected.push(p.text);
    }
    expected.push(format!("推荐单位：{}", case.recommender.unit));
    expected.push("年月日".into());
    let mut at = 0;
    for label in &expected {
        let l = no_space(label);
        match text[at..].find(&l) {
            Some(i) => at += i + l.len(),
            None => panic!("“{label}” not found (in order) after byte {at}"),
        }
    }
    // Section 一 opens with the 案例名称 line.
    let intro_heading = no_space(&format!("{}{}", s.intro.heading, s.intro.limit_label));
    let after = &text[text.find(&intro_heading).unwrap() + intro_heading.len()..];
    assert!(after.starts_with(&no_space(&format!("案例名称：{}", case.intro.title))));
}

#[test]
fn the_table_has_8_columns_merges_and_a_vertically_merged_案例简介() {
    let bytes = build_docx(&sample_ready(), &Campaign::current(), &[]).unwrap();
    let doc = parse(&part(&unzip(&bytes), "word/document.xml"));
    let tbls = doc.find_all("w:tbl");
    assert_eq!(tbls.len(), 1, "one table");
    let tbl = tbls[0];
    // The grid: the lines of the rows below the first plus the first row's own (its eight
    // cells have widths of their own, so 4-字 labels stay on one line).
    let ncols = tbl.child("w:tblGrid").unwrap().children.len();
    assert!((8..=16).contains(&ncols), "{ncols} grid columns");
    let borders = tbl.child("w:tblPr").unwrap().child("w:tblBorders").unwrap();
    for b in [
        "w:top",
        "w:left",
        "w:bottom",
        "w:right",
        "w:insideH",
        "w:insideV",
    ] {
        assert_eq!(
            borders.child(b).unwrap().attr("w:val"),
            Some("single"),
            "{b}"
        );
    }
    let rows: Vec<&El> = tbl.children.iter().filter(|c| c.name == "w:tr").collect();
    let spans = |r: &El| -> Vec<usize> {
        r.children
            .iter()
            .filter(|c| c.name == "w:tc")
            .map(|tc| {
                tc.child("w:tcPr")
                    .and_then(|p| p.child("w:gridSpan"))
                    .and_then(|g| g.attr("w:val"))
                    .map_or(1, |v| v.parse().unwrap())
            })
            .collect()
    };
    // Every row covers the whole grid.
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(spans(r).iter().sum::<usize>(), ncols, "row {i}");
    }
    // FORM.md's merges: 8 cells, then label | value (×2) and label | one long value.
    assert_eq!(spans(rows[0]).len(), 8);
    assert_eq!(spans(rows[1]).len(), 2);
    for r in &rows[2..6] {
        assert_eq!(spans(r).len(), 4);
        assert_eq!(
            spans(r),
            spans(rows[2]),
            "label | value rows share their lines"
        );
    }
    assert_eq!(spans(rows[6]), spans(rows[1]));
    assert_eq!(spans(rows[7]), spans(rows[2]));
    // 案例简介 and 推荐单位意见: a label cell merged vertically over every row of its text.
    let vmerge = |r: &El| -> Option<String> {
        let tc = r.children.iter().find(|c| c.name == "w:tc")?;
        let v = tc.child("w:tcPr")?.child("w:vMerge")?;
        Some(v.attr("w:val").unwrap_or("continue").to_string())
    };
    let block: Vec<Option<String>> = rows[8..].iter().map(|r| vmerge(r)).collect();
    assert!(block.iter().all(|v| v.is_some()), "{block:?}");
    let restarts: Vec<usize> = block
        .iter()
        .enumerate()
        .filter(|(_, v)| v.as_deref() == Some("restart"))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(restarts.len(), 2, "案例简介 and 推荐单位意见: {block:?}");
    assert_eq!(restarts[0], 0);
    // The 案例简介 block spans all of the case text: at least one row per printed paragraph.
    let case = sample_ready();
    let paras: usize = [
        SectionKey::Intro,
        SectionKey::Practices,
        SectionKey::Results,
        SectionKey::Lessons,
    ]
    .iter()
    .map(|k| paragraphs(&case, *k).len())
    .sum();
    assert!(
        restarts[1] >= paras - 4,
        "{} rows for {paras} paragraphs",
        restarts[1]
    );
    for r in &rows[8..] {
        assert_eq!(spans(r), spans(rows[1]), "label | text");
    }
    // No row has an exact height (nothing clipped); upper rows have a minimum height.
    for r in &rows {
        if let Some(h) = r.child("w:trPr").and_then(|p| p.child("w:trHeight")) {
            assert_ne!(h.attr("w:hRule"), Some("exact"));
        }
    }
}

#[test]
fn every_run_declares_its_fonts_and_size() {
    let campaign = Campaign::current();
    let bytes = build_docx(&common::sample_case(), &campaign, &[picture(40, 30, "图")]).unwrap();
    let entries = unzip(&bytes);
    for name in entries.keys().filter(|n| {
        n.starts_with("word/")
            && n.ends_with(".xml")
            && (n.contains("document") || n.contains("header") || n.contains("footer"))
    }) {
        let doc = parse(&part(&entries, name));
        let runs = doc.find_all("w:r");
        assert!(!runs.is_empty(), "{name}");
        for r in runs {
            let rpr = r
                .child("w:rPr")
                .unwrap_or_else(|| panic!("{name}: run without rPr"));
            let f = rpr
                .child("w:rFonts")
                .unwrap_or_else(|| panic!("{name}: run without rFonts"));
            let ea = f.attr("w:eastAsia").unwrap_or("");
            assert!(
                ["仿宋_GB2312", "宋体", "黑体", "方正小标宋简体"].contains(&ea),
                "{name}: eastAsia {ea:?}"
            );
            assert_eq!(f.attr("w:ascii"), Some("Times New Roman"));
            let sz: u32 = rpr
                .child("w:sz")
                .unwrap()
                .attr("w:val")
                .unwrap()
                .parse()
                .unwrap();
            // 小二 36, 三号 32, 小三 30, 小四 24, 五号 21 (half-points).
            assert!([36, 32, 30, 24, 21].contains(&sz), "{name}: size {sz}");
            assert!(rpr.child("w:szCs").is_some());
            // Headings in 黑体, title in 方正小标宋简体: fonts follow the role.
            let t = r.text();
            if t.starts_with("一、") || t.starts_with("二、") {
                assert_eq!(ea, "黑体", "{t}");
            }
            if t == campaign.form_title {
                assert_eq!((ea, sz), ("方正小标宋简体", 36));
            }
        }
    }
}

#[test]
fn body_paragraphs_are_justified_with_exact_spacing_and_a_2字_indent() {
    let case = sample_ready();
    let bytes = build_docx(&case, &Campaign::current(), &[]).unwrap();
    let doc = parse(&part(&unzip(&bytes), "word/document.xml"));
    let first_practice = paragraphs(&case, SectionKey::Practices)[0].clone();
    let p = doc
        .find_all("w:p")
        .into_iter()
        .find(|p| p.text().starts_with(&first_practice.lead))
        .expect("the first 典型做法 paragraph");
    let ppr = p.child("w:pPr").unwrap();
    assert_eq!(ppr.child("w:jc").unwrap().attr("w:val"), Some("both"));
    assert_eq!(ppr.child("w:ind").unwrap().attr("w:firstLine"), Some("480"));
    let sp = ppr.child("w:spacing").unwrap();
    assert_eq!(sp.attr("w:lineRule"), Some("exact"));
    assert_eq!(sp.attr("w:line"), Some("400"));
    // The lead (number + highlight) is bold, the text after it is not.
    let runs: Vec<&El> = p.children.iter().filter(|c| c.name == "w:r").collect();
    let bold = |r: &El| r.child("w:rPr").unwrap().child("w:b").is_some();
    assert!(bold(runs[0]));
    assert_eq!(runs[0].text(), first_practice.lead);
    assert!(runs[1..].iter().all(|r| !bold(r)));
    // A4 portrait, default document grid.
    let sect = doc.find_all("w:sectPr")[0];
    let pg = sect.child("w:pgSz").unwrap();
    assert_eq!(
        (pg.attr("w:w"), pg.attr("w:h")),
        (Some("11906"), Some("16838"))
    );
    assert_eq!(pg.attr("w:orient"), None);
    assert_eq!(
        sect.child("w:docGrid").unwrap().attr("w:type"),
        Some("default")
    );
}

#[test]
fn schema_order_pr_first_sectpr_last() {
    let bytes = build_docx(&common::sample_case(), &Campaign::current(), &[]).unwrap();
    let entries = unzip(&bytes);
    let doc = parse(&part(&entries, "word/document.xml"));
    let body = doc.child("w:body").unwrap();
    assert_eq!(body.children.last().unwrap().name, "w:sectPr");
    let first_is = |parent: &str, first: &str| {
        for el in doc.find_all(parent) {
            if let Some(i) = el.children.iter().position(|c| c.name == first) {
                assert_eq!(i, 0, "{first} not first in {parent}");
            }
        }
    };
    // Paragraph ids unique.
    let ids: Vec<&str> = doc
        .find_all("w:p")
        .iter()
        .filter_map(|p| p.attr("w14:paraId"))
        .collect();
    let unique: std::collections::BTreeSet<&&str> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate w14:paraId");
    first_is("w:p", "w:pPr");
    first_is("w:r", "w:rPr");
    first_is("w:tc", "w:tcPr");
    first_is("w:tr", "w:trPr");
    first_is("w:tbl", "w:tblPr");
    for ppr in doc.find_all("w:pPr") {
        if let Some(i) = ppr.children.iter().position(|c| c.name == "w:rPr") {
            assert_eq!(i, ppr.children.len() - 1, "rPr last in pPr");
        }
    }
    // No attribute the schema does not declare on gridCol.
    for g in doc.find_all("w:gridCol") {
        assert_eq!(g.attrs.len(), 1, "{:?}", g.attrs);
    }
}

#[test]
fn pictures_are_embedded_as_the_given_jpeg_bytes() {
    let pics = vec![picture(776, 582, "直播间"), picture(300, 400, "绣娘")];
    let bytes = build_docx(&sample_ready(), &Campaign::current(), &pics).unwrap();
    let entries = unzip(&bytes);
    let media: Vec<&String> = entries
        .keys()
        .filter(|n| n.starts_with("word/media/"))
        .collect();
    assert_eq!(media.len(), 2, "{media:?}");
    for (name, p) in media.iter().zip(&pics) {
        assert!(name.ends_with(".jpeg"), "{name}");
        let (data, method) = &entries[*name];
        assert_eq!(data, &p.jpeg, "{name} is not the JPEG given (re-encoded?)");
        assert_eq!(*method, zip::CompressionMethod::Stored);
    }
    assert!(!entries.keys().any(|n| n.ends_with(".png")));
    let rels = part(&entries, "word/_rels/document.xml.rels");
    assert_eq!(rels.matches(".jpeg\"").count(), 2, "{rels}");
    let ct = part(&entries, "[Content_Types].xml");
    assert!(
        ct.contains(r#"<Default Extension="jpeg" ContentType="image/jpeg"/>"#),
        "{ct}"
    );
    // Captions printed, numbered.
    let text = parse(&part(&entries, "word/document.xml")).text();
    assert!(
        text.contains("图1　直播间") && text.contains("图2　绣娘"),
        "{text}"
    );
    // Printed size: a 4:3 landscape picture is 8.5 cm high; nothing exceeds the column.
    let doc = parse(&part(&entries, "word/document.xml"));
    let ids: std::collections::BTreeSet<&str> = doc
        .find_all("wp:docPr")
        .iter()
        .map(|d| d.attr("id").unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "drawing ids must be unique: {ids:?}");
    let extents = doc.find_all("wp:extent");
    assert_eq!(extents.len(), 2);
    let cy: u64 = extents[0].attr("cy").unwrap().parse().unwrap();
    assert_eq!(cy, 4819 * 635);
    for e in extents {
        let cx: u64 = e.attr("cx").unwrap().parse().unwrap();
        assert!(cx <= 6803 * 635);
    }
}

#[test]
fn a_bad_picture_is_a_clear_error() {
    let mut bad = picture(10, 10, "村口合影");
    bad.jpeg = b"\x89PNG\r\n\x1a\n not a jpeg".to_vec();
    let e = build_docx(
        &sample_ready(),
        &Campaign::current(),
        &[picture(10, 10, "a"), bad],
    )
    .unwrap_err();
    assert!(matches!(e, DocxError::Picture { index: 2, .. }), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("第 2 张图片") && msg.contains("村口合影") && msg.contains("重新选择"),
        "{msg}"
    );
    let mut cut = picture(50, 50, "");
    cut.jpeg.truncate(cut.jpeg.len() / 2);
    let msg = build_docx(&sample_ready(), &Campaign::current(), &[cut])
        .unwrap_err()
        .to_string();
    assert!(msg.contains("不完整"), "{msg}");
}

#[test]
fn the_package_is_compressed_and_its_content_types_complete() {
    let bytes = build_docx(
        &common::sample_case(),
        &Campaign::current(),
        &[picture(20, 20, "")],
    )
    .unwrap();
    let entries = unzip(&bytes);
    let names: Vec<&String> = entries.keys().collect();
    let mut z = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
    assert_eq!(
        z.by_index(0).unwrap().name().unwrap(),
        "[Content_Types].xml"
    );
    let ct = part(&entries, "[Content_Types].xml");
    for (name, (data, method)) in &entries {
        if name.ends_with(".xml") || name.ends_with(".rels") {
            assert_eq!(*method, zip::CompressionMethod::Deflated, "{name}");
            assert!(
                std::str::from_utf8(data).unwrap().starts_with("<?xml"),
                "{name}"
            );
        }
        if name == "[Content_Types].xml" {
            continue;
        }
        let ext = name.rsplit('.').next().unwrap();
        let declared = ct.contains(&format!("PartName=\"/{name}\""))
            || ct.contains(&format!("Extension=\"{ext}\""));
        assert!(declared, "{name} has no content type");
    }
    // Every override names a part that exists.
    for o in ct.split("PartName=\"/").skip(1) {
        let n = &o[..o.find('"').unwrap()];
        assert!(entries.contains_key(n), "override for missing {n}");
    }
    // The parts Word needs, and a theme; no unused parts left over from docx-rs.
    for needed in [
        "word/document.xml",
        "word/styles.xml",
        "word/settings.xml",
        "word/fontTable.xml",
        "word/theme/theme1.xml",
        "docProps/core.xml",
        "docProps/app.xml",
        "_rels/.rels",
    ] {
        assert!(
            entries.contains_key(needed),
            "{needed} missing in {names:?}"
        );
    }
    assert!(!entries.contains_key("word/comments.xml"), "{names:?}");
    // Whole file is much smaller than its parts.
    let raw: usize = entries.values().map(|(d, _)| d.len()).sum();
    assert!(bytes.len() * 3 < raw, "{} vs {raw}", bytes.len());
}

#[test]
fn document_properties_and_fonts() {
    let campaign = Campaign::current();
    let case = sample_ready();
    let entries = unzip(&build_docx(&case, &campaign, &[]).unwrap());
    let core = part(&entries, "docProps/core.xml");
    assert!(
        core.contains(&format!(
            "<dc:title>{} — 李明</dc:title>",
            campaign.form_title
        )),
        "{core}"
    );
    assert!(
        core.contains("<dc:creator>台江县人民政府</dc:creator>"),
        "{core}"
    );
    assert!(
        core.contains("<dcterms:created xsi:type=\"dcterms:W3CDTF\">20"),
        "{core}"
    );
    assert!(
        core.contains("<dcterms:modified xsi:type=\"dcterms:W3CDTF\">20"),
        "{core}"
    );
    let app = part(&entries, "docProps/app.xml");
    assert!(
        app.contains("<Application>案例填报助手</Application>"),
        "{app}"
    );
    let fonts = part(&entries, "word/fontTable.xml");
    for f in [
        "仿宋_GB2312",
        "宋体",
        "黑体",
        "方正小标宋简体",
        "Times New Roman",
    ] {
        assert!(fonts.contains(&format!("w:name=\"{f}\"")), "{f}");
    }
    assert!(fonts.contains(r#"<w:altName w:val="仿宋"/>"#));
    let styles = part(&entries, "word/styles.xml");
    assert!(styles.contains(r#"w:eastAsia="zh-CN""#));
}

#[test]
fn draft_mark_iff_not_ready() {
    let campaign = Campaign::current();
    let headers_text = |case: &Case| -> String {
        let e = unzip(&build_docx(case, &campaign, &[]).unwrap());
        e.keys()
            .filter(|n| n.starts_with("word/header"))
            .map(|n| parse(&part(&e, n)).text())
            .collect()
    };
    let mut c = common::sample_case();
    c.status = Status::Draft;
    assert!(headers_text(&c).contains(DRAFT_MARK));
    let e = unzip(&build_docx(&c, &campaign, &[]).unwrap());
    assert!(part(&e, "docProps/core.xml").contains("草稿"));
    // The header is referenced from the section.
    assert!(part(&e, "word/document.xml").contains("w:headerReference"));
    c.status = Status::Ready;
    assert!(!headers_text(&c).contains("草稿"));
    let e = unzip(&build_docx(&c, &campaign, &[]).unwrap());
    assert!(!part(&e, "word/document.xml").contains("草稿"));
    assert!(!part(&e, "docProps/core.xml").contains("草稿"));
    // An empty new case is a draft.
    assert!(headers_text(&Case::new()).contains(DRAFT_MARK));
}

#[test]
fn awkward_text_is_escaped_and_control_characters_dropped() {
    let mut c = sample_ready();
    c.person.name = "A&B <C> \"D\"".into();
    c.results = "甲\u{0}乙\u{7}丙 & <丁>".into();
    let bytes = build_docx(&c, &Campaign::current(), &[]).unwrap();
    let text = parse(&part(&unzip(&bytes), "word/document.xml")).text();
    assert!(text.contains("A&B <C> \"D\""), "{text}");
    assert!(text.contains("甲乙丙 & <丁>"), "{text}");
}

/// Word clips an unsplittable row taller than a page: whatever the clerk pasted, no
/// unsplittable row may hold more than about two thirds of a page of text.
#[test]
fn no_unsplittable_row_is_taller_than_a_page() {
    let mut c = sample_ready();
    let long = "长".repeat(3000);
    c.business.field = long.clone();
    c.person.name = "名".repeat(400);
    c.practices[0].text = long.clone();
    c.opinion = long.clone();
    let pics = [picture(40, 30, &long)];
    let bytes = build_docx(&c, &Campaign::current(), &pics).unwrap();
    let doc = parse(&part(&unzip(&bytes), "word/document.xml"));
    for (i, tr) in doc.find_all("w:tr").iter().enumerate() {
        let cant = tr
            .child("w:trPr")
            .is_some_and(|p| p.child("w:cantSplit").is_some());
        // Lines: the text cell (7 columns, 31 字 a line) dominates; narrow cells hold 3 字.
        let widest = tr
            .children
            .iter()
            .filter(|c| c.name == "w:tc")
            .map(|tc| {
                let chars = tc.text().chars().count();
                let span: usize = tc
                    .child("w:tcPr")
                    .and_then(|p| p.child("w:gridSpan"))
                    .map_or(1, |g| g.attr("w:val").unwrap().parse().unwrap());
                chars
                    / if span >= 7 {
                        31
                    } else if span >= 3 {
                        12
                    } else {
                        3
                    }
            })
            .max()
            .unwrap_or(0);
        assert!(
            !cant || widest <= 24,
            "row {i}: unsplittable with ~{widest} lines"
        );
    }
}

#[test]
fn empty_case_builds() {
    let bytes = build_docx(&Case::new(), &Campaign::current(), &[]).unwrap();
    let e = unzip(&bytes);
    let text = no_space(&parse(&part(&e, "word/document.xml")).text());
    // The form's own pattern for 所在地区, blank to write in.
    assert!(text.contains("省（区）市县乡（镇）村"), "{text}");
    assert!(text.contains("推荐单位：年月日"), "{text}");
}

#[test]
fn file_names() {
    let mut c = sample_ready();
    assert_eq!(docx_file_name(1, &c), "01_李明_推荐表.docx");
    assert_eq!(docx_file_name(20, &c), "20_李明_推荐表.docx");
    assert_eq!(docx_file_name(123, &c), "123_李明_推荐表.docx");
    c.person.name = "李/明:*?\"<>|".into();
    assert_eq!(docx_file_name(2, &c), "02_李_明________推荐表.docx");
    c.person.name = String::new();
    c.intro.title = String::new();
    assert_eq!(docx_file_name(3, &c), "03_未命名案例_推荐表.docx");
    c.intro.title = "李明：助农直播让非物质文化遗产“活”起来".into();
    assert_eq!(
        docx_file_name(4, &c),
        "04_李明：助农直播让非物质文化遗产“活”起来_推荐表.docx"
    );
}

fn dir_entries(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn atomic_write_writes_and_replaces() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("01_李明_推荐表.docx");
    write_docx_atomic(b"first", &path).unwrap();
    write_docx_atomic(b"second", &path).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"second");
    assert_eq!(dir_entries(dir.path()), ["01_李明_推荐表.docx"]);
}

#[test]
fn atomic_write_failures_name_the_place_and_leave_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    // A folder that does not exist.
    let missing = dir.path().join("没有这个文件夹").join("a.docx");
    let e = write_docx_atomic(b"x", &missing).unwrap_err();
    assert!(matches!(e, DocxError::FolderMissing { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("没有这个文件夹") && msg.contains("不存在"),
        "{msg}"
    );
    // A "folder" that is a file.
    let file = dir.path().join("是文件");
    std::fs::write(&file, b"").unwrap();
    let e = write_docx_atomic(b"x", &file.join("a.docx")).unwrap_err();
    assert!(matches!(e, DocxError::NotAFolder { .. }), "{e:?}");
    assert!(e.to_string().contains("不是文件夹"), "{e}");
    // A target that is a folder.
    let sub = dir.path().join("子文件夹.docx");
    std::fs::create_dir(&sub).unwrap();
    let e = write_docx_atomic(b"x", &sub).unwrap_err();
    assert!(matches!(e, DocxError::IsAFolder { .. }), "{e:?}");
    assert_eq!(dir_entries(dir.path()), ["子文件夹.docx", "是文件"]);
}

#[cfg(unix)]
#[test]
fn atomic_write_into_a_read_only_folder() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let ro = dir.path().join("只读");
    std::fs::create_dir(&ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    // root ignores permissions: use a read-only mount instead, if one can be made.
    if std::fs::write(ro.join("probe"), b"").is_ok() {
        std::fs::remove_file(ro.join("probe")).unwrap();
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "ro,size=64k", "tmpfs"])
            .arg(&ro)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !mounted {
            eprintln!("running as root without mount: read-only folder not testable");
            return;
        }
        let e = write_docx_atomic(b"x", &ro.join("a.docx")).unwrap_err();
        let _ = std::process::Command::new("umount").arg(&ro).status();
        assert!(matches!(e, DocxError::ReadOnly { .. }), "{e:?}");
        assert!(e.to_string().contains("只读"), "{e}");
        return;
    }
    let e = write_docx_atomic(b"x", &ro.join("a.docx")).unwrap_err();
    assert!(matches!(e, DocxError::ReadOnly { .. }), "{e:?}");
    assert!(e.to_string().contains("只读"), "{e}");
    assert!(dir_entries(&ro).is_empty());
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A full disk: Linux's /dev/full fails every write with ENOSPC; a symlink to it in the target
/// folder cannot be used (the temp file is created fresh), so write through a tiny tmpfs when
/// one can be mounted, else skip.
#[cfg(target_os = "linux")]
#[test]
fn atomic_write_on_a_full_disk_leaves_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let mnt = dir.path().join("满");
    std::fs::create_dir(&mnt).unwrap();
    let ok = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&mnt)
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("cannot mount a tmpfs here: full-disk case not tested");
        return;
    }
    let path = mnt.join("a.docx");
    let result = std::panic::catch_unwind(|| {
        write_docx_atomic(b"old", &path).unwrap();
        let e = write_docx_atomic(&vec![7u8; 1 << 20], &path).unwrap_err();
        assert!(matches!(e, DocxError::DiskFull { .. }), "{e:?}");
        assert!(e.to_string().contains("磁盘空间不足"), "{e}");
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(dir_entries(&mnt), ["a.docx"]);
    });
    let _ = std::process::Command::new("umount").arg(&mnt).status();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

/// The worst case for size: three print-size pictures of pure noise (JPEG cannot compress
/// them), as the media pipeline would hand over for three 12 MP photos.
#[test]
fn three_print_size_pictures_stay_well_under_3_mb() {
    let (w, h) = tianbao::docx::picture_box_px();
    let mut state = 0x1234_5678u32;
    let pics: Vec<PrintPicture> = (0..3)
        .map(|i| {
            let img = image::RgbImage::from_fn(w, h, |_, _| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                let b = state.to_le_bytes();
                image::Rgb([b[0], b[1], b[2]])
            });
            let mut jpeg = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
                .encode_image(&img)
                .unwrap();
            PrintPicture {
                jpeg,
                width_px: w,
                height_px: h,
                caption: format!("噪声 {i}"),
            }
        })
        .collect();
    let bytes = build_docx(&sample_ready(), &Campaign::current(), &pics).unwrap();
    let jpegs: usize = pics.iter().map(|p| p.jpeg.len()).sum();
    assert!(bytes.len() < 3_000_000, "{} bytes", bytes.len());
    // The package adds little beyond the pictures themselves.
    assert!(bytes.len() < jpegs + 60_000, "{} vs {jpegs}", bytes.len());
    eprintln!(
        "worst case: 3 noise pictures {w}×{h}: docx {} bytes",
        bytes.len()
    );
}

#[test]
fn stored_pictures_are_printed_from_the_blob_store_and_cached() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = tianbao::store::Store::open(&dir.path().join("t.db")).unwrap();
    let blobs = store.library().blobs().unwrap();
    let src = dir.path().join("直播间.png");
    image::RgbImage::from_pixel(3000, 2000, image::Rgb([10, 120, 60]))
        .save(&src)
        .unwrap();
    let mut att = blobs.put_file(&src).unwrap();
    att.caption = "直播间".into();
    let mut case = common::sample_case();
    case.media.pictures = vec![att.clone()];
    store.save_case(&case).unwrap();

    let bytes = tianbao::docx::case_docx(&store.library(), &case).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().to_string()).collect();
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("word/media/") && n.ends_with(".jpeg")),
        "{names:?}"
    );
    let cache = store.blob_dir().join("print-cache");
    assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 1);
    let _ = zip.by_name("word/document.xml").unwrap();

    // The stored copy vanished: a message naming the picture, not a panic.
    std::fs::remove_dir_all(&cache).unwrap();
    std::fs::remove_file(blobs.path_of(&att.sha256).unwrap()).unwrap();
    let e = tianbao::docx::case_docx(&store.library(), &case)
        .unwrap_err()
        .to_string();
    assert!(e.contains("直播间") && e.contains("缺失"), "{e}");
}

#[test]
fn units_typed_into_number_fields_print_once() {
    let campaign = Campaign::current();
    let mut case = sample_ready();
    case.business.team_size = "12人".into();
    case.business.years = "5 年".into();
    case.business.annual_revenue = "1260万元".into();
    let bytes = build_docx(&case, &campaign, &[]).unwrap();
    let text = no_space(&parse(&part(&unzip(&bytes), "word/document.xml")).text());
    assert!(text.contains("团队规模（人）12直播平台"), "{text}");
    assert!(text.contains("直播从业时间（年）5年营业额"), "{text}");
    assert!(text.contains("年营业额（万元）1260联系方式"), "{text}");
}
