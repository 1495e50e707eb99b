//! Live checks of an XML-RPC server over HTTP, using only msgwire's codec and the minimal
//! client in [`super::http`].
//!
//! `msgwire check xmlrpc-server http://host:port/path [--echo-method NAME]`. Calls are built
//! and replies decoded by `msgwire::xmlrpc` (strict; a reply only the lenient profile reads is
//! accepted as non-strict, with the strict decoder's complaint). Values are compared by
//! meaning: `int`/`i4`/`i8` as integers, `string` and untyped values as strings, structs as
//! maps, base64 as bytes. Cases needing a method the server may not offer (the echo method,
//! introspection, multicall, validator1) report "unimplemented" when it answers with a fault
//! and `system.listMethods` does not list the method; a listed method that faults fails.

use std::borrow::Cow;
use std::collections::BTreeMap;

use msgwire::xmlrpc::{
    decode_with, Base64, DateTime, Limits, Member, Message, MethodCall, Profile, Value,
};

use super::http::{self, Endpoint};
use super::{Case, Level, Outcome, Trace};

/// Largest reply accepted.
const MAX_REPLY: usize = 16 << 20;
/// The method no server offers.
const UNKNOWN: &str = "msgwire.check.noSuchMethod";

/// The server to check.
#[derive(Debug, Clone)]
pub struct Target {
    /// Where to POST.
    pub endpoint: Endpoint,
    /// A method that returns its params (as an array, or the single param itself).
    pub echo: Option<String>,
    /// Bound on every wait.
    pub timeout: std::time::Duration,
}

impl Target {
    /// From `http://host:port/path`.
    pub fn new(
        url: &str,
        echo: Option<&str>,
        timeout: std::time::Duration,
    ) -> Result<Target, String> {
        Ok(Target {
            endpoint: Endpoint::parse(url)?,
            echo: echo.map(str::to_string),
            timeout,
        })
    }

    /// For reports.
    pub fn describe(&self) -> String {
        format!("http://{}{}", self.endpoint.host, self.endpoint.path)
    }
}

/// A value compared by meaning.
#[derive(Debug, Clone, PartialEq)]
enum Norm {
    Int(i64),
    Bool(bool),
    Str(String),
    Double(f64),
    DateTime(String),
    Bytes(Vec<u8>),
    Array(Vec<Norm>),
    Struct(BTreeMap<String, Norm>),
    Nil,
}

fn norm(v: &Value<'_>) -> Norm {
    match v {
        Value::Int(i) | Value::I4(i) => Norm::Int(i64::from(*i)),
        Value::I8(i) | Value::ExI8(i) => Norm::Int(*i),
        Value::ExI1(i) => Norm::Int(i64::from(*i)),
        Value::ExI2(i) => Norm::Int(i64::from(*i)),
        Value::Boolean(b) => Norm::Bool(*b),
        Value::String(s) | Value::Untyped(s) => Norm::Str(s.to_string()),
        Value::Double(d) => Norm::Double(*d),
        Value::ExFloat(f) => Norm::Double(f64::from(*f)),
        Value::DateTime(d) => Norm::DateTime(d.text().to_string()),
        Value::Base64(b) => Norm::Bytes(
            b.to_bytes()
                .unwrap_or_else(|_| b.text().as_bytes().to_vec()),
        ),
        Value::Array(a) => Norm::Array(a.iter().map(norm).collect()),
        Value::Struct(m) => Norm::Struct(
            m.iter()
                .map(|m| (m.name.to_string(), norm(&m.value)))
                .collect(),
        ),
        Value::Nil | Value::ExNil => Norm::Nil,
        // `Value` is not non-exhaustive today; keep a readable fallback if it becomes so.
        #[allow(unreachable_patterns)]
        other => Norm::Str(format!("{other:?}")),
    }
}

fn show(n: &Norm) -> String {
    let s = format!("{n:?}");
    if s.len() > 200 {
        let cut = (0..=200)
            .rev()
            .find(|&i| s.is_char_boundary(i))
            .unwrap_or(0);
        format!("{}… ({} chars)", &s[..cut], s.len())
    } else {
        s
    }
}

/// What one call got.
#[derive(Debug)]
enum Reply {
    /// A successful response: its value, and the strict decoder's complaint if only the
    /// lenient profile read it.
    Value(Norm, Option<String>),
    /// A fault: code, string, HTTP status, strict complaint.
    Fault(i32, String, u16, Option<String>),
    /// HTTP error status without an XML-RPC document.
    Status(u16, String),
    /// No usable reply.
    Broken(String),
}

fn post(t: &Target, tr: &mut Trace, body: &[u8]) -> Result<http::Reply, String> {
    http::post(&t.endpoint, "text/xml", body, t.timeout, MAX_REPLY, tr).map_err(|e| e.to_string())
}

fn read_reply(r: &http::Reply) -> Reply {
    let limits = Limits::default();
    let (msg, note) = match decode_with(&r.body, Profile::Strict, &limits) {
        Ok(m) => (m, None),
        Err(strict) => match decode_with(&r.body, Profile::Lenient, &limits) {
            Ok(m) => (m, Some(format!("strict decoding fails: {strict}"))),
            Err(e) if (200..300).contains(&r.status) => {
                return Reply::Broken(format!(
                    "HTTP {}: not an XML-RPC response ({e}): {:?}",
                    r.status,
                    String::from_utf8_lossy(&r.body[..r.body.len().min(160)])
                ))
            }
            Err(_) => {
                return Reply::Status(
                    r.status,
                    String::from_utf8_lossy(&r.body[..r.body.len().min(160)]).into_owned(),
                )
            }
        },
    };
    match msg {
        Message::Response(resp) => match resp.value() {
            Some(v) => Reply::Value(norm(v), note),
            None => Reply::Broken("a response without a value".into()),
        },
        Message::Fault(f) => Reply::Fault(f.code(), f.string().to_string(), r.status, note),
        Message::Call(c) => Reply::Broken(format!("the server sent a methodCall ({:?})", c.method)),
    }
}

