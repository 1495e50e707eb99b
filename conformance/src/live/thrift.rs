//! Live checks of an Apache Thrift server of the test service
//! (`conformance/live/thrift/conformance.thrift`, documented in docs/live/thrift.md), over TCP,
//! in the binary or compact protocol, framed, buffered (unframed) or in THeader frames
//! (`doc/specs/HeaderFormat.md`), using only msgwire's codec.
//!
//! Spec: Apache Thrift's `doc/specs/thrift-rpc.md` (the message exchange: seqid echoed, name
//! copied, `Reply` for results and declared exceptions, `Exception` carrying a
//! `TApplicationException` for the rest, no response to `Oneway`; frame lengths
//! `0 <= length <= 16384000`), `thrift-binary-protocol.md` and `thrift-compact-protocol.md`
//! (headers, versions, protocol id). Where those documents fix nothing (what a server does with
//! bytes it cannot read), the case says *derived* and what it accepts. Every message the server
//! sends is decoded under the strict profile too: one only a lenient decoder reads fails.
//!
//! Values are compared exactly (doubles bit for bit), except that a set's elements and a map's
//! entries may come back in any order, a struct's fields in any order of ids ("the fields can be
//! encoded in any order", both protocol documents), and two empty maps are equal whatever their key and value types (the compact
//! protocol does not write them).

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use msgwire::thrift::{
    header, ApplicationExceptionType, Decoder, Framing, HeaderFrame, List, Map, Message,
    MessageType, OwnedHeaderFrame, OwnedMessage, Profile, Protocol, Splitter, Struct, TType, Value,
};

use super::{left, Case, FuzzVerdict, Level, Outcome, Trace};

/// The server to check.
#[derive(Debug, Clone)]
pub struct Target {
    /// `host:port`.
    pub addr: String,
    /// The wire protocol it speaks.
    pub protocol: Protocol,
    /// Framed or buffered (unframed).
    pub framing: Framing,
    /// Bound on every wait.
    pub timeout: Duration,
}

impl Target {
    /// `host:port` (a `tcp://` prefix is allowed), `binary|compact`, `framed|buffered`.
    pub fn new(
        addr: Option<&str>,
        protocol: Option<&str>,
        transport: Option<&str>,
        timeout: Duration,
    ) -> Result<Target, String> {
        let addr = addr.ok_or("give the server as HOST:PORT")?;
        let addr = addr
            .strip_prefix("tcp://")
            .unwrap_or(addr)
            .trim_end_matches('/')
            .to_string();
        let protocol = match protocol.unwrap_or("binary") {
            "binary" => Protocol::Binary,
            "compact" => Protocol::Compact,
            p => return Err(format!("--protocol {p}: binary or compact")),
        };
        let framing = match transport.unwrap_or("buffered") {
            "buffered" | "unframed" => Framing::Unframed,
            "framed" => Framing::Framed,
            "header" => Framing::Header,
            f => return Err(format!("--transport {f}: framed, buffered or header")),
        };
        Ok(Target {
            addr,
            protocol,
            framing,
            timeout,
        })
    }

    /// `binary/framed`, for reports.
    pub fn describe(&self) -> String {
        format!(
            "{}/{}",
            match self.protocol {
                Protocol::Compact => "compact",
                _ => "binary",
            },
            match self.framing {
                Framing::Framed => "framed",
                Framing::Unframed => "buffered",
                Framing::Header => "header",
            }
        )
    }

    /// A TCP connect: run once before any case.
    pub fn probe(&self) -> Result<(), String> {
        connect(&self.addr, self.timeout).map(drop)
    }

    /// A message as this target's protocol and transport put it on the wire.
    fn wire(&self, m: &OwnedMessage) -> Vec<u8> {
        match self.framing {
            Framing::Framed => m.to_framed_vec(self.protocol),
            Framing::Unframed => m.to_vec(self.protocol),
            Framing::Header => OwnedHeaderFrame::new(m.clone(), self.protocol).to_vec(),
        }
    }

    /// `payload` (a message, or bytes standing for one) with the frame length when framed, in a
    /// THeader frame (the target's protocol id, seqid 0) under THeader.
    fn framed(&self, payload: &[u8]) -> Vec<u8> {
        match self.framing {
            Framing::Framed => {
                let mut v = (payload.len() as u32).to_be_bytes().to_vec();
                v.extend_from_slice(payload);
                v
            }
            Framing::Unframed => payload.to_vec(),
            Framing::Header => {
                let mut v = Vec::with_capacity(payload.len() + 16);
                header::encode_payload(self.protocol, 0, payload, &mut v);
                v
            }
        }
    }
}

fn connect(addr: &str, timeout: Duration) -> Result<TcpStream, String> {
    let sa = addr
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {addr}: {e}"))?
        .next()
        .ok_or_else(|| format!("no address for {addr}"))?;
    TcpStream::connect_timeout(&sa, timeout).map_err(|e| format!("cannot connect to {addr}: {e}"))
}

/// A connection: bytes come from a reader thread, so every wait has a deadline.
struct Conn<'t> {
    stream: TcpStream,
    incoming: Receiver<Vec<u8>>,
    splitter: Splitter,
    trace: &'t mut Trace,
    timeout: Duration,
    protocol: Protocol,
    framing: Framing,
}

/// The reader thread holds a clone of the stream: shut the socket down so its read ends (a
/// server that keeps the connection open would otherwise keep one thread per connection alive,
/// and `msgwire fuzz thrift-server` opens thousands: it ran out of threads after some minutes).
impl Drop for Conn<'_> {
    fn drop(&mut self) {
        let _ = self.stream.shutdown(std::net::Shutdown::Both);
    }
}

enum Got {
    /// A message, and the strict decoder's complaint when only the lenient profile reads it.
    Message(OwnedMessage, Option<String>),
    Closed,
    Timeout,
    Bad(String),
}

