//! Reports of a run: a terminal summary, JSON, JUnit XML, one self-contained HTML page, and the
//! peer matrix (Markdown) that `scripts/compliance.sh` writes to `docs/compliance.md`.
//!
//! Design: every report is a pure function from [`Run`]s to text; the CLI decides where it goes.

pub mod html;
pub mod json;
pub mod junit;
pub mod matrix;
pub mod terminal;

use crate::runner::{CaseResult, Class, Run};
use std::collections::BTreeMap;

/// Counts of results per class.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Per class.
    pub by_class: BTreeMap<Class, usize>,
    /// Failing results (any failing class), including known ones.
    pub failed: usize,
    /// Failing results not excused by the baseline.
    pub regressions: usize,
    /// All results.
    pub total: usize,
}

impl Tally {
    /// Counts `results`.
    pub fn of<'r>(results: impl IntoIterator<Item = &'r CaseResult>) -> Tally {
        let mut t = Tally::default();
        for r in results {
            *t.by_class.entry(r.class).or_default() += 1;
            t.total += 1;
            if r.class.is_failure() {
                t.failed += 1;
            }
            if r.is_regression() {
                t.regressions += 1;
            }
        }
        t
    }

    /// Results of one class.
    pub fn get(&self, c: Class) -> usize {
        self.by_class.get(&c).copied().unwrap_or(0)
    }
}

/// Results grouped by a key, in first-seen order.
pub fn group_by<K: PartialEq + Clone>(
    results: &[CaseResult],
    key: impl Fn(&CaseResult) -> K,
) -> Vec<(K, Vec<&CaseResult>)> {
    let mut out: Vec<(K, Vec<&CaseResult>)> = Vec::new();
    for r in results {
        let k = key(r);
        match out.iter_mut().find(|(g, _)| *g == k) {
            Some((_, v)) => v.push(r),
            None => out.push((k, vec![r])),
        }
    }
    out
}

/// Escapes text for XML and HTML.
pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Not allowed in XML 1.0 at all: show as a replacement character.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A one-line summary of a run: `120 trials: 110 passed, 2 wrong-value, ...`.
pub fn summary_line(run: &Run) -> String {
    let t = Tally::of(&run.results);
    let parts: Vec<String> = Class::ALL
        .iter()
        .filter(|c| t.get(**c) > 0)
        .map(|c| format!("{} {}", t.get(*c), c.name()))
        .collect();
    format!(
        "{} trials: {}",
        t.total,
        if parts.is_empty() {
            "none".into()
        } else {
            parts.join(", ")
        }
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::vectors::Verdict;

    pub(crate) fn sample_run() -> Run {
        let r = |id: &str, class: Class, spec: &str, known: bool| CaseResult {
            id: id.into(),
            profile: "strict".into(),
            protocol: id.split('/').next().unwrap().into(),
            group: id.split('/').nth(1).unwrap().into(),
            spec: spec.into(),
            file: "x.json".into(),
            verdict: Verdict::Accept,
            class,
            detail: if class == Class::Passed {
                String::new()
            } else {
                "at /0: expected <1>, got \"2\"".into()
            },
            accepted: Some(true),
            known_failure: known,
            micros: 5,
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

    #[test]
    fn tallies_and_groups() {
        let run = sample_run();
        let t = Tally::of(&run.results);
        assert_eq!(
            (t.total, t.failed, t.regressions, t.get(Class::Passed)),
            (4, 2, 1, 1)
        );
        let g = group_by(&run.results, |r| r.protocol.clone());
        assert_eq!(
            g.iter()
                .map(|(k, v)| (k.as_str(), v.len()))
                .collect::<Vec<_>>(),
            [("amqp", 3), ("jsonrpc", 1)]
        );
        assert_eq!(
            summary_line(&run),
            "4 trials: 1 passed, 1 wrong-value, 1 crash, 1 skipped"
        );
        assert_eq!(
            escape_xml("<a & \"b\"\u{1}>"),
            "&lt;a &amp; &quot;b&quot;\u{fffd}&gt;"
        );
    }
}
