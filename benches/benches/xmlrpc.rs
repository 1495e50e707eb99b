//! XML-RPC: msgwire beside dxr and serde_xmlrpc on the same bytes, with a raw quick-xml event
//! scan (decode) and memcpy as floors.

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use msgwire_benches::xmlrpc::*;
use std::hint::black_box;

fn decode(c: &mut Criterion) {
    for (name, kind, wire) in inputs() {
        let mut g = c.benchmark_group(format!("xmlrpc/decode/{name}"));
        g.throughput(Throughput::Bytes(wire.len() as u64));
        g.bench_function(BenchmarkId::new("msgwire", name), |b| {
            b.iter(|| msgwire_decode(black_box(&wire)))
        });
        g.bench_function(BenchmarkId::new("dxr", name), |b| {
            b.iter(|| dxr_decode(kind, black_box(&wire)))
        });
        g.bench_function(BenchmarkId::new("serde_xmlrpc", name), |b| {
            b.iter(|| serde_xmlrpc_decode(kind, black_box(&wire)))
        });
        g.bench_function(BenchmarkId::new("quick-xml scan", name), |b| {
            b.iter(|| quick_xml_scan(black_box(&wire)))
        });
        g.bench_function(BenchmarkId::new("memcpy", name), |b| {
            b.iter(|| black_box(&wire).to_vec())
        });
        g.finish();
    }
}

fn encode(c: &mut Criterion) {
    for (name, kind, wire) in inputs() {
        let ours = msgwire_decode(&wire);
        let compact = msgwire_encode(&ours);
        let dxr = dxr_decode(kind, &wire);
        let serde = serde_xmlrpc_decode(kind, &wire);
        let mut g = c.benchmark_group(format!("xmlrpc/encode/{name}"));
        // Every encoder writes compact XML: msgwire's compact length is the reference.
        g.throughput(Throughput::Bytes(compact.len() as u64));
        g.bench_function(BenchmarkId::new("msgwire", name), |b| {
            b.iter(|| msgwire_encode(black_box(&ours)))
        });
        g.bench_function(BenchmarkId::new("dxr", name), |b| {
            b.iter(|| dxr_encode(black_box(&dxr)))
        });
        if kind != Kind::Fault {
            // serde_xmlrpc's writers consume their values: the clone is made outside the timing.
            g.bench_function(BenchmarkId::new("serde_xmlrpc", name), |b| {
                b.iter_batched(|| serde.clone(), serde_xmlrpc_encode, BatchSize::SmallInput)
            });
        }
        g.bench_function(BenchmarkId::new("memcpy", name), |b| {
            b.iter(|| black_box(&compact).to_vec())
        });
        g.finish();
    }
}

criterion_group!(benches, decode, encode);
criterion_main!(benches);
