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
    self, framing, Decoder, ErrorCode, ErrorObject, Id, IdKind, Limits, Message,
    Outcome as RpcOutcome, Payload, Profile, Raw, Request, Response,
};
use msgwire::Decoded;

use super::http::{self, Endpoint};
use super::{left, Case, Level, Outcome, Trace};

pub use super::FuzzVerdict;

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
        let t = Target {
            transport,
            echo: echo.map(str::to_string),
            timeout,
        };
        t.probe()?;
        Ok(t)
    }

    /// Whether the target can be reached at all: a connection to an HTTP or TCP target, or,
    /// for a command, a start that does not end at once (a command that exits within 0.5 s). An unreachable
    /// target or a command that cannot start is one error (exit 2), not every case "failed".
    pub fn probe(&self) -> Result<(), String> {
        let addr = match &self.transport {
            Transport::Http(e) => &e.addr,
            Transport::Tcp(a, _) => a,
            Transport::Command(cmd, _) => return start_probe(cmd, self.timeout),
        };
        let unreachable = |e: String| format!("cannot connect to {}: {e}", self.describe());
        let sa = addr
            .to_socket_addrs()
            .map_err(|e| unreachable(e.to_string()))?
            .next()
            .ok_or_else(|| unreachable("no address".into()))?;
        TcpStream::connect_timeout(&sa, self.timeout)
            .map(drop)
            .map_err(|e| unreachable(e.to_string()))
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

/// How long a command must stay up, its stdin open and nothing sent, to count as started.
const START_GRACE: Duration = Duration::from_millis(500);

/// Starts `cmd` once as the cases will (`sh -c`, stdin open, nothing sent): if it ends within
/// [`START_GRACE`] (or the timeout, if shorter), it cannot serve, and the error quotes its exit
/// status and the end of its stderr. Then it is stopped, with everything it started.
fn start_probe(cmd: &str, timeout: Duration) -> Result<(), String> {
    let mut child = Command::new("sh")
        .args(["-c", cmd])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
    let stdin = child.stdin.take();
    let mut stderr = child.stderr.take();
    let (tx, rx) = channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(e) = stderr.as_mut() {
            let _ = e.take(64 << 10).read_to_end(&mut buf);
        }
        let _ = tx.send(buf);
    });
    let deadline = Instant::now() + START_GRACE.min(timeout);
    let ended = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            _ => break None,
        }
    };
    drop(stdin);
    let _ = Command::new("sh")
        .args(["-c", &format!("kill -9 -{} 2>/dev/null", child.id())])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let _ = child.kill();
    let _ = child.wait();
    match ended {
        None => Ok(()),
        Some(status) => {
            let err = rx
                .recv_timeout(Duration::from_millis(200))
                .unwrap_or_default();
            let text = String::from_utf8_lossy(&err);
            let tail: Vec<&str> = text.lines().rev().take(3).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            Err(format!(
                "cannot start {cmd:?}: it ended at once ({status}){}",
                if tail.is_empty() {
                    String::new()
                } else {
                    format!(": {}", tail.join(" / "))
                }
            ))
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
            let first = s.recv();
            let a_response = matches!(&first, Got::Msg(m) if matches!(
                lenient(m),
                Ok(Payload::Single(Message::Response(_)) | Payload::Batch(_))
            ));
            if a_response && s.send(PROBE.as_bytes()).is_ok() {
                // One reply, exactly once: on a stream nothing but the probe's reply may come
                // next. (No reply to the probe, or a close, is not this case's concern.)
                if let Got::Msg(m) = s.recv() {
                    if !reply_to_probe(&m) {
                        return Answer::Broken(format!(
                            "a second message came after the reply (one response per request, exactly once): {}",
                            summarize(&m)
                        ));
                    }
                }
            }
            got_to_answer(first, t.timeout)
        }
    }
}

/// Sends `body`, waits for one reply, then checks with a probe that the server still answers
/// (same stream; over HTTP a new connection).
fn exchange_then_probe(t: &Target, tr: &mut Trace, body: &[u8]) -> (Answer, Result<(), String>) {
    let http = matches!(t.transport, Transport::Http(_));
    let check_probe = |a: Answer| match a {
        Answer::Reply(b, _) if reply_to_probe(&b) => Ok(()),
        // Over HTTP the probe has a connection of its own, so any JSON-RPC answer to it shows a
        // server that still serves, even one whose error lacks the id §5 asks for (that fault
        // is judged by the cases about ids, not taken for a dead server).
        Answer::Reply(b, _) if http && answers_json_rpc(&b) => Ok(()),
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

/// A JSON object with `result` or `error`: an answer from a JSON-RPC layer, however faulty.
fn answers_json_rpc(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            v.as_object()
                .map(|o| o.contains_key("result") || o.contains_key("error"))
        })
        .unwrap_or(false)
}

fn reply_to_probe(body: &[u8]) -> bool {
    matches!(
        Decoder::new(Profile::Lenient).decode_whole(body),
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

/// Limits for everything the suite decodes (the owed reply, the server's reply): at least as
/// generous as anything a case sends (params 100 000 levels deep, a 1 MiB string, a batch of
/// 1000 calls), so that our own decoder never refuses a correct reply. Depth is checked in one
/// linear pass and nested values are skipped with an explicit stack: nothing recurses.
fn generous() -> Limits {
    Limits {
        max_message: MAX_REPLY,
        max_depth: 1 << 20,
        max_batch: 1 << 20,
        ..Limits::default()
    }
}

fn dispatch(t: &Target, req: &Request<'_>) -> RpcOutcome<'static> {
    if t.echo.as_deref() == Some(&*req.method) {
        let text = req.params.as_ref().map_or("[]", |p| p.get()).to_string();
        if let Ok(raw) = serde_json::value::RawValue::from_string(text) {
            return RpcOutcome::Result(Raw::from(raw));
        }
    }
    RpcOutcome::Error(ErrorObject::new(
        ErrorCode::METHOD_NOT_FOUND,
        "Method not found",
    ))
}

/// The exact bytes a conforming server sends for `input` (`None`: nothing), computed by the
/// codec's server semantics under the strict profile and [`generous`] limits.
fn owed(t: &Target, input: &[u8]) -> Option<Vec<u8>> {
    Decoder {
        limits: generous(),
        profile: Profile::Strict,
    }
    .serve(input)
    .respond(|r| dispatch(t, r))
}

/// Reads a reply. The lenient profile tolerates only what the spec leaves open for a response
/// (members it does not define, duplicate names, fractional numbers); every MUST of §5 and
/// §5.1 is still enforced: `jsonrpc` exactly "2.0", exactly one of `result` and `error`, `id`
/// present, `error` an object with an integer `code` and a string `message`.
fn lenient(body: &[u8]) -> Result<Payload<'_>, jsonrpc::Error> {
    Decoder {
        limits: generous(),
        profile: Profile::Lenient,
    }
    .decode_whole(body)
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

/// Whether two JSON texts are the same value (numbers by value, objects as maps). Past
/// serde_json's recursion limit (128 levels) the texts are compared with the whitespace
/// outside strings removed: a deep echo is judged, never refused.
fn same_json(a: &str, b: &str) -> bool {
    use serde_json::Value;
    match (
        serde_json::from_str::<Value>(a),
        serde_json::from_str::<Value>(b),
    ) {
        (Ok(x), Ok(y)) => x == y,
        _ => minify(a) == minify(b),
    }
}

/// `text` without the JSON whitespace outside strings.
fn minify(text: &str) -> String {
    let (mut out, mut in_str, mut escaped) = (String::with_capacity(text.len()), false, false);
    for c in text.chars() {
        if in_str {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_str = false,
                _ => {}
            }
        } else if !matches!(c, ' ' | '\t' | '\n' | '\r') {
            in_str = c == '"';
            out.push(c);
        }
    }
    out
}

/// The ids a server could read in the invalid objects of `input` (the object sent, or the
/// invalid items of a batch): the id member of an object that is not a valid Request, when
/// it is a string, a number or null. Only these may be echoed where null is owed.
fn readable_ids(input: &[u8]) -> Vec<Id<'static>> {
    let decoder = Decoder {
        limits: generous(),
        profile: Profile::Strict,
    };
    let readable = |m: Result<Message<'_>, jsonrpc::Error>| match m {
        Err(jsonrpc::Error::Invalid { id: Some(id), .. }) => Some(id),
        Ok(Message::Response(r)) => Some(r.id.into_owned()),
        _ => None,
    };
    match decoder.decode_whole(input) {
        Ok(Payload::Batch(b)) => b.iter().filter_map(readable).collect(),
        Ok(Payload::Single(m)) => readable(Ok(m)).into_iter().collect(),
        Err(e) => readable(Err(e)).into_iter().collect(),
    }
}

