//! The visitor ([`Visit`]) against the views: on every golden Thrift vector (vectors/thrift,
//! each input decoded in both protocols, unframed, framed and in THeader frames, both profiles)
//! and on random values in both protocols, visiting a message, a struct, a list, a set, a map
//! or a value gives exactly the events a walk over the [`ValueRef`] views gives; a visitor's
//! own error stops the walk at once and comes back as is.
#![cfg(all(feature = "thrift", feature = "jsonrpc"))]

use msgwire::thrift::{
    Decoder, Error, Framing, Limits, List, Map, Profile, Protocol, Struct, StructRef, TType, Value,
    ValueRef, Visit,
};
use msgwire::Decoded;
use proptest::prelude::*;

#[path = "support/thrift_events.rs"]
mod events;
use events::{of_views as view_events, Ev, RecError, Recorder};

fn visited<'a>(v: ValueRef<'a>) -> Vec<Ev<'a>> {
    let mut r = Recorder::default();
    v.visit(&mut r).expect("a validated view visits");
    r.events
}

/// Every check on one decoded body: the struct, and every value nested in it (each list, set
/// and map visited through its own view too); a visitor error at a few points stops the walk
/// with that error after exactly the events before it. Returns the event count.
fn check_body(body: StructRef<'_>) -> usize {
    let mut views = Vec::new();
    view_events(ValueRef::Struct(body), &mut views);
    let mut r = Recorder::default();
    body.visit(&mut r).expect("a validated body visits");
    assert_eq!(r.events, views);
    check_nested(ValueRef::Struct(body));
    let n = views.len();
    for stop in [0, 1, n / 2, n.saturating_sub(1)] {
        let mut r = Recorder {
            stop_at: Some(stop),
            ..Recorder::default()
        };
        assert_eq!(body.visit(&mut r), Err(RecError::Stopped(stop)));
        assert_eq!(r.events[..], views[..stop]);
    }
    n
}

fn check_nested(v: ValueRef<'_>) {
    let mut views = Vec::new();
    view_events(v, &mut views);
    assert_eq!(visited(v), views);
    match v {
        ValueRef::Struct(s) => {
            let mut r = Recorder::default();
            s.visit(&mut r).unwrap();
            assert_eq!(r.events, views);
            s.iter().for_each(|(_, v)| check_nested(v));
        }
        ValueRef::List(l) => {
            let mut r = Recorder::default();
            l.visit(&mut r).unwrap();
            assert_eq!(r.events, views);
            l.iter().for_each(check_nested);
        }
        ValueRef::Set(l) => {
            // A set's view visited on its own is visited as a list.
            let mut r = Recorder::default();
            l.visit(&mut r).unwrap();
            let as_list: Vec<_> = views
                .iter()
                .enumerate()
                .map(|(i, e)| match e {
                    Ev::SetBegin(t, n) if i == 0 => Ev::ListBegin(*t, *n),
                    Ev::SetEnd if i == views.len() - 1 => Ev::ListEnd,
                    e => e.clone(),
                })
                .collect();
            assert_eq!(r.events, as_list);
            l.iter().for_each(check_nested);
        }
        ValueRef::Map(m) => {
            let mut r = Recorder::default();
            m.visit(&mut r).unwrap();
            assert_eq!(r.events, views);
            m.iter().for_each(|(k, v)| {
                check_nested(k);
                check_nested(v);
            });
        }
        _ => {}
    }
}

/// Every hex input of the golden vectors.
fn vector_inputs() -> Vec<(String, Vec<u8>)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../vectors/thrift");
    let mut out = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        for case in doc["cases"].as_array().unwrap() {
            if let Some(hex) = case["input"]["hex"].as_str() {
                let id = case["id"].as_str().unwrap_or("?").to_owned();
                out.push((id, hex::decode(hex).unwrap()));
            }
        }
    }
    out
}

#[test]
fn visitor_events_equal_the_views_on_every_golden_vector() {
    let inputs = vector_inputs();
    assert!(inputs.len() > 250, "{} inputs", inputs.len());
    let limits = Limits {
        max_depth: Limits::HARD_MAX_DEPTH,
        ..Limits::default()
    };
    let (mut messages, mut events) = (0, 0);
    for (id, wire) in &inputs {
        for protocol in [Protocol::Binary, Protocol::Compact] {
            for framing in [Framing::Unframed, Framing::Framed, Framing::Header] {
                for profile in [Profile::Strict, Profile::Lenient] {
                    let d = Decoder {
                        limits,
                        profile,
                        protocol,
                        framing,
                    };
                    let mut pos = 0;
                    while let Ok(Decoded::Complete { value, used }) = d.decode(&wire[pos..]) {
                        let n = check_body(value.body);
                        // The message's visit is its body's.
                        let mut r = Recorder::default();
                        value.visit(&mut r).unwrap();
                        assert_eq!(r.events.len(), n, "{id}");
                        messages += 1;
                        events += n;
                        pos += used;
                        if used == 0 || pos >= wire.len() {
                            break;
                        }
                    }
                }
            }
        }
    }
    // Most vectors are valid in one protocol; some decode in both.
    assert!(messages > 300, "{messages} messages");
    assert!(events > 5000, "{events} events");
}

#[test]
fn a_compact_bool_field_and_elements() {
    let list = List::new(TType::Bool, vec![true.into(), false.into()]).unwrap();
    let body = Struct::new()
        .with(1, true)
        .with(2, false)
        .with(300, Value::List(list));
    for p in [Protocol::Binary, Protocol::Compact] {
        let wire = msgwire::thrift::OwnedMessage::call("m", 1, body.clone()).to_vec(p);
        let m = Decoder::new(p, Framing::Unframed)
            .decode_whole(&wire)
            .unwrap();
        let mut r = Recorder::default();
        m.visit(&mut r).unwrap();
        assert_eq!(
            r.events,
            [
                Ev::StructBegin,
                Ev::Field(1, TType::Bool),
                Ev::Bool(true),
                Ev::Field(2, TType::Bool),
                Ev::Bool(false),
                Ev::Field(300, TType::List),
                Ev::ListBegin(TType::Bool, 2),
                Ev::Bool(true),
                Ev::Bool(false),
                Ev::ListEnd,
                Ev::StructEnd
            ]
        );
    }
}

/// A visitor that implements nothing walks to the end.
#[test]
fn defaults_do_nothing() {
    struct Nothing;
    impl Visit<'_> for Nothing {
        type Error = Error;
    }
    let m = Map::new(TType::I32, TType::Binary, vec![(1i32.into(), "a".into())]).unwrap();
    let body = Struct::new().with(1, m).with(2, Struct::new().with(1, 2.5));
    for p in [Protocol::Binary, Protocol::Compact] {
        let wire = msgwire::thrift::OwnedMessage::call("m", 1, body.clone()).to_vec(p);
        let m = Decoder::new(p, Framing::Unframed)
            .decode_whole(&wire)
            .unwrap();
        assert_eq!(m.visit(&mut Nothing), Ok(()));
    }
}

#[path = "support/thrift_values.rs"]
mod values;
use values::{strukt, Doubles};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn visitor_events_equal_the_views(body in strukt(4, Doubles::AnyBits), seqid in any::<i32>()) {
        let msg = msgwire::thrift::OwnedMessage::call("visit", seqid, body);
        for p in [Protocol::Binary, Protocol::Compact] {
            let wire = msg.to_vec(p);
            let m = Decoder::new(p, Framing::Unframed).decode_whole(&wire).unwrap();
            check_body(m.body);
        }
    }
}
