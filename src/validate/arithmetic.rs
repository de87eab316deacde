//! ESG arithmetic beyond calculation links: breakdowns that must add up to their total,
//! intensities that must equal total ÷ denominator, rates and averages that must agree with the
//! parts they summarize, shares that must agree with the counts they describe, and stated
//! year-on-year changes that must agree with the figures.

use super::{Dims, FactIndex, Interval, describe, divide, fact_location, overlaps, prior, show};
use crate::diag::{Diagnostic, Severity};
use crate::report::{Fact, FactValue, Period};
use crate::taxonomy::source::{ChangeDirection, ChangeMeasure, PeriodType};
use crate::taxonomy::{Axis, Concept, Taxonomy};
use crate::value::interval;
use rust_decimal::Decimal;
use std::collections::HashSet;

pub fn check(index: &FactIndex, tax: &Taxonomy) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    out.extend(breakdowns(index, tax));
    for &f in &index.facts {
        let Some(c) = tax.concept(&f.concept.local) else {
            continue;
        };
        let FactValue::Number(v) = f.value else {
            continue;
        };
        let mine = interval(v, f.decimals);
        if let Some(d) = intensity(index, tax, c, f, mine) {
            out.push(d);
        }
        if let Some(d) = share(index, tax, c, f, mine) {
            out.push(d);
        }
        if let Some(d) = change(index, tax, c, f, mine) {
            out.push(d);
        }
    }
    out
}

/// The period at which `concept` is reported for a fact over `p`: its end date for a
/// point-in-time concept.
fn period_for(tax: &Taxonomy, concept: &str, p: &Period) -> Option<Period> {
    let c = tax.concept(concept)?;
    Some(match (c.def.period_type, p) {
        (PeriodType::Instant, Period::Duration { end, .. }) => Period::Instant(*end),
        (PeriodType::Duration, Period::Instant(_)) => return None,
        _ => p.clone(),
    })
}

/// A concept's value in a context: reported, or computed from its intensity definition.
pub fn derived(
    index: &FactIndex,
    tax: &Taxonomy,
    concept: &str,
    p: &Period,
    dims: &[(&str, &str)],
) -> Option<Interval> {
    if let Some(v) = index.value(concept, p, dims) {
        return Some(v);
    }
    let c = tax.concept(concept)?;
    let int = c.def.intensity.as_ref()?;
    let n = index.value(&int.numerator, &period_for(tax, &int.numerator, p)?, dims)?;
    let d = index.value(&int.denominator, &period_for(tax, &int.denominator, p)?, dims)?;
    divide(n, d)
}

fn intensity(index: &FactIndex, tax: &Taxonomy, c: &Concept, f: &Fact, mine: Interval) -> Option<Diagnostic> {
    let int = c.def.intensity.as_ref()?;
    let dims = index.primary_dims(f);
    let np = period_for(tax, &int.numerator, &f.period)?;
    let dp = period_for(tax, &int.denominator, &f.period)?;
    let nf = index.get(&int.numerator, &np, &dims);
    let df = index.get(&int.denominator, &dp, &dims);
    let computed = divide(super::bound(&nf)?, super::bound(&df)?)?;
    if overlaps(computed, mine) {
        return None;
    }
    Some(
        Diagnostic::new(
            "W0302",
            Severity::Warning,
            fact_location(f),
            format!(
                "{} does not equal {} ÷ {}: reported {} but {} ÷ {} = {}",
                c.name(),
                int.numerator,
                int.denominator,
                describe(f),
                describe(nf[0]),
                describe(df[0]),
                show(computed)
            ),
        )
        .with_hint("check the intensity against its numerator and denominator in the report")
        .with_facts([f.id.clone(), nf[0].id.clone(), df[0].id.clone()]),
    )
}

