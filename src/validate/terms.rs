//! Findings in the report's own terms: period names (`FY2023`) rather than ISO intervals,
//! percentages as percentages (`91.6%`), figures as the report printed them (`1,383.61`), and
//! computed values rounded to the precision of the figures they are compared with.

use super::Interval;
use crate::report::{Fact, FactValue, Period};
use crate::taxonomy::Taxonomy;
use crate::taxonomy::source::DataType;
use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::{BTreeMap, HashMap};

/// How a report names things, for messages about its facts.
#[derive(Clone)]
pub struct Terms<'a> {
    tax: &'a Taxonomy,
    /// Period -> name: the dataset's own names, and for a filing (which has none) a
    /// twelve-month period is named by the year it ends in.
    names: HashMap<Period, String>,
    /// End date -> name of the period that ends then, for point-in-time figures.
    ends: HashMap<NaiveDate, String>,
}

impl<'a> Terms<'a> {
    /// The terms of a report: the dataset's period names (or, without any, each twelve-month period
    /// named by the year it ends in) and the taxonomy's concepts.
    pub fn new(facts: &[Fact], names: &BTreeMap<Period, String>, tax: &'a Taxonomy) -> Self {
        let mut all: HashMap<Period, String> = names.iter().map(|(p, n)| (p.clone(), n.clone())).collect();
        if names.is_empty() {
            for f in facts {
                if let Period::Duration { start, end } = &f.period
                    && !all.contains_key(&f.period)
                    && start.checked_add_months(chrono::Months::new(12)).and_then(|d| d.pred_opt()) == Some(*end)
                {
                    all.insert(f.period.clone(), format!("FY{}", end.year()));
                }
            }
        }
        let mut ends = HashMap::new();
        // Sorted, so that the choice between two names for one end date is stable.
        let mut sorted: Vec<(&Period, &String)> = all.iter().collect();
        sorted.sort();
        for (p, n) in sorted {
            if let Period::Duration { end, .. } = p {
                ends.entry(*end).or_insert_with(|| n.clone());
            }
        }
        Terms { tax, names: all, ends }
    }

    /// `FY2023`, `end of FY2023`, or the dates where the report names no such period.
    pub fn period(&self, p: &Period) -> String {
        if let Some(n) = self.names.get(p) {
            return n.clone();
        }
        match p {
            Period::Instant(d) => match self.ends.get(d) {
                Some(n) => format!("end of {n}"),
                None => d.to_string(),
            },
            Period::Duration { start, end } => format!("{start} to {end}"),
        }
    }

    /// Is the figure a percentage (by its concept's type, or as the dataset printed it)?
    pub fn is_percent(&self, f: &Fact) -> bool {
        self.tax.concept(&f.concept.local).is_some_and(|c| c.def.data_type == DataType::Percent)
            || f.provenance.reported.as_deref().is_some_and(|r| r.trim_end().ends_with('%'))
    }

    /// The figure as the report printed it, or as XBRL states it for a fact read from a filing.
    pub fn figure(&self, f: &Fact) -> String {
        match &f.value {
            FactValue::Number(n) => match &f.provenance.reported {
                Some(r) => r.to_string(),
                None => number(*n, f.decimals, self.is_percent(f)),
            },
            FactValue::Text(t) => format!("\"{}\"", clip(t, 60)),
            FactValue::Nil => "nil".into(),
        }
    }

    /// A computed interval, rounded to the precision of `like` (the figure it is compared with):
    /// one value when both ends round alike, else both ends.
    pub fn range(&self, i: Interval, like: &Fact) -> String {
        range(i, like.decimals, self.is_percent(like))
    }

    /// A computed interval as one value: its midpoint, to one place more than `like` has, as
    /// "about 91.6%"; exact when both ends round alike at `like`'s precision.
    pub fn approx(&self, i: Interval, like: &Fact) -> String {
        approx(i, like.decimals, self.is_percent(like))
    }

    /// The breakdown of a fact, members without their `Member` suffix.
    pub fn breakdown(&self, f: &Fact) -> Vec<String> {
        f.dimensions.iter().map(|(_, m)| m.local.trim_end_matches("Member").to_string()).collect()
    }

    /// What a fact is, in a few words: concept, period and breakdown.
    pub fn what(&self, f: &Fact) -> String {
        let mut parts = self.breakdown(f);
        parts.push(self.period(&f.period));
        format!("{} ({})", f.concept.local, parts.join(", "))
    }

    /// A fact with its figure and where the report states it.
    pub fn describe(&self, f: &Fact) -> String {
        let p = &f.provenance;
        let place = match (&p.section, p.page, p.line) {
            (Some(s), _, Some(l)) => format!("{}, line {l}", clip(s, 80)),
            (Some(s), Some(pg), None) => format!("{}, page {pg}", clip(s, 80)),
            (Some(s), None, None) => clip(s, 80),
            (None, Some(pg), _) => format!("page {pg}"),
            (None, None, Some(l)) => format!("line {l}"),
            // A fact read from an XML filing has its source only in its footnote.
            (None, None, None) => p.note.as_deref().map(|n| clip(n, 120)).unwrap_or_else(|| p.document.to_string()),
        };
        if place.is_empty() {
            format!("{} = {}", self.what(f), self.figure(f))
        } else {
            format!("{} = {} [{}]", self.what(f), self.figure(f), place)
        }
    }
}