fn reader_thread(mut source: TcpStream) -> Receiver<Vec<u8>> {
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

fn describe(m: &OwnedMessage) -> String {
    match m.application_exception_ref() {
        Some((text, kind)) => format!(
            "{} {:?} seqid {}: TApplicationException type {kind}{}",
            m.kind.name(),
            m.name,
            m.seqid,
            text.map(|t| format!(" {:?}", brief_str(t)))
                .unwrap_or_default()
        ),
        None => format!(
            "{} {:?} seqid {}: {}",
            m.kind.name(),
            m.name,
            m.seqid,
            brief(&Value::Struct(m.body.clone()))
        ),
    }
}

fn brief_str(s: &str) -> String {
    if s.len() <= 200 {
        return s.to_string();
    }
    let cut = (0..=200)
        .rev()
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(0);
    format!("{}…", &s[..cut])
}

/// `{v:?}`, at most 300 bytes.
fn brief(v: &Value) -> String {
    let s = format!("{v:?}");
    if s.len() <= 300 {
        return s;
    }
    let cut = (0..=300)
        .rev()
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(0);
    format!("{}…", &s[..cut])
}

impl<'t> Conn<'t> {
    fn open(t: &Target, trace: &'t mut Trace) -> Result<Conn<'t>, String> {
        let s = connect(&t.addr, t.timeout)?;
        s.set_write_timeout(Some(t.timeout)).ok();
        s.set_nodelay(true).ok();
        let r = s.try_clone().map_err(|e| e.to_string())?;
        let decoder = Decoder {
            profile: Profile::Lenient,
            ..Decoder::new(t.protocol, t.framing)
        };
        Ok(Conn {
            stream: s,
            incoming: reader_thread(r),
            splitter: Splitter::new(decoder),
            trace,
            timeout: t.timeout,
            protocol: t.protocol,
            framing: t.framing,
        })
    }

    fn send_raw(&mut self, bytes: &[u8], what: &str) -> Result<(), String> {
        self.trace.log(">", bytes, what);
        self.stream
            .write_all(bytes)
            .and_then(|_| self.stream.flush())
            .map_err(|e| format!("write: {e}"))
    }

    fn send(&mut self, t: &Target, m: &OwnedMessage) -> Result<(), String> {
        self.send_raw(&t.wire(m), &describe(m))
    }

    /// No more bytes from us: the server reads end-of-stream.
    fn half_close(&mut self) {
        self.trace
            .log("!", &[], "half-closed (no more bytes from msgwire)");
        let _ = self.stream.shutdown(Shutdown::Write);
    }

    fn recv_within(&mut self, wait: Duration) -> Got {
        let deadline = Instant::now() + wait;
        loop {
            match self.splitter.next_frame() {
                Ok(Some(frame)) => {
                    let limits = msgwire::thrift::Limits::default();
                    // Under THeader the frame is the header and the message: the header names
                    // the reply's protocol.
                    let decode = |profile| match self.framing {
                        Framing::Header => HeaderFrame::read(&frame, &limits, profile).map(|f| {
                            msgwire::Decoded::Complete {
                                value: f.message,
                                used: frame.len(),
                            }
                        }),
                        _ => Message::decode_with(&frame, self.protocol, &limits, profile),
                    };
                    let strict = match decode(Profile::Strict) {
                        Ok(_) => None,
                        Err(e) => Some(e.to_string()),
                    };
                    let lenient = decode(Profile::Lenient);
                    return match lenient.map(|d| d.complete()) {
                        Ok(Some((m, _))) => {
                            let m = m.into_owned();
                            self.trace.log("<", &frame, describe(&m));
                            Got::Message(m, strict)
                        }
                        Ok(None) => Got::Bad("a frame holding part of a message".into()),
                        Err(e) => {
                            self.trace.log("<", &frame, format!("not a message: {e}"));
                            Got::Bad(format!("the server sent bytes msgwire rejects: {e}"))
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

    /// The next message (a reply or an exception), well-formed.
    fn response(&mut self) -> Result<OwnedMessage, String> {
        match self.recv_within(self.timeout) {
            Got::Message(m, Some(e)) => Err(format!(
                "the {} with seqid {} breaks the protocol ({e}); only a lenient decoder reads it",
                m.kind.name(),
                m.seqid
            )),
            Got::Message(m, None) => Ok(m),
            Got::Closed => Err("the server closed the connection".into()),
            Got::Timeout => Err(format!("no response within {:?}", self.timeout)),
            Got::Bad(e) => Err(e),
        }
    }

    fn call(&mut self, t: &Target, m: &OwnedMessage) -> Result<OwnedMessage, String> {
        self.send(t, m)?;
        self.response()
    }
}

macro_rules! open_or_fail {
    ($t:expr, $tr:expr) => {
        match Conn::open($t, $tr) {
            Ok(c) => c,
            Err(e) => return Outcome::Fail(format!("set-up failed: {e}")),
        }
    };
}

/// Whether two values are the same: doubles bit for bit; sets, maps and struct fields in any
/// order.
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Double(x), Value::Double(y)) => x.to_bits() == y.to_bits(),
        (Value::Struct(x), Value::Struct(y)) => same_struct(x, y),
        (Value::List(x), Value::List(y)) => {
            x.elem_type() == y.elem_type()
                && x.items().len() == y.items().len()
                && x.items().iter().zip(y.items()).all(|(a, b)| same(a, b))
        }
        (Value::Set(x), Value::Set(y)) => {
            x.elem_type() == y.elem_type() && unordered(x.items(), y.items(), same)
        }
        // The compact protocol writes an empty map as one 0 byte, without its key and value
        // types: two empty maps are the same map whatever types the decoder gave them.
        (Value::Map(x), Value::Map(y)) if x.entries().is_empty() && y.entries().is_empty() => true,
        (Value::Map(x), Value::Map(y)) => {
            x.key_type() == y.key_type()
                && x.value_type() == y.value_type()
                && unordered(x.entries(), y.entries(), |a, b| {
                    same(&a.0, &b.0) && same(&a.1, &b.1)
                })
        }
        _ => a == b,
    }
}

/// The same struct: the same field ids, each with the same value, in any order.
pub fn same_struct(x: &Struct, y: &Struct) -> bool {
    unordered(&x.fields, &y.fields, |a, b| a.0 == b.0 && same(&a.1, &b.1))
}

/// Each of `a` matched to a distinct equal element of `b` (quadratic: the suite's values are
/// small).
fn unordered<T>(a: &[T], b: &[T], eq: impl Fn(&T, &T) -> bool) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut used = vec![false; b.len()];
    a.iter()
        .all(|x| match (0..b.len()).find(|&i| !used[i] && eq(x, &b[i])) {
            Some(i) => {
                used[i] = true;
                true
            }
            None => false,
        })
}

fn list(elem: TType, items: Vec<Value>) -> List {
    List::new(elem, items).expect("the suite's lists are typed")
}

fn inner(n: i32, s: &str) -> Value {
    Value::Struct(Struct::new().with(1, n).with(2, s))
}

fn grid() -> Value {
    Value::List(list(
        TType::List,
        vec![
            Value::List(list(
                TType::I32,
                vec![1.into(), (-1).into(), i32::MAX.into()],
            )),
            Value::List(list(TType::I32, vec![])),
            Value::List(list(TType::I32, vec![i32::MIN.into()])),
        ],
    ))
}

/// An `Everything` with every field but the optional `maybe` (13) set; `answer` (14) as given.
fn everything(answer: Option<i32>) -> Struct {
    let tags = Value::Set(list(
        TType::Binary,
        vec!["a".into(), "b".into(), "ünï".into()],
    ));
    let index = Value::Map(
        Map::new(
            TType::Binary,
            TType::List,
            vec![
                (
                    "one".into(),
                    Value::List(list(TType::Struct, vec![inner(1, "x")])),
                ),
                ("none".into(), Value::List(list(TType::Struct, vec![]))),
            ],
        )
        .expect("typed"),
    );
    let mut s = Struct::new()
        .with(1, true)
        .with(2, -7i8)
        .with(3, -300i16)
        .with(4, 70_000i32)
        .with(5, -(1i64 << 40))
        .with(6, 2.5f64)
        .with(7, "text ✓")
        .with(8, vec![0u8, 255, 128, 10])
        .with(9, inner(-5, "inner"))
        .with(10, grid())
        .with(11, tags)
        .with(12, index);
    if let Some(a) = answer {
        s = s.with(14, a);
    }
    s
}

/// Calls `method` once per argument (field 1), each on the same connection with its own seqid,
/// and checks every reply is a `Reply` named `method`, with the seqid, whose result struct is
/// exactly `{0: argument}`.
fn echoes(t: &Target, tr: &mut Trace, method: &str, args: Vec<Value>) -> Outcome {
    let mut c = open_or_fail!(t, tr);
    let n = args.len();
    for (i, arg) in args.into_iter().enumerate() {
        let seqid = 100 + i as i32;
        let call = OwnedMessage::call(method, seqid, Struct::new().with(1, arg.clone()));
        let got = match c.call(t, &call) {
            Ok(m) => m,
            Err(e) => return Outcome::Fail(format!("{method}({}): {e}", brief(&arg))),
        };
        let want = Struct::new().with(0, arg.clone());
        if let Err(e) = is_reply(&got, method, seqid, &want) {
            return Outcome::Fail(format!("{method}({}): {e}", brief(&arg)));
        }
    }
    Outcome::Pass(format!(
        "{n} value{} came back exactly",
        if n == 1 { "" } else { "s" }
    ))
}

/// A `Reply` to `name` with `seqid` whose body is `want`.
fn is_reply(got: &OwnedMessage, name: &str, seqid: i32, want: &Struct) -> Result<(), String> {
    if got.kind != MessageType::Reply {
        return Err(format!(
            "a {} came back: {}",
            got.kind.name(),
            describe(got)
        ));
    }
    if got.seqid != seqid {
        return Err(format!(
            "the reply has seqid {}, the call had {seqid}",
            got.seqid
        ));
    }
    if got.name != name {
        return Err(format!(
            "the reply is named {:?}, the call {name:?}",
            got.name
        ));
    }
    if !same_struct(&got.body, want) {
        return Err(format!(
            "result struct {}, expected {}",
            brief(&Value::Struct(got.body.clone())),
            brief(&Value::Struct(want.clone()))
        ));
    }
    Ok(())
}

/// The name of a method the test service does not have.
const NO_SUCH_METHOD: &str = "msgwire.check.no-such-method";

/// What the server did with bytes it cannot take as a call.
enum Refusal {
    Closed,
    Exception(OwnedMessage),
}

/// Sends `bad` (then, with `half_close`, ends our side of the stream) and waits for the server
/// to refuse it: an `Exception` message or closing the connection, within the timeout. A reply
/// (the bytes taken as a call), silence with the connection open (a hang), or bytes msgwire
/// cannot read fail. Afterwards the server must still answer `ping` on a new connection.
fn refuses(
    t: &Target,
    tr: &mut Trace,
    bad: &[u8],
    what: &str,
    half_close: bool,
) -> Result<Refusal, String> {
    let mut c = Conn::open(t, tr).map_err(|e| format!("set-up failed: {e}"))?;
    c.send_raw(bad, what)?;
    if half_close {
        c.half_close();
    }
    let refusal = match c.recv_within(t.timeout) {
        Got::Closed => Refusal::Closed,
        Got::Message(m, None) if m.kind == MessageType::Exception => Refusal::Exception(m),
        Got::Message(m, Some(e)) => {
            return Err(format!(
                "answered with a message that breaks the protocol ({e}): {}",
                describe(&m)
            ))
        }
        Got::Message(m, None) => {
            return Err(format!(
                "answered as if it were a valid call: {}",
                describe(&m)
            ))
        }
        Got::Timeout => {
            return Err(format!(
                "neither an exception nor a close within {:?}: the connection hangs",
                t.timeout
            ))
        }
        Got::Bad(e) => return Err(e),
    };
    drop(c);
    still_serves(t)?;
    Ok(refusal)
}

/// `ping` answered on a new connection.
fn still_serves(t: &Target) -> Result<(), String> {
    let mut tr = Trace::default();
    let mut c = Conn::open(t, &mut tr).map_err(|e| format!("the server is gone: {e}"))?;
    let got = c
        .call(t, &OwnedMessage::call("ping", 1, Struct::new()))
        .map_err(|e| format!("then no answer to ping on a new connection: {e}"))?;
    is_reply(&got, "ping", 1, &Struct::new())
        .map_err(|e| format!("then ping on a new connection: {e}"))
}

/// [`refuses`] as an outcome: a close or any exception passes.
fn refused(t: &Target, tr: &mut Trace, bad: &[u8], what: &str, half_close: bool) -> Outcome {
    match refuses(t, tr, bad, what, half_close) {
        Ok(Refusal::Closed) => {
            Outcome::Pass("closed the connection; answers ping on a new one".into())
        }
        Ok(Refusal::Exception(m)) => Outcome::Pass(format!(
            "{}; answers ping on a new connection",
            describe(&m)
        )),
        Err(e) => Outcome::Fail(e),
    }
}

/// The header of a message in `t`'s protocol with a raw message type byte.
fn header_with_type(protocol: Protocol, kind: u8, name: &str, seqid: i32) -> Vec<u8> {
    let m = OwnedMessage::call(name, seqid, Struct::new()).to_vec(protocol);
    let mut m = m[..m.len() - 1].to_vec(); // without the body's stop byte
    match protocol {
        Protocol::Compact => m[1] = (kind << 5) | 1,
        _ => m[3] = kind,
    }
    m
}

/// An `echoString` call whose string length field is replaced by `len` (binary: 4 bytes
/// big-endian; compact: the varint of `len` as u32), followed by `tail` bytes of text.
fn string_call_with_length(protocol: Protocol, len: i32, tail: usize) -> Vec<u8> {
    let mut m = header_with_type(protocol, 1, "echoString", 61);
    match protocol {
        Protocol::Compact => {
            m.push(0x18); // field 1 (delta 1), type binary (8)
            let mut v = u64::from(len as u32);
            loop {
                let b = (v & 0x7f) as u8;
                v >>= 7;
                if v == 0 {
                    m.push(b);
                    break;
                }
                m.push(b | 0x80);
            }
        }
        _ => {
            m.extend_from_slice(&[11, 0, 1]); // type string, field 1
            m.extend_from_slice(&len.to_be_bytes());
        }
    }
    m.extend(std::iter::repeat_n(b'z', tail));
    m
}

fn seqid_echo(t: &Target, tr: &mut Trace) -> Outcome {
    let mut c = open_or_fail!(t, tr);
    let ids = [0, 1, -1, i32::MAX, i32::MIN];
    for seqid in ids {
        let call = OwnedMessage::call("echoI32", seqid, Struct::new().with(1, 5i32));
        match c.call(t, &call) {
            Ok(m) if m.seqid == seqid => {}
            Ok(m) => {
                return Outcome::Fail(format!(
                    "the call had seqid {seqid}, the response {}: {}",
                    m.seqid,
                    describe(&m)
                ))
            }
            Err(e) => return Outcome::Fail(format!("seqid {seqid}: {e}")),
        }
    }
    Outcome::Pass(format!("seqids {ids:?} echoed"))
}

fn oneway(t: &Target, tr: &mut Trace) -> Outcome {
    let mut c = open_or_fail!(t, tr);
    let text = format!("msgwire-note-{}", std::process::id());
    let note = OwnedMessage::new(
        "note",
        MessageType::Oneway,
        41,
        Struct::new().with(1, text.as_str()),
    );
    if let Err(e) = c.send(t, &note) {
        return Outcome::Fail(e);
    }
    let read = OwnedMessage::call("lastNote", 42, Struct::new());
    match c.call(t, &read) {
        Ok(m) if m.seqid == 41 => {
            Outcome::Fail(format!("a response to the oneway call: {}", describe(&m)))
        }
        Ok(m) => match is_reply(&m, "lastNote", 42, &Struct::new().with(0, text.as_str())) {
            Ok(()) => Outcome::Pass(
                "no response to the oneway note; the next call on the connection returns its value"
                    .into(),
            ),
            Err(e) => Outcome::Fail(format!("lastNote after the oneway note: {e}")),
        },
        Err(e) => Outcome::Fail(format!("lastNote after the oneway note: {e}")),
    }
}

fn oneway_unknown(t: &Target, tr: &mut Trace) -> Outcome {
    let mut c = open_or_fail!(t, tr);
    let call = OwnedMessage::new(NO_SUCH_METHOD, MessageType::Oneway, 43, Struct::new());
    if let Err(e) = c.send(t, &call) {
        return Outcome::Fail(e);
    }
    let next = OwnedMessage::call("echoI32", 44, Struct::new().with(1, 4i32));
    match c.call(t, &next) {
        Ok(m) if m.seqid == 43 => {
            Outcome::Fail(format!("a response to the oneway call: {}", describe(&m)))
        }
        Ok(m) => match is_reply(&m, "echoI32", 44, &Struct::new().with(0, 4i32)) {
            Ok(()) => Outcome::Pass(
                "no response to the oneway call of an unknown method; the next call is answered"
                    .into(),
            ),
            Err(e) => Outcome::Fail(format!("the call after the oneway one: {e}")),
        },
        Err(e) => Outcome::Fail(format!("the call after the oneway one: {e}")),
    }
}

/// Calls on two connections at once, each answered on its own.
fn two_connections(t: &Target, tr: &mut Trace) -> Outcome {
    let mut a = open_or_fail!(t, tr);
    let mut other = Trace::default();
    let mut b = match Conn::open(t, &mut other) {
        Ok(c) => c,
        Err(e) => return Outcome::Fail(format!("a second connection: {e}")),
    };
    let call = |seqid: i32, v: i32| OwnedMessage::call("echoI32", seqid, Struct::new().with(1, v));
    if let Err(e) = a
        .send(t, &call(31, 1))
        .and_then(|_| b.send(t, &call(31, 2)))
    {
        return Outcome::Fail(e);
    }
    // B first: a server that serves one connection at a time never gets to it.
    let got_b = b
        .response()
        .and_then(|m| is_reply(&m, "echoI32", 31, &Struct::new().with(0, 2i32)));
    if let Err(e) = got_b {
        return Outcome::Fail(format!(
            "connection B (opened second, same seqid 31, value 2): {e}"
        ));
    }
    match a
        .response()
        .and_then(|m| is_reply(&m, "echoI32", 31, &Struct::new().with(0, 1i32)))
    {
        Ok(()) => Outcome::Pass("each connection got its own reply while both were open".into()),
        Err(e) => Outcome::Fail(format!("connection A (value 1): {e}")),
    }
}

/// A call of `fail(code 7, why "w")` whose argument struct is `fields` (in that order, with
/// whatever else they hold); the reply must be the declared exception for 7 and "w".
fn fail_call(t: &Target, tr: &mut Trace, fields: Vec<(i16, Value)>, pass: &str) -> Outcome {
    let mut c = open_or_fail!(t, tr);
    let call = OwnedMessage::call("fail", 12, Struct { fields });
    let want = Struct::new().with(1, Struct::new().with(1, 7i32).with(2, "w"));
    match c
        .call(t, &call)
        .and_then(|m| is_reply(&m, "fail", 12, &want))
    {
        Ok(()) => Outcome::Pass(pass.into()),
        Err(e) => Outcome::Fail(e),
    }
}

fn fields_any_order(t: &Target, tr: &mut Trace) -> Outcome {
    fail_call(
        t,
        tr,
        vec![(2, "w".into()), (1, 7i32.into())],
        "fields 2 then 1 read by id: Oops{7, \"w\"}",
    )
}

fn unknown_fields(t: &Target, tr: &mut Trace) -> Outcome {
    let nested = Value::Struct(
        Struct::new()
            .with(1, grid())
            .with(
                2,
                Value::Map(
                    Map::new(
                        TType::Binary,
                        TType::Double,
                        vec![("x".into(), 1.5f64.into())],
                    )
                    .expect("typed"),
                ),
            )
            .with(3, Value::Set(list(TType::Bool, vec![true.into()]))),
    );
    fail_call(
        t,
        tr,
        vec![
            (99, nested),
            (1, 7i32.into()),
            (-3, i64::MAX.into()),
            (2, "w".into()),
            (1000, "not in the IDL".into()),
        ],
        "fields 99, -3 and 1000 (a struct of containers, an i64, a string) skipped",
    )
}

fn unknown_binary_field(t: &Target, tr: &mut Trace) -> Outcome {
    fail_call(
        t,
        tr,
        vec![
            (1, 7i32.into()),
            (2, "w".into()),
            (50, Value::Binary(vec![0xff, 0xfe, 0x00])),
        ],
        "a binary field 50 holding ff fe 00 skipped",
    )
}

fn oneway_sent_as_call(t: &Target, tr: &mut Trace) -> Outcome {
    let mut c = open_or_fail!(t, tr);
    let text = format!("msgwire-call-note-{}", std::process::id());
    let note = OwnedMessage::call("note", 45, Struct::new().with(1, text.as_str()));
    if let Err(e) = c.send(t, &note) {
        return Outcome::Fail(e);
    }
    let first = match c.recv_within(t.timeout / 2) {
        Got::Message(m, _) => Some(m),
        Got::Timeout => None,
        Got::Closed => return Outcome::Info("closed the connection".into()),
        Got::Bad(e) => return Outcome::Fail(e),
    };
    let read = OwnedMessage::call("lastNote", 46, Struct::new());
    let after = match c.call(t, &read) {
        Ok(m) if m.seqid == 46 => match m.body.get(0).and_then(Value::as_str) {
            Some(v) if v == text => "the note was run",
            _ => "the note was not run",
        },
        Ok(_) => "lastNote was not answered in turn",
        Err(_) => "lastNote got no reply",
    };
    Outcome::Info(match first {
        Some(m) => format!(
            "answered the Call of the oneway method with {}; {after}",
            describe(&m)
        ),
        None => format!("no reply to the Call of the oneway method; {after}"),
    })
}

fn unknown_method(t: &Target, tr: &mut Trace) -> Outcome {
    let mut c = open_or_fail!(t, tr);
    let call = OwnedMessage::call(NO_SUCH_METHOD, 77, Struct::new().with(1, 5i32));
    let m = match c.call(t, &call) {
        Ok(m) => m,
        Err(e) => return Outcome::Fail(e),
    };
    match m.application_exception_ref() {
        Some((_, kind)) if kind == ApplicationExceptionType::UNKNOWN_METHOD && m.seqid == 77 => {
            if m.name == NO_SUCH_METHOD {
                Outcome::Pass(describe(&m))
            } else {
                Outcome::Fail(format!("the name is not copied: {}", describe(&m)))
            }
        }
        Some(_) if m.seqid != 77 => Outcome::Fail(format!(
            "the call had seqid 77, the exception {}: {}",
            m.seqid,
            describe(&m)
        )),
        Some(_) => Outcome::Fail(format!("not UNKNOWN_METHOD (1): {}", describe(&m))),
        None => Outcome::Fail(format!("not an exception: {}", describe(&m))),
    }
}

fn unknown_method_then_usable(t: &Target, tr: &mut Trace) -> Outcome {
    let mut c = open_or_fail!(t, tr);
    let call = OwnedMessage::call(NO_SUCH_METHOD, 78, Struct::new());
    if let Err(e) = c.call(t, &call) {
        return Outcome::Fail(e);
    }
    match c.call(
        t,
        &OwnedMessage::call("echoI32", 79, Struct::new().with(1, 3i32)),
    ) {
        Ok(m) => match is_reply(&m, "echoI32", 79, &Struct::new().with(0, 3i32)) {
            Ok(()) => Outcome::Pass("the next call on the same connection is answered".into()),
            Err(e) => Outcome::Fail(e),
        },
        Err(e) => Outcome::Fail(format!("the next call on the same connection: {e}")),
    }
}

/// A message of type `kind` (not a call) sent to a server: `INVALID_MESSAGE_TYPE` or a close.
/// A message of type `kind` named `echoI32` with seqid 55 whose body is a result struct
/// `{0: i32 1}`.
fn result_message(protocol: Protocol, kind: u8) -> Vec<u8> {
    let mut m = header_with_type(protocol, kind, "echoI32", 55);
    match protocol {
        // long form: type i32 with delta 0, then field id 0 as a zigzag varint
        Protocol::Compact => m.extend_from_slice(&[0x05, 0x00, 0x02, 0x00]),
        _ => m.extend_from_slice(&[8, 0, 0, 0, 0, 0, 1, 0]),
    }
    m
}

fn not_a_call(t: &Target, tr: &mut Trace, kind: u8, what: &str) -> Outcome {
    let m = result_message(t.protocol, kind);
    match refuses(t, tr, &t.framed(&m), what, false) {
        Ok(Refusal::Closed) => {
            Outcome::Pass("closed the connection; answers ping on a new one".into())
        }
        Ok(Refusal::Exception(e)) => match e.application_exception_ref() {
            Some((_, k))
                if k == ApplicationExceptionType::INVALID_MESSAGE_TYPE && e.seqid == 55 =>
            {
                Outcome::Pass(describe(&e))
            }
            _ => Outcome::NonStrict(format!(
                "an exception, but not INVALID_MESSAGE_TYPE (2) with seqid 55: {}",
                describe(&e)
            )),
        },
        Err(e) => Outcome::Fail(e),
    }
}

fn bad_version(t: &Target, tr: &mut Trace) -> Outcome {
    let mut m = OwnedMessage::call("ping", 5, Struct::new()).to_vec(t.protocol);
    let what = match t.protocol {
        Protocol::Compact => {
            m[1] = (1 << 5) | 2;
            "a compact call with version 2 (the spec's version is 00001)"
        }
        _ => {
            m[1] = 0x02;
            "a strict binary call with version 0x8002 (the spec's is 0x8001)"
        }
    };
    refused(t, tr, &t.framed(&m), what, false)
}

fn other_protocol(t: &Target, tr: &mut Trace) -> Outcome {
    let other = match t.protocol {
        Protocol::Compact => Protocol::Binary,
        _ => Protocol::Compact,
    };
    let m = OwnedMessage::call("ping", 6, Struct::new()).to_vec(other);
    let what = match other {
        Protocol::Compact => "a compact call (first byte 0x82) to a binary server",
        _ => "a binary call (first byte 0x80, not protocol id 0x82) to a compact server",
    };
    refused(t, tr, &t.framed(&m), what, false)
}

fn oversized_frame(t: &Target, tr: &mut Trace) -> Outcome {
    if t.framing == Framing::Unframed {
        return Outcome::Unimplemented("a buffered transport has no frames".into());
    }
    let mut bad = 0x7fff_fff0u32.to_be_bytes().to_vec();
    bad.extend_from_slice(&OwnedMessage::call("ping", 7, Struct::new()).to_vec(t.protocol));
    refused(
        t,
        tr,
        &bad,
        "frame length 2147483632 (over 16384000), then a ping",
        false,
    )
}

fn negative_frame(t: &Target, tr: &mut Trace) -> Outcome {
    if t.framing == Framing::Unframed {
        return Outcome::Unimplemented("a buffered transport has no frames".into());
    }
    let mut bad = (-1i32).to_be_bytes().to_vec();
    bad.extend_from_slice(&OwnedMessage::call("ping", 7, Struct::new()).to_vec(t.protocol));
    refused(t, tr, &bad, "frame length -1, then a ping", false)
}

fn negative_length(t: &Target, tr: &mut Trace) -> Outcome {
    let m = string_call_with_length(t.protocol, -1, 8);
    let what = match t.protocol {
        Protocol::Compact => "echoString whose string length is varint ff ff ff ff 0f (-1 as i32)",
        _ => "echoString whose string length is ff ff ff ff (-1)",
    };
    refused(t, tr, &t.framed(&m), what, false)
}

fn oversized_string(t: &Target, tr: &mut Trace) -> Outcome {
    let m = string_call_with_length(t.protocol, 0x7fff_fff0, 8);
    refused(
        t,
        tr,
        &t.framed(&m),
        "echoString declaring a 2147483632-byte string, 8 bytes of it sent",
        false,
    )
}

fn truncated(t: &Target, tr: &mut Trace) -> Outcome {
    let whole = OwnedMessage::call(
        "echoString",
        8,
        Struct::new().with(1, "a string cut in half"),
    )
    .to_vec(t.protocol);
    let half = &whole[..whole.len() / 2];
    match t.framing {
        // The frame is whole; the message in it is not.
        Framing::Framed | Framing::Header => refused(
            t,
            tr,
            &t.framed(half),
            "a frame holding the first half of an echoString call",
            false,
        ),
        Framing::Unframed => refused(
            t,
            tr,
            half,
            "the first half of an echoString call, then end of stream",
            true,
        ),
    }
}

fn split_writes(t: &Target, tr: &mut Trace) -> Outcome {
    let mut c = open_or_fail!(t, tr);
    let call = OwnedMessage::call("echoString", 21, Struct::new().with(1, "split"));
    let wire = t.wire(&call);
    c.trace.log(
        ">",
        &wire,
        "echoString seqid 21, written one byte at a time",
    );
    for b in &wire {
        if let Err(e) = c.stream.write_all(&[*b]).and_then(|_| c.stream.flush()) {
            return Outcome::Fail(format!("write: {e}"));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    match c
        .response()
        .and_then(|m| is_reply(&m, "echoString", 21, &Struct::new().with(0, "split")))
    {
        Ok(()) => Outcome::Pass(format!(
            "answered a call that arrived in {} writes",
            wire.len()
        )),
        Err(e) => Outcome::Fail(e),
    }
}

fn pipelined(t: &Target, tr: &mut Trace) -> Outcome {
    let mut c = open_or_fail!(t, tr);
    let mut wire = Vec::new();
    for i in 0..3 {
        wire.extend(t.wire(&OwnedMessage::call(
            "echoI32",
            30 + i,
            Struct::new().with(1, i),
        )));
    }
    if let Err(e) = c.send_raw(&wire, "three echoI32 calls, seqids 30..=32, in one write") {
        return Outcome::Fail(e);
    }
    for i in 0..3 {
        match c
            .response()
            .and_then(|m| is_reply(&m, "echoI32", 30 + i, &Struct::new().with(0, i)))
        {
            Ok(()) => {}
            Err(e) => return Outcome::Fail(format!("response {}: {e}", i + 1)),
        }
    }
    Outcome::Pass("three replies, in order".into())
}

fn large_string(t: &Target, tr: &mut Trace) -> Outcome {
    let s = "0123456789abcdef".repeat(1 << 16); // 1 MiB
    let mut c = open_or_fail!(t, tr);
    let call = OwnedMessage::call("echoString", 90, Struct::new().with(1, s.as_str()));
    match c
        .call(t, &call)
        .and_then(|m| is_reply(&m, "echoString", 90, &Struct::new().with(0, s.as_str())))
    {
        Ok(()) => Outcome::Pass("1 MiB came back".into()),
        Err(e) => Outcome::Fail(e),
    }
}

fn void_reply(t: &Target, tr: &mut Trace) -> Outcome {
    let mut c = open_or_fail!(t, tr);
    match c
        .call(t, &OwnedMessage::call("ping", 9, Struct::new()))
        .and_then(|m| is_reply(&m, "ping", 9, &Struct::new()))
    {
        Ok(()) => Outcome::Pass("a reply with an empty result struct".into()),
        Err(e) => Outcome::Fail(e),
    }
}

fn declared_exception(t: &Target, tr: &mut Trace) -> Outcome {
    let mut c = open_or_fail!(t, tr);
    let call = OwnedMessage::call("fail", 10, Struct::new().with(1, 7i32).with(2, "why ✓"));
    let want = Struct::new().with(1, Struct::new().with(1, 7i32).with(2, "why ✓"));
    match c
        .call(t, &call)
        .and_then(|m| is_reply(&m, "fail", 10, &want))
    {
        Ok(()) => Outcome::Pass("a Reply whose field 1 is Oops{code: 7, why}".into()),
        Err(e) => Outcome::Fail(e),
    }
}

fn struct_echo(t: &Target, tr: &mut Trace, sent: Struct, want: Struct, what: &str) -> Outcome {
    let mut c = open_or_fail!(t, tr);
    let call = OwnedMessage::call("echoStruct", 11, Struct::new().with(1, sent));
    match c
        .call(t, &call)
        .and_then(|m| is_reply(&m, "echoStruct", 11, &Struct::new().with(0, want)))
    {
        Ok(()) => Outcome::Pass(what.into()),
        Err(e) => Outcome::Fail(e),
    }
}

const SUCCESS: &str = "\"The struct that follows the message of type `Reply` are structs in which exactly 1 of the following fields is encoded: A field with name `success` and id `0`, used in case the method completed normally.\" \"The server will use the same sequence id in the message of the response.\" \"The server copies the name in the response message.\" (*derived*: the test service's method returns its argument, so field 0 holds it unchanged)";
const REFUSE: &str = "*derived*: the spec does not say what a server does with bytes it cannot read; Thrift libraries close the connection (\"Unchecked exceptions lead to an immediate close of the connection\") or send an `Exception` (\"when the server could not encode or decode a message or struct\"). Either must come within bounded time, and the server must keep serving other connections.";

macro_rules! echo_case {
    ($id:literal, $method:literal, $section:literal, [$($v:expr),* $(,)?]) => {
        Case {
            id: concat!("thrift-server/echo/", $id),
            section: concat!("thrift-rpc.md: Response struct; ", $section),
            requirement: SUCCESS,
            level: Level::Must,
            accepts: concat!("a Reply to ", $method, " with the call's seqid and name whose result struct is exactly {0: the argument}, for every argument"),
            run: |t, tr| echoes(t, tr, $method, vec![$(Value::from($v)),*]),
        }
    };
}

/// Every Thrift server case.
pub fn cases() -> Vec<Case<Target>> {
    vec![
        echo_case!("bool", "echoBool", "bool", [true, false]),
        echo_case!("byte", "echoByte", "i8", [0i8, -1i8, i8::MIN, i8::MAX]),
        echo_case!("i16", "echoI16", "i16", [0i16, -1i16, i16::MIN, i16::MAX]),
        echo_case!("i32", "echoI32", "i32", [0i32, -1i32, i32::MIN, i32::MAX, 300i32]),
        echo_case!("i64", "echoI64", "i64", [0i64, -1i64, i64::MIN, i64::MAX, 1i64 << 40]),
        echo_case!("double", "echoDouble", "double (compared bit for bit)", [0.0f64, -0.0f64, 1.5f64, -1e308f64, 5e-324f64, f64::INFINITY, f64::NEG_INFINITY]),
        echo_case!("string", "echoString", "string (UTF-8)", ["", "ascii", "ünïcödé ✓ 𝄞", "a\u{0}b"]),
        echo_case!("binary", "echoBinary", "binary", [Vec::<u8>::new(), (0..=255u8).collect::<Vec<u8>>()]),
        Case {
            id: "thrift-server/echo/struct",
            section: "thrift-rpc.md: Response struct; struct with every type, nested list/set/map",
            requirement: SUCCESS,
            level: Level::Must,
            accepts: "the Everything struct back exactly (sets, maps and fields in any order)",
            run: |t, tr| {
                struct_echo(t, tr, everything(Some(7)), everything(Some(7)), "every field came back")
            },
        },
        Case {
            id: "thrift-server/echo/union",
            section: "thrift-rpc.md: Response struct; union",
            requirement: SUCCESS,
            level: Level::Must,
            accepts: "the union Choice{word} back exactly",
            run: |t, tr| {
                echoes(t, tr, "echoUnion", vec![
                    Value::Struct(Struct::new().with(2, "word")),
                    Value::Struct(Struct::new().with(1, i64::MIN)),
                ])
            },
        },
        Case {
            id: "thrift-server/echo/list",
            section: "thrift-rpc.md: Response struct; list<list<i32>>",
            requirement: SUCCESS,
            level: Level::Must,
            accepts: "the nested list back exactly, in order",
            run: |t, tr| echoes(t, tr, "echoList", vec![grid(), Value::List(list(TType::List, vec![]))]),
        },
        Case {
            id: "thrift-server/echo/set",
            section: "thrift-rpc.md: Response struct; set<i64>",
            requirement: SUCCESS,
            level: Level::Must,
            accepts: "the set back exactly (elements in any order)",
            run: |t, tr| {
                echoes(t, tr, "echoSet", vec![Value::Set(list(
                    TType::I64,
                    vec![3i64.into(), i64::MIN.into(), 0i64.into(), i64::MAX.into()],
                ))])
            },
        },
        Case {
            id: "thrift-server/echo/map",
            section: "thrift-rpc.md: Response struct; map<string, map<i32, list<string>>>",
            requirement: SUCCESS,
            level: Level::Must,
            accepts: "the nested map back exactly (entries in any order)",
            run: |t, tr| {
                let innermost = |v: &[&str]| Value::List(list(TType::Binary, v.iter().map(|s| Value::from(*s)).collect()));
                let inner_map = Value::Map(Map::new(TType::I32, TType::List, vec![
                    (1i32.into(), innermost(&["a", "b"])),
                    ((-1i32).into(), innermost(&[])),
                ]).expect("typed"));
                let empty = Value::Map(Map::new(TType::I32, TType::List, vec![]).expect("typed"));
                let outer = Value::Map(Map::new(TType::Binary, TType::Map, vec![
                    ("k".into(), inner_map),
                    ("empty".into(), empty),
                ]).expect("typed"));
                echoes(t, tr, "echoMap", vec![outer])
            },
        },
        Case {
            id: "thrift-server/echo/optional-set",
            section: "thrift-rpc.md: Response struct; Thrift IDL: optional fields",
            requirement: SUCCESS,
            level: Level::Must,
            accepts: "Everything with its optional field 13 set back exactly (echo/struct checks it absent stays absent)",
            run: |t, tr| {
                let mut s = everything(Some(7));
                s.fields.insert(12, (13, Value::I32(-3)));
                struct_echo(t, tr, s.clone(), s, "the optional field came back")
            },
        },
        Case {
            id: "thrift-server/echo/default-field",
            section: "Thrift IDL: default values",
            requirement: "*derived* from the IDL's default values: a struct read without field 14 (`i32 answer = 42`, default requiredness) holds 42, and echoing it writes 42",
            level: Level::Should,
            accepts: "Everything back with field 14 = 42",
            run: |t, tr| {
                struct_echo(t, tr, everything(None), everything(Some(42)), "field 14 came back as its default, 42")
            },
        },
        Case {
            id: "thrift-server/reply/void",
            section: "thrift-rpc.md: Response struct",
            requirement: "\"Type `Reply` is used when the service method completes normally.\" (*derived*: a `void` method has no `success` value, so its result struct has no field)",
            level: Level::Must,
            accepts: "a Reply to ping with the call's seqid and an empty result struct",
            run: void_reply,
        },
        Case {
            id: "thrift-server/reply/declared-exception",
            section: "thrift-rpc.md: Message; Response struct",
            requirement: "\"Type `Reply` is used when the service method completes normally. That is, it returns a value or it throws one of the exceptions defined in the Thrift IDL file.\" \"An exception field, name and id are as defined in the `throws` clause in the Thrift IDL's service method definition.\"",
            level: Level::Must,
            accepts: "a Reply (not an Exception) to fail(7, \"why ✓\") whose result struct is exactly {1: Oops{1: 7, 2: \"why ✓\"}}",
            run: declared_exception,
        },
        Case {
            id: "thrift-server/seqid/echoed",
            section: "thrift-rpc.md: Message",
            requirement: "\"_Sequence id_, a signed int32 integer.\" \"The server will use the same sequence id in the message of the response.\"",
            level: Level::Must,
            accepts: "responses with seqids 0, 1, -1, 2147483647 and -2147483648, as the calls had",
            run: seqid_echo,
        },
        Case {
            id: "thrift-server/oneway/no-reply",
            section: "thrift-rpc.md: Message",
            requirement: "\"When client sends a request with type `Oneway`, the server must _not_ send a response (steps 3 and 4 are skipped).\" (*derived*: the connection stays usable, and the note is processed before the next call on it)",
            level: Level::Must,
            accepts: "after a oneway note(v), the next message on the connection is the reply to lastNote(), carrying v",
            run: oneway,
        },
        Case {
            id: "thrift-server/oneway/unknown-method-no-reply",
            section: "thrift-rpc.md: Message",
            requirement: "\"When client sends a request with type `Oneway`, the server must _not_ send a response (steps 3 and 4 are skipped).\" (*derived*: that holds for a method the server does not know, too: a oneway call has no response in which to report UNKNOWN_METHOD)",
            level: Level::Must,
            accepts: "after a oneway call of an unknown method (seqid 43), the next message on the connection is the reply to echoI32 (seqid 44)",
            run: oneway_unknown,
        },
        Case {
            id: "thrift-server/oneway/sent-as-call",
            section: "thrift-rpc.md: Message",
            requirement: "\"Type `Oneway` is only used starting from Apache Thrift 0.9.3. Earlier versions do _not_ send TMessages of type `Oneway`, even for service methods defined with the `oneway` modifier.\" (nothing is required of the server: the case reports whether a `Call` of the oneway method `note` is answered, and run)",
            level: Level::May,
            accepts: "anything (informational)",
            run: oneway_sent_as_call,
        },
        Case {
            id: "thrift-server/request/fields-any-order",
            section: "thrift-binary-protocol.md / thrift-compact-protocol.md: Struct",
            requirement: "\"Because each field header contains the field-id (as defined by the Thrift IDL file), the fields can be encoded in any order.\"",
            level: Level::Must,
            accepts: "fail's arguments sent as field 2, then field 1: the declared exception Oops{code: 7, why: \"w\"}",
            run: fields_any_order,
        },
        Case {
            id: "thrift-server/request/unknown-fields-skipped",
            section: "thrift-binary-protocol.md / thrift-compact-protocol.md: Struct",
            requirement: "\"Therefore is also possible to handle unknown fields while decoding; these are simply ignored.\"",
            level: Level::Should,
            accepts: "fail's arguments beside fields 99 (a struct of a nested list, a map and a set), -3 (i64) and 1000 (string): the declared exception Oops{7, \"w\"}",
            run: unknown_fields,
        },
        Case {
            id: "thrift-server/request/unknown-binary-field-skipped",
            section: "thrift-binary-protocol.md: Struct (\"`BINARY`, used for binary and string fields\")",
            requirement: "\"Therefore is also possible to handle unknown fields while decoding; these are simply ignored.\" (*derived*: the wire does not tell a binary from a string, so skipping one needs no text decoding)",
            level: Level::Should,
            accepts: "fail's arguments beside field 50, a binary holding ff fe 00: the declared exception Oops{7, \"w\"}",
            run: unknown_binary_field,
        },
        Case {
            id: "thrift-server/exception/unknown-method",
            section: "thrift-rpc.md: Message; Response struct",
            requirement: "\"Type `Exception` is used for other exceptions.\" \"_unknown method_: 1, used in case the method requested by the client is unknown by the server.\" \"The server will use the same sequence id in the message of the response.\" \"The server copies the name in the response message.\"",
            level: Level::Must,
            accepts: "an Exception with seqid 77 and the call's name carrying TApplicationException type 1 (UNKNOWN_METHOD)",
            run: unknown_method,
        },
        Case {
            id: "thrift-server/exception/unknown-method-then-usable",
            section: "thrift-rpc.md: Thrift Remote Procedure Call Message exchange",
            requirement: "*derived* from \"The pattern is a simple half duplex protocol where the parties alternate in sending a `Message` followed by a struct\": an unknown method's call is read whole and answered, so the connection goes on",
            level: Level::Should,
            accepts: "after the UNKNOWN_METHOD exception, echoI32 on the same connection is answered",
            run: unknown_method_then_usable,
        },
        Case {
            id: "thrift-server/exception/reply-as-call",
            section: "thrift-rpc.md: Message",
            requirement: "\"Clients send requests with TMessages of type `Call` or `Oneway`\" (*derived*: a `Reply` sent to a server is no request; it is refused, not executed. TApplicationException type 2 is _invalid message type_)",
            level: Level::Should,
            accepts: "an Exception with seqid 55 carrying INVALID_MESSAGE_TYPE (2), or a close (another exception type: non-strict); never a Reply",
            run: |t, tr| not_a_call(t, tr, 2, "a Reply named echoI32 with seqid 55 (message type 2)"),
        },
        Case {
            id: "thrift-server/exception/unknown-message-type",
            section: "thrift-binary-protocol.md / thrift-compact-protocol.md: Message",
            requirement: "\"Message types are encoded with the following values: _Call_: 1 _Reply_: 2 _Exception_: 3 _Oneway_: 4\" (*derived*: a message of type 5 is none of them; it is refused, not executed)",
            level: Level::Should,
            accepts: "an Exception with seqid 55 carrying INVALID_MESSAGE_TYPE (2), or a close (another exception type: non-strict); never a Reply",
            run: |t, tr| not_a_call(t, tr, 5, "a message of type 5 named echoI32 with seqid 55"),
        },
        Case {
            id: "thrift-server/violation/bad-version",
            section: "thrift-binary-protocol.md: Message (\"`vvvvvvvvvvvvvvv` is the version, an unsigned 15 bit number fixed to `1`\"); thrift-compact-protocol.md: Message (\"`vvvvv` is the version, an unsigned 5 bit integer, fixed to `00001`\")",
            requirement: REFUSE,
            level: Level::Should,
            accepts: "a close or an Exception within the timeout, then ping answered on a new connection",
            run: bad_version,
        },
        Case {
            id: "thrift-server/violation/other-protocol",
            section: "thrift-rpc.md: Compatibility (\"When the value is `1000 0010` it is talking the compact protocol\"); thrift-compact-protocol.md: Message (\"`pppppppp` is the protocol id, fixed to `1000 0010`, 0x82\")",
            requirement: REFUSE,
            level: Level::Should,
            accepts: "a close or an Exception within the timeout, then ping answered on a new connection",
            run: other_protocol,
        },
        Case {
            id: "thrift-server/violation/oversized-frame",
            section: "thrift-rpc.md: Framed vs. unframed transport",
            requirement: "\"The length prefix is a 4 byte signed int, send in network (big endian) order. The following must be true: `0` <= length <= `16384000` (16M).\" (*derived*: a frame announcing 2 GiB is refused at once, not waited for: a close or an Exception within bounded time)",
            level: Level::Must,
            accepts: "a close or an Exception within the timeout, then ping answered on a new connection (buffered transport: unimplemented)",
            run: oversized_frame,
        },
        Case {
            id: "thrift-server/violation/negative-frame",
            section: "thrift-rpc.md: Framed vs. unframed transport",
            requirement: "\"The following must be true: `0` <= length <= `16384000` (16M).\" (*derived*: a frame length of -1 is refused: a close or an Exception within bounded time)",
            level: Level::Must,
            accepts: "a close or an Exception within the timeout, then ping answered on a new connection (buffered transport: unimplemented)",
            run: negative_frame,
        },
        Case {
            id: "thrift-server/violation/negative-length",
            section: "thrift-binary-protocol.md: Binary encoding (\"`byte length` is the length of the byte array, a signed 32 bit integer encoded in network (big endian) order (must be >= 0)\"); thrift-compact-protocol.md: the same as a var int",
            requirement: REFUSE,
            level: Level::Should,
            accepts: "a close or an Exception within the timeout, then ping answered on a new connection",
            run: negative_length,
        },
        Case {
            id: "thrift-server/violation/oversized-string",
            section: "thrift-binary-protocol.md / thrift-compact-protocol.md: Binary encoding",
            requirement: REFUSE,
            level: Level::Should,
            accepts: "a close or an Exception within the timeout (the 2 GiB string never comes), then ping answered on a new connection",
            run: oversized_string,
        },
        Case {
            id: "thrift-server/violation/truncated",
            section: "thrift-rpc.md: Thrift Remote Procedure Call Message exchange",
            requirement: REFUSE,
            level: Level::Should,
            accepts: "framed: a frame holding half a call; buffered: half a call then end of stream. A close or an Exception within the timeout, then ping answered on a new connection",
            run: truncated,
        },
        Case {
            id: "thrift-server/stream/split-writes",
            section: "thrift-rpc.md: Thrift Remote Procedure Call Message exchange",
            requirement: "\"Both the binary protocol and the compact protocol assume a transport layer that exposes a bi-directional byte stream\" (*derived*: a call arriving in many small reads is one call)",
            level: Level::Must,
            accepts: "the reply to echoString(\"split\") written one byte at a time",
            run: split_writes,
        },
        Case {
            id: "thrift-server/stream/pipelined",
            section: "thrift-rpc.md: Thrift Remote Procedure Call Message exchange",
            requirement: "\"Although the standard Apache Thrift Java clients do not support pipelining (sending multiple requests without waiting for an response), the standard Apache Thrift Java servers do support it.\"",
            level: Level::Should,
            accepts: "three replies, seqids 30, 31, 32, each with its own value",
            run: pipelined,
        },
        Case {
            id: "thrift-server/stream/two-connections",
            section: "thrift-rpc.md: Message (sequence id)",
            requirement: "\"The *sequence id* is a simple message id assigned by the client.\" (*derived*: each client numbers its own calls, so a reply goes back on the connection its call came from, and the same seqid on two connections is two calls)",
            level: Level::Must,
            accepts: "echoI32 with seqid 31 on two open connections, each answered on its own with its own value",
            run: two_connections,
        },
        Case {
            id: "thrift-server/stream/large-string",
            section: "thrift-rpc.md: Framed vs. unframed transport (frames up to 16384000 bytes)",
            requirement: "*derived*: a 1 MiB string (well under the 16384000-byte frame limit) is an ordinary argument",
            level: Level::Should,
            accepts: "echoString of 1 MiB comes back exactly",
            run: large_string,
        },
    ]
}

// ---------------------------------------------------------------------------------------------
// msgwire fuzz thrift-server

/// What an input sent to a server is owed, as msgwire's strict decoder reads it in the target's
/// protocol and transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owed {
    /// The calls, in order: name, seqid, and whether the reply may be missing (a `Call` of the
    /// test service's oneway method `note`: whether a server answers it is not fixed).
    pub calls: Vec<(String, i32, bool)>,
    /// The names and seqids of the oneway messages (owed nothing).
    pub oneways: Vec<(String, i32)>,
    /// What follows the messages above is not a call msgwire reads (bytes it rejects, a message
    /// cut short, a `Reply` or `Exception` sent to the server): the server owes an exception or
    /// a close, within the timeout.
    pub refused: Option<String>,
}

/// What `input` is owed by a server speaking `t`'s protocol and transport.
pub fn owed_by(t: &Target, input: &[u8]) -> Owed {
    let limits = msgwire::thrift::Limits::default();
    let decoder = Decoder {
        profile: Profile::Strict,
        ..Decoder::new(t.protocol, t.framing)
    };
    let mut owed = Owed {
        calls: Vec::new(),
        oneways: Vec::new(),
        refused: None,
    };
    let mut pos = 0;
    while pos < input.len() && owed.refused.is_none() {
        let rest = &input[pos..];
        let step = match t.framing {
            Framing::Header => HeaderFrame::decode_with(rest, &limits, Profile::Strict)
                .map(|d| d.map(|f| f.message)),
            _ => decoder.decode(rest),
        };
        match step {
            Ok(msgwire::Decoded::Complete { value: m, used }) => {
                match m.kind {
                    MessageType::Call => {
                        owed.calls
                            .push((m.name.to_string(), m.seqid, m.name == "note"))
                    }
                    MessageType::Oneway => owed.oneways.push((m.name.to_string(), m.seqid)),
                    k => {
                        owed.refused = Some(format!(
                            "a {} message (seqid {}) sent to the server",
                            k.name(),
                            m.seqid
                        ))
                    }
                }
                pos += used;
            }
            Ok(msgwire::Decoded::NeedMore { .. }) => {
                owed.refused = Some(format!("a message cut short at byte {}", input.len()))
            }
            Err(e) => {
                owed.refused = Some(format!(
                    "bytes msgwire rejects at {}: {e}",
                    pos + e.offset()
                ))
            }
        }
    }
    owed
}

/// `msgwire fuzz thrift-server`: sends `input` on a new connection, ends our side of the
/// stream, and judges what comes back against [`owed_by`]: each call exactly one well-formed
/// `Reply` or `Exception` with the call's name and seqid, in order; oneway messages none; an
/// `Exception` carrying a `TApplicationException` of a type the spec has (0-10); after bytes
/// msgwire refuses, an exception or a close within the timeout, not silence (every server
/// closes at the end of our stream; one that keeps the connection open past the timeout
/// hangs); and a `ping` on
/// a new connection answered afterwards. Classes: `no-reply` (keyed `closed`, `timeout`),
/// `wrong-reply` (keyed `seqid`,
/// `name`, `extra`, `not-a-response`), `reply-to-oneway`, `code-not-in-spec` (keyed by the
/// type), `malformed-reply` (bytes msgwire rejects, or only a lenient decoder reads), `hang`,
/// `server-down`.
pub fn fuzz_exchange(t: &Target, input: &[u8]) -> FuzzVerdict {
    let owed = owed_by(t, input);
    let mut tr = Trace::default();
    let mut c = match Conn::open(t, &mut tr) {
        Ok(c) => c,
        Err(e) => return FuzzVerdict::Broken("server-down", e),
    };
    let required = |from: usize| {
        owed.calls[from.min(owed.calls.len())..]
            .iter()
            .any(|c| !c.2)
    };
    if let Err(e) = c.send_raw(input, "fuzz input") {
        drop(c);
        if let Err(d) = still_serves(t) {
            return FuzzVerdict::Broken("server-down", format!("{e}; {d}"));
        }
        // A server may close on bytes it refuses before reading the rest.
        return if owed.refused.is_some() || !required(0) {
            FuzzVerdict::Ok
        } else {
            FuzzVerdict::Broken(
                "no-reply",
                format!("the server closed before the input's calls were sent: {e}"),
            )
        };
    }
    c.half_close();
    let mut next = 0usize;
    let limit = owed.calls.len() + 64;
    let mut closed = false;
    // Until the server closes (it reads the end of our stream after the input): the replies
    // owed, nothing more (a reply to a oneway message, a second reply, is seen here).
    for _ in 0..limit {
        match c.recv_within(t.timeout) {
            Got::Message(m, Some(e)) => {
                return FuzzVerdict::Broken(
                    "malformed-reply",
                    format!(
                        "{} breaks the protocol ({e}); only a lenient decoder reads it",
                        describe(&m)
                    ),
                )
            }
            Got::Message(m, None) => {
                match m.kind {
                    MessageType::Exception => match m.application_exception_ref() {
                        Some((_, k)) if k.name().is_some() => {}
                        Some((_, k)) => {
                            return FuzzVerdict::Keyed(
                                "code-not-in-spec",
                                k.0.to_string(),
                                format!(
                                    "{}: the spec's TApplicationException types are 0-10",
                                    describe(&m)
                                ),
                            )
                        }
                        None => {
                            return FuzzVerdict::Broken(
                                "malformed-reply",
                                format!(
                                "{}: an Exception message whose body is no TApplicationException",
                                describe(&m)
                            ),
                            )
                        }
                    },
                    MessageType::Reply => {}
                    _ => {
                        return FuzzVerdict::Keyed(
                            "wrong-reply",
                            "not-a-response".into(),
                            format!("the server sent {}", describe(&m)),
                        )
                    }
                }
                // Calls whose reply may be missing are passed over when this is not theirs.
                while next < owed.calls.len()
                    && owed.calls[next].2
                    && !(owed.calls[next].1 == m.seqid && owed.calls[next].0 == m.name)
                {
                    next += 1;
                }
                let to_oneway = owed.oneways.iter().any(|o| o.1 == m.seqid && o.0 == m.name)
                    && owed
                        .calls
                        .get(next)
                        .is_none_or(|c| c.1 != m.seqid || c.0 != m.name);
                // After bytes msgwire refuses, a message with a oneway's name and seqid might
                // answer those bytes instead (a copy of the oneway's header, say): an
                // UNKNOWN_METHOD exception can only be about the oneway's method, read whole.
                let unknown_method = m.kind == MessageType::Exception
                    && m.application_exception_ref()
                        .is_some_and(|(_, k)| k == ApplicationExceptionType::UNKNOWN_METHOD);
                if to_oneway && (owed.refused.is_none() || unknown_method) {
                    return FuzzVerdict::Broken(
                        "reply-to-oneway",
                        format!("a response to a oneway message: {}", describe(&m)),
                    );
                }
                if let Some((name, seqid, _)) = owed.calls.get(next) {
                    if m.seqid != *seqid {
                        return FuzzVerdict::Keyed(
                            "wrong-reply",
                            "seqid".into(),
                            format!("the call {name:?} had seqid {seqid}; came {}", describe(&m)),
                        );
                    }
                    if m.name != *name {
                        return FuzzVerdict::Keyed(
                            "wrong-reply",
                            "name".into(),
                            format!("the call {name:?} (seqid {seqid}); came {}", describe(&m)),
                        );
                    }
                    next += 1;
                } else if owed.refused.is_some() {
                    // An answer to what msgwire refuses (an exception, or a lenient reading).
                } else {
                    return FuzzVerdict::Keyed(
                        "wrong-reply",
                        "extra".into(),
                        format!(
                            "{} after every call of the input was answered",
                            describe(&m)
                        ),
                    );
                }
            }
            Got::Bad(e) => return FuzzVerdict::Broken("malformed-reply", e),
            g @ (Got::Closed | Got::Timeout) => {
                let timeout = matches!(g, Got::Timeout);
                if required(next) {
                    drop(c);
                    if let Err(d) = still_serves(t) {
                        return FuzzVerdict::Broken("server-down", d);
                    }
                    let (name, seqid, _) = &owed.calls[next];
                    return FuzzVerdict::Keyed(
                        "no-reply",
                        if timeout { "timeout" } else { "closed" }.into(),
                        format!(
                            "{} before the reply to {name:?} (seqid {seqid})",
                            if timeout {
                                format!("nothing within {:?}", t.timeout)
                            } else {
                                "the server closed the connection".into()
                            }
                        ),
                    );
                }
                if timeout {
                    return FuzzVerdict::Broken(
                        "hang",
                        format!(
                            "{}, then the end of our stream: neither an exception nor a close within {:?}",
                            owed.refused.as_deref().unwrap_or("the input"),
                            t.timeout
                        ),
                    );
                }
                closed = true;
                break;
            }
        }
    }
    if !closed {
        return FuzzVerdict::Broken(
            "hang",
            format!(
                "{}: more than {limit} messages and no close",
                owed.refused.as_deref().unwrap_or("the input")
            ),
        );
    }
    drop(c);
    match still_serves(t) {
        Ok(()) => FuzzVerdict::Ok,
        Err(d) => FuzzVerdict::Broken("server-down", d),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Threads of this process (Linux; `None` elsewhere).
    fn threads() -> Option<usize> {
        std::fs::read_to_string("/proc/self/status")
            .ok()?
            .lines()
            .find_map(|l| l.strip_prefix("Threads:"))?
            .trim()
            .parse()
            .ok()
    }

    #[test]
    fn a_dropped_connection_ends_its_reader_thread() {
        // A server that keeps every connection open and never writes: before Conn shut its
        // socket down on drop, each connection left a reader thread blocked in read, and
        // `msgwire fuzz thrift-server` ran out of threads ("failed to spawn thread").
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap().to_string();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for s in l.incoming().take(200) {
                held.push(s);
            }
            std::thread::sleep(Duration::from_secs(30));
        });
        let t = Target {
            addr,
            protocol: Protocol::Binary,
            framing: Framing::Framed,
            timeout: Duration::from_secs(2),
        };
        let Some(before) = threads() else { return };
        for _ in 0..100 {
            let mut trace = Trace::default();
            drop(Conn::open(&t, &mut trace).unwrap());
        }
        std::thread::sleep(Duration::from_millis(300));
        let after = threads().unwrap();
        assert!(
            after < before + 60,
            "{before} threads before, {after} after"
        );
    }

    #[test]
    fn sets_and_maps_compare_in_any_order_lists_do_not() {
        let s =
            |v: Vec<i32>| Value::Set(list(TType::I32, v.into_iter().map(Value::from).collect()));
        assert!(same(&s(vec![1, 2, 3]), &s(vec![3, 1, 2])));
        assert!(!same(&s(vec![1, 2, 2]), &s(vec![1, 1, 2])));
        let l =
            |v: Vec<i32>| Value::List(list(TType::I32, v.into_iter().map(Value::from).collect()));
        assert!(!same(&l(vec![1, 2]), &l(vec![2, 1])));
        assert!(!same(&Value::Double(0.0), &Value::Double(-0.0)));
        assert!(same_struct(
            &Struct::new().with(1, 1i32).with(2, "x"),
            &Struct::new().with(2, "x").with(1, 1i32)
        ));
        assert!(!same_struct(
            &Struct::new().with(1, 1i32),
            &Struct::new().with(1, 1i64)
        ));
        assert!(same(
            &Value::Struct(everything(Some(7))),
            &Value::Struct(everything(Some(7)))
        ));
    }

    #[test]
    fn crafted_calls_decode_as_intended() {
        for p in [Protocol::Binary, Protocol::Compact] {
            // The length-patched call is refused by msgwire too, for the reason it names.
            let neg = string_call_with_length(p, -1, 8);
            let e = Decoder::new(p, Framing::Unframed).decode(&neg).unwrap_err();
            assert!(
                matches!(
                    e,
                    msgwire::thrift::Error::NegativeLength { .. }
                        | msgwire::thrift::Error::StringLimit { .. }
                ),
                "{p:?}: {e}"
            );
            let mut t = header_with_type(p, 5, "echoI32", 55);
            t.push(0);
            let e = Decoder::new(p, Framing::Unframed).decode(&t).unwrap_err();
            assert!(
                matches!(e, msgwire::thrift::Error::MessageType { found: 5, .. }),
                "{p:?}: {e}"
            );
            let r = result_message(p, 2);
            let m = Decoder::new(p, Framing::Unframed).decode_whole(&r).unwrap();
            assert_eq!(
                (m.name, m.kind, m.seqid),
                ("echoI32", MessageType::Reply, 55)
            );
            assert_eq!(m.body.into_owned(), Struct::new().with(0, 1i32), "{p:?}");
            let mut c = header_with_type(p, 1, "x", 3);
            c.push(0);
            let m = Decoder::new(p, Framing::Unframed).decode_whole(&c).unwrap();
            assert_eq!((m.name, m.kind, m.seqid), ("x", MessageType::Call, 3));
        }
    }

    #[test]
    fn what_a_fuzz_input_is_owed() {
        let t = Target::new(
            Some("127.0.0.1:1"),
            None,
            Some("framed"),
            Duration::from_secs(1),
        )
        .unwrap();
        let call =
            |n: &str, s| OwnedMessage::call(n, s, Struct::new()).to_framed_vec(Protocol::Binary);
        let one = OwnedMessage::new("o", MessageType::Oneway, 9, Struct::new())
            .to_framed_vec(Protocol::Binary);
        let input = [call("a", 1), one, call("note", 2), call("b", -3)].concat();
        let o = owed_by(&t, &input);
        assert_eq!(
            o.calls,
            vec![
                ("a".into(), 1, false),
                ("note".into(), 2, true),
                ("b".into(), -3, false)
            ]
        );
        assert_eq!((o.oneways, o.refused), (vec![("o".into(), 9)], None));
        let cut = [call("a", 1), call("b", 2)[..7].to_vec()].concat();
        let o = owed_by(&t, &cut);
        assert_eq!(o.calls.len(), 1);
        assert!(o.refused.unwrap().contains("cut short"));
        let reply = OwnedMessage::reply("a", 1, 5i32).to_framed_vec(Protocol::Binary);
        assert!(owed_by(&t, &reply).refused.unwrap().contains("reply"));
        let mut bad = call("a", 1);
        bad[0] = 0xff; // a negative frame length
        let o = owed_by(&t, &bad);
        assert!(o.calls.is_empty() && o.refused.unwrap().contains("rejects"));
    }
}
