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
    decoder: Decoder,
    trace: &'t mut Trace,
    timeout: Duration,
    /// Pass heartbeats up instead of skipping them.
    heartbeats: bool,
    /// The negotiated frame-max (0 until tuned, or none): a bigger frame from the broker is a
    /// violation (§4.2.3: "A peer MUST NOT send frames larger than the agreed-upon size.").
    frame_max: u32,
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
            decoder: Decoder {
                limits: Limits {
                    frame_max: 0,
                    ..Limits::default()
                },
                profile: Profile::RabbitMq,
            },
            trace,
            timeout: target.timeout,
            heartbeats: false,
            frame_max: 0,
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
                    if self.frame_max != 0 && used > self.frame_max as usize {
                        return Got::Bad(format!(
                            "the broker sent a frame of {used} octets, above the negotiated frame-max {} (§4.2.3: \"A peer MUST NOT send frames larger than the agreed-upon size.\")",
                            self.frame_max
                        ));
                    }
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

    /// Protocol header → connection.start (which must offer PLAIN).
    fn hs_start(&mut self) -> Result<ConnectionStart<'static>, String> {
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
        Ok(start)
    }

    /// connection.start-ok with `mechanism` and a PLAIN response for `user`/`password`.
    fn hs_start_ok(&mut self, mechanism: &str, user: &str, password: &str) -> Result<(), String> {
        self.hs_start_ok_sized(mechanism, user, password, 0)
    }

    /// [`Conn::hs_start_ok`], its client-properties padded so that the frame is `size` octets
    /// (0: no padding).
    fn hs_start_ok_sized(
        &mut self,
        mechanism: &str,
        user: &str,
        password: &str,
        size: usize,
    ) -> Result<(), String> {
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
        let response = format!("\0{user}\0{password}").into_bytes();
        let start_ok = |props: FieldTable<'static>| -> Result<Frame<'static>, String> {
            Ok(Frame::method(
                0,
                ConnectionStartOk {
                    client_properties: props,
                    mechanism: s(mechanism),
                    response: LongStr::new(response.clone()).map_err(|e| e.to_string())?,
                    locale: ShortStr::try_from("en_US").unwrap_or_default(),
                },
            ))
        };
        let unpadded = start_ok(props.clone().build())?.to_vec().len();
        // A long-string entry costs 1 + name + 1 + 4 octets besides its value.
        let entry = 1 + "msgwire-padding".len() + 1 + 4;
        if size >= unpadded + entry {
            let pad = "p".repeat(size - unpadded - entry);
            props
                .insert(
                    "msgwire-padding",
                    FieldValue::LongStr(LongStr::new(pad.into_bytes()).map_err(|e| e.to_string())?),
                )
                .ok();
        }
        let frame = start_ok(props.build())?;
        self.send(&frame)
    }

    /// connection.tune-ok with the given values, then connection.open for `vhost`.
    fn hs_tune_ok_open(
        &mut self,
        channel_max: u16,
        frame_max: u32,
        heartbeat: u16,
        vhost: &str,
    ) -> Result<(), String> {
        self.send(&Frame::method(
            0,
            ConnectionTuneOk {
                channel_max,
                frame_max,
                heartbeat,
            },
        ))?;
        self.send(&Frame::method(
            0,
            ConnectionOpen {
                virtual_host: ShortStr::new(vhost.as_bytes().to_vec())
                    .map_err(|e| e.to_string())?,
                ..Default::default()
            },
        ))
    }

    /// Protocol header through connection.open-ok, accepting the broker's tune. Returns it.
    fn handshake(&mut self, target: &Target, heartbeat: u16) -> Result<ConnectionTune, String> {
        self.hs_start()?;
        self.hs_start_ok("PLAIN", &target.user, &target.password)?;
        let Method::ConnectionTune(tune) = self.expect(0, "connection.tune")? else {
            unreachable!()
        };
        self.hs_tune_ok_open(tune.channel_max, tune.frame_max, heartbeat, &target.vhost)?;
        self.frame_max = tune.frame_max;
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

    /// Waits for the broker to close the connection (or a channel), answers with close-ok,
    /// and checks what follows: after connection.close-ok the broker closes the socket; after
    /// channel.close-ok the channel can be opened again.
    fn await_close(&mut self) -> Closing {
        match self.await_close_unless(|_| false) {
            Err(closing) => closing,
            Ok(f) => Closing::Garbage(format!("unexpected {}", describe(&f))),
        }
    }

    /// [`Conn::await_close`], except that a frame `accept` takes ends the wait: `Ok(frame)`.
    fn await_close_unless(
        &mut self,
        accept: impl Fn(&Frame<'_>) -> bool,
    ) -> Result<Frame<'static>, Closing> {
        let mut before = Vec::new();
        for _ in 0..64 {
            let (connection, channel, code, text, ids) = match self.recv() {
                Got::Frame(Frame::Method {
                    channel,
                    method: Method::ConnectionClose(c),
                }) => (
                    true,
                    channel,
                    c.reply_code,
                    c.reply_text.as_str().unwrap_or("").to_string(),
                    (c.class_id, c.method_id),
                ),
                Got::Frame(Frame::Method {
                    channel,
                    method: Method::ChannelClose(c),
                }) => (
                    false,
                    channel,
                    c.reply_code,
                    c.reply_text.as_str().unwrap_or("").to_string(),
                    (c.class_id, c.method_id),
                ),
                Got::Frame(f) if accept(&f) => return Ok(f),
                Got::Frame(f) => {
                    before.push(describe(&f));
                    continue;
                }
                Got::Closed => return Err(Closing::Socket),
                Got::Timeout => return Err(Closing::Nothing),
                Got::Bad(e) => return Err(Closing::Garbage(e)),
            };
            let sequence = if connection {
                self.after_connection_close(channel)
            } else {
                self.after_channel_close(channel)
            };
            return Err(Closing::Close(Close {
                connection,
                channel,
                code,
                text,
                ids,
                before,
                sequence,
            }));
        }
        Err(Closing::Nothing)
    }

    fn after_connection_close(&mut self, channel: u16) -> Result<(), String> {
        self.send(&Frame::method(channel, ConnectionCloseOk::default()))
            .map_err(|e| format!("could not send connection.close-ok: {e}"))?;
        match self.recv() {
            Got::Closed => Ok(()),
            Got::Frame(f) => Err(format!(
                "sent {} after our connection.close-ok",
                describe(&f)
            )),
            Got::Timeout => Err(format!(
                "kept the socket open {:?} after our connection.close-ok",
                self.timeout
            )),
            Got::Bad(e) => Err(format!("after our connection.close-ok: {e}")),
        }
    }

    fn after_channel_close(&mut self, channel: u16) -> Result<(), String> {
        self.send(&Frame::method(channel, ChannelCloseOk::default()))
            .map_err(|e| format!("could not send channel.close-ok: {e}"))?;
        self.call(channel, ChannelOpen::default(), "channel.open-ok")
            .map(|_| ())
            .map_err(|e| format!("after channel.close/close-ok the channel did not reopen: {e}"))
    }
}

fn setup_failed(e: String) -> Outcome {
    Outcome::Fail(format!("set-up failed: {e}"))
}

/// How the broker ended things after a bad input.
#[derive(Debug)]
enum Closing {
    /// A connection.close or channel.close came.
    Close(Close),
    /// The socket closed without a close method.
    Socket,
    /// Nothing within the timeout.
    Nothing,
    /// Bytes msgwire cannot decode.
    Garbage(String),
}

/// A close method the broker sent, and how the handshake after it went.
#[derive(Debug)]
struct Close {
    /// connection.close (true) or channel.close (false).
    connection: bool,
    /// The channel it came on.
    channel: u16,
    code: u16,
    text: String,
    /// class-id and method-id.
    ids: (u16, u16),
    /// Frames (other than heartbeats) that came before the close, after the bad input.
    before: Vec<String>,
    /// The sequence after our close-ok: the socket closed (connection) or the channel could be
    /// opened again (channel); `Err` says what happened instead.
    sequence: Result<(), String>,
}

impl std::fmt::Display for Close {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ch{} {} {} {:?} (class-id {}, method-id {})",
            self.channel,
            if self.connection {
                "connection.close"
            } else {
                "channel.close"
            },
            self.code,
            self.text,
            self.ids.0,
            self.ids.1
        )
    }
}

impl std::fmt::Display for Closing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Closing::Close(c) => write!(f, "{c}"),
            Closing::Socket => write!(f, "the socket closed without a close method"),
            Closing::Nothing => write!(f, "nothing came within the timeout"),
            Closing::Garbage(e) => write!(f, "{e}"),
        }
    }
}

/// The exception a case expects: its level, the reply codes the spec allows, and the
/// class-id/method-id of the offending method where the spec fixes them ("When a close is due
/// to an exception, the sender provides the class and method id of the method which caused
/// the exception").
#[derive(Debug, Clone, Copy)]
struct Want {
    /// A connection exception (connection.close on channel 0), or a channel exception
    /// (channel.close on channel 1).
    connection: bool,
    codes: &'static [u16],
    ids: Option<(u16, u16)>,
}

const fn conn(codes: &'static [u16]) -> Want {
    Want {
        connection: true,
        codes,
        ids: None,
    }
}

/// Judges a close exactly: level, channel, reply code, class/method ids (where wanted), and
/// the close/close-ok sequence.
fn judge(closing: Closing, want: Want) -> Outcome {
    let level = if want.connection {
        "a connection exception (connection.close on channel 0)"
    } else {
        "a channel exception (channel.close on channel 1)"
    };
    let c = match closing {
        Closing::Close(c) => c,
        other => {
            return Outcome::Fail(format!(
                "{other}; expected {level} with reply code {:?}",
                want.codes
            ))
        }
    };
    let mut wrong = Vec::new();
    if c.connection != want.connection {
        wrong.push(format!("expected {level}"));
    } else if c.connection && c.channel != 0 {
        wrong.push(
            "connection.close must come on channel 0 (§4.2.3: connection-class methods are on channel 0)"
                .to_string(),
        );
    } else if !c.connection && c.channel != 1 {
        wrong.push("expected the channel.close on channel 1, where the error was".to_string());
    }
    if !want.codes.contains(&c.code) {
        wrong.push(format!("reply code {}, expected {:?}", c.code, want.codes));
    }
    if let Some(ids) = want.ids {
        if c.ids != ids {
            wrong.push(format!(
                "class-id/method-id {}/{}, expected {}/{} (the method that caused the exception)",
                c.ids.0, c.ids.1, ids.0, ids.1
            ));
        }
    }
    if let Err(e) = &c.sequence {
        wrong.push(e.clone());
    }
    let before = if c.before.is_empty() {
        String::new()
    } else {
        format!(" (after {})", c.before.join(", "))
    };
    let then = if c.connection {
        "close-ok, then the socket closed"
    } else {
        "close-ok, then the channel reopened"
    };
    if wrong.is_empty() {
        Outcome::Pass(format!("{c}{before}; {then}"))
    } else {
        Outcome::Fail(format!("{c}{before}: {}", wrong.join("; ")))
    }
}

