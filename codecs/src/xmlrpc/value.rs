//! Decoded documents and values. Everything borrows from the input where it can.
//!
//! Every wire distinction a peer can make is kept, so that a decoded document re-encodes to the
//! same bytes: `<int>` vs `<i4>`, `<string>` vs an untyped `<value>`, member order and duplicate
//! member names, the exact dateTime and base64 text. Text is `Cow::Borrowed` unless the document
//! spelled it with entity or character references, CDATA sections, comments or CR line ends.

use std::borrow::Cow;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine;

use super::datetime::{self, DateTimeParts};
use super::error::FaultCode;

/// One XML-RPC value, tagged as on the wire.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// `<int>`: 32-bit signed.
    Int(i32),
    /// `<i4>`: 32-bit signed (same type as `int`, other tag).
    I4(i32),
    /// `<i8>`: 64-bit signed (extension: xmlrpc-c, Apache).
    I8(i64),
    /// `<boolean>`: `0` or `1`.
    Boolean(bool),
    /// `<string>`.
    String(Cow<'a, str>),
    /// A `<value>` with text and no type element: a string, whitespace kept ("If no type is
    /// indicated, the type is string.").
    Untyped(Cow<'a, str>),
    /// `<double>`.
    Double(f64),
    /// `<dateTime.iso8601>`, text kept as sent.
    DateTime(DateTime<'a>),
    /// `<base64>`, text kept as sent, decoded on demand.
    Base64(Base64<'a>),
    /// `<array><data>...</data></array>`.
    Array(Vec<Value<'a>>),
    /// `<struct>`: members in document order, duplicates kept.
    Struct(Vec<Member<'a>>),
    /// `<nil/>` (extension: Python with `allow_none`, xmlrpc-c).
    Nil,
    /// Apache `<ex:nil/>`.
    ExNil,
    /// Apache `<ex:i1>`: 8-bit signed.
    ExI1(i8),
    /// Apache `<ex:i2>`: 16-bit signed.
    ExI2(i16),
    /// Apache `<ex:i8>`: 64-bit signed.
    ExI8(i64),
    /// Apache `<ex:float>`: 32-bit float.
    ExFloat(f32),
}

/// One struct member.
#[derive(Debug, Clone, PartialEq)]
pub struct Member<'a> {
    pub name: Cow<'a, str>,
    pub value: Value<'a>,
}

/// The text of a `dateTime.iso8601` value; fields parsed on demand without allocating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTime<'a> {
    text: Cow<'a, str>,
}

/// The text of a `base64` value (line breaks as sent); bytes decoded on demand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base64<'a> {
    text: Cow<'a, str>,
}

/// A decoded XML-RPC document.
#[derive(Debug, Clone, PartialEq)]
pub enum Message<'a> {
    /// `<methodCall>`.
    Call(MethodCall<'a>),
    /// `<methodResponse><params>`.
    Response(MethodResponse<'a>),
    /// `<methodResponse><fault>`.
    Fault(Fault<'a>),
}

/// `<methodCall>`: a method name and its params.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodCall<'a> {
    pub method: Cow<'a, str>,
    pub params: Vec<Value<'a>>,
}

/// A successful `<methodResponse>`. The spec allows exactly one param (the strict decoder
/// enforces it); the lenient decoder keeps what it found.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodResponse<'a> {
    pub params: Vec<Value<'a>>,
}

/// A fault response: a struct with an int `faultCode` and a string `faultString`, kept as the
/// struct value it was sent as (member order, `int` vs `i4`, `string` vs untyped).
#[derive(Debug, Clone, PartialEq)]
pub struct Fault<'a> {
    value: Value<'a>,
    code: i32,
}

impl<'a> Value<'a> {
    /// A `<string>` value.
    pub fn string(s: impl Into<Cow<'a, str>>) -> Self {
        Value::String(s.into())
    }

    /// Any integer variant, widened.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Value::Int(n) | Value::I4(n) => Some(n.into()),
            Value::I8(n) | Value::ExI8(n) => Some(n),
            Value::ExI1(n) => Some(n.into()),
            Value::ExI2(n) => Some(n.into()),
            _ => None,
        }
    }

    /// The text of a `<string>` or untyped value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) | Value::Untyped(s) => Some(s),
            _ => None,
        }
    }

    /// The struct member named `name` (the last one, as Python's dict would keep it).
    pub fn member(&self, name: &str) -> Option<&Value<'a>> {
        match self {
            Value::Struct(members) => members
                .iter()
                .rev()
                .find(|m| m.name == name)
                .map(|m| &m.value),
            _ => None,
        }
    }

    /// The XML element name of this value's type (`"value"` for an untyped string).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Int(_) => "int",
            Value::I4(_) => "i4",
            Value::I8(_) => "i8",
            Value::Boolean(_) => "boolean",
            Value::String(_) => "string",
            Value::Untyped(_) => "value",
            Value::Double(_) => "double",
            Value::DateTime(_) => "dateTime.iso8601",
            Value::Base64(_) => "base64",
            Value::Array(_) => "array",
            Value::Struct(_) => "struct",
            Value::Nil => "nil",
            Value::ExNil => "ex:nil",
            Value::ExI1(_) => "ex:i1",
            Value::ExI2(_) => "ex:i2",
            Value::ExI8(_) => "ex:i8",
            Value::ExFloat(_) => "ex:float",
        }
    }

    /// The same value, owning all its text.
    pub fn into_owned(self) -> Value<'static> {
        match self {
            Value::Int(n) => Value::Int(n),
            Value::I4(n) => Value::I4(n),
            Value::I8(n) => Value::I8(n),
            Value::Boolean(b) => Value::Boolean(b),
            Value::String(s) => Value::String(Cow::Owned(s.into_owned())),
            Value::Untyped(s) => Value::Untyped(Cow::Owned(s.into_owned())),
            Value::Double(d) => Value::Double(d),
            Value::DateTime(d) => Value::DateTime(d.into_owned()),
            Value::Base64(b) => Value::Base64(b.into_owned()),
            Value::Array(items) => Value::Array(items.into_iter().map(Value::into_owned).collect()),
            Value::Struct(members) => {
                Value::Struct(members.into_iter().map(Member::into_owned).collect())
            }
            Value::Nil => Value::Nil,
            Value::ExNil => Value::ExNil,
            Value::ExI1(n) => Value::ExI1(n),
            Value::ExI2(n) => Value::ExI2(n),
            Value::ExI8(n) => Value::ExI8(n),
            Value::ExFloat(f) => Value::ExFloat(f),
        }
    }
}

