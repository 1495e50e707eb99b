//! Live checks of a JSON-RPC 2.0 server, using only msgwire's codec over std I/O.
//!
//! `msgwire check jsonrpc-server http://host:port/path | tcp://host:port | --command 'CMD'`.
//! What a server owes for each input is not written into the cases: it is computed by the
//! codec's server semantics ([`jsonrpc::serve`] + `respond`), with a dispatcher that knows one
//! method, the echo method the user names (`--echo-method`, returning its positional params as
//! an array), and answers `-32601` for everything else. The reply is then compared to it:
//! ids by value (strings after unescaping, numbers by their exact text), errors by code,
//! results by JSON value, batch items in any order.
//!
//! Transports: HTTP (one POST per case and connection; a notification is answered by 204 or
//! an empty 2xx body), TCP with newline-delimited JSON, a child process's stdin/stdout with
//! `ndjson` or LSP `Content-Length` framing (one process per case, killed at the end). On a
//! stream "nothing came back" is shown by a probe: a request sent after the input must get the
//! first reply.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, sync_channel, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use msgwire::jsonrpc::{
    self, framing, Decoder, ErrorObject, Id, Limits, Message, Outcome as RpcOutcome, Payload,
    Profile, Raw, Request, Response, METHOD_NOT_FOUND,
};
use msgwire::Decoded;

use super::http::{self, Endpoint};
use super::{left, Case, Level, Outcome, Trace};

/// Largest reply accepted (over it the server "answered" something we will not buffer).
const MAX_REPLY: usize = 16 << 20;
/// The method no server offers.
const UNKNOWN: &str = "msgwire.check.noSuchMethod";
/// The probe that shows, on a stream, that nothing came back before it.
const PROBE: &str = r#"{"jsonrpc":"2.0","method":"msgwire.check.probe","id":"msgwire-probe"}"#;

/// How messages are delimited on a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// One JSON text per line.
    Ndjson,
    /// LSP: `Content-Length: N\r\n\r\n` then N bytes.
    ContentLength,
}

/// How to reach the server.
#[derive(Debug, Clone)]
pub enum Transport {
    /// POST to an HTTP endpoint.
    Http(Endpoint),
    /// A TCP stream (`host:port`).
    Tcp(String, Framing),
    /// A program's stdin/stdout (run with `sh -c`).
    Command(String, Framing),
}

/// The server to check.
#[derive(Debug, Clone)]
pub struct Target {
    /// How to reach it.
    pub transport: Transport,
    /// A method that returns its positional params as an array (`--echo-method`).
    pub echo: Option<String>,
    /// Bound on every wait.
    pub timeout: Duration,
}

impl Target {
    /// From the command line: a URL (`http://…`, `tcp://host:port`) or a command, the
    /// framing (`ndjson` default, `content-length`), the echo method.
    pub fn new(
        url: Option<&str>,
        command: Option<&str>,
        framing: Option<&str>,
        echo: Option<&str>,
        timeout: Duration,
    ) -> Result<Target, String> {
        let framing = match framing {
            None | Some("ndjson") => Framing::Ndjson,
            Some("content-length") => Framing::ContentLength,
            Some(f) => return Err(format!("unknown framing {f:?} (ndjson, content-length)")),
        };
        let transport = match (url, command) {
            (Some(_), Some(_)) => return Err("give a URL or --command, not both".into()),
            (None, Some(c)) => Transport::Command(c.to_string(), framing),
            (Some(u), None) if u.starts_with("http://") => Transport::Http(Endpoint::parse(u)?),
            (Some(u), None) => match u.strip_prefix("tcp://") {
                Some(a) if !a.is_empty() => Transport::Tcp(a.trim_end_matches('/').into(), framing),
                _ => return Err(format!("not an http:// or tcp:// URL: {u}")),
            },
            (None, None) => {
                return Err(
                    "check jsonrpc-server needs a URL (http://host:port/path, tcp://host:port) or --command"
                        .into(),
                )
            }
        };
        Ok(Target {
            transport,
            echo: echo.map(str::to_string),
            timeout,
        })
    }

