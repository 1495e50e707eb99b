//! Unit tests: every strict rule, each with its typed error; profiles; zero-copy; encoding.

use std::borrow::Cow;

use super::*;

const HEAD: &str = "<?xml version=\"1.0\"?>";

fn call(params: &str) -> String {
    format!("{HEAD}<methodCall><methodName>m</methodName><params>{params}</params></methodCall>")
}

fn one(value: &str) -> String {
    call(&format!("<param><value>{value}</value></param>"))
}

fn first_param(doc: &str, profile: Profile) -> Result<Value<'_>, Error> {
    match decode_with(doc.as_bytes(), profile, &Limits::default())? {
        Message::Call(mut c) => Ok(c.params.remove(0)),
        other => panic!("not a call: {other:?}"),
    }
}

fn strict(value: &str) -> Result<Value<'static>, Error> {
    first_param(&one(value), Profile::Strict).map(Value::into_owned)
}

fn lenient(value: &str) -> Result<Value<'static>, Error> {
    first_param(&one(value), Profile::Lenient).map(Value::into_owned)
}

fn kind(r: Result<impl std::fmt::Debug, Error>) -> &'static str {
    r.expect_err("should fail").kind()
}

#[test]
fn every_scalar_type_decodes() {
    assert_eq!(strict("<int>-12</int>").unwrap(), Value::Int(-12));
    assert_eq!(strict("<i4>+7</i4>").unwrap(), Value::I4(7));
    assert_eq!(
        strict("<i8>-9223372036854775808</i8>").unwrap(),
        Value::I8(i64::MIN)
    );
    assert_eq!(
        strict("<boolean>1</boolean>").unwrap(),
        Value::Boolean(true)
    );
    assert_eq!(
        strict("<boolean>0</boolean>").unwrap(),
        Value::Boolean(false)
    );
    assert_eq!(
        strict("<string>a b</string>").unwrap(),
        Value::string("a b")
    );
    assert_eq!(strict("<string/>").unwrap(), Value::string(""));
    assert_eq!(
        strict("<double>-12.214</double>").unwrap(),
        Value::Double(-12.214)
    );
    assert_eq!(strict("<double>1.</double>").unwrap(), Value::Double(1.0));
    assert_eq!(strict("<double>.5</double>").unwrap(), Value::Double(0.5));
    assert_eq!(strict("<nil/>").unwrap(), Value::Nil);
    assert_eq!(strict("<nil></nil>").unwrap(), Value::Nil);
    let dt = strict("<dateTime.iso8601>19980717T14:08:55</dateTime.iso8601>").unwrap();
    let Value::DateTime(dt) = dt else { panic!() };
    assert_eq!(dt.parts().unwrap().second, 55);
    let b = strict("<base64>eW91IGNhbid0IHJlYWQgdGhpcyE=</base64>").unwrap();
    let Value::Base64(b) = b else { panic!() };
    assert_eq!(b.to_bytes().unwrap(), b"you can't read this!");
}

#[test]
fn untyped_value_is_a_string_with_whitespace_kept() {
    assert_eq!(strict("  hi \n").unwrap(), Value::Untyped("  hi \n".into()));
    assert_eq!(strict("").unwrap(), Value::Untyped("".into()));
    let doc = call("<param><value/></param>");
    assert_eq!(
        first_param(&doc, Profile::Strict).unwrap(),
        Value::Untyped("".into())
    );
    // Whitespace around a type element is layout, not a string.
    assert_eq!(strict("\n  <int>1</int>\n").unwrap(), Value::Int(1));
    assert_eq!(kind(strict("x<int>1</int>")), "unexpected-text");
}

#[test]
fn arrays_and_structs_keep_order_and_duplicates() {
    let v = strict(
        "<struct><member><name>b</name><value><int>1</int></value></member>\
         <member><name>a</name><value>x</value></member>\
         <member><name>b</name><value><int>2</int></value></member></struct>",
    )
    .unwrap();
    let Value::Struct(ref members) = v else {
        panic!()
    };
    let names: Vec<&str> = members.iter().map(|m| &*m.name).collect();
    assert_eq!(names, ["b", "a", "b"]);
    assert_eq!(v.member("b"), Some(&Value::Int(2)));
    let a =
        strict("<array><data><value><i4>1</i4></value><value>s</value></data></array>").unwrap();
    assert_eq!(
        a,
        Value::Array(vec![Value::I4(1), Value::Untyped("s".into())])
    );
    assert_eq!(
        strict("<array><data/></array>").unwrap(),
        Value::Array(vec![])
    );
    assert_eq!(strict("<struct/>").unwrap(), Value::Struct(vec![]));
}

#[test]
fn strings_borrow_unless_the_document_forces_a_copy() {
    let doc = one("<string>plain text</string>");
    let v = first_param(&doc, Profile::Strict).unwrap();
    assert!(matches!(v, Value::String(Cow::Borrowed("plain text"))));
    let doc = one("<string>a&amp;b&lt;&#x41;&#66;<![CDATA[<c>]]></string>");
    let v = first_param(&doc, Profile::Strict).unwrap();
    assert!(matches!(&v, Value::String(Cow::Owned(s)) if s == "a&b<AB<c>"));
    let doc = one("<string>a<!-- c -->b<?pi x?>c</string>");
    assert_eq!(
        first_param(&doc, Profile::Strict).unwrap(),
        Value::string("abc")
    );
    let doc = one("<base64>AAEC</base64>");
    let Value::Base64(b) = first_param(&doc, Profile::Strict).unwrap() else {
        panic!()
    };
    assert!(std::ptr::eq(
        b.text().as_ptr(),
        doc[doc.find("AAEC").unwrap()..].as_ptr()
    ));
    // Member and method names borrow too.
    let doc = call("<param><value><struct><member><name>k</name><value>v</value></member></struct></value></param>");
    let Message::Call(c) = decode(doc.as_bytes()).unwrap() else {
        panic!()
    };
    assert!(matches!(c.method, Cow::Borrowed("m")));
    let Value::Struct(m) = &c.params[0] else {
        panic!()
    };
    assert!(matches!(m[0].name, Cow::Borrowed("k")));
}

