//! Frame-level tests of the AMQP codec: every method, every error a broker reports, need-more,
//! chunking, protocol headers.
#![cfg(feature = "amqp")]

use bytes::Bytes;
use msgwire::amqp::*;
use msgwire::Decoded;

/// A value for every field of `info`, different per field, exercising each domain.
fn sample_method(info: &MethodInfo, seed: u64) -> Method<'static> {
    let mut i = seed;
    Method::from_fields(info.id, &mut |name, domain| {
        i += 1;
        Ok(match domain {
            Domain::Bit => FieldVal::Bit(i % 2 == 1),
            Domain::Octet => FieldVal::Octet(i as u8),
            Domain::Short => FieldVal::Short(0xff00 | i as u16),
            Domain::Long => FieldVal::Long(0xdead_0000 | i as u32),
            Domain::LongLong | Domain::Timestamp => FieldVal::LongLong(u64::MAX - i),
            Domain::ShortStr => {
                FieldVal::ShortStr(ShortStr::new(format!("{name}-é-{i}").into_bytes()).unwrap())
            }
            Domain::LongStr => FieldVal::LongStr(LongStr::new(vec![0xff, b'x', i as u8]).unwrap()),
            Domain::Table => {
                let mut t = FieldTable::builder();
                t.insert(name, FieldValue::I64(-(i as i64))).unwrap();
                t.insert("nested", FieldValue::Table(FieldTable::default()))
                    .unwrap();
                FieldVal::Table(t.build())
            }
        })
    })
    .unwrap()
}

#[test]
fn every_method_round_trips_byte_exact() {
    // connection 14, channel 6, access 2 (legacy), exchange 8, queue 10, basic 18, confirm 2, tx 6
    assert_eq!(METHODS.len(), 66);
    for info in METHODS {
        for seed in [0, 1] {
            let method = sample_method(info, seed);
            assert_eq!(method.id(), info.id);
            assert_eq!(method.name(), info.name);
            assert_eq!(method.has_content(), info.has_content);
            let frame = Frame::method(7, method);
            let wire = frame.to_vec();
            assert_eq!(wire.len(), frame.encoded_len(), "{}", info.name);
            let decoder = Decoder {
                profile: if info.legacy {
                    Profile::RabbitMq
                } else {
                    Profile::Strict
                },
                ..Default::default()
            };
            let Decoded::Complete { value, used } = decoder.decode(&wire).unwrap() else {
                panic!("{}: incomplete", info.name)
            };
            assert_eq!(used, wire.len());
            assert_eq!(value, frame, "{}", info.name);
            assert_eq!(value.to_vec(), wire, "{}", info.name);
            // Field walk agrees with the table.
            let Frame::Method { method, .. } = &value else {
                unreachable!()
            };
            let mut names = Vec::new();
            method.visit_fields(&mut |n, _| names.push(n));
            let expected: Vec<_> = info.fields.iter().map(|(n, _)| *n).collect();
            assert_eq!(names, expected, "{}", info.name);
        }
    }
}

#[test]
fn the_table_has_rabbitmq_extensions_with_their_ids() {
    let id = |c, m| MethodId {
        class_id: c,
        method_id: m,
    };
    for (ids, name) in [
        (id(40, 51), "exchange.unbind-ok"),
        (id(40, 30), "exchange.bind"),
        (id(85, 10), "confirm.select"),
        (id(85, 11), "confirm.select-ok"),
        (id(60, 120), "basic.nack"),
        (id(10, 60), "connection.blocked"),
        (id(10, 61), "connection.unblocked"),
        (id(10, 70), "connection.update-secret"),
        (id(10, 71), "connection.update-secret-ok"),
    ] {
        assert_eq!(ids.info().map(|i| i.name), Some(name));
    }
    assert_eq!(MethodId::EXCHANGE_UNBIND_OK, id(40, 51));
    assert!(id(40, 41).info().is_none());
    let content: Vec<_> = METHODS
        .iter()
        .filter(|m| m.has_content)
        .map(|m| m.name)
        .collect();
    assert_eq!(
        content,
        [
            "basic.publish",
            "basic.return",
            "basic.deliver",
            "basic.get-ok"
        ]
    );
}

#[test]
fn bits_are_packed_per_the_spec() {
    // queue.declare: passive, durable, exclusive, auto_delete, no_wait are one octet, LSB first.
    let m = QueueDeclare {
        queue: ShortStr::try_from("q").unwrap(),
        durable: true,
        no_wait: true,
        ..Default::default()
    };
    let wire = Frame::method(1, m).to_vec();
    // head(7) class(2) method(2) reserved_1(2) queue(1+1) bits(1) arguments(4) end(1)
    assert_eq!(wire.len(), 7 + 2 + 2 + 2 + 2 + 1 + 4 + 1);
    assert_eq!(wire[7 + 8], 0b1_0010);
}