impl<'a> Member<'a> {
    /// A member.
    pub fn new(name: impl Into<Cow<'a, str>>, value: Value<'a>) -> Self {
        Member {
            name: name.into(),
            value,
        }
    }

    /// The same member, owning all its text.
    pub fn into_owned(self) -> Member<'static> {
        Member {
            name: Cow::Owned(self.name.into_owned()),
            value: self.value.into_owned(),
        }
    }
}

impl<'a> DateTime<'a> {
    /// A dateTime with this text, as is (the decoder validates; this does not).
    pub fn from_text(text: impl Into<Cow<'a, str>>) -> Self {
        DateTime { text: text.into() }
    }

    /// A dateTime in the spec's shape, `YYYYMMDDTHH:MM:SS`.
    pub fn from_parts(year: u16, month: u8, day: u8, hour: u8, minute: u8, second: u8) -> Self {
        DateTime {
            text: Cow::Owned(format!(
                "{year:04}{month:02}{day:02}T{hour:02}:{minute:02}:{second:02}"
            )),
        }
    }

    /// The text as sent.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The fields, if the text is basic or extended ISO 8601 naming a real date and time.
    pub fn parts(&self) -> Option<DateTimeParts> {
        datetime::parse(&self.text)
    }

    /// The same value, owning its text.
    pub fn into_owned(self) -> DateTime<'static> {
        DateTime {
            text: Cow::Owned(self.text.into_owned()),
        }
    }
}

/// Chunk of base64 characters decoded at a time when validating without allocating.
const B64_CHUNK: usize = 1024;

fn engine(lenient: bool) -> GeneralPurpose {
    GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::RequireCanonical)
            .with_decode_allow_trailing_bits(lenient),
    )
}

