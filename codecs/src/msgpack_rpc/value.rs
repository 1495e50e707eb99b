//! The MessagePack value model: [`ValueRef`] borrows from validated bytes, [`Value`] owns.
//!
//! Strings and binaries borrow. Arrays and maps are lazy views ([`ArrayRef`], [`MapRef`]) over
//! bytes that [`scan`](super::scan) validated: iterating them decodes one element at a time,
//! never fails and never allocates; [`ArrayRef::to_values`] and [`ValueRef::into_owned`]
//! collect only when asked. The views carry what the scan established (smallest
//! form, strs checked as UTF-8), so reading never checks again: a str is handed out as a
//! [`Str`], bytes known to be UTF-8.
//!
//! Walking an element skips the bytes of the one before it, so iterating one level costs its
//! bytes once, and a full walk through the views costs bytes × depth (depth is limited: 128 by
//! default). Whole-value operations do not walk the views: [`Walk`] (`walk()`), `into_owned`,
//! `encode` and the serde deserializer make one pass (measured by the growth bench: 1 MiB under
//! 100 levels took 14× a flat walk through the views).
//!
//! Integers are kept by value, not by wire width ([`Int`]), and written back in their smallest
//! form; f32 and f64 stay apart (they are different values in most languages).

use super::scan::{head, scan_minimal, skip, timestamp_problem, utf8, Facts, Head, TIMESTAMP_TYPE};
use super::{Error, Limits, Profile};
use crate::Decoded;
use bytes::BufMut;
use rmp::Marker;
use std::fmt;

/// A MessagePack integer, by value: any of u64 or i64 (the formats' union).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Int(IntRepr);

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum IntRepr {
    /// Always negative.
    Neg(i64),
    Pos(u64),
}

impl Int {
    /// The value as u64, if it is not negative.
    pub fn as_u64(self) -> Option<u64> {
        match self.0 {
            IntRepr::Pos(v) => Some(v),
            IntRepr::Neg(_) => None,
        }
    }

    /// The value as i64, if it fits.
    pub fn as_i64(self) -> Option<i64> {
        match self.0 {
            IntRepr::Pos(v) => i64::try_from(v).ok(),
            IntRepr::Neg(v) => Some(v),
        }
    }

    /// The value as i128 (always exact).
    pub fn as_i128(self) -> i128 {
        match self.0 {
            IntRepr::Pos(v) => i128::from(v),
            IntRepr::Neg(v) => i128::from(v),
        }
    }

    /// Whether the value is below zero.
    pub fn is_negative(self) -> bool {
        matches!(self.0, IntRepr::Neg(_))
    }

    /// Bytes of the smallest encoding.
    pub fn encoded_len(self) -> usize {
        match self.0 {
            IntRepr::Pos(v) if v < 128 => 1,
            IntRepr::Pos(v) if v <= 0xff => 2,
            IntRepr::Pos(v) if v <= 0xffff => 3,
            IntRepr::Pos(v) if v <= 0xffff_ffff => 5,
            IntRepr::Pos(_) => 9,
            IntRepr::Neg(v) if v >= -32 => 1,
            IntRepr::Neg(v) if v >= i64::from(i8::MIN) => 2,
            IntRepr::Neg(v) if v >= i64::from(i16::MIN) => 3,
            IntRepr::Neg(v) if v >= i64::from(i32::MIN) => 5,
            IntRepr::Neg(_) => 9,
        }
    }

    /// Writes the smallest encoding: positive fixint/uint for values ≥ 0, negative fixint/int
    /// otherwise.
    pub fn encode(self, buf: &mut impl BufMut) {
        match self.0 {
            IntRepr::Pos(v) if v < 128 => buf.put_u8(Marker::FixPos(v as u8).to_u8()),
            IntRepr::Pos(v) if v <= 0xff => {
                buf.put_u8(Marker::U8.to_u8());
                buf.put_u8(v as u8);
            }
            IntRepr::Pos(v) if v <= 0xffff => {
                buf.put_u8(Marker::U16.to_u8());
                buf.put_u16(v as u16);
            }
            IntRepr::Pos(v) if v <= 0xffff_ffff => {
                buf.put_u8(Marker::U32.to_u8());
                buf.put_u32(v as u32);
            }
            IntRepr::Pos(v) => {
                buf.put_u8(Marker::U64.to_u8());
                buf.put_u64(v);
            }
            IntRepr::Neg(v) if v >= -32 => buf.put_u8(Marker::FixNeg(v as i8).to_u8()),
            IntRepr::Neg(v) if v >= i64::from(i8::MIN) => {
                buf.put_u8(Marker::I8.to_u8());
                buf.put_i8(v as i8);
            }
            IntRepr::Neg(v) if v >= i64::from(i16::MIN) => {
                buf.put_u8(Marker::I16.to_u8());
                buf.put_i16(v as i16);
            }
            IntRepr::Neg(v) if v >= i64::from(i32::MIN) => {
                buf.put_u8(Marker::I32.to_u8());
                buf.put_i32(v as i32);
            }
            IntRepr::Neg(v) => {
                buf.put_u8(Marker::I64.to_u8());
                buf.put_i64(v);
            }
        }
    }
}

impl From<u64> for Int {
    fn from(v: u64) -> Self {
        Int(IntRepr::Pos(v))
    }
}

impl From<i64> for Int {
    fn from(v: i64) -> Self {
        if v < 0 {
            Int(IntRepr::Neg(v))
        } else {
            Int(IntRepr::Pos(v as u64))
        }
    }
}

macro_rules! int_from {
    ($via:ty: $($t:ty),*) => {$(
        impl From<$t> for Int {
            fn from(v: $t) -> Self {
                Int::from(v as $via)
            }
        }
    )*};
}
int_from!(u64: u8, u16, u32, usize);
int_from!(i64: i8, i16, i32, isize);

impl TryFrom<i128> for Int {
    type Error = std::num::TryFromIntError;
    fn try_from(v: i128) -> Result<Self, Self::Error> {
        if v < 0 {
            Ok(Int::from(i64::try_from(v)?))
        } else {
            Ok(Int::from(u64::try_from(v)?))
        }
    }
}

