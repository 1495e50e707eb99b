//! # AMQP 0-9-1, as RabbitMQ speaks it
//!
//! A pure codec: bytes in, borrowed frames out; frames in, bytes out. No I/O.
//!
//! - [`Decoder::decode`] reads one frame (or the protocol header) from the front of a
//!   buffer: [`Decoded::Complete`](crate::Decoded) with the bytes used,
//!   [`Decoded::NeedMore`](crate::Decoded) with a lower bound, or an [`Error`] carrying the
//!   reply code a broker would close the connection with ([`Error::code`]).
//! - [`Frame`] borrows from the input: strings are [`ShortStr`]/[`LongStr`] views that keep
//!   non-UTF-8 bytes exactly, field tables are validated once and then walked lazily
//!   ([`FieldTable::iter`]), body payloads are slices (or shared [`bytes::Bytes`] with
//!   [`Decoder::decode_shared`]). Every borrowed type has `into_owned()`.
//! - A content header's [`Properties`] keep the property flags and list as received (checked
//!   at decode); each property is read when asked ([`Properties::headers`]). They are built
//!   from a [`BasicProperties`], one `Option` field per property.
//! - Every method of 0-9-1 and RabbitMQ's extensions comes from one declarative table
//!   (`spec.rs`) through one macro (`methods.rs`): the structs, [`Method`], [`MethodId`]
//!   constants, [`METHODS`], encode, decode and generic field access.
//! - [`Assembler`] turns method + header + body frames into whole messages per channel and
//!   reports the content-sequence errors a broker reports.
//! - With the `tokio` feature, `codec::AmqpCodec` is a tokio-util `Decoder`/`Encoder`.
//!
//! ```
//! use msgwire::amqp::{self, BasicProperties, BasicPublish, ContentHeader, Frame, Payload, ShortStr};
//! use msgwire::Decoded;
//!
//! // Encode a publish: method, header, body.
//! let frames = [
//!     Frame::method(1, BasicPublish {
//!         routing_key: ShortStr::try_from("jobs").unwrap(),
//!         ..Default::default()
//!     }),
//!     Frame::Header {
//!         channel: 1,
//!         header: ContentHeader::new(5, BasicProperties {
//!             content_type: Some(ShortStr::try_from("text/plain").unwrap()),
//!             delivery_mode: Some(2),
//!             ..Default::default()
//!         }),
//!     },
//!     Frame::Body { channel: 1, payload: Payload::Borrowed(b"hello") },
//! ];
//! let mut wire = Vec::new();
//! for f in &frames {
//!     f.encode(&mut wire);
//! }
//!
//! // Decode the stream, one frame at a time, as bytes arrive.
//! let decoder = amqp::Decoder::default();
//! let mut pos = 0;
//! let mut decoded = Vec::new();
//! while pos < wire.len() {
//!     match decoder.decode(&wire[pos..]).unwrap() {
//!         Decoded::Complete { value, used } => { decoded.push(value); pos += used; }
//!         Decoded::NeedMore { at_least } => unreachable!("read {at_least} more bytes"),
//!     }
//! }
//! assert_eq!(decoded, frames);
//! ```

#[macro_use]
mod methods;
mod assemble;
#[cfg(feature = "tokio")]
pub mod codec;
mod error;
pub(crate) mod field;
mod frame;
mod head;
mod properties;
mod spec;
mod table;

pub use assemble::{Assembled, Assembler, Message};
pub use error::{Error, ErrorKind, ReplyCode};
pub use field::{Domain, FieldRef, FieldVal, LongStr, ShortStr, TooLong};
pub use frame::{decode, Decoder, Frame, Frames, Payload};
pub use head::{
    FrameType, ProtocolHeader, ProtocolVersion, FRAME_END, FRAME_HEAD_LEN, FRAME_OVERHEAD,
    PROTOCOL_MAGIC,
};
pub use methods::{FieldsError, MethodId, MethodInfo};
pub use properties::{BasicProperties, ContentHeader, Properties};
pub use spec::*;
pub use table::{ArrayIter, Decimal, FieldArray, FieldTable, FieldValue, TableBuilder, TableIter};

/// Limits enforced before anything is buffered or walked. Every default says why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest frame accepted, framing included (0 = no limit, as the spec allows after
    /// tune; do not use it on untrusted input). Default 131 072: RabbitMQ's default
    /// `frame_max`, so a frame it would accept is accepted; set it to the negotiated value
    /// after connection.tune-ok.
    pub frame_max: u32,
    /// Deepest nesting of field tables and arrays. Default 64: table validation recurses once
    /// per level, and real headers nest a few levels (RabbitMQ's `x-death` is a table in an
    /// array in a table); 64 bounds the stack while leaving room.
    pub table_depth: usize,
    /// Largest declared body size the [`Assembler`] accepts. Default 128 MiB: RabbitMQ 3.x's
    /// default `max_message_size` (4.x lowered it to 16 MiB).
    pub max_body_size: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            frame_max: 131_072,
            table_depth: 64,
            max_body_size: 128 << 20,
        }
    }
}

/// How strictly to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Profile {
    /// Everything [`RabbitMq`](Profile::RabbitMq) rejects, and also input that could not be
    /// re-encoded byte for byte: set bits in the unused high part of a packed bit octet.
    #[default]
    Strict,
    /// What RabbitMQ accepts (it ignores unused bits of a bit octet).
    RabbitMq,
}
