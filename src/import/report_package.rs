//! A report package (XBRL Report Packages 1.0: `.xbri`, `.xbr`, or a `.zip` with
//! `META-INF/reportPackage.json`) opened for reading: its files are unpacked into a private
//! temporary folder (names checked to stay inside it, sizes capped) and its one report is read
//! from there, with the taxonomy files the package carries beside it.

use crate::diag::Code;
use crate::diag::{Diagnostic, Location};
use std::io::Read;
use std::path::{Path, PathBuf};

/// More than this, unpacked, is not a report package but a zip bomb.
const MAX_UNPACKED: u64 = 1 << 30;
const MAX_ENTRIES: usize = 20_000;
const REPORT_EXTENSIONS: &[&str] = &["xhtml", "html", "htm", "xbrl", "json"];

/// Does this zip hold a `reportPackage.json` (its central directory names it in plain text)?
pub fn is_report_package(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK") && bytes.windows(24).any(|w| w == b"META-INF/reportPackage.json".get(..24).unwrap_or(b""))
}

/// Unpack the package at `path` and read its report with `read_report`.
pub fn read<T>(
    path: &Path,
    bytes: &[u8],
    read_report: impl FnOnce(&Path, Vec<u8>) -> Result<T, Vec<Diagnostic>>,
) -> Result<T, Vec<Diagnostic>> {
    let file = path.display().to_string();
    let fail = |msg: String| vec![Diagnostic::error(Code::E0004, Location::file(&file), msg)];
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| fail(format!("not a readable zip: {e}")))?;
    if zip.len() > MAX_ENTRIES {
        return Err(fail(format!("the package has {} files; esgx reads at most {MAX_ENTRIES}", zip.len())));
    }
    let dir = tempfile::tempdir().map_err(|e| fail(format!("cannot unpack the package: {e}")))?;
    let mut total = 0u64;
    let mut names = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| fail(format!("a file of the package cannot be read: {e}")))?;
        let Some(rel) = entry.enclosed_name() else {
            return Err(fail(format!("the package's file name {:?} leads outside it", entry.name())));
        };
        if entry.is_dir() {
            continue;
        }
        let target = dir.path().join(&rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| fail(format!("cannot unpack the package: {e}")))?;
        }
        let mut buf = Vec::new();
        (&mut entry)
            .take(MAX_UNPACKED - total + 1)
            .read_to_end(&mut buf)
            .map_err(|e| fail(format!("{}: {e}", rel.display())))?;
        total += buf.len() as u64;
        if total > MAX_UNPACKED {
            return Err(fail(format!("the package unpacks to more than {} MiB", MAX_UNPACKED >> 20)));
        }
        std::fs::write(&target, &buf).map_err(|e| fail(format!("cannot unpack the package: {e}")))?;
        names.push(rel);
    }
    let report = find_report(&names).map_err(fail)?;
    let report_path = dir.path().join(&report);
    let bytes = std::fs::read(&report_path).map_err(|e| fail(format!("{}: {e}", report.display())))?;
    read_report(&report_path, bytes)
}

/// The one report of a package: `TOP/META-INF/reportPackage.json` beside `TOP/reports/`, whose
/// report is a file directly in it, or else in one of its folders.
fn find_report(names: &[PathBuf]) -> Result<PathBuf, String> {
    let meta = names
        .iter()
        .find(|n| n.ends_with("META-INF/reportPackage.json") && n.components().count() == 3)
        .ok_or("the zip has no TOP/META-INF/reportPackage.json: not a report package")?;
    let top = meta.components().next().map(|c| PathBuf::from(c.as_os_str())).unwrap_or_default();
    let reports = top.join("reports");
    let is_report =
        |n: &&PathBuf| n.extension().and_then(|e| e.to_str()).is_some_and(|e| REPORT_EXTENSIONS.contains(&e));
    let direct: Vec<&PathBuf> = names.iter().filter(|n| n.parent() == Some(&reports)).filter(is_report).collect();
    let found: Vec<&PathBuf> = if direct.is_empty() {
        names.iter().filter(|n| n.parent().and_then(Path::parent) == Some(&reports)).filter(is_report).collect()
    } else {
        direct
    };
    match found.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err("the report package has no report under reports/".into()),
        many => Err(format!("the report package holds {} reports; esgx reads packages of one", many.len())),
    }
}
