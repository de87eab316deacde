//! CSV datasets: one row per figure, with the same fields as the JSON form's facts as columns.
//! The rest of the dataset (entity, periods, sources, extensions) sits beside the CSV in
//! `<name>.meta.json`. Rows are turned into the JSON form and checked by the same schema; a
//! schema error is reported at the CSV line it came from.

use super::Dataset;
use crate::diag::Code;
use crate::diag::{Diagnostic, Location};
use crate::input::{decode_text, parse_json};
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

/// Columns a CSV dataset may have; those in [`REQUIRED`] must be there, and none twice.
pub const COLUMNS: &[&str] = &[
    "id",
    "concept",
    "value",
    "unit",
    "period",
    "dimensions",
    "decimals",
    "qualifier",
    "omission_reason",
    "omission_explanation",
    "source_document",
    "source_section",
    "source_page",
    "source_line",
    "source_quote",
    "note",
    "label",
    "label_zh",
    "hint",
];

/// Columns every CSV dataset has: without `value` every figure would be read as not filled in.
pub const REQUIRED: &[&str] = &["concept", "value", "period", "source_document"];

/// The metadata file beside a CSV dataset: `NAME.csv` → `NAME.meta.json`.
pub fn meta_path(csv_path: &Path) -> PathBuf {
    csv_path.with_extension("meta.json")
}

/// Read a CSV dataset from its bytes, with its `.meta.json` beside it; `shown` is how findings
/// name the file.
pub fn read(path: &Path, shown: &str, bytes: Vec<u8>) -> Result<Dataset, Vec<Diagnostic>> {
    let meta_file = meta_path(path);
    let meta_shown = meta_file.display().to_string();
    let meta_bytes = crate::input::read_file(&meta_file, &meta_shown).map_err(|d| {
        vec![d.with_hint(format!("a CSV dataset needs its entity, periods and sources in {meta_shown} (the JSON dataset format without `facts`)"))]
    })?;
    let meta_text = decode_text(&meta_shown, &meta_bytes).map_err(|d| vec![d])?;
    let mut meta = parse_json(&meta_shown, &meta_text).map_err(|d| vec![d])?;
    let Some(obj) = meta.as_object_mut() else {
        return Err(vec![Diagnostic::error(
            Code::E0100,
            Location::file(&meta_shown),
            "the metadata must be a JSON object",
        )]);
    };
    if obj.contains_key("facts") {
        return Err(vec![Diagnostic::error(
            Code::E0100,
            Location::pointer(&meta_shown, "/facts"),
            "the metadata of a CSV dataset must not hold facts; they are the CSV's rows",
        )]);
    }
    let text = decode_text(shown, &bytes).map_err(|d| vec![d])?;
    let (facts, lines) = rows(shown, &text)?;
    obj.insert("facts".into(), Value::Array(facts));
    let locations = super::FactLocations::Each(lines.iter().map(|l| Location::line(shown, *l)).collect());
    let locate = |pointer: &str| -> Location {
        if let Some(rest) = pointer.strip_prefix("/facts/") {
            let idx = rest.split('/').next().and_then(|s| s.parse::<usize>().ok());
            if let Some(line) = idx.and_then(|i| lines.get(i)) {
                let field = rest.split_once('/').map(|(_, f)| f).unwrap_or("");
                return Location {
                    file: shown.to_string(),
                    line: Some(*line),
                    pointer: (!field.is_empty()).then(|| format!("/{field}")),
                    ..Default::default()
                };
            }
        }
        Location::pointer(&meta_shown, pointer)
    };
    super::from_value(
        shown,
        meta,
        locations,
        &locate,
        vec![(meta_shown.clone(), meta_bytes), (shown.to_string(), bytes)],
    )
}

