//! The manifest of a bundle, entry names, and the limits a reader enforces.

use crate::model::CaseId;
use serde::{Deserialize, Serialize};

/// `manifest.json`'s `format`: anything else is an unrelated zip.
pub const FORMAT: &str = "tianbao-bundle";
/// The format version this program writes and the newest it reads.
pub const VERSION: u32 = 1;
pub const MANIFEST: &str = "manifest.json";
pub const REVISIONS_DIR: &str = "revisions/";
pub const FILES_DIR: &str = "files/";

/// Limits (a bundle beyond any of them is refused as hostile or broken).
pub mod limits {
    /// Entries in one bundle.
    pub const MAX_ENTRIES: usize = 100_000;
    /// The manifest.
    pub const MAX_MANIFEST: u64 = 32 << 20;
    /// One case's revisions (JSON).
    pub const MAX_REVISIONS: u64 = 64 << 20;
    /// One attached file.
    pub const MAX_FILE: u64 = 1 << 30;
    /// All entries together, uncompressed.
    pub const MAX_TOTAL: u64 = 64 << 30;
    /// Uncompressed size / compressed size of a compressed entry beyond its first MiB.
    pub const MAX_RATIO: u64 = 200;
    /// Entry names (bytes).
    pub const MAX_NAME: usize = 200;
}

/// What the bundle holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    pub campaign_year: i32,
    /// The exporting office (e.g. "台江县商务局") and device.
    pub office: String,
    pub device: String,
    /// RFC 3339, local offset.
    pub created_at: String,
    /// The program that wrote it, e.g. "tianbao 0.1.0".
    #[serde(default)]
    pub generator: String,
    pub cases: Vec<ManifestCase>,
    /// Every entry except the manifest itself.
    pub entries: Vec<ManifestEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestCase {
    pub id: CaseId,
    /// The head revision: what the receiving office gets.
    pub head: String,
    /// 姓名 (for the preview; the revisions are what counts).
    #[serde(default)]
    pub name: String,
    /// How many revisions `revisions/<id>.json` holds.
    pub revisions: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    pub name: String,
    pub size: u64,
    pub sha256: String,
}

pub fn revisions_name(id: &CaseId) -> String {
    format!("{REVISIONS_DIR}{id}.json")
}

pub fn file_name(sha: &str) -> String {
    format!("{FILES_DIR}{sha}")
}

/// Why an entry name is unsafe or not ours, or `None` when it is one of ours.
pub fn check_name(raw: &[u8]) -> Result<String, &'static str> {
    let name = std::str::from_utf8(raw).map_err(|_| "名称不是 UTF-8 编码")?;
    if name.is_empty() {
        return Err("名称为空");
    }
    if name.len() > limits::MAX_NAME {
        return Err("名称过长");
    }
    if name.starts_with('/') || name.starts_with('\\') {
        return Err("绝对路径");
    }
    let b = name.as_bytes();
    if b.len() >= 2 && b[1] == b':' && b[0].is_ascii_alphabetic() {
        return Err("带盘符的路径");
    }
    if name.contains('\\') {
        return Err("含有反斜杠的路径");
    }
    if name.chars().any(|c| c.is_control()) {
        return Err("名称含控制字符");
    }
    if name.split('/').any(|p| p == "..") {
        return Err("含有“..”的路径，会写到目标文件夹之外");
    }
    if name.split('/').any(|p| p.is_empty() || p == ".") {
        return Err("路径中有空的部分");
    }
    Ok(name.to_string())
}

/// What an entry of ours is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Manifest,
    Revisions(CaseId),
    File(String),
}

/// The kind of a (safe) name, `None` for a name that is not one of ours.
pub fn kind_of(name: &str) -> Option<Kind> {
    if name == MANIFEST {
        return Some(Kind::Manifest);
    }
    if let Some(rest) = name.strip_prefix(REVISIONS_DIR) {
        let id = rest.strip_suffix(".json")?;
        let id = uuid::Uuid::parse_str(id).ok()?;
        // Only the canonical spelling: one case, one name.
        return (revisions_name(&id) == name).then_some(Kind::Revisions(id));
    }
    if let Some(sha) = name.strip_prefix(FILES_DIR) {
        let ok = sha.len() == 64
            && sha
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
        return ok.then(|| Kind::File(sha.to_string()));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(check_name(b"/etc/passwd").is_err());
        assert!(check_name(b"C:/x").is_err());
        assert!(check_name(b"c:x").is_err());
        assert!(check_name(b"files/../../x").is_err());
        assert!(check_name(b"files\\x").is_err());
        assert!(check_name(b"a//b").is_err());
        assert!(check_name(&[0xff, 0xfe]).is_err());
        assert_eq!(check_name(b"manifest.json").unwrap(), "manifest.json");
        assert_eq!(kind_of("manifest.json"), Some(Kind::Manifest));
        let sha = "a".repeat(64);
        assert_eq!(
            kind_of(&format!("files/{sha}")),
            Some(Kind::File(sha.clone()))
        );
        assert_eq!(kind_of(&format!("files/{}", "A".repeat(64))), None);
        assert_eq!(kind_of("revisions/x.json"), None);
        assert_eq!(kind_of("other.txt"), None);
    }
}
