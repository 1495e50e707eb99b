//! Structured frames: encode → decode → equal, and the encoded length is exact.
#![no_main]
use libfuzzer_sys::fuzz_target;
use msgwire::amqp::{FrameDecoder, Limits};
use msgwire::Decoded;
use msgwire_fuzz::amqp::ArbFrame;

fuzz_target!(|frame: ArbFrame| {
    let frame = frame.0;
    let wire = frame.to_vec();
    assert_eq!(wire.len(), frame.encoded_len());
    let decoder = FrameDecoder::new(Limits { frame_max: 0, ..Limits::default() });
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
