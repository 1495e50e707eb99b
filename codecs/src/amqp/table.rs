//! Field tables and arrays: validated once at decode, then walked lazily without allocating.
//!
//! A [`FieldTable`] keeps its wire bytes. Decoding checks every length, tag and nesting level
//! once; iterating afterwards cannot fail and copies nothing, and re-encoding writes the very
//! same bytes (so key order, duplicate keys, the spec's `U`/`L` tags and odd booleans survive).
//!
//! Tags follow RabbitMQ's errata (the set it writes): `t b B s u I i l f d D S A T F V x`, where
//! `s` is a signed 16-bit integer and `l` a signed 64-bit integer (the 0-9-1 spec's `s` is a
//! short string, which no broker sends). Decoding also accepts the spec's `U` (i16) and `L` (i64).

use std::borrow::Cow;
use std::fmt;

use bytes::BufMut;

use super::error::{Error, ErrorKind};
use super::field::{LongStr, ShortStr, TooLong};
use super::Limits;
use crate::reader::Reader;

/// A decimal value: the raw scale octet and the raw 32-bit value (RabbitMQ reads the value as
/// signed; [`Decimal::signed_value`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Decimal {
    /// Number of decimal digits after the point.
    pub scale: u8,
    /// The unscaled value, as on the wire.
    pub value: u32,
}

impl Decimal {
    /// The unscaled value read as a two's-complement i32, as RabbitMQ does.
    pub fn signed_value(&self) -> i32 {
        self.value as i32
    }
}

