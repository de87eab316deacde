//! Golden files: the bundled export, byte for byte, and the CSV form of the bundled dataset.
//! Run with ESGX_UPDATE_GOLDEN=1 to rewrite them after an intended change, then review the diff.

mod common;
use common::*;
use std::path::Path;

fn updating() -> bool {
    std::env::var_os("ESGX_UPDATE_GOLDEN").is_some()
}

fn compare(expected_path: &Path, actual: &[u8]) {
    if updating() {
        std::fs::create_dir_all(expected_path.parent().unwrap()).unwrap();
        std::fs::write(expected_path, actual).unwrap();
        return;
    }
    let expected = std::fs::read(expected_path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with ESGX_UPDATE_GOLDEN=1 to create it)", expected_path.display()));
    if expected != actual {
        let (e, a) = (String::from_utf8_lossy(&expected), String::from_utf8_lossy(actual));
        let line =
            e.lines().zip(a.lines()).position(|(x, y)| x != y).unwrap_or(e.lines().count().min(a.lines().count()));
        panic!(
            "{} differs at line {}:\n  expected: {}\n  actual:   {}\n(run with ESGX_UPDATE_GOLDEN=1 to accept)",
            expected_path.display(),
            line + 1,
            e.lines().nth(line).unwrap_or("<end>"),
            a.lines().nth(line).unwrap_or("<end>")
        );
    }
}

#[test]
fn bundled_export_matches_golden_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    esgx().args(["export", "--example", "qifu-2023", "--out"]).arg(&out).assert().success();
    let golden = repo().join("tests/golden/qifu-2023");
    let written = files(&out);
    if updating() {
        let _ = std::fs::remove_dir_all(&golden);
    } else {
        assert_eq!(written, files(&golden), "the set of files differs from the golden set");
    }
    for f in written {
        compare(&golden.join(&f), &std::fs::read(out.join(&f)).unwrap());
    }
}

/// The CSV form of the bundled dataset is kept in step with the JSON form, and exports the same
/// facts.
#[test]
fn csv_form_of_the_bundled_dataset_is_in_step_and_exports_the_same_facts() {
    let dir = repo().join("examples/qifu-2023");
    let ds = esgx::dataset::read_path(&dir.join("dataset.json")).expect("bundled dataset reads");
    compare(&dir.join("dataset.csv"), esgx::dataset::csv::facts_to_csv(&ds.doc).as_bytes());
    let mut meta = serde_json::to_value(&ds.doc).unwrap();
    meta.as_object_mut().unwrap().remove("facts");
    let mut meta_text = serde_json::to_string_pretty(&meta).unwrap();
    meta_text.push('\n');
    compare(&dir.join("dataset.meta.json"), meta_text.as_bytes());

    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("json"), tmp.path().join("csv"));
    esgx().arg("export").arg(dir.join("dataset.json")).arg("--out").arg(&a).assert().success();
    esgx().arg("export").arg(dir.join("dataset.csv")).arg("--out").arg(&b).assert().success();
    let strip = |p: &Path| {
        let mut v = json(&p.join("report.json"));
        for f in v["esgxp:provenance"]["facts"].as_object_mut().unwrap().values_mut() {
            f.as_object_mut().unwrap().remove("record").expect("each fact has its record");
        }
        v
    };
    let (ja, jb) = (strip(&a), strip(&b));
    assert_eq!(ja["documentInfo"], jb["documentInfo"]);
    assert_eq!(ja["esgxp:provenance"], jb["esgxp:provenance"]);
    let (fa, fb) = (ja["facts"].as_object().unwrap(), jb["facts"].as_object().unwrap());
    assert_eq!(fa.len(), fb.len());
    for (id, f) in fa {
        assert_eq!(Some(f), fb.get(id), "fact {id} differs between the JSON and the CSV export");
    }
}
