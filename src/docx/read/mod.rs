//! Reading a filled-in 推荐表 (.docx) back into a case — ours, or one typed by hand in Word or
//! WPS — with a report of what was found, what was not, and what looked odd.
//!
//! - [`package`]: what the file is (a .doc/.wps, an encrypted or macro-enabled file…) and
//!   bounded access to the parts of the zip (bombs, sizes, entry count; nothing extracted,
//!   no external relationship followed).
//! - [`body`]: WordprocessingML → paragraphs in reading order with their runs and cells.
//! - [`fields`]: labels, 出生年月, 所在地区, 民族, 政治面貌, 直播平台 as people type them.
//! - [`form`]: the fields, sections, 典型做法 items, opinion and pictures of the form.
//!
//! A file tianbao wrote carries the case id and the few values its print cannot tell apart
//! (the five parts of 所在地区, 出生年月 as typed, 其他 platforms, the original of each picture)
//! in its custom document properties ([`PROP_CASE_ID`], [`PROP_HINTS`]); they are used only
//! when they still print as what the document says, so an edit made in Word wins.

mod body;
mod fields;
mod form;
pub(crate) mod package;

pub use package::Limits;

use crate::campaign::Campaign;
use crate::dicts::Dicts;
use crate::model::{Attachment, Case, CaseId, Region};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// Custom document property holding the case id of a generated 推荐表.
pub const PROP_CASE_ID: &str = "tianbao.case_id";
/// Custom document property holding [`Hints`] as JSON.
pub const PROP_HINTS: &str = "tianbao.hints";

/// Why a file could not be read. Chinese, naming the file and saying what to do.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("找不到文件“{file}”。文件可能已被移动或删除，或U盘已拔出，请重新选择。")]
    NotFound { file: String },
    #[error("读取“{file}”时出错（{detail}）。请确认文件还在、U盘没有拔出，然后重试。")]
    Io { file: String, detail: String },
    #[error("“{file}”有 {size}，超过推荐表的合理大小（{limit}），未读取。请确认选对了文件，或在 Word/WPS 中压缩图片后另存。")]
    TooLarge {
        file: String,
        size: String,
        limit: String,
    },
    #[error("“{file}”是旧版 Word（.doc）或 WPS（.wps）格式，只能读取 .docx。请在 WPS 或 Word 中打开它，点“文件 → 另存为”，文件类型选“Word 文档（*.docx）”，再导入另存的文件。")]
    OldFormat { file: String },
    #[error("“{file}”设置了打开密码（已加密），无法读取。请在 Word 或 WPS 中用密码打开它，取消文档加密后保存，再导入。")]
    Encrypted { file: String },
    #[error("“{file}”是启用宏的 Word 文档（.docm，可能被改了扩展名），为安全起见不读取。请在 Word 或 WPS 中打开它，另存为“Word 文档（*.docx）”后再导入。")]
    Macro { file: String },
    #[error("“{file}”不是 Word 文档（看起来是{what}）。请选择推荐表的 .docx 文件。")]
    NotWord { file: String, what: String },
    #[error("“{file}”已损坏或不完整（{detail}），无法读取。请在 Word 或 WPS 中打开它，确认内容正常后另存为 .docx 再导入；打不开时请向填报单位重新索取。")]
    Broken { file: String, detail: String },
    #[error("“{file}”的压缩内容异常（{detail}），可能是恶意构造的文件，已拒绝读取。请向填报单位重新索取推荐表。")]
    Bomb { file: String, detail: String },
    #[error("“{file}”的结构异常（{detail}），不像正常的推荐表，已拒绝读取。请在 Word 或 WPS 中另存为 .docx 后再试。")]
    TooComplex { file: String, detail: String },
    #[error("“{file}”中没有找到推荐表的任何栏目（姓名、所在地区、案例简介等），未导入。请确认选的是“推荐表”文件。")]
    NotAForm { file: String },
}

/// The values a printed form cannot tell apart, written by tianbao beside the case id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Hints {
    pub region: Option<Region>,
    /// (year, month) as typed.
    pub birth: Option<(String, String)>,
    /// (platforms, platform_other).
    pub platforms: Option<(Vec<String>, String)>,
    /// One per printed picture, in order.
    pub pictures: Vec<PictureHint>,
}

/// A printed picture: the SHA-256 of the print-size JPEG in the file and the original
/// attachment it was made from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PictureHint {
    pub print_sha256: String,
    pub original: Attachment,
}