/// One value in a field table or array.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue<'a> {
    /// `t`: boolean (any non-zero octet is true).
    Bool(bool),
    /// `b`: signed 8-bit.
    I8(i8),
    /// `B`: unsigned 8-bit.
    U8(u8),
    /// `s`: signed 16-bit (RabbitMQ's tag).
    I16(i16),
    /// `U`: signed 16-bit (the spec's tag; decoded, written only if asked for).
    SpecI16(i16),
    /// `u`: unsigned 16-bit.
    U16(u16),
    /// `I`: signed 32-bit.
    I32(i32),
    /// `i`: unsigned 32-bit.
    U32(u32),
    /// `l`: signed 64-bit (RabbitMQ's tag).
    I64(i64),
    /// `L`: signed 64-bit (the spec's tag; decoded, written only if asked for).
    SpecI64(i64),
    /// `f`: IEEE-754 single.
    F32(f32),
    /// `d`: IEEE-754 double.
    F64(f64),
    /// `D`: decimal.
    Decimal(Decimal),
    /// `S`: long string.
    LongStr(LongStr<'a>),
    /// `x`: byte array (RabbitMQ).
    Bytes(LongStr<'a>),
    /// `A`: array.
    Array(FieldArray<'a>),
    /// `T`: timestamp, seconds since the epoch.
    Timestamp(u64),
    /// `F`: nested table.
    Table(FieldTable<'a>),
    /// `V`: no value.
    Void,
}

impl<'a> FieldValue<'a> {
    /// The wire tag of this value.
    pub fn tag(&self) -> u8 {
        use FieldValue::*;
        match self {
            Bool(_) => b't',
            I8(_) => b'b',
            U8(_) => b'B',
            I16(_) => b's',
            SpecI16(_) => b'U',
            U16(_) => b'u',
            I32(_) => b'I',
            U32(_) => b'i',
            I64(_) => b'l',
            SpecI64(_) => b'L',
            F32(_) => b'f',
            F64(_) => b'd',
            Decimal(_) => b'D',
            LongStr(_) => b'S',
            Bytes(_) => b'x',
            Array(_) => b'A',
            Timestamp(_) => b'T',
            Table(_) => b'F',
            Void => b'V',
        }
    }

    /// The value of type `tag` at the front of `b`, which was validated, and its length.
    /// `None` only if `b` was not valid (it always is).
    #[inline]
    fn parse(tag: u8, b: &'a [u8]) -> Option<(Self, usize)> {
        use FieldValue::*;
        fn be<const N: usize>(b: &[u8]) -> Option<[u8; N]> {
            b.get(..N)?.try_into().ok()
        }
        Some(match tag {
            b't' => (Bool(*b.first()? != 0), 1),
            b'b' => (I8(*b.first()? as i8), 1),
            b'B' => (U8(*b.first()?), 1),
            b's' => (I16(i16::from_be_bytes(be(b)?)), 2),
            b'U' => (SpecI16(i16::from_be_bytes(be(b)?)), 2),
            b'u' => (U16(u16::from_be_bytes(be(b)?)), 2),
            b'I' => (I32(i32::from_be_bytes(be(b)?)), 4),
            b'i' => (U32(u32::from_be_bytes(be(b)?)), 4),
            b'l' => (I64(i64::from_be_bytes(be(b)?)), 8),
            b'L' => (SpecI64(i64::from_be_bytes(be(b)?)), 8),
            b'f' => (F32(f32::from_bits(u32::from_be_bytes(be(b)?))), 4),
            b'd' => (F64(f64::from_bits(u64::from_be_bytes(be(b)?))), 8),
            b'D' => (
                Decimal(self::Decimal {
                    scale: *b.first()?,
                    value: u32::from_be_bytes(be(b.get(1..)?)?),
                }),
                5,
            ),
            b'T' => (Timestamp(u64::from_be_bytes(be(b)?)), 8),
            b'V' => (Void, 0),
            b'S' | b'x' | b'A' | b'F' => {
                let len = u32::from_be_bytes(be(b)?) as usize;
                let raw = b.get(4..4 + len)?;
                let v = match tag {
                    b'S' => LongStr(self::LongStr::from_wire(raw)),
                    b'x' => Bytes(self::LongStr::from_wire(raw)),
                    b'A' => Array(FieldArray::from_validated(raw)),
                    _ => Table(FieldTable::from_validated(raw)),
                };
                (v, 4 + len)
            }
            _ => return None,
        })
    }

    /// Encoded length, tag included.
    pub fn encoded_len(&self) -> usize {
        use FieldValue::*;
        1 + match self {
            Bool(_) | I8(_) | U8(_) => 1,
            I16(_) | SpecI16(_) | U16(_) => 2,
            I32(_) | U32(_) | F32(_) => 4,
            I64(_) | SpecI64(_) | F64(_) | Timestamp(_) => 8,
            Decimal(_) => 5,
            LongStr(s) | Bytes(s) => 4 + s.len(),
            Array(a) => a.encoded_len(),
            Table(t) => t.encoded_len(),
            Void => 0,
        }
    }

    /// Writes the tag and the value.
    pub fn encode(&self, buf: &mut impl BufMut) {
        use FieldValue::*;
        buf.put_u8(self.tag());
        match self {
            Bool(b) => buf.put_u8(*b as u8),
            I8(v) => buf.put_i8(*v),
            U8(v) => buf.put_u8(*v),
            I16(v) | SpecI16(v) => buf.put_i16(*v),
            U16(v) => buf.put_u16(*v),
            I32(v) => buf.put_i32(*v),
            U32(v) => buf.put_u32(*v),
            I64(v) | SpecI64(v) => buf.put_i64(*v),
            F32(v) => buf.put_u32(v.to_bits()),
            F64(v) => buf.put_u64(v.to_bits()),
            Decimal(d) => {
                buf.put_u8(d.scale);
                buf.put_u32(d.value);
            }
            LongStr(s) | Bytes(s) => {
                buf.put_u32(s.len() as u32);
                buf.put_slice(s.as_bytes());
            }
            Array(a) => a.encode(buf),
            Table(t) => t.encode(buf),
            Timestamp(v) => buf.put_u64(*v),
            Void => {}
        }
    }

    /// The encoding, in a buffer of exactly [`encoded_len`](Self::encoded_len) bytes.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.encode(&mut out);
        out
    }

    /// The same value, owning its data.
    pub fn into_owned(self) -> FieldValue<'static> {
        use FieldValue::*;
        match self {
            Bool(v) => Bool(v),
            I8(v) => I8(v),
            U8(v) => U8(v),
            I16(v) => I16(v),
            SpecI16(v) => SpecI16(v),
            U16(v) => U16(v),
            I32(v) => I32(v),
            U32(v) => U32(v),
            I64(v) => I64(v),
            SpecI64(v) => SpecI64(v),
            F32(v) => F32(v),
            F64(v) => F64(v),
            Decimal(v) => Decimal(v),
            LongStr(s) => LongStr(s.into_owned()),
            Bytes(s) => Bytes(s.into_owned()),
            Array(a) => Array(a.into_owned()),
            Timestamp(v) => Timestamp(v),
            Table(t) => Table(t.into_owned()),
            Void => Void,
        }
    }
}

/// Octets of each tag's value when its size is fixed, plus one (0 = not fixed or unknown).
const FIXED_SIZE: [u8; 256] = {
    let mut t = [0u8; 256];
    let fixed: [(u8, u8); 13] = [
        (b't', 1),
        (b'b', 1),
        (b'B', 1),
        (b's', 2),
        (b'U', 2),
        (b'u', 2),
        (b'I', 4),
        (b'i', 4),
        (b'f', 4),
        (b'l', 8),
        (b'L', 8),
        (b'd', 8),
        (b'T', 8),
    ];
    let mut i = 0;
    while i < fixed.len() {
        t[fixed[i].0 as usize] = fixed[i].1 + 1;
        i += 1;
    }
    t[b'D' as usize] = 5 + 1;
    t[b'V' as usize] = 1;
    t
};

/// What a short read of a fixed-size value of `tag` was reading (error messages only).
fn fixed_what(tag: u8) -> &'static str {
    match tag {
        b't' => "boolean",
        b'b' => "i8",
        b'B' => "u8",
        b's' | b'U' => "i16",
        b'u' => "u16",
        b'I' => "i32",
        b'i' => "u32",
        b'f' => "f32",
        b'l' | b'L' => "i64",
        b'd' => "f64",
        b'T' => "timestamp",
        b'D' => "decimal",
        _ => "void",
    }
}

