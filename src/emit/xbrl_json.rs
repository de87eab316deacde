//! xBRL-JSON (XBRL Open Information Model 1.0): the same facts as the XML instance. Provenance
//! travels in the standard OIM form: each fact links (`links.footnote._`) to a footnote, a fact of
//! the concept `xbrl:note`, that says where its figure is stated; facts stated in one place share
//! one footnote, and a fact with an omission, a qualifier or a note links to a second footnote that
//! explains it. The structured source reference (document, section, page, line, quote) and each
//! fact's dataset record and reported text sit in one document-level extension object,
//! `esgxp:provenance`, keyed by footnote and fact id, for tools that want fields rather than
//! sentences (esgx's importer does).
//!
//! Why not an extension property on every fact: Arelle 2.47.3 keeps a path list that grows by one
//! entry per fact carrying an extension property and joins it for the next one, so such a report
//! loads in quadratic time (100,000 facts: about half an hour). Links, footnotes and one
//! document-level property load in linear time.
//!
//! Written straight from the fact model with serde, without building a JSON tree first.

use super::notes::{Note, Notes};
use crate::ns::{DEFAULT_LINK_ROLE, ESGX_PROVENANCE, FACT_FOOTNOTE, OIM, XBRL_JSON_DOCUMENT_TYPE};
use crate::report::{Fact, FactValue, Report};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

/// The OIM core namespace (prefix `xbrl`), home of the footnote concept `xbrl:note`.
/// Namespace of esgx's own extension properties (provenance) in OIM reports.
pub const PROVENANCE_PREFIX: &str = "esgxp";
/// The document-level extension property with the structured provenance.
pub const PROVENANCE_PROPERTY: &str = "esgxp:provenance";
/// The standard fact-footnote arcrole, and the default link role; in xBRL-JSON their reserved
/// aliases are `footnote` and `_`.

#[derive(Serialize)]
struct Document<'a> {
    #[serde(rename = "documentInfo")]
    document_info: DocumentInfo<'a>,
    facts: Facts<'a>,
    #[serde(rename = "esgxp:provenance")]
    provenance: ProvenanceIndex<'a>,
}

#[derive(Serialize)]
struct DocumentInfo<'a> {
    #[serde(rename = "documentType")]
    document_type: &'static str,
    namespaces: Namespaces<'a>,
    #[serde(rename = "linkTypes")]
    link_types: PairMap<&'static str>,
    #[serde(rename = "linkGroups")]
    link_groups: PairMap<&'static str>,
    taxonomy: [&'a str; 1],
}

/// What belongs to one fact alone: its dataset record, the text as reported, and the rest.
#[derive(Serialize)]
struct FactSource<'a> {
    record: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reported: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    qualifier: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    omission: Option<&'a crate::dataset::Omission>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
}

struct Namespaces<'a>(&'a Report);

impl Serialize for Namespaces<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("xbrl", OIM)?;
        m.serialize_entry("xbrli", crate::ns::XBRLI)?;
        for (p, ns) in &r.namespaces {
            if p != "xbrli" {
                m.serialize_entry(p, ns)?;
            }
        }
        m.serialize_entry("scheme", &r.entity.scheme)?;
        m.serialize_entry(PROVENANCE_PREFIX, ESGX_PROVENANCE)?;
        m.end()
    }
}

struct Facts<'a> {
    report: &'a Report,
    notes: &'a Notes<'a>,
}

impl Serialize for Facts<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let entity = format!("scheme:{}", self.report.entity.identifier);
        let mut m = s.serialize_map(Some(self.report.facts.len() + self.notes.notes.len()))?;
        for (f, (src, details)) in self.report.facts.iter().zip(&self.notes.links) {
            let links = [Some(&self.notes.notes[*src].id), details.map(|d| &self.notes.notes[d].id)];
            m.serialize_entry(&f.id, &JsonFact { f, entity: &entity, links })?;
        }
        for n in &self.notes.notes {
            m.serialize_entry(&n.id, &NoteFact(n))?;
        }
        m.end()
    }
}

struct JsonFact<'a> {
    f: &'a Fact,
    entity: &'a str,
    links: [Option<&'a String>; 2],
}

impl Serialize for JsonFact<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let f = self.f;
        let mut m = s.serialize_map(None)?;
        match &f.value {
            FactValue::Number(n) => m.serialize_entry("value", &n.to_string())?,
            FactValue::Text(t) => m.serialize_entry("value", t)?,
            FactValue::Nil => m.serialize_entry("value", &())?,
        }
        if let (Some(d), FactValue::Number(_)) = (f.decimals, &f.value) {
            m.serialize_entry("decimals", &d)?;
        }
        m.serialize_entry("dimensions", &Dimensions { f, entity: self.entity })?;
        let targets: Vec<&String> = self.links.iter().flatten().copied().collect();
        m.serialize_entry("links", &PairMap(vec![("footnote", PairMap(vec![("_", targets)]))]))?;
        m.end()
    }
}

