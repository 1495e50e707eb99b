//! `msgwire check msgpack-rpc-client --driver CMD`: msgwire plays a MessagePack-RPC server on
//! TCP (127.0.0.1) and judges the client library a driver runs (see [`super::client`] and
//! conformance/README.md, "The driver contract").
//!
//! The plan (`MSGWIRE_PLAN`): `{"calls":[{"method":M,"params":[...]}, ...],"notify":B}` — the
//! calls made at once (outstanding together when there are several; a library that can only
//! make one call at a time says `unsupported`), or with `notify` one notification. Values are
//! JSON (numbers, strings, arrays, objects as maps, booleans, null). The driver prints
//! `{"event":"result","call":I,"value":V}`, `{"event":"error","call":I,"error":V}`,
//! `{"event":"raised","call":I,"why":S}` (`call` absent when the whole run failed),
//! `{"event":"sent"}` for a notification, and `{"event":"notification","method":M,"params":P}`
//! when the library hands the application a notification from the server.
//!
//! The scripted server decodes what the client sends with msgwire's strict decoder, checks
//! the messages against the spec (`[0, msgid, method, params]` with a uint32 msgid,
//! `[2, method, params]`, msgids unique among outstanding requests), and answers what the
//! case scripts: responses out of order, errors as arrays and as strings, a response dripped
//! a byte at a time, notifications and a server-to-client request before the response, a
//! response with a msgid nobody asked for. A `nvim_get_api_info` request (a Neovim client
//! attaching) is answered as Neovim would, with minimal metadata, and is not one of the plan's.
//! Messages only msgwire's lenient profile reads (a bin method name) are read, and fail the
//! two well-formedness cases.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use msgwire::msgpack_rpc::{Limits, Message, OwnedMessage, Profile, Value};
use msgwire::Decoded;
use serde_json::{json, Value as Json};

use super::client::{self, DriverRun, Invocation, Target};
use super::{Case, Level, Outcome, Trace};

const SPEC: &str = "MessagePack-RPC spec";

/// A msgpack value as JSON (bin as `{"bin": hex}`, maps with string keys as objects).
pub fn to_json(v: &Value) -> Json {
    match v {
        Value::Nil => Json::Null,
        Value::Bool(b) => json!(b),
        Value::Int(i) => match (i.as_i64(), i.as_u64()) {
            (Some(n), _) => json!(n),
            (_, Some(n)) => json!(n),
            _ => json!(i.as_i128().to_string()),
        },
        Value::F32(f) => json!(f),
        Value::F64(f) => json!(f),
        Value::Str(s) => json!(s),
        Value::RawStr(b) | Value::Bin(b) => json!({ "bin": hex::encode(b) }),
        Value::Array(a) => Json::Array(a.iter().map(to_json).collect()),
        Value::Map(m) => {
            let mut o = serde_json::Map::new();
            for (k, x) in m {
                let key = match k {
                    Value::Str(s) => s.clone(),
                    other => to_json(other).to_string(),
                };
                o.insert(key, to_json(x));
            }
            Json::Object(o)
        }
        Value::Ext(t, b) => json!({ "ext": t, "data": hex::encode(b) }),
        Value::Timestamp(_) => json!({ "timestamp": format!("{v:?}") }),
    }
}

/// A JSON value as msgpack (objects as maps with str keys).
pub fn from_json(v: &Json) -> Value {
    match v {
        Json::Null => Value::Nil,
        Json::Bool(b) => Value::from(*b),
        Json::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Value::from(i),
            (_, Some(u)) => Value::from(u),
            _ => Value::from(n.as_f64().unwrap_or(0.0)),
        },
        Json::String(s) => Value::from(s.as_str()),
        Json::Array(a) => Value::Array(a.iter().map(from_json).collect()),
        Json::Object(o) => Value::Map(
            o.iter()
                .map(|(k, x)| (Value::from(k.as_str()), from_json(x)))
                .collect(),
        ),
    }
}

/// What the client sent: each message decoded, or why the bytes did not decode.
struct Wire<'t> {
    s: TcpStream,
    buf: Vec<u8>,
    trace: &'t mut Trace,
}

