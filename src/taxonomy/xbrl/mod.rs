//! The published-taxonomy loader: a Taxonomy Package zip (or package folder, or entry-point schema
//! with its linkbases) read into esgx's taxonomy source model and built through the same code as
//! the JSON source ([`Taxonomy::from_parts`]), so that both loaders give one model.
//!
//! The DTS is discovered from the package's entry points (`xs:import`, `xs:include`,
//! `link:linkbaseRef`, locators, role and arcrole references), offline: URLs resolve through the
//! package catalog, the standard XBRL schemas are known by URL and never read (their item types
//! are known by name), and anything else remote is refused.
//!
//! What maps onto what:
//! - concepts: non-abstract items (`xbrli:item` substitution group); the data type from the item
//!   type (through the taxonomy's own derived types); period type, balance;
//! - labels (standard and documentation roles, every `xml:lang`) and references (Publisher, Name,
//!   Paragraph or the other parts as its code, Note); references in the `disclosureRef` role name
//!   the regulator, whose codes are the disclosure requirements;
//! - presentation: each extended link role is a group (its root heading's labels, or the role's
//!   definition); a concept's framework versions are the entry points whose presentation shows it;
//! - calculations (2.1 and 1.1 summation-item) with integral weights;
//! - dimensions: `all` hypercubes (and the primary items under a primary item's domain-member
//!   tree), hypercube-dimension, dimension-domain, domain-member (following targetRole),
//!   dimension-default: axes, their members with parents, the axes of each concept. Typed
//!   dimensions, `notAll`, tuples and prohibited/overriding arcs are not modelled.
//! - units: XBRL taxonomies list none. Those of esgx's own package come from its annotations (see
//!   [`super::annotations`]); for any other taxonomy each numeric concept allows the standard units
//!   of its item type: currencies for monetary items, tCO2e for GHG emissions, MWh/kWh/GJ for
//!   energy, t/kg for mass, m3 for volume, and a pure number for the other numeric types.

mod doc;
mod files;

use super::annotations::Annotations;
use super::source::*;
use super::{PackageInfo, SourceFile, SourceParts, Taxonomy};
use crate::diag::Code;
use crate::diag::{Diagnostic, Location};
use crate::ns::XS;
use crate::ns::{DIM_ARCROLE, DISCLOSURE_REF, DOC_ROLE, DTR_TYPES_PREFIX, LABEL_ROLE, LINK, XBRLDT, XBRLI};
use doc::Doc;
use files::{Package, Target};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

const SUMMATION_ITEMS: &[&str] = &[crate::ns::SUMMATION_ITEM_2003, crate::ns::SUMMATION_ITEM];

fn fail(path: &str, msg: impl Into<String>) -> Vec<Diagnostic> {
    vec![Diagnostic::error(Code::E0106, Location::file(path), msg.into())]
}

impl Taxonomy {
    /// A published XBRL taxonomy: a Taxonomy Package zip, a package folder or an entry-point
    /// schema. Nothing outside it is read, nothing is fetched.
    pub fn from_package(path: &Path) -> Result<Taxonomy, Vec<Diagnostic>> {
        let shown = path.display().to_string();
        let pkg = Package::open(path).map_err(|m| fail(&shown, m))?;
        Loader::new(&pkg).load().map_err(|m| fail(&shown, m))?.build(&pkg)
    }
}

/// An element declaration of the DTS.
#[derive(Debug)]
struct Decl {
    ns: String,
    name: String,
    ty: Option<(String, String)>,
    sg: Option<(String, String)>,
    abstract_: bool,
    typed: bool,
    period: Option<String>,
    balance: Option<String>,
    doc: String,
}

/// An arc with its ends resolved: element declarations or resources.
#[derive(Debug, Clone)]
struct Arc {
    role: String,
    arcrole: String,
    from: usize,
    to: End,
    order: f64,
    weight: Option<String>,
    target_role: Option<String>,
    context_element: Option<String>,
    doc: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum End {
    Decl(usize),
    Resource(usize),
}

#[derive(Debug)]
struct Resource {
    role: String,
    lang: String,
    text: String,
    /// Reference parts: (local name, text).
    parts: Vec<(String, String)>,
}

struct Loader<'p> {
    pkg: &'p Package,
    docs: BTreeMap<String, Doc>,
    /// Each entry point's documents.
    dts: Vec<Vec<String>>,
}

struct Loaded<'p> {
    pkg: &'p Package,
    docs: BTreeMap<String, Doc>,
    dts: Vec<HashSet<String>>,
    decls: Vec<Decl>,
    by_key: HashMap<String, usize>,
    by_qname: HashMap<(String, String), usize>,
    /// Derived types: (ns, name) -> base type.
    types: HashMap<(String, String), (String, String)>,
    role_definitions: HashMap<String, String>,
    annotations: Option<Annotations>,
    arcs: Vec<Arc>,
    resources: Vec<Resource>,
}

impl<'p> Loader<'p> {
    fn new(pkg: &'p Package) -> Self {
        Loader { pkg, docs: BTreeMap::new(), dts: Vec::new() }
    }

