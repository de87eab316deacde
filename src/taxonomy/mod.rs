//! The ESG taxonomy: loaded from its human-edited source (bundled or a folder on disk), checked,
//! and resolved into lookup tables that the mapper, validator and generators share.

pub mod annotations;
pub mod contract;
pub mod generate;
pub mod lookup;
pub mod package;
pub mod query;
pub mod source;
pub mod xbrl;

use crate::diag::Code;
use crate::diag::{Diagnostic, Location};
use crate::input::{Schema, decode_text, parse_json};
use foldhash::{HashMap, HashMapExt};
use include_dir::{Dir, include_dir};
use serde::de::DeserializeOwned;
use source::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use crate::report::QName;

static BUNDLED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/taxonomy");
const SCHEMA_TEXT: &str = include_str!("../../schema/taxonomy.schema.json");
const SCHEMA_HINT: &str = "`esgx schema taxonomy` prints the JSON Schema of the taxonomy source";

fn schema() -> &'static Schema {
    static S: OnceLock<Schema> = OnceLock::new();
    S.get_or_init(|| Schema::compile(SCHEMA_TEXT))
}

/// One file of a taxonomy source: where it came from and its bytes.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The file's path, as findings name it (e.g. `taxonomy/hkex-esg/units.json`).
    pub path: String,
    /// The file's bytes, as read.
    pub bytes: Vec<u8>,
}

/// Which schema a concept or member lives in: the base taxonomy or a company extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    /// The base taxonomy's schema.
    Base,
    /// The company extension's schema.
    Extension,
}

/// A concept of the resolved taxonomy: its definition, the schema it lives in, its hypercube and
/// its qualified name.
#[derive(Debug, Clone)]
pub struct Concept {
    /// The concept as its source defines it.
    pub def: ConceptDef,
    /// Whether it is a base concept or a company extension's.
    pub layer: Layer,
    /// Axes a fact of this concept may carry: its own plus the taxonomy's common axes (numeric only).
    pub hypercube_axes: Vec<usize>,
    /// Its qualified name, made once and shared by every fact of it.
    pub qname: std::sync::Arc<QName>,
}

impl Concept {
    /// The concept's element name.
    pub fn name(&self) -> &str {
        &self.def.name
    }
    /// Whether its values are numbers (see [`DataType::is_numeric`]).
    pub fn is_numeric(&self) -> bool {
        self.def.data_type.is_numeric()
    }
    /// Whether its values over a partition axis sum to the total: as the concept says, or by its
    /// data type's default.
    pub fn additive(&self) -> bool {
        self.def.additive.unwrap_or_else(|| self.def.data_type.additive_by_default())
    }
}

/// A member of an axis in the resolved taxonomy.
#[derive(Debug, Clone)]
pub struct Member {
    /// The member as its source defines it.
    pub def: MemberDef,
    /// Whether it is a base member or one a company extension adds.
    pub layer: Layer,
    /// Its qualified name, in the namespace of its layer.
    pub qname: QName,
}

/// An axis of the resolved taxonomy with its members, indexed by name and alias.
#[derive(Debug, Clone)]
pub struct Axis {
    /// The axis as its source defines it.
    pub def: AxisDef,
    /// The schema that declares the axis (its members may come from both).
    pub layer: Layer,
    /// Its qualified name.
    pub qname: QName,
    /// Index 0 is the domain (the default member, the total); then the members.
    pub members: Vec<Member>,
    member_index: HashMap<String, usize>,
    /// The children of each member, by index, made when first asked for (and again after a
    /// member is indexed): found by scanning every member, a breakdown over thousands of sites
    /// was quadratic, each part without a figure scanning them all for parts of its own.
    children: std::sync::OnceLock<Vec<Vec<usize>>>,
}

impl Axis {
    /// The axis's element name.
    pub fn name(&self) -> &str {
        &self.def.name
    }
    /// The domain member: the total, and the axis's default.
    pub fn domain(&self) -> &Member {
        &self.members[0]
    }
    /// The index in `members` of the member with this name or alias.
    pub fn member(&self, key: &str) -> Option<usize> {
        self.member_index.get(key).copied()
    }
    /// The members (indexes) whose parent is member `parent`, in order; the domain's children
    /// are the members without a parent.
    pub fn children(&self, parent: usize) -> &[usize] {
        let all = self.children.get_or_init(|| {
            let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
            for (i, m) in self.members.iter().enumerate() {
                by_name.entry(m.def.name.as_str()).or_default().push(i);
            }
            let mut all = vec![Vec::new(); self.members.len()];
            for (i, m) in self.members.iter().enumerate().skip(1) {
                match &m.def.parent {
                    None => all[0].push(i),
                    Some(p) => by_name.get(p.as_str()).into_iter().flatten().for_each(|&p| all[p].push(i)),
                }
            }
            all
        });
        all.get(parent).map_or(&[], Vec::as_slice)
    }
    fn index_member(&mut self, i: usize) -> Result<(), String> {
        self.children = std::sync::OnceLock::new();
        let m = &self.members[i].def;
        for key in std::iter::once(&m.name).chain(m.aliases.iter()) {
            if let Some(prev) = self.member_index.insert(key.clone(), i)
                && prev != i
            {
                return Err(format!("member name or alias {key:?} is used twice on axis {}", self.def.name));
            }
        }
        Ok(())
    }
}

