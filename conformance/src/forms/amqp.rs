//! Canonical JSON form of AMQP 0-9-1 frames (documented in `docs/forms/amqp.md`).

use serde_json::{json, Map, Number, Value};

use msgwire::amqp::{
    Assembler, BasicProperties, ContentHeader, Decimal, Decoder, Domain, FieldArray, FieldRef,
    FieldTable, FieldVal, FieldValue, FieldsError, Frame, Limits, LongStr, Method, MethodId,
    Payload, Profile, ProtocolHeader, ProtocolVersion, ShortStr, METHODS,
};
use msgwire::Decoded;

use super::{Decoding, FormError};

/// Decoder profiles, the default first. `session` reads the input as the inbound stream of a
/// broker's connection: frames as `rabbitmq` reads them, then content assembly and channel
/// state ([`Assembler`] with channel tracking), and a protocol header must ask for 0-9-1.
pub const PROFILES: &[&str] = &["strict", "rabbitmq", "session"];

/// Profiles run only for cases that name them.
pub const OPT_IN_PROFILES: &[&str] = &["session"];

/// The decoder a profile names.
pub fn decoder(profile: &str) -> Decoder {
    Decoder {
        limits: Limits::default(),
        profile: match profile {
            "rabbitmq" | "session" => Profile::RabbitMq,
            _ => Profile::Strict,
        },
    }
}

fn form_error(e: &msgwire::amqp::Error, at: usize) -> FormError {
    FormError {
        kind: e.kind().into(),
        code: Some(e.code().into()),
        offset: Some(at + e.offset()),
        message: e.detail().to_string(),
    }
}

/// What a broker checks beyond single frames (the `session` profile).
fn session_check(assembler: &mut Assembler, frame: Frame<'_>, at: usize) -> Result<(), FormError> {
    if let Frame::ProtocolHeader(h) = &frame {
        // Spec §4.2.2: a server that does not speak the asked-for version answers with its own
        // header and closes; there is no reply code.
        if h.version() != ProtocolVersion::Amqp091 {
            return Err(FormError {
                kind: "bad-protocol-header".into(),
                code: None,
                offset: Some(at + 4),
                message: format!(
                    "protocol header {:?}: this broker speaks only 0-9-1",
                    h.octets
                ),
            });
        }
    }
    assembler
        .push(frame)
        .map(drop)
        .map_err(|e| form_error(&e, at))
}

/// Bytes → one document per frame.
pub fn decode(input: &[u8], profile: &str) -> Decoding {
    let decoder = decoder(profile);
    let mut session = (profile == "session").then(|| Assembler::default().track_channels());
    let mut docs = Vec::new();
    let mut pos = 0;
    while pos < input.len() {
        match decoder.decode(&input[pos..]) {
            Ok(Decoded::Complete { value, used }) => {
                docs.push(frame_to_json(&value));
                if let Some(assembler) = &mut session {
                    if let Err(e) = session_check(assembler, value, pos) {
                        docs.pop();
                        return Decoding {
                            docs,
                            error: Some(e),
                        };
                    }
                }
                pos += used;
            }
            Ok(Decoded::NeedMore { at_least }) => {
                return Decoding {
                    docs,
                    error: Some(FormError {
                        kind: "incomplete".into(),
                        code: None,
                        offset: Some(input.len()),
                        message: format!(
                            "input ends inside a frame; {at_least} more bytes needed at least"
                        ),
                    }),
                }
            }
            Err(e) => {
                return Decoding {
                    docs,
                    error: Some(form_error(&e, pos)),
                }
            }
        }
    }
    Decoding { docs, error: None }
}

/// Documents → the frames' bytes.
pub fn encode(docs: &[Value]) -> Result<Vec<u8>, FormError> {
    let mut out = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        // The message starts with a JSON pointer into the document (see `super::under`).
        let frame = frame_from_json(doc).map_err(|message| FormError {
            kind: "bad-document".into(),
            code: None,
            offset: None,
            message: if docs.len() == 1 {
                message
            } else {
                format!("document {i}: {message}")
            },
        })?;
        frame.encode(&mut out);
    }
    Ok(out)
}

