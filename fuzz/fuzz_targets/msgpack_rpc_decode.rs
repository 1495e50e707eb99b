//! Raw bytes as a value and as a message, every profile: never a panic; a decoded value
//! re-encodes (smallest form) to bytes that decode to an equal value; the one-pass `into_owned`
//! encodes to the same bytes as the borrowed value.
#![no_main]
use libfuzzer_sys::fuzz_target;
use msgwire::msgpack_rpc::{scan, Limits, Message, Profile, ValueRef};
use msgwire::Decoded;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    for profile in [Profile::Strict, Profile::Lenient, Profile::Neovim] {
        let scanned = scan(data, &limits, profile);
        match ValueRef::decode_with(data, &limits, profile) {
            Ok(Decoded::Complete { value, used }) => {
                assert!(matches!(scanned, Ok(Decoded::Complete { used: u, .. }) if u == used));
                let again = value.to_vec();
                assert_eq!(again.len(), value.encoded_len());
                let Ok(Decoded::Complete { value: back, used }) =
                    ValueRef::decode_with(&again, &limits, profile)
                else {
                    panic!("re-encoded value does not decode")
                };
                assert_eq!(used, again.len());
                // NaN != NaN: compare re-encodings instead.
                assert_eq!(back.to_vec(), again);
                assert_eq!(value.into_owned().to_vec(), again);
            }
            Ok(Decoded::NeedMore { at_least }) => assert!(at_least >= 1),
            Err(_) => {}
        }
        if let Ok(Decoded::Complete { value, .. }) = Message::decode_with(data, &limits, profile) {
            let again = value.to_vec();
            assert_eq!(again.len(), value.encoded_len());
            assert!(Message::decode_with(&again, &limits, profile).is_ok());
        }
    }
});
