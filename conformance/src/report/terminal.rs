//! The terminal summary: per protocol and spec section, counts; then every failure with its
//! detail; then the verdict of the run. Colours only when asked (the CLI asks on a terminal).

use super::{group_by, summary_line, Tally};
use crate::runner::{Class, Run};
use std::fmt::Write;

/// ANSI styling, or none.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Whether to emit colour codes.
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn red(&self, s: &str) -> String {
        self.paint("31", s)
    }
    fn green(&self, s: &str) -> String {
        self.paint("32", s)
    }
    fn yellow(&self, s: &str) -> String {
        self.paint("33", s)
    }
    fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
}

fn counts(t: &Tally, st: Style) -> String {
    let mut parts = vec![st.green(&format!("{} passed", t.get(Class::Passed)))];
    if t.failed > 0 {
        parts.push(st.red(&format!("{} failed", t.failed)));
    }
    if t.get(Class::ImplementationDefined) > 0 {
        parts.push(format!(
            "{} impl-defined",
            t.get(Class::ImplementationDefined)
        ));
    }
    if t.get(Class::Skipped) > 0 {
        parts.push(st.yellow(&format!("{} skipped", t.get(Class::Skipped))));
    }
    parts.join(", ")
}

/// The summary as text; `strict` as for [`Run::failed`].
pub fn render(run: &Run, st: Style, strict: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} against {} ({} ms)",
        st.bold(&run.implementation),
        run.corpus,
        run.millis
    );
    for (protocol, results) in group_by(&run.results, |r| r.protocol.clone()) {
        let t = Tally::of(results.iter().copied());
        let _ = writeln!(out, "{:<14} {}", st.bold(&protocol), counts(&t, st));
        let owned: Vec<_> = results.iter().map(|r| (*r).clone()).collect();
        for (spec, rs) in group_by(&owned, |r| r.spec.clone()) {
            let t = Tally::of(rs.iter().copied());
            let mark = if t.failed > 0 {
                st.red("✗")
            } else {
                st.green("✓")
            };
            let _ = writeln!(out, "  {mark} {:<40} {}", spec, counts(&t, st));
        }
    }
    let failures: Vec<_> = run
        .results
        .iter()
        .filter(|r| r.class.is_failure())
        .collect();
    if !failures.is_empty() {
        let _ = writeln!(out, "\n{}", st.bold("failures:"));
        for r in failures {
            let known = if r.known_failure {
                st.dim(" (known, in the baseline)")
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "  {} {}{}\n      {}",
                st.red(r.class.name()),
                r.key(),
                known,
                r.detail
            );
        }
    }
    for s in &run.stale_baseline {
        let _ = writeln!(
            out,
            "{} baseline entry {s} no longer fails",
            st.yellow("stale:")
        );
    }
    let verdict = if run.failed(strict) {
        st.red("FAILED")
    } else {
        st.green("ok")
    };
    let _ = writeln!(out, "\n{verdict}: {}", summary_line(run));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_lists_failures() {
        let s = render(
            &crate::report::tests::sample_run(),
            Style { color: false },
            false,
        );
        assert!(s.contains("amqp           1 passed, 2 failed"), "{s}");
        assert!(s.contains("  ✗ §4.2.3"), "{s}");
        assert!(
            s.contains("wrong-value amqp/frame/b@strict\n      at /0"),
            "{s}"
        );
        assert!(
            s.contains("crash amqp/table/c@strict (known, in the baseline)"),
            "{s}"
        );
        assert!(s.contains("FAILED: 4 trials"), "{s}");
        assert!(!s.contains('\x1b'));
        let c = render(
            &crate::report::tests::sample_run(),
            Style { color: true },
            false,
        );
        assert!(c.contains("\x1b[31m"));
    }
}
