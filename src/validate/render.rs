//! Renderings of validation results: for people (annotated like rustc, colour on a terminal
//! only), as JSON for pipelines, and as SARIF 2.1.0 for code-scanning tools.

use super::ValidationResult;
use crate::diag::{Diagnostic, Severity};
use serde_json::{Value, json};
use std::fmt::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
}

pub fn render(result: &ValidationResult, format: Format, colour: bool) -> String {
    match format {
        Format::Human => human(result, colour),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&json(result)).expect("result serializes");
            s.push('\n');
            s
        }
        Format::Sarif => {
            let mut s = serde_json::to_string_pretty(&sarif(result)).expect("SARIF serializes");
            s.push('\n');
            s
        }
    }
}

fn paint(colour: bool, code: &str, text: &str) -> String {
    if colour { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
}

pub fn human_diagnostic(d: &Diagnostic, colour: bool) -> String {
    let (sev, c) = match d.severity {
        Severity::Error => ("error", "1;31"),
        Severity::Warning => ("warning", "1;33"),
        Severity::Info => ("info", "1;36"),
    };
    let mut s = format!(
        "{}{} {}\n",
        paint(colour, c, &format!("{sev}[{}]", d.code)),
        paint(colour, "1", ":"),
        paint(colour, "1", &d.message)
    );
    let _ = writeln!(s, "  {} {}", paint(colour, "1;34", "-->"), d.location);
    if !d.facts.is_empty() {
        let _ = writeln!(s, "  {} facts: {}", paint(colour, "1;34", "="), d.facts.join(", "));
    }
    if let Some(h) = &d.hint {
        let _ = writeln!(s, "  {} {}", paint(colour, "1;34", "= help:"), h);
    }
    s
}

fn human(r: &ValidationResult, colour: bool) -> String {
    let mut s = String::new();
    for d in &r.diagnostics {
        s.push_str(&human_diagnostic(d, colour));
        s.push('\n');
    }
    if !r.coverage.is_empty() {
        let missing: Vec<&str> =
            r.coverage.iter().filter(|c| c.status == super::Coverage::Missing).map(|c| c.code.as_str()).collect();
        let reported = r.coverage.iter().filter(|c| c.status == super::Coverage::Reported).count();
        let explained = r.coverage.iter().filter(|c| c.status == super::Coverage::Explained).count();
        let _ = writeln!(
            s,
            "coverage ({}): {} requirements, {reported} reported, {explained} explained, {} missing{}",
            r.framework,
            r.coverage.len(),
            missing.len(),
            if missing.is_empty() { String::new() } else { format!(": {}", missing.join(", ")) }
        );
    }
    let sum = r.summary();
    let _ = writeln!(s, "{}: {} errors, {} warnings, {} infos", r.input, sum.errors, sum.warnings, sum.infos);
    s
}

fn json(r: &ValidationResult) -> Value {
    json!({
        "tool": {"name": "esgx", "version": env!("CARGO_PKG_VERSION")},
        "input": r.input,
        "kind": r.kind,
        "framework": r.framework,
        "summary": r.summary(),
        "diagnostics": r.diagnostics,
        "coverage": r.coverage,
        "facts": r.facts,
        "baselined": r.baselined,
    })
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn sarif(r: &ValidationResult) -> Value {
    let mut rules: Vec<&'static str> = r.diagnostics.iter().map(|d| d.code).collect();
    rules.sort();
    rules.dedup();
    let rule_objs: Vec<Value> = rules
        .iter()
        .map(|code| {
            json!({
                "id": code,
                "shortDescription": {"text": super::codes::describe(code)},
            })
        })
        .collect();
    let results: Vec<Value> = r
        .diagnostics
        .iter()
        .map(|d| {
            let mut region = serde_json::Map::new();
            region.insert("startLine".into(), json!(d.location.line.unwrap_or(1)));
            let mut loc = json!({
                "physicalLocation": {
                    "artifactLocation": {"uri": uri(&d.location.file)},
                    "region": Value::Object(region),
                }
            });
            if let Some(p) = &d.location.pointer {
                loc["logicalLocations"] = json!([{"fullyQualifiedName": p, "kind": "element"}]);
            }
            let mut text = d.message.clone();
            if let Some(h) = &d.hint {
                text.push_str(&format!(" Help: {h}"));
            }
            let mut res = json!({
                "ruleId": d.code,
                "ruleIndex": rules.iter().position(|c| *c == d.code).unwrap_or(0),
                "level": sarif_level(d.severity),
                "message": {"text": text},
                "locations": [loc],
                "partialFingerprints": {"esgxFinding/v1": super::baseline::fingerprint(d)},
            });
            if !d.facts.is_empty() {
                res["properties"] = json!({"facts": d.facts});
            }
            res
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "esgx",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rule_objs,
            }},
            "results": results,
        }]
    })
}

/// A relative file path as a SARIF URI reference (forward slashes, spaces escaped).
fn uri(file: &str) -> String {
    file.replace('\\', "/").replace(' ', "%20")
}
