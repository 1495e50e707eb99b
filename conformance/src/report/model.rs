//! The one report model every runner fills and every renderer reads.
//!
//! A [`Report`] is what a person (or a CI viewer) needs to know about one command: its verdict
//! (the exit status and why), run metadata, and one [`Suite`] per implementation or target, each
//! a list of [`Item`]s (a trial of a vector case, or a live case). Runners convert their own
//! results into items ([`Report::from_codec`], [`Report::from_live`]); the renderers
//! (terminal, JSON, JUnit, HTML, Markdown) never look at runner types.

use crate::runner::{Class, Run};
use crate::vectors::Corpus;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// Format string of the JSON report.
pub const FORMAT: &str = "msgwire-report/2";

/// What became of one item, in the words of a reader (one mark each, readable without colour).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Violated what the spec requires: fails the run.
    Failed,
    /// The implementation crashed, broke its contract or did not answer in time: fails the run.
    Error,
    /// A failure listed in the baseline: reported, does not fail the run.
    Baselined,
    /// Allowed, but not what the spec prefers (SHOULD/MAY, or an accepted deviation).
    NonStrict,
    /// Did what the spec requires.
    Passed,
    /// Not judged: what the implementation did is reported (implementation-defined input,
    /// informational live cases).
    Info,
    /// Not run: the implementation does not offer the protocol, direction or method.
    Skipped,
}

impl Status {
    /// Every status, in report order (failing first).
    pub const ALL: [Status; 7] = [
        Status::Failed,
        Status::Error,
        Status::Baselined,
        Status::NonStrict,
        Status::Passed,
        Status::Info,
        Status::Skipped,
    ];

    /// Kebab-case name.
    pub fn name(self) -> &'static str {
        match self {
            Status::Failed => "failed",
            Status::Error => "error",
            Status::Baselined => "baselined",
            Status::NonStrict => "non-strict",
            Status::Passed => "passed",
            Status::Info => "info",
            Status::Skipped => "skipped",
        }
    }

    /// The mark shown beside the name: ✓ ✗ ~ – (and `!` for errors, `i` for information), so
    /// that a report read in grayscale or on a terminal without colour is as clear.
    pub fn mark(self) -> &'static str {
        match self {
            Status::Failed => "✗",
            Status::Error => "!",
            Status::Baselined => "~",
            Status::NonStrict => "~",
            Status::Passed => "✓",
            Status::Info => "i",
            Status::Skipped => "–",
        }
    }

    /// Whether an item of this status is listed among the failures (failed, error, baselined).
    pub fn is_failure(self) -> bool {
        matches!(self, Status::Failed | Status::Error | Status::Baselined)
    }

    /// What it means, for the legend.
    pub fn meaning(self) -> &'static str {
        match self {
            Status::Failed => "violates what the spec requires; fails the run",
            Status::Error => "crashed, broke the adapter contract or timed out; fails the run",
            Status::Baselined => "a known failure listed in the baseline; does not fail the run",
            Status::NonStrict => {
                "allowed, but not what the spec prefers (SHOULD/MAY or an accepted deviation)"
            }
            Status::Passed => "did what the spec requires",
            Status::Info => "not judged: what the implementation did is reported",
            Status::Skipped => "not run: the implementation does not offer it",
        }
    }
}

/// One wire event of a live case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frame {
    /// Milliseconds since the case started.
    pub at_ms: u64,
    /// `>` sent, `<` received, `!` an event.
    pub dir: String,
    /// The bytes as hex (possibly cut, with a note).
    pub hex: String,
    /// What they decode to.
    pub decoded: String,
}