impl Hints {
    /// The hints of `case` printed with `print_jpegs` (the embedded bytes, in order).
    pub fn of(case: &Case, print_jpegs: &[&[u8]]) -> Hints {
        let pictures = if print_jpegs.len() == case.media.pictures.len() {
            case.media
                .pictures
                .iter()
                .zip(print_jpegs)
                .map(|(a, j)| PictureHint {
                    print_sha256: sha256_hex(j),
                    original: Attachment {
                        caption: String::new(),
                        ..a.clone()
                    },
                })
                .collect()
        } else {
            Vec::new()
        };
        Hints {
            region: Some(case.region.clone()),
            birth: Some((
                case.person.birth_year.clone(),
                case.person.birth_month.clone(),
            )),
            platforms: Some((
                case.business.platforms.clone(),
                case.business.platform_other.clone(),
            )),
            pictures,
        }
    }
}

pub(crate) fn sha256_hex(b: &[u8]) -> String {
    use sha2::Digest;
    crate::media::blobs::hex(&sha2::Sha256::digest(b))
}

/// What was read from one file, for the clerk.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReadReport {
    /// The file's name as shown.
    pub file: String,
    /// Written by tianbao (carries a case id).
    pub generated: bool,
    /// Fields found with a value (labels as printed).
    pub found: Vec<String>,
    /// Fields whose label is there but whose value is blank.
    pub empty: Vec<String>,
    /// Fields not in the file at all.
    pub missing: Vec<String>,
    /// What looked odd or was not imported, one Chinese sentence each.
    pub notes: Vec<String>,
}

impl ReadReport {
    fn field(&mut self, label: &str, found: bool) {
        if found {
            self.found.push(label.to_string());
        } else {
            self.empty.push(label.to_string());
        }
    }
    fn note(&mut self, s: String) {
        if !self.notes.contains(&s) {
            self.notes.push(s);
        }
    }
}

/// A picture embedded in the form: its bytes exactly as in the file, a name for it, its
/// caption, and (for tianbao's own files) the original attachment it was printed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbeddedPicture {
    pub bytes: Vec<u8>,
    pub file_name: String,
    pub caption: String,
    pub original: Option<Attachment>,
}

/// A 推荐表 read back: the case (pictures not yet stored: see `pictures`), the report, and the
/// case id when tianbao wrote the file.
#[derive(Debug, Clone)]
pub struct DocxRead {
    pub case: Case,
    pub pictures: Vec<EmbeddedPicture>,
    pub report: ReadReport,
    pub case_id: Option<CaseId>,
}

