//! WordprocessingML → a flat model of what a reader of the form sees: paragraphs in reading
//! order (tables row by row, cell by cell, each merged cell once), each with its runs (text,
//! bold, East Asian font), its alignment, its pictures, and the table cell it sits in.
//!
//! Streaming with quick-xml: no DOM of the whole part, bounded nesting. Deleted text (tracked
//! changes), field codes and the fallback branch of `mc:AlternateContent` are skipped; text in
//! text boxes is not part of the form and is counted (to be reported), not read.

use super::ReadError;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Align {
    #[default]
    Left,
    Center,
    Right,
    Both,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Run {
    pub text: String,
    pub bold: bool,
    /// `w:rFonts/@w:eastAsia`.
    pub east: Option<String>,
}

/// A picture referenced from a paragraph: its relationship id and whether it is linked (an
/// external file, never followed) rather than embedded.
#[derive(Debug, Clone)]
pub(crate) struct Pic {
    pub rid: String,
    pub linked: bool,
}

/// Where a paragraph sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Place {
    /// Index into `Body::cells`, or `None` outside tables.
    pub cell: Option<usize>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Para {
    pub runs: Vec<Run>,
    pub align: Align,
    /// `w:ind/@w:firstLine` when given (twips).
    pub first_line: Option<i64>,
    pub style: Option<String>,
    pub pics: Vec<Pic>,
    pub place: Place,
}

impl Para {
    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }
}

