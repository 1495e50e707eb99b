//! Writing values in either protocol, from owned values or borrowed views alike (so a message
//! can be re-encoded, or moved to the other protocol, without an owned copy).

use super::value::{ListRef, Map, MapRef, Struct, StructRef, Value, ValueRef};
use super::wire::{put_varint, varint_len, zigzag32, zigzag64, TType};
use super::Protocol;
use bytes::BufMut;

/// A primitive, for the writers both value models share.
enum Prim<'x> {
    Bool(bool),
    Byte(i8),
    I16(i16),
    I32(i32),
    I64(i64),
    Double(f64),
    Binary(&'x [u8]),
    Uuid([u8; 16]),
}

fn put_prim(p: Prim<'_>, protocol: Protocol, dst: &mut impl BufMut) {
    let binary = protocol == Protocol::Binary;
    match p {
        // Compact elements: 1 true, 2 false, as the reference implementations write them
        // (the spec text says 0 for false; both are read).
        Prim::Bool(b) => dst.put_u8(match (binary, b) {
            (_, true) => 1,
            (true, false) => 0,
            (false, false) => 2,
        }),
        Prim::Byte(n) => dst.put_i8(n),
        Prim::I16(n) if binary => dst.put_i16(n),
        Prim::I32(n) if binary => dst.put_i32(n),
        Prim::I64(n) if binary => dst.put_i64(n),
        Prim::I16(n) => put_varint(dst, zigzag32(i32::from(n))),
        Prim::I32(n) => put_varint(dst, zigzag32(n)),
        Prim::I64(n) => put_varint(dst, zigzag64(n)),
        Prim::Double(f) if binary => dst.put_f64(f),
        Prim::Double(f) => dst.put_f64_le(f),
        Prim::Binary(b) => {
            if binary {
                dst.put_i32(b.len() as i32);
            } else {
                put_varint(dst, b.len() as u64);
            }
            dst.put_slice(b);
        }
        Prim::Uuid(u) => dst.put_slice(&u),
    }
}

fn prim_len(p: Prim<'_>, protocol: Protocol) -> usize {
    let binary = protocol == Protocol::Binary;
    match p {
        Prim::Bool(_) | Prim::Byte(_) => 1,
        Prim::I16(_) if binary => 2,
        Prim::I32(_) if binary => 4,
        Prim::I64(_) | Prim::Double(_) if binary => 8,
        Prim::I16(n) => varint_len(zigzag32(i32::from(n))),
        Prim::I32(n) => varint_len(zigzag32(n)),
        Prim::I64(n) => varint_len(zigzag64(n)),
        Prim::Double(_) => 8,
        Prim::Binary(b) if binary => 4 + b.len(),
        Prim::Binary(b) => varint_len(b.len() as u64) + b.len(),
        Prim::Uuid(_) => 16,
    }
}

/// A field header; for a compact bool field the value is the header (`bool_value`).
fn put_field_header(
    t: TType,
    id: i16,
    last_id: i16,
    bool_value: Option<bool>,
    protocol: Protocol,
    dst: &mut impl BufMut,
) {
    match protocol {
        Protocol::Binary => {
            dst.put_u8(t.binary_id());
            dst.put_i16(id);
        }
        Protocol::Compact => {
            let tn = match bool_value {
                Some(true) => 1,
                Some(false) => 2,
                None => t.compact_id(),
            };
            let delta = i32::from(id) - i32::from(last_id);
            if (1..=15).contains(&delta) {
                dst.put_u8(((delta as u8) << 4) | tn);
            } else {
                dst.put_u8(tn);
                put_varint(dst, zigzag32(i32::from(id)));
            }
        }
    }
}

fn field_header_len(id: i16, last_id: i16, protocol: Protocol) -> usize {
    match protocol {
        Protocol::Binary => 3,
        Protocol::Compact => {
            let delta = i32::from(id) - i32::from(last_id);
            if (1..=15).contains(&delta) {
                1
            } else {
                1 + varint_len(zigzag32(i32::from(id)))
            }
        }
    }
}

fn put_seq_header(elem: TType, n: usize, protocol: Protocol, dst: &mut impl BufMut) {
    match protocol {
        Protocol::Binary => {
            dst.put_u8(elem.binary_id());
            dst.put_i32(n as i32);
        }
        Protocol::Compact if n < 15 => dst.put_u8(((n as u8) << 4) | elem.compact_id()),
        Protocol::Compact => {
            dst.put_u8(0xf0 | elem.compact_id());
            put_varint(dst, n as u64);
        }
    }
}

fn seq_header_len(n: usize, protocol: Protocol) -> usize {
    match protocol {
        Protocol::Binary => 5,
        Protocol::Compact if n < 15 => 1,
        Protocol::Compact => 1 + varint_len(n as u64),
    }
}

