//! Raw bytes into the XML-RPC stream decoder (`Decoder::decode`, documents back to back), every
//! profile: never a panic; a complete answer uses a prefix of the input that decodes whole to
//! the same message; whatever decodes whole is found complete by the stream decoder too, as
//! the same message (its end tag is found past comments, CDATA sections and PIs). The resumable
//! `Splitter`, fed the same bytes in reads of 1 to 64 bytes, agrees with it: the same document
//! (bytes and message), need-more, or an error.
#![no_main]
use libfuzzer_sys::fuzz_target;
use msgwire::xmlrpc::{Decoder, Limits, Splitter};
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
        splitter_agrees(&d, data);
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

/// The first answer of a `Splitter` fed `data` in reads, against `Decoder::decode` on all of it
/// (after the whitespace the splitter skips between documents).
fn splitter_agrees(d: &Decoder, data: &[u8]) {
    let read = 1 + usize::from(data.first().copied().unwrap_or(0) % 64);
    let mut splitter = Splitter::new(d.limits, d.profile);
    let mut first = Ok(None);
    for piece in data.chunks(read) {
        splitter.push(piece);
        first = splitter.next_frame();
        if !matches!(first, Ok(None)) {
            break;
        }
    }
    let start = data
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        .count();
    let rest = &data[start..];
    match (d.decode(rest), first) {
        (Ok(Decoded::Complete { value, used }), Ok(Some(frame))) => {
            assert!(rest[..used].starts_with(&frame) && frame.len() <= used);
            assert!(rest[frame.len()..used]
                .iter()
                .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')));
            let again = d.decode_whole(&frame).expect("a frame decodes whole");
            if !message_has_nan(&value) {
                assert_eq!(again, value);
            }
        }
        (Ok(Decoded::NeedMore { .. }), Ok(None)) | (Err(_), Err(_)) => {}
        (stateless, split) => panic!(
            "{:?}: Decoder::decode {stateless:?}, Splitter in {read}-byte reads {split:?}",
            d.profile
        ),
    }
}
