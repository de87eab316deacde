//! Read an XBRL 2.1 instance (XML) into the fact model. Streaming with quick-xml's namespace-aware
//! reader; a DOCTYPE is refused and no entity beyond XML's five is ever expanded; nothing is
//! fetched.

use super::{Raw, RawFact, RawUnit};
use crate::diag::{Code, Diagnostic, Location};
use crate::ns::{LINK, XBRLDI, XBRLI, XLINK, XSI};
use crate::report::{Period, QName};
use chrono::NaiveDate;
use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{NamespaceResolver, ResolveResult};
use std::collections::HashMap;

/// Past this many errors a filing is not worth reading further.
const MAX_ERRORS: usize = 200;

/// A prefixed name in text or an attribute value (`esgx:GenderAxis`), resolved in scope; a name
/// without a prefix is in the default namespace.
fn qname_in_scope(resolver: &NamespaceResolver, text: &str) -> Option<QName> {
    let (local, prefix) = quick_xml::name::QName(text.trim()).decompose();
    let p = prefix.map(|p| p.into_inner()).unwrap_or("");
    match resolver.resolve_prefix(prefix, true) {
        ResolveResult::Bound(ns) => Some(QName::new(p, ns.into_inner(), local.into_inner())),
        _ => None,
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
    Fact(Box<RawFact>),
    Footnotes,
}

/// An element's attributes other than namespace declarations: (namespace or "", local, value).
struct Attrs(Vec<(String, String, String)>);

impl Attrs {
    /// An attribute without a prefix.
    fn get(&self, local: &str) -> Option<String> {
        self.0.iter().find(|(ns, l, _)| ns.is_empty() && l == local).map(|(_, _, v)| v.clone())
    }
    /// An attribute in a namespace.
    fn get_ns(&self, ns: &str, local: &str) -> Option<String> {
        self.0.iter().find(|(n, l, _)| n == ns && l == local).map(|(_, _, v)| v.clone())
    }
}

/// What stops the reading early: the filing is unreadable from here on.
type Stop = Vec<Diagnostic>;

/// Read an XBRL 2.1 instance's text into raw facts; `file` is how findings name it.
pub fn read(file: &str, text: &str) -> Result<Raw, Vec<Diagnostic>> {
    super::check_xml_chars(file, text).map_err(|d| vec![d])?;
    let mut p = Parser {
        file,
        text,
        line_at: crate::input::LineCounter::new(text),
        text_buf: String::new(),
        open: Vec::new(),
        seen_root: false,
        root_closed: false,
        footnote_locs: HashMap::new(),
        footnote_arcs: Vec::new(),
        acc: Acc::default(),
    };
    let mut reader = NsReader::from_str(text);
    reader.resolver_mut().set_max_namespace_bindings(super::MAX_NAMESPACE_BINDINGS);
    reader.config_mut().trim_text(false);
    loop {
        let pos = reader.buffer_position();
        let ev = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                let line = p.line_at.line(pos);
                p.acc.errs.push(p.err(line, Code::E0003, format!("malformed XML: {e}")));
                return Err(p.acc.errs);
            }
        };
        let line = p.line_at.line(pos);
        if !p.event(reader.resolver(), ev, pos, line)? {
            break;
        }
    }
    p.finish()
}

/// The reader's state between events.
struct Parser<'a> {
    file: &'a str,
    text: &'a str,
    line_at: crate::input::LineCounter<'a>,
    /// The text of the element being read.
    text_buf: String,
    /// Where each open element starts in the text.
    open: Vec<u64>,
    seen_root: bool,
    root_closed: bool,
    /// Footnote locator label -> fact id, and the arcs (locator label, footnote label).
    footnote_locs: HashMap<String, String>,
    footnote_arcs: Vec<(String, String)>,
    acc: Acc,
}

