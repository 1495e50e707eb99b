//! The schema-less value model: borrowed views over validated bytes ([`ValueRef`],
//! [`StructRef`], [`ListRef`], [`MapRef`]) and their owned twins ([`Value`], [`Struct`],
//! [`List`], [`Map`]).
//!
//! Without the IDL the wire says only the type of each value: a struct is field id → typed
//! value in wire order, `string` and `binary` are both [`ValueRef::Binary`], a list, set or map
//! knows its element types. The views read bytes the scan already validated, so walking them
//! never fails and never allocates; should they meet bytes that are not whole after all (a view
//! built by hand over other bytes), iteration ends early rather than panicking.

use super::scan::skip;
use super::wire::{Cur, TType};
use super::Protocol;

/// A decoded value, borrowing from the input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueRef<'a> {
    /// `bool`.
    Bool(bool),
    /// `byte`.
    Byte(i8),
    /// `i16`.
    I16(i16),
    /// `i32`.
    I32(i32),
    /// `i64`.
    I64(i64),
    /// `double`.
    Double(f64),
    /// `string` or `binary`.
    Binary(&'a [u8]),
    /// `uuid`, in wire (big-endian) order.
    Uuid([u8; 16]),
    /// `struct`, `union`, `exception`.
    Struct(StructRef<'a>),
    /// `list`.
    List(ListRef<'a>),
    /// `set` (elements in wire order; duplicates are not checked: the wire allows them).
    Set(ListRef<'a>),
    /// `map` (entries in wire order).
    Map(MapRef<'a>),
}

impl<'a> ValueRef<'a> {
    /// The value's type.
    pub fn ttype(&self) -> TType {
        match self {
            ValueRef::Bool(_) => TType::Bool,
            ValueRef::Byte(_) => TType::Byte,
            ValueRef::I16(_) => TType::I16,
            ValueRef::I32(_) => TType::I32,
            ValueRef::I64(_) => TType::I64,
            ValueRef::Double(_) => TType::Double,
            ValueRef::Binary(_) => TType::Binary,
            ValueRef::Uuid(_) => TType::Uuid,
            ValueRef::Struct(_) => TType::Struct,
            ValueRef::List(_) => TType::List,
            ValueRef::Set(_) => TType::Set,
            ValueRef::Map(_) => TType::Map,
        }
    }

    /// The bytes of a string or binary, as UTF-8 text if they are.
    pub fn as_str(&self) -> Option<&'a str> {
        match self {
            ValueRef::Binary(b) => std::str::from_utf8(b).ok(),
            _ => None,
        }
    }

    /// An owned copy.
    pub fn into_owned(self) -> Value {
        match self {
            ValueRef::Bool(b) => Value::Bool(b),
            ValueRef::Byte(n) => Value::Byte(n),
            ValueRef::I16(n) => Value::I16(n),
            ValueRef::I32(n) => Value::I32(n),
            ValueRef::I64(n) => Value::I64(n),
            ValueRef::Double(f) => Value::Double(f),
            ValueRef::Binary(b) => Value::Binary(b.to_vec()),
            ValueRef::Uuid(u) => Value::Uuid(u),
            ValueRef::Struct(s) => Value::Struct(s.into_owned()),
            ValueRef::List(l) => Value::List(l.into_owned()),
            ValueRef::Set(l) => Value::Set(l.into_owned()),
            ValueRef::Map(m) => Value::Map(m.into_owned()),
        }
    }
}

/// Reads the validated value of type `t` at `buf[pos..]`: the value and where it ends.
pub(crate) fn read_value(
    buf: &[u8],
    pos: usize,
    t: TType,
    protocol: Protocol,
) -> Option<(ValueRef<'_>, usize)> {
    let mut cur = Cur::new(buf, pos);
    let binary = protocol == Protocol::Binary;
    let v = match t {
        // Lenient reading of what the scan accepted: binary non-zero is true (as C++ reads
        // it), compact 1 is true (as C++ and Java read it).
        TType::Bool => {
            let b = cur.u8().ok()?;
            ValueRef::Bool(if binary { b != 0 } else { b == 1 })
        }
        TType::Byte => ValueRef::Byte(cur.u8().ok()? as i8),
        TType::I16 => ValueRef::I16(if binary {
            cur.be_i16().ok()?
        } else {
            cur.zigzag16().ok()?
        }),
        TType::I32 => ValueRef::I32(if binary {
            cur.be_i32().ok()?
        } else {
            cur.zigzag32().ok()?
        }),
        TType::I64 => ValueRef::I64(if binary {
            i64::from_be_bytes(cur.array().ok()?)
        } else {
            cur.zigzag64().ok()?
        }),
        // "the binary protocol encodes the int64 in 8 bytes in big endian order, the compact
        // protocol encodes it in little endian order".
        TType::Double => {
            let b: [u8; 8] = cur.array().ok()?;
            ValueRef::Double(if binary {
                f64::from_be_bytes(b)
            } else {
                f64::from_le_bytes(b)
            })
        }
        TType::Uuid => ValueRef::Uuid(cur.array().ok()?),
        TType::Binary => {
            let n = if binary {
                usize::try_from(cur.be_i32().ok()?).ok()?
            } else {
                cur.varint(32).ok()? as usize
            };
            ValueRef::Binary(cur.take(n).ok()?)
        }
        TType::Struct => {
            let end = skip(buf, pos, t, protocol)?;
            return Some((
                ValueRef::Struct(StructRef::new(buf.get(pos..end)?, protocol)),
                end,
            ));
        }
        TType::List | TType::Set => {
            let end = skip(buf, pos, t, protocol)?;
            let (elem, len) = if binary {
                let id = cur.u8().ok()?;
                let n = cur.be_i32().ok()?;
                (TType::from_binary_id(id)?, u32::try_from(n).ok()?)
            } else {
                let b = cur.u8().ok()?;
                let n = if b >> 4 == 15 {
                    cur.varint(32).ok()? as u32
                } else {
                    u32::from(b >> 4)
                };
                (TType::from_compact_id(b & 0x0f)?, n)
            };
            let l = ListRef {
                elem,
                len,
                bytes: buf.get(cur.pos..end)?,
                protocol,
            };
            let v = if t == TType::List {
                ValueRef::List(l)
            } else {
                ValueRef::Set(l)
            };
            return Some((v, end));
        }
        TType::Map => {
            let end = skip(buf, pos, t, protocol)?;
            let (key, value, len) = if binary {
                let [k, v] = cur.array().ok()?;
                let n = cur.be_i32().ok()?;
                (
                    TType::from_binary_id(k)?,
                    TType::from_binary_id(v)?,
                    u32::try_from(n).ok()?,
                )
            } else {
                let n = cur.varint(32).ok()? as u32;
                if n == 0 {
                    (TType::Bool, TType::Bool, 0)
                } else {
                    let b = cur.u8().ok()?;
                    (
                        TType::from_compact_id(b >> 4)?,
                        TType::from_compact_id(b & 0x0f)?,
                        n,
                    )
                }
            };
            let m = MapRef {
                key,
                value,
                len,
                bytes: buf.get(cur.pos..end)?,
                protocol,
            };
            return Some((ValueRef::Map(m), end));
        }
    };
    Some((v, cur.pos))
}

/// A struct read in place: its fields (and the STOP byte), validated.
#[derive(Clone, Copy, PartialEq)]
pub struct StructRef<'a> {
    bytes: &'a [u8],
    protocol: Protocol,
}

impl std::fmt::Debug for StructRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<'a> StructRef<'a> {
    pub(crate) fn new(bytes: &'a [u8], protocol: Protocol) -> Self {
        StructRef { bytes, protocol }
    }

    /// The encoded fields and STOP byte.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The protocol the bytes are in.
    pub fn protocol(&self) -> Protocol {
        self.protocol
    }

    /// The fields in wire order: (field id, value).
    pub fn iter(&self) -> FieldIter<'a> {
        FieldIter {
            bytes: self.bytes,
            pos: 0,
            last_id: 0,
            protocol: self.protocol,
        }
    }

    /// The first field with this id.
    pub fn get(&self, id: i16) -> Option<ValueRef<'a>> {
        self.iter().find(|(i, _)| *i == id).map(|(_, v)| v)
    }

    /// Whether the struct has no fields.
    pub fn is_empty(&self) -> bool {
        self.bytes.first().is_none_or(|&b| b == 0)
    }

    /// An owned copy.
    pub fn into_owned(self) -> Struct {
        Struct {
            fields: self.iter().map(|(id, v)| (id, v.into_owned())).collect(),
        }
    }
}