    /// For reports.
    pub fn describe(&self) -> String {
        match &self.transport {
            Transport::Http(e) => format!("http://{}{}", e.host, e.path),
            Transport::Tcp(a, f) => format!("tcp://{a} ({f:?})"),
            Transport::Command(c, f) => format!("command {c:?} ({f:?})"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Streams: TCP or a child's pipes, framed, every read bounded by a deadline.

enum Pipe {
    Tcp(TcpStream),
    Child {
        child: Child,
        /// Bytes for stdin, written by a thread: a child that does not read cannot block us
        /// (pipes have no write timeout).
        stdin: Option<Sender<Vec<u8>>>,
        /// Chunks of stdout from a reader thread; an empty chunk is the end.
        rx: Receiver<Vec<u8>>,
    },
}

impl Drop for Pipe {
    fn drop(&mut self) {
        match self {
            Pipe::Tcp(s) => {
                let _ = s.shutdown(std::net::Shutdown::Both);
            }
            Pipe::Child { child, stdin, .. } => {
                drop(stdin.take());
                // The child leads its own process group: end what `sh -c` started too, so that
                // nothing outlives the case.
                // (The shell's builtin `kill`: no procps needed.)
                let _ = Command::new("sh")
                    .args(["-c", &format!("kill -9 -{} 2>/dev/null", child.id())])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status();
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}

enum Got {
    Msg(Vec<u8>),
    Closed,
    Timeout,
    Bad(String),
}

struct Stream<'t> {
    pipe: Pipe,
    framing: Framing,
    buf: Vec<u8>,
    /// Resumes the newline search across reads (a slow server stays linear).
    lines: framing::LineDecoder,
    eof: bool,
    trace: &'t mut Trace,
    timeout: Duration,
}

impl<'t> Stream<'t> {
    fn open(t: &Target, trace: &'t mut Trace) -> Result<Stream<'t>, String> {
        let (pipe, framing) = match &t.transport {
            Transport::Http(_) => unreachable!("HTTP has no stream"),
            Transport::Tcp(addr, framing) => {
                let sa = addr
                    .to_socket_addrs()
                    .map_err(|e| format!("resolve {addr}: {e}"))?
                    .next()
                    .ok_or_else(|| format!("no address for {addr}"))?;
                let s = TcpStream::connect_timeout(&sa, t.timeout)
                    .map_err(|e| format!("connect {sa}: {e}"))?;
                s.set_nodelay(true).ok();
                s.set_write_timeout(Some(t.timeout)).ok();
                (Pipe::Tcp(s), *framing)
            }
            Transport::Command(cmd, framing) => {
                let mut child = Command::new("sh")
                    .args(["-c", cmd])
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::null())
                    .process_group(0)
                    .spawn()
                    .map_err(|e| format!("spawn {cmd:?}: {e}"))?;
                let mut stdout = child.stdout.take().ok_or("no stdout")?;
                let mut w = child.stdin.take().ok_or("no stdin")?;
                let (stdin, to_child) = channel::<Vec<u8>>();
                std::thread::spawn(move || {
                    for bytes in to_child {
                        if w.write_all(&bytes).and_then(|_| w.flush()).is_err() {
                            return;
                        }
                    }
                });
                let stdin = Some(stdin);
                // Bounded queue: a flood waits in the pipe, not in our memory.
                let (tx, rx) = sync_channel::<Vec<u8>>(64);
                std::thread::spawn(move || {
                    let mut chunk = vec![0u8; 64 << 10];
                    loop {
                        match stdout.read(&mut chunk) {
                            Ok(0) | Err(_) => {
                                let _ = tx.send(Vec::new());
                                return;
                            }
                            Ok(n) => {
                                if tx.send(chunk[..n].to_vec()).is_err() {
                                    return;
                                }
                            }
                        }
                    }
                });
                (Pipe::Child { child, stdin, rx }, *framing)
            }
        };
        Ok(Stream {
            pipe,
            framing,
            buf: Vec::new(),
            lines: framing::LineDecoder::default(),
            eof: false,
            trace,
            timeout: t.timeout,
        })
    }

    fn send(&mut self, msg: &[u8]) -> Result<(), String> {
        let mut bytes = Vec::with_capacity(msg.len() + 32);
        match self.framing {
            Framing::Ndjson => framing::encode_line(msg, &mut bytes),
            Framing::ContentLength => framing::encode_content_length(msg, &mut bytes),
        }
        self.trace.log(">", &bytes, preview(msg));
        let r = match &mut self.pipe {
            Pipe::Tcp(s) => s.write_all(&bytes).and_then(|_| s.flush()),
            Pipe::Child { stdin, .. } => match stdin {
                Some(tx) => tx.send(bytes.clone()).map_err(|_| {
                    std::io::Error::new(
                        std::io::ErrorKind::BrokenPipe,
                        "the program's stdin is closed",
                    )
                }),
                None => Ok(()),
            },
        };
        r.map_err(|e| {
            self.trace.log("!", &[], format!("write: {e}"));
            format!("write: {e}")
        })
    }

    /// The next message within `wait`.
    fn recv_within(&mut self, wait: Duration) -> Got {
        let deadline = Instant::now() + wait;
        let limits = Limits::default();
        loop {
            let r = match self.framing {
                Framing::Ndjson => self.lines.decode(&self.buf, &limits),
                Framing::ContentLength => framing::decode_content_length(&self.buf, &limits),
            };
            match r {
                Ok(Decoded::Complete { value, used }) => {
                    let msg = value.to_vec();
                    self.trace.log("<", &self.buf[..used], preview(&msg));
                    self.buf.drain(..used);
                    return Got::Msg(msg);
                }
                Ok(Decoded::NeedMore { .. }) if self.eof => {
                    self.trace.log("!", &self.buf, "closed by the server");
                    return Got::Closed;
                }
                Ok(Decoded::NeedMore { .. }) => {}
                Err(e) => {
                    self.trace.log("!", &self.buf, format!("unframeable: {e}"));
                    return Got::Bad(format!("the server sent bytes that cannot be framed: {e}"));
                }
            }
            if Instant::now() >= deadline {
                self.trace.log("!", &self.buf, "timeout");
                return Got::Timeout;
            }
            match &mut self.pipe {
                Pipe::Tcp(s) => {
                    s.set_read_timeout(Some(left(deadline))).ok();
                    let mut chunk = [0u8; 16 << 10];
                    match s.read(&mut chunk) {
                        Ok(0) => self.eof = true,
                        Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                        Err(e)
                            if matches!(
                                e.kind(),
                                std::io::ErrorKind::WouldBlock
                                    | std::io::ErrorKind::TimedOut
                                    | std::io::ErrorKind::Interrupted
                            ) => {}
                        Err(e) => {
                            self.trace.log("!", &self.buf, format!("socket error: {e}"));
                            return Got::Closed;
                        }
                    }
                }
                Pipe::Child { rx, .. } => match rx.recv_timeout(left(deadline)) {
                    Ok(c) if c.is_empty() => self.eof = true,
                    Ok(c) => self.buf.extend_from_slice(&c),
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => self.eof = true,
                },
            }
        }
    }

    /// The next message that is not a notification from the server (servers such as language
    /// servers send log notifications unprompted: they answer nothing, so they are skipped).
    fn recv(&mut self) -> Got {
        let deadline = Instant::now() + self.timeout;
        for _ in 0..64 {
            match self.recv_within(left(deadline)) {
                Got::Msg(m) if is_notification(&m) => {
                    self.trace
                        .log("!", &[], "a notification from the server: skipped");
                }
                g => return g,
            }
        }
        Got::Bad("the server sent 64 notifications and no reply".into())
    }
}

fn preview(bytes: &[u8]) -> String {
    const MAX: usize = 200;
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(MAX)]);
    let mut s: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if bytes.len() > MAX {
        s.push_str(&format!("… ({} bytes)", bytes.len()));
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Exchanges.

/// What came back for one input.
#[derive(Debug)]
enum Answer {
    /// A body (HTTP status when over HTTP).
    Reply(Vec<u8>, Option<u16>),
    /// HTTP: 204, or a 2xx with an empty body.
    Empty(u16),
    /// HTTP: a non-2xx status without a body.
    Status(u16),
    /// Nothing usable: timeout, close, garbage, connect error.
    Broken(String),
}

fn over_http(ep: &Endpoint, t: &Target, tr: &mut Trace, body: &[u8]) -> Answer {
    match http::post(ep, "application/json", body, t.timeout, MAX_REPLY, tr) {
        Ok(r) => {
            let blank = r.body.iter().all(u8::is_ascii_whitespace);
            if (200..300).contains(&r.status) && blank {
                Answer::Empty(r.status)
            } else if blank {
                Answer::Status(r.status)
            } else {
                Answer::Reply(r.body, Some(r.status))
            }
        }
        Err(e) => Answer::Broken(e.to_string()),
    }
}

fn got_to_answer(g: Got, timeout: Duration) -> Answer {
    match g {
        Got::Msg(m) => Answer::Reply(m, None),
        Got::Closed => Answer::Broken("the server closed the stream without a reply".into()),
        Got::Timeout => Answer::Broken(format!("nothing came within {timeout:?}")),
        Got::Bad(e) => Answer::Broken(e),
    }
}

/// Sends `body`, waits for one reply.
fn exchange(t: &Target, tr: &mut Trace, body: &[u8]) -> Answer {
    match &t.transport {
        Transport::Http(ep) => over_http(ep, t, tr, body),
        _ => {
            let mut s = match Stream::open(t, tr) {
                Ok(s) => s,
                Err(e) => return Answer::Broken(e),
            };
            if let Err(e) = s.send(body) {
                return Answer::Broken(e);
            }
            got_to_answer(s.recv(), t.timeout)
        }
    }
}

/// Sends `body`, waits for one reply, then checks with a probe that the server still answers
/// (same stream; over HTTP a new connection).
fn exchange_then_probe(t: &Target, tr: &mut Trace, body: &[u8]) -> (Answer, Result<(), String>) {
    let check_probe = |a: Answer| match a {
        Answer::Reply(b, _) if reply_to_probe(&b) => Ok(()),
        Answer::Reply(b, _) => Err(format!("the probe got {:?}", preview(&b))),
        Answer::Empty(s) | Answer::Status(s) => Err(format!("the probe got HTTP {s}")),
        Answer::Broken(e) => Err(format!("the probe got no answer: {e}")),
    };
    match &t.transport {
        Transport::Http(ep) => {
            let a = over_http(ep, t, tr, body);
            let p = over_http(ep, t, tr, PROBE.as_bytes());
            (a, check_probe(p))
        }
        _ => {
            let mut s = match Stream::open(t, tr) {
                Ok(s) => s,
                Err(e) => return (Answer::Broken(e), Err("not connected".into())),
            };
            if let Err(e) = s.send(body) {
                return (Answer::Broken(e), Err("not sent".into()));
            }
            let a = got_to_answer(s.recv(), t.timeout);
            let p = match s.send(PROBE.as_bytes()) {
                Ok(()) => s.recv(),
                Err(_) => Got::Closed,
            };
            let p = match p {
                // A TCP server may drop a connection after input it refused (its framing may
                // be lost); it must still serve new connections. A child process must not die.
                Got::Closed if matches!(t.transport, Transport::Tcp(..)) => {
                    drop(s);
                    exchange(t, tr, PROBE.as_bytes())
                }
                g => got_to_answer(g, t.timeout),
            };
            (a, check_probe(p))
        }
    }
}

fn is_notification(body: &[u8]) -> bool {
    matches!(lenient(body), Ok(Payload::Single(Message::Request(r))) if r.id.is_none())
}

fn reply_to_probe(body: &[u8]) -> bool {
    matches!(
        Decoder::new(Profile::Lenient).decode(body),
        Ok(Payload::Single(Message::Response(r))) if r.id.as_str().as_deref() == Some("msgwire-probe")
    )
}

/// The spec owes nothing for `body`: checks that nothing comes back.
fn expect_nothing(t: &Target, tr: &mut Trace, body: &[u8]) -> Outcome {
    match &t.transport {
        Transport::Http(ep) => match over_http(ep, t, tr, body) {
            Answer::Empty(s) => Outcome::Pass(format!("HTTP {s}, no body")),
            Answer::Reply(b, s) => Outcome::Fail(format!(
                "a reply came (HTTP {}): {}",
                s.unwrap_or(0),
                summarize(&b)
            )),
            Answer::Status(s) => {
                Outcome::Fail(format!("HTTP {s}: an error status for input owed no reply"))
            }
            Answer::Broken(e) => Outcome::Fail(e),
        },
        _ => {
            let mut s = match Stream::open(t, tr) {
                Ok(s) => s,
                Err(e) => return Outcome::Fail(e),
            };
            if let Err(e) = s.send(body).and_then(|_| s.send(PROBE.as_bytes())) {
                return Outcome::Fail(e);
            }
            match s.recv() {
                Got::Msg(m) if reply_to_probe(&m) => {
                    Outcome::Pass("nothing came before the probe's reply".into())
                }
                Got::Msg(m) => Outcome::Fail(format!("a reply came: {}", summarize(&m))),
                g => Outcome::Fail(format!(
                    "no reply to the probe sent after it either: {}",
                    match got_to_answer(g, t.timeout) {
                        Answer::Broken(e) => e,
                        _ => String::new(),
                    }
                )),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// What the server owes, and comparing what came with it.

fn dispatch(t: &Target, req: &Request<'_>) -> RpcOutcome<'static> {
    if t.echo.as_deref() == Some(&*req.method) {
        let text = req.params.as_ref().map_or("[]", |p| p.get()).to_string();
        if let Ok(raw) = serde_json::value::RawValue::from_string(text) {
            return RpcOutcome::Result(Raw::from(raw));
        }
    }
    RpcOutcome::Error(ErrorObject::new(METHOD_NOT_FOUND, "Method not found"))
}

/// The exact bytes a conforming server sends for `input` (`None`: nothing).
fn owed(t: &Target, input: &[u8]) -> Option<Vec<u8>> {
    jsonrpc::serve(input).respond(|r| dispatch(t, r))
}

fn lenient(body: &[u8]) -> Result<Payload<'_>, jsonrpc::Error> {
    Decoder {
        limits: Limits {
            max_depth: 1024,
            ..Limits::default()
        },
        profile: Profile::Lenient,
    }
    .decode(body)
}

fn describe_response(r: &Response<'_>) -> String {
    match &r.outcome {
        RpcOutcome::Result(v) => {
            let v = v.get();
            if v.len() > 60 {
                format!("result ({} bytes), id {}", v.len(), r.id.raw())
            } else {
                format!("result {v}, id {}", r.id.raw())
            }
        }
        RpcOutcome::Error(e) => format!("error {} {:?}, id {}", e.code, e.message, r.id.raw()),
    }
}

/// A short account of a reply body.
fn summarize(body: &[u8]) -> String {
    match lenient(body) {
        Ok(Payload::Single(Message::Response(r))) => describe_response(&r),
        Ok(Payload::Single(Message::Request(r))) => format!("a request for {:?}", r.method),
        Ok(Payload::Batch(b)) => {
            let items: Vec<String> = b
                .iter()
                .take(8)
                .map(|m| match m {
                    Ok(Message::Response(r)) => describe_response(&r),
                    Ok(Message::Request(r)) => format!("a request for {:?}", r.method),
                    Err(e) => format!("invalid: {e}"),
                })
                .collect();
            let more = if b.len() > 8 { ", …" } else { "" };
            format!("[{}{more}] ({} items)", items.join("; "), b.len())
        }
        Err(e) => format!("not JSON-RPC 2.0 ({e}): {}", preview(body)),
    }
}

enum Cmp {
    Same,
    NonStrict(String),
    Differ(String),
}

fn compare_response(owed: &Response<'_>, got: &Response<'_>) -> Cmp {
    let outcome = match (&owed.outcome, &got.outcome) {
        (RpcOutcome::Error(e), RpcOutcome::Error(g)) if e.code == g.code => None,
        (RpcOutcome::Result(e), RpcOutcome::Result(g)) => {
            let same = match (
                serde_json::from_str::<serde_json::Value>(e.get()),
                serde_json::from_str::<serde_json::Value>(g.get()),
            ) {
                (Ok(a), Ok(b)) => a == b,
                _ => e.get() == g.get(),
            };
            (!same).then(|| {
                format!(
                    "{}, owed {}",
                    describe_response(got),
                    describe_response(owed)
                )
            })
        }
        _ => Some(format!(
            "{}, owed {}",
            describe_response(got),
            describe_response(owed)
        )),
    };
    if let Some(d) = outcome {
        return Cmp::Differ(d);
    }
    if owed.id.match_key() == got.id.match_key() {
        return Cmp::Same;
    }
    if owed.id == Id::NULL {
        // §5: "If there was an error in detecting the id in the Request object (e.g. Parse
        // error/Invalid Request), it MUST be Null." A server that read the id and echoed it is
        // accepted, not preferred.
        return Cmp::NonStrict(format!(
            "{}: the id was echoed where §5 says null",
            describe_response(got)
        ));
    }
    Cmp::Differ(format!(
        "id {} where the request's id was {}",
        got.id.raw(),
        owed.id.raw()
    ))
}

/// Compares what came with what is owed (`owed` is our own encoding: strictly valid).
fn judge(owed: &[u8], answer: Answer) -> Outcome {
    let (body, status) = match answer {
        Answer::Reply(b, s) => (b, s),
        Answer::Empty(s) => {
            return Outcome::Fail(format!("HTTP {s} with no body; owed {}", summarize(owed)))
        }
        Answer::Status(s) => {
            return Outcome::Fail(format!(
                "HTTP {s} with no JSON-RPC body; owed {}",
                summarize(owed)
            ))
        }
        Answer::Broken(e) => return Outcome::Fail(format!("{e}; owed {}", summarize(owed))),
    };
    let http_note = match status {
        Some(s) if !(200..300).contains(&s) => format!(" (HTTP {s})"),
        _ => String::new(),
    };
    let got = match lenient(&body) {
        Ok(p) => p,
        Err(e) => {
            return Outcome::Fail(format!(
                "the reply is not JSON-RPC 2.0 ({e}){http_note}: {}",
                preview(&body)
            ))
        }
    };
    let Ok(owed_p) = jsonrpc::decode(owed) else {
        return Outcome::Fail("internal: the owed reply does not decode".into());
    };
    let seen = summarize(&body);
    let cmp = match (&owed_p, &got) {
        (Payload::Single(Message::Response(o)), Payload::Single(Message::Response(g))) => {
            compare_response(o, g)
        }
        (Payload::Single(Message::Response(o)), Payload::Batch(b)) if b.len() == 1 => {
            match b.iter().next() {
                Some(Ok(Message::Response(g))) => match compare_response(o, &g) {
                    Cmp::Differ(d) => Cmp::Differ(d),
                    _ => Cmp::NonStrict("one response, but wrapped in an array".into()),
                },
                _ => Cmp::Differ(format!("{seen}; owed {}", summarize(owed))),
            }
        }
        (Payload::Batch(o), Payload::Batch(g)) => compare_batches(o, g),
        (_, Payload::Single(Message::Request(r))) => Cmp::Differ(format!(
            "the server sent a request ({:?}), not a response",
            r.method
        )),
        _ => Cmp::Differ(format!("{seen}; owed {}", summarize(owed))),
    };
    match cmp {
        Cmp::Same => Outcome::Pass(format!("{seen}{http_note}")),
        Cmp::NonStrict(n) => Outcome::NonStrict(format!("{n}{http_note}")),
        Cmp::Differ(d) => Outcome::Fail(format!("{d}{http_note}")),
    }
}

fn compare_batches(owed: &jsonrpc::Batch<'_>, got: &jsonrpc::Batch<'_>) -> Cmp {
    let owed: Vec<Response<'_>> = owed
        .iter()
        .filter_map(|m| match m {
            Ok(Message::Response(r)) => Some(r),
            _ => None,
        })
        .collect();
    let mut used = vec![false; owed.len()];
    let mut notes = Vec::new();
    for (i, item) in got.iter().enumerate() {
        let g = match item {
            Ok(Message::Response(r)) => r,
            Ok(Message::Request(_)) => return Cmp::Differ(format!("item {i} is a request")),
            Err(e) => return Cmp::Differ(format!("item {i} is no response: {e}")),
        };
        // The same id first (responses may come in any order), then any null-id slot.
        let pick = (0..owed.len())
            .filter(|&j| !used[j])
            .map(|j| (j, compare_response(&owed[j], &g)))
            .find(|(_, c)| !matches!(c, Cmp::Differ(_)));
        match pick {
            Some((j, c)) => {
                used[j] = true;
                if let Cmp::NonStrict(n) = c {
                    notes.push(n);
                }
            }
            None => {
                return Cmp::Differ(format!(
                    "item {i} ({}) answers nothing that was owed",
                    describe_response(&g)
                ))
            }
        }
    }
    let missing: Vec<String> = owed
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(r, _)| describe_response(r))
        .collect();
    if !missing.is_empty() {
        return Cmp::Differ(format!(
            "{} of {} owed responses missing: {}",
            missing.len(),
            owed.len(),
            missing.join("; ")
        ));
    }
    match notes.first() {
        Some(n) => Cmp::NonStrict(format!("{n} ({} items)", notes.len())),
        None => Cmp::Same,
    }
}

/// Sends `input` and compares the reply with what the codec's server semantics owe.
fn owed_reply(t: &Target, tr: &mut Trace, input: &[u8]) -> Outcome {
    match owed(t, input) {
        None => expect_nothing(t, tr, input),
        Some(o) => judge(&o, exchange(t, tr, input)),
    }
}

fn with_echo(t: &Target, f: impl FnOnce(&str) -> String) -> Result<String, Outcome> {
    match &t.echo {
        Some(m) => Ok(f(&serde_json::to_string(m).unwrap_or_default())),
        None => Err(Outcome::Unimplemented(
            "needs a method to call: name one with --echo-method".into(),
        )),
    }
}

/// The echo method if named, else the unknown one (a JSON string).
fn some_method(t: &Target) -> String {
    serde_json::to_string(t.echo.as_deref().unwrap_or(UNKNOWN)).unwrap_or_default()
}

fn id_case(t: &Target, tr: &mut Trace, id: &str) -> Outcome {
    let input = format!(r#"{{"jsonrpc":"2.0","method":"{UNKNOWN}","params":[],"id":{id}}}"#);
    owed_reply(t, tr, input.as_bytes())
}

/// A large or deep input: any reply (or a refusal by HTTP status) is fine, silence, a dropped
/// connection or a dead server are not.
fn handled_or_refused(t: &Target, tr: &mut Trace, input: &[u8]) -> Outcome {
    let owed_r = owed(t, input);
    let (a, probe) = exchange_then_probe(t, tr, input);
    let verdict =
        match a {
            Answer::Reply(b, s) => match (lenient(&b), &owed_r) {
                (Ok(_), Some(o)) => match judge(o, Answer::Reply(b.clone(), s)) {
                    Outcome::Pass(p) => Outcome::Pass(format!("as owed: {p}")),
                    _ => Outcome::Pass(format!("refused cleanly: {}", summarize(&b))),
                },
                (Ok(_), None) => Outcome::Pass(summarize(&b)),
                (Err(_), _) if s.is_some_and(|s| (400..600).contains(&s)) => Outcome::Pass(
                    format!("refused with HTTP {}: {}", s.unwrap_or(0), preview(&b)),
                ),
                (Err(e), _) => Outcome::Fail(format!(
                    "the reply is not JSON-RPC 2.0 ({e}): {}",
                    preview(&b)
                )),
            },
            Answer::Status(s) if (400..600).contains(&s) => {
                Outcome::Pass(format!("refused with HTTP {s}"))
            }
            Answer::Status(s) => Outcome::Fail(format!("HTTP {s}, no body")),
            Answer::Empty(s) => Outcome::Fail(format!("HTTP {s} with an empty body for a request")),
            Answer::Broken(e) => Outcome::Fail(e),
        };
    match (verdict, probe) {
        (v, Ok(())) => v,
        (Outcome::Fail(f), Err(p)) => Outcome::Fail(format!("{f}; then {p}")),
        (v, Err(p)) => Outcome::Fail(format!(
            "{}, but then the server stopped answering: {p}",
            match v {
                Outcome::Pass(s) | Outcome::NonStrict(s) | Outcome::Info(s) => s,
                _ => String::new(),
            }
        )),
    }
}

macro_rules! echo_or_return {
    ($t:expr, $f:expr) => {
        match with_echo($t, $f) {
            Ok(s) => s,
            Err(o) => return o,
        }
    };
}

const S4: &str = "JSON-RPC 2.0 §4";
const S41: &str = "JSON-RPC 2.0 §4.1";
const S5: &str = "JSON-RPC 2.0 §5";
const S51: &str = "JSON-RPC 2.0 §5.1";
const S6: &str = "JSON-RPC 2.0 §6";

/// Every case, in report order.
pub fn cases() -> Vec<Case<Target>> {
    vec![
        Case {
            id: "jsonrpc-server/parse-error/invalid-json",
            section: S51,
            requirement: "-32700 Parse error: Invalid JSON was received by the server. (§5: if there was an error in detecting the id, it MUST be Null.)",
            level: Level::Must,
            accepts: "one error object, code -32700, id null",
            run: |t, tr| owed_reply(t, tr, br#"{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]"#),
        },
        Case {
            id: "jsonrpc-server/parse-error/truncated",
            section: S51,
            requirement: "-32700 Parse error: Invalid JSON was received by the server.",
            level: Level::Must,
            accepts: "one error object, code -32700, id null",
            run: |t, tr| owed_reply(t, tr, br#"{"jsonrpc":"2.0","method":"msgwire.check.noSuchMethod","id":1"#),
        },
        Case {
            id: "jsonrpc-server/parse-error/batch",
            section: S6,
            requirement: "rpc call Batch, invalid JSON: <-- {\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32700, \"message\": \"Parse error\"}, \"id\": null}",
            level: Level::Must,
            accepts: "one error object (not an array), code -32700, id null",
            run: |t, tr| owed_reply(t, tr, br#"[{"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"}, {"jsonrpc": "2.0", "method" ]"#),
        },
        Case {
            id: "jsonrpc-server/invalid-request/method-not-string",
            section: S51,
            requirement: "-32600 Invalid Request: The JSON sent is not a valid Request object. (§4: method: A String containing the name of the method to be invoked.)",
            level: Level::Must,
            accepts: "one error object, code -32600, id null",
            run: |t, tr| owed_reply(t, tr, br#"{"jsonrpc": "2.0", "method": 1, "params": "bar"}"#),
        },
        Case {
            id: "jsonrpc-server/invalid-request/no-jsonrpc-member",
            section: S4,
            requirement: "jsonrpc: A String specifying the version of the JSON-RPC protocol. MUST be exactly \"2.0\". A request without it is not a valid Request object (-32600).",
            level: Level::Must,
            accepts: "one error object, code -32600, id null (the id echoed: non-strict)",
            run: |t, tr| {
                let input = format!(r#"{{"method":{},"params":[],"id":1}}"#, some_method(t));
                owed_reply(t, tr, input.as_bytes())
            },
        },
        Case {
            id: "jsonrpc-server/invalid-request/wrong-version",
            section: S4,
            requirement: "jsonrpc: A String specifying the version of the JSON-RPC protocol. MUST be exactly \"2.0\".",
            level: Level::Must,
            accepts: "one error object, code -32600, id null (the id echoed: non-strict)",
            run: |t, tr| {
                let input = format!(r#"{{"jsonrpc":"1.0","method":{},"params":[],"id":1}}"#, some_method(t));
                owed_reply(t, tr, input.as_bytes())
            },
        },
        Case {
            id: "jsonrpc-server/invalid-request/params-not-structured",
            section: "JSON-RPC 2.0 §4.2",
            requirement: "If present, parameters for the rpc call MUST be provided as a Structured value. Either by-position through an Array or by-name through an Object.",
            level: Level::Must,
            accepts: "one error object, code -32600, id null (the id echoed: non-strict)",
            run: |t, tr| {
                let input = format!(r#"{{"jsonrpc":"2.0","method":{},"params":"bar","id":1}}"#, some_method(t));
                owed_reply(t, tr, input.as_bytes())
            },
        },
        Case {
            id: "jsonrpc-server/invalid-request/not-an-object",
            section: S51,
            requirement: "-32600 Invalid Request: The JSON sent is not a valid Request object.",
            level: Level::Must,
            accepts: "one error object, code -32600, id null",
            run: |t, tr| owed_reply(t, tr, b"1"),
        },
        Case {
            id: "jsonrpc-server/invalid-request/id-not-scalar",
            section: S4,
            requirement: "id: An identifier established by the Client that MUST contain a String, Number, or NULL value if included.",
            level: Level::Should,
            accepts: "one error object, code -32600, id null",
            run: |t, tr| {
                let input = format!(r#"{{"jsonrpc":"2.0","method":{},"params":[],"id":{{"a":1}}}}"#, some_method(t));
                owed_reply(t, tr, input.as_bytes())
            },
        },
        Case {
            id: "jsonrpc-server/method/unknown",
            section: S51,
            requirement: "-32601 Method not found: The method does not exist / is not available. (§5: id MUST be the same as the value of the id member in the Request Object.)",
            level: Level::Must,
            accepts: "one error object, code -32601, the request's id",
            run: |t, tr| id_case(t, tr, r#""msgwire-1""#),
        },
        Case {
            id: "jsonrpc-server/batch/empty",
            section: S6,
            requirement: "rpc call with an empty Array: <-- {\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null}",
            level: Level::Must,
            accepts: "one error object (not an array), code -32600, id null; wrapped in an array: non-strict",
            run: |t, tr| owed_reply(t, tr, b"[]"),
        },
        Case {
            id: "jsonrpc-server/batch/one-invalid-item",
            section: S6,
            requirement: "rpc call with an invalid Batch (but not empty): --> [1] <-- [{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null}]",
            level: Level::Must,
            accepts: "an array of one error object, code -32600, id null",
            run: |t, tr| owed_reply(t, tr, b"[1]"),
        },
        Case {
            id: "jsonrpc-server/batch/invalid-items",
            section: S6,
            requirement: "rpc call with invalid Batch: --> [1,2,3] <-- three error objects -32600, id null, in an array.",
            level: Level::Must,
            accepts: "an array of three error objects, code -32600, id null",
            run: |t, tr| owed_reply(t, tr, b"[1,2,3]"),
        },
        Case {
            id: "jsonrpc-server/batch/mixed",
            section: S6,
            requirement: "The Server should respond with an Array containing the corresponding Response objects, after all of the batch Request objects have been processed. A Response object SHOULD exist for each Request object, except that there SHOULD NOT be any Response objects for notifications.",
            level: Level::Must,
            accepts: "an array: the calls' responses by id (any order), -32600 for the invalid item, nothing for the notification",
            run: |t, tr| {
                let echo = t.echo.as_deref().map(|m| serde_json::to_string(m).unwrap_or_default());
                let mut items = vec![
                    format!(r#"{{"jsonrpc":"2.0","method":"{UNKNOWN}","params":[1,2,4],"id":"1"}}"#),
                    format!(r#"{{"jsonrpc":"2.0","method":"{UNKNOWN}","params":[7]}}"#),
                    r#"{"foo":"boo"}"#.to_string(),
                    format!(r#"{{"jsonrpc":"2.0","method":"{UNKNOWN}","params":{{"name":"myself"}},"id":"5"}}"#),
                ];
                if let Some(m) = echo {
                    items.push(format!(r#"{{"jsonrpc":"2.0","method":{m},"params":["get_data",42],"id":"9"}}"#));
                    items.push(format!(r#"{{"jsonrpc":"2.0","method":{m},"params":[1]}}"#));
                }
                owed_reply(t, tr, format!("[{}]", items.join(",")).as_bytes())
            },
        },
        Case {
            id: "jsonrpc-server/batch/notifications-only",
            section: S6,
            requirement: "If there are no Response objects contained within the Response array as it is to be sent to the client, the server MUST NOT return an empty Array and should return nothing at all.",
            level: Level::Must,
            accepts: "nothing (HTTP: 204, or a 2xx with an empty body)",
            run: |t, tr| owed_reply(t, tr, format!(r#"[{{"jsonrpc":"2.0","method":"{UNKNOWN}","params":[1,2,4]}},{{"jsonrpc":"2.0","method":"{UNKNOWN}","params":[7]}}]"#).as_bytes()),
        },
        Case {
            id: "jsonrpc-server/notification/unknown-method",
            section: S41,
            requirement: "The Server MUST NOT reply to a Notification, including those that are within a batch request. Notifications are not confirmable by definition, since they do not have a Response object to be returned. As such, the Client would not be aware of any errors (like e.g. \"Invalid params\",\"Internal error\").",
            level: Level::Must,
            accepts: "nothing (HTTP: 204, or a 2xx with an empty body)",
            run: |t, tr| owed_reply(t, tr, format!(r#"{{"jsonrpc":"2.0","method":"{UNKNOWN}","params":[1]}}"#).as_bytes()),
        },
        Case {
            id: "jsonrpc-server/notification/known-method",
            section: S41,
            requirement: "The Server MUST NOT reply to a Notification.",
            level: Level::Must,
            accepts: "nothing (HTTP: 204, or a 2xx with an empty body)",
            run: |t, tr| {
                let input = echo_or_return!(t, |m| format!(r#"{{"jsonrpc":"2.0","method":{m},"params":[1]}}"#));
                owed_reply(t, tr, input.as_bytes())
            },
        },
        Case {
            id: "jsonrpc-server/id/string",
            section: S5,
            requirement: "id: This member is REQUIRED. It MUST be the same as the value of the id member in the Request Object.",
            level: Level::Must,
            accepts: "error -32601 with id \"msgwire-7\"",
            run: |t, tr| id_case(t, tr, r#""msgwire-7""#),
        },
        Case {
            id: "jsonrpc-server/id/string-escapes",
            section: S5,
            requirement: "id: It MUST be the same as the value of the id member in the Request Object.",
            level: Level::Must,
            accepts: "error -32601 with the same string id (escapes may differ)",
            run: |t, tr| id_case(t, tr, r#""q\"\\\/\u00e9\ud83d\ude00\n""#),
        },
        Case {
            id: "jsonrpc-server/id/empty-string",
            section: S5,
            requirement: "id: It MUST be the same as the value of the id member in the Request Object.",
            level: Level::Must,
            accepts: "error -32601 with id \"\"",
            run: |t, tr| id_case(t, tr, r#""""#),
        },
        Case {
            id: "jsonrpc-server/id/integer",
            section: S5,
            requirement: "id: It MUST be the same as the value of the id member in the Request Object.",
            level: Level::Must,
            accepts: "error -32601 with id 42",
            run: |t, tr| id_case(t, tr, "42"),
        },
        Case {
            id: "jsonrpc-server/id/zero",
            section: S5,
            requirement: "id: It MUST be the same as the value of the id member in the Request Object.",
            level: Level::Must,
            accepts: "error -32601 with id 0",
            run: |t, tr| id_case(t, tr, "0"),
        },
        Case {
            id: "jsonrpc-server/id/negative",
            section: S5,
            requirement: "id: It MUST be the same as the value of the id member in the Request Object.",
            level: Level::Must,
            accepts: "error -32601 with id -7",
            run: |t, tr| id_case(t, tr, "-7"),
        },
        Case {
            id: "jsonrpc-server/id/null",
            section: S4,
            requirement: "id: MUST contain a String, Number, or NULL value if included. If it is not included it is assumed to be a notification. (A request with id null is a request, though discouraged, and is answered.)",
            level: Level::Must,
            accepts: "error -32601 with id null",
            run: |t, tr| id_case(t, tr, "null"),
        },
        Case {
            id: "jsonrpc-server/id/beyond-2-53",
            section: S5,
            requirement: "id: It MUST be the same as the value of the id member in the Request Object. (9007199254740993 is not exact in an IEEE double.)",
            level: Level::Should,
            accepts: "error -32601 with id 9007199254740993",
            run: |t, tr| id_case(t, tr, "9007199254740993"),
        },
        Case {
            id: "jsonrpc-server/id/fractional",
            section: S4,
            requirement: "Numbers SHOULD NOT contain fractional parts. (What the server does with id 1.5 is reported.)",
            level: Level::Should,
            accepts: "anything: informational",
            run: |t, tr| {
                let input = format!(r#"{{"jsonrpc":"2.0","method":"{UNKNOWN}","params":[],"id":1.5}}"#);
                match exchange(t, tr, input.as_bytes()) {
                    Answer::Reply(b, _) => Outcome::Info(summarize(&b)),
                    Answer::Empty(s) | Answer::Status(s) => Outcome::Info(format!("HTTP {s}, no body")),
                    Answer::Broken(e) => Outcome::Info(e),
                }
            },
        },
        Case {
            id: "jsonrpc-server/echo/types",
            section: "JSON-RPC 2.0 §4.2, §5",
            requirement: "result: This member is REQUIRED on success. The value of this member is determined by the method invoked on the Server. (The echo method returns its params: every JSON type must survive.)",
            level: Level::Must,
            accepts: "the params array as the result, equal as JSON values",
            run: |t, tr| {
                let input = echo_or_return!(t, |m| format!(
                    r#"{{"jsonrpc":"2.0","method":{m},"params":[0,-1,2147483648,1.5,-2.5e-3,"","a\"b\\c\u00e9\ud83d\ude00",true,false,null,[],{{}},[1,[2,[3]]],{{"k":{{"v":[null]}}}}],"id":"echo-1"}}"#
                ));
                owed_reply(t, tr, input.as_bytes())
            },
        },
        Case {
            id: "jsonrpc-server/limits/large-params",
            section: "JSON-RPC 2.0 §4, §5.1",
            requirement: "A large request (a 1 MiB string) is handled, or refused with an error object (-32600/-32603 or an implementation-defined code) or an HTTP error status; the server answers and survives.",
            level: Level::Must,
            accepts: "the reply owed, an error object, or HTTP 4xx/5xx; then a probe is answered",
            run: |t, tr| {
                let big = "x".repeat(1 << 20);
                let m = some_method(t);
                let input = format!(r#"{{"jsonrpc":"2.0","method":{m},"params":["{big}"],"id":"big"}}"#);
                handled_or_refused(t, tr, input.as_bytes())
            },
        },
        Case {
            id: "jsonrpc-server/limits/deep-nesting",
            section: "JSON-RPC 2.0 §5.1; RFC 8259 §9",
            requirement: "An implementation may set limits on the maximum depth of nesting (RFC 8259 §9). Params nested 100 000 deep are handled or refused with an error object or an HTTP error status; the server answers and survives.",
            level: Level::Must,
            accepts: "a reply (any error object, or the result), or HTTP 4xx/5xx; then a probe is answered",
            run: |t, tr| {
                let depth = 100_000;
                let m = some_method(t);
                let input = format!(
                    r#"{{"jsonrpc":"2.0","method":{m},"params":[{}{}],"id":"deep"}}"#,
                    "[".repeat(depth),
                    "]".repeat(depth)
                );
                handled_or_refused(t, tr, input.as_bytes())
            },
        },
        Case {
            id: "jsonrpc-server/limits/large-batch",
            section: S6,
            requirement: "A batch of 1000 calls gets 1000 responses, or is refused with an error object or an HTTP error status; the server survives.",
            level: Level::Should,
            accepts: "1000 responses matched by id; a refusal: non-strict",
            run: |t, tr| {
                let items: Vec<String> = (0..1000)
                    .map(|i| format!(r#"{{"jsonrpc":"2.0","method":"{UNKNOWN}","id":{i}}}"#))
                    .collect();
                let input = format!("[{}]", items.join(","));
                match owed_reply(t, tr, input.as_bytes()) {
                    Outcome::Fail(f) => match handled_or_refused(t, tr, input.as_bytes()) {
                        Outcome::Pass(p) => Outcome::NonStrict(format!("{p} (not answered item by item: {f})")),
                        o => o,
                    },
                    o => o,
                }
            },
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(echo: Option<&str>) -> Target {
        Target::new(
            Some("tcp://127.0.0.1:1"),
            None,
            None,
            echo,
            Duration::from_secs(1),
        )
        .unwrap()
    }

    #[test]
    fn targets_parse() {
        let t = Target::new(
            Some("http://h:8/rpc"),
            None,
            None,
            None,
            Duration::from_secs(1),
        )
        .unwrap();
        assert!(matches!(t.transport, Transport::Http(ref e) if e.path == "/rpc"));
        let t = Target::new(
            None,
            Some("cat"),
            Some("content-length"),
            None,
            Duration::from_secs(1),
        )
        .unwrap();
        assert!(matches!(
            t.transport,
            Transport::Command(_, Framing::ContentLength)
        ));
        assert!(Target::new(None, None, None, None, Duration::from_secs(1)).is_err());
        assert!(Target::new(Some("ftp://x"), None, None, None, Duration::from_secs(1)).is_err());
        assert!(Target::new(None, Some("x"), Some("xml"), None, Duration::from_secs(1)).is_err());
    }

    #[test]
    fn the_owed_replies_follow_the_spec() {
        let t = target(Some("echo"));
        assert_eq!(
            owed(&t, b"[]").unwrap(),
            br#"{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request"},"id":null}"#
        );
        assert!(owed(&t, br#"{"jsonrpc":"2.0","method":"x"}"#).is_none());
        assert_eq!(
            owed(
                &t,
                br#"{"jsonrpc":"2.0","method":"echo","params":[1,"a"],"id":3}"#
            )
            .unwrap(),
            br#"{"jsonrpc":"2.0","result":[1,"a"],"id":3}"#
        );
    }

    #[test]
    fn judging_compares_ids_codes_and_order() {
        let owed_b = br#"[{"jsonrpc":"2.0","error":{"code":-32601,"message":"m"},"id":"1"},{"jsonrpc":"2.0","error":{"code":-32600,"message":"m"},"id":null}]"#;
        let reply = |s: &str| Answer::Reply(s.as_bytes().to_vec(), None);
        // Any order, other messages.
        let got = r#"[{"jsonrpc":"2.0","error":{"code":-32600,"message":"x"},"id":null},{"jsonrpc":"2.0","error":{"code":-32601,"message":"y"},"id":"1"}]"#;
        assert!(matches!(judge(owed_b, reply(got)), Outcome::Pass(_)));
        // One object where an array is owed.
        let got = r#"{"jsonrpc":"2.0","error":{"code":-32600,"message":"x"},"id":null}"#;
        assert!(matches!(judge(owed_b, reply(got)), Outcome::Fail(_)));
        // A missing item.
        let got = r#"[{"jsonrpc":"2.0","error":{"code":-32601,"message":"y"},"id":"1"}]"#;
        assert!(matches!(judge(owed_b, reply(got)), Outcome::Fail(f) if f.contains("missing")));
        let single =
            br#"{"jsonrpc":"2.0","error":{"code":-32601,"message":"m"},"id":9007199254740993}"#;
        let got =
            r#"{"jsonrpc":"2.0","error":{"code":-32601,"message":"m"},"id":9007199254740992}"#;
        assert!(matches!(judge(single, reply(got)), Outcome::Fail(_)));
        let got =
            r#"{"jsonrpc":"2.0","error":{"code":-32603,"message":"m"},"id":9007199254740993}"#;
        assert!(matches!(judge(single, reply(got)), Outcome::Fail(_)));
        // An invalid request answered with its id echoed: non-strict.
        let null = br#"{"jsonrpc":"2.0","error":{"code":-32600,"message":"m"},"id":null}"#;
        let got = r#"{"jsonrpc":"2.0","error":{"code":-32600,"message":"m"},"id":1}"#;
        assert!(matches!(judge(null, reply(got)), Outcome::NonStrict(_)));
        // Escapes in a string id do not matter.
        let s = br#"{"jsonrpc":"2.0","error":{"code":-32601,"message":"m"},"id":"\u00e9"}"#;
        let got =
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"m\"},\"id\":\"\u{e9}\"}";
        assert!(matches!(judge(s, reply(got)), Outcome::Pass(_)));
        assert!(matches!(judge(s, Answer::Empty(204)), Outcome::Fail(_)));
    }
}
