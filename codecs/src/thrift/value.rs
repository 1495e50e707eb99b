//! The schema-less value model: borrowed views over validated bytes ([`ValueRef`],
//! [`StructRef`], [`ListRef`], [`MapRef`]) and their owned twins ([`Value`], [`Struct`],
//! [`List`], [`Map`]).
//!
//! Without the IDL the wire says only the type of each value: a struct is field id → typed
//! value in wire order, `string` and `binary` are both [`ValueRef::Binary`], a list, set or map
//! knows its element types. The views read bytes the scan already validated, so walking them
//! never fails and never allocates; should they meet bytes that are not whole after all (a view
//! built by hand over other bytes), iteration ends early rather than panicking.

use super::scan::{skip_binary, skip_compact, skip_elements};
use super::wire::{Cur, TType};
use super::Protocol;

/// A decoded value, borrowing from the input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueRef<'a> {
    /// `bool`.
    Bool(bool),
    /// `byte`.
    Byte(i8),
    /// `i16`.
    I16(i16),
    /// `i32`.
    I32(i32),
    /// `i64`.
    I64(i64),
    /// `double`.
    Double(f64),
    /// `string` or `binary`.
    Binary(&'a [u8]),
    /// `uuid`, in wire (big-endian) order.
    Uuid([u8; 16]),
    /// `struct`, `union`, `exception`.
    Struct(StructRef<'a>),
    /// `list`.
    List(ListRef<'a>),
    /// `set` (elements in wire order; duplicates are not checked: the wire allows them).
    Set(ListRef<'a>),
    /// `map` (entries in wire order).
    Map(MapRef<'a>),
}

impl<'a> ValueRef<'a> {
    /// The value's type.
    pub fn ttype(&self) -> TType {
        match self {
            ValueRef::Bool(_) => TType::Bool,
            ValueRef::Byte(_) => TType::Byte,
            ValueRef::I16(_) => TType::I16,
            ValueRef::I32(_) => TType::I32,
            ValueRef::I64(_) => TType::I64,
            ValueRef::Double(_) => TType::Double,
            ValueRef::Binary(_) => TType::Binary,
            ValueRef::Uuid(_) => TType::Uuid,
            ValueRef::Struct(_) => TType::Struct,
            ValueRef::List(_) => TType::List,
            ValueRef::Set(_) => TType::Set,
            ValueRef::Map(_) => TType::Map,
        }
    }

    /// The bytes of a string or binary, as UTF-8 text if they are.
    pub fn as_str(&self) -> Option<&'a str> {
        match self {
            ValueRef::Binary(b) => std::str::from_utf8(b).ok(),
            _ => None,
        }
    }

    /// An owned copy.
    pub fn into_owned(self) -> Value {
        match self {
            ValueRef::Bool(b) => Value::Bool(b),
            ValueRef::Byte(n) => Value::Byte(n),
            ValueRef::I16(n) => Value::I16(n),
            ValueRef::I32(n) => Value::I32(n),
            ValueRef::I64(n) => Value::I64(n),
            ValueRef::Double(f) => Value::Double(f),
            ValueRef::Binary(b) => Value::Binary(b.to_vec()),
            ValueRef::Uuid(u) => Value::Uuid(u),
            ValueRef::Struct(s) => Value::Struct(s.into_owned()),
            ValueRef::List(l) => Value::List(l.into_owned()),
            ValueRef::Set(l) => Value::Set(l.into_owned()),
            ValueRef::Map(m) => Value::Map(m.into_owned()),
        }
    }
}

/// Reads the validated value of type `t` at `buf[pos..]`: the value and where it ends.
#[inline(always)]
pub(crate) fn read_value(
    buf: &[u8],
    pos: usize,
    t: TType,
    protocol: Protocol,
) -> Option<(ValueRef<'_>, usize)> {
    match protocol {
        Protocol::Binary => read_binary(buf, pos, t),
        Protocol::Compact => read_compact(buf, pos, t),
    }
}

/// `N` bytes at `pos`.
#[inline(always)]
pub(crate) fn bytes_at<const N: usize>(buf: &[u8], pos: usize) -> Option<[u8; N]> {
    buf.get(pos..)?.first_chunk::<N>().copied()
}

/// A binary length or count at `pos` (not negative: the scan refused those).
#[inline(always)]
pub(crate) fn binary_len(buf: &[u8], pos: usize) -> Option<usize> {
    usize::try_from(i32::from_be_bytes(bytes_at(buf, pos)?)).ok()
}

/// An unsigned var int at `pos` (validated: at most 10 bytes), and its end.
#[inline(always)]
pub(crate) fn varint_at(buf: &[u8], pos: usize) -> Option<(u64, usize)> {
    let b = *buf.get(pos)?;
    if b < 0x80 {
        return Some((u64::from(b), pos + 1));
    }
    let mut cur = Cur::new(buf, pos);
    let v = cur.varint(64).ok()?;
    Some((v, cur.pos))
}

#[inline(always)]
fn unzigzag(n: u64) -> i64 {
    ((n >> 1) as i64) ^ -((n & 1) as i64)
}

/// A list or set view's header in the binary protocol: (element type, count, first element).
#[inline(always)]
fn binary_seq_header(buf: &[u8], pos: usize) -> Option<(TType, u32, usize)> {
    let elem = TType::from_binary_id(*buf.get(pos)?)?;
    let n = u32::try_from(binary_len(buf, pos + 1)?).ok()?;
    Some((elem, n, pos + 5))
}

#[inline(always)]
fn compact_seq_header(buf: &[u8], pos: usize) -> Option<(TType, u32, usize)> {
    let b = *buf.get(pos)?;
    let elem = TType::from_compact_id(b & 0x0f)?;
    if b >> 4 == 15 {
        let (n, end) = varint_at(buf, pos + 1)?;
        Some((elem, u32::try_from(n).ok()?, end))
    } else {
        Some((elem, u32::from(b >> 4), pos + 1))
    }
}

/// A primitive here, a compound's view (which needs its end: [`read_binary_compound`]).
#[inline(always)]
fn read_binary(buf: &[u8], pos: usize, t: TType) -> Option<(ValueRef<'_>, usize)> {
    Some(match t {
        // Lenient reading of what the scan accepted: non-zero is true (as C++ reads it).
        TType::Bool => (ValueRef::Bool(*buf.get(pos)? != 0), pos + 1),
        TType::Byte => (ValueRef::Byte(*buf.get(pos)? as i8), pos + 1),
        TType::I16 => (
            ValueRef::I16(i16::from_be_bytes(bytes_at(buf, pos)?)),
            pos + 2,
        ),
        TType::I32 => (
            ValueRef::I32(i32::from_be_bytes(bytes_at(buf, pos)?)),
            pos + 4,
        ),
        TType::I64 => (
            ValueRef::I64(i64::from_be_bytes(bytes_at(buf, pos)?)),
            pos + 8,
        ),
        TType::Double => (
            ValueRef::Double(f64::from_be_bytes(bytes_at(buf, pos)?)),
            pos + 8,
        ),
        TType::Uuid => (ValueRef::Uuid(bytes_at(buf, pos)?), pos + 16),
        TType::Binary => {
            // A negative length (which the scan refused) is beyond any buffer as a `u32`.
            let (len, tail) = buf.get(pos..)?.split_first_chunk::<4>()?;
            let n = u32::from_be_bytes(*len) as usize;
            (ValueRef::Binary(tail.get(..n)?), pos + 4 + n)
        }
        _ => return read_binary_compound(buf, pos, t),
    })
}

/// A list or set (`t`) of `len` elements of type `elem` from `first`, skipped to its end.
#[inline(always)]
fn seq_value(
    buf: &[u8],
    t: TType,
    elem: TType,
    len: u32,
    first: usize,
    p: Protocol,
) -> Option<(ValueRef<'_>, usize)> {
    let end = skip_elements(buf, first, len as usize, elem, None, p)?;
    let l = ListRef {
        elem,
        len,
        bytes: buf.get(first..end)?,
        protocol: p,
    };
    let v = if t == TType::List {
        ValueRef::List(l)
    } else {
        ValueRef::Set(l)
    };
    Some((v, end))
}

/// A map of `len` entries from `first`, skipped to its end.
#[inline(always)]
fn map_value(
    buf: &[u8],
    key: TType,
    value: TType,
    len: u32,
    first: usize,
    p: Protocol,
) -> Option<(ValueRef<'_>, usize)> {
    let end = skip_elements(buf, first, len as usize, key, Some(value), p)?;
    let m = MapRef {
        key,
        value,
        len,
        bytes: buf.get(first..end)?,
        protocol: p,
    };
    Some((ValueRef::Map(m), end))
}

#[inline(never)]
fn read_binary_compound(buf: &[u8], pos: usize, t: TType) -> Option<(ValueRef<'_>, usize)> {
    let p = Protocol::Binary;
    Some(match t {
        TType::Struct => {
            let end = skip_binary(buf, pos, t)?;
            (ValueRef::Struct(StructRef::new(buf.get(pos..end)?, p)), end)
        }
        TType::List | TType::Set => {
            let (elem, len, first) = binary_seq_header(buf, pos)?;
            return seq_value(buf, t, elem, len, first, p);
        }
        TType::Map => {
            let [k, v] = bytes_at(buf, pos)?;
            let (key, value) = (TType::from_binary_id(k)?, TType::from_binary_id(v)?);
            let len = u32::try_from(binary_len(buf, pos + 2)?).ok()?;
            return map_value(buf, key, value, len, pos + 6, p);
        }
        _ => return None,
    })
}

#[inline(always)]
fn read_compact(buf: &[u8], pos: usize, t: TType) -> Option<(ValueRef<'_>, usize)> {
    Some(match t {
        // Lenient reading of what the scan accepted: 1 is true (as C++ and Java read it).
        TType::Bool => (ValueRef::Bool(*buf.get(pos)? == 1), pos + 1),
        TType::Byte => (ValueRef::Byte(*buf.get(pos)? as i8), pos + 1),
        TType::I16 => {
            let (n, end) = varint_at(buf, pos)?;
            (ValueRef::I16(unzigzag(n) as i16), end)
        }
        TType::I32 => {
            let (n, end) = varint_at(buf, pos)?;
            (ValueRef::I32(unzigzag(n) as i32), end)
        }
        TType::I64 => {
            let (n, end) = varint_at(buf, pos)?;
            (ValueRef::I64(unzigzag(n)), end)
        }
        // "the binary protocol encodes the int64 in 8 bytes in big endian order, the compact
        // protocol encodes it in little endian order".
        TType::Double => (
            ValueRef::Double(f64::from_le_bytes(bytes_at(buf, pos)?)),
            pos + 8,
        ),
        TType::Uuid => (ValueRef::Uuid(bytes_at(buf, pos)?), pos + 16),
        TType::Binary => {
            let (&b, tail) = buf.get(pos..)?.split_first()?;
            if b < 0x80 {
                let n = usize::from(b);
                (ValueRef::Binary(tail.get(..n)?), pos + 1 + n)
            } else {
                let (n, start) = varint_at(buf, pos)?;
                let end = start.checked_add(usize::try_from(n).ok()?)?;
                (ValueRef::Binary(buf.get(start..end)?), end)
            }
        }
        _ => return read_compact_compound(buf, pos, t),
    })
}

#[inline(never)]
fn read_compact_compound(buf: &[u8], pos: usize, t: TType) -> Option<(ValueRef<'_>, usize)> {
    let p = Protocol::Compact;
    Some(match t {
        TType::Struct => {
            let end = skip_compact(buf, pos, t)?;
            (ValueRef::Struct(StructRef::new(buf.get(pos..end)?, p)), end)
        }
        TType::List | TType::Set => {
            let (elem, len, first) = compact_seq_header(buf, pos)?;
            return seq_value(buf, t, elem, len, first, p);
        }
        TType::Map => {
            let (n, after) = varint_at(buf, pos)?;
            let len = u32::try_from(n).ok()?;
            let (key, value, first) = if len == 0 {
                (TType::Bool, TType::Bool, after)
            } else {
                let b = *buf.get(after)?;
                (
                    TType::from_compact_id(b >> 4)?,
                    TType::from_compact_id(b & 0x0f)?,
                    after + 1,
                )
            };
            return map_value(buf, key, value, len, first, p);
        }
        _ => return None,
    })
}

/// The compound value of type `t` at `pos` whose end the validating pass found (`end`; for a
/// struct, `inner` its own first compound field's end): its view, built without a skip.
#[inline(always)]
fn compound_at(
    buf: &[u8],
    pos: usize,
    end: usize,
    t: TType,
    inner: u16,
    p: Protocol,
) -> Option<(ValueRef<'_>, usize)> {
    let v = match t {
        TType::Struct => ValueRef::Struct(StructRef::with_hint(
            buf.get(pos..end)?,
            p,
            Hint {
                first: u32::from(inner),
                ..Hint::default()
            },
        )),
        TType::List | TType::Set => {
            let (elem, len, first) = match p {
                Protocol::Binary => binary_seq_header(buf, pos)?,
                Protocol::Compact => compact_seq_header(buf, pos)?,
            };
            let l = ListRef {
                elem,
                len,
                bytes: buf.get(first..end)?,
                protocol: p,
            };
            if t == TType::List {
                ValueRef::List(l)
            } else {
                ValueRef::Set(l)
            }
        }
        TType::Map => {
            let (key, value, len, first) = match p {
                Protocol::Binary => {
                    let [k, v] = bytes_at(buf, pos)?;
                    let len = u32::try_from(binary_len(buf, pos + 2)?).ok()?;
                    (
                        TType::from_binary_id(k)?,
                        TType::from_binary_id(v)?,
                        len,
                        pos + 6,
                    )
                }
                Protocol::Compact => {
                    let (n, after) = varint_at(buf, pos)?;
                    let len = u32::try_from(n).ok()?;
                    if len == 0 {
                        (TType::Bool, TType::Bool, 0, after)
                    } else {
                        let b = *buf.get(after)?;
                        let k = TType::from_compact_id(b >> 4)?;
                        (k, TType::from_compact_id(b & 0x0f)?, len, after + 1)
                    }
                }
            };
            ValueRef::Map(MapRef {
                key,
                value,
                len,
                bytes: buf.get(first..end)?,
                protocol: p,
            })
        }
        _ => return None,
    };
    Some((v, end))
}

/// A struct read in place: its fields (and the STOP byte), validated.
#[derive(Clone, Copy)]
pub struct StructRef<'a> {
    bytes: &'a [u8],
    /// The protocol ([`COMPACT`] set for compact) and the [`Hint`]'s `first`, in one word so
    /// that a view stays three words with the hint's two 16-bit ends beside it.
    meta: u32,
    second: u16,
    third: u16,
}

/// [`StructRef::meta`]'s protocol bit (the hint's `first` takes the 31 bits below it).
const COMPACT: u32 = 1 << 31;

/// Extents a [`StructRef`] knows, so that reading does not walk those bytes again: where its
/// first compound field ends (offset in its bytes); when that field is a struct, `third` is
/// where that struct's own first compound field ends (offset in its bytes) and nothing more is
/// known; otherwise `second` and `third` are how far past the previous one the second and third
/// compound fields end. 0 is unknown (the field's end is then found by skipping it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Hint {
    /// Below 2^31 (a farther end is skipped to instead).
    pub(crate) first: u32,
    /// 16 bits, so that a view stays three words (a farther end is skipped to instead).
    pub(crate) second: u16,
    pub(crate) third: u16,
}

impl Hint {
    /// `first` stays below this (the bit above is [`StructRef`]'s protocol).
    pub(crate) const FIRST_LIMIT: u32 = COMPACT;

    /// Records the end of the next compound field of the struct at `start` (for a struct
    /// field, `inner` its own first compound field's end): whether the hint takes another.
    #[inline(always)]
    pub(crate) fn record(&mut self, start: usize, end: usize, is_struct: bool, inner: u32) -> bool {
        if self.first == 0 {
            *self = Hint::new(start, end, if is_struct { inner } else { 0 });
            self.first != 0 && !is_struct
        } else if self.second == 0 {
            let first_end = start + self.first as usize;
            self.second = u16::try_from(end - first_end).unwrap_or(0);
            self.second != 0
        } else {
            let second_end = start + self.first as usize + usize::from(self.second);
            self.third = u16::try_from(end - second_end).unwrap_or(0);
            false
        }
    }

    /// The hint of a struct at `start` whose first compound field ends at `end`.
    #[inline(always)]
    pub(crate) fn new(start: usize, end: usize, inner: u32) -> Hint {
        Hint {
            first: u32::try_from(end - start)
                .ok()
                .filter(|&n| n < Hint::FIRST_LIMIT)
                .unwrap_or(0),
            second: 0,
            third: u16::try_from(inner).unwrap_or(0),
        }
    }
}

impl PartialEq for StructRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes && self.protocol() == other.protocol()
    }
}