impl fmt::Debug for Int {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Int {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            IntRepr::Pos(v) => v.fmt(f),
            IntRepr::Neg(v) => v.fmt(f),
        }
    }
}

/// A point in time: the timestamp extension (type -1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp {
    seconds: i64,
    nanos: u32,
}

impl Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z and nanoseconds (≤ 999 999 999, else `None`).
    pub fn new(seconds: i64, nanos: u32) -> Option<Self> {
        (nanos <= 999_999_999).then_some(Timestamp { seconds, nanos })
    }

    /// Seconds since the epoch (negative before 1970).
    pub fn seconds(self) -> i64 {
        self.seconds
    }

    /// Nanoseconds within the second.
    pub fn nanos(self) -> u32 {
        self.nanos
    }

    /// Reads the payload of an ext of type -1 (4, 8 or 12 bytes).
    pub fn from_ext_data(data: &[u8]) -> Option<Self> {
        if timestamp_problem(data).is_some() {
            return None;
        }
        let be = |b: &[u8]| b.iter().fold(0u64, |a, &x| (a << 8) | u64::from(x));
        match data.len() {
            4 => Timestamp::new(be(data) as i64, 0),
            8 => {
                let v = be(data);
                Timestamp::new((v & 0x3_ffff_ffff) as i64, (v >> 34) as u32)
            }
            _ => Timestamp::new(be(&data[4..]) as i64, be(&data[..4]) as u32),
        }
    }

    /// Payload length of the smallest form: 4 (seconds in u32, no nanoseconds), 8 (seconds in
    /// 34 bits) or 12. Spec: "timestamp 96 ... stores ... 64-bit signed int", the only form
    /// for negative seconds.
    pub fn data_len(self) -> usize {
        if self.seconds >= 0 && self.seconds >> 34 == 0 {
            if self.nanos == 0 && self.seconds >> 32 == 0 {
                4
            } else {
                8
            }
        } else {
            12
        }
    }

    fn put_data(self, buf: &mut impl BufMut) {
        match self.data_len() {
            4 => buf.put_u32(self.seconds as u32),
            8 => buf.put_u64((u64::from(self.nanos) << 34) | self.seconds as u64),
            _ => {
                buf.put_u32(self.nanos);
                buf.put_i64(self.seconds);
            }
        }
    }
}

/// A str's bytes, known to be UTF-8: checked once, by the scan that validated the message
/// (strict profile), or by the view that found them valid (lenient profiles).
///
/// Walking a view hands these out without looking at the bytes again: `len`, `as_bytes`,
/// comparisons and encoding are free. [`Str::as_str`] is the one read that checks again:
/// without `unsafe` (which msgwire forbids), a `&str` is only had through a UTF-8 check, so
/// take it when text is what you need (SIMD for long strings, `core`'s check under 64 bytes).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Str<'a>(&'a [u8]);

impl<'a> Str<'a> {
    /// The text (a UTF-8 check: see the type's documentation). Never fails: the bytes are
    /// UTF-8 by construction.
    #[inline]
    pub fn as_str(&self) -> &'a str {
        // Unreachable `unwrap_or_default`: every `Str` holds bytes found to be UTF-8.
        utf8(self.0).unwrap_or_default()
    }

    /// The bytes, without a check.
    #[inline(always)]
    pub fn as_bytes(&self) -> &'a [u8] {
        self.0
    }

    /// Length in bytes.
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the str is empty.
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a> From<&'a str> for Str<'a> {
    fn from(s: &'a str) -> Self {
        Str(s.as_bytes())
    }
}

impl AsRef<[u8]> for Str<'_> {
    fn as_ref(&self) -> &[u8] {
        self.0
    }
}

impl fmt::Debug for Str<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Str<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl PartialEq<str> for Str<'_> {
    fn eq(&self, other: &str) -> bool {
        self.0 == other.as_bytes()
    }
}

impl PartialEq<&str> for Str<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.0 == other.as_bytes()
    }
}

/// A str value: known UTF-8 when the scan checked it, else checked here (lenient profiles
/// keep invalid bytes as [`ValueRef::RawStr`]).
#[inline(always)]
fn str_value(d: &[u8], known_utf8: bool) -> ValueRef<'_> {
    if known_utf8 || utf8(d).is_some() {
        ValueRef::Str(Str(d))
    } else {
        ValueRef::RawStr(d)
    }
}

