//! XBRL 2.1 instance (XML) with XBRL Dimensions: contexts and units de-duplicated by their
//! aspects, facts in dataset order, and provenance as in xBRL-JSON: one footnote per place in a
//! source document, shared by the facts stated there, and one per distinct text of details (a
//! qualifier, an explained omission, a note), with the same ids as xBRL-JSON's footnotes. What
//! belongs to one fact alone, its source document's id, its dataset record and the text as
//! reported, are attributes of the fact in esgx's provenance namespace (`esgxp:document`,
//! `esgxp:record`, `esgxp:reported`; XBRL 2.1 lets a fact carry any attribute of another
//! namespace). The text as reported is left out where it is the fact's own text, as it is for
//! most text facts: a reader takes the value then.

use super::notes::Notes;
use crate::ns::{ESGX_PROVENANCE, XBRLDI, XSI};
use crate::ns::{LINK, XBRLI, XLINK};
use crate::report::{FactValue, Period, QName, Report, Unit};
use crate::taxonomy::source::DimensionContainer;
use crate::xml::XmlWriter;
use foldhash::{HashMap, HashMapExt};

type Dims = [(QName, QName)];

/// The contexts and units of a report, each once, with every fact's context id.
pub(super) struct Aspects<'a> {
    pub(super) contexts: Vec<(&'a Period, &'a Dims, String)>,
    pub(super) fact_contexts: Vec<usize>,
    pub(super) units: Vec<&'a Unit>,
}

/// Contexts keyed by period and dimensions, units by their id: each written once.
pub(super) fn aspects(report: &Report) -> Aspects<'_> {
    let mut contexts: Vec<(&Period, &Dims, String)> = Vec::new();
    let mut index: HashMap<(&Period, &Dims), usize> = HashMap::new();
    let mut fact_contexts = Vec::with_capacity(report.facts.len());
    let mut units: Vec<&Unit> = Vec::new();
    for f in &report.facts {
        let key = (&f.period, &*f.dimensions);
        let i = *index.entry(key).or_insert_with(|| {
            contexts.push((key.0, key.1, context_id(&f.period, contexts.len() + 1, !f.dimensions.is_empty())));
            contexts.len() - 1
        });
        fact_contexts.push(i);
        if let Some(u) = &f.unit
            && !units.iter().any(|x| x.id == u.id)
        {
            units.push(u);
        }
    }
    Aspects { contexts, fact_contexts, units }
}

/// The file name of the instance in an export.
pub const INSTANCE_FILE: &str = "report.xbrl";

/// The writer of the XBRL 2.1 instance.
pub struct XbrlXml;

impl super::Writer for XbrlXml {
    fn name(&self) -> &'static str {
        "xbrl-xml"
    }
    fn describe(&self) -> &'static str {
        "XBRL 2.1 instance, report.xbrl"
    }
    fn write(&self, filing: &super::Filing<'_>, sink: &mut dyn super::Sink) -> std::io::Result<()> {
        if filing.rendered.is_some() {
            let bytes = filing.instance()?;
            return sink.file(INSTANCE_FILE, self.name(), &mut |w| w.write_all(&bytes));
        }
        sink.file(INSTANCE_FILE, self.name(), &mut |w| write_to(filing.report, w))
    }
}

/// The instance document.
pub fn write(report: &Report) -> String {
    let mut out = Vec::new();
    write_to(report, &mut out).expect("writing to memory does not fail");
    String::from_utf8(out).expect("the writer writes UTF-8")
}

/// Facts between two hand-overs of the text to the file: the instance streams out in parts of
/// about a megabyte instead of being held whole.
const FACTS_PER_PART: usize = 1000;

