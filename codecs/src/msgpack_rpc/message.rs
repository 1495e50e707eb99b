//! MessagePack-RPC messages: request, response, notification.
//!
//! Spec (msgpack-rpc/spec.md): "Request message: `[type, msgid, method, params]`", "Response
//! message: `[type, msgid, error, result]`", "Notification message: `[type, method, params]`",
//! with type 0, 1 and 2. A [`Message`] borrows from validated bytes (params stay a lazy
//! [`ArrayRef`]); [`OwnedMessage`] is its owned twin, and what a client builds to send.

use super::scan::{head, Head};
use super::scan::{scan_minimal, scan_whole, utf8, Facts};
use super::value::{put_array_header, put_bin, put_str, read, read_whole, str_header_len};
use super::{from_value, ArrayRef, DeError, Error, Int, Limits, Profile, Value, ValueRef};
use crate::Decoded;
use bytes::BufMut;
use serde::de;
use std::borrow::Cow;

/// A method name: a str, or what lenient profiles also accept.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Method<'a> {
    /// A str (spec: "method: a string which represents the method name").
    Str(Cow<'a, str>),
    /// A str whose bytes are not UTF-8 (lenient profiles).
    RawStr(Cow<'a, [u8]>),
    /// A bin, as some peers (old msgpack encoders without str8) send (lenient profiles).
    Bin(Cow<'a, [u8]>),
}

impl<'a> Method<'a> {
    /// The name as text, if it is valid UTF-8 (a bin method counts, if its bytes are).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Method::Str(s) => Some(s),
            Method::RawStr(b) | Method::Bin(b) => std::str::from_utf8(b).ok(),
        }
    }

    /// The name's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Method::Str(s) => s.as_bytes(),
            Method::RawStr(b) | Method::Bin(b) => b,
        }
    }

    /// The owned twin.
    pub fn into_owned(self) -> Method<'static> {
        match self {
            Method::Str(s) => Method::Str(Cow::Owned(s.into_owned())),
            Method::RawStr(b) => Method::RawStr(Cow::Owned(b.into_owned())),
            Method::Bin(b) => Method::Bin(Cow::Owned(b.into_owned())),
        }
    }

    fn encoded_len(&self) -> usize {
        let n = self.as_bytes().len();
        match self {
            Method::Bin(_) => super::value::bin_header_len(n) + n,
            _ => str_header_len(n) + n,
        }
    }

    fn encode(&self, buf: &mut impl BufMut) {
        match self {
            Method::Bin(b) => put_bin(buf, b),
            _ => put_str(buf, self.as_bytes()),
        }
    }
}

/// The name; bytes that are not UTF-8 show as U+FFFD.
impl std::fmt::Display for Method<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&String::from_utf8_lossy(self.as_bytes()), f)
    }
}

impl AsRef<[u8]> for Method<'_> {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl PartialEq<str> for Method<'_> {
    fn eq(&self, other: &str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<&str> for Method<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl<'a> From<&'a str> for Method<'a> {
    fn from(s: &'a str) -> Self {
        Method::Str(Cow::Borrowed(s))
    }
}

impl From<String> for Method<'static> {
    fn from(s: String) -> Self {
        Method::Str(Cow::Owned(s))
    }
}

/// A MessagePack-RPC message, borrowing from the bytes it was decoded from.
#[derive(Clone, Debug, PartialEq)]
pub enum Message<'a> {
    /// `[0, msgid, method, params]`.
    Request {
        msgid: u32,
        method: Method<'a>,
        params: ArrayRef<'a>,
    },
    /// `[1, msgid, error, result]`.
    Response {
        msgid: u32,
        error: ValueRef<'a>,
        result: ValueRef<'a>,
    },
    /// `[2, method, params]`.
    Notification {
        method: Method<'a>,
        params: ArrayRef<'a>,
    },
}

const REQUEST: u64 = 0;
const RESPONSE: u64 = 1;
const NOTIFICATION: u64 = 2;

