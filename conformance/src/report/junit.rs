//! The JUnit XML report (`--junit FILE`): one `<testsuite>` per implementation, protocol and
//! spec section; one `<testcase>` per item (`id@profile` for vector trials).
//!
//! What CI viewers (GitLab, GitHub test reporters, Jenkins, CircleCI) read: a short `message`
//! attribute and the whole detail in the element body; `<failure>` for a violated requirement,
//! `<error>` for a crash or timeout, `<skipped>` for baselined failures (with the reason) and for
//! what was not run; every count attribute (`tests`, `failures`, `errors`, `skipped`), `time`
//! and `timestamp` on every suite (valid against Jenkins' `junit-10.xsd`, which `.ci/browser/run.sh`
//! checks with xmllint); `file` on test cases that come from a vector file. Counts
//! agree with the verdict: a baselined failure is skipped (the job is green, and so is the
//! test view), and a run that fails for another reason (a stale baseline entry under
//! `--strict`) gets one failing test case that says so.

use super::{escape_xml as e, first_line, group_by, Item, Report, Status};
use std::fmt::Write;

fn body(report: &Report, i: &Item) -> String {
    let mut b = String::new();
    let _ = writeln!(b, "{}", i.detail);
    if let Some(r) = &i.requirement {
        let _ = writeln!(
            b,
            "\nrequirement ({}): {r}",
            i.level.as_deref().unwrap_or("")
        );
    }
    if let Some(a) = &i.accepts {
        let _ = writeln!(b, "accepts: {a}");
    }
    if !i.section.is_empty() {
        let _ = writeln!(b, "spec: {}", i.section);
    }
    if let Some(link) = report.vector_link(i) {
        let _ = writeln!(b, "vector: {link}");
    }
    if let Some(x) = &i.expected {
        let _ = writeln!(b, "\nexpected:\n{}", pretty(x));
    }
    if let Some(x) = &i.actual {
        let _ = writeln!(b, "\nactual:\n{}", pretty(x));
    }
    if let Some(h) = &i.input_hex {
        let _ = writeln!(b, "\ninput ({} bytes):\n{}", h.len() / 2, hexdump_text(h));
    }
    if !i.trace.is_empty() {
        let _ = writeln!(b, "\nwire log:");
        for l in &i.trace {
            let _ = writeln!(
                b,
                "{:>6} ms {} {}\n          {}",
                l.at_ms, l.dir, l.decoded, l.hex
            );
        }
    }
    b
}

