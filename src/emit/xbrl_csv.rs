//! xBRL-CSV (XBRL Open Information Model 1.0, CSV representation): a metadata JSON file that
//! describes one table, and the table, one row per fact.
//!
//! The table template maps each row to one fact: the `value` column is the only fact column, and
//! its aspects come from parameter columns by `$` references in the template's `dimensions`
//! (`concept`, `period`, `unit`, `language`, one column per breakdown axis the report uses) and
//! `decimals`. An empty parameter cell leaves that aspect out (no unit: a pure number; no member:
//! not broken down on that axis). The entity is the same for every fact and sits in the template.
//!
//! Where a figure is stated (document, section, page, line, quote) and its dataset record travel
//! in comment columns, which an XBRL processor ignores by definition and esgx's importer reads
//! back. Footnotes are not written: a CSV report links facts to footnotes through one metadata
//! object keyed by fact, which would put the size of the report into the metadata file.

use crate::report::{Fact, FactValue, QName, Report};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use std::collections::BTreeSet;
use std::io::{self, Write};

pub use crate::ns::XBRL_CSV_DOCUMENT_TYPE as DOCUMENT_TYPE;
/// The metadata file, which an XBRL processor opens, and the table it describes.
pub const METADATA_FILE: &str = "report-metadata.json";
/// The CSV table of facts, one row per fact.
pub const TABLE_FILE: &str = "report-facts.csv";
/// The table (and template) id.
pub const TABLE: &str = "facts";

/// The parameter columns before the axes, and the comment columns after the value.
pub const ID_COLUMN: &str = "id";
const ASPECT_COLUMNS: &[&str] = &["concept", "period", "unit", "language", "decimals"];
/// The column of the fact values.
pub const VALUE_COLUMN: &str = "value";
/// Columns that processors ignore (`comment: true`): where each figure is stated, and its dataset record.
pub const COMMENT_COLUMNS: &[&str] = &[
    "source_document",
    "source_title",
    "source_section",
    "source_page",
    "source_line",
    "source_quote",
    "reported",
    "qualifier",
    "omission_reason",
    "omission_explanation",
    "note",
    "dataset_record",
];

/// The writer of the xBRL-CSV report.
pub struct XbrlCsv;

impl super::Writer for XbrlCsv {
    fn name(&self) -> &'static str {
        "xbrl-csv"
    }
    fn describe(&self) -> &'static str {
        "xBRL-CSV report, report-metadata.json and report-facts.csv"
    }
    fn write(&self, filing: &super::Filing<'_>, sink: &mut dyn super::Sink) -> io::Result<()> {
        let axes = axes(filing.report);
        sink.file(METADATA_FILE, self.name(), &mut |w| write_metadata(filing.report, &axes, w))?;
        sink.file(TABLE_FILE, self.name(), &mut |w| write_table(filing.report, &axes, w))
    }
}

/// Every axis a fact of the report is broken down on, in name order.
fn axes(report: &Report) -> Vec<&QName> {
    let set: BTreeSet<&QName> = report.facts.iter().flat_map(|f| f.dimensions.iter().map(|(a, _)| a)).collect();
    set.into_iter().collect()
}

/// The column of an axis: its prefixed name with `_` for `:` (a column id is an NCName).
pub fn axis_column(axis: &QName) -> String {
    format!("{}_{}", axis.prefix, axis.local)
}

struct Metadata<'a> {
    report: &'a Report,
    axes: &'a [&'a QName],
}

impl Serialize for Metadata<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.report;
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("documentInfo", &DocumentInfo(r))?;
        m.serialize_entry("tableTemplates", &Pairs(vec![(TABLE, template(r, self.axes))]))?;
        let table = Pairs(vec![("template", TABLE), ("url", TABLE_FILE)]);
        m.serialize_entry("tables", &Pairs(vec![(TABLE, &table)]))?;
        m.end()
    }
}

/// A JSON object from pairs, in their order.
struct Pairs<K, V>(Vec<(K, V)>);

impl<K: Serialize, V: Serialize> Serialize for Pairs<K, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

struct DocumentInfo<'a>(&'a Report);

impl Serialize for DocumentInfo<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut ns: Vec<(&str, &str)> = vec![("xbrl", crate::ns::OIM), ("xbrli", crate::ns::XBRLI)];
        ns.extend(r.namespaces.iter().filter(|(p, _)| *p != "xbrli" && *p != "xbrl").map(|(p, n)| (&**p, &**n)));
        ns.push(("scheme", &r.entity.scheme));
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("documentType", DOCUMENT_TYPE)?;
        m.serialize_entry("namespaces", &Pairs(ns))?;
        m.serialize_entry("taxonomy", &[&r.schema_ref])?;
        m.end()
    }
}