#[test]
fn line_ends_are_normalized_and_cr_survives_as_a_reference() {
    assert_eq!(
        strict("<string>a\r\nb\rc</string>").unwrap(),
        Value::string("a\nb\nc")
    );
    assert_eq!(
        strict("<string>a&#13;b</string>").unwrap(),
        Value::string("a\rb")
    );
    let m = Message::Call(MethodCall::new("m", vec![Value::string("a\rb")]));
    let bytes = m.to_vec();
    assert!(String::from_utf8_lossy(&bytes).contains("a&#13;b"));
    assert_eq!(decode(&bytes).unwrap(), m);
}

#[test]
fn integers_strict_rules() {
    assert_eq!(kind(strict("<int>2147483648</int>")), "int-out-of-range");
    assert_eq!(kind(strict("<i4>-2147483649</i4>")), "int-out-of-range");
    assert_eq!(
        strict("<int>-2147483648</int>").unwrap(),
        Value::Int(i32::MIN)
    );
    assert_eq!(
        kind(strict("<i8>9223372036854775808</i8>")),
        "int-out-of-range"
    );
    assert_eq!(kind(strict("<int> 1</int>")), "invalid-int");
    assert_eq!(kind(strict("<int>1 </int>")), "invalid-int");
    assert_eq!(kind(strict("<int>1_000</int>")), "invalid-int");
    assert_eq!(kind(strict("<int>0x10</int>")), "invalid-int");
    assert_eq!(kind(strict("<int></int>")), "invalid-int");
    assert_eq!(kind(strict("<int>+</int>")), "invalid-int");
    assert_eq!(kind(strict("<int>1.0</int>")), "invalid-int");
    let e = strict("<int>x</int>").unwrap_err();
    assert_eq!(
        e,
        Error::InvalidInt {
            offset: e.offset(),
            tag: "int"
        }
    );
    assert_eq!(e.code(), FaultCode::INVALID_XMLRPC);
}

#[test]
fn integers_lenient_follow_python() {
    assert_eq!(lenient("<int> 12 </int>").unwrap(), Value::Int(12));
    assert_eq!(lenient("<int>1_000</int>").unwrap(), Value::Int(1000));
    assert_eq!(
        lenient("<int>4294967296</int>").unwrap(),
        Value::I8(1 << 32)
    );
    assert_eq!(kind(lenient("<int>1__0</int>")), "invalid-int");
    assert_eq!(kind(lenient("<int>_1</int>")), "invalid-int");
    assert_eq!(
        kind(lenient("<int>99999999999999999999</int>")),
        "int-out-of-range"
    );
}

#[test]
fn booleans_are_zero_or_one_in_every_profile() {
    for bad in ["true", "2", " 1", ""] {
        let v = format!("<boolean>{bad}</boolean>");
        assert_eq!(kind(strict(&v)), "invalid-boolean");
        assert_eq!(kind(lenient(&v)), "invalid-boolean");
    }
}

#[test]
fn doubles_strict_vs_lenient() {
    for bad in [
        "NaN",
        "inf",
        "-Infinity",
        "1e5",
        " 1.5",
        "1.5 ",
        "1..5",
        ".",
        "",
        "1,5",
    ] {
        let v = format!("<double>{bad}</double>");
        assert_eq!(kind(strict(&v)), "invalid-double", "{bad}");
    }
    // Huge digit strings overflow to infinity: strict says no.
    let huge = format!("<double>1{}.0</double>", "0".repeat(400));
    assert_eq!(kind(strict(&huge)), "invalid-double");
    assert_eq!(
        lenient("<double>1e+100</double>").unwrap(),
        Value::Double(1e100)
    );
    assert!(matches!(lenient("<double>nan</double>").unwrap(), Value::Double(f) if f.is_nan()));
    assert_eq!(
        lenient("<double> -inf </double>").unwrap(),
        Value::Double(f64::NEG_INFINITY)
    );
}

#[test]
fn datetimes_strict_vs_lenient() {
    for bad in [
        "19981317T14:08:55",
        "19980230T00:00:00",
        "1998-07-17T14:08:55",
        "x",
        "",
    ] {
        let v = format!("<dateTime.iso8601>{bad}</dateTime.iso8601>");
        assert_eq!(kind(strict(&v)), "invalid-datetime", "{bad}");
        // Python keeps any text in an xmlrpc.client.DateTime.
        let Value::DateTime(d) = lenient(&v).unwrap() else {
            panic!()
        };
        assert_eq!(d.text(), bad);
    }
}

