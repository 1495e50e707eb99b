//! Structured messages and batches: encode → decode → equal; the encoded length is exact and
//! decoding then encoding gives back the same bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use msgwire::jsonrpc::{Decoder, Payload, Profile};
use msgwire_fuzz::jsonrpc::ArbPayload;

fuzz_target!(|input: ArbPayload| {
    let payload = input.payload();
    let wire = payload.to_vec();
    assert_eq!(wire.len(), payload.encoded_len());
    let lenient = match &input {
        ArbPayload::Single(_, l) => *l,
        // Items are decoded lazily, each under the batch's profile.
        ArbPayload::Batch(items) => items.iter().any(|(_, l)| *l),
    };
    let profile = if lenient {
        Profile::Lenient
    } else {
        Profile::Strict
    };
    let decoded = Decoder::new(profile)
        .decode_whole(&wire)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&wire)));
    assert_eq!(decoded.to_vec(), wire);
    match (&input, &decoded) {
        (ArbPayload::Single(m, _), Payload::Single(d)) => assert_eq!(d, m),
        (ArbPayload::Batch(items), Payload::Batch(b)) => {
            assert_eq!(b.len(), items.len());
            for ((m, _), d) in items.iter().zip(b.iter()) {
                assert_eq!(&d.expect("batch item decodes"), m);
            }
        }
        (a, b) => panic!("payload kind changed: {a:?} vs {b:?}"),
    }
});
