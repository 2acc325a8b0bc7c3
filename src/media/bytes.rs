//! Reading binary headers, shared by [`super::sniff`] (images) and [`super::video`]: fields out
//! of a slice (`None` past its end, never a panic), and [`ReadAt`], a file read at chosen
//! offsets that bounds each read to the file and counts the bytes it returns.

use std::io::{self, Read, Seek, SeekFrom};

pub fn be16(b: &[u8], i: usize) -> Option<u32> {
    Some(u16::from_be_bytes(b.get(i..i + 2)?.try_into().ok()?) as u32)
}

pub fn le16(b: &[u8], i: usize) -> Option<u32> {
    Some(u16::from_le_bytes(b.get(i..i + 2)?.try_into().ok()?) as u32)
}

pub fn be32(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(i..i + 4)?.try_into().ok()?))
}

pub fn le32(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(i..i + 4)?.try_into().ok()?))
}

pub fn be64(b: &[u8], i: usize) -> Option<u64> {
    Some(u64::from_be_bytes(b.get(i..i + 8)?.try_into().ok()?))
}

/// The first position of `needle` in `hay` at or after `from`.
pub fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from >= hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// One byte from a stream.
pub fn read_u8<R: Read>(r: &mut R) -> io::Result<u8> {
    let mut b = [0u8; 1];
    r.read_exact(&mut b)?;
    Ok(b[0])
}

/// A big-endian u16 from a stream.
pub fn read_be16<R: Read>(r: &mut R) -> io::Result<u16> {
    let mut b = [0u8; 2];
    r.read_exact(&mut b)?;
    Ok(u16::from_be_bytes(b))
}

/// A file (or any seekable reader) of known length, read at chosen offsets; counts the bytes
/// it returned, so a check can say how little of a large file it read.
pub struct ReadAt<R> {
    inner: R,
    len: u64,
    read: u64,
}

impl<R: Read + Seek> ReadAt<R> {
    pub fn new(inner: R, len: u64) -> ReadAt<R> {
        ReadAt {
            inner,
            len,
            read: 0,
        }
    }

    /// The length given at creation.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many bytes the reads returned so far.
    pub fn bytes_read(&self) -> u64 {
        self.read
    }

    /// Up to `n` bytes at `off` (fewer at the end; none past it).
    pub fn read_at(&mut self, off: u64, n: u64) -> io::Result<Vec<u8>> {
        if off >= self.len {
            return Ok(Vec::new());
        }
        let n = n.min(self.len - off) as usize;
        self.inner.seek(SeekFrom::Start(off))?;
        let mut buf = vec![0u8; n];
        let mut got = 0;
        while got < n {
            match self.inner.read(&mut buf[got..]) {
                Ok(0) => break,
                Ok(k) => got += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
        buf.truncate(got);
        self.read += got as u64;
        Ok(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    #[test]
    fn fields_past_the_end_are_none_and_reads_are_bounded_and_counted() {
        let b = [0x12, 0x34, 0x56, 0x78];
        assert_eq!(be16(&b, 0), Some(0x1234));
        assert_eq!(le16(&b, 0), Some(0x3412));
        assert_eq!(be32(&b, 0), Some(0x1234_5678));
        assert_eq!(le32(&b, 0), Some(0x7856_3412));
        assert_eq!(be32(&b, 1), None);
        assert_eq!(be64(&b, 0), None);
        assert_eq!(find(&b, &[0x56, 0x78], 0), Some(2));
        assert_eq!(find(&b, &[0x12], 1), None);
        let mut r = ReadAt::new(Cursor::new(vec![7u8; 100]), 100);
        assert_eq!(r.read_at(90, 50).unwrap().len(), 10);
        assert!(r.read_at(100, 5).unwrap().is_empty());
        assert_eq!(r.bytes_read(), 10);
    }
}
