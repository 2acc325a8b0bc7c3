//! Post-processing of what docx-rs 0.4.22 builds, in one place. docx-rs breaks OOXML validity
//! in known ways (each listed below, each caught by `openxml-audit` in `tests/docx/`); after
//! `Docx::build()` this module:
//!
//! 1. stores JPEG media as `.jpeg` (docx-rs names every image `.png`) and points the
//!    relationships at the new names;
//! 2. removes what the schema does not allow where docx-rs puts it (`w:type` on `w:gridCol`,
//!    `w:rPr` inside the `w:pPr` of styles and numbering levels) and puts child elements in the order the WordprocessingML schema requires (`pPr`/`rPr` first,
//!    `tblPr` before `tblGrid`, `tcPr` first, `sectPr` last, property children in sequence…);
//!    and gives every drawing and every paragraph a unique id (docx-rs numbers every picture 1
//!    and gives the empty paragraphs it adds to cells the same `w14:paraId`);
//! 3. writes the document properties (title, subject, author = 推荐单位, keywords, dates) and
//!    the application name;
//! 4. declares the fonts used, with the names Word substitutes when one is missing;
//! 5. declares East Asian language zh-CN in the document defaults;
//! 6. regenerates `[Content_Types].xml` from the parts actually present (footnotes included);
//! 7. zips everything with deflate (media stored: JPEG does not compress).
//!
//! Result: 0 errors from `openxml-audit`.

use super::xml::{Element, Node, XmlDoc, DECLARATION};
use std::collections::BTreeMap;
use std::io::{Cursor, Write};

/// One part of the package: its name inside the zip (no leading slash) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part {
    pub name: String,
    pub data: Vec<u8>,
}

/// A font the document uses, as declared in word/fontTable.xml.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FontDecl {
    pub name: &'static str,
    /// The name Word uses when `name` is not installed.
    pub alt: Option<&'static str>,
    /// Hex charset: "86" = GB2312, "00" = ANSI.
    pub charset: &'static str,
    pub family: &'static str,
    pub panose: &'static str,
}

/// What goes into docProps and the font table.
#[derive(Debug, Clone, Default)]
pub(crate) struct Properties {
    pub title: String,
    pub subject: String,
    /// dc:creator — the 推荐单位.
    pub creator: String,
    pub keywords: String,
    pub description: String,
    /// W3CDTF, e.g. "2024-05-20T08:00:00Z".
    pub created: String,
    pub modified: String,
    pub application: String,
    pub fonts: Vec<FontDecl>,
    /// Custom document properties (name, text), e.g. the case id the reader finds again.
    pub custom: Vec<(String, String)>,
}

/// The parts of a built docx-rs document, named as docx-rs's own packer names them.
pub(crate) fn parts_of(x: docx_rs::XMLDocx) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut add = |name: String, data: Vec<u8>| parts.push(Part { name, data });
    add("[Content_Types].xml".into(), x.content_type);
    add("_rels/.rels".into(), x.rels);
    add("docProps/app.xml".into(), x.doc_props.app);
    add("docProps/core.xml".into(), x.doc_props.core);
    add("docProps/custom.xml".into(), x.doc_props.custom);
    add("word/_rels/document.xml.rels".into(), x.document_rels);
    add("word/document.xml".into(), x.document);
    add("word/styles.xml".into(), x.styles);
    add("word/settings.xml".into(), x.settings);
    add("word/fontTable.xml".into(), x.font_table);
    add("word/comments.xml".into(), x.comments);
    add("word/numbering.xml".into(), x.numberings);
    add("word/commentsExtended.xml".into(), x.comments_extended);
    add("word/footnotes.xml".into(), x.footnotes);
    for (i, h) in x.headers.into_iter().enumerate() {
        add(format!("word/header{}.xml", i + 1), h);
        if let Some(r) = x.header_rels.get(i) {
            add(format!("word/_rels/header{}.xml.rels", i + 1), r.clone());
        }
    }
    for (i, f) in x.footers.into_iter().enumerate() {
        add(format!("word/footer{}.xml", i + 1), f);
        if let Some(r) = x.footer_rels.get(i) {
            add(format!("word/_rels/footer{}.xml.rels", i + 1), r.clone());
        }
    }
    for (id, bytes) in x.media {
        add(format!("word/media/{id}.png"), bytes);
    }
    parts
}

/// Repairs the parts and zips them into the bytes of a .docx.
pub(crate) fn fixup(mut parts: Vec<Part>, props: &Properties) -> Result<Vec<u8>, String> {
    drop_unreachable(&mut parts)?;
    add_theme(&mut parts)?;
    rename_media(&mut parts)?;
    let (mut drawings, mut paras) = (0, 0);
    for part in parts.iter_mut() {
        let name = part.name.as_str();
        let replaced = match name {
            "docProps/core.xml" => Some(core_xml(props)),
            "docProps/app.xml" => Some(app_xml(props)),
            "docProps/custom.xml" => Some(custom_xml(props)),
            "word/fontTable.xml" if !props.fonts.is_empty() => Some(font_table_xml(&props.fonts)),
            _ => None,
        };
        if let Some(bytes) = replaced {
            part.data = bytes;
            continue;
        }
        if name.starts_with("word/") && name.ends_with(".xml") {
            let mut doc = XmlDoc::parse(&part.data).map_err(|e| format!("{name}：{e}"))?;
            if name == "word/styles.xml" {
                declare_languages(&mut doc.root);
            }
            repair(&mut doc.root);
            number_drawings(&mut doc.root, &mut drawings);
            number_paragraphs(&mut doc.root, &mut paras);
            reorder(&mut doc.root);
            part.data = doc.to_bytes();
        }
    }
    let ct = content_types(&parts)?;
    match parts.iter_mut().find(|p| p.name == "[Content_Types].xml") {
        Some(p) => p.data = ct,
        None => parts.insert(
            0,
            Part {
                name: "[Content_Types].xml".into(),
                data: ct,
            },
        ),
    }
    zip_parts(&parts)
}

/// Marks the first `rows` rows of every table in `word/document.xml` as header rows, repeated
/// at the top of every printed page (`w:tblHeader`; docx-rs 0.4.22 cannot write it). Call before
/// [`fixup`], which puts `w:trPr` where the schema wants it.
pub(crate) fn repeat_header_rows(parts: &mut [Part], rows: usize) -> Result<(), String> {
    let name = "word/document.xml";
    let part = parts
        .iter_mut()
        .find(|p| p.name == name)
        .ok_or_else(|| format!("缺少 {name}"))?;
    let mut doc = XmlDoc::parse(&part.data).map_err(|e| format!("{name}：{e}"))?;
    doc.root.walk_mut(&mut |el| {
        if el.name != "w:tbl" {
            return;
        }
        for tr in el.elements_mut().filter(|e| e.name == "w:tr").take(rows) {
            if tr.find("w:trPr").is_none() {
                tr.children.insert(0, Node::Element(Element::new("w:trPr")));
            }
            let pr = tr.find_mut("w:trPr").expect("just added");
            if pr.find("w:tblHeader").is_none() {
                pr.children.push(Node::Element(Element::new("w:tblHeader")));
            }
        }
    });
    part.data = doc.to_bytes();
    Ok(())
}

