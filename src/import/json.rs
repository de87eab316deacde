//! Read an xBRL-JSON report (OIM 1.0) into the raw fact form.

use super::{Raw, RawFact, RawUnit};
use crate::diag::{Diagnostic, Location};
use crate::report::{Period, Provenance, QName};
use chrono::{NaiveDate, NaiveDateTime};
use serde_json::Value;

pub const DOCUMENT_TYPE: &str = "https://xbrl.org/2021/xbrl-json";

pub fn read(file: &str, doc: &Value) -> Result<Raw, Vec<Diagnostic>> {
    let at = |p: &str, msg: String| Diagnostic::error("E0003", Location::pointer(file, p), msg);
    let info =
        doc.get("documentInfo").ok_or_else(|| vec![at("", "no documentInfo: not an xBRL-JSON report".into())])?;
    let dt = info.get("documentType").and_then(Value::as_str).unwrap_or("");
    if dt != DOCUMENT_TYPE {
        return Err(vec![at("/documentInfo/documentType", format!("document type {dt:?} is not {DOCUMENT_TYPE}"))]);
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
        let mut rf = RawFact { id: Some(id.clone()), concept, pointer: Some(ptr.clone()), ..Default::default() };
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
        if let Some(src) = f.get("esgxp:source")
            && let Ok(p) = serde_json::from_value::<Provenance>(src.clone())
        {
            rf.provenance = Some(p);
        }
        raw.facts.push(rf);
    }
    if errs.is_empty() { Ok(raw) } else { Err(errs) }
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
