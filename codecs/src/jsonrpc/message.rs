//! Messages: request, notification, response (success or error) and batch; decoding with
//! validation done once, and encoding that writes exact, compact JSON.
//!
//! Design: one pass of [`Scanner`](super::scan) reads the top-level object member by member
//! into slots (no allocation: names are matched without copying, values are borrowed slices of
//! the input, checked as they are stepped over, the depth limit counted where brackets open);
//! the slots are then checked against JSON-RPC 2.0 §4–§5 and turned into a typed view. A batch's
//! items are read the same way in the same pass. `params`, `result` and `error.data` stay
//! slices of the input until the caller asks for a type.

use std::borrow::Cow;

use bytes::BufMut;
use serde_json::value::RawValue;

use super::error::{Error, Problem};
use super::id::Id;
use super::scan::{Scanner, Stop};
use super::text;
use super::{Limits, Profile};

/// A request (with an id) or a notification (without one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request<'a> {
    /// The method name, unescaped; borrowed when the JSON string has no escapes.
    pub method: Cow<'a, str>,
    /// `params` as received (an array or object; `null` only under the lenient profile).
    pub params: Option<Raw<'a>>,
    /// `None` for a notification (§4.1: "A Notification is a Request object without an id").
    pub id: Option<Id<'a>>,
}

/// A response: the id it answers and its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response<'a> {
    /// The id of the request (null when the server could not read it).
    pub id: Id<'a>,
    /// `result` or `error`.
    pub outcome: Outcome<'a>,
}

/// The outcome carried by a response: §5 "Either the result member or error member MUST be
/// included, but both members MUST NOT be included."
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome<'a> {
    /// `result`, as received.
    Result(Raw<'a>),
    /// `error`.
    Error(ErrorObject<'a>),
}

/// The error object of §5.1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorObject<'a> {
    /// §5.1: "A Number that indicates the error type that occurred. This MUST be an integer."
    pub code: i64,
    /// §5.1: "A String providing a short description of the error."
    pub message: Cow<'a, str>,
    /// Optional `data`, as received.
    pub data: Option<Raw<'a>>,
}

/// One JSON-RPC message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message<'a> {
    /// A request or notification.
    Request(Request<'a>),
    /// A response.
    Response(Response<'a>),
}

/// What one JSON text carries: one message or a batch (§6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload<'a> {
    /// A single message.
    Single(Message<'a>),
    /// A batch: its items are validated one by one, lazily.
    Batch(Batch<'a>),
}

/// A batch (§6): every item read in the same pass as the array, each kept with its exact text,
/// its offset and its own outcome, so that one invalid item does not spoil the others. The
/// only allocation is the list itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch<'a> {
    items: Vec<BatchItem<'a>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct BatchItem<'a> {
    offset: usize,
    text: Raw<'a>,
    message: Result<Message<'a>, Error>,
}

/// JSON text as received (`params`, `result`, `error.data`): validated JSON, borrowed from
/// the input or owned, compared by its exact text. [`as_raw_value`](Self::as_raw_value) gives
/// serde_json's `RawValue` when a caller needs one.
#[derive(Debug, Clone)]
pub struct Raw<'a>(Cow<'a, str>);

impl<'a> Raw<'a> {
    /// The exact JSON text.
    pub fn get(&self) -> &str {
        &self.0
    }

    /// The owned twin.
    pub fn into_owned(self) -> Raw<'static> {
        Raw(Cow::Owned(self.0.into_owned()))
    }

    /// A copy that borrows from `self`.
    pub fn borrowed(&self) -> Raw<'_> {
        Raw(Cow::Borrowed(&self.0))
    }

    /// The text as serde_json's `RawValue` (a copy: the text is checked again by serde_json).
    pub fn as_raw_value(&self) -> Box<RawValue> {
        RawValue::from_string(self.0.clone().into_owned()).expect("a Raw holds validated JSON text")
    }

    /// `self` as `T`, borrowing from the text where `T` does.
    pub fn deserialize<'p, T: serde::Deserialize<'p>>(&'p self) -> serde_json::Result<T> {
        serde_json::from_str(&self.0)
    }

    /// Text the scanner validated.
    pub(crate) fn scanned(text: &'a str) -> Self {
        Raw(Cow::Borrowed(text))
    }
}

