//! The import job: a filing read back into an esgx dataset (`esgx import FILING --out FILE`).
//!
//! It works on the fact model, so every format the importers read (XBRL XML, xBRL-JSON and those
//! added beside them) becomes a dataset the same way. What a dataset holds beyond the facts is
//! recovered from what the filing carries: the entity and the periods from the contexts, the
//! sources and each figure's place in them from esgx's provenance (the structured
//! `esgxp:provenance` of an xBRL-JSON report, or the footnote sentence of an XML instance), the
//! company extension from the extension schema, and the entity's name and the reporting period's
//! name from the export's `manifest.json` when one beside the filing lists it.
//!
//! The dataset is written in one canonical form (the dataset format's field order, two-space
//! indent, facts in filing order, each field only where exporting needs it), and checked before it
//! is written: it is mapped back onto the taxonomy and every fact compared with the filing's, so
//! that whatever would not come back the same is a finding, never a silent change.

use crate::dataset::{
    self, DatasetDoc, DecimalsSpec, Entity as DsEntity, FactRecord, Identifier, Inf, PeriodDef, SourceDoc, SourceRef,
};
use crate::diag::Code;
use crate::diag::{Diagnostic, Location, Severity};
use crate::import::Imported;
use crate::pipeline::Error;
use crate::report::{Fact, FactValue, Period, Provenance, parse_sentence};
use crate::taxonomy::Taxonomy;
use crate::taxonomy::source::{DataType, PeriodType};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// What to import and where to write the dataset.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The filing to import (XBRL XML, xBRL-JSON, xBRL-CSV, Inline XBRL or a report package).
    pub filing: PathBuf,
    /// The dataset file to write (`.json`).
    pub out: PathBuf,
    /// A taxonomy source folder to read the filing against instead of the bundled taxonomies.
    pub taxonomy_dir: Option<PathBuf>,
}

/// What an import wrote and found.
#[derive(Debug)]
pub struct ImportOutcome {
    /// The dataset file written.
    pub out: PathBuf,
    /// Facts in the dataset, and facts of the filing left out of it.
    pub facts: usize,
    /// Facts of the filing a dataset cannot hold, left out (each with a W0701 finding).
    pub left_out: usize,
    /// What the import found.
    pub diagnostics: Vec<Diagnostic>,
}

/// A dataset made from a filing, before it is written.
#[derive(Debug)]
pub struct Restored {
    /// The dataset.
    pub doc: DatasetDoc,
    /// For each record of `doc.facts`, the filing's fact it was made from, with its source
    /// reference read from the footnote sentence where the filing carries it so.
    pub facts: Vec<Fact>,
    /// What the import found.
    pub diagnostics: Vec<Diagnostic>,
}

/// What an esgx manifest beside a filing says about it, when it lists the filing's bytes.
#[derive(Debug, Clone, Default)]
pub struct ManifestFacts {
    /// The entity's name.
    pub entity_name: Option<String>,
    /// The name of the reporting period (`FY2023`).
    pub reporting_period: Option<String>,
    /// The framework version.
    pub framework: Option<String>,
}

/// The canonical bytes of a dataset: pretty JSON in the format's field order, one final newline.
pub fn to_json(doc: &DatasetDoc) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(doc).expect("a dataset serializes");
    bytes.push(b'\n');
    bytes
}