/// One frame's canonical document.
pub fn frame_to_json(frame: &Frame<'_>) -> Value {
    match frame {
        Frame::ProtocolHeader(h) => json!({
            "type": "protocol-header",
            "protocol_id": h.octets[0], "major": h.octets[1], "minor": h.octets[2], "revision": h.octets[3],
        }),
        Frame::Method { channel, method } => {
            let id = method.id();
            let mut fields = Map::new();
            method.visit_fields(&mut |name, v| {
                fields.insert(name.to_owned(), field_ref_json(v));
            });
            json!({
                "type": "method", "channel": channel,
                "class_id": id.class_id, "method_id": id.method_id, "method": method.name(),
                "fields": fields,
            })
        }
        Frame::Header { channel, header } => {
            let mut props = Map::new();
            header.properties.visit(&mut |name, v| {
                props.insert(name.to_owned(), field_ref_json(v));
            });
            let mut doc = json!({
                "type": "header", "channel": channel, "class_id": header.class_id.0,
                "weight": header.weight, "body_size": header.body_size, "properties": props,
            });
            if header.flag_words > 1 {
                doc["flag_words"] = header.flag_words.into();
            }
            doc
        }
        Frame::Body { channel, payload } => json!({
            "type": "body", "channel": channel, "size": payload.len(), "payload": bytes_json(payload),
        }),
        Frame::Heartbeat => json!({"type": "heartbeat", "channel": 0}),
    }
}

fn bytes_json(b: &[u8]) -> Value {
    match std::str::from_utf8(b) {
        Ok(s) => Value::String(s.to_owned()),
        Err(_) => json!({ "hex": hex::encode(b) }),
    }
}

fn hex_json(b: &[u8]) -> Value {
    json!({ "hex": hex::encode(b) })
}

fn field_ref_json(v: FieldRef<'_>) -> Value {
    match v {
        FieldRef::Bit(b) => b.into(),
        FieldRef::Octet(n) => n.into(),
        FieldRef::Short(n) => n.into(),
        FieldRef::Long(n) => n.into(),
        FieldRef::LongLong(n) => n.into(),
        FieldRef::ShortStr(s) => bytes_json(s.as_bytes()),
        FieldRef::LongStr(s) => bytes_json(s.as_bytes()),
        FieldRef::Table(t) => table_json(t),
    }
}

/// A table as `[[key, tag, value], ...]`.
pub fn table_json(t: &FieldTable<'_>) -> Value {
    t.iter()
        .map(|(k, v)| json!([bytes_json(k.as_bytes()), tag_str(v.tag()), value_json(&v)]))
        .collect()
}

fn array_json(a: &FieldArray<'_>) -> Value {
    a.iter()
        .map(|v| json!([tag_str(v.tag()), value_json(&v)]))
        .collect()
}

fn tag_str(tag: u8) -> String {
    (tag as char).to_string()
}

