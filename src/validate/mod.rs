//! Validation: rule families over the one fact model, each in its own module. `map` has already
//! checked each dataset record against the taxonomy; `conformance` does the same for facts read
//! from a filing, and the other families look at facts together.

pub mod arithmetic;
pub mod baseline;
pub mod calc;
pub mod completeness;
pub mod conformance;
pub mod duplicates;
pub mod plausibility;
pub mod render;
pub mod terms;

use crate::diag::{Diagnostic, Location, Summary};
use crate::report::{Fact, FactValue, Period, QName, Report, Unit};
use crate::taxonomy::Taxonomy;
use crate::value::interval;
use rust_decimal::Decimal;
use serde::Serialize;
// foldhash: the hasher of hashbrown, several times faster than SipHash on these short keys
// (perf showed SipHash at 4 to 10% of a validation), still seeded per process.
use foldhash::HashSet;

pub use completeness::{Coverage, CoverageRow};

/// What a validation run found.
#[derive(Debug, Clone, Serialize)]
pub struct ValidationResult {
    /// The input as the user named it.
    pub input: String,
    /// "dataset" or "filing".
    pub kind: &'static str,
    /// The id of the framework version checked against (e.g. `hkex-esg-guide-2020`).
    pub framework: String,
    /// The findings, in the order the rules report them (a baseline's accepted ones left out).
    pub diagnostics: Vec<Diagnostic>,
    /// For each disclosure requirement of the framework version: met, explained or missing.
    pub coverage: Vec<CoverageRow>,
    /// Findings a baseline accepted (left out of `diagnostics`).
    pub baselined: usize,
    /// The facts the findings are about: figures and source references, by fact id.
    pub facts: std::collections::BTreeMap<String, FactSummary>,
}

/// A fact as a finding shows it: what it is, its value and where the report states it.
#[derive(Debug, Clone, Serialize)]
pub struct FactSummary {
    /// The concept, `prefix:local`.
    pub concept: String,
    /// The period: `2023-01-01/2023-12-31`, or a date for an instant.
    pub period: String,
    /// The breakdown: axis → member, `prefix:local` names, by axis (written as an object). A
    /// list, not a map: a map of one axis was a 544-byte node, for each of the 496,000 facts the
    /// findings on a 1M-fact filing name (RSS).
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "as_object")]
    pub dimensions: Vec<(String, String)>,
    /// The exact value (`0.19` for 19%), the text, or `None` for nil.
    pub value: Option<String>,
    /// The OIM unit string (`utr:tCO2e`), for numeric facts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The value's precision in decimals; absent for exact values and text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decimals: Option<i32>,
    /// Where the report states the figure.
    pub source: crate::report::Provenance,
}

impl ValidationResult {
    /// The number of findings of each severity.
    pub fn summary(&self) -> Summary {
        Summary::of(&self.diagnostics)
    }

    /// Record the facts the findings name, from the report they came from (summarized on every
    /// core: a finding may name tens of thousands).
    pub fn collect_facts(&mut self, report: &Report) {
        use rayon::prelude::*;
        let summaries: Vec<(String, FactSummary)> = named_facts(&self.diagnostics, report)
            .into_par_iter()
            .map(|f| (f.id.clone(), FactSummary::of(f)))
            .collect();
        // Built at once from the sorted list, the map's nodes are full; inserted one by one, they
        // were about half empty (RSS at 496,000 facts).
        if self.facts.is_empty() {
            self.facts = summaries.into_iter().collect();
        } else {
            self.facts.extend(summaries);
        }
    }
}

/// The report's facts that the findings name, in report order, found on every core. A large
/// report has far more facts than findings, though one finding may name hundreds of thousands
/// (a breakdown that does not add up across sites and years).
pub fn named_facts<'r>(diags: &[Diagnostic], report: &'r Report) -> Vec<&'r Fact> {
    use rayon::prelude::*;
    let named: HashSet<&str> = diags.iter().flat_map(|d| d.facts.iter().map(String::as_str)).collect();
    if named.is_empty() {
        return Vec::new();
    }
    report.facts.par_iter().filter(|f| named.contains(f.id.as_str())).collect()
}

