//! `msgwire fuzz jsonrpc-client`, `xmlrpc-client` and `msgpack-rpc-client`: the client fuzzers
//! against in-process clients (`Driver::InProcess`, on loopback) that are correct (built on
//! msgwire's own strict reading: no finding) or break one rule each (found with the expected
//! signature, minimized, the same with the same seed). Every run is bounded in inputs.
#![cfg(all(feature = "jsonrpc", feature = "xmlrpc"))]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use msgwire_conformance::fuzz::{self, Budget, Outcome, Plan};
use msgwire_conformance::live::client::{Driver, Invocation, Target};
use msgwire_conformance::live::{jsonrpc_client, xmlrpc_client};
use msgwire_conformance::vectors::Corpus;
use serde_json::{json, Value};

fn emit(w: &mut dyn Write, v: Value) {
    let _ = writeln!(w, "{v}");
}

/// POSTs `body` to the driver's address and returns the response body (the server closes).
fn post(inv: &Invocation, path: &str, body: &[u8]) -> Result<Vec<u8>, String> {
    let mut s = TcpStream::connect(inv.addr).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(3))).ok();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        inv.addr,
        body.len()
    );
    s.write_all(head.as_bytes()).map_err(|e| e.to_string())?;
    s.write_all(body).map_err(|e| e.to_string())?;
    let mut all = Vec::new();
    let _ = s.read_to_end(&mut all);
    let end = all
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no HTTP head")?;
    let head = String::from_utf8_lossy(&all[..end]).to_ascii_lowercase();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .ok_or("no Content-Length")?;
    let body = &all[end + 4..];
    if body.len() < len {
        return Err("short body".into());
    }
    Ok(body[..len].to_vec())
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Flaw {
    None,
    /// Takes the one response of a single call whatever its id.
    IgnoreId,
    /// Reads any JSON object with a `result` member as a result (no other check).
    NoValidation,
}

/// A JSON-RPC client over HTTP: ids 1, 2, ...; the response read with msgwire's strict
/// decoder (the canonical form), each response delivered to the call with its id.
fn jsonrpc(flaw: Flaw, inv: &Invocation, w: &mut dyn Write) {
    if inv.scenario == "hello" {
        emit(
            w,
            json!({"event":"hello","library":"in-process","version":format!("{flaw:?}")}),
        );
        return;
    }
    let plan: Value = serde_json::from_str(&inv.plan).unwrap();
    let calls = plan["calls"].as_array().unwrap().clone();
    let objs: Vec<Value> = calls
        .iter()
        .enumerate()
        .map(|(i, c)| json!({"jsonrpc":"2.0","method":c["method"],"params":c["params"],"id":i + 1}))
        .collect();
    let req = if plan["batch"].as_bool().unwrap_or(false) {
        Value::Array(objs)
    } else {
        objs[0].clone()
    };
    let body = match post(inv, "/", req.to_string().as_bytes()) {
        Ok(b) => b,
        Err(e) => return emit(w, json!({"event":"raised","why":e})),
    };
    let items: Vec<Value> = if flaw == Flaw::NoValidation {
        match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Array(a)) => a,
            Ok(v @ Value::Object(_)) => vec![v],
            _ => return emit(w, json!({"event":"raised","why":"no JSON"})),
        }
    } else {
        let d = msgwire_conformance::forms::decode("jsonrpc", &body, "strict").unwrap();
        if let Some(e) = d.error {
            return emit(w, json!({"event":"raised","why":e.to_string()}));
        }
        let doc = &d.docs[0];
        let docs = match doc["type"].as_str() {
            Some("batch") => doc["items"].as_array().unwrap().clone(),
            _ => vec![doc.clone()],
        };
        docs.iter()
            .map(|d| {
                let raw = |k: &str| {
                    d.get(k)
                        .and_then(Value::as_str)
                        .and_then(|t| serde_json::from_str::<Value>(t).ok())
                };
                match d["type"].as_str() {
                    Some("response") => json!({"result": raw("result"), "id": raw("id")}),
                    Some("error") => json!({"error": {"code": d["code"]}, "id": raw("id")}),
                    _ => json!({}),
                }
            })
            .collect()
    };
    if !plan["batch"].as_bool().unwrap_or(false) && body.first() == Some(&b'[') {
        return emit(
            w,
            json!({"event":"raised","why":"a batch for a single call"}),
        );
    }
    let mut delivered = vec![false; calls.len()];
    for r in items {
        let call = match (flaw, r.get("id").and_then(Value::as_u64)) {
            (Flaw::IgnoreId | Flaw::NoValidation, _) if calls.len() == 1 => Some(0),
            (_, Some(id)) if (1..=calls.len() as u64).contains(&id) => Some(id as usize - 1),
            _ => None,
        };
        let Some(i) = call.filter(|&i| !delivered[i]) else {
            emit(
                w,
                json!({"event":"raised","why":"a response no call is waiting for"}),
            );
            continue;
        };
        delivered[i] = true;
        if let Some(e) = r.get("error") {
            emit(w, json!({"event":"error","call":i,"code":e["code"]}));
        } else if let Some(v) = r.get("result") {
            emit(w, json!({"event":"result","call":i,"value":v}));
        } else {
            emit(
                w,
                json!({"event":"raised","call":i,"why":"neither result nor error"}),
            );
        }
    }
    for (i, d) in delivered.iter().enumerate() {
        if !d {
            emit(w, json!({"event":"raised","call":i,"why":"no response"}));
        }
    }
}

