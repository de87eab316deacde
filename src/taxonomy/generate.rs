//! Generate the XBRL taxonomy from the resolved source: a schema and its label, reference,
//! presentation, calculation (Calculations 1.1) and definition (dimensions) linkbases, for the
//! base taxonomy and, when a dataset declares one, for its company extension.

use super::source::{DimensionContainer, Labels};
use super::{Layer, Taxonomy};
use crate::ns::{
    DIM_ARCROLE, DOC_ROLE, DTR_TYPES, DTR_TYPES_XSD, ESGX_TAXONOMY_SOURCE, INSTANCE_XSD, LABEL_ROLE, LINK,
    LINKBASE_XSD, REF, REF_XSD, SUMMATION_ITEM, XBRLDT, XBRLDT_XSD, XBRLI, XLINK, XS, XSI,
};
use crate::xml::XmlWriter;
use std::collections::BTreeMap;

/// Where an extension schema carries its esgx source definition (JSON) in its appinfo.
pub const EXTENSION_SOURCE_ELEMENT: &str = "esgxsrc:extension";

/// A generated file: its path relative to the taxonomy folder, and its text.
#[derive(Debug, Clone)]
pub struct GeneratedFile {
    /// The file's path relative to the taxonomy folder.
    pub path: String,
    /// `taxonomy-schema` or `taxonomy-linkbase`.
    pub kind: &'static str,
    /// The file's text (XML).
    pub text: String,
}

/// A hypercube: one per distinct set of axes that concepts of a layer carry.
struct Hypercube {
    name: String,
    axes: Vec<usize>,
    primaries: Vec<usize>,
}

struct Layout<'a> {
    tax: &'a Taxonomy,
    layer: Layer,
    prefix: &'a str,
    ns: &'a str,
    stem: String,
    hypercubes: Vec<Hypercube>,
}

/// Every file of the taxonomy: the base layer, and the extension layer if there is one.
pub fn generate(tax: &Taxonomy) -> Vec<GeneratedFile> {
    let mut files = generate_layer(tax, Layer::Base);
    if tax.extension.is_some() {
        files.extend(generate_layer(tax, Layer::Extension));
    }
    files
}

/// The names of the schema files [`generate`] writes (base schema, one entry point per framework
/// version, the extension schema), known without generating any text.
pub fn schema_files(tax: &Taxonomy) -> Vec<String> {
    let mut names = vec![tax.info.schema_file.clone()];
    names.extend(tax.info.frameworks.iter().map(|fw| entry_point_file(tax, &fw.id)));
    names.extend(tax.extension.as_ref().map(|e| e.schema_file.clone()));
    names
}

/// A schema file's name without `.xsd`.
pub fn stem(schema_file: &str) -> String {
    schema_file.trim_end_matches(".xsd").to_string()
}