impl Parser<'_> {
    fn err(&self, line: u64, code: Code, msg: String) -> Diagnostic {
        Diagnostic::error(code, Location::line(self.file, line), msg)
    }

    /// Handle one event; false when reading should stop (the end, or too many errors).
    fn event(&mut self, ns: &NamespaceResolver, ev: Event<'_>, pos: u64, line: u64) -> Result<bool, Stop> {
        match ev {
            Event::DocType(_) => {
                return Err(vec![
                    self.err(
                        line,
                        Code::E0007,
                        "the instance has a DOCTYPE; esgx refuses DTDs and entity declarations".into(),
                    )
                    .with_hint("XBRL instances need no DTD; remove the <!DOCTYPE ...> declaration"),
                ]);
            }
            Event::GeneralRef(r) => match super::entity_char(&r) {
                Ok(c) => self.text_buf.push(c),
                Err((code, msg)) => return Err(vec![self.err(line, code, msg)]),
            },
            Event::Text(t) => {
                let t = t.xml10_content();
                if self.open.is_empty() && !t.trim().is_empty() {
                    return Err(vec![self.err(line, Code::E0003, "text outside the root element".into())]);
                }
                self.text_buf.push_str(&t);
            }
            Event::CData(t) => self.text_buf.push_str(&t.xml10_content()),
            Event::Start(e) if !self.start(ns, &e, pos, line, false)? => return Ok(false),
            Event::Start(_) => {}
            Event::Empty(e) => {
                if !self.start(ns, &e, pos, line, true)? {
                    return Ok(false);
                }
                self.end(ns, &e, line);
            }
            Event::End(e) => {
                let (res, local) = ns.resolve_element(e.name());
                let nsu = match res {
                    ResolveResult::Bound(n) => n.into_inner(),
                    _ => "",
                };
                let local = local.into_inner().to_string();
                self.acc.end_element(ns, (nsu, &local), self.open.len(), &self.text_buf, (self.file, line));
                self.open.pop();
                self.text_buf.clear();
            }
            Event::Eof => {
                if let Some(&at) = self.open.last() {
                    let name: String = self.text[at as usize + 1..]
                        .chars()
                        .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
                        .collect();
                    let local = name.rsplit(':').next().unwrap_or(&name).to_string();
                    self.acc.errs.push(self.err(
                        line,
                        Code::E0003,
                        format!("the file ends inside <{local}>: it is truncated or not well-formed"),
                    ));
                    return Err(std::mem::take(&mut self.acc.errs));
                }
                if !self.root_closed {
                    return Err(vec![self.err(line, Code::E0003, "the file has no root element".into())]);
                }
                return Ok(false);
            }
            _ => {}
        }
        if self.seen_root && self.open.is_empty() {
            self.root_closed = true;
        }
        self.seen_root |= !self.open.is_empty();
        Ok(true)
    }

    /// The attributes of a start tag, namespace declarations left out (the reader keeps them).
    fn attributes(&mut self, ns: &NamespaceResolver, e: &BytesStart<'_>, line: u64) -> Result<Attrs, Stop> {
        let mut attrs = Vec::new();
        for a in e.attributes() {
            let a = match a {
                Ok(a) => a,
                Err(er) => {
                    self.acc.errs.push(self.err(line, Code::E0003, format!("malformed attribute: {er}")));
                    continue;
                }
            };
            let key = a.key.as_ref().to_string();
            let val = match a.normalized_value(quick_xml::XmlVersion::Implicit1_0) {
                Ok(v) if let Err(msg) = super::check_attr_chars(&key, &v) => {
                    return Err(vec![self.err(line, Code::E0003, msg)]);
                }
                Ok(v) => v.to_string(),
                Err(er) => {
                    self.acc.errs.push(self.err(line, Code::E0007, format!("attribute {key}: {er}")));
                    continue;
                }
            };
            if key == "xmlns" || key.starts_with("xmlns:") {
                continue;
            }
            let (res, local) = ns.resolve_attribute(a.key);
            let nsu = match res {
                ResolveResult::Bound(n) => n.into_inner().to_string(),
                _ => String::new(),
            };
            attrs.push((nsu, local.into_inner().to_string(), val));
        }
        Ok(Attrs(attrs))
    }

    /// A start tag (or an empty element); false when reading should stop.
    fn start(
        &mut self,
        ns: &NamespaceResolver,
        e: &BytesStart<'_>,
        pos: u64,
        line: u64,
        empty: bool,
    ) -> Result<bool, Stop> {
        let attrs = self.attributes(ns, e, line)?;
        let name = e.name().as_ref().to_string();
        let depth = self.open.len();
        if depth == 0 && self.root_closed {
            return Err(vec![self.err(line, Code::E0003, format!("element {name} after the root element has ended"))]);
        }
        let q = match ns.resolve_element(e.name()) {
            (ResolveResult::Bound(n), local) => Some((n.into_inner().to_string(), local.into_inner().to_string())),
            (ResolveResult::Unbound, local) => Some((String::new(), local.into_inner().to_string())),
            (ResolveResult::Unknown(_), _) => None,
        };
        if depth == 0 && !q.as_ref().is_some_and(|(n, l)| n == XBRLI && l == "xbrl") {
            return Err(vec![self.err(
                line,
                Code::E0004,
                format!("the root element is {name}, not xbrli:xbrl: not an XBRL instance"),
            )]);
        }
        if self.acc.errs.len() >= MAX_ERRORS {
            return Ok(false);
        }
        self.text_buf.clear();
        self.open.push(pos);
        let Some((nsu, local)) = q else {
            self.acc.errs.push(self.err(line, Code::E0003, format!("element {name} uses an undeclared prefix")));
            return Ok(true);
        };
        if depth == 0 {
            self.acc.raw.namespaces = ns
                .bindings()
                .map(|(p, n)| {
                    let p = match p {
                        quick_xml::name::PrefixDeclaration::Named(p) => p.to_string(),
                        quick_xml::name::PrefixDeclaration::Default => String::new(),
                    };
                    (p, n.into_inner().to_string())
                })
                .filter(|(p, _)| p != "xml")
                .collect();
            return Ok(true);
        }
        self.element(ns, (&nsu, &local), &name, &attrs, line, empty);
        Ok(true)
    }

    /// What an element inside the root starts, by where the reader is.
    fn element(
        &mut self,
        ns: &NamespaceResolver,
        (nsu, local): (&str, &str),
        name: &str,
        attrs: &Attrs,
        line: u64,
        empty: bool,
    ) {
        let depth = self.open.len() - 1; // the root is 0
        let acc = &mut self.acc;
        match (&mut acc.state, nsu, local) {
            (In::Nothing, LINK, "schemaRef") => {
                if let Some(h) = attrs.get_ns(XLINK, "href") {
                    acc.raw.schema_refs.push(h);
                }
            }
            (In::Nothing, XBRLI, "context") => {
                acc.state = In::Context(attrs.get("id").unwrap_or_default(), Context::default())
            }
            (In::Nothing, XBRLI, "unit") => {
                acc.state = In::Unit(attrs.get("id").unwrap_or_default(), Vec::new(), Vec::new(), false)
            }
            (In::Nothing, LINK, "footnoteLink") => acc.state = In::Footnotes,
            (In::Nothing, LINK, _) | (In::Nothing, XBRLI, _) => {}
            (In::Nothing, _, _) if depth == 1 => {
                let concept = QName::new(name.split_once(':').map(|(p, _)| p).unwrap_or(""), nsu, local);
                let Some(ctx) = attrs.get("contextRef") else {
                    let msg = format!("{name} has no contextRef (tuples are not supported)");
                    acc.errs.push(Diagnostic::error(Code::E0003, Location::line(self.file, line), msg));
                    if !empty {
                        acc.state = In::Fact(Box::default());
                    }
                    return;
                };
                let f = RawFact {
                    id: attrs.get("id"),
                    concept,
                    context: ctx,
                    unit: attrs.get("unitRef"),
                    decimals: attrs.get("decimals"),
                    precision: attrs.get("precision"),
                    nil: attrs.get_ns(XSI, "nil").is_some_and(|v| v.trim() == "true" || v.trim() == "1"),
                    value: String::new(),
                    line,
                    ..Default::default()
                };
                acc.state = In::Fact(Box::new(f));
            }
            (In::Context(_, c), XBRLI, "identifier") => c.scheme = attrs.get("scheme").unwrap_or_default(),
            (In::Context(_, c), XBRLDI, "typedMember") => c.typed = true,
            (In::Context(_, c), XBRLI, "forever") => c.period = None,
            (In::Unit(_, _, _, div), XBRLI, "unitDenominator") => *div = true,
            (In::Footnotes, LINK, "loc") => {
                if let (Some(label), Some(href)) = (attrs.get_ns(XLINK, "label"), attrs.get_ns(XLINK, "href")) {
                    self.footnote_locs.insert(label, href.trim_start_matches('#').to_string());
                }
            }
            (In::Footnotes, LINK, "footnote") => acc.footnote_label = attrs.get_ns(XLINK, "label"),
            (In::Footnotes, LINK, "footnoteArc") => {
                if let (Some(from), Some(to)) = (attrs.get_ns(XLINK, "from"), attrs.get_ns(XLINK, "to")) {
                    self.footnote_arcs.push((from, to));
                }
            }
            (In::Context(_, c), XBRLDI, "explicitMember") => {
                // The member is in the text; remember the dimension until the end tag.
                if let Some(d) = attrs.get("dimension").and_then(|d| qname_in_scope(ns, &d)) {
                    c.dims.push((d, QName::new("", "", "")));
                } else {
                    acc.errs.push(Diagnostic::error(
                        Code::E0003,
                        Location::line(self.file, line),
                        "explicitMember without a resolvable dimension",
                    ));
                }
            }
            _ => {}
        }
    }

    /// The end of an empty element, right after its start.
    fn end(&mut self, ns: &NamespaceResolver, e: &BytesStart<'_>, line: u64) {
        let (nsu, local) = match ns.resolve_element(e.name()) {
            (ResolveResult::Bound(n), l) => (n.into_inner().to_string(), l.into_inner().to_string()),
            (_, l) => (String::new(), l.into_inner().to_string()),
        };
        self.acc.end_element(ns, (&nsu, &local), self.open.len(), &self.text_buf, (self.file, line));
        self.open.pop();
        self.text_buf.clear();
    }

    /// After the last event: footnotes linked to their facts, contexts and units resolved.
    fn finish(mut self) -> Result<Raw, Vec<Diagnostic>> {
        let acc = &mut self.acc;
        if acc.raw.schema_refs.is_empty() {
            acc.errs.push(Diagnostic::error(
                Code::E0003,
                Location::file(self.file),
                "the instance has no link:schemaRef".to_string(),
            ));
        }
        // Footnotes become each fact's provenance note.
        for (from, to) in std::mem::take(&mut self.footnote_arcs) {
            if let (Some(fact), Some(text)) = (self.footnote_locs.get(&from), acc.footnotes.get(&to)) {
                // A fact with several footnotes keeps them all, in the order linked.
                let note = acc.raw.footnotes.entry(fact.clone()).or_default();
                if !note.is_empty() {
                    note.push(' ');
                }
                note.push_str(text);
            }
        }
        acc.resolve_references(self.file);
        if acc.errs.is_empty() { Ok(std::mem::take(&mut acc.raw)) } else { Err(std::mem::take(&mut acc.errs)) }
    }
}

