//! The diff job: two datasets or filings (in any combination) compared fact by fact. Facts are
//! matched by their aspects (concept, period, breakdown, unit), never by position or id, so a
//! reordering or a renumbering is no difference. Numbers are compared as the intervals their
//! rounding allows (XBRL Calculations 1.1): `1,397.96` and `1398.0` (one decimal) are the same
//! figure, `1,397.96` and `1,397.90` are not. A figure for a period before the new side's
//! reporting period that the new side states differently is a restatement, reported apart from
//! ordinary changes.

use crate::dataset::Input;
use crate::diag::{Diagnostic, Severity};
use crate::export::prepare;
use crate::report::{Fact, FactValue, Period, Provenance, Report};
use crate::taxonomy::Taxonomy;
use crate::validate::terms::{Terms, clip};
use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// One side of a comparison: a dataset mapped onto its taxonomy, or a filing read back.
pub struct Side {
    /// The input as the user named it.
    pub input: String,
    /// "dataset" or "filing".
    pub kind: &'static str,
    /// The side's facts.
    pub report: Report,
    /// The taxonomy the side's facts use.
    pub taxonomy: Taxonomy,
    /// Errors that kept records of a dataset out of the report: the diff covers the rest.
    pub left_out: Vec<Diagnostic>,
}

/// Why an input could not be read: the same as for the other jobs.
pub use crate::pipeline::Error as LoadError;

/// Read a dataset (.json, .csv) or a filing (XBRL XML, xBRL-JSON), telling them apart as
/// `validate` does.
pub fn load(input: &Input, taxonomy_dir: Option<&Path>) -> Result<Side, LoadError> {
    let filing = crate::pipeline::read_if_filing(input).map_err(LoadError::Io)?;
    match (input, filing) {
        (Input::Path(path), Some(filing)) => {
            let mut imported = filing.read(path, taxonomy_dir).map_err(|d| {
                if crate::pipeline::is_usage_problem(&d) {
                    LoadError::Io(d[0].to_string())
                } else {
                    LoadError::Findings(d)
                }
            })?;
            imported.report.reporting_period = crate::pipeline::latest_duration(&imported.report);
            Ok(Side {
                input: input.display(),
                kind: "filing",
                report: imported.report,
                taxonomy: imported.taxonomy,
                left_out: Vec::new(),
            })
        }
        _ => {
            let p = prepare(input, taxonomy_dir, false, None, &Default::default())?;
            // Errors of reading and mapping (E00xx to E02xx) drop records; the rules' errors (an
            // inconsistent duplicate, say) are findings about facts that are all there.
            let left_out = p
                .diagnostics
                .into_iter()
                .filter(|d| {
                    d.severity == Severity::Error && matches!(d.code.as_str().get(..3), Some("E00" | "E01" | "E02"))
                })
                .collect();
            Ok(Side { input: input.display(), kind: "dataset", report: p.report, taxonomy: p.taxonomy, left_out })
        }
    }
}

/// The `$schema` id of the diff's JSON form (`esgx schema diff` prints the schema).
pub const SCHEMA_ID: &str = "https://esgx.dev/schema/diff-1.json";

/// What was compared, and what differs.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diff {
    /// `https://esgx.dev/schema/diff-1.json` (`esgx schema diff` prints it).
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    /// The old side.
    pub old: Compared,
    /// The new side.
    pub new: Compared,
    /// The new side's reporting period: figures for earlier periods that differ are restatements.
    pub reporting_period: Option<String>,
    /// The entities, when the two sides are about different ones (facts are matched regardless).
    pub entity: Option<EntityChange>,
    /// How many aspects fall in each section, and how many are unchanged.
    pub summary: Summary,
    /// Figures for the reporting period (or later) that the two sides state differently.
    pub changed: Vec<Entry>,
    /// Figures for earlier periods that the new side states differently: restatements.
    pub restated: Vec<Entry>,
    /// Facts only the new side reports.
    pub added: Vec<Entry>,
    /// Facts only the old side reports.
    pub removed: Vec<Entry>,
}