    fn load(mut self) -> Result<Loaded<'p>, String> {
        for ep in &self.pkg.entry_points {
            let mut order: Vec<String> = Vec::new();
            let mut queue: Vec<String> = ep.documents.iter().map(|(_, p)| p.clone()).collect();
            let mut seen: HashSet<String> = HashSet::new();
            while let Some(p) = queue.pop() {
                if !seen.insert(p.clone()) {
                    continue;
                }
                if !self.docs.contains_key(&p) {
                    let d = self.pkg.parse(&p)?;
                    self.docs.insert(p.clone(), d);
                }
                let d = &self.docs[&p];
                let mut found = Vec::new();
                for e in &d.els {
                    let href = if (e.is(XS, "import") || e.is(XS, "include")) && e.parent == Some(0) {
                        e.attr("schemaLocation")
                    } else if e.ns == LINK
                        && matches!(e.local.as_str(), "linkbaseRef" | "loc" | "roleRef" | "arcroleRef")
                    {
                        e.xlink("href")
                    } else {
                        None
                    };
                    if let Some(h) = href
                        && let Some(Target::Local(t)) = self.pkg.resolve(&p, h)?
                    {
                        found.push(t);
                    }
                }
                order.push(p);
                // Depth-first in document order.
                queue.extend(found.into_iter().rev());
            }
            self.dts.push(order);
        }
        let mut l = Loaded {
            pkg: self.pkg,
            docs: self.docs,
            dts: self.dts.iter().map(|d| d.iter().cloned().collect()).collect(),
            decls: Vec::new(),
            by_key: HashMap::new(),
            by_qname: HashMap::new(),
            types: HashMap::new(),
            role_definitions: HashMap::new(),
            annotations: None,
            arcs: Vec::new(),
            resources: Vec::new(),
        };
        // Schemas first, in discovery order, so that linkbases find every declaration.
        let mut all: Vec<String> = Vec::new();
        let mut listed = HashSet::new();
        for d in &self.dts {
            for p in d {
                if listed.insert(p.clone()) {
                    all.push(p.clone());
                }
            }
        }
        for p in &all {
            l.read_schema(p)?;
        }
        for p in &all {
            l.read_links(p)?;
        }
        Ok(l)
    }
}