/// A borrowed MessagePack value over bytes validated by [`scan`](super::scan).
#[derive(Clone, Copy, Debug)]
pub enum ValueRef<'a> {
    /// nil.
    Nil,
    /// true / false.
    Bool(bool),
    /// Any integer format.
    Int(Int),
    /// float 32.
    F32(f32),
    /// float 64.
    F64(f64),
    /// A str (UTF-8, checked once at decode: see [`Str`]).
    Str(Str<'a>),
    /// A str whose bytes are not UTF-8 (only under lenient profiles).
    RawStr(&'a [u8]),
    /// A bin.
    Bin(&'a [u8]),
    /// An array, walked lazily.
    Array(ArrayRef<'a>),
    /// A map, walked lazily; key order and duplicate keys are kept.
    Map(MapRef<'a>),
    /// An ext other than a well-formed timestamp: type id and payload.
    Ext(i8, &'a [u8]),
    /// The timestamp extension (type -1).
    Timestamp(Timestamp),
}

impl PartialEq for ValueRef<'_> {
    /// Equality by value: a non-minimal encoding equals the minimal one.
    fn eq(&self, other: &Self) -> bool {
        use ValueRef::*;
        match (self, other) {
            (Nil, Nil) => true,
            (Bool(a), Bool(b)) => a == b,
            (Int(a), Int(b)) => a == b,
            (F32(a), F32(b)) => a == b,
            (F64(a), F64(b)) => a == b,
            (Str(a), Str(b)) => a == b,
            (RawStr(a), RawStr(b)) | (Bin(a), Bin(b)) => a == b,
            (Array(a), Array(b)) => a == b,
            (Map(a), Map(b)) => a == b,
            (Ext(t, a), Ext(u, b)) => t == u && a == b,
            (Timestamp(a), Timestamp(b)) => a == b,
            _ => false,
        }
    }
}

/// One step of a depth-first walk ([`Walk`]): a value that holds no others, or the head of an
/// array or map (its element count; pairs for a map), whose elements are the next events.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Event<'a> {
    /// Anything but an array or a map.
    Value(ValueRef<'a>),
    /// An array of this many elements: they follow.
    Array(u32),
    /// A map of this many pairs: key, value, key, value... follow.
    Map(u32),
}

/// A depth-first walk over validated values in one forward pass: every value once, containers
/// entered by their heads and never stepped over, so a whole walk reads each byte once however
/// deep the nesting (iterating nested views steps over each container once per level above
/// it). Made by [`ValueRef::walk`], [`ArrayRef::walk`] and [`MapRef::walk`]; never fails and
/// never allocates.
#[derive(Debug, Clone)]
pub struct Walk<'a> {
    /// The head of the value walked by [`ValueRef::walk`], before the cursor's events.
    first: Option<Event<'a>>,
    cursor: Cursor<'a>,
    /// Values not yet visited (each element of an opened container adds one).
    left: u64,
}

impl<'a> Iterator for Walk<'a> {
    type Item = Event<'a>;

    #[inline]
    fn next(&mut self) -> Option<Event<'a>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        if let Some(e) = self.first.take() {
            return Some(e);
        }
        let e = self.cursor.step()?;
        match e {
            Event::Array(n) => self.left += u64::from(n),
            Event::Map(n) => self.left += 2 * u64::from(n),
            Event::Value(_) => {}
        }
        Some(e)
    }
}

/// Reads one step at `pos`: what is there and where the step ends (after a scalar, or after a
/// container's head).
fn step(buf: &[u8], pos: usize, known_utf8: bool) -> Option<(Event<'_>, usize)> {
    let (h, hlen) = head(buf, pos).ok()?;
    let at = pos + hlen;
    let data = |len: u32| buf.get(at..at.checked_add(len as usize)?);
    let scalar = match h {
        Head::Nil => ValueRef::Nil,
        Head::Bool(b) => ValueRef::Bool(b),
        Head::Uint(v) => ValueRef::Int(Int::from(v)),
        Head::Sint(v) => ValueRef::Int(Int::from(v)),
        Head::F32(v) => ValueRef::F32(v),
        Head::F64(v) => ValueRef::F64(v),
        Head::Str(len) => {
            let d = data(len)?;
            return Some((Event::Value(str_value(d, known_utf8)), at + d.len()));
        }
        Head::Bin(len) => {
            let d = data(len)?;
            return Some((Event::Value(ValueRef::Bin(d)), at + d.len()));
        }
        Head::Ext(t, len) => {
            let d = data(len)?;
            let v = match Timestamp::from_ext_data(d) {
                Some(ts) if t == TIMESTAMP_TYPE => ValueRef::Timestamp(ts),
                _ => ValueRef::Ext(t, d),
            };
            return Some((Event::Value(v), at + d.len()));
        }
        Head::Array(len) => return Some((Event::Array(len), at)),
        Head::Map(len) => return Some((Event::Map(len), at)),
        Head::Reserved => return None,
    };
    Some((Event::Value(scalar), at))
}

/// Reads the value at the start of validated bytes: the value and its length. A container is
/// stepped over to find its end (a cost of its headers; payloads are jumped). `minimal`: the
/// bytes are known to be in smallest form (recorded in the views, see [`ArrayRef`]).
#[inline]
pub(crate) fn read(buf: &[u8], facts: Facts) -> Option<(ValueRef<'_>, usize)> {
    read_elem(buf, facts, false)
}

/// [`read`], or with `whole` [`read_whole`] (a container is then taken to end where `buf`
/// does, and the length returned is `buf.len()`). The common one-byte forms, fixstr and
/// str 8 are read here directly; the rest through [`step`].
#[inline(always)]
fn read_elem(buf: &[u8], facts: Facts, whole: bool) -> Option<(ValueRef<'_>, usize)> {
    let m = *buf.first()?;
    let string = |at: usize, len: usize| {
        let d = buf.get(at..at + len)?;
        Some((str_value(d, facts.utf8), at + len))
    };
    let end = |buf: &[u8]| if whole { Some(buf.len()) } else { skip(buf, 0) };
    match m {
        0x00..=0x7f => Some((ValueRef::Int(Int::from(u64::from(m))), 1)),
        0xe0..=0xff => Some((ValueRef::Int(Int::from(i64::from(m as i8))), 1)),
        0xc0 => Some((ValueRef::Nil, 1)),
        0xc2 => Some((ValueRef::Bool(false), 1)),
        0xc3 => Some((ValueRef::Bool(true), 1)),
        0xa0..=0xbf => string(1, usize::from(m & 0x1f)),
        0xd9 => string(2, usize::from(*buf.get(1)?)),
        0x90..=0x9f => {
            let end = end(buf)?;
            let a = ArrayRef::new(buf.get(1..end)?, u32::from(m & 0x0f), facts);
            Some((ValueRef::Array(a), end))
        }
        0x80..=0x8f => {
            let end = end(buf)?;
            let a = MapRef::new(buf.get(1..end)?, u32::from(m & 0x0f), facts);
            Some((ValueRef::Map(a), end))
        }
        _ => match step(buf, 0, facts.utf8)? {
            (Event::Value(v), end) => Some((v, end)),
            (Event::Array(len), at) => {
                let end = end(buf)?;
                Some((
                    ValueRef::Array(ArrayRef::new(&buf[at..end], len, facts)),
                    end,
                ))
            }
            (Event::Map(len), at) => {
                let end = end(buf)?;
                Some((ValueRef::Map(MapRef::new(&buf[at..end], len, facts)), end))
            }
        },
    }
}

/// [`read_elem`] out of line, for the iterators: their inline part reads the common short
/// forms, and stays small enough to inline into the caller's loop.
#[inline(never)]
fn read_other(buf: &[u8], facts: Facts, whole: bool) -> Option<(ValueRef<'_>, usize)> {
    read_elem(buf, facts, whole)
}

/// Reads validated bytes that are exactly one value: its end is known, so a container is not
/// stepped over (O(1) whatever its size). What decoding one value or a message's last element
/// (params, result) does.
#[inline]
pub(crate) fn read_whole(buf: &[u8], facts: Facts) -> Option<ValueRef<'_>> {
    read_elem(buf, facts, true).map(|(v, _)| v)
}

