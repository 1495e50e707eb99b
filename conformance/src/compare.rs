//! Comparing canonical documents (`vectors/README.md`, "Comparison").
//!
//! Documents compare as JSON values, except that numbers compare by value (`1` equals `1.0`;
//! integers exactly, beyond the range of `f64`), and, in AMQP, a field-table or array value of
//! wire type `f` compares after rounding both sides to `f32` (the wire holds 32 bits; a peer may
//! print the widened `f64`). A mismatch names the JSON pointer of the first difference.

use serde_json::Value;
use std::fmt;

/// The first difference between two documents.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    /// JSON pointer into the document list (`/0/fields/routing_key`).
    pub pointer: String,
    /// The expected value there (`None`: nothing was expected).
    pub expected: Option<Value>,
    /// The value found (`None`: nothing was found).
    pub actual: Option<Value>,
    /// When one side has no value at the pointer: the object on the other side's parent,
    /// so that "got nothing" says what was there instead (`{"float64": 0.5}` where
    /// `{"float32": 0.5}` was expected).
    pub instead: Option<Value>,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |v: &Option<Value>| match v {
            Some(v) => shorten(&v.to_string(), 120),
            None => "nothing".to_string(),
        };
        write!(
            f,
            "at {}: expected {}, got {}",
            if self.pointer.is_empty() {
                "/"
            } else {
                &self.pointer
            },
            show(&self.expected),
            show(&self.actual)
        )?;
        match (&self.instead, &self.expected, &self.actual) {
            (Some(v), Some(_), None) => {
                write!(f, " (the object there is {})", shorten(&v.to_string(), 120))
            }
            (Some(v), None, Some(_)) => write!(
                f,
                " (the expected object there is {})",
                shorten(&v.to_string(), 120)
            ),
            _ => Ok(()),
        }
    }
}

/// Cuts `s` to at most `max` characters, marking the cut.
pub fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max).collect();
        out.push('…');
        out
    }
}

/// Compares document lists of `protocol`; `Ok(())` when equal under the corpus rules.
pub fn compare_docs(protocol: &str, expected: &[Value], actual: &[Value]) -> Result<(), Mismatch> {
    let rules = Rules {
        amqp_f32: protocol == "amqp",
    };
    let mut ptr = String::new();
    for i in 0..expected.len().max(actual.len()) {
        ptr.clear();
        ptr.push_str(&format!("/{i}"));
        match (expected.get(i), actual.get(i)) {
            (Some(e), Some(a)) => rules.value(e, a, &mut ptr, false)?,
            (e, a) => {
                return Err(Mismatch {
                    pointer: ptr,
                    expected: e.cloned(),
                    actual: a.cloned(),
                    instead: None,
                })
            }
        }
    }
    Ok(())
}

/// Compares two single values (numbers by value, no protocol rules).
pub fn values_equal(expected: &Value, actual: &Value) -> bool {
    Rules { amqp_f32: false }
        .value(expected, actual, &mut String::new(), false)
        .is_ok()
}

struct Rules {
    amqp_f32: bool,
}

impl Rules {
    fn value(&self, e: &Value, a: &Value, ptr: &mut String, as_f32: bool) -> Result<(), Mismatch> {
        let fail = |ptr: &String| Mismatch {
            pointer: ptr.clone(),
            expected: Some(e.clone()),
            actual: Some(a.clone()),
            instead: None,
        };
        match (e, a) {
            (Value::Number(x), Value::Number(y)) => {
                if numbers_equal(x, y, as_f32) {
                    Ok(())
                } else {
                    Err(fail(ptr))
                }
            }
            (Value::Array(x), Value::Array(y)) => {
                let len = ptr.len();
                for i in 0..x.len().max(y.len()) {
                    ptr.push_str(&format!("/{i}"));
                    match (x.get(i), y.get(i)) {
                        (Some(xe), Some(ye)) => {
                            let f32_here = self.amqp_f32 && is_f_tagged(x, i) && is_f_tagged(y, i);
                            self.value(xe, ye, ptr, f32_here)?
                        }
                        (xe, ye) => {
                            return Err(Mismatch {
                                pointer: ptr.clone(),
                                expected: xe.cloned(),
                                actual: ye.cloned(),
                                instead: None,
                            })
                        }
                    }
                    ptr.truncate(len);
                }
                Ok(())
            }
            (Value::Object(x), Value::Object(y)) => {
                let len = ptr.len();
                for (k, xe) in x {
                    ptr.push('/');
                    ptr.push_str(&crate::vectors::escape_pointer(k));
                    match y.get(k) {
                        Some(ye) => self.value(xe, ye, ptr, false)?,
                        None => {
                            return Err(Mismatch {
                                pointer: ptr.clone(),
                                expected: Some(xe.clone()),
                                actual: None,
                                instead: Some(a.clone()),
                            })
                        }
                    }
                    ptr.truncate(len);
                }
                if let Some((k, ye)) = y.iter().find(|(k, _)| !x.contains_key(*k)) {
                    ptr.push('/');
                    ptr.push_str(&crate::vectors::escape_pointer(k));
                    return Err(Mismatch {
                        pointer: ptr.clone(),
                        expected: None,
                        actual: Some(ye.clone()),
                        instead: Some(e.clone()),
                    });
                }
                Ok(())
            }
            _ if e == a => Ok(()),
            _ => Err(fail(ptr)),
        }
    }
}