// ---- 0. unreachable parts, theme ----------------------------------------------------------

/// The `.rels` part holding the relationships of `part`: `word/document.xml` →
/// `word/_rels/document.xml.rels`; the package's own is `_rels/.rels`.
fn rels_of(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

/// The internal targets of a .rels part, resolved to part names.
fn targets(rels: &Part) -> Result<Vec<String>, String> {
    let doc = XmlDoc::parse(&rels.data).map_err(|e| format!("{}：{e}", rels.name))?;
    let base = rels_base(&rels.name);
    Ok(doc
        .root
        .elements()
        .filter(|r| r.get_attr("TargetMode") != Some("External"))
        .filter_map(|r| r.get_attr("Target"))
        .map(|t| resolve(&base, t))
        .collect())
}

/// Removes the parts no relationship reaches from the package root (and their .rels).
fn drop_unreachable(parts: &mut Vec<Part>) -> Result<(), String> {
    let mut keep: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    keep.insert("[Content_Types].xml".into());
    let mut todo = vec!["_rels/.rels".to_string()];
    while let Some(rels_name) = todo.pop() {
        let Some(rels) = parts.iter().find(|p| p.name == rels_name) else {
            continue;
        };
        if !keep.insert(rels_name.clone()) {
            continue;
        }
        for t in targets(rels)? {
            if keep.insert(t.clone()) {
                todo.push(rels_of(&t));
            }
        }
    }
    parts.retain(|p| keep.contains(&p.name));
    Ok(())
}

const THEME_REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme";

/// Adds `word/theme/theme1.xml` (Word requires a theme relationship on the main part).
fn add_theme(parts: &mut Vec<Part>) -> Result<(), String> {
    let rels_name = "word/_rels/document.xml.rels";
    let Some(rels) = parts.iter_mut().find(|p| p.name == rels_name) else {
        return Err(format!("缺少 {rels_name}"));
    };
    let mut doc = XmlDoc::parse(&rels.data).map_err(|e| format!("{rels_name}：{e}"))?;
    if doc
        .root
        .elements()
        .any(|r| r.get_attr("Type") == Some(THEME_REL))
    {
        return Ok(());
    }
    let ids: Vec<String> = doc
        .root
        .elements()
        .filter_map(|r| r.get_attr("Id").map(str::to_string))
        .collect();
    let id = (1..)
        .map(|n| format!("rIdTheme{n}"))
        .find(|c| !ids.contains(c))
        .expect("a free id");
    doc.root.children.push(Node::Element(
        Element::new("Relationship")
            .attr("Id", &id)
            .attr("Type", THEME_REL)
            .attr("Target", "theme/theme1.xml"),
    ));
    rels.data = doc.to_bytes();
    parts.push(Part {
        name: "word/theme/theme1.xml".into(),
        data: THEME_XML.as_bytes().to_vec(),
    });
    Ok(())
}

/// A minimal Office theme: the standard colours, Times New Roman / 宋体 theme fonts, plain
/// fill, line and effect styles.
const THEME_XML: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="Office Theme"><a:themeElements><a:clrScheme name="Office"><a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1><a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1><a:dk2><a:srgbClr val="44546A"/></a:dk2><a:lt2><a:srgbClr val="E7E6E6"/></a:lt2><a:accent1><a:srgbClr val="4472C4"/></a:accent1><a:accent2><a:srgbClr val="ED7D31"/></a:accent2><a:accent3><a:srgbClr val="A5A5A5"/></a:accent3><a:accent4><a:srgbClr val="FFC000"/></a:accent4><a:accent5><a:srgbClr val="5B9BD5"/></a:accent5><a:accent6><a:srgbClr val="70AD47"/></a:accent6><a:hlink><a:srgbClr val="0563C1"/></a:hlink><a:folHlink><a:srgbClr val="954F72"/></a:folHlink></a:clrScheme><a:fontScheme name="Office"><a:majorFont><a:latin typeface="Times New Roman"/><a:ea typeface=""/><a:cs typeface=""/><a:font script="Hans" typeface="黑体"/></a:majorFont><a:minorFont><a:latin typeface="Times New Roman"/><a:ea typeface=""/><a:cs typeface=""/><a:font script="Hans" typeface="宋体"/></a:minorFont></a:fontScheme><a:fmtScheme name="Office"><a:fillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:fillStyleLst><a:lnStyleLst><a:ln w="6350" cap="flat" cmpd="sng" algn="ctr"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:prstDash val="solid"/><a:miter lim="800000"/></a:ln><a:ln w="12700" cap="flat" cmpd="sng" algn="ctr"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:prstDash val="solid"/><a:miter lim="800000"/></a:ln><a:ln w="19050" cap="flat" cmpd="sng" algn="ctr"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:prstDash val="solid"/><a:miter lim="800000"/></a:ln></a:lnStyleLst><a:effectStyleLst><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle></a:effectStyleLst><a:bgFillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:bgFillStyleLst></a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>"#;

// ---- 1. media ------------------------------------------------------------------------------

/// The file extension a media part's bytes call for.
pub(crate) fn media_extension(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("png")
    } else if bytes.starts_with(b"GIF8") {
        Some("gif")
    } else {
        None
    }
}

/// Renames media parts to the extension their bytes call for and updates every relationship
/// that points at them.
fn rename_media(parts: &mut [Part]) -> Result<(), String> {
    let mut renamed: BTreeMap<String, String> = BTreeMap::new();
    for p in parts.iter_mut() {
        if !p.name.starts_with("word/media/") {
            continue;
        }
        let ext =
            media_extension(&p.data).ok_or_else(|| format!("{} 不是可识别的图片格式", p.name))?;
        let (stem, old_ext) = p.name.rsplit_once('.').unwrap_or((&p.name, ""));
        if old_ext != ext {
            let new = format!("{stem}.{ext}");
            renamed.insert(p.name.clone(), new.clone());
            p.name = new;
        }
    }
    if renamed.is_empty() {
        return Ok(());
    }
    for p in parts.iter_mut() {
        if !p.name.ends_with(".rels") {
            continue;
        }
        let base = rels_base(&p.name);
        let mut doc = XmlDoc::parse(&p.data).map_err(|e| format!("{}：{e}", p.name))?;
        let mut changed = false;
        for rel in doc.root.elements_mut() {
            if rel.get_attr("TargetMode") == Some("External") {
                continue;
            }
            let Some(target) = rel.get_attr("Target").map(str::to_string) else {
                continue;
            };
            let resolved = resolve(&base, &target);
            if let Some(new) = renamed.get(&resolved) {
                let new_target = match target.rsplit_once('/') {
                    Some((dir, _)) => format!("{dir}/{}", new.rsplit('/').next().unwrap_or(new)),
                    None => new.rsplit('/').next().unwrap_or(new).to_string(),
                };
                rel.set_attr_raw("Target", &new_target);
                changed = true;
            }
        }
        if changed {
            p.data = doc.to_bytes();
        }
    }
    Ok(())
}

