//! Writing a bundle: streamed through the one atomic writer (`fsx::AtomicFile`: a temporary file
//! beside the target, fsync, rename), optionally through `age` encryption. A full USB stick or a
//! pulled stick leaves no file under the final name.

use super::format::{self, Manifest, ManifestCase, ManifestEntry};
use super::{crypt, shown, BundleError};
use crate::fsx::{AtomicFile, FsError};
use crate::store::Revision;
use sha2::{Digest, Sha256};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

const CHUNK: usize = 64 * 1024;
/// A bundle of gigabytes reaches the disk as it is written, not all at the end.
const WRITE_BACK: u64 = 64 << 20;

/// What goes into a bundle.
pub struct Contents {
    pub campaign_year: i32,
    pub office: String,
    pub device: String,
    pub created_at: String,
    /// Each case with its revisions, oldest first.
    pub cases: Vec<(ManifestCase, Vec<Revision>)>,
    /// AttachOutcome files: SHA-256 and where the stored copy is.
    pub files: Vec<(String, PathBuf)>,
}

enum Sink {
    Plain(BufWriter<AtomicFile>),
    Age(age::stream::StreamWriter<BufWriter<AtomicFile>>),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Plain(w) => w.write(buf),
            Sink::Age(w) => w.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Plain(w) => w.flush(),
            Sink::Age(w) => w.flush(),
        }
    }
}

/// Writes the bundle to `target` (replacing it only once complete). Returns its manifest.
pub fn write(
    target: &Path,
    contents: &Contents,
    passphrase: Option<&str>,
) -> Result<Manifest, BundleError> {
    let file = shown(target);
    let werr = |e: io::Error| BundleError::write(&file, FsError::writing(target, e));
    // The manifest first: revisions are serialised now; files are named by their hash already
    // (and re-hashed while copied — a damaged stored copy stops the export).
    let mut entries = Vec::new();
    let mut rev_bytes = Vec::new();
    for (mc, revs) in &contents.cases {
        let json = serde_json::to_vec(revs).map_err(|e| werr(io::Error::other(e)))?;
        entries.push(ManifestEntry {
            name: format::revisions_name(&mc.id),
            size: json.len() as u64,
            sha256: crate::media::blobs::hex(&Sha256::digest(&json)),
        });
        rev_bytes.push(json);
    }
    let mut sizes = Vec::new();
    for (sha, path) in &contents.files {
        let len = std::fs::metadata(path)
            .map_err(|e| local_damaged(sha, &e.to_string()))?
            .len();
        sizes.push(len);
        entries.push(ManifestEntry {
            name: format::file_name(sha),
            size: len,
            sha256: sha.clone(),
        });
    }
    let manifest = Manifest {
        format: format::FORMAT.into(),
        version: format::VERSION,
        campaign_year: contents.campaign_year,
        office: contents.office.clone(),
        device: contents.device.clone(),
        created_at: contents.created_at.clone(),
        generator: format!("tianbao {}", env!("CARGO_PKG_VERSION")),
        cases: contents.cases.iter().map(|(mc, _)| mc.clone()).collect(),
        entries,
    };
    let mut out = AtomicFile::beside(target).map_err(|e| BundleError::write(&file, e))?;
    out.write_back_every(WRITE_BACK);
    let buffered = BufWriter::with_capacity(CHUNK, out);
    let sink = match passphrase {
        None => Sink::Plain(buffered),
        Some("") => return Err(BundleError::EmptyPassphrase),
        Some(p) => Sink::Age(crypt::encrypt(buffered, p).map_err(werr)?),
    };
    let mut zip = zip::ZipWriter::new_stream(sink);
    let deflated = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .unix_permissions(0o600);
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .unix_permissions(0o600);
    let zerr = |e: zip::result::ZipError| match e {
        zip::result::ZipError::Io(e) => werr(e),
        e => werr(io::Error::other(e)),
    };
    zip.start_file(format::MANIFEST, deflated).map_err(zerr)?;
    let json = serde_json::to_vec_pretty(&manifest).map_err(|e| werr(io::Error::other(e)))?;
    zip.write_all(&json).map_err(werr)?;
    for ((mc, _), json) in contents.cases.iter().zip(&rev_bytes) {
        zip.start_file(format::revisions_name(&mc.id), deflated)
            .map_err(zerr)?;
        zip.write_all(json).map_err(werr)?;
    }
    for ((sha, path), len) in contents.files.iter().zip(sizes) {
        let opts = stored.large_file(len >= u32::MAX as u64);
        zip.start_file(format::file_name(sha), opts).map_err(zerr)?;
        let mut input =
            std::fs::File::open(path).map_err(|e| local_damaged(sha, &e.to_string()))?;
        let mut hasher = Sha256::new();
        let n_total = match crate::fsx::copy_overlapped(&mut input, &mut zip, |c| hasher.update(c))
        {
            Ok(n) => n,
            Err(crate::fsx::CopyError::Read(e)) => return Err(local_damaged(sha, &e.to_string())),
            Err(crate::fsx::CopyError::Write(e)) => return Err(werr(e)),
        };
        if n_total != len || crate::media::blobs::hex(&hasher.finalize()) != *sha {
            return Err(local_damaged(sha, "内容与保存时不符"));
        }
    }
    let sink = zip.finish().map_err(zerr)?.into_inner();
    let buffered = match sink {
        Sink::Plain(w) => w,
        Sink::Age(w) => w.finish().map_err(werr)?,
    };
    let out = buffered
        .into_inner()
        .map_err(|e| werr(io::Error::new(e.error().kind(), e.error().to_string())))?;
    out.commit(target)
        .map_err(|e| BundleError::write(&file, e))?;
    Ok(manifest)
}

fn local_damaged(sha: &str, detail: &str) -> BundleError {
    BundleError::Read {
        file: format!("本机保存的附件 {}", &sha[..sha.len().min(12)]),
        reason: format!("{detail}；请在案例中重新添加该文件后再导出"),
    }
}
