//! Talks to a real RabbitMQ on loopback using only this codec over a std `TcpStream`.
//!
//! Needs a broker: `.ci/peers/rabbitmq.sh start`, then
//! `cargo test -p msgwire --test amqp_interop -- --ignored`. The address comes from
//! `MSGWIRE_AMQP_ADDR` (default 127.0.0.1:5672); guest/guest works on loopback. Every read has
//! a timeout, and every loop is bounded.
#![cfg(feature = "amqp")]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use msgwire::amqp::*;
use msgwire::Decoded;

const TIMEOUT: Duration = Duration::from_secs(10);

struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
    decoder: Decoder,
}

impl Conn {
    fn connect() -> Conn {
        let addr = std::env::var("MSGWIRE_AMQP_ADDR").unwrap_or_else(|_| "127.0.0.1:5672".into());
        let stream = TcpStream::connect(&addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
        stream.set_read_timeout(Some(TIMEOUT)).unwrap();
        stream.set_write_timeout(Some(TIMEOUT)).unwrap();
        Conn {
            stream,
            buf: Vec::new(),
            decoder: Decoder::default(),
        }
    }

    fn send(&mut self, frame: &Frame<'_>) {
        self.stream.write_all(&frame.to_vec()).unwrap();
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).unwrap();
    }

    /// The next frame other than a heartbeat, or `None` when the broker closed the socket.
    fn recv(&mut self) -> Option<Frame<'static>> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            assert!(Instant::now() < deadline, "no frame within {TIMEOUT:?}");
            match self
                .decoder
                .decode(&self.buf)
                .expect("broker sent a bad frame")
            {
                Decoded::Complete { value, used } => {
                    let frame = value.into_owned();
                    self.buf.drain(..used);
                    if frame == Frame::Heartbeat {
                        continue;
                    }
                    return Some(frame);
                }
                Decoded::NeedMore { at_least } => {
                    let mut chunk = vec![0u8; at_least.max(4096)];
                    let n = self.stream.read(&mut chunk).expect("read");
                    if n == 0 {
                        return None;
                    }
                    self.buf.extend_from_slice(&chunk[..n]);
                }
            }
        }
    }

    fn recv_method(&mut self) -> (u16, Method<'static>) {
        match self.recv() {
            Some(Frame::Method { channel, method }) => (channel, method),
            other => panic!("expected a method frame, got {other:?}"),
        }
    }

    /// Protocol header, start/start-ok (PLAIN guest/guest), tune/tune-ok, open/open-ok.
    fn handshake(&mut self) -> ConnectionTune {
        self.send(&Frame::ProtocolHeader(ProtocolHeader::AMQP_0_9_1));
        let (ch, start) = self.recv_method();
        assert_eq!(ch, 0);
        let Method::ConnectionStart(start) = start else {
            panic!("{start:?}")
        };
        assert_eq!((start.version_major, start.version_minor), (0, 9));
        assert!(start
            .mechanisms
            .as_str()
            .unwrap()
            .split(' ')
            .any(|m| m == "PLAIN"));
        assert_eq!(
            start.server_properties.get("product"),
            Some(FieldValue::LongStr(LongStr::try_from("RabbitMQ").unwrap()))
        );
        let mut caps = FieldTable::builder();
        caps.insert("publisher_confirms", FieldValue::Bool(true))
            .unwrap();
        caps.insert("basic.nack", FieldValue::Bool(true)).unwrap();
        let mut props = FieldTable::builder();
        props
            .insert(
                "product",
                FieldValue::LongStr(LongStr::try_from("msgwire").unwrap()),
            )
            .unwrap();
        props
            .insert("capabilities", FieldValue::Table(caps.build()))
            .unwrap();
        self.send(&Frame::method(
            0,
            ConnectionStartOk {
                client_properties: props.build(),
                mechanism: ShortStr::try_from("PLAIN").unwrap(),
                response: LongStr::new(&b"\0guest\0guest"[..]).unwrap(),
                locale: ShortStr::try_from("en_US").unwrap(),
            },
        ));
        let (_, tune) = self.recv_method();
        let Method::ConnectionTune(tune) = tune else {
            panic!("{tune:?}")
        };
        assert!(tune.frame_max >= 4096);
        self.send(&Frame::method(
            0,
            ConnectionTuneOk {
                channel_max: tune.channel_max,
                frame_max: tune.frame_max,
                heartbeat: 0,
            },
        ));
        self.decoder.limits.frame_max = tune.frame_max;
        self.send(&Frame::method(
            0,
            ConnectionOpen {
                virtual_host: ShortStr::try_from("/").unwrap(),
                ..Default::default()
            },
        ));
        let (_, ok) = self.recv_method();
        assert!(matches!(ok, Method::ConnectionOpenOk(_)), "{ok:?}");
        tune
    }

    fn open_channel(&mut self, channel: u16) {
        self.send(&Frame::method(channel, ChannelOpen::default()));
        let (ch, ok) = self.recv_method();
        assert_eq!(ch, channel);
        assert!(matches!(ok, Method::ChannelOpenOk(_)), "{ok:?}");
    }

    fn close(&mut self) {
        self.send(&Frame::method(
            0,
            ConnectionClose {
                reply_code: 200,
                reply_text: ShortStr::try_from("bye").unwrap(),
                ..Default::default()
            },
        ));
        let (_, ok) = self.recv_method();
        assert!(matches!(ok, Method::ConnectionCloseOk(_)), "{ok:?}");
    }
}

