//! The Markdown summary (`--markdown FILE`) for a CI job page: GitHub's
//! `$GITHUB_STEP_SUMMARY`, a GitLab merge-request note. The verdict (the exit status) first,
//! counts, a table per protocol, then every failure (at most [`MAX_FAILURES`]) folded in a
//! `<details>` block with why it failed and where; what an implementation wrote is escaped and
//! its bidi controls shown as `[U+202E]`.

use super::{escape_xml as e, group_by, Counts, Report, Status};
use std::fmt::Write;

/// Failures shown in full; the rest are counted (the HTML report has them all).
pub const MAX_FAILURES: usize = 50;

/// A code block that nothing inside can close.
fn fenced(text: &str) -> String {
    let text = super::neutralise(text);
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}text\n{}\n{fence}\n", text.trim_end())
}

/// The summary.
pub fn render(report: &Report) -> String {
    let c = report.counts();
    let mut m = String::new();
    let (mark, word) = if report.verdict.failed() {
        ("✗", "FAILED")
    } else {
        ("✓", "PASSED")
    };
    let _ = writeln!(
        m,
        "## {mark} {word} (exit {}): msgwire {}\n",
        report.verdict.exit_code,
        e(&report.title)
    );
    for r in &report.verdict.reasons {
        let _ = writeln!(m, "- **{}**", e(r));
    }
    if !report.verdict.reasons.is_empty() {
        m.push('\n');
    }
    let counts: Vec<String> = Status::ALL
        .iter()
        .filter(|s| c.get(**s) > 0)
        .map(|s| format!("{} {} {}", s.mark(), c.get(*s), s.name()))
        .collect();
    let _ = writeln!(
        m,
        "{} {}: {} — {}\n",
        c.total,
        report.noun(),
        counts.join(" · "),
        e(&report
            .suites
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", "))
    );
    m.push_str("| implementation | protocol | ok/ran | ✗ failed | ! error | ~ baselined | – skipped |\n|---|---|---|---|---|---|---|\n");
    for suite in &report.suites {
        for (protocol, items) in group_by(&suite.items, |i| i.protocol.clone()) {
            let pc = Counts::of(items.iter().copied());
            let _ = writeln!(
                m,
                "| {} | {} | {} | {} | {} | {} | {} |",
                e(&suite.name).replace('|', "\\|"),
                e(&protocol),
                super::matrix::cell(&pc),
                pc.get(Status::Failed),
                pc.get(Status::Error),
                pc.get(Status::Baselined),
                pc.get(Status::Skipped)
            );
        }
    }
    if !report.stale_baseline.is_empty() {
        let _ = writeln!(
            m,
            "\nStale baseline entries (no longer failing{}): {}",
            if report.meta.strict {
                "; they fail a --strict run"
            } else {
                ""
            },
            report
                .stale_baseline
                .iter()
                .map(|s| format!("`{}`", super::neutralise(s).replace('`', "'")))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let failures: Vec<_> = report.items().filter(|i| i.status.is_failure()).collect();
    if !failures.is_empty() {
        let _ = writeln!(m, "\n### Failures ({})\n", failures.len());
        for i in failures.iter().take(MAX_FAILURES) {
            let _ = writeln!(
                m,
                "<details><summary>{} {} <code>{}</code> {}: {}</summary>\n",
                i.status.mark(),
                i.status.name(),
                e(&i.key),
                e(&i.class),
                e(&super::first_line(&i.detail, 160))
            );
            let mut line = Vec::new();
            if !i.section.is_empty() {
                match super::html::spec_link(&i.protocol, &i.section) {
                    Some(l) => line.push(format!("spec: [{}]({l})", e(&i.section))),
                    None => line.push(format!("spec: {}", e(&i.section))),
                }
            }
            if let Some(l) = report.vector_link(i) {
                line.push(format!(
                    "vector: [{}]({l})",
                    e(i.file.as_deref().unwrap_or(""))
                ));
            }
            if let Some(l) = &i.level {
                line.push(format!("level: {}", e(l)));
            }
            if !line.is_empty() {
                let _ = writeln!(m, "{}\n", line.join(" · "));
            }
            if let Some(r) = &i.requirement {
                let _ = writeln!(m, "> {}\n", e(r).replace('\n', " "));
            }
            let mut block = i.detail.clone();
            if let (Some(x), Some(a)) = (&i.expected, &i.actual) {
                let path = i.diff_path.clone().unwrap_or_default();
                let show = |v: &serde_json::Value| {
                    v.pointer(&path)
                        .map(|v| v.to_string())
                        .unwrap_or_else(|| "nothing".into())
                };
                let _ = write!(
                    block,
                    "\n\nat {}:\n  expected {}\n  actual   {}",
                    if path.is_empty() { "/" } else { &path },
                    show(x),
                    show(a)
                );
            }
            if let Some(h) = &i.input_hex {
                // The first 256 bytes: a job summary has a size limit (GitHub: 1 MiB).
                let shown = &h[..h.len().min(512)];
                let _ = write!(
                    block,
                    "\n\ninput ({} bytes{}):\n{}",
                    h.len() / 2,
                    if shown.len() < h.len() {
                        ", the first 256 shown"
                    } else {
                        ""
                    },
                    super::junit::hexdump_text(shown)
                );
            }
            for f in i.trace.iter().take(20) {
                let _ = write!(block, "\n{:>6} ms {} {}", f.at_ms, f.dir, f.decoded);
            }
            m.push_str(&fenced(&block));
            m.push_str("\n</details>\n");
        }
        if failures.len() > MAX_FAILURES {
            let _ = writeln!(
                m,
                "\n… and {} more failures (every one is in the HTML and JUnit reports).",
                failures.len() - MAX_FAILURES
            );
        }
    }
    let meta = &report.meta;
    let _ = writeln!(
        m,
        "\n<sub>{} · {} · {}{}</sub>",
        e(&meta.version),
        e(&meta.time),
        e(&meta.command),
        meta.corpus_revision
            .as_ref()
            .map(|r| format!(" · corpus {}", e(&r.to_string())))
            .unwrap_or_default()
    );
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_first_then_failures_folded() {
        let mut r = crate::report::tests::sample_report();
        r.suites[0].items[1].detail = "```\n<img src=x>\u{202e}".into();
        let m = render(&r);
        assert!(
            m.starts_with("## ✗ FAILED (exit 1): msgwire check codec\n\n- **1 failing trial not in the baseline**\n"),
            "{m}"
        );
        assert!(
            m.contains("| msgwire 0.1.0 | amqp | 1/3 ✗ | 1 | 0 | 1 | 0 |"),
            "{m}"
        );
        assert!(m.contains("### Failures (2)"), "{m}");
        assert!(m.contains("<details><summary>✗ failed <code>amqp/frame/b@strict</code> wrong-value: ``` …</summary>"), "{m}");
        // The detail sits in a fence longer than any backtick run inside it.
        assert!(
            m.contains("````text\n```\n<img src=x>[U+202E]\n````"),
            "{m}"
        );
        assert!(!m.contains('\u{202e}'));
        assert!(m.contains("vector: [x.json](../vectors/x.json)"), "{m}");
    }
}