/// One forward pass over validated values: containers are entered by their heads, never
/// stepped over, so a whole walk reads each byte once however deep the nesting (walking the
/// views instead steps over every nested container once per level above it). `into_owned` and
/// the serde deserializer walk this way.
#[derive(Debug, Clone)]
pub(crate) struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
    /// The strs were checked by the scan ([`Facts::utf8`]).
    known_utf8: bool,
}

impl<'a> Cursor<'a> {
    /// The next step; `None` only for bytes that were not validated (never for views).
    ///
    /// One-byte values, fixstr, str 8, fixarray and fixmap are read in one match on the
    /// marker; the others through [`step`](fn@step).
    #[inline]
    pub(crate) fn step(&mut self) -> Option<Event<'a>> {
        let buf = self.buf;
        let pos = self.pos;
        let m = *buf.get(pos)?;
        let (s, end) = match m {
            0x00..=0x7f => (
                Event::Value(ValueRef::Int(Int::from(u64::from(m)))),
                pos + 1,
            ),
            0xe0..=0xff => (
                Event::Value(ValueRef::Int(Int::from(i64::from(m as i8)))),
                pos + 1,
            ),
            0xc0 => (Event::Value(ValueRef::Nil), pos + 1),
            0xc2 => (Event::Value(ValueRef::Bool(false)), pos + 1),
            0xc3 => (Event::Value(ValueRef::Bool(true)), pos + 1),
            0x90..=0x9f => (Event::Array(u32::from(m & 0x0f)), pos + 1),
            0x80..=0x8f => (Event::Map(u32::from(m & 0x0f)), pos + 1),
            0xa0..=0xbf | 0xd9 => {
                let (at, len) = if m == 0xd9 {
                    (pos + 2, usize::from(*buf.get(pos + 1)?))
                } else {
                    (pos + 1, usize::from(m & 0x1f))
                };
                let d = buf.get(at..at + len)?;
                (Event::Value(str_value(d, self.known_utf8)), at + len)
            }
            _ => step(buf, pos, self.known_utf8)?,
        };
        self.pos = end;
        Some(s)
    }

    /// Whether the next value is nil.
    pub(crate) fn at_nil(&self) -> bool {
        self.buf.get(self.pos) == Some(&Marker::Null.to_u8())
    }
}

/// Copies the elements (or, for a map, the keys and values in turn) under `cursor` into owned
/// values, in one pass and without recursion.
fn owned_elements(cursor: &mut Cursor<'_>, count: u64, map: bool) -> Value {
    struct Open {
        items: Vec<Value>,
        left: u64,
        map: bool,
    }
    fn close(open: Open) -> Value {
        if !open.map {
            return Value::Array(open.items);
        }
        let mut pairs = Vec::new();
        let mut items = open.items.into_iter();
        while let (Some(k), Some(v)) = (items.next(), items.next()) {
            pairs.push((k, v));
        }
        Value::Map(pairs)
    }
    let mut stack = vec![Open {
        items: Vec::new(),
        left: count,
        map,
    }];
    loop {
        let top = stack
            .last_mut()
            .expect("the stack holds the value being built");
        if top.left > 0 {
            top.left -= 1;
            match cursor.step() {
                Some(Event::Value(v)) => top.items.push(v.into_owned()),
                Some(Event::Array(n)) => stack.push(Open {
                    items: Vec::new(),
                    left: u64::from(n),
                    map: false,
                }),
                Some(Event::Map(n)) => stack.push(Open {
                    items: Vec::new(),
                    left: 2 * u64::from(n),
                    map: true,
                }),
                // Not validated (a bug): end every open container here rather than panic.
                None => stack.iter_mut().for_each(|o| o.left = 0),
            }
            continue;
        }
        let done = close(stack.pop().expect("checked above"));
        match stack.last_mut() {
            Some(parent) => parent.items.push(done),
            None => return done,
        }
    }
}

/// The error for views over bytes that did not validate: never reached through this module.
fn unvalidated() -> Error {
    Error::Truncated {
        offset: 0,
        missing: 1,
    }
}

impl<'a> ValueRef<'a> {
    /// Decodes the value at the start of `buf` under the default limits, strict profile.
    pub fn decode(buf: &'a [u8]) -> Result<Decoded<ValueRef<'a>>, Error> {
        Self::decode_with(buf, &Limits::default(), Profile::Strict)
    }

    /// Decodes the value at the start of `buf`: complete, need-more (a lower bound) or error.
    pub fn decode_with(
        buf: &'a [u8],
        limits: &Limits,
        profile: Profile,
    ) -> Result<Decoded<ValueRef<'a>>, Error> {
        match scan_minimal(buf, limits, profile)? {
            (Decoded::Complete { used, .. }, facts) => {
                let value = read_whole(&buf[..used], facts).ok_or_else(unvalidated)?;
                Ok(Decoded::Complete { value, used })
            }
            (Decoded::NeedMore { at_least }, _) => Ok(Decoded::NeedMore { at_least }),
        }
    }