/// The call of every XML-RPC plan: `m(1)`.
const CALL: &[u8] = b"<?xml version=\"1.0\"?><methodCall><methodName>m</methodName><params><param><value><int>1</int></value></param></params></methodCall>";

/// An XML-RPC client: the response read with msgwire's strict decoder; with `lenient`, with
/// its lenient profile (it takes what the spec does not allow).
fn xmlrpc(lenient: bool, inv: &Invocation, w: &mut dyn Write) {
    use msgwire::xmlrpc::{decode_with, Limits, Message, Profile};
    if inv.scenario == "hello" {
        emit(
            w,
            json!({"event":"hello","library":"in-process","version":format!("lenient {lenient}")}),
        );
        return;
    }
    let body = match post(inv, "/RPC2", CALL) {
        Ok(b) => b,
        Err(e) => return emit(w, json!({"event":"raised","why":e})),
    };
    let profile = if lenient {
        Profile::Lenient
    } else {
        Profile::Strict
    };
    match decode_with(&body, profile, &Limits::default()) {
        Ok(Message::Response(r)) if !r.params.is_empty() => emit(
            w,
            json!({"event":"result","value":xmlrpc_client::tagged(&r.params[0])}),
        ),
        Ok(Message::Fault(f)) => emit(
            w,
            json!({"event":"fault","code":i64::from(i32::from(f.code())),"string":f.string()}),
        ),
        Ok(_) => emit(w, json!({"event":"raised","why":"not a response"})),
        Err(e) => emit(w, json!({"event":"raised","why":e.to_string()})),
    }
}

fn target(f: impl Fn(&Invocation, &mut dyn Write) + Send + Sync + 'static) -> Target {
    Target {
        driver: Driver::InProcess(Arc::new(f)),
        timeout: Duration::from_secs(3),
    }
}

fn fuzz_run(protocol: &str, t: &Target, runs: u64, seed: u64) -> Outcome {
    let corpus = Corpus::embedded().unwrap();
    let plan = Plan {
        targets: vec![(protocol.into(), "strict".into())],
        budget: Budget {
            time: Some(Duration::from_secs(120)),
            runs: Some(runs),
        },
        seed,
        minimize_tries: 60,
        baseline: Default::default(),
    };
    let mode = format!("{protocol}-client");
    fuzz::run_client(
        &corpus,
        &plan,
        protocol,
        &mode,
        &mut |i| match protocol {
            "jsonrpc" => jsonrpc_client::fuzz_exchange(t, i),
            _ => xmlrpc_client::fuzz_exchange(t, i),
        },
        &mut |_| {},
        &mut |_| {},
    )
}

