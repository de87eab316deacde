//! Looking into the taxonomy: list and show concepts, and make an empty dataset template for a
//! filer to fill (one row per KPI and breakdown, with labels and hints).

use super::source::{DataType, Level};
use super::{Concept, Taxonomy};
use serde_json::{Value, json};
use std::fmt::Write;

/// Concepts matching a KPI code (exact, or a prefix such as `B1`), a text (in names and labels of
/// every language) and a framework version.
pub fn list<'t>(tax: &'t Taxonomy, kpi: Option<&str>, text: Option<&str>, framework: Option<&str>) -> Vec<&'t Concept> {
    let text = text.map(|t| t.to_lowercase());
    tax.concepts
        .iter()
        .filter(|c| {
            kpi.is_none_or(|k| {
                c.def.references.iter().any(|r| {
                    tax.is_requirement(r)
                        && (r.code == k || r.code.starts_with(&format!("{k}.")) || r.code.starts_with(&format!("{k} ")))
                })
            })
        })
        .filter(|c| {
            text.as_ref().is_none_or(|t| {
                c.name().to_lowercase().contains(t)
                    || c.def
                        .labels
                        .iter()
                        .chain(c.def.aliases.iter().map(|a| ("", a.as_str())))
                        .any(|(_, l)| l.to_lowercase().contains(t))
            })
        })
        .filter(|c| framework.is_none_or(|f| c.def.frameworks.is_empty() || c.def.frameworks.iter().any(|x| x == f)))
        .collect()
}

/// The codes of the regulator's requirements a concept answers.
pub fn requirement_codes<'c>(tax: &Taxonomy, c: &'c Concept) -> Vec<&'c str> {
    c.def.references.iter().filter(|r| tax.is_requirement(r)).map(|r| r.code.as_str()).collect()
}

/// One line per concept.
pub fn list_text(tax: &Taxonomy, concepts: &[&Concept]) -> String {
    let mut s = String::new();
    for c in concepts {
        let (p, t) = c.def.data_type.xbrl_type();
        let _ = writeln!(
            s,
            "{:<55} {:<32} {:<8} {:<14} {}",
            c.name(),
            format!("{p}:{t}"),
            c.def.period_type.as_str(),
            requirement_codes(tax, c).join(","),
            c.def.labels.en
        );
    }
    s
}

/// Everything about one concept, for people.
pub fn show_text(tax: &Taxonomy, c: &Concept) -> String {
    let d = &c.def;
    let mut s = String::new();
    let (p, t) = d.data_type.xbrl_type();
    let _ = writeln!(s, "{}:{}", tax.layer_prefix(c.layer), d.name);
    for (lang, l) in d.labels.iter() {
        let _ = writeln!(s, "  label ({lang}): {l}");
    }
    if let Some(doc) = &d.documentation {
        for (lang, l) in doc.iter() {
            let _ = writeln!(s, "  documentation ({lang}): {l}");
        }
    }
    let _ = writeln!(
        s,
        "  type: {p}:{t}   period: {}{}",
        d.period_type.as_str(),
        d.balance.map(|b| format!("   balance: {b:?}").to_lowercase()).unwrap_or_default()
    );
    if !d.units.is_empty() {
        let units: Vec<String> =
            d.units.iter().filter_map(|u| tax.unit(u)).map(|u| format!("{} ({})", u.id, u.labels.en)).collect();
        let _ = writeln!(s, "  units: {}", units.join(", "));
    }
    if !d.aliases.is_empty() {
        let _ = writeln!(s, "  aliases: {}", d.aliases.join(", "));
    }
    let _ = writeln!(
        s,
        "  frameworks: {}",
        if d.frameworks.is_empty() { "all".to_string() } else { d.frameworks.join(", ") }
    );
    for a in &c.hypercube_axes {
        let axis = &tax.axes[*a];
        let members: Vec<&str> = axis.members.iter().skip(1).map(|m| m.def.name.as_str()).collect();
        let _ = writeln!(s, "  axis {} (total: {}): {}", axis.name(), axis.domain().def.name, members.join(", "));
    }
    for r in &d.references {
        let _ = writeln!(
            s,
            "  reference: {} {} {}{}",
            r.publisher,
            r.name.as_deref().unwrap_or(""),
            r.code,
            r.note.as_ref().map(|n| format!(" ({n})")).unwrap_or_default()
        );
    }
    if !d.summation.is_empty() {
        let parts: Vec<String> =
            d.summation.iter().map(|x| format!("{}{}", if x.weight < 0 { "-" } else { "+" }, x.concept)).collect();
        let _ = writeln!(s, "  sum of: {}", parts.join(" "));
    }
    if let Some(i) = &d.intensity {
        let _ = writeln!(s, "  intensity: {} / {}", i.numerator, i.denominator);
    }
    if let Some(w) = &d.weighted_by {
        let _ = writeln!(s, "  weighted by: {w}");
    }
    if let Some(n) = &d.fraction_of {
        let _ = writeln!(s, "  a percentage of whole {n}");
    }
    s
}

