//! Profiles (which dialect the decoder accepts) and limits (how much work an input may cost).
//!
//! Both profiles are documented side by side in `docs/xmlrpc.md`; in short, `Strict` is the
//! 1999 spec plus `<nil/>` and `<i8>`, `ApacheExtensions` adds the `ex:` types of Apache
//! XML-RPC, and `Lenient` accepts what Python's `xmlrpc.client` accepts (within our types).

/// Which dialect of XML-RPC the decoder accepts. Encoding is the same for every profile.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Profile {
    /// The spec: 32-bit `int`/`i4` with no whitespace, `boolean` 0/1, decimal doubles, basic
    /// ISO 8601 dateTime, no attributes, no unknown tags; plus `<nil/>` and `<i8>`.
    #[default]
    Strict,
    /// Strict plus Apache XML-RPC's extension types `ex:nil`, `ex:i1`, `ex:i2`, `ex:i8`,
    /// `ex:float`, and `xmlns` attributes (the `ex` prefix is matched literally).
    ApacheExtensions,
    /// What Python's `xmlrpc.client` accepts: namespace prefixes on type tags, attributes,
    /// whitespace and `_` around numbers, integers beyond 32 bits, exponents/NaN/infinity in
    /// doubles, any dateTime text, base64 with non-zero trailing bits, any method name.
    Lenient,
}

impl Profile {
    /// The profile's name as vectors and the CLI spell it.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Strict => "strict",
            Profile::ApacheExtensions => "apache",
            Profile::Lenient => "lenient",
        }
    }

    /// The profile named `name` (`strict`, `apache`, `lenient`).
    pub fn from_name(name: &str) -> Option<Profile> {
        match name {
            "strict" => Some(Profile::Strict),
            "apache" => Some(Profile::ApacheExtensions),
            "lenient" => Some(Profile::Lenient),
            _ => None,
        }
    }

    pub(crate) fn lenient(self) -> bool {
        self == Profile::Lenient
    }
}

/// How much an input may cost. Every default says why it is what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest document accepted, in bytes. Default 16 MiB: XML-RPC documents arrive whole
    /// (an HTTP body), so this bounds what a peer can make us hold; it leaves room for the
    /// 100 KB strings and multi-megabyte base64 blobs seen in practice.
    pub max_document_size: usize,
    /// Deepest nesting of arrays and structs. Default 128 (serde_json's recursion limit): the
    /// decoder recurses once per level, so this bounds stack use (about 1 KiB per level) far
    /// below a thread's stack; real documents nest a handful of levels. Keep it under ~1000.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_document_size: 16 * 1024 * 1024,
            max_depth: 128,
        }
    }
}
