//! Work against input size on adversarial and bulk inputs (issue 7's growth checks, for time).
//!
//! Each family (`msgwire_benches::growth`) is measured at three sizes, eight times apart.
//! Linear work shows as the same nanoseconds per byte at every size; `benches/report.py` prints
//! that ratio (largest size over smallest) in RESULTS.md beside the same ratio in instructions
//! (`benches/growth-icount.sh`), on which the verdict is taken: time per byte also grows when a
//! 1 MiB input no longer fits the caches or its buffers take fresh pages, which instructions do
//! not count. Memory for the same kinds of inputs is counted by dhat in `codecs/tests/growth.rs`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use msgwire_benches::growth::{cases, SIZES};
use std::hint::black_box;

fn growth(c: &mut Criterion) {
    for (family, make, run) in cases() {
        let mut g = c.benchmark_group(format!("growth/{family}"));
        for size in SIZES {
            let wire = make(size);
            g.throughput(Throughput::Bytes(wire.len() as u64));
            g.bench_function(BenchmarkId::new("msgwire", size), |b| {
                b.iter(|| run(black_box(&wire)))
            });
        }
        g.finish();
    }
}

criterion_group!(benches, growth);
criterion_main!(benches);