/// The common shape of a whole valid message, read head first: a fixarray, the type as a
/// fixint, a msgid in its smallest form, a method as fixstr or str 8 (its UTF-8 checked once,
/// here, giving the `&str`), then params (or error and result) validated by [`scan_whole`] as
/// any value is. `None` for anything else — another form, an error, a limit, need-more —
/// which [`Message::decode_with`] then decodes by the general path (scan, then interpret),
/// so this only changes the cost of what it accepts, never the verdict: it accepts only what
/// the general path accepts, and builds the same message.
#[inline]
fn fast_message<'a>(
    buf: &'a [u8],
    limits: &Limits,
    profile: Profile,
) -> Option<(Message<'a>, usize)> {
    let max_depth = limits.max_depth.min(Limits::HARD_MAX_DEPTH);
    let size = buf.len().min(limits.max_message_size);
    let buf = &buf[..size];
    // The message's array is the first level; its 3 or 4 elements are under any element limit
    // that is at least 4.
    if max_depth < 2 || limits.max_elements < 4 {
        return None;
    }
    let kind = match buf.get(..2)? {
        [0x94, k @ (0 | 1)] => *k,
        [0x93, 2] => 2,
        _ => return None,
    };
    let mut pos = 2;
    let mut minimal = true;
    let msgid = if kind == 2 {
        0
    } else {
        // A msgid in its smallest uint form (anything else takes the general path).
        let (id, n) = match *buf.get(pos)? {
            m @ 0x00..=0x7f => (u32::from(m), 1),
            0xcc => (u32::from(*buf.get(pos + 1)?), 2),
            0xcd => (
                u32::from(u16::from_be_bytes(
                    buf.get(pos + 1..pos + 3)?.try_into().ok()?,
                )),
                3,
            ),
            0xce => (
                u32::from_be_bytes(buf.get(pos + 1..pos + 5)?.try_into().ok()?),
                5,
            ),
            _ => return None,
        };
        minimal &= Int::from(id).encoded_len() == n;
        pos += n;
        id
    };
    // Values still to come after `pos` inside the message (each at least one byte).
    let inner = Limits {
        max_message_size: size.checked_sub(pos)?,
        max_depth: max_depth - 1,
        max_elements: limits.max_elements,
    };
    let facts = |minimal| Facts {
        minimal,
        utf8: profile.is_strict(),
    };
    if kind == 1 {
        // Error and result in one scan; the error's end is where reading it stops (one byte
        // for the usual nil; a container is stepped over).
        let (len, min) = scan_whole::<2>(&buf[pos..], &inner, profile.is_strict())?;
        let end = pos + len;
        let f = facts(minimal && min);
        let (error, e_len) = read(&buf[pos..end], f)?;
        let result = read_whole(&buf[pos + e_len..end], f)?;
        if profile.is_strict() && !error.is_nil() && !result.is_nil() {
            return None;
        }
        return Some((
            Message::Response {
                msgid,
                error,
                result,
            },
            end,
        ));
    }
    let (at, n) = match *buf.get(pos)? {
        m @ 0xa0..=0xbf => (pos + 1, usize::from(m & 0x1f)),
        0xd9 => {
            let n = *buf.get(pos + 1)?;
            minimal &= n >= 32;
            (pos + 2, usize::from(n))
        }
        _ => return None,
    };
    let name = utf8(buf.get(at..at + n)?)?;
    let p_at = at + n;
    let inner = Limits {
        max_message_size: size.checked_sub(p_at)?,
        ..inner
    };
    let (p_len, p_min) = scan_whole::<1>(&buf[p_at..], &inner, profile.is_strict())?;
    let end = p_at + p_len;
    let ValueRef::Array(params) = read_whole(&buf[p_at..end], facts(minimal && p_min))? else {
        return None;
    };
    let method = Method::Str(Cow::Borrowed(name));
    Some((
        if kind == 0 {
            Message::Request {
                msgid,
                method,
                params,
            }
        } else {
            Message::Notification { method, params }
        },
        end,
    ))
}

impl<'a> Message<'a> {
    /// Decodes the message at the start of `buf` (default limits, strict profile).
    pub fn decode(buf: &'a [u8]) -> Result<Decoded<Message<'a>>, Error> {
        Self::decode_with(buf, &Limits::default(), Profile::Strict)
    }

    /// Decodes the message at the start of `buf`: complete, need-more (a safe lower bound),
    /// or the first rule it breaks. The whole message is validated before it is interpreted.
    pub fn decode_with(
        buf: &'a [u8],
        limits: &Limits,
        profile: Profile,
    ) -> Result<Decoded<Message<'a>>, Error> {
        if let Some((value, used)) = fast_message(buf, limits, profile) {
            return Ok(Decoded::Complete { value, used });
        }
        Self::decode_general(buf, limits, profile)
    }

