//! Canonical JSON form of MessagePack values and MessagePack-RPC messages
//! (documented in `docs/forms/msgpack-rpc.md`).
//!
//! Values are one-key objects tagged with msgpack-test-suite's names (`nil`, `bool`, `number`,
//! `bignum`, `string`, `binary`, `array`, `map`, `ext`, `timestamp`), with `number` split into
//! `number` (integers), `float32` and `float64`, so the form survives JSON parsers that do not
//! keep `1.0` apart from `1`. Messages are objects with `kind` request|response|notification.
//! The message profiles (`strict`, `lenient`, `neovim`) read each top-level item as a message;
//! the value profiles (`value`, `value-lenient`) as a bare value.

use super::{Decoding, FormError};
use msgwire::msgpack_rpc::neovim::{ExtTypes, Handle, HandleKind};
use msgwire::msgpack_rpc::{
    Error, Int, Limits, Message, Method, OwnedMessage, Profile, Timestamp, Value as Mp, ValueRef,
};
use msgwire::Decoded;
use serde_json::{json, Map, Number, Value};
use std::borrow::Cow;

/// Decoder profiles, the default first.
pub const PROFILES: &[&str] = &["strict", "lenient", "neovim", "value", "value-lenient"];

/// Integers beyond ±(2^53 - 1) are written as `bignum` strings: JSON readers in JavaScript and
/// many others hold numbers in an f64.
const SAFE_INT: i128 = (1 << 53) - 1;

