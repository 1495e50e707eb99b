//! Bytes fed to the splitter in fuzzer-chosen chunks yield exactly the frames (and the error)
//! that feeding them whole yields.
#![no_main]
use libfuzzer_sys::fuzz_target;
use msgwire::msgpack_rpc::{Limits, Profile, Splitter};

fn frames(pieces: &mut dyn Iterator<Item = &[u8]>) -> (Vec<Vec<u8>>, bool) {
    let mut s = Splitter::new(Limits::default(), Profile::Lenient);
    let mut out = Vec::new();
    for piece in pieces {
        s.push(piece);
        loop {
            match s.next_frame() {
                Ok(Some(f)) => out.push(f.to_vec()),
                Ok(None) => break,
                Err(_) => return (out, true),
            }
        }
    }
    (out, false)
}

fuzz_target!(|input: (Vec<u8>, Vec<u8>)| {
    let (sizes, data) = input;
    let whole = frames(&mut std::iter::once(&data[..]));
    let chunked = frames(&mut msgwire_fuzz::chunks(&data, &sizes));
    assert_eq!(chunked, whole);
});
