//! XBRL Calculations 1.1 (round-to-nearest): a total must agree with the sum of its items
//! within the rounding that each figure's `decimals` allows.

use super::{ContextKey, FactIndex, bound, fact_location};
use crate::diag::Code;
use crate::diag::{Diagnostic, Severity};
use crate::taxonomy::Taxonomy;
use rust_decimal::Decimal;

/// Totals that disagree with the sum of their items beyond rounding: an error in a `filing`, a
/// warning (a finding about the source report) in a dataset.
pub fn check(index: &FactIndex, tax: &Taxonomy, filing: bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for total_facts in index.groups() {
        let concept = &total_facts[0].concept;
        let Some(def) = tax.concept(&concept.local).filter(|c| !c.def.summation.is_empty()) else {
            continue;
        };
        let Some((tlo, thi)) = bound(total_facts) else {
            continue;
        };
        let (mut lo, mut hi) = (Decimal::ZERO, Decimal::ZERO);
        let mut items = Vec::new();
        let mut weights = Vec::new();
        let mut unbound = false;
        for s in &def.def.summation {
            let Some(item) = tax.concept(&s.concept) else {
                continue;
            };
            let q = &item.qname;
            let t = total_facts[0];
            let key = ContextKey { period: &t.period, unit: t.unit.as_deref(), dimensions: &t.dimensions };
            let Some(fs) = index.group(q, &key) else {
                continue;
            };
            let Some((a, b)) = bound(fs) else {
                unbound = true; // inconsistent duplicates: Calculations 1.1 does not bind
                break;
            };
            let w = Decimal::from(s.weight);
            let (a, b) = if s.weight >= 0 { (a * w, b * w) } else { (b * w, a * w) };
            lo += a;
            hi += b;
            items.push(fs[0]);
            weights.push(Decimal::from(s.weight));
        }
        if unbound || items.is_empty() {
            continue;
        }
        let exact = || -> Option<(Decimal, Decimal)> {
            // Counts are exact: whole people add up to the whole, whatever rounding allows.
            let total = super::exact_count(tax, total_facts[0])?;
            let mut sum = Decimal::ZERO;
            for (item, w) in items.iter().zip(&weights) {
                sum += super::exact_count(tax, item)? * w;
            }
            Some((total, sum))
        };
        if !(thi < lo || tlo > hi)
            && let Some((total, sum)) = exact()
            && total != sum
        {
            let t = &index.terms;
            let parts: Vec<String> = items.iter().map(|f| t.describe(f)).collect();
            out.push(
                Diagnostic::new(
                    Code::W0309,
                    Severity::Warning,
                    fact_location(total_facts[0]),
                    format!(
                        "{} does not add up exactly, as counts must: {}, but its items sum to {} ({})",
                        concept.local,
                        t.describe(total_facts[0]),
                        super::terms::number(sum, Some(0), false),
                        parts.join(" + ")
                    ),
                )
                .with_hint("whole numbers have no rounding to absorb a difference: an item or the total is wrong, or an item is missing")
                .with_facts(std::iter::once(total_facts[0].id.clone()).chain(items.iter().map(|f| f.id.clone()))),
            );
        }
        if thi < lo || tlo > hi {
            let total = total_facts[0];
            let t = &index.terms;
            let parts: Vec<String> = items.iter().map(|f| t.describe(f)).collect();
            out.push(
                Diagnostic::new(
                    if filing { Code::E0301 } else { Code::W0301 },
                    if filing { Severity::Error } else { Severity::Warning },
                    fact_location(total),
                    format!(
                        "{} does not add up: {}, but its items sum to {} ({})",
                        concept.local,
                        t.describe(total),
                        t.range((lo, hi), total),
                        parts.join(" + ")
                    ),
                )
                .with_hint(
                    "XBRL processors report this as a calculation inconsistency; check the figures against the report",
                )
                .with_facts(std::iter::once(total.id.clone()).chain(items.iter().map(|f| f.id.clone()))),
            );
        }
    }
    out
}
