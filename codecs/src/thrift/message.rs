//! The message envelope (name, type, sequence id) and `TApplicationException`.

use super::encode::Out;
use super::scan::{Fast, Scanner};
use super::value::{Struct, StructRef, Value, ValueRef};
use super::wire::{varint_len, Cur, Stop};
use super::{Error, Limits, Profile, Protocol};
use crate::Decoded;
use std::borrow::Cow;

/// A message's type ("Call: 1, Reply: 2, Exception: 3, Oneway: 4" in both protocol specs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageType {
    /// A call that expects a reply.
    Call = 1,
    /// A reply: the body is the result struct (field 0 the return value, others exceptions).
    Reply = 2,
    /// A `TApplicationException` in place of a reply.
    Exception = 3,
    /// A call that expects no reply.
    Oneway = 4,
}

impl MessageType {
    /// The type with this wire number.
    pub fn from_u8(n: u8) -> Option<MessageType> {
        Some(match n {
            1 => MessageType::Call,
            2 => MessageType::Reply,
            3 => MessageType::Exception,
            4 => MessageType::Oneway,
            _ => return None,
        })
    }

    /// The lowercase name (`call`, `reply`, `exception`, `oneway`).
    pub fn name(self) -> &'static str {
        match self {
            MessageType::Call => "call",
            MessageType::Reply => "reply",
            MessageType::Exception => "exception",
            MessageType::Oneway => "oneway",
        }
    }

    /// The type named `name` ([`MessageType::name`]).
    pub fn from_name(name: &str) -> Option<MessageType> {
        (1..=4)
            .filter_map(MessageType::from_u8)
            .find(|t| t.name() == name)
    }
}

/// The envelope of a message, read in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Header<'a> {
    pub(crate) name: &'a str,
    pub(crate) kind: MessageType,
    pub(crate) seqid: i32,
}

fn name_str(bytes: &[u8], offset: usize) -> Result<&str, Stop> {
    std::str::from_utf8(bytes).map_err(|_| Stop::Bad(Error::InvalidUtf8 { offset }))
}

fn name_len(n: i64, offset: usize, limits: &Limits) -> Result<usize, Stop> {
    if n < 0 {
        return Err(Error::NegativeLength { offset, length: n }.into());
    }
    if n as u64 > limits.max_string as u64 {
        return Err(Error::StringLimit {
            offset,
            length: n as u64,
            limit: limits.max_string,
        }
        .into());
    }
    if n as u64 > limits.max_message_size as u64 {
        return Err(Error::SizeLimit {
            offset,
            at_least: n as u64,
            limit: limits.max_message_size,
        }
        .into());
    }
    Ok(n as usize)
}

fn kind(n: u8, offset: usize) -> Result<MessageType, Stop> {
    MessageType::from_u8(n).ok_or(Stop::Bad(Error::MessageType { offset, found: n }))
}

/// Reads the envelope at the start of `buf`.
pub(crate) fn read_header<'a>(
    cur: &mut Cur<'a>,
    protocol: Protocol,
    limits: &Limits,
) -> Result<Header<'a>, Stop> {
    match protocol {
        Protocol::Binary => {
            let first = cur.be_i32()?;
            if first < 0 {
                // Strict: "1vvvvvvv|vvvvvvvv|unused|00000mmm", the version fixed to 1.
                let version = (first as u32) >> 16;
                if version != 0x8001 {
                    return Err(Error::BadVersion {
                        offset: 0,
                        found: first as u32,
                    }
                    .into());
                }
                let k = kind(first as u8, 3)?;
                let at = cur.pos;
                let n = name_len(i64::from(cur.be_i32()?), at, limits)?;
                let at = cur.pos;
                let name = name_str(cur.take(n)?, at)?;
                let seqid = cur.be_i32()?;
                Ok(Header {
                    name,
                    kind: k,
                    seqid,
                })
            } else {
                // The old encoding: "name length | name | 00000mmm | seq id" ("the first bit
                // allows the receiver to see whether the strict format or the old format is
                // used").
                let n = name_len(i64::from(first), 0, limits)?;
                let at = cur.pos;
                let name = name_str(cur.take(n)?, at)?;
                let at = cur.pos;
                let k = kind(cur.u8()?, at)?;
                let seqid = cur.be_i32()?;
                Ok(Header {
                    name,
                    kind: k,
                    seqid,
                })
            }
        }
        Protocol::Compact => {
            // "pppppppp|mmmvvvvv| seq id | name length | name", protocol id 0x82, version 1.
            let id = cur.u8()?;
            if id != super::COMPACT_PROTOCOL_ID {
                return Err(Error::BadProtocolId {
                    offset: 0,
                    found: id,
                }
                .into());
            }
            let b = cur.u8()?;
            if b & 0x1f != 1 {
                return Err(Error::BadVersion {
                    offset: 1,
                    found: u32::from(b & 0x1f),
                }
                .into());
            }
            let k = kind(b >> 5, 1)?;
            let seqid = cur.varint(32)? as u32 as i32;
            let at = cur.pos;
            let n = name_len(i64::from(cur.varint(32)? as u32 as i32), at, limits)?;
            let at = cur.pos;
            let name = name_str(cur.take(n)?, at)?;
            Ok(Header {
                name,
                kind: k,
                seqid,
            })
        }
    }
}