fn pretty(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// `offset  hex bytes  |ascii|`, 16 bytes a line, from a hex string.
pub fn hexdump_text(hex: &str) -> String {
    let bytes = hex::decode(hex).unwrap_or_default();
    let mut s = String::new();
    for (n, chunk) in bytes.chunks(16).enumerate() {
        let hexpart: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
        let ascii: String = chunk
            .iter()
            .map(|&b| {
                if (0x20..0x7f).contains(&b) {
                    b as char
                } else {
                    '.'
                }
            })
            .collect();
        let _ = writeln!(s, "{:08x}  {:<47}  |{ascii}|", n * 16, hexpart.join(" "));
    }
    s
}

/// Seconds with at most three decimals (the Surefire/Jenkins schema's `SUREFIRE_TIME`).
fn secs(micros: u64) -> String {
    format!("{:.3}", micros as f64 / 1e6)
}

/// The report as JUnit XML.
pub fn render(report: &Report) -> String {
    let c = report.counts();
    let ts = e(&report.meta.time);
    let verdict_case = report.verdict.failed() && c.failing() == 0;
    let total_micros: u64 = report.suites.iter().map(|s| s.millis * 1000).sum();
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuites name=\"msgwire {}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{}\">",
        e(&report.title),
        c.total + usize::from(verdict_case),
        c.get(Status::Failed) + usize::from(verdict_case),
        c.get(Status::Error),
        secs(total_micros)
    );
    if verdict_case {
        // The run fails, but no item does (e.g. a stale baseline entry under --strict): the
        // test view must not be green while the job is red.
        let why = report.verdict.reasons.join("; ");
        let _ = writeln!(
            x,
            "  <testsuite name=\"msgwire verdict\" tests=\"1\" failures=\"1\" errors=\"0\" skipped=\"0\" time=\"0\" timestamp=\"{ts}\">\n    \
             <testcase name=\"verdict\" classname=\"msgwire.verdict\" time=\"0\">\n      \
             <failure type=\"verdict\" message=\"{}\">{}</failure>\n    </testcase>\n  </testsuite>",
            e(&first_line(&why, 200)),
            e(&report.headline())
        );
    }
    for suite in &report.suites {
        for ((protocol, section), items) in
            group_by(&suite.items, |r| (r.protocol.clone(), r.section.clone()))
        {
            let sc = super::Counts::of(items.iter().copied());
            let micros: u64 = items.iter().map(|r| r.micros).sum();
            let name = if report.suites.len() > 1 || !suite.name.is_empty() {
                format!("{} {protocol} {section}", suite.name)
            } else {
                format!("{protocol} {section}")
            };
            let _ = writeln!(
                x,
                "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{}\" timestamp=\"{ts}\">",
                e(&name),
                sc.total,
                sc.get(Status::Failed),
                sc.get(Status::Error),
                sc.get(Status::Skipped) + sc.get(Status::Baselined),
                secs(micros)
            );
            for r in items {
                let file = r
                    .file
                    .as_ref()
                    .map(|f| {
                        let base = report.meta.corpus.as_deref().unwrap_or("vectors");
                        format!(
                            " file=\"{}\"",
                            e(&format!("{}/{f}", base.trim_end_matches('/')))
                        )
                    })
                    .unwrap_or_default();
                let _ = write!(
                    x,
                    "    <testcase name=\"{}\" classname=\"{}.{}\" time=\"{}\"{file}",
                    e(&r.key),
                    e(&r.protocol),
                    e(&r.group),
                    secs(r.micros)
                );
                let short = first_line(&r.detail, 200);
                match r.status {
                    Status::Failed => {
                        let _ = writeln!(
                            x,
                            ">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>",
                            e(&r.class),
                            e(&short),
                            e(&body(report, r))
                        );
                    }
                    Status::Error => {
                        let _ = writeln!(
                            x,
                            ">\n      <error type=\"{}\" message=\"{}\">{}</error>\n    </testcase>",
                            e(&r.class),
                            e(&short),
                            e(&body(report, r))
                        );
                    }
                    Status::Baselined => {
                        let _ = writeln!(
                            x,
                            ">\n      <skipped message=\"{}\">{}</skipped>\n    </testcase>",
                            e(&format!(
                                "known failure ({}), listed in the baseline {}: {short}",
                                r.class,
                                report.meta.baseline.as_deref().unwrap_or("file")
                            )),
                            e(&body(report, r))
                        );
                    }
                    Status::Skipped => {
                        let _ = writeln!(
                            x,
                            ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                            e(&short)
                        );
                    }
                    Status::NonStrict | Status::Info => {
                        let _ = writeln!(
                            x,
                            ">\n      <system-out>{}: {}</system-out>\n    </testcase>",
                            e(&r.class),
                            e(&r.detail)
                        );
                    }
                    Status::Passed => x.push_str("/>\n"),
                }
            }
            x.push_str("  </testsuite>\n");
        }
    }
    x.push_str("</testsuites>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The structure CI tools accept (the Jenkins/Ant JUnit schema as GitLab reads it): checked
    /// element by element with a small XML walk, so the test needs no schema tool.
    #[test]
    fn structure_counts_and_bodies() {
        let x = render(&crate::report::tests::sample_report());
        assert!(x.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "));
        assert_eq!(x.matches("<testsuite ").count(), 3, "{x}");
        assert!(
            x.contains("<testsuite name=\"msgwire 0.1.0 amqp §4.2.3\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\" time=\"0.000\" timestamp=\"2026-12-03T15:00:00Z\">"),
            "{x}"
        );
        assert!(
            x.contains("<failure type=\"wrong-value\" message=\"at /0: expected &lt;1&gt;, got &quot;2&quot;\">at /0: expected &lt;1&gt;"),
            "{x}"
        );
        assert!(x.contains("file=\"vectors/x.json\""), "{x}");
        // A baselined crash is skipped with the reason, not a failure or error.
        assert!(
            x.contains(
                "<skipped message=\"known failure (crash), listed in the baseline file: at /0"
            ),
            "{x}"
        );
        assert!(!x.contains("<error"), "{x}");
        // The Jenkins schema allows skipped and timestamp on each suite, not on testsuites.
        assert!(
            x.contains("<testsuites name=\"msgwire check codec\" tests=\"4\" failures=\"1\" errors=\"0\" time=\"0.003\">"),
            "{x}"
        );
        check_structure(&x);
    }

    #[test]
    fn a_failing_verdict_without_failing_items_is_a_failing_case() {
        let mut run = crate::report::tests::sample_run();
        run.results.remove(1);
        run.stale_baseline = vec!["amqp/frame/gone".into()];
        let r = crate::report::Report::from_codec(&run, true, None, Default::default());
        let x = render(&r);
        assert!(x.contains("failures=\"1\""), "{x}");
        assert!(
            x.contains("stale baseline entry (--strict): amqp/frame/gone"),
            "{x}"
        );
        check_structure(&x);
        // Crashes are errors.
        let mut run = crate::report::tests::sample_run();
        run.results[2].known_failure = false;
        let x = render(&crate::report::Report::from_codec(
            &run,
            false,
            None,
            Default::default(),
        ));
        assert!(x.contains("<error type=\"crash\""), "{x}");
        assert!(x.contains("errors=\"1\""), "{x}");
        check_structure(&x);
    }

    /// Elements nest as the JUnit schema says: testsuites > testsuite > testcase >
    /// (failure|error|skipped|system-out)?, with the attributes each must carry, and the counts
    /// of every suite agree with its test cases.
    pub(crate) fn check_structure(x: &str) {
        let mut stack: Vec<String> = Vec::new();
        let mut counts = [0usize; 4]; // tests, failures, errors, skipped in the open suite
        let mut declared = [0usize; 4];
        let mut rest = x.split_once("?>").expect("declaration").1;
        while let Some(start) = rest.find('<') {
            let end = rest[start..].find('>').expect("closed tag") + start;
            let tag = &rest[start + 1..end];
            rest = &rest[end + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop().as_deref(), Some(name), "{x}");
                if name == "testsuite" {
                    assert_eq!(counts, declared, "suite counts: {x}");
                }
                continue;
            }
            let self_closing = tag.ends_with('/');
            let tag = tag.trim_end_matches('/');
            let name = tag.split_whitespace().next().unwrap();
            let attr = |a: &str| -> Option<String> {
                let k = format!(" {a}=\"");
                tag.find(&k)
                    .map(|p| tag[p + k.len()..].split('"').next().unwrap().to_string())
            };
            let parent = stack.last().map(String::as_str);
            let (allowed_parent, required): (Option<&str>, &[&str]) = match name {
                "testsuites" => (None, &["tests", "failures", "errors", "time"]),
                "testsuite" => (
                    Some("testsuites"),
                    &[
                        "name",
                        "tests",
                        "failures",
                        "errors",
                        "skipped",
                        "time",
                        "timestamp",
                    ],
                ),
                "testcase" => (Some("testsuite"), &["name", "classname", "time"]),
                "failure" | "error" => (Some("testcase"), &["message", "type"]),
                "skipped" => (Some("testcase"), &["message"]),
                "system-out" => (Some("testcase"), &[]),
                other => panic!("unexpected element {other}: {x}"),
            };
            assert_eq!(parent, allowed_parent, "{name} inside {parent:?}");
            for a in required {
                assert!(attr(a).is_some(), "{name} lacks {a}: {tag}");
            }
            match name {
                "testsuite" => {
                    counts = [0; 4];
                    declared = ["tests", "failures", "errors", "skipped"]
                        .map(|a| attr(a).unwrap().parse().unwrap());
                }
                "testcase" => counts[0] += 1,
                "failure" => counts[1] += 1,
                "error" => counts[2] += 1,
                "skipped" => counts[3] += 1,
                _ => {}
            }
            if name == "testsuite" || name == "testsuites" {
                assert!(attr("time").unwrap().parse::<f64>().is_ok());
            }
            if !self_closing {
                stack.push(name.to_string());
            }
        }
        assert!(stack.is_empty(), "{x}");
    }
}
