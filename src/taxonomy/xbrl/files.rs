//! The files of a published taxonomy: a Taxonomy Package zip, a package folder, or an entry-point
//! schema with its linkbases beside it. Nothing outside it is read and nothing is fetched: a URL
//! resolves through the package's catalog (`META-INF/catalog.xml`, rewriteURI), the standard XBRL
//! and W3C schemas are known by URL and not read, and anything else remote is refused.

use super::doc::{self, Doc};
use crate::ns::{TAXONOMY_PACKAGE, TAXONOMY_PACKAGE_PWD};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

const CATALOG_NS: &str = "urn:oasis:names:tc:entity:xmlns:xml:catalog";
/// Limits on what a zip may hold: taxonomies are large, but not this large.
const MAX_ENTRIES: usize = 100_000;
const MAX_BYTES: u64 = 1 << 30;

enum Store {
    Zip(BTreeMap<String, Vec<u8>>),
    Dir(PathBuf),
}

/// Where a reference points once resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A file of the package, by its normalized path inside it.
    Local(String),
    /// A standard schema (XBRL, W3C): known by URL, not read.
    Standard(String),
}

/// An entry point of the package's `taxonomyPackage.xml`.
#[derive(Debug, Clone)]
pub struct EntryPoint {
    pub name: String,
    /// Each document as written (URL or path) and where it resolves to.
    pub documents: Vec<(String, String)>,
}

/// The package's identity, from `taxonomyPackage.xml`.
#[derive(Debug, Clone, Default)]
pub struct Metadata {
    pub name: String,
    pub description: String,
    pub version: String,
    pub publisher: String,
}

pub struct Package {
    pub shown: String,
    store: Store,
    /// (URI start, package path prefix), longest first.
    rewrites: Vec<(String, String)>,
    pub metadata: Metadata,
    pub entry_points: Vec<EntryPoint>,
}

fn is_standard(url: &str) -> bool {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    ["www.xbrl.org/", "xbrl.org/", "www.w3.org/"].iter().any(|p| rest.starts_with(p))
}

/// `a/b/../c` -> `a/c`; `None` when it climbs out of the root.
pub fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn dir_of(path: &str) -> &str {
    path.rfind('/').map(|i| &path[..=i]).unwrap_or("")
}

impl Package {
    /// Open a package zip, a package folder (with `META-INF/taxonomyPackage.xml`) or a schema.
    pub fn open(path: &Path) -> Result<Package, String> {
        let shown = path.display().to_string();
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        if path.is_dir() {
            let root = path.canonicalize().map_err(|e| format!("{shown}: cannot read: {e}"))?;
            let mut p = Package::empty(shown.clone(), Store::Dir(root));
            if !p.exists("META-INF/taxonomyPackage.xml") {
                return Err(format!("{shown} is not a taxonomy package: it has no META-INF/taxonomyPackage.xml"));
            }
            p.read_metadata("")?;
            return Ok(p);
        }
        match ext.as_deref() {
            Some("zip") => {
                let bytes = std::fs::read(path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
                let entries = unzip(&bytes).map_err(|e| format!("{shown} is not a readable zip: {e}"))?;
                let meta = entries
                    .keys()
                    .filter(|k| k.ends_with("META-INF/taxonomyPackage.xml") && k.matches('/').count() <= 2)
                    .min_by_key(|k| k.len())
                    .cloned()
                    .ok_or_else(|| {
                        format!("{shown} is not a taxonomy package: it has no META-INF/taxonomyPackage.xml")
                    })?;
                let top = meta.trim_end_matches("META-INF/taxonomyPackage.xml").to_string();
                let mut p = Package::empty(shown, Store::Zip(entries));
                p.read_metadata(&top)?;
                Ok(p)
            }
            Some("xsd") => {
                let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
                let root = parent.canonicalize().map_err(|e| format!("{shown}: cannot read: {e}"))?;
                let file = path.file_name().and_then(|f| f.to_str()).unwrap_or_default().to_string();
                let mut p = Package::empty(shown, Store::Dir(root));
                if !p.exists(&file) {
                    return Err(format!("{}: cannot read: no such file", p.shown));
                }
                let stem = file.trim_end_matches(".xsd").to_string();
                p.metadata.name = stem.clone();
                p.entry_points.push(EntryPoint { name: stem, documents: vec![(file.clone(), file)] });
                Ok(p)
            }
            _ => Err(format!(
                "{shown} is not a taxonomy package (.zip), a package folder or an entry-point schema (.xsd)"
            )),
        }
    }

    fn empty(shown: String, store: Store) -> Package {
        Package { shown, store, rewrites: Vec::new(), metadata: Metadata::default(), entry_points: Vec::new() }
    }

    pub fn exists(&self, path: &str) -> bool {
        match &self.store {
            Store::Zip(e) => e.contains_key(path),
            Store::Dir(root) => self.dir_path(root, path).is_some_and(|p| p.is_file()),
        }
    }

    /// A path inside the folder, refusing anything (such as a symbolic link) that leads out of it.
    fn dir_path(&self, root: &Path, path: &str) -> Option<PathBuf> {
        let p = root.join(normalize(path)?);
        let real = p.canonicalize().ok()?;
        real.starts_with(root).then_some(real)
    }

    pub fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        let missing = || format!("{}: {path} is not in the package", self.shown);
        match &self.store {
            Store::Zip(e) => e.get(path).cloned().ok_or_else(missing),
            Store::Dir(root) => {
                let p = self.dir_path(root, path).ok_or_else(missing)?;
                std::fs::read(p).map_err(|e| format!("{}: cannot read {path}: {e}", self.shown))
            }
        }
    }