/// One input of a comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Compared {
    /// The input as the user named it.
    pub input: String,
    /// `dataset` or `filing`.
    pub kind: &'static str,
    /// The number of facts it has.
    pub facts: usize,
}

/// The two entities, each as its scheme and identifier, when they differ.
#[derive(Debug, Clone, Serialize)]
pub struct EntityChange {
    /// The old side's entity: `SCHEME IDENTIFIER`.
    pub old: String,
    /// The new side's entity: `SCHEME IDENTIFIER`.
    pub new: String,
}

/// How many facts (by aspects) fall in each section of a diff.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Figures stated differently for the reporting period or later.
    pub changed: usize,
    /// Figures for earlier periods stated differently: restatements.
    pub restated: usize,
    /// Facts only the new side reports.
    pub added: usize,
    /// Facts only the old side reports.
    pub removed: usize,
    /// Aspects both sides report alike.
    pub unchanged: usize,
}

/// A fact (or a set of duplicates of one fact) identified by its aspects, with its figures on
/// either side: `old` is empty for an added fact, `new` for a removed one.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// `prefix:local`.
    pub concept: String,
    /// The period as XBRL states it: `2023-01-01/2023-12-31`, or a date for an instant.
    pub period: String,
    /// The period as the report names it: `FY2023`, `end of FY2023`.
    pub period_name: String,
    /// Axis -> member, `prefix:local` names.
    pub dimensions: BTreeMap<String, String>,
    /// The OIM unit string (`utr:tCO2e`), for numeric facts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The fact's figures on the old side (several if duplicated); empty for an added fact.
    pub old: Vec<FactView>,
    /// The fact's figures on the new side (several if duplicated); empty for a removed fact.
    pub new: Vec<FactView>,
    /// The concept's local name, for people.
    #[serde(skip)]
    pub concept_local: String,
    /// The members without their `Member` suffix, for people.
    #[serde(skip)]
    pub breakdown: Vec<String>,
}

/// One fact's value and where its report states it.
#[derive(Debug, Clone, Serialize)]
pub struct FactView {
    /// The exact value (`1397.96`, `0.19` for 19%), the text, or null for nil.
    pub value: Option<String>,
    /// The value's precision in decimals; absent for exact values and text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decimals: Option<i32>,
    /// The figure as the report printed it (`1,397.96`, `19%`).
    pub figure: String,
    /// Where it is stated, in a few words: `Data statistics table, line 1152`.
    #[serde(rename = "where")]
    pub place: String,
    /// The fact's full provenance.
    pub source: Provenance,
}

impl Diff {
    /// Whether the two sides agree: the same entity and no changed, restated, added or removed fact.
    pub fn is_empty(&self) -> bool {
        self.entity.is_none()
            && self.changed.is_empty()
            && self.restated.is_empty()
            && self.added.is_empty()
            && self.removed.is_empty()
    }
}

/// The aspects that identify a fact: concept, period, breakdown and unit by their namespaces
/// and local names (prefixes may differ between the sides), the unit by its measures.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Key<'a> {
    /// (local, namespace): sorting by local name first reads well.
    concept: (&'a str, &'a str),
    period: &'a Period,
    /// (axis local, axis namespace, member local, member namespace), sorted.
    dims: Vec<(&'a str, &'a str, &'a str, &'a str)>,
    /// (numerator, denominator) measures as (namespace, local), sorted.
    unit: Option<(Measures<'a>, Measures<'a>)>,
}

type Measures<'a> = Vec<(&'a str, &'a str)>;

