//! A small scripted AMQP 0-9-1 broker for the live suite's own tests, built on msgwire's codec:
//! correct by default (it answers every case of `msgwire check amqp-broker` as the spec says),
//! or broken in exactly one way ([`Fault`]), or correct in an unusual way ([`Broker`]'s knobs:
//! one-byte writes, minimal limits, unsolicited heartbeats, 255-octet queue names).
//!
//! One thread per connection, state per connection (every case does its work on one), loopback
//! only, every wait bounded.
#![allow(dead_code)] // each test binary uses some of it

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use msgwire::amqp::*;
use msgwire::Decoded;

/// One rule the broker breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answers an unsupported protocol header with its own, but leaves the socket open.
    HeaderWithoutClose,
    /// Answers the 0-9-1 header with connection.start 8-0.
    StartVersion08,
    /// Opens the connection for a wrong password.
    AnyPassword,
    /// Refuses a wrong password with connection.close 200.
    BadPasswordClose200,
    /// Says nothing to a wrong password.
    BadPasswordSilent,
    /// Takes a start-ok with a mechanism it never offered.
    AnyMechanism,
    /// Refuses an unknown virtual host with 404 instead of 402.
    UnknownVhost404,
    /// Takes a tune-ok channel-max above its own.
    ChannelMaxUnchecked,
    /// Refuses a tune-ok frame-max above its own with a negotiated close (501).
    FrameMaxNegotiatedClose,
    /// Takes a tune-ok frame-max below 4096.
    FrameMaxBelowMinTaken,
    /// Counts the frame-max limit without the 8 octets of head and end: frames up to
    /// frame-max + 8 pass.
    FrameMaxPayloadOnly,
    /// Refuses a frame of exactly frame-max octets.
    FrameMaxExclusive,
    /// Takes a frame one octet over frame-max (refuses from + 2).
    FrameMaxOffByOne,
    /// Ignores a bad frame-end octet.
    FrameEndUnchecked,
    /// Takes a heartbeat on channel 1.
    HeartbeatChannelUnchecked,
    /// Takes a heartbeat with a payload.
    HeartbeatPayloadUnchecked,
    /// Drops the socket on an unknown method (what RabbitMQ 3.10 does).
    UnknownMethodCrash,
    /// Answers a truncated basic.qos with qos-ok.
    TruncatedTaken,
    /// Lets a method abort a content before its body.
    MethodEndsContent,
    /// Takes a content header with weight != 0.
    WeightUnchecked,
    /// Truncates a body longer than declared instead of refusing it.
    BodyOverrunTruncated,
    /// A publish to a missing exchange is a connection exception, not a channel one.
    MissingExchangeConnectionClose,
    /// Answers channel.open on an open channel with open-ok.
    OpenTwiceTaken,
    /// Reports a method exception with class-id and method-id 0.
    ExceptionIdsZero,
    /// Keeps the socket open after connection.close-ok.
    SocketOpenAfterCloseOk,
    /// Ignores channel.close-ok (the channel stays "closing", so it cannot be reopened).
    ChannelCloseOkIgnored,
    /// Refuses field tables holding an array.
    ArrayRefused,
    /// Drops unroutable mandatory messages without basic.return.
    MandatoryIgnored,
    /// Never sends heartbeats.
    NoHeartbeats,
    /// Requeued messages come back without the redelivered flag.
    NoRedeliveredFlag,
    /// Ignores an ack for a delivery tag it never used.
    AckUnchecked,
    /// A passive exchange.declare creates the exchange.
    PassiveExchangeCreates,
    /// Answers a basic.qos that arrives between its channel.close and the close-ok.
    AnswersWhileClosing,
    /// exchange.delete ignores if-unused.
    IfUnusedIgnored,
    /// queue.delete ignores if-empty.
    IfEmptyIgnored,
}

/// The broker's settings; [`Broker::default`] is a plain correct broker.
#[derive(Debug, Clone)]
pub struct Broker {
    pub fault: Option<Fault>,
    /// Proposed in connection.tune.
    pub channel_max: u16,
    pub frame_max: u32,
    /// Write every frame one octet at a time, each octet its own write.
    pub bytewise: bool,
    /// Send a heartbeat every 50 ms whatever was negotiated (the spec allows them at any time).
    pub chatty_heartbeats: bool,
    /// Server-named queues get 255-octet names.
    pub long_names: bool,
    /// Connections accepted before the listener stops.
    pub connections: usize,
}

impl Default for Broker {
    fn default() -> Self {
        Broker {
            fault: None,
            channel_max: 2047,
            frame_max: 131_072,
            bytewise: false,
            chatty_heartbeats: false,
            long_names: false,
            connections: 400,
        }
    }
}

