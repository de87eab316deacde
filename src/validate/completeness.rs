//! Completeness, "comply or explain": for the framework version a report follows, each
//! requirement is reported (a fact of a concept that references it), explained (an omission of
//! such a concept) or missing.

use super::FactIndex;
use crate::diag::{Diagnostic, Location, Severity};
use crate::report::{FactValue, Period};
use crate::taxonomy::Taxonomy;
use crate::taxonomy::source::Level;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Coverage {
    Reported,
    Explained,
    Missing,
}

#[derive(Debug, Clone, Serialize)]
pub struct CoverageRow {
    pub code: String,
    pub level: Level,
    pub title: String,
    pub status: Coverage,
    pub facts: Vec<String>,
}

pub fn check(
    index: &FactIndex,
    tax: &Taxonomy,
    framework: &str,
    reporting: Option<&Period>,
    origin: &Location,
) -> (Vec<CoverageRow>, Vec<Diagnostic>) {
    let mut rows = Vec::new();
    let mut diags = Vec::new();
    for r in tax.requirements.iter().filter(|r| r.frameworks.iter().any(|f| f == framework)) {
        let concepts = tax.requirement_concepts(&r.code);
        let facts: Vec<&crate::report::Fact> = index
            .facts
            .iter()
            .copied()
            .filter(|f| concepts.contains(&&*f.concept.local) && f.period.belongs_to(reporting))
            .collect();
        let status = if facts.iter().any(|f| f.value != FactValue::Nil) {
            Coverage::Reported
        } else if !facts.is_empty() {
            Coverage::Explained
        } else {
            Coverage::Missing
        };
        if status == Coverage::Missing {
            let (code, what) = match r.level {
                Level::Mandatory => ("W0602", "mandatory disclosure"),
                _ => ("W0601", "comply-or-explain requirement"),
            };
            diags.push(
                Diagnostic::new(code, Severity::Warning, origin.clone(), format!("{what} {} ({}) is neither reported nor explained", r.code, r.labels.en.strip_prefix(r.code.as_str()).unwrap_or(&r.labels.en).trim()))
                    .with_subject(r.code.clone())
                    .with_hint(format!(
                        "report one of {} or explain its omission (\"omission\": {{\"reason\": \"not-applicable\", \"explanation\": \"...\"}})",
                        if concepts.is_empty() { "its concepts".to_string() } else { concepts.join(", ") }
                    )),
            );
        }
        rows.push(CoverageRow {
            code: r.code.clone(),
            level: r.level,
            title: r.labels.en.clone(),
            status,
            facts: facts.iter().map(|f| f.id.clone()).collect(),
        });
    }
    (rows, diags)
}
