//! Live checks of a MessagePack-RPC server, over TCP (`tcp://host:port`) or a child process's
//! stdio (`--command 'nvim --clean --embed --headless'`), using only msgwire's codec.
//!
//! Spec (msgpack-rpc/msgpack-rpc `spec.md`): a response is `[1, msgid, error, result]` with
//! the request's msgid; error is nil when the method executed correctly and non-nil when it
//! did not, and then result "should be nil"; a notification gets no response; responses may
//! come in any order. Every response is also decoded under the strict profile: one only a
//! lenient decoder reads (a str holding invalid UTF-8, say) breaks the format and fails the
//! case. Pipelined requests are paired with their responses by content, not only by msgid.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use msgwire::msgpack_rpc::{Int, Limits, OwnedMessage, Profile, Splitter, Value};

use super::{left, Case, Level, Outcome, Trace};

/// The server to check.
#[derive(Debug, Clone)]
pub struct Target {
    /// `host:port`, or
    pub addr: Option<String>,
    /// a command whose stdio speaks MessagePack-RPC (split on whitespace).
    pub command: Option<String>,
    /// A method that returns its single argument, for the round-trip case.
    pub echo_method: Option<String>,
    /// Bound on every wait.
    pub timeout: Duration,
}

impl Target {
    /// `tcp://host:port`, or a command.
    pub fn new(
        url: Option<&str>,
        command: Option<&str>,
        echo_method: Option<&str>,
        timeout: Duration,
    ) -> Result<Target, String> {
        let addr = match (url, command) {
            (Some(u), None) => Some(
                u.strip_prefix("tcp://")
                    .ok_or_else(|| format!("not a tcp:// URL: {u}"))?
                    .trim_end_matches('/')
                    .to_string(),
            ),
            (None, Some(_)) => None,
            _ => return Err("give either tcp://host:port or --command".into()),
        };
        Ok(Target {
            addr,
            command: command.map(str::to_string),
            echo_method: echo_method.map(str::to_string),
            timeout,
        })
    }

    /// Whether the target can be reached at all (a TCP connect, or the command starting): run
    /// once before any case, so an unreachable target is one error (exit 2), not every case
    /// failing its set-up.
    pub fn probe(&self) -> Result<(), String> {
        if let Some(addr) = &self.addr {
            let sa = addr
                .to_socket_addrs()
                .map_err(|e| format!("cannot resolve {addr}: {e}"))?
                .next()
                .ok_or_else(|| format!("no address for {addr}"))?;
            TcpStream::connect_timeout(&sa, self.timeout)
                .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
        } else if let Some(cmd) = &self.command {
            let mut parts = cmd.split_whitespace();
            let program = parts.next().ok_or("empty --command")?;
            let mut child = Command::new(program)
                .args(parts)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|e| format!("cannot start {cmd}: {e}"))?;
            let _ = child.kill();
            let _ = child.wait();
        }
        Ok(())
    }
}

/// A connection: bytes come from a reader thread, so every wait has a deadline (pipes have
/// no read timeout).
struct Conn<'t> {
    writer: Box<dyn Write>,
    incoming: Receiver<Vec<u8>>,
    splitter: Splitter,
    child: Option<Child>,
    /// The TCP stream, shut down on drop so that the reader thread (which holds a clone) ends
    /// even when the server keeps the connection open (a fuzz run opens thousands).
    tcp: Option<TcpStream>,
    trace: &'t mut Trace,
    timeout: Duration,
}

impl Drop for Conn<'_> {
    fn drop(&mut self) {
        if let Some(s) = &self.tcp {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn reader_thread(mut source: impl Read + Send + 'static) -> Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 65536];
        loop {
            match source.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if tx.send(buf[..n].to_vec()).is_err() {
                        break;
                    }
                }
            }
        }
    });
    rx
}

enum Got {
    /// A message, and the strict decoder's complaint when only the lenient profile reads it
    /// (a response carrying both an error and a result is not a format violation: that is a
    /// SHOULD, judged by `response/result-nil-on-error`).
    Message(OwnedMessage, Option<String>),
    Closed,
    Timeout,
    Bad(String),
}

impl<'t> Conn<'t> {
    fn open(t: &Target, trace: &'t mut Trace) -> Result<Conn<'t>, String> {
        let mut tcp = None;
        let (writer, incoming, child): (Box<dyn Write>, _, _) = if let Some(addr) = &t.addr {
            let sa = addr
                .to_socket_addrs()
                .map_err(|e| format!("resolve {addr}: {e}"))?
                .next()
                .ok_or_else(|| format!("no address for {addr}"))?;
            let s = TcpStream::connect_timeout(&sa, t.timeout)
                .map_err(|e| format!("connect {addr}: {e}"))?;
            s.set_write_timeout(Some(t.timeout)).ok();
            // Small writes go out as written (the split-writes case depends on it).
            s.set_nodelay(true).ok();
            let r = s.try_clone().map_err(|e| e.to_string())?;
            tcp = Some(s.try_clone().map_err(|e| e.to_string())?);
            (Box::new(s), reader_thread(r), None)
        } else {
            let cmd = t.command.as_deref().unwrap_or_default();
            let mut parts = cmd.split_whitespace();
            let program = parts.next().ok_or("empty --command")?;
            let mut child = Command::new(program)
                .args(parts)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|e| format!("start {cmd}: {e}"))?;
            let stdin = child.stdin.take().ok_or("no stdin")?;
            let stdout = child.stdout.take().ok_or("no stdout")?;
            (Box::new(stdin), reader_thread(stdout), Some(child))
        };
        Ok(Conn {
            writer,
            incoming,
            splitter: Splitter::new(Limits::default(), Profile::Lenient),
            child,
            tcp,
            trace,
            timeout: t.timeout,
        })
    }

