//! Raw bytes into the frame decoder, both profiles: never a panic; a strict decode re-encodes
//! to exactly the bytes it used.
#![no_main]
use libfuzzer_sys::fuzz_target;
use msgwire::amqp::{Decoder, Limits, Profile};
use msgwire::Decoded;

fuzz_target!(|data: &[u8]| {
    for profile in [Profile::Strict, Profile::RabbitMq] {
        let decoder = Decoder {
            limits: Limits {
                frame_max: 0,
                ..Limits::default()
            },
            profile,
        };
        match decoder.decode(data) {
            Ok(Decoded::Complete { value, used }) => {
                assert!(used <= data.len());
                if profile == Profile::Strict {
                    assert_eq!(
                        value.to_vec(),
                        &data[..used],
                        "strict decode must re-encode exactly"
                    );
                }
            }
            Ok(Decoded::NeedMore { at_least }) => assert!(at_least >= 1),
            Err(e) => assert!(e.offset() <= data.len()),
        }
    }
});
