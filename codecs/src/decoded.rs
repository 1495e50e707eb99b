//! The outcome of a streaming decode that did not fail.

/// What a streaming decoder found in the bytes it was given.
///
/// Errors are reported separately (`Result<Decoded<T>, Error>`): running out of input is not
/// an error, it is [`Decoded::NeedMore`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded<T> {
    /// A whole value was decoded from the first `used` bytes of the input.
    Complete {
        /// The decoded value (usually borrowing from the input).
        value: T,
        /// How many bytes of the input it took; the caller consumes exactly these.
        used: usize,
    },
    /// The input is a valid prefix, but at least `at_least` more bytes are needed before
    /// anything can be decided. This is a lower bound: the caller may get `NeedMore` again.
    NeedMore {
        /// A safe lower bound on the number of bytes to append before calling again (≥ 1).
        at_least: usize,
    },
}

impl<T> Decoded<T> {
    /// The value, if complete.
    pub fn complete(self) -> Option<(T, usize)> {
        match self {
            Decoded::Complete { value, used } => Some((value, used)),
            Decoded::NeedMore { .. } => None,
        }
    }

    /// Whether more bytes are needed.
    pub fn is_need_more(&self) -> bool {
        matches!(self, Decoded::NeedMore { .. })
    }

    /// Maps the value of a complete outcome.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Decoded<U> {
        match self {
            Decoded::Complete { value, used } => Decoded::Complete {
                value: f(value),
                used,
            },
            Decoded::NeedMore { at_least } => Decoded::NeedMore { at_least },
        }
    }
}