impl<'a> IntoIterator for StructRef<'a> {
    type Item = (i16, ValueRef<'a>);
    type IntoIter = FieldIter<'a>;
    fn into_iter(self) -> FieldIter<'a> {
        self.iter()
    }
}

/// The fields of a [`StructRef`].
#[derive(Debug, Clone)]
pub struct FieldIter<'a> {
    bytes: &'a [u8],
    pos: usize,
    last_id: i16,
    protocol: Protocol,
}

impl<'a> Iterator for FieldIter<'a> {
    type Item = (i16, ValueRef<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let mut cur = Cur::new(self.bytes, self.pos);
        let b = cur.u8().ok()?;
        if b == 0 {
            return None;
        }
        let (id, out) = match self.protocol {
            Protocol::Binary => {
                let t = TType::from_binary_id(b)?;
                let id = cur.be_i16().ok()?;
                (id, read_value(self.bytes, cur.pos, t, self.protocol)?)
            }
            Protocol::Compact => {
                let delta = b >> 4;
                let tn = b & 0x0f;
                let id = if delta == 0 {
                    cur.zigzag16().ok()?
                } else {
                    self.last_id.checked_add(i16::from(delta))?
                };
                match tn {
                    1 | 2 => (id, (ValueRef::Bool(tn == 1), cur.pos)),
                    _ => {
                        let t = TType::from_compact_id(tn)?;
                        (id, read_value(self.bytes, cur.pos, t, self.protocol)?)
                    }
                }
            }
        };
        self.last_id = id;
        self.pos = out.1;
        Some((id, out.0))
    }
}