    /// Decodes `buf` as exactly one value: a short input is [`Error::Truncated`], extra bytes
    /// are [`Error::TrailingBytes`].
    pub fn from_slice_with(
        buf: &'a [u8],
        limits: &Limits,
        profile: Profile,
    ) -> Result<ValueRef<'a>, Error> {
        super::scan::exactly_one(buf.len(), Self::decode_with(buf, limits, profile)?)
    }

    /// [`ValueRef::from_slice_with`] under the default limits, strict profile.
    pub fn from_slice(buf: &'a [u8]) -> Result<ValueRef<'a>, Error> {
        Self::from_slice_with(buf, &Limits::default(), Profile::Strict)
    }

    /// The MessagePack family name: nil, bool, int, float, str, bin, array, map, ext, timestamp.
    pub fn type_name(&self) -> &'static str {
        match self {
            ValueRef::Nil => "nil",
            ValueRef::Bool(_) => "bool",
            ValueRef::Int(_) => "int",
            ValueRef::F32(_) | ValueRef::F64(_) => "float",
            ValueRef::Str(_) | ValueRef::RawStr(_) => "str",
            ValueRef::Bin(_) => "bin",
            ValueRef::Array(_) => "array",
            ValueRef::Map(_) => "map",
            ValueRef::Ext(..) => "ext",
            ValueRef::Timestamp(_) => "timestamp",
        }
    }

    /// This value and everything in it, depth first, in one pass ([`Walk`]): an array or map
    /// is its head event and then its elements'; anything else is one event.
    pub fn walk(&self) -> Walk<'a> {
        let (cursor, left) = match *self {
            ValueRef::Array(a) => (a.cursor(), a.walk().left),
            ValueRef::Map(m) => (m.cursor(), m.walk().left),
            _ => (ArrayRef::new(&[], 0, Facts::NONE).cursor(), 0),
        };
        let first = match *self {
            ValueRef::Array(a) => Event::Array(a.len),
            ValueRef::Map(m) => Event::Map(m.len),
            v => Event::Value(v),
        };
        Walk {
            first: Some(first),
            cursor,
            left: left + 1,
        }
    }

    /// Whether this is nil.
    pub fn is_nil(&self) -> bool {
        matches!(self, ValueRef::Nil)
    }

    /// The str, if this is a valid UTF-8 str.
    #[inline]
    pub fn as_str(&self) -> Option<&'a str> {
        match *self {
            ValueRef::Str(s) => Some(s.as_str()),
            _ => None,
        }
    }

    /// The integer, if this is one.
    pub fn as_int(&self) -> Option<Int> {
        match *self {
            ValueRef::Int(i) => Some(i),
            _ => None,
        }
    }

    /// The array, if this is one.
    #[inline]
    pub fn as_array(&self) -> Option<ArrayRef<'a>> {
        match *self {
            ValueRef::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The map, if this is one.
    #[inline]
    pub fn as_map(&self) -> Option<MapRef<'a>> {
        match *self {
            ValueRef::Map(m) => Some(m),
            _ => None,
        }
    }

    /// Copies into an owned [`Value`], in one pass over the bytes however deep the nesting.
    pub fn into_owned(self) -> Value {
        match self {
            ValueRef::Nil => Value::Nil,
            ValueRef::Bool(b) => Value::Bool(b),
            ValueRef::Int(i) => Value::Int(i),
            ValueRef::F32(v) => Value::F32(v),
            ValueRef::F64(v) => Value::F64(v),
            ValueRef::Str(s) => Value::Str(s.as_str().to_owned()),
            ValueRef::RawStr(b) => Value::RawStr(b.to_vec()),
            ValueRef::Bin(b) => Value::Bin(b.to_vec()),
            ValueRef::Array(a) => owned_elements(&mut a.cursor(), u64::from(a.len), false),
            ValueRef::Map(m) => owned_elements(&mut m.cursor(), 2 * u64::from(m.len), true),
            ValueRef::Ext(t, d) => Value::Ext(t, d.to_vec()),
            ValueRef::Timestamp(t) => Value::Timestamp(t),
        }
    }

    /// Bytes of the smallest encoding.
    pub fn encoded_len(&self) -> usize {
        match self {
            ValueRef::Nil | ValueRef::Bool(_) => 1,
            ValueRef::Int(i) => i.encoded_len(),
            ValueRef::F32(_) => 5,
            ValueRef::F64(_) => 9,
            ValueRef::Str(s) => str_header_len(s.len()) + s.len(),
            ValueRef::RawStr(b) => str_header_len(b.len()) + b.len(),
            ValueRef::Bin(b) => bin_header_len(b.len()) + b.len(),
            ValueRef::Array(a) => array_header_len(a.len()) + a.body_len(),
            ValueRef::Map(m) => array_header_len(m.len()) + m.body_len(),
            ValueRef::Ext(_, d) => ext_header_len(d.len()) + d.len(),
            ValueRef::Timestamp(t) => ext_header_len(t.data_len()) + t.data_len(),
        }
    }

    /// Writes the smallest encoding.
    pub fn encode(&self, buf: &mut impl BufMut) {
        match self {
            ValueRef::Nil => buf.put_u8(Marker::Null.to_u8()),
            ValueRef::Bool(b) => put_bool(buf, *b),
            ValueRef::Int(i) => i.encode(buf),
            ValueRef::F32(v) => {
                buf.put_u8(Marker::F32.to_u8());
                buf.put_f32(*v);
            }
            ValueRef::F64(v) => {
                buf.put_u8(Marker::F64.to_u8());
                buf.put_f64(*v);
            }
            ValueRef::Str(s) => put_str(buf, s.as_bytes()),
            ValueRef::RawStr(b) => put_str(buf, b),
            ValueRef::Bin(b) => put_bin(buf, b),
            ValueRef::Array(a) => {
                put_array_header(buf, a.len());
                put_body(buf, a.bytes, a.facts.minimal);
            }
            ValueRef::Map(m) => {
                put_map_header(buf, m.len());
                put_body(buf, m.bytes, m.facts.minimal);
            }
            ValueRef::Ext(t, d) => put_ext(buf, *t, d),
            ValueRef::Timestamp(t) => put_timestamp(buf, *t),
        }
    }

    /// The smallest encoding, in a vector of exactly [`ValueRef::encoded_len`] bytes.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.encode(&mut out);
        out
    }
}

/// Writes the elements of a view: a copy when they are known to be in smallest form (recorded
/// at scan time), else re-encoded by [`canonical`].
fn put_body(buf: &mut impl BufMut, bytes: &[u8], minimal: bool) {
    if minimal {
        buf.put_slice(bytes);
    } else {
        canonical(bytes, Some(buf));
    }
}

