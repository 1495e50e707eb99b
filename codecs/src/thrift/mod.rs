//! # Apache Thrift
//!
//! A zero-copy, schema-less codec for [Apache Thrift](https://thrift.apache.org/) messages in
//! the binary protocol (strict header, and the old non-strict header it still reads) and the
//! compact protocol, unframed or framed (a 4-byte big-endian length before each message); and
//! TJSONProtocol ([`json`]), read into and written from the owned model. With serde, a struct's
//! fields decode straight into a caller's type ([`from_struct`]: field ids matched by rename or
//! by position).
//!
//! Design:
//! - **Validate once, walk for free.** A message already whole in the buffer is validated in one
//!   pass without bookkeeping (recursive, but never deeper than the depth limit, at most
//!   [`Limits::HARD_MAX_DEPTH`] levels); otherwise the resumable scan walks it iteratively (one
//!   small record per open struct or container, no recursion). Either checks every limit and
//!   rule and finds where the message ends — or the scan returns [`Decoded::NeedMore`] with a
//!   safe lower bound, or the first rule broken. The views
//!   ([`Message`], [`StructRef`], [`ListRef`], [`MapRef`], [`ValueRef`]) then read the validated
//!   bytes lazily: walking them never fails and never allocates. The body's view keeps where
//!   the pass found its first compound fields end, so reading them does not walk them again.
//!   A reader that takes every value uses a [`Visit`]or instead: one pass over the validated
//!   bytes, one callback per value, strings borrowed, no view built per value.
//! - **Never trust a declared length.** A string length, element count or frame length is
//!   checked against [`Limits`] and against the fewest bytes the declared elements can take
//!   before anything is sliced, buffered or waited for.
//! - **Schema-less.** Without the IDL the wire gives each value's type but not its name:
//!   structs are field id → typed value in wire order, `string` and `binary` are both
//!   [`ValueRef::Binary`].
//!
//! ```
//! use msgwire::thrift::{Decoder, Framing, MessageType, OwnedMessage, Protocol, Struct, ValueRef};
//!
//! // A client writes a framed compact call...
//! let args = Struct::new().with(1, 2i32).with(2, "two");
//! let wire = OwnedMessage::call("add", 7, args).to_framed_vec(Protocol::Compact);
//!
//! // ...a server reads it in place, however much of the stream has arrived.
//! let decoder = Decoder { protocol: Protocol::Compact, framing: Framing::Framed, ..Decoder::default() };
//! assert!(decoder.decode(&wire[..5])?.is_need_more());
//! let (msg, used) = decoder.decode(&wire)?.complete().expect("whole");
//! assert_eq!((msg.name, msg.kind, msg.seqid, used), ("add", MessageType::Call, 7, wire.len()));
//! assert_eq!(msg.body.get(2).and_then(|v| v.as_str()), Some("two")); // borrowed
//! assert_eq!(msg.body.get(1), Some(ValueRef::I32(2)));
//! # Ok::<(), msgwire::thrift::Error>(())
//! ```

mod de;
mod encode;
mod error;
pub mod header;
pub mod json;
mod message;
mod scan;
mod stream;
mod value;
mod visit;
mod wire;

pub use de::{from_struct, from_value, DeError};
pub use error::{Error, ProtocolErrorCode};
pub use header::{HeaderFrame, InfoHeaders, OwnedHeaderFrame};
pub use message::{
    ApplicationException, ApplicationExceptionType, Message, MessageType, OwnedMessage,
};
pub use stream::Splitter;
#[cfg(feature = "tokio")]
pub use stream::{CodecError, MessageCodec};
pub use value::{
    ElemIter, EntryIter, FieldIter, List, ListRef, Map, MapRef, Struct, StructRef, TypeMismatch,
    Value, ValueRef,
};
pub use visit::Visit;
pub use wire::TType;

use crate::Decoded;

/// The compact protocol's first byte ("`pppppppp` is the protocol id, fixed to `1000 0010`").
pub const COMPACT_PROTOCOL_ID: u8 = 0x82;

/// A Thrift wire protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Protocol {
    /// TBinaryProtocol.
    #[default]
    Binary,
    /// TCompactProtocol.
    Compact,
}

impl Protocol {
    /// The protocol a message starting with `first` is in: compact if it is 0x82, else binary
    /// (a strict binary header starts with 0x80, an old one with a name length's high byte).
    pub fn detect(first: u8) -> Protocol {
        if first == COMPACT_PROTOCOL_ID {
            Protocol::Compact
        } else {
            Protocol::Binary
        }
    }
}

/// How messages are delimited on the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Framing {
    /// Messages back to back: only the encoding says where one ends (TSocket / TBufferedTransport).
    #[default]
    Unframed,
    /// Each message after a 4-byte big-endian length (TFramedTransport).
    Framed,
    /// Each message in a THeader frame ([`header`]: THeaderTransport): a 4-byte length, the
    /// header naming the protocol (the decoder's `protocol` is not used), then the message.
    Header,
}

/// Decoder limits, checked before any byte is sliced, buffered or waited for. The defaults are
/// Apache Thrift's own (`TConfiguration`: 100 MiB messages, 16384000-byte frames, depth 64).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest message in bytes.
    pub max_message_size: usize,
    /// Largest frame length (framed transport).
    pub max_frame_size: usize,
    /// Deepest nesting of structs and containers (the message body is depth 1). Values above
    /// [`Limits::HARD_MAX_DEPTH`] are treated as that ceiling: `into_owned`, `Debug` and the
    /// encoders recurse once per level.
    pub max_depth: usize,
    /// Largest declared element count of one list, set or map (pairs, for a map).
    pub max_container: u32,
    /// Longest string or binary (and method name).
    pub max_string: usize,
}

