//! The `esgx` command line: a thin front end over the library.

use clap::{Parser, Subcommand, ValueEnum};
use esgx::diag::{Diagnostic, Severity};
use esgx::export::{ExportError, ExportOptions};
use esgx::validate::render::{self, Format};
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
    /// Validate a dataset (.json, .csv) or a filing (XBRL XML instance, xBRL-JSON report).
    Validate {
        /// What to check. Default: the bundled Qifu 2023 dataset.
        path: Option<PathBuf>,
        /// How to print the results (on stdout).
        #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
        format: OutputFormat,
        /// Exit with code 1 when a finding has at least this severity.
        #[arg(long, value_enum, default_value_t = FailOn::Error)]
        fail_on: FailOn,
        /// Findings accepted on purpose (written by --write-baseline): only new ones count.
        #[arg(long)]
        baseline: Option<PathBuf>,
        /// Write the current findings as a baseline file.
        #[arg(long)]
        write_baseline: Option<PathBuf>,
        /// Use this taxonomy source folder instead of the bundled taxonomy.
        #[arg(long)]
        taxonomy: Option<PathBuf>,
        /// Check completeness against this framework version.
        #[arg(long)]
        framework: Option<String>,
        /// Point out year-on-year changes above this many percent.
        #[arg(long, default_value = "50")]
        yoy_threshold: rust_decimal::Decimal,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    Human,
    Json,
    Sarif,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
enum FailOn {
    Info,
    Warning,
    Error,
    Never,
}

/// Exit codes: 0 clean, 1 findings in the input, 2 usage or I/O problem.
fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Validate {
            path,
            format,
            fail_on,
            baseline,
            write_baseline,
            taxonomy,
            framework,
            yoy_threshold,
        } => validate(
            path,
            format,
            fail_on,
            baseline,
            write_baseline,
            taxonomy,
            framework,
            yoy_threshold,
        ),
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

fn validate(
    path: Option<PathBuf>,
    format: OutputFormat,
    fail_on: FailOn,
    baseline: Option<PathBuf>,
    write_baseline: Option<PathBuf>,
    taxonomy: Option<PathBuf>,
    framework: Option<String>,
    yoy_threshold: rust_decimal::Decimal,
) -> ExitCode {
    use esgx::validate::baseline::Baseline;
    let baseline = match baseline.map(|p| {
        std::fs::read_to_string(&p)
            .map_err(|e| format!("{}: {e}", p.display()))
            .and_then(|t| Baseline::parse(&t).map_err(|e| format!("{}: {e}", p.display())))
    }) {
        None => None,
        Some(Ok(b)) => Some(b),
        Some(Err(msg)) => {
            eprintln!("error: {msg}");
            return ExitCode::from(2);
        }
    };
    let opts = esgx::check::ValidateOptions {
        path,
        taxonomy_dir: taxonomy,
        framework,
        rules: esgx::validate::Options {
            yoy_threshold: yoy_threshold / rust_decimal::Decimal::ONE_HUNDRED,
            ..Default::default()
        },
        baseline,
    };
    let result = match esgx::check::run(&opts) {
        Ok(r) => r,
        Err(msg) => {
            eprintln!("error: {msg}");
            return ExitCode::from(2);
        }
    };
    if let Some(p) = write_baseline {
        let b = esgx::validate::baseline::Baseline::of(&result.diagnostics);
        let mut text = serde_json::to_string_pretty(&b).expect("baseline serializes");
        text.push('\n');
        let out = esgx::emit::Output {
            path: p
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default(),
            format: "baseline",
            bytes: text.into_bytes(),
        };
        if let Err(e) = esgx::fsio::write_all(
            p.parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new(".")),
            &[out],
        ) {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
        eprintln!(
            "wrote a baseline of {} findings to {}",
            b.accepted.len(),
            p.display()
        );
    }
    use std::io::IsTerminal;
    let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let fmt = match format {
        OutputFormat::Human => Format::Human,
        OutputFormat::Json => Format::Json,
        OutputFormat::Sarif => Format::Sarif,
    };
    // A closed pipe (`| head`) is not an error worth a panic.
    use std::io::Write;
    let _ = std::io::stdout().write_all(render::render(&result, fmt, colour).as_bytes());
    let worst = result.diagnostics.iter().map(|d| d.severity).max();
    let failing = match (fail_on, worst) {
        (FailOn::Never, _) | (_, None) => false,
        (FailOn::Info, Some(_)) => true,
        (FailOn::Warning, Some(s)) => s >= Severity::Warning,
        (FailOn::Error, Some(s)) => s >= Severity::Error,
    };
    if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Findings of an export go to stderr, so that stdout lists only what was written.
fn print_diagnostics(diags: &[Diagnostic]) {
    use std::io::IsTerminal;
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for d in diags {
        eprintln!("{}", render::human_diagnostic(d, colour));
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