enum Cmp {
    /// As owed (with a note when one of two readings of the spec was taken).
    Same(Option<String>),
    /// Not as owed: what kind of difference (the key of a `wrong-reply` signature, see
    /// [`judge_keyed`]) and what it is.
    Differ(String, String),
}

/// What makes two ids the same for §5's "MUST be the same as the value of the id member":
/// strings by value (escapes resolved), numbers by their exact decimal value (`0`, `-0`, `0e0`
/// and `0.0` are one value, as they are to every JSON reader; `9007199254740993` and
/// `9007199254740992` are two), null.
fn id_key(id: &Id<'_>) -> (IdKind, String) {
    let (kind, text) = id.match_key();
    if kind != IdKind::Number {
        return (kind, text.into_owned());
    }
    (
        kind,
        decimal_key(&text).unwrap_or_else(|| text.into_owned()),
    )
}

/// A JSON number's exact value as `<sign><digits>e<exponent>`, digits without leading or
/// trailing zeros (`0` for every zero); `None` if `text` is no JSON number.
fn decimal_key(text: &str) -> Option<String> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    let (mantissa, exp) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], rest[i + 1..].parse::<i64>().ok()?),
        None => (rest, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let all = format!("{int}{frac}");
    let digits = all.trim_start_matches('0');
    let trimmed = digits.trim_end_matches('0');
    if trimmed.is_empty() {
        return Some("0".into());
    }
    let exponent = exp - frac.len() as i64 + (digits.len() - trimmed.len()) as i64;
    Some(format!(
        "{}{trimmed}e{exponent}",
        if negative { "-" } else { "" }
    ))
}

