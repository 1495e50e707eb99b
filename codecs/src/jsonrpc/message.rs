//! Messages: request, notification, response (success or error) and batch; decoding with
//! validation done once, and encoding that writes exact, compact JSON.
//!
//! Design: serde_json reads the top-level object member by member into `&RawValue` slots (no
//! allocation: keys are matched without copying, values are borrowed slices of the input);
//! the slots are then checked against JSON-RPC 2.0 §4–§5 and turned into a typed view.
//! `params`, `result` and `error.data` stay `&RawValue` until the caller asks for a type.

use std::borrow::Cow;

use bytes::BufMut;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::error::{Error, Problem};
use super::id::Id;
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

/// A batch (§6): the list of item texts, each decoded on demand, so that one invalid item
/// does not spoil the others and the only allocation is the list itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch<'a> {
    items: Vec<(usize, Raw<'a>)>,
    profile: Profile,
}

/// JSON text as received (`params`, `result`, `error.data`): a validated `RawValue`, borrowed
/// from the input or owned, compared by its exact text.
#[derive(Debug, Clone)]
pub struct Raw<'a>(Cow<'a, RawValue>);

impl<'a> Raw<'a> {
    /// The exact JSON text.
    pub fn get(&self) -> &str {
        self.0.get()
    }

    /// The owned twin.
    pub fn into_owned(self) -> Raw<'static> {
        Raw(Cow::Owned(self.0.into_owned()))
    }

    /// A copy that borrows from `self`.
    pub fn borrowed(&self) -> Raw<'_> {
        Raw(Cow::Borrowed(&*self.0))
    }
}

impl core::ops::Deref for Raw<'_> {
    type Target = RawValue;
    fn deref(&self) -> &RawValue {
        &self.0
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
        Raw(Cow::Borrowed(raw))
    }
}

impl From<Box<RawValue>> for Raw<'static> {
    fn from(raw: Box<RawValue>) -> Self {
        Raw(Cow::Owned(raw))
    }
}

fn borrowed(raw: &RawValue) -> Raw<'_> {
    Raw::from(raw)
}