impl Broker {
    /// A broker that breaks `fault`.
    pub fn with(fault: Fault) -> Broker {
        Broker {
            fault: Some(fault),
            ..Broker::default()
        }
    }

    /// Listens on 127.0.0.1 (an ephemeral port) for up to `connections` (default 400);
    /// returns `host:port`.
    pub fn start(self) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let b = Arc::new(self);
        thread::spawn(move || {
            for stream in listener.incoming().take(b.connections).flatten() {
                let b = b.clone();
                thread::spawn(move || {
                    let _ = Session::new(stream, b).run();
                });
            }
        });
        addr
    }

    fn is(&self, f: Fault) -> bool {
        self.fault == Some(f)
    }
}

/// Why a session ends: the socket is dropped.
struct Stop;

type R<T> = Result<T, Stop>;

#[derive(Clone)]
struct Msg {
    exchange: String,
    routing_key: String,
    header: ContentHeader<'static>,
    body: Vec<u8>,
    redelivered: bool,
}

#[derive(Default)]
struct Queue {
    durable: bool,
    exclusive: bool,
    auto_delete: bool,
    msgs: VecDeque<Msg>,
    /// (channel, consumer tag, no-ack)
    consumer: Option<(u16, String, bool)>,
}

struct Exchange {
    fanout: bool,
    /// (queue or exchange, routing key, to an exchange)
    bindings: Vec<(String, String, bool)>,
}

enum Content {
    Header(BasicPublish<'static>),
    Body(BasicPublish<'static>, Box<ContentHeader<'static>>, Vec<u8>),
}

#[derive(Default)]
struct Chan {
    closing: bool,
    confirms: Option<u64>,
    tx: Option<Vec<Msg>>,
    mandatory: Vec<bool>,
    next_tag: u64,
    unacked: BTreeMap<u64, (String, Msg)>,
}

struct Session {
    s: TcpStream,
    b: Arc<Broker>,
    buf: Vec<u8>,
    frame_max: u32,
    heartbeat: u16,
    last_in: Instant,
    last_out: Instant,
    chans: HashMap<u16, Chan>,
    content: HashMap<u16, Content>,
    queues: HashMap<String, Queue>,
    exchanges: HashMap<String, Exchange>,
    names: u32,
}

fn s(text: &str) -> ShortStr<'static> {
    ShortStr::new(text.as_bytes().to_vec()).unwrap()
}

fn text(v: &ShortStr<'_>) -> String {
    v.as_str().unwrap_or("").to_string()
}

impl Session {
    fn new(s: TcpStream, b: Arc<Broker>) -> Session {
        s.set_nodelay(true).ok();
        s.set_read_timeout(Some(Duration::from_millis(25))).ok();
        s.set_write_timeout(Some(Duration::from_secs(5))).ok();
        let mut exchanges = HashMap::new();
        for (name, fanout) in [("amq.direct", false), ("amq.fanout", true)] {
            exchanges.insert(
                name.to_string(),
                Exchange {
                    fanout,
                    bindings: Vec::new(),
                },
            );
        }
        Session {
            s,
            b,
            buf: Vec::new(),
            frame_max: 0,
            heartbeat: 0,
            last_in: Instant::now(),
            last_out: Instant::now(),
            chans: HashMap::new(),
            content: HashMap::new(),
            queues: HashMap::new(),
            exchanges,
            names: 0,
        }
    }

    // ---- bytes ----

    fn write(&mut self, bytes: &[u8]) -> R<()> {
        self.last_out = Instant::now();
        if self.b.bytewise {
            for b in bytes {
                self.s.write_all(&[*b]).map_err(|_| Stop)?;
                self.s.flush().map_err(|_| Stop)?;
            }
            Ok(())
        } else {
            self.s.write_all(bytes).map_err(|_| Stop)
        }
    }

    fn send(&mut self, ch: u16, m: impl Into<Method<'static>>) -> R<()> {
        self.write(&Frame::method(ch, m).to_vec())
    }

    fn send_content(&mut self, ch: u16, m: impl Into<Method<'static>>, msg: &Msg) -> R<()> {
        let mut bytes = Frame::method(ch, m).to_vec();
        bytes.extend(
            Frame::Header {
                channel: ch,
                header: msg.header.clone(),
            }
            .to_vec(),
        );
        if !msg.body.is_empty() {
            bytes.extend(
                Frame::Body {
                    channel: ch,
                    payload: Payload::Borrowed(&msg.body),
                }
                .to_vec(),
            );
        }
        self.write(&bytes)
    }