fn signatures(o: &Outcome) -> Vec<String> {
    o.findings
        .iter()
        .map(|f| f.disagreement.signature.clone())
        .collect()
}

#[test]
fn client_seeds_are_server_messages_with_id_placeholders() {
    let corpus = Corpus::embedded().unwrap();
    let seeds = fuzz::client_seeds(&corpus, "jsonrpc");
    let p0 = fuzz::jsonrpc_id_placeholder(0);
    let with = seeds
        .iter()
        .filter(|s| s.input.windows(p0.len()).any(|w| w == p0.as_bytes()))
        .count();
    assert!(
        with >= 10,
        "{with} of {} seeds carry the placeholder",
        seeds.len()
    );
    // Requests are no seeds of a client: every seed with documents is a response or a batch.
    for s in &seeds {
        if let Some(d) = &s.docs {
            assert!(
                matches!(d[0]["type"].as_str(), Some("response" | "error" | "batch")),
                "{d:?}"
            );
        }
    }
    let mp = fuzz::client_seeds(&corpus, "msgpack-rpc");
    let placeholder = [0xce, 0x6d, 0x77, 0x00, 0x00];
    assert!(mp
        .iter()
        .any(|s| s.input.windows(5).any(|w| w == placeholder)));
    let x = fuzz::client_seeds(&corpus, "xmlrpc");
    assert!(x
        .iter()
        .all(|s| !s.input.windows(10).any(|w| w == b"methodCall")));
    assert!(!x.is_empty());
}

#[test]
fn a_conforming_jsonrpc_client_runs_clean() {
    let t = target(|inv, w| jsonrpc(Flaw::None, inv, w));
    let o = fuzz_run("jsonrpc", &t, 150, 1);
    assert!(o.findings.is_empty(), "{:?}", signatures(&o));
    let tally = &o.tallies[0].2;
    // Most inputs were judged (valid responses delivered, invalid ones refused), not skipped.
    assert!(tally.compared >= 100, "{tally:?}");
}

#[test]
fn broken_jsonrpc_clients_are_found_minimized_and_reproduced() {
    let t = target(|inv, w| jsonrpc(Flaw::IgnoreId, inv, w));
    let o = fuzz_run("jsonrpc", &t, 150, 1);
    let sigs = signatures(&o);
    assert!(
        sigs.iter().any(|s| s == "jsonrpc-client:mismatched-id"),
        "{sigs:?}"
    );
    let f = o
        .findings
        .iter()
        .find(|f| f.disagreement.signature == "jsonrpc-client:mismatched-id")
        .unwrap();
    assert!(f.input.len() <= f.original.len());
    // The wire script replays: the same failure from its input alone.
    let doc = fuzz::wire_script(f, "in-process", "replay", 1);
    let inputs = fuzz::read_wire_script(&doc).unwrap();
    assert_eq!(
        jsonrpc_client::fuzz_exchange(&t, &inputs[0])
            .broken()
            .map(|b| b.0),
        Some("mismatched-id")
    );
    // Same seed, same run.
    assert_eq!(signatures(&fuzz_run("jsonrpc", &t, 150, 1)), sigs);

    let t = target(|inv, w| jsonrpc(Flaw::NoValidation, inv, w));
    let sigs = signatures(&fuzz_run("jsonrpc", &t, 150, 1));
    assert!(
        sigs.iter()
            .any(|s| s.starts_with("jsonrpc-client:accepted-invalid:")),
        "{sigs:?}"
    );
}