fn head(ty: u8, channel: u16, size: u32) -> Vec<u8> {
    let mut v = vec![ty];
    v.extend_from_slice(&channel.to_be_bytes());
    v.extend_from_slice(&size.to_be_bytes());
    v
}

fn err(bytes: &[u8]) -> Error {
    Decoder::default()
        .decode(bytes)
        .expect_err("must be rejected")
}

#[test]
fn frame_level_errors_carry_offset_kind_and_reply_code() {
    let e = err(&[4, 0, 0]);
    assert_eq!(
        (e.offset(), e.kind(), e.code().0),
        (0, "unknown-frame-type", 501)
    );

    let mut bad_end = Frame::Heartbeat.to_vec();
    bad_end[7] = 0xcd;
    let e = err(&bad_end);
    assert_eq!(*e.detail(), ErrorKind::FrameEnd { found: 0xcd });
    assert_eq!((e.offset(), e.code().0), (7, 501));

    // 4 GiB declared: rejected from the 7-byte head alone.
    let e = err(&head(3, 1, u32::MAX));
    assert_eq!(e.kind(), "frame-too-large");
    assert_eq!((e.offset(), e.code().0), (3, 501));

    let mut hb = head(8, 1, 0);
    hb.push(0xce);
    let e = err(&hb);
    assert_eq!(*e.detail(), ErrorKind::HeartbeatChannel(1));
    assert_eq!(e.code(), ReplyCode::UNEXPECTED_FRAME);

    let mut hb = head(8, 0, 2);
    hb.extend_from_slice(&[0, 0, 0xce]);
    let e = err(&hb);
    assert_eq!(*e.detail(), ErrorKind::HeartbeatPayload(2));
    assert_eq!(e.code().0, 501);

    // §4.2.3: the frame-end is checked before the frame is decoded, a heartbeat's channel too.
    let mut hb = head(8, 1, 0);
    hb.push(0x00);
    assert_eq!(err(&hb).kind(), "frame-end");
    assert!(matches!(
        Decoder::default().decode(&head(8, 1, 0)),
        Ok(msgwire::Decoded::NeedMore { at_least: 1 })
    ));
}

#[test]
fn payload_errors_carry_offset_kind_and_reply_code() {
    let frame = |payload: &[u8], ty: u8| {
        let mut v = head(ty, 1, payload.len() as u32);
        v.extend_from_slice(payload);
        v.push(0xce);
        v
    };
    // basic.ack cut short: delivery_tag needs 8 bytes.
    let e = err(&frame(&[0, 60, 0, 80, 0, 0, 1], 1));
    assert_eq!(
        *e.detail(),
        ErrorKind::Truncated {
            expected: "longlong"
        }
    );
    assert_eq!((e.offset(), e.code().0), (11, 501));

    // basic.qos-ok with a byte after its (empty) field list.
    let e = err(&frame(&[0, 60, 0, 11, 9], 1));
    assert_eq!(*e.detail(), ErrorKind::TrailingData(1));
    assert_eq!((e.offset(), e.code().0), (11, 501));

    let e = err(&frame(&[0, 60, 3, 231], 1));
    assert_eq!(
        *e.detail(),
        ErrorKind::UnknownMethod {
            class_id: 60,
            method_id: 999
        }
    );
    assert_eq!((e.offset(), e.code().0), (7, 540));

    // Content header with property flag bit 1 (no property uses it).
    let mut h = vec![0, 60, 0, 0];
    h.extend_from_slice(&0u64.to_be_bytes());
    h.extend_from_slice(&[0, 0b10]);
    let wire = frame(&h, 2);
    let e = err(&wire);
    assert_eq!(*e.detail(), ErrorKind::UnknownPropertyFlag(2));
    assert_eq!(e.offset(), 7 + 12);
    // RabbitMQ ignores that bit, and so does its profile.
    let rabbit = Decoder {
        profile: Profile::RabbitMq,
        ..Default::default()
    };
    assert!(matches!(rabbit.decode(&wire), Ok(Decoded::Complete { .. })));

    // A header of class 61.
    let mut h = vec![0, 61, 0, 0];
    h.extend_from_slice(&0u64.to_be_bytes());
    h.extend_from_slice(&[0, 0]);
    let e = err(&frame(&h, 2));
    assert_eq!(*e.detail(), ErrorKind::UnknownContentClass(61));
    assert_eq!(e.code(), ReplyCode::UNEXPECTED_FRAME);

    // The 0-8 access class: RabbitMQ's profile only.
    let access = frame(&[0, 30, 0, 11, 0, 1], 1);
    assert_eq!(err(&access).kind(), "unknown-method");
    let rabbit = Decoder {
        profile: Profile::RabbitMq,
        ..Default::default()
    };
    assert!(matches!(
        rabbit.decode(&access),
        Ok(Decoded::Complete {
            value: Frame::Method {
                method: Method::AccessRequestOk(AccessRequestOk { reserved_1: 1 }),
                ..
            },
            ..
        })
    ));

    // basic.ack with bit 1 set in the bit octet (only bit 0, `multiple`, is used).
    let mut ack = vec![0, 60, 0, 80];
    ack.extend_from_slice(&5u64.to_be_bytes());
    ack.push(0b11);
    let wire = frame(&ack, 1);
    let e = err(&wire);
    assert_eq!(*e.detail(), ErrorKind::ReservedBits(0b10));
    assert_eq!(e.offset(), wire.len() - 2);
    let lenient = Decoder {
        profile: Profile::RabbitMq,
        ..Default::default()
    };
    let Decoded::Complete {
        value: Frame::Method { method, .. },
        ..
    } = lenient.decode(&wire).unwrap()
    else {
        panic!()
    };
    assert_eq!(
        method,
        Method::BasicAck(BasicAck {
            delivery_tag: 5,
            multiple: true
        })
    );
}

