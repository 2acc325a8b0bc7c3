//! Opening a bundle: every check before anything is written where it matters.
//!
//! Uses `zip`'s seekable `ZipArchive` for the directory and each entry's decompressing, CRC
//! checking reader, and our own checks on top: names (absolute, drive letters, `..`, backslashes,
//! control characters — `enclosed_name` would silently drop a leading `/`, so it is not used),
//! symlink and folder entries, duplicates, counts, sizes, ratios, every byte counted and hashed
//! against the manifest. Never `extract()`. AttachOutcome files are staged in `work` (a folder the
//! caller owns, on the same disk as the attachment store) while they are hashed, so one pass over
//! the bytes both verifies and prepares them.

use super::format::{self, limits, Kind, Manifest, ManifestEntry};
use super::{crypt, shown, BundleError};
use crate::model::{Attachment, CaseId};
use crate::store::Revision;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// A bundle that passed every check.
#[derive(Debug)]
pub struct Verified {
    /// The bundle as the user picked it.
    pub source: PathBuf,
    pub manifest: Manifest,
    /// Each case's revisions, oldest first (parents before children).
    pub revisions: BTreeMap<CaseId, Vec<Revision>>,
    /// AttachOutcome files checked and staged in the work folder (absent: already stored, `skip`).
    pub files: Vec<StagedFile>,
    /// Whether the bundle was encrypted.
    pub encrypted: bool,
    /// Total bytes read from the bundle's entries.
    pub bytes: u64,
}

#[derive(Debug, Clone)]
pub struct StagedFile {
    pub sha256: String,
    pub size: u64,
    /// Where the checked copy waits (in the work folder); `None` when `skip` said it is stored.
    pub staged: Option<PathBuf>,
}

struct Item {
    index: usize,
    name: String,
    kind: Kind,
    size: u64,
}

/// Opens and verifies the bundle at `path`. `work` is an existing folder for the decrypted
/// archive and staged files (the caller removes it); `skip(sha)` tells a file already stored
/// (its bytes are still read and checked, not copied).
pub fn open(
    path: &Path,
    passphrase: Option<&str>,
    work: &Path,
    skip: &dyn Fn(&str) -> bool,
) -> Result<Verified, BundleError> {
    let file = shown(path);
    let meta = std::fs::metadata(path).map_err(|e| BundleError::read(&file, &e))?;
    if meta.is_dir() {
        return Err(BundleError::NotZip { file });
    }
    let encrypted = crypt::is_encrypted(path).map_err(|e| BundleError::read(&file, &e))?;
    let zip_path = if encrypted {
        let pass = passphrase
            .filter(|p| !p.is_empty())
            .ok_or_else(|| BundleError::NeedPassphrase { file: file.clone() })?;
        let dst = work.join("bundle.zip");
        crypt::decrypt_to(path, pass, &dst)?;
        dst
    } else {
        path.to_path_buf()
    };
    let mut v = verify_zip(&zip_path, &file, work, skip)?;
    v.source = path.to_path_buf();
    v.encrypted = encrypted;
    Ok(v)
}

fn zip_err(file: &str, e: zip::result::ZipError) -> BundleError {
    use zip::result::ZipError::*;
    match e {
        Io(e) if e.kind() == io::ErrorKind::UnexpectedEof => BundleError::Truncated {
            file: file.into(),
            detail: "文件在中途结束".into(),
        },
        Io(e) => BundleError::read(file, &e),
        InvalidArchive(m) => BundleError::Truncated {
            file: file.into(),
            detail: format!("zip 目录无法读取：{m}"),
        },
        UnsupportedArchive(m) => BundleError::Unrelated {
            file: file.into(),
            detail: format!("不支持的 zip 特性：{m}"),
        },
        other => BundleError::Unrelated {
            file: file.into(),
            detail: other.to_string(),
        },
    }
}