/// Bytes → canonical documents.
pub fn decode(input: &[u8], profile: &str) -> Decoding {
    let (p, values) = match profile {
        "strict" => (Profile::Strict, false),
        "lenient" => (Profile::Lenient, false),
        "neovim" => (Profile::Neovim, false),
        "value" => (Profile::Strict, true),
        "value-lenient" => (Profile::Lenient, true),
        other => {
            return Decoding {
                docs: Vec::new(),
                error: Some(form_error(
                    "unknown-profile",
                    None,
                    format!("no profile {other:?}"),
                )),
            }
        }
    };
    let nvim = (p == Profile::Neovim).then(ExtTypes::default);
    let limits = Limits::default();
    let mut docs = Vec::new();
    let mut pos = 0;
    while pos < input.len() {
        let rest = &input[pos..];
        let step = if values {
            ValueRef::decode_with(rest, &limits, p).map(|d| d.map(|v| value_doc(v, nvim.as_ref())))
        } else {
            Message::decode_with(rest, &limits, p)
                .map(|d| d.map(|m| message_doc(&m, nvim.as_ref())))
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

/// Canonical documents → bytes (each document a message if it has `kind`, else a value).
pub fn encode(docs: &[Value]) -> Result<Vec<u8>, FormError> {
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
        if doc.get("kind").is_some() {
            json_message(doc).map_err(at)?.encode(&mut out);
        } else {
            json_value(doc).map_err(at)?.encode(&mut out);
        }
    }
    Ok(out)
}

fn form_error(kind: &str, offset: Option<usize>, message: String) -> FormError {
    FormError {
        kind: kind.into(),
        code: None,
        offset,
        message,
    }
}

fn codec_error(e: &Error, offset: usize) -> FormError {
    form_error(e.kind(), Some(offset), e.to_string())
}

fn bad(message: impl Into<String>) -> FormError {
    form_error("invalid-form", None, message.into())
}

// ---- bytes → JSON ----

fn tagged(tag: &str, v: Value) -> Value {
    let mut m = Map::new();
    m.insert(tag.into(), v);
    Value::Object(m)
}

fn float(v: f64) -> Value {
    match Number::from_f64(v) {
        Some(n) => Value::Number(n),
        None if v.is_nan() => json!("NaN"),
        None if v > 0.0 => json!("Infinity"),
        None => json!("-Infinity"),
    }
}

fn int_json(i: Int) -> Value {
    let n = i.as_i128();
    if n.abs() <= SAFE_INT {
        tagged("number", json!(n as i64))
    } else {
        tagged("bignum", json!(n.to_string()))
    }
}

fn value_doc(v: ValueRef<'_>, nvim: Option<&ExtTypes>) -> Value {
    match v {
        ValueRef::Nil => tagged("nil", Value::Null),
        ValueRef::Bool(b) => tagged("bool", json!(b)),
        ValueRef::Int(i) => int_json(i),
        ValueRef::F32(f) => tagged("float32", float(f64::from(f))),
        ValueRef::F64(f) => tagged("float64", float(f)),
        ValueRef::Str(s) => tagged("string", json!(s.as_str())),
        ValueRef::RawStr(b) => tagged("string", json!({ "hex": hex::encode(b) })),
        ValueRef::Bin(b) => tagged("binary", json!(hex::encode(b))),
        ValueRef::Array(a) => tagged(
            "array",
            Value::Array(a.iter().map(|v| value_doc(v, nvim)).collect()),
        ),
        ValueRef::Map(m) => tagged(
            "map",
            Value::Array(
                m.iter()
                    .map(|(k, v)| json!([value_doc(k, nvim), value_doc(v, nvim)]))
                    .collect(),
            ),
        ),
        ValueRef::Ext(t, d) => {
            if let Some(h) = nvim.and_then(|types| handle_doc(types, &v, d)) {
                return h;
            }
            tagged("ext", json!([t, hex::encode(d)]))
        }
        ValueRef::Timestamp(ts) => tagged("timestamp", json!([ts.seconds(), ts.nanos()])),
    }
}

/// `{"buffer": 1}` for a handle whose payload is in its smallest form (else the plain ext, so
/// the form stays lossless).
fn handle_doc(types: &ExtTypes, v: &ValueRef<'_>, data: &[u8]) -> Option<Value> {
    let h = types.handle(v)?;
    let Mp::Ext(_, minimal) = types.to_value(h) else {
        return None;
    };
    (minimal == data).then(|| tagged(h.kind.name(), json!(h.id)))
}

fn method_doc(m: &Method<'_>) -> Value {
    match m {
        Method::Str(s) => json!(s),
        Method::RawStr(b) => json!({ "hex": hex::encode(b) }),
        Method::Bin(b) => json!({ "binary": hex::encode(b) }),
    }
}

fn message_doc(m: &Message<'_>, nvim: Option<&ExtTypes>) -> Value {
    match m {
        Message::Request {
            msgid,
            method,
            params,
        } => json!({
            "kind": "request",
            "msgid": msgid,
            "method": method_doc(method),
            "params": params.iter().map(|v| value_doc(v, nvim)).collect::<Vec<_>>(),
        }),
        Message::Response {
            msgid,
            error,
            result,
        } => json!({
            "kind": "response",
            "msgid": msgid,
            "error": value_doc(*error, nvim),
            "result": value_doc(*result, nvim),
        }),
        Message::Notification { method, params } => json!({
            "kind": "notification",
            "method": method_doc(method),
            "params": params.iter().map(|v| value_doc(v, nvim)).collect::<Vec<_>>(),
        }),
    }
}

// ---- JSON → bytes ----

fn hex_bytes(s: &str) -> Result<Vec<u8>, FormError> {
    let clean: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    hex::decode(clean).map_err(|e| bad(format!("bad hex {s:?}: {e}")))
}

fn json_float(v: &Value) -> Result<f64, FormError> {
    match v {
        Value::Number(n) => n.as_f64().ok_or_else(|| bad("float out of range")),
        Value::String(s) if s == "NaN" => Ok(f64::NAN),
        Value::String(s) if s == "Infinity" => Ok(f64::INFINITY),
        Value::String(s) if s == "-Infinity" => Ok(f64::NEG_INFINITY),
        other => Err(bad(format!("not a float: {other}"))),
    }
}

fn json_int(v: &Value) -> Result<Int, FormError> {
    if let Some(u) = v.as_u64() {
        Ok(Int::from(u))
    } else if let Some(i) = v.as_i64() {
        Ok(Int::from(i))
    } else {
        Err(bad(format!("not an integer: {v}")))
    }
}

/// One tagged value.
fn json_value(doc: &Value) -> Result<Mp, FormError> {
    let obj = doc
        .as_object()
        .filter(|o| o.len() == 1)
        .ok_or_else(|| bad(format!("a value is a one-key object, got {doc}")))?;
    let (tag, v) = obj.iter().next().ok_or_else(|| bad("empty object"))?;
    tagged_value(tag, v).map_err(|e| super::error_under(&super::segment(tag), e))
}

/// The value of a one-key object `{tag: v}`; errors located under `v`.
fn tagged_value(tag: &str, v: &Value) -> Result<Mp, FormError> {
    let at = |i: String, e: FormError| super::error_under(&i, e);
    Ok(match tag {
        "nil" if v.is_null() => Mp::Nil,
        "bool" => Mp::Bool(v.as_bool().ok_or_else(|| bad("bool must be true/false"))?),
        "number" => Mp::Int(json_int(v)?),
        "bignum" => {
            let s = v.as_str().ok_or_else(|| bad("bignum must be a string"))?;
            let n: i128 = s.parse().map_err(|_| bad(format!("bad bignum {s:?}")))?;
            Mp::Int(Int::try_from(n).map_err(|_| bad(format!("bignum out of range {s}")))?)
        }
        "float32" => {
            let f = json_float(v)?;
            let narrow = f as f32;
            if !f.is_nan() && f64::from(narrow) != f {
                return Err(bad(format!("{f} is not exactly a float32")));
            }
            Mp::F32(narrow)
        }
        "float64" => Mp::F64(json_float(v)?),
        "string" => match v {
            Value::String(s) => Mp::Str(s.clone()),
            Value::Object(o) => {
                let h = o
                    .get("hex")
                    .and_then(Value::as_str)
                    .ok_or_else(|| bad("string object needs hex"))?;
                let b = hex_bytes(h)?;
                match String::from_utf8(b) {
                    Ok(s) => Mp::Str(s),
                    Err(e) => Mp::RawStr(e.into_bytes()),
                }
            }
            _ => return Err(bad("string must be a string or {\"hex\": ...}")),
        },
        "binary" => Mp::Bin(hex_bytes(
            v.as_str().ok_or_else(|| bad("binary must be hex"))?,
        )?),
        "array" => Mp::Array(
            v.as_array()
                .ok_or_else(|| bad("array must be a list"))?
                .iter()
                .enumerate()
                .map(|(i, e)| json_value(e).map_err(|e| at(format!("/{i}"), e)))
                .collect::<Result<_, _>>()?,
        ),
        "map" => Mp::Map(
            v.as_array()
                .ok_or_else(|| bad("map must be a list of [key, value]"))?
                .iter()
                .enumerate()
                .map(|(i, pair)| match pair.as_array().map(Vec::as_slice) {
                    Some([k, v]) => Ok((
                        json_value(k).map_err(|e| at(format!("/{i}/0"), e))?,
                        json_value(v).map_err(|e| at(format!("/{i}/1"), e))?,
                    )),
                    _ => Err(bad(format!(
                        "/{i}: map entry must be [key, value], got {pair}"
                    ))),
                })
                .collect::<Result<_, _>>()?,
        ),
        "ext" => match v.as_array().map(Vec::as_slice) {
            Some([t, d]) => {
                let t = t
                    .as_i64()
                    .and_then(|t| i8::try_from(t).ok())
                    .ok_or_else(|| bad("ext type must be -128..127"))?;
                let d = hex_bytes(d.as_str().ok_or_else(|| bad("ext data must be hex"))?)?;
                Mp::Ext(t, d)
            }
            _ => return Err(bad("ext must be [type, hex]")),
        },
        "timestamp" => match v.as_array().map(Vec::as_slice) {
            Some([s, n]) => {
                let s = s
                    .as_i64()
                    .ok_or_else(|| bad("timestamp seconds must be i64"))?;
                let n = n
                    .as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or_else(|| bad("timestamp nanoseconds must be u32"))?;
                Mp::Timestamp(
                    Timestamp::new(s, n).ok_or_else(|| bad("nanoseconds above 999999999"))?,
                )
            }
            _ => return Err(bad("timestamp must be [seconds, nanoseconds]")),
        },
        "buffer" | "window" | "tabpage" => {
            let kind = match tag {
                "buffer" => HandleKind::Buffer,
                "window" => HandleKind::Window,
                _ => HandleKind::Tabpage,
            };
            let id = v.as_i64().ok_or_else(|| bad("handle must be an integer"))?;
            ExtTypes::default().to_value(Handle { kind, id })
        }
        other => return Err(bad(format!("unknown value tag {other:?}"))),
    })
}

fn json_method(v: Option<&Value>) -> Result<Method<'static>, FormError> {
    match v {
        Some(Value::String(s)) => Ok(Method::Str(Cow::Owned(s.clone()))),
        Some(Value::Object(o)) if o.len() == 1 => {
            if let Some(h) = o.get("hex").and_then(Value::as_str) {
                Ok(Method::RawStr(Cow::Owned(hex_bytes(h)?)))
            } else if let Some(h) = o.get("binary").and_then(Value::as_str) {
                Ok(Method::Bin(Cow::Owned(hex_bytes(h)?)))
            } else {
                Err(bad("method object needs hex or binary"))
            }
        }
        _ => Err(bad("method must be a string, {\"hex\"} or {\"binary\"}")),
    }
}

fn json_message(doc: &Value) -> Result<OwnedMessage, FormError> {
    let field = |name: &str| {
        doc.get(name)
            .ok_or_else(|| bad(format!("/{name}: missing member")))
    };
    let msgid = || -> Result<u32, FormError> {
        field("msgid")?
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| bad("/msgid: must be 0..=4294967295"))
    };
    let params = || -> Result<Vec<Mp>, FormError> {
        field("params")?
            .as_array()
            .ok_or_else(|| bad("/params: must be a list"))?
            .iter()
            .enumerate()
            .map(|(i, v)| json_value(v).map_err(|e| super::error_under(&format!("/params/{i}"), e)))
            .collect()
    };
    let method = || json_method(doc.get("method")).map_err(|e| super::error_under("/method", e));
    let value = |name: &str| {
        json_value(field(name)?).map_err(|e| super::error_under(&format!("/{name}"), e))
    };
    match doc.get("kind").and_then(Value::as_str) {
        Some("request") => Ok(OwnedMessage::Request {
            msgid: msgid()?,
            method: method()?,
            params: params()?,
        }),
        Some("response") => Ok(OwnedMessage::Response {
            msgid: msgid()?,
            error: value("error")?,
            result: value("result")?,
        }),
        Some("notification") => Ok(OwnedMessage::Notification {
            method: method()?,
            params: params()?,
        }),
        _ => Err(bad("/kind: must be request, response or notification")),
    }
}