#[test]
fn base64_rules() {
    let ok = strict("<base64>\nAAECAwQF\nBgc=\n</base64>").unwrap();
    let Value::Base64(b) = ok else { panic!() };
    assert_eq!(b.to_bytes().unwrap(), [0, 1, 2, 3, 4, 5, 6, 7]);
    for bad in ["AAE", "AA=C", "A===", "AAE$", "AAF="] {
        let v = format!("<base64>{bad}</base64>");
        assert_eq!(kind(strict(&v)), "invalid-base64", "{bad}");
    }
    // Non-zero trailing bits: Python's a2b_base64 ignores them.
    assert!(lenient("<base64>AAF=</base64>").is_ok());
    // Long input crosses the stack chunk boundary.
    let long = Base64::from_bytes(&vec![7u8; 5000]);
    let doc = one(&format!("<base64>{}</base64>", long.text()));
    let Value::Base64(b) = first_param(&doc, Profile::Strict).unwrap() else {
        panic!()
    };
    assert_eq!(b.to_bytes().unwrap(), vec![7u8; 5000]);
    // Padding that ends exactly at a stack chunk (1024 characters) is still mid-text.
    let at_boundary = format!("<base64>{}AA==AAAA</base64>", "A".repeat(1020));
    assert_eq!(kind(strict(&at_boundary)), "invalid-base64");
    assert_eq!(kind(lenient(&at_boundary)), "invalid-base64");
    let bad = format!("<base64>{}=AAA</base64>", &long.text()[..2000]);
    assert_eq!(kind(strict(&bad)), "invalid-base64");
}

#[test]
fn shapes_of_members_params_and_responses() {
    let member = |inner: &str| strict(&format!("<struct><member>{inner}</member></struct>"));
    assert_eq!(kind(member("<name>a</name>")), "member-shape");
    assert_eq!(kind(member("<value>1</value>")), "member-shape");
    assert_eq!(
        kind(member("<name>a</name><name>b</name><value>1</value>")),
        "member-shape"
    );
    assert_eq!(
        kind(member("<name>a</name><value>1</value><value>2</value>")),
        "member-shape"
    );
    assert_eq!(
        kind(member("<value>1</value><name>a</name>")),
        "member-shape"
    );
    let two = call("<param><value>1</value><value>2</value></param>");
    assert_eq!(kind(decode(two.as_bytes())), "param-shape");
    let none = call("<param></param>");
    assert_eq!(kind(decode(none.as_bytes())), "param-shape");
    let resp = |body: &str| format!("{HEAD}<methodResponse>{body}</methodResponse>");
    let p = "<params><param><value>1</value></param></params>";
    let f = "<fault><value><struct><member><name>faultCode</name><value><int>4</int></value>\
             </member><member><name>faultString</name><value>no</value></member></struct>\
             </value></fault>";
    assert_eq!(
        kind(decode(resp(&format!("{p}{f}")).as_bytes())),
        "response-shape"
    );
    assert_eq!(
        kind(decode(resp(&format!("{f}{p}")).as_bytes())),
        "response-shape"
    );
    assert_eq!(kind(decode(resp("").as_bytes())), "response-shape");
    assert_eq!(
        kind(decode(resp("<params></params>").as_bytes())),
        "response-shape"
    );
    let two =
        resp("<params><param><value>1</value></param><param><value>2</value></param></params>");
    assert_eq!(kind(decode(two.as_bytes())), "response-shape");
    let Message::Response(r) =
        decode_with(two.as_bytes(), Profile::Lenient, &Limits::default()).unwrap()
    else {
        panic!()
    };
    assert_eq!(r.params.len(), 2);
    let fdoc = resp(f);
    let Message::Fault(fault) = decode(fdoc.as_bytes()).unwrap() else {
        panic!()
    };
    assert_eq!((fault.code(), fault.string()), (FaultCode(4), "no"));
}

#[test]
fn fault_rules() {
    let fault = |members: &str| {
        format!("{HEAD}<methodResponse><fault><value><struct>{members}</struct></value></fault></methodResponse>")
    };
    let m = |n: &str, v: &str| format!("<member><name>{n}</name><value>{v}</value></member>");
    let code = m("faultCode", "<int>1</int>");
    let string = m("faultString", "<string>x</string>");
    assert!(decode(fault(&format!("{string}{code}")).as_bytes()).is_ok());
    for bad in [
        code.clone(),
        format!("{code}{string}{}", m("extra", "1")),
        format!("{}{string}", m("faultCode", "<string>1</string>")),
        format!("{code}{}", m("faultString", "<int>1</int>")),
        format!("{code}{code}"),
    ] {
        let e = decode(fault(&bad).as_bytes()).unwrap_err();
        assert_eq!(e.kind(), "fault-shape", "{bad}");
    }
    let not_struct =
        format!("{HEAD}<methodResponse><fault><value>x</value></fault></methodResponse>");
    assert_eq!(kind(decode(not_struct.as_bytes())), "fault-shape");
}

#[test]
fn structure_errors() {
    assert_eq!(
        kind(decode(format!("{}<!-- ok --> x", one("1")).as_bytes())),
        "trailing-content"
    );
    assert_eq!(
        kind(decode(format!("{}<methodCall/>", one("1")).as_bytes())),
        "trailing-content"
    );
    assert!(decode(format!("{}\n<!-- ok --><?pi?>\n", one("1")).as_bytes()).is_ok());
    assert_eq!(kind(strict("<foo>1</foo>")), "unknown-type");
    assert_eq!(kind(strict("<ex:i1>1</ex:i1>")), "unknown-type");
    assert_eq!(
        kind(strict("<int>1</int><int>2</int>")),
        "unexpected-element"
    );
    assert_eq!(
        kind(strict("<string><b>x</b></string>")),
        "unexpected-element"
    );
    assert_eq!(
        kind(decode(
            b"<methodCall><methodName>a b</methodName></methodCall>"
        )),
        "invalid-method-name"
    );
    assert_eq!(
        kind(decode(
            b"<methodCall><methodName></methodName></methodCall>"
        )),
        "invalid-method-name"
    );
    assert!(decode_with(
        b"<methodCall><methodName>a b</methodName></methodCall>",
        Profile::Lenient,
        &Limits::default()
    )
    .is_ok());
    assert_eq!(
        kind(decode(b"<methodCall><params/></methodCall>")),
        "unexpected-element"
    );
    assert_eq!(kind(decode(b"<foo/>")), "unexpected-element");
    assert_eq!(kind(decode(b"<methodCall>")), "unexpected-eof");
    assert_eq!(kind(decode(b"")), "unexpected-eof");
    assert_eq!(kind(decode(one("<int>1</int").as_bytes())), "xml-syntax");
    assert_eq!(kind(decode(one("<int>1</i4>").as_bytes())), "xml-syntax");
    assert_eq!(
        kind(decode(
            b"<methodCall a=\"1\"><methodName>m</methodName></methodCall>"
        )),
        "unexpected-attribute"
    );
    let ok = decode_with(
        b"<methodCall a=\"1\"><methodName>m</methodName></methodCall>",
        Profile::Lenient,
        &Limits::default(),
    );
    assert!(ok.is_ok());
    let call_no_params = decode(b"<methodCall><methodName>m</methodName></methodCall>").unwrap();
    assert_eq!(call_no_params, Message::Call(MethodCall::new("m", vec![])));
}