#[cold]
fn truncated(offset: usize, expected: &'static str) -> Error {
    Error::new(offset, ErrorKind::Truncated { expected })
}

/// Validates the entries of a table (`TABLE`) or array at nesting `depth`, `bytes` starting
/// at offset `base` of the input: every length is checked against what is left before it is
/// stepped over, every tag is known, nesting stays within the limit. One pass, nothing built.
fn validate_entries<const TABLE: bool>(
    bytes: &[u8],
    base: usize,
    depth: usize,
    limits: &Limits,
) -> Result<(), Error> {
    let n = bytes.len();
    let mut i = 0;
    while i < n {
        if TABLE {
            let len = bytes[i] as usize;
            i += 1;
            if len > n - i {
                return Err(truncated(base + i, "field name"));
            }
            i += len;
        }
        let Some(&tag) = bytes.get(i) else {
            return Err(truncated(base + i, "field value type"));
        };
        i += 1;
        let fixed = FIXED_SIZE[tag as usize];
        if fixed != 0 {
            let len = fixed as usize - 1;
            if len > n - i {
                return Err(truncated(base + i, fixed_what(tag)));
            }
            i += len;
            continue;
        }
        let (what_len, what) = match tag {
            b'S' | b'x' => ("long string length", "long string"),
            b'A' => ("FieldArray length", "FieldArray"),
            b'F' => ("FieldTable length", "FieldTable"),
            other => return Err(Error::new(base + i - 1, ErrorKind::UnknownFieldType(other))),
        };
        let Some(len) = bytes.get(i..i + 4) else {
            return Err(truncated(base + i, what_len));
        };
        let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
        i += 4;
        if len > n - i {
            return Err(truncated(base + i, what));
        }
        if tag == b'A' || tag == b'F' {
            if depth + 1 > limits.table_depth {
                return Err(Error::new(
                    base + i,
                    ErrorKind::TableTooDeep(limits.table_depth),
                ));
            }
            let inner = &bytes[i..i + len];
            if tag == b'F' {
                validate_entries::<true>(inner, base + i, depth + 1, limits)?;
            } else {
                validate_entries::<false>(inner, base + i, depth + 1, limits)?;
            }
        }
        i += len;
    }
    Ok(())
}