/// Reads the file at `path` (see [`read_docx_bytes`]).
pub fn read_docx(path: &Path, campaign: &Campaign, dicts: &Dicts) -> Result<DocxRead, ReadError> {
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let limits = Limits::default();
    let meta = std::fs::metadata(path).map_err(|e| io_error(&file, e))?;
    if meta.is_dir() {
        return Err(ReadError::NotWord {
            file,
            what: "一个文件夹".into(),
        });
    }
    if meta.len() > limits.max_file {
        return Err(ReadError::TooLarge {
            file,
            size: crate::media::human_size(meta.len()),
            limit: crate::media::human_size(limits.max_file),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| io_error(&file, e))?;
    read_docx_bytes(bytes, &file, campaign, dicts, limits)
}

fn io_error(file: &str, e: std::io::Error) -> ReadError {
    if crate::fsx::classify(&e) == crate::fsx::IoKind::NotFound {
        ReadError::NotFound {
            file: file.to_string(),
        }
    } else {
        ReadError::Io {
            file: file.to_string(),
            detail: e.to_string(),
        }
    }
}

const MAIN_DOCX: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";
const MAIN_DOTX: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml";
const OFFICE_DOC_REL: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument";

/// Reads the bytes of a .docx named `file` (for messages) into a case and a report.
pub fn read_docx_bytes(
    bytes: Vec<u8>,
    file: &str,
    campaign: &Campaign,
    dicts: &Dicts,
    limits: Limits,
) -> Result<DocxRead, ReadError> {
    let mut pkg = package::open(bytes, file, limits)?;
    let f = || file.to_string();
    let broken = |d: &str| ReadError::Broken {
        file: f(),
        detail: d.to_string(),
    };
    // ---- what kind of package: the main part and its content type ----
    let main = match pkg.xml("_rels/.rels")? {
        Some(x) => rels(&x, "")
            .into_iter()
            .find(|r| r.kind.ends_with("/officeDocument") || r.kind == OFFICE_DOC_REL)
            .filter(|r| !r.external)
            .map(|r| r.target),
        None => None,
    };
    let main = main.unwrap_or_else(|| "word/document.xml".to_string());
    let types = pkg
        .xml("[Content_Types].xml")?
        .ok_or_else(|| broken("缺少 [Content_Types].xml"))?;
    let main_type = content_type_of(&types, &main);
    let macro_part = pkg.part_names().any(|n| n.ends_with("vbaproject.bin"));
    match main_type.as_deref() {
        Some(t) if t.contains("macroEnabled") => return Err(ReadError::Macro { file: f() }),
        _ if macro_part => return Err(ReadError::Macro { file: f() }),
        Some(MAIN_DOCX) | Some(MAIN_DOTX) => {}
        Some(t) if t.contains("spreadsheetml") => {
            return Err(ReadError::NotWord {
                file: f(),
                what: "Excel 表格".into(),
            })
        }
        Some(t) if t.contains("presentationml") => {
            return Err(ReadError::NotWord {
                file: f(),
                what: "PowerPoint 演示文稿".into(),
            })
        }
        _ if pkg.has("xl/workbook.xml") => {
            return Err(ReadError::NotWord {
                file: f(),
                what: "Excel 表格".into(),
            })
        }
        _ if !pkg.has(&main) => {
            return Err(ReadError::NotWord {
                file: f(),
                what: "压缩包".into(),
            })
        }
        _ => {}
    }
    // ---- our own file? ----
    let custom = match pkg.xml("docProps/custom.xml")? {
        Some(x) => custom_props(&x),
        None => HashMap::new(),
    };
    let case_id = custom
        .get(PROP_CASE_ID)
        .and_then(|s| uuid::Uuid::parse_str(s.trim()).ok())
        .filter(|u| !u.is_nil());
    let hints: Hints = match (case_id, custom.get(PROP_HINTS)) {
        (Some(_), Some(h)) => serde_json::from_str(h).unwrap_or_default(),
        _ => Hints::default(),
    };
    let own = case_id.is_some();
    // ---- the document ----
    let bold = match pkg.xml("word/styles.xml")? {
        Some(x) => body::bold_styles(&x),
        None => Default::default(),
    };
    let doc = pkg
        .xml(&main)?
        .ok_or_else(|| broken("缺少正文 word/document.xml"))?;
    let mut body = body::parse(&doc, file, &bold, &limits)?;
    if own {
        body.join_continuations();
    }
    drop(doc);
    let base = main
        .rsplit_once('/')
        .map(|(d, _)| format!("{d}/"))
        .unwrap_or_default();
    let rels_name = format!(
        "{base}_rels/{}.rels",
        main.rsplit('/').next().unwrap_or("document.xml")
    );
    let doc_rels = match pkg.xml(&rels_name)? {
        Some(x) => rels(&x, &base),
        None => Vec::new(),
    };
    // ---- the draft mark in the headers ----
    let mut draft_mark = false;
    for r in doc_rels
        .iter()
        .filter(|r| r.kind.ends_with("/header") && !r.external)
    {
        if let Some(x) = pkg.xml(&r.target)? {
            if let Ok(h) = body::parse(&x, file, &bold, &limits) {
                draft_mark |= h.paras.iter().any(|p| p.text().contains(super::DRAFT_MARK));
            }
        }
    }
    let mut report = ReadReport {
        file: f(),
        generated: own,
        ..ReadReport::default()
    };
    let mut case = Case {
        id: case_id.unwrap_or_else(uuid::Uuid::now_v7),
        ..Case::default()
    };
    let reading = form::Reading {
        body: &body,
        own,
        hints: &hints,
        campaign,
        dicts,
        draft_mark,
    };
    let found = reading.read(&mut case, &mut report);
    if body.textbox_paras > 0 {
        report.note(format!(
            "文档中有 {} 个文本框，其中的文字不属于推荐表的栏目，未导入",
            body.textbox_paras
        ));
    }
    // ---- pictures ----
    let mut pictures = Vec::new();
    let mut upper_pics = 0;
    for (n, fp) in found.iter().enumerate() {
        let n = n + 1;
        let Some(rel) = doc_rels.iter().find(|r| r.id == fp.rid) else {
            report.note(format!("第 {n} 张图片在文件中找不到（引用损坏），未导入"));
            continue;
        };
        if rel.external || fp.linked {
            report.note(format!(
                "第 {n} 张图片链接到文件外部（{}），为安全起见不读取；请在 Word 中把图片嵌入文档后再导入",
                shorten(&rel.target)
            ));
            continue;
        }
        let Some(bytes) = pkg.media(&rel.target)? else {
            report.note(format!("第 {n} 张图片的数据缺失，未导入"));
            continue;
        };
        let format = crate::media::sniff::sniff(&bytes);
        if !matches!(
            format,
            crate::media::Format::Jpeg | crate::media::Format::Png
        ) {
            report.note(format!(
                "第 {n} 张图片是 {} 格式（不是 JPG/PNG 照片），未导入；请在“图片”中另行添加",
                if format == crate::media::Format::Unknown {
                    rel.target
                        .rsplit('.')
                        .next()
                        .unwrap_or("未知")
                        .to_ascii_uppercase()
                } else {
                    format.label().to_string()
                }
            ));
            continue;
        }
        if fp.upper {
            upper_pics += 1;
        }
        let sha = sha256_hex(&bytes);
        let k = pictures.len();
        let original = hints
            .pictures
            .get(k)
            .filter(|h| h.print_sha256 == sha)
            .map(|h| h.original.clone());
        let ext = if format == crate::media::Format::Png {
            "png"
        } else {
            "jpg"
        };
        pictures.push(EmbeddedPicture {
            file_name: format!("推荐表图片{}.{ext}", k + 1),
            bytes,
            caption: fp.caption.clone(),
            original,
        });
    }
    if upper_pics > 0 {
        report.note(format!(
            "表格上部有 {upper_pics} 张图片（可能是个人照片），已和其他图片一起作为配图导入，请核对"
        ));
    }
    if !pictures.is_empty() {
        report.found.push(format!("图片 {} 张", pictures.len()));
    }
    let nothing = report.found.is_empty() && report.empty.is_empty();
    if nothing {
        return Err(ReadError::NotAForm { file: f() });
    }
    Ok(DocxRead {
        case,
        pictures,
        report,
        case_id,
    })
}

fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    out
}

/// One relationship of a .rels part, its target resolved to a part name (internal ones).
struct Rel {
    id: String,
    kind: String,
    target: String,
    external: bool,
}

fn rels(xml: &[u8], base: &str) -> Vec<Rel> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    while let Ok(ev) = reader.read_event_into(&mut buf) {
        match ev {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"Relationship" => {
                let get = |k: &[u8]| {
                    e.attributes()
                        .with_checks(false)
                        .flatten()
                        .find(|a| a.key.as_ref() == k)
                        .map(|a| body::attr_text(&a))
                        .unwrap_or_default()
                };
                let external = get(b"TargetMode") == "External";
                let target = get(b"Target");
                out.push(Rel {
                    id: get(b"Id"),
                    kind: get(b"Type"),
                    target: if external {
                        target
                    } else {
                        super::fixup::resolve(base, &target)
                    },
                    external,
                });
            }
            _ => {}
        }
        buf.clear();
    }
    out
}

