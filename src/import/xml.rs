//! Read an XBRL 2.1 instance (XML) into the fact model. Streaming with quick-xml; a DOCTYPE is
//! refused and no entity beyond XML's five is ever expanded; nothing is fetched.

use super::{Raw, RawFact, RawUnit};
use crate::diag::{Diagnostic, Location};
use crate::report::{Period, QName};
use chrono::NaiveDate;
use quick_xml::Reader;
use quick_xml::events::Event;
use std::collections::HashMap;

const XBRLI: &str = "http://www.xbrl.org/2003/instance";
const LINK: &str = "http://www.xbrl.org/2003/linkbase";
const XLINK: &str = "http://www.w3.org/1999/xlink";
const XBRLDI: &str = "http://xbrl.org/2006/xbrldi";
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// Past this many errors a filing is not worth reading further.
const MAX_ERRORS: usize = 200;

struct Ns {
    scope: crate::xml::NsScope,
}

impl Ns {
    fn resolve(&self, prefix: &str) -> Option<&str> {
        self.scope.resolve(prefix)
    }
    fn qname(&self, text: &str) -> Option<QName> {
        let (p, l) = text.trim().split_once(':').unwrap_or(("", text.trim()));
        Some(QName::new(p, self.resolve(p)?, l))
    }
}

#[derive(Default)]
struct Context {
    scheme: String,
    identifier: String,
    period: Option<Period>,
    dims: Vec<(QName, QName)>,
    typed: bool,
}

/// What the parser is inside of.
enum In {
    Nothing,
    Context(String, Context),
    Unit(String, Vec<QName>, Vec<QName>, bool),
    Fact(RawFact),
    Footnotes,
}