impl PartialEq for Raw<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl Eq for Raw<'_> {}

impl<'a> From<&'a RawValue> for Raw<'a> {
    fn from(raw: &'a RawValue) -> Self {
        Raw(Cow::Borrowed(raw.get()))
    }
}

impl From<Box<RawValue>> for Raw<'static> {
    fn from(raw: Box<RawValue>) -> Self {
        Raw(Cow::Owned(Box::<str>::from(raw).into_string()))
    }
}

fn owned_raw(raw: Raw<'_>) -> Raw<'static> {
    raw.into_owned()
}

fn owned_str(s: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(s.into_owned())
}

/// Deserializes `raw` (or JSON `null` when absent) as `T`, borrowing where `T` does.
fn raw_as<'p, T: serde::Deserialize<'p>>(raw: Option<&'p Raw<'_>>) -> serde_json::Result<T> {
    serde_json::from_str(raw.map_or("null", Raw::get))
}

impl<'a> Request<'a> {
    /// Whether this is a notification (no id: no reply is owed).
    pub fn is_notification(&self) -> bool {
        self.id.is_none()
    }

    /// §4: "Method names that begin with the word rpc followed by a period character ...
    /// are reserved for rpc-internal methods and extensions".
    pub fn is_reserved_method(&self) -> bool {
        self.method.starts_with("rpc.")
    }

    /// `params` as `T` (absent params deserialize from `null`, so `Option<T>` and `()` work).
    pub fn params_as<'p, T: serde::Deserialize<'p>>(&'p self) -> serde_json::Result<T> {
        raw_as(self.params.as_ref())
    }

    /// The owned twin.
    pub fn into_owned(self) -> Request<'static> {
        Request {
            method: owned_str(self.method),
            params: self.params.map(owned_raw),
            id: self.id.map(Id::into_owned),
        }
    }

    /// Exact length of [`encode`](Self::encode)'s output.
    pub fn encoded_len(&self) -> usize {
        let mut n = r#"{"jsonrpc":"2.0","method":}"#.len() + text::str_len(&self.method);
        if let Some(p) = &self.params {
            n += r#","params":"#.len() + p.get().len();
        }
        if let Some(id) = &self.id {
            n += r#","id":"#.len() + id.raw().len();
        }
        n
    }

    /// Writes `{"jsonrpc":"2.0","method":..,"params":..,"id":..}`, compact, in that order.
    pub fn encode(&self, dst: &mut impl BufMut) {
        dst.put_slice(br#"{"jsonrpc":"2.0","method":"#);
        text::write_str(dst, &self.method);
        if let Some(p) = &self.params {
            dst.put_slice(br#","params":"#);
            dst.put_slice(p.get().as_bytes());
        }
        if let Some(id) = &self.id {
            dst.put_slice(br#","id":"#);
            dst.put_slice(id.raw().as_bytes());
        }
        dst.put_u8(b'}');
    }

    /// The encoding, in a buffer of exactly [`encoded_len`](Self::encoded_len) bytes.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.encode(&mut out);
        out
    }
}

impl<'a> ErrorObject<'a> {
    /// An error object without data.
    pub fn new(code: impl Into<i64>, message: impl Into<Cow<'a, str>>) -> Self {
        ErrorObject {
            code: code.into(),
            message: message.into(),
            data: None,
        }
    }

    /// `data` as `T` (absent data deserializes from `null`).
    pub fn data_as<'p, T: serde::Deserialize<'p>>(&'p self) -> serde_json::Result<T> {
        raw_as(self.data.as_ref())
    }

    /// The owned twin.
    pub fn into_owned(self) -> ErrorObject<'static> {
        ErrorObject {
            code: self.code,
            message: owned_str(self.message),
            data: self.data.map(owned_raw),
        }
    }

    fn encoded_len(&self) -> usize {
        let mut n =
            r#"{"code":,"message":}"#.len() + itoa_len(self.code) + text::str_len(&self.message);
        if let Some(d) = &self.data {
            n += r#","data":"#.len() + d.get().len();
        }
        n
    }

    fn encode(&self, dst: &mut impl BufMut) {
        dst.put_slice(br#"{"code":"#);
        text::write_int(dst, self.code);
        dst.put_slice(br#","message":"#);
        text::write_str(dst, &self.message);
        if let Some(d) = &self.data {
            dst.put_slice(br#","data":"#);
            dst.put_slice(d.get().as_bytes());
        }
        dst.put_u8(b'}');
    }
}

fn itoa_len(n: i64) -> usize {
    let mut len = usize::from(n < 0) + 1;
    let mut m = n.unsigned_abs();
    while m >= 10 {
        m /= 10;
        len += 1;
    }
    len
}

impl<'a> Response<'a> {
    /// A success response.
    pub fn success(id: Id<'a>, result: &'a RawValue) -> Self {
        Response {
            id,
            outcome: Outcome::Result(Raw::from(result)),
        }
    }

    /// An error response.
    pub fn error(id: Id<'a>, error: ErrorObject<'a>) -> Self {
        Response {
            id,
            outcome: Outcome::Error(error),
        }
    }

    /// `result` as `T`, or `None` for an error response.
    pub fn result_as<'p, T: serde::Deserialize<'p>>(&'p self) -> Option<serde_json::Result<T>> {
        match &self.outcome {
            Outcome::Result(r) => Some(raw_as(Some(r))),
            Outcome::Error(_) => None,
        }
    }

    /// The owned twin.
    pub fn into_owned(self) -> Response<'static> {
        Response {
            id: self.id.into_owned(),
            outcome: match self.outcome {
                Outcome::Result(r) => Outcome::Result(owned_raw(r)),
                Outcome::Error(e) => Outcome::Error(e.into_owned()),
            },
        }
    }

    /// Exact length of [`encode`](Self::encode)'s output.
    pub fn encoded_len(&self) -> usize {
        let body = match &self.outcome {
            Outcome::Result(r) => r#""result":"#.len() + r.get().len(),
            Outcome::Error(e) => r#""error":"#.len() + e.encoded_len(),
        };
        r#"{"jsonrpc":"2.0",,"id":}"#.len() + body + self.id.raw().len()
    }

    /// Writes `{"jsonrpc":"2.0","result":..,"id":..}` (or `"error":{..}`), compact, with the
    /// id's exact text.
    pub fn encode(&self, dst: &mut impl BufMut) {
        dst.put_slice(br#"{"jsonrpc":"2.0","#);
        match &self.outcome {
            Outcome::Result(r) => {
                dst.put_slice(br#""result":"#);
                dst.put_slice(r.get().as_bytes());
            }
            Outcome::Error(e) => {
                dst.put_slice(br#""error":"#);
                e.encode(dst);
            }
        }
        dst.put_slice(br#","id":"#);
        dst.put_slice(self.id.raw().as_bytes());
        dst.put_u8(b'}');
    }

    /// The encoding, in a buffer of exactly [`encoded_len`](Self::encoded_len) bytes.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.encode(&mut out);
        out
    }
}

impl<'a> Message<'a> {
    /// The owned twin.
    pub fn into_owned(self) -> Message<'static> {
        match self {
            Message::Request(r) => Message::Request(r.into_owned()),
            Message::Response(r) => Message::Response(r.into_owned()),
        }
    }

    /// Exact length of [`encode`](Self::encode)'s output.
    pub fn encoded_len(&self) -> usize {
        match self {
            Message::Request(r) => r.encoded_len(),
            Message::Response(r) => r.encoded_len(),
        }
    }

    /// Writes the message as compact JSON.
    pub fn encode(&self, dst: &mut impl BufMut) {
        match self {
            Message::Request(r) => r.encode(dst),
            Message::Response(r) => r.encode(dst),
        }
    }

    /// The encoding in a new vector of exactly the right capacity.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.encode(&mut out);
        out
    }
}

impl<'a> Batch<'a> {
    /// A batch of messages (for encoding). Each item's offset is where
    /// [`encode`](Self::encode) writes it (the first at 1, after the `[`), so decoding the
    /// encoding gives an equal batch back.
    pub fn from_messages<'m>(
        messages: impl IntoIterator<Item = &'m Message<'m>>,
    ) -> Batch<'static> {
        let mut offset = 1;
        let items = messages
            .into_iter()
            .map(|m| {
                let text = String::from_utf8(m.to_vec()).expect("encoder writes UTF-8");
                let item = BatchItem {
                    offset,
                    text: Raw(Cow::Owned(text)),
                    message: Ok(m.clone().into_owned()),
                };
                offset += item.text.get().len() + 1;
                item
            })
            .collect();
        Batch { items }
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the batch has no item (never true for a decoded batch: `[]` is an error).
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Each item's exact JSON text, with its byte offset in the input.
    pub fn raw_items(&self) -> impl Iterator<Item = (usize, Raw<'_>)> + '_ {
        self.items.iter().map(|i| (i.offset, i.text.borrowed()))
    }

    /// Each item as decoded and validated (an invalid item is an `Err`, the others are
    /// messages borrowing from the batch).
    pub fn iter(&self) -> impl Iterator<Item = Result<Message<'_>, Error>> + '_ {
        self.items.iter().map(|i| match &i.message {
            Ok(m) => Ok(borrow_message(m)),
            Err(e) => Err(e.clone()),
        })
    }

    /// The owned twin.
    pub fn into_owned(self) -> Batch<'static> {
        Batch {
            items: self
                .items
                .into_iter()
                .map(|i| BatchItem {
                    offset: i.offset,
                    text: owned_raw(i.text),
                    message: i.message.map(Message::into_owned),
                })
                .collect(),
        }
    }

    /// Exact length of [`encode`](Self::encode)'s output.
    pub fn encoded_len(&self) -> usize {
        2 + self.items.len().saturating_sub(1)
            + self.items.iter().map(|i| i.text.get().len()).sum::<usize>()
    }

    /// Writes `[item,item,...]` with each item's text as held.
    pub fn encode(&self, dst: &mut impl BufMut) {
        dst.put_u8(b'[');
        for (i, item) in self.items.iter().enumerate() {
            if i > 0 {
                dst.put_u8(b',');
            }
            dst.put_slice(item.text.get().as_bytes());
        }
        dst.put_u8(b']');
    }

    /// The encoding, in a buffer of exactly [`encoded_len`](Self::encoded_len) bytes.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.encode(&mut out);
        out
    }
}

impl<'a> Payload<'a> {
    /// The owned twin.
    pub fn into_owned(self) -> Payload<'static> {
        match self {
            Payload::Single(m) => Payload::Single(m.into_owned()),
            Payload::Batch(b) => Payload::Batch(b.into_owned()),
        }
    }

    /// Exact length of [`encode`](Self::encode)'s output.
    pub fn encoded_len(&self) -> usize {
        match self {
            Payload::Single(m) => m.encoded_len(),
            Payload::Batch(b) => b.encoded_len(),
        }
    }

    /// Writes the payload as compact JSON.
    pub fn encode(&self, dst: &mut impl BufMut) {
        match self {
            Payload::Single(m) => m.encode(dst),
            Payload::Batch(b) => b.encode(dst),
        }
    }

    /// The encoding in a new vector of exactly the right capacity.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.encode(&mut out);
        out
    }
}

