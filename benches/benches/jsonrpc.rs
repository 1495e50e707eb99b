//! JSON-RPC: msgwire beside jsonrpsee-types, jsonrpc-core and serde_json::Value on the same
//! bytes, with serde_json `IgnoredAny` (validate only) and memcpy as floors.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use msgwire::jsonrpc;
use msgwire_benches::jsonrpc::*;
use std::hint::black_box;

fn decode(c: &mut Criterion) {
    for (name, kind, wire) in inputs() {
        let mut g = c.benchmark_group(format!("jsonrpc/decode/{name}"));
        g.throughput(Throughput::Bytes(wire.len() as u64));
        g.bench_function(BenchmarkId::new("msgwire", name), |b| {
            b.iter(|| msgwire_decode(black_box(&wire)))
        });
        g.bench_function(BenchmarkId::new("jsonrpsee-types", name), |b| {
            b.iter(|| jsonrpsee_decode(kind, black_box(&wire)))
        });
        g.bench_function(BenchmarkId::new("jsonrpc-core", name), |b| {
            b.iter(|| jsonrpc_core_decode(kind, black_box(&wire)))
        });
        g.bench_function(BenchmarkId::new("serde_json::Value", name), |b| {
            b.iter(|| value_parse(black_box(&wire)))
        });
        g.bench_function(BenchmarkId::new("serde_json IgnoredAny", name), |b| {
            b.iter(|| ignored_any(black_box(&wire)))
        });
        g.bench_function(BenchmarkId::new("memcpy", name), |b| {
            b.iter(|| black_box(&wire).to_vec())
        });
        g.finish();
    }
}

fn encode(c: &mut Criterion) {
    for (name, kind, wire) in inputs() {
        let payload = jsonrpc::decode(&wire).expect("msgwire decodes the input");
        let ours = msgwire_messages(&payload);
        let jsonrpsee = jsonrpsee_parse(kind, &wire);
        let core = jsonrpc_core_parse(kind, &wire);
        let value = value_parse(&wire);
        let mut g = c.benchmark_group(format!("jsonrpc/encode/{name}"));
        g.throughput(Throughput::Bytes(wire.len() as u64));
        g.bench_function(BenchmarkId::new("msgwire", name), |b| {
            b.iter(|| msgwire_encode(black_box(&ours), kind))
        });
        g.bench_function(BenchmarkId::new("jsonrpsee-types", name), |b| {
            b.iter(|| jsonrpsee_encode(black_box(&jsonrpsee)))
        });
        g.bench_function(BenchmarkId::new("jsonrpc-core", name), |b| {
            b.iter(|| jsonrpc_core_encode(black_box(&core)))
        });
        g.bench_function(BenchmarkId::new("serde_json::Value", name), |b| {
            b.iter(|| value_encode(black_box(&value)))
        });
        g.bench_function(BenchmarkId::new("memcpy", name), |b| {
            b.iter(|| black_box(&wire).to_vec())
        });
        g.finish();
    }
}

/// Params straight into a caller's type, borrowing from the input: msgwire's `params_as`
/// beside jsonrpsee-types' `Params::parse`.
fn typed(c: &mut Criterion) {
    for (name, kind, wire) in typed_inputs() {
        let mut g = c.benchmark_group(format!("jsonrpc/typed/{name}"));
        g.throughput(Throughput::Bytes(wire.len() as u64));
        g.bench_function(BenchmarkId::new("msgwire", name), |b| {
            b.iter(|| msgwire_typed(black_box(&wire)))
        });
        g.bench_function(BenchmarkId::new("jsonrpsee-types", name), |b| {
            b.iter(|| jsonrpsee_typed(kind, black_box(&wire)))
        });
        g.finish();
    }
}

criterion_group!(benches, decode, encode, typed);
criterion_main!(benches);
