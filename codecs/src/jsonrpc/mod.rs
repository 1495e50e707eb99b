//! # JSON-RPC 2.0
//!
//! A strict, zero-copy codec for [JSON-RPC 2.0](https://www.jsonrpc.org/specification) on
//! serde_json, plus the answer a server owes for any input and the framings JSON-RPC travels in.
//!
//! - [`decode`] turns one JSON text into a [`Payload`]: one [`Message`] or a [`Batch`]. Method
//!   names and string ids borrow from the input when they hold no escapes; `params`, `result`
//!   and `error.data` stay [`Raw`] slices of validated JSON text until you ask for a type
//!   (`params_as::<T>()`). Ids keep their exact text (`1.0`, `18446744073709551616`). One pass
//!   of a purpose-built scanner reads the text, batch items included, and enforces the limits.
//! - [`serve`] is the server side of the spec as a pure function: parse errors, invalid requests,
//!   empty and broken batches, notifications, each answered as §5–§6 require; [`Correlator`] is
//!   the client's mirror (match responses to outstanding ids).
//! - [`framing`] finds message boundaries in newline-delimited streams and in LSP-style
//!   `Content-Length:` framing (with tokio-util codecs behind the `tokio` feature).
//!
//! ## What the spec leaves open, decided
//! | point | `Strict` (default) | `Lenient` |
//! |---|---|---|
//! | members the spec does not define | `-32600` `extra-member` | ignored |
//! | duplicate member names (RFC 8259 §4: "SHOULD be unique") | `-32600` `duplicate-member` | last one wins, like `JSON.parse` |
//! | fractional / exponent ids (§4: "SHOULD NOT contain fractional parts") | `-32600` `fractional-id` | accepted, echoed verbatim |
//! | `params: null` (§4.2: "MUST be provided as a Structured value") | `-32600` `params-null` | accepted as given |
//! | `rpc.`-prefixed methods (§4: reserved for extensions) | accepted, see [`Request::is_reserved_method`] | same |
//! | `id: null` in a request (§4: "discouraged") | accepted: a request, not a notification | same |
//! | id in the reply to an invalid request whose `id` member was readable | `null` (§5: "e.g. Parse error/Invalid Request") | same |
//!
//! ## A server loop
//! Read a frame, ask [`serve`] what the spec requires, dispatch, write the reply (if any):
//! ```
//! use msgwire::jsonrpc::{self, framing, ErrorObject, Limits, Outcome, Raw, Request};
//! use msgwire::Decoded;
//!
//! fn dispatch(req: &Request<'_>) -> Outcome<'static> {
//!     match &*req.method {
//!         "subtract" => match req.params_as::<(i64, i64)>() {
//!             Ok((a, b)) => Outcome::Result(Raw::from(serde_json::value::to_raw_value(&(a - b)).unwrap())),
//!             Err(_) => Outcome::Error(ErrorObject::new(jsonrpc::ErrorCode::INVALID_PARAMS, "Invalid params")),
//!         },
//!         _ => Outcome::Error(ErrorObject::new(jsonrpc::ErrorCode::METHOD_NOT_FOUND, "Method not found")),
//!     }
//! }
//!
//! // Bytes as they arrived from a pipe or socket, in LSP-style framing.
//! let mut inbox = Vec::new();
//! framing::encode_content_length(br#"{"jsonrpc":"2.0","method":"subtract","params":[42,23],"id":1}"#, &mut inbox);
//! framing::encode_content_length(br#"[{"jsonrpc":"2.0","method":"log"},{"jsonrpc":"2.0","method":"x","id":2}]"#, &mut inbox);
//! framing::encode_content_length(b"[]", &mut inbox);
//! let mut outbox = Vec::new();
//! loop {
//!     match framing::decode_content_length(&inbox, &Limits::default()) {
//!         Ok(Decoded::Complete { value, used }) => {
//!             // Parse errors, invalid requests, batches and notifications, as the spec says.
//!             if let Some(reply) = jsonrpc::serve(value).respond(dispatch) {
//!                 framing::encode_content_length(&reply, &mut outbox);
//!             }
//!             inbox.drain(..used);
//!         }
//!         Ok(Decoded::NeedMore { .. }) => break, // read more bytes, then go round again
//!         Err(e) => panic!("cannot frame the stream, close it: {e}"),
//!     }
//! }
//! let mut replies = Vec::new();
//! let mut rest = &outbox[..];
//! while let Ok(Decoded::Complete { value, used }) = framing::decode_content_length(rest, &Limits::default()) {
//!     replies.push(std::str::from_utf8(value).unwrap());
//!     rest = &rest[used..];
//! }
//! assert_eq!(replies, [
//!     r#"{"jsonrpc":"2.0","result":19,"id":1}"#,
//!     r#"[{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":2}]"#,
//!     r#"{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request"},"id":null}"#,
//! ]);
//! ```
//!
//! Whatever the profile, `jsonrpc` must be exactly `"2.0"`, `method` a string, `params` (when
//! present) an array or object, a response has exactly one of `result`/`error` and an id, and an
//! error object has an integer `code` and a string `message`.

