//! Case-id globs for `--only` / `--skip`: `*` matches any run of characters (`/` included),
//! `?` one character; everything else matches itself. The classic wildcard algorithm
//! (backtracking to the last star only) bounds the work by len(pattern) × len(id).

/// A compiled glob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    pattern: Vec<char>,
}

impl Glob {
    /// Compiles a pattern (every string is a valid pattern).
    pub fn new(pattern: &str) -> Glob {
        Glob {
            pattern: pattern.chars().collect(),
        }
    }

    /// The pattern as written.
    pub fn as_str(&self) -> String {
        self.pattern.iter().collect()
    }

    /// Whether `text` matches the whole pattern.
    pub fn matches(&self, text: &str) -> bool {
        let t: Vec<char> = text.chars().collect();
        let p = &self.pattern;
        let (mut ti, mut pi) = (0, 0);
        let mut star: Option<(usize, usize)> = None;
        while ti < t.len() {
            if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
                ti += 1;
                pi += 1;
            } else if pi < p.len() && p[pi] == '*' {
                star = Some((pi, ti));
                pi += 1;
            } else if let Some((sp, st)) = star {
                pi = sp + 1;
                ti = st + 1;
                star = Some((sp, st + 1));
            } else {
                return false;
            }
        }
        p[pi..].iter().all(|c| *c == '*')
    }
}

#[cfg(test)]
mod tests {
    use super::Glob;

    #[test]
    fn matches() {
        assert!(Glob::new("amqp/*").matches("amqp/field-table/x"));
        assert!(Glob::new("*/decimal-*").matches("amqp/field-table/decimal-negative"));
        assert!(!Glob::new("amqp/*").matches("jsonrpc/a/b"));
        assert!(Glob::new("a?c").matches("abc"));
        assert!(!Glob::new("a?c").matches("ac"));
        assert!(Glob::new("exact").matches("exact"));
        assert!(!Glob::new("exact").matches("exactly"));
        assert!(Glob::new("**").matches(""));
        assert!(!Glob::new("*a*a*a*a*b").matches(&"a".repeat(200)));
    }
}