impl std::fmt::Debug for StructRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<'a> StructRef<'a> {
    pub(crate) fn new(bytes: &'a [u8], protocol: Protocol) -> Self {
        StructRef::with_hint(bytes, protocol, Hint::default())
    }

    /// A struct whose first compound fields' extents the validating pass found.
    pub(crate) fn with_hint(bytes: &'a [u8], protocol: Protocol, hint: Hint) -> Self {
        debug_assert!(hint.first < COMPACT, "a hint's first end takes 31 bits");
        let compact = match protocol {
            Protocol::Binary => 0,
            Protocol::Compact => COMPACT,
        };
        StructRef {
            bytes,
            meta: compact | (hint.first & !COMPACT),
            second: hint.second,
            third: hint.third,
        }
    }

    /// The encoded fields and STOP byte.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The protocol the bytes are in.
    pub fn protocol(&self) -> Protocol {
        if self.meta & COMPACT == 0 {
            Protocol::Binary
        } else {
            Protocol::Compact
        }
    }

    /// The fields in wire order: (field id, value).
    pub fn iter(&self) -> FieldIter<'a> {
        FieldIter {
            bytes: self.bytes,
            pos: 0,
            last_id: 0,
            protocol: self.protocol(),
            first: self.meta & !COMPACT,
            second: self.second,
            third: self.third,
        }
    }

    /// The first field with this id.
    pub fn get(&self, id: i16) -> Option<ValueRef<'a>> {
        self.iter().find(|(i, _)| *i == id).map(|(_, v)| v)
    }

    /// Whether the struct has no fields.
    pub fn is_empty(&self) -> bool {
        self.bytes.first().is_none_or(|&b| b == 0)
    }

    /// An owned copy. Every list and map in it is allocated once, at its length, before what
    /// it holds, and a struct of up to 8 fields likewise (more grow as a `Vec` does), so that
    /// a tree lies in memory in the order its encoding reads it back.
    pub fn into_owned(self) -> Struct {
        let mut iter = self.iter();
        let mut ahead = [(0, ValueRef::Bool(false)); OWNED_AHEAD];
        let mut n = 0;
        while n < OWNED_AHEAD {
            match iter.next() {
                Some(field) => ahead[n] = field,
                None => break,
            }
            n += 1;
        }
        let more = if n == OWNED_AHEAD { OWNED_AHEAD } else { 0 };
        let mut fields = Vec::with_capacity(n + more);
        // Loops, not iterator adapters: a debug build's frame per adapter would take the
        // stack a nesting as deep as the depth ceiling needs.
        for &(id, v) in &ahead[..n] {
            fields.push((id, v.into_owned()));
        }
        for (id, v) in iter {
            fields.push((id, v.into_owned()));
        }
        Struct { fields }
    }
}