/// Judges "close the connection without sending any further data" (a socket close, no close
/// method). A connection.close with one of `deviation`'s codes is that named deviation.
fn judge_silent(closing: Closing, deviation: Option<(&'static str, &'static [u16])>) -> Outcome {
    match closing {
        Closing::Socket => Outcome::Pass("the socket closed with no further data".into()),
        Closing::Close(c)
            if c.connection && deviation.is_some_and(|(_, codes)| codes.contains(&c.code)) =>
        {
            let (id, _) = deviation.unwrap_or_default();
            Outcome::Deviation(
                id,
                format!("{c}: a negotiated close, where the spec says to close the socket without sending further data"),
            )
        }
        Closing::Close(c) => Outcome::Fail(format!(
            "{c}: expected the socket closed without further data (no close method)"
        )),
        other => Outcome::Fail(format!(
            "{other}; expected the socket closed without further data"
        )),
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

/// A content header frame payload: class-id, weight, body-size, no properties.
fn header_payload(class_id: u16, weight: u16, body_size: u64) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(&class_id.to_be_bytes());
    v.extend_from_slice(&weight.to_be_bytes());
    v.extend_from_slice(&body_size.to_be_bytes());
    v.extend_from_slice(&[0, 0]);
    v
}

/// basic.publish on channel 1 to the default exchange, routing key `msgwire.check.nowhere`.
fn publish_frame() -> Vec<u8> {
    Frame::method(
        1,
        BasicPublish {
            routing_key: s("msgwire.check.nowhere"),
            ..Default::default()
        },
    )
    .to_vec()
}

fn s(text: &str) -> ShortStr<'static> {
    ShortStr::new(text.as_bytes().to_vec()).unwrap_or_default()
}

/// Sends `bad` after the handshake (channel 1 open) and waits for the broker's close.
fn after_open(t: &Target, tr: &mut Trace, bad: &[u8], what: &str) -> Result<Closing, Outcome> {
    let (mut c, _) = Conn::open(t, tr).map_err(setup_failed)?;
    c.send_raw(bad, what).map_err(Outcome::Fail)?;
    Ok(c.await_close())
}

/// [`after_open`], judged by [`judge`].
fn after_open_judged(t: &Target, tr: &mut Trace, bad: &[u8], what: &str, want: Want) -> Outcome {
    match after_open(t, tr, bad, what) {
        Ok(closing) => judge(closing, want),
        Err(o) => o,
    }
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
    publish_with(
        c,
        exchange,
        key,
        mandatory,
        BasicProperties::default(),
        body,
    )
}

fn publish_with(
    c: &mut Conn<'_>,
    exchange: &str,
    key: &ShortStr<'_>,
    mandatory: bool,
    properties: BasicProperties<'_>,
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
        header: ContentHeader::new(body.len() as u64, properties),
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

macro_rules! or_outcome {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(o) => return o,
        }
    };
}

/// What a frame of `total` octets (header and end octet included) did to the broker.
enum Sized {
    /// The broker took it: a later basic.qos was answered and the message came back whole.
    Accepted(String),
    /// It closed.
    Closed(Closing),
}

/// Opens a connection, declares a queue, and publishes to it one message whose one body frame
/// is `total` octets long; the frames are written from a second thread, whole, while this one
/// reads, so a broker that objects before reading the payload is still heard. Then a
/// basic.qos: its qos-ok (and the message, got back) shows the frame was accepted.
fn sized_body_frame(t: &Target, tr: &mut Trace, total: u32) -> Result<Sized, Outcome> {
    let (mut c, _) = Conn::open(t, tr).map_err(setup_failed)?;
    let q = declare_queue(&mut c).map_err(Outcome::Fail)?;
    let payload = total.saturating_sub(8) as usize;
    let mut bytes = Frame::method(
        1,
        BasicPublish {
            routing_key: q.clone(),
            ..Default::default()
        },
    )
    .to_vec();
    bytes.extend(
        Frame::Header {
            channel: 1,
            header: ContentHeader::new(payload as u64, BasicProperties::default()),
        }
        .to_vec(),
    );
    let body_at = bytes.len();
    bytes.extend(frame_bytes(3, 1, &vec![b'm'; payload], 0xCE));
    bytes.extend(
        Frame::method(
            1,
            BasicQos {
                prefetch_count: 1,
                ..Default::default()
            },
        )
        .to_vec(),
    );
    c.trace.log(
        ">",
        &bytes[body_at..body_at + 7],
        format!(
            "basic.publish, content header, a body frame of {total} octets ({payload}-octet payload), basic.qos"
        ),
    );
    let mut writer = c
        .stream
        .try_clone()
        .map_err(|e| Outcome::Fail(format!("clone socket: {e}")))?;
    std::thread::spawn(move || {
        let _ = writer.write_all(&bytes);
    });
    match c.await_close_unless(|f| {
        matches!(
            f,
            Frame::Method {
                channel: 1,
                method: Method::BasicQosOk(_)
            }
        )
    }) {
        Err(closing) => Ok(Sized::Closed(closing)),
        Ok(_) => {
            let got = c
                .send(&Frame::method(
                    1,
                    BasicGet {
                        queue: q,
                        no_ack: true,
                        ..Default::default()
                    },
                ))
                .and_then(|_| read_message(&mut c));
            c.close();
            match got {
                Ok(m) if m.body.len() == payload => Ok(Sized::Accepted(format!(
                    "accepted a {total}-octet frame (basic.qos-ok; the {payload}-octet body came back)"
                ))),
                Ok(m) => Err(Outcome::Fail(format!(
                    "accepted a {total}-octet frame, but the body came back with {} octets, not {payload}",
                    m.body.len()
                ))),
                Err(e) => Ok(Sized::Accepted(format!(
                    "accepted a {total}-octet frame (basic.qos-ok), but getting the message back failed: {e}"
                ))),
            }
        }
    }
}

/// Publishes a message whose headers table holds `v` (one entry, `v`) to a queue of its own,
/// gets it back, and compares the table octet for octet.
fn table_roundtrip(
    t: &Target,
    tr: &mut Trace,
    value: FieldValue<'static>,
) -> Result<String, (bool, String)> {
    let (mut c, _) = Conn::open(t, tr).map_err(|e| (false, format!("set-up failed: {e}")))?;
    let q = declare_queue(&mut c).map_err(|e| (false, e))?;
    let mut table = FieldTable::builder();
    table.insert("v", value).ok();
    let table = table.build();
    let props = BasicProperties {
        headers: Some(table.clone()),
        ..Default::default()
    };
    publish_with(&mut c, "", &q, false, props, b"t").map_err(|e| (false, e))?;
    c.send(&Frame::method(
        1,
        BasicGet {
            queue: q,
            no_ack: true,
            ..Default::default()
        },
    ))
    .map_err(|e| (false, e))?;
    let mut assembler = Assembler::default();
    for _ in 0..8 {
        let frame = match c.recv() {
            Got::Frame(f) => f,
            Got::Closed => {
                return Err((
                    true,
                    "the socket closed after the publish, with no close method".into(),
                ))
            }
            Got::Timeout => return Err((false, "no basic.get-ok within the timeout".into())),
            Got::Bad(e) => return Err((false, e)),
        };
        if let Frame::Method {
            method: Method::ConnectionClose(_) | Method::ChannelClose(_),
            ..
        } = &frame
        {
            return Err((
                true,
                format!("the broker refused the table: {}", describe(&frame)),
            ));
        }
        match assembler.push(frame) {
            Ok(Some(Assembled::Message(m))) => {
                c.close();
                let back = m.header.properties.headers().unwrap_or_default();
                return if back.as_bytes() == table.as_bytes() {
                    Ok(format!(
                        "the headers table came back octet for octet: {:?}",
                        back.get("v")
                    ))
                } else {
                    Err((
                        false,
                        format!(
                            "the headers table came back changed: sent {}, got {}",
                            hex::encode(table.as_bytes()),
                            hex::encode(back.as_bytes())
                        ),
                    ))
                };
            }
            Ok(Some(Assembled::Frame(f))) => {
                return Err((
                    false,
                    format!("expected basic.get-ok, got {}", describe(&f)),
                ))
            }
            Ok(None) => {}
            Err(e) => return Err((false, e.to_string())),
        }
    }
    Err((false, "no message after 8 frames".into()))
}

/// [`table_roundtrip`] as an outcome: a refusal (a close) is `deviation` when one is named.
fn table_case(
    t: &Target,
    tr: &mut Trace,
    value: FieldValue<'static>,
    deviation: Option<&'static str>,
) -> Outcome {
    match (table_roundtrip(t, tr, value), deviation) {
        (Ok(s), _) => Outcome::Pass(s),
        (Err((true, s)), Some(id)) => Outcome::Deviation(id, s),
        (Err((_, s)), _) => Outcome::Fail(s),
    }
}

/// A handshake that goes wrong on purpose: `mechanism` and `password` in start-ok, then
/// tune-ok values from `tune_ok` (given the broker's tune; `None`: the case cannot run, with
/// why) and connection.open for `vhost`. Returns how the broker ended it, or the frame that
/// shows it went on (connection.tune after a bad start-ok, connection.open-ok after open).
fn bad_handshake(
    c: &mut Conn<'_>,
    t: &Target,
    mechanism: &str,
    password: &str,
    tune_ok: impl FnOnce(&ConnectionTune) -> Result<(u16, u32), String>,
    vhost: &str,
) -> Result<Result<String, Closing>, Outcome> {
    c.hs_start().map_err(setup_failed)?;
    c.hs_start_ok(mechanism, &t.user, password)
        .map_err(Outcome::Fail)?;
    let tune = match c.await_close_unless(|f| {
        matches!(
            f,
            Frame::Method {
                method: Method::ConnectionTune(_),
                ..
            }
        )
    }) {
        Ok(Frame::Method {
            method: Method::ConnectionTune(tune),
            ..
        }) => tune,
        Ok(f) => return Ok(Ok(describe(&f))),
        Err(closing) => return Ok(Err(closing)),
    };
    if mechanism != "PLAIN" || password != t.password {
        return Ok(Ok(format!(
            "connection.tune (the start-ok was taken: tune {}/{}/{})",
            tune.channel_max, tune.frame_max, tune.heartbeat
        )));
    }
    let (channel_max, frame_max) = tune_ok(&tune).map_err(Outcome::Unimplemented)?;
    c.hs_tune_ok_open(channel_max, frame_max, 0, vhost)
        .map_err(Outcome::Fail)?;
    match c.await_close_unless(|f| {
        matches!(
            f,
            Frame::Method {
                method: Method::ConnectionOpenOk(_),
                ..
            }
        )
    }) {
        Ok(_) => Ok(Ok(format!(
            "connection.open-ok (tune-ok channel-max {channel_max}, frame-max {frame_max}; the broker's tune {}/{})",
            tune.channel_max, tune.frame_max
        ))),
        Err(closing) => Ok(Err(closing)),
    }
}

