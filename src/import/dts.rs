//! Just enough of a DTS loader to read a company extension schema that a filing references:
//! its concepts and members, their labels, and the axes their hypercubes use. Local files only.

use crate::diag::Code;
use crate::diag::{Diagnostic, Location};
use crate::ns::{LINK, XBRLI, XLINK, XS};
use crate::taxonomy::Taxonomy;
use crate::taxonomy::source::{ExtensionMember, Extensions};
use crate::taxonomy::source::{Labels, MemberDef};
use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{NamespaceResolver, QName, ResolveResult};
use serde_json::json;
use std::collections::HashMap;
use std::path::Path;

/// An attribute, its name resolved when it was read.
struct Attr {
    key: String,
    /// The namespace of the name's prefix (none for an unprefixed name).
    ns: Option<String>,
    local: String,
    value: String,
    /// For the QName-valued attributes read (`type`, `substitutionGroup`): the value resolved.
    qname: Option<(String, String)>,
}

/// An element of a schema or linkbase: namespace, local name, attributes, text. Names are
/// resolved while reading, so that no element keeps a copy of the bindings in scope.
struct Element {
    ns: String,
    local: String,
    attrs: Vec<Attr>,
    text: String,
}

impl Element {
    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs.iter().find(|a| a.key == key).map(|a| a.value.as_str())
    }
    /// An attribute by namespace and local name.
    fn attr_ns(&self, ns: &str, local: &str) -> Option<&str> {
        self.attrs.iter().find(|a| a.local == local && a.ns.as_deref() == Some(ns)).map(|a| a.value.as_str())
    }
    /// A QName-valued attribute, resolved: (namespace, local name).
    fn qname_attr(&self, key: &str) -> Option<(String, String)> {
        self.attrs.iter().find(|a| a.key == key).and_then(|a| a.qname.clone())
    }
}

/// The elements of a schema or linkbase in document order, names resolved by quick-xml's
/// namespace-aware reader; the text of each is gathered until its end tag.
fn scan(file: &str, text: &str) -> Result<Vec<Element>, Diagnostic> {
    super::check_xml_chars(file, text)?;
    let mut reader = NsReader::from_str(text);
    reader.resolver_mut().set_max_namespace_bindings(super::MAX_NAMESPACE_BINDINGS);
    let mut out: Vec<Element> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let bad = |msg: String| Diagnostic::error(Code::E0003, Location::file(file), format!("malformed XML: {msg}"));
    loop {
        match reader.read_event() {
            Err(e) => return Err(bad(e.to_string())),
            Ok(Event::DocType(_)) => {
                return Err(Diagnostic::error(Code::E0007, Location::file(file), "DOCTYPE refused".to_string()));
            }
            Ok(Event::GeneralRef(r)) => {
                let c =
                    super::entity_char(&r).map_err(|(code, msg)| Diagnostic::error(code, Location::file(file), msg))?;
                if let Some(&i) = open.last() {
                    out[i].text.push(c);
                }
            }
            Ok(ev @ (Event::Start(_) | Event::Empty(_))) => {
                let empty = matches!(ev, Event::Empty(_));
                let (Event::Start(e) | Event::Empty(e)) = ev else { unreachable!("matched above") };
                out.push(element(reader.resolver(), &e).map_err(bad)?);
                if !empty {
                    open.push(out.len() - 1);
                }
            }
            Ok(Event::Text(t)) => {
                if let Some(&i) = open.last() {
                    out[i].text.push_str(&t.xml10_content());
                }
            }
            Ok(Event::End(_)) => {
                open.pop();
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
        }
    }
    Ok(out)
}

/// A start tag as an element: its name and attributes resolved in the scope the reader keeps,
/// and the QName-valued attributes read (`type`, `substitutionGroup`) resolved too.
fn element(scope: &NamespaceResolver, e: &BytesStart<'_>) -> Result<Element, String> {
    let bound = |r: ResolveResult<'_>| match r {
        ResolveResult::Bound(n) => Some(n.into_inner().to_string()),
        _ => None,
    };
    let (ns, local) = scope.resolve_element(e.name());
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|er| format!("malformed attribute: {er}"))?;
        let key = a.key.as_ref().to_string();
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|er| format!("attribute {key}: {er}"))?
            .to_string();
        super::check_attr_chars(&key, &value)?;
        if key == "xmlns" || key.starts_with("xmlns:") {
            continue;
        }
        let (ans, alocal) = scope.resolve_attribute(a.key);
        let qname = matches!(key.as_str(), "type" | "substitutionGroup")
            .then(|| {
                let (l, p) = QName(value.trim()).decompose();
                bound(scope.resolve_prefix(p, true)).map(|n| (n, l.into_inner().to_string()))
            })
            .flatten();
        attrs.push(Attr { key, ns: bound(ans), local: alocal.into_inner().to_string(), value, qname });
    }
    Ok(Element { ns: bound(ns).unwrap_or_default(), local: local.into_inner().to_string(), attrs, text: String::new() })
}

