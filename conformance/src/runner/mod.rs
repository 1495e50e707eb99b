//! Running the corpus against an implementation and classifying each result.
//!
//! Design: an [`Implementation`] is anything that can decode bytes to canonical documents and
//! encode documents back: our codecs in-process ([`codec::Ours`]) or any other program through
//! the subprocess contract ([`adapter::Adapter`]). [`run_case`] holds the one definition of
//! what passing means, so both are judged alike; results are classified like JSONTestSuite
//! ([`Class`]). A run is a list of [`CaseResult`]s that the reports render.

pub mod adapter;
pub mod codec;

use crate::compare::{compare_docs, shorten};
use crate::forms::{Decoding, FormError};
use crate::glob::Glob;
use crate::vectors::{Case, Corpus, Verdict};
use serde_json::Value;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// What an implementation did with an input.
#[derive(Debug, Clone, PartialEq)]
pub enum Attempt {
    /// It answered: documents, and the error that stopped it, if any.
    Decoded(Decoding),
    /// It does not implement this protocol or direction (not a failure; reported as skipped).
    Unsupported(String),
    /// It panicked, died, or answered something outside the contract.
    Crash(String),
    /// It did not answer in time.
    Timeout(Duration),
}

/// What an implementation did with documents to encode.
#[derive(Debug, Clone, PartialEq)]
pub enum EncodeAttempt {
    /// It answered: the bytes, or why it refused.
    Encoded(Result<Vec<u8>, FormError>),
    /// It does not encode this protocol.
    Unsupported(String),
    /// It panicked, died, or answered something outside the contract.
    Crash(String),
    /// It did not answer in time.
    Timeout(Duration),
}

/// A codec under test.
pub trait Implementation {
    /// A name for reports (`msgwire`, `adapter: python3 msgpack_adapter.py`).
    fn name(&self) -> String;
    /// The profiles to run `protocol` under (the first is the default), or `None` when the
    /// implementation does not know the protocol.
    fn profiles(&self, protocol: &str) -> Option<Vec<String>>;
    /// Bytes → canonical documents.
    fn decode(&mut self, protocol: &str, profile: &str, input: &[u8]) -> Attempt;
    /// Canonical documents → bytes.
    fn encode(&mut self, protocol: &str, profile: &str, docs: &[Value]) -> EncodeAttempt;
    /// Whether a rejection must carry our error kind (true for our codecs; a peer names its
    /// errors its own way, so for adapters only the protocol's code is compared).
    fn checks_error_kind(&self) -> bool;
    /// Whether a missing encoder fails the round trip (true for our codecs).
    fn must_encode(&self) -> bool;

    /// The decoder that judges a non-canonical round trip (decode(encode(expect)) == expect):
    /// ours where its form is implemented, else the implementation's own.
    /// Why this implementation cannot be run at all (a program that cannot be started, or that
    /// failed every request so far without one answer), checked after each trial: the run
    /// stops at once instead of reporting every trial as a crash. Our in-process codecs never
    /// say so.
    fn startup_failure(&self) -> Option<String> {
        None
    }

    fn reference_decode(&mut self, protocol: &str, profile: &str, input: &[u8]) -> Attempt {
        match crate::forms::decode(protocol, input, profile) {
            Some(d)
                if d.error
                    .as_ref()
                    .is_none_or(|e| e.kind != codec::UNIMPLEMENTED) =>
            {
                Attempt::Decoded(d)
            }
            _ => self.decode(protocol, profile, input),
        }
    }
}

/// The class of one result, like JSONTestSuite's.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// Did what the verdict asks.
    Passed,
    /// Rejected a must-accept input.
    ShouldHaveAccepted,
    /// Accepted a must-reject input.
    ShouldHaveRejected,
    /// Accepted, but decoded to other documents than expected.
    WrongValue,
    /// Rejected, but with another error kind or code than expected.
    WrongError,
    /// Decoded right, but encoding did not reproduce the input (or the expected documents).
    RoundtripMismatch,
    /// Panicked, died, or broke the adapter contract.
    Crash,
    /// Did not answer in time.
    Timeout,
    /// An implementation-defined case: any outcome passes; the outcome is in the detail.
    ImplementationDefined,
    /// Not run: the implementation does not support the protocol (yet).
    Skipped,
}

impl Class {
    /// Every class, in report order.
    pub const ALL: [Class; 10] = [
        Class::Passed,
        Class::ShouldHaveAccepted,
        Class::ShouldHaveRejected,
        Class::WrongValue,
        Class::WrongError,
        Class::RoundtripMismatch,
        Class::Crash,
        Class::Timeout,
        Class::ImplementationDefined,
        Class::Skipped,
    ];

