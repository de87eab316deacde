//! A time-bounded mutation fuzzer over every reader, on stable Rust (cargo-fuzz needs nightly):
//! real inputs (a dataset as JSON, as CSV and as an XLSX workbook, an XBRL XML filing, an
//! xBRL-JSON filing, an xBRL-CSV filing (metadata and table), an Inline XBRL page, and an
//! extension schema with its linkbases) are mutated at the byte, line and token level, with
//! tokens a hostile user would try, and each mutant goes through the whole validate job
//! in-process. A panic, or one input taking too long, fails the test and keeps the input in
//! `target/fuzz-crashes/` to become a regression test.
//!
//! `ESGX_FUZZ_SECONDS` sets the time per reader (default 2, for `cargo test`; `.ci/run` gives
//! each reader a minute in a release build). `ESGX_FUZZ_SEED` replays a run.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A small deterministic PRNG (xorshift64*): runs are replayable from their seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

/// What a hostile user puts into a filing or dataset.
const TOKENS: &[&str] = &[
    "&#x1b;",
    "&#0;",
    "&#xFFFE;",
    "&#x10FFFF;",
    "&amp;",
    "&lt;",
    "&undeclared;",
    "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\">]>",
    "<!ENTITY b SYSTEM \"file:///etc/passwd\">",
    "&a;",
    "<![CDATA[",
    "]]>",
    "<?xml version=\"1.0\"?>",
    "<x>",
    "</x>",
    "/>",
    " xmlns=\"\"",
    " xmlns:a=\"urn:a\"",
    " xmlns:xbrli=\"urn:wrong\"",
    " xml:lang=\"\"",
    " xsi:nil=\"true\"",
    " decimals=\"INF\"",
    " decimals=\"-2147483648\"",
    " precision=\"0\"",
    " contextRef=\"nope\"",
    " unitRef=\"nope\"",
    " id=\"f1\"",
    "xlink:href=\"../../../../etc/passwd\"",
    "xlink:href=\"/dev/zero\"",
    "xlink:href=\"http://example.com/x.xsd\"",
    "xlink:href=\"taxonomy/\"",
    "xlink:href=\"#\"",
    "\u{0}",
    "\u{1b}[2J",
    "\u{7f}",
    "\u{FEFF}",
    "\u{FFFF}",
    "\u{202E}",
    "\r\n",
    "\"",
    "\\",
    "\\u0000",
    "\\ud800",
    "-0",
    "1e999",
    "-1e-999",
    "99999999999999999999999999999999999999",
    "0.000000000000000000000000000000000001",
    "NaN",
    "INF",
    "1,2,3",
    "١٢٣",
    "162.1 billion",
    "100%",
    "null",
    "true",
    "[]",
    "{}",
    "\"\"",
    "{\"a\":1,\"a\":2}",
    "9999-99-99",
    "0000-01-01",
    "2024-02-30",
    "FY2024",
    "GenderAxis=FemaleMember;GenderAxis=MaleMember",
    "=",
    ";",
    ",",
    ",,,,,,,,,,,,,,,,,,,,,,,,,",
    "concept,concept",
    "../",
    "%00",
];

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = b.len().max(1);
        match rng.below(11) {
            // Flip, set or delete bytes.
            0 => {
                let i = rng.below(len);
                if i < b.len() {
                    b[i] ^= 1 << rng.below(8);
                }
            }
            1 => {
                let i = rng.below(len);
                if i < b.len() {
                    b[i] = *[0u8, b'<', b'>', b'"', b'&', b'\n', 0xFF, 0xC3, b'{', b'}'].get(rng.below(10)).unwrap();
                }
            }
            2 => {
                let i = rng.below(len);
                let n = rng.below(64).min(b.len().saturating_sub(i));
                b.drain(i..i + n);
            }
            // Insert a token, at a random byte or at a line start.
            3 | 4 => {
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                let i = if rng.below(2) == 0 { rng.below(len) } else { line_start(&b, rng) };
                let i = i.min(b.len());
                b.splice(i..i, t.iter().copied());
            }
            // Replace a quoted value (JSON string, XML attribute) or element text with a token.
            5 | 6 => replace_value(rng, &mut b),
            // Whole lines: duplicate many times, delete, swap.
            7 => {
                let lines = split_lines(&b);
                if !lines.is_empty() {
                    let (s, e) = lines[rng.below(lines.len())];
                    let line = b[s..e].to_vec();
                    let times = [1, 2, 10, 100, 1000][rng.below(5)];
                    let mut ins = Vec::with_capacity(line.len() * times);
                    for _ in 0..times {
                        ins.extend_from_slice(&line);
                    }
                    b.splice(e..e, ins);
                }
            }
            8 => {
                let lines = split_lines(&b);
                if !lines.is_empty() {
                    let (s, e) = lines[rng.below(lines.len())];
                    b.drain(s..e);
                }
            }
            9 => {
                let lines = split_lines(&b);
                if lines.len() > 1 {
                    let (a, c) = (lines[rng.below(lines.len())], lines[rng.below(lines.len())]);
                    let (x, y) = if a.0 < c.0 { (a, c) } else { (c, a) };
                    if x.1 <= y.0 {
                        let first = b[x.0..x.1].to_vec();
                        let second = b[y.0..y.1].to_vec();
                        b.splice(y.0..y.1, first);
                        b.splice(x.0..x.1, second);
                    }
                }
            }
            // Truncate.
            _ => {
                let i = rng.below(len);
                b.truncate(i);
            }
        }
    }
    b
}

