//! ESG arithmetic beyond calculation links: breakdowns that must add up to their total,
//! intensities that must equal total ÷ denominator, rates and averages that must agree with the
//! parts they summarize, shares that must agree with the counts they describe, and stated
//! year-on-year changes that must agree with the figures.

use super::{Dims, FactIndex, Interval, divide, fact_location, overlaps, prior};
use crate::diag::Code;
use crate::diag::{Diagnostic, Severity};
use crate::report::{Fact, FactValue, Period, QName};
use crate::taxonomy::source::{ChangeDirection, ChangeMeasure, PeriodType};
use crate::taxonomy::{Axis, Concept, Taxonomy};
use crate::value::interval;
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use rust_decimal::Decimal;

/// Breakdowns, intensities, rates and averages, shares and stated changes that disagree with the
/// figures they are computed from.
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
        if let Some(d) = whole_members(index, tax, c, f, mine) {
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

/// The facts a value of `concept` comes from: its own, or those it is computed from by its
/// intensity definition (as [`derived`] computes it).
pub fn behind<'a>(
    index: &FactIndex<'a>,
    tax: &Taxonomy,
    concept: &str,
    p: &Period,
    dims: &[(&str, &str)],
) -> Vec<&'a Fact> {
    let own = index.get(concept, p, dims);
    if !own.is_empty() {
        return own;
    }
    let Some(int) = tax.concept(concept).and_then(|c| c.def.intensity.as_ref()) else {
        return Vec::new();
    };
    let (Some(np), Some(dp)) = (period_for(tax, &int.numerator, p), period_for(tax, &int.denominator, p)) else {
        return Vec::new();
    };
    index.get(&int.numerator, &np, dims).into_iter().chain(index.get(&int.denominator, &dp, dims)).collect()
}

/// A value of `concept` as a message shows it: the printed figure when one fact of it stands
/// behind the value, else the computed interval.
pub fn level(index: &FactIndex, concept: &str, i: Interval, facts: &[&Fact]) -> String {
    match facts.first() {
        Some(one) if facts.iter().all(|f| &*f.concept.local == concept) => index.terms.figure(one),
        _ => super::terms::approx(i, None, false),
    }
}