    /// Kebab-case name.
    pub fn name(self) -> &'static str {
        match self {
            Class::Passed => "passed",
            Class::ShouldHaveAccepted => "should-have-accepted",
            Class::ShouldHaveRejected => "should-have-rejected",
            Class::WrongValue => "wrong-value",
            Class::WrongError => "wrong-error",
            Class::RoundtripMismatch => "roundtrip-mismatch",
            Class::Crash => "crash",
            Class::Timeout => "timeout",
            Class::ImplementationDefined => "implementation-defined",
            Class::Skipped => "skipped",
        }
    }

    /// Whether this result is a failure (passed, implementation-defined and skipped are not).
    pub fn is_failure(self) -> bool {
        !matches!(
            self,
            Class::Passed | Class::ImplementationDefined | Class::Skipped
        )
    }
}

/// The result of one case under one profile.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CaseResult {
    /// Case id.
    pub id: String,
    /// Profile it ran under.
    pub profile: String,
    /// Protocol.
    pub protocol: String,
    /// Group (vector file).
    pub group: String,
    /// Spec section.
    pub spec: String,
    /// Vector file, relative to the corpus root.
    pub file: String,
    /// The verdict under this profile.
    pub verdict: Verdict,
    /// The class of the result.
    pub class: Class,
    /// What happened, in one line (the mismatch, the error, the outcome).
    pub detail: String,
    /// Whether the implementation accepted the input (`None`: no answer).
    pub accepted: Option<bool>,
    /// Listed in the baseline as a known failure.
    pub known_failure: bool,
    /// Time taken, in microseconds.
    pub micros: u64,
    /// The documents the implementation decoded, kept for failures only (reports show them
    /// beside the expected ones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<Vec<Value>>,
}

impl CaseResult {
    /// `id@profile`: the name of the trial in `cargo test` and in baselines.
    pub fn key(&self) -> String {
        format!("{}@{}", self.id, self.profile)
    }

    /// A failure that the baseline does not excuse.
    pub fn is_regression(&self) -> bool {
        self.class.is_failure() && !self.known_failure
    }
}

/// Runs one case under one profile whose verdict is `verdict`; returns the class and detail.
pub fn run_case(
    imp: &mut dyn Implementation,
    case: &Case,
    profile: &str,
    verdict: Verdict,
) -> (Class, String, Option<bool>) {
    let (class, detail, accepted, _) = run_case_keeping(imp, case, profile, verdict);
    (class, detail, accepted)
}

/// [`run_case`], also returning the documents the implementation decoded (`None` when it gave
/// no answer), so that reports can show expected and actual side by side.
pub fn run_case_keeping(
    imp: &mut dyn Implementation,
    case: &Case,
    profile: &str,
    verdict: Verdict,
) -> (Class, String, Option<bool>, Option<Vec<Value>>) {
    let d = match imp.decode(&case.protocol, profile, &case.input) {
        Attempt::Decoded(d) => d,
        Attempt::Unsupported(m) => return (Class::Skipped, m, None, None),
        Attempt::Crash(m) => return (Class::Crash, m, None, None),
        Attempt::Timeout(t) => return (Class::Timeout, format!("no answer in {t:?}"), None, None),
    };
    let (class, detail, accepted) = classify(imp, case, profile, verdict, &d);
    (class, detail, accepted, Some(d.docs))
}

