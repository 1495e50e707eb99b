//! The peer matrix (`msgwire report matrix`, written by `scripts/compliance.sh` to
//! `docs/compliance.md`): first a summary, one row per implementation and one column per
//! protocol (`ok/ran`); then one table per protocol, one row per vector group and one column per
//! implementation of that protocol; then every failing case with a link to its vector file.
//! Readable at a glance: no table is wider than the implementations of one protocol.

use super::{escape_xml as e, Counts, Item, Status, Suite};
use std::collections::BTreeSet;
use std::fmt::Write;

/// Protocols of every item in any suite, sorted.
pub fn protocols(suites: &[Suite]) -> Vec<String> {
    let set: BTreeSet<&str> = suites
        .iter()
        .flat_map(|s| s.items.iter().map(|i| i.protocol.as_str()))
        .collect();
    set.into_iter().map(str::to_string).collect()
}

/// Groups of `protocol` in any suite, sorted.
pub fn groups(suites: &[Suite], protocol: &str) -> Vec<String> {
    let set: BTreeSet<&str> = suites
        .iter()
        .flat_map(|s| s.items.iter())
        .filter(|i| i.protocol == protocol)
        .map(|i| i.group.as_str())
        .collect();
    set.into_iter().map(str::to_string).collect()
}

/// Counts of a suite's items that match.
pub fn count(suite: &Suite, f: impl Fn(&Item) -> bool) -> Counts {
    Counts::of(suite.items.iter().filter(|i| f(i)))
}

/// Whether a suite ran anything of `protocol` (not only skipped trials).
pub fn ran(suite: &Suite, protocol: &str) -> bool {
    count(suite, |i| i.protocol == protocol).ran() > 0
}

/// One cell: `ok/ran`, `–` when nothing ran, ` ✗` when something failed (` ~` when only
/// baselined failures).
pub fn cell(c: &Counts) -> String {
    if c.ran() == 0 {
        return "–".into();
    }
    let m = if c.failing() > 0 {
        " ✗"
    } else if c.get(Status::Baselined) > 0 {
        " ~"
    } else {
        ""
    };
    format!("{}/{}{m}", c.ok(), c.ran())
}

fn md(s: &str) -> String {
    super::neutralise(s).replace('|', "\\|").replace('\n', " ")
}

/// The matrix as Markdown; `vectors_link` is the path from the document to `vectors/`.
pub fn markdown(suites: &[Suite], vectors_link: &str) -> String {
    let protos = protocols(suites);
    let mut m = String::from("## Summary\n\n| implementation |");
    for p in &protos {
        let _ = write!(m, " {p} |");
    }
    m.push_str("\n|---|");
    m.push_str(&"---|".repeat(protos.len()));
    m.push('\n');
    for s in suites {
        let _ = write!(m, "| {} |", md(&s.name));
        for p in &protos {
            let _ = write!(m, " {} |", cell(&count(s, |i| &i.protocol == p)));
        }
        m.push('\n');
    }
    m.push_str(
        "\nEach cell is `ok/ran`: trials that passed (or were implementation-defined) out of \
         the trials that ran; `–`: the implementation does not offer the protocol. ✗ marks \
         failures, listed at the end.\n",
    );
    for p in &protos {
        let impls: Vec<&Suite> = suites.iter().filter(|s| ran(s, p)).collect();
        if impls.is_empty() {
            continue;
        }
        let _ = write!(m, "\n## {p}\n\n| group |");
        for s in &impls {
            let _ = write!(m, " {} |", md(&s.name));
        }
        m.push_str("\n|---|");
        m.push_str(&"---|".repeat(impls.len()));
        m.push('\n');
        for g in groups(suites, p) {
            let _ = write!(m, "| {} |", md(&g));
            for s in &impls {
                let _ = write!(
                    m,
                    " {} |",
                    cell(&count(s, |i| &i.protocol == p && i.group == g))
                );
            }
            m.push('\n');
        }
        m.push_str("| **total** |");
        for s in &impls {
            let _ = write!(m, " **{}** |", cell(&count(s, |i| &i.protocol == p)));
        }
        m.push('\n');
    }
    let mut header = false;
    for s in suites {
        let failures: Vec<&Item> = s.items.iter().filter(|i| i.status.is_failure()).collect();
        if failures.is_empty() {
            continue;
        }
        if !header {
            m.push_str("\n## Failures\n");
            header = true;
        }
        let _ = writeln!(m, "\n### {} — {} failing", md(&s.name), failures.len());
        for r in failures {
            let link = match &r.file {
                Some(f) => format!("[`{}`]({vectors_link}/{f})", md(&r.key)),
                None => format!("`{}`", md(&r.key)),
            };
            let _ = writeln!(
                m,
                "- {link} {}: {}",
                r.class,
                crate::compare::shorten(&md(&r.detail), 200)
            );
        }
    }
    m
}

/// The matrix as HTML tables (in scrolling boxes): the summary, then one per protocol.
pub fn html(suites: &[Suite]) -> String {
    let protos = protocols(suites);
    let mut h = String::from("<div class=\"scroll\"><table><tr><th>implementation</th>");
    for p in &protos {
        let _ = write!(h, "<th>{}</th>", e(p));
    }
    h.push_str("</tr>");
    for s in suites {
        let _ = write!(h, "<tr><th>{}</th>", e(&s.name));
        for p in &protos {
            let c = count(s, |i| &i.protocol == p);
            let _ = write!(h, "<td class=\"{}\">{}</td>", css(&c), e(&cell(&c)));
        }
        h.push_str("</tr>");
    }
    h.push_str("</table></div>");
    for p in &protos {
        let impls: Vec<&Suite> = suites.iter().filter(|s| ran(s, p)).collect();
        if impls.is_empty() {
            continue;
        }
        let _ = write!(
            h,
            "<h3>{}</h3><div class=\"scroll\"><table><tr><th>group</th>",
            e(p)
        );
        for s in &impls {
            let _ = write!(h, "<th>{}</th>", e(&s.name));
        }
        h.push_str("</tr>");
        for g in groups(suites, p) {
            let _ = write!(h, "<tr><th>{}</th>", e(&g));
            for s in &impls {
                let c = count(s, |i| &i.protocol == p && i.group == g);
                let _ = write!(h, "<td class=\"{}\">{}</td>", css(&c), e(&cell(&c)));
            }
            h.push_str("</tr>");
        }
        h.push_str("</table></div>");
    }
    h
}

fn css(c: &Counts) -> &'static str {
    if c.failing() > 0 {
        "st-failed"
    } else if c.ran() == 0 {
        "st-skipped"
    } else {
        "st-passed"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_then_one_table_per_protocol() {
        let r = crate::report::tests::sample_report();
        let md = markdown(&r.suites, "../vectors");
        assert!(
            md.starts_with("## Summary\n\n| implementation | amqp | jsonrpc |\n|---|---|---|\n| msgwire 0.1.0 | 1/3 ✗ | – |\n"),
            "{md}"
        );
        assert!(
            md.contains("## amqp\n\n| group | msgwire 0.1.0 |\n|---|---|\n| frame | 1/2 ✗ |\n| table | 0/1 ~ |\n| **total** | **1/3 ✗** |"),
            "{md}"
        );
        assert!(!md.contains("## jsonrpc"), "{md}");
        assert!(
            md.contains("- [`amqp/frame/b@strict`](../vectors/x.json) wrong-value: "),
            "{md}"
        );
        let h = html(&r.suites);
        assert!(h.contains("<td class=\"st-failed\">1/3 ✗</td>"), "{h}");
    }
}