impl<'a> Base64<'a> {
    /// Base64 text for `bytes` (standard alphabet, padded, one line).
    pub fn from_bytes(bytes: &[u8]) -> Base64<'static> {
        Base64 {
            text: Cow::Owned(STANDARD.encode(bytes)),
        }
    }

    /// Base64 with this text, as is (the decoder validates; this does not).
    pub fn from_text(text: impl Into<Cow<'a, str>>) -> Self {
        Base64 { text: text.into() }
    }

    /// The text as sent (may contain line breaks).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The decoded bytes (XML whitespace in the text is skipped).
    pub fn to_bytes(&self) -> Result<Vec<u8>, base64::DecodeError> {
        let mut out = Vec::new();
        self.walk(true, |chunk| out.extend_from_slice(chunk))?;
        Ok(out)
    }

    /// Checks the text decodes (strict: canonical padding, zero trailing bits), chunk by chunk
    /// on the stack, allocating nothing.
    pub(crate) fn validate(&self, lenient: bool) -> Result<(), base64::DecodeError> {
        self.walk(lenient, |_| {})
    }

    /// Decodes the whitespace-free characters in chunks of `B64_CHUNK`; only the last chunk
    /// may hold padding (the engine rejects `=` elsewhere).
    fn walk(&self, lenient: bool, mut sink: impl FnMut(&[u8])) -> Result<(), base64::DecodeError> {
        let engine = engine(lenient);
        let mut chars = [0u8; B64_CHUNK];
        let mut bytes = [0u8; B64_CHUNK / 4 * 3];
        let mut n = 0;
        for &c in self.text.as_bytes() {
            if matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                continue;
            }
            if n == B64_CHUNK {
                // More follows, so this chunk may not end in padding.
                if chars[n - 1] == b'=' {
                    return Err(base64::DecodeError::InvalidPadding);
                }
                let len = engine
                    .decode_slice(&chars[..n], &mut bytes)
                    .map_err(slice_error)?;
                sink(&bytes[..len]);
                n = 0;
            }
            chars[n] = c;
            n += 1;
        }
        let len = engine
            .decode_slice(&chars[..n], &mut bytes)
            .map_err(slice_error)?;
        sink(&bytes[..len]);
        Ok(())
    }

    /// The same value, owning its text.
    pub fn into_owned(self) -> Base64<'static> {
        Base64 {
            text: Cow::Owned(self.text.into_owned()),
        }
    }
}

fn slice_error(e: base64::DecodeSliceError) -> base64::DecodeError {
    match e {
        base64::DecodeSliceError::DecodeError(e) => e,
        // The output buffer holds 3/4 of the chunk: it cannot be too small.
        base64::DecodeSliceError::OutputSliceTooSmall => base64::DecodeError::InvalidLength(0),
    }
}

impl<'a> Message<'a> {
    /// The same document, owning all its text.
    pub fn into_owned(self) -> Message<'static> {
        match self {
            Message::Call(c) => Message::Call(c.into_owned()),
            Message::Response(r) => Message::Response(r.into_owned()),
            Message::Fault(f) => Message::Fault(f.into_owned()),
        }
    }
}

impl<'a> MethodCall<'a> {
    /// A call of `method` with `params`.
    pub fn new(method: impl Into<Cow<'a, str>>, params: Vec<Value<'a>>) -> Self {
        MethodCall {
            method: method.into(),
            params,
        }
    }

    /// The same call, owning all its text.
    pub fn into_owned(self) -> MethodCall<'static> {
        MethodCall {
            method: Cow::Owned(self.method.into_owned()),
            params: self.params.into_iter().map(Value::into_owned).collect(),
        }
    }
}

impl<'a> MethodResponse<'a> {
    /// A response carrying `value`.
    pub fn new(value: Value<'a>) -> Self {
        MethodResponse {
            params: vec![value],
        }
    }

    /// The returned value (the first param).
    pub fn value(&self) -> Option<&Value<'a>> {
        self.params.first()
    }

    /// The same response, owning all its text.
    pub fn into_owned(self) -> MethodResponse<'static> {
        MethodResponse {
            params: self.params.into_iter().map(Value::into_owned).collect(),
        }
    }
}

impl<'a> Fault<'a> {
    /// A fault as Python writes it: `faultCode` (`<int>`) then `faultString` (`<string>`).
    pub fn new(code: impl Into<FaultCode>, string: impl Into<Cow<'a, str>>) -> Self {
        let code = code.into().0;
        Fault {
            value: Value::Struct(vec![
                Member::new("faultCode", Value::Int(code)),
                Member::new("faultString", Value::String(string.into())),
            ]),
            code,
        }
    }

