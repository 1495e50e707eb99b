//! `msgwire check amqp-client --driver CMD`: msgwire plays an AMQP 0-9-1 broker on 127.0.0.1
//! and judges the client library a driver runs (see [`super::client`] and
//! conformance/README.md, "The driver contract").
//!
//! Each case hands the driver a plan in `MSGWIRE_PLAN`, one operation on one channel after the
//! handshake (user `guest`, password `guest`, vhost `/`, the URL in `MSGWIRE_URL`):
//!
//! - `{"op":"close"}`: connect, open a channel, close the connection;
//! - `{"op":"publish","routing_key":Q,"body_size":N}`: publish N octets (`x` repeated) to the
//!   default exchange, then close; with `"mandatory":true,"seconds":S` the publish is
//!   mandatory and the driver serves the connection's events for up to S seconds (or until a
//!   return came) before it closes;
//! - `{"op":"confirm-publish","routing_key":Q,"count":N,"seconds":S}`: confirm.select, then N
//!   publishes (bodies `m1`..`mN`) as fast as the library allows, then wait up to S seconds
//!   for their confirms, then close;
//! - `{"op":"consume-two","queues":[A,B],"seconds":S}`: open a second channel, consume A
//!   (auto-ack) on the first and B on the second, until a message came for each or S seconds
//!   passed, then close;
//! - `{"op":"declare-passive","queue":Q}`: a passive queue.declare, then close;
//! - `{"op":"consume","queue":Q,"count":N,"seconds":S}`: consume (auto-ack) until N messages
//!   came or S seconds passed, then close;
//! - `{"op":"wait","seconds":S}`: keep the connection (and its channel) open for S seconds,
//!   serving its events, then close.
//!
//! Events the driver prints: `{"event":"connected"}` (the handshake and channel.open are done),
//! `{"event":"published"}`, `{"event":"delivered","body":TEXT}` (with `"queue":Q`, the queue
//! of the consumer it came to, for `consume-two`), `{"event":"returned","code":C,"body":TEXT}`
//! (a basic.return the library surfaced), `{"event":"confirmed","tag":N,"ack":BOOL}` (the
//! library's verdict on the Nth publish since confirm.select; `"multiple":true` when the
//! library surfaces the broker's ack or nack as is, covering every tag up to N),
//! `{"event":"blocked","reason":R}` and `{"event":"unblocked"}` (connection.blocked and
//! unblocked), `{"event":"cancelled","consumer_tag":T}` (the broker cancelled a consumer),
//! `{"event":"closed","code":C,"text":T}` (the broker closed the connection and the library
//! said so), `{"event":"channel-closed","code":C,"text":T}`, `{"event":"raised","why":S}`
//! (anything else the library raised), `{"event":"done"}` (the operation ended and the
//! connection was closed by the client), `{"event":"unsupported","why":S}`.
//!
//! The scripted broker answers the handshake with the case's mechanisms and tune values,
//! answers channel.open, queue.declare, basic.qos, basic.consume, confirm.select,
//! basic.cancel, channel.close and connection.close, records every frame the client sends
//! (with its size) and the messages it publishes, and at the case's moment sends what the case
//! scripts (a connection.close, a channel.close, a delivery in many body frames, deliveries
//! interleaved across two channels, connection.blocked and unblocked, a basic.cancel, a
//! basic.return, publisher confirms, a broken frame). It announces every RabbitMQ capability
//! in connection.start, and sends an extension's methods only to a client that announced the
//! capability in its start-ok (cases of an unannounced capability are informational). A client that does not end
//! within the timeout is killed and fails: no case hangs.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use msgwire::amqp::*;
use msgwire::Decoded;
use serde_json::{json, Value};

use super::client::{self, DriverRun, Invocation, Target};
use super::{Case, Level, Outcome, Trace};

const S_HEADER: &str = "AMQP 0-9-1 §4.2.2";
const S_FRAMES: &str = "AMQP 0-9-1 §4.2.3";
const S_CONTENT: &str = "AMQP 0-9-1 §4.2.6";
const S_HEARTBEAT: &str = "AMQP 0-9-1 §4.2.7";
const S_CONNECTION: &str = "AMQP 0-9-1 connection class";
const S_CHANNEL: &str = "AMQP 0-9-1 channel class";
const S_BASIC: &str = "AMQP 0-9-1 basic class";
const S_EXTENSIONS: &str = "RabbitMQ extensions to AMQP 0-9-1";
const BLOCKED_REASON: &str = "msgwire: low on memory";

/// What the broker does at the case's moment.
enum Hook {
    None,
    /// After the first channel.open-ok: these bytes.
    AfterChannelOpen(Vec<u8>),
    /// Instead of queue.declare-ok: these bytes.
    OnDeclare(Vec<u8>),
    /// After basic.consume-ok: the bytes made from the consumer tag.
    OnConsume(fn(&str) -> Vec<u8>),
    /// After this many basic.consume-oks: the bytes made from the consumers.
    OnConsumes(usize, fn(&[Consumer]) -> Vec<u8>),
    /// After each complete publish with the mandatory flag: basic.return 312 with the message.
    ReturnMandatory,
    /// Publisher confirms after confirm.select: the publishes are confirmed in batches (when
    /// the last of `count` came, or when the client published nothing more for 250 ms), each
    /// batch as one basic.ack with multiple=1 for all but the `count`th message, which is
    /// nacked on its own.
    Confirm {
        count: u64,
    },
}

/// A consumer the client started.
#[derive(Debug, Clone)]
struct Consumer {
    channel: u16,
    tag: String,
    queue: String,
}

/// The scripted broker of one case.
struct Script {
    mechanisms: &'static str,
    tune: ConnectionTune,
    hook: Hook,
    /// The hook fires only for a client that announced this capability in its
    /// client-properties (as RabbitMQ sends its extensions only to clients that announce them).
    capability: Option<&'static str>,
    /// After the first channel.open-ok, the broker sends a heartbeat every 500 ms for this long,
    /// then nothing.
    broker_heartbeats: Option<Duration>,
}

impl Script {
    fn new(hook: Hook) -> Script {
        Script {
            mechanisms: "PLAIN AMQPLAIN",
            tune: ConnectionTune {
                channel_max: 2047,
                frame_max: 131072,
                heartbeat: 0,
            },
            hook,
            capability: None,
            broker_heartbeats: None,
        }
    }

    fn needing(mut self, capability: &'static str) -> Script {
        self.capability = Some(capability);
        self
    }
}

/// What the client sent, and how the conversation ended.
#[derive(Default)]
struct Seen {
    /// The first 8 octets.
    header: Vec<u8>,
    /// Every frame after the header, with its size on the wire.
    frames: Vec<(usize, Frame<'static>)>,
    /// When the hook fired (index into `frames`: frames at or after it came after).
    hooked_at: Option<usize>,
    /// How it ended, in words.
    ended: String,
    /// The client closed the socket (rather than msgwire at the deadline or after close-ok).
    socket_closed_by_client: bool,
    /// The tune values the broker proposed.
    tune: Option<ConnectionTune>,
    /// When each of `frames` came, since the connection was accepted.
    times: Vec<Duration>,
    /// When the broker last wrote, and when the conversation ended (since accepted).
    last_sent: Duration,
    ended_at: Duration,
    /// The client ended with a connection.close (`ended_at` is when it came).
    closed_by_method: bool,
    /// When the broker sent the first channel.open-ok (after which a case may stay silent), or
    /// its last heartbeat in a case where it sends some.
    quiet_from: Option<Duration>,
    /// When the broker started sending heartbeats of its own (a case's).
    heartbeats_from: Option<Duration>,
    /// The capabilities the client announced as true in connection.start-ok.
    capabilities: Vec<String>,
    /// The messages the client published, complete.
    published: Vec<Published>,
    /// The channel confirm.select came on, and when (index into `frames`).
    confirm_select: Option<(u16, usize)>,
    /// The consumers the client started.
    consumers: Vec<Consumer>,
}

/// One complete publish.
#[derive(Debug, Clone)]
struct Published {
    mandatory: bool,
    routing_key: String,
    body: Vec<u8>,
    /// Index into `Seen::frames` of its basic.publish.
    at: usize,
}

/// A publish whose content is still coming.
struct Publishing {
    channel: u16,
    msg: Published,
    size: Option<u64>,
}

impl Seen {
    fn methods(&self) -> impl Iterator<Item = (u16, &Method<'static>)> {
        self.frames.iter().filter_map(|(_, f)| match f {
            Frame::Method { channel, method } => Some((*channel, method)),
            _ => None,
        })
    }

    fn after_hook(&self) -> &[(usize, Frame<'static>)] {
        &self.frames[self
            .hooked_at
            .unwrap_or(self.frames.len())
            .min(self.frames.len())..]
    }

    fn describe(&self) -> String {
        let names: Vec<String> = self.frames.iter().map(|(_, f)| describe(f)).collect();
        format!(
            "the client sent [{}]; {}",
            trim_list(&names, 24),
            self.ended
        )
    }
}

fn trim_list(items: &[String], n: usize) -> String {
    if items.len() <= n {
        items.join(", ")
    } else {
        format!("{}, … ({} more)", items[..n].join(", "), items.len() - n)
    }
}

fn describe(frame: &Frame<'_>) -> String {
    match frame {
        Frame::ProtocolHeader(h) => format!("protocol-header {:?}", h.octets),
        Frame::Method { channel, method } => match method {
            Method::ConnectionClose(c) => format!(
                "ch{channel} connection.close {} {:?}",
                c.reply_code,
                String::from_utf8_lossy(c.reply_text.as_bytes())
            ),
            Method::ChannelClose(c) => format!(
                "ch{channel} channel.close {} {:?}",
                c.reply_code,
                String::from_utf8_lossy(c.reply_text.as_bytes())
            ),
            m => format!("ch{channel} {}", m.name()),
        },
        Frame::Header { channel, header } => {
            format!("ch{channel} header body-size {}", header.body_size)
        }
        Frame::Body { channel, payload } => format!("ch{channel} body {} bytes", payload.len()),
        Frame::Heartbeat => "heartbeat".into(),
    }
}

fn s(text: &str) -> ShortStr<'static> {
    ShortStr::new(text.as_bytes().to_vec()).unwrap_or_default()
}

fn method(channel: u16, m: impl Into<Method<'static>>) -> Vec<u8> {
    Frame::method(channel, m).to_vec()
}

/// A raw frame: type, channel, payload, and the frame-end octet.
fn raw_frame(kind: u8, channel: u16, payload: &[u8], end: u8) -> Vec<u8> {
    let mut out = vec![kind];
    out.extend_from_slice(&channel.to_be_bytes());
    out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    out.extend_from_slice(payload);
    out.push(end);
    out
}

struct Broker<'t> {
    stream: TcpStream,
    buf: Vec<u8>,
    decoder: Decoder,
    trace: &'t mut Trace,
    deadline: Instant,
    /// When the conversation started, and when the broker last wrote.
    started: Instant,
    last_sent: Instant,
    /// A moment before the deadline at which the broker acts if the client is quiet.
    soft: Option<Instant>,
}