fn classify(
    imp: &mut dyn Implementation,
    case: &Case,
    profile: &str,
    verdict: Verdict,
    d: &Decoding,
) -> (Class, String, Option<bool>) {
    let accepted = d.error.is_none();
    let outcome = |c: Class, s: String| (c, s, Some(accepted));
    match (verdict, &d.error) {
        (Verdict::Accept, Some(e)) => outcome(Class::ShouldHaveAccepted, describe_error(e)),
        (Verdict::Accept, None) | (Verdict::ImplementationDefined, None) => {
            if let Some(expect) = &case.expect {
                if let Err(m) = compare_docs(&case.protocol, expect, &d.docs) {
                    return outcome(Class::WrongValue, m.to_string());
                }
            }
            // Every `y` case round-trips (exactly, or through `expect` when `roundtrip: false`);
            // an `i` case only when it says `roundtrip: true`.
            if verdict == Verdict::Accept || case.roundtrip == Some(true) {
                if let Err((class, detail)) = check_roundtrip(imp, case, profile, verdict, &d.docs)
                {
                    return outcome(class, detail);
                }
            }
            if verdict == Verdict::ImplementationDefined {
                outcome(Class::ImplementationDefined, "accepted".into())
            } else {
                outcome(Class::Passed, String::new())
            }
        }
        (Verdict::Reject, None) => outcome(
            Class::ShouldHaveRejected,
            format!(
                "accepted: {}",
                shorten(&Value::Array(d.docs.clone()).to_string(), 160)
            ),
        ),
        (Verdict::Reject, Some(e)) => {
            let want = case.error.as_ref();
            let kind_ok = !imp.checks_error_kind() || want.is_none_or(|w| w.kind == e.kind);
            // A peer's code is compared only when it reports one.
            let code_ok = match (want.and_then(|w| w.code), e.code) {
                (Some(w), Some(got)) => w == got,
                (Some(_), None) => !imp.checks_error_kind(),
                (None, _) => true,
            };
            if !(kind_ok && code_ok) {
                let w = want.map(|w| match w.code {
                    Some(c) => format!("{} ({c})", w.kind),
                    None => w.kind.clone(),
                });
                return outcome(
                    Class::WrongError,
                    format!(
                        "expected {}, got {}",
                        w.unwrap_or_default(),
                        describe_error(e)
                    ),
                );
            }
            if let (true, Some(expect)) = (case.stream, &case.expect) {
                if let Err(m) = compare_docs(&case.protocol, expect, &d.docs) {
                    return outcome(Class::WrongValue, format!("before the error: {m}"));
                }
            }
            outcome(Class::Passed, String::new())
        }
        (Verdict::ImplementationDefined, Some(e)) => outcome(
            Class::ImplementationDefined,
            format!("rejected: {}", describe_error(e)),
        ),
    }
}

fn describe_error(e: &FormError) -> String {
    let mut s = e.kind.clone();
    if let Some(c) = e.code {
        s.push_str(&format!(" ({c})"));
    }
    if let Some(o) = e.offset {
        s.push_str(&format!(" at byte {o}"));
    }
    let m = crate::cli::plain_message(&e.kind, &e.message);
    if !m.is_empty() {
        s.push_str(": ");
        s.push_str(&shorten(&m, 160));
    }
    s
}

/// Encodes the expected documents (or, without any, the decoded ones) and checks the bytes:
/// equal to the input when the case round-trips exactly, else decoding to the same documents.
fn check_roundtrip(
    imp: &mut dyn Implementation,
    case: &Case,
    profile: &str,
    verdict: Verdict,
    decoded: &[Value],
) -> Result<(), (Class, String)> {
    let docs = case.expect.as_deref().unwrap_or(decoded);
    let bytes = match imp.encode(&case.protocol, profile, docs) {
        EncodeAttempt::Encoded(Ok(b)) => b,
        EncodeAttempt::Encoded(Err(e)) => {
            return Err((
                Class::RoundtripMismatch,
                format!("encoding failed: {}", describe_error(&e)),
            ))
        }
        EncodeAttempt::Unsupported(m) if imp.must_encode() => {
            return Err((Class::RoundtripMismatch, format!("no encoder: {m}")))
        }
        EncodeAttempt::Unsupported(_) => return Ok(()),
        EncodeAttempt::Crash(m) => return Err((Class::Crash, format!("while encoding: {m}"))),
        EncodeAttempt::Timeout(t) => {
            return Err((Class::Timeout, format!("no answer in {t:?} while encoding")))
        }
    };
    if case.exact_roundtrip(verdict) {
        if bytes != case.input {
            return Err((
                Class::RoundtripMismatch,
                describe_byte_difference(&case.input, &bytes),
            ));
        }
        return Ok(());
    }
    // Not canonical input: the encoding must decode to the same documents.
    match imp.reference_decode(&case.protocol, profile, &bytes) {
        Attempt::Decoded(Decoding { error: Some(e), .. }) => Err((
            Class::RoundtripMismatch,
            format!("the encoding does not decode: {}", describe_error(&e)),
        )),
        Attempt::Decoded(Decoding { docs: again, .. }) => {
            compare_docs(&case.protocol, docs, &again).map_err(|m| {
                (
                    Class::RoundtripMismatch,
                    format!("decode(encode(expect)): {m}"),
                )
            })
        }
        _ => Ok(()),
    }
}

/// "first difference at byte N: expected 0x01, got 0x02 (lengths 10 and 11)".
pub fn describe_byte_difference(expected: &[u8], actual: &[u8]) -> String {
    let at = expected
        .iter()
        .zip(actual)
        .position(|(a, b)| a != b)
        .unwrap_or(expected.len().min(actual.len()));
    let show = |b: Option<&u8>| {
        b.map(|b| format!("0x{b:02x}"))
            .unwrap_or_else(|| "end".into())
    };
    format!(
        "encode(decode(input)) differs from the input at byte {at}: expected {}, got {} (lengths {} and {})",
        show(expected.get(at)),
        show(actual.get(at)),
        expected.len(),
        actual.len()
    )
}