fn float_json(repr: String, finite: bool, nan: bool, negative: bool) -> Value {
    if nan {
        return "NaN".into();
    }
    if !finite {
        return if negative { "-Infinity" } else { "Infinity" }.into();
    }
    // The shortest decimal that reads back as the same value of the wire type.
    serde_json::from_str::<Number>(&repr)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

fn value_json(v: &FieldValue<'_>) -> Value {
    use FieldValue::*;
    match v {
        Bool(b) => (*b).into(),
        I8(n) => (*n).into(),
        U8(n) => (*n).into(),
        I16(n) | SpecI16(n) => (*n).into(),
        U16(n) => (*n).into(),
        I32(n) => (*n).into(),
        U32(n) => (*n).into(),
        I64(n) | SpecI64(n) => (*n).into(),
        F32(f) => float_json(
            json_float_repr(f.to_string()),
            f.is_finite(),
            f.is_nan(),
            *f < 0.0,
        ),
        F64(f) => float_json(
            json_float_repr(f.to_string()),
            f.is_finite(),
            f.is_nan(),
            *f < 0.0,
        ),
        Decimal(d) => json!({"scale": d.scale, "value": d.value}),
        LongStr(s) => bytes_json(s.as_bytes()),
        Bytes(s) => hex_json(s.as_bytes()),
        Array(a) => array_json(a),
        Timestamp(t) => (*t).into(),
        Table(t) => table_json(t),
        Void => Value::Null,
    }
}

/// Rust prints `1e20` as `100000000000000000000` and `1.5` as `1.5`; JSON wants a number
/// literal, which both are; integral floats get `.0` so they stay floats.
fn json_float_repr(s: String) -> String {
    if s.contains(['.', 'e', 'E']) || s.contains("inf") || s.contains("NaN") {
        s
    } else {
        format!("{s}.0")
    }
}

// ---- JSON → frames ----

type R<T> = Result<T, String>;

fn get<'v>(doc: &'v Value, key: &str) -> R<&'v Value> {
    doc.get(key)
        .ok_or_else(|| format!("{}: missing member", super::segment(key)))
}

/// `r` with its error located under the JSON pointer `pointer` (see [`super::under`]).
fn at<T>(pointer: &str, r: R<T>) -> R<T> {
    r.map_err(|m| super::under(pointer, &m))
}

/// `what: message`, or the message alone when the pointer already says what (`what` empty).
fn what_msg(what: &str, m: String) -> String {
    if what.is_empty() {
        m
    } else {
        format!("{what}: {m}")
    }
}

fn uint(v: &Value, max: u64, what: &str) -> R<u64> {
    v.as_u64()
        .filter(|n| *n <= max)
        .ok_or_else(|| what_msg(what, format!("expected an integer 0..={max}, got {v}")))
}

fn int(v: &Value, min: i64, max: i64, what: &str) -> R<i64> {
    v.as_i64()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| what_msg(what, format!("expected an integer {min}..={max}, got {v}")))
}

/// The member `key` of `doc` read by `f`, errors located at `/key`.
fn member<T>(doc: &Value, key: &str, f: impl FnOnce(&Value) -> R<T>) -> R<T> {
    let v = get(doc, key)?;
    at(&super::segment(key), f(v))
}

/// A string document: a JSON string (UTF-8) or `{"hex": "..."}`.
pub fn bytes_from_json(v: &Value) -> R<Vec<u8>> {
    match v {
        Value::String(s) => Ok(s.as_bytes().to_vec()),
        Value::Object(o) if o.len() == 1 && o.contains_key("hex") => {
            let h = o["hex"].as_str().ok_or("`hex` must be a string")?;
            let clean: String = h.chars().filter(|c| !c.is_whitespace()).collect();
            hex::decode(clean).map_err(|e| format!("bad hex: {e}"))
        }
        other => Err(format!(
            "expected a string or {{\"hex\": ...}}, got {other}"
        )),
    }
}

fn short_str(v: &Value) -> R<ShortStr<'static>> {
    ShortStr::new(bytes_from_json(v)?).map_err(|e| e.to_string())
}

fn long_str(v: &Value) -> R<LongStr<'static>> {
    LongStr::new(bytes_from_json(v)?).map_err(|e| e.to_string())
}

fn float(v: &Value, what: &str) -> R<f64> {
    match v {
        Value::String(s) if s == "NaN" => Ok(f64::NAN),
        Value::String(s) if s == "Infinity" => Ok(f64::INFINITY),
        Value::String(s) if s == "-Infinity" => Ok(f64::NEG_INFINITY),
        Value::Number(n) => n.as_f64().ok_or_else(|| format!("{what}: bad number")),
        other => Err(format!("{what}: expected a number, got {other}")),
    }
}

