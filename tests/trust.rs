//! Issue 7: exit codes a CI job can trust, and findings in the report's own terms.

mod common;
use common::*;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

fn minimal() -> Value {
    serde_json::from_slice(&std::fs::read(data("minimal.json")).unwrap()).unwrap()
}

fn write_json(dir: &Path, name: &str, v: &Value) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_vec_pretty(v).unwrap()).unwrap();
    p
}

/// A dataset with five mapping errors (unknown concepts, a wrong unit, a bad member, a bad period).
fn five_errors(dir: &Path) -> PathBuf {
    let mut v = minimal();
    let facts = v["facts"].as_array_mut().unwrap();
    let src = json!({"document": "ar", "line": 1});
    facts.push(json!({"concept": "NoSuchConceptA", "value": "1", "period": "FY2024", "source": src}));
    facts.push(json!({"concept": "NoSuchConceptB", "value": "1", "period": "FY2024", "source": src}));
    facts
        .push(json!({"concept": "WaterConsumption", "value": "1", "unit": "tCO2e", "period": "FY2024", "source": src}));
    facts.push(json!({"concept": "NumberOfEmployees", "value": "1", "period": "FY2024",
        "dimensions": {"GenderAxis": "NoSuchMember"}, "source": src}));
    facts.push(json!({"concept": "WaterConsumption", "value": "1", "period": "FY2099", "source": src}));
    write_json(dir, "five-errors.json", &v)
}

fn error_count(out: &std::process::Output) -> u64 {
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    v["summary"]["errors"].as_u64().unwrap()
}

#[test]
fn another_framework_keeps_the_mapping_errors() {
    let t = tempfile::tempdir().unwrap();
    let p = five_errors(t.path());
    let plain = esgx().arg("validate").arg(&p).args(["--format", "json"]).output().unwrap();
    assert_eq!(plain.status.code(), Some(1));
    assert_eq!(error_count(&plain), 5);
    for fw in ["hkex-esg-guide-2020", "hkex-esg-code-2025"] {
        let out = esgx().arg("validate").arg(&p).args(["--format", "json", "--framework", fw]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "--framework {fw} must not hide the mapping errors");
        assert_eq!(error_count(&out), 5, "--framework {fw}");
    }
}

#[test]
fn another_framework_checks_its_own_requirements() {
    let out = esgx()
        .args(["validate", "--example", "qifu-2023", "--format", "json", "--fail-on", "never"])
        .args(["--framework", "hkex-esg-code-2025"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["framework"], "hkex-esg-code-2025");
    let guide = esgx().args(["validate", "--example", "qifu-2023", "--format", "json", "--fail-on", "never"]).output();
    let g: Value = serde_json::from_slice(&guide.unwrap().stdout).unwrap();
    assert!(
        v["coverage"].as_array().unwrap().len() > g["coverage"].as_array().unwrap().len(),
        "the 2025 Code has more requirements than the 2020 Guide"
    );
}

#[test]
fn an_unknown_framework_is_a_usage_error_listing_the_known_ones() {
    let t = tempfile::tempdir().unwrap();
    let cases: Vec<Vec<std::ffi::OsString>> = vec![
        vec!["validate".into(), "--example".into(), "qifu-2023".into(), "--framework".into(), "nope".into()],
        vec!["validate".into(), data("minimal.json").into(), "--framework".into(), "nope".into()],
        vec!["taxonomy".into(), "list".into(), "--framework".into(), "nope".into()],
        vec![
            "taxonomy".into(),
            "template".into(),
            "--framework".into(),
            "nope".into(),
            "--out".into(),
            t.path().join("t").into(),
        ],
    ];
    for args in cases {
        let out = esgx().args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("\"nope\""), "{args:?}: {err}");
        assert!(err.contains("hkex-esg-guide-2020") && err.contains("hkex-esg-code-2025"), "{args:?}: {err}");
    }
    // A filing too.
    let out = t.path().join("q");
    esgx().arg("export").arg(data("minimal.json")).arg("--out").arg(&out).assert().success();
    esgx().arg("validate").arg(out.join("report.xbrl")).args(["--framework", "nope"]).assert().code(2);
}

#[test]
fn no_path_is_never_the_bundled_dataset() {
    let t = tempfile::tempdir().unwrap();
    // `FILE=; esgx validate $FILE`: the shell passes no argument at all.
    for args in [vec!["validate"], vec!["validate", "--format", "json"]] {
        let out = esgx().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?} printed a result");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("--example") && err.contains("qifu-2023"), "{err}");
    }
    // `esgx validate "$FILE"`: an empty argument.
    esgx().args(["validate", ""]).assert().code(2);
    let out = t.path().join("x");
    let o = esgx().args(["export", "--out"]).arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--example"));
    esgx().args(["export", "", "--out"]).arg(&out).assert().code(2);
    assert!(!out.exists(), "nothing is written without an input");
    // A path and an example at once is ambiguous.
    esgx().arg("validate").arg(data("minimal.json")).args(["--example", "qifu-2023"]).assert().code(2);
    // An unknown example is a usage error that lists the bundled ones.
    let o = esgx().args(["validate", "--example", "nope"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("fy2025-example"));
}

#[test]
fn examples_are_listed_by_help_and_run_explicitly() {
    let help = esgx().args(["export", "--help"]).output().unwrap();
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(text.contains("qifu-2023") && text.contains("fy2025-example"), "{text}");
    let t = tempfile::tempdir().unwrap();
    esgx().args(["export", "--example", "fy2025-example", "--out"]).arg(t.path()).assert().success();
    let m = json(&t.path().join("manifest.json"));
    assert_eq!(m["inputs"][0]["path"], "examples/fy2025-example/dataset.json");
    esgx().args(["validate", "--example", "fy2025-example"]).assert().success();
}
