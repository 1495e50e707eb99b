//! Instruction counts for the Thrift benches, for callgrind (unlike wall time, they do not move
//! with the machine's other load):
//!
//! ```text
//! thrift_icount OP INPUT IMPL N
//! ```
//! runs one operation (`decode` or `encode`) of one implementation (`msgwire`, `thrift`; for
//! decode also `views`, msgwire walking its views instead of visiting) N times
//! on one of the bench inputs (`binary-call`, ...); the per-iteration count is the difference
//! between N and 0 iterations, over N.

use msgwire_benches::thrift::*;
use std::hint::black_box;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [op, input, imp, n] = &args[..] else {
        eprintln!("usage: thrift_icount decode|encode INPUT msgwire|thrift N");
        std::process::exit(2);
    };
    let n: usize = n.parse().expect("N is a count");
    let (_, protocol, wire) = inputs()
        .into_iter()
        .find(|(name, ..)| name == input)
        .expect("a bench input");
    let mut sink = 0usize;
    match (op.as_str(), imp.as_str()) {
        ("decode", "msgwire") => {
            (0..n).for_each(|_| sink += msgwire_decode(black_box(&wire), protocol))
        }
        ("decode", "views") => {
            (0..n).for_each(|_| sink += msgwire_decode_views(black_box(&wire), protocol))
        }
        ("decode", "thrift") => {
            (0..n).for_each(|_| sink += thrift_decode(black_box(&wire), protocol))
        }
        ("encode", i) => {
            // Into one buffer reused across iterations, grown before counting starts.
            let messages = msgwire_messages(&wire, protocol);
            let mut out = Vec::with_capacity(wire.len());
            (0..n).for_each(|_| {
                match i {
                    "msgwire" => msgwire_encode_into(black_box(&messages), protocol, &mut out),
                    _ => thrift_encode_into(black_box(&messages), protocol, &mut out),
                }
                sink += out.len();
            })
        }
        _ => panic!("unknown operation"),
    }
    black_box(sink);
}
