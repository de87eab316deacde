//! XLSX datasets: a workbook template a preparer fills in without reading the README, and the
//! reader that turns a filled one into the dataset's JSON form, checked by the same schema, every
//! finding pointing at its sheet and cell.
//!
//! The workbook: an `Entity` sheet (entity, the periods and the source documents), one sheet
//! per aspect of the framework version (`A1` ... `B8`, the climate parts) with one row per figure
//! it asks for (label, KPI code, concept, breakdown, unit) and one column per year, then the
//! omission, the source (document, section, page, quote) and notes; a hidden `Lists` sheet holds
//! the members the drop-down lists offer. Value cells are text cells, so what is typed stays as
//! printed (1,397.96 keeps its two decimals); a number typed into a cell that is not text is read
//! as its cell shows it (its number format's decimals), or as the number where the format says
//! none. An omitted figure has its reason (`not-applicable`, `not-disclosed`, `not-available`)
//! in its year's cell, or, for the reporting year, in the reason column, with the explanation
//! beside it.

use super::Dataset;
use crate::diag::Code;
use crate::diag::{Diagnostic, Location};
use crate::taxonomy::Taxonomy;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// What `Entity!B1` holds in every esgx template: how a workbook is known as one.
pub const MARKER: &str = "esgx-xlsx-1";
/// The sheet with the entity, periods and sources.
pub const ENTITY_SHEET: &str = "Entity";
/// The hidden sheet that holds the drop-down lists (units, members, omission reasons).
pub const LISTS_SHEET: &str = "Lists";
/// The reasons a figure may be omitted for, as the dataset schema names them.
pub const OMISSION_REASONS: &[&str] = &["not-applicable", "not-disclosed", "not-available"];

/// The fixed columns of an aspect sheet before the year columns, and after them.
const LEAD: &[&str] = &["KPI", "Figure", "Concept", "Breakdown", "Member", "Unit"];
const TAIL: &[&str] = &[
    "Omission reason",
    "Omission explanation",
    "Source document",
    "Section",
    "Page",
    "Quote",
    "Notes",
    "Line",
    "Qualifier",
];
/// The sheet of the company extension (members, concepts, groups of its own), one JSON
/// definition per row as the JSON dataset's `extensions` has them.
pub const EXTENSIONS_SHEET: &str = "Extensions";
/// The rows of the entity block: label in column A, value in B.
const ENTITY_ROWS: &[(&str, &str)] = &[
    ("Taxonomy", "/taxonomy"),
    ("Framework", "/framework"),
    ("Entity name", "/entity/name"),
    ("Identifier scheme", "/entity/identifier/scheme"),
    ("Identifier", "/entity/identifier/value"),
    ("Reporting period", "/reportingPeriod"),
    ("Currency", "/currency"),
];

/// One row of an aspect sheet: a figure, in total or for one member of a breakdown.
#[derive(Clone)]
struct Row<'t> {
    kpi: &'t str,
    label: String,
    concept: &'t str,
    axis: Option<(usize, &'t str)>,
    member: Option<&'t str>,
    units: &'t [String],
    hint: String,
}

/// The rows of the framework version, by aspect (taxonomy group), in the taxonomy's order.
fn rows<'t>(tax: &'t Taxonomy, framework: &str, lang: &str) -> Vec<(&'t str, Vec<Row<'t>>)> {
    let mut by_group: Vec<(&str, Vec<Row>)> = tax.info.groups.iter().map(|g| (g.id.as_str(), Vec::new())).collect();
    let mut seen = std::collections::HashSet::new();
    let common: Vec<usize> = tax.info.common_axes.iter().filter_map(|a| tax.axis(a)).collect();
    for r in tax.requirements.iter().filter(|r| r.frameworks.iter().any(|f| f == framework)) {
        let level = r.level.words();
        for c in
            tax.concepts.iter().filter(|c| c.def.references.iter().any(|x| tax.is_requirement(x) && x.code == r.code))
        {
            if !seen.insert(c.name()) {
                continue;
            }
            let Some(group) = by_group.iter_mut().find(|(g, _)| *g == c.def.group) else { continue };
            let label = c.def.labels.get(lang).to_string();
            let hint = format!("{} ({level}): {}", r.code, r.labels.get(lang));
            let base =
                Row { kpi: &r.code, label, concept: c.name(), axis: None, member: None, units: &c.def.units, hint };
            let mut members = Vec::new();
            for a in c.hypercube_axes.iter().filter(|a| !common.contains(a)) {
                let axis = &tax.axes[*a];
                for m in axis.members.iter().skip(1) {
                    let label = format!("{}: {}", base.label, m.def.labels.get(lang).trim_end_matches(" [member]"));
                    members.push(Row {
                        label,
                        axis: Some((*a, axis.name())),
                        member: Some(&m.def.name),
                        hint: base.hint.clone(),
                        ..base.clone()
                    });
                }
            }
            group.1.push(base);
            group.1.extend(members);
        }
    }
    by_group.retain(|(_, rows)| !rows.is_empty());
    by_group
}