#[allow(clippy::large_enum_variant)] // one at a time, short-lived
enum Read1 {
    Frame(usize, Frame<'static>),
    Closed,
    Timeout,
    /// The soft moment came with nothing read.
    Idle,
    Bad(String),
}

impl Broker<'_> {
    fn send(&mut self, bytes: &[u8], what: &str) {
        self.trace.log(">", bytes, what);
        let _ = self.stream.write_all(bytes);
        self.last_sent = Instant::now();
    }

    fn fill(&mut self) -> Option<Read1> {
        if Instant::now() >= self.deadline {
            return Some(Read1::Timeout);
        }
        let until = match self.soft {
            Some(soft) if Instant::now() >= soft => {
                self.soft = None;
                return Some(Read1::Idle);
            }
            Some(soft) => soft.min(self.deadline),
            None => self.deadline,
        };
        self.stream.set_read_timeout(Some(super::left(until))).ok();
        let mut chunk = [0u8; 65536];
        match self.stream.read(&mut chunk) {
            Ok(0) => Some(Read1::Closed),
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                None
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                match self.soft {
                    Some(soft) if Instant::now() >= soft && Instant::now() < self.deadline => {
                        self.soft = None;
                        Some(Read1::Idle)
                    }
                    Some(_) if Instant::now() < self.deadline => None,
                    _ => Some(Read1::Timeout),
                }
            }
            Err(_) => Some(Read1::Closed),
        }
    }

    #[allow(clippy::result_large_err)] // one at a time, short-lived
    fn header(&mut self) -> Result<Vec<u8>, Read1> {
        while self.buf.len() < 8 {
            if let Some(r) = self.fill() {
                return Err(r);
            }
        }
        let h: Vec<u8> = self.buf.drain(..8).collect();
        self.trace.log(
            "<",
            &h,
            format!("protocol header {:?}", String::from_utf8_lossy(&h)),
        );
        Ok(h)
    }

    fn frame(&mut self) -> Read1 {
        loop {
            match self.decoder.decode(&self.buf) {
                Ok(Decoded::Complete { value, used }) => {
                    let f = value.into_owned();
                    self.trace.log("<", &self.buf[..used], describe(&f));
                    self.buf.drain(..used);
                    return Read1::Frame(used, f);
                }
                Ok(Decoded::NeedMore { .. }) => {
                    if let Some(r) = self.fill() {
                        return r;
                    }
                }
                Err(e) => {
                    self.trace.log("!", &self.buf, format!("undecodable: {e}"));
                    return Read1::Bad(e.to_string());
                }
            }
        }
    }
}

/// Plays the broker for one connection until the client closes (or the deadline).
fn serve(stream: TcpStream, script: &Script, trace: &mut Trace, deadline: Instant) -> Seen {
    let mut seen = Seen::default();
    stream.set_nodelay(true).ok();
    stream.set_write_timeout(Some(Duration::from_secs(5))).ok();
    let mut b = Broker {
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
        deadline,
        started: Instant::now(),
        last_sent: Instant::now(),
        soft: None,
    };
    match b.header() {
        Ok(h) => seen.header = h,
        Err(r) => {
            seen.ended = match r {
                Read1::Closed => "the client closed the socket before a protocol header".into(),
                _ => "no protocol header before the timeout".into(),
            };
            return seen;
        }
    }
    if seen.header != ProtocolHeader::AMQP_0_9_1.to_bytes() {
        // §4.2.2: the server answers a header it does not take with its own, and closes.
        let ours = ProtocolHeader::AMQP_0_9_1.to_bytes();
        b.send(&ours, "protocol header AMQP 0-9-1 (refusing the client's)");
        seen.ended = "msgwire refused the protocol header and closed".into();
        return seen;
    }
    let mut caps = FieldTable::builder();
    for cap in [
        "publisher_confirms",
        "exchange_exchange_bindings",
        "basic.nack",
        "consumer_cancel_notify",
        "connection.blocked",
        "authentication_failure_close",
        "per_consumer_qos",
    ] {
        caps.insert(cap, FieldValue::Bool(true)).ok();
    }
    let mut props = FieldTable::builder();
    props
        .insert("capabilities", FieldValue::Table(caps.build()))
        .ok();
    props
        .insert(
            "product",
            FieldValue::LongStr(
                LongStr::try_from("msgwire check (scripted broker)").unwrap_or_default(),
            ),
        )
        .ok();
    let start = ConnectionStart {
        version_major: 0,
        version_minor: 9,
        server_properties: props.build(),
        mechanisms: LongStr::new(script.mechanisms.as_bytes().to_vec()).unwrap_or_default(),
        locales: LongStr::try_from("en_US").unwrap_or_default(),
    };
    b.send(&method(0, start), "connection.start");
    let mut hooked = false;
    let mut channel_opened = false;
    let mut close_sent = false;
    let mut closing = false;
    let mut publishing: Option<Publishing> = None;
    // Publisher confirms: the next sequence number, and the ones not yet confirmed.
    let mut next_seq = 1u64;
    let mut unconfirmed: Vec<u64> = Vec::new();
    // The broker's own heartbeats (a case's): sent until then.
    let mut heartbeats_until: Option<Instant> = None;
    loop {
        let (size, f) = match b.frame() {
            Read1::Frame(n, f) => (n, f),
            Read1::Idle => {
                if let Some(stop) = heartbeats_until {
                    if Instant::now() < stop {
                        b.send(&Frame::Heartbeat.to_vec(), "heartbeat");
                        seen.quiet_from = Some(b.started.elapsed());
                        b.soft = Some(Instant::now() + Duration::from_millis(500));
                    }
                } else if let (Hook::Confirm { count }, Some((channel, _))) =
                    (&script.hook, seen.confirm_select)
                {
                    confirm(&mut b, channel, &mut unconfirmed, *count);
                }
                continue;
            }
            Read1::Closed if closing => break,
            Read1::Timeout if closing => break,
            Read1::Closed => {
                seen.socket_closed_by_client = true;
                seen.ended = "the client closed the socket".into();
                break;
            }
            Read1::Timeout => {
                seen.ended = "the client was still connected at the deadline".into();
                break;
            }
            Read1::Bad(e) => {
                seen.ended = format!("the client sent bytes msgwire rejects: {e}");
                break;
            }
        };
        seen.frames.push((size, f.clone()));
        seen.times.push(b.started.elapsed());
        // Content the client publishes, reassembled per channel.
        let complete = match (&f, publishing.as_mut()) {
            (Frame::Header { channel, header }, Some(p)) if *channel == p.channel => {
                p.size = Some(header.body_size);
                header.body_size == 0
            }
            (Frame::Body { channel, payload }, Some(p)) if *channel == p.channel => {
                p.msg.body.extend_from_slice(payload);
                p.size.is_some_and(|n| p.msg.body.len() as u64 >= n)
            }
            _ => false,
        };
        if complete {
            let Some(p) = publishing.take() else {
                unreachable!()
            };
            let allowed = script
                .capability
                .is_none_or(|c| seen.capabilities.iter().any(|a| a == c));
            match &script.hook {
                Hook::ReturnMandatory if p.msg.mandatory && allowed => {
                    hooked = true;
                    seen.hooked_at.get_or_insert(seen.frames.len());
                    b.send(
                        &returned(p.channel, &p.msg),
                        "basic.return 312 with the message (in 3 body frames)",
                    );
                }
                Hook::Confirm { count } if seen.confirm_select.is_some() => {
                    hooked = true;
                    seen.hooked_at.get_or_insert(seen.frames.len());
                    unconfirmed.push(next_seq);
                    next_seq += 1;
                    if unconfirmed.contains(count) {
                        confirm(&mut b, p.channel, &mut unconfirmed, *count);
                    } else if b.soft.is_none() {
                        b.soft = Some(Instant::now() + Duration::from_millis(250));
                    }
                }
                _ => {}
            }
            seen.published.push(p.msg);
        }
        let Frame::Method { channel, method: m } = f else {
            continue;
        };
        let allowed = script
            .capability
            .is_none_or(|c| seen.capabilities.iter().any(|a| a == c));
        let mut fire = false;
        match m {
            Method::BasicPublish(p) => {
                publishing = Some(Publishing {
                    channel,
                    msg: Published {
                        mandatory: p.mandatory,
                        routing_key: String::from_utf8_lossy(p.routing_key.as_bytes()).into_owned(),
                        body: Vec::new(),
                        at: seen.frames.len() - 1,
                    },
                    size: None,
                });
            }
            Method::ConnectionStartOk(ok) => {
                if let Some(FieldValue::Table(caps)) = ok.client_properties.get("capabilities") {
                    for (name, value) in caps.iter() {
                        if matches!(value, FieldValue::Bool(true)) {
                            seen.capabilities
                                .push(String::from_utf8_lossy(name.as_bytes()).into_owned());
                        }
                    }
                }
                seen.tune = Some(script.tune.clone());
                b.send(&method(0, script.tune.clone()), "connection.tune");
            }
            Method::ConnectionOpen(_) => b.send(
                &method(0, ConnectionOpenOk::default()),
                "connection.open-ok",
            ),
            Method::ChannelOpen(_) => {
                b.send(
                    &method(channel, ChannelOpenOk::default()),
                    "channel.open-ok",
                );
                if !channel_opened {
                    channel_opened = true;
                    seen.quiet_from = Some(b.started.elapsed());
                    if let Some(d) = script.broker_heartbeats {
                        seen.heartbeats_from = seen.quiet_from;
                        heartbeats_until = Some(Instant::now() + d);
                        b.soft = Some(Instant::now() + Duration::from_millis(500));
                    }
                    fire = matches!(script.hook, Hook::AfterChannelOpen(_)) && allowed;
                }
            }
            Method::QueueDeclare(q) => match &script.hook {
                Hook::OnDeclare(bytes) if !hooked => {
                    hooked = true;
                    seen.hooked_at = Some(seen.frames.len());
                    b.send(bytes, "the case's answer to queue.declare");
                }
                _ => {
                    if !q.no_wait {
                        let name = if q.queue.as_bytes().is_empty() {
                            s("amq.gen-msgwire")
                        } else {
                            q.queue.clone()
                        };
                        b.send(
                            &method(
                                channel,
                                QueueDeclareOk {
                                    queue: name,
                                    message_count: 0,
                                    consumer_count: 0,
                                },
                            ),
                            "queue.declare-ok",
                        );
                    }
                }
            },
            Method::BasicQos(_) => b.send(&method(channel, BasicQosOk::default()), "basic.qos-ok"),
            Method::ConfirmSelect(c) => {
                seen.confirm_select
                    .get_or_insert((channel, seen.frames.len() - 1));
                if !c.nowait {
                    b.send(
                        &method(channel, ConfirmSelectOk::default()),
                        "confirm.select-ok",
                    )
                }
            }
            Method::ExchangeDeclare(e) if !e.no_wait => b.send(
                &method(channel, ExchangeDeclareOk::default()),
                "exchange.declare-ok",
            ),
            Method::QueueBind(q) if !q.no_wait => {
                b.send(&method(channel, QueueBindOk::default()), "queue.bind-ok")
            }
            Method::BasicConsume(c) => {
                let tag = if c.consumer_tag.as_bytes().is_empty() {
                    format!("ctag-msgwire-{}", seen.consumers.len() + 1)
                } else {
                    String::from_utf8_lossy(c.consumer_tag.as_bytes()).into_owned()
                };
                if !c.no_wait {
                    b.send(
                        &method(
                            channel,
                            BasicConsumeOk {
                                consumer_tag: s(&tag),
                            },
                        ),
                        "basic.consume-ok",
                    );
                }
                seen.consumers.push(Consumer {
                    channel,
                    tag: tag.clone(),
                    queue: String::from_utf8_lossy(c.queue.as_bytes()).into_owned(),
                });
                match &script.hook {
                    Hook::OnConsume(make) if !hooked && allowed => {
                        hooked = true;
                        seen.hooked_at = Some(seen.frames.len());
                        let bytes = make(&tag);
                        b.send(&bytes, "the case's frames for the consumer");
                    }
                    Hook::OnConsumes(n, make) if !hooked && seen.consumers.len() == *n => {
                        hooked = true;
                        seen.hooked_at = Some(seen.frames.len());
                        let bytes = make(&seen.consumers);
                        b.send(&bytes, "the case's deliveries to the consumers");
                    }
                    _ => {}
                }
            }
            Method::BasicCancel(c) if !c.no_wait => b.send(
                &method(
                    channel,
                    BasicCancelOk {
                        consumer_tag: c.consumer_tag.clone(),
                    },
                ),
                "basic.cancel-ok",
            ),
            Method::ChannelClose(_) => b.send(
                &method(channel, ChannelCloseOk::default()),
                "channel.close-ok",
            ),
            Method::ConnectionClose(_) => {
                if closing {
                    continue;
                }
                // The broker's silence ends with its answer to the client's close.
                seen.last_sent = b.last_sent.saturating_duration_since(b.started);
                seen.ended_at = b.started.elapsed();
                seen.closed_by_method = true;
                if !close_sent {
                    b.send(
                        &method(0, ConnectionCloseOk::default()),
                        "connection.close-ok",
                    );
                }
                seen.ended =
                    "the client closed the connection (connection.close, answered close-ok)".into();
                // Frames the client still sends after its close are recorded too (a moment).
                closing = true;
                b.deadline = b.deadline.min(Instant::now() + Duration::from_millis(300));
                continue;
            }
            Method::ConnectionCloseOk(_) => {
                seen.ended = "the client answered the connection.close with close-ok".into();
                break;
            }
            _ => {}
        }
        if fire && !hooked {
            hooked = true;
            seen.hooked_at = Some(seen.frames.len());
            if let Hook::AfterChannelOpen(bytes) = &script.hook {
                close_sent = bytes.len() >= 11 && bytes[0] == 1 && bytes[7..11] == [0, 10, 0, 50];
                b.send(bytes, "the case's frame(s)");
            }
        }
    }
    if !seen.closed_by_method {
        seen.last_sent = b.last_sent.saturating_duration_since(b.started);
        seen.ended_at = b.started.elapsed();
    }
    let _ = b.stream.shutdown(std::net::Shutdown::Both);
    seen
}

