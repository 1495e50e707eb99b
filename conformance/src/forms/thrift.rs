//! Canonical JSON form of Apache Thrift messages (documented in `docs/forms/thrift.md`).
//!
//! One document per message: `protocol`, `name`, `type`, `seqid` and `body` (the body struct's
//! fields as `[field id, value]` in wire order). Values are `{"type": ..., "value": ...}`
//! objects; lists and sets add `elem`, maps `key` and `val`. The protocol of each message is
//! read from its first byte (0x82 compact, anything else binary) unless the caller pins it
//! ([`decode_with`]); the `framed` profile reads a TFramedTransport stream, the `header`
//! profile THeader frames (the document then has a `header` member: flags, sequence number,
//! info headers).

use super::{Decoding, FormError};
use msgwire::thrift::{
    json, Decoder, Error, Framing, HeaderFrame, Limits, List, Map as TMap, Message, MessageType,
    OwnedHeaderFrame, OwnedMessage, Profile, Protocol, Struct, StructRef, TType, Value as TValue,
    ValueRef,
};
use msgwire::Decoded;
use serde_json::{json, Number, Value};

/// Decoder profiles, the default first: the specs as written, what the reference libraries read,
/// and (opt-in) the strict profile over framed transport (a 4-byte big-endian length before each
/// message), and (opt-in) the strict profile over THeader frames.
pub const PROFILES: &[&str] = &["strict", "lenient", "framed", "header"];

/// Profiles run only for cases whose verdict names them: a framed input is not an unframed one.
pub const OPT_IN_PROFILES: &[&str] = &["framed", "header"];

/// The wire protocols by the names documents and `--protocol` use.
pub const PROTOCOL_NAMES: &[&str] = &["binary", "compact", "json"];

/// A Thrift wire protocol: the codec's binary and compact, and TJSONProtocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    /// TBinaryProtocol.
    Binary,
    /// TCompactProtocol.
    Compact,
    /// TJSONProtocol.
    Json,
}

impl Wire {
    /// The protocol a message starting with `first` is in: 0x82 compact, `[` JSON, else binary
    /// (0x80 a strict header, 0x00-0x7f the old one).
    pub fn detect(first: u8) -> Wire {
        match first {
            b'[' => Wire::Json,
            _ if Protocol::detect(first) == Protocol::Compact => Wire::Compact,
            _ => Wire::Binary,
        }
    }

    /// The name documents use.
    pub fn name(self) -> &'static str {
        match self {
            Wire::Binary => "binary",
            Wire::Compact => "compact",
            Wire::Json => "json",
        }
    }

    /// The codec's protocol (for JSON: none).
    fn codec(self) -> Option<Protocol> {
        match self {
            Wire::Binary => Some(Protocol::Binary),
            Wire::Compact => Some(Protocol::Compact),
            Wire::Json => None,
        }
    }
}

/// The protocol named `name`.
pub fn protocol_named(name: &str) -> Option<Wire> {
    [Wire::Binary, Wire::Compact, Wire::Json]
        .into_iter()
        .find(|w| w.name() == name)
}

/// Bytes → canonical documents, under one of [`PROFILES`].
pub fn decode(input: &[u8], profile: &str) -> Decoding {
    let (p, framing) = match profile {
        "strict" => (Profile::Strict, Framing::Unframed),
        "lenient" => (Profile::Lenient, Framing::Unframed),
        "framed" => (Profile::Strict, Framing::Framed),
        "header" => (Profile::Strict, Framing::Header),
        other => {
            return Decoding {
                docs: Vec::new(),
                error: Some(form_error(
                    "unknown-profile",
                    None,
                    None,
                    format!("no profile {other:?}"),
                )),
            }
        }
    };
    decode_with(input, p, None, framing)
}