    fn send(&mut self, m: &OwnedMessage, what: &str) -> Result<(), String> {
        self.send_raw(&m.to_vec(), what)
    }

    fn send_raw(&mut self, bytes: &[u8], what: &str) -> Result<(), String> {
        self.trace.log(">", bytes, what);
        self.writer
            .write_all(bytes)
            .and_then(|_| self.writer.flush())
            .map_err(|e| format!("write: {e}"))
    }

    fn recv_within(&mut self, wait: Duration) -> Got {
        let deadline = Instant::now() + wait;
        loop {
            match self.splitter.next_frame() {
                Ok(Some(frame)) => {
                    let strict = match msgwire::msgpack_rpc::Message::from_slice_with(
                        &frame,
                        &Limits::default(),
                        Profile::Strict,
                    ) {
                        Ok(_) | Err(msgwire::msgpack_rpc::Error::ErrorAndResult { .. }) => None,
                        Err(e) => Some(e.to_string()),
                    };
                    return match msgwire::msgpack_rpc::Message::from_slice_with(
                        &frame,
                        &Limits::default(),
                        Profile::Lenient,
                    ) {
                        Ok(m) => {
                            let m = m.into_owned();
                            self.trace.log("<", &frame, describe(&m));
                            Got::Message(m, strict)
                        }
                        Err(e) => {
                            self.trace.log("<", &frame, format!("not a message: {e}"));
                            Got::Bad(format!("the server sent a value that is no message: {e}"))
                        }
                    };
                }
                Ok(None) => {}
                Err(e) => {
                    self.trace.log("!", &[], format!("undecodable: {e}"));
                    return Got::Bad(format!("the server sent bytes msgwire rejects: {e}"));
                }
            }
            if Instant::now() >= deadline {
                self.trace.log("!", &[], "timeout");
                return Got::Timeout;
            }
            match self.incoming.recv_timeout(left(deadline)) {
                Ok(chunk) => self.splitter.push(&chunk),
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    self.trace.log("!", &[], "timeout");
                    return Got::Timeout;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    self.trace.log("!", &[], "closed by the server");
                    return Got::Closed;
                }
            }
        }
    }

    /// The next response (notifications the server sends on its own are skipped).
    fn response(&mut self) -> Result<(u32, Value, Value), String> {
        for _ in 0..64 {
            match self.recv_within(self.timeout) {
                Got::Message(OwnedMessage::Response { msgid, .. }, Some(e)) => {
                    return Err(format!(
                        "the response to msgid {msgid} breaks the MessagePack-RPC format ({e}); only a lenient decoder reads it"
                    ))
                }
                Got::Message(
                    OwnedMessage::Response {
                        msgid,
                        error,
                        result,
                    },
                    None,
                ) => return Ok((msgid, error, result)),
                Got::Message(..) => continue,
                Got::Closed => return Err("the server closed the connection".into()),
                Got::Timeout => return Err(format!("no response within {:?}", self.timeout)),
                Got::Bad(e) => return Err(e),
            }
        }
        Err("no response after 64 messages".into())
    }

    fn call(
        &mut self,
        msgid: u32,
        method: &str,
        params: Vec<Value>,
    ) -> Result<(u32, Value, Value), String> {
        self.send(
            &OwnedMessage::request(msgid, method, params),
            &format!("request {msgid} {method:?}"),
        )?;
        self.response()
    }
}

/// `{v:?}`, cut at `cap` bytes without formatting the rest (an error may hold megabytes).
fn brief_cap(v: &Value, cap: usize) -> String {
    use std::fmt::Write as _;
    struct Capped(String, usize);
    impl std::fmt::Write for Capped {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            if self.0.len() + s.len() > self.1 {
                let room = (0..=self.1.saturating_sub(self.0.len()))
                    .rev()
                    .find(|&i| s.is_char_boundary(i))
                    .unwrap_or(0);
                self.0.push_str(&s[..room]);
                return Err(std::fmt::Error);
            }
            self.0.push_str(s);
            Ok(())
        }
    }
    let mut c = Capped(String::new(), cap);
    if write!(c, "{v:?}").is_err() {
        c.0.push('…');
    }
    c.0
}

/// `{v:?}`, at most 300 bytes.
fn brief(v: &Value) -> String {
    brief_cap(v, 300)
}

