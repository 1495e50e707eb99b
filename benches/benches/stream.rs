//! `msgwire decode` throughput per protocol: a 4 MiB stream of realistic messages through the
//! CLI's chunked decode loop (each message split, decoded, written as a canonical JSON line to
//! a sink), in MiB/s of input.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use msgwire_benches::stream::{cycles, decode, repeat_to};
use std::hint::black_box;

const LEN: usize = 4 << 20;

fn stream(c: &mut Criterion) {
    for (protocol, framing, cycle) in cycles() {
        let input = repeat_to(&cycle, LEN);
        assert_eq!(decode(protocol, framing, &input), 0, "{protocol} decodes");
        let mut g = c.benchmark_group(format!("stream/decode/{protocol}"));
        g.throughput(Throughput::Bytes(input.len() as u64));
        g.sample_size(10);
        g.bench_function(BenchmarkId::new("msgwire", "4MiB"), |b| {
            b.iter(|| decode(protocol, framing, black_box(&input)))
        });
        g.finish();
    }
}

criterion_group!(benches, stream);
criterion_main!(benches);