/// Pairs written as a JSON object.
fn as_object<S: serde::Serializer>(pairs: &[(String, String)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(pairs.iter().map(|(k, v)| (k, v)))
}

impl FactSummary {
    /// A fact as findings show it.
    pub fn of(f: &Fact) -> Self {
        FactSummary {
            concept: f.concept.to_string(),
            period: f.period.to_string(),
            dimensions: {
                let mut dims: Vec<(String, String)> =
                    f.dimensions.iter().map(|(a, m)| (a.to_string(), m.to_string())).collect();
                dims.sort_by(|a, b| a.0.cmp(&b.0));
                dims.dedup_by(|later, kept| later.0 == kept.0);
                dims
            },
            value: match &f.value {
                FactValue::Number(n) => Some(n.to_string()),
                FactValue::Text(t) => Some(t.clone()),
                FactValue::Nil => None,
            },
            unit: f.unit.as_ref().map(|u| u.oim()),
            decimals: f.decimals,
            source: f.provenance.clone(),
        }
    }
}

/// Settings of the rules that have any.
#[derive(Debug, Clone)]
pub struct Options {
    /// Year-on-year relative change above which a figure is pointed out (0.5 = 50%).
    pub yoy_threshold: Decimal,
    /// The facts come from a filing: a calculation inconsistency, which XBRL processors report, is
    /// an error there, while in a dataset it is a finding about the source report.
    pub filing: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { yoy_threshold: Decimal::new(5, 1), filing: false }
    }
}

/// Of facts repeated for one concept and context, how many differing ones the rules beyond the
/// duplicates rule look at.
pub const MAX_DISTINCT_DUPLICATES: usize = 8;

/// Everything but the concept and the value: facts that share it are reported for the same
/// entity, period, unit and breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ContextKey<'a> {
    /// The facts' period.
    pub period: &'a Period,
    /// The facts' unit; `None` for non-numeric facts.
    pub unit: Option<&'a Unit>,
    /// The facts' breakdown: (axis, member) pairs, sorted by axis.
    pub dimensions: &'a [(QName, QName)],
}

/// A closed interval of values a figure (or a figure computed from figures) stands for.
pub type Interval = (Decimal, Decimal);

/// Facts indexed once, shared by the rules.
///
/// Kept in flat arrays rather than a map of lists, since it holds every fact of the report
/// (twice: all facts, then the distinct ones): facts are grouped by concept and context, and
/// found by sorted hashes, whose collisions cost only time (lookups compare the facts).
pub struct FactIndex<'a> {
    /// Every fact of the report, in report order.
    pub facts: Vec<&'a Fact>,
    /// The facts group by group (one concept in one context), groups in the order of their
    /// first fact, each group in report order.
    grouped: Vec<&'a Fact>,
    /// Where each group starts in `grouped`, and at the end the length of `grouped`.
    starts: Vec<usize>,
    /// The group of each fact of `facts`.
    group_of: Vec<u32>,
    /// Finds a group by the hash of its concept and context.
    by_aspects: HashIndex,
    /// Finds the facts of a concept in a context, unit aside, by the hash of concept local
    /// name, period and breakdown by local names (positions in `facts`).
    by_name: HashIndex,
    hasher: foldhash::fast::RandomState,
    /// The taxonomy's statement axis (local name), whose members mark differing figures.
    pub statement_axis: Option<String>,
    /// How the report names periods and prints figures, for messages.
    pub terms: terms::Terms<'a>,
}

/// A breakdown as (axis, member) local names.
pub type Dims<'a> = Vec<(&'a str, &'a str)>;

/// A fact's breakdown as (axis, member) local names.
pub fn dims_of(f: &Fact) -> Dims<'_> {
    f.dimensions.iter().map(|(a, m)| (&*a.local, &*m.local)).collect()
}

/// The concept and context of a fact, as the groups of a [`FactIndex`] are keyed.
fn aspects(f: &Fact) -> (&QName, ContextKey<'_>) {
    (&f.concept, ContextKey { period: &f.period, unit: f.unit.as_deref(), dimensions: &f.dimensions })
}

/// The hash a [`FactIndex`] finds facts by name with: concept local name, period, breakdown.
fn name_hash<'n>(
    hasher: &foldhash::fast::RandomState,
    concept: &str,
    period: &Period,
    dims: impl ExactSizeIterator<Item = (&'n str, &'n str)>,
) -> u64 {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut h = hasher.build_hasher();
    concept.hash(&mut h);
    period.hash(&mut h);
    h.write_usize(dims.len());
    for (a, m) in dims {
        a.hash(&mut h);
        m.hash(&mut h);
    }
    h.finish()
}