fn verify_zip(
    zip_path: &Path,
    file: &str,
    work: &Path,
    skip: &dyn Fn(&str) -> bool,
) -> Result<Verified, BundleError> {
    let mut f = File::open(zip_path).map_err(|e| BundleError::read(file, &e))?;
    let mut magic = [0u8; 4];
    let n = crate::fsx::read_full(&mut f, &mut magic).map_err(|e| BundleError::read(file, &e))?;
    if n < 4 || (&magic != b"PK\x03\x04" && &magic != b"PK\x05\x06") {
        return Err(BundleError::NotZip { file: file.into() });
    }
    let f = File::open(zip_path).map_err(|e| BundleError::read(file, &e))?;
    let mut zip = zip::ZipArchive::new(f).map_err(|e| zip_err(file, e))?;
    if zip.len() > limits::MAX_ENTRIES {
        return Err(BundleError::TooLarge {
            file: file.into(),
            reason: format!("条目多达 {} 个", zip.len()),
        });
    }
    if zip.has_duplicate_names() {
        return Err(BundleError::UnsafeEntry {
            file: file.into(),
            name: "（同名条目）".into(),
            reason: "同一名称出现了不止一次".into(),
        });
    }
    // 1. Every entry: a safe name of ours, a regular file, sane sizes.
    let mut items: Vec<Item> = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    let mut total = 0u64;
    for i in 0..zip.len() {
        let e = zip.by_index_raw(i).map_err(|e| zip_err(file, e))?;
        let name = format::check_name(e.name_raw()).map_err(|reason| BundleError::UnsafeEntry {
            file: file.into(),
            name: String::from_utf8_lossy(e.name_raw()).into_owned(),
            reason: reason.into(),
        })?;
        let unsafe_entry = |reason: &str| BundleError::UnsafeEntry {
            file: file.into(),
            name: name.clone(),
            reason: reason.into(),
        };
        let mode = e.unix_mode().unwrap_or(0);
        if e.is_symlink() || mode & 0o170000 == 0o120000 {
            return Err(unsafe_entry("符号链接"));
        }
        if e.is_dir() {
            return Err(unsafe_entry("文件夹条目"));
        }
        if e.encrypted() {
            return Err(unsafe_entry("zip 自带加密的条目"));
        }
        let size = e.size();
        let packed = e.compressed_size();
        total = total.saturating_add(size);
        if total > limits::MAX_TOTAL {
            return Err(BundleError::TooLarge {
                file: file.into(),
                reason: format!("解压后总大小超过 {} GB", limits::MAX_TOTAL >> 30),
            });
        }
        if e.compression() != zip::CompressionMethod::Stored
            && size > (1 << 20)
            && size / packed.max(1) > limits::MAX_RATIO
        {
            return Err(BundleError::TooLarge {
                file: file.into(),
                reason: format!(
                    "条目“{name}”的压缩比超过 {}:1（压缩炸弹）",
                    limits::MAX_RATIO
                ),
            });
        }
        match format::kind_of(&name) {
            Some(kind) => {
                let cap = match kind {
                    Kind::Manifest => limits::MAX_MANIFEST,
                    Kind::Revisions(_) => limits::MAX_REVISIONS,
                    Kind::File(_) => limits::MAX_FILE,
                };
                if size > cap {
                    return Err(BundleError::TooLarge {
                        file: file.into(),
                        reason: format!("条目“{name}”有 {size} 字节，超过上限 {cap}"),
                    });
                }
                items.push(Item {
                    index: i,
                    name,
                    kind,
                    size,
                });
            }
            None => unknown.push(name),
        }
    }
    // 2. The manifest.
    let Some(mi) = items.iter().position(|it| it.kind == Kind::Manifest) else {
        return Err(BundleError::Unrelated {
            file: file.into(),
            detail: "没有 manifest.json".into(),
        });
    };
    let mut buf = Vec::new();
    let (idx, size) = (items[mi].index, items[mi].size);
    read_entry(&mut zip, idx, format::MANIFEST, size, &mut buf, file)?;
    let value: serde_json::Value =
        serde_json::from_slice(&buf).map_err(|e| BundleError::Unrelated {
            file: file.into(),
            detail: format!("manifest.json 不是有效的 JSON：{e}"),
        })?;
    if value.get("format").and_then(|v| v.as_str()) != Some(format::FORMAT) {
        return Err(BundleError::Unrelated {
            file: file.into(),
            detail: "manifest.json 不是案例包的清单".into(),
        });
    }
    let version = value.get("version").and_then(|v| v.as_u64()).unwrap_or(0);
    if version > format::VERSION as u64 {
        return Err(BundleError::FutureVersion {
            file: file.into(),
            found: version.min(u32::MAX as u64) as u32,
            supported: format::VERSION,
        });
    }
    let bad = |reason: String| BundleError::Manifest {
        file: file.into(),
        reason,
    };
    if version == 0 {
        return Err(bad("格式版本无效".into()));
    }
    let manifest: Manifest =
        serde_json::from_value(value).map_err(|e| bad(format!("清单无法读取：{e}")))?;
    if let Some(name) = unknown.first() {
        return Err(bad(format!("包中的“{name}”未列在清单中，也不属于案例包")));
    }
    // 3. The manifest against the entries, both ways.
    let mut listed: HashMap<&str, &ManifestEntry> = HashMap::new();
    for e in &manifest.entries {
        if listed.insert(e.name.as_str(), e).is_some() {
            return Err(bad(format!("清单中“{}”出现了两次", e.name)));
        }
        if format::check_name(e.name.as_bytes()).is_err()
            || !matches!(
                format::kind_of(&e.name),
                Some(Kind::File(_) | Kind::Revisions(_))
            )
        {
            return Err(bad(format!("清单中的名称“{}”无效", e.name)));
        }
        if !items.iter().any(|it| it.name == e.name) {
            return Err(bad(format!("清单列出的“{}”不在包中", e.name)));
        }
    }
    for it in &items {
        if it.kind == Kind::Manifest {
            continue;
        }
        let Some(e) = listed.get(it.name.as_str()) else {
            return Err(bad(format!("包中的“{}”未列在清单中", it.name)));
        };
        if e.size != it.size {
            return Err(BundleError::Damaged {
                file: file.into(),
                name: it.name.clone(),
                reason: format!("大小 {} 与清单声明的 {} 不符", it.size, e.size),
            });
        }
    }
    let mut case_ids = HashSet::new();
    for c in &manifest.cases {
        if !case_ids.insert(c.id) {
            return Err(bad(format!("案例 {} 在清单中出现了两次", c.id)));
        }
        if !listed.contains_key(format::revisions_name(&c.id).as_str()) {
            return Err(bad(format!("案例“{}”的修订记录不在包中", c.name)));
        }
    }
    // 4. Revisions: read, hash, parse, check.
    let mut revisions = BTreeMap::new();
    let mut bytes = buf.len() as u64;
    for it in &items {
        let Kind::Revisions(id) = it.kind else {
            continue;
        };
        let Some(mc) = manifest.cases.iter().find(|c| c.id == id) else {
            return Err(bad(format!("“{}”不属于清单中的任何案例", it.name)));
        };
        let mut buf = Vec::new();
        let sha = read_entry(&mut zip, it.index, &it.name, it.size, &mut buf, file)?;
        check_sha(file, &it.name, &sha, listed[it.name.as_str()])?;
        bytes += buf.len() as u64;
        let revs: Vec<Revision> =
            serde_json::from_slice(&buf).map_err(|e| BundleError::Damaged {
                file: file.into(),
                name: it.name.clone(),
                reason: format!("修订记录无法读取：{e}"),
            })?;
        check_revisions(&revs, id, &mc.head, mc.revisions).map_err(|reason| {
            BundleError::Damaged {
                file: file.into(),
                name: it.name.clone(),
                reason,
            }
        })?;
        revisions.insert(id, revs);
    }
    // 5. AttachOutcome files: every byte counted, CRC-checked by the reader, hashed, staged.
    let mut files = Vec::new();
    let staging = work.join("files");
    let durable = crate::fsx::BackgroundSync::new();
    for it in &items {
        let Kind::File(sha) = &it.kind else {
            continue;
        };
        let entry = listed[it.name.as_str()];
        if entry.sha256 != *sha {
            return Err(bad(format!("“{}”的名称与清单中的 SHA-256 不符", it.name)));
        }
        let staged = if skip(sha) {
            let got = read_entry(&mut zip, it.index, &it.name, it.size, &mut io::sink(), file)?;
            check_sha(file, &it.name, &got, entry)?;
            None
        } else {
            std::fs::create_dir_all(&staging)
                .map_err(|e| BundleError::write(&shown(work), crate::fsx::FsError::new(work, e)))?;
            let dst = staging.join(sha);
            let mut out = crate::fsx::private_new_file()
                .open(&dst)
                .map_err(|e| BundleError::write(&shown(work), crate::fsx::FsError::new(&dst, e)))?;
            let got = read_entry(&mut zip, it.index, &it.name, it.size, &mut out, file)?;
            check_sha(file, &it.name, &got, entry)?;
            durable.sync(out, &dst);
            Some(dst)
        };
        bytes += it.size;
        files.push(StagedFile {
            sha256: sha.clone(),
            size: it.size,
            staged,
        });
    }
    // Staged files on disk before anyone relies on them (synced in the background, each
    // while the next is read and hashed).
    durable
        .finish()
        .map_err(|e| BundleError::write(&shown(work), e))?;
    // 6. Every file a head refers to is inside: a case never arrives without its photos.
    let present: HashSet<&str> = files.iter().map(|f| f.sha256.as_str()).collect();
    for mc in &manifest.cases {
        let revs = &revisions[&mc.id];
        let head = revs.iter().find(|r| r.id == mc.head).expect("checked");
        for a in needed_files(head) {
            if !present.contains(a.sha256.to_ascii_lowercase().as_str()) {
                return Err(bad(format!(
                    "案例“{}”的附件“{}”不在包中",
                    mc.name, a.file_name
                )));
            }
        }
    }
    Ok(Verified {
        source: PathBuf::new(),
        manifest,
        revisions,
        files,
        encrypted: false,
        bytes,
    })
}