fn send(t: &Target, tr: &mut Trace, body: &[u8]) -> Reply {
    match post(t, tr, body) {
        Ok(r) => read_reply(&r),
        Err(e) => Reply::Broken(e),
    }
}

fn call(t: &Target, tr: &mut Trace, method: &str, params: Vec<Value<'static>>) -> Reply {
    let body = Message::Call(MethodCall::new(method.to_string(), params)).to_vec();
    send(t, tr, &body)
}

/// Whether the server lists `method` (`None`: it offers no `system.listMethods`).
fn listed(t: &Target, tr: &mut Trace, method: &str) -> Option<bool> {
    match call(t, tr, "system.listMethods", vec![]) {
        Reply::Value(Norm::Array(names), ..) => {
            Some(names.contains(&Norm::Str(method.to_string())))
        }
        _ => None,
    }
}

/// A fault from a method the case needs: unimplemented unless the server lists it.
fn fault_of_needed(t: &Target, tr: &mut Trace, method: &str, code: i32, text: &str) -> Outcome {
    match listed(t, tr, method) {
        Some(true) => Outcome::Fail(format!(
            "{method} is listed by system.listMethods but faults: {code} {text:?}"
        )),
        Some(false) => Outcome::Unimplemented(format!("{method} is not offered (fault {code} {text:?})")),
        None => Outcome::Unimplemented(format!(
            "{method} answered fault {code} {text:?} (no system.listMethods to tell whether it exists)"
        )),
    }
}

fn with_note(pass: String, note: Option<String>) -> Outcome {
    match note {
        None => Outcome::Pass(pass),
        Some(n) => Outcome::NonStrict(format!("{pass}; {n}")),
    }
}

/// Calls `method` (which the server may not offer) and compares the result with `want`.
fn expect_value(
    t: &Target,
    tr: &mut Trace,
    method: &str,
    params: Vec<Value<'static>>,
    want: Norm,
) -> Outcome {
    match call(t, tr, method, params) {
        Reply::Value(got, note) if got == want => with_note(show(&got), note),
        Reply::Value(got, ..) => Outcome::Fail(format!("got {}, want {}", show(&got), show(&want))),
        Reply::Fault(code, text, ..) => fault_of_needed(t, tr, method, code, &text),
        Reply::Status(404, _) => not_found(method),
        Reply::Status(s, b) => Outcome::Fail(format!("HTTP {s}: {b:?}")),
        Reply::Broken(e) => Outcome::Fail(e),
    }
}

/// HTTP 404 for a method call: the server's way of saying it has no such method (judged as
/// such by `fault/unknown-method`).
fn not_found(method: &str) -> Outcome {
    Outcome::Unimplemented(format!(
        "{method}: HTTP 404 (no such method, answered without a fault)"
    ))
}

/// Echoes `v` through the echo method: the result must be `[v]` or `v`.
fn echo_case(t: &Target, tr: &mut Trace, v: Value<'static>) -> Outcome {
    let Some(echo) = t.echo.clone() else {
        return Outcome::Unimplemented(
            "needs a method to call: name one with --echo-method".into(),
        );
    };
    let want = norm(&v);
    match call(t, tr, &echo, vec![v]) {
        Reply::Value(got, note) => {
            if got == Norm::Array(vec![want.clone()]) || got == want {
                with_note(show(&want), note)
            } else {
                Outcome::Fail(format!("echoed {}, sent {}", show(&got), show(&want)))
            }
        }
        Reply::Fault(code, text, ..) => Outcome::Fail(format!("fault {code} {text:?}")),
        Reply::Status(s, b) => Outcome::Fail(format!("HTTP {s}: {b:?}")),
        Reply::Broken(e) => Outcome::Fail(e),
    }
}

/// A document the server must answer with a fault.
fn expect_fault(t: &Target, tr: &mut Trace, body: &[u8]) -> Outcome {
    match send(t, tr, body) {
        Reply::Fault(code, text, 200, note) => with_note(format!("fault {code} {text:?}"), note),
        Reply::Fault(code, text, s, _) => Outcome::NonStrict(format!(
            "fault {code} {text:?}, but with HTTP {s} (the spec: \"Unless there's a lower-level error, always return 200 OK\")"
        )),
        Reply::Status(s, b) if (400..500).contains(&s) => Outcome::NonStrict(format!("HTTP {s} without a fault: {b:?}")),
        Reply::Status(s, b) => Outcome::Fail(format!("HTTP {s} without a fault: {b:?}")),
        Reply::Value(v, ..) => Outcome::Fail(format!("a successful response: {}", show(&v))),
        Reply::Broken(e) => Outcome::Fail(e),
    }
}

/// After a hostile input: the server must still answer a call.
fn alive(t: &Target, tr: &mut Trace) -> Result<(), String> {
    match call(t, tr, UNKNOWN, vec![]) {
        Reply::Fault(..) | Reply::Value(..) | Reply::Status(..) => Ok(()),
        Reply::Broken(e) => Err(format!("then the server stopped answering: {e}")),
    }
}

