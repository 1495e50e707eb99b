//! Typed decode errors. Each kind has a stable kebab-case name ([`Error::kind`]) that golden
//! vectors use, and the `TProtocolException` type a Thrift peer would raise ([`Error::code`]).

/// The `TProtocolException` type a Thrift library raises for bad input (the same numbers in
/// every language): an open newtype over the wire integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProtocolErrorCode(pub i32);

impl ProtocolErrorCode {
    /// `UNKNOWN`.
    pub const UNKNOWN: ProtocolErrorCode = ProtocolErrorCode(0);
    /// `INVALID_DATA`.
    pub const INVALID_DATA: ProtocolErrorCode = ProtocolErrorCode(1);
    /// `NEGATIVE_SIZE`.
    pub const NEGATIVE_SIZE: ProtocolErrorCode = ProtocolErrorCode(2);
    /// `SIZE_LIMIT`.
    pub const SIZE_LIMIT: ProtocolErrorCode = ProtocolErrorCode(3);
    /// `BAD_VERSION`.
    pub const BAD_VERSION: ProtocolErrorCode = ProtocolErrorCode(4);
    /// `NOT_IMPLEMENTED`.
    pub const NOT_IMPLEMENTED: ProtocolErrorCode = ProtocolErrorCode(5);
    /// `DEPTH_LIMIT`.
    pub const DEPTH_LIMIT: ProtocolErrorCode = ProtocolErrorCode(6);

    /// The kebab-case name of a code the libraries define.
    pub fn name(self) -> Option<&'static str> {
        const NAMES: [&str; 7] = [
            "unknown",
            "invalid-data",
            "negative-size",
            "size-limit",
            "bad-version",
            "not-implemented",
            "depth-limit",
        ];
        usize::try_from(self.0)
            .ok()
            .and_then(|i| NAMES.get(i).copied())
    }
}

impl std::fmt::Display for ProtocolErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{} ({name})", self.0),
            None => write!(f, "{}", self.0),
        }
    }
}

impl From<i32> for ProtocolErrorCode {
    fn from(code: i32) -> Self {
        ProtocolErrorCode(code)
    }
}

impl From<ProtocolErrorCode> for i32 {
    fn from(code: ProtocolErrorCode) -> i32 {
        code.0
    }
}

impl PartialEq<i32> for ProtocolErrorCode {
    fn eq(&self, other: &i32) -> bool {
        self.0 == *other
    }
}