/// The attached files a revision needs: those of its case, and those a conflict it carries
/// offers as a choice.
pub fn needed_files(rev: &Revision) -> Vec<Attachment> {
    let m = &rev.data.media;
    let mut out: Vec<Attachment> = [&m.photo, &m.id_front, &m.id_back]
        .into_iter()
        .flatten()
        .cloned()
        .chain(m.pictures.iter().cloned())
        .collect();
    // The JPEG made from a WebP/BMP file travels with its original (it is what is sent).
    let conversions: Vec<Attachment> = out
        .iter()
        .filter_map(|a| {
            let c = a.converted.as_ref()?;
            Some(Attachment {
                sha256: c.sha256.clone(),
                file_name: format!("{}（转换的 JPG）", a.file_name),
                bytes: c.bytes,
                format: c.format.clone(),
                ..Default::default()
            })
        })
        .collect();
    out.extend(conversions);
    for c in &rev.conflicts {
        for ch in &c.choices {
            if let Ok(a) = serde_json::from_value::<Attachment>(ch.value.clone()) {
                if crate::media::blobs::is_sha256(&a.sha256) {
                    out.push(a);
                }
            }
        }
    }
    out.retain(|a| !a.sha256.is_empty());
    out
}

fn check_sha(file: &str, name: &str, got: &str, entry: &ManifestEntry) -> Result<(), BundleError> {
    if got != entry.sha256.to_ascii_lowercase() {
        return Err(BundleError::Damaged {
            file: file.into(),
            name: name.into(),
            reason: "SHA-256 与清单不符".into(),
        });
    }
    Ok(())
}

