//! Typed params in one pass: a request's or notification's params deserialized into a caller's
//! serde type straight from the wire bytes ([`Call::decode`]).
//!
//! [`Message::decode`] validates the whole message, then [`Message::params_as`] walks the
//! validated bytes again to visit the caller's type. Here the deserializer reads the bytes
//! itself and validates as it visits: every header, length, limit and (strict profile) UTF-8
//! check happens once, at the byte where the value is read, and values the type does not take
//! (unknown struct fields, `IgnoredAny`) are validated by the scan as they are skipped. So a
//! call that decodes has been checked exactly as [`Message::decode`] checks it.
//!
//! When the pass fails, the bytes are decoded again by [`Message::decode_with`], which tells a
//! message that breaks a rule of the codec (its [`Error`], with the same offset and kind as
//! [`Message::decode`] gives), or needs more input, from one that is valid but does not fit the
//! type ([`DeError`] with the offset of the value that did not fit). Errors cost a second pass;
//! valid calls do not.

use super::de::{DeError, Either, Tuple2};
use super::scan::{head, scan_minimal, timestamp_problem, utf8, Head, TIMESTAMP_TYPE};
use super::value::Timestamp;
use super::{Decoder, Error, Limits, Message, Method, Profile};
use crate::Decoded;
use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};
use std::borrow::Cow;

/// A request or notification whose params were deserialized into `P` in the same pass that
/// validated the message ([`Call::decode`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Call<'a, P> {
    /// The request's msgid; `None` for a notification.
    pub msgid: Option<u32>,
    /// The method name.
    pub method: Method<'a>,
    /// The params, as the caller's type (borrowing from the input where `P` does).
    pub params: P,
}

/// Why [`Call::decode`] failed: the bytes break a rule of the codec, or they are a valid
/// message whose params do not fit the type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TypedError {
    /// The message is not valid ([`Message::decode`] gives the same error).
    #[error(transparent)]
    Decode(#[from] Error),
    /// A valid message that is not a call (a response), or params that do not fit the type.
    #[error("{error} at offset {offset}")]
    Type {
        /// Where the value that did not fit starts.
        offset: usize,
        /// What serde said.
        error: DeError,
    },
}

impl TypedError {
    /// The stable kebab-case kind name: the codec error's, or `type-mismatch`.
    pub fn kind(&self) -> &'static str {
        match self {
            TypedError::Decode(e) => e.kind(),
            TypedError::Type { error, .. } => error.kind(),
        }
    }

    /// The byte offset (in the decoder's input) where the problem was found.
    pub fn offset(&self) -> usize {
        match self {
            TypedError::Decode(e) => e.offset(),
            TypedError::Type { offset, .. } => *offset,
        }
    }

    /// Always `None`: MessagePack-RPC defines no error codes (see [`Error::code`]).
    pub fn code(&self) -> Option<std::convert::Infallible> {
        None
    }
}

impl<'a, P: de::Deserialize<'a>> Call<'a, P> {
    /// Decodes the request or notification at the start of `buf` (default limits, strict
    /// profile), its params deserialized into `P`: complete (with the bytes used), need-more,
    /// or the first rule it breaks.
    ///
    /// ```
    /// use msgwire::msgpack_rpc::{Call, OwnedMessage, Value};
    /// use msgwire::Decoded;
    ///
    /// let wire = OwnedMessage::request(7, "add", vec![Value::from(1), Value::from("two")]).to_vec();
    /// let Decoded::Complete { value, used } = Call::<(i64, &str)>::decode(&wire)? else {
    ///     unreachable!()
    /// };
    /// assert_eq!((value.msgid, value.method.as_str(), value.params), (Some(7), Some("add"), (1, "two")));
    /// assert_eq!(used, wire.len());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decode(buf: &'a [u8]) -> Result<Decoded<Self>, TypedError> {
        Self::decode_with(buf, &Limits::default(), Profile::Strict)
    }

    /// [`Call::decode`] with these limits and profile.
    pub fn decode_with(
        buf: &'a [u8],
        limits: &Limits,
        profile: Profile,
    ) -> Result<Decoded<Self>, TypedError> {
        match one_pass(buf, limits, profile) {
            Ok((value, used)) => Ok(Decoded::Complete { value, used }),
            Err(e) => classify(buf, limits, profile, e),
        }
    }
}

impl Decoder {
    /// [`Call::decode_with`] with this decoder's limits and profile.
    pub fn decode_call<'a, P: de::Deserialize<'a>>(
        &self,
        buf: &'a [u8],
    ) -> Result<Decoded<Call<'a, P>>, TypedError> {
        Call::decode_with(buf, &self.limits, self.profile)
    }
}

