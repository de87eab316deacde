//! Property tests for the exact-decimal arithmetic: reported numbers parse to exactly what they
//! print, and Calculations 1.1 round-to-nearest accepts every honestly rounded total.

use esgx::value::{interval, parse_reported};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Print a number the way a report does: thousands separators, a fixed number of decimals.
fn print_grouped(int: u64, frac: u32, frac_digits: u32) -> String {
    let digits = int.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if frac_digits == 0 {
        grouped
    } else {
        format!("{grouped}.{:0width$}", frac % 10u32.pow(frac_digits), width = frac_digits as usize)
    }
}

proptest! {
    #[test]
    fn printed_numbers_parse_exactly(int in 0u64..10_000_000_000, frac in 0u32..1_000_000, fd in 0u32..6) {
        let text = print_grouped(int, frac, fd);
        let n = parse_reported(&text).unwrap();
        let expected: Decimal = text.replace(',', "").parse().unwrap();
        prop_assert_eq!(n.value, expected);
        prop_assert_eq!(n.decimals, fd as i32);
        prop_assert_eq!(n.value.to_string(), text.replace(',', ""));
    }

    #[test]
    fn percentages_are_fractions_with_two_more_decimals(int in 0u64..1000, frac in 0u32..100, fd in 0u32..3) {
        let text = format!("{}%", print_grouped(int, frac, fd));
        let n = parse_reported(&text).unwrap();
        let as_number: Decimal = text.trim_end_matches('%').replace(',', "").parse().unwrap();
        prop_assert_eq!(n.value * Decimal::from(100), as_number);
        prop_assert_eq!(n.decimals, fd as i32 + 2);
        prop_assert!(n.percent);
    }

    #[test]
    fn scale_words_shift_value_and_decimals(int in 0u64..100_000, frac in 0u32..1000, fd in 0u32..4, scale in 0usize..3) {
        let (word, exp) = [("thousand", 3), ("million", 6), ("billion", 9)][scale];
        let text = format!("{} {word}", print_grouped(int, frac, fd));
        let n = parse_reported(&text).unwrap();
        let base: Decimal = print_grouped(int, frac, fd).replace(',', "").parse().unwrap();
        prop_assert_eq!(n.value, base * Decimal::from(10i64.pow(exp)));
        prop_assert_eq!(n.decimals, fd as i32 - exp as i32);
    }

    /// Parts each rounded to their printed precision, and a total rounded from the exact sum:
    /// the intervals always meet, so an honest report never fails the calculation check.
    #[test]
    fn honestly_rounded_totals_are_consistent(parts in proptest::collection::vec((0i64..10_000_000, 0u32..4), 1..6), total_dp in 0u32..4) {
        let exact: Vec<Decimal> = parts.iter().map(|(m, _)| Decimal::new(*m, 3)).collect();
        let sum: Decimal = exact.iter().sum();
        let (mut lo, mut hi) = (Decimal::ZERO, Decimal::ZERO);
        for (x, (_, dp)) in exact.iter().zip(&parts) {
            let shown = x.round_dp(*dp);
            let (a, b) = interval(shown, Some(*dp as i32));
            lo += a;
            hi += b;
        }
        let (tlo, thi) = interval(sum.round_dp(total_dp), Some(total_dp as i32));
        prop_assert!(tlo <= hi && thi >= lo, "sum {sum} total [{tlo}, {thi}] items [{lo}, {hi}]");
    }

    /// A total off by more than the rounding allows is caught.
    #[test]
    fn totals_off_by_more_than_rounding_are_inconsistent(a in 0i64..1_000_000, b in 0i64..1_000_000, off in 2i64..1000) {
        let (x, y) = (Decimal::new(a, 2), Decimal::new(b, 2));
        let wrong = x + y + Decimal::new(off, 2);
        let (lo1, hi1) = interval(x, Some(2));
        let (lo2, hi2) = interval(y, Some(2));
        let (tlo, thi) = interval(wrong, Some(2));
        prop_assert!(!(tlo <= hi1 + hi2 && thi >= lo1 + lo2));
    }

    #[test]
    fn parsing_never_panics(s in "\\PC{0,40}") {
        let _ = parse_reported(&s);
    }
}
