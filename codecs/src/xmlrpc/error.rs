//! Decode errors: one flat, typed enum with the byte offset and a stable kebab-case kind.
//!
//! XML-RPC itself defines no error codes for malformed documents; the widely implemented
//! "Specification for Fault Code Interoperability" (xmlrpc-epi, 2001) does, and servers answer
//! a bad request with a fault carrying one of them. [`Error::code`] returns that code.

/// A fault code (`faultCode`, an `int`): an open newtype with the codes of the fault-code
/// interop spec as constants. `Display` prints the number and, for a named code, its
/// meaning (`-32700 (parse error: not well formed)`); `i32::from(code)` is the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FaultCode(pub i32);

impl FaultCode {
    /// Not well-formed XML.
    pub const PARSE_ERROR: FaultCode = FaultCode(-32700);
    /// A document in an encoding the server does not support.
    pub const UNSUPPORTED_ENCODING: FaultCode = FaultCode(-32701);
    /// A character the encoding does not allow.
    pub const INVALID_CHARACTER: FaultCode = FaultCode(-32702);
    /// Well-formed XML that is not a valid XML-RPC document.
    pub const INVALID_XMLRPC: FaultCode = FaultCode(-32600);
    /// The requested method was not found.
    pub const METHOD_NOT_FOUND: FaultCode = FaultCode(-32601);
    /// Invalid method parameters.
    pub const INVALID_PARAMS: FaultCode = FaultCode(-32602);
    /// Internal XML-RPC error.
    pub const INTERNAL_ERROR: FaultCode = FaultCode(-32603);

    /// The interop spec's meaning of a code it names.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            -32700 => "parse error: not well formed",
            -32701 => "parse error: unsupported encoding",
            -32702 => "parse error: invalid character for encoding",
            -32600 => "server error: invalid xml-rpc",
            -32601 => "server error: requested method not found",
            -32602 => "server error: invalid method parameters",
            -32603 => "server error: internal xml-rpc error",
            -32500 => "application error",
            -32400 => "system error",
            -32300 => "transport error",
            _ => return None,
        })
    }
}

impl std::fmt::Display for FaultCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{} ({name})", self.0),
            None => write!(f, "{}", self.0),
        }
    }
}

impl From<i32> for FaultCode {
    fn from(code: i32) -> Self {
        FaultCode(code)
    }
}

impl From<FaultCode> for i32 {
    fn from(code: FaultCode) -> i32 {
        code.0
    }
}

impl From<FaultCode> for i64 {
    fn from(code: FaultCode) -> i64 {
        code.0.into()
    }
}

impl PartialEq<i32> for FaultCode {
    fn eq(&self, other: &i32) -> bool {
        self.0 == *other
    }
}