fn describe(m: &OwnedMessage) -> String {
    match m {
        OwnedMessage::Request { msgid, method, .. } => format!("request {msgid} {method:?}"),
        OwnedMessage::Response { msgid, error, .. } if *error == Value::Nil => {
            format!("response {msgid} ok")
        }
        OwnedMessage::Response { msgid, error, .. } => {
            format!("response {msgid} error {}", brief(error))
        }
        OwnedMessage::Notification { method, .. } => format!("notification {method:?}"),
    }
}

const NO_SUCH_METHOD: &str = "msgwire.check.no-such-method";

macro_rules! open_or_fail {
    ($t:expr, $tr:expr) => {
        match Conn::open($t, $tr) {
            Ok(c) => c,
            Err(e) => return Outcome::Fail(format!("set-up failed: {e}")),
        }
    };
}

fn msgid_echo(t: &Target, tr: &mut Trace, msgid: u32) -> Outcome {
    let mut c = open_or_fail!(t, tr);
    let got = c.call(msgid, NO_SUCH_METHOD, vec![]);
    answers(got, msgid, format!("response carries msgid {msgid}"))
}

/// Passes (with `pass`) when the response carries `msgid`.
fn answers(got: Result<(u32, Value, Value), String>, msgid: u32, pass: String) -> Outcome {
    match got {
        Ok((id, ..)) if id == msgid => Outcome::Pass(pass),
        Ok((id, ..)) => Outcome::Fail(format!(
            "a response with msgid {id}, the request had {msgid}"
        )),
        Err(e) => Outcome::Fail(e),
    }
}

/// After `bad`, the server must still answer a request (on this connection, or a new one).
fn survives(t: &Target, tr: &mut Trace, bad: &[u8], what: &str) -> Outcome {
    let mut c = open_or_fail!(t, tr);
    if let Err(e) = c.send_raw(bad, what) {
        return Outcome::Fail(e);
    }
    // Whatever it answers to the bad message (an error response, nothing, a close) is its
    // business; it must not die.
    let refused = matches!(
        c.recv_within(t.timeout / 4),
        Got::Message(OwnedMessage::Response { ref error, .. }, _) if *error != Value::Nil
    );
    if c.call(99, NO_SUCH_METHOD, vec![]).is_ok() {
        return Outcome::Pass("still answers on the same connection".into());
    }
    if refused && t.addr.is_none() {
        return Outcome::NonStrict(
            "answered with an error response, then closed the channel (and the process ended)"
                .into(),
        );
    }
    if t.addr.is_some() {
        drop(c);
        let mut again = Trace::default();
        let mut c2 = match Conn::open(t, &mut again) {
            Ok(c) => c,
            Err(e) => return Outcome::Fail(format!("the server is gone: {e}")),
        };
        return match c2.call(99, NO_SUCH_METHOD, vec![]) {
            Ok(_) => Outcome::NonStrict("closed that connection, but answers on a new one".into()),
            Err(e) => Outcome::Fail(format!("no answer on a new connection: {e}")),
        };
    }
    Outcome::Fail("the process stopped answering".into())
}

/// Bytes the server cannot decode: it may answer with an error, ignore them, or close the
/// connection (the stream cannot be resynchronised), but must keep serving.
fn undecodable_then_serves(t: &Target, tr: &mut Trace, bad: &[u8], what: &str) -> Outcome {
    let mut c = open_or_fail!(t, tr);
    if let Err(e) = c.send_raw(bad, what) {
        return Outcome::Fail(e);
    }
    let closed = matches!(c.recv_within(t.timeout / 4), Got::Closed);
    if !closed && c.call(98, NO_SUCH_METHOD, vec![]).is_ok() {
        return Outcome::Pass("still answers on the same connection".into());
    }
    if t.addr.is_none() {
        return if closed {
            Outcome::Pass("closed the channel (the process ended)".into())
        } else {
            Outcome::Fail("the process stopped answering but kept the channel open".into())
        };
    }
    drop(c);
    let mut again = Trace::default();
    match Conn::open(t, &mut again).and_then(|mut c| c.call(99, NO_SUCH_METHOD, vec![])) {
        Ok(_) if closed => Outcome::Pass("closed that connection, answers on a new one".into()),
        Ok(_) => Outcome::NonStrict(
            "went silent on that connection without closing it; answers on a new one".into(),
        ),
        Err(e) => Outcome::Fail(format!("the server is gone: {e}")),
    }
}