fn share(index: &FactIndex, tax: &Taxonomy, c: &Concept, f: &Fact, mine: Interval) -> Option<Diagnostic> {
    let of = c.def.share_of.as_ref()?;
    let dims = index.primary_dims(f);
    if dims.is_empty() {
        return None;
    }
    let p = period_for(tax, of, &f.period)?;
    let part = index.get(of, &p, &dims);
    let whole = index.get(of, &p, &[]);
    let computed = divide(super::bound(&part)?, super::bound(&whole)?)?;
    if overlaps(computed, mine) {
        return None;
    }
    Some(
        Diagnostic::new(
            "W0306",
            Severity::Warning,
            fact_location(f),
            format!(
                "{} does not agree with the counts: reported {} but {} ÷ {} = {}",
                c.name(),
                describe(f),
                describe(part[0]),
                describe(whole[0]),
                show(computed)
            ),
        )
        .with_facts([f.id.clone(), part[0].id.clone(), whole[0].id.clone()]),
    )
}

fn change(index: &FactIndex, tax: &Taxonomy, c: &Concept, f: &Fact, mine: Interval) -> Option<Diagnostic> {
    let ch = c.def.change_of.as_ref()?;
    let dims = index.primary_dims(f);
    let cur_p = period_for(tax, &ch.concept, &f.period)?;
    let prev_p = prior(&cur_p)?;
    let cur = derived(index, tax, &ch.concept, &cur_p, &dims)?;
    let prev = derived(index, tax, &ch.concept, &prev_p, &dims)?;
    let computed = match (ch.measure, ch.direction) {
        (ChangeMeasure::Absolute, ChangeDirection::Decrease) => (prev.0 - cur.1, prev.1 - cur.0),
        (ChangeMeasure::Absolute, ChangeDirection::Increase) => (cur.0 - prev.1, cur.1 - prev.0),
        (ChangeMeasure::Relative, dir) => {
            let ratio = divide(cur, prev)?;
            match dir {
                ChangeDirection::Decrease => (Decimal::ONE - ratio.1, Decimal::ONE - ratio.0),
                ChangeDirection::Increase => (ratio.0 - Decimal::ONE, ratio.1 - Decimal::ONE),
            }
        }
    };
    if overlaps(computed, mine) {
        return None;
    }
    let word = match (ch.measure, ch.direction) {
        (ChangeMeasure::Relative, ChangeDirection::Decrease) => "relative decrease",
        (ChangeMeasure::Relative, ChangeDirection::Increase) => "relative increase",
        (ChangeMeasure::Absolute, ChangeDirection::Decrease) => "decrease",
        (ChangeMeasure::Absolute, ChangeDirection::Increase) => "increase",
    };
    Some(
        Diagnostic::new(
            "W0307",
            Severity::Warning,
            fact_location(f),
            format!(
                "{} states a {word} of {} of {}, but the figures give {} ({} → {}, {} → {})",
                c.name(),
                describe(f),
                ch.concept,
                show(computed),
                prev_p,
                show(prev),
                cur_p,
                show(cur)
            ),
        )
        .with_hint("the stated change may be of another figure (e.g. the total rather than the intensity)")
        .with_facts([f.id.clone()]),
    )
}

/// Members whose parent is `parent` (the domain when `parent` is 0).
fn children(axis: &Axis, parent: usize) -> Vec<usize> {
    let pname = &axis.members[parent].def.name;
    (1..axis.members.len())
        .filter(|&i| match &axis.members[i].def.parent {
            None => parent == 0,
            Some(p) => p == pname,
        })
        .collect()
}

fn with_member<'a>(rest: &Dims<'a>, axis: &'a str, member: Option<&'a str>) -> Dims<'a> {
    let mut d = rest.clone();
    if let Some(m) = member {
        d.push((axis, m));
        d.sort();
    }
    d
}