/// Bytes → canonical documents: the messages of `input` one after another, each in `protocol`
/// (or, when `None`, the protocol its first byte names: [`Wire::detect`]).
pub fn decode_with(
    input: &[u8],
    profile: Profile,
    protocol: Option<Wire>,
    framing: Framing,
) -> Decoding {
    let mut docs = Vec::new();
    let mut pos = 0;
    while pos < input.len() {
        let rest = &input[pos..];
        let first = match framing {
            Framing::Unframed => rest.first(),
            Framing::Framed => rest.get(4),
            // The header names the protocol.
            Framing::Header => None,
        };
        let wire = protocol.unwrap_or_else(|| Wire::detect(first.copied().unwrap_or(0)));
        let step = match wire.codec() {
            _ if framing == Framing::Header => {
                HeaderFrame::decode_with(rest, &Limits::default(), profile)
                    .map(|d| d.map(|f| header_doc(&f)))
            }
            Some(proto) => Decoder {
                limits: Limits::default(),
                profile,
                protocol: proto,
                framing,
            }
            .decode(rest)
            .map(|d| d.map(|m| message_doc(&m, wire))),
            None => json_step(rest, profile, framing),
        };
        match step {
            Ok(Decoded::Complete { value, used }) => {
                docs.push(value);
                pos += used;
            }
            Ok(Decoded::NeedMore { at_least }) => {
                let e = Error::Truncated {
                    offset: input.len(),
                    missing: at_least,
                };
                return Decoding {
                    docs,
                    error: Some(codec_error(&e, input.len())),
                };
            }
            Err(e) => {
                return Decoding {
                    docs,
                    error: Some(codec_error(&e, pos + e.offset())),
                }
            }
        }
    }
    Decoding { docs, error: None }
}

/// One TJSONProtocol message (framed: one frame holding exactly one) as its document.
fn json_step(buf: &[u8], profile: Profile, framing: Framing) -> Result<Decoded<Value>, Error> {
    let decoded = json::decode_framing(buf, &Limits::default(), profile, framing)?;
    Ok(decoded.map(|m| {
        // Through the binary view, so that one function writes every document.
        let bytes = m.to_vec(Protocol::Binary);
        Message::decode_with(
            &bytes,
            Protocol::Binary,
            &Limits::default(),
            Profile::Lenient,
        )
        .ok()
        .and_then(Decoded::complete)
        .map(|(v, _)| message_doc(&v, Wire::Json))
        .expect("a message the codec wrote reads back")
    }))
}

/// Canonical documents → bytes, each message in its document's `protocol`; a document with a
/// `header` member (what the `header` profile reads) is written as its THeader frame.
pub fn encode(docs: &[Value]) -> Result<Vec<u8>, FormError> {
    encode_with(docs, None, Framing::Unframed)
}

/// Canonical documents → bytes: each message in `protocol` if given (transcoding), else in its
/// document's `protocol` (`binary` when the document names none), framed or not (unframed, a
/// document with a `header` member is written as its THeader frame).
pub fn encode_with(
    docs: &[Value],
    protocol: Option<Wire>,
    framing: Framing,
) -> Result<Vec<u8>, FormError> {
    let mut out = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        let at = |e: FormError| FormError {
            message: if docs.len() == 1 {
                e.message
            } else {
                format!("document {i}: {}", e.message)
            },
            ..e
        };
        let (msg, named) = json_message(doc).map_err(at)?;
        let wire = protocol.or(named).unwrap_or(Wire::Binary);
        // A document with a header is a THeader frame unless framing says otherwise.
        let unframed_header = framing == Framing::Unframed && doc.get("header").is_some();
        if framing == Framing::Header || unframed_header {
            let frame = json_header(doc, msg, wire).map_err(at)?;
            out.extend_from_slice(&frame.to_vec());
            continue;
        }
        let bytes = match wire {
            Wire::Binary => msg.to_vec(Protocol::Binary),
            Wire::Compact => msg.to_vec(Protocol::Compact),
            Wire::Json => json::to_vec(&msg),
        };
        if framing == Framing::Framed {
            out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
        }
        out.extend_from_slice(&bytes);
    }
    Ok(out)
}

fn form_error(kind: &str, code: Option<i64>, offset: Option<usize>, message: String) -> FormError {
    FormError {
        kind: kind.into(),
        code,
        offset,
        message,
    }
}

fn codec_error(e: &Error, offset: usize) -> FormError {
    form_error(
        e.kind(),
        Some(i64::from(e.code().0)),
        Some(offset),
        e.to_string(),
    )
}