fn hint(c: &Concept) -> &'static str {
    match c.def.data_type {
        DataType::Percent => "a percentage as printed, e.g. 20% or 99.2%",
        DataType::TextBlock | DataType::String => "the text of the disclosure",
        DataType::Boolean => "true or false",
        DataType::Date => "a date, YYYY-MM-DD",
        DataType::Integer => "a whole number as printed, e.g. 3,121",
        DataType::Monetary => "an amount as printed, e.g. 162.1 million (no currency sign)",
        _ => "a number as printed, e.g. 1,397.96",
    }
}

/// An empty dataset for a framework version: every requirement's concepts, each in total and for
/// each member of its breakdowns, with label and hint. Rows left empty are skipped on export.
pub fn template(tax: &Taxonomy, framework: &str, year: i32) -> Value {
    let mut facts = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let period = format!("FY{year}");
    for r in tax.requirements.iter().filter(|r| r.frameworks.iter().any(|f| f == framework)) {
        for c in
            tax.concepts.iter().filter(|c| c.def.references.iter().any(|x| tax.is_requirement(x) && x.code == r.code))
        {
            if !seen.insert(c.name().to_string()) {
                continue;
            }
            let level = match r.level {
                Level::Mandatory => "mandatory",
                Level::ComplyOrExplain => "comply or explain",
                Level::Voluntary => "voluntary",
            };
            let base_hint = format!(
                "{} ({level}): {}. Fill in {}, or give an omission with its reason.",
                r.code,
                r.labels.en,
                hint(c)
            );
            let mut row = |dims: Option<(&str, &str, &str)>| {
                let mut f = json!({"concept": c.name(), "period": period, "source": {"document": "report"}});
                if let Some(u) = c.def.units.first() {
                    f["unit"] = json!(u);
                }
                let mut label = c.def.labels.en.clone();
                if let Some((axis, member, mlabel)) = dims {
                    f["dimensions"] = json!({axis: member});
                    label = format!("{label}: {mlabel}");
                }
                f["label"] = json!(label);
                if let Some(zh) = &c.def.labels.zh_hant {
                    f["labelZh"] = json!(zh);
                }
                f["hint"] = json!(base_hint);
                facts.push(f);
            };
            row(None);
            let common: Vec<usize> = tax.info.common_axes.iter().filter_map(|a| tax.axis(a)).collect();
            for a in c.hypercube_axes.iter().filter(|a| !common.contains(a)) {
                let axis = &tax.axes[*a];
                for m in axis.members.iter().skip(1) {
                    row(Some((axis.name(), &m.def.name, m.def.labels.en.trim_end_matches(" [member]"))));
                }
            }
        }
    }
    json!({
        "formatVersion": "1.0",
        "taxonomy": tax.info.name,
        "framework": framework,
        "entity": {"name": "Your company (change me)", "identifier": {"scheme": "https://esgx.dev/id/entity-name", "value": "CHANGE-ME"}},
        "periods": {period.clone(): {"start": format!("{year}-01-01"), "end": format!("{year}-12-31")}},
        "reportingPeriod": period,
        "currency": "HKD",
        "sources": [{"id": "report", "title": "Your ESG report (change me)"}],
        "notes": ["Generated by esgx taxonomy template. Fill in `value` (as printed) or replace a row's empty value by an `omission`; rows left without either are skipped. Add `source.section`, `page` or `quote` to say where each figure stands in the report."],
        "facts": facts,
    })
}
