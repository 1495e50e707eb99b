//! Client mode: msgwire plays the broker or server and judges a client library.
//!
//! A client library is run by a small **driver** program (one per library, the sibling of the
//! codec adapter contract; see conformance/README.md, "The driver contract"). For each case
//! msgwire listens on `127.0.0.1:0`, starts the driver with the case's scenario name and the
//! address, plays a scripted peer on the connection the driver makes, and judges both the bytes
//! the client sends and what the driver prints: one JSON object per line saying what the library
//! surfaced to the application (messages delivered, errors raised, close reasons).
//!
//! The driver is started as `sh -c 'CMD "$@"' msgwire-driver SCENARIO HOST:PORT` (so CMD may
//! hold arguments), with `MSGWIRE_SCENARIO`, `MSGWIRE_ADDR`, a protocol URL (`MSGWIRE_URL`,
//! e.g. `http://127.0.0.1:PORT/`) and the scenario's plan (`MSGWIRE_PLAN`, JSON: what to ask
//! the library to do, so that a driver is generic and the cases live here) in its
//! environment, stdin closed, in a process group of its own. When its case is over (or its time is up) the whole
//! group is killed: no case can hang. Before any case, the driver is run once with the
//! scenario `hello`: it prints `{"event":"hello","library":NAME,"version":VERSION}` and exits
//! 0 without connecting; a driver that cannot do that is one error (with its stderr) and exit
//! status 2 before any case runs.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

/// What a driver is started with for one case.
#[derive(Debug, Clone)]
pub struct Invocation {
    /// The scenario's name (`hello` for the start-up check).
    pub scenario: String,
    /// Where msgwire listens.
    pub addr: SocketAddr,
    /// The same as a URL of the protocol (`http://127.0.0.1:PORT/`).
    pub url: String,
    /// The plan (JSON text): what the driver asks the library to do.
    pub plan: String,
}

/// An in-process client (the suite's own tests): called on a thread of its own with the
/// invocation, it writes the driver's JSON lines to the writer. It must bound its own waits
/// (it cannot be killed); the runner stops waiting for it at the case deadline.
pub type InProcess = Arc<dyn Fn(&Invocation, &mut dyn Write) + Send + Sync>;

/// How a client is started.
#[derive(Clone)]
pub enum Driver {
    /// A program run through `sh -c` (see the module docs for the contract).
    Command(String),
    /// A function on a thread (tests).
    InProcess(InProcess),
}

impl std::fmt::Debug for Driver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Driver::Command(c) => write!(f, "`{c}`"),
            Driver::InProcess(_) => write!(f, "(in-process client)"),
        }
    }
}

/// What a driver printed and how it ended.
#[derive(Debug, Clone, Default)]
pub struct DriverRun {
    /// Its JSON lines, in order (each an object with an `event` string).
    pub events: Vec<Value>,
    /// Lines that were not a JSON object with an `event` string: a broken driver contract.
    pub bad_lines: Vec<String>,
    /// Its stderr (the first 16 KiB).
    pub stderr: String,
    /// How it exited: `exit 0`, `exit 1`, `signal 9`, or `still running` (then it was killed).
    pub status: String,
    /// It did not end by itself before the deadline and was killed.
    pub killed: bool,
}

impl DriverRun {
    /// The events named `name`, in order.
    pub fn named(&self, name: &str) -> Vec<&Value> {
        self.events
            .iter()
            .filter(|e| e.get("event").and_then(Value::as_str) == Some(name))
            .collect()
    }

    /// The first event named `name`.
    pub fn first(&self, name: &str) -> Option<&Value> {
        self.named(name).into_iter().next()
    }

    /// The driver said it cannot run the scenario with its library
    /// (`{"event":"unsupported","why":...}`): the reason.
    pub fn unsupported(&self) -> Option<String> {
        self.first("unsupported").map(|e| {
            e.get("why")
                .and_then(Value::as_str)
                .unwrap_or("no reason given")
                .to_string()
        })
    }