fn every_type_table() -> FieldTable<'static> {
    let mut nested = FieldTable::builder();
    nested.insert("deep", FieldValue::I32(-7)).unwrap();
    let mut t = FieldTable::builder();
    let entries = [
        ("t", FieldValue::Bool(true)),
        ("b", FieldValue::I8(-8)),
        ("B", FieldValue::U8(200)),
        ("s", FieldValue::I16(-1600)),
        ("u", FieldValue::U16(60000)),
        ("I", FieldValue::I32(-70000)),
        ("i", FieldValue::U32(4_000_000_000)),
        ("l", FieldValue::I64(-5_000_000_000)),
        ("f", FieldValue::F32(1.5)),
        ("d", FieldValue::F64(-2.75)),
        (
            "D",
            FieldValue::Decimal(Decimal {
                scale: 3,
                value: (-12345i32) as u32,
            }),
        ),
        (
            "S",
            FieldValue::LongStr(LongStr::try_from("ünïcödé").unwrap()),
        ),
        (
            "A",
            FieldValue::Array(FieldArray::from_values([
                FieldValue::I32(1),
                FieldValue::LongStr(LongStr::try_from("two").unwrap()),
            ])),
        ),
        ("T", FieldValue::Timestamp(1_700_000_000)),
        ("F", FieldValue::Table(nested.build())),
        ("V", FieldValue::Void),
        (
            "x",
            FieldValue::Bytes(LongStr::new(&[0u8, 1, 0xfe, 0xff][..]).unwrap()),
        ),
    ];
    for (k, v) in entries {
        t.insert(k, v).unwrap();
    }
    t.build()
}