fn key(f: &Fact) -> Key<'_> {
    let mut dims: Vec<_> =
        f.dimensions.iter().map(|(a, m)| (&*a.local, &*a.namespace, &*m.local, &*m.namespace)).collect();
    dims.sort_unstable();
    fn measures(ms: &[crate::report::QName]) -> Measures<'_> {
        let mut v: Vec<(&str, &str)> = ms.iter().map(|m| (&*m.namespace, &*m.local)).collect();
        v.sort_unstable();
        v
    }
    Key {
        concept: (&f.concept.local, &f.concept.namespace),
        period: &f.period,
        dims,
        unit: f.unit.as_ref().map(|u| (measures(&u.numerator), measures(&u.denominator))),
    }
}

fn index(report: &Report) -> HashMap<Key<'_>, Vec<&Fact>> {
    let mut out: HashMap<Key, Vec<&Fact>> = HashMap::with_capacity(report.facts.len());
    for f in &report.facts {
        out.entry(key(f)).or_default().push(f);
    }
    out
}

/// A value as compared: numbers rounded to their decimals, text with its whitespace runs
/// collapsed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Value {
    Nil,
    Number(Decimal, Option<i32>),
    Text(String),
}

fn value(f: &Fact) -> Value {
    match &f.value {
        FactValue::Nil => Value::Nil,
        FactValue::Number(v) => Value::Number(rounded(*v, f.decimals), f.decimals),
        FactValue::Text(t) => Value::Text(t.split_whitespace().collect::<Vec<_>>().join(" ")),
    }
}

/// A value rounded to its `decimals` (half to even), as Calculations 1.1 reads it.
fn rounded(v: Decimal, decimals: Option<i32>) -> Decimal {
    match decimals {
        None => v,
        Some(d) if d >= 0 => v.round_dp_with_strategy(d.min(28) as u32, RoundingStrategy::MidpointNearestEven),
        Some(d) => {
            let unit = Decimal::from_i128_with_scale(10i128.pow((-d).min(27) as u32), 0);
            (v / unit).round_dp_with_strategy(0, RoundingStrategy::MidpointNearestEven) * unit
        }
    }
}

/// Do two groups of facts with the same aspects state the same thing? The same values (as sets:
/// a figure stated twice on one side and once on the other is no change), or numbers that are
/// all consistent with one another: equal where their precision is equal, and with a common
/// interval.
fn same(old: &[&Fact], new: &[&Fact]) -> bool {
    // The common case, without allocating: the same facts in the same order.
    if old.len() == new.len() && old.iter().zip(new).all(|(a, b)| a.value == b.value && a.decimals == b.decimals) {
        return true;
    }
    let distinct = |g: &[&Fact]| {
        let mut v: Vec<Value> = g.iter().map(|f| value(f)).collect();
        v.sort();
        v.dedup();
        v
    };
    let (a, b) = (distinct(old), distinct(new));
    if a == b {
        return true;
    }
    let all: Vec<Value> = a.into_iter().chain(b).collect();
    let mut common: Option<(Decimal, Decimal)> = None;
    for (i, v) in all.iter().enumerate() {
        let Value::Number(x, d) = v else { return false };
        if all[..i].iter().any(|w| matches!(w, Value::Number(y, e) if e == d && y != x)) {
            return false;
        }
        let (lo, hi) = crate::value::interval(*x, *d);
        let (lo, hi) = match common {
            None => (lo, hi),
            Some((a, b)) => (a.max(lo), b.min(hi)),
        };
        if lo > hi {
            return false;
        }
        common = Some((lo, hi));
    }
    true
}

/// How periods are named: the reports' own names (the new side's first), else a twelve-month
/// period by the year it ends in; an instant as the end of the period that ends then.
struct PeriodNames {
    names: HashMap<Period, String>,
    ends: HashMap<NaiveDate, String>,
}

