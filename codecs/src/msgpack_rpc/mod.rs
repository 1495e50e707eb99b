//! # MessagePack-RPC
//!
//! A zero-copy codec for [MessagePack](https://github.com/msgpack/msgpack/blob/master/spec.md)
//! values and the [MessagePack-RPC](https://github.com/msgpack-rpc/msgpack-rpc/blob/master/spec.md)
//! messages built from them, with a Neovim profile.
//!
//! Design:
//! - **Validate once, walk for free.** [`scan`] walks one value iteratively (no recursion, so
//!   no input can overflow the stack), checks every limit and every rule of the profile, and
//!   returns how many bytes it spans — or [`Decoded::NeedMore`] with a safe lower bound. The
//!   views built on top ([`ValueRef`], [`ArrayRef`], [`MapRef`], [`Message`]) then read the
//!   validated bytes lazily: walking them never fails and never allocates.
//! - **Never trust a declared count.** A header declaring 2^32 elements in 5 bytes is checked
//!   against [`Limits`] and the remaining input (every element takes at least one byte); nothing
//!   is ever preallocated from a declared length.
//! - **Smallest form out.** Non-minimal encodings are accepted on decode; the encoders write the
//!   smallest form of every value (so `encode(decode(x)) == x` exactly when `x` is minimal).
//! - **Record what later work needs.** The scan also notes whether every header was in its
//!   smallest form; the views carry that bit, so encoding a view over such bytes (the usual
//!   case: every mainstream encoder writes smallest forms) is one copy, and its
//!   `encoded_len` is O(1). A view over a message's last element (params, result) or over a
//!   whole decoded value knows its end without stepping over it.
//! - Headers are read by one match on the marker byte (the spec's table; the writers name the
//!   same bytes with `rmp`'s low-level [`rmp::Marker`]); reading and writing are
//!   bounds-checked slices and [`bytes::BufMut`]. UTF-8 is checked with `simdutf8`.
//!
//! ```
//! use msgwire::msgpack_rpc::{from_value, Limits, Message, OwnedMessage, Profile, Splitter, Value};
//!
//! // A client writes a request...
//! let wire = OwnedMessage::request(7, "add", vec![Value::from(1), Value::from("two")]).to_vec();
//!
//! // ...a server splits the stream into messages, however it arrives, and reads them in place.
//! let mut stream = Splitter::new(Limits::default(), Profile::Strict);
//! for piece in wire.chunks(3) {
//!     stream.push(piece);
//! }
//! let frame = stream.next_frame()?.expect("a whole message");
//! let msg = Message::from_slice(&frame)?;
//! let Message::Request { msgid, method, params } = msg else { unreachable!() };
//! assert_eq!((msgid, method.as_str()), (7, Some("add")));
//! let (a, b): (i64, &str) = from_value(params.into())?; // typed, borrowing "two"
//! assert_eq!((a, b), (1, "two"));
//!
//! // ...and answers.
//! let reply = OwnedMessage::result(msgid, Value::from(3)).to_vec();
//! assert_eq!(reply, [0x94, 0x01, 0x07, 0xc0, 0x03]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod de;
mod error;
mod message;
pub mod neovim;
mod scan;
mod ser;
mod stream;
mod typed;
mod value;

pub use de::{from_value, DeError};
pub use error::Error;
pub use message::{Message, Method, OwnedMessage};
pub use scan::scan;
pub use ser::{to_value, SerError};
pub use stream::Splitter;
#[cfg(feature = "tokio")]
pub use stream::{CodecError, MessageCodec};
pub use typed::{Call, TypedError};
pub use value::{
    ArrayIter, ArrayRef, Event, Int, MapIter, MapRef, Str, Timestamp, Value, ValueRef, Walk,
};

#[cfg(doc)]
use crate::Decoded;

/// Decoder limits, checked before any byte is sliced or buffered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest message (or top-level value) in bytes. Default 64 MiB: a stream decoder buffers a
    /// whole message before handing it out, so this caps the memory a peer can make us hold;
    /// 64 MiB still carries a large Neovim buffer in one `nvim_buf_get_lines` reply.
    pub max_message_size: usize,
    /// Deepest nesting of arrays and maps (a top-level array is depth 1). Default 128, as in
    /// serde_json: consumers (serde, `into_owned`, user code) recurse once per level. Values
    /// above [`Limits::HARD_MAX_DEPTH`] are treated as that ceiling.
    pub max_depth: usize,
    /// Largest declared element count of one array or map (pairs, for a map). Default 2^24:
    /// every element takes at least one byte, so `max_message_size` already bounds it; this
    /// separate cap lets a server refuse huge collections before iterating them.
    pub max_elements: u32,
}

impl Limits {
    /// The ceiling on nesting depth: the scanner keeps one counter per level on the stack.
    pub const HARD_MAX_DEPTH: usize = 256;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_size: 64 << 20,
            max_depth: 128,
            max_elements: 1 << 24,
        }
    }
}

/// Which deviations from the specs the decoder tolerates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Profile {
    /// The specs as written: str must be UTF-8, timestamps well-formed, method a str, a
    /// response may not carry both an error and a result.
    #[default]
    Strict,
    /// What deployed peers send: str with invalid UTF-8 keeps its raw bytes, a malformed
    /// timestamp (ext -1) stays a plain ext, method may be a bin, a response may carry both.
    Lenient,
    /// [`Profile::Lenient`] (Vim strings are byte strings, so Neovim sends invalid UTF-8 as
    /// str), plus typed Buffer/Window/Tabpage handles: see [`neovim`].
    Neovim,
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
}

impl Decoder {
    /// Decodes the message at the front of `buf`: complete (with the bytes used), need-more
    /// (a safe lower bound), or the first rule it breaks ([`Message::decode_with`]).
    pub fn decode<'a>(&self, buf: &'a [u8]) -> Result<crate::Decoded<Message<'a>>, Error> {
        Message::decode_with(buf, &self.limits, self.profile)
    }

    /// Decodes one whole message: `input` must hold exactly one ([`Message::from_slice_with`]).
    pub fn decode_whole<'a>(&self, input: &'a [u8]) -> Result<Message<'a>, Error> {
        Message::from_slice_with(input, &self.limits, self.profile)
    }
}

/// Decodes one whole message with default limits and the strict profile.
pub fn decode(input: &[u8]) -> Result<Message<'_>, Error> {
    Decoder::default().decode_whole(input)
}

#[cfg(test)]
mod tests;
