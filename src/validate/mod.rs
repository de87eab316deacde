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
use foldhash::{HashMap, HashMapExt};

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
    /// The breakdown: axis → member, `prefix:local` names.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub dimensions: std::collections::BTreeMap<String, String>,
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

    /// Record the facts the findings name, from the report they came from.
    pub fn collect_facts(&mut self, report: &Report) {
        let wanted: std::collections::HashSet<&str> =
            self.diagnostics.iter().flat_map(|d| d.facts.iter().map(String::as_str)).collect();
        for f in report.facts.iter().filter(|f| wanted.contains(f.id.as_str())) {
            let value = match &f.value {
                FactValue::Number(n) => Some(n.to_string()),
                FactValue::Text(t) => Some(t.clone()),
                FactValue::Nil => None,
            };
            self.facts.insert(
                f.id.clone(),
                FactSummary {
                    concept: f.concept.to_string(),
                    period: f.period.to_string(),
                    dimensions: f.dimensions.iter().map(|(a, m)| (a.to_string(), m.to_string())).collect(),
                    value,
                    unit: f.unit.as_ref().map(|u| u.oim()),
                    decimals: f.decimals,
                    source: f.provenance.clone(),
                },
            );
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
pub struct FactIndex<'a> {
    /// Every fact of the report, in report order.
    pub facts: Vec<&'a Fact>,
    /// (concept, context) -> facts, for duplicates and calculations.
    pub by_aspects: HashMap<(&'a QName, ContextKey<'a>), Vec<&'a Fact>>,
    /// Hash of (concept local name, period, dimensions as local names) -> facts, unit aside.
    by_name: HashMap<u64, Vec<&'a Fact>>,
    /// The taxonomy's statement axis (local name), whose members mark differing figures.
    pub statement_axis: Option<String>,
    /// How the report names periods and prints figures, for messages.
    pub terms: terms::Terms<'a>,
}

/// A breakdown as (axis, member) local names.
pub type Dims<'a> = Vec<(&'a str, &'a str)>;

/// A hash key for a concept in a context; lookups compare the facts themselves, so a collision
/// costs only time.
fn name_key(concept: &str, period: &Period, dims: &[(&str, &str)]) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::default().hash_one((concept, period, dims))
}

/// A fact's breakdown as (axis, member) local names.
pub fn dims_of(f: &Fact) -> Dims<'_> {
    f.dimensions.iter().map(|(a, m)| (&*a.local, &*m.local)).collect()
}

impl<'a> FactIndex<'a> {
    /// The index of a report's facts, with the taxonomy's terms for messages.
    pub fn new(report: &'a Report, tax: &'a Taxonomy) -> Self {
        Self::of(report.facts.iter().collect(), terms::Terms::new(&report.facts, &report.period_names, tax), tax)
    }

    fn of(facts: Vec<&'a Fact>, terms: terms::Terms<'a>, tax: &Taxonomy) -> Self {
        let mut by_aspects: HashMap<_, Vec<&Fact>> = HashMap::with_capacity(facts.len());
        let mut by_name: HashMap<_, Vec<&Fact>> = HashMap::with_capacity(facts.len());
        for &f in &facts {
            let key = ContextKey { period: &f.period, unit: f.unit.as_deref(), dimensions: &f.dimensions };
            by_aspects.entry((&f.concept, key)).or_default().push(f);
            by_name.entry(name_key(&f.concept.local, &f.period, &dims_of(f))).or_default().push(f);
        }
        FactIndex { facts, by_aspects, by_name, statement_axis: tax.info.statement_axis.clone(), terms }
    }

    /// The index without repeats: of the facts that share concept and context, those with the
    /// same value and decimals are one, and at most [`MAX_DISTINCT_DUPLICATES`] are kept. The
    /// duplicates rule sees them all; the rules that relate facts to one another then do work in
    /// proportion to the distinct figures, not to how often a filing repeats them.
    pub fn distinct(&self, tax: &Taxonomy) -> FactIndex<'a> {
        let mut kept: HashMap<(&QName, ContextKey), Vec<&Fact>> = HashMap::with_capacity(self.facts.len());
        let mut facts = Vec::with_capacity(self.facts.len());
        for &f in &self.facts {
            let key = ContextKey { period: &f.period, unit: f.unit.as_deref(), dimensions: &f.dimensions };
            let group = kept.entry((&f.concept, key)).or_default();
            if group.len() >= MAX_DISTINCT_DUPLICATES
                || group.iter().any(|g| g.value == f.value && g.decimals == f.decimals)
            {
                continue;
            }
            group.push(f);
            facts.push(f);
        }
        FactIndex::of(facts, self.terms.clone(), tax)
    }

    /// The facts of a concept in a context (any unit), duplicates included.
    pub fn get(&self, concept: &str, period: &Period, dims: &[(&str, &str)]) -> Vec<&'a Fact> {
        let Some(bucket) = self.by_name.get(&name_key(concept, period, dims)) else {
            return Vec::new();
        };
        bucket
            .iter()
            .copied()
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
    f.origin.clone()
}
