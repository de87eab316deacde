//! The flow runs one way. Every module of the library belongs to a layer, and imports only from
//! its own layer or the ones below: the fact model and values at the bottom, then the taxonomy
//! model, the readers and writers, the rules, and the jobs; the command line (`main.rs`) sits on
//! top and is not part of the library.
//!
//! This test reads every `crate::…` path in `src/` (in `use` lines, grouped ones included, and in
//! code) and fails when one points up. A deliberately upward import fails it, for example
//! `use crate::export::prepare;` in `src/map.rs` (a reader reaching for a job):
//!
//! ```text
//! src/map.rs:12: `map` (readers and writers) imports `export` (jobs), a layer above it
//! ```
//!
//! The unit test `an_upward_import_is_caught` runs the check on exactly such a line. A new
//! top-level module must be added to [`LAYERS`], or this test fails too.

use std::path::{Path, PathBuf};

/// Layers, bottom first, and the top-level modules in each.
const LAYERS: &[(&str, &[&str])] = &[
    ("fact model and values", &["diag", "ns", "value", "xml", "jsonpos", "report", "locate", "input", "output"]),
    ("taxonomy model", &["taxonomy"]),
    ("readers and writers", &["dataset", "import", "map", "emit", "fsio"]),
    ("rules", &["validate"]),
    ("jobs", &["pipeline", "export", "check", "diff", "restore", "batch"]),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, mods)| mods.contains(&module))
}

/// The top-level modules a source text names after `crate::`, with their lines.
fn imports(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        // Comments may mention any module; code may not.
        let code = match line.find("//") {
            Some(i) if !line[..i].contains('"') => &line[..i],
            _ => line,
        };
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                // `crate::{a, b::c, d::{e, f}}`: the names at depth 0. A group that goes on to
                // the next lines is read from the whole text from here.
                let start = text.lines().take(n).map(|l| l.len() + 1).sum::<usize>() + (line.len() - group.len());
                let mut depth = 0;
                let mut name = String::new();
                let mut at_name = true;
                for c in text[start..].chars() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => at_name = true,
                        c if depth == 0 && at_name && (c.is_alphanumeric() || c == '_') => name.push(c),
                        _ if depth == 0 && at_name && !name.is_empty() => {
                            out.push((n + 1, std::mem::take(&mut name)));
                            at_name = false;
                        }
                        _ => {}
                    }
                }
                if !name.is_empty() {
                    out.push((n + 1, name));
                }
                continue;
            }
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                out.push((n + 1, name));
            }
        }
    }
    out
}

/// Every upward import in one file of module `module`.
fn violations(file: &str, module: &str, text: &str) -> Vec<String> {
    let Some(mine) = layer_of(module) else {
        return vec![format!("{file}: module `{module}` is in no layer; add it to LAYERS in tests/architecture.rs")];
    };
    let mut out = Vec::new();
    for (line, target) in imports(text) {
        // Items of the crate root (constants in lib.rs) are at the bottom.
        let Some(theirs) = layer_of(&target) else {
            if target.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
                out.push(format!(
                    "{file}:{line}: `{target}` is in no layer; add it to LAYERS in tests/architecture.rs"
                ));
            }
            continue;
        };
        if theirs > mine {
            out.push(format!(
                "{file}:{line}: `{module}` ({}) imports `{target}` ({}), a layer above it",
                LAYERS[mine].0, LAYERS[theirs].0
            ));
        }
    }
    out
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn modules_import_only_from_their_layer_or_below() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    let mut found = Vec::new();
    let mut checked = 0;
    for p in &files {
        let rel = p.strip_prefix(&src).unwrap();
        let first = rel.components().next().unwrap().as_os_str().to_string_lossy().to_string();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "main" || module == "lib" {
            continue;
        }
        checked += 1;
        let text = std::fs::read_to_string(p).unwrap();
        found.extend(violations(&format!("src/{}", rel.display()), &module, &text));
    }
    assert!(checked > 20, "only {checked} files read");
    assert!(found.is_empty(), "imports that point up:\n{}", found.join("\n"));
}

#[test]
fn an_upward_import_is_caught() {
    let text = "//! Mapping.\n\nuse crate::diag::Diagnostic;\nuse crate::export::prepare;\n";
    let v = violations("src/map.rs", "map", text);
    assert_eq!(v, ["src/map.rs:4: `map` (readers and writers) imports `export` (jobs), a layer above it"]);
    // Grouped, spread over lines, and in code rather than a `use` line.
    let text =
        "use crate::{\n    diag::Diagnostic,\n    validate::{self, Options},\n};\nfn f() { crate::check::run(); }\n";
    let v = violations("src/dataset/mod.rs", "dataset", text);
    assert_eq!(v.len(), 2, "{v:?}");
    assert!(v[0].contains("`validate` (rules)") && v[1].contains("`check` (jobs)"), "{v:?}");
    // Downward and sideways imports are fine; a comment is no import.
    let text = "use crate::{report::Fact, taxonomy::Taxonomy};\nuse crate::import::read; // not crate::export\n";
    assert!(violations("src/map.rs", "map", text).is_empty());
}
