//! Errors of the JSON-RPC codec, each with a stable kebab-case kind and the JSON-RPC code a
//! server answers with (`-32700` parse error, `-32600` invalid request).
//!
//! Framing errors (bad `Content-Length` headers, oversized lines) have a kind but no
//! JSON-RPC code of their own: a server cannot answer inside a stream it cannot frame.

use super::id::Id;

/// JSON-RPC 2.0 §5.1: "Invalid JSON was received by the server."
pub const PARSE_ERROR: i64 = -32700;
/// JSON-RPC 2.0 §5.1: "The JSON sent is not a valid Request object."
pub const INVALID_REQUEST: i64 = -32600;
/// JSON-RPC 2.0 §5.1: "The method does not exist / is not available."
pub const METHOD_NOT_FOUND: i64 = -32601;
/// JSON-RPC 2.0 §5.1: "Invalid method parameter(s)."
pub const INVALID_PARAMS: i64 = -32602;
/// JSON-RPC 2.0 §5.1: "Internal JSON-RPC error."
pub const INTERNAL_ERROR: i64 = -32603;

/// Why a JSON value is not a valid JSON-RPC message (all answered with `-32600`).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// The message (or batch item) is not a JSON object.
    NotAnObject,
    /// `jsonrpc` is missing or not exactly `"2.0"`.
    Version,
    /// A required member is missing (`method`, or `id` of a response).
    Missing(&'static str),
    /// A member has the wrong JSON type.
    Type {
        /// The member.
        member: &'static str,
        /// What the spec requires there.
        expected: &'static str,
    },
    /// A member the spec does not define (strict profile).
    Extra,
    /// A member appears twice (strict profile).
    Duplicate(&'static str),
    /// A numeric id with a fraction or exponent (strict profile).
    FractionalId,
    /// `params: null` (strict profile).
    ParamsNull,
    /// A response carries both `result` and `error`.
    ResultAndError,
    /// An object carries both `method` and `result`/`error`.
    RequestAndResponse,
    /// An object that is a valid request arrived where a response was expected.
    NotAResponse,
}

impl Problem {
    /// Stable kebab-case name, as vectors use it.
    pub fn kind(&self) -> &'static str {
        match self {
            Problem::NotAnObject => "not-an-object",
            Problem::Version => "bad-version",
            Problem::Missing(_) => "missing-member",
            Problem::Type { .. } => "member-type",
            Problem::Extra => "extra-member",
            Problem::Duplicate(_) => "duplicate-member",
            Problem::FractionalId => "fractional-id",
            Problem::ParamsNull => "params-null",
            Problem::ResultAndError => "result-and-error",
            Problem::RequestAndResponse => "request-and-response",
            Problem::NotAResponse => "not-a-response",
        }
    }
}

impl core::fmt::Display for Problem {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Problem::NotAnObject => f.write_str("expected a JSON object"),
            Problem::Version => f.write_str("`jsonrpc` must be exactly \"2.0\""),
            Problem::Missing(m) => write!(f, "missing member `{m}`"),
            Problem::Type { member, expected } => write!(f, "`{member}` must be {expected}"),
            Problem::Extra => f.write_str("member not defined by JSON-RPC 2.0"),
            Problem::Duplicate(m) => write!(f, "member `{m}` appears twice"),
            Problem::FractionalId => f.write_str("numeric id with a fractional part"),
            Problem::ParamsNull => f.write_str("`params` is null (omit it instead)"),
            Problem::ResultAndError => f.write_str("both `result` and `error`"),
            Problem::RequestAndResponse => f.write_str("both `method` and `result`/`error`"),
            Problem::NotAResponse => f.write_str("a request object where a response was expected"),
        }
    }
}

/// Everything that can go wrong decoding or framing JSON-RPC.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Not JSON (or not UTF-8): answered with `-32700` and `id: null`.
    #[error("parse error at byte {offset}: {detail}")]
    Parse {
        /// Byte offset where the JSON parser stopped.
        offset: usize,
        /// The parser's message.
        detail: String,
    },
    /// Nested deeper than [`Limits::max_depth`](super::Limits::max_depth): answered with `-32700`.
    #[error("nesting deeper than {limit} at byte {offset}")]
    TooDeep {
        /// Offset of the bracket that went past the limit.
        offset: usize,
        /// The configured limit.
        limit: usize,
    },
    /// Larger than [`Limits::max_message`](super::Limits::max_message): answered with `-32700`
    /// (the server refuses to parse it at all).
    #[error("message of {len} bytes exceeds the limit of {limit}")]
    TooLarge {
        /// Declared or buffered length.
        len: usize,
        /// The configured limit.
        limit: usize,
    },
    /// Valid JSON, not a valid JSON-RPC message: answered with `-32600`.
    #[error("invalid request at byte {offset}: {problem}")]
    Invalid {
        /// Offset of the object (or batch item) that is invalid.
        offset: usize,
        /// What is wrong.
        problem: Problem,
        /// The object's id when it could be read (a server echoes it in the error reply).
        id: Option<Id<'static>>,
    },
    /// `[]`: JSON-RPC 2.0 §6 answers one `-32600` error object.
    #[error("empty batch")]
    EmptyBatch,
    /// More items than [`Limits::max_batch`](super::Limits::max_batch): answered with `-32600`.
    #[error("batch longer than {limit} items")]
    BatchTooLong {
        /// The configured limit.
        limit: usize,
    },
    /// A malformed `Content-Length` header section.
    #[error("bad frame header at byte {offset}: {detail}")]
    Header {
        /// Offset of the offending header byte.
        offset: usize,
        /// What was expected.
        detail: &'static str,
    },
}

impl Error {
    /// Stable kebab-case name, as vectors use it in `"error": {"kind": ...}`.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Parse { .. } => "parse-error",
            Error::TooDeep { .. } => "too-deep",
            Error::TooLarge { .. } => "too-large",
            Error::Invalid { problem, .. } => problem.kind(),
            Error::EmptyBatch => "empty-batch",
            Error::BatchTooLong { .. } => "batch-too-long",
            Error::Header { .. } => "frame-header",
        }
    }

    /// The JSON-RPC error code a server answers with, `None` for framing errors.
    pub fn jsonrpc_code(&self) -> Option<i64> {
        match self {
            Error::Parse { .. } | Error::TooDeep { .. } | Error::TooLarge { .. } => {
                Some(PARSE_ERROR)
            }
            Error::Invalid { .. } | Error::EmptyBatch | Error::BatchTooLong { .. } => {
                Some(INVALID_REQUEST)
            }
            Error::Header { .. } => None,
        }
    }

    /// Byte offset in the input, where known.
    pub fn offset(&self) -> Option<usize> {
        match self {
            Error::Parse { offset, .. }
            | Error::TooDeep { offset, .. }
            | Error::Invalid { offset, .. }
            | Error::Header { offset, .. } => Some(*offset),
            Error::TooLarge { .. } | Error::EmptyBatch | Error::BatchTooLong { .. } => None,
        }
    }

    /// The spec's message for this error's code (`"Parse error"`, `"Invalid Request"`).
    pub fn jsonrpc_message(&self) -> &'static str {
        match self.jsonrpc_code() {
            Some(PARSE_ERROR) => "Parse error",
            Some(_) => "Invalid Request",
            None => "Parse error",
        }
    }
}