/// The workbook template for a framework version, the years asked for (the reporting year
/// first) and a label language. The same arguments give the same bytes.
pub fn template(tax: &Taxonomy, framework: &str, years: &[i32], lang: &str) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{DataValidation, DocProperties, ExcelDateTime, Format, Formula, Workbook};
    let x = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let mut wb = Workbook::new();
    // A fixed creation time: the same template is the same file.
    let created = ExcelDateTime::from_ymd(2000, 1, 1).map_err(x)?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&created).set_author("esgx"));
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    let wrap = Format::new().set_text_wrap();
    let period = |y: &i32| format!("FY{y}");
    let groups = rows(tax, framework, lang);

    // Entity, periods, sources.
    let ws = wb.add_worksheet().set_name(ENTITY_SHEET).map_err(x)?;
    ws.write_string_with_format(0, 0, "esgx dataset template", &bold).map_err(x)?;
    ws.write_string(0, 1, MARKER).map_err(x)?;
    ws.write_string(0, 2, "Fill in column B, the periods and the sources, then one sheet per aspect. `esgx validate` checks the workbook; `esgx export` turns it into XBRL.").map_err(x)?;
    let values = [
        tax.info.name.clone(),
        framework.to_string(),
        "Your company (change me)".into(),
        "https://esgx.dev/id/entity-name".into(),
        "CHANGE-ME".into(),
        period(&years[0]),
        "HKD".into(),
    ];
    for (i, ((label, _), v)) in ENTITY_ROWS.iter().zip(&values).enumerate() {
        ws.write_string_with_format(1 + i as u32, 0, *label, &bold).map_err(x)?;
        ws.write_string_with_format(1 + i as u32, 1, v, &text).map_err(x)?;
    }
    let mut r = ENTITY_ROWS.len() as u32 + 2;
    for (c, h) in ["Period", "Start", "End"].iter().enumerate() {
        ws.write_string_with_format(r, c as u16, *h, &bold).map_err(x)?;
    }
    for y in years {
        r += 1;
        ws.write_string(r, 0, period(y)).map_err(x)?;
        ws.write_string_with_format(r, 1, format!("{y}-01-01"), &text).map_err(x)?;
        ws.write_string_with_format(r, 2, format!("{y}-12-31"), &text).map_err(x)?;
    }
    r += 2;
    for (c, h) in ["Source", "Title", "URL"].iter().enumerate() {
        ws.write_string_with_format(r, c as u16, *h, &bold).map_err(x)?;
    }
    ws.write_string(r + 1, 0, "report").map_err(x)?;
    ws.write_string(r + 1, 1, "Your ESG report (change me)").map_err(x)?;
    ws.set_column_width(0, 22).map_err(x)?;
    ws.set_column_width(1, 40).map_err(x)?;

    {
        let ws = wb.add_worksheet().set_name(EXTENSIONS_SHEET).map_err(x)?;
        ws.write_string_with_format(0, 0, "Kind", &bold).map_err(x)?;
        ws.write_string_with_format(0, 1, "Definition", &bold).map_err(x)?;
        ws.write_string(0, 2, "A company extension, if you need members, concepts, axes or units of your own: a row `prefix` and a row `namespace`, then one row per member, group, concept, axis or unit with its definition in JSON, as the JSON dataset's `extensions` has them.").map_err(x)?;
        let kinds = DataValidation::new()
            .allow_list_strings(&["prefix", "namespace", "member", "group", "concept", "axis", "unit"])
            .map_err(x)?;
        ws.add_data_validation(1, 0, 2000, 0, &kinds).map_err(x)?;
        ws.set_column_width(1, 80).map_err(x)?;
    }
    // The members of every breakdown a row uses, one column each, for the drop-down lists.
    let mut axes: Vec<usize> =
        groups.iter().flat_map(|(_, rs)| rs.iter().filter_map(|r| r.axis.map(|a| a.0))).collect();
    axes.sort();
    axes.dedup();
    let mut member_range: HashMap<usize, String> = HashMap::new();
    {
        let ws = wb.add_worksheet().set_name(LISTS_SHEET).map_err(x)?;
        for (col, a) in axes.iter().enumerate() {
            let axis = &tax.axes[*a];
            ws.write_string_with_format(0, col as u16, axis.name(), &bold).map_err(x)?;
            for (i, m) in axis.members.iter().skip(1).enumerate() {
                ws.write_string(1 + i as u32, col as u16, &m.def.name).map_err(x)?;
            }
            let letter = rust_xlsxwriter::utility::column_number_to_name(col as u16);
            member_range.insert(*a, format!("={LISTS_SHEET}!${letter}$2:${letter}${}", axis.members.len()));
        }
        ws.set_hidden(true);
    }

    let reasons = DataValidation::new().allow_list_strings(OMISSION_REASONS).map_err(x)?;
    for (group, rows) in &groups {
        let ws = wb.add_worksheet().set_name(*group).map_err(x)?;
        let headers: Vec<String> = LEAD
            .iter()
            .map(|s| s.to_string())
            .chain(years.iter().map(period))
            .chain(TAIL.iter().map(|s| s.to_string()))
            .collect();
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold).map_err(x)?;
        }
        let first_year = LEAD.len() as u16;
        let tail = first_year + years.len() as u16;
        for (i, row) in rows.iter().enumerate() {
            let r = 1 + i as u32;
            ws.write_string(r, 0, row.kpi).map_err(x)?;
            ws.write_string_with_format(r, 1, &row.label, &wrap).map_err(x)?;
            ws.write_string(r, 2, row.concept).map_err(x)?;
            if let (Some((a, axis)), Some(m)) = (row.axis, row.member) {
                ws.write_string(r, 3, axis).map_err(x)?;
                ws.write_string(r, 4, m).map_err(x)?;
                if let Some(range) = member_range.get(&a) {
                    let v = DataValidation::new().allow_list_formula(Formula::new(range));
                    ws.add_data_validation(r, 4, r, 4, &v).map_err(x)?;
                }
            }
            if let Some(u) = row.units.first() {
                ws.write_string(r, 5, u).map_err(x)?;
                let units: Vec<&str> = row.units.iter().map(String::as_str).collect();
                if let Ok(v) = DataValidation::new().allow_list_strings(&units) {
                    ws.add_data_validation(r, 5, r, 5, &v).map_err(x)?;
                }
            }
            for c in first_year..tail {
                ws.write_blank(r, c, &text).map_err(x)?;
            }
            ws.write_blank(r, tail + 4, &text).map_err(x)?; // page, as printed
            let hint = DataValidation::new()
                .allow_any_value()
                .set_input_message(row.hint.chars().take(250).collect::<String>())
                .map_err(x)?;
            ws.add_data_validation(r, first_year, r, tail - 1, &hint).map_err(x)?;
        }
        if !rows.is_empty() {
            ws.add_data_validation(1, tail, rows.len() as u32, tail, &reasons).map_err(x)?;
        }
        ws.set_column_width(1, 48).map_err(x)?;
        ws.set_column_width(2, 28).map_err(x)?;
        ws.set_freeze_panes(1, 2).map_err(x)?;
    }
    wb.save_to_buffer().map_err(x)
}

