//! xBRL-JSON (XBRL Open Information Model 1.0): the same facts as the XML instance, each with an
//! extension property that carries its source reference.

use crate::report::{FactValue, Report};
use serde_json::{Map, Value, json};

pub const DOCUMENT_TYPE: &str = "https://xbrl.org/2021/xbrl-json";
/// Namespace of esgx's own extension properties (provenance) in OIM reports.
pub const PROVENANCE_NS: &str = "https://esgx.dev/oim/provenance/1.0";
pub const PROVENANCE_PREFIX: &str = "esgxp";

pub fn write(report: &Report) -> String {
    let mut namespaces = Map::new();
    namespaces.insert("xbrl".into(), json!("https://xbrl.org/2021"));
    namespaces.insert("xbrli".into(), json!(crate::XBRLI_NS));
    for (p, ns) in &report.namespaces {
        namespaces.insert(p.clone(), json!(ns));
    }
    namespaces.insert("scheme".into(), json!(report.entity.scheme));
    namespaces.insert(PROVENANCE_PREFIX.into(), json!(PROVENANCE_NS));
    let entity = format!("scheme:{}", report.entity.identifier);
    let mut facts = Map::new();
    for f in &report.facts {
        let mut dims = Map::new();
        dims.insert("concept".into(), json!(f.concept.to_string()));
        dims.insert("entity".into(), json!(entity));
        dims.insert("period".into(), json!(f.period.oim()));
        if let Some(u) = &f.unit
            && !u.is_pure()
        {
            dims.insert("unit".into(), json!(u.oim()));
        }
        if let Some(lang) = &f.language {
            dims.insert("language".into(), json!(lang));
        }
        for (axis, member) in &f.dimensions {
            dims.insert(axis.to_string(), json!(member.to_string()));
        }
        let mut fact = Map::new();
        fact.insert(
            "value".into(),
            match &f.value {
                FactValue::Number(n) => json!(n.to_string()),
                FactValue::Text(t) => json!(t),
                FactValue::Nil => Value::Null,
            },
        );
        if let (Some(d), FactValue::Number(_)) = (f.decimals, &f.value) {
            fact.insert("decimals".into(), json!(d));
        }
        fact.insert("dimensions".into(), Value::Object(dims));
        fact.insert(
            format!("{PROVENANCE_PREFIX}:source"),
            serde_json::to_value(&f.provenance).expect("provenance serializes"),
        );
        facts.insert(f.id.clone(), Value::Object(fact));
    }
    let doc = json!({
        "documentInfo": {
            "documentType": DOCUMENT_TYPE,
            "namespaces": Value::Object(namespaces),
            "taxonomy": [report.schema_ref],
        },
        "facts": Value::Object(facts),
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("JSON serializes");
    s.push('\n');
    s
}
