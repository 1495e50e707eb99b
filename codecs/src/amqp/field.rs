//! Method and property fields: the spec's domains, bit packing, and the borrowed strings.
//!
//! Spec §4.2.5: integers are big-endian; a short string is an octet length + up to 255 octets;
//! a long string is a 32-bit length + octets; "Bits are accumulated into whole octets. When two or
//! more bits are contiguous in a frame these will be packed into one or more octets, starting from
//! the low bit in each octet."

use std::borrow::Cow;
use std::fmt;

use bytes::BufMut;

use super::error::{Error, ErrorKind};
use super::table::FieldTable;
use super::{Limits, Profile};
use crate::reader::Reader;

/// A short string (`shortstr`): at most 255 octets, not necessarily UTF-8.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct ShortStr<'a>(Cow<'a, [u8]>);

/// A long string (`longstr`): at most 2³²−1 octets, not necessarily UTF-8.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct LongStr<'a>(Cow<'a, [u8]>);

/// A string longer than its domain allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("string of {len} bytes is longer than {max}")]
pub struct TooLong {
    /// Its length.
    pub len: usize,
    /// The domain's maximum.
    pub max: usize,
}

macro_rules! string_type {
    ($name:ident, $max:expr) => {
        impl<'a> $name<'a> {
            /// The largest length this string type can carry.
            pub const MAX_LEN: usize = $max;

            /// A string from bytes (borrowed or owned), checked against the length limit.
            pub fn new(bytes: impl Into<Cow<'a, [u8]>>) -> Result<Self, TooLong> {
                let bytes = bytes.into();
                if bytes.len() > Self::MAX_LEN {
                    return Err(TooLong {
                        len: bytes.len(),
                        max: Self::MAX_LEN,
                    });
                }
                Ok($name(bytes))
            }

            /// The raw octets.
            pub fn as_bytes(&self) -> &[u8] {
                &self.0
            }

            /// The octets as text, if they are UTF-8.
            pub fn as_str(&self) -> Option<&str> {
                std::str::from_utf8(&self.0).ok()
            }

            /// Length in octets.
            pub fn len(&self) -> usize {
                self.0.len()
            }

            /// Whether empty.
            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }

            /// The same string, owning its octets.
            pub fn into_owned(self) -> $name<'static> {
                $name(Cow::Owned(self.0.into_owned()))
            }

            /// A short-lived borrowed view of this string.
            pub fn as_borrowed(&self) -> $name<'_> {
                $name(Cow::Borrowed(&self.0))
            }
        }

        impl<'a> TryFrom<&'a str> for $name<'a> {
            type Error = TooLong;
            /// A borrowed string from a `&str`, checked against the length limit.
            fn try_from(s: &'a str) -> Result<Self, TooLong> {
                Self::new(s.as_bytes())
            }
        }

        impl fmt::Debug for $name<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.as_str() {
                    Some(s) => fmt::Debug::fmt(s, f),
                    None => write!(f, "{:02x?}", &self.0[..]),
                }
            }
        }

        /// The text; bytes that are not UTF-8 show as U+FFFD.
        impl fmt::Display for $name<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&String::from_utf8_lossy(&self.0), f)
            }
        }

        impl AsRef<[u8]> for $name<'_> {
            fn as_ref(&self) -> &[u8] {
                &self.0
            }
        }

        impl PartialEq<str> for $name<'_> {
            fn eq(&self, other: &str) -> bool {
                &self.0[..] == other.as_bytes()
            }
        }

        impl PartialEq<&str> for $name<'_> {
            fn eq(&self, other: &&str) -> bool {
                &self.0[..] == other.as_bytes()
            }
        }
    };
}

string_type!(ShortStr, u8::MAX as usize);

impl<'a> ShortStr<'a> {
    /// A view of octets whose length came from a one-octet prefix (so at most 255).
    #[inline]
    pub(crate) fn from_wire(bytes: &'a [u8]) -> Self {
        ShortStr(Cow::Borrowed(bytes))
    }
}

impl<'a> LongStr<'a> {
    /// A view of octets whose length came from a 32-bit prefix.
    #[inline]
    pub(crate) fn from_wire(bytes: &'a [u8]) -> Self {
        LongStr(Cow::Borrowed(bytes))
    }
}
string_type!(LongStr, u32::MAX as usize);

/// The spec's field domains, as methods and properties declare them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Domain {
    /// `bit`, packed with neighbouring bits.
    Bit,
    /// `octet`.
    Octet,
    /// `short` (u16).
    Short,
    /// `long` (u32).
    Long,
    /// `longlong` (u64).
    LongLong,
    /// `timestamp` (u64 seconds).
    Timestamp,
    /// `shortstr`.
    ShortStr,
    /// `longstr`.
    LongStr,
    /// `table`.
    Table,
}