/// Why Thrift bytes were rejected.
///
/// Offsets count from the start of the input handed to the decoder.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The input ended inside a message, where no more input will come (whole-input decoding,
    /// or the payload of a frame).
    #[error("input ends at offset {offset}: at least {missing} more bytes expected")]
    Truncated { offset: usize, missing: usize },
    /// Bytes after the one message a whole-input decoder (or a frame) holds.
    #[error("{count} trailing bytes at offset {offset}")]
    TrailingBytes { offset: usize, count: usize },
    /// A negative length or count (binary protocol), or one above `i32::MAX` (compact).
    #[error("negative length {length} at offset {offset}")]
    NegativeLength { offset: usize, length: i64 },
    /// A string or binary longer than [`Limits::max_string`](super::Limits::max_string).
    #[error("string of {length} bytes at offset {offset}, limit {limit}")]
    StringLimit {
        offset: usize,
        length: u64,
        limit: usize,
    },
    /// A list, set or map declaring more elements than
    /// [`Limits::max_container`](super::Limits::max_container).
    #[error("{declared} elements declared at offset {offset}, limit {limit}")]
    ElementLimit {
        offset: usize,
        declared: u32,
        limit: u32,
    },
    /// The message needs more bytes than [`Limits::max_message_size`](super::Limits::max_message_size).
    #[error("message at offset {offset} needs at least {at_least} bytes, limit {limit}")]
    SizeLimit {
        offset: usize,
        at_least: u64,
        limit: usize,
    },
    /// A frame length above [`Limits::max_frame_size`](super::Limits::max_frame_size) or negative.
    #[error("frame length {length} at offset {offset}, limit {limit}")]
    FrameSize {
        offset: usize,
        length: i64,
        limit: usize,
    },
    /// Structs and containers nested deeper than [`Limits::max_depth`](super::Limits::max_depth).
    #[error("nesting deeper than {limit} at offset {offset}")]
    DepthLimit { offset: usize, limit: usize },
    /// A type id the protocol does not define (or STOP where a value type is needed).
    #[error("unknown type id {id} at offset {offset}")]
    UnknownType { offset: usize, id: u8 },
    /// A bool byte other than 0/1 (binary) or 1/2 (compact container element).
    #[error("bool byte {byte:#04x} at offset {offset}")]
    InvalidBool { offset: usize, byte: u8 },
    /// A varint longer than its type allows (5 bytes for 32 bits, 10 for 64) or overflowing it.
    #[error("overlong varint at offset {offset}")]
    OverlongVarint { offset: usize },
    /// A compact i16 (or field id) outside the i16 range.
    #[error("integer {value} out of range at offset {offset}")]
    IntegerRange { offset: usize, value: i64 },
    /// A compact field-id delta that takes the id past `i16::MAX`.
    #[error("field id {id} out of range at offset {offset}")]
    FieldId { offset: usize, id: i32 },
    /// A compact message that does not start with the protocol id 0x82.
    #[error("protocol id {found:#04x} at offset {offset}, expected 0x82")]
    BadProtocolId { offset: usize, found: u8 },
    /// A strict binary header whose version is not 0x8001 (the byte between version and type
    /// is ignored, as the reference libraries ignore it), or a compact version other than 1.
    #[error("bad version {found:#x} at offset {offset}")]
    BadVersion { offset: usize, found: u32 },
    /// A message type other than call (1), reply (2), exception (3) or oneway (4).
    #[error("message type {found} at offset {offset}")]
    MessageType { offset: usize, found: u8 },
    /// A method name that is not UTF-8.
    #[error("method name at offset {offset} is not valid UTF-8")]
    InvalidUtf8 { offset: usize },
    /// TJSONProtocol text that is not what the protocol writes at this point.
    #[error("expected {expected} at offset {offset}")]
    Json {
        offset: usize,
        expected: &'static str,
    },
    /// A THeader frame whose second word does not start with the magic 0x0FFF.
    #[error("header magic {found:#06x} at offset {offset}, expected 0x0fff")]
    HeaderMagic { offset: usize, found: u16 },
    /// A THeader frame too short for its fixed part (10 bytes), or whose header size takes the
    /// header past the frame's end.
    #[error("THeader needs {needed} bytes at offset {offset}, the frame holds {frame}")]
    HeaderSize {
        offset: usize,
        needed: u64,
        frame: usize,
    },
    /// A THeader field (var int or info string) that runs past the header's end.
    #[error("THeader ends inside the {expected} at offset {offset}")]
    HeaderTruncated {
        offset: usize,
        expected: &'static str,
    },
    /// A THeader protocol id other than 0 (binary) or 2 (compact).
    #[error("THeader protocol id {id} at offset {offset}")]
    HeaderProtocol { offset: usize, id: u64 },
    /// A THeader transform: zlib (id 1, which msgwire does not apply) or an unknown id.
    #[error("THeader transform {id} at offset {offset}")]
    Transform { offset: usize, id: u64 },
}