fn compare_response(owed: &Response<'_>, got: &Response<'_>, readable: &[Id<'_>]) -> Cmp {
    let key = match (&owed.outcome, &got.outcome) {
        (RpcOutcome::Error(e), RpcOutcome::Error(g)) if e.code == g.code => None,
        (RpcOutcome::Error(e), RpcOutcome::Error(g)) => {
            Some(format!("code:{}->{}", e.code, g.code))
        }
        (RpcOutcome::Error(e), RpcOutcome::Result(_)) => {
            Some(format!("result-for-error:{}", e.code))
        }
        (RpcOutcome::Result(_), RpcOutcome::Error(g)) => {
            Some(format!("error-for-result:{}", g.code))
        }
        (RpcOutcome::Result(e), RpcOutcome::Result(g)) => {
            (!same_json(e.get(), g.get())).then(|| "result".to_string())
        }
    };
    if let Some(key) = key {
        return Cmp::Differ(
            key,
            format!(
                "{}, owed {}",
                describe_response(got),
                describe_response(owed)
            ),
        );
    }
    if id_key(&owed.id) == id_key(&got.id) {
        return Cmp::Same(None);
    }
    if owed.id == Id::NULL && readable.iter().any(|r| id_key(r) == id_key(&got.id)) {
        // §5 has two rules that meet on an invalid request whose id is readable: "It MUST be
        // the same as the value of the id member in the Request Object" and "If there was an
        // error in detecting the id in the Request object (e.g. Parse error/Invalid Request),
        // it MUST be Null". The id was detected, so echoing it meets the first; null meets the
        // second. Either passes; any other id fails.
        return Cmp::Same(Some(format!(
            "{}: the readable id echoed (§5 allows it or null)",
            describe_response(got)
        )));
    }
    Cmp::Differ("id".into(), format!(
        "id {} where the request's id was {} (§5: \"It MUST be the same as the value of the id member in the Request Object\"{})",
        got.id.raw(),
        owed.id.raw(),
        if owed.id == Id::NULL {
            "; an unreadable id \"MUST be Null\""
        } else {
            ""
        }
    ))
}

/// Compares what came for `input` with what is owed (`owed` is our own encoding: strictly
/// valid): the whole reply, every response exactly once.
fn judge(input: &[u8], owed: &[u8], answer: Answer) -> Outcome {
    judge_keyed(input, owed, answer).0
}

/// [`judge`], and when the reply is wrong, what kind of wrong (the key of a `wrong-reply`
/// signature, so that a baseline listing one kind does not hide the others): `http-5xx` (a
/// status with no JSON-RPC body), `empty` (a bodiless 2xx), `broken`, `not-json-rpc`,
/// `code:<owed>-><got>`, `result-for-error:<owed code>`, `error-for-result:<got code>`, `result`
/// (another value), `id`, `array-for-object`, `object-for-array`, `batch`, `request`, `other`.
fn judge_keyed(input: &[u8], owed: &[u8], answer: Answer) -> (Outcome, Option<String>) {
    let fail = |key: String, d: String| (Outcome::Fail(d), Some(key));
    let (body, status) = match answer {
        Answer::Reply(b, s) => (b, s),
        Answer::Empty(s) => {
            return fail(
                "empty".into(),
                format!("HTTP {s} with no body; owed {}", summarize(owed)),
            )
        }
        Answer::Status(s) => {
            return fail(
                format!("http-{}xx", s / 100),
                format!("HTTP {s} with no JSON-RPC body; owed {}", summarize(owed)),
            )
        }
        Answer::Broken(e) => {
            return fail("broken".into(), format!("{e}; owed {}", summarize(owed)))
        }
    };
    let http_note = match status {
        Some(s) if !(200..300).contains(&s) => format!(" (HTTP {s})"),
        _ => String::new(),
    };
    let got = match lenient(&body) {
        Ok(p) => p,
        Err(e) => {
            return fail(
                "not-json-rpc".into(),
                format!(
                    "the reply is not JSON-RPC 2.0 ({e}){http_note}: {}",
                    preview(&body)
                ),
            )
        }
    };
    let Ok(owed_p) = lenient(owed) else {
        return fail(
            "other".into(),
            "internal: the owed reply does not decode".into(),
        );
    };
    let readable = readable_ids(input);
    let seen = summarize(&body);
    let cmp = match (&owed_p, &got) {
        (Payload::Single(Message::Response(o)), Payload::Single(Message::Response(g))) => {
            compare_response(o, g, &readable)
        }
        (Payload::Single(Message::Response(o)), Payload::Batch(_)) => Cmp::Differ("array-for-object".into(), format!(
            "an array came ({seen}) where one Response object is owed ({}): §5 \"The Response is expressed as a single JSON Object\"",
            describe_response(o)
        )),
        (Payload::Batch(o), Payload::Batch(g)) => compare_batches(o, g, &readable),
        (Payload::Batch(o), Payload::Single(Message::Response(_))) => Cmp::Differ("object-for-array".into(), format!(
            "one object came ({seen}) where an array of {} responses is owed",
            o.len()
        )),
        (_, Payload::Single(Message::Request(r))) => Cmp::Differ("request".into(), format!(
            "the server sent a request ({:?}), not a response",
            r.method
        )),
        _ => Cmp::Differ("other".into(), format!("{seen}; owed {}", summarize(owed))),
    };
    match cmp {
        Cmp::Same(None) => (Outcome::Pass(format!("{seen}{http_note}")), None),
        Cmp::Same(Some(n)) => (Outcome::Pass(format!("{n}{http_note}")), None),
        Cmp::Differ(key, d) => fail(key, format!("{d}{http_note}")),
    }
}

/// Every owed response exactly once, in any order (§6 "MAY be returned in any order"), and
/// nothing else.
fn compare_batches(
    owed: &jsonrpc::Batch<'_>,
    got: &jsonrpc::Batch<'_>,
    readable: &[Id<'_>],
) -> Cmp {
    let owed: Vec<Response<'_>> = owed
        .iter()
        .filter_map(|m| match m {
            Ok(Message::Response(r)) => Some(r),
            _ => None,
        })
        .collect();
    let mut used = vec![false; owed.len()];
    // Owed responses by id, so that a 1000-item batch is matched in linear time.
    let mut by_id: std::collections::HashMap<_, Vec<usize>> = std::collections::HashMap::new();
    for (j, r) in owed.iter().enumerate() {
        by_id.entry(id_key(&r.id)).or_default().push(j);
    }
    let mut notes = Vec::new();
    for (i, item) in got.iter().enumerate() {
        let g = match item {
            Ok(Message::Response(r)) => r,
            Ok(Message::Request(_)) => {
                return Cmp::Differ("batch".into(), format!("item {i} is a request"))
            }
            Err(e) => return Cmp::Differ("batch".into(), format!("item {i} is no response: {e}")),
        };
        // The same id first (responses may come in any order), then a null-id slot (an invalid
        // item whose readable id was echoed).
        let same_id = by_id.get(&id_key(&g.id)).cloned().unwrap_or_default();
        let nulls = by_id.get(&id_key(&Id::NULL)).cloned().unwrap_or_default();
        let pick = same_id
            .into_iter()
            .chain(nulls)
            .filter(|&j| !used[j])
            .map(|j| (j, compare_response(&owed[j], &g, readable)))
            .find(|(_, c)| matches!(c, Cmp::Same(_)));
        match pick {
            Some((j, c)) => {
                used[j] = true;
                if let Cmp::Same(Some(n)) = c {
                    notes.push(n);
                }
            }
            None => {
                let again = owed
                    .iter()
                    .zip(&used)
                    .any(|(o, u)| *u && id_key(&o.id) == id_key(&g.id));
                return Cmp::Differ(
                    "batch".into(),
                    format!(
                        "item {i} ({}) {}",
                        describe_response(&g),
                        if again {
                            "answers a request a second time (one response per request id, exactly once)"
                        } else {
                            "answers nothing that was owed"
                        }
                    ),
                );
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
        let shown: Vec<&str> = missing.iter().take(5).map(String::as_str).collect();
        return Cmp::Differ("batch".into(), format!(
            "{} of {} owed responses missing (§5: \"When a rpc call is made, the Server MUST reply with a Response\"): {}{}",
            missing.len(),
            owed.len(),
            shown.join("; "),
            if missing.len() > 5 { "; …" } else { "" }
        ));
    }
    Cmp::Same(
        notes
            .first()
            .map(|n| format!("{n} ({} items)", notes.len())),
    )
}

/// The named deviation of Python's JSON-RPC libraries (see `DEVIATIONS`).
const BATCH_ONE_ERROR: &str = "python-jsonrpc/batch-one-error";

/// A batch holding invalid items (`owed_reply`), where one `-32600` object with id null for
/// the whole batch is the named deviation [`BATCH_ONE_ERROR`]: failed unless accepted.
fn batch_with_invalid_items(t: &Target, tr: &mut Trace, input: &[u8]) -> Outcome {
    let Some(o) = owed(t, input) else {
        return expect_nothing(t, tr, input);
    };
    let answer = exchange(t, tr, input);
    let one_error = matches!(&answer, Answer::Reply(b, _) if matches!(
        lenient(b),
        Ok(Payload::Single(Message::Response(r)))
            if r.id == Id::NULL
                && matches!(&r.outcome, RpcOutcome::Error(e) if e.code == ErrorCode::INVALID_REQUEST.0)
    ));
    match judge(input, &o, answer) {
        Outcome::Fail(f) if one_error => Outcome::Deviation(BATCH_ONE_ERROR, f),
        v => v,
    }
}

/// Sends `input` and compares the reply with what the codec's server semantics owe.
fn owed_reply(t: &Target, tr: &mut Trace, input: &[u8]) -> Outcome {
    match owed(t, input) {
        None => expect_nothing(t, tr, input),
        Some(o) => judge(input, &o, exchange(t, tr, input)),
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

/// A refusal the spec allows for a large or deep input, or `None`. `call_id`: the id of the one
/// call sent (a batch has none to answer with). Allowed: `-32700` with id null (RFC 8259 §9:
/// "An implementation may set limits on the size of texts that it accepts. An implementation
/// may set limits on the maximum depth of nesting."; text over them is not read as JSON), and,
/// for a single call, an error response with its id (the call was read; the spec fixes no
/// code for a call a server will not run).
fn allowed_refusal(body: &[u8], call_id: Option<&str>) -> Option<String> {
    let Ok(Payload::Single(Message::Response(r))) = lenient(body) else {
        return None;
    };
    let RpcOutcome::Error(e) = &r.outcome else {
        return None;
    };
    let its_id = call_id
        .and_then(Id::parse)
        .is_some_and(|id| id_key(&id) == id_key(&r.id));
    if (r.id == Id::NULL && e.code == ErrorCode::PARSE_ERROR.0) || its_id {
        Some(describe_response(&r))
    } else {
        None
    }
}

/// A large or deep input (`call_id`: the id of the one call, `None` for a batch): the reply
/// owed, or a refusal the spec allows ([`allowed_refusal`], or an HTTP 4xx without a
/// JSON-RPC body: the text never reached the JSON-RPC layer); and then the server still
/// answers a probe. Silence, a close, an HTTP 5xx, a wrong or partial answer fail.
fn within_limits(t: &Target, tr: &mut Trace, input: &[u8], call_id: Option<&str>) -> Outcome {
    let Some(owed_r) = owed(t, input) else {
        return Outcome::Fail("internal: the input is owed no reply".into());
    };
    let (a, probe) = exchange_then_probe(t, tr, input);
    let transport_refusal = |s: u16| (400..500).contains(&s);
    let verdict = match a {
        Answer::Reply(b, s) => match judge(input, &owed_r, Answer::Reply(b.clone(), s)) {
            Outcome::Pass(p) => Outcome::Pass(format!("as owed: {p}")),
            Outcome::Fail(f) => match allowed_refusal(&b, call_id) {
                Some(r) => Outcome::Pass(format!("refused: {r}")),
                None if s.is_some_and(transport_refusal) && lenient(&b).is_err() => {
                    Outcome::Pass(format!(
                        "refused at the transport: HTTP {}: {}",
                        s.unwrap_or(0),
                        preview(&b)
                    ))
                }
                None => Outcome::Fail(f),
            },
            o => o,
        },
        Answer::Status(s) if transport_refusal(s) => {
            Outcome::Pass(format!("refused at the transport: HTTP {s}"))
        }
        Answer::Status(s) => Outcome::Fail(format!(
            "HTTP {s} and no Response (§5: \"When a rpc call is made, the Server MUST reply with a Response\")"
        )),
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

const S3: &str = "JSON-RPC 2.0 §3";
const S4: &str = "JSON-RPC 2.0 §4";
const S41: &str = "JSON-RPC 2.0 §4.1";
const S42: &str = "JSON-RPC 2.0 §4.2";
const S5: &str = "JSON-RPC 2.0 §5";
const S51: &str = "JSON-RPC 2.0 §5.1";
const S6: &str = "JSON-RPC 2.0 §6";

// The spec's sentences, verbatim (https://www.jsonrpc.org/specification). A requirement that
// starts with "derived" says what it derives from and quotes it.
/// §5, `id`.
const Q_ID: &str = "id: This member is REQUIRED. It MUST be the same as the value of the id member in the Request Object. If there was an error in detecting the id in the Request object (e.g. Parse error/Invalid Request), it MUST be Null.";
/// §4.1.
const Q_NOTIFICATION: &str = "A Notification is a Request object without an \"id\" member. [...] The Server MUST NOT reply to a Notification, including those that are within a batch request.";
/// §6.
const Q_BATCH_SINGLE: &str = "If the batch rpc call itself fails to be recognized as an valid JSON or as an Array with at least one value, the response from the Server MUST be a single Response object.";

/// Every case, in report order.
pub fn cases() -> Vec<Case<Target>> {
    vec![
        Case {
            id: "jsonrpc-server/parse-error/invalid-json",
            section: S51,
            requirement: "derived from §5.1's table: \"-32700 | Parse error | Invalid JSON was received by the server. An error occurred on the server while parsing the JSON text.\" and §5: \"If there was an error in detecting the id in the Request object (e.g. Parse error/Invalid Request), it MUST be Null.\" (the input is §7's \"rpc call with invalid JSON\")",
            level: Level::Must,
            accepts: "one error object, code -32700, id null",
            run: |t, tr| owed_reply(t, tr, br#"{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]"#),
        },
        Case {
            id: "jsonrpc-server/parse-error/truncated",
            section: S51,
            requirement: "derived from §5.1's table: \"-32700 | Parse error | Invalid JSON was received by the server.\" and §5: \"If there was an error in detecting the id in the Request object (e.g. Parse error/Invalid Request), it MUST be Null.\"",
            level: Level::Must,
            accepts: "one error object, code -32700, id null",
            run: |t, tr| owed_reply(t, tr, br#"{"jsonrpc":"2.0","method":"msgwire.check.noSuchMethod","id":1"#),
        },
        Case {
            id: "jsonrpc-server/parse-error/batch",
            section: S6,
            requirement: Q_BATCH_SINGLE,
            level: Level::Must,
            accepts: "one error object (not an array), code -32700, id null",
            run: |t, tr| owed_reply(t, tr, br#"[{"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"}, {"jsonrpc": "2.0", "method" ]"#),
        },
        Case {
            id: "jsonrpc-server/invalid-request/method-not-string",
            section: S51,
            requirement: "derived from §4: \"method: A String containing the name of the method to be invoked.\" and §5.1's table: \"-32600 | Invalid Request | The JSON sent is not a valid Request object.\" (the input is §7's \"rpc call with invalid Request object\")",
            level: Level::Must,
            accepts: "one error object, code -32600, id null",
            run: |t, tr| owed_reply(t, tr, br#"{"jsonrpc": "2.0", "method": 1, "params": "bar"}"#),
        },
        Case {
            id: "jsonrpc-server/invalid-request/no-method",
            section: S51,
            requirement: "derived from §4: \"A rpc call is represented by sending a Request object to a Server. The Request object has the following members: jsonrpc [...] method [...]\" and §5.1's table: \"-32600 | Invalid Request | The JSON sent is not a valid Request object.\"",
            level: Level::Must,
            accepts: "one error object, code -32600, id null (or the readable id 1)",
            run: |t, tr| owed_reply(t, tr, br#"{"jsonrpc":"2.0","params":[],"id":1}"#),
        },
        Case {
            id: "jsonrpc-server/invalid-request/response-object",
            section: S51,
            requirement: "derived from §5.1's table: \"-32600 | Invalid Request | The JSON sent is not a valid Request object.\" (a Response object is sent to the server)",
            level: Level::Must,
            accepts: "one error object, code -32600, id null (or the readable id 1)",
            run: |t, tr| owed_reply(t, tr, br#"{"jsonrpc":"2.0","result":1,"id":1}"#),
        },
        Case {
            id: "jsonrpc-server/invalid-request/no-jsonrpc-member",
            section: S3,
            requirement: "derived from §4: \"jsonrpc: A String specifying the version of the JSON-RPC protocol. MUST be exactly \\\"2.0\\\".\" and §3: \"it is easy to distinguish between the two versions as 2.0 always has a member named \\\"jsonrpc\\\" with a String value of \\\"2.0\\\" whereas 1.0 does not. Most 2.0 implementations should consider trying to handle 1.0 objects\": without the member the call is a 1.0 call, refused with -32600 or answered as 1.0",
            level: Level::Must,
            accepts: "one error object, code -32600, id null (or the readable id 1); or a 1.0 response (no jsonrpc member) with id 1",
            run: |t, tr| {
                let input = format!(r#"{{"method":{},"params":[],"id":1}}"#, some_method(t));
                let Some(owed_r) = owed(t, input.as_bytes()) else {
                    return Outcome::Fail("internal: nothing owed".into());
                };
                let answer = exchange(t, tr, input.as_bytes());
                let one_oh = match &answer {
                    Answer::Reply(b, _) => answered_as_1_0(b, "1"),
                    _ => None,
                };
                match (judge(input.as_bytes(), &owed_r, answer), one_oh) {
                    (Outcome::Fail(_), Some(r)) => Outcome::Pass(format!("answered as a JSON-RPC 1.0 call (§3): {r}")),
                    (o, _) => o,
                }
            },
        },
        Case {
            id: "jsonrpc-server/invalid-request/wrong-version",
            section: S4,
            requirement: "derived from §4: \"jsonrpc: A String specifying the version of the JSON-RPC protocol. MUST be exactly \\\"2.0\\\".\" and §5.1's table: \"-32600 | Invalid Request | The JSON sent is not a valid Request object.\" (`\"jsonrpc\": \"1.0\"` is neither a 2.0 nor a 1.0 object: 1.0 has no such member, §3)",
            level: Level::Must,
            accepts: "one error object, code -32600, id null (or the readable id 1)",
            run: |t, tr| {
                let input = format!(r#"{{"jsonrpc":"1.0","method":{},"params":[],"id":1}}"#, some_method(t));
                owed_reply(t, tr, input.as_bytes())
            },
        },
        Case {
            id: "jsonrpc-server/invalid-request/version-number",
            section: S4,
            requirement: "derived from §4: \"jsonrpc: A String specifying the version of the JSON-RPC protocol. MUST be exactly \\\"2.0\\\".\" and §5.1's table: \"-32600 | Invalid Request | The JSON sent is not a valid Request object.\" (the number 2.0 is not the String \"2.0\")",
            level: Level::Must,
            accepts: "one error object, code -32600, id null (or the readable id 1)",
            run: |t, tr| {
                let input = format!(r#"{{"jsonrpc":2.0,"method":{},"params":[],"id":1}}"#, some_method(t));
                owed_reply(t, tr, input.as_bytes())
            },
        },
        Case {
            id: "jsonrpc-server/invalid-request/params-not-structured",
            section: S42,
            requirement: "derived from §4.2: \"If present, parameters for the rpc call MUST be provided as a Structured value. Either by-position through an Array or by-name through an Object.\" and §5.1's table: \"-32600 | Invalid Request | The JSON sent is not a valid Request object.\"",
            level: Level::Must,
            accepts: "one error object, code -32600, id null (or the readable id 1)",
            run: |t, tr| {
                let input = format!(r#"{{"jsonrpc":"2.0","method":{},"params":"bar","id":1}}"#, some_method(t));
                owed_reply(t, tr, input.as_bytes())
            },
        },
        Case {
            id: "jsonrpc-server/invalid-request/not-an-object",
            section: S51,
            requirement: "derived from §5.1's table: \"-32600 | Invalid Request | The JSON sent is not a valid Request object.\" and §5: \"If there was an error in detecting the id in the Request object (e.g. Parse error/Invalid Request), it MUST be Null.\"",
            level: Level::Must,
            accepts: "one error object, code -32600, id null",
            run: |t, tr| owed_reply(t, tr, b"1"),
        },
        Case {
            id: "jsonrpc-server/invalid-request/id-not-scalar",
            section: S4,
            requirement: "derived from §4: \"id: An identifier established by the Client that MUST contain a String, Number, or NULL value if included.\", §5.1's table: \"-32600 | Invalid Request | The JSON sent is not a valid Request object.\" and §5: \"If there was an error in detecting the id in the Request object (e.g. Parse error/Invalid Request), it MUST be Null.\"",
            level: Level::Must,
            accepts: "one error object, code -32600, id null",
            run: |t, tr| {
                let input = format!(r#"{{"jsonrpc":"2.0","method":{},"params":[],"id":{{"a":1}}}}"#, some_method(t));
                owed_reply(t, tr, input.as_bytes())
            },
        },
        Case {
            id: "jsonrpc-server/method/unknown",
            section: S51,
            requirement: "derived from §5.1: \"When a rpc call encounters an error, the Response Object MUST contain the error member\", its table: \"-32601 | Method not found | The method does not exist / is not available.\" and §5: \"It MUST be the same as the value of the id member in the Request Object.\"",
            level: Level::Must,
            accepts: "one error object, code -32601, the request's id",
            run: |t, tr| id_case(t, tr, r#""msgwire-1""#),
        },
        Case {
            id: "jsonrpc-server/batch/empty",
            section: S6,
            requirement: Q_BATCH_SINGLE,
            level: Level::Must,
            accepts: "one error object (not an array), code -32600, id null",
            run: |t, tr| owed_reply(t, tr, b"[]"),
        },
        Case {
            id: "jsonrpc-server/batch/one-invalid-item",
            section: S6,
            requirement: "derived from §5: \"When a rpc call is made, the Server MUST reply with a Response\" and §7's example: \"rpc call with an invalid Batch (but not empty): --> [1] <-- [ {\\\"jsonrpc\\\": \\\"2.0\\\", \\\"error\\\": {\\\"code\\\": -32600, \\\"message\\\": \\\"Invalid Request\\\"}, \\\"id\\\": null} ]\"",
            level: Level::Must,
            accepts: "an array of one error object, code -32600, id null (one -32600 object for the whole batch: the named deviation python-jsonrpc/batch-one-error, failed unless accepted with --accept)",
            run: |t, tr| batch_with_invalid_items(t, tr, b"[1]"),
        },
        Case {
            id: "jsonrpc-server/batch/invalid-items",
            section: S6,
            requirement: "derived from §5: \"When a rpc call is made, the Server MUST reply with a Response\" and §7's example: \"rpc call with invalid Batch: --> [1,2,3] <--\" an array of three error objects, code -32600, id null",
            level: Level::Must,
            accepts: "an array of three error objects, code -32600, id null (one -32600 object for the whole batch: the named deviation python-jsonrpc/batch-one-error, failed unless accepted with --accept)",
            run: |t, tr| batch_with_invalid_items(t, tr, b"[1,2,3]"),
        },
        Case {
            id: "jsonrpc-server/batch/mixed",
            section: S6,
            requirement: "derived from §5: \"When a rpc call is made, the Server MUST reply with a Response, except for in the case of Notifications.\", §4.1: \"The Server MUST NOT reply to a Notification, including those that are within a batch request.\" and §6: \"The Response objects being returned from a batch call MAY be returned in any order within the Array.\" (the input is §7's \"rpc call Batch\")",
            level: Level::Must,
            accepts: "an array: each call's response exactly once (any order), -32600 for the invalid item, nothing for the notifications (one -32600 object for the whole batch: the named deviation python-jsonrpc/batch-one-error, failed unless accepted with --accept)",
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
                batch_with_invalid_items(t, tr, format!("[{}]", items.join(",")).as_bytes())
            },
        },
        Case {
            id: "jsonrpc-server/batch/duplicate-ids",
            section: S6,
            requirement: "derived from §5: \"When a rpc call is made, the Server MUST reply with a Response\": two calls that share an id are two calls, each owed its response",
            level: Level::Must,
            accepts: "an array of two error objects, code -32601, both with id 7",
            run: |t, tr| owed_reply(t, tr, format!(r#"[{{"jsonrpc":"2.0","method":"{UNKNOWN}","id":7}},{{"jsonrpc":"2.0","method":"{UNKNOWN}","id":7}}]"#).as_bytes()),
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
            requirement: Q_NOTIFICATION,
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
            requirement: Q_ID,
            level: Level::Must,
            accepts: "error -32601 with id \"msgwire-7\"",
            run: |t, tr| id_case(t, tr, r#""msgwire-7""#),
        },
        Case {
            id: "jsonrpc-server/id/string-escapes",
            section: S5,
            requirement: Q_ID,
            level: Level::Must,
            accepts: "error -32601 with the same string id (escapes may differ)",
            run: |t, tr| id_case(t, tr, r#""q\"\\\/\u00e9\ud83d\ude00\n""#),
        },
        Case {
            id: "jsonrpc-server/id/empty-string",
            section: S5,
            requirement: Q_ID,
            level: Level::Must,
            accepts: "error -32601 with id \"\"",
            run: |t, tr| id_case(t, tr, r#""""#),
        },
        Case {
            id: "jsonrpc-server/id/integer",
            section: S5,
            requirement: Q_ID,
            level: Level::Must,
            accepts: "error -32601 with id 42",
            run: |t, tr| id_case(t, tr, "42"),
        },
        Case {
            id: "jsonrpc-server/id/zero",
            section: S5,
            requirement: Q_ID,
            level: Level::Must,
            accepts: "error -32601 with id 0",
            run: |t, tr| id_case(t, tr, "0"),
        },
        Case {
            id: "jsonrpc-server/id/negative",
            section: S5,
            requirement: Q_ID,
            level: Level::Must,
            accepts: "error -32601 with id -7",
            run: |t, tr| id_case(t, tr, "-7"),
        },
        Case {
            id: "jsonrpc-server/id/null",
            section: S4,
            requirement: "derived from §4: \"id: An identifier established by the Client that MUST contain a String, Number, or NULL value if included. If it is not included it is assumed to be a notification.\", §4.1: \"A Notification is a Request object without an \\\"id\\\" member.\" and §5: \"When a rpc call is made, the Server MUST reply with a Response\": `\"id\": null` is a (discouraged) call, owed a response with id null",
            level: Level::Must,
            accepts: "error -32601 with id null",
            run: |t, tr| id_case(t, tr, "null"),
        },
        Case {
            id: "jsonrpc-server/id/beyond-2-53",
            section: S5,
            requirement: "derived from §4: \"The Server MUST reply with the same value in the Response object if included.\" and RFC 8259 §6: \"numbers that are integers and are in the range [-(2**53)+1, (2**53)-1] are interoperable in the sense that implementations will agree exactly on their numeric values\": 9007199254740993 is outside that range, so a JSON implementation may read it as another number (SHOULD)",
            level: Level::Should,
            accepts: "error -32601 with id 9007199254740993",
            run: |t, tr| id_case(t, tr, "9007199254740993"),
        },
        Case {
            id: "jsonrpc-server/id/fractional",
            section: S4,
            requirement: "derived from §4: \"The value SHOULD normally not be Null [1] and Numbers SHOULD NOT contain fractional parts [2]\" (a SHOULD on the client) and \"The Server MUST reply with the same value in the Response object if included.\"",
            level: Level::Should,
            accepts: "error -32601 with id 1.5; -32600 with id null (the server enforces the client's SHOULD NOT): non-strict",
            run: |t, tr| {
                let input = format!(r#"{{"jsonrpc":"2.0","method":"{UNKNOWN}","params":[],"id":1.5}}"#);
                let owed_r = Decoder { limits: generous(), profile: Profile::Lenient }
                    .serve(input.as_bytes())
                    .respond(|r| dispatch(t, r))
                    .unwrap_or_default();
                let answer = exchange(t, tr, input.as_bytes());
                let refused = matches!(&answer, Answer::Reply(b, _) if matches!(
                    lenient(b),
                    Ok(Payload::Single(Message::Response(r)))
                        if r.id == Id::NULL && matches!(&r.outcome, RpcOutcome::Error(e) if e.code == jsonrpc::ErrorCode::INVALID_REQUEST.0)
                ));
                match judge(input.as_bytes(), &owed_r, answer) {
                    Outcome::Fail(f) if refused => Outcome::NonStrict(format!("refused as an invalid request: {f}")),
                    o => o,
                }
            },
        },
        Case {
            id: "jsonrpc-server/echo/types",
            section: S5,
            requirement: "derived from §5: \"result: This member is REQUIRED on success. [...] The value of this member is determined by the method invoked on the Server.\" (the echo method returns its params: every JSON type must come back as the same value)",
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
            section: S5,
            requirement: "derived from §5: \"When a rpc call is made, the Server MUST reply with a Response\" and RFC 8259 §9: \"An implementation may set limits on the size of texts that it accepts.\" (a call with a 1 MiB string)",
            level: Level::Must,
            accepts: "the reply owed; or a refusal: an error object with the call's id, -32700 with id null, or HTTP 4xx; then a probe is answered",
            run: |t, tr| {
                let big = "x".repeat(1 << 20);
                let m = some_method(t);
                let input = format!(r#"{{"jsonrpc":"2.0","method":{m},"params":["{big}"],"id":"big"}}"#);
                within_limits(t, tr, input.as_bytes(), Some(r#""big""#))
            },
        },
        Case {
            id: "jsonrpc-server/limits/deep-nesting",
            section: S5,
            requirement: "derived from §5: \"When a rpc call is made, the Server MUST reply with a Response\" and RFC 8259 §9: \"An implementation may set limits on the maximum depth of nesting.\" (params nested 100 000 deep; an echo is judged in full)",
            level: Level::Must,
            accepts: "the reply owed (the echo, judged in full); or a refusal: an error object with the call's id, -32700 with id null, or HTTP 4xx; then a probe is answered",
            run: |t, tr| {
                let depth = 100_000;
                let m = some_method(t);
                let input = format!(
                    r#"{{"jsonrpc":"2.0","method":{m},"params":[{}{}],"id":"deep"}}"#,
                    "[".repeat(depth),
                    "]".repeat(depth)
                );
                within_limits(t, tr, input.as_bytes(), Some(r#""deep""#))
            },
        },
        Case {
            id: "jsonrpc-server/limits/large-batch",
            section: S6,
            requirement: "derived from §5: \"When a rpc call is made, the Server MUST reply with a Response\", §6: \"If the batch rpc call itself fails to be recognized as an valid JSON or as an Array with at least one value, the response from the Server MUST be a single Response object.\" and RFC 8259 §9: \"An implementation may set limits on the size of texts that it accepts.\" (a batch of 1000 calls: every call answered, or the text refused whole; a partial answer is never allowed)",
            level: Level::Must,
            accepts: "1000 responses, each id exactly once; or the whole batch refused: -32700 with id null, or HTTP 4xx; then a probe is answered",
            run: |t, tr| {
                let items: Vec<String> = (0..1000)
                    .map(|i| format!(r#"{{"jsonrpc":"2.0","method":"{UNKNOWN}","id":{i}}}"#))
                    .collect();
                let input = format!("[{}]", items.join(","));
                within_limits(t, tr, input.as_bytes(), None)
            },
        },
    ]
}

/// A JSON-RPC 1.0 response (no `jsonrpc` member; `result` or `error`; the same id) for a call
/// with id `id`, described; `None` if `body` is not one.
fn answered_as_1_0(body: &[u8], id: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let o = v.as_object()?;
    let same_id = o.get("id").map(|i| i.to_string()) == Some(id.to_string());
    (!o.contains_key("jsonrpc") && same_id && (o.contains_key("result") || o.contains_key("error")))
        .then(|| preview(body))
}

// ---------------------------------------------------------------------------------------------
// `msgwire fuzz jsonrpc-server`: one generated input at a time.

/// Sends `input` to the server and judges what comes back against what the spec owes for it
/// (the codec's own server semantics: `--echo-method` echoes, anything else is -32601), then
/// checks with a probe that the server still answers. Every wait is bounded by the target's
/// timeout; over HTTP an input costs two connections, on a stream one.
pub fn fuzz_exchange(t: &Target, input: &[u8]) -> FuzzVerdict {
    let owed_generous = owed(t, input);
    let owed_default = Decoder {
        limits: Limits::default(),
        profile: Profile::Strict,
    }
    .serve(input)
    .respond(|r| dispatch(t, r));
    if owed_generous != owed_default {
        return FuzzVerdict::Skipped;
    }
    let mut tr = Trace::default();
    match owed_generous {
        None => match expect_nothing(t, &mut tr, input) {
            Outcome::Pass(_) => FuzzVerdict::Ok,
            Outcome::Fail(d) if d.starts_with("a reply came") || d.starts_with("HTTP") => {
                FuzzVerdict::Broken("reply-to-notification", d)
            }
            Outcome::Fail(d) => FuzzVerdict::Broken("server-down", d),
            o => FuzzVerdict::Broken("wrong-reply", format!("{o:?}")),
        },
        Some(o) => {
            let (answer, probe) = exchange_then_probe(t, &mut tr, input);
            let no_reply = matches!(answer, Answer::Broken(_));
            match judge_keyed(input, &o, answer) {
                (Outcome::Pass(_), _) => match probe {
                    Ok(()) => FuzzVerdict::Ok,
                    Err(p) => FuzzVerdict::Broken("server-down", p),
                },
                (Outcome::Fail(d), _) if no_reply => FuzzVerdict::Broken("no-reply", d),
                (Outcome::Fail(d), key) => {
                    FuzzVerdict::Keyed("wrong-reply", key.unwrap_or_else(|| "other".into()), d)
                }
                (o, _) => FuzzVerdict::Broken("wrong-reply", format!("{o:?}")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_ids_are_the_same_by_value() {
        let same = |a: &str, b: &str| decimal_key(a).unwrap() == decimal_key(b).unwrap();
        for (a, b) in [
            ("0", "-0"),
            ("0", "0e0"),
            ("0", "0.0"),
            ("1", "1.0"),
            ("10", "1e1"),
            ("1.5", "15e-1"),
            ("-2", "-2.00"),
        ] {
            assert!(same(a, b), "{a} {b}");
        }
        for (a, b) in [
            ("9007199254740993", "9007199254740992"),
            ("1", "-1"),
            ("1.5", "1.05"),
            ("10", "1"),
        ] {
            assert!(!same(a, b), "{a} {b}");
        }
        assert_eq!(decimal_key("\"1\""), None);
    }

    #[test]
    fn a_wrong_reply_is_keyed_by_what_is_wrong() {
        let reply = |b: &str| Answer::Reply(b.as_bytes().to_vec(), Some(200));
        let err = |code: i64| {
            format!(r#"{{"jsonrpc":"2.0","error":{{"code":{code},"message":"m"}},"id":1}}"#)
        };
        let ok = |v: &str| format!(r#"{{"jsonrpc":"2.0","result":{v},"id":1}}"#);
        let key =
            |owed: &str, a: Answer| judge_keyed(b"{}", owed.as_bytes(), a).1.unwrap_or_default();
        assert_eq!(
            key(&err(-32601), reply(&err(-32000))),
            "code:-32601->-32000"
        );
        assert_eq!(
            key(&err(-32600), reply(&ok("1"))),
            "result-for-error:-32600"
        );
        assert_eq!(
            key(&ok("[]"), reply(&err(-32602))),
            "error-for-result:-32602"
        );
        assert_eq!(key(&ok("[]"), reply(&ok("null"))), "result");
        assert_eq!(
            key(&ok("[]"), reply(r#"{"jsonrpc":"2.0","result":[],"id":2}"#)),
            "id"
        );
        assert_eq!(
            key(&ok("[]"), reply(&format!("[{}]", ok("[]")))),
            "array-for-object"
        );
        assert_eq!(key(&ok("[]"), reply("SyntaxError")), "not-json-rpc");
        assert_eq!(key(&ok("[]"), Answer::Status(500)), "http-5xx");
        assert_eq!(key(&ok("[]"), Answer::Empty(204)), "empty");
        let batch = format!("[{}]", ok("[]"));
        assert_eq!(key(&batch, reply(&ok("[]"))), "object-for-array");
        assert_eq!(
            key(&batch, reply(r#"[{"jsonrpc":"2.0","result":[],"id":2}]"#)),
            "batch"
        );
        assert_eq!(
            key(&ok("[]"), reply(r#"{"jsonrpc":"2.0","method":"m","id":1}"#)),
            "request"
        );
        // What is as owed has no key, and its verdict is judge's.
        let (verdict, k) = judge_keyed(b"{}", ok("[]").as_bytes(), reply(&ok("[]")));
        assert!(matches!(verdict, Outcome::Pass(_)) && k.is_none());
    }

    fn target(echo: Option<&str>) -> Target {
        Target {
            transport: Transport::Tcp("127.0.0.1:1".into(), Framing::Ndjson),
            echo: echo.map(str::to_string),
            timeout: Duration::from_secs(1),
        }
    }

    #[test]
    fn targets_parse() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let t = Target::new(
            Some(&format!("http://{addr}/rpc")),
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
        // A command that ends at once cannot serve: one error with its status and stderr.
        let e = Target::new(
            None,
            Some("echo 'no module named jsonrpc' >&2; exit 3"),
            None,
            None,
            Duration::from_secs(1),
        )
        .unwrap_err();
        assert!(
            e.contains("exit status: 3") && e.contains("no module named jsonrpc"),
            "{e}"
        );
        // Nothing listens (port 1: no ephemeral listener takes it): one error naming the target.
        let e = Target::new(
            Some("tcp://127.0.0.1:1"),
            None,
            None,
            None,
            Duration::from_secs(1),
        )
        .unwrap_err();
        assert!(e.starts_with("cannot connect to tcp://"), "{e}");
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
        // Deep params are owed their echo, not our default depth limit's -32700.
        let deep = format!(
            r#"{{"jsonrpc":"2.0","method":"echo","params":[{}{}],"id":1}}"#,
            "[".repeat(5000),
            "]".repeat(5000)
        );
        let o = owed(&t, deep.as_bytes()).unwrap();
        assert!(o.starts_with(br#"{"jsonrpc":"2.0","result":[[[["#));
        let echoed = String::from_utf8(o.clone()).unwrap().replace("[[", "[ \n[");
        let reply = Answer::Reply(echoed.into_bytes(), None);
        assert!(matches!(
            judge(deep.as_bytes(), &o, reply),
            Outcome::Pass(_)
        ));
    }

    #[test]
    fn judging_compares_ids_codes_and_order() {
        let input = br#"[{"jsonrpc":"2.0","method":"x","id":"1"},1]"#;
        let owed_b = br#"[{"jsonrpc":"2.0","error":{"code":-32601,"message":"m"},"id":"1"},{"jsonrpc":"2.0","error":{"code":-32600,"message":"m"},"id":null}]"#;
        let reply = |s: &str| Answer::Reply(s.as_bytes().to_vec(), None);
        let judge_b = |got: &str| judge(input, owed_b, reply(got));
        // Any order, other messages.
        let got = r#"[{"jsonrpc":"2.0","error":{"code":-32600,"message":"x"},"id":null},{"jsonrpc":"2.0","error":{"code":-32601,"message":"y"},"id":"1"}]"#;
        assert!(matches!(judge_b(got), Outcome::Pass(_)));
        // One object where an array is owed.
        let got = r#"{"jsonrpc":"2.0","error":{"code":-32600,"message":"x"},"id":null}"#;
        assert!(matches!(judge_b(got), Outcome::Fail(_)));
        // A missing item.
        let got = r#"[{"jsonrpc":"2.0","error":{"code":-32601,"message":"y"},"id":"1"}]"#;
        assert!(matches!(judge_b(got), Outcome::Fail(f) if f.contains("missing")));
        // The same response twice.
        let got = r#"[{"jsonrpc":"2.0","error":{"code":-32601,"message":"y"},"id":"1"},{"jsonrpc":"2.0","error":{"code":-32601,"message":"y"},"id":"1"},{"jsonrpc":"2.0","error":{"code":-32600,"message":"x"},"id":null}]"#;
        assert!(matches!(judge_b(got), Outcome::Fail(f) if f.contains("second time")));
        let single_in = br#"{"jsonrpc":"2.0","method":"x","id":9007199254740993}"#;
        let single =
            br#"{"jsonrpc":"2.0","error":{"code":-32601,"message":"m"},"id":9007199254740993}"#;
        let got =
            r#"{"jsonrpc":"2.0","error":{"code":-32601,"message":"m"},"id":9007199254740992}"#;
        assert!(matches!(
            judge(single_in, single, reply(got)),
            Outcome::Fail(_)
        ));
        let got =
            r#"{"jsonrpc":"2.0","error":{"code":-32603,"message":"m"},"id":9007199254740993}"#;
        assert!(matches!(
            judge(single_in, single, reply(got)),
            Outcome::Fail(_)
        ));
        // One response wrapped in an array: not the single Response object owed.
        let got =
            r#"[{"jsonrpc":"2.0","error":{"code":-32601,"message":"m"},"id":9007199254740993}]"#;
        assert!(
            matches!(judge(single_in, single, reply(got)), Outcome::Fail(f) if f.contains("single JSON Object"))
        );
        // An invalid request answered with its readable id echoed: §5 allows it (or null);
        // an id the request did not carry fails.
        let bad_in = br#"{"jsonrpc":"1.0","method":"x","id":1}"#;
        let null = br#"{"jsonrpc":"2.0","error":{"code":-32600,"message":"m"},"id":null}"#;
        let got = r#"{"jsonrpc":"2.0","error":{"code":-32600,"message":"m"},"id":1}"#;
        assert!(matches!(judge(bad_in, null, reply(got)), Outcome::Pass(_)));
        let got = r#"{"jsonrpc":"2.0","error":{"code":-32600,"message":"m"},"id":2}"#;
        assert!(matches!(judge(bad_in, null, reply(got)), Outcome::Fail(_)));
        // In a batch, only an invalid item's own id may stand for null: a valid call's id on
        // the invalid item's error fails.
        let mixed_in =
            br#"[{"jsonrpc":"2.0","method":"x","id":"1"},{"jsonrpc":"1.0","method":"x"}]"#;
        let got = r#"[{"jsonrpc":"2.0","error":{"code":-32600,"message":"x"},"id":"1"},{"jsonrpc":"2.0","error":{"code":-32601,"message":"y"},"id":"1"}]"#;
        assert!(matches!(
            judge(mixed_in, owed_b, reply(got)),
            Outcome::Fail(_)
        ));
        let item_in =
            br#"[{"jsonrpc":"2.0","method":"x","id":"1"},{"jsonrpc":"1.0","method":"x","id":2}]"#;
        let got = r#"[{"jsonrpc":"2.0","error":{"code":-32600,"message":"x"},"id":2},{"jsonrpc":"2.0","error":{"code":-32601,"message":"y"},"id":"1"}]"#;
        assert!(matches!(
            judge(item_in, owed_b, reply(got)),
            Outcome::Pass(_)
        ));
        // A parse error has no readable id: only null.
        let got = r#"{"jsonrpc":"2.0","error":{"code":-32600,"message":"m"},"id":1}"#;
        assert!(matches!(
            judge(b"{\"id\":1,", null, reply(got)),
            Outcome::Fail(_)
        ));
        // Escapes in a string id do not matter.
        let s_in = br#"{"jsonrpc":"2.0","method":"x","id":"\u00e9"}"#;
        let s = br#"{"jsonrpc":"2.0","error":{"code":-32601,"message":"m"},"id":"\u00e9"}"#;
        let got =
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"m\"},\"id\":\"\u{e9}\"}";
        assert!(matches!(judge(s_in, s, reply(got)), Outcome::Pass(_)));
        assert!(matches!(
            judge(s_in, s, Answer::Empty(204)),
            Outcome::Fail(_)
        ));
        // MUSTs of the response object: no jsonrpc member, result and error together.
        let got = r#"{"error":{"code":-32601,"message":"m"},"id":"\u00e9"}"#;
        assert!(matches!(judge(s_in, s, reply(got)), Outcome::Fail(_)));
        let got = r#"{"jsonrpc":"2.0","result":null,"error":{"code":-32601,"message":"m"},"id":"\u00e9"}"#;
        assert!(matches!(judge(s_in, s, reply(got)), Outcome::Fail(_)));
    }

    #[test]
    fn refusals_of_large_input_are_the_allowed_ones() {
        let parse = br#"{"jsonrpc":"2.0","error":{"code":-32700,"message":"m"},"id":null}"#;
        let own = br#"{"jsonrpc":"2.0","error":{"code":-32000,"message":"m"},"id":"big"}"#;
        let other = br#"{"jsonrpc":"2.0","error":{"code":-32603,"message":"m"},"id":null}"#;
        assert!(allowed_refusal(parse, Some(r#""big""#)).is_some());
        assert!(allowed_refusal(parse, None).is_some());
        assert!(allowed_refusal(own, Some(r#""big""#)).is_some());
        assert!(allowed_refusal(own, None).is_none());
        assert!(allowed_refusal(other, Some(r#""big""#)).is_none());
        assert!(answered_as_1_0(br#"{"result": [], "id": 1}"#, "1").is_some());
        assert!(answered_as_1_0(br#"{"jsonrpc":"2.0","result": [], "id": 1}"#, "1").is_none());
        assert!(same_json(
            "[1, 2.50, {\"a\" : \"b c\"}]",
            "[1,2.5,{\"a\":\"b c\"}]"
        ));
        assert!(!same_json("[\"a b\"]", "[\"ab\"]"));
        let deep = |open: &str| format!("{}{}", open.repeat(300), "]".repeat(300));
        assert!(same_json(&deep("["), &deep("[ ")));
        assert!(!same_json(
            &deep("["),
            &format!("{}1{}", "[".repeat(300), "]".repeat(300))
        ));
    }
}
