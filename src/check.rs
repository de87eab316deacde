//! The validate job: check a dataset or a filing, with every rule family, and return findings
//! and the completeness coverage. Export runs the same rules.

use crate::diag::Diagnostic;
use crate::export::{ExportError, locate_lines, prepare};
use crate::report::Period;
use crate::taxonomy::Taxonomy;
use crate::validate::baseline::Baseline;
use crate::validate::{self, ValidationResult};
use std::path::PathBuf;

#[derive(Debug, Clone, Default)]
pub struct ValidateOptions {
    /// A dataset (.json, .csv) or a filing (.xbrl/.xml instance, xBRL-JSON); `None` checks the
    /// bundled Qifu 2023 dataset.
    pub path: Option<PathBuf>,
    pub taxonomy_dir: Option<PathBuf>,
    /// The framework version to check completeness against (default: the dataset's, or for a
    /// filing the newest version whose concepts it uses).
    pub framework: Option<String>,
    pub rules: validate::Options,
    pub baseline: Option<Baseline>,
}

/// Validate. `Err` is a usage or I/O problem (exit 2); findings, errors included, come back in
/// the result.
pub fn run(opts: &ValidateOptions) -> Result<ValidationResult, String> {
    let input = opts
        .path
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| crate::dataset::BUNDLED_QIFU_2023_PATH.to_string());
    let mut filing_bytes = None;
    let is_filing = match &opts.path {
        Some(p) => {
            let bytes = crate::input::read_file(p, &p.display().to_string()).map_err(|d| d.to_string())?;
            let yes = crate::import::looks_like_filing(p, &bytes);
            filing_bytes = yes.then_some(bytes);
            yes
        }
        None => false,
    };
    let mut result = ValidationResult {
        input,
        kind: if is_filing { "filing" } else { "dataset" },
        framework: String::new(),
        diagnostics: Vec::new(),
        coverage: Vec::new(),
        baselined: 0,
        facts: Default::default(),
    };
    if is_filing {
        let path = opts.path.as_deref().expect("a filing has a path");
        let bytes = filing_bytes.take().unwrap_or_default();
        match crate::import::read_bytes(path, bytes, opts.taxonomy_dir.as_deref()) {
            Ok(mut imported) => {
                let fw = opts
                    .framework
                    .clone()
                    .or_else(|| imported.report.framework.clone())
                    .unwrap_or_else(|| infer_framework(&imported.report, &imported.taxonomy));
                imported.report.framework = Some(fw.clone());
                imported.report.reporting_period = latest_duration(&imported.report);
                let rules = validate::Options { filing: true, ..opts.rules.clone() };
                let (d, c) = validate::validate(&imported.report, &imported.taxonomy, &rules);
                result.framework = fw;
                result.diagnostics = d;
                result.coverage = c;
                locate_lines(&mut result.diagnostics, &imported.inputs);
                validate::baseline::assign_fingerprints(&mut result.diagnostics, &imported.report);
                result.collect_facts(&imported.report);
            }
            Err(d) => result.diagnostics = io_or_findings(d)?,
        }
    } else {
        match prepare(opts.path.as_deref(), opts.taxonomy_dir.as_deref(), false, &opts.rules) {
            Ok(p) => {
                result.framework = p.report.framework.clone().unwrap_or_default();
                if let Some(fw) = &opts.framework
                    && *fw != result.framework
                {
                    let mut report = p.report.clone();
                    report.framework = Some(fw.clone());
                    let (d, c) = validate::validate(&report, &p.taxonomy, &opts.rules);
                    result.framework = fw.clone();
                    result.diagnostics = d;
                    result.coverage = c;
                    locate_lines(&mut result.diagnostics, &p.dataset.inputs);
                    validate::baseline::assign_fingerprints(&mut result.diagnostics, &report);
                } else {
                    result.diagnostics = p.diagnostics;
                    result.coverage = p.coverage;
                }
                result.collect_facts(&p.report);
            }
            Err(ExportError::Findings(d)) => result.diagnostics = d,
            Err(ExportError::Io(msg)) => return Err(msg),
        }
    }
    if let Some(b) = &opts.baseline {
        result.baselined = b.apply(&mut result.diagnostics);
    }
    Ok(result)
}

fn io_or_findings(d: Vec<Diagnostic>) -> Result<Vec<Diagnostic>, String> {
    if crate::export::is_usage_problem(&d) { Err(d[0].to_string()) } else { Ok(d) }
}

/// The newest framework version whose concepts cover every concept the report uses.
fn infer_framework(report: &crate::report::Report, tax: &Taxonomy) -> String {
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

/// The reporting period of a filing: its latest duration.
fn latest_duration(report: &crate::report::Report) -> Option<Period> {
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
