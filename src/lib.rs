//! esgx: ESG indicator data to machine-readable regulatory filings.
//!
//! The flow runs one way: [`dataset`] readers → [`map`] onto the [`taxonomy`] → [`validate`] →
//! [`emit`] (XBRL 2.1 XML, xBRL-JSON, the taxonomy files and a provenance manifest), all around
//! one fact model, [`report`]. [`export::run`] runs the whole job.

pub mod check;
pub mod dataset;
pub mod diag;
pub mod diff;
pub mod emit;
pub mod export;
pub mod fsio;
pub mod import;
pub mod input;
pub mod jsonpos;
pub mod locate;
pub mod map;
pub mod report;
pub mod taxonomy;
pub mod validate;
pub mod value;
pub mod xml;

pub const XBRLI_NS: &str = "http://www.xbrl.org/2003/instance";
