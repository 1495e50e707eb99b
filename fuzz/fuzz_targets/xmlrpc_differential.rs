//! msgwire against quick-xml's own event stream, read with every check it has (end names,
//! comments, attributes, references), as a well-formedness oracle: whatever we accept, under
//! any profile, must be a well-formed single-rooted document there; and a document we reject
//! as not well-formed (`xml-syntax`) must also fail there, except for the checks quick-xml does
//! not make (documented in fuzz/README.md and matched by `ours_only` below).
#![no_main]
use libfuzzer_sys::fuzz_target;
use msgwire::xmlrpc::{decode_with, Error, Limits};
use msgwire_fuzz::xmlrpc::PROFILES;
use quick_xml::events::Event;
use quick_xml::Reader;

/// quick-xml's verdict: `Ok` if the event stream is well-formed with exactly one root element.
fn quick_xml_verdict(text: &str) -> Result<(), String> {
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
                d.version().map_err(|e| e.to_string())?;
                if let Some(enc) = d.encoding() {
                    enc.map_err(|e| e.to_string())?;
                }
                if let Some(sd) = d.standalone() {
                    sd.map_err(|e| e.to_string())?;
                }
            }
            Event::Start(e) | Event::Empty(e) => {
                if depth == 0 {
                    roots += 1;
                }
                for attr in e.attributes().with_checks(true) {
                    attr.map_err(|e| e.to_string())?;
                }
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
            Event::Text(t) if depth == 0 => {
                if !t.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')) {
                    return Err("text outside the root".into());
                }
            }
            Event::CData(_) if depth == 0 => return Err("CDATA outside the root".into()),
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

/// Well-formedness checks we make and quick-xml's reader does not (see fuzz/README.md).
fn ours_only(message: &str) -> bool {
    [
        "']]>' in text",
        "duplicate attribute",
        "XML version must be 1.0",
        "unexpected markup",
    ]
    .iter()
    .any(|m| message.contains(m))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let theirs = quick_xml_verdict(body);
    for profile in PROFILES {
        match decode_with(data, profile, &Limits::default()) {
            Ok(m) => {
                if let Err(e) = &theirs {
                    panic!("{profile:?} accepted a document quick-xml rejects ({e}): {m:?}");
                }
            }
            Err(Error::Xml { message, .. }) if !ours_only(&message) => {
                assert!(
                    theirs.is_err(),
                    "{profile:?}: we say not well-formed ({message}), quick-xml accepts"
                );
            }
            Err(_) => {}
        }
    }
});
