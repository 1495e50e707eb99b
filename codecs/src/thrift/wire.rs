//! The one declarative source for the wire tables of both protocols (type ids, minimum sizes),
//! and the bounds-checked cursor every read goes through.

use super::{Error, Protocol};

/// A Thrift value type, as both protocols know it (their wire ids differ: see
/// [`TType::binary_id`] and [`TType::compact_id`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TType {
    /// `bool`.
    Bool,
    /// `byte` / `i8`.
    Byte,
    /// `i16`.
    I16,
    /// `i32` (also enums).
    I32,
    /// `i64`.
    I64,
    /// `double`.
    Double,
    /// `string` and `binary` (the wire does not tell them apart).
    Binary,
    /// `struct`, `union` and `exception`.
    Struct,
    /// `map`.
    Map,
    /// `set`.
    Set,
    /// `list`.
    List,
    /// `uuid` (16 bytes).
    Uuid,
}

/// One row per type, in the enum's order: (type, binary id, compact id, fewest bytes of one
/// value in the binary protocol, in the compact protocol, IDL name).
///
/// The binary ids are the field-types of doc/specs/thrift-binary-protocol.md ("`BOOL`, encoded
/// as `2`" ... "`UUID`, encoded as `16`"), the compact ids the types of
/// thrift-compact-protocol.md ("`I8`, encoded as `3`" ... "`UUID`, encoded as `13`"). A compact
/// bool *field* carries its value in the header ("`BOOLEAN_TRUE`, encoded as `1`",
/// "`BOOLEAN_FALSE`, encoded as `2`"); as an element type the spec lists `BOOL` as 2 while the
/// reference implementations (C++, Java, Python) write 1: both are read, 1 is written.
const TABLE: [(TType, u8, u8, u8, u8, &str); 12] = [
    (TType::Bool, 2, 1, 1, 1, "bool"),
    (TType::Byte, 3, 3, 1, 1, "byte"),
    (TType::I16, 6, 4, 2, 1, "i16"),
    (TType::I32, 8, 5, 4, 1, "i32"),
    (TType::I64, 10, 6, 8, 1, "i64"),
    (TType::Double, 4, 7, 8, 8, "double"),
    (TType::Binary, 11, 8, 4, 1, "binary"),
    (TType::Struct, 12, 12, 1, 1, "struct"),
    (TType::Map, 13, 11, 6, 1, "map"),
    (TType::Set, 14, 10, 5, 1, "set"),
    (TType::List, 15, 9, 5, 1, "list"),
    (TType::Uuid, 16, 13, 16, 16, "uuid"),
];

/// `TABLE` inverted: binary id → type.
const BY_BINARY_ID: [Option<TType>; 17] = {
    let mut out = [None; 17];
    let mut i = 0;
    while i < TABLE.len() {
        out[TABLE[i].1 as usize] = Some(TABLE[i].0);
        i += 1;
    }
    out
};

/// `TABLE` inverted: compact id → type (2, `BOOLEAN_FALSE`, is bool too).
const BY_COMPACT_ID: [Option<TType>; 16] = {
    let mut out = [None; 16];
    let mut i = 0;
    while i < TABLE.len() {
        out[TABLE[i].2 as usize] = Some(TABLE[i].0);
        i += 1;
    }
    out[2] = Some(TType::Bool);
    out
};

impl TType {
    /// Every type, in declaration order.
    pub const ALL: [TType; 12] = [
        TType::Bool,
        TType::Byte,
        TType::I16,
        TType::I32,
        TType::I64,
        TType::Double,
        TType::Binary,
        TType::Struct,
        TType::Map,
        TType::Set,
        TType::List,
        TType::Uuid,
    ];

    fn row(self) -> &'static (TType, u8, u8, u8, u8, &'static str) {
        &TABLE[self as usize]
    }

    /// The type's id in the binary protocol.
    pub fn binary_id(self) -> u8 {
        self.row().1
    }

    /// The type's element id in the compact protocol.
    pub fn compact_id(self) -> u8 {
        self.row().2
    }

    /// The type with this binary-protocol id.
    #[inline]
    pub fn from_binary_id(id: u8) -> Option<TType> {
        BY_BINARY_ID.get(usize::from(id)).copied().flatten()
    }

    /// The type with this compact-protocol element id (1 and 2 are both bool).
    #[inline]
    pub fn from_compact_id(id: u8) -> Option<TType> {
        BY_COMPACT_ID.get(usize::from(id)).copied().flatten()
    }

    /// The type's id in `protocol`.
    pub fn id(self, protocol: Protocol) -> u8 {
        match protocol {
            Protocol::Binary => self.binary_id(),
            Protocol::Compact => self.compact_id(),
        }
    }

    /// The type with this id in `protocol`.
    pub fn from_id(id: u8, protocol: Protocol) -> Option<TType> {
        match protocol {
            Protocol::Binary => TType::from_binary_id(id),
            Protocol::Compact => TType::from_compact_id(id),
        }
    }

    /// The fixed size of a value of this type in `protocol`, if every value has the same.
    #[inline]
    pub(crate) fn fixed_size(self, protocol: Protocol) -> Option<usize> {
        match (self, protocol) {
            (TType::Bool | TType::Byte, _) => Some(1),
            (TType::Double, _) => Some(8),
            (TType::Uuid, _) => Some(16),
            (TType::I16, Protocol::Binary) => Some(2),
            (TType::I32, Protocol::Binary) => Some(4),
            (TType::I64, Protocol::Binary) => Some(8),
            _ => None,
        }
    }

    /// The fewest bytes one value of this type takes in `protocol`.
    #[inline]
    pub(crate) fn min_size(self, protocol: Protocol) -> u64 {
        let r = self.row();
        u64::from(match protocol {
            Protocol::Binary => r.3,
            Protocol::Compact => r.4,
        })
    }

    /// The IDL name (`bool`, `byte`, `i16`, ..., `binary` for string and binary alike).
    pub fn name(self) -> &'static str {
        self.row().5
    }

    /// The type named `name` ([`TType::name`]; `string` and `i8` are accepted too).
    pub fn from_name(name: &str) -> Option<TType> {
        match name {
            "string" => Some(TType::Binary),
            "i8" => Some(TType::Byte),
            _ => TABLE.iter().find(|r| r.5 == name).map(|r| r.0),
        }
    }

    /// Whether values of this type contain other values.
    pub fn is_compound(self) -> bool {
        matches!(self, TType::Struct | TType::Map | TType::Set | TType::List)
    }
}

