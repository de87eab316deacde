//! The provenance record of an export: what went in, what came out, when, by which version,
//! with hashes, and what validation found. Described by `schema/manifest.schema.json`.

use super::Output;
use crate::diag::{Diagnostic, Summary};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The manifest's file name in the output folder.
pub const MANIFEST_FILE: &str = "manifest.json";

/// The SHA-256 of `bytes`, as 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Bytes as lowercase hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The provenance record of one export (`manifest.json`, described by
/// `schema/manifest.schema.json`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// The manifest schema's id (`$schema`).
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    /// The version of the manifest format.
    pub manifest_version: &'static str,
    /// A UUID (version 5) derived from the input hashes, the esgx version and the creation time (see
    /// [`filing_id`]).
    pub filing_id: String,
    /// The RFC 3339 UTC time of the export (`SOURCE_DATE_EPOCH` when set).
    pub created: String,
    /// The program that wrote the filing.
    pub generator: Generator,
    /// The reporting entity.
    pub entity: EntityInfo,
    /// The id of the framework version the filing reports under.
    pub framework: String,
    /// The name of the current reporting period (e.g. `FY2023`).
    pub reporting_period: String,
    /// The taxonomy the filing uses.
    pub taxonomy: TaxonomyInfo,
    /// Every file read: the dataset and the taxonomy source files.
    pub inputs: Vec<FileEntry>,
    /// Every file written except the manifest itself, paths relative to the output folder.
    pub outputs: Vec<FileEntry>,
    /// The number of facts in the filing.
    pub facts: usize,
    /// What validation found: counts by severity and every finding.
    pub validation: Validation,
}

/// The program that wrote the filing.
#[derive(Debug, Serialize)]
pub struct Generator {
    /// The program's name (`esgx`).
    pub name: &'static str,
    /// The program's version.
    pub version: &'static str,
}

/// The reporting entity, as the filing identifies it.
#[derive(Debug, Serialize)]
pub struct EntityInfo {
    /// The entity's name.
    pub name: String,
    /// The identifier scheme URI.
    pub scheme: String,
    /// The entity's identifier in that scheme.
    pub identifier: String,
}

/// The taxonomy a filing uses.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaxonomyInfo {
    /// The taxonomy's short name (e.g. `hkex-esg`).
    pub name: String,
    /// The taxonomy's version.
    pub version: String,
    /// The taxonomy schema's target namespace URI.
    pub namespace: String,
    /// The schema the instance references, relative to the output folder.
    pub entry_point: String,
    /// The company extension, if the filing has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<ExtensionInfo>,
}

/// A company extension's identity.
#[derive(Debug, Serialize)]
pub struct ExtensionInfo {
    /// The extension's namespace prefix.
    pub prefix: String,
    /// The extension schema's target namespace URI.
    pub namespace: String,
}

/// A file read or written: its path, role or format, SHA-256 hash and size.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileEntry {
    /// The file's path (an input as the user named it; an output relative to the output folder).
    pub path: String,
    /// What an input file is: `dataset` or `taxonomy-source`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<&'static str>,
    /// The format an output file is written in (e.g. `xbrl-xml`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<&'static str>,
    /// The SHA-256 of the file's bytes, as 64 lowercase hex digits.
    pub sha256: String,
    /// The file's size in bytes.
    pub bytes: u64,
}

impl FileEntry {
    /// An input file's entry.
    pub fn input(path: &str, role: &'static str, bytes: &[u8]) -> Self {
        Self::input_digest(path, role, &Sha256::digest(bytes).into(), bytes.len() as u64)
    }
    /// An input file's entry from the SHA-256 and size of its bytes.
    fn input_digest(path: &str, role: &'static str, sha256: &[u8; 32], size: u64) -> Self {
        FileEntry { path: path.to_string(), role: Some(role), format: None, sha256: hex(sha256), bytes: size }
    }
    /// A dataset's input file's entry: of its bytes, or of the digest taken as it was read.
    pub fn dataset_input(path: &str, kept: &crate::dataset::InputFile) -> Self {
        match kept {
            crate::dataset::InputFile::Bytes(b) => FileEntry::input(path, "dataset", b),
            crate::dataset::InputFile::Streamed { sha256, size, .. } => {
                FileEntry::input_digest(path, "dataset", sha256, *size)
            }
        }
    }
    /// An output file's entry.
    pub fn output(o: &Output) -> Self {
        FileEntry {
            path: o.path.clone(),
            role: None,
            format: Some(o.format),
            sha256: sha256_hex(&o.bytes),
            bytes: o.bytes.len() as u64,
        }
    }
}

/// What validation found.
#[derive(Debug, Serialize)]
pub struct Validation {
    /// The number of findings of each severity.
    #[serde(flatten)]
    pub summary: Summary,
    /// Every finding, in the order the rules report them.
    pub diagnostics: Vec<Diagnostic>,
}

/// A filing id that is the same for the same inputs, version and creation time.
pub fn filing_id(inputs: &[FileEntry], created: &str) -> uuid::Uuid {
    let mut key = format!("esgx/{}/{created}", env!("CARGO_PKG_VERSION"));
    for i in inputs {
        key.push('/');
        key.push_str(&i.sha256);
    }
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, key.as_bytes())
}

impl Manifest {
    /// The manifest as pretty-printed JSON, ending with a newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut s = serde_json::to_string_pretty(self).expect("manifest serializes");
        s.push('\n');
        s.into_bytes()
    }
}
