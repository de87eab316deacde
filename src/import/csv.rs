//! Read an xBRL-CSV report (OIM 1.0 CSV: a metadata JSON file and the CSV tables it describes)
//! into the raw fact form.
//!
//! Read: the report's, templates' and columns' `dimensions` and `decimals`, with `$` references
//! to a row's parameter columns, the table's and the report's `parameters`; `rowIdColumn`;
//! comment columns; the special values `#nil`, `#empty`, `#none` and `##`; optional tables.
//! esgx's own provenance columns (`source_document` ... `dataset_record`, comment columns in
//! what esgx writes) are read back as the facts' provenance. Not read, and refused with a
//! message: `extends`, `parameterURL`, property groups and period-suffixed references
//! (`$p@start`). Footnote links are left out.

use super::{Raw, RawFact, RawUnit, once};
use crate::diag::Code;
use crate::diag::{Diagnostic, Location};
use crate::report::{Omission, Provenance, QName};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::Path;

pub use crate::ns::XBRL_CSV_DOCUMENT_TYPE as DOCUMENT_TYPE;

/// Is this JSON document the metadata of an xBRL-CSV report?
pub fn is_metadata(doc: &Value) -> bool {
    doc.pointer("/documentInfo/documentType").and_then(Value::as_str) == Some(DOCUMENT_TYPE)
}

/// The facts read, and every file read (path, bytes) for provenance.
type Read = (Raw, Vec<(String, Vec<u8>)>);

/// The report's facts, and every table file read (for the inputs and for showing lines).
pub fn read(file: &str, doc: &Value, root: &Path, dir: &Path) -> Result<Read, Vec<Diagnostic>> {
    let at = |p: &str, msg: String| vec![Diagnostic::error(Code::E0003, Location::pointer(file, p), msg)];
    for unsupported in ["/documentInfo/extends", "/parameterURL"] {
        if doc.pointer(unsupported).is_some() {
            return Err(at(unsupported, format!("esgx does not read xBRL-CSV reports with {unsupported}")));
        }
    }
    let mut raw = Raw::from_document_info(doc.get("documentInfo"));
    fn object(v: Option<&Value>) -> &Map<String, Value> {
        v.and_then(Value::as_object).unwrap_or(&EMPTY_MAP)
    }
    let report = Level { dims: object(doc.get("dimensions")), decimals: doc.get("decimals") };
    let report_params = strings(object(doc.get("parameters")));
    let templates = object(doc.get("tableTemplates"));
    let mut tables_read = Vec::new();
    let mut errs = Vec::new();
    for (tid, table) in object(doc.get("tables")) {
        let ptr = format!("/tables/{tid}");
        let Some(url) = table.get("url").and_then(Value::as_str) else {
            errs.extend(at(&format!("{ptr}/url"), format!("table {tid} has no url")));
            continue;
        };
        let template_id = table.get("template").and_then(Value::as_str).unwrap_or(tid);
        let Some(template) = templates.get(template_id).and_then(Value::as_object) else {
            errs.extend(at(&format!("{ptr}/template"), format!("table {tid}: no table template {template_id:?}")));
            continue;
        };
        let (path, text) = match super::dts::read_local(root, dir, url, file) {
            Ok(x) => x,
            Err(d) if d.code == Code::E0001 && table.get("optional") == Some(&Value::Bool(true)) => continue,
            Err(d) => {
                errs.push(d);
                continue;
            }
        };
        let ctx = TableContext {
            file,
            ptr: format!("/tableTemplates/{template_id}"),
            path: &path,
            report: &report,
            template,
            table_params: strings(object(table.get("parameters"))),
            report_params: &report_params,
            namespaces: raw.namespaces.clone(),
            origin_file: path.as_str().into(),
            seen: Default::default(),
        };
        match ctx.read_rows(&text, &mut raw) {
            Ok(()) => {}
            Err(mut e) => errs.append(&mut e),
        }
        tables_read.push((path, text.into_bytes()));
    }
    if errs.is_empty() { Ok((raw, tables_read)) } else { Err(errs) }
}