fn generate_layer(tax: &Taxonomy, layer: Layer) -> Vec<GeneratedFile> {
    let schema_file = match layer {
        Layer::Base => tax.info.schema_file.clone(),
        Layer::Extension => tax.extension.as_ref().expect("extension layer exists").schema_file.clone(),
    };
    let mut hypercubes: Vec<Hypercube> = Vec::new();
    for (ci, c) in tax.concepts.iter().enumerate().filter(|(_, c)| c.layer == layer) {
        if c.hypercube_axes.is_empty() {
            continue;
        }
        let mut axes = c.hypercube_axes.clone();
        axes.sort();
        match hypercubes.iter_mut().find(|h| h.axes == axes) {
            Some(h) => h.primaries.push(ci),
            None => {
                let name = format!(
                    "{}Hypercube",
                    axes.iter().map(|a| tax.axes[*a].name().trim_end_matches("Axis")).collect::<String>()
                );
                hypercubes.push(Hypercube { name, axes, primaries: vec![ci] });
            }
        }
    }
    let lay = Layout {
        tax,
        layer,
        prefix: tax.layer_prefix(layer),
        ns: tax.layer_namespace(layer),
        stem: stem(&schema_file),
        hypercubes,
    };
    // The base schema holds every concept of every framework version; each version's entry
    // point imports it and adds the presentation of that version's concepts. An extension is one
    // schema with all its linkbases.
    let mut linkbases = vec![
        ("lab", "labelLinkbaseRef", labels(&lay)),
        ("ref", "referenceLinkbaseRef", references(&lay)),
        ("pre", "presentationLinkbaseRef", if layer == Layer::Extension { presentation(&lay, None) } else { None }),
        ("cal", "calculationLinkbaseRef", calculation(&lay)),
        ("def", "definitionLinkbaseRef", definition(&lay)),
    ];
    linkbases.retain(|(_, _, text)| text.is_some());
    let mut files =
        vec![GeneratedFile { path: schema_file.clone(), kind: "taxonomy-schema", text: schema(&lay, &linkbases) }];
    for (suffix, _, text) in linkbases {
        files.push(GeneratedFile {
            path: format!("{}-{suffix}.xml", lay.stem),
            kind: "taxonomy-linkbase",
            text: text.expect("retained"),
        });
    }
    if layer == Layer::Base {
        for fw in &tax.info.frameworks {
            let pre = presentation(&lay, Some(&fw.id));
            files.push(GeneratedFile {
                path: entry_point_file(tax, &fw.id),
                kind: "taxonomy-schema",
                text: entry_point(&lay, &fw.id, pre.is_some()),
            });
            if let Some(text) = pre {
                files.push(GeneratedFile {
                    path: format!("{}-{}-pre.xml", lay.stem, fw.id),
                    kind: "taxonomy-linkbase",
                    text,
                });
            }
        }
    }
    files
}

/// The entry point schema of a framework version.
pub fn entry_point_file(tax: &Taxonomy, framework: &str) -> String {
    format!("{}-{framework}.xsd", stem(&tax.info.schema_file))
}

/// A framework version's entry point: imports the base schema, adds its presentation.
fn entry_point(lay: &Layout, framework: &str, has_pre: bool) -> String {
    let tax = lay.tax;
    let mut w = XmlWriter::new();
    let xmlns = format!("xmlns:{}", tax.info.prefix);
    w.start(
        "xs:schema",
        &[
            ("xmlns:xs", XS),
            ("xmlns:link", LINK),
            ("xmlns:xlink", XLINK),
            (xmlns.as_str(), &tax.info.namespace),
            ("targetNamespace", &tax.info.namespace),
            ("elementFormDefault", "qualified"),
        ],
    );
    if has_pre {
        w.start("xs:annotation", &[]);
        w.start("xs:appinfo", &[]);
        let href = format!("{}-{framework}-pre.xml", lay.stem);
        w.empty(
            "link:linkbaseRef",
            &[
                ("xlink:type", "simple"),
                ("xlink:href", &href),
                ("xlink:role", crate::ns::PRESENTATION_LINKBASE_REF),
                ("xlink:arcrole", "http://www.w3.org/1999/xlink/properties/linkbase"),
            ],
        );
        w.end();
        w.end();
    }
    w.empty("xs:include", &[("schemaLocation", &tax.info.schema_file)]);
    w.finish()
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn group_abstract(id: &str) -> String {
    format!("{}Abstract", capitalize(&id.replace(['-', '.'], "_")))
}

impl Layout<'_> {
    fn role(&self, kind: &str, name: &str) -> String {
        format!("{}/role/{kind}/{name}", self.ns)
    }
    /// The role of an axis's members: in the namespace of the schema that declares the axis.
    fn axis_role(&self, axis: &super::Axis) -> String {
        format!("{}/role/axis/{}", self.tax.layer_namespace(axis.layer), axis.name())
    }
    /// The schema that declares an axis (and its role type), as this layer's files refer to it.
    fn axis_schema_href(&self, axis: &super::Axis) -> String {
        match axis.layer {
            Layer::Base => self.base_schema_href(),
            Layer::Extension => self.tax.extension.as_ref().expect("extension").schema_file.clone(),
        }
    }
    /// Groups with at least one concept of this layer, each with its concepts in source order.
    fn group_members(&self) -> Vec<(&super::source::Group, Vec<usize>)> {
        let mut out: Vec<(&super::source::Group, Vec<usize>)> = Vec::new();
        let all_groups: Vec<&super::source::Group> =
            self.tax.info.groups.iter().chain(self.tax.extension.iter().flat_map(|e| e.groups.iter())).collect();
        for (ci, c) in self.tax.concepts.iter().enumerate().filter(|(_, c)| c.layer == self.layer) {
            let Some(g) = all_groups.iter().find(|g| g.id == c.def.group) else {
                continue;
            };
            match out.iter_mut().find(|(og, _)| og.id == g.id) {
                Some((_, v)) => v.push(ci),
                None => out.push((g, vec![ci])),
            }
        }
        out
    }
    /// (prefix, local name) of a group's abstract heading; a base group used by extension
    /// concepts gets its heading in the extension.
    fn element_id(&self, prefix: &str, local: &str) -> String {
        format!("{prefix}_{local}")
    }
    /// href of a concept, axis, member or hypercube from this layer's linkbases.
    fn href(&self, layer: Layer, local: &str) -> String {
        let file = match layer {
            Layer::Base => self.base_schema_href(),
            Layer::Extension => self.tax.extension.as_ref().expect("extension").schema_file.clone(),
        };
        format!("{file}#{}", self.element_id(self.tax.layer_prefix(layer), local))
    }
    /// The base schema as this layer's files refer to it: beside them, or for an extension of a
    /// packaged base, at its published URL.
    fn base_schema_href(&self) -> String {
        match (self.layer, &self.tax.base_location) {
            (Layer::Extension, Some(url)) => format!("{url}{}", self.tax.info.schema_file),
            _ => self.tax.info.schema_file.clone(),
        }
    }
    /// Axes whose domain role this layer defines (base) or adds members to (extension).
    fn axes_with_members(&self) -> Vec<usize> {
        (0..self.tax.axes.len())
            .filter(|a| match self.layer {
                Layer::Base => self.tax.axes[*a].layer == Layer::Base,
                Layer::Extension => self.tax.axes[*a].members.iter().any(|m| m.layer == Layer::Extension),
            })
            .collect()
    }
}