/// The whole job. Nothing is written unless the dataset could be made and checked.
pub fn run(opts: &ImportOptions) -> Result<ImportOutcome, Error> {
    let shown = opts.filing.display().to_string();
    let bytes = crate::input::read_file(&opts.filing, &shown).map_err(|d| Error::Io(d.to_string()))?;
    if !crate::import::looks_like_filing(&opts.filing, &bytes) {
        return Err(Error::Io(format!(
            "{shown}: not a filing esgx reads (an XBRL instance .xbrl/.xml or an xBRL-JSON report .json)"
        )));
    }
    let manifest = manifest_beside(&opts.filing, &bytes);
    let imported = crate::import::read_bytes(&opts.filing, bytes, opts.taxonomy_dir.as_deref()).map_err(|d| {
        if crate::pipeline::is_usage_problem(&d) { Error::Io(d[0].to_string()) } else { Error::Findings(d) }
    })?;
    let name = opts.out.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    if !name.to_ascii_lowercase().ends_with(".json") {
        return Err(Error::Io(format!(
            "--out {}: the dataset is written as JSON; name a .json file",
            opts.out.display()
        )));
    }
    let mut restored = to_dataset(&imported, &shown, manifest.as_ref());
    if restored.doc.facts.is_empty() {
        restored.diagnostics.push(Diagnostic::error(
            Code::E0701,
            Location::file(&shown),
            "the filing holds no fact a dataset can carry, so no dataset was made",
        ));
        return Err(Error::Findings(restored.diagnostics));
    }
    let bytes = to_json(&restored.doc);
    restored.diagnostics.extend(verify(&restored, &imported, &name, bytes.clone())?);
    let dir = opts.out.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let out = crate::output::Output { path: name, format: "dataset-json", bytes };
    crate::fsio::write_all(dir, &[out]).map_err(Error::Io)?;
    Ok(ImportOutcome {
        out: opts.out.clone(),
        facts: restored.doc.facts.len(),
        left_out: imported.report.facts.len() - restored.doc.facts.len(),
        diagnostics: restored.diagnostics,
    })
}

/// The manifest esgx wrote beside `filing`, if it lists the filing with these very bytes (a
/// manifest of another export, or of an edited filing, says nothing about this one).
pub fn manifest_beside(filing: &Path, bytes: &[u8]) -> Option<ManifestFacts> {
    let dir = filing.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let path = dir.join(crate::emit::manifest::MANIFEST_FILE);
    let text = crate::input::read_file(&path, &path.display().to_string()).ok()?;
    let m: serde_json::Value = serde_json::from_slice(&text).ok()?;
    let name = filing.file_name()?.to_string_lossy().to_string();
    let sha = crate::emit::manifest::sha256_hex(bytes);
    let listed = m.get("outputs")?.as_array()?.iter().any(|o| {
        o.get("path").and_then(|p| p.as_str()) == Some(name.as_str())
            && o.get("sha256").and_then(|s| s.as_str()) == Some(sha.as_str())
    });
    let text = |v: Option<&serde_json::Value>| v.and_then(|v| v.as_str()).filter(|s| !s.is_empty()).map(String::from);
    listed.then(|| ManifestFacts {
        entity_name: text(m.get("entity").and_then(|e| e.get("name"))),
        reporting_period: text(m.get("reportingPeriod")),
        framework: text(m.get("framework")),
    })
}

