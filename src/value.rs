//! Reported numbers as exact decimals.
//!
//! A figure is kept as the report printed it ("1,397.96", "20%", "162.1 billion") and parsed into
//! an exact decimal with the precision the print implies. Nothing goes through a float.

use rust_decimal::Decimal;
use std::fmt;

/// A parsed reported number: its exact value and the `decimals` its printed form implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportedNumber {
    /// The exact value (a percentage divided by 100: `20%` is 0.2).
    pub value: Decimal,
    /// The precision the printed form implies: `1,397.96` → 2, `3,121` → 0, `162.1 billion` → -8.
    pub decimals: i32,
    /// The text carried a percent sign; the value is already divided by 100.
    pub percent: bool,
}

/// Why a text is not a reported number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumberError {
    /// The text is empty.
    Empty,
    /// The text is not a decimal number; the reason is given.
    NotANumber(String),
    /// The number has more than the 28 significant digits an exact decimal can keep.
    TooLarge,
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NumberError::Empty => f.write_str("the value is empty"),
            NumberError::NotANumber(why) => write!(f, "not a decimal number ({why})"),
            NumberError::TooLarge => {
                f.write_str("the number has more digits than can be kept exactly (28 significant digits at most)")
            }
        }
    }
}

const SCALES: &[(&str, i32)] = &[("thousand", 3), ("million", 6), ("billion", 9), ("trillion", 12)];

/// Parse reported decimal text: an optional sign, digits with optional `,` thousands separators,
/// an optional fraction, then optionally `%` or a scale word (thousand, million, billion, trillion).
pub fn parse_reported(text: &str) -> Result<ReportedNumber, NumberError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(NumberError::Empty);
    }
    let (body, percent, exp) = if let Some(b) = t.strip_suffix('%') {
        (b.trim_end(), true, -2)
    } else if let Some((b, e)) = SCALES.iter().find_map(|(w, e)| strip_suffix_ci(t, w).map(|b| (b.trim_end(), *e))) {
        (b, false, e)
    } else {
        (t, false, 0)
    };
    let (negative, digits) = match body.as_bytes().first() {
        Some(b'-') => (true, &body[1..]),
        Some(b'+') => (false, &body[1..]),
        _ => (false, body),
    };
    let (int_part, frac_part) = match digits.split_once('.') {
        Some((i, f)) => (i, f),
        None => (digits, ""),
    };
    check_grouping(int_part)?;
    if !frac_part.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NumberError::NotANumber(format!("unexpected characters in {text:?}")));
    }
    if digits.contains('.') && frac_part.is_empty() {
        return Err(NumberError::NotANumber(format!("no digits after the decimal point in {text:?}")));
    }
    let int_digits: String = int_part.chars().filter(|c| *c != ',').collect();
    if int_digits.is_empty() && frac_part.is_empty() {
        return Err(NumberError::NotANumber(format!("no digits in {text:?}")));
    }
    let all = format!("{int_digits}{frac_part}");
    let all = all.trim_start_matches('0');
    let frac_len = frac_part.len() as i32;
    // value = all * 10^(exp - frac_len)
    let shift = exp - frac_len;
    let mantissa_text = if all.is_empty() { "0" } else { all };
    let (mantissa_text, scale) = if shift >= 0 {
        (format!("{mantissa_text}{}", "0".repeat(shift as usize)), 0u32)
    } else {
        (mantissa_text.to_string(), (-shift) as u32)
    };
    if mantissa_text.len() > 28 || scale > 28 {
        return Err(NumberError::TooLarge);
    }
    let mut mantissa: i128 = mantissa_text.parse().map_err(|_| NumberError::TooLarge)?;
    if negative {
        mantissa = -mantissa;
    }
    let value = Decimal::try_from_i128_with_scale(mantissa, scale).map_err(|_| NumberError::TooLarge)?;
    Ok(ReportedNumber { value, decimals: -shift, percent })
}

fn strip_suffix_ci<'a>(t: &'a str, suffix: &str) -> Option<&'a str> {
    let n = t.len().checked_sub(suffix.len())?;
    if t.is_char_boundary(n) && t[n..].eq_ignore_ascii_case(suffix) { Some(&t[..n]) } else { None }
}

