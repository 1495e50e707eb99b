//! MessagePack-RPC: msgwire beside rmpv, rmp-serde, a hand-written rmp walk and memcpy.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use msgwire_benches::msgpack_rpc::*;
use std::hint::black_box;

fn inputs() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("request", request()),
        ("response", response()),
        ("stream-1000", stream_1000()),
    ]
}

fn decode(c: &mut Criterion) {
    for (name, wire) in inputs() {
        let mut g = c.benchmark_group(format!("msgpack-rpc/decode/{name}"));
        g.throughput(Throughput::Bytes(wire.len() as u64));
        g.bench_function(BenchmarkId::new("msgwire", name), |b| {
            b.iter(|| msgwire_decode(black_box(&wire)))
        });
        g.bench_function(BenchmarkId::new("rmpv read_value_ref", name), |b| {
            b.iter(|| rmpv_ref_decode(black_box(&wire)))
        });
        g.bench_function(BenchmarkId::new("rmpv read_value", name), |b| {
            b.iter(|| rmpv_decode(black_box(&wire)))
        });
        g.bench_function(BenchmarkId::new("rmp-serde IgnoredAny", name), |b| {
            b.iter(|| rmp_serde_ignored(black_box(&wire)))
        });
        g.bench_function(BenchmarkId::new("rmp walk (floor)", name), |b| {
            b.iter(|| rmp_floor(black_box(&wire)))
        });
        g.bench_function(BenchmarkId::new("memcpy", name), |b| {
            b.iter(|| black_box(&wire).to_vec())
        });
        g.finish();
    }
}

fn encode(c: &mut Criterion) {
    for (name, wire) in inputs() {
        let ours = msgwire_messages(&wire);
        let theirs = rmpv_values(&wire);
        let mut g = c.benchmark_group(format!("msgpack-rpc/encode/{name}"));
        g.throughput(Throughput::Bytes(wire.len() as u64));
        g.bench_function(BenchmarkId::new("msgwire", name), |b| {
            b.iter(|| msgwire_encode(black_box(&ours)))
        });
        g.bench_function(BenchmarkId::new("rmpv write_value", name), |b| {
            b.iter(|| rmpv_encode(black_box(&theirs)))
        });
        g.finish();
    }
}

/// Typed params: decode a request and deserialize its params into a caller's borrowing type
/// (`Call::decode`, one pass), beside rmp-serde deserializing the same type, and beside the
/// two-pass way through the views (`Message::decode`, then `params_as`).
fn typed(c: &mut Criterion) {
    for (name, wire) in inputs() {
        if name == "response" {
            continue;
        }
        let mut g = c.benchmark_group(format!("msgpack-rpc/typed/{name}"));
        g.throughput(Throughput::Bytes(wire.len() as u64));
        g.bench_function(BenchmarkId::new("msgwire", name), |b| {
            b.iter(|| msgwire_typed(black_box(&wire)))
        });
        g.bench_function(BenchmarkId::new("rmp-serde", name), |b| {
            let messages = request_count(&wire);
            b.iter(|| rmp_serde_typed(black_box(&wire), messages))
        });
        g.bench_function(BenchmarkId::new("msgwire params_as", name), |b| {
            b.iter(|| msgwire_typed_views(black_box(&wire)))
        });
        g.finish();
    }
}

criterion_group!(benches, decode, encode, typed);
criterion_main!(benches);