impl<'a> IntoIterator for StructRef<'a> {
    type Item = (i16, ValueRef<'a>);
    type IntoIter = FieldIter<'a>;
    fn into_iter(self) -> FieldIter<'a> {
        self.iter()
    }
}

/// Fields of a struct [`StructRef::into_owned`] counts before it allocates their `Vec`.
const OWNED_AHEAD: usize = 8;

/// The fields of a [`StructRef`].
#[derive(Debug, Clone)]
pub struct FieldIter<'a> {
    bytes: &'a [u8],
    pos: usize,
    last_id: i16,
    protocol: Protocol,
    /// What is left of the struct's [`Hint`]: `first` is the next compound field's end.
    first: u32,
    second: u16,
    third: u16,
}

impl<'a> Iterator for FieldIter<'a> {
    type Item = (i16, ValueRef<'a>);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match self.protocol {
            Protocol::Binary => self.next_binary(),
            Protocol::Compact => self.next_compact(),
        }
    }
}

impl<'a> FieldIter<'a> {
    /// A binary field: dispatched on the wire's type byte itself (one match, no [`TType`] in
    /// between), primitives read in place, compound values out of line ([`FieldIter::compound`]).
    #[inline(always)]
    fn next_binary(&mut self) -> Option<(i16, ValueRef<'a>)> {
        let (&t, rest) = self.bytes.get(self.pos..)?.split_first()?;
        if t == 0 {
            return None;
        }
        let (id, rest) = rest.split_first_chunk::<2>()?;
        let id = i16::from_be_bytes(*id);
        let at = self.pos + 3;
        let (v, used) = match t {
            // Lenient reading of what the scan accepted: non-zero is true (as C++ reads it).
            2 => (ValueRef::Bool(*rest.first()? != 0), 1),
            3 => (ValueRef::Byte(*rest.first()? as i8), 1),
            4 => (
                ValueRef::Double(f64::from_be_bytes(*rest.first_chunk()?)),
                8,
            ),
            6 => (ValueRef::I16(i16::from_be_bytes(*rest.first_chunk()?)), 2),
            8 => (ValueRef::I32(i32::from_be_bytes(*rest.first_chunk()?)), 4),
            10 => (ValueRef::I64(i64::from_be_bytes(*rest.first_chunk()?)), 8),
            11 => {
                // A negative length (which the scan refused) is beyond any buffer as a `u32`.
                let (len, tail) = rest.split_first_chunk::<4>()?;
                let n = u32::from_be_bytes(*len) as usize;
                (ValueRef::Binary(tail.get(..n)?), 4 + n)
            }
            16 => (ValueRef::Uuid(*rest.first_chunk()?), 16),
            _ => {
                let (v, end) = self.compound(TType::from_binary_id(t)?, at)?;
                self.pos = end;
                return Some((id, v));
            }
        };
        self.pos = at + used;
        Some((id, v))
    }