#[test]
fn frame_max_counts_the_framing_octets() {
    let decoder = Decoder::new(Limits {
        frame_max: 4096,
        ..Limits::default()
    });
    let body = vec![0u8; 4096 - 8];
    let ok = Frame::Body {
        channel: 1,
        payload: Payload::Borrowed(&body),
    }
    .to_vec();
    assert!(matches!(decoder.decode(&ok), Ok(Decoded::Complete { .. })));
    let e = decoder.decode(&head(3, 1, 4096 - 7)).unwrap_err();
    assert_eq!(
        *e.detail(),
        ErrorKind::FrameTooLarge {
            size: 4097,
            frame_max: 4096
        }
    );
    // RabbitMQ's profile tolerates 8 octets over, as the broker does, and no more.
    let rabbit = Decoder {
        profile: Profile::RabbitMq,
        ..decoder
    };
    assert!(rabbit.decode(&head(3, 1, 4096)).unwrap().is_need_more());
    assert_eq!(
        rabbit.decode(&head(3, 1, 4097)).unwrap_err().kind(),
        "frame-too-large"
    );
}

fn sample_stream() -> Vec<u8> {
    let mut headers = FieldTable::builder();
    headers
        .insert("x-retries", FieldValue::I32(3))
        .unwrap()
        .insert(
            "x-name",
            FieldValue::LongStr(LongStr::try_from("ünïcode").unwrap()),
        )
        .unwrap();
    let frames = [
        Frame::ProtocolHeader(ProtocolHeader::AMQP_0_9_1),
        Frame::method(1, sample_method(MethodId::BASIC_PUBLISH.info().unwrap(), 3)),
        Frame::Header {
            channel: 1,
            header: ContentHeader::new(
                5,
                BasicProperties {
                    content_type: Some(ShortStr::try_from("text/plain").unwrap()),
                    headers: Some(headers.build()),
                    delivery_mode: Some(2),
                    timestamp: Some(1_700_000_000),
                    kind: Some(ShortStr::try_from("t").unwrap()),
                    cluster_id: Some(ShortStr::default()),
                    ..Default::default()
                },
            ),
        },
        Frame::Body {
            channel: 1,
            payload: Payload::Borrowed(b"hel"),
        },
        Frame::Body {
            channel: 1,
            payload: Payload::Borrowed(b"lo"),
        },
        Frame::Heartbeat,
        Frame::method(
            0,
            sample_method(MethodId::CONNECTION_CLOSE.info().unwrap(), 0),
        ),
    ];
    let mut wire = Vec::new();
    for f in &frames {
        f.encode(&mut wire);
    }
    wire
}

#[test]
fn every_prefix_needs_more_and_never_errors() {
    let wire = sample_stream();
    let frames: Vec<_> = Frames::new(Decoder::default(), &wire)
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(frames.len(), 7);
    let mut pos = 0;
    for f in &frames {
        let len = f.encoded_len();
        for cut in 0..len {
            match Decoder::default().decode(&wire[pos..pos + cut]).unwrap() {
                Decoded::NeedMore { at_least } => {
                    assert!(at_least >= 1 && at_least <= len - cut, "{cut}/{len}")
                }
                other => panic!("prefix {cut} of {len}: {other:?}"),
            }
        }
        pos += len;
    }
}

