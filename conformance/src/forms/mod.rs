//! Canonical JSON forms: one lossless, readable JSON document per frame or message.
//!
//! Every protocol module here offers the same three items, so runners and the CLI dispatch on
//! the protocol name alone:
//! - `PROFILES: &[&str]`: the decoder profiles, first the default (e.g. `["strict", "lenient"]`);
//! - `decode(input, profile) -> Decoding`: bytes → canonical documents (and the error that
//!   stopped decoding, if any, after the documents decoded before it);
//! - `encode(docs) -> Result<Vec<u8>, FormError>`: canonical documents → the exact bytes.
//!
//! The forms are documented per protocol in `docs/forms/<protocol>.md`.

use serde_json::Value;

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

/// Why decoding (or encoding from JSON) stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}{}: {message}", code.map(|c| format!(" ({c})")).unwrap_or_default())]
pub struct FormError {
    /// Kebab-case error kind, as vectors name it (`frame-end`, `parse-error`, ...).
    pub kind: String,
    /// The code a peer would answer, where the protocol defines one.
    pub code: Option<i64>,
    /// Byte offset in the input, where known.
    pub offset: Option<usize>,
    /// Human-readable detail.
    pub message: String,
}

/// The result of decoding an input to canonical documents.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoding {
    /// Documents decoded, in stream order.
    pub docs: Vec<Value>,
    /// The error that stopped decoding, if any.
    pub error: Option<FormError>,
}

/// The protocols this build knows, by the names vectors and the CLI use.
pub fn protocols() -> Vec<&'static str> {
    [
        ("amqp", cfg!(feature = "amqp")),
        ("jsonrpc", cfg!(feature = "jsonrpc")),
        ("xmlrpc", cfg!(feature = "xmlrpc")),
        ("msgpack-rpc", cfg!(feature = "msgpack-rpc")),
        ("thrift", cfg!(feature = "thrift")),
    ]
    .into_iter()
    .filter_map(|(name, on)| on.then_some(name))
    .collect()
}

/// Whether `profile` of `protocol` is opt-in: listed in `PROFILES`, but run only for cases
/// whose verdict names it (AMQP's `session`, which checks a whole inbound connection stream
/// and so does not apply to a lone frame).
pub fn is_opt_in(protocol: &str, profile: &str) -> bool {
    match protocol {
        #[cfg(feature = "amqp")]
        "amqp" => amqp::OPT_IN_PROFILES.contains(&profile),
        #[cfg(feature = "thrift")]
        "thrift" => thrift::OPT_IN_PROFILES.contains(&profile),
        _ => {
            let _ = profile;
            false
        }
    }
}

/// Profiles of `protocol` (first is the default), or `None` for an unknown protocol.
pub fn profiles(protocol: &str) -> Option<&'static [&'static str]> {
    match protocol {
        #[cfg(feature = "amqp")]
        "amqp" => Some(amqp::PROFILES),
        #[cfg(feature = "jsonrpc")]
        "jsonrpc" => Some(jsonrpc::PROFILES),
        #[cfg(feature = "xmlrpc")]
        "xmlrpc" => Some(xmlrpc::PROFILES),
        #[cfg(feature = "msgpack-rpc")]
        "msgpack-rpc" => Some(msgpack_rpc::PROFILES),
        #[cfg(feature = "thrift")]
        "thrift" => Some(thrift::PROFILES),
        _ => None,
    }
}

/// Decodes `input` of `protocol` under `profile` to canonical documents.
pub fn decode(protocol: &str, input: &[u8], profile: &str) -> Option<Decoding> {
    let _ = (input, profile);
    match protocol {
        #[cfg(feature = "amqp")]
        "amqp" => Some(amqp::decode(input, profile)),
        #[cfg(feature = "jsonrpc")]
        "jsonrpc" => Some(jsonrpc::decode(input, profile)),
        #[cfg(feature = "xmlrpc")]
        "xmlrpc" => Some(xmlrpc::decode(input, profile)),
        #[cfg(feature = "msgpack-rpc")]
        "msgpack-rpc" => Some(msgpack_rpc::decode(input, profile)),
        #[cfg(feature = "thrift")]
        "thrift" => Some(thrift::decode(input, profile)),
        _ => None,
    }
}

/// Encodes canonical documents of `protocol` to bytes.
pub fn encode(protocol: &str, docs: &[Value]) -> Option<Result<Vec<u8>, FormError>> {
    let _ = docs;
    match protocol {
        #[cfg(feature = "amqp")]
        "amqp" => Some(amqp::encode(docs)),
        #[cfg(feature = "jsonrpc")]
        "jsonrpc" => Some(jsonrpc::encode(docs)),
        #[cfg(feature = "xmlrpc")]
        "xmlrpc" => Some(xmlrpc::encode(docs)),
        #[cfg(feature = "msgpack-rpc")]
        "msgpack-rpc" => Some(msgpack_rpc::encode(docs)),
        #[cfg(feature = "thrift")]
        "thrift" => Some(thrift::encode(docs)),
        _ => None,
    }
}

/// Encode errors say where in the document they are by starting their message with a JSON
/// pointer (RFC 6901) and `": "`, e.g. `/fields/routing_key: expected a string`. Splits it off.
pub fn split_pointer(message: &str) -> (Option<&str>, &str) {
    match message.split_once(": ") {
        Some((p, m)) if p.starts_with('/') && !p.contains(' ') => (Some(p), m),
        _ => (None, message),
    }
}

/// `message` located under the pointer `prefix` (e.g. `/params/2`): prefixed to the pointer the
/// message already starts with, or added.
pub fn under(prefix: &str, message: &str) -> String {
    match split_pointer(message) {
        (Some(p), m) => format!("{prefix}{p}: {m}"),
        (None, m) => format!("{prefix}: {m}"),
    }
}

/// One JSON pointer segment for an object key or array index: `/` + the key, with `~` and `/`
/// escaped (RFC 6901).
pub fn segment(key: impl std::fmt::Display) -> String {
    format!("/{}", key.to_string().replace('~', "~0").replace('/', "~1"))
}

/// [`under`] for a [`FormError`].
pub fn error_under(prefix: &str, e: FormError) -> FormError {
    FormError {
        message: under(prefix, &e.message),
        ..e
    }
}
