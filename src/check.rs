//! The validate job: check a dataset or a filing, with every rule family, and return findings
//! and the completeness coverage. Export runs the same rules.

use crate::dataset::Input;
use crate::diag::Diagnostic;
use crate::pipeline::{self, Error, prepare};
use crate::taxonomy::Taxonomy;
use crate::validate::baseline::Baseline;
use crate::validate::{self, ValidationResult};
use std::path::PathBuf;

/// What to validate, and how.
#[derive(Debug, Clone)]
pub struct ValidateOptions {
    /// A dataset (.json, .csv), a filing (.xbrl/.xml instance, xBRL-JSON) or a bundled example.
    pub input: Input,
    /// A taxonomy source folder to use instead of the bundled ones.
    pub taxonomy_dir: Option<PathBuf>,
    /// A published XBRL taxonomy (Taxonomy Package zip, package folder or entry-point schema) to
    /// check a filing against instead of esgx's taxonomies.
    pub taxonomy_package: Option<PathBuf>,
    /// The framework version to check completeness against (default: the dataset's, or for a
    /// filing the newest version whose concepts it uses). An unknown id is a usage error.
    pub framework: Option<String>,
    /// Settings of the rules (the year-on-year threshold).
    pub rules: validate::Options,
    /// Findings accepted on purpose, left out of the result (`--baseline`).
    pub baseline: Option<Baseline>,
    /// Fill the result's `facts`: each fact a finding names, with its value and source, as the
    /// JSON rendering shows them. A finding can name hundreds of thousands of facts (a
    /// breakdown that does not add up across sites and years): summarizing them took more than
    /// a second at a million facts, and an eighth of the peak memory at 100,000, which the human
    /// and SARIF renderings and a batch run do not need.
    pub fact_summaries: bool,
}

/// Validate. `Err` is a usage or I/O problem (exit 2); findings, errors included, come back in
/// the result.
pub fn run(opts: &ValidateOptions) -> Result<ValidationResult, String> {
    let mut filing = pipeline::read_if_filing(&opts.input)?;
    let is_filing = filing.is_some();
    let mut result = ValidationResult {
        input: opts.input.display(),
        kind: if is_filing { "filing" } else { "dataset" },
        framework: String::new(),
        diagnostics: Vec::new(),
        coverage: Vec::new(),
        baselined: 0,
        facts: Default::default(),
    };
    // A package that cannot be loaded is a usage problem, like a file that cannot be read.
    let package = match &opts.taxonomy_package {
        Some(_) if !is_filing => {
            return Err(
                "--taxonomy-package checks a filing; for a dataset, use --taxonomy with a taxonomy source".into()
            );
        }
        Some(p) => Some(
            Taxonomy::from_package(p)
                .map_err(|d| d.iter().map(|d| d.message.clone()).collect::<Vec<_>>().join("\n"))?,
        ),
        None => None,
    };
    let read = |path: &std::path::Path| match package {
        Some(tax) => crate::import::read_with_taxonomy(path, tax),
        None => match filing.take() {
            Some(f) => f.read(path, opts.taxonomy_dir.as_deref()),
            None => crate::import::read_bytes(path, Vec::new(), opts.taxonomy_dir.as_deref()),
        },
    };
    match (&opts.input, is_filing) {
        (Input::Path(_) | Input::Bytes { .. }, true) => match read(&filing_path(&opts.input)) {
            Ok(mut imported) => {
                if let Some(fw) = &opts.framework {
                    imported.taxonomy.check_framework(fw)?;
                }
                let fw = opts
                    .framework
                    .clone()
                    .or_else(|| imported.report.framework.clone())
                    .unwrap_or_else(|| infer_framework(&imported.report, &imported.taxonomy));
                imported.report.framework = Some(fw.clone());
                imported.report.reporting_period = pipeline::latest_duration(&imported.report);
                let rules = validate::Options { filing: true, ..opts.rules.clone() };
                let (d, c) = pipeline::check(
                    &imported.report,
                    &imported.taxonomy,
                    &rules,
                    Vec::new(),
                    &crate::input::held_kept(&imported.inputs),
                );
                result.framework = fw;
                result.diagnostics = d;
                result.coverage = c;
                if opts.fact_summaries {
                    result.collect_facts(&imported.report);
                }
                crate::report::drop_aside(imported);
            }
            Err(d) => result.diagnostics = io_or_findings(d)?,
        },
        _ => match prepare(&opts.input, opts.taxonomy_dir.as_deref(), false, opts.framework.as_deref(), &opts.rules) {
            // Mapping errors and the rules' findings alike: the framework only changes which
            // requirements completeness checks.
            Ok(mut p) => {
                result.framework = p.report.framework.clone().unwrap_or_default();
                result.diagnostics = std::mem::take(&mut p.diagnostics);
                result.coverage = std::mem::take(&mut p.coverage);
                if opts.fact_summaries {
                    result.collect_facts(&p.report);
                }
                crate::report::drop_aside(p);
            }
            Err(Error::Findings(d)) => result.diagnostics = d,
            Err(Error::Io(msg)) => return Err(msg),
        },
    }
    if let Some(b) = &opts.baseline {
        result.baselined = b.apply(&mut result.diagnostics);
    }
    Ok(result)
}

/// The path a filing is read as: its own, or for standard input its shown name (no extension, so
/// its content tells XML from JSON; references resolve from the current folder).
fn filing_path(input: &Input) -> std::path::PathBuf {
    match input {
        Input::Path(p) => p.clone(),
        other => std::path::PathBuf::from(other.display()),
    }
}

fn io_or_findings(d: Vec<Diagnostic>) -> Result<Vec<Diagnostic>, String> {
    if pipeline::is_usage_problem(&d) { Err(d[0].to_string()) } else { Ok(d) }
}

/// The newest framework version whose concepts cover every concept the report uses (for a filing,
/// which does not name one).
pub fn infer_framework(report: &crate::report::Report, tax: &Taxonomy) -> String {
    let fits = |fw: &str| {
        report.facts.iter().all(|f| {
            tax.concept(&f.concept.local)
                .is_none_or(|c| c.def.frameworks.is_empty() || c.def.frameworks.iter().any(|x| x == fw))
        })
    };
    tax.info
        .frameworks
        .iter()
        .rev()
        .find(|f| fits(&f.id))
        .or(tax.info.frameworks.last())
        .map(|f| f.id.clone())
        .unwrap_or_default()
}