/// A list or set read in place.
#[derive(Clone, Copy, PartialEq)]
pub struct ListRef<'a> {
    elem: TType,
    len: u32,
    bytes: &'a [u8],
    protocol: Protocol,
}

impl std::fmt::Debug for ListRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> ListRef<'a> {
    /// The element type.
    pub fn elem_type(&self) -> TType {
        self.elem
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The elements in wire order.
    pub fn iter(&self) -> ElemIter<'a> {
        ElemIter {
            list: *self,
            pos: 0,
            left: self.len,
        }
    }

    /// An owned copy.
    pub fn into_owned(self) -> List {
        List {
            elem: self.elem,
            items: self.iter().map(ValueRef::into_owned).collect(),
        }
    }
}

impl<'a> IntoIterator for ListRef<'a> {
    type Item = ValueRef<'a>;
    type IntoIter = ElemIter<'a>;
    fn into_iter(self) -> ElemIter<'a> {
        self.iter()
    }
}

/// The elements of a [`ListRef`].
#[derive(Debug, Clone)]
pub struct ElemIter<'a> {
    list: ListRef<'a>,
    pos: usize,
    left: u32,
}

impl<'a> Iterator for ElemIter<'a> {
    type Item = ValueRef<'a>;

    fn next(&mut self) -> Option<ValueRef<'a>> {
        if self.left == 0 {
            return None;
        }
        let (v, end) = read_value(
            self.list.bytes,
            self.pos,
            self.list.elem,
            self.list.protocol,
        )?;
        self.pos = end;
        self.left -= 1;
        Some(v)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.left as usize))
    }
}

/// A map read in place.
#[derive(Clone, Copy, PartialEq)]
pub struct MapRef<'a> {
    key: TType,
    value: TType,
    len: u32,
    bytes: &'a [u8],
    protocol: Protocol,
}

impl std::fmt::Debug for MapRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> MapRef<'a> {
    /// The key type (for an empty compact map, which carries none: [`TType::Bool`]).
    pub fn key_type(&self) -> TType {
        self.key
    }

    /// The value type (for an empty compact map, which carries none: [`TType::Bool`]).
    pub fn value_type(&self) -> TType {
        self.value
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The entries in wire order.
    pub fn iter(&self) -> EntryIter<'a> {
        EntryIter {
            map: *self,
            pos: 0,
            left: self.len,
        }
    }

    /// An owned copy.
    pub fn into_owned(self) -> Map {
        Map {
            key: self.key,
            value: self.value,
            entries: self
                .iter()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        }
    }
}

impl<'a> IntoIterator for MapRef<'a> {
    type Item = (ValueRef<'a>, ValueRef<'a>);
    type IntoIter = EntryIter<'a>;
    fn into_iter(self) -> EntryIter<'a> {
        self.iter()
    }
}

/// The entries of a [`MapRef`].
#[derive(Debug, Clone)]
pub struct EntryIter<'a> {
    map: MapRef<'a>,
    pos: usize,
    left: u32,
}

impl<'a> Iterator for EntryIter<'a> {
    type Item = (ValueRef<'a>, ValueRef<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        let m = &self.map;
        let (k, end) = read_value(m.bytes, self.pos, m.key, m.protocol)?;
        let (v, end) = read_value(m.bytes, end, m.value, m.protocol)?;
        self.pos = end;
        self.left -= 1;
        Some((k, v))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.left as usize))
    }
}