/// A borrowed view of one field's value, for generic walks over a method's fields.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldRef<'r> {
    /// `bit`.
    Bit(bool),
    /// `octet`.
    Octet(u8),
    /// `short`.
    Short(u16),
    /// `long`.
    Long(u32),
    /// `longlong` or `timestamp`.
    LongLong(u64),
    /// `shortstr`.
    ShortStr(&'r ShortStr<'r>),
    /// `longstr`.
    LongStr(&'r LongStr<'r>),
    /// `table`.
    Table(&'r FieldTable<'r>),
}

/// One field's value, for building a method or properties generically (e.g. from JSON).
#[derive(Debug, Clone, PartialEq)]
pub enum FieldVal<'a> {
    /// `bit`.
    Bit(bool),
    /// `octet`.
    Octet(u8),
    /// `short`.
    Short(u16),
    /// `long`.
    Long(u32),
    /// `longlong` or `timestamp`.
    LongLong(u64),
    /// `shortstr`.
    ShortStr(ShortStr<'a>),
    /// `longstr`.
    LongStr(LongStr<'a>),
    /// `table`.
    Table(FieldTable<'a>),
}

/// Reads fields from a method or header payload, packing bits per §4.2.5.2.
pub(crate) struct FieldReader<'a> {
    pub(crate) r: Reader<'a>,
    pub(crate) limits: Limits,
    pub(crate) profile: Profile,
    bits: u8,
    /// Bits of `bits` already used; 0 = no octet open.
    used_bits: u8,
}

impl<'a> FieldReader<'a> {
    pub(crate) fn new(r: Reader<'a>, limits: Limits, profile: Profile) -> Self {
        FieldReader {
            r,
            limits,
            profile,
            bits: 0,
            used_bits: 0,
        }
    }

    #[inline]
    fn bit(&mut self) -> Result<bool, Error> {
        if self.used_bits == 0 || self.used_bits == 8 {
            self.close_bits()?;
            self.bits = self.r.u8("bit octet")?;
            self.used_bits = 0;
        }
        let bit = self.bits >> self.used_bits & 1 == 1;
        self.used_bits += 1;
        Ok(bit)
    }

    /// Ends a run of bits. In the strict profile the octet's unused high bits must be zero, so
    /// that re-encoding reproduces the input; RabbitMQ ignores them.
    #[inline]
    pub(crate) fn close_bits(&mut self) -> Result<(), Error> {
        if self.used_bits != 0 && self.used_bits < 8 && self.profile == Profile::Strict {
            let unused = self.bits & !((1u8 << self.used_bits) - 1);
            if unused != 0 {
                return Err(Error::new(
                    self.r.offset() - 1,
                    ErrorKind::ReservedBits(unused),
                ));
            }
        }
        self.used_bits = 0;
        Ok(())
    }

    /// Checks that the payload is fully consumed.
    #[inline]
    pub(crate) fn finish(&mut self) -> Result<(), Error> {
        self.close_bits()?;
        if self.r.any_left() {
            return Err(Error::new(
                self.r.offset(),
                ErrorKind::TrailingData(self.r.remaining()),
            ));
        }
        Ok(())
    }
}

/// Writes fields, packing bits; bits are flushed by the next non-bit field or `finish`.
pub(crate) struct FieldWriter<'w, B: BufMut> {
    pub(crate) buf: &'w mut B,
    bits: u8,
    used_bits: u8,
}

impl<'w, B: BufMut> FieldWriter<'w, B> {
    pub(crate) fn new(buf: &'w mut B) -> Self {
        FieldWriter {
            buf,
            bits: 0,
            used_bits: 0,
        }
    }

    fn bit(&mut self, value: bool) {
        if self.used_bits == 8 {
            self.flush_bits();
        }
        self.bits |= (value as u8) << self.used_bits;
        self.used_bits += 1;
    }

    fn flush_bits(&mut self) {
        if self.used_bits > 0 {
            self.buf.put_u8(self.bits);
            self.bits = 0;
            self.used_bits = 0;
        }
    }

    pub(crate) fn finish(&mut self) {
        self.flush_bits();
    }
}

/// Counts the encoded length of fields, packing bits like [`FieldWriter`].
#[derive(Default)]
pub(crate) struct LenCounter {
    pub(crate) len: usize,
    used_bits: u8,
}

impl LenCounter {
    fn bit(&mut self) {
        if self.used_bits == 0 || self.used_bits == 8 {
            self.len += 1;
            self.used_bits = 0;
        }
        self.used_bits += 1;
    }

    fn plain(&mut self, len: usize) {
        self.used_bits = 0;
        self.len += len;
    }
}

