//! Live checks of an AMQP 0-9-1 broker, using only msgwire's codec over a `TcpStream`.
//!
//! `msgwire check amqp-broker amqp://user:pass@host:port/vhost`. Each case opens its own
//! connection(s), declares only server-named or `msgwire.check.*` resources, and cleans up
//! (exclusive queues go with the connection; exchanges are deleted).

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use msgwire::amqp::*;
use msgwire::Decoded;

use super::{left, Case, Level, Outcome, Trace};

/// The broker to check.
#[derive(Debug, Clone)]
pub struct Target {
    /// `host:port`.
    pub addr: String,
    /// SASL PLAIN user.
    pub user: String,
    /// SASL PLAIN password.
    pub password: String,
    /// Virtual host.
    pub vhost: String,
    /// Bound on every wait; a case never takes much more than a few of these.
    pub timeout: Duration,
}

impl Target {
    /// Parses `amqp://user:pass@host:port/vhost` (defaults: guest/guest, port 5672, vhost `/`;
    /// `%2f` in the vhost is `/`).
    pub fn from_url(url: &str, timeout: Duration) -> Result<Target, String> {
        let rest = url
            .strip_prefix("amqp://")
            .ok_or_else(|| format!("not an amqp:// URL: {url}"))?;
        let (auth, rest) = match rest.rsplit_once('@') {
            Some((a, r)) => (Some(a), r),
            None => (None, rest),
        };
        let (user, password) = match auth.map(|a| a.split_once(':').unwrap_or((a, ""))) {
            Some((u, p)) => (u.to_string(), p.to_string()),
            None => ("guest".into(), "guest".into()),
        };
        let (hostport, vhost) = match rest.split_once('/') {
            Some((h, v)) if !v.is_empty() => (h, v.replace("%2f", "/").replace("%2F", "/")),
            Some((h, _)) => (h, "/".into()),
            None => (rest, "/".into()),
        };
        let addr = if hostport.contains(':') {
            hostport.to_string()
        } else {
            format!("{hostport}:5672")
        };
        Ok(Target {
            addr,
            user,
            password,
            vhost,
            timeout,
        })
    }

    /// The connect probe `check` runs before any case: a TCP connection within the timeout
    /// (closed again at once). An unreachable broker is then one error, not a failed set-up
    /// per case.
    pub fn probe(&self) -> Result<(), String> {
        let addrs: Vec<_> = self
            .addr
            .to_socket_addrs()
            .map_err(|e| format!("resolve {}: {e}", self.addr))?
            .collect();
        let mut last = format!("no address for {}", self.addr);
        for addr in addrs {
            match TcpStream::connect_timeout(&addr, self.timeout) {
                Ok(_) => return Ok(()),
                Err(e) => last = format!("connect {addr}: {e}"),
            }
        }
        Err(last)
    }
}

/// What came (or did not come) from the broker. Short-lived, one at a time: its size is fine.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
enum Got {
    Frame(Frame<'static>),
    /// The socket closed (EOF or reset).
    Closed,
    /// Nothing within the timeout.
    Timeout,
    /// Bytes our codec rejects.
    Bad(String),
}

struct Conn<'t> {
    stream: TcpStream,
    buf: Vec<u8>,
    decoder: FrameDecoder,
    trace: &'t mut Trace,
    timeout: Duration,
    /// Pass heartbeats up instead of skipping them.
    heartbeats: bool,
}

fn describe(frame: &Frame<'_>) -> String {
    match frame {
        Frame::ProtocolHeader(h) => format!("protocol-header {:?}", h.octets),
        Frame::Method { channel, method } => match method {
            Method::ConnectionClose(c) => format!(
                "ch{channel} connection.close {} {:?}",
                c.reply_code, c.reply_text
            ),
            Method::ChannelClose(c) => {
                format!(
                    "ch{channel} channel.close {} {:?}",
                    c.reply_code, c.reply_text
                )
            }
            m => format!("ch{channel} {}", m.name()),
        },
        Frame::Header { channel, header } => {
            format!("ch{channel} header body-size {}", header.body_size)
        }
        Frame::Body { channel, payload } => format!("ch{channel} body {} bytes", payload.len()),
        Frame::Heartbeat => "heartbeat".into(),
    }
}