/// One judged thing: a vector case under a profile, or a live case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// The case id.
    pub id: String,
    /// The trial's name in baselines and JUnit (`id@profile` for vector cases).
    pub key: String,
    /// Protocol.
    pub protocol: String,
    /// The group within the protocol (the vector file, or the live case family).
    pub group: String,
    /// Spec section.
    pub section: String,
    /// What became of it.
    pub status: Status,
    /// The runner's own class (`wrong-value`, `crash`; live: `failed`, `unimplemented`).
    pub class: String,
    /// MUST / SHOULD / MAY, when the case has a level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// The requirement, quoted from the spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirement: Option<String>,
    /// The outcomes the case accepts, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepts: Option<String>,
    /// What happened (the mismatch, the error, what was observed).
    pub detail: String,
    /// The JSON pointer of the first difference between expected and actual, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff_path: Option<String>,
    /// The expected documents (vector cases that fix them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<Value>,
    /// The documents the implementation produced (failures only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<Value>,
    /// The input bytes, as hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_hex: Option<String>,
    /// The wire log (live cases).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trace: Vec<Frame>,
    /// The vector file, relative to the corpus root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Time taken, in microseconds.
    pub micros: u64,
}

/// One implementation or target and its items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suite {
    /// The implementation's or target's name.
    pub name: String,
    /// Wall time in milliseconds.
    pub millis: u64,
    /// Every item, in run order.
    pub items: Vec<Item>,
}

/// Run metadata.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// The command line that made the report.
    pub command: String,
    /// msgwire's version.
    pub version: String,
    /// When the run finished (RFC 3339, UTC).
    pub time: String,
    /// The corpus root, for vector runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corpus: Option<String>,
    /// The corpus revision (case count and digest), for vector runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corpus_revision: Option<crate::corpus::Revision>,
    /// The baseline file, if one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
    /// Whether `--strict` was given.
    #[serde(default)]
    pub strict: bool,
    /// Where links to vector files point (a directory or URL; `file` is appended).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vectors_link: Option<String>,
}

/// The verdict of the command: the exit status, and every reason it is not 0.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// The exit status the command returns.
    pub exit_code: i32,
    /// Why the run failed (empty when it passed).
    pub reasons: Vec<String>,
}

impl Verdict {
    /// Whether the run failed.
    pub fn failed(&self) -> bool {
        self.exit_code != 0
    }
}

/// A whole report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// `msgwire-report/2`.
    pub format: String,
    /// What was run (`check codec`, `check amqp-broker amqp://…`, `report matrix`).
    pub title: String,
    /// The verdict; the banner of every rendering says exactly this.
    pub verdict: Verdict,
    /// Run metadata.
    pub meta: Meta,
    /// Stale baseline entries, each with why (`baseline entry x no longer fails`).
    #[serde(default)]
    pub stale_baseline: Vec<String>,
    /// One suite per implementation or target.
    pub suites: Vec<Suite>,
}

/// Counts per status and per class.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Per status.
    pub status: BTreeMap<Status, usize>,
    /// Per runner class.
    pub class: BTreeMap<String, usize>,
    /// All items.
    pub total: usize,
}

impl Counts {
    /// Counts `items`.
    pub fn of<'i>(items: impl IntoIterator<Item = &'i Item>) -> Counts {
        let mut c = Counts::default();
        for i in items {
            *c.status.entry(i.status).or_default() += 1;
            *c.class.entry(i.class.clone()).or_default() += 1;
            c.total += 1;
        }
        c
    }

    /// Items of one status.
    pub fn get(&self, s: Status) -> usize {
        self.status.get(&s).copied().unwrap_or(0)
    }

    /// Failed + error: the items that fail the run.
    pub fn failing(&self) -> usize {
        self.get(Status::Failed) + self.get(Status::Error)
    }

    /// Items that were judged (everything but skipped).
    pub fn ran(&self) -> usize {
        self.total - self.get(Status::Skipped)
    }

    /// Items that met the spec: passed, non-strict and info.
    pub fn ok(&self) -> usize {
        self.get(Status::Passed) + self.get(Status::NonStrict) + self.get(Status::Info)
    }

    /// `3 failed, 1 error, 120 passed, 4 skipped` (non-zero statuses, report order).
    pub fn line(&self) -> String {
        let parts: Vec<String> = Status::ALL
            .iter()
            .filter(|s| self.get(**s) > 0)
            .map(|s| format!("{} {}", self.get(*s), s.name()))
            .collect();
        if parts.is_empty() {
            "nothing ran".into()
        } else {
            parts.join(", ")
        }
    }
}

