//! Diagnostics: what esgx found, where, and what to do about it.
//!
//! Every finding has a stable code, a severity, a message, a location in the input and, where one
//! helps, a hint. Renderers turn a list of them into text for people or JSON for machines.

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// Where a finding points: a file, and inside it a line (CSV, XML) or a JSON pointer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
}

impl Location {
    pub fn file(file: impl Into<String>) -> Self {
        Location { file: file.into(), ..Default::default() }
    }
    pub fn pointer(file: impl Into<String>, pointer: impl Into<String>) -> Self {
        Location { file: file.into(), line: None, pointer: Some(pointer.into()) }
    }
    pub fn line(file: impl Into<String>, line: u64) -> Self {
        Location { file: file.into(), line: Some(line), pointer: None }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(p) = &self.pointer {
            write!(f, "#{p}")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub location: Location,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Ids of the facts involved, when the finding is about facts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<String>,
    /// What a finding without facts is about (a requirement code, say), for stable identity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// A stable identity of the finding across runs, for baselines and code scanning: its code
    /// and what it is about (the facts' concept, period and breakdown, not their ids).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub fingerprint: String,
}

/// Messages quote values; a hostile input's value can be megabytes long. Past this many
/// characters a message is cut.
pub const MAX_MESSAGE_CHARS: usize = 2_000;

fn cut(message: String) -> String {
    if message.len() <= MAX_MESSAGE_CHARS {
        return message;
    }
    let total = message.chars().count();
    if total <= MAX_MESSAGE_CHARS {
        return message;
    }
    let mut s: String = message.chars().take(MAX_MESSAGE_CHARS).collect();
    s.push_str(&format!("… ({} more characters)", total - MAX_MESSAGE_CHARS));
    s
}

impl Diagnostic {
    pub fn new(code: &'static str, severity: Severity, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity,
            message: cut(message.into()),
            location,
            hint: None,
            facts: Vec::new(),
            subject: None,
            fingerprint: String::new(),
        }
    }
    pub fn error(code: &'static str, location: Location, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, location, message)
    }
    pub fn warning(code: &'static str, location: Location, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, location, message)
    }
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    pub fn with_subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }
    pub fn with_facts(mut self, facts: impl IntoIterator<Item = String>) -> Self {
        self.facts.extend(facts);
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]: {}\n  --> {}", self.severity, self.code, self.message, self.location)?;
        if !self.facts.is_empty() {
            write!(f, "\n  = facts: {}", self.facts.join(", "))?;
        }
        if let Some(h) = &self.hint {
            write!(f, "\n  = help: {h}")?;
        }
        Ok(())
    }
}

/// Counts by severity, as written into the manifest and the JSON rendering.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of(diags: &[Diagnostic]) -> Self {
        let mut s = Summary::default();
        for d in diags {
            match d.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
        }
        s
    }
}

pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error)
}