pub(super) fn read_local(
    root: &Path,
    base_dir: &Path,
    href: &str,
    shown: &str,
) -> Result<(String, String), Diagnostic> {
    let (real, path) = local_file(root, base_dir, href, shown)?;
    let bytes = crate::input::read_file(&real, &path)?;
    let text = crate::input::decode_text(&path, &bytes)?;
    Ok((path, text))
}

/// The file `href` names, relative to `base_dir` and inside `root`, as (the file, the path
/// findings name it by); remote resources refused.
pub(super) fn local_file(
    root: &Path,
    base_dir: &Path,
    href: &str,
    shown: &str,
) -> Result<(std::path::PathBuf, String), Diagnostic> {
    if href.contains("://") {
        return Err(Diagnostic::error(
            Code::E0007,
            Location::file(shown),
            format!("{href} is a remote resource; esgx never fetches anything over the network"),
        )
        .with_hint("put the taxonomy files beside the filing and reference them by a relative path"));
    }
    crate::input::resolve_inside(root, base_dir, href).map_err(|why| match why {
        crate::input::Unresolved::Refused(why) => Diagnostic::error(Code::E0007, Location::file(shown), why)
            .with_hint("keep the filing and its taxonomy files together in one folder"),
        crate::input::Unresolved::Missing(why) => Diagnostic::error(Code::E0001, Location::file(shown), why),
    })
}

/// Read the extension schema `href` (relative to `dir`) and add it to `tax`. Returns the files
/// read, for provenance. A schema in the base taxonomy's namespace is the base itself: skipped.
/// The framework version whose entry point a schema location names, if any.
pub fn framework_of(tax: &Taxonomy, location: &str) -> Option<String> {
    tax.info
        .frameworks
        .iter()
        .find(|f| location.ends_with(&crate::taxonomy::generate::entry_point_file(tax, &f.id)))
        .map(|f| f.id.clone())
}

pub fn load_extension(
    tax: &mut Taxonomy,
    root: &Path,
    dir: &Path,
    href: &str,
    prefixes: &HashMap<String, String>,
    shown: &str,
) -> Result<Vec<(String, Vec<u8>)>, Vec<Diagnostic>> {
    let (path, text) = read_local(root, dir, href, shown).map_err(|d| vec![d])?;
    let schema = scan(&path, &text).map_err(|d| vec![d])?;
    let Some(tns) = schema
        .iter()
        .find(|e| e.ns == XS && e.local == "schema")
        .and_then(|e| e.attr("targetNamespace"))
        .map(String::from)
    else {
        return Err(vec![Diagnostic::error(
            Code::E0003,
            Location::file(&path),
            "not an XML Schema with a targetNamespace",
        )]);
    };
    let mut files = vec![(path.clone(), text.clone().into_bytes())];
    if tns == tax.info.namespace {
        return Ok(files);
    }
    // The base schema the extension imports names the framework version (its entry point).
    let imported_base = schema
        .iter()
        .find(|e| e.ns == XS && e.local == "import" && e.attr("namespace") == Some(tax.info.namespace.as_str()))
        .and_then(|e| e.attr("schemaLocation"))
        .map(String::from);
    let framework = imported_base.as_deref().and_then(|loc| framework_of(tax, loc)).unwrap_or_default();
    // An extension written by esgx carries its source definition: use it whole.
    if let Some(src) = schema.iter().find(|e| e.ns == crate::ns::ESGX_TAXONOMY_SOURCE && e.local == "extension")
        && let Ok(ext) = serde_json::from_str::<Extensions>(&src.text)
        && ext.namespace == tns
    {
        tax.extend(&ext, &framework, &path)?;
        return Ok(files);
    }
    let prefix = prefixes.get(&tns).cloned().unwrap_or_else(|| "ext".to_string());
    let schema_dir = Path::new(&path).parent().unwrap_or(dir).to_path_buf();
    let (links, linkbases) = read_linkbases(&schema, root, &schema_dir, &path)?;
    files.extend(linkbases);
    let mut ext = Extensions {
        prefix: prefix.clone(),
        namespace: tns.clone(),
        members: Vec::new(),
        groups: Vec::new(),
        axes: Vec::new(),
        units: Vec::new(),
        concepts: Vec::new(),
    };
    ext.groups.push(crate::taxonomy::source::Group { id: "extension".into(), labels: Labels::en("Company extension") });
    let own_axes = own_axes(&schema, &links, &mut ext);
    items(tax, &schema, &links, &own_axes, &mut ext);
    tax.extend(&ext, &framework, &path)?;
    Ok(files)
}

/// Files read, as (path, bytes), for provenance.
type Files = Vec<(String, Vec<u8>)>;

