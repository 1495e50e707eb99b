//! The Neovim profile: typed Buffer/Window/Tabpage handles, `[type, message]` errors, and
//! matching responses (which Neovim may send in any order) to requests.
//!
//! Neovim announces its ext type ids in `nvim_get_api_info`: the result is `[channel_id,
//! metadata]`, and `metadata.types` maps `Buffer`, `Window` and `Tabpage` to `{id, prefix}`.
//! A handle travels as an ext of that type whose payload is the handle number, itself
//! MessagePack-encoded (Neovim `src/nvim/msgpack_rpc/helpers.c`). Errors are `[type, message]`
//! with type 0 (Exception) or 1 (Validation), the ids `metadata.error_types` lists.

use super::value::put_ext;
use super::{Int, Value, ValueRef};
use std::collections::HashMap;

/// Which handle an ext carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HandleKind {
    /// `Buffer`.
    Buffer,
    /// `Window`.
    Window,
    /// `Tabpage`.
    Tabpage,
}

impl HandleKind {
    /// The lower-case name (`buffer`, `window`, `tabpage`).
    pub fn name(self) -> &'static str {
        match self {
            HandleKind::Buffer => "buffer",
            HandleKind::Window => "window",
            HandleKind::Tabpage => "tabpage",
        }
    }
}

/// A Buffer, Window or Tabpage handle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Handle {
    /// Which kind of object.
    pub kind: HandleKind,
    /// The handle number.
    pub id: i64,
}

/// The ext type ids of the three handle kinds, as `nvim_get_api_info` reports them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExtTypes {
    /// Type id of `Buffer`.
    pub buffer: i8,
    /// Type id of `Window`.
    pub window: i8,
    /// Type id of `Tabpage`.
    pub tabpage: i8,
}

impl Default for ExtTypes {
    /// The ids every Neovim release so far has used (0, 1, 2); prefer [`ExtTypes::from_api_info`].
    fn default() -> Self {
        ExtTypes {
            buffer: 0,
            window: 1,
            tabpage: 2,
        }
    }
}

impl ExtTypes {
    /// Reads the ids from the result of `nvim_get_api_info` (`[channel_id, metadata]`) or from
    /// the metadata map itself. `None` if any of the three is missing or not an i8.
    pub fn from_api_info(result: &ValueRef<'_>) -> Option<ExtTypes> {
        let metadata = match result {
            ValueRef::Array(a) => a.get(1)?.as_map()?,
            ValueRef::Map(m) => *m,
            _ => return None,
        };
        let types = metadata.get("types")?.as_map()?;
        let id = |name: &str| -> Option<i8> {
            let i = types.get(name)?.as_map()?.get("id")?.as_int()?;
            i8::try_from(i.as_i64()?).ok()
        };
        Some(ExtTypes {
            buffer: id("Buffer")?,
            window: id("Window")?,
            tabpage: id("Tabpage")?,
        })
    }

    /// The kind whose type id is `type_id`.
    pub fn kind(&self, type_id: i8) -> Option<HandleKind> {
        if type_id == self.buffer {
            Some(HandleKind::Buffer)
        } else if type_id == self.window {
            Some(HandleKind::Window)
        } else if type_id == self.tabpage {
            Some(HandleKind::Tabpage)
        } else {
            None
        }
    }

    /// The type id of `kind`.
    pub fn type_id(&self, kind: HandleKind) -> i8 {
        match kind {
            HandleKind::Buffer => self.buffer,
            HandleKind::Window => self.window,
            HandleKind::Tabpage => self.tabpage,
        }
    }

    /// The handle `value` carries, if it is an ext of one of the three types whose payload is
    /// exactly one MessagePack integer.
    pub fn handle(&self, value: &ValueRef<'_>) -> Option<Handle> {
        let ValueRef::Ext(t, data) = *value else {
            return None;
        };
        let kind = self.kind(t)?;
        let id = ValueRef::from_slice(data).ok()?.as_int()?.as_i64()?;
        Some(Handle { kind, id })
    }

    /// The ext value that carries `handle` (payload in the smallest integer form).
    pub fn to_value(&self, handle: Handle) -> Value {
        let mut data = Vec::with_capacity(9);
        Int::from(handle.id).encode(&mut data);
        Value::Ext(self.type_id(handle.kind), data)
    }

    /// Writes the ext that carries `handle`.
    pub fn encode(&self, handle: Handle, buf: &mut impl bytes::BufMut) {
        let mut data = [0u8; 9];
        let mut w = &mut data[..];
        Int::from(handle.id).encode(&mut w);
        let n = 9 - w.len();
        put_ext(buf, self.type_id(handle.kind), &data[..n]);
    }
}

/// An error as Neovim sends it in a response: `[type, message]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NvimError<'a> {
    /// 0: Exception, 1: Validation (the ids of `metadata.error_types`).
    pub kind: i64,
    /// The message.
    pub message: &'a str,
}

impl<'a> NvimError<'a> {
    /// Exception (a Vim error while running the call).
    pub const EXCEPTION: i64 = 0;
    /// Validation (bad arguments, unknown method).
    pub const VALIDATION: i64 = 1;

    /// Reads `[type, message]`; `None` for any other shape.
    pub fn from_value(value: &ValueRef<'a>) -> Option<NvimError<'a>> {
        let a = value.as_array()?;
        if a.len() != 2 {
            return None;
        }
        let mut it = a.iter();
        let kind = it.next()?.as_int()?.as_i64()?;
        let message = it.next()?.as_str()?;
        Some(NvimError { kind, message })
    }
}

/// Requests in flight, matched to their responses by msgid (responses may come in any order).
#[derive(Debug)]
pub struct Calls<T> {
    next: u32,
    pending: HashMap<u32, T>,
    max_in_flight: usize,
}

impl<T> Calls<T> {
    /// A tracker allowing at most `max_in_flight` outstanding requests.
    pub fn new(max_in_flight: usize) -> Self {
        Calls {
            next: 0,
            pending: HashMap::new(),
            max_in_flight,
        }
    }

    /// A tracker whose first msgid is `first` (msgids then wrap around at 2^32).
    pub fn starting_at(first: u32, max_in_flight: usize) -> Self {
        Calls {
            next: first,
            pending: HashMap::new(),
            max_in_flight,
        }
    }

    /// Records a request, returning its msgid (the next one not in flight), or gives `context`
    /// back if `max_in_flight` requests are already outstanding.
    pub fn start(&mut self, context: T) -> Result<u32, T> {
        if self.pending.len() >= self.max_in_flight || self.pending.len() > u32::MAX as usize {
            return Err(context);
        }
        // At most `max_in_flight` ids are taken, so this stops within that many steps.
        while self.pending.contains_key(&self.next) {
            self.next = self.next.wrapping_add(1);
        }
        let id = self.next;
        self.next = self.next.wrapping_add(1);
        self.pending.insert(id, context);
        Ok(id)
    }

    /// The context of the request answered by a response with `msgid`, if it was in flight.
    pub fn finish(&mut self, msgid: u32) -> Option<T> {
        self.pending.remove(&msgid)
    }

    /// Number of requests in flight.
    pub fn in_flight(&self) -> usize {
        self.pending.len()
    }
}