    /// The general path of [`Message::decode_with`]: the whole value validated by the scan,
    /// then interpreted (every form, every error, need-more).
    pub(crate) fn decode_general(
        buf: &'a [u8],
        limits: &Limits,
        profile: Profile,
    ) -> Result<Decoded<Message<'a>>, Error> {
        match scan_minimal(buf, limits, profile)? {
            (Decoded::NeedMore { at_least }, _) => Ok(Decoded::NeedMore { at_least }),
            (Decoded::Complete { used, .. }, facts) => {
                let value = Self::interpret(&buf[..used], profile, facts)?;
                Ok(Decoded::Complete { value, used })
            }
        }
    }

    /// Decodes `buf` as exactly one message ([`Error::Truncated`] / [`Error::TrailingBytes`]).
    pub fn from_slice_with(
        buf: &'a [u8],
        limits: &Limits,
        profile: Profile,
    ) -> Result<Message<'a>, Error> {
        super::scan::exactly_one(buf.len(), Self::decode_with(buf, limits, profile)?)
    }

    /// [`Message::from_slice_with`] under the default limits, strict profile.
    pub fn from_slice(buf: &'a [u8]) -> Result<Message<'a>, Error> {
        Self::from_slice_with(buf, &Limits::default(), Profile::Strict)
    }

    /// Interprets one validated value as a message.
    fn interpret(buf: &'a [u8], profile: Profile, facts: Facts) -> Result<Message<'a>, Error> {
        let (h, hlen) = head(buf, 0).map_err(|missing| Error::Truncated { offset: 0, missing })?;
        let Head::Array(len) = h else {
            return Err(Error::MessageNotArray {
                offset: 0,
                found: h.type_name(),
            });
        };
        // Elements with their offsets; the last one (params, result) ends where the message
        // does, so it is read without stepping over it.
        let mut pos = hlen;
        let mut left = len;
        let mut next = || -> Option<(usize, ValueRef<'a>)> {
            let at = pos;
            if left == 1 {
                left = 0;
                pos = buf.len();
                return Some((at, read_whole(&buf[at..], facts)?));
            }
            left = left.checked_sub(1)?;
            let (v, used) = read(&buf[pos..], facts)?;
            pos += used;
            Some((at, v))
        };
        let truncated = || Error::Truncated {
            offset: buf.len(),
            missing: 1,
        };
        let Some((at, kind)) = next() else {
            return Err(Error::MessageType {
                offset: hlen,
                found: "missing (empty array)",
            });
        };
        let kind = match kind {
            ValueRef::Int(i) => match i.as_u64() {
                Some(k @ (REQUEST | RESPONSE | NOTIFICATION)) => k,
                _ => {
                    return Err(Error::MessageType {
                        offset: at,
                        found: "an int other than 0, 1, 2",
                    })
                }
            },
            other => {
                return Err(Error::MessageType {
                    offset: at,
                    found: other.type_name(),
                })
            }
        };
        let (message, expected) = match kind {
            REQUEST => ("request", 4),
            RESPONSE => ("response", 4),
            _ => ("notification", 3),
        };
        if len != expected {
            return Err(Error::MessageLength {
                offset: 0,
                message,
                expected,
                found: len,
            });
        }
        let msgid = |(at, v): (usize, ValueRef<'a>)| -> Result<u32, Error> {
            match v {
                ValueRef::Int(i) => {
                    i.as_u64()
                        .and_then(|v| u32::try_from(v).ok())
                        .ok_or(Error::MsgId {
                            offset: at,
                            found: if i.is_negative() {
                                "a negative int"
                            } else {
                                "an int above 2^32 - 1"
                            },
                        })
                }
                other => Err(Error::MsgId {
                    offset: at,
                    found: other.type_name(),
                }),
            }
        };
        let method = |(at, v): (usize, ValueRef<'a>)| -> Result<Method<'a>, Error> {
            match v {
                ValueRef::Str(s) => Ok(Method::Str(Cow::Borrowed(s.as_str()))),
                ValueRef::RawStr(b) => Ok(Method::RawStr(Cow::Borrowed(b))),
                ValueRef::Bin(b) if !profile.is_strict() => Ok(Method::Bin(Cow::Borrowed(b))),
                other => Err(Error::Method {
                    offset: at,
                    found: other.type_name(),
                }),
            }
        };
        let params = |(at, v): (usize, ValueRef<'a>)| -> Result<ArrayRef<'a>, Error> {
            match v {
                ValueRef::Array(a) => Ok(a),
                other => Err(Error::Params {
                    offset: at,
                    found: other.type_name(),
                }),
            }
        };
        match kind {
            REQUEST => {
                let msgid = msgid(next().ok_or_else(truncated)?)?;
                let method = method(next().ok_or_else(truncated)?)?;
                let params = params(next().ok_or_else(truncated)?)?;
                Ok(Message::Request {
                    msgid,
                    method,
                    params,
                })
            }
            RESPONSE => {
                let msgid = msgid(next().ok_or_else(truncated)?)?;
                let (_, error) = next().ok_or_else(truncated)?;
                let (_, result) = next().ok_or_else(truncated)?;
                // Spec: "If an error occurred at the method, error is set ... result is
                // nil" and "If the method is executed correctly, error is nil".
                if profile.is_strict() && !error.is_nil() && !result.is_nil() {
                    return Err(Error::ErrorAndResult { offset: 0 });
                }
                Ok(Message::Response {
                    msgid,
                    error,
                    result,
                })
            }
            _ => {
                let method = method(next().ok_or_else(truncated)?)?;
                let params = params(next().ok_or_else(truncated)?)?;
                Ok(Message::Notification { method, params })
            }
        }
    }

    /// The msgid of a request or response.
    pub fn msgid(&self) -> Option<u32> {
        match self {
            Message::Request { msgid, .. } | Message::Response { msgid, .. } => Some(*msgid),
            Message::Notification { .. } => None,
        }
    }

    /// The params of a request or notification as `T` (serde; borrowing where `T` does).
    pub fn params_as<T: serde::Deserialize<'a>>(&self) -> Result<T, DeError> {
        match self {
            Message::Request { params, .. } | Message::Notification { params, .. } => {
                from_value(ValueRef::Array(*params))
            }
            Message::Response { .. } => Err(de::Error::custom("a response has no params")),
        }
    }

    /// The result of a response as `T` (whatever the error slot holds).
    pub fn result_as<T: serde::Deserialize<'a>>(&self) -> Result<T, DeError> {
        match self {
            Message::Response { result, .. } => from_value(*result),
            _ => Err(de::Error::custom("only a response has a result")),
        }
    }

    /// The error of a response as `T` (e.g. `(i64, &str)` for Neovim's `[type, message]`).
    pub fn error_as<T: serde::Deserialize<'a>>(&self) -> Result<T, DeError> {
        match self {
            Message::Response { error, .. } => from_value(*error),
            _ => Err(de::Error::custom("only a response has an error")),
        }
    }

    /// The owned twin.
    pub fn into_owned(self) -> OwnedMessage {
        match self {
            Message::Request {
                msgid,
                method,
                params,
            } => OwnedMessage::Request {
                msgid,
                method: method.into_owned(),
                params: params.iter().map(ValueRef::into_owned).collect(),
            },
            Message::Response {
                msgid,
                error,
                result,
            } => OwnedMessage::Response {
                msgid,
                error: error.into_owned(),
                result: result.into_owned(),
            },
            Message::Notification { method, params } => OwnedMessage::Notification {
                method: method.into_owned(),
                params: params.iter().map(ValueRef::into_owned).collect(),
            },
        }
    }

    /// Bytes of the smallest encoding.
    pub fn encoded_len(&self) -> usize {
        let params_len = |p: &ArrayRef<'_>| {
            ValueRef::Array(*p).encoded_len() // header + elements
        };
        1 + match self {
            Message::Request {
                msgid,
                method,
                params,
            } => 1 + Int::from(*msgid).encoded_len() + method.encoded_len() + params_len(params),
            Message::Response {
                msgid,
                error,
                result,
            } => 1 + Int::from(*msgid).encoded_len() + error.encoded_len() + result.encoded_len(),
            Message::Notification { method, params } => {
                1 + method.encoded_len() + params_len(params)
            }
        }
    }

    /// Writes the smallest encoding.
    pub fn encode(&self, buf: &mut impl BufMut) {
        match self {
            Message::Request {
                msgid,
                method,
                params,
            } => {
                put_array_header(buf, 4);
                Int::from(REQUEST).encode(buf);
                Int::from(*msgid).encode(buf);
                method.encode(buf);
                ValueRef::Array(*params).encode(buf);
            }
            Message::Response {
                msgid,
                error,
                result,
            } => {
                put_array_header(buf, 4);
                Int::from(RESPONSE).encode(buf);
                Int::from(*msgid).encode(buf);
                error.encode(buf);
                result.encode(buf);
            }
            Message::Notification { method, params } => {
                put_array_header(buf, 3);
                Int::from(NOTIFICATION).encode(buf);
                method.encode(buf);
                ValueRef::Array(*params).encode(buf);
            }
        }
    }

    /// The smallest encoding, in a vector of exactly [`Message::encoded_len`] bytes.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.encode(&mut out);
        out
    }
}