/// After a failed pass: the codec's verdict on the bytes (need-more, or its error), else the
/// type error.
#[cold]
#[inline(never)]
fn classify<P>(
    buf: &[u8],
    limits: &Limits,
    profile: Profile,
    e: DeError,
) -> Result<Decoded<P>, TypedError> {
    match Message::decode_with(buf, limits, profile)? {
        Decoded::NeedMore { at_least } => Ok(Decoded::NeedMore { at_least }),
        Decoded::Complete {
            value: Message::Response { .. },
            ..
        } => Err(TypedError::Type {
            offset: 0,
            error: de::Error::custom("a response has no params"),
        }),
        Decoded::Complete { .. } => Err(TypedError::Type {
            offset: e.offset().unwrap_or(0),
            error: e,
        }),
    }
}

/// The one pass: the message's head, then the params visited by `P`.
#[inline]
fn one_pass<'a, P: de::Deserialize<'a>>(
    buf: &'a [u8],
    limits: &Limits,
    profile: Profile,
) -> Result<(Call<'a, P>, usize), DeError> {
    let mut d = Bytes::new(buf, limits, profile);
    // [0, msgid, method, params] or [2, method, params], the array's header in its fixed form
    // or any other.
    let (len, kind) = match d.buf.get(..2) {
        Some(&[0x94, 0x00]) => (4, 0),
        Some(&[0x93, 0x02]) => (3, 2),
        _ => {
            let (h, hlen) = head(d.buf, 0).map_err(|_| bail())?;
            let Head::Array(len) = h else {
                return Err(bail());
            };
            d.pos = hlen;
            let kind = d.uint()?;
            (len, kind)
        }
    };
    if d.pos == 0 {
        d.pos = 2;
    }
    // The message's own array is the first level (limits as the scan checks them).
    d.open(len)?;
    let msgid = match (kind, len) {
        (0, 4) => Some(u32::try_from(d.uint()?).map_err(|_| bail())?),
        (2, 3) => None,
        _ => return Err(bail()),
    };
    let method = d.method()?;
    // Params are an array (else the general path says `Error::Params`), whatever `P` accepts.
    if !matches!(d.buf.get(d.pos), Some(0x90..=0x9f | 0xdc | 0xdd)) {
        return Err(bail());
    }
    let params = P::deserialize(&mut d)?;
    Ok((
        Call {
            msgid,
            method,
            params,
        },
        d.pos,
    ))
}

/// A failure of the framing, which [`classify`] explains.
#[cold]
fn bail() -> DeError {
    de::Error::custom("not a valid call")
}

#[cold]
fn eof() -> DeError {
    de::Error::custom("input ends inside a value")
}

/// A validating deserializer over bytes: one value at `pos`, read and checked as it is visited.
struct Bytes<'de> {
    /// The input, cut at the size limit.
    buf: &'de [u8],
    pos: usize,
    /// Open arrays and maps (the message's own array counts).
    depth: usize,
    limits: Limits,
    max_depth: usize,
    profile: Profile,
    strict: bool,
}

impl<'de> Bytes<'de> {
    fn new(buf: &'de [u8], limits: &Limits, profile: Profile) -> Self {
        Bytes {
            buf: &buf[..buf.len().min(limits.max_message_size)],
            pos: 0,
            depth: 0,
            limits: *limits,
            max_depth: limits.max_depth.min(Limits::HARD_MAX_DEPTH),
            profile,
            strict: profile.is_strict(),
        }
    }

    /// A non-negative int.
    fn uint(&mut self) -> Result<u64, DeError> {
        let (h, hlen) = head(self.buf, self.pos).map_err(|_| bail())?;
        self.pos += hlen;
        match h {
            Head::Uint(v) => Ok(v),
            Head::Sint(v) if v >= 0 => Ok(v as u64),
            _ => Err(bail()),
        }
    }

