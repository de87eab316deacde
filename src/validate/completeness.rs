//! Completeness, "comply or explain": for the framework version a report follows, each
//! requirement is reported (a fact of a concept that references it), explained (an omission of
//! such a concept) or missing.

use super::FactIndex;
use crate::diag::Code;
use crate::diag::{Diagnostic, Location, Severity};
use crate::report::{FactValue, Period};
use crate::taxonomy::Taxonomy;
use crate::taxonomy::source::Level;
use foldhash::{HashMap, HashMapExt};
use serde::Serialize;

/// How a disclosure requirement is covered in the reporting period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Coverage {
    /// A fact of a concept that references the requirement has a value.
    Reported,
    /// Such a concept's figure is omitted with an explanation (or nil), and none has a value.
    Explained,
    /// No fact of any concept that references the requirement.
    Missing,
}

/// One disclosure requirement of the framework version, and how the report covers it.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageRow {
    /// The requirement's code (e.g. `A1.2`).
    pub code: String,
    /// How strongly the framework asks for it.
    pub level: Level,
    /// The requirement's English label.
    pub title: String,
    /// Reported, explained or missing.
    pub status: Coverage,
    /// The ids of the facts (in the reporting period) of the concepts that reference it.
    pub facts: Vec<String>,
}

/// Check each requirement of the framework version `framework`: a row for each, and a warning
/// (W0601, W0602 for a mandatory one) at `origin` for each that is missing.
pub fn check(
    index: &FactIndex,
    tax: &Taxonomy,
    framework: &str,
    reporting: Option<&Period>,
    origin: &Location,
) -> (Vec<CoverageRow>, Vec<Diagnostic>) {
    let mut rows = Vec::new();
    let mut diags = Vec::new();
    // The positions of the reporting period's facts by concept, in one pass over the facts
    // (not one per requirement: a report of a million facts does not fit in the cache).
    let mut by_concept: HashMap<&str, Vec<u32>> = HashMap::new();
    for (i, f) in index.facts.iter().enumerate() {
        if f.period.belongs_to(reporting) {
            by_concept.entry(&f.concept.local).or_default().push(i as u32);
        }
    }
    for r in tax.requirements.iter().filter(|r| r.frameworks.iter().any(|f| f == framework)) {
        let concepts = tax.requirement_concepts(&r.code);
        let mut at: Vec<u32> = concepts.iter().filter_map(|c| by_concept.get(c)).flatten().copied().collect();
        at.sort_unstable();
        at.dedup();
        let facts: Vec<&crate::report::Fact> = at.iter().map(|&i| index.facts[i as usize]).collect();
        let status = if facts.iter().any(|f| f.value != FactValue::Nil) {
            Coverage::Reported
        } else if !facts.is_empty() {
            Coverage::Explained
        } else {
            Coverage::Missing
        };
        if status == Coverage::Missing {
            let (code, what) = match r.level {
                Level::Mandatory => (Code::W0602, "mandatory disclosure"),
                _ => (Code::W0601, "comply-or-explain requirement"),
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