/// A type that is one field of a method or header.
pub(crate) trait Field<'a>: Sized {
    fn read(r: &mut FieldReader<'a>) -> Result<Self, Error>;
    fn write<B: BufMut>(&self, w: &mut FieldWriter<'_, B>);
    fn count(&self, l: &mut LenCounter);
    fn field_ref(&self) -> FieldRef<'_>;
    fn from_val(v: FieldVal<'a>) -> Option<Self>;
}

/// Turns a field into its `'static` twin.
pub(crate) trait OwnedField {
    type Owned;
    fn into_owned_field(self) -> Self::Owned;
}

impl<'a> Field<'a> for bool {
    #[inline]
    fn read(r: &mut FieldReader<'a>) -> Result<Self, Error> {
        r.bit()
    }
    fn write<B: BufMut>(&self, w: &mut FieldWriter<'_, B>) {
        w.bit(*self)
    }
    fn count(&self, l: &mut LenCounter) {
        l.bit()
    }
    fn field_ref(&self) -> FieldRef<'_> {
        FieldRef::Bit(*self)
    }
    fn from_val(v: FieldVal<'a>) -> Option<Self> {
        match v {
            FieldVal::Bit(b) => Some(b),
            _ => None,
        }
    }
}

macro_rules! int_field {
    ($ty:ty, $domain:ident, $read:ident, $put:ident, $what:literal) => {
        impl<'a> Field<'a> for $ty {
            #[inline]
            fn read(r: &mut FieldReader<'a>) -> Result<Self, Error> {
                r.close_bits()?;
                Ok(r.r.$read($what)?)
            }
            fn write<B: BufMut>(&self, w: &mut FieldWriter<'_, B>) {
                w.flush_bits();
                w.buf.$put(*self);
            }
            fn count(&self, l: &mut LenCounter) {
                l.plain(std::mem::size_of::<$ty>())
            }
            fn field_ref(&self) -> FieldRef<'_> {
                FieldRef::$domain(*self)
            }
            fn from_val(v: FieldVal<'a>) -> Option<Self> {
                match v {
                    FieldVal::$domain(x) => Some(x),
                    _ => None,
                }
            }
        }
    };
}

int_field!(u8, Octet, u8, put_u8, "octet");
int_field!(u16, Short, u16, put_u16, "short");
int_field!(u32, Long, u32, put_u32, "long");
int_field!(u64, LongLong, u64, put_u64, "longlong");

impl<'a> Field<'a> for ShortStr<'a> {
    #[inline]
    fn read(r: &mut FieldReader<'a>) -> Result<Self, Error> {
        r.close_bits()?;
        let len = r.r.u8("shortstr length")?;
        Ok(ShortStr(Cow::Borrowed(r.r.take(len as usize, "shortstr")?)))
    }
    fn write<B: BufMut>(&self, w: &mut FieldWriter<'_, B>) {
        w.flush_bits();
        w.buf.put_u8(self.0.len() as u8);
        w.buf.put_slice(&self.0);
    }
    fn count(&self, l: &mut LenCounter) {
        l.plain(1 + self.0.len())
    }
    fn field_ref(&self) -> FieldRef<'_> {
        FieldRef::ShortStr(self)
    }
    fn from_val(v: FieldVal<'a>) -> Option<Self> {
        match v {
            FieldVal::ShortStr(s) => Some(s),
            _ => None,
        }
    }
}

impl<'a> Field<'a> for LongStr<'a> {
    #[inline]
    fn read(r: &mut FieldReader<'a>) -> Result<Self, Error> {
        r.close_bits()?;
        let len = r.r.u32("longstr length")?;
        Ok(LongStr(Cow::Borrowed(r.r.take(len as usize, "longstr")?)))
    }
    fn write<B: BufMut>(&self, w: &mut FieldWriter<'_, B>) {
        w.flush_bits();
        w.buf.put_u32(self.0.len() as u32);
        w.buf.put_slice(&self.0);
    }
    fn count(&self, l: &mut LenCounter) {
        l.plain(4 + self.0.len())
    }
    fn field_ref(&self) -> FieldRef<'_> {
        FieldRef::LongStr(self)
    }
    fn from_val(v: FieldVal<'a>) -> Option<Self> {
        match v {
            FieldVal::LongStr(s) => Some(s),
            _ => None,
        }
    }
}