/// A copy of `m` that borrows everything from it (no allocation, even for owned strings).
pub(crate) fn borrow_message<'p>(m: &'p Message<'_>) -> Message<'p> {
    match m {
        Message::Request(r) => Message::Request(Request {
            method: Cow::Borrowed(&r.method),
            params: r.params.as_ref().map(Raw::borrowed),
            id: r.id.as_ref().map(Id::borrowed),
        }),
        Message::Response(r) => Message::Response(Response {
            id: r.id.borrowed(),
            outcome: match &r.outcome {
                Outcome::Result(v) => Outcome::Result(v.borrowed()),
                Outcome::Error(e) => Outcome::Error(ErrorObject {
                    code: e.code,
                    message: Cow::Borrowed(&e.message),
                    data: e.data.as_ref().map(Raw::borrowed),
                }),
            },
        }),
    }
}

// ---------------------------------------------------------------------------------------------
// Decoding: one pass of the scanner over the text. The members JSON-RPC defines are matched
// by name as they are read and kept as slices of the input; everything else is checked and
// stepped over. A batch's items are read and validated in the same pass as the array.

/// Decodes one JSON text: a message or a batch.
pub(crate) fn decode_payload<'a>(
    input: &'a [u8],
    limits: &Limits,
    profile: Profile,
) -> Result<Payload<'a>, Error> {
    if input.len() > limits.max_message {
        return Err(Error::TooLarge {
            len: input.len(),
            limit: limits.max_message,
        });
    }
    // RFC 8259 §8.1: "JSON text exchanged between systems that are not part of a closed
    // ecosystem MUST be encoded using UTF-8". Checked once for the whole text, so that the
    // scanner can hand out `str` slices without looking at their bytes again.
    let Ok(text) = simdutf8::basic::from_utf8(input) else {
        let valid = std::str::from_utf8(input).map_or_else(|e| e.valid_up_to(), |s| s.len());
        return Err(Error::Parse {
            offset: valid,
            detail: "invalid UTF-8".into(),
        });
    };
    let mut s = Scanner::new(text, limits.max_depth);
    s.ws();
    let start = s.pos;
    match s.peek() {
        Some(b'{') => {
            let slots = read_object(&mut s, false)?;
            s.end().map_err(|Stop| s.fail())?;
            validate(slots, 0, profile).map(Payload::Single)
        }
        Some(b'[') => decode_batch(&mut s, limits, profile),
        // A JSON scalar is an invalid request; anything else is a parse error.
        _ => {
            s.value().map_err(|Stop| s.fail())?;
            s.end().map_err(|Stop| s.fail())?;
            Err(invalid(start, Problem::NotAnObject, None))
        }
    }
}

