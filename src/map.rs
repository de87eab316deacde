//! Dataset × Taxonomy → Report. Each record is checked against the taxonomy while it is mapped:
//! unknown concepts, units, axes and members, periods and values that do not fit the concept.

use crate::dataset::{Dataset, DecimalsSpec, FactRecord};
use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::report::{Breakdowns, Entity, Fact, FactValue, Period, Provenance, QName, Report, Unit};
use crate::taxonomy::contract::{self, Breach};
use crate::taxonomy::source::{DataType, PeriodType};
use crate::taxonomy::{Concept, Taxonomy, lookup};
use crate::value::parse_reported;
use chrono::NaiveDate;
use rayon::prelude::*;
use std::sync::{Arc, OnceLock};

/// Map every record; records that cannot be mapped are left out, with an error for each.
pub fn map(dataset: &Dataset, tax: &Taxonomy) -> (Report, Vec<Diagnostic>) {
    map_records(dataset, dataset.doc.facts.par_iter(), tax)
}

/// [`map`], taking the records out of the dataset (`doc.facts` is left empty): each record is
/// let go as soon as it is mapped, and the facts take the place of the records as they are put
/// in order, so that the records and the facts are not all held at once.
pub fn map_taking(dataset: &mut Dataset, tax: &Taxonomy) -> (Report, Vec<Diagnostic>) {
    let records = std::mem::take(&mut dataset.doc.facts);
    map_records(dataset, records.into_par_iter(), tax)
}

/// What one record mapped to. A fact in place (not boxed): the facts are collected into the list
/// of these, which is then the facts' own list.
#[allow(clippy::large_enum_variant)]
enum Mapped {
    /// A fact, and whether the record gave its id.
    Fact(Fact, bool),
    /// The errors that left the record out.
    Left(Vec<Diagnostic>),
    /// A row with neither a value nor an omission: an unfilled template row.
    Placeholder,
}

fn map_records<R: std::borrow::Borrow<FactRecord> + Send>(
    dataset: &Dataset,
    records: impl IndexedParallelIterator<Item = R>,
    tax: &Taxonomy,
) -> (Report, Vec<Diagnostic>) {
    let doc = &dataset.doc;
    let mut diags = check_document(dataset, tax);
    let suggester = OnceLock::new();
    let mut titles = std::collections::HashMap::new();
    for s in &doc.sources {
        titles.entry(s.id.as_str()).or_insert_with(|| s.title.as_str().into()); // the first of an id
    }
    // Each record is mapped on its own, runs of records on every core, each run with its own
    // shared copies (a breakdown may then be held once per run); the outcomes are collected in
    // order, straight into one list.
    let mut mapped = Vec::new();
    records
        .enumerate()
        .with_min_len(RUN)
        .map_init(
            || Shared {
                breakdowns: Breakdowns::default(),
                origin_file: dataset.file.as_str().into(),
                titles: titles.clone(),
                texts: Default::default(),
            },
            |shared, (i, rec)| {
                let rec = rec.borrow();
                if rec.value.is_none() && rec.omission.is_none() {
                    return Mapped::Placeholder;
                }
                let mut m = Mapping { ds: dataset, tax, suggester: &suggester, i, rec, errs: Vec::new(), shared };
                match m.fact() {
                    Some(f) if m.errs.is_empty() => Mapped::Fact(f, rec.id.is_some()),
                    _ => Mapped::Left(m.errs),
                }
            },
        )
        .collect_into_vec(&mut mapped);
    let mut records = Vec::with_capacity(mapped.len()); // each fact's record index
    let mut explicit = Vec::with_capacity(mapped.len()); // and whether the record gave its id
    let mut placeholders = 0;
    let mut i = 0;
    // In place: a fact is no larger than what it was mapped to (std collects into the same list).
    let mut facts: Vec<Fact> = mapped
        .into_iter()
        .filter_map(|m| {
            i += 1;
            match m {
                Mapped::Fact(f, own_id) => {
                    records.push(i - 1);
                    explicit.push(own_id);
                    Some(f)
                }
                Mapped::Left(mut errs) => {
                    diags.append(&mut errs);
                    None
                }
                Mapped::Placeholder => {
                    placeholders += 1;
                    None
                }
            }
        })
        .collect();
    diags.extend(assign_ids(dataset, &mut facts, &records, &explicit));
    if placeholders > 0 {
        diags.push(Diagnostic::new(
            Code::I0001,
            crate::diag::Severity::Info,
            dataset.locate_top("/facts"),
            format!("{placeholders} rows have neither a value nor an omission and were left out"),
        ));
    }
    let report = Report {
        entity: Entity {
            scheme: doc.entity.identifier.scheme.clone(),
            identifier: doc.entity.identifier.value.clone(),
            name: doc.entity.name.clone(),
        },
        facts,
        namespaces: tax.namespaces().clone(),
        schema_ref: match tax.entry_schema(&doc.framework) {
            url if url.contains("://") => url,
            file => format!("taxonomy/{file}"),
        },
        dimension_container: tax.info.dimension_container,
        framework: Some(doc.framework.clone()),
        reporting_period: doc
            .periods
            .get(&doc.reporting_period)
            .map(|p| Period::Duration { start: p.start, end: p.end }),
        origin: dataset.locate_top("/framework"),
        period_names: doc
            .periods
            .iter()
            .map(|(name, p)| (Period::Duration { start: p.start, end: p.end }, name.clone()))
            .collect(),
    };
    (report, diags)
}

