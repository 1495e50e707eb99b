//! Raw bytes, both protocols, unframed and framed, both profiles (default limits, or small ones
//! when the first byte is odd): no panic; an error's offset lies inside the input; `scan` and
//! `Decoder::decode` agree; a message that decodes re-encodes (exact `encoded_len`) in both
//! protocols to bytes that decode to the same message; what strict accepts, lenient accepts alike.
//! The same input as TJSONProtocol: no panic, in-bounds error offsets, re-encodings that decode
//! to the same message and re-encode to themselves. The same input as a THeader frame: no panic,
//! in-bounds error offsets, a frame that decodes re-encodes to bytes that decode to the same
//! frame (info headers and message), strict and lenient alike.
#![no_main]
use libfuzzer_sys::fuzz_target;
use msgwire::thrift::{json, scan, Decoder, Framing, HeaderFrame, Limits, Profile, Protocol};
use msgwire::Decoded;
use msgwire_fuzz::thrift;

fuzz_target!(|data: &[u8]| {
    let limits = thrift::limits(data.first().is_some_and(|b| b & 1 == 1), Limits::default());
    for protocol in [Protocol::Binary, Protocol::Compact] {
        for framing in [Framing::Unframed, Framing::Framed] {
            let mut strict_used = None;
            for profile in [Profile::Strict, Profile::Lenient] {
                let d = Decoder {
                    limits,
                    profile,
                    protocol,
                    framing,
                };
                match d.decode(data) {
                    Err(e) => {
                        assert!(e.offset() <= data.len(), "{e}");
                        assert!(
                            strict_used.is_none(),
                            "lenient rejects what strict accepts: {e}"
                        );
                    }
                    Ok(Decoded::NeedMore { at_least }) => assert!(at_least >= 1),
                    Ok(Decoded::Complete { value, used }) => {
                        if let Some(u) = strict_used {
                            assert_eq!(u, used);
                        }
                        if profile == Profile::Strict {
                            strict_used = Some(used);
                        }
                        if framing == Framing::Unframed {
                            let s = scan(data, protocol, &limits, profile).unwrap();
                            assert_eq!(s, Decoded::Complete { value: used, used });
                        }
                        let owned = value.into_owned();
                        for out in [Protocol::Binary, Protocol::Compact] {
                            let wire = value.to_vec(out);
                            assert_eq!(wire.len(), value.encoded_len(out));
                            let lenient = Decoder {
                                limits: Limits {
                                    max_depth: 256,
                                    ..Limits::default()
                                },
                                profile: Profile::Lenient,
                                protocol: out,
                                framing: Framing::Unframed,
                            };
                            let back = lenient.decode_whole(&wire).expect("re-encoding decodes");
                            if out == protocol {
                                // Compared as bytes: a NaN is not equal to itself.
                                assert_eq!(back.into_owned().to_vec(out), owned.to_vec(out));
                            } else {
                                assert_eq!(
                                    (back.name, back.kind, back.seqid),
                                    (value.name, value.kind, value.seqid)
                                );
                                // Back again: the same bytes as the direct re-encoding.
                                assert_eq!(back.to_vec(out), wire);
                            }
                        }
                    }
                }
            }
        }
    }
    // TJSONProtocol (owned model): no panic; an error's offset lies inside the input; what
    // strict accepts lenient accepts alike; a decoded message re-encodes to bytes that decode
    // to the same message (compared as binary bytes: NaN) and re-encode to themselves.
    let mut strict = None;
    for profile in [Profile::Strict, Profile::Lenient] {
        match json::decode_with(data, &limits, profile) {
            Err(e) => {
                assert!(e.offset() <= data.len(), "{e}");
                assert!(
                    strict.is_none(),
                    "json: lenient rejects what strict accepts: {e}"
                );
            }
            Ok(Decoded::NeedMore { at_least }) => assert!(at_least >= 1),
            Ok(Decoded::Complete { value, used }) => {
                assert!(used <= data.len());
                let wire = json::to_vec(&value);
                let back = json::decode_with(&wire, &limits, Profile::Lenient)
                    .expect("the re-encoding decodes")
                    .complete()
                    .expect("whole");
                assert_eq!(back.1, wire.len());
                assert_eq!(
                    back.0.to_vec(Protocol::Binary),
                    value.to_vec(Protocol::Binary)
                );
                assert_eq!(json::to_vec(&back.0), wire);
                if let Some(s) = &strict {
                    assert_eq!(s, &wire);
                }
                if profile == Profile::Strict {
                    strict = Some(wire);
                }
            }
        }
    }
    // THeader: the frame as a whole.
    for profile in [Profile::Strict, Profile::Lenient] {
        match HeaderFrame::decode_with(data, &limits, profile) {
            Err(e) => assert!(e.offset() <= data.len(), "header: {e}"),
            Ok(Decoded::NeedMore { at_least }) => assert!(at_least >= 1),
            Ok(Decoded::Complete { value, used }) => {
                assert!(used <= data.len());
                let wire = value.to_vec();
                assert_eq!(wire.len(), value.encoded_len());
                let (back, n) =
                    HeaderFrame::decode_with(&wire, &Limits::default(), Profile::Lenient)
                        .expect("the re-encoding decodes")
                        .complete()
                        .expect("whole");
                assert_eq!(n, wire.len());
                assert_eq!(back.info.to_vec(), value.info.to_vec());
                assert_eq!(
                    (back.flags, back.seqid, back.protocol),
                    (value.flags, value.seqid, value.protocol)
                );
                assert_eq!(
                    back.message.to_vec(Protocol::Binary),
                    value.message.to_vec(Protocol::Binary)
                );
                assert_eq!(back.to_vec(), wire);
            }
        }
    }
});