fn float32(v: &Value) -> R<f32> {
    match v {
        // Read the literal as f32 directly: going through f64 could round twice.
        Value::Number(n) => n.to_string().parse::<f32>().map_err(|e| e.to_string()),
        other => Ok(float(other, "f")? as f32),
    }
}

/// `[[key, tag, value], ...]` → a table.
pub fn table_from_json(v: &Value) -> R<FieldTable<'static>> {
    let entries = v
        .as_array()
        .ok_or("a table is a list of [key, tag, value]")?;
    let mut b = FieldTable::builder();
    for (i, e) in entries.iter().enumerate() {
        let [k, tag, val] = e.as_array().map(Vec::as_slice).unwrap_or_default() else {
            return Err(format!(
                "/{i}: table entry must be [key, tag, value], got {e}"
            ));
        };
        let value = at(&format!("/{i}/2"), value_from_json(tag, val))?;
        let key = at(&format!("/{i}/0"), bytes_from_json(k))?;
        at(
            &format!("/{i}"),
            b.insert(key, value).map_err(|e| e.to_string()),
        )?;
    }
    Ok(b.build())
}

fn array_from_json(v: &Value) -> R<FieldArray<'static>> {
    let entries = v.as_array().ok_or("an array is a list of [tag, value]")?;
    let mut values = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let [tag, val] = e.as_array().map(Vec::as_slice).unwrap_or_default() else {
            return Err(format!("/{i}: array entry must be [tag, value], got {e}"));
        };
        values.push(at(&format!("/{i}/1"), value_from_json(tag, val))?);
    }
    Ok(FieldArray::from_values(values))
}

fn value_from_json(tag: &Value, v: &Value) -> R<FieldValue<'static>> {
    let tag = tag.as_str().ok_or("tag must be a one-letter string")?;
    Ok(match tag {
        "t" => FieldValue::Bool(v.as_bool().ok_or("t: expected a boolean")?),
        "b" => FieldValue::I8(int(v, i8::MIN.into(), i8::MAX.into(), "b")? as i8),
        "B" => FieldValue::U8(uint(v, u8::MAX.into(), "B")? as u8),
        "s" => FieldValue::I16(int(v, i16::MIN.into(), i16::MAX.into(), "s")? as i16),
        "U" => FieldValue::SpecI16(int(v, i16::MIN.into(), i16::MAX.into(), "U")? as i16),
        "u" => FieldValue::U16(uint(v, u16::MAX.into(), "u")? as u16),
        "I" => FieldValue::I32(int(v, i32::MIN.into(), i32::MAX.into(), "I")? as i32),
        "i" => FieldValue::U32(uint(v, u32::MAX.into(), "i")? as u32),
        "l" => FieldValue::I64(int(v, i64::MIN, i64::MAX, "l")?),
        "L" => FieldValue::SpecI64(int(v, i64::MIN, i64::MAX, "L")?),
        "f" => FieldValue::F32(float32(v)?),
        "d" => FieldValue::F64(float(v, "d")?),
        "D" => FieldValue::Decimal(Decimal {
            scale: uint(get(v, "scale")?, u8::MAX.into(), "D scale")? as u8,
            value: uint(get(v, "value")?, u32::MAX.into(), "D value")? as u32,
        }),
        "S" => FieldValue::LongStr(long_str(v)?),
        "x" => FieldValue::Bytes(long_str(v)?),
        "A" => FieldValue::Array(array_from_json(v)?),
        "T" => FieldValue::Timestamp(uint(v, u64::MAX, "T")?),
        "F" => FieldValue::Table(table_from_json(v)?),
        "V" if v.is_null() => FieldValue::Void,
        "V" => return Err("V: expected null".into()),
        other => return Err(format!("unknown tag {other:?}")),
    })
}