/// What the dataset says about itself: its taxonomy, framework version, periods, entity.
fn check_document(dataset: &Dataset, tax: &Taxonomy) -> Vec<Diagnostic> {
    let doc = &dataset.doc;
    let mut diags = Vec::new();
    let top = |p: &str| dataset.locate_top(p);
    if doc.taxonomy != tax.info.name {
        diags.push(Diagnostic::error(
            Code::E0201,
            top("/taxonomy"),
            format!("the dataset uses taxonomy {:?} but {:?} is loaded", doc.taxonomy, tax.info.name),
        ));
    }
    if !tax.info.frameworks.iter().any(|f| f.id == doc.framework) {
        let known: Vec<&str> = tax.info.frameworks.iter().map(|f| f.id.as_str()).collect();
        diags.push(
            Diagnostic::error(Code::E0202, top("/framework"), format!("unknown framework {:?}", doc.framework))
                .with_hint(format!("the taxonomy knows: {}", known.join(", "))),
        );
    }
    if !doc.periods.contains_key(&doc.reporting_period) {
        diags.push(Diagnostic::error(
            Code::E0203,
            top("/reportingPeriod"),
            format!("{:?} is not one of the dataset's periods", doc.reporting_period),
        ));
    }
    for (name, p) in &doc.periods {
        if !date_in_range(&p.start) || !date_in_range(&p.end) {
            diags.push(Diagnostic::error(
                Code::E0203,
                top(&format!("/periods/{name}")),
                format!("period {name} has a date outside the years 1000 to 9998"),
            ));
        }
        if p.end < p.start {
            diags.push(Diagnostic::error(
                Code::E0203,
                top(&format!("/periods/{name}")),
                format!("period {name} ends ({}) before it starts ({})", p.end, p.start),
            ));
        }
    }
    if let Some(lei) = &doc.entity.lei
        && !lei_check_digits_ok(lei)
    {
        diags.push(Diagnostic::error(
            Code::E0204,
            top("/entity/lei"),
            format!("{lei} is not a valid LEI (ISO 17442 check digits do not match)"),
        ));
    }
    diags.extend(template_placeholders(dataset));
    diags
}

/// Ids: the dataset's own where it gives one (`explicit`), otherwise derived from the fact's
/// aspects; an error for each id used twice. `records` holds each fact's record index.
fn assign_ids(dataset: &Dataset, facts: &mut [Fact], records: &[usize], explicit: &[bool]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for clash in crate::report::assign_ids(facts, explicit) {
        let (a, b) = (records[clash.first], records[clash.second]);
        let how = |own: bool| if own { "its `id`" } else { "the id made from its aspects" };
        diags.push(
            Diagnostic::error(
                Code::E0220,
                if explicit[clash.second] { dataset.locate(b, "id") } else { dataset.fact_locations.get(b) },
                format!(
                    "fact id {:?} is used twice: record {} has it as {} and record {} as {}",
                    clash.id,
                    a + 1,
                    how(explicit[clash.first]),
                    b + 1,
                    how(explicit[clash.second])
                ),
            )
            .with_hint("give one of the two records an `id` of its own"),
        );
    }
    diags
}