    /// A compact field, as [`FieldIter::next_binary`].
    #[inline(always)]
    fn next_compact(&mut self) -> Option<(i16, ValueRef<'a>)> {
        let buf = self.bytes;
        let b = *buf.get(self.pos)?;
        if b == 0 {
            return None;
        }
        let mut pos = self.pos + 1;
        let delta = b >> 4;
        let id = if delta == 0 {
            let (n, end) = varint_at(buf, pos)?;
            pos = end;
            unzigzag(n) as i16
        } else {
            self.last_id.checked_add(i16::from(delta))?
        };
        let (v, end) = match b & 0x0f {
            1 => (ValueRef::Bool(true), pos),
            2 => (ValueRef::Bool(false), pos),
            3 => (ValueRef::Byte(*buf.get(pos)? as i8), pos + 1),
            4 => {
                let (n, end) = varint_at(buf, pos)?;
                (ValueRef::I16(unzigzag(n) as i16), end)
            }
            5 => {
                let (n, end) = varint_at(buf, pos)?;
                (ValueRef::I32(unzigzag(n) as i32), end)
            }
            6 => {
                let (n, end) = varint_at(buf, pos)?;
                (ValueRef::I64(unzigzag(n)), end)
            }
            7 => (
                ValueRef::Double(f64::from_le_bytes(bytes_at(buf, pos)?)),
                pos + 8,
            ),
            8 => {
                let (&n, tail) = buf.get(pos..)?.split_first()?;
                if n < 0x80 {
                    let n = usize::from(n);
                    (ValueRef::Binary(tail.get(..n)?), pos + 1 + n)
                } else {
                    read_compact(buf, pos, TType::Binary)?
                }
            }
            13 => (ValueRef::Uuid(bytes_at(buf, pos)?), pos + 16),
            tn => self.compound(TType::from_compact_id(tn)?, pos)?,
        };
        self.last_id = id;
        self.pos = end;
        Some((id, v))
    }