fn bad(message: impl Into<String>) -> FormError {
    form_error("invalid-form", None, None, message.into())
}

// ---- bytes → JSON ----

fn float(v: f64) -> Value {
    match Number::from_f64(v) {
        Some(n) => Value::Number(n),
        None if v.is_nan() => json!("NaN"),
        None if v > 0.0 => json!("Infinity"),
        None => json!("-Infinity"),
    }
}

fn typed(t: TType, v: Value) -> Value {
    json!({"type": t.name(), "value": v})
}

fn value_doc(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Bool(b) => typed(TType::Bool, json!(b)),
        ValueRef::Byte(n) => typed(TType::Byte, json!(n)),
        ValueRef::I16(n) => typed(TType::I16, json!(n)),
        ValueRef::I32(n) => typed(TType::I32, json!(n)),
        ValueRef::I64(n) => typed(TType::I64, json!(n)),
        ValueRef::Double(f) => typed(TType::Double, float(f)),
        ValueRef::Binary(b) => typed(TType::Binary, json!(hex::encode(b))),
        ValueRef::Uuid(u) => typed(TType::Uuid, json!(hex::encode(u))),
        ValueRef::Struct(s) => typed(TType::Struct, fields_doc(s)),
        ValueRef::List(l) | ValueRef::Set(l) => json!({
            "type": v.ttype().name(),
            "elem": l.elem_type().name(),
            "value": l.iter().map(value_doc).collect::<Vec<_>>(),
        }),
        ValueRef::Map(m) => json!({
            "type": "map",
            "key": m.key_type().name(),
            "val": m.value_type().name(),
            "value": m.iter().map(|(k, v)| json!([value_doc(k), value_doc(v)])).collect::<Vec<_>>(),
        }),
    }
}

fn fields_doc(s: StructRef<'_>) -> Value {
    Value::Array(s.iter().map(|(id, v)| json!([id, value_doc(v)])).collect())
}

/// The canonical document of one message read in `protocol`.
pub fn message_doc(m: &Message<'_>, protocol: Wire) -> Value {
    json!({
        "protocol": protocol.name(),
        "name": m.name,
        "type": m.kind.name(),
        "seqid": m.seqid,
        "body": fields_doc(m.body),
    })
}

// ---- JSON → bytes ----

fn json_float(v: &Value) -> Result<f64, FormError> {
    match v {
        Value::Number(n) => n.as_f64().ok_or_else(|| bad("double out of range")),
        Value::String(s) if s == "NaN" => Ok(f64::NAN),
        Value::String(s) if s == "Infinity" => Ok(f64::INFINITY),
        Value::String(s) if s == "-Infinity" => Ok(f64::NEG_INFINITY),
        other => Err(bad(format!(
            "a double is a number, \"NaN\", \"Infinity\" or \"-Infinity\", got {other}"
        ))),
    }
}

fn json_int<T: TryFrom<i64>>(v: &Value, t: &str) -> Result<T, FormError> {
    v.as_i64()
        .and_then(|n| T::try_from(n).ok())
        .ok_or_else(|| bad(format!("not an {t}: {v}")))
}

fn hex_bytes(v: &Value) -> Result<Vec<u8>, FormError> {
    let s = v
        .as_str()
        .ok_or_else(|| bad(format!("bytes are a hex string, got {v}")))?;
    hex::decode(s).map_err(|e| bad(format!("bad hex {s:?}: {e}")))
}

fn items(v: &Value) -> Result<&[Value], FormError> {
    v.as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| bad("/value: must be a list"))
}

fn type_member(doc: &Value, member: &str) -> Result<TType, FormError> {
    let name = doc
        .get(member)
        .and_then(Value::as_str)
        .ok_or_else(|| bad(format!("/{member}: a type name is required")))?;
    TType::from_name(name).ok_or_else(|| bad(format!("/{member}: no type {name:?}")))
}