macro_rules! container {
    ($(#[$doc:meta])* $name:ident, $item:ty, $iter:ident, $table:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, Default)]
        pub struct $name<'a> {
            /// The entries' wire bytes, without the 32-bit length prefix; always valid.
            raw: Cow<'a, [u8]>,
        }

        impl<'a> $name<'a> {
            /// Reads and validates a length-prefixed container at nesting depth 1.
            #[allow(dead_code)]
            pub(crate) fn read(r: &mut Reader<'a>, limits: &Limits) -> Result<Self, Error> {
                let len = r.u32(concat!(stringify!($name), " length"))?;
                let base = r.offset();
                let raw = r.take(len as usize, stringify!($name))?;
                if 1 > limits.table_depth {
                    return Err(Error::new(base, ErrorKind::TableTooDeep(limits.table_depth)));
                }
                validate_entries::<$table>(raw, base, 1, limits)?;
                Ok($name { raw: Cow::Borrowed(raw) })
            }

            /// Validates `bytes` (the entries, without the length prefix) as a container.
            pub fn from_entries(bytes: &'a [u8], limits: &Limits) -> Result<Self, Error> {
                if 1 > limits.table_depth {
                    return Err(Error::new(0, ErrorKind::TableTooDeep(limits.table_depth)));
                }
                validate_entries::<$table>(bytes, 0, 1, limits)?;
                Ok($name { raw: Cow::Borrowed(bytes) })
            }

            /// A view of entries that were validated before (under the same limits).
            #[inline]
            pub(crate) fn from_validated(raw: &'a [u8]) -> Self {
                $name { raw: Cow::Borrowed(raw) }
            }

            /// The entries' wire bytes (without the length prefix).
            pub fn as_bytes(&self) -> &[u8] {
                &self.raw
            }

            /// Iterates over the entries, without allocating.
            pub fn iter(&self) -> $iter<'_> {
                $iter { rest: &self.raw }
            }

            /// Number of entries (walks the container).
            pub fn len(&self) -> usize {
                self.iter().count()
            }

            /// Whether there are no entries.
            pub fn is_empty(&self) -> bool {
                self.raw.is_empty()
            }

            /// Encoded length, with the 32-bit length prefix.
            pub fn encoded_len(&self) -> usize {
                4 + self.raw.len()
            }

            /// Writes the length prefix and the entries.
            pub fn encode(&self, buf: &mut impl BufMut) {
                buf.put_u32(self.raw.len() as u32);
                buf.put_slice(&self.raw);
            }

            /// The encoding, in a buffer of exactly [`encoded_len`](Self::encoded_len) bytes.
            pub fn to_vec(&self) -> Vec<u8> {
                let mut out = Vec::with_capacity(self.encoded_len());
                self.encode(&mut out);
                out
            }

            /// The same container, owning its bytes.
            pub fn into_owned(self) -> $name<'static> {
                $name { raw: Cow::Owned(self.raw.into_owned()) }
            }
        }

        /// Iterator over a validated container's entries.
        #[derive(Debug, Clone)]
        pub struct $iter<'r> {
            rest: &'r [u8],
        }

        impl<'r> Iterator for $iter<'r> {
            type Item = $item;
            #[inline]
            fn next(&mut self) -> Option<Self::Item> {
                // The bytes were validated when the container was made, so this cannot fail;
                // should it ever, the walk ends instead of panicking.
                let (item, used) = $name::parse_entry(self.rest)?;
                self.rest = self.rest.get(used..)?;
                Some(item)
            }
        }

        impl<'r> IntoIterator for &'r $name<'_> {
            type Item = $item;
            type IntoIter = $iter<'r>;
            fn into_iter(self) -> $iter<'r> {
                self.iter()
            }
        }

        impl fmt::Debug for $name<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_list().entries(self.iter()).finish()
            }
        }
    };
}