/// Which cases a run covers.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only these protocols (empty: all).
    pub protocols: Vec<String>,
    /// Only ids matching one of these (empty: all).
    pub only: Vec<Glob>,
    /// Not ids matching one of these.
    pub skip: Vec<Glob>,
    /// Only this profile (default: every profile the implementation offers).
    pub profile: Option<String>,
}

impl Selection {
    /// Whether a case is selected (before profiles).
    pub fn selects(&self, case: &Case) -> bool {
        (self.protocols.is_empty() || self.protocols.contains(&case.protocol))
            && (self.only.is_empty() || self.only.iter().any(|g| g.matches(&case.id)))
            && !self.skip.iter().any(|g| g.matches(&case.id))
    }
}

/// One planned trial: a case under a profile with its verdict there.
#[derive(Debug, Clone, PartialEq)]
pub struct Trial<'c> {
    /// The case.
    pub case: &'c Case,
    /// The profile.
    pub profile: String,
    /// The verdict under it.
    pub verdict: Verdict,
}

/// The trials of a corpus: every selected case × every profile it applies to. Cases of a
/// protocol the implementation does not know get one trial under `"default"`, reported skipped.
pub fn plan<'c>(corpus: &'c Corpus, sel: &Selection, imp: &dyn Implementation) -> Vec<Trial<'c>> {
    let mut out = Vec::new();
    for (_, case) in corpus.cases() {
        if !sel.selects(case) {
            continue;
        }
        let Some(known) = imp.profiles(&case.protocol) else {
            // Not built in / not known: one (skipped) trial, so the case still shows in reports.
            if let Some((profile, verdict)) = case.verdict.first() {
                out.push(Trial {
                    case,
                    profile,
                    verdict,
                });
            }
            continue;
        };
        let profiles = match &sel.profile {
            // An opt-in profile (AMQP's session, Thrift's framed) reads other inputs than the
            // rest: named explicitly, it still runs only the cases whose verdict names it.
            Some(p) if crate::forms::is_opt_in(&case.protocol, p) && !case.verdict.names(p) => {
                vec![]
            }
            Some(p) => vec![p.clone()],
            None => known
                .into_iter()
                .filter(|p| !crate::forms::is_opt_in(&case.protocol, p) || case.verdict.names(p))
                .collect(),
        };
        for profile in profiles {
            if let Some(verdict) = case.verdict.for_profile(&profile) {
                out.push(Trial {
                    case,
                    profile,
                    verdict,
                });
            }
        }
    }
    out
}

/// Known failures: lines `id` (every profile) or `id@profile`; `#` starts a comment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    entries: BTreeSet<String>,
}

impl Baseline {
    /// Parses a baseline file's text.
    pub fn parse(text: &str) -> Baseline {
        let entries = text
            .lines()
            .map(|l| l.split('#').next().unwrap_or("").trim())
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        Baseline { entries }
    }

    /// Whether a result is a known failure.
    pub fn lists(&self, id: &str, profile: &str) -> bool {
        self.entries.contains(id) || self.entries.contains(&format!("{id}@{profile}"))
    }

    /// Stale entries: those naming no case of the corpus (`known_ids`: every case id), and those
    /// whose trials all ran in this run and none failed (the case now passes). An entry whose
    /// case was not selected, or whose trials were all skipped, is not judged.
    pub fn stale<'a>(
        &self,
        known_ids: impl IntoIterator<Item = &'a str>,
        results: &[CaseResult],
    ) -> Vec<String> {
        let known: BTreeSet<&str> = known_ids.into_iter().collect();
        self.entries
            .iter()
            .filter(|e| {
                let id = e.split_once('@').map_or(e.as_str(), |(id, _)| id);
                if !known.contains(id) {
                    return true;
                }
                let mut ran = results
                    .iter()
                    .filter(|r| (r.id == **e || r.key() == **e) && r.class != Class::Skipped)
                    .peekable();
                ran.peek().is_some() && !ran.any(|r| r.class.is_failure())
            })
            .cloned()
            .collect()
    }

    /// A baseline listing every failure of a run.
    pub fn text_of(results: &[CaseResult]) -> String {
        let mut s = String::from("# msgwire baseline: known failures, one `id@profile` a line\n");
        for r in results.iter().filter(|r| r.class.is_failure()) {
            s.push_str(&format!("{}  # {}\n", r.key(), r.class.name()));
        }
        s
    }
}

