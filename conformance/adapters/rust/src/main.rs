//! msgwire adapters for Rust peer crates (the adapter contract: conformance/README.md).
//!
//! `rust-peers <LIB> decode|encode <protocol>` (one-shot) or `rust-peers <LIB> serve`
//! (persistent), where LIB is one of:
//!
//! - `rmpv` (rmpv 1.3.1, `decode::read_value` / `encode::write_value`), msgpack-rpc, profiles
//!   `value` and `strict`. rmpv's `Value` keeps every wire type that the canonical form names
//!   (f32 vs f64, str vs bin, map order and duplicates, ext type and bytes), so little is lost.
//!   It has no timestamp type: an ext -1 of 4, 8 or 12 bytes is read as a timestamp by this
//!   adapter (spec layouts), and a timestamp document is written as that ext in its shortest
//!   layout. It has no RPC layer: the MessagePack-RPC message shape is checked here.
//! - `jsonrpc-core` (jsonrpc-core 18.0.0, the request/response types its `IoHandler` parses with
//!   serde_json), jsonrpc, profile `strict`. Not JSON (or not UTF-8) is rejected with -32700 and a
//!   `Call::Invalid` with -32600, as `IoHandler` answers. An input whose object (or every batch
//!   item) has no `method` but a `result` or `error` is read as a `Response` instead. What the
//!   types cannot express: `params`, `result`, `data` are serde_json `Value`s, re-serialized
//!   compactly (member order kept: this workspace enables `preserve_order`; number spelling,
//!   spaces and escapes are lost); `id` is `Id` (a number is a `u64`: other numbers are invalid).
//! - `jsonrpsee-types` (jsonrpsee-types 0.26.1: `Request`, `Notification`, `InvalidRequest`,
//!   `Response<&RawValue>`), jsonrpc, profile `strict`. Parsed as jsonrpsee's server does:
//!   `Request`, else `Notification`, else -32600 (-32700 when not JSON); a batch is a
//!   `Vec<&RawValue>` whose items are parsed the same way (an empty batch is -32600). `params`,
//!   `result`, `data` are `RawValue`s (their exact text survives); `id` is `Id` (u64 or string,
//!   re-serialized, so a string's escapes are lost).
//!
//! Written for msgwire; no code copied from the peers.

use std::io::{BufRead, Read, Write};

use serde_json::{json, Map, Value};

const EXIT_REJECTED: i32 = 1;
const EXIT_CRASH: i32 = 2;
const EXIT_UNSUPPORTED: i32 = 3;

/// How a request failed.
enum Fail {
    Rejected {
        message: String,
        kind: Option<String>,
        code: Option<i64>,
        docs: Vec<Value>,
    },
    Unsupported(String),
}

fn rejected(message: impl Into<String>, kind: &str, code: Option<i64>, docs: Vec<Value>) -> Fail {
    Fail::Rejected {
        message: message.into(),
        kind: Some(kind.to_string()),
        code,
        docs,
    }
}

fn error_doc(message: &str, kind: &Option<String>, code: &Option<i64>) -> Value {
    let mut e = Map::new();
    e.insert("message".into(), json!(message));
    if let Some(k) = kind {
        e.insert("kind".into(), json!(k));
    }
    if let Some(c) = code {
        e.insert("code".into(), json!(c));
    }
    Value::Object(e)
}

type Decode = fn(&str, &str, &[u8]) -> Result<Vec<Value>, Fail>;
type Encode = fn(&str, &str, &[Value]) -> Result<Vec<u8>, Fail>;

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Result<Vec<u8>, String> {
    let s: Vec<u8> = s
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'-')
        .collect();
    if s.len() % 2 != 0 {
        return Err("odd hex length".into());
    }
    s.chunks(2)
        .map(|p| {
            u8::from_str_radix(std::str::from_utf8(p).map_err(|e| e.to_string())?, 16)
                .map_err(|e| e.to_string())
        })
        .collect()
}

