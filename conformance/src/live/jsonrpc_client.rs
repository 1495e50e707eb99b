//! `msgwire check jsonrpc-client --driver CMD`: msgwire plays a JSON-RPC 2.0 server over HTTP
//! (one POST per case, `Connection: close`) and judges the client library a driver runs (see
//! [`super::client`] and conformance/README.md, "The driver contract").
//!
//! Each case hands the driver a plan in `MSGWIRE_PLAN`:
//! `{"calls":[{"method":M,"params":P,"notify":B}, ...],"batch":B}` (`params` absent: call
//! without params; `notify`: a notification; `batch`: all calls in one batch request, else the
//! plan holds one call). The driver makes the calls with its library against `MSGWIRE_URL` and
//! prints what the library surfaced, one JSON object per line:
//!
//! - `{"event":"result","call":I,"value":V}`: call I (its index in the plan) returned V;
//! - `{"event":"error","call":I,"code":C,"message":M,"data":D}`: call I surfaced a JSON-RPC
//!   error object (`data` absent when the library surfaced none);
//! - `{"event":"raised","call":I,"why":S}`: the library raised or rejected something else
//!   (transport, parse, protocol); `call` absent when it failed the whole request;
//! - `{"event":"sent","call":I}`: notification I was sent and the library returned;
//! - instead of `"call":I`, `"id":ID` when the library hands the application the response's id
//!   and leaves matching to it (msgwire attributes it to the call whose request carried that id,
//!   compared by JSON value and type: `1` is not `"1"`);
//! - `{"event":"unsupported","why":S}`: the library cannot do what the plan asks.
//!
//! The scripted server reads the request, checks it against §4 (and §6 for batches), and
//! answers what the case scripts: results in or out of order, unknown or retyped ids,
//! duplicates, error objects, deep and huge results, a body cut off by a close. A client that
//! does not end within the timeout is killed and fails the case: no case hangs.

use std::io::Write;
use std::net::TcpListener;
use std::time::Instant;

use serde_json::{json, Map, Value};

use super::client::{self, DriverRun, Invocation, Target};
use super::{Case, Level, Outcome, Trace};

const S4: &str = "JSON-RPC 2.0 §4";
const S41: &str = "JSON-RPC 2.0 §4.1";
const S42: &str = "JSON-RPC 2.0 §4.2";
const S5: &str = "JSON-RPC 2.0 §5";
const S51: &str = "JSON-RPC 2.0 §5.1";
const S6: &str = "JSON-RPC 2.0 §6";
const TRANSPORT: &str = "JSON-RPC 2.0 over HTTP";

const Q_REQUEST: &str = "jsonrpc: A String specifying the version of the JSON-RPC protocol. MUST be exactly \"2.0\". method: A String containing the name of the method to be invoked. [...] params: A Structured value that holds the parameter values to be used during the invocation of the method. This member MAY be omitted. id: An identifier established by the Client that MUST contain a String, Number, or NULL value if included.";
const Q_ID: &str = "id: This member is REQUIRED. It MUST be the same as the value of the id member in the Request Object.";
const Q_BATCH_MATCH: &str = "The Response objects being returned from a batch call MAY be returned in any order within the Array. The Client SHOULD match contexts between the set of Request objects and the resulting set of Response objects based on the id member within each Object.";

/// What the library surfaced for one call.
#[derive(Debug, Clone, PartialEq)]
enum Surfaced {
    Result(Value),
    Error {
        code: Option<i64>,
        message: Option<String>,
        data: Option<Value>,
    },
    Raised(String),
    Sent,
}

impl Surfaced {
    fn describe(&self) -> String {
        match self {
            Surfaced::Result(v) => format!("result {}", short(v)),
            Surfaced::Error {
                code,
                message,
                data,
            } => format!(
                "error {} {:?}{}",
                code.map_or("(no code)".into(), |c| c.to_string()),
                message.as_deref().unwrap_or(""),
                data.as_ref()
                    .map_or(String::new(), |d| format!(" data {}", short(d)))
            ),
            Surfaced::Raised(w) => format!("raised ({})", trim(w, 160)),
            Surfaced::Sent => "sent".into(),
        }
    }
}