fn linkbase_root(w: &mut XmlWriter, extra_ns: &[(&str, &str)], schema_locations: &str) {
    let mut attrs: Vec<(&str, &str)> = vec![("xmlns:link", LINK), ("xmlns:xlink", XLINK), ("xmlns:xsi", XSI)];
    attrs.extend_from_slice(extra_ns);
    let loc = format!("{LINK} {LINKBASE_XSD}{schema_locations}");
    attrs.push(("xsi:schemaLocation", &loc));
    w.start("link:linkbase", &attrs);
}

fn schema(lay: &Layout, linkbases: &[(&str, &str, Option<String>)]) -> String {
    let tax = lay.tax;
    let mut w = XmlWriter::new();
    let xmlns_self = format!("xmlns:{}", lay.prefix);
    let base_xmlns = format!("xmlns:{}", tax.info.prefix);
    let mut attrs = vec![
        ("xmlns:xs", XS),
        ("xmlns:xbrli", XBRLI),
        ("xmlns:link", LINK),
        ("xmlns:xlink", XLINK),
        ("xmlns:xbrldt", XBRLDT),
        ("xmlns:dtr-types", DTR_TYPES),
        (xmlns_self.as_str(), lay.ns),
    ];
    if lay.layer == Layer::Extension {
        attrs.push((base_xmlns.as_str(), &tax.info.namespace));
    }
    attrs.extend([
        ("targetNamespace", lay.ns),
        ("elementFormDefault", "qualified"),
        ("attributeFormDefault", "unqualified"),
    ]);
    w.start("xs:schema", &attrs);
    w.start("xs:annotation", &[]);
    w.start("xs:appinfo", &[]);
    if let (Layer::Extension, Some(ext)) = (lay.layer, &tax.extension) {
        // The extension's source definition, for esgx to read back; XBRL processors skip it.
        let json = serde_json::to_string(&ext.source).expect("extension serializes");
        w.text_element(EXTENSION_SOURCE_ELEMENT, &[("xmlns:esgxsrc", ESGX_TAXONOMY_SOURCE)], &json);
    }
    if lay.layer == Layer::Base {
        // What XBRL cannot say (units, aliases, the rules' relations, requirement levels), for
        // esgx's package loader to read back; XBRL processors skip it.
        let json = serde_json::to_string(&super::annotations::of(tax)).expect("annotations serialize");
        let element = format!("esgxsrc:{}", super::annotations::ELEMENT);
        w.text_element(&element, &[("xmlns:esgxsrc", ESGX_TAXONOMY_SOURCE)], &json);
    }
    for (suffix, role, _) in linkbases {
        let href = format!("{}-{suffix}.xml", lay.stem);
        let role = format!("{}{role}", crate::ns::ROLE_PREFIX);
        w.empty(
            "link:linkbaseRef",
            &[
                ("xlink:type", "simple"),
                ("xlink:href", &href),
                ("xlink:role", &role),
                ("xlink:arcrole", "http://www.w3.org/1999/xlink/properties/linkbase"),
            ],
        );
    }
    // Role types: presentation groups, hypercubes, axis domains, calculations.
    let role = |w: &mut XmlWriter, id: String, uri: String, definition: String, used_on: &[&str]| {
        w.start("link:roleType", &[("roleURI", &uri), ("id", &id)]);
        w.text_element("link:definition", &[], &definition);
        for u in used_on {
            w.text_element("link:usedOn", &[], u);
        }
        w.end();
    };
    for (g, _) in lay.group_members() {
        role(
            &mut w,
            format!("role_group_{}", g.id),
            lay.role("group", &g.id),
            g.labels.en.clone(),
            &["link:presentationLink"],
        );
    }
    if lay.layer == Layer::Base || lay.tax.concepts.iter().any(|c| c.layer == lay.layer && !c.def.summation.is_empty())
    {
        role(
            &mut w,
            "role_calculation".into(),
            lay.role("calculation", "totals"),
            "Totals and their parts".into(),
            &["link:calculationLink"],
        );
    }
    for h in &lay.hypercubes {
        role(
            &mut w,
            format!("role_hypercube_{}", h.name),
            lay.role("hypercube", &h.name),
            format!("Breakdowns: {}", h.name),
            &["link:definitionLink"],
        );
    }
    for a in tax.axes.iter().filter(|a| a.layer == lay.layer) {
        role(
            &mut w,
            format!("role_axis_{}", a.name()),
            lay.role("axis", a.name()),
            format!("Members of {}", a.def.labels.en),
            &["link:definitionLink"],
        );
    }
    w.end();
    w.end();
    w.empty("xs:import", &[("namespace", XBRLI), ("schemaLocation", INSTANCE_XSD)]);
    w.empty("xs:import", &[("namespace", XBRLDT), ("schemaLocation", XBRLDT_XSD)]);
    w.empty("xs:import", &[("namespace", DTR_TYPES), ("schemaLocation", DTR_TYPES_XSD)]);
    if lay.layer == Layer::Extension {
        w.empty(
            "xs:import",
            &[
                ("namespace", &tax.info.namespace),
                ("schemaLocation", &lay.tax.extension.as_ref().expect("extension layer").base_entry),
            ],
        );
    }
    let element = |w: &mut XmlWriter,
                   name: &str,
                   ty: &str,
                   sg: &str,
                   period: &str,
                   abstract_: bool,
                   balance: Option<&str>| {
        let id = lay.element_id(lay.prefix, name);
        let mut a: Vec<(&str, &str)> =
            vec![("id", &id), ("name", name), ("type", ty), ("substitutionGroup", sg), ("xbrli:periodType", period)];
        if let Some(b) = balance {
            a.push(("xbrli:balance", b));
        }
        if abstract_ {
            a.push(("abstract", "true"));
        }
        a.push(("nillable", "true"));
        w.empty("xs:element", &a);
    };
    for (g, _) in lay.group_members() {
        element(&mut w, &group_abstract(&g.id), "xbrli:stringItemType", "xbrli:item", "duration", true, None);
    }
    for c in tax.concepts.iter().filter(|c| c.layer == lay.layer) {
        let (p, t) = c.def.data_type.xbrl_type();
        let ty = format!("{p}:{t}");
        let balance = c.def.balance.map(|b| match b {
            super::source::Balance::Debit => "debit",
            super::source::Balance::Credit => "credit",
        });
        element(&mut w, c.name(), &ty, "xbrli:item", c.def.period_type.as_str(), false, balance);
    }
    for a in tax.axes.iter().filter(|a| a.layer == lay.layer) {
        element(&mut w, a.name(), "xbrli:stringItemType", "xbrldt:dimensionItem", "duration", true, None);
    }
    for h in &lay.hypercubes {
        element(&mut w, &h.name, "xbrli:stringItemType", "xbrldt:hypercubeItem", "duration", true, None);
    }
    for a in &tax.axes {
        for m in a.members.iter().filter(|m| m.layer == lay.layer) {
            element(&mut w, &m.def.name, "dtr-types:domainItemType", "xbrli:item", "duration", true, None);
        }
    }
    w.finish()
}