/// The folder relative targets of a .rels part are resolved against:
/// `word/_rels/document.xml.rels` → `word/`, `_rels/.rels` → ``.
fn rels_base(rels_name: &str) -> String {
    let dir = rels_name
        .rsplit_once("_rels/")
        .map(|(d, _)| d)
        .unwrap_or("");
    dir.to_string()
}

/// Resolves a relationship target against a base folder (handles `/abs`, `./`, `../`).
pub(crate) fn resolve(base: &str, target: &str) -> String {
    let joined = if let Some(abs) = target.strip_prefix('/') {
        abs.to_string()
    } else {
        format!("{base}{target}")
    };
    let mut out: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    out.join("/")
}

// ---- 2. element order ----------------------------------------------------------------------

/// How the children of an element are ordered.
enum Order {
    /// A schema sequence: children sorted by their position in the list; anything not listed
    /// goes after, in its original order.
    Seq(&'static [&'static str]),
    /// These come first, in this order; everything else keeps its order after them.
    First(&'static [&'static str]),
    /// These come last, in this order; everything else keeps its order before them.
    Last(&'static [&'static str]),
}

const P_PR: &[&str] = &[
    "w:pStyle",
    "w:keepNext",
    "w:keepLines",
    "w:pageBreakBefore",
    "w:framePr",
    "w:widowControl",
    "w:numPr",
    "w:suppressLineNumbers",
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
];

const R_PR: &[&str] = &[
    "w:rStyle",
    "w:rFonts",
    "w:b",
    "w:bCs",
    "w:i",
    "w:iCs",
    "w:caps",
    "w:smallCaps",
    "w:strike",
    "w:dstrike",
    "w:outline",
    "w:shadow",
    "w:emboss",
    "w:imprint",
    "w:noProof",
    "w:snapToGrid",
    "w:vanish",
    "w:webHidden",
    "w:color",
    "w:spacing",
    "w:w",
    "w:kern",
    "w:position",
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
    // A paragraph mark's run properties may also record its own insertion/deletion.
    "w:ins",
    "w:del",
    "w:moveFrom",
    "w:moveTo",
    "w:rPrChange",
];

const TBL_PR: &[&str] = &[
    "w:tblStyle",
    "w:tblpPr",
    "w:tblOverlap",
    "w:bidiVisual",
    "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize",
    "w:tblW",
    "w:jc",
    "w:tblCellSpacing",
    "w:tblInd",
    "w:tblBorders",
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
    "w:tblCaption",
    "w:tblDescription",
    "w:tblPrChange",
];

const TC_PR: &[&str] = &[
    "w:cnfStyle",
    "w:tcW",
    "w:gridSpan",
    "w:hMerge",
    "w:vMerge",
    "w:tcBorders",
    "w:shd",
    "w:noWrap",
    "w:tcMar",
    "w:textDirection",
    "w:tcFitText",
    "w:vAlign",
    "w:hideMark",
    "w:headers",
    "w:cellIns",
    "w:cellDel",
    "w:cellMerge",
    "w:tcPrChange",
];

const BORDERS: &[&str] = &[
    "w:top",
    "w:left",
    "w:start",
    "w:bottom",
    "w:right",
    "w:end",
    "w:insideH",
    "w:insideV",
    "w:tl2br",
    "w:tr2bl",
];

const P_BDR: &[&str] = &[
    "w:top",
    "w:left",
    "w:bottom",
    "w:right",
    "w:between",
    "w:bar",
];

const SECT_PR: &[&str] = &[
    "w:headerReference",
    "w:footerReference",
    "w:footnotePr",
    "w:endnotePr",
    "w:type",
    "w:pgSz",
    "w:pgMar",
    "w:paperSrc",
    "w:pgBorders",
    "w:lnNumType",
    "w:pgNumType",
    "w:cols",
    "w:formProt",
    "w:vAlign",
    "w:noEndnote",
    "w:titlePg",
    "w:textDirection",
    "w:bidi",
    "w:rtlGutter",
    "w:docGrid",
    "w:printerSettings",
    "w:sectPrChange",
];

const STYLE: &[&str] = &[
    "w:name",
    "w:aliases",
    "w:basedOn",
    "w:next",
    "w:link",
    "w:autoRedefine",
    "w:hidden",
    "w:uiPriority",
    "w:semiHidden",
    "w:unhideWhenUsed",
    "w:qFormat",
    "w:locked",
    "w:personal",
    "w:personalCompose",
    "w:personalReply",
    "w:rsid",
    "w:pPr",
    "w:rPr",
    "w:tblPr",
    "w:trPr",
    "w:tcPr",
    "w:tblStylePr",
];