fn trim(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

fn short(v: &Value) -> String {
    let text = v.to_string();
    if text.len() > 120 {
        format!("{}… ({} bytes)", trim(&text, 80), text.len())
    } else {
        text
    }
}

/// What one case saw: the request the client sent (if any), what the driver printed.
struct Played {
    request: Option<Value>,
    /// Why no request could be read (or it was no JSON).
    request_problem: Option<String>,
    /// The id each call of the plan carried (None: a notification, or not found).
    ids: Vec<Option<Value>>,
    run: DriverRun,
}

/// How the scripted server answers the request.
enum Reply {
    /// 200 with this JSON body.
    Json(Value),
    /// 200 with these bytes as the body.
    Body(Vec<u8>),
    /// 204, no body.
    NoContent,
    /// These bytes as the whole response, then close (a cut-off body).
    Raw(Vec<u8>),
}

/// The plan's calls.
fn calls(plan: &Value) -> &[Value] {
    plan["calls"].as_array().map_or(&[], |v| v.as_slice())
}

/// Runs one case: listen, start the driver with `plan`, read one request, answer with
/// `reply(request, ids)`, let the driver finish.
fn play(
    t: &Target,
    tr: &mut Trace,
    scenario: &str,
    plan: &Value,
    reply: &dyn Fn(&Value, &[Option<Value>]) -> Reply,
) -> Result<Played, Outcome> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .map_err(|e| Outcome::Fail(format!("internal: cannot listen on 127.0.0.1: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Outcome::Fail(format!("internal: {e}")))?;
    let inv = Invocation {
        scenario: scenario.to_string(),
        addr,
        url: format!("http://{addr}/"),
        plan: plan.to_string(),
    };
    let mut running = t
        .driver
        .start(&inv)
        .map_err(|e| Outcome::Fail(format!("the driver could not start: {e}")))?;
    let deadline = Instant::now() + t.timeout;
    let mut played = Played {
        request: None,
        request_problem: None,
        ids: vec![None; calls(plan).len()],
        run: DriverRun::default(),
    };
    match client::accept(&listener, &mut running, deadline) {
        Err(e) => {
            tr.log("!", b"", e.clone());
            played.request_problem = Some(e);
        }
        Ok(mut s) => match client::read_http_request(&mut s, deadline) {
            Err(e) => {
                tr.log("!", b"", e.clone());
                played.request_problem = Some(e);
            }
            Ok(req) => {
                let mut logged = req.head.clone().into_bytes();
                logged.extend_from_slice(b"\r\n\r\n");
                logged.extend_from_slice(&req.body);
                tr.log(
                    "<",
                    &logged,
                    String::from_utf8_lossy(&req.body).into_owned(),
                );
                match serde_json::from_slice::<Value>(&req.body) {
                    Err(e) => {
                        played.request_problem = Some(format!("the request body is no JSON: {e}"));
                        let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    }
                    Ok(v) => {
                        played.ids = ids_of(&v, plan);
                        let bytes = match reply(&v, &played.ids) {
                            Reply::Json(j) => http_200(j.to_string().as_bytes()),
                            Reply::Body(b) => http_200(&b),
                            Reply::NoContent => {
                                b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec()
                            }
                            Reply::Raw(b) => b,
                        };
                        let _ = s.set_write_timeout(Some(super::left(deadline + t.timeout)));
                        let _ = s.write_all(&bytes);
                        let _ = s.flush();
                        let shown = trim(
                            &String::from_utf8_lossy(&bytes[..bytes.len().min(400)]),
                            300,
                        );
                        tr.log(">", &bytes, shown);
                        played.request = Some(v);
                    }
                }
                let _ = s.shutdown(std::net::Shutdown::Write);
                // Let the client read to the end before the socket goes.
                drop(s);
            }
        },
    }
    drop(listener);
    played.run = running.finish(Instant::now() + t.timeout);
    tr.log("!", b"", played.run.summary());
    Ok(played)
}

fn http_200(body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// The request objects of a request (one, or a batch's items).
fn objects(request: &Value) -> Vec<&Value> {
    match request {
        Value::Array(items) => items.iter().collect(),
        v => vec![v],
    }
}

/// The id each plan call carried: the request object with the call's method (methods are
/// distinct within a plan).
fn ids_of(request: &Value, plan: &Value) -> Vec<Option<Value>> {
    calls(plan)
        .iter()
        .map(|c| {
            objects(request)
                .into_iter()
                .find(|o| o.get("method") == c.get("method"))
                .and_then(|o| o.get("id").cloned())
        })
        .collect()
}

/// §4's rules for the request object of `call`: what is wrong, empty when nothing.
fn request_problems(o: &Value, call: &Value) -> Vec<String> {
    let mut p = Vec::new();
    let Some(obj) = o.as_object() else {
        return vec![format!("not an object: {}", short(o))];
    };
    if obj.get("jsonrpc") != Some(&json!("2.0")) {
        p.push(format!(
            "jsonrpc is {} (MUST be exactly \"2.0\")",
            obj.get("jsonrpc").map_or("absent".into(), short)
        ));
    }
    if obj.get("method") != call.get("method") {
        p.push(format!(
            "method is {} (the plan's is {})",
            obj.get("method").map_or("absent".into(), short),
            short(&call["method"])
        ));
    }
    match (call.get("params"), obj.get("params")) {
        (Some(want), Some(got)) if want != got => p.push(format!(
            "params {} (the plan's are {})",
            short(got),
            short(want)
        )),
        (Some(want), None) => p.push(format!("no params (the plan's are {})", short(want))),
        (None, Some(got))
            if !matches!(got, Value::Array(a) if a.is_empty())
                && !matches!(got, Value::Object(m) if m.is_empty()) =>
        {
            p.push(format!("params {} for a call without params", short(got)))
        }
        (_, Some(got)) if !got.is_array() && !got.is_object() => {
            p.push(format!("params {} is not a Structured value", short(got)))
        }
        _ => {}
    }
    let notify = call["notify"].as_bool().unwrap_or(false);
    match obj.get("id") {
        Some(id) if notify => p.push(format!(
            "a notification carries an id ({}): a Notification is a Request object without an \"id\" member",
            short(id)
        )),
        None if !notify => p.push("a call carries no id (it is a Notification)".into()),
        Some(id) if !(id.is_string() || id.is_number() || id.is_null()) => {
            p.push(format!("id {} is not a String, Number or Null", short(id)))
        }
        _ => {}
    }
    for k in obj.keys() {
        if !["jsonrpc", "method", "params", "id"].contains(&k.as_str()) {
            p.push(format!("a member {k:?} that §4 does not define"));
        }
    }
    p
}

/// Checks the request against the plan: every call present once and well formed, a batch
/// for a batch plan. `Err` says what is wrong.
fn check_request(played: &Played, plan: &Value) -> Result<(), String> {
    let Some(req) = &played.request else {
        return Err(played
            .request_problem
            .clone()
            .unwrap_or_else(|| "no request came".into()));
    };
    let batch = plan["batch"].as_bool().unwrap_or(false);
    if batch != req.is_array() {
        return Err(format!(
            "{} expected, got {}",
            if batch {
                "a batch (an Array)"
            } else {
                "one request object"
            },
            short(req)
        ));
    }
    let objs = objects(req);
    if objs.len() != calls(plan).len() {
        return Err(format!(
            "{} request objects for the plan's {} calls: {}",
            objs.len(),
            calls(plan).len(),
            short(req)
        ));
    }
    let mut problems = Vec::new();
    for c in calls(plan) {
        match objs.iter().find(|o| o.get("method") == c.get("method")) {
            None => problems.push(format!("no request for method {}", c["method"])),
            Some(o) => {
                for p in request_problems(o, c) {
                    problems.push(format!("{}: {p}", c["method"]));
                }
            }
        }
    }
    let ids: Vec<&Value> = played.ids.iter().flatten().collect();
    for (i, a) in ids.iter().enumerate() {
        if ids[..i].contains(a) {
            problems.push(format!(
                "id {} is used by two calls of one batch: their responses cannot be told apart",
                short(a)
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// What the driver surfaced, attributed to the plan's calls: per call, in order; events
/// keyed by an id no call carried (the library surfaced them with their own id, leaving them
/// to the application); events for the whole request.
struct Attributed {
    per_call: Vec<Vec<Surfaced>>,
    stray: Vec<(Value, Surfaced)>,
    whole: Vec<Surfaced>,
}

fn attribute(played: &Played) -> Attributed {
    let n = played.ids.len();
    let mut a = Attributed {
        per_call: vec![Vec::new(); n],
        stray: Vec::new(),
        whole: Vec::new(),
    };
    for e in &played.run.events {
        let s = match e["event"].as_str().unwrap_or("") {
            "result" => Surfaced::Result(e.get("value").cloned().unwrap_or(Value::Null)),
            "error" => Surfaced::Error {
                code: e["code"].as_i64(),
                message: e["message"].as_str().map(str::to_owned),
                data: e.get("data").filter(|d| !d.is_null()).cloned(),
            },
            "raised" => Surfaced::Raised(e["why"].as_str().unwrap_or("").to_string()),
            "sent" => Surfaced::Sent,
            _ => continue,
        };
        if let Some(i) = e.get("call").and_then(Value::as_u64) {
            match a.per_call.get_mut(i as usize) {
                Some(v) => v.push(s),
                None => a.stray.push((json!({ "call": i }), s)),
            }
        } else if let Some(id) = e.get("id") {
            match played.ids.iter().position(|c| c.as_ref() == Some(id)) {
                Some(i) => a.per_call[i].push(s),
                None => a.stray.push((id.clone(), s)),
            }
        } else {
            a.whole.push(s);
        }
    }
    a
}

impl Attributed {
    fn describe(&self) -> String {
        let mut parts = Vec::new();
        for (i, v) in self.per_call.iter().enumerate() {
            let d: Vec<String> = v.iter().map(Surfaced::describe).collect();
            parts.push(format!(
                "call {i}: {}",
                if d.is_empty() {
                    "nothing".into()
                } else {
                    d.join(", ")
                }
            ));
        }
        for (id, s) in &self.stray {
            parts.push(format!("under id {}: {}", short(id), s.describe()));
        }
        for s in &self.whole {
            parts.push(format!("for the request: {}", s.describe()));
        }
        parts.join("; ")
    }

    /// Whether call `i` (or the whole request) was rejected: something raised.
    fn rejected(&self, i: usize) -> bool {
        self.per_call[i]
            .iter()
            .chain(&self.whole)
            .any(|s| matches!(s, Surfaced::Raised(_)))
    }

    fn results(&self, i: usize) -> Vec<&Value> {
        self.per_call[i]
            .iter()
            .filter_map(|s| match s {
                Surfaced::Result(v) => Some(v),
                _ => None,
            })
            .collect()
    }
}

/// The common verdicts before a case's own: a driver that hung, broke the contract, crashed
/// or cannot do the plan.
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

fn call(method: &str, params: Option<Value>) -> Value {
    let mut m = Map::new();
    m.insert("method".into(), json!(method));
    if let Some(p) = params {
        m.insert("params".into(), p);
    }
    Value::Object(m)
}

fn notify(method: &str, params: Option<Value>) -> Value {
    let mut c = call(method, params);
    c["notify"] = json!(true);
    c
}

fn single(c: Value) -> Value {
    json!({ "calls": [c], "batch": false })
}

fn batch(cs: Vec<Value>) -> Value {
    json!({ "calls": cs, "batch": true })
}

fn result(id: &Value, v: Value) -> Value {
    json!({ "jsonrpc": "2.0", "result": v, "id": id })
}

fn id0(ids: &[Option<Value>]) -> Value {
    ids.first().cloned().flatten().unwrap_or(Value::Null)
}

/// The case's scenario name: its id without the suite prefix.
fn scenario(id: &str) -> &str {
    id.strip_prefix("jsonrpc-client/").unwrap_or(id)
}

/// A single call answered with `reply`; the request checked; `judge(attributed)` the rest.
fn one_call(
    t: &Target,
    tr: &mut Trace,
    id: &str,
    plan: Value,
    reply: &dyn Fn(&Value, &[Option<Value>]) -> Reply,
    judge: &dyn Fn(&Attributed, &Played) -> Outcome,
) -> Outcome {
    let played = match play(t, tr, scenario(id), &plan, reply) {
        Ok(p) => p,
        Err(o) => return o,
    };
    if let Some(o) = driver_verdict(&played.run) {
        return o;
    }
    if played.request.is_none() {
        return Outcome::Fail(format!(
            "no request to judge: {}; {}",
            played
                .request_problem
                .as_deref()
                .unwrap_or("no request came"),
            played.run.summary()
        ));
    }
    judge(&attribute(&played), &played)
}

/// Pass when call 0 surfaced exactly `want` once (and nothing else), fail otherwise.
fn expect_result(a: &Attributed, want: &Value) -> Outcome {
    let got = a.results(0);
    if got.len() == 1 && got[0] == want && a.stray.is_empty() && !a.rejected(0) {
        Outcome::Pass(format!("surfaced {}", a.describe()))
    } else {
        Outcome::Fail(format!(
            "expected call 0 to surface result {}; the library surfaced {}",
            short(want),
            a.describe()
        ))
    }
}

/// Pass when call 0 got no result (rejected, or surfaced under the stray id): the response
/// was not mis-matched.
fn expect_not_matched(a: &Attributed, what: &str) -> Outcome {
    let got = a.results(0);
    let errs = a.per_call[0]
        .iter()
        .any(|s| matches!(s, Surfaced::Error { .. }));
    if got.is_empty() && !errs {
        if a.rejected(0) {
            Outcome::Pass(format!("rejected {what}: {}", a.describe()))
        } else if !a.stray.is_empty() {
            Outcome::Pass(format!(
                "surfaced {what} under its own id, for the application to match: {}",
                a.describe()
            ))
        } else {
            Outcome::Fail(format!(
                "the call neither failed nor got a result (the response was silently dropped, and the call returned nothing): {}",
                a.describe()
            ))
        }
    } else {
        Outcome::Fail(format!(
            "{what} was taken as the call's response (mis-matched): {}",
            a.describe()
        ))
    }
}

/// A batch of `n` calls `m0..` with params `[i]`; the server answers each with `i * 10 + 7`,
/// in the order `order` gives (indexes into the calls), plus `extra` items.
fn batch_case(
    t: &Target,
    tr: &mut Trace,
    id: &str,
    n: usize,
    order: &[usize],
    extra: &dyn Fn(&[Option<Value>]) -> Vec<Value>,
    judge: &dyn Fn(&Attributed) -> Outcome,
) -> Outcome {
    let plan = batch(
        (0..n)
            .map(|i| call(&format!("m{i}"), Some(json!([i]))))
            .collect(),
    );
    let played = match play(t, tr, scenario(id), &plan, &|_, ids| {
        let mut items: Vec<Value> = order
            .iter()
            .map(|&i| result(&ids[i].clone().unwrap_or(Value::Null), json!(i * 10 + 7)))
            .collect();
        items.extend(extra(ids));
        Reply::Json(Value::Array(items))
    }) {
        Ok(p) => p,
        Err(o) => return o,
    };
    if let Some(o) = driver_verdict(&played.run) {
        return o;
    }
    if let Err(e) = check_request(&played, &plan) {
        return Outcome::Fail(format!("the batch request is not well formed: {e}"));
    }
    judge(&attribute(&played))
}

/// Every call `i` surfaced `i * 10 + 7` once, or the batch was rejected whole; nothing else.
fn batch_all_matched(a: &Attributed) -> Outcome {
    let mut wrong = Vec::new();
    for i in 0..a.per_call.len() {
        let r = a.results(i);
        let want = json!(i * 10 + 7);
        if r.iter().any(|v| **v != want) || r.len() > 1 || (r.is_empty() && !a.rejected(i)) {
            wrong.push(i);
        }
    }
    if wrong.is_empty() && a.stray.is_empty() {
        Outcome::Pass(format!("each call got its own result: {}", a.describe()))
    } else {
        Outcome::Fail(format!(
            "call(s) {wrong:?} did not surface their own result (each call i was answered i*10+7){}: {}",
            if a.stray.is_empty() { "" } else { ", results under ids no call carried" },
            a.describe()
        ))
    }
}

/// A result nested `depth` arrays deep around 1.
fn nested(depth: usize) -> Value {
    let mut v = json!(1);
    for _ in 0..depth {
        v = Value::Array(vec![v]);
    }
    v
}

/// The suite.
pub fn cases() -> Vec<Case<Target>> {
    vec![
        Case {
            id: "jsonrpc-client/request/well-formed",
            section: S4,
            requirement: Q_REQUEST,
            level: Level::Must,
            accepts: "one request object: jsonrpc \"2.0\", the plan's method and positional params, an id (String, Number or Null), no other member; the result 19 surfaced for the call",
            run: |t, tr| {
                let plan = single(call("subtract", Some(json!([42, 23]))));
                let played = match play(t, tr, "request/well-formed", &plan, &|_, ids| Reply::Json(result(&id0(ids), json!(19)))) {
                    Ok(p) => p,
                    Err(o) => return o,
                };
                if let Some(o) = driver_verdict(&played.run) {
                    return o;
                }
                if let Err(e) = check_request(&played, &plan) {
                    return Outcome::Fail(format!("the request is not well formed: {e}"));
                }
                expect_result(&attribute(&played), &json!(19))
            },
        },
        Case {
            id: "jsonrpc-client/request/named-params",
            section: S42,
            requirement: "by-name: params MUST be an Object, with member names that match the Server expected parameter names. [...] by-position: params MUST be an Array",
            level: Level::Must,
            accepts: "params sent as the plan's Object, unchanged; the result surfaced",
            run: |t, tr| {
                let plan = single(call("subtract", Some(json!({"minuend": 42, "subtrahend": 23}))));
                let played = match play(t, tr, "request/named-params", &plan, &|_, ids| Reply::Json(result(&id0(ids), json!(19)))) {
                    Ok(p) => p,
                    Err(o) => return o,
                };
                if let Some(o) = driver_verdict(&played.run) {
                    return o;
                }
                if let Err(e) = check_request(&played, &plan) {
                    return Outcome::Fail(format!("the request is not well formed: {e}"));
                }
                expect_result(&attribute(&played), &json!(19))
            },
        },
        Case {
            id: "jsonrpc-client/request/id-not-null-or-fractional",
            section: S4,
            requirement: "id: [...] The use of Null as a value for the id member in a Request object is discouraged [...] Numbers SHOULD NOT contain fractional parts",
            level: Level::Should,
            accepts: "the call's id is a String or an integer Number",
            run: |t, tr| {
                let plan = single(call("subtract", Some(json!([42, 23]))));
                let played = match play(t, tr, "request/id-not-null-or-fractional", &plan, &|_, ids| Reply::Json(result(&id0(ids), json!(19)))) {
                    Ok(p) => p,
                    Err(o) => return o,
                };
                if let Some(o) = driver_verdict(&played.run) {
                    return o;
                }
                match played.ids.first().cloned().flatten() {
                    Some(Value::String(s)) => Outcome::Pass(format!("id {s:?}")),
                    Some(Value::Number(n)) if n.is_i64() || n.is_u64() => Outcome::Pass(format!("id {n}")),
                    Some(other) => Outcome::Fail(format!("id {}", short(&other))),
                    None => Outcome::Fail(format!("no id: {}", played.request_problem.as_deref().unwrap_or("the call carried none"))),
                }
            },
        },
        Case {
            id: "jsonrpc-client/notification/no-id",
            section: S41,
            requirement: "A Notification is a Request object without an \"id\" member. A Request object that is a Notification signifies the Client's lack of interest in the corresponding Response object",
            level: Level::Must,
            accepts: "one request object without an id member (answered 204); the library returns without a result",
            run: |t, tr| {
                let plan = single(notify("update", Some(json!([1, 2, 3]))));
                let played = match play(t, tr, "notification/no-id", &plan, &|_, _| Reply::NoContent) {
                    Ok(p) => p,
                    Err(o) => return o,
                };
                if let Some(o) = driver_verdict(&played.run) {
                    return o;
                }
                if let Err(e) = check_request(&played, &plan) {
                    return Outcome::Fail(format!("the notification is not well formed: {e}"));
                }
                let a = attribute(&played);
                if !a.results(0).is_empty() || a.rejected(0) {
                    return Outcome::Fail(format!("a notification answered 204 should complete quietly: {}", a.describe()));
                }
                Outcome::Pass(format!("no id; {}", a.describe()))
            },
        },
        Case {
            id: "jsonrpc-client/notification/reply-not-surfaced",
            section: S41,
            requirement: "derived from §4.1: \"The Server MUST NOT reply to a Notification\" and \"A Request object that is a Notification signifies the Client's lack of interest in the corresponding Response object\": a reply the server owes nobody is not a result of the notification",
            level: Level::Must,
            accepts: "the notification returns (or raises) without surfacing the stray response as a result; no hang",
            run: |t, tr| {
                let plan = single(notify("update", Some(json!([1, 2, 3]))));
                let played = match play(t, tr, "notification/reply-not-surfaced", &plan, &|_, _| {
                    Reply::Json(json!({"jsonrpc": "2.0", "result": "unexpected", "id": null}))
                }) {
                    Ok(p) => p,
                    Err(o) => return o,
                };
                if let Some(o) = driver_verdict(&played.run) {
                    return o;
                }
                let a = attribute(&played);
                if a.results(0).is_empty() {
                    Outcome::Pass(a.describe())
                } else {
                    Outcome::Fail(format!("the stray reply was surfaced as the notification's result: {}", a.describe()))
                }
            },
        },
        Case {
            id: "jsonrpc-client/batch/well-formed",
            section: S6,
            requirement: "To send several Request objects at the same time, the Client MAY send an Array filled with Request objects. [...] The Client SHOULD match contexts between the set of Request objects and the resulting set of Response objects based on the id member within each Object (so the calls of one batch carry distinct ids)",
            level: Level::Must,
            accepts: "an Array of well-formed request objects, one per call, the calls' ids distinct and the notification's absent; each call's result surfaced for it",
            run: |t, tr| {
                let plan = batch(vec![
                    call("sum", Some(json!([1, 2, 4]))),
                    notify("notify_hello", Some(json!([7]))),
                    call("subtract", Some(json!([42, 23]))),
                    call("get_data", None),
                ]);
                let played = match play(t, tr, "batch/well-formed", &plan, &|_, ids| {
                    let id = |i: usize| ids[i].clone().unwrap_or(Value::Null);
                    Reply::Json(json!([result(&id(0), json!(7)), result(&id(2), json!(19)), result(&id(3), json!(["hello", 5]))]))
                }) {
                    Ok(p) => p,
                    Err(o) => return o,
                };
                if let Some(o) = driver_verdict(&played.run) {
                    return o;
                }
                if let Err(e) = check_request(&played, &plan) {
                    return Outcome::Fail(format!("the batch is not well formed: {e}"));
                }
                let a = attribute(&played);
                let ok = a.results(0) == [&json!(7)] && a.results(2) == [&json!(19)] && a.results(3) == [&json!(["hello", 5])] && a.results(1).is_empty() && a.stray.is_empty();
                if ok {
                    Outcome::Pass(a.describe())
                } else {
                    Outcome::Fail(format!("expected call 0 → 7, call 2 → 19, call 3 → [\"hello\",5], nothing for the notification: {}", a.describe()))
                }
            },
        },
        Case {
            id: "jsonrpc-client/batch/out-of-order",
            section: S6,
            requirement: Q_BATCH_MATCH,
            level: Level::Must,
            accepts: "the batch's responses, returned in reverse order, each surfaced for the call whose id it carries (§5: the id MUST be the same as the request's); a result given to another call fails",
            run: |t, tr| batch_case(t, tr, "jsonrpc-client/batch/out-of-order", 3, &[2, 1, 0], &|_| Vec::new(), &batch_all_matched),
        },
        Case {
            id: "jsonrpc-client/batch/duplicate-response",
            section: S6,
            requirement: "derived from §5: \"When a rpc call is made, the Server MUST reply with a Response\" (one) and Q_ID; a second response with a call's id is not that call's result",
            level: Level::Must,
            accepts: "each call surfaces its own first result once, or the batch is rejected; the duplicate (another value under call 0's id) is never surfaced as call 0's result",
            run: |t, tr| {
                batch_case(t, tr, "jsonrpc-client/batch/duplicate-response", 2, &[0, 1], &|ids| vec![result(&ids[0].clone().unwrap_or(Value::Null), json!("duplicate"))], &batch_all_matched)
            },
        },
        Case {
            id: "jsonrpc-client/batch/missing-response",
            section: S6,
            requirement: "derived from §6: \"The Server should respond with an Array containing the corresponding Response objects, after all of the batch Request objects have been processed.\": a call the answer leaves out has no result",
            level: Level::Must,
            accepts: "call 0 surfaces its result; call 1 (left out) raises or gets nothing, never a result",
            run: |t, tr| {
                batch_case(t, tr, "jsonrpc-client/batch/missing-response", 2, &[0], &|_| Vec::new(), &|a| {
                    if a.results(0) == [&json!(7)] && a.results(1).is_empty() && a.stray.is_empty() {
                        Outcome::Pass(a.describe())
                    } else if a.results(0).is_empty() && a.rejected(0) && a.results(1).is_empty() {
                        Outcome::Pass(format!("the batch was rejected whole: {}", a.describe()))
                    } else {
                        Outcome::Fail(format!("expected call 0 → 7 and no result for call 1: {}", a.describe()))
                    }
                })
            },
        },
        Case {
            id: "jsonrpc-client/response/unknown-id",
            section: S5,
            requirement: Q_ID,
            level: Level::Must,
            accepts: "the response (id the call did not carry) is rejected, or surfaced under its own id; never as the call's result",
            run: |t, tr| {
                let id = "jsonrpc-client/response/unknown-id";
                one_call(t, tr, id, single(call("subtract", Some(json!([42, 23])))), &|_, _| {
                    Reply::Json(result(&json!("msgwire-unknown-id"), json!(19)))
                }, &|a, _| expect_not_matched(a, "a response with an id no call carried"))
            },
        },
        Case {
            id: "jsonrpc-client/response/id-type-differs",
            section: S5,
            requirement: Q_ID,
            level: Level::Must,
            accepts: "the response carrying the call's id with another JSON type (the number 1 for the string \"1\", or the reverse) is rejected, or surfaced under its own id; never as the call's result",
            run: |t, tr| {
                let id = "jsonrpc-client/response/id-type-differs";
                one_call(t, tr, id, single(call("subtract", Some(json!([42, 23])))), &|_, ids| {
                    let retyped = match id0(ids) {
                        Value::String(s) => s.parse::<i64>().map(Value::from).unwrap_or(json!(1)),
                        Value::Number(n) => Value::String(n.to_string()),
                        _ => json!("null"),
                    };
                    Reply::Json(result(&retyped, json!(19)))
                }, &|a, _| expect_not_matched(a, "a response whose id has another type"))
            },
        },
        Case {
            id: "jsonrpc-client/response/result-and-error",
            section: S5,
            requirement: "Either the result member or error member MUST be included, but both members MUST NOT be included.",
            level: Level::Should,
            accepts: "the invalid response is rejected (raised); surfacing its result or its error is non-strict",
            run: |t, tr| {
                let id = "jsonrpc-client/response/result-and-error";
                one_call(t, tr, id, single(call("subtract", Some(json!([42, 23])))), &|_, ids| {
                    Reply::Json(json!({"jsonrpc": "2.0", "result": 19, "error": {"code": -32000, "message": "both"}, "id": id0(ids)}))
                }, &|a, _| {
                    if a.rejected(0) && a.results(0).is_empty() {
                        Outcome::Pass(format!("rejected: {}", a.describe()))
                    } else {
                        Outcome::NonStrict(format!("read a response holding both result and error: {}", a.describe()))
                    }
                })
            },
        },
        Case {
            id: "jsonrpc-client/error/object",
            section: S51,
            requirement: "When a rpc call encounters an error, the Response Object MUST contain the error member with a value that is a Object with the following members: code [...] message [...] data",
            level: Level::Must,
            accepts: "the error surfaced for the call with code -32601 and message \"Method not found\" (not a result)",
            run: |t, tr| {
                let id = "jsonrpc-client/error/object";
                one_call(t, tr, id, single(call("foobar", None)), &|_, ids| {
                    Reply::Json(json!({"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found"}, "id": id0(ids)}))
                }, &|a, _| {
                    let ok = a.per_call[0].iter().any(|s| matches!(s, Surfaced::Error { code: Some(-32601), message: Some(m), .. } if m == "Method not found"));
                    if ok && a.results(0).is_empty() {
                        Outcome::Pass(a.describe())
                    } else {
                        Outcome::Fail(format!("expected the error -32601 \"Method not found\" surfaced for the call: {}", a.describe()))
                    }
                })
            },
        },
        Case {
            id: "jsonrpc-client/error/data",
            section: S51,
            requirement: "data: A Primitive or Structured value that contains additional information about the error. This may be omitted. The value of this member is defined by the Server",
            level: Level::Should,
            accepts: "the error surfaced with code -32000, its message, and its data unchanged",
            run: |t, tr| {
                let id = "jsonrpc-client/error/data";
                one_call(t, tr, id, single(call("explode", Some(json!(["now"])))), &|_, ids| {
                    Reply::Json(json!({"jsonrpc": "2.0", "error": {"code": -32000, "message": "Server error", "data": {"why": ["disk", "full"], "retry": 3.5, "nothing": null}}, "id": id0(ids)}))
                }, &|a, _| {
                    let want = json!({"why": ["disk", "full"], "retry": 3.5, "nothing": null});
                    let ok = a.per_call[0].iter().any(|s| matches!(s, Surfaced::Error { code: Some(-32000), data: Some(d), .. } if *d == want));
                    if ok {
                        Outcome::Pass(a.describe())
                    } else {
                        Outcome::Fail(format!("expected the error -32000 with data {want}: {}", a.describe()))
                    }
                })
            },
        },
        Case {
            id: "jsonrpc-client/error/id-null",
            section: S5,
            requirement: "If there was an error in detecting the id in the Request object (e.g. Parse error/Invalid Request), it MUST be Null.",
            level: Level::Must,
            accepts: "the error response with id null (the server could not read the request) surfaced as an error or raised; never a result",
            run: |t, tr| {
                let id = "jsonrpc-client/error/id-null";
                one_call(t, tr, id, single(call("subtract", Some(json!([42, 23])))), &|_, _| {
                    Reply::Json(json!({"jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error"}, "id": null}))
                }, &|a, _| {
                    let surfaced = a.rejected(0)
                        || a.per_call[0].iter().any(|s| matches!(s, Surfaced::Error { .. }))
                        || a.stray.iter().any(|(_, s)| matches!(s, Surfaced::Error { .. }));
                    if surfaced && a.results(0).is_empty() {
                        Outcome::Pass(a.describe())
                    } else {
                        Outcome::Fail(format!("expected the -32700 error (id null) surfaced or raised: {}", a.describe()))
                    }
                })
            },
        },
        Case {
            id: "jsonrpc-client/result/deep",
            section: S5,
            requirement: "result: This member is REQUIRED on success. [...] The value of this member is determined by the method invoked on the Server. (a result nested 1000 arrays deep)",
            level: Level::Must,
            accepts: "the result surfaced unchanged, or rejected (a depth limit raised); no crash, no hang",
            run: |t, tr| {
                let id = "jsonrpc-client/result/deep";
                one_call(t, tr, id, single(call("deep", None)), &|_, ids| {
                    Reply::Json(result(&id0(ids), nested(1000)))
                }, &|a, _| {
                    let want = nested(1000);
                    if a.results(0) == [&want] || (a.results(0).is_empty() && a.rejected(0)) {
                        Outcome::Pass(a.describe())
                    } else {
                        Outcome::Fail(format!("expected the 1000-deep result or a rejection: {}", a.describe()))
                    }
                })
            },
        },
        Case {
            id: "jsonrpc-client/result/huge",
            section: S5,
            requirement: "result: This member is REQUIRED on success. [...] The value of this member is determined by the method invoked on the Server. (a result string of 4 MiB)",
            level: Level::Must,
            accepts: "the result surfaced unchanged, or rejected (a size limit raised); no crash, no hang",
            run: |t, tr| {
                let id = "jsonrpc-client/result/huge";
                one_call(t, tr, id, single(call("huge", None)), &|_, ids| {
                    Reply::Json(result(&id0(ids), Value::String("x".repeat(4 << 20))))
                }, &|a, _| {
                    let got = a.results(0);
                    match got.as_slice() {
                        [Value::String(s)] if s.len() == 4 << 20 && s.bytes().all(|b| b == b'x') => Outcome::Pass("the 4 MiB result surfaced unchanged".into()),
                        [] if a.rejected(0) => Outcome::Pass(a.describe()),
                        _ => Outcome::Fail(format!("expected the 4 MiB string or a rejection: {}", a.describe())),
                    }
                })
            },
        },
        Case {
            id: "jsonrpc-client/transport/closed-mid-response",
            section: TRANSPORT,
            requirement: "derived from RFC 9112 §6.3: \"If a message is received with [...] a Content-Length [...] and the sender closes the connection [...] before the indicated number of octets are received, the recipient MUST consider the message to be incomplete\": a response cut off by a close is no response",
            level: Level::Must,
            accepts: "the call raises (no result), and the client ends: the server sends half the body its Content-Length declares, then closes",
            run: |t, tr| {
                let id = "jsonrpc-client/transport/closed-mid-response";
                one_call(t, tr, id, single(call("subtract", Some(json!([42, 23])))), &|_, ids| {
                    let body = result(&id0(ids), json!("a result that never ends")).to_string();
                    let mut raw = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()).into_bytes();
                    raw.extend_from_slice(&body.as_bytes()[..body.len() / 2]);
                    Reply::Raw(raw)
                }, &|a, _| {
                    if a.results(0).is_empty() && a.rejected(0) {
                        Outcome::Pass(a.describe())
                    } else {
                        Outcome::Fail(format!("expected the call to raise: {}", a.describe()))
                    }
                })
            },
        },
        Case {
            id: "jsonrpc-client/transport/not-json",
            section: TRANSPORT,
            requirement: "derived from §5: \"When a rpc call is made, the Server MUST reply with a Response\": a body that is no JSON is no Response",
            level: Level::Must,
            accepts: "the call raises (no result): the server answers 200 with an HTML page",
            run: |t, tr| {
                let id = "jsonrpc-client/transport/not-json";
                one_call(t, tr, id, single(call("subtract", Some(json!([42, 23])))), &|_, _| {
                    Reply::Body(b"<html><body>502 Bad Gateway</body></html>".to_vec())
                }, &|a, _| {
                    if a.results(0).is_empty() && a.rejected(0) {
                        Outcome::Pass(a.describe())
                    } else {
                        Outcome::Fail(format!("expected the call to raise: {}", a.describe()))
                    }
                })
            },
        },
    ]
}

// ---------------------------------------------------------------------------------------------
// `msgwire fuzz jsonrpc-client`: one generated or mutated response body at a time.

/// How many calls a client input is made for: one more than the highest id placeholder in it
/// (1 to 8; 1 when it holds none).
fn placeholder_calls(input: &[u8]) -> usize {
    (0..8)
        .rev()
        .find(|&i| {
            let p = crate::fuzz::jsonrpc_id_placeholder(i);
            input.windows(p.len()).any(|w| w == p.as_bytes())
        })
        .map_or(1, |i| i + 1)
}

/// `input` with each id placeholder swapped for the id of that call's request (JSON text; a
/// call whose request carried none keeps its placeholder).
fn substitute(input: &[u8], ids: &[Option<Value>]) -> Vec<u8> {
    let mut out = input.to_vec();
    for (i, id) in ids.iter().enumerate() {
        let Some(id) = id else { continue };
        let p = crate::fuzz::jsonrpc_id_placeholder(i);
        let with = id.to_string();
        let mut next = Vec::with_capacity(out.len());
        let mut at = 0;
        while at < out.len() {
            if out[at..].starts_with(p.as_bytes()) {
                next.extend_from_slice(with.as_bytes());
                at += p.len();
            } else {
                next.push(out[at]);
                at += 1;
            }
        }
        out = next;
    }
    out
}

/// What a call is owed by the response body, as msgwire's strict decoder reads it.
#[derive(Debug)]
enum Owed {
    /// The result (JSON).
    Result(Value),
    /// An error object with this code.
    Error(i64),
    /// No response carries the call's id: nothing may be delivered to it.
    Nothing,
    /// Two responses carry its id, or the value is past what msgwire compares: not judged.
    Either,
}

/// Plays `input` (a response body with id placeholders, see [`crate::fuzz::client_seeds`]) to
/// the client as the HTTP server's answer to its request (a single call `m0`, or a batch of
/// `m0..mN` when the input holds placeholders up to N) and judges what the library surfaced
/// against msgwire's strict reading of the body (its ids swapped in): a call answered by
/// exactly one response gets that result (numbers by value) or that error code and nothing
/// else (`not-delivered`, `wrong-value`, `wrong-error`); a call no response answers gets
/// nothing delivered (`mismatched-id`); a body both profiles refuse gets nothing delivered
/// and each call a report (`accepted-invalid`, `not-reported`); `crash`, `hang`,
/// `driver-contract` for the driver. Bodies only the lenient profile reads are not judged.
pub fn fuzz_exchange(t: &Target, input: &[u8]) -> crate::live::FuzzVerdict {
    use crate::live::FuzzVerdict;
    let n = placeholder_calls(input);
    let plan = if n == 1 {
        single(call("m0", Some(json!([0]))))
    } else {
        batch(
            (0..n)
                .map(|i| call(&format!("m{i}"), Some(json!([i]))))
                .collect(),
        )
    };
    let mut tr = Trace::default();
    let played = match play(t, &mut tr, "fuzz", &plan, &|_, ids| {
        Reply::Body(substitute(input, ids))
    }) {
        Ok(p) => p,
        Err(o) => return FuzzVerdict::Broken("no-request", format!("{o:?}")),
    };
    if let Some(v) = client::fuzz_driver_verdict(&played.run) {
        return v;
    }
    if let Err(e) = check_request(&played, &plan) {
        return FuzzVerdict::Broken("bad-request", e);
    }
    let body = substitute(input, &played.ids);
    let a = attribute(&played);
    let strict = crate::forms::decode("jsonrpc", &body, "strict").unwrap_or_else(|| {
        crate::forms::Decoding {
            docs: Vec::new(),
            error: None,
        }
    });
    if let Some(e) = strict.error {
        let lenient = crate::forms::decode("jsonrpc", &body, "lenient");
        if lenient.is_some_and(|l| l.error.is_none()) {
            return FuzzVerdict::Skipped;
        }
        let delivered = a
            .per_call
            .iter()
            .flatten()
            .chain(a.stray.iter().map(|(_, s)| s))
            .chain(&a.whole)
            .any(|s| matches!(s, Surfaced::Result(_) | Surfaced::Error { .. }));
        if delivered {
            return FuzzVerdict::Keyed(
                "accepted-invalid",
                e.kind.clone(),
                format!(
                    "msgwire refuses the response ({e}); the library delivered it: {}",
                    a.describe()
                ),
            );
        }
        if let Some(i) = (0..n).find(|&i| a.per_call[i].is_empty() && a.whole.is_empty()) {
            return FuzzVerdict::Keyed(
                "not-reported",
                e.kind.clone(),
                format!(
                    "msgwire refuses the response ({e}); call {i} neither failed nor returned: {}",
                    a.describe()
                ),
            );
        }
        return FuzzVerdict::Ok;
    }
    let Some(doc) = strict.docs.first() else {
        return FuzzVerdict::Skipped;
    };
    let items: Vec<&Value> = match doc["type"].as_str() {
        Some("batch") => {
            if n == 1 {
                // A batch for a single request: how a library reads it is not settled by §5.
                return FuzzVerdict::Skipped;
            }
            doc["items"]
                .as_array()
                .map_or(Vec::new(), |v| v.iter().collect())
        }
        Some("response" | "error") => vec![doc],
        _ => Vec::new(),
    };
    if items.is_empty() {
        // A request or notification sent as the answer: nothing to deliver.
        let delivered = a
            .per_call
            .iter()
            .flatten()
            .any(|s| matches!(s, Surfaced::Result(_) | Surfaced::Error { .. }));
        return if delivered {
            FuzzVerdict::Keyed(
                "accepted-invalid",
                "request-as-response".into(),
                format!(
                    "the server answered with a request; the library delivered it: {}",
                    a.describe()
                ),
            )
        } else {
            FuzzVerdict::Ok
        };
    }
    for (i, id) in played.ids.iter().enumerate() {
        let Some(id) = id else { continue };
        let answering: Vec<&&Value> = items
            .iter()
            .filter(|it| {
                it["id"]
                    .as_str()
                    .and_then(|raw| serde_json::from_str::<Value>(raw).ok())
                    .as_ref()
                    == Some(id)
            })
            .collect();
        let owed = match answering.as_slice() {
            [] => Owed::Nothing,
            [one] => match one["type"].as_str() {
                Some("response") => match one["result"]
                    .as_str()
                    .and_then(|raw| serde_json::from_str::<Value>(raw).ok())
                {
                    Some(v) => Owed::Result(v),
                    None => Owed::Either,
                },
                _ => match one["code"].as_i64() {
                    Some(c) => Owed::Error(c),
                    None => Owed::Either,
                },
            },
            _ => Owed::Either,
        };
        let got = &a.per_call[i];
        let delivered: Vec<&Surfaced> = got
            .iter()
            .filter(|s| matches!(s, Surfaced::Result(_) | Surfaced::Error { .. }))
            .collect();
        let verdict = match (&owed, delivered.as_slice()) {
            (Owed::Either, _) => None,
            (Owed::Nothing, []) => None,
            (Owed::Nothing, _) => Some(FuzzVerdict::Broken(
                "mismatched-id",
                format!(
                    "no response carries call {i}'s id {}; the library delivered one to it: {}",
                    short(id),
                    a.describe()
                ),
            )),
            (Owed::Result(want), [Surfaced::Result(v)]) => {
                client::same_value(want, v).err().map(|k| {
                    FuzzVerdict::Keyed(
                        "wrong-value",
                        k.into(),
                        format!(
                            "call {i} is owed the result {}; the library delivered {}",
                            short(want),
                            a.describe()
                        ),
                    )
                })
            }
            (Owed::Error(c), [Surfaced::Error { code, .. }]) => (*code != Some(*c)).then(|| {
                FuzzVerdict::Broken(
                    "wrong-error",
                    format!(
                        "call {i} is owed the error code {c}; the library delivered {}",
                        a.describe()
                    ),
                )
            }),
            (_, []) => Some(FuzzVerdict::Broken(
                "not-delivered",
                format!(
                    "call {i} is owed {}; the library delivered nothing: {}",
                    match &owed {
                        Owed::Result(v) => format!("the result {}", short(v)),
                        Owed::Error(c) => format!("the error {c}"),
                        _ => String::new(),
                    },
                    a.describe()
                ),
            )),
            (_, _) => Some(FuzzVerdict::Broken(
                "wrong-value",
                format!(
                    "call {i} is owed {owed:?}; the library delivered {}",
                    a.describe()
                ),
            )),
        };
        if let Some(v) = verdict {
            return v;
        }
    }
    FuzzVerdict::Ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_scenarios_named() {
        let cs = cases();
        for (i, c) in cs.iter().enumerate() {
            assert!(c.id.starts_with("jsonrpc-client/"), "{}", c.id);
            assert!(!cs[..i].iter().any(|d| d.id == c.id), "{}", c.id);
        }
    }

    #[test]
    fn request_rules() {
        let c = call("m", Some(json!([1])));
        assert!(request_problems(
            &json!({"jsonrpc":"2.0","method":"m","params":[1],"id":1}),
            &c
        )
        .is_empty());
        assert_eq!(
            request_problems(
                &json!({"jsonrpc":"1.0","method":"m","params":[1],"id":1}),
                &c
            )
            .len(),
            1
        );
        assert_eq!(
            request_problems(&json!({"jsonrpc":"2.0","method":"m","params":[1]}), &c).len(),
            1
        );
        assert_eq!(
            request_problems(
                &json!({"jsonrpc":"2.0","method":"m","params":[1],"id":[1]}),
                &c
            )
            .len(),
            1
        );
        let n = notify("m", None);
        assert!(request_problems(&json!({"jsonrpc":"2.0","method":"m"}), &n).is_empty());
        assert!(
            request_problems(&json!({"jsonrpc":"2.0","method":"m","params":[]}), &n).is_empty()
        );
        assert_eq!(
            request_problems(&json!({"jsonrpc":"2.0","method":"m","id":null}), &n).len(),
            1
        );
    }
}