impl Loaded<'_> {
    fn read_schema(&mut self, path: &str) -> Result<(), String> {
        let d = &self.docs[path];
        if !d.els[0].is(XS, "schema") {
            return Ok(());
        }
        let tns = d.els[0].attr("targetNamespace").unwrap_or("").to_string();
        for (i, e) in d.els.iter().enumerate() {
            if e.is(crate::ns::ESGX_TAXONOMY_SOURCE, super::annotations::ELEMENT) && self.annotations.is_none() {
                let a: Annotations = serde_json::from_str(&e.text)
                    .map_err(|er| format!("{}: esgx annotations cannot be read: {er}", d.path))?;
                self.annotations = Some(a);
            } else if e.is(LINK, "roleType")
                && let Some(uri) = e.attr("roleURI")
            {
                let def = d.els[i + 1..]
                    .iter()
                    .take_while(|x| x.parent.is_some_and(|p| p >= i))
                    .find(|x| x.parent == Some(i) && x.is(LINK, "definition"));
                self.role_definitions
                    .insert(uri.to_string(), def.map(|x| x.text.trim().to_string()).unwrap_or_default());
            } else if (e.is(XS, "restriction") || e.is(XS, "extension"))
                && let Some(base) = e.qname("base")
            {
                // The named type this derivation belongs to.
                let mut up = e.parent;
                while let Some(i) = up {
                    let t = &d.els[i];
                    if (t.is(XS, "complexType") || t.is(XS, "simpleType")) && t.parent == Some(0) {
                        if let Some(n) = t.attr("name") {
                            self.types
                                .entry((tns.clone(), n.to_string()))
                                .or_insert((base.0.to_string(), base.1.to_string()));
                        }
                        break;
                    }
                    up = t.parent;
                }
            }
        }
        for e in d.els.iter().filter(|e| e.is(XS, "element") && e.parent == Some(0)) {
            let Some(name) = e.attr("name") else { continue };
            let decl = Decl {
                ns: tns.clone(),
                name: name.to_string(),
                ty: e.qname("type").map(|(n, l)| (n.to_string(), l.to_string())),
                sg: e.qname("substitutionGroup").map(|(n, l)| (n.to_string(), l.to_string())),
                abstract_: matches!(e.attr("abstract"), Some("true" | "1")),
                typed: e.attr_ns(XBRLDT, "typedDomainRef").is_some(),
                period: e.attr_ns(XBRLI, "periodType").map(String::from),
                balance: e.attr_ns(XBRLI, "balance").map(String::from),
                doc: path.to_string(),
            };
            let key = (decl.ns.clone(), decl.name.clone());
            if self.by_qname.contains_key(&key) {
                continue;
            }
            let i = self.decls.len();
            if let Some(id) = e.attr("id") {
                self.by_key.insert(format!("{path}#{id}"), i);
            }
            self.by_qname.insert(key, i);
            self.decls.push(decl);
        }
        Ok(())
    }

    fn read_links(&mut self, path: &str) -> Result<(), String> {
        let d = &self.docs[path];
        let mut kids_of: Vec<Vec<usize>> = vec![Vec::new(); d.els.len()];
        for (i, e) in d.els.iter().enumerate() {
            if let Some(p) = e.parent {
                kids_of[p].push(i);
            }
        }
        let links: Vec<usize> =
            (0..d.els.len()).filter(|i| d.els[*i].ns == LINK && d.els[*i].xlink("type") == Some("extended")).collect();
        for li in links {
            let link = &d.els[li];
            let role = link.xlink("role").unwrap_or("").to_string();
            let mut labels: HashMap<&str, Vec<End>> = HashMap::new();
            let kids = &kids_of[li];
            for &k in kids {
                let e = &d.els[k];
                let Some(label) = e.xlink("label") else { continue };
                match e.xlink("type") {
                    Some("locator") => {
                        let href = e.xlink("href").unwrap_or("");
                        let frag = href.split_once('#').map(|(_, f)| f).unwrap_or("");
                        let Some(Target::Local(doc)) =
                            self.pkg.resolve(path, href)?.or(Some(Target::Local(path.to_string())))
                        else {
                            continue;
                        };
                        if let Some(&di) = self.by_key.get(&format!("{doc}#{frag}")) {
                            labels.entry(label).or_default().push(End::Decl(di));
                        }
                    }
                    Some("resource") => {
                        let parts = kids_of[k]
                            .iter()
                            .map(|&i| (d.els[i].local.clone(), d.els[i].text.trim().to_string()))
                            .collect();
                        self.resources.push(Resource {
                            role: e.xlink("role").unwrap_or(LABEL_ROLE).to_string(),
                            lang: e.attr_ns(crate::ns::XML, "lang").unwrap_or("").to_string(),
                            text: e.text.trim().to_string(),
                            parts,
                        });
                        labels.entry(label).or_default().push(End::Resource(self.resources.len() - 1));
                    }
                    _ => {}
                }
            }
            for &k in kids {
                let e = &d.els[k];
                if e.xlink("type") != Some("arc") || e.attr("use") == Some("prohibited") {
                    continue;
                }
                let (Some(arcrole), Some(from), Some(to)) = (e.xlink("arcrole"), e.xlink("from"), e.xlink("to")) else {
                    continue;
                };
                for f in labels.get(from).into_iter().flatten() {
                    let End::Decl(f) = *f else { continue };
                    for t in labels.get(to).into_iter().flatten() {
                        self.arcs.push(Arc {
                            role: role.clone(),
                            arcrole: arcrole.to_string(),
                            from: f,
                            to: *t,
                            order: e.attr("order").and_then(|o| o.parse().ok()).unwrap_or(1.0),
                            weight: e.attr("weight").map(String::from),
                            target_role: e.attr_ns(XBRLDT, "targetRole").map(String::from),
                            context_element: e.attr_ns(XBRLDT, "contextElement").map(String::from),
                            doc: path.to_string(),
                        });
                    }
                }
            }
        }
        Ok(())
    }

    fn is_sg(&self, decl: &Decl, ns: &str, local: &str) -> bool {
        let mut sg = decl.sg.clone();
        for _ in 0..16 {
            match sg {
                Some((n, l)) if n == ns && l == local => return true,
                Some(key) => sg = self.by_qname.get(&key).and_then(|i| self.decls[*i].sg.clone()),
                None => return false,
            }
        }
        false
    }

    /// The data type of an item type, following the taxonomy's own derivations.
    fn data_type(&self, ty: &Option<(String, String)>) -> Option<DataType> {
        let mut t = ty.clone()?;
        for _ in 0..16 {
            if let Some(dt) = standard_type(&t.0, &t.1) {
                return Some(dt);
            }
            t = self.types.get(&t)?.clone();
        }
        None
    }

    fn arcs<'a>(&'a self, arcrole: &'a str) -> impl Iterator<Item = &'a Arc> + 'a {
        self.arcs.iter().filter(move |a| a.arcrole == arcrole)
    }

    fn build(self, pkg: &Package) -> Result<Taxonomy, Vec<Diagnostic>> {
        let shown = pkg.shown.clone();
        let ann = self.annotations.clone();
        let standard = |ns: &str| {
            ns.starts_with("http://www.xbrl.org/")
                || ns.starts_with("http://xbrl.org/")
                || ns.starts_with("https://xbrl.org/")
        };
        let is_item = |d: &Decl| self.is_sg(d, XBRLI, "item");
        let is_dim = |d: &Decl| self.is_sg(d, XBRLDT, "dimensionItem");
        // The taxonomy's namespace: the one its concepts and axes are in.
        let mut namespaces: Vec<&str> = Vec::new();
        for d in self.decls.iter().filter(|d| !standard(&d.ns) && ((is_item(d) && !d.abstract_) || is_dim(d))) {
            if !namespaces.contains(&d.ns.as_str()) {
                namespaces.push(&d.ns);
            }
        }
        let namespace = match namespaces.as_slice() {
            [ns] => ns.to_string(),
            [] => return Err(fail(&shown, "the taxonomy declares no concept")),
            many => {
                return Err(fail(
                    &shown,
                    format!(
                        "the taxonomy declares concepts in {} namespaces ({}); esgx's model holds one base namespace",
                        many.len(),
                        many.join(", ")
                    ),
                ));
            }
        };
        // Its main schema: the one that declares most of its concepts.
        let mut per_doc: BTreeMap<&str, usize> = BTreeMap::new();
        for d in self.decls.iter().filter(|d| d.ns == namespace) {
            *per_doc.entry(&d.doc).or_default() += 1;
        }
        let schema_path = per_doc.iter().max_by_key(|(_, n)| **n).map(|(p, _)| p.to_string()).unwrap_or_default();
        let schema_file = schema_path.rsplit('/').next().unwrap_or("").to_string();
        let schema_stem = schema_file.trim_end_matches(".xsd").to_string();
        let prefix = self.docs[&schema_path].els[0]
            .decls
            .iter()
            .find(|(p, n)| *n == namespace && !p.is_empty())
            .map(|(p, _)| p.clone())
            .unwrap_or_else(|| "tax".to_string());
        let labels = self.labels();
        let label_of = |i: usize, role: &str| -> Option<Labels> {
            let by_lang = labels.get(&(i, role.to_string()))?;
            let mut out = Labels::default();
            let en = by_lang.get("en").or_else(|| by_lang.iter().find(|(l, _)| l.starts_with("en")).map(|(_, t)| t));
            out.en = en.cloned().unwrap_or_else(|| self.decls[i].name.clone());
            for (lang, text) in by_lang {
                if lang != "en" {
                    out.set(lang, text.clone());
                }
            }
            Some(out)
        };
        let labels_or_name = |i: usize| label_of(i, LABEL_ROLE).unwrap_or_else(|| Labels::en(&self.decls[i].name));

        // Framework versions: one per entry point.
        let frameworks: Vec<Framework> = pkg
            .entry_points
            .iter()
            .map(|ep| {
                let file = ep.documents.first().map(|(_, p)| p.rsplit('/').next().unwrap_or(p)).unwrap_or("");
                let stem = file.trim_end_matches(".xsd");
                let id = stem.strip_prefix(&format!("{schema_stem}-")).unwrap_or(stem).to_string();
                Framework { id, title: if ep.name.is_empty() { stem.to_string() } else { ep.name.clone() } }
            })
            .collect();
        let all_fw: Vec<String> = frameworks.iter().map(|f| f.id.clone()).collect();

        // Dimensions.
        let (axes, concept_axes, container) = self.dimensions(&namespace, &labels_or_name, &ann);
        let axis_names: HashMap<usize, String> = axes.iter().map(|(i, a)| (*i, a.name.clone())).collect();

        // Presentation: groups, and which entry points show each concept.
        let mut groups: Vec<Group> = Vec::new();
        let mut concept_group: HashMap<usize, String> = HashMap::new();
        let mut shown_in: HashMap<usize, Vec<usize>> = HashMap::new();
        let pres: Vec<&Arc> = self.arcs(crate::ns::PARENT_CHILD).collect();
        for (ep, docs) in self.dts.iter().enumerate() {
            for a in pres.iter().filter(|a| docs.contains(&a.doc)) {
                let id = a.role.trim_end_matches('/').rsplit('/').next().unwrap_or("").to_string();
                if !groups.iter().any(|g| g.id == id) {
                    // Its heading: the root of the tree, if it has labels; else the role's definition.
                    let root = {
                        let mut r = a.from;
                        let mut guard = 0;
                        while let Some(p) = pres.iter().find(|x| x.role == a.role && x.to == End::Decl(r)) {
                            r = p.from;
                            guard += 1;
                            if guard > 64 {
                                break;
                            }
                        }
                        r
                    };
                    let labels = label_of(root, LABEL_ROLE)
                        .filter(|_| self.decls[root].abstract_)
                        .or_else(|| self.role_definitions.get(&a.role).filter(|d| !d.is_empty()).map(Labels::en))
                        .unwrap_or_else(|| Labels::en(&id));
                    groups.push(Group { id: id.clone(), labels });
                }
                for end in [End::Decl(a.from), a.to] {
                    let End::Decl(c) = end else { continue };
                    concept_group.entry(c).or_insert_with(|| id.clone());
                    let e = shown_in.entry(c).or_default();
                    if !e.contains(&ep) {
                        e.push(ep);
                    }
                }
            }
        }

        // Calculations.
        let mut summations: HashMap<usize, Vec<(f64, SummationItem)>> = HashMap::new();
        for a in self.arcs.iter().filter(|a| SUMMATION_ITEMS.contains(&a.arcrole.as_str())) {
            let End::Decl(to) = a.to else { continue };
            let w: f64 = a.weight.as_deref().and_then(|w| w.trim().parse().ok()).unwrap_or(1.0);
            if w.fract() != 0.0 {
                continue;
            }
            summations
                .entry(a.from)
                .or_default()
                .push((a.order, SummationItem { concept: self.decls[to].name.clone(), weight: w as i32 }));
        }

        // References, and the regulator: the publisher of disclosure references.
        let mut references: HashMap<usize, Vec<Reference>> = HashMap::new();
        let mut regulators: BTreeMap<String, usize> = BTreeMap::new();
        for a in self.arcs(crate::ns::CONCEPT_REFERENCE) {
            let End::Resource(r) = a.to else { continue };
            let res = &self.resources[r];
            let part = |n: &str| res.parts.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
            let publisher = part("Publisher").unwrap_or_default();
            let code = part("Paragraph").unwrap_or_else(|| {
                res.parts
                    .iter()
                    .filter(|(k, _)| !matches!(k.as_str(), "Publisher" | "Name" | "Note" | "URI" | "URIDate"))
                    .map(|(_, v)| v.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            });
            if res.role == DISCLOSURE_REF && !publisher.is_empty() {
                *regulators.entry(publisher.clone()).or_default() += 1;
            }
            references.entry(a.from).or_default().push(Reference {
                publisher,
                name: part("Name"),
                code,
                note: part("Note"),
            });
        }
        let regulator = regulators.into_iter().max_by_key(|(_, n)| *n).map(|(p, _)| p);

        // Concepts, in declaration order.
        let common: Vec<String> = ann.as_ref().map(|a| a.common_axes.clone()).unwrap_or_default();
        let mut concepts = Vec::new();
        let mut need_other_group = false;
        for (i, d) in self.decls.iter().enumerate() {
            if d.ns != namespace || d.abstract_ || !is_item(d) || d.ty.as_ref().is_some_and(|t| t.1 == "domainItemType")
            {
                continue;
            }
            let Some(data_type) = self.data_type(&d.ty) else {
                return Err(fail(&shown, format!("concept {}: unknown item type {:?}", d.name, d.ty)));
            };
            let rules = ann.as_ref().and_then(|a| a.concepts.get(&d.name)).cloned().unwrap_or_default();
            let mut frameworks: Vec<String> = match shown_in.get(&i) {
                Some(eps) => eps.iter().map(|e| all_fw[*e].clone()).collect(),
                None => {
                    (0..self.dts.len()).filter(|e| self.dts[*e].contains(&d.doc)).map(|e| all_fw[e].clone()).collect()
                }
            };
            frameworks.sort_by_key(|f| all_fw.iter().position(|x| x == f));
            if frameworks.len() == all_fw.len() {
                frameworks.clear();
            }
            let group = concept_group.get(&i).cloned().unwrap_or_else(|| {
                need_other_group = true;
                "other".to_string()
            });
            let mut axes: Vec<usize> = concept_axes.get(&i).cloned().unwrap_or_default();
            // Axes in the taxonomy's order (their declaration order).
            axes.sort();
            let axes: Vec<String> = axes
                .iter()
                .filter_map(|a| axis_names.get(a).cloned())
                .filter(|a| !(data_type.is_numeric() && common.contains(a)))
                .collect();
            let mut sums = summations.remove(&i).unwrap_or_default();
            sums.sort_by(|a, b| a.0.total_cmp(&b.0));
            let units = if !data_type.is_numeric() {
                Vec::new()
            } else if ann.is_some() {
                rules.units.clone()
            } else {
                standard_units_for(data_type)
            };
            concepts.push((
                self.decls[i].doc.clone(),
                ConceptDef {
                    name: d.name.clone(),
                    aliases: rules.aliases,
                    data_type,
                    period_type: if d.period.as_deref() == Some("instant") {
                        PeriodType::Instant
                    } else {
                        PeriodType::Duration
                    },
                    balance: match d.balance.as_deref() {
                        Some("debit") => Some(Balance::Debit),
                        Some("credit") => Some(Balance::Credit),
                        _ => None,
                    },
                    units,
                    axes,
                    group,
                    frameworks,
                    additive: rules.additive,
                    intensity: rules.intensity,
                    summation: sums.into_iter().map(|(_, s)| s).collect(),
                    weighted_by: rules.weighted_by,
                    share_of: rules.share_of,
                    fraction_of: rules.fraction_of,
                    change_of: rules.change_of,
                    moves_with: rules.moves_with,
                    labels: labels_or_name(i),
                    documentation: label_of(i, DOC_ROLE),
                    references: references.remove(&i).unwrap_or_default(),
                },
            ));
        }
        if need_other_group {
            groups.push(Group { id: "other".into(), labels: Labels::en("Other concepts") });
        }
        if let Some(a) = &ann {
            groups.sort_by_key(|g| a.group_order.iter().position(|x| *x == g.id).unwrap_or(usize::MAX));
        }

        // Units and requirements.
        let (unit_namespaces, units) = match &ann {
            Some(a) => (a.unit_namespaces.clone(), a.units.clone()),
            None => standard_units(),
        };
        let requirements = match &ann {
            // Only the framework versions this load has (a loose entry point is one of them).
            Some(a) => a
                .requirements
                .iter()
                .cloned()
                .map(|mut r| {
                    r.frameworks.retain(|f| all_fw.contains(f));
                    r
                })
                .filter(|r| !r.frameworks.is_empty())
                .collect(),
            None => derived_requirements(&concepts, regulator.as_deref(), &all_fw),
        };
        let stem = pkg.shown.rsplit(['/', '\\']).next().unwrap_or("").trim_end_matches(".zip").trim_end_matches(".xsd");
        let info = TaxonomyFile {
            name: ann.as_ref().map(|a| a.name.clone()).unwrap_or_else(|| stem.to_string()),
            title: if pkg.metadata.name.is_empty() { stem.to_string() } else { pkg.metadata.name.clone() },
            description: pkg.metadata.description.clone(),
            publisher: pkg.metadata.publisher.clone(),
            regulator,
            version: pkg.metadata.version.clone(),
            namespace: namespace.clone(),
            prefix,
            schema_file,
            dimension_container: container,
            frameworks,
            groups,
            common_axes: common,
            statement_axis: ann.as_ref().and_then(|a| a.statement_axis.clone()),
        };
        let parts = SourceParts {
            info,
            units: UnitsFile { namespaces: unit_namespaces, units },
            dimensions: DimensionsFile { axes: axes.into_iter().map(|(_, a)| a).collect() },
            requirements,
            concepts,
        };
        let sources: Vec<SourceFile> = self
            .docs
            .keys()
            .map(|p| SourceFile { path: format!("{shown}:{p}"), bytes: pkg.read(p).unwrap_or_default() })
            .collect();
        let mut tax = Taxonomy::from_parts(&shown, parts, sources)?;
        tax.base_location = pkg.url_of(&schema_path).map(|u| u.trim_end_matches(&tax.info.schema_file).to_string());
        tax.package = Some(PackageInfo {
            path: shown.clone(),
            schema_urls: self
                .docs
                .iter()
                .filter(|(_, d)| d.els[0].is(XS, "schema"))
                .filter_map(|(p, _)| pkg.url_of(p))
                .collect(),
            entry_points: pkg
                .entry_points
                .iter()
                .zip(&tax.info.frameworks)
                .filter_map(|(ep, f)| ep.documents.first().map(|(href, _)| (f.id.clone(), href.clone())))
                .collect(),
        });
        Ok(tax)
    }

    /// (decl, role) -> lang -> text, for concept-label arcs.
    fn labels(&self) -> HashMap<(usize, String), BTreeMap<String, String>> {
        let mut out: HashMap<(usize, String), BTreeMap<String, String>> = HashMap::new();
        for a in self.arcs(crate::ns::CONCEPT_LABEL) {
            let End::Resource(r) = a.to else { continue };
            let res = &self.resources[r];
            out.entry((a.from, res.role.clone())).or_default().entry(res.lang.clone()).or_insert(res.text.clone());
        }
        out
    }

    /// Axes (by declaration, in declaration order), each concept's axes, and the context element.
    #[allow(clippy::type_complexity)]
    fn dimensions(
        &self,
        namespace: &str,
        labels: &dyn Fn(usize) -> Labels,
        ann: &Option<Annotations>,
    ) -> (Vec<(usize, AxisDef)>, HashMap<usize, Vec<usize>>, DimensionContainer) {
        let dim = |a: &str| format!("{DIM_ARCROLE}{a}");
        let (all, hd, dd, dm, default) = (
            dim("all"),
            dim("hypercube-dimension"),
            dim("dimension-domain"),
            dim("domain-member"),
            dim("dimension-default"),
        );
        let mut container = None;
        // axis -> (domain, [(member, parent)])
        let mut axes: BTreeMap<usize, (usize, Vec<(usize, Option<usize>)>)> = BTreeMap::new();
        let mut concept_axes: HashMap<usize, Vec<usize>> = HashMap::new();
        // Arcs by (from, role): large taxonomies have many.
        let index = |arcrole: &str| {
            let mut m: HashMap<(usize, &str), Vec<&Arc>> = HashMap::new();
            for a in self.arcs.iter().filter(|a| a.arcrole == arcrole && matches!(a.to, End::Decl(_))) {
                m.entry((a.from, a.role.as_str())).or_default().push(a);
            }
            for v in m.values_mut() {
                v.sort_by(|a, b| a.order.total_cmp(&b.order));
            }
            m
        };
        let (dm_index, hd_index, dd_index) = (index(&dm), index(&hd), index(&dd));
        let from_in = |m: &HashMap<(usize, &str), Vec<&'_ Arc>>, from: usize, role: &str| -> Vec<Arc> {
            m.get(&(from, role)).map(|v| v.iter().map(|a| (*a).clone()).collect()).unwrap_or_default()
        };
        let children = |from: usize, role: &str| from_in(&dm_index, from, role);
        for a in self.arcs(&all) {
            let End::Decl(hc) = a.to else { continue };
            if container.is_none() {
                container = a.context_element.clone();
            }
            let hc_role = a.target_role.clone().unwrap_or_else(|| a.role.clone());
            let mut hc_axes = Vec::new();
            for h in from_in(&hd_index, hc, &hc_role) {
                let End::Decl(ax) = h.to else { continue };
                if self.decls[ax].typed || self.decls[ax].ns != namespace {
                    continue;
                }
                hc_axes.push(ax);
                let dom_role = h.target_role.clone().unwrap_or_else(|| hc_role.clone());
                for d in from_in(&dd_index, ax, &dom_role) {
                    let End::Decl(domain) = d.to else { continue };
                    let entry = axes.entry(ax).or_insert((domain, Vec::new()));
                    let mem_role = d.target_role.clone().unwrap_or_else(|| dom_role.clone());
                    // Depth first from the domain, following targetRole: parents before children.
                    let mut stack = vec![(domain, mem_role, None)];
                    let mut seen = HashSet::from([domain]);
                    while let Some((node, role, parent)) = stack.pop() {
                        if node != entry.0 && !entry.1.iter().any(|(x, _)| *x == node) {
                            entry.1.push((node, parent.filter(|p| *p != entry.0)));
                        }
                        let mut next = Vec::new();
                        for k in children(node, &role) {
                            let End::Decl(m) = k.to else { continue };
                            if seen.insert(m) {
                                next.push((m, k.target_role.clone().unwrap_or_else(|| role.clone()), Some(node)));
                            }
                        }
                        stack.extend(next.into_iter().rev());
                    }
                }
            }
            // The primary item and the items under it in its domain-member tree.
            let mut stack = vec![(a.from, a.role.clone())];
            let mut seen = HashSet::new();
            while let Some((p, role)) = stack.pop() {
                if !seen.insert(p) {
                    continue;
                }
                let v = concept_axes.entry(p).or_default();
                for ax in &hc_axes {
                    if !v.contains(ax) {
                        v.push(*ax);
                    }
                }
                for k in children(p, &role) {
                    if let End::Decl(c) = k.to {
                        stack.push((c, k.target_role.clone().unwrap_or_else(|| role.clone())));
                    }
                }
            }
        }
        let defaults: HashMap<usize, usize> = self
            .arcs(&default)
            .filter_map(|a| match a.to {
                End::Decl(d) => Some((a.from, d)),
                _ => None,
            })
            .collect();
        let mut out = Vec::new();
        for (ax, (mut domain, mut members)) in axes {
            if let Some(&def) = defaults.get(&ax)
                && def != domain
                && let Some(pos) = members.iter().position(|(m, _)| *m == def)
            {
                // The model's domain is the default member.
                members.remove(pos);
                members.insert(0, (domain, None));
                domain = def;
            }
            let rules = ann.as_ref().and_then(|a| a.axes.get(&self.decls[ax].name)).cloned().unwrap_or_default();
            let member = |m: usize, parent: Option<usize>| MemberDef {
                name: self.decls[m].name.clone(),
                aliases: rules.member_aliases.get(&self.decls[m].name).cloned().unwrap_or_default(),
                labels: labels(m),
                parent: parent.map(|p| self.decls[p].name.clone()),
                partition: rules.member_partitions.contains(&self.decls[m].name),
            };
            out.push((
                ax,
                AxisDef {
                    name: self.decls[ax].name.clone(),
                    aliases: rules.aliases.clone(),
                    labels: labels(ax),
                    partition: rules.partition,
                    domain: member(domain, None),
                    members: members.iter().map(|(m, p)| member(*m, *p)).collect(),
                },
            ));
        }
        let container = match container.as_deref() {
            Some("segment") => DimensionContainer::Segment,
            _ => DimensionContainer::Scenario,
        };
        (out, concept_axes, container)
    }
}