pub fn read(file: &str, text: &str) -> Result<Raw, Vec<Diagnostic>> {
    super::check_xml_chars(file, text).map_err(|d| vec![d])?;
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(false);
    let mut ns = Ns { scope: crate::xml::NsScope::default() };
    let mut acc = Acc::default();
    let mut text_buf = String::new();
    let (mut seen_root, mut root_closed) = (false, false);
    let mut line_at = crate::input::LineCounter::new(text);
    let mut footnote_locs: HashMap<String, String> = HashMap::new(); // loc label -> fact id
    let mut footnote_arcs: Vec<(String, String)> = Vec::new();
    let err_at = |line: u64, code: &'static str, msg: String| Diagnostic::error(code, Location::line(file, line), msg);
    loop {
        let pos = reader.buffer_position();
        let ev = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                acc.errs.push(err_at(line_at.line(pos), "E0003", format!("malformed XML: {e}")));
                return Err(acc.errs);
            }
        };
        let line = line_at.line(pos);
        match ev {
            Event::DocType(_) => {
                return Err(vec![
                    err_at(
                        line,
                        "E0007",
                        "the instance has a DOCTYPE; esgx refuses DTDs and entity declarations".into(),
                    )
                    .with_hint("XBRL instances need no DTD; remove the <!DOCTYPE ...> declaration"),
                ]);
            }
            Event::GeneralRef(r) => match super::entity_char(&r) {
                Ok(c) => text_buf.push(c),
                Err((code, msg)) => return Err(vec![err_at(line, code, msg)]),
            },
            Event::Text(t) => {
                let t = t.xml10_content();
                if acc.path.is_empty() && !t.trim().is_empty() {
                    return Err(vec![err_at(line, "E0003", "text outside the root element".into())]);
                }
                text_buf.push_str(&t);
            }
            Event::CData(t) => text_buf.push_str(&t.xml10_content()),
            ev @ (Event::Start(_) | Event::Empty(_)) => {
                let empty = matches!(ev, Event::Empty(_));
                let (Event::Start(e) | Event::Empty(e)) = ev else { unreachable!("matched above") };
                let mut decls = Vec::new();
                let mut attrs: Vec<(String, String)> = Vec::new();
                for a in e.attributes() {
                    let a = match a {
                        Ok(a) => a,
                        Err(er) => {
                            acc.errs.push(err_at(line, "E0003", format!("malformed attribute: {er}")));
                            continue;
                        }
                    };
                    let key = a.key.as_ref().to_string();
                    let val = match a.normalized_value(quick_xml::XmlVersion::Implicit1_0) {
                        Ok(v) if let Err(msg) = super::check_attr_chars(&key, &v) => {
                            return Err(vec![err_at(line, "E0003", msg)]);
                        }
                        Ok(v) => v.to_string(),
                        Err(er) => {
                            acc.errs.push(err_at(line, "E0007", format!("attribute {key}: {er}")));
                            continue;
                        }
                    };
                    if key == "xmlns" {
                        decls.push((String::new(), val));
                    } else if let Some(p) = key.strip_prefix("xmlns:") {
                        decls.push((p.to_string(), val));
                    } else {
                        attrs.push((key, val));
                    }
                }
                ns.scope.push(decls);
                let name = e.name().as_ref().to_string();
                if acc.path.is_empty() && root_closed {
                    return Err(vec![err_at(
                        line,
                        "E0003",
                        format!("element {name} after the root element has ended"),
                    )]);
                }
                let root_ok = !acc.path.is_empty()
                    || ns.qname(&name).is_some_and(|q| &*q.namespace == XBRLI && &*q.local == "xbrl");
                if !root_ok {
                    return Err(vec![err_at(
                        line,
                        "E0004",
                        format!("the root element is {name}, not xbrli:xbrl: not an XBRL instance"),
                    )]);
                }
                if acc.errs.len() >= MAX_ERRORS {
                    break;
                }
                let Some(q) = ns.qname(&name) else {
                    acc.errs.push(err_at(line, "E0003", format!("element {name} uses an undeclared prefix")));
                    ns.scope.pop();
                    continue;
                };
                let attr = |n: &str| attrs.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
                let attr_ns = |nsuri: &str, local: &str| {
                    attrs
                        .iter()
                        .find(|(k, _)| {
                            k.split_once(':').is_some_and(|(p, l)| l == local && ns.resolve(p) == Some(nsuri))
                        })
                        .map(|(_, v)| v.clone())
                };
                text_buf.clear();
                let depth = acc.path.len();
                let (nsu, local) = (q.namespace.to_string(), q.local.to_string());
                match (&mut acc.state, nsu.as_str(), local.as_str()) {
                    (In::Nothing, XBRLI, "xbrl") if depth == 0 => {
                        acc.raw.namespaces = ns
                            .scope
                            .bindings()
                            .filter(|(p, _)| *p != "xml")
                            .map(|(p, n)| (p.to_string(), n.to_string()))
                            .collect();
                    }
                    (In::Nothing, _, _) if depth == 0 => {
                        return Err(vec![err_at(
                            line,
                            "E0004",
                            format!("the root element is {name}, not xbrli:xbrl: not an XBRL instance"),
                        )]);
                    }
                    (In::Nothing, LINK, "schemaRef") => {
                        if let Some(h) = attr_ns(XLINK, "href") {
                            acc.raw.schema_refs.push(h);
                        }
                    }
                    (In::Nothing, XBRLI, "context") => {
                        acc.state = In::Context(attr("id").unwrap_or_default(), Context::default())
                    }
                    (In::Nothing, XBRLI, "unit") => {
                        acc.state = In::Unit(attr("id").unwrap_or_default(), Vec::new(), Vec::new(), false)
                    }
                    (In::Nothing, LINK, "footnoteLink") => acc.state = In::Footnotes,
                    (In::Nothing, LINK, _) | (In::Nothing, XBRLI, _) => {}
                    (In::Nothing, _, _) if depth == 1 => {
                        let Some(ctx) = attr("contextRef") else {
                            acc.errs.push(err_at(
                                line,
                                "E0003",
                                format!("{name} has no contextRef (tuples are not supported)"),
                            ));
                            if !empty {
                                acc.state = In::Fact(RawFact::default());
                            }
                            acc.path.push((nsu, local));
                            if empty {
                                acc.path.pop();
                                ns.scope.pop();
                            }
                            continue;
                        };
                        let f = RawFact {
                            id: attr("id"),
                            concept: q.clone(),
                            context: ctx,
                            unit: attr("unitRef"),
                            decimals: attr("decimals"),
                            precision: attr("precision"),
                            nil: attr_ns(XSI, "nil").is_some_and(|v| v.trim() == "true" || v.trim() == "1"),
                            value: String::new(),
                            line,
                            ..Default::default()
                        };
                        if empty {
                            acc.raw.facts.push(f);
                        } else {
                            acc.state = In::Fact(f);
                        }
                    }
                    (In::Context(_, c), XBRLI, "identifier") => c.scheme = attr("scheme").unwrap_or_default(),
                    (In::Context(_, c), XBRLDI, "typedMember") => c.typed = true,
                    (In::Context(_, c), XBRLI, "forever") => c.period = None,
                    (In::Unit(_, _, _, div), XBRLI, "unitDenominator") => *div = true,
                    (In::Footnotes, LINK, "loc") => {
                        if let (Some(label), Some(href)) = (attr_ns(XLINK, "label"), attr_ns(XLINK, "href")) {
                            footnote_locs.insert(label, href.trim_start_matches('#').to_string());
                        }
                    }
                    (In::Footnotes, LINK, "footnote") => acc.footnote_label = attr_ns(XLINK, "label"),
                    (In::Footnotes, LINK, "footnoteArc") => {
                        if let (Some(from), Some(to)) = (attr_ns(XLINK, "from"), attr_ns(XLINK, "to")) {
                            footnote_arcs.push((from, to));
                        }
                    }
                    (In::Context(_, c), XBRLDI, "explicitMember") => {
                        // The member is in the text; remember the dimension until the end tag.
                        if let Some(d) = attr("dimension").and_then(|d| ns.qname(&d)) {
                            c.dims.push((d, QName::new("", "", "")));
                        } else {
                            acc.errs.push(err_at(
                                line,
                                "E0003",
                                "explicitMember without a resolvable dimension".into(),
                            ));
                        }
                    }
                    _ => {}
                }
                acc.path.push((nsu, local));
                if empty {
                    acc.end_element(&ns, &text_buf, file, line);
                    ns.scope.pop();
                }
            }
            Event::End(_) => {
                acc.end_element(&ns, &text_buf, file, line);
                ns.scope.pop();
                text_buf.clear();
            }
            Event::Eof => {
                if let Some((_, local)) = acc.path.last() {
                    acc.errs.push(err_at(
                        line,
                        "E0003",
                        format!("the file ends inside <{local}>: it is truncated or not well-formed"),
                    ));
                    return Err(acc.errs);
                }
                if !root_closed {
                    return Err(vec![err_at(line, "E0003", "the file has no root element".into())]);
                }
                break;
            }
            _ => {}
        }
        if seen_root && acc.path.is_empty() {
            root_closed = true;
        }
        seen_root |= !acc.path.is_empty();
    }
    if acc.raw.schema_refs.is_empty() {
        acc.errs.push(Diagnostic::error(
            "E0003",
            Location::file(file),
            "the instance has no link:schemaRef".to_string(),
        ));
    }
    // Footnotes become each fact's provenance note.
    for (from, to) in footnote_arcs {
        if let (Some(fact), Some(text)) = (footnote_locs.get(&from), acc.footnotes.get(&to)) {
            // A fact with several footnotes keeps them all, in the order linked.
            let note = acc.raw.footnotes.entry(fact.clone()).or_default();
            if !note.is_empty() {
                note.push(' ');
            }
            note.push_str(text);
        }
    }
    // Resolve acc.contexts and acc.units.
    let mut facts = std::mem::take(&mut acc.raw.facts);
    for f in &mut facts {
        match acc.contexts.get(&f.context) {
            None => acc.errs.push(err_at(
                f.line,
                "E0222",
                format!("fact {} refers to undefined context {:?}", f.concept, f.context),
            )),
            Some(c) if c.typed => acc.errs.push(err_at(
                f.line,
                "E0219",
                format!("fact {} uses a typed dimension; esgx taxonomies use explicit members only", f.concept),
            )),
            Some(c) => {
                f.entity = Some((c.scheme.clone(), c.identifier.clone()));
                f.period = c.period.clone();
                f.dims = c.dims.clone();
                if f.period.is_none() {
                    acc.errs.push(err_at(
                        f.line,
                        "E0212",
                        format!("fact {} has a forever or missing period", f.concept),
                    ));
                }
            }
        }
        if let Some(u) = &f.unit {
            match acc.units.get(u) {
                Some(ru) => f.unit_def = Some(ru.clone()),
                None => {
                    acc.errs.push(err_at(f.line, "E0222", format!("fact {} refers to undefined unit {u:?}", f.concept)))
                }
            }
        }
    }
    acc.raw.facts = facts;
    if acc.errs.is_empty() { Ok(acc.raw) } else { Err(acc.errs) }
}