/// The content type of part `name` from `[Content_Types].xml`.
fn content_type_of(xml: &[u8], name: &str) -> Option<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let want = format!("/{}", name.to_ascii_lowercase());
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    let mut by_default = None;
    while let Ok(ev) = reader.read_event_into(&mut buf) {
        match ev {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let attrs: HashMap<Vec<u8>, String> = e
                    .attributes()
                    .with_checks(false)
                    .flatten()
                    .map(|a| (a.key.as_ref().to_vec(), body::attr_text(&a)))
                    .collect();
                let ct = attrs.get(&b"ContentType"[..]).cloned();
                match e.local_name().as_ref() {
                    b"Override"
                        if attrs
                            .get(&b"PartName"[..])
                            .is_some_and(|p| p.to_ascii_lowercase() == want) =>
                    {
                        return ct
                    }
                    b"Default"
                        if attrs
                            .get(&b"Extension"[..])
                            .is_some_and(|x| x.to_ascii_lowercase() == ext) =>
                    {
                        by_default = ct
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        buf.clear();
    }
    by_default
}

/// name → text of the custom document properties.
fn custom_props(xml: &[u8]) -> HashMap<String, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = HashMap::new();
    let mut cur: Option<String> = None;
    let mut text = String::new();
    while let Ok(ev) = reader.read_event_into(&mut buf) {
        match ev {
            Event::Eof => break,
            Event::Start(e) if e.local_name().as_ref() == b"property" => {
                cur = e
                    .attributes()
                    .with_checks(false)
                    .flatten()
                    .find(|a| a.key.as_ref() == b"name")
                    .map(|a| body::attr_text(&a));
                text.clear();
            }
            Event::Text(t) if cur.is_some() => {
                if let Ok(s) = t.xml_content(quick_xml::XmlVersion::Implicit1_0) {
                    text.push_str(&s);
                }
            }
            Event::GeneralRef(r) if cur.is_some() => {
                if let Some(c) = body::entity(&r) {
                    text.push(c);
                }
            }
            Event::End(e) if e.local_name().as_ref() == b"property" => {
                if let Some(n) = cur.take() {
                    out.insert(n, std::mem::take(&mut text));
                }
            }
            _ => {}
        }
        buf.clear();
    }
    out
}
