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

/// The facts read, and every table file read: its path, and its bytes unless it was read as it
/// streamed in.
type Read = (Raw, Vec<(String, Option<Vec<u8>>)>);

/// The report's facts, and every table file read (for the inputs and for showing lines). With
/// `hold`, each table's bytes are read whole and held (a table in a package, whose folder goes);
/// otherwise a table is read as it streams in from its file, and read whole only when anything
/// in it cannot be read (at 1,000,000 facts the table was 221 MiB, held while its facts were
/// read).
pub fn read(file: &str, doc: &Value, root: &Path, dir: &Path, hold: bool) -> Result<Read, Vec<Diagnostic>> {
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
        let optional = table.get("optional") == Some(&Value::Bool(true));
        // A table that cannot be read is a finding, unless it is optional and missing.
        let mut unread = |d: Diagnostic| {
            if !(d.code == Code::E0001 && optional) {
                errs.push(d);
            }
        };
        let (real, path) = match super::dts::local_file(root, dir, url, file) {
            Ok(x) => x,
            Err(d) => {
                unread(d);
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
        let streamed = if hold { None } else { ctx.stream_rows(&real, &mut raw) };
        let (read, bytes) = match streamed {
            Some(read) => (read, None),
            None => {
                let text = match super::dts::read_local(root, dir, url, file) {
                    Ok((_, text)) => text,
                    Err(d) => {
                        unread(d);
                        continue;
                    }
                };
                let rows = text.strip_prefix('\u{feff}').unwrap_or(&text);
                let read = ctx.read_rows(rows.as_bytes(), rows.len() as u64, &mut raw, true);
                (read.expect("a whole text is read to its end"), Some(text.into_bytes()))
            }
        };
        if let Err(mut e) = read {
            errs.append(&mut e);
        }
        tables_read.push((path, bytes));
    }
    if errs.is_empty() { Ok((raw, tables_read)) } else { Err(errs) }
}

fn strings(m: &Map<String, Value>) -> HashMap<&str, &str> {
    m.iter().filter_map(|(k, v)| Some((k.as_str(), v.as_str()?))).collect()
}

/// Rows read before the list of facts is given room for the rest.
const ROWS_TO_ESTIMATE: usize = 4096;

/// A reader that keeps the offset of each line end (`\n`) read through it.
struct Newlines<R> {
    inner: R,
    at: Vec<u64>,
    read: u64,
}

impl<R: std::io::Read> std::io::Read for Newlines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let start = self.read;
        self.at.extend(buf[..n].iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| start + i as u64));
        self.read += n as u64;
        Ok(n)
    }
}

/// A reader that fails past `left` more bytes: a file that grows past the input limit as it is
/// read.
struct AtMost<R> {
    inner: R,
    left: u64,
}

impl<R: std::io::Read> std::io::Read for AtMost<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.left = self.left.checked_sub(n as u64).ok_or_else(|| std::io::Error::other("over the input limit"))?;
        Ok(n)
    }
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
    /// [`Self::read_rows`] of the table's file as it streams in: `None` (and no fact read) when
    /// anything in it cannot be read (a character that is not UTF-8, a byte order mark of UTF-16,
    /// a file over the input limit), which reading it whole reports.
    fn stream_rows(&self, file: &Path, raw: &mut Raw) -> Option<Result<(), Vec<Diagnostic>>> {
        use std::io::Read;
        let (mut f, len) = crate::input::open_file(file, self.path).ok()?;
        const BOM: &[u8] = &[0xEF, 0xBB, 0xBF];
        let mut head = Vec::with_capacity(6);
        (&mut f).take(6).read_to_end(&mut head).ok()?;
        if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
            return None;
        }
        // Byte order marks are left out as reading the text whole leaves them out: one as the
        // file is read, one more from the text.
        let mut rest = &head[..];
        for _ in 0..2 {
            rest = rest.strip_prefix(BOM).unwrap_or(rest);
        }
        let limit = crate::input::max_input_bytes();
        let before = raw.facts.len();
        let read = self.read_rows(rest.chain(AtMost { inner: f, left: limit.saturating_sub(6) }), len, raw, false);
        if read.is_none() {
            raw.facts.truncate(before);
        }
        read
    }

    /// The facts of the rows of a table's text (`len` bytes long), from `text` as it comes in.
    /// `None` when a row cannot be read and `whole` is false (reading the text whole reports it);
    /// with `whole`, an unreadable row is a finding, and no row after it is read.
    fn read_rows(
        &self,
        text: impl std::io::Read,
        len: u64,
        raw: &mut Raw,
        whole: bool,
    ) -> Option<Result<(), Vec<Diagnostic>>> {
        let at_line = |line: u64, msg: String| Diagnostic::error(Code::E0003, Location::line(self.path, line), msg);
        let empty = Map::new();
        let columns = self.template.get("columns").and_then(Value::as_object).unwrap_or(&empty);
        for (c, def) in columns {
            if def.get("propertyGroups").is_some() || def.get("propertiesFrom").is_some() {
                return Some(Err(vec![Diagnostic::error(
                    Code::E0003,
                    Location::pointer(self.file, format!("{}/columns/{c}", self.ptr)),
                    "esgx does not read xBRL-CSV property groups",
                )]));
            }
        }
        let mut rows = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(1 << 16)
            .from_reader(Newlines { inner: text, at: Vec::new(), read: 0 });
        let mut record = csv::StringRecord::new();
        let header: Vec<String> = match rows.read_record(&mut record) {
            Ok(true) => record.iter().map(String::from).collect(),
            Ok(false) => return Some(Ok(())),
            Err(_) if !whole => return None,
            Err(e) => return Some(Err(vec![at_line(1, format!("unreadable CSV: {e}"))])),
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
        // included (the line ends as they were read, [`Newlines`]).
        let mut lines = (1, 0); // (the line, how many line ends were counted)
        let mut line_of = |rows: &csv::Reader<Newlines<_>>, offset: u64| {
            let at = &rows.get_ref().at;
            while lines.1 < at.len() && at[lines.1] < offset {
                lines = (lines.0 + 1, lines.1 + 1);
            }
            lines.0
        };
        let mut rows_read = 0usize;
        loop {
            match rows.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(_) if !whole => return None,
                Err(e) => {
                    let line = e.position().map_or(0, |p| line_of(&rows, p.byte() + 1));
                    errs.push(at_line(line, format!("unreadable CSV: {e}")));
                    break;
                }
            }
            rows_read += 1;
            let line = record.position().map_or(0, |p| line_of(&rows, p.byte() + 1));
            // A fact is large: growing the list by doubling copied each several times (perf),
            // and held the old list and the new at once. Room for as many rows as the text
            // holds at the first rows' rate (room never used is never touched).
            if rows_read == ROWS_TO_ESTIMATE && fact_columns.len() == 1 {
                let so_far = record.position().map_or(1, |p| p.byte().max(1));
                let expected = (rows_read as u64).saturating_mul(len) / so_far;
                raw.facts.reserve(usize::try_from(expected + expected / 16).unwrap_or(0));
            }
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
        Some(if errs.is_empty() { Ok(()) } else { Err(errs) })
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
