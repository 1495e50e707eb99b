//! Live checks of an XML-RPC server over HTTP, using only msgwire's codec and the minimal
//! client in [`super::http`].
//!
//! `msgwire check xmlrpc-server http://host:port/path [--echo-method NAME]`. Calls are built
//! and replies decoded by `msgwire::xmlrpc` under the strict profile: a reply only the lenient
//! profile reads (two params, a double in exponent form, a fault struct with a third member)
//! breaks the response format and fails the case, with the strict decoder's complaint and the
//! bytes where it stopped. Values are compared by meaning: `int`/`i4` as one integer type
//! (`i8` apart), `string` and untyped values as strings, structs as maps, base64 as bytes.
//! Cases needing a method the server may not offer (the echo method, introspection,
//! multicall, validator1) report "unimplemented" when it answers with a fault and
//! `system.listMethods` does not list the method; a listed method that faults fails.
//!
//! Every case's requirement is quoted from the spec (scripting/xml-rpc `spec.md`, 1999 with
//! the 1/21/99 clarifications) or marked *derived* with the text it derives from;
//! docs/live/README.md lists each MUST sentence with the case that covers it.

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

    /// Whether the server can be reached at all (a TCP connect within the timeout): run once
    /// before any case, so an unreachable server is one error (exit 2), not every case failing.
    pub fn probe(&self) -> Result<(), String> {
        let addr = &self.endpoint.addr;
        let sa = std::net::ToSocketAddrs::to_socket_addrs(addr)
            .map_err(|e| format!("cannot resolve {addr}: {e}"))?
            .next()
            .ok_or_else(|| format!("no address for {addr}"))?;
        std::net::TcpStream::connect_timeout(&sa, self.timeout)
            .map(drop)
            .map_err(|e| format!("cannot connect to {addr}: {e}"))
    }

    /// For reports.
    pub fn describe(&self) -> String {
        format!("http://{}{}", self.endpoint.host, self.endpoint.path)
    }
}

/// A value compared by meaning.
#[derive(Debug, Clone, PartialEq)]
enum Norm {
    /// `int` / `i4`: the spec's one integer type (32 bits).
    Int(i64),
    /// `i8` (extension) and Apache's `ex:` integers: not the spec's `int`.
    I8(i64),
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
        Value::I8(i) | Value::ExI8(i) => Norm::I8(*i),
        Value::ExI1(i) => Norm::I8(i64::from(*i)),
        Value::ExI2(i) => Norm::I8(i64::from(*i)),
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
    /// A successful response (exactly one param, strictly decoded): its value.
    Value(Norm),
    /// A fault in the spec's shape: code, string, HTTP status.
    Fault(i32, String, u16),
    /// HTTP error status without an XML-RPC document.
    Status(u16, String),
    /// No usable reply, or one that breaks the response format (what only a lenient decoder
    /// reads is a violation, never a pass).
    Broken(String),
}

fn post(t: &Target, tr: &mut Trace, body: &[u8]) -> Result<http::Reply, String> {
    http::post(&t.endpoint, "text/xml", body, t.timeout, MAX_REPLY, tr).map_err(|e| e.to_string())
}

/// The 120 bytes of `body` around `offset` (where the strict decoder stopped).
fn around(body: &[u8], offset: usize) -> String {
    let from = offset.saturating_sub(60).min(body.len());
    let to = (offset + 60).min(body.len());
    String::from_utf8_lossy(&body[from..to]).into_owned()
}

fn snippet(body: &[u8]) -> String {
    String::from_utf8_lossy(&body[..body.len().min(160)]).into_owned()
}

/// Judges a reply under `limits`: the strict decoder (the spec, plus `<nil/>` and `<i8>`) must
/// read it; a document only the lenient profile reads (two params, a double in exponent form,
/// a fault struct with a third member, whitespace in an int, ...) breaks the response format.
fn read_reply_with(r: &http::Reply, limits: &Limits) -> Reply {
    let msg = match decode_with(&r.body, Profile::Strict, limits) {
        Ok(m) => m,
        Err(strict) if (200..300).contains(&r.status) => {
            return Reply::Broken(match decode_with(&r.body, Profile::Lenient, limits) {
                Ok(_) => format!(
                    "HTTP {}: the response breaks the XML-RPC response format ({strict}); only a lenient decoder reads it: …{:?}…",
                    r.status,
                    around(&r.body, strict.offset())
                ),
                Err(_) => format!(
                    "HTTP {}: not an XML-RPC response ({strict}): {:?}",
                    r.status,
                    snippet(&r.body)
                ),
            })
        }
        Err(_) => return Reply::Status(r.status, snippet(&r.body)),
    };
    match msg {
        Message::Response(resp) => match resp.value() {
            Some(v) => Reply::Value(norm(v)),
            None => Reply::Broken("a response without a value".into()),
        },
        Message::Fault(f) => Reply::Fault(f.code().into(), f.string().to_string(), r.status),
        Message::Call(c) => Reply::Broken(format!("the server sent a methodCall ({:?})", c.method)),
    }
}