/// A cell reference, `C7`, from 0-based row and column.
fn cell_ref(row: u32, col: u32) -> String {
    format!("{}{}", rust_xlsxwriter::utility::column_number_to_name(col as u16), row + 1)
}

/// Where the fields of the dataset being built come from: JSON pointer -> cell for the entity,
/// periods, sources and extension; the facts' cells in `facts`, a few numbers a fact.
struct Cells<'a> {
    file: &'a str,
    at: HashMap<String, Location>,
    facts: FactCells,
}

impl Cells<'_> {
    fn put(&mut self, pointer: String, sheet: &str, row: u32, col: u32) {
        self.at.insert(pointer, Location::cell(self.file, sheet, &cell_ref(row, col)));
    }
    /// The cell of a pointer, or of the nearest field above it that has one.
    fn find(&self, pointer: &str) -> Location {
        if let Some((i, field)) = pointer.strip_prefix("/facts/").and_then(|p| p.split_once('/'))
            && let Ok(i) = i.parse()
        {
            return self.facts.locate(i, field).unwrap_or_else(|| Location::file(self.file));
        }
        let mut p = pointer;
        loop {
            if let Some(l) = self.at.get(p) {
                return l.clone();
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return Location::file(self.file),
            }
        }
    }
}

/// The cells of a workbook's facts: for each fact its sheet, row and year column; the other
/// fields of a fact are in its row, in the columns of its sheet.
#[derive(Debug, Clone, Default)]
pub struct FactCells {
    file: String,
    sheets: Vec<Columns>,
    facts: Vec<FactCell>,
}

