//! A minimal XML tree for the post-processing of the parts docx-rs writes: parse, move child
//! elements around, edit attributes, serialise. Text and attribute values are kept exactly as
//! escaped in the source, so nothing typed by the clerk is ever unescaped and re-escaped.

use quick_xml::events::Event;
use quick_xml::Reader;

/// One node of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Node {
    Element(Element),
    /// Character data, still escaped as in the source (entity references included).
    Text(String),
    /// Anything else (comment, CDATA, processing instruction), kept verbatim.
    Raw(String),
}

/// An element: qualified name as written (`w:p`), attributes with their escaped values.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

/// A parsed part: what came before the root element (the XML declaration) and the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct XmlDoc {
    pub prolog: String,
    pub root: Element,
}

impl Element {
    pub fn new(name: &str) -> Element {
        Element {
            name: name.to_string(),
            ..Element::default()
        }
    }

    /// Builder: adds an attribute; the value is escaped here.
    pub fn attr(mut self, key: &str, value: &str) -> Element {
        self.attrs.push((key.to_string(), escape(value)));
        self
    }

    /// Builder: adds a child element.
    pub fn child(mut self, e: Element) -> Element {
        self.children.push(Node::Element(e));
        self
    }

    /// Builder: adds text; the text is escaped here.
    pub fn text(mut self, t: &str) -> Element {
        self.children.push(Node::Text(escape(t)));
        self
    }

    /// The local part of the name (`p` for `w:p`).
    pub fn local(&self) -> &str {
        self.name.rsplit(':').next().unwrap_or(&self.name)
    }

