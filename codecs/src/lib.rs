//! # msgwire: pure, zero-copy codecs for five message protocols
//!
//! `msgwire` encodes and decodes AMQP 0-9-1 frames (as RabbitMQ speaks them), JSON-RPC 2.0,
//! XML-RPC, MessagePack-RPC and Apache Thrift. It does no I/O and needs no async runtime: you
//! hand it bytes, it hands back borrowed views of them, and you decide where the bytes come from.
//!
//! ## One vocabulary
//! Every codec follows the same shape, so that one learned is five learned (the full list:
//! docs/api.md, "API conventions", in the repository):
//! - **Three outcomes.** A streaming decoder returns `Ok(Decoded::Complete { value, used })`,
//!   `Ok(Decoded::NeedMore { at_least })` or `Err(error)`. Needing more bytes is never an error.
//! - **Borrowed views.** Decoded values borrow from the input (`Frame<'a>`, `Cow<'a, str>`,
//!   `&'a [u8]`); every borrowed type has `into_owned()` returning its `'static` twin.
//! - **Limits before work.** Declared lengths are checked against what remains and against a
//!   configurable `Limits` before anything is sliced or buffered.
//! - **Typed errors** with the byte offset, what was expected, and the protocol's own code
//!   (`code()`: AMQP `ReplyCode`, JSON-RPC `ErrorCode`, XML-RPC `FaultCode`, Thrift
//!   `ProtocolErrorCode`).
//!
//! ## Features
//! | feature       | module          | default |
//! |---------------|-----------------|---------|
//! | `amqp`        | [`amqp`]        | yes     |
//! | `jsonrpc`     | `jsonrpc`       | yes     |
//! | `xmlrpc`      | `xmlrpc`        | yes     |
//! | `msgpack-rpc` | `msgpack_rpc`   | yes     |
//! | `thrift`      | `thrift`        | yes     |
//! | `tokio`       | tokio-util `Decoder`/`Encoder` impls for the streaming codecs, failing with `CodecError<E>` (I/O, or the protocol's own error) | no |
//! | `arbitrary`   | `generate`: `arbitrary::Arbitrary` for AMQP frames and JSON-RPC, XML-RPC and MessagePack-RPC messages, each one valid (for your fuzz targets) | no |
//! | `proptest`    | `generate::strategy`: proptest `Strategy`s of the same (turns on `arbitrary`) | no |
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![doc(test(attr(deny(warnings))))]
#![warn(missing_debug_implementations)]

#[cfg(feature = "tokio")]
mod codec_error;
mod decoded;
pub mod reader;

#[cfg(feature = "tokio")]
pub use codec_error::CodecError;
pub use decoded::Decoded;

#[cfg(feature = "amqp")]
pub mod amqp;
#[cfg(feature = "jsonrpc")]
pub mod jsonrpc;
#[cfg(feature = "msgpack-rpc")]
pub mod msgpack_rpc;
#[cfg(feature = "thrift")]
pub mod thrift;
#[cfg(feature = "xmlrpc")]
pub mod xmlrpc;

#[cfg(feature = "arbitrary")]
pub mod generate;

/// The README's Rust examples, compiled and run as doctests so that they stay true.
#[cfg(all(
    doctest,
    feature = "amqp",
    feature = "jsonrpc",
    feature = "xmlrpc",
    feature = "msgpack-rpc"
))]
#[doc = include_str!("../../README.md")]
pub struct ReadmeExamples;

/// The Rust examples of docs/api.md (the API conventions), compiled and run as doctests.
#[cfg(all(
    doctest,
    feature = "amqp",
    feature = "jsonrpc",
    feature = "xmlrpc",
    feature = "msgpack-rpc"
))]
#[doc = include_str!("../../docs/api.md")]
pub struct ApiConventionsExamples;

/// The Rust examples of docs/jsonrpc.md, compiled and run as doctests.
#[cfg(all(doctest, feature = "jsonrpc"))]
#[doc = include_str!("../../docs/jsonrpc.md")]
pub struct JsonRpcDocExamples;

/// The Rust examples of docs/xmlrpc.md, compiled and run as doctests.
#[cfg(all(doctest, feature = "xmlrpc"))]
#[doc = include_str!("../../docs/xmlrpc.md")]
pub struct XmlRpcDocExamples;

/// The Rust examples of docs/msgpack-rpc.md, compiled and run as doctests.
#[cfg(all(doctest, feature = "msgpack-rpc"))]
#[doc = include_str!("../../docs/msgpack-rpc.md")]
pub struct MsgpackRpcDocExamples;
