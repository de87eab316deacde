//! One XML document of a DTS, read with namespace scoping into a flat list of elements. No DTD,
//! no entity beyond XML's own: like every esgx reader.

use crate::ns::{XLINK, XML};
use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{QName, ResolveResult};

/// An element: its expanded name, attributes, text and parent.
#[derive(Debug)]
pub struct El {
    pub ns: String,
    pub local: String,
    /// (namespace, local name, value); unprefixed attributes have no namespace.
    pub attrs: Vec<(String, String, String)>,
    /// QName-valued attributes (`type`, `substitutionGroup`, `base`) resolved to (namespace, local).
    pub qnames: Vec<(String, (String, String))>,
    /// Namespace declarations on this element: (prefix, namespace).
    pub decls: Vec<(String, String)>,
    pub text: String,
    pub parent: Option<usize>,
}

impl El {
    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.ns == ns && self.local == local
    }
    /// An unqualified attribute.
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attr_ns("", local)
    }
    pub fn attr_ns(&self, ns: &str, local: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, l, _)| n == ns && l == local).map(|(_, _, v)| v.as_str())
    }
    pub fn xlink(&self, local: &str) -> Option<&str> {
        self.attr_ns(XLINK, local)
    }
    pub fn qname(&self, attr: &str) -> Option<(&str, &str)> {
        self.qnames.iter().find(|(a, _)| a == attr).map(|(_, (n, l))| (n.as_str(), l.as_str()))
    }
}

#[derive(Debug)]
pub struct Doc {
    pub path: String,
    pub els: Vec<El>,
}

/// XML's five predefined entities and character references; nothing else is expanded.
fn entity_char(r: &quick_xml::events::BytesRef) -> Option<char> {
    match &*r.xml10_content() {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => r.resolve_char_ref().ok().flatten(),
    }
}

const QNAME_ATTRS: &[&str] = &["type", "substitutionGroup", "base"];

fn name_of(r: &ResolveResult) -> String {
    match r {
        ResolveResult::Bound(n) => n.0.to_string(),
        _ => String::new(),
    }
}

pub fn parse(path: &str, bytes: &[u8]) -> Result<Doc, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| format!("{path}: not UTF-8 text"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = NsReader::from_str(text);
    reader.config_mut().trim_text(false);
    let mut els: Vec<El> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let malformed = |e: &dyn std::fmt::Display| format!("{path}: malformed XML: {e}");
    loop {
        let (res, ev) = reader.read_resolved_event().map_err(|e| malformed(&e))?;
        let ns = name_of(&res);
        match ev {
            Event::DocType(_) => {
                return Err(format!("{path}: has a DOCTYPE; esgx refuses DTDs and entity declarations"));
            }
            Event::GeneralRef(r) => {
                let c = entity_char(&r).ok_or_else(|| {
                    format!("{path}: undeclared entity &{}; esgx expands no entities", r.xml10_content())
                })?;
                if let Some(&i) = open.last() {
                    els[i].text.push(c);
                }
            }
            Event::Text(t) => {
                if let Some(&i) = open.last() {
                    els[i].text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(&i) = open.last() {
                    els[i].text.push_str(&t.xml10_content());
                }
            }
            Event::Start(ref e) | Event::Empty(ref e) => {
                let el = element(&reader, e, ns, open.last().copied(), path)?;
                els.push(el);
                if matches!(ev, Event::Start(_)) {
                    open.push(els.len() - 1);
                }
            }
            Event::End(_) => {
                open.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if els.is_empty() {
        return Err(format!("{path}: no root element"));
    }
    Ok(Doc { path: path.to_string(), els })
}

fn element(
    reader: &NsReader<&[u8]>,
    e: &BytesStart,
    ns: String,
    parent: Option<usize>,
    path: &str,
) -> Result<El, String> {
    let local = e.local_name().as_ref().to_string();
    let mut el =
        El { ns, local, attrs: Vec::new(), qnames: Vec::new(), decls: Vec::new(), text: String::new(), parent };
    for a in e.attributes() {
        let a = a.map_err(|er| format!("{path}: malformed attribute: {er}"))?;
        let key = a.key.as_ref().to_string();
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|er| format!("{path}: attribute {key}: {er}"))?
            .to_string();
        if key == "xmlns" {
            el.decls.push((String::new(), value));
            continue;
        }
        if let Some(p) = key.strip_prefix("xmlns:") {
            el.decls.push((p.to_string(), value));
            continue;
        }
        let (res, l) = reader.resolver().resolve_attribute(a.key);
        let mut ans = name_of(&res);
        if key.starts_with("xml:") {
            ans = XML.to_string();
        }
        let l = l.as_ref().to_string();
        if ans.is_empty() && QNAME_ATTRS.contains(&l.as_str()) {
            // In XML Schema an unprefixed QName value is in the default namespace.
            let (vres, vl) = reader.resolver().resolve_element(QName(value.as_str()));
            let vl = vl.as_ref().to_string();
            el.qnames.push((l.clone(), (name_of(&vres), vl)));
        }
        el.attrs.push((ans, l, value));
    }
    Ok(el)
}
