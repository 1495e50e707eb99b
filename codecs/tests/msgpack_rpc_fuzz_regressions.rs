//! Inputs found by the MessagePack-RPC fuzz targets (fuzz/fuzz_targets/msgpack_rpc_*.rs), kept
//! as named tests so the bugs they found stay fixed.
#![cfg(feature = "msgpack-rpc")]

use msgwire::msgpack_rpc::{Limits, Message, Profile, Splitter, ValueRef};

/// msgpack_rpc_stream: `[ext32 declaring 0x08d2ddd6 bytes, ...]` was refused (size limit) when
/// pushed whole, but pushed byte by byte the splitter kept waiting for the payload it could
/// already refuse.
#[test]
fn splitter_refuses_an_oversized_declaration_however_it_is_chunked() {
    let input = [0x94, 0xc9, 0x08, 0xd2, 0xdd, 0xd6, 0x00];
    let mut whole = Splitter::new(Limits::default(), Profile::Lenient);
    whole.push(&input);
    let expected = whole.next_frame().unwrap_err();
    assert_eq!(expected.kind(), "size-limit");

    let mut pieces = Splitter::new(Limits::default(), Profile::Lenient);
    let mut got = None;
    for b in input {
        pieces.push(&[b]);
        match pieces.next_frame() {
            Ok(None) => {}
            Ok(Some(frame)) => panic!("a frame from {frame:?}"),
            Err(e) => {
                got = Some(e);
                break;
            }
        }
    }
    assert_eq!(got, Some(expected));
}

/// msgpack_rpc_decode and msgpack_rpc_differential: an int 32 / int 64 holding a value >= 0
/// (`d2 40805d00`, `d3 09...`) has the length of the uint format the encoders write, and the
/// views took it for smallest form, so encoding them copied the signed marker instead of
/// writing uint 32 / uint 64 (rmpv's canonical bytes).
#[test]
fn a_signed_format_holding_a_non_negative_int_is_not_copied_on_encode() {
    for (input, smallest) in [
        (
            &[
                0x94, 0x00, 0x06, 0xa1, 0x6d, 0x91, 0xd2, 0x40, 0x80, 0x5d, 0x00,
            ][..],
            &[
                0x94, 0x00, 0x06, 0xa1, 0x6d, 0x91, 0xce, 0x40, 0x80, 0x5d, 0x00,
            ][..],
        ),
        (
            &[0x94, 0x01, 0xd3, 0, 0, 0, 0, 0, 0, 0, 0x09, 0xc0, 0xc0][..],
            &[0x94, 0x01, 0x09, 0xc0, 0xc0][..],
        ),
    ] {
        let msg = Message::from_slice(input).unwrap();
        assert_eq!(msg.to_vec(), smallest);
        assert_eq!(msg.encoded_len(), smallest.len());
        assert_eq!(ValueRef::from_slice(input).unwrap().to_vec(), smallest);
    }
}
