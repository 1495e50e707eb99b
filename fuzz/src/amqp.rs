//! Structured AMQP frames for the round-trip target.

use arbitrary::{Arbitrary, Result, Unstructured};
use msgwire::amqp::*;

fn field_val<'a>(
    u: &mut Unstructured<'a>,
    domain: Domain,
    depth: usize,
) -> Result<FieldVal<'static>> {
    Ok(match domain {
        Domain::Bit => FieldVal::Bit(u.arbitrary()?),
        Domain::Octet => FieldVal::Octet(u.arbitrary()?),
        Domain::Short => FieldVal::Short(u.arbitrary()?),
        Domain::Long => FieldVal::Long(u.arbitrary()?),
        Domain::LongLong | Domain::Timestamp => FieldVal::LongLong(u.arbitrary()?),
        Domain::ShortStr => {
            let len = u.int_in_range(0..=255)?;
            FieldVal::ShortStr(ShortStr::new(u.bytes(len)?.to_vec()).unwrap_or_default())
        }
        Domain::LongStr => {
            FieldVal::LongStr(LongStr::new(u.arbitrary::<Vec<u8>>()?).unwrap_or_default())
        }
        Domain::Table => FieldVal::Table(table(u, depth)?),
    })
}

fn value(u: &mut Unstructured<'_>, depth: usize) -> Result<FieldValue<'static>> {
    let tag = u.choose_index(19)?;
    Ok(match tag {
        0 => FieldValue::Bool(u.arbitrary()?),
        1 => FieldValue::I8(u.arbitrary()?),
        2 => FieldValue::U8(u.arbitrary()?),
        3 => FieldValue::I16(u.arbitrary()?),
        4 => FieldValue::SpecI16(u.arbitrary()?),
        5 => FieldValue::U16(u.arbitrary()?),
        6 => FieldValue::I32(u.arbitrary()?),
        7 => FieldValue::U32(u.arbitrary()?),
        8 => FieldValue::I64(u.arbitrary()?),
        9 => FieldValue::SpecI64(u.arbitrary()?),
        10 => FieldValue::F32(u.arbitrary()?),
        11 => FieldValue::F64(u.arbitrary()?),
        12 => FieldValue::Decimal(Decimal {
            scale: u.arbitrary()?,
            value: u.arbitrary()?,
        }),
        13 => FieldValue::LongStr(LongStr::new(u.arbitrary::<Vec<u8>>()?).unwrap_or_default()),
        14 => FieldValue::Bytes(LongStr::new(u.arbitrary::<Vec<u8>>()?).unwrap_or_default()),
        15 => FieldValue::Timestamp(u.arbitrary()?),
        16 if depth < 8 => {
            let n = u.int_in_range(0..=4)?;
            let mut vs = Vec::new();
            for _ in 0..n {
                vs.push(value(u, depth + 1)?);
            }
            FieldValue::Array(FieldArray::from_values(vs))
        }
        17 if depth < 8 => FieldValue::Table(table(u, depth + 1)?),
        _ => FieldValue::Void,
    })
}

fn table(u: &mut Unstructured<'_>, depth: usize) -> Result<FieldTable<'static>> {
    let mut b = FieldTable::builder();
    let n = u.int_in_range(0..=4)?;
    for _ in 0..n {
        let len = u.int_in_range(0..=16)?;
        let key = u.bytes(len)?.to_vec();
        let v = value(u, depth)?;
        let _ = b.insert(key, v);
    }
    Ok(b.build())
}

/// A frame of any kind with arbitrary contents.
#[derive(Debug)]
pub struct ArbFrame(pub Frame<'static>);

impl<'a> Arbitrary<'a> for ArbFrame {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let channel: u16 = u.arbitrary()?;
        Ok(ArbFrame(match u.choose_index(5)? {
            0 => Frame::ProtocolHeader(ProtocolHeader {
                octets: u.arbitrary()?,
            }),
            1 => {
                let info = u.choose(METHODS)?;
                let mut err = None;
                let method = Method::from_fields(info.id, &mut |_, d| {
                    field_val(u, d, 1).map_err(|e| {
                        err = Some(e);
                        String::new()
                    })
                });
                match (method, err) {
                    (Ok(m), None) => Frame::Method { channel, method: m },
                    (_, Some(e)) => return Err(e),
                    (Err(_), None) => return Err(arbitrary::Error::IncorrectFormat),
                }
            }
            2 => {
                let mut err = None;
                let props = BasicProperties::from_fields(&mut |_, d| {
                    let present: bool = u.arbitrary().map_err(|e| {
                        err = Some(e);
                        String::new()
                    })?;
                    if !present {
                        return Ok(None);
                    }
                    field_val(u, d, 1).map(Some).map_err(|e| {
                        err = Some(e);
                        String::new()
                    })
                });
                if let Some(e) = err {
                    return Err(e);
                }
                let mut header = ContentHeader::new(
                    u.arbitrary()?,
                    props.map_err(|_| arbitrary::Error::IncorrectFormat)?,
                );
                header.flag_words = u.int_in_range(1..=3)?;
                Frame::Header { channel, header }
            }
            3 => Frame::Body {
                channel,
                payload: Payload::Shared(u.arbitrary::<Vec<u8>>()?.into()),
            },
            _ => Frame::Heartbeat,
        }))
    }
}