/// Re-encodes a run of validated values in their smallest form, walking headers only (no
/// values built, no UTF-8 re-checked, no recursion): writes into `out` if given, and returns
/// the length either way. This is what encoding a borrowed array or map does.
fn canonical(bytes: &[u8], mut out: Option<&mut dyn BufMutDyn>) -> usize {
    let mut pos = 0;
    let mut len = 0;
    while pos < bytes.len() {
        // Validated bytes: a failure here means a bug, and ends the walk instead of panicking.
        let Ok((h, hlen)) = head(bytes, pos) else {
            break;
        };
        let payload = |n: u32| {
            bytes
                .get(pos + hlen..pos + hlen + n as usize)
                .unwrap_or(&[])
        };
        let v = match h {
            // Containers: the smallest header; their elements follow in this same walk.
            Head::Array(n) => {
                len += array_header_len(n as usize);
                if let Some(o) = out.as_deref_mut() {
                    o.array_header(n as usize);
                }
                pos += hlen;
                continue;
            }
            Head::Map(n) => {
                len += array_header_len(n as usize);
                if let Some(o) = out.as_deref_mut() {
                    o.map_header(n as usize);
                }
                pos += hlen;
                continue;
            }
            Head::Str(n) => {
                let d = payload(n);
                pos += hlen + d.len();
                ValueRef::RawStr(d)
            }
            Head::Bin(n) => {
                let d = payload(n);
                pos += hlen + d.len();
                ValueRef::Bin(d)
            }
            Head::Ext(t, n) => {
                let d = payload(n);
                pos += hlen + d.len();
                match Timestamp::from_ext_data(d) {
                    Some(ts) if t == TIMESTAMP_TYPE => ValueRef::Timestamp(ts),
                    _ => ValueRef::Ext(t, d),
                }
            }
            Head::Nil => {
                pos += hlen;
                ValueRef::Nil
            }
            Head::Bool(b) => {
                pos += hlen;
                ValueRef::Bool(b)
            }
            Head::Uint(v) => {
                pos += hlen;
                ValueRef::Int(Int::from(v))
            }
            Head::Sint(v) => {
                pos += hlen;
                ValueRef::Int(Int::from(v))
            }
            Head::F32(v) => {
                pos += hlen;
                ValueRef::F32(v)
            }
            Head::F64(v) => {
                pos += hlen;
                ValueRef::F64(v)
            }
            Head::Reserved => break,
        };
        // A scalar (never a container here): its own smallest form.
        len += v.encoded_len();
        if let Some(o) = out.as_deref_mut() {
            o.value(&v);
        }
    }
    len
}

/// `BufMut` behind `dyn`, for [`canonical`] (whose walk is not generic over the buffer).
trait BufMutDyn {
    fn array_header(&mut self, n: usize);
    fn map_header(&mut self, n: usize);
    fn value(&mut self, v: &ValueRef<'_>);
}

impl<B: BufMut> BufMutDyn for B {
    fn array_header(&mut self, n: usize) {
        put_array_header(self, n)
    }
    fn map_header(&mut self, n: usize) {
        put_map_header(self, n)
    }
    fn value(&mut self, v: &ValueRef<'_>) {
        v.encode(self)
    }
}

/// A lazy array view over validated bytes.
#[derive(Clone, Copy)]
pub struct ArrayRef<'a> {
    /// The elements' bytes, exactly.
    bytes: &'a [u8],
    len: u32,
    /// Every header in `bytes` is in its smallest form (found by the scan that validated
    /// them): encoding is a copy.
    facts: Facts,
}

impl<'a> ArrayRef<'a> {
    pub(crate) fn new(bytes: &'a [u8], len: u32, facts: Facts) -> Self {
        ArrayRef { bytes, len, facts }
    }

    /// Bytes of the smallest encoding of the elements (without the header).
    fn body_len(&self) -> usize {
        if self.facts.minimal {
            self.bytes.len()
        } else {
            canonical(self.bytes, None)
        }
    }

    /// Number of elements.
    #[inline]
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether there are no elements.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The elements, decoded one at a time.
    #[inline]
    pub fn iter(&self) -> ArrayIter<'a> {
        ArrayIter {
            rest: self.bytes,
            left: self.len,
            facts: self.facts,
        }
    }

    /// Element `i` (walks the elements before it).
    pub fn get(&self, i: usize) -> Option<ValueRef<'a>> {
        self.iter().nth(i)
    }

    /// The elements, collected (borrowing still). (`to_vec` is not this: in every codec it is
    /// the encoding.)
    pub fn to_values(&self) -> Vec<ValueRef<'a>> {
        self.iter().collect()
    }

    /// The encoded elements, as they came on the wire (without the array header).
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The elements and everything in them, depth first, in one pass ([`Walk`]).
    #[inline]
    pub fn walk(&self) -> Walk<'a> {
        Walk {
            first: None,
            cursor: self.cursor(),
            left: u64::from(self.len),
        }
    }

    /// A single-pass cursor at the first element.
    pub(crate) fn cursor(&self) -> Cursor<'a> {
        Cursor {
            buf: self.bytes,
            pos: 0,
            known_utf8: self.facts.utf8,
        }
    }
}

impl fmt::Debug for ArrayRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq for ArrayRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<'a> From<ArrayRef<'a>> for ValueRef<'a> {
    fn from(a: ArrayRef<'a>) -> Self {
        ValueRef::Array(a)
    }
}

impl<'a> From<MapRef<'a>> for ValueRef<'a> {
    fn from(m: MapRef<'a>) -> Self {
        ValueRef::Map(m)
    }
}

impl<'a> IntoIterator for ArrayRef<'a> {
    type Item = ValueRef<'a>;
    type IntoIter = ArrayIter<'a>;
    #[inline]
    fn into_iter(self) -> ArrayIter<'a> {
        self.iter()
    }
}

/// Iterator over an [`ArrayRef`].
#[derive(Debug, Clone)]
pub struct ArrayIter<'a> {
    rest: &'a [u8],
    left: u32,
    facts: Facts,
}

impl<'a> Iterator for ArrayIter<'a> {
    type Item = ValueRef<'a>;