/// The data type of a standard item type (XBRL 2.1 or the Data Type Registry), by name.
fn standard_type(ns: &str, local: &str) -> Option<DataType> {
    if ns == XBRLI {
        return Some(match local {
            "monetaryItemType" => DataType::Monetary,
            "pureItemType" => DataType::Pure,
            "integerItemType"
            | "nonNegativeIntegerItemType"
            | "positiveIntegerItemType"
            | "nonPositiveIntegerItemType"
            | "negativeIntegerItemType"
            | "longItemType"
            | "intItemType"
            | "shortItemType"
            | "byteItemType"
            | "unsignedLongItemType"
            | "unsignedIntItemType"
            | "unsignedShortItemType"
            | "unsignedByteItemType" => DataType::Integer,
            "decimalItemType" | "floatItemType" | "doubleItemType" | "sharesItemType" | "fractionItemType" => {
                DataType::Decimal
            }
            "booleanItemType" => DataType::Boolean,
            "dateItemType" | "dateTimeItemType" => DataType::Date,
            _ => DataType::String,
        });
    }
    if ns.starts_with(DTR_TYPES_PREFIX) {
        return Some(match local {
            "percentItemType" => DataType::Percent,
            "ghgEmissionsItemType" => DataType::GhgEmissions,
            "energyItemType" => DataType::Energy,
            "massItemType" => DataType::Mass,
            "volumeItemType" => DataType::Volume,
            "areaItemType" => DataType::Area,
            "textBlockItemType" => DataType::TextBlock,
            "domainItemType"
            | "noLangTokenItemType"
            | "noLangStringItemType"
            | "escapedItemType"
            | "xmlNodesItemType"
            | "xmlItemType"
            | "SQNameItemType"
            | "SQNamesItemType"
            | "gYearListItemType"
            | "prefixedContentItemType"
            | "dateOrDateTimeItemType" => DataType::String,
            _ => DataType::Decimal,
        });
    }
    None
}