#[cfg(test)]
mod tests {
    //! Form unit tests, and a small checker for `vectors/msgpack-rpc/*.json` until the
    //! corpus runner lands.
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    fn hx(s: &str) -> Vec<u8> {
        hex::decode(s.replace(' ', "")).unwrap()
    }

    #[test]
    fn values_and_messages_round_trip_through_the_form() {
        let input = hx(
            "94 00 ceffffffff a3616464 99 c0 c3 cfffffffffffffffff d1ff00 \
                        ca3f000000 cb3ff0000000000000 c40100 81a16190 d6ff00000001",
        );
        let d = decode(&input, "strict");
        assert_eq!(d.error, None);
        let doc = &d.docs[0];
        assert_eq!(doc["msgid"], json!(4294967295u32));
        assert_eq!(doc["params"][2], json!({"bignum": "18446744073709551615"}));
        assert_eq!(doc["params"][3], json!({"number": -256}));
        assert_eq!(doc["params"][4], json!({"float32": 0.5}));
        assert_eq!(doc["params"][5], json!({"float64": 1.0}));
        assert_eq!(
            doc["params"][7],
            json!({"map": [[{"string": "a"}, {"array": []}]]})
        );
        assert_eq!(encode(&d.docs).unwrap(), input);
        // The same bytes as a bare value.
        let v = decode(&input, "value");
        assert_eq!(v.docs[0]["array"][0], json!({"number": 0}));
        assert_eq!(encode(&v.docs).unwrap(), input);
    }