    pub fn parse(&self, path: &str) -> Result<Doc, String> {
        doc::parse(&format!("{}:{path}", self.shown), &self.read(path)?)
    }

    fn read_metadata(&mut self, top: &str) -> Result<(), String> {
        let catalog = format!("{top}META-INF/catalog.xml");
        if self.exists(&catalog) {
            let d = self.parse(&catalog)?;
            for e in d.els.iter().filter(|e| e.is(CATALOG_NS, "rewriteURI")) {
                let (Some(start), Some(prefix)) = (e.attr("uriStartString"), e.attr("rewritePrefix")) else {
                    continue;
                };
                let target = normalize(&format!("{top}META-INF/{prefix}")).ok_or_else(|| {
                    format!("{}: catalog rewritePrefix {prefix} leads out of the package", self.shown)
                })?;
                let target = if prefix.ends_with('/') && !target.is_empty() { format!("{target}/") } else { target };
                self.rewrites.push((start.to_string(), target));
            }
            self.rewrites.sort_by_key(|(s, _)| std::cmp::Reverse(s.len()));
        }
        let tp_path = format!("{top}META-INF/taxonomyPackage.xml");
        let d = self.parse(&tp_path)?;
        let root = &d.els[0];
        if !(root.is(TAXONOMY_PACKAGE, "taxonomyPackage") || root.is(TAXONOMY_PACKAGE_PWD, "taxonomyPackage")) {
            return Err(format!("{}: META-INF/taxonomyPackage.xml is not a tp:taxonomyPackage", self.shown));
        }
        let tp = root.ns.clone();
        // A child's text, preferring English among language variants.
        let text_of = |parent: usize, local: &str| -> String {
            let kids: Vec<&doc::El> = d.els.iter().filter(|e| e.parent == Some(parent) && e.is(&tp, local)).collect();
            kids.iter()
                .find(|e| e.attr_ns(crate::ns::XML, "lang").is_some_and(|l| l.starts_with("en")))
                .or(kids.first())
                .map(|e| e.text.trim().to_string())
                .unwrap_or_default()
        };
        self.metadata = Metadata {
            name: text_of(0, "name"),
            description: text_of(0, "description"),
            version: text_of(0, "version"),
            publisher: text_of(0, "publisher"),
        };
        for (i, _) in d.els.iter().enumerate().filter(|(_, e)| e.is(&tp, "entryPoint")) {
            let mut documents = Vec::new();
            for e in d.els.iter().filter(|e| e.parent == Some(i) && e.is(&tp, "entryPointDocument")) {
                let Some(href) = e.attr("href") else { continue };
                match self.resolve(&tp_path, href)? {
                    Some(Target::Local(p)) => documents.push((href.to_string(), p)),
                    _ => return Err(format!("{}: entry point {href} is not in the package", self.shown)),
                }
            }
            self.entry_points.push(EntryPoint { name: text_of(i, "name"), documents });
        }
        if self.entry_points.is_empty() {
            return Err(format!("{}: the package declares no entry point", self.shown));
        }
        Ok(())
    }

    /// Resolve `href` (its fragment dropped) from the document at package path `from`. `Ok(None)`
    /// for an empty href (the document itself).
    pub fn resolve(&self, from: &str, href: &str) -> Result<Option<Target>, String> {
        let href = href.split('#').next().unwrap_or("");
        if href.is_empty() {
            return Ok(None);
        }
        if href.contains("://") {
            for (start, prefix) in &self.rewrites {
                if let Some(rest) = href.strip_prefix(start.as_str()) {
                    let p = normalize(&format!("{prefix}{rest}"))
                        .ok_or_else(|| format!("{}: {href} leads out of the package", self.shown))?;
                    return Ok(Some(Target::Local(p)));
                }
            }
            if is_standard(href) {
                return Ok(Some(Target::Standard(href.to_string())));
            }
            return Err(format!(
                "{}: {href} is remote and the package's catalog does not map it into the package; esgx never \
                 fetches anything",
                self.shown
            ));
        }
        if href.starts_with('/') || href.starts_with('\\') || href.contains(':') {
            return Err(format!("{}: {href} is an absolute path; only the package's files are read", self.shown));
        }
        let p = normalize(&format!("{}{href}", dir_of(from)))
            .ok_or_else(|| format!("{}: {href} (from {from}) leads out of the package", self.shown))?;
        Ok(Some(Target::Local(p)))
    }

    /// The published URL of a package file, when the catalog maps one onto it.
    pub fn url_of(&self, path: &str) -> Option<String> {
        self.rewrites
            .iter()
            .filter(|(_, prefix)| prefix.ends_with('/'))
            .find_map(|(start, prefix)| path.strip_prefix(prefix.as_str()).map(|rest| format!("{start}{rest}")))
    }
}

fn unzip(bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
    if z.len() > MAX_ENTRIES {
        return Err(format!("it has more than {MAX_ENTRIES} entries"));
    }
    let mut out = BTreeMap::new();
    let mut total = 0u64;
    for i in 0..z.len() {
        let mut f = z.by_index(i).map_err(|e| e.to_string())?;
        if f.is_dir() {
            continue;
        }
        let name = f.name().map_err(|e| e.to_string())?.replace('\\', "/");
        let Some(name) = normalize(&name) else {
            return Err(format!("entry {name} leads out of the zip"));
        };
        total += f.size();
        if total > MAX_BYTES {
            return Err("it unpacks to more than 1 GiB".into());
        }
        let mut buf = Vec::with_capacity(f.size().min(1 << 24) as usize);
        f.by_ref().take(MAX_BYTES).read_to_end(&mut buf).map_err(|e| e.to_string())?;
        out.insert(name, buf);
    }
    Ok(out)
}