impl<'a> Field<'a> for FieldTable<'a> {
    #[inline]
    fn read(r: &mut FieldReader<'a>) -> Result<Self, Error> {
        r.close_bits()?;
        FieldTable::read(&mut r.r, &r.limits)
    }
    fn write<B: BufMut>(&self, w: &mut FieldWriter<'_, B>) {
        w.flush_bits();
        self.encode(w.buf);
    }
    fn count(&self, l: &mut LenCounter) {
        l.plain(self.encoded_len())
    }
    fn field_ref(&self) -> FieldRef<'_> {
        FieldRef::Table(self)
    }
    fn from_val(v: FieldVal<'a>) -> Option<Self> {
        match v {
            FieldVal::Table(t) => Some(t),
            _ => None,
        }
    }
}

macro_rules! owned_copy {
    ($($ty:ty),*) => {$(
        impl OwnedField for $ty {
            type Owned = $ty;
            fn into_owned_field(self) -> $ty { self }
        }
    )*};
}
owned_copy!(bool, u8, u16, u32, u64);

impl OwnedField for ShortStr<'_> {
    type Owned = ShortStr<'static>;
    fn into_owned_field(self) -> ShortStr<'static> {
        self.into_owned()
    }
}

impl OwnedField for LongStr<'_> {
    type Owned = LongStr<'static>;
    fn into_owned_field(self) -> LongStr<'static> {
        self.into_owned()
    }
}

impl OwnedField for FieldTable<'_> {
    type Owned = FieldTable<'static>;
    fn into_owned_field(self) -> FieldTable<'static> {
        self.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(bytes: &[u8], profile: Profile) -> FieldReader<'_> {
        FieldReader::new(Reader::new(bytes, 0), Limits::default(), profile)
    }

    #[test]
    fn bits_pack_low_bit_first_and_reset_on_other_fields() {
        // bit, bit, short, bit: [0b01] [00 07] [0b1]
        let mut out = Vec::new();
        let mut w = FieldWriter::new(&mut out);
        true.write(&mut w);
        false.write(&mut w);
        7u16.write(&mut w);
        true.write(&mut w);
        w.finish();
        assert_eq!(out, [0b01, 0, 7, 0b1]);

        let mut l = LenCounter::default();
        true.count(&mut l);
        false.count(&mut l);
        7u16.count(&mut l);
        true.count(&mut l);
        assert_eq!(l.len, 4);

        let mut r = reader(&out, Profile::Strict);
        assert!(bool::read(&mut r).unwrap());
        assert!(!bool::read(&mut r).unwrap());
        assert_eq!(u16::read(&mut r).unwrap(), 7);
        assert!(bool::read(&mut r).unwrap());
        r.finish().unwrap();
    }

    #[test]
    fn nine_bits_take_two_octets() {
        let mut out = Vec::new();
        let mut w = FieldWriter::new(&mut out);
        for i in 0..9 {
            (i % 2 == 0).write(&mut w);
        }
        w.finish();
        assert_eq!(out, [0b0101_0101, 0b1]);
        let mut l = LenCounter::default();
        for _ in 0..9 {
            true.count(&mut l);
        }
        assert_eq!(l.len, 2);
    }

    #[test]
    fn reserved_bits_are_rejected_strictly_and_ignored_by_rabbitmq_profile() {
        let bytes = [0b0000_0101];
        let mut r = reader(&bytes, Profile::Strict);
        assert!(bool::read(&mut r).unwrap());
        assert!(!bool::read(&mut r).unwrap());
        let err = r.finish().unwrap_err();
        assert_eq!(*err.detail(), ErrorKind::ReservedBits(0b100));
        assert_eq!(err.offset(), 0);
        assert_eq!(err.code().0, 502);

        let mut r = reader(&bytes, Profile::RabbitMq);
        bool::read(&mut r).unwrap();
        bool::read(&mut r).unwrap();
        r.finish().unwrap();
    }

    #[test]
    fn short_string_length_is_checked_against_the_payload() {
        let mut r = reader(&[5, b'a', b'b'], Profile::Strict);
        let err = ShortStr::read(&mut r).unwrap_err();
        assert_eq!(
            err,
            Error::new(
                1,
                ErrorKind::Truncated {
                    expected: "shortstr"
                }
            )
        );
    }

    #[test]
    fn long_string_declaring_4_gib_fails_without_allocating() {
        let mut r = reader(&[0xff, 0xff, 0xff, 0xff, 1], Profile::Strict);
        let err = LongStr::read(&mut r).unwrap_err();
        assert_eq!(err.kind(), "truncated");
        assert_eq!(err.code().0, 501);
    }

    #[test]
    fn strings_keep_non_utf8_bytes() {
        let s = ShortStr::new(&[0xc3, 0x28][..]).unwrap();
        assert!(s.as_str().is_none());
        assert_eq!(s.as_bytes(), [0xc3, 0x28]);
        assert_eq!(
            ShortStr::new(vec![0u8; 256]).unwrap_err(),
            TooLong { len: 256, max: 255 }
        );
    }
}