/// What an extension's linkbases say: labels and the definition arcs.
#[derive(Default)]
struct Links {
    /// Element id -> English label.
    labels: HashMap<String, String>,
    /// (role, parent id, child id) of the domain-member arcs.
    parents: Vec<(String, String, String)>,
    /// (concept id, hypercube id).
    concept_hypercube: Vec<(String, String)>,
    /// (hypercube id, axis id).
    hypercube_axis: Vec<(String, String)>,
}

/// An element id's local name (`qifu_TrainingAxis` -> `TrainingAxis`).
fn local_of(id: &str) -> String {
    id.split_once('_').map(|(_, l)| l.to_string()).unwrap_or_else(|| id.to_string())
}

/// Read the linkbases the extension schema references, each once.
fn read_linkbases(
    schema: &[Element],
    root: &Path,
    schema_dir: &Path,
    path: &str,
) -> Result<(Links, Files), Vec<Diagnostic>> {
    let mut files = Vec::new();
    let Links { mut labels, mut parents, mut concept_hypercube, mut hypercube_axis } = Links::default();
    // A document is in a DTS once, however often it is referenced.
    let mut loaded: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut hrefs: std::collections::HashSet<String> = std::collections::HashSet::new();
    for lb in schema.iter().filter(|e| e.ns == LINK && e.local == "linkbaseRef") {
        let Some(h) = lb.attr_ns(XLINK, "href").map(String::from) else {
            continue;
        };
        if !hrefs.insert(h.clone()) {
            continue;
        }
        let (lpath, ltext) = read_local(root, schema_dir, &h, path).map_err(|d| vec![d])?;
        if !loaded.insert(lpath.clone()) {
            continue;
        }
        let els = scan(&lpath, &ltext).map_err(|d| vec![d])?;
        files.push((lpath, ltext.into_bytes()));
        let attr = |e: &Element, local: &str| e.attr_ns(XLINK, local).map(String::from);
        let mut locs: HashMap<String, String> = HashMap::new();
        let mut resources: HashMap<String, (String, String)> = HashMap::new(); // label -> (lang, text)
        let mut role = String::new();
        let mut arcs: Vec<(String, String, String, String)> = Vec::new(); // (role, arcrole, from, to)
        for e in &els {
            if e.local.ends_with("Link") && e.ns == LINK {
                role = attr(e, "role").unwrap_or_default();
            } else if e.ns == LINK && e.local == "loc" {
                if let (Some(l), Some(h)) = (attr(e, "label"), attr(e, "href")) {
                    locs.insert(l, h.rsplit('#').next().unwrap_or("").to_string());
                }
            } else if e.ns == LINK && e.local == "label" {
                if let Some(l) = attr(e, "label") {
                    let lang = e.attr("xml:lang").unwrap_or("").to_string();
                    if lang == "en" && attr(e, "role").is_none_or(|r| r.ends_with("/role/label")) {
                        resources.insert(l, (lang, e.text.trim().to_string()));
                    }
                }
            } else if e.ns == LINK
                && e.local.ends_with("Arc")
                && let (Some(a), Some(f), Some(t)) = (attr(e, "arcrole"), attr(e, "from"), attr(e, "to"))
            {
                arcs.push((role.clone(), a, f, t));
            }
        }
        for (role, arcrole, from, to) in arcs {
            let (Some(fid), tid) = (locs.get(&from).cloned(), locs.get(&to).cloned()) else {
                continue;
            };
            match arcrole.rsplit('/').next().unwrap_or("") {
                "concept-label" => {
                    if let Some((_, t)) = resources.get(&to) {
                        labels.insert(fid, t.clone());
                    }
                }
                "domain-member" => {
                    if let Some(t) = tid {
                        parents.push((role, fid, t));
                    }
                }
                "all" => {
                    if let Some(t) = tid {
                        concept_hypercube.push((fid, t));
                    }
                }
                "hypercube-dimension" => {
                    if let Some(t) = tid {
                        hypercube_axis.push((fid, t));
                    }
                }
                _ => {}
            }
        }
    }
    Ok((Links { labels, parents, concept_hypercube, hypercube_axis }, files))
}