impl PeriodNames {
    fn new<'a>(old: &Report, new: &Report, periods: impl Iterator<Item = &'a Period>) -> Self {
        let mut names: HashMap<Period, String> = HashMap::new();
        for (p, n) in new.period_names.iter().chain(&old.period_names) {
            names.entry(p.clone()).or_insert_with(|| n.clone());
        }
        for p in periods {
            if let Period::Duration { start, end } = p
                && !names.contains_key(p)
                && start.checked_add_months(chrono::Months::new(12)).and_then(|d| d.pred_opt()) == Some(*end)
            {
                names.insert(p.clone(), format!("FY{}", end.year()));
            }
        }
        let mut sorted: Vec<(&Period, &String)> = names.iter().collect();
        sorted.sort();
        let mut ends = HashMap::new();
        for (p, n) in sorted {
            if let Period::Duration { end, .. } = p {
                ends.entry(*end).or_insert_with(|| n.clone());
            }
        }
        PeriodNames { names, ends }
    }

    fn name(&self, p: &Period) -> String {
        if let Some(n) = self.names.get(p) {
            return n.clone();
        }
        match p {
            Period::Instant(d) => self.ends.get(d).map_or_else(|| d.to_string(), |n| format!("end of {n}")),
            Period::Duration { start, end } => format!("{start} to {end}"),
        }
    }
}

/// Where a report states a fact, in a few words: its section and line or page in the source
/// document, else where the fact sits in the file it was read from.
fn place(f: &Fact) -> String {
    let p = &f.provenance;
    match (&p.section, p.page, p.line) {
        (Some(s), _, Some(l)) => format!("{}, line {l}", clip(s, 60)),
        (Some(s), Some(pg), None) => format!("{}, page {pg}", clip(s, 60)),
        (Some(s), None, None) => clip(s, 60),
        (None, Some(pg), _) => format!("page {pg}"),
        (None, None, Some(l)) => format!("line {l}"),
        (None, None, None) => f.origin.to_string(),
    }
}

fn view(f: &Fact, terms: &Terms) -> FactView {
    FactView {
        value: match &f.value {
            FactValue::Number(n) => Some(n.to_string()),
            FactValue::Text(t) => Some(t.clone()),
            FactValue::Nil => None,
        },
        decimals: f.decimals,
        figure: terms.figure(f),
        place: place(f),
        source: f.provenance.clone(),
    }
}

/// The facts of a group in an order that does not depend on their order in the file.
fn views(group: &[&Fact], terms: &Terms) -> Vec<FactView> {
    let mut v: Vec<FactView> = group.iter().map(|f| view(f, terms)).collect();
    v.sort_by(|a, b| (&a.place, &a.figure, &a.value).cmp(&(&b.place, &b.figure, &b.value)));
    v
}

