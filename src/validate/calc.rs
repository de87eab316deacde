//! XBRL Calculations 1.1 (round-to-nearest): a total must agree with the sum of its items
//! within the rounding that each figure's `decimals` allows.

use super::{ContextKey, FactIndex, describe, fact_location};
use crate::diag::{Diagnostic, Severity};
use crate::report::{Fact, FactValue, QName};
use crate::taxonomy::Taxonomy;
use crate::value::interval;
use rust_decimal::Decimal;

/// The value interval of a set of duplicate facts, or None when they disagree (Calculations 1.1
/// does not bind inconsistent duplicates).
fn bound(facts: &[&Fact]) -> Option<(Decimal, Decimal)> {
    let mut out: Option<(Decimal, Decimal)> = None;
    for f in facts {
        let FactValue::Number(v) = f.value else {
            continue;
        };
        let (lo, hi) = interval(v, f.decimals);
        out = Some(match out {
            None => (lo, hi),
            Some((a, b)) => {
                let (a, b) = (a.max(lo), b.min(hi));
                if a > b {
                    return None;
                }
                (a, b)
            }
        });
    }
    out
}

pub fn check(index: &FactIndex, tax: &Taxonomy) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut totals: Vec<_> = index.by_aspects.iter().collect();
    totals.sort_by_key(|(_, fs)| &fs[0].id);
    for ((concept, ctx), total_facts) in totals {
        let Some(def) = tax
            .concept(&concept.local)
            .filter(|c| !c.def.summation.is_empty())
        else {
            continue;
        };
        let Some((tlo, thi)) = bound(total_facts) else {
            continue;
        };
        let mut lo = Decimal::ZERO;
        let mut hi = Decimal::ZERO;
        let mut items = Vec::new();
        let mut unbound = false;
        for s in &def.def.summation {
            let Some(item) = tax.concept(&s.concept) else {
                continue;
            };
            let q = QName::new(
                tax.layer_prefix(item.layer),
                tax.layer_namespace(item.layer),
                item.name(),
            );
            let key = ContextKey {
                period: ctx.period,
                unit: ctx.unit,
                dimensions: ctx.dimensions,
            };
            let Some(fs) = index.by_aspects.get(&(&q, key)) else {
                continue;
            };
            let Some((a, b)) = bound(fs) else {
                unbound = true;
                break;
            };
            let w = Decimal::from(s.weight);
            let (a, b) = if s.weight >= 0 {
                (a * w, b * w)
            } else {
                (b * w, a * w)
            };
            lo += a;
            hi += b;
            items.push(fs[0]);
        }
        if unbound || items.is_empty() {
            continue;
        }
        if thi < lo || tlo > hi {
            let total = total_facts[0];
            let parts: Vec<String> = items.iter().map(|f| describe(f)).collect();
            out.push(
                Diagnostic::new(
                    "W0301",
                    Severity::Warning,
                    fact_location(total),
                    format!("{} does not add up: total {} but the items give {}..{} ({})", concept, describe(total), lo, hi, parts.join(" + ")),
                )
                .with_hint("XBRL processors report this as a calculation inconsistency; check the figures against the report")
                .with_facts(std::iter::once(total.id.clone()).chain(items.iter().map(|f| f.id.clone()))),
            );
        }
    }
    out
}