/// A company extension's identity.
#[derive(Debug, Clone)]
pub struct ExtensionInfo {
    /// The namespace prefix of the extension's names.
    pub prefix: String,
    /// The extension schema's target namespace URI.
    pub namespace: String,
    /// The presentation groups it adds.
    pub groups: Vec<Group>,
    /// Name used for its schema file and roles, derived from the prefix.
    pub schema_file: String,
    /// The base schema it imports: the entry point of the dataset's framework version.
    pub base_entry: String,
    /// Its definition as the dataset gave it, carried into the extension schema so that a
    /// filing read back recovers every rule-relevant property (shares, stated changes ...).
    pub source: source::Extensions,
    /// How many of the taxonomy's units are the base taxonomy's (the extension's follow them).
    pub base_units: usize,
}

/// The taxonomy source model as a loader reads it, before names are resolved and checked.
#[derive(Debug, Clone)]
pub struct SourceParts {
    /// `taxonomy.json`: name, version, namespace, frameworks, groups.
    pub info: TaxonomyFile,
    /// `units.json`: the units and the namespaces of their measures.
    pub units: UnitsFile,
    /// `dimensions.json`: the axes and their members.
    pub dimensions: DimensionsFile,
    /// `requirements.json`, if present: the disclosure requirements of each framework version.
    pub requirements: Vec<Requirement>,
    /// Each concept with the file it was defined in.
    pub concepts: Vec<(String, ConceptDef)>,
}

/// Where a taxonomy loaded from a published XBRL taxonomy (package) came from.
#[derive(Debug, Clone, Default)]
pub struct PackageInfo {
    /// The package zip, folder or entry-point schema it was loaded from.
    pub path: String,
    /// The published URL of every schema in its DTS that the catalog maps into the package: a
    /// filing may reference any of them.
    pub schema_urls: Vec<String>,
    /// (framework version id, entry point URL or package path).
    pub entry_points: Vec<(String, String)>,
}

/// The resolved taxonomy: base plus, optionally, one company extension.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// `taxonomy.json`: name, version, namespace, frameworks, groups.
    pub info: TaxonomyFile,
    /// Namespace URIs of the unit measures' prefixes, by prefix.
    pub unit_namespaces: BTreeMap<String, String>,
    /// The units, in source order.
    pub units: Vec<UnitDef>,
    /// The axes with their members, a company extension's members included.
    pub axes: Vec<Axis>,
    /// The concepts, base then extension, in source order.
    pub concepts: Vec<Concept>,
    /// Disclosure requirements per framework version (from `requirements.json`, if present).
    pub requirements: Vec<Requirement>,
    /// The company extension, if the dataset declares one.
    pub extension: Option<ExtensionInfo>,
    /// Set when it was loaded from a published XBRL taxonomy rather than esgx's JSON source.
    pub package: Option<PackageInfo>,
    /// The source files it was read from, for provenance.
    pub sources: Vec<SourceFile>,
    /// Where filings find the base taxonomy: `None` for files beside them, or the published URL
    /// prefix when it comes from its Taxonomy Package.
    pub base_location: Option<String>,
    unit_index: HashMap<String, usize>,
    axis_index: HashMap<String, usize>,
    /// Prefix -> namespace, kept in step with the layers.
    ns: BTreeMap<String, String>,
    /// Each unit with its measures resolved to namespaces, in the order of `units`.
    resolved_units: Vec<std::sync::Arc<crate::report::Unit>>,
    /// (namespace, local name) of a measure -> the measure its unit converts to and the factor
    /// (1 t = 1000 kg), from the units' `conversion`.
    conversions: HashMap<(String, String), ((String, String), rust_decimal::Decimal)>,
    concept_index: HashMap<String, usize>,
}

