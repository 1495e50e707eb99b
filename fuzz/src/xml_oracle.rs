//! An XML 1.0 well-formedness oracle for the `xmlrpc_differential` target: quick-xml's
//! tokenizer (a general XML reader msgwire does not use) with every check it offers turned on,
//! plus the well-formedness constraints it leaves to the application, each checked here on its
//! events, written from the XML 1.0 (Fifth Edition) productions rather than from msgwire's
//! scanner.
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// XML 1.0 §2.3 NameStartChar.
fn name_start(c: char) -> bool {
    matches!(c,
        ':' | 'A'..='Z' | '_' | 'a'..='z' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}'
        | '\u{F8}'..='\u{2FF}' | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}'
        | '\u{200C}'..='\u{200D}' | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}'
        | '\u{3001}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}'
        | '\u{10000}'..='\u{EFFFF}')
}

/// XML 1.0 §2.3 NameChar.
fn name_char(c: char) -> bool {
    name_start(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// XML 1.0 §2.3 `Name ::= NameStartChar (NameChar)*`.
pub fn is_name(b: &[u8]) -> bool {
    let Ok(s) = std::str::from_utf8(b) else {
        return false;
    };
    let mut chars = s.chars();
    chars.next().is_some_and(name_start) && chars.all(name_char)
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Attributes of a start tag: well-formed and unique (quick-xml's checks), names that are
/// Names, values without `<` (AttValue) whose references resolve to predefined entities or
/// legal characters, and the raw text exactly `(S Name Eq AttValue)* S?` (quick-xml lets
/// `a='1'b='2'` through: XML 1.0 §3.1 wants white space between attributes).
fn attributes(e: &BytesStart<'_>) -> Result<Vec<(Vec<u8>, String)>, String> {
    let raw = e.attributes_raw();
    let mut at = 0;
    let skip = |at: &mut usize| {
        let n = raw[*at..].iter().take_while(|&&b| is_space(b)).count();
        *at += n;
        n
    };
    let mut out = Vec::new();
    for attr in e.attributes().with_checks(true) {
        let attr = attr.map_err(|e| e.to_string())?;
        // Re-read this attribute off the raw text: S Name S? '=' S? quote value quote.
        let key = attr.key.as_ref();
        let value: &[u8] = &attr.value;
        if skip(&mut at) == 0 || !raw[at..].starts_with(key) {
            return Err("no white space before an attribute".into());
        }
        at += key.len();
        skip(&mut at);
        if raw.get(at) != Some(&b'=') {
            return Err("attribute without '='".into());
        }
        at += 1;
        skip(&mut at);
        let quote = raw.get(at).copied();
        if !matches!(quote, Some(b'"' | b'\'')) || !raw[at + 1..].starts_with(value) {
            return Err("attribute value not quoted".into());
        }
        at += 1 + value.len();
        if raw.get(at).copied() != quote {
            return Err("attribute value not closed".into());
        }
        at += 1;
        if !is_name(attr.key.as_ref()) {
            return Err("attribute name is not a Name".into());
        }
        if attr.value.contains(&b'<') {
            return Err("'<' in an attribute value".into());
        }
        let value = attr.unescape_value().map_err(|e| e.to_string())?;
        out.push((key.to_vec(), value.into_owned()));
    }
    skip(&mut at);
    if at != raw.len() {
        return Err("junk after the attributes".into());
    }
    Ok(out)
}

/// Whether `text` is a well-formed XML document (no DTD) with exactly one root element.
pub fn well_formed(text: &str) -> Result<(), String> {
    let mut reader = Reader::from_str(text);
    let config = reader.config_mut();
    config.trim_text(false);
    config.check_end_names = true;
    config.check_comments = true;
    config.allow_dangling_amp = false;
    config.allow_unmatched_ends = false;
    let mut depth = 0usize;
    let mut roots = 0usize;
    let mut first = true;
    loop {
        let at = reader.buffer_position();
        let ev = reader.read_event().map_err(|e| e.to_string())?;
        match &ev {
            // XML 1.0 §2.8: "XMLDecl ::= '<?xml' VersionInfo EncodingDecl? SDDecl? S? '?>'",
            // and only at the very start.
            Event::Decl(d) => {
                if !first || at != 0 {
                    return Err("XML declaration not at the start".into());
                }
                let raw = std::str::from_utf8(d).map_err(|e| e.to_string())?;
                let pseudo = attributes(&BytesStart::from_content(raw, 3))?;
                let keys: Vec<&[u8]> = pseudo.iter().map(|(k, _)| k.as_slice()).collect();
                let order: [&[u8]; 3] = [b"version", b"encoding", b"standalone"];
                let mut next = 0;
                for k in &keys {
                    let i = order
                        .iter()
                        .position(|o| o == k)
                        .ok_or("unknown pseudo-attribute")?;
                    if i < next {
                        return Err("pseudo-attributes out of order".into());
                    }
                    next = i + 1;
                }
                for (k, v) in &pseudo {
                    let ok = match k.as_slice() {
                        // VersionNum ::= ([a-zA-Z0-9_.:] | '-')+ (Second Edition; the
                        // Fifth narrowed it to '1.' [0-9]+, expat and msgwire's lenient
                        // profile read the older rule).
                        b"version" => {
                            !v.is_empty()
                                && v.bytes().all(|b| {
                                    b.is_ascii_alphanumeric()
                                        || matches!(b, b'_' | b'.' | b':' | b'-')
                                })
                        }
                        b"standalone" => v == "yes" || v == "no",
                        _ => true,
                    };
                    if !ok {
                        return Err(format!("bad {}", String::from_utf8_lossy(k)));
                    }
                }
                if keys.first() != Some(&&b"version"[..]) {
                    return Err("XML declaration without version".into());
                }
            }
            // XML 1.0 §2.6: "PITarget ::= Name - (('X' | 'x') ('M' | 'm') ('L' | 'l'))".
            Event::PI(p) => {
                if !is_name(p.target()) || p.target().eq_ignore_ascii_case(b"xml") {
                    return Err("bad processing instruction target".into());
                }
                // PI ::= '<?' PITarget (S (Char* - (Char* '?>' Char*)))? '?>'
                if p.content().first().is_some_and(|b| !b" \t\r\n".contains(b)) {
                    return Err("processing instruction target not followed by space".into());
                }
            }
            Event::Start(e) | Event::Empty(e) => {
                if depth == 0 {
                    roots += 1;
                }
                if !is_name(e.name().as_ref()) {
                    return Err("element name is not a Name".into());
                }
                attributes(e)?;
                if matches!(ev, Event::Start(_)) {
                    depth += 1;
                }
            }
            Event::End(_) => depth -= 1,
            Event::GeneralRef(r) => {
                let name = r.decode().map_err(|e| e.to_string())?;
                let predefined = matches!(&*name, "amp" | "lt" | "gt" | "quot" | "apos");
                if !predefined {
                    r.resolve_char_ref()
                        .map_err(|e| e.to_string())?
                        .ok_or_else(|| format!("undefined entity &{name};"))?;
                }
                if depth == 0 {
                    return Err("reference outside the root".into());
                }
            }
            Event::Text(t) => {
                // XML 1.0 §2.4: CharData must not contain ']]>'.
                if t.windows(3).any(|w| w == b"]]>") {
                    return Err("']]>' in text".into());
                }
                if depth == 0 && !t.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')) {
                    return Err("text outside the root".into());
                }
            }
            Event::CData(_) if depth == 0 => return Err("CDATA outside the root".into()),
            Event::Eof if depth > 0 => return Err("unclosed elements at the end".into()),
            Event::Eof => break,
            _ => {}
        }
        first = false;
    }
    match roots {
        1 => Ok(()),
        n => Err(format!("{n} root elements")),
    }
}