    /// The method: a str (or, leniently, a bin or a str that is not UTF-8).
    fn method(&mut self) -> Result<Method<'de>, DeError> {
        if let Some(&m @ 0xa0..=0xbf) = self.buf.get(self.pos) {
            let d = self.payload(self.pos + 1, usize::from(m & 0x1f))?;
            return match text(d) {
                Some(s) => Ok(Method::Str(Cow::Borrowed(s))),
                None if !self.strict => Ok(Method::RawStr(Cow::Borrowed(d))),
                None => Err(bail()),
            };
        }
        let (h, hlen) = head(self.buf, self.pos).map_err(|_| bail())?;
        let (Head::Str(len) | Head::Bin(len)) = h else {
            return Err(bail());
        };
        let d = self.payload(self.pos + hlen, len as usize)?;
        match h {
            Head::Str(_) => match text(d) {
                Some(s) => Ok(Method::Str(Cow::Borrowed(s))),
                None if !self.strict => Ok(Method::RawStr(Cow::Borrowed(d))),
                None => Err(bail()),
            },
            _ if !self.strict => Ok(Method::Bin(Cow::Borrowed(d))),
            _ => Err(bail()),
        }
    }

    /// `len` payload bytes at `at`; the cursor moves past them.
    #[inline(always)]
    fn payload(&mut self, at: usize, len: usize) -> Result<&'de [u8], DeError> {
        let end = at.checked_add(len).ok_or_else(eof)?;
        let d = self.buf.get(at..end).ok_or_else(eof)?;
        self.pos = end;
        Ok(d)
    }

    /// A str's payload, visited as text (or, leniently, as bytes when it is not UTF-8).
    #[inline(always)]
    fn visit_str<V: Visitor<'de>>(
        &mut self,
        at: usize,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let d = self.payload(at, len)?;
        match text(d) {
            Some(s) => visitor.visit_borrowed_str(s),
            None if !self.strict => visitor.visit_borrowed_bytes(d),
            None => Err(de::Error::custom("str is not valid UTF-8")),
        }
    }

    /// Opens an array or map of `n` elements (pairs), checking the limits before any element.
    #[inline(always)]
    fn open(&mut self, n: u32) -> Result<(), DeError> {
        if n > self.limits.max_elements || self.depth >= self.max_depth {
            return Err(de::Error::custom("limit"));
        }
        self.depth += 1;
        Ok(())
    }

    #[inline(always)]
    fn seq<V: Visitor<'de>>(&mut self, n: u32, visitor: V) -> Result<V::Value, DeError> {
        self.open(n)?;
        let mut access = Elements { de: self, left: n };
        let out = visitor.visit_seq(&mut access)?;
        if access.left > 0 {
            return Err(de::Error::invalid_length(n as usize, &"fewer elements"));
        }
        self.depth -= 1;
        Ok(out)
    }

    #[inline(always)]
    fn map<V: Visitor<'de>>(&mut self, n: u32, visitor: V) -> Result<V::Value, DeError> {
        self.open(n)?;
        let mut access = Pairs {
            de: self,
            left: n,
            value_next: false,
        };
        let out = visitor.visit_map(&mut access)?;
        if access.left > 0 || access.value_next {
            return Err(de::Error::invalid_length(n as usize, &"fewer map entries"));
        }
        self.depth -= 1;
        Ok(out)
    }

    /// Everything but the fixed forms read inline by `deserialize_any`.
    #[inline(never)]
    fn any_other<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, DeError> {
        let start = self.pos;
        let (h, hlen) = head(self.buf, start).map_err(|_| eof())?;
        let at = start + hlen;
        self.pos = at;
        match h {
            Head::Nil => visitor.visit_unit(),
            Head::Bool(b) => visitor.visit_bool(b),
            Head::Uint(v) => visitor.visit_u64(v),
            Head::Sint(v) if v >= 0 => visitor.visit_u64(v as u64),
            Head::Sint(v) => visitor.visit_i64(v),
            Head::F32(v) => visitor.visit_f32(v),
            Head::F64(v) => visitor.visit_f64(v),
            Head::Str(len) => self.visit_str(at, len as usize, visitor),
            Head::Bin(len) => visitor.visit_borrowed_bytes(self.payload(at, len as usize)?),
            Head::Ext(t, len) => {
                let d = self.payload(at, len as usize)?;
                if t == TIMESTAMP_TYPE {
                    if self.strict && timestamp_problem(d).is_some() {
                        return Err(de::Error::custom("invalid timestamp"));
                    }
                    if let Some(ts) = Timestamp::from_ext_data(d) {
                        return visitor.visit_seq(Tuple2 {
                            a: Some(ts.seconds()),
                            b: Some(Either::U32(ts.nanos())),
                        });
                    }
                }
                visitor.visit_seq(Tuple2 {
                    a: Some(i64::from(t)),
                    b: Some(Either::Bytes(d)),
                })
            }
            Head::Array(n) => self.seq(n, visitor),
            Head::Map(n) => self.map(n, visitor),
            Head::Reserved => Err(de::Error::custom("reserved byte")),
        }
    }

    /// Steps over one value, validating it with the scan (what `IgnoredAny` and unknown fields
    /// get).
    fn skip(&mut self) -> Result<(), DeError> {
        let limits = Limits {
            max_depth: self.max_depth - self.depth,
            ..self.limits
        };
        match scan_minimal(&self.buf[self.pos..], &limits, self.profile) {
            Ok((Decoded::Complete { used, .. }, _)) => {
                self.pos += used;
                Ok(())
            }
            _ => Err(eof()),
        }
    }
}

/// The text of a str's bytes, if they are UTF-8: the one check a str gets (safe Rust has a
/// `&str` only through it, so no ASCII pre-check: that would be a second look).
#[inline(always)]
fn text(d: &[u8]) -> Option<&str> {
    utf8(d)
}

