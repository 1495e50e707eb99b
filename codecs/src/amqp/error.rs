//! Decode errors, each with the byte offset and the reply code a broker would send.
//!
//! The reply codes follow what RabbitMQ answers (see `vectors/amqp/rabbitmq-verdicts.json`,
//! recorded from a live broker), which in a few places differs from the letter of the spec;
//! each such place says so.

use std::fmt;

/// An AMQP reply code (`reply-code` domain, a `short`): an open newtype with the spec's
/// named constants; unknown values print as numbers.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReplyCode(pub u16);

macro_rules! reply_codes {
    ($($name:ident = $code:literal, $text:literal;)*) => {
        impl ReplyCode {
            $(#[doc = concat!("`", $code, "` ", $text)] pub const $name: ReplyCode = ReplyCode($code);)*

            /// The spec's name for this code (`frame-error`), if it has one.
            pub fn name(self) -> Option<&'static str> {
                match self.0 { $($code => Some($text),)* _ => None }
            }
        }
    };
}

reply_codes! {
    REPLY_SUCCESS = 200, "reply-success";
    CONTENT_TOO_LARGE = 311, "content-too-large";
    NO_ROUTE = 312, "no-route";
    NO_CONSUMERS = 313, "no-consumers";
    CONNECTION_FORCED = 320, "connection-forced";
    INVALID_PATH = 402, "invalid-path";
    ACCESS_REFUSED = 403, "access-refused";
    NOT_FOUND = 404, "not-found";
    RESOURCE_LOCKED = 405, "resource-locked";
    PRECONDITION_FAILED = 406, "precondition-failed";
    FRAME_ERROR = 501, "frame-error";
    SYNTAX_ERROR = 502, "syntax-error";
    COMMAND_INVALID = 503, "command-invalid";
    CHANNEL_ERROR = 504, "channel-error";
    UNEXPECTED_FRAME = 505, "unexpected-frame";
    RESOURCE_ERROR = 506, "resource-error";
    NOT_ALLOWED = 530, "not-allowed";
    NOT_IMPLEMENTED = 540, "not-implemented";
    INTERNAL_ERROR = 541, "internal-error";
}

impl fmt::Debug for ReplyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{} ({name})", self.0),
            None => write!(f, "{}", self.0),
        }
    }
}

/// The number and, for a code the spec names, its name: `501 (frame-error)`.
impl fmt::Display for ReplyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl From<u16> for ReplyCode {
    fn from(code: u16) -> Self {
        ReplyCode(code)
    }
}

impl From<ReplyCode> for u16 {
    fn from(code: ReplyCode) -> u16 {
        code.0
    }
}

impl From<ReplyCode> for i64 {
    fn from(code: ReplyCode) -> i64 {
        code.0.into()
    }
}

impl PartialEq<u16> for ReplyCode {
    fn eq(&self, other: &u16) -> bool {
        self.0 == *other
    }
}

/// A frame (or content sequence) that cannot be accepted: where ([`offset`](Error::offset))
/// and what ([`detail`](Error::detail), an [`ErrorKind`] to match on).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{detail} at byte {offset}")]
pub struct Error {
    offset: usize,
    detail: ErrorKind,
}

impl Error {
    /// An error at `offset` (in the input given to the decoder).
    pub fn new(offset: usize, detail: ErrorKind) -> Self {
        Error { offset, detail }
    }

    /// Offset of the offending byte from the start of the input given to the decoder.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Stable kebab-case name of the kind, as vectors name it (`"frame-end"`).
    pub fn kind(&self) -> &'static str {
        self.detail.kind()
    }

    /// The reply code a broker closes the connection with for this input.
    pub fn code(&self) -> ReplyCode {
        self.detail.code()
    }

    /// What is wrong, with its data.
    pub fn detail(&self) -> &ErrorKind {
        &self.detail
    }

    /// The same error with its offset moved `by` bytes later.
    pub(crate) fn shifted(mut self, by: usize) -> Self {
        self.offset += by;
        self
    }
}

