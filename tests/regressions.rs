//! Faults found by reviewing esgx as a hostile user would, kept fixed.

mod common;
use common::*;
use serde_json::{Value, json};
use std::path::Path;

fn minimal() -> Value {
    serde_json::from_slice(&std::fs::read(data("minimal.json")).unwrap()).unwrap()
}

fn write_json(dir: &Path, name: &str, v: &Value) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_vec_pretty(v).unwrap()).unwrap();
    p
}

fn validate_codes(p: &Path) -> (i32, Vec<String>) {
    let out = esgx().arg("validate").arg(p).args(["--format", "json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(json!({"diagnostics": []}));
    let codes = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    (out.status.code().unwrap(), codes)
}

#[test]
fn malformed_filings_are_errors() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("q");
    esgx().arg("export").arg(data("minimal.json")).arg("--out").arg(&out).assert().success();
    let xml = std::fs::read_to_string(out.join("report.xbrl")).unwrap();
    let cases: Vec<(&str, String, &str)> = vec![
        ("truncated", xml.lines().take(20).collect::<Vec<_>>().join("\n"), "E0003"),
        ("trailing", format!("{xml}<extra/>"), "E0003"),
        ("remote-schema", xml.replacen("xlink:href=\"taxonomy/", "xlink:href=\"http://evil.example.com/", 1), "E0007"),
        ("missing-schema", xml.replacen("xlink:href=\"taxonomy/", "xlink:href=\"nowhere/", 1), "E0223"),
        (
            "reversed-period",
            xml.replacen(
                "<xbrli:startDate>2024-01-01</xbrli:startDate>",
                "<xbrli:startDate>2025-06-01</xbrli:startDate>",
                1,
            ),
            "E0212",
        ),
        (
            "duplicate-id",
            {
                // The second fact takes the first one's id.
                let ids: Vec<&str> = xml.split(" id=\"").skip(1).map(|r| r.split('"').next().unwrap()).collect();
                let (a, b) = (
                    ids.iter().find(|i| i.starts_with("f-")).unwrap(),
                    ids.iter().filter(|i| i.starts_with("f-")).nth(1).unwrap(),
                );
                xml.replacen(&format!("id=\"{b}\""), &format!("id=\"{a}\""), 1)
            },
            "E0220",
        ),
    ];
    for (name, text, code) in cases {
        let p = out.join(format!("{name}.xbrl"));
        std::fs::write(&p, text).unwrap();
        let (exit, codes) = validate_codes(&p);
        assert_eq!(exit, 1, "{name}");
        assert!(codes.iter().any(|c| c == code), "{name}: expected {code}, got {codes:?}");
    }
}

#[test]
fn dataset_faults_that_would_break_the_filing() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    // A duplicate key would silently keep only the last value.
    let text = std::fs::read_to_string(data("minimal.json")).unwrap().replacen(
        "\"value\": \"14.35\"",
        "\"value\": \"14.35\", \"value\": \"99\"",
        1,
    );
    std::fs::write(d.join("dupkey.json"), text).unwrap();
    let out = esgx().arg("export").arg(d.join("dupkey.json")).arg("--out").arg(d.join("o1")).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("#/facts/0/value"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Reserved prefixes for an extension.
    let mut v = minimal();
    v["extensions"] = json!({"prefix": "xbrli", "namespace": "http://www.xbrl.org/2003/instance"});
    let p = write_json(d, "prefix.json", &v);
    let out = esgx().arg("export").arg(&p).arg("--out").arg(d.join("o2")).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("E0105"));
    // Years XBRL cannot write.
    let mut v = minimal();
    v["facts"][0]["period"] = "0000-01-01/2024-12-31".into();
    let p = write_json(d, "year.json", &v);
    esgx().arg("export").arg(&p).arg("--out").arg(d.join("o3")).assert().code(1);
    // A text with a character XML cannot carry.
    let mut v = minimal();
    v["facts"].as_array_mut().unwrap().push(json!({"concept": "BoardStatementOnEsgGovernanceExplanatory", "value": "a\u{FFFE}b", "period": "FY2024", "source": {"document": "ar"}}));
    let p = write_json(d, "char.json", &v);
    esgx().arg("export").arg(&p).arg("--out").arg(d.join("o4")).assert().code(1);
    for o in ["o1", "o2", "o3", "o4"] {
        assert!(!d.join(o).exists(), "{o} was written");
    }
}

