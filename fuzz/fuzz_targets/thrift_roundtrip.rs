//! Structured messages (`src/thrift.rs`): every type, 8 deep; encode in both protocols, unframed
//! and framed → decode → equal; exact `encoded_len`; a view re-encodes to the same bytes, and
//! transcodes to the other protocol's bytes of the same message.
#![no_main]
use libfuzzer_sys::fuzz_target;
use msgwire::thrift::{Decoder, Framing, Protocol};

fuzz_target!(|data: &[u8]| {
    let mut u = arbitrary::Unstructured::new(data);
    let Ok(msg) = msgwire_fuzz::thrift::message(&mut u) else {
        return;
    };
    for p in [Protocol::Binary, Protocol::Compact] {
        let other = if p == Protocol::Binary {
            Protocol::Compact
        } else {
            Protocol::Binary
        };
        let wire = msg.to_vec(p);
        assert_eq!(wire.len(), msg.encoded_len(p));
        let m = Decoder::new(p, Framing::Unframed)
            .decode_whole(&wire)
            .unwrap();
        assert_eq!(m.into_owned(), msg);
        assert_eq!(m.to_vec(p), wire);
        assert_eq!(m.to_vec(other), msg.to_vec(other));
        let framed = msg.to_framed_vec(p);
        let f = Decoder::new(p, Framing::Framed)
            .decode_whole(&framed)
            .unwrap();
        assert_eq!(f, m);
    }
});