    /// One line for a verdict: the events (names only, with codes), the exit, stderr's last
    /// line.
    pub fn summary(&self) -> String {
        let names: Vec<String> = self
            .events
            .iter()
            .map(|e| {
                let n = e.get("event").and_then(Value::as_str).unwrap_or("?");
                match (
                    e.get("code").and_then(Value::as_u64),
                    e.get("why").and_then(Value::as_str),
                ) {
                    (Some(c), _) => format!("{n}({c})"),
                    (None, Some(why)) => {
                        let why: String = why.chars().take(120).collect();
                        format!("{n}({why:?})")
                    }
                    (None, None) => n.to_string(),
                }
            })
            .collect();
        let mut s = format!("driver printed [{}], {}", names.join(", "), self.status);
        if self.killed {
            s.push_str(" (killed at the deadline)");
        }
        if !self.bad_lines.is_empty() {
            s.push_str(&format!(
                "; {} line(s) outside the contract, first: {:?}",
                self.bad_lines.len(),
                self.bad_lines[0]
            ));
        }
        if let Some(last) = self.stderr.lines().rev().find(|l| !l.trim().is_empty()) {
            s.push_str(&format!("; stderr: {}", last.trim()));
        }
        s
    }

    /// Whether the driver ended by itself, without breaking the contract.
    pub fn ended_cleanly(&self) -> bool {
        !self.killed && self.bad_lines.is_empty()
    }
}

/// A started driver.
pub struct Running {
    child: Option<Child>,
    lines: Receiver<String>,
    stderr: Option<Receiver<String>>,
    done: Option<Receiver<()>>,
}

fn kill_group(child: &mut Child) {
    // The shell's builtin `kill` on the negative pid: the whole process group (no procps).
    let _ = Command::new("sh")
        .args(["-c", &format!("kill -9 -{} 2>/dev/null", child.id())])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let _ = child.kill();
    let _ = child.wait();
}

impl Driver {
    /// Starts the driver for one invocation.
    pub fn start(&self, inv: &Invocation) -> Result<Running, String> {
        let (scenario, addr) = (inv.scenario.as_str(), inv.addr);
        match self {
            Driver::Command(cmd) => {
                let mut child = Command::new("sh")
                    .arg("-c")
                    .arg(format!("{cmd} \"$@\""))
                    .arg("msgwire-driver")
                    .arg(scenario)
                    .arg(addr.to_string())
                    .env("MSGWIRE_SCENARIO", scenario)
                    .env("MSGWIRE_ADDR", addr.to_string())
                    .env("MSGWIRE_URL", &inv.url)
                    .env("MSGWIRE_PLAN", &inv.plan)
                    .stdin(Stdio::null())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .process_group(0)
                    .spawn()
                    .map_err(|e| format!("cannot start driver `{cmd}`: {e}"))?;
                let (tx, lines) = channel();
                let out = child.stdout.take().expect("piped");
                thread::spawn(move || {
                    for line in BufReader::new(out).lines() {
                        let Ok(line) = line else { break };
                        if tx.send(line).is_err() {
                            break;
                        }
                    }
                });
                let (etx, stderr) = channel();
                let mut err = child.stderr.take().expect("piped");
                thread::spawn(move || {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    while let Ok(n) = err.read(&mut chunk) {
                        if n == 0 {
                            break;
                        }
                        if buf.len() < 16 << 10 {
                            buf.extend_from_slice(&chunk[..n]);
                        }
                    }
                    let _ = etx.send(String::from_utf8_lossy(&buf).into_owned());
                });
                Ok(Running {
                    child: Some(child),
                    lines,
                    stderr: Some(stderr),
                    done: None,
                })
            }
            Driver::InProcess(f) => {
                let (tx, lines) = channel();
                let (dtx, done) = channel();
                let (f, inv) = (f.clone(), inv.clone());
                thread::spawn(move || {
                    struct Lines(std::sync::mpsc::Sender<String>, Vec<u8>);
                    impl Write for Lines {
                        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                            self.1.extend_from_slice(b);
                            while let Some(i) = self.1.iter().position(|&c| c == b'\n') {
                                let line: Vec<u8> = self.1.drain(..=i).collect();
                                let _ = self.0.send(
                                    String::from_utf8_lossy(&line[..line.len() - 1]).into_owned(),
                                );
                            }
                            Ok(b.len())
                        }
                        fn flush(&mut self) -> std::io::Result<()> {
                            Ok(())
                        }
                    }
                    let mut w = Lines(tx, Vec::new());
                    let _ =
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&inv, &mut w)));
                    let _ = dtx.send(());
                });
                Ok(Running {
                    child: None,
                    lines,
                    stderr: None,
                    done: Some(done),
                })
            }
        }
    }

    /// Runs the `hello` scenario: `(library, version)`, or why the driver cannot start (its
    /// exit status and stderr).
    pub fn hello(&self, timeout: Duration) -> Result<(String, String), String> {
        let inv = Invocation {
            scenario: "hello".into(),
            addr: "127.0.0.1:9".parse().expect("literal"),
            url: String::new(),
            plan: "{}".into(),
        };
        let run = self.start(&inv)?.finish(Instant::now() + timeout);
        let hello = run.first("hello").cloned();
        match hello {
            Some(h) if run.status == "exit 0" => {
                let get = |k: &str| {
                    h.get(k)
                        .and_then(Value::as_str)
                        .unwrap_or("unknown")
                        .to_string()
                };
                Ok((get("library"), get("version")))
            }
            _ => Err(format!(
                "driver {self:?} did not answer the `hello` scenario with \
                 {{\"event\":\"hello\",...}} and exit 0 ({}){}",
                run.status,
                if run.stderr.trim().is_empty() {
                    String::new()
                } else {
                    format!("; its stderr:\n{}", run.stderr.trim_end())
                }
            )),
        }
    }
}