#[test]
fn xmlrpc_clients_clean_and_lenient() {
    let t = target(|inv, w| xmlrpc(false, inv, w));
    let o = fuzz_run("xmlrpc", &t, 120, 1);
    assert!(o.findings.is_empty(), "{:?}", signatures(&o));
    assert!(o.tallies[0].2.compared >= 60, "{:?}", o.tallies[0].2);
    // A client that surfaces `true` whatever the answer: valid responses get the wrong value,
    // documents msgwire refuses are read.
    let t = target(|inv, w| {
        if inv.scenario == "hello" {
            return xmlrpc(false, inv, w);
        }
        let _ = post(inv, "/RPC2", CALL);
        emit(w, json!({"event":"result","value":{"boolean":true}}));
    });
    let sigs = signatures(&fuzz_run("xmlrpc", &t, 60, 1));
    assert!(
        sigs.iter()
            .any(|s| s.starts_with("xmlrpc-client:wrong-value:")),
        "{sigs:?}"
    );
    assert!(
        sigs.iter()
            .any(|s| s.starts_with("xmlrpc-client:accepted-invalid:")),
        "{sigs:?}"
    );
}

/// `msgwire fuzz msgpack-rpc-client` against in-process MessagePack-RPC clients over TCP.
#[cfg(feature = "msgpack-rpc")]
mod msgpack_rpc {
    use super::*;
    use msgwire::msgpack_rpc::{Limits, Message, OwnedMessage, Profile, Value, ValueRef};
    use msgwire::Decoded;
    use msgwire_conformance::live::msgpack_rpc_client;
    use serde_json::Value as Json;

    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Flaw {
        None,
        /// With one call outstanding, takes the first response whatever its msgid.
        IgnoreMsgid,
        /// Reads any MessagePack array `[1, msgid, error, result...]` as a response: no check
        /// of its length or of the msgid's type, and bytes msgwire refuses are read.
        NoValidation,
        /// Reads leniently, and a response with a result is a success even when it also
        /// carries an error.
        ResultDespiteError,
    }

    /// A value as the driver contract prints it: bytes as text when they are UTF-8, else
    /// `{"bin": HEX}`; maps as objects (a key that is not a string as its JSON text).
    fn contract(v: &Value) -> Json {
        match v {
            Value::RawStr(b) | Value::Bin(b) => match std::str::from_utf8(b) {
                Ok(s) => json!(s),
                Err(_) => json!({ "bin": hex::encode(b) }),
            },
            Value::Array(a) => Json::Array(a.iter().map(contract).collect()),
            Value::Map(m) => {
                let mut o = serde_json::Map::new();
                for (k, x) in m {
                    let key = match contract(k) {
                        Json::String(s) => s,
                        other => other.to_string(),
                    };
                    o.insert(key, contract(x));
                }
                Json::Object(o)
            }
            other => msgpack_rpc_client::to_json(other),
        }
    }
    /// One response the client read: (msgid, error, result).
    type Response = (u32, Value, Value);

