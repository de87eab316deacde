//! XBRL Report Packages 1.0: one file a portal takes. `report.xbri` holds the Inline XBRL page,
//! `report.xbr` the XBRL 2.1 instance; each a zip with one top folder, `META-INF/reportPackage.json`
//! naming its document type, the report under `reports/`, and the taxonomy it refers to inside,
//! so that it opens offline: the files beside the report as an export writes them, or, when the
//! base taxonomy is referred to by its published URL, the base files in the package with a
//! catalog that maps the URL to them (the report package is then a taxonomy package too).
//! Deterministic: fixed timestamps and file order.

use super::ixbrl::Ixbrl;
use super::taxonomy_files::{TAXONOMY_DIR, TaxonomyFiles};
use super::xbrl_xml::XbrlXml;
use super::{Filing, Memory, Sink, Writer};
use crate::taxonomy::{generate, package};
use std::io::{self, Write};

/// The file name of the inline report package (the page and its taxonomy).
pub const INLINE_PACKAGE_FILE: &str = "report.xbri";
/// The file name of the XBRL-XML report package (the instance and its taxonomy).
pub const XML_PACKAGE_FILE: &str = "report.xbr";
pub use crate::ns::REPORT_PACKAGE_INLINE as INLINE_DOCUMENT_TYPE;
pub use crate::ns::REPORT_PACKAGE_XML as XML_DOCUMENT_TYPE;
/// The package's single top-level folder.
const TOP: &str = "report";

/// The writer of both report packages.
pub struct ReportPackage;

impl Writer for ReportPackage {
    fn name(&self) -> &'static str {
        "report-package"
    }
    fn describe(&self) -> &'static str {
        "XBRL Report Packages, report.xbri (the page) and report.xbr (the instance)"
    }
    fn write(&self, filing: &Filing<'_>, sink: &mut dyn Sink) -> io::Result<()> {
        let mut taxonomy = Memory::default();
        TaxonomyFiles.write(filing, &mut taxonomy)?;
        // In a package the report finds everything inside: never a zip within the zip.
        taxonomy.outputs.retain(|o| !o.path.ends_with(".zip"));
        let packaged_base = filing.taxonomy.base_location.is_some();
        for (file, writer, doc_type) in [
            (INLINE_PACKAGE_FILE, &Ixbrl as &dyn Writer, INLINE_DOCUMENT_TYPE),
            (XML_PACKAGE_FILE, &XbrlXml as &dyn Writer, XML_DOCUMENT_TYPE),
        ] {
            let mut report = Memory::default();
            writer.write(filing, &mut report)?;
            let mut entries: Vec<(String, Vec<u8>)> = vec![(
                format!("{TOP}/META-INF/reportPackage.json"),
                format!("{{\"documentInfo\":{{\"documentType\":\"{doc_type}\"}}}}\n").into_bytes(),
            )];
            if packaged_base {
                let tax = filing.taxonomy;
                entries.push((
                    format!("{TOP}/META-INF/taxonomyPackage.xml"),
                    package::taxonomy_package_xml(tax).into_bytes(),
                ));
                entries.push((format!("{TOP}/META-INF/catalog.xml"), package::catalog_xml(tax).into_bytes()));
                for f in generate::generate(tax).into_iter().filter(|f| !package::is_extension_file(tax, f)) {
                    entries.push((format!("{TOP}/{TAXONOMY_DIR}/{}", f.path), f.text.into_bytes()));
                }
            }
            for o in report.outputs.iter().chain(&taxonomy.outputs) {
                entries.push((format!("{TOP}/reports/{}", o.path), o.bytes.clone()));
            }
            let bytes = zip(entries)?;
            sink.file(file, self.name(), &mut |w| w.write_all(&bytes))?;
        }
        Ok(())
    }
}

fn zip(entries: Vec<(String, Vec<u8>)>) -> io::Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, bytes) in entries {
        zip.start_file(name, opts).map_err(io::Error::other)?;
        zip.write_all(&bytes)?;
    }
    Ok(zip.finish().map_err(io::Error::other)?.into_inner())
}
