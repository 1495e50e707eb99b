//! Random Thrift values for the property tests (`thrift_props.rs`, `thrift_visit.rs`, each of
//! which includes this file by path): structs up to a depth, every type, lists and sets now and
//! then past the compact short count (14), binaries now and then past the compact one-byte length
//! (127) and the encoder's 512-byte stage.
#![allow(dead_code)] // each test binary uses one kind of doubles

use msgwire::thrift::{List, Map, Struct, TType, Value};
use proptest::prelude::*;

/// Which doubles a value holds.
#[derive(Clone, Copy)]
pub enum Doubles {
    /// Normal, subnormal, zero and infinite: values that compare equal to themselves, for
    /// round trips checked with `==`.
    Comparable,
    /// Any bits, NaN too: for checks that compare the bits.
    AnyBits,
}

/// A type; at depth 0 a scalar or a string.
pub fn ttype(depth: u32) -> BoxedStrategy<TType> {
    if depth == 0 {
        prop::sample::select(&TType::ALL[..7]).boxed()
    } else {
        prop::sample::select(&TType::ALL[..]).boxed()
    }
}

fn double(d: Doubles) -> BoxedStrategy<f64> {
    match d {
        Doubles::Comparable => (prop::num::f64::NORMAL
            | prop::num::f64::SUBNORMAL
            | prop::num::f64::ZERO
            | prop::num::f64::INFINITE)
            .boxed(),
        Doubles::AnyBits => any::<f64>().boxed(),
    }
}

/// A struct of up to five fields, nested up to `depth`.
pub fn strukt(depth: u32, doubles: Doubles) -> BoxedStrategy<Struct> {
    prop::collection::vec((any::<i16>(), ttype(depth.saturating_sub(1))), 0..6)
        .prop_flat_map(move |fields| {
            fields
                .into_iter()
                .map(|(id, t)| {
                    value(t, depth.saturating_sub(1), doubles).prop_map(move |v| (id, v))
                })
                .collect::<Vec<_>>()
        })
        .prop_map(|fields| Struct { fields })
        .boxed()
}

/// A value of type `t`, nested up to `depth`.
pub fn value(t: TType, depth: u32, doubles: Doubles) -> BoxedStrategy<Value> {
    let d = depth.saturating_sub(1);
    match t {
        TType::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        TType::Byte => any::<i8>().prop_map(Value::Byte).boxed(),
        TType::I16 => any::<i16>().prop_map(Value::I16).boxed(),
        TType::I32 => any::<i32>().prop_map(Value::I32).boxed(),
        TType::I64 => any::<i64>().prop_map(Value::I64).boxed(),
        TType::Double => double(doubles).prop_map(Value::Double).boxed(),
        TType::Binary => prop_oneof![
            8 => prop::collection::vec(any::<u8>(), 0..20),
            1 => prop::collection::vec(any::<u8>(), 0..1100),
        ]
        .prop_map(Value::Binary)
        .boxed(),
        TType::Uuid => any::<[u8; 16]>().prop_map(Value::Uuid).boxed(),
        TType::Struct => strukt(depth, doubles).prop_map(Value::Struct).boxed(),
        TType::List | TType::Set => (ttype(d), prop_oneof![4 => 0..6usize, 1 => 15..20usize])
            .prop_flat_map(move |(elem, n)| {
                prop::collection::vec(value(elem, d, doubles), n)
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
                prop::collection::vec((value(k, d, doubles), value(v, d, doubles)), 0..4)
                    .prop_map(move |e| Map::new(k, v, e).unwrap())
            })
            .prop_map(Value::Map)
            .boxed(),
    }
}
