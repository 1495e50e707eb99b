//! Structured documents: encode (compact and pretty) → decode → equal; the encoded length is
//! exact and decoding then encoding gives back the same bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use msgwire::xmlrpc::{decode_with, Layout, Limits, Profile};
use msgwire_fuzz::xmlrpc::ArbMessage;

fuzz_target!(|m: ArbMessage| {
    let m = m.0;
    for layout in [Layout::Compact, Layout::Pretty] {
        let wire = m.to_vec_layout(layout);
        assert_eq!(wire.len(), m.encoded_len_layout(layout));
        // Apache: the strict rules plus the ex: types the generator uses.
        let back = decode_with(&wire, Profile::ApacheExtensions, &Limits::default())
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&wire)));
        assert_eq!(back, m, "{layout:?}");
        assert_eq!(back.to_vec_layout(layout), wire, "{layout:?}");
    }
});