/// Thousands separators must sit between groups of three digits: "1,397" yes, "13,97" no.
fn check_grouping(int_part: &str) -> Result<(), NumberError> {
    if !int_part.bytes().all(|b| b.is_ascii_digit() || b == b',') {
        return Err(NumberError::NotANumber(format!("unexpected characters in {int_part:?}")));
    }
    if int_part.contains(',') {
        let groups: Vec<&str> = int_part.split(',').collect();
        let first_ok = !groups[0].is_empty() && groups[0].len() <= 3;
        if !first_ok || groups[1..].iter().any(|g| g.len() != 3) {
            return Err(NumberError::NotANumber(format!("misplaced thousands separator in {int_part:?}")));
        }
    }
    Ok(())
}

/// Parse the canonical lexical form of an xs:decimal (as found in an XBRL instance): no grouping,
/// no scale words, no exponent.
pub fn parse_xs_decimal(text: &str) -> Result<Decimal, NumberError> {
    let t = text.trim();
    let ok = !t.is_empty()
        && t.bytes().enumerate().all(|(i, b)| b.is_ascii_digit() || b == b'.' || (i == 0 && (b == b'-' || b == b'+')))
        && t.bytes().filter(|b| *b == b'.').count() <= 1
        && t.bytes().any(|b| b.is_ascii_digit());
    if !ok {
        return Err(NumberError::NotANumber(format!("{t:?} is not an xs:decimal")));
    }
    parse_reported(t).map(|n| n.value)
}

/// The interval of values a reported number stands for under XBRL Calculations 1.1
/// round-to-nearest: value ± half a unit in the last reported place. `None` decimals means exact.
pub fn interval(value: Decimal, decimals: Option<i32>) -> (Decimal, Decimal) {
    match decimals {
        None => (value, value),
        Some(d) => {
            let half = half_unit(d);
            (value - half, value + half)
        }
    }
}

/// Half a unit in the `decimals` place: 0.005 for 2, 5 for -1.
fn half_unit(decimals: i32) -> Decimal {
    let d = decimals.clamp(-27, 27);
    let five = Decimal::from(5);
    if d >= 0 {
        Decimal::from_i128_with_scale(5, (d + 1) as u32)
    } else {
        five * Decimal::from_i128_with_scale(10i128.pow((-d - 1) as u32), 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn p(t: &str) -> (String, i32) {
        let n = parse_reported(t).unwrap();
        (n.value.to_string(), n.decimals)
    }

    #[test]
    fn reported_forms() {
        assert_eq!(p("1,397.96"), ("1397.96".into(), 2));
        assert_eq!(p("3,121"), ("3121".into(), 0));
        assert_eq!(p("20%"), ("0.20".into(), 2));
        assert_eq!(p("99.2%"), ("0.992".into(), 3));
        assert_eq!(p("162.1 billion"), ("162100000000".into(), -8));
        assert_eq!(p("3.752 million"), ("3752000".into(), -3));
        assert_eq!(p("216 thousand"), ("216000".into(), -3));
        assert_eq!(p("0.00"), ("0.00".into(), 2));
        assert_eq!(p("0"), ("0".into(), 0));
        assert_eq!(p("-14.5"), ("-14.5".into(), 1));
        assert_eq!(p(".5"), ("0.5".into(), 1));
    }

    #[test]
    fn rejects_garbage() {
        for bad in ["", "abc", "1.2.3", "12,34", "1e5", "NaN", "1.", "--1", "1 000", "١٢", "0x10", ",123"] {
            assert!(parse_reported(bad).is_err(), "{bad:?} should be rejected");
        }
        assert_eq!(parse_reported("1".repeat(40).as_str()), Err(NumberError::TooLarge));
        assert!(parse_reported("999999999 trillion trillion").is_err());
    }

    #[test]
    fn intervals() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(interval(d("1620.95"), Some(2)), (d("1620.945"), d("1620.955")));
        assert_eq!(interval(d("1558"), Some(0)), (d("1557.5"), d("1558.5")));
        assert_eq!(interval(d("162100000000"), Some(-8)), (d("162050000000"), d("162150000000")));
        assert_eq!(interval(d("7"), None), (d("7"), d("7")));
    }
}