/// Locators are labelled by element name; one per element per extended link.
struct Locs {
    done: std::collections::HashSet<String>,
}

impl Locs {
    fn new() -> Self {
        Locs { done: Default::default() }
    }
    fn loc(&mut self, w: &mut XmlWriter, href: &str, label: &str) {
        if self.done.insert(label.to_string()) {
            w.empty("link:loc", &[("xlink:type", "locator"), ("xlink:href", href), ("xlink:label", label)]);
        }
    }
}

fn labels(lay: &Layout) -> Option<String> {
    let tax = lay.tax;
    let mut items: Vec<(String, Labels, Option<Labels>)> = Vec::new();
    for (g, _) in lay.group_members() {
        items.push((group_abstract(&g.id), g.labels.clone(), None));
    }
    for c in tax.concepts.iter().filter(|c| c.layer == lay.layer) {
        items.push((c.name().to_string(), c.def.labels.clone(), c.def.documentation.clone()));
    }
    for a in tax.axes.iter().filter(|a| a.layer == lay.layer) {
        items.push((a.name().to_string(), a.def.labels.clone(), None));
    }
    for h in &lay.hypercubes {
        let axes: Vec<&str> = h.axes.iter().map(|a| tax.axes[*a].def.labels.en.trim_end_matches(" [axis]")).collect();
        items.push((h.name.clone(), Labels::en(format!("Breakdown by {} [hypercube]", axes.join(", "))), None));
    }
    for a in &tax.axes {
        for m in a.members.iter().filter(|m| m.layer == lay.layer) {
            items.push((m.def.name.clone(), m.def.labels.clone(), None));
        }
    }
    if items.is_empty() {
        return None;
    }
    let mut w = XmlWriter::new();
    linkbase_root(&mut w, &[], "");
    w.start("link:labelLink", &[("xlink:type", "extended"), ("xlink:role", crate::ns::DEFAULT_LINK_ROLE)]);
    for (name, labels, doc) in &items {
        let href = format!("{}.xsd#{}", lay.stem, lay.element_id(lay.prefix, name));
        w.empty("link:loc", &[("xlink:type", "locator"), ("xlink:href", &href), ("xlink:label", name)]);
        let res = format!("label_{name}");
        for (role, ls) in [(LABEL_ROLE, Some(labels)), (DOC_ROLE, doc.as_ref())] {
            let Some(ls) = ls else { continue };
            for (lang, text) in ls.iter() {
                w.text_element(
                    "link:label",
                    &[("xlink:type", "resource"), ("xlink:label", &res), ("xlink:role", role), ("xml:lang", lang)],
                    text,
                );
            }
        }
        w.empty(
            "link:labelArc",
            &[
                ("xlink:type", "arc"),
                ("xlink:arcrole", crate::ns::CONCEPT_LABEL),
                ("xlink:from", name),
                ("xlink:to", &res),
            ],
        );
    }
    w.end();
    Some(w.finish())
}