/// The common envelope read in a few comparisons: a strict binary header or a compact one with
/// one- or two-byte var ints, whole in `buf` and within the limits. `None` sends the caller to
/// [`read_header`], which reads every other form and says exactly what is wrong or missing.
#[inline]
fn fast_header<'a>(
    buf: &'a [u8],
    protocol: Protocol,
    limits: &Limits,
) -> Option<(Header<'a>, usize)> {
    let max = limits.max_string.min(limits.max_message_size);
    let (name_at, n, kind, seqid) = match protocol {
        Protocol::Binary => {
            let head = buf.first_chunk::<8>()?;
            // "1vvvvvvv|vvvvvvvv|unused|00000mmm", version 1.
            if head[..2] != [0x80, 0x01] {
                return None;
            }
            let kind = MessageType::from_u8(head[3])?;
            let n =
                usize::try_from(i32::from_be_bytes([head[4], head[5], head[6], head[7]])).ok()?;
            let seq = buf.get(8..)?.get(n..)?.first_chunk::<4>()?;
            (8, n, kind, i32::from_be_bytes(*seq))
        }
        Protocol::Compact => {
            let [id, b, ref rest @ ..] = *buf else {
                return None;
            };
            if id != super::COMPACT_PROTOCOL_ID || b & 0x1f != 1 {
                return None;
            }
            let kind = MessageType::from_u8(b >> 5)?;
            let (seqid, used) = short_varint(rest)?;
            let (n, used_n) = short_varint(rest.get(used..)?)?;
            (2 + used + used_n, n as usize, kind, seqid as i32)
        }
    };
    if n > max {
        return None;
    }
    let name = std::str::from_utf8(buf.get(name_at..)?.get(..n)?).ok()?;
    let end = match protocol {
        Protocol::Binary => name_at + n + 4,
        Protocol::Compact => name_at + n,
    };
    Some((Header { name, kind, seqid }, end))
}

/// A var int of one or two bytes at the start of `b`, and its length.
#[inline(always)]
fn short_varint(b: &[u8]) -> Option<(u32, usize)> {
    match *b {
        [x, ..] if x < 0x80 => Some((u32::from(x), 1)),
        [x, y, ..] if y < 0x80 => Some((u32::from(x & 0x7f) | (u32::from(y) << 7), 2)),
        _ => None,
    }
}

/// A decoded message, borrowing from the input: the envelope, and the body struct (arguments
/// of a call, the result struct of a reply, the `TApplicationException` of an exception).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Message<'a> {
    /// The method name.
    pub name: &'a str,
    /// Call, reply, exception or oneway.
    pub kind: MessageType,
    /// The sequence id a reply echoes.
    pub seqid: i32,
    /// The body, validated, read lazily.
    pub body: StructRef<'a>,
}

