//! `msgwire check xmlrpc-client --driver CMD`: msgwire plays an XML-RPC server over HTTP (one
//! POST per case) and judges the client library a driver runs (see [`super::client`] and
//! conformance/README.md, "The driver contract").
//!
//! The plan (`MSGWIRE_PLAN`) is one call: `{"method":M,"params":[V, ...]}`, each value tagged
//! with its XML-RPC type: `{"int":N}`, `{"boolean":B}`, `{"double":F}`, `{"string":S}`,
//! `{"dateTime":"YYYYMMDDTHH:MM:SS"}`, `{"base64":B64}`, `{"array":[V...]}`,
//! `{"struct":{NAME:V...}}`. The driver makes the call with the library (native values for the
//! tags) and prints `{"event":"result","value":V}` (V tagged the same way; a library that does
//! not keep int and double apart reports `{"number":N}`), `{"event":"fault","code":C,
//! "string":S}`, or `{"event":"raised","why":S}` (anything else the library raised).
//!
//! The scripted server decodes the request with msgwire's strict XML-RPC decoder and compares
//! it with the plan, then answers what the case scripts: a result of every type, a fault, or a
//! malformed response (two params, a bad int, an unknown type, an entity declaration, a body
//! cut off by a close) that the library must reject rather than read.

use std::io::Write;
use std::net::TcpListener;
use std::time::Instant;

use msgwire::xmlrpc::{self, Message, Value};
use serde_json::{json, Map, Value as Json};

use super::client::{self, DriverRun, Invocation, Target};
use super::{Case, Level, Outcome, Trace};

const SPEC: &str = "XML-RPC spec";

/// A value in the plan's tagged JSON form (ints whatever their tag; base64 by its bytes).
pub fn tagged(v: &Value<'_>) -> Json {
    match v {
        Value::Int(n) | Value::I4(n) => json!({ "int": n }),
        Value::I8(n) | Value::ExI8(n) => json!({ "i8": n }),
        Value::ExI1(n) => json!({ "int": n }),
        Value::ExI2(n) => json!({ "int": n }),
        Value::Boolean(b) => json!({ "boolean": b }),
        Value::String(s) | Value::Untyped(s) => json!({ "string": s }),
        Value::Double(f) => json!({ "double": f }),
        Value::ExFloat(f) => json!({ "double": f }),
        Value::DateTime(d) => json!({ "dateTime": d.text() }),
        Value::Base64(b) => match b.to_bytes() {
            Ok(bytes) => json!({ "base64": hex::encode(bytes) }),
            Err(_) => json!({ "base64-invalid": b.text() }),
        },
        Value::Array(items) => json!({ "array": items.iter().map(tagged).collect::<Vec<_>>() }),
        Value::Struct(members) => {
            let mut m = Map::new();
            for mem in members {
                m.insert(mem.name.to_string(), tagged(&mem.value));
            }
            json!({ "struct": m })
        }
        Value::Nil | Value::ExNil => json!({ "nil": null }),
    }
}

/// The plan's form of base64 is standard base64 text; msgwire compares bytes (as hex).
fn plan_to_compare(v: &Json) -> Json {
    match v {
        Json::Object(m) if m.len() == 1 => {
            let (k, inner) = m.iter().next().expect("one member");
            match k.as_str() {
                "base64" => {
                    let text = inner.as_str().unwrap_or("");
                    match xmlrpc::Base64::from_text(text).to_bytes() {
                        Ok(b) => json!({ "base64": hex::encode(b) }),
                        Err(_) => v.clone(),
                    }
                }
                "array" => {
                    json!({ "array": inner.as_array().map(|a| a.iter().map(plan_to_compare).collect::<Vec<_>>()).unwrap_or_default() })
                }
                "struct" => {
                    let mut out = Map::new();
                    if let Some(o) = inner.as_object() {
                        for (name, x) in o {
                            out.insert(name.clone(), plan_to_compare(x));
                        }
                    }
                    json!({ "struct": out })
                }
                _ => v.clone(),
            }
        }
        _ => v.clone(),
    }
}

