//! XBRL 2.1 instance (XML) with XBRL Dimensions: contexts and units de-duplicated by their
//! aspects, facts in dataset order, and one footnote per fact carrying its source reference.

use crate::ns::{LINK, XBRLI, XLINK};
use crate::ns::{XBRLDI, XSI};
use crate::report::{FactValue, Period, QName, Report, Unit};
use crate::taxonomy::source::DimensionContainer;
use crate::xml::XmlWriter;
use std::collections::HashMap;

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
        let key = (&f.period, f.dimensions.as_slice());
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
    write_footnotes(&mut w, report, out)?;
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
            FactValue::Nil => {
                // A nil text fact keeps its language, as in xBRL-JSON (an OIM aspect).
                if let Some(lang) = &f.language {
                    a.push(("xml:lang", lang));
                }
                a.push(("xsi:nil", "true"));
                w.empty(&name, &a);
            }
            FactValue::Number(n) => {
                a.push(("decimals", &decimals));
                w.text_element(&name, &a, &n.to_string());
            }
            FactValue::Text(t) => {
                if let Some(lang) = &f.language {
                    a.push(("xml:lang", lang));
                }
                w.text_element(&name, &a, t);
            }
        }
    }
    Ok(())
}

/// Provenance: one footnote per fact, linked with the standard fact-footnote arc.
fn write_footnotes(w: &mut XmlWriter, report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    if report.facts.is_empty() {
        return Ok(());
    }
    w.start("link:footnoteLink", &[("xlink:type", "extended"), ("xlink:role", crate::ns::DEFAULT_LINK_ROLE)]);
    for (i, f) in report.facts.iter().enumerate() {
        if i % FACTS_PER_PART == FACTS_PER_PART - 1 {
            w.drain_into(out)?;
        }
        let loc = format!("loc_{}", f.id);
        let note = format!("fn_{}", f.id);
        w.empty("link:loc", &[("xlink:type", "locator"), ("xlink:href", &format!("#{}", f.id)), ("xlink:label", &loc)]);
        w.text_element(
            "link:footnote",
            &[
                ("xlink:type", "resource"),
                ("xlink:label", &note),
                ("xlink:role", crate::ns::FOOTNOTE_ROLE),
                ("xml:lang", "en"),
            ],
            &f.provenance.sentence(),
        );
        w.empty(
            "link:footnoteArc",
            &[
                ("xlink:type", "arc"),
                ("xlink:arcrole", crate::ns::FACT_FOOTNOTE),
                ("xlink:from", &loc),
                ("xlink:to", &note),
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
