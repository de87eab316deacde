//! The provenance record of an export: what went in, what came out, when, by which version,
//! with hashes, and what validation found. Described by `schema/manifest.schema.json`.

use super::Output;
use crate::diag::{Diagnostic, Summary};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub const MANIFEST_FILE: &str = "manifest.json";

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

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    pub manifest_version: &'static str,
    pub filing_id: String,
    pub created: String,
    pub generator: Generator,
    pub entity: EntityInfo,
    pub framework: String,
    pub reporting_period: String,
    pub taxonomy: TaxonomyInfo,
    pub inputs: Vec<FileEntry>,
    pub outputs: Vec<FileEntry>,
    pub facts: usize,
    pub validation: Validation,
}

#[derive(Debug, Serialize)]
pub struct Generator {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Serialize)]
pub struct EntityInfo {
    pub name: String,
    pub scheme: String,
    pub identifier: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaxonomyInfo {
    pub name: String,
    pub version: String,
    pub namespace: String,
    pub entry_point: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<ExtensionInfo>,
}

#[derive(Debug, Serialize)]
pub struct ExtensionInfo {
    pub prefix: String,
    pub namespace: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileEntry {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<&'static str>,
    pub sha256: String,
    pub bytes: u64,
}

impl FileEntry {
    pub fn input(path: &str, role: &'static str, bytes: &[u8]) -> Self {
        FileEntry {
            path: path.to_string(),
            role: Some(role),
            format: None,
            sha256: sha256_hex(bytes),
            bytes: bytes.len() as u64,
        }
    }
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

#[derive(Debug, Serialize)]
pub struct Validation {
    #[serde(flatten)]
    pub summary: Summary,
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
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut s = serde_json::to_string_pretty(self).expect("manifest serializes");
        s.push('\n');
        s.into_bytes()
    }
}
