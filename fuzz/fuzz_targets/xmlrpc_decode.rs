//! Raw bytes into the XML-RPC decoder, every profile: never a panic; errors are typed, with
//! an offset inside the input and a fault code; whatever decodes re-encodes (compact and
//! pretty) to a document that decodes under the same profile to the same thing and
//! re-encodes to itself. Whatever the strict profile accepts, the others accept identically.
//! `to_utf8` never panics, borrows what it leaves alone, and its output decodes without one.
#![no_main]
use libfuzzer_sys::fuzz_target;
use msgwire::xmlrpc::{decode_with, to_utf8, Limits, Profile};
use msgwire_fuzz::xmlrpc::{check_reencode, message_has_nan, PROFILES};

fuzz_target!(|data: &[u8]| {
    // A small depth limit half of the time, so that its path is reached by short inputs.
    let limits = match data.first() {
        Some(b) if b & 1 == 1 => Limits {
            max_depth: 4,
            ..Limits::default()
        },
        _ => Limits::default(),
    };
    let mut strict = None;
    for profile in PROFILES {
        match decode_with(data, profile, &limits) {
            Ok(m) => {
                check_reencode(&m, profile);
                if profile == Profile::Strict {
                    strict = Some(m);
                } else if let Some(s) = &strict {
                    if !message_has_nan(s) {
                        assert_eq!(s, &m, "{profile:?} reads a strict document differently");
                    }
                }
            }
            Err(e) => {
                assert!(e.offset() <= data.len(), "offset of {e:?}");
                assert!(!e.kind().is_empty());
                assert!(
                    strict.is_none(),
                    "strict accepted but {profile:?} rejected: {e}"
                );
            }
        }
    }
    match to_utf8(data, &limits) {
        Ok(std::borrow::Cow::Borrowed(b)) => assert_eq!(b, data),
        Ok(std::borrow::Cow::Owned(text)) => {
            assert!(
                std::str::from_utf8(&text).is_ok(),
                "transcoded to invalid UTF-8"
            );
            for profile in PROFILES {
                if let Ok(m) = decode_with(&text, profile, &limits) {
                    check_reencode(&m, profile);
                }
            }
        }
        Err(e) => assert!(e.offset() <= data.len().max(limits.max_document_size)),
    }
});
