//! Serializations of the one fact model, plus the provenance manifest.

pub mod manifest;
pub mod xbrl_json;
pub mod xbrl_xml;

/// A file to write: where (relative to the output folder), what format, and its bytes.
#[derive(Debug, Clone)]
pub struct Output {
    pub path: String,
    pub format: &'static str,
    pub bytes: Vec<u8>,
}