/// An owned value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `bool`.
    Bool(bool),
    /// `byte`.
    Byte(i8),
    /// `i16`.
    I16(i16),
    /// `i32`.
    I32(i32),
    /// `i64`.
    I64(i64),
    /// `double`.
    Double(f64),
    /// `string` or `binary`.
    Binary(Vec<u8>),
    /// `uuid`.
    Uuid([u8; 16]),
    /// `struct`, `union`, `exception`.
    Struct(Struct),
    /// `list`.
    List(List),
    /// `set`.
    Set(List),
    /// `map`.
    Map(Map),
}

impl Value {
    /// The value's type.
    pub fn ttype(&self) -> TType {
        match self {
            Value::Bool(_) => TType::Bool,
            Value::Byte(_) => TType::Byte,
            Value::I16(_) => TType::I16,
            Value::I32(_) => TType::I32,
            Value::I64(_) => TType::I64,
            Value::Double(_) => TType::Double,
            Value::Binary(_) => TType::Binary,
            Value::Uuid(_) => TType::Uuid,
            Value::Struct(_) => TType::Struct,
            Value::List(_) => TType::List,
            Value::Set(_) => TType::Set,
            Value::Map(_) => TType::Map,
        }
    }

    /// The bytes of a string or binary, as UTF-8 text if they are.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Binary(b) => std::str::from_utf8(b).ok(),
            _ => None,
        }
    }
}

macro_rules! value_from {
    ($($t:ty => $v:ident),*) => {$(
        impl From<$t> for Value {
            fn from(x: $t) -> Value {
                Value::$v(x.into())
            }
        }
    )*};
}
value_from!(bool => Bool, i8 => Byte, i16 => I16, i32 => I32, i64 => I64, f64 => Double,
    Vec<u8> => Binary, &[u8] => Binary, String => Binary, &str => Binary, Struct => Struct,
    Map => Map);

/// An owned struct: fields in the order they are written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Struct {
    /// (field id, value), in wire order.
    pub fields: Vec<(i16, Value)>,
}

impl Struct {
    /// A struct with no fields.
    pub fn new() -> Self {
        Struct::default()
    }

    /// This struct with one more field.
    pub fn with(mut self, id: i16, value: impl Into<Value>) -> Self {
        self.fields.push((id, value.into()));
        self
    }

    /// The first field with this id.
    pub fn get(&self, id: i16) -> Option<&Value> {
        self.fields.iter().find(|(i, _)| *i == id).map(|(_, v)| v)
    }
}

/// An element whose type is not the container's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("element {index} is a {found}, the container holds {expected}")]
pub struct TypeMismatch {
    /// The element's position (for a map: key or value of entry `index`).
    pub index: usize,
    /// The container's declared type.
    pub expected: &'static str,
    /// The element's type.
    pub found: &'static str,
}

fn check_type(index: usize, expected: TType, v: &Value) -> Result<(), TypeMismatch> {
    if v.ttype() == expected {
        Ok(())
    } else {
        Err(TypeMismatch {
            index,
            expected: expected.name(),
            found: v.ttype().name(),
        })
    }
}

/// An owned list or set: the element type, and elements all of that type.
#[derive(Debug, Clone, PartialEq)]
pub struct List {
    elem: TType,
    items: Vec<Value>,
}

impl List {
    /// A list of `items`, all of type `elem`.
    pub fn new(elem: TType, items: Vec<Value>) -> Result<List, TypeMismatch> {
        for (i, v) in items.iter().enumerate() {
            check_type(i, elem, v)?;
        }
        Ok(List { elem, items })
    }

    /// The element type.
    pub fn elem_type(&self) -> TType {
        self.elem
    }

    /// The elements.
    pub fn items(&self) -> &[Value] {
        &self.items
    }

    /// The elements, taken out.
    pub fn into_items(self) -> Vec<Value> {
        self.items
    }
}

/// An owned map: key and value types, and entries of those types.
#[derive(Debug, Clone, PartialEq)]
pub struct Map {
    key: TType,
    value: TType,
    entries: Vec<(Value, Value)>,
}

impl Map {
    /// A map of `entries`, keys of type `key` and values of type `value`.
    pub fn new(
        key: TType,
        value: TType,
        entries: Vec<(Value, Value)>,
    ) -> Result<Map, TypeMismatch> {
        for (i, (k, v)) in entries.iter().enumerate() {
            check_type(i, key, k)?;
            check_type(i, value, v)?;
        }
        Ok(Map {
            key,
            value,
            entries,
        })
    }

    /// The key type.
    pub fn key_type(&self) -> TType {
        self.key
    }

    /// The value type.
    pub fn value_type(&self) -> TType {
        self.value
    }

    /// The entries, in order.
    pub fn entries(&self) -> &[(Value, Value)] {
        &self.entries
    }
}