    /// The compound field of type `t` at `at`: its view from the [`Hint`] while it holds one,
    /// else found by skipping it.
    #[inline(never)]
    fn compound(&mut self, t: TType, at: usize) -> Option<(ValueRef<'a>, usize)> {
        let p = self.protocol;
        if self.first != 0 {
            let (end, inner) = self.take_hint(t);
            return compound_at(self.bytes, at, end, t, inner, p);
        }
        match p {
            Protocol::Binary => read_binary_compound(self.bytes, at, t),
            Protocol::Compact => read_compact_compound(self.bytes, at, t),
        }
    }

    /// The end of the compound field of type `t` the hint holds (and, for a struct, its own
    /// first compound field's end: `third`, which is 0 but for the first of a struct's compound
    /// fields when it is a struct); the hint moves on to the next compound field.
    #[inline(always)]
    fn take_hint(&mut self, t: TType) -> (usize, u16) {
        let end = self.first;
        let inner = if t == TType::Struct { self.third } else { 0 };
        self.first = match self.second {
            0 => 0,
            n => end.checked_add(u32::from(n)).unwrap_or(0),
        };
        self.second = std::mem::take(&mut self.third);
        (end as usize, inner)
    }
}

/// A list or set read in place.
#[derive(Clone, Copy, PartialEq)]
pub struct ListRef<'a> {
    elem: TType,
    len: u32,
    bytes: &'a [u8],
    protocol: Protocol,
}

