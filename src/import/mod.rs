//! Importers: a filing (XBRL 2.1 XML instance or xBRL-JSON report, made by esgx or any other
//! tool) read back into the same fact model that export writes, against esgx's taxonomies and the
//! company extension the filing references. Nothing is fetched over the network, and no XML entity
//! is expanded.

pub mod csv;
mod dts;
pub mod ixbrl;
pub mod json;
pub mod report_package;
mod source;
pub mod xml;

use crate::diag::Code;
use crate::diag::{Diagnostic, Location, Origin};
use crate::report::{Entity, Fact, FactValue, Period, Provenance, QName, Report, Unit};
use crate::taxonomy::Taxonomy;
use crate::taxonomy::source::DataType;
use crate::value::parse_xs_decimal;
use foldhash::{HashMap, HashMapExt};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// The character an entity reference stands for: XML's five predefined entities and character
/// references to characters XML allows. Anything else is refused, with its code and why: esgx
/// expands no declared entity, and a reference to a control character is not well-formed XML.
pub(crate) fn entity_char(r: &quick_xml::events::BytesRef) -> Result<char, (Code, String)> {
    let name = r.xml10_content();
    match &*name {
        "amp" => Ok('&'),
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "quot" => Ok('"'),
        "apos" => Ok('\''),
        _ if name.starts_with('#') => match r.resolve_char_ref() {
            Ok(Some(c)) if crate::xml::is_xml_char(c) => Ok(c),
            _ => Err((Code::E0003, format!("the character reference &{name}; is to a character XML does not allow"))),
        },
        _ => Err((Code::E0007, format!("undeclared entity &{name}; esgx expands no entities"))),
    }
}

/// How many namespace bindings may be in scope at once in a filing or a taxonomy document: far
/// more than any real one declares, while a hostile one cannot grow the reader's scope without
/// bound (each binding costs once, not per element).
pub(crate) const MAX_NAMESPACE_BINDINGS: usize = 10_000;

/// Refuse a document with a character XML does not allow, at its line.
pub(crate) fn check_xml_chars(file: &str, text: &str) -> Result<(), Diagnostic> {
    let Some((at, c)) = crate::xml::first_illegal_char(text) else { return Ok(()) };
    let line = text.as_bytes()[..at].iter().filter(|b| **b == b'\n').count() as u64 + 1;
    Err(illegal_char(file, line, c))
}

/// A character XML does not allow, on `line`.
pub(crate) fn illegal_char(file: &str, line: u64, c: char) -> Diagnostic {
    Diagnostic::error(
        Code::E0003,
        Location::line(file, line),
        format!("malformed XML: the character U+{:04X} is not allowed in XML", c as u32),
    )
}

/// An attribute value with a character reference to a character XML does not allow.
pub(crate) fn check_attr_chars(key: &str, value: &str) -> Result<(), String> {
    match crate::xml::first_illegal_char(value) {
        Some((_, c)) => Err(format!("attribute {key}: the character U+{:04X} is not allowed in XML", c as u32)),
        None => Ok(()),
    }
}

/// A fact as read, before it is checked and turned into a [`Fact`].
#[derive(Debug, Clone)]
pub struct RawFact {
    /// The fact's own id (XML `id` attribute or xBRL-JSON fact key), if any.
    pub id: Option<String>,
    /// The concept the fact reports.
    pub concept: QName,
    /// The id of its XML context (empty in xBRL-JSON, where the aspects are on the fact).
    pub context: String,
    /// The unit as the filing refers to it: an XML unit id or an OIM unit string.
    pub unit: Option<String>,
    /// The unit's measures, once resolved (shared by the facts of one unit).
    pub unit_def: Option<Arc<RawUnit>>,
    /// The `decimals` as written (an integer or `INF`), if any.
    pub decimals: Option<String>,
    /// The `precision` as written, if any (XBRL 2.1 allows it; esgx refuses it beside `decimals`).
    pub precision: Option<String>,
    /// Whether the fact is nil (`xsi:nil="true"`, or a null value in xBRL-JSON).
    pub nil: bool,
    /// The value's text as written.
    pub value: String,
    /// The 1-based line of the fact in an XML filing.
    pub line: u64,
    /// The JSON pointer of the fact in an xBRL-JSON filing.
    pub pointer: Option<String>,
    /// The entity as (scheme, identifier), once its context is resolved (shared by the facts of
    /// one context).
    pub entity: Option<Arc<(String, String)>>,
    /// The period, once its context is resolved.
    pub period: Option<Period>,
    /// The breakdown: (axis, member) pairs.
    pub dims: crate::report::Dimensions,
    /// The fact has a unit, so it is numeric (set by the xBRL-JSON reader).
    pub numeric_hint: bool,
    /// Where the figure came from, as the filing records it (esgx's provenance), if it does.
    pub provenance: Option<Box<Provenance>>,
    /// Read from an OIM report (xBRL-JSON, xBRL-CSV): a numeric fact may have no decimals (it is
    /// exact) and no unit (it is pure).
    pub oim: bool,
    /// Where the fact was read from, when neither the filing's `line` nor `pointer` says it (a
    /// row of an xBRL-CSV table, a file of its own; the file's name shared by its facts).
    pub origin: Option<Origin>,
}

