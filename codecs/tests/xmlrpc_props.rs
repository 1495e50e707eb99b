//! Properties of the XML-RPC codec: arbitrary documents round-trip in both layouts; arbitrary
//! bytes and mutated valid documents never panic, and whatever decodes re-encodes stably.
#![cfg(feature = "xmlrpc")]

use msgwire::xmlrpc::{
    decode_general, decode_with, Base64, DateTime, Decoder, Fault, Layout, Limits, Member, Message,
    MethodCall, MethodResponse, Profile, Splitter, Value,
};
use proptest::prelude::*;

/// Text XML 1.0 can carry (CR included: the encoder writes it as a reference).
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ]{0,12}",
        "[<>&\"' \t\r\n\\]]{0,8}",
        "[^\u{0}-\u{8}\u{b}\u{c}\u{e}-\u{1f}\u{fffe}\u{ffff}]{0,16}",
    ]
}

fn scalar() -> impl Strategy<Value = Value<'static>> {
    prop_oneof![
        any::<i32>().prop_map(Value::Int),
        any::<i32>().prop_map(Value::I4),
        any::<i64>().prop_map(Value::I8),
        any::<bool>().prop_map(Value::Boolean),
        text().prop_map(|s| Value::String(s.into())),
        text().prop_map(|s| Value::Untyped(s.into())),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::Double),
        (0u16..=9999, 1u8..=12, 1u8..=28, 0u8..24, 0u8..60, 0u8..60).prop_map(
            |(y, mo, d, h, mi, s)| Value::DateTime(DateTime::from_parts(y, mo, d, h, mi, s))
        ),
        proptest::collection::vec(any::<u8>(), 0..64)
            .prop_map(|b| Value::Base64(Base64::from_bytes(&b))),
        Just(Value::Nil),
        Just(Value::ExNil),
        any::<i8>().prop_map(Value::ExI1),
        any::<i16>().prop_map(Value::ExI2),
        any::<i64>().prop_map(Value::ExI8),
        any::<f32>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::ExFloat),
    ]
}

fn value() -> impl Strategy<Value = Value<'static>> {
    scalar().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((text(), inner), 0..6).prop_map(|ms| {
                Value::Struct(ms.into_iter().map(|(n, v)| Member::new(n, v)).collect())
            }),
        ]
    })
}

fn message() -> impl Strategy<Value = Message<'static>> {
    prop_oneof![
        (
            "[A-Za-z0-9_.:/]{1,24}",
            proptest::collection::vec(value(), 0..4)
        )
            .prop_map(|(m, p)| Message::Call(MethodCall::new(m, p))),
        value().prop_map(|v| Message::Response(MethodResponse::new(v))),
        (any::<i32>(), text()).prop_map(|(c, s)| Message::Fault(Fault::new(c, s))),
    ]
}

const PROFILES: [Profile; 3] = [Profile::Strict, Profile::ApacheExtensions, Profile::Lenient];

/// Decoding never panics; what decodes re-encodes to bytes that decode to the same bytes again;
/// the decoder's fast paths give exactly what its general path alone gives (the same message,
/// or the same error at the same offset).
fn check_stable(input: &[u8]) {
    for profile in PROFILES {
        let fast = decode_with(input, profile, &Limits::default());
        let general = decode_general(input, profile, &Limits::default());
        // Debug text, so that NaN (lenient doubles) compares equal to itself.
        assert_eq!(format!("{fast:?}"), format!("{general:?}"), "{profile:?}");
        if let Ok(m) = decode_with(input, profile, &Limits::default()) {
            let once = m.to_vec();
            let again = decode_with(&once, Profile::Lenient, &Limits::default())
                .unwrap_or_else(|e| panic!("re-encoded document rejected: {e}"));
            assert_eq!(again.to_vec(), once);
        }
    }
}