impl<'t> Conn<'t> {
    fn connect(target: &Target, trace: &'t mut Trace) -> Result<Conn<'t>, String> {
        let addr = target
            .addr
            .to_socket_addrs()
            .map_err(|e| format!("resolve {}: {e}", target.addr))?
            .next()
            .ok_or_else(|| format!("no address for {}", target.addr))?;
        let stream = TcpStream::connect_timeout(&addr, target.timeout)
            .map_err(|e| format!("connect {addr}: {e}"))?;
        stream.set_write_timeout(Some(target.timeout)).ok();
        stream.set_nodelay(true).ok();
        Ok(Conn {
            stream,
            buf: Vec::new(),
            decoder: FrameDecoder {
                limits: Limits {
                    frame_max: 0,
                    ..Limits::default()
                },
                profile: Profile::RabbitMq,
            },
            trace,
            timeout: target.timeout,
            heartbeats: false,
        })
    }

    fn send(&mut self, frame: &Frame<'_>) -> Result<(), String> {
        let bytes = frame.to_vec();
        self.trace.log(">", &bytes, describe(frame));
        self.stream
            .write_all(&bytes)
            .map_err(|e| format!("write: {e}"))
    }

    fn send_raw(&mut self, bytes: &[u8], what: &str) -> Result<(), String> {
        self.trace.log(">", bytes, what);
        self.stream
            .write_all(bytes)
            .map_err(|e| format!("write: {e}"))
    }

    fn recv_within(&mut self, wait: Duration) -> Got {
        let deadline = Instant::now() + wait;
        loop {
            match self.decoder.decode(&self.buf) {
                Ok(Decoded::Complete { value, used }) => {
                    let frame = value.into_owned();
                    self.trace.log("<", &self.buf[..used], describe(&frame));
                    self.buf.drain(..used);
                    if frame == Frame::Heartbeat && !self.heartbeats {
                        continue;
                    }
                    return Got::Frame(frame);
                }
                Ok(Decoded::NeedMore { at_least }) => {
                    if Instant::now() >= deadline {
                        self.trace.log("!", &[], "timeout");
                        return Got::Timeout;
                    }
                    self.stream.set_read_timeout(Some(left(deadline))).ok();
                    // Bounded reads: never more than 64 KiB at once, whatever the head says.
                    let mut chunk = vec![0u8; at_least.clamp(4096, 65536)];
                    match self.stream.read(&mut chunk) {
                        Ok(0) => {
                            self.trace.log("!", &self.buf, "socket closed by the peer");
                            return Got::Closed;
                        }
                        Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                        Err(e)
                            if matches!(
                                e.kind(),
                                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                            ) =>
                        {
                            continue
                        }
                        Err(e) => {
                            self.trace.log("!", &[], format!("socket error: {e}"));
                            return Got::Closed;
                        }
                    }
                }
                Err(e) => {
                    self.trace.log("!", &self.buf, format!("undecodable: {e}"));
                    return Got::Bad(format!("the broker sent bytes msgwire rejects: {e}"));
                }
            }
        }
    }

    fn recv(&mut self) -> Got {
        self.recv_within(self.timeout)
    }

    /// The next method on `channel`, which must be `name`.
    fn expect(&mut self, channel: u16, name: &str) -> Result<Method<'static>, String> {
        match self.recv() {
            Got::Frame(Frame::Method {
                channel: ch,
                method,
            }) if ch == channel && method.name() == name => Ok(method),
            Got::Frame(f) => Err(format!(
                "expected {name} on channel {channel}, got {}",
                describe(&f)
            )),
            Got::Closed => Err(format!("expected {name}, the socket closed")),
            Got::Timeout => Err(format!(
                "expected {name}, nothing came within {:?}",
                self.timeout
            )),
            Got::Bad(e) => Err(e),
        }
    }

    fn call(
        &mut self,
        channel: u16,
        method: impl Into<Method<'static>>,
        reply: &str,
    ) -> Result<Method<'static>, String> {
        self.send(&Frame::method(channel, method))?;
        self.expect(channel, reply)
    }

    /// Protocol header through connection.open-ok. Returns the broker's tune.
    fn handshake(&mut self, target: &Target, heartbeat: u16) -> Result<ConnectionTune, String> {
        self.send(&Frame::ProtocolHeader(ProtocolHeader::AMQP_0_9_1))?;
        let Method::ConnectionStart(start) = self.expect(0, "connection.start")? else {
            unreachable!()
        };
        if !start
            .mechanisms
            .as_str()
            .unwrap_or("")
            .split(' ')
            .any(|m| m == "PLAIN")
        {
            return Err(format!(
                "the broker offers no PLAIN mechanism: {:?}",
                start.mechanisms
            ));
        }
        let mut props = FieldTable::builder();
        props
            .insert(
                "product",
                FieldValue::LongStr(LongStr::try_from("msgwire check").unwrap_or_default()),
            )
            .ok();
        let mut caps = FieldTable::builder();
        for cap in [
            "publisher_confirms",
            "basic.nack",
            "exchange_exchange_bindings",
            "connection.blocked",
            "authentication_failure_close",
        ] {
            caps.insert(cap, FieldValue::Bool(true)).ok();
        }
        props
            .insert("capabilities", FieldValue::Table(caps.build()))
            .ok();
        let response = format!("\0{}\0{}", target.user, target.password).into_bytes();
        self.send(&Frame::method(
            0,
            ConnectionStartOk {
                client_properties: props.build(),
                mechanism: ShortStr::try_from("PLAIN").unwrap_or_default(),
                response: LongStr::new(response).map_err(|e| e.to_string())?,
                locale: ShortStr::try_from("en_US").unwrap_or_default(),
            },
        ))?;
        let Method::ConnectionTune(tune) = self.expect(0, "connection.tune")? else {
            unreachable!()
        };
        self.send(&Frame::method(
            0,
            ConnectionTuneOk {
                channel_max: tune.channel_max,
                frame_max: tune.frame_max,
                heartbeat,
            },
        ))?;
        self.send(&Frame::method(
            0,
            ConnectionOpen {
                virtual_host: ShortStr::new(target.vhost.clone().into_bytes())
                    .map_err(|e| e.to_string())?,
                ..Default::default()
            },
        ))?;
        self.expect(0, "connection.open-ok")?;
        Ok(tune)
    }

    fn open(target: &Target, trace: &'t mut Trace) -> Result<(Conn<'t>, ConnectionTune), String> {
        let mut c = Conn::connect(target, trace)?;
        let tune = c.handshake(target, 0)?;
        c.call(1, ChannelOpen::default(), "channel.open-ok")?;
        Ok((c, tune))
    }

    /// Closes politely; errors are ignored (the case has its verdict already).
    fn close(mut self) {
        let _ = self.send(&Frame::method(
            0,
            ConnectionClose {
                reply_code: 200,
                reply_text: ShortStr::try_from("bye").unwrap_or_default(),
                ..Default::default()
            },
        ));
        for _ in 0..16 {
            match self.recv_within(Duration::from_millis(500)) {
                Got::Frame(Frame::Method {
                    method: Method::ConnectionCloseOk(_),
                    ..
                })
                | Got::Closed
                | Got::Timeout
                | Got::Bad(_) => return,
                Got::Frame(_) => {}
            }
        }
    }

    /// Waits for the broker to close the connection (or channel) and reports how.
    fn await_close(&mut self) -> Closing {
        for _ in 0..64 {
            match self.recv() {
                Got::Frame(Frame::Method {
                    channel,
                    method: Method::ConnectionClose(c),
                }) => {
                    let _ = self.send(&Frame::method(channel, ConnectionCloseOk::default()));
                    return Closing::Connection(
                        c.reply_code,
                        c.reply_text.as_str().unwrap_or("").to_string(),
                    );
                }
                Got::Frame(Frame::Method {
                    channel,
                    method: Method::ChannelClose(c),
                }) => {
                    let _ = self.send(&Frame::method(channel, ChannelCloseOk::default()));
                    return Closing::Channel(
                        c.reply_code,
                        c.reply_text.as_str().unwrap_or("").to_string(),
                    );
                }
                Got::Frame(_) => continue,
                Got::Closed => return Closing::Socket,
                Got::Timeout => return Closing::Nothing,
                Got::Bad(e) => return Closing::Garbage(e),
            }
        }
        Closing::Nothing
    }
}