/// basic.return 312 NO_ROUTE for `msg`, its body in three body frames.
fn returned(channel: u16, msg: &Published) -> Vec<u8> {
    let mut out = method(
        channel,
        BasicReturn {
            reply_code: 312,
            reply_text: s("NO_ROUTE"),
            exchange: s(""),
            routing_key: s(&msg.routing_key),
        },
    );
    out.extend(
        Frame::Header {
            channel,
            header: ContentHeader::new(msg.body.len() as u64, BasicProperties::default()),
        }
        .to_vec(),
    );
    let third = msg.body.len().div_ceil(3).max(1);
    for chunk in msg.body.chunks(third) {
        out.extend(raw_frame(3, channel, chunk, 0xCE));
    }
    out
}

/// Confirms the unconfirmed publishes: one basic.ack multiple=1 up to the highest of them
/// except `nacked`, then basic.nack for `nacked` if it is among them.
fn confirm(b: &mut Broker<'_>, channel: u16, unconfirmed: &mut Vec<u64>, nacked: u64) {
    b.soft = None;
    if let Some(&top) = unconfirmed.iter().filter(|&&t| t != nacked).max() {
        b.send(
            &method(
                channel,
                BasicAck {
                    delivery_tag: top,
                    multiple: true,
                },
            ),
            "basic.ack multiple",
        );
    }
    if unconfirmed.contains(&nacked) {
        b.send(
            &method(
                channel,
                BasicNack {
                    delivery_tag: nacked,
                    multiple: false,
                    requeue: false,
                },
            ),
            "basic.nack",
        );
    }
    unconfirmed.clear();
}

/// What one case saw.
struct Played {
    seen: Seen,
    run: DriverRun,
}

fn play(
    t: &Target,
    tr: &mut Trace,
    scenario: &str,
    plan: Value,
    script: Script,
) -> Result<Played, Outcome> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .map_err(|e| Outcome::Fail(format!("internal: cannot listen on 127.0.0.1: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Outcome::Fail(format!("internal: {e}")))?;
    let inv = Invocation {
        scenario: scenario.to_string(),
        addr,
        url: format!("amqp://guest:guest@{addr}/"),
        plan: plan.to_string(),
    };
    let mut running = t
        .driver
        .start(&inv)
        .map_err(|e| Outcome::Fail(format!("the driver could not start: {e}")))?;
    let wait = plan["seconds"].as_f64().unwrap_or(0.0);
    let deadline = Instant::now() + t.timeout + Duration::from_secs_f64(wait);
    let seen = match client::accept(&listener, &mut running, Instant::now() + t.timeout) {
        Err(e) => {
            tr.log("!", b"", e.clone());
            Seen {
                ended: e,
                ..Default::default()
            }
        }
        Ok(stream) => serve(stream, &script, tr, deadline),
    };
    drop(listener);
    let run = running.finish(Instant::now() + t.timeout);
    tr.log("!", b"", run.summary());
    Ok(Played { seen, run })
}

/// A driver that hung, broke the contract, crashed, or cannot do the plan.
fn driver_verdict(run: &DriverRun) -> Option<Outcome> {
    if let Some(why) = run.unsupported() {
        return Some(Outcome::Unimplemented(format!(
            "the driver's library cannot do this: {why}"
        )));
    }
    if run.killed {
        return Some(Outcome::Fail(format!(
            "the client did not end within the timeout (it hung; killed): {}",
            run.summary()
        )));
    }
    if !run.bad_lines.is_empty() {
        return Some(Outcome::Fail(format!(
            "the driver broke its contract: {}",
            run.summary()
        )));
    }
    if run.status != "exit 0" {
        return Some(Outcome::Fail(format!(
            "the client crashed (the driver did not exit 0): {}",
            run.summary()
        )));
    }
    None
}

fn scenario(id: &str) -> &str {
    id.strip_prefix("amqp-client/").unwrap_or(id)
}

/// Runs the case and applies `judge` unless the driver hung, crashed or cannot.
fn case(
    t: &Target,
    tr: &mut Trace,
    id: &str,
    plan: Value,
    script: Script,
    judge: &dyn Fn(&Played) -> Outcome,
) -> Outcome {
    let played = match play(t, tr, scenario(id), plan, script) {
        Ok(p) => p,
        Err(o) => return o,
    };
    if let Some(o) = driver_verdict(&played.run) {
        return o;
    }
    judge(&played)
}

fn event<'a>(run: &'a DriverRun, name: &str) -> Option<&'a Value> {
    run.first(name)
}