fn intensity(index: &FactIndex, tax: &Taxonomy, c: &Concept, f: &Fact, mine: Interval) -> Option<Diagnostic> {
    let int = c.def.intensity.as_ref()?;
    let dims = index.primary_dims(f);
    let np = period_for(tax, &int.numerator, &f.period)?;
    let dp = period_for(tax, &int.denominator, &f.period)?;
    let nf = index.get(&int.numerator, &np, &dims);
    let df = index.get(&int.denominator, &dp, &dims);
    // The numerator and denominator in the measures of the intensity's unit (kg per tonne of
    // product from a waste figure in tonnes).
    let (to_num, to_den) = match f.unit.as_ref() {
        Some(u) => (u.numerator.first(), u.denominator.first()),
        None => (None, None),
    };
    let scaled = |facts: &[&Fact], to: Option<&QName>| -> Option<Interval> {
        let i = super::bound(facts)?;
        let from = facts.first()?.unit.as_ref().and_then(|u| (u.numerator.len() == 1).then(|| &u.numerator[0]));
        let k = match (from, to) {
            (Some(a), Some(b)) => tax.measure_factor(a, b),
            _ => Decimal::ONE,
        };
        Some((i.0.checked_mul(k)?, i.1.checked_mul(k)?))
    };
    let computed = divide(scaled(&nf, to_num)?, scaled(&df, to_den)?)?;
    if overlaps(computed, mine) {
        return None;
    }
    let t = &index.terms;
    Some(
        Diagnostic::new(
            Code::W0302,
            Severity::Warning,
            fact_location(f),
            format!(
                "{} does not equal {} ÷ {}: reported {}, but {} ÷ {} = {}",
                c.name(),
                int.numerator,
                int.denominator,
                t.describe(f),
                t.describe(nf[0]),
                t.describe(df[0]),
                t.range(computed, f)
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
    let t = &index.terms;
    Some(
        Diagnostic::new(
            Code::W0306,
            Severity::Warning,
            fact_location(f),
            format!(
                "{} does not agree with the counts: reported {}, but {} ÷ {} = {}",
                c.name(),
                t.describe(f),
                t.describe(part[0]),
                t.describe(whole[0]),
                t.range(computed, f)
            ),
        )
        .with_facts([f.id.clone(), part[0].id.clone(), whole[0].id.clone()]),
    )
}

/// A percentage of a counted group must be some whole number of its members over the count:
/// 93% of 14 people is not possible (13 of 14 is 92.9%, 14 of 14 is 100%).
fn whole_members(index: &FactIndex, tax: &Taxonomy, c: &Concept, f: &Fact, mine: Interval) -> Option<Diagnostic> {
    let (count, dims) = match (&c.def.fraction_of, &c.def.share_of) {
        (Some(n), _) => (n, index.primary_dims(f)),
        // A share of a breakdown member in the whole: a whole number of the whole's members.
        (None, Some(n)) if !index.primary_dims(f).is_empty() => (n, Vec::new()),
        _ => return None,
    };
    let p = period_for(tax, count, &f.period)?;
    let counts = index.get(count, &p, &dims);
    let n = super::exact_count(tax, counts.first()?)?;
    if n <= Decimal::ZERO || counts.iter().any(|x| super::exact_count(tax, x) != Some(n)) {
        return None;
    }
    // Whole k with mine.0 <= k / n <= mine.1.
    let lo = (mine.0 * n).ceil().max(Decimal::ZERO);
    let hi = (mine.1 * n).floor().min(n);
    if lo <= hi {
        return None;
    }
    let t = &index.terms;
    let below = (mine.0 * n).floor().clamp(Decimal::ZERO, n);
    let above = (mine.1 * n).ceil().clamp(Decimal::ZERO, n);
    let share = |k: Decimal| {
        let d = f.decimals.map(|d| d + 1);
        format!("{k} of {n} ({})", super::terms::number(k / n, d, t.is_percent(f)))
    };
    let nearest: Vec<String> = if below == above { vec![share(below)] } else { vec![share(below), share(above)] };
    Some(
        Diagnostic::new(
            Code::W0310,
            Severity::Warning,
            fact_location(f),
            format!(
                "{} cannot be a share of whole members: {}, but no whole number of the {} gives {}; the nearest are {}",
                c.name(),
                t.describe(f),
                t.describe(counts[0]),
                t.figure(f),
                nearest.join(" and ")
            ),
        )
        .with_hint(format!("check the percentage and the count {count} of the same breakdown in the report"))
        .with_facts([f.id.clone(), counts[0].id.clone()]),
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
    let t = &index.terms;
    let (prev_facts, cur_facts) =
        (behind(index, tax, &ch.concept, &prev_p, &dims), behind(index, tax, &ch.concept, &cur_p, &dims));
    let level = |i: Interval, facts: &[&Fact]| level(index, &ch.concept, i, facts);
    Some(
        Diagnostic::new(
            Code::W0307,
            Severity::Warning,
            fact_location(f),
            format!(
                "{} states a {word} of {} in {} ({}), but the figures give {} ({} {} → {} {})",
                c.name(),
                t.figure(f),
                ch.concept,
                t.period(&f.period),
                t.approx(computed, f),
                t.period(&prev_p),
                level(prev, &prev_facts),
                t.period(&cur_p),
                level(cur, &cur_facts)
            ),
        )
        .with_hint("the stated change may be of another figure (e.g. the total rather than the intensity)")
        .with_facts(std::iter::once(f.id.clone()).chain(prev_facts.iter().chain(&cur_facts).map(|x| x.id.clone()))),
    )
}

fn with_member<'a>(rest: &Dims<'a>, axis: &'a str, member: Option<&'a str>) -> Dims<'a> {
    let mut d = rest.clone();
    if let Some(m) = member {
        d.push((axis, m));
        d.sort();
    }
    d
}

/// One breakdown of a figure: the parts under one parent member of an axis, with the total they
/// describe, everything else about the figure fixed.
struct Breakdown<'a> {
    concept: &'a Concept,
    axis: &'a Axis,
    /// The parent member (0: the axis's domain, the figure without this axis).
    parent: usize,
    period: &'a Period,
    /// The figure's other dimensions.
    rest: Dims<'a>,
    total_facts: Vec<&'a Fact>,
    total: Option<Interval>,
    /// Every child member's figure: reported, or added up from its own parts.
    parts: Vec<Part<'a>>,
}

/// One member's figure in a breakdown.
struct Part<'a> {
    name: &'a str,
    /// The interval of its figure, if reported or computed from its parts.
    value: Option<Interval>,
    /// Its fact, or the facts of the parts it was added up from.
    facts: Vec<&'a Fact>,
    /// Added up from its parts (the subtotal itself is not reported).
    rolled_up: bool,
    /// Only a lower bound: added up from parts that may not be all of it.
    lower_only: bool,
    /// The exact count, for a count reported to the unit (or added up from such counts).
    exact: Option<Decimal>,
}