impl<'a> Message<'a> {
    /// Decodes the message at the front of `buf` (unframed): complete with the bytes used,
    /// need-more with a lower bound, or the first rule it breaks.
    pub fn decode_with(
        buf: &'a [u8],
        protocol: Protocol,
        limits: &Limits,
        profile: Profile,
    ) -> Result<Decoded<Message<'a>>, Error> {
        let fast_header = fast_header(buf, protocol, limits);
        // The fast read accepts exactly what `read_header` reads, with the same result.
        #[cfg(debug_assertions)]
        if let Some(fast) = fast_header {
            let mut cur = Cur::new(buf, 0);
            let slow = read_header(&mut cur, protocol, limits).ok();
            assert_eq!(Some(fast), slow.map(|h| (h, cur.pos)), "thrift fast header");
        }
        let (header, body_start) = match fast_header {
            Some(h) => h,
            None => {
                let mut cur = Cur::new(buf, 0);
                match read_header(&mut cur, protocol, limits) {
                    Ok(h) => (h, cur.pos),
                    Err(Stop::Short(missing)) => {
                        return Ok(Decoded::NeedMore {
                            at_least: missing.max(1),
                        })
                    }
                    Err(Stop::Bad(e)) => return Err(e),
                }
            }
        };
        // The whole message is usually here: one pass without bookkeeping says so; otherwise
        // the resumable scan gives the exact need-more or error.
        let fast = Fast::new(buf, limits, profile)
            .body(body_start, protocol)
            .filter(|&(end, _)| end <= limits.max_message_size);
        // The fast path accepts exactly what the resumable scan completes (checked on every
        // input the tests and fuzz targets feed, which build with debug assertions).
        #[cfg(debug_assertions)]
        {
            let slow = Scanner::for_struct(protocol, body_start).run(buf, limits, profile);
            let slow = match slow {
                Ok(Decoded::Complete { used, .. }) => Some(used),
                _ => None,
            };
            assert_eq!(
                fast.map(|(end, _)| end),
                slow,
                "thrift fast scan disagrees with the resumable scan"
            );
        }
        if let Some((end, hint)) = fast {
            return Ok(Decoded::Complete {
                value: Message {
                    name: header.name,
                    kind: header.kind,
                    seqid: header.seqid,
                    body: StructRef::with_hint(&buf[body_start..end], protocol, hint),
                },
                used: end,
            });
        }
        let mut scanner = Scanner::for_struct(protocol, body_start);
        Ok(scanner.run(buf, limits, profile)?.map(|end| Message {
            name: header.name,
            kind: header.kind,
            seqid: header.seqid,
            body: StructRef::new(&buf[body_start..end], protocol),
        }))
    }

    /// The `TApplicationException` an exception message carries (`None` for other types).
    pub fn application_exception(&self) -> Option<ApplicationException<'a>> {
        (self.kind == MessageType::Exception).then(|| ApplicationException::from_struct(self.body))
    }

    /// The protocol the message was read in.
    pub fn protocol(&self) -> Protocol {
        self.body.protocol()
    }

    /// An owned copy.
    pub fn into_owned(self) -> OwnedMessage {
        OwnedMessage {
            name: self.name.to_owned(),
            kind: self.kind,
            seqid: self.seqid,
            body: self.body.into_owned(),
        }
    }

    /// Encodes the message in `protocol` (which need not be the one it was read in).
    pub fn encode(&self, protocol: Protocol, dst: &mut impl bytes::BufMut) {
        let mut stage = [0; super::encode::STAGE];
        let mut o = Out::new(&mut stage, dst);
        let at = write_header(self.name, self.kind, self.seqid, protocol, &mut o);
        let at = super::encode::put_struct_ref(self.body, protocol, &mut o, at);
        o.finish(at);
    }

    /// The encoding in `protocol`.
    pub fn to_vec(&self, protocol: Protocol) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len(protocol));
        self.encode(protocol, &mut out);
        out
    }

    /// Bytes [`Message::encode`] writes.
    pub fn encoded_len(&self, protocol: Protocol) -> usize {
        header_len(self.name, self.seqid, protocol)
            + super::encode::struct_ref_len(self.body, protocol)
    }
}

