//! AMQP: msgwire beside amq-protocol on the same bytes, with memcpy as the physical floor.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use msgwire::amqp::{Decoder, Frame, Frames, Limits};
use msgwire_benches::amqp::*;
use std::hint::black_box;

fn inputs() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("triple", triple()),
        ("stream-1000", stream_1000()),
        ("body-128k", body_128k()),
    ]
}

fn decode(c: &mut Criterion) {
    let decoder = Decoder::new(Limits {
        frame_max: FRAME_MAX,
        ..Limits::default()
    });
    for (name, wire) in inputs() {
        let mut g = c.benchmark_group(format!("amqp/decode/{name}"));
        g.throughput(Throughput::Bytes(wire.len() as u64));
        g.bench_function(BenchmarkId::new("msgwire", name), |b| {
            b.iter(|| msgwire_decode(&decoder, black_box(&wire)))
        });
        g.bench_function(BenchmarkId::new("amq-protocol", name), |b| {
            b.iter(|| peer_decode(black_box(&wire)))
        });
        g.bench_function(BenchmarkId::new("memcpy", name), |b| {
            b.iter(|| black_box(&wire).to_vec())
        });
        g.finish();
    }
}

fn encode(c: &mut Criterion) {
    let decoder = Decoder::default();
    for (name, wire) in inputs() {
        let ours: Vec<Frame<'_>> = Frames::new(decoder, &wire).map(Result::unwrap).collect();
        let theirs = peer_frames(&wire);
        let mut g = c.benchmark_group(format!("amqp/encode/{name}"));
        g.throughput(Throughput::Bytes(wire.len() as u64));
        g.bench_function(BenchmarkId::new("msgwire", name), |b| {
            b.iter(|| msgwire_encode(black_box(&ours)))
        });
        g.bench_function(BenchmarkId::new("amq-protocol", name), |b| {
            b.iter(|| peer_encode(black_box(&theirs)))
        });
        g.finish();
    }
}

fn body_frame_cost(c: &mut Criterion) {
    // A body frame's decode cost must not grow with its size (it is a slice, not a copy).
    let decoder = Decoder::default();
    let mut g = c.benchmark_group("amqp/body-frame");
    for size in [16usize, 1024, 131_064] {
        let payload = vec![7u8; size];
        let wire = Frame::Body {
            channel: 1,
            payload: msgwire::amqp::Payload::Borrowed(&payload),
        }
        .to_vec();
        g.bench_function(BenchmarkId::new("msgwire", size), |b| {
            b.iter(|| decoder.decode(black_box(&wire)).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, decode, encode, body_frame_cost);
criterion_main!(benches);
