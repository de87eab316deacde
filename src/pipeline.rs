//! The steps the jobs share: read a dataset and its taxonomy, map it onto the fact model, and
//! check a report (from a dataset or a filing) the same way, so that `export` and `validate` give
//! the same findings, located and fingerprinted alike.

use crate::dataset::{self, Dataset};
use crate::diag::Code;
use crate::diag::{Diagnostic, has_errors};
use crate::report::Report;
use crate::taxonomy::Taxonomy;
use crate::{map, validate};
use std::path::Path;

/// Why a job could not go on.
#[derive(Debug)]
pub enum Error {
    /// The input has errors; nothing was written.
    Findings(Vec<Diagnostic>),
    /// The files could not be read or written, or the request makes no sense (exit 2).
    Io(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Io(msg) => f.write_str(msg),
            Error::Findings(diags) => {
                let errors: Vec<&Diagnostic> =
                    diags.iter().filter(|d| d.severity == crate::diag::Severity::Error).collect();
                write!(f, "the input has {}", crate::diag::plural(errors.len(), "error"))?;
                for d in errors.iter().take(3) {
                    write!(f, "\n{d}")?;
                }
                if errors.len() > 3 {
                    write!(f, "\n(and {} more)", errors.len() - 3)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {}

/// Read a path given as input, within the input limits (size, no FIFO or device), and tell a
/// filing from a dataset: the filing's bytes come back, so that it is read once; `None` is a
/// dataset (or a bundled example), which its reader opens itself.
pub fn read_if_filing(input: &dataset::Input) -> Result<Option<Filing>, String> {
    match input {
        // An XML file is a filing by its name: read later, as a stream, not here.
        dataset::Input::Path(p) if crate::import::is_xml_name(p) => Ok(Some(Filing::File)),
        // So is a large xBRL-JSON report, by the start of its text: read later, in pieces.
        dataset::Input::Path(p) if crate::import::is_large_json_filing(p) => Ok(Some(Filing::File)),
        dataset::Input::Path(p) => {
            let bytes = crate::input::read_file(p, &p.display().to_string()).map_err(|d| d.to_string())?;
            Ok(crate::import::looks_like_filing(p, &bytes).then_some(Filing::Read(bytes)))
        }
        dataset::Input::Example(_) => Ok(None),
        // Without a file name, by content: XML, or JSON with an xBRL-JSON `documentInfo`.
        dataset::Input::Bytes { bytes, .. } => {
            let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_string();
            let t = head.trim_start_matches('\u{feff}').trim_start();
            let filing = t.starts_with('<') || (t.starts_with('{') && crate::import::json_is_filing(bytes));
            Ok(filing.then(|| Filing::Bytes(bytes.to_vec())))
        }
    }
}

/// A filing found by [`read_if_filing`]: its bytes, read to tell it from a dataset, or a file
/// that is one by its name, left to be read (as a stream) by [`Filing::read`].
pub enum Filing {
    /// The filing's bytes (standard input's).
    Bytes(Vec<u8>),
    /// The bytes of the input's file: read again, not held, to locate findings.
    Read(Vec<u8>),
    /// The filing is the input's file.
    File,
}

impl Filing {
    /// Read the filing at `path` (for bytes, the name they are read as).
    pub fn read(
        self,
        path: &std::path::Path,
        taxonomy_dir: Option<&std::path::Path>,
    ) -> Result<crate::import::Imported, Vec<Diagnostic>> {
        match self {
            Filing::Bytes(bytes) => crate::import::read_bytes(path, bytes, taxonomy_dir),
            Filing::Read(bytes) => crate::import::read_file_bytes(path, bytes, taxonomy_dir),
            Filing::File => crate::import::read(path, taxonomy_dir),
        }
    }
}

/// The reporting period of a filing, which does not name one: its latest duration.
pub fn latest_duration(report: &Report) -> Option<crate::report::Period> {
    use crate::report::Period;
    report
        .facts
        .iter()
        .filter_map(|f| matches!(f.period, Period::Duration { .. }).then_some(&f.period))
        .max_by_key(|p| match p {
            Period::Duration { end, start } => (*end, std::cmp::Reverse(*start)),
            Period::Instant(d) => (*d, std::cmp::Reverse(*d)),
        })
        .cloned()
}

/// Run every rule over a report unless `earlier` (mapping) findings hold errors, then give all
/// findings their place in the input files and their fingerprints.
pub fn check(
    report: &Report,
    taxonomy: &Taxonomy,
    opts: &validate::Options,
    earlier: Vec<Diagnostic>,
    inputs: &[(&str, crate::input::Held<'_>)],
) -> (Vec<Diagnostic>, Vec<validate::CoverageRow>) {
    let mut diagnostics = earlier;
    let mut coverage = Vec::new();
    if !has_errors(&diagnostics) {
        let (found, cov) = validate::validate(report, taxonomy, opts);
        diagnostics.extend(found);
        coverage = cov;
    }
    crate::locate::locate(&mut diagnostics, inputs);
    validate::baseline::assign_fingerprints(&mut diagnostics, report);
    (diagnostics, coverage)
}

/// Everything before writing: the checked report and its diagnostics.
pub struct Prepared {
    /// The dataset as read, its fact records taken by mapping (`doc.facts` is empty): each is a
    /// fact of `report` or a finding now.
    pub dataset: Dataset,
    /// The taxonomy, extended by the dataset's company extension if it has one.
    pub taxonomy: Taxonomy,
    /// The dataset's facts, mapped onto the taxonomy (records with errors left out).
    pub report: crate::report::Report,
    /// Every finding of reading, mapping and the rules, located and fingerprinted.
    pub diagnostics: Vec<Diagnostic>,
    /// For each requirement of the framework version: met, explained or missing.
    pub coverage: Vec<validate::CoverageRow>,
}

/// Read the dataset and taxonomy, map and validate. Errors in the input come back as findings.
/// `framework` checks completeness against another framework version than the dataset's own.
pub fn prepare(
    input: &dataset::Input,
    taxonomy_dir: Option<&Path>,
    package: bool,
    framework: Option<&str>,
    opts: &validate::Options,
) -> Result<Prepared, Error> {
    let mut dataset = dataset::read_input(input).map_err(classify)?;
    let mut taxonomy = match taxonomy_dir {
        Some(d) => Taxonomy::from_dir(d),
        None => Taxonomy::bundled(&dataset.doc.taxonomy),
    }
    .map_err(classify)?;
    if package {
        taxonomy.base_location = Some(crate::taxonomy::package::base_url(&taxonomy));
    }
    if let Some(ext) = &dataset.doc.extensions {
        taxonomy.extend(ext, &dataset.doc.framework, &dataset.file).map_err(Error::Findings)?;
    }
    if let Some(fw) = framework {
        taxonomy.check_framework(fw).map_err(Error::Io)?;
    }
    let (mut report, mapped) = map::map_taking(&mut dataset, &taxonomy);
    if let Some(fw) = framework {
        report.framework = Some(fw.to_string());
    }
    let (diagnostics, coverage) = check(&report, &taxonomy, opts, mapped, &dataset.held_inputs());
    Ok(Prepared { dataset, taxonomy, report, diagnostics, coverage })
}

/// A file that cannot be read (E0001) or is of no type esgx reads (E0004) is a usage or I/O
/// problem (exit 2), not a finding about the input's content.
pub fn is_usage_problem(diags: &[Diagnostic]) -> bool {
    diags.len() == 1 && matches!(diags[0].code, Code::E0001 | Code::E0004)
}

fn classify(diags: Vec<Diagnostic>) -> Error {
    if is_usage_problem(&diags) { Error::Io(diags[0].to_string()) } else { Error::Findings(diags) }
}
