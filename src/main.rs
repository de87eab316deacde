//! The `esgx` command line: a thin front end over the library.

use clap::{Parser, Subcommand};
use esgx::diag::{Diagnostic, Severity};
use esgx::export::{ExportError, ExportOptions};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "esgx",
    version,
    about = "ESG indicator data to XBRL filings (XBRL 2.1 XML, xBRL-JSON) with provenance"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Export a dataset as an XBRL 2.1 instance, an xBRL-JSON report, the taxonomy and a manifest.
    Export {
        /// The dataset (.json, or .csv with NAME.meta.json beside it). Default: the bundled Qifu 2023 dataset.
        dataset: Option<PathBuf>,
        /// The folder to write into (created if needed).
        #[arg(long, short)]
        out: PathBuf,
        /// Use this taxonomy source folder instead of the bundled taxonomy.
        #[arg(long)]
        taxonomy: Option<PathBuf>,
    },
}

/// Exit codes: 0 clean, 1 findings in the input, 2 usage or I/O problem.
fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Export {
            dataset,
            out,
            taxonomy,
        } => {
            let epoch = match source_date_epoch() {
                Ok(e) => e,
                Err(msg) => {
                    eprintln!("error: {msg}");
                    return ExitCode::from(2);
                }
            };
            let opts = ExportOptions {
                dataset,
                out_dir: out,
                taxonomy_dir: taxonomy,
                source_date_epoch: epoch,
            };
            match esgx::export::run(&opts) {
                Ok(outcome) => {
                    print_diagnostics(&outcome.diagnostics);
                    for (path, format) in &outcome.outputs {
                        println!("wrote {} ({format})", path.display());
                    }
                    eprintln!(
                        "exported {} facts; {} warnings",
                        outcome.facts,
                        outcome
                            .diagnostics
                            .iter()
                            .filter(|d| d.severity == Severity::Warning)
                            .count()
                    );
                    ExitCode::SUCCESS
                }
                Err(ExportError::Findings(diags)) => {
                    print_diagnostics(&diags);
                    eprintln!(
                        "export failed: {} errors; nothing was written",
                        diags
                            .iter()
                            .filter(|d| d.severity == Severity::Error)
                            .count()
                    );
                    ExitCode::from(1)
                }
                Err(ExportError::Io(msg)) => {
                    eprintln!("error: {msg}");
                    ExitCode::from(2)
                }
            }
        }
    }
}

fn print_diagnostics(diags: &[Diagnostic]) {
    for d in diags {
        eprintln!("{d}\n");
    }
}

fn source_date_epoch() -> Result<Option<i64>, String> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if v.trim().is_empty() => Ok(None),
        Ok(v) => {
            v.trim().parse::<i64>().map(Some).map_err(|_| {
                format!("SOURCE_DATE_EPOCH must be whole seconds since 1970, not {v:?}")
            })
        }
        Err(_) => Ok(None),
    }
}