/// An aspect sheet's name and the columns of its headers (`LEAD`, and `TAIL` where present).
#[derive(Debug, Clone)]
struct Columns {
    name: String,
    lead: Vec<u32>,
    tail: Vec<Option<u32>>,
}

#[derive(Debug, Clone, Copy)]
struct FactCell {
    sheet: u32,
    row: u32,
    year: u32,
}

impl FactCells {
    /// The cell of a field of fact `i` (`value`, `unit`, `source/page`, ...), or of the nearest
    /// field above it that has one (`dimensions/RegionAxis` is the member's cell); none for a
    /// field with no cell, or a dataset not read from a workbook.
    pub fn locate(&self, i: usize, field: &str) -> Option<Location> {
        let fact = self.facts.get(i)?;
        let sheet = &self.sheets[fact.sheet as usize];
        let mut field = field;
        loop {
            if let Some(c) = sheet.column(field, fact.year) {
                return Some(Location::cell(&self.file, &sheet.name, &cell_ref(fact.row, c)));
            }
            field = &field[..field.rfind('/')?];
        }
    }
}

impl Columns {
    /// The column of a fact's field in its row (the year column `year` for its value).
    fn column(&self, field: &str, year: u32) -> Option<u32> {
        let (lead, tail) = (&self.lead, &self.tail);
        Some(match field {
            "concept" => lead[2],
            "period" | "value" => year,
            "unit" => lead[5],
            "dimensions" => lead[4],
            "omission" => tail[0]?,
            "source" => tail[2]?,
            "note" => tail[6]?,
            // Where the column is not there, the row's first cell.
            "source/section" => tail[3].unwrap_or(0),
            "source/page" => tail[4].unwrap_or(0),
            "source/quote" => tail[5].unwrap_or(0),
            "source/line" => tail[7].unwrap_or(0),
            "qualifier" => tail[8].unwrap_or(0),
            _ => return None,
        })
    }
}

/// A sheet's cells as text, as the cell shows them: text as typed, numbers to the decimals of
/// their number format (a percentage format shows the percentage), a date as YYYY-MM-DD.
struct Sheet {
    name: String,
    cells: calamine::Range<calamine::Data>,
    styles: calamine::StyleRange,
}