/// A JSON object from key-value pairs, in their order, without building a map.
struct PairMap<V>(Vec<(&'static str, V)>);

impl<V: Serialize> Serialize for PairMap<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// A footnote: a fact of `xbrl:note` whose value is an XHTML fragment (here plain, escaped text)
/// and whose only dimensions are its noteId and language.
struct NoteFact<'a>(&'a Note<'a>);

impl Serialize for NoteFact<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let n = self.0;
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("value", &crate::xml::escape_text(&n.text))?;
        let dims = PairMap(vec![("concept", "xbrl:note"), ("noteId", n.id.as_str()), ("language", "en")]);
        m.serialize_entry("dimensions", &dims)?;
        m.end()
    }
}

/// `esgxp:provenance`: `sources` (source footnote id -> structured location) and `facts` (fact
/// id -> what belongs to that fact alone).
struct ProvenanceIndex<'a> {
    report: &'a Report,
    notes: &'a Notes<'a>,
}

impl Serialize for ProvenanceIndex<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Sources<'a>(&'a Notes<'a>);
        impl Serialize for Sources<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(None)?;
                for n in &self.0.notes {
                    if let Some(loc) = &n.location {
                        m.serialize_entry(&n.id, loc)?;
                    }
                }
                m.end()
            }
        }
        struct PerFact<'a>(&'a Report);
        impl Serialize for PerFact<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(self.0.facts.len()))?;
                for f in &self.0.facts {
                    let p = &f.provenance;
                    let fs = FactSource {
                        record: &p.record,
                        reported: p.reported.as_deref(),
                        qualifier: p.qualifier.as_deref(),
                        omission: p.omission.as_deref(),
                        note: p.note.as_deref(),
                    };
                    m.serialize_entry(&f.id, &fs)?;
                }
                m.end()
            }
        }
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("sources", &Sources(self.notes))?;
        m.serialize_entry("facts", &PerFact(self.report))?;
        m.end()
    }
}

struct Dimensions<'a> {
    f: &'a Fact,
    entity: &'a str,
}

impl Serialize for Dimensions<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let f = self.f;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("concept", &f.concept.to_string())?;
        m.serialize_entry("entity", self.entity)?;
        m.serialize_entry("period", &f.period.oim())?;
        // The pure unit is left out: in OIM a numeric fact without a unit is pure.
        if let Some(u) = f.unit.as_ref().filter(|u| !u.is_pure()) {
            m.serialize_entry("unit", &u.oim())?;
        }
        if let Some(lang) = &f.language {
            m.serialize_entry("language", lang)?;
        }
        for (axis, member) in f.dimensions.iter() {
            m.serialize_entry(&axis.to_string(), &member.to_string())?;
        }
        m.end()
    }
}

/// The file name of the xBRL-JSON report in an export.
pub const JSON_FILE: &str = "report.json";

/// The writer of the xBRL-JSON report.
pub struct XbrlJson;

impl super::Writer for XbrlJson {
    fn name(&self) -> &'static str {
        "xbrl-json"
    }
    fn describe(&self) -> &'static str {
        "xBRL-JSON report, report.json"
    }
    fn write(&self, filing: &super::Filing<'_>, sink: &mut dyn super::Sink) -> std::io::Result<()> {
        sink.file(JSON_FILE, self.name(), &mut |w| write_to(filing.report, w))
    }
}

/// The xBRL-JSON report as a string.
pub fn write(report: &Report) -> String {
    let mut out = Vec::new();
    write_to(report, &mut out).expect("writing to memory does not fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Stream the xBRL-JSON report into `w`.
pub fn write_to(report: &Report, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let notes = Notes::of(report);
    let doc = Document {
        document_info: DocumentInfo {
            document_type: XBRL_JSON_DOCUMENT_TYPE,
            namespaces: Namespaces(report),
            link_types: PairMap(vec![("footnote", FACT_FOOTNOTE)]),
            link_groups: PairMap(vec![("_", DEFAULT_LINK_ROLE)]),
            taxonomy: [&report.schema_ref],
        },
        facts: Facts { report, notes: &notes },
        provenance: ProvenanceIndex { report, notes: &notes },
    };
    serde_json::to_writer_pretty(&mut *w, &doc).map_err(std::io::Error::other)?;
    w.write_all(b"\n")
}
