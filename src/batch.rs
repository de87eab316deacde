//! Many inputs in one run: `esgx export` and `esgx validate` over several paths or folders, on all
//! cores (rayon; `RAYON_NUM_THREADS` sets how many), one input's failure stopping none of the
//! others. Each input gets one [`Summary`], a JSON line: what it was, how it went, its counts, where
//! its export went and how long it took. Summaries come back in input order (sorted paths, folders
//! walked in name order) whatever order the work finishes in, so that a run, and the union of the
//! runs of any sharding of its inputs, says the same (times aside).

use crate::check::ValidateOptions;
use crate::dataset::Input;
use crate::diag::{Severity, Summary as Counts};
use crate::export::{ExportError, ExportOptions};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

/// What to do with each input.
#[derive(Debug, Clone)]
pub enum Job {
    /// Export each dataset into `<out_dir>/<name>/`; `options.dataset` and `options.out_dir` are
    /// set per input (`options.out_dir` is the root).
    Export(ExportOptions),
    /// Validate each dataset or filing; an input fails at `fail_on` (None: never).
    Validate(ValidateOptions, Option<Severity>),
}

/// How one input went: one JSON line of the run's summary.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// The input as given (or as found in a folder given).
    pub path: String,
    /// `exported` or `passed`; `failed` (findings: the exit code 1); `error` (it could not be
    /// read, written or understood: exit code 2).
    pub result: &'static str,
    /// The exit code this input alone would give.
    pub exit: u8,
    /// Facts exported (export only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facts: Option<usize>,
    /// Findings by severity: errors, warnings and infos.
    pub errors: usize,
    /// Warnings found.
    pub warnings: usize,
    /// Infos found.
    pub infos: usize,
    /// The folder the export went into (export only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub out: Option<String>,
    /// Why it failed, in one line, for `error` and failed exports.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Wall-clock time spent on this input, in milliseconds.
    pub millis: u64,
}

impl Summary {
    /// The JSON line (without its newline).
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).expect("a summary serializes")
    }
}

/// The files a list of paths names: files as given; folders walked (sorted by name, hidden entries
/// skipped) for the files a job reads: datasets (`.json`, `.csv`; not `.meta.json`, which belongs to
/// a CSV beside it) and, with `filings`, XBRL instances (`.xbrl`, `.xml`).
pub fn expand(paths: &[PathBuf], filings: bool) -> Result<Vec<PathBuf>, String> {
    fn walk(dir: &Path, filings: bool, out: &mut Vec<PathBuf>) -> Result<(), String> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, filings, out)?;
            } else if wanted(&p, filings) {
                out.push(p);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let before = out.len();
            walk(p, filings, &mut out)?;
            if out.len() == before {
                let what = if filings { "dataset or filing" } else { "dataset" };
                return Err(format!(
                    "{}: the folder holds no {what} (.json, .csv{})",
                    p.display(),
                    if filings { ", .xbrl, .xml" } else { "" }
                ));
            }
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn wanted(p: &Path, filings: bool) -> bool {
    let name = p.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    if name.ends_with(".meta.json") {
        return false;
    }
    match p.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("json" | "csv") => true,
        Some("xbrl" | "xml") => filings,
        _ => false,
    }
}

/// The folder each input's export goes into, under `root`: its file's stem. A stem that several
/// inputs share takes its parent folder's name in front (`qifu-2023/dataset.json` ->
/// `qifu-2023-dataset`), and one still taken a number (`-2`, `-3` ... in input order). The names
/// depend only on the inputs, so the same list always gives the same folders.
pub fn out_dirs(inputs: &[PathBuf], root: &Path) -> Vec<PathBuf> {
    let stem = |p: &Path| p.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_else(|| "input".into());
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for p in inputs {
        *count.entry(stem(p)).or_default() += 1;
    }
    let mut taken: HashSet<String> = HashSet::new();
    inputs
        .iter()
        .map(|p| {
            let s = stem(p);
            let base = match p.parent().and_then(|d| d.file_name()) {
                Some(parent) if count[&s] > 1 => format!("{}-{s}", parent.to_string_lossy()),
                _ => s,
            };
            let mut name = base.clone();
            let mut n = 1;
            while !taken.insert(name.clone()) {
                n += 1;
                name = format!("{base}-{n}");
            }
            root.join(name)
        })
        .collect()
}

