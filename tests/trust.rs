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

fn fact(concept: &str, value: &str, period: &str, dims: Value, line: u32) -> Value {
    json!({"concept": concept, "value": value, "period": period, "dimensions": dims,
        "source": {"document": "ar", "section": "People", "line": line}})
}

fn codes_of(p: &Path) -> (Value, Vec<String>) {
    let out = esgx().arg("validate").arg(p).args(["--format", "json", "--fail-on", "never"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes = v["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect();
    (v, codes)
}

#[test]
fn headcounts_add_up_exactly() {
    let t = tempfile::tempdir().unwrap();
    let mut v = minimal();
    let facts = v["facts"].as_array_mut().unwrap();
    facts.push(fact("NumberOfEmployees", "500", "FY2024", json!({}), 20));
    facts.push(fact("NumberOfEmployees", "240", "FY2024", json!({"GenderAxis": "MaleMember"}), 21));
    facts.push(fact("NumberOfEmployees", "261", "FY2024", json!({"GenderAxis": "FemaleMember"}), 22));
    facts.push(fact("NumberOfEmployees", "0", "FY2024", json!({"GenderAxis": "OtherGenderMember"}), 23));
    let bad = write_json(t.path(), "counts.json", &v);
    let (out, codes) = codes_of(&bad);
    assert_eq!(codes.iter().filter(|c| *c == "W0309").count(), 1, "{codes:?}");
    let d = out["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "W0309").unwrap();
    let msg = d["message"].as_str().unwrap();
    assert!(msg.contains("501") && msg.contains("500"), "{msg}");
    assert_eq!(d["facts"].as_array().unwrap().len(), 4, "the total and the three parts");
    // 240 + 260 + 0 = 500 is fine.
    v["facts"][5]["value"] = json!("260");
    let good = write_json(t.path(), "counts-ok.json", &v);
    assert!(!codes_of(&good).1.contains(&"W0309".to_string()));
    // A measured quantity keeps Calculations 1.1's rounding: 14.35 + 1,383.61 = 1,397.96 and a
    // total printed as 1,398.0 (one place) is consistent.
    let mut m = minimal();
    m["facts"][2]["value"] = json!("1,398.0");
    let (_, codes) = codes_of(&write_json(t.path(), "measured.json", &m));
    assert!(!codes.iter().any(|c| c == "W0301" || c == "W0309"), "{codes:?}");
}

#[test]
fn a_share_of_a_small_group_must_be_possible_with_whole_people() {
    let t = tempfile::tempdir().unwrap();
    let mut v = minimal();
    let facts = v["facts"].as_array_mut().unwrap();
    let mgmt = json!({"EmployeeCategoryAxis": "SeniorManagementMember"});
    facts.push(fact("NumberOfEmployees", "14", "FY2024", mgmt.clone(), 30));
    facts.push(fact("PercentageOfEmployeesTrained", "49%", "FY2024", mgmt.clone(), 31));
    let p = write_json(t.path(), "share.json", &v);
    let (out, codes) = codes_of(&p);
    let arithmetic: Vec<&String> = codes.iter().filter(|c| c.starts_with("W03")).collect();
    assert_eq!(arithmetic, vec!["W0310"]);
    let msg = out["diagnostics"][0]["message"].as_str().unwrap();
    assert!(msg.contains("6 of 14 (42.9%)") && msg.contains("7 of 14 (50.0%)"), "{msg}");
    // 50% of 14 is 7 people.
    v["facts"][4]["value"] = json!("50%");
    assert!(!codes_of(&write_json(t.path(), "share-ok.json", &v)).1.iter().any(|c| c.starts_with("W03")));
}

#[test]
fn qifu_findings_speak_the_reports_terms() {
    let out = esgx().args(["validate", "--example", "qifu-2023", "--color", "never"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let warnings: Vec<&str> = text.split("\n\n").filter(|b| b.starts_with("warning[")).collect();
    assert!(warnings.len() >= 15, "{text}");
    for w in &warnings {
        let first = w.lines().next().unwrap();
        assert!(!first.contains("-01-01/"), "an ISO interval in: {first}");
        assert!(!regex_like_fraction(first), "a percentage as a fraction in: {first}");
        // A source line with a marker under the value (for a finding about the whole report,
        // under the framework version whose requirements it checks).
        assert!(w.lines().any(|l| l.trim_start().starts_with('|') && l.contains('^')), "no marker under:\n{w}");
    }
    assert!(text.contains("FY2023") && text.contains("91.6%"), "{text}");
    assert!(text.contains("1,383.61"), "figures as printed");
    // The report-level findings point at the dataset, not at "(report)".
    assert!(!text.contains("(report)"));
    // One closing line with counts in good grammar.
    assert!(text.trim_end().ends_with("examples/qifu-2023/dataset.json: 0 errors, 16 warnings, 20 infos"), "{text}");
}

/// "0.9109..0.9209" or a bare fraction where a percentage belongs.
fn regex_like_fraction(line: &str) -> bool {
    line.contains("..") && line.split("..").any(|s| s.ends_with(|c: char| c.is_ascii_digit()))
}

#[test]
fn the_emission_drivers_finding_names_every_figure_it_compares() {
    let out = esgx().args(["validate", "--example", "qifu-2023", "--format", "json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    for d in v["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "W0504") {
        let facts = d["facts"].as_array().unwrap();
        // The emission figure and its driver, in both years (the report prints some twice).
        assert!(facts.len() >= 4, "{d}");
        let concepts: std::collections::BTreeSet<&str> =
            facts.iter().map(|f| v["facts"][f.as_str().unwrap()]["concept"].as_str().unwrap()).collect();
        assert_eq!(concepts.len(), 2, "{d}");
    }
}

#[test]
fn colour_is_chosen_and_input_cannot_drive_the_terminal() {
    let t = tempfile::tempdir().unwrap();
    let mut v = minimal();
    v["facts"]
        .as_array_mut()
        .unwrap()
        .push(json!({"concept": "Evil\u{1b}[2J\u{7}\nerror[E9999]: forged", "value": "1",
        "period": "FY2024", "source": {"document": "ar", "line": 1}}));
    let p = write_json(t.path(), "evil.json", &v);
    for color in ["never", "auto"] {
        let out = esgx().arg("validate").arg(&p).args(["--color", color]).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'), "{color}: raw control characters");
        assert!(!text.lines().any(|l| l.starts_with("error[E9999]")), "a forged line:\n{text}");
    }
    let out = esgx().arg("validate").arg(&p).args(["--color", "always"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("\u{1b}[1m\u{1b}[31merror[E0008]"), "always colours");
    assert!(!text.contains("\u{1b}[2J"), "but never passes the input's escapes through");
    // A CSV cell holds the raw bytes, and the finding shows that line: escaped there too.
    let dir = t.path().join("csv");
    std::fs::create_dir(&dir).unwrap();
    let mut meta = minimal();
    meta.as_object_mut().unwrap().remove("facts");
    write_json(&dir, "evil.meta.json", &meta);
    let csv = "concept,value,unit,period,source_document,source_line\n\
               GhgEmissionsScope1,\"14.35\u{1b}[2J\u{7}\",tCO2e,FY2024,ar,1\n";
    std::fs::write(dir.join("evil.csv"), csv).unwrap();
    for color in ["never", "always"] {
        let out = esgx().arg("validate").arg(dir.join("evil.csv")).args(["--color", color]).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("\\u{1b}[2J"), "{color}: the escape is shown escaped:\n{text}");
        assert!(!text.contains("\u{1b}[2J") && !text.contains('\u{7}'), "{color}: raw control characters");
    }
    esgx().arg("validate").arg(&p).args(["--color", "sometimes"]).assert().code(2);
}

#[test]
fn sarif_rules_link_their_docs_and_paths_are_relative() {
    let dir = repo();
    let out = esgx()
        .current_dir(&dir)
        .arg("validate")
        .arg(dir.join("examples/qifu-2023/dataset.json"))
        .args(["--format", "sarif"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &v["runs"][0];
    let docs = std::fs::read_to_string(dir.join("docs/diagnostics.md")).unwrap();
    for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
        let uri = rule["helpUri"].as_str().unwrap();
        let anchor = uri.split_once("diagnostics.md#").expect("a link into docs/diagnostics.md").1;
        assert!(docs.contains(&format!("<a id=\"{anchor}\"></a>")), "no anchor {anchor} in docs/diagnostics.md");
    }
    for r in run["results"].as_array().unwrap() {
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "examples/qifu-2023/dataset.json", "{r}");
        if r["ruleId"].as_str().unwrap().starts_with("W030") {
            assert!(loc["region"]["startColumn"].is_u64(), "{r}");
        }
    }
}
