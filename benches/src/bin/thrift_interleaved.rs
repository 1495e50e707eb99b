//! The Thrift encode benches timed interleaved: per round, msgwire then the `thrift` crate on
//! the same input (20,000 iterations, the 1000-message stream 20), 30 rounds; prints each
//! side's fastest round (ns per iteration), their ratio, and the median of the per-round
//! ratios. Criterion times one side and then the other, seconds apart; on a shared machine
//! the two can see different neighbours, and this cannot.
//!
//! ```text
//! thrift_interleaved [INPUT...]     (default: every input)
//! ```
use msgwire_benches::thrift::*;
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let which: Vec<String> = std::env::args().skip(1).collect();
    for (name, protocol, wire) in inputs() {
        if !which.is_empty() && !which.iter().any(|w| w == name) {
            continue;
        }
        let messages = msgwire_messages(&wire, protocol);
        let iters = if messages.len() > 1 { 20 } else { 20_000 };
        let mut out = Vec::with_capacity(wire.len());
        let mut best = [f64::MAX; 2];
        let mut ratios = vec![];
        for _ in 0..30 {
            let mut t = [0f64; 2];
            for (i, slot) in t.iter_mut().enumerate() {
                let s = Instant::now();
                for _ in 0..iters {
                    if i == 0 {
                        msgwire_encode_into(black_box(&messages), protocol, &mut out)
                    } else {
                        thrift_encode_into(black_box(&messages), protocol, &mut out)
                    }
                    black_box(&out);
                }
                *slot = s.elapsed().as_nanos() as f64 / iters as f64;
            }
            best[0] = best[0].min(t[0]);
            best[1] = best[1].min(t[1]);
            ratios.push(t[1] / t[0]);
        }
        ratios.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!(
            "{name:20} msgwire {:10.1} thrift {:10.1} min-ratio {:.2} median-ratio {:.2}",
            best[0],
            best[1],
            best[1] / best[0],
            ratios[ratios.len() / 2]
        );
    }
}