fn split_lines(b: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = 0;
    for (i, c) in b.iter().enumerate() {
        if *c == b'\n' {
            out.push((s, i + 1));
            s = i + 1;
        }
    }
    if s < b.len() {
        out.push((s, b.len()));
    }
    out
}

fn line_start(b: &[u8], rng: &mut Rng) -> usize {
    let lines = split_lines(b);
    if lines.is_empty() { 0 } else { lines[rng.below(lines.len())].0 }
}

fn replace_value(rng: &mut Rng, b: &mut Vec<u8>) {
    // Find the n-th quote or '>' from a random point and replace what follows up to its end.
    let start = rng.below(b.len().max(1));
    let Some(open) = b[start.min(b.len())..].iter().position(|c| *c == b'"' || *c == b'>').map(|p| p + start) else {
        return;
    };
    let close_ch = if b[open] == b'"' { b'"' } else { b'<' };
    let Some(close) = b[open + 1..].iter().position(|c| *c == close_ch).map(|p| p + open + 1) else { return };
    let t = TOKENS[rng.below(TOKENS.len())];
    let t: Vec<u8> = if rng.below(8) == 0 { t.repeat(1 + rng.below(5000)).into_bytes() } else { t.as_bytes().to_vec() };
    b.splice(open + 1..close, t);
}