/// A parse error at the scanner's position.
#[cold]
fn parse_error(s: &mut Scanner<'_>, detail: &'static str) -> Error {
    s.stop(s.pos, detail);
    s.fail()
}

fn invalid(offset: usize, problem: Problem, id: Option<&Id<'_>>) -> Error {
    Error::Invalid {
        offset,
        problem,
        id: id.map(|i| i.clone().into_owned()),
    }
}

fn decode_batch<'a>(
    s: &mut Scanner<'a>,
    limits: &Limits,
    profile: Profile,
) -> Result<Payload<'a>, Error> {
    let open = s.pos;
    s.open().map_err(|Stop| s.fail())?;
    // Room for as many items as the text holds at 24 bytes each (every valid message is longer:
    // `{"jsonrpc":"2.0","method":""}` has 29), never more than the limit: one allocation for a
    // batch of valid messages, sized only from bytes present.
    let mut items = Vec::with_capacity((s.text.len() / 24).min(limits.max_batch));
    let mut over = false;
    if s.next() == Some(b']') {
        s.pos += 1;
    } else {
        loop {
            let first = s.next();
            let offset = s.pos;
            let message = if first == Some(b'{') {
                let slots = read_object(s, false)?;
                validate(slots, offset, profile)
            } else {
                s.value().map_err(|Stop| s.fail())?;
                Err(invalid(offset, Problem::NotAnObject, None))
            };
            // Over the limit: keep checking the JSON (a parse error still wins), store nothing.
            if items.len() < limits.max_batch {
                items.push(BatchItem {
                    offset,
                    text: Raw::scanned(s.slice(offset, s.pos)),
                    message,
                });
            } else {
                over = true;
            }
            match s.next() {
                Some(b',') => s.pos += 1,
                Some(b']') => {
                    s.pos += 1;
                    break;
                }
                _ => return Err(parse_error(s, "expected `,` or `]`")),
            }
        }
    }
    s.depth -= 1;
    s.end().map_err(|Stop| s.fail())?;
    if over {
        return Err(Error::BatchTooLong {
            offset: open,
            limit: limits.max_batch,
        });
    }
    if items.is_empty() {
        return Err(Error::EmptyBatch { offset: open });
    }
    Ok(Payload::Batch(Batch { items }))
}