impl Running {
    /// Whether the driver has ended by itself.
    pub fn ended(&mut self) -> bool {
        match (&mut self.child, &self.done) {
            (Some(c), _) => matches!(c.try_wait(), Ok(Some(_))),
            (None, Some(d)) => !matches!(d.try_recv(), Err(std::sync::mpsc::TryRecvError::Empty)),
            (None, None) => true,
        }
    }

    /// Waits for the driver to end until `deadline`, kills its process group if it has not,
    /// and collects what it printed.
    pub fn finish(mut self, deadline: Instant) -> DriverRun {
        let mut run = DriverRun::default();
        let mut ended = false;
        while Instant::now() < deadline {
            if self.ended() {
                ended = true;
                break;
            }
            thread::sleep(Duration::from_millis(10));
        }
        if let Some(mut child) = self.child.take() {
            match child.try_wait() {
                Ok(Some(st)) => run.status = describe_status(st),
                _ => {
                    run.killed = true;
                    run.status = "still running".into();
                    kill_group(&mut child);
                }
            }
        } else if !ended {
            run.killed = true;
            run.status = "still running".into();
        } else {
            run.status = "exit 0".into();
        }
        // Output the driver wrote before it ended: the pipe closes when the group is gone.
        let grace = Instant::now() + Duration::from_millis(500);
        let mut lines = Vec::new();
        loop {
            match self.lines.recv_timeout(super::left(grace)) {
                Ok(line) if line.trim().is_empty() => {}
                Ok(line) => lines.push(line),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
            }
        }
        for (line, parsed) in parse_lines(lines) {
            match parsed {
                Some(v) if v.get("event").and_then(Value::as_str).is_some() => run.events.push(v),
                _ => run.bad_lines.push(line),
            }
        }
        if let Some(e) = self.stderr.take() {
            run.stderr = e
                .recv_timeout(Duration::from_millis(500))
                .unwrap_or_default();
        }
        run
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            kill_group(&mut c);
        }
    }
}

/// Deepest value a driver line may hold (a result nested 1000 deep is a case's payload).
const MAX_LINE_DEPTH: usize = 4096;

/// Parses driver lines as JSON without serde_json's recursion limit of 128 (results nested
/// deeper are what some cases send), on a thread with a stack for it; a line nested deeper
/// than [`MAX_LINE_DEPTH`] is not parsed (it stays a line outside the contract).
fn parse_lines(lines: Vec<String>) -> Vec<(String, Option<Value>)> {
    let work = move || {
        lines
            .into_iter()
            .map(|l| {
                // A lone surrogate escape (`"\ud800"`, as Python's json.dumps and
                // JSON.stringify write one) is read as U+FFFD, as our decoders read it.
                let text = if l.contains("\\u") {
                    crate::runner::adapter::lone_surrogates_replaced(&l)
                } else {
                    l.clone()
                };
                let v = (depth(&l) <= MAX_LINE_DEPTH)
                    .then(|| {
                        let mut de = serde_json::Deserializer::from_str(&text);
                        de.disable_recursion_limit();
                        serde::Deserialize::deserialize(&mut de)
                            .ok()
                            .filter(|_| de.end().is_ok())
                    })
                    .flatten();
                (l, v)
            })
            .collect::<Vec<_>>()
    };
    thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(work)
        .ok()
        .and_then(|h| h.join().ok())
        .unwrap_or_default()
}

