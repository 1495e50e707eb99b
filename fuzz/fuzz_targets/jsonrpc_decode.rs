//! Raw bytes into the JSON-RPC decoder and the server function, both profiles: never a panic;
//! errors are typed with an offset inside the input; whatever decodes re-encodes to bytes that
//! decode (same profile) to the same messages and re-encode to themselves; a server's reply
//! is always a valid response (or batch of responses).
#![no_main]
use libfuzzer_sys::fuzz_target;
use msgwire::jsonrpc::{
    Decoder, ErrorObject, Limits, Message, Outcome, Payload, Profile, Raw, Request,
};
use serde_json::value::RawValue;

fn dispatch(req: &Request<'_>) -> Outcome<'static> {
    // Echo the params back, or fail: both reply shapes get exercised.
    match &req.params {
        Some(p) => Outcome::Result(Raw::from(
            RawValue::from_string(p.get().to_owned()).unwrap(),
        )),
        None => Outcome::Error(ErrorObject::new(
            msgwire::jsonrpc::ErrorCode::METHOD_NOT_FOUND,
            "Method not found",
        )),
    }
}

fuzz_target!(|data: &[u8]| {
    for profile in [Profile::Strict, Profile::Lenient] {
        let decoder = Decoder {
            limits: Limits::default(),
            profile,
        };
        match decoder.decode_whole(data) {
            Ok(payload) => msgwire_fuzz::jsonrpc::check_reencode(data, &payload, &decoder),
            Err(e) => {
                assert!(e.offset() <= data.len(), "offset of {e:?}");
                assert!(
                    e.code().is_some(),
                    "decode errors carry a JSON-RPC code: {e:?}"
                );
                assert!(!e.kind().is_empty());
            }
        }
        if let Some(reply) = decoder.serve(data).respond(dispatch) {
            // The reply echoes ids verbatim, so it is read under the same profile.
            match decoder.decode_whole(&reply) {
                Ok(Payload::Single(Message::Response(_))) => {}
                Ok(Payload::Batch(b)) => {
                    for item in b.iter() {
                        assert!(
                            matches!(item, Ok(Message::Response(_))),
                            "reply item {item:?}"
                        );
                    }
                }
                other => panic!(
                    "reply {:?} is not a response: {other:?}",
                    String::from_utf8_lossy(&reply)
                ),
            }
        }
    }
});