impl Default for RawFact {
    fn default() -> Self {
        RawFact {
            id: None,
            concept: QName::new("", "", ""),
            context: String::new(),
            unit: None,
            unit_def: None,
            decimals: None,
            precision: None,
            nil: false,
            value: String::new(),
            line: 0,
            pointer: None,
            entity: None,
            period: None,
            dims: Default::default(),
            numeric_hint: false,
            provenance: None,
            oim: false,
            origin: None,
        }
    }
}

impl Raw {
    /// A report begun from an OIM report's `documentInfo` (xBRL-JSON or xBRL-CSV): its namespaces
    /// and the taxonomy it references.
    pub(crate) fn from_document_info(info: Option<&serde_json::Value>) -> Raw {
        use serde_json::Value;
        let mut raw = Raw::default();
        for (p, u) in info.and_then(|i| i.get("namespaces")).and_then(Value::as_object).into_iter().flatten() {
            if let Some(u) = u.as_str() {
                raw.namespaces.insert(p.clone(), u.to_string());
            }
        }
        raw.schema_refs = info
            .and_then(|i| i.get("taxonomy"))
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
            .unwrap_or_default();
        raw
    }
}

/// A unit as read: numerator and denominator measures.
#[derive(Debug, Clone, Default)]
pub struct RawUnit {
    /// The measures multiplied in the numerator.
    pub numerator: Vec<QName>,
    /// The measures multiplied in the denominator; empty for a simple unit.
    pub denominator: Vec<QName>,
}

/// A filing as read, before its facts are checked against the taxonomy.
#[derive(Debug, Default)]
pub struct Raw {
    /// The taxonomy schemas the filing references (`link:schemaRef` hrefs or xBRL-JSON
    /// `taxonomy` entries).
    pub schema_refs: Vec<String>,
    /// Namespace URIs by prefix, as the filing declares them.
    pub namespaces: BTreeMap<String, String>,
    /// The facts in document order.
    pub facts: Vec<RawFact>,
    /// Fact id -> footnote text.
    pub footnotes: HashMap<String, String>,
}

/// The value `make` gives for `key`, made once per distinct key: what a filing's facts repeat
/// (names, units, entities, periods as written) is read once and shared by the facts.
fn once<T: Clone>(seen: &mut foldhash::HashMap<String, T>, key: &str, make: impl FnOnce() -> T) -> T {
    if let Some(v) = seen.get(key) {
        return v.clone();
    }
    let v = make();
    seen.insert(key.to_string(), v.clone());
    v
}

/// A filing read back: its report, the taxonomy it uses, and every file read.
pub struct Imported {
    /// The filing's facts as a report.
    pub report: Report,
    /// The taxonomy the filing uses: the base with the company extension it references, if any.
    pub taxonomy: Taxonomy,
    /// Every file read (the filing and the extension's files), with its bytes, or its path
    /// where it was read as a stream (an XML instance in a file), for showing its lines.
    pub inputs: Vec<(String, crate::input::Kept)>,
}

/// Is this the name of an XML file (`.xbrl`, `.xml`): an XBRL instance, or Inline XBRL?
pub fn is_xml_name(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref(), Some("xbrl" | "xml"))
}

