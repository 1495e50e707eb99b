//! Thrift: msgwire beside the `thrift` crate (Apache Thrift's Rust library) and memcpy.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use msgwire_benches::thrift::*;
use std::hint::black_box;

fn decode(c: &mut Criterion) {
    for (name, protocol, wire) in inputs() {
        let mut g = c.benchmark_group(format!("thrift/decode/{name}"));
        g.throughput(Throughput::Bytes(wire.len() as u64));
        g.bench_function(BenchmarkId::new("msgwire", name), |b| {
            b.iter(|| msgwire_decode(black_box(&wire), protocol))
        });
        g.bench_function(BenchmarkId::new("thrift", name), |b| {
            b.iter(|| thrift_decode(black_box(&wire), protocol))
        });
        g.bench_function(BenchmarkId::new("memcpy", name), |b| {
            b.iter(|| black_box(&wire).to_vec())
        });
        g.finish();
    }
}

fn encode(c: &mut Criterion) {
    for (name, protocol, wire) in inputs() {
        let messages = msgwire_messages(&wire, protocol);
        let mut g = c.benchmark_group(format!("thrift/encode/{name}"));
        g.throughput(Throughput::Bytes(wire.len() as u64));
        // Both into one buffer reused across iterations (see `msgwire_encode_into`).
        let mut out = Vec::with_capacity(wire.len());
        g.bench_function(BenchmarkId::new("msgwire", name), |b| {
            b.iter(|| msgwire_encode_into(black_box(&messages), protocol, &mut out))
        });
        g.bench_function(BenchmarkId::new("thrift", name), |b| {
            b.iter(|| thrift_encode_into(black_box(&messages), protocol, &mut out))
        });
        g.finish();
    }
}

criterion_group!(benches, decode, encode);
criterion_main!(benches);
