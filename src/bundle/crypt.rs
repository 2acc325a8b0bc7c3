//! Optional passphrase: the whole bundle encrypted with `age`'s scrypt recipient.
//!
//! The scrypt work factor is FIXED ([`WORK_FACTOR`]), not measured on the exporting machine, so
//! a bundle made on a fast county PC opens in about the same time on a slow township laptop;
//! decryption refuses anything above [`MAX_WORK_FACTOR`] (a hostile file cannot make us spend
//! minutes and gigabytes). Both directions stream in 64 KiB chunks: memory stays bounded
//! whatever the size of the bundle (scrypt itself takes 128 · 8 · 2^WORK_FACTOR bytes once).

use super::BundleError;
use age::secrecy::SecretString;
use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::Path;

/// scrypt N = 2^16 (64 MiB, about a second on a slow laptop).
pub const WORK_FACTOR: u8 = 16;
/// The most a bundle may demand (the same: we only open what we make).
pub const MAX_WORK_FACTOR: u8 = WORK_FACTOR;
/// How an age file starts.
pub const MAGIC: &[u8] = b"age-encryption.org/v1\n";
const CHUNK: usize = 64 * 1024;

/// Whether the file at `path` is an encrypted bundle (by its first bytes).
pub fn is_encrypted(path: &Path) -> io::Result<bool> {
    let mut f = File::open(path)?;
    let mut head = [0u8; 22];
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n == MAGIC.len() && head[..] == *MAGIC)
}

/// Wraps `out` so that everything written to it is encrypted with `passphrase`. Call
/// `finish()` on the result to write the last chunk.
pub fn encrypt<W: Write>(out: W, passphrase: &str) -> io::Result<age::stream::StreamWriter<W>> {
    let mut r = age::scrypt::Recipient::new(SecretString::from(passphrase.to_string()));
    r.set_work_factor(WORK_FACTOR);
    let enc = age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient))
        .map_err(io::Error::other)?;
    enc.wrap_output(out)
}

/// Decrypts the bundle `src` into `dst` (a new file), streaming. A wrong passphrase, a damaged
/// or truncated file, and a work factor above the maximum each give their own message.
pub fn decrypt_to(src: &Path, passphrase: &str, dst: &Path) -> Result<u64, BundleError> {
    let file = super::shown(src);
    let input = File::open(src).map_err(|e| BundleError::read(&file, &e))?;
    let damaged = |detail: String| BundleError::EncryptedDamaged {
        file: file.clone(),
        detail,
    };
    let dec = age::Decryptor::new_buffered(BufReader::with_capacity(CHUNK, input)).map_err(
        |e| match e {
            age::DecryptError::Io(io) if io.kind() == io::ErrorKind::UnexpectedEof => {
                damaged("文件头不完整".into())
            }
            other => damaged(format!("文件头无法识别：{other}")),
        },
    )?;
    if !dec.is_scrypt() {
        return Err(damaged("不是用口令加密的".into()));
    }
    let mut id = age::scrypt::Identity::new(SecretString::from(passphrase.to_string()));
    id.set_max_work_factor(MAX_WORK_FACTOR);
    let mut reader = dec
        .decrypt(std::iter::once(&id as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::ExcessiveWork { .. } => {
                BundleError::ExcessiveWork { file: file.clone() }
            }
            age::DecryptError::DecryptionFailed
            | age::DecryptError::NoMatchingKeys
            | age::DecryptError::KeyDecryptionFailed => {
                BundleError::WrongPassphrase { file: file.clone() }
            }
            other => damaged(other.to_string()),
        })?;
    let mut out = crate::fsx::private_new_file()
        .open(dst)
        .map_err(|e| BundleError::write(&file, crate::fsx::FsError::new(dst, e)))?;
    let mut buf = vec![0u8; CHUNK];
    let mut total = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(damaged(if e.kind() == io::ErrorKind::UnexpectedEof {
                    "文件在中途结束".into()
                } else {
                    "内容校验失败".into()
                }))
            }
        };
        out.write_all(&buf[..n])
            .map_err(|e| BundleError::write(&file, crate::fsx::FsError::new(dst, e)))?;
        total += n as u64;
    }
    Ok(total)
}