#[test]
fn xml_attacks_fail_fast() {
    let bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;\">]>\
                <methodCall><methodName>&lol2;</methodName></methodCall>";
    let e = decode(bomb.as_bytes()).unwrap_err();
    assert_eq!(e, Error::Doctype { offset: 21 });
    assert_eq!(e.code(), FaultCode::PARSE_ERROR);
    let xxe = "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><methodCall><methodName>&x;</methodName></methodCall>";
    assert_eq!(kind(decode(xxe.as_bytes())), "doctype");
    let undefined = "<methodCall><methodName>&x;</methodName></methodCall>";
    assert_eq!(kind(decode(undefined.as_bytes())), "unknown-entity");
    // 100 000 nested arrays: stops at the depth limit.
    let depth = 100_000;
    let doc = one(&format!(
        "{}{}",
        "<array><data><value>".repeat(depth),
        "</value></data></array>".repeat(depth)
    ));
    let e = decode(doc.as_bytes()).unwrap_err();
    assert!(matches!(e, Error::TooDeep { limit: 128, .. }), "{e:?}");
    let limits = Limits {
        max_document_size: 100,
        ..Limits::default()
    };
    assert_eq!(
        kind(decode_with(doc.as_bytes(), Profile::Strict, &limits)),
        "too-large"
    );
}

#[test]
fn depth_limit_is_exact() {
    let nest = |n: usize| {
        one(&format!(
            "{}1{}",
            "<array><data><value>".repeat(n),
            "</value></data></array>".repeat(n)
        ))
    };
    // The default limit, reached exactly, in a debug build on a test thread's stack.
    assert!(decode(nest(128).as_bytes()).is_ok());
    assert_eq!(kind(decode(nest(129).as_bytes())), "too-deep");
    let limits = Limits {
        max_depth: 3,
        ..Limits::default()
    };
    assert!(decode_with(nest(3).as_bytes(), Profile::Strict, &limits).is_ok());
    assert_eq!(
        kind(decode_with(nest(4).as_bytes(), Profile::Strict, &limits)),
        "too-deep"
    );
}

#[test]
fn encoding_and_characters() {
    assert_eq!(
        decode(b"\xff").unwrap_err(),
        Error::InvalidUtf8 { offset: 0 }
    );
    let e = decode(one("<string>a\u{1}</string>").as_bytes()).unwrap_err();
    assert!(matches!(e, Error::InvalidChar { ch: 1, .. }));
    assert_eq!(e.code(), FaultCode::INVALID_CHARACTER);
    assert_eq!(
        kind(decode(one("<string>&#1;</string>").as_bytes())),
        "invalid-char"
    );
    assert_eq!(
        lenient("<string>&#1;</string>").unwrap(),
        Value::string("\u{1}")
    );
    assert_eq!(
        kind(decode(one("<string>\u{fffe}</string>").as_bytes())),
        "invalid-char"
    );
    let latin = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><methodCall><methodName>m</methodName></methodCall>";
    let e = decode(latin.as_bytes()).unwrap_err();
    assert_eq!(e.kind(), "unsupported-encoding");
    assert_eq!(e.code(), FaultCode::UNSUPPORTED_ENCODING);
    assert!(decode_with(latin.as_bytes(), Profile::Lenient, &Limits::default()).is_ok());
    let bom = "\u{feff}<methodCall><methodName>m</methodName></methodCall>";
    assert!(decode(bom.as_bytes()).is_ok());
}

#[test]
fn apache_extensions_profile() {
    let doc = one("<ex:i1>-128</ex:i1>");
    let apache = |d: &str| first_param(d, Profile::ApacheExtensions).map(Value::into_owned);
    assert_eq!(apache(&doc).unwrap(), Value::ExI1(-128));
    assert_eq!(
        apache(&one("<ex:i2>300</ex:i2>")).unwrap(),
        Value::ExI2(300)
    );
    assert_eq!(apache(&one("<ex:i8>-5</ex:i8>")).unwrap(), Value::ExI8(-5));
    assert_eq!(
        apache(&one("<ex:float>1.5</ex:float>")).unwrap(),
        Value::ExFloat(1.5)
    );
    assert_eq!(apache(&one("<ex:nil/>")).unwrap(), Value::ExNil);
    assert_eq!(kind(apache(&one("<ex:i1>128</ex:i1>"))), "int-out-of-range");
    assert_eq!(kind(apache(&one("<foo:int>1</foo:int>"))), "unknown-type");
    // Python strips any prefix.
    assert_eq!(lenient("<foo:int>1</foo:int>").unwrap(), Value::Int(1));
    assert_eq!(lenient("<i2>7</i2>").unwrap(), Value::ExI2(7));
    let xmlns = "<methodResponse xmlns:ex=\"http://ws.apache.org/xmlrpc/namespaces/extensions\">\
                 <params><param><value><ex:nil/></value></param></params></methodResponse>";
    assert!(decode_with(
        xmlns.as_bytes(),
        Profile::ApacheExtensions,
        &Limits::default()
    )
    .is_ok());
    assert_eq!(kind(decode(xmlns.as_bytes())), "unexpected-attribute");
}