const SETTINGS: &[&str] = &[
    "w:writeProtection",
    "w:view",
    "w:zoom",
    "w:removePersonalInformation",
    "w:removeDateAndTime",
    "w:doNotDisplayPageBoundaries",
    "w:displayBackgroundShape",
    "w:printPostScriptOverText",
    "w:printFractionalCharacterWidth",
    "w:printFormsData",
    "w:embedTrueTypeFonts",
    "w:embedSystemFonts",
    "w:saveSubsetFonts",
    "w:saveFormsData",
    "w:mirrorMargins",
    "w:alignBordersAndEdges",
    "w:bordersDoNotSurroundHeader",
    "w:bordersDoNotSurroundFooter",
    "w:gutterAtTop",
    "w:hideSpellingErrors",
    "w:hideGrammaticalErrors",
    "w:activeWritingStyle",
    "w:proofState",
    "w:formsDesign",
    "w:attachedTemplate",
    "w:linkStyles",
    "w:stylePaneFormatFilter",
    "w:stylePaneSortMethod",
    "w:documentType",
    "w:mailMerge",
    "w:revisionView",
    "w:trackRevisions",
    "w:doNotTrackMoves",
    "w:doNotTrackFormatting",
    "w:documentProtection",
    "w:autoFormatOverride",
    "w:styleLockTheme",
    "w:styleLockQFSet",
    "w:defaultTabStop",
    "w:autoHyphenation",
    "w:consecutiveHyphenLimit",
    "w:hyphenationZone",
    "w:doNotHyphenateCaps",
    "w:showEnvelope",
    "w:summaryLength",
    "w:clickAndTypeStyle",
    "w:defaultTableStyle",
    "w:evenAndOddHeaders",
    "w:bookFoldRevPrinting",
    "w:bookFoldPrinting",
    "w:bookFoldPrintingSheets",
    "w:drawingGridHorizontalSpacing",
    "w:drawingGridVerticalSpacing",
    "w:displayHorizontalDrawingGridEvery",
    "w:displayVerticalDrawingGridEvery",
    "w:doNotUseMarginsForDrawingGridOrigin",
    "w:drawingGridHorizontalOrigin",
    "w:drawingGridVerticalOrigin",
    "w:doNotShadeFormData",
    "w:noPunctuationKerning",
    "w:characterSpacingControl",
    "w:printTwoOnOne",
    "w:strictFirstAndLastChars",
    "w:noLineBreaksAfter",
    "w:noLineBreaksBefore",
    "w:savePreviewPicture",
    "w:doNotValidateAgainstSchema",
    "w:saveInvalidXml",
    "w:ignoreMixedContent",
    "w:alwaysShowPlaceholderText",
    "w:doNotDemarcateInvalidXml",
    "w:saveXmlDataOnly",
    "w:useXSLTWhenSaving",
    "w:saveThroughXslt",
    "w:showXMLTags",
    "w:alwaysMergeEmptyNamespace",
    "w:updateFields",
    "w:hdrShapeDefaults",
    "w:footnotePr",
    "w:endnotePr",
    "w:compat",
    "w:docVars",
    "w:rsids",
    "m:mathPr",
    "w:attachedSchema",
    "w:themeFontLang",
    "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures",
    "w:forceUpgrade",
    "w:captions",
    "w:readModeInkLockDown",
    "w:smartTagType",
    "sl:schemaLibrary",
    "w:shapeDefaults",
    "w:doNotEmbedSmartTags",
    "w:decimalSymbol",
    "w:listSeparator",
];

/// The ordering rule for an element's children, if its schema constrains them.
fn order_of(parent: &Element) -> Option<Order> {
    Some(match parent.name.as_str() {
        "w:p" => Order::First(&["w:pPr"]),
        "w:r" => Order::First(&["w:rPr"]),
        "w:tbl" => Order::First(&["w:tblPr", "w:tblGrid"]),
        "w:tr" => Order::First(&["w:tblPrEx", "w:trPr"]),
        "w:tc" => Order::First(&["w:tcPr"]),
        "w:body" => Order::Last(&["w:sectPr"]),
        "w:pPr" => Order::Seq(P_PR),
        "w:rPr" => Order::Seq(R_PR),
        "w:tblPr" => Order::Seq(TBL_PR),
        "w:tcPr" => Order::Seq(TC_PR),
        "w:tblBorders" | "w:tcBorders" | "w:tblCellMar" | "w:tcMar" => Order::Seq(BORDERS),
        "w:pBdr" => Order::Seq(P_BDR),
        "w:sectPr" => Order::Seq(SECT_PR),
        "w:style" => Order::Seq(STYLE),
        "w:styles" => Order::First(&["w:docDefaults", "w:latentStyles"]),
        "w:docDefaults" => Order::Seq(&["w:rPrDefault", "w:pPrDefault"]),
        "w:settings" => Order::Seq(SETTINGS),
        _ => return None,
    })
}

/// Removes what the schema does not allow where docx-rs writes it:
/// - `w:type` on `w:gridCol` (only `w:w` is declared);
/// - `w:rPr` inside the `w:pPr` of a style, a numbering level or the paragraph defaults
///   (CT_PPrGeneral has none): its formatting moves to the style's own `w:rPr` if that has none.
pub(crate) fn repair(el: &mut Element) {
    if el.name == "w:gridCol" {
        el.attrs.retain(|(k, _)| k != "w:type");
    }
    if matches!(el.name.as_str(), "w:style" | "w:lvl" | "w:pPrDefault") {
        let mut moved: Option<Element> = None;
        if let Some(ppr) = el.find_mut("w:pPr") {
            if let Some(i) = ppr
                .children
                .iter()
                .position(|n| matches!(n, Node::Element(e) if e.name == "w:rPr"))
            {
                if let Node::Element(rpr) = ppr.children.remove(i) {
                    moved = Some(rpr);
                }
            }
        }
        if let Some(rpr) = moved {
            let has_own = el
                .find("w:rPr")
                .is_some_and(|r| r.elements().next().is_some());
            let can_hold = el.name != "w:pPrDefault";
            if !rpr.children.is_empty() && !has_own && can_hold {
                el.children
                    .retain(|n| !matches!(n, Node::Element(e) if e.name == "w:rPr"));
                el.children.push(Node::Element(rpr));
            }
        }
    }
    for c in el.elements_mut() {
        repair(c);
    }
}

/// Gives every drawing object a unique id and a name ("图片 1", …): docx-rs writes
/// `wp:docPr id="1"` for all of them, and Word treats duplicate ids as damage. `next` counts
/// across the parts of the package.
pub(crate) fn number_drawings(root: &mut Element, next: &mut u32) {
    root.walk_mut(&mut |el| {
        if el.name == "wp:inline" || el.name == "wp:anchor" {
            *next += 1;
            let n = *next;
            el.walk_mut(&mut |e| {
                if e.name == "wp:docPr" || e.name == "pic:cNvPr" {
                    e.set_attr_raw("id", &n.to_string());
                    e.set_attr_raw("name", &format!("图片 {n}"));
                }
            });
        }
    });
}

/// Renumbers `w14:paraId` so every paragraph id is unique in the package (docx-rs gives the
/// empty paragraphs it adds to merged cells an id already used). Ids stay below 0x80000000.
pub(crate) fn number_paragraphs(root: &mut Element, next: &mut u32) {
    root.walk_mut(&mut |el| {
        if el.get_attr("w14:paraId").is_some() {
            *next += 1;
            el.set_attr_raw("w14:paraId", &format!("{:08X}", *next));
        }
    });
}

