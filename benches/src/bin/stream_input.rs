//! Writes a stream of `MIB` MiB of realistic messages of `PROTOCOL` to stdout (the streams of
//! `benches/stream.rs`), for measuring `msgwire decode` on a large input:
//!   cargo run --release -p msgwire-benches --features stream --bin stream_input -- msgpack-rpc 44 >big.bin
//!   /usr/bin/time -v msgwire decode msgpack-rpc big.bin >/dev/null
//! Prints the framing to pass to `msgwire decode --framing` on stderr.

use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [protocol, mib] = &args[..] else {
        eprintln!("usage: stream_input PROTOCOL MIB");
        std::process::exit(2);
    };
    let mib: usize = mib.parse().expect("MIB is a number");
    let Some((_, framing, cycle)) = msgwire_benches::stream::cycles()
        .into_iter()
        .find(|(p, _, _)| p == protocol)
    else {
        eprintln!("stream_input: no protocol {protocol:?}");
        std::process::exit(2);
    };
    let input = msgwire_benches::stream::repeat_to(&cycle, mib << 20);
    std::io::stdout().lock().write_all(&input).expect("stdout");
    eprintln!("{framing}");
}