fn sample() -> Message<'static> {
    Message::Call(MethodCall::new(
        "validator1.manyTypesTest",
        vec![
            Value::Int(-1),
            Value::I4(2),
            Value::I8(1 << 40),
            Value::Boolean(true),
            Value::string("a<b>&c\"d'e\r\n"),
            Value::Untyped("  spaced  ".into()),
            Value::Double(-0.25),
            Value::Double(1e300),
            Value::Double(3.0),
            Value::DateTime(DateTime::from_parts(1998, 7, 17, 14, 8, 55)),
            Value::Base64(Base64::from_bytes(b"\x00\xffhello")),
            Value::Array(vec![Value::Nil, Value::Array(vec![])]),
            Value::Struct(vec![
                Member::new("x", Value::Int(1)),
                Member::new("x", Value::Struct(vec![])),
            ]),
        ],
    ))
}

#[test]
fn encode_roundtrips_in_both_layouts() {
    let m = sample();
    for layout in [Layout::Compact, Layout::Pretty] {
        let bytes = m.to_vec_layout(layout);
        assert_eq!(bytes.len(), m.encoded_len_layout(layout));
        let back = decode(&bytes).unwrap();
        assert_eq!(back, m);
        assert_eq!(back.to_vec_layout(layout), bytes);
    }
    let text = String::from_utf8(m.to_vec()).unwrap();
    assert!(text.starts_with("<?xml version=\"1.0\"?><methodCall><methodName>validator1.manyTypesTest</methodName><params><param><value><int>-1</int>"));
    assert!(text.contains("<string>a&lt;b&gt;&amp;c\"d'e&#13;\n</string>"));
    assert!(text.contains("<double>3.0</double>"));
    assert!(!text.contains('e') || !text.contains("<double>1e"));
}

#[test]
fn pretty_layout_is_pythons() {
    let f = Message::Fault(Fault::new(4, "Too many parameters."));
    let expected = "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n\
                    <name>faultCode</name>\n<value><int>4</int></value>\n</member>\n<member>\n\
                    <name>faultString</name>\n<value><string>Too many parameters.</string></value>\n\
                    </member>\n</struct></value>\n</fault>\n</methodResponse>\n";
    assert_eq!(String::from_utf8(f.to_vec_pretty()).unwrap(), expected);
    let back = decode(expected.as_bytes()).unwrap();
    assert_eq!(back, f);
}

#[test]
fn encoder_escapes_characters_xml_cannot_carry() {
    let m = Message::Response(MethodResponse::new(Value::string("\u{1}\u{ffff}x")));
    let text = String::from_utf8(m.to_vec()).unwrap();
    assert!(text.contains("<string>&#1;&#65535;x</string>"), "{text}");
    assert_eq!(kind(decode(text.as_bytes())), "invalid-char");
    let back = decode_with(text.as_bytes(), Profile::Lenient, &Limits::default()).unwrap();
    assert_eq!(back, m);
}

#[test]
fn into_owned_outlives_the_input() {
    let owned = {
        let doc = one("<string>temp</string>");
        decode(doc.as_bytes()).unwrap().into_owned()
    };
    let Message::Call(c) = owned else { panic!() };
    assert_eq!(c.params[0].as_str(), Some("temp"));
}

#[test]
fn errors_carry_offsets_and_names() {
    let doc = one("<foo>1</foo>");
    let at = doc.find("<foo>").unwrap();
    assert_eq!(
        decode(doc.as_bytes()).unwrap_err(),
        Error::UnknownType {
            offset: at,
            tag: "foo".into()
        }
    );
    let doc = one("<int>12a</int>");
    let at = doc.find("<int>").unwrap();
    assert_eq!(
        decode(doc.as_bytes()).unwrap_err(),
        Error::InvalidInt {
            offset: at,
            tag: "int"
        }
    );
    let doc = one("<string>a]]>b</string>");
    let e = decode(doc.as_bytes()).unwrap_err();
    assert_eq!(
        (e.kind(), e.offset()),
        ("xml-syntax", doc.find("]]>").unwrap())
    );
    let doc = format!("{}<x/>", one("1"));
    assert_eq!(
        decode(doc.as_bytes()).unwrap_err(),
        Error::TrailingContent {
            offset: doc.len() - 4
        }
    );
    let e = decode(b"\xef\xbb\xbf<foo/>").unwrap_err();
    assert_eq!(
        e,
        Error::UnexpectedElement {
            offset: 3,
            found: "foo".into(),
            expected: "<methodCall> or <methodResponse> with content"
        }
    );
}