#[test]
fn whole_numbers_printed_with_decimals_stay_valid_integers() {
    let t = tempfile::tempdir().unwrap();
    let mut v = minimal();
    v["facts"].as_array_mut().unwrap().push(
        json!({"concept": "NumberOfEmployees", "value": "1,000.00", "period": "FY2024", "source": {"document": "ar"}}),
    );
    let p = write_json(t.path(), "int.json", &v);
    let out = t.path().join("o");
    esgx().arg("export").arg(&p).arg("--out").arg(&out).assert().success();
    let xml = std::fs::read_to_string(out.join("report.xbrl")).unwrap();
    let fact = xml.lines().find(|l| l.contains("<esgx:NumberOfEmployees ")).unwrap();
    assert!(fact.contains(" decimals=\"2\" ") && fact.ends_with(">1000</esgx:NumberOfEmployees>"), "{fact}");
}

#[test]
fn baselines_survive_renumbered_facts() {
    let t = tempfile::tempdir().unwrap();
    let base = t.path().join("b.json");
    esgx()
        .args(["validate", "--example", "qifu-2023", "--fail-on", "never", "--write-baseline"])
        .arg(&base)
        .assert()
        .success();
    let mut ds: Value =
        serde_json::from_slice(&std::fs::read(repo().join("examples/qifu-2023/dataset.json")).unwrap()).unwrap();
    // An unrelated fact at the top shifts every default fact id by one.
    let first = json!({"concept": "RegisteredTrademarks", "value": "200", "period": "FY2022", "source": {"document": "esg2023"}});
    ds["facts"].as_array_mut().unwrap().insert(0, first);
    let p = write_json(t.path(), "shifted.json", &ds);
    let out = esgx()
        .arg("validate")
        .arg(&p)
        .args(["--fail-on", "info", "--format", "json", "--baseline"])
        .arg(&base)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", v["diagnostics"]);
}

#[test]
fn usage_problems_exit_2() {
    let t = tempfile::tempdir().unwrap();
    esgx().args(["taxonomy", "template", "--year", "10000", "--out"]).arg(t.path().join("x")).assert().code(2);
    esgx()
        .env("SOURCE_DATE_EPOCH", "-1")
        .args(["export", "--example", "qifu-2023", "--out"])
        .arg(t.path().join("y"))
        .assert()
        .code(2);
    // A folder where an output file goes: refused before anything is written.
    let out = t.path().join("z");
    std::fs::create_dir_all(out.join("report.json/sub")).unwrap();
    esgx().args(["export", "--example", "qifu-2023", "--out"]).arg(&out).assert().code(2);
    assert!(!out.join("report.xbrl").exists());
    assert!(!out.join("taxonomy").exists());
}

#[test]
fn a_new_export_removes_what_an_earlier_one_left() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("o");
    esgx().args(["export", "--example", "qifu-2023", "--out"]).arg(&out).assert().success();
    assert!(out.join("taxonomy/qifu-extension.xsd").exists());
    esgx()
        .arg("export")
        .arg(repo().join("examples/fy2025-example/dataset.json"))
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    assert!(!out.join("taxonomy/qifu-extension.xsd").exists(), "the Qifu extension lingers beside the FY2025 filing");
    let m = json(&out.join("manifest.json"));
    let mut listed: Vec<String> =
        m["outputs"].as_array().unwrap().iter().map(|o| o["path"].as_str().unwrap().to_string()).collect();
    listed.push("manifest.json".into());
    listed.sort();
    assert_eq!(listed, files(&out));
}