impl Wire<'_> {
    fn send(&mut self, m: &OwnedMessage, what: &str) {
        let bytes = m.to_vec();
        self.trace.log(">", &bytes, what);
        let _ = self.s.write_all(&bytes);
    }

    fn send_raw(&mut self, bytes: &[u8], what: &str) {
        self.trace.log(">", bytes, what);
        let _ = self.s.write_all(bytes);
    }

    /// The next message within `deadline`: Ok(None) at the deadline or close.
    /// The next message within `deadline` (Ok(None) at the deadline or close), with what
    /// msgwire's strict decoder says against it when only the lenient profile reads it (a bin
    /// method name, invalid UTF-8 in a str).
    fn next(
        &mut self,
        deadline: Instant,
    ) -> Result<Option<(OwnedMessage, Option<String>)>, String> {
        loop {
            match Message::decode(&self.buf) {
                Ok(Decoded::Complete { value, used }) => {
                    let m = value.into_owned();
                    self.trace.log("<", &self.buf[..used], format!("{m:?}"));
                    self.buf.drain(..used);
                    return Ok(Some((m, None)));
                }
                Ok(Decoded::NeedMore { .. }) => {}
                Err(e) => {
                    match Message::decode_with(&self.buf, &Limits::default(), Profile::Lenient) {
                        Ok(Decoded::Complete { value, used }) => {
                            let m = value.into_owned();
                            self.trace.log(
                                "<",
                                &self.buf[..used],
                                format!("{m:?} (read leniently: {e})"),
                            );
                            self.buf.drain(..used);
                            return Ok(Some((m, Some(e.to_string()))));
                        }
                        Ok(Decoded::NeedMore { .. }) => {}
                        Err(_) => {
                            self.trace.log("!", &self.buf, format!("undecodable: {e}"));
                            return Err(format!(
                                "the client sent bytes msgwire's decoder rejects: {e}"
                            ));
                        }
                    }
                }
            }
            if Instant::now() >= deadline {
                return Ok(None);
            }
            self.s.set_read_timeout(Some(super::left(deadline))).ok();
            let mut chunk = [0u8; 65536];
            match self.s.read(&mut chunk) {
                Ok(0) => return Ok(None),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    return Ok(None)
                }
                Err(_) => return Ok(None),
            }
        }
    }
}

/// The requests the client sent: (msgid, method, params as JSON).
type Requests = Vec<(u32, String, Json)>;

struct Played {
    requests: Requests,
    notifications: Vec<(String, Json)>,
    /// Responses the client sent (to the server's request): (msgid, error, result).
    responses: Vec<(u32, Json, Json)>,
    problem: Option<String>,
    /// What msgwire's strict decoder said against the plan's messages (read leniently).
    strict_problems: Vec<String>,
    run: DriverRun,
}