/// Is this file a filing (rather than a dataset)? XML and Inline XBRL files and report packages
/// are; JSON files are when they have an xBRL-JSON `documentInfo`, zips when they hold a
/// `reportPackage.json`.
pub fn looks_like_filing(path: &Path, bytes: &[u8]) -> bool {
    if is_xml_name(path) {
        return true;
    }
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("xhtml" | "html" | "htm" | "xbri" | "xbr") => true,
        Some("zip") => report_package::is_report_package(bytes),
        Some("json") => json_is_filing(bytes),
        _ => false,
    }
}

/// Is this JSON text an xBRL-JSON report (or xBRL-CSV metadata): has it a `documentInfo` at its
/// top level? Most tools write it first, where a look at the start finds it; but the order of a
/// JSON object's members is free, so a text whose start shows neither it nor a dataset's
/// `formatVersion` key is scanned (without building a tree) for a top-level `documentInfo`.
pub fn json_is_filing(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    if head.contains("\"documentInfo\"") {
        return true;
    }
    if !head.trim_start_matches('\u{feff}').trim_start().starts_with('{') || has_key(&head, "formatVersion") {
        return false;
    }
    let text = std::str::from_utf8(bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes));
    text.is_ok_and(|t| crate::jsonpos::span_of(t, "/documentInfo").is_some())
}

/// Does `text` hold `"key"` as a member name (not quoted inside a string: an escaped quote has a
/// backslash before it), followed by its colon?
fn has_key(text: &str, key: &str) -> bool {
    let quoted = format!("\"{key}\"");
    text.match_indices(&quoted)
        .any(|(i, _)| !text[..i].ends_with('\\') && text[i + quoted.len()..].trim_start().starts_with(':'))
}

/// Read a filing (XBRL 2.1 XML or xBRL-JSON) into a report, against the bundled taxonomies or the
/// ones in `taxonomy_dir`.
pub fn read(path: &Path, taxonomy_dir: Option<&Path>) -> Result<Imported, Vec<Diagnostic>> {
    read_against(path, taxonomy_dir, None)
}

/// Read a filing against a taxonomy already loaded (e.g. from a published taxonomy package).
pub fn read_with_taxonomy(path: &Path, taxonomy: Taxonomy) -> Result<Imported, Vec<Diagnostic>> {
    read_against(path, None, Some(taxonomy))
}

fn read_against(
    path: &Path,
    taxonomy_dir: Option<&Path>,
    given: Option<Taxonomy>,
) -> Result<Imported, Vec<Diagnostic>> {
    let file = path.display().to_string();
    if let Some(raw) = stream_instance(path, &file)? {
        let inputs = vec![(file, crate::input::Kept::File(path.to_path_buf()))];
        return with_taxonomy(path, raw, inputs, taxonomy_dir, given);
    }
    if let Some(raw) = stream_json(path, &file) {
        // Findings point into it by JSON pointer: it is read again in pieces to locate them.
        let inputs = vec![(file, crate::input::Kept::Pieces(path.to_path_buf()))];
        return with_taxonomy(path, raw?, inputs, taxonomy_dir, given);
    }
    let bytes = crate::input::read_file(path, &file).map_err(|d| vec![d])?;
    read_bytes_against(path, bytes, taxonomy_dir, given, OnDisk::Yes)
}

/// An XML instance in a file (by its extension, and not Inline XBRL by its start) read as a
/// stream, never held whole; `None` for anything else, read whole.
fn stream_instance(path: &Path, file: &str) -> Result<Option<Raw>, Vec<Diagnostic>> {
    use std::io::Read;
    if !is_xml_name(path) {
        return Ok(None);
    }
    let (f, len) = crate::input::open_file(path, file).map_err(|d| vec![d])?;
    let mut head = Vec::new();
    f.take(ixbrl::HEAD_BYTES as u64).read_to_end(&mut head).map_err(|e| vec![crate::input::cannot_read(file, e)])?;
    if ixbrl::is_inline(&String::from_utf8_lossy(&head)) {
        return Ok(None);
    }
    xml::read_file(file, path, len).map(Some)
}

