//! The taxonomy a filing refers to, written beside it: its generated schema and linkbases under
//! `taxonomy/`, or, when the base taxonomy is referred to by its published URL, the base as a
//! Taxonomy Package there and only the company extension's files beside the filing.

use super::{Filing, Sink, Writer};
use crate::taxonomy::{generate, package};
use std::io;

/// The folder of the output that holds the taxonomy.
pub const TAXONOMY_DIR: &str = "taxonomy";

/// The writer of the taxonomy files.
pub struct TaxonomyFiles;

impl Writer for TaxonomyFiles {
    fn name(&self) -> &'static str {
        "taxonomy"
    }
    fn describe(&self) -> &'static str {
        "the taxonomy the filing refers to, under taxonomy/"
    }
    fn write(&self, filing: &Filing<'_>, sink: &mut dyn Sink) -> io::Result<()> {
        let tax = filing.taxonomy;
        let files = generate::generate(tax);
        let (beside, base) = if tax.base_location.is_some() {
            let ext_stem = tax.extension.as_ref().map(|e| generate::stem(&e.schema_file));
            files.into_iter().partition(|f| ext_stem.as_ref().is_some_and(|s| f.path.starts_with(s.as_str())))
        } else {
            (files, Vec::new())
        };
        if tax.base_location.is_some() {
            let name = format!("{TAXONOMY_DIR}/{}.zip", package::package_name(tax));
            let bytes = package::package(tax, &base);
            sink.file(&name, "taxonomy-package", &mut |w| w.write_all(&bytes))?;
        }
        for f in beside {
            sink.file(&format!("{TAXONOMY_DIR}/{}", f.path), f.kind, &mut |w| w.write_all(f.text.as_bytes()))?;
        }
        Ok(())
    }
}
