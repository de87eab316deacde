//! A flat facts table for pipelines: `facts.csv` and `facts.jsonl`, one row per fact with the
//! same plain columns whatever the filing, specified by `schema/facts-1.schema.json`.
//!
//! `report.json` keys facts by id in one object, which a columnar loader (DuckDB, Spark) turns
//! into a struct with one field per fact: a new shape for every filing. Here every fact is a row
//! and every aspect a column. Periods are inclusive dates, as people write them (not OIM's
//! end-exclusive date-times, where the instant at the end of 2023 reads `2024-01-01T00:00:00`),
//! and `fiscal_year` says the year outright. Numbers stay exact: the value is the decimal's text.

use crate::report::{Fact, FactValue, Period, Report};
use crate::taxonomy::Taxonomy;
use foldhash::{HashMap, HashMapExt};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use std::io::{self, Write};

/// The version of the table's columns; the JSON Schema's `$id` carries it.
pub const SCHEMA_ID: &str = "https://esgx.dev/schema/facts-1.json";
/// The flat table as CSV, one row per fact.
pub const CSV_FILE: &str = "facts.csv";
/// The same table as JSON lines, one object per fact.
pub const JSONL_FILE: &str = "facts.jsonl";

/// The columns, in order (the CSV header; the keys of each JSON line).
pub const COLUMNS: &[&str] = &[
    "id",
    "concept",
    "label",
    "kpi",
    "period_type",
    "period_start",
    "period_end",
    "fiscal_year",
    "dimensions",
    "value",
    "unit",
    "decimals",
    "nil",
    "omission_reason",
    "omission_explanation",
    "source_document",
    "source_section",
    "source_page",
    "source_line",
    "source_quote",
    "reported",
    "dataset_record",
];

/// The writer of `facts.csv` and `facts.jsonl`.
pub struct FactsTable;

impl super::Writer for FactsTable {
    fn name(&self) -> &'static str {
        "facts"
    }
    fn describe(&self) -> &'static str {
        "flat facts table for pipelines, facts.csv and facts.jsonl"
    }
    fn write(&self, filing: &super::Filing<'_>, sink: &mut dyn super::Sink) -> io::Result<()> {
        let labels = Labels::of(filing);
        sink.file(CSV_FILE, self.name(), &mut |w| write_csv(filing.report, &labels, w))?;
        sink.file(JSONL_FILE, self.name(), &mut |w| write_jsonl(filing.report, &labels, w))
    }
}

/// Label and KPI codes of each concept the report uses, looked up once per concept.
struct Labels<'a> {
    by_concept: HashMap<&'a str, (&'a str, String)>,
}

impl<'a> Labels<'a> {
    fn of(filing: &super::Filing<'a>) -> Self {
        let tax: &'a Taxonomy = filing.taxonomy;
        let mut by_concept = HashMap::new();
        for f in &filing.report.facts {
            by_concept.entry(&*f.concept.local).or_insert_with(|| match tax.concept(&f.concept.local) {
                Some(c) => (c.def.labels.get(filing.lang), crate::taxonomy::query::requirement_codes(tax, c).join(" ")),
                None => ("", String::new()),
            });
        }
        Labels { by_concept }
    }
    fn get(&self, f: &Fact) -> (&'a str, &str) {
        self.by_concept.get(&*f.concept.local).map(|(l, k)| (*l, k.as_str())).unwrap_or(("", ""))
    }
}

/// One row's fields that are not plain borrows of the fact.
struct Row<'a> {
    f: &'a Fact,
    label: &'a str,
    kpi: &'a str,
}

impl Row<'_> {
    fn period(&self) -> (&'static str, String, String, i32) {
        use chrono::Datelike;
        match &self.f.period {
            Period::Instant(d) => ("instant", String::new(), d.to_string(), d.year()),
            Period::Duration { start, end } => ("duration", start.to_string(), end.to_string(), end.year()),
        }
    }
    fn value(&self) -> Option<String> {
        match &self.f.value {
            FactValue::Number(n) => Some(n.to_string()),
            FactValue::Text(t) => Some(t.clone()),
            FactValue::Nil => None,
        }
    }
    fn unit(&self) -> Option<String> {
        self.f.unit.as_ref().map(|u| u.oim())
    }
    /// The breakdown as a JSON object, axis -> member (prefixed names), sorted by axis.
    fn dimensions_json(&self) -> String {
        let mut s = String::from("{");
        for (i, (axis, member)) in self.f.dimensions.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push_str(&serde_json::to_string(&axis.to_string()).expect("a string serializes"));
            s.push(':');
            s.push_str(&serde_json::to_string(&member.to_string()).expect("a string serializes"));
        }
        s.push('}');
        s
    }
}

