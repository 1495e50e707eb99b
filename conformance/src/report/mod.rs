//! Reports of a run: a terminal summary, JSON, JUnit XML, one self-contained HTML page, a
//! Markdown summary for CI job pages, and the peer matrix (Markdown) that
//! `scripts/compliance.sh` writes to `docs/compliance.md`.
//!
//! Design: every runner (`check codec`, the live suites, `report matrix`) fills one
//! [`model::Report`]; every rendering is a pure function of it, and every rendering leads with
//! the same verdict ([`model::Report::headline`]), which is the command's exit status. The CLI
//! decides where each rendering goes.

pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod matrix;
pub mod model;
pub mod terminal;

pub use model::{Counts, Item, Meta, Report, Status, Suite, Verdict};

/// Where to write the file renderings of a report (`None`: not asked for).
#[derive(Debug, Clone, Copy, Default)]
pub struct Outputs<'a> {
    /// `--json FILE`.
    pub json: Option<&'a std::path::Path>,
    /// `--junit FILE`.
    pub junit: Option<&'a std::path::Path>,
    /// `--html FILE`.
    pub html: Option<&'a std::path::Path>,
    /// `--markdown FILE` (appended to when the file exists, as `$GITHUB_STEP_SUMMARY` wants).
    pub markdown: Option<&'a std::path::Path>,
}

/// Writes every rendering asked for; the error names the file.
pub fn write_files(report: &Report, o: &Outputs<'_>) -> Result<(), String> {
    let write = |p: &std::path::Path, text: String| {
        std::fs::write(p, text).map_err(|e| format!("cannot write {}: {e}", p.display()))
    };
    if let Some(p) = o.json {
        let text = serde_json::to_string_pretty(&json::render(report)).unwrap_or_default();
        write(p, text + "\n")?;
    }
    if let Some(p) = o.junit {
        write(p, junit::render(report))?;
    }
    if let Some(p) = o.html {
        write(p, html::render(report))?;
    }
    if let Some(p) = o.markdown {
        use std::io::Write;
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(p)
            .and_then(|mut f| f.write_all(markdown::render(report).as_bytes()))
            .map_err(|e| format!("cannot write {}: {e}", p.display()))?;
    }
    Ok(())
}

/// Results grouped by a key, in first-seen order.
pub fn group_by<'a, T, K: PartialEq + Clone>(
    items: impl IntoIterator<Item = &'a T>,
    key: impl Fn(&T) -> K,
) -> Vec<(K, Vec<&'a T>)>
where
    T: 'a,
{
    let mut out: Vec<(K, Vec<&'a T>)> = Vec::new();
    for r in items {
        let k = key(r);
        match out.iter_mut().find(|(g, _)| *g == k) {
            Some((_, v)) => v.push(r),
            None => out.push((k, vec![r])),
        }
    }
    out
}

/// Whether a character can reorder or hide text (bidi controls, zero-width marks): reports show
/// such characters as `[U+202E]` instead of obeying them, so an implementation's output cannot
/// disguise itself in a report.
pub fn is_hidden_control(c: char) -> bool {
    matches!(c,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}'..='\u{200f}'
        | '\u{061c}' | '\u{feff}' | '\u{2028}' | '\u{2029}')
        || (c.is_control() && !matches!(c, '\n' | '\t'))
}

/// Text with bidi and other invisible controls made visible (`[U+202E]`); newlines and tabs
/// are kept.
pub fn neutralise(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_hidden_control(c) {
            out.push_str(&format!("[U+{:04X}]", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Escapes text for XML and HTML (markup and quotes), with invisible controls made visible.
pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if is_hidden_control(c) => out.push_str(&format!("[U+{:04X}]", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Escapes text content for HTML (`&`, `<`, `>`; quotes stay), with invisible controls made
/// visible.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if is_hidden_control(c) => out.push_str(&format!("[U+{:04X}]", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// The first line of `s`, cut to `max` characters.
pub fn first_line(s: &str, max: usize) -> String {
    let line = s.lines().next().unwrap_or("");
    let cut = crate::compare::shorten(line, max);
    if cut.len() < s.trim_end().len() && !cut.ends_with('…') {
        format!("{cut} …")
    } else {
        cut
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::runner::{CaseResult, Class, Run};
    use crate::vectors::Verdict as V;

    pub(crate) fn sample_run() -> Run {
        let r = |id: &str, class: Class, spec: &str, known: bool| CaseResult {
            id: id.into(),
            profile: "strict".into(),
            protocol: id.split('/').next().unwrap().into(),
            group: id.split('/').nth(1).unwrap().into(),
            spec: spec.into(),
            file: "x.json".into(),
            verdict: V::Accept,
            class,
            detail: if class == Class::Passed {
                String::new()
            } else {
                "at /0: expected <1>, got \"2\"".into()
            },
            accepted: Some(true),
            known_failure: known,
            micros: 5,
            actual: None,
        };
        Run {
            implementation: "msgwire 0.1.0".into(),
            corpus: "vectors".into(),
            corpus_revision: crate::corpus::Revision {
                cases: 4,
                files: 1,
                bytes: 100,
                digest: format!("sha256:{}", "ab".repeat(32)),
            },
            results: vec![
                r("amqp/frame/a", Class::Passed, "§4.2.3", false),
                r("amqp/frame/b", Class::WrongValue, "§4.2.3", false),
                r("amqp/table/c", Class::Crash, "§4.2.5", true),
                r("jsonrpc/batch/d", Class::Skipped, "§6", false),
            ],
            stale_baseline: vec![],
            millis: 3,
        }
    }

    /// The sample run as a report, with a link base for vector files.
    pub(crate) fn sample_report() -> Report {
        Report::from_codec(
            &sample_run(),
            false,
            None,
            Meta {
                command: "msgwire check codec".into(),
                version: "msgwire 0.1.0".into(),
                time: "2026-12-03T15:00:00Z".into(),
                vectors_link: Some("../vectors".into()),
                ..Meta::default()
            },
        )
    }

    #[test]
    fn groups_and_escapes() {
        let run = sample_run();
        let g = group_by(&run.results, |r| r.protocol.clone());
        assert_eq!(
            g.iter()
                .map(|(k, v)| (k.as_str(), v.len()))
                .collect::<Vec<_>>(),
            [("amqp", 3), ("jsonrpc", 1)]
        );
        assert_eq!(
            escape_xml("<a & \"b\"\u{1}>\u{202e}"),
            "&lt;a &amp; &quot;b&quot;[U+0001]&gt;[U+202E]"
        );
        assert_eq!(neutralise("a\u{2067}b\nc"), "a[U+2067]b\nc");
        assert_eq!(first_line("one\ntwo", 80), "one …");
        assert_eq!(
            sample_report().counts().line(),
            "1 failed, 1 baselined, 1 passed, 1 skipped"
        );
    }
}