    /// Validates a fault value: a struct of exactly `faultCode` (an `int`/`i4`; lenient also
    /// any integer type that fits 32 bits) and `faultString` (a string), in either order.
    ///
    /// Spec: "The `<methodResponse>` could also contain a `<fault>` which contains a `<value>`
    /// which is a `<struct>` containing two elements, one named `<faultCode>`, an `<int>` and one
    /// named `<faultString>`, a `<string>`."
    pub fn from_value(value: Value<'a>, lenient: bool) -> Result<Self, &'static str> {
        let Value::Struct(members) = &value else {
            return Err("the fault value is not a struct");
        };
        if members.len() != 2 {
            return Err("the fault struct must have exactly two members");
        }
        let mut code = None;
        let mut string = false;
        for m in members {
            match &*m.name {
                "faultCode" if code.is_none() => {
                    code = Some(match m.value {
                        Value::Int(n) | Value::I4(n) => n,
                        ref v if lenient => v
                            .as_i64()
                            .and_then(|n| i32::try_from(n).ok())
                            .ok_or("faultCode is not a 32-bit int")?,
                        _ => return Err("faultCode is not an int"),
                    })
                }
                "faultString" if !string => {
                    if m.value.as_str().is_none() {
                        return Err("faultString is not a string");
                    }
                    string = true;
                }
                _ => return Err("members must be faultCode and faultString"),
            }
        }
        match (code, string) {
            (Some(code), true) => Ok(Fault { value, code }),
            _ => Err("members must be faultCode and faultString"),
        }
    }

    /// `faultCode`.
    pub fn code(&self) -> FaultCode {
        FaultCode(self.code)
    }

    /// `faultString`.
    pub fn string(&self) -> &str {
        self.value
            .member("faultString")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The fault struct as sent.
    pub fn value(&self) -> &Value<'a> {
        &self.value
    }

    /// The same fault, owning all its text.
    pub fn into_owned(self) -> Fault<'static> {
        Fault {
            value: self.value.into_owned(),
            code: self.code,
        }
    }
}

impl<'a> From<&'a str> for Value<'a> {
    /// A `<string>`, borrowed.
    fn from(s: &'a str) -> Self {
        Value::String(Cow::Borrowed(s))
    }
}

impl From<String> for Value<'static> {
    /// A `<string>`.
    fn from(s: String) -> Self {
        Value::String(Cow::Owned(s))
    }
}

impl<'a> From<Cow<'a, str>> for Value<'a> {
    /// A `<string>`.
    fn from(s: Cow<'a, str>) -> Self {
        Value::String(s)
    }
}

macro_rules! value_from_int {
    ($($t:ty)*) => {$(
        impl From<$t> for Value<'static> {
            /// An `<int>` (every value fits 32 bits).
            fn from(n: $t) -> Self {
                Value::Int(n.into())
            }
        }
    )*};
}
value_from_int!(i8 i16 i32 u8 u16);

impl From<i64> for Value<'static> {
    /// An `<int>` when the value fits 32 bits, else an `<i8>` (an Apache extension: strict
    /// peers reject it).
    fn from(n: i64) -> Self {
        match i32::try_from(n) {
            Ok(n) => Value::Int(n),
            Err(_) => Value::I8(n),
        }
    }
}

impl From<u32> for Value<'static> {
    /// An `<int>` when the value fits 32 bits, else an `<i8>` (an Apache extension).
    fn from(n: u32) -> Self {
        Value::from(i64::from(n))
    }
}

impl From<bool> for Value<'static> {
    /// A `<boolean>`.
    fn from(b: bool) -> Self {
        Value::Boolean(b)
    }
}

impl From<f64> for Value<'static> {
    /// A `<double>`.
    fn from(f: f64) -> Self {
        Value::Double(f)
    }
}

impl From<&[u8]> for Value<'static> {
    /// A `<base64>` of these bytes.
    fn from(bytes: &[u8]) -> Self {
        Value::Base64(Base64::from_bytes(bytes))
    }
}

impl<'a> From<DateTime<'a>> for Value<'a> {
    /// A `<dateTime.iso8601>`.
    fn from(d: DateTime<'a>) -> Self {
        Value::DateTime(d)
    }
}

impl<'a> From<Base64<'a>> for Value<'a> {
    /// A `<base64>`.
    fn from(b: Base64<'a>) -> Self {
        Value::Base64(b)
    }
}

impl<'a> From<Vec<Value<'a>>> for Value<'a> {
    /// An `<array>`.
    fn from(items: Vec<Value<'a>>) -> Self {
        Value::Array(items)
    }
}

impl<'a> From<Vec<Member<'a>>> for Value<'a> {
    /// A `<struct>`, members in this order.
    fn from(members: Vec<Member<'a>>) -> Self {
        Value::Struct(members)
    }
}