fn put_map_header(k: TType, v: TType, n: usize, protocol: Protocol, dst: &mut impl BufMut) {
    match protocol {
        Protocol::Binary => {
            dst.put_u8(k.binary_id());
            dst.put_u8(v.binary_id());
            dst.put_i32(n as i32);
        }
        Protocol::Compact => {
            put_varint(dst, n as u64);
            if n > 0 {
                dst.put_u8((k.compact_id() << 4) | v.compact_id());
            }
        }
    }
}

fn map_header_len(n: usize, protocol: Protocol) -> usize {
    match protocol {
        Protocol::Binary => 6,
        Protocol::Compact if n == 0 => 1,
        Protocol::Compact => varint_len(n as u64) + 1,
    }
}

// ---- owned values ----

pub(crate) fn put_value(v: &Value, protocol: Protocol, dst: &mut impl BufMut) {
    match protocol {
        Protocol::Binary => put_value_binary(v, dst),
        Protocol::Compact => put_value_compact(v, dst),
    }
}

/// [`put_value`] in the compact protocol.
fn put_value_compact(v: &Value, dst: &mut impl BufMut) {
    match v {
        Value::Bool(b) => dst.put_u8(if *b { 1 } else { 2 }),
        Value::Byte(n) => dst.put_i8(*n),
        Value::I16(n) => put_varint(dst, zigzag32(i32::from(*n))),
        Value::I32(n) => put_varint(dst, zigzag32(*n)),
        Value::I64(n) => put_varint(dst, zigzag64(*n)),
        Value::Double(f) => dst.put_f64_le(*f),
        Value::Binary(b) => {
            put_varint(dst, b.len() as u64);
            dst.put_slice(b);
        }
        Value::Uuid(u) => dst.put_slice(u),
        Value::Struct(s) => put_struct(s, Protocol::Compact, dst),
        Value::List(l) | Value::Set(l) => {
            put_seq_header(l.elem_type(), l.items().len(), Protocol::Compact, dst);
            for x in l.items() {
                put_value_compact(x, dst);
            }
        }
        Value::Map(m) => put_map(m, Protocol::Compact, dst),
    }
}

/// [`put_value`] in the binary protocol: one match, no detour through [`Prim`].
fn put_value_binary(v: &Value, dst: &mut impl BufMut) {
    match v {
        Value::Bool(b) => dst.put_u8(u8::from(*b)),
        Value::Byte(n) => dst.put_i8(*n),
        Value::I16(n) => dst.put_i16(*n),
        Value::I32(n) => dst.put_i32(*n),
        Value::I64(n) => dst.put_i64(*n),
        Value::Double(f) => dst.put_f64(*f),
        Value::Binary(b) => {
            dst.put_i32(b.len() as i32);
            dst.put_slice(b);
        }
        Value::Uuid(u) => dst.put_slice(u),
        Value::Struct(s) => put_struct_binary(s, dst),
        Value::List(l) | Value::Set(l) => {
            dst.put_u8(l.elem_type().binary_id());
            dst.put_i32(l.items().len() as i32);
            for x in l.items() {
                put_value_binary(x, dst);
            }
        }
        Value::Map(m) => {
            dst.put_u8(m.key_type().binary_id());
            dst.put_u8(m.value_type().binary_id());
            dst.put_i32(m.entries().len() as i32);
            for (k, v) in m.entries() {
                put_value_binary(k, dst);
                put_value_binary(v, dst);
            }
        }
    }
}

fn put_struct_binary(s: &Struct, dst: &mut impl BufMut) {
    for (id, v) in &s.fields {
        dst.put_u8(v.ttype().binary_id());
        dst.put_i16(*id);
        put_value_binary(v, dst);
    }
    dst.put_u8(0);
}

pub(crate) fn value_len(v: &Value, protocol: Protocol) -> usize {
    match protocol {
        Protocol::Binary => value_len_binary(v),
        Protocol::Compact => value_len_compact(v),
    }
}

/// [`value_len`] in the binary protocol: one match per value, no detour through [`Prim`].
fn value_len_binary(v: &Value) -> usize {
    match v {
        Value::Bool(_) | Value::Byte(_) => 1,
        Value::I16(_) => 2,
        Value::I32(_) => 4,
        Value::I64(_) | Value::Double(_) => 8,
        Value::Binary(b) => 4 + b.len(),
        Value::Uuid(_) => 16,
        Value::Struct(s) => struct_len_binary(s),
        Value::List(l) | Value::Set(l) => 5 + seq_len_binary(l.elem_type(), l.items()),
        Value::Map(m) => {
            let (k, v) = (m.key_type(), m.value_type());
            let entries = m.entries();
            match (fixed_len_binary(k), fixed_len_binary(v)) {
                (Some(a), Some(b)) => 6 + entries.len() * (a + b),
                _ => {
                    6 + entries
                        .iter()
                        .map(|(k, v)| value_len_binary(k) + value_len_binary(v))
                        .sum::<usize>()
                }
            }
        }
    }
}