/// The client's answer to a misbehaving broker: it must close the connection (a
/// connection.close, ideally with `codes`, or the socket) and not carry on.
fn judge_closes(p: &Played, codes: &[u16]) -> Outcome {
    let after = p.seen.after_hook();
    let close = after.iter().find_map(|(_, f)| match f {
        Frame::Method {
            method: Method::ConnectionClose(c),
            ..
        } => Some(c.reply_code),
        _ => None,
    });
    let carried_on: Vec<String> = after
        .iter()
        .filter(|(_, f)| {
            !matches!(
                f,
                Frame::Heartbeat
                    | Frame::Method {
                        method: Method::ConnectionClose(_) | Method::ConnectionCloseOk(_),
                        ..
                    }
            )
        })
        .map(|(_, f)| describe(f))
        .collect();
    let events = p.run.summary();
    if p.seen.hooked_at.is_none() {
        return Outcome::Fail(format!(
            "the case never reached its moment (no channel opened): {}; {events}",
            p.seen.describe()
        ));
    }
    // A client that finished its operation and closed by itself ("done") never noticed; a close
    // with 200 (reply-success) or 0 (no code: py-amqp's normal close) is its ordinary close.
    let done = p.run.first("done").is_some();
    match close {
        Some(200 | 0) => Outcome::Fail(format!(
            "the client did not close the connection for it{}, and closed normally (200) when its work was done: {}; {events}",
            if carried_on.is_empty() { String::new() } else { format!(" (it sent [{}])", carried_on.join(", ")) },
            p.seen.describe()
        )),
        Some(code) if done => Outcome::Fail(format!(
            "the client closed with {code} only when its work was done (the driver printed done): {}; {events}",
            p.seen.describe()
        )),
        Some(code) if codes.contains(&code) => Outcome::Pass(format!("connection.close {code}; {}; {events}", p.seen.describe())),
        Some(code) => Outcome::Pass(format!(
            "connection.close {code} (the spec's code is {codes:?}); {}; {events}",
            p.seen.describe()
        )),
        None if p.seen.socket_closed_by_client && carried_on.is_empty() => {
            Outcome::Pass(format!("the client closed the socket; {}; {events}", p.seen.describe()))
        }
        None if p.seen.socket_closed_by_client => Outcome::Fail(format!(
            "the client sent [{}] after the broken frame, then closed the socket: {events}",
            carried_on.join(", ")
        )),
        None => Outcome::Fail(format!("the client did not close the connection: {}; {events}", p.seen.describe())),
    }
}

/// Heartbeat 1 negotiated, and the broker fell silent at `seen.quiet_from` (after channel.open-ok,
/// or after its last heartbeat when `heartbeats_came`): the client must drop the connection
/// within 4.5 s of that, and not before.
fn judge_dropped(p: &Played, heartbeats_came: bool) -> Outcome {
    let hb = p.seen.methods().find_map(|(_, m)| match m {
        Method::ConnectionTuneOk(ok) => Some(ok.heartbeat),
        _ => None,
    });
    if hb == Some(0) {
        return Outcome::Info("tune-ok heartbeat 0: the client wants no heartbeat".into());
    }
    let Some(quiet) = p.seen.quiet_from else {
        return Outcome::Fail(format!(
            "no channel was opened: {}; {}",
            p.seen.describe(),
            p.run.summary()
        ));
    };
    let silent = if heartbeats_came {
        "the broker's heartbeats stopped"
    } else {
        "the broker fell silent"
    };
    let is_move = |f: &Frame<'_>| {
        *f != Frame::Heartbeat
            && !matches!(
                f,
                Frame::Method {
                    method: Method::ChannelOpen(_),
                    ..
                }
            )
    };
    // The client's first move after channel.open-ok (heartbeats aside): a drop sooner than one
    // interval after the broker's last octets is premature (the spec waits for two).
    let start = p.seen.heartbeats_from.unwrap_or(quiet);
    let first = p
        .seen
        .frames
        .iter()
        .zip(&p.seen.times)
        .find(|((_, f), at)| **at > start && is_move(f));
    let premature = quiet + Duration::from_secs(1);
    let drop_at = first.map_or(p.seen.ended_at, |(_, at)| *at);
    if drop_at < premature && (first.is_some() || p.seen.socket_closed_by_client) {
        return Outcome::Fail(format!(
            "the client {} at {} ms, {} ms after the broker's last octets (the connection was tuned to heartbeat 1: a peer waits two intervals): {}",
            first.map_or("dropped the connection".to_string(), |((_, f), _)| format!("sent {}", describe(f))),
            drop_at.as_millis(),
            drop_at.saturating_sub(quiet).as_millis(),
            p.run.summary()
        ));
    }
    // Two intervals, and slack for libraries that check once per interval and for a loaded
    // machine; the driver itself waits longer.
    let limit = Duration::from_millis(4500);
    match first {
        Some((
            (
                _,
                Frame::Method {
                    method: Method::ConnectionClose(c),
                    ..
                },
            ),
            at,
        )) if !matches!(c.reply_code, 0 | 200) && at.saturating_sub(quiet) <= limit => {
            Outcome::Pass(format!(
                "connection.close {} {} ms after {silent}; {}",
                c.reply_code,
                at.saturating_sub(quiet).as_millis(),
                p.run.summary()
            ))
        }
        Some(((_, f), at)) => Outcome::Fail(format!(
            "{silent}, and {} ms later the client sent {} (it did not drop the connection for the silence): {}",
            at.saturating_sub(quiet).as_millis(),
            describe(f),
            p.run.summary()
        )),
        None if p.seen.socket_closed_by_client
            && p.seen.ended_at.saturating_sub(quiet) <= limit =>
        {
            Outcome::Pass(format!(
                "the client dropped the connection {} ms after {silent}; {}",
                p.seen.ended_at.saturating_sub(quiet).as_millis(),
                p.run.summary()
            ))
        }
        None if p.seen.socket_closed_by_client => Outcome::Fail(format!(
            "the client dropped the connection only {} ms after {silent}",
            p.seen.ended_at.saturating_sub(quiet).as_millis()
        )),
        None => Outcome::Fail(format!(
            "{silent} and the client did not drop the connection: {}; {}",
            p.seen.describe(),
            p.run.summary()
        )),
    }
}

fn wait(seconds: f64) -> Value {
    json!({"op": "wait", "seconds": seconds})
}