/// One reader under test: the file that is mutated, inside a folder prepared for it.
struct Target {
    name: &'static str,
    /// The file esgx validates.
    input: PathBuf,
    /// The file mutated (the input itself, or a file it pulls in).
    mutated: PathBuf,
    seed: Vec<u8>,
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn targets(dir: &Path) -> Vec<Target> {
    // A filing written by esgx, whose extension schema is read through its linkbases.
    let filing = dir.join("filing");
    let qifu = esgx::dataset::Input::Example(esgx::dataset::example("qifu-2023").expect("bundled"));
    esgx::export::run(&esgx::export::ExportOptions {
        source_date_epoch: Some(1_700_000_000),
        ..esgx::export::ExportOptions::new(qifu, filing.clone())
    })
    .expect("the bundled dataset exports");
    let xsd = filing.join("taxonomy/qifu-extension.xsd");
    let text = std::fs::read_to_string(&xsd).unwrap();
    let plain: String = text.lines().filter(|l| !l.contains("<esgxsrc:extension")).map(|l| format!("{l}\n")).collect();
    std::fs::write(&xsd, plain).unwrap();
    let csv_dir = dir.join("csv");
    std::fs::create_dir_all(&csv_dir).unwrap();
    for f in ["dataset.csv", "dataset.meta.json"] {
        std::fs::copy(repo().join("examples/qifu-2023").join(f), csv_dir.join(f)).unwrap();
    }
    let json_dir = dir.join("json");
    std::fs::create_dir_all(&json_dir).unwrap();
    std::fs::copy(repo().join("tests/data/minimal.json"), json_dir.join("dataset.json")).unwrap();
    // A workbook: the template, with one figure filled in.
    let xlsx_dir = dir.join("xlsx");
    std::fs::create_dir_all(&xlsx_dir).unwrap();
    let tax = esgx::taxonomy::Taxonomy::bundled("hkex-esg").unwrap();
    let book = esgx::dataset::xlsx::template(&tax, "hkex-esg-guide-2020", &[2023, 2022], "en").unwrap();
    std::fs::write(xlsx_dir.join("book.xlsx"), book).unwrap();
    let read = |p: &Path| std::fs::read(p).unwrap();
    vec![
        Target {
            name: "dataset-json",
            input: json_dir.join("dataset.json"),
            mutated: json_dir.join("dataset.json"),
            seed: read(&json_dir.join("dataset.json")),
        },
        Target {
            name: "dataset-csv",
            input: csv_dir.join("dataset.csv"),
            mutated: csv_dir.join("dataset.csv"),
            seed: read(&csv_dir.join("dataset.csv")),
        },
        Target {
            name: "xbrl-xml",
            input: filing.join("report.xbrl"),
            mutated: filing.join("report.xbrl"),
            seed: read(&filing.join("report.xbrl")),
        },
        Target {
            name: "xbrl-json",
            input: filing.join("report.json"),
            mutated: filing.join("report.json"),
            seed: read(&filing.join("report.json")),
        },
        Target {
            name: "xbrl-csv-metadata",
            input: filing.join("report-metadata.json"),
            mutated: filing.join("report-metadata.json"),
            seed: read(&filing.join("report-metadata.json")),
        },
        Target {
            name: "xbrl-csv-table",
            input: filing.join("report-metadata.json"),
            mutated: filing.join("report-facts.csv"),
            seed: read(&filing.join("report-facts.csv")),
        },
        Target {
            name: "inline-xbrl",
            input: filing.join("report.xhtml"),
            mutated: filing.join("report.xhtml"),
            seed: read(&filing.join("report.xhtml")),
        },
        Target {
            name: "dataset-xlsx",
            input: xlsx_dir.join("book.xlsx"),
            mutated: xlsx_dir.join("book.xlsx"),
            seed: read(&xlsx_dir.join("book.xlsx")),
        },
        Target { name: "extension-schema", input: filing.join("report.xbrl"), mutated: xsd.clone(), seed: read(&xsd) },
        Target {
            name: "extension-linkbase",
            input: filing.join("report.xbrl"),
            mutated: filing.join("taxonomy/qifu-extension-lab.xml"),
            seed: read(&filing.join("taxonomy/qifu-extension-lab.xml")),
        },
    ]
}

/// Validate one input the way `esgx validate` does, and for a dataset without errors also
/// render every output.
fn run_once(input: &Path) {
    let path = esgx::dataset::Input::Path(input.to_path_buf());
    let opts = esgx::check::ValidateOptions {
        input: path.clone(),
        taxonomy_dir: None,
        taxonomy_package: None,
        framework: None,
        rules: Default::default(),
        baseline: None,
        fact_summaries: true,
    };
    let _ = esgx::check::run(&opts);
    if input.extension().is_some_and(|e| e == "csv" || input.ends_with("dataset.json"))
        && let Ok(p) = esgx::export::prepare(&path, None, false, None, &Default::default())
        && !esgx::diag::has_errors(&p.diagnostics)
    {
        let _ = esgx::export::render(&p, "2024-01-01T00:00:00Z");
    }
}

fn keep_crash(name: &str, seed: u64, i: u64, bytes: &[u8]) -> PathBuf {
    let dir = repo().join("target/fuzz-crashes");
    let _ = std::fs::create_dir_all(&dir);
    let p = dir.join(format!("{name}-{seed}-{i}"));
    let _ = std::fs::write(&p, bytes);
    p
}

fn fuzz(t: &Target, budget: Duration, seed: u64) {
    let mut rng = Rng(seed | 1);
    let started = Instant::now();
    let mut n = 0u64;
    let mut slowest = Duration::ZERO;
    // Long enough for a large mutant in a debug build on a busy machine; a hang or a quadratic
    // blow-up takes far longer.
    let limit = Duration::from_secs(if cfg!(debug_assertions) { 60 } else { 10 });
    while n == 0 || started.elapsed() < budget {
        let bytes = mutate(&mut rng, &t.seed);
        std::fs::write(&t.mutated, &bytes).unwrap();
        let t0 = Instant::now();
        let outcome = std::panic::catch_unwind(|| run_once(&t.input));
        let took = t0.elapsed();
        if outcome.is_err() {
            let p = keep_crash(t.name, seed, n, &bytes);
            panic!("{}: esgx panicked on mutant {n} of seed {seed}; the input is in {}", t.name, p.display());
        }
        if took > limit {
            let p = keep_crash(t.name, seed, n, &bytes);
            panic!("{}: mutant {n} of seed {seed} took {took:?}; the input is in {}", t.name, p.display());
        }
        slowest = slowest.max(took);
        n += 1;
    }
    std::fs::write(&t.mutated, &t.seed).unwrap();
    eprintln!("fuzz {}: {n} inputs in {:?}, slowest {slowest:?}, seed {seed}", t.name, started.elapsed());
}

#[test]
fn every_reader_survives_mutated_inputs() {
    let secs: u64 = std::env::var("ESGX_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(2);
    let seed: u64 = std::env::var("ESGX_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1)
    });
    // Panics are caught and reported with their input; keep the default hook's noise out.
    std::panic::set_hook(Box::new(|info| eprintln!("panic: {info}")));
    let tmp = tempfile::tempdir().unwrap();
    for (k, t) in targets(tmp.path()).iter().enumerate() {
        fuzz(t, Duration::from_secs(secs), seed.wrapping_add(k as u64 * 0x9E37_79B9));
    }
}
