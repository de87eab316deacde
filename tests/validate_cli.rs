//! `esgx validate` as a CI job runs it: datasets and filings, renderings, exit codes, baselines,
//! and filings broken on purpose in ways an XBRL processor rejects.

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn export_qifu(dir: &Path) -> PathBuf {
    let out = dir.join("qifu");
    esgx().args(["export", "--example", "qifu-2023", "--out"]).arg(&out).assert().success();
    out
}

fn validate_json(args: &[&std::ffi::OsStr]) -> (i32, Value) {
    let out = esgx().arg("validate").args(args).args(["--format", "json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap(), v)
}

/// (code, sorted facts) of every finding, for comparing runs.
fn findings(v: &Value) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let mut f: Vec<String> = d["facts"]
                .as_array()
                .map(|a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect())
                .unwrap_or_default();
            f.sort();
            (d["code"].as_str().unwrap().to_string(), f)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn bundled_dataset_validates_with_a_coverage_table() {
    let (code, v) = validate_json(&["--example".as_ref(), "qifu-2023".as_ref()]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["kind"], "dataset");
    assert_eq!(v["summary"]["errors"], 0);
    assert!(v["diagnostics"].is_array());
    let coverage = v["coverage"].as_array().unwrap();
    for row in coverage {
        assert!(["reported", "explained", "missing"].contains(&row["status"].as_str().unwrap()), "{row}");
    }
    // Everything printed on stdout is the JSON document; progress stays on stderr.
}

#[test]
fn exported_filings_read_back_to_the_same_findings() {
    let t = tempfile::tempdir().unwrap();
    let out = export_qifu(t.path());
    let (_, dataset) = validate_json(&["--example".as_ref(), "qifu-2023".as_ref()]);
    for f in ["report.xbrl", "report.json"] {
        let p = out.join(f);
        let (code, v) = validate_json(&[p.as_os_str()]);
        assert_eq!(code, 0, "{f}: {v}");
        assert_eq!(v["kind"], "filing");
        assert_eq!(v["framework"], dataset["framework"]);
        assert_eq!(findings(&v), findings(&dataset), "{f} gives other findings than the dataset it came from");
        assert_eq!(v["coverage"], dataset["coverage"], "{f}");
        if f == "report.json" {
            // The source of every fact a finding names comes back whole (the record is now the
            // place in the filing).
            let strip = |s: &Value| {
                let mut s = s.clone();
                s.as_object_mut().unwrap().remove("record");
                s
            };
            let facts = dataset["facts"].as_object().unwrap();
            assert!(!facts.is_empty());
            for (id, fact) in facts {
                assert!(fact["source"]["line"].is_u64() || fact["source"]["section"].is_string(), "{id}");
                assert_eq!(strip(&fact["source"]), strip(&v["facts"][id]["source"]), "{f}: source of {id}");
            }
        }
    }
}

#[test]
fn sarif_output_has_the_2_1_0_shape() {
    let out = esgx().args(["validate", "--example", "qifu-2023", "--format", "sarif"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "esgx");
    let rules: Vec<&str> =
        run["tool"]["driver"]["rules"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let id = r["ruleId"].as_str().unwrap();
        assert_eq!(rules[r["ruleIndex"].as_u64().unwrap() as usize], id);
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
        let loc = &r["locations"][0]["physicalLocation"];
        assert!(loc["artifactLocation"]["uri"].is_string());
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
    }
}

#[test]
fn fail_on_and_baselines() {
    let t = tempfile::tempdir().unwrap();
    // Info findings exist in the bundled dataset: they fail only at --fail-on info.
    esgx().args(["validate", "--example", "qifu-2023", "--fail-on", "info"]).assert().code(1);
    esgx().args(["validate", "--example", "qifu-2023", "--fail-on", "never"]).assert().code(0);
    let base = t.path().join("baseline.json");
    esgx()
        .args(["validate", "--example", "qifu-2023", "--fail-on", "never", "--write-baseline"])
        .arg(&base)
        .assert()
        .code(0);
    esgx().args(["validate", "--example", "qifu-2023", "--fail-on", "info", "--baseline"]).arg(&base).assert().code(0);
    // A new finding is not covered by the baseline.
    let mut ds: Value =
        serde_json::from_slice(&std::fs::read(repo().join("examples/qifu-2023/dataset.json")).unwrap()).unwrap();
    let mut extra = ds["facts"][0].clone();
    extra["value"] = "9,999.99".into();
    extra["id"] = "new-conflict".into();
    ds["facts"].as_array_mut().unwrap().push(extra);
    let p = t.path().join("changed.json");
    std::fs::write(&p, serde_json::to_vec(&ds).unwrap()).unwrap();
    let out = esgx()
        .arg("validate")
        .arg(&p)
        .args(["--fail-on", "warning", "--format", "json", "--baseline"])
        .arg(&base)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] != "info")
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"E0401"), "{codes:?}");
    assert!(v["baselined"].as_u64().unwrap() > 0);
    // A baseline that is not one is a usage error.
    std::fs::write(t.path().join("bad.json"), "[]").unwrap();
    esgx().args(["validate", "--example", "qifu-2023", "--baseline"]).arg(t.path().join("bad.json")).assert().code(2);
}

