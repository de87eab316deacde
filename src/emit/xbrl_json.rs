//! xBRL-JSON (XBRL Open Information Model 1.0): the same facts as the XML instance, each with an
//! extension property that carries its source reference. Written straight from the fact model
//! with serde, without building a JSON tree first.

use crate::report::{Fact, FactValue, Report};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

pub const DOCUMENT_TYPE: &str = "https://xbrl.org/2021/xbrl-json";
/// Namespace of esgx's own extension properties (provenance) in OIM reports.
pub const PROVENANCE_NS: &str = "https://esgx.dev/oim/provenance/1.0";
pub const PROVENANCE_PREFIX: &str = "esgxp";

#[derive(Serialize)]
struct Document<'a> {
    #[serde(rename = "documentInfo")]
    document_info: DocumentInfo<'a>,
    facts: Facts<'a>,
}

#[derive(Serialize)]
struct DocumentInfo<'a> {
    #[serde(rename = "documentType")]
    document_type: &'static str,
    namespaces: Namespaces<'a>,
    taxonomy: [&'a str; 1],
}

struct Namespaces<'a>(&'a Report);

impl Serialize for Namespaces<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("xbrl", "https://xbrl.org/2021")?;
        m.serialize_entry("xbrli", crate::XBRLI_NS)?;
        for (p, ns) in &r.namespaces {
            if p != "xbrli" {
                m.serialize_entry(p, ns)?;
            }
        }
        m.serialize_entry("scheme", &r.entity.scheme)?;
        m.serialize_entry(PROVENANCE_PREFIX, PROVENANCE_NS)?;
        m.end()
    }
}

struct Facts<'a>(&'a Report);

impl Serialize for Facts<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let entity = format!("scheme:{}", self.0.entity.identifier);
        let mut m = s.serialize_map(Some(self.0.facts.len()))?;
        for f in &self.0.facts {
            m.serialize_entry(&f.id, &JsonFact { f, entity: &entity })?;
        }
        m.end()
    }
}

struct JsonFact<'a> {
    f: &'a Fact,
    entity: &'a str,
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
        m.serialize_entry(&format!("{PROVENANCE_PREFIX}:source"), &f.provenance)?;
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
        for (axis, member) in &f.dimensions {
            m.serialize_entry(&axis.to_string(), &member.to_string())?;
        }
        m.end()
    }
}

pub fn write(report: &Report) -> String {
    let doc = Document {
        document_info: DocumentInfo {
            document_type: DOCUMENT_TYPE,
            namespaces: Namespaces(report),
            taxonomy: [&report.schema_ref],
        },
        facts: Facts(report),
    };
    let mut s = serde_json::to_string_pretty(&doc).expect("JSON serializes");
    s.push('\n');
    s
}
