//! Read an Inline XBRL 1.1 document (any tool's, not only esgx's page) into the fact model. It is
//! turned into the XBRL 2.1 instance it stands for, as the Inline XBRL specification defines
//! (values through their transformation, `scale` and `sign`; text with its continuations and
//! without `ix:exclude`d parts; nil facts; `ix:hidden` facts; footnotes by `ix:relationship`),
//! and that instance is read by the XML reader, so both agree on everything after. Facts keep
//! their lines in the page. Streaming with quick-xml; no DOCTYPE, no entities, nothing fetched.

use super::Raw;
use crate::diag::Code;
use crate::diag::{Diagnostic, Location};
use crate::ns::{IX, LINK, XBRLI, XLINK, XML, XSI};
use crate::report::QName;
use crate::xml::{escape, escape_text};
use quick_xml::Reader;
use quick_xml::events::Event;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};

/// How much of a document's start tells Inline XBRL from an XBRL instance.
pub const HEAD_BYTES: usize = 8192;

/// Does this text look like an Inline XBRL document (an XHTML root that uses the ix namespace)?
/// Only its start is looked at.
pub fn is_inline(text: &str) -> bool {
    let mut end = text.len().min(HEAD_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    head.contains(IX) && head.contains("<html")
}

/// A fact being read: its attributes, then its text.
struct Open {
    kind: Kind,
    attrs: HashMap<String, String>,
    concept: Option<QName>,
    text: String,
    line: u64,
    /// For `escape="true"`: where its content starts in the source.
    content_start: usize,
}

#[derive(PartialEq)]
enum Kind {
    NonFraction,
    NonNumeric,
    Continuation,
    Footnote,
}

struct Fact {
    numeric: bool,
    attrs: HashMap<String, String>,
    concept: QName,
    value: String,
    line: u64,
}

#[derive(Default)]
struct Doc {
    namespaces: BTreeMap<String, String>,
    schema_refs: Vec<String>,
    /// Contexts and units, as written in `ix:resources`.
    resources: Vec<String>,
    facts: Vec<Fact>,
    continuations: HashMap<String, (String, Option<String>)>,
    footnotes: HashMap<String, String>,
    relationships: Vec<(Vec<String>, Vec<String>, String)>,
    errs: Vec<Diagnostic>,
}

/// Read an Inline XBRL page into raw facts, as the XBRL 2.1 instance it stands for; `file` is
/// how findings name it.
pub fn read(file: &str, text: &str) -> Result<Raw, Vec<Diagnostic>> {
    super::check_xml_chars(file, text).map_err(|d| vec![d])?;
    let doc = scan(file, text)?;
    let (instance, lines) = instance(file, doc)?;
    let mut raw = super::xml::read(file, &instance)?;
    for (f, line) in raw.facts.iter_mut().zip(lines) {
        f.line = line;
    }
    Ok(raw)
}

fn scan(file: &str, text: &str) -> Result<Doc, Vec<Diagnostic>> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(false);
    let mut scope = crate::xml::NsScope::default();
    let mut doc = Doc::default();
    let mut open: Vec<Open> = Vec::new();
    let mut depth_stack: Vec<Option<usize>> = Vec::new(); // per element: index into `open` it started
    let mut exclude = 0usize;
    let mut resource_start: Option<(usize, usize)> = None; // (byte offset, depth)
    let mut lines = crate::input::LineCounter::new(text);
    let err = |line: u64, code: Code, msg: String| Diagnostic::error(code, Location::line(file, line), msg);
    loop {
        let pos = reader.buffer_position() as usize;
        let ev = reader
            .read_event()
            .map_err(|e| vec![err(lines.line(pos as u64), Code::E0003, format!("malformed XML: {e}"))])?;
        let line = lines.line(pos as u64);
        match ev {
            Event::DocType(_) => {
                return Err(vec![err(
                    line,
                    Code::E0007,
                    "the page has a DOCTYPE; esgx refuses DTDs and entity declarations".into(),
                )]);
            }
            Event::Text(t) if exclude == 0 => {
                let t = t.xml10_content();
                open.iter_mut().for_each(|o| o.text.push_str(&t));
            }
            Event::CData(t) if exclude == 0 => {
                let t = t.xml10_content();
                open.iter_mut().for_each(|o| o.text.push_str(&t));
            }
            Event::GeneralRef(r) if exclude == 0 => match super::entity_char(&r) {
                Ok(c) => open.iter_mut().for_each(|o| o.text.push(c)),
                Err((code, msg)) => return Err(vec![err(line, code, msg)]),
            },
            ev @ (Event::Start(_) | Event::Empty(_)) => {
                let empty = matches!(ev, Event::Empty(_));
                let (Event::Start(e) | Event::Empty(e)) = ev else { unreachable!("matched above") };
                let mut decls = Vec::new();
                let mut attrs = HashMap::new();
                for a in e.attributes().flatten() {
                    let key = a.key.as_ref().to_string();
                    let val = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map(|v| v.to_string())
                        .unwrap_or_default();
                    if let Err(msg) = super::check_attr_chars(&key, &val) {
                        return Err(vec![err(line, Code::E0003, msg)]);
                    }
                    if key == "xmlns" {
                        decls.push((String::new(), val));
                    } else if let Some(p) = key.strip_prefix("xmlns:") {
                        doc.namespaces.entry(p.to_string()).or_insert_with(|| val.clone());
                        decls.push((p.to_string(), val));
                    } else {
                        attrs.insert(key, val);
                    }
                }
                scope.push(decls);
                let name = e.name().as_ref().to_string();
                let (prefix, local) = name.split_once(':').unwrap_or(("", &name));
                let ns = scope.resolve(prefix).unwrap_or("").to_string();
                if depth_stack.is_empty() && local != "html" {
                    return Err(vec![err(
                        line,
                        Code::E0004,
                        format!("the root element is {name}, not html: not an Inline XBRL document"),
                    )]);
                }
                let attr_ns = |want: &str, l: &str| {
                    attrs.iter().find_map(|(k, v)| {
                        let (p, n) = k.split_once(':')?;
                        (n == l && scope.resolve(p) == Some(want)).then(|| v.clone())
                    })
                };
                let mut started = None;
                match (ns.as_str(), local) {
                    (IX, "nonFraction" | "nonNumeric" | "continuation" | "footnote") => {
                        let kind = match local {
                            "nonFraction" => Kind::NonFraction,
                            "nonNumeric" => Kind::NonNumeric,
                            "continuation" => Kind::Continuation,
                            _ => Kind::Footnote,
                        };
                        let concept = attrs.get("name").and_then(|n| {
                            let (p, l) = n.trim().split_once(':').unwrap_or(("", n.trim()));
                            scope.resolve(p).map(|ns| QName::new(p, ns, l))
                        });
                        if matches!(kind, Kind::NonFraction | Kind::NonNumeric) && concept.is_none() {
                            doc.errs.push(err(
                                line,
                                Code::E0003,
                                format!("{name} has no name, or its prefix is undeclared"),
                            ));
                        }
                        let mut attrs = attrs.clone();
                        if let Some(n) = attr_ns(XSI, "nil") {
                            attrs.insert("xsi:nil".into(), n);
                        }
                        if let Some(l) = attr_ns(XML, "lang").or_else(|| attrs.get("xml:lang").cloned()) {
                            attrs.insert("xml:lang".into(), l);
                        }
                        let content_start = reader.buffer_position() as usize;
                        open.push(Open { kind, attrs, concept, text: String::new(), line, content_start });
                        started = Some(open.len() - 1);
                    }
                    (IX, "exclude") => exclude += 1,
                    (IX, "relationship") => {
                        let refs = |k: &str| {
                            attrs.get(k).map(|v| v.split_whitespace().map(String::from).collect()).unwrap_or_default()
                        };
                        let arcrole = attrs
                            .get("arcrole")
                            .cloned()
                            .unwrap_or_else(|| "http://www.xbrl.org/2003/arcrole/fact-footnote".into());
                        doc.relationships.push((refs("fromRefs"), refs("toRefs"), arcrole));
                    }
                    (LINK, "schemaRef") => {
                        if let Some(h) = attr_ns(XLINK, "href") {
                            doc.schema_refs.push(h);
                        }
                    }
                    (XBRLI, "context" | "unit") if resource_start.is_none() => {
                        resource_start = Some((pos, depth_stack.len()));
                        if empty {
                            doc.resources.push(text[pos..reader.buffer_position() as usize].to_string());
                            resource_start = None;
                        }
                    }
                    _ => {}
                }
                depth_stack.push(started);
                if empty {
                    end(&mut doc, &mut open, &mut depth_stack, &mut exclude, (&ns, local), text, pos);
                    scope.pop();
                }
            }
            Event::End(e) => {
                let name = e.name().as_ref().to_string();
                let (prefix, local) = name.split_once(':').unwrap_or(("", &name));
                let ns = scope.resolve(prefix).unwrap_or("").to_string();
                if let Some((start, d)) = resource_start
                    && d + 1 == depth_stack.len()
                {
                    doc.resources.push(text[start..reader.buffer_position() as usize].to_string());
                    resource_start = None;
                }
                end(&mut doc, &mut open, &mut depth_stack, &mut exclude, (&ns, local), text, pos);
                scope.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !depth_stack.is_empty() {
        doc.errs.push(err(
            lines.line(text.len() as u64),
            Code::E0003,
            "the page ends inside an element: it is truncated".into(),
        ));
    }
    if doc.errs.is_empty() { Ok(doc) } else { Err(doc.errs) }
}

/// Close an element: a fact, continuation or footnote is complete.
fn end(
    doc: &mut Doc,
    open: &mut Vec<Open>,
    depth_stack: &mut Vec<Option<usize>>,
    exclude: &mut usize,
    (ns, local): (&str, &str),
    text: &str,
    end_pos: usize,
) {
    let started = depth_stack.pop().flatten();
    if ns == IX && local == "exclude" {
        *exclude = exclude.saturating_sub(1);
    }
    let Some(i) = started else { return };
    let o = open.remove(i);
    let id = o.attrs.get("id").cloned().unwrap_or_default();
    match o.kind {
        Kind::Continuation => {
            doc.continuations.insert(id, (o.text, o.attrs.get("continuedAt").cloned()));
        }
        Kind::Footnote => {
            doc.footnotes.insert(id, o.text.trim().to_string());
        }
        Kind::NonFraction | Kind::NonNumeric => {
            let Some(concept) = o.concept else { return };
            let escaped = o.attrs.get("escape").is_some_and(|v| v.trim() == "true" || v.trim() == "1");
            let value = if escaped && end_pos >= o.content_start {
                // The content as markup: what the page holds between the tags.
                text[o.content_start..end_pos].to_string()
            } else {
                o.text
            };
            doc.facts.push(Fact { numeric: o.kind == Kind::NonFraction, attrs: o.attrs, concept, value, line: o.line });
        }
    }
}

/// The value of a numeric fact: its text through its format, times 10^scale, with its sign.
fn number(f: &Fact) -> Result<String, String> {
    let raw = f.value.trim();
    let format = f.attrs.get("format").map(|s| s.rsplit(':').next().unwrap_or(s).to_string());
    let digits: String = match format.as_deref() {
        None => raw.to_string(),
        Some("num-dot-decimal" | "numdotdecimal" | "num-dot-decimal-apos") => {
            raw.chars().filter(|c| !matches!(c, ',' | ' ' | '\u{a0}' | '\'' | '’')).collect()
        }
        Some("num-comma-decimal" | "numcommadecimal") => {
            raw.chars().filter(|c| !matches!(c, '.' | ' ' | '\u{a0}')).map(|c| if c == ',' { '.' } else { c }).collect()
        }
        Some("fixed-zero" | "zerodash" | "numdash") => "0".to_string(),
        Some("num-unit-decimal" | "numunitdecimal") => {
            let parts: Vec<String> =
                raw.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty()).map(String::from).collect();
            match parts.as_slice() {
                [i] => i.clone(),
                [i, f] => format!("{i}.{f}"),
                _ => return Err(format!("{raw:?} is not a number in format num-unit-decimal")),
            }
        }
        Some(other) => return Err(format!("esgx does not read the transformation format {other:?}")),
    };
    let digits = if digits.is_empty() && format.is_some() { "0".to_string() } else { digits };
    let mut v = crate::value::parse_xs_decimal(&digits).map_err(|e| format!("{raw:?}: {e}"))?;
    if let Some(s) = f.attrs.get("scale") {
        let s: i32 = s.trim().parse().map_err(|_| format!("scale {s:?} is not an integer"))?;
        if s.unsigned_abs() > 28 {
            return Err(format!("scale {s} is out of range"));
        }
        let p = Decimal::from_i128_with_scale(10i128.pow(s.unsigned_abs()), 0);
        v = if s >= 0 { v.checked_mul(p) } else { v.checked_div(p) }.ok_or("the scaled value is out of range")?;
    }
    if f.attrs.get("sign").is_some_and(|s| s == "-") {
        v = -v;
    }
    Ok(v.normalize().to_string())
}

/// The value of a text fact: its text and its continuations, through its format.
fn text_value(f: &Fact, doc: &Doc) -> Result<String, String> {
    let mut v = f.value.clone();
    let mut next = f.attrs.get("continuedAt").cloned();
    let mut seen = 0;
    while let Some(id) = next {
        let (t, n) = doc.continuations.get(&id).ok_or(format!("continuation {id:?} is not in the page"))?;
        v.push_str(t);
        next = n.clone();
        seen += 1;
        if seen > doc.continuations.len() {
            return Err("its continuations run in a circle".into());
        }
    }
    match f.attrs.get("format").map(|s| s.rsplit(':').next().unwrap_or(s)) {
        None => Ok(v),
        Some("fixed-true" | "booleantrue") => Ok("true".into()),
        Some("fixed-false" | "booleanfalse") => Ok("false".into()),
        Some("fixed-empty" | "fixedempty") => Ok(String::new()),
        Some(other) => Err(format!("esgx does not read the transformation format {other:?}")),
    }
}

/// The XBRL 2.1 instance the page stands for, and each fact's line in the page.
fn instance(file: &str, doc: Doc) -> Result<(String, Vec<u64>), Vec<Diagnostic>> {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xbrli:xbrl");
    let mut prefix_of: HashMap<&str, &str> = HashMap::new();
    for (p, ns) in &doc.namespaces {
        out.push_str(&format!(" xmlns:{p}=\"{}\"", escape(ns)));
        prefix_of.entry(ns.as_str()).or_insert(p.as_str());
    }
    for (p, ns) in [("xbrli", XBRLI), ("link", LINK), ("xlink", XLINK), ("xsi", XSI)] {
        if doc.namespaces.get(p).is_none_or(|n| n != ns) && !doc.namespaces.contains_key(p) {
            out.push_str(&format!(" xmlns:{p}=\"{ns}\""));
        }
    }
    out.push_str(">\n");
    for h in &doc.schema_refs {
        out.push_str(&format!("<link:schemaRef xlink:type=\"simple\" xlink:href=\"{}\"/>\n", escape(h)));
    }
    for r in &doc.resources {
        out.push_str(r);
        out.push('\n');
    }
    let mut errs = Vec::new();
    let mut lines = Vec::with_capacity(doc.facts.len());
    for f in &doc.facts {
        let nil = f.attrs.get("xsi:nil").is_some_and(|v| v.trim() == "true" || v.trim() == "1");
        let value = match (nil, f.numeric) {
            (true, _) => Ok(String::new()),
            (false, true) => number(f),
            (false, false) => text_value(f, &doc),
        };
        let value = match value {
            Ok(v) => v,
            Err(msg) => {
                errs.push(Diagnostic::error(
                    Code::E0213,
                    Location::line(file, f.line),
                    format!("fact {}: {msg}", f.concept),
                ));
                continue;
            }
        };
        let prefix = prefix_of.get(&*f.concept.namespace).copied().unwrap_or(&f.concept.prefix);
        let name = format!("{prefix}:{}", f.concept.local);
        out.push('<');
        out.push_str(&name);
        for a in ["id", "contextRef", "unitRef", "decimals", "precision", "xml:lang"] {
            if let Some(v) = f.attrs.get(a) {
                out.push_str(&format!(" {a}=\"{}\"", escape(v)));
            }
        }
        if nil {
            out.push_str(" xsi:nil=\"true\"/>\n");
        } else {
            out.push('>');
            out.push_str(&escape_text(&value).replace('\r', "&#13;"));
            out.push_str(&format!("</{name}>\n"));
        }
        lines.push(f.line);
    }
    footnote_link(&mut out, &doc);
    out.push_str("</xbrli:xbrl>\n");
    if errs.is_empty() { Ok((out, lines)) } else { Err(errs) }
}

fn footnote_link(out: &mut String, doc: &Doc) {
    let arcs: Vec<(&String, &String)> = doc
        .relationships
        .iter()
        .filter(|r| r.2 == "http://www.xbrl.org/2003/arcrole/fact-footnote")
        .flat_map(|(from, to, _)| from.iter().flat_map(move |f| to.iter().map(move |t| (f, t))))
        .filter(|(_, t)| doc.footnotes.contains_key(*t))
        .collect();
    if arcs.is_empty() {
        return;
    }
    out.push_str("<link:footnoteLink xlink:type=\"extended\" xlink:role=\"http://www.xbrl.org/2003/role/link\">\n");
    let mut locs = std::collections::HashSet::new();
    let mut notes = std::collections::HashSet::new();
    for (from, to) in &arcs {
        if locs.insert(*from) {
            out.push_str(&format!(
                "<link:loc xlink:type=\"locator\" xlink:href=\"#{0}\" xlink:label=\"loc_{0}\"/>\n",
                escape(from)
            ));
        }
        if notes.insert(*to) {
            out.push_str(&format!(
                "<link:footnote xlink:type=\"resource\" xlink:label=\"fn_{}\" xlink:role=\"http://www.xbrl.org/2003/role/footnote\">{}</link:footnote>\n",
                escape(to),
                escape_text(&doc.footnotes[*to])
            ));
        }
        out.push_str(&format!(
            "<link:footnoteArc xlink:type=\"arc\" xlink:arcrole=\"http://www.xbrl.org/2003/arcrole/fact-footnote\" xlink:from=\"loc_{}\" xlink:to=\"fn_{}\"/>\n",
            escape(from),
            escape(to)
        ));
    }
    out.push_str("</link:footnoteLink>\n");
}
