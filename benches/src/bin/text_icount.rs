//! Instruction counts for the XML-RPC and JSON-RPC benches, for callgrind (which, unlike wall
//! time, does not move with the machine's other load):
//!
//! ```text
//! benches/icount-text.sh            # runs this binary under valgrind and prints the table
//! text_icount PROTO OP INPUT IMPL N
//! ```
//! runs one operation (`decode`, `encode`, or JSON-RPC's `typed`) of one implementation N times on one of the
//! bench inputs of `xmlrpc` or `jsonrpc`; the per-iteration count is the difference between N
//! and 0 iterations, over N.

use std::hint::black_box;

fn xmlrpc(op: &str, input: &str, imp: &str, n: usize) -> usize {
    use msgwire_benches::xmlrpc::*;
    let (_, kind, wire) = inputs()
        .into_iter()
        .find(|(name, ..)| *name == input)
        .unwrap_or_else(|| panic!("unknown input {input}"));
    let mut sink = 0usize;
    match (op, imp) {
        ("decode", "msgwire") => (0..n).for_each(|_| {
            sink += std::mem::size_of_val(&msgwire_decode(black_box(&wire)));
        }),
        ("decode", "dxr") => (0..n).for_each(|_| {
            sink += std::mem::size_of_val(&dxr_decode(kind, black_box(&wire)));
        }),
        ("decode", "serde_xmlrpc") => (0..n).for_each(|_| {
            sink += std::mem::size_of_val(&serde_xmlrpc_decode(kind, black_box(&wire)));
        }),
        ("decode", "quick-xml-scan") => {
            (0..n).for_each(|_| sink += quick_xml_scan(black_box(&wire)))
        }
        ("encode", "msgwire") => {
            let ours = msgwire_decode(&wire);
            (0..n).for_each(|_| sink += msgwire_encode(black_box(&ours)).len())
        }
        ("encode", "dxr") => {
            let theirs = dxr_decode(kind, &wire);
            (0..n).for_each(|_| sink += dxr_encode(black_box(&theirs)).len())
        }
        ("encode", "serde_xmlrpc") => {
            let theirs = serde_xmlrpc_decode(kind, &wire);
            // Its writers consume their values: one clone per iteration is counted too, so
            // the 0-iteration baseline cannot remove it (a fault has no writer: 0).
            (0..n).for_each(|_| {
                sink += serde_xmlrpc_encode(black_box(theirs.clone())).map_or(0, |s| s.len())
            })
        }
        other => panic!("unknown operation {other:?}"),
    }
    sink
}

fn jsonrpc(op: &str, input: &str, imp: &str, n: usize) -> usize {
    use msgwire_benches::jsonrpc::*;
    let (_, kind, wire) = inputs()
        .into_iter()
        .find(|(name, ..)| *name == input)
        .unwrap_or_else(|| panic!("unknown input {input}"));
    let mut sink = 0usize;
    match (op, imp) {
        ("decode", "msgwire") => (0..n).for_each(|_| sink += msgwire_decode(black_box(&wire))),
        ("decode", "jsonrpsee-types") => {
            (0..n).for_each(|_| sink += jsonrpsee_decode(kind, black_box(&wire)))
        }
        ("decode", "jsonrpc-core") => {
            (0..n).for_each(|_| sink += jsonrpc_core_decode(kind, black_box(&wire)))
        }
        ("decode", "serde_json-Value") => {
            (0..n).for_each(|_| sink += value_parse(black_box(&wire)).is_object() as usize)
        }
        ("decode", "IgnoredAny") => (0..n).for_each(|_| {
            ignored_any(black_box(&wire));
            sink += 1
        }),
        ("typed", "msgwire") => (0..n).for_each(|_| sink += msgwire_typed(black_box(&wire))),
        ("typed", "jsonrpsee-types") => {
            (0..n).for_each(|_| sink += jsonrpsee_typed(kind, black_box(&wire)))
        }
        ("encode", "msgwire") => {
            let payload = msgwire::jsonrpc::decode(&wire).expect("decodes");
            let ours = msgwire_messages(&payload);
            (0..n).for_each(|_| sink += msgwire_encode(black_box(&ours), kind).len())
        }
        ("encode", "jsonrpsee-types") => {
            let theirs = jsonrpsee_parse(kind, &wire);
            (0..n).for_each(|_| sink += jsonrpsee_encode(black_box(&theirs)).len())
        }
        ("encode", "serde_json-Value") => {
            let theirs = value_parse(&wire);
            (0..n).for_each(|_| sink += value_encode(black_box(&theirs)).len())
        }
        other => panic!("unknown operation {other:?}"),
    }
    sink
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [proto, op, input, imp, n] = &args[..] else {
        eprintln!("usage: text_icount xmlrpc|jsonrpc decode|encode|typed INPUT IMPL N");
        std::process::exit(2);
    };
    let n: usize = n.parse().expect("N is a count");
    let sink = match proto.as_str() {
        "xmlrpc" => xmlrpc(op, input, imp, n),
        "jsonrpc" => jsonrpc(op, input, imp, n),
        other => panic!("unknown protocol {other}"),
    };
    black_box(sink);
}