impl Sheet {
    fn text(&self, row: u32, col: u32) -> Result<Option<String>, String> {
        use calamine::Data;
        let Some(v) = self.cells.get_value((row, col)) else { return Ok(None) };
        let format =
            || self.styles.get((row, col)).and_then(|s| s.number_format.as_ref()).map(|f| f.format_code.as_str());
        Ok(match v {
            Data::Empty => None,
            // As typed: a quote keeps its spacing (whitespace alone is an empty cell).
            Data::String(s) => Some(s.clone()).filter(|s| !s.trim().is_empty()),
            Data::Int(i) => Some(i.to_string()),
            Data::Float(f) => Some(shown(*f, format())),
            Data::Bool(b) => Some(b.to_string()),
            Data::DateTime(d) => {
                let (y, m, day, ..) = d.to_ymd_hms_milli();
                Some(format!("{y:04}-{m:02}-{day:02}"))
            }
            Data::DateTimeIso(d) | Data::DurationIso(d) => Some(d.clone()),
            Data::Error(e) => return Err(format!("the cell holds the error {e}")),
        })
    }
}

/// A number as a cell with number format `format` shows it; with no decimals in the format
/// (General), the shortest text that is exactly the number stored.
fn shown(f: f64, format: Option<&str>) -> String {
    let code = format.unwrap_or("General").split(';').next().unwrap_or("");
    // Quoted text and escaped characters are not digits.
    let mut plain = String::new();
    let mut quoted = false;
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '\\' => {
                chars.next();
            }
            c if !quoted => plain.push(c),
            _ => {}
        }
    }
    let percent = plain.contains('%');
    let digits = plain.contains(['0', '#']);
    if !digits {
        return format!("{f}");
    }
    let places = plain.split_once('.').map_or(0, |(_, d)| d.chars().take_while(|c| matches!(c, '0' | '#')).count());
    if percent { format!("{:.*}%", places, f * 100.0) } else { format!("{:.*}", places, f) }
}

fn open_sheet(wb: &mut calamine::Xlsx<std::io::Cursor<&[u8]>>, name: &str) -> Result<Sheet, String> {
    use calamine::Reader;
    let cells = wb.worksheet_range(name).map_err(|e| e.to_string())?;
    // A number's format says how it is shown; text (what the template's value cells hold) has
    // no need of it, so a sheet without numbers is not read a second time for its styles.
    let numbers = cells.used_cells().any(|(.., v)| matches!(v, calamine::Data::Float(_)));
    let styles =
        if numbers { wb.worksheet_style(name).map_err(|e| e.to_string())? } else { calamine::StyleRange::empty() };
    Ok(Sheet { name: name.to_string(), cells, styles })
}

/// Read a filled template into a dataset.
pub fn read(shown_name: &str, bytes: Vec<u8>) -> Result<Dataset, Vec<Diagnostic>> {
    // calamine's cell-reference arithmetic overflows on a hostile reference (a panic where
    // overflow is checked, as in debug builds; the fuzz test found one): a workbook it cannot
    // read is a finding, never a crash.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_workbook(shown_name, bytes))).unwrap_or_else(|_| {
        Err(vec![Diagnostic::error(
            Code::E0003,
            Location::file(shown_name),
            "not a readable XLSX workbook: the XLSX reader failed on its content",
        )])
    })
}

