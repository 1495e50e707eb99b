//! msgwire against rmpv (an independent decoder) on the same bytes. Whatever both accept must
//! take the same number of bytes and, where every str is UTF-8, re-encode to the same
//! canonical bytes (both write the smallest form). Documented differences (fuzz/README.md):
//! rmpv has no depth or size limits, so it accepts values our limits refuse; rmpv re-encodes a
//! str holding invalid UTF-8 as bin, msgwire keeps it a str (lenient) or refuses it (strict);
//! rmpv keeps a timestamp (ext -1) as opaque ext bytes, msgwire re-encodes it in its smallest
//! form (a timestamp 64 with zero nanoseconds becomes a timestamp 32).
#![no_main]
use libfuzzer_sys::fuzz_target;
use msgwire::msgpack_rpc::{Limits, Profile, ValueRef};
use msgwire::Decoded;

fuzz_target!(|data: &[u8]| {
    let mut rd = data;
    let theirs = rmpv::decode::read_value_ref(&mut rd);
    let their_used = data.len() - rd.len();
    // Lenient accepts every well-formed value (invalid UTF-8 kept): rmpv must too.
    if let (Ok(Decoded::Complete { used, .. }), theirs) = (
        ValueRef::decode_with(data, &Limits::default(), Profile::Lenient),
        &theirs,
    ) {
        let Ok(_) = theirs else {
            panic!("rmpv rejects what msgwire accepts: {theirs:?}")
        };
        assert_eq!(used, their_used, "value length");
    }
    if let (Ok(Decoded::Complete { value, .. }), Ok(v)) = (
        ValueRef::decode_with(data, &Limits::default(), Profile::Strict),
        &theirs,
    ) {
        if format!("{value:?}").contains("Timestamp") {
            return;
        }
        let mut canon = Vec::new();
        rmpv::encode::write_value_ref(&mut canon, v).expect("rmpv re-encodes");
        assert_eq!(value.to_vec(), canon, "canonical re-encodings differ");
    }
});
