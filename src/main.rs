//! The `esgx` command line: a thin front end over the library.

use clap::{Parser, Subcommand, ValueEnum};
use esgx::diag::Code;
use esgx::diag::{Diagnostic, Severity};
use esgx::export::{ExportError, ExportOptions};
use esgx::validate::render::{self, Format};
use std::path::PathBuf;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay`: its place in `mi_option_t` (mimalloc.h, stable across
/// versions: retired options keep their places), which libmimalloc-sys does not name.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Give memory freed by a stage back to the system after 10 ms (mimalloc 2's default), not
/// mimalloc 3's second: reading a filing frees its raw facts as the rules start, which then
/// took new pages while the freed ones were still held (at 100k facts, 158 MB peak instead of
/// about 200 MB; the time was the same within this machine's noise). A delay set in the
/// environment (`MIMALLOC_PURGE_DELAY`) is left as it is.
fn tune_allocator() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: sets one of mimalloc's options by its documented number; mimalloc reads its
    // options when it uses them, so setting one at any time is allowed.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 10) }
}

#[derive(Parser)]
#[command(
    name = "esgx",
    version,
    about = "ESG indicator data to XBRL filings (XBRL 2.1 XML, xBRL-JSON) with provenance"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// When to colour the output: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Colour for a stream: `always` and `never` as said; `auto` as anstream decides for the
    /// stream (a terminal, and NO_COLOR, CLICOLOR and TERM=dumb respected).
    fn on(self, stream: &impl anstream::stream::RawStream) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => anstream::AutoStream::choice(stream) != anstream::ColorChoice::Never,
        }
    }
}

static COLOR: std::sync::OnceLock<ColorChoice> = std::sync::OnceLock::new();

fn colour_stdout() -> bool {
    COLOR.get().copied().unwrap_or(ColorChoice::Auto).on(&std::io::stdout())
}

fn colour_stderr() -> bool {
    COLOR.get().copied().unwrap_or(ColorChoice::Auto).on(&std::io::stderr())
}

/// A usage or I/O problem: one `error:` prefix, whatever the message already says.
fn usage_error(msg: &str) -> ExitCode {
    // Escaped line by line: the message's own line breaks (a finding's `-->` line) stay.
    let msg: Vec<String> = msg.trim_end().lines().map(render::printable).collect();
    let msg = msg.join("\n");
    if msg.starts_with("error") {
        eprintln!("{msg}");
    } else {
        eprintln!("{}: {msg}", esgx::diag::paint(colour_stderr(), esgx::diag::style::ERROR, "error"));
    }
    ExitCode::from(2)
}

#[derive(Subcommand)]
enum Command {
    /// Export a dataset as an XBRL 2.1 instance, an xBRL-JSON report, the taxonomy and a manifest.
    Export {
        /// The dataset (.json, or .csv with NAME.meta.json beside it), or `-` to read a JSON
        /// dataset from standard input. Several datasets, or folders of them, are exported in
        /// parallel, each into OUT/NAME/ (NAME: the file's stem), with one JSON line per dataset.
        #[arg(conflicts_with = "example", value_name = "DATASET")]
        dataset: Vec<PathBuf>,
        /// Export a bundled dataset instead of a file.
        #[arg(long, value_name = "NAME", value_parser = example_names())]
        example: Option<String>,
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
        /// The filing formats to write, comma-separated (xbrl-xml, xbrl-json); every format by
        /// default. The taxonomy and manifest.json are always written.
        #[arg(long, value_delimiter = ',', value_name = "FORMAT")]
        formats: Vec<String>,
        /// The language of labels in what is written for people (en, zh-Hant, zh-Hans).
        #[arg(long, default_value = "en", value_name = "LANG")]
        lang: String,
        /// Write the summary of a run over several datasets (one JSON line per dataset) to this
        /// file instead of standard output (`-`). Makes a run of one dataset such a run too.
        #[arg(long, value_name = "FILE")]
        summary: Option<PathBuf>,
    },
    /// Turn a filing (XBRL XML instance, xBRL-JSON report) back into a dataset: entity, periods,
    /// sources and the company extension recovered; exporting the dataset gives the filing again.
    Import {
        /// The filing. An esgx manifest.json beside it that lists it also gives the entity's name.
        filing: PathBuf,
        /// The dataset file to write (.json).
        #[arg(long, short)]
        out: PathBuf,
        /// Read the filing against this taxonomy source folder instead of the bundled taxonomy.
        #[arg(long)]
        taxonomy: Option<PathBuf>,
    },
    /// Print the JSON Schema of a format esgx reads or writes (dataset, taxonomy, manifest, diff).
    Schema {
        #[arg(value_parser = clap::builder::PossibleValuesParser::new(esgx::input::SCHEMAS.iter().map(|(n, _)| *n)))]
        name: String,
    },
    /// Look into the taxonomy, build it, or make a dataset template.
    Taxonomy {
        #[command(subcommand)]
        command: TaxonomyCommand,
    },
    /// Validate a dataset (.json, .csv, .xlsx) or a filing (XBRL XML instance, xBRL-JSON report, xBRL-CSV metadata).
    Validate {
        /// What to check: a dataset (.json, .csv, .xlsx) or a filing (XBRL XML instance, xBRL-JSON
        /// report, xBRL-CSV metadata, Inline XBRL page, report package), or `-` for standard input.
        /// Several, or folders of them, are checked in parallel, with one JSON line per input.
        #[arg(conflicts_with = "example", value_name = "PATH")]
        path: Vec<PathBuf>,
        /// Check a bundled dataset instead of a file.
        #[arg(long, value_name = "NAME", value_parser = example_names())]
        example: Option<String>,
        /// How to print the results (on stdout) of one input [default: human].
        #[arg(long, value_enum)]
        format: Option<OutputFormat>,
        /// Write the summary of a run over several inputs (one JSON line per input) to this file
        /// instead of standard output (`-`). Makes a run of one input such a run too.
        #[arg(long, value_name = "FILE")]
        summary: Option<PathBuf>,
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
        /// Check a filing against a published XBRL taxonomy: a Taxonomy Package zip (or package
        /// folder, or entry-point schema), read offline.
        #[arg(long, value_name = "ZIP", conflicts_with = "taxonomy")]
        taxonomy_package: Option<PathBuf>,
        /// Check completeness against this framework version.
        #[arg(long)]
        framework: Option<String>,
        /// Point out year-on-year changes above this many percent.
        #[arg(long, default_value = "50")]
        yoy_threshold: rust_decimal::Decimal,
    },
    /// Compare two datasets or filings (in any combination): facts changed, restated, added and
    /// removed, matched by concept, period, breakdown and unit; a change within the figures'
    /// rounding is no change.
    Diff {
        /// The earlier version: a dataset (.json, .csv) or a filing (XBRL XML, xBRL-JSON).
        old: PathBuf,
        /// The later version; its figures for periods before its reporting period that differ
        /// from the earlier version's are restatements.
        new: PathBuf,
        /// How to print the differences (on stdout).
        #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
        format: DiffFormat,
        /// Exit with code 1 when anything differs (for CI).
        #[arg(long)]
        fail_on_change: bool,
        /// Use this taxonomy source folder instead of the bundled taxonomy.
        #[arg(long)]
        taxonomy: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum DiffFormat {
    Human,
    Json,
    /// Tables for a pull-request comment.
    Markdown,
}

#[derive(Subcommand)]
enum TaxonomyCommand {
    /// List concepts, optionally those of one KPI code (e.g. B1.1, or B1 for the aspect) or matching a
    /// text; a text also finds axes, members and units.
    List {
        /// An HKEX KPI code or aspect, in any case: B1.1, b1.1, B1.
        #[arg(long)]
        kpi: Option<String>,
        /// Text to look for in names, aliases and labels (any language) of concepts, axes, members and units.
        #[arg(long)]
        search: Option<String>,
        #[arg(long)]
        framework: Option<String>,
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
        #[arg(long)]
        taxonomy: Option<PathBuf>,
    },
    /// Show a concept (labels, type, units, dimensions, references), an axis (its members as a tree and
    /// the concepts that use it), a member (its axis and parent) or a unit (its measures and the
    /// concept types that use it).
    Show {
        /// A name or alias of a concept, axis, member or unit.
        #[arg(value_name = "NAME")]
        name: String,
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
    /// Write an empty dataset to fill in (template.json, template.csv + template.meta.json; or
    /// template.xlsx, a workbook with one sheet per aspect, with --format xlsx).
    Template {
        #[arg(long, short)]
        out: PathBuf,
        /// Framework version (default: the newest).
        #[arg(long)]
        framework: Option<String>,
        /// The fiscal year to fill in (default: last year).
        #[arg(long, conflicts_with = "years")]
        year: Option<i32>,
        /// The reporting currency (ISO 4217, a currency unit of the taxonomy): amounts and
        /// intensities per revenue are set up in it (default: HKD).
        #[arg(long)]
        currency: Option<String>,
        /// The years of the workbook's columns, the reporting year first (e.g. 2023,2022,2021).
        #[arg(long, value_delimiter = ',')]
        years: Vec<i32>,
        /// json (JSON and CSV datasets) or xlsx (a workbook).
        #[arg(long, value_enum, default_value_t = TemplateFormat::Json)]
        format: TemplateFormat,
        /// The language of the workbook's labels (en, zh-Hant, zh-Hans).
        #[arg(long, default_value = "en")]
        lang: String,
        #[arg(long)]
        taxonomy: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum TemplateFormat {
    Json,
    Xlsx,
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
    tune_allocator();
    let cli = Cli::parse();
    let _ = COLOR.set(cli.color);
    match cli.command {
        Command::Taxonomy { command } => taxonomy(command),
        Command::Schema { name } => {
            use std::io::Write;
            let text = esgx::input::SCHEMAS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t).expect("clap checked");
            let _ = std::io::stdout().write_all(text.as_bytes());
            ExitCode::SUCCESS
        }
        Command::Validate {
            path,
            example,
            format,
            fail_on,
            baseline,
            write_baseline,
            taxonomy,
            taxonomy_package,
            framework,
            yoy_threshold,
            summary,
        } => {
            if is_batch(&path, &summary) {
                if format.is_some() || baseline.is_some() || write_baseline.is_some() {
                    return usage_error(
                        "--format, --baseline and --write-baseline apply to one input; a run over several writes one JSON line per input",
                    );
                }
                let opts = esgx::check::ValidateOptions {
                    input: esgx::dataset::Input::Path(PathBuf::new()),
                    taxonomy_dir: taxonomy,
                    taxonomy_package,
                    framework,
                    rules: esgx::validate::Options {
                        yoy_threshold: yoy_threshold / rust_decimal::Decimal::ONE_HUNDRED,
                        ..Default::default()
                    },
                    baseline: None,
                    fact_summaries: false,
                };
                let threshold = match fail_on {
                    FailOn::Info => Some(Severity::Info),
                    FailOn::Warning => Some(Severity::Warning),
                    FailOn::Error => Some(Severity::Error),
                    FailOn::Never => None,
                };
                return batch(&path, esgx::batch::Job::Validate(opts, threshold), summary.as_deref());
            }
            let format = format.unwrap_or(OutputFormat::Human);
            let input = match single_input(path, example, "validate", "dataset or filing") {
                Ok(i) => i,
                Err(code) => return code,
            };
            let taxonomy = (taxonomy, taxonomy_package);
            validate(input, format, fail_on, (baseline, write_baseline), taxonomy, framework, yoy_threshold)
        }
        Command::Import { filing, out, taxonomy } => import(filing, out, taxonomy),
        Command::Diff { old, new, format, fail_on_change, taxonomy } => {
            diff(old, new, format, fail_on_change, taxonomy)
        }
        Command::Export { dataset: paths, example, out, taxonomy, taxonomy_package, formats, lang, summary } => {
            let batch_run = is_batch(&paths, &summary);
            let dataset = if batch_run {
                esgx::dataset::Input::Path(PathBuf::new()) // set for each dataset
            } else {
                match single_input(paths.clone(), example, "export", "dataset") {
                    Ok(i) => i,
                    Err(code) => return code,
                }
            };
            let epoch = match source_date_epoch() {
                Ok(e) => e,
                Err(msg) => {
                    return usage_error(&msg.to_string());
                }
            };
            let opts = ExportOptions {
                dataset,
                out_dir: out,
                taxonomy_dir: taxonomy,
                source_date_epoch: epoch,
                taxonomy_package,
                formats,
                lang,
            };
            if batch_run {
                return batch(&paths, esgx::batch::Job::Export(opts), summary.as_deref());
            }
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
                Err(ExportError::Findings(diags)) => failed("export", &diags),
                Err(ExportError::Io(msg)) => usage_error(&msg),
            }
        }
    }
}

/// A run over several inputs: more than one path, a folder, or a summary asked for.
fn is_batch(paths: &[PathBuf], summary: &Option<PathBuf>) -> bool {
    paths.len() > 1 || paths.iter().any(|p| p.is_dir()) || (summary.is_some() && !paths.is_empty())
}

/// The one input of a run: a path, `-` (standard input, read whole within the input limit), or
/// `--example`.
fn single_input(
    paths: Vec<PathBuf>,
    example: Option<String>,
    command: &str,
    what: &str,
) -> Result<esgx::dataset::Input, ExitCode> {
    if paths.len() == 1 && paths[0].as_os_str() == "-" {
        return esgx::input::read_stdin()
            .map(|bytes| esgx::dataset::Input::Bytes { name: "<stdin>".into(), bytes: bytes.into() })
            .map_err(|d| usage_error(&d.to_string()));
    }
    resolve_input(paths.into_iter().next(), example, command, what)
}

/// Run `job` over every input `paths` names, with a progress bar on a terminal, and write one
/// summary line per input (to `summary`, or standard output). Exit code: the worst input's.
fn batch(paths: &[PathBuf], job: esgx::batch::Job, summary: Option<&std::path::Path>) -> ExitCode {
    use std::io::{IsTerminal, Write};
    if paths.iter().any(|p| p.as_os_str() == "-") {
        return usage_error("`-` (standard input) is for a run of one input");
    }
    let inputs = match esgx::batch::expand(paths, matches!(job, esgx::batch::Job::Validate(..))) {
        Ok(i) => i,
        Err(msg) => return usage_error(&msg),
    };
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(inputs.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {elapsed_precise} (ETA {eta}) {msg}")
            .expect("a valid template"),
    );
    let to_stdout = summary.is_none_or(|p| p.as_os_str() == "-");
    let lines = std::sync::Mutex::new(String::new());
    let done = |s: &esgx::batch::Summary| {
        if to_stdout {
            bar.suspend(|| {
                let _ = writeln!(std::io::stdout().lock(), "{}", s.to_line());
            });
        } else {
            let mut l = lines.lock().unwrap_or_else(|e| e.into_inner());
            l.push_str(&s.to_line());
            l.push('\n');
        }
    };
    let progress = |s: &esgx::batch::Summary| {
        bar.set_message(s.path.clone());
        bar.inc(1);
    };
    let summaries = esgx::batch::run(&inputs, &job, &done, &progress);
    bar.finish_and_clear();
    if let Some(p) = summary.filter(|_| !to_stdout) {
        let out = esgx::emit::Output {
            path: p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default(),
            format: "summary",
            bytes: lines.into_inner().unwrap_or_else(|e| e.into_inner()).into_bytes(),
        };
        let dir = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
        if let Err(e) = esgx::fsio::write_all(dir, &[out]) {
            return usage_error(&e);
        }
    }
    let count = |r: &str| summaries.iter().filter(|s| s.result == r).count();
    let ok = count("exported") + count("passed");
    eprintln!(
        "{} of {} inputs {}; {} with findings that fail, {} that could not be processed",
        ok,
        summaries.len(),
        if matches!(job, esgx::batch::Job::Export(_)) { "exported" } else { "passed" },
        count("failed"),
        count("error")
    );
    ExitCode::from(esgx::batch::exit_code(&summaries))
}

/// A job the input's errors stopped: the findings, and a line saying nothing was written (exit 1).
fn failed(job: &str, diags: &[Diagnostic]) -> ExitCode {
    print_diagnostics(diags);
    let errors = diags.iter().filter(|d| d.severity == Severity::Error).count();
    eprintln!("{job} failed: {}; nothing was written", plural(errors, "error"));
    ExitCode::from(1)
}

/// The bundled datasets, as `--example` values listed by `--help`.
fn example_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(
        esgx::dataset::EXAMPLES.iter().map(|e| clap::builder::PossibleValue::new(e.name).help(e.description)),
    )
}

/// A path or `--example`, never a silent default: a forgotten or empty path is a usage error.
fn resolve_input(
    path: Option<PathBuf>,
    example: Option<String>,
    command: &str,
    what: &str,
) -> Result<esgx::dataset::Input, ExitCode> {
    let names: Vec<&str> = esgx::dataset::EXAMPLES.iter().map(|e| e.name).collect();
    let usage = |msg: String| {
        eprintln!("error: {msg}");
        eprintln!(
            "  = help: name a {what} (`esgx {command} PATH`), or choose a bundled dataset with `--example NAME` ({})",
            names.join(", ")
        );
        ExitCode::from(2)
    };
    match (path, example) {
        (Some(p), _) if p.as_os_str().is_empty() => {
            Err(usage("the path is empty (is the shell variable that should hold it unset?)".into()))
        }
        (Some(p), _) => Ok(esgx::dataset::Input::Path(p)),
        (None, Some(name)) => {
            Ok(esgx::dataset::Input::Example(esgx::dataset::example(&name).expect("clap checked the name")))
        }
        (None, None) => Err(usage(format!("no {what} given"))),
    }
}

fn validate(
    input: esgx::dataset::Input,
    format: OutputFormat,
    fail_on: FailOn,
    (baseline, write_baseline): (Option<PathBuf>, Option<PathBuf>),
    (taxonomy, taxonomy_package): (Option<PathBuf>, Option<PathBuf>),
    framework: Option<String>,
    yoy_threshold: rust_decimal::Decimal,
) -> ExitCode {
    use esgx::validate::baseline::Baseline;
    let baseline = match baseline.map(|p| {
        // Read like every other input: bounded in size, and a FIFO or device is refused, not waited on.
        esgx::input::read_file(&p, &p.display().to_string())
            .map_err(|d| d.to_string())
            .and_then(|b| String::from_utf8(b).map_err(|_| format!("{}: not UTF-8 text", p.display())))
            .and_then(|t| Baseline::parse(&t).map_err(|e| format!("{}: {e}", p.display())))
    }) {
        None => None,
        Some(Ok(b)) => Some(b),
        Some(Err(msg)) => {
            return usage_error(&msg.to_string());
        }
    };
    let opts = esgx::check::ValidateOptions {
        input,
        taxonomy_dir: taxonomy,
        taxonomy_package,
        framework,
        rules: esgx::validate::Options {
            yoy_threshold: yoy_threshold / rust_decimal::Decimal::ONE_HUNDRED,
            ..Default::default()
        },
        baseline,
        fact_summaries: matches!(format, OutputFormat::Json),
    };
    let result = match esgx::check::run(&opts) {
        Ok(r) => r,
        Err(msg) => {
            return usage_error(&msg.to_string());
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
            return usage_error(&e.to_string());
        }
        eprintln!("wrote a baseline of {} findings to {}", b.accepted.len(), p.display());
    }
    let colour = colour_stdout();
    let fmt = match format {
        OutputFormat::Human => Format::Human,
        OutputFormat::Json => Format::Json,
        OutputFormat::Sarif => Format::Sarif,
    };
    // A closed pipe (`| head`) is not an error worth a panic.
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let _ = render::write(&result, fmt, colour, &mut out).and_then(|()| out.flush());
    drop(out);
    let worst = result.diagnostics.iter().map(|d| d.severity).max();
    let failing = match (fail_on, worst) {
        (FailOn::Never, _) | (_, None) => false,
        (FailOn::Info, Some(_)) => true,
        (FailOn::Warning, Some(s)) => s >= Severity::Warning,
        (FailOn::Error, Some(s)) => s >= Severity::Error,
    };
    if failing { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

/// Exit codes: 0 written (findings about what the dataset cannot carry are printed), 1 the filing
/// has errors and nothing was written, 2 a usage or I/O problem.
fn import(filing: PathBuf, out: PathBuf, taxonomy: Option<PathBuf>) -> ExitCode {
    let opts = esgx::restore::ImportOptions { filing, out, taxonomy_dir: taxonomy };
    match esgx::restore::run(&opts) {
        Ok(outcome) => {
            print_diagnostics(&outcome.diagnostics);
            println!("wrote {} (dataset-json)", outcome.out.display());
            let left_out = if outcome.left_out > 0 {
                format!("; {} left out", plural(outcome.left_out, "fact"))
            } else {
                String::new()
            };
            eprintln!("imported {}{left_out}", plural(outcome.facts, "fact"));
            ExitCode::SUCCESS
        }
        Err(ExportError::Findings(diags)) => failed("import", &diags),
        Err(ExportError::Io(msg)) => usage_error(&msg),
    }
}

/// Exit codes: 0 compared (differences or not, without --fail-on-change), 1 differences with
/// --fail-on-change, 2 an input that cannot be read.
fn diff(old: PathBuf, new: PathBuf, format: DiffFormat, fail_on_change: bool, taxonomy: Option<PathBuf>) -> ExitCode {
    let mut sides = Vec::new();
    for path in [old, new] {
        let input = match resolve_input(Some(path), None, "diff", "dataset or filing") {
            Ok(i) => i,
            Err(code) => return code,
        };
        match esgx::diff::load(&input, taxonomy.as_deref()) {
            Ok(side) => {
                if !side.left_out.is_empty() {
                    print_diagnostics(&side.left_out);
                    eprintln!(
                        "warning: {}: {}; the facts they concern are left out of the comparison",
                        render::printable(&side.input),
                        plural(side.left_out.len(), "error")
                    );
                }
                sides.push(side);
            }
            Err(esgx::diff::LoadError::Io(msg)) => return usage_error(&msg),
            Err(esgx::diff::LoadError::Findings(diags)) => {
                print_diagnostics(&diags);
                return usage_error(&format!(
                    "{} cannot be compared: {}",
                    input.display(),
                    plural(diags.iter().filter(|d| d.severity == Severity::Error).count(), "error")
                ));
            }
        }
    }
    let d = esgx::diff::compare(&sides[0], &sides[1]);
    let fmt = match format {
        DiffFormat::Human => esgx::diff::Format::Human,
        DiffFormat::Json => esgx::diff::Format::Json,
        DiffFormat::Markdown => esgx::diff::Format::Markdown,
    };
    use std::io::Write;
    let _ = std::io::stdout().write_all(esgx::diff::render(&d, fmt).as_bytes());
    if fail_on_change && !d.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

fn load_taxonomy(dir: Option<&std::path::Path>) -> Result<esgx::taxonomy::Taxonomy, ExitCode> {
    match dir {
        Some(d) => esgx::taxonomy::Taxonomy::from_dir(d),
        None => esgx::taxonomy::Taxonomy::bundled("hkex-esg"),
    }
    .map_err(|diags| {
        print_diagnostics(&diags);
        ExitCode::from(if diags.iter().any(|d| d.code == Code::E0001) { 2 } else { 1 })
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
        Err(e) => usage_error(&e.to_string()),
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
            if let Some(fw) = &framework
                && let Err(msg) = tax.check_framework(fw)
            {
                return usage_error(&msg.to_string());
            }
            let found = query::list(&tax, kpi.as_deref(), search.as_deref(), framework.as_deref());
            // Axes, members and units have no KPI code: a KPI lists concepts only.
            let others = match (&search, &kpi) {
                (Some(text), None) => query::search(&tax, text),
                _ => Vec::new(),
            };
            let text = match format {
                ListFormat::Human => query::list_all_text(&tax, &found, &others),
                ListFormat::Json => {
                    let items: Vec<serde_json::Value> = found
                        .iter()
                        .map(|c| query::concept_json(c))
                        .chain(others.iter().map(|i| query::item_json(&tax, *i)))
                        .collect();
                    serde_json::to_string_pretty(&items).expect("items serialize") + "\n"
                }
            };
            let _ = stdout.write_all(text.as_bytes());
            if found.is_empty() && others.is_empty() {
                eprintln!("{}", if search.is_some() { "nothing matches" } else { "no concept matches" });
                return ExitCode::from(1);
            }
            ExitCode::SUCCESS
        }
        TaxonomyCommand::Show { name, format, .. } => {
            use esgx::taxonomy::lookup::{self, Item};
            let found = lookup::find(&tax, &name);
            if found.is_empty() {
                let hint = lookup::Suggester::new(&tax).anything_like(&name).map(|item| {
                    let what = match item {
                        Item::Member(a, _) => format!("a member of {}", tax.axes[a].name()),
                        Item::Axis(_) => "an axis".into(),
                        _ => format!("a {}", item.kind().as_str()),
                    };
                    format!("; did you mean {:?} ({what})?", item.name(&tax))
                });
                eprintln!("error: no concept, axis, member or unit is named {name:?}{}", hint.unwrap_or_default());
                return ExitCode::from(1);
            }
            let text = match format {
                ListFormat::Human => found.iter().map(|i| query::item_text(&tax, *i)).collect::<Vec<_>>().join("\n"),
                ListFormat::Json => {
                    for other in &found[1..] {
                        eprintln!("note: {name:?} also names the {} {}", other.kind().as_str(), other.name(&tax));
                    }
                    serde_json::to_string_pretty(&query::item_json(&tax, found[0])).expect("serializes") + "\n"
                }
            };
            let _ = stdout.write_all(text.as_bytes());
            ExitCode::SUCCESS
        }
        TaxonomyCommand::Build { out, .. } => write_outputs(&out, &package::build_outputs(&tax)),
        TaxonomyCommand::Template { out, framework, year, currency, years, format, lang, .. } => {
            let framework =
                framework.unwrap_or_else(|| tax.info.frameworks.last().map(|f| f.id.clone()).unwrap_or_default());
            if let Err(msg) = tax.check_framework(&framework) {
                return usage_error(&msg.to_string());
            }
            if let Some(y) = year.iter().chain(&years).find(|y| !(1900..=9998).contains(*y)) {
                eprintln!("error: year {y} is out of range (1900 to 9998)");
                return ExitCode::from(2);
            }
            let year = year.or(years.first().copied());
            let year = year.unwrap_or_else(|| {
                use chrono::Datelike;
                let now = source_date_epoch()
                    .ok()
                    .flatten()
                    .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
                    .unwrap_or_else(chrono::Utc::now);
                now.year() - 1
            });
            if let Some(c) = &currency
                && let Err(msg) = query::check_currency(&tax, c)
            {
                return usage_error(&msg);
            }
            if format == TemplateFormat::Xlsx {
                let years = if years.is_empty() { vec![year] } else { years };
                return match esgx::dataset::xlsx::template(&tax, &framework, &years, &lang) {
                    Ok(bytes) => write_outputs(
                        &out,
                        &[esgx::emit::Output { path: "template.xlsx".into(), format: "dataset-xlsx", bytes }],
                    ),
                    Err(e) => usage_error(&e),
                };
            }
            let currency = currency.unwrap_or_else(|| "HKD".to_string());
            let doc = query::template(&tax, &framework, year, &currency);
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
    let colour = colour_stderr();
    for d in diags {
        eprintln!("{}", render::human_diagnostic(d, colour));
    }
}

use render::plural;

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