/// Run `job` over `inputs` in parallel. `done` is called with each summary in input order, as
/// soon as it and every one before it are done (so a caller can stream them); `progress` as each
/// input finishes, in any order. Returns every summary, in input order.
pub fn run(
    inputs: &[PathBuf],
    job: &Job,
    done: &(dyn Fn(&Summary) + Sync),
    progress: &(dyn Fn(&Summary) + Sync),
) -> Vec<Summary> {
    let outs = match job {
        Job::Export(o) => out_dirs(inputs, &o.out_dir),
        Job::Validate(..) => Vec::new(),
    };
    // Finished summaries wait here until those before them are done.
    let pending: Mutex<(usize, BTreeMap<usize, Summary>)> = Mutex::new((0, BTreeMap::new()));
    inputs
        .par_iter()
        .enumerate()
        .map(|(i, path)| {
            let s = one(path, job, outs.get(i));
            progress(&s);
            let mut guard = pending.lock().unwrap_or_else(|e| e.into_inner());
            let (next, waiting) = &mut *guard;
            waiting.insert(i, s.clone());
            while let Some(ready) = waiting.remove(next) {
                done(&ready);
                *next += 1;
            }
            s
        })
        .collect()
}

/// One input, start to end, timed.
fn one(path: &Path, job: &Job, out: Option<&PathBuf>) -> Summary {
    let start = Instant::now();
    let mut s = Summary {
        path: path.display().to_string(),
        result: "error",
        exit: 2,
        facts: None,
        errors: 0,
        warnings: 0,
        infos: 0,
        out: None,
        message: None,
        millis: 0,
    };
    let input = Input::Path(path.to_path_buf());
    match job {
        Job::Export(template) => {
            let out = out.cloned().unwrap_or_else(|| template.out_dir.clone());
            let opts = ExportOptions { dataset: input, out_dir: out.clone(), ..template.clone() };
            match crate::export::run(&opts) {
                Ok(outcome) => {
                    s.counts(Counts::of(&outcome.diagnostics));
                    (s.result, s.exit, s.facts) = ("exported", 0, Some(outcome.facts));
                    s.out = Some(out.display().to_string());
                }
                Err(ExportError::Findings(d)) => {
                    s.counts(Counts::of(&d));
                    (s.result, s.exit) = ("failed", 1);
                    s.message = first_error(&d);
                }
                Err(ExportError::Io(msg)) => s.message = Some(one_line(&msg)),
            }
        }
        Job::Validate(template, fail_on) => {
            let opts = ValidateOptions { input, ..template.clone() };
            match crate::check::run(&opts) {
                Ok(r) => {
                    s.counts(Counts::of(&r.diagnostics));
                    let worst = r.diagnostics.iter().map(|d| d.severity).max();
                    let failing = matches!((fail_on, worst), (Some(t), Some(w)) if w >= *t);
                    (s.result, s.exit) = if failing { ("failed", 1) } else { ("passed", 0) };
                    if failing {
                        s.message = first_error(&r.diagnostics);
                    }
                }
                Err(msg) => s.message = Some(one_line(&msg)),
            }
        }
    }
    s.millis = start.elapsed().as_millis() as u64;
    s
}

impl Summary {
    fn counts(&mut self, c: Counts) {
        (self.errors, self.warnings, self.infos) = (c.errors, c.warnings, c.infos);
    }
}

/// The first finding of the highest severity, in one line: code, place, message.
fn first_error(diags: &[crate::diag::Diagnostic]) -> Option<String> {
    let worst = diags.iter().map(|d| d.severity).max()?;
    let d = diags.iter().find(|d| d.severity == worst)?;
    Some(one_line(&format!("{} {}: {}", d.code, d.location, d.message)))
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The exit code of a run: the worst of its inputs' (0 when there were none).
pub fn exit_code(summaries: &[Summary]) -> u8 {
    summaries.iter().map(|s| s.exit).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_folders_are_named_by_stem_and_clashes_deterministically() {
        let p = |s: &str| PathBuf::from(s);
        let inputs = [p("a/qifu.json"), p("b/x.json"), p("c/x.json"), p("c-x.json"), p("d/c/x.csv")];
        let names: Vec<String> = out_dirs(&inputs, Path::new("OUT")).iter().map(|d| d.display().to_string()).collect();
        assert_eq!(names, ["OUT/qifu", "OUT/b-x", "OUT/c-x", "OUT/c-x-2", "OUT/c-x-3"]);
    }
}