/// Puts the children of every element of the tree in schema order (stable: children of equal
/// rank keep their relative order, so text and runs never move).
pub(crate) fn reorder(root: &mut Element) {
    root.walk_mut(&mut |el| {
        let Some(order) = order_of(el) else { return };
        let rank = |n: &Node| -> usize {
            let name = match n {
                Node::Element(e) => e.name.as_str(),
                _ => "",
            };
            match &order {
                Order::Seq(list) => list.iter().position(|x| *x == name).unwrap_or(list.len()),
                Order::First(list) => list.iter().position(|x| *x == name).unwrap_or(list.len()),
                Order::Last(list) => list.iter().position(|x| *x == name).map_or(0, |i| i + 1),
            }
        };
        if el.children.windows(2).any(|w| rank(&w[0]) > rank(&w[1])) {
            el.children.sort_by_key(|n| rank(n));
        }
    });
}

// ---- 3–5. properties, fonts, languages -----------------------------------------------------

fn core_xml(p: &Properties) -> Vec<u8> {
    let mut root = Element::new("cp:coreProperties")
        .attr(
            "xmlns:cp",
            "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
        )
        .attr("xmlns:dc", "http://purl.org/dc/elements/1.1/")
        .attr("xmlns:dcterms", "http://purl.org/dc/terms/")
        .attr("xmlns:dcmitype", "http://purl.org/dc/dcmitype/")
        .attr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
    for (name, value) in [
        ("dc:title", &p.title),
        ("dc:subject", &p.subject),
        ("dc:creator", &p.creator),
        ("cp:keywords", &p.keywords),
        ("dc:description", &p.description),
        ("cp:lastModifiedBy", &p.creator),
    ] {
        if !value.trim().is_empty() {
            root = root.child(Element::new(name).text(value.trim()));
        }
    }
    root = root.child(Element::new("cp:revision").text("1"));
    for (name, value) in [
        ("dcterms:created", &p.created),
        ("dcterms:modified", &p.modified),
    ] {
        if !value.is_empty() {
            root = root.child(
                Element::new(name)
                    .attr("xsi:type", "dcterms:W3CDTF")
                    .text(value),
            );
        }
    }
    doc_bytes(root)
}

fn app_xml(p: &Properties) -> Vec<u8> {
    let mut root = Element::new("Properties")
        .attr(
            "xmlns",
            "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
        )
        .attr(
            "xmlns:vt",
            "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
        );
    if !p.application.is_empty() {
        root = root.child(Element::new("Application").text(&p.application));
    }
    root = root.child(Element::new("DocSecurity").text("0"));
    if !p.creator.trim().is_empty() {
        root = root.child(Element::new("Company").text(p.creator.trim()));
    }
    doc_bytes(root)
}

/// docProps/custom.xml: one text property per entry of `p.custom`.
fn custom_xml(p: &Properties) -> Vec<u8> {
    let mut root = Element::new("Properties")
        .attr(
            "xmlns",
            "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
        )
        .attr(
            "xmlns:vt",
            "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
        );
    for (i, (name, value)) in p.custom.iter().enumerate() {
        root = root.child(
            Element::new("property")
                .attr("fmtid", "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}")
                .attr("pid", &(i + 2).to_string())
                .attr("name", name)
                .child(Element::new("vt:lpwstr").text(value)),
        );
    }
    doc_bytes(root)
}

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

fn font_table_xml(fonts: &[FontDecl]) -> Vec<u8> {
    let mut root = Element::new("w:fonts").attr("xmlns:w", W_NS);
    for f in fonts {
        let mut el = Element::new("w:font").attr("w:name", f.name);
        if let Some(alt) = f.alt {
            el = el.child(Element::new("w:altName").attr("w:val", alt));
        }
        el = el
            .child(Element::new("w:panose1").attr("w:val", f.panose))
            .child(Element::new("w:charset").attr("w:val", f.charset))
            .child(Element::new("w:family").attr("w:val", f.family))
            .child(Element::new("w:pitch").attr("w:val", "variable"));
        root = root.child(el);
    }
    doc_bytes(root)
}

/// Declares zh-CN as the East Asian language of the document defaults, so Word applies
/// Chinese line-breaking rules and does not flag the text as misspelt.
fn declare_languages(styles: &mut Element) {
    if styles.find("w:docDefaults").is_none() {
        styles
            .children
            .insert(0, Node::Element(Element::new("w:docDefaults")));
    }
    let dd = styles.find_mut("w:docDefaults").expect("inserted");
    if dd.find("w:rPrDefault").is_none() {
        dd.children
            .insert(0, Node::Element(Element::new("w:rPrDefault")));
    }
    let rd = dd.find_mut("w:rPrDefault").expect("inserted");
    if rd.find("w:rPr").is_none() {
        rd.children.push(Node::Element(Element::new("w:rPr")));
    }
    let rpr = rd.find_mut("w:rPr").expect("inserted");
    rpr.children
        .retain(|n| !matches!(n, Node::Element(e) if e.name == "w:lang"));
    rpr.children.push(Node::Element(
        Element::new("w:lang")
            .attr("w:val", "en-US")
            .attr("w:eastAsia", "zh-CN")
            .attr("w:bidi", "ar-SA"),
    ));
}

fn doc_bytes(root: Element) -> Vec<u8> {
    XmlDoc {
        prolog: DECLARATION.to_string(),
        root,
    }
    .to_bytes()
}

// ---- 6. content types ----------------------------------------------------------------------

const RELS_TYPE: &str = "application/vnd.openxmlformats-package.relationships+xml";
const WML: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.";

/// The content type of a part by its name, for the parts a .docx may hold.
fn known_type(name: &str) -> Option<String> {
    let file = name.rsplit('/').next().unwrap_or(name);
    let numbered = |prefix: &str| {
        file.strip_prefix(prefix)
            .and_then(|r| r.strip_suffix(".xml"))
            .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
    };
    let t = match name {
        "word/document.xml" => format!("{WML}document.main+xml"),
        "word/styles.xml" => format!("{WML}styles+xml"),
        "word/settings.xml" => format!("{WML}settings+xml"),
        "word/webSettings.xml" => format!("{WML}webSettings+xml"),
        "word/fontTable.xml" => format!("{WML}fontTable+xml"),
        "word/numbering.xml" => format!("{WML}numbering+xml"),
        "word/comments.xml" => format!("{WML}comments+xml"),
        "word/commentsExtended.xml" => format!("{WML}commentsExtended+xml"),
        "word/footnotes.xml" => format!("{WML}footnotes+xml"),
        "word/endnotes.xml" => format!("{WML}endnotes+xml"),
        "word/theme/theme1.xml" => "application/vnd.openxmlformats-officedocument.theme+xml".into(),
        "docProps/core.xml" => "application/vnd.openxmlformats-package.core-properties+xml".into(),
        "docProps/app.xml" => {
            "application/vnd.openxmlformats-officedocument.extended-properties+xml".into()
        }
        "docProps/custom.xml" => {
            "application/vnd.openxmlformats-officedocument.custom-properties+xml".into()
        }
        _ if name.starts_with("word/") && numbered("header") => format!("{WML}header+xml"),
        _ if name.starts_with("word/") && numbered("footer") => format!("{WML}footer+xml"),
        _ if name.starts_with("word/theme/") && numbered("theme") => {
            "application/vnd.openxmlformats-officedocument.theme+xml".into()
        }
        _ if name.starts_with("customXml/") && numbered("itemProps") => {
            "application/vnd.openxmlformats-officedocument.customXmlProperties+xml".into()
        }
        _ => return None,
    };
    Some(t)
}