impl std::fmt::Debug for ListRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> ListRef<'a> {
    /// The element type.
    pub fn elem_type(&self) -> TType {
        self.elem
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The elements' bytes and their protocol.
    pub(crate) fn parts(&self) -> (&'a [u8], Protocol) {
        (self.bytes, self.protocol)
    }

    /// The elements in wire order.
    pub fn iter(&self) -> ElemIter<'a> {
        ElemIter {
            list: *self,
            pos: 0,
            left: self.len,
        }
    }

    /// An owned copy.
    pub fn into_owned(self) -> List {
        // At its size (every element takes at least a byte), before the elements' own data.
        let mut items = Vec::with_capacity(self.len().min(self.bytes.len()));
        for v in self.iter() {
            items.push(v.into_owned());
        }
        List {
            elem: self.elem,
            items,
        }
    }
}

impl<'a> IntoIterator for ListRef<'a> {
    type Item = ValueRef<'a>;
    type IntoIter = ElemIter<'a>;
    fn into_iter(self) -> ElemIter<'a> {
        self.iter()
    }
}

/// The elements of a [`ListRef`].
#[derive(Debug, Clone)]
pub struct ElemIter<'a> {
    list: ListRef<'a>,
    pos: usize,
    left: u32,
}

impl<'a> Iterator for ElemIter<'a> {
    type Item = ValueRef<'a>;