/// Do the children of this member (the domain when 0) split it without overlap or remainder?
fn splits(axis: &Axis, member: usize) -> bool {
    if member == 0 { axis.def.partition } else { axis.members[member].def.partition }
}

impl<'a> Breakdown<'a> {
    fn reported(&self) -> impl Iterator<Item = &Part<'a>> {
        self.parts.iter().filter(|p| p.value.is_some())
    }

    /// Every part known exactly, of a member its children split: the parts make the whole.
    fn complete(&self) -> bool {
        splits(self.axis, self.parent) && self.parts.iter().all(|p| p.value.is_some() && !p.lower_only)
    }

    fn first_part(&self) -> Option<&'a Fact> {
        self.reported().next().map(|p| p.facts[0])
    }

    fn ids(&self) -> Vec<String> {
        self.total_facts.iter().chain(self.reported().flat_map(|p| p.facts.iter())).map(|x| x.id.clone()).collect()
    }

    fn shown(&self, index: &FactIndex) -> String {
        let t = &index.terms;
        self.reported()
            .map(|p| match (p.rolled_up, p.value) {
                (true, Some(v)) => {
                    let how = if p.lower_only { "at least " } else { "" };
                    format!("{} {how}{} (the sum of its parts)", p.name, t.range(v, p.facts[0]))
                }
                _ => t.describe(p.facts[0]),
            })
            .collect::<Vec<_>>()
            .join(" + ")
    }
}

/// A rate's whole as a breakdown implies it, kept to compare breakdowns by different axes.
struct Implied<'a> {
    axis: &'a str,
    whole: Interval,
    ids: Vec<String>,
    /// A part, to show the implied whole like it and to point the finding at.
    like: &'a Fact,
}