/// A finished run.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Run {
    /// The implementation's name.
    pub implementation: String,
    /// Where the corpus was read from: `embedded corpus` or its directory.
    pub corpus: String,
    /// Which corpus judged the run (case count and digest); empty in reports written before
    /// it was recorded.
    #[serde(default)]
    pub corpus_revision: crate::corpus::Revision,
    /// Every result, in corpus order.
    pub results: Vec<CaseResult>,
    /// Baseline entries that matched no failure.
    pub stale_baseline: Vec<String>,
    /// Wall time in milliseconds.
    pub millis: u64,
}

impl Run {
    /// Number of results of a class.
    pub fn count(&self, class: Class) -> usize {
        self.results.iter().filter(|r| r.class == class).count()
    }

    /// Failures not excused by the baseline.
    pub fn regressions(&self) -> impl Iterator<Item = &CaseResult> {
        self.results.iter().filter(|r| r.is_regression())
    }

    /// Whether the run fails: a must-case failed (not excused by the baseline); with `strict`,
    /// also skipped trials and stale baseline entries.
    pub fn failed(&self, strict: bool) -> bool {
        self.regressions().next().is_some()
            || (strict && (self.count(Class::Skipped) > 0 || !self.stale_baseline.is_empty()))
    }
}

/// Where a run is, for progress output: after each trial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress<'a> {
    /// Trials done.
    pub done: usize,
    /// Trials planned.
    pub total: usize,
    /// The protocol of the trial just done.
    pub protocol: &'a str,
    /// Whether the next trial is of another protocol (or this was the last).
    pub protocol_done: bool,
    /// Failures so far (baselined ones included).
    pub failures: usize,
}

/// Why a run stopped before it could judge anything.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Stopped {
    /// The selection planned no trial at all.
    #[error("nothing to check: {0}")]
    NothingSelected(String),
    /// The implementation could not be run (see [`Implementation::startup_failure`]).
    #[error("{0}")]
    CannotStart(String),
}

/// Why a selection plans no trial: the first filter that matched nothing, named as the user
/// wrote it. Also used to refuse `--only` patterns or protocols that match nothing even when
/// others do (a typo would otherwise quietly check less).
pub fn unmatched(corpus: &Corpus, sel: &Selection) -> Option<String> {
    let root = &corpus.origin;
    if corpus.cases().next().is_none() {
        return Some(format!("the corpus ({root}) has no cases"));
    }
    for p in &sel.protocols {
        if !corpus.cases().any(|(_, c)| &c.protocol == p) {
            return Some(format!(
                "--protocol {p}: the corpus ({root}) has no {p} case"
            ));
        }
    }
    let in_protocols = |c: &Case| sel.protocols.is_empty() || sel.protocols.contains(&c.protocol);
    for g in &sel.only {
        if !corpus
            .cases()
            .any(|(_, c)| in_protocols(c) && g.matches(&c.id))
        {
            // Name the groups, so a wrong group in the pattern is easy to see.
            let pattern = g.as_str();
            let prefix = pattern.split('/').next().unwrap_or("");
            let mut groups: Vec<String> = corpus
                .cases()
                .filter(|(_, c)| in_protocols(c) && (c.protocol == prefix || prefix.contains('*')))
                .map(|(_, c)| format!("{}/{}", c.protocol, c.group))
                .collect();
            groups.dedup();
            let hint = if groups.is_empty() || groups.len() > 12 {
                String::from(" (ids are <protocol>/<group>/<name>; see `msgwire vectors list`)")
            } else {
                format!(" (groups: {})", groups.join(", "))
            };
            return Some(format!("--only '{pattern}' matches no case id{hint}"));
        }
    }
    if !corpus.cases().any(|(_, c)| sel.selects(c)) {
        return Some("--skip leaves no case".into());
    }
    None
}