/// Compare `old` with `new`. Near-linear: each side is indexed once by aspects.
pub fn compare(old: &Side, new: &Side) -> Diff {
    let (a, b) = (index(&old.report), index(&new.report));
    let names = PeriodNames::new(&old.report, &new.report, a.keys().chain(b.keys()).map(|k| k.period));
    let (old_terms, new_terms) = (
        Terms::new(&old.report.facts, &old.report.period_names, &old.taxonomy),
        Terms::new(&new.report.facts, &new.report.period_names, &new.taxonomy),
    );
    // A period is earlier than the new side's reporting period when it ends before that starts.
    let current_start = match &new.report.reporting_period {
        Some(Period::Duration { start, .. }) => Some(*start),
        Some(Period::Instant(d)) => Some(*d),
        None => new.report.facts.iter().map(|f| end_of(&f.period)).max(),
    };
    let earlier = |p: &Period| current_start.is_some_and(|s| end_of(p) < s);

    let (mut changed, mut restated, mut added, mut removed) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut unchanged = 0;
    for (k, new_facts) in &b {
        match a.get(k) {
            None => added.push((k, &[][..], &new_facts[..])),
            Some(old_facts) if same(old_facts, new_facts) => unchanged += 1,
            Some(old_facts) if earlier(k.period) => restated.push((k, &old_facts[..], &new_facts[..])),
            Some(old_facts) => changed.push((k, &old_facts[..], &new_facts[..])),
        }
    }
    for (k, old_facts) in &a {
        if !b.contains_key(k) {
            removed.push((k, &old_facts[..], &[][..]));
        }
    }
    let entries = |mut list: Vec<(&Key, &[&Fact], &[&Fact])>| -> Vec<Entry> {
        list.sort_by(|x, y| x.0.cmp(y.0));
        list.into_iter()
            .map(|(_, o, n)| {
                let f = n.first().or(o.first()).expect("a group has a fact");
                Entry {
                    concept: f.concept.to_string(),
                    period: f.period.to_string(),
                    period_name: names.name(&f.period),
                    dimensions: f.dimensions.iter().map(|(a, m)| (a.to_string(), m.to_string())).collect(),
                    unit: f.unit.as_ref().map(|u| u.oim()),
                    old: views(o, &old_terms),
                    new: views(n, &new_terms),
                    concept_local: f.concept.local.to_string(),
                    breakdown: f
                        .dimensions
                        .iter()
                        .map(|(_, m)| m.local.trim_end_matches("Member").to_string())
                        .collect(),
                }
            })
            .collect()
    };
    let (changed, restated, added, removed) = (entries(changed), entries(restated), entries(added), entries(removed));
    let entity_of = |r: &Report| format!("{} {}", r.entity.scheme, r.entity.identifier);
    let entity = (old.report.entity.scheme != new.report.entity.scheme
        || old.report.entity.identifier != new.report.entity.identifier)
        .then(|| EntityChange { old: entity_of(&old.report), new: entity_of(&new.report) });
    Diff {
        schema: SCHEMA_ID,
        old: Compared { input: old.input.clone(), kind: old.kind, facts: old.report.facts.len() },
        new: Compared { input: new.input.clone(), kind: new.kind, facts: new.report.facts.len() },
        reporting_period: new.report.reporting_period.as_ref().map(|p| names.name(p)),
        entity,
        summary: Summary {
            changed: changed.len(),
            restated: restated.len(),
            added: added.len(),
            removed: removed.len(),
            unchanged,
        },
        changed,
        restated,
        added,
        removed,
    }
}

fn end_of(p: &Period) -> NaiveDate {
    match p {
        Period::Instant(d) | Period::Duration { end: d, .. } => *d,
    }
}

/// How to print a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text for a terminal.
    Human,
    /// JSON, as `schema/diff.schema.json` describes it.
    Json,
    /// Markdown, e.g. for a pull request comment or a review.
    Markdown,
}

/// The diff as text in the format asked for.
pub fn render(diff: &Diff, format: Format) -> String {
    match format {
        Format::Human => human(diff),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(diff).expect("a diff serializes");
            s.push('\n');
            s
        }
        Format::Markdown => markdown(diff),
    }
}