#[test]
fn any_chunking_yields_the_same_frames() {
    let wire = sample_stream();
    let whole: Vec<Frame<'static>> = Frames::new(Decoder::default(), &wire)
        .map(|f| f.unwrap().into_owned())
        .collect();
    for chunk in [1, 2, 3, 7, 8, 13, 64] {
        let mut buf: Vec<u8> = Vec::new();
        let mut got = Vec::new();
        for piece in wire.chunks(chunk) {
            buf.extend_from_slice(piece);
            while let Decoded::Complete { value, used } = Decoder::default().decode(&buf).unwrap() {
                got.push(value.into_owned());
                buf.drain(..used);
            }
        }
        assert!(buf.is_empty());
        assert_eq!(got, whole, "chunk {chunk}");
    }
}

#[test]
fn protocol_headers_are_typed_and_never_frames() {
    let v = |b: &[u8]| match Decoder::default().decode(b).unwrap() {
        Decoded::Complete {
            value: Frame::ProtocolHeader(h),
            used: 8,
        } => h.version(),
        other => panic!("{other:?}"),
    };
    assert_eq!(v(b"AMQP\x00\x00\x09\x01"), ProtocolVersion::Amqp091);
    assert_eq!(
        v(b"AMQP\x00\x01\x00\x00"),
        ProtocolVersion::Amqp100 { protocol_id: 0 }
    );
    assert_eq!(
        v(b"AMQP\x03\x01\x00\x00"),
        ProtocolVersion::Amqp100 { protocol_id: 3 }
    );
    assert_eq!(v(b"AMQP\x01\x01\x08\x00"), ProtocolVersion::Other);
    assert_eq!(
        Decoder::default().decode(b"AMQ").unwrap(),
        Decoded::NeedMore { at_least: 5 }
    );
    let e = err(b"AMQX\x00\x00\x09\x01");
    assert_eq!(
        (e.offset(), e.detail().clone()),
        (3, ErrorKind::BadProtocolHeader(b'X'))
    );
    // Found by the amqp_stream fuzz target: the error must not depend on how much of the
    // header has arrived.
    let whole = err(b"A\x00\x3c\x01");
    assert_eq!(err(b"A\x00"), whole);
    assert_eq!(
        (whole.offset(), whole.detail()),
        (1, &ErrorKind::BadProtocolHeader(0))
    );
    let e = err(b"HTTP/1.1");
    assert_eq!(*e.detail(), ErrorKind::UnknownFrameType(b'H'));
    assert_eq!(
        Frame::ProtocolHeader(ProtocolHeader::AMQP_0_9_1).to_vec(),
        b"AMQP\x00\x00\x09\x01"
    );
}

#[test]
fn decoded_frames_borrow_and_shared_bodies_outlive_the_buffer() {
    let wire = sample_stream();
    let frames: Vec<_> = Frames::new(Decoder::default(), &wire)
        .map(Result::unwrap)
        .collect();
    let range = wire.as_ptr_range();
    let Frame::Method {
        method: Method::BasicPublish(p),
        ..
    } = &frames[1]
    else {
        panic!()
    };
    assert!(range.contains(&p.routing_key.as_bytes().as_ptr()));
    let Frame::Header { header, .. } = &frames[2] else {
        panic!()
    };
    let headers = header.properties.headers().unwrap();
    assert!(range.contains(&headers.as_bytes().as_ptr()));
    assert_eq!(
        headers.get("x-name"),
        Some(FieldValue::LongStr(LongStr::try_from("ünïcode").unwrap()))
    );

    let shared = Bytes::from(
        Frame::Body {
            channel: 3,
            payload: Payload::Borrowed(b"abc"),
        }
        .to_vec(),
    );
    let Decoded::Complete {
        value: Frame::Body { payload, .. },
        ..
    } = Decoder::default().decode_shared(&shared).unwrap()
    else {
        panic!()
    };
    let owned = payload.into_owned().into_bytes();
    assert_eq!(owned.as_ptr(), shared[7..].as_ptr());
}

#[test]
fn continuation_flag_words_round_trip() {
    let mut h = ContentHeader::new(
        0,
        BasicProperties {
            priority: Some(9),
            ..Default::default()
        },
    );
    h.flag_words = 3;
    let frame = Frame::Header {
        channel: 1,
        header: h,
    };
    let wire = frame.to_vec();
    assert_eq!(&wire[7 + 12..7 + 18], &[0x08, 0x01, 0x00, 0x01, 0x00, 0x00]);
    let Decoded::Complete { value, .. } = Decoder::default().decode(&wire).unwrap() else {
        panic!()
    };
    assert_eq!(value, frame);
    // A continuation word that sets a property bit is rejected.
    let mut bad = wire.clone();
    bad[7 + 15] = 0x80;
    assert_eq!(err(&bad).kind(), "unknown-property-flag");
}
