//! Instruction counts for the MessagePack-RPC benches, for callgrind (which, unlike wall time,
//! does not move with the machine's other load):
//!
//! ```text
//! benches/icount.sh            # runs this binary under valgrind and prints the table
//! msgpack_icount OP INPUT IMPL N
//! ```
//! runs one operation (`decode`, `typed` or `encode`; `amqp-decode` on `triple` or `stream-1000` with
//! `msgwire` or `amq-protocol`) of one implementation N times on one of the bench inputs; the per-iteration count is the difference between N and 0 iterations, over N.

use msgwire_benches::msgpack_rpc::*;
use std::hint::black_box;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [op, input, imp, n] = &args[..] else {
        eprintln!("usage: msgpack_icount decode|encode request|response|stream-1000 IMPL N");
        std::process::exit(2);
    };
    let n: usize = n.parse().expect("N is a count");
    if op == "amqp-decode" {
        use msgwire_benches::amqp;
        let wire = match input.as_str() {
            "triple" => amqp::triple(),
            "stream-1000" => amqp::stream_1000(),
            other => panic!("unknown input {other}"),
        };
        let decoder = msgwire::amqp::Decoder::default();
        let mut sink = 0usize;
        match imp.as_str() {
            "msgwire" => {
                (0..n).for_each(|_| sink += amqp::msgwire_decode(&decoder, black_box(&wire)))
            }
            "amq-protocol" => (0..n).for_each(|_| sink += amqp::peer_decode(black_box(&wire))),
            other => panic!("unknown implementation {other}"),
        }
        black_box(sink);
        return;
    }
    let wire = match input.as_str() {
        "request" => request(),
        "response" => response(),
        "stream-1000" => stream_1000(),
        other => panic!("unknown input {other}"),
    };
    let mut sink = 0usize;
    match (op.as_str(), imp.as_str()) {
        ("decode", "msgwire") => (0..n).for_each(|_| sink += msgwire_decode(black_box(&wire))),
        ("decode", "rmpv-ref") => (0..n).for_each(|_| sink += rmpv_ref_decode(black_box(&wire))),
        ("decode", "rmpv") => (0..n).for_each(|_| sink += rmpv_decode(black_box(&wire))),
        ("decode", "rmp-serde") => (0..n).for_each(|_| sink += rmp_serde_ignored(black_box(&wire))),
        ("decode", "floor") => (0..n).for_each(|_| sink += rmp_floor(black_box(&wire))),
        ("typed", "msgwire") => (0..n).for_each(|_| sink += msgwire_typed(black_box(&wire))),
        ("typed", "msgwire-views") => {
            (0..n).for_each(|_| sink += msgwire_typed_views(black_box(&wire)))
        }
        ("typed", "rmp-serde") => {
            let messages = request_count(&wire);
            (0..n).for_each(|_| sink += rmp_serde_typed(black_box(&wire), messages))
        }
        ("encode", "msgwire") => {
            let ours = msgwire_messages(&wire);
            (0..n).for_each(|_| sink += msgwire_encode(black_box(&ours)).len())
        }
        ("encode", "rmpv") => {
            let theirs = rmpv_values(&wire);
            (0..n).for_each(|_| sink += rmpv_encode(black_box(&theirs)).len())
        }
        other => panic!("unknown operation {other:?}"),
    }
    black_box(sink);
}