/// Breakdowns: parts of an additive figure add up to the whole (for a partition axis with every
/// part reported) or at least do not exceed it; rates and averages lie between their parts and
/// equal their weighted mean; different breakdowns of one rate imply the same whole.
fn breakdowns(index: &FactIndex, tax: &Taxonomy) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut implied_by_axis: Vec<((String, Period, Dims), String, Interval, Vec<String>)> = Vec::new();
    for &f in &index.facts {
        if !index.is_primary(f) {
            continue;
        }
        let Some(c) = tax.concept(&f.concept.local) else {
            continue;
        };
        if !c.is_numeric() {
            continue;
        }
        for (axis_name, member) in index.primary_dims(f) {
            let Some(axis_i) = tax.axis(axis_name) else {
                continue;
            };
            let axis = &tax.axes[axis_i];
            let Some(mi) = axis.member(member) else {
                continue;
            };
            let parent = axis.members[mi].def.parent.as_deref().and_then(|p| axis.member(p)).unwrap_or(0);
            let rest: Dims = index.primary_dims(f).into_iter().filter(|(a, _)| *a != axis_name).collect();
            let key = (&*f.concept.local, &f.period, rest.clone(), axis_name, parent);
            if !seen.insert(key) {
                continue;
            }
            let parent_member = (parent != 0).then(|| axis.members[parent].def.name.as_str());
            let total_dims = with_member(&rest, axis_name, parent_member);
            let total_facts = index.get(&f.concept.local, &f.period, &total_dims);
            let total = super::bound(&total_facts);
            let kids = children(axis, parent);
            let mut parts: Vec<(&str, Option<Interval>, Vec<&Fact>)> = Vec::new();
            for k in &kids {
                let name = axis.members[*k].def.name.as_str();
                let fs = index.get(&f.concept.local, &f.period, &with_member(&rest, axis_name, Some(name)));
                parts.push((name, super::bound(&fs), fs));
            }
            let reported: Vec<&(&str, Option<Interval>, Vec<&Fact>)> = parts.iter().filter(|p| p.1.is_some()).collect();
            let complete = parent == 0 && axis.def.partition && reported.len() == kids.len();
            let ids = || {
                total_facts
                    .iter()
                    .chain(reported.iter().flat_map(|p| p.2.iter()))
                    .map(|x| x.id.clone())
                    .collect::<Vec<_>>()
            };
            let shown = || reported.iter().map(|p| describe(p.2[0])).collect::<Vec<_>>().join(" + ");
            if c.additive() {
                let Some(t) = total else { continue };
                let (lo, hi) = reported.iter().fold((Decimal::ZERO, Decimal::ZERO), |acc, p| {
                    let i = p.1.expect("filtered");
                    (acc.0 + i.0, acc.1 + i.1)
                });
                let bad = if complete { !overlaps((lo, hi), t) } else { lo > t.1 };
                if bad && !reported.is_empty() {
                    let how = if complete { "add up to" } else { "fit within" };
                    out.push(
                        Diagnostic::new(
                            "W0308",
                            Severity::Warning,
                            fact_location(reported[0].2[0]),
                            format!(
                                "the {} breakdown of {} does not {how} its total: {} = {} but the total is {}",
                                axis.name(),
                                c.name(),
                                shown(),
                                show((lo, hi)),
                                describe(total_facts[0])
                            ),
                        )
                        .with_facts(ids()),
                    );
                }
                continue;
            }
            if let Some(weight) = &c.def.weighted_by {
                if parent != 0 || !axis.def.partition || reported.is_empty() {
                    continue;
                }
                let wp = period_for(tax, weight, &f.period);
                let weight_of = |dims: &[(&str, &str)]| -> Option<Decimal> {
                    let w = index.get(weight, wp.as_ref()?, dims).first().copied()?;
                    if let FactValue::Number(n) = w.value { Some(n) } else { None }
                };
                // Parts with no people behind them (a zero weight) carry no rate; a member with
                // neither a rate nor a headcount is fine if the reported headcounts make up the whole.
                let mut sum_w = Decimal::ZERO;
                let (mut lo, mut hi) = (Decimal::ZERO, Decimal::ZERO);
                let mut all_weighted = true;
                let mut unreported = false;
                let mut known_weights = Decimal::ZERO;
                for (name, part, _) in &parts {
                    let w = weight_of(&with_member(&rest, axis_name, Some(name)));
                    match (w, part) {
                        (Some(w), Some(i)) => {
                            sum_w += w;
                            known_weights += w;
                            lo += w * i.0;
                            hi += w * i.1;
                        }
                        (Some(w), None) if w.is_zero() => {}
                        (None, None) => unreported = true,
                        _ => all_weighted = false,
                    }
                }
                if unreported && all_weighted {
                    let whole = wp.as_ref().and_then(|wp| index.value(weight, wp, &rest));
                    all_weighted = whole.is_some_and(|w| w.0 <= known_weights && known_weights <= w.1);
                }
                if all_weighted && !sum_w.is_zero() {
                    let implied = (lo / sum_w, hi / sum_w);
                    match total {
                        Some(t) if !overlaps(implied, t) => out.push(
                            Diagnostic::new(
                                "W0303",
                                Severity::Warning,
                                fact_location(total_facts[0]),
                                format!(
                                    "{} is not the mean of its {} breakdown weighted by {}: {} but the parts ({}) give {}",
                                    c.name(),
                                    axis.name(),
                                    weight,
                                    describe(total_facts[0]),
                                    shown(),
                                    show(implied)
                                ),
                            )
                            .with_hint(format!("the parts are weighted by {weight} at the same date; a different base (e.g. average headcount) can explain a small gap"))
                            .with_facts(ids()),
                        ),
                        Some(_) => {}
                        None => implied_by_axis.push((
                            (c.name().to_string(), f.period.clone(), rest.clone()),
                            axis.name().to_string(),
                            implied,
                            ids(),
                        )),
                    }
                    continue;
                }
                if let Some(t) = total
                    && complete
                {
                    let lo = reported.iter().map(|p| p.1.expect("filtered").0).min().expect("non-empty");
                    let hi = reported.iter().map(|p| p.1.expect("filtered").1).max().expect("non-empty");
                    if !overlaps((lo, hi), t) {
                        out.push(
                            Diagnostic::new(
                                "W0304",
                                Severity::Warning,
                                fact_location(total_facts[0]),
                                format!(
                                    "{} lies outside the range of its {} breakdown: {} but the parts are {}",
                                    c.name(),
                                    axis.name(),
                                    describe(total_facts[0]),
                                    shown()
                                ),
                            )
                            .with_facts(ids()),
                        );
                    }
                }
            }
        }
    }
    // Breakdowns of one rate by different axes, without a reported total, must imply the same one.
    // Compared within groups of the same key (one per axis), so the work stays linear.
    let mut same_key: std::collections::HashMap<&(String, Period, Dims), Vec<usize>> = Default::default();
    for (i, (key, ..)) in implied_by_axis.iter().enumerate() {
        same_key.entry(key).or_default().push(i);
    }
    let by_id: std::collections::HashMap<&str, &Fact> = index.facts.iter().map(|f| (f.id.as_str(), *f)).collect();
    let mut groups: Vec<&Vec<usize>> = same_key.values().filter(|g| g.len() > 1).collect();
    groups.sort();
    for g in groups {
        for (n, &i) in g.iter().enumerate() {
            let (key, axis, implied, ids) = &implied_by_axis[i];
            for &j in &g[n + 1..] {
                let (_, axis2, implied2, ids2) = &implied_by_axis[j];
                if overlaps(*implied, *implied2) {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        "W0305",
                        Severity::Warning,
                        fact_location(by_id.get(ids[0].as_str()).expect("fact exists")),
                        format!(
                            "{} for {}: the {axis} breakdown implies {} overall but the {axis2} breakdown implies {}",
                            key.0,
                            key.1,
                            show(*implied),
                            show(*implied2)
                        ),
                    )
                    .with_hint(
                        "both breakdowns describe the same people; at least one of them is wrong or uses another base",
                    )
                    .with_facts(ids.iter().chain(ids2.iter()).cloned()),
                );
            }
        }
    }
    out
}
