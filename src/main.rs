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
        /// Write the base taxonomy as a Taxonomy Package (taxonomy/NAME.zip) and refer to it by its
        /// published URL; check with `arelle-check --packages taxonomy/NAME.zip report.xbrl`.
        #[arg(long)]
        taxonomy_package: bool,
    },
    /// Look into the taxonomy, build it, or make a dataset template.
    Taxonomy {
        #[command(subcommand)]
        command: TaxonomyCommand,
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

#[derive(Subcommand)]
enum TaxonomyCommand {
    /// List concepts, optionally those of one KPI code (e.g. B1.1, or B1 for the aspect) or matching a text.
    List {
        #[arg(long)]
        kpi: Option<String>,
        /// Text to look for in names and labels (any language).
        #[arg(long)]
        search: Option<String>,
        #[arg(long)]
        framework: Option<String>,
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
        #[arg(long)]
        taxonomy: Option<PathBuf>,
    },
    /// Show a concept: labels, type, units, dimensions, references.
    Show {
        concept: String,
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
        #[arg(long)]
        taxonomy: Option<PathBuf>,
    },
    /// Write the XBRL taxonomy (schemas, linkbases) and its Taxonomy Package zip.
    Build {
        #[arg(long, short)]
        out: PathBuf,
        #[arg(long)]
        taxonomy: Option<PathBuf>,
    },
    /// Write an empty dataset to fill in (template.json, template.csv + template.meta.json).
    Template {
        #[arg(long, short)]
        out: PathBuf,
        /// Framework version (default: the newest).
        #[arg(long)]
        framework: Option<String>,
        /// The fiscal year to fill in (default: last year).
        #[arg(long)]
        year: Option<i32>,
        #[arg(long)]
        taxonomy: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ListFormat {
    Human,
    Json,
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
        Command::Taxonomy { command } => taxonomy(command),
        Command::Validate { path, format, fail_on, baseline, write_baseline, taxonomy, framework, yoy_threshold } => {
            validate(path, format, fail_on, baseline, write_baseline, taxonomy, framework, yoy_threshold)
        }
        Command::Export { dataset, out, taxonomy, taxonomy_package } => {
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
                taxonomy_package,
            };
            match esgx::export::run(&opts) {
                Ok(outcome) => {
                    // Warnings are worth a look before filing; infos are in the manifest.
                    let notable: Vec<Diagnostic> =
                        outcome.diagnostics.iter().filter(|d| d.severity >= Severity::Warning).cloned().collect();
                    print_diagnostics(&notable);
                    for (path, format) in &outcome.outputs {
                        println!("wrote {} ({format})", path.display());
                    }
                    let infos = outcome.diagnostics.len() - notable.len();
                    eprintln!(
                        "exported {} facts; {}, {} (all findings are in manifest.json; `esgx validate` explains them)",
                        outcome.facts,
                        plural(notable.len(), "warning"),
                        plural(infos, "info")
                    );
                    ExitCode::SUCCESS
                }
                Err(ExportError::Findings(diags)) => {
                    print_diagnostics(&diags);
                    eprintln!(
                        "export failed: {}; nothing was written",
                        plural(diags.iter().filter(|d| d.severity == Severity::Error).count(), "error")
                    );
                    ExitCode::from(1)
                }
                Err(ExportError::Io(msg)) => {
                    eprintln!("{}", if msg.starts_with("error") { msg } else { format!("error: {msg}") });
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
            path: p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default(),
            format: "baseline",
            bytes: text.into_bytes(),
        };
        if let Err(e) = esgx::fsio::write_all(
            p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new(".")),
            &[out],
        ) {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
        eprintln!("wrote a baseline of {} findings to {}", b.accepted.len(), p.display());
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
    if failing { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

fn load_taxonomy(dir: Option<&std::path::Path>) -> Result<esgx::taxonomy::Taxonomy, ExitCode> {
    match dir {
        Some(d) => esgx::taxonomy::Taxonomy::from_dir(d),
        None => esgx::taxonomy::Taxonomy::bundled("hkex-esg"),
    }
    .map_err(|diags| {
        print_diagnostics(&diags);
        ExitCode::from(if diags.iter().any(|d| d.code == "E0001") { 2 } else { 1 })
    })
}

fn write_outputs(dir: &std::path::Path, outputs: &[esgx::emit::Output]) -> ExitCode {
    match esgx::fsio::commit_folder(dir, outputs) {
        Ok(()) => {
            for o in outputs {
                println!("wrote {} ({})", dir.join(&o.path).display(), o.format);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn taxonomy(command: TaxonomyCommand) -> ExitCode {
    use esgx::taxonomy::{package, query};
    use std::io::Write;
    let dir = match &command {
        TaxonomyCommand::List { taxonomy, .. }
        | TaxonomyCommand::Show { taxonomy, .. }
        | TaxonomyCommand::Build { taxonomy, .. }
        | TaxonomyCommand::Template { taxonomy, .. } => taxonomy.clone(),
    };
    let tax = match load_taxonomy(dir.as_deref()) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let mut stdout = std::io::stdout();
    match command {
        TaxonomyCommand::List { kpi, search, framework, format, .. } => {
            let found = query::list(&tax, kpi.as_deref(), search.as_deref(), framework.as_deref());
            let text = match format {
                ListFormat::Human => query::list_text(&found),
                ListFormat::Json => {
                    let defs: Vec<&esgx::taxonomy::source::ConceptDef> = found.iter().map(|c| &c.def).collect();
                    serde_json::to_string_pretty(&defs).expect("concepts serialize") + "\n"
                }
            };
            let _ = stdout.write_all(text.as_bytes());
            if found.is_empty() {
                eprintln!("no concept matches");
                return ExitCode::from(1);
            }
            ExitCode::SUCCESS
        }
        TaxonomyCommand::Show { concept, format, .. } => {
            let Some(c) = tax.concept(&concept) else {
                let hint = esgx::map::suggest(&concept, tax.concepts.iter().map(|c| c.name()));
                eprintln!(
                    "error: unknown concept {concept:?}{}",
                    hint.map(|h| format!("; did you mean {h:?}?")).unwrap_or_default()
                );
                return ExitCode::from(1);
            };
            let text = match format {
                ListFormat::Human => query::show_text(&tax, c),
                ListFormat::Json => serde_json::to_string_pretty(&c.def).expect("concept serializes") + "\n",
            };
            let _ = stdout.write_all(text.as_bytes());
            ExitCode::SUCCESS
        }
        TaxonomyCommand::Build { out, .. } => write_outputs(&out, &package::build_outputs(&tax)),
        TaxonomyCommand::Template { out, framework, year, .. } => {
            let framework =
                framework.unwrap_or_else(|| tax.info.frameworks.last().map(|f| f.id.clone()).unwrap_or_default());
            if !tax.info.frameworks.iter().any(|f| f.id == framework) {
                eprintln!("error: unknown framework {framework:?}");
                return ExitCode::from(2);
            }
            if let Some(y) = year
                && !(1900..=9998).contains(&y)
            {
                eprintln!("error: --year {y} is out of range (1900 to 9998)");
                return ExitCode::from(2);
            }
            let year = year.unwrap_or_else(|| {
                use chrono::Datelike;
                let now = source_date_epoch()
                    .ok()
                    .flatten()
                    .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
                    .unwrap_or_else(chrono::Utc::now);
                now.year() - 1
            });
            let doc = query::template(&tax, &framework, year);
            let mut json = serde_json::to_string_pretty(&doc).expect("template serializes");
            json.push('\n');
            let parsed: esgx::dataset::DatasetDoc =
                serde_json::from_value(doc.clone()).expect("the template is a dataset");
            let csv = esgx::dataset::csv::facts_to_csv(&parsed);
            let mut meta = doc;
            meta.as_object_mut().expect("object").remove("facts");
            let mut meta_text = serde_json::to_string_pretty(&meta).expect("serializes");
            meta_text.push('\n');
            let outputs = vec![
                esgx::emit::Output { path: "template.json".into(), format: "dataset-json", bytes: json.into_bytes() },
                esgx::emit::Output { path: "template.csv".into(), format: "dataset-csv", bytes: csv.into_bytes() },
                esgx::emit::Output {
                    path: "template.meta.json".into(),
                    format: "dataset-meta",
                    bytes: meta_text.into_bytes(),
                },
            ];
            write_outputs(&out, &outputs)
        }
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

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

fn source_date_epoch() -> Result<Option<i64>, String> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if v.trim().is_empty() => Ok(None),
        Ok(v) => match v.trim().parse::<i64>() {
            // Up to the last second of year 9999, as RFC 3339 allows.
            Ok(n) if (0..=253_402_300_799).contains(&n) => Ok(Some(n)),
            _ => Err(format!("SOURCE_DATE_EPOCH must be whole seconds since 1970 (up to year 9999), not {v:?}")),
        },
        Err(_) => Ok(None),
    }
}