/// A large xBRL-JSON report in a file (by its extension) read from the file in pieces, never
/// held whole; `None` for anything else, and whenever that reading does not go cleanly: it is
/// then read whole, which finds what is wrong.
fn stream_json(path: &Path, file: &str) -> Option<Result<Raw, Vec<Diagnostic>>> {
    if !is_json_name(path) {
        return None;
    }
    json::read_file(file, path)
}

/// Is this the name of a JSON file?
fn is_json_name(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// Is the file at `path` an xBRL-JSON report large enough to be read in pieces (see
/// [`stream_json`]), as the start of its text shows: a JSON file over a few MiB with a
/// `documentInfo` there. Telling it from a dataset then needs no more than that start.
pub fn is_large_json_filing(path: &Path) -> bool {
    use std::io::Read;
    let Ok((f, len)) = crate::input::open_file(path, &path.display().to_string()) else { return false };
    let mut head = Vec::new();
    is_json_name(path)
        && len >= HALVES_FROM_BYTES as u64
        && f.take(4096).read_to_end(&mut head).is_ok()
        && String::from_utf8_lossy(&head).contains("\"documentInfo\"")
}

/// [`read`] of a filing whose bytes are already read (by [`crate::input::read_file`]).
pub fn read_bytes(path: &Path, bytes: Vec<u8>, taxonomy_dir: Option<&Path>) -> Result<Imported, Vec<Diagnostic>> {
    read_bytes_against(path, bytes, taxonomy_dir, None, OnDisk::No)
}

/// [`read`] of a filing whose bytes the caller read from its file at `path` (to tell a filing
/// from a dataset): once its facts are read, the bytes are let go, and the files it was read
/// from are read again only to show the lines of findings (a 1M-fact xBRL-JSON filing is 537 MiB,
/// which was held through validation).
pub fn read_file_bytes(path: &Path, bytes: Vec<u8>, taxonomy_dir: Option<&Path>) -> Result<Imported, Vec<Diagnostic>> {
    read_bytes_against(path, bytes, taxonomy_dir, None, OnDisk::Yes)
}

/// Whether a filing's bytes are those of its file on disk, where they can be read again.
#[derive(Clone, Copy, PartialEq)]
enum OnDisk {
    Yes,
    /// Bytes of standard input or of a package's member.
    No,
}

fn read_bytes_against(
    path: &Path,
    bytes: Vec<u8>,
    taxonomy_dir: Option<&Path>,
    given: Option<Taxonomy>,
    on_disk: OnDisk,
) -> Result<Imported, Vec<Diagnostic>> {
    let file = path.display().to_string();
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    if matches!(ext.as_deref(), Some("xbri" | "xbr" | "zip")) {
        return report_package::read(path, &bytes, |report, bytes| {
            read_bytes_against(report, bytes, taxonomy_dir, given, OnDisk::No)
        });
    }
    let text = crate::input::decode_str(&file, &bytes).map_err(|d| vec![d])?;
    let is_xml = match ext.as_deref() {
        Some("xbrl" | "xml" | "xhtml" | "html" | "htm") => true,
        Some("json") => false,
        _ => text.trim_start().starts_with('<'),
    };
    let mut tables_read = Vec::new();
    let raw = if is_xml && ixbrl::is_inline(text) {
        ixbrl::read(&file, text)?
    } else if is_xml {
        xml::read(&file, text)?
    } else {
        match json::parse(&file, text).map_err(|d| vec![d])? {
            json::Parsed::Report(raw) => raw?,
            json::Parsed::Other(doc) if csv::is_metadata(&doc) => {
                let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
                let hold = on_disk == OnDisk::No;
                let (raw, tables) = csv::read(&file, &doc, &crate::input::filing_root(path), dir, hold)?;
                tables_read = tables;
                raw
            }
            json::Parsed::Other(doc) => json::read(&file, doc)?,
        }
    };
    // Bytes read from disk are let go here: the files are read again to locate findings.
    let keep = |at: std::path::PathBuf, bytes: Vec<u8>| match on_disk {
        OnDisk::Yes => crate::input::Kept::Reread(at),
        OnDisk::No => crate::input::Kept::Bytes(bytes),
    };
    let mut inputs = vec![(file.clone(), keep(path.to_path_buf(), bytes))];
    inputs.extend(tables_read.into_iter().map(|(f, b)| match b {
        Some(b) => (f.clone(), keep(f.into(), b)),
        None => (f.clone(), crate::input::Kept::Reread(f.into())),
    }));
    with_taxonomy(path, raw, inputs, taxonomy_dir, given)
}

/// The rest of reading a filing, once its facts are read: the taxonomy it uses (the bundled one
/// of its namespace, the folder given, or `given`) with the extension it references, and its
/// facts checked against them.
fn with_taxonomy(
    path: &Path,
    raw: Raw,
    mut inputs: Vec<(String, crate::input::Kept)>,
    taxonomy_dir: Option<&Path>,
    given: Option<Taxonomy>,
) -> Result<Imported, Vec<Diagnostic>> {
    let file = path.display().to_string();
    // The taxonomy: the bundled one whose namespace the filing uses (or the folder given), plus
    // the extension schema it references.
    let mut tax = match (given, taxonomy_dir) {
        (Some(t), _) => t,
        (None, Some(d)) => Taxonomy::from_dir(d)?,
        (None, None) => {
            let used: Vec<&str> = raw.namespaces.values().map(String::as_str).collect();
            let found = crate::taxonomy::bundled_names()
                .into_iter()
                .filter_map(|n| Taxonomy::bundled(&n).ok())
                .find(|t| used.contains(&t.info.namespace.as_str()));
            found.ok_or_else(|| {
                vec![
                    Diagnostic::error(Code::E0102, Location::file(&file), "the filing uses none of esgx's taxonomies")
                        .with_hint("pass --taxonomy DIR for a taxonomy source of your own"),
                ]
            })?
        }
    };
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    // Everything the filing pulls in must be inside its own folder.
    let root = crate::input::filing_root(path);
    check_schema_refs(&raw, &tax, &root, &file)?;
    let prefixes: std::collections::HashMap<String, String> =
        raw.namespaces.iter().map(|(p, n)| (n.clone(), p.clone())).collect();
    let uses_unknown = raw.facts.iter().any(|f| {
        let known = |ns: &str| ns == tax.info.namespace;
        !known(&f.concept.namespace) || f.dims.iter().any(|(_, m)| !known(&m.namespace))
    });
    // A company extension is loaded when facts use it, and when the filing references it as its
    // schema (an export of a dataset with an extension that no fact uses), so that it is kept.
    let references_extension = raw
        .schema_refs
        .iter()
        .any(|h| !h.contains("://") && h.ends_with(".xsd") && dts::framework_of(&tax, h).is_none());
    if uses_unknown || references_extension {
        for href in &raw.schema_refs {
            let read = dts::load_extension(&mut tax, &root, dir, href, &prefixes, &file)?;
            inputs.extend(read.into_iter().map(|(f, b)| (f, crate::input::Kept::Bytes(b))));
        }
    }
    let framework = raw
        .schema_refs
        .iter()
        .find_map(|h| dts::framework_of(&tax, h))
        .or_else(|| tax.extension.as_ref().and_then(|e| dts::framework_of(&tax, &e.base_entry)));
    let mut report = to_report(&file, raw, &tax)?;
    report.framework = framework;
    Ok(Imported { report, taxonomy: tax, inputs })
}

/// A fact's unit: its measures in order, with the id of the taxonomy's unit of those measures
/// (or one made from the reference); `pure` for a numeric OIM fact without one.
fn fact_unit(rf: &RawFact, pure: bool, tax: &Taxonomy) -> Option<Unit> {
    let pure_unit;
    let u = match (&rf.unit_def, pure) {
        (Some(u), _) => &**u,
        (None, true) => {
            pure_unit =
                RawUnit { numerator: vec![QName::new("xbrli", crate::ns::XBRLI, "pure")], denominator: Vec::new() };
            &pure_unit
        }
        (None, false) => return None,
    };
    let mut numerator = u.numerator.clone();
    let mut denominator = u.denominator.clone();
    numerator.sort();
    denominator.sort();
    let probe = Unit { id: String::new(), numerator, denominator };
    let id = tax
        .units
        .iter()
        .filter_map(|ud| tax.resolved_unit(&ud.id))
        .find(|ud| ud.same_measures(&probe))
        .map(|ud| ud.id.clone())
        .unwrap_or_else(|| rf.unit.clone().unwrap_or_default().replace([':', '/', '*', '(', ')'], "_"));
    Some(Unit { id, ..probe })
}

/// Every schema a filing references must be found without the network: a file beside it, or the
/// bundled taxonomy at its published URL.
fn check_schema_refs(raw: &Raw, tax: &Taxonomy, root: &Path, file: &str) -> Result<(), Vec<Diagnostic>> {
    if raw.schema_refs.is_empty() {
        return Err(vec![Diagnostic::error(
            Code::E0223,
            Location::file(file),
            "the filing references no taxonomy schema",
        )]);
    }
    let published = crate::taxonomy::package::base_url(tax);
    let known = crate::taxonomy::generate::schema_files(tax);
    let mut errs = Vec::new();
    for href in &raw.schema_refs {
        // A published taxonomy's own schemas, at their URLs.
        if tax.package.as_ref().is_some_and(|p| p.schema_urls.contains(href)) {
            continue;
        }
        if let Some(rest) = href.strip_prefix(&published) {
            if !known.iter().any(|k| k == rest) {
                errs.push(Diagnostic::error(
                    Code::E0223,
                    Location::file(file),
                    format!("{href} is not a schema of the esgx taxonomy {}", tax.info.version),
                ));
            }
        } else if href.contains("://") || href.starts_with('/') || href.starts_with('\\') {
            errs.push(
                Diagnostic::error(
                    Code::E0007,
                    Location::file(file),
                    format!("the schema reference {href} is remote or absolute; esgx never fetches anything"),
                )
                .with_hint("put the taxonomy files beside the filing and reference them by a relative path"),
            );
        } else if let Err(crate::input::Unresolved::Refused(why)) = crate::input::resolve_inside(root, root, href) {
            errs.push(
                Diagnostic::error(Code::E0007, Location::file(file), format!("the schema reference {why}"))
                    .with_hint("keep the filing and its taxonomy files together in one folder"),
            );
        } else if !href.ends_with(".xsd") || !root.join(href).is_file() {
            errs.push(
                Diagnostic::error(
                    Code::E0223,
                    Location::file(file),
                    format!("the schema reference {href} does not resolve to a schema file beside the filing"),
                )
                .with_hint("export writes the taxonomy files into taxonomy/ beside the filing; keep them together"),
            );
        }
    }
    if errs.is_empty() { Ok(()) } else { Err(errs) }
}

// A raw fact's list becomes its facts' list (in `to_report`) only if a fact fits where a raw fact
// was, and is aligned as it was.
const _: () = assert!(
    std::mem::size_of::<Fact>() <= std::mem::size_of::<RawFact>()
        && std::mem::align_of::<Fact>() == std::mem::align_of::<RawFact>()
);

fn to_report(file: &str, mut raw: Raw, tax: &Taxonomy) -> Result<Report, Vec<Diagnostic>> {
    let mut errs = Vec::new();
    let mut entity: Option<Arc<(String, String)>> = None;
    let mut explicit = Vec::with_capacity(raw.facts.len());
    // Units as each fact refers to them, resolved once per reference.
    let mut units: HashMap<Option<String>, Option<Arc<Unit>>> = HashMap::new();
    let mut pure_unit: Option<Option<Arc<Unit>>> = None;
    // One shared copy of each breakdown and unit (a filing has far fewer than facts).
    let mut shared = crate::report::Breakdowns::default();
    // One shared copy of the file's name for the facts' origins (a fact of an xBRL-CSV table
    // comes with an origin in its table's file).
    let own_file: Arc<str> = file.into();
    // One shared copy of each concept name the taxonomy does not have (the taxonomy's own are
    // shared from it).
    let mut concepts: HashMap<QName, Arc<QName>> = HashMap::new();
    let en: Arc<str> = "en".into();
    let footnotes = &mut raw.footnotes;
    // In place: std collects the facts into the list the raw facts were in (a fact is no larger:
    // the assertion above), and each raw fact's texts go as it is read (at 1,000,000 facts a
    // second list was 374 MiB).
    let mut facts: Vec<Fact> = std::mem::take(&mut raw.facts)
        .into_iter()
        .filter_map(|mut rf| {
            let origin = match (rf.origin.take(), &rf.pointer) {
                (Some(o), _) => o,
                (None, Some(p)) => Origin::pointer(&own_file, p),
                (None, None) => Origin::line(&own_file, rf.line),
            };
            let record = origin.to_string();
            // The location of a finding about the fact (made only for one).
            let loc = || origin.location();
            if let Some(e) = &rf.entity {
                match &entity {
                    None => entity = Some(e.clone()),
                    Some(first) if first != e => errs.push(Diagnostic::error(
                        Code::E0222,
                        loc(),
                        format!(
                            "fact {} is about another entity ({}) than the first fact ({})",
                            rf.concept, e.1, first.1
                        ),
                    )),
                    _ => {}
                }
            }
            if rf.decimals.is_some() && rf.precision.is_some() {
                errs.push(Diagnostic::error(
                    Code::E0214,
                    loc(),
                    format!("fact {} has both decimals and precision", rf.concept),
                ));
            }
            if rf.nil && !rf.value.trim().is_empty() {
                errs.push(Diagnostic::error(Code::E0213, loc(), format!("fact {} is nil but has content", rf.concept)));
            }
            let period = rf.period.clone()?;
            if let Period::Duration { start, end } = &period
                && end < start
            {
                errs.push(Diagnostic::error(
                    Code::E0212,
                    loc(),
                    format!("fact {}: its period ends ({end}) before it starts ({start})", rf.concept),
                ));
            }
            let concept = tax.concept(&rf.concept.local);
            let numeric = rf.unit.is_some() || concept.is_some_and(|c| c.is_numeric());
            let mut decimals = None;
            let value = if rf.nil {
                FactValue::Nil
            } else if numeric {
                match parse_xs_decimal(&rf.value) {
                    Ok(v) => {
                        match rf.decimals.as_deref().map(str::trim) {
                            None | Some("INF") => {
                                if rf.decimals.is_none() && rf.precision.is_none() && !rf.oim {
                                    errs.push(Diagnostic::error(
                                        Code::E0214,
                                        loc(),
                                        format!("numeric fact {} has neither decimals nor precision", rf.concept),
                                    ));
                                }
                            }
                            Some(d) => match d.parse::<i32>() {
                                Ok(d) => decimals = Some(d),
                                Err(_) => errs.push(Diagnostic::error(
                                    Code::E0214,
                                    loc(),
                                    format!("decimals {d:?} of fact {} is not an integer", rf.concept),
                                )),
                            },
                        }
                        FactValue::Number(v)
                    }
                    Err(e) => {
                        errs.push(Diagnostic::error(Code::E0213, loc(), format!("fact {}: {e}", rf.concept)));
                        return None;
                    }
                }
            } else {
                FactValue::Text(std::mem::take(&mut rf.value))
            };
            // In OIM a numeric fact without a unit is a pure number. A filing refers to a few units,
            // each resolved once (the same reference always reads as the same measures).
            let pure = rf.unit_def.is_none() && numeric && rf.oim;
            let unit = match (&rf.unit, units.get(&rf.unit)) {
                (Some(_), Some(u)) => u.clone(),
                (Some(r), None) => {
                    let u = fact_unit(&rf, pure, tax).map(|u| shared.unit(u));
                    units.entry(Some(r.clone())).or_insert(u).clone()
                }
                // An OIM number without a unit is pure, each one alike.
                (None, _) if pure => {
                    pure_unit.get_or_insert_with(|| fact_unit(&rf, pure, tax).map(|u| shared.unit(u))).clone()
                }
                (None, _) => fact_unit(&rf, pure, tax).map(|u| shared.unit(u)),
            };
            let mut provenance = rf.provenance.take().map(|p| *p).unwrap_or_default();
            provenance.record = record;
            // Taken, not copied: a fact's footnotes are often the longest text it has. (Two facts
            // with one id are refused below, so the second needs no copy either.)
            if let Some(note) = rf.id.as_ref().and_then(|id| footnotes.remove(id)) {
                provenance.note = Some(note.into());
            }
            let dimensions = shared.share(&rf.dims);
            explicit.push(rf.id.is_some());
            let language = concept
                .filter(|c| matches!(c.def.data_type, DataType::String | DataType::TextBlock))
                .map(|_| en.clone());
            Some(Fact {
                id: rf.id.unwrap_or_default(), // or derived from its aspects, below
                concept: match concept {
                    Some(c) if *c.qname == rf.concept => c.qname.clone(),
                    _ => concepts.entry(rf.concept).or_insert_with_key(|q| Arc::new(q.clone())).clone(),
                },
                period,
                unit,
                dimensions,
                value,
                decimals,
                numeric,
                language,
                provenance,
                origin,
            })
        })
        .collect();
    // A fact without an id (XML allows that) gets the one derived from its aspects, as in export.
    for clash in crate::report::assign_ids(&mut facts, &explicit) {
        errs.push(Diagnostic::error(
            Code::E0220,
            facts[clash.second].origin.location(),
            format!("fact id {:?} is used twice", clash.id),
        ));
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let (scheme, identifier) = entity.map(Arc::unwrap_or_clone).unwrap_or_default();
    Ok(Report {
        entity: Entity { scheme, identifier, name: String::new() },
        facts,
        namespaces: raw.namespaces,
        schema_ref: raw.schema_refs.first().cloned().unwrap_or_default(),
        dimension_container: tax.info.dimension_container,
        framework: None,
        reporting_period: None,
        period_names: Default::default(),
        origin: Location::file(file),
    })
}

/// Below this size a filing is read in one go; from it on, the XML and xBRL-JSON readers read
/// two halves side by side (splitting a smaller one would not pay; the unit tests split smaller
/// ones).
const HALVES_FROM_BYTES: usize = if cfg!(test) { 64 << 10 } else { 4 << 20 };

/// The facts two halves of a filing read, in document order, in one list made from the longer
/// half's (copying a million facts into the other half's list took 275 MB more at 1M facts, RSS).
fn join_halves(first: Vec<RawFact>, mut second: Vec<RawFact>) -> Vec<RawFact> {
    if first.len() >= second.len() {
        let mut all = first;
        all.extend(second);
        all
    } else {
        second.splice(0..0, first);
        second
    }
}

/// What a reading gives, in a form that compares (footnotes in order): for tests that read a
/// filing two ways.
#[cfg(test)]
pub(crate) fn shown(r: &Result<Raw, Vec<Diagnostic>>) -> String {
    match r {
        Ok(raw) => {
            let notes: std::collections::BTreeMap<_, _> = raw.footnotes.iter().collect();
            format!("{:?} {:?} {:?} {notes:?}", raw.schema_refs, raw.namespaces, raw.facts)
        }
        Err(d) => format!("{d:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::json_is_filing;

    #[test]
    fn a_json_filing_is_known_by_a_top_level_document_info_wherever_it_is() {
        let filler = format!(r#""facts": {{"f1": {{"value": "{}"}}}}"#, "x".repeat(5000));
        assert!(json_is_filing(br#"{"documentInfo": {}, "facts": {}}"#));
        assert!(json_is_filing(format!(r#"{{{filler}, "documentInfo": {{}}}}"#).as_bytes()));
        // A dataset: its formatVersion at the start, or no documentInfo anywhere at the top.
        assert!(!json_is_filing(br#"{"formatVersion": "1.0", "facts": []}"#));
        assert!(!json_is_filing(format!(r#"{{{filler}, "formatVersion": "1.0"}}"#).as_bytes()));
        // Past the start, a documentInfo inside a fact is not at the top level.
        let nested = format!(r#"{{{filler}, "more": {{"documentInfo": {{}}}}}}"#);
        assert!(!json_is_filing(nested.as_bytes()));
        // A quoted "formatVersion" inside a string is no key.
        let quoted = format!(r#"{{"note": "\"formatVersion\": 1", {filler}, "documentInfo": {{}}}}"#);
        assert!(json_is_filing(quoted.as_bytes()));
        assert!(!json_is_filing(b"[1, 2]"));
    }
}