/// Break an exported filing in one known way; esgx must say error and exit 1. The broken files are
/// kept in ESGX_BROKEN_OUT when set, so that CI can confirm Arelle rejects each one too.
fn broken(name: &str, src: &Path, edit: impl Fn(String) -> String, code: &str) {
    let text = std::fs::read_to_string(src).unwrap();
    let changed = edit(text.clone());
    assert_ne!(changed, text, "{name}: the edit changed nothing");
    let dir = src.parent().unwrap();
    let p = dir.join(format!("broken-{name}.{}", src.extension().unwrap().to_str().unwrap()));
    std::fs::write(&p, &changed).unwrap();
    let (exit, v) = validate_json(&[p.as_os_str()]);
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(exit, 1, "{name}: exit {exit}, findings {codes:?}");
    assert!(codes.contains(&code), "{name}: expected {code}, got {codes:?}");
    if let Some(keep) = std::env::var_os("ESGX_BROKEN_OUT") {
        let keep = PathBuf::from(keep);
        std::fs::create_dir_all(&keep).unwrap();
        // Keep the taxonomy beside the broken filing so that it resolves.
        let tax_dst = keep.join("taxonomy");
        if !tax_dst.exists() {
            std::fs::create_dir_all(&tax_dst).unwrap();
            for e in std::fs::read_dir(dir.join("taxonomy")).unwrap().flatten() {
                std::fs::copy(e.path(), tax_dst.join(e.file_name())).unwrap();
            }
        }
        std::fs::copy(&p, keep.join(p.file_name().unwrap())).unwrap();
    }
}

fn replace_first(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from:?} not found");
    text.replacen(from, to, 1)
}

#[test]
fn broken_xml_filings_are_errors() {
    let t = tempfile::tempdir().unwrap();
    let out = export_qifu(t.path());
    let x = out.join("report.xbrl");
    broken(
        "unknown-concept",
        &x,
        |s| {
            replace_first(&s, "<esgx:GhgEmissionsScope1 ", "<esgx:GhgEmissionsScopeOne ").replacen(
                "</esgx:GhgEmissionsScope1>",
                "</esgx:GhgEmissionsScopeOne>",
                1,
            )
        },
        "E0210",
    );
    // Every statement of the total changes, so that it is not an inconsistent duplicate instead.
    broken("calculation", &x, |s| s.replace("\">1397.96<", "\">1399.96<"), "E0301");
    broken(
        "member",
        &x,
        |s| s.replace("qifu:EastChinaMember</xbrldi:explicitMember>", "qifu:AtlantisMember</xbrldi:explicitMember>"),
        "E0219",
    );
    broken(
        "unit",
        &x,
        |s| replace_first(&s, "unitRef=\"tCO2e\" decimals=\"2\"", "unitRef=\"pure\" decimals=\"2\""),
        "E0216",
    );
    broken(
        "period-type",
        &x,
        |s| {
            replace_first(
                &s,
                "contextRef=\"D20230101_20231231\" unitRef=\"tCO2e\"",
                "contextRef=\"I20231231\" unitRef=\"tCO2e\"",
            )
        },
        "E0212",
    );
    broken("value", &x, |s| replace_first(&s, ">1397.96<", ">1,397.96<"), "E0213");
    broken(
        "context",
        &x,
        |s| {
            replace_first(
                &s,
                "contextRef=\"D20230101_20231231\" unitRef=\"tCO2e\"",
                "contextRef=\"nowhere\" unitRef=\"tCO2e\"",
            )
        },
        "E0222",
    );
    broken(
        "duplicate",
        &x,
        |s| {
            let line = s.lines().find(|l| l.contains("<esgx:GhgEmissionsScope1 ")).unwrap().to_string();
            let id = line.split("id=\"").nth(1).unwrap().split('"').next().unwrap();
            let dup = line.replace(&format!("id=\"{id}\""), &format!("id=\"{id}dup\"")).replace(">14.35<", ">15.35<");
            assert_ne!(dup, line.replace(">14.35<", ">15.35<"), "the copy gets an id of its own");
            s.replacen(&line, &format!("{line}\n{dup}"), 1)
        },
        "E0401",
    );
}

#[test]
fn broken_json_filings_are_errors() {
    let t = tempfile::tempdir().unwrap();
    let out = export_qifu(t.path());
    let j = out.join("report.json");
    broken(
        "unknown-concept",
        &j,
        |s| replace_first(&s, "\"esgx:GhgEmissionsScope1\"", "\"esgx:GhgEmissionsScopeOne\""),
        "E0210",
    );
    broken("calculation", &j, |s| s.replace("\"value\": \"1397.96\"", "\"value\": \"1399.96\""), "E0301");
    broken("member", &j, |s| s.replace("\"qifu:EastChinaMember\"", "\"qifu:AtlantisMember\""), "E0219");
    broken(
        "period-type",
        &j,
        |s| {
            replace_first(
                &s,
                "\"period\": \"2023-01-01T00:00:00/2024-01-01T00:00:00\"",
                "\"period\": \"2024-01-01T00:00:00\"",
            )
        },
        "E0212",
    );
    broken("value", &j, |s| replace_first(&s, "\"value\": \"1397.96\"", "\"value\": \"1,397.96\""), "E0213");
}