fn read_reply(r: &http::Reply) -> Reply {
    read_reply_with(r, &Limits::default())
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
        Reply::Value(Norm::Array(names)) => Some(names.contains(&Norm::Str(method.to_string()))),
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

/// Calls `method` (which the server may not offer) and compares the result with `want`.
fn expect_value(
    t: &Target,
    tr: &mut Trace,
    method: &str,
    params: Vec<Value<'static>>,
    want: Norm,
) -> Outcome {
    match call(t, tr, method, params) {
        Reply::Value(got) if got == want => Outcome::Pass(show(&got)),
        Reply::Value(got) => Outcome::Fail(format!("got {}, want {}", show(&got), show(&want))),
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
        Reply::Value(got) => {
            if got == Norm::Array(vec![want.clone()]) || got == want {
                Outcome::Pass(show(&want))
            } else {
                Outcome::Fail(format!("echoed {}, sent {}", show(&got), show(&want)))
            }
        }
        Reply::Fault(code, text, ..) => Outcome::Fail(format!("fault {code} {text:?}")),
        Reply::Status(s, b) => Outcome::Fail(format!("HTTP {s}: {b:?}")),
        Reply::Broken(e) => Outcome::Fail(e),
    }
}

/// A request the server cannot read: a fault with 200 OK, or (the spec's "lower-level error")
/// an HTTP 4xx status; never a successful response.
fn expect_fault(t: &Target, tr: &mut Trace, body: &[u8]) -> Outcome {
    match send(t, tr, body) {
        Reply::Fault(code, text, 200) => Outcome::Pass(format!("fault {code} {text:?}")),
        Reply::Fault(code, text, s) => Outcome::Fail(format!(
            "fault {code} {text:?}, but with HTTP {s} (the spec: \"Unless there's a lower-level error, always return 200 OK\")"
        )),
        Reply::Status(s, b) if (400..500).contains(&s) => {
            Outcome::Pass(format!("refused as a lower-level error: HTTP {s} {b:?}"))
        }
        Reply::Status(s, b) => Outcome::Fail(format!("HTTP {s} without a fault: {b:?}")),
        Reply::Value(v) => Outcome::Fail(format!("a successful response: {}", show(&v))),
        Reply::Broken(e) => Outcome::Fail(e),
    }
}

/// After a hostile input: the server must still answer a call (any HTTP response will do).
fn alive(t: &Target, tr: &mut Trace) -> Result<(), String> {
    let body = Message::Call(MethodCall::new(UNKNOWN, vec![])).to_vec();
    match post(t, tr, &body) {
        Ok(_) => Ok(()),
        Err(e) => Err(format!("then the server stopped answering: {e}")),
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
        Reply::Value(v) if show(&v).contains(CANARY_TEXT) => {
            Outcome::Fail(format!("the external entity was expanded: {}", show(&v)))
        }
        Reply::Value(v) if t.echo.is_some() => Outcome::Pass(format!(
            "nothing fetched and nothing expanded (the document was answered, not refused): {}",
            show(&v)
        )),
        Reply::Value(v) => Outcome::Fail(format!("the document was accepted: {}", show(&v))),
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
        Reply::Value(Norm::Array(sigs)) => {
            let well_formed = sigs.iter().all(|sig| {
                matches!(sig, Norm::Array(types) if !types.is_empty()
                    && types.iter().all(|ty| matches!(ty, Norm::Str(name) if !name.is_empty())))
            });
            if well_formed {
                Outcome::Pass(format!(
                    "{} signature(s): {}",
                    sigs.len(),
                    show(&Norm::Array(sigs))
                ))
            } else {
                Outcome::Fail(format!(
                    "an array, but not of signatures (non-empty arrays of type names): {}",
                    show(&Norm::Array(sigs))
                ))
            }
        }
        Reply::Value(v) => Outcome::Pass(format!(
            "no signature defined (a non-array value: {})",
            show(&v)
        )),
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

const RESPONSE_FORMAT: &str = "XML-RPC spec, Response format";
const SCALARS: &str = "XML-RPC spec, Scalar <value>s";
const INTROSPECTION: &str = "XML-RPC introspection (system.* methods, xmlrpc-c/Python)";
const MULTICALL: &str = "system.multicall (Eric Kidd, 2001; as xmlrpc-c and Python implement it)";
const VALIDATOR: &str = "UserLand validator1 suite";

/// The spec's sentence on the response body, quoted by every case that judges a response.
const ONE_PARAM: &str = "The body of the response is a single XML structure, a <methodResponse>, which can contain a single <params> which contains a single <param> which contains a single <value>.";

macro_rules! validator_case {
    ($name:literal, $req:literal) => {
        Case {
            id: concat!("xmlrpc-server/validator1/", $name),
            section: VALIDATOR,
            requirement: concat!("validator1: \"", $req, "\""),
            level: Level::Must,
            accepts: "the documented result, in a strictly valid response; a fault from a method the server does not list: unimplemented",
            run: |t, tr| validator(t, tr, $name),
        }
    };
}

macro_rules! echo_type_case {
    ($id:literal, $level:expr, $section:expr, $quote:literal, $value:expr) => {
        Case {
            id: concat!("xmlrpc-server/echo/", $id),
            section: $section,
            requirement: concat!(
                "*derived* from \"",
                $quote,
                "\": the value sent as a param comes back through the echo method with the same type and value, in a response the spec's grammar allows."
            ),
            level: $level,
            accepts: "the value, alone or as the only element of an array, equal by meaning (int = i4, string = untyped, struct members in any order); anything only a lenient decoder reads fails",
            run: |t, tr| echo_case(t, tr, $value),
        }
    };
}

/// The depth of the `limits/deep-nesting` request.
const DEEP: usize = 20_000;

/// Arrays nested [`DEEP`] levels around `<int>1</int>`: handled (the same value echoed, or any
/// answer without an echo method) or refused, and the server keeps serving. The reply is judged
/// with a depth limit above what was sent, on a thread whose stack fits the decoder's recursion,
/// so a server that echoes it correctly passes.
fn deep_nesting(t: &Target, tr: &mut Trace) -> Outcome {
    let doc = format!(
        "<?xml version=\"1.0\"?><methodCall><methodName>{}</methodName><params><param>{}<value><int>1</int></value>{}</param></params></methodCall>",
        t.echo.as_deref().unwrap_or(UNKNOWN),
        "<value><array><data>".repeat(DEEP),
        "</data></array></value>".repeat(DEEP)
    );
    let echo = t.echo.is_some();
    let verdict = match post(t, tr, doc.as_bytes()) {
        Err(e) => Outcome::Fail(e),
        Ok(reply) => {
            let judge = move || {
                let limits = Limits {
                    max_document_size: MAX_REPLY,
                    max_depth: DEEP + 8,
                };
                match read_reply_with(&reply, &limits) {
                    Reply::Fault(code, text, 200) => Outcome::Pass(format!(
                        "refused: fault {code} {:?}",
                        text.chars().take(160).collect::<String>()
                    )),
                    Reply::Fault(code, _, s) => {
                        Outcome::Fail(format!("fault {code} with HTTP {s}, not 200 OK"))
                    }
                    Reply::Status(s, _) if s >= 400 => {
                        Outcome::Pass(format!("refused with HTTP {s}"))
                    }
                    Reply::Status(s, b) => Outcome::Fail(format!("HTTP {s}: {b:?}")),
                    Reply::Value(v) if !echo => Outcome::Pass(format!(
                        "answered a value ({})",
                        show(&v).chars().take(80).collect::<String>()
                    )),
                    Reply::Value(v) => {
                        // Iterative: peel one-element arrays down to the innermost value.
                        let (mut depth, mut cur) = (0, &v);
                        while let Norm::Array(a) = cur {
                            if a.len() != 1 {
                                break;
                            }
                            depth += 1;
                            cur = &a[0];
                        }
                        // The echo returns `v` or `[v]`: DEEP or DEEP + 1 arrays around 1.
                        if *cur == Norm::Int(1) && (depth == DEEP || depth == DEEP + 1) {
                            Outcome::Pass(format!("echoed whole: {depth} nested arrays around 1"))
                        } else {
                            Outcome::Fail(format!(
                                "echoed something else: {depth} nested one-element arrays around {}",
                                show(cur).chars().take(80).collect::<String>()
                            ))
                        }
                    }
                    Reply::Broken(e) => Outcome::Fail(e.chars().take(400).collect()),
                }
            };
            // Debug builds take a few KiB of stack per level (decode, norm, drop).
            std::thread::Builder::new()
                .stack_size((64 << 20) + (DEEP << 13))
                .spawn(judge)
                .map_err(|e| e.to_string())
                .and_then(|h| h.join().map_err(|_| "the judge panicked".to_string()))
                .unwrap_or_else(|e| Outcome::Fail(format!("internal: {e}")))
        }
    };
    match (verdict, alive(t, tr)) {
        (v, Ok(())) => v,
        (Outcome::Fail(f), Err(e)) => Outcome::Fail(format!("{f}; {e}")),
        (_, Err(e)) => Outcome::Fail(e),
    }
}

/// `system.multicall` with a call to an unknown method and, with an echo method, two echo
/// calls (two params, then one) whose direct results are fetched first: each multicall item
/// must be exactly `[direct result]`, so `[v]` and `[[v]]` differ whatever the echo returns.
fn multicall(t: &Target, tr: &mut Trace) -> Outcome {
    const M: &str = "system.multicall";
    let echo_params = [vec![int(7), s("seven")], vec![int(8)]];
    let mut direct = Vec::new();
    if let Some(e) = &t.echo {
        for p in &echo_params {
            match call(t, tr, e, p.clone()) {
                Reply::Value(v) => direct.push(v),
                other => {
                    return Outcome::Fail(format!("the echo method called directly: {other:?}"))
                }
            }
        }
    }
    let mut calls = vec![st(vec![
        ("methodName", s(UNKNOWN)),
        ("params", Value::Array(vec![])),
    ])];
    if let Some(e) = &t.echo {
        for p in &echo_params {
            calls.push(st(vec![
                ("methodName", s(e)),
                ("params", Value::Array(p.clone())),
            ]));
        }
    }
    let n = calls.len();
    match call(t, tr, M, vec![Value::Array(calls)]) {
        Reply::Value(Norm::Array(items)) if items.len() == n => {
            let fault_ok = matches!(&items[0], Norm::Struct(m) if m.len() == 2
                && matches!(m.get("faultCode"), Some(Norm::Int(_)))
                && matches!(m.get("faultString"), Some(Norm::Str(_))));
            if !fault_ok {
                return Outcome::Fail(format!(
                    "item 0 (an unknown method) is not a fault struct of exactly an int faultCode and a string faultString: {}",
                    show(&items[0])
                ));
            }
            for (i, want) in direct.into_iter().enumerate() {
                let want = Norm::Array(vec![want]);
                if items[i + 1] != want {
                    return Outcome::Fail(format!(
                        "item {} (echo) is {}, want the one-element array holding what the echo returns when called directly: {}",
                        i + 1,
                        show(&items[i + 1]),
                        show(&want)
                    ));
                }
            }
            Outcome::Pass(format!("{n} results: {}", show(&Norm::Array(items))))
        }
        Reply::Value(v) => Outcome::Fail(format!("not an array of {n}: {}", show(&v))),
        Reply::Fault(code, text, ..) => fault_of_needed(t, tr, M, code, &text),
        Reply::Status(404, _) => not_found(M),
        Reply::Status(s, b) => Outcome::Fail(format!("HTTP {s}: {b:?}")),
        Reply::Broken(e) => Outcome::Fail(e),
    }
}

/// Every case, in report order.
pub fn cases() -> Vec<Case<Target>> {
    vec![
        Case {
            id: "xmlrpc-server/fault/malformed-xml",
            section: RESPONSE_FORMAT,
            requirement: "*derived* from \"Unless there's a lower-level error, always return 200 OK.\" and \"There are only two options, either a response contains a <params> structure or it contains a <fault> structure.\" (Updated 1/21/99): a request that is not well-formed XML is answered with a fault (200 OK), or refused as a lower-level error (HTTP 4xx); never with a result.",
            level: Level::Must,
            accepts: "HTTP 200 with a fault in the spec's shape, or HTTP 4xx",
            run: |t, tr| expect_fault(t, tr, b"<?xml version=\"1.0\"?><methodCall><methodName>x</methodName><params><param><value><int>1</int></value></param></methodCall>"),
        },
        Case {
            id: "xmlrpc-server/fault/not-a-method-call",
            section: RESPONSE_FORMAT,
            requirement: "*derived* from \"The payload is in XML, a single <methodCall> structure.\" and \"Unless there's a lower-level error, always return 200 OK.\": a well-formed document that is no <methodCall> is answered with a fault (200 OK), or refused as a lower-level error (HTTP 4xx); never with a result.",
            level: Level::Must,
            accepts: "HTTP 200 with a fault in the spec's shape, or HTTP 4xx",
            run: |t, tr| expect_fault(t, tr, b"<?xml version=\"1.0\"?><notXmlRpc><value>1</value></notXmlRpc>"),
        },
        Case {
            id: "xmlrpc-server/fault/unknown-method",
            section: "XML-RPC spec, Response format (faults); Updated 1/21/99",
            requirement: "\"The <methodResponse> could also contain a <fault> which contains a <value> which is a <struct> containing two elements, one named <faultCode>, an <int> and one named <faultString>, a <string>.\" \"A <fault> struct may not contain members other than those specified.\" \"Unless there's a lower-level error, always return 200 OK.\"",
            level: Level::Must,
            accepts: "HTTP 200 with a fault whose struct has exactly an int faultCode and a string faultString",
            run: |t, tr| {
                let body = Message::Call(MethodCall::new(UNKNOWN, vec![int(1)])).to_vec();
                match send(t, tr, &body) {
                    Reply::Fault(code, text, 200) => Outcome::Pass(format!("fault {code} {text:?}")),
                    Reply::Fault(code, text, s) => Outcome::Fail(format!("fault {code} {text:?} with HTTP {s}, not 200 OK")),
                    Reply::Value(v) => Outcome::Fail(format!("a successful response to an unknown method: {}", show(&v))),
                    Reply::Status(s, b) => Outcome::Fail(format!("HTTP {s} without a fault: {b:?}")),
                    Reply::Broken(e) => Outcome::Fail(e),
                }
            },
        },
        Case {
            id: "xmlrpc-server/http/response-headers",
            section: RESPONSE_FORMAT,
            requirement: "\"Unless there's a lower-level error, always return 200 OK. The Content-Type is text/xml. Content-Length must be present and correct.\"",
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
        Case {
            id: "xmlrpc-server/response/single-param",
            section: RESPONSE_FORMAT,
            requirement: ONE_PARAM,
            level: Level::Must,
            accepts: "a methodResponse with exactly one <param> (the echo of two params returns them as one array); two <param>s, or anything else only a lenient decoder reads, fails",
            run: |t, tr| {
                let Some(echo) = t.echo.clone() else {
                    return Outcome::Unimplemented("needs a method to call: name one with --echo-method".into());
                };
                let sent = vec![int(1), s("two")];
                let want = Norm::Array(sent.iter().map(norm).collect());
                match call(t, tr, &echo, sent) {
                    Reply::Value(got) if got == want => Outcome::Pass(format!("one param: {}", show(&got))),
                    Reply::Value(got) => Outcome::Fail(format!("one param, but {} (sent the params 1 and \"two\")", show(&got))),
                    Reply::Fault(code, text, ..) => Outcome::Fail(format!("fault {code} {text:?}")),
                    Reply::Status(s, b) => Outcome::Fail(format!("HTTP {s}: {b:?}")),
                    Reply::Broken(e) => Outcome::Fail(e),
                }
            },
        },
        Case {
            id: "xmlrpc-server/request/no-params",
            section: "XML-RPC spec, Payload format",
            requirement: "\"If the procedure call has parameters, the <methodCall> must contain a <params> sub-item.\" (*derived*: a call without parameters may leave <params> out, and the server reads it as a call with none)",
            level: Level::Must,
            accepts: "the echo of no params, an empty array",
            run: |t, tr| {
                let Some(echo) = t.echo.clone() else {
                    return Outcome::Unimplemented("needs a method to call: name one with --echo-method".into());
                };
                let doc = format!("<?xml version=\"1.0\"?><methodCall><methodName>{echo}</methodName></methodCall>");
                match send(t, tr, doc.as_bytes()) {
                    Reply::Value(Norm::Array(a)) if a.is_empty() => Outcome::Pass("an empty array".into()),
                    Reply::Value(v) => Outcome::Fail(format!("the echo of no params is {}, not an empty array", show(&v))),
                    Reply::Fault(code, text, ..) => Outcome::Fail(format!("fault {code} {text:?} for a call without <params>")),
                    Reply::Status(s, b) => Outcome::Fail(format!("HTTP {s}: {b:?}")),
                    Reply::Broken(e) => Outcome::Fail(e),
                }
            },
        },
        echo_type_case!("int", Level::Must, SCALARS, "<i4> or <int>: four-byte signed integer", Value::Int(-2147483648)),
        echo_type_case!("i4", Level::Must, SCALARS, "<i4> or <int>: four-byte signed integer", Value::I4(2147483647)),
        echo_type_case!("boolean", Level::Must, "XML-RPC spec, Scalar <value>s; Updated 1/21/99", "<boolean>: 0 (false) or 1 (true)\" and \"boolean is a distinct data type", Value::Array(vec![Value::Boolean(true), Value::Boolean(false)])),
        echo_type_case!("string", Level::Must, "XML-RPC spec, Scalar <value>s; Updated 1/21/99", "Any characters are allowed in a string except < and &, which are encoded as &lt; and &amp;", s("<tag attr=\"v\">&amp; 'quoted' é 漢字 😀</tag>")),
        echo_type_case!("string-empty", Level::Must, SCALARS, "<string>: string", s("")),
        echo_type_case!("string-whitespace", Level::Must, "XML-RPC spec, Scalar <value>s; Updated 1/21/99", "Any characters are allowed in a string except < and &", s("  two  spaces\tand\na newline  ")),
        echo_type_case!("untyped", Level::Must, SCALARS, "If no type is indicated, the type is string.", Value::Untyped(Cow::Borrowed("no type"))),
        echo_type_case!("double", Level::Must, "XML-RPC spec, Scalar <value>s; Updated 1/21/99", "<double>: double-precision signed floating point number\" and \"only decimal point notation is allowed, a plus or a minus, followed by any number of numeric characters, followed by a period and any number of numeric characters", Value::Array(vec![Value::Double(-12.53125), Value::Double(0.5), Value::Double(1234567.0), Value::Double(1e-7)])),
        echo_type_case!("datetime", Level::Must, SCALARS, "<dateTime.iso8601>: date/time, 19980717T14:08:55", Value::DateTime(DateTime::from_parts(1998, 7, 17, 14, 8, 55))),
        echo_type_case!("base64", Level::Must, SCALARS, "<base64>: base64-encoded binary", Value::Base64(Base64::from_bytes(&(0u8..=255).collect::<Vec<u8>>()))),
        echo_type_case!("array", Level::Must, "XML-RPC spec, <array>s", "An <array> contains a single <data> element, which can contain any number of <value>s.\" \"You can mix types\" \"<arrays>s can be recursive", Value::Array(vec![int(12), s("Egypt"), Value::Boolean(false), int(-31), Value::Array(vec![]), Value::Array(vec![Value::Array(vec![int(1)])])])),
        echo_type_case!("struct", Level::Must, "XML-RPC spec, <struct>s; Updated 1/21/99", "A <struct> contains <member>s and each <member> contains a <name> and a <value>.\" \"The struct element does not preserve the order of the keys.", st(vec![("lowerBound", int(18)), ("upperBound", int(139)), ("a <&> name", st(vec![])), ("nested", st(vec![("x", Value::Array(vec![s("y")]))]))])),
        echo_type_case!("nil", Level::Should, "XML-RPC extension <nil/> (not in the 1999 spec)", "<nil/>: an extension many servers accept", Value::Array(vec![Value::Nil])),
        echo_type_case!("i8", Level::Should, "XML-RPC extension <i8> (not in the 1999 spec)", "<i8>: a 64-bit integer, an extension many servers accept", Value::I8(-9007199254740993)),
        Case {
            id: "xmlrpc-server/introspection/list-methods",
            section: INTROSPECTION,
            requirement: "*derived* (introspection is no part of the 1999 spec; as xmlrpc-c and Python document it): \"system.listMethods takes no parameters and returns an array of strings, the names of the methods the server offers.\"",
            level: Level::Must,
            accepts: "an array of strings; a fault or HTTP 404: unimplemented",
            run: |t, tr| match call(t, tr, "system.listMethods", vec![]) {
                Reply::Value(Norm::Array(a)) if a.iter().all(|n| matches!(n, Norm::Str(_))) => {
                    let names: Vec<String> = a.iter().take(12).map(|n| match n { Norm::Str(s) => s.clone(), _ => String::new() }).collect();
                    Outcome::Pass(format!("{} methods: {}{}", a.len(), names.join(", "), if a.len() > 12 { ", …" } else { "" }))
                }
                Reply::Value(v) => Outcome::Fail(format!("not an array of strings: {}", show(&v))),
                Reply::Fault(code, text, ..) => Outcome::Unimplemented(format!("fault {code} {text:?}")),
                Reply::Status(404, _) => not_found("system.listMethods"),
                Reply::Status(s, b) => Outcome::Fail(format!("HTTP {s}: {b:?}")),
                Reply::Broken(e) => Outcome::Fail(e),
            },
        },
        Case {
            id: "xmlrpc-server/introspection/method-help",
            section: INTROSPECTION,
            requirement: "*derived* (as xmlrpc-c and Python document it): \"system.methodHelp takes a method name and returns a string: its documentation (possibly empty).\"",
            level: Level::Must,
            accepts: "a string; a fault from a server that does not list system.methodHelp: unimplemented",
            run: |t, tr| match call(t, tr, "system.methodHelp", vec![s("system.listMethods")]) {
                Reply::Value(Norm::Str(h)) => Outcome::Pass(format!("{} characters of help", h.chars().count())),
                Reply::Value(v) => Outcome::Fail(format!("not a string: {}", show(&v))),
                Reply::Fault(code, text, ..) => fault_of_needed(t, tr, "system.methodHelp", code, &text),
                Reply::Status(404, _) => not_found("system.methodHelp"),
                Reply::Status(s, b) => Outcome::Fail(format!("HTTP {s}: {b:?}")),
                Reply::Broken(e) => Outcome::Fail(e),
            },
        },
        Case {
            id: "xmlrpc-server/introspection/method-signature",
            section: INTROSPECTION,
            requirement: "*derived* (as xmlrpc-c and Python document it): \"system.methodSignature takes the name of a method and returns an array of possible signatures for it. A signature is an array of types; the first is the return type, the rest are parameters. If no signature is defined for the method, a non-array value is returned.\"",
            level: Level::Should,
            accepts: "an array of non-empty arrays of type names, or a non-array value; a fault from a server that does not list the method: unimplemented",
            run: method_signature,
        },
        Case {
            id: "xmlrpc-server/introspection/multicall",
            section: MULTICALL,
            requirement: "*derived* (as xmlrpc-c and Python implement it): \"system.multicall takes an array of {methodName, params} structs and returns an array with, for each call, either a one-element array holding its result or a fault struct {faultCode, faultString}.\"",
            level: Level::Must,
            accepts: "[fault struct, [echo(7, \"seven\")], [echo(8)]] where each echo item is exactly the one-element array of what the echo returns when called directly; a fault: unimplemented",
            run: multicall,
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
            requirement: "*derived* (XML-RPC defines no DTD; OWASP XML Security): a request whose DOCTYPE declares exponentially nested entities (10^9 expansions) is not expanded; the server answers within the timeout and keeps serving.",
            level: Level::Must,
            accepts: "a fault or HTTP 4xx/5xx, or the reference passed through unexpanded (reported: see security/doctype-entity), then a later call answered; an expanded echo or no answer fails",
            run: |t, tr| {
                let method = t.echo.clone().unwrap_or_else(|| UNKNOWN.to_string());
                let verdict = match send(t, tr, &billion_laughs(&method)) {
                    Reply::Fault(code, text, ..) => Outcome::Pass(format!("refused: fault {code} {:?}", text.chars().take(160).collect::<String>())),
                    Reply::Status(s, _) if s >= 400 => Outcome::Pass(format!("refused with HTTP {s}")),
                    Reply::Status(s, b) => Outcome::Fail(format!("HTTP {s}: {b:?}")),
                    Reply::Value(v) if show(&v).contains("lollol") => Outcome::Fail(format!("the entities were expanded: {}", show(&v))),
                    Reply::Value(v) if t.echo.is_some() && show(&v).contains("&lol9;") => Outcome::Pass(format!("not expanded: the reference came back as text ({}); XML 1.0 §4.4 is judged by security/doctype-entity", show(&v))),
                    Reply::Value(v) => Outcome::Fail(format!("the document was accepted and answered: {}", show(&v))),
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
            section: "XML-RPC spec (no DTD); XML 1.0 §4.2, §4.4",
            requirement: "*derived* (XML-RPC defines no DTD; OWASP XML Security): entities a request declares in a DOCTYPE are not expanded, and the request is refused (a server that expands them is open to entity bombs within its parser's limits and to external entities).",
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
                    Reply::Value(v) if show(&v).contains(expanded) => Outcome::Fail(format!("the entity was expanded: {}", show(&v))),
                    Reply::Value(v) if t.echo.is_some() && show(&v).contains("&e;") => Outcome::NonStrict(format!("not expanded, but not refused either: the reference came back as text ({}), which is not what XML 1.0 §4.4 says", show(&v))),
                    Reply::Value(v) => Outcome::Fail(format!("the document was accepted: {}", show(&v))),
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
            requirement: "*derived* (OWASP XXE Prevention; XML-RPC defines no DTD): a request whose DOCTYPE declares external entities (a parameter entity and a general entity with SYSTEM URLs) makes the server fetch neither URL nor show their content: a server that resolves them reads files and URLs named by whoever sends it a request.",
            level: Level::Must,
            accepts: "no fetch seen by the loopback listener the URLs name, and no canary text in the reply (a fault, an HTTP 4xx, or the document answered without the entity)",
            run: external_entity,
        },
        Case {
            id: "xmlrpc-server/limits/deep-nesting",
            section: "XML-RPC spec, <array>s",
            requirement: "*derived* from \"<arrays>s can be recursive\": a request with arrays nested 20 000 deep (800 KB) is handled (echoed whole, judged with a depth limit above what was sent) or refused (a fault, or an HTTP error), and the server keeps serving.",
            level: Level::Must,
            accepts: "the same 20 000-deep value echoed, a fault or an HTTP error, then a later call answered",
            run: deep_nesting,
        },
    ]
}

// ---------------------------------------------------------------------------------------------
// `msgwire fuzz xmlrpc-server`: one generated input at a time.

pub use super::FuzzVerdict;

/// Sends `input` as one POST and judges the answer against what the spec owes, then checks
/// (a second connection) that the server still answers a call:
/// - a methodCall our strict decoder reads is owed exactly one well-formed response: a value
///   (for `--echo-method`, the params it was sent: `[p...]`, or `p` for one param), a fault
///   with 200 OK, or HTTP 404 (no such method); anything else is `wrong-reply`, keyed by what
///   is wrong (`fault-http-<status>`: a fault with another status than 200; `http-5xx`; `http-4xx`
///   and the like: another status for a valid call; `echo`: `--echo-method` echoed other params),
///   so that a baseline listing one kind does not hide the others;
/// - an input no decoder of ours reads as a methodCall (not XML, a response, a broken value) is
///   owed a fault with 200 OK or a "lower-level error" (HTTP 4xx); a successful response is
///   `accepted-invalid`, keyed by our decoder's error kind (`accepted-invalid:unexpected-text`);
/// - an input only our lenient profile reads as a call may be taken or refused (any
///   well-formed answer);
/// - a reply the strict decoder does not read (or a 5xx, or a fault with another status) is
///   `malformed-reply` / `wrong-reply`; no reply in time is `no-reply`; a server that stops
///   answering afterwards is `server-down`.
pub fn fuzz_exchange(t: &Target, input: &[u8]) -> FuzzVerdict {
    let limits = Limits::default();
    let strict = decode_with(input, Profile::Strict, &limits);
    let lenient_call = matches!(
        decode_with(input, Profile::Lenient, &limits),
        Ok(Message::Call(_))
    );
    let mut tr = Trace::default();
    let reply = match post(t, &mut tr, input) {
        Ok(r) => read_reply(&r),
        Err(e) => {
            let down = alive(t, &mut Trace::default()).is_err();
            return FuzzVerdict::Broken(if down { "server-down" } else { "no-reply" }, e);
        }
    };
    let verdict = match (&strict, reply) {
        (_, Reply::Broken(e)) => FuzzVerdict::Broken("malformed-reply", e),
        (_, Reply::Fault(code, text, status)) if status != 200 => FuzzVerdict::Keyed(
            "wrong-reply",
            format!("fault-http-{status}"),
            format!("fault {code} {text:?} with HTTP {status} (the spec: \"Unless there's a lower-level error, always return 200 OK\")"),
        ),
        (_, Reply::Status(s, b)) if s >= 500 => FuzzVerdict::Keyed(
            "wrong-reply",
            "http-5xx".into(),
            format!("HTTP {s} (a server error): {b:?}"),
        ),
        (Ok(Message::Call(c)), Reply::Value(got)) => {
            let want = match (&t.echo, c.params.as_slice()) {
                (Some(e), params) if *e == c.method => Some(params),
                _ => None,
            };
            match want {
                Some(params) => {
                    let all = Norm::Array(params.iter().map(norm).collect());
                    let one = (params.len() == 1).then(|| norm(&params[0]));
                    if got == all || one.as_ref() == Some(&got) {
                        FuzzVerdict::Ok
                    } else {
                        FuzzVerdict::Keyed(
                            "wrong-reply",
                            "echo".into(),
                            format!("echoed {}, sent {}", show(&got), show(&all)),
                        )
                    }
                }
                None => FuzzVerdict::Ok,
            }
        }
        (Ok(Message::Call(_)), Reply::Status(s, b)) if s != 404 => FuzzVerdict::Keyed(
            "wrong-reply",
            format!("http-{}xx", s / 100),
            format!("HTTP {s} for a valid methodCall: {b:?}"),
        ),
        (Ok(Message::Call(_)), _) => FuzzVerdict::Ok,
        (_, Reply::Value(got)) if !lenient_call => {
            // Keyed by what our decoder refuses (its error kind), as `fuzz codec` names a
            // should-have-rejected: a baseline can list one kind without hiding the others.
            let (key, why) = match &strict {
                Err(e) => (e.kind().to_string(), format!(" ({e})")),
                Ok(_) => ("response".to_string(), " (a methodResponse)".to_string()),
            };
            FuzzVerdict::Keyed(
                "accepted-invalid",
                key,
                format!(
                    "a successful response ({}) to an input that is no methodCall{why}",
                    show(&got)
                ),
            )
        }
        _ => FuzzVerdict::Ok,
    };
    match alive(t, &mut Trace::default()) {
        Err(e) if verdict == FuzzVerdict::Ok => FuzzVerdict::Broken("server-down", e),
        _ => verdict,
    }
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