impl Limits {
    /// The ceiling on nesting depth.
    pub const HARD_MAX_DEPTH: usize = 256;

    pub(crate) fn depth(&self) -> usize {
        self.max_depth.min(Limits::HARD_MAX_DEPTH)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_size: 100 << 20,
            max_frame_size: 16_384_000,
            max_depth: 64,
            max_container: i32::MAX as u32,
            max_string: 100 << 20,
        }
    }
}

/// Which deviations the decoder tolerates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Profile {
    /// The specs as written: a binary bool is 0 or 1, a compact bool element 0, 1 or 2 (the
    /// spec's 0 and the reference implementations' 2 for false).
    #[default]
    Strict,
    /// What the reference implementations read: any bool byte (binary: non-zero is true;
    /// compact: 1 is true).
    Lenient,
}

impl Profile {
    /// Whether rules of the strict profile are enforced.
    pub fn is_strict(self) -> bool {
        self == Profile::Strict
    }
}

/// A configured decoder: the message at the front of a stream ([`decode`](Decoder::decode)),
/// or one whole input ([`decode_whole`](Decoder::decode_whole)).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Decoder {
    /// Limits enforced while decoding.
    pub limits: Limits,
    /// Which deviations are tolerated.
    pub profile: Profile,
    /// The wire protocol.
    pub protocol: Protocol,
    /// The transport's framing.
    pub framing: Framing,
}

impl Decoder {
    /// A decoder for this protocol and framing, with default limits and the strict profile.
    pub fn new(protocol: Protocol, framing: Framing) -> Self {
        Decoder {
            protocol,
            framing,
            ..Decoder::default()
        }
    }

    /// Decodes the message at the front of `buf`: complete (with the bytes used, the frame
    /// length included), need-more (a safe lower bound), or the first rule it breaks.
    pub fn decode<'a>(&self, buf: &'a [u8]) -> Result<Decoded<Message<'a>>, Error> {
        match self.framing {
            Framing::Unframed => {
                Message::decode_with(buf, self.protocol, &self.limits, self.profile)
            }
            Framing::Framed => {
                let Some(len) = buf.get(..4) else {
                    return Ok(Decoded::NeedMore {
                        at_least: 4 - buf.len(),
                    });
                };
                let len = i32::from_be_bytes([len[0], len[1], len[2], len[3]]);
                // Checked before a byte of the payload is waited for.
                let limit = self.limits.max_frame_size.min(self.limits.max_message_size);
                if len < 0 || len as usize > limit {
                    return Err(Error::FrameSize {
                        offset: 0,
                        length: i64::from(len),
                        limit,
                    });
                }
                let end = 4 + len as usize;
                let Some(payload) = buf.get(4..end) else {
                    return Ok(Decoded::NeedMore {
                        at_least: end - buf.len(),
                    });
                };
                let decoded =
                    Message::decode_with(payload, self.protocol, &self.limits, self.profile)
                        .map_err(|e| e.shifted(4))?;
                let msg = exactly_one(payload.len(), decoded).map_err(|e| e.shifted(4))?;
                Ok(Decoded::Complete {
                    value: msg,
                    used: end,
                })
            }
            Framing::Header => Ok(HeaderFrame::decode_with(buf, &self.limits, self.profile)?
                .map(|frame| frame.message)),
        }
    }

    /// Decodes one whole message: `input` must hold exactly one (and, framed, exactly one frame).
    pub fn decode_whole<'a>(&self, input: &'a [u8]) -> Result<Message<'a>, Error> {
        exactly_one(input.len(), self.decode(input)?)
    }
}

/// Decodes one whole unframed message with default limits and the strict profile, in the
/// protocol its first byte names ([`Protocol::detect`]).
pub fn decode(input: &[u8]) -> Result<Message<'_>, Error> {
    let protocol = Protocol::detect(input.first().copied().unwrap_or(0));
    Decoder::new(protocol, Framing::Unframed).decode_whole(input)
}

/// Finds where the one unframed message at the start of `buf` ends, validating it without
/// building anything: `Complete` with its length, `NeedMore` with a lower bound, or the first
/// rule it breaks. Time linear in the bytes looked at; no allocation below 24 levels of nesting.
pub fn scan(
    buf: &[u8],
    protocol: Protocol,
    limits: &Limits,
    profile: Profile,
) -> Result<Decoded<usize>, Error> {
    Ok(
        match Message::decode_with(buf, protocol, limits, profile)? {
            Decoded::Complete { used, .. } => Decoded::Complete { value: used, used },
            Decoded::NeedMore { at_least } => Decoded::NeedMore { at_least },
        },
    )
}

/// The value of a decode that had to take the whole input of `len` bytes.
fn exactly_one<T>(len: usize, decoded: Decoded<T>) -> Result<T, Error> {
    match decoded {
        Decoded::Complete { value, used } if used == len => Ok(value),
        Decoded::Complete { used, .. } => Err(Error::TrailingBytes {
            offset: used,
            count: len - used,
        }),
        Decoded::NeedMore { at_least } => Err(Error::Truncated {
            offset: len,
            missing: at_least,
        }),
    }
}

#[cfg(test)]
mod tests;