fn check_revisions(revs: &[Revision], id: CaseId, head: &str, count: usize) -> Result<(), String> {
    if revs.is_empty() {
        return Err("没有任何修订".into());
    }
    if revs.len() != count {
        return Err(format!("有 {} 个修订，清单声明 {count} 个", revs.len()));
    }
    let mut seen = HashSet::new();
    for r in revs {
        if r.case_id != id || r.data.id != id {
            return Err(format!("修订 {} 属于另一个案例", r.id));
        }
        if uuid::Uuid::parse_str(&r.id).is_err() {
            return Err(format!("修订编号“{}”无效", r.id));
        }
        for p in &r.parents {
            if !seen.contains(p.as_str()) {
                return Err(format!(
                    "修订 {} 的上一版本 {p} 不在包中（或顺序错误）",
                    r.id
                ));
            }
        }
        if !seen.insert(r.id.as_str()) {
            return Err(format!("修订 {} 出现了两次", r.id));
        }
    }
    if !seen.contains(head) {
        return Err(format!("最新修订 {head} 不在包中"));
    }
    Ok(())
}

/// Reads entry `index` through zip's decompressing, CRC-checking reader into `sink`, counting
/// every byte (never more than `declared` + 1 are read) and hashing. Returns the SHA-256 (hex).
fn read_entry(
    zip: &mut zip::ZipArchive<File>,
    index: usize,
    name: &str,
    declared: u64,
    sink: &mut (dyn Write + Send),
    file: &str,
) -> Result<String, BundleError> {
    let damaged = |reason: String| BundleError::Damaged {
        file: file.into(),
        name: name.into(),
        reason,
    };
    let entry = zip.by_index(index).map_err(|e| match e {
        zip::result::ZipError::UnsupportedArchive(m) => damaged(format!("不支持的压缩方式：{m}")),
        e => zip_err(file, e),
    })?;
    let mut limited = entry.take(declared.saturating_add(1));
    let mut hasher = Sha256::new();
    let count = match crate::fsx::copy_overlapped(&mut limited, sink, |c| hasher.update(c)) {
        Ok(n) => n,
        Err(crate::fsx::CopyError::Write(e)) => {
            return Err(BundleError::write(
                name,
                crate::fsx::FsError::new(Path::new(name), e),
            ))
        }
        Err(crate::fsx::CopyError::Read(e)) => {
            let msg = e.to_string();
            return Err(if msg.to_ascii_lowercase().contains("checksum") {
                damaged("CRC 校验和不符".into())
            } else if e.kind() == io::ErrorKind::UnexpectedEof {
                BundleError::Truncated {
                    file: file.into(),
                    detail: format!("条目“{name}”在中途结束"),
                }
            } else {
                damaged(format!("无法解压：{msg}"))
            });
        }
    };
    if count > declared {
        return Err(damaged(format!("内容比声明的 {declared} 字节更长")));
    }
    if count < declared {
        return Err(BundleError::Truncated {
            file: file.into(),
            detail: format!("条目“{name}”只有 {count} 字节，声明 {declared} 字节"),
        });
    }
    Ok(crate::media::blobs::hex(&hasher.finalize()))
}