/// A number with thousands separators, to `decimals` places; a percentage as one.
pub fn number(v: Decimal, decimals: Option<i32>, percent: bool) -> String {
    let (v, decimals) = if percent { (v * Decimal::ONE_HUNDRED, decimals.map(|d| d - 2)) } else { (v, decimals) };
    let v = match decimals {
        Some(d) => v.round_dp_with_strategy(d.max(0) as u32, RoundingStrategy::MidpointAwayFromZero),
        None => v.normalize(),
    };
    let v = match decimals {
        Some(d) if d < 0 => {
            let unit = Decimal::from_i128_with_scale(10i128.pow((-d).min(27) as u32), 0);
            (v / unit).round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero) * unit
        }
        _ => v,
    };
    let text = v.to_string();
    let (sign, digits) = text.strip_prefix('-').map_or(("", text.as_str()), |t| ("-", t));
    let (int, frac) = digits.split_once('.').map_or((digits, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let mut out = format!("{sign}{grouped}");
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    if percent {
        out.push('%');
    }
    out
}

/// An interval at a precision: `20.07`, or `17% to 18%` when the ends differ there. Without a
/// precision, four significant digits.
pub fn range(i: Interval, decimals: Option<i32>, percent: bool) -> String {
    let decimals = decimals.or_else(|| {
        let m = i.0.abs().max(i.1.abs());
        if m.is_zero() {
            return Some(0);
        }
        let m = if percent { m * Decimal::ONE_HUNDRED } else { m };
        // Digits before the point, so that four significant ones are kept.
        let mut digits = 0i32;
        let mut x = m.trunc();
        while x >= Decimal::ONE {
            x /= Decimal::TEN;
            x = x.trunc();
            digits += 1;
        }
        let mut places = 4 - digits;
        if digits == 0 {
            let mut y = m;
            while y < Decimal::ONE && places < 20 {
                y *= Decimal::TEN;
                places += 1;
            }
            places -= 1;
        }
        Some(if percent { places.max(0) + 2 } else { places.max(0) })
    });
    let (a, b) = (number(i.0, decimals, percent), number(i.1, decimals, percent));
    if a == b { a } else { format!("{a} to {b}") }
}

/// An interval as one value: exact at `decimals` when both ends round alike, otherwise "about"
/// its midpoint with one more place.
pub fn approx(i: Interval, decimals: Option<i32>, percent: bool) -> String {
    let exact = range(i, decimals, percent);
    if !exact.contains(" to ") {
        return exact;
    }
    let mid = (i.0 + i.1) / Decimal::TWO;
    format!("about {}", range((mid, mid), decimals.map(|d| d + 1), percent))
}

/// At most `max` characters, cut at a word boundary, with an ellipsis when cut.
pub fn clip(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let at_word = match cut.rfind(char::is_whitespace) {
        Some(i) if i > max / 2 => &cut[..i],
        _ => &cut,
    };
    format!("{}…", at_word.trim_end_matches(|c: char| c.is_whitespace() || c == ',' || c == ';'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn numbers_as_readers_print_them() {
        assert_eq!(number(d("1383.61"), Some(2), false), "1,383.61");
        assert_eq!(number(d("0.916"), Some(3), true), "91.6%");
        assert_eq!(number(d("0.2"), Some(2), true), "20%");
        assert_eq!(number(d("162100000000"), Some(-8), false), "162,100,000,000");
        assert_eq!(number(d("-1234567.5"), Some(0), false), "-1,234,568");
    }

    #[test]
    fn ranges_at_the_figures_precision() {
        assert_eq!(range((d("20.0652"), d("20.0719")), Some(2), false), "20.07");
        assert_eq!(range((d("0.1718"), d("0.1818")), Some(2), true), "17% to 18%");
        assert_eq!(range((d("0.9109"), d("0.9209")), Some(3), true), "91.1% to 92.1%");
        assert_eq!(range((d("14.155"), d("14.165")), None, false), "14.16 to 14.17");
        assert_eq!(range((d("1253.945"), d("1253.955")), None, false), "1,254");
        assert_eq!(approx((d("0.9109"), d("0.9209")), Some(3), true), "about 91.59%");
        assert_eq!(approx((d("0.9109"), d("0.9209")), Some(2), true), "about 91.6%");
        assert_eq!(approx((d("20.0652"), d("20.0719")), Some(2), false), "20.07");
    }

    #[test]
    fn clips_at_words() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("the quick brown fox jumps over the lazy dog", 20), "the quick brown fox…");
        assert!(!clip("The Group's environmental, social and governance policies", 30).contains("gov…"));
    }
}
