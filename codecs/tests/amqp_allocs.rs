//! Allocation counts on the AMQP hot paths, asserted (a counting global allocator: dhat).
//! One test per binary: dhat allows one profiler per process.
#![cfg(feature = "amqp")]

use msgwire::amqp::*;
use msgwire::Decoded;

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

fn publish_triple() -> Vec<u8> {
    let mut headers = FieldTable::builder();
    headers
        .insert("x-retries", FieldValue::I32(3))
        .unwrap()
        .insert(
            "x-origin",
            FieldValue::LongStr(LongStr::try_from("billing").unwrap()),
        )
        .unwrap()
        .insert("x-ratio", FieldValue::F64(0.25))
        .unwrap()
        .insert("x-flag", FieldValue::Bool(true))
        .unwrap()
        .insert("x-when", FieldValue::Timestamp(1_700_000_000))
        .unwrap()
        .insert(
            "x-list",
            FieldValue::Array(FieldArray::from_values([
                FieldValue::I64(1),
                FieldValue::Void,
            ])),
        )
        .unwrap();
    let body = vec![b'x'; 1024];
    let mut wire = Vec::new();
    Frame::method(
        1,
        BasicPublish {
            exchange: ShortStr::try_from("amq.direct").unwrap(),
            routing_key: ShortStr::try_from("jobs").unwrap(),
            ..Default::default()
        },
    )
    .encode(&mut wire);
    Frame::Header {
        channel: 1,
        header: ContentHeader::new(
            1024,
            BasicProperties {
                content_type: Some(ShortStr::try_from("application/json").unwrap()),
                delivery_mode: Some(2),
                headers: Some(headers.build()),
                ..Default::default()
            },
        ),
    }
    .encode(&mut wire);
    Frame::Body {
        channel: 1,
        payload: Payload::Borrowed(&body),
    }
    .encode(&mut wire);
    wire
}

#[test]
fn decoding_and_walking_a_publish_allocates_nothing_and_encoding_allocates_once() {
    let wire = publish_triple();
    let decoder = Decoder::default();
    let _profiler = dhat::Profiler::builder().testing().build();

    let before = dhat::HeapStats::get().total_blocks;
    let mut pos = 0;
    let mut frames = 0;
    let mut header_entries = 0;
    while pos < wire.len() {
        let Decoded::Complete { value, used } = decoder.decode(&wire[pos..]).unwrap() else {
            panic!("incomplete")
        };
        if let Frame::Header { header, .. } = &value {
            // Walking the validated table neither fails nor allocates.
            header_entries = header.properties.headers().unwrap().iter().count();
        }
        pos += used;
        frames += 1;
    }
    let decode_allocs = dhat::HeapStats::get().total_blocks - before;
    assert_eq!((frames, header_entries), (3, 6));
    dhat::assert_eq!(decode_allocs, 0);

    // Re-encoding the three frames into one buffer sized up front: one allocation.
    let frames: Vec<Frame<'_>> = Frames::new(decoder, &wire).map(Result::unwrap).collect();
    let before = dhat::HeapStats::get().total_blocks;
    let len: usize = frames.iter().map(Frame::encoded_len).sum();
    let mut out = Vec::with_capacity(len);
    for f in &frames {
        f.encode(&mut out);
    }
    let encode_allocs = dhat::HeapStats::get().total_blocks - before;
    dhat::assert_eq!(out, wire);
    dhat::assert_eq!(encode_allocs, 1);
}
