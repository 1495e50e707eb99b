//! Raw bytes into the XML-RPC stream decoder (`Decoder::decode`, documents back to back), every
//! profile: never a panic; a complete answer uses a prefix of the input that decodes whole to
//! the same message; whatever decodes whole is found complete by the stream decoder too, as
//! the same message (its end tag is found past comments, CDATA sections and PIs).
#![no_main]
use libfuzzer_sys::fuzz_target;
use msgwire::xmlrpc::{Decoder, Limits};
use msgwire::Decoded;
use msgwire_fuzz::xmlrpc::{message_has_nan, PROFILES};

fuzz_target!(|data: &[u8]| {
    for profile in PROFILES {
        let d = Decoder {
            limits: Limits::default(),
            profile,
        };
        let whole = d.decode_whole(data);
        match d.decode(data) {
            Ok(Decoded::Complete { value, used }) => {
                assert!(used <= data.len());
                let again = d
                    .decode_whole(&data[..used])
                    .expect("a complete document decodes whole");
                if !message_has_nan(&value) {
                    assert_eq!(again, value);
                }
            }
            Ok(Decoded::NeedMore { at_least }) => {
                assert!(at_least >= 1);
                assert!(
                    whole.is_err(),
                    "{profile:?}: decodes whole, stream needs more"
                );
            }
            Err(_) => {}
        }
        if let Ok(m) = whole {
            // What follows the root's end tag (white space, comments, PIs: XML's Misc) is
            // left for the next read.
            let Ok(Decoded::Complete { value, .. }) = d.decode(data) else {
                panic!("{profile:?}: decodes whole, not complete as a stream")
            };
            if !message_has_nan(&m) {
                assert_eq!(value, m);
            }
        }
    }
});