fn default_type(ext: &str) -> Option<&'static str> {
    Some(match ext {
        "rels" => RELS_TYPE,
        "xml" => "application/xml",
        "jpeg" | "jpg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        _ => return None,
    })
}

/// `[Content_Types].xml` for exactly the parts present: a Default per extension in use and an
/// Override per part whose type is not its extension's default. Parts docx-rs declared that
/// this table does not know keep docx-rs's declaration.
fn content_types(parts: &[Part]) -> Result<Vec<u8>, String> {
    let mut declared: BTreeMap<String, String> = BTreeMap::new();
    if let Some(old) = parts.iter().find(|p| p.name == "[Content_Types].xml") {
        let doc = XmlDoc::parse(&old.data).map_err(|e| format!("[Content_Types].xml：{e}"))?;
        for o in doc.root.elements().filter(|e| e.local() == "Override") {
            if let (Some(n), Some(t)) = (o.get_attr("PartName"), o.get_attr("ContentType")) {
                declared.insert(n.trim_start_matches('/').to_string(), t.to_string());
            }
        }
    }
    let mut defaults: BTreeMap<&str, &str> = BTreeMap::new();
    defaults.insert("rels", RELS_TYPE);
    defaults.insert("xml", "application/xml");
    let mut overrides: Vec<(String, String)> = Vec::new();
    for p in parts {
        if p.name == "[Content_Types].xml" {
            continue;
        }
        let ext = p.name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        if let Some(t) = known_type(&p.name) {
            overrides.push((p.name.clone(), t));
        } else if let Some(t) = default_type(ext) {
            defaults.insert(ext_static(ext), t);
        } else if let Some(t) = declared.get(&p.name) {
            overrides.push((p.name.clone(), t.clone()));
        } else {
            return Err(format!("{} 的内容类型未知", p.name));
        }
    }
    let mut root = Element::new("Types").attr(
        "xmlns",
        "http://schemas.openxmlformats.org/package/2006/content-types",
    );
    for (ext, t) in defaults {
        root = root.child(
            Element::new("Default")
                .attr("Extension", ext)
                .attr("ContentType", t),
        );
    }
    for (name, t) in overrides {
        root = root.child(
            Element::new("Override")
                .attr("PartName", &format!("/{name}"))
                .attr("ContentType", &t),
        );
    }
    Ok(doc_bytes(root))
}

fn ext_static(ext: &str) -> &'static str {
    match ext {
        "rels" => "rels",
        "xml" => "xml",
        "jpeg" => "jpeg",
        "jpg" => "jpg",
        "png" => "png",
        _ => "gif",
    }
}

// ---- 7. zip --------------------------------------------------------------------------------

