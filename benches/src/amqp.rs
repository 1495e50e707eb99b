//! AMQP inputs: a basic.publish triple (method + header with a 6-entry headers table + 1 KiB
//! body), the triple ×1000 as one stream, and a 128 KiB body split at frame-max.

use amq_protocol::frame::{gen_frame, parse_frame, AMQPFrame};
use msgwire::amqp::*;
use msgwire::Decoded;

/// RabbitMQ's default frame-max.
pub const FRAME_MAX: u32 = 131_072;

fn headers() -> FieldTable<'static> {
    let mut t = FieldTable::builder();
    t.insert("x-retries", FieldValue::I32(3)).unwrap();
    t.insert(
        "x-origin",
        FieldValue::LongStr(LongStr::try_from("billing-service").unwrap()),
    )
    .unwrap();
    t.insert("x-ratio", FieldValue::F64(0.25)).unwrap();
    t.insert("x-flag", FieldValue::Bool(true)).unwrap();
    t.insert("x-when", FieldValue::Timestamp(1_700_000_000))
        .unwrap();
    t.insert(
        "x-trace",
        FieldValue::Array(FieldArray::from_values([
            FieldValue::LongStr(LongStr::try_from("svc-a").unwrap()),
            FieldValue::LongStr(LongStr::try_from("svc-b").unwrap()),
        ])),
    )
    .unwrap();
    t.build()
}

/// Method, header and body frames of one publish with a `body_len`-byte body split at
/// frame-max.
pub fn publish(body_len: usize) -> Vec<u8> {
    let body: Vec<u8> = (0..body_len).map(|i| b'a' + (i % 26) as u8).collect();
    let mut wire = Vec::new();
    Frame::method(
        1,
        BasicPublish {
            exchange: ShortStr::try_from("amq.direct").unwrap(),
            routing_key: ShortStr::try_from("jobs.billing").unwrap(),
            ..Default::default()
        },
    )
    .encode(&mut wire);
    Frame::Header {
        channel: 1,
        header: ContentHeader::new(
            body_len as u64,
            BasicProperties {
                content_type: Some(ShortStr::try_from("application/json").unwrap()),
                delivery_mode: Some(2),
                headers: Some(headers()),
                ..Default::default()
            },
        ),
    }
    .encode(&mut wire);
    for part in body.chunks(FRAME_MAX as usize - FRAME_OVERHEAD) {
        Frame::Body {
            channel: 1,
            payload: Payload::Borrowed(part),
        }
        .encode(&mut wire);
    }
    wire
}

/// The publish triple with a 1 KiB body.
pub fn triple() -> Vec<u8> {
    publish(1024)
}

/// The triple ×1000, one stream.
pub fn stream_1000() -> Vec<u8> {
    triple().repeat(1000)
}

/// One 128 KiB body, split at frame-max (two body frames).
pub fn body_128k() -> Vec<u8> {
    publish(128 * 1024)
}

/// msgwire: decodes every frame of `wire`, walking header tables; returns the frame count.
pub fn msgwire_decode(decoder: &Decoder, wire: &[u8]) -> usize {
    let mut pos = 0;
    let mut n = 0;
    while let Ok(Decoded::Complete { value, used }) = decoder.decode(&wire[pos..]) {
        if let Frame::Header { header, .. } = &value {
            n += header.properties.headers().map_or(0, |t| t.iter().count());
        }
        pos += used;
        n += 1;
    }
    n
}

/// msgwire: re-encodes `frames` into one buffer sized up front.
pub fn msgwire_encode(frames: &[Frame<'_>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(frames.iter().map(Frame::encoded_len).sum());
    for f in frames {
        f.encode(&mut out);
    }
    out
}

/// amq-protocol: parses every frame of `wire`; returns the frame count.
pub fn peer_decode(wire: &[u8]) -> usize {
    let mut rest = wire;
    let mut n = 0;
    while !rest.is_empty() {
        let (tail, frame) = parse_frame(rest).expect("amq-protocol parses the input");
        if let AMQPFrame::Header(_, h) = &frame {
            n += h
                .properties
                .headers()
                .as_ref()
                .map_or(0, |t| t.inner().len());
        }
        rest = tail;
        n += 1;
    }
    n
}

/// amq-protocol: parsed frames of `wire`.
pub fn peer_frames(wire: &[u8]) -> Vec<AMQPFrame> {
    let mut rest = wire;
    let mut out = Vec::new();
    while !rest.is_empty() {
        let (tail, frame) = parse_frame(rest).expect("amq-protocol parses the input");
        out.push(frame);
        rest = tail;
    }
    out
}

/// amq-protocol: encodes `frames` with gen_frame.
pub fn peer_encode(frames: &[AMQPFrame]) -> Vec<u8> {
    let mut out = Vec::new();
    for f in frames {
        let (buf, _) = cookie_factory::gen(gen_frame(f), out).expect("gen_frame");
        out = buf;
    }
    out
}

/// Allocation counts of every AMQP operation the benches time.
pub fn count_allocations(report: crate::Report<'_>) {
    use crate::count;
    let decoder = Decoder::default();
    for (name, wire) in [
        ("triple", triple()),
        ("stream-1000", stream_1000()),
        ("body-128k", body_128k()),
    ] {
        let group = format!("amqp/decode/{name}");
        report(&group, "msgwire", count(|| msgwire_decode(&decoder, &wire)));
        report(&group, "amq-protocol", count(|| peer_decode(&wire)));
        report(&group, "memcpy", count(|| wire.to_vec()));

        let ours: Vec<Frame<'_>> = Frames::new(decoder, &wire).map(Result::unwrap).collect();
        let theirs = peer_frames(&wire);
        let group = format!("amqp/encode/{name}");
        report(&group, "msgwire", count(|| msgwire_encode(&ours)));
        report(&group, "amq-protocol", count(|| peer_encode(&theirs)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_implementations_agree_on_the_inputs() {
        let decoder = Decoder::default();
        for wire in [triple(), body_128k()] {
            assert_eq!(msgwire_decode(&decoder, &wire), peer_decode(&wire));
            let frames: Vec<_> = Frames::new(decoder, &wire).map(Result::unwrap).collect();
            assert_eq!(msgwire_encode(&frames), wire);
            // amq-protocol keeps tables in a BTreeMap: keys come back sorted (and duplicates
            // would be lost), so its re-encoding has the same length but not the same bytes.
            assert_eq!(peer_encode(&peer_frames(&wire)).len(), wire.len());
        }
        assert_eq!(msgwire_decode(&decoder, &stream_1000()), 3000 + 6000);
        assert_eq!(peer_frames(&body_128k()).len(), 4);
    }
}