/// The suite.
pub fn cases() -> Vec<Case<Target>> {
    vec![
        Case {
            id: "amqp-client/handshake/protocol-header",
            section: S_HEADER,
            requirement: "\"The client opens a new socket connection to the AMQP server and sends the protocol header.\" The header for 0-9-1 is \"AMQP\" %d0 %d0 %d9 %d1 (\"The protocol header consists of the upper case letters \\\"AMQP\\\" followed by the constant %d0 then: The protocol major version [...] minor version [...] revision\")",
            level: Level::Must,
            accepts: "the first 8 octets are exactly 41 4d 51 50 00 00 09 01, and the handshake completes",
            run: |t, tr| {
                case(t, tr, "amqp-client/handshake/protocol-header", json!({"op": "close"}), Script::new(Hook::None), &|p| {
                    let want = ProtocolHeader::AMQP_0_9_1.to_bytes();
                    if p.seen.header != want {
                        return Outcome::Fail(format!("the header is {} ({:?}), not {}", hex::encode(&p.seen.header), String::from_utf8_lossy(&p.seen.header), hex::encode(want)));
                    }
                    if event(&p.run, "connected").is_none() {
                        return Outcome::Fail(format!("the header is right but the handshake did not complete: {}; {}", p.seen.describe(), p.run.summary()));
                    }
                    Outcome::Pass(format!("header {}; {}", hex::encode(&p.seen.header), p.seen.describe()))
                })
            },
        },
        Case {
            id: "amqp-client/handshake/mechanism-offered",
            section: S_CONNECTION,
            requirement: "connection.start-ok mechanism: \"A single security mechanisms selected by the client, which must be one of those specified by the server.\" (rule security-mechanism: \"The client SHOULD authenticate using the highest-level security profile it can handle from the list provided by the server.\")",
            level: Level::Must,
            accepts: "connection.start-ok names a mechanism among those connection.start offered (\"PLAIN AMQPLAIN\")",
            run: |t, tr| {
                case(t, tr, "amqp-client/handshake/mechanism-offered", json!({"op": "close"}), Script::new(Hook::None), &|p| {
                    let mech = p.seen.methods().find_map(|(_, m)| match m {
                        Method::ConnectionStartOk(s) => Some(String::from_utf8_lossy(s.mechanism.as_bytes()).into_owned()),
                        _ => None,
                    });
                    match mech {
                        Some(m) if ["PLAIN", "AMQPLAIN"].contains(&m.as_str()) => Outcome::Pass(format!("mechanism {m}")),
                        Some(m) => Outcome::Fail(format!("mechanism {m:?}, not one of \"PLAIN AMQPLAIN\"")),
                        None => Outcome::Fail(format!("no connection.start-ok: {}; {}", p.seen.describe(), p.run.summary())),
                    }
                })
            },
        },
        Case {
            id: "amqp-client/handshake/tune-ok-within-limits",
            section: S_CONNECTION,
            requirement: "connection.tune-ok channel-max, rule upper-limit: \"If the client specifies a channel max that is higher than the value provided by the server, the server MUST close the connection without attempting a negotiated close.\" frame-max, rule upper-limit: \"If the client specifies a frame max that is higher than the value provided by the server, the server MUST close the connection\"; rule minimum: \"Until the frame-max has been negotiated, both peers MUST accept frames of up to frame-min-size octets large, and the minimum negotiated value for frame-max is also frame-min-size.\" (0 means no limit: higher than any proposal)",
            level: Level::Must,
            accepts: "to connection.tune (channel-max 7, frame-max 4096, heartbeat 0): tune-ok with channel-max 1..=7 and frame-max exactly 4096",
            run: |t, tr| {
                let mut script = Script::new(Hook::None);
                script.tune = ConnectionTune { channel_max: 7, frame_max: 4096, heartbeat: 0 };
                case(t, tr, "amqp-client/handshake/tune-ok-within-limits", json!({"op": "close"}), script, &|p| {
                    let tune_ok = p.seen.methods().find_map(|(_, m)| match m {
                        Method::ConnectionTuneOk(t) => Some(t.clone()),
                        _ => None,
                    });
                    let Some(ok) = tune_ok else {
                        return Outcome::Fail(format!("no connection.tune-ok: {}; {}", p.seen.describe(), p.run.summary()));
                    };
                    let mut wrong = Vec::new();
                    if ok.channel_max == 0 || ok.channel_max > 7 {
                        wrong.push(format!("channel-max {} (the broker proposed 7; 0 is no limit)", ok.channel_max));
                    }
                    if ok.frame_max != 4096 {
                        wrong.push(format!("frame-max {} (the broker proposed 4096, the minimum; 0 is no limit)", ok.frame_max));
                    }
                    if wrong.is_empty() {
                        Outcome::Pass(format!("tune-ok channel-max {}, frame-max {}, heartbeat {}", ok.channel_max, ok.frame_max, ok.heartbeat))
                    } else {
                        Outcome::Fail(wrong.join("; "))
                    }
                })
            },
        },
        Case {
            id: "amqp-client/frame/publish-within-frame-max",
            section: S_FRAMES,
            requirement: "\"A peer MUST NOT send frames larger than the agreed-upon size.\" §4.2.6.2: \"the content body [...] is split into one or more body frames\" (each at most frame-max - 8 octets of payload: 7 octets of frame header and the frame-end)",
            level: Level::Must,
            accepts: "a 10000-octet publish on a connection tuned to frame-max 4096: every frame at most 4096 octets, a content header with body-size 10000, body frames adding up to 10000 octets of the published body",
            run: |t, tr| {
                let mut script = Script::new(Hook::None);
                script.tune = ConnectionTune { channel_max: 2047, frame_max: 4096, heartbeat: 0 };
                case(t, tr, "amqp-client/frame/publish-within-frame-max", json!({"op": "publish", "routing_key": "msgwire.q", "body_size": 10000}), script, &|p| {
                    let over: Vec<String> = p.seen.frames.iter().filter(|(n, _)| *n > 4096).map(|(n, f)| format!("{} ({n} octets)", describe(f))).collect();
                    let header = p.seen.frames.iter().find_map(|(_, f)| match f {
                        Frame::Header { header, .. } => Some(header.body_size),
                        _ => None,
                    });
                    let bodies: Vec<usize> = p.seen.frames.iter().filter_map(|(_, f)| match f {
                        Frame::Body { payload, .. } => Some(payload.len()),
                        _ => None,
                    }).collect();
                    let all_x = p.seen.frames.iter().all(|(_, f)| match f {
                        Frame::Body { payload, .. } => payload.iter().all(|&b| b == b'x'),
                        _ => true,
                    });
                    if !over.is_empty() {
                        return Outcome::Fail(format!("frames over the negotiated frame-max 4096: {}", over.join(", ")));
                    }
                    match header {
                        None => Outcome::Fail(format!("no content was published: {}; {}", p.seen.describe(), p.run.summary())),
                        Some(n) if n != 10000 => Outcome::Fail(format!("content header body-size {n}, not 10000")),
                        Some(_) if bodies.iter().sum::<usize>() != 10000 || !all_x => Outcome::Fail(format!("body frames of {bodies:?} octets do not carry the 10000-octet body")),
                        Some(_) => Outcome::Pass(format!("body frames of {bodies:?} octets, every frame within 4096")),
                    }
                })
            },
        },
        Case {
            id: "amqp-client/close/connection-close-ok",
            section: S_CONNECTION,
            requirement: "connection.close: \"This method indicates that the sender wants to close the connection. [...] After sending this method, any received methods except Close and Close-OK MUST be discarded.\" connection.close-ok: \"This method confirms a Connection.Close method and tells the recipient that it is safe to release resources for the connection and close the socket.\" (derived: the close is answered with close-ok, and the application learns why its connection ended)",
            level: Level::Must,
            accepts: "after the broker's connection.close 320: connection.close-ok and nothing but heartbeats before it; the driver reports the close with code 320",
            run: |t, tr| {
                let close = method(0, ConnectionClose { reply_code: 320, reply_text: s("CONNECTION_FORCED - msgwire check"), class_id: 0, method_id: 0 });
                case(t, tr, "amqp-client/close/connection-close-ok", wait(3.0), Script::new(Hook::AfterChannelOpen(close)), &|p| {
                    let after = p.seen.after_hook();
                    let close_ok = after.iter().position(|(_, f)| matches!(f, Frame::Method { method: Method::ConnectionCloseOk(_), .. }));
                    let before: Vec<String> = after[..close_ok.unwrap_or(after.len())].iter().filter(|(_, f)| !matches!(f, Frame::Heartbeat)).map(|(_, f)| describe(f)).collect();
                    let surfaced = p.run.named("closed").iter().any(|e| e["code"].as_u64() == Some(320));
                    match (close_ok, before.is_empty(), surfaced) {
                        (Some(_), true, true) => Outcome::Pass(format!("close-ok; the application learnt 320: {}", p.run.summary())),
                        (None, _, _) => Outcome::Fail(format!("no connection.close-ok: {}; {}", p.seen.describe(), p.run.summary())),
                        (_, false, _) => Outcome::Fail(format!("the client sent [{}] after the broker's connection.close", before.join(", "))),
                        (_, _, false) => Outcome::Fail(format!("close-ok sent, but the close (320) was not surfaced to the application: {}", p.run.summary())),
                    }
                })
            },
        },
        Case {
            id: "amqp-client/close/channel-close-ok",
            section: S_CHANNEL,
            requirement: "channel.close: \"This method indicates that the sender wants to close the channel. [...] After sending this method, any received methods except Close and Close-OK MUST be discarded.\" channel.close-ok: \"This method confirms a Channel.Close method and tells the recipient that it is safe to release resources for the channel.\" (derived: the close is answered with close-ok on that channel, and the application learns why)",
            level: Level::Must,
            accepts: "a passive queue.declare answered with channel.close 404: channel.close-ok on channel 1 and nothing else on it before; the driver reports the channel close with code 404",
            run: |t, tr| {
                let close = method(1, ChannelClose { reply_code: 404, reply_text: s("NOT_FOUND - no queue 'msgwire.missing'"), class_id: 50, method_id: 10 });
                case(t, tr, "amqp-client/close/channel-close-ok", json!({"op": "declare-passive", "queue": "msgwire.missing"}), Script::new(Hook::OnDeclare(close)), &|p| {
                    if p.seen.hooked_at.is_none() {
                        return Outcome::Fail(format!("no queue.declare came: {}; {}", p.seen.describe(), p.run.summary()));
                    }
                    let after = p.seen.after_hook();
                    let close_ok = after.iter().position(|(_, f)| matches!(f, Frame::Method { channel: 1, method: Method::ChannelCloseOk(_) }));
                    // A close-ok after the client's own connection.close comes too late: the
                    // broker discards everything but Close and Close-OK from then on.
                    let conn_close = after.iter().position(|(_, f)| matches!(f, Frame::Method { method: Method::ConnectionClose(_), .. }));
                    let before: Vec<String> = after[..close_ok.unwrap_or(after.len())].iter().filter(|(_, f)| f.channel() == 1).map(|(_, f)| describe(f)).collect();
                    let surfaced = p.run.named("channel-closed").iter().any(|e| e["code"].as_u64() == Some(404));
                    if let (Some(ok), Some(cc)) = (close_ok, conn_close) {
                        if ok > cc {
                            return Outcome::Fail(format!("channel.close-ok came only after the client's connection.close (after which a broker discards every method but Close and Close-OK): {}; {}", p.seen.describe(), p.run.summary()));
                        }
                    }
                    match (close_ok, before.is_empty(), surfaced) {
                        (Some(_), true, true) => Outcome::Pass(format!("channel.close-ok; the application learnt 404: {}", p.run.summary())),
                        (None, _, _) => Outcome::Fail(format!("no channel.close-ok on channel 1: {}; {}", p.seen.describe(), p.run.summary())),
                        (_, false, _) => Outcome::Fail(format!("the client sent [{}] on channel 1 after the broker's channel.close", before.join(", "))),
                        (_, _, false) => Outcome::Fail(format!("close-ok sent, but the channel close (404) was not surfaced to the application: {}", p.run.summary())),
                    }
                })
            },
        },
        Case {
            id: "amqp-client/content/many-body-frames",
            section: S_CONTENT,
            requirement: "§4.2.6: \"Content consists of a list of properties [...] followed by zero or more frames of content body\" and §4.2.6.2: \"the content body [...] is split into one or more body frames\" (a delivery of 3000 octets in 300 body frames of 10 octets is one message)",
            level: Level::Must,
            accepts: "the driver reports one delivery whose body is the 3000 octets, in order",
            run: |t, tr| {
                case(t, tr, "amqp-client/content/many-body-frames", json!({"op": "consume", "queue": "msgwire.q", "count": 1, "seconds": 3}), Script::new(Hook::OnConsume(many_body_frames)), &|p| {
                    let want = body_3000();
                    let got: Vec<&str> = p.run.named("delivered").iter().filter_map(|e| e["body"].as_str()).collect();
                    match got.as_slice() {
                        [b] if *b == want => Outcome::Pass("one delivery of 3000 octets, in order".into()),
                        [] => Outcome::Fail(format!("no delivery surfaced: {}; {}", p.seen.describe(), p.run.summary())),
                        [b] => Outcome::Fail(format!("a delivery of {} octets that differs from the 3000 sent", b.len())),
                        more => Outcome::Fail(format!("{} deliveries for one message", more.len())),
                    }
                })
            },
        },
        Case {
            id: "amqp-client/heartbeat/sent",
            section: S_HEARTBEAT,
            requirement: "§4.2.7: \"The client should start sending heartbeats after receiving a Connection.Tune method, and start monitoring heartbeats after receiving Connection.Open.\" (connection.tune heartbeat: \"The delay, in seconds, of the connection heartbeat that the server wants. Zero means the server does not want a heartbeat.\")",
            level: Level::Should,
            accepts: "to connection.tune heartbeat 1 (the broker then silent): tune-ok heartbeat 1, a heartbeat frame from the client within 2.5 s of its tune-ok, and never 2.5 s without a frame from the client until it closes (4 s of waiting); a client that answers heartbeat 0 (it wants none) is informational",
            run: |t, tr| {
                let mut script = Script::new(Hook::None);
                script.tune = ConnectionTune { channel_max: 2047, frame_max: 131072, heartbeat: 1 };
                case(t, tr, "amqp-client/heartbeat/sent", wait(4.0), script, &|p| {
                    let tune_ok = p.seen.frames.iter().position(|(_, f)| matches!(f, Frame::Method { method: Method::ConnectionTuneOk(_), .. }));
                    let Some(i) = tune_ok else {
                        return Outcome::Fail(format!("no connection.tune-ok: {}", p.seen.describe()));
                    };
                    let Frame::Method { method: Method::ConnectionTuneOk(ok), .. } = &p.seen.frames[i].1 else { unreachable!() };
                    if ok.heartbeat == 0 {
                        return Outcome::Info("tune-ok heartbeat 0: the client wants no heartbeat".into());
                    }
                    let t0 = p.seen.times[i];
                    let first = p.seen.frames.iter().zip(&p.seen.times).find(|((_, f), _)| *f == Frame::Heartbeat).map(|(_, at)| at.saturating_sub(t0));
                    // And on time after that: the longest silence of the client from its
                    // tune-ok to the end of the conversation.
                    let mut marks: Vec<Duration> = p.seen.times[i..].to_vec();
                    marks.push(p.seen.ended_at);
                    let gap = marks.windows(2).map(|w| w[1].saturating_sub(w[0])).max().unwrap_or_default();
                    match first {
                        Some(_) if gap > Duration::from_millis(2500) => Outcome::Fail(format!("tune-ok heartbeat {}; the client then fell silent for {} ms (heartbeats stopped)", ok.heartbeat, gap.as_millis())),
                        Some(d) if ok.heartbeat <= 1 && d <= Duration::from_millis(2500) => Outcome::Pass(format!("tune-ok heartbeat {}; first heartbeat {} ms after it, never silent for more than {} ms", ok.heartbeat, d.as_millis(), gap.as_millis())),
                        Some(d) => Outcome::Fail(format!("tune-ok heartbeat {}; first heartbeat only {} ms after it", ok.heartbeat, d.as_millis())),
                        None => Outcome::Fail(format!("tune-ok heartbeat {}, but no heartbeat frame came: {}; {}", ok.heartbeat, p.seen.describe(), p.run.summary())),
                    }
                })
            },
        },
        Case {
            id: "amqp-client/heartbeat/silent-broker-dropped",
            section: S_HEARTBEAT,
            requirement: "§4.2.7: \"If a peer detects no incoming traffic (i.e. received octets) for two heartbeat intervals or longer, it should close the connection without following the Connection.Close/Close-Ok handshaking, and log an error.\"",
            level: Level::Should,
            accepts: "heartbeat 1 negotiated, then nothing from the broker after channel.open-ok: the client closes the connection within 4.5 s of the broker's last octets (two intervals, and slack for a check once per interval), and does not carry on until its work is done; heartbeat 0 in tune-ok is informational",
            run: |t, tr| {
                let mut script = Script::new(Hook::None);
                script.tune = ConnectionTune { channel_max: 2047, frame_max: 131072, heartbeat: 1 };
                case(t, tr, "amqp-client/heartbeat/silent-broker-dropped", wait(6.0), script, &|p| judge_dropped(p, false))
            },
        },
        Case {
            id: "amqp-client/heartbeat/broker-stops-dropped",
            section: S_HEARTBEAT,
            requirement: "§4.2.7: \"If a peer detects no incoming traffic (i.e. received octets) for two heartbeat intervals or longer, it should close the connection without following the Connection.Close/Close-Ok handshaking, and log an error.\"",
            level: Level::Should,
            accepts: "heartbeat 1 negotiated; after channel.open-ok the broker sends a heartbeat every 500 ms for 2 s, then stops: the client keeps the connection while they come, and closes it within 4.5 s of the last one (two intervals, and slack for a check once per interval); heartbeat 0 in tune-ok is informational",
            run: |t, tr| {
                let mut script = Script::new(Hook::None);
                script.tune = ConnectionTune { channel_max: 2047, frame_max: 131072, heartbeat: 1 };
                script.broker_heartbeats = Some(Duration::from_secs(2));
                case(t, tr, "amqp-client/heartbeat/broker-stops-dropped", wait(8.0), script, &|p| judge_dropped(p, true))
            },
        },
        Case {
            id: "amqp-client/connection/blocked-unblocked",
            section: S_EXTENSIONS,
            requirement: "RabbitMQ's extended 0-9-1 spec (amqp0-9-1.extended.xml), connection.blocked: \"This method indicates that a connection has been blocked and does not accept new publishes.\" connection.unblocked: \"This method indicates that a connection has been unblocked and now accepts publishes.\" (derived: a client that announces the connection.blocked capability takes both methods, tells the application, and keeps the connection)",
            level: Level::Should,
            accepts: "to a client that announced connection.blocked: connection.blocked (reason \"msgwire: low on memory\") then connection.unblocked after channel.open-ok; the driver reports blocked (with that reason, if it reports one) then unblocked, and the connection carries on to a normal close; a client that did not announce the capability gets neither (informational)",
            run: |t, tr| {
                let script = Script::new(Hook::AfterChannelOpen(blocked_unblocked())).needing("connection.blocked");
                case(t, tr, "amqp-client/connection/blocked-unblocked", wait(1.5), script, &|p| {
                    if let Some(o) = unannounced(p, "connection.blocked") {
                        return o;
                    }
                    if p.seen.hooked_at.is_none() {
                        return Outcome::Fail(format!("the case never reached its moment (no channel opened): {}; {}", p.seen.describe(), p.run.summary()));
                    }
                    if let Some(o) = closed_for_it(p) {
                        return o;
                    }
                    let order: Vec<&Value> = p.run.events.iter().filter(|e| matches!(e["event"].as_str(), Some("blocked" | "unblocked"))).collect();
                    let names: Vec<&str> = order.iter().filter_map(|e| e["event"].as_str()).collect();
                    if names != ["blocked", "unblocked"] {
                        return Outcome::Fail(format!("the application learnt {names:?} of the broker's connection.blocked and connection.unblocked: {}", p.run.summary()));
                    }
                    match order[0]["reason"].as_str() {
                        Some(r) if r != BLOCKED_REASON => Outcome::Fail(format!("blocked surfaced with the reason {r:?}, not {BLOCKED_REASON:?}")),
                        _ if p.run.first("done").is_none() => Outcome::Fail(format!("blocked and unblocked surfaced, but the connection did not carry on to a normal close: {}", p.run.summary())),
                        _ => Outcome::Pass(format!("blocked then unblocked surfaced, the connection carried on: {}", p.run.summary())),
                    }
                })
            },
        },
        Case {
            id: "amqp-client/consumer/server-cancel",
            section: S_EXTENSIONS,
            requirement: "RabbitMQ's extended 0-9-1 spec, basic.cancel: \"It may also be sent from the server to the client in the event of the consumer being unexpectedly cancelled (i.e. cancelled for any reason other than the server receiving the corresponding basic.cancel from the client). This allows clients to be notified of the loss of consumers due to events such as queue deletion. Note that as it is not a MUST for clients to accept this method from the server, it is advisable for the broker to be able to identify those clients that are capable of accepting the method, through some means of capability negotiation.\" (the capability is consumer_cancel_notify)",
            level: Level::Should,
            accepts: "to a client that announced consumer_cancel_notify: basic.cancel (no-wait) for its consumer right after basic.consume-ok; the driver reports the consumer cancelled, the client does not close the connection or the channel for it, and closes normally when its work is done; a client that did not announce the capability gets none (informational)",
            run: |t, tr| {
                let script = Script::new(Hook::OnConsume(server_cancel)).needing("consumer_cancel_notify");
                case(t, tr, "amqp-client/consumer/server-cancel", json!({"op": "consume", "queue": "msgwire.q", "count": 1, "seconds": 1.5}), script, &|p| {
                    if let Some(o) = unannounced(p, "consumer_cancel_notify") {
                        return o;
                    }
                    if p.seen.hooked_at.is_none() {
                        return Outcome::Fail(format!("no basic.consume came: {}; {}", p.seen.describe(), p.run.summary()));
                    }
                    if let Some(o) = closed_for_it(p) {
                        return o;
                    }
                    let cancelled = p.run.named("cancelled");
                    let tags: Vec<&str> = p.seen.consumers.iter().map(|c| c.tag.as_str()).collect();
                    match cancelled.as_slice() {
                        [] => Outcome::Fail(format!("the consumer's cancellation was not surfaced to the application: {}", p.run.summary())),
                        [e] if e["consumer_tag"].as_str().is_some_and(|t| !tags.contains(&t)) => Outcome::Fail(format!("a cancellation surfaced for consumer {}, not {tags:?}", e["consumer_tag"])),
                        [_] if p.run.first("done").is_none() => Outcome::Fail(format!("the cancellation surfaced, but the connection did not carry on to a normal close: {}", p.run.summary())),
                        [_] => Outcome::Pass(format!("the cancellation surfaced, the connection carried on: {}", p.run.summary())),
                        more => Outcome::Fail(format!("{} cancellations surfaced for one basic.cancel", more.len())),
                    }
                })
            },
        },
        Case {
            id: "amqp-client/publish/mandatory-return",
            section: S_BASIC,
            requirement: "basic.publish mandatory: \"This flag tells the server how to react if the message cannot be routed to a queue. If this flag is set, the server will return an unroutable message with a Return method.\" basic.return: \"This method returns an undeliverable message that was published with the \\\"immediate\\\" flag set, or an unroutable message published with the \\\"mandatory\\\" flag set. The reply code and text provide information about the reason that the message was undeliverable.\" (derived: the client sends the flag it was asked to, reads the returned content, and hands it to the application with its reply code)",
            level: Level::Must,
            accepts: "a 300-octet mandatory publish to the default exchange with routing key msgwire.nowhere, answered with basic.return 312 NO_ROUTE and the message in three body frames: the publish carried mandatory=1, and the driver reports one returned message with code 312 and the 300 octets",
            run: |t, tr| {
                let plan = json!({"op": "publish", "routing_key": "msgwire.nowhere", "body_size": 300, "mandatory": true, "seconds": 1.5});
                case(t, tr, "amqp-client/publish/mandatory-return", plan, Script::new(Hook::ReturnMandatory), &|p| {
                    let Some(msg) = p.seen.published.iter().find(|m| m.routing_key == "msgwire.nowhere") else {
                        return Outcome::Fail(format!("no complete publish to msgwire.nowhere came: {}; {}", p.seen.describe(), p.run.summary()));
                    };
                    if !msg.mandatory {
                        return Outcome::Fail("the publish went without the mandatory flag the application asked for".into());
                    }
                    let want = "x".repeat(300);
                    let returned = p.run.named("returned");
                    match returned.as_slice() {
                        [] => Outcome::Fail(format!("the basic.return was not surfaced to the application: {}; {}", p.seen.describe(), p.run.summary())),
                        [e] if e["code"].as_u64() != Some(312) => Outcome::Fail(format!("a return surfaced with code {}, not 312", e["code"])),
                        [e] if e["body"].as_str() != Some(want.as_str()) => Outcome::Fail(format!("the returned message surfaced with a body of {} octets that differs from the 300 published", e["body"].as_str().map_or(0, str::len))),
                        [_] => Outcome::Pass(format!("mandatory=1; the return surfaced with 312 and the 300 octets: {}", p.run.summary())),
                        more => Outcome::Fail(format!("{} returns surfaced for one basic.return", more.len())),
                    }
                })
            },
        },
        Case {
            id: "amqp-client/confirm/ack-nack-multiple",
            section: S_EXTENSIONS,
            requirement: "RabbitMQ's extended 0-9-1 spec, basic.ack: \"When sent by server, this method acknowledges one or more messages published with the Publish method on a channel in confirm mode.\" multiple: \"If set to 1, the delivery tag is treated as \\\"up to and including\\\", so that multiple messages can be acknowledged with a single method.\" basic.nack: \"This method is also used by the server to inform publishers on channels in confirm mode of unhandled messages.\" (derived: after confirm.select the client numbers its publishes from 1, and tells the application which were acked and which nacked)",
            level: Level::Must,
            accepts: "confirm.select, then 3 publishes; the broker acks every batch of publishes but the third with one basic.ack multiple=1 (a batch is what came before the client paused 250 ms or sent the third) and nacks the third: the driver reports 1 and 2 acked, 3 nacked, each once",
            run: |t, tr| {
                let plan = json!({"op": "confirm-publish", "routing_key": "msgwire.q", "count": 3, "seconds": 2});
                case(t, tr, "amqp-client/confirm/ack-nack-multiple", plan, Script::new(Hook::Confirm { count: 3 }), &|p| {
                    let Some((_, at)) = p.seen.confirm_select else {
                        return Outcome::Fail(format!("no confirm.select: {}; {}", p.seen.describe(), p.run.summary()));
                    };
                    let pubs = p.seen.published.iter().filter(|m| m.at > at).count();
                    if pubs != 3 {
                        return Outcome::Fail(format!("{pubs} complete publishes after confirm.select, not 3: {}; {}", p.seen.describe(), p.run.summary()));
                    }
                    // What the application learnt, tag by tag (a `multiple` report covers every
                    // tag up to it not reported yet).
                    let mut learnt: Vec<(u64, bool)> = Vec::new();
                    let mut twice = Vec::new();
                    for e in p.run.named("confirmed") {
                        let (Some(tag), Some(ack)) = (e["tag"].as_u64(), e["ack"].as_bool()) else {
                            return Outcome::Fail(format!("a confirmed event without tag and ack: {e}"));
                        };
                        let tags: Vec<u64> = if e["multiple"].as_bool() == Some(true) {
                            (1..=tag).filter(|t| !learnt.iter().any(|(l, _)| l == t)).collect()
                        } else {
                            vec![tag]
                        };
                        for t in tags {
                            if learnt.iter().any(|(l, _)| *l == t) {
                                twice.push(t);
                            }
                            learnt.push((t, ack));
                        }
                    }
                    learnt.sort();
                    let show = |l: &[(u64, bool)]| l.iter().map(|(t, a)| format!("{t} {}", if *a { "acked" } else { "nacked" })).collect::<Vec<_>>().join(", ");
                    if !twice.is_empty() {
                        return Outcome::Fail(format!("messages {twice:?} confirmed more than once: [{}]; {}", show(&learnt), p.run.summary()));
                    }
                    let want = [(1, true), (2, true), (3, false)];
                    if learnt == want {
                        Outcome::Pass(format!("the application learnt [{}]: {}", show(&learnt), p.run.summary()))
                    } else {
                        Outcome::Fail(format!("the application learnt [{}], not [{}]: {}", show(&learnt), show(&want), p.run.summary()))
                    }
                })
            },
        },
        Case {
            id: "amqp-client/content/interleaved-channels",
            section: S_CONTENT,
            requirement: "§4.2.6: \"Content frames on a specific channel are strictly sequential. That is, they may be mixed with frames for other channels, but two content frames from the same channel may not be mixed or overlapped, nor may content frames for a single content be mixed with method frames on the same channel.\"",
            level: Level::Must,
            accepts: "consumers of msgwire.a and msgwire.b on two channels; two deliveries of 3000 octets whose methods, headers and 300 body frames of 10 octets each alternate between the channels: the driver reports each queue's message once, with its own body",
            run: |t, tr| {
                let plan = json!({"op": "consume-two", "queues": ["msgwire.a", "msgwire.b"], "seconds": 2});
                case(t, tr, "amqp-client/content/interleaved-channels", plan, Script::new(Hook::OnConsumes(2, interleaved)), &|p| {
                    let channels: Vec<u16> = p.seen.consumers.iter().map(|c| c.channel).collect();
                    if p.seen.hooked_at.is_none() {
                        return Outcome::Fail(format!("no two consumers came: {}; {}", p.seen.describe(), p.run.summary()));
                    }
                    if channels[0] == channels[1] {
                        return Outcome::Fail(format!("both consumers are on channel {} (the driver must use two channels)", channels[0]));
                    }
                    let got: Vec<(Option<&str>, &str)> = p.run.named("delivered").iter().map(|e| (e["queue"].as_str(), e["body"].as_str().unwrap_or(""))).collect();
                    let mut wrong = Vec::new();
                    for (queue, want) in [("msgwire.a", body_3000()), ("msgwire.b", digits_3000())] {
                        let mine: Vec<&(Option<&str>, &str)> = got.iter().filter(|(q, b)| *q == Some(queue) || (q.is_none() && *b == want)).collect();
                        match mine.as_slice() {
                            [(_, b)] if *b == want => {}
                            [(_, b)] => wrong.push(format!("{queue}'s delivery has a body of {} octets that is not the 3000 sent to it", b.len())),
                            [] => wrong.push(format!("no delivery for {queue}")),
                            more => wrong.push(format!("{} deliveries for {queue}", more.len())),
                        }
                    }
                    if got.len() > 2 {
                        wrong.push(format!("{} deliveries for two messages", got.len()));
                    }
                    if wrong.is_empty() {
                        Outcome::Pass(format!("each queue's message once, whole, on channels {channels:?}"))
                    } else {
                        Outcome::Fail(format!("{}: {}; {}", wrong.join("; "), p.seen.describe(), p.run.summary()))
                    }
                })
            },
        },
        Case {
            id: "amqp-client/misbehaving/bad-frame-end",
            section: S_FRAMES,
            requirement: "\"When a peer reads a frame it MUST check that the frame-end is valid before attempting to decode the frame. If the frame-end is not valid it MUST treat this as a fatal protocol error and close the connection without sending any further data on it.\"",
            level: Level::Must,
            accepts: "the client closes the connection (the socket, or a connection.close, 501 being the frame-error code) and does not carry on; no hang, no crash",
            run: |t, tr| {
                let qos_ok = raw_frame(1, 1, &[0, 60, 0, 11], 0x00);
                case(t, tr, "amqp-client/misbehaving/bad-frame-end", wait(3.0), Script::new(Hook::AfterChannelOpen(qos_ok)), &|p| judge_closes(p, &[501]))
            },
        },
        Case {
            id: "amqp-client/misbehaving/unknown-frame-type",
            section: S_FRAMES,
            requirement: "§4.2.3: frame types are 1 (method), 2 (header), 3 (body), 8 (heartbeat); derived with the errata's reply code 501 frame-error: \"The sender sent a malformatted frame that the recipient could not decode. This strongly implies a programming error in the sending peer.\" (a frame of type 9)",
            level: Level::Must,
            accepts: "the client closes the connection (the socket, or a connection.close, 501 frame-error or 505 unexpected-frame) and does not carry on",
            run: |t, tr| {
                let bad = raw_frame(9, 1, b"msgwire", 0xCE);
                case(t, tr, "amqp-client/misbehaving/unknown-frame-type", wait(3.0), Script::new(Hook::AfterChannelOpen(bad)), &|p| judge_closes(p, &[501, 505]))
            },
        },
        Case {
            id: "amqp-client/misbehaving/oversized-frame",
            section: S_FRAMES,
            requirement: "\"A peer MUST NOT send frames larger than the agreed-upon size. A peer that receives an oversized frame MUST signal a connection exception with reply code 501 (frame error).\"",
            level: Level::Must,
            accepts: "on a connection tuned to frame-max 4096, a 5000-octet body frame on channel 1: the client closes the connection (501, another code, or the socket)",
            run: |t, tr| {
                let mut script = Script::new(Hook::AfterChannelOpen(raw_frame(3, 1, &vec![b'o'; 5000 - 8], 0xCE)));
                script.tune = ConnectionTune { channel_max: 2047, frame_max: 4096, heartbeat: 0 };
                case(t, tr, "amqp-client/misbehaving/oversized-frame", wait(3.0), script, &|p| judge_closes(p, &[501]))
            },
        },
        Case {
            id: "amqp-client/misbehaving/method-on-unopened-channel",
            section: S_CHANNEL,
            requirement: "§4.2.3 / reply code 504 channel-error: \"The client attempted to work with a channel that had not been correctly opened. This most likely indicates a fault in the client layer.\" (derived: a method on a channel the client never opened is a connection exception)",
            level: Level::Must,
            accepts: "a basic.deliver with content on channel 5 (never opened): the client closes the connection (504, another code, or the socket)",
            run: |t, tr| {
                let mut bytes = method(5, BasicDeliver { consumer_tag: s("ctag-nobody"), delivery_tag: 1, redelivered: false, exchange: s(""), routing_key: s("q") });
                bytes.extend(Frame::Header { channel: 5, header: ContentHeader::new(2, BasicProperties::default()) }.to_vec());
                bytes.extend(raw_frame(3, 5, b"hi", 0xCE));
                case(t, tr, "amqp-client/misbehaving/method-on-unopened-channel", wait(3.0), Script::new(Hook::AfterChannelOpen(bytes)), &|p| judge_closes(p, &[504, 503]))
            },
        },
        Case {
            id: "amqp-client/misbehaving/heartbeat-on-channel-1",
            section: S_HEARTBEAT,
            requirement: "§4.2.7: \"Heartbeat frames MUST have a channel number of zero. A peer that receives an invalid heartbeat frame MUST raise a connection exception with reply code 501 (frame error).\"",
            level: Level::Must,
            accepts: "a heartbeat frame on channel 1: the client closes the connection (501, 503, another code, or the socket)",
            run: |t, tr| {
                case(t, tr, "amqp-client/misbehaving/heartbeat-on-channel-1", wait(3.0), Script::new(Hook::AfterChannelOpen(raw_frame(8, 1, b"", 0xCE))), &|p| judge_closes(p, &[501, 503]))
            },
        },
    ]
}