/// The size of every value of type `t` in the binary protocol, if they all have one.
#[inline]
fn fixed_len_binary(t: TType) -> Option<usize> {
    match t {
        TType::Bool | TType::Byte => Some(1),
        TType::I16 => Some(2),
        TType::I32 => Some(4),
        TType::I64 | TType::Double => Some(8),
        TType::Uuid => Some(16),
        _ => None,
    }
}

/// The elements of a list or set of type `elem`, binary: fixed-size elements multiplied out,
/// strings summed without a dispatch per element.
fn seq_len_binary(elem: TType, items: &[Value]) -> usize {
    if let Some(n) = fixed_len_binary(elem) {
        return items.len() * n;
    }
    if elem == TType::Binary {
        return items
            .iter()
            .map(|x| match x {
                Value::Binary(b) => 4 + b.len(),
                x => value_len_binary(x),
            })
            .sum();
    }
    items.iter().map(value_len_binary).sum()
}

fn struct_len_binary(s: &Struct) -> usize {
    1 + s
        .fields
        .iter()
        .map(|(_, v)| 3 + value_len_binary(v))
        .sum::<usize>()
}

/// [`value_len`] in the compact protocol.
fn value_len_compact(v: &Value) -> usize {
    match v {
        Value::Bool(_) | Value::Byte(_) => 1,
        Value::I16(n) => varint_len(zigzag32(i32::from(*n))),
        Value::I32(n) => varint_len(zigzag32(*n)),
        Value::I64(n) => varint_len(zigzag64(*n)),
        Value::Double(_) => 8,
        Value::Binary(b) => varint_len(b.len() as u64) + b.len(),
        Value::Uuid(_) => 16,
        Value::Struct(s) => struct_len_compact(s),
        Value::List(l) | Value::Set(l) => {
            seq_header_len(l.items().len(), Protocol::Compact)
                + l.items().iter().map(value_len_compact).sum::<usize>()
        }
        Value::Map(m) => {
            map_header_len(m.entries().len(), Protocol::Compact)
                + m.entries()
                    .iter()
                    .map(|(k, v)| value_len_compact(k) + value_len_compact(v))
                    .sum::<usize>()
        }
    }
}

fn struct_len_compact(s: &Struct) -> usize {
    let mut last = 0;
    let mut n = 1;
    for (id, v) in &s.fields {
        n += field_header_len(*id, last, Protocol::Compact);
        if !matches!(v, Value::Bool(_)) {
            n += value_len_compact(v);
        }
        last = *id;
    }
    n
}

pub(crate) fn put_struct(s: &Struct, protocol: Protocol, dst: &mut impl BufMut) {
    if protocol == Protocol::Binary {
        return put_struct_binary(s, dst);
    }
    let mut last = 0;
    for (id, v) in &s.fields {
        let bool_value = match (protocol, v) {
            (Protocol::Compact, Value::Bool(b)) => Some(*b),
            _ => None,
        };
        put_field_header(v.ttype(), *id, last, bool_value, protocol, dst);
        if bool_value.is_none() {
            put_value_compact(v, dst);
        }
        last = *id;
    }
    dst.put_u8(0);
}

pub(crate) fn struct_len(s: &Struct, protocol: Protocol) -> usize {
    match protocol {
        Protocol::Binary => struct_len_binary(s),
        Protocol::Compact => struct_len_compact(s),
    }
}

fn put_map(m: &Map, protocol: Protocol, dst: &mut impl BufMut) {
    put_map_header(
        m.key_type(),
        m.value_type(),
        m.entries().len(),
        protocol,
        dst,
    );
    for (k, v) in m.entries() {
        put_value(k, protocol, dst);
        put_value(v, protocol, dst);
    }
}

// ---- borrowed views ----

fn ref_prim<'x>(v: &ValueRef<'x>) -> Option<Prim<'x>> {
    Some(match *v {
        ValueRef::Bool(b) => Prim::Bool(b),
        ValueRef::Byte(n) => Prim::Byte(n),
        ValueRef::I16(n) => Prim::I16(n),
        ValueRef::I32(n) => Prim::I32(n),
        ValueRef::I64(n) => Prim::I64(n),
        ValueRef::Double(f) => Prim::Double(f),
        ValueRef::Binary(b) => Prim::Binary(b),
        ValueRef::Uuid(u) => Prim::Uuid(u),
        _ => return None,
    })
}