fn strings(m: &Map<String, Value>) -> HashMap<&str, &str> {
    m.iter().filter_map(|(k, v)| Some((k.as_str(), v.as_str()?))).collect()
}

/// Dimensions and decimals given at one level: report, template or column.
struct Level<'a> {
    dims: &'a Map<String, Value>,
    decimals: Option<&'a Value>,
}

struct TableContext<'a> {
    file: &'a str,
    ptr: String,
    path: &'a str,
    report: &'a Level<'a>,
    template: &'a Map<String, Value>,
    table_params: HashMap<&'a str, &'a str>,
    report_params: &'a HashMap<&'a str, &'a str>,
    namespaces: std::collections::BTreeMap<String, String>,
    /// The table's file name, shared by the origins of its facts.
    origin_file: std::sync::Arc<str>,
    /// What the rows repeat, each read once and then shared by the facts that repeat it (as the
    /// xBRL-JSON reader does): names, units, entities and periods as written.
    seen: std::cell::RefCell<Seen>,
}

/// What [`TableContext::seen`] holds: each thing as written, read (or refused, with the same
/// message each time).
#[derive(Default)]
struct Seen {
    names: foldhash::HashMap<String, Result<QName, String>>,
    units: foldhash::HashMap<String, Result<std::sync::Arc<RawUnit>, String>>,
    entities: foldhash::HashMap<String, Result<std::sync::Arc<(String, String)>, String>>,
    periods: foldhash::HashMap<String, Result<crate::report::Period, String>>,
}