#[test]
#[ignore = "needs RabbitMQ: run by .ci/peers/rabbitmq.sh test"]
fn publish_and_get_every_property_and_field_type() {
    let mut c = Conn::connect();
    let tune = c.handshake();
    c.open_channel(1);

    c.send(&Frame::method(
        1,
        QueueDeclare {
            exclusive: true,
            auto_delete: true,
            ..Default::default()
        },
    ));
    let (_, ok) = c.recv_method();
    let Method::QueueDeclareOk(declared) = ok else {
        panic!("{ok:?}")
    };
    assert!(declared.queue.as_str().unwrap().starts_with("amq.gen-"));
    assert_eq!(declared.message_count, 0);
    let queue = declared.queue.clone();

    let properties = BasicProperties {
        content_type: Some(ShortStr::try_from("application/octet-stream").unwrap()),
        content_encoding: Some(ShortStr::try_from("identity").unwrap()),
        headers: Some(every_type_table()),
        delivery_mode: Some(2),
        priority: Some(7),
        correlation_id: Some(ShortStr::try_from("corr-1").unwrap()),
        reply_to: Some(ShortStr::try_from("replies").unwrap()),
        expiration: Some(ShortStr::try_from("60000").unwrap()),
        message_id: Some(ShortStr::try_from("msg-1").unwrap()),
        timestamp: Some(1_700_000_000),
        kind: Some(ShortStr::try_from("test.kind").unwrap()),
        user_id: Some(ShortStr::try_from("guest").unwrap()),
        app_id: Some(ShortStr::try_from("msgwire").unwrap()),
        cluster_id: Some(ShortStr::try_from("cluster").unwrap()),
    };
    // A body bigger than a frame: split at frame-max.
    let body: Vec<u8> = (0..(tune.frame_max as usize * 2 + 1000))
        .map(|i| (i % 251) as u8)
        .collect();
    c.send(&Frame::method(
        1,
        BasicPublish {
            routing_key: queue.clone(),
            mandatory: true,
            ..Default::default()
        },
    ));
    c.send(&Frame::Header {
        channel: 1,
        header: ContentHeader::new(body.len() as u64, properties.clone()),
    });
    let max_payload = tune.frame_max as usize - FRAME_OVERHEAD;
    for part in body.chunks(max_payload) {
        c.send(&Frame::Body {
            channel: 1,
            payload: Payload::Borrowed(part),
        });
    }

    c.send(&Frame::method(
        1,
        BasicGet {
            queue: queue.clone(),
            ..Default::default()
        },
    ));
    let mut assembler = Assembler::default();
    let mut frames = 0;
    let message = loop {
        frames += 1;
        assert!(frames < 100, "no message after 100 frames");
        let frame = c.recv().expect("broker closed the connection");
        if let Some(Assembled::Message(m)) = assembler.push(frame).unwrap() {
            break m;
        }
    };
    let Method::BasicGetOk(get_ok) = &message.method else {
        panic!("{:?}", message.method)
    };
    assert_eq!(get_ok.routing_key, queue);
    assert!(!get_ok.redelivered);
    assert_eq!(message.body, body);
    assert_eq!(message.header.body_size, body.len() as u64);
    // Everything RabbitMQ hands back is what we sent, field for field, tag for tag.
    let got = &message.header.properties;
    assert_eq!(
        got.headers().map(|t| t
            .iter()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect::<Vec<_>>()),
        properties.headers.as_ref().map(|t| t
            .iter()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect::<Vec<_>>())
    );
    assert_eq!(got, &Properties::from(&properties));

    c.send(&Frame::method(
        1,
        BasicAck {
            delivery_tag: get_ok.delivery_tag,
            multiple: false,
        },
    ));
    c.send(&Frame::method(
        1,
        BasicGet {
            queue: queue.clone(),
            ..Default::default()
        },
    ));
    let (_, empty) = c.recv_method();
    assert!(matches!(empty, Method::BasicGetEmpty(_)), "{empty:?}");

    c.send(&Frame::method(
        1,
        ChannelClose {
            reply_code: 200,
            ..Default::default()
        },
    ));
    let (_, ok) = c.recv_method();
    assert!(matches!(ok, Method::ChannelCloseOk(_)), "{ok:?}");
    c.close();
}

#[test]
#[ignore = "needs RabbitMQ: run by .ci/peers/rabbitmq.sh test"]
fn a_frame_over_frame_max_gets_connection_close_501() {
    let mut c = Conn::connect();
    let tune = c.handshake();
    c.open_channel(1);
    // The head of a method frame whose payload alone is over the negotiated frame-max (RabbitMQ
    // tolerates up to 8 octets over, for clients that forget the framing), sent on purpose.
    // Both the broker and the codec reject it from the 7-byte head alone (sending the payload
    // too would make the broker reset the socket with unread data, losing its close).
    let mut frame = vec![1, 0, 1];
    frame.extend_from_slice(&(tune.frame_max + 1).to_be_bytes());
    c.send_raw(&frame);
    let (ch, close) = c.recv_method();
    assert_eq!(ch, 0);
    let Method::ConnectionClose(close) = close else {
        panic!("{close:?}")
    };
    assert_eq!(ReplyCode(close.reply_code), ReplyCode::FRAME_ERROR);
    assert!(
        close
            .reply_text
            .as_str()
            .unwrap()
            .starts_with("FRAME_ERROR"),
        "{:?}",
        close.reply_text
    );
    // The codec agrees in both profiles: the same head is rejected with the same code.
    for profile in [Profile::Strict, Profile::RabbitMq] {
        let decoder = Decoder {
            limits: Limits {
                frame_max: tune.frame_max,
                ..Limits::default()
            },
            profile,
        };
        let e = decoder.decode(&frame).unwrap_err();
        assert_eq!(e.code(), ReplyCode::FRAME_ERROR);
    }
    c.send(&Frame::method(0, ConnectionCloseOk::default()));
}

#[test]
#[ignore = "needs RabbitMQ: run by .ci/peers/rabbitmq.sh test"]
fn heartbeat_on_channel_1_gets_505_like_the_codec_says() {
    let mut c = Conn::connect();
    c.handshake();
    let mut hb = vec![8, 0, 1, 0, 0, 0, 0, FRAME_END];
    let codec_says = decode(&hb).unwrap_err().code();
    c.send_raw(&hb);
    let (_, close) = c.recv_method();
    let Method::ConnectionClose(close) = close else {
        panic!("{close:?}")
    };
    assert_eq!(ReplyCode(close.reply_code), codec_says);
    hb.clear();
    c.send(&Frame::method(0, ConnectionCloseOk::default()));
}
