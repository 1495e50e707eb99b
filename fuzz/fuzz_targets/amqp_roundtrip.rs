//! Structured frames: encode → decode → equal, and the encoded length is exact.
#![no_main]
use libfuzzer_sys::fuzz_target;
use msgwire::amqp::{Decoder, Limits, Profile};
use msgwire::Decoded;
use msgwire_fuzz::amqp::ArbFrame;

fuzz_target!(|frame: ArbFrame| {
    let frame = frame.0;
    let wire = frame.to_vec();
    assert_eq!(wire.len(), frame.encoded_len());
    // RabbitMQ's profile: the generated frames include the legacy access class.
    let decoder = Decoder {
        limits: Limits {
            frame_max: 0,
            ..Limits::default()
        },
        profile: Profile::RabbitMq,
    };
    match decoder.decode(&wire) {
        Ok(Decoded::Complete { value, used }) => {
            assert_eq!(used, wire.len());
            assert_eq!(value.to_vec(), wire);
            // Floats compare by bits through the bytes above; NaN != NaN otherwise.
            if !format!("{frame:?}").contains("NaN") {
                assert_eq!(value, frame);
            }
        }
        other => panic!("encoded frame did not decode: {other:?}"),
    }
});