/// Breakdowns: parts of an additive figure add up to the whole (for a partition axis with every
/// part reported) or at least do not exceed it; rates and averages lie between their parts and
/// equal their weighted mean; different breakdowns of one rate imply the same whole.
fn breakdowns<'a>(index: &FactIndex<'a>, tax: &'a Taxonomy) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    // The breakdowns to check, each once, in the order of the first fact in them: found one fact
    // after the other (the set of those seen), then checked on every core (each looks up its
    // parts, out of the cache at 1M facts), their findings kept in that order.
    let mut seen = HashSet::new();
    let mut jobs: Vec<(&'a Concept, &'a Axis, usize, &'a Period, Dims<'a>)> = Vec::new();
    for &f in &index.facts {
        if !index.is_primary(f) {
            continue;
        }
        let Some(c) = tax.concept(&f.concept.local).filter(|c| c.is_numeric()) else {
            continue;
        };
        // A breakdown of a figure neither additive nor weighted has nothing to check.
        if !c.additive() && c.def.weighted_by.is_none() {
            continue;
        }
        for (axis_name, member) in index.primary_dims(f) {
            let Some(axis) = tax.axis(axis_name).map(|i| &tax.axes[i]) else {
                continue;
            };
            let Some(mi) = axis.member(member) else {
                continue;
            };
            let rest: Dims = index.primary_dims(f).into_iter().filter(|(a, _)| *a != axis_name).collect();
            let parent = parent_of(axis, mi);
            if c.additive() {
                // Every level above the member: a subtotal that is not reported is added up from
                // its parts, so the leaves are checked against the nearest reported total.
                let mut level = Some(parent);
                let mut steps = 0;
                while let Some(p) = level {
                    steps += 1;
                    if steps > axis.members.len() {
                        break; // a cycle of parents: the taxonomy check reports it
                    }
                    if seen.insert((&*f.concept.local, &f.period, rest.clone(), axis_name, p)) {
                        jobs.push((c, axis, p, &f.period, rest.clone()));
                    }
                    level = (p != 0).then(|| parent_of(axis, p));
                }
                continue;
            }
            if seen.insert((&*f.concept.local, &f.period, rest.clone(), axis_name, parent)) {
                jobs.push((c, axis, parent, &f.period, rest));
            }
        }
    }
    drop(seen);
    type Key<'a> = (&'a str, &'a Period, Dims<'a>);
    // A breakdown's finding, and the whole it implies (for its rate's other breakdowns).
    type Checked<'a> = (Option<Diagnostic>, Option<(Key<'a>, Implied<'a>)>);
    let checked: Vec<Checked> = jobs
        .into_par_iter()
        .map(|(c, axis, parent, period, rest)| {
            let b = breakdown(index, tax, c, axis, parent, period, rest);
            match &c.def.weighted_by {
                _ if c.additive() => (additive(index, tax, &b), None),
                Some(weight) => {
                    let (found, whole) = weighted(index, tax, &b, weight);
                    (found, whole.map(|w| ((c.name(), period, b.rest.clone()), w)))
                }
                None => (None, None),
            }
        })
        .collect();
    let mut out = Vec::new();
    // (concept, period, other dimensions) -> the wholes its breakdowns imply, in order found.
    let mut implied: HashMap<Key, Vec<Implied>> = HashMap::new();
    let mut order: Vec<Key> = Vec::new();
    for (found, whole) in checked {
        out.extend(found);
        if let Some((key, w)) = whole {
            let list = implied.entry(key.clone()).or_default();
            if list.is_empty() {
                order.push(key);
            }
            list.push(w);
        }
    }
    for key in &order {
        out.extend(across_axes(index, key.0, key.1, &implied[key]));
    }
    out
}

/// The parent member of a member (0: the domain).
fn parent_of(axis: &Axis, member: usize) -> usize {
    axis.members[member].def.parent.as_deref().and_then(|p| axis.member(p)).unwrap_or(0)
}

fn breakdown<'a>(
    index: &FactIndex<'a>,
    tax: &Taxonomy,
    concept: &'a Concept,
    axis: &'a Axis,
    parent: usize,
    period: &'a Period,
    rest: Dims<'a>,
) -> Breakdown<'a> {
    let name = concept.name();
    let parent_member = (parent != 0).then(|| axis.members[parent].def.name.as_str());
    let total_facts = index.get(name, period, &with_member(&rest, axis.name(), parent_member));
    let total = super::bound(&total_facts);
    let at = Level { index, tax, concept, axis, period, rest: &rest };
    let parts = axis.children(parent).iter().map(|&k| at.part(k, axis.members.len())).collect();
    Breakdown { concept, axis, parent, period, rest, total_facts, total, parts }
}

/// What a part of a breakdown needs to find its figure.
struct Level<'a, 'r> {
    index: &'r FactIndex<'a>,
    tax: &'r Taxonomy,
    concept: &'a Concept,
    axis: &'a Axis,
    period: &'a Period,
    rest: &'r Dims<'a>,
}