/// Found by fuzz/xmlrpc_stream: `<![CDATA` without its `[` sends the splitter to the
/// whole-document reader, which called a character cut by a 61-byte read invalid UTF-8 where the
/// same bytes in one buffer need more. Only complete characters are judged now.
#[test]
fn splitter_reads_ending_inside_a_character_agree_with_one_buffer() {
    let data = include_bytes!("data/xmlrpc_splitter_cut_character.bin");
    let whole = Decoder::default().decode(data);
    let mut splitter = Splitter::default();
    let mut first = Ok(None);
    for piece in data.chunks(61) {
        splitter.push(piece);
        first = splitter.next_frame();
        if !matches!(first, Ok(None)) {
            break;
        }
    }
    assert!(
        matches!(
            (&whole, &first),
            (Ok(msgwire::Decoded::NeedMore { .. }), Ok(None)) | (Err(_), Err(_))
        ),
        "{whole:?} vs {first:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn documents_roundtrip(m in message()) {
        for layout in [Layout::Compact, Layout::Pretty] {
            let bytes = m.to_vec_layout(layout);
            check_stable(&bytes);
            prop_assert_eq!(bytes.len(), m.encoded_len_layout(layout));
            // Apache: the strict rules plus the ex: types the generator uses.
            let back = decode_with(&bytes, Profile::ApacheExtensions, &Limits::default())
                .map_err(|e| TestCaseError::fail(format!("{e}: {}", String::from_utf8_lossy(&bytes))))?;
            prop_assert_eq!(&back, &m);
            prop_assert_eq!(back.to_vec_layout(layout), bytes);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        check_stable(&bytes);
    }

    #[test]
    fn xml_like_text_never_panics(s in "(<[/!?]?[a-zA-Z.:]{0,6}( [a-z]+=\"[^\"]*\")?/?>|&[a-z#x0-9]{0,5};|<!\\[CDATA\\[|\\]\\]>|[a-z0-9 \n]{0,4}){0,40}") {
        check_stable(s.as_bytes());
    }

    #[test]
    fn mutated_documents_never_panic(
        m in message(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..6),
    ) {
        let mut bytes = m.to_vec();
        for (at, byte, op) in edits {
            if bytes.is_empty() {
                break;
            }
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                _ => {
                    bytes.remove(i);
                }
            }
        }
        check_stable(&bytes);
    }

    /// Documents sent back to back (compact or pretty, whitespace and comments holding end
    /// tags between and inside them) come out of a `Splitter` one by one, whatever the reads.
    #[test]
    fn splitter_finds_every_document_under_any_reads(
        docs in proptest::collection::vec((message(), any::<bool>(), 0usize..3), 1..5),
        reads in proptest::collection::vec(1usize..40, 1..20),
    ) {
        let mut stream = Vec::new();
        let mut want = Vec::new();
        for (m, pretty, gap) in &docs {
            let mut doc = m.to_vec_layout(if *pretty { Layout::Pretty } else { Layout::Compact });
            // A comment holding both end tags, just inside the root.
            let at = doc.windows(2).position(|w| w == b"><").map_or(0, |i| i + 1);
            let at = doc[at + 1..].iter().position(|&b| b == b'<').map_or(at, |i| at + 1 + i);
            doc.splice(at..at, b"<!-- </methodCall></methodResponse> -->".iter().copied());
            let doc_end = doc.iter().rposition(|&b| b == b'>').unwrap() + 1;
            stream.extend_from_slice(&doc[..doc_end]);
            stream.extend(std::iter::repeat_n(b'\n', *gap));
            want.push(m.clone());
        }
        let mut splitter = Splitter::new(Limits::default(), Profile::ApacheExtensions);
        let mut got = Vec::new();
        let mut rest = &stream[..];
        let mut i = 0;
        while !rest.is_empty() {
            let n = reads[i % reads.len()].min(rest.len());
            splitter.push(&rest[..n]);
            rest = &rest[n..];
            i += 1;
            while let Some(m) = splitter.next_message().map_err(|e| TestCaseError::fail(e.to_string()))? {
                got.push(m);
            }
        }
        prop_assert_eq!(got, want);
        prop_assert_eq!(splitter.buffered(), 0);
    }
}