/// In an AMQP table entry `[key, "f", value]` or array entry `["f", value]`, the value at `i`
/// follows the tag `"f"` and is the last element.
fn is_f_tagged(arr: &[Value], i: usize) -> bool {
    i >= 1 && i + 1 == arr.len() && (arr.len() == 2 || arr.len() == 3) && arr[i - 1] == "f"
}

fn numbers_equal(x: &serde_json::Number, y: &serde_json::Number, as_f32: bool) -> bool {
    let int = |n: &serde_json::Number| {
        n.as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
    };
    if let (Some(a), Some(b)) = (int(x), int(y)) {
        return a == b;
    }
    match (x.as_f64(), y.as_f64()) {
        (Some(a), Some(b)) if as_f32 => (a as f32) == (b as f32),
        // An integer beyond 2^53 is not equal to a float that merely rounds to it.
        (Some(a), Some(b)) => {
            a == b
                && [x, y]
                    .iter()
                    .all(|n| int(n).is_none_or(|i| (a as i128) == i))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_by_value() {
        assert!(values_equal(&json!(1), &json!(1.0)));
        assert!(values_equal(
            &json!({"a": [1, 2.5]}),
            &json!({"a": [1.0, 2.5]})
        ));
        assert!(!values_equal(&json!(1), &json!(1.5)));
        assert!(values_equal(&json!(u64::MAX), &json!(u64::MAX)));
        assert!(!values_equal(&json!(u64::MAX), &json!(u64::MAX - 1)));
        assert!(!values_equal(
            &json!(9007199254740993u64),
            &json!(9007199254740992.0)
        ));
        assert!(!values_equal(&json!(-1), &json!(u64::MAX)));
        assert!(!values_equal(&json!("1"), &json!(1)));
    }

    #[test]
    fn f32_rounding_only_for_amqp_f_values() {
        let e = [json!({"headers": [["k", "f", 0.1]]})];
        let a = [json!({"headers": [["k", "f", 0.10000000149011612]]})];
        assert!(compare_docs("amqp", &e, &a).is_ok());
        assert!(compare_docs("msgpack-rpc", &e, &a).is_err());
        let d = [json!({"headers": [["k", "d", 0.1]]})];
        let d2 = [json!({"headers": [["k", "d", 0.10000000149011612]]})];
        assert!(compare_docs("amqp", &d, &d2).is_err());
        assert!(compare_docs(
            "amqp",
            &[json!([["f", 0.1]])],
            &[json!([["f", 0.10000000149011612]])]
        )
        .is_ok());
    }

    #[test]
    fn mismatch_names_the_pointer() {
        let e = [json!({"fields": {"routing_key": "q", "a/b": 1}})];
        let a = [json!({"fields": {"routing_key": "r", "a/b": 1}})];
        let m = compare_docs("amqp", &e, &a).unwrap_err();
        assert_eq!(m.pointer, "/0/fields/routing_key");
        assert_eq!(
            m.to_string(),
            r#"at /0/fields/routing_key: expected "q", got "r""#
        );

        let m = compare_docs("amqp", &[json!({"x": 1})], &[json!({"x": 1, "y": 2})]).unwrap_err();
        assert_eq!(
            (m.pointer.as_str(), m.expected, m.actual),
            ("/0/y", None, Some(json!(2)))
        );
        // A typed wrapper with another type: say what was there, not just "nothing".
        let m = compare_docs(
            "msgpack-rpc",
            &[json!({"params": [{"float32": 0.5}]})],
            &[json!({"params": [{"float64": 0.5}]})],
        )
        .unwrap_err();
        assert_eq!(
            m.to_string(),
            r#"at /0/params/0/float32: expected 0.5, got nothing (the object there is {"float64":0.5})"#
        );
        let m = compare_docs("amqp", &[json!(1)], &[json!(1), json!(2)]).unwrap_err();
        assert_eq!(m.pointer, "/1");
        let m = compare_docs("amqp", &[json!([1, 2])], &[json!([1])]).unwrap_err();
        assert_eq!(m.pointer, "/0/1");
        let m = compare_docs("amqp", &[json!({"a/b": 1})], &[json!({"a/b": 2})]).unwrap_err();
        assert_eq!(m.pointer, "/0/a~1b");
    }
}
