//! What goes where on the page, decided before a byte is written (only indexes into the report,
//! so that the page itself can stream): sections in the taxonomy's presentation order, their
//! tables and narrative blocks, charts, the numbered source notes each figure leads to, and the
//! facts no table shows (which go in `ix:hidden`).

use super::words::Words;
use crate::report::{Fact, FactValue, Period, Report, short_hash};
use crate::taxonomy::source::DataType;
use crate::taxonomy::{Concept, Taxonomy};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::HashMap;

/// One row of a table: a figure's label and its facts by column.
pub struct Row {
    pub label: String,
    /// 0: a concept's own row; 1: a breakdown heading; 2 and more: members.
    pub depth: usize,
    /// A row of words only (a breakdown's heading, a concept reported only by breakdown).
    pub heading: bool,
    pub unit: String,
    pub unit_title: String,
    /// Displayed = value / 10^scale: 3 for thousands, 6 for millions, -2 for percentages.
    pub scale: i32,
    /// Per column, the facts shown in that cell (more than one: figures that disagree).
    pub cells: Vec<Vec<usize>>,
    pub concept: usize,
    /// The breakdown of a member row: (axis index, member index).
    pub member: Option<(usize, usize)>,
}

pub struct Table {
    /// Column period ends, the reporting year first.
    pub columns: Vec<NaiveDate>,
    pub rows: Vec<Row>,
}

pub struct Narrative {
    pub concept: usize,
    pub label: String,
    pub facts: Vec<usize>,
}

pub enum Block {
    Table(Table),
    Text(Narrative),
}

/// A chart's data: a bar per year, a series per component or member.
pub struct Chart {
    pub title: String,
    pub unit: String,
    pub years: Vec<NaiveDate>,
    pub series: Vec<(String, Vec<Option<Decimal>>)>,
    pub stacked: bool,
    pub scale: i32,
}

pub struct Section {
    pub id: String,
    pub title: String,
    pub blocks: Vec<Block>,
    pub charts: Vec<Chart>,
    /// The notes first shown in this section, listed at its end.
    pub notes: Vec<usize>,
    /// The facts it shows, in the order a reader meets them.
    pub facts: Vec<usize>,
}

/// A source note: the sentence, its id on the page, its number, the facts that lead to it.
pub struct Note {
    pub id: String,
    pub text: String,
    pub number: usize,
    pub facts: Vec<usize>,
}

pub struct Plan {
    pub sections: Vec<Section>,
    pub hidden: Vec<usize>,
    pub notes: Vec<Note>,
    /// Per fact: its notes (source, then details), as indexes into `notes`.
    pub fact_notes: Vec<Vec<usize>>,
    /// Notes of hidden facts, listed after the sections.
    pub hidden_notes: Vec<usize>,
    /// A figure stated twice alike is shown once: the shown fact -> its repeats, which are
    /// tagged in `ix:hidden` and lead to their sources from the shown one.
    pub repeats: HashMap<usize, Vec<usize>>,
}

fn strip_kind(label: &str) -> &str {
    match label.rfind(" [") {
        Some(i) if label.ends_with(']') => &label[..i],
        _ => label,
    }
}

/// The year a fact's column is: its period's end.
pub fn column_of(p: &Period) -> NaiveDate {
    match p {
        Period::Instant(d) => *d,
        Period::Duration { end, .. } => *end,
    }
}

/// A duration of about a year (a financial year), which a column heading names; any other
/// duration gets its own row that says its dates.
fn is_year(p: &Period) -> bool {
    match p {
        Period::Instant(_) => true,
        Period::Duration { start, end } => (360..=370).contains(&(*end - *start).num_days()),
    }
}

