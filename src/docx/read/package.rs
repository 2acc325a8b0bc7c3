//! The package layer of the reader: what kind of file this is (OLE2 .doc/.wps, an encrypted
//! Office file, RTF or HTML saved as .doc, a zip), and, for a zip, safe access to its parts.
//!
//! Bounds (a .docx is an untrusted zip): the file size, the number of entries (read from the
//! end-of-central-directory record before the zip library allocates anything), each part's
//! declared and actual uncompressed size, the compression ratio of large parts, and the total
//! decompressed. Parts are looked up by name only; nothing is ever extracted to disk and no
//! external relationship is followed.

use super::ReadError;
use std::collections::BTreeMap;
use std::io::{Cursor, Read};

/// Safety limits of the reader.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The .docx file itself.
    pub max_file: u64,
    /// Entries in the zip.
    pub max_entries: u64,
    /// An XML part (document.xml, styles.xml…), uncompressed.
    pub max_xml: u64,
    /// One picture, uncompressed.
    pub max_media: u64,
    /// Everything decompressed for one file.
    pub max_total: u64,
    /// Compression ratio above which a part larger than 1 MiB is refused as a bomb.
    pub max_ratio: u64,
    /// XML element nesting.
    pub max_depth: usize,
    /// Tables inside tables.
    pub max_table_depth: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file: 256 << 20,
            max_entries: 4000,
            max_xml: 32 << 20,
            max_media: 64 << 20,
            max_total: 320 << 20,
            max_ratio: 1000,
            max_depth: 256,
            max_table_depth: 8,
        }
    }
}

/// The zip of a .docx with its central directory read and checked.
pub(crate) struct Package {
    zip: zip::ZipArchive<Cursor<Vec<u8>>>,
    /// Part name (no leading slash) → entry index.
    names: BTreeMap<String, usize>,
    limits: Limits,
    file: String,
    /// Bytes decompressed so far.
    total: u64,
}

const OLE2: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Classifies the bytes of a file that should be a .docx and opens its zip.
pub(crate) fn open(bytes: Vec<u8>, file: &str, limits: Limits) -> Result<Package, ReadError> {
    let f = || file.to_string();
    if bytes.len() as u64 > limits.max_file {
        return Err(ReadError::TooLarge {
            file: f(),
            size: crate::media::human_size(bytes.len() as u64),
            limit: crate::media::human_size(limits.max_file),
        });
    }
    if bytes.is_empty() {
        return Err(ReadError::Broken {
            file: f(),
            detail: "文件是空的（0 字节）".into(),
        });
    }
    if bytes.starts_with(&OLE2) {
        return Err(ole2_kind(&bytes, file));
    }
    if !bytes.starts_with(b"PK\x03\x04") && !bytes.starts_with(b"PK\x05\x06") {
        return Err(not_zip(&bytes, file));
    }
    let entries = eocd_entries(&bytes).ok_or_else(|| ReadError::Broken {
        file: f(),
        detail: "找不到压缩包的目录（文件可能没有复制完整）".into(),
    })?;
    if entries > limits.max_entries {
        return Err(ReadError::Bomb {
            file: f(),
            detail: format!("包含 {entries} 个条目，正常的推荐表不超过几十个"),
        });
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ReadError::Broken {
        file: f(),
        detail: format!("压缩包结构错误：{e}"),
    })?;
    let mut names = BTreeMap::new();
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| ReadError::Broken {
            file: f(),
            detail: format!("压缩包第 {} 项损坏：{e}", i + 1),
        })?;
        if entry.encrypted() {
            return Err(ReadError::Encrypted { file: f() });
        }
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        if entry.is_dir() {
            continue;
        }
        if !safe_part_name(&name) {
            return Err(ReadError::Broken {
                file: f(),
                detail: format!("压缩包中有不合规的条目名“{}”", shorten(&name)),
            });
        }
        // OPC part names compare case-insensitively; two entries with one name are ambiguous.
        if names.insert(name.to_ascii_lowercase(), i).is_some() {
            return Err(ReadError::Broken {
                file: f(),
                detail: format!("压缩包中“{}”出现了两次", shorten(&name)),
            });
        }
    }
    Ok(Package {
        zip,
        names,
        limits,
        file: file.to_string(),
        total: 0,
    })
}