#[derive(Debug)]
enum Closing {
    Connection(u16, String),
    Channel(u16, String),
    Socket,
    Nothing,
    Garbage(String),
}

fn setup_failed(e: String) -> Outcome {
    Outcome::Fail(format!("set-up failed: {e}"))
}

/// Judges how the broker closed after a bad input: `codes` are what the spec wants, `also`
/// what deployed brokers send instead (non-strict).
fn judge_close(closing: Closing, connection: bool, codes: &[u16], also: &[u16]) -> Outcome {
    let what = if connection { "connection" } else { "channel" };
    match closing {
        Closing::Connection(code, text) | Closing::Channel(code, text) if codes.contains(&code) => {
            Outcome::Pass(format!("{what} closed with {code} {text:?}"))
        }
        Closing::Connection(code, text) | Closing::Channel(code, text) if also.contains(&code) => {
            Outcome::NonStrict(format!(
                "closed with {code} {text:?}; the spec says {codes:?}"
            ))
        }
        Closing::Connection(code, text) => Outcome::Fail(format!(
            "connection.close {code} {text:?}, expected {codes:?}"
        )),
        Closing::Channel(code, text) => Outcome::Fail(format!(
            "channel.close {code} {text:?}, expected {what} close with {codes:?}"
        )),
        Closing::Socket => Outcome::Fail(format!(
            "the socket closed without a close method (expected {codes:?})"
        )),
        Closing::Nothing => {
            Outcome::Fail(format!("no close within the timeout (expected {codes:?})"))
        }
        Closing::Garbage(e) => Outcome::Fail(e),
    }
}

fn frame_bytes(ty: u8, channel: u16, payload: &[u8], end: u8) -> Vec<u8> {
    let mut v = vec![ty];
    v.extend_from_slice(&channel.to_be_bytes());
    v.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    v.extend_from_slice(payload);
    v.push(end);
    v
}

fn s(text: &str) -> ShortStr<'static> {
    ShortStr::new(text.as_bytes().to_vec()).unwrap_or_default()
}

/// Sends `bad` after the handshake (channel 1 open) and judges the connection close.
fn after_open(
    t: &Target,
    tr: &mut Trace,
    bad: &[u8],
    what: &str,
    codes: &[u16],
    also: &[u16],
) -> Outcome {
    let (mut c, _) = match Conn::open(t, tr) {
        Ok(x) => x,
        Err(e) => return setup_failed(e),
    };
    if let Err(e) = c.send_raw(bad, what) {
        return Outcome::Fail(e);
    }
    let closing = c.await_close();
    judge_close(closing, true, codes, also)
}

fn declare_queue(c: &mut Conn<'_>) -> Result<ShortStr<'static>, String> {
    match c.call(
        1,
        QueueDeclare {
            exclusive: true,
            auto_delete: true,
            ..Default::default()
        },
        "queue.declare-ok",
    )? {
        Method::QueueDeclareOk(ok) => Ok(ok.queue),
        _ => unreachable!(),
    }
}

fn publish(
    c: &mut Conn<'_>,
    exchange: &str,
    key: &ShortStr<'_>,
    mandatory: bool,
    body: &[u8],
) -> Result<(), String> {
    c.send(&Frame::method(
        1,
        BasicPublish {
            exchange: s(exchange),
            routing_key: key.clone().into_owned(),
            mandatory,
            ..Default::default()
        },
    ))?;
    c.send(&Frame::Header {
        channel: 1,
        header: ContentHeader::new(body.len() as u64, BasicProperties::default()),
    })?;
    if !body.is_empty() {
        c.send(&Frame::Body {
            channel: 1,
            payload: Payload::Borrowed(body),
        })?;
    }
    Ok(())
}

/// Reads a whole message (method + header + bodies) on channel 1.
fn read_message(c: &mut Conn<'_>) -> Result<Message, String> {
    let mut assembler = Assembler::default();
    for _ in 0..64 {
        match c.recv() {
            Got::Frame(f) => match assembler.push(f).map_err(|e| e.to_string())? {
                Some(Assembled::Message(m)) => return Ok(m),
                Some(Assembled::Frame(f)) => {
                    return Err(format!("expected a message, got {}", describe(&f)))
                }
                None => {}
            },
            other => return Err(format!("expected a message: {other:?}")),
        }
    }
    Err("no message after 64 frames".into())
}

macro_rules! try_or_fail {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return Outcome::Fail(e),
        }
    };
}

