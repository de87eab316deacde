//! XBRL Report Packages 1.0: one file a portal takes. `report.xbri` holds the Inline XBRL page,
//! `report.xbr` the XBRL 2.1 instance; each a zip with one top folder, `META-INF/reportPackage.json`
//! naming its document type, the report under `reports/`, and the taxonomy it refers to inside,
//! so that it opens offline: the files beside the report as an export writes them, or, when the
//! base taxonomy is referred to by its published URL, the base files in the package with a
//! catalog that maps the URL to them (the report package is then a taxonomy package too).
//! Deterministic: fixed timestamps and file order.

use super::ixbrl::PAGE_FILE;
use super::taxonomy_files::{TAXONOMY_DIR, TaxonomyFiles};
use super::xbrl_xml::INSTANCE_FILE;
use super::{Filing, Memory, Output, Sink, Writer};
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
        let taxonomy = &taxonomy.outputs;
        // The two packages are independent: built side by side, written in a fixed order.
        let (inline, xml) = rayon::join(
            || package(filing, (PAGE_FILE, &filing.page()?), INLINE_DOCUMENT_TYPE, taxonomy),
            || package(filing, (INSTANCE_FILE, &filing.instance()?), XML_DOCUMENT_TYPE, taxonomy),
        );
        for (file, bytes) in [(INLINE_PACKAGE_FILE, inline?), (XML_PACKAGE_FILE, xml?)] {
            sink.file(file, self.name(), &mut |w| w.write_all(&bytes))?;
        }
        Ok(())
    }
}

type Zip = zip::ZipWriter<io::Cursor<Vec<u8>>>;

fn zip_options() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        // Level 3, not the default 6: at 100,000 facts about 8% less CPU for the whole export
        // (deflate was a tenth of it, perf), for packages 5 to 10% larger (4.6% to 10% measured).
        .compression_level(Some(3))
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644)
}

/// One package: the report, with the taxonomy beside it. The report goes to the compressor
/// whole, in one piece, as it always has: deflate's output depends on how its input is cut.
fn package(
    filing: &Filing<'_>,
    (file, report): (&str, &[u8]),
    doc_type: &str,
    taxonomy: &[Output],
) -> io::Result<Vec<u8>> {
    let mut zip = Zip::new(io::Cursor::new(Vec::new()));
    let add = |zip: &mut Zip, name: String, bytes: &[u8]| -> io::Result<()> {
        zip.start_file(name, zip_options()).map_err(io::Error::other)?;
        zip.write_all(bytes)
    };
    let info = format!("{{\"documentInfo\":{{\"documentType\":\"{doc_type}\"}}}}\n");
    add(&mut zip, format!("{TOP}/META-INF/reportPackage.json"), info.as_bytes())?;
    if filing.taxonomy.base_location.is_some() {
        let tax = filing.taxonomy;
        add(&mut zip, format!("{TOP}/META-INF/taxonomyPackage.xml"), package::taxonomy_package_xml(tax).as_bytes())?;
        add(&mut zip, format!("{TOP}/META-INF/catalog.xml"), package::catalog_xml(tax).as_bytes())?;
        for f in generate::generate(tax).into_iter().filter(|f| !package::is_extension_file(tax, f)) {
            add(&mut zip, format!("{TOP}/{TAXONOMY_DIR}/{}", f.path), f.text.as_bytes())?;
        }
    }
    add(&mut zip, format!("{TOP}/reports/{file}"), report)?;
    for o in taxonomy {
        add(&mut zip, format!("{TOP}/reports/{}", o.path), &o.bytes)?;
    }
    Ok(zip.finish().map_err(io::Error::other)?.into_inner())
}