/// The dataset a filing's report makes, and findings for what it cannot carry.
pub fn to_dataset(imported: &Imported, file: &str, manifest: Option<&ManifestFacts>) -> Restored {
    let (report, tax) = (&imported.report, &imported.taxonomy);
    let mut diags = Vec::new();
    let filing = Path::new(file).file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or(file.to_string());
    let manifest = manifest.cloned().unwrap_or_default();
    let name = manifest.entity_name.clone().unwrap_or_else(|| {
        diags.push(Diagnostic::new(
            Code::I0701,
            Severity::Info,
            Location::file(file),
            format!(
                "the filing does not carry the entity's name; the dataset gives its identifier {:?} as the name",
                report.entity.identifier
            ),
        ));
        report.entity.identifier.clone()
    });
    let lei = (report.entity.scheme == "http://standards.iso.org/iso/17442"
        && crate::map::lei_check_digits_ok(&report.entity.identifier))
    .then(|| report.entity.identifier.clone());
    let framework = manifest
        .framework
        .clone()
        .filter(|f| tax.info.frameworks.iter().any(|x| &x.id == f))
        .or_else(|| report.framework.clone())
        .unwrap_or_else(|| crate::check::infer_framework(report, tax));
    let periods = Periods::of(report, manifest.reporting_period.as_deref());
    let mut sources = Sources::new(&filing);
    let mut facts = Vec::with_capacity(report.facts.len());
    let mut from = Vec::with_capacity(report.facts.len());
    let derived = derived_ids(&report.facts);
    for (i, f) in report.facts.iter().enumerate() {
        let mut f = f.clone();
        if let Some(parsed) =
            f.provenance.note.as_deref().filter(|_| !f.provenance.has_source()).and_then(parse_sentence)
        {
            f.provenance = parsed;
        }
        match record(&f, tax, &periods, &mut sources, derived[i] == f.id) {
            Ok(r) => {
                facts.push(r);
                from.push(f);
            }
            Err(why) => diags.push(
                Diagnostic::warning(
                    Code::W0701,
                    f.origin.location(),
                    format!("fact {} ({}) was left out: {why}", f.id, f.concept),
                )
                .with_hint("a dataset holds reported figures and explained omissions of esgx taxonomy concepts"),
            ),
        }
    }
    if sources.unsourced > 0 {
        diags.push(Diagnostic::new(
            Code::I0701,
            Severity::Info,
            Location::file(file),
            format!(
                "{} carry no esgx source reference; the dataset cites the filing itself as their source",
                crate::diag::plural(sources.unsourced, "fact")
            ),
        ));
    }
    let doc = DatasetDoc {
        format_version: "1.0".into(),
        taxonomy: tax.info.name.clone(),
        framework,
        entity: DsEntity {
            name,
            identifier: Identifier { scheme: report.entity.scheme.clone(), value: report.entity.identifier.clone() },
            lei,
        },
        reporting_period: periods.reporting.clone(),
        periods: periods
            .named
            .iter()
            .map(|(n, (start, end))| (n.clone(), PeriodDef { start: *start, end: *end }))
            .collect(),
        currency: None,
        sources: sources.list,
        notes: vec![format!("Imported by esgx from the filing {filing}.")],
        extensions: tax.extension.as_ref().map(|e| e.source.clone()),
        facts,
    };
    Restored { doc, facts: from, diagnostics: diags }
}

/// The id each fact would get from its aspects alone, numbered among duplicates as export does.
fn derived_ids(facts: &[Fact]) -> Vec<String> {
    let mut copy = facts.to_vec();
    let explicit = vec![false; copy.len()];
    crate::report::assign_ids(&mut copy, &explicit);
    copy.into_iter().map(|f| f.id).collect()
}

const ID_PATTERN_MAX: usize = 81;