macro_rules! open_or_fail {
    ($t:expr, $tr:expr) => {
        match Conn::open($t, $tr) {
            Ok(x) => x,
            Err(e) => return setup_failed(e),
        }
    };
}

/// Every AMQP broker case, in the order they run.
pub fn cases() -> Vec<Case<Target>> {
    vec![
        Case {
            id: "amqp-broker/protocol-header/0-9-1",
            section: "AMQP 0-9-1 §4.2.2",
            requirement: "The client opens with the protocol header; the server answers with connection.start (version 0-9).",
            level: Level::Must,
            accepts: "connection.start with version-major 0, version-minor 9",
            run: |t, tr| {
                let mut c = match Conn::connect(t, tr) {
                    Ok(c) => c,
                    Err(e) => return setup_failed(e),
                };
                try_or_fail!(c.send(&Frame::ProtocolHeader(ProtocolHeader::AMQP_0_9_1)));
                match try_or_fail!(c.expect(0, "connection.start")) {
                    Method::ConnectionStart(st) if (st.version_major, st.version_minor) == (0, 9) => Outcome::Pass(format!(
                        "connection.start 0-9, mechanisms {:?}, locales {:?}",
                        st.mechanisms, st.locales
                    )),
                    Method::ConnectionStart(st) => Outcome::Fail(format!("connection.start version {}-{}", st.version_major, st.version_minor)),
                    _ => unreachable!(),
                }
            },
        },
        Case {
            id: "amqp-broker/protocol-header/unsupported-version",
            section: "AMQP 0-9-1 §4.2.2",
            requirement: "If the server cannot support the protocol specified in the protocol header, it MUST respond with a valid protocol header and then close the socket connection.",
            level: Level::Must,
            accepts: "a protocol header for a version it speaks, then the socket closed",
            run: |t, tr| header_refused(t, tr, b"AMQP\x00\x01\x00\x00", "AMQP 1.0 header"),
        },
        Case {
            id: "amqp-broker/protocol-header/garbage",
            section: "AMQP 0-9-1 §4.2.2",
            requirement: "The server either accepts or rejects the protocol header; a rejection sends a valid protocol header and closes.",
            level: Level::Should,
            accepts: "a protocol header, then the socket closed",
            run: |t, tr| header_refused(t, tr, b"GET / HTTP/1.1\r\n\r\n", "an HTTP request"),
        },
        Case {
            id: "amqp-broker/connection/handshake-plain",
            section: "AMQP 0-9-1 §2.2.4, connection class",
            requirement: "start / start-ok (PLAIN) / tune / tune-ok / open / open-ok opens a connection.",
            level: Level::Must,
            accepts: "connection.open-ok",
            run: |t, tr| {
                let mut c = match Conn::connect(t, tr) {
                    Ok(c) => c,
                    Err(e) => return setup_failed(e),
                };
                let tune = try_or_fail!(c.handshake(t, 0));
                c.close();
                Outcome::Pass(format!(
                    "open; tune: channel-max {}, frame-max {}, heartbeat {}",
                    tune.channel_max, tune.frame_max, tune.heartbeat
                ))
            },
        },
        Case {
            id: "amqp-broker/connection/tune-frame-max",
            section: "AMQP 0-9-1 connection.tune (frame-max)",
            requirement: "frame-max: the largest frame size the server proposes; it must be at least frame-min-size (4096) or 0 (no limit).",
            level: Level::Must,
            accepts: "frame-max 0 or >= 4096",
            run: |t, tr| {
                let (c, tune) = open_or_fail!(t, tr);
                c.close();
                if tune.frame_max == 0 || tune.frame_max >= 4096 {
                    Outcome::Pass(format!("frame-max {}", tune.frame_max))
                } else {
                    Outcome::Fail(format!("frame-max {} < 4096", tune.frame_max))
                }
            },
        },
        Case {
            id: "amqp-broker/connection/bad-credentials",
            section: "AMQP 0-9-1 connection.start-ok; reply code 403",
            requirement: "A server that rejects the client's credentials closes the connection (403 access-refused).",
            level: Level::Should,
            accepts: "connection.close 403, or the socket closed",
            run: |t, tr| {
                let bad = Target {
                    password: format!("{}-wrong", t.password),
                    ..t.clone()
                };
                let mut c = match Conn::connect(&bad, tr) {
                    Ok(c) => c,
                    Err(e) => return setup_failed(e),
                };
                match c.handshake(&bad, 0) {
                    Ok(_) => Outcome::Fail("a wrong password opened the connection".into()),
                    Err(e) if e.contains("socket closed") => Outcome::NonStrict(format!("the socket closed without connection.close ({e})")),
                    Err(_) => match c.await_close() {
                        Closing::Connection(403, text) => Outcome::Pass(format!("connection.close 403 {text:?}")),
                        other => Outcome::Pass(format!("refused: {other:?}")),
                    },
                }
            },
        },
        Case {
            id: "amqp-broker/frame/over-frame-max",
            section: "AMQP 0-9-1 §4.2.3; connection.tune frame-max",
            requirement: "A peer MUST NOT send frames larger than the agreed-upon size. A peer that receives an oversized frame MUST signal a connection exception with reply code 501 (frame error).",
            level: Level::Must,
            accepts: "connection.close 501",
            run: |t, tr| {
                let (mut c, tune) = open_or_fail!(t, tr);
                if tune.frame_max == 0 {
                    return Outcome::Unimplemented("the broker sets no frame-max".into());
                }
                // Only the 7-octet head: a payload the broker will not read would reset the socket.
                let mut head = vec![1, 0, 1];
                head.extend_from_slice(&(tune.frame_max + 1).to_be_bytes());
                try_or_fail!(c.send_raw(&head, "method frame head, payload frame-max + 1"));
                judge_close(c.await_close(), true, &[501], &[])
            },
        },
        Case {
            id: "amqp-broker/frame/bad-end-octet",
            section: "AMQP 0-9-1 §4.2.3",
            requirement: "If a peer receives a frame with a bad frame-end octet it MUST treat this as a connection error (501 frame-error).",
            level: Level::Must,
            accepts: "connection.close 501",
            run: |t, tr| after_open(t, tr, &frame_bytes(8, 0, &[], 0xCD), "heartbeat with end octet 0xcd", &[501], &[]),
        },
        Case {
            id: "amqp-broker/frame/unknown-type",
            section: "AMQP 0-9-1 §4.2.3",
            requirement: "A frame of an unknown type is a frame error (501).",
            level: Level::Must,
            accepts: "connection.close 501",
            run: |t, tr| after_open(t, tr, &frame_bytes(9, 0, &[], 0xCE), "frame type 9", &[501], &[]),
        },
        Case {
            id: "amqp-broker/frame/heartbeat-on-channel-1",
            section: "AMQP 0-9-1 §4.2.7",
            requirement: "Heartbeat frames MUST have a channel number of zero. A peer that receives an invalid heartbeat frame MUST raise a connection exception with reply code 501 (frame error).",
            level: Level::Must,
            accepts: "connection.close 501 (505 unexpected-frame: non-strict)",
            run: |t, tr| after_open(t, tr, &frame_bytes(8, 1, &[], 0xCE), "heartbeat on channel 1", &[501], &[505]),
        },
        Case {
            id: "amqp-broker/channel/unopened",
            section: "AMQP 0-9-1 channel class; reply code 504",
            requirement: "A method on a channel that is not open is a channel-error (504), a connection exception.",
            level: Level::Must,
            accepts: "connection.close 504",
            run: |t, tr| {
                let bad = Frame::method(7, BasicQos { prefetch_count: 1, ..Default::default() }).to_vec();
                after_open(t, tr, &bad, "basic.qos on channel 7 (not open)", &[504], &[])
            },
        },
        Case {
            id: "amqp-broker/method/unknown",
            section: "AMQP 0-9-1 reply codes 503, 540",
            requirement: "An unknown class or method is command-invalid (503) or not-implemented (540).",
            level: Level::Must,
            accepts: "connection.close 540 or 503",
            run: |t, tr| {
                let bad = frame_bytes(1, 1, &[0, 60, 0, 255], 0xCE);
                after_open(t, tr, &bad, "method 60.255", &[540, 503], &[])
            },
        },
        Case {
            id: "amqp-broker/content/header-without-method",
            section: "AMQP 0-9-1 §4.2.6",
            requirement: "A content header must follow a content-bearing method; otherwise: unexpected-frame (505).",
            level: Level::Must,
            accepts: "connection.close 505",
            run: |t, tr| {
                let header = Frame::Header { channel: 1, header: ContentHeader::new(0, BasicProperties::default()) }.to_vec();
                after_open(t, tr, &header, "content header with no method", &[505], &[])
            },
        },
        Case {
            id: "amqp-broker/content/body-longer-than-declared",
            section: "AMQP 0-9-1 §4.2.6.2",
            requirement: "The body frames carry exactly body-size octets; a body frame beyond that is a frame error (501).",
            level: Level::Must,
            accepts: "connection.close 501 at the body frame (505 only at a later frame: non-strict)",
            run: |t, tr| {
                let (mut c, _) = open_or_fail!(t, tr);
                let mut bad = Frame::method(1, BasicPublish { routing_key: s("msgwire.check.nowhere"), ..Default::default() }).to_vec();
                bad.extend(Frame::Header { channel: 1, header: ContentHeader::new(2, BasicProperties::default()) }.to_vec());
                bad.extend(Frame::Body { channel: 1, payload: Payload::Borrowed(b"abc") }.to_vec());
                try_or_fail!(c.send_raw(&bad, "publish, body-size 2, a 3-byte body"));
                // Give the broker a moment to object to the body frame itself.
                match c.recv_within(t.timeout / 2) {
                    Got::Frame(Frame::Method { method: Method::ConnectionClose(cl), .. }) if cl.reply_code == 501 => {
                        return Outcome::Pass(format!("connection.close 501 {:?}", cl.reply_text));
                    }
                    Got::Timeout => {}
                    other => return Outcome::Fail(format!("{other:?}")),
                }
                // Silence: a following method shows whether the overrun was noticed at all.
                try_or_fail!(c.send(&Frame::method(1, BasicQos { prefetch_count: 1, ..Default::default() })));
                match c.await_close() {
                    Closing::Connection(code, text) => Outcome::NonStrict(format!(
                        "the body frame was taken silently; connection.close {code} {text:?} came only at the next frame"
                    )),
                    other => Outcome::Fail(format!("the overrun was never rejected: {other:?}")),
                }
            },
        },
        Case {
            id: "amqp-broker/channel/close-sequence",
            section: "AMQP 0-9-1 channel.close",
            requirement: "channel.close is answered with channel.close-ok.",
            level: Level::Must,
            accepts: "channel.close-ok",
            run: |t, tr| {
                let (mut c, _) = open_or_fail!(t, tr);
                try_or_fail!(c.call(1, ChannelClose { reply_code: 200, ..Default::default() }, "channel.close-ok"));
                c.close();
                Outcome::Pass("channel.close-ok".into())
            },
        },
        Case {
            id: "amqp-broker/connection/close-sequence",
            section: "AMQP 0-9-1 connection.close",
            requirement: "connection.close is answered with connection.close-ok, then the socket closes.",
            level: Level::Must,
            accepts: "connection.close-ok",
            run: |t, tr| {
                let (mut c, _) = open_or_fail!(t, tr);
                try_or_fail!(c.call(0, ConnectionClose { reply_code: 200, ..Default::default() }, "connection.close-ok"));
                Outcome::Pass("connection.close-ok".into())
            },
        },
        Case {
            id: "amqp-broker/queue/declare-bind-unbind-delete",
            section: "AMQP 0-9-1 queue class",
            requirement: "queue.declare/-ok (server-named), queue.bind/-ok, queue.unbind/-ok, queue.delete/-ok.",
            level: Level::Must,
            accepts: "each -ok in turn",
            run: |t, tr| {
                let (mut c, _) = open_or_fail!(t, tr);
                let q = try_or_fail!(declare_queue(&mut c));
                try_or_fail!(c.call(1, QueueBind { queue: q.clone(), exchange: s("amq.direct"), routing_key: s("k"), ..Default::default() }, "queue.bind-ok"));
                try_or_fail!(c.call(1, QueueUnbind { queue: q.clone(), exchange: s("amq.direct"), routing_key: s("k"), ..Default::default() }, "queue.unbind-ok"));
                let deleted = try_or_fail!(c.call(1, QueueDelete { queue: q.clone(), ..Default::default() }, "queue.delete-ok"));
                c.close();
                Outcome::Pass(format!("queue {q:?}: declared, bound, unbound, deleted ({deleted:?})"))
            },
        },
        Case {
            id: "amqp-broker/queue/passive-missing",
            section: "AMQP 0-9-1 queue.declare passive",
            requirement: "If set, and the queue does not already exist, the server MUST close the channel with reply code 404 (not found).",
            level: Level::Must,
            accepts: "channel.close 404",
            run: |t, tr| {
                let (mut c, _) = open_or_fail!(t, tr);
                try_or_fail!(c.send(&Frame::method(1, QueueDeclare { queue: s("msgwire.check.no-such-queue"), passive: true, ..Default::default() })));
                let out = judge_close(c.await_close(), false, &[404], &[]);
                c.close();
                out
            },
        },
        Case {
            id: "amqp-broker/queue/redeclare-different",
            section: "AMQP 0-9-1 queue.declare",
            requirement: "If the queue already exists, the server MUST check that the existing queue has the same values for durable, exclusive, auto-delete, and arguments, raising a channel exception (406) if not.",
            level: Level::Must,
            accepts: "channel.close 406",
            run: |t, tr| {
                let (mut c, _) = open_or_fail!(t, tr);
                let q = s("msgwire.check.redeclare");
                try_or_fail!(c.call(1, QueueDeclare { queue: q.clone(), exclusive: true, auto_delete: true, ..Default::default() }, "queue.declare-ok"));
                try_or_fail!(c.send(&Frame::method(1, QueueDeclare { queue: q, exclusive: true, auto_delete: false, ..Default::default() })));
                let out = judge_close(c.await_close(), false, &[406], &[]);
                c.close();
                out
            },
        },
        Case {
            id: "amqp-broker/exchange/declare-bind-delete",
            section: "AMQP 0-9-1 exchange class; RabbitMQ exchange-to-exchange bindings",
            requirement: "exchange.declare/-ok, exchange.bind/-ok (e2e), a message published to the source reaches a queue bound to the destination, exchange.unbind/-ok (method 51), exchange.delete/-ok.",
            level: Level::Must,
            accepts: "each -ok and the routed message",
            run: |t, tr| {
                let (mut c, _) = open_or_fail!(t, tr);
                let (src, dst) = ("msgwire.check.src", "msgwire.check.dst");
                for x in [src, dst] {
                    try_or_fail!(c.call(1, ExchangeDeclare { exchange: s(x), r#type: s("fanout"), auto_delete: false, ..Default::default() }, "exchange.declare-ok"));
                }
                let out = (|| -> Result<String, String> {
                    c.call(1, ExchangeBind { destination: s(dst), source: s(src), ..Default::default() }, "exchange.bind-ok")?;
                    let q = declare_queue(&mut c)?;
                    c.call(1, QueueBind { queue: q.clone(), exchange: s(dst), ..Default::default() }, "queue.bind-ok")?;
                    publish(&mut c, src, &s(""), false, b"e2e")?;
                    c.send(&Frame::method(1, BasicGet { queue: q, no_ack: true, ..Default::default() }))?;
                    let m = read_message(&mut c)?;
                    if &m.body[..] != b"e2e" {
                        return Err(format!("got body {:?}", m.body));
                    }
                    c.call(1, ExchangeUnbind { destination: s(dst), source: s(src), ..Default::default() }, "exchange.unbind-ok")?;
                    Ok("routed through an exchange-to-exchange binding; unbind-ok".into())
                })();
                for x in [src, dst] {
                    let _ = c.call(1, ExchangeDelete { exchange: s(x), ..Default::default() }, "exchange.delete-ok");
                }
                c.close();
                match out {
                    Ok(s) => Outcome::Pass(s),
                    Err(e) => Outcome::Fail(e),
                }
            },
        },
        Case {
            id: "amqp-broker/basic/mandatory-unroutable",
            section: "AMQP 0-9-1 basic.publish mandatory; reply code 312",
            requirement: "If mandatory is set and the message cannot be routed, the server returns it with basic.return (312 no-route).",
            level: Level::Must,
            accepts: "basic.return 312 with the message",
            run: |t, tr| {
                let (mut c, _) = open_or_fail!(t, tr);
                try_or_fail!(publish(&mut c, "", &s("msgwire.check.nowhere"), true, b"lost"));
                let m = try_or_fail!(read_message(&mut c));
                c.close();
                match m.method {
                    Method::BasicReturn(r) if r.reply_code == 312 && &m.body[..] == b"lost" => Outcome::Pass(format!("basic.return 312 {:?}", r.reply_text)),
                    other => Outcome::Fail(format!("expected basic.return 312, got {}", other.name())),
                }
            },
        },
        Case {
            id: "amqp-broker/basic/get-ack-nack-reject",
            section: "AMQP 0-9-1 basic.get, basic.ack, basic.reject; RabbitMQ basic.nack",
            requirement: "A message got and nacked with requeue comes back redelivered; a reject without requeue drops it; an ack removes it.",
            level: Level::Must,
            accepts: "get-ok, redelivered get-ok after nack, get-empty after reject",
            run: |t, tr| {
                let (mut c, _) = open_or_fail!(t, tr);
                let out = (|| -> Result<String, String> {
                    let q = declare_queue(&mut c)?;
                    publish(&mut c, "", &q, false, b"m")?;
                    let get = |c: &mut Conn<'_>| -> Result<Message, String> {
                        c.send(&Frame::method(1, BasicGet { queue: q.clone(), ..Default::default() }))?;
                        read_message(c)
                    };
                    let Method::BasicGetOk(first) = get(&mut c)?.method else { return Err("not get-ok".into()) };
                    c.send(&Frame::method(1, BasicNack { delivery_tag: first.delivery_tag, multiple: false, requeue: true }))?;
                    let Method::BasicGetOk(again) = get(&mut c)?.method else { return Err("not get-ok".into()) };
                    if !again.redelivered {
                        return Err("a nacked, requeued message came back without redelivered".into());
                    }
                    c.send(&Frame::method(1, BasicReject { delivery_tag: again.delivery_tag, requeue: false }))?;
                    c.call(1, BasicGet { queue: q.clone(), ..Default::default() }, "basic.get-empty")?;
                    publish(&mut c, "", &q, false, b"n")?;
                    let Method::BasicGetOk(third) = get(&mut c)?.method else { return Err("not get-ok".into()) };
                    c.send(&Frame::method(1, BasicAck { delivery_tag: third.delivery_tag, multiple: false }))?;
                    c.call(1, BasicRecover { requeue: true }, "basic.recover-ok")?;
                    c.call(1, BasicGet { queue: q, ..Default::default() }, "basic.get-empty")?;
                    Ok("nack → redelivered; reject → dropped; ack + recover → gone".into())
                })();
                c.close();
                match out {
                    Ok(s) => Outcome::Pass(s),
                    Err(e) => Outcome::Fail(e),
                }
            },
        },
        Case {
            id: "amqp-broker/basic/qos-consume-cancel",
            section: "AMQP 0-9-1 basic.qos, basic.consume, basic.cancel",
            requirement: "qos is answered with qos-ok; a consumer receives basic.deliver with its tag; cancel is answered with cancel-ok.",
            level: Level::Must,
            accepts: "qos-ok, consume-ok, deliver, cancel-ok",
            run: |t, tr| {
                let (mut c, _) = open_or_fail!(t, tr);
                let out = (|| -> Result<String, String> {
                    c.call(1, BasicQos { prefetch_count: 10, ..Default::default() }, "basic.qos-ok")?;
                    let q = declare_queue(&mut c)?;
                    let Method::BasicConsumeOk(ok) = c.call(1, BasicConsume { queue: q.clone(), consumer_tag: s("msgwire-check"), no_ack: true, ..Default::default() }, "basic.consume-ok")? else { unreachable!() };
                    publish(&mut c, "", &q, false, b"d")?;
                    let m = read_message(&mut c)?;
                    let Method::BasicDeliver(d) = m.method else { return Err(format!("expected basic.deliver, got {}", m.method.name())) };
                    if d.consumer_tag != ok.consumer_tag {
                        return Err(format!("deliver for consumer {:?}, expected {:?}", d.consumer_tag, ok.consumer_tag));
                    }
                    c.call(1, BasicCancel { consumer_tag: ok.consumer_tag, no_wait: false }, "basic.cancel-ok")?;
                    Ok("qos-ok, consume-ok, deliver, cancel-ok".into())
                })();
                c.close();
                match out {
                    Ok(s) => Outcome::Pass(s),
                    Err(e) => Outcome::Fail(e),
                }
            },
        },
        Case {
            id: "amqp-broker/confirm/publish-acks",
            section: "RabbitMQ publisher confirms (confirm.select)",
            requirement: "After confirm.select, every publish is confirmed with basic.ack whose delivery tags count from 1.",
            level: Level::Must,
            accepts: "acks covering tags 1..=3",
            run: |t, tr| {
                let (mut c, _) = open_or_fail!(t, tr);
                let out = (|| -> Result<String, String> {
                    let q = declare_queue(&mut c)?;
                    c.call(1, ConfirmSelect { nowait: false }, "confirm.select-ok")?;
                    for _ in 0..3 {
                        publish(&mut c, "", &q, false, b"c")?;
                    }
                    let mut confirmed = 0u64;
                    for _ in 0..8 {
                        if confirmed >= 3 {
                            break;
                        }
                        match c.expect(1, "basic.ack")? {
                            Method::BasicAck(a) => {
                                if a.delivery_tag <= confirmed {
                                    return Err(format!("ack tag {} after {confirmed}", a.delivery_tag));
                                }
                                confirmed = a.delivery_tag;
                            }
                            _ => unreachable!(),
                        }
                    }
                    if confirmed == 3 { Ok("acks up to delivery tag 3".into()) } else { Err(format!("confirmed up to {confirmed}")) }
                })();
                c.close();
                match out {
                    Ok(s) => Outcome::Pass(s),
                    Err(e) => Outcome::Fail(e),
                }
            },
        },
        Case {
            id: "amqp-broker/tx/commit-rollback",
            section: "AMQP 0-9-1 tx class",
            requirement: "Publishes inside a transaction are delivered on tx.commit and discarded on tx.rollback.",
            level: Level::Must,
            accepts: "select-ok, rollback-ok (queue empty), commit-ok (message there)",
            run: |t, tr| {
                let (mut c, _) = open_or_fail!(t, tr);
                let out = (|| -> Result<String, String> {
                    let q = declare_queue(&mut c)?;
                    c.call(1, TxSelect {}, "tx.select-ok")?;
                    publish(&mut c, "", &q, false, b"rolled back")?;
                    c.call(1, TxRollback {}, "tx.rollback-ok")?;
                    c.call(1, BasicGet { queue: q.clone(), no_ack: true, ..Default::default() }, "basic.get-empty")?;
                    publish(&mut c, "", &q, false, b"committed")?;
                    c.call(1, TxCommit {}, "tx.commit-ok")?;
                    c.send(&Frame::method(1, BasicGet { queue: q, no_ack: true, ..Default::default() }))?;
                    let m = read_message(&mut c)?;
                    if &m.body[..] != b"committed" {
                        return Err(format!("got {:?}", m.body));
                    }
                    Ok("rollback discarded, commit delivered".into())
                })();
                c.close();
                match out {
                    Ok(s) => Outcome::Pass(s),
                    Err(e) => Outcome::Fail(e),
                }
            },
        },
        Case {
            id: "amqp-broker/heartbeat/sent",
            section: "AMQP 0-9-1 §4.2.7",
            requirement: "With a negotiated heartbeat, the server sends heartbeat frames when it has nothing else to send.",
            level: Level::Should,
            accepts: "a heartbeat frame within 3 intervals (interval 1 s)",
            run: |t, tr| {
                let mut c = match Conn::connect(t, tr) {
                    Ok(c) => c,
                    Err(e) => return setup_failed(e),
                };
                try_or_fail!(c.handshake(t, 1));
                c.heartbeats = true;
                let deadline = Instant::now() + Duration::from_secs(3);
                while Instant::now() < deadline {
                    match c.recv_within(left(deadline)) {
                        Got::Frame(Frame::Heartbeat) => {
                            let _ = c.send(&Frame::Heartbeat);
                            c.close();
                            return Outcome::Pass("heartbeat received".into());
                        }
                        Got::Frame(_) => continue,
                        other => return Outcome::Fail(format!("no heartbeat: {other:?}")),
                    }
                }
                Outcome::Fail("no heartbeat within 3 s".into())
            },
        },
        Case {
            id: "amqp-broker/heartbeat/missed",
            section: "AMQP 0-9-1 §4.2.7",
            requirement: "If a peer detects no incoming traffic for two heartbeat intervals or longer, it should close the connection without following the Connection.Close/Close-Ok handshaking.",
            level: Level::Should,
            accepts: "the socket closed within ~4 intervals of silence (interval 1 s)",
            run: |t, tr| {
                let mut c = match Conn::connect(t, tr) {
                    Ok(c) => c,
                    Err(e) => return setup_failed(e),
                };
                try_or_fail!(c.handshake(t, 1));
                let deadline = Instant::now() + Duration::from_secs(6);
                while Instant::now() < deadline {
                    match c.recv_within(left(deadline)) {
                        Got::Frame(_) => continue,
                        Got::Closed => return Outcome::Pass("the broker closed the silent connection".into()),
                        Got::Timeout => break,
                        Got::Bad(e) => return Outcome::Fail(e),
                    }
                }
                Outcome::Fail("the connection stayed open through 6 s of client silence".into())
            },
        },
    ]
}

fn header_refused(t: &Target, tr: &mut Trace, header: &[u8], what: &str) -> Outcome {
    let mut c = match Conn::connect(t, tr) {
        Ok(c) => c,
        Err(e) => return setup_failed(e),
    };
    try_or_fail!(c.send_raw(header, what));
    match c.recv() {
        Got::Frame(Frame::ProtocolHeader(h)) => match c.recv() {
            Got::Closed => Outcome::Pass(format!("protocol header {:?}, then closed", h.octets)),
            other => Outcome::Fail(format!(
                "protocol header {:?}, then {other:?} instead of closing",
                h.octets
            )),
        },
        Got::Closed => Outcome::NonStrict("closed without sending a protocol header".into()),
        other => Outcome::Fail(format!("expected a protocol header, got {other:?}")),
    }
}
