//! The peer matrix: one row per implementation, one column per vector group, with counts and
//! links to each failing case (Markdown, for `docs/compliance.md`).

use super::Tally;
use crate::runner::{Class, Run};
use std::collections::BTreeSet;
use std::fmt::Write;

/// Columns: `protocol/group` of every result in any run, sorted.
pub fn columns(runs: &[Run]) -> Vec<String> {
    let set: BTreeSet<String> = runs
        .iter()
        .flat_map(|r| {
            r.results
                .iter()
                .map(|x| format!("{}/{}", x.protocol, x.group))
        })
        .collect();
    set.into_iter().collect()
}

/// One cell: `ok/total`, `–` when nothing ran, with a mark when something failed.
pub fn cell(run: &Run, column: &str) -> (String, Tally) {
    let t = Tally::of(
        run.results
            .iter()
            .filter(|r| format!("{}/{}", r.protocol, r.group) == column),
    );
    let ran = t.total - t.get(Class::Skipped);
    let text = if ran == 0 {
        "–".to_string()
    } else {
        let ok = t.get(Class::Passed) + t.get(Class::ImplementationDefined);
        let mark = if t.failed > 0 { " ✗" } else { "" };
        format!("{ok}/{ran}{mark}")
    };
    (text, t)
}

/// The matrix as Markdown; `vectors_link` is the path from the document to `vectors/`.
pub fn markdown(runs: &[Run], vectors_link: &str) -> String {
    let cols = columns(runs);
    let mut md = String::new();
    md.push_str("| implementation | total |");
    for c in &cols {
        let _ = write!(md, " {c} |");
    }
    md.push_str("\n|---|---|");
    md.push_str(&"---|".repeat(cols.len()));
    md.push('\n');
    for run in runs {
        let t = Tally::of(&run.results);
        let ran = t.total - t.get(Class::Skipped);
        let ok = t.get(Class::Passed) + t.get(Class::ImplementationDefined);
        let _ = write!(
            md,
            "| {} | {ok}/{ran} |",
            run.implementation.replace('|', "\\|")
        );
        for c in &cols {
            let _ = write!(md, " {} |", cell(run, c).0);
        }
        md.push('\n');
    }
    md.push_str(
        "\n`ok/ran` per group: passed plus implementation-defined, out of the trials that ran \
                 (skipped: the implementation does not support the protocol or direction). \
                 ✗ marks a group with failures, listed below.\n",
    );
    for run in runs {
        let failures: Vec<_> = run
            .results
            .iter()
            .filter(|r| r.class.is_failure())
            .collect();
        if failures.is_empty() {
            continue;
        }
        let _ = writeln!(
            md,
            "\n### {} — {} failing",
            run.implementation,
            failures.len()
        );
        for r in failures {
            let detail = r.detail.replace('\n', " ").replace('|', "\\|");
            let _ = writeln!(
                md,
                "- [`{}`]({vectors_link}/{}) {}: {}",
                r.key(),
                r.file,
                r.class.name(),
                crate::compare::shorten(&detail, 200)
            );
        }
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_columns_and_failure_links() {
        let run = crate::report::tests::sample_run();
        let md = markdown(std::slice::from_ref(&run), "../vectors");
        assert!(md.starts_with("| implementation | total | amqp/frame | amqp/table | jsonrpc/batch |\n|---|---|---|---|---|\n"), "{md}");
        assert!(
            md.contains("| msgwire 0.1.0 | 1/3 | 1/2 ✗ | 0/1 ✗ | – |"),
            "{md}"
        );
        assert!(
            md.contains("- [`amqp/frame/b@strict`](../vectors/x.json) wrong-value: "),
            "{md}"
        );
    }
}
