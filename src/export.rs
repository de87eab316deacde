//! The export job: read → map → validate → emit, then write every file atomically.

use crate::dataset;
use crate::diag::{Diagnostic, Severity, Summary, has_errors};
use crate::emit::manifest::{
    self, EntityInfo, ExtensionInfo, FileEntry, Generator, Manifest, TaxonomyInfo, Validation,
};
use crate::emit::taxonomy_files::TaxonomyFiles;
use crate::emit::{self, Filing, Memory, Output, Recorder, Sink, Writer};
pub use crate::pipeline::{Error as ExportError, Prepared, is_usage_problem, prepare};
use crate::{fsio, validate};
use std::path::PathBuf;

pub use crate::emit::taxonomy_files::TAXONOMY_DIR;
pub use crate::emit::xbrl_json::JSON_FILE;
pub use crate::emit::xbrl_xml::INSTANCE_FILE;

/// What to export and where.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// The dataset: a file, or a bundled example.
    pub dataset: dataset::Input,
    /// The folder to write the filing into: an earlier export there is replaced as a whole, the
    /// user's own files stay.
    pub out_dir: PathBuf,
    /// A taxonomy source folder to use instead of the bundled one.
    pub taxonomy_dir: Option<PathBuf>,
    /// The creation time to record (seconds since the epoch), e.g. from SOURCE_DATE_EPOCH.
    pub source_date_epoch: Option<i64>,
    /// Write the base taxonomy as a Taxonomy Package and refer to it by its published URL,
    /// instead of writing its files beside the filing.
    pub taxonomy_package: bool,
    /// The formats to write, by [`Writer::name`]; empty for every format esgx writes.
    pub formats: Vec<String>,
    /// The label language of what is written for people (`en`, `zh-Hant`, `zh-Hans`).
    pub lang: String,
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
            formats: Vec::new(),
            lang: "en".to_string(),
        }
    }
}

/// What an export wrote and found.
#[derive(Debug)]
pub struct ExportOutcome {
    /// Every file written (its path in the output folder, and its format), the manifest last.
    pub outputs: Vec<(PathBuf, &'static str)>,
    /// Every finding: warnings and infos (an export with errors fails with them instead and writes
    /// nothing).
    pub diagnostics: Vec<Diagnostic>,
    /// The number of facts in the filing.
    pub facts: usize,
}

/// The creation time to record, RFC 3339 UTC to the second: `epoch` (seconds since 1970, from
/// `SOURCE_DATE_EPOCH`) if given, else now.
pub fn created_time(epoch: Option<i64>) -> Result<String, String> {
    let t = match epoch {
        Some(s) => {
            chrono::DateTime::from_timestamp(s, 0).ok_or_else(|| format!("SOURCE_DATE_EPOCH {s} is out of range"))?
        }
        None => chrono::Utc::now(),
    };
    Ok(t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// Write the files of an export into `sink`: the taxonomy, each format of `formats`, and the
/// manifest last, which lists the others with their hashes. Returns what the manifest lists.
pub fn write_export(
    p: &Prepared,
    created: &str,
    formats: &[&dyn Writer],
    lang: &str,
    sink: &mut dyn Sink,
) -> std::io::Result<Vec<FileEntry>> {
    // The instance and the page go into the report packages as well: rendered once.
    let rendered = emit::Rendered::default();
    let filing = Filing { report: &p.report, taxonomy: &p.taxonomy, lang, rendered: Some(&rendered) };
    let mut rec = Recorder::new(sink);
    TaxonomyFiles.write(&filing, &mut rec)?;
    let mut entries = std::mem::take(&mut rec.entries);
    entries.extend(emit::write_formats(&filing, formats, sink)?);
    let manifest = manifest(p, created, entries);
    let bytes = manifest.to_bytes();
    sink.file(manifest::MANIFEST_FILE, "manifest", &mut |w| w.write_all(&bytes))?;
    Ok(manifest.outputs)
}

/// The files of an export in every format, manifest last, in memory.
pub fn render(p: &Prepared, created: &str) -> Vec<Output> {
    let mut mem = Memory::default();
    write_export(p, created, emit::FORMATS, "en", &mut mem).expect("writing to memory does not fail");
    mem.outputs
}

fn manifest(p: &Prepared, created: &str, outputs: Vec<FileEntry>) -> Manifest {
    let mut inputs: Vec<FileEntry> =
        p.dataset.inputs.iter().map(|(path, kept)| FileEntry::dataset_input(path, kept)).collect();
    inputs.extend(p.taxonomy.sources.iter().map(|s| FileEntry::input(&s.path, "taxonomy-source", &s.bytes)));
    let doc = &p.dataset.doc;
    Manifest {
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
        outputs,
        facts: p.report.facts.len(),
        validation: Validation { summary: Summary::of(&p.diagnostics), diagnostics: p.diagnostics.clone() },
    }
}

/// The whole job. Nothing is written unless every output could be produced.
pub fn run(opts: &ExportOptions) -> Result<ExportOutcome, ExportError> {
    let created = created_time(opts.source_date_epoch).map_err(ExportError::Io)?;
    let formats = if opts.formats.is_empty() {
        emit::FORMATS.to_vec()
    } else {
        emit::formats(&opts.formats).map_err(ExportError::Io)?
    };
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
    // One step, whole or not at all: files an earlier export wrote and this one does not (an
    // extension schema of another dataset, say) go with the old export; the user's own stay.
    // Each file streams into the staging folder as it is written.
    let mut written = Vec::new();
    fsio::commit_folder_with(&opts.out_dir, &mut |sink| {
        written = write_export(&prepared, &created, &formats, &opts.lang, sink)?;
        Ok(())
    })
    .map_err(ExportError::Io)?;
    let mut outputs: Vec<(PathBuf, &'static str)> =
        written.iter().map(|e| (opts.out_dir.join(&e.path), e.format.unwrap_or("file"))).collect();
    outputs.push((opts.out_dir.join(manifest::MANIFEST_FILE), "manifest"));
    Ok(ExportOutcome { outputs, diagnostics: prepared.diagnostics, facts: prepared.report.facts.len() })
}
