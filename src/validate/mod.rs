//! Rules over the fact model, one module per family. `map` has already checked each record
//! against the taxonomy; these rules look at facts together.

pub mod calc;
pub mod duplicates;

use crate::diag::Diagnostic;
use crate::report::{Fact, Period, QName, Unit};
use crate::taxonomy::Taxonomy;
use std::collections::HashMap;

/// Everything but the concept and the value: facts that share it are reported for the same
/// entity, period, unit and breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ContextKey<'a> {
    pub period: &'a Period,
    pub unit: Option<&'a Unit>,
    pub dimensions: &'a [(QName, QName)],
}

/// Facts grouped by concept and context, built once and shared by the rules.
pub struct FactIndex<'a> {
    pub by_aspects: HashMap<(&'a QName, ContextKey<'a>), Vec<&'a Fact>>,
}

impl<'a> FactIndex<'a> {
    pub fn new(facts: &'a [Fact]) -> Self {
        let mut by_aspects: HashMap<_, Vec<&Fact>> = HashMap::with_capacity(facts.len());
        for f in facts {
            let key = ContextKey {
                period: &f.period,
                unit: f.unit.as_ref(),
                dimensions: &f.dimensions,
            };
            by_aspects.entry((&f.concept, key)).or_default().push(f);
        }
        FactIndex { by_aspects }
    }
}

/// Run every rule family over a mapped report.
pub fn validate(report: &crate::report::Report, tax: &Taxonomy) -> Vec<Diagnostic> {
    let index = FactIndex::new(&report.facts);
    let mut out = Vec::new();
    out.extend(duplicates::check(&index));
    out.extend(calc::check(&index, tax));
    out.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.code.cmp(b.code)));
    out
}

/// Where a fact's record is, for a diagnostic about it.
pub(crate) fn fact_location(f: &Fact) -> crate::diag::Location {
    let rec = &f.provenance.record;
    match rec.split_once('#') {
        Some((file, ptr)) => crate::diag::Location::pointer(file, ptr),
        None => match rec.rsplit_once(':') {
            Some((file, line)) if line.parse::<u64>().is_ok() => {
                crate::diag::Location::line(file, line.parse().unwrap_or(0))
            }
            _ => crate::diag::Location::file(rec),
        },
    }
}

/// A fact's value and source, as shown in a message.
pub(crate) fn describe(f: &Fact) -> String {
    let v = match &f.value {
        crate::report::FactValue::Number(n) => n.to_string(),
        crate::report::FactValue::Text(t) => {
            format!("{:?}", t.chars().take(40).collect::<String>())
        }
        crate::report::FactValue::Nil => "nil".into(),
    };
    let p = &f.provenance;
    let place = match (&p.section, p.line) {
        (Some(s), Some(l)) => format!("{s}, line {l}"),
        (Some(s), None) => s.clone(),
        (None, Some(l)) => format!("line {l}"),
        (None, None) => p.document.clone(),
    };
    format!("{} = {} ({})", f.id, v, place)
}