/// Every AMQP broker case, in the order they run.
pub fn cases() -> Vec<Case<Target>> {
    vec![
        Case {
            id: "amqp-broker/protocol-header/0-9-1",
            section: "AMQP 0-9-1 §4.2.2",
            requirement: "\"The client opens a new socket connection to the AMQP server and sends the protocol header. The server either accepts or rejects the protocol header.\" Examples: \"AMQP%d0.0.9.1 → Connection.Start method\"; connection.start locales, rule required-support: \"The server MUST support at least the en_US locale.\"",
            level: Level::Must,
            accepts: "connection.start with version-major 0, version-minor 9, locales including en_US",
            run: |t, tr| {
                let mut c = match Conn::connect(t, tr) {
                    Ok(c) => c,
                    Err(e) => return setup_failed(e),
                };
                try_or_fail!(c.send(&Frame::ProtocolHeader(ProtocolHeader::AMQP_0_9_1)));
                match try_or_fail!(c.expect(0, "connection.start")) {
                    Method::ConnectionStart(st) if !st.locales.as_str().unwrap_or("").split(' ').any(|l| l == "en_US") => Outcome::Fail(format!(
                        "connection.start locales {:?} lack en_US (connection.start locales, rule required-support: \"The server MUST support at least the en_US locale.\")",
                        st.locales
                    )),
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
            requirement: "\"If the server does not recognise the first 5 octets of data on the socket, or does not support the specific protocol version that the client requests, it MUST write a valid protocol header to the socket, then flush the socket (to ensure the client application will receive the data) and then close the socket connection.\" (connection.start, rule server-support: \"The server MUST provide a protocol version that is lower than or equal to that requested by the client in the protocol header.\")",
            level: Level::Must,
            accepts: "a protocol header AMQP 0 x y z with a version at most 1-0-0, then the socket closed",
            run: |t, tr| header_refused(t, tr, b"AMQP\x00\x01\x00\x00", "AMQP 1.0 header", false),
        },
        Case {
            id: "amqp-broker/protocol-header/0-9-2",
            section: "AMQP 0-9-1 §4.2.2",
            requirement: "\"Clients and servers that implement multiple versions of AMQP should use all eight octets of the protocol header to identify the protocol.\" and \"If the server ... does not support the specific protocol version that the client requests, it MUST write a valid protocol header to the socket ... and then close the socket connection.\"",
            level: Level::Should,
            accepts: "a protocol header with a version at most 0-9-2 (0-9-1), then the socket closed",
            run: |t, tr| header_refused(t, tr, b"AMQP\x00\x00\x09\x02", "AMQP 0-9-2 header (no such revision)", false),
        },
        Case {
            id: "amqp-broker/protocol-header/legacy-0-9",
            section: "AMQP 0-9-1 §4.2.2; the 0-9 header format (class 1, instance 1, 0.9)",
            requirement: "\"The server either accepts or rejects the protocol header. If it rejects the protocol header writes a valid protocol header to the socket and then closes the socket.\" (derived: the legacy `AMQP 1 1 0 9` header asks for AMQP 0-9; a broker that speaks 0-9 accepts it with connection.start 0-9, one that does not answers with its own header and closes)",
            level: Level::Must,
            accepts: "connection.start version 0-9, or a valid protocol header then the socket closed",
            run: |t, tr| header_refused(t, tr, b"AMQP\x01\x01\x00\x09", "legacy AMQP 0-9 header (1 1 0 9)", true),
        },
        Case {
            id: "amqp-broker/protocol-header/garbage",
            section: "AMQP 0-9-1 §4.2.2",
            requirement: "\"If the server does not recognise the first 5 octets of data on the socket ... it MUST write a valid protocol header to the socket, then flush the socket ... and then close the socket connection.\" and \"The server MAY accept non-AMQP protocols such as HTTP.\"",
            level: Level::Must,
            accepts: "a valid protocol header, then the socket closed (an HTTP answer: informational, the MAY)",
            run: |t, tr| header_refused(t, tr, b"GET / HTTP/1.1\r\n\r\n", "an HTTP request", false),
        },
        Case {
            id: "amqp-broker/connection/handshake-plain",
            section: "AMQP 0-9-1 §2.2.4, connection class",
            requirement: "connection.start / start-ok (PLAIN) / tune / tune-ok / open / open-ok opens a connection (derived: the connection class's methods, each marked `implement=\"MUST\"` for the server).",
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
            section: "AMQP 0-9-1 connection.tune frame-max, rule minimum",
            requirement: "\"Until the frame-max has been negotiated, both peers MUST accept frames of up to frame-min-size octets large, and the minimum negotiated value for frame-max is also frame-min-size.\" (frame-min-size = 4096; \"Zero means that the server does not impose any specific limit\")",
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
            section: "AMQP 0-9-1 reply code 403 access-refused; RabbitMQ capability authentication_failure_close",
            requirement: "derived from reply code 403: \"access-refused: The client attempted to work with a server entity to which it has no access due to security settings.\" (msgwire announces the authentication_failure_close capability, under which RabbitMQ documents connection.close 403)",
            level: Level::Should,
            accepts: "connection.close 403 on channel 0, close-ok, the socket closed (a bare socket close: non-strict)",
            run: |t, tr| {
                let mut c = match Conn::connect(t, tr) {
                    Ok(c) => c,
                    Err(e) => return setup_failed(e),
                };
                let wrong = format!("{}-wrong", t.password);
                match or_outcome!(bad_handshake(&mut c, t, "PLAIN", &wrong, |_| Err(String::new()), &t.vhost)) {
                    Ok(went_on) => Outcome::Fail(format!("a wrong password was not refused: {went_on}")),
                    Err(Closing::Socket) => Outcome::NonStrict("the socket closed without connection.close 403".into()),
                    Err(closing) => judge(closing, Want { connection: true, codes: &[403], ids: None }),
                }
            },
        },
        Case {
            id: "amqp-broker/connection/unknown-mechanism",
            section: "AMQP 0-9-1 connection.start-ok mechanism, rule validity",
            requirement: "\"If the mechanism field does not contain one of the security mechanisms proposed by the server in the Start method, the server MUST close the connection without sending any further data.\"",
            level: Level::Must,
            accepts: "the socket closed, no connection.close",
            run: |t, tr| {
                let mut c = match Conn::connect(t, tr) {
                    Ok(c) => c,
                    Err(e) => return setup_failed(e),
                };
                match or_outcome!(bad_handshake(&mut c, t, "MSGWIRE-NO-SUCH-MECHANISM", &t.password, |_| Err(String::new()), &t.vhost)) {
                    Ok(went_on) => Outcome::Fail(format!("an unknown mechanism was not refused: {went_on}")),
                    Err(closing) => judge_silent(closing, None),
                }
            },
        },
        Case {
            id: "amqp-broker/connection/unknown-vhost",
            section: "AMQP 0-9-1 connection.open; reply code 402 invalid-path",
            requirement: "derived from reply code 402 (a hard error, i.e. a connection exception): \"invalid-path: The client tried to work with an unknown virtual host.\" connection.close: \"When a close is due to an exception, the sender provides the class and method id of the method which caused the exception.\"",
            level: Level::Must,
            accepts: "connection.close 402 with class-id 10, method-id 40 (connection.open), close-ok, the socket closed",
            run: |t, tr| {
                let mut c = match Conn::connect(t, tr) {
                    Ok(c) => c,
                    Err(e) => return setup_failed(e),
                };
                match or_outcome!(bad_handshake(&mut c, t, "PLAIN", &t.password, |tune| Ok((tune.channel_max, tune.frame_max)), "msgwire.check.no-such-vhost")) {
                    Ok(went_on) => Outcome::Fail(format!("an unknown virtual host was opened: {went_on}")),
                    Err(Closing::Close(cl)) if cl.connection && cl.code == 530 && cl.sequence.is_ok() => Outcome::Deviation(
                        "rabbitmq/unknown-vhost-530",
                        format!("{cl}: 530 not-allowed, where the spec's code for an unknown virtual host is 402 invalid-path"),
                    ),
                    Err(closing) => judge(closing, Want { connection: true, codes: &[402], ids: Some((10, 40)) }),
                }
            },
        },
        Case {
            id: "amqp-broker/connection/tune-ok-channel-max-above",
            section: "AMQP 0-9-1 connection.tune-ok channel-max, rule upper-limit",
            requirement: "\"If the client specifies a channel max that is higher than the value provided by the server, the server MUST close the connection without attempting a negotiated close. The server may report the error in some fashion to assist implementors.\"",
            level: Level::Must,
            accepts: "the socket closed, no connection.close (unimplemented when the broker sets no channel limit)",
            run: |t, tr| {
                let mut c = match Conn::connect(t, tr) {
                    Ok(c) => c,
                    Err(e) => return setup_failed(e),
                };
                let over = |tune: &ConnectionTune| match tune.channel_max {
                    0 | u16::MAX => Err(format!("the broker's channel-max {} leaves nothing above it", tune.channel_max)),
                    m => Ok((m + 1, tune.frame_max)),
                };
                match or_outcome!(bad_handshake(&mut c, t, "PLAIN", &t.password, over, &t.vhost)) {
                    Ok(went_on) => Outcome::Fail(format!("the connection opened: {went_on}")),
                    Err(closing) => judge_silent(closing, None),
                }
            },
        },
        Case {
            id: "amqp-broker/connection/tune-ok-frame-max-above",
            section: "AMQP 0-9-1 connection.tune-ok frame-max, rule upper-limit",
            requirement: "\"If the client specifies a frame max that is higher than the value provided by the server, the server MUST close the connection without attempting a negotiated close. The server may report the error in some fashion to assist implementors.\"",
            level: Level::Must,
            accepts: "the socket closed, no connection.close (unimplemented when the broker sets no frame limit)",
            run: |t, tr| {
                let mut c = match Conn::connect(t, tr) {
                    Ok(c) => c,
                    Err(e) => return setup_failed(e),
                };
                let over = |tune: &ConnectionTune| match tune.frame_max {
                    0 | u32::MAX => Err(format!("the broker's frame-max {} leaves nothing above it", tune.frame_max)),
                    m => Ok((tune.channel_max, m + 1)),
                };
                match or_outcome!(bad_handshake(&mut c, t, "PLAIN", &t.password, over, &t.vhost)) {
                    Ok(went_on) => Outcome::Fail(format!("the connection opened: {went_on}")),
                    Err(closing) => judge_silent(closing, None),
                }
            },
        },
        Case {
            id: "amqp-broker/connection/tune-ok-frame-max-below-min",
            section: "AMQP 0-9-1 connection.tune-ok frame-max, rule minimum",
            requirement: "\"Until the frame-max has been negotiated, both peers MUST accept frames of up to frame-min-size octets large, and the minimum negotiated value for frame-max is also frame-min-size.\" (derived: a tune-ok with frame-max 4095 is refused)",
            level: Level::Must,
            accepts: "the connection refused: the socket closed, or connection.close with an error code",
            run: |t, tr| {
                let mut c = match Conn::connect(t, tr) {
                    Ok(c) => c,
                    Err(e) => return setup_failed(e),
                };
                match or_outcome!(bad_handshake(&mut c, t, "PLAIN", &t.password, |tune| Ok((tune.channel_max, 4095)), &t.vhost)) {
                    Ok(went_on) => Outcome::Fail(format!("frame-max 4095 was accepted: {went_on}")),
                    Err(Closing::Socket) => Outcome::Pass("refused: the socket closed".into()),
                    Err(Closing::Close(cl)) if cl.connection && cl.channel == 0 && cl.code >= 300 => match &cl.sequence {
                        Ok(()) => Outcome::Pass(format!("refused: {cl}; close-ok, then the socket closed")),
                        Err(e) => Outcome::Fail(format!("{cl}: {e}")),
                    },
                    Err(other) => Outcome::Fail(format!("{other}; expected the connection refused")),
                }
            },
        },
        Case {
            id: "amqp-broker/frame/at-frame-max",
            section: "AMQP 0-9-1 connection.tune frame-max",
            requirement: "frame-max: \"The largest frame size that the server proposes for the connection, including frame header and end-byte.\" (derived: a frame of exactly frame-max octets is accepted)",
            level: Level::Must,
            accepts: "basic.qos-ok after a body frame of frame-max octets, and the body back whole",
            run: |t, tr| {
                let fm = {
                    let (c, tune) = open_or_fail!(t, tr);
                    c.close();
                    tune.frame_max
                };
                if fm == 0 {
                    return Outcome::Unimplemented("the broker sets no frame-max".into());
                }
                match or_outcome!(sized_body_frame(t, tr, fm)) {
                    Sized::Accepted(s) => Outcome::Pass(s),
                    Sized::Closed(closing) => Outcome::Fail(format!("a frame of exactly frame-max ({fm}) octets was refused: {closing}")),
                }
            },
        },
        Case {
            id: "amqp-broker/frame/over-frame-max",
            section: "AMQP 0-9-1 §4.2.3; connection.tune frame-max",
            requirement: "\"A peer MUST NOT send frames larger than the agreed-upon size. A peer that receives an oversized frame MUST signal a connection exception with reply code 501 (frame error).\"",
            level: Level::Must,
            accepts: "connection.close 501 for body frames of frame-max + 1, + 8 and + 9 octets (whole frames sent), each on its own connection",
            run: |t, tr| {
                let fm = {
                    let (c, tune) = open_or_fail!(t, tr);
                    c.close();
                    tune.frame_max
                };
                if fm == 0 || fm > u32::MAX - 9 {
                    return Outcome::Unimplemented(format!("the broker's frame-max {fm} leaves nothing above it"));
                }
                let mut seen = Vec::new();
                let (mut wrong, mut within_fudge) = (Vec::new(), Vec::new());
                for over in [1u32, 8, 9] {
                    match or_outcome!(sized_body_frame(t, tr, fm + over)) {
                        Sized::Accepted(s) => {
                            seen.push(format!("+{over}: {s}"));
                            if over <= 8 { within_fudge.push(over) } else { wrong.push(over) }
                        }
                        Sized::Closed(closing) => match judge(closing, conn(&[501])) {
                            Outcome::Pass(s) => seen.push(format!("+{over}: {s}")),
                            Outcome::Fail(s) => {
                                seen.push(format!("+{over}: {s}"));
                                wrong.push(over);
                            }
                            other => {
                                seen.push(format!("+{over}: {other:?}"));
                                wrong.push(over);
                            }
                        },
                    }
                }
                let seen = seen.join("; ");
                if wrong.is_empty() && within_fudge.is_empty() {
                    Outcome::Pass(format!("frame-max {fm}: {seen}"))
                } else if wrong.is_empty() && within_fudge == [1, 8] {
                    // Exactly RabbitMQ's FRAME_SIZE_FUDGE: + 1 and + 8 taken, + 9 refused right.
                    Outcome::Deviation("rabbitmq/frame-size-fudge", format!("frame-max {fm}: {seen}"))
                } else {
                    Outcome::Fail(format!("frame-max {fm}: {seen}"))
                }
            },
        },
        Case {
            id: "amqp-broker/frame/bad-end-octet",
            section: "AMQP 0-9-1 §4.2.3",
            requirement: "\"When a peer reads a frame it MUST check that the frame-end is valid before attempting to decode the frame. If the frame-end is not valid it MUST treat this as a fatal protocol error and close the connection without sending any further data on it.\"",
            level: Level::Must,
            accepts: "the socket closed, no connection.close",
            run: |t, tr| match after_open(t, tr, &frame_bytes(8, 0, &[], 0xCD), "heartbeat with end octet 0xcd") {
                Ok(closing) => judge_silent(closing, Some(("rabbitmq/fatal-frame-error-close", &[501]))),
                Err(o) => o,
            },
        },
        Case {
            id: "amqp-broker/frame/unknown-type",
            section: "AMQP 0-9-1 §4.2.3",
            requirement: "\"If a peer receives a frame with a type that is not one of these defined types, it MUST treat this as a fatal protocol error and close the connection without sending any further data on it\"",
            level: Level::Must,
            accepts: "the socket closed, no connection.close",
            run: |t, tr| match after_open(t, tr, &frame_bytes(9, 0, &[], 0xCE), "frame type 9") {
                Ok(closing) => judge_silent(closing, Some(("rabbitmq/fatal-frame-error-close", &[501]))),
                Err(o) => o,
            },
        },
        Case {
            id: "amqp-broker/frame/heartbeat-on-channel-1",
            section: "AMQP 0-9-1 §4.2.7; §4.2.3",
            requirement: "§4.2.7: \"Heartbeat frames MUST have a channel number of zero. A peer that receives an invalid heartbeat frame MUST raise a connection exception with reply code 501 (frame error).\" §4.2.3: \"The channel number MUST be zero for all heartbeat frames ... A peer that receives a non-zero channel number for one of these frames MUST signal a connection exception with reply code 503 (command invalid).\"",
            level: Level::Must,
            accepts: "connection.close 501 or 503 (the two sections disagree), close-ok, the socket closed",
            run: |t, tr| match after_open(t, tr, &frame_bytes(8, 1, &[], 0xCE), "heartbeat on channel 1") {
                Ok(Closing::Close(cl)) if cl.connection && cl.code == 505 && cl.sequence.is_ok() => Outcome::Deviation(
                    "rabbitmq/heartbeat-channel-505",
                    format!("{cl}: 505 unexpected-frame, where §4.2.7 says 501 and §4.2.3 says 503"),
                ),
                Ok(closing) => judge(closing, conn(&[501, 503])),
                Err(o) => o,
            },
        },
        Case {
            id: "amqp-broker/frame/heartbeat-with-payload",
            section: "AMQP 0-9-1 §4.2.7; §4.2.1 grammar",
            requirement: "§4.2.7: \"A peer that receives an invalid heartbeat frame MUST raise a connection exception with reply code 501 (frame error).\" (derived: the grammar's `heartbeat = %d8 %d0 %d0 frame-end` has no payload, so one with a payload is invalid)",
            level: Level::Must,
            accepts: "connection.close 501, close-ok, the socket closed",
            run: |t, tr| after_open_judged(t, tr, &frame_bytes(8, 0, b"hb", 0xCE), "heartbeat with a 2-octet payload", conn(&[501])),
        },
        Case {
            id: "amqp-broker/frame/connection-method-on-channel-1",
            section: "AMQP 0-9-1 §4.2.3",
            requirement: "\"The channel number MUST be zero for all heartbeat frames, and for method, header and body frames that refer to the Connection class. A peer that receives a non-zero channel number for one of these frames MUST signal a connection exception with reply code 503 (command invalid).\"",
            level: Level::Must,
            accepts: "connection.close 503, close-ok, the socket closed",
            run: |t, tr| {
                let bad = Frame::method(1, ConnectionTuneOk { channel_max: 0, frame_max: 0, heartbeat: 0 }).to_vec();
                after_open_judged(t, tr, &bad, "connection.tune-ok on channel 1", conn(&[503]))
            },
        },
        Case {
            id: "amqp-broker/channel/unopened",
            section: "AMQP 0-9-1 channel class; reply code 504 channel-error",
            requirement: "derived from reply code 504 (a hard error, i.e. a connection exception): \"channel-error: The client attempted to work with a channel that had not been correctly opened.\" connection.close: \"When a close is due to an exception, the sender provides the class and method id of the method which caused the exception.\"",
            level: Level::Must,
            accepts: "connection.close 504 with class-id 60, method-id 10 (basic.qos), close-ok, the socket closed",
            run: |t, tr| {
                let bad = Frame::method(7, BasicQos { prefetch_count: 1, ..Default::default() }).to_vec();
                after_open_judged(t, tr, &bad, "basic.qos on channel 7 (not open)", Want { connection: true, codes: &[504], ids: Some((60, 10)) })
            },
        },
        Case {
            id: "amqp-broker/channel/open-twice",
            section: "AMQP 0-9-1 channel.open, rule state; reply code 504 channel-error",
            requirement: "channel.open: \"The client MUST NOT use this method on an already-opened channel.\" (derived: the broker signals it with 504 channel-error, a connection exception, naming channel.open: class-id 20, method-id 10)",
            level: Level::Must,
            accepts: "connection.close 504 with class-id 20, method-id 10, close-ok, the socket closed",
            run: |t, tr| {
                let bad = Frame::method(1, ChannelOpen::default()).to_vec();
                after_open_judged(t, tr, &bad, "channel.open on channel 1 (already open)", Want { connection: true, codes: &[504], ids: Some((20, 10)) })
            },
        },
        Case {
            id: "amqp-broker/method/unknown",
            section: "AMQP 0-9-1 §4.2.4; reply codes 503, 540",
            requirement: "derived from reply codes 540 (\"not-implemented: The client tried to use functionality that is not implemented in the server.\") and 503 (\"command-invalid: The client sent an invalid sequence of frames, attempting to perform an operation that was considered invalid by the server.\"), both hard errors, i.e. connection exceptions",
            level: Level::Must,
            accepts: "connection.close 540 or 503, close-ok, the socket closed",
            run: |t, tr| after_open_judged(t, tr, &frame_bytes(1, 1, &[0, 60, 0, 255], 0xCE), "method 60.255 (basic has no method 255)", conn(&[540, 503])),
        },
        Case {
            id: "amqp-broker/method/unknown-class",
            section: "AMQP 0-9-1 §4.2.4; reply codes 503, 540",
            requirement: "§4.2.4: \"The class-id and method-id are constants that are defined in the AMQP class and method specifications.\" (derived: an undefined class is 540 not-implemented or 503 command-invalid, as for an unknown method)",
            level: Level::Must,
            accepts: "connection.close 540 or 503, close-ok, the socket closed",
            run: |t, tr| after_open_judged(t, tr, &frame_bytes(1, 1, &[0, 99, 0, 10], 0xCE), "method 99.10 (no class 99)", conn(&[540, 503])),
        },
        Case {
            id: "amqp-broker/method/truncated-arguments",
            section: "AMQP 0-9-1 §4.2.4; reply codes 501, 502",
            requirement: "derived from §4.2.4 (\"Method frame bodies consist of an invariant list of data fields, called 'arguments'\") and reply code 501 (\"frame-error: The sender sent a malformed frame that the recipient could not decode.\"; 502 syntax-error also fits), both hard errors, i.e. connection exceptions",
            level: Level::Must,
            accepts: "connection.close 501 or 502, close-ok, the socket closed",
            run: |t, tr| after_open_judged(t, tr, &frame_bytes(1, 1, &[0, 60, 0, 10, 0, 0, 0, 0], 0xCE), "basic.qos cut after prefetch-size", conn(&[501, 502])),
        },
        Case {
            id: "amqp-broker/content/header-without-method",
            section: "AMQP 0-9-1 §4.2.6",
            requirement: "\"A peer that receives an incomplete or badly-formatted content MUST raise a connection exception with reply code 505 (unexpected frame). This includes missing content headers, wrong class IDs in content headers, missing content body frames, etc.\"",
            level: Level::Must,
            accepts: "connection.close 505, close-ok, the socket closed",
            run: |t, tr| after_open_judged(t, tr, &frame_bytes(2, 1, &header_payload(60, 0, 0), 0xCE), "content header with no method", conn(&[505])),
        },
        Case {
            id: "amqp-broker/content/method-interleaved",
            section: "AMQP 0-9-1 §4.2.6",
            requirement: "\"no two content frames from the same channel may be mixed or overlapped, nor may content frames for a single content be mixed with method frames on the same channel.\" and \"A peer that receives an incomplete or badly-formatted content MUST raise a connection exception with reply code 505 (unexpected frame). This includes ... missing content body frames, etc.\"",
            level: Level::Must,
            accepts: "connection.close 505, close-ok, the socket closed",
            run: |t, tr| {
                let mut bad = publish_frame();
                bad.extend(frame_bytes(2, 1, &header_payload(60, 0, 10), 0xCE));
                bad.extend(Frame::method(1, BasicQos { prefetch_count: 1, ..Default::default() }).to_vec());
                after_open_judged(t, tr, &bad, "basic.publish, header (body-size 10), basic.qos before the body", conn(&[505]))
            },
        },
        Case {
            id: "amqp-broker/content/header-weight",
            section: "AMQP 0-9-1 §4.2.6.1; §4.2.6",
            requirement: "§4.2.6.1: \"The weight field is unused and must be zero.\" (derived: a content header with weight 1 is badly formatted; §4.2.6: \"A peer that receives an incomplete or badly-formatted content MUST raise a connection exception with reply code 505 (unexpected frame).\")",
            level: Level::Must,
            accepts: "connection.close 505, close-ok, the socket closed",
            run: |t, tr| {
                let mut bad = publish_frame();
                bad.extend(frame_bytes(2, 1, &header_payload(60, 1, 1), 0xCE));
                bad.extend(frame_bytes(3, 1, b"w", 0xCE));
                after_open_judged(t, tr, &bad, "basic.publish, header with weight 1, body", conn(&[505]))
            },
        },
        Case {
            id: "amqp-broker/content/header-class-mismatch",
            section: "AMQP 0-9-1 §4.2.6.1; §4.2.6",
            requirement: "§4.2.6.1: \"The class-id MUST match the method frame class id. The peer MUST respond to an invalid class-id by raising a connection exception with reply code 501 (frame error).\" §4.2.6: \"... MUST raise a connection exception with reply code 505 (unexpected frame). This includes ... wrong class IDs in content headers\"",
            level: Level::Must,
            accepts: "connection.close 501 or 505 (the two sections disagree), close-ok, the socket closed",
            run: |t, tr| {
                let mut bad = publish_frame();
                bad.extend(frame_bytes(2, 1, &header_payload(50, 0, 1), 0xCE));
                bad.extend(frame_bytes(3, 1, b"c", 0xCE));
                after_open_judged(t, tr, &bad, "basic.publish, header with class-id 50, body", conn(&[501, 505]))
            },
        },
        Case {
            id: "amqp-broker/content/header-on-channel-0",
            section: "AMQP 0-9-1 §4.2.6.1",
            requirement: "\"The channel number in content frames MUST NOT be zero. A peer that receives a zero channel number in a content frame MUST signal a connection exception with reply code 504 (channel error).\"",
            level: Level::Must,
            accepts: "connection.close 504, close-ok, the socket closed",
            run: |t, tr| match after_open(t, tr, &frame_bytes(2, 0, &header_payload(60, 0, 0), 0xCE), "content header on channel 0") {
                Ok(Closing::Close(cl)) if cl.connection && cl.code == 505 && cl.sequence.is_ok() => Outcome::Deviation(
                    "rabbitmq/content-channel-zero-505",
                    format!("{cl}: 505 unexpected-frame, where §4.2.6.1 says 504"),
                ),
                Ok(closing) => judge(closing, conn(&[504])),
                Err(o) => o,
            },
        },
        Case {
            id: "amqp-broker/content/body-longer-than-declared",
            section: "AMQP 0-9-1 §4.2.6.1; §4.2.6",
            requirement: "§4.2.6.1: \"The body size is a 64-bit value that defines the total size of the content body, that is, the sum of the body sizes for the following content body frames.\" (derived: a 3-octet body after body-size 2 is badly formatted content; §4.2.6: \"A peer that receives an incomplete or badly-formatted content MUST raise a connection exception with reply code 505 (unexpected frame).\")",
            level: Level::Must,
            accepts: "connection.close 505 (at the body frame, or at the basic.qos after it), close-ok, the socket closed",
            run: |t, tr| {
                let mut bad = publish_frame();
                bad.extend(frame_bytes(2, 1, &header_payload(60, 0, 2), 0xCE));
                bad.extend(frame_bytes(3, 1, b"abc", 0xCE));
                bad.extend(Frame::method(1, BasicQos { prefetch_count: 1, ..Default::default() }).to_vec());
                after_open_judged(t, tr, &bad, "publish, body-size 2, a 3-octet body, basic.qos", conn(&[505]))
            },
        },
        Case {
            id: "amqp-broker/basic/publish-missing-exchange",
            section: "AMQP 0-9-1 basic.publish exchange, rule must-exist; reply code 404",
            requirement: "basic.publish exchange: \"If the exchange name is specified, and that exchange does not exist, the server will raise a channel exception.\" (derived: reply code 404, \"not-found: The client attempted to work with a server entity that does not exist.\", naming basic.publish: class-id 60, method-id 40)",
            level: Level::Must,
            accepts: "channel.close 404 with class-id 60, method-id 40 on channel 1, close-ok, the channel reopens",
            run: |t, tr| {
                let (mut c, _) = open_or_fail!(t, tr);
                try_or_fail!(publish(&mut c, "msgwire.check.no-such-exchange", &s("k"), false, b"x"));
                let out = judge(c.await_close(), Want { connection: false, codes: &[404], ids: Some((60, 40)) });
                c.close();
                out
            },
        },
        Case {
            id: "amqp-broker/table/spec-short-int-U",
            section: "AMQP 0-9-1 §4.2.5.5 field tables; §4.2.1 grammar (field-value 'U' short-int)",
            requirement: "§4.2.1: \"field-value = 't' boolean / 'b' short-short-int / 'B' short-short-uint / 'U' short-int / 'u' short-uint / 'I' long-int / 'i' long-uint / 'L' long-long-int / 'l' long-long-uint / ... / 'A' field-array / 'F' field-table / 'V' ; no field\" (derived: a well-formed entry of a grammar type is accepted and delivered unchanged)",
            level: Level::Must,
            accepts: "the message back with its headers table octet for octet",
            run: |t, tr| table_case(t, tr, FieldValue::SpecI16(-2), Some("rabbitmq/field-table-types")),
        },
        Case {
            id: "amqp-broker/table/spec-long-long-int-L",
            section: "AMQP 0-9-1 §4.2.5.5 field tables; §4.2.1 grammar (field-value 'L' long-long-int)",
            requirement: "§4.2.1: \"field-value = ... / 'L' long-long-int / ...\" (derived: a well-formed entry of a grammar type is accepted and delivered unchanged)",
            level: Level::Must,
            accepts: "the message back with its headers table octet for octet",
            run: |t, tr| table_case(t, tr, FieldValue::SpecI64(-3), None),
        },
        Case {
            id: "amqp-broker/table/array-A",
            section: "AMQP 0-9-1 §4.2.5.5 field tables; §4.2.1 grammar (field-value 'A' field-array)",
            requirement: "§4.2.1: \"field-value = ... / 'A' field-array / ...\" and \"field-array = long-int *field-value ; array of values\" (derived: a well-formed entry of a grammar type is accepted and delivered unchanged)",
            level: Level::Must,
            accepts: "the message back with its headers table octet for octet",
            run: |t, tr| {
                let array = FieldArray::from_values([
                    FieldValue::I32(1),
                    FieldValue::LongStr(LongStr::try_from("a").unwrap_or_default()),
                    FieldValue::Void,
                ]);
                table_case(t, tr, FieldValue::Array(array), None)
            },
        },
        Case {
            id: "amqp-broker/table/void-V",
            section: "AMQP 0-9-1 §4.2.5.5 field tables; §4.2.1 grammar (field-value 'V')",
            requirement: "§4.2.1: \"field-value = ... / 'V' ; no field\" (derived: a well-formed entry of a grammar type is accepted and delivered unchanged)",
            level: Level::Must,
            accepts: "the message back with its headers table octet for octet",
            run: |t, tr| table_case(t, tr, FieldValue::Void, None),
        },
        Case {
            id: "amqp-broker/table/byte-array-x",
            section: "RabbitMQ field types (AMQP 0-9-1 errata: 'x' byte array)",
            requirement: "derived: RabbitMQ's field-type table adds 'x' (byte array: a long-uint length and that many octets); a broker MAY accept it (it is not in the 0-9-1 grammar); what the broker does is reported",
            level: Level::May,
            accepts: "the message back with its headers table octet for octet (refusal: non-strict)",
            run: |t, tr| match table_case(t, tr, FieldValue::Bytes(LongStr::new(vec![0u8, 1, 0xff]).unwrap_or_default()), None) {
                Outcome::Fail(s) => Outcome::NonStrict(format!("not accepted (it is an extension): {s}")),
                other => other,
            },
        },
        Case {
            id: "amqp-broker/connection/start-ok-frame-min-size",
            section: "AMQP 0-9-1 connection.tune frame-max, rule minimum",
            requirement: "\"Until the frame-max has been negotiated, both peers MUST accept frames of up to frame-min-size octets large\" (frame-min-size = 4096); its test scenario: \"Client connects to server and sends a large properties field, creating a frame of frame-min-size octets. The server must accept this frame.\"",
            level: Level::Must,
            accepts: "connection.tune after a 4096-octet start-ok, then the connection opens",
            run: |t, tr| {
                let mut c = match Conn::connect(t, tr) {
                    Ok(c) => c,
                    Err(e) => return setup_failed(e),
                };
                try_or_fail!(c.hs_start());
                try_or_fail!(c.hs_start_ok_sized("PLAIN", &t.user, &t.password, 4096));
                let Method::ConnectionTune(tune) = try_or_fail!(c.expect(0, "connection.tune")) else { unreachable!() };
                try_or_fail!(c.hs_tune_ok_open(tune.channel_max, tune.frame_max, 0, &t.vhost));
                try_or_fail!(c.expect(0, "connection.open-ok"));
                c.close();
                Outcome::Pass("a 4096-octet start-ok was accepted; the connection opened".into())
            },
        },
        Case {
            id: "amqp-broker/frame/heartbeat-discarded",
            section: "AMQP 0-9-1 §4.2.7",
            requirement: "\"If the peer does not support heartbeating it MUST discard the heartbeat frame without signalling any error or fault.\" and \"Heartbeats can be sent at any time.\" (derived: heartbeats on a connection that negotiated none change nothing)",
            level: Level::Must,
            accepts: "basic.qos-ok after three heartbeat frames",
            run: |t, tr| {
                let (mut c, _) = open_or_fail!(t, tr);
                let mut hb = Vec::new();
                for _ in 0..3 {
                    hb.extend(Frame::Heartbeat.to_vec());
                }
                try_or_fail!(c.send_raw(&hb, "three heartbeat frames (heartbeat 0 negotiated)"));
                let out = match c.call(1, BasicQos { prefetch_count: 1, ..Default::default() }, "basic.qos-ok") {
                    Ok(_) => Outcome::Pass("heartbeats discarded; basic.qos-ok".into()),
                    Err(e) => Outcome::Fail(e),
                };
                c.close();
                out
            },
        },
        Case {
            id: "amqp-broker/content/body-in-several-frames",
            section: "AMQP 0-9-1 §4.2.6.2",
            requirement: "\"A peer MUST handle a content body that is split into multiple frames by storing these frames as a single set, and either retransmitting them as-is, broken into smaller frames, or concatenated into a single block for delivery to an application.\"",
            level: Level::Must,
            accepts: "the message back with the three body frames' octets in order",
            run: |t, tr| {
                let (mut c, _) = open_or_fail!(t, tr);
                let out = (|| -> Result<String, String> {
                    let q = declare_queue(&mut c)?;
                    c.send(&Frame::method(1, BasicPublish { routing_key: q.clone(), ..Default::default() }))?;
                    c.send(&Frame::Header { channel: 1, header: ContentHeader::new(9, BasicProperties::default()) })?;
                    for part in [&b"abc"[..], b"def", b"ghi"] {
                        c.send(&Frame::Body { channel: 1, payload: Payload::Borrowed(part) })?;
                    }
                    c.send(&Frame::method(1, BasicGet { queue: q, no_ack: true, ..Default::default() }))?;
                    let m = read_message(&mut c)?;
                    if &m.body[..] != b"abcdefghi" {
                        return Err(format!("the body came back as {:?}", String::from_utf8_lossy(&m.body)));
                    }
                    Ok("three body frames came back as one body \"abcdefghi\"".into())
                })();
                c.close();
                match out {
                    Ok(s) => Outcome::Pass(s),
                    Err(e) => Outcome::Fail(e),
                }
            },
        },
        Case {
            id: "amqp-broker/basic/order-preserved",
            section: "AMQP 0-9-1 §4.7",
            requirement: "\"The server MUST preserve the order of contents flowing through a single content processing path, unless the redelivered field is set on the Basic.Deliver or Basic.Get-Ok methods\"",
            level: Level::Must,
            accepts: "five messages published on one channel to one queue come back in order",
            run: |t, tr| {
                let (mut c, _) = open_or_fail!(t, tr);
                let out = (|| -> Result<String, String> {
                    let q = declare_queue(&mut c)?;
                    for i in 0..5u8 {
                        publish(&mut c, "", &q, false, &[b'0' + i])?;
                    }
                    let mut got = Vec::new();
                    for _ in 0..5 {
                        c.send(&Frame::method(1, BasicGet { queue: q.clone(), no_ack: true, ..Default::default() }))?;
                        got.extend_from_slice(&read_message(&mut c)?.body);
                    }
                    if got != b"01234" {
                        return Err(format!("came back as {:?}", String::from_utf8_lossy(&got)));
                    }
                    Ok("01234 in order".into())
                })();
                c.close();
                match out {
                    Ok(s) => Outcome::Pass(s),
                    Err(e) => Outcome::Fail(e),
                }
            },
        },
        Case {
            id: "amqp-broker/basic/ack-unknown-tag",
            section: "AMQP 0-9-1 basic.ack, rule exists",
            requirement: "\"The server MUST validate that a non-zero delivery-tag refers to a delivered message, and raise a channel exception if this is not the case.\" (derived: 406 precondition-failed or 404 not-found, naming basic.ack: class-id 60, method-id 80)",
            level: Level::Must,
            accepts: "channel.close 406 (or 404) with class-id 60, method-id 80, close-ok, the channel reopens",
            run: |t, tr| {
                let (mut c, _) = open_or_fail!(t, tr);
                try_or_fail!(c.send(&Frame::method(1, BasicAck { delivery_tag: 99, multiple: false })));
                let out = judge(c.await_close(), Want { connection: false, codes: &[406, 404], ids: Some((60, 80)) });
                c.close();
                out
            },
        },
        Case {
            id: "amqp-broker/exchange/passive-missing",
            section: "AMQP 0-9-1 exchange.declare passive, rule not-found",
            requirement: "\"If set, and the exchange does not already exist, the server MUST raise a channel exception with reply code 404 (not found).\" (class-id 40, method-id 10)",
            level: Level::Must,
            accepts: "channel.close 404 with class-id 40, method-id 10, close-ok, the channel reopens",
            run: |t, tr| {
                let (mut c, _) = open_or_fail!(t, tr);
                try_or_fail!(c.send(&Frame::method(1, ExchangeDeclare { exchange: s("msgwire.check.no-such-exchange"), r#type: s("direct"), passive: true, ..Default::default() })));
                let out = judge(c.await_close(), Want { connection: false, codes: &[404], ids: Some((40, 10)) });
                c.close();
                out
            },
        },
        Case {
            id: "amqp-broker/exchange/redeclare-different",
            section: "AMQP 0-9-1 exchange.declare, rule equivalent",
            requirement: "\"If not set and the exchange exists, the server MUST check that the existing exchange has the same values for type, durable, and arguments fields. The server MUST respond with Declare-Ok if the requested exchange matches these fields, and MUST raise a channel exception if not.\" (derived: 406 precondition-failed, class-id 40, method-id 10)",
            level: Level::Must,
            accepts: "declare-ok, then channel.close 406 with class-id 40, method-id 10 for another type, close-ok, the channel reopens",
            run: |t, tr| {
                let (mut c, _) = open_or_fail!(t, tr);
                let x = "msgwire.check.redeclare-x";
                try_or_fail!(c.call(1, ExchangeDeclare { exchange: s(x), r#type: s("fanout"), auto_delete: false, ..Default::default() }, "exchange.declare-ok"));
                try_or_fail!(c.send(&Frame::method(1, ExchangeDeclare { exchange: s(x), r#type: s("direct"), ..Default::default() })));
                let out = judge(c.await_close(), Want { connection: false, codes: &[406], ids: Some((40, 10)) });
                let _ = c.call(1, ExchangeDelete { exchange: s(x), ..Default::default() }, "exchange.delete-ok");
                c.close();
                out
            },
        },
        Case {
            id: "amqp-broker/queue/bind-missing-exchange",
            section: "AMQP 0-9-1 queue.bind, rule exchange-existence",
            requirement: "\"A client MUST NOT be allowed to bind a queue to a non-existent exchange.\" (derived: a channel exception 404 not-found, naming queue.bind: class-id 50, method-id 20)",
            level: Level::Must,
            accepts: "channel.close 404 with class-id 50, method-id 20, close-ok, the channel reopens",
            run: |t, tr| {
                let (mut c, _) = open_or_fail!(t, tr);
                let q = try_or_fail!(declare_queue(&mut c));
                try_or_fail!(c.send(&Frame::method(1, QueueBind { queue: q, exchange: s("msgwire.check.no-such-exchange"), routing_key: s("k"), ..Default::default() })));
                let out = judge(c.await_close(), Want { connection: false, codes: &[404], ids: Some((50, 20)) });
                c.close();
                out
            },
        },
        Case {
            id: "amqp-broker/connection/close-stability",
            section: "AMQP 0-9-1 connection.close, rule stability",
            requirement: "\"After sending this method, any received methods except Close and Close-OK MUST be discarded.\"",
            level: Level::Must,
            accepts: "after the broker's connection.close, a channel.open it receives before our close-ok gets no answer; the socket closes after close-ok",
            run: |t, tr| {
                let (mut c, _) = open_or_fail!(t, tr);
                try_or_fail!(c.send_raw(&frame_bytes(8, 0, b"hb", 0xCE), "heartbeat with a 2-octet payload (provokes connection.close)"));
                match c.recv() {
                    Got::Frame(Frame::Method { channel: 0, method: Method::ConnectionClose(cl) }) => {
                        try_or_fail!(c.send(&Frame::method(2, ChannelOpen::default())));
                        try_or_fail!(c.send(&Frame::method(0, ConnectionCloseOk::default())));
                        match c.recv() {
                            Got::Closed => Outcome::Pass(format!("connection.close {} {:?}; the channel.open sent after it was discarded; the socket closed after close-ok", cl.reply_code, cl.reply_text)),
                            Got::Frame(f) => Outcome::Fail(format!("after its connection.close the broker answered {}", describe(&f))),
                            other => Outcome::Fail(format!("after close-ok: {other:?}")),
                        }
                    }
                    Got::Frame(f) => Outcome::Fail(format!("expected connection.close, got {}", describe(&f))),
                    other => Outcome::Fail(format!("expected connection.close: {other:?}")),
                }
            },
        },
        Case {
            id: "amqp-broker/channel/close-stability",
            section: "AMQP 0-9-1 channel.close, rule stability",
            requirement: "\"After sending this method, any received methods except Close and Close-OK MUST be discarded.\"",
            level: Level::Must,
            accepts: "after the broker's channel.close, a basic.qos it receives before our close-ok gets no answer; then the channel reopens",
            run: |t, tr| {
                let (mut c, _) = open_or_fail!(t, tr);
                try_or_fail!(publish(&mut c, "msgwire.check.no-such-exchange", &s("k"), false, b"x"));
                let out = match c.recv() {
                    Got::Frame(Frame::Method { channel: 1, method: Method::ChannelClose(cl) }) => {
                        let sent = c.send(&Frame::method(1, BasicQos { prefetch_count: 1, ..Default::default() }))
                            .and_then(|_| c.send(&Frame::method(1, ChannelCloseOk::default())))
                            .and_then(|_| c.send(&Frame::method(1, ChannelOpen::default())));
                        match sent.map(|_| c.recv()) {
                            Ok(Got::Frame(Frame::Method { channel: 1, method: Method::ChannelOpenOk(_) })) => Outcome::Pass(format!(
                                "channel.close {} {:?}; the basic.qos sent after it was discarded; channel.open-ok after close-ok",
                                cl.reply_code, cl.reply_text
                            )),
                            Ok(Got::Frame(f)) => Outcome::Fail(format!("after its channel.close the broker answered {}", describe(&f))),
                            Ok(other) => Outcome::Fail(format!("after close-ok and channel.open: {other:?}")),
                            Err(e) => Outcome::Fail(e),
                        }
                    }
                    Got::Frame(f) => Outcome::Fail(format!("expected channel.close 404, got {}", describe(&f))),
                    other => Outcome::Fail(format!("expected channel.close 404: {other:?}")),
                };
                c.close();
                out
            },
        },
        Case {
            id: "amqp-broker/exchange/delete-if-unused",
            section: "AMQP 0-9-1 exchange.delete, rule in-use",
            requirement: "\"The server MUST NOT delete an exchange that has bindings on it, if the if-unused field is true.\" (derived: it says so with a channel exception, 406 precondition-failed, naming exchange.delete: class-id 40, method-id 20)",
            level: Level::Must,
            accepts: "channel.close 406 with class-id 40, method-id 20, the channel reopens, and the exchange is still there",
            run: |t, tr| {
                let (mut c, _) = open_or_fail!(t, tr);
                let x = "msgwire.check.in-use";
                try_or_fail!(c.call(1, ExchangeDeclare { exchange: s(x), r#type: s("fanout"), ..Default::default() }, "exchange.declare-ok"));
                let q = try_or_fail!(declare_queue(&mut c));
                try_or_fail!(c.call(1, QueueBind { queue: q, exchange: s(x), ..Default::default() }, "queue.bind-ok"));
                try_or_fail!(c.send(&Frame::method(1, ExchangeDelete { exchange: s(x), if_unused: true, ..Default::default() })));
                let delete_ok = |f: &Frame<'_>| matches!(f, Frame::Method { method: Method::ExchangeDeleteOk(_), .. });
                let mut out = match c.await_close_unless(delete_ok) {
                    Ok(_) => Outcome::Fail("exchange.delete-ok for an exchange with a binding, if-unused set".into()),
                    Err(closing) => judge(closing, Want { connection: false, codes: &[406], ids: Some((40, 20)) }),
                };
                if let Outcome::Pass(p) = &out {
                    out = match c.call(1, ExchangeDeclare { exchange: s(x), r#type: s("fanout"), passive: true, ..Default::default() }, "exchange.declare-ok") {
                        Ok(_) => Outcome::Pass(format!("{p}; the exchange is still there")),
                        Err(e) => Outcome::Fail(format!("{p}, but the exchange is gone: {e}")),
                    };
                }
                let _ = c.call(1, ExchangeDelete { exchange: s(x), ..Default::default() }, "exchange.delete-ok");
                c.close();
                out
            },
        },
        Case {
            id: "amqp-broker/queue/delete-if-empty",
            section: "AMQP 0-9-1 queue.delete, rule not-empty",
            requirement: "\"The server MUST NOT delete a queue that has messages on it, if the if-empty field is true.\" (derived: it says so with a channel exception, 406 precondition-failed, naming queue.delete: class-id 50, method-id 40)",
            level: Level::Must,
            accepts: "channel.close 406 with class-id 50, method-id 40, the channel reopens, and the message is still there",
            run: |t, tr| {
                let (mut c, _) = open_or_fail!(t, tr);
                let q = try_or_fail!(declare_queue(&mut c));
                try_or_fail!(publish(&mut c, "", &q, false, b"keep"));
                try_or_fail!(c.send(&Frame::method(1, QueueDelete { queue: q.clone(), if_empty: true, ..Default::default() })));
                let delete_ok = |f: &Frame<'_>| matches!(f, Frame::Method { method: Method::QueueDeleteOk(_), .. });
                let mut out = match c.await_close_unless(delete_ok) {
                    Ok(_) => Outcome::Fail("queue.delete-ok for a queue holding a message, if-empty set".into()),
                    Err(closing) => judge(closing, Want { connection: false, codes: &[406], ids: Some((50, 40)) }),
                };
                if let Outcome::Pass(p) = &out {
                    let got = c.send(&Frame::method(1, BasicGet { queue: q, no_ack: true, ..Default::default() })).and_then(|_| read_message(&mut c));
                    out = match got {
                        Ok(m) if &m.body[..] == b"keep" => Outcome::Pass(format!("{p}; the message is still there")),
                        Ok(m) => Outcome::Fail(format!("{p}, but got {:?}", m.body)),
                        Err(e) => Outcome::Fail(format!("{p}, but the message is gone: {e}")),
                    };
                }
                c.close();
                out
            },
        },
        Case {
            id: "amqp-broker/channel/close-sequence",
            section: "AMQP 0-9-1 channel.close",
            requirement: "channel.close-ok: \"This method confirms a Channel.Close method and tells the recipient that it is safe to release resources for the channel.\" (derived: channel.close is answered with channel.close-ok; both marked implement=\"MUST\" for the server)",
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
            requirement: "connection.close-ok: \"This method confirms a Connection.Close method and tells the recipient that it is safe to release resources for the connection and close the socket.\" (derived: connection.close is answered with connection.close-ok; both marked implement=\"MUST\" for the server)",
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
            requirement: "queue.declare, rule default-name: \"The queue name MAY be empty, in which case the server MUST create a new queue with a unique generated name and return this to the client in the Declare-Ok method.\" (derived: queue.bind, queue.unbind and queue.delete, each marked implement=\"MUST\" for the server, answered with their -ok)",
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
            requirement: "queue.declare, rule passive: \"If the queue does not exist, the server treats this as a failure.\" Its test scenario: \"the server must close the channel with status code 404 (queue not found).\" (class-id 50, method-id 10)",
            level: Level::Must,
            accepts: "channel.close 404 with class-id 50, method-id 10, close-ok, the channel reopens",
            run: |t, tr| {
                let (mut c, _) = open_or_fail!(t, tr);
                try_or_fail!(c.send(&Frame::method(1, QueueDeclare { queue: s("msgwire.check.no-such-queue"), passive: true, ..Default::default() })));
                let out = judge(c.await_close(), Want { connection: false, codes: &[404], ids: Some((50, 10)) });
                c.close();
                out
            },
        },
        Case {
            id: "amqp-broker/queue/redeclare-different",
            section: "AMQP 0-9-1 queue.declare",
            requirement: "queue.declare, rule equivalent: \"If not set and the queue exists, the server MUST check that the existing queue has the same values for durable, exclusive, auto-delete, and arguments fields. The server MUST respond with Declare-Ok if the requested queue matches these fields, and MUST raise a channel exception if not.\" (derived: the code is 406 precondition-failed, naming queue.declare: class-id 50, method-id 10)",
            level: Level::Must,
            accepts: "channel.close 406 with class-id 50, method-id 10 for a redeclare with another durable, close-ok, the channel reopens",
            run: |t, tr| {
                let (mut c, _) = open_or_fail!(t, tr);
                let q = s("msgwire.check.redeclare");
                try_or_fail!(c.call(1, QueueDeclare { queue: q.clone(), exclusive: true, auto_delete: true, ..Default::default() }, "queue.declare-ok"));
                // durable differs (not auto-delete: queue.declare rule pre-existence says "The server MUST ignore the auto-delete field if the queue already exists.").
                try_or_fail!(c.send(&Frame::method(1, QueueDeclare { queue: q, exclusive: true, auto_delete: true, durable: true, ..Default::default() })));
                let declare_ok = |f: &Frame<'_>| matches!(f, Frame::Method { method: Method::QueueDeclareOk(_), .. });
                let out = match c.await_close_unless(declare_ok) {
                    Ok(f) => Outcome::Fail(format!("a redeclare with durable true (the queue is not durable) was answered with {}", describe(&f))),
                    Err(closing) => judge(closing, Want { connection: false, codes: &[406], ids: Some((50, 10)) }),
                };
                c.close();
                out
            },
        },
        Case {
            id: "amqp-broker/exchange/declare-bind-delete",
            section: "AMQP 0-9-1 exchange class; RabbitMQ exchange-to-exchange bindings",
            requirement: "derived: exchange.declare: \"This method creates an exchange if it does not already exist\"; RabbitMQ's exchange-to-exchange bindings (exchange.bind, exchange.unbind method 51): a message published to the source reaches a queue bound to the destination; exchange.delete answered with delete-ok",
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
            requirement: "basic.publish, rule 01: \"The server SHOULD implement the mandatory flag.\" mandatory: \"If this flag is set, the server will return an unroutable message with a Return method.\" (reply code 312 no-route, RabbitMQ's name for it)",
            level: Level::Should,
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
            requirement: "basic.recover, rule 01: \"The server MUST set the redelivered flag on all messages that are resent.\" (derived: a message got and nacked with requeue, RabbitMQ's basic.nack, comes back with redelivered; basic.reject without requeue drops it; basic.ack removes it)",
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
            requirement: "basic.deliver: \"the client starts a consumer using the Consume method, then the server responds with Deliver methods as and when messages arrive for that consumer.\" (derived: qos, consume and cancel answered with their -ok; the deliver carries the consumer's tag)",
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
            requirement: "derived from RabbitMQ's publisher confirms (confirm.select, an extension): after confirm.select, every publish is confirmed with basic.ack, delivery tags counting from 1",
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
            requirement: "tx.commit: \"This method commits all message publications and acknowledgments performed in the current transaction.\" tx.rollback: \"This method abandons all message publications and acknowledgments performed in the current transaction.\"",
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
            requirement: "§4.2.7: \"The server should start sending and monitoring heartbeats after receiving Connection.Tune-Ok.\" and \"heartbeats only have to be sent if no non-heartbeat AMQP traffic is sent for longer than one heartbeat interval.\"",
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

/// Sends `header` and judges the refusal: a valid protocol header (`AMQP` 0 and a version no
/// higher than the one asked for, when the header asked for one), then the socket closed.
/// With `may_accept`, connection.start 0-9 (accepting the legacy 0-9 header) passes too.
fn header_refused(
    t: &Target,
    tr: &mut Trace,
    header: &[u8],
    what: &str,
    may_accept: bool,
) -> Outcome {
    let mut c = match Conn::connect(t, tr) {
        Ok(c) => c,
        Err(e) => return setup_failed(e),
    };
    try_or_fail!(c.send_raw(header, what));
    let asked = (header.len() == 8 && header.starts_with(b"AMQP\0"))
        .then(|| [header[5], header[6], header[7]]);
    match c.recv() {
        Got::Frame(Frame::ProtocolHeader(h)) => {
            if h.octets[0] != 0 {
                return Outcome::Fail(format!(
                    "answered with protocol header {:?}, whose protocol-id is not 0",
                    h.octets
                ));
            }
            let version = [h.octets[1], h.octets[2], h.octets[3]];
            if asked.is_some_and(|a| version > a) {
                return Outcome::Fail(format!(
                    "answered with protocol header {:?}, a version above the {:?} asked for",
                    h.octets,
                    asked.unwrap_or_default()
                ));
            }
            match c.recv() {
                Got::Closed => Outcome::Pass(format!(
                    "protocol header {:?}, then the socket closed",
                    h.octets
                )),
                other => Outcome::Fail(format!(
                    "protocol header {:?}, then {other:?} instead of closing",
                    h.octets
                )),
            }
        }
        Got::Frame(Frame::Method {
            channel: 0,
            method: Method::ConnectionStart(st),
        }) if may_accept => {
            if (st.version_major, st.version_minor) == (0, 9) {
                c.close();
                Outcome::Pass("accepted: connection.start 0-9".into())
            } else {
                Outcome::Fail(format!(
                    "connection.start {}-{} for a 0-9 header",
                    st.version_major, st.version_minor
                ))
            }
        }
        Got::Bad(_) if c.buf.starts_with(b"HTTP/") => Outcome::Info(format!(
            "answered HTTP (the spec's MAY): {:?}",
            String::from_utf8_lossy(&c.buf[..c.buf.len().min(40)])
        )),
        Got::Closed => Outcome::Fail("the socket closed without a protocol header".into()),
        Got::Frame(f) => Outcome::Fail(format!("expected a protocol header, got {}", describe(&f))),
        other => Outcome::Fail(format!("expected a protocol header, got {other:?}")),
    }
}

// ---------------------------------------------------------------------------------------------
// `msgwire fuzz amqp-server`: one generated input at a time.

pub use super::FuzzVerdict;

/// The reply codes of the spec's connection exceptions (AMQP 0-9-1 §1.9 constants, "soft"
/// ones are channel exceptions).
const CONNECTION_CODES: &[u16] = &[320, 402, 501, 502, 503, 504, 505, 506, 530, 540, 541];
/// The reply codes of the spec's channel exceptions.
const CHANNEL_CODES: &[u16] = &[311, 312, 313, 403, 404, 405, 406];

/// What our codec makes of a fuzz input sent after the handshake, read as a stream of frames.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Owed {
    /// Whole frames our codec reads: the broker may do what they ask (open a channel, declare
    /// a queue, close) or refuse them with a close, but nothing is owed at the frame level.
    Frames,
    /// Whole frames, then the start of one: the broker waits for the rest.
    Prefix,
    /// A frame our codec refuses: a connection exception is owed. `code` is our codec's reply
    /// code, `first` whether the first frame is the bad one (then its code is judged exactly),
    /// `fatal` when the spec says to close the socket without further data (a bad frame-end,
    /// an unknown frame type: §4.2.3).
    Error {
        code: u16,
        kind: &'static str,
        first: bool,
        fatal: bool,
        /// The input holds the bad frame whole (as its header declares it): a broker that
        /// reads whole frames before judging them may otherwise wait for the rest.
        whole: bool,
        /// Bytes follow the bad frame: the broker's framing may be lost, so our close-ok may
        /// not be read and the close handshake is not judged.
        tail: bool,
        why: String,
    },
    /// A protocol header, or an input the strict and RabbitMQ profiles judge apart: not
    /// judged.
    Unjudged,
}

fn owed_by(input: &[u8], frame_max: u32, profile: Profile) -> Owed {
    if input.starts_with(b"AMQP") {
        return Owed::Unjudged;
    }
    let d = Decoder {
        limits: Limits {
            frame_max,
            ..Limits::default()
        },
        profile,
    };
    let mut at = 0;
    while at < input.len() {
        match d.decode(&input[at..]) {
            Ok(Decoded::Complete {
                value: Frame::ProtocolHeader(_),
                ..
            }) => return Owed::Unjudged,
            Ok(Decoded::Complete { used, .. }) => at += used,
            Ok(Decoded::NeedMore { .. }) => return Owed::Prefix,
            Err(e) => {
                let rest = &input[at..];
                let len = (rest.len() >= 7)
                    .then(|| 8 + u32::from_be_bytes([rest[3], rest[4], rest[5], rest[6]]) as usize);
                let whole = len.is_some_and(|l| rest.len() >= l);
                // §4.2.3: the frame-end is checked before the frame is decoded; when the frame
                // is all there, a bad end octet is the error, whatever our decoder met first.
                let bad_end = len.is_some_and(|l| rest.len() >= l && rest[l - 1] != 0xCE);
                let kind = if bad_end { "frame-end" } else { e.kind() };
                return Owed::Error {
                    code: if bad_end { 501 } else { e.code().0 },
                    kind,
                    first: at == 0,
                    fatal: matches!(kind, "frame-end" | "unknown-frame-type"),
                    whole,
                    tail: len.is_none_or(|l| rest.len() > l),
                    why: format!("{e} (at byte {})", at + e.offset()),
                };
            }
        }
    }
    Owed::Frames
}

/// The reply codes the spec allows for a frame our codec refuses with `kind` (our codec gives
/// one, `code`, often RabbitMQ's choice): where sections of the spec disagree or leave the
/// choice open, every code the live suite's cases accept for it.
fn allowed_codes(kind: &str, code: u16) -> Vec<u16> {
    // A broker may refuse the frame for where it came before reading it (state our frame
    // codec does not model): a method on a channel that is not open (504), a content frame
    // outside a content (505), a method not allowed now (503).
    let mut codes = vec![503, 504, 505];
    codes.extend(match kind {
        // §4.2.7 says 501, §4.2.3 says 503, RabbitMQ sends 505.
        "heartbeat-channel" => vec![501, 503, 505],
        // not-implemented, or command-invalid for a method the class does not have.
        "unknown-method" => vec![540, 503],
        // A method frame whose arguments are cut short or run over, or hold a value the
        // grammar does not allow: a frame error or a syntax error.
        "truncated"
        | "trailing-data"
        | "unknown-field-type"
        | "table-too-deep"
        | "reserved-bits"
        | "unknown-property-flag" => vec![501, 502],
        "unknown-content-class" => vec![501, 505],
        _ => vec![code],
    });
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// A close after a fuzz input, judged against the spec's codes (and, when `want` gives our
/// codec's code and the codes allowed with it, against those): `None` when it is one the spec
/// allows.
fn judge_close(c: &Close, want: Option<(u16, &[u16])>) -> Option<FuzzVerdict> {
    let (level, codes) = if c.connection {
        ("connection.close", CONNECTION_CODES)
    } else {
        ("channel.close", CHANNEL_CODES)
    };
    if !codes.contains(&c.code) {
        return Some(FuzzVerdict::Keyed(
            "code-not-in-spec",
            format!("{level}-{}", c.code),
            format!(
                "{c}: {} is not a reply code of the spec's {}",
                c.code,
                if c.connection {
                    "connection exceptions"
                } else {
                    "channel exceptions"
                }
            ),
        ));
    }
    if let Some((w, allowed)) = want {
        if !c.connection || !allowed.contains(&c.code) {
            let theirs = if c.connection {
                c.code.to_string()
            } else {
                format!("channel-{}", c.code)
            };
            return Some(FuzzVerdict::Keyed(
                "other-code",
                format!("{w}->{theirs}"),
                format!("{c}; msgwire refuses the input with connection exception {w} (allowed: {allowed:?})"),
            ));
        }
    }
    if let Err(e) = &c.sequence {
        return Some(FuzzVerdict::Broken("close-sequence", format!("{c}: {e}")));
    }
    None
}

/// Whether the broker still greets a new connection (protocol header → connection.start).
fn greets(t: &Target) -> Result<(), String> {
    let mut tr = Trace::default();
    let mut c = Conn::connect(t, &mut tr)?;
    c.hs_start()
        .map(drop)
        .map_err(|e| format!("then a new connection was not greeted: {e}"))
}

/// After frames our codec reads and the barrier channel.open on `ch`: the broker's answers up
/// to the barrier's open-ok (or connection.close-ok, when the input closed the connection).
/// A channel.close on the way is answered with close-ok and judged (a spec code); a
/// connection.close ends the wait and is judged with its close handshake. The flag says the
/// connection is still open (to be closed politely).
fn barrier_answered(c: &mut Conn<'_>, ch: u16, unsent: Option<String>) -> (FuzzVerdict, bool) {
    for _ in 0..64 {
        match c.recv() {
            Got::Frame(Frame::Method {
                channel,
                method: Method::ChannelOpenOk(_),
            }) if channel == ch => return (FuzzVerdict::Ok, true),
            Got::Frame(Frame::Method {
                method: Method::ConnectionCloseOk(_),
                ..
            }) => return (FuzzVerdict::Ok, false),
            Got::Frame(Frame::Method {
                channel,
                method: Method::ChannelClose(cc),
            }) => {
                let cl = Close {
                    connection: false,
                    channel,
                    code: cc.reply_code,
                    text: cc.reply_text.as_str().unwrap_or("").to_string(),
                    ids: (cc.class_id, cc.method_id),
                    before: vec![],
                    sequence: Ok(()),
                };
                if let Some(v) = judge_close(&cl, None) {
                    return (v, false);
                }
                if let Err(e) = c.send(&Frame::method(channel, ChannelCloseOk::default())) {
                    return (
                        FuzzVerdict::Broken("close-sequence", format!("{cl}: {e}")),
                        false,
                    );
                }
            }
            Got::Frame(Frame::Method {
                channel,
                method: Method::ConnectionClose(cc),
            }) => {
                let sequence = c.after_connection_close(channel);
                let cl = Close {
                    connection: true,
                    channel,
                    code: cc.reply_code,
                    text: cc.reply_text.as_str().unwrap_or("").to_string(),
                    ids: (cc.class_id, cc.method_id),
                    before: vec![],
                    sequence,
                };
                return (judge_close(&cl, None).unwrap_or(FuzzVerdict::Ok), false);
            }
            Got::Frame(_) => {}
            Got::Closed => {
                return (
                    FuzzVerdict::Broken(
                        "no-close",
                        format!(
                        "the socket closed without connection.close after frames msgwire reads{}",
                        unsent.map(|e| format!(" ({e})")).unwrap_or_default()
                    ),
                    ),
                    false,
                )
            }
            Got::Timeout => {
                return (
                    FuzzVerdict::Broken(
                        "no-reply",
                        format!(
                            "channel.open on channel {ch} after the input: no answer within {:?}",
                            c.timeout
                        ),
                    ),
                    false,
                )
            }
            Got::Bad(e) => return (FuzzVerdict::Broken("malformed-reply", e), false),
        }
    }
    (
        FuzzVerdict::Broken(
            "no-reply",
            format!("channel.open on channel {ch}: no open-ok after 64 other frames"),
        ),
        false,
    )
}

/// Opens a connection (handshake, channel 1), sends `input` and judges what the broker does
/// against what the spec owes, then checks that a new connection is still greeted:
/// - a frame our codec refuses (strict and RabbitMQ profiles agreeing) is owed a connection
///   exception: connection.close with a code of the spec's connection exceptions (when the
///   first frame is the bad one, our codec's code), close-ok, then the socket closed; a bad
///   frame-end or an unknown frame type may instead close the socket without further data
///   (§4.2.3). Classes: `no-close` (the socket closed without connection.close),
///   `no-reply` (nothing within the timeout), `other-code` (keyed `ours->theirs`),
///   `code-not-in-spec`, `close-sequence`, `malformed-reply` (bytes our codec refuses);
/// - whole frames our codec reads may do anything the protocol allows: a barrier
///   channel.open on an unused channel must then be answered (open-ok), or the connection or
///   channel closed with a spec code and the close handshake kept (`no-close`, `no-reply`,
///   `code-not-in-spec`, `close-sequence`, `malformed-reply` as above);
/// - an incomplete frame is owed nothing (the broker waits for the rest);
/// - `server-down` when the broker does not greet a new connection afterwards.
pub fn fuzz_exchange(t: &Target, input: &[u8]) -> FuzzVerdict {
    let mut tr = Trace::default();
    let (mut c, tune) = match Conn::open(t, &mut tr) {
        Ok(x) => x,
        Err(e) => {
            return match greets(t) {
                Err(d) => FuzzVerdict::Broken("server-down", format!("{e}; {d}")),
                Ok(()) => FuzzVerdict::Broken("server-down", format!("the handshake failed: {e}")),
            }
        }
    };
    let strict = owed_by(input, tune.frame_max, Profile::Strict);
    let owed = if strict == owed_by(input, tune.frame_max, Profile::RabbitMq) {
        strict
    } else {
        Owed::Unjudged
    };
    if owed == Owed::Unjudged {
        c.close();
        return FuzzVerdict::Skipped;
    }
    // A write may fail when the broker has closed already; what it sent is still read.
    let _ = c.send_raw(input, "fuzz input");
    let mut polite = false;
    let verdict = match owed {
        Owed::Error {
            code,
            kind,
            first,
            fatal,
            whole,
            tail,
            why,
        } => match c.await_close() {
            Closing::Socket if fatal => FuzzVerdict::Ok,
            Closing::Socket => FuzzVerdict::Broken(
                "no-close",
                format!("the socket closed without connection.close; msgwire refuses the input with {code}: {why}"),
            ),
            // The bad frame is not all there: the broker may have acted on the frames before
            // it (a channel exception) and now wait for the rest.
            Closing::Close(cl) if !whole && !first && !cl.connection => {
                judge_close(&cl, None).unwrap_or(FuzzVerdict::Ok)
            }
            Closing::Close(mut cl) => {
                // Bytes after the bad frame may hide our close-ok from the broker's framing;
                // after a fatal frame error the spec wanted no close at all.
                if tail || !whole || fatal {
                    cl.sequence = Ok(());
                }
                let allowed = allowed_codes(kind, code);
                // A bad frame-end or frame type: the spec says to close the socket without
                // further data; RabbitMQ negotiates a close with 501 instead (the live suite's
                // rabbitmq/fatal-frame-error-close), which is taken here.
                let allowed = if fatal { vec![501] } else { allowed };
                let want = first.then_some((code, allowed.as_slice()));
                match judge_close(&cl, want) {
                    Some(v) => v,
                    None if !cl.connection => FuzzVerdict::Keyed(
                        "other-code",
                        format!("{code}->channel-{}", cl.code),
                        format!("{cl}: a channel exception; msgwire refuses the input with connection exception {code}: {why}"),
                    ),
                    None => FuzzVerdict::Ok,
                }
            }
            // The bad frame is not all there: the broker may wait for the rest.
            Closing::Nothing if !whole => FuzzVerdict::Ok,
            Closing::Nothing => FuzzVerdict::Broken(
                "no-reply",
                format!("no close within {:?}; msgwire refuses the input with {code}: {why}", t.timeout),
            ),
            Closing::Garbage(e) => FuzzVerdict::Broken("malformed-reply", e),
        },
        Owed::Frames => {
            // channel.open on a channel the input is unlikely to use: its open-ok shows that
            // the broker has dealt with the input.
            let ch = match tune.channel_max {
                0 => 2047,
                m => m.min(2047),
            };
            let barrier = c.send(&Frame::method(ch, ChannelOpen::default()));
            let (v, p) = barrier_answered(&mut c, ch, barrier.err());
            polite = p;
            v
        }
        Owed::Prefix | Owed::Unjudged => FuzzVerdict::Ok,
    };
    if polite {
        c.close();
    } else {
        drop(c);
    }
    match greets(t) {
        Err(d) => FuzzVerdict::Broken("server-down", d),
        Ok(()) => verdict,
    }
}

#[cfg(test)]
mod fuzz_tests {
    use super::*;

    #[test]
    fn what_an_input_is_owed() {
        let hb = frame_bytes(8, 0, &[], 0xCE);
        assert_eq!(owed_by(&hb, 0, Profile::Strict), Owed::Frames);
        assert_eq!(owed_by(&hb[..5], 0, Profile::Strict), Owed::Prefix);
        assert_eq!(
            owed_by(b"AMQP\x00\x00\x09\x01", 0, Profile::Strict),
            Owed::Unjudged
        );
        let bad_end = frame_bytes(8, 0, &[], 0xCD);
        assert!(matches!(
            owed_by(&bad_end, 0, Profile::Strict),
            Owed::Error {
                code: 501,
                first: true,
                fatal: true,
                ..
            }
        ));
        let later = [hb.clone(), frame_bytes(8, 0, b"hb", 0xCE)].concat();
        assert!(matches!(
            owed_by(&later, 0, Profile::Strict),
            Owed::Error {
                code: 501,
                first: false,
                fatal: false,
                ..
            }
        ));
        let close = |connection, code| Close {
            connection,
            channel: if connection { 0 } else { 1 },
            code,
            text: String::new(),
            ids: (0, 0),
            before: vec![],
            sequence: Ok(()),
        };
        assert_eq!(judge_close(&close(true, 501), Some((501, &[501]))), None);
        let hb = allowed_codes("heartbeat-channel", 505);
        assert_eq!(judge_close(&close(true, 501), Some((505, &hb))), None);
        // A bad end octet on a whole frame is the error, whatever else is wrong with it.
        let hb_bad_end = frame_bytes(8, 0x3030, &[], 0);
        assert!(matches!(
            owed_by(&hb_bad_end, 0, Profile::Strict),
            Owed::Error {
                code: 501,
                fatal: true,
                whole: true,
                tail: false,
                ..
            }
        ));
        assert!(matches!(
            owed_by(b"0", 0, Profile::Strict),
            Owed::Error {
                whole: false,
                fatal: true,
                ..
            }
        ));
        assert_eq!(judge_close(&close(true, 505), None), None);
        assert!(matches!(
            judge_close(&close(true, 505), Some((501, &[501]))),
            Some(FuzzVerdict::Keyed("other-code", k, _)) if k == "501->505"
        ));
        assert!(matches!(
            judge_close(&close(true, 406), None),
            Some(FuzzVerdict::Keyed("code-not-in-spec", _, _))
        ));
        assert_eq!(judge_close(&close(false, 406), None), None);
    }
}