/// What the facts of one dataset share: one copy each of their breakdowns, of the dataset's
/// name and of the titles of its sources.
struct Shared<'a> {
    breakdowns: Breakdowns,
    origin_file: Arc<str>,
    titles: std::collections::HashMap<&'a str, Arc<str>>,
    /// Documents and sections the records cite, one copy of each.
    texts: foldhash::HashSet<Arc<str>>,
}

impl<'a> Shared<'a> {
    /// The one copy of `text`.
    fn text(&mut self, text: &str) -> Arc<str> {
        if let Some(t) = self.texts.get(text) {
            return t.clone();
        }
        let t: Arc<str> = text.into();
        self.texts.insert(t.clone());
        t
    }
}

/// Records mapped side by side: at least a run of them at a time on a core.
const RUN: usize = 2048;

/// One record being mapped, with the errors found so far. A record with any error is left out.
struct Mapping<'a, 'm, 't> {
    ds: &'a Dataset,
    tax: &'t Taxonomy,
    /// Made on the first unknown name, so that a clean dataset does not pay for it.
    suggester: &'a OnceLock<lookup::Suggester<'t>>,
    i: usize,
    rec: &'m FactRecord,
    errs: Vec<Diagnostic>,
    shared: &'m mut Shared<'a>,
}

impl<'a, 't> Mapping<'a, '_, 't> {
    fn err(&self, field: &str, code: Code, msg: String) -> Diagnostic {
        Diagnostic::error(code, self.ds.locate(self.i, field), msg)
    }

    fn suggester(&self) -> &lookup::Suggester<'t> {
        self.suggester.get_or_init(|| lookup::Suggester::new(self.tax))
    }

    /// The fact, if the record names a concept and a period that fits it (`errs` may still hold
    /// errors about the rest).
    fn fact(&mut self) -> Option<Fact> {
        let (ds, tax, rec) = (self.ds, self.tax, self.rec);
        let Some(concept) = tax.concept(&rec.concept) else {
            let d = self.unknown_concept();
            self.errs.push(d);
            return None;
        };
        let def = &concept.def;
        if contract::framework(concept, &ds.doc.framework).is_err() {
            let msg = format!("concept {} is not part of framework {}", def.name, ds.doc.framework);
            self.errs.push(self.err("concept", Code::E0211, msg));
        }
        let period = match resolve_period(ds, &rec.period, def.period_type) {
            Ok(p) => p,
            Err(m) => {
                self.errs.push(self.err("period", Code::E0212, m));
                return None;
            }
        };
        let (value, decimals) = self.value(concept);
        let unit = self.unit(concept);
        let dimensions = self.dimensions(concept);
        let dimensions = self.shared.breakdowns.dims(dimensions);
        self.source_and_qualifier(concept);
        Some(Fact {
            id: rec.id.clone().unwrap_or_default(), // or derived from its aspects, once all are mapped
            concept: concept.qname.clone(),
            period,
            unit,
            dimensions,
            value,
            decimals,
            numeric: concept.is_numeric(),
            language: matches!(def.data_type, DataType::String | DataType::TextBlock).then(|| self.shared.text("en")),
            provenance: self.provenance(),
            origin: crate::diag::Origin::shared(&ds.fact_locations.get(self.i), &mut self.shared.origin_file),
        })
    }

    fn unknown_concept(&self) -> Diagnostic {
        let rec = self.rec;
        let hint = self.suggester().concept_like(&rec.concept).map(|c| self.tax.concepts[c].name());
        let d = self.err("concept", Code::E0210, format!("unknown concept {:?}", rec.concept));
        // An HKEX KPI code ("B1.1") in place of a concept: name the concepts that report it.
        let by_code = crate::taxonomy::query::list(self.tax, Some(&rec.concept), None, Some(&self.ds.doc.framework));
        d.with_hint(match hint {
            Some(h) => format!("did you mean {h:?}? `esgx taxonomy list` shows the concepts"),
            None if by_code.is_empty() => "`esgx taxonomy list` shows the concepts".into(),
            None if by_code.len() <= 6 => {
                let names: Vec<&str> = by_code.iter().map(|c| c.name()).collect();
                format!("{} is an HKEX code, not a concept: it is reported as {}", rec.concept.trim(), names.join(", "))
            }
            None => format!(
                "{0} is an HKEX code, not a concept: `esgx taxonomy list --kpi {0}` lists its concepts",
                rec.concept.trim()
            ),
        })
    }

    /// The value as the concept's data type takes it, and its decimals.
    fn value(&mut self, concept: &Concept) -> (FactValue, Option<i32>) {
        let (rec, def) = (self.rec, &concept.def);
        let mut decimals = None;
        let value = match (&rec.value, &rec.omission) {
            (Some(text), None) if concept.is_numeric() => match parse_reported(text) {
                Ok(n) => {
                    if n.percent && !matches!(def.data_type, DataType::Percent | DataType::Pure | DataType::Decimal) {
                        let msg = format!("{text:?} is a percentage but {} is of type {:?}", def.name, def.data_type);
                        self.errs.push(self.err("value", Code::E0213, msg));
                    }
                    let mut value = n.value;
                    match contract::value(concept, &FactValue::Number(n.value)) {
                        Err(Breach::NotWhole) => {
                            let msg = format!("{} takes whole numbers; {text:?} is not one", def.name);
                            self.errs.push(self.err("value", Code::E0213, msg));
                        }
                        // "5.0" is the whole number 5
                        _ if def.data_type == DataType::Integer => value = n.value.trunc().normalize(),
                        _ => {}
                    }
                    decimals = Some(n.decimals);
                    FactValue::Number(value)
                }
                Err(e) => {
                    let msg = format!("{text:?} for numeric concept {}: {e}", def.name);
                    self.errs.push(self.err("value", Code::E0213, msg).with_hint(
                        "write the number as printed, e.g. \"1,397.96\", \"20%\" or \"162.1 billion\"; put words such as \"over\" in `qualifier` and omissions in `omission`",
                    ));
                    FactValue::Nil
                }
            },
            (Some(text), None) => self.text(concept, text),
            _ => FactValue::Nil,
        };
        match rec.decimals {
            Some(DecimalsSpec::Finite(d)) if concept.is_numeric() => decimals = Some(d),
            Some(DecimalsSpec::Inf(_)) if concept.is_numeric() => decimals = None,
            Some(_) => {
                let msg = format!("{} is not numeric, so `decimals` means nothing for it", def.name);
                self.errs.push(self.err("decimals", Code::E0214, msg));
            }
            None => {}
        }
        if value == FactValue::Nil {
            decimals = None;
        }
        (value, decimals)
    }

    /// A text value, as a non-numeric concept's data type takes it.
    fn text(&mut self, concept: &Concept, text: &str) -> FactValue {
        let def = &concept.def;
        let msg = match def.data_type {
            DataType::Boolean if !matches!(text, "true" | "false") => {
                format!("{} takes true or false, not {text:?}", def.name)
            }
            DataType::Date if NaiveDate::parse_from_str(text, "%Y-%m-%d").is_err() => {
                format!("{} takes a date YYYY-MM-DD, not {text:?}", def.name)
            }
            _ => match text.chars().find(|c| !crate::xml::is_xml_char(*c)) {
                Some(c) => format!("the text contains the character U+{:04X}, which XML cannot carry", c as u32),
                None => return FactValue::Text(text.to_string()),
            },
        };
        self.errs.push(self.err("value", Code::E0213, msg));
        FactValue::Nil
    }

    /// The unit the record names (or the concept's only one), if the concept accepts it.
    fn unit(&mut self, concept: &Concept) -> Option<Arc<Unit>> {
        let (rec, def, tax) = (self.rec, &concept.def, self.tax);
        if !concept.is_numeric() {
            if rec.unit.is_some() {
                let msg = format!("{} is not numeric and takes no unit", def.name);
                self.errs.push(self.err("unit", Code::E0215, msg));
            }
            return None;
        }
        let pct = rec.value.as_deref().is_some_and(|v| v.trim_end().ends_with('%'));
        let chosen = match &rec.unit {
            Some(u) => Some(u.as_str()),
            None if def.units.len() == 1 => Some(def.units[0].as_str()),
            None if pct && def.units.iter().any(|u| u == "pure") => Some("pure"),
            None if rec.omission.is_some() => def.units.first().map(String::as_str),
            None => None,
        };
        let accepts = || format!("{} accepts {}", def.name, def.units.join(", "));
        let Some(key) = chosen else {
            let msg = format!("{} needs a unit: one of {}", def.name, def.units.join(", "));
            self.errs.push(self.err("unit", Code::E0215, msg));
            return None;
        };
        let Some(u) = tax.unit(key) else {
            let hint = match self.suggester().unit_like(key, &def.units) {
                Some(u) => format!("did you mean {:?}? {}", tax.units[u].id, accepts()),
                None => accepts(),
            };
            self.errs.push(self.err("unit", Code::E0215, format!("unknown unit {key:?}")).with_hint(hint));
            return None;
        };
        let resolved = tax.resolved_unit(&u.id);
        match contract::unit(tax, concept, resolved.map(|u| &**u)) {
            Ok(()) => resolved.cloned(),
            Err(b) => {
                let msg = format!("unit {} is not allowed for {}", u.id, def.name);
                self.errs.push(self.err("unit", b.code(), msg).with_hint(accepts()));
                None
            }
        }
    }

    /// The record's breakdown as (axis, member) pairs, sorted; the domain (the default) left out.
    fn dimensions(&mut self, concept: &Concept) -> Vec<(QName, QName)> {
        let tax = self.tax;
        let mut dimensions = Vec::new();
        for (axis_key, member_key) in &self.rec.dimensions {
            let field = format!("dimensions/{}", crate::jsonpos::escape(axis_key));
            let Some(ai) = tax.axis(axis_key) else {
                let hint = self.unknown_axis_hint(concept, axis_key, member_key);
                self.errs.push(self.err(&field, Code::E0217, format!("unknown axis {axis_key:?}")).with_hint(hint));
                continue;
            };
            let axis = &tax.axes[ai];
            let mi = axis.member(member_key);
            match contract::dimension(concept, ai, mi) {
                Ok(()) => {
                    let m = &axis.members[mi.expect("a member")];
                    dimensions.push((axis.qname.clone(), m.qname.clone()));
                }
                Err(Breach::AxisNotApplicable) => {
                    let msg = format!("{} cannot be broken down by {}", concept.def.name, axis.name());
                    self.errs.push(self.err(&field, Code::E0218, msg).with_hint(axes_taken(tax, concept)));
                }
                // The domain is the axis' default: the total carries no dimension.
                Err(_) if mi == Some(0) => {}
                Err(b) => {
                    let hint = self.unknown_member_hint(concept, ai, member_key);
                    let msg = format!("{member_key:?} is not a member of {}", axis.name());
                    self.errs.push(self.err(&field, b.code(), msg).with_hint(hint));
                }
            }
        }
        dimensions.sort();
        dimensions
    }

    fn unknown_axis_hint(&self, concept: &Concept, axis_key: &str, member_key: &str) -> String {
        let tax = self.tax;
        match self.suggester().axis_like(axis_key, &concept.hypercube_axes) {
            Some(a) => format!("did you mean {:?}? {}", tax.axes[a].name(), axes_taken(tax, concept)),
            // No axis is named like it, but the member may tell which axis was meant.
            None => match concept.hypercube_axes.iter().map(|a| &tax.axes[*a]).find(|a| a.member(member_key).is_some())
            {
                Some(a) => format!("{member_key} is a member of {0}: did you mean {0:?}?", a.name()),
                None => axes_taken(tax, concept),
            },
        }
    }

    fn unknown_member_hint(&self, concept: &Concept, ai: usize, member_key: &str) -> String {
        let (tax, axis) = (self.tax, &self.tax.axes[ai]);
        match self.suggester().member_like(member_key, ai, &concept.hypercube_axes) {
            Some((a, m)) if a == ai => format!("did you mean {:?}?", axis.members[m].def.name),
            Some((a, m)) => {
                let (other, name) = (tax.axes[a].name(), &tax.axes[a].members[m].def.name);
                format!("did you mean {name:?} on {other} (\"{other}\": {name:?})?")
            }
            // Only a name like no member of the taxonomy is a company's own.
            None => {
                let names: Vec<&str> = axis.members.iter().skip(1).map(|m| m.def.name.as_str()).collect();
                let known = if names.len() <= 8 {
                    format!("{} has {}", axis.name(), names.join(", "))
                } else {
                    format!("`esgx taxonomy show {}` lists its members", axis.name())
                };
                format!(
                    "{known}; a company-specific member belongs in the dataset's `extensions.members` (see the README)"
                )
            }
        }
    }

    fn source_and_qualifier(&mut self, concept: &Concept) {
        let rec = self.rec;
        if !self.ds.doc.sources.iter().any(|s| s.id == rec.source.document) {
            let msg = format!("source document {:?} is not listed in `sources`", rec.source.document);
            self.errs.push(self.err("source/document", Code::E0221, msg));
        }
        if let Some(q) = &rec.qualifier
            && !concept.is_numeric()
        {
            let msg = format!("{} is not numeric; qualifier {q:?} does not apply", concept.def.name);
            self.errs.push(self.err("qualifier", Code::E0214, msg));
        }
    }

    fn provenance(&mut self) -> Provenance {
        let rec = self.rec;
        let title = self.shared.titles.get(rec.source.document.as_str()).cloned();
        // The record by file name: where the dataset sat on the exporting machine is no part of the filing.
        let mut loc = self.ds.fact_locations.get(self.i);
        loc.file =
            std::path::Path::new(&loc.file).file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or(loc.file);
        Provenance {
            record: loc.to_string(),
            document: self.shared.text(&rec.source.document),
            document_title: title,
            section: rec.source.section.as_deref().map(|s| self.shared.text(s)),
            page: rec.source.page,
            line: rec.source.line,
            quote: rec.source.quote.as_deref().map(Into::into),
            reported: rec.value.as_deref().map(Into::into),
            qualifier: rec.qualifier.as_deref().map(Into::into),
            omission: rec.omission.clone().map(Box::new),
            note: rec.note.as_deref().map(Into::into),
        }
    }
}