    /// The raw (escaped) value of an attribute.
    pub fn get_attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Sets an attribute to a raw (already escaped) value, adding it if missing.
    pub fn set_attr_raw(&mut self, key: &str, raw: &str) {
        if let Some(a) = self.attrs.iter_mut().find(|(k, _)| k == key) {
            a.1 = raw.to_string();
        } else {
            self.attrs.push((key.to_string(), raw.to_string()));
        }
    }

    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    pub fn elements_mut(&mut self) -> impl Iterator<Item = &mut Element> {
        self.children.iter_mut().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    /// The first child element with this qualified name.
    pub fn find(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    pub fn find_mut(&mut self, name: &str) -> Option<&mut Element> {
        self.elements_mut().find(|e| e.name == name)
    }

    /// Calls `f` on this element and every descendant element, parents first.
    pub fn walk_mut(&mut self, f: &mut dyn FnMut(&mut Element)) {
        f(self);
        for c in self.elements_mut() {
            c.walk_mut(f);
        }
    }

    fn write(&self, out: &mut String) {
        out.push('<');
        out.push_str(&self.name);
        for (k, v) in &self.attrs {
            out.push(' ');
            out.push_str(k);
            out.push_str("=\"");
            // Values are kept escaped; a '"' can only be there if the source quoted with '.
            out.push_str(&v.replace('"', "&quot;"));
            out.push('"');
        }
        if self.children.is_empty() {
            out.push_str("/>");
            return;
        }
        out.push('>');
        for c in &self.children {
            match c {
                Node::Element(e) => e.write(out),
                Node::Text(t) | Node::Raw(t) => out.push_str(t),
            }
        }
        out.push_str("</");
        out.push_str(&self.name);
        out.push('>');
    }
}

impl XmlDoc {
    /// Parses a part. Fails on malformed XML (mismatched tags, bad encoding).
    pub fn parse(bytes: &[u8]) -> Result<XmlDoc, String> {
        let text = std::str::from_utf8(bytes).map_err(|e| format!("不是 UTF-8：{e}"))?;
        let mut reader = Reader::from_str(text);
        reader.config_mut().check_end_names = true;
        let mut prolog = String::new();
        let mut stack: Vec<Element> = Vec::new();
        let mut root: Option<Element> = None;
        loop {
            let ev = reader
                .read_event()
                .map_err(|e| format!("XML 解析失败（位置 {}）：{e}", reader.buffer_position()))?;
            match ev {
                Event::Start(s) => stack.push(element_of(&s)?),
                Event::Empty(s) => {
                    push_node(&mut stack, &mut root, Node::Element(element_of(&s)?))?
                }
                Event::End(_) => {
                    let el = stack.pop().ok_or("多余的结束标签")?;
                    push_node(&mut stack, &mut root, Node::Element(el))?;
                }
                Event::Text(t) => {
                    let raw = String::from_utf8_lossy(&t).into_owned();
                    push_text(&mut stack, &mut prolog, raw);
                }
                Event::GeneralRef(r) => {
                    let raw = format!("&{};", String::from_utf8_lossy(&r));
                    push_text(&mut stack, &mut prolog, raw);
                }
                Event::CData(c) => {
                    let raw = format!("<![CDATA[{}]]>", String::from_utf8_lossy(&c));
                    push_raw(&mut stack, &mut prolog, raw);
                }
                Event::Comment(c) => {
                    let raw = format!("<!--{}-->", String::from_utf8_lossy(&c));
                    push_raw(&mut stack, &mut prolog, raw);
                }
                Event::PI(p) => {
                    let raw = format!("<?{}?>", String::from_utf8_lossy(&p));
                    push_raw(&mut stack, &mut prolog, raw);
                }
                Event::Decl(d) => {
                    prolog.push_str(&format!("<?{}?>", String::from_utf8_lossy(&d)));
                }
                Event::DocType(d) => {
                    prolog.push_str(&format!("<!DOCTYPE {}>", String::from_utf8_lossy(&d)));
                }
                Event::Eof => break,
            }
        }
        if !stack.is_empty() {
            return Err("XML 未闭合".into());
        }
        let root = root.ok_or("没有根元素")?;
        Ok(XmlDoc { prolog, root })
    }

    /// Serialises the part (UTF-8, the prolog as parsed or a standard declaration).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = String::with_capacity(4096);
        if self.prolog.trim().is_empty() {
            out.push_str(DECLARATION);
        } else {
            out.push_str(self.prolog.trim());
        }
        out.push('\n');
        self.root.write(&mut out);
        out.into_bytes()
    }
}

/// The XML declaration every part gets.
pub(crate) const DECLARATION: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;

fn element_of(s: &quick_xml::events::BytesStart) -> Result<Element, String> {
    let mut el = Element::new(&String::from_utf8_lossy(s.name().as_ref()));
    for a in s.attributes().with_checks(false) {
        let a = a.map_err(|e| format!("属性解析失败：{e}"))?;
        el.attrs.push((
            String::from_utf8_lossy(a.key.as_ref()).into_owned(),
            String::from_utf8_lossy(&a.value).into_owned(),
        ));
    }
    Ok(el)
}

fn push_node(stack: &mut [Element], root: &mut Option<Element>, node: Node) -> Result<(), String> {
    match stack.last_mut() {
        Some(parent) => {
            parent.children.push(node);
            Ok(())
        }
        None => match node {
            Node::Element(e) if root.is_none() => {
                *root = Some(e);
                Ok(())
            }
            _ => Err("多个根元素".into()),
        },
    }
}

fn push_text(stack: &mut [Element], prolog: &mut String, raw: String) {
    match stack.last_mut() {
        Some(parent) => {
            if let Some(Node::Text(prev)) = parent.children.last_mut() {
                prev.push_str(&raw);
            } else {
                parent.children.push(Node::Text(raw));
            }
        }
        // Whitespace between the declaration and the root (or after it) is dropped.
        None => {
            let _ = prolog;
        }
    }
}

fn push_raw(stack: &mut [Element], prolog: &mut String, raw: String) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(Node::Raw(raw)),
        None => prolog.push_str(&raw),
    }
}

/// Escapes text for element content and attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_text_and_escapes() {
        let src = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="x"><w:body><w:p><w:r><w:t xml:space="preserve"> a &amp; b &lt;“李明”&gt; </w:t></w:r></w:p><w:sectPr/></w:body></w:document>"#;
        let doc = XmlDoc::parse(src.as_bytes()).unwrap();
        let out = String::from_utf8(doc.to_bytes()).unwrap();
        assert_eq!(out, src);
    }

    #[test]
    fn empty_and_start_end_elements_are_told_apart() {
        let doc = XmlDoc::parse(br#"<a><b/><c></c><d x="1"/></a>"#).unwrap();
        let names: Vec<_> = doc.root.elements().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["b", "c", "d"]);
        assert!(doc.root.elements().all(|e| e.children.is_empty()));
        assert_eq!(doc.root.find("d").unwrap().get_attr("x"), Some("1"));
    }

    #[test]
    fn single_quoted_attributes_survive() {
        let doc = XmlDoc::parse(br#"<a t='say "hi"'/>"#).unwrap();
        let out = String::from_utf8(doc.to_bytes()).unwrap();
        assert!(out.ends_with(r#"<a t="say &quot;hi&quot;"/>"#), "{out}");
    }

    #[test]
    fn malformed_xml_is_an_error() {
        assert!(XmlDoc::parse(b"<a><b></a>").is_err());
        assert!(XmlDoc::parse(b"<a>").is_err());
        assert!(XmlDoc::parse(b"").is_err());
    }
}