/// Numbers found by a hash: (hash, number) pairs sorted, with a directory of where the pairs
/// of each value of the hashes' top bits start (about one value per pair), so that a lookup
/// reads a directory entry and, typically, one pair, where a binary search over a million
/// pairs would miss the cache twenty times. Pairs of one hash keep the order of their numbers.
#[derive(Clone)]
struct HashIndex {
    pairs: Vec<(u64, u32)>,
    starts: Vec<u32>,
    shift: u32,
}

impl HashIndex {
    fn new(mut pairs: Vec<(u64, u32)>) -> Self {
        use rayon::slice::ParallelSliceMut;
        pairs.par_sort_unstable();
        let bits = pairs.len().next_power_of_two().trailing_zeros().max(1);
        let shift = 64 - bits;
        let mut starts = vec![0u32; (1 << bits) + 1];
        for &(h, _) in &pairs {
            starts[(h >> shift) as usize + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        HashIndex { pairs, starts, shift }
    }

    /// The numbers stored with hash `h`, in order.
    fn find(&self, h: u64) -> impl Iterator<Item = usize> + '_ {
        let top = (h >> self.shift) as usize;
        let bucket = &self.pairs[self.starts[top] as usize..self.starts[top + 1] as usize];
        bucket.iter().filter(move |&&(k, _)| k == h).map(|&(_, i)| i as usize)
    }
}

impl<'a> FactIndex<'a> {
    /// The index of a report's facts, with the taxonomy's terms for messages.
    pub fn new(report: &'a Report, tax: &'a Taxonomy) -> Self {
        Self::of(report.facts.iter().collect(), terms::Terms::new(&report.facts, &report.period_names, tax), tax)
    }

    fn of(facts: Vec<&'a Fact>, terms: terms::Terms<'a>, tax: &Taxonomy) -> Self {
        use rayon::prelude::*;
        use std::hash::BuildHasher;
        let hasher = foldhash::fast::RandomState::default();
        // Facts with one concept and context are next to one another once sorted by its hash;
        // each is then grouped with the first fact of that run that has the same aspects. (The
        // hashes are made and sorted on every core: at 1M facts, a third of building the index.)
        let mut order: Vec<(u64, u32)> =
            facts.par_iter().enumerate().map(|(i, f)| (hasher.hash_one(aspects(f)), i as u32)).collect();
        order.par_sort_unstable();
        let mut head = vec![0u32; facts.len()]; // each fact's group's first fact
        let mut heads: Vec<u32> = Vec::new();
        let mut by_aspects = Vec::new();
        for run in order.chunk_by(|a, b| a.0 == b.0) {
            heads.clear();
            for &(h, i) in run {
                let f = aspects(facts[i as usize]);
                match heads.iter().find(|&&j| aspects(facts[j as usize]) == f) {
                    Some(&j) => head[i as usize] = j,
                    None => {
                        heads.push(i);
                        head[i as usize] = i;
                        by_aspects.push((h, i)); // the fact's position, made a group number below
                    }
                }
            }
        }
        drop(order);
        // Groups are numbered in the order of their first fact.
        let mut group_of = vec![0u32; facts.len()];
        let mut sizes: Vec<usize> = Vec::new();
        for i in 0..facts.len() {
            let g = if head[i] as usize == i {
                sizes.push(0);
                sizes.len() as u32 - 1
            } else {
                group_of[head[i] as usize]
            };
            group_of[i] = g;
            sizes[g as usize] += 1;
        }
        drop(head);
        for e in &mut by_aspects {
            e.1 = group_of[e.1 as usize];
        }
        let by_aspects = HashIndex::new(by_aspects);
        let (grouped, starts) = place(&facts, &group_of, &sizes);
        let by_name: Vec<(u64, u32)> = facts
            .par_iter()
            .enumerate()
            .map(|(i, f)| {
                let dims = f.dimensions.iter().map(|(a, m)| (&*a.local, &*m.local));
                (name_hash(&hasher, &f.concept.local, &f.period, dims), i as u32)
            })
            .collect();
        let by_name = HashIndex::new(by_name);
        FactIndex {
            facts,
            grouped,
            starts,
            group_of,
            by_aspects,
            by_name,
            hasher,
            statement_axis: tax.info.statement_axis.clone(),
            terms,
        }
    }