    /// Reads until `n` octets are buffered; heartbeats go out (and missed ones end the session)
    /// meanwhile. At most 30 s.
    fn fill(&mut self, n: usize) -> R<()> {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut chunk = [0u8; 65536];
        while self.buf.len() < n {
            if Instant::now() > deadline {
                return Err(Stop);
            }
            let hb = Duration::from_secs(self.heartbeat as u64);
            let chatty =
                self.b.chatty_heartbeats && self.last_out.elapsed() > Duration::from_millis(50);
            let due = self.heartbeat > 0
                && !self.b.is(Fault::NoHeartbeats)
                && self.last_out.elapsed() >= hb / 2;
            if chatty || due {
                self.write(&Frame::Heartbeat.to_vec())?;
            }
            if self.heartbeat > 0 && self.last_in.elapsed() > hb * 2 {
                return Err(Stop);
            }
            match self.s.read(&mut chunk) {
                Ok(0) => return Err(Stop),
                Ok(k) => {
                    self.last_in = Instant::now();
                    self.buf.extend_from_slice(&chunk[..k]);
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(_) => return Err(Stop),
            }
        }
        Ok(())
    }

    fn take(&mut self, n: usize) -> R<Vec<u8>> {
        self.fill(n)?;
        Ok(self.buf.drain(..n).collect())
    }

    /// Decodes one whole frame (`raw`, head to end octet) with msgwire.
    fn decode(raw: &[u8]) -> Result<Frame<'static>, Error> {
        let decoder = Decoder {
            limits: Limits {
                frame_max: 0,
                ..Limits::default()
            },
            profile: Profile::RabbitMq,
        };
        match decoder.decode(raw)? {
            Decoded::Complete { value, .. } => Ok(value.into_owned()),
            Decoded::NeedMore { .. } => unreachable!("a whole frame"),
        }
    }

    // ---- closing ----

    /// connection.close, then wait (bounded) for close-ok, then drop the socket.
    fn close(&mut self, code: u16, reply: &str, ids: (u16, u16)) -> Stop {
        let _ = self.send(
            0,
            ConnectionClose {
                reply_code: code,
                reply_text: s(reply),
                class_id: ids.0,
                method_id: ids.1,
            },
        );
        for _ in 0..64 {
            match self.next_frame_raw() {
                Ok((1, 0, payload, _)) if payload.get(..4) == Some(&[0, 10, 0, 51]) => break,
                Ok(_) => {}
                Err(_) => return Stop,
            }
        }
        if self.b.is(Fault::SocketOpenAfterCloseOk) {
            thread::sleep(Duration::from_secs(3));
        }
        Stop
    }

    fn chan_close(&mut self, ch: u16, code: u16, reply: &str, ids: (u16, u16)) -> R<()> {
        if self.b.is(Fault::ExceptionIdsZero) {
            return self.chan_close_raw(ch, code, reply, (0, 0));
        }
        self.chan_close_raw(ch, code, reply, ids)
    }

    fn chan_close_raw(&mut self, ch: u16, code: u16, reply: &str, ids: (u16, u16)) -> R<()> {
        self.content.remove(&ch);
        if let Some(c) = self.chans.get_mut(&ch) {
            c.closing = true;
        }
        self.send(
            ch,
            ChannelClose {
                reply_code: code,
                reply_text: s(reply),
                class_id: ids.0,
                method_id: ids.1,
            },
        )
    }

    /// A connection exception for a method: its ids (zeroed under [`Fault::ExceptionIdsZero`]).
    fn method_error(&mut self, code: u16, reply: &str, ids: (u16, u16)) -> Stop {
        let ids = if self.b.is(Fault::ExceptionIdsZero) {
            (0, 0)
        } else {
            ids
        };
        self.close(code, reply, ids)
    }

    // ---- the session ----

    fn run(&mut self) -> R<()> {
        let header = self.take(8)?;
        if header != b"AMQP\x00\x00\x09\x01" {
            self.write(b"AMQP\x00\x00\x09\x01")?;
            if self.b.is(Fault::HeaderWithoutClose) {
                thread::sleep(Duration::from_secs(3));
            }
            return Err(Stop);
        }
        self.handshake()?;
        loop {
            self.frame()?;
        }
    }

