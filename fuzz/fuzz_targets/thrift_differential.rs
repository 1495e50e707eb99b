//! msgwire against Apache Thrift's Rust library (`thrift` 0.17, an independent reader) on the
//! same bytes, binary and compact. Whatever msgwire's strict profile accepts, the library must
//! read too — `read_message_begin`, then the body value by value — taking the same number of
//! bytes and reading the same message (compared through the binary encoding of both, so NaN
//! payloads compare by their bits). Documented differences (fuzz/README.md): the library is the
//! laxer reader in places (any non-zero binary bool byte), so the other direction is not
//! asserted; it refuses a compact collection of element type 2 (the spec's BOOL; the reference
//! writers use 1), which msgwire reads: when it refuses, the input must not be in canonical form
//! and it must read msgwire's canonical re-encoding instead; it has no uuid type, so messages
//! holding one are skipped; an empty compact map carries no types, which both read as bool.
#![no_main]
use libfuzzer_sys::fuzz_target;
use msgwire::thrift::{
    Decoder, Framing, List, Map, MessageType, OwnedMessage, Protocol, Struct, TType, Value,
};
use msgwire::Decoded;
use thrift::protocol as tp;
use thrift::protocol::TInputProtocol;

fn ttype(t: tp::TType) -> Option<TType> {
    Some(match t {
        tp::TType::Bool => TType::Bool,
        tp::TType::I08 => TType::Byte,
        tp::TType::I16 => TType::I16,
        tp::TType::I32 => TType::I32,
        tp::TType::I64 => TType::I64,
        tp::TType::Double => TType::Double,
        tp::TType::String | tp::TType::Utf7 | tp::TType::Utf8 | tp::TType::Utf16 => TType::Binary,
        tp::TType::Struct => TType::Struct,
        tp::TType::Map => TType::Map,
        tp::TType::Set => TType::Set,
        tp::TType::List => TType::List,
        _ => return None,
    })
}

fn their_value(p: &mut dyn TInputProtocol, t: tp::TType) -> thrift::Result<Value> {
    let bad = || {
        thrift::Error::from(thrift::ProtocolError::new(
            thrift::ProtocolErrorKind::InvalidData,
            "type",
        ))
    };
    Ok(match t {
        tp::TType::Bool => Value::Bool(p.read_bool()?),
        tp::TType::I08 => Value::Byte(p.read_i8()?),
        tp::TType::I16 => Value::I16(p.read_i16()?),
        tp::TType::I32 => Value::I32(p.read_i32()?),
        tp::TType::I64 => Value::I64(p.read_i64()?),
        tp::TType::Double => Value::Double(p.read_double()?),
        tp::TType::String => Value::Binary(p.read_bytes()?),
        tp::TType::Struct => Value::Struct(their_struct(p)?),
        tp::TType::List | tp::TType::Set => {
            let (et, size) = if t == tp::TType::List {
                let l = p.read_list_begin()?;
                (l.element_type, l.size)
            } else {
                let l = p.read_set_begin()?;
                (l.element_type, l.size)
            };
            let elem = ttype(et).ok_or_else(bad)?;
            let mut items = Vec::new();
            for _ in 0..size {
                items.push(their_value(p, et)?);
            }
            let l = List::new(elem, items).map_err(|_| bad())?;
            if t == tp::TType::List {
                p.read_list_end()?;
                Value::List(l)
            } else {
                p.read_set_end()?;
                Value::Set(l)
            }
        }
        tp::TType::Map => {
            let m = p.read_map_begin()?;
            let kt = m.key_type.unwrap_or(tp::TType::Bool);
            let vt = m.value_type.unwrap_or(tp::TType::Bool);
            let mut entries = Vec::new();
            for _ in 0..m.size {
                let k = their_value(p, kt)?;
                entries.push((k, their_value(p, vt)?));
            }
            p.read_map_end()?;
            let (k, v) = (ttype(kt).ok_or_else(bad)?, ttype(vt).ok_or_else(bad)?);
            Value::Map(Map::new(k, v, entries).map_err(|_| bad())?)
        }
        _ => return Err(bad()),
    })
}

fn their_struct(p: &mut dyn TInputProtocol) -> thrift::Result<Struct> {
    p.read_struct_begin()?;
    let mut s = Struct::new();
    loop {
        let f = p.read_field_begin()?;
        if f.field_type == tp::TType::Stop {
            break;
        }
        let v = their_value(p, f.field_type)?;
        s.fields.push((f.id.unwrap_or(0), v));
        p.read_field_end()?;
    }
    p.read_struct_end()?;
    Ok(s)
}

fn their_message(p: &mut dyn TInputProtocol) -> thrift::Result<OwnedMessage> {
    let id = p.read_message_begin()?;
    let kind = match id.message_type {
        tp::TMessageType::Call => MessageType::Call,
        tp::TMessageType::Reply => MessageType::Reply,
        tp::TMessageType::Exception => MessageType::Exception,
        tp::TMessageType::OneWay => MessageType::Oneway,
    };
    let body = their_struct(p)?;
    p.read_message_end()?;
    Ok(OwnedMessage::new(id.name, kind, id.sequence_number, body))
}

fn has_uuid(v: &Value) -> bool {
    match v {
        Value::Uuid(_) => true,
        Value::Struct(s) => s.fields.iter().any(|(_, v)| has_uuid(v)),
        Value::List(l) | Value::Set(l) => {
            l.elem_type() == TType::Uuid || l.items().iter().any(has_uuid)
        }
        Value::Map(m) => {
            m.key_type() == TType::Uuid
                || m.value_type() == TType::Uuid
                || m.entries().iter().any(|(k, v)| has_uuid(k) || has_uuid(v))
        }
        _ => false,
    }
}

fuzz_target!(|data: &[u8]| {
    for protocol in [Protocol::Binary, Protocol::Compact] {
        let ours = Decoder::new(protocol, Framing::Unframed).decode(data);
        let Ok(Decoded::Complete { value, used }) = ours else {
            continue;
        };
        let ours = value.into_owned();
        if has_uuid(&Value::Struct(ours.body.clone())) {
            continue;
        }
        let read = |mut rd: &[u8]| {
            let m = match protocol {
                Protocol::Compact => their_message(&mut tp::TCompactInputProtocol::new(&mut rd)),
                _ => their_message(&mut tp::TBinaryInputProtocol::new(&mut rd, false)),
            };
            m.map(|m| (m, rd.len()))
        };
        let (theirs, left) = match read(data) {
            Ok(r) => r,
            Err(e) => {
                // The crate refuses some forms the specs allow (a compact list of element type
                // 2, the spec's BOOL): then the input must not be canonical, and the crate must
                // read msgwire's canonical re-encoding of the same message.
                let canon = ours.to_vec(protocol);
                assert_ne!(
                    &canon[..],
                    &data[..used],
                    "{protocol:?}: the thrift crate refuses what msgwire accepts: {e}"
                );
                let (m, left) = read(&canon).unwrap_or_else(|e| {
                    panic!("{protocol:?}: the thrift crate refuses msgwire's canonical bytes: {e}")
                });
                assert_eq!(left, 0, "{protocol:?}: canonical length");
                (m, data.len() - used)
            }
        };
        let rd = &data[data.len() - left..];
        assert_eq!(data.len() - rd.len(), used, "{protocol:?}: message length");
        assert_eq!(
            theirs.to_vec(Protocol::Binary),
            ours.to_vec(Protocol::Binary),
            "{protocol:?}: a different message"
        );
    }
});