/// The table template: small (its size grows with the axes, not the facts), so built as a value.
fn template(report: &Report, axes: &[&QName]) -> serde_json::Value {
    use serde_json::{Map, Value, json};
    let mut dims = Map::new();
    dims.insert("entity".into(), format!("scheme:{}", report.entity.identifier).into());
    for c in ["concept", "period", "unit", "language"] {
        dims.insert(c.into(), format!("${c}").into());
    }
    for a in axes {
        dims.insert(a.to_string(), format!("${}", axis_column(a)).into());
    }
    let mut columns = Map::new();
    columns.insert(ID_COLUMN.into(), json!({}));
    for c in ASPECT_COLUMNS {
        columns.insert(c.to_string(), json!({}));
    }
    for a in axes {
        columns.insert(axis_column(a), json!({}));
    }
    columns.insert(VALUE_COLUMN.into(), json!({"dimensions": {}}));
    for c in COMMENT_COLUMNS {
        columns.insert(c.to_string(), json!({"comment": true}));
    }
    json!({"rowIdColumn": ID_COLUMN, "dimensions": Value::Object(dims), "decimals": "$decimals", "columns": Value::Object(columns)})
}

fn write_metadata(report: &Report, axes: &[&QName], w: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &Metadata { report, axes }).map_err(io::Error::other)?;
    w.write_all(b"\n")
}

/// A cell of the value column: xBRL-CSV gives an empty cell (no fact) and a leading `#` (a
/// special value) meanings of their own.
fn value_cell(f: &Fact) -> std::borrow::Cow<'_, str> {
    match &f.value {
        FactValue::Nil => "#nil".into(),
        FactValue::Number(n) => n.to_string().into(),
        FactValue::Text(t) if t.is_empty() => "#empty".into(),
        FactValue::Text(t) if t.starts_with('#') => format!("#{t}").into(),
        FactValue::Text(t) => t.as_str().into(),
    }
}

fn write_table(report: &Report, axes: &[&QName], w: &mut dyn Write) -> io::Result<()> {
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(w);
    let mut header: Vec<String> = vec![ID_COLUMN.into()];
    header.extend(ASPECT_COLUMNS.iter().map(|c| c.to_string()));
    header.extend(axes.iter().map(|a| axis_column(a)));
    header.push(VALUE_COLUMN.into());
    header.extend(COMMENT_COLUMNS.iter().map(|c| c.to_string()));
    out.write_record(&header)?;
    let mut row: Vec<String> = Vec::with_capacity(header.len());
    let opt = |s: Option<&str>| s.unwrap_or_default().to_string();
    let num = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
    for f in &report.facts {
        row.clear();
        row.push(f.id.clone());
        row.push(f.concept.to_string());
        row.push(f.period.oim());
        row.push(f.unit.as_ref().filter(|u| !u.is_pure()).map(|u| u.oim()).unwrap_or_default());
        row.push(opt(f.language.as_deref()));
        let decimals = f.decimals.filter(|_| matches!(f.value, FactValue::Number(_)));
        row.push(decimals.map(|d| d.to_string()).unwrap_or_default());
        let mut dims = f.dimensions.iter().peekable();
        for a in axes {
            match dims.next_if(|(axis, _)| axis == *a) {
                Some((_, member)) => row.push(member.to_string()),
                None => row.push(String::new()),
            }
        }
        row.push(value_cell(f).into_owned());
        let p = &f.provenance;
        row.push(p.document.to_string());
        row.push(opt(p.document_title.as_deref()));
        row.push(opt(p.section.as_deref()));
        row.push(num(p.page));
        row.push(num(p.line));
        row.push(opt(p.quote.as_deref()));
        row.push(opt(p.reported.as_deref()));
        row.push(opt(p.qualifier.as_deref()));
        row.push(p.omission.as_ref().map(|o| o.reason.clone()).unwrap_or_default());
        row.push(p.omission.as_ref().map(|o| o.explanation.clone()).unwrap_or_default());
        row.push(opt(p.note.as_deref()));
        row.push(p.record.clone());
        out.write_record(&row)?;
    }
    out.flush()
}

/// Both files in memory (for benchmarks and tests): `(metadata, table)`.
pub fn write(report: &Report) -> (Vec<u8>, Vec<u8>) {
    let axes = axes(report);
    let (mut meta, mut table) = (Vec::new(), Vec::new());
    write_metadata(report, &axes, &mut meta).expect("writing to memory does not fail");
    write_table(report, &axes, &mut table).expect("writing to memory does not fail");
    (meta, table)
}