/// How the server answers once it has read the plan's requests.
type Script = fn(&mut Wire<'_>, &Requests);

fn play(
    t: &Target,
    tr: &mut Trace,
    scenario: &str,
    plan: &Json,
    script: &dyn Fn(&mut Wire<'_>, &Requests),
) -> Result<Played, Outcome> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .map_err(|e| Outcome::Fail(format!("internal: cannot listen on 127.0.0.1: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Outcome::Fail(format!("internal: {e}")))?;
    let inv = Invocation {
        scenario: scenario.to_string(),
        addr,
        url: format!("tcp://{addr}"),
        plan: plan.to_string(),
    };
    let mut running = t
        .driver
        .start(&inv)
        .map_err(|e| Outcome::Fail(format!("the driver could not start: {e}")))?;
    let mut played = Played {
        requests: Vec::new(),
        notifications: Vec::new(),
        responses: Vec::new(),
        problem: None,
        strict_problems: Vec::new(),
        run: DriverRun::default(),
    };
    let want = if plan["notify"].as_bool().unwrap_or(false) {
        0
    } else {
        plan["calls"].as_array().map_or(0, Vec::len)
    };
    match client::accept(&listener, &mut running, Instant::now() + t.timeout) {
        Err(e) => {
            tr.log("!", b"", e.clone());
            played.problem = Some(e);
        }
        Ok(s) => {
            s.set_nodelay(true).ok();
            s.set_write_timeout(Some(t.timeout)).ok();
            let mut w = Wire {
                s,
                buf: Vec::new(),
                trace: tr,
            };
            let deadline = Instant::now() + t.timeout;
            // Read until the plan's requests are in (or a notification, for a notify plan).
            let record = |m: OwnedMessage, played: &mut Played| match m {
                OwnedMessage::Request {
                    msgid,
                    method,
                    params,
                } => played.requests.push((
                    msgid,
                    String::from_utf8_lossy(method.as_bytes()).into_owned(),
                    Json::Array(params.iter().map(to_json).collect()),
                )),
                OwnedMessage::Notification { method, params } => played.notifications.push((
                    String::from_utf8_lossy(method.as_bytes()).into_owned(),
                    Json::Array(params.iter().map(to_json).collect()),
                )),
                OwnedMessage::Response {
                    msgid,
                    error,
                    result,
                } => played
                    .responses
                    .push((msgid, to_json(&error), to_json(&result))),
            };
            loop {
                let enough = if want == 0 {
                    !played.notifications.is_empty()
                } else {
                    played.requests.len() >= want
                };
                if enough {
                    break;
                }
                match w.next(deadline) {
                    // A Neovim client asks for the API metadata when it attaches: answered as
                    // Neovim would (minimal), and not one of the plan's requests.
                    Ok(Some((OwnedMessage::Request { msgid, method, .. }, _)))
                        if method.as_bytes() == b"nvim_get_api_info" =>
                    {
                        w.send(
                            &OwnedMessage::result(msgid, from_json(&nvim_api_info())),
                            "nvim_get_api_info's answer",
                        );
                    }
                    // pynvim announces itself with nvim_set_client_info when it attaches.
                    Ok(Some((OwnedMessage::Notification { method, .. }, _)))
                        if method.as_bytes().starts_with(b"nvim_") => {}
                    Ok(Some((m, strict))) => {
                        played.strict_problems.extend(strict);
                        record(m, &mut played)
                    }
                    Ok(None) => {
                        played.problem = Some(format!(
                            "{} of the plan's {} requests came before the timeout",
                            played.requests.len(),
                            want
                        ));
                        break;
                    }
                    Err(e) => {
                        played.problem = Some(e);
                        break;
                    }
                }
            }
            if played.problem.is_none() {
                let requests = played.requests.clone();
                script(&mut w, &requests);
                // Whatever the client still sends (an answer to the server's request) until it
                // closes or a moment passes.
                let tail = Instant::now() + t.timeout.min(Duration::from_secs(2));
                while let Ok(Some((m, _))) = w.next(tail) {
                    record(m, &mut played);
                    if running.ended() {
                        break;
                    }
                }
            }
        }
    }
    drop(listener);
    played.run = running.finish(Instant::now() + t.timeout);
    tr.log("!", b"", played.run.summary());
    Ok(played)
}

/// What msgwire answers to `nvim_get_api_info` (so that Neovim clients such as pynvim
/// attach): channel 1 and the metadata fields they read.
fn nvim_api_info() -> Json {
    json!([1, {
        "version": { "major": 0, "minor": 9, "patch": 5, "api_level": 11, "api_compatible": 0, "api_prerelease": false },
        "types": {
            "Buffer": { "id": 0, "prefix": "nvim_buf_" },
            "Window": { "id": 1, "prefix": "nvim_win_" },
            "Tabpage": { "id": 2, "prefix": "nvim_tabpage_" }
        },
        "error_types": { "Exception": { "id": 0 }, "Validation": { "id": 1 } },
        "functions": [],
        "ui_events": [],
        "ui_options": []
    }])
}

fn driver_verdict(run: &DriverRun) -> Option<Outcome> {
    if let Some(why) = run.unsupported() {
        return Some(Outcome::Unimplemented(format!(
            "the driver's library cannot do this: {why}"
        )));
    }
    if run.killed {
        return Some(Outcome::Fail(format!(
            "the client did not end within the timeout (it hung; killed): {}",
            run.summary()
        )));
    }
    if !run.bad_lines.is_empty() {
        return Some(Outcome::Fail(format!(
            "the driver broke its contract: {}",
            run.summary()
        )));
    }
    if run.status != "exit 0" {
        return Some(Outcome::Fail(format!(
            "the client crashed (the driver did not exit 0): {}",
            run.summary()
        )));
    }
    None
}

fn surfaced(run: &DriverRun) -> String {
    let parts: Vec<String> = run
        .events
        .iter()
        .map(|e| {
            let call = e
                .get("call")
                .map_or(String::new(), |c| format!(" (call {c})"));
            match e["event"].as_str().unwrap_or("?") {
                "result" => format!("result {}{call}", e["value"]),
                "error" => format!("error {}{call}", e["error"]),
                "raised" => format!("raised ({}){call}", e["why"].as_str().unwrap_or("")),
                "notification" => format!("notification {} {}", e["method"], e["params"]),
                other => other.to_string(),
            }
        })
        .collect();
    if parts.is_empty() {
        "nothing".into()
    } else {
        parts.join(", ")
    }
}

fn results_of(run: &DriverRun, call: u64) -> Vec<&Json> {
    run.named("result")
        .into_iter()
        .filter(|e| e["call"].as_u64() == Some(call))
        .filter_map(|e| e.get("value"))
        .collect()
}

fn case(
    t: &Target,
    tr: &mut Trace,
    id: &str,
    plan: Json,
    script: Script,
    judge: &dyn Fn(&Played) -> Outcome,
) -> Outcome {
    let played = match play(
        t,
        tr,
        id.strip_prefix("msgpack-rpc-client/").unwrap_or(id),
        &plan,
        &script,
    ) {
        Ok(p) => p,
        Err(o) => return o,
    };
    if let Some(o) = driver_verdict(&played.run) {
        return o;
    }
    if let Some(p) = &played.problem {
        return Outcome::Fail(format!("{p}; {}", surfaced(&played.run)));
    }
    judge(&played)
}

fn one_call() -> Json {
    json!({ "calls": [{ "method": "add", "params": [1, "two", [3], { "four": 4 }] }] })
}

fn three_calls() -> Json {
    json!({ "calls": [
        { "method": "m0", "params": [0] },
        { "method": "m1", "params": [1] },
        { "method": "m2", "params": [2] }
    ] })
}

/// Call 0 surfaced exactly `want` once.
fn expect_result(p: &Played, want: &Json) -> Outcome {
    match results_of(&p.run, 0).as_slice() {
        [v] if *v == want => Outcome::Pass(surfaced(&p.run)),
        _ => Outcome::Fail(format!(
            "expected the result {want}; the library surfaced {}",
            surfaced(&p.run)
        )),
    }
}

/// Call 0 surfaced an error equal to `want` (not a result).
fn expect_error(p: &Played, want: &Json) -> Outcome {
    let errors: Vec<&Json> = p
        .run
        .named("error")
        .into_iter()
        .filter(|e| e["call"].as_u64() == Some(0))
        .filter_map(|e| e.get("error"))
        .collect();
    match (errors.as_slice(), results_of(&p.run, 0).is_empty()) {
        ([e], true) if *e == want => Outcome::Pass(surfaced(&p.run)),
        _ => Outcome::Fail(format!(
            "expected the error {want} surfaced as an error; the library surfaced {}",
            surfaced(&p.run)
        )),
    }
}

fn respond(w: &mut Wire<'_>, msgid: u32, result: Json) {
    w.send(&OwnedMessage::result(msgid, from_json(&result)), "response");
}

/// The suite.
pub fn cases() -> Vec<Case<Target>> {
    vec![
        Case {
            id: "msgpack-rpc-client/request/well-formed",
            section: SPEC,
            requirement: "\"The request message is a four elements array shown below, packed in MessagePack format. [type, msgid, method, params]\" — type \"Must be zero (integer)\", msgid \"is a 32-bit unsigned integer number\", method \"is a string\", params \"is an array of the function arguments\"",
            level: Level::Must,
            accepts: "[0, uint32, \"add\", [1, \"two\", [3], {\"four\": 4}]] read by msgwire's strict decoder; the result 10 surfaced",
            run: |t, tr| {
                case(t, tr, "msgpack-rpc-client/request/well-formed", one_call(), |w, r| respond(w, r[0].0, json!(10)), &|p| {
                    if !p.strict_problems.is_empty() {
                        return Outcome::Fail(format!("the request is read only by a lenient decoder: {}", p.strict_problems.join("; ")));
                    }
                    let (_, method, params) = &p.requests[0];
                    if method != "add" || *params != json!([1, "two", [3], {"four": 4}]) {
                        return Outcome::Fail(format!("the request is [0, _, {method:?}, {params}], not the plan's call"));
                    }
                    expect_result(p, &json!(10))
                })
            },
        },
        Case {
            id: "msgpack-rpc-client/notification/well-formed",
            section: SPEC,
            requirement: "\"The notification message is a three elements array shown below, packed in MessagePack format. [type, method, params]\" — type \"Must be two (integer)\"",
            level: Level::Must,
            accepts: "[2, \"log\", [\"hello\"]] and no request",
            run: |t, tr| {
                case(t, tr, "msgpack-rpc-client/notification/well-formed", json!({ "calls": [{ "method": "log", "params": ["hello"] }], "notify": true }), |_, _| {}, &|p| {
                    match (p.notifications.as_slice(), p.requests.is_empty()) {
                        _ if !p.strict_problems.is_empty() => Outcome::Fail(format!("the notification is read only by a lenient decoder: {}", p.strict_problems.join("; "))),
                        ([(m, params)], true) if m == "log" && *params == json!(["hello"]) => Outcome::Pass(format!("[2, \"log\", [\"hello\"]]; {}", surfaced(&p.run))),
                        _ => Outcome::Fail(format!("notifications {:?}, requests {:?}", p.notifications, p.requests)),
                    }
                })
            },
        },
        Case {
            id: "msgpack-rpc-client/msgid/unique-and-matched",
            section: SPEC,
            requirement: "msgid: \"The msgid is a 32-bit unsigned integer number. This number is used as a sequence number. The server's response to the request has the same msgid.\" and \"The server may return responses out of order\" (derived: outstanding requests carry distinct msgids, and each response goes to the request with its msgid)",
            level: Level::Must,
            accepts: "three outstanding requests with distinct msgids, answered in reverse order, each call surfacing its own result (i*10+7)",
            run: |t, tr| {
                case(t, tr, "msgpack-rpc-client/msgid/unique-and-matched", three_calls(), |w, r| {
                    for (msgid, method, _) in r.iter().rev() {
                        let i: u64 = method.trim_start_matches('m').parse().unwrap_or(99);
                        respond(w, *msgid, json!(i * 10 + 7));
                    }
                }, &|p| {
                    let ids: Vec<u32> = p.requests.iter().map(|r| r.0).collect();
                    if (1..ids.len()).any(|i| ids[..i].contains(&ids[i])) {
                        return Outcome::Fail(format!("outstanding requests share a msgid: {ids:?}"));
                    }
                    let ok = (0..3).all(|i| results_of(&p.run, i) == [&json!(i * 10 + 7)]);
                    if ok {
                        Outcome::Pass(format!("msgids {ids:?}; {}", surfaced(&p.run)))
                    } else {
                        Outcome::Fail(format!("expected call i → i*10+7 (answered in reverse order); msgids {ids:?}; the library surfaced {}", surfaced(&p.run)))
                    }
                })
            },
        },
        Case {
            id: "msgpack-rpc-client/error/array",
            section: SPEC,
            requirement: "error: \"If the method is executed correctly, this field is Nil. If the error occurred at the server-side, then this field is an arbitrary object which represents the error.\" (an array [code, message], as many servers send)",
            level: Level::Must,
            accepts: "the error [-32601, \"no such method\"] surfaced as an error with that value, not a result",
            run: |t, tr| {
                case(t, tr, "msgpack-rpc-client/error/array", one_call(), |w, r| {
                    w.send(&OwnedMessage::error(r[0].0, from_json(&json!([-32601, "no such method"]))), "error response");
                }, &|p| expect_error(p, &json!([-32601, "no such method"])))
            },
        },
        Case {
            id: "msgpack-rpc-client/error/string",
            section: SPEC,
            requirement: "error: \"[...] an arbitrary object which represents the error.\" (a string, as msgpack-rpc-python and others send)",
            level: Level::Must,
            accepts: "the error \"boom\" surfaced as an error with that value, not a result",
            run: |t, tr| {
                case(t, tr, "msgpack-rpc-client/error/string", one_call(), |w, r| {
                    w.send(&OwnedMessage::error(r[0].0, Value::from("boom")), "error response");
                }, &|p| expect_error(p, &json!("boom")))
            },
        },
        Case {
            id: "msgpack-rpc-client/stream/split-reads",
            section: SPEC,
            requirement: "derived: messages are MessagePack objects on a stream; a response that arrives one byte per write is the same response",
            level: Level::Must,
            accepts: "a response whose 40 bytes are written one at a time (5 ms apart): the result surfaced",
            run: |t, tr| {
                case(t, tr, "msgpack-rpc-client/stream/split-reads", one_call(), |w, r| {
                    let bytes = OwnedMessage::result(r[0].0, from_json(&json!(["split", "across", "many", "reads", 1234567]))).to_vec();
                    for b in &bytes {
                        w.send_raw(std::slice::from_ref(b), "one byte");
                        std::thread::sleep(Duration::from_millis(5));
                    }
                }, &|p| expect_result(p, &json!(["split", "across", "many", "reads", 1234567])))
            },
        },
        Case {
            id: "msgpack-rpc-client/stream/notifications-interleaved",
            section: SPEC,
            requirement: "derived: requests, responses and notifications share the stream (\"The server may return responses out of order\"; Neovim sends notifications between responses): a notification before the response does not take its place",
            level: Level::Must,
            accepts: "two notifications, then the response: the call surfaces its own result (a library that hands notifications to the application may also report them)",
            run: |t, tr| {
                case(t, tr, "msgpack-rpc-client/stream/notifications-interleaved", one_call(), |w, r| {
                    // One write, so that the three arrive together whatever the timing.
                    let mut bytes = OwnedMessage::notification("redraw", vec![from_json(&json!(["flush", []]))]).to_vec();
                    bytes.extend(OwnedMessage::notification("event", vec![Value::from(1)]).to_vec());
                    bytes.extend(OwnedMessage::result(r[0].0, Value::from(10)).to_vec());
                    w.send_raw(&bytes, "two notifications and the response, in one write");
                }, &|p| expect_result(p, &json!(10)))
            },
        },
        Case {
            id: "msgpack-rpc-client/stream/server-request-interleaved",
            section: SPEC,
            requirement: "derived: either peer may send requests on the stream (Neovim calls back into its clients with rpcrequest); a request from the server before the response does not take the response's place, and the call still gets its own result",
            level: Level::Must,
            accepts: "[0, 7, \"callback\", [1]] from the server, then the response: the call surfaces its own result 10 (answering the server's request is not judged here)",
            run: |t, tr| {
                case(t, tr, "msgpack-rpc-client/stream/server-request-interleaved", one_call(), |w, r| {
                    let mut bytes = OwnedMessage::request(7, "callback", vec![Value::from(1)]).to_vec();
                    bytes.extend(OwnedMessage::result(r[0].0, Value::from(10)).to_vec());
                    w.send_raw(&bytes, "a request from the server and the response, in one write");
                }, &|p| expect_result(p, &json!(10)))
            },
        },
        Case {
            id: "msgpack-rpc-client/stream/concurrent-interleaved",
            section: SPEC,
            requirement: "msgid: \"The server's response to the request has the same msgid.\" and \"The server may return responses out of order\" (derived: as Neovim does, the server writes notifications and requests of its own between the responses to several outstanding requests; each response still goes to the request with its msgid, and nothing else takes a response's place)",
            level: Level::Must,
            accepts: "three outstanding requests with distinct msgids, answered in one write with the response to the third, a notification, a request [0, 7, \"callback\", [1]] from the server, then the responses to the first and the second: each call surfaces its own result (i*10+7) once (answering the server's request is not judged here)",
            run: |t, tr| {
                case(t, tr, "msgpack-rpc-client/stream/concurrent-interleaved", three_calls(), |w, r| {
                    let msgid_of = |m: &str| r.iter().find(|(_, method, _)| method == m).map_or(0, |(id, _, _)| *id);
                    let mut bytes = OwnedMessage::result(msgid_of("m2"), Value::from(27)).to_vec();
                    bytes.extend(OwnedMessage::notification("redraw", vec![from_json(&json!(["flush", []]))]).to_vec());
                    bytes.extend(OwnedMessage::request(7, "callback", vec![Value::from(1)]).to_vec());
                    bytes.extend(OwnedMessage::result(msgid_of("m0"), Value::from(7)).to_vec());
                    bytes.extend(OwnedMessage::result(msgid_of("m1"), Value::from(17)).to_vec());
                    w.send_raw(&bytes, "response 3, a notification, a request from the server, responses 1 and 2, in one write");
                }, &|p| {
                    let ids: Vec<u32> = p.requests.iter().map(|r| r.0).collect();
                    if (1..ids.len()).any(|i| ids[..i].contains(&ids[i])) {
                        return Outcome::Fail(format!("outstanding requests share a msgid: {ids:?}"));
                    }
                    let ok = (0..3).all(|i| results_of(&p.run, i) == [&json!(i * 10 + 7)]);
                    if ok {
                        Outcome::Pass(format!("msgids {ids:?}; {}", surfaced(&p.run)))
                    } else {
                        Outcome::Fail(format!("expected call i → i*10+7 (responses 3, 1, 2 around a notification and a server request); msgids {ids:?}; the library surfaced {}", surfaced(&p.run)))
                    }
                })
            },
        },
        Case {
            id: "msgpack-rpc-client/response/unknown-msgid",
            section: SPEC,
            requirement: "msgid: \"The server's response to the request has the same msgid.\" (a response with a msgid no request carried belongs to no call)",
            level: Level::Must,
            accepts: "a response with msgid + 1000: the call does not surface it (it raises or times out in the library, or the run ends without a result)",
            run: |t, tr| {
                case(t, tr, "msgpack-rpc-client/response/unknown-msgid", one_call(), |w, r| respond(w, r[0].0.wrapping_add(1000), json!(10)), &|p| {
                    if results_of(&p.run, 0).is_empty() {
                        Outcome::Pass(format!("not taken as the call's response: {}", surfaced(&p.run)))
                    } else {
                        Outcome::Fail(format!("a response with a msgid no request carried was taken as the call's result: {}", surfaced(&p.run)))
                    }
                })
            },
        },
    ]
}

// ---------------------------------------------------------------------------------------------
// `msgwire fuzz msgpack-rpc-client`: one generated or mutated server message at a time.

/// How many calls a client input is made for: one more than the highest msgid placeholder
/// in it (1 to 8; 1 when it holds none).
fn placeholder_calls(input: &[u8]) -> usize {
    (0..8u32)
        .rev()
        .find(|&i| {
            let p = placeholder(i);
            input.windows(5).any(|w| w == p)
        })
        .map_or(1, |i| i as usize + 1)
}

fn placeholder(i: u32) -> [u8; 5] {
    let b = (crate::fuzz::MSGPACK_MSGID_PLACEHOLDER + i).to_be_bytes();
    [0xce, b[0], b[1], b[2], b[3]]
}

/// `input` with each msgid placeholder (`ce 6d 77 00 0i`) swapped for the msgid of call i's
/// request (as a uint32 of the same width).
fn substitute(input: &[u8], msgids: &[u32]) -> Vec<u8> {
    let mut out = input.to_vec();
    for (i, id) in msgids.iter().enumerate() {
        let p = placeholder(i as u32);
        let b = id.to_be_bytes();
        let with = [0xce, b[0], b[1], b[2], b[3]];
        let mut at = 0;
        while at + 5 <= out.len() {
            if out[at..at + 5] == p {
                out[at..at + 5].copy_from_slice(&with);
                at += 5;
            } else {
                at += 1;
            }
        }
    }
    out
}

/// Plays `input` (server messages with msgid placeholders, see
/// [`crate::fuzz::client_seeds`]) to the client once its requests for calls `m0..mN` are in
/// (N from the placeholders), and judges what the library surfaced against msgwire's strict
/// reading of the stream (msgids swapped in): a call answered by one response gets its result
/// or its error, by value (`not-delivered`, `wrong-value`, `wrong-error`); a call no response
/// answers gets nothing delivered (`mismatched-id`); the client never sends a response to
/// our response (`answered-response`). After bytes msgwire refuses (both profiles), calls may
/// fail or stay open, but a call no valid response answers gets nothing delivered
/// (`accepted-invalid`; a whole object that is no message may be skipped, and the messages
/// after it read); `crash`, `hang`, `driver-contract`. Streams only the lenient
/// profile reads are not judged.
pub fn fuzz_exchange(t: &Target, input: &[u8]) -> crate::live::FuzzVerdict {
    use crate::live::FuzzVerdict;
    let n = placeholder_calls(input);
    let plan = json!({
        "calls": (0..n).map(|i| json!({"method": format!("m{i}"), "params": [i]})).collect::<Vec<_>>()
    });
    let mut tr = Trace::default();
    let played = match play(t, &mut tr, "fuzz", &plan, &|w, reqs| {
        let ids = msgids(&plan, reqs);
        w.send_raw(&substitute(input, &ids), "the fuzz input");
    }) {
        Ok(p) => p,
        Err(o) => return FuzzVerdict::Broken("no-request", format!("{o:?}")),
    };
    if let Some(v) = client::fuzz_driver_verdict(&played.run) {
        return v;
    }
    if let Some(p) = &played.problem {
        return FuzzVerdict::Broken("bad-request", p.clone());
    }
    let ids = msgids(&plan, &played.requests);
    let body = substitute(input, &ids);
    // msgwire's strict reading: the messages before the first refused byte.
    let mut msgs = Vec::new();
    let mut refused = None;
    let mut at = 0;
    while at < body.len() {
        match Message::decode(&body[at..]) {
            Ok(Decoded::Complete { value, used }) => {
                msgs.push(value.into_owned());
                at += used;
            }
            Ok(Decoded::NeedMore { .. }) => {
                refused = Some("truncated".to_string());
                break;
            }
            Err(e) => {
                let lenient_reads = matches!(
                    Message::decode_with(&body[at..], &Limits::default(), Profile::Lenient),
                    Ok(Decoded::Complete { .. })
                );
                if lenient_reads {
                    return lenient_verdict(&body, &ids, &played.run);
                }
                let kind = crate::forms::decode("msgpack-rpc", &body[at..], "strict")
                    .and_then(|d| d.error)
                    .map_or_else(|| e.to_string(), |f| f.kind);
                refused.get_or_insert(kind);
                // A whole MessagePack object that is no message (the stream's framing is
                // intact): a client may skip it and read the messages after it.
                match msgwire::msgpack_rpc::ValueRef::decode(&body[at..]) {
                    Ok(Decoded::Complete { used, .. }) if used > 0 => at += used,
                    _ => break,
                }
            }
        }
    }
    for (msgid, _, _) in &played.responses {
        if msgs
            .iter()
            .any(|m| matches!(m, OwnedMessage::Response { msgid: r, .. } if r == msgid))
        {
            return FuzzVerdict::Broken(
                "answered-response",
                format!(
                    "the client answered the server's response {msgid} with a response: {}",
                    surfaced(&played.run)
                ),
            );
        }
    }
    for (i, id) in ids.iter().enumerate() {
        let answering: Vec<(&Value, &Value)> = msgs
            .iter()
            .filter_map(|m| match m {
                OwnedMessage::Response {
                    msgid,
                    error,
                    result,
                } if msgid == id => Some((error, result)),
                _ => None,
            })
            .collect();
        let results = results_of(&played.run, i as u64);
        let errors: Vec<&Json> = played
            .run
            .named("error")
            .into_iter()
            .filter(|e| e["call"].as_u64() == Some(i as u64))
            .filter_map(|e| e.get("error"))
            .collect();
        let delivered = results.len() + errors.len();
        let verdict = match answering.as_slice() {
            [] if delivered > 0 => Some(match &refused {
                Some(kind) => FuzzVerdict::Keyed(
                    "accepted-invalid",
                    kind.clone(),
                    format!(
                        "msgwire refuses the stream before any response to call {i} ({kind}); the library delivered one: {}",
                        surfaced(&played.run)
                    ),
                ),
                None => FuzzVerdict::Broken(
                    "mismatched-id",
                    format!(
                        "no response carries call {i}'s msgid {id}; the library delivered one to it: {}",
                        surfaced(&played.run)
                    ),
                ),
            }),
            [] => None,
            [(error, result)] => {
                let (want, got, class) = if matches!(error, Value::Nil) {
                    (contract_form(result), results.first().copied(), "wrong-value")
                } else {
                    (contract_form(error), errors.first().copied(), "wrong-error")
                };
                let Some(want) = want else {
                    continue;
                };
                match got {
                    _ if delivered > 1 => Some(FuzzVerdict::Broken(
                        "wrong-value",
                        format!("call {i} got {delivered} deliveries: {}", surfaced(&played.run)),
                    )),
                    Some(g) => client::same_value(&want, g).err().map(|k| {
                        FuzzVerdict::Keyed(
                            class,
                            k.into(),
                            format!(
                                "call {i} is owed {want}; the library surfaced {}",
                                surfaced(&played.run)
                            ),
                        )
                    }),
                    None if delivered > 0 => Some(FuzzVerdict::Broken(
                        class,
                        format!(
                            "call {i} is owed {} {want}; the library surfaced {}",
                            if class == "wrong-value" { "the result" } else { "the error" },
                            surfaced(&played.run)
                        ),
                    )),
                    // The stream broke after the response: failing the call is allowed.
                    None if refused.is_some() => None,
                    None => Some(FuzzVerdict::Broken(
                        "not-delivered",
                        format!(
                            "call {i} is owed {want}; the library surfaced {}",
                            surfaced(&played.run)
                        ),
                    )),
                }
            }
            // Two responses with one msgid: not judged.
            _ => None,
        };
        if let Some(v) = verdict {
            return v;
        }
    }
    FuzzVerdict::Ok
}

/// A stream only the lenient profile reads (invalid UTF-8 in a str, a malformed timestamp, a
/// bin method name, a response with both error and result): a client may deliver or refuse
/// most of it, but a response that carries an error is not a success, so a library that hands
/// its result to the call as one is caught (`accepted-invalid:error-with-result`); anything
/// else of such a stream is not judged.
fn lenient_verdict(body: &[u8], ids: &[u32], run: &DriverRun) -> crate::live::FuzzVerdict {
    use crate::live::FuzzVerdict;
    let mut at = 0;
    while at < body.len() {
        let Ok(Decoded::Complete { value, used }) =
            Message::decode_with(&body[at..], &Limits::default(), Profile::Lenient)
        else {
            break;
        };
        at += used;
        let Message::Response {
            msgid,
            error,
            result,
        } = value
        else {
            continue;
        };
        if error.is_nil() || result.is_nil() {
            continue;
        }
        let Some(i) = ids.iter().position(|id| *id == msgid) else {
            continue;
        };
        if !results_of(run, i as u64).is_empty() {
            return FuzzVerdict::Keyed(
                "accepted-invalid",
                "error-with-result".into(),
                format!(
                    "the response to call {i} carries both an error and a result (\"If an error occurred, error is not nil\" and then result is nil: an error); the library delivered the result as a success: {}",
                    surfaced(run)
                ),
            );
        }
    }
    FuzzVerdict::Skipped
}

/// A value as the driver contract prints it (bytes that are valid UTF-8 as a string: many
/// libraries read str and bin alike, and drivers print bytes as text when they can; ext as
/// `{"ext":T,"data":HEX}`); `None` for what the contract has no form for (a timestamp, which
/// older libraries read as an ext of type -1; a NaN or an infinity), not judged.
fn contract_form(v: &Value) -> Option<Json> {
    Some(match v {
        Value::RawStr(b) | Value::Bin(b) => match std::str::from_utf8(b) {
            Ok(s) => json!(s),
            Err(_) => json!({ "bin": hex::encode(b) }),
        },
        Value::Timestamp(_) => return None,
        Value::F32(f) if !f.is_finite() => return None,
        Value::F64(f) if !f.is_finite() => return None,
        Value::Array(a) => Json::Array(a.iter().map(contract_form).collect::<Option<_>>()?),
        Value::Map(m) => {
            let mut o = serde_json::Map::new();
            for (k, x) in m {
                let key = match contract_form(k)? {
                    Json::String(s) => s,
                    other => other.to_string(),
                };
                o.insert(key, contract_form(x)?);
            }
            Json::Object(o)
        }
        other => to_json(other),
    })
}

/// The msgid of each plan call's request (by method; 0 when none came).
fn msgids(plan: &Json, reqs: &Requests) -> Vec<u32> {
    plan["calls"]
        .as_array()
        .map(|calls| {
            calls
                .iter()
                .map(|c| {
                    reqs.iter()
                        .find(|(_, m, _)| Some(m.as_str()) == c["method"].as_str())
                        .map_or(0, |r| r.0)
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trips_and_ids_are_unique() {
        let j = json!([1, -2, "three", [true, null], {"k": 1.5}]);
        assert_eq!(to_json(&from_json(&j)), j);
        let ids: Vec<&str> = cases().iter().map(|c| c.id).collect();
        for (i, id) in ids.iter().enumerate() {
            assert!(!ids[..i].contains(id) && id.starts_with("msgpack-rpc-client/"));
        }
    }
}