/// The rows as JSON facts, with the line each starts on.
fn rows(file: &str, text: &str) -> Result<(Vec<Value>, Vec<u64>), Vec<Diagnostic>> {
    let mut reader = ::csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| vec![csv_error(file, text, &e)])?
        .iter()
        .map(|h| h.trim().to_string())
        .collect::<Vec<_>>();
    let mut errs = Vec::new();
    for h in &headers {
        if !COLUMNS.contains(&h.as_str()) {
            errs.push(
                Diagnostic::error(Code::E0005, Location::line(file, 1), format!("unknown column {h:?}"))
                    .with_hint(format!("columns: {}", COLUMNS.join(", "))),
            );
        }
    }
    for (i, h) in headers.iter().enumerate() {
        if let Some(j) = headers[..i].iter().position(|g| g == h) {
            errs.push(
                Diagnostic::error(
                    Code::E0005,
                    Location::line(file, 1),
                    format!("column {h:?} appears twice (columns {} and {})", j + 1, i + 1),
                )
                .with_hint("keep one column of each name; a second one would be ignored"),
            );
        }
    }
    for req in REQUIRED {
        if !headers.iter().any(|h| h == req) {
            errs.push(
                Diagnostic::error(Code::E0005, Location::line(file, 1), format!("missing column {req:?}"))
                    .with_hint(format!("a CSV dataset has the columns {} (cells may be empty)", REQUIRED.join(", "))),
            );
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let mut facts = Vec::new();
    let mut lines = Vec::new();
    let mut counter = crate::input::LineCounter::new(text);
    for rec in reader.records() {
        let rec = rec.map_err(|e| vec![csv_error(file, text, &e)])?;
        // A record "starts" at the line break before it when lines end in CRLF: step over it.
        let line = rec.position().map_or(0, |p| {
            let mut at = p.byte() as usize;
            while matches!(text.as_bytes().get(at), Some(b'\r' | b'\n')) {
                at += 1;
            }
            counter.line(at as u64)
        });
        // Names, numbers and codes are trimmed (spreadsheets add stray spaces); free text is kept
        // exactly as written.
        let free_text = |name: &str| {
            matches!(
                name,
                "source_quote" | "source_section" | "note" | "omission_explanation" | "label" | "label_zh" | "hint"
            )
        };
        let cell = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .and_then(|i| rec.get(i))
                .map(|c| if free_text(name) { c } else { c.trim() })
                .filter(|s| !s.trim().is_empty())
        };
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut fact = Map::new();
        for (col, key) in [
            ("id", "id"),
            ("concept", "concept"),
            ("value", "value"),
            ("unit", "unit"),
            ("period", "period"),
            ("qualifier", "qualifier"),
            ("note", "note"),
            ("label", "label"),
            ("label_zh", "labelZh"),
            ("hint", "hint"),
        ] {
            if let Some(v) = cell(col) {
                fact.insert(key.into(), json!(v));
            }
        }
        if let Some(d) = cell("dimensions") {
            let mut dims = Map::new();
            for pair in d.split(';').map(str::trim).filter(|p| !p.is_empty()) {
                let Some((axis, member)) = pair.split_once('=') else {
                    errs.push(
                        Diagnostic::error(
                            Code::E0006,
                            Location::line(file, line),
                            format!("dimension {pair:?} is not AXIS=MEMBER"),
                        )
                        .with_hint(
                            "write dimensions as Axis=Member pairs separated by ';', e.g. GenderAxis=FemaleMember",
                        ),
                    );
                    continue;
                };
                dims.insert(axis.trim().into(), json!(member.trim()));
            }
            fact.insert("dimensions".into(), Value::Object(dims));
        }
        if let Some(d) = cell("decimals") {
            let v = if d.eq_ignore_ascii_case("INF") {
                json!("INF")
            } else {
                match d.parse::<i64>() {
                    Ok(n) => json!(n),
                    Err(_) => json!(d), // the schema reports it, at this line
                }
            };
            fact.insert("decimals".into(), v);
        }
        if cell("omission_reason").is_some() || cell("omission_explanation").is_some() {
            let mut om = Map::new();
            if let Some(r) = cell("omission_reason") {
                om.insert("reason".into(), json!(r));
            }
            if let Some(r) = cell("omission_explanation") {
                om.insert("explanation".into(), json!(r));
            }
            fact.insert("omission".into(), Value::Object(om));
        }
        let mut src = Map::new();
        if let Some(v) = cell("source_document") {
            src.insert("document".into(), json!(v));
        }
        if let Some(v) = cell("source_section") {
            src.insert("section".into(), json!(v));
        }
        if let Some(v) = cell("source_quote") {
            src.insert("quote".into(), json!(v));
        }
        for key in ["page", "line"] {
            if let Some(v) = cell(&format!("source_{key}")) {
                match v.parse::<u64>() {
                    Ok(n) => src.insert(key.into(), json!(n)),
                    Err(_) => src.insert(key.into(), json!(v)),
                };
            }
        }
        fact.insert("source".into(), Value::Object(src));
        facts.push(Value::Object(fact));
        lines.push(line);
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    Ok((facts, lines))
}

/// The 1-based line of a byte offset. (The CSV reader's own line count is off by one on files
/// with CRLF line ends, which spreadsheets write.)
fn line_at(text: &str, byte: u64) -> u64 {
    crate::input::LineCounter::new(text).line(byte)
}

fn csv_error(file: &str, text: &str, e: &::csv::Error) -> Diagnostic {
    let line = e.position().map_or(1, |p| line_at(text, p.byte()));
    let msg = match e.kind() {
        ::csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("this row has {len} fields but the header has {expected_len}")
        }
        ::csv::ErrorKind::Utf8 { .. } => "the row is not valid UTF-8".to_string(),
        _ => format!("CSV: {e}"),
    };
    Diagnostic::error(Code::E0006, Location::line(file, line), msg)
        .with_hint("check the quoting and the number of commas on that line (a quoted field must end with a quote)")
}

/// Write a dataset's facts as CSV rows (the metadata goes to `<name>.meta.json`).
pub fn facts_to_csv(doc: &super::DatasetDoc) -> String {
    let mut w = ::csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(COLUMNS).expect("write to memory");
    for f in &doc.facts {
        let dims = f.dimensions.iter().map(|(a, m)| format!("{a}={m}")).collect::<Vec<_>>().join(";");
        let decimals = match f.decimals {
            Some(super::DecimalsSpec::Finite(d)) => d.to_string(),
            Some(super::DecimalsSpec::Inf(_)) => "INF".into(),
            None => String::new(),
        };
        let opt = |o: &Option<String>| o.clone().unwrap_or_default();
        let num = |o: Option<u32>| o.map(|n| n.to_string()).unwrap_or_default();
        let row = [
            opt(&f.id),
            f.concept.clone(),
            opt(&f.value),
            opt(&f.unit),
            f.period.clone(),
            dims,
            decimals,
            opt(&f.qualifier),
            f.omission.as_ref().map(|o| o.reason.clone()).unwrap_or_default(),
            f.omission.as_ref().map(|o| o.explanation.clone()).unwrap_or_default(),
            f.source.document.clone(),
            opt(&f.source.section),
            num(f.source.page),
            num(f.source.line),
            opt(&f.source.quote),
            opt(&f.note),
            opt(&f.label),
            opt(&f.label_zh),
            opt(&f.hint),
        ];
        w.write_record(&row).expect("write to memory");
    }
    String::from_utf8(w.into_inner().expect("flush to memory")).expect("CSV of UTF-8 strings is UTF-8")
}
