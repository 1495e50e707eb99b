//! Canonical JSON form of JSON-RPC 2.0 (documented in `docs/forms/jsonrpc.md`).
//!
//! One document per JSON text: a message, or a batch holding one document per item. Every
//! slot that is arbitrary JSON on the wire (`params`, `result`, `error.data`, `id`) is carried
//! as a string holding its exact JSON text, so `1.0`, `18446744073709551616`, member order
//! inside params and `"\u0041"` all survive; `encode` writes them back verbatim.

use super::{Decoding, FormError};
use msgwire::jsonrpc::{
    self, Batch, Decoder, ErrorObject, Id, Message, Outcome, Payload, Profile, Raw, Request,
    Response,
};
use serde_json::value::RawValue;
use serde_json::{json, Map, Value};

/// Decoder profiles, the default first.
pub const PROFILES: &[&str] = &["strict", "lenient"];

fn form_error(e: &jsonrpc::Error) -> FormError {
    FormError {
        kind: e.kind().into(),
        code: e.code().map(i64::from),
        offset: Some(e.offset()),
        message: e.to_string(),
    }
}

fn bad(message: impl Into<String>) -> FormError {
    FormError {
        kind: "bad-document".into(),
        code: None,
        offset: None,
        message: message.into(),
    }
}

/// Bytes → canonical documents. A batch with an invalid item is reported as the first
/// invalid item's error (the whole text is not a valid JSON-RPC payload).
pub fn decode(input: &[u8], profile: &str) -> Decoding {
    let profile = match profile {
        "strict" => Profile::Strict,
        "lenient" => Profile::Lenient,
        other => {
            return Decoding {
                docs: Vec::new(),
                error: Some(bad(format!("unknown profile {other:?}"))),
            }
        }
    };
    let result = Decoder::new(profile)
        .decode_whole(input)
        .and_then(|p| match p {
            Payload::Single(m) => Ok(message_doc(&m)),
            Payload::Batch(b) => {
                let items = b
                    .iter()
                    .map(|m| m.map(|m| message_doc(&m)))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(json!({"type": "batch", "items": items}))
            }
        });
    match result {
        Ok(doc) => Decoding {
            docs: vec![doc],
            error: None,
        },
        Err(e) => Decoding {
            docs: Vec::new(),
            error: Some(form_error(&e)),
        },
    }
}

fn message_doc(m: &Message<'_>) -> Value {
    let mut d = Map::new();
    match m {
        Message::Request(r) => {
            let kind = if r.is_notification() {
                "notification"
            } else {
                "request"
            };
            d.insert("type".into(), kind.into());
            d.insert("method".into(), r.method.as_ref().into());
            if let Some(p) = &r.params {
                d.insert("params".into(), p.get().into());
            }
            if let Some(id) = &r.id {
                d.insert("id".into(), id.raw().into());
            }
        }
        Message::Response(r) => {
            match &r.outcome {
                Outcome::Result(v) => {
                    d.insert("type".into(), "response".into());
                    d.insert("result".into(), v.get().into());
                }
                Outcome::Error(e) => {
                    d.insert("type".into(), "error".into());
                    d.insert("code".into(), e.code.into());
                    d.insert("message".into(), e.message.as_ref().into());
                    if let Some(data) = &e.data {
                        d.insert("data".into(), data.get().into());
                    }
                }
            }
            d.insert("id".into(), r.id.raw().into());
        }
    }
    Value::Object(d)
}

/// Canonical documents → bytes: each document compact, documents separated by `\n`.
pub fn encode(docs: &[Value]) -> Result<Vec<u8>, FormError> {
    let mut out = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        if i > 0 {
            out.push(b'\n');
        }
        if doc.get("type").and_then(Value::as_str) == Some("batch") {
            let items = doc
                .get("items")
                .and_then(Value::as_array)
                .ok_or_else(|| bad("/items: a batch needs \"items\": [...]"))?;
            let msgs = items
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    doc_message(d).map_err(|e| super::error_under(&format!("/items/{i}"), e))
                })
                .collect::<Result<Vec<_>, _>>()?;
            Payload::Batch(Batch::from_messages(&msgs)).encode(&mut out);
        } else {
            doc_message(doc)?.encode(&mut out);
        }
    }
    Ok(out)
}