fn body_3000() -> String {
    (0..3000).map(|i| (b'a' + (i % 26) as u8) as char).collect()
}

fn digits_3000() -> String {
    (0..3000).map(|i| (b'0' + (i % 10) as u8) as char).collect()
}

fn blocked_unblocked() -> Vec<u8> {
    let mut out = method(
        0,
        ConnectionBlocked {
            reason: s(BLOCKED_REASON),
        },
    );
    out.extend(method(0, ConnectionUnblocked {}));
    out
}

fn server_cancel(tag: &str) -> Vec<u8> {
    method(
        1,
        BasicCancel {
            consumer_tag: s(tag),
            no_wait: true,
        },
    )
}

/// One delivery to each of two consumers (on their channels), the frames of the two alternating:
/// deliver, deliver, header, header, then body frames of 10 octets in turn.
fn interleaved(consumers: &[Consumer]) -> Vec<u8> {
    let mut methods = Vec::new();
    let mut headers = Vec::new();
    let mut bodies: Vec<Vec<Vec<u8>>> = Vec::new();
    for (i, c) in consumers.iter().enumerate() {
        let body = if c.queue == "msgwire.b" {
            digits_3000()
        } else {
            body_3000()
        };
        methods.push(method(
            c.channel,
            BasicDeliver {
                consumer_tag: s(&c.tag),
                delivery_tag: 1 + i as u64,
                redelivered: false,
                exchange: s(""),
                routing_key: s(&c.queue),
            },
        ));
        headers.push(
            Frame::Header {
                channel: c.channel,
                header: ContentHeader::new(body.len() as u64, BasicProperties::default()),
            }
            .to_vec(),
        );
        bodies.push(
            body.as_bytes()
                .chunks(10)
                .map(|chunk| raw_frame(3, c.channel, chunk, 0xCE))
                .collect(),
        );
    }
    let mut out: Vec<u8> = methods.concat();
    out.extend(headers.concat());
    let most = bodies.iter().map(Vec::len).max().unwrap_or(0);
    for i in 0..most {
        for b in &bodies {
            if let Some(f) = b.get(i) {
                out.extend_from_slice(f);
            }
        }
    }
    out
}