impl<'de> Deserializer<'de> for &mut Bytes<'de> {
    type Error = DeError;

    #[inline]
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let start = self.pos;
        let m = *self.buf.get(start).ok_or_else(eof)?;
        let out = match m {
            0x00..=0x7f => {
                self.pos = start + 1;
                visitor.visit_u64(u64::from(m))
            }
            0xe0..=0xff => {
                self.pos = start + 1;
                visitor.visit_i64(i64::from(m as i8))
            }
            0xc0 => {
                self.pos = start + 1;
                visitor.visit_unit()
            }
            0xc2 | 0xc3 => {
                self.pos = start + 1;
                visitor.visit_bool(m == 0xc3)
            }
            0xa0..=0xbf => self.visit_str(start + 1, usize::from(m & 0x1f), visitor),
            0xd9 => {
                let n = *self.buf.get(start + 1).ok_or_else(eof)?;
                self.visit_str(start + 2, usize::from(n), visitor)
            }
            0x90..=0x9f => {
                self.pos = start + 1;
                self.seq(u32::from(m & 0x0f), visitor)
            }
            0x80..=0x8f => {
                self.pos = start + 1;
                self.map(u32::from(m & 0x0f), visitor)
            }
            _ => self.any_other(visitor),
        };
        out.map_err(|e| e.at(start))
    }

    #[inline]
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.buf.get(self.pos) == Some(&0xc0) {
            self.pos += 1;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let start = self.pos;
        self.skip().map_err(|e| e.at(start))?;
        visitor.visit_unit()
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let start = self.pos;
        let (h, hlen) = head(self.buf, start).map_err(|_| eof())?;
        let out: Result<V::Value, DeError> = match h {
            Head::Str(len) => {
                let d = self.payload(start + hlen, len as usize)?;
                match text(d) {
                    Some(s) => visitor.visit_enum(s.into_deserializer()),
                    None => Err(de::Error::invalid_type(
                        de::Unexpected::Bytes(d),
                        &"a str or a one-pair map",
                    )),
                }
            }
            Head::Map(1) => {
                self.pos = start + hlen;
                self.open(1)?;
                let out = visitor.visit_enum(Variant { de: &mut *self })?;
                self.depth -= 1;
                Ok(out)
            }
            _ => Err(de::Error::invalid_type(
                de::Unexpected::Other(h.type_name()),
                &"a str or a one-pair map",
            )),
        };
        out.map_err(|e| e.at(start))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier
    }
}

struct Elements<'c, 'de> {
    de: &'c mut Bytes<'de>,
    left: u32,
}

impl<'de> SeqAccess<'de> for Elements<'_, 'de> {
    type Error = DeError;

    #[inline]
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(&mut *self.de).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        // Each element takes at least one byte: a declared count beyond the input is not
        // trusted for preallocation.
        Some((self.left as usize).min(self.de.buf.len() - self.de.pos))
    }
}

struct Pairs<'c, 'de> {
    de: &'c mut Bytes<'de>,
    left: u32,
    value_next: bool,
}

impl<'de> MapAccess<'de> for Pairs<'_, 'de> {
    type Error = DeError;

    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        if self.value_next {
            return Err(de::Error::custom("key asked before the value"));
        }
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        self.value_next = true;
        seed.deserialize(&mut *self.de).map(Some)
    }

    #[inline]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        if !self.value_next {
            return Err(de::Error::custom("value asked before key"));
        }
        self.value_next = false;
        seed.deserialize(&mut *self.de)
    }

    fn size_hint(&self) -> Option<usize> {
        Some((self.left as usize).min((self.de.buf.len() - self.de.pos) / 2))
    }
}

/// The one pair of an enum's map: the variant name, then its value.
struct Variant<'c, 'de> {
    de: &'c mut Bytes<'de>,
}

impl<'c, 'de> EnumAccess<'de> for Variant<'c, 'de> {
    type Error = DeError;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), DeError> {
        Ok((seed.deserialize(&mut *self.de)?, self))
    }
}

impl<'de> VariantAccess<'de> for Variant<'_, 'de> {
    type Error = DeError;

    fn unit_variant(self) -> Result<(), DeError> {
        let start = self.de.pos;
        match self.de.buf.get(start) {
            Some(0xc0) => {
                self.de.pos += 1;
                Ok(())
            }
            _ => {
                let e: DeError = de::Error::invalid_type(de::Unexpected::Other("not nil"), &"nil");
                Err(e.at(start))
            }
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, DeError> {
        seed.deserialize(self.de)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, DeError> {
        self.de.deserialize_any(visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.de.deserialize_any(visitor)
    }
}
