//! Looking into the taxonomy: list and show concepts, axes, members and units, and make an empty
//! dataset template for a filer to fill (one row per KPI and breakdown, with labels and hints).

use super::lookup::{Item, Kind, concepts_on_axis};
use super::source::{DataType, Labels};
use super::{Concept, Taxonomy};
use serde_json::{Value, json};
use std::fmt::Write;

/// Concepts matching a KPI code (exact, or a prefix such as `B1`; in any case: `b1.1` is `B1.1`),
/// a text (in names and labels of every language) and a framework version.
pub fn list<'t>(tax: &'t Taxonomy, kpi: Option<&str>, text: Option<&str>, framework: Option<&str>) -> Vec<&'t Concept> {
    let text = text.map(|t| t.to_lowercase());
    let kpi = kpi.map(|k| k.trim().to_uppercase());
    tax.concepts
        .iter()
        .filter(|c| {
            kpi.as_ref().is_none_or(|k| {
                c.def.references.iter().any(|r| {
                    let code = r.code.to_uppercase();
                    tax.is_requirement(r)
                        && (code == *k || code.starts_with(&format!("{k}.")) || code.starts_with(&format!("{k} ")))
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

/// Axes, members and units whose name, alias or label (in any language) contains `text`, in that
/// order; `list` finds the concepts.
pub fn search(tax: &Taxonomy, text: &str) -> Vec<Item> {
    let t = text.to_lowercase();
    let hit = |name: &str, aliases: &[String], labels: &Labels| {
        std::iter::once(name)
            .chain(aliases.iter().map(String::as_str))
            .chain(labels.iter().map(|(_, l)| l))
            .any(|x| x.to_lowercase().contains(&t))
    };
    let mut found = Vec::new();
    for (a, axis) in tax.axes.iter().enumerate() {
        if hit(axis.name(), &axis.def.aliases, &axis.def.labels) {
            found.push(Item::Axis(a));
        }
    }
    for (a, axis) in tax.axes.iter().enumerate() {
        for (m, member) in axis.members.iter().enumerate() {
            if hit(&member.def.name, &member.def.aliases, &member.def.labels) {
                found.push(Item::Member(a, m));
            }
        }
    }
    for (u, unit) in tax.units.iter().enumerate() {
        if hit(&unit.id, &unit.aliases, &unit.labels) {
            found.push(Item::Unit(u));
        }
    }
    found
}

/// The concepts, then under a heading per kind the axes, members and units that `search` found.
pub fn list_all_text(tax: &Taxonomy, concepts: &[&Concept], others: &[Item]) -> String {
    if others.is_empty() {
        return list_text(tax, concepts);
    }
    let mut s = String::new();
    if !concepts.is_empty() {
        s.push_str("concepts:\n");
        s.push_str(&list_text(tax, concepts));
    }
    for (kind, heading) in [(Kind::Axis, "axes"), (Kind::Member, "members"), (Kind::Unit, "units")] {
        let items: Vec<Item> = others.iter().copied().filter(|i| i.kind() == kind).collect();
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(s, "{heading}:");
        for item in items {
            let line = match item {
                Item::Axis(a) => {
                    let axis = &tax.axes[a];
                    format!("{:<55} {} members  {}", axis.name(), axis.members.len() - 1, axis.def.labels.en)
                }
                Item::Member(a, m) => {
                    let member = &tax.axes[a].members[m];
                    format!("{:<55} on {:<30} {}", member.def.name, tax.axes[a].name(), member.def.labels.en)
                }
                Item::Unit(u) => format!("{:<55} {}", tax.units[u].id, tax.units[u].labels.en),
                Item::Concept(_) => continue,
            };
            let _ = writeln!(s, "{line}");
        }
    }
    s
}

/// A concept's definition as JSON, marked with its kind.
pub fn concept_json(c: &Concept) -> Value {
    let mut v = serde_json::Map::new();
    v.insert("kind".into(), json!("concept"));
    if let Value::Object(def) = serde_json::to_value(&c.def).expect("concepts serialize") {
        v.extend(def);
    }
    Value::Object(v)
}

/// Anything `lookup::find` or `search` found, as JSON marked with its kind.
pub fn item_json(tax: &Taxonomy, item: Item) -> Value {
    match item {
        Item::Concept(i) => concept_json(&tax.concepts[i]),
        Item::Axis(a) => {
            let axis = &tax.axes[a];
            let concepts: Vec<&str> = concepts_on_axis(tax, a).map(|c| c.name()).collect();
            json!({
                "kind": "axis",
                "name": axis.name(),
                "qname": format!("{}:{}", axis.qname.prefix, axis.qname.local),
                "aliases": axis.def.aliases,
                "labels": axis.def.labels,
                "partition": axis.def.partition,
                "common": tax.info.common_axes.iter().any(|x| x == axis.name()),
                "domain": member_tree_json(tax, a, 0),
                "concepts": concepts,
            })
        }
        Item::Member(a, m) => {
            let axis = &tax.axes[a];
            let member = &axis.members[m];
            json!({
                "kind": "member",
                "name": member.def.name,
                "qname": format!("{}:{}", member.qname.prefix, member.qname.local),
                "axis": axis.name(),
                "default": m == 0,
                "parent": parent_of(tax, a, m),
                "aliases": member.def.aliases,
                "labels": member.def.labels,
                "dataset": {"dimensions": {axis.name(): member.def.name}},
            })
        }
        Item::Unit(u) => {
            let unit = &tax.units[u];
            let types: Vec<Value> = unit_users(tax, &unit.id)
                .into_iter()
                .map(|(t, concepts)| json!({"type": t, "concepts": concepts}))
                .collect();
            json!({
                "kind": "unit",
                "id": unit.id,
                "aliases": unit.aliases,
                "labels": unit.labels,
                "numerator": unit.numerator,
                "denominator": unit.denominator,
                "types": types,
            })
        }
    }
}

/// Member `m` of axis `a` and the members under it, as nested JSON.
fn member_tree_json(tax: &Taxonomy, a: usize, m: usize) -> Value {
    let member = &tax.axes[a].members[m];
    let children: Vec<Value> = children_of(tax, a, m).into_iter().map(|c| member_tree_json(tax, a, c)).collect();
    json!({"name": member.def.name, "labels": member.def.labels, "aliases": member.def.aliases, "members": children})
}

/// The parent of a member: the one it names, or the domain (the total); the domain has none.
fn parent_of(tax: &Taxonomy, a: usize, m: usize) -> Option<&str> {
    let axis = &tax.axes[a];
    if m == 0 {
        return None;
    }
    Some(
        axis.members[m]
            .def
            .parent
            .as_deref()
            .and_then(|p| axis.member(p))
            .map_or(axis.domain().def.name.as_str(), |p| &axis.members[p].def.name),
    )
}

fn children_of(tax: &Taxonomy, a: usize, m: usize) -> Vec<usize> {
    let name = tax.axes[a].members[m].def.name.as_str();
    (1..tax.axes[a].members.len()).filter(|c| parent_of(tax, a, *c) == Some(name)).collect()
}

/// The concepts that accept a unit, by their XBRL item type.
fn unit_users<'t>(tax: &'t Taxonomy, id: &str) -> Vec<(String, Vec<&'t str>)> {
    let mut by_type: Vec<(String, Vec<&str>)> = Vec::new();
    for c in tax.concepts.iter().filter(|c| c.def.units.iter().any(|u| u == id)) {
        let (p, t) = c.def.data_type.xbrl_type();
        let t = format!("{p}:{t}");
        match by_type.iter_mut().find(|(x, _)| *x == t) {
            Some((_, names)) => names.push(c.name()),
            None => by_type.push((t, vec![c.name()])),
        }
    }
    by_type
}

fn labels_text(s: &mut String, labels: &Labels) {
    for (lang, l) in labels.iter() {
        let _ = writeln!(s, "  label ({lang}): {l}");
    }
}

/// Everything about a concept, axis, member or unit, for people.
pub fn item_text(tax: &Taxonomy, item: Item) -> String {
    let mut s = String::new();
    match item {
        Item::Concept(i) => return show_text(tax, &tax.concepts[i]),
        Item::Axis(a) => {
            let axis = &tax.axes[a];
            let _ = writeln!(s, "{}:{} (axis)", axis.qname.prefix, axis.name());
            labels_text(&mut s, &axis.def.labels);
            if !axis.def.aliases.is_empty() {
                let _ = writeln!(s, "  aliases: {}", axis.def.aliases.join(", "));
            }
            let _ = writeln!(
                s,
                "  {}",
                if axis.def.partition {
                    "a partition: the members add up to the total"
                } else {
                    "not a partition: the members need not add up to the total"
                }
            );
            let _ = writeln!(s, "  members:");
            fn tree(s: &mut String, tax: &Taxonomy, a: usize, m: usize, depth: usize) {
                let member = &tax.axes[a].members[m];
                let note = if m == 0 { " (the total: the default member, a fact without this axis)" } else { "" };
                let _ = writeln!(
                    s,
                    "{:indent$}{}  {}{note}",
                    "",
                    member.def.name,
                    member.def.labels.en,
                    indent = 4 + 2 * depth
                );
                for c in children_of(tax, a, m) {
                    tree(s, tax, a, c, depth + 1);
                }
            }
            tree(&mut s, tax, a, 0, 0);
            if tax.info.common_axes.iter().any(|x| x == axis.name()) {
                let _ = writeln!(s, "  used by: every numeric concept (a common axis)");
            } else {
                let names: Vec<&str> = concepts_on_axis(tax, a).map(|c| c.name()).collect();
                let _ =
                    writeln!(s, "  used by: {}", if names.is_empty() { "no concept".into() } else { names.join(", ") });
            }
        }
        Item::Member(a, m) => {
            let axis = &tax.axes[a];
            let member = &axis.members[m];
            let _ = writeln!(s, "{}:{} (member)", member.qname.prefix, member.def.name);
            labels_text(&mut s, &member.def.labels);
            if !member.def.aliases.is_empty() {
                let _ = writeln!(s, "  aliases: {}", member.def.aliases.join(", "));
            }
            let _ = writeln!(s, "  axis: {} ({})", axis.name(), axis.def.labels.en);
            match parent_of(tax, a, m) {
                Some(p) => {
                    let _ = writeln!(s, "  parent: {p}");
                }
                None => {
                    let _ =
                        writeln!(s, "  the axis' total (its default member): a fact without this axis is the total");
                }
            }
            let children: Vec<&str> =
                children_of(tax, a, m).into_iter().map(|c| axis.members[c].def.name.as_str()).collect();
            if !children.is_empty() {
                let _ = writeln!(s, "  members: {}", children.join(", "));
            }
            if m != 0 {
                let _ = writeln!(s, "  in a dataset: \"dimensions\": {{\"{}\": \"{}\"}}", axis.name(), member.def.name);
            }
        }
        Item::Unit(u) => {
            let unit = &tax.units[u];
            let _ = writeln!(s, "{} (unit)", unit.id);
            labels_text(&mut s, &unit.labels);
            if !unit.aliases.is_empty() {
                let _ = writeln!(s, "  aliases: {}", unit.aliases.join(", "));
            }
            if unit.denominator.is_empty() {
                let _ = writeln!(s, "  measure: {}", unit.numerator.join(" × "));
            } else {
                let _ = writeln!(s, "  measure: {} / {}", unit.numerator.join(" × "), unit.denominator.join(" × "));
            }
            let users = unit_users(tax, &unit.id);
            if users.is_empty() {
                let _ = writeln!(s, "  used by: no concept");
            }
            for (t, names) in users {
                let _ = writeln!(s, "  used by {t} ({}): {}", names.len(), names.join(", "));
            }
        }
    }
    s
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

/// Is `currency` one of the taxonomy's currency units (a single `iso4217:` measure)?
pub fn check_currency(tax: &Taxonomy, currency: &str) -> Result<(), String> {
    let currencies: Vec<&str> = tax
        .units
        .iter()
        .filter(|u| u.denominator.is_empty() && u.numerator.len() == 1 && u.numerator[0].starts_with("iso4217:"))
        .map(|u| u.id.as_str())
        .collect();
    if currencies.contains(&currency) {
        return Ok(());
    }
    Err(format!(
        "unknown currency {currency:?}; the {} taxonomy has units for: {}",
        tax.info.name,
        currencies.join(", ")
    ))
}

/// The unit a template row suggests: the one in the reporting currency where the concept's
/// units name currencies (amounts, intensities per revenue), else its first.
fn template_unit<'a>(tax: &'a Taxonomy, c: &'a Concept, currency: &str) -> Option<&'a str> {
    let in_currency = |id: &str| {
        tax.unit(id).is_some_and(|u| {
            u.numerator.iter().chain(&u.denominator).any(|m| m.strip_prefix("iso4217:") == Some(currency))
        })
    };
    let priced = |id: &str| {
        tax.unit(id).is_some_and(|u| u.numerator.iter().chain(&u.denominator).any(|m| m.starts_with("iso4217:")))
    };
    c.def
        .units
        .iter()
        .find(|u| in_currency(u))
        .or_else(|| c.def.units.iter().find(|u| !priced(u)))
        .or(c.def.units.first())
        .map(String::as_str)
}

/// An empty dataset for a framework version: every requirement's concepts, each in total and for
/// each member of its breakdowns, with label and hint, then the denominators of the intensities
/// among them (revenue, production volume, floor area ...). Amounts and intensities per revenue
/// are in `currency`. Rows left empty are skipped on export.
pub fn template(tax: &Taxonomy, framework: &str, year: i32, currency: &str) -> Value {
    let mut facts = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let period = format!("FY{year}");
    let in_framework = |c: &Concept| c.def.frameworks.is_empty() || c.def.frameworks.iter().any(|f| f == framework);
    let mut wanted: Vec<(&Concept, String)> = Vec::new();
    for r in tax.requirements.iter().filter(|r| r.frameworks.iter().any(|f| f == framework)) {
        let level = r.level.words();
        for c in
            tax.concepts.iter().filter(|c| c.def.references.iter().any(|x| tax.is_requirement(x) && x.code == r.code))
        {
            if seen.insert(c.name().to_string()) {
                wanted.push((c, format!("{} ({level}): {}", r.code, r.labels.en)));
            }
        }
    }
    let mut denominators = Vec::new();
    for (c, _) in &wanted {
        let Some(int) = &c.def.intensity else { continue };
        for d in [&int.numerator, &int.denominator] {
            if let Some(dc) = tax.concept(d).filter(|dc| in_framework(dc))
                && seen.insert(dc.name().to_string())
            {
                denominators.push((
                    dc,
                    format!("the {} of {}", if d == &int.denominator { "denominator" } else { "numerator" }, c.name()),
                ));
            }
        }
    }
    wanted.extend(denominators);
    for (c, why) in wanted {
        {
            let base_hint = format!("{why}. Fill in {}, or give an omission with its reason.", hint(c));
            let unit = template_unit(tax, c, currency);
            let mut row = |dims: Option<(&str, &str, &str)>| {
                let mut f = json!({"concept": c.name(), "period": period, "source": {"document": "report"}});
                if let Some(u) = unit {
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
        "currency": currency,
        "sources": [{"id": "report", "title": "Your ESG report (change me)"}],
        "notes": ["Generated by esgx taxonomy template. Fill in `value` (as printed) or replace a row's empty value by an `omission`; rows left without either are skipped. Add `source.section`, `page` or `quote` to say where each figure stands in the report."],
        "facts": facts,
    })
}
