//! Plausibility: figures that are possible but suspicious. Negative quantities, percentages
//! outside 0-100%, large year-on-year swings, and figures moving against what drives them.

use super::arithmetic::{behind, derived, level};
use super::{FactIndex, Interval, Options, bound, fact_location, overlaps, prior};
use crate::diag::Code;
use crate::diag::{Diagnostic, Severity};
use crate::report::FactValue;
use crate::taxonomy::Taxonomy;
use crate::taxonomy::source::DataType;
use foldhash::{HashSet, HashSetExt};
use rust_decimal::Decimal;

/// Possible but suspicious figures: negative quantities, percentages outside 0-100%, year-on-year
/// changes above `opts.yoy_threshold`, figures moving against what drives them.
pub fn check(index: &FactIndex, tax: &Taxonomy, opts: &Options) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for &f in &index.facts {
        let Some(c) = tax.concept(&f.concept.local) else {
            continue;
        };
        let FactValue::Number(v) = f.value else {
            continue;
        };
        let is_change = c.def.change_of.is_some();
        let quantity = matches!(
            c.def.data_type,
            DataType::Integer
                | DataType::GhgEmissions
                | DataType::Energy
                | DataType::Mass
                | DataType::Volume
                | DataType::Percent
        ) || c.def.intensity.is_some();
        if quantity && !is_change && v.is_sign_negative() && !v.is_zero() {
            out.push(
                Diagnostic::new(Code::W0501, Severity::Warning, fact_location(f), format!("{} is negative: {}", c.name(), index.terms.describe(f)))
                    .with_hint("quantities, counts and percentages of this kind cannot be below zero; a reduction is reported as a separate figure")
                    .with_facts([f.id.clone()]),
            );
        }
        if c.def.data_type == DataType::Percent
            && !is_change
            && (v > Decimal::ONE || v.is_sign_negative() && !v.is_zero())
        {
            out.push(
                Diagnostic::new(
                    Code::W0502,
                    Severity::Warning,
                    fact_location(f),
                    format!("{} is a percentage outside 0-100%: {}", c.name(), index.terms.describe(f)),
                )
                .with_hint("percentages are stored as fractions: write \"20%\" (or 0.20), not 20")
                .with_facts([f.id.clone()]),
            );
        }
        // Year on year, once per concept and breakdown.
        if !index.is_primary(f) || c.def.data_type == DataType::Percent || is_change {
            continue;
        }
        let dims = index.primary_dims(f);
        let Some(prev_p) = prior(&f.period) else {
            continue;
        };
        // Once per concept, period and breakdown: at its first figure (the facts found are in
        // report order), so that no set of every breakdown seen is kept.
        let here = index.get(&f.concept.local, &f.period, &dims);
        if here.iter().find(|x| matches!(x.value, FactValue::Number(_))).is_none_or(|x| !std::ptr::eq(*x, f)) {
            continue;
        }
        let (Some(cur), Some(prev)) = (bound(&here), index.value(&f.concept.local, &prev_p, &dims)) else {
            continue;
        };
        if let Some(d) = yoy(index, c.name(), f, &prev_p, cur, prev, opts) {
            out.push(d);
        }
        if !c.def.moves_with.is_empty() && dims.is_empty() {
            let sum = |p: &crate::report::Period| -> Option<(Interval, Vec<&str>)> {
                let mut acc = (Decimal::ZERO, Decimal::ZERO);
                let mut used = Vec::new();
                for m in &c.def.moves_with {
                    if let (Some(a), Some(_)) = (derived(index, tax, m, p, &[]), derived(index, tax, m, &prev_p, &[])) {
                        acc = (acc.0 + a.0, acc.1 + a.1);
                        used.push(m.as_str());
                    }
                }
                (!used.is_empty()).then_some((acc, used))
            };
            let (Some((dc, used)), Some((dp, _))) = (sum(&f.period), sum(&prev_p)) else {
                continue;
            };
            let dir = |a: Interval, b: Interval| {
                if overlaps(a, b) {
                    0
                } else if a.0 > b.1 {
                    1
                } else {
                    -1
                }
            };
            let (own, driver) = (dir(cur, prev), dir(dc, dp));
            if own * driver < 0 {
                let t = &index.terms;
                let mut facts: Vec<&crate::report::Fact> = Vec::new();
                for p in [&prev_p, &f.period] {
                    facts.extend(behind(index, tax, &f.concept.local, p, &[]));
                }
                let mut drivers = Vec::new();
                for m in &used {
                    let (before, after) = (behind(index, tax, m, &prev_p, &[]), behind(index, tax, m, &f.period, &[]));
                    let (vp, vc) = (derived(index, tax, m, &prev_p, &[]), derived(index, tax, m, &f.period, &[]));
                    if let (Some(vp), Some(vc)) = (vp, vc) {
                        let name = if used.len() > 1 { format!("{m} ") } else { String::new() };
                        drivers.push(format!(
                            "{name}{} → {}",
                            level(index, m, vp, &before),
                            level(index, m, vc, &after)
                        ));
                    }
                    facts.extend(before);
                    facts.extend(after);
                }
                let mut seen = HashSet::new();
                facts.retain(|x| seen.insert(&x.id));
                let own_before = behind(index, tax, &f.concept.local, &prev_p, &[]);
                let own_after = behind(index, tax, &f.concept.local, &f.period, &[]);
                let pct = |a: Interval, b: Interval| {
                    let m = |i: Interval| (i.0 + i.1) / Decimal::TWO;
                    if m(b).is_zero() {
                        "n/a".to_string()
                    } else {
                        format!("{:+}%", ((m(a) - m(b)) / m(b) * Decimal::ONE_HUNDRED).round_dp(1))
                    }
                };
                out.push(
                    Diagnostic::new(
                        Code::W0504,
                        Severity::Warning,
                        fact_location(f),
                        format!(
                            "{} and what drives it move in opposite directions from {} to {}: {} {} ({} → {}) while {} {} ({})",
                            c.name(),
                            t.period(&prev_p),
                            t.period(&f.period),
                            c.name(),
                            pct(cur, prev),
                            level(index, c.name(), prev, &own_before),
                            level(index, c.name(), cur, &own_after),
                            used.join(" + "),
                            pct(dc, dp),
                            drivers.join("; ")
                        ),
                    )
                    .with_hint("a change of emission factor or of boundary can explain it; the report should say so")
                    .with_facts(facts.iter().map(|x| x.id.clone())),
                );
            }
        }
    }
    out
}

