//! Read an xBRL-JSON report (OIM 1.0) into the raw fact form.

use super::{Raw, RawFact, RawUnit};
use crate::diag::Code;
use crate::diag::{Diagnostic, Location};
use crate::emit::xbrl_json::PROVENANCE_PROPERTY;
use crate::ns::XBRL_JSON_DOCUMENT_TYPE;
use crate::ns::{FACT_FOOTNOTE, OIM as OIM_NS};
use crate::report::{Period, Provenance, QName};
use chrono::{NaiveDate, NaiveDateTime};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Read an xBRL-JSON report (parsed JSON) into raw facts; `file` is how findings name it.
pub fn read(file: &str, doc: &Value) -> Result<Raw, Vec<Diagnostic>> {
    let at = |p: &str, msg: String| Diagnostic::error(Code::E0003, Location::pointer(file, p), msg);
    let info =
        doc.get("documentInfo").ok_or_else(|| vec![at("", "no documentInfo: not an xBRL-JSON report".into())])?;
    let dt = info.get("documentType").and_then(Value::as_str).unwrap_or("");
    if dt != XBRL_JSON_DOCUMENT_TYPE {
        return Err(vec![at(
            "/documentInfo/documentType",
            format!("document type {dt:?} is not {XBRL_JSON_DOCUMENT_TYPE}"),
        )]);
    }
    let mut raw = Raw::default();
    if let Some(ns) = info.get("namespaces").and_then(Value::as_object) {
        for (p, u) in ns {
            if let Some(u) = u.as_str() {
                raw.namespaces.insert(p.clone(), u.to_string());
            }
        }
    }
    raw.schema_refs = info
        .get("taxonomy")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
        .unwrap_or_default();
    let facts =
        doc.get("facts").and_then(Value::as_object).ok_or_else(|| vec![at("/facts", "no facts object".into())])?;
    let mut errs = Vec::new();
    let qname = |raw: &Raw, s: &str| -> Option<QName> {
        let (p, l) = s.split_once(':')?;
        Some(QName::new(p, raw.namespaces.get(p)?, l))
    };
    // The link types that mean fact-footnote (the reserved alias is `footnote`).
    let footnote_types: Vec<&str> = info
        .get("linkTypes")
        .and_then(Value::as_object)
        .map(|m| m.iter().filter(|(_, u)| u.as_str() == Some(FACT_FOOTNOTE)).map(|(k, _)| k.as_str()).collect())
        .unwrap_or_default();
    // Footnotes (facts of xbrl:note) by id, and the footnotes each fact links to.
    let mut notes: HashMap<&str, String> = HashMap::new();
    let mut linked: Vec<Vec<(String, String)>> = Vec::new(); // per raw fact: (note id, pointer)
    for (id, f) in facts {
        let ptr = format!("/facts/{}", id.replace('~', "~0").replace('/', "~1"));
        let err = |field: &str, msg: String| at(&format!("{ptr}{field}"), msg);
        let Some(dims) = f.get("dimensions").and_then(Value::as_object) else {
            errs.push(err("", "fact has no dimensions".into()));
            continue;
        };
        let Some(concept) = dims.get("concept").and_then(Value::as_str).and_then(|c| qname(&raw, c)) else {
            errs.push(err("/dimensions/concept", "missing or unresolvable concept".into()));
            continue;
        };
        if &*concept.namespace == OIM_NS && &*concept.local == "note" {
            match f.get("value").and_then(Value::as_str) {
                Some(v) => {
                    notes.insert(id.as_str(), xhtml_text(v));
                }
                None => errs.push(err("/value", "a footnote (xbrl:note) needs a text value".into())),
            }
            continue;
        }
        let mut targets = Vec::new();
        if let Some(links) = f.get("links").and_then(Value::as_object) {
            for (ty, groups) in links.iter().filter(|(ty, _)| footnote_types.contains(&ty.as_str())) {
                for (group, ids) in groups.as_object().into_iter().flatten() {
                    for (i, t) in ids.as_array().into_iter().flatten().enumerate() {
                        match t.as_str() {
                            Some(t) => targets.push((t.to_string(), format!("{ptr}/links/{ty}/{group}/{i}"))),
                            None => {
                                errs.push(err(&format!("/links/{ty}/{group}/{i}"), "a link target is a fact id".into()))
                            }
                        }
                    }
                }
            }
        }
        let mut rf =
            RawFact { id: Some(id.clone()), concept, pointer: Some(ptr.clone()), oim: true, ..Default::default() };
        if let Some(obj) = f.as_object() {
            for k in obj
                .keys()
                .filter(|k| !k.contains(':') && !matches!(k.as_str(), "value" | "decimals" | "dimensions" | "links"))
            {
                errs.push(err(
                    &format!("/{k}"),
                    format!("unknown fact property {k:?} (extension properties need a prefix)"),
                ));
            }
        }
        if let Some(e) = dims.get("entity").and_then(Value::as_str) {
            match e.split_once(':').and_then(|(p, v)| Some((raw.namespaces.get(p)?.clone(), v.to_string()))) {
                Some(x) => rf.entity = Some(x),
                None => errs.push(err("/dimensions/entity", format!("entity {e:?} has an undeclared prefix"))),
            }
        }
        match dims.get("period").and_then(Value::as_str).map(parse_period) {
            Some(Some(p)) => rf.period = Some(p),
            _ => errs.push(err("/dimensions/period", "missing or unreadable period".into())),
        }
        if let Some(u) = dims.get("unit").and_then(Value::as_str) {
            match parse_unit(&raw, u) {
                Some(ru) => {
                    rf.unit = Some(u.to_string());
                    rf.unit_def = Some(ru);
                }
                None => errs.push(err("/dimensions/unit", format!("unit {u:?} cannot be read"))),
            }
        }
        for (k, v) in dims {
            if matches!(k.as_str(), "concept" | "entity" | "period" | "unit" | "language" | "noteId") {
                continue;
            }
            match (qname(&raw, k), v.as_str().and_then(|m| qname(&raw, m))) {
                (Some(a), Some(m)) => rf.dims.push((a, m)),
                _ => errs.push(err(
                    &format!("/dimensions/{k}"),
                    "dimension or member cannot be resolved (esgx reads explicit members only)".into(),
                )),
            }
        }
        match f.get("value") {
            Some(Value::Null) | None => rf.nil = true,
            // OIM values are XML Schema lexical forms: no character XML cannot carry.
            Some(Value::String(s)) if let Some((_, c)) = crate::xml::first_illegal_char(s) => errs.push(err(
                "/value",
                format!("the value holds the control character U+{:04X}, which XBRL does not allow", c as u32),
            )),
            Some(Value::String(s)) => rf.value = s.clone(),
            Some(other) => errs.push(err("/value", format!("value {other} is not a string"))),
        }
        rf.numeric_hint = rf.unit.is_some();
        match f.get("decimals") {
            None => {}
            Some(Value::Number(n)) if n.as_i64().is_some() => rf.decimals = Some(n.to_string()),
            Some(other) => errs.push(err("/decimals", format!("decimals {other} is not an integer"))),
        }
        // Earlier esgx versions wrote the source as an extension property of each fact.
        if let Some(src) = f.get("esgxp:source")
            && let Ok(p) = serde_json::from_value::<Provenance>(src.clone())
        {
            rf.provenance = Some(p);
        }
        raw.facts.push(rf);
        linked.push(targets);
    }
    // Provenance: esgx's structured index where the report has one, otherwise the text of the
    // footnotes a fact links to.
    let index = doc.get(PROVENANCE_PROPERTY);
    let part = |key: &str, id: &str| index.and_then(|i| i.get(key)).and_then(|m| m.get(id)).and_then(Value::as_object);
    for (rf, targets) in raw.facts.iter_mut().zip(linked) {
        let id = rf.id.clone().unwrap_or_default();
        let mut texts = Vec::new();
        let mut fields: Option<Map<String, Value>> = part("facts", &id).cloned();
        for (t, ptr) in &targets {
            match notes.get(t.as_str()) {
                Some(text) => texts.push(text.as_str()),
                None => errs
                    .push(at(ptr, format!("footnote link to {t:?}, which is no footnote (xbrl:note) of the report"))),
            }
            if let Some(loc) = part("sources", t) {
                fields.get_or_insert_with(Map::new).extend(loc.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
        match fields.map(|m| serde_json::from_value::<Provenance>(Value::Object(m))) {
            Some(Ok(p)) => rf.provenance = Some(p),
            Some(Err(e)) => {
                errs.push(at(&format!("/{PROVENANCE_PROPERTY}/facts/{id}"), format!("unreadable provenance: {e}")))
            }
            None if rf.provenance.is_none() && !texts.is_empty() => {
                raw.footnotes.insert(id, texts.join(" "));
            }
            None => {}
        }
    }
    if errs.is_empty() { Ok(raw) } else { Err(errs) }
}

/// The text of a footnote's XHTML fragment: markup left out, XML's predefined entities and
/// character references resolved.
fn xhtml_text(fragment: &str) -> String {
    if !fragment.contains(['<', '&']) {
        return fragment.to_string();
    }
    let mut out = String::with_capacity(fragment.len());
    let mut rest = fragment;
    while let Some(i) = rest.find(['<', '&']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('<') {
            rest = rest.find('>').map_or("", |j| &rest[j + 1..]);
            continue;
        }
        let end = rest.find(';').filter(|j| *j <= 10);
        let entity = end.map(|j| &rest[1..j]);
        let c = match entity {
            Some("amp") => Some('&'),
            Some("lt") => Some('<'),
            Some("gt") => Some('>'),
            Some("quot") => Some('"'),
            Some("apos") => Some('\''),
            Some(e) if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16).ok().and_then(char::from_u32),
            Some(e) if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match (c, end) {
            (Some(c), Some(j)) => {
                out.push(c);
                rest = &rest[j + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// OIM periods are end-exclusive date-times (`2024-01-01T00:00:00` ends 2023); XBRL and esgx
/// periods are inclusive dates. A date without a time means that whole day.
pub fn parse_period(s: &str) -> Option<Period> {
    // (the day, whether it was written as a midnight date-time)
    let point = |t: &str| -> Option<(NaiveDate, bool)> {
        let t = t.trim();
        if let Ok(dt) = NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S") {
            return (dt.time() == chrono::NaiveTime::MIN).then_some((dt.date(), true));
        }
        NaiveDate::parse_from_str(t, "%Y-%m-%d").ok().map(|d| (d, false))
    };
    let end_of = |(d, midnight): (NaiveDate, bool)| if midnight { d.pred_opt() } else { Some(d) };
    match s.split_once('/') {
        Some((a, b)) => Some(Period::Duration { start: point(a)?.0, end: end_of(point(b)?)? }),
        None => end_of(point(s)?).map(Period::Instant),
    }
}

/// `utr:t`, `utr:t/esgx:Employee`, `(a*b)/(c*d)`.
pub fn parse_unit(raw: &Raw, s: &str) -> Option<RawUnit> {
    let side = |t: &str| -> Option<Vec<QName>> {
        let t = t.trim().trim_start_matches('(').trim_end_matches(')');
        t.split('*')
            .map(|m| {
                let (p, l) = m.trim().split_once(':')?;
                Some(QName::new(p, raw.namespaces.get(p)?, l))
            })
            .collect()
    };
    match s.split_once('/') {
        Some((n, d)) => Some(RawUnit { numerator: side(n)?, denominator: side(d)? }),
        None => Some(RawUnit { numerator: side(s)?, denominator: Vec::new() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn footnote_text() {
        assert_eq!(xhtml_text("Scope 1 &amp; 2 &lt;est.&gt;"), "Scope 1 & 2 <est.>");
        assert_eq!(xhtml_text("<p>A <b>bold</b> note&#x21;</p>"), "A bold note!");
        assert_eq!(xhtml_text("plain & simple"), "plain & simple");
    }

    #[test]
    fn periods() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(parse_period("2024-01-01T00:00:00"), Some(Period::Instant(d("2023-12-31"))));
        assert_eq!(
            parse_period("2023-01-01T00:00:00/2024-01-01T00:00:00"),
            Some(Period::Duration { start: d("2023-01-01"), end: d("2023-12-31") })
        );
        assert_eq!(parse_period("2023-12-31"), Some(Period::Instant(d("2023-12-31"))));
        assert_eq!(parse_period("2023"), None);
    }
}