fn owned_raw(raw: Raw<'_>) -> Raw<'static> {
    raw.into_owned()
}

fn owned_str(s: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(s.into_owned())
}

/// Deserializes `raw` (or JSON `null` when absent) as `T`, borrowing where `T` does.
fn raw_as<'p, T: serde::Deserialize<'p>>(raw: Option<&'p RawValue>) -> serde_json::Result<T> {
    serde_json::from_str(raw.map_or("null", RawValue::get))
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
        raw_as(self.params.as_deref())
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
        raw_as(self.data.as_deref())
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
            outcome: Outcome::Result(borrowed(result)),
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
    /// A batch of messages (for encoding).
    pub fn from_messages<'m>(
        messages: impl IntoIterator<Item = &'m Message<'m>>,
    ) -> Batch<'static> {
        let items = messages
            .into_iter()
            .map(|m| {
                let text = String::from_utf8(m.to_vec()).expect("encoder writes UTF-8");
                let raw = RawValue::from_string(text).expect("encoder writes valid JSON");
                (0, Raw::from(raw))
            })
            .collect();
        Batch {
            items,
            profile: Profile::Strict,
        }
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
    pub fn raw_items(&self) -> impl Iterator<Item = (usize, &RawValue)> + '_ {
        self.items.iter().map(|(o, r)| (*o, &**r))
    }

    /// Each item decoded and validated (an invalid item is an `Err`, the others still decode).
    pub fn iter(&self) -> impl Iterator<Item = Result<Message<'_>, Error>> + '_ {
        self.items
            .iter()
            .map(|(offset, raw)| decode_item(raw, *offset, self.profile))
    }

    /// The owned twin.
    pub fn into_owned(self) -> Batch<'static> {
        Batch {
            items: self
                .items
                .into_iter()
                .map(|(o, r)| (o, owned_raw(r)))
                .collect(),
            profile: self.profile,
        }
    }

    /// Exact length of [`encode`](Self::encode)'s output.
    pub fn encoded_len(&self) -> usize {
        2 + self.items.len().saturating_sub(1)
            + self.items.iter().map(|(_, r)| r.get().len()).sum::<usize>()
    }

    /// Writes `[item,item,...]` with each item's text as held.
    pub fn encode(&self, dst: &mut impl BufMut) {
        dst.put_u8(b'[');
        for (i, (_, r)) in self.items.iter().enumerate() {
            if i > 0 {
                dst.put_u8(b',');
            }
            dst.put_slice(r.get().as_bytes());
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

// ---------------------------------------------------------------------------------------------
// Decoding

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
    // ecosystem MUST be encoded using UTF-8". serde_json skips the values of members we ignore
    // (IgnoredAny) without looking at their bytes, so the whole text is checked once here
    // (found by the jsonrpc_differential fuzz target).
    if let Err(e) = std::str::from_utf8(input) {
        return Err(Error::Parse {
            offset: e.valid_up_to(),
            detail: "invalid UTF-8".into(),
        });
    }
    text::check_depth(input, limits.max_depth)?;
    let start = input
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
    match start.map(|i| input[i]) {
        Some(b'{') => decode_object(input, 0, profile).map(Payload::Single),
        Some(b'[') => decode_batch(input, limits, profile),
        // A JSON scalar is an invalid request; anything else is a parse error.
        _ => match serde_json::from_slice::<IgnoredAny>(input) {
            Ok(_) => Err(invalid(start.unwrap_or(0), Problem::NotAnObject, None)),
            Err(e) => Err(parse_error(input, &e)),
        },
    }
}

fn parse_error(input: &[u8], e: &serde_json::Error) -> Error {
    Error::Parse {
        offset: text::offset_of(input, e.line(), e.column()),
        detail: e.to_string(),
    }
}

fn invalid(offset: usize, problem: Problem, id: Option<&Id<'_>>) -> Error {
    Error::Invalid {
        offset,
        problem,
        id: id.map(|i| i.clone().into_owned()),
    }
}

fn decode_batch<'a>(
    input: &'a [u8],
    limits: &Limits,
    profile: Profile,
) -> Result<Payload<'a>, Error> {
    struct Items {
        max: usize,
    }
    impl<'de> Visitor<'de> for Items {
        type Value = (Vec<&'de RawValue>, bool);
        fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            f.write_str("a JSON-RPC batch")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            // Grows with the items actually present (never sized from a declared count).
            let mut items = Vec::new();
            while items.len() < self.max {
                match seq.next_element::<&'de RawValue>()? {
                    Some(item) => items.push(item),
                    None => return Ok((items, false)),
                }
            }
            // Over the limit: keep validating the JSON (a parse error still wins) but store nothing.
            let mut over = false;
            while seq.next_element::<IgnoredAny>()?.is_some() {
                over = true;
            }
            Ok((items, over))
        }
    }
    let mut de = serde_json::Deserializer::from_slice(input);
    let (raws, over) = de
        .deserialize_seq(Items {
            max: limits.max_batch,
        })
        .and_then(|v| de.end().map(|()| v))
        .map_err(|e| parse_error(input, &e))?;
    if over {
        return Err(Error::BatchTooLong {
            offset: leading_ws(input),
            limit: limits.max_batch,
        });
    }
    if raws.is_empty() {
        return Err(Error::EmptyBatch {
            offset: leading_ws(input),
        });
    }
    let base = input.as_ptr() as usize;
    let items = raws
        .into_iter()
        .map(|r| (r.get().as_ptr() as usize - base, borrowed(r)))
        .collect();
    Ok(Payload::Batch(Batch { items, profile }))
}

fn decode_item<'a>(
    raw: &'a RawValue,
    offset: usize,
    profile: Profile,
) -> Result<Message<'a>, Error> {
    if raw.get().starts_with('{') {
        decode_object(raw.get().as_bytes(), offset, profile)
    } else {
        Err(invalid(offset, Problem::NotAnObject, None))
    }
}

/// The members of a top-level object that JSON-RPC defines, each as raw JSON text.
#[derive(Default)]
struct Slots<'a> {
    jsonrpc: Option<&'a RawValue>,
    method: Option<&'a RawValue>,
    params: Option<&'a RawValue>,
    id: Option<&'a RawValue>,
    result: Option<&'a RawValue>,
    error: Option<&'a RawValue>,
    code: Option<&'a RawValue>,
    message: Option<&'a RawValue>,
    data: Option<&'a RawValue>,
    extra: bool,
    duplicate: Option<&'static str>,
}

/// The member names both object kinds use, matched without copying the key.
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

struct FieldSeed {
    error_object: bool,
}

