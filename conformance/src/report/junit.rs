//! The JUnit XML report (`--junit FILE`): one `<testsuite>` per protocol and spec section, one
//! `<testcase>` per trial (`id@profile`), failures typed by their class.

use super::{escape_xml, group_by, Tally};
use crate::runner::{Class, Run};
use std::fmt::Write;

/// The run as JUnit XML.
pub fn render(run: &Run) -> String {
    let t = Tally::of(&run.results);
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" time=\"{:.3}\">",
        escape_xml(&run.implementation),
        t.total,
        t.failed,
        run.millis as f64 / 1000.0
    );
    for ((protocol, spec), results) in
        group_by(&run.results, |r| (r.protocol.clone(), r.spec.clone()))
    {
        let st = Tally::of(results.iter().copied());
        let secs: u64 = results.iter().map(|r| r.micros).sum();
        let _ = writeln!(
            x,
            "  <testsuite name=\"{} {}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{:.6}\">",
            escape_xml(&protocol),
            escape_xml(&spec),
            st.total,
            st.failed,
            st.get(Class::Skipped),
            secs as f64 / 1e6
        );
        for r in results {
            let _ = write!(
                x,
                "    <testcase name=\"{}\" classname=\"{}.{}\" time=\"{:.6}\"",
                escape_xml(&r.key()),
                escape_xml(&r.protocol),
                escape_xml(&r.group),
                r.micros as f64 / 1e6
            );
            if r.class.is_failure() {
                let known = if r.known_failure {
                    " (known failure, in the baseline)"
                } else {
                    ""
                };
                let _ = writeln!(
                    x,
                    ">\n      <failure type=\"{}\" message=\"{}{}\"/>\n    </testcase>",
                    r.class.name(),
                    escape_xml(&r.detail),
                    known
                );
            } else if r.class == Class::Skipped {
                let _ = writeln!(
                    x,
                    ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                    escape_xml(&r.detail)
                );
            } else if r.class == Class::ImplementationDefined {
                let _ = writeln!(
                    x,
                    ">\n      <system-out>{}</system-out>\n    </testcase>",
                    escape_xml(&r.detail)
                );
            } else {
                x.push_str("/>\n");
            }
        }
        x.push_str("  </testsuite>\n");
    }
    x.push_str("</testsuites>\n");
    x
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_suite_per_section() {
        let x = super::render(&crate::report::tests::sample_run());
        assert_eq!(x.matches("<testsuite ").count(), 3, "{x}");
        assert!(
            x.contains("<testsuite name=\"amqp §4.2.3\" tests=\"2\" failures=\"1\""),
            "{x}"
        );
        assert!(x.contains("<failure type=\"wrong-value\" message=\"at /0: expected &lt;1&gt;, got &quot;2&quot;\"/>"), "{x}");
        assert!(x.contains("<skipped"), "{x}");
        assert!(x.contains("(known failure"), "{x}");
    }
}
