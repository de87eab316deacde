//! The export job: read → map → validate → emit, then write every file atomically.

use crate::dataset;
use crate::diag::{Diagnostic, Severity, Summary, has_errors};
use crate::emit::manifest::{
    self, EntityInfo, ExtensionInfo, FileEntry, Generator, Manifest, TaxonomyInfo, Validation,
};
use crate::emit::{Output, xbrl_json, xbrl_xml};
pub use crate::pipeline::{Error as ExportError, Prepared, is_usage_problem, prepare};
use crate::taxonomy::generate;
use crate::{fsio, validate};
use std::path::PathBuf;

pub const INSTANCE_FILE: &str = "report.xbrl";
pub const JSON_FILE: &str = "report.json";
pub const TAXONOMY_DIR: &str = "taxonomy";

/// What to export and where.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// The dataset: a file, or a bundled example.
    pub dataset: dataset::Input,
    pub out_dir: PathBuf,
    /// A taxonomy source folder to use instead of the bundled one.
    pub taxonomy_dir: Option<PathBuf>,
    /// The creation time to record (seconds since the epoch), e.g. from SOURCE_DATE_EPOCH.
    pub source_date_epoch: Option<i64>,
    /// Write the base taxonomy as a Taxonomy Package and refer to it by its published URL,
    /// instead of writing its files beside the filing.
    pub taxonomy_package: bool,
}

impl ExportOptions {
    /// Export `dataset` into `out_dir` with the bundled taxonomy, its files beside the filing, and
    /// the current time as the creation time.
    pub fn new(dataset: dataset::Input, out_dir: impl Into<PathBuf>) -> Self {
        ExportOptions {
            dataset,
            out_dir: out_dir.into(),
            taxonomy_dir: None,
            source_date_epoch: None,
            taxonomy_package: false,
        }
    }
}

/// What an export wrote and found.
#[derive(Debug)]
pub struct ExportOutcome {
    pub outputs: Vec<(PathBuf, &'static str)>,
    pub diagnostics: Vec<Diagnostic>,
    pub facts: usize,
}

pub fn created_time(epoch: Option<i64>) -> Result<String, String> {
    let t = match epoch {
        Some(s) => {
            chrono::DateTime::from_timestamp(s, 0).ok_or_else(|| format!("SOURCE_DATE_EPOCH {s} is out of range"))?
        }
        None => chrono::Utc::now(),
    };
    Ok(t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// The files of an export, manifest last, without writing anything.
pub fn render(p: &Prepared, created: &str) -> Vec<Output> {
    let mut outputs = Vec::new();
    let files = generate::generate(&p.taxonomy);
    if p.taxonomy.base_location.is_some() {
        // The base taxonomy as a package; only the company extension is written beside the filing.
        let ext_stem = p.taxonomy.extension.as_ref().map(|e| generate::stem(&e.schema_file));
        let (ext, base): (Vec<_>, Vec<_>) =
            files.into_iter().partition(|f| ext_stem.as_ref().is_some_and(|s| f.path.starts_with(s.as_str())));
        let name = format!("{}.zip", crate::taxonomy::package::package_name(&p.taxonomy));
        outputs.push(Output {
            path: format!("{TAXONOMY_DIR}/{name}"),
            format: "taxonomy-package",
            bytes: crate::taxonomy::package::package(&p.taxonomy, &base),
        });
        for f in ext {
            outputs.push(Output {
                path: format!("{TAXONOMY_DIR}/{}", f.path),
                format: f.kind,
                bytes: f.text.into_bytes(),
            });
        }
    } else {
        for f in files {
            outputs.push(Output {
                path: format!("{TAXONOMY_DIR}/{}", f.path),
                format: f.kind,
                bytes: f.text.into_bytes(),
            });
        }
    }
    outputs.push(Output {
        path: INSTANCE_FILE.into(),
        format: "xbrl-xml",
        bytes: xbrl_xml::write(&p.report).into_bytes(),
    });
    outputs.push(Output {
        path: JSON_FILE.into(),
        format: "xbrl-json",
        bytes: xbrl_json::write(&p.report).into_bytes(),
    });

    let mut inputs: Vec<FileEntry> =
        p.dataset.inputs.iter().map(|(path, b)| FileEntry::input(path, "dataset", b)).collect();
    inputs.extend(p.taxonomy.sources.iter().map(|s| FileEntry::input(&s.path, "taxonomy-source", &s.bytes)));
    let doc = &p.dataset.doc;
    let manifest = Manifest {
        schema: "https://esgx.dev/schema/manifest-1.json",
        manifest_version: "1.0",
        filing_id: manifest::filing_id(&inputs, created).to_string(),
        created: created.to_string(),
        generator: Generator { name: "esgx", version: env!("CARGO_PKG_VERSION") },
        entity: EntityInfo {
            name: doc.entity.name.clone(),
            scheme: doc.entity.identifier.scheme.clone(),
            identifier: doc.entity.identifier.value.clone(),
        },
        framework: doc.framework.clone(),
        reporting_period: doc.reporting_period.clone(),
        taxonomy: TaxonomyInfo {
            name: p.taxonomy.info.name.clone(),
            version: p.taxonomy.info.version.clone(),
            namespace: p.taxonomy.info.namespace.clone(),
            entry_point: p.report.schema_ref.clone(),
            extension: p
                .taxonomy
                .extension
                .as_ref()
                .map(|e| ExtensionInfo { prefix: e.prefix.clone(), namespace: e.namespace.clone() }),
        },
        inputs,
        outputs: outputs.iter().map(FileEntry::output).collect(),
        facts: p.report.facts.len(),
        validation: Validation { summary: Summary::of(&p.diagnostics), diagnostics: p.diagnostics.clone() },
    };
    outputs.push(Output { path: manifest::MANIFEST_FILE.into(), format: "manifest", bytes: manifest.to_bytes() });
    outputs
}

/// The whole job. Nothing is written unless every output could be produced.
pub fn run(opts: &ExportOptions) -> Result<ExportOutcome, ExportError> {
    let created = created_time(opts.source_date_epoch).map_err(ExportError::Io)?;
    let prepared = prepare(
        &opts.dataset,
        opts.taxonomy_dir.as_deref(),
        opts.taxonomy_package,
        None,
        &validate::Options::default(),
    )?;
    if has_errors(&prepared.diagnostics) {
        let mut d = prepared.diagnostics;
        d.retain(|d| d.severity == Severity::Error);
        return Err(ExportError::Findings(d));
    }
    let outputs = render(&prepared, &created);
    // One step, whole or not at all: files an earlier export wrote and this one does not (an
    // extension schema of another dataset, say) go with the old export; the user's own stay.
    fsio::commit_folder(&opts.out_dir, &outputs).map_err(ExportError::Io)?;
    Ok(ExportOutcome {
        outputs: outputs.iter().map(|o| (opts.out_dir.join(&o.path), o.format)).collect(),
        diagnostics: prepared.diagnostics,
        facts: prepared.report.facts.len(),
    })
}