fn text<'d>(doc: &'d Value, key: &str) -> Result<&'d str, FormError> {
    doc.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| bad(format!("/{key}: must be a string")))
}

fn raw(doc: &Value, key: &str) -> Result<Option<Raw<'static>>, FormError> {
    match doc.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => RawValue::from_string(s.clone())
            .map(|r| Some(Raw::from(r)))
            .map_err(|e| bad(format!("/{key}: not JSON text: {e}"))),
        Some(_) => Err(bad(format!("/{key}: must be a string of JSON text"))),
    }
}

fn id(doc: &Value) -> Result<Option<Id<'static>>, FormError> {
    match doc.get("id") {
        None => Ok(None),
        Some(Value::String(text)) => Id::parse(text)
            .map(|id| Some(id.into_owned()))
            .ok_or_else(|| bad(format!("/id: {text} is not a JSON string, number or null"))),
        Some(_) => Err(bad("/id: must be a string of JSON text")),
    }
}

fn doc_message(doc: &Value) -> Result<Message<'static>, FormError> {
    let kind = text(doc, "type")?;
    Ok(match kind {
        "request" | "notification" => {
            let id = id(doc)?;
            if (kind == "request") != id.is_some() {
                return Err(bad("/id: a request has an \"id\", a notification none"));
            }
            Message::Request(Request {
                method: text(doc, "method")?.to_string().into(),
                params: raw(doc, "params")?,
                id,
            })
        }
        "response" | "error" => {
            let id = id(doc)?.ok_or_else(|| bad("/id: a response needs \"id\""))?;
            let outcome = if kind == "response" {
                Outcome::Result(raw(doc, "result")?.ok_or_else(|| bad("/result: missing member"))?)
            } else {
                Outcome::Error(ErrorObject {
                    code: doc
                        .get("code")
                        .and_then(Value::as_i64)
                        .ok_or_else(|| bad("/code: must be an integer"))?,
                    message: text(doc, "message")?.to_string().into(),
                    data: raw(doc, "data")?,
                })
            };
            Message::Response(Response { id, outcome })
        }
        other => return Err(bad(format!("/type: unknown document type {other:?}"))),
    })
}

#[cfg(test)]
mod tests {
    //! Runs every case of `vectors/jsonrpc/*.json` through this form and the codec's server
    //! semantics (the `x-reply` member), until the shared runner covers them.
    use super::*;

    fn vector_files() -> Vec<(&'static str, &'static [u8])> {
        crate::corpus::embedded_vector_files("jsonrpc")
    }

    fn input(case: &Value) -> Vec<u8> {
        let i = &case["input"];
        if let Some(t) = i.get("text").and_then(Value::as_str) {
            t.as_bytes().to_vec()
        } else if let Some(f) = i.get("file").and_then(Value::as_str) {
            crate::corpus::embedded_input("jsonrpc", f).to_vec()
        } else {
            hex::decode(i["hex"].as_str().unwrap().replace(char::is_whitespace, "")).unwrap()
        }
    }

    fn verdict(case: &Value, profile: &str) -> Option<String> {
        match &case["verdict"] {
            Value::String(v) => Some(v.clone()),
            Value::Object(m) => m
                .get(profile)
                .or_else(|| m.get("default"))
                .and_then(Value::as_str)
                .map(str::to_string),
            _ => panic!("bad verdict"),
        }
    }

    /// The spec's example methods, as the peers' servers in the generator implement them.
    fn dispatch(req: &Request<'_>) -> Outcome<'static> {
        let ok =
            |v: Value| Outcome::Result(Raw::from(serde_json::value::to_raw_value(&v).unwrap()));
        let args: Value = req.params_as().unwrap_or(Value::Null);
        match &*req.method {
            "subtract" => match &args {
                Value::Array(a) => ok(json!(a[0].as_i64().unwrap() - a[1].as_i64().unwrap())),
                o => ok(json!(
                    o["minuend"].as_i64().unwrap() - o["subtrahend"].as_i64().unwrap()
                )),
            },
            "sum" => ok(json!(args
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_i64().unwrap())
                .sum::<i64>())),
            "get_data" => ok(json!(["hello", 5])),
            "update" | "notify_hello" | "notify_sum" => ok(Value::Null),
            "echo" => ok(args),
            _ => Outcome::Error(ErrorObject::new(
                jsonrpc::ErrorCode::METHOD_NOT_FOUND,
                "Method not found",
            )),
        }
    }

