//! Baselines: findings accepted on purpose, so that CI fails only on new ones. A finding is
//! identified by its code and the facts it is about (or, for findings without facts, its code
//! and location), never by its wording, which may improve.

use crate::diag::Diagnostic;
use serde::{Deserialize, Serialize};

/// A baseline file: the findings accepted on purpose, which later runs leave out.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Baseline {
    /// The baseline format's version (`1`).
    pub version: String,
    /// The accepted findings (sorted by fingerprint, as esgx writes them).
    pub accepted: Vec<Entry>,
}

/// One accepted finding.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    /// The finding's code (e.g. `W0301`).
    pub code: String,
    /// The finding's identity (see [`fingerprint`]).
    pub fingerprint: String,
    /// For people reading the file: what the finding said when it was accepted.
    #[serde(default)]
    pub message: String,
}

/// A finding's identity: the one assigned from the report, or its code and location.
pub fn fingerprint(d: &Diagnostic) -> String {
    if !d.fingerprint.is_empty() {
        return d.fingerprint.clone();
    }
    match &d.subject {
        Some(s) => format!("{}:{s}", d.code),
        None => format!("{}@{}", d.code, d.location),
    }
}

/// Give each finding about facts an identity made of what the facts are (concept, period,
/// breakdown), so that it survives facts being added, removed or renumbered.
pub fn assign_fingerprints(diags: &mut [Diagnostic], report: &crate::report::Report) {
    use rayon::prelude::*;
    let key: foldhash::HashMap<&str, String> = (super::named_facts(diags, report).into_par_iter())
        .map(|f| {
            let dims: Vec<String> = f.dimensions.iter().map(|(a, m)| format!("{}={}", a, m)).collect();
            (f.id.as_str(), format!("{}@{}[{}]", f.concept, f.period, dims.join(",")))
        })
        .collect();
    diags.par_iter_mut().filter(|d| !d.facts.is_empty()).for_each(|d| {
        let mut parts: Vec<&str> = d.facts.iter().map(|id| key.get(id.as_str()).unwrap_or(id).as_str()).collect();
        parts.par_sort_unstable();
        parts.dedup();
        d.fingerprint = format!("{}:{}", d.code, parts.join(";"));
    });
}

impl Baseline {
    /// A baseline that accepts every one of these findings.
    pub fn of(diags: &[Diagnostic]) -> Self {
        let mut accepted: Vec<Entry> = diags
            .iter()
            .map(|d| Entry { code: d.code.to_string(), fingerprint: fingerprint(d), message: d.message.clone() })
            .collect();
        accepted.sort_by(|a, b| a.fingerprint.cmp(&b.fingerprint));
        accepted.dedup_by(|a, b| a.fingerprint == b.fingerprint);
        Baseline { version: "1".into(), accepted }
    }

    /// Read a baseline from its JSON text.
    pub fn parse(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| format!("not an esgx baseline: {e}"))
    }

    /// Remove accepted findings; returns how many were removed.
    pub fn apply(&self, diags: &mut Vec<Diagnostic>) -> usize {
        let before = diags.len();
        diags.retain(|d| {
            let fp = fingerprint(d);
            !self.accepted.iter().any(|e| e.fingerprint == fp)
        });
        before - diags.len()
    }
}