impl Report {
    /// Every item of every suite.
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.suites.iter().flat_map(|s| s.items.iter())
    }

    /// Counts over every suite.
    pub fn counts(&self) -> Counts {
        Counts::of(self.items())
    }

    /// What an item is called: `cases` in live runs, `trials` (a case under a profile) else.
    pub fn noun(&self) -> &'static str {
        if self.items().any(|i| i.level.is_some()) {
            "cases"
        } else {
            "trials"
        }
    }

    /// The one-line verdict every rendering leads with: `FAILED (exit 1): …` or `PASSED: …`.
    pub fn headline(&self) -> String {
        let c = self.counts();
        let noun = self.noun();
        if self.verdict.failed() {
            let why = if self.verdict.reasons.is_empty() {
                String::new()
            } else {
                format!(" — {}", self.verdict.reasons.join("; "))
            };
            format!(
                "FAILED (exit {}): {} {noun}: {}{why}",
                self.verdict.exit_code,
                c.total,
                c.line()
            )
        } else {
            format!("PASSED: {} {noun}: {}", c.total, c.line())
        }
    }

    /// The link to an item's vector file, when the report knows where vectors are.
    pub fn vector_link(&self, item: &Item) -> Option<String> {
        let file = item.file.as_ref()?;
        let base = self.meta.vectors_link.as_ref()?;
        Some(format!("{}/{}", base.trim_end_matches('/'), file))
    }

    /// A codec run (`check codec`, or a JSON report read back for `report matrix`). `corpus`,
    /// when given, supplies the input bytes and expected documents of failures.
    pub fn from_codec(run: &Run, strict: bool, corpus: Option<&Corpus>, meta: Meta) -> Report {
        let items: Vec<Item> = run
            .results
            .iter()
            .map(|r| {
                let status = match r.class {
                    c if c.is_failure() && r.known_failure => Status::Baselined,
                    Class::Crash | Class::Timeout => Status::Error,
                    c if c.is_failure() => Status::Failed,
                    Class::Passed => Status::Passed,
                    Class::ImplementationDefined => Status::Info,
                    _ => Status::Skipped,
                };
                let case = corpus
                    .filter(|_| status.is_failure())
                    .and_then(|c| c.case(&r.id));
                let expected = case
                    .and_then(|c| c.expect.clone())
                    .map(|d| bounded(Value::Array(d)));
                Item {
                    id: r.id.clone(),
                    key: r.key(),
                    protocol: r.protocol.clone(),
                    group: r.group.clone(),
                    section: r.spec.clone(),
                    status,
                    class: r.class.name().into(),
                    level: None,
                    requirement: None,
                    accepts: Some(
                        match r.verdict {
                            crate::vectors::Verdict::Accept => "must accept",
                            crate::vectors::Verdict::Reject => "must reject",
                            crate::vectors::Verdict::ImplementationDefined => {
                                "implementation-defined: either outcome"
                            }
                        }
                        .into(),
                    ),
                    detail: r.detail.clone(),
                    diff_path: diff_path(&r.detail),
                    expected,
                    actual: r.actual.clone().map(|d| bounded(Value::Array(d))),
                    input_hex: case.map(|c| hex::encode(&c.input)),
                    trace: Vec::new(),
                    file: Some(r.file.clone()),
                    micros: r.micros,
                }
            })
            .collect();
        let regressions = run.regressions().count();
        let mut reasons = Vec::new();
        if regressions > 0 {
            reasons.push(format!(
                "{regressions} failing trial{} not in the baseline",
                plural(regressions)
            ));
        }
        if strict {
            let skipped = run.count(Class::Skipped);
            if skipped > 0 {
                reasons.push(format!(
                    "{skipped} skipped trial{} (--strict)",
                    plural(skipped)
                ));
            }
            if !run.stale_baseline.is_empty() {
                reasons.push(format!(
                    "{} stale baseline entr{} (--strict): {}",
                    run.stale_baseline.len(),
                    if run.stale_baseline.len() == 1 {
                        "y"
                    } else {
                        "ies"
                    },
                    run.stale_baseline.join(", ")
                ));
            }
        }
        let failed = run.failed(strict);
        debug_assert_eq!(failed, !reasons.is_empty());
        let mut meta = meta;
        meta.strict = strict;
        if meta.corpus.is_none() {
            meta.corpus = Some(run.corpus.clone());
        }
        if meta.corpus_revision.is_none() {
            meta.corpus_revision = Some(run.corpus_revision.clone());
        }
        Report {
            format: FORMAT.into(),
            title: "check codec".into(),
            verdict: Verdict {
                exit_code: i32::from(failed),
                reasons,
            },
            meta,
            stale_baseline: run
                .stale_baseline
                .iter()
                .map(|e| format!("baseline entry {e} no longer fails"))
                .collect(),
            suites: vec![Suite {
                name: run.implementation.clone(),
                millis: run.millis,
                items,
            }],
        }
    }

    /// A live run against one target; `verdict` is what the command exits with.
    pub fn from_live(
        target: &str,
        results: &[crate::live::CaseResult],
        stale: &[String],
        verdict: Verdict,
        meta: Meta,
    ) -> Report {
        use crate::live::Verdict as V;
        let protocol = target
            .split_whitespace()
            .next()
            .unwrap_or(target)
            .to_string();
        let items = results
            .iter()
            .map(|r| {
                let status = match r.verdict {
                    V::Failed if r.baselined => Status::Baselined,
                    V::Failed => Status::Failed,
                    V::Passed => Status::Passed,
                    V::NonStrict => Status::NonStrict,
                    V::Informational => Status::Info,
                    V::Unimplemented => Status::Skipped,
                };
                let class = serde_json::to_value(r.verdict)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                let mut parts = r.id.splitn(3, '/');
                let (_, group) = (parts.next(), parts.next().unwrap_or(""));
                Item {
                    id: r.id.to_string(),
                    key: r.id.to_string(),
                    protocol: protocol.clone(),
                    group: group.to_string(),
                    section: r.section.to_string(),
                    status,
                    class,
                    level: Some(format!("{:?}", r.level).to_uppercase()),
                    requirement: Some(r.requirement.to_string()),
                    accepts: Some(r.accepts.to_string()),
                    detail: r.observed.clone(),
                    diff_path: None,
                    expected: None,
                    actual: None,
                    input_hex: None,
                    trace: r
                        .trace
                        .iter()
                        .map(|l| Frame {
                            at_ms: l.at_ms,
                            dir: l.dir.to_string(),
                            hex: l.hex.clone(),
                            decoded: l.decoded.clone(),
                        })
                        .collect(),
                    file: None,
                    micros: r.millis.saturating_mul(1000),
                }
            })
            .collect();
        Report {
            format: FORMAT.into(),
            title: format!("check {target}"),
            verdict,
            meta,
            stale_baseline: stale.to_vec(),
            suites: vec![Suite {
                name: target.to_string(),
                millis: results.iter().map(|r| r.millis).sum(),
                items,
            }],
        }
    }
}

