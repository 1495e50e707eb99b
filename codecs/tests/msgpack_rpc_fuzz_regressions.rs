//! Inputs found by the MessagePack-RPC fuzz targets (fuzz/fuzz_targets/msgpack_rpc_*.rs), kept
//! as named tests so the bugs they found stay fixed.
#![cfg(feature = "msgpack-rpc")]

use msgwire::msgpack_rpc::{Limits, Profile, Splitter};

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