/// A period name from the dataset, a date, or START/END; the concept's period type decides.
fn resolve_period(ds: &Dataset, text: &str, pt: PeriodType) -> Result<Period, String> {
    let date = |s: &str| {
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| format!("{s:?} is not a date YYYY-MM-DD"))
    };
    let period = if let Some(p) = ds.doc.periods.get(text) {
        match pt {
            PeriodType::Duration => Period::Duration { start: p.start, end: p.end },
            PeriodType::Instant => Period::Instant(p.end),
        }
    } else if let Some((a, b)) = text.split_once('/') {
        let (start, end) = (date(a)?, date(b)?);
        if end < start {
            return Err(format!("period {text:?} ends before it starts"));
        }
        Period::Duration { start, end }
    } else if text.len() == 10 {
        Period::Instant(date(text)?)
    } else {
        let names: Vec<&str> = ds.doc.periods.keys().map(String::as_str).collect();
        return Err(format!("unknown period {text:?}: use one of {} or a date", names.join(", ")));
    };
    let in_range = match &period {
        Period::Instant(d) => date_in_range(d),
        Period::Duration { start, end } => date_in_range(start) && date_in_range(end),
    };
    if !in_range {
        return Err(format!("{text:?} has a date outside the years 1000 to 9998"));
    }
    pt.fits(&period)
        .map(|()| period)
        .map_err(|why| format!("{text:?} {why}; use a period name, a date YYYY-MM-DD or START/END"))
}