/// One `{"type": ..., "value": ...}` value, `depth` levels down (bounded as the decoder's is).
fn json_value(doc: &Value, depth: usize) -> Result<TValue, FormError> {
    if depth > Limits::HARD_MAX_DEPTH {
        return Err(bad(format!(
            "nested deeper than {}",
            Limits::HARD_MAX_DEPTH
        )));
    }
    let t = type_member(doc, "type")?;
    let v = doc
        .get("value")
        .ok_or_else(|| bad("/value: missing member"))?;
    let under = |p: String, e: FormError| super::error_under(&p, e);
    Ok(match t {
        TType::Bool => TValue::Bool(v.as_bool().ok_or_else(|| bad("/value: not a bool"))?),
        TType::Byte => TValue::Byte(json_int(v, "i8").map_err(|e| under("/value".into(), e))?),
        TType::I16 => TValue::I16(json_int(v, "i16").map_err(|e| under("/value".into(), e))?),
        TType::I32 => TValue::I32(json_int(v, "i32").map_err(|e| under("/value".into(), e))?),
        TType::I64 => TValue::I64(json_int(v, "i64").map_err(|e| under("/value".into(), e))?),
        TType::Double => TValue::Double(json_float(v).map_err(|e| under("/value".into(), e))?),
        TType::Binary => TValue::Binary(hex_bytes(v).map_err(|e| under("/value".into(), e))?),
        TType::Uuid => {
            let b = hex_bytes(v).map_err(|e| under("/value".into(), e))?;
            TValue::Uuid(
                b.try_into()
                    .map_err(|_| bad("/value: a uuid is 16 bytes"))?,
            )
        }
        TType::Struct => {
            TValue::Struct(json_fields(v, depth + 1).map_err(|e| under("/value".into(), e))?)
        }
        TType::List | TType::Set => {
            let elem = type_member(doc, "elem")?;
            let vals = items(v)?
                .iter()
                .enumerate()
                .map(|(i, e)| json_value(e, depth + 1).map_err(|e| under(format!("/value/{i}"), e)))
                .collect::<Result<Vec<_>, _>>()?;
            let l = List::new(elem, vals).map_err(|e| bad(format!("/value: {e}")))?;
            if t == TType::List {
                TValue::List(l)
            } else {
                TValue::Set(l)
            }
        }
        TType::Map => {
            let key = type_member(doc, "key")?;
            let val = type_member(doc, "val")?;
            let entries = items(v)?
                .iter()
                .enumerate()
                .map(|(i, pair)| match pair.as_array().map(Vec::as_slice) {
                    Some([k, x]) => Ok((
                        json_value(k, depth + 1).map_err(|e| under(format!("/value/{i}/0"), e))?,
                        json_value(x, depth + 1).map_err(|e| under(format!("/value/{i}/1"), e))?,
                    )),
                    _ => Err(bad(format!("/value/{i}: an entry is [key, value]"))),
                })
                .collect::<Result<Vec<_>, _>>()?;
            TValue::Map(TMap::new(key, val, entries).map_err(|e| bad(format!("/value: {e}")))?)
        }
    })
}

/// A struct's `[[field id, value], ...]`.
fn json_fields(v: &Value, depth: usize) -> Result<Struct, FormError> {
    let list = v
        .as_array()
        .ok_or_else(|| bad("a struct is a list of [field id, value]"))?;
    let mut s = Struct::new();
    for (i, f) in list.iter().enumerate() {
        match f.as_array().map(Vec::as_slice) {
            Some([id, x]) => {
                let id: i16 = json_int(id, "i16 field id")
                    .map_err(|e| super::error_under(&format!("/{i}/0"), e))?;
                let x =
                    json_value(x, depth).map_err(|e| super::error_under(&format!("/{i}/1"), e))?;
                s.fields.push((id, x));
            }
            _ => return Err(bad(format!("/{i}: a field is [field id, value]"))),
        }
    }
    Ok(s)
}

/// The document of a THeader frame: the message's, with `header` (flags, sequence number, info
/// headers as `[key hex, value hex]` in wire order).
pub fn header_doc(f: &HeaderFrame<'_>) -> Value {
    let mut doc = message_doc(&f.message, Wire::from(f.protocol));
    doc["header"] = json!({
        "flags": f.flags,
        "seqid": f.seqid,
        "info": f.info.iter().map(|(k, v)| json!([hex::encode(k), hex::encode(v)])).collect::<Vec<_>>(),
    });
    doc
}