pub(crate) fn put_value_ref(v: ValueRef<'_>, protocol: Protocol, dst: &mut impl BufMut) {
    if let Some(p) = ref_prim(&v) {
        return put_prim(p, protocol, dst);
    }
    match v {
        ValueRef::Struct(s) => put_struct_ref(s, protocol, dst),
        ValueRef::List(l) | ValueRef::Set(l) => put_list_ref(l, protocol, dst),
        ValueRef::Map(m) => put_map_ref(m, protocol, dst),
        _ => {}
    }
}

pub(crate) fn value_ref_len(v: ValueRef<'_>, protocol: Protocol) -> usize {
    if let Some(p) = ref_prim(&v) {
        return prim_len(p, protocol);
    }
    match v {
        ValueRef::Struct(s) => struct_ref_len(s, protocol),
        ValueRef::List(l) | ValueRef::Set(l) => {
            seq_header_len(l.len(), protocol)
                + l.iter().map(|x| value_ref_len(x, protocol)).sum::<usize>()
        }
        ValueRef::Map(m) => {
            map_header_len(m.len(), protocol)
                + m.iter()
                    .map(|(k, v)| value_ref_len(k, protocol) + value_ref_len(v, protocol))
                    .sum::<usize>()
        }
        _ => 0,
    }
}

pub(crate) fn put_struct_ref(s: StructRef<'_>, protocol: Protocol, dst: &mut impl BufMut) {
    if s.protocol() == protocol {
        // Already in this protocol, and validated: the bytes are the encoding.
        dst.put_slice(s.as_bytes());
        return;
    }
    let mut last = 0;
    for (id, v) in s.iter() {
        let bool_value = match (protocol, v) {
            (Protocol::Compact, ValueRef::Bool(b)) => Some(b),
            _ => None,
        };
        put_field_header(v.ttype(), id, last, bool_value, protocol, dst);
        if bool_value.is_none() {
            put_value_ref(v, protocol, dst);
        }
        last = id;
    }
    dst.put_u8(0);
}

pub(crate) fn struct_ref_len(s: StructRef<'_>, protocol: Protocol) -> usize {
    if s.protocol() == protocol {
        return s.as_bytes().len();
    }
    let mut last = 0;
    let mut n = 1;
    for (id, v) in s.iter() {
        n += field_header_len(id, last, protocol);
        if !(protocol == Protocol::Compact && matches!(v, ValueRef::Bool(_))) {
            n += value_ref_len(v, protocol);
        }
        last = id;
    }
    n
}

fn put_list_ref(l: ListRef<'_>, protocol: Protocol, dst: &mut impl BufMut) {
    put_seq_header(l.elem_type(), l.len(), protocol, dst);
    for x in l.iter() {
        put_value_ref(x, protocol, dst);
    }
}

fn put_map_ref(m: MapRef<'_>, protocol: Protocol, dst: &mut impl BufMut) {
    put_map_header(m.key_type(), m.value_type(), m.len(), protocol, dst);
    for (k, v) in m.iter() {
        put_value_ref(k, protocol, dst);
        put_value_ref(v, protocol, dst);
    }
}

impl Value {
    /// Writes the value (without a field header) in `protocol`.
    pub fn encode(&self, protocol: Protocol, dst: &mut impl BufMut) {
        put_value(self, protocol, dst);
    }

    /// The value's encoding in `protocol`.
    pub fn to_vec(&self, protocol: Protocol) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len(protocol));
        self.encode(protocol, &mut out);
        out
    }

    /// Bytes [`Value::encode`] writes.
    pub fn encoded_len(&self, protocol: Protocol) -> usize {
        value_len(self, protocol)
    }
}

impl ValueRef<'_> {
    /// Writes the value (without a field header) in `protocol`.
    pub fn encode(&self, protocol: Protocol, dst: &mut impl BufMut) {
        put_value_ref(*self, protocol, dst);
    }

    /// The value's encoding in `protocol`.
    pub fn to_vec(&self, protocol: Protocol) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len(protocol));
        self.encode(protocol, &mut out);
        out
    }

    /// Bytes [`ValueRef::encode`] writes.
    pub fn encoded_len(&self, protocol: Protocol) -> usize {
        value_ref_len(*self, protocol)
    }
}

impl Struct {
    /// Writes the struct's fields and STOP in `protocol`.
    pub fn encode(&self, protocol: Protocol, dst: &mut impl BufMut) {
        put_struct(self, protocol, dst);
    }

    /// The struct's encoding in `protocol`.
    pub fn to_vec(&self, protocol: Protocol) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len(protocol));
        self.encode(protocol, &mut out);
        out
    }

    /// Bytes [`Struct::encode`] writes.
    pub fn encoded_len(&self, protocol: Protocol) -> usize {
        struct_len(self, protocol)
    }
}