fn read_workbook(shown_name: &str, bytes: Vec<u8>) -> Result<Dataset, Vec<Diagnostic>> {
    use calamine::Reader;
    let file = shown_name;
    let not_template = |why: String| {
        vec![
            Diagnostic::error(Code::E0100, Location::file(file), format!("not an esgx workbook template: {why}"))
                .with_hint("`esgx taxonomy template --format xlsx --out DIR` writes a workbook to fill in"),
        ]
    };
    let mut wb = calamine::Xlsx::new(std::io::Cursor::new(bytes.as_slice())).map_err(|e| {
        vec![Diagnostic::error(Code::E0003, Location::file(file), format!("not a readable XLSX workbook: {e}"))]
    })?;
    let names = wb.sheet_names();
    if !names.iter().any(|n| n == ENTITY_SHEET) {
        return Err(not_template(format!("it has no {ENTITY_SHEET} sheet")));
    }
    let entity = open_sheet(&mut wb, ENTITY_SHEET).map_err(&not_template)?;
    if entity.text(0, 1).ok().flatten().as_deref() != Some(MARKER) {
        return Err(not_template(format!("{ENTITY_SHEET}!B1 does not say {MARKER}")));
    }
    let facts_at = FactCells { file: file.to_string(), ..Default::default() };
    let mut cells = Cells { file, at: HashMap::new(), facts: facts_at };
    let mut errs = Vec::new();
    let mut doc = json!({"formatVersion": "1.0"});
    let (first_source, periods) = read_entity(&entity, &mut doc, &mut cells, &mut errs);
    let mut facts: Vec<Value> = Vec::new();
    if names.iter().any(|n| n == EXTENSIONS_SHEET) {
        match open_sheet(&mut wb, EXTENSIONS_SHEET) {
            Ok(sheet) => read_extensions(&sheet, &mut doc, &mut cells, &mut errs),
            Err(e) => errs.push(Diagnostic::error(Code::E0003, Location::cell(file, EXTENSIONS_SHEET, "A1"), e)),
        }
    }
    for name in names.iter().filter(|n| ![ENTITY_SHEET, LISTS_SHEET, EXTENSIONS_SHEET].contains(&n.as_str())) {
        match open_sheet(&mut wb, name) {
            Ok(sheet) => read_aspect(&sheet, &periods, &first_source, &mut facts, &mut cells, &mut errs),
            Err(e) => errs.push(Diagnostic::error(
                Code::E0003,
                Location::cell(file, name, "A1"),
                format!("unreadable sheet: {e}"),
            )),
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let fact_locations = super::FactLocations::Each(
        (0..facts.len()).map(|i| cells.facts.locate(i, "value").unwrap_or_else(|| Location::file(file))).collect(),
    );
    doc["facts"] = Value::Array(facts);
    let mut ds =
        super::from_value(file, doc, fact_locations, &|p| cells.find(p), vec![(file.to_string(), bytes.clone())])?;
    ds.cells = cells.facts;
    Ok(ds)
}

/// The entity block, the periods and the sources. Returns the first source's id (the default
/// source of a figure) and the period names.
fn read_entity(
    sheet: &Sheet,
    doc: &mut Value,
    cells: &mut Cells<'_>,
    errs: &mut Vec<Diagnostic>,
) -> (Option<String>, Vec<String>) {
    let (rows, _) = sheet.cells.get_size();
    let file = cells.file;
    let mut text = |r: u32, c: u32| match sheet.text(r, c) {
        Ok(t) => t,
        Err(e) => {
            errs.push(Diagnostic::error(Code::E0100, Location::cell(file, &sheet.name, &cell_ref(r, c)), e));
            None
        }
    };
    let label_row = |label: &str| (0..rows as u32).find(|r| sheet.text(*r, 0).ok().flatten().as_deref() == Some(label));
    for (label, pointer) in ENTITY_ROWS {
        let Some(r) = label_row(label) else { continue };
        if let Some(v) = text(r, 1) {
            set(doc, pointer, Value::String(v));
            cells.put(pointer.to_string(), &sheet.name, r, 1);
        }
    }
    let mut periods = Map::new();
    let mut names = Vec::new();
    if let Some(h) = label_row("Period") {
        let mut r = h + 1;
        while let Some(name) = text(r, 0) {
            let p = format!("/periods/{}", crate::jsonpos::escape(&name));
            let (start, end) = (text(r, 1), text(r, 2));
            periods.insert(name.clone(), json!({"start": start, "end": end}));
            cells.put(p.clone(), &sheet.name, r, 0);
            cells.put(format!("{p}/start"), &sheet.name, r, 1);
            cells.put(format!("{p}/end"), &sheet.name, r, 2);
            names.push(name);
            r += 1;
        }
    }
    doc["periods"] = Value::Object(periods);
    let mut sources = Vec::new();
    if let Some(h) = label_row("Source") {
        let mut r = h + 1;
        while let Some(id) = text(r, 0) {
            let i = sources.len();
            let mut s = json!({"id": id, "title": text(r, 1).unwrap_or_default()});
            if let Some(url) = text(r, 2) {
                s["url"] = url.into();
            }
            cells.put(format!("/sources/{i}"), &sheet.name, r, 0);
            cells.put(format!("/sources/{i}/title"), &sheet.name, r, 1);
            cells.put(format!("/sources/{i}/url"), &sheet.name, r, 2);
            sources.push(s);
            r += 1;
        }
    }
    let first = sources.first().and_then(|s| s["id"].as_str()).map(String::from);
    doc["sources"] = Value::Array(sources);
    (first, names)
}

/// The company extension: rows of kind (`prefix`, `namespace`, `member`, `group`, `concept`,
/// `axis`, `unit`)
/// and value (the prefix, the namespace, or a definition in JSON).
fn read_extensions(sheet: &Sheet, doc: &mut Value, cells: &mut Cells<'_>, errs: &mut Vec<Diagnostic>) {
    let (rows, _) = sheet.cells.get_size();
    let mut ext = json!({});
    for r in 1..rows as u32 {
        let at = Location::cell(cells.file, &sheet.name, &cell_ref(r, 1));
        let (Ok(Some(kind)), Ok(Some(value))) = (sheet.text(r, 0), sheet.text(r, 1)) else { continue };
        let list = match kind.as_str() {
            "prefix" | "namespace" => {
                cells.put(format!("/extensions/{kind}"), &sheet.name, r, 1);
                ext[kind.as_str()] = value.into();
                continue;
            }
            "member" => "members",
            "group" => "groups",
            "concept" => "concepts",
            "axis" => "axes",
            "unit" => "units",
            other => {
                errs.push(Diagnostic::error(
                    Code::E0100,
                    at,
                    format!("unknown kind {other:?}: member, group, concept, axis, unit, prefix or namespace"),
                ));
                continue;
            }
        };
        match serde_json::from_str::<Value>(&value) {
            Ok(def) => {
                let items = ext.as_object_mut().expect("an object").entry(list).or_insert_with(|| json!([]));
                let items = items.as_array_mut().expect("an array");
                cells.put(format!("/extensions/{list}/{}", items.len()), &sheet.name, r, 1);
                items.push(def);
            }
            Err(e) => errs.push(Diagnostic::error(Code::E0100, at, format!("the definition is not JSON: {e}"))),
        }
    }
    if ext.get("prefix").is_some() || ext.as_object().is_some_and(|o| !o.is_empty()) {
        doc["extensions"] = ext;
    }
}

/// Set the field at a JSON pointer of plain object keys, creating the objects on the way.
fn set(doc: &mut Value, pointer: &str, v: Value) {
    let mut at = doc;
    let keys: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    for k in &keys[..keys.len() - 1] {
        at = at.as_object_mut().expect("an object").entry(k.to_string()).or_insert_with(|| json!({}));
    }
    at[keys[keys.len() - 1]] = v;
}

/// One aspect sheet: a fact per filled year cell, and one per omission of the reporting year.
fn read_aspect(
    sheet: &Sheet,
    periods: &[String],
    first_source: &Option<String>,
    facts: &mut Vec<Value>,
    cells: &mut Cells<'_>,
    errs: &mut Vec<Diagnostic>,
) {
    let file = cells.file;
    let at = |r: u32, c: u32| Location::cell(file, &sheet.name, &cell_ref(r, c));
    let (rows, width) = sheet.cells.get_size();
    let header: Vec<String> = (0..width as u32).map(|c| sheet.text(0, c).ok().flatten().unwrap_or_default()).collect();
    let col = |name: &str| header.iter().position(|h| h == name).map(|c| c as u32);
    let lead: Option<Vec<u32>> = LEAD.iter().map(|h| col(h)).collect();
    let Some(lead) = lead else {
        errs.push(
            Diagnostic::error(Code::E0100, at(0, 0), format!("sheet {:?} is not part of the template (its first row is not the header of an aspect sheet): its cells would not be read", sheet.name))
                .with_hint("move its figures onto the aspect sheets, or delete the sheet"),
        );
        return;
    };
    let tail: Vec<Option<u32>> = TAIL.iter().map(|h| col(h)).collect();
    let sheet_index = cells.facts.sheets.len() as u32;
    cells.facts.sheets.push(Columns { name: sheet.name.clone(), lead: lead.clone(), tail: tail.clone() });
    let years: Vec<(u32, &String)> =
        header.iter().enumerate().filter_map(|(c, h)| Some((c as u32, periods.iter().find(|p| *p == h)?))).collect();
    let found = std::cell::RefCell::new(Vec::new());
    for r in 1..rows as u32 {
        let text = |c: Option<u32>| -> Option<String> {
            let c = c?;
            match sheet.text(r, c) {
                Ok(t) => t,
                Err(e) => {
                    found.borrow_mut().push(Diagnostic::error(Code::E0213, at(r, c), e));
                    None
                }
            }
        };
        let Some(concept) = text(Some(lead[2])) else { continue };
        let (axis, member, unit) = (text(Some(lead[3])), text(Some(lead[4])), text(Some(lead[5])));
        let [reason, explanation, document, section, page, quote, note, line, qualifier] =
            [0, 1, 2, 3, 4, 5, 6, 7, 8].map(|i| text(tail[i]));
        let mut source = json!({"document": document.clone().or(first_source.clone()).unwrap_or_default()});
        for (k, v) in [("section", &section), ("quote", &quote)] {
            if let Some(v) = v {
                source[k] = v.clone().into();
            }
        }
        for (k, v) in [("page", &page), ("line", &line)] {
            if let Some(v) = v {
                source[k] = v.parse::<u64>().map(Value::from).unwrap_or_else(|_| v.clone().into());
            }
        }
        for (i, (c, period)) in years.iter().enumerate() {
            let mut value = text(Some(*c));
            // An omission: the reason in the year's cell, or in the reason column for the
            // reporting year (the first) left empty.
            let reason = match value.as_deref() {
                Some(v) if OMISSION_REASONS.contains(&v) => value.take(),
                None if i == 0 => reason.clone(),
                _ => None,
            };
            if value.is_none() && reason.is_none() {
                continue;
            }
            cells.facts.facts.push(FactCell { sheet: sheet_index, row: r, year: *c });
            let mut f = Map::with_capacity(8);
            let mut put = |k: &str, v: Value| f.insert(k.to_string(), v);
            put("concept", concept.clone().into());
            put("period", period.as_str().into());
            put("source", source.clone());
            match value {
                Some(v) => put("value", v.into()),
                None => {
                    put("omission", json!({"reason": reason, "explanation": explanation.clone().unwrap_or_default()}))
                }
            };
            if let Some(u) = &unit {
                put("unit", u.clone().into());
            }
            match (&axis, &member) {
                (Some(a), Some(m)) => {
                    put("dimensions", json!({a: m}));
                }
                (Some(_), None) | (None, Some(_)) => found.borrow_mut().push(Diagnostic::error(
                    Code::E0217,
                    at(r, lead[if axis.is_none() { 3 } else { 4 }]),
                    "a breakdown needs both its axis and its member",
                )),
                (None, None) => {}
            }
            if let Some(n) = &note {
                put("note", n.clone().into());
            }
            if let Some(q) = &qualifier {
                put("qualifier", q.clone().into());
            }
            facts.push(Value::Object(f));
        }
    }
    errs.extend(found.into_inner());
}

#[cfg(test)]
mod tests {
    use super::shown;

    #[test]
    fn numbers_read_as_their_cell_shows_them() {
        assert_eq!(shown(1397.96, Some("#,##0.00")), "1397.96");
        assert_eq!(shown(14.1, Some("0.00")), "14.10", "the format's decimals are kept");
        assert_eq!(shown(0.2, Some("0%")), "20%");
        assert_eq!(shown(0.992, Some("0.0%")), "99.2%");
        assert_eq!(shown(3121.0, Some("General")), "3121");
        assert_eq!(shown(0.1 + 0.2, None), "0.30000000000000004", "General: the number stored, exactly");
        assert_eq!(shown(5.0, Some("\"t\"0.0")), "5.0", "quoted text is not a digit");
    }
}