/// The THeader frame of a message document (its optional `header` member: flags 0, the
/// message's seqid and no info headers when absent).
fn json_header(doc: &Value, msg: OwnedMessage, wire: Wire) -> Result<OwnedHeaderFrame, FormError> {
    let protocol = wire
        .codec()
        .ok_or_else(|| bad("TJSONProtocol is not carried in THeader frames (binary or compact)"))?;
    let mut frame = OwnedHeaderFrame::new(msg, protocol);
    let Some(h) = doc.get("header") else {
        return Ok(frame);
    };
    let under = |e: FormError| super::error_under("/header", e);
    if let Some(f) = h.get("flags") {
        frame.flags = json_int(f, "u16 flags").map_err(under)?;
    }
    if let Some(n) = h.get("seqid") {
        frame.seqid = json_int(n, "i32 seqid").map_err(under)?;
    }
    if let Some(info) = h.get("info") {
        for (i, pair) in items(info).map_err(under)?.iter().enumerate() {
            match pair.as_array().map(Vec::as_slice) {
                Some([k, v]) => frame
                    .info
                    .push((hex_bytes(k).map_err(under)?, hex_bytes(v).map_err(under)?)),
                _ => {
                    return Err(bad(format!(
                        "/header/info/{i}: a pair is [key hex, value hex]"
                    )))
                }
            }
        }
    }
    Ok(frame)
}

impl From<Protocol> for Wire {
    fn from(p: Protocol) -> Wire {
        match p {
            Protocol::Compact => Wire::Compact,
            _ => Wire::Binary,
        }
    }
}