    /// The one-byte forms and short strs are read here, inline in the caller's loop; the
    /// rest out of line. The bytes were validated: `None` in the middle of a view would
    /// be a bug, and ends the iteration (every call consumes one element, so it ends anyway).
    #[inline]
    fn next(&mut self) -> Option<ValueRef<'a>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let buf = self.rest;
        let m = *buf.first()?;
        let (v, used) = match m {
            0x00..=0x7f => (ValueRef::Int(Int(IntRepr::Pos(u64::from(m)))), 1),
            0xe0..=0xff => (ValueRef::Int(Int(IntRepr::Neg(i64::from(m as i8)))), 1),
            0xc0 => (ValueRef::Nil, 1),
            0xc2 | 0xc3 => (ValueRef::Bool(m == 0xc3), 1),
            0xa0..=0xbf | 0xd9 => {
                let (at, len) = if m == 0xd9 {
                    (2, usize::from(*buf.get(1)?))
                } else {
                    (1, usize::from(m & 0x1f))
                };
                let d = buf.get(at..at + len)?;
                (str_value(d, self.facts.utf8), at + len)
            }
            // The last element ends where the view does: no step over it.
            _ => read_other(buf, self.facts, self.left == 0)?,
        };
        self.rest = buf.get(used..)?;
        Some(v)
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left as usize, Some(self.left as usize))
    }
}

/// A lazy map view over validated bytes; pairs in wire order, duplicates kept.
#[derive(Clone, Copy)]
pub struct MapRef<'a> {
    /// The keys' and values' bytes, exactly.
    bytes: &'a [u8],
    len: u32,
    /// As in [`ArrayRef`]: every header in `bytes` is in its smallest form.
    facts: Facts,
}

impl<'a> MapRef<'a> {
    pub(crate) fn new(bytes: &'a [u8], len: u32, facts: Facts) -> Self {
        MapRef { bytes, len, facts }
    }

    /// Bytes of the smallest encoding of the pairs (without the header).
    fn body_len(&self) -> usize {
        if self.facts.minimal {
            self.bytes.len()
        } else {
            canonical(self.bytes, None)
        }
    }

    /// Number of key/value pairs.
    #[inline]
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The pairs, decoded one at a time.
    #[inline]
    pub fn iter(&self) -> MapIter<'a> {
        MapIter {
            inner: ArrayIter {
                rest: self.bytes,
                left: self.len.saturating_mul(2),
                facts: self.facts,
            },
        }
    }

    /// The value of the first pair whose key is the str `key` (a linear walk).
    pub fn get(&self, key: &str) -> Option<ValueRef<'a>> {
        self.iter()
            .find(|(k, _)| matches!(k, ValueRef::Str(s) if *s == key))
            .map(|(_, v)| v)
    }

    /// The encoded pairs, as they came on the wire (without the map header).
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The keys and values and everything in them, depth first, in one pass ([`Walk`]).
    #[inline]
    pub fn walk(&self) -> Walk<'a> {
        Walk {
            first: None,
            cursor: self.cursor(),
            left: 2 * u64::from(self.len),
        }
    }

    /// A single-pass cursor at the first key.
    pub(crate) fn cursor(&self) -> Cursor<'a> {
        Cursor {
            buf: self.bytes,
            pos: 0,
            known_utf8: self.facts.utf8,
        }
    }
}

impl fmt::Debug for MapRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl PartialEq for MapRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<'a> IntoIterator for MapRef<'a> {
    type Item = (ValueRef<'a>, ValueRef<'a>);
    type IntoIter = MapIter<'a>;
    #[inline]
    fn into_iter(self) -> MapIter<'a> {
        self.iter()
    }
}

/// Iterator over the pairs of a [`MapRef`].
#[derive(Debug, Clone)]
pub struct MapIter<'a> {
    inner: ArrayIter<'a>,
}

impl<'a> Iterator for MapIter<'a> {
    type Item = (ValueRef<'a>, ValueRef<'a>);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let k = self.inner.next()?;
        let v = self.inner.next()?;
        Some((k, v))
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.inner.left as usize / 2;
        (n, Some(n))
    }
}

/// An owned MessagePack value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// nil.
    Nil,
    /// true / false.
    Bool(bool),
    /// Any integer.
    Int(Int),
    /// float 32.
    F32(f32),
    /// float 64.
    F64(f64),
    /// A str.
    Str(String),
    /// A str whose bytes are not UTF-8 (kept by lenient profiles).
    RawStr(Vec<u8>),
    /// A bin.
    Bin(Vec<u8>),
    /// An array.
    Array(Vec<Value>),
    /// A map, as ordered pairs.
    Map(Vec<(Value, Value)>),
    /// An ext: type id and payload.
    Ext(i8, Vec<u8>),
    /// The timestamp extension.
    Timestamp(Timestamp),
}

impl Value {
    /// Decodes exactly one value from `buf` (default limits, strict profile) and copies it.
    pub fn from_slice(buf: &[u8]) -> Result<Value, Error> {
        ValueRef::from_slice(buf).map(ValueRef::into_owned)
    }

    /// The str, if this is a valid UTF-8 str.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Bytes of the smallest encoding.
    pub fn encoded_len(&self) -> usize {
        match self {
            Value::Nil | Value::Bool(_) => 1,
            Value::Int(i) => i.encoded_len(),
            Value::F32(_) => 5,
            Value::F64(_) => 9,
            Value::Str(s) => str_header_len(s.len()) + s.len(),
            Value::RawStr(b) => str_header_len(b.len()) + b.len(),
            Value::Bin(b) => bin_header_len(b.len()) + b.len(),
            Value::Array(a) => {
                array_header_len(a.len()) + a.iter().map(Value::encoded_len).sum::<usize>()
            }
            Value::Map(m) => {
                array_header_len(m.len())
                    + m.iter()
                        .map(|(k, v)| k.encoded_len() + v.encoded_len())
                        .sum::<usize>()
            }
            Value::Ext(_, d) => ext_header_len(d.len()) + d.len(),
            Value::Timestamp(t) => ext_header_len(t.data_len()) + t.data_len(),
        }
    }