fn int(i: i32) -> Value<'static> {
    Value::Int(i)
}

fn s(text: &str) -> Value<'static> {
    Value::String(Cow::Owned(text.to_string()))
}

fn st(members: Vec<(&str, Value<'static>)>) -> Value<'static> {
    Value::Struct(
        members
            .into_iter()
            .map(|(n, v)| Member::new(n.to_string(), v))
            .collect(),
    )
}

/// A small deterministic generator (validator1 inputs vary, but runs are reproducible).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: i32) -> i32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % below as u64) as i32
    }
}

fn stooges(r: &mut Lcg) -> (Value<'static>, i64, i64) {
    let (m, l, c) = (r.next(1000), r.next(1000), r.next(1000));
    (
        st(vec![("moe", int(m)), ("larry", int(l)), ("curly", int(c))]),
        i64::from(m + l + c),
        i64::from(c),
    )
}

fn validator(t: &Target, tr: &mut Trace, name: &str) -> Outcome {
    let mut r = Lcg(0x006d_7367_7769_7265);
    let method = format!("validator1.{name}");
    let (params, want) = match name {
        "arrayOfStructsTest" => {
            let mut items = Vec::new();
            let mut sum = 0;
            for _ in 0..7 {
                let (v, _, curly) = stooges(&mut r);
                items.push(v);
                sum += curly;
            }
            (vec![Value::Array(items)], Norm::Int(sum))
        }
        "countTheEntities" => {
            let text = "<a href=\"x\">Tom & Jerry's</a> <<&&>>'\"";
            let count = |c: char| Norm::Int(text.matches(c).count() as i64);
            let want = Norm::Struct(BTreeMap::from([
                ("ctLeftAngleBrackets".to_string(), count('<')),
                ("ctRightAngleBrackets".to_string(), count('>')),
                ("ctAmpersands".to_string(), count('&')),
                ("ctApostrophes".to_string(), count('\'')),
                ("ctQuotes".to_string(), count('"')),
            ]));
            (vec![s(text)], want)
        }
        "easyStructTest" => {
            let (v, sum, _) = stooges(&mut r);
            (vec![v], Norm::Int(sum))
        }
        "echoStructTest" => {
            let v = st(vec![
                ("substruct0", stooges(&mut r).0),
                ("substruct1", stooges(&mut r).0),
                ("substruct2", stooges(&mut r).0),
            ]);
            let want = norm(&v);
            (vec![v], want)
        }
        "manyTypesTest" => {
            let v = vec![
                int(r.next(1 << 30) - (1 << 29)),
                Value::Boolean(true),
                s("a string with <, & and é"),
                Value::Double(-12.53125),
                Value::DateTime(DateTime::from_parts(1904, 1, 1, 2, 3, 4)),
                Value::Base64(Base64::from_bytes(b"you can read this!\x00\xff")),
            ];
            let want = Norm::Array(v.iter().map(norm).collect());
            (v, want)
        }
        "moderateSizeArrayCheck" => {
            let items: Vec<String> = (0..150)
                .map(|i| format!("item {i} {}", r.next(100_000)))
                .collect();
            let want = Norm::Str(format!("{}{}", items[0], items[149]));
            (
                vec![Value::Array(items.iter().map(|x| s(x)).collect())],
                want,
            )
        }
        "nestedStructTest" => {
            let mut years = Vec::new();
            let mut want = 0;
            for year in ["1999", "2000", "2001"] {
                let mut months = Vec::new();
                for month in ["03", "04", "05"] {
                    let mut days = Vec::new();
                    for day in ["01", "02"] {
                        let (v, sum, _) = stooges(&mut r);
                        if (year, month, day) == ("2000", "04", "01") {
                            want = sum;
                        }
                        days.push((day, v));
                    }
                    months.push((month, st(days)));
                }
                years.push((year, st(months)));
            }
            (vec![st(years)], Norm::Int(want))
        }
        "simpleStructReturnTest" => {
            let n = r.next(1000);
            let want = Norm::Struct(BTreeMap::from([
                ("times10".to_string(), Norm::Int(i64::from(n) * 10)),
                ("times100".to_string(), Norm::Int(i64::from(n) * 100)),
                ("times1000".to_string(), Norm::Int(i64::from(n) * 1000)),
            ]));
            (vec![int(n)], want)
        }
        _ => return Outcome::Fail(format!("internal: no validator1 method {name}")),
    };
    expect_value(t, tr, &method, params, want)
}

/// What a loopback listener answers to anything fetched from it, so an expansion is visible.
const CANARY_TEXT: &str = "msgwire-external-entity-fetched";

