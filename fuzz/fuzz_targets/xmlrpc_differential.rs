//! msgwire's purpose-built XML scanner against a well-formedness oracle built on quick-xml's
//! tokenizer (`msgwire_fuzz::xml_oracle`: every check quick-xml has, plus the XML 1.0
//! constraints it leaves to the application): whatever we accept, under any profile, must be a
//! well-formed single-rooted document there; a document we reject as not well-formed
//! (`xml-syntax`) or as ending early (`unexpected-eof`) must fail there too, except for the one
//! check the oracle does not make (`ours_only`, documented in fuzz/README.md).
//!
//! And the decoder's fast paths (an expected tag checked in place) against its general path
//! alone (`decode_general`: every tag through the scanner's event loop and the lexer): the same
//! result for every input and profile, exactly -- the same message, or the same typed error
//! at the same offset.
#![no_main]
use libfuzzer_sys::fuzz_target;
use msgwire::xmlrpc::{decode_general, decode_with, Error, Limits};
use msgwire_fuzz::xml_oracle::well_formed;
use msgwire_fuzz::xmlrpc::PROFILES;

/// Well-formedness checks we make and the oracle does not (see fuzz/README.md).
fn ours_only(message: &str) -> bool {
    // Strict and apache read XML 1.0 only; the grammar allows any `1.x`.
    message.contains("XML version must be 1.0")
}

fuzz_target!(|data: &[u8]| {
    // Depth 4 when the first byte is odd, so the depth limit is met on both paths too.
    let limits = match data.first() {
        Some(b) if b % 2 == 1 => Limits {
            max_depth: 4,
            ..Limits::default()
        },
        _ => Limits::default(),
    };
    for profile in PROFILES {
        let fast = decode_with(data, profile, &limits);
        let general = decode_general(data, profile, &limits);
        // Debug text, so that NaN (lenient doubles) compares equal to itself.
        assert_eq!(
            format!("{fast:?}"),
            format!("{general:?}"),
            "{profile:?}: the fast paths and the general path disagree"
        );
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let theirs = well_formed(body);
    for profile in PROFILES {
        match decode_with(data, profile, &Limits::default()) {
            Ok(m) => {
                if let Err(e) = &theirs {
                    panic!("{profile:?} accepted a document quick-xml rejects ({e}): {m:?}");
                }
            }
            Err(Error::Xml { message, .. }) if !ours_only(&message) => {
                assert!(
                    theirs.is_err(),
                    "{profile:?}: we say not well-formed ({message}), quick-xml accepts"
                );
            }
            // A document that ends early is not well-formed either.
            Err(e @ Error::UnexpectedEof { .. }) => {
                assert!(
                    theirs.is_err(),
                    "{profile:?}: we say {e}, quick-xml accepts"
                );
            }
            Err(_) => {}
        }
    }
});