fn references(lay: &Layout) -> Option<String> {
    let concepts: Vec<_> =
        lay.tax.concepts.iter().filter(|c| c.layer == lay.layer && !c.def.references.is_empty()).collect();
    if concepts.is_empty() {
        return None;
    }
    let mut w = XmlWriter::new();
    let locs = format!(" {REF} {REF_XSD}");
    linkbase_root(&mut w, &[("xmlns:ref", REF)], &locs);
    w.start("link:referenceLink", &[("xlink:type", "extended"), ("xlink:role", crate::ns::DEFAULT_LINK_ROLE)]);
    for c in concepts {
        let name = c.name();
        w.empty(
            "link:loc",
            &[("xlink:type", "locator"), ("xlink:href", &lay.href(lay.layer, name)), ("xlink:label", name)],
        );
        let res = format!("ref_{name}");
        for r in &c.def.references {
            // Disclosure requirements of the rule the filing answers to; other frameworks are related references.
            let role = if lay.tax.is_requirement(r) { crate::ns::DISCLOSURE_REF } else { crate::ns::REFERENCE_ROLE };
            w.start("link:reference", &[("xlink:type", "resource"), ("xlink:label", &res), ("xlink:role", role)]);
            w.text_element("ref:Publisher", &[], &r.publisher);
            if let Some(n) = &r.name {
                w.text_element("ref:Name", &[], n);
            }
            w.text_element("ref:Paragraph", &[], &r.code);
            if let Some(n) = &r.note {
                w.text_element("ref:Note", &[], n);
            }
            w.end();
        }
        w.empty(
            "link:referenceArc",
            &[
                ("xlink:type", "arc"),
                ("xlink:arcrole", crate::ns::CONCEPT_REFERENCE),
                ("xlink:from", name),
                ("xlink:to", &res),
            ],
        );
    }
    w.end();
    Some(w.finish())
}