/// Units for a taxonomy that lists none: (id, measure, data types it fits, label).
const STANDARD_UNITS: &[(&str, &str, &str)] = &[
    ("pure", "xbrli:pure", "pure number"),
    ("tCO2e", "utr:tCO2e", "tonnes of CO2 equivalent"),
    ("t", "utr:t", "tonnes"),
    ("kg", "utr:kg", "kilograms"),
    ("MWh", "utr:MWh", "megawatt-hours"),
    ("kWh", "utr:kWh", "kilowatt-hours"),
    ("GJ", "utr:GJ", "gigajoules"),
    ("m3", "utr:m3", "cubic metres"),
    ("m2", "utr:sqm", "square metres"),
    ("USD", "iso4217:USD", "US dollars"),
    ("EUR", "iso4217:EUR", "euros"),
    ("GBP", "iso4217:GBP", "pounds sterling"),
    ("JPY", "iso4217:JPY", "yen"),
    ("CNY", "iso4217:CNY", "yuan renminbi"),
    ("HKD", "iso4217:HKD", "Hong Kong dollars"),
    ("CHF", "iso4217:CHF", "Swiss francs"),
    ("AUD", "iso4217:AUD", "Australian dollars"),
    ("CAD", "iso4217:CAD", "Canadian dollars"),
    ("SGD", "iso4217:SGD", "Singapore dollars"),
];