    #[test]
    fn errors_carry_kind_and_absolute_offset() {
        // A good notification, then a request whose msgid is negative.
        let input = hx("93 02 a161 90  94 00 ff a161 90");
        let d = decode(&input, "strict");
        assert_eq!(d.docs.len(), 1);
        let e = d.error.unwrap();
        assert_eq!((e.kind.as_str(), e.offset), ("msgid", Some(7)));
        let t = decode(&hx("93 02"), "strict").error.unwrap();
        assert_eq!(t.kind, "truncated");
        assert_eq!(decode(&[], "nope").error.unwrap().kind, "unknown-profile");
    }

    #[test]
    fn neovim_handles_render_typed_and_stay_lossless() {
        let input = hx("94 01 00 c0 93 d40001 c70301cd03e8 d5000001");
        let d = decode(&input, "neovim");
        assert_eq!(d.error, None);
        let r = &d.docs[0]["result"]["array"];
        assert_eq!(r[0], json!({"buffer": 1}));
        assert_eq!(r[1], json!({"window": 1000}));
        // Non-minimal payload: kept as a plain ext.
        assert_eq!(r[2], json!({"ext": [0, "0001"]}));
        assert_eq!(encode(&d.docs).unwrap(), input);
    }

    #[test]
    fn bad_forms_are_refused() {
        for doc in [
            json!({"number": 1.5}),
            json!({"float32": 0.1}),
            json!({"nil": null, "bool": true}),
            json!({"kind": "request", "msgid": -1, "method": "x", "params": []}),
            json!({"timestamp": [0, 1000000000]}),
        ] {
            assert_eq!(
                encode(std::slice::from_ref(&doc)).unwrap_err().kind,
                "invalid-form",
                "{doc}"
            );
        }
    }

