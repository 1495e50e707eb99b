//! (mode, chunk sizes, bytes): a reader that appends what arrives and calls `Decoder::decode`
//! gets the same messages and the same error fed in chunks as whole, and `NeedMore { at_least }`
//! is a true lower bound (fewer new bytes never decide); the `Splitter` (a resumable scan)
//! yields the same messages and error kind. Framings: unframed, framed and THeader (mode bit 16).
#![no_main]
use libfuzzer_sys::fuzz_target;
use msgwire::thrift::{Decoder, Framing, HeaderFrame, Limits, Profile, Protocol, Splitter};
use msgwire::Decoded;
use msgwire_fuzz::thrift;

fn messages(
    d: &Decoder,
    pieces: &mut dyn Iterator<Item = &[u8]>,
) -> (Vec<Vec<u8>>, Option<String>) {
    let mut buf: Vec<u8> = Vec::new();
    let mut out = Vec::new();
    let mut wait = 0usize;
    for piece in pieces {
        buf.extend_from_slice(piece);
        loop {
            match d.decode(&buf) {
                Ok(Decoded::Complete { value, used }) => {
                    assert!(buf.len() >= wait, "complete before at_least bytes arrived");
                    // Under THeader the frame's header names the protocol.
                    out.push(value.to_vec(value.protocol()));
                    buf.drain(..used);
                    wait = 0;
                }
                Ok(Decoded::NeedMore { at_least }) => {
                    wait = wait.max(buf.len() + at_least);
                    break;
                }
                Err(e) => {
                    assert!(buf.len() >= wait, "error before at_least bytes arrived");
                    return (out, Some(e.kind().to_owned()));
                }
            }
        }
    }
    (out, None)
}

fuzz_target!(|input: (u8, Vec<u8>, Vec<u8>)| {
    let (mode, sizes, data) = input;
    let d = Decoder {
        limits: thrift::limits(mode & 4 != 0, Limits::default()),
        profile: if mode & 8 != 0 {
            Profile::Lenient
        } else {
            Profile::Strict
        },
        protocol: if mode & 1 != 0 {
            Protocol::Compact
        } else {
            Protocol::Binary
        },
        framing: if mode & 16 != 0 {
            Framing::Header
        } else if mode & 2 != 0 {
            Framing::Framed
        } else {
            Framing::Unframed
        },
    };
    let whole = messages(&d, &mut std::iter::once(&data[..]));
    let chunked = messages(&d, &mut msgwire_fuzz::chunks(&data, &sizes));
    assert_eq!(chunked, whole);
    let mut s = Splitter::new(d);
    let mut split = (Vec::new(), None);
    'feed: for piece in msgwire_fuzz::chunks(&data, &sizes) {
        s.push(piece);
        loop {
            match s.next_frame() {
                Ok(Some(frame)) if d.framing == Framing::Header => {
                    let f = HeaderFrame::read(&frame, &d.limits, d.profile)
                        .expect("a split THeader frame decodes");
                    split.0.push(f.message.to_vec(f.protocol));
                }
                Ok(Some(frame)) => {
                    let plain = Decoder {
                        framing: Framing::Unframed,
                        ..d
                    };
                    let m = plain.decode_whole(&frame).expect("a split message decodes");
                    split.0.push(m.to_vec(d.protocol));
                }
                Ok(None) => break,
                Err(e) => {
                    split.1 = Some(e.kind().to_owned());
                    break 'feed;
                }
            }
        }
    }
    assert_eq!(split, whole);
});