/// The members of an object that JSON-RPC defines, each as its exact JSON text.
#[derive(Default)]
struct Slots<'a> {
    jsonrpc: Option<&'a str>,
    method: Option<&'a str>,
    params: Option<&'a str>,
    id: Option<&'a str>,
    result: Option<&'a str>,
    error: Option<&'a str>,
    code: Option<&'a str>,
    message: Option<&'a str>,
    data: Option<&'a str>,
    /// The members of `error` when it is an object (the last `error` when there are two).
    error_fields: Option<ErrorFields<'a>>,
    extra: bool,
    duplicate: Option<&'static str>,
    /// A member name that cannot be read as text (an escaped lone surrogate) in `error`.
    bad_name: bool,
}

/// The members of an `error` object (§5.1).
struct ErrorFields<'a> {
    code: Option<&'a str>,
    message: Option<&'a str>,
    data: Option<&'a str>,
    extra: bool,
    duplicate: Option<&'static str>,
    bad_name: bool,
}

/// The member names both object kinds use.
#[derive(Clone, Copy)]
enum Field {
    Jsonrpc,
    Method,
    Params,
    Id,
    Result,
    Error,
    Code,
    Message,
    Data,
    Other,
}

fn field(error_object: bool, name: &[u8]) -> Field {
    match (error_object, name) {
        (false, b"jsonrpc") => Field::Jsonrpc,
        (false, b"method") => Field::Method,
        (false, b"params") => Field::Params,
        (false, b"id") => Field::Id,
        (false, b"result") => Field::Result,
        (false, b"error") => Field::Error,
        (true, b"code") => Field::Code,
        (true, b"message") => Field::Message,
        (true, b"data") => Field::Data,
        _ => Field::Other,
    }
}