    /// The next response-shaped thing at the front of `buf`, how the client reads it:
    /// `Ok(Some((response or None for another message, used)))`, `Ok(None)` for need-more,
    /// `Err` for bytes it refuses.
    #[allow(clippy::type_complexity)]
    fn read_one(flaw: Flaw, buf: &[u8]) -> Result<Option<(Option<Response>, usize)>, String> {
        if flaw == Flaw::NoValidation {
            return match ValueRef::decode(buf) {
                Ok(Decoded::Complete { value, used }) => {
                    let r = match value.into_owned() {
                        Value::Array(a) if a.len() >= 3 && a[0] == Value::from(1) => {
                            let msgid = match &a[1] {
                                Value::Int(i) => i.as_u64().unwrap_or(0) as u32,
                                _ => 0,
                            };
                            let result = a.get(3).cloned().unwrap_or(Value::Nil);
                            Some((msgid, a[2].clone(), result))
                        }
                        _ => None,
                    };
                    Ok(Some((r, used)))
                }
                Ok(Decoded::NeedMore { .. }) => Ok(None),
                Err(e) => Err(e.to_string()),
            };
        }
        let profile = match flaw {
            Flaw::ResultDespiteError => Profile::Lenient,
            _ => Profile::Strict,
        };
        match Message::decode_with(buf, &Limits::default(), profile) {
            Ok(Decoded::Complete { value, used }) => Ok(Some((
                match value.into_owned() {
                    OwnedMessage::Response {
                        msgid,
                        error,
                        result,
                    } => Some((msgid, error, result)),
                    // A request or notification from the server: not this client's business.
                    _ => None,
                },
                used,
            ))),
            Ok(Decoded::NeedMore { .. }) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }

    /// A MessagePack-RPC client over TCP: the plan's calls sent at once with msgids 1, 2,
    /// ...; the server's stream read with msgwire's strict decoder, each response delivered
    /// to the call with its msgid (a result when the error is nil, else the error); calls no
    /// response answers raise when the stream ends, breaks, or stays quiet.
    fn client(flaw: Flaw, inv: &Invocation, w: &mut dyn Write) {
        if inv.scenario == "hello" {
            emit(
                w,
                json!({"event":"hello","library":"in-process","version":format!("{flaw:?}")}),
            );
            return;
        }
        let plan: Json = serde_json::from_str(&inv.plan).unwrap();
        let calls = plan["calls"].as_array().cloned().unwrap_or_default();
        let mut s = match TcpStream::connect(inv.addr) {
            Ok(s) => s,
            Err(e) => return emit(w, json!({"event":"raised","why":e.to_string()})),
        };
        let params = |c: &Json| -> Vec<Value> {
            c["params"]
                .as_array()
                .map(|a| a.iter().map(msgpack_rpc_client::from_json).collect())
                .unwrap_or_default()
        };
        let method = |c: &Json| c["method"].as_str().unwrap_or("").to_string();
        let mut out = Vec::new();
        if plan["notify"].as_bool().unwrap_or(false) {
            for c in &calls {
                OwnedMessage::notification(method(c), params(c)).encode(&mut out);
            }
            let _ = s.write_all(&out);
            return emit(w, json!({"event":"sent"}));
        }
        for (i, c) in calls.iter().enumerate() {
            OwnedMessage::request(i as u32 + 1, method(c), params(c)).encode(&mut out);
        }
        if let Err(e) = s.write_all(&out) {
            return emit(w, json!({"event":"raised","why":e.to_string()}));
        }
        let mut delivered = vec![false; calls.len()];
        let mut buf = Vec::new();
        // The server answers once all requests are in, in one write: wait for its first
        // bytes, then read on while more keep coming (what is still to come of that write
        // is already on its way: a short quiet time ends the stream).
        let mut wait = Duration::from_secs(3);
        'read: while delivered.iter().any(|d| !d) {
            loop {
                match read_one(flaw, &buf) {
                    Ok(Some((r, used))) => {
                        buf.drain(..used);
                        let Some((msgid, error, result)) = r else {
                            continue;
                        };
                        let call = match flaw {
                            Flaw::IgnoreMsgid if calls.len() == 1 => Some(0),
                            _ => (1..=calls.len() as u32)
                                .contains(&msgid)
                                .then(|| msgid as usize - 1),
                        };
                        let Some(i) = call.filter(|&i| !delivered[i]) else {
                            emit(
                                w,
                                json!({"event":"raised","why":"a response no call is waiting for"}),
                            );
                            continue;
                        };
                        delivered[i] = true;
                        let success = error == Value::Nil
                            || flaw == Flaw::ResultDespiteError && result != Value::Nil;
                        if success {
                            emit(
                                w,
                                json!({"event":"result","call":i,"value":contract(&result)}),
                            );
                        } else {
                            emit(
                                w,
                                json!({"event":"error","call":i,"error":contract(&error)}),
                            );
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        emit(w, json!({"event":"raised","why":e}));
                        break 'read;
                    }
                }
            }
            if delivered.iter().all(|d| *d) {
                break;
            }
            s.set_read_timeout(Some(wait)).ok();
            let mut chunk = [0u8; 65536];
            match s.read(&mut chunk) {
                Ok(n) if n > 0 => buf.extend_from_slice(&chunk[..n]),
                _ => break,
            }
            wait = Duration::from_millis(50);
        }
        for (i, d) in delivered.iter().enumerate() {
            if !d {
                emit(w, json!({"event":"raised","call":i,"why":"no response"}));
            }
        }
    }

    fn fuzz_run(t: &Target, runs: u64, seed: u64) -> Outcome {
        let corpus = Corpus::embedded().unwrap();
        let plan = Plan {
            targets: vec![("msgpack-rpc".into(), "strict".into())],
            budget: Budget {
                time: Some(Duration::from_secs(120)),
                runs: Some(runs),
            },
            seed,
            minimize_tries: 60,
            baseline: Default::default(),
        };
        fuzz::run_client(
            &corpus,
            &plan,
            "msgpack-rpc",
            "msgpack-rpc-client",
            &mut |i| msgpack_rpc_client::fuzz_exchange(t, i),
            &mut |_| {},
            &mut |_| {},
        )
    }

    #[test]
    fn a_conforming_msgpack_rpc_client_runs_clean() {
        let t = target(|inv, w| client(Flaw::None, inv, w));
        let o = fuzz_run(&t, 150, 1);
        assert!(o.findings.is_empty(), "{:?}", signatures(&o));
        let tally = &o.tallies[0].2;
        assert!(tally.compared >= 100, "{tally:?}");
    }

    #[test]
    fn broken_msgpack_rpc_clients_are_found_minimized_and_reproduced() {
        let t = target(|inv, w| client(Flaw::IgnoreMsgid, inv, w));
        let o = fuzz_run(&t, 150, 1);
        let sigs = signatures(&o);
        let want = "msgpack-rpc-client:mismatched-id";
        let f = o
            .findings
            .iter()
            .find(|f| f.disagreement.signature == want)
            .unwrap_or_else(|| panic!("{sigs:?}"));
        assert!(f.input.len() <= f.original.len());
        // The wire script replays: the same failure from its input alone.
        let doc = fuzz::wire_script(f, "in-process", "replay", 1);
        let inputs = fuzz::read_wire_script(&doc).unwrap();
        assert_eq!(
            msgpack_rpc_client::fuzz_exchange(&t, &inputs[0])
                .broken()
                .map(|b| b.0),
            Some("mismatched-id")
        );
        // Same seed, same run.
        assert_eq!(signatures(&fuzz_run(&t, 150, 1)), sigs);

        let t = target(|inv, w| client(Flaw::NoValidation, inv, w));
        let sigs = signatures(&fuzz_run(&t, 150, 1));
        assert!(
            sigs.iter()
                .any(|s| s.starts_with("msgpack-rpc-client:accepted-invalid:")),
            "{sigs:?}"
        );
    }

    /// A response with both an error and a result is read only by the lenient profile; a
    /// client may deliver its error or refuse it, but one that delivers its result as a
    /// success is caught, in a stream the strict decoder refuses.
    #[test]
    fn a_result_delivered_despite_an_error_is_caught() {
        // [1, <call 0's msgid>, "oops", 7]
        let input = hex::decode("9401ce6d770000a46f6f707307").unwrap();
        let bad = target(|inv, w| client(Flaw::ResultDespiteError, inv, w));
        let v = msgpack_rpc_client::fuzz_exchange(&bad, &input);
        assert_eq!(
            v.broken().map(|(c, k, _)| (c, k.to_string())),
            Some(("accepted-invalid", "error-with-result".to_string())),
            "{v:?}"
        );
        // The error delivered (or the response refused): not judged a failure.
        for flaw in [Flaw::None, Flaw::NoValidation] {
            let good = target(move |inv, w| client(flaw, inv, w));
            let v = msgpack_rpc_client::fuzz_exchange(&good, &input);
            assert!(v.broken().is_none(), "{flaw:?}: {v:?}");
        }
    }
}
