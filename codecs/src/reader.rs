//! One fallible cursor over a byte slice, shared by the binary codecs.
//!
//! Every read checks the remaining length first and reports where it stopped, so protocol
//! modules turn a short read into their own typed error with the exact offset.

/// A read past the end of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Short {
    /// Offset (from the start of the whole input) at which the read began.
    pub offset: usize,
    /// What was being read.
    pub expected: &'static str,
    /// How many bytes were missing.
    pub missing: usize,
}

/// A cursor over `&'a [u8]`; everything it hands out borrows from the input.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    /// Offset of `buf[0]` in the caller's whole input, for error reporting.
    base: usize,
}

impl<'a> Reader<'a> {
    /// A cursor over `buf`, whose first byte is at `base` in the whole input.
    #[inline]
    pub fn new(buf: &'a [u8], base: usize) -> Self {
        Reader { buf, pos: 0, base }
    }

    /// Offset of the next byte in the whole input.
    #[inline]
    pub fn offset(&self) -> usize {
        self.base + self.pos
    }

    /// Bytes not yet read.
    #[inline]
    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// Whether any byte is left.
    #[inline]
    pub fn any_left(&self) -> bool {
        self.pos < self.buf.len()
    }

    /// The unread rest, consuming it.
    #[inline]
    pub fn rest(&mut self) -> &'a [u8] {
        let rest = &self.buf[self.pos..];
        self.pos = self.buf.len();
        rest
    }

    /// Takes `len` bytes; `len` is checked against what remains before anything is sliced.
    #[inline]
    pub fn take(&mut self, len: usize, expected: &'static str) -> Result<&'a [u8], Short> {
        let remaining = self.remaining();
        if len > remaining {
            return Err(Short {
                offset: self.offset(),
                expected,
                missing: len - remaining,
            });
        }
        let out = &self.buf[self.pos..self.pos + len];
        self.pos += len;
        Ok(out)
    }

    /// Takes exactly `N` bytes as an array.
    #[inline]
    pub fn take_array<const N: usize>(&mut self, expected: &'static str) -> Result<[u8; N], Short> {
        let bytes = self.take(N, expected)?;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    /// A bounded sub-reader over the next `len` bytes.
    #[inline]
    pub fn sub(&mut self, len: usize, expected: &'static str) -> Result<Reader<'a>, Short> {
        let base = self.offset();
        let bytes = self.take(len, expected)?;
        Ok(Reader::new(bytes, base))
    }

    /// One octet.
    #[inline]
    pub fn u8(&mut self, expected: &'static str) -> Result<u8, Short> {
        Ok(self.take_array::<1>(expected)?[0])
    }

    /// Big-endian u16.
    #[inline]
    pub fn u16(&mut self, expected: &'static str) -> Result<u16, Short> {
        Ok(u16::from_be_bytes(self.take_array(expected)?))
    }

    /// Big-endian u32.
    #[inline]
    pub fn u32(&mut self, expected: &'static str) -> Result<u32, Short> {
        Ok(u32::from_be_bytes(self.take_array(expected)?))
    }

    /// Big-endian u64.
    #[inline]
    pub fn u64(&mut self, expected: &'static str) -> Result<u64, Short> {
        Ok(u64::from_be_bytes(self.take_array(expected)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_read_reports_offset_and_missing() {
        let mut r = Reader::new(&[1, 2, 3], 10);
        assert_eq!(r.u16("a").unwrap(), 0x0102);
        let err = r.u32("b").unwrap_err();
        assert_eq!(
            err,
            Short {
                offset: 12,
                expected: "b",
                missing: 3
            }
        );
        // A failed read consumes nothing.
        assert_eq!(r.u8("c").unwrap(), 3);
        assert!(!r.any_left());
    }

    #[test]
    fn sub_reader_is_bounded_and_keeps_offsets() {
        let mut r = Reader::new(&[0, 1, 2, 3, 4], 0);
        r.u8("x").unwrap();
        let mut sub = r.sub(2, "sub").unwrap();
        assert_eq!(sub.offset(), 1);
        assert_eq!(sub.rest(), &[1, 2]);
        assert_eq!(r.rest(), &[3, 4]);
    }
}
