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

/// One callback of a walk (doubles as bits: NaN).
#[derive(Debug, Clone, PartialEq)]
enum Ev<'a> {
    Bool(bool),
    Byte(i8),
    I16(i16),
    I32(i32),
    I64(i64),
    Double(u64),
    Binary(&'a [u8]),
    Uuid([u8; 16]),
    StructBegin,
    Field(i16, TType),
    StructEnd,
    ListBegin(TType, usize),
    ListEnd,
    SetBegin(TType, usize),
    SetEnd,
    MapBegin(TType, TType, usize),
    MapEnd,
}

/// The events the views give.
fn view_events<'a>(v: ValueRef<'a>, out: &mut Vec<Ev<'a>>) {
    match v {
        ValueRef::Bool(b) => out.push(Ev::Bool(b)),
        ValueRef::Byte(n) => out.push(Ev::Byte(n)),
        ValueRef::I16(n) => out.push(Ev::I16(n)),
        ValueRef::I32(n) => out.push(Ev::I32(n)),
        ValueRef::I64(n) => out.push(Ev::I64(n)),
        ValueRef::Double(f) => out.push(Ev::Double(f.to_bits())),
        ValueRef::Binary(b) => out.push(Ev::Binary(b)),
        ValueRef::Uuid(u) => out.push(Ev::Uuid(u)),
        ValueRef::Struct(s) => {
            out.push(Ev::StructBegin);
            for (id, v) in s.iter() {
                out.push(Ev::Field(id, v.ttype()));
                view_events(v, out);
            }
            out.push(Ev::StructEnd);
        }
        ValueRef::List(l) => {
            out.push(Ev::ListBegin(l.elem_type(), l.len()));
            l.iter().for_each(|v| view_events(v, out));
            out.push(Ev::ListEnd);
        }
        ValueRef::Set(l) => {
            out.push(Ev::SetBegin(l.elem_type(), l.len()));
            l.iter().for_each(|v| view_events(v, out));
            out.push(Ev::SetEnd);
        }
        ValueRef::Map(m) => {
            out.push(Ev::MapBegin(m.key_type(), m.value_type(), m.len()));
            for (k, v) in m.iter() {
                view_events(k, out);
                view_events(v, out);
            }
            out.push(Ev::MapEnd);
        }
    }
}

/// The events the visitor gives; with `stop_at`, the callback of that index fails.
#[derive(Default)]
struct Recorder<'a> {
    events: Vec<Ev<'a>>,
    stop_at: Option<usize>,
}

#[derive(Debug, PartialEq)]
enum RecError {
    Stopped(usize),
    Codec(Error),
}

impl From<Error> for RecError {
    fn from(e: Error) -> Self {
        RecError::Codec(e)
    }
}

impl<'a> Recorder<'a> {
    fn push(&mut self, e: Ev<'a>) -> Result<(), RecError> {
        if self.stop_at == Some(self.events.len()) {
            return Err(RecError::Stopped(self.events.len()));
        }
        self.events.push(e);
        Ok(())
    }
}