    /// The groups of facts that share concept and context, in the order of their first fact,
    /// each in report order.
    pub fn groups(&self) -> impl Iterator<Item = &[&'a Fact]> + '_ {
        self.starts.windows(2).map(|w| &self.grouped[w[0]..w[1]])
    }

    /// The facts of `concept` in context `key`, duplicates included (in report order).
    pub fn group(&self, concept: &QName, key: &ContextKey) -> Option<&[&'a Fact]> {
        use std::hash::BuildHasher;
        let h = self.hasher.hash_one((concept, key));
        self.by_aspects
            .find(h)
            .map(|g| &self.grouped[self.starts[g]..self.starts[g + 1]])
            .find(|fs| aspects(fs[0]) == (concept, key.clone()))
    }

    /// The index without repeats: of the facts that share concept and context, those with the
    /// same value and decimals are one, and at most [`MAX_DISTINCT_DUPLICATES`] are kept. The
    /// duplicates rule sees them all; the rules that relate facts to one another then do work in
    /// proportion to the distinct figures, not to how often a filing repeats them.
    pub fn distinct(&self, tax: &Taxonomy) -> FactIndex<'a> {
        // Each group's kept facts are written over the start of its own place in `kept`.
        let mut kept = self.grouped.clone();
        let mut sizes = vec![0usize; self.starts.len() - 1];
        let mut keep = vec![false; self.facts.len()];
        for (i, &f) in self.facts.iter().enumerate() {
            let g = self.group_of[i] as usize;
            let (at, n) = (self.starts[g], sizes[g]);
            if n >= MAX_DISTINCT_DUPLICATES
                || kept[at..at + n].iter().any(|k| k.value == f.value && k.decimals == f.decimals)
            {
                continue;
            }
            kept[at + n] = f;
            sizes[g] += 1;
            keep[i] = true;
        }
        // Positions in the new `facts` of the facts kept.
        let mut new_pos = vec![u32::MAX; self.facts.len()];
        let mut facts = Vec::new();
        let mut group_of = Vec::new();
        for (i, &f) in self.facts.iter().enumerate().filter(|&(i, _)| keep[i]) {
            new_pos[i] = facts.len() as u32;
            facts.push(f);
            group_of.push(self.group_of[i]);
        }
        let mut grouped = Vec::with_capacity(facts.len());
        let mut starts = Vec::with_capacity(sizes.len() + 1);
        for (g, &n) in sizes.iter().enumerate() {
            starts.push(grouped.len());
            grouped.extend_from_slice(&kept[self.starts[g]..self.starts[g] + n]);
        }
        starts.push(grouped.len());
        // The names' hashes are kept, not computed again; the facts kept get their new positions.
        let by_name = HashIndex::new(
            self.by_name.pairs.iter().filter(|e| keep[e.1 as usize]).map(|&(h, i)| (h, new_pos[i as usize])).collect(),
        );
        FactIndex {
            facts,
            grouped,
            starts,
            group_of,
            by_aspects: self.by_aspects.clone(),
            by_name,
            hasher: self.hasher.clone(),
            statement_axis: tax.info.statement_axis.clone(),
            terms: self.terms.clone(),
        }
    }

    /// The facts of a concept in a context (any unit), duplicates included, in report order.
    pub fn get(&self, concept: &str, period: &Period, dims: &[(&str, &str)]) -> Vec<&'a Fact> {
        let h = name_hash(&self.hasher, concept, period, dims.iter().copied());
        self.by_name
            .find(h)
            .map(|i| self.facts[i])
            .filter(|f| {
                &*f.concept.local == concept
                    && &f.period == period
                    && f.dimensions.len() == dims.len()
                    && f.dimensions.iter().zip(dims).all(|((a, m), (x, y))| &*a.local == *x && &*m.local == *y)
            })
            .collect()
    }

    /// The value interval of a concept in a context: the reported figure (duplicates narrowed
    /// together), or `None` if it is not reported, is nil, or its duplicates disagree.
    pub fn value(&self, concept: &str, period: &Period, dims: &[(&str, &str)]) -> Option<Interval> {
        bound(&self.get(concept, period, dims))
    }

