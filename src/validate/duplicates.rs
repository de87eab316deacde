//! Duplicate facts (OIM): the same concept reported twice for the same context. Consistent
//! duplicates (the same figure printed with other precision) are fine; inconsistent ones are two
//! different answers to one question.

use super::{FactIndex, describe, fact_location};
use crate::diag::{Diagnostic, Severity};
use crate::report::{Fact, FactValue};
use crate::value::interval;

pub fn check(index: &FactIndex) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut groups: Vec<_> = index.by_aspects.values().filter(|g| g.len() > 1).collect();
    groups.sort_by_key(|g| &g[0].id);
    for group in groups {
        if consistent(group) {
            continue;
        }
        let first = group[0];
        let figures: Vec<String> = group.iter().map(|f| describe(f)).collect();
        out.push(
            Diagnostic::new(
                "W0401",
                Severity::Warning,
                fact_location(group[1]),
                format!("{} is reported {} times for the same period and breakdown with different values: {}", first.concept, group.len(), figures.join("; ")),
            )
            .with_hint("if the report states two figures, keep both but mark the one that is not the primary statement with the dimension StatementAxis = OtherStatementMember")
            .with_facts(group.iter().map(|f| f.id.clone())),
        );
    }
    out
}

/// OIM/Arelle rule: equal `decimals` need equal values, and all value ranges must overlap.
fn consistent(group: &[&Fact]) -> bool {
    let mut lo_max = None;
    let mut hi_min = None;
    for (i, f) in group.iter().enumerate() {
        match &f.value {
            FactValue::Number(v) => {
                for g in &group[..i] {
                    if let FactValue::Number(w) = g.value
                        && g.decimals == f.decimals
                        && w != *v
                    {
                        return false;
                    }
                }
                let (lo, hi) = interval(*v, f.decimals);
                lo_max = Some(lo_max.map_or(lo, |m: rust_decimal::Decimal| m.max(lo)));
                hi_min = Some(hi_min.map_or(hi, |m: rust_decimal::Decimal| m.min(hi)));
            }
            other => {
                if group[..i].iter().any(|g| &g.value != other) {
                    return false;
                }
            }
        }
    }
    match (lo_max, hi_min) {
        (Some(lo), Some(hi)) => {
            lo <= hi
                && group
                    .iter()
                    .all(|f| matches!(f.value, FactValue::Number(_)))
        }
        _ => true,
    }
}