    /// Writes the smallest encoding.
    ///
    /// # Panics
    /// If a str, bin, ext, array or map is longer than MessagePack can declare (2^32 - 1).
    pub fn encode(&self, buf: &mut impl BufMut) {
        match self {
            Value::Nil => buf.put_u8(Marker::Null.to_u8()),
            Value::Bool(b) => put_bool(buf, *b),
            Value::Int(i) => i.encode(buf),
            Value::F32(v) => {
                buf.put_u8(Marker::F32.to_u8());
                buf.put_f32(*v);
            }
            Value::F64(v) => {
                buf.put_u8(Marker::F64.to_u8());
                buf.put_f64(*v);
            }
            Value::Str(s) => put_str(buf, s.as_bytes()),
            Value::RawStr(b) => put_str(buf, b),
            Value::Bin(b) => put_bin(buf, b),
            Value::Array(a) => {
                put_array_header(buf, a.len());
                for v in a {
                    v.encode(buf);
                }
            }
            Value::Map(m) => {
                put_map_header(buf, m.len());
                for (k, v) in m {
                    k.encode(buf);
                    v.encode(buf);
                }
            }
            Value::Ext(t, d) => put_ext(buf, *t, d),
            Value::Timestamp(t) => put_timestamp(buf, *t),
        }
    }

    /// The smallest encoding, in a vector of exactly [`Value::encoded_len`] bytes.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.encode(&mut out);
        out
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::F64(v)
    }
}

impl From<Vec<Value>> for Value {
    fn from(v: Vec<Value>) -> Self {
        Value::Array(v)
    }
}

macro_rules! value_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Value::Int(Int::from(v))
            }
        }
    )*};
}
value_from_int!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

// ---- writers: the smallest header for each length ----

fn len32(len: usize) -> u32 {
    u32::try_from(len).expect("MessagePack lengths are at most 2^32 - 1")
}

pub(crate) fn put_bool(buf: &mut impl BufMut, b: bool) {
    buf.put_u8(if b { Marker::True } else { Marker::False }.to_u8());
}

pub(crate) fn str_header_len(len: usize) -> usize {
    match len {
        0..=31 => 1,
        32..=0xff => 2,
        0x100..=0xffff => 3,
        _ => 5,
    }
}

pub(crate) fn put_str(buf: &mut impl BufMut, s: &[u8]) {
    let len = len32(s.len());
    match len {
        0..=31 => buf.put_u8(Marker::FixStr(len as u8).to_u8()),
        32..=0xff => {
            buf.put_u8(Marker::Str8.to_u8());
            buf.put_u8(len as u8);
        }
        0x100..=0xffff => {
            buf.put_u8(Marker::Str16.to_u8());
            buf.put_u16(len as u16);
        }
        _ => {
            buf.put_u8(Marker::Str32.to_u8());
            buf.put_u32(len);
        }
    }
    buf.put_slice(s);
}

pub(crate) fn bin_header_len(len: usize) -> usize {
    match len {
        0..=0xff => 2,
        0x100..=0xffff => 3,
        _ => 5,
    }
}

pub(crate) fn put_bin(buf: &mut impl BufMut, b: &[u8]) {
    let len = len32(b.len());
    match len {
        0..=0xff => {
            buf.put_u8(Marker::Bin8.to_u8());
            buf.put_u8(len as u8);
        }
        0x100..=0xffff => {
            buf.put_u8(Marker::Bin16.to_u8());
            buf.put_u16(len as u16);
        }
        _ => {
            buf.put_u8(Marker::Bin32.to_u8());
            buf.put_u32(len);
        }
    }
    buf.put_slice(b);
}

/// Header length of an array or a map of `len` elements (pairs).
pub(crate) fn array_header_len(len: usize) -> usize {
    match len {
        0..=15 => 1,
        16..=0xffff => 3,
        _ => 5,
    }
}

pub(crate) fn put_array_header(buf: &mut impl BufMut, len: usize) {
    let len = len32(len);
    match len {
        0..=15 => buf.put_u8(Marker::FixArray(len as u8).to_u8()),
        16..=0xffff => {
            buf.put_u8(Marker::Array16.to_u8());
            buf.put_u16(len as u16);
        }
        _ => {
            buf.put_u8(Marker::Array32.to_u8());
            buf.put_u32(len);
        }
    }
}

pub(crate) fn put_map_header(buf: &mut impl BufMut, len: usize) {
    let len = len32(len);
    match len {
        0..=15 => buf.put_u8(Marker::FixMap(len as u8).to_u8()),
        16..=0xffff => {
            buf.put_u8(Marker::Map16.to_u8());
            buf.put_u16(len as u16);
        }
        _ => {
            buf.put_u8(Marker::Map32.to_u8());
            buf.put_u32(len);
        }
    }
}

pub(crate) fn ext_header_len(len: usize) -> usize {
    match len {
        1 | 2 | 4 | 8 | 16 => 2,
        0..=0xff => 3,
        0x100..=0xffff => 4,
        _ => 6,
    }
}

fn put_ext_header(buf: &mut impl BufMut, t: i8, len: usize) {
    let len = len32(len);
    match len {
        1 => buf.put_u8(Marker::FixExt1.to_u8()),
        2 => buf.put_u8(Marker::FixExt2.to_u8()),
        4 => buf.put_u8(Marker::FixExt4.to_u8()),
        8 => buf.put_u8(Marker::FixExt8.to_u8()),
        16 => buf.put_u8(Marker::FixExt16.to_u8()),
        0..=0xff => {
            buf.put_u8(Marker::Ext8.to_u8());
            buf.put_u8(len as u8);
        }
        0x100..=0xffff => {
            buf.put_u8(Marker::Ext16.to_u8());
            buf.put_u16(len as u16);
        }
        _ => {
            buf.put_u8(Marker::Ext32.to_u8());
            buf.put_u32(len);
        }
    }
    buf.put_i8(t);
}

pub(crate) fn put_ext(buf: &mut impl BufMut, t: i8, data: &[u8]) {
    put_ext_header(buf, t, data.len());
    buf.put_slice(data);
}

pub(crate) fn put_timestamp(buf: &mut impl BufMut, t: Timestamp) {
    put_ext_header(buf, TIMESTAMP_TYPE, t.data_len());
    t.put_data(buf);
}
