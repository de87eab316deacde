//! esgx: ESG indicator data to machine-readable regulatory filings.
//!
//! The flow runs one way: [`dataset`] readers → [`map`] onto the [`taxonomy`] → [`validate`] →
//! [`emit`] (XBRL 2.1 XML, xBRL-JSON, the taxonomy files and a provenance manifest), all around
//! one fact model, [`report`]. [`export::run`] runs the whole job, [`check::run`] the validation.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use esgx::dataset::{Input, example};
//! use esgx::export::{ExportOptions, run};
//!
//! let out = tempfile::tempdir()?;
//! let qifu = example("qifu-2023").expect("bundled");
//! let outcome = run(&ExportOptions::new(Input::Example(qifu), out.path()))?;
//! assert_eq!(outcome.facts, 262);
//! assert!(out.path().join("report.xbrl").is_file());
//!
//! // Findings come with codes, severities and places in the input.
//! let warnings = outcome.diagnostics.iter().filter(|d| d.severity == esgx::diag::Severity::Warning);
//! assert!(warnings.count() > 0);
//! # Ok(())
//! # }
//! ```

// A read that fails returns its finding (a `Diagnostic`, a few hundred bytes) by value, once per
// input; boxing each such error for the lint would add code at every call and save nothing.
#![allow(clippy::result_large_err)]
#![warn(missing_docs)]

pub mod batch;
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
pub mod ns;
pub mod output;
pub mod pipeline;
pub mod report;
pub mod restore;
pub mod taxonomy;
pub mod validate;
pub mod value;
pub mod xml;

/// The README's code examples, compiled as doc tests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