    /// Is this fact the primary statement (not marked as a differing figure stated elsewhere)?
    pub fn is_primary(&self, f: &Fact) -> bool {
        self.statement_axis.as_deref().is_none_or(|s| !f.dimensions.iter().any(|(a, _)| &*a.local == s))
    }

    /// The dimensions of a fact without the statement axis.
    pub fn primary_dims<'f>(&self, f: &'f Fact) -> Dims<'f> {
        dims_of(f).into_iter().filter(|(a, _)| Some(*a) != self.statement_axis.as_deref()).collect()
    }
}

/// The facts laid out group by group (`group_of` each, groups of `sizes`), each group in the
/// order of `facts`; and where each group starts, with the total at the end.
fn place<'a>(facts: &[&'a Fact], group_of: &[u32], sizes: &[usize]) -> (Vec<&'a Fact>, Vec<usize>) {
    let mut starts = Vec::with_capacity(sizes.len() + 1);
    let mut at = 0;
    for &n in sizes {
        starts.push(at);
        at += n;
    }
    starts.push(at);
    let mut next = starts.clone();
    let mut grouped: Vec<Option<&Fact>> = vec![None; facts.len()];
    for (&f, &g) in facts.iter().zip(group_of) {
        grouped[next[g as usize]] = Some(f);
        next[g as usize] += 1;
    }
    (grouped.into_iter().flatten().collect(), starts)
}

/// A count of whole things (a headcount, a number of suppliers) reported to the unit: exact,
/// not a rounded measurement, so its breakdowns must add up exactly. `None` for other figures and
/// for counts rounded to tens or more (negative decimals).
pub fn exact_count(tax: &Taxonomy, f: &Fact) -> Option<Decimal> {
    let FactValue::Number(v) = f.value else {
        return None;
    };
    let c = tax.concept(&f.concept.local)?;
    (c.def.data_type == crate::taxonomy::source::DataType::Integer && f.decimals.is_none_or(|d| d >= 0)).then_some(v)
}

