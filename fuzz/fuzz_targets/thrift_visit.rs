//! Raw bytes, binary and compact, unframed and framed, strict and lenient (default limits with
//! depth 256, or small ones when the first byte is odd): every message that decodes is visited
//! ([`Visit`]) with exactly the events a walk over its `ValueRef` views gives (the body, and
//! each nested list, set, map and struct through its own view); a visitor error at a point the
//! input picks stops the walk there, with that error and the events before it.
#![no_main]
use libfuzzer_sys::fuzz_target;
use msgwire::thrift::{Decoder, Framing, Limits, Profile, Protocol, ValueRef};
use msgwire::Decoded;
use msgwire_fuzz::thrift;
use msgwire_fuzz::thrift::events::{of_views, RecError, Recorder};

fn check_nested(v: ValueRef<'_>) {
    let mut views = Vec::new();
    of_views(v, &mut views);
    let mut r = Recorder::default();
    v.visit(&mut r).expect("a validated view visits");
    assert_eq!(r.events, views);
    match v {
        ValueRef::Struct(s) => s.iter().for_each(|(_, v)| check_nested(v)),
        ValueRef::List(l) | ValueRef::Set(l) => l.iter().for_each(check_nested),
        ValueRef::Map(m) => m.iter().for_each(|(k, v)| {
            check_nested(k);
            check_nested(v);
        }),
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let limits = thrift::limits(
        data.first().is_some_and(|b| b & 1 == 1),
        Limits {
            max_depth: Limits::HARD_MAX_DEPTH,
            ..Limits::default()
        },
    );
    let stop_pick = data.last().copied().unwrap_or(0) as usize;
    for protocol in [Protocol::Binary, Protocol::Compact] {
        for framing in [Framing::Unframed, Framing::Framed] {
            for profile in [Profile::Strict, Profile::Lenient] {
                let d = Decoder {
                    limits,
                    profile,
                    protocol,
                    framing,
                };
                let Ok(Decoded::Complete { value, .. }) = d.decode(data) else {
                    continue;
                };
                let mut views = Vec::new();
                of_views(ValueRef::Struct(value.body), &mut views);
                let mut r = Recorder::default();
                value.visit(&mut r).expect("a decoded message visits");
                assert_eq!(r.events, views);
                check_nested(ValueRef::Struct(value.body));
                let stop = stop_pick % views.len();
                let mut r = Recorder {
                    stop_at: Some(stop),
                    ..Recorder::default()
                };
                assert_eq!(value.visit(&mut r), Err(RecError::Stopped(stop)));
                assert_eq!(r.events[..], views[..stop]);
            }
        }
    }
});