    fn expect_method(&mut self) -> R<Method<'static>> {
        let (ty, _, payload, end) = self.next_frame_raw()?;
        if ty != 1 || end != 0xCE {
            return Err(Stop);
        }
        match Self::decode(&frame(ty, 0, &payload)) {
            Ok(Frame::Method { method, .. }) => Ok(method),
            _ => Err(Stop),
        }
    }

    fn handshake(&mut self) -> R<()> {
        let (major, minor) = if self.b.is(Fault::StartVersion08) {
            (8, 0)
        } else {
            (0, 9)
        };
        self.send(
            0,
            ConnectionStart {
                version_major: major,
                version_minor: minor,
                mechanisms: LongStr::try_from("PLAIN").unwrap(),
                locales: LongStr::try_from("en_US").unwrap(),
                ..Default::default()
            },
        )?;
        let Method::ConnectionStartOk(ok) = self.expect_method()? else {
            return Err(Stop);
        };
        if ok.mechanism.as_str() != Some("PLAIN") && !self.b.is(Fault::AnyMechanism) {
            return Err(Stop);
        }
        let password_ok = ok.response.as_bytes().ends_with(b"\0guest");
        if !password_ok && !self.b.is(Fault::AnyPassword) {
            if self.b.is(Fault::BadPasswordSilent) {
                thread::sleep(Duration::from_secs(3));
                return Err(Stop);
            }
            let code = if self.b.is(Fault::BadPasswordClose200) {
                200
            } else {
                403
            };
            return Err(self.close(code, "ACCESS_REFUSED", (0, 0)));
        }
        self.send(
            0,
            ConnectionTune {
                channel_max: self.b.channel_max,
                frame_max: self.b.frame_max,
                heartbeat: 0,
            },
        )?;
        let Method::ConnectionTuneOk(tune) = self.expect_method()? else {
            return Err(Stop);
        };
        let channel_over = self.b.channel_max != 0
            && (tune.channel_max > self.b.channel_max || tune.channel_max == 0)
            && !self.b.is(Fault::ChannelMaxUnchecked);
        let frame_over =
            self.b.frame_max != 0 && (tune.frame_max > self.b.frame_max || tune.frame_max == 0);
        if frame_over && self.b.is(Fault::FrameMaxNegotiatedClose) {
            return Err(self.close(501, "frame-max too large", (10, 31)));
        }
        let frame_under = tune.frame_max != 0
            && tune.frame_max < 4096
            && !self.b.is(Fault::FrameMaxBelowMinTaken);
        if channel_over || frame_over || frame_under {
            return Err(Stop);
        }
        self.frame_max = tune.frame_max;
        self.heartbeat = tune.heartbeat;
        let Method::ConnectionOpen(open) = self.expect_method()? else {
            return Err(Stop);
        };
        if open.virtual_host.as_str() != Some("/") {
            let code = if self.b.is(Fault::UnknownVhost404) {
                404
            } else {
                402
            };
            return Err(self.close(code, "no such vhost", (10, 40)));
        }
        self.send(0, ConnectionOpenOk::default())
    }

    /// Reads one frame: (type, channel, payload, end octet). Enforces frame-max from the head
    /// (a 501 close), before the payload is read.
    fn next_frame_raw(&mut self) -> R<(u8, u16, Vec<u8>, u8)> {
        self.fill(7)?;
        let ty = self.buf[0];
        let ch = u16::from_be_bytes([self.buf[1], self.buf[2]]);
        let size = u32::from_be_bytes([self.buf[3], self.buf[4], self.buf[5], self.buf[6]]);
        let total = size as u64 + 8;
        let fm = self.frame_max as u64;
        let over = if self.b.is(Fault::FrameMaxPayloadOnly) {
            total > fm + 8
        } else if self.b.is(Fault::FrameMaxExclusive) {
            total >= fm
        } else if self.b.is(Fault::FrameMaxOffByOne) {
            total > fm + 1
        } else {
            total > fm
        };
        if fm != 0 && over {
            // Skip the payload (when it is small enough to be sent at all), so that the
            // client's close-ok can be read.
            if total <= fm + 64 {
                self.take(total as usize)?;
            } else {
                self.buf.clear();
            }
            self.frame_max = 0;
            return Err(self.close(501, "frame too large", (0, 0)));
        }
        let head_and_payload = self.take(7 + size as usize)?;
        let end = self.take(1)?[0];
        Ok((ty, ch, head_and_payload[7..].to_vec(), end))
    }

    fn frame(&mut self) -> R<()> {
        let (ty, ch, payload, end) = self.next_frame_raw()?;
        if !matches!(ty, 1 | 2 | 3 | 8) {
            return Err(Stop);
        }
        if end != 0xCE && !self.b.is(Fault::FrameEndUnchecked) {
            return Err(Stop);
        }
        if ty == 8 {
            if ch != 0 && !self.b.is(Fault::HeartbeatChannelUnchecked) {
                return Err(self.close(501, "heartbeat on a channel", (0, 0)));
            }
            if !payload.is_empty() && !self.b.is(Fault::HeartbeatPayloadUnchecked) {
                return Err(self.close(501, "heartbeat with a payload", (0, 0)));
            }
            return Ok(());
        }
        if self.chans.get(&ch).is_some_and(|c| c.closing) {
            // Between our channel.close and the client's close-ok, only close-ok counts.
            if ty == 1
                && payload.get(..4) == Some(&[0, 20, 0, 41])
                && !self.b.is(Fault::ChannelCloseOkIgnored)
            {
                self.chans.remove(&ch);
            }
            if ty == 1
                && payload.get(..4) == Some(&[0, 60, 0, 10])
                && self.b.is(Fault::AnswersWhileClosing)
            {
                return self.send(ch, BasicQosOk::default());
            }
            return Ok(());
        }
        match ty {
            1 => self.method_frame(ch, payload),
            2 => self.header_frame(ch, payload),
            _ => self.body_frame(ch, payload),
        }
    }

    fn header_frame(&mut self, ch: u16, payload: Vec<u8>) -> R<()> {
        if ch == 0 {
            return Err(self.close(504, "content on channel 0", (0, 0)));
        }
        let publish = match self.content.remove(&ch) {
            Some(Content::Header(p)) => p,
            _ => return Err(self.close(505, "unexpected content header", (0, 0))),
        };
        if payload.len() < 14 {
            return Err(self.close(501, "content header too short", (60, 40)));
        }
        let class = u16::from_be_bytes([payload[0], payload[1]]);
        let weight = u16::from_be_bytes([payload[2], payload[3]]);
        if class != 60 || (weight != 0 && !self.b.is(Fault::WeightUnchecked)) {
            return Err(self.method_error(505, "bad content header", (60, 40)));
        }
        let header = match Self::decode(&frame(2, ch, &payload)) {
            Ok(Frame::Header { header, .. }) => header,
            _ => return Err(self.close(501, "undecodable content header", (60, 40))),
        };
        if header.body_size == 0 {
            let msg = self.message(&publish, header, Vec::new());
            return self.published(ch, &publish, msg);
        }
        self.content
            .insert(ch, Content::Body(publish, Box::new(header), Vec::new()));
        Ok(())
    }

    fn body_frame(&mut self, ch: u16, payload: Vec<u8>) -> R<()> {
        if ch == 0 {
            return Err(self.close(504, "content on channel 0", (0, 0)));
        }
        let (publish, header, mut body) = match self.content.remove(&ch) {
            Some(Content::Body(p, h, b)) => (p, h, b),
            _ => return Err(self.close(505, "unexpected content body", (0, 0))),
        };
        body.extend_from_slice(&payload);
        if body.len() as u64 > header.body_size {
            if !self.b.is(Fault::BodyOverrunTruncated) {
                return Err(self.method_error(505, "body longer than declared", (60, 40)));
            }
            body.truncate(header.body_size as usize);
        }
        if (body.len() as u64) < header.body_size {
            self.content
                .insert(ch, Content::Body(publish, header, body));
            return Ok(());
        }
        let msg = self.message(&publish, *header, body);
        self.published(ch, &publish, msg)
    }

    fn message(&self, p: &BasicPublish<'_>, header: ContentHeader<'static>, body: Vec<u8>) -> Msg {
        Msg {
            exchange: text(&p.exchange),
            routing_key: text(&p.routing_key),
            header,
            body,
            redelivered: false,
        }
    }

    fn method_frame(&mut self, ch: u16, payload: Vec<u8>) -> R<()> {
        let ids = match payload.get(..4) {
            Some(p) => (
                u16::from_be_bytes([p[0], p[1]]),
                u16::from_be_bytes([p[2], p[3]]),
            ),
            None => return Err(self.close(501, "method frame too short", (0, 0))),
        };
        let method = match Self::decode(&frame(1, ch, &payload)) {
            Ok(Frame::Method { method, .. }) => method,
            Ok(_) => unreachable!(),
            Err(e) if e.kind() == "unknown-method" => {
                if self.b.is(Fault::UnknownMethodCrash) {
                    return Err(Stop);
                }
                return Err(self.close(540, "unknown method", ids));
            }
            Err(_) if ids == (60, 10) && self.b.is(Fault::TruncatedTaken) => {
                return self.send(ch, BasicQosOk::default());
            }
            Err(_) => return Err(self.close(501, "cannot decode the method", ids)),
        };
        if self.content.contains_key(&ch) {
            if self.b.is(Fault::MethodEndsContent) {
                self.content.remove(&ch);
            } else {
                return Err(self.method_error(505, "method inside content", (60, 40)));
            }
        }
        if ids.0 == 10 {
            if ch != 0 {
                return Err(self.close(503, "connection method on a channel", ids));
            }
            return match method {
                Method::ConnectionClose(_) => {
                    let _ = self.send(0, ConnectionCloseOk::default());
                    Err(Stop)
                }
                _ => Err(self.close(503, "unexpected connection method", ids)),
            };
        }
        if ch == 0 {
            return Err(self.method_error(504, "channel 0 is the connection's", ids));
        }
        if let Method::ChannelOpen(_) = method {
            if self.chans.contains_key(&ch) && !self.b.is(Fault::OpenTwiceTaken) {
                return Err(self.method_error(504, "second channel.open", ids));
            }
            self.chans.insert(ch, Chan::default());
            return self.send(ch, ChannelOpenOk::default());
        }
        if !self.chans.contains_key(&ch) {
            return Err(self.method_error(504, "channel not open", ids));
        }
        self.channel_method(ch, method, ids)
    }

    fn channel_method(&mut self, ch: u16, method: Method<'static>, ids: (u16, u16)) -> R<()> {
        match method {
            Method::ChannelClose(_) => {
                self.chans.remove(&ch);
                self.send(ch, ChannelCloseOk::default())
            }
            Method::QueueDeclare(d) => {
                let mut name = text(&d.queue);
                if name.is_empty() {
                    self.names += 1;
                    name = format!("amq.gen-{}", self.names);
                    if self.b.long_names {
                        name = format!("{name:-<255}");
                    }
                }
                match self.queues.get(&name) {
                    None if d.passive => {
                        return self.chan_close(ch, 404, "no such queue", ids);
                    }
                    Some(q)
                        if !d.passive
                            && (q.durable, q.exclusive, q.auto_delete)
                                != (d.durable, d.exclusive, d.auto_delete) =>
                    {
                        return self.chan_close(ch, 406, "inequivalent arguments", ids);
                    }
                    Some(_) => {}
                    None => {
                        self.queues.insert(
                            name.clone(),
                            Queue {
                                durable: d.durable,
                                exclusive: d.exclusive,
                                auto_delete: d.auto_delete,
                                ..Default::default()
                            },
                        );
                    }
                }
                let count = self.queues[&name].msgs.len() as u32;
                self.send(
                    ch,
                    QueueDeclareOk {
                        queue: s(&name),
                        message_count: count,
                        consumer_count: 0,
                    },
                )
            }
            Method::QueueBind(b) => {
                let (x, q, k) = (text(&b.exchange), text(&b.queue), text(&b.routing_key));
                match self.exchanges.get_mut(&x) {
                    Some(e) => e.bindings.push((q, k, false)),
                    None => return self.chan_close(ch, 404, "no such exchange", ids),
                }
                self.send(ch, QueueBindOk::default())
            }
            Method::QueueUnbind(b) => {
                let (x, q, k) = (text(&b.exchange), text(&b.queue), text(&b.routing_key));
                if let Some(e) = self.exchanges.get_mut(&x) {
                    e.bindings
                        .retain(|(d, key, to_x)| (d, key, *to_x) != (&q, &k, false));
                }
                self.send(ch, QueueUnbindOk::default())
            }
            Method::QueueDelete(d) => {
                let full = self
                    .queues
                    .get(&text(&d.queue))
                    .is_some_and(|q| !q.msgs.is_empty());
                if d.if_empty && full && !self.b.is(Fault::IfEmptyIgnored) {
                    return self.chan_close(ch, 406, "queue not empty", ids);
                }
                let gone = self.queues.remove(&text(&d.queue));
                self.send(
                    ch,
                    QueueDeleteOk {
                        message_count: gone.map_or(0, |q| q.msgs.len() as u32),
                    },
                )
            }
            Method::ExchangeDeclare(d) => {
                let fanout = d.r#type.as_str() == Some("fanout");
                match self.exchanges.get(&text(&d.exchange)) {
                    None if d.passive && !self.b.is(Fault::PassiveExchangeCreates) => {
                        return self.chan_close(ch, 404, "no such exchange", ids)
                    }
                    Some(e) if !d.passive && e.fanout != fanout => {
                        return self.chan_close(ch, 406, "inequivalent type", ids)
                    }
                    Some(_) => {}
                    None => {
                        self.exchanges.insert(
                            text(&d.exchange),
                            Exchange {
                                fanout,
                                bindings: Vec::new(),
                            },
                        );
                    }
                }
                self.send(ch, ExchangeDeclareOk::default())
            }
            Method::ExchangeDelete(d) => {
                let used = self
                    .exchanges
                    .get(&text(&d.exchange))
                    .is_some_and(|e| !e.bindings.is_empty());
                if d.if_unused && used && !self.b.is(Fault::IfUnusedIgnored) {
                    return self.chan_close(ch, 406, "exchange in use", ids);
                }
                self.exchanges.remove(&text(&d.exchange));
                self.send(ch, ExchangeDeleteOk::default())
            }
            Method::ExchangeBind(b) => {
                let (src, dst, k) = (text(&b.source), text(&b.destination), text(&b.routing_key));
                match self.exchanges.get_mut(&src) {
                    Some(e) => e.bindings.push((dst, k, true)),
                    None => return self.chan_close(ch, 404, "no such exchange", ids),
                }
                self.send(ch, ExchangeBindOk::default())
            }
            Method::ExchangeUnbind(b) => {
                let (src, dst) = (text(&b.source), text(&b.destination));
                if let Some(e) = self.exchanges.get_mut(&src) {
                    e.bindings.retain(|(d, _, to_x)| !(*to_x && *d == dst));
                }
                self.send(ch, ExchangeUnbindOk::default())
            }
            Method::BasicQos(_) => self.send(ch, BasicQosOk::default()),
            Method::BasicPublish(p) => {
                let x = text(&p.exchange);
                if !x.is_empty() && !self.exchanges.contains_key(&x) {
                    if self.b.is(Fault::MissingExchangeConnectionClose) {
                        return Err(self.close(404, "no such exchange", ids));
                    }
                    return self.chan_close(ch, 404, "no such exchange", ids);
                }
                self.content.insert(ch, Content::Header(p));
                Ok(())
            }
            Method::BasicGet(g) => {
                let q = text(&g.queue);
                let Some(queue) = self.queues.get_mut(&q) else {
                    return self.chan_close(ch, 404, "no such queue", ids);
                };
                let Some(msg) = queue.msgs.pop_front() else {
                    return self.send(ch, BasicGetEmpty::default());
                };
                let left = queue.msgs.len() as u32;
                let c = self.chans.get_mut(&ch).unwrap();
                c.next_tag += 1;
                let tag = c.next_tag;
                if !g.no_ack {
                    c.unacked.insert(tag, (q, msg.clone()));
                }
                self.send_content(
                    ch,
                    BasicGetOk {
                        delivery_tag: tag,
                        redelivered: msg.redelivered,
                        exchange: s(&msg.exchange),
                        routing_key: s(&msg.routing_key),
                        message_count: left,
                    },
                    &msg,
                )
            }
            Method::BasicAck(a) => {
                let known = self.chans[&ch].unacked.contains_key(&a.delivery_tag)
                    || (a.multiple && a.delivery_tag == 0);
                if !known && !self.b.is(Fault::AckUnchecked) {
                    return self.chan_close(ch, 406, "unknown delivery tag", ids);
                }
                self.settle(ch, a.delivery_tag, a.multiple, false);
                Ok(())
            }
            Method::BasicNack(n) => {
                self.settle(ch, n.delivery_tag, n.multiple, n.requeue);
                Ok(())
            }
            Method::BasicReject(r) => {
                self.settle(ch, r.delivery_tag, false, r.requeue);
                Ok(())
            }
            Method::BasicRecover(_) => {
                self.settle(ch, u64::MAX, true, true);
                self.send(ch, BasicRecoverOk::default())
            }
            Method::BasicConsume(c) => {
                let q = text(&c.queue);
                let mut tag = text(&c.consumer_tag);
                if tag.is_empty() {
                    tag = "amq.ctag-1".into();
                }
                match self.queues.get_mut(&q) {
                    Some(queue) => queue.consumer = Some((ch, tag.clone(), c.no_ack)),
                    None => return self.chan_close(ch, 404, "no such queue", ids),
                }
                self.send(
                    ch,
                    BasicConsumeOk {
                        consumer_tag: s(&tag),
                    },
                )?;
                self.deliver(&q)
            }
            Method::BasicCancel(c) => {
                let tag = text(&c.consumer_tag);
                for q in self.queues.values_mut() {
                    if q.consumer.as_ref().is_some_and(|(_, t, _)| *t == tag) {
                        q.consumer = None;
                    }
                }
                self.send(
                    ch,
                    BasicCancelOk {
                        consumer_tag: s(&tag),
                    },
                )
            }
            Method::ConfirmSelect(_) => {
                self.chans.get_mut(&ch).unwrap().confirms = Some(0);
                self.send(ch, ConfirmSelectOk::default())
            }
            Method::TxSelect(_) => {
                self.chans.get_mut(&ch).unwrap().tx = Some(Vec::new());
                self.send(ch, TxSelectOk::default())
            }
            Method::TxCommit(_) => {
                let pending = self
                    .chans
                    .get_mut(&ch)
                    .and_then(|c| c.tx.as_mut().map(std::mem::take))
                    .unwrap_or_default();
                for m in pending {
                    self.route(ch, m, false)?;
                }
                self.send(ch, TxCommitOk::default())
            }
            Method::TxRollback(_) => {
                if let Some(tx) = self.chans.get_mut(&ch).and_then(|c| c.tx.as_mut()) {
                    tx.clear();
                }
                self.send(ch, TxRollbackOk::default())
            }
            _ => Err(self.close(540, "not implemented", ids)),
        }
    }

    /// Acks (`requeue` false) or requeues the unacked deliveries up to `tag`.
    fn settle(&mut self, ch: u16, tag: u64, multiple: bool, requeue: bool) {
        let Some(c) = self.chans.get_mut(&ch) else {
            return;
        };
        let tags: Vec<u64> = if multiple {
            c.unacked.range(..=tag).map(|(t, _)| *t).collect()
        } else {
            vec![tag]
        };
        for t in tags {
            if let Some((q, mut msg)) = c.unacked.remove(&t) {
                if requeue {
                    msg.redelivered = !self.b.is(Fault::NoRedeliveredFlag);
                    if let Some(queue) = self.queues.get_mut(&q) {
                        queue.msgs.push_front(msg);
                    }
                }
            }
        }
    }

    /// A whole message arrived on `ch`.
    fn published(&mut self, ch: u16, p: &BasicPublish<'_>, msg: Msg) -> R<()> {
        if self.b.is(Fault::ArrayRefused) {
            if let Some(h) = &msg.header.properties.headers() {
                if matches!(h.get("v"), Some(FieldValue::Array(_))) {
                    return Err(self.close(502, "arrays are not supported", (60, 40)));
                }
            }
        }
        let c = self.chans.get_mut(&ch).unwrap();
        if let Some(tx) = c.tx.as_mut() {
            tx.push(msg);
            return Ok(());
        }
        self.route(ch, msg, p.mandatory)?;
        let c = self.chans.get_mut(&ch).unwrap();
        if let Some(n) = c.confirms.as_mut() {
            *n += 1;
            let tag = *n;
            return self.send(
                ch,
                BasicAck {
                    delivery_tag: tag,
                    multiple: false,
                },
            );
        }
        Ok(())
    }

    fn route(&mut self, ch: u16, msg: Msg, mandatory: bool) -> R<()> {
        let mut queues = Vec::new();
        if msg.exchange.is_empty() {
            if self.queues.contains_key(&msg.routing_key) {
                queues.push(msg.routing_key.clone());
            }
        } else {
            let mut todo = vec![(msg.exchange.clone(), 0)];
            while let Some((x, depth)) = todo.pop() {
                let Some(e) = self.exchanges.get(&x) else {
                    continue;
                };
                for (dst, key, to_x) in &e.bindings {
                    if !e.fanout && *key != msg.routing_key {
                        continue;
                    }
                    if *to_x && depth < 8 {
                        todo.push((dst.clone(), depth + 1));
                    } else if !*to_x {
                        queues.push(dst.clone());
                    }
                }
            }
        }
        if queues.is_empty() {
            if mandatory && !self.b.is(Fault::MandatoryIgnored) {
                return self.send_content(
                    ch,
                    BasicReturn {
                        reply_code: 312,
                        reply_text: s("NO_ROUTE"),
                        exchange: s(&msg.exchange),
                        routing_key: s(&msg.routing_key),
                    },
                    &msg,
                );
            }
            return Ok(());
        }
        for q in queues {
            if let Some(queue) = self.queues.get_mut(&q) {
                queue.msgs.push_back(msg.clone());
            }
            self.deliver(&q)?;
        }
        Ok(())
    }

    /// Hands a queue's messages to its consumer, if it has one.
    fn deliver(&mut self, q: &str) -> R<()> {
        loop {
            let Some(queue) = self.queues.get_mut(q) else {
                return Ok(());
            };
            let Some((ch, tag, no_ack)) = queue.consumer.clone() else {
                return Ok(());
            };
            let Some(msg) = queue.msgs.pop_front() else {
                return Ok(());
            };
            let Some(c) = self.chans.get_mut(&ch) else {
                return Ok(());
            };
            c.next_tag += 1;
            let dtag = c.next_tag;
            if !no_ack {
                c.unacked.insert(dtag, (q.to_string(), msg.clone()));
            }
            self.send_content(
                ch,
                BasicDeliver {
                    consumer_tag: s(&tag),
                    delivery_tag: dtag,
                    redelivered: msg.redelivered,
                    exchange: s(&msg.exchange),
                    routing_key: s(&msg.routing_key),
                },
                &msg,
            )?;
        }
    }
}

/// A whole frame's octets.
fn frame(ty: u8, ch: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = vec![ty];
    v.extend_from_slice(&ch.to_be_bytes());
    v.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    v.extend_from_slice(payload);
    v.push(0xCE);
    v
}
