//! Bytes fed in fuzzer-chosen chunks must yield exactly the frames (and the error) that the
//! whole input yields.
#![no_main]
use libfuzzer_sys::fuzz_target;
use msgwire::amqp::{Decoder, Frames};
use msgwire::Decoded;

fuzz_target!(|input: (Vec<u8>, Vec<u8>)| {
    let (sizes, data) = input;
    let decoder = Decoder::default();
    let mut whole_frames = Vec::new();
    let mut whole_error = None;
    let mut it = Frames::new(decoder, &data);
    for f in it.by_ref() {
        match f {
            Ok(f) => whole_frames.push(f.into_owned()),
            Err(e) => whole_error = Some(e.detail().clone()),
        }
    }
    let mut buf = Vec::new();
    let mut got = Vec::new();
    let mut error = None;
    'feed: for chunk in msgwire_fuzz::chunks(&data, &sizes) {
        buf.extend_from_slice(chunk);
        loop {
            match decoder.decode(&buf) {
                Ok(Decoded::Complete { value, used }) => {
                    got.push(value.into_owned());
                    buf.drain(..used);
                }
                Ok(Decoded::NeedMore { .. }) => break,
                Err(e) => {
                    error = Some(e.detail().clone());
                    break 'feed;
                }
            }
        }
    }
    assert_eq!(got, whole_frames);
    assert_eq!(error, whole_error);
});