/// Reads the object at `s.pos` member by member into slots: the message object
/// (`error_object` false) or the `error` member's object inside it.
fn read_object<'a>(s: &mut Scanner<'a>, error_object: bool) -> Result<Slots<'a>, Error> {
    let mut slots = Slots::default();
    s.open().map_err(|Stop| s.fail())?;
    if s.next() == Some(b'}') {
        s.pos += 1;
        s.depth -= 1;
        return Ok(slots);
    }
    loop {
        let first = s.next();
        let name_at = s.pos;
        if first != Some(b'"') {
            return Err(parse_error(s, "key must be a string"));
        }
        let escaped = s.string().map_err(|Stop| s.fail())?;
        let quoted = s.slice(name_at, s.pos);
        let field = if escaped {
            // The name as text: escapes resolved (serde_json refuses a lone surrogate here).
            match serde_json::from_str::<String>(quoted) {
                Ok(name) => field(error_object, name.as_bytes()),
                Err(_) if error_object => {
                    slots.bad_name = true;
                    Field::Other
                }
                Err(e) => {
                    return Err(Error::Parse {
                        offset: name_at,
                        detail: e.to_string(),
                    })
                }
            }
        } else {
            field(error_object, &quoted.as_bytes()[1..quoted.len() - 1])
        };
        s.expect(b':', "expected `:`").map_err(|Stop| s.fail())?;
        let first = s.next();
        let start = s.pos;
        match field {
            Field::Other => {
                s.value().map_err(|Stop| s.fail())?;
                slots.extra = true;
            }
            Field::Error if first == Some(b'{') => {
                let inner = read_object(s, true)?;
                slots.error_fields = Some(ErrorFields {
                    code: inner.code,
                    message: inner.message,
                    data: inner.data,
                    extra: inner.extra,
                    duplicate: inner.duplicate,
                    bad_name: inner.bad_name,
                });
            }
            Field::Error => {
                s.value().map_err(|Stop| s.fail())?;
                slots.error_fields = None;
            }
            _ => {
                s.value().map_err(|Stop| s.fail())?;
            }
        }
        if !matches!(field, Field::Other) {
            let text = s.slice(start, s.pos);
            let (slot, name) = match field {
                Field::Jsonrpc => (&mut slots.jsonrpc, "jsonrpc"),
                Field::Method => (&mut slots.method, "method"),
                Field::Params => (&mut slots.params, "params"),
                Field::Id => (&mut slots.id, "id"),
                Field::Result => (&mut slots.result, "result"),
                Field::Error => (&mut slots.error, "error"),
                Field::Code => (&mut slots.code, "code"),
                Field::Message => (&mut slots.message, "message"),
                Field::Data | Field::Other => (&mut slots.data, "data"),
            };
            // Lenient: the last duplicate wins, as in JSON.parse and Python's json.
            if slot.replace(text).is_some() && slots.duplicate.is_none() {
                slots.duplicate = Some(name);
            }
        }
        match s.next() {
            Some(b',') => s.pos += 1,
            Some(b'}') => {
                s.pos += 1;
                s.depth -= 1;
                return Ok(slots);
            }
            _ => return Err(parse_error(s, "expected `,` or `}`")),
        }
    }
}