impl<'a> Visit<'a> for Recorder<'a> {
    type Error = RecError;
    fn bool(&mut self, v: bool) -> Result<(), RecError> {
        self.push(Ev::Bool(v))
    }
    fn byte(&mut self, v: i8) -> Result<(), RecError> {
        self.push(Ev::Byte(v))
    }
    fn i16(&mut self, v: i16) -> Result<(), RecError> {
        self.push(Ev::I16(v))
    }
    fn i32(&mut self, v: i32) -> Result<(), RecError> {
        self.push(Ev::I32(v))
    }
    fn i64(&mut self, v: i64) -> Result<(), RecError> {
        self.push(Ev::I64(v))
    }
    fn double(&mut self, v: f64) -> Result<(), RecError> {
        self.push(Ev::Double(v.to_bits()))
    }
    fn binary(&mut self, v: &'a [u8]) -> Result<(), RecError> {
        self.push(Ev::Binary(v))
    }
    fn uuid(&mut self, v: [u8; 16]) -> Result<(), RecError> {
        self.push(Ev::Uuid(v))
    }
    fn struct_begin(&mut self) -> Result<(), RecError> {
        self.push(Ev::StructBegin)
    }
    fn field(&mut self, id: i16, t: TType) -> Result<(), RecError> {
        self.push(Ev::Field(id, t))
    }
    fn struct_end(&mut self) -> Result<(), RecError> {
        self.push(Ev::StructEnd)
    }
    fn list_begin(&mut self, elem: TType, len: usize) -> Result<(), RecError> {
        self.push(Ev::ListBegin(elem, len))
    }
    fn list_end(&mut self) -> Result<(), RecError> {
        self.push(Ev::ListEnd)
    }
    fn set_begin(&mut self, elem: TType, len: usize) -> Result<(), RecError> {
        self.push(Ev::SetBegin(elem, len))
    }
    fn set_end(&mut self) -> Result<(), RecError> {
        self.push(Ev::SetEnd)
    }
    fn map_begin(&mut self, k: TType, v: TType, len: usize) -> Result<(), RecError> {
        self.push(Ev::MapBegin(k, v, len))
    }
    fn map_end(&mut self) -> Result<(), RecError> {
        self.push(Ev::MapEnd)
    }
}

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

fn ttype(depth: u32) -> BoxedStrategy<TType> {
    if depth == 0 {
        prop::sample::select(&TType::ALL[..7]).boxed()
    } else {
        prop::sample::select(&TType::ALL[..]).boxed()
    }
}

fn strukt(depth: u32) -> BoxedStrategy<Struct> {
    prop::collection::vec((any::<i16>(), ttype(depth.saturating_sub(1))), 0..6)
        .prop_flat_map(move |fields| {
            fields
                .into_iter()
                .map(|(id, t)| value(t, depth.saturating_sub(1)).prop_map(move |v| (id, v)))
                .collect::<Vec<_>>()
        })
        .prop_map(|fields| Struct { fields })
        .boxed()
}

fn value(t: TType, depth: u32) -> BoxedStrategy<Value> {
    let d = depth.saturating_sub(1);
    match t {
        TType::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        TType::Byte => any::<i8>().prop_map(Value::Byte).boxed(),
        TType::I16 => any::<i16>().prop_map(Value::I16).boxed(),
        TType::I32 => any::<i32>().prop_map(Value::I32).boxed(),
        TType::I64 => any::<i64>().prop_map(Value::I64).boxed(),
        TType::Double => any::<f64>().prop_map(Value::Double).boxed(),
        // Now and then past the compact one-byte length (127).
        TType::Binary => prop_oneof![
            8 => prop::collection::vec(any::<u8>(), 0..20),
            1 => prop::collection::vec(any::<u8>(), 100..300),
        ]
        .prop_map(Value::Binary)
        .boxed(),
        TType::Uuid => any::<[u8; 16]>().prop_map(Value::Uuid).boxed(),
        TType::Struct => strukt(depth).prop_map(Value::Struct).boxed(),
        // Now and then past the compact short count (14).
        TType::List | TType::Set => (ttype(d), prop_oneof![4 => 0..6usize, 1 => 15..20usize])
            .prop_flat_map(move |(elem, n)| {
                prop::collection::vec(value(elem, d), n)
                    .prop_map(move |items| List::new(elem, items).unwrap())
            })
            .prop_map(move |l| {
                if t == TType::List {
                    Value::List(l)
                } else {
                    Value::Set(l)
                }
            })
            .boxed(),
        TType::Map => (ttype(d), ttype(d))
            .prop_flat_map(move |(k, v)| {
                prop::collection::vec((value(k, d), value(v, d)), 0..4)
                    .prop_map(move |e| Map::new(k, v, e).unwrap())
            })
            .prop_map(Value::Map)
            .boxed(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn visitor_events_equal_the_views(body in strukt(4), seqid in any::<i32>()) {
        let msg = msgwire::thrift::OwnedMessage::call("visit", seqid, body);
        for p in [Protocol::Binary, Protocol::Compact] {
            let wire = msg.to_vec(p);
            let m = Decoder::new(p, Framing::Unframed).decode_whole(&wire).unwrap();
            check_body(m.body);
        }
    }
}