/// Part names as OPC allows them: relative, `/`-separated, no `..`, no control characters.
fn safe_part_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('/')
        && !name.contains('\\')
        && !name.split('/').any(|s| s == ".." || s == ".")
        && !name.chars().any(|c| c.is_control())
        && name.len() <= 1024
}

fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    out
}

/// The number of central-directory entries, from the end-of-central-directory record (and its
/// zip64 form), before any allocation by the zip library.
fn eocd_entries(b: &[u8]) -> Option<u64> {
    let start = b.len().saturating_sub(22 + 65535);
    let pos = (start..=b.len().checked_sub(22)?)
        .rev()
        .find(|&i| b[i..i + 4] == [0x50, 0x4B, 0x05, 0x06])?;
    let total = u16::from_le_bytes([b[pos + 10], b[pos + 11]]) as u64;
    if total != 0xFFFF {
        return Some(total);
    }
    // zip64: the locator sits 20 bytes before the record and points at the zip64 record.
    let loc = pos.checked_sub(20)?;
    if b[loc..loc + 4] != [0x50, 0x4B, 0x06, 0x07] {
        return Some(total);
    }
    let off = u64::from_le_bytes(b[loc + 8..loc + 16].try_into().ok()?) as usize;
    let rec = b.get(off..off + 56)?;
    if rec[..4] != [0x50, 0x4B, 0x06, 0x06] {
        return None;
    }
    Some(u64::from_le_bytes(rec[32..40].try_into().ok()?))
}

/// What an OLE2 compound file is: an encrypted OOXML package (password set in Word/WPS) or an
/// old binary document (.doc, .wps, .et…).
fn ole2_kind(bytes: &[u8], file: &str) -> ReadError {
    let streams = std::panic::catch_unwind(|| -> Option<(bool, bool)> {
        let cf = cfb::CompoundFile::open(Cursor::new(bytes)).ok()?;
        let encrypted = cf.exists("/EncryptedPackage") || cf.exists("/EncryptionInfo");
        let word = cf.exists("/WordDocument");
        Some((encrypted, word))
    });
    match streams {
        Ok(Some((true, _))) => ReadError::Encrypted {
            file: file.to_string(),
        },
        Ok(Some((false, _))) => ReadError::OldFormat {
            file: file.to_string(),
        },
        _ => ReadError::Broken {
            file: file.to_string(),
            detail: "看起来是旧版 Word/WPS 文件，但文件结构已损坏".into(),
        },
    }
}

/// The error for a file that is not a zip: RTF or HTML saved under a .doc name, PDF, other.
fn not_zip(bytes: &[u8], file: &str) -> ReadError {
    let head = &bytes[..bytes.len().min(512)];
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with("{\\rtf")
        || text.starts_with("<html")
        || text.starts_with("<!doctype html")
        || text.starts_with("mime-version")
        || (text.starts_with("<?xml") && text.contains("word.document"))
    {
        return ReadError::OldFormat {
            file: file.to_string(),
        };
    }
    let what = crate::media::sniff::describe_unknown(head);
    let what = if head.starts_with(b"%PDF-") {
        "PDF 文件"
    } else {
        what
    };
    ReadError::NotWord {
        file: file.to_string(),
        what: what.to_string(),
    }
}

impl Package {
    pub fn has(&self, name: &str) -> bool {
        self.names.contains_key(&name.to_ascii_lowercase())
    }

    /// The names of all parts (lower-cased).
    pub fn part_names(&self) -> impl Iterator<Item = &String> {
        self.names.keys()
    }

    /// Reads an XML part, bounded by `max_xml`. `None` when the part is absent.
    pub fn xml(&mut self, name: &str) -> Result<Option<Vec<u8>>, ReadError> {
        let max = self.limits.max_xml;
        self.read(name, max)
    }

    /// Reads a media part, bounded by `max_media`.
    pub fn media(&mut self, name: &str) -> Result<Option<Vec<u8>>, ReadError> {
        let max = self.limits.max_media;
        self.read(name, max)
    }