fn field_val(v: &Value, domain: Domain, what: &str) -> R<FieldVal<'static>> {
    Ok(match domain {
        Domain::Bit => FieldVal::Bit(
            v.as_bool()
                .ok_or_else(|| format!("{what}: expected a boolean"))?,
        ),
        Domain::Octet => FieldVal::Octet(uint(v, u8::MAX.into(), what)? as u8),
        Domain::Short => FieldVal::Short(uint(v, u16::MAX.into(), what)? as u16),
        Domain::Long => FieldVal::Long(uint(v, u32::MAX.into(), what)? as u32),
        Domain::LongLong | Domain::Timestamp => FieldVal::LongLong(uint(v, u64::MAX, what)?),
        Domain::ShortStr => FieldVal::ShortStr(short_str(v)?),
        Domain::LongStr => FieldVal::LongStr(long_str(v)?),
        Domain::Table => FieldVal::Table(table_from_json(v)?),
    })
}

fn check_keys(obj: &Map<String, Value>, allowed: &[&str], what: &str) -> R<()> {
    match obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(format!("{}: unknown member of {what}", super::segment(k))),
        None => Ok(()),
    }
}

fn channel(doc: &Value) -> R<u16> {
    member(doc, "channel", |v| uint(v, u16::MAX.into(), "")).map(|n| n as u16)
}

/// The spec's value of a reserved field (`reserved_N`) that a document leaves out: every
/// reserved field of 0-9-1 is an empty string, zero, or a clear bit ("reserved for future use
/// ... must be zero/empty").
fn reserved_default(domain: Domain) -> Value {
    match domain {
        Domain::Bit => Value::Bool(false),
        Domain::ShortStr | Domain::LongStr => Value::String(String::new()),
        Domain::Table => Value::Array(Vec::new()),
        Domain::Octet | Domain::Short | Domain::Long | Domain::LongLong | Domain::Timestamp => {
            Value::from(0)
        }
    }
}