fn yoy(
    index: &FactIndex,
    name: &str,
    f: &crate::report::Fact,
    prev_p: &crate::report::Period,
    cur: Interval,
    prev: Interval,
    opts: &Options,
) -> Option<Diagnostic> {
    let mid = |i: Interval| (i.0 + i.1) / Decimal::TWO;
    let (c, p) = (mid(cur), mid(prev));
    if p.is_zero() || overlaps(cur, prev) {
        return None;
    }
    let change = (c - p) / p.abs();
    if change.abs() <= opts.yoy_threshold {
        return None;
    }
    let prev_fact = index.get(&f.concept.local, prev_p, &index.primary_dims(f)).first().copied();
    Some(
        Diagnostic::new(
            Code::I0503,
            Severity::Info,
            fact_location(f),
            format!(
                "{name} changes by {:+}% from {} to {}: {} → {}",
                (change * Decimal::ONE_HUNDRED).round_dp(1),
                index.terms.period(prev_p),
                index.terms.period(&f.period),
                prev_fact.map_or_else(|| super::terms::range(prev, f.decimals, false), |p| index.terms.figure(p)),
                index.terms.describe(f)
            ),
        )
        .with_facts(std::iter::once(f.id.clone()).chain(prev_fact.map(|p| p.id.clone()))),
    )
}
