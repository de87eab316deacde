//! Renderings of validation results: for people (annotated like rustc, colour on a terminal
//! only), as JSON for pipelines, and as SARIF 2.1.0 for code-scanning tools.

use super::ValidationResult;
use crate::diag::{Code, Severity};
pub use crate::diag::{human_diagnostic, plural, printable};
use serde_json::{Value, json};
use std::fmt::Write;

/// How to print validation results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For people: annotated like rustc, with the input's line and the offending value underlined.
    Human,
    /// JSON for pipelines: diagnostics, summary, coverage and the facts the findings name.
    Json,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
}

/// The results as text in the format asked for; `colour` adds ANSI colours to the human format.
pub fn render(result: &ValidationResult, format: Format, colour: bool) -> String {
    let mut out = Vec::new();
    write(result, format, colour, &mut out).expect("writing to memory does not fail");
    String::from_utf8(out).expect("the renderings are UTF-8")
}

/// [`render`] written to `out` as it is made, never held whole: the JSON of the findings on a
/// 1M-fact filing is 327 MB.
pub fn write(
    result: &ValidationResult,
    format: Format,
    colour: bool,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Human => out.write_all(human(result, colour).as_bytes()),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &json(result))?;
            out.write_all(b"\n")
        }
        Format::Sarif => {
            serde_json::to_writer_pretty(&mut *out, &sarif(result))?;
            out.write_all(b"\n")
        }
    }
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
            "coverage ({}): {}, {reported} reported, {explained} explained, {} missing{}",
            printable(&r.framework),
            plural(r.coverage.len(), "requirement"),
            missing.len(),
            if missing.is_empty() { String::new() } else { format!(": {}", missing.join(", ")) }
        );
    }
    let sum = r.summary();
    let mut tail = format!(
        "{}: {}, {}, {}",
        printable(&r.input),
        plural(sum.errors, "error"),
        plural(sum.warnings, "warning"),
        plural(sum.infos, "info")
    );
    if r.baselined > 0 {
        tail.push_str(&format!(" ({} accepted by the baseline)", plural(r.baselined, "finding")));
    }
    let _ = writeln!(s, "{tail}");
    s
}

/// The JSON Schema of the JSON output (`schema/validation.schema.json`), by its `$id`.
pub const SCHEMA_ID: &str = "https://esgx.dev/schema/validation-1.json";

/// The JSON output, serialized straight from the results: made into a tree first, the findings
/// on a 1M-fact filing (327 MB of JSON, most of it the facts they name) took 2.5 GB (max RSS).
#[derive(serde::Serialize)]
struct JsonOut<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    tool: Tool,
    input: &'a str,
    kind: &'a str,
    framework: &'a str,
    summary: crate::diag::Summary,
    diagnostics: &'a [crate::diag::Diagnostic],
    coverage: &'a [super::completeness::CoverageRow],
    facts: &'a std::collections::BTreeMap<String, super::FactSummary>,
    baselined: usize,
}

#[derive(serde::Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

fn json(r: &ValidationResult) -> JsonOut<'_> {
    JsonOut {
        schema: SCHEMA_ID,
        tool: Tool { name: "esgx", version: env!("CARGO_PKG_VERSION") },
        input: &r.input,
        kind: r.kind,
        framework: &r.framework,
        summary: r.summary(),
        diagnostics: &r.diagnostics,
        coverage: &r.coverage,
        facts: &r.facts,
        baselined: r.baselined,
    }
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn sarif(r: &ValidationResult) -> Value {
    let mut rules: Vec<Code> = r.diagnostics.iter().map(|d| d.code).collect();
    rules.sort();
    rules.dedup();
    let rule_objs: Vec<Value> = rules
        .iter()
        .map(|code| {
            json!({
                "id": code,
                "shortDescription": {"text": code.title()},
                "helpUri": code.help_url(),
            })
        })
        .collect();
    let results: Vec<Value> = r
        .diagnostics
        .iter()
        .map(|d| {
            let mut region = serde_json::Map::new();
            region.insert("startLine".into(), json!(d.location.line.unwrap_or(1)));
            if let (Some(c), Some(e)) = (d.location.column, d.location.end_column) {
                region.insert("startColumn".into(), json!(c));
                region.insert("endColumn".into(), json!(e));
            }
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

/// A file as a SARIF URI reference: relative to the working directory where it lies below it
/// (as code-scanning tools expect), an absolute `file:` URI otherwise.
fn uri(file: &str) -> String {
    let path = std::path::Path::new(file);
    let cwd = std::env::current_dir().ok();
    let (text, absolute) = match cwd.as_deref().and_then(|c| path.strip_prefix(c).ok()) {
        Some(rel) if path.is_absolute() => (rel.display().to_string(), false),
        _ => (file.to_string(), path.is_absolute()),
    };
    let mut out = String::new();
    for b in text.replace('\\', "/").bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    if absolute { format!("file://{out}") } else { out }
}