/// Stream the instance document into `out`.
pub fn write_to(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let aspects = aspects(report);
    let mut w = XmlWriter::new();
    let mut attrs: Vec<(String, String)> = vec![
        ("xmlns:xbrli".into(), XBRLI.into()),
        ("xmlns:link".into(), LINK.into()),
        ("xmlns:xlink".into(), XLINK.into()),
        ("xmlns:xbrldi".into(), XBRLDI.into()),
        ("xmlns:xsi".into(), XSI.into()),
        (format!("xmlns:{PROVENANCE_PREFIX}"), ESGX_PROVENANCE.into()),
    ];
    for (p, ns) in &report.namespaces {
        if p != "xbrli" {
            attrs.push((format!("xmlns:{p}"), ns.clone()));
        }
    }
    let attr_refs: Vec<(&str, &str)> = attrs.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    w.start("xbrli:xbrl", &attr_refs);
    w.empty("link:schemaRef", &[("xlink:type", "simple"), ("xlink:href", &report.schema_ref)]);
    write_contexts(&mut w, report, &aspects.contexts);
    write_units(&mut w, &aspects.units);
    w.drain_into(out)?;
    write_facts(&mut w, report, &aspects, out)?;
    write_footnotes(&mut w, report, &Notes::of(report), out)?;
    out.write_all(w.finish().as_bytes())
}

fn write_contexts(w: &mut XmlWriter, report: &Report, contexts: &[(&Period, &Dims, String)]) {
    let container = match report.dimension_container {
        DimensionContainer::Scenario => "xbrli:scenario",
        DimensionContainer::Segment => "xbrli:segment",
    };
    for (period, dims, id) in contexts {
        w.start("xbrli:context", &[("id", id)]);
        w.start("xbrli:entity", &[]);
        w.text_element("xbrli:identifier", &[("scheme", &report.entity.scheme)], &report.entity.identifier);
        if !dims.is_empty() && container == "xbrli:segment" {
            write_dims(w, container, dims);
        }
        w.end();
        w.start("xbrli:period", &[]);
        match period {
            Period::Instant(d) => w.text_element("xbrli:instant", &[], &d.to_string()),
            Period::Duration { start, end } => {
                w.text_element("xbrli:startDate", &[], &start.to_string());
                w.text_element("xbrli:endDate", &[], &end.to_string());
            }
        }
        w.end();
        if !dims.is_empty() && container == "xbrli:scenario" {
            write_dims(w, container, dims);
        }
        w.end();
    }
}

fn write_units(w: &mut XmlWriter, units: &[&Unit]) {
    for u in units {
        w.start("xbrli:unit", &[("id", &u.id)]);
        if u.denominator.is_empty() {
            for m in &u.numerator {
                w.text_element("xbrli:measure", &[], &m.to_string());
            }
        } else {
            w.start("xbrli:divide", &[]);
            for (side, ms) in [("xbrli:unitNumerator", &u.numerator), ("xbrli:unitDenominator", &u.denominator)] {
                w.start(side, &[]);
                for m in ms.iter() {
                    w.text_element("xbrli:measure", &[], &m.to_string());
                }
                w.end();
            }
            w.end();
        }
        w.end();
    }
}

fn write_facts(
    w: &mut XmlWriter,
    report: &Report,
    aspects: &Aspects,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    for (i, (f, ctx)) in report.facts.iter().zip(&aspects.fact_contexts).enumerate() {
        if i % FACTS_PER_PART == FACTS_PER_PART - 1 {
            w.drain_into(out)?;
        }
        let name = f.concept.to_string();
        let mut a: Vec<(&str, &str)> = vec![("id", &f.id), ("contextRef", &aspects.contexts[*ctx].2)];
        if let Some(u) = &f.unit {
            a.push(("unitRef", &u.id));
        }
        let decimals = f.decimals.map_or("INF".to_string(), |d| d.to_string());
        match &f.value {
            FactValue::Number(_) => a.push(("decimals", &decimals)),
            // A text fact keeps its language, nil or not, as in xBRL-JSON (an OIM aspect).
            _ => a.extend(f.language.as_deref().map(|lang| ("xml:lang", lang))),
        }
        if matches!(f.value, FactValue::Nil) {
            a.push(("xsi:nil", "true"));
        }
        if !f.provenance.document.is_empty() {
            a.push((DOCUMENT_ATTR, &f.provenance.document));
        }
        a.push((RECORD_ATTR, &f.provenance.record));
        if let Some(r) = &f.provenance.reported
            && !matches!(&f.value, FactValue::Text(t) if **t == **r)
        {
            a.push((REPORTED_ATTR, r));
        }
        match &f.value {
            FactValue::Nil => w.empty(&name, &a),
            FactValue::Number(n) => w.text_element(&name, &a, &n.to_string()),
            FactValue::Text(t) => w.text_element(&name, &a, t),
        }
    }
    Ok(())
}

