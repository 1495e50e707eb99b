//! The terminal summary: per protocol and spec section, counts (or, for live runs, one line per
//! case); then every failure with its detail; then the verdict, which is the exit status.
//! Colours only when asked (the CLI asks on a terminal); the marks (✓ ✗ ~ – ! i) carry the
//! meaning without them.

use super::{group_by, neutralise, Counts, Report, Status};
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
    fn status(&self, s: Status, text: &str) -> String {
        match s {
            Status::Failed | Status::Error => self.paint("31", text),
            Status::Passed => self.paint("32", text),
            Status::NonStrict | Status::Baselined => self.paint("33", text),
            Status::Info | Status::Skipped => self.paint("2", text),
        }
    }
    fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
}

/// What to show.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Colours.
    pub style: Style,
    /// One line per item (live runs), not counts per section.
    pub every_item: bool,
    /// Wire logs of every item, not only of failures.
    pub trace: bool,
}

fn counts(c: &Counts, st: Style) -> String {
    Status::ALL
        .iter()
        .filter(|s| c.get(**s) > 0)
        .map(|s| st.status(*s, &format!("{} {}", c.get(*s), s.name())))
        .collect::<Vec<_>>()
        .join(", ")
}

fn trace_lines(out: &mut String, item: &super::Item) {
    for l in &item.trace {
        let _ = writeln!(
            out,
            "    {:>6} ms {} {}  {}",
            l.at_ms,
            neutralise(&l.dir),
            neutralise(&l.decoded),
            l.hex
        );
    }
}

/// The summary as text.
pub fn render(report: &Report, o: Options) -> String {
    let st = o.style;
    let mut out = String::new();
    for suite in &report.suites {
        let _ = writeln!(
            out,
            "{} ({} ms)",
            st.bold(&neutralise(&suite.name)),
            suite.millis
        );
        if o.every_item {
            for r in &suite.items {
                let level = r
                    .level
                    .as_deref()
                    .map(|l| format!(" [{l}]"))
                    .unwrap_or_default();
                // A baselined failure is still a failure (✗), marked as known.
                let (mark, known) = if r.status == Status::Baselined {
                    ("✗", " (baselined)")
                } else {
                    (r.status.mark(), "")
                };
                let _ = writeln!(
                    out,
                    "{} {}{known}{level} {} ({} ms)\n    {}",
                    st.status(r.status, mark),
                    neutralise(&r.key),
                    neutralise(&r.section),
                    r.micros / 1000,
                    neutralise(&r.detail)
                );
                if o.trace || r.status.is_failure() {
                    if let Some(req) = &r.requirement {
                        let _ = writeln!(out, "    requirement: {}", neutralise(req));
                    }
                    if let Some(a) = &r.accepts {
                        let _ = writeln!(out, "    accepts: {}", neutralise(a));
                    }
                    trace_lines(&mut out, r);
                }
            }
            let c = Counts::of(&suite.items);
            if suite.items.iter().any(|i| i.level.is_some()) {
                let class = |k: &str| c.class.get(k).copied().unwrap_or(0);
                let baselined = c.get(Status::Baselined);
                let _ = writeln!(
                    out,
                    "{} passed, {} failed{}, {} non-strict, {} informational, {} unimplemented",
                    class("passed"),
                    class("failed"),
                    if baselined > 0 {
                        format!(" ({baselined} baselined)")
                    } else {
                        String::new()
                    },
                    class("non-strict"),
                    class("informational"),
                    class("unimplemented")
                );
            }
            continue;
        }
        for (protocol, items) in group_by(&suite.items, |r| r.protocol.clone()) {
            let c = Counts::of(items.iter().copied());
            let _ = writeln!(
                out,
                "{:<14} {}",
                st.bold(&neutralise(&protocol)),
                counts(&c, st)
            );
            for (section, rs) in group_by(items.iter().copied(), |r| r.section.clone()) {
                let c = Counts::of(rs.iter().copied());
                let mark = if c.failing() > 0 {
                    st.status(Status::Failed, "✗")
                } else {
                    st.status(Status::Passed, "✓")
                };
                let _ = writeln!(
                    out,
                    "  {mark} {:<40} {}",
                    neutralise(&section),
                    counts(&c, st)
                );
            }
        }
        let failures: Vec<_> = suite
            .items
            .iter()
            .filter(|r| r.status.is_failure())
            .collect();
        if !failures.is_empty() {
            let _ = writeln!(out, "\n{}", st.bold("failures:"));
            for r in failures {
                let known = if r.status == Status::Baselined {
                    " (known, in the baseline)"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "  {} {} {}{known}\n      {}",
                    st.status(r.status, r.status.mark()),
                    st.status(r.status, &r.class),
                    neutralise(&r.key),
                    neutralise(&r.detail)
                );
                trace_lines(&mut out, r);
            }
        }
    }
    for s in &report.stale_baseline {
        let _ = writeln!(
            out,
            "{} {}{}",
            st.status(Status::Baselined, "stale:"),
            neutralise(s),
            if report.meta.strict {
                " (fails the run under --strict)"
            } else {
                ""
            }
        );
    }
    let head = neutralise(&report.headline());
    let head = if report.verdict.failed() {
        st.status(Status::Failed, &head)
    } else {
        st.status(Status::Passed, &head)
    };
    let _ = writeln!(out, "\n{head}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_lists_failures() {
        let r = crate::report::tests::sample_report();
        let o = Options {
            style: Style { color: false },
            every_item: false,
            trace: false,
        };
        let s = render(&r, o);
        assert!(
            s.contains("amqp           1 failed, 1 baselined, 1 passed"),
            "{s}"
        );
        assert!(s.contains("  ✗ §4.2.3"), "{s}");
        assert!(
            s.contains("✗ wrong-value amqp/frame/b@strict\n      at /0"),
            "{s}"
        );
        assert!(
            s.contains("~ crash amqp/table/c@strict (known, in the baseline)"),
            "{s}"
        );
        assert!(s.contains("FAILED (exit 1): 4 trials: 1 failed"), "{s}");
        assert!(!s.contains('\x1b'));
        let c = render(
            &r,
            Options {
                style: Style { color: true },
                ..o
            },
        );
        assert!(c.contains("\x1b[31m"));
    }
}