/// A message that owns its data (to build and send, or to keep).
#[derive(Debug, Clone, PartialEq)]
pub struct OwnedMessage {
    /// The method name.
    pub name: String,
    /// Call, reply, exception or oneway.
    pub kind: MessageType,
    /// The sequence id.
    pub seqid: i32,
    /// The body.
    pub body: Struct,
}

impl OwnedMessage {
    /// A message of any type.
    pub fn new(name: impl Into<String>, kind: MessageType, seqid: i32, body: Struct) -> Self {
        OwnedMessage {
            name: name.into(),
            kind,
            seqid,
            body,
        }
    }

    /// A call with these arguments.
    pub fn call(name: impl Into<String>, seqid: i32, args: Struct) -> Self {
        OwnedMessage::new(name, MessageType::Call, seqid, args)
    }

    /// A reply whose result struct holds `success` as field 0.
    pub fn reply(name: impl Into<String>, seqid: i32, success: impl Into<Value>) -> Self {
        let body = Struct::new().with(0, success);
        OwnedMessage::new(name, MessageType::Reply, seqid, body)
    }

    /// An exception message carrying a `TApplicationException` (field 1 the message, field 2
    /// the type, as every Thrift library writes it).
    pub fn application_exception(
        name: impl Into<String>,
        seqid: i32,
        kind: ApplicationExceptionType,
        message: impl Into<String>,
    ) -> Self {
        let body = Struct::new().with(1, message.into()).with(2, kind.0);
        OwnedMessage::new(name, MessageType::Exception, seqid, body)
    }

    /// The borrowed-view twin's encoder, for this owned message.
    pub fn encode(&self, protocol: Protocol, dst: &mut impl bytes::BufMut) {
        let mut stage = [0; super::encode::STAGE];
        let mut o = Out::new(&mut stage, dst);
        let at = write_header(&self.name, self.kind, self.seqid, protocol, &mut o);
        let at = super::encode::put_struct(&self.body, protocol, &mut o, at);
        o.finish(at);
    }

    /// The encoding in `protocol`.
    pub fn to_vec(&self, protocol: Protocol) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len(protocol));
        self.encode(protocol, &mut out);
        out
    }

    /// The encoding in `protocol`, framed: a 4-byte big-endian length, then the message.
    pub fn to_framed_vec(&self, protocol: Protocol) -> Vec<u8> {
        let len = self.encoded_len(protocol);
        let mut out = Vec::with_capacity(4 + len);
        out.extend_from_slice(&(len as u32).to_be_bytes());
        self.encode(protocol, &mut out);
        out
    }

    /// Bytes [`OwnedMessage::encode`] writes.
    pub fn encoded_len(&self, protocol: Protocol) -> usize {
        header_len(&self.name, self.seqid, protocol)
            + super::encode::struct_len(&self.body, protocol)
    }

    /// The `TApplicationException` an exception message carries (`None` for other types).
    pub fn application_exception_ref(&self) -> Option<(Option<&str>, ApplicationExceptionType)> {
        if self.kind != MessageType::Exception {
            return None;
        }
        let msg = self.body.get(1).and_then(Value::as_str);
        let code = match self.body.get(2) {
            Some(Value::I32(n)) => *n,
            _ => 0,
        };
        Some((msg, ApplicationExceptionType(code)))
    }
}

/// The envelope, at the start of the stage; the position after it.
fn write_header<B: bytes::BufMut>(
    name: &str,
    kind: MessageType,
    seqid: i32,
    protocol: Protocol,
    o: &mut Out<'_, '_, B>,
) -> usize {
    match protocol {
        Protocol::Binary => {
            // Always the strict header: every current writer uses it.
            let at = o.array(0, (0x8001_0000 | kind as u32).to_be_bytes());
            let at = o.array(at, (name.len() as i32).to_be_bytes());
            let at = o.bytes(at, name.as_bytes());
            o.array(at, seqid.to_be_bytes())
        }
        Protocol::Compact => {
            let at = o.array(0, [super::COMPACT_PROTOCOL_ID, ((kind as u8) << 5) | 1]);
            let at = o.varint(at, u64::from(seqid as u32));
            let at = o.varint(at, name.len() as u64);
            o.bytes(at, name.as_bytes())
        }
    }
}