/// A table cell: its first grid column and span, whether it continues a vertical merge, and
/// its paragraphs (indices into `Body::paras`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Cell {
    pub col: usize,
    pub span: usize,
    pub vmerge_continue: bool,
    pub paras: Vec<usize>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Row {
    /// Indices into `Body::cells`, left to right.
    pub cells: Vec<usize>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Body {
    pub paras: Vec<Para>,
    pub cells: Vec<Cell>,
    pub rows: Vec<Row>,
    /// Paragraphs of text boxes that were not read.
    pub textbox_paras: usize,
}

impl Body {
    /// Joins the paragraphs tianbao cut to keep lines together (a continuation: justified,
    /// first-line indent explicitly 0) back onto the paragraph they continue; the continuation
    /// is left empty.
    pub fn join_continuations(&mut self) {
        let mut last: Option<usize> = None;
        for i in 0..self.paras.len() {
            let p = &self.paras[i];
            let text_empty = p.runs.iter().all(|r| r.text.trim().is_empty());
            if p.align == Align::Both && p.first_line == Some(0) && p.pics.is_empty() {
                if let Some(j) = last {
                    let runs = std::mem::take(&mut self.paras[i].runs);
                    self.paras[j].runs.extend(runs);
                    continue;
                }
            }
            if !text_empty {
                last = Some(i);
            }
        }
    }

    pub fn cell_text(&self, cell: usize) -> String {
        let c = &self.cells[cell];
        c.paras
            .iter()
            .map(|&p| self.paras[p].text())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn local(name: &[u8]) -> &[u8] {
    match name.iter().rposition(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// An attribute's value, unescaped (kept raw if its escapes are broken).
pub(crate) fn attr_text(a: &quick_xml::events::attributes::Attribute) -> String {
    let raw = String::from_utf8_lossy(&a.value);
    match quick_xml::escape::unescape(&raw) {
        Ok(v) => v.into_owned(),
        Err(_) => raw.into_owned(),
    }
}

/// The character an entity or character reference stands for.
pub(crate) fn entity(r: &quick_xml::events::BytesRef) -> Option<char> {
    if r.is_char_ref() {
        return r.resolve_char_ref().ok().flatten();
    }
    let name: &[u8] = r;
    match name {
        b"amp" => Some('&'),
        b"lt" => Some('<'),
        b"gt" => Some('>'),
        b"quot" => Some('"'),
        b"apos" => Some('\''),
        _ => None,
    }
}

fn attr(e: &BytesStart, key: &[u8]) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| local(a.key.as_ref()) == key)
        .map(|a| attr_text(&a))
}

/// `w:b` and friends: on unless `w:val` is 0/false/off.
fn on(e: &BytesStart) -> bool {
    !matches!(
        attr(e, b"val").as_deref(),
        Some("0") | Some("false") | Some("off")
    )
}

struct TableCtx {
    /// The current row (index into rows) and the next grid column.
    row: Option<usize>,
    col: usize,
    /// The open cell (index into cells).
    cell: Option<usize>,
}

/// Parses `word/document.xml` (or a header) into the flat model. `bold_styles` are the
/// paragraph and character styles whose run properties are bold.
pub(crate) fn parse(
    xml: &[u8],
    file: &str,
    bold_styles: &std::collections::HashSet<String>,
    limits: &super::package::Limits,
) -> Result<Body, ReadError> {
    let broken = |detail: String| ReadError::Broken {
        file: file.to_string(),
        detail,
    };
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().check_end_names = true;
    let mut body = Body::default();
    let mut tables: Vec<TableCtx> = Vec::new();
    let mut depth = 0usize;
    // Skipping a subtree (deleted text, fallback, text box): the depth it started at.
    let mut skip: Option<usize> = None;
    let mut para: Option<Para> = None;
    let mut run: Option<Run> = None;
    let mut in_text = false;
    let mut in_rpr = false;
    let mut in_ppr = false;
    let mut buf = Vec::new();
    loop {
        let ev = reader.read_event_into(&mut buf).map_err(|e| {
            broken(format!(
                "XML 解析失败（位置 {}）：{e}",
                reader.buffer_position()
            ))
        })?;
        let (start, empty) = match &ev {
            Event::Start(_) => (true, false),
            Event::Empty(_) => (true, true),
            _ => (false, false),
        };
        if start {
            let e = match &ev {
                Event::Start(e) | Event::Empty(e) => e.clone().into_owned(),
                _ => unreachable!(),
            };
            if !empty {
                depth += 1;
                if depth > limits.max_depth {
                    return Err(ReadError::TooComplex {
                        file: file.to_string(),
                        detail: format!("元素嵌套超过 {} 层", limits.max_depth),
                    });
                }
            }
            if skip.is_some() {
                buf.clear();
                continue;
            }
            let name = e.name();
            let full = name.as_ref();
            let l = local(full);
            let is_w = full.starts_with(b"w:") || !full.contains(&b':');
            match l {
                b"del" | b"moveFrom" | b"instrText" | b"delText" | b"delInstrText"
                    if is_w && !empty =>
                {
                    skip = Some(depth)
                }
                b"Fallback" if full.starts_with(b"mc:") && !empty => skip = Some(depth),
                b"txbxContent" if !empty => {
                    body.textbox_paras += 1;
                    skip = Some(depth)
                }
                b"tbl" if is_w && !empty => {
                    if tables.len() >= limits.max_table_depth {
                        return Err(ReadError::TooComplex {
                            file: file.to_string(),
                            detail: format!("表格嵌套超过 {} 层", limits.max_table_depth),
                        });
                    }
                    tables.push(TableCtx {
                        row: None,
                        col: 0,
                        cell: None,
                    });
                }
                b"tr" if is_w => {
                    if let Some(t) = tables.last_mut() {
                        body.rows.push(Row::default());
                        t.row = Some(body.rows.len() - 1);
                        t.col = 0;
                    }
                }
                b"tc" if is_w => {
                    if let Some(t) = tables.last_mut() {
                        if let Some(r) = t.row {
                            body.cells.push(Cell {
                                col: t.col,
                                span: 1,
                                ..Cell::default()
                            });
                            let c = body.cells.len() - 1;
                            body.rows[r].cells.push(c);
                            t.cell = Some(c);
                        }
                    }
                }
                b"gridSpan" if is_w && para.is_none() => {
                    if let Some(c) = tables.last().and_then(|t| t.cell) {
                        let span = attr(&e, b"val").and_then(|v| v.parse().ok()).unwrap_or(1);
                        body.cells[c].span = span.clamp(1, 64);
                    }
                }
                b"vMerge" if is_w && para.is_none() => {
                    if let Some(c) = tables.last().and_then(|t| t.cell) {
                        body.cells[c].vmerge_continue =
                            attr(&e, b"val").as_deref() != Some("restart");
                    }
                }
                b"p" if is_w => {
                    let cell = tables.last().and_then(|t| t.cell);
                    let p = Para {
                        place: Place { cell },
                        ..Para::default()
                    };
                    if empty {
                        push_para(&mut body, p);
                    } else {
                        // A paragraph inside a paragraph (a text box that slipped through)
                        // is flattened into its parent.
                        if para.is_none() {
                            para = Some(p);
                        }
                    }
                }
                b"pPr" if is_w => in_ppr = !empty,
                b"rPr" if is_w => in_rpr = !empty && run.is_some(),
                b"pStyle" if is_w && in_ppr => {
                    if let Some(p) = para.as_mut() {
                        p.style = attr(&e, b"val");
                    }
                }
                b"ind" if is_w && in_ppr && !in_rpr => {
                    if let Some(p) = para.as_mut() {
                        p.first_line = attr(&e, b"firstLine").and_then(|v| v.parse().ok());
                    }
                }
                b"jc" if is_w && in_ppr && !in_rpr => {
                    if let Some(p) = para.as_mut() {
                        p.align = match attr(&e, b"val").as_deref() {
                            Some("center") => Align::Center,
                            Some("right") | Some("end") => Align::Right,
                            Some("both") | Some("distribute") => Align::Both,
                            _ => Align::Left,
                        };
                    }
                }
                b"r" if is_w && para.is_some() => {
                    let style_bold = para
                        .as_ref()
                        .and_then(|p| p.style.as_ref())
                        .is_some_and(|s| bold_styles.contains(s));
                    let r = Run {
                        bold: style_bold,
                        ..Run::default()
                    };
                    if empty {
                        // nothing in it
                    } else {
                        run = Some(r);
                    }
                }
                b"rStyle" if is_w && in_rpr => {
                    if let (Some(r), Some(s)) = (run.as_mut(), attr(&e, b"val")) {
                        if bold_styles.contains(&s) {
                            r.bold = true;
                        }
                    }
                }
                b"b" if is_w && in_rpr => {
                    if let Some(r) = run.as_mut() {
                        r.bold = on(&e);
                    }
                }
                b"rFonts" if is_w && in_rpr => {
                    if let Some(r) = run.as_mut() {
                        r.east = attr(&e, b"eastAsia");
                    }
                }
                b"t" if is_w && !empty => in_text = run.is_some(),
                b"tab" if is_w && !in_ppr => push_char(&mut run, &mut para, '\t'),
                b"br" if is_w => {
                    let kind = attr(&e, b"type");
                    if !matches!(kind.as_deref(), Some("page") | Some("column")) {
                        push_char(&mut run, &mut para, '\n');
                    }
                }
                b"cr" if is_w => push_char(&mut run, &mut para, '\n'),
                b"noBreakHyphen" if is_w => push_char(&mut run, &mut para, '-'),
                b"blip" => {
                    if let Some(p) = para.as_mut() {
                        if let Some(rid) = attr(&e, b"embed").filter(|s| !s.is_empty()) {
                            p.pics.push(Pic { rid, linked: false });
                        } else if let Some(rid) = attr(&e, b"link") {
                            p.pics.push(Pic { rid, linked: true });
                        }
                    }
                }
                b"imagedata" => {
                    if let Some(p) = para.as_mut() {
                        if let Some(rid) = attr(&e, b"id").filter(|s| !s.is_empty()) {
                            p.pics.push(Pic { rid, linked: false });
                        }
                    }
                }
                _ => {}
            }
        } else {
            match ev {
                Event::End(e) => {
                    let name = e.name();
                    let l = local(name.as_ref()).to_vec();
                    if let Some(at) = skip {
                        if depth == at {
                            skip = None;
                        }
                        depth = depth.saturating_sub(1);
                        buf.clear();
                        continue;
                    }
                    depth = depth.saturating_sub(1);
                    match l.as_slice() {
                        b"t" => in_text = false,
                        b"rPr" => in_rpr = false,
                        b"pPr" => in_ppr = false,
                        b"r" => {
                            if let (Some(r), Some(p)) = (run.take(), para.as_mut()) {
                                push_run(p, r);
                            }
                        }
                        b"p" => {
                            if let Some(p) = para.take() {
                                push_para(&mut body, p);
                            }
                            run = None;
                        }
                        b"tc" => {
                            if let Some(t) = tables.last_mut() {
                                if let Some(c) = t.cell.take() {
                                    t.col += body.cells[c].span;
                                }
                            }
                        }
                        b"tr" => {
                            if let Some(t) = tables.last_mut() {
                                t.row = None;
                            }
                        }
                        b"tbl" => {
                            tables.pop();
                        }
                        _ => {}
                    }
                }
                Event::Text(t) if in_text && skip.is_none() => {
                    let s = t
                        .xml_content(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|e| broken(format!("文字编码错误：{e}")))?;
                    if let Some(r) = run.as_mut() {
                        r.text.push_str(&s);
                    }
                }
                Event::CData(t) if in_text && skip.is_none() => {
                    if let Some(r) = run.as_mut() {
                        r.text.push_str(&String::from_utf8_lossy(&t));
                    }
                }
                Event::GeneralRef(r) if in_text && skip.is_none() => {
                    if let (Some(c), Some(run)) = (entity(&r), run.as_mut()) {
                        run.text.push(c);
                    }
                }
                Event::DocType(_) => {
                    return Err(broken("文档中有 DOCTYPE 声明（Word 不会写入）".into()));
                }
                Event::Eof => break,
                _ => {}
            }
        }
        buf.clear();
    }
    if depth != 0 {
        return Err(broken("XML 未闭合".into()));
    }
    Ok(body)
}

fn push_char(run: &mut Option<Run>, para: &mut Option<Para>, c: char) {
    if let Some(r) = run.as_mut() {
        r.text.push(c);
    } else if let Some(p) = para.as_mut() {
        p.runs.push(Run {
            text: c.to_string(),
            ..Run::default()
        });
    }
}

/// Adds a run, merging it into the previous one when they look the same.
fn push_run(p: &mut Para, r: Run) {
    if r.text.is_empty() {
        return;
    }
    if let Some(last) = p.runs.last_mut() {
        if last.bold == r.bold && last.east == r.east {
            last.text.push_str(&r.text);
            return;
        }
    }
    p.runs.push(r);
}

fn push_para(body: &mut Body, p: Para) {
    let i = body.paras.len();
    if let Some(c) = p.place.cell {
        body.cells[c].paras.push(i);
    }
    body.paras.push(p);
}

/// The styles whose run properties are bold (followed through `basedOn`), from styles.xml.
pub(crate) fn bold_styles(xml: &[u8]) -> std::collections::HashSet<String> {
    use std::collections::HashMap;
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut bold: HashMap<String, Option<bool>> = HashMap::new();
    let mut based: HashMap<String, String> = HashMap::new();
    let mut cur: Option<String> = None;
    let mut in_rpr = false;
    let mut in_ppr = false;
    while let Ok(ev) = reader.read_event_into(&mut buf) {
        match ev {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => match local(e.name().as_ref()) {
                b"style" => cur = attr(&e, b"styleId"),
                b"basedOn" => {
                    if let (Some(c), Some(v)) = (cur.as_ref(), attr(&e, b"val")) {
                        based.insert(c.clone(), v);
                    }
                }
                b"pPr" => in_ppr = true,
                b"rPr" if !in_ppr => in_rpr = true,
                b"b" if in_rpr => {
                    if let Some(c) = cur.as_ref() {
                        bold.insert(c.clone(), Some(on(&e)));
                    }
                }
                _ => {}
            },
            Event::End(e) => match local(e.name().as_ref()) {
                b"style" => cur = None,
                b"rPr" => in_rpr = false,
                b"pPr" => in_ppr = false,
                _ => {}
            },
            _ => {}
        }
        buf.clear();
    }
    let ids: Vec<String> = bold.keys().chain(based.keys()).cloned().collect();
    ids.into_iter()
        .filter(|id| {
            let mut at = id.clone();
            for _ in 0..16 {
                if let Some(Some(b)) = bold.get(&at) {
                    return *b;
                }
                match based.get(&at) {
                    Some(next) => at = next.clone(),
                    None => return false,
                }
            }
            false
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Body {
        parse(
            s.as_bytes(),
            "t.docx",
            &Default::default(),
            &super::super::package::Limits::default(),
        )
        .unwrap()
    }

    #[test]
    fn runs_cells_and_merges() {
        let b = parse_str(
            r#"<w:document xmlns:w="w"><w:body>
            <w:p><w:r><w:rPr><w:b/></w:rPr><w:t>粗</w:t></w:r><w:r><w:t xml:space="preserve">正 &amp; 文</w:t><w:tab/><w:br/></w:r></w:p>
            <w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>姓名</w:t></w:r></w:p></w:tc>
              <w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>
            <w:p><w:del><w:r><w:delText>删</w:delText></w:r></w:del><w:r><w:instrText>PAGE</w:instrText><w:t>留</w:t></w:r></w:p>
            </w:body></w:document>"#,
        );
        assert_eq!(b.paras.len(), 4);
        assert_eq!(b.paras[0].runs.len(), 2);
        assert!(b.paras[0].runs[0].bold);
        assert_eq!(b.paras[0].runs[1].text, "正 & 文\t\n");
        assert_eq!(b.cells.len(), 2);
        assert_eq!(b.cells[0].span, 2);
        assert_eq!(b.cells[1].col, 2);
        assert!(b.cells[1].vmerge_continue);
        assert_eq!(b.cell_text(0), "姓名");
        assert_eq!(b.paras[3].text(), "留");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let mut s = String::from(r#"<w:document xmlns:w="w"><w:body>"#);
        for _ in 0..20 {
            s.push_str("<w:tbl><w:tr><w:tc>");
        }
        for _ in 0..20 {
            s.push_str("<w:p/></w:tc></w:tr></w:tbl>");
        }
        s.push_str("</w:body></w:document>");
        let e = parse(
            s.as_bytes(),
            "t.docx",
            &Default::default(),
            &super::super::package::Limits::default(),
        );
        assert!(matches!(e, Err(ReadError::TooComplex { .. })));
    }
}