/// Why a document was rejected. Every variant carries the byte offset (in the whole input)
/// where the problem was found.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The document is larger than [`Limits::max_document_size`](super::Limits).
    #[error("document of {len} bytes exceeds the limit of {limit} bytes")]
    TooLarge { len: usize, limit: usize },
    /// The bytes are not UTF-8 (the only encoding this decoder reads).
    #[error("invalid UTF-8 at byte {offset}")]
    InvalidUtf8 { offset: usize },
    /// A character that XML 1.0 does not allow (control characters, U+FFFE, U+FFFF).
    #[error("character U+{ch:04X} not allowed in XML 1.0 at byte {offset}")]
    InvalidChar { offset: usize, ch: u32 },
    /// Bytes that are not valid in the document's encoding (UTF-16 with a lone surrogate or an
    /// odd length, a byte above 0x7F in US-ASCII), found by [`to_utf8`](super::to_utf8).
    #[error("invalid {encoding} at byte {offset}")]
    InvalidEncoding {
        offset: usize,
        encoding: &'static str,
    },
    /// The XML declaration names an encoding other than UTF-8.
    #[error("unsupported encoding {encoding:?} at byte {offset}")]
    UnsupportedEncoding { offset: usize, encoding: String },
    /// A document type declaration: never accepted (no entity expansion, no external entities).
    #[error("DOCTYPE not allowed at byte {offset}")]
    Doctype { offset: usize },
    /// An entity reference other than the five predefined ones or a character reference.
    #[error("undefined entity &{name}; at byte {offset}")]
    UnknownEntity { offset: usize, name: String },
    /// Not well-formed XML (as reported by the XML reader, or a mismatched end tag).
    #[error("XML syntax error at byte {offset}: {message}")]
    Xml { offset: usize, message: String },
    /// The input ended inside the document.
    #[error("unexpected end of input at byte {offset}, expected {expected}")]
    UnexpectedEof {
        offset: usize,
        expected: &'static str,
    },
    /// An element where another was expected.
    #[error("unexpected <{found}> at byte {offset}, expected {expected}")]
    UnexpectedElement {
        offset: usize,
        found: String,
        expected: &'static str,
    },
    /// A `<value>` child that is not a type this profile knows.
    #[error("unknown value type <{tag}> at byte {offset}")]
    UnknownType { offset: usize, tag: String },
    /// Non-whitespace text where only elements may appear.
    #[error("unexpected text at byte {offset}, expected {expected}")]
    UnexpectedText {
        offset: usize,
        expected: &'static str,
    },
    /// An attribute on an XML-RPC element (the spec defines none).
    #[error("unexpected attribute on <{element}> at byte {offset}")]
    UnexpectedAttribute { offset: usize, element: String },
    /// Something other than comments, processing instructions or whitespace after the root.
    #[error("content after the root element at byte {offset}")]
    TrailingContent { offset: usize },
    /// Arrays and structs nested deeper than [`Limits::max_depth`](super::Limits).
    #[error("nesting deeper than {limit} at byte {offset}")]
    TooDeep { offset: usize, limit: usize },
    /// Not an integer in the syntax the profile accepts.
    #[error("invalid <{tag}> integer at byte {offset}")]
    InvalidInt { offset: usize, tag: &'static str },
    /// An integer outside the range of its type (32 bits for `int`/`i4`).
    #[error("<{tag}> integer out of range at byte {offset}")]
    IntOutOfRange { offset: usize, tag: &'static str },
    /// A boolean other than `0` or `1`.
    #[error("invalid boolean at byte {offset} (only 0 or 1)")]
    InvalidBoolean { offset: usize },
    /// A double not in the accepted syntax (strict: decimal notation, no NaN or infinity).
    #[error("invalid double at byte {offset}")]
    InvalidDouble { offset: usize },
    /// A dateTime.iso8601 that is malformed or names an impossible date or time.
    #[error("invalid dateTime.iso8601 at byte {offset}")]
    InvalidDateTime { offset: usize },
    /// base64 text that does not decode.
    #[error("invalid base64 at byte {offset}")]
    InvalidBase64 { offset: usize },
    /// A method name with characters outside the spec's set (strict) or empty.
    #[error("invalid method name at byte {offset}")]
    InvalidMethodName { offset: usize },
    /// A `<member>` without exactly one `<name>` followed by one `<value>`.
    #[error("<member> at byte {offset} must hold exactly one <name> then one <value>")]
    MemberShape { offset: usize },
    /// A `<param>` without exactly one `<value>`.
    #[error("<param> at byte {offset} must hold exactly one <value>")]
    ParamShape { offset: usize },
    /// A response without exactly one param, or with both params and a fault.
    #[error("invalid methodResponse at byte {offset}: {reason}")]
    ResponseShape { offset: usize, reason: &'static str },
    /// A fault whose value is not a struct of an int `faultCode` and a string `faultString`.
    #[error("invalid fault at byte {offset}: {reason}")]
    FaultShape { offset: usize, reason: &'static str },
}

impl Error {
    /// The stable kebab-case name of this error kind, as vectors use it.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::TooLarge { .. } => "too-large",
            Error::InvalidUtf8 { .. } => "invalid-utf8",
            Error::InvalidChar { .. } => "invalid-char",
            Error::InvalidEncoding { .. } => "invalid-encoding",
            Error::UnsupportedEncoding { .. } => "unsupported-encoding",
            Error::Doctype { .. } => "doctype",
            Error::UnknownEntity { .. } => "unknown-entity",
            Error::Xml { .. } => "xml-syntax",
            Error::UnexpectedEof { .. } => "unexpected-eof",
            Error::UnexpectedElement { .. } => "unexpected-element",
            Error::UnknownType { .. } => "unknown-type",
            Error::UnexpectedText { .. } => "unexpected-text",
            Error::UnexpectedAttribute { .. } => "unexpected-attribute",
            Error::TrailingContent { .. } => "trailing-content",
            Error::TooDeep { .. } => "too-deep",
            Error::InvalidInt { .. } => "invalid-int",
            Error::IntOutOfRange { .. } => "int-out-of-range",
            Error::InvalidBoolean { .. } => "invalid-boolean",
            Error::InvalidDouble { .. } => "invalid-double",
            Error::InvalidDateTime { .. } => "invalid-datetime",
            Error::InvalidBase64 { .. } => "invalid-base64",
            Error::InvalidMethodName { .. } => "invalid-method-name",
            Error::MemberShape { .. } => "member-shape",
            Error::ParamShape { .. } => "param-shape",
            Error::ResponseShape { .. } => "response-shape",
            Error::FaultShape { .. } => "fault-shape",
        }
    }

    /// The fault code a server answers this error with (fault-code interop spec):
    /// -32700 not well-formed, -32701 unsupported encoding, -32702 invalid character,
    /// -32600 well-formed but not valid XML-RPC.
    pub fn code(&self) -> FaultCode {
        match self {
            Error::TooLarge { .. }
            | Error::InvalidUtf8 { .. }
            | Error::Doctype { .. }
            | Error::UnknownEntity { .. }
            | Error::Xml { .. }
            | Error::UnexpectedEof { .. }
            | Error::TrailingContent { .. }
            | Error::TooDeep { .. } => FaultCode::PARSE_ERROR,
            Error::UnsupportedEncoding { .. } => FaultCode::UNSUPPORTED_ENCODING,
            Error::InvalidChar { .. } | Error::InvalidEncoding { .. } => {
                FaultCode::INVALID_CHARACTER
            }
            _ => FaultCode::INVALID_XMLRPC,
        }
    }

    /// Byte offset in the input where the problem was found (for `TooLarge`, the limit: the
    /// first byte that did not fit).
    pub fn offset(&self) -> usize {
        match self {
            Error::TooLarge { limit, .. } => *limit,
            Error::InvalidUtf8 { offset }
            | Error::InvalidChar { offset, .. }
            | Error::UnsupportedEncoding { offset, .. }
            | Error::InvalidEncoding { offset, .. }
            | Error::Doctype { offset }
            | Error::UnknownEntity { offset, .. }
            | Error::Xml { offset, .. }
            | Error::UnexpectedEof { offset, .. }
            | Error::UnexpectedElement { offset, .. }
            | Error::UnknownType { offset, .. }
            | Error::UnexpectedText { offset, .. }
            | Error::UnexpectedAttribute { offset, .. }
            | Error::TrailingContent { offset }
            | Error::TooDeep { offset, .. }
            | Error::InvalidInt { offset, .. }
            | Error::IntOutOfRange { offset, .. }
            | Error::InvalidBoolean { offset }
            | Error::InvalidDouble { offset }
            | Error::InvalidDateTime { offset }
            | Error::InvalidBase64 { offset }
            | Error::InvalidMethodName { offset }
            | Error::MemberShape { offset }
            | Error::ParamShape { offset }
            | Error::ResponseShape { offset, .. }
            | Error::FaultShape { offset, .. } => *offset,
        }
    }
}