/// An owned MessagePack-RPC message: what [`Message::into_owned`] returns, and what a client
/// or server builds to send.
#[derive(Clone, Debug, PartialEq)]
pub enum OwnedMessage {
    /// `[0, msgid, method, params]`.
    Request {
        msgid: u32,
        method: Method<'static>,
        params: Vec<Value>,
    },
    /// `[1, msgid, error, result]`.
    Response {
        msgid: u32,
        error: Value,
        result: Value,
    },
    /// `[2, method, params]`.
    Notification {
        method: Method<'static>,
        params: Vec<Value>,
    },
}

impl OwnedMessage {
    /// A request.
    pub fn request(msgid: u32, method: impl Into<String>, params: Vec<Value>) -> Self {
        OwnedMessage::Request {
            msgid,
            method: Method::from(method.into()),
            params,
        }
    }

    /// A successful response (error nil).
    pub fn result(msgid: u32, result: Value) -> Self {
        OwnedMessage::Response {
            msgid,
            error: Value::Nil,
            result,
        }
    }

    /// An error response (result nil).
    pub fn error(msgid: u32, error: Value) -> Self {
        OwnedMessage::Response {
            msgid,
            error,
            result: Value::Nil,
        }
    }

    /// A notification.
    pub fn notification(method: impl Into<String>, params: Vec<Value>) -> Self {
        OwnedMessage::Notification {
            method: Method::from(method.into()),
            params,
        }
    }

