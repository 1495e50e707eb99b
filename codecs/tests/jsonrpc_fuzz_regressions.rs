//! Inputs the cargo-fuzz targets in `fuzz/` found, one named test each, so that what they found
//! stays fixed. Each case is also in `vectors/jsonrpc/fuzz-regressions.json` (the conformance
//! corpus runs it there); a case whose bug is not fixed yet sits under that file's
//! `x-not-yet-fixed` member and its test here is ignored. Framing cases, which need limits and
//! chunking that the vector format cannot express, sit under `x-stream-cases`.
#![cfg(feature = "jsonrpc")]

use msgwire::jsonrpc::framing::decode_line;
use msgwire::jsonrpc::{Decoder, Error, ErrorCode, Limits, Payload, Profile};
use msgwire::Decoded;

const VECTORS: &str = include_str!("../../vectors/jsonrpc/fuzz-regressions.json");

fn decode(input: &[u8], profile: Profile) -> Result<Payload<'_>, Error> {
    Decoder::new(profile).decode_whole(input)
}

/// The case is in the vector file with this input (its hex, as written there).
fn in_vectors(id: &str, hex: &str) {
    let at = VECTORS
        .find(&format!("\"id\": \"jsonrpc/fuzz-regressions/{id}\""))
        .unwrap_or_else(|| panic!("{id} is not in fuzz-regressions.json"));
    let case = &VECTORS[at..];
    let case = &case[..case.find("\n    }").unwrap_or(case.len())];
    assert!(
        case.contains(&format!("\"hex\": \"{hex}\"")),
        "{id}: input differs from the vector"
    );
}

fn unhex(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

fn assert_parse_error(input: &[u8], profile: Profile) {
    match decode(input, profile) {
        Err(e) => {
            assert_eq!(e.kind(), "parse-error", "{profile:?}: {e}");
            assert_eq!(e.code(), Some(ErrorCode::PARSE_ERROR));
        }
        Ok(p) => panic!("{profile:?} accepted {p:?}"),
    }
}

/// jsonrpc_differential: serde_json::Value (and RFC 8259 §8.1, "JSON text ... MUST be encoded
/// using UTF-8") rejects `{"jsonrpc":"2.0","method":"m","x":"\xff"}`; we skipped the value of
/// the unknown member `x` without checking its UTF-8, so lenient accepted the message and strict
/// answered -32600 extra-member instead of -32700. Fixed: the whole text's UTF-8 is checked first.
#[test]
fn invalid_utf8_in_ignored_member() {
    let hex = "7b226a736f6e727063223a22322e30222c226d6574686f64223a226d222c2278223a22ff227d";
    in_vectors("invalid-utf8-in-ignored-member", hex);
    for profile in [Profile::Strict, Profile::Lenient] {
        assert_parse_error(&unhex(hex), profile);
    }
}

/// Companion of the case above: the same byte in a member we read is a parse error already.
#[test]
fn invalid_utf8_in_method() {
    let hex = "7b226a736f6e727063223a22322e30222c226d6574686f64223a22ff227d";
    in_vectors("invalid-utf8-in-method", hex);
    for profile in [Profile::Strict, Profile::Lenient] {
        assert_parse_error(&unhex(hex), profile);
    }
}

/// jsonrpc_differential: a lone surrogate escape in a member *name* is a parse error (serde_json
/// reads names as `str`), while one in a string *value* is kept (as U+FFFD). RFC 8259 §8.2
/// calls the behaviour "unpredictable", so both are allowed; this pins ours.
#[test]
fn lone_surrogate_in_member_name() {
    let hex = "7b226a736f6e727063223a22322e30222c226d6574686f64223a226d222c225c7564383364223a317d";
    in_vectors("lone-surrogate-in-member-name", hex);
    for profile in [Profile::Strict, Profile::Lenient] {
        assert_parse_error(&unhex(hex), profile);
    }
    let in_value = br#"{"jsonrpc":"2.0","method":"\ud83d","id":1}"#;
    match decode(in_value, Profile::Strict) {
        Ok(Payload::Single(msgwire::jsonrpc::Message::Request(r))) => {
            assert_eq!(r.method, "\u{fffd}")
        }
        other => panic!("{other:?}"),
    }
}

/// jsonrpc_stream: a line of exactly `max_message` bytes ended by CR LF is a frame when CR and LF
/// arrive together, but `too-large` when a read ends between them (the CR, which is not part of
/// the line, was counted against the limit). Framing must not depend on how bytes are chunked.
/// Vectors cannot express limits or chunking: the case is kept in fuzz-regressions.json under
/// `x-stream-cases`.
#[test]
fn ndjson_line_at_limit_split_before_lf() {
    in_vectors("ndjson-line-at-limit-split-before-lf", "616263640d0a");
    let limits = Limits {
        max_message: 4,
        ..Limits::default()
    };
    assert_eq!(
        decode_line(b"abcd\r\n", &limits),
        Ok(Decoded::Complete {
            value: &b"abcd"[..],
            used: 6
        })
    );
    assert_eq!(
        decode_line(b"abcd\r", &limits),
        Ok(Decoded::NeedMore { at_least: 1 })
    );
}