fn role_refs(w: &mut XmlWriter, lay: &Layout, refs: &BTreeMap<String, String>) {
    let _ = lay;
    for (uri, href) in refs {
        w.empty("link:roleRef", &[("roleURI", uri), ("xlink:type", "simple"), ("xlink:href", href)]);
    }
}

fn presentation(lay: &Layout, framework: Option<&str>) -> Option<String> {
    let in_framework = |ci: &usize| {
        let fws = &lay.tax.concepts[*ci].def.frameworks;
        framework.is_none_or(|f| fws.is_empty() || fws.iter().any(|x| x == f))
    };
    let groups: Vec<_> = lay
        .group_members()
        .into_iter()
        .map(|(g, members)| (g, members.into_iter().filter(in_framework).collect::<Vec<_>>()))
        .filter(|(_, members)| !members.is_empty())
        .collect();
    if groups.is_empty() {
        return None;
    }
    let mut w = XmlWriter::new();
    linkbase_root(&mut w, &[], "");
    let mut refs = BTreeMap::new();
    for (g, _) in &groups {
        refs.insert(lay.role("group", &g.id), format!("{}.xsd#role_group_{}", lay.stem, g.id));
    }
    role_refs(&mut w, lay, &refs);
    for (g, members) in &groups {
        let role = lay.role("group", &g.id);
        w.start("link:presentationLink", &[("xlink:type", "extended"), ("xlink:role", &role)]);
        let abs = group_abstract(&g.id);
        let mut locs = Locs::new();
        locs.loc(&mut w, &format!("{}.xsd#{}", lay.stem, lay.element_id(lay.prefix, &abs)), &abs);
        for (order, ci) in members.iter().enumerate() {
            let c = &lay.tax.concepts[*ci];
            locs.loc(&mut w, &lay.href(c.layer, c.name()), c.name());
            let ord = format!("{}", order + 1);
            w.empty(
                "link:presentationArc",
                &[
                    ("xlink:type", "arc"),
                    ("xlink:arcrole", crate::ns::PARENT_CHILD),
                    ("xlink:from", &abs),
                    ("xlink:to", c.name()),
                    ("order", &ord),
                ],
            );
        }
        w.end();
    }
    Some(w.finish())
}