/// One canonical document → a frame.
pub fn frame_from_json(doc: &Value) -> R<Frame<'static>> {
    let obj = doc.as_object().ok_or("a frame document is an object")?;
    let ty = get(doc, "type")?
        .as_str()
        .ok_or("/type: must be a string")?;
    match ty {
        "protocol-header" => {
            check_keys(
                obj,
                &["type", "protocol_id", "major", "minor", "revision"],
                ty,
            )?;
            let o = |k| member(doc, k, |v| uint(v, 255, "")).map(|n| n as u8);
            Ok(Frame::ProtocolHeader(ProtocolHeader {
                octets: [o("protocol_id")?, o("major")?, o("minor")?, o("revision")?],
            }))
        }
        "heartbeat" => {
            check_keys(obj, &["type", "channel"], ty)?;
            Ok(Frame::Heartbeat)
        }
        "body" => {
            check_keys(obj, &["type", "channel", "size", "payload"], ty)?;
            let payload = member(doc, "payload", bytes_from_json)?;
            if let Some(size) = doc.get("size") {
                if size.as_u64() != Some(payload.len() as u64) {
                    return Err(format!(
                        "/size: {size} differs from the payload's {}",
                        payload.len()
                    ));
                }
            }
            Ok(Frame::Body {
                channel: channel(doc)?,
                payload: Payload::Shared(payload.into()),
            })
        }
        "method" => {
            check_keys(
                obj,
                &[
                    "type",
                    "channel",
                    "class_id",
                    "method_id",
                    "method",
                    "fields",
                ],
                ty,
            )?;
            let id = match (doc.get("class_id"), doc.get("method_id")) {
                (Some(c), Some(m)) => MethodId {
                    class_id: at("/class_id", uint(c, u16::MAX.into(), ""))? as u16,
                    method_id: at("/method_id", uint(m, u16::MAX.into(), ""))? as u16,
                },
                _ => {
                    let name = get(doc, "method")?
                        .as_str()
                        .ok_or("/method: must be a string")?;
                    METHODS
                        .iter()
                        .find(|m| m.name == name)
                        .ok_or_else(|| format!("/method: unknown method {name}"))?
                        .id
                }
            };
            let info = id
                .info()
                .ok_or_else(|| format!("/class_id: unknown method {id:?}"))?;
            if let Some(name) = doc.get("method") {
                if name.as_str() != Some(info.name) {
                    return Err(format!("/method: {name} does not match ids {id:?}"));
                }
            }
            let empty = Map::new();
            let fields = match doc.get("fields") {
                Some(f) => f.as_object().ok_or("/fields: must be an object")?,
                None => &empty,
            };
            let names: Vec<&str> = info.fields.iter().map(|(n, _)| *n).collect();
            at("/fields", check_keys(fields, &names, "fields"))?;
            let method = Method::from_fields(id, &mut |name, domain| {
                let pointer = format!("/fields{}", super::segment(name));
                match fields.get(name) {
                    Some(v) => at(&pointer, field_val(v, domain, "")),
                    // Reserved fields default to the spec's value.
                    None if name.starts_with("reserved") => {
                        field_val(&reserved_default(domain), domain, name)
                    }
                    None => Err(format!("{pointer}: missing field")),
                }
            })
            .map_err(|e| match e {
                // Our message already names the field by its pointer.
                FieldsError::Field { message, .. } if message.starts_with('/') => message,
                FieldsError::Field { field, message } => format!("/fields/{field}: {message}"),
                other => other.to_string(),
            })?;
            Ok(Frame::Method {
                channel: channel(doc)?,
                method,
            })
        }
        "header" => {
            check_keys(
                obj,
                &[
                    "type",
                    "channel",
                    "class_id",
                    "weight",
                    "body_size",
                    "properties",
                    "flag_words",
                ],
                ty,
            )?;
            let props = get(doc, "properties")?
                .as_object()
                .ok_or("/properties: must be an object")?;
            let names: Vec<&str> = BasicProperties::ALL.iter().map(|(n, _, _)| *n).collect();
            at("/properties", check_keys(props, &names, "properties"))?;
            let properties = BasicProperties::from_fields(&mut |name, domain| {
                props
                    .get(name)
                    .map(|v| {
                        let pointer = format!("/properties{}", super::segment(name));
                        at(&pointer, field_val(v, domain, ""))
                    })
                    .transpose()
            })?;
            let mut header = ContentHeader::new(
                member(doc, "body_size", |v| uint(v, u64::MAX, ""))?,
                properties,
            );
            header.class_id.0 = member(doc, "class_id", |v| uint(v, u16::MAX.into(), ""))? as u16;
            header.weight = member(doc, "weight", |v| uint(v, u16::MAX.into(), ""))? as u16;
            if let Some(w) = doc.get("flag_words") {
                header.flag_words = at("/flag_words", uint(w, u32::MAX.into(), ""))?.max(1) as u32;
            }
            Ok(Frame::Header {
                channel: channel(doc)?,
                header,
            })
        }
        other => Err(format!("/type: unknown frame type {other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_round_trip_through_bytes() {
        let docs: Vec<Value> = serde_json::from_str(
            r#"[
            {"type":"protocol-header","protocol_id":0,"major":0,"minor":9,"revision":1},
            {"type":"method","channel":1,"class_id":60,"method_id":40,"method":"basic.publish",
             "fields":{"reserved_1":0,"exchange":"","routing_key":"q","mandatory":true,"immediate":false}},
            {"type":"header","channel":1,"class_id":60,"weight":0,"body_size":2,
             "properties":{"content_type":"text/plain","headers":[
                ["f","f",1.1],["d","d",-0.5],["n","d","NaN"],["D","D",{"scale":2,"value":4294967295}],
                ["x","x",{"hex":"00ff"}],["A","A",[["V",null],["t",true]]],["F","F",[["k","U",-2]]],
                [{"hex":"c328"},"S",{"hex":"c328"}]
             ],"delivery_mode":2,"timestamp":1700000000}},
            {"type":"body","channel":1,"size":2,"payload":"hi"},
            {"type":"heartbeat","channel":0}
        ]"#,
        )
        .unwrap();
        let bytes = encode(&docs).unwrap();
        let back = decode(&bytes, "strict");
        assert_eq!(back.error, None);
        assert_eq!(back.docs.len(), docs.len());
        assert_eq!(encode(&back.docs).unwrap(), bytes);
        let headers = &back.docs[2]["properties"]["headers"];
        assert_eq!(headers[0], json!(["f", "f", 1.1]));
        assert_eq!(headers[2], json!(["n", "d", "NaN"]));
        assert_eq!(back.docs[1], docs[1]);
    }

    #[test]
    fn errors_carry_kind_code_and_offset() {
        let mut bytes = encode(&[json!({"type":"heartbeat","channel":0})]).unwrap();
        bytes.extend_from_slice(&[8, 0, 1, 0, 0, 0, 0, 0xce]);
        let d = decode(&bytes, "strict");
        assert_eq!(d.docs.len(), 1);
        let e = d.error.unwrap();
        assert_eq!(
            (e.kind.as_str(), e.code, e.offset),
            ("heartbeat-channel", Some(505), Some(9))
        );
    }

    #[test]
    fn bad_documents_are_refused_with_the_reason() {
        let e = encode(&[
            json!({"type":"method","channel":1,"method":"basic.ack","fields":{"delivery_tag":1}}),
        ])
        .unwrap_err();
        assert_eq!(e.message, "/fields/multiple: missing field");
        let e = encode(&[json!({"type":"method","channel":1,"method":"basic.ack","fields":{"delivery_tag":1,"multiple":false,"extra":1}})])
            .unwrap_err();
        assert_eq!(e.message, "/fields/extra: unknown member of fields");
        // Errors name the JSON pointer of the offending member, however deep.
        let e = encode(&[
            json!({"type":"method","channel":1,"method":"queue.declare","fields":{
            "queue":"q","passive":false,"durable":false,"exclusive":false,"auto_delete":false,
            "no_wait":false,"arguments":[["a","I",1],["b","A",[["t",true],["B",300]]]]}}),
        ])
        .unwrap_err();
        assert_eq!(
            e.message,
            "/fields/arguments/1/2/1/1: B: expected an integer 0..=255, got 300"
        );
        let e = encode(&[json!({"type":"body","channel":"one","payload":""})]).unwrap_err();
        assert_eq!(
            e.message,
            "/channel: expected an integer 0..=65535, got \"one\""
        );
    }

    #[test]
    fn reserved_fields_default_to_the_spec_value() {
        // Without reserved_1 (a short: 0): the same bytes as with it.
        let with = encode(&[json!({"type":"method","channel":1,"method":"basic.publish",
            "fields":{"reserved_1":0,"exchange":"","routing_key":"q","mandatory":false,"immediate":false}})])
        .unwrap();
        let without = encode(
            &[json!({"type":"method","channel":1,"method":"basic.publish",
            "fields":{"exchange":"","routing_key":"q","mandatory":false,"immediate":false}})],
        )
        .unwrap();
        assert_eq!(with, without);
        // connection.open: reserved_1 (shortstr "") and reserved_2 (bit false).
        let open = encode(&[
            json!({"type":"method","channel":0,"method":"connection.open",
            "fields":{"virtual_host":"/"}}),
        ])
        .unwrap();
        let d = decode(&open, "strict");
        assert_eq!(
            d.docs[0]["fields"],
            json!({"virtual_host":"/","reserved_1":"","reserved_2":false})
        );
        // A field that is not reserved is still required.
        let e = encode(
            &[json!({"type":"method","channel":1,"method":"basic.publish",
            "fields":{"exchange":"","mandatory":false,"immediate":false}})],
        )
        .unwrap_err();
        assert_eq!(e.message, "/fields/routing_key: missing field");
    }
}