fn header_len(name: &str, seqid: i32, protocol: Protocol) -> usize {
    match protocol {
        Protocol::Binary => 12 + name.len(),
        Protocol::Compact => {
            2 + varint_len(u64::from(seqid as u32)) + varint_len(name.len() as u64) + name.len()
        }
    }
}

/// The type of a `TApplicationException` (the same numbers in every Thrift library): an open
/// newtype over the wire integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ApplicationExceptionType(pub i32);

const APPLICATION_TYPES: [&str; 11] = [
    "unknown",
    "unknown-method",
    "invalid-message-type",
    "wrong-method-name",
    "bad-sequence-id",
    "missing-result",
    "internal-error",
    "protocol-error",
    "invalid-transform",
    "invalid-protocol",
    "unsupported-client-type",
];

impl ApplicationExceptionType {
    /// `UNKNOWN`.
    pub const UNKNOWN: Self = Self(0);
    /// `UNKNOWN_METHOD`: the server has no such method.
    pub const UNKNOWN_METHOD: Self = Self(1);
    /// `INVALID_MESSAGE_TYPE`.
    pub const INVALID_MESSAGE_TYPE: Self = Self(2);
    /// `WRONG_METHOD_NAME`.
    pub const WRONG_METHOD_NAME: Self = Self(3);
    /// `BAD_SEQUENCE_ID`.
    pub const BAD_SEQUENCE_ID: Self = Self(4);
    /// `MISSING_RESULT`.
    pub const MISSING_RESULT: Self = Self(5);
    /// `INTERNAL_ERROR`.
    pub const INTERNAL_ERROR: Self = Self(6);
    /// `PROTOCOL_ERROR`.
    pub const PROTOCOL_ERROR: Self = Self(7);
    /// `INVALID_TRANSFORM`.
    pub const INVALID_TRANSFORM: Self = Self(8);
    /// `INVALID_PROTOCOL`.
    pub const INVALID_PROTOCOL: Self = Self(9);
    /// `UNSUPPORTED_CLIENT_TYPE`.
    pub const UNSUPPORTED_CLIENT_TYPE: Self = Self(10);

    /// The kebab-case name of a type the libraries define.
    pub fn name(self) -> Option<&'static str> {
        usize::try_from(self.0)
            .ok()
            .and_then(|i| APPLICATION_TYPES.get(i).copied())
    }

    /// The type named `name` ([`ApplicationExceptionType::name`]).
    pub fn from_name(name: &str) -> Option<Self> {
        APPLICATION_TYPES
            .iter()
            .position(|n| *n == name)
            .map(|i| Self(i as i32))
    }
}

impl std::fmt::Display for ApplicationExceptionType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{} ({name})", self.0),
            None => write!(f, "{}", self.0),
        }
    }
}

impl From<i32> for ApplicationExceptionType {
    fn from(code: i32) -> Self {
        Self(code)
    }
}

impl From<ApplicationExceptionType> for i32 {
    fn from(code: ApplicationExceptionType) -> i32 {
        code.0
    }
}

impl PartialEq<i32> for ApplicationExceptionType {
    fn eq(&self, other: &i32) -> bool {
        self.0 == *other
    }
}

/// A `TApplicationException`: `struct { 1: string message, 2: i32 type }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationException<'a> {
    /// The message text, if present (lossily UTF-8: borrowed when it is valid).
    pub message: Option<Cow<'a, str>>,
    /// The type (`UNKNOWN` when the field is absent).
    pub kind: ApplicationExceptionType,
}

impl<'a> ApplicationException<'a> {
    /// Reads the two fields from a struct (others are ignored, as Thrift libraries do).
    pub fn from_struct(s: StructRef<'a>) -> Self {
        let mut message = None;
        let mut kind = ApplicationExceptionType::UNKNOWN;
        for (id, v) in s.iter() {
            match (id, v) {
                (1, ValueRef::Binary(b)) => message = Some(String::from_utf8_lossy(b)),
                (2, ValueRef::I32(n)) => kind = ApplicationExceptionType(n),
                _ => {}
            }
        }
        ApplicationException { message, kind }
    }
}