pub fn plan(report: &Report, tax: &Taxonomy, w: &Words) -> Plan {
    let mut by_concept: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut hidden = Vec::new();
    for (i, f) in report.facts.iter().enumerate() {
        match tax.concept_index(&f.concept.local).filter(|c| tax.concepts[*c].qname == f.concept) {
            Some(c) => by_concept.entry(c).or_default().push(i),
            None => hidden.push(i),
        }
    }
    let groups = tax.info.groups.iter().chain(tax.extension.iter().flat_map(|e| e.groups.iter()));
    let mut sections = Vec::new();
    let mut placed = vec![false; tax.concepts.len()];
    for g in groups {
        let concepts: Vec<usize> = (0..tax.concepts.len())
            .filter(|c| tax.concepts[*c].def.group == g.id && by_concept.contains_key(c) && !placed[*c])
            .collect();
        if concepts.is_empty() {
            continue;
        }
        concepts.iter().for_each(|c| placed[*c] = true);
        sections.push(section(report, tax, w, &g.id, w.pick(&g.labels), &concepts, &by_concept));
    }
    for (c, facts) in &by_concept {
        if !placed[*c] {
            hidden.extend(facts.iter().copied());
        }
    }
    hidden.sort_unstable();
    let repeats = fold_repeats(report, &mut sections);
    let mut p = Plan {
        sections,
        hidden,
        notes: Vec::new(),
        fact_notes: vec![Vec::new(); report.facts.len()],
        hidden_notes: Vec::new(),
        repeats,
    };
    number_notes(report, &mut p);
    p
}

/// In each cell, a fact with the same value, precision and unit as one shown before it is a
/// repeat: it leaves the cell (figures that disagree both stay, for the reader to see).
fn fold_repeats(report: &Report, sections: &mut [Section]) -> HashMap<usize, Vec<usize>> {
    let mut repeats: HashMap<usize, Vec<usize>> = HashMap::new();
    let same = |a: &Fact, b: &Fact| a.value == b.value && a.decimals == b.decimals && a.unit == b.unit;
    for s in sections {
        for b in &mut s.blocks {
            let Block::Table(t) = b else { continue };
            for cell in t.rows.iter_mut().flat_map(|r| r.cells.iter_mut()).filter(|c| c.len() > 1) {
                let mut kept: Vec<usize> = Vec::with_capacity(cell.len());
                for i in cell.drain(..) {
                    match kept.iter().find(|k| same(&report.facts[**k], &report.facts[i])) {
                        Some(k) => repeats.entry(*k).or_default().push(i),
                        None => kept.push(i),
                    }
                }
                *cell = kept;
            }
        }
    }
    repeats
}

fn section(
    report: &Report,
    tax: &Taxonomy,
    w: &Words,
    id: &str,
    title: &str,
    concepts: &[usize],
    by_concept: &HashMap<usize, Vec<usize>>,
) -> Section {
    let mut blocks = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    for c in concepts {
        let facts = &by_concept[c];
        let concept = &tax.concepts[*c];
        if concept.is_numeric() {
            rows.extend(concept_rows(report, tax, w, *c, facts));
        } else {
            if !rows.is_empty() {
                blocks.push(Block::Table(table(report, std::mem::take(&mut rows))));
            }
            let label = w.pick(&concept.def.labels).to_string();
            blocks.push(Block::Text(Narrative { concept: *c, label, facts: facts.clone() }));
        }
    }
    if !rows.is_empty() {
        blocks.push(Block::Table(table(report, rows)));
    }
    let charts = super::charts::choose(report, tax, w, &blocks);
    Section { id: id.to_string(), title: title.to_string(), blocks, charts, notes: Vec::new(), facts: Vec::new() }
}

/// Lay rows into columns: one per period end the rows' facts have, latest first.
fn table(report: &Report, mut rows: Vec<Row>) -> Table {
    let mut columns: Vec<NaiveDate> =
        rows.iter().flat_map(|r| r.cells.iter().flatten()).map(|i| column_of(&report.facts[*i].period)).collect();
    columns.sort_unstable_by(|a, b| b.cmp(a));
    columns.dedup();
    for r in &mut rows {
        let mut cells = vec![Vec::new(); columns.len()];
        for i in r.cells.iter().flatten() {
            let col = columns.iter().position(|d| *d == column_of(&report.facts[*i].period)).expect("a column per end");
            cells[col].push(*i);
        }
        r.cells = cells;
    }
    Table { columns, rows }
}