/// XML 1.0 well-formedness the scanner checks itself (each found by the differential fuzz
/// target's oracle, or kept from quick-xml's checks): every case fails under every profile with
/// `xml-syntax` at the offset given, and a close well-formed neighbour passes.
#[test]
fn scanner_well_formedness() {
    let m = "<methodCall><methodName>m</methodName></methodCall>";
    let bad: &[(String, usize)] = &[
        // §2.6 PITarget: a Name, and not `xml` in any case except the declaration at the start.
        (format!("<?xmon=\"1.0\"?>{m}"), 0),
        (format!("<?XML x?>{m}"), 0),
        (format!("<??>{m}"), 0),
        (format!("<?\u{d7}x y?>{m}"), 0),
        // §2.3 Name for elements (start and end) and attributes.
        ("<>".to_string(), 0),
        ("<1a/>".to_string(), 0),
        (
            "<methodCall><methodName>m</methodName></methodCall ><x\u{d7}/>".to_string(),
            52,
        ),
        (
            "<methodCall><methodName>m</ methodName></methodCall>".to_string(),
            25,
        ),
        // §4.1 EntityRef: `&` Name `;`.
        (one("<string>&a b;</string>"), HEAD.len() + 68),
        // §2.8: version first, then encoding, then standalone (yes or no); nothing else.
        (format!("<?xml encoding=\"UTF-8\" version=\"1.0\"?>{m}"), 0),
        (format!("<?xml version=\"1.0\" e=\"UTF-8\"?>{m}"), 0),
        (
            format!("<?xml version=\"1.0\" standalone=\"maybe\"?>{m}"),
            0,
        ),
        (format!("<?xml version=\"1.\r\"?>{m}"), 0),
        // §2.5: no `--` inside a comment.
        (format!("<!-- a -- b -->{m}"), 7),
        // `<!` that starts no comment, CDATA section or DOCTYPE.
        (format!("<!-x>{m}"), 0),
    ];
    // Attributes are refused before they are read except in lenient.
    let bad_attributes: &[(String, usize)] = &[
        (
            "<methodCall 1a=\"\"><methodName>m</methodName></methodCall>".to_string(),
            12,
        ),
        // §3.1: white space between attributes, no `<` in a value, references that resolve.
        (
            "<methodCall a='1'b='2'><methodName>m</methodName></methodCall>".to_string(),
            17,
        ),
        (
            "<methodCall a='<'><methodName>m</methodName></methodCall>".to_string(),
            12,
        ),
        (
            "<methodCall a='&x'><methodName>m</methodName></methodCall>".to_string(),
            0,
        ),
    ];
    let every = [Profile::Strict, Profile::ApacheExtensions, Profile::Lenient];
    let cases = bad.iter().map(|c| (c, &every[..]));
    let cases = cases.chain(bad_attributes.iter().map(|c| (c, &every[2..])));
    let mut wrong = Vec::new();
    for ((doc, at), profiles) in cases {
        for &profile in profiles {
            match decode_with(doc.as_bytes(), profile, &Limits::default()) {
                Err(e) if (e.kind(), e.offset()) == ("xml-syntax", *at) => {}
                other => wrong.push(format!("{profile:?} {doc:?}: {other:?}")),
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    let good = [
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone='no' ?>{m}"),
        format!("<?xml-stylesheet href=\"a\"?><?\u{e9}t\u{e9} x?>{m}"),
        format!("<!---->{m}<!-- a - b -->"),
        "<methodCall\ta='1'\nb = \"&lt;&#x3C;\" ><methodName>m</methodName></methodCall\n>"
            .to_string(),
        "<methodCall x\u{e9}\u{b7}='1'><methodName>m</methodName></methodCall>".to_string(),
        // Lenient reads any `1.x` version, as expat does.
        format!("<?xml version=\"1.a\"?>{m}"),
    ];
    for doc in good {
        let r = decode_with(doc.as_bytes(), Profile::Lenient, &Limits::default());
        assert!(r.is_ok(), "{doc:?}: {r:?}");
    }
}

#[test]
fn attributes_are_unique_and_cheap_in_lenient() {
    let dup = b"<methodCall a=\"1\" a=\"2\"><methodName>m</methodName></methodCall>";
    assert_eq!(
        kind(decode_with(dup, Profile::Lenient, &Limits::default())),
        "xml-syntax"
    );
    // 50 000 attributes: linear (a quadratic duplicate check would take seconds).
    let attrs: String = (0..50_000).map(|i| format!(" a{i}=\"\"")).collect();
    let doc = format!("<methodCall{attrs}><methodName>m</methodName></methodCall>");
    let t = std::time::Instant::now();
    assert!(decode_with(doc.as_bytes(), Profile::Lenient, &Limits::default()).is_ok());
    assert!(
        t.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        t.elapsed()
    );
}

#[test]
fn the_decoder_reads_documents_sent_back_to_back() {
    let one = Message::Call(MethodCall::new("a.b", vec![Value::from(1)])).to_vec();
    let two = Message::Response(MethodResponse::new(Value::from("</methodCall>"))).to_vec();
    let mut wire = one.clone();
    wire.push(b'\n');
    wire.extend_from_slice(&two);
    let d = Decoder::default();
    let crate::Decoded::Complete { value, used } = d.decode(&wire).unwrap() else {
        panic!()
    };
    assert_eq!(value.to_vec(), one);
    assert_eq!(used, one.len() + 1);
    let crate::Decoded::Complete { value, used } = d.decode(&wire[used..]).unwrap() else {
        panic!()
    };
    assert_eq!(value.to_vec(), two);
    assert_eq!(used, two.len());
    for cut in 0..one.len() {
        assert!(d.decode(&one[..cut]).unwrap().is_need_more(), "{cut}");
    }
    let e = d.decode(b"<methodCall><bad/></methodCall>").unwrap_err();
    assert_eq!(e.kind(), "unexpected-element");
}

#[test]
fn the_decoder_looks_past_end_tags_in_comments_cdata_and_pis() {
    // Each `</methodCall>` inside a comment, a CDATA section or a PI is not the document's
    // end; the one after them is. (The decoder finds it in one pass: the whole document is
    // decoded once, not once per false end tag; benches/growth has the cost per byte.)
    let mut doc = b"<?xml version=\"1.0\"?><?pi </methodCall>?><methodCall><!-- ".to_vec();
    for _ in 0..1000 {
        doc.extend_from_slice(b"</methodCall> ");
    }
    doc.extend_from_slice(b"--><methodName>m</methodName><params><param><value><string>");
    doc.extend_from_slice(b"<![CDATA[</methodCall></methodResponse>]]></string></value>");
    doc.extend_from_slice(b"</param></params></methodCall>\n");
    let next = Message::Call(MethodCall::new("n", vec![])).to_vec();
    let mut wire = doc.clone();
    wire.extend_from_slice(&next);
    let d = Decoder::default();
    let crate::Decoded::Complete { value, used } = d.decode(&wire).unwrap() else {
        panic!("not complete")
    };
    assert_eq!(used, doc.len());
    let Message::Call(call) = value else { panic!() };
    assert_eq!(call.method, "m");
    assert_eq!(
        call.params,
        vec![Value::from("</methodCall></methodResponse>")]
    );
    let crate::Decoded::Complete { used, .. } = d.decode(&wire[used..]).unwrap() else {
        panic!("second not complete")
    };
    assert_eq!(used, next.len());
    // Every prefix of the document needs more; a comment or CDATA section still open at the
    // end of the input is not an end.
    for cut in 0..doc.len() - 1 {
        assert!(d.decode(&doc[..cut]).unwrap().is_need_more(), "{cut}");
    }
    // A DOCTYPE is refused before any end tag is looked for.
    let e = d
        .decode(b"<!DOCTYPE x><methodCall><methodName>m</methodName></methodCall>")
        .unwrap_err();
    assert_eq!(e.kind(), "doctype");
}

/// What the encoder wrote before it used zmij and itoa: `Display`, then `.0` when there is no point.
fn display_decimal(text: String) -> String {
    if text.contains(['.', 'N', 'n', 'i']) {
        text
    } else {
        text + ".0"
    }
}

fn encoded_body(v: Value<'_>, tag: &str) -> String {
    let text = String::from_utf8(v.to_vec()).unwrap();
    assert_eq!(text.len(), v.encoded_len(), "{text}");
    let inner = text
        .strip_prefix(&format!("<value><{tag}>"))
        .and_then(|t| t.strip_suffix(&format!("</{tag}></value>")));
    inner.unwrap_or_else(|| panic!("{text}")).to_owned()
}

/// A double is written with the shortest digits that read back as it, laid out as `Display`
/// lays them out (no exponent, `.0` added): the same text as `Display`'s, except that when two
/// shortest digit strings are equally near, the even one is written (zmij, Python's `repr` and
/// JavaScript's `String` do that; Rust's `Display` rounds the tie up).
fn same_shortest_digits(f: f64) {
    let ours = encoded_body(Value::Double(f), "double");
    let display = display_decimal(format!("{f}"));
    assert_eq!(
        ours.parse::<f64>().unwrap().to_bits(),
        f.to_bits(),
        "{ours} for {f:e}"
    );
    assert_eq!(ours.len(), display.len(), "{ours} vs {display}");
    if ours != display {
        let (a, b) = (ours.as_bytes(), display.as_bytes());
        let last = a
            .iter()
            .rposition(|&c| c.is_ascii_digit() && c != b'0')
            .unwrap();
        assert_eq!(a[..last], b[..last], "{ours} vs {display}");
        assert_eq!(
            a[last] + 1,
            b[last],
            "only a tie rounds differently: {ours} vs {display}"
        );
        assert_eq!(
            (a[last] - b'0') % 2,
            0,
            "the tie goes to the even digit: {ours}"
        );
    }
}

#[test]
fn double_ties_go_to_the_even_digit_as_python_and_javascript_write_them() {
    // 1658206780088562.25 lies halfway between ...562.2 and ...562.3; Python's repr and Node's
    // String() both print ...562.2.
    assert_eq!(
        encoded_body(Value::Double(1_658_206_780_088_562.0 + 0.25), "double"),
        "1658206780088562.2"
    );
}

#[test]
fn floats_are_written_with_the_shortest_digits_in_decimal_notation() {
    let mut cases = vec![
        0.0,
        -0.0,
        1.0,
        -1.5,
        0.1 + 0.2,
        1e15,
        1e16,
        1e17,
        123456789012345680.0,
        1e-5,
        1e-7,
        f64::MAX,
        f64::MIN,
        f64::MIN_POSITIVE,
        f64::EPSILON,
        5e-324,
        f64::from_bits(0x800f_ffff_ffff_ffff), // the largest subnormal, negative
        9007199254740993.0,
    ];
    // A fixed pseudo-random walk over bit patterns (xorshift), finite ones only.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..20_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let f = f64::from_bits(x);
        if f.is_finite() {
            cases.push(f);
        }
    }
    for f in cases {
        same_shortest_digits(f);
        let g = f as f32;
        if g.is_finite() {
            assert_eq!(
                encoded_body(Value::ExFloat(g), "ex:float"),
                display_decimal(format!("{g}")),
                "{g:e}"
            );
        }
    }
    assert_eq!(encoded_body(Value::Double(f64::NAN), "double"), "nan");
    assert_eq!(
        encoded_body(Value::Double(f64::NEG_INFINITY), "double"),
        "-inf"
    );
    assert_eq!(
        encoded_body(Value::ExFloat(f32::INFINITY), "ex:float"),
        "inf"
    );
}

#[test]
fn integers_are_written_as_display_writes_them() {
    for n in [0, 1, -1, 42, i32::MAX, i32::MIN] {
        assert_eq!(encoded_body(Value::Int(n), "int"), n.to_string());
        assert_eq!(encoded_body(Value::I4(n), "i4"), n.to_string());
    }
    for n in [i64::MIN, i64::MAX, 1 << 40] {
        assert_eq!(encoded_body(Value::I8(n), "i8"), n.to_string());
    }
    assert_eq!(encoded_body(Value::ExI1(-128), "ex:i1"), "-128");
    assert_eq!(encoded_body(Value::ExI2(i16::MIN), "ex:i2"), "-32768");
}

#[test]
fn escaping_starts_at_the_first_special_byte_and_covers_every_one() {
    for (text, want) in [
        ("plain text, nothing to do", "plain text, nothing to do"),
        ("a&b<c>d", "a&amp;b&lt;c&gt;d"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("cr\r", "cr&#13;"),
        ("ends with &", "ends with &amp;"),
        ("\u{0}\u{1f}", "&#0;&#31;"),
        (
            "é and \u{fffe}\u{ffff} and \u{fffd}",
            "é and &#65534;&#65535; and \u{fffd}",
        ),
    ] {
        assert_eq!(
            encoded_body(Value::string(text), "string"),
            want,
            "{text:?}"
        );
    }
}

proptest::proptest! {
    #[test]
    fn any_finite_float_is_written_with_the_shortest_digits(bits in proptest::num::u64::ANY) {
        let f = f64::from_bits(bits);
        proptest::prop_assume!(f.is_finite());
        same_shortest_digits(f);
        let g = f32::from_bits(bits as u32);
        if g.is_finite() {
            proptest::prop_assert_eq!(
                encoded_body(Value::ExFloat(g), "ex:float"),
                display_decimal(format!("{g}"))
            );
        }
    }
}

mod splitter {
    use super::*;

    fn frames(reads: &[&[u8]]) -> Vec<Result<Option<String>, Error>> {
        let mut s = Splitter::default();
        let mut out = Vec::new();
        for r in reads {
            s.push(r);
            loop {
                let f = s.next_frame();
                let stop = !matches!(f, Ok(Some(_)));
                out.push(f.map(|o| o.map(|b| String::from_utf8(b.to_vec()).unwrap())));
                if stop {
                    break;
                }
            }
        }
        out
    }

    const DOC: &str = "<?xml version=\"1.0\"?><methodCall><methodName>m</methodName></methodCall>";

    #[test]
    fn markup_cut_between_reads_is_waited_for() {
        let (a, b) = DOC.split_at(DOC.len() - 6); // "...</methodCa" | "ll>"
        assert_eq!(
            frames(&[a.as_bytes(), b.as_bytes()]),
            vec![Ok(None), Ok(Some(DOC.into())), Ok(None)]
        );
        let doc = DOC.replace("<methodName>", "<!-- </methodCall> --><methodName>");
        let at = doc.find("<!--").unwrap() + 2; // "...<!" | "-- </methodCall> -->..."
        let (a, b) = doc.split_at(at);
        assert_eq!(
            frames(&[a.as_bytes(), b.as_bytes()]),
            vec![Ok(None), Ok(Some(doc.clone())), Ok(None)]
        );
        // The comment's close cut in two: "-" | "->".
        let at = doc.find("-->").unwrap() + 1;
        let (a, b) = doc.split_at(at);
        assert_eq!(
            frames(&[a.as_bytes(), b.as_bytes()]),
            vec![Ok(None), Ok(Some(doc.clone())), Ok(None)]
        );
    }

    #[test]
    fn whitespace_between_documents_is_skipped_whenever_it_arrives() {
        let two = format!("{DOC}\r\n");
        assert_eq!(
            frames(&[two.as_bytes(), b"  \n", DOC.as_bytes()]),
            vec![
                Ok(Some(DOC.into())),
                Ok(None),
                Ok(None),
                Ok(Some(DOC.into())),
                Ok(None)
            ]
        );
    }

    #[test]
    fn an_error_breaks_the_stream_and_is_returned_again() {
        let bad = DOC.replace("<methodName>m</methodName>", "<foo/>");
        let got = frames(&[bad.as_bytes(), DOC.as_bytes()]);
        assert_eq!(got.len(), 2);
        let (Err(e1), Err(e2)) = (&got[0], &got[1]) else {
            panic!("{got:?}")
        };
        assert_eq!(e1, e2);
        // The typed error the whole-document reader gives, offset and all.
        assert_eq!(e1, &decode(bad.as_bytes()).unwrap_err());
        assert_eq!(e1.offset(), bad.find("<foo/>").unwrap());
    }

    #[test]
    fn a_document_growing_past_the_limit_is_refused_before_its_end() {
        let mut s = Splitter::new(
            Limits {
                max_document_size: 100,
                ..Limits::default()
            },
            Profile::Strict,
        );
        s.push(b"<?xml version=\"1.0\"?><methodCall><!--");
        assert_eq!(s.next_frame(), Ok(None));
        s.push(&[b'x'; 100]);
        assert_eq!(s.next_frame().unwrap_err().kind(), "too-large");
    }

    #[test]
    fn messages_come_out_owned() {
        let mut s = Splitter::default();
        s.push(DOC.as_bytes());
        let Some(Message::Call(c)) = s.next_message().unwrap() else {
            panic!()
        };
        assert_eq!(c.method, "m");
        assert_eq!(s.next_message(), Ok(None));
    }
}