/// XBRL dates are four-digit years; the OIM form of an end date is the next day.
fn date_in_range(d: &NaiveDate) -> bool {
    use chrono::Datelike;
    (1000..=9998).contains(&d.year())
}

/// "X takes A, B" or "X takes no dimensions": the axes a concept's facts may carry.
fn axes_taken(tax: &Taxonomy, concept: &Concept) -> String {
    let allowed: Vec<&str> = concept.hypercube_axes.iter().map(|a| tax.axes[*a].name()).collect();
    if allowed.is_empty() {
        format!("{} takes no dimensions", concept.name())
    } else {
        format!("{} takes {}", concept.name(), allowed.join(", "))
    }
}

/// What `esgx taxonomy template` leaves for the preparer to replace: "change me" in the entity
/// or a source (`Your company (change me)`, `CHANGE-ME`). A filing must not go out with them.
fn template_placeholders(ds: &Dataset) -> Vec<Diagnostic> {
    let doc = &ds.doc;
    let is_placeholder = |text: &str| {
        let words: Vec<String> =
            text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
        words.iter().any(|w| w == "changeme") || words.windows(2).any(|p| p[0] == "change" && p[1] == "me")
    };
    let scheme = &doc.entity.identifier.scheme;
    let mut fields: Vec<(String, &str, &str, String)> = vec![
        ("/entity/name".into(), "the entity's name", &doc.entity.name, "write the company's name as its report gives it".into()),
        (
            "/entity/identifier/scheme".into(),
            "the entity's identifier scheme",
            scheme,
            "write the URI of the identifier scheme, e.g. https://esgx.dev/id/entity-name or, for an LEI, http://standards.iso.org/iso/17442".into(),
        ),
        (
            "/entity/identifier/value".into(),
            "the entity's identifier",
            &doc.entity.identifier.value,
            format!("write the company's identifier under the scheme {scheme} (no spaces), e.g. its name or stock code"),
        ),
    ];
    for (i, s) in doc.sources.iter().enumerate() {
        let at = |f: &str| format!("/sources/{i}/{f}");
        fields.push((
            at("title"),
            "a source document's title",
            &s.title,
            format!("write the title of the report the figures come from (source {:?})", s.id),
        ));
        for (f, v) in [("publisher", &s.publisher), ("url", &s.url), ("file", &s.file)] {
            if let Some(v) = v {
                fields.push((
                    at(f),
                    "a source document's details",
                    v,
                    format!("write the source's {f}, or leave it out"),
                ));
            }
        }
    }
    fields
        .into_iter()
        .filter(|(_, _, value, _)| is_placeholder(value))
        .map(|(pointer, what, value, hint)| {
            Diagnostic::warning(
                Code::W0205,
                ds.locate_top(&pointer),
                format!("{what} is still the template's placeholder {value:?}"),
            )
            .with_hint(hint)
            .with_subject(pointer)
        })
        .collect()
}