impl<'a> Level<'a, '_> {
    /// A member's figure: reported, or (for an additive figure) the sum of its own parts.
    /// `depth` bounds the descent, should parents form a cycle.
    fn part(&self, k: usize, depth: usize) -> Part<'a> {
        let member = self.axis.members[k].def.name.as_str();
        let fs =
            self.index.get(self.concept.name(), self.period, &with_member(self.rest, self.axis.name(), Some(member)));
        let value = super::bound(&fs);
        let exact = fs.first().and_then(|f| super::exact_count(self.tax, f));
        let own = Part { name: member, value, facts: fs, rolled_up: false, lower_only: false, exact };
        if own.value.is_some() || !self.concept.additive() || depth == 0 {
            return own;
        }
        let subs: Vec<Part> = self.axis.children(k).iter().map(|&c| self.part(c, depth - 1)).collect();
        let known: Vec<&Part> = subs.iter().filter(|p| p.value.is_some()).collect();
        if known.is_empty() {
            return own;
        }
        let (mut lo, mut hi) = (Decimal::ZERO, Decimal::ZERO);
        for p in &known {
            let v = p.value.expect("known");
            lo = lo.checked_add(v.0).unwrap_or(Decimal::MAX);
            hi = hi.checked_add(v.1).unwrap_or(Decimal::MAX);
        }
        let whole = splits(self.axis, k) && known.len() == subs.len() && known.iter().all(|p| !p.lower_only);
        Part {
            name: member,
            value: Some((lo, hi)),
            facts: known.iter().flat_map(|p| p.facts.iter().copied()).collect(),
            rolled_up: true,
            lower_only: !whole,
            exact: known.iter().map(|p| p.exact).sum::<Option<Decimal>>(),
        }
    }
}

/// An additive figure's parts add up to it (all parts of a partition) or fit within it; counts
/// exactly, measurements within their rounding.
fn additive(index: &FactIndex, tax: &Taxonomy, b: &Breakdown) -> Option<Diagnostic> {
    let t = b.total?;
    let first = b.first_part()?;
    let complete = b.complete();
    let how = if complete { "add up to" } else { "fit within" };
    let (lo, hi) = b.reported().fold((Decimal::ZERO, Decimal::ZERO), |acc, p| {
        let i = p.value.expect("reported");
        (acc.0.saturating_add(i.0), acc.1.saturating_add(i.1))
    });
    let terms = &index.terms;
    let total = b.total_facts[0];
    if if complete { !overlaps((lo, hi), t) } else { lo > t.1 } {
        return Some(
            Diagnostic::new(
                Code::W0308,
                Severity::Warning,
                fact_location(first),
                format!(
                    "the {} breakdown of {} does not {how} its total: {} = {}, but the total is {}",
                    b.axis.name(),
                    b.concept.name(),
                    b.shown(index),
                    terms.range((lo, hi), total),
                    terms.describe(total)
                ),
            )
            .with_facts(b.ids()),
        );
    }
    // Counts are exact: whole people add up to the whole, rounding or not.
    let whole = super::exact_count(tax, total)?;
    let sum: Decimal = b.reported().map(|p| p.exact).sum::<Option<Decimal>>()?;
    if if complete { sum == whole } else { sum <= whole } {
        return None;
    }
    Some(
        Diagnostic::new(
            Code::W0309,
            Severity::Warning,
            fact_location(first),
            format!(
                "the {} breakdown of {} does not {how} its total exactly, as counts must: {} = {}, but the total is {}",
                b.axis.name(),
                b.concept.name(),
                b.shown(index),
                super::terms::number(sum, Some(0), false),
                terms.describe(total)
            ),
        )
        .with_hint(
            "whole numbers have no rounding to absorb a difference: a part or the total is wrong, or a part is missing",
        )
        .with_facts(b.ids()),
    )
}