impl Error {
    /// The stable kebab-case name of this kind of error, as vectors spell it.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Truncated { .. } => "truncated",
            Error::TrailingBytes { .. } => "trailing-bytes",
            Error::NegativeLength { .. } => "negative-length",
            Error::StringLimit { .. } => "string-limit",
            Error::ElementLimit { .. } => "element-limit",
            Error::SizeLimit { .. } => "size-limit",
            Error::FrameSize { .. } => "frame-size",
            Error::DepthLimit { .. } => "depth-limit",
            Error::UnknownType { .. } => "unknown-type",
            Error::InvalidBool { .. } => "invalid-bool",
            Error::OverlongVarint { .. } => "overlong-varint",
            Error::IntegerRange { .. } => "integer-range",
            Error::FieldId { .. } => "field-id",
            Error::BadProtocolId { .. } => "bad-protocol-id",
            Error::BadVersion { .. } => "bad-version",
            Error::MessageType { .. } => "message-type",
            Error::InvalidUtf8 { .. } => "invalid-utf8",
            Error::Json { .. } => "json-syntax",
            Error::HeaderMagic { .. } => "header-magic",
            Error::HeaderSize { .. } => "header-size",
            Error::HeaderTruncated { .. } => "header-truncated",
            Error::HeaderProtocol { .. } => "header-protocol",
            Error::Transform { id: 1, .. } => "unsupported-transform",
            Error::Transform { .. } => "unknown-transform",
        }
    }

    /// The `TProtocolException` type a Thrift peer raises for this error.
    pub fn code(&self) -> ProtocolErrorCode {
        match self {
            Error::Truncated { .. } | Error::TrailingBytes { .. } => {
                ProtocolErrorCode::INVALID_DATA
            }
            Error::NegativeLength { .. } => ProtocolErrorCode::NEGATIVE_SIZE,
            Error::StringLimit { .. }
            | Error::ElementLimit { .. }
            | Error::SizeLimit { .. }
            | Error::FrameSize { .. } => ProtocolErrorCode::SIZE_LIMIT,
            Error::DepthLimit { .. } => ProtocolErrorCode::DEPTH_LIMIT,
            Error::BadProtocolId { .. } | Error::BadVersion { .. } => {
                ProtocolErrorCode::BAD_VERSION
            }
            // What the reference libraries raise when they meet one: C++ and Java `skip`
            // throw INVALID_DATA ("invalid TType").
            Error::UnknownType { .. } => ProtocolErrorCode::INVALID_DATA,
            Error::InvalidBool { .. }
            | Error::OverlongVarint { .. }
            | Error::IntegerRange { .. }
            | Error::FieldId { .. }
            | Error::MessageType { .. }
            | Error::InvalidUtf8 { .. }
            | Error::Json { .. } => ProtocolErrorCode::INVALID_DATA,
            // The peers raise TTransportException SIZE_LIMIT / TApplicationException
            // INVALID_TRANSFORM and INVALID_PROTOCOL: the nearest protocol-exception types.
            Error::HeaderMagic { .. } => ProtocolErrorCode::BAD_VERSION,
            Error::HeaderSize { .. } => ProtocolErrorCode::SIZE_LIMIT,
            Error::HeaderTruncated { .. } => ProtocolErrorCode::INVALID_DATA,
            Error::HeaderProtocol { .. } | Error::Transform { .. } => {
                ProtocolErrorCode::NOT_IMPLEMENTED
            }
        }
    }

    /// The byte offset (in the decoder's input) where the problem was found.
    pub fn offset(&self) -> usize {
        match *self {
            Error::Truncated { offset, .. }
            | Error::TrailingBytes { offset, .. }
            | Error::NegativeLength { offset, .. }
            | Error::StringLimit { offset, .. }
            | Error::ElementLimit { offset, .. }
            | Error::SizeLimit { offset, .. }
            | Error::FrameSize { offset, .. }
            | Error::DepthLimit { offset, .. }
            | Error::UnknownType { offset, .. }
            | Error::InvalidBool { offset, .. }
            | Error::OverlongVarint { offset }
            | Error::IntegerRange { offset, .. }
            | Error::FieldId { offset, .. }
            | Error::BadProtocolId { offset, .. }
            | Error::BadVersion { offset, .. }
            | Error::MessageType { offset, .. }
            | Error::InvalidUtf8 { offset }
            | Error::Json { offset, .. }
            | Error::HeaderMagic { offset, .. }
            | Error::HeaderSize { offset, .. }
            | Error::HeaderTruncated { offset, .. }
            | Error::HeaderProtocol { offset, .. }
            | Error::Transform { offset, .. } => offset,
        }
    }

    /// The same error with its offset moved `by` bytes later (an inner input's error, placed in
    /// the outer input: a frame's payload after its 4-byte length).
    pub(crate) fn shifted(mut self, by: usize) -> Error {
        match &mut self {
            Error::Truncated { offset, .. }
            | Error::TrailingBytes { offset, .. }
            | Error::NegativeLength { offset, .. }
            | Error::StringLimit { offset, .. }
            | Error::ElementLimit { offset, .. }
            | Error::SizeLimit { offset, .. }
            | Error::FrameSize { offset, .. }
            | Error::DepthLimit { offset, .. }
            | Error::UnknownType { offset, .. }
            | Error::InvalidBool { offset, .. }
            | Error::OverlongVarint { offset }
            | Error::IntegerRange { offset, .. }
            | Error::FieldId { offset, .. }
            | Error::BadProtocolId { offset, .. }
            | Error::BadVersion { offset, .. }
            | Error::MessageType { offset, .. }
            | Error::InvalidUtf8 { offset }
            | Error::Json { offset, .. }
            | Error::HeaderMagic { offset, .. }
            | Error::HeaderSize { offset, .. }
            | Error::HeaderTruncated { offset, .. }
            | Error::HeaderProtocol { offset, .. }
            | Error::Transform { offset, .. } => *offset += by,
        }
        self
    }
}
