//! Duplicate facts (OIM): the same concept reported twice for the same context. Consistent
//! duplicates (the same figure printed with other precision) are noted; inconsistent ones are two
//! different answers to one question. A figure marked as stated elsewhere in the report (the
//! statement axis) is compared with the primary statement of the same thing.

use super::{FactIndex, bound, fact_location, overlaps};
use crate::diag::Code;
use crate::diag::{Diagnostic, Severity};
use crate::report::{Fact, FactValue};
use crate::value::interval;

/// Duplicate facts: consistent ones (info) and inconsistent ones, and figures stated elsewhere in
/// the report that differ from the primary statement.
pub fn check(index: &FactIndex) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for group in index.groups().filter(|g| g.len() > 1) {
        let first = group[0];
        let figures = figures(index, group);
        let ids = group.iter().map(|f| f.id.clone());
        if consistent(group) {
            out.push(
                Diagnostic::new(
                    Code::I0401,
                    Severity::Info,
                    fact_location(group[1]),
                    format!(
                        "{} is reported {} times with consistent values: {}",
                        first.concept.local,
                        group.len(),
                        figures
                    ),
                )
                .with_facts(ids),
            );
        } else {
            out.push(
                // Either way the filing would carry two answers to one question, which XBRL
                // processors report: in a dataset, say which is the primary statement.
                Diagnostic::new(
                    Code::E0401,
                    Severity::Error,
                    fact_location(group[1]),
                    format!("{} is reported {} times for the same period and breakdown with different values: {}", first.concept.local, group.len(), figures),
                )
                .with_hint("if the report states two figures, keep both but mark the one that is not the primary statement with the dimension StatementAxis = OtherStatementMember")
                .with_facts(ids),
            );
        }
    }
    out
}

/// Differing figures stated elsewhere in the report, against the primary statement.
pub fn stated_elsewhere(index: &FactIndex) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for f in index.facts.iter().filter(|f| !index.is_primary(f)) {
        let FactValue::Number(v) = f.value else {
            continue;
        };
        let dims = index.primary_dims(f);
        let primary = index.get(&f.concept.local, &f.period, &dims);
        let Some(p) = bound(&primary) else { continue };
        let mine = interval(v, f.decimals);
        if !overlaps(p, mine) {
            out.push(
                Diagnostic::new(
                    Code::W0402,
                    Severity::Warning,
                    fact_location(f),
                    format!(
                        "the report states two different figures for {}: {} and {}",
                        f.concept.local,
                        index.terms.describe(primary[0]),
                        index.terms.describe(f)
                    ),
                )
                .with_hint("a finding about the source report: ask the preparer which figure is right")
                .with_facts(std::iter::once(primary[0].id.clone()).chain(std::iter::once(f.id.clone()))),
            );
        }
    }
    out
}

/// OIM/Arelle rule: equal `decimals` need equal values, and all value ranges must overlap.
/// Linear in the size of the group.
fn consistent(group: &[&Fact]) -> bool {
    let numeric = group.iter().all(|f| matches!(f.value, FactValue::Number(_)));
    if !numeric {
        return group.iter().all(|f| f.value == group[0].value);
    }
    let mut by_decimals: std::collections::HashMap<Option<i32>, &FactValue> = Default::default();
    for f in group {
        if *by_decimals.entry(f.decimals).or_insert(&f.value) != &f.value {
            return false;
        }
    }
    bound(group).is_some()
}

/// The figures of a group of duplicates, the first few of them for a long group.
fn figures(index: &FactIndex, group: &[&Fact]) -> String {
    const SHOWN: usize = 10;
    let mut s: Vec<String> = group.iter().take(SHOWN).map(|f| index.terms.describe(f)).collect();
    if group.len() > SHOWN {
        s.push(format!("and {} more", group.len() - SHOWN));
    }
    s.join("; ")
}