/// Axes the extension declares itself, added to `ext` with their members: their members come
/// with them, not on base axes. Returns their names.
fn own_axes(schema: &[Element], links: &Links, ext: &mut Extensions) -> Vec<String> {
    let labels = &links.labels;
    let own_axes: Vec<String> = schema
        .iter()
        .filter(|e| e.ns == XS && e.local == "element")
        .filter(|e| {
            e.qname_attr("substitutionGroup").is_some_and(|(n, l)| n == crate::ns::XBRLDT && l == "dimensionItem")
        })
        .filter_map(|e| e.attr("name"))
        .map(String::from)
        .collect();
    for axis in &own_axes {
        let in_role: Vec<&(String, String, String)> =
            links.parents.iter().filter(|(r, _, _)| r.rsplit('/').next() == Some(axis.as_str())).collect();
        // The domain is the one parent that is no member's child.
        let Some(domain) = in_role.iter().map(|(_, p, _)| p).find(|p| !in_role.iter().any(|(_, _, c)| c == *p)) else {
            continue;
        };
        let member = |id: &String, parent: Option<&String>| {
            let mut m = json!({"name": local_of(id), "labels": {"en": labels.get(id).cloned().unwrap_or_else(|| local_of(id))}});
            if let Some(p) = parent.filter(|p| *p != domain) {
                m["parent"] = json!(local_of(p));
            }
            m
        };
        let label = schema
            .iter()
            .find(|e| e.ns == XS && e.local == "element" && e.attr("name") == Some(axis.as_str()))
            .and_then(|e| e.attr("id"))
            .and_then(|id| labels.get(id).cloned())
            .unwrap_or_else(|| axis.clone());
        ext.axes.push(json!({
            "name": axis,
            "labels": {"en": label},
            "domain": member(domain, None),
            "members": in_role.iter().map(|(_, p, c)| member(c, Some(p))).collect::<Vec<_>>(),
        }));
    }
    own_axes
}

/// The extension's members (on base axes) and concepts, added to `ext`.
fn items(tax: &Taxonomy, schema: &[Element], links: &Links, own_axes: &[String], ext: &mut Extensions) {
    let (labels, parents) = (&links.labels, &links.parents);
    let (concept_hypercube, hypercube_axis) = (&links.concept_hypercube, &links.hypercube_axis);
    let all_units: Vec<String> = tax.units.iter().map(|u| u.id.clone()).collect();
    for e in schema.iter().filter(|e| e.ns == XS && e.local == "element") {
        let (Some(name), Some(id)) = (e.attr("name"), e.attr("id")) else {
            continue;
        };
        let label = labels.get(id).cloned().unwrap_or_else(|| name.to_string());
        let ty = e.qname_attr("type").map(|(_, l)| l).unwrap_or_default();
        let abstract_ = e.attr("abstract") == Some("true");
        if ty == "domainItemType" {
            // A member: on the axis whose role its domain-member arc is in.
            let Some((role, parent, _)) = parents.iter().find(|(_, _, c)| c == id) else {
                continue;
            };
            let axis = role.rsplit('/').next().unwrap_or("").to_string();
            if own_axes.contains(&axis) {
                continue;
            }
            let parent_local = local_of(parent);
            let is_domain = tax.axis(&axis).is_some_and(|a| tax.axes[a].domain().def.name == parent_local);
            ext.members.push(ExtensionMember {
                axis,
                def: MemberDef {
                    name: name.to_string(),
                    aliases: Vec::new(),
                    labels: Labels::en(label),
                    parent: (!is_domain).then_some(parent_local),
                    partition: false,
                },
            });
            continue;
        }
        let sg = e.qname_attr("substitutionGroup");
        if abstract_ || sg.as_ref().is_none_or(|(n, l)| !(n == XBRLI && l == "item")) {
            continue;
        }
        let data_type = data_type_name(&ty);
        let numeric = !matches!(data_type, "textBlock" | "string" | "boolean" | "date");
        let axes: Vec<String> = concept_hypercube
            .iter()
            .filter(|(c, _)| c == id)
            .flat_map(|(_, h)| hypercube_axis.iter().filter(move |(hh, _)| hh == h).map(|(_, a)| local_of(a)))
            .collect();
        let common: Vec<&String> = tax.info.common_axes.iter().collect();
        let axes: Vec<String> = axes.into_iter().filter(|a| !common.contains(&a)).collect();
        ext.concepts.push(json!({
            "name": name,
            "type": data_type,
            "periodType": e.attr_ns(XBRLI, "periodType").unwrap_or("duration"),
            "units": if numeric { all_units.clone() } else { Vec::new() },
            "axes": axes,
            "group": "extension",
            "labels": {"en": label},
        }));
    }
}

/// The data type name of the taxonomy source for an XBRL item type's local name.
fn data_type_name(ty: &str) -> &'static str {
    match ty {
        "monetaryItemType" => "monetary",
        "integerItemType" | "nonNegativeIntegerItemType" => "integer",
        "pureItemType" => "pure",
        "percentItemType" => "percent",
        "ghgEmissionsItemType" => "ghgEmissions",
        "energyItemType" => "energy",
        "massItemType" => "mass",
        "volumeItemType" => "volume",
        "areaItemType" => "area",
        "textBlockItemType" => "textBlock",
        "booleanItemType" => "boolean",
        "dateItemType" => "date",
        "stringItemType" | "normalizedStringItemType" | "tokenItemType" => "string",
        _ => "decimal",
    }
}