/// Informational when the client did not announce `capability` (the broker sent nothing).
fn unannounced(p: &Played, capability: &str) -> Option<Outcome> {
    let started = p
        .seen
        .methods()
        .any(|(_, m)| matches!(m, Method::ConnectionStartOk(_)));
    if !started || p.seen.capabilities.iter().any(|c| c == capability) {
        return None;
    }
    Some(Outcome::Info(format!(
        "the client did not announce the {capability} capability (it announced {:?}), so the broker did not send it: {}",
        p.seen.capabilities,
        p.run.summary()
    )))
}

/// A client that closed the connection with an error code after the case's moment.
fn closed_for_it(p: &Played) -> Option<Outcome> {
    let code = p.seen.after_hook().iter().find_map(|(_, f)| {
        match f {
            Frame::Method {
                method: Method::ConnectionClose(c),
                ..
            } => Some(c.reply_code),
            Frame::Method {
                method: Method::ChannelClose(c),
                ..
            } => Some(c.reply_code),
            _ => None,
        }
        .filter(|c| !matches!(c, 0 | 200))
    });
    code.map(|c| {
        Outcome::Fail(format!(
            "the client closed with {c} for it: {}; {}",
            p.seen.describe(),
            p.run.summary()
        ))
    })
}

fn many_body_frames(tag: &str) -> Vec<u8> {
    let body = body_3000();
    let mut out = method(
        1,
        BasicDeliver {
            consumer_tag: s(tag),
            delivery_tag: 1,
            redelivered: false,
            exchange: s(""),
            routing_key: s("msgwire.q"),
        },
    );
    out.extend(
        Frame::Header {
            channel: 1,
            header: ContentHeader::new(3000, BasicProperties::default()),
        }
        .to_vec(),
    );
    for chunk in body.as_bytes().chunks(10) {
        out.extend(raw_frame(3, 1, chunk, 0xCE));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// `msgwire fuzz amqp-client`: one generated or mutated run of broker frames at a time.

/// Plays `input` (frames a broker sends) to the client right after the first channel.open-ok,
/// the driver waiting a second on the open channel (`{"op":"wait","seconds":1}`), and judges
/// the client's answer: bytes msgwire's strict decoder refuses (and its rabbitmq profile too)
/// in a whole frame are owed a connection.close with a code other than 200, or the socket
/// closed, and nothing else sent after them (`no-close`, keyed by msgwire's error kind; a close with another code
/// than msgwire's is `other-code`, keyed `ours->theirs`); an input that ends inside a frame,
/// and frames msgwire reads, are owed only that the client neither crashes nor hangs (what a
/// valid but unexpected frame is owed depends on the connection's state, which this does not
/// judge); `crash`, `hang`, `driver-contract` for the driver.
pub fn fuzz_exchange(t: &Target, input: &[u8]) -> crate::live::FuzzVerdict {
    use crate::live::FuzzVerdict;
    let mut tr = Trace::default();
    let played = match play(
        t,
        &mut tr,
        "fuzz",
        wait(1.0),
        Script::new(Hook::AfterChannelOpen(input.to_vec())),
    ) {
        Ok(p) => p,
        Err(o) => return FuzzVerdict::Broken("no-request", format!("{o:?}")),
    };
    if let Some(v) = client::fuzz_driver_verdict(&played.run) {
        return v;
    }
    if played.seen.hooked_at.is_none() {
        return FuzzVerdict::Broken(
            "no-channel",
            format!(
                "the client opened no channel: {}; {}",
                played.seen.describe(),
                played.run.summary()
            ),
        );
    }
    // The first whole frame msgwire refuses: a frame that is not all there (its header or its
    // payload cut short) may be waited for, however wrong its header already is.
    let mut refused = None;
    let mut pos = 0;
    while input.len() - pos >= 7 {
        let size = u32::from_be_bytes([
            input[pos + 3],
            input[pos + 4],
            input[pos + 5],
            input[pos + 6],
        ]) as usize;
        let Some(end) = (pos + 8).checked_add(size).filter(|&e| e <= input.len()) else {
            break;
        };
        let frame = &input[pos..end];
        if let Some(e) = crate::forms::decode("amqp", frame, "strict").and_then(|d| d.error) {
            if crate::forms::decode("amqp", frame, "rabbitmq").is_some_and(|d| d.error.is_none()) {
                return FuzzVerdict::Skipped;
            }
            refused = Some(e);
            break;
        }
        pos = end;
    }
    let Some(e) = refused else {
        return if crate::forms::decode("amqp", input, "strict").is_some_and(|d| d.error.is_none()) {
            FuzzVerdict::Ok
        } else {
            // Bytes msgwire refuses that are no whole frame: only crash and hang are judged.
            FuzzVerdict::Skipped
        };
    };
    let code = e.code.and_then(|c| u16::try_from(c).ok());
    match judge_closes(&played, code.as_slice()) {
        Outcome::Pass(d) => {
            let theirs = played.seen.after_hook().iter().find_map(|(_, f)| match f {
                Frame::Method {
                    method: Method::ConnectionClose(c),
                    ..
                } => Some(c.reply_code),
                _ => None,
            });
            match (code, theirs) {
                (Some(ours), Some(theirs)) if ours != theirs => FuzzVerdict::Keyed(
                    "other-code",
                    format!("{ours}->{theirs}"),
                    format!(
                        "msgwire refuses the frames ({e}); the client closed with {theirs}: {d}"
                    ),
                ),
                _ => FuzzVerdict::Ok,
            }
        }
        o => FuzzVerdict::Keyed(
            "no-close",
            e.kind.clone(),
            format!("msgwire refuses the frames ({e}): {o:?}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_frames_well_built() {
        let cs = cases();
        for (i, c) in cs.iter().enumerate() {
            assert!(c.id.starts_with("amqp-client/"), "{}", c.id);
            assert!(!cs[..i].iter().any(|d| d.id == c.id), "{}", c.id);
        }
        let bytes = many_body_frames("t");
        let mut n = 0;
        let mut frames = Frames::new(Decoder::new(Limits::default()), &bytes);
        for f in frames.by_ref() {
            f.unwrap();
            n += 1;
        }
        assert_eq!(n, 302);
        assert_eq!(raw_frame(8, 0, b"", 0xCE), Frame::Heartbeat.to_vec());
    }
}