impl<'de> DeserializeSeed<'de> for FieldSeed {
    type Value = Field;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Field, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for FieldSeed {
    type Value = Field;
    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a member name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Field, E> {
        Ok(match (self.error_object, v) {
            (false, "jsonrpc") => Field::Jsonrpc,
            (false, "method") => Field::Method,
            (false, "params") => Field::Params,
            (false, "id") => Field::Id,
            (false, "result") => Field::Result,
            (false, "error") => Field::Error,
            (true, "code") => Field::Code,
            (true, "message") => Field::Message,
            (true, "data") => Field::Data,
            _ => Field::Other,
        })
    }
}

struct SlotsVisitor {
    error_object: bool,
}

impl<'de> Visitor<'de> for SlotsVisitor {
    type Value = Slots<'de>;
    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Slots<'de>, A::Error> {
        let mut s = Slots::default();
        while let Some(field) = map.next_key_seed(FieldSeed {
            error_object: self.error_object,
        })? {
            let (slot, name) = match field {
                Field::Jsonrpc => (&mut s.jsonrpc, "jsonrpc"),
                Field::Method => (&mut s.method, "method"),
                Field::Params => (&mut s.params, "params"),
                Field::Id => (&mut s.id, "id"),
                Field::Result => (&mut s.result, "result"),
                Field::Error => (&mut s.error, "error"),
                Field::Code => (&mut s.code, "code"),
                Field::Message => (&mut s.message, "message"),
                Field::Data => (&mut s.data, "data"),
                Field::Other => {
                    map.next_value::<IgnoredAny>()?;
                    s.extra = true;
                    continue;
                }
            };
            // Lenient: the last duplicate wins, as in JSON.parse and Python's json.
            if slot.replace(map.next_value()?).is_some() && s.duplicate.is_none() {
                s.duplicate = Some(name);
            }
        }
        Ok(s)
    }
}

fn read_slots(json: &[u8], error_object: bool) -> Result<Slots<'_>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(json);
    let slots = de.deserialize_map(SlotsVisitor { error_object })?;
    de.end()?;
    Ok(slots)
}

/// Decodes one object (`json` starts at `{` after optional whitespace) found at `offset`.
fn decode_object(json: &[u8], offset: usize, profile: Profile) -> Result<Message<'_>, Error> {
    let s = read_slots(json, false).map_err(|e| {
        let mut err = parse_error(json, &e);
        if let Error::Parse { offset: o, .. } = &mut err {
            *o += offset;
        }
        err
    })?;
    let strict = profile == Profile::Strict;

    // The id first, so that the error reply for an otherwise invalid request can echo it.
    let id = match s.id {
        None => None,
        Some(raw) => match Id::from_json(raw.get()) {
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
        Some(v) if v.get() == r#""2.0""# => {}
        Some(v) if v.get().starts_with('"') && text::unquote(v.get()) == "2.0" => {}
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
        if !method.get().starts_with('"') {
            return fail(Problem::Type {
                member: "method",
                expected: "a string",
            });
        }
        // §4.2: "If present, parameters for the rpc call MUST be provided as a Structured value."
        let params = match s.params {
            None => None,
            Some(p) if p.get() == "null" && strict => return fail(Problem::ParamsNull),
            Some(p) if p.get() == "null" || p.get().starts_with(['[', '{']) => Some(borrowed(p)),
            Some(_) => {
                return fail(Problem::Type {
                    member: "params",
                    expected: "an array or object",
                })
            }
        };
        return Ok(Message::Request(Request {
            method: text::unquote(method.get()),
            params,
            id,
        }));
    }

    if s.params.is_some() && strict && (s.result.is_some() || s.error.is_some()) {
        return fail(Problem::Extra);
    }
    let outcome = match (s.result, s.error) {
        (Some(_), Some(_)) => return fail(Problem::ResultAndError),
        (Some(r), None) => Outcome::Result(borrowed(r)),
        (None, Some(e)) => match decode_error_object(e, strict) {
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

fn decode_error_object(raw: &RawValue, strict: bool) -> Result<ErrorObject<'_>, Problem> {
    if !raw.get().starts_with('{') {
        return Err(Problem::Type {
            member: "error",
            expected: "an object",
        });
    }
    // Already validated JSON: this cannot fail to parse.
    let s = read_slots(raw.get().as_bytes(), true).map_err(|_| Problem::NotAnObject)?;
    if strict {
        if let Some(name) = s.duplicate {
            return Err(Problem::Duplicate(name));
        }
        if s.extra {
            return Err(Problem::Extra);
        }
    }
    let code = s.code.ok_or(Problem::Missing("error.code"))?.get();
    let integer = code.strip_prefix('-').unwrap_or(code);
    let code = match integer.bytes().all(|b| b.is_ascii_digit()) {
        true => code.parse::<i64>().ok(),
        false => None,
    }
    .ok_or(Problem::Type {
        member: "error.code",
        expected: "an integer",
    })?;
    let message = s.message.ok_or(Problem::Missing("error.message"))?.get();
    if !message.starts_with('"') {
        return Err(Problem::Type {
            member: "error.message",
            expected: "a string",
        });
    }
    Ok(ErrorObject {
        code,
        message: text::unquote(message),
        data: s.data.map(borrowed),
    })
}

/// How many JSON whitespace bytes precede the value in `input`.
fn leading_ws(input: &[u8]) -> usize {
    input
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        .count()
}