fn calculation(lay: &Layout) -> Option<String> {
    let tax = lay.tax;
    let totals: Vec<_> = tax.concepts.iter().filter(|c| c.layer == lay.layer && !c.def.summation.is_empty()).collect();
    if totals.is_empty() {
        return None;
    }
    let mut w = XmlWriter::new();
    linkbase_root(&mut w, &[], "");
    let role = lay.role("calculation", "totals");
    let mut refs = BTreeMap::new();
    refs.insert(role.clone(), format!("{}.xsd#role_calculation", lay.stem));
    role_refs(&mut w, lay, &refs);
    let calc_ref = format!("{}#summation-item", crate::ns::CALC11_XSD);
    w.empty("link:arcroleRef", &[("arcroleURI", SUMMATION_ITEM), ("xlink:type", "simple"), ("xlink:href", &calc_ref)]);
    w.start("link:calculationLink", &[("xlink:type", "extended"), ("xlink:role", &role)]);
    let mut locs = Locs::new();
    for t in totals {
        locs.loc(&mut w, &lay.href(t.layer, t.name()), t.name());
        for (order, s) in t.def.summation.iter().enumerate() {
            let Some(item) = tax.concept(&s.concept) else {
                continue;
            };
            locs.loc(&mut w, &lay.href(item.layer, item.name()), item.name());
            let (ord, weight) = (format!("{}", order + 1), format!("{}", s.weight));
            w.empty(
                "link:calculationArc",
                &[
                    ("xlink:type", "arc"),
                    ("xlink:arcrole", SUMMATION_ITEM),
                    ("xlink:from", t.name()),
                    ("xlink:to", item.name()),
                    ("order", &ord),
                    ("weight", &weight),
                ],
            );
        }
    }
    w.end();
    Some(w.finish())
}