    /// JSON equality where numbers compare by value.
    fn same(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
                (Some(p), Some(q)) => p == q,
                _ => match (x.as_u64(), y.as_u64()) {
                    (Some(p), Some(q)) => p == q,
                    _ => x.as_f64() == y.as_f64(),
                },
            },
            (Value::Array(x), Value::Array(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
            }
            (Value::Object(x), Value::Object(y)) => {
                x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
            }
            _ => a == b,
        }
    }

    fn input_bytes(case: &Value) -> Vec<u8> {
        let input = &case["input"];
        if let Some(h) = input.get("hex").and_then(Value::as_str) {
            hx(&h.split_whitespace().collect::<String>())
        } else if let Some(t) = input.get("text").and_then(Value::as_str) {
            t.as_bytes().to_vec()
        } else {
            let f = input["file"].as_str().unwrap();
            crate::corpus::embedded_input("msgpack-rpc", f).to_vec()
        }
    }

    /// The verdict of `case` under `profile`, if the case applies to it.
    fn verdict<'a>(case: &'a Value, profile: &str) -> Option<&'a str> {
        match &case["verdict"] {
            Value::String(s) => Some(s),
            Value::Object(o) => o.get(profile).or_else(|| o.get("default"))?.as_str(),
            _ => panic!("bad verdict in {}", case["id"]),
        }
    }

    #[test]
    fn corpus_vectors_hold() {
        let files = crate::corpus::embedded_vector_files("msgpack-rpc");
        let mut checked = 0;
        let mut ids = BTreeSet::new();
        for (path, bytes) in &files {
            let file: Value = serde_json::from_slice(bytes).unwrap();
            assert_eq!(file["format"], "msgwire-vectors/1", "{path:?}");
            assert_eq!(file["protocol"], "msgpack-rpc", "{path:?}");
            // Inputs that re-encode exactly, by expected documents: our encoder's output must
            // be one of them (msgpack-test-suite lists every encoding of a value).
            let mut exact: BTreeMap<String, Vec<Vec<u8>>> = BTreeMap::new();
            for case in file["cases"].as_array().unwrap() {
                let id = case["id"].as_str().unwrap();
                assert!(ids.insert(id.to_owned()), "duplicate id {id}");
                assert!(case.get("spec").is_some(), "{id}: no spec");
                let input = input_bytes(case);
                for profile in PROFILES {
                    let Some(v) = verdict(case, profile) else {
                        continue;
                    };
                    let d = decode(&input, profile);
                    checked += 1;
                    match v {
                        "y" => {
                            assert_eq!(d.error, None, "{id} [{profile}]");
                            let expect = case["expect"].as_array().unwrap();
                            assert!(
                                expect.len() == d.docs.len()
                                    && expect.iter().zip(&d.docs).all(|(e, g)| same(e, g)),
                                "{id} [{profile}]: got {}",
                                Value::Array(d.docs.clone())
                            );
                            let again = encode(expect).unwrap();
                            if case.get("roundtrip") == Some(&json!(false)) {
                                assert_ne!(again, input, "{id}: marked roundtrip false");
                                let back = decode(&again, profile);
                                assert_eq!(back.error, None, "{id}");
                                assert!(
                                    expect.iter().zip(&back.docs).all(|(e, g)| same(e, g)),
                                    "{id}"
                                );
                            } else {
                                assert_eq!(hex::encode(&again), hex::encode(&input), "{id}");
                                exact
                                    .entry(Value::Array(expect.clone()).to_string())
                                    .or_default()
                                    .push(input.clone());
                            }
                        }
                        "n" => {
                            let e = d
                                .error
                                .unwrap_or_else(|| panic!("{id} [{profile}] accepted"));
                            assert_eq!(
                                e.kind,
                                case["error"]["kind"].as_str().unwrap(),
                                "{id} [{profile}]: {e}"
                            );
                        }
                        "i" => {}
                        other => panic!("{id}: verdict {other}"),
                    }
                }
            }
            for case in file["cases"].as_array().unwrap() {
                if case.get("roundtrip") == Some(&json!(false)) {
                    let key = case["expect"].to_string();
                    let ours = encode(case["expect"].as_array().unwrap()).unwrap();
                    if let Some(listed) = exact.get(&key) {
                        assert!(
                            listed.contains(&ours),
                            "{}: our encoding is not listed",
                            case["id"]
                        );
                    }
                }
            }
        }
        eprintln!(
            "{} msgpack-rpc vector checks in {} files",
            checked,
            files.len()
        );
    }
}