/// A request written one byte at a time, each byte flushed on its own.
fn split_writes(t: &Target, tr: &mut Trace) -> Outcome {
    let mut c = open_or_fail!(t, tr);
    let wire = OwnedMessage::request(21, NO_SUCH_METHOD, vec![Value::from("split")]).to_vec();
    c.trace
        .log(">", &wire, "request 21, written one byte at a time");
    for b in &wire {
        if let Err(e) = c.writer.write_all(&[*b]).and_then(|_| c.writer.flush()) {
            return Outcome::Fail(format!("write: {e}"));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let pass = format!("answered a request that arrived in {} writes", wire.len());
    answers(c.response(), 21, pass)
}

/// Requests on two connections at once, each answered on its own connection.
fn two_connections(t: &Target, tr: &mut Trace) -> Outcome {
    if t.addr.is_none() {
        return Outcome::Unimplemented("a stdio server has one channel".into());
    }
    let mut a = open_or_fail!(t, tr);
    let mut other = Trace::default();
    let mut b = match Conn::open(t, &mut other) {
        Ok(c) => c,
        Err(e) => return Outcome::Fail(format!("a second connection: {e}")),
    };
    let req = |id: u32| OwnedMessage::request(id, NO_SUCH_METHOD, vec![]);
    if let Err(e) = a
        .send(&req(31), "request 31 on connection A")
        .and_then(|_| b.send(&req(32), "request 32 on connection B"))
    {
        return Outcome::Fail(e);
    }
    let on_b = b.response();
    let on_a = a.response();
    match (on_a, on_b) {
        (Ok((31, ..)), Ok((32, ..))) => {
            Outcome::Pass("each connection got its own response".into())
        }
        (a, b) => Outcome::Fail(format!(
            "connection A got {:?}, connection B got {:?}",
            a.map(|r| r.0),
            b.map(|r| r.0)
        )),
    }
}

/// Ten requests in one write, answered in any order, each exactly once and with its own
/// result: with an echo method, request `i` echoes a value only it carries, so a response is
/// paired with its request by content, not only by msgid; without one, each request names a
/// different unknown method, and an error that names a method must name its own.
fn pipelining(t: &Target, tr: &mut Trace) -> Outcome {
    let mut c = open_or_fail!(t, tr);
    // Two digits each: no method name is a prefix of another.
    let ids: Vec<u32> = (10..20).collect();
    let arg = |id: u32| {
        Value::Array(vec![
            Value::from(format!("value of request {id}").as_str()),
            Value::Int(Int::from(u64::from(id) * 1_000_003)),
        ])
    };
    let method = |id: u32| match &t.echo_method {
        Some(e) => e.clone(),
        None => format!("{NO_SUCH_METHOD}.{id}"),
    };
    let mut batch = Vec::new();
    for &id in &ids {
        batch.extend(OwnedMessage::request(id, method(id), vec![arg(id)]).to_vec());
    }
    if let Err(e) = c.send_raw(&batch, "ten requests in one write, msgids 10..=19") {
        return Outcome::Fail(e);
    }
    let mut seen: Vec<u32> = Vec::new();
    let mut named = 0;
    for _ in &ids {
        let (id, error, result) = match c.response() {
            Ok(r) => r,
            Err(e) => return Outcome::Fail(format!("after responses {seen:?}: {e}")),
        };
        if !ids.contains(&id) {
            return Outcome::Fail(format!("a response with msgid {id}, which no request had"));
        }
        if seen.contains(&id) {
            return Outcome::Fail(format!("msgid {id} answered twice (after {seen:?})"));
        }
        seen.push(id);
        if t.echo_method.is_some() {
            if error != Value::Nil || result != arg(id) {
                return Outcome::Fail(format!(
                    "the response with msgid {id} carries error {}, result {}: not the echo of request {id} ({:?})",
                    brief(&error),
                    brief(&result),
                    arg(id)
                ));
            }
        } else {
            let text = brief_cap(&error, 4096);
            if let Some(other) = ids
                .iter()
                .find(|&&o| o != id && text.contains(&format!("{NO_SUCH_METHOD}.{o}")))
            {
                return Outcome::Fail(format!(
                    "the response with msgid {id} names the method of request {other}: {text}"
                ));
            }
            named += usize::from(text.contains(&format!("{NO_SUCH_METHOD}.{id}")));
        }
    }
    // Nothing more may come: a duplicate or a stray response would show up now.
    match c.recv_within(t.timeout / 4) {
        Got::Message(m @ OwnedMessage::Response { .. }, _) => {
            return Outcome::Fail(format!("an extra response after all ten: {}", describe(&m)))
        }
        Got::Bad(e) => return Outcome::Fail(e),
        _ => {}
    }
    let order = if seen.windows(2).all(|w| w[0] < w[1]) {
        "in order"
    } else {
        "out of order"
    };
    let pairing = match (&t.echo_method, named) {
        (Some(_), _) => "each result the echo of its own request".to_string(),
        (None, 0) => "paired by msgid only (the errors name no method; give --echo-method to pair by content)".to_string(),
        (None, n) => format!("{n} of 10 errors name their own request's method"),
    };
    Outcome::Pass(format!(
        "all ten answered once, {order} ({seen:?}); {pairing}"
    ))
}

/// Every MessagePack-RPC server case.
pub fn cases() -> Vec<Case<Target>> {
    vec![
        Case {
            id: "msgpack-rpc-server/response/msgid-echoed",
            section: "MessagePack-RPC spec: Response Message",
            requirement: "\"The server must send 'Response' message in reply with the 'Request' message.\" \"The server replies with a requested msgid.\" \"The response message is a four elements array ... [type, msgid, error, result]\" \"type: Must be one (integer).\" \"msgid: The 32-bit unsigned integer number. This corresponds to the request message.\"",
            level: Level::Must,
            accepts: "a response with msgid 1",
            run: |t, tr| msgid_echo(t, tr, 1),
        },
        Case {
            id: "msgpack-rpc-server/response/msgid-zero",
            section: "MessagePack-RPC spec: Request Message",
            requirement: "\"msgid: The 32-bit unsigned integer number. ... The server replies with a requested msgid.\" (*derived*: 0 is such a number)",
            level: Level::Must,
            accepts: "a response with msgid 0",
            run: |t, tr| msgid_echo(t, tr, 0),
        },
        Case {
            id: "msgpack-rpc-server/response/msgid-max",
            section: "MessagePack-RPC spec: Request Message",
            requirement: "\"msgid: The 32-bit unsigned integer number. ... The server replies with a requested msgid.\" (*derived*: 4294967295 is such a number)",
            level: Level::Must,
            accepts: "a response with msgid 4294967295",
            run: |t, tr| msgid_echo(t, tr, u32::MAX),
        },
        Case {
            id: "msgpack-rpc-server/response/unknown-method",
            section: "MessagePack-RPC spec: Response Message (error)",
            requirement: "\"If the method is executed correctly, this field is Nil. If the error occurred at the server-side, then this field is an arbitrary object which represents the error.\" (*derived*: a call of a method the server does not have is an error, so error is non-nil)",
            level: Level::Must,
            accepts: "a response with the request's msgid and a non-nil error",
            run: |t, tr| {
                let mut c = open_or_fail!(t, tr);
                match c.call(5, NO_SUCH_METHOD, vec![]) {
                    Ok((5, error, result)) if error != Value::Nil => Outcome::Pass(format!("error {}, result {}", brief(&error), brief(&result))),
                    Ok((5, _, result)) => Outcome::Fail(format!("error nil (a success), result {}", brief(&result))),
                    Ok((id, ..)) => Outcome::Fail(format!("a response with msgid {id}, the request had 5")),
                    Err(e) => Outcome::Fail(e),
                }
            },
        },
        Case {
            id: "msgpack-rpc-server/response/result-nil-on-error",
            section: "MessagePack-RPC spec: Response Message (result)",
            requirement: "\"If error occurred, this field should be nil.\"",
            level: Level::Should,
            accepts: "an error response whose result is nil",
            run: |t, tr| {
                let mut c = open_or_fail!(t, tr);
                match c.call(6, NO_SUCH_METHOD, vec![]) {
                    Ok((_, error, Value::Nil)) if error != Value::Nil => Outcome::Pass(format!("error {}, result nil", brief(&error))),
                    Ok((_, error, result)) if error != Value::Nil => Outcome::Fail(format!("error {} and result {}", brief(&error), brief(&result))),
                    Ok((_, _, result)) => Outcome::Fail(format!("no error for an unknown method, result {}", brief(&result))),
                    Err(e) => Outcome::Fail(e),
                }
            },
        },
        Case {
            id: "msgpack-rpc-server/request/non-minimal-ints",
            section: "MessagePack spec: Serialization (int format family); MessagePack-RPC spec: Request Message",
            requirement: "*derived* from \"If an object can be represented in multiple possible output formats, serializers SHOULD use the format which represents the data in the smallest number of bytes.\" (a SHOULD on serializers: a deserializer reads every format) and \"type: Must be zero (integer)\": a request whose type is written as uint 8 (`cc 00`) and whose msgid as uint 32 (`ce 00 00 00 17`) is a request, answered with msgid 23.",
            level: Level::Must,
            accepts: "a response with msgid 23",
            run: |t, tr| {
                let mut c = open_or_fail!(t, tr);
                let mut wire = vec![0x94, 0xcc, 0x00, 0xce, 0, 0, 0, 23];
                wire.push(0xa0 | NO_SUCH_METHOD.len() as u8);
                wire.extend_from_slice(NO_SUCH_METHOD.as_bytes());
                wire.push(0x90);
                if let Err(e) = c.send_raw(&wire, "request 23 with type cc 00 and msgid ce 00 00 00 17") {
                    return Outcome::Fail(e);
                }
                answers(c.response(), 23, "answered a request written with non-minimal ints".into())
            },
        },
        Case {
            id: "msgpack-rpc-server/notification/no-response",
            section: "MessagePack-RPC spec: Notification Message",
            requirement: "*derived* from \"The notification message is a three elements array ... [type, method, params]\" (it has no msgid, so no response can answer it) and \"The server must send 'Response' message in reply with the 'Request' message.\"",
            level: Level::Must,
            accepts: "the next response answers the request sent after the notification",
            run: |t, tr| {
                let mut c = open_or_fail!(t, tr);
                if let Err(e) = c.send(&OwnedMessage::notification(NO_SUCH_METHOD, vec![]), "notification") {
                    return Outcome::Fail(e);
                }
                match c.call(7, NO_SUCH_METHOD, vec![]) {
                    Ok((7, _, _)) => Outcome::Pass("no response to the notification".into()),
                    Ok((other, _, _)) => Outcome::Fail(format!("a response with msgid {other} came first")),
                    Err(e) => Outcome::Fail(e),
                }
            },
        },
        Case {
            id: "msgpack-rpc-server/pipelining/any-order",
            section: "MessagePack-RPC spec: The Order of the Response; Request Message (msgid)",
            requirement: "\"The server must send 'Response' message in reply with the 'Request' message.\" \"The server replies with a requested msgid.\" \"The server implementations don't need to send the reply, in the order of the received requests.\" (*derived*: ten pipelined requests get ten responses, one per msgid, each carrying its own request's result, in any order)",
            level: Level::Must,
            accepts: "ten responses, msgids 10..=19 once each, in any order, each the echo of its own request (without --echo-method: an error naming a method names its own), and nothing more",
            run: pipelining,
        },
        Case {
            id: "msgpack-rpc-server/robustness/invalid-type",
            section: "MessagePack-RPC spec: message types 0, 1, 2",
            requirement: "*derived* from \"type: Must be zero (integer)\" / \"Must be two (integer)\": a message of type 3 is no request; the server refuses it and keeps serving.",
            level: Level::Should,
            accepts: "the server answers a request afterwards",
            run: |t, tr| {
                let bad = OwnedMessage::notification("x", vec![]).to_vec();
                // [2, "x", []] → [3, "x", []]
                let mut bad = bad;
                bad[1] = 3;
                survives(t, tr, &bad, "[3, \"x\", []]: message type 3")
            },
        },
        Case {
            id: "msgpack-rpc-server/robustness/wrong-arity",
            section: "MessagePack-RPC spec: Request Message",
            requirement: "*derived* from \"The request message is a four elements array\": a three-element request is refused and the server keeps serving.",
            level: Level::Should,
            accepts: "the server answers a request afterwards",
            run: |t, tr| survives(t, tr, &[0x93, 0x00, 0x01, 0xa1, b'x'], "[0, 1, \"x\"]: a request without params"),
        },
        Case {
            id: "msgpack-rpc-server/stream/split-writes",
            section: "MessagePack-RPC spec: transports (a byte stream)",
            requirement: "*derived* from \"The stream deserialization + zero-copy feature effectively overlaps the network transfer and the computation\": messages travel on a byte stream, so a request that arrives in many small reads is one request, answered once.",
            level: Level::Must,
            accepts: "a response with the request's msgid",
            run: split_writes,
        },
        Case {
            id: "msgpack-rpc-server/stream/two-connections",
            section: "MessagePack-RPC spec: Response Message (msgid)",
            requirement: "*derived* from \"msgid ... This corresponds to the request message.\": a response goes back on the connection its request came from; the same msgid on two connections is two requests.",
            level: Level::Must,
            accepts: "each connection gets its own response (TCP; a stdio server: unimplemented)",
            run: two_connections,
        },
        Case {
            id: "msgpack-rpc-server/robustness/large-request",
            section: "MessagePack spec: bin 32",
            requirement: "*derived* from \"params: The array of the function arguments. The elements of this array is arbitrary object.\" (a bin 32 is one): a request carrying 1 MiB of binary is read whole and answered.",
            level: Level::Should,
            accepts: "a response with the request's msgid",
            run: |t, tr| {
                let mut c = open_or_fail!(t, tr);
                let got = c.call(41, NO_SUCH_METHOD, vec![Value::Bin(vec![0x5a; 1 << 20])]);
                answers(got, 41, "answered".into())
            },
        },
        Case {
            id: "msgpack-rpc-server/robustness/params-not-array",
            section: "MessagePack-RPC spec: Request Message",
            requirement: "*derived* from \"params: The array of the function arguments.\": a request whose params is an integer is refused and the server keeps serving.",
            level: Level::Should,
            accepts: "the server answers a request afterwards",
            run: |t, tr| survives(t, tr, &[0x94, 0x00, 0x01, 0xa1, b'x', 0x05], "[0, 1, \"x\", 5]: params not an array"),
        },
        Case {
            id: "msgpack-rpc-server/robustness/msgid-out-of-range",
            section: "MessagePack-RPC spec: Request Message",
            requirement: "*derived* from \"msgid: The 32-bit unsigned integer number.\": a request with msgid 2^32 is refused and the server keeps serving.",
            level: Level::Should,
            accepts: "the server answers a request afterwards",
            run: |t, tr| survives(t, tr, &[0x94, 0x00, 0xcf, 0, 0, 0, 1, 0, 0, 0, 0, 0xa1, b'x', 0x90], "[0, 4294967296, \"x\", []]: msgid beyond 32 bits"),
        },
        Case {
            id: "msgpack-rpc-server/robustness/undecodable-bytes",
            section: "MessagePack spec: 0xc1 is never used",
            requirement: "*derived* from the MessagePack spec (\"0xc1: (never used)\"): bytes that are no MessagePack do not bring the server down.",
            level: Level::Should,
            accepts: "an error, silence or closing that connection, then a request answered (on a new connection if it closed)",
            run: |t, tr| undecodable_then_serves(t, tr, &[0xc1], "0xc1: the reserved byte"),
        },
        Case {
            id: "msgpack-rpc-server/echo/every-type",
            section: "MessagePack spec: type system",
            requirement: "\"params: ... The elements of this array is arbitrary object.\" \"result: An arbitrary object, which represents the returned result of the function.\" \"If the method is executed correctly, this field [error] is Nil.\" (*derived*: every MessagePack type survives the echo method, with error nil)",
            level: Level::Must,
            accepts: "the result equals the argument (needs --echo-method)",
            run: |t, tr| {
                let Some(echo) = t.echo_method.clone() else {
                    return Outcome::Unimplemented("no --echo-method given".into());
                };
                let arg = Value::Array(vec![
                    Value::Nil,
                    Value::Bool(true),
                    Value::Int(Int::from(-1i64)),
                    Value::Int(Int::from(u64::MAX)),
                    Value::Int(Int::from(i64::MIN)),
                    Value::F64(1.5),
                    Value::from("ünïcödé"),
                    Value::Bin(vec![0, 255]),
                    Value::Map(vec![(Value::from("k"), Value::Array(vec![]))]),
                    Value::Ext(5, vec![1, 2, 3]),
                ]);
                let mut c = open_or_fail!(t, tr);
                match c.call(3, &echo, vec![arg.clone()]) {
                    Ok((_, Value::Nil, result)) if result == arg => Outcome::Pass("every type came back".into()),
                    Ok((_, Value::Nil, result)) => Outcome::Fail(format!("sent {}, got {}", brief(&arg), brief(&result))),
                    Ok((_, error, _)) => Outcome::Fail(format!("error {}", brief(&error))),
                    Err(e) => Outcome::Fail(e),
                }
            },
        },
    ]
}

// ---------------------------------------------------------------------------------------------
// `msgwire fuzz msgpack-rpc-server`: one generated input at a time.

pub use super::FuzzVerdict;

/// What our strict decoder makes of a fuzz input, read as a stream of messages.
#[derive(Debug, PartialEq, Eq)]
enum Owed {
    /// Whole messages, none a response: the msgids of the requests (each owed one response).
    Replies(Vec<u32>),
    /// Whole requests/notifications, then the start of a message: the prefix's requests are
    /// owed their responses; the connection then waits for the rest (nothing else is judged).
    Prefix(Vec<u32>),
    /// Something our strict decoder refuses (or a response sent to a server): the server may
    /// answer with an error, ignore it or close the connection, but must keep serving.
    Nothing,
}

fn owed_by(input: &[u8]) -> Owed {
    use msgwire::msgpack_rpc::Message;
    use msgwire::Decoded;
    let limits = Limits::default();
    let mut ids = Vec::new();
    let mut at = 0;
    while at < input.len() {
        match Message::decode_with(&input[at..], &limits, Profile::Strict) {
            Ok(Decoded::Complete { value, used }) => {
                match value {
                    Message::Request { msgid, .. } => ids.push(msgid),
                    Message::Notification { .. } => {}
                    Message::Response { .. } => return Owed::Nothing,
                }
                at += used;
            }
            Ok(Decoded::NeedMore { .. }) => return Owed::Prefix(ids),
            Err(_) => return Owed::Nothing,
        }
    }
    Owed::Replies(ids)
}

/// A msgid for the probe that no request of the input uses.
fn probe_id(ids: &[u32]) -> u32 {
    (0x7fff_0000u32..).find(|i| !ids.contains(i)).unwrap_or(0)
}

/// After the input, the server must answer a call on a new connection (or, for a command, a
/// new process): `Err` says it did not.
fn serves(t: &Target) -> Result<(), String> {
    let mut tr = Trace::default();
    let mut c = Conn::open(t, &mut tr)?;
    c.call(97, NO_SUCH_METHOD, vec![])
        .map(drop)
        .map_err(|e| format!("then a new connection got no response: {e}"))
}

/// Sends `input` on a fresh connection and judges the answers against what the spec owes:
/// every request our strict decoder reads gets exactly one well-formed response with its msgid
/// (error or result: the method may not exist), a notification none, and the connection keeps
/// serving: a probe request sent after the input is answered (responses may come in any
/// order, so the probe's may come first). An input we refuse may be answered, ignored or end
/// the connection; then only a new connection's call is judged. Classes: `no-reply`,
/// `wrong-reply` (keyed: `msgid`, a response with a msgid no request had; `second`, a second
/// response to one request),
/// `reply-to-notification`, `malformed-reply` (bytes our decoder refuses, or a response only a
/// lenient decoder reads), `server-down`.
pub fn fuzz_exchange(t: &Target, input: &[u8]) -> FuzzVerdict {
    let owed = owed_by(input);
    let mut tr = Trace::default();
    let mut c = match Conn::open(t, &mut tr) {
        Ok(c) => c,
        Err(e) => return FuzzVerdict::Broken("server-down", e),
    };
    if let Err(e) = c.send_raw(input, "fuzz input") {
        drop(c);
        return match serves(t) {
            Ok(()) => FuzzVerdict::Ok,
            Err(d) => FuzzVerdict::Broken("server-down", format!("{e}; {d}")),
        };
    }
    let (mut missing, whole) = match &owed {
        Owed::Nothing => {
            drop(c);
            return match serves(t) {
                // A command's process may end after bytes it cannot read; a new one is judged.
                Ok(()) => FuzzVerdict::Ok,
                Err(d) => FuzzVerdict::Broken("server-down", d),
            };
        }
        Owed::Replies(ids) => (ids.clone(), true),
        Owed::Prefix(ids) => (ids.clone(), false),
    };
    let notifications = matches!(&owed, Owed::Replies(ids) if ids.is_empty());
    // On a stream that holds the whole input, a probe shows the end of the server's answers.
    let probe = probe_id(&missing);
    if whole {
        if let Err(e) = c.send(
            &OwnedMessage::request(probe, NO_SUCH_METHOD, vec![]),
            &format!("probe request {probe}"),
        ) {
            return FuzzVerdict::Broken("no-reply", format!("the probe could not be sent: {e}"));
        }
    }
    let mut probe_seen = !whole;
    let owed_count = missing.len();
    let owed_ids = missing.clone();
    for _ in 0..owed_count + 64 {
        if missing.is_empty() && probe_seen {
            break;
        }
        match c.recv_within(t.timeout) {
            Got::Message(OwnedMessage::Response { msgid, .. }, Some(e)) => {
                return FuzzVerdict::Broken(
                    "malformed-reply",
                    format!("the response with msgid {msgid} breaks the MessagePack-RPC format ({e}); only a lenient decoder reads it"),
                )
            }
            Got::Message(OwnedMessage::Response { msgid, .. }, None) => {
                if let Some(i) = missing.iter().position(|m| *m == msgid) {
                    missing.swap_remove(i);
                } else if msgid == probe && !probe_seen {
                    probe_seen = true;
                } else if notifications {
                    return FuzzVerdict::Broken(
                        "reply-to-notification",
                        format!("a response (msgid {msgid}) where only notifications were sent"),
                    );
                } else if owed_ids.contains(&msgid) || msgid == probe {
                    return FuzzVerdict::Keyed(
                        "wrong-reply",
                        "second".into(),
                        format!("a second response with msgid {msgid}, whose request was answered already"),
                    );
                } else {
                    return FuzzVerdict::Keyed(
                        "wrong-reply",
                        "msgid".into(),
                        format!("a response with msgid {msgid}, which no request of the input had"),
                    );
                }
            }
            // Requests and notifications the server sends on its own are its business.
            Got::Message(..) => {}
            Got::Bad(e) => return FuzzVerdict::Broken("malformed-reply", e),
            g @ (Got::Closed | Got::Timeout) => {
                let how = if matches!(g, Got::Closed) {
                    "the server closed the connection"
                } else {
                    "nothing more came in time"
                };
                drop(c);
                if let Err(d) = serves(t) {
                    return FuzzVerdict::Broken("server-down", d);
                }
                return FuzzVerdict::Broken(
                    "no-reply",
                    if missing.is_empty() {
                        format!("{how} before the probe request sent after the input was answered")
                    } else {
                        format!("{how}; no response to the request(s) with msgid {missing:?}")
                    },
                );
            }
        }
    }
    if !missing.is_empty() || !probe_seen {
        return FuzzVerdict::Broken(
            "no-reply",
            format!("after 64 other messages, still no response to msgid {missing:?}"),
        );
    }
    drop(c);
    match serves(t) {
        Ok(()) => FuzzVerdict::Ok,
        Err(d) => FuzzVerdict::Broken("server-down", d),
    }
}

#[cfg(test)]
mod fuzz_tests {
    use super::*;

    #[test]
    fn what_an_input_is_owed() {
        let req = |id| OwnedMessage::request(id, "m", vec![]).to_vec();
        let note = OwnedMessage::notification("n", vec![]).to_vec();
        assert_eq!(owed_by(&req(5)), Owed::Replies(vec![5]));
        assert_eq!(owed_by(&note), Owed::Replies(vec![]));
        let two = [req(1), note.clone(), req(1)].concat();
        assert_eq!(owed_by(&two), Owed::Replies(vec![1, 1]));
        let cut = [req(3), req(4)[..2].to_vec()].concat();
        assert_eq!(owed_by(&cut), Owed::Prefix(vec![3]));
        assert_eq!(owed_by(&[0xc1]), Owed::Nothing);
        assert_eq!(
            owed_by(&OwnedMessage::result(1, Value::Nil).to_vec()),
            Owed::Nothing
        );
        assert_eq!(probe_id(&[0x7fff_0000]), 0x7fff_0001);
    }
}