fn write_csv(report: &Report, labels: &Labels<'_>, w: &mut dyn Write) -> io::Result<()> {
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(w);
    out.write_record(COLUMNS)?;
    let num = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
    for f in &report.facts {
        let (label, kpi) = labels.get(f);
        let row = Row { f, label, kpi };
        let (ptype, start, end, year) = row.period();
        let p = &f.provenance;
        let om = p.omission.as_ref();
        let decimals = f.decimals.filter(|_| matches!(f.value, FactValue::Number(_)));
        out.write_record([
            f.id.as_str(),
            &f.concept.to_string(),
            row.label,
            row.kpi,
            ptype,
            &start,
            &end,
            &year.to_string(),
            &row.dimensions_json(),
            row.value().as_deref().unwrap_or(""),
            row.unit().as_deref().unwrap_or(""),
            &decimals.map(|d| d.to_string()).unwrap_or_default(),
            if matches!(f.value, FactValue::Nil) { "true" } else { "false" },
            om.map(|o| o.reason.as_str()).unwrap_or(""),
            om.map(|o| o.explanation.as_str()).unwrap_or(""),
            &p.document,
            p.section.as_deref().unwrap_or(""),
            &num(p.page),
            &num(p.line),
            p.quote.as_deref().unwrap_or(""),
            p.reported.as_deref().unwrap_or(""),
            &p.record,
        ])?;
    }
    out.flush()
}

impl Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let f = self.f;
        let p = &f.provenance;
        let (ptype, start, end, year) = self.period();
        let mut m = s.serialize_map(Some(COLUMNS.len()))?;
        m.serialize_entry("id", &f.id)?;
        m.serialize_entry("concept", &f.concept.to_string())?;
        m.serialize_entry("label", self.label)?;
        m.serialize_entry("kpi", self.kpi)?;
        m.serialize_entry("period_type", ptype)?;
        m.serialize_entry("period_start", &(!start.is_empty()).then_some(start))?;
        m.serialize_entry("period_end", &end)?;
        m.serialize_entry("fiscal_year", &year)?;
        m.serialize_entry("dimensions", &Dims(f))?;
        m.serialize_entry("value", &self.value())?;
        m.serialize_entry("unit", &self.unit())?;
        m.serialize_entry("decimals", &f.decimals.filter(|_| matches!(f.value, FactValue::Number(_))))?;
        m.serialize_entry("nil", &matches!(f.value, FactValue::Nil))?;
        m.serialize_entry("omission_reason", &p.omission.as_ref().map(|o| &o.reason))?;
        m.serialize_entry("omission_explanation", &p.omission.as_ref().map(|o| &o.explanation))?;
        m.serialize_entry("source_document", &p.document)?;
        m.serialize_entry("source_section", &p.section)?;
        m.serialize_entry("source_page", &p.page)?;
        m.serialize_entry("source_line", &p.line)?;
        m.serialize_entry("source_quote", &p.quote)?;
        m.serialize_entry("reported", &p.reported)?;
        m.serialize_entry("dataset_record", &p.record)?;
        m.end()
    }
}

struct Dims<'a>(&'a Fact);

impl Serialize for Dims<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.dimensions.len()))?;
        for (axis, member) in self.0.dimensions.iter() {
            m.serialize_entry(&axis.to_string(), &member.to_string())?;
        }
        m.end()
    }
}

fn write_jsonl(report: &Report, labels: &Labels<'_>, w: &mut dyn Write) -> io::Result<()> {
    let mut w = io::BufWriter::new(w);
    for f in &report.facts {
        let (label, kpi) = labels.get(f);
        serde_json::to_writer(&mut w, &Row { f, label, kpi }).map_err(io::Error::other)?;
        w.write_all(b"\n")?;
    }
    w.flush()
}

/// Both files in memory (for benchmarks and tests): `(facts.csv, facts.jsonl)`.
pub fn write(report: &Report, taxonomy: &Taxonomy, lang: &str) -> (Vec<u8>, Vec<u8>) {
    let filing = super::Filing { report, taxonomy, lang, rendered: None };
    let labels = Labels::of(&filing);
    let (mut csv, mut jsonl) = (Vec::new(), Vec::new());
    write_csv(report, &labels, &mut csv).expect("writing to memory does not fail");
    write_jsonl(report, &labels, &mut jsonl).expect("writing to memory does not fail");
    (csv, jsonl)
}