impl From<crate::reader::Short> for Error {
    fn from(s: crate::reader::Short) -> Self {
        Error::new(
            s.offset,
            ErrorKind::Truncated {
                expected: s.expected,
            },
        )
    }
}

/// What is wrong with the input.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    /// Starts like a protocol header (`A`) but is not `AMQP`: the first octet that differs
    /// (the error's offset says where).
    #[error("bad protocol header: octet {0:#04x} where \"AMQP\" was expected")]
    BadProtocolHeader(u8),
    /// A frame type other than 1, 2, 3, 8.
    #[error("unknown frame type {0}")]
    UnknownFrameType(u8),
    /// The octet after the payload is not 0xCE.
    #[error("frame end octet is {found:#04x}, expected 0xce")]
    FrameEnd {
        /// The octet found.
        found: u8,
    },
    /// The declared frame (payload + 8 framing octets) is larger than the frame-max limit.
    #[error("frame of {size} bytes exceeds frame-max {frame_max}")]
    FrameTooLarge {
        /// Declared size, framing included.
        size: u64,
        /// The limit in force.
        frame_max: u32,
    },
    /// A heartbeat on a channel other than 0.
    #[error("heartbeat on channel {0}")]
    HeartbeatChannel(u16),
    /// A heartbeat with a non-empty payload.
    #[error("heartbeat with a {0}-byte payload")]
    HeartbeatPayload(u32),
    /// The payload ended inside a field.
    #[error("payload ends inside {expected}")]
    Truncated {
        /// What was being read.
        expected: &'static str,
    },
    /// Bytes left in a method or header payload after its last field, or after the one
    /// frame that [`decode`](super::decode) reads.
    #[error("{0} trailing bytes")]
    TrailingData(usize),
    /// A class/method pair this codec does not know.
    #[error("unknown method {class_id}.{method_id}")]
    UnknownMethod {
        /// Class id.
        class_id: u16,
        /// Method id.
        method_id: u16,
    },
    /// A content header for a class that carries no content.
    #[error("content header for class {0}, which has no content")]
    UnknownContentClass(u16),
    /// A field table / array value with an unknown type tag.
    #[error("unknown field value type {0:#04x}")]
    UnknownFieldType(u8),
    /// Tables and arrays nested deeper than the limit.
    #[error("field tables nested deeper than {0}")]
    TableTooDeep(usize),
    /// A property flag that no property of the class uses.
    #[error("property flags {0:#06x} set a bit no property uses")]
    UnknownPropertyFlag(u16),
    /// Strict profile: unused bits of a packed bit octet are set.
    #[error("reserved bits {0:#04x} set in a bit octet")]
    ReservedBits(u8),
    /// Content assembly: a frame that may not come at this point of the sequence.
    #[error("unexpected {0}")]
    UnexpectedFrame(&'static str),
    /// Content assembly: a content header whose weight is not 0.
    #[error("content header weight {0}, must be 0")]
    HeaderWeight(u16),
    /// Content assembly: more body bytes than the header declared.
    #[error("body exceeds the declared size by {0} bytes")]
    BodyTooLarge(u64),
    /// Content assembly: the header's class differs from the method's.
    #[error("content header class {header} after a method of class {method}")]
    ClassMismatch {
        /// Class of the content header.
        header: u16,
        /// Class of the content-bearing method.
        method: u16,
    },
    /// Channel state (assembler): a non-connection method on channel 0, a method on a channel
    /// not opened, a second channel.open.
    #[error("channel error: {0}")]
    ChannelError(&'static str),
    /// Content assembly: declared body larger than the configured message limit.
    #[error("declared body size {size} exceeds the limit {limit}")]
    BodyLimit {
        /// Declared size.
        size: u64,
        /// The limit in force.
        limit: u64,
    },
}

impl ErrorKind {
    /// The reply code a broker sends for this error.
    pub fn code(&self) -> ReplyCode {
        use ErrorKind::*;
        match self {
            // RabbitMQ answers a garbage protocol header with its own header and closes; there
            // is no reply code on the wire. 501 is what the spec's frame-error says.
            BadProtocolHeader(_) => ReplyCode::FRAME_ERROR,
            UnknownFrameType(_) | FrameEnd { .. } | FrameTooLarge { .. } => ReplyCode::FRAME_ERROR,
            // Spec §4.2.7: "A peer that receives an invalid heartbeat frame MUST raise a
            // connection exception with reply code 501 (frame error)". RabbitMQ treats a
            // heartbeat on a non-zero channel as an unexpected frame (505).
            HeartbeatChannel(_) => ReplyCode::UNEXPECTED_FRAME,
            HeartbeatPayload(_) => ReplyCode::FRAME_ERROR,
            // RabbitMQ decodes method fields with one binary pattern; a short or long payload
            // does not match and is a frame error.
            Truncated { .. } | TrailingData(_) => ReplyCode::FRAME_ERROR,
            // RabbitMQ 3.10 has no answer here: its connection process crashes on an unknown
            // method id and the socket closes without connection.close. 540 is the spec's
            // "not-implemented".
            UnknownMethod { .. } => ReplyCode::NOT_IMPLEMENTED,
            // RabbitMQ: "expected content header for class 60, got one for class 50 instead".
            UnknownContentClass(_) => ReplyCode::UNEXPECTED_FRAME,
            // RabbitMQ 3.10 crashes on an unknown field-table tag (541 internal-error or a bare
            // close) and on any continuation flags word; the spec's 502 "syntax-error" is what
            // a correct peer sends for an illegal field value.
            UnknownFieldType(_) | UnknownPropertyFlag(_) | ReservedBits(_) => {
                ReplyCode::SYNTAX_ERROR
            }
            TableTooDeep(_) => ReplyCode::SYNTAX_ERROR,
            UnexpectedFrame(_) | HeaderWeight(_) | ClassMismatch { .. } => {
                ReplyCode::UNEXPECTED_FRAME
            }
            // A body frame that overruns body-size is malformed framing (501). RabbitMQ 3.10 does
            // not notice the overrun itself: it keeps waiting for body and closes with 505
            // only when the next non-body frame comes (docs/findings.md).
            BodyTooLarge(_) => ReplyCode::FRAME_ERROR,
            ChannelError(_) => ReplyCode::CHANNEL_ERROR,
            BodyLimit { .. } => ReplyCode::CONTENT_TOO_LARGE,
        }
    }

    /// Stable kebab-case name, as vectors name it.
    pub fn kind(&self) -> &'static str {
        use ErrorKind::*;
        match self {
            BadProtocolHeader(_) => "bad-protocol-header",
            UnknownFrameType(_) => "unknown-frame-type",
            FrameEnd { .. } => "frame-end",
            FrameTooLarge { .. } => "frame-too-large",
            HeartbeatChannel(_) => "heartbeat-channel",
            HeartbeatPayload(_) => "heartbeat-payload",
            Truncated { .. } => "truncated",
            TrailingData(_) => "trailing-data",
            UnknownMethod { .. } => "unknown-method",
            UnknownContentClass(_) => "unknown-content-class",
            UnknownFieldType(_) => "unknown-field-type",
            TableTooDeep(_) => "table-too-deep",
            UnknownPropertyFlag(_) => "unknown-property-flag",
            ReservedBits(_) => "reserved-bits",
            UnexpectedFrame(_) => "unexpected-frame",
            HeaderWeight(_) => "header-weight",
            BodyTooLarge(_) => "body-too-large",
            ClassMismatch { .. } => "class-mismatch",
            BodyLimit { .. } => "body-limit",
            ChannelError(_) => "channel-error",
        }
    }
}