/// The rows of one numeric concept: its own figure, then each breakdown under a heading, members
/// indented by their place in the axis; a duration other than a year gets a row of its own.
fn concept_rows(report: &Report, tax: &Taxonomy, w: &Words, c: usize, facts: &[usize]) -> Vec<Row> {
    let concept = &tax.concepts[c];
    // Row key: dimensions (as axis/member indexes), unit id, and the start of an odd duration.
    type Key = (Vec<(usize, usize)>, String, Option<NaiveDate>);
    let mut keyed: Vec<(Key, Vec<usize>)> = Vec::new();
    let mut index: HashMap<Key, usize> = HashMap::new();
    for i in facts {
        let f = &report.facts[*i];
        let Some(dims) = dim_indexes(tax, f) else { continue };
        let odd = match &f.period {
            Period::Duration { start, .. } if !is_year(&f.period) => Some(*start),
            _ => None,
        };
        let key = (dims, f.unit.as_ref().map(|u| u.id.clone()).unwrap_or_default(), odd);
        let k = *index.entry(key.clone()).or_insert_with(|| {
            keyed.push((key, Vec::new()));
            keyed.len() - 1
        });
        keyed[k].1.push(*i);
    }
    keyed.sort_by(|a, b| (a.0.0.len(), &a.0.0, &a.0.1, a.0.2).cmp(&(b.0.0.len(), &b.0.0, &b.0.1, b.0.2)));
    let label = w.pick(&concept.def.labels).to_string();
    let mut rows = Vec::new();
    if keyed.first().is_none_or(|k| !k.0.0.is_empty()) {
        rows.push(heading(&label, 0, c));
    }
    let mut last_axes: Option<Vec<usize>> = None;
    for ((dims, _, odd), fs) in keyed {
        let mut row = figure_row(report, tax, w, c, fs);
        let axes: Vec<usize> = dims.iter().map(|d| d.0).collect();
        if dims.is_empty() {
            row.label = label.clone();
        } else {
            if last_axes.as_ref() != Some(&axes) {
                let names: Vec<String> =
                    axes.iter().map(|a| lower_first(w, strip_kind(w.pick(&tax.axes[*a].def.labels)))).collect();
                let gap = if w.lang == "en" { " " } else { "" };
                rows.push(heading(&format!("{}{gap}{}", w.by, names.join(" × ")), 1, c));
                last_axes = Some(axes);
            }
            let names: Vec<&str> =
                dims.iter().map(|(a, m)| strip_kind(w.pick(&tax.axes[*a].members[*m].def.labels))).collect();
            row.label = names.join(" × ");
            row.depth = 2 + dims.first().map_or(0, |(a, m)| member_depth(tax, *a, *m));
            if dims.len() == 1 {
                row.member = Some(dims[0]);
            }
        }
        if let Some(start) = odd
            && let Some(end) = row.cells.iter().flatten().next().map(|i| column_of(&report.facts[*i].period))
        {
            row.label = format!("{} ({})", row.label, w.span(start, end));
        }
        rows.push(row);
    }
    rows
}

fn lower_first(w: &Words, s: &str) -> String {
    if w.lang != "en" {
        return s.to_string();
    }
    let mut c = s.chars();
    match (c.next(), c.clone().next()) {
        // Keep acronyms (GHG, ESG) as they are.
        (Some(f), Some(n)) if !n.is_uppercase() => f.to_lowercase().chain(c).collect(),
        _ => s.to_string(),
    }
}

fn heading(label: &str, depth: usize, concept: usize) -> Row {
    Row {
        label: label.to_string(),
        depth,
        heading: true,
        unit: String::new(),
        unit_title: String::new(),
        scale: 0,
        cells: Vec::new(),
        concept,
        member: None,
    }
}

/// How deep a member sits under its axis's domain (its parents).
fn member_depth(tax: &Taxonomy, axis: usize, member: usize) -> usize {
    let a = &tax.axes[axis];
    let mut depth = 0;
    let mut m = &a.members[member];
    while let Some(p) = m.def.parent.as_deref().and_then(|p| a.member(p)).filter(|p| *p != 0) {
        depth += 1;
        if depth > 8 {
            break;
        }
        m = &a.members[p];
    }
    depth
}

/// A fact's breakdown as (axis, member) indexes in taxonomy order; `None` when the taxonomy does
/// not know one of them (the fact is then hidden rather than misplaced).
fn dim_indexes(tax: &Taxonomy, f: &Fact) -> Option<Vec<(usize, usize)>> {
    let mut out = Vec::with_capacity(f.dimensions.len());
    for (axis, member) in f.dimensions.iter() {
        let a = tax.axis(&axis.local)?;
        let m = tax.axes[a].member(&member.local)?;
        out.push((a, m));
    }
    out.sort_unstable();
    Some(out)
}

