//! `dateTime.iso8601`, parsed in place: no allocation, the text stays borrowed.
//!
//! The spec's only example is `19980717T14:08:55` (basic date, extended time, no zone, "should
//! not assume anything about time zones"). Strict accepts exactly that shape with a real date
//! and time; [`parse`] also reads the extended forms peers send (`1998-07-17T14:08:55`,
//! fractional seconds, `Z` or `±hh:mm`) for callers who want fields from lenient input.

/// The fields of a dateTime value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTimeParts {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    /// Fractional seconds, in nanoseconds (0 when absent).
    pub nanosecond: u32,
    /// Zone offset in minutes east of UTC (`Z` is `Some(0)`), `None` when absent.
    pub offset_minutes: Option<i16>,
}

fn digits(b: &[u8], at: usize, n: usize) -> Option<u32> {
    let s = b.get(at..at + n)?;
    s.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

fn days_in_month(year: u16, month: u8) -> u8 {
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Whether `text` is exactly the spec's shape, `YYYYMMDDTHH:MM:SS`, naming a real date and time.
pub fn is_strict(text: &str) -> bool {
    text.len() == 17 && text.as_bytes()[8] == b'T' && parse(text).is_some()
}

/// Parses basic or extended ISO 8601 as peers send it; `None` if malformed or impossible
/// (month 13, February 30th, hour 24, second 60).
pub fn parse(text: &str) -> Option<DateTimeParts> {
    let b = text.as_bytes();
    let (year, month, day, mut at) = if b.get(4) == Some(&b'-') {
        if b.get(7) != Some(&b'-') {
            return None;
        }
        (digits(b, 0, 4)?, digits(b, 5, 2)?, digits(b, 8, 2)?, 10)
    } else {
        (digits(b, 0, 4)?, digits(b, 4, 2)?, digits(b, 6, 2)?, 8)
    };
    if b.get(at) != Some(&b'T') {
        return None;
    }
    at += 1;
    let hour = digits(b, at, 2)?;
    let (minute, second);
    if b.get(at + 2) == Some(&b':') {
        minute = digits(b, at + 3, 2)?;
        if b.get(at + 5) != Some(&b':') {
            return None;
        }
        second = digits(b, at + 6, 2)?;
        at += 8;
    } else {
        minute = digits(b, at + 2, 2)?;
        second = digits(b, at + 4, 2)?;
        at += 6;
    }
    let mut nanosecond = 0u32;
    if matches!(b.get(at), Some(b'.') | Some(b',')) {
        at += 1;
        let start = at;
        while at < b.len() && b[at].is_ascii_digit() {
            if at - start < 9 {
                nanosecond = nanosecond * 10 + u32::from(b[at] - b'0');
            }
            at += 1;
        }
        if at == start {
            return None;
        }
        for _ in (at - start)..9 {
            nanosecond *= 10;
        }
    }
    let offset_minutes = match b.get(at) {
        None => None,
        Some(b'Z') if at + 1 == b.len() => Some(0),
        Some(&sign @ (b'+' | b'-')) => {
            let h = digits(b, at + 1, 2)?;
            let m = match b.len() - at {
                3 => 0,
                5 => digits(b, at + 3, 2)?,
                6 if b[at + 3] == b':' => digits(b, at + 4, 2)?,
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            let off = (h * 60 + m) as i16;
            Some(if sign == b'-' { -off } else { off })
        }
        _ => return None,
    };
    let (year, month, day) = (year as u16, month as u8, day as u8);
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    Some(DateTimeParts {
        year,
        month,
        day,
        hour: hour as u8,
        minute: minute as u8,
        second: second as u8,
        nanosecond,
        offset_minutes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_example_parses() {
        let p = parse("19980717T14:08:55").unwrap();
        assert_eq!((p.year, p.month, p.day), (1998, 7, 17));
        assert_eq!((p.hour, p.minute, p.second), (14, 8, 55));
        assert!(is_strict("19980717T14:08:55"));
    }

    #[test]
    fn extended_forms_parse_but_are_not_strict() {
        let p = parse("1998-07-17T14:08:55.25+02:00").unwrap();
        assert_eq!(p.nanosecond, 250_000_000);
        assert_eq!(p.offset_minutes, Some(120));
        assert!(!is_strict("1998-07-17T14:08:55"));
        assert_eq!(parse("19980717T140855Z").unwrap().offset_minutes, Some(0));
    }

    #[test]
    fn impossible_dates_fail() {
        for bad in [
            "19981317T14:08:55",
            "19980230T14:08:55",
            "19000229T00:00:00",
            "19980717T24:00:00",
            "19980717T14:60:00",
            "19980717T14:08:60",
            "19980717T14:08:5",
            "19980717 14:08:55",
            "1998071714:08:55",
            "19980717T14:08:55+",
            "",
        ] {
            assert!(parse(bad).is_none(), "{bad}");
            assert!(!is_strict(bad), "{bad}");
        }
        assert!(is_strict("20000229T23:59:59"));
    }
}