/// The sections in the order they are printed, with a line on what each means.
fn sections(diff: &Diff) -> [(&'static str, String, &[Entry]); 4] {
    let restated = match &diff.reporting_period {
        Some(rp) => {
            format!("figures for periods before {rp}, the new side's reporting period, that it states differently")
        }
        None => "figures for periods before the new side's reporting period that it states differently".into(),
    };
    [
        ("Changed", String::new(), &diff.changed),
        ("Restated", restated, &diff.restated),
        ("Added", String::new(), &diff.added),
        ("Removed", String::new(), &diff.removed),
    ]
}

fn what(e: &Entry) -> String {
    let mut parts = vec![e.period_name.clone()];
    parts.extend(e.breakdown.iter().cloned());
    format!("{} ({})", e.concept_local, parts.join(", "))
}

fn figures(v: &[FactView]) -> String {
    v.iter().map(|f| f.figure.as_str()).collect::<Vec<_>>().join("; ")
}

fn places(v: &[FactView]) -> String {
    v.iter().map(|f| f.place.as_str()).collect::<Vec<_>>().join("; ")
}

fn summary_line(diff: &Diff) -> String {
    let s = &diff.summary;
    format!(
        "{} changed, {} restated, {} added, {} removed; {} unchanged",
        s.changed, s.restated, s.added, s.removed, s.unchanged
    )
}

fn human(diff: &Diff) -> String {
    use crate::validate::render::printable as p;
    let mut out = format!(
        "old: {} ({}, {} facts)\nnew: {} ({}, {} facts)\n",
        p(&diff.old.input),
        diff.old.kind,
        diff.old.facts,
        p(&diff.new.input),
        diff.new.kind,
        diff.new.facts
    );
    if let Some(e) = &diff.entity {
        out.push_str(&format!("entity: {} → {} (facts are matched regardless)\n", p(&e.old), p(&e.new)));
    }
    for (title, about, list) in sections(diff) {
        if list.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{title} ({})", list.len()));
        if !about.is_empty() {
            out.push_str(&format!(": {about}"));
        }
        out.push('\n');
        for e in list {
            let line = match (e.old.is_empty(), e.new.is_empty()) {
                (true, _) => format!("  {}: {}\n      new: {}\n", what(e), figures(&e.new), places(&e.new)),
                (_, true) => format!("  {}: {}\n      old: {}\n", what(e), figures(&e.old), places(&e.old)),
                _ => format!(
                    "  {}: {} → {}\n      old: {}\n      new: {}\n",
                    what(e),
                    figures(&e.old),
                    figures(&e.new),
                    places(&e.old),
                    places(&e.new)
                ),
            };
            out.push_str(&line.lines().map(|l| p(l) + "\n").collect::<String>());
        }
    }
    out.push('\n');
    if diff.is_empty() {
        out.push_str(&format!("no differences: {} facts alike (duplicates counted once)\n", diff.summary.unchanged));
    } else {
        out.push_str(&summary_line(diff));
        out.push('\n');
    }
    out
}

/// Text for a Markdown table cell: one line, pipes escaped.
fn cell(s: &str) -> String {
    let s = crate::validate::render::printable(&s.split_whitespace().collect::<Vec<_>>().join(" "));
    s.replace('\\', "\\\\").replace('|', "\\|").replace('`', "\\`").replace('<', "&lt;")
}

/// Rows per Markdown table: a pull-request comment has room for about 65,000 characters.
const MARKDOWN_ROWS: usize = 100;

fn markdown(diff: &Diff) -> String {
    let mut out = String::from("### esgx diff\n\n");
    out.push_str(&format!(
        "`{}` ({}) → `{}` ({}): ",
        diff.old.input.replace('`', "'"),
        diff.old.kind,
        diff.new.input.replace('`', "'"),
        diff.new.kind
    ));
    if diff.is_empty() {
        out.push_str(&format!(
            "**no differences**; {} facts alike (duplicates counted once).\n",
            diff.summary.unchanged
        ));
        return out;
    }
    out.push_str(&format!("**{}**.\n", summary_line(diff)));
    if let Some(e) = &diff.entity {
        out.push_str(&format!(
            "\nThe entity differs: {} → {}; facts are matched regardless.\n",
            cell(&e.old),
            cell(&e.new)
        ));
    }
    for (title, about, list) in sections(diff) {
        if list.is_empty() {
            continue;
        }
        out.push_str(&format!("\n#### {title} ({})\n\n", list.len()));
        if !about.is_empty() {
            out.push_str(&format!("{}{}.\n\n", &about[..1].to_uppercase(), &about[1..]));
        }
        let (old_side, new_side) = (!list[0].old.is_empty(), !list[0].new.is_empty());
        let mut head = vec!["Concept", "Period", "Breakdown"];
        if old_side && new_side {
            head.extend(["Old", "New", "Old source", "New source"]);
        } else {
            head.extend(["Value", "Source"]);
        }
        out.push_str(&format!("| {} |\n|{}\n", head.join(" | "), " --- |".repeat(head.len())));
        for e in list.iter().take(MARKDOWN_ROWS) {
            let mut row = vec![cell(&e.concept_local), cell(&e.period_name), cell(&e.breakdown.join(", "))];
            if old_side {
                row.push(cell(&figures(&e.old)));
            }
            if new_side {
                row.push(cell(&figures(&e.new)));
            }
            if old_side {
                row.push(cell(&places(&e.old)));
            }
            if new_side {
                row.push(cell(&places(&e.new)));
            }
            out.push_str(&format!("| {} |\n", row.join(" | ")));
        }
        if list.len() > MARKDOWN_ROWS {
            out.push_str(&format!(
                "\n…and {} more (`esgx diff --format json` lists them all).\n",
                list.len() - MARKDOWN_ROWS
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn fact(v: &str, decimals: Option<i32>) -> Fact {
        Fact {
            id: "f".into(),
            concept: crate::report::QName::new("x", "urn:x", "C").into(),
            period: Period::Instant(NaiveDate::from_ymd_opt(2023, 12, 31).unwrap()),
            unit: None,
            dimensions: Vec::new().into(),
            value: FactValue::Number(Decimal::from_str(v).unwrap()),
            decimals,
            numeric: true,
            language: None,
            provenance: Provenance::default(),
            origin: (&crate::diag::Location::file("x")).into(),
        }
    }

    fn same1(a: (&str, Option<i32>), b: (&str, Option<i32>)) -> bool {
        same(&[&fact(a.0, a.1)], &[&fact(b.0, b.1)])
    }

    #[test]
    fn numbers_compare_within_their_rounding() {
        assert!(same1(("1397.96", Some(2)), ("1398.0", Some(1))));
        assert!(same1(("1397.96", Some(2)), ("1397.960", Some(3))));
        assert!(same1(("0.20", Some(2)), ("0.2", Some(2))));
        assert!(!same1(("1397.96", Some(2)), ("1397.90", Some(2))));
        // Neighbours at one precision touch at the boundary; they are still different figures.
        assert!(!same1(("1397.96", Some(2)), ("1397.97", Some(2))));
        assert!(!same1(("1397.96", Some(2)), ("1397.9", Some(1))));
        assert!(same1(("162100000000", Some(-8)), ("162120000000", Some(-7))));
        assert!(!same1(("162100000000", Some(-8)), ("162200000000", Some(-8))));
        // A value with more digits than its decimals is read at its decimals.
        assert!(same1(("7", None), ("7.4", Some(0))));
        assert!(same1(("7", None), ("7", Some(0))));
        assert!(!same1(("7", None), ("8", Some(0))));
    }

    #[test]
    fn duplicates_on_one_side_are_no_change() {
        let (a1, a2, b) = (fact("52.2", Some(1)), fact("52.20", Some(2)), fact("52.2", Some(1)));
        assert!(same(&[&a1, &a2], &[&b]));
        let c = fact("52.3", Some(1));
        assert!(!same(&[&a1, &a2], &[&c]));
        // An inconsistent pair stated alike on both sides is no change.
        let (x, y) = (fact("20.07", Some(2)), fact("24.21", Some(2)));
        assert!(same(&[&x, &y], &[&y, &x]));
        assert!(!same(&[&x, &y], &[&x]));
    }

    #[test]
    fn text_and_nil() {
        let mut t1 = fact("0", None);
        t1.value = FactValue::Text("a  b\n c".into());
        let mut t2 = t1.clone();
        t2.value = FactValue::Text("a b c".into());
        let mut nil = t1.clone();
        nil.value = FactValue::Nil;
        assert!(same(&[&t1], &[&t2]));
        assert!(!same(&[&t1], &[&nil]));
        assert!(!same(&[&fact("0", Some(0))], &[&nil]));
    }

    #[test]
    fn rounding_to_negative_decimals() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(rounded(d("162149999999"), Some(-8)), d("162100000000"));
        assert_eq!(rounded(d("1397.965"), Some(2)), d("1397.96"));
        assert_eq!(rounded(d("1397.963"), None), d("1397.963"));
    }
}
