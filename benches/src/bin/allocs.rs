//! Allocation counts per operation (blocks and bytes), for each implementation on the fixed
//! inputs; one JSON object per line on stdout, merged into RESULTS.md by `benches/run.sh`.

use msgwire::amqp::{Frame, FrameDecoder, Frames};
use msgwire_benches::amqp::*;

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

fn count<T>(f: impl FnOnce() -> T) -> (u64, u64) {
    let before = dhat::HeapStats::get();
    let out = f();
    let after = dhat::HeapStats::get();
    drop(out);
    (
        after.total_blocks - before.total_blocks,
        after.total_bytes - before.total_bytes,
    )
}

fn report(group: &str, implementation: &str, (blocks, bytes): (u64, u64)) {
    println!(
        "{}",
        serde_json::json!({"group": group, "implementation": implementation, "allocations": blocks, "bytes": bytes})
    );
}

fn main() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let decoder = FrameDecoder::default();
    for (name, wire) in [("triple", triple()), ("stream-1000", stream_1000()), ("body-128k", body_128k())] {
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