#[test]
fn crlf_csv_lines_are_counted_right() {
    let t = tempfile::tempdir().unwrap();
    let mut meta = minimal();
    meta.as_object_mut().unwrap().remove("facts");
    std::fs::write(t.path().join("f.meta.json"), serde_json::to_vec(&meta).unwrap()).unwrap();
    std::fs::write(
        t.path().join("f.csv"),
        "concept,value,unit,period,source_document\r\nGhgEmissionsScope1,14.35,tCO2e,FY2024,ar\r\nGhgEmissionsScope9,1,tCO2e,FY2024,ar\r\n",
    )
    .unwrap();
    let out = esgx().arg("export").arg(t.path().join("f.csv")).arg("--out").arg(t.path().join("o")).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("f.csv:3"), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Issue 15: report.json carries provenance as OIM footnotes plus one document-level index; the
/// importer recovers the structured source from the index, falls back to the footnote text for a
/// report without it (another tool's), and refuses a footnote link to nothing.
#[test]
fn json_provenance_reads_back_from_the_index_or_the_footnotes() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    esgx().arg("export").arg(data("minimal.json")).arg("--out").arg(&out).assert().success();
    let path = out.join("report.json");
    let dataset = minimal();
    let imported = esgx::import::read(&path, None).unwrap_or_else(|e| panic!("{e:?}"));
    let facts = &imported.report.facts;
    assert_eq!(facts.len(), dataset["facts"].as_array().unwrap().len());
    for f in facts {
        let p = &f.provenance;
        let rec = dataset["facts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["value"].as_str() == p.reported.as_deref() && f.concept.local.as_ref() == r["concept"])
            .unwrap_or_else(|| panic!("fact {} ({}) reads back without its reported text", f.id, f.concept));
        assert_eq!(&*p.document, rec["source"]["document"].as_str().unwrap(), "{}", f.id);
        assert_eq!(p.section.as_deref(), rec["source"]["section"].as_str(), "{}", f.id);
        assert_eq!(p.line.map(u64::from), rec["source"]["line"].as_u64(), "{}", f.id);
    }

    // Without esgx's index, the footnotes' text is the source.
    let mut v = json(&path);
    v.as_object_mut().unwrap().remove("esgxp:provenance").unwrap();
    let plain = write_json(&out, "plain.json", &v);
    let imported = esgx::import::read(&plain, None).unwrap_or_else(|e| panic!("{e:?}"));
    for f in &imported.report.facts {
        let note = f.provenance.note.as_deref().unwrap_or_default();
        assert!(note.starts_with("Source: "), "fact {}: {note:?}", f.id);
        assert!(!note.contains("&amp;") && !note.contains("&quot;"), "footnote text is unescaped: {note}");
    }

    // A footnote link to a footnote the report does not have.
    let mut v = json(&path);
    let first = v["facts"].as_object_mut().unwrap().values_mut().next().unwrap();
    first["links"]["footnote"]["_"][0] = json!("n-nowhere");
    let dangling = write_json(&out, "dangling.json", &v);
    let (exit, codes) = validate_codes(&dangling);
    assert_eq!(exit, 1);
    assert!(codes.iter().any(|c| c == "E0003"), "{codes:?}");
}

/// Issue 7: an explicit id equal to the id derived from another record's aspects is an error
/// naming both records, not a silent merge.
#[test]
fn an_explicit_id_that_takes_a_derived_one_is_an_error() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    esgx().arg("export").arg(data("minimal.json")).arg("--out").arg(&out).assert().success();
    let report = json(&out.join("report.json"));
    let derived = report["facts"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, f)| f["dimensions"]["concept"] == "esgx:GhgEmissionsScope1")
        .map(|(id, _)| id.clone())
        .unwrap();
    let mut v = minimal();
    v["facts"][2]["id"] = json!(derived);
    let p = write_json(t.path(), "clash.json", &v);
    let out = esgx().arg("validate").arg(&p).args(["--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = v["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "E0220").expect("E0220");
    let msg = d["message"].as_str().unwrap();
    assert!(msg.contains(&derived) && msg.contains("record 1") && msg.contains("record 3"), "{msg}");
}

/// Reports written before issue 15 carry the source as an `esgxp:source` property on each fact;
/// they still read back with it.
#[test]
fn the_earlier_per_fact_source_property_still_reads() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    esgx().arg("export").arg(data("minimal.json")).arg("--out").arg(&out).assert().success();
    let mut v = json(&out.join("report.json"));
    let index = v.as_object_mut().unwrap().remove("esgxp:provenance").unwrap();
    let facts = v["facts"].as_object_mut().unwrap();
    facts.retain(|_, f| f["dimensions"]["concept"] != "xbrl:note");
    for (id, f) in facts.iter_mut() {
        let f = f.as_object_mut().unwrap();
        let links = f.remove("links").unwrap();
        let mut src = index["facts"][id].clone();
        let source_note = links["footnote"]["_"][0].as_str().unwrap();
        for (k, x) in index["sources"][source_note].as_object().unwrap() {
            src[k] = x.clone();
        }
        f.insert("esgxp:source".into(), src);
    }
    v["documentInfo"].as_object_mut().unwrap().retain(|k, _| k != "linkTypes" && k != "linkGroups");
    let old = write_json(&out, "old.json", &v);
    let imported = esgx::import::read(&old, None).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(imported.report.facts.len(), 3);
    for f in &imported.report.facts {
        assert_eq!(&*f.provenance.document, "ar", "{}", f.id);
        assert_eq!(f.provenance.section.as_deref(), Some("Emissions"), "{}", f.id);
        assert!(f.provenance.line.is_some() && f.provenance.reported.is_some(), "{}", f.id);
    }
}