/// Whether what a driver surfaced (`got`) is the value `want` (both tagged): `{"number":N}`
/// matches an int or a double of that value; a dateTime matches by its digits (a library that
/// rebuilds the text from a date object may add a zone suffix); struct members in any order.
fn same(want: &Json, got: &Json) -> bool {
    let (Some(w), Some(g)) = (want.as_object(), got.as_object()) else {
        return want == got;
    };
    let (Some((wk, wv)), Some((gk, gv))) = (w.iter().next(), g.iter().next()) else {
        return want == got;
    };
    match (wk.as_str(), gk.as_str()) {
        ("int" | "double", "number") => wv.as_f64() == gv.as_f64(),
        ("double", "double") => wv.as_f64() == gv.as_f64(),
        ("dateTime", "dateTime") => {
            let digits = |v: &Json| -> String {
                v.as_str()
                    .unwrap_or("")
                    .chars()
                    .filter(char::is_ascii_digit)
                    .take(14)
                    .collect()
            };
            digits(wv) == digits(gv)
        }
        ("base64", "base64") => {
            wv.as_str().map(str::to_ascii_lowercase) == gv.as_str().map(str::to_ascii_lowercase)
        }
        ("array", "array") => match (wv.as_array(), gv.as_array()) {
            (Some(a), Some(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y)),
            _ => false,
        },
        ("struct", "struct") => match (wv.as_object(), gv.as_object()) {
            (Some(a), Some(b)) => {
                a.len() == b.len() && a.iter().all(|(k, x)| b.get(k).is_some_and(|y| same(x, y)))
            }
            _ => false,
        },
        (a, b) => a == b && wv == gv,
    }
}

/// What one case saw.
struct Played {
    /// The decoded request (None: none came, or it did not decode: `problem`).
    call: Option<(String, Vec<Json>)>,
    problem: Option<String>,
    run: DriverRun,
}