/// A message document, and the protocol it names (if any).
fn json_message(doc: &Value) -> Result<(OwnedMessage, Option<Wire>), FormError> {
    let protocol = match doc.get("protocol") {
        None => None,
        Some(p) => Some(
            p.as_str()
                .and_then(protocol_named)
                .ok_or_else(|| bad(format!("/protocol: binary, compact or json, got {p}")))?,
        ),
    };
    let name = doc
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("/name: a string is required"))?;
    let kind = doc
        .get("type")
        .and_then(Value::as_str)
        .and_then(MessageType::from_name)
        .ok_or_else(|| bad("/type: call, reply, exception or oneway"))?;
    let seqid = doc
        .get("seqid")
        .and_then(Value::as_i64)
        .and_then(|n| i32::try_from(n).ok())
        .ok_or_else(|| bad("/seqid: an i32 is required"))?;
    let body = json_fields(
        doc.get("body")
            .ok_or_else(|| bad("/body: missing member"))?,
        1,
    )
    .map_err(|e| super::error_under("/body", e))?;
    Ok((OwnedMessage::new(name, kind, seqid, body), protocol))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hx(s: &str) -> Vec<u8> {
        hex::decode(s.replace(' ', "")).unwrap()
    }

    #[test]
    fn every_type_round_trips_in_both_protocols() {
        let doc = json!({
            "protocol": "binary", "name": "add", "type": "call", "seqid": -7,
            "body": [
                [1, {"type": "bool", "value": true}],
                [2, {"type": "byte", "value": -128}],
                [3, {"type": "i16", "value": 32767}],
                [4, {"type": "i32", "value": -2147483648i64}],
                [5, {"type": "i64", "value": i64::MIN}],
                [6, {"type": "double", "value": -0.0}],
                [7, {"type": "double", "value": "NaN"}],
                [8, {"type": "binary", "value": "00ff"}],
                [9, {"type": "uuid", "value": "000102030405060708090a0b0c0d0e0f"}],
                [-3, {"type": "struct", "value": [[1, {"type": "double", "value": "-Infinity"}]]}],
                [20, {"type": "list", "elem": "bool", "value": [{"type": "bool", "value": false}]}],
                [21, {"type": "set", "elem": "i32", "value": []}],
                [22, {"type": "map", "key": "binary", "val": "list", "value": [
                    [{"type": "binary", "value": "6b"},
                     {"type": "list", "elem": "i64", "value": [{"type": "i64", "value": 1}]}]]}]
            ]
        });
        for proto in PROTOCOL_NAMES {
            let mut d = doc.clone();
            d["protocol"] = json!(proto);
            let bytes = encode(std::slice::from_ref(&d)).unwrap();
            assert_eq!(Wire::detect(bytes[0]), protocol_named(proto).unwrap());
            let back = decode(&bytes, "strict");
            assert_eq!(back.error, None, "{proto}");
            assert_eq!(back.docs, vec![d.clone()], "{proto}");
            // Framed: the same documents, each after its length.
            let framed = encode_with(std::slice::from_ref(&d), None, Framing::Framed).unwrap();
            assert_eq!(&framed[4..], &bytes[..]);
            assert_eq!(decode(&framed, "framed").docs, vec![d]);
        }
    }

    #[test]
    fn a_stream_mixes_protocols_and_errors_carry_absolute_offsets() {
        // A compact ping, a strict binary ping, then a binary call whose string length is -1.
        let input = hx("8221010470696e6700 \
                        800100010000000470696e670000000100 \
                        80010001 00000001 78 00000000 0b0001 ffffffff 00");
        let d = decode(&input, "strict");
        assert_eq!(d.docs.len(), 2);
        assert_eq!(d.docs[0]["protocol"], "compact");
        assert_eq!(d.docs[1]["protocol"], "binary");
        let e = d.error.unwrap();
        assert_eq!(e.kind, "negative-length");
        assert_eq!(e.code, Some(2));
        assert_eq!(e.offset, Some(9 + 17 + 16));
        // Cut short: truncated at the end of the input.
        let t = decode(&input[..12], "strict").error.unwrap();
        assert_eq!((t.kind.as_str(), t.offset), ("truncated", Some(12)));
        // An oversized frame is refused from its length alone.
        let f = decode(&hx("7fffffff 80"), "framed").error.unwrap();
        assert_eq!((f.kind.as_str(), f.code), ("frame-size", Some(3)));
        assert_eq!(decode(&[], "nope").error.unwrap().kind, "unknown-profile");
    }

    #[test]
    fn pinned_protocol_and_transcoding() {
        let compact = hx("8221010470696e6700");
        // Read as binary, the compact bytes are a bad version.
        let d = decode_with(
            &compact,
            Profile::Strict,
            Some(Wire::Binary),
            Framing::Unframed,
        );
        assert_eq!(d.error.unwrap().kind, "bad-version");
        let d = decode(&compact, "strict");
        let binary = encode_with(&d.docs, Some(Wire::Binary), Framing::Unframed).unwrap();
        assert_eq!(hex::encode(binary), "800100010000000470696e670000000100");
        // The old binary header is read, and written strict.
        let old = hx("0000000470696e6701 00000001 00");
        let d = decode(&old, "strict");
        assert_eq!(d.error, None);
        assert_eq!(d.docs[0]["name"], "ping");
        assert_eq!(
            hex::encode(encode(&d.docs).unwrap()),
            "800100010000000470696e670000000100"
        );
    }

    #[test]
    fn bad_forms_are_refused_with_a_pointer() {
        for (doc, at) in [
            (
                json!({"name": "x", "type": "call", "seqid": 0, "body": [[1, {"type": "byte", "value": 128}]]}),
                "/body/0/1/value",
            ),
            (
                json!({"name": "x", "type": "call", "seqid": 1i64 << 31, "body": []}),
                "/seqid",
            ),
            (
                json!({"name": "x", "type": "nope", "seqid": 0, "body": []}),
                "/type",
            ),
            (
                json!({"protocol": "json5", "name": "x", "type": "call", "seqid": 0, "body": []}),
                "/protocol",
            ),
            (
                json!({"name": "x", "type": "call", "seqid": 0, "body": [[1, {"type": "list", "elem": "i32", "value": [{"type": "i64", "value": 1}]}]]}),
                "/body/0/1/value",
            ),
            (
                json!({"name": "x", "type": "call", "seqid": 0, "body": [[1, {"type": "uuid", "value": "00"}]]}),
                "/body/0/1/value",
            ),
        ] {
            let e = encode(std::slice::from_ref(&doc)).unwrap_err();
            assert_eq!(e.kind, "invalid-form", "{doc}");
            assert!(e.message.starts_with(at), "{doc}: {}", e.message);
        }
    }
}
