//! Errors of the JSON-RPC codec, each with a stable kebab-case kind and the JSON-RPC code a
//! server answers with (`-32700` parse error, `-32600` invalid request).
//!
//! Framing errors (bad `Content-Length` headers, oversized lines) have a kind but no
//! JSON-RPC code of their own: a server cannot answer inside a stream it cannot frame.

use super::id::Id;

/// A JSON-RPC error code (the `code` member of an error object): an open newtype with the
/// spec's named codes as constants. `Display` prints the number and, for a code the spec
/// names, its message (`-32700 (Parse error)`); `i64::from(code)` is the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ErrorCode(pub i64);

impl ErrorCode {
    /// JSON-RPC 2.0 §5.1: "Invalid JSON was received by the server."
    pub const PARSE_ERROR: ErrorCode = ErrorCode(-32700);
    /// JSON-RPC 2.0 §5.1: "The JSON sent is not a valid Request object."
    pub const INVALID_REQUEST: ErrorCode = ErrorCode(-32600);
    /// JSON-RPC 2.0 §5.1: "The method does not exist / is not available."
    pub const METHOD_NOT_FOUND: ErrorCode = ErrorCode(-32601);
    /// JSON-RPC 2.0 §5.1: "Invalid method parameter(s)."
    pub const INVALID_PARAMS: ErrorCode = ErrorCode(-32602);
    /// JSON-RPC 2.0 §5.1: "Internal JSON-RPC error."
    pub const INTERNAL_ERROR: ErrorCode = ErrorCode(-32603);

    /// The spec's message for a code it names (`"Parse error"`, `"Invalid Request"`,
    /// `"Method not found"`, `"Invalid params"`, `"Internal error"`; `"Server error"` for the
    /// reserved range -32000 to -32099).
    pub fn message(self) -> Option<&'static str> {
        Some(match self.0 {
            -32700 => "Parse error",
            -32600 => "Invalid Request",
            -32601 => "Method not found",
            -32602 => "Invalid params",
            -32603 => "Internal error",
            -32099..=-32000 => "Server error",
            _ => return None,
        })
    }
}

impl core::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.message() {
            Some(m) => write!(f, "{} ({m})", self.0),
            None => write!(f, "{}", self.0),
        }
    }
}

impl From<i64> for ErrorCode {
    fn from(code: i64) -> Self {
        ErrorCode(code)
    }
}

impl From<ErrorCode> for i64 {
    fn from(code: ErrorCode) -> i64 {
        code.0
    }
}

impl PartialEq<i64> for ErrorCode {
    fn eq(&self, other: &i64) -> bool {
        self.0 == *other
    }
}

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
    #[error("empty batch at byte {offset}")]
    EmptyBatch {
        /// Offset of the `[`.
        offset: usize,
    },
    /// More items than [`Limits::max_batch`](super::Limits::max_batch): answered with `-32600`.
    #[error("batch longer than {limit} items at byte {offset}")]
    BatchTooLong {
        /// Offset of the `[`.
        offset: usize,
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
            Error::EmptyBatch { .. } => "empty-batch",
            Error::BatchTooLong { .. } => "batch-too-long",
            Error::Header { .. } => "frame-header",
        }
    }

    /// The JSON-RPC error code a server answers with, `None` for framing errors (a bad
    /// `Content-Length` header: a server cannot answer inside a stream it cannot frame).
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Error::Parse { .. } | Error::TooDeep { .. } | Error::TooLarge { .. } => {
                Some(ErrorCode::PARSE_ERROR)
            }
            Error::Invalid { .. } | Error::EmptyBatch { .. } | Error::BatchTooLong { .. } => {
                Some(ErrorCode::INVALID_REQUEST)
            }
            Error::Header { .. } => None,
        }
    }

    /// Byte offset in the input where the problem was found (for `TooLarge`, the limit: the
    /// first byte that did not fit).
    pub fn offset(&self) -> usize {
        match self {
            Error::Parse { offset, .. }
            | Error::TooDeep { offset, .. }
            | Error::Invalid { offset, .. }
            | Error::Header { offset, .. }
            | Error::EmptyBatch { offset }
            | Error::BatchTooLong { offset, .. } => *offset,
            Error::TooLarge { limit, .. } => *limit,
        }
    }

    /// The spec's message for this error's code (`"Parse error"`, `"Invalid Request"`).
    pub fn jsonrpc_message(&self) -> &'static str {
        self.code()
            .and_then(ErrorCode::message)
            .unwrap_or("Parse error")
    }
}