fn is_dataset_id(id: &str) -> bool {
    let mut chars = id.chars();
    id.len() <= ID_PATTERN_MAX
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// One fact as a dataset record, or why it cannot be one.
fn record(
    f: &Fact,
    tax: &Taxonomy,
    periods: &Periods,
    sources: &mut Sources,
    derived_id: bool,
) -> Result<FactRecord, String> {
    let concept = tax.concept(&f.concept.local).filter(|c| c.qname.namespace == f.concept.namespace);
    let Some(concept) = concept else {
        return Err(format!("{} is not a concept of the taxonomy {} or its extension", f.concept, tax.info.name));
    };
    let p = &f.provenance;
    let (value, decimals) = match &f.value {
        FactValue::Nil if p.omission.is_some() => (None, None),
        FactValue::Nil => return Err("it is nil without an explained omission, which a dataset cannot say".into()),
        FactValue::Text(t) if t.is_empty() => return Err("its value is empty".into()),
        FactValue::Text(t) => (Some(t.clone()), None),
        FactValue::Number(n) => {
            let (text, d) = number_text(*n, f.decimals, p.reported.as_deref(), concept.def.data_type);
            (Some(text), d)
        }
    };
    if let Some(o) = &p.omission
        && !matches!(o.reason.as_str(), "not-applicable" | "not-disclosed" | "not-available")
    {
        return Err(format!("its omission reason {:?} is none a dataset knows", o.reason));
    }
    let unit = match &f.unit {
        Some(u) if tax.unit(&u.id).is_none() => return Err(format!("its unit {} is not in the taxonomy", u.oim())),
        u => u.as_ref().map(|u| u.id.clone()),
    };
    let mut dimensions = Vec::new();
    for (axis, member) in f.dimensions.iter() {
        let known = tax.axis(&axis.local).is_some_and(|a| tax.axes[a].member(&member.local).is_some());
        if !known {
            return Err(format!("{axis} = {member} is no axis and member of the taxonomy or its extension"));
        }
        dimensions.push((axis.local.to_string(), member.local.to_string()));
    }
    let dimensions = dimensions.into_iter().collect();
    let (document, note) = sources.cite(p);
    Ok(FactRecord {
        id: (!derived_id && is_dataset_id(&f.id)).then(|| f.id.clone()),
        concept: f.concept.local.to_string(),
        value,
        unit,
        period: periods.name_of(&f.period, concept.def.period_type),
        dimensions,
        decimals,
        qualifier: p.qualifier.as_deref().map(Into::into),
        omission: p.omission.as_deref().cloned(),
        source: SourceRef {
            document,
            section: p.section.as_deref().map(String::from),
            page: p.page,
            line: p.line,
            quote: p.quote.as_deref().map(String::from),
        },
        note,
        label: None,
        label_zh: None,
        hint: None,
    })
}

/// The text a dataset gives a number: as reported where that text reads back as the very same
/// value (same digits after the point), otherwise the canonical decimal; and `decimals` only
/// where the text does not imply the fact's own.
fn number_text(
    n: rust_decimal::Decimal,
    decimals: Option<i32>,
    reported: Option<&str>,
    data_type: DataType,
) -> (String, Option<DecimalsSpec>) {
    let want = n.to_string();
    let spec = |implied: Option<i32>| match decimals {
        Some(d) if implied == Some(d) => None,
        Some(d) => Some(DecimalsSpec::Finite(d)),
        None => Some(DecimalsSpec::Inf(Inf::Inf)),
    };
    let reads_back = |t: &str| -> Option<i32> {
        let r = crate::value::parse_reported(t).ok()?;
        if r.percent && !matches!(data_type, DataType::Percent | DataType::Pure | DataType::Decimal) {
            return None;
        }
        let v = if data_type == DataType::Integer {
            r.value.fract().is_zero().then(|| r.value.trunc().normalize())?
        } else {
            r.value
        };
        (v.to_string() == want).then_some(r.decimals)
    };
    for candidate in reported.into_iter().chain([want.as_str()]) {
        if let Some(implied) = reads_back(candidate) {
            return (candidate.to_string(), spec(Some(implied)));
        }
    }
    (want, spec(None))
}

/// The dataset's named periods: every duration of the filing, and the name of each.
struct Periods {
    named: BTreeMap<String, (chrono::NaiveDate, chrono::NaiveDate)>,
    by_dates: HashMap<(chrono::NaiveDate, chrono::NaiveDate), String>,
    reporting: String,
}

impl Periods {
    fn of(report: &crate::report::Report, reporting_name: Option<&str>) -> Self {
        use chrono::Datelike;
        let mut durations: Vec<(chrono::NaiveDate, chrono::NaiveDate)> = report
            .facts
            .iter()
            .filter_map(|f| match f.period {
                Period::Duration { start, end } => Some((start, end)),
                Period::Instant(_) => None,
            })
            .collect();
        let latest = crate::pipeline::latest_duration(report).and_then(|p| match p {
            Period::Duration { start, end } => Some((start, end)),
            Period::Instant(_) => None,
        });
        // A filing of instants only: the year up to its latest instant is the reporting period.
        let latest = latest.or_else(|| {
            let d = report.facts.iter().map(|f| f.period.clone()).filter_map(|p| match p {
                Period::Instant(d) => Some(d),
                Period::Duration { .. } => None,
            });
            d.max().map(|end| (end.with_year(end.year() - 1).and_then(|d| d.succ_opt()).unwrap_or(end), end))
        });
        durations.extend(latest);
        durations.sort();
        durations.dedup();
        let mut named = BTreeMap::new();
        let mut by_dates = HashMap::new();
        let ok_name = |n: &str| {
            !n.is_empty()
                && n.len() <= 40
                && n.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        };
        // The reporting period first, so that it has the manifest's name.
        let reporting_name = reporting_name.filter(|n| ok_name(n));
        let order = latest.into_iter().chain(durations.iter().rev().copied().filter(|d| Some(*d) != latest));
        for (start, end) in order {
            let whole_year = end.succ_opt().and_then(|n| n.with_year(n.year() - 1)) == Some(start);
            let base = match reporting_name {
                Some(n) if Some((start, end)) == latest => n.to_string(),
                _ if whole_year => format!("FY{}", end.year()),
                _ => format!("{}_{}", start.format("%Y-%m-%d"), end.format("%Y-%m-%d")),
            };
            let mut name = base.clone();
            let mut k = 1;
            while named.contains_key(&name) {
                k += 1;
                name = format!("{base}-{k}");
            }
            named.insert(name.clone(), (start, end));
            by_dates.insert((start, end), name);
        }
        let reporting = latest.and_then(|d| by_dates.get(&d).cloned()).unwrap_or_default();
        Periods { named, by_dates, reporting }
    }

    /// How a record names a fact's period: a period's name where the concept's period type makes
    /// that name mean this period, otherwise the dates.
    fn name_of(&self, period: &Period, pt: PeriodType) -> String {
        match (period, pt) {
            (Period::Duration { start, end }, PeriodType::Duration) => {
                self.by_dates.get(&(*start, *end)).cloned().unwrap_or_else(|| format!("{start}/{end}"))
            }
            (Period::Instant(d), PeriodType::Instant) => {
                // The first name (in the dataset's order) of a period ending that day.
                self.named.iter().find(|(_, (_, e))| e == d).map(|(n, _)| n.clone()).unwrap_or_else(|| d.to_string())
            }
            (Period::Duration { start, end }, PeriodType::Instant) => format!("{start}/{end}"),
            (Period::Instant(d), PeriodType::Duration) => d.to_string(),
        }
    }
}

/// The source documents facts cite, in order of first citation.
struct Sources {
    list: Vec<SourceDoc>,
    /// (id in the filing, title) -> dataset id
    ids: HashMap<(String, String), String>,
    filing: String,
    unsourced: usize,
}

impl Sources {
    fn new(filing: &str) -> Self {
        Sources { list: Vec::new(), ids: HashMap::new(), filing: filing.to_string(), unsourced: 0 }
    }

    /// The dataset id of a fact's source document, and the fact's note. A fact without esgx
    /// provenance cites the filing; the text of its footnotes becomes its note.
    fn cite(&mut self, p: &Provenance) -> (String, Option<String>) {
        if p.document.is_empty()
            && let Some(title) = &p.document_title
        {
            return (self.id_for(&slug(title), title), p.note.as_deref().map(Into::into));
        }
        if p.document.is_empty() {
            self.unsourced += 1;
            let title = format!("The filing {}", self.filing);
            return (self.id_for("filing", &title), p.note.as_deref().map(Into::into));
        }
        let title = p.document_title.as_deref().unwrap_or(&p.document).to_string();
        (self.id_for(&p.document, &title), p.note.as_deref().map(Into::into))
    }

    fn id_for(&mut self, id: &str, title: &str) -> String {
        let key = (id.to_string(), title.to_string());
        if let Some(known) = self.ids.get(&key) {
            return known.clone();
        }
        let base = if is_source_id(id) { id.to_string() } else { slug(id) };
        let mut new = base.clone();
        let mut k = 1;
        while self.list.iter().any(|s| s.id == new) {
            k += 1;
            new = format!("{base}-{k}");
        }
        self.list.push(SourceDoc {
            id: new.clone(),
            title: title.to_string(),
            publisher: None,
            year: None,
            url: None,
            file: None,
        });
        self.ids.insert(key, new.clone());
        new
    }
}

fn is_source_id(id: &str) -> bool {
    (1..=55).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// A source id made from a title: lower-case ASCII letters and digits joined by `-`.
pub fn slug(text: &str) -> String {
    let mut s = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.is_empty() && !s.ends_with('-') {
            s.push('-');
        }
    }
    let mut s: String = s.chars().take(48).collect();
    while s.ends_with('-') {
        s.pop();
    }
    if s.is_empty() { "source".into() } else { s }
}

/// Read the dataset back, map it onto the filing's taxonomy and compare every fact with the one it
/// was made from: a dataset that does not give the filing's facts back is a finding per fact. A
/// dataset that fails its own format is a fault of this job, and nothing is written.
fn verify(restored: &Restored, imported: &Imported, name: &str, bytes: Vec<u8>) -> Result<Vec<Diagnostic>, Error> {
    let ds = dataset::from_json_bytes(name, bytes).map_err(Error::Findings)?;
    let (report, mapped) = crate::map::map(&ds, &imported.taxonomy);
    let mut diags: Vec<Diagnostic> = Vec::new();
    for d in mapped.into_iter().filter(|d| d.severity == Severity::Error) {
        diags.push(Diagnostic::warning(
            Code::W0702,
            d.location.clone(),
            format!("the dataset will not export as made: {}", d.message),
        ));
    }
    let by_id: HashMap<&str, &Fact> = report.facts.iter().map(|f| (f.id.as_str(), f)).collect();
    let by_key: HashMap<String, &Fact> = report.facts.iter().map(|f| (f.aspect_key(), f)).collect();
    for want in &restored.facts {
        let differs = match (by_id.get(want.id.as_str()), by_key.get(&want.aspect_key())) {
            (Some(got), _) => difference(want, got),
            (None, Some(got)) => Some(format!("its id is none a dataset can give, and becomes {}", got.id)),
            (None, None) => Some("it does not come back (its aspects differ)".to_string()),
        };
        if let Some(what) = differs {
            diags.push(
                Diagnostic::warning(
                    Code::W0702,
                    want.origin.location(),
                    format!("fact {} ({}): {what}", want.id, want.concept),
                )
                .with_hint("the dataset holds the fact as near as its format allows; check it before exporting"),
            );
        }
    }
    Ok(diags)
}

/// What differs between a filing's fact and the same fact mapped from the dataset (the record,
/// the place in the dataset, aside).
fn difference(want: &Fact, got: &Fact) -> Option<String> {
    let value = |f: &Fact| match &f.value {
        FactValue::Number(n) => n.to_string(),
        FactValue::Text(t) => t.clone(),
        FactValue::Nil => "nil".into(),
    };
    let unit = |f: &Fact| f.unit.as_ref().map(|u| (u.id.clone(), u.oim()));
    let provenance = |f: &Fact| Provenance { record: String::new(), ..f.provenance.clone() };
    // A fact without esgx's source reference keeps its footnotes' text as its note.
    let sourced = want.provenance.has_source();
    if value(want) != value(got) {
        Some(format!("its value {} comes back as {}", value(want), value(got)))
    } else if want.decimals != got.decimals {
        Some(format!("its decimals {:?} come back as {:?}", want.decimals, got.decimals))
    } else if unit(want) != unit(got) {
        Some("its unit comes back as another".into())
    } else if want.language != got.language {
        Some(format!("its language {:?} comes back as {:?}", want.language, got.language))
    } else if sourced && provenance(want).sentence() != provenance(got).sentence() {
        Some("its source reference comes back otherwise worded".into())
    } else if !sourced && want.provenance.note != got.provenance.note {
        Some("its footnotes come back as another note".into())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentence(p: &Provenance) -> String {
        p.sentence()
    }

    #[test]
    fn a_footnote_sentence_reads_back_into_its_fields() {
        let full = Provenance {
            record: "dataset.json#/facts/7".into(),
            document: "".into(),
            document_title: Some("Report 2023, the \"long\" one".into()),
            section: Some("Data, page 3: table".into()),
            page: Some(12),
            line: Some(1151),
            quote: Some("Scope 1: \"14.35\", line 2".into()),
            reported: Some("14.35".into()),
            qualifier: Some("over".into()),
            omission: None,
            note: Some("Note: see the appendix. Reported as \"x\".".into()),
        };
        assert_eq!(parse_sentence(&sentence(&full)), Some(full.clone()));
        let bare = Provenance { record: "r".into(), document_title: Some("T".into()), ..Default::default() };
        assert_eq!(parse_sentence(&sentence(&bare)), Some(bare));
        let omitted = Provenance {
            record: "dataset.csv:4".into(),
            document_title: Some("T".into()),
            section: Some("S".into()),
            omission: Some(Box::new(crate::report::Omission {
                reason: "not-applicable".into(),
                explanation: "None sold.".into(),
            })),
            ..Default::default()
        };
        assert_eq!(parse_sentence(&sentence(&omitted)), Some(omitted));
        // Not esgx's sentence: left alone.
        assert_eq!(parse_sentence("Measured at the stacks."), None);
        assert_eq!(parse_sentence("Source: T. Dataset record"), None);
    }

    #[test]
    fn an_explanation_without_a_full_stop_reads_back_with_one() {
        // The sentence ends every explanation with a full stop, so whether it had one is not in the
        // text: the reading keeps it, which writes the same sentence.
        let o =
            |e: &str| Some(Box::new(crate::report::Omission { reason: "not-available".into(), explanation: e.into() }));
        let p = Provenance {
            record: "r".into(),
            document_title: Some("T".into()),
            omission: o("Not surveyed"),
            ..Default::default()
        };
        let back = parse_sentence(&p.sentence()).expect("reads");
        assert_eq!(back.omission, o("Not surveyed."));
        assert_eq!(back.sentence(), p.sentence());
    }

    #[test]
    fn numbers_keep_their_reported_text_where_it_reads_back_the_same() {
        use rust_decimal::Decimal;
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(number_text(d("1397.96"), Some(2), Some("1,397.96"), DataType::Decimal), ("1,397.96".into(), None));
        assert_eq!(number_text(d("0.20"), Some(2), Some("20%"), DataType::Percent), ("20%".into(), None));
        assert_eq!(
            number_text(d("162100000000"), Some(-8), Some("162.1 billion"), DataType::Monetary),
            ("162.1 billion".into(), None)
        );
        // No reported text: the decimal, with the decimals it does not imply.
        assert_eq!(
            number_text(d("12.5"), Some(0), None, DataType::Decimal),
            ("12.5".into(), Some(DecimalsSpec::Finite(0)))
        );
        assert_eq!(
            number_text(d("12.5"), None, None, DataType::Decimal),
            ("12.5".into(), Some(DecimalsSpec::Inf(Inf::Inf)))
        );
        // A reported text that reads back as another value is not used.
        assert_eq!(number_text(d("13"), Some(0), Some("12"), DataType::Integer), ("13".into(), None));
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Qifu Technology ESG Report 2023"), "qifu-technology-esg-report-2023");
        assert_eq!(slug("年報"), "source");
    }
}
