//! Structured XML-RPC documents for the round-trip target, and the stability check the
//! byte-level targets share.

use arbitrary::{Arbitrary, Result, Unstructured};
use msgwire::xmlrpc::{
    decode_with, Base64, DateTime, Fault, Layout, Limits, Member, Message, MethodCall,
    MethodResponse, Profile, Value,
};

/// Text XML 1.0 can carry: characters it cannot (C0 controls other than tab, LF, CR, and
/// U+FFFE/U+FFFF) become `?`. Markup characters, `]]>` and CR stay: the encoder escapes them.
fn text(u: &mut Unstructured<'_>) -> Result<String> {
    let s: String = u.arbitrary()?;
    Ok(s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            '\0'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => '?',
            c => c,
        })
        .collect())
}

fn scalar(u: &mut Unstructured<'_>) -> Result<Value<'static>> {
    Ok(match u.choose_index(15)? {
        0 => Value::Int(u.arbitrary()?),
        1 => Value::I4(u.arbitrary()?),
        2 => Value::I8(u.arbitrary()?),
        3 => Value::Boolean(u.arbitrary()?),
        4 => Value::String(text(u)?.into()),
        5 => Value::Untyped(text(u)?.into()),
        6 => Value::Double(finite(u.arbitrary()?)),
        7 => Value::DateTime(DateTime::from_parts(
            u.int_in_range(0..=9999)?,
            u.int_in_range(1..=12)?,
            u.int_in_range(1..=28)?,
            u.int_in_range(0..=23)?,
            u.int_in_range(0..=59)?,
            u.int_in_range(0..=59)?,
        )),
        8 => Value::Base64(Base64::from_bytes(u.arbitrary::<&[u8]>()?)),
        9 => Value::Nil,
        10 => Value::ExNil,
        11 => Value::ExI1(u.arbitrary()?),
        12 => Value::ExI2(u.arbitrary()?),
        13 => Value::ExI8(u.arbitrary()?),
        _ => {
            let f: f32 = u.arbitrary()?;
            Value::ExFloat(if f.is_finite() { f } else { 0.0 })
        }
    })
}

/// Strict XML-RPC has no NaN or infinity.
fn finite(f: f64) -> f64 {
    if f.is_finite() {
        f
    } else {
        0.0
    }
}

fn value(u: &mut Unstructured<'_>, depth: usize) -> Result<Value<'static>> {
    if depth == 0 || u.ratio(2, 3)? {
        return scalar(u);
    }
    let n = u.int_in_range(0..=4)?;
    if u.arbitrary()? {
        let items = (0..n).map(|_| value(u, depth - 1)).collect::<Result<_>>()?;
        Ok(Value::Array(items))
    } else {
        let mut members = Vec::new();
        for _ in 0..n {
            members.push(Member::new(text(u)?, value(u, depth - 1)?));
        }
        Ok(Value::Struct(members))
    }
}

/// A call, a response or a fault with arbitrary contents (Apache-extension types included).
#[derive(Debug)]
pub struct ArbMessage(pub Message<'static>);

impl<'a> Arbitrary<'a> for ArbMessage {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(ArbMessage(match u.choose_index(3)? {
            0 => {
                // Spec: "upper and lower-case A-Z, the numeric characters, 0-9, underscore,
                // dot, colon and slash".
                const NAME: &[u8] = b"ABCXYZabcxyz0189_.:/";
                let len = u.int_in_range(1..=24)?;
                let method = (0..len)
                    .map(|_| u.choose(NAME).map(|&b| char::from(b)))
                    .collect::<Result<String>>()?;
                let n = u.int_in_range(0..=4)?;
                let params = (0..n).map(|_| value(u, 3)).collect::<Result<_>>()?;
                Message::Call(MethodCall::new(method, params))
            }
            1 => Message::Response(MethodResponse::new(value(u, 4)?)),
            _ => Message::Fault(Fault::new(u.arbitrary::<i32>()?, text(u)?)),
        }))
    }
}

/// The profiles the byte-level targets try.
pub const PROFILES: [Profile; 3] = [Profile::Strict, Profile::ApacheExtensions, Profile::Lenient];

/// Whether a value tree holds a NaN (which never equals itself).
fn has_nan(v: &Value<'_>) -> bool {
    match v {
        Value::Double(f) => f.is_nan(),
        Value::ExFloat(f) => f.is_nan(),
        Value::Array(items) => items.iter().any(has_nan),
        Value::Struct(members) => members.iter().any(|m| has_nan(&m.value)),
        _ => false,
    }
}

/// Whether a document holds a NaN.
pub fn message_has_nan(m: &Message<'_>) -> bool {
    match m {
        Message::Call(c) => c.params.iter().any(has_nan),
        Message::Response(r) => r.params.iter().any(has_nan),
        Message::Fault(f) => has_nan(f.value()),
    }
}

/// A decoded document re-encodes (in both layouts) to bytes with the exact announced length
/// that decode, under the same profile, to the same document and re-encode to themselves.
pub fn check_reencode(m: &Message<'_>, profile: Profile) {
    for layout in [Layout::Compact, Layout::Pretty] {
        let once = m.to_vec_layout(layout);
        assert_eq!(
            once.len(),
            m.encoded_len_layout(layout),
            "encoded_len is exact"
        );
        let again = decode_with(&once, profile, &Limits::default()).unwrap_or_else(|e| {
            panic!(
                "re-encoding ({layout:?}) rejected: {e}: {}",
                String::from_utf8_lossy(&once)
            )
        });
        if !message_has_nan(m) {
            assert_eq!(&again, m, "{layout:?}: {}", String::from_utf8_lossy(&once));
        }
        assert_eq!(
            again.to_vec_layout(layout),
            once,
            "{layout:?} is a fixed point"
        );
    }
}