/// The interval that all (consistent) duplicates of a figure share.
pub fn bound(facts: &[&Fact]) -> Option<Interval> {
    let mut out: Option<Interval> = None;
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

/// Whether two closed intervals have a value in common.
pub fn overlaps(a: Interval, b: Interval) -> bool {
    a.0 <= b.1 && b.0 <= a.1
}

/// Interval division for non-negative quantities; `None` when the divisor may be zero. A
/// numerator whose rounding reaches below zero (a printed 0 stands for -0.5..0.5) is the
/// non-negative part of it.
pub fn divide(n: Interval, d: Interval) -> Option<Interval> {
    if d.0 <= Decimal::ZERO || n.1 < Decimal::ZERO {
        return None;
    }
    Some((n.0.max(Decimal::ZERO).checked_div(d.1)?, n.1.checked_div(d.0)?))
}

/// The same period a year earlier.
pub fn prior(p: &Period) -> Option<Period> {
    let back = |d: &chrono::NaiveDate| d.checked_sub_months(chrono::Months::new(12));
    match p {
        Period::Duration { start, end } => Some(Period::Duration { start: back(start)?, end: back(end)? }),
        Period::Instant(d) => Some(Period::Instant(back(d)?)),
    }
}

/// Run every rule family over a report. Its framework version selects the completeness
/// requirements.
pub fn validate(report: &Report, tax: &Taxonomy, opts: &Options) -> (Vec<Diagnostic>, Vec<CoverageRow>) {
    // The rule families are independent of one another, so they run side by side (rayon); their
    // findings are joined in a fixed order and sorted, so the result does not depend on timing.
    let (conformance, (duplicates, index)) = rayon::join(
        || conformance::check(report, tax),
        || {
            let index = FactIndex::new(report, tax);
            (duplicates::check(&index), index.distinct(tax))
        },
    );
    // Rules relating facts to one another see each distinct figure once.
    let ((elsewhere, calc), ((arithmetic, plausibility), (coverage, complete))) = rayon::join(
        || rayon::join(|| duplicates::stated_elsewhere(&index), || calc::check(&index, tax, opts.filing)),
        || {
            rayon::join(
                || rayon::join(|| arithmetic::check(&index, tax), || plausibility::check(&index, tax, opts)),
                || match &report.framework {
                    Some(fw) => completeness::check(&index, tax, fw, report.reporting_period.as_ref(), &report.origin),
                    None => (Vec::new(), Vec::new()),
                },
            )
        },
    );
    let mut out: Vec<Diagnostic> = conformance.into_iter().collect();
    for found in [duplicates, elsewhere, calc, arithmetic, plausibility, complete] {
        out.extend(found);
    }
    out.sort_by(|a, b| {
        b.severity.cmp(&a.severity).then_with(|| a.code.cmp(&b.code)).then_with(|| a.facts.cmp(&b.facts))
    });
    (out, coverage)
}

/// Where a fact's record is, for a diagnostic about it.
pub(crate) fn fact_location(f: &Fact) -> Location {
    f.origin.location()
}

#[cfg(test)]
mod index_tests {
    use super::*;
    use crate::report::{Entity, Provenance};
    use chrono::NaiveDate;
    use std::sync::Arc;

    /// Facts of a few concepts, years, units and breakdowns, many of them repeated, some with
    /// another value: every way two facts can share or differ in concept and context.
    fn report(n: usize) -> Report {
        let q = |l: &str| QName::new("esgx", "urn:x", l);
        let unit = |m: &str| {
            Arc::new(Unit { id: m.into(), numerator: vec![QName::new("utr", "urn:u", m)], denominator: vec![] })
        };
        let units = [unit("t"), unit("kg")];
        let mut seed = 7u64;
        let mut next = |k: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % k
        };
        let facts = (0..n)
            .map(|i| {
                let year = 2020 + next(3) as i32;
                let dims: Vec<(QName, QName)> = match next(4) {
                    0 => vec![],
                    1 => vec![(q("SiteAxis"), q("HongKongMember"))],
                    2 => vec![(q("SiteAxis"), q("ShanghaiMember"))],
                    _ => vec![(q("SiteAxis"), q("HongKongMember")), (q("StatementAxis"), q("OtherStatementMember"))],
                };
                Fact {
                    id: format!("f{i}"),
                    concept: q(["Waste", "Water", "Energy"][next(3) as usize]).into(),
                    period: Period::Instant(NaiveDate::from_ymd_opt(year, 12, 31).unwrap()),
                    unit: Some(units[next(2) as usize].clone()),
                    dimensions: dims.into(),
                    value: FactValue::Number(Decimal::from(next(3))),
                    decimals: Some(next(2) as i32),
                    numeric: true,
                    language: None,
                    provenance: Provenance::default(),
                    origin: (&Location::file("x")).into(),
                }
            })
            .collect();
        Report {
            entity: Entity { scheme: String::new(), identifier: String::new(), name: String::new() },
            facts,
            namespaces: Default::default(),
            schema_ref: String::new(),
            dimension_container: crate::report::DimensionContainer::Segment,
            framework: None,
            reporting_period: None,
            period_names: Default::default(),
            origin: Location::file("x"),
        }
    }

    /// A fact as findings show it writes its breakdown as an object by axis, as a map of it
    /// would, whatever the order of its axes; none is left out.
    #[test]
    fn a_fact_summary_writes_its_breakdown_as_an_object_by_axis() {
        let mut report = report(40);
        let mut turned = report.facts[0].clone();
        let q = |l: &str| QName::new("esgx", "urn:x", l);
        turned.dimensions =
            vec![(q("StatementAxis"), q("OtherStatementMember")), (q("SiteAxis"), q("HkMember"))].into();
        report.facts.push(turned);
        for f in &report.facts {
            let written = serde_json::to_value(FactSummary::of(f)).unwrap();
            let by_axis: std::collections::BTreeMap<String, String> =
                f.dimensions.iter().map(|(a, m)| (a.to_string(), m.to_string())).collect();
            let expected = (!by_axis.is_empty()).then(|| serde_json::to_value(&by_axis).unwrap());
            assert_eq!(written.get("dimensions"), expected.as_ref(), "{}", f.id);
        }
        let last = serde_json::to_string(&FactSummary::of(report.facts.last().unwrap())).unwrap();
        assert!(last.contains(r#""dimensions":{"esgx:SiteAxis":"esgx:HkMember","esgx:StatementAxis""#), "{last}");
    }

    fn same(a: &Fact, b: &Fact) -> bool {
        aspects(a) == aspects(b)
    }

    /// Groups as a list of lists would make them: in the order of their first fact.
    fn naive_groups<'a>(facts: &[&'a Fact]) -> Vec<Vec<&'a Fact>> {
        let mut groups: Vec<Vec<&Fact>> = Vec::new();
        for &f in facts {
            match groups.iter_mut().find(|g| same(g[0], f)) {
                Some(g) => g.push(f),
                None => groups.push(vec![f]),
            }
        }
        groups
    }

    fn ids(fs: &[&Fact]) -> Vec<String> {
        fs.iter().map(|f| f.id.clone()).collect()
    }

    #[test]
    fn the_index_groups_and_finds_facts_as_a_list_of_lists_would() {
        let tax = Taxonomy::bundled("hkex-esg").unwrap();
        let report = report(600);
        let index = FactIndex::new(&report, &tax);
        let naive = naive_groups(&index.facts);
        let got: Vec<Vec<String>> = index.groups().map(ids).collect();
        assert_eq!(got, naive.iter().map(|g| ids(g)).collect::<Vec<_>>());
        assert!(naive.iter().any(|g| g.len() > 1) && naive.len() > 20, "the data repeats and differs");
        for g in &naive {
            let (c, key) = aspects(g[0]);
            assert_eq!(ids(index.group(c, &key).unwrap()), ids(g));
            // By name: any unit, in report order.
            let dims = dims_of(g[0]);
            let want: Vec<&Fact> = index
                .facts
                .iter()
                .copied()
                .filter(|f| f.concept == g[0].concept && f.period == g[0].period && dims_of(f) == dims)
                .collect();
            assert_eq!(ids(&index.get(&c.local, &g[0].period, &dims)), ids(&want));
        }
        let gone = Period::Instant(NaiveDate::from_ymd_opt(1999, 12, 31).unwrap());
        assert!(index.get("Waste", &gone, &[]).is_empty());
        let key = ContextKey { period: &gone, unit: None, dimensions: &[] };
        assert!(index.group(&report.facts[0].concept, &key).is_none());
    }

    #[test]
    fn a_hash_index_finds_every_number_of_a_hash_in_order() {
        // Equal hashes, hashes that share their top bits, the extremes; and no pairs at all.
        let hashes = [5u64, u64::MAX, 5, 0, 1 << 63, (1 << 63) + 1, u64::MAX, 5];
        let index = HashIndex::new(hashes.iter().enumerate().map(|(i, &h)| (h, i as u32)).rev().collect());
        for &h in &hashes {
            let want: Vec<usize> = (0..hashes.len()).filter(|&i| hashes[i] == h).collect();
            assert_eq!(index.find(h).collect::<Vec<_>>(), want, "hash {h}");
        }
        assert_eq!(index.find(6).count(), 0);
        assert_eq!(HashIndex::new(Vec::new()).find(5).count(), 0);
    }

    #[test]
    fn the_distinct_index_keeps_one_of_each_figure_and_at_most_a_few() {
        let tax = Taxonomy::bundled("hkex-esg").unwrap();
        let report = report(600);
        let index = FactIndex::new(&report, &tax);
        let distinct = index.distinct(&tax);
        let mut want: Vec<&Fact> = Vec::new();
        for &f in &index.facts {
            let kin: Vec<&&Fact> = want.iter().filter(|k| same(k, f)).collect();
            if kin.len() < MAX_DISTINCT_DUPLICATES
                && !kin.iter().any(|k| k.value == f.value && k.decimals == f.decimals)
            {
                want.push(f);
            }
        }
        assert!(want.len() < index.facts.len(), "some facts repeat a figure");
        assert_eq!(ids(&distinct.facts), ids(&want));
        let got: Vec<Vec<String>> = distinct.groups().map(ids).collect();
        assert_eq!(got, naive_groups(&want).iter().map(|g| ids(g)).collect::<Vec<_>>());
        for &f in &want {
            let (c, key) = aspects(f);
            assert!(distinct.group(c, &key).unwrap().iter().any(|g| g.id == f.id));
            assert!(distinct.get(&c.local, &f.period, &dims_of(f)).iter().any(|g| g.id == f.id));
        }
    }
}