/// Zips the parts: `[Content_Types].xml` first, XML deflated, media stored.
fn zip_parts(parts: &[Part]) -> Result<Vec<u8>, String> {
    use zip::write::SimpleFileOptions;
    use zip::CompressionMethod;
    let mut order: Vec<&Part> = parts.iter().collect();
    order.sort_by_key(|p| match p.name.as_str() {
        "[Content_Types].xml" => 0,
        "_rels/.rels" => 1,
        n if n.starts_with("word/media/") => 3,
        _ => 2,
    });
    let total: usize = parts.iter().map(|p| p.data.len()).sum();
    let mut zw = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(total / 2 + 4096)));
    let deflated = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(6));
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    for p in order {
        let opts = if p.name.starts_with("word/media/") {
            stored
        } else {
            deflated
        };
        zw.start_file(p.name.as_str(), opts)
            .map_err(|e| format!("打包 {} 失败：{e}", p.name))?;
        zw.write_all(&p.data)
            .map_err(|e| format!("打包 {} 失败：{e}", p.name))?;
    }
    let cursor = zw.finish().map_err(|e| format!("打包失败：{e}"))?;
    Ok(cursor.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(el: &Element) -> Vec<&str> {
        el.elements().map(|e| e.name.as_str()).collect()
    }

    fn parse(s: &str) -> Element {
        XmlDoc::parse(s.as_bytes()).unwrap().root
    }

    #[test]
    fn paragraph_properties_go_first_and_in_sequence() {
        let mut p = parse(
            r#"<w:p><w:r><w:t>甲</w:t><w:rPr><w:sz w:val="24"/><w:b/><w:rFonts w:eastAsia="仿宋_GB2312"/></w:rPr></w:r><w:pPr><w:rPr/><w:jc w:val="both"/><w:ind/><w:spacing/><w:keepNext/></w:pPr><w:r><w:t>乙</w:t></w:r></w:p>"#,
        );
        reorder(&mut p);
        assert_eq!(names(&p), ["w:pPr", "w:r", "w:r"]);
        let ppr = p.find("w:pPr").unwrap();
        assert_eq!(
            names(ppr),
            ["w:keepNext", "w:spacing", "w:ind", "w:jc", "w:rPr"]
        );
        let r = p.find("w:r").unwrap();
        assert_eq!(names(r), ["w:rPr", "w:t"]);
        assert_eq!(names(r.find("w:rPr").unwrap()), ["w:rFonts", "w:b", "w:sz"]);
        // The text of the runs did not move.
        let texts: Vec<String> = p
            .elements()
            .filter(|e| e.name == "w:r")
            .map(|r| match &r.find("w:t").unwrap().children[0] {
                Node::Text(t) => t.clone(),
                _ => String::new(),
            })
            .collect();
        assert_eq!(texts, ["甲", "乙"]);
    }

    #[test]
    fn tables_cells_and_sections() {
        let mut body = parse(
            r#"<w:body><w:sectPr><w:docGrid/><w:pgMar/><w:footerReference/><w:pgSz/><w:cols/><w:headerReference/></w:sectPr><w:tbl><w:tblGrid/><w:tr><w:tc><w:p/><w:tcPr><w:vAlign/><w:tcBorders><w:bottom/><w:top/></w:tcBorders><w:vMerge/><w:gridSpan/><w:tcW/></w:tcPr></w:tc><w:trPr/></w:tr><w:tblPr><w:tblLayout/><w:tblBorders><w:insideV/><w:top/></w:tblBorders><w:tblW/><w:jc/></w:tblPr></w:tbl><w:p/></w:body>"#,
        );
        reorder(&mut body);
        assert_eq!(names(&body), ["w:tbl", "w:p", "w:sectPr"]);
        let sect = body.find("w:sectPr").unwrap();
        assert_eq!(
            names(sect),
            [
                "w:headerReference",
                "w:footerReference",
                "w:pgSz",
                "w:pgMar",
                "w:cols",
                "w:docGrid"
            ]
        );
        let tbl = body.find("w:tbl").unwrap();
        assert_eq!(names(tbl), ["w:tblPr", "w:tblGrid", "w:tr"]);
        assert_eq!(
            names(tbl.find("w:tblPr").unwrap()),
            ["w:tblW", "w:jc", "w:tblBorders", "w:tblLayout"]
        );
        assert_eq!(
            names(tbl.find("w:tblPr").unwrap().find("w:tblBorders").unwrap()),
            ["w:top", "w:insideV"]
        );
        let tr = tbl.find("w:tr").unwrap();
        assert_eq!(names(tr), ["w:trPr", "w:tc"]);
        let tc = tr.find("w:tc").unwrap();
        assert_eq!(names(tc), ["w:tcPr", "w:p"]);
        assert_eq!(
            names(tc.find("w:tcPr").unwrap()),
            ["w:tcW", "w:gridSpan", "w:vMerge", "w:tcBorders", "w:vAlign"]
        );
    }

    #[test]
    fn jpeg_media_is_renamed_and_relationships_follow() {
        let jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 0xFF, 0xD9];
        let png = b"\x89PNG\r\n\x1a\n....".to_vec();
        let mut parts = vec![
            Part {
                name: "word/_rels/document.xml.rels".into(),
                data: br#"<Relationships xmlns="x"><Relationship Id="rIdImage1" Type="t" Target="media/rIdImage1.png"/><Relationship Id="rIdImage2" Type="t" Target="media/rIdImage2.png"/><Relationship Id="rId9" Type="t" Target="http://x/media/rIdImage1.png" TargetMode="External"/></Relationships>"#.to_vec(),
            },
            Part {
                name: "word/_rels/header1.xml.rels".into(),
                data: br#"<Relationships xmlns="x"><Relationship Id="r1" Type="t" Target="/word/media/rIdImage1.png"/></Relationships>"#.to_vec(),
            },
            Part { name: "word/media/rIdImage1.png".into(), data: jpeg },
            Part { name: "word/media/rIdImage2.png".into(), data: png },
        ];
        rename_media(&mut parts).unwrap();
        assert_eq!(parts[2].name, "word/media/rIdImage1.jpeg");
        assert_eq!(parts[3].name, "word/media/rIdImage2.png");
        let rels = String::from_utf8(parts[0].data.clone()).unwrap();
        assert!(rels.contains(r#"Target="media/rIdImage1.jpeg""#), "{rels}");
        assert!(rels.contains(r#"Target="media/rIdImage2.png""#), "{rels}");
        assert!(
            rels.contains(r#"Target="http://x/media/rIdImage1.png""#),
            "{rels}"
        );
        let hdr = String::from_utf8(parts[1].data.clone()).unwrap();
        assert!(
            hdr.contains(r#"Target="/word/media/rIdImage1.jpeg""#),
            "{hdr}"
        );

        let mut bad = vec![Part {
            name: "word/media/x.png".into(),
            data: b"not an image".to_vec(),
        }];
        assert!(rename_media(&mut bad).is_err());
    }

    #[test]
    fn targets_resolve() {
        assert_eq!(rels_base("word/_rels/document.xml.rels"), "word/");
        assert_eq!(rels_base("_rels/.rels"), "");
        assert_eq!(resolve("word/", "media/a.png"), "word/media/a.png");
        assert_eq!(
            resolve("word/", "../customXml/item1.xml"),
            "customXml/item1.xml"
        );
        assert_eq!(resolve("word/", "/word/media/a.png"), "word/media/a.png");
        assert_eq!(resolve("", "word/document.xml"), "word/document.xml");
    }

    #[test]
    fn content_types_cover_every_part() {
        let parts: Vec<Part> = [
            "[Content_Types].xml",
            "_rels/.rels",
            "word/document.xml",
            "word/footnotes.xml",
            "word/header1.xml",
            "word/footer1.xml",
            "word/_rels/document.xml.rels",
            "word/media/a.jpeg",
            "docProps/core.xml",
            "customXml/item1.xml",
        ]
        .iter()
        .map(|n| Part {
            name: n.to_string(),
            data: if *n == "[Content_Types].xml" {
                br#"<Types xmlns="x"/>"#.to_vec()
            } else {
                Vec::new()
            },
        })
        .collect();
        let ct = String::from_utf8(content_types(&parts).unwrap()).unwrap();
        for needle in [
            r#"<Default Extension="jpeg" ContentType="image/jpeg"/>"#,
            r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
            r#"<Default Extension="xml" ContentType="application/xml"/>"#,
            r#"PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml""#,
            r#"PartName="/word/header1.xml""#,
            r#"PartName="/word/footer1.xml""#,
            r#"PartName="/docProps/core.xml""#,
        ] {
            assert!(ct.contains(needle), "{needle} missing in {ct}");
        }
        assert!(!ct.contains("png"), "{ct}");
        assert!(!ct.contains("customXml/item1.xml"), "{ct}");

        let unknown = vec![Part {
            name: "word/media/a.bmp".into(),
            data: Vec::new(),
        }];
        assert!(content_types(&unknown).is_err());
    }

    #[test]
    fn core_properties_carry_title_author_and_dates() {
        let p = Properties {
            title: "推荐表 — 李明 & 王".into(),
            creator: "台江县人民政府".into(),
            created: "2024-05-20T08:00:00Z".into(),
            modified: "2024-05-20T08:00:00Z".into(),
            ..Properties::default()
        };
        let x = String::from_utf8(core_xml(&p)).unwrap();
        assert!(
            x.contains("<dc:title>推荐表 — 李明 &amp; 王</dc:title>"),
            "{x}"
        );
        assert!(x.contains("<dc:creator>台江县人民政府</dc:creator>"), "{x}");
        assert!(x.contains(
            r#"<dcterms:created xsi:type="dcterms:W3CDTF">2024-05-20T08:00:00Z</dcterms:created>"#
        ));
        assert!(!x.contains("dc:subject"), "empty values are left out: {x}");
    }

    #[test]
    fn languages_are_declared_once() {
        let mut s = parse(r#"<w:styles><w:style/></w:styles>"#);
        declare_languages(&mut s);
        declare_languages(&mut s);
        reorder(&mut s);
        let out = String::from_utf8(
            XmlDoc {
                prolog: String::new(),
                root: s,
            }
            .to_bytes(),
        )
        .unwrap();
        assert_eq!(out.matches("w:lang").count(), 1, "{out}");
        assert!(out.contains(r#"<w:styles><w:docDefaults><w:rPrDefault><w:rPr><w:lang w:val="en-US" w:eastAsia="zh-CN""#), "{out}");
    }

    #[test]
    fn xml_parts_are_deflated_and_media_stored() {
        let parts = vec![
            Part {
                name: "word/document.xml".into(),
                data: "<w:document>".repeat(200).into_bytes(),
            },
            Part {
                name: "[Content_Types].xml".into(),
                data: b"<Types/>".to_vec(),
            },
            Part {
                name: "word/media/a.jpeg".into(),
                data: vec![0xFF; 100],
            },
        ];
        let bytes = zip_parts(&parts).unwrap();
        let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        assert_eq!(
            z.by_index(0).unwrap().name().unwrap(),
            "[Content_Types].xml"
        );
        let doc = z.by_name("word/document.xml").unwrap();
        assert_eq!(doc.compression(), zip::CompressionMethod::Deflated);
        assert!(doc.compressed_size() < doc.size() / 10);
        drop(doc);
        assert_eq!(
            z.by_name("word/media/a.jpeg").unwrap().compression(),
            zip::CompressionMethod::Stored
        );
    }

    #[test]
    fn schema_repairs() {
        let mut s = parse(
            r#"<w:styles><w:docDefaults><w:pPrDefault><w:pPr><w:rPr/></w:pPr></w:pPrDefault></w:docDefaults><w:style><w:pPr><w:rPr><w:b/></w:rPr></w:pPr><w:rPr/></w:style><w:tblGrid><w:gridCol w:w="10" w:type="dxa"/></w:tblGrid></w:styles>"#,
        );
        repair(&mut s);
        let out = String::from_utf8(
            XmlDoc {
                prolog: String::new(),
                root: s,
            }
            .to_bytes(),
        )
        .unwrap();
        assert!(
            out.contains("<w:pPrDefault><w:pPr/></w:pPrDefault>"),
            "{out}"
        );
        assert!(
            out.contains("<w:style><w:pPr/><w:rPr><w:b/></w:rPr></w:style>"),
            "{out}"
        );
        assert!(out.contains(r#"<w:gridCol w:w="10"/>"#), "{out}");
    }

    #[test]
    fn unreachable_parts_are_dropped_and_a_theme_added() {
        let rels = |xml: &str| xml.as_bytes().to_vec();
        let mut parts = vec![
            Part {
                name: "[Content_Types].xml".into(),
                data: b"<Types/>".to_vec(),
            },
            Part {
                name: "_rels/.rels".into(),
                data: rels(
                    r#"<Relationships><Relationship Id="rId1" Type="t" Target="word/document.xml"/></Relationships>"#,
                ),
            },
            Part {
                name: "word/_rels/document.xml.rels".into(),
                data: rels(
                    r#"<Relationships><Relationship Id="rId1" Type="t" Target="styles.xml"/><Relationship Id="x" Type="t" Target="http://e/" TargetMode="External"/></Relationships>"#,
                ),
            },
            Part {
                name: "word/document.xml".into(),
                data: b"<w:document/>".to_vec(),
            },
            Part {
                name: "word/styles.xml".into(),
                data: b"<w:styles/>".to_vec(),
            },
            Part {
                name: "word/comments.xml".into(),
                data: b"<w:comments/>".to_vec(),
            },
            Part {
                name: "word/footnotes.xml".into(),
                data: b"<w:footnotes/>".to_vec(),
            },
        ];
        drop_unreachable(&mut parts).unwrap();
        let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "[Content_Types].xml",
                "_rels/.rels",
                "word/_rels/document.xml.rels",
                "word/document.xml",
                "word/styles.xml"
            ]
        );
        add_theme(&mut parts).unwrap();
        add_theme(&mut parts).unwrap();
        assert_eq!(
            parts
                .iter()
                .filter(|p| p.name == "word/theme/theme1.xml")
                .count(),
            1
        );
        let r = String::from_utf8(parts[2].data.clone()).unwrap();
        assert!(r.contains(r#"Target="theme/theme1.xml""#), "{r}");
        assert!(XmlDoc::parse(THEME_XML.as_bytes()).is_ok());
    }

    #[test]
    fn drawings_get_unique_ids_across_parts() {
        let mut body = parse(
            r#"<w:body><w:p><w:r><w:drawing><wp:inline><wp:docPr id="1" name="Figure"/><a:graphic><pic:pic><pic:nvPicPr><pic:cNvPr id="0" name=""/></pic:nvPicPr></pic:pic></a:graphic></wp:inline></w:drawing></w:r></w:p><w:p><w:r><w:drawing><wp:inline><wp:docPr id="1" name="Figure"/></wp:inline></w:drawing></w:r></w:p></w:body>"#,
        );
        let mut header = parse(
            r#"<w:hdr><w:drawing><wp:anchor><wp:docPr id="1"/></wp:anchor></w:drawing></w:hdr>"#,
        );
        let mut n = 0;
        number_drawings(&mut body, &mut n);
        number_drawings(&mut header, &mut n);
        assert_eq!(n, 3);
        let out = |e: Element| {
            String::from_utf8(
                XmlDoc {
                    prolog: String::new(),
                    root: e,
                }
                .to_bytes(),
            )
            .unwrap()
        };
        let b = out(body);
        assert!(b.contains(r#"<wp:docPr id="1" name="图片 1"/>"#), "{b}");
        assert!(b.contains(r#"<pic:cNvPr id="1" name="图片 1"/>"#), "{b}");
        assert!(b.contains(r#"<wp:docPr id="2" name="图片 2"/>"#), "{b}");
        assert!(out(header).contains(r#"<wp:docPr id="3" name="图片 3"/>"#));
    }

    #[test]
    fn paragraph_ids_become_unique() {
        let mut body = parse(
            r#"<w:body><w:p w14:paraId="00000001"/><w:tbl><w:tr><w:tc><w:p w14:paraId="00000001"/></w:tc></w:tr></w:tbl><w:p/></w:body>"#,
        );
        let mut n = 0;
        number_paragraphs(&mut body, &mut n);
        let b = String::from_utf8(
            XmlDoc {
                prolog: String::new(),
                root: body,
            }
            .to_bytes(),
        )
        .unwrap();
        assert_eq!(n, 2);
        assert!(
            b.contains(r#"w14:paraId="00000001""#) && b.contains(r#"w14:paraId="00000002""#),
            "{b}"
        );
    }
}
