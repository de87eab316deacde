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

/// Text from the input made safe for a terminal: control characters (escape sequences, BEL,
/// line breaks) and the bidirectional overrides that can disguise text are shown escaped, so an
/// input cannot clear the screen, forge extra findings or reorder what is shown.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}') {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Columns a character takes on a terminal: two for East Asian wide characters.
fn width(c: char) -> usize {
    match c as u32 {
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 => 2,
        _ => 1,
    }
}

/// The source line with the offending text underlined, cut to a window around it when long.
fn snippet(line_text: &str, column: Option<u32>, end_column: Option<u32>) -> (String, String) {
    const CONTEXT: usize = 60;
    let chars: Vec<char> = line_text.chars().collect();
    let (start, end) = match (column, end_column) {
        (Some(c), Some(e)) if c >= 1 && e > c => ((c - 1) as usize, (e - 1) as usize),
        (Some(c), _) if c >= 1 => ((c - 1) as usize, c as usize),
        _ => (0, 0),
    };
    let start = start.min(chars.len());
    let end = end.clamp(start, chars.len());
    let from = start.saturating_sub(CONTEXT);
    let to = (end + CONTEXT).min(chars.len()).max(from);
    let mut text = String::new();
    let mut marks = String::new();
    if from > 0 {
        text.push('…');
        marks.push(' ');
    }
    let shown_end = end.min(start + 2 * CONTEXT);
    for (i, &c) in chars.iter().enumerate().take(to).skip(from) {
        let shown = if c == '\t' { " ".to_string() } else { printable(&c.to_string()) };
        let w: usize = shown.chars().map(width).sum();
        text.push_str(&shown);
        let mark = if i >= start && i < shown_end { '^' } else { ' ' };
        marks.extend(std::iter::repeat_n(mark, w));
    }
    if to < chars.len() {
        text.push('…');
    }
    (text.trim_end().to_string(), marks.trim_end().to_string())
}

/// One finding for people, like rustc: the message, where it is, the source line with the
/// offending value underlined, the facts involved and a hint.
pub fn human_diagnostic(d: &Diagnostic, colour: bool) -> String {
    let (sev, c) = match d.severity {
        Severity::Error => ("error", "1;31"),
        Severity::Warning => ("warning", "1;33"),
        Severity::Info => ("info", "1;36"),
    };
    let loc = &d.location;
    let gutter = loc.line.map_or(1, |l| l.to_string().len());
    let pad = " ".repeat(gutter);
    let blue = |t: &str| paint(colour, "1;34", t);
    let mut s = format!(
        "{}{} {}\n",
        paint(colour, c, &format!("{sev}[{}]", d.code)),
        paint(colour, "1", ":"),
        paint(colour, "1", &printable(&d.message))
    );
    let _ = writeln!(s, "{pad}{} {}", blue("-->"), printable(&loc.to_string()));
    if let (Some(line), Some(text)) = (loc.line, &loc.source_line) {
        let (shown, marks) = snippet(text, loc.column, loc.end_column);
        let _ = writeln!(s, "{pad} {}", blue("|"));
        let _ = writeln!(s, "{} {} {}", blue(&line.to_string()), blue("|"), shown);
        if !marks.trim().is_empty() {
            let _ = writeln!(s, "{pad} {} {}", blue("|"), paint(colour, c, &marks));
        }
        let _ = writeln!(s, "{pad} {}", blue("|"));
    }
    if !d.facts.is_empty() {
        let _ = writeln!(s, "{pad} {} facts: {}", blue("="), printable(&d.facts.join(", ")));
    }
    if let Some(h) = &d.hint {
        let _ = writeln!(s, "{pad} {} {}", blue("= help:"), printable(h));
    }
    s
}

/// "1 error", "2 errors".
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
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
                "helpUri": help_uri(code),
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

/// Where each code is explained: its row in docs/diagnostics.md.
pub const DOCS_URL: &str = "https://esgx.dev/docs/diagnostics.md";

pub fn help_uri(code: &str) -> String {
    format!("{DOCS_URL}#{}", code.to_ascii_lowercase())
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