/// Runs one case: start the driver with `plan`, read one POST, answer `body` (a whole
/// methodResponse document) or `raw` bytes, let the driver finish.
fn play(
    t: &Target,
    tr: &mut Trace,
    scenario: &str,
    plan: &Json,
    reply: Reply,
) -> Result<Played, Outcome> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .map_err(|e| Outcome::Fail(format!("internal: cannot listen on 127.0.0.1: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Outcome::Fail(format!("internal: {e}")))?;
    let inv = Invocation {
        scenario: scenario.to_string(),
        addr,
        url: format!("http://{addr}/RPC2"),
        plan: plan.to_string(),
    };
    let mut running = t
        .driver
        .start(&inv)
        .map_err(|e| Outcome::Fail(format!("the driver could not start: {e}")))?;
    let deadline = Instant::now() + t.timeout;
    let mut played = Played {
        call: None,
        problem: None,
        run: DriverRun::default(),
    };
    match client::accept(&listener, &mut running, deadline) {
        Err(e) => {
            tr.log("!", b"", e.clone());
            played.problem = Some(e);
        }
        Ok(mut s) => match client::read_http_request(&mut s, deadline) {
            Err(e) => {
                tr.log("!", b"", e.clone());
                played.problem = Some(e);
            }
            Ok(req) => {
                tr.log(
                    "<",
                    &req.body,
                    String::from_utf8_lossy(&req.body).into_owned(),
                );
                match xmlrpc::decode(&req.body) {
                    Ok(Message::Call(c)) => {
                        played.call =
                            Some((c.method.to_string(), c.params.iter().map(tagged).collect()))
                    }
                    Ok(other) => {
                        played.problem = Some(format!("the request is no methodCall: {other:?}"))
                    }
                    Err(e) => {
                        played.problem = Some(format!(
                            "msgwire's strict decoder rejects the request: {e} (byte {})",
                            e.offset()
                        ))
                    }
                }
                let bytes = match reply {
                    Reply::Document(doc) => http_200(doc.as_bytes()),
                    Reply::Raw(raw) => raw,
                };
                let _ = s.set_write_timeout(Some(super::left(deadline + t.timeout)));
                let _ = s.write_all(&bytes);
                let _ = s.flush();
                tr.log(
                    ">",
                    &bytes,
                    String::from_utf8_lossy(&bytes[..bytes.len().min(600)]).into_owned(),
                );
                let _ = s.shutdown(std::net::Shutdown::Write);
            }
        },
    }
    drop(listener);
    played.run = running.finish(Instant::now() + t.timeout);
    tr.log("!", b"", played.run.summary());
    Ok(played)
}

enum Reply {
    /// A methodResponse document (sent as 200 text/xml).
    Document(String),
    /// Raw bytes, then close.
    Raw(Vec<u8>),
}

fn http_200(body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

fn response(value_xml: &str) -> Reply {
    Reply::Document(format!("<?xml version=\"1.0\"?>\n<methodResponse><params><param><value>{value_xml}</value></param></params></methodResponse>\n"))
}

fn driver_verdict(run: &DriverRun) -> Option<Outcome> {
    if let Some(why) = run.unsupported() {
        return Some(Outcome::Unimplemented(format!(
            "the driver's library cannot do this: {why}"
        )));
    }
    if run.killed {
        return Some(Outcome::Fail(format!(
            "the client did not end within the timeout (it hung; killed): {}",
            run.summary()
        )));
    }
    if !run.bad_lines.is_empty() {
        return Some(Outcome::Fail(format!(
            "the driver broke its contract: {}",
            run.summary()
        )));
    }
    if run.status != "exit 0" {
        return Some(Outcome::Fail(format!(
            "the client crashed (the driver did not exit 0): {}",
            run.summary()
        )));
    }
    None
}

/// What the library surfaced, in one line.
fn surfaced(run: &DriverRun) -> String {
    let mut parts = Vec::new();
    for e in &run.events {
        match e["event"].as_str() {
            Some("result") => {
                let t = e["value"].to_string();
                parts.push(format!(
                    "result {}",
                    if t.len() > 300 {
                        format!(
                            "{}…",
                            &t[..t.char_indices().nth(300).map_or(t.len(), |(i, _)| i)]
                        )
                    } else {
                        t
                    }
                ));
            }
            Some("fault") => parts.push(format!(
                "fault {} {:?}",
                e["code"],
                e["string"].as_str().unwrap_or("")
            )),
            Some("raised") => parts.push(format!("raised ({})", e["why"].as_str().unwrap_or(""))),
            Some(other) => parts.push(other.to_string()),
            None => {}
        }
    }
    if parts.is_empty() {
        "nothing".into()
    } else {
        parts.join(", ")
    }
}

fn call_plan(method: &str, params: Json) -> Json {
    json!({ "method": method, "params": params })
}

/// A call whose request must be exactly the plan, answered with `reply`; the result judged
/// by `judge`.
fn checked_call(
    t: &Target,
    tr: &mut Trace,
    id: &str,
    plan: Json,
    reply: Reply,
    judge: &dyn Fn(&Played) -> Outcome,
) -> Outcome {
    let played = match play(
        t,
        tr,
        id.strip_prefix("xmlrpc-client/").unwrap_or(id),
        &plan,
        reply,
    ) {
        Ok(p) => p,
        Err(o) => return o,
    };
    if let Some(o) = driver_verdict(&played.run) {
        return o;
    }
    judge(&played)
}

/// The request is the plan's call: its method name and every param (type and value).
fn request_matches(p: &Played, plan: &Json) -> Result<(), String> {
    let Some((method, params)) = &p.call else {
        return Err(p
            .problem
            .clone()
            .unwrap_or_else(|| "no request came".into()));
    };
    let want_params: Vec<Json> = plan["params"]
        .as_array()
        .map(|a| a.iter().map(plan_to_compare).collect())
        .unwrap_or_default();
    if method != plan["method"].as_str().unwrap_or("") {
        return Err(format!(
            "methodName {method:?}, the plan's is {}",
            plan["method"]
        ));
    }
    if want_params.len() != params.len() || !want_params.iter().zip(params).all(|(w, g)| same(w, g))
    {
        return Err(format!(
            "params {} (the plan's, as msgwire compares them: {})",
            Json::Array(params.clone()),
            Json::Array(want_params)
        ));
    }
    Ok(())
}

fn results(run: &DriverRun) -> Vec<&Json> {
    run.named("result")
        .into_iter()
        .filter_map(|e| e.get("value"))
        .collect()
}

fn expect_result(p: &Played, want: &Json) -> Outcome {
    let got = results(&p.run);
    match got.as_slice() {
        [g] if same(want, g) => Outcome::Pass(format!("surfaced {}", surfaced(&p.run))),
        _ => Outcome::Fail(format!(
            "expected the result {want}; the library surfaced {}",
            surfaced(&p.run)
        )),
    }
}

/// The library must reject the response (raise), not surface a result or a fault.
fn expect_rejected(p: &Played, what: &str) -> Outcome {
    let raised = p.run.first("raised").is_some();
    let read = !results(&p.run).is_empty() || p.run.first("fault").is_some();
    match (raised, read) {
        (true, false) => Outcome::Pass(format!("rejected {what}: {}", surfaced(&p.run))),
        (_, true) => Outcome::Fail(format!(
            "{what} was read instead of rejected: {}",
            surfaced(&p.run)
        )),
        (false, false) => Outcome::Fail(format!(
            "the call neither raised nor returned: {}",
            surfaced(&p.run)
        )),
    }
}

fn every_type_params() -> Json {
    json!([
        {"int": 2147483647},
        {"int": -2147483648},
        {"boolean": true},
        {"double": 1.5},
        {"string": "plain"},
        {"dateTime": "20260102T03:04:05"},
        {"base64": "AAEC/w=="},
        {"array": [{"int": 1}, {"string": "two"}]},
        {"struct": {"a": {"int": 1}, "b": {"array": []}}}
    ])
}

const EVERY_TYPE_XML: &str = "<struct><member><name>int</name><value><int>-7</int></value></member><member><name>i4</name><value><i4>2147483647</i4></value></member><member><name>boolean</name><value><boolean>0</boolean></value></member><member><name>double</name><value><double>-0.25</double></value></member><member><name>string</name><value><string>a&lt;b&amp;c</string></value></member><member><name>untyped</name><value>no type</value></member><member><name>dateTime</name><value><dateTime.iso8601>19980717T14:08:55</dateTime.iso8601></value></member><member><name>base64</name><value><base64>eW91IGNhbid0IHJlYWQgdGhpcyE=</base64></value></member><member><name>array</name><value><array><data><value><int>1</int></value><value><string>x</string></value></data></array></value></member><member><name>empty</name><value><array><data></data></array></value></member></struct>";

fn every_type_result() -> Json {
    json!({"struct": {
        "int": {"int": -7},
        "i4": {"int": 2147483647},
        "boolean": {"boolean": false},
        "double": {"double": -0.25},
        "string": {"string": "a<b&c"},
        "untyped": {"string": "no type"},
        "dateTime": {"dateTime": "19980717T14:08:55"},
        "base64": {"base64": hex::encode(b"you can't read this!")},
        "array": {"array": [{"int": 1}, {"string": "x"}]},
        "empty": {"array": []}
    }})
}

/// The suite.
pub fn cases() -> Vec<Case<Target>> {
    vec![
        Case {
            id: "xmlrpc-client/request/well-formed",
            section: SPEC,
            requirement: "\"An XML-RPC message is an HTTP-POST request. The body of the request is in XML. [...] The payload is in XML, a single <methodCall> structure. The <methodCall> must contain a <methodName> sub-item [...] If the procedure call has parameters, the <methodCall> must contain a <params> sub-item. The <params> sub-item can contain any number of <param>s, each of which has a <value>.\"",
            level: Level::Must,
            accepts: "a methodCall msgwire's strict decoder reads, with the plan's methodName and its one <int> param; the result \"South Dakota\" surfaced",
            run: |t, tr| {
                let plan = call_plan("examples.getStateName", json!([{"int": 41}]));
                checked_call(t, tr, "xmlrpc-client/request/well-formed", plan.clone(), response("<string>South Dakota</string>"), &|p| {
                    if let Err(e) = request_matches(p, &plan) {
                        return Outcome::Fail(format!("the request is not the plan's call: {e}"));
                    }
                    expect_result(p, &json!({"string": "South Dakota"}))
                })
            },
        },
        Case {
            id: "xmlrpc-client/request/string-escapes",
            section: SPEC,
            requirement: "\"Any characters are allowed in a string except < and &, which are encoded as &lt; and &amp;. A string can be used to encode binary data.\"",
            level: Level::Must,
            accepts: "the string param a<b&c>d \"q\" 'a' ]]> sent escaped so that it reads back unchanged",
            run: |t, tr| {
                let plan = call_plan("echo", json!([{"string": "a<b&c>d \"q\" 'a' ]]>"}]));
                checked_call(t, tr, "xmlrpc-client/request/string-escapes", plan.clone(), response("<string>ok</string>"), &|p| match request_matches(p, &plan) {
                    Ok(()) => Outcome::Pass("the string reads back unchanged".into()),
                    Err(e) => Outcome::Fail(e),
                })
            },
        },
        Case {
            id: "xmlrpc-client/request/every-type",
            section: SPEC,
            requirement: "Scalar <value>s: <i4> or <int> \"four-byte signed integer\", <boolean> \"0 (false) or 1 (true)\", <string>, <double> \"double-precision signed floating point number\", <dateTime.iso8601> \"date/time\" (19980717T14:08:55), <base64> \"base64-encoded binary\"; <struct>: \"A <struct> contains <member>s and each <member> contains a <name> and a <value>\"; <array>: \"An <array> contains a single <data> element, which can contain any number of <value>s.\"",
            level: Level::Must,
            accepts: "int 2^31-1 and -2^31, true, 1.5, a string, dateTime 20260102T03:04:05, base64 of 00 01 02 ff, an array and a struct, each with its type and value",
            run: |t, tr| {
                let plan = call_plan("echo", every_type_params());
                checked_call(t, tr, "xmlrpc-client/request/every-type", plan.clone(), response("<string>ok</string>"), &|p| match request_matches(p, &plan) {
                    Ok(()) => Outcome::Pass("every param with its type and value".into()),
                    Err(e) => Outcome::Fail(e),
                })
            },
        },
        Case {
            id: "xmlrpc-client/request/int-out-of-range",
            section: SPEC,
            requirement: "\"<i4> or <int>: four-byte signed integer\" and \"An integer is a 32-bit signed number.\" (an application value of 2^31 is no XML-RPC int)",
            level: Level::Must,
            accepts: "the library refuses the call (raises, no request) or sends the value as something other than <int>/<i4>; an <int>2147483648</int> fails",
            run: |t, tr| {
                let plan = call_plan("echo", json!([{"int": 2147483648u64}]));
                checked_call(t, tr, "xmlrpc-client/request/int-out-of-range", plan, response("<string>ok</string>"), &|p| {
                    match (&p.call, &p.problem) {
                        (Some((_, params)), _) if params.first().is_some_and(|v| v.get("int").is_none()) => Outcome::Pass(format!("sent as {} (not an int)", params[0])),
                        (Some((_, params)), _) => Outcome::Fail(format!("sent as {}", Json::Array(params.clone()))),
                        (None, Some(problem)) if problem.contains("decoder rejects") => Outcome::Fail(format!("sent a request msgwire rejects: {problem}")),
                        (None, _) if p.run.first("raised").is_some() => Outcome::Pass(format!("refused before sending: {}", surfaced(&p.run))),
                        (None, problem) => Outcome::Fail(format!("neither a request nor an error: {}; {}", problem.as_deref().unwrap_or(""), surfaced(&p.run))),
                    }
                })
            },
        },
        Case {
            id: "xmlrpc-client/response/every-type",
            section: SPEC,
            requirement: "\"The body of the response is a single XML structure, a <methodResponse>, which can contain a single <params> which contains a single <param> which contains a single <value>.\" and the value types (\"If no type is indicated, the type is string.\")",
            level: Level::Must,
            accepts: "a struct of int, i4, boolean, double, an escaped string, an untyped value, dateTime, base64, an array and an empty array surfaced with every type and value",
            run: |t, tr| {
                checked_call(t, tr, "xmlrpc-client/response/every-type", call_plan("examples.everyType", json!([])), response(EVERY_TYPE_XML), &|p| expect_result(p, &every_type_result()))
            },
        },
        Case {
            id: "xmlrpc-client/fault/surfaced",
            section: SPEC,
            requirement: "\"The <methodResponse> could also contain a <fault> which contains a <value> which is a <struct> containing two elements, one named <faultCode>, an <int> and one named <faultString>, a <string>.\"",
            level: Level::Must,
            accepts: "the fault surfaced as a fault with code 4 and string \"Too many parameters.\" (not a result)",
            run: |t, tr| {
                let doc = "<?xml version=\"1.0\"?>\n<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>4</int></value></member><member><name>faultString</name><value><string>Too many parameters.</string></value></member></struct></value></fault></methodResponse>\n";
                checked_call(t, tr, "xmlrpc-client/fault/surfaced", call_plan("examples.getStateName", json!([{"int": 41}, {"int": 42}])), Reply::Document(doc.into()), &|p| {
                    let ok = p.run.named("fault").iter().any(|e| e["code"].as_i64() == Some(4) && e["string"].as_str() == Some("Too many parameters."));
                    if ok && results(&p.run).is_empty() {
                        Outcome::Pass(surfaced(&p.run))
                    } else {
                        Outcome::Fail(format!("expected the fault 4 \"Too many parameters.\": {}", surfaced(&p.run)))
                    }
                })
            },
        },
        Case {
            id: "xmlrpc-client/response/two-params",
            section: SPEC,
            requirement: "\"The body of the response is a single XML structure, a <methodResponse>, which can contain a single <params> which contains a single <param> which contains a single <value>.\"",
            level: Level::Must,
            accepts: "a methodResponse with two <param>s rejected (raised), not read",
            run: |t, tr| {
                let doc = "<?xml version=\"1.0\"?>\n<methodResponse><params><param><value><int>1</int></value></param><param><value><int>2</int></value></param></params></methodResponse>\n";
                checked_call(t, tr, "xmlrpc-client/response/two-params", call_plan("examples.two", json!([])), Reply::Document(doc.into()), &|p| expect_rejected(p, "a response with two params"))
            },
        },
        Case {
            id: "xmlrpc-client/response/bad-int",
            section: SPEC,
            requirement: "\"<i4> or <int>: four-byte signed integer\" and \"An integer is a 32-bit signed number. You can use a plus or minus at the beginning of a string of numeric characters. Leading zeros are collapsed. Whitespace is not permitted. Just numeric characters preceeded by a plus or minus.\"",
            level: Level::Must,
            accepts: "<int>twelve</int> rejected (raised), not read",
            run: |t, tr| {
                checked_call(t, tr, "xmlrpc-client/response/bad-int", call_plan("examples.badInt", json!([])), response("<int>twelve</int>"), &|p| expect_rejected(p, "<int>twelve</int>"))
            },
        },
        Case {
            id: "xmlrpc-client/response/unknown-type",
            section: SPEC,
            requirement: "the value types are <i4>/<int>, <boolean>, <string>, <double>, <dateTime.iso8601>, <base64>, <struct> and <array> (\"If no type is indicated, the type is string.\"): any other element is no XML-RPC value",
            level: Level::Must,
            accepts: "<value><quantity>3</quantity></value> rejected (raised), not read",
            run: |t, tr| {
                checked_call(t, tr, "xmlrpc-client/response/unknown-type", call_plan("examples.unknownType", json!([])), response("<quantity>3</quantity>"), &|p| expect_rejected(p, "an unknown value type"))
            },
        },
        Case {
            id: "xmlrpc-client/response/entity-declaration",
            section: SPEC,
            requirement: "derived: \"The body of the response is a single XML structure, a <methodResponse>\" — the grammar has no DTD; a response that declares entities (the start of billion-laughs expansion attacks) is not an XML-RPC response",
            level: Level::Must,
            accepts: "a response whose DOCTYPE declares an entity used in the result rejected (raised); surfacing the expanded text fails",
            run: |t, tr| {
                let doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE methodResponse [<!ENTITY msgwire \"expanded by the client\">]>\n<methodResponse><params><param><value><string>&msgwire;</string></value></param></params></methodResponse>\n";
                checked_call(t, tr, "xmlrpc-client/response/entity-declaration", call_plan("examples.entity", json!([])), Reply::Document(doc.into()), &|p| expect_rejected(p, "an entity declaration"))
            },
        },
        Case {
            id: "xmlrpc-client/transport/closed-mid-response",
            section: "XML-RPC over HTTP",
            requirement: "derived from RFC 9112 §6.3: a message whose connection closes before the octets its Content-Length declares is incomplete",
            level: Level::Must,
            accepts: "the call raises (no result): the server sends half the declared body, then closes",
            run: |t, tr| {
                let body = "<?xml version=\"1.0\"?>\n<methodResponse><params><param><value><string>never ends</string></value></param></params></methodResponse>\n";
                let mut raw = format!("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()).into_bytes();
                raw.extend_from_slice(&body.as_bytes()[..body.len() / 2]);
                checked_call(t, tr, "xmlrpc-client/transport/closed-mid-response", call_plan("examples.cut", json!([])), Reply::Raw(raw), &|p| expect_rejected(p, "a response cut off by a close"))
            },
        },
    ]
}

// ---------------------------------------------------------------------------------------------
// `msgwire fuzz xmlrpc-client`: one generated or mutated methodResponse at a time.

/// Plays `input` as the HTTP body (200, text/xml) answering the client's call `m(1)` and
/// judges what the library surfaced against msgwire's reading of it: a response msgwire's
/// strict decoder reads is owed its one value (compared as the check suite compares,
/// `wrong-value` keyed by the value's tag) or its fault code (`wrong-fault`), exactly once
/// (`not-delivered` when the library raised or returned nothing); a document both profiles
/// refuse, or a methodCall, is owed a refusal (`accepted-invalid` keyed by msgwire's error
/// kind, `not-reported` when the call neither raised nor returned); `crash`, `hang`,
/// `driver-contract`. Documents only the lenient profile reads are not judged.
pub fn fuzz_exchange(t: &Target, input: &[u8]) -> crate::live::FuzzVerdict {
    use crate::live::FuzzVerdict;
    let plan = call_plan("m", json!([{ "int": 1 }]));
    let mut tr = Trace::default();
    let played = match play(t, &mut tr, "fuzz", &plan, Reply::Raw(http_200(input))) {
        Ok(p) => p,
        Err(o) => return FuzzVerdict::Broken("no-request", format!("{o:?}")),
    };
    if let Some(v) = client::fuzz_driver_verdict(&played.run) {
        return v;
    }
    if let Err(e) = request_matches(&played, &plan) {
        return FuzzVerdict::Broken("bad-request", e);
    }
    let got = results(&played.run);
    let faults = played.run.named("fault");
    let raised = played.run.first("raised").is_some();
    let refused = |kind: String, why: String| {
        if !got.is_empty() || !faults.is_empty() {
            FuzzVerdict::Keyed(
                "accepted-invalid",
                kind,
                format!(
                    "msgwire refuses the response ({why}); the library read it: {}",
                    surfaced(&played.run)
                ),
            )
        } else if !raised {
            FuzzVerdict::Keyed(
                "not-reported",
                kind,
                format!(
                    "msgwire refuses the response ({why}); the call neither raised nor returned: {}",
                    surfaced(&played.run)
                ),
            )
        } else {
            FuzzVerdict::Ok
        }
    };
    match xmlrpc::decode(input) {
        Err(e) => {
            let lenient = xmlrpc::decode_with(input, xmlrpc::Profile::Lenient, &Default::default());
            if lenient.is_ok() {
                return FuzzVerdict::Skipped;
            }
            let kind = crate::forms::decode("xmlrpc", input, "strict")
                .and_then(|d| d.error)
                .map_or("error".to_string(), |f| f.kind);
            refused(kind, e.to_string())
        }
        Ok(Message::Call(_)) => refused("method-call".into(), "a methodCall as the answer".into()),
        Ok(Message::Response(r)) => {
            let Some(v) = r.params.first() else {
                return FuzzVerdict::Skipped;
            };
            let want = tagged(v);
            match (got.as_slice(), faults.is_empty()) {
                ([g], true) if same(&want, g) => FuzzVerdict::Ok,
                ([], true) => FuzzVerdict::Broken(
                    "not-delivered",
                    format!(
                        "the call is owed the result {want}; the library surfaced {}",
                        surfaced(&played.run)
                    ),
                ),
                _ => FuzzVerdict::Keyed(
                    "wrong-value",
                    want.as_object()
                        .and_then(|m| m.keys().next().cloned())
                        .unwrap_or_default(),
                    format!(
                        "the call is owed the result {want}; the library surfaced {}",
                        surfaced(&played.run)
                    ),
                ),
            }
        }
        Ok(Message::Fault(f)) => {
            let code = i64::from(f.code());
            match (faults.as_slice(), got.is_empty()) {
                ([one], true) if one["code"].as_i64() == Some(code) => FuzzVerdict::Ok,
                ([], true) => FuzzVerdict::Broken(
                    "not-delivered",
                    format!(
                        "the call is owed the fault {code}; the library surfaced {}",
                        surfaced(&played.run)
                    ),
                ),
                _ => FuzzVerdict::Broken(
                    "wrong-fault",
                    format!(
                        "the call is owed the fault {code}; the library surfaced {}",
                        surfaced(&played.run)
                    ),
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_result_is_what_the_document_holds() {
        let doc = format!("<methodResponse><params><param><value>{EVERY_TYPE_XML}</value></param></params></methodResponse>");
        let Message::Response(r) = xmlrpc::decode(doc.as_bytes()).unwrap() else {
            panic!()
        };
        assert!(same(&every_type_result(), &tagged(r.value().unwrap())));
        assert!(same(&json!({"int": 3}), &json!({"number": 3})));
        assert!(same(
            &json!({"dateTime": "19980717T14:08:55"}),
            &json!({"dateTime": "1998-07-17T14:08:55Z"})
        ));
        assert!(!same(&json!({"int": 3}), &json!({"string": "3"})));
        let ids: Vec<&str> = cases().iter().map(|c| c.id).collect();
        for (i, id) in ids.iter().enumerate() {
            assert!(!ids[..i].contains(id));
        }
    }
}
