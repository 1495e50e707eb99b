//! Typed decode errors. Each kind has a stable kebab-case name ([`Error::kind`]) that golden
//! vectors use. MessagePack-RPC defines no error codes of its own (an error is any value the
//! server puts in the response's error slot), so [`Error::code`] is always `None`, of a type
//! that has no value.

/// Why a MessagePack value or MessagePack-RPC message was rejected.
///
/// Offsets count from the start of the input handed to the decoder.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The byte 0xc1, which the spec reserves ("never used").
    #[error("reserved byte 0xc1 at offset {offset}")]
    ReservedByte { offset: usize },
    /// A str whose bytes are not UTF-8 (strict profile).
    #[error("str at offset {offset} is not valid UTF-8")]
    InvalidUtf8 { offset: usize },
    /// An ext of type -1 that is not a well-formed timestamp (strict profile).
    #[error("invalid timestamp at offset {offset}: {reason}")]
    InvalidTimestamp { offset: usize, reason: &'static str },
    /// Arrays and maps nested deeper than [`Limits::max_depth`](super::Limits::max_depth).
    #[error("nesting deeper than {limit} at offset {offset}")]
    DepthLimit { offset: usize, limit: usize },
    /// An array or map declaring more elements than [`Limits::max_elements`](super::Limits::max_elements).
    #[error("{declared} elements declared at offset {offset}, limit {limit}")]
    ElementLimit {
        offset: usize,
        declared: u32,
        limit: u32,
    },
    /// The value needs more bytes than [`Limits::max_message_size`](super::Limits::max_message_size).
    #[error("value at offset {offset} needs at least {at_least} bytes, limit {limit}")]
    SizeLimit {
        offset: usize,
        at_least: u64,
        limit: usize,
    },
    /// The input ended inside a value, where no more input will come (whole-input decoding).
    #[error("input ends at offset {offset}: at least {missing} more bytes expected")]
    Truncated { offset: usize, missing: usize },
    /// Bytes after the one value or message a whole-input decoder expected.
    #[error("{count} trailing bytes at offset {offset}")]
    TrailingBytes { offset: usize, count: usize },
    /// A message that is not an array.
    #[error("message at offset {offset} is a {found}, expected an array")]
    MessageNotArray { offset: usize, found: &'static str },
    /// A message whose first element is not 0 (request), 1 (response) or 2 (notification).
    #[error("message type at offset {offset} is {found}, expected 0, 1 or 2")]
    MessageType { offset: usize, found: &'static str },
    /// A message array of the wrong length for its type.
    #[error("{message} at offset {offset} has {found} elements, expected {expected}")]
    MessageLength {
        offset: usize,
        message: &'static str,
        expected: u32,
        found: u32,
    },
    /// A msgid that is not an unsigned 32-bit integer.
    #[error("msgid at offset {offset} is {found}, expected an unsigned 32-bit integer")]
    MsgId { offset: usize, found: &'static str },
    /// A method that is not a str (or, leniently, a bin).
    #[error("method at offset {offset} is {found}, expected a str")]
    Method { offset: usize, found: &'static str },
    /// Params that are not an array.
    #[error("params at offset {offset} are {found}, expected an array")]
    Params { offset: usize, found: &'static str },
    /// A response with both a non-nil error and a non-nil result (strict profile).
    #[error("response at offset {offset} has both a non-nil error and a non-nil result")]
    ErrorAndResult { offset: usize },
}

impl Error {
    /// The stable kebab-case name of this kind of error, as vectors spell it.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::ReservedByte { .. } => "reserved-byte",
            Error::InvalidUtf8 { .. } => "invalid-utf8",
            Error::InvalidTimestamp { .. } => "invalid-timestamp",
            Error::DepthLimit { .. } => "depth-limit",
            Error::ElementLimit { .. } => "element-limit",
            Error::SizeLimit { .. } => "size-limit",
            Error::Truncated { .. } => "truncated",
            Error::TrailingBytes { .. } => "trailing-bytes",
            Error::MessageNotArray { .. } => "message-not-array",
            Error::MessageType { .. } => "message-type",
            Error::MessageLength { .. } => "message-length",
            Error::MsgId { .. } => "msgid",
            Error::Method { .. } => "method",
            Error::Params { .. } => "params",
            Error::ErrorAndResult { .. } => "error-and-result",
        }
    }

    /// The protocol's code for this error: MessagePack-RPC defines none, so this is always
    /// `None` (its type, `Option<Infallible>`, says so). It exists so that every codec's error
    /// has `offset()`, `kind()` and `code()`.
    pub fn code(&self) -> Option<std::convert::Infallible> {
        None
    }

    /// The byte offset (in the decoder's input) where the problem was found.
    pub fn offset(&self) -> usize {
        match *self {
            Error::ReservedByte { offset }
            | Error::InvalidUtf8 { offset }
            | Error::InvalidTimestamp { offset, .. }
            | Error::DepthLimit { offset, .. }
            | Error::ElementLimit { offset, .. }
            | Error::SizeLimit { offset, .. }
            | Error::Truncated { offset, .. }
            | Error::TrailingBytes { offset, .. }
            | Error::MessageNotArray { offset, .. }
            | Error::MessageType { offset, .. }
            | Error::MessageLength { offset, .. }
            | Error::MsgId { offset, .. }
            | Error::Method { offset, .. }
            | Error::Params { offset, .. }
            | Error::ErrorAndResult { offset } => offset,
        }
    }
}