#[test]
fn hostile_xml_is_refused_without_expansion() {
    let t = tempfile::tempdir().unwrap();
    let out = export_qifu(t.path());
    let text = std::fs::read_to_string(out.join("report.xbrl")).unwrap();
    let evil = text.replacen("<xbrli:xbrl", "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n<xbrli:xbrl", 1);
    let p = out.join("evil.xbrl");
    std::fs::write(&p, evil).unwrap();
    let (exit, v) = validate_json(&[p.as_os_str()]);
    assert_eq!(exit, 1);
    assert_eq!(v["diagnostics"][0]["code"], "E0007");
    let p2 = out.join("entity.xbrl");
    std::fs::write(&p2, text.replacen(">1397.96<", ">&e;<", 1)).unwrap();
    let (exit, v) = validate_json(&[p2.as_os_str()]);
    assert_eq!(exit, 1);
    assert_eq!(v["diagnostics"][0]["code"], "E0007");
    // A filing whose taxonomy is remote is not fetched.
    let p3 = out.join("remote.xbrl");
    std::fs::write(&p3, text.replace("taxonomy/qifu-extension.xsd", "https://example.com/qifu.xsd")).unwrap();
    let (exit, v) = validate_json(&[p3.as_os_str()]);
    assert_eq!(exit, 1, "{v}");
    assert!(v["diagnostics"].as_array().unwrap().iter().any(|d| d["code"] == "E0007"), "{v}");
}

/// `docs/diagnostics.md` has one row per code of the enum, no more, each with the code's
/// severity and title, in the enum's order.
#[test]
fn every_code_is_documented() {
    use esgx::diag::{Code, Severity};
    let doc = std::fs::read_to_string(repo().join("docs/diagnostics.md")).unwrap();
    let rows: Vec<(String, String, String)> = doc
        .lines()
        .filter(|l| l.starts_with("| <a id="))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").map(str::trim).collect();
            let code = cells[0].rsplit("</a>").next().unwrap().to_string();
            (code, cells[1].to_string(), cells[2].to_string())
        })
        .collect();
    let documented: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    let all: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(documented, all, "docs/diagnostics.md and Code::ALL list different codes");
    for (row, code) in rows.iter().zip(Code::ALL) {
        let severity = match code.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        assert!(row.1.starts_with(severity), "{code}: documented as {:?}, is {severity}", row.1);
        assert_eq!(row.2, code.title(), "{code}: the docs' meaning and the enum's title differ");
        assert!(doc.contains(&format!("<a id=\"{}\"></a>{code} |", code.as_str().to_ascii_lowercase())));
        assert!(code.help_url().ends_with(&format!("diagnostics.md#{}", code.as_str().to_ascii_lowercase())));
    }
}

/// The members of a JSON object come in any order: an xBRL-JSON report whose `documentInfo` is
/// its last member, far from the start, is still a filing, read the same way (its facts through
/// the tree, not fact by fact as when `documentInfo` comes first), from a file and from stdin.
#[test]
fn an_xbrl_json_report_with_its_document_info_last_validates_as_the_same_filing() {
    let tmp = tempfile::tempdir().unwrap();
    let qifu = export_qifu(tmp.path());
    let report = json(&qifu.join("report.json"));
    let obj = report.as_object().unwrap();
    let mut late = serde_json::Map::new();
    for (k, v) in obj.iter().filter(|(k, _)| *k != "documentInfo") {
        late.insert(k.clone(), v.clone());
    }
    late.insert("documentInfo".into(), obj["documentInfo"].clone());
    let text = serde_json::to_string_pretty(&Value::Object(late)).unwrap();
    assert!(!text[..4096].contains("documentInfo"), "documentInfo must lie past the start");
    let late_path = qifu.join("report-late.json");
    std::fs::write(&late_path, &text).unwrap();

    let (code, first) = validate_json(&[qifu.join("report.json").as_os_str()]);
    let (late_code, last) = validate_json(&[late_path.as_os_str()]);
    assert_eq!(code, late_code);
    assert_eq!(first["summary"], last["summary"]);
    assert!(first["summary"]["errors"] == 0, "{}", first["summary"]);
    assert_eq!(findings(&first), findings(&last));
    // From stdin, too (no file name to go by; the taxonomy files are found beside the working
    // folder then).
    let out = esgx()
        .current_dir(&qifu)
        .args(["validate", "-", "--format", "json"])
        .write_stdin(text.as_bytes().to_vec())
        .output()
        .unwrap();
    let piped: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(first["summary"], piped["summary"]);
    assert_eq!(findings(&first), findings(&piped));
}