    #[inline]
    fn next(&mut self) -> Option<ValueRef<'a>> {
        if self.left == 0 {
            return None;
        }
        // Strings, the commonest element, without the dispatch on every type.
        if self.list.elem == TType::Binary {
            let rest = self.list.bytes.get(self.pos..)?;
            let (b, used) = match self.list.protocol {
                Protocol::Binary => {
                    let (len, tail) = rest.split_first_chunk::<4>()?;
                    let n = u32::from_be_bytes(*len) as usize;
                    (tail.get(..n)?, 4 + n)
                }
                Protocol::Compact => {
                    let (&b, tail) = rest.split_first()?;
                    if b >= 0x80 {
                        return self.next_other();
                    }
                    let n = usize::from(b);
                    (tail.get(..n)?, 1 + n)
                }
            };
            self.pos += used;
            self.left -= 1;
            return Some(ValueRef::Binary(b));
        }
        self.next_other()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.left as usize))
    }
}

impl<'a> ElemIter<'a> {
    /// [`ElemIter::next`] for any element type.
    #[inline]
    fn next_other(&mut self) -> Option<ValueRef<'a>> {
        let (v, end) = read_value(
            self.list.bytes,
            self.pos,
            self.list.elem,
            self.list.protocol,
        )?;
        self.pos = end;
        self.left -= 1;
        Some(v)
    }
}

/// A map read in place.
#[derive(Clone, Copy, PartialEq)]
pub struct MapRef<'a> {
    key: TType,
    value: TType,
    len: u32,
    bytes: &'a [u8],
    protocol: Protocol,
}

impl std::fmt::Debug for MapRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> MapRef<'a> {
    /// The key type (for an empty compact map, which carries none: [`TType::Bool`]).
    pub fn key_type(&self) -> TType {
        self.key
    }

    /// The value type (for an empty compact map, which carries none: [`TType::Bool`]).
    pub fn value_type(&self) -> TType {
        self.value
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The entries' bytes and their protocol.
    pub(crate) fn parts(&self) -> (&'a [u8], Protocol) {
        (self.bytes, self.protocol)
    }

    /// The entries in wire order.
    pub fn iter(&self) -> EntryIter<'a> {
        EntryIter {
            map: *self,
            pos: 0,
            left: self.len,
        }
    }

    /// An owned copy.
    pub fn into_owned(self) -> Map {
        Map {
            key: self.key,
            value: self.value,
            entries: {
                // As [`ListRef::into_owned`]'s items.
                let mut entries = Vec::with_capacity(self.len().min(self.bytes.len()));
                for (k, v) in self.iter() {
                    entries.push((k.into_owned(), v.into_owned()));
                }
                entries
            },
        }
    }
}

impl<'a> IntoIterator for MapRef<'a> {
    type Item = (ValueRef<'a>, ValueRef<'a>);
    type IntoIter = EntryIter<'a>;
    fn into_iter(self) -> EntryIter<'a> {
        self.iter()
    }
}

/// The entries of a [`MapRef`].
#[derive(Debug, Clone)]
pub struct EntryIter<'a> {
    map: MapRef<'a>,
    pos: usize,
    left: u32,
}

impl<'a> Iterator for EntryIter<'a> {
    type Item = (ValueRef<'a>, ValueRef<'a>);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        let m = &self.map;
        let (k, end) = read_value(m.bytes, self.pos, m.key, m.protocol)?;
        let (v, end) = read_value(m.bytes, end, m.value, m.protocol)?;
        self.pos = end;
        self.left -= 1;
        Some((k, v))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.left as usize))
    }
}

/// An owned value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `bool`.
    Bool(bool),
    /// `byte`.
    Byte(i8),
    /// `i16`.
    I16(i16),
    /// `i32`.
    I32(i32),
    /// `i64`.
    I64(i64),
    /// `double`.
    Double(f64),
    /// `string` or `binary`.
    Binary(Vec<u8>),
    /// `uuid`.
    Uuid([u8; 16]),
    /// `struct`, `union`, `exception`.
    Struct(Struct),
    /// `list`.
    List(List),
    /// `set`.
    Set(List),
    /// `map`.
    Map(Map),
}