/// Why a read stopped: the input ends (with at least this many bytes missing), or it breaks a rule.
#[derive(Debug)]
pub(crate) enum Stop {
    Short(usize),
    Bad(Error),
}

impl From<Error> for Stop {
    fn from(e: Error) -> Self {
        Stop::Bad(e)
    }
}

/// A cursor over the input; every read checks what remains before slicing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cur<'a> {
    pub(crate) buf: &'a [u8],
    pub(crate) pos: usize,
}

impl<'a> Cur<'a> {
    pub(crate) fn new(buf: &'a [u8], pos: usize) -> Self {
        Cur { buf, pos }
    }

    #[inline]
    pub(crate) fn remaining(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }

    #[inline]
    pub(crate) fn u8(&mut self) -> Result<u8, Stop> {
        let b = *self.buf.get(self.pos).ok_or(Stop::Short(1))?;
        self.pos += 1;
        Ok(b)
    }

    #[inline]
    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], Stop> {
        let rem = self.remaining();
        if n > rem {
            return Err(Stop::Short(n - rem));
        }
        let out = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    #[inline]
    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N], Stop> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    #[inline]
    pub(crate) fn be_i16(&mut self) -> Result<i16, Stop> {
        Ok(i16::from_be_bytes(self.array()?))
    }

    #[inline]
    pub(crate) fn be_i32(&mut self) -> Result<i32, Stop> {
        Ok(i32::from_be_bytes(self.array()?))
    }

    /// An unsigned LEB128 var int of at most 5 bytes (`bits` 32) or 10 (`bits` 64).
    ///
    /// Compact spec: "Var ints take 1 to 5 bytes (int32) or 1 to 10 bytes (int64)". A var int
    /// that goes on past that, or whose last byte sets bits above the type's width, is
    /// [`Error::OverlongVarint`]. Non-minimal forms within the length (`80 00`) are accepted,
    /// as every reference implementation accepts them.
    #[inline]
    pub(crate) fn varint(&mut self, bits: u32) -> Result<u64, Stop> {
        let start = self.pos;
        let max_bytes = if bits == 32 { 5 } else { 10 };
        let mut value = 0u64;
        for i in 0..max_bytes {
            let b = self.u8()?;
            value |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                if i == max_bytes - 1 {
                    // The last byte holds the top 4 (32-bit) or 1 (64-bit) bits.
                    let top_bits = bits - 7 * i;
                    if u32::from(b) >> top_bits != 0 {
                        return Err(Error::OverlongVarint { offset: start }.into());
                    }
                }
                return Ok(value);
            }
        }
        Err(Error::OverlongVarint { offset: start }.into())
    }

    /// A zigzag var int of 32 bits.
    #[inline]
    pub(crate) fn zigzag32(&mut self) -> Result<i32, Stop> {
        let n = self.varint(32)? as u32;
        Ok(((n >> 1) as i32) ^ -((n & 1) as i32))
    }

    /// A compact i16: a 32-bit zigzag var int that must fit 16 bits ("To encode an `int16` as
    /// zigzag int, it is first converted to an `int32` and then encoded as such").
    #[inline]
    pub(crate) fn zigzag16(&mut self) -> Result<i16, Stop> {
        let start = self.pos;
        let v = self.zigzag32()?;
        i16::try_from(v).map_err(|_| {
            Error::IntegerRange {
                offset: start,
                value: i64::from(v),
            }
            .into()
        })
    }
}

/// Appends `v` as an unsigned LEB128 var int.
#[inline]
pub(crate) fn put_varint(dst: &mut impl bytes::BufMut, mut v: u64) {
    while v >= 0x80 {
        dst.put_u8((v as u8) | 0x80);
        v >>= 7;
    }
    dst.put_u8(v as u8);
}

/// Bytes [`put_varint`] writes for `v`.
#[inline]
pub(crate) fn varint_len(v: u64) -> usize {
    (64 - (v | 1).leading_zeros()).div_ceil(7) as usize
}

#[inline]
pub(crate) fn zigzag32(n: i32) -> u64 {
    u64::from(((n << 1) ^ (n >> 31)) as u32)
}

#[inline]
pub(crate) fn zigzag64(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}