fn standard_units() -> (BTreeMap<String, String>, Vec<UnitDef>) {
    let ns = BTreeMap::from([
        ("xbrli".to_string(), XBRLI.to_string()),
        ("utr".to_string(), crate::ns::UTR.to_string()),
        ("iso4217".to_string(), crate::ns::ISO4217.to_string()),
    ]);
    let units = STANDARD_UNITS
        .iter()
        .map(|(id, m, label)| UnitDef {
            id: id.to_string(),
            numerator: vec![m.to_string()],
            denominator: Vec::new(),
            labels: Labels::en(*label),
            aliases: Vec::new(),
            conversion: None,
        })
        .collect();
    (ns, units)
}

fn standard_units_for(t: DataType) -> Vec<String> {
    let fits = |measure: &str| match t {
        DataType::Monetary => measure.starts_with("iso4217:"),
        DataType::GhgEmissions => measure == "utr:tCO2e",
        DataType::Energy => matches!(measure, "utr:MWh" | "utr:kWh" | "utr:GJ"),
        DataType::Mass => matches!(measure, "utr:t" | "utr:kg"),
        DataType::Volume => measure == "utr:m3",
        DataType::Area => measure == "utr:sqm",
        _ => measure == "xbrli:pure",
    };
    STANDARD_UNITS.iter().filter(|(_, m, _)| fits(m)).map(|(id, _, _)| id.to_string()).collect()
}