fn definition(lay: &Layout) -> Option<String> {
    let tax = lay.tax;
    let axes = lay.axes_with_members();
    if lay.hypercubes.is_empty() && axes.is_empty() {
        return None;
    }
    let mut w = XmlWriter::new();
    let xbrldt_loc = format!(" {XBRLDT} {XBRLDT_XSD}");
    linkbase_root(&mut w, &[("xmlns:xbrldt", XBRLDT)], &xbrldt_loc);
    let mut refs = BTreeMap::new();
    for h in &lay.hypercubes {
        refs.insert(lay.role("hypercube", &h.name), format!("{}.xsd#role_hypercube_{}", lay.stem, h.name));
    }
    // Axis roles: those this layer writes members into, and those its hypercubes point at.
    for a in axes.iter().chain(lay.hypercubes.iter().flat_map(|h| h.axes.iter())) {
        let axis = &tax.axes[*a];
        refs.insert(lay.axis_role(axis), format!("{}#role_axis_{}", lay.axis_schema_href(axis), axis.name()));
    }
    role_refs(&mut w, lay, &refs);
    let mut used_arcroles = vec!["domain-member"];
    if axes.iter().any(|a| tax.axes[*a].layer == lay.layer) {
        used_arcroles.push("dimension-default");
    }
    if !lay.hypercubes.is_empty() {
        used_arcroles.extend(["all", "hypercube-dimension", "dimension-domain"]);
    }
    used_arcroles.sort();
    for a in used_arcroles {
        let uri = format!("{DIM_ARCROLE}{a}");
        let href = format!("{XBRLDT_XSD}#{a}");
        w.empty("link:arcroleRef", &[("arcroleURI", &uri), ("xlink:type", "simple"), ("xlink:href", &href)]);
    }
    let container = match tax.info.dimension_container {
        DimensionContainer::Scenario => "scenario",
        DimensionContainer::Segment => "segment",
    };
    for h in &lay.hypercubes {
        let role = lay.role("hypercube", &h.name);
        w.start("link:definitionLink", &[("xlink:type", "extended"), ("xlink:role", &role)]);
        let mut locs = Locs::new();
        locs.loc(&mut w, &lay.href(lay.layer, &h.name), &h.name);
        for ci in &h.primaries {
            let c = &tax.concepts[*ci];
            locs.loc(&mut w, &lay.href(c.layer, c.name()), c.name());
            w.empty(
                "link:definitionArc",
                &[
                    ("xlink:type", "arc"),
                    ("xlink:arcrole", &format!("{DIM_ARCROLE}all")),
                    ("xlink:from", c.name()),
                    ("xlink:to", &h.name),
                    ("xbrldt:closed", "true"),
                    ("xbrldt:contextElement", container),
                ],
            );
        }
        for (order, a) in h.axes.iter().enumerate() {
            let axis = &tax.axes[*a];
            locs.loc(&mut w, &lay.href(axis.layer, axis.name()), axis.name());
            let ord = format!("{}", order + 1);
            w.empty(
                "link:definitionArc",
                &[
                    ("xlink:type", "arc"),
                    ("xlink:arcrole", &format!("{DIM_ARCROLE}hypercube-dimension")),
                    ("xlink:from", &h.name),
                    ("xlink:to", axis.name()),
                    ("order", &ord),
                ],
            );
            let domain = &axis.domain().def.name;
            locs.loc(&mut w, &lay.href(axis.domain().layer, domain), domain);
            let target = lay.axis_role(axis);
            w.empty(
                "link:definitionArc",
                &[
                    ("xlink:type", "arc"),
                    ("xlink:arcrole", &format!("{DIM_ARCROLE}dimension-domain")),
                    ("xlink:from", axis.name()),
                    ("xlink:to", domain),
                    ("xbrldt:targetRole", &target),
                ],
            );
        }
        w.end();
    }
    // Each axis' members live in the axis' own role, where the dimension-domain arcs point; an
    // extension adds its members to the same role.
    for a in axes {
        let axis = &tax.axes[a];
        let role = lay.axis_role(axis);
        w.start("link:definitionLink", &[("xlink:type", "extended"), ("xlink:role", &role)]);
        let mut locs = Locs::new();
        let domain = axis.domain();
        if axis.layer == lay.layer {
            locs.loc(&mut w, &lay.href(axis.layer, axis.name()), axis.name());
            // A second locator for the domain: XLink forbids two arcs between the same labels in
            // one link, and dimension-default and domain-member both start from it.
            let default_label = format!("{}_default", domain.def.name);
            w.empty(
                "link:loc",
                &[
                    ("xlink:type", "locator"),
                    ("xlink:href", &lay.href(domain.layer, &domain.def.name)),
                    ("xlink:label", &default_label),
                ],
            );
            w.empty(
                "link:definitionArc",
                &[
                    ("xlink:type", "arc"),
                    ("xlink:arcrole", &format!("{DIM_ARCROLE}dimension-default")),
                    ("xlink:from", axis.name()),
                    ("xlink:to", &default_label),
                ],
            );
        }
        locs.loc(&mut w, &lay.href(domain.layer, &domain.def.name), &domain.def.name);
        let mut order = 0;
        for m in axis.members.iter().skip(1).filter(|m| m.layer == lay.layer) {
            let parent =
                m.def.parent.as_deref().and_then(|p| axis.member(p)).map(|i| &axis.members[i]).unwrap_or(domain);
            locs.loc(&mut w, &lay.href(parent.layer, &parent.def.name), &parent.def.name);
            locs.loc(&mut w, &lay.href(m.layer, &m.def.name), &m.def.name);
            order += 1;
            let ord = format!("{order}");
            w.empty(
                "link:definitionArc",
                &[
                    ("xlink:type", "arc"),
                    ("xlink:arcrole", &format!("{DIM_ARCROLE}domain-member")),
                    ("xlink:from", &parent.def.name),
                    ("xlink:to", &m.def.name),
                    ("order", &ord),
                ],
            );
        }
        w.end();
    }
    Some(w.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names import checks schema references against are exactly the schemas generated.
    #[test]
    fn schema_files_are_the_generated_schemas() {
        let mut tax = Taxonomy::bundled("hkex-esg").unwrap();
        let xsd = |tax: &Taxonomy| {
            let mut v: Vec<String> =
                generate(tax).into_iter().filter(|f| f.path.ends_with(".xsd")).map(|f| f.path).collect();
            v.sort();
            v
        };
        let sorted = |mut v: Vec<String>| {
            v.sort();
            v
        };
        assert_eq!(sorted(schema_files(&tax)), xsd(&tax));
        assert!(schema_files(&tax).len() >= 3, "base schema and an entry point per framework version");
        let ext: crate::taxonomy::source::Extensions =
            serde_json::from_value(serde_json::json!({"prefix": "acme", "namespace": "https://example.com/acme"}))
                .unwrap();
        tax.extend(&ext, "hkex-esg-guide-2020", "ds.json").unwrap();
        assert!(schema_files(&tax).contains(&"acme-extension.xsd".to_string()));
        assert_eq!(sorted(schema_files(&tax)), xsd(&tax));
    }
}