/// The deepest nesting of `[`/`{` in a JSON text (outside strings).
fn depth(text: &str) -> usize {
    let (mut d, mut max, mut in_str, mut esc) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        if in_str {
            match (esc, b) {
                (true, _) => esc = false,
                (false, b'\\') => esc = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'[' | b'{' => {
                d += 1;
                max = max.max(d);
            }
            b']' | b'}' => d = d.saturating_sub(1),
            _ => {}
        }
    }
    max
}

fn describe_status(st: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (st.code(), st.signal()) {
        (Some(c), _) => format!("exit {c}"),
        (None, Some(s)) => format!("signal {s}"),
        _ => "ended".into(),
    }
}

/// A client to check: its driver, and the bound on each wait.
#[derive(Debug, Clone)]
pub struct Target {
    /// How the client is started.
    pub driver: Driver,
    /// Bound on each wait (the connection, the request, the driver's end).
    pub timeout: Duration,
}

/// One HTTP request as the scripted server read it.
#[derive(Debug, Clone)]
pub struct HttpRequest {
    /// The request line and header fields.
    pub head: String,
    /// The body (de-chunked).
    pub body: Vec<u8>,
}

/// Largest request head the scripted server reads.
const MAX_REQUEST_HEAD: usize = 64 << 10;
/// Largest request body the scripted server reads.
const MAX_REQUEST_BODY: usize = 64 << 20;

/// Waits until `deadline` for a connection on `listener` (non-blocking accept, polled), giving
/// up early when the driver has ended without connecting.
pub fn accept(
    listener: &std::net::TcpListener,
    running: &mut Running,
    deadline: Instant,
) -> Result<std::net::TcpStream, String> {
    listener
        .set_nonblocking(true)
        .map_err(|e| format!("listener: {e}"))?;
    loop {
        match listener.accept() {
            Ok((s, _)) => {
                s.set_nonblocking(false)
                    .map_err(|e| format!("accepted socket: {e}"))?;
                return Ok(s);
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(format!("accept: {e}")),
        }
        if Instant::now() >= deadline {
            return Err("the client did not connect before the timeout".into());
        }
        if running.ended() {
            // One last look: it may have connected and ended at once.
            if let Ok((s, _)) = listener.accept() {
                s.set_nonblocking(false)
                    .map_err(|e| format!("accepted socket: {e}"))?;
                return Ok(s);
            }
            return Err("the client ended without connecting".into());
        }
        thread::sleep(Duration::from_millis(5));
    }
}

/// Reads one HTTP/1.1 request (body framed by `Content-Length` or chunked), bounded by
/// `deadline` and by 64 KiB of head and 64 MiB of body.
pub fn read_http_request(
    s: &mut std::net::TcpStream,
    deadline: Instant,
) -> Result<HttpRequest, String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 64 << 10];
    let mut fill = |buf: &mut Vec<u8>| -> Result<(), String> {
        s.set_read_timeout(Some(super::left(deadline)))
            .map_err(|e| e.to_string())?;
        match s.read(&mut chunk) {
            Ok(0) => Err(format!(
                "the client closed the connection ({} bytes of the request read)",
                buf.len()
            )),
            Ok(n) => {
                buf.extend_from_slice(&chunk[..n]);
                Ok(())
            }
            Err(e) => Err(format!(
                "no complete request before the timeout ({} bytes read): {e}",
                buf.len()
            )),
        }
    };
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_REQUEST_HEAD {
            return Err(format!("request head over {MAX_REQUEST_HEAD} bytes"));
        }
        fill(&mut buf)?;
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let lower = head.to_ascii_lowercase();
    let field = |name: &str| {
        lower
            .lines()
            .skip(1)
            .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_string()))
    };
    let mut rest = buf.split_off(end + 4);
    if field("transfer-encoding:").is_some_and(|v| v.contains("chunked")) {
        let mut body = Vec::new();
        let mut pos = 0;
        loop {
            let Some(nl) = rest[pos..].windows(2).position(|w| w == b"\r\n") else {
                if rest.len() - pos > 1024 {
                    return Err("chunk size line over 1 KiB".into());
                }
                fill(&mut rest)?;
                continue;
            };
            let line = String::from_utf8_lossy(&rest[pos..pos + nl]).into_owned();
            let size = usize::from_str_radix(line.split(';').next().unwrap_or("").trim(), 16)
                .map_err(|_| format!("bad chunk size line {line:?}"))?;
            if body.len() + size > MAX_REQUEST_BODY {
                return Err(format!("request body over {MAX_REQUEST_BODY} bytes"));
            }
            let start = pos + nl + 2;
            while rest.len() < start + size + 2 {
                fill(&mut rest)?;
            }
            if size == 0 {
                return Ok(HttpRequest { head, body });
            }
            body.extend_from_slice(&rest[start..start + size]);
            pos = start + size + 2;
        }
    }
    let len: usize = match field("content-length:") {
        Some(v) => v.parse().map_err(|_| format!("bad Content-Length {v:?}"))?,
        None => 0,
    };
    if len > MAX_REQUEST_BODY {
        return Err(format!(
            "Content-Length {len} over {MAX_REQUEST_BODY} bytes"
        ));
    }
    while rest.len() < len {
        fill(&mut rest)?;
    }
    rest.truncate(len);
    Ok(HttpRequest { head, body: rest })
}

