//! Structured values: encode → decode → the same value, and the encoded length is exact.
#![no_main]
use libfuzzer_sys::fuzz_target;
use msgwire::msgpack_rpc::{Value, ValueRef};
use msgwire_fuzz::msgpack_rpc::ArbValue;

fuzz_target!(|v: ArbValue| {
    let wire = v.0.to_vec();
    assert_eq!(wire.len(), v.0.encoded_len());
    let back: Value = ValueRef::from_slice(&wire)
        .expect("our own encoding decodes")
        .into_owned();
    // Floats compare by bits through the bytes; NaN != NaN otherwise.
    assert_eq!(back.to_vec(), wire);
    if !format!("{:?}", v.0).contains("NaN") {
        assert_eq!(back, v.0);
    }
});