/// A loopback HTTP listener standing in for an attacker's URL: it records every request made
/// to it and answers each with [`CANARY_TEXT`]. Out-of-band detection: a server that resolves
/// an external entity fetches from here even when its reply shows nothing (this needs the
/// server on this machine; a remote one is judged by its reply alone).
struct Canary {
    port: u16,
    fetched: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Canary {
    /// Listens until dropped, or for `life` at most; answers at most 16 requests.
    fn start(life: std::time::Duration) -> std::io::Result<Canary> {
        use std::io::{Read, Write};
        use std::sync::atomic::Ordering;
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let port = listener.local_addr()?.port();
        let fetched = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (log, done) = (fetched.clone(), stop.clone());
        let deadline = std::time::Instant::now() + life;
        let thread = std::thread::spawn(move || {
            let mut served = 0;
            while !done.load(Ordering::Relaxed)
                && std::time::Instant::now() < deadline
                && served < 16
            {
                let Ok((mut conn, _)) = listener.accept() else {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    continue;
                };
                served += 1;
                conn.set_nonblocking(false).ok();
                conn.set_read_timeout(Some(std::time::Duration::from_millis(500)))
                    .ok();
                let mut head = [0u8; 1024];
                let n = conn.read(&mut head).unwrap_or(0);
                let line = String::from_utf8_lossy(&head[..n])
                    .lines()
                    .next()
                    .unwrap_or("")
                    .to_string();
                log.lock().map(|mut l| l.push(line)).ok();
                let reply = format!(
                    "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{CANARY_TEXT}",
                    CANARY_TEXT.len()
                );
                conn.write_all(reply.as_bytes()).ok();
            }
        });
        Ok(Canary {
            port,
            fetched,
            stop,
            thread: Some(thread),
        })
    }

    fn url(&self, what: &str) -> String {
        format!("http://127.0.0.1:{}/{what}", self.port)
    }

    /// The request lines received so far.
    fn fetched(&self) -> Vec<String> {
        self.fetched.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

impl Drop for Canary {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            t.join().ok();
        }
    }
}

/// A request naming an external parameter entity and an external general entity, both on the
/// canary: the server must refuse it and fetch neither.
fn external_entity(t: &Target, tr: &mut Trace) -> Outcome {
    let canary = match Canary::start(t.timeout * 2) {
        Ok(c) => c,
        Err(e) => return Outcome::Fail(format!("internal: cannot listen on loopback: {e}")),
    };
    let (method, param) = match &t.echo {
        Some(e) => (e.clone(), "&xxe;"),
        None => (UNKNOWN.to_string(), "1"),
    };
    let doc = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE methodCall [\n<!ENTITY % dtd SYSTEM \"{}\">\n%dtd;\n<!ENTITY xxe SYSTEM \"{}\">\n]>\n<methodCall><methodName>{method}</methodName><params><param><value><string>{param}</string></value></param></params></methodCall>",
        canary.url("msgwire-parameter-entity.dtd"),
        canary.url("msgwire-general-entity")
    );
    let reply = send(t, tr, doc.as_bytes());
    // A fetch happens while the request is parsed, before the reply; a short grace for a
    // server that answers first and resolves later.
    std::thread::sleep(std::time::Duration::from_millis(50));
    let fetched = canary.fetched();
    if !fetched.is_empty() {
        return Outcome::Fail(format!(
            "the server fetched the external entity URL(s): {} (XXE: it reads files and URLs a request names)",
            fetched.join("; ")
        ));
    }
    match reply {
        Reply::Value(v, ..) if show(&v).contains(CANARY_TEXT) => {
            Outcome::Fail(format!("the external entity was expanded: {}", show(&v)))
        }
        Reply::Value(v, ..) if t.echo.is_some() => Outcome::NonStrict(format!(
            "nothing fetched, but the document was not refused either: {}",
            show(&v)
        )),
        Reply::Value(v, ..) => Outcome::Fail(format!("the document was accepted: {}", show(&v))),
        Reply::Fault(code, text, ..) if text.contains(CANARY_TEXT) => Outcome::Fail(format!(
            "the external entity was expanded (the fault shows it): {code} {text:?}"
        )),
        Reply::Fault(code, text, ..) => {
            Outcome::Pass(format!("refused, nothing fetched: fault {code} {text:?}"))
        }
        Reply::Status(s, _) if (400..500).contains(&s) => {
            Outcome::Pass(format!("refused with HTTP {s}, nothing fetched"))
        }
        Reply::Status(s, b) => Outcome::Fail(format!("HTTP {s}: {b:?}")),
        Reply::Broken(e) => Outcome::Fail(e),
    }
}

/// `system.methodSignature("system.listMethods")`: an array of signatures (arrays of type
/// names, the return type first), or any non-array value for "no signature defined".
fn method_signature(t: &Target, tr: &mut Trace) -> Outcome {
    const M: &str = "system.methodSignature";
    match call(t, tr, M, vec![s("system.listMethods")]) {
        Reply::Value(Norm::Array(sigs), note) => {
            let well_formed = sigs.iter().all(|sig| {
                matches!(sig, Norm::Array(types) if !types.is_empty()
                    && types.iter().all(|ty| matches!(ty, Norm::Str(name) if !name.is_empty())))
            });
            if well_formed {
                with_note(
                    format!("{} signature(s): {}", sigs.len(), show(&Norm::Array(sigs))),
                    note,
                )
            } else {
                Outcome::Fail(format!(
                    "an array, but not of signatures (non-empty arrays of type names): {}",
                    show(&Norm::Array(sigs))
                ))
            }
        }
        Reply::Value(v, note) => with_note(
            format!("no signature defined (a non-array value: {})", show(&v)),
            note,
        ),
        Reply::Fault(code, text, ..) => fault_of_needed(t, tr, M, code, &text),
        Reply::Status(404, _) => not_found(M),
        Reply::Status(s, b) => Outcome::Fail(format!("HTTP {s}: {b:?}")),
        Reply::Broken(e) => Outcome::Fail(e),
    }
}

/// Ten levels of ten references: 10^9 copies of "lol" if expanded.
fn billion_laughs(method: &str) -> Vec<u8> {
    let mut d =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE methodCall [\n<!ENTITY lol0 \"lol\">\n");
    for i in 1..10 {
        let refs = format!("&lol{};", i - 1).repeat(10);
        d.push_str(&format!("<!ENTITY lol{i} \"{refs}\">\n"));
    }
    d.push_str(&format!(
        "]>\n<methodCall><methodName>{method}</methodName><params><param><value><string>&lol9;</string></value></param></params></methodCall>"
    ));
    d.into_bytes()
}

const SPEC: &str = "XML-RPC spec (1999)";
const FAULT_SECTION: &str = "XML-RPC spec, Response format: fault";
const INTROSPECTION: &str = "XML-RPC introspection (system.* methods, xmlrpc-c/Python)";
const MULTICALL: &str = "system.multicall RFC (Eric Kidd, 2001)";
const VALIDATOR: &str = "UserLand validator1 suite";

macro_rules! validator_case {
    ($name:literal, $req:literal) => {
        Case {
            id: concat!("xmlrpc-server/validator1/", $name),
            section: VALIDATOR,
            requirement: $req,
            level: Level::Must,
            accepts: "the documented result; a fault from a method the server does not list: unimplemented",
            run: |t, tr| validator(t, tr, $name),
        }
    };
}

macro_rules! echo_type_case {
    ($id:literal, $level:expr, $what:literal, $value:expr) => {
        Case {
            id: concat!("xmlrpc-server/echo/", $id),
            section: "XML-RPC spec, Scalar <value>s / <struct>s / <array>s",
            requirement: concat!(
                "A value of type ",
                $what,
                " sent as a param comes back unchanged through the echo method."
            ),
            level: $level,
            accepts: "the value, alone or as the only element of an array, equal by meaning",
            run: |t, tr| echo_case(t, tr, $value),
        }
    };
}

/// Every case, in report order.
pub fn cases() -> Vec<Case<Target>> {
    vec![
        Case {
            id: "xmlrpc-server/fault/malformed-xml",
            section: FAULT_SECTION,
            requirement: "If the server cannot read the request (not well-formed XML), it answers with a <fault> (fault-code interop spec: -32700 parse error. not well formed). \"Unless there's a lower-level error, always return 200 OK.\"",
            level: Level::Must,
            accepts: "HTTP 200 with a fault; HTTP 4xx: non-strict",
            run: |t, tr| expect_fault(t, tr, b"<?xml version=\"1.0\"?><methodCall><methodName>x</methodName><params><param><value><int>1</int></value></param></methodCall>"),
        },
        Case {
            id: "xmlrpc-server/fault/not-a-method-call",
            section: FAULT_SECTION,
            requirement: "A well-formed document that is no <methodCall> is answered with a <fault> (fault-code interop spec: -32600 server error. invalid xml-rpc).",
            level: Level::Must,
            accepts: "HTTP 200 with a fault; HTTP 4xx: non-strict",
            run: |t, tr| expect_fault(t, tr, b"<?xml version=\"1.0\"?><notXmlRpc><value>1</value></notXmlRpc>"),
        },
        Case {
            id: "xmlrpc-server/fault/unknown-method",
            section: FAULT_SECTION,
            requirement: "The <methodResponse> could also contain a <fault> which contains a <value> which is a <struct> containing two elements, one named <faultCode>, an <int> and one named <faultString>, a <string>.",
            level: Level::Must,
            accepts: "HTTP 200 with a fault whose struct has exactly an int faultCode and a string faultString",
            run: |t, tr| {
                let body = Message::Call(MethodCall::new(UNKNOWN, vec![int(1)])).to_vec();
                match send(t, tr, &body) {
                    Reply::Fault(code, text, 200, None) => Outcome::Pass(format!("fault {code} {text:?}")),
                    Reply::Fault(code, text, 200, Some(n)) => Outcome::Fail(format!("fault {code} {text:?}, but not in the spec's shape: {n}")),
                    Reply::Fault(code, text, s, _) => Outcome::NonStrict(format!("fault {code} {text:?} with HTTP {s}")),
                    Reply::Value(v, ..) => Outcome::Fail(format!("a successful response to an unknown method: {}", show(&v))),
                    Reply::Status(s, b) => Outcome::Fail(format!("HTTP {s} without a fault: {b:?}")),
                    Reply::Broken(e) => Outcome::Fail(e),
                }
            },
        },
        Case {
            id: "xmlrpc-server/http/response-headers",
            section: "XML-RPC spec, Response example",
            requirement: "Unless there's a lower-level error, always return 200 OK. The Content-Type is text/xml. Content-Length must be present and correct.",
            level: Level::Must,
            accepts: "200, Content-Type text/xml (parameters allowed), a Content-Length equal to the body's length",
            run: |t, tr| {
                let body = Message::Call(MethodCall::new(UNKNOWN, vec![])).to_vec();
                let r = match post(t, tr, &body) {
                    Ok(r) => r,
                    Err(e) => return Outcome::Fail(e),
                };
                let ctype = r.header("content-type").unwrap_or("").to_ascii_lowercase();
                let mut problems = Vec::new();
                if r.status != 200 {
                    problems.push(format!("status {}", r.status));
                }
                if ctype.split(';').next().unwrap_or("").trim() != "text/xml" {
                    problems.push(format!("Content-Type {ctype:?}"));
                }
                match r.header("content-length").map(str::parse::<usize>) {
                    Some(Ok(n)) if n == r.body.len() => {}
                    Some(_) => problems.push("a wrong Content-Length".into()),
                    None => problems.push(format!(
                        "no Content-Length ({})",
                        r.header("transfer-encoding").map_or("body to the close".into(), |v| format!("Transfer-Encoding {v}"))
                    )),
                }
                if problems.is_empty() {
                    Outcome::Pass(format!("200, {ctype}, Content-Length {}", r.body.len()))
                } else {
                    Outcome::Fail(problems.join(", "))
                }
            },
        },
        echo_type_case!("int", Level::Must, "<int>", Value::Int(-2147483648)),
        echo_type_case!("i4", Level::Must, "<i4>", Value::I4(2147483647)),
        echo_type_case!("boolean", Level::Must, "<boolean>", Value::Array(vec![Value::Boolean(true), Value::Boolean(false)])),
        echo_type_case!("string", Level::Must, "<string> (with markup characters and non-ASCII)", s("<tag attr=\"v\">&amp; 'quoted' é 漢字 😀</tag>")),
        echo_type_case!("string-empty", Level::Must, "<string> (empty)", s("")),
        echo_type_case!("string-whitespace", Level::Must, "<string> (leading, trailing and inner whitespace, tab, newline)", s("  two  spaces\tand\na newline  ")),
        echo_type_case!("untyped", Level::Must, "untyped (\"If no type is indicated, the type is string.\")", Value::Untyped(Cow::Borrowed("no type"))),
        echo_type_case!("double", Level::Must, "<double>", Value::Array(vec![Value::Double(-12.53125), Value::Double(0.5), Value::Double(1234567.0)])),
        echo_type_case!("datetime", Level::Must, "<dateTime.iso8601>", Value::DateTime(DateTime::from_parts(1998, 7, 17, 14, 8, 55))),
        echo_type_case!("base64", Level::Must, "<base64>", Value::Base64(Base64::from_bytes(&(0u8..=255).collect::<Vec<u8>>()))),
        echo_type_case!("array", Level::Must, "<array> (mixed, nested, empty)", Value::Array(vec![int(12), s("Egypt"), Value::Boolean(false), int(-31), Value::Array(vec![]), Value::Array(vec![Value::Array(vec![int(1)])])])),
        echo_type_case!("struct", Level::Must, "<struct> (nested, empty, names with markup)", st(vec![("lowerBound", int(18)), ("upperBound", int(139)), ("a <&> name", st(vec![])), ("nested", st(vec![("x", Value::Array(vec![s("y")]))]))])),
        echo_type_case!("nil", Level::Should, "<nil/> (extension)", Value::Array(vec![Value::Nil])),
        echo_type_case!("i8", Level::Should, "<i8> (extension)", Value::I8(-9007199254740993)),
        Case {
            id: "xmlrpc-server/introspection/list-methods",
            section: INTROSPECTION,
            requirement: "system.listMethods takes no parameters and returns an array of strings, the names of the methods the server offers.",
            level: Level::Must,
            accepts: "an array of strings; a fault or HTTP 404: unimplemented",
            run: |t, tr| match call(t, tr, "system.listMethods", vec![]) {
                Reply::Value(Norm::Array(a), note) if a.iter().all(|n| matches!(n, Norm::Str(_))) => {
                    let names: Vec<String> = a.iter().take(12).map(|n| match n { Norm::Str(s) => s.clone(), _ => String::new() }).collect();
                    with_note(format!("{} methods: {}{}", a.len(), names.join(", "), if a.len() > 12 { ", …" } else { "" }), note)
                }
                Reply::Value(v, ..) => Outcome::Fail(format!("not an array of strings: {}", show(&v))),
                Reply::Fault(code, text, ..) => Outcome::Unimplemented(format!("fault {code} {text:?}")),
                Reply::Status(404, _) => not_found("system.listMethods"),
                Reply::Status(s, b) => Outcome::Fail(format!("HTTP {s}: {b:?}")),
                Reply::Broken(e) => Outcome::Fail(e),
            },
        },
        Case {
            id: "xmlrpc-server/introspection/method-help",
            section: INTROSPECTION,
            requirement: "system.methodHelp takes a method name and returns a string: its documentation (possibly empty).",
            level: Level::Must,
            accepts: "a string; a fault from a server that does not list system.methodHelp: unimplemented",
            run: |t, tr| match call(t, tr, "system.methodHelp", vec![s("system.listMethods")]) {
                Reply::Value(Norm::Str(h), note) => with_note(format!("{} characters of help", h.chars().count()), note),
                Reply::Value(v, ..) => Outcome::Fail(format!("not a string: {}", show(&v))),
                Reply::Fault(code, text, ..) => fault_of_needed(t, tr, "system.methodHelp", code, &text),
                Reply::Status(404, _) => not_found("system.methodHelp"),
                Reply::Status(s, b) => Outcome::Fail(format!("HTTP {s}: {b:?}")),
                Reply::Broken(e) => Outcome::Fail(e),
            },
        },
        Case {
            id: "xmlrpc-server/introspection/method-signature",
            section: INTROSPECTION,
            requirement: "system.methodSignature takes the name of a method and returns an array of possible signatures for it. A signature is an array of types; the first is the return type, the rest are parameters. If no signature is defined for the method, a non-array value is returned.",
            level: Level::Should,
            accepts: "an array of non-empty arrays of type names, or a non-array value; a fault from a server that does not list the method: unimplemented",
            run: method_signature,
        },
        Case {
            id: "xmlrpc-server/introspection/multicall",
            section: MULTICALL,
            requirement: "system.multicall takes an array of {methodName, params} structs and returns an array with, for each call, either a one-element array holding its result or a fault struct {faultCode, faultString}.",
            level: Level::Must,
            accepts: "[fault struct for the unknown method, [echo result] when an echo method is named]; a fault: unimplemented",
            run: |t, tr| {
                let mut calls = vec![st(vec![("methodName", s(UNKNOWN)), ("params", Value::Array(vec![]))])];
                if let Some(e) = &t.echo {
                    calls.push(st(vec![("methodName", s(e)), ("params", Value::Array(vec![int(7)]))]));
                }
                let n = calls.len();
                match call(t, tr, "system.multicall", vec![Value::Array(calls)]) {
                    Reply::Value(Norm::Array(items), note) if items.len() == n => {
                        let fault_ok = matches!(&items[0], Norm::Struct(m) if m.len() == 2
                            && matches!(m.get("faultCode"), Some(Norm::Int(_)))
                            && matches!(m.get("faultString"), Some(Norm::Str(_))));
                        if !fault_ok {
                            return Outcome::Fail(format!("item 0 (unknown method) is no fault struct: {}", show(&items[0])));
                        }
                        if n == 2 {
                            let seven = Norm::Int(7);
                            let ok = matches!(&items[1], Norm::Array(a) if a.len() == 1
                                && (a[0] == seven || a[0] == Norm::Array(vec![seven.clone()])));
                            if !ok {
                                return Outcome::Fail(format!("item 1 (echo 7) is not a one-element array holding the result: {}", show(&items[1])));
                            }
                        }
                        with_note(format!("{n} results: {}", show(&Norm::Array(items))), note)
                    }
                    Reply::Value(v, ..) => Outcome::Fail(format!("not an array of {n}: {}", show(&v))),
                    Reply::Fault(code, text, ..) => fault_of_needed(t, tr, "system.multicall", code, &text),
                    Reply::Status(404, _) => not_found("system.multicall"),
                    Reply::Status(s, b) => Outcome::Fail(format!("HTTP {s}: {b:?}")),
                    Reply::Broken(e) => Outcome::Fail(e),
                }
            },
        },
        validator_case!("arrayOfStructsTest", "This handler takes a single parameter, an array of structs, each of which contains at least three elements named moe, larry and curly, all <i4>s. Your handler must add all the struct elements named curly and return the result."),
        validator_case!("countTheEntities", "This handler takes a single parameter, a string, that contains any number of predefined entities, namely <, >, & ' and \". Your handler must return a struct that contains five fields, all numbers: ctLeftAngleBrackets, ctRightAngleBrackets, ctAmpersands, ctApostrophes, ctQuotes."),
        validator_case!("easyStructTest", "This handler takes a single parameter, a struct, containing at least three elements named moe, larry and curly, all <i4>s. Your handler must add the three numbers and return the result."),
        validator_case!("echoStructTest", "This handler takes a single parameter, a struct. Your handler must return the struct."),
        validator_case!("manyTypesTest", "This handler takes six parameters, and returns an array containing all the parameters."),
        validator_case!("moderateSizeArrayCheck", "This handler takes a single parameter, which is an array containing between 100 and 200 elements. Each of the items is a string, your handler must return a string containing the concatenated text of the first and last elements."),
        validator_case!("nestedStructTest", "This handler takes a single parameter, a struct, that models a daily calendar. At the top level, there is one struct for each year. Each year is broken down into months, and months into days. Most of the days are empty in the struct you receive, but the entry for April 1, 2000 contains a least three elements named moe, larry and curly, all <i4>s. Your handler must add the three numbers and return the result."),
        validator_case!("simpleStructReturnTest", "This handler takes one parameter, and returns a struct containing three elements, times10, times100 and times1000, the result of multiplying the number by 10, 100 and 1000."),
        Case {
            id: "xmlrpc-server/security/billion-laughs",
            section: "XML 1.0 §4.2 (entity declarations); OWASP XML Security",
            requirement: "An untrusted request whose DOCTYPE declares exponentially nested entities (10^9 expansions) is refused without expanding it: the server answers (a fault, or an HTTP error) within the timeout and keeps serving.",
            level: Level::Must,
            accepts: "a fault or HTTP 4xx/5xx, then a later call answered; the reference echoed unexpanded: non-strict; an expanded echo or no answer fails",
            run: |t, tr| {
                let method = t.echo.clone().unwrap_or_else(|| UNKNOWN.to_string());
                let verdict = match send(t, tr, &billion_laughs(&method)) {
                    Reply::Fault(code, text, ..) => Outcome::Pass(format!("refused: fault {code} {:?}", text.chars().take(160).collect::<String>())),
                    Reply::Status(s, _) if s >= 400 => Outcome::Pass(format!("refused with HTTP {s}")),
                    Reply::Status(s, b) => Outcome::Fail(format!("HTTP {s}: {b:?}")),
                    Reply::Value(v, ..) if show(&v).contains("lollol") => Outcome::Fail(format!("the entities were expanded: {}", show(&v))),
                    Reply::Value(v, ..) if t.echo.is_some() => Outcome::NonStrict(format!("not expanded, but not refused either: the reference came back as text ({}), which is not what XML 1.0 §4.4 says", show(&v))),
                    Reply::Value(v, ..) => Outcome::Fail(format!("the document was accepted and answered: {}", show(&v))),
                    Reply::Broken(e) => Outcome::Fail(e),
                };
                match (verdict, alive(t, tr)) {
                    (v, Ok(())) => v,
                    (Outcome::Fail(f), Err(e)) => Outcome::Fail(format!("{f}; {e}")),
                    (_, Err(e)) => Outcome::Fail(e),
                }
            },
        },
        Case {
            id: "xmlrpc-server/security/doctype-entity",
            section: "XML-RPC spec (no DTD); XML 1.0 §4.2",
            requirement: "XML-RPC defines no DTD: entities a request declares in a DOCTYPE are not expanded (a server that expands them is open to entity bombs within its parser's limits and to external entities).",
            level: Level::Should,
            accepts: "a fault or HTTP 4xx that does not show the expanded text; the reference echoed unexpanded: non-strict",
            run: |t, tr| {
                let expanded = "msgwire-expanded-entity";
                let (method, param) = match &t.echo {
                    Some(e) => (e.clone(), "&e;"),
                    None => (format!("{UNKNOWN}.&e;"), "1"),
                };
                let doc = format!(
                    "<?xml version=\"1.0\"?>\n<!DOCTYPE methodCall [<!ENTITY e \"{expanded}\">]>\n<methodCall><methodName>{method}</methodName><params><param><value><string>{param}</string></value></param></params></methodCall>"
                );
                match send(t, tr, doc.as_bytes()) {
                    Reply::Value(v, ..) if show(&v).contains(expanded) => Outcome::Fail(format!("the entity was expanded: {}", show(&v))),
                    Reply::Value(v, ..) if t.echo.is_some() && show(&v).contains("&e;") => Outcome::NonStrict(format!("not expanded, but not refused either: the reference came back as text ({}), which is not what XML 1.0 §4.4 says", show(&v))),
                    Reply::Value(v, ..) => Outcome::Fail(format!("the document was accepted: {}", show(&v))),
                    Reply::Fault(code, text, ..) if text.contains(expanded) => Outcome::Fail(format!("the entity was expanded (the fault names it): {code} {text:?}")),
                    Reply::Fault(code, text, ..) => Outcome::Pass(format!("refused: fault {code} {text:?}")),
                    Reply::Status(s, _) if (400..500).contains(&s) => Outcome::Pass(format!("refused with HTTP {s}")),
                    Reply::Status(s, b) => Outcome::Fail(format!("HTTP {s}: {b:?}")),
                    Reply::Broken(e) => Outcome::Fail(e),
                }
            },
        },
        Case {
            id: "xmlrpc-server/security/external-entity",
            section: "XML 1.0 §4.2.2 (external entities); OWASP XXE Prevention",
            requirement: "A request whose DOCTYPE declares external entities (a parameter entity and a general entity with SYSTEM URLs) is refused, and neither URL is fetched: a server that resolves them reads files and URLs named by whoever sends it a request.",
            level: Level::Must,
            accepts: "a fault or HTTP 4xx, with no fetch seen by the loopback listener the URLs name; nothing fetched but the document answered: non-strict",
            run: external_entity,
        },
        Case {
            id: "xmlrpc-server/limits/deep-nesting",
            section: SPEC,
            requirement: "A request with arrays nested 20 000 deep (800 KB) is handled or refused (a fault, or an HTTP error), and the server keeps serving.",
            level: Level::Must,
            accepts: "any answer, then a later call answered",
            run: |t, tr| {
                let depth = 20_000;
                let doc = format!(
                    "<?xml version=\"1.0\"?><methodCall><methodName>{}</methodName><params><param>{}<value><int>1</int></value>{}</param></params></methodCall>",
                    t.echo.as_deref().unwrap_or(UNKNOWN),
                    "<value><array><data>".repeat(depth),
                    "</data></array></value>".repeat(depth)
                );
                let verdict = match send(t, tr, doc.as_bytes()) {
                    Reply::Fault(code, text, ..) => Outcome::Pass(format!("refused: fault {code} {:?}", text.chars().take(160).collect::<String>())),
                    Reply::Status(s, _) if s >= 400 => Outcome::Pass(format!("refused with HTTP {s}")),
                    Reply::Value(..) => Outcome::Pass("handled".into()),
                    Reply::Status(s, b) => Outcome::Fail(format!("HTTP {s}: {b:?}")),
                    Reply::Broken(e) => Outcome::Fail(e),
                };
                match (verdict, alive(t, tr)) {
                    (v, Ok(())) => v,
                    (Outcome::Fail(f), Err(e)) => Outcome::Fail(format!("{f}; {e}")),
                    (_, Err(e)) => Outcome::Fail(e),
                }
            },
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_compare_by_meaning() {
        assert_eq!(norm(&Value::Int(3)), norm(&Value::I4(3)));
        assert_eq!(norm(&Value::Untyped("a".into())), norm(&s("a")));
        let a = st(vec![("x", int(1)), ("y", int(2))]);
        let b = st(vec![("y", int(2)), ("x", int(1))]);
        assert_eq!(norm(&a), norm(&b));
        assert_ne!(norm(&int(1)), norm(&s("1")));
        assert_eq!(
            norm(&Value::Base64(Base64::from_bytes(b"hi"))),
            Norm::Bytes(b"hi".to_vec())
        );
    }

    #[test]
    fn the_bomb_is_well_formed_and_refused_by_our_codec() {
        let bomb = billion_laughs("m");
        assert!(bomb.len() < 2048);
        let e = msgwire::xmlrpc::decode(&bomb).unwrap_err();
        assert_eq!(e.kind(), "doctype");
    }
}