impl Value {
    /// The value's type.
    pub fn ttype(&self) -> TType {
        match self {
            Value::Bool(_) => TType::Bool,
            Value::Byte(_) => TType::Byte,
            Value::I16(_) => TType::I16,
            Value::I32(_) => TType::I32,
            Value::I64(_) => TType::I64,
            Value::Double(_) => TType::Double,
            Value::Binary(_) => TType::Binary,
            Value::Uuid(_) => TType::Uuid,
            Value::Struct(_) => TType::Struct,
            Value::List(_) => TType::List,
            Value::Set(_) => TType::Set,
            Value::Map(_) => TType::Map,
        }
    }

    /// The bytes of a string or binary, as UTF-8 text if they are.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Binary(b) => std::str::from_utf8(b).ok(),
            _ => None,
        }
    }
}

macro_rules! value_from {
    ($($t:ty => $v:ident),*) => {$(
        impl From<$t> for Value {
            fn from(x: $t) -> Value {
                Value::$v(x.into())
            }
        }
    )*};
}
value_from!(bool => Bool, i8 => Byte, i16 => I16, i32 => I32, i64 => I64, f64 => Double,
    Vec<u8> => Binary, &[u8] => Binary, String => Binary, &str => Binary, Struct => Struct,
    Map => Map);

/// An owned struct: fields in the order they are written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Struct {
    /// (field id, value), in wire order.
    pub fields: Vec<(i16, Value)>,
}

impl Struct {
    /// A struct with no fields.
    pub fn new() -> Self {
        Struct::default()
    }

    /// This struct with one more field.
    pub fn with(mut self, id: i16, value: impl Into<Value>) -> Self {
        self.fields.push((id, value.into()));
        self
    }

    /// The first field with this id.
    pub fn get(&self, id: i16) -> Option<&Value> {
        self.fields.iter().find(|(i, _)| *i == id).map(|(_, v)| v)
    }
}

/// An element whose type is not the container's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("element {index} is a {found}, the container holds {expected}")]
pub struct TypeMismatch {
    /// The element's position (for a map: key or value of entry `index`).
    pub index: usize,
    /// The container's declared type.
    pub expected: &'static str,
    /// The element's type.
    pub found: &'static str,
}

fn check_type(index: usize, expected: TType, v: &Value) -> Result<(), TypeMismatch> {
    if v.ttype() == expected {
        Ok(())
    } else {
        Err(TypeMismatch {
            index,
            expected: expected.name(),
            found: v.ttype().name(),
        })
    }
}

/// An owned list or set: the element type, and elements all of that type.
#[derive(Debug, Clone, PartialEq)]
pub struct List {
    elem: TType,
    items: Vec<Value>,
}

impl List {
    /// A list of `items`, all of type `elem`.
    pub fn new(elem: TType, items: Vec<Value>) -> Result<List, TypeMismatch> {
        for (i, v) in items.iter().enumerate() {
            check_type(i, elem, v)?;
        }
        Ok(List { elem, items })
    }

    /// The element type.
    pub fn elem_type(&self) -> TType {
        self.elem
    }

    /// The elements.
    pub fn items(&self) -> &[Value] {
        &self.items
    }

    /// The elements, taken out.
    pub fn into_items(self) -> Vec<Value> {
        self.items
    }
}

/// An owned map: key and value types, and entries of those types.
#[derive(Debug, Clone, PartialEq)]
pub struct Map {
    key: TType,
    value: TType,
    entries: Vec<(Value, Value)>,
}

impl Map {
    /// A map of `entries`, keys of type `key` and values of type `value`.
    pub fn new(
        key: TType,
        value: TType,
        entries: Vec<(Value, Value)>,
    ) -> Result<Map, TypeMismatch> {
        for (i, (k, v)) in entries.iter().enumerate() {
            check_type(i, key, k)?;
            check_type(i, value, v)?;
        }
        Ok(Map {
            key,
            value,
            entries,
        })
    }

    /// The key type.
    pub fn key_type(&self) -> TType {
        self.key
    }

    /// The value type.
    pub fn value_type(&self) -> TType {
        self.value
    }

    /// The entries, in order.
    pub fn entries(&self) -> &[(Value, Value)] {
        &self.entries
    }
}