/// Checks the slots of one object found at `offset` against JSON-RPC 2.0 §4–§5.
fn validate(s: Slots<'_>, offset: usize, profile: Profile) -> Result<Message<'_>, Error> {
    let strict = profile == Profile::Strict;

    // The id first, so that the error reply for an otherwise invalid request can echo it.
    let id = match s.id {
        None => None,
        Some(raw) => match Id::from_json(raw) {
            None => {
                return Err(invalid(
                    offset,
                    Problem::Type {
                        member: "id",
                        expected: "a string, number or null",
                    },
                    None,
                ))
            }
            // §4: "Numbers SHOULD NOT contain fractional parts".
            Some(id) if strict && id.is_fractional() => {
                return Err(invalid(offset, Problem::FractionalId, None))
            }
            Some(id) => Some(id),
        },
    };
    let fail = |problem| Err(invalid(offset, problem, id.as_ref()));

    // §4: "jsonrpc: A String specifying the version of the JSON-RPC protocol. MUST be exactly "2.0"."
    match s.jsonrpc {
        Some(r#""2.0""#) => {}
        Some(v) if v.starts_with('"') && text::unquote(v) == "2.0" => {}
        _ => return fail(Problem::Version),
    }
    if strict {
        if let Some(name) = s.duplicate {
            return fail(Problem::Duplicate(name));
        }
        if s.extra {
            return fail(Problem::Extra);
        }
    }

    if let Some(method) = s.method {
        if s.result.is_some() || s.error.is_some() {
            return fail(Problem::RequestAndResponse);
        }
        // §4: "method: A String containing the name of the method to be invoked."
        if !method.starts_with('"') {
            return fail(Problem::Type {
                member: "method",
                expected: "a string",
            });
        }
        // §4.2: "If present, parameters for the rpc call MUST be provided as a Structured value."
        let params = match s.params {
            None => None,
            Some("null") if strict => return fail(Problem::ParamsNull),
            Some(p) if p == "null" || p.starts_with(['[', '{']) => Some(Raw::scanned(p)),
            Some(_) => {
                return fail(Problem::Type {
                    member: "params",
                    expected: "an array or object",
                })
            }
        };
        return Ok(Message::Request(Request {
            method: text::unquote(method),
            params,
            id,
        }));
    }

    if s.params.is_some() && strict && (s.result.is_some() || s.error.is_some()) {
        return fail(Problem::Extra);
    }
    let outcome = match (s.result, s.error) {
        (Some(_), Some(_)) => return fail(Problem::ResultAndError),
        (Some(r), None) => Outcome::Result(Raw::scanned(r)),
        (None, Some(_)) => match error_object(s.error_fields, strict) {
            Ok(e) => Outcome::Error(e),
            Err(p) => return fail(p),
        },
        (None, None) => return fail(Problem::Missing("method")),
    };
    // §5: "id: This member is REQUIRED."
    let Some(id) = id else {
        return fail(Problem::Missing("id"));
    };
    Ok(Message::Response(Response { id, outcome }))
}

fn error_object(fields: Option<ErrorFields<'_>>, strict: bool) -> Result<ErrorObject<'_>, Problem> {
    let Some(s) = fields else {
        return Err(Problem::Type {
            member: "error",
            expected: "an object",
        });
    };
    if s.bad_name {
        return Err(Problem::NotAnObject);
    }
    if strict {
        if let Some(name) = s.duplicate {
            return Err(Problem::Duplicate(name));
        }
        if s.extra {
            return Err(Problem::Extra);
        }
    }
    let code = s.code.ok_or(Problem::Missing("error.code"))?;
    let integer = code.strip_prefix('-').unwrap_or(code);
    let code = match integer.bytes().all(|b| b.is_ascii_digit()) {
        true => code.parse::<i64>().ok(),
        false => None,
    }
    .ok_or(Problem::Type {
        member: "error.code",
        expected: "an integer",
    })?;
    let message = s.message.ok_or(Problem::Missing("error.message"))?;
    if !message.starts_with('"') {
        return Err(Problem::Type {
            member: "error.message",
            expected: "a string",
        });
    }
    Ok(ErrorObject {
        code,
        message: text::unquote(message),
        data: s.data.map(Raw::scanned),
    })
}
