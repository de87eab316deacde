//! Serializations of the one fact model, plus the provenance manifest.

pub mod manifest;
pub mod xbrl_json;
pub mod xbrl_xml;

pub use crate::output::Output;