impl TableContext<'_> {
    fn read_rows(&self, text: &str, raw: &mut Raw) -> Result<(), Vec<Diagnostic>> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let at_line = |line: u64, msg: String| Diagnostic::error(Code::E0003, Location::line(self.path, line), msg);
        let empty = Map::new();
        let columns = self.template.get("columns").and_then(Value::as_object).unwrap_or(&empty);
        for (c, def) in columns {
            if def.get("propertyGroups").is_some() || def.get("propertiesFrom").is_some() {
                return Err(vec![Diagnostic::error(
                    Code::E0003,
                    Location::pointer(self.file, format!("{}/columns/{c}", self.ptr)),
                    "esgx does not read xBRL-CSV property groups",
                )]);
            }
        }
        let mut rows = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
        let mut records = rows.records();
        let header: Vec<String> = match records.next() {
            Some(Ok(h)) => h.iter().map(String::from).collect(),
            Some(Err(e)) => return Err(vec![at_line(1, format!("unreadable CSV: {e}"))]),
            None => return Ok(()),
        };
        let mut errs = Vec::new();
        for h in header.iter().filter(|h| !h.is_empty() && !columns.contains_key(h.as_str())) {
            errs.push(at_line(1, format!("column {h:?} is not a column of table template {}", self.ptr)));
        }
        let index: HashMap<&str, usize> = header.iter().enumerate().map(|(i, h)| (h.as_str(), i)).collect();
        let fact_columns: Vec<(usize, &Map<String, Value>)> = header
            .iter()
            .enumerate()
            .filter_map(|(i, h)| Some((i, columns.get(h)?.as_object()?)))
            .filter(|(_, def)| def.contains_key("dimensions") && def.get("comment") != Some(&Value::Bool(true)))
            .collect();
        let row_id = self.template.get("rowIdColumn").and_then(Value::as_str).and_then(|c| index.get(c).copied());
        let esgx_provenance = index.contains_key("source_document") && index.contains_key("dataset_record");
        // The csv crate's line numbers lag behind after CRLF line ends, and its byte offsets point
        // at the LF of the CRLF before a record: the line is counted from the offset, that LF
        // included.
        let mut lines = crate::input::LineCounter::new(text);
        // A fact is large: growing the list by doubling copied each several times (perf).
        if fact_columns.len() == 1 {
            raw.facts.reserve(text.bytes().filter(|b| *b == b'\n').count());
        }
        for record in records {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map_or(0, |p| lines.line(p.byte() + 1));
                    errs.push(at_line(line, format!("unreadable CSV: {e}")));
                    break;
                }
            };
            let line = record.position().map_or(0, |p| lines.line(p.byte() + 1));
            let cell = |name: &str| index.get(name).and_then(|i| record.get(*i));
            for (i, def) in &fact_columns {
                let Some(value) = record.get(*i).filter(|v| !v.is_empty()) else { continue };
                let column =
                    Level { dims: def["dimensions"].as_object().unwrap_or(&empty), decimals: def.get("decimals") };
                let mut rf = match self.fact(&column, &cell, value, line) {
                    Ok(rf) => rf,
                    Err(msg) => {
                        errs.push(at_line(line, format!("column {}: {msg}", header[*i])));
                        continue;
                    }
                };
                if fact_columns.len() == 1 {
                    rf.id = row_id.and_then(|r| record.get(r)).filter(|v| !v.is_empty()).map(String::from);
                }
                if esgx_provenance {
                    rf.provenance = Some(Box::new(provenance(&cell)));
                }
                raw.facts.push(rf);
            }
        }
        if errs.is_empty() { Ok(()) } else { Err(errs) }
    }

    /// Resolve a property value: a `$` reference to a row's cell or a parameter, or a literal.
    /// `None`: the aspect is left out (an empty cell, `#none`).
    fn resolve<'r>(&self, v: &str, cell: &dyn Fn(&str) -> Option<&'r str>) -> Result<Option<String>, String> {
        let text = if let Some(lit) = v.strip_prefix("$$") {
            return Ok(Some(format!("${lit}")));
        } else if let Some(name) = v.strip_prefix('$') {
            if name.contains('@') {
                return Err(format!("esgx does not read period-suffixed references ({v})"));
            }
            cell(name)
                .or_else(|| self.table_params.get(name).copied())
                .or_else(|| self.report_params.get(name).copied())
                .ok_or_else(|| format!("the reference {v} names no column or parameter"))?
        } else {
            v
        };
        Ok(match text {
            "" | "#none" => None,
            t => Some(t.strip_prefix('#').filter(|r| r.starts_with('#')).unwrap_or(t).to_string()),
        })
    }

    fn fact<'r>(
        &self,
        column: &Level<'_>,
        cell: &dyn Fn(&str) -> Option<&'r str>,
        value: &str,
        line: u64,
    ) -> Result<RawFact, String> {
        let template = Level {
            dims: self.template.get("dimensions").and_then(Value::as_object).unwrap_or(&EMPTY_MAP),
            decimals: self.template.get("decimals"),
        };
        // Column over template over report.
        let mut dims: Vec<(&str, &Value)> = Vec::new();
        for level in [self.report, &template, column] {
            for (k, v) in level.dims {
                dims.retain(|(d, _)| d != k);
                dims.push((k, v));
            }
        }
        let mut rf = RawFact {
            oim: true,
            origin: Some(crate::diag::Origin::line(&self.origin_file, line)),
            line,
            ..Default::default()
        };
        let mut seen = self.seen.borrow_mut();
        let seen = &mut *seen;
        let mut qname = |s: &str| -> Result<QName, String> {
            once(&mut seen.names, s, || {
                let (p, l) = s.split_once(':').ok_or_else(|| format!("{s:?} is not a prefixed name"))?;
                let ns = self.raw_ns(p).ok_or_else(|| format!("the prefix of {s:?} is not declared"))?;
                Ok(QName::new(p, ns, l))
            })
        };
        let mut concept = None;
        let mut pairs = Vec::new();
        for (k, v) in dims {
            let v = v.as_str().ok_or_else(|| format!("dimension {k} is not a string"))?;
            let Some(v) = self.resolve(v, cell)? else { continue };
            match k {
                "concept" => concept = Some(qname(&v)?),
                "entity" => {
                    rf.entity = Some(once(&mut seen.entities, &v, || {
                        let (p, id) =
                            v.split_once(':').ok_or_else(|| format!("entity {v:?} is not scheme:identifier"))?;
                        let scheme = self.raw_ns(p).ok_or_else(|| format!("entity {v:?} has an undeclared prefix"))?;
                        Ok((scheme.to_string(), id.to_string()).into())
                    })?);
                }
                "period" => {
                    rf.period = Some(once(&mut seen.periods, &v, || {
                        super::json::parse_period(&v).ok_or_else(|| format!("period {v:?} cannot be read"))
                    })?)
                }
                "unit" => {
                    let ru = once(&mut seen.units, &v, || {
                        self.parse_unit(&v).map(Into::into).ok_or_else(|| format!("unit {v:?} cannot be read"))
                    })?;
                    rf.unit = Some(v);
                    rf.unit_def = Some(ru);
                }
                "language" => {}
                _ if k.contains(':') => pairs.push((qname(k)?, qname(&v)?)),
                _ => return Err(format!("unknown dimension {k:?}")),
            }
        }
        rf.concept = concept.ok_or("the fact has no concept")?;
        rf.dims = pairs.into();
        if rf.period.is_none() {
            return Err("the fact has no period".into());
        }
        let decimals = column.decimals.or(template.decimals).or(self.report.decimals);
        if let Some(d) = decimals {
            let d = match d {
                Value::Number(n) => Some(n.to_string()),
                Value::String(s) => self.resolve(s, cell)?,
                other => return Err(format!("decimals {other} is neither a number nor a reference")),
            };
            rf.decimals = d.filter(|d| d != "INF");
        }
        match value {
            "#nil" => rf.nil = true,
            "#empty" => {}
            v => rf.value = v.strip_prefix('#').filter(|r| r.starts_with('#')).unwrap_or(v).to_string(),
        }
        rf.numeric_hint = rf.unit.is_some();
        Ok(rf)
    }

    fn raw_ns(&self, prefix: &str) -> Option<&str> {
        self.namespaces.get(prefix).map(String::as_str)
    }

    /// `utr:t`, `utr:t/esgx:Employee`, `(a*b)/(c*d)`.
    fn parse_unit(&self, s: &str) -> Option<RawUnit> {
        let side = |t: &str| -> Option<Vec<QName>> {
            let t = t.trim().trim_start_matches('(').trim_end_matches(')');
            t.split('*')
                .map(|m| {
                    let (p, l) = m.trim().split_once(':')?;
                    Some(QName::new(p, self.raw_ns(p)?, l))
                })
                .collect()
        };
        match s.split_once('/') {
            Some((n, d)) => Some(RawUnit { numerator: side(n)?, denominator: side(d)? }),
            None => Some(RawUnit { numerator: side(s)?, denominator: Vec::new() }),
        }
    }
}

static EMPTY_MAP: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);

/// esgx's provenance columns of a row.
fn provenance<'c>(cell: &dyn Fn(&str) -> Option<&'c str>) -> Provenance {
    let text = |c: &str| cell(c).filter(|v| !v.is_empty()).map(String::from);
    let number = |c: &str| cell(c).and_then(|v| v.parse().ok());
    let omission = match (text("omission_reason"), text("omission_explanation")) {
        (Some(reason), explanation) => Some(Omission { reason, explanation: explanation.unwrap_or_default() }),
        _ => None,
    };
    Provenance {
        record: text("dataset_record").unwrap_or_default(),
        document: text("source_document").unwrap_or_default().into(),
        document_title: text("source_title").map(Into::into),
        section: text("source_section").map(Into::into),
        page: number("source_page"),
        line: number("source_line"),
        quote: text("source_quote").map(Into::into),
        reported: text("reported").map(Into::into),
        qualifier: text("qualifier").map(Into::into),
        omission: omission.map(Box::new),
        note: text("note").map(Into::into),
    }
}