/// Numbers compare by value (`1` and `1.0` alike, as a library that reads numbers as doubles
/// surfaces them), everything else exactly; object members in any order. `Err` names where
/// they first differ (the kind of the value msgwire read there: the finding's key).
pub fn same_value(want: &Value, got: &Value) -> Result<(), &'static str> {
    fn kind(v: &Value) -> &'static str {
        match v {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }
    match (want, got) {
        (Value::Number(a), Value::Number(b)) => {
            let exact = a == b
                || match (a.as_i64(), b.as_i64(), a.as_u64(), b.as_u64()) {
                    (Some(x), Some(y), _, _) => x == y,
                    (_, _, Some(x), Some(y)) => x == y,
                    _ => false,
                };
            if exact
                || (!(a.is_i64() || a.is_u64()) || !(b.is_i64() || b.is_u64()))
                    && a.as_f64() == b.as_f64()
            {
                Ok(())
            } else {
                Err("number")
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                return Err("array");
            }
            a.iter().zip(b).try_for_each(|(x, y)| same_value(x, y))
        }
        (Value::Object(a), Value::Object(b)) => {
            if a.len() != b.len() || a.keys().any(|k| !b.contains_key(k)) {
                return Err("object");
            }
            a.iter().try_for_each(|(k, x)| same_value(x, &b[k]))
        }
        (a, b) if a == b => Ok(()),
        (a, _) => Err(kind(a)),
    }
}

/// The common verdicts of a client run: a hang, a crash, a broken driver contract, a driver
/// that cannot do the plan (not judged).
pub fn fuzz_driver_verdict(run: &DriverRun) -> Option<crate::live::FuzzVerdict> {
    use crate::live::FuzzVerdict;
    if run.unsupported().is_some() {
        return Some(FuzzVerdict::Skipped);
    }
    if run.killed {
        return Some(FuzzVerdict::Broken(
            "hang",
            format!(
                "the client did not end within the timeout (killed): {}",
                run.summary()
            ),
        ));
    }
    if !run.bad_lines.is_empty() {
        return Some(FuzzVerdict::Broken(
            "driver-contract",
            format!("the driver broke its contract: {}", run.summary()),
        ));
    }
    if run.status != "exit 0" {
        return Some(FuzzVerdict::Broken(
            "crash",
            format!(
                "the client crashed (the driver did not exit 0): {}",
                run.summary()
            ),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_surrogate_in_a_driver_line_reads_as_u_fffd() {
        let lines = parse_lines(vec![
            r#"{"event":"result","value":["\ud800"]}"#.into(),
            r#"{"event":"result","value":"\ud83d\ude00"}"#.into(),
        ]);
        assert_eq!(lines[0].1.as_ref().unwrap()["value"][0], "\u{fffd}");
        assert_eq!(lines[1].1.as_ref().unwrap()["value"], "\u{1f600}");
    }

    #[test]
    fn values_compare_numbers_by_value() {
        use serde_json::json;
        assert!(same_value(&json!([1, {"a": 2.0}]), &json!([1.0, {"a": 2}])).is_ok());
        assert_eq!(
            same_value(&json!({"a": "x"}), &json!({"a": "y"})),
            Err("string")
        );
        assert_eq!(
            same_value(&json!(9007199254740993u64), &json!(9007199254740992u64)),
            Err("number")
        );
        assert_eq!(same_value(&json!([1]), &json!([1, 2])), Err("array"));
    }
}