container!(
    /// A field table: ordered `(name, value)` entries; duplicates are kept.
    FieldTable,
    (ShortStr<'r>, FieldValue<'r>),
    TableIter,
    true
);
container!(
    /// A field array: ordered values.
    FieldArray,
    FieldValue<'r>,
    ArrayIter,
    false
);

impl<'a> FieldTable<'a> {
    /// The entry at the front of validated entries, and its length.
    #[inline]
    fn parse_entry(b: &'a [u8]) -> Option<((ShortStr<'a>, FieldValue<'a>), usize)> {
        let len = *b.first()? as usize;
        let name = ShortStr::from_wire(b.get(1..1 + len)?);
        let tag = *b.get(1 + len)?;
        let (value, used) = FieldValue::parse(tag, b.get(2 + len..)?)?;
        Some(((name, value), 2 + len + used))
    }

    /// The first value named `name`.
    pub fn get(&self, name: &str) -> Option<FieldValue<'_>> {
        self.iter()
            .find(|(k, _)| k.as_bytes() == name.as_bytes())
            .map(|(_, v)| v)
    }

    /// A builder for a new table.
    pub fn builder() -> TableBuilder {
        TableBuilder::default()
    }
}

impl<'a> FieldArray<'a> {
    /// The value at the front of validated entries, and its length.
    #[inline]
    fn parse_entry(b: &'a [u8]) -> Option<(FieldValue<'a>, usize)> {
        let (value, used) = FieldValue::parse(*b.first()?, b.get(1..)?)?;
        Some((value, 1 + used))
    }

    /// An array of `values`.
    pub fn from_values<'v>(
        values: impl IntoIterator<Item = FieldValue<'v>>,
    ) -> FieldArray<'static> {
        let mut raw = Vec::new();
        for v in values {
            v.encode(&mut raw);
        }
        FieldArray {
            raw: Cow::Owned(raw),
        }
    }
}

/// Builds a table entry by entry (in order; duplicates allowed).
#[derive(Debug, Default, Clone)]
pub struct TableBuilder {
    raw: Vec<u8>,
}

impl TableBuilder {
    /// Appends an entry; the name must fit a short string.
    pub fn insert<'v>(
        &mut self,
        name: impl AsRef<[u8]>,
        value: impl Into<FieldValue<'v>>,
    ) -> Result<&mut Self, TooLong> {
        let name = name.as_ref();
        let value = value.into();
        if name.len() > ShortStr::MAX_LEN {
            return Err(TooLong {
                len: name.len(),
                max: ShortStr::MAX_LEN,
            });
        }
        self.raw.put_u8(name.len() as u8);
        self.raw.put_slice(name);
        value.encode(&mut self.raw);
        Ok(self)
    }

    /// The table.
    pub fn build(self) -> FieldTable<'static> {
        FieldTable {
            raw: Cow::Owned(self.raw),
        }
    }
}

macro_rules! field_value_from {
    ($($t:ty => $v:ident, $tag:literal;)*) => {$(
        impl From<$t> for FieldValue<'static> {
            #[doc = concat!("A `", $tag, "` value.")]
            fn from(v: $t) -> Self {
                FieldValue::$v(v)
            }
        }
    )*};
}
field_value_from! {
    bool => Bool, "t";
    i8 => I8, "b";
    u8 => U8, "B";
    i16 => I16, "s";
    u16 => U16, "u";
    i32 => I32, "I";
    u32 => U32, "i";
    i64 => I64, "l";
    f32 => F32, "f";
    f64 => F64, "d";
    Decimal => Decimal, "D";
}

impl<'a> From<&'a str> for FieldValue<'a> {
    /// An `S` long string, borrowed.
    ///
    /// # Panics
    /// If `s` is longer than a long string can be (4 GiB).
    fn from(s: &'a str) -> Self {
        FieldValue::LongStr(LongStr::new(s.as_bytes()).expect("a string of at most 4 GiB"))
    }
}