/// What the reader has gathered so far, and where it is.
struct Acc {
    state: In,
    /// (namespace, local name) of the open elements.
    path: Vec<(String, String)>,
    raw: Raw,
    contexts: HashMap<String, Context>,
    units: HashMap<String, RawUnit>,
    /// Footnote resource label -> text.
    footnotes: HashMap<String, String>,
    footnote_label: Option<String>,
    errs: Vec<Diagnostic>,
}

impl Default for Acc {
    fn default() -> Self {
        Acc {
            state: In::Nothing,
            path: Vec::new(),
            raw: Raw::default(),
            contexts: HashMap::new(),
            units: HashMap::new(),
            footnotes: HashMap::new(),
            footnote_label: None,
            errs: Vec::new(),
        }
    }
}

impl Acc {
    fn end_element(&mut self, ns: &Ns, text: &str, file: &str, line: u64) {
        let Acc { state, path, raw, contexts, units, footnotes, footnote_label, errs } = self;
        let Some((nsu, local)) = path.pop() else {
            return;
        };
        let date = |t: &str, errs: &mut Vec<Diagnostic>| match NaiveDate::parse_from_str(
            t.trim().get(..10).unwrap_or(t.trim()),
            "%Y-%m-%d",
        ) {
            Ok(d) if t.trim().len() == 10 => Some(d),
            _ => {
                errs.push(Diagnostic::error(
                    "E0003",
                    Location::line(file, line),
                    format!("{:?} is not a date (esgx reads date-only periods)", t.trim()),
                ));
                None
            }
        };
        match (std::mem::replace(state, In::Nothing), nsu.as_str(), local.as_str()) {
            (In::Context(id, c), XBRLI, "context") => {
                if contexts.contains_key(&id) {
                    errs.push(Diagnostic::error(
                        "E0222",
                        Location::line(file, line),
                        format!("context id {id:?} is defined twice"),
                    ));
                }
                contexts.insert(id, c);
            }
            (In::Context(id, mut c), XBRLI, "identifier") => {
                c.identifier = text.trim().to_string();
                *state = In::Context(id, c);
            }
            (In::Context(id, mut c), XBRLI, "instant") => {
                c.period = date(text, errs).map(Period::Instant);
                *state = In::Context(id, c);
            }
            (In::Context(id, mut c), XBRLI, "startDate") => {
                if let Some(d) = date(text, errs) {
                    c.period = Some(Period::Duration { start: d, end: d });
                }
                *state = In::Context(id, c);
            }
            (In::Context(id, mut c), XBRLI, "endDate") => {
                if let (Some(d), Some(Period::Duration { start, .. })) = (date(text, errs), c.period.clone()) {
                    c.period = Some(Period::Duration { start, end: d });
                }
                *state = In::Context(id, c);
            }
            (In::Context(id, mut c), XBRLDI, "explicitMember") => {
                match (ns.qname(text), c.dims.last_mut()) {
                    (Some(m), Some(last)) => last.1 = m,
                    _ => errs.push(Diagnostic::error(
                        "E0003",
                        Location::line(file, line),
                        format!("explicit member {:?} cannot be resolved", text.trim()),
                    )),
                }
                *state = In::Context(id, c);
            }
            (In::Unit(id, num, den, _), XBRLI, "unit") => {
                if units.contains_key(&id) {
                    errs.push(Diagnostic::error(
                        "E0222",
                        Location::line(file, line),
                        format!("unit id {id:?} is defined twice"),
                    ));
                }
                units.insert(id, RawUnit { numerator: num, denominator: den });
            }
            (In::Unit(id, mut num, mut den, div), XBRLI, "measure") => {
                match ns.qname(text) {
                    Some(m) if div => den.push(m),
                    Some(m) => num.push(m),
                    None => errs.push(Diagnostic::error(
                        "E0003",
                        Location::line(file, line),
                        format!("measure {:?} cannot be resolved", text.trim()),
                    )),
                }
                *state = In::Unit(id, num, den, div);
            }
            (In::Fact(mut f), _, _) if path.len() == 1 => {
                f.value = text.to_string();
                raw.facts.push(f);
            }
            (In::Footnotes, LINK, "footnoteLink") => {}
            (In::Footnotes, LINK, "footnote") => {
                if let Some(l) = footnote_label.take() {
                    footnotes.insert(l, text.trim().to_string());
                }
                *state = In::Footnotes;
            }
            (s, _, _) => *state = s,
        }
    }
}