/// A period's date (date-only, as esgx reads periods), or a finding.
fn period_date(t: &str, errs: &mut Vec<Diagnostic>, (file, line): (&str, u64)) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(t.trim().get(..10).unwrap_or(t.trim()), "%Y-%m-%d") {
        Ok(d) if t.trim().len() == 10 => Some(d),
        _ => {
            errs.push(Diagnostic::error(
                Code::E0003,
                Location::line(file, line),
                format!("{:?} is not a date (esgx reads date-only periods)", t.trim()),
            ));
            None
        }
    }
}

/// What the reader has gathered so far, and where it is.
struct Acc {
    state: In,
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
    /// The end of an element `depth` deep (the root is 1), with its text; `at` is the file and
    /// line, for findings.
    fn end_element(
        &mut self,
        ns: &NamespaceResolver,
        (nsu, local): (&str, &str),
        depth: usize,
        text: &str,
        (file, line): (&str, u64),
    ) {
        let Acc { state, raw, contexts, units, footnotes, footnote_label, errs } = self;
        let date = |t: &str, errs: &mut Vec<Diagnostic>| period_date(t, errs, (file, line));
        match (std::mem::replace(state, In::Nothing), nsu, local) {
            (In::Context(id, c), XBRLI, "context") => {
                if contexts.contains_key(&id) {
                    errs.push(Diagnostic::error(
                        Code::E0222,
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
                match (qname_in_scope(ns, text), c.dims.last_mut()) {
                    (Some(m), Some(last)) => last.1 = m,
                    _ => errs.push(Diagnostic::error(
                        Code::E0003,
                        Location::line(file, line),
                        format!("explicit member {:?} cannot be resolved", text.trim()),
                    )),
                }
                *state = In::Context(id, c);
            }
            (In::Unit(id, num, den, _), XBRLI, "unit") => {
                if units.contains_key(&id) {
                    errs.push(Diagnostic::error(
                        Code::E0222,
                        Location::line(file, line),
                        format!("unit id {id:?} is defined twice"),
                    ));
                }
                units.insert(id, RawUnit { numerator: num, denominator: den });
            }
            (In::Unit(id, mut num, mut den, div), XBRLI, "measure") => {
                match qname_in_scope(ns, text) {
                    Some(m) if div => den.push(m),
                    Some(m) => num.push(m),
                    None => errs.push(Diagnostic::error(
                        Code::E0003,
                        Location::line(file, line),
                        format!("measure {:?} cannot be resolved", text.trim()),
                    )),
                }
                *state = In::Unit(id, num, den, div);
            }
            (In::Fact(mut f), _, _) if depth == 2 => {
                f.value = text.to_string();
                raw.facts.push(*f);
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

    /// Each fact's context and unit, from the ones the instance defines.
    fn resolve_references(&mut self, file: &str) {
        let err_at = |line: u64, code: Code, msg: String| Diagnostic::error(code, Location::line(file, line), msg);
        let mut facts = std::mem::take(&mut self.raw.facts);
        for f in &mut facts {
            match self.contexts.get(&f.context) {
                None => self.errs.push(err_at(
                    f.line,
                    Code::E0222,
                    format!("fact {} refers to undefined context {:?}", f.concept, f.context),
                )),
                Some(c) if c.typed => self.errs.push(err_at(
                    f.line,
                    Code::E0219,
                    format!("fact {} uses a typed dimension; esgx taxonomies use explicit members only", f.concept),
                )),
                Some(c) => {
                    f.entity = Some((c.scheme.clone(), c.identifier.clone()));
                    f.period = c.period.clone();
                    f.dims = c.dims.clone();
                    if f.period.is_none() {
                        self.errs.push(err_at(
                            f.line,
                            Code::E0212,
                            format!("fact {} has a forever or missing period", f.concept),
                        ));
                    }
                }
            }
            if let Some(u) = &f.unit {
                match self.units.get(u) {
                    Some(ru) => f.unit_def = Some(ru.clone()),
                    None => self.errs.push(err_at(
                        f.line,
                        Code::E0222,
                        format!("fact {} refers to undefined unit {u:?}", f.concept),
                    )),
                }
            }
        }
        self.raw.facts = facts;
    }
}
