//! # XML-RPC
//!
//! Decoding and encoding of XML-RPC documents (<http://xmlrpc.com/spec.md>): `methodCall`,
//! `methodResponse` with params, and faults. Documents arrive whole (an HTTP body), so
//! [`decode()`] takes the whole document and returns the message or an error; there is no
//! need-more outcome.
//!
//! - **Zero-copy**: strings, member names, method names, dateTime and base64 text borrow from
//!   the input unless the document spelled them with references, CDATA or comments
//!   (`Cow<'a, str>`). base64 is validated without allocating and decoded on demand.
//! - **Lossless**: every wire distinction is kept (`int`/`i4`, `string`/untyped, member order
//!   and duplicates), so a document in [`Layout::Compact`] or [`Layout::Pretty`] re-encodes to
//!   the same bytes.
//! - **Safe on hostile input**: no DOCTYPE (so no entity expansion, no external entities),
//!   size and depth [`Limits`], linear time, no panics.
//! - **Profiles**: [`Profile::Strict`] (default), [`Profile::ApacheExtensions`],
//!   [`Profile::Lenient`] (what Python's `xmlrpc.client` accepts); see `docs/xmlrpc.md`.
//!
//! ```
//! use msgwire::xmlrpc::{self, Message, MethodCall, Value};
//! let call = Message::Call(MethodCall::new("add", vec![Value::Int(2), Value::I4(3)]));
//! let bytes = call.to_vec();
//! assert_eq!(xmlrpc::decode(&bytes).unwrap(), call);
//! ```

mod datetime;
mod decode;
mod encode;
mod error;
mod profile;
mod scan;
mod stream;
mod transcode;
mod value;

pub use datetime::DateTimeParts;
pub use decode::{decode, decode_general, decode_with, Decoder};
pub use encode::Layout;
pub use error::{Error, FaultCode};
pub use profile::{Limits, Profile};
pub use stream::Splitter;
pub use transcode::to_utf8;
pub use value::{Base64, DateTime, Fault, Member, Message, MethodCall, MethodResponse, Value};

#[cfg(test)]
mod tests;