    fn read(&mut self, name: &str, max: u64) -> Result<Option<Vec<u8>>, ReadError> {
        let Some(&i) = self.names.get(&name.to_ascii_lowercase()) else {
            return Ok(None);
        };
        let file = self.file.clone();
        let limits = self.limits;
        let budget = limits.max_total.saturating_sub(self.total);
        let broken = |detail: String| ReadError::Broken {
            file: file.clone(),
            detail,
        };
        let bomb = |detail: String| ReadError::Bomb {
            file: file.clone(),
            detail,
        };
        let mut entry = self
            .zip
            .by_index(i)
            .map_err(|e| broken(format!("无法读取“{name}”：{e}")))?;
        let declared = entry.size();
        let packed = entry.compressed_size().max(1);
        let cap = max.min(budget);
        if declared > cap {
            return Err(bomb(format!(
                "“{name}”解压后有 {}，超过上限 {}",
                crate::media::human_size(declared),
                crate::media::human_size(cap)
            )));
        }
        if declared > (1 << 20) && declared / packed > limits.max_ratio {
            return Err(bomb(format!(
                "“{name}”的压缩比为 {}:1，远超正常文档",
                declared / packed
            )));
        }
        let mut out = Vec::with_capacity(declared.min(cap) as usize);
        // The declared size may lie: never read more than the cap, whatever it says.
        (&mut entry)
            .take(cap + 1)
            .read_to_end(&mut out)
            .map_err(|e| broken(format!("“{name}”解压失败：{e}")))?;
        if out.len() as u64 > cap {
            return Err(bomb(format!(
                "“{name}”解压后超过上限 {}（压缩包中声明的大小不实）",
                crate::media::human_size(cap)
            )));
        }
        if out.len() as u64 != declared {
            return Err(broken(format!("“{name}”的大小与压缩包目录不符")));
        }
        self.total += out.len() as u64;
        Ok(Some(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_names() {
        assert!(safe_part_name("word/document.xml"));
        assert!(!safe_part_name("../evil"));
        assert!(!safe_part_name("/abs"));
        assert!(!safe_part_name("a\\b"));
        assert!(!safe_part_name("word/./x"));
    }

    /// An OLE2 compound file with the given streams.
    fn ole2(streams: &[&str]) -> Vec<u8> {
        use std::io::Write;
        let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        for s in streams {
            cf.create_stream(s).unwrap().write_all(b"data").unwrap();
        }
        cf.flush().unwrap();
        cf.into_inner().into_inner()
    }

    #[test]
    fn old_word_and_encrypted_files_have_their_own_messages() {
        let e = open(
            ole2(&["/WordDocument", "/1Table"]),
            "旧.doc",
            Limits::default(),
        );
        assert!(matches!(e, Err(ReadError::OldFormat { .. })));
        let e = open(ole2(&["/WpsContent"]), "旧.wps", Limits::default());
        assert!(matches!(e, Err(ReadError::OldFormat { .. })));
        let e = open(
            ole2(&["/EncryptionInfo", "/EncryptedPackage"]),
            "加密.docx",
            Limits::default(),
        );
        let e = e.err().unwrap();
        assert!(matches!(e, ReadError::Encrypted { .. }));
        assert!(e.to_string().contains("加密.docx") && e.to_string().contains("密码"));
        // OLE2 magic on garbage: broken, not a panic.
        let mut junk = OLE2.to_vec();
        junk.extend(std::iter::repeat_n(0xAB, 3000));
        assert!(matches!(
            open(junk, "x.doc", Limits::default()),
            Err(ReadError::Broken { .. })
        ));
    }

    #[test]
    fn too_many_entries_are_refused_before_the_zip_is_read() {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..50 {
            w.start_file(format!("f{i}"), zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(b"x").unwrap();
        }
        let bytes = w.finish().unwrap().into_inner();
        let limits = Limits {
            max_entries: 20,
            ..Limits::default()
        };
        assert!(matches!(
            open(bytes, "many.docx", limits),
            Err(ReadError::Bomb { .. })
        ));
    }

    #[test]
    fn kinds_of_non_zip() {
        let e = open(b"{\\rtf1\\ansi hello}".to_vec(), "a.doc", Limits::default());
        assert!(matches!(e, Err(ReadError::OldFormat { .. })));
        let e = open(b"%PDF-1.7 ...".to_vec(), "a.docx", Limits::default());
        assert!(matches!(e, Err(ReadError::NotWord { .. })));
        let e = open(Vec::new(), "a.docx", Limits::default());
        assert!(matches!(e, Err(ReadError::Broken { .. })));
        let e = open(b"PK\x03\x04garbage".to_vec(), "a.docx", Limits::default());
        assert!(matches!(e, Err(ReadError::Broken { .. })));
    }
}
