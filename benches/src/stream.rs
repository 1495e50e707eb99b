//! Streams for `msgwire decode`'s throughput: a few MiB of realistic messages per protocol,
//! the messages the other benches use, back to back in the framing the CLI reads them in.
//! `benches/stream.rs` decodes them through the CLI's own chunked loop
//! ([`msgwire_conformance::cli::decode_reader`]) into a sink; `src/bin/stream_input.rs` writes
//! them to a file for `/usr/bin/time -v msgwire decode` (peak memory, time to the first line).

/// Every stream protocol: (protocol as the CLI names it, framing, one cycle of messages).
pub fn cycles() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    // JSON-RPC: a request and a response with a nested result, one per line.
    let mut jsonrpc = crate::jsonrpc::request();
    jsonrpc.push(b'\n');
    jsonrpc.extend(crate::jsonrpc::response());
    jsonrpc.push(b'\n');
    // XML-RPC: a call, a response and a fault (pretty, as Python writes them), back to back.
    let xmlrpc = crate::xmlrpc::inputs()
        .into_iter()
        .flat_map(|(_, _, wire)| wire)
        .collect();
    // MessagePack-RPC: a request and a response.
    let mut msgpack = crate::msgpack_rpc::request();
    msgpack.extend(crate::msgpack_rpc::response());
    // Thrift: a call and a reply in the binary protocol, unframed.
    let thrift = crate::thrift::inputs()
        .into_iter()
        .filter(|(name, _, _)| *name == "binary-call" || *name == "binary-reply")
        .flat_map(|(_, _, wire)| wire)
        .collect();
    vec![
        // AMQP: basic.publish, content header, a 1 KiB body.
        ("amqp", "stream", crate::amqp::triple()),
        ("jsonrpc", "ndjson", jsonrpc),
        ("xmlrpc", "concat", xmlrpc),
        ("msgpack-rpc", "stream", msgpack),
        ("thrift", "unframed", thrift),
    ]
}

/// `cycle` repeated to at least `len` bytes.
pub fn repeat_to(cycle: &[u8], len: usize) -> Vec<u8> {
    cycle.repeat(len.div_ceil(cycle.len()).max(1))
}

/// Decodes `input` as `msgwire decode <protocol> --framing <framing>` does, documents written
/// to a sink; the exit status (0: every message decoded).
pub fn decode(protocol: &str, framing: &str, input: &[u8]) -> i32 {
    msgwire_conformance::cli::decode_reader(
        protocol,
        &mut &input[..],
        "stream",
        false,
        None,
        Some(framing),
        None,
        &mut std::io::sink(),
        &mut std::io::sink(),
    )
}