/// A rate or average over a counted population: the whole is the mean of the parts weighted by
/// their counts, or at least lies between the parts. Without a reported whole, the one the parts
/// imply is returned, to compare with the other breakdowns of the same rate.
fn weighted<'a>(
    index: &FactIndex<'a>,
    tax: &Taxonomy,
    b: &Breakdown<'a>,
    weight: &str,
) -> (Option<Diagnostic>, Option<Implied<'a>>) {
    let Some(first) = b.first_part() else {
        return (None, None);
    };
    if b.parent != 0 || !b.axis.def.partition {
        return (None, None);
    }
    let terms = &index.terms;
    let wp = period_for(tax, weight, b.period);
    let weight_of = |dims: &[(&str, &str)]| -> Option<Decimal> {
        let w = index.get(weight, wp.as_ref()?, dims).first().copied()?;
        if let FactValue::Number(n) = w.value { Some(n) } else { None }
    };
    // Parts with no people behind them (a zero weight) carry no rate; a member with neither a
    // rate nor a headcount is fine if the reported headcounts make up the whole.
    let (mut sum_w, mut lo, mut hi) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    let mut all_weighted = true;
    let mut unreported = false;
    for p in &b.parts {
        match (weight_of(&with_member(&b.rest, b.axis.name(), Some(p.name))), &p.value) {
            (Some(w), Some(i)) => {
                sum_w += w;
                lo += w * i.0;
                hi += w * i.1;
            }
            (Some(w), None) if w.is_zero() => {}
            (None, None) => unreported = true,
            _ => all_weighted = false,
        }
    }
    if unreported && all_weighted {
        let whole = wp.as_ref().and_then(|wp| index.value(weight, wp, &b.rest));
        all_weighted = whole.is_some_and(|w| w.0 <= sum_w && sum_w <= w.1);
    }
    if all_weighted && !sum_w.is_zero() {
        let implied = (lo / sum_w, hi / sum_w);
        return match b.total {
            Some(t) if !overlaps(implied, t) => {
                let total = b.total_facts[0];
                let d = Diagnostic::new(
                    Code::W0303,
                    Severity::Warning,
                    fact_location(total),
                    format!(
                        "{} is not the mean of its {} breakdown weighted by {weight}: {}, but the parts ({}) give {}",
                        b.concept.name(),
                        b.axis.name(),
                        terms.describe(total),
                        b.shown(index),
                        terms.range(implied, total)
                    ),
                )
                .with_hint(format!(
                    "the parts are weighted by {weight} at the same date; a different base (e.g. average headcount) can explain a small gap"
                ))
                .with_facts(b.ids());
                (Some(d), None)
            }
            Some(_) => (None, None),
            None => (None, Some(Implied { axis: b.axis.name(), whole: implied, ids: b.ids(), like: first })),
        };
    }
    let (Some(t), true) = (b.total, b.complete()) else {
        return (None, None);
    };
    let lo = b.reported().map(|p| p.value.expect("reported").0).min().expect("non-empty");
    let hi = b.reported().map(|p| p.value.expect("reported").1).max().expect("non-empty");
    if overlaps((lo, hi), t) {
        return (None, None);
    }
    let total = b.total_facts[0];
    let d = Diagnostic::new(
        Code::W0304,
        Severity::Warning,
        fact_location(total),
        format!(
            "{} lies outside the range of its {} breakdown: {}, but the parts are {}",
            b.concept.name(),
            b.axis.name(),
            terms.describe(total),
            b.shown(index)
        ),
    )
    .with_facts(b.ids());
    (Some(d), None)
}

/// Breakdowns of one rate by different axes, without a reported total, must imply the same one.
fn across_axes(index: &FactIndex, concept: &str, period: &Period, wholes: &[Implied]) -> Vec<Diagnostic> {
    let t = &index.terms;
    let mut out = Vec::new();
    for (i, a) in wholes.iter().enumerate() {
        for b in &wholes[i + 1..] {
            if overlaps(a.whole, b.whole) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Code::W0305,
                    Severity::Warning,
                    fact_location(a.like),
                    format!(
                        "{concept} for {}: the {} breakdown implies {} overall but the {} breakdown implies {}",
                        t.period(period),
                        a.axis,
                        t.approx(a.whole, a.like),
                        b.axis,
                        t.approx(b.whole, a.like)
                    ),
                )
                .with_hint(
                    "both breakdowns describe the same people; at least one of them is wrong or uses another base",
                )
                .with_facts(a.ids.iter().chain(b.ids.iter()).cloned()),
            );
        }
    }
    out
}