    /// The msgid of a request or response.
    pub fn msgid(&self) -> Option<u32> {
        match self {
            OwnedMessage::Request { msgid, .. } | OwnedMessage::Response { msgid, .. } => {
                Some(*msgid)
            }
            OwnedMessage::Notification { .. } => None,
        }
    }

    /// Bytes of the smallest encoding.
    pub fn encoded_len(&self) -> usize {
        let params_len = |p: &[Value]| {
            super::value::array_header_len(p.len())
                + p.iter().map(Value::encoded_len).sum::<usize>()
        };
        1 + match self {
            OwnedMessage::Request {
                msgid,
                method,
                params,
            } => 1 + Int::from(*msgid).encoded_len() + method.encoded_len() + params_len(params),
            OwnedMessage::Response {
                msgid,
                error,
                result,
            } => 1 + Int::from(*msgid).encoded_len() + error.encoded_len() + result.encoded_len(),
            OwnedMessage::Notification { method, params } => {
                1 + method.encoded_len() + params_len(params)
            }
        }
    }

    /// Writes the smallest encoding.
    ///
    /// # Panics
    /// If a value is longer than MessagePack can declare (2^32 - 1 bytes or elements).
    pub fn encode(&self, buf: &mut impl BufMut) {
        let put_params = |buf: &mut _, p: &[Value]| {
            put_array_header(buf, p.len());
            for v in p {
                v.encode(buf);
            }
        };
        match self {
            OwnedMessage::Request {
                msgid,
                method,
                params,
            } => {
                put_array_header(buf, 4);
                Int::from(REQUEST).encode(buf);
                Int::from(*msgid).encode(buf);
                method.encode(buf);
                put_params(buf, params);
            }
            OwnedMessage::Response {
                msgid,
                error,
                result,
            } => {
                put_array_header(buf, 4);
                Int::from(RESPONSE).encode(buf);
                Int::from(*msgid).encode(buf);
                error.encode(buf);
                result.encode(buf);
            }
            OwnedMessage::Notification { method, params } => {
                put_array_header(buf, 3);
                Int::from(NOTIFICATION).encode(buf);
                method.encode(buf);
                put_params(buf, params);
            }
        }
    }

    /// The smallest encoding, in a vector of exactly [`OwnedMessage::encoded_len`] bytes.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.encode(&mut out);
        out
    }
}