fn figure_row(report: &Report, tax: &Taxonomy, w: &Words, c: usize, facts: Vec<usize>) -> Row {
    let concept = &tax.concepts[c];
    let unit = facts.iter().find_map(|i| report.facts[*i].unit.as_ref());
    let scale = display_scale(report, concept, &facts);
    let (mut symbol, title) = unit.map(|u| unit_symbol(tax, w, u)).unwrap_or_default();
    if let Some(name) = w.scale_name(scale) {
        symbol = if w.lang == "en" { format!("{symbol} {name}") } else { format!("{symbol}（{name}）") };
    }
    Row {
        label: String::new(),
        depth: 0,
        heading: false,
        unit: symbol,
        unit_title: title,
        scale,
        cells: vec![facts],
        concept: c,
        member: None,
    }
}

/// Percentages as percent; amounts of money reported to the thousand or million in thousands or
/// millions (as a report prints them); everything else as it is.
fn display_scale(report: &Report, concept: &Concept, facts: &[usize]) -> i32 {
    if concept.def.data_type == DataType::Percent {
        return -2;
    }
    if concept.def.data_type != DataType::Monetary {
        return 0;
    }
    let coarsest = facts
        .iter()
        .map(|i| &report.facts[*i])
        .filter(|f| f.value != FactValue::Nil)
        .map(|f| f.decimals.unwrap_or(0))
        .max();
    match coarsest {
        Some(d) if d <= -6 => 6,
        Some(d) if d <= -3 => 3,
        _ => 0,
    }
}

/// A unit as a table prints it (tCO2e, MWh/employee, %), and its full label for a tooltip.
pub fn unit_symbol(tax: &Taxonomy, w: &Words, u: &crate::report::Unit) -> (String, String) {
    let title = tax.unit(&u.id).map(|d| w.pick(&d.labels).to_string()).unwrap_or_else(|| u.oim());
    if u.is_pure() {
        return (String::new(), String::new());
    }
    let name = |m: &crate::report::QName| match &*m.local {
        "m3" => "m³".to_string(),
        "Employee" => match w.lang {
            "zh-Hant" => "僱員".to_string(),
            "zh-Hans" => "雇员".to_string(),
            _ => "employee".to_string(),
        },
        other => other.to_string(),
    };
    let num: Vec<String> = u.numerator.iter().map(name).collect();
    let den: Vec<String> = u.denominator.iter().map(name).collect();
    let mut s = num.join("·");
    if !den.is_empty() {
        s = format!("{s}/{}", den.join("·"));
    }
    (s, title)
}

/// Number the notes in the order a reader meets them: section by section, row by row, then the
/// hidden facts' notes. Facts stated in one place share one source note.
fn number_notes(report: &Report, p: &mut Plan) {
    let mut by_text: HashMap<String, usize> = HashMap::new();
    let mut order: Vec<Vec<usize>> = Vec::new();
    for s in &mut p.sections {
        let mut facts = Vec::new();
        for b in &s.blocks {
            match b {
                Block::Table(t) => {
                    for i in t.rows.iter().flat_map(|r| r.cells.iter().flatten()) {
                        facts.push(*i);
                        facts.extend(p.repeats.get(i).into_iter().flatten().copied());
                    }
                }
                Block::Text(n) => facts.extend(n.facts.iter().copied()),
            }
        }
        s.facts = facts.clone();
        order.push(facts);
    }
    order.push(p.hidden.clone());
    let n_sections = p.sections.len();
    for (si, facts) in order.into_iter().enumerate() {
        let mut first_here = Vec::new();
        for i in facts {
            let f = &report.facts[i];
            let prov = &f.provenance;
            let texts = std::iter::once(prov.location_sentence()).chain(prov.details_sentence());
            for text in texts {
                let k = match by_text.get(&text) {
                    Some(k) => *k,
                    None => {
                        let k = p.notes.len();
                        let id = format!("n-{}", short_hash(text.as_bytes()));
                        p.notes.push(Note { id, text: text.clone(), number: k + 1, facts: Vec::new() });
                        by_text.insert(text, k);
                        first_here.push(k);
                        k
                    }
                };
                p.notes[k].facts.push(i);
                p.fact_notes[i].push(k);
            }
        }
        if si < n_sections {
            p.sections[si].notes = first_here;
        } else {
            p.hidden_notes = first_here;
        }
    }
}