/// Requirements of a taxonomy that says nothing of levels: each code the regulator's references
/// give, in every framework version of the concepts that answer it, as voluntary.
fn derived_requirements(
    concepts: &[(String, ConceptDef)],
    regulator: Option<&str>,
    all_fw: &[String],
) -> Vec<Requirement> {
    let Some(regulator) = regulator else { return Vec::new() };
    let mut out: Vec<Requirement> = Vec::new();
    for (_, c) in concepts {
        let fws: Vec<String> = if c.frameworks.is_empty() { all_fw.to_vec() } else { c.frameworks.clone() };
        for r in c.references.iter().filter(|r| r.publisher == regulator && !r.code.is_empty()) {
            match out.iter_mut().find(|x| x.code == r.code) {
                Some(x) => {
                    for f in &fws {
                        if !x.frameworks.contains(f) {
                            x.frameworks.push(f.clone());
                        }
                    }
                }
                None => out.push(Requirement {
                    code: r.code.clone(),
                    frameworks: fws.clone(),
                    level: Level::Voluntary,
                    labels: Labels::en(r.name.clone().map(|n| format!("{n} {}", r.code)).unwrap_or(r.code.clone())),
                    note: None,
                }),
            }
        }
    }
    for r in &mut out {
        r.frameworks.sort_by_key(|f| all_fw.iter().position(|x| x == f));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::files::normalize;

    #[test]
    fn paths_never_climb_out_of_the_package() {
        assert_eq!(normalize("a/b/../c.xsd").as_deref(), Some("a/c.xsd"));
        assert_eq!(normalize("./a//b.xsd").as_deref(), Some("a/b.xsd"));
        assert_eq!(normalize("a/../../etc/passwd"), None);
        assert_eq!(normalize("../x.xsd"), None);
    }
}