mod batch;
mod error;
pub mod framing;
mod id;
mod message;
mod scan;
mod text;

use crate::Decoded;
pub use batch::{
    error_reply, serve, BatchPlan, Correlator, Incoming, Item, ReplyBuilder, Resolution,
};
pub use error::{Error, ErrorCode, Problem};
pub use id::{Id, IdKind};
pub use message::{Batch, ErrorObject, Message, Outcome, Payload, Raw, Request, Response};

/// Which of the spec's open points are enforced (see the module table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Profile {
    /// Everything the spec says SHOULD (NOT) is enforced; extra and duplicate members rejected.
    #[default]
    Strict,
    /// What deployed peers accept: extra members ignored, duplicates last-wins, fractional ids
    /// and `params: null` accepted.
    Lenient,
}

/// Size limits, checked before the work they bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest JSON text (and largest frame body) accepted, in bytes. Default 16 MiB: framing
    /// buffers a whole message before decoding it, so this bounds the memory one peer can
    /// make us hold; LSP payloads (whole documents) stay well below it.
    pub max_message: usize,
    /// Deepest nesting of arrays/objects, counting the message object itself. Default 128:
    /// serde_json's own recursion limit for typed values, so that anything accepted here can
    /// also be turned into a `serde_json::Value` by `params_as`.
    pub max_depth: usize,
    /// Most items in one batch. Default 4096: each item costs a list slot now and a reply
    /// later; the spec sets no bound and real clients batch tens of calls.
    pub max_batch: usize,
    /// Longest `Content-Length` header section, in bytes. Default 4096: LSP sends two short
    /// headers; this bounds the scan for the blank line.
    pub max_header: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message: 16 << 20,
            max_depth: 128,
            max_batch: 4096,
            max_header: 4096,
        }
    }
}

/// A configured decoder.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Decoder {
    /// Limits enforced while decoding.
    pub limits: Limits,
    /// Profile applied to each message.
    pub profile: Profile,
}

impl Decoder {
    /// A decoder with `profile` and default limits.
    pub fn new(profile: Profile) -> Self {
        Decoder {
            limits: Limits::default(),
            profile,
        }
    }

    /// Decodes the JSON text (one message or a batch) at the front of `buf`: complete (with
    /// the bytes used, whitespace after the text included), need-more, or an error. Texts may
    /// follow each other directly or on separate lines, so an NDJSON stream is read by calling
    /// this in a loop; a top-level scalar needs a delimiter after it to be complete. For
    /// `Content-Length` framing, take the body with [`framing::decode_content_length`] first.
    pub fn decode<'a>(&self, buf: &'a [u8]) -> Result<Decoded<Payload<'a>>, Error> {
        let Some(end) = text::value_end(buf) else {
            if buf.len() > self.limits.max_message {
                return Err(Error::TooLarge {
                    len: buf.len(),
                    limit: self.limits.max_message,
                });
            }
            return Ok(Decoded::NeedMore { at_least: 1 });
        };
        let value = message::decode_payload(&buf[..end], &self.limits, self.profile)?;
        let used = end + buf[end..].iter().take_while(|b| text::is_ws(**b)).count();
        Ok(Decoded::Complete { value, used })
    }

    /// Decodes one whole JSON text (one message or a batch). Leading and trailing JSON
    /// whitespace is allowed; anything else after the value is a parse error.
    pub fn decode_whole<'a>(&self, input: &'a [u8]) -> Result<Payload<'a>, Error> {
        message::decode_payload(input, &self.limits, self.profile)
    }

    /// What a conforming server must do with `input` (see [`serve`]).
    pub fn serve<'a>(&self, input: &'a [u8]) -> Incoming<'a> {
        batch::serve_with(self, input)
    }
}

/// Decodes one whole JSON text with the strict profile and default limits (see
/// [`Decoder::decode_whole`]).
pub fn decode(input: &[u8]) -> Result<Payload<'_>, Error> {
    Decoder::default().decode_whole(input)
}

#[cfg(test)]
mod tests;