/// ISO 17442: 20 characters whose letters map to 10..35, and the whole is 1 mod 97.
pub fn lei_check_digits_ok(lei: &str) -> bool {
    if lei.len() != 20 || !lei.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()) {
        return false;
    }
    let mut rem: u32 = 0;
    for b in lei.bytes() {
        let v = if b.is_ascii_digit() { (b - b'0') as u32 } else { (b - b'A') as u32 + 10 };
        rem = if v >= 10 { (rem * 100 + v) % 97 } else { (rem * 10 + v) % 97 };
    }
    rem == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Mapping records taken out of the dataset gives what mapping them in place gives: the
    /// same facts in the same order, and the same findings (a record left out, an id twice, an
    /// unfilled row) in the same order.
    #[test]
    fn records_taken_map_as_records_borrowed() {
        let e = crate::dataset::example("qifu-2023").unwrap();
        let mut doc: serde_json::Value = serde_json::from_str(e.json).unwrap();
        let facts = doc["facts"].as_array_mut().unwrap();
        let n = facts.len();
        facts[3]["concept"] = "NoSuchConcept".into();
        facts[5].as_object_mut().unwrap().remove("value"); // neither a value nor an omission
        facts[7]["id"] = "f-twice".into();
        facts[9]["id"] = "f-twice".into();
        let bytes = serde_json::to_vec(&doc).unwrap();
        let mut ds = crate::dataset::from_json_bytes("d.json", bytes).unwrap();
        let mut tax = Taxonomy::bundled(&ds.doc.taxonomy).unwrap();
        if let Some(ext) = &ds.doc.extensions {
            tax.extend(ext, &ds.doc.framework, &ds.file).unwrap();
        }
        let (borrowed, found) = map(&ds, &tax);
        let (taken, found_taken) = map_taking(&mut ds, &tax);
        let codes = |d: &[Diagnostic]| d.iter().map(|d| format!("{:?} {}", d.code, d.location)).collect::<Vec<_>>();
        assert!(ds.doc.facts.is_empty());
        assert_eq!(borrowed.facts.len(), n - 2, "{:?}", codes(&found));
        assert_eq!(borrowed.facts, taken.facts);
        assert_eq!(codes(&found), codes(&found_taken));
        for code in [Code::E0210, Code::E0220, Code::I0001] {
            assert!(found.iter().any(|d| d.code == code), "{code:?}: {:?}", codes(&found));
        }
    }

    #[test]
    fn lei() {
        assert!(lei_check_digits_ok("5493001KJTIIGC8Y1R12"));
        assert!(!lei_check_digits_ok("5493001KJTIIGC8Y1R13"));
        assert!(!lei_check_digits_ok("short"));
    }

    #[test]
    fn suggestions() {
        let names = ["GhgEmissionsScope1", "GhgEmissionsScope2", "NumberOfEmployees"];
        assert_eq!(lookup::closest_name("GhgEmissionScope1", names.iter().copied()), Some("GhgEmissionsScope1"));
        assert_eq!(lookup::closest_name("Banana", names.iter().copied()), None);
    }
}
