//! Framed streams (NDJSON and `Content-Length`) fed in fuzzer-chosen chunks must yield exactly
//! the frames (and the error kind) the whole input yields, and each frame decodes the same;
//! `NeedMore { at_least }` is a true lower bound: with fewer new bytes the answer stays NeedMore.
//! NDJSON is fed through the stateless `decode_line` or the resumable `LineDecoder`.
#![no_main]
use libfuzzer_sys::fuzz_target;
use msgwire::jsonrpc::framing::{decode_content_length, decode_line, LineDecoder};
use msgwire::jsonrpc::{Decoder, Error, Limits};
use msgwire::Decoded;

type Framer = for<'a> fn(&'a [u8], &Limits) -> Result<Decoded<&'a [u8]>, Error>;

/// What a frame body decodes to: its encoding, or the error kind.
fn outcome(body: &[u8]) -> Result<Vec<u8>, &'static str> {
    Decoder::default()
        .decode_whole(body)
        .map(|p| p.to_vec())
        .map_err(|e| e.kind())
}

fuzz_target!(|input: (u8, Vec<u8>, Vec<u8>)| {
    let (mode, sizes, data) = input;
    let framer: Framer = if mode & 1 == 0 {
        decode_line
    } else {
        decode_content_length
    };
    // Small limits half of the time, so that the limit paths are reached too.
    let limits = if mode & 2 == 0 {
        Limits::default()
    } else {
        Limits {
            max_message: 64,
            max_header: 48,
            ..Limits::default()
        }
    };

    let mut whole = Vec::new();
    let mut whole_error = None;
    let mut rest = &data[..];
    loop {
        match framer(rest, &limits) {
            Ok(Decoded::Complete { value, used }) => {
                assert!(used >= 1 && used <= rest.len());
                whole.push((value.to_vec(), outcome(value)));
                rest = &rest[used..];
            }
            Ok(Decoded::NeedMore { at_least }) => {
                assert!(at_least >= 1);
                break;
            }
            Err(e) => {
                whole_error = Some(e.kind());
                break;
            }
        }
    }

    // The chunked feed: the same framer, or for NDJSON (when bit 2 is set) the resumable one.
    let mut lines = (mode & 5 == 4).then(LineDecoder::default);
    let mut buf = Vec::new();
    let mut got = Vec::new();
    let mut error = None;
    // Bytes still owed after the last NeedMore, and bytes appended since.
    let mut owed = 0usize;
    let mut added = 0usize;
    'feed: for chunk in msgwire_fuzz::chunks(&data, &sizes) {
        buf.extend_from_slice(chunk);
        added += chunk.len();
        loop {
            let result = match &mut lines {
                Some(lines) => lines.decode(&buf, &limits),
                None => framer(&buf, &limits),
            };
            if added < owed {
                assert!(
                    matches!(result, Ok(Decoded::NeedMore { .. })),
                    "NeedMore asked for {owed} bytes but {added} decided: {result:?}"
                );
            }
            match result {
                Ok(Decoded::Complete { value, used }) => {
                    got.push((value.to_vec(), outcome(value)));
                    buf.drain(..used);
                    owed = 0;
                }
                Ok(Decoded::NeedMore { at_least }) => {
                    owed = at_least;
                    added = 0;
                    break;
                }
                Err(e) => {
                    error = Some(e.kind());
                    break 'feed;
                }
            }
        }
    }
    assert_eq!(got, whole);
    assert_eq!(error, whole_error);
});