/// How deep a document a report keeps: deeper ones are replaced by a note (renderers and
/// readers of the report recurse, and the detail already names the difference).
pub const MAX_DEPTH: usize = 64;

/// `v`, or a note saying how deep it is when deeper than [`MAX_DEPTH`].
pub fn bounded(v: Value) -> Value {
    let mut deepest = 0;
    let mut stack = vec![(&v, 1usize)];
    while let Some((x, d)) = stack.pop() {
        deepest = deepest.max(d);
        match x {
            Value::Array(a) => stack.extend(a.iter().map(|y| (y, d + 1))),
            Value::Object(o) => stack.extend(o.values().map(|y| (y, d + 1))),
            _ => {}
        }
    }
    if deepest > MAX_DEPTH {
        Value::String(format!(
            "(a document nested {deepest} levels deep: not kept in the report)"
        ))
    } else {
        v
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The JSON pointer a comparison detail names: `at /0/params/0: expected …` → `/0/params/0`
/// (also after a prefix such as `before the error: ` or `decode(encode(expect)): `).
pub fn diff_path(detail: &str) -> Option<String> {
    let at = detail.find("at /")?;
    let rest = &detail[at + 3..];
    let end = rest.find(": expected ")?;
    Some(rest[..end].to_string()).filter(|p| !p.contains(' '))
}

/// Metadata of the running process: the command line, msgwire's version and the time now.
pub fn meta_now() -> Meta {
    Meta {
        command: command_line(std::env::args()),
        version: format!("msgwire {}", env!("CARGO_PKG_VERSION")),
        time: rfc3339(std::time::SystemTime::now()),
        ..Meta::default()
    }
}

/// Arguments joined for a shell (quoted where they need it).
pub fn command_line(args: impl IntoIterator<Item = String>) -> String {
    args.into_iter()
        .enumerate()
        .map(|(i, a)| {
            let a = if i == 0 {
                std::path::Path::new(&a)
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or(a)
            } else {
                a
            };
            if !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c))
            {
                a
            } else {
                format!("'{}'", a.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `2026-12-03T15:04:05Z` for a time (UTC, whole seconds).
pub fn rfc3339(t: std::time::SystemTime) -> String {
    let secs = t
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codec_runs_become_items_and_a_verdict() {
        let run = crate::report::tests::sample_run();
        let r = Report::from_codec(&run, false, None, Meta::default());
        let st: Vec<Status> = r.items().map(|i| i.status).collect();
        assert_eq!(
            st,
            [
                Status::Passed,
                Status::Failed,
                Status::Baselined,
                Status::Skipped
            ]
        );
        assert_eq!(r.verdict.exit_code, 1);
        assert_eq!(r.verdict.reasons, ["1 failing trial not in the baseline"]);
        assert_eq!(r.items().nth(1).unwrap().diff_path.as_deref(), Some("/0"));
        // A stale baseline entry fails a --strict run, and the verdict says so.
        let mut run = run;
        run.results.remove(1);
        run.stale_baseline = vec!["amqp/frame/gone".into()];
        let lax = Report::from_codec(&run, false, None, Meta::default());
        assert!(!lax.verdict.failed());
        assert!(
            lax.headline().starts_with("PASSED: 3 trials"),
            "{}",
            lax.headline()
        );
        let strict = Report::from_codec(&run, true, None, Meta::default());
        assert_eq!(strict.verdict.exit_code, 1);
        assert!(
            strict
                .headline()
                .contains("1 stale baseline entry (--strict): amqp/frame/gone"),
            "{}",
            strict.headline()
        );
    }

    #[test]
    fn deep_documents_are_noted_not_kept() {
        let mut v = serde_json::json!(1);
        for _ in 0..100 {
            v = Value::Array(vec![v]);
        }
        assert_eq!(
            bounded(v),
            "(a document nested 101 levels deep: not kept in the report)"
        );
        assert_eq!(bounded(serde_json::json!([[1]])), serde_json::json!([[1]]));
    }

    #[test]
    fn diff_paths_times_and_command_lines() {
        assert_eq!(
            diff_path("before the error: at /0/a~1b: expected 1, got 2").as_deref(),
            Some("/0/a~1b")
        );
        assert_eq!(diff_path("crashed at /x"), None);
        assert_eq!(
            rfc3339(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_764_774_245)),
            "2025-12-03T15:04:05Z"
        );
        assert_eq!(
            command_line(["/usr/bin/msgwire", "check", "--adapter", "node a.js"].map(String::from)),
            "msgwire check --adapter 'node a.js'"
        );
    }
}