impl From<String> for FieldValue<'static> {
    /// An `S` long string.
    ///
    /// # Panics
    /// If `s` is longer than a long string can be (4 GiB).
    fn from(s: String) -> Self {
        FieldValue::LongStr(LongStr::new(s.into_bytes()).expect("a string of at most 4 GiB"))
    }
}

impl<'a> From<LongStr<'a>> for FieldValue<'a> {
    /// An `S` long string.
    fn from(s: LongStr<'a>) -> Self {
        FieldValue::LongStr(s)
    }
}

impl<'a> From<FieldTable<'a>> for FieldValue<'a> {
    /// An `F` nested table.
    fn from(t: FieldTable<'a>) -> Self {
        FieldValue::Table(t)
    }
}

impl<'a> From<FieldArray<'a>> for FieldValue<'a> {
    /// An `A` array.
    fn from(a: FieldArray<'a>) -> Self {
        FieldValue::Array(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_type() -> FieldTable<'static> {
        let nested = {
            let mut b = FieldTable::builder();
            b.insert("inner", FieldValue::I32(-5)).unwrap();
            b.build()
        };
        let mut b = FieldTable::builder();
        b.insert("t", FieldValue::Bool(true)).unwrap();
        b.insert("b", FieldValue::I8(-1)).unwrap();
        b.insert("B", FieldValue::U8(255)).unwrap();
        b.insert("s", FieldValue::I16(-300)).unwrap();
        b.insert("U", FieldValue::SpecI16(-301)).unwrap();
        b.insert("u", FieldValue::U16(65535)).unwrap();
        b.insert("I", FieldValue::I32(i32::MIN)).unwrap();
        b.insert("i", FieldValue::U32(u32::MAX)).unwrap();
        b.insert("l", FieldValue::I64(i64::MIN)).unwrap();
        b.insert("L", FieldValue::SpecI64(-2)).unwrap();
        b.insert("f", FieldValue::F32(1.5)).unwrap();
        b.insert("d", FieldValue::F64(-2.25)).unwrap();
        b.insert(
            "D",
            FieldValue::Decimal(Decimal {
                scale: 2,
                value: (-12345i32) as u32,
            }),
        )
        .unwrap();
        b.insert(
            "S",
            FieldValue::LongStr(LongStr::try_from("héllo").unwrap()),
        )
        .unwrap();
        b.insert(
            "x",
            FieldValue::Bytes(LongStr::new(&[0u8, 0xff][..]).unwrap()),
        )
        .unwrap();
        b.insert(
            "A",
            FieldValue::Array(FieldArray::from_values([
                FieldValue::Void,
                FieldValue::U8(1),
            ])),
        )
        .unwrap();
        b.insert("T", FieldValue::Timestamp(1_700_000_000)).unwrap();
        b.insert("F", FieldValue::Table(nested)).unwrap();
        b.insert("V", FieldValue::Void).unwrap();
        b.insert("t", FieldValue::Bool(false)).unwrap(); // a duplicate key
        b.build()
    }

    #[test]
    fn every_tag_round_trips_in_order_with_duplicates() {
        let table = every_type();
        let mut wire = Vec::new();
        table.encode(&mut wire);
        assert_eq!(wire.len(), table.encoded_len());

        let mut r = Reader::new(&wire, 0);
        let decoded = FieldTable::read(&mut r, &Limits::default()).unwrap();
        assert!(!r.any_left());
        assert_eq!(decoded, table);
        let tags: Vec<u8> = decoded.iter().map(|(_, v)| v.tag()).collect();
        assert_eq!(tags, b"tbBsUuIilLfdDSxATFVt");
        let names: Vec<String> = decoded
            .iter()
            .map(|(k, _)| k.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(names.first().map(String::as_str), Some("t"));
        assert_eq!(names.last().map(String::as_str), Some("t"));
        match decoded.get("D").unwrap() {
            FieldValue::Decimal(d) => assert_eq!(d.signed_value(), -12345),
            other => panic!("{other:?}"),
        }
        match decoded.get("F").unwrap() {
            FieldValue::Table(t) => assert_eq!(t.get("inner"), Some(FieldValue::I32(-5))),
            other => panic!("{other:?}"),
        }
        // Each value's encoded length agrees with what it writes.
        for (_, v) in decoded.iter() {
            let mut out = Vec::new();
            v.encode(&mut out);
            assert_eq!(out.len(), v.encoded_len(), "{v:?}");
        }
    }

    #[test]
    fn decoded_values_borrow_from_the_input() {
        let table = every_type();
        let mut wire = Vec::new();
        table.encode(&mut wire);
        let mut r = Reader::new(&wire, 0);
        let decoded = FieldTable::read(&mut r, &Limits::default()).unwrap();
        let range = wire.as_ptr_range();
        assert!(range.contains(&decoded.as_bytes().as_ptr()));
        match decoded.get("S").unwrap() {
            FieldValue::LongStr(s) => assert!(range.contains(&s.as_bytes().as_ptr())),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unknown_tag_is_a_typed_error_at_its_offset() {
        // table length 3: name "k", tag 'Z'
        let wire = [0, 0, 0, 3, 1, b'k', b'Z'];
        let err = FieldTable::read(&mut Reader::new(&wire, 0), &Limits::default()).unwrap_err();
        assert_eq!(*err.detail(), ErrorKind::UnknownFieldType(b'Z'));
        assert_eq!(err.offset(), 6);
        assert_eq!(err.code().0, 502);
    }

    #[test]
    fn spec_short_string_tag_is_read_as_rabbitmq_i16() {
        // 's' followed by two bytes: RabbitMQ's signed 16-bit, not the spec's short string.
        let wire = [0, 0, 0, 5, 1, b'k', b's', 0xff, 0xfe];
        let t = FieldTable::read(&mut Reader::new(&wire, 0), &Limits::default()).unwrap();
        assert_eq!(t.get("k"), Some(FieldValue::I16(-2)));
    }

    #[test]
    fn value_length_beyond_the_table_is_truncated() {
        // table of 7 bytes whose long string declares 1000 bytes
        let wire = [0, 0, 0, 7, 1, b'k', b'S', 0, 0, 3, 0xe8];
        let err = FieldTable::read(&mut Reader::new(&wire, 0), &Limits::default()).unwrap_err();
        assert_eq!(
            *err.detail(),
            ErrorKind::Truncated {
                expected: "long string"
            }
        );
        // Table length beyond the input.
        let wire = [0, 0, 0, 9, 1, b'k'];
        let err = FieldTable::read(&mut Reader::new(&wire, 0), &Limits::default()).unwrap_err();
        assert_eq!(err.offset(), 4);
        assert_eq!(err.kind(), "truncated");
    }

    #[test]
    fn nesting_beyond_the_limit_is_rejected_without_recursing_further() {
        fn nest(levels: usize) -> Vec<u8> {
            // A table holding `levels` nested tables {"a": {"a": ...}}; each level is 7 bytes.
            let mut out = ((7 * levels) as u32).to_be_bytes().to_vec();
            for inner in (0..levels).rev() {
                out.extend_from_slice(&[1, b'a', b'F']);
                out.extend_from_slice(&((7 * inner) as u32).to_be_bytes());
            }
            out
        }
        let limits = Limits {
            table_depth: 4,
            ..Limits::default()
        };
        // 3 nested tables inside the top one: depth 4, allowed.
        assert!(FieldTable::read(&mut Reader::new(&nest(3), 0), &limits).is_ok());
        let err = FieldTable::read(&mut Reader::new(&nest(4), 0), &limits).unwrap_err();
        assert_eq!(*err.detail(), ErrorKind::TableTooDeep(4));
        // Far deeper than any stack could take, still a plain error.
        let err =
            FieldTable::read(&mut Reader::new(&nest(100_000), 0), &Limits::default()).unwrap_err();
        assert_eq!(err.kind(), "table-too-deep");
    }
}