fn answer(req: &Value, decode: Decode, encode: Encode) -> Value {
    let protocol = req["protocol"].as_str().unwrap_or("");
    let profile = req["profile"].as_str().unwrap_or("strict");
    let result = match req["op"].as_str() {
        Some("decode") => match unhex(req["input"].as_str().unwrap_or("")) {
            Ok(input) => decode(protocol, profile, &input).map(|docs| json!({ "docs": docs })),
            Err(e) => return json!({ "crash": e }),
        },
        Some("encode") => {
            let docs = req["docs"].as_array().cloned().unwrap_or_default();
            encode(protocol, profile, &docs).map(|out| json!({ "output": hex(&out) }))
        }
        other => return json!({ "crash": format!("unknown op {other:?}") }),
    };
    match result {
        Ok(v) => v,
        Err(Fail::Unsupported(why)) => json!({ "unsupported": why }),
        Err(Fail::Rejected {
            message,
            kind,
            code,
            docs,
        }) => {
            json!({ "docs": docs, "error": error_doc(&message, &kind, &code) })
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (decode, encode): (Decode, Encode) = match args.first().map(String::as_str) {
        Some("rmpv") => (mp::decode, mp::encode),
        Some("jsonrpc-core") => (core::decode, core::encode),
        Some("jsonrpsee-types") => (jsonrpsee::decode, jsonrpsee::encode),
        _ => {
            eprintln!("usage: rust-peers rmpv|jsonrpc-core|jsonrpsee-types decode|encode <protocol> | serve");
            std::process::exit(EXIT_CRASH);
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.get(1).map(String::as_str) == Some("serve") {
        for line in std::io::stdin().lock().lines() {
            let line = line.expect("stdin");
            if line.trim().is_empty() {
                continue;
            }
            let a = match serde_json::from_str::<Value>(&line) {
                Ok(req) => answer(&req, decode, encode),
                Err(e) => json!({ "crash": e.to_string() }),
            };
            writeln!(out, "{a}").expect("stdout");
            out.flush().expect("stdout");
        }
        return;
    }
    let (op, protocol) = match (args.get(1), args.get(2), args.len()) {
        (Some(op), Some(p), 3) if op == "decode" || op == "encode" => (op.clone(), p.clone()),
        _ => {
            eprintln!("usage: rust-peers LIB decode|encode <protocol> | serve");
            std::process::exit(EXIT_CRASH);
        }
    };
    let profile = std::env::var("MSGWIRE_PROFILE").unwrap_or_else(|_| "strict".into());
    let mut input = Vec::new();
    std::io::stdin().read_to_end(&mut input).expect("stdin");
    let result = if op == "decode" {
        decode(&protocol, &profile, &input).map(|docs| {
            for d in docs {
                writeln!(out, "{d}").expect("stdout");
            }
        })
    } else {
        let text = String::from_utf8_lossy(&input);
        let docs: Result<Vec<Value>, _> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(serde_json::from_str)
            .collect();
        match docs {
            Ok(docs) => {
                encode(&protocol, &profile, &docs).map(|b| out.write_all(&b).expect("stdout"))
            }
            Err(e) => {
                eprintln!("bad documents: {e}");
                std::process::exit(EXIT_CRASH);
            }
        }
    };
    match result {
        Ok(()) => out.flush().expect("stdout"),
        Err(Fail::Unsupported(why)) => {
            eprintln!("unsupported: {why}");
            std::process::exit(EXIT_UNSUPPORTED);
        }
        Err(Fail::Rejected {
            message,
            kind,
            code,
            docs,
        }) => {
            for d in docs {
                writeln!(out, "{d}").expect("stdout");
            }
            writeln!(
                out,
                "{}",
                json!({ "error": error_doc(&message, &kind, &code) })
            )
            .expect("stdout");
            out.flush().expect("stdout");
            std::process::exit(EXIT_REJECTED);
        }
    }
}

/// rmpv: MessagePack values and the MessagePack-RPC message shape.
mod mp {
    use super::{hex, rejected, unhex, Fail};
    use rmpv::Value as Mp;
    use serde_json::{json, Value};

    const SAFE: u64 = (1 << 53) - 1;

    fn float(t: &str, v: f64) -> Value {
        if v.is_nan() {
            json!({ t: "NaN" })
        } else if v.is_infinite() {
            json!({ t: if v > 0.0 { "Infinity" } else { "-Infinity" } })
        } else {
            json!({ t: v })
        }
    }

    /// The spec's three layouts (nanoseconds above 999999999: no timestamp, the ext it is).
    fn timestamp(d: &[u8]) -> Option<(i64, u32)> {
        let ts = match d.len() {
            4 => Some((u32::from_be_bytes(d.try_into().ok()?) as i64, 0)),
            8 => {
                let v = u64::from_be_bytes(d.try_into().ok()?);
                Some(((v & 0x3_ffff_ffff) as i64, (v >> 34) as u32))
            }
            12 => Some((
                i64::from_be_bytes(d[4..].try_into().ok()?),
                u32::from_be_bytes(d[..4].try_into().ok()?),
            )),
            _ => None,
        };
        ts.filter(|&(_, n)| n <= 999_999_999)
    }

    pub fn canon(v: &Mp) -> Value {
        match v {
            Mp::Nil => json!({ "nil": null }),
            Mp::Boolean(b) => json!({ "bool": b }),
            Mp::Integer(i) => {
                if let Some(u) = i.as_u64() {
                    if u <= SAFE {
                        json!({ "number": u })
                    } else {
                        json!({ "bignum": u.to_string() })
                    }
                } else {
                    let s = i.as_i64().unwrap_or_default();
                    if s.unsigned_abs() <= SAFE {
                        json!({ "number": s })
                    } else {
                        json!({ "bignum": s.to_string() })
                    }
                }
            }
            Mp::F32(f) => float("float32", f64::from(*f)),
            Mp::F64(f) => float("float64", *f),
            Mp::String(s) => match s.as_str() {
                Some(t) => json!({ "string": t }),
                None => json!({ "string": { "hex": hex(s.as_bytes()) } }),
            },
            Mp::Binary(b) => json!({ "binary": hex(b) }),
            Mp::Array(a) => json!({ "array": a.iter().map(canon).collect::<Vec<_>>() }),
            Mp::Map(m) => {
                json!({ "map": m.iter().map(|(k, x)| json!([canon(k), canon(x)])).collect::<Vec<_>>() })
            }
            Mp::Ext(-1, d) if timestamp(d).is_some() => {
                let (s, n) = timestamp(d).unwrap_or_default();
                json!({ "timestamp": [s, n] })
            }
            Mp::Ext(t, d) => json!({ "ext": [t, hex(d)] }),
        }
    }

    fn method(m: &Mp) -> Result<Value, String> {
        match m {
            Mp::String(s) => Ok(match s.as_str() {
                Some(t) => json!(t),
                None => json!({ "hex": hex(s.as_bytes()) }),
            }),
            Mp::Binary(b) => Ok(json!({ "binary": hex(b) })),
            _ => Err("method is not a string".into()),
        }
    }

    fn message(v: &Mp) -> Result<Value, String> {
        let a = match v {
            Mp::Array(a) if !a.is_empty() => a,
            _ => return Err("a message is an array".into()),
        };
        let msgid = |x: &Mp| x.as_u64().filter(|&n| n <= u64::from(u32::MAX));
        let params = |x: &Mp| {
            x.as_array()
                .map(|p| p.iter().map(canon).collect::<Vec<_>>())
        };
        match (a[0].as_u64(), a.len()) {
            (Some(0), 4) => match (msgid(&a[1]), params(&a[3])) {
                (Some(id), Some(p)) => Ok(
                    json!({ "kind": "request", "msgid": id, "method": method(&a[2])?, "params": p }),
                ),
                _ => Err("not a request".into()),
            },
            (Some(1), 4) => match msgid(&a[1]) {
                Some(id) => Ok(
                    json!({ "kind": "response", "msgid": id, "error": canon(&a[2]), "result": canon(&a[3]) }),
                ),
                None => Err("not a response".into()),
            },
            (Some(2), 3) => match params(&a[2]) {
                Some(p) => {
                    Ok(json!({ "kind": "notification", "method": method(&a[1])?, "params": p }))
                }
                None => Err("not a notification".into()),
            },
            _ => Err("not a request, response or notification".into()),
        }
    }

    pub fn decode(protocol: &str, profile: &str, data: &[u8]) -> Result<Vec<Value>, Fail> {
        if protocol != "msgpack-rpc" {
            return Err(Fail::Unsupported("rmpv speaks MessagePack only".into()));
        }
        let values = match profile {
            "value" => true,
            "strict" => false,
            p => return Err(Fail::Unsupported(format!("profile {p}"))),
        };
        let mut rest = data;
        let mut docs = Vec::new();
        while !rest.is_empty() {
            let v = match rmpv::decode::read_value(&mut rest) {
                Ok(v) => v,
                Err(e) => return Err(rejected(format!("{e:?}"), "rmpv", None, docs)),
            };
            let doc = if values { Ok(canon(&v)) } else { message(&v) };
            match doc {
                Ok(d) => docs.push(d),
                Err(e) => return Err(rejected(e, "not-a-message", None, docs)),
            }
        }
        Ok(docs)
    }

    fn f(v: &Value) -> Result<f64, String> {
        match v {
            Value::String(s) => match s.as_str() {
                "NaN" => Ok(f64::NAN),
                "Infinity" => Ok(f64::INFINITY),
                "-Infinity" => Ok(f64::NEG_INFINITY),
                _ => Err(format!("bad float {s}")),
            },
            _ => v.as_f64().ok_or_else(|| "bad float".to_string()),
        }
    }

    fn value(doc: &Value) -> Result<Mp, String> {
        let (t, v) = doc
            .as_object()
            .and_then(|o| o.iter().next())
            .ok_or("a value is a one-key object")?;
        Ok(match t.as_str() {
            "nil" => Mp::Nil,
            "bool" => Mp::Boolean(v.as_bool().ok_or("bad bool")?),
            "number" | "bignum" => {
                let s = if let Value::String(s) = v {
                    s.clone()
                } else {
                    v.to_string()
                };
                if let Ok(u) = s.parse::<u64>() {
                    Mp::from(u)
                } else {
                    Mp::from(s.parse::<i64>().map_err(|e| e.to_string())?)
                }
            }
            "float32" => Mp::F32(f(v)? as f32),
            "float64" => Mp::F64(f(v)?),
            "string" => match v {
                Value::String(s) => Mp::from(s.as_str()),
                _ => Mp::String(rmpv::Utf8String::from(
                    String::from_utf8(unhex(v["hex"].as_str().unwrap_or(""))?)
                        .map_err(|e| e.to_string())?,
                )),
            },
            "binary" => Mp::Binary(unhex(v.as_str().ok_or("bad binary")?)?),
            "array" => Mp::Array(
                v.as_array()
                    .ok_or("bad array")?
                    .iter()
                    .map(value)
                    .collect::<Result<_, _>>()?,
            ),
            "map" => Mp::Map(
                v.as_array()
                    .ok_or("bad map")?
                    .iter()
                    .map(|p| Ok((value(&p[0])?, value(&p[1])?)))
                    .collect::<Result<_, String>>()?,
            ),
            "ext" => Mp::Ext(
                v[0].as_i64().ok_or("bad ext")? as i8,
                unhex(v[1].as_str().ok_or("bad ext")?)?,
            ),
            "timestamp" => {
                let (s, n) = (
                    v[0].as_i64().ok_or("bad timestamp")?,
                    v[1].as_u64().ok_or("bad timestamp")? as u32,
                );
                let d = if n == 0 && (0..=i64::from(u32::MAX)).contains(&s) {
                    (s as u32).to_be_bytes().to_vec()
                } else if (0..1 << 34).contains(&s) {
                    ((u64::from(n) << 34) | s as u64).to_be_bytes().to_vec()
                } else {
                    [n.to_be_bytes().to_vec(), s.to_be_bytes().to_vec()].concat()
                };
                Mp::Ext(-1, d)
            }
            other => return Err(format!("unknown tag {other}")),
        })
    }

    fn method_value(m: &Value) -> Result<Mp, String> {
        match m {
            Value::String(s) => Ok(Mp::from(s.as_str())),
            Value::Object(o) if o.contains_key("binary") => {
                Ok(Mp::Binary(unhex(o["binary"].as_str().unwrap_or(""))?))
            }
            _ => Err("method: rmpv writes a str from a Rust String (valid UTF-8 only)".into()),
        }
    }

    fn message_value(d: &Value) -> Result<Mp, String> {
        let params = |p: &Value| -> Result<Mp, String> {
            Ok(Mp::Array(
                p.as_array()
                    .ok_or("bad params")?
                    .iter()
                    .map(value)
                    .collect::<Result<_, _>>()?,
            ))
        };
        let id = |x: &Value| {
            x.as_u64()
                .map(Mp::from)
                .ok_or_else(|| "bad msgid".to_string())
        };
        match d["kind"].as_str() {
            Some("request") => Ok(Mp::Array(vec![
                Mp::from(0),
                id(&d["msgid"])?,
                method_value(&d["method"])?,
                params(&d["params"])?,
            ])),
            Some("response") => Ok(Mp::Array(vec![
                Mp::from(1),
                id(&d["msgid"])?,
                value(&d["error"])?,
                value(&d["result"])?,
            ])),
            Some("notification") => Ok(Mp::Array(vec![
                Mp::from(2),
                method_value(&d["method"])?,
                params(&d["params"])?,
            ])),
            _ => value(d),
        }
    }

    pub fn encode(protocol: &str, _profile: &str, docs: &[Value]) -> Result<Vec<u8>, Fail> {
        if protocol != "msgpack-rpc" {
            return Err(Fail::Unsupported("rmpv speaks MessagePack only".into()));
        }
        let mut out = Vec::new();
        for d in docs {
            let v = message_value(d).map_err(|e| rejected(e, "encode", None, vec![]))?;
            rmpv::encode::write_value(&mut out, &v)
                .map_err(|e| rejected(e.to_string(), "encode", None, vec![]))?;
        }
        Ok(out)
    }
}

/// Shared JSON-RPC helpers.
fn is_response(v: &Value) -> bool {
    let one = |x: &Value| {
        x.is_object()
            && x.get("method").is_none()
            && (x.get("result").is_some() || x.get("error").is_some())
    };
    match v {
        Value::Array(a) => !a.is_empty() && a.iter().all(one),
        _ => one(v),
    }
}

fn json_text(data: &[u8]) -> Result<(&str, Value), Fail> {
    let text = std::str::from_utf8(data)
        .map_err(|e| rejected(e.to_string(), "parse-error", Some(-32700), vec![]))?;
    let v = serde_json::from_str::<Value>(text)
        .map_err(|e| rejected(e.to_string(), "parse-error", Some(-32700), vec![]))?;
    Ok((text, v))
}

fn text_of(doc: &Value, key: &str) -> Result<Option<Value>, String> {
    match doc.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => serde_json::from_str(s).map(Some).map_err(|e| e.to_string()),
        Some(_) => Err(format!("{key} is JSON text")),
    }
}

/// jsonrpc-core's types.
mod core {
    use super::{is_response, json_text, rejected, text_of, Fail};
    use jsonrpc_core::{Call, Id, Output, Params, Request, Response, Version};
    use serde_json::{json, Map, Value};

    fn id_text(id: &Id) -> String {
        serde_json::to_string(id).unwrap_or_default()
    }

    fn call_doc(c: &Call) -> Result<Value, String> {
        let params = |p: &Params| match p {
            Params::None => None,
            other => serde_json::to_string(other).ok(),
        };
        let mut d = Map::new();
        match c {
            Call::MethodCall(m) => {
                d.insert("type".into(), json!("request"));
                d.insert("method".into(), json!(m.method));
                if let Some(p) = params(&m.params) {
                    d.insert("params".into(), json!(p));
                }
                d.insert("id".into(), json!(id_text(&m.id)));
            }
            Call::Notification(n) => {
                d.insert("type".into(), json!("notification"));
                d.insert("method".into(), json!(n.method));
                if let Some(p) = params(&n.params) {
                    d.insert("params".into(), json!(p));
                }
            }
            Call::Invalid { id } => return Err(format!("Call::Invalid (id {})", id_text(id))),
        }
        Ok(Value::Object(d))
    }

    fn output_doc(o: &Output) -> Value {
        match o {
            Output::Success(s) => {
                json!({ "type": "response", "result": s.result.to_string(), "id": id_text(&s.id) })
            }
            Output::Failure(f) => {
                let mut d = json!({ "type": "error", "code": f.error.code.code(), "message": f.error.message, "id": id_text(&f.id) });
                if let Some(data) = &f.error.data {
                    d["data"] = json!(data.to_string());
                }
                d
            }
        }
    }

    pub fn decode(protocol: &str, profile: &str, data: &[u8]) -> Result<Vec<Value>, Fail> {
        if protocol != "jsonrpc" {
            return Err(Fail::Unsupported(
                "jsonrpc-core speaks JSON-RPC only".into(),
            ));
        }
        if profile != "strict" {
            return Err(Fail::Unsupported(
                "jsonrpc-core is run under the strict profile only".into(),
            ));
        }
        let (text, v) = json_text(data)?;
        if is_response(&v) {
            let r = serde_json::from_str::<Response>(text)
                .map_err(|e| rejected(e.to_string(), "invalid-response", None, vec![]))?;
            return Ok(vec![match r {
                Response::Single(o) => output_doc(&o),
                Response::Batch(os) => {
                    json!({ "type": "batch", "items": os.iter().map(output_doc).collect::<Vec<_>>() })
                }
            }]);
        }
        // IoHandler: a text serde cannot read as a Request is a parse error (-32700).
        let r = serde_json::from_str::<Request>(text)
            .map_err(|e| rejected(e.to_string(), "parse-error", Some(-32700), vec![]))?;
        let invalid = |e: String| rejected(e, "invalid-request", Some(-32600), vec![]);
        Ok(vec![match r {
            Request::Single(c) => call_doc(&c).map_err(invalid)?,
            Request::Batch(cs) if cs.is_empty() => return Err(invalid("empty batch".into())),
            Request::Batch(cs) => {
                json!({ "type": "batch", "items": cs.iter().map(call_doc).collect::<Result<Vec<_>, _>>().map_err(invalid)? })
            }
        }])
    }

    fn id_of(d: &Value) -> Result<Id, String> {
        serde_json::from_value(text_of(d, "id")?.ok_or("no id")?).map_err(|e| e.to_string())
    }

    fn call(d: &Value) -> Result<Value, String> {
        let params = match text_of(d, "params")? {
            None => Params::None,
            Some(p) => serde_json::from_value(p).map_err(|e| e.to_string())?,
        };
        let method = d["method"].as_str().ok_or("no method")?.to_string();
        let v = match d["type"].as_str() {
            Some("request") => serde_json::to_value(Call::MethodCall(jsonrpc_core::MethodCall {
                jsonrpc: Some(Version::V2),
                method,
                params,
                id: id_of(d)?,
            })),
            Some("notification") => {
                serde_json::to_value(Call::Notification(jsonrpc_core::Notification {
                    jsonrpc: Some(Version::V2),
                    method,
                    params,
                }))
            }
            Some("response") => serde_json::to_value(Output::Success(jsonrpc_core::Success {
                jsonrpc: Some(Version::V2),
                result: text_of(d, "result")?.ok_or("no result")?,
                id: id_of(d)?,
            })),
            Some("error") => serde_json::to_value(Output::Failure(jsonrpc_core::Failure {
                jsonrpc: Some(Version::V2),
                error: jsonrpc_core::Error {
                    code: jsonrpc_core::ErrorCode::from(d["code"].as_i64().ok_or("no code")?),
                    message: d["message"].as_str().ok_or("no message")?.to_string(),
                    data: text_of(d, "data")?,
                },
                id: id_of(d)?,
            })),
            other => return Err(format!("unknown type {other:?}")),
        };
        v.map_err(|e| e.to_string())
    }

    pub fn encode(protocol: &str, _profile: &str, docs: &[Value]) -> Result<Vec<u8>, Fail> {
        if protocol != "jsonrpc" {
            return Err(Fail::Unsupported(
                "jsonrpc-core speaks JSON-RPC only".into(),
            ));
        }
        let mut lines = Vec::new();
        for d in docs {
            let v = if d["type"] == "batch" {
                d["items"].as_array().map(|i| {
                    i.iter()
                        .map(call)
                        .collect::<Result<Vec<_>, _>>()
                        .map(Value::Array)
                })
            } else {
                Some(call(d))
            };
            let v = v
                .unwrap_or_else(|| Err("bad batch".into()))
                .map_err(|e| rejected(e, "encode", None, vec![]))?;
            lines.push(
                serde_json::to_string(&v)
                    .map_err(|e| rejected(e.to_string(), "encode", None, vec![]))?,
            );
        }
        Ok(lines.join("\n").into_bytes())
    }
}

/// jsonrpsee-types, parsed as jsonrpsee's server and client do.
mod jsonrpsee {
    use super::{is_response, json_text, rejected, text_of, Fail};
    use jsonrpsee_types::{Id, InvalidRequest, Notification, Request, Response, ResponsePayload};
    use serde_json::value::RawValue;
    use serde_json::{json, Map, Value};
    use std::borrow::Cow;

    fn id_text(id: &Id) -> String {
        serde_json::to_string(id).unwrap_or_default()
    }

    fn item(raw: &str) -> Result<Value, Fail> {
        if let Ok(r) = serde_json::from_str::<Request>(raw) {
            let mut d = Map::new();
            d.insert("type".into(), json!("request"));
            d.insert("method".into(), json!(r.method));
            if let Some(p) = &r.params {
                d.insert("params".into(), json!(p.get()));
            }
            d.insert("id".into(), json!(id_text(&r.id)));
            return Ok(Value::Object(d));
        }
        if let Ok(n) = serde_json::from_str::<Notification<Option<&RawValue>>>(raw) {
            let mut d = Map::new();
            d.insert("type".into(), json!("notification"));
            d.insert("method".into(), json!(n.method));
            if let Some(p) = n.params {
                d.insert("params".into(), json!(p.get()));
            }
            return Ok(Value::Object(d));
        }
        let why = match serde_json::from_str::<InvalidRequest>(raw) {
            Ok(r) => format!("invalid request (id {})", id_text(&r.id)),
            Err(e) => format!("invalid request: {e}"),
        };
        Err(rejected(why, "invalid-request", Some(-32600), vec![]))
    }

    fn response(raw: &str) -> Result<Value, Fail> {
        let r = serde_json::from_str::<Response<&RawValue>>(raw)
            .map_err(|e| rejected(e.to_string(), "invalid-response", None, vec![]))?;
        Ok(match &r.payload {
            ResponsePayload::Success(v) => {
                json!({ "type": "response", "result": v.get(), "id": id_text(&r.id) })
            }
            ResponsePayload::Error(e) => {
                let mut d = json!({ "type": "error", "code": e.code(), "message": e.message(), "id": id_text(&r.id) });
                if let Some(data) = e.data() {
                    d["data"] = json!(data.get());
                }
                d
            }
        })
    }

    pub fn decode(protocol: &str, profile: &str, data: &[u8]) -> Result<Vec<Value>, Fail> {
        if protocol != "jsonrpc" {
            return Err(Fail::Unsupported(
                "jsonrpsee-types speaks JSON-RPC only".into(),
            ));
        }
        if profile != "strict" {
            return Err(Fail::Unsupported(
                "jsonrpsee-types is run under the strict profile only".into(),
            ));
        }
        let (text, v) = json_text(data)?;
        let one: fn(&str) -> Result<Value, Fail> = if is_response(&v) { response } else { item };
        if v.is_array() {
            let items = serde_json::from_str::<Vec<&RawValue>>(text)
                .map_err(|e| rejected(e.to_string(), "parse-error", Some(-32700), vec![]))?;
            if items.is_empty() {
                return Err(rejected(
                    "empty batch",
                    "invalid-request",
                    Some(-32600),
                    vec![],
                ));
            }
            let docs = items
                .iter()
                .map(|r| one(r.get()))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(vec![json!({ "type": "batch", "items": docs })]);
        }
        Ok(vec![one(text)?])
    }

    fn raw(d: &Value, key: &str) -> Result<Option<Box<RawValue>>, String> {
        match d.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => RawValue::from_string(s.clone())
                .map(Some)
                .map_err(|e| e.to_string()),
            Some(_) => Err(format!("{key} is JSON text")),
        }
    }

    fn one(d: &Value) -> Result<String, String> {
        let id = || -> Result<Id<'static>, String> {
            match text_of(d, "id")?.ok_or("no id")? {
                Value::Null => Ok(Id::Null),
                Value::String(s) => Ok(Id::Str(Cow::Owned(s))),
                n => n
                    .as_u64()
                    .map(Id::Number)
                    .ok_or_else(|| format!("jsonrpsee's Id has no {n}")),
            }
        };
        let method = || {
            d["method"]
                .as_str()
                .map(|m| Cow::<str>::Owned(m.to_string()))
                .ok_or("no method")
        };
        let s = match d["type"].as_str() {
            Some("request") => {
                let params = raw(d, "params")?;
                serde_json::to_string(&Request::owned(method()?.into_owned(), params, id()?))
            }
            Some("notification") => {
                serde_json::to_string(&Notification::new(method()?, raw(d, "params")?))
            }
            Some("response") => {
                let r = raw(d, "result")?.ok_or("no result")?;
                serde_json::to_string(&Response::new(ResponsePayload::success(r), id()?))
            }
            Some("error") => {
                let e = jsonrpsee_types::ErrorObject::owned(
                    d["code"].as_i64().ok_or("no code")? as i32,
                    d["message"].as_str().ok_or("no message")?.to_string(),
                    raw(d, "data")?,
                );
                serde_json::to_string(&Response::<()>::new(ResponsePayload::error(e), id()?))
            }
            other => return Err(format!("unknown type {other:?}")),
        };
        s.map_err(|e| e.to_string())
    }

    pub fn encode(protocol: &str, _profile: &str, docs: &[Value]) -> Result<Vec<u8>, Fail> {
        if protocol != "jsonrpc" {
            return Err(Fail::Unsupported(
                "jsonrpsee-types speaks JSON-RPC only".into(),
            ));
        }
        let mut lines = Vec::new();
        for d in docs {
            let s = if d["type"] == "batch" {
                d["items"]
                    .as_array()
                    .ok_or_else(|| "bad batch".to_string())
                    .and_then(|i| i.iter().map(one).collect::<Result<Vec<_>, _>>())
                    .map(|v| format!("[{}]", v.join(",")))
            } else {
                one(d)
            };
            lines.push(s.map_err(|e| rejected(e, "encode", None, vec![]))?);
        }
        Ok(lines.join("\n").into_bytes())
    }
}
