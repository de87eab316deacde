//! The base taxonomy as a Taxonomy Package (XBRL Taxonomy Packages 1.0): one top folder with
//! `META-INF/taxonomyPackage.xml` (identity and one entry point per framework version) and
//! `META-INF/catalog.xml` (the taxonomy's published URL rewritten to the files in the package).
//! The zip is deterministic: fixed timestamps and file order.

use super::Taxonomy;
use super::generate::{self, GeneratedFile};
use crate::ns::TAXONOMY_PACKAGE;
use crate::xml::XmlWriter;
use std::io::Write;

const CATALOG_NS: &str = "urn:oasis:names:tc:entity:xmlns:xml:catalog";

/// The URL the taxonomy's files are published under (the namespace, as a folder).
pub fn base_url(tax: &Taxonomy) -> String {
    format!("{}/", tax.info.namespace.trim_end_matches('/'))
}

/// The package's file name and top folder.
pub fn package_name(tax: &Taxonomy) -> String {
    generate::stem(&tax.info.schema_file)
}

pub(crate) fn taxonomy_package_xml(tax: &Taxonomy) -> String {
    let mut w = XmlWriter::new();
    w.start("tp:taxonomyPackage", &[("xmlns:tp", TAXONOMY_PACKAGE), ("xml:lang", "en")]);
    w.text_element("tp:identifier", &[], &format!("{}package", base_url(tax)));
    w.text_element("tp:name", &[], &tax.info.title);
    if !tax.info.description.is_empty() {
        w.text_element("tp:description", &[], &tax.info.description);
    }
    w.text_element("tp:version", &[], &tax.info.version);
    w.text_element("tp:publisher", &[], &tax.info.publisher);
    w.start("tp:entryPoints", &[]);
    for fw in &tax.info.frameworks {
        w.start("tp:entryPoint", &[]);
        w.text_element("tp:name", &[], &fw.title);
        w.text_element("tp:description", &[], &format!("{} (framework version id: {})", fw.title, fw.id));
        let href = format!("{}{}", base_url(tax), generate::entry_point_file(tax, &fw.id));
        w.empty("tp:entryPointDocument", &[("href", &href)]);
        w.end();
    }
    w.end();
    w.finish()
}

pub(crate) fn catalog_xml(tax: &Taxonomy) -> String {
    let mut w = XmlWriter::new();
    w.start("catalog", &[("xmlns", CATALOG_NS)]);
    w.empty("rewriteURI", &[("uriStartString", &base_url(tax)), ("rewritePrefix", "../taxonomy/")]);
    w.end();
    w.finish()
}

/// The package as zip bytes, from the base taxonomy's generated files.
pub fn package(tax: &Taxonomy, files: &[GeneratedFile]) -> Vec<u8> {
    let top = package_name(tax);
    let mut entries: Vec<(String, Vec<u8>)> = vec![
        (format!("{top}/META-INF/taxonomyPackage.xml"), taxonomy_package_xml(tax).into_bytes()),
        (format!("{top}/META-INF/catalog.xml"), catalog_xml(tax).into_bytes()),
    ];
    for f in files {
        entries.push((format!("{top}/taxonomy/{}", f.path), f.text.clone().into_bytes()));
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, bytes) in entries {
        zip.start_file(name, opts).expect("zip entry in memory");
        zip.write_all(&bytes).expect("zip write in memory");
    }
    zip.finish().expect("zip in memory").into_inner()
}

/// The files `esgx taxonomy build` writes: the base taxonomy's schemas and linkbases under
/// `taxonomy/`, and the same as a Taxonomy Package zip.
pub fn build_outputs(tax: &Taxonomy) -> Vec<crate::output::Output> {
    let files: Vec<GeneratedFile> =
        generate::generate(tax).into_iter().filter(|f| !is_extension_file(tax, f)).collect();
    let mut out: Vec<crate::output::Output> = files
        .iter()
        .map(|f| crate::output::Output {
            path: format!("taxonomy/{}", f.path),
            format: f.kind,
            bytes: f.text.clone().into_bytes(),
        })
        .collect();
    out.push(crate::output::Output {
        path: format!("{}.zip", package_name(tax)),
        format: "taxonomy-package",
        bytes: package(tax, &files),
    });
    out
}

pub(crate) fn is_extension_file(tax: &Taxonomy, f: &GeneratedFile) -> bool {
    tax.extension.as_ref().is_some_and(|e| f.path.starts_with(&generate::stem(&e.schema_file)))
}