/// The prefix of esgx's provenance namespace in an instance.
const PROVENANCE_PREFIX: &str = "esgxp";
/// The id of the source document a fact's figure comes from (its footnote names it by title).
pub const DOCUMENT_ATTR: &str = "esgxp:document";
/// A fact's dataset record (file and place), an attribute in esgx's provenance namespace.
pub const RECORD_ATTR: &str = "esgxp:record";
/// The fact's value as the source reports it, when it is not the fact's own text.
pub const REPORTED_ATTR: &str = "esgxp:reported";

/// The footnotes ([`Notes`]): each fact has a locator for every footnote it links to, labelled
/// after that footnote, so that one arc per footnote links it to all its facts (XLink lets many
/// locators share a label).
fn write_footnotes(
    w: &mut XmlWriter,
    report: &Report,
    notes: &Notes,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    if report.facts.is_empty() {
        return Ok(());
    }
    // The label of each footnote's locators, made once per footnote (not once per fact).
    let from: Vec<String> = notes.notes.iter().map(|n| format!("to_{}", n.id)).collect();
    w.start("link:footnoteLink", &[("xlink:type", "extended"), ("xlink:role", crate::ns::DEFAULT_LINK_ROLE)]);
    let mut href = String::new();
    for (i, (f, (src, details))) in report.facts.iter().zip(&notes.links).enumerate() {
        if i % FACTS_PER_PART == FACTS_PER_PART - 1 {
            w.drain_into(out)?;
        }
        href.clear();
        href.push('#');
        href.push_str(&f.id);
        for n in std::iter::once(*src).chain(*details) {
            w.empty("link:loc", &[("xlink:type", "locator"), ("xlink:href", &href), ("xlink:label", &from[n])]);
        }
    }
    for (n, from) in notes.notes.iter().zip(&from) {
        w.text_element(
            "link:footnote",
            &[
                ("xlink:type", "resource"),
                ("xlink:label", &n.id),
                ("xlink:role", crate::ns::FOOTNOTE_ROLE),
                ("xml:lang", "en"),
            ],
            &n.text,
        );
        w.empty(
            "link:footnoteArc",
            &[
                ("xlink:type", "arc"),
                ("xlink:arcrole", crate::ns::FACT_FOOTNOTE),
                ("xlink:from", from),
                ("xlink:to", &n.id),
            ],
        );
    }
    w.end();
    Ok(())
}

fn write_dims(w: &mut XmlWriter, container: &str, dims: &Dims) {
    w.start(container, &[]);
    for (axis, member) in dims {
        w.text_element("xbrldi:explicitMember", &[("dimension", &axis.to_string())], &member.to_string());
    }
    w.end();
}

/// Readable, deterministic context ids: the period, then a sequence number for breakdowns.
fn context_id(p: &Period, n: usize, dimensional: bool) -> String {
    let base = match p {
        Period::Instant(d) => format!("I{}", d.format("%Y%m%d")),
        Period::Duration { start, end } => {
            format!("D{}_{}", start.format("%Y%m%d"), end.format("%Y%m%d"))
        }
    };
    if dimensional { format!("{base}_c{n}") } else { base }
}