fn load_part<T: DeserializeOwned>(file: &SourceFile, diags: &mut Vec<Diagnostic>) -> Option<T> {
    let text = match decode_text(&file.path, &file.bytes) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let value = match parse_json(&file.path, &text) {
        Ok(v) => v,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let read =
        schema().read(value, &|p| Location::pointer(&file.path, p), (SCHEMA_HINT, Code::E0101, "taxonomy source: "));
    read.map_err(|found| diags.extend(found)).ok()
}

impl Taxonomy {
    /// The taxonomy compiled into the binary, by name (e.g. `hkex-esg`).
    pub fn bundled(name: &str) -> Result<Taxonomy, Vec<Diagnostic>> {
        let dir = BUNDLED.get_dir(name).ok_or_else(|| {
            vec![
                Diagnostic::error(Code::E0102, Location::file(name), format!("no bundled taxonomy named {name:?}"))
                    .with_hint(format!("bundled taxonomies: {}", bundled_names().join(", "))),
            ]
        })?;
        let root = format!("taxonomy/{name}");
        let mut files = Vec::new();
        collect_bundled(dir, &root, dir.path(), &mut files);
        Self::from_files(&root, files)
    }

    /// A taxonomy source folder on disk (one that holds `taxonomy.json`): every `.json` file in
    /// it, read exactly as the bundled copy is, so that a copy of the bundled folder gives the
    /// same taxonomy and the same findings.
    pub fn from_dir(dir: &Path) -> Result<Taxonomy, Vec<Diagnostic>> {
        let shown = dir.display().to_string();
        let root = match shown.trim_end_matches(['/', '\\']) {
            "" => shown.clone(),
            t => t.to_string(),
        };
        let mut files = Vec::new();
        collect_dir(dir, &root, "", &mut files)?;
        Self::from_files(&root, files)
    }

    /// Build from the source files of one taxonomy folder, each named `ROOT/RELATIVE-PATH`:
    /// `taxonomy.json`, `units.json`, `dimensions.json`, `requirements.json` (optional) and
    /// `concepts/*.json`. Any other file is an error rather than something silently left out.
    pub fn from_files(root: &str, files: Vec<SourceFile>) -> Result<Taxonomy, Vec<Diagnostic>> {
        let mut diags = Vec::new();
        let rel = |f: &SourceFile| -> String {
            let p = f.path.strip_prefix(root).unwrap_or(&f.path);
            p.trim_start_matches(['/', '\\']).replace('\\', "/")
        };
        let find = |name: &str| files.iter().find(|f| rel(f) == name);
        let is_concepts =
            |r: &str| r.strip_prefix("concepts/").is_some_and(|n| !n.contains('/') && n.ends_with(".json"));
        for f in &files {
            let r = rel(f);
            if !matches!(r.as_str(), "taxonomy.json" | "units.json" | "dimensions.json" | "requirements.json")
                && !is_concepts(&r)
            {
                diags.push(
                    Diagnostic::error(Code::E0102, Location::file(&f.path), "this file is no part of a taxonomy source")
                        .with_hint("a taxonomy source folder holds taxonomy.json, units.json, dimensions.json, requirements.json and concepts/*.json"),
                );
            }
        }
        let missing = |what: &str| {
            Diagnostic::error(Code::E0102, Location::file(root), format!("the taxonomy source has no {what}"))
        };
        let (Some(tf), Some(uf), Some(df)) = (find("taxonomy.json"), find("units.json"), find("dimensions.json"))
        else {
            diags.push(missing("taxonomy.json, units.json or dimensions.json"));
            return Err(diags);
        };
        let info: Option<TaxonomyFile> = load_part(tf, &mut diags);
        let units: Option<UnitsFile> = load_part(uf, &mut diags);
        let dims: Option<DimensionsFile> = load_part(df, &mut diags);
        let requirements: RequirementsFile = match find("requirements.json") {
            Some(f) => load_part(f, &mut diags).unwrap_or_default(),
            None => RequirementsFile::default(),
        };
        let mut concept_defs = Vec::new();
        for f in files.iter().filter(|f| is_concepts(&rel(f))) {
            if let Some(c) = load_part::<ConceptsFile>(f, &mut diags) {
                concept_defs.extend(c.concepts.into_iter().map(|c| (f.path.clone(), c)));
            }
        }
        let (Some(info), Some(units), Some(dims)) = (info, units, dims) else {
            return Err(diags);
        };
        if !diags.is_empty() {
            return Err(diags);
        }
        let parts = SourceParts {
            info,
            units,
            dimensions: dims,
            requirements: requirements.requirements,
            concepts: concept_defs,
        };
        Self::from_parts(root, parts, files)
    }

    /// Build from the source model, however it was read (esgx's JSON source or a published XBRL
    /// taxonomy): both loaders go through here, so both give one model.
    pub fn from_parts(root: &str, parts: SourceParts, files: Vec<SourceFile>) -> Result<Taxonomy, Vec<Diagnostic>> {
        let mut diags = Vec::new();
        let SourceParts { info, units, dimensions: dims, requirements, concepts: concept_defs } = parts;
        let mut tax = Taxonomy {
            info,
            unit_namespaces: units.namespaces,
            units: Vec::new(),
            axes: Vec::new(),
            concepts: Vec::new(),
            requirements,
            extension: None,
            package: None,
            sources: files,
            base_location: None,
            unit_index: HashMap::new(),
            axis_index: HashMap::new(),
            ns: BTreeMap::new(),
            resolved_units: Vec::new(),
            conversions: HashMap::new(),
            concept_index: HashMap::new(),
        };
        let here = |p: &str| Location::file(format!("{root}/{p}"));
        for u in units.units {
            let i = tax.units.len();
            for key in std::iter::once(&u.id).chain(u.aliases.iter()) {
                if tax.unit_index.insert(key.clone(), i).is_some() {
                    diags.push(Diagnostic::error(
                        Code::E0103,
                        here("units.json"),
                        format!("unit id or alias {key:?} is defined twice"),
                    ));
                }
            }
            tax.units.push(u);
        }
        for a in dims.axes {
            if let Err(e) = tax.add_axis(a, Layer::Base) {
                diags.push(Diagnostic::error(Code::E0103, here("dimensions.json"), e));
            }
        }
        for (path, c) in concept_defs {
            if let Err(e) = tax.add_concept(c, Layer::Base) {
                diags.push(Diagnostic::error(Code::E0103, Location::file(path), e));
            }
        }
        diags.extend(tax.check_references(root));
        tax.refresh_namespaces();
        if diags.is_empty() { Ok(tax) } else { Err(diags) }
    }

    fn add_axis(&mut self, a: AxisDef, layer: Layer) -> Result<(), String> {
        let (prefix, ns) = (self.layer_prefix(layer).to_string(), self.layer_namespace(layer).to_string());
        let member = |m: &MemberDef| Member { def: m.clone(), layer, qname: QName::new(&prefix, &ns, &m.name) };
        let mut members = vec![member(&a.domain)];
        members.extend(a.members.iter().map(member));
        let qname = QName::new(&prefix, &ns, &a.name);
        let mut axis =
            Axis { def: a, layer, qname, members, member_index: HashMap::new(), children: Default::default() };
        for m in axis.members.iter().skip(1) {
            if let Some(p) = &m.def.parent
                && !axis.members.iter().any(|x| &x.def.name == p)
            {
                return Err(format!("member {} of axis {}: unknown parent member {p:?}", m.def.name, axis.def.name));
            }
        }
        for i in 0..axis.members.len() {
            axis.index_member(i)?;
        }
        let i = self.axes.len();
        for key in std::iter::once(&axis.def.name).chain(axis.def.aliases.iter()) {
            if self.axis_index.insert(key.clone(), i).is_some() {
                return Err(format!("axis name or alias {key:?} is defined twice"));
            }
        }
        self.axes.push(axis);
        Ok(())
    }

    fn add_concept(&mut self, def: ConceptDef, layer: Layer) -> Result<(), String> {
        let i = self.concepts.len();
        for key in std::iter::once(&def.name).chain(def.aliases.iter()) {
            if self.concept_index.insert(key.clone(), i).is_some() {
                return Err(format!("concept name or alias {key:?} is defined twice"));
            }
        }
        let qname = QName::new(self.layer_prefix(layer), self.layer_namespace(layer), &def.name);
        self.concepts.push(Concept { def, layer, hypercube_axes: Vec::new(), qname: qname.into() });
        Ok(())
    }

    /// Every name a source file refers to must exist; derive each concept's hypercube axes.
    fn check_references(&mut self, root: &str) -> Vec<Diagnostic> {
        let mut errs = Vec::new();
        let loc = Location::file(root);
        let mut common = Vec::new();
        for a in &self.info.common_axes {
            match self.axis_index.get(a) {
                Some(i) => common.push(*i),
                None => errs.push(Diagnostic::error(
                    Code::E0104,
                    loc.clone(),
                    format!("commonAxes names unknown axis {a:?}"),
                )),
            }
        }
        let group_ids: Vec<&str> = self
            .info
            .groups
            .iter()
            .chain(self.extension.iter().flat_map(|e| e.groups.iter()))
            .map(|g| g.id.as_str())
            .collect();
        let framework_ids: Vec<&str> = self.info.frameworks.iter().map(|f| f.id.as_str()).collect();
        for r in &self.requirements {
            for f in &r.frameworks {
                if !framework_ids.contains(&f.as_str()) {
                    errs.push(Diagnostic::error(
                        Code::E0104,
                        loc.clone(),
                        format!("requirement {}: unknown framework {f:?}", r.code),
                    ));
                }
            }
        }
        let mut hypercubes = Vec::with_capacity(self.concepts.len());
        for c in &self.concepts {
            let d = &c.def;
            let at = |what: String| Diagnostic::error(Code::E0104, loc.clone(), format!("concept {}: {what}", d.name));
            if !group_ids.contains(&d.group.as_str()) {
                errs.push(at(format!("unknown group {:?}", d.group)));
            }
            for f in &d.frameworks {
                if !framework_ids.contains(&f.as_str()) {
                    errs.push(at(format!("unknown framework {f:?}")));
                }
            }
            if d.data_type.is_numeric() && d.units.is_empty() {
                errs.push(at("a numeric concept needs at least one unit".into()));
            }
            if !d.data_type.is_numeric() && !d.units.is_empty() {
                errs.push(at("a non-numeric concept takes no units".into()));
            }
            for u in &d.units {
                if !self.units.iter().any(|x| &x.id == u) {
                    errs.push(at(format!("unknown unit id {u:?}")));
                }
            }
            if let Some(n) = &d.fraction_of
                && !self.concepts.iter().any(|x| x.def.name == *n && x.def.data_type == DataType::Integer)
            {
                errs.push(at(format!("fractionOf names {n:?}, which is not a count (integer) concept")));
            }
            let mut axes = Vec::new();
            for a in &d.axes {
                match self.axis_index.get(a) {
                    Some(i) if self.axes[*i].def.name == *a => axes.push(*i),
                    _ => errs.push(at(format!("unknown axis {a:?} (use the axis name, not an alias)"))),
                }
            }
            if d.data_type.is_numeric() {
                for i in &common {
                    if !axes.contains(i) {
                        axes.push(*i);
                    }
                }
            }
            hypercubes.push(axes);
            for s in &d.summation {
                match self.concept_index.get(&s.concept).map(|i| &self.concepts[*i]) {
                    Some(item) if item.is_numeric() && item.def.period_type == d.period_type => {}
                    Some(_) => errs
                        .push(at(format!("summation item {:?} must be numeric with the same period type", s.concept))),
                    None => errs.push(at(format!("summation names unknown concept {:?}", s.concept))),
                }
            }
            if let Some(int) = &d.intensity {
                for n in [&int.numerator, &int.denominator] {
                    if !self.concept_index.contains_key(n) {
                        errs.push(at(format!("intensity names unknown concept {n:?}")));
                    }
                }
            }
        }
        for (c, axes) in self.concepts.iter_mut().zip(hypercubes) {
            c.hypercube_axes = axes;
        }
        errs
    }

    /// Add a company extension: its own members on base axes and its own concepts.
    /// `framework` is the version the dataset reports under: the extension imports its entry point.
    pub fn extend(&mut self, ext: &source::Extensions, framework: &str, file: &str) -> Result<(), Vec<Diagnostic>> {
        let mut errs = Vec::new();
        let at = |p: String, msg: String| Diagnostic::error(Code::E0105, Location::pointer(file, p), msg);
        const RESERVED: &[&str] = &[
            "xbrli",
            "link",
            "xlink",
            "xml",
            "xmlns",
            "xsi",
            "xs",
            "xsd",
            "xbrldi",
            "xbrldt",
            "utr",
            "iso4217",
            "dtr-types",
            "ref",
            "xbrl",
            "scheme",
            "esgxp",
            "esgxsrc",
        ];
        let taken_ns = self.ns.values().any(|n| *n == ext.namespace)
            || ext.namespace.starts_with("http://www.xbrl.org/")
            || ext.namespace.starts_with("http://www.w3.org/");
        if RESERVED.contains(&ext.prefix.to_ascii_lowercase().as_str())
            || ext.prefix.to_ascii_lowercase().starts_with("xml")
            || self.ns.contains_key(&ext.prefix)
            || taken_ns
        {
            errs.push(
                at(
                    "/extensions/prefix".into(),
                    format!(
                        "the extension prefix {:?} or namespace {:?} is reserved or already in use",
                        ext.prefix, ext.namespace
                    ),
                )
                .with_hint("choose a short prefix of your company's (e.g. its ticker) and a namespace URI of its own"),
            );
        }
        if ext.prefix == self.info.prefix || ext.namespace == self.info.namespace {
            errs.push(at(
                "/extensions".into(),
                "the extension needs its own prefix and namespace, not the base taxonomy's".into(),
            ));
        }
        self.extension = Some(ExtensionInfo {
            prefix: ext.prefix.clone(),
            namespace: ext.namespace.clone(),
            groups: ext.groups.clone(),
            schema_file: format!("{}-extension.xsd", ext.prefix),
            base_entry: format!(
                "{}{}",
                self.base_location.clone().unwrap_or_default(),
                generate::entry_point_file(self, framework)
            ),
            source: ext.clone(),
            base_units: self.units.len(),
        });
        self.refresh_namespaces();
        self.extend_units(ext, file, &mut errs);
        self.extend_axes(ext, file, &mut errs);
        for (i, m) in ext.members.iter().enumerate() {
            let Some(&ai) = self.axis_index.get(&m.axis) else {
                errs.push(at(format!("/extensions/members/{i}/axis"), format!("unknown axis {:?}", m.axis)));
                continue;
            };
            let axis = &mut self.axes[ai];
            if let Some(p) = &m.def.parent
                && axis.member(p).is_none()
            {
                errs.push(at(
                    format!("/extensions/members/{i}/parent"),
                    format!("unknown parent member {p:?} on axis {}", axis.def.name),
                ));
                continue;
            }
            let qname = QName::new(&ext.prefix, &ext.namespace, &m.def.name);
            axis.members.push(Member { def: m.def.clone(), layer: Layer::Extension, qname });
            let mi = axis.members.len() - 1;
            if let Err(e) = axis.index_member(mi) {
                errs.push(at(format!("/extensions/members/{i}/name"), e));
            }
        }
        let concept_schema = Schema::compile(SCHEMA_TEXT);
        for (i, raw) in ext.concepts.iter().enumerate() {
            let wrapped = serde_json::json!({ "concepts": [raw] });
            let at_concept = format!("/extensions/concepts/{i}");
            let locate = |p: &str| {
                Location::pointer(file, format!("{at_concept}{}", p.strip_prefix("/concepts/0").unwrap_or(p)))
            };
            match concept_schema.read_part::<ConceptDef>(&wrapped, raw, &locate, (SCHEMA_HINT, Code::E0105, "")) {
                Ok(def) => {
                    if let Err(e) = self.add_concept(def, Layer::Extension) {
                        errs.push(at(format!("{at_concept}/name"), e));
                    }
                }
                Err(found) => errs.extend(found),
            }
        }
        if errs.is_empty() {
            errs.extend(self.check_references(file));
        }
        if errs.is_empty() { Ok(()) } else { Err(errs) }
    }

    /// An extension's own units: each checked against the taxonomy source schema, with measures
    /// of known prefixes (the registries', the base taxonomy's or the extension's own).
    fn extend_units(&mut self, ext: &source::Extensions, file: &str, errs: &mut Vec<Diagnostic>) {
        for (i, raw) in ext.units.iter().enumerate() {
            let ptr = format!("/extensions/units/{i}");
            let wrapped = serde_json::json!({ "namespaces": {}, "units": [raw] });
            let Some(def) = checked::<UnitDef>(&wrapped, raw, "/units/0", &ptr, file, errs) else {
                continue;
            };
            for m in def.numerator.iter().chain(&def.denominator) {
                let prefix = m.split_once(':').map(|(p, _)| p).unwrap_or("");
                if !self.ns.contains_key(prefix) {
                    errs.push(
                        Diagnostic::error(
                            Code::E0105,
                            Location::pointer(file, &ptr),
                            format!("unit {}: measure {m:?} has an unknown prefix", def.id),
                        )
                        .with_hint(format!(
                            "use the extension prefix {:?} for a measure of your own, or utr:, iso4217:, xbrli:",
                            ext.prefix
                        )),
                    );
                }
            }
            let index = self.units.len();
            for key in std::iter::once(&def.id).chain(def.aliases.iter()) {
                if self.unit_index.insert(key.clone(), index).is_some() {
                    errs.push(Diagnostic::error(
                        Code::E0105,
                        Location::pointer(file, format!("{ptr}/id")),
                        format!("unit id or alias {key:?} is already defined"),
                    ));
                }
            }
            self.units.push(def);
        }
        self.refresh_namespaces();
    }

    /// An extension's own axes, with their domain and members in the extension namespace.
    fn extend_axes(&mut self, ext: &source::Extensions, file: &str, errs: &mut Vec<Diagnostic>) {
        for (i, raw) in ext.axes.iter().enumerate() {
            let ptr = format!("/extensions/axes/{i}");
            let wrapped = serde_json::json!({ "axes": [raw] });
            let Some(def) = checked::<AxisDef>(&wrapped, raw, "/axes/0", &ptr, file, errs) else {
                continue;
            };
            let names: Vec<&String> =
                std::iter::once(&def.domain.name).chain(def.members.iter().map(|m| &m.name)).collect();
            if let Some(n) = names.iter().find(|n| self.axes.iter().any(|a| a.member(n).is_some())) {
                errs.push(Diagnostic::error(
                    Code::E0105,
                    Location::pointer(file, &ptr),
                    format!("member {n:?} is already a member of another axis"),
                ));
                continue;
            }
            if let Err(e) = self.add_axis(def, Layer::Extension) {
                errs.push(Diagnostic::error(Code::E0105, Location::pointer(file, format!("{ptr}/name")), e));
            }
        }
    }

    /// The number of units that belong to the base taxonomy: the first ones.
    pub fn base_units(&self) -> usize {
        self.extension.as_ref().map_or(self.units.len(), |e| e.base_units.min(self.units.len()))
    }

    /// The concept with this name or alias.
    pub fn concept(&self, key: &str) -> Option<&Concept> {
        self.concept_index.get(key).map(|i| &self.concepts[*i])
    }
    /// The index in `concepts` of the concept with this name or alias.
    pub fn concept_index(&self, key: &str) -> Option<usize> {
        self.concept_index.get(key).copied()
    }
    /// The index in `axes` of the axis with this name or alias.
    pub fn axis(&self, key: &str) -> Option<usize> {
        self.axis_index.get(key).copied()
    }
    /// The unit with this id or alias.
    pub fn unit(&self, key: &str) -> Option<&UnitDef> {
        self.unit_index.get(key).map(|i| &self.units[*i])
    }
    /// The index in `units` of the unit with this id or alias.
    pub fn unit_index(&self, key: &str) -> Option<usize> {
        self.unit_index.get(key).copied()
    }

    /// The namespace prefix of a layer's names (the base's if there is no extension).
    pub fn layer_prefix(&self, layer: Layer) -> &str {
        match (layer, &self.extension) {
            (Layer::Extension, Some(e)) => &e.prefix,
            _ => &self.info.prefix,
        }
    }
    /// The target namespace URI of a layer's schema (the base's if there is no extension).
    pub fn layer_namespace(&self, layer: Layer) -> &str {
        match (layer, &self.extension) {
            (Layer::Extension, Some(e)) => &e.namespace,
            _ => &self.info.namespace,
        }
    }

    /// Every namespace prefix the taxonomy's names and units use.
    pub fn namespaces(&self) -> &BTreeMap<String, String> {
        &self.ns
    }

    fn refresh_namespaces(&mut self) {
        let mut ns = self.unit_namespaces.clone();
        ns.insert(self.info.prefix.clone(), self.info.namespace.clone());
        if let Some(e) = &self.extension {
            ns.insert(e.prefix.clone(), e.namespace.clone());
        }
        let q = |m: &String| {
            let (p, l) = m.split_once(':').unwrap_or(("", m.as_str()));
            QName::new(p, ns.get(p).map(String::as_str).unwrap_or(""), l)
        };
        self.resolved_units = self
            .units
            .iter()
            .map(|u| {
                let mut numerator: Vec<QName> = u.numerator.iter().map(q).collect();
                let mut denominator: Vec<QName> = u.denominator.iter().map(q).collect();
                numerator.sort();
                denominator.sort();
                std::sync::Arc::new(crate::report::Unit { id: u.id.clone(), numerator, denominator })
            })
            .collect();
        let single = |u: &crate::report::Unit| match (u.numerator.as_slice(), u.denominator.is_empty()) {
            ([m], true) => Some((m.namespace.to_string(), m.local.to_string())),
            _ => None,
        };
        self.conversions = self
            .units
            .iter()
            .zip(&self.resolved_units)
            .filter_map(|(def, unit)| {
                let c = def.conversion.as_ref()?;
                let to = self.unit_index.get(&c.to).and_then(|i| single(&self.resolved_units[*i]))?;
                Some((single(unit)?, (to, c.factor)))
            })
            .collect();
        self.ns = ns;
    }

    /// How many of measure `to` make one of measure `from`: 1000 from t to kg, 1 for the same
    /// measure and for measures of different kinds that no conversion relates (a figure in tonnes
    /// of water and one in cubic metres are compared as printed, as reporters do).
    pub fn measure_factor(&self, from: &QName, to: &QName) -> rust_decimal::Decimal {
        use rust_decimal::Decimal;
        let key = |q: &QName| (q.namespace.to_string(), q.local.to_string());
        let base = |k: (String, String)| match self.conversions.get(&k) {
            Some((b, f)) => (b.clone(), *f),
            None => (k, Decimal::ONE),
        };
        let ((bf, ff), (bt, ft)) = (base(key(from)), base(key(to)));
        if bf != bt || ft.is_zero() { Decimal::ONE } else { ff.checked_div(ft).unwrap_or(Decimal::ONE) }
    }

    /// A unit by id or alias, with its measures resolved (as facts carry it).
    pub fn resolved_unit(&self, key: &str) -> Option<&std::sync::Arc<crate::report::Unit>> {
        self.unit_index.get(key).and_then(|i| self.resolved_units.get(*i))
    }

    /// The schema an instance should reference: the extension's when there is one.
    pub fn entry_schema(&self, framework: &str) -> String {
        match &self.extension {
            Some(e) => e.schema_file.clone(),
            None => format!(
                "{}{}",
                self.base_location.clone().unwrap_or_default(),
                generate::entry_point_file(self, framework)
            ),
        }
    }
}

impl Taxonomy {
    /// Is this reference one of the regulator's disclosure requirements (rather than a related
    /// framework's)? The regulator is data of the taxonomy, not code.
    pub fn is_requirement(&self, r: &Reference) -> bool {
        self.info.regulator.as_deref() == Some(r.publisher.as_str())
    }

    /// The concepts that answer a requirement (that reference its code), by name.
    pub fn requirement_concepts(&self, code: &str) -> Vec<&str> {
        self.concepts
            .iter()
            .filter(|c| c.def.references.iter().any(|x| self.is_requirement(x) && x.code == code))
            .map(|c| c.name())
            .collect()
    }

    /// The ids of the framework versions this taxonomy knows, oldest first.
    pub fn framework_ids(&self) -> Vec<&str> {
        self.info.frameworks.iter().map(|f| f.id.as_str()).collect()
    }

    /// `Ok` when `id` names one of its framework versions; otherwise a usage message that lists
    /// the known ones.
    pub fn check_framework(&self, id: &str) -> Result<(), String> {
        if self.info.frameworks.iter().any(|f| f.id == id) {
            return Ok(());
        }
        Err(format!(
            "unknown framework version {id:?}; the {} taxonomy knows: {}",
            self.info.name,
            self.framework_ids().join(", ")
        ))
    }
}

/// A part of an extension checked against the taxonomy source schema (wrapped as the file it
/// would sit in) and read; schema findings point into the dataset at `ptr`.
fn checked<T: DeserializeOwned>(
    wrapped: &serde_json::Value,
    raw: &serde_json::Value,
    inner: &str,
    ptr: &str,
    file: &str,
    errs: &mut Vec<Diagnostic>,
) -> Option<T> {
    let locate = |p: &str| Location::pointer(file, format!("{ptr}{}", p.strip_prefix(inner).unwrap_or(p)));
    schema().read_part(wrapped, raw, &locate, (SCHEMA_HINT, Code::E0105, "")).map_err(|found| errs.extend(found)).ok()
}

/// Every `.json` file of a bundled taxonomy folder, sorted by path, named `ROOT/RELATIVE-PATH`.
fn collect_bundled(dir: &Dir<'static>, root: &str, base: &Path, out: &mut Vec<SourceFile>) {
    let mut entries: Vec<_> = dir.entries().iter().collect();
    entries.sort_by_key(|e| e.path().to_path_buf());
    for e in entries {
        match e {
            include_dir::DirEntry::Dir(d) => collect_bundled(d, root, base, out),
            include_dir::DirEntry::File(f) if f.path().extension().is_some_and(|x| x == "json") => {
                let rel = f.path().strip_prefix(base).unwrap_or(f.path());
                out.push(SourceFile { path: format!("{root}/{}", slashed(rel)), bytes: f.contents().to_vec() })
            }
            _ => {}
        }
    }
}

/// The same for a folder on disk: every `.json` file below `root`, sorted by path.
fn collect_dir(dir: &Path, root: &str, rel: &str, out: &mut Vec<SourceFile>) -> Result<(), Vec<Diagnostic>> {
    let io_err = |p: &Path, e: std::io::Error| {
        vec![Diagnostic::error(Code::E0001, Location::file(p.display().to_string()), format!("cannot read: {e}"))]
    };
    let mut entries: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| io_err(dir, e))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(|e| io_err(dir, e))?;
    entries.sort();
    for p in entries {
        let name = p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let rel = if rel.is_empty() { name } else { format!("{rel}/{name}") };
        if p.is_dir() {
            collect_dir(&p, root, &rel, out)?;
        } else if p.extension().is_some_and(|x| x == "json") {
            let bytes = crate::input::read_file(&p, &p.display().to_string()).map_err(|d| vec![d])?;
            out.push(SourceFile { path: format!("{root}/{rel}"), bytes });
        }
    }
    Ok(())
}

fn slashed(p: &Path) -> String {
    p.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// The names of the bundled taxonomies (the folders under `taxonomy/`).
pub fn bundled_names() -> Vec<String> {
    BUNDLED.dirs().map(|d| d.path().display().to_string()).collect()
}
