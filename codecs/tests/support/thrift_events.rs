//! The visitor against the views: one event per callback ([`Visit`]), and the same events
//! built from a walk over the [`ValueRef`] views. One source for the codec's tests
//! (`codecs/tests/thrift_visit.rs`) and the `thrift_visit` fuzz target (`fuzz/src/thrift.rs`),
//! each of which includes it by path.

use msgwire::thrift::{Error, TType, ValueRef, Visit};

/// One callback of a walk (a double as its bits: NaN).
#[derive(Debug, Clone, PartialEq)]
pub enum Ev<'a> {
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

/// The events the views give for `v`.
pub fn of_views<'a>(v: ValueRef<'a>, out: &mut Vec<Ev<'a>>) {
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
                of_views(v, out);
            }
            out.push(Ev::StructEnd);
        }
        ValueRef::List(l) => {
            out.push(Ev::ListBegin(l.elem_type(), l.len()));
            l.iter().for_each(|v| of_views(v, out));
            out.push(Ev::ListEnd);
        }
        ValueRef::Set(l) => {
            out.push(Ev::SetBegin(l.elem_type(), l.len()));
            l.iter().for_each(|v| of_views(v, out));
            out.push(Ev::SetEnd);
        }
        ValueRef::Map(m) => {
            out.push(Ev::MapBegin(m.key_type(), m.value_type(), m.len()));
            for (k, v) in m.iter() {
                of_views(k, out);
                of_views(v, out);
            }
            out.push(Ev::MapEnd);
        }
    }
}

/// A visitor recording every callback; with `stop_at`, the callback of that index fails.
#[derive(Default)]
pub struct Recorder<'a> {
    pub events: Vec<Ev<'a>>,
    pub stop_at: Option<usize>,
}

/// The recorder's own stop, or the codec's error.
#[derive(Debug, PartialEq)]
pub enum RecError {
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