/// Runs the planned trials; `progress` is called after each. Stops early when the selection
/// plans nothing, or when the implementation cannot be started.
pub fn run(
    corpus: &Corpus,
    sel: &Selection,
    imp: &mut dyn Implementation,
    baseline: &Baseline,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<Run, Stopped> {
    let start = Instant::now();
    if let Some(why) = unmatched(corpus, sel) {
        return Err(Stopped::NothingSelected(why));
    }
    let trials = plan(corpus, sel, imp);
    if trials.is_empty() {
        let why = match &sel.profile {
            Some(p) => format!("no selected case has a verdict under the profile {p}"),
            None => "no selected case has a verdict under any profile".into(),
        };
        return Err(Stopped::NothingSelected(why));
    }
    let total = trials.len();
    let mut results: Vec<CaseResult> = Vec::with_capacity(total);
    let mut failures = 0;
    for (i, t) in trials.iter().enumerate() {
        let t0 = Instant::now();
        let (class, detail, accepted, actual) = if imp.profiles(&t.case.protocol).is_none() {
            (
                Class::Skipped,
                format!("{} is not built in", t.case.protocol),
                None,
                None,
            )
        } else {
            run_case_keeping(imp, t.case, &t.profile, t.verdict)
        };
        results.push(CaseResult {
            id: t.case.id.clone(),
            profile: t.profile.clone(),
            protocol: t.case.protocol.clone(),
            group: t.case.group.clone(),
            spec: t.case.spec.clone(),
            file: t.case.file.display().to_string(),
            verdict: t.verdict,
            class,
            detail,
            accepted,
            // Only a failure is a known failure: a listed trial that passes is a stale entry.
            known_failure: class.is_failure() && baseline.lists(&t.case.id, &t.profile),
            micros: t0.elapsed().as_micros().try_into().unwrap_or(u64::MAX),
            actual: actual.filter(|_| class.is_failure()),
        });
        if let Some(why) = imp.startup_failure() {
            return Err(Stopped::CannotStart(why));
        }
        failures += usize::from(class.is_failure());
        progress(Progress {
            done: i + 1,
            total,
            protocol: &t.case.protocol,
            protocol_done: trials
                .get(i + 1)
                .is_none_or(|n| n.case.protocol != t.case.protocol),
            failures,
        });
    }
    let stale_baseline = baseline.stale(corpus.cases().map(|(_, c)| c.id.as_str()), &results);
    Ok(Run {
        implementation: imp.name(),
        corpus: corpus.origin.to_string(),
        corpus_revision: corpus.revision.clone(),
        results,
        stale_baseline,
        millis: start.elapsed().as_millis().try_into().unwrap_or(u64::MAX),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::vectors::{InputSource, Verdicts};
    use serde_json::json;

    /// A fake implementation: decodes input text `"ok:<n>"` to `[{"n": n}]`, `"bad"` to an
    /// error `bad-thing (7)`, `"panic"` to a crash; encodes `[{"n": n}]` to `"ok:<n>"`.
    pub(crate) struct Fake {
        pub encode_bug: bool,
    }

    impl Implementation for Fake {
        fn name(&self) -> String {
            "fake".into()
        }
        fn profiles(&self, protocol: &str) -> Option<Vec<String>> {
            (protocol == "jsonrpc").then(|| vec!["strict".into(), "lenient".into()])
        }
        fn decode(&mut self, _: &str, profile: &str, input: &[u8]) -> Attempt {
            let s = String::from_utf8_lossy(input);
            if s == "panic" {
                return Attempt::Crash("panicked".into());
            }
            if let Some(n) = s.strip_prefix("ok:") {
                let n: i64 = n.parse().unwrap_or(-1);
                return Attempt::Decoded(Decoding {
                    docs: vec![json!({ "n": n })],
                    error: None,
                });
            }
            if s == "lenient-only" && profile == "lenient" {
                return Attempt::Decoded(Decoding {
                    docs: vec![json!({"n": 0})],
                    error: None,
                });
            }
            Attempt::Decoded(Decoding {
                docs: vec![],
                error: Some(FormError {
                    kind: "bad-thing".into(),
                    code: Some(7),
                    offset: Some(0),
                    message: "no".into(),
                }),
            })
        }
        fn encode(&mut self, _: &str, _: &str, docs: &[Value]) -> EncodeAttempt {
            let n = docs[0]["n"].as_f64().unwrap() as i64;
            let n = if self.encode_bug { n + 1 } else { n };
            EncodeAttempt::Encoded(Ok(format!("ok:{n}").into_bytes()))
        }
        fn checks_error_kind(&self) -> bool {
            true
        }
        fn must_encode(&self) -> bool {
            true
        }
        fn reference_decode(&mut self, protocol: &str, profile: &str, input: &[u8]) -> Attempt {
            self.decode(protocol, profile, input)
        }
    }

    pub(crate) fn case(
        id: &str,
        verdict: Verdicts,
        input: &str,
        expect: Option<Value>,
        error: Option<(&str, Option<i64>)>,
    ) -> Case {
        Case {
            id: id.into(),
            protocol: "jsonrpc".into(),
            group: "g".into(),
            description: None,
            spec: "§1".into(),
            verdict,
            input: input.as_bytes().to_vec(),
            input_source: InputSource::Text,
            expect: expect.map(|e| vec![e]),
            error: error.map(|(k, c)| crate::vectors::ExpectedError {
                kind: k.into(),
                code: c,
            }),
            provenance: json!({"peer": "hand-written", "reason": "test"}),
            findings: vec![],
            roundtrip: None,
            stream: false,
            file: "jsonrpc/g.json".into(),
            pointer: "/cases/0".into(),
            raw: Value::Null,
        }
    }

    fn class_of(imp: &mut Fake, c: &Case, v: Verdict) -> Class {
        run_case(imp, c, "strict", v).0
    }

    #[test]
    fn classifies_each_outcome() {
        let y = Verdicts::All(Verdict::Accept);
        let n = Verdicts::All(Verdict::Reject);
        let f = &mut Fake { encode_bug: false };
        let c = case(
            "jsonrpc/g/a",
            y.clone(),
            "ok:1",
            Some(json!({"n": 1.0})),
            None,
        );
        assert_eq!(class_of(f, &c, Verdict::Accept), Class::Passed);
        let c = case(
            "jsonrpc/g/a",
            y.clone(),
            "ok:2",
            Some(json!({"n": 1})),
            None,
        );
        let (class, detail, _) = run_case(f, &c, "strict", Verdict::Accept);
        assert_eq!(
            (class, detail.as_str()),
            (Class::WrongValue, "at /0/n: expected 1, got 2")
        );
        let c = case("jsonrpc/g/a", y.clone(), "bad", Some(json!({"n": 1})), None);
        assert_eq!(class_of(f, &c, Verdict::Accept), Class::ShouldHaveAccepted);
        let c = case(
            "jsonrpc/g/a",
            n.clone(),
            "ok:1",
            None,
            Some(("bad-thing", Some(7))),
        );
        assert_eq!(class_of(f, &c, Verdict::Reject), Class::ShouldHaveRejected);
        let c = case(
            "jsonrpc/g/a",
            n.clone(),
            "bad",
            None,
            Some(("bad-thing", Some(7))),
        );
        assert_eq!(class_of(f, &c, Verdict::Reject), Class::Passed);
        let c = case(
            "jsonrpc/g/a",
            n.clone(),
            "bad",
            None,
            Some(("bad-thing", Some(8))),
        );
        assert_eq!(class_of(f, &c, Verdict::Reject), Class::WrongError);
        let c = case("jsonrpc/g/a", n.clone(), "bad", None, Some(("other", None)));
        assert_eq!(class_of(f, &c, Verdict::Reject), Class::WrongError);
        let c = case("jsonrpc/g/a", n, "panic", None, Some(("other", None)));
        assert_eq!(class_of(f, &c, Verdict::Reject), Class::Crash);
        let i = Verdicts::All(Verdict::ImplementationDefined);
        let c = case("jsonrpc/g/a", i.clone(), "bad", None, None);
        let (class, detail, accepted) = run_case(f, &c, "strict", Verdict::ImplementationDefined);
        assert_eq!(
            (class, accepted),
            (Class::ImplementationDefined, Some(false))
        );
        assert!(detail.starts_with("rejected: bad-thing (7)"), "{detail}");
        let c = case("jsonrpc/g/a", i, "ok:3", Some(json!({"n": 4})), None);
        assert_eq!(
            class_of(f, &c, Verdict::ImplementationDefined),
            Class::WrongValue
        );
    }

    #[test]
    fn roundtrip_checks() {
        let y = Verdicts::All(Verdict::Accept);
        let f = &mut Fake { encode_bug: true };
        let c = case(
            "jsonrpc/g/a",
            y.clone(),
            "ok:1",
            Some(json!({"n": 1})),
            None,
        );
        let (class, detail, _) = run_case(f, &c, "strict", Verdict::Accept);
        assert_eq!(class, Class::RoundtripMismatch);
        assert!(
            detail.contains("at byte 3: expected 0x31, got 0x32"),
            "{detail}"
        );
        // Not canonical: encode(expect) must decode to expect; with the bug it decodes to n+1.
        let mut c = case(
            "jsonrpc/g/a",
            y.clone(),
            "ok:01",
            Some(json!({"n": 1})),
            None,
        );
        c.roundtrip = Some(false);
        assert_eq!(class_of(f, &c, Verdict::Accept), Class::RoundtripMismatch);
        let f = &mut Fake { encode_bug: false };
        assert_eq!(class_of(f, &c, Verdict::Accept), Class::Passed);
        // Without roundtrip: false, the non-canonical input must round-trip exactly.
        c.roundtrip = None;
        assert_eq!(class_of(f, &c, Verdict::Accept), Class::RoundtripMismatch);
    }

    #[test]
    fn plan_follows_profiles_and_selection() {
        let mut corpus = Corpus::default();
        let per = Verdicts::PerProfile {
            profiles: [("lenient".to_string(), Verdict::Accept)].into(),
            default: None,
        };
        corpus.files.push(crate::vectors::VectorFile {
            path: "jsonrpc/g.json".into(),
            protocol: "jsonrpc".into(),
            group: "g".into(),
            description: None,
            provenance: None,
            cases: vec![
                case(
                    "jsonrpc/g/a",
                    Verdicts::All(Verdict::Accept),
                    "ok:1",
                    Some(json!({"n": 1})),
                    None,
                ),
                Case {
                    roundtrip: Some(false),
                    ..case(
                        "jsonrpc/g/b",
                        per,
                        "lenient-only",
                        Some(json!({"n": 0})),
                        None,
                    )
                },
                case(
                    "jsonrpc/g/c",
                    Verdicts::All(Verdict::Reject),
                    "ok:1",
                    None,
                    Some(("bad-thing", None)),
                ),
            ],
        });
        let f = Fake { encode_bug: false };
        let names: Vec<String> = plan(&corpus, &Selection::default(), &f)
            .iter()
            .map(|t| format!("{}@{}", t.case.id, t.profile))
            .collect();
        assert_eq!(
            names,
            [
                "jsonrpc/g/a@strict",
                "jsonrpc/g/a@lenient",
                "jsonrpc/g/b@lenient",
                "jsonrpc/g/c@strict",
                "jsonrpc/g/c@lenient"
            ]
        );
        let sel = Selection {
            skip: vec![Glob::new("*/b")],
            profile: Some("strict".into()),
            ..Default::default()
        };
        assert_eq!(plan(&corpus, &sel, &f).len(), 2);

        let mut f = Fake { encode_bug: false };
        let baseline = Baseline::parse(
            "jsonrpc/g/c@strict # known\njsonrpc/g/zzz\njsonrpc/g/a@strict\njsonrpc/g/b\n",
        );
        let mut lines = Vec::new();
        let run = run(
            &corpus,
            &Selection::default(),
            &mut f,
            &baseline,
            &mut |p| lines.push((p.done, p.total, p.failures, p.protocol_done)),
        )
        .unwrap();
        assert_eq!(run.count(Class::Passed), 3);
        assert_eq!(run.count(Class::ShouldHaveRejected), 2);
        let regressions: Vec<String> = run.regressions().map(|r| r.key()).collect();
        assert_eq!(regressions, ["jsonrpc/g/c@lenient"]);
        // Only a failure is marked known; a listed trial that passes is stale, as is an id
        // that is not in the corpus.
        let known: Vec<String> = run
            .results
            .iter()
            .filter(|r| r.known_failure)
            .map(|r| r.key())
            .collect();
        assert_eq!(known, ["jsonrpc/g/c@strict"]);
        assert_eq!(
            run.stale_baseline,
            ["jsonrpc/g/a@strict", "jsonrpc/g/b", "jsonrpc/g/zzz"]
        );
        assert!(run.failed(false));
        assert_eq!(lines.len(), 5);
        assert_eq!(lines[4], (5, 5, 2, true));
        assert_eq!(lines[3], (4, 5, 1, false));
        // An entry for a case this run did not select is not stale.
        let only_a = Selection {
            only: vec![Glob::new("*/a")],
            ..Default::default()
        };
        let r = super::run(&corpus, &only_a, &mut f, &baseline, &mut |_| {}).unwrap();
        assert_eq!(r.stale_baseline, ["jsonrpc/g/a@strict", "jsonrpc/g/zzz"]);
        // Selections that match nothing stop the run, naming the filter.
        let none = Selection {
            only: vec![Glob::new("jsonrpc/nope/*")],
            ..Default::default()
        };
        let e = super::run(&corpus, &none, &mut f, &baseline, &mut |_| {}).unwrap_err();
        assert_eq!(
            e.to_string(),
            "nothing to check: --only 'jsonrpc/nope/*' matches no case id (groups: jsonrpc/g)"
        );
        let none = Selection {
            protocols: vec!["amqp".into()],
            ..Default::default()
        };
        let e = super::run(&corpus, &none, &mut f, &baseline, &mut |_| {}).unwrap_err();
        assert!(e.to_string().contains("--protocol amqp: the corpus"), "{e}");
        let text = Baseline::text_of(&run.results);
        let all = Baseline::parse(&text);
        assert!(all.lists("jsonrpc/g/c", "lenient") && all.lists("jsonrpc/g/c", "strict"));
        assert!(!all.lists("jsonrpc/g/a", "strict"));
    }
}