    /// Replies compare as values, ignoring error messages/data; a batch in any order (§6).
    fn normalize(v: &Value) -> Value {
        match v {
            Value::Array(items) => {
                let mut items: Vec<String> =
                    items.iter().map(|i| normalize(i).to_string()).collect();
                items.sort();
                json!(items)
            }
            Value::Object(o) => {
                let mut o = o.clone();
                if let Some(Value::Object(e)) = o.get_mut("error") {
                    e.remove("message");
                    e.remove("data");
                }
                Value::Object(o)
            }
            other => other.clone(),
        }
    }

    #[test]
    fn vectors_pass() {
        let (mut checked, mut failures) = (0, Vec::new());
        for (_, bytes) in vector_files() {
            let doc: Value = serde_json::from_slice(bytes).unwrap();
            for case in doc["cases"].as_array().unwrap() {
                let id = case["id"].as_str().unwrap();
                let bytes = input(case);
                for profile in PROFILES {
                    let Some(v) = verdict(case, profile) else {
                        continue;
                    };
                    checked += 1;
                    let got = decode(&bytes, profile);
                    let fail = |why: String| format!("{id} [{profile}]: {why}");
                    match v.as_str() {
                        "y" => {
                            if let Some(e) = &got.error {
                                failures.push(fail(format!("rejected: {e}")));
                                continue;
                            }
                            if got.docs != case["expect"].as_array().unwrap().clone() {
                                failures.push(fail(format!("docs {:?}", got.docs)));
                                continue;
                            }
                            let enc = encode(&got.docs).unwrap();
                            if case
                                .get("roundtrip")
                                .and_then(Value::as_bool)
                                .unwrap_or(true)
                            {
                                if enc != bytes {
                                    failures.push(fail(format!(
                                        "re-encoded {:?}",
                                        String::from_utf8_lossy(&enc)
                                    )));
                                }
                            } else if decode(&enc, profile).docs != got.docs {
                                failures
                                    .push(fail("encode(expect) does not decode to expect".into()));
                            }
                        }
                        "n" => match &got.error {
                            None => failures.push(fail("accepted".into())),
                            Some(e) => {
                                let want = &case["error"];
                                if e.kind != want["kind"].as_str().unwrap()
                                    || e.code != want["code"].as_i64()
                                {
                                    failures.push(fail(format!("error {e:?}, want {want}")));
                                }
                            }
                        },
                        _ => {}
                    }
                }
                // Server semantics, under the strict profile.
                if let Some(want) = case.get("x-reply") {
                    checked += 1;
                    let got = jsonrpc::serve(&bytes).respond(dispatch);
                    let got: Value =
                        got.map_or(Value::Null, |b| serde_json::from_slice(&b).unwrap());
                    if normalize(&got) != normalize(want) {
                        failures.push(format!("{id}: reply {got}, want {want}"));
                    }
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {checked} checks failed:\n{}",
            failures.len(),
            failures.join("\n")
        );
        assert!(checked > 400, "only {checked} checks ran");
    }

    #[test]
    fn forms_round_trip_ids_exactly() {
        for input in [
            r#"{"jsonrpc":"2.0","method":"m","params":{"b":1,"a":[1.0]},"id":18446744073709551616}"#,
            r#"{"jsonrpc":"2.0","method":"m","id":"a\u0041"}"#,
            r#"{"jsonrpc":"2.0","error":{"code":-1,"message":"x","data":null},"id":null}"#,
            r#"[{"jsonrpc":"2.0","result":{},"id":1},{"jsonrpc":"2.0","method":"n"}]"#,
        ] {
            let d = decode(input.as_bytes(), "strict");
            assert!(d.error.is_none(), "{input}: {:?}", d.error);
            assert_eq!(String::from_utf8(encode(&d.docs).unwrap()).unwrap(), input);
        }
        let d = decode(br#"{"jsonrpc":"2.0","method":"m","id":1.0}"#, "lenient");
        assert_eq!(d.docs[0]["id"], "1.0");
        assert_eq!(decode(b"[]", "strict").error.unwrap().kind, "empty-batch");
        assert_eq!(
            encode(&[json!({"type": "nope"})]).unwrap_err().kind,
            "bad-document"
        );
    }
}
