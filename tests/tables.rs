//! Tables out: the xBRL-CSV report and the flat facts table an export writes, read back by esgx
//! and by Python; and the JSON output of `validate`, checked against its schema.

mod common;
use common::*;
use esgx::report::{Fact, FactValue};
use std::collections::BTreeMap;
use std::path::Path;

fn export_example(name: &str, out: &Path) {
    esgx().args(["export", "--example", name, "--out"]).arg(out).assert().success();
}

/// What a fact is, whatever format it was read from (its record, the place it was read from,
/// differs by format and is left out).
fn comparable(f: &Fact) -> String {
    let value = match &f.value {
        FactValue::Number(n) => n.normalize().to_string(),
        FactValue::Text(t) => format!("{t:?}"),
        FactValue::Nil => "nil".into(),
    };
    let mut p = f.provenance.clone();
    p.record = String::new();
    format!(
        "{} {} {} {:?} {:?} {value} {:?} {:?} {:?}",
        f.id,
        f.concept,
        f.period,
        f.unit.as_ref().map(|u| u.oim()),
        f.dimensions.iter().map(|(a, m)| format!("{a}={m}")).collect::<Vec<_>>(),
        f.decimals,
        f.language,
        p
    )
}

fn imported_facts(path: &Path) -> Vec<String> {
    let imported = esgx::import::read(path, None).unwrap_or_else(|d| panic!("{}: {d:?}", path.display()));
    let mut v: Vec<String> = imported.report.facts.iter().map(comparable).collect();
    v.sort();
    v
}

#[test]
fn xbrl_csv_reads_back_as_the_same_facts_as_report_json() {
    let tmp = tempfile::tempdir().unwrap();
    for example in ["qifu-2023", "fy2025-example"] {
        let out = tmp.path().join(example);
        export_example(example, &out);
        let from_json = imported_facts(&out.join("report.json"));
        let from_csv = imported_facts(&out.join("report-metadata.json"));
        assert!(!from_json.is_empty());
        assert_eq!(from_csv, from_json, "{example}: the xBRL-CSV facts differ from report.json's");
        // And validate finds the same as in report.json, pointing into the table.
        let run = |f: &str| {
            let o = esgx().args(["validate", "--format", "json"]).arg(out.join(f)).output().unwrap();
            serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()
        };
        let (j, c) = (run("report.json"), run("report-metadata.json"));
        assert_eq!(j["summary"], c["summary"], "{example}");
        for d in c["diagnostics"].as_array().unwrap().iter().filter(|d| d["facts"].as_array().is_some()) {
            let file = d["location"]["file"].as_str().unwrap();
            assert!(file.ends_with("report-facts.csv") && d["location"]["line"].as_u64().unwrap() > 1, "{d}");
        }
    }
}

#[test]
fn a_broken_xbrl_csv_row_gives_a_finding_at_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    export_example("qifu-2023", &out);
    let table = out.join("report-facts.csv");
    let text = std::fs::read_to_string(&table).unwrap();
    let mut lines: Vec<String> = text.split("\r\n").map(String::from).collect();
    // Row 5 (line 6): a period that is no period; row 8 (line 9): a concept with an undeclared prefix.
    lines[5] = lines[5].replacen("T00:00:00/", "T00:00:00/the-end-", 1);
    let concept = lines[8].split(',').nth(1).unwrap().to_string();
    lines[8] = lines[8].replacen(&concept, &concept.replace("esgx:", "nope:"), 1);
    std::fs::write(&table, lines.join("\r\n")).unwrap();
    let o = esgx().args(["validate", "--format", "json"]).arg(out.join("report-metadata.json")).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let at: Vec<(u64, String)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["location"]["line"].as_u64().unwrap_or(0), d["message"].as_str().unwrap().to_string()))
        .collect();
    assert!(at.iter().any(|(l, m)| *l == 6 && m.contains("period")), "{at:?}");
    assert!(at.iter().any(|(l, m)| *l == 9 && m.contains("prefix")), "{at:?}");
}

/// A table read as it streams in from its file gives what the same table read whole and held
/// gives (as for a package's member): the same facts, each at the same line, or the same
/// findings, whatever its line ends, byte order marks or broken bytes.
#[test]
fn an_xbrl_csv_table_read_as_it_streams_in_reads_as_its_bytes_held() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    export_example("qifu-2023", &out);
    let table = out.join("report-facts.csv");
    let written = std::fs::read(&table).unwrap();
    let lf = String::from_utf8(written.clone()).unwrap().replace("\r\n", "\n").into_bytes();
    let mut broken = lf.clone();
    let row10 = broken.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(9).unwrap().0 + 5;
    broken.insert(row10, 0xFF);
    let bom = |b: &[u8]| [&[0xEF, 0xBB, 0xBF][..], b].concat();
    let metadata = out.join("report-metadata.json");
    let bytes = std::fs::read(&metadata).unwrap();
    let read = |hold: bool| {
        let r = if hold {
            esgx::import::read_bytes(&metadata, bytes.clone(), None)
        } else {
            esgx::import::read_file_bytes(&metadata, bytes.clone(), None)
        };
        match r {
            Ok(i) => {
                let kept = i.inputs.iter().map(|(f, k)| format!("{f} {}", matches!(k, esgx::input::Kept::Bytes(_))));
                let facts = i.report.facts.iter().map(|f| format!("{} {}", comparable(f), f.origin));
                (facts.chain(kept).collect::<Vec<_>>(), true)
            }
            Err(d) => (d.iter().map(|d| format!("{d:?}")).collect(), false),
        }
    };
    for (name, text, ok) in [
        ("as written", written.clone(), true),
        ("LF", lf.clone(), true),
        ("a byte order mark", bom(&written), true),
        ("two byte order marks", bom(&bom(&lf)), true),
        ("a byte that is no UTF-8", broken, false),
    ] {
        std::fs::write(&table, &text).unwrap();
        let (held, held_ok) = read(true);
        let (streamed, streamed_ok) = read(false);
        assert_eq!(streamed_ok, ok, "{name}: {streamed:?}");
        assert_eq!(held_ok, ok, "{name}: {held:?}");
        assert!(held.len() > 100 || !ok, "{name}: {held:?}");
        let bytes_kept = |v: &[String]| v.iter().filter(|l| l.ends_with("report-facts.csv true")).count();
        assert_eq!((bytes_kept(&held), bytes_kept(&streamed)), if ok { (1, 0) } else { (0, 0) }, "{name}");
        // Which inputs are held as bytes differs by design (the metadata file too); all else not.
        let same = |v: &[String]| {
            v.iter().map(|l| l.strip_suffix(" true").map_or(l.clone(), |l| format!("{l} false"))).collect::<Vec<_>>()
        };
        assert_eq!(same(&held), same(&streamed), "{name}");
    }
}

/// The Python the tests run: `python3` on PATH.
fn python(script: &str, args: &[&Path]) -> std::process::Output {
    std::process::Command::new("python3").arg("-c").arg(script).args(args).output().expect("python3 runs")
}

#[test]
fn facts_csv_loads_in_python_with_one_row_per_fact_of_report_json() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    export_example("qifu-2023", &out);
    // Python's csv module with no parsing arguments (and pandas, where it is installed).
    let script = r#"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
try:
    import pandas
    frame = pandas.read_csv(sys.argv[1])
    assert len(frame) == len(rows), (len(frame), len(rows))
except ImportError:
    pass
json.dump(rows, sys.stdout)
"#;
    let o = python(script, &[&out.join("facts.csv")]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows: Vec<BTreeMap<String, String>> = serde_json::from_slice(&o.stdout).unwrap();
    let report = json(&out.join("report.json"));
    let facts: BTreeMap<&str, &serde_json::Value> = report["facts"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, f)| f["dimensions"]["concept"] != "xbrl:note")
        .map(|(id, f)| (id.as_str(), f))
        .collect();
    assert_eq!(rows.len(), facts.len(), "one row per fact");
    for row in &rows {
        let f = facts.get(row["id"].as_str()).unwrap_or_else(|| panic!("{} is no fact of report.json", row["id"]));
        let d = &f["dimensions"];
        assert_eq!(row["concept"], d["concept"].as_str().unwrap());
        assert_eq!(row["value"], f["value"].as_str().unwrap_or(""), "{}", row["id"]);
        assert_eq!(row["nil"], if f["value"].is_null() { "true" } else { "false" });
        // The OIM period is end-exclusive; the table's end is the last day, and its year the fiscal year.
        let oim_end = d["period"].as_str().unwrap().rsplit('/').next().unwrap();
        let next = chrono::NaiveDate::parse_from_str(&oim_end[..10], "%Y-%m-%d").unwrap();
        assert_eq!(row["period_end"], next.pred_opt().unwrap().to_string());
        assert_eq!(row["fiscal_year"], row["period_end"][..4]);
        let dims: serde_json::Value = serde_json::from_str(&row["dimensions"]).unwrap();
        for (axis, member) in dims.as_object().unwrap() {
            assert_eq!(&d[axis], member);
        }
        let json_decimals = f["decimals"].as_i64().map(|d| d.to_string()).unwrap_or_default();
        assert_eq!(row["decimals"], json_decimals);
    }
}

#[test]
fn facts_jsonl_follows_its_schema_and_matches_facts_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    export_example("qifu-2023", &out);
    let schema: serde_json::Value = serde_json::from_str(include_str!("../schema/facts.schema.json")).unwrap();
    let validator = jsonschema::options().should_validate_formats(true).build(&schema).unwrap();
    let lines = std::fs::read_to_string(out.join("facts.jsonl")).unwrap();
    let mut csv = csv::Reader::from_path(out.join("facts.csv")).unwrap();
    let header: Vec<String> = csv.headers().unwrap().iter().map(String::from).collect();
    let columns: Vec<String> =
        schema["required"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().into()).collect();
    assert_eq!(header, columns, "the CSV header is the schema's columns, in order");
    let mut n = 0;
    for (line, record) in lines.lines().zip(csv.records()) {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        let errors: Vec<String> =
            validator.iter_errors(&row).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{line}: {errors:?}");
        let record = record.unwrap();
        for (c, cell) in header.iter().zip(record.iter()) {
            let as_text = match &row[c] {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            assert_eq!(as_text, cell, "{c} of {}", row["id"]);
        }
        n += 1;
    }
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let facts = report["facts"].as_object().unwrap().values();
    let reported = facts.filter(|f| f["dimensions"]["concept"] != "xbrl:note").count(); // footnotes are not facts of the report
    assert_eq!(n, reported, "one line per fact of report.json");
    // `esgx schema facts` prints the schema.
    let printed = esgx().args(["schema", "facts"]).output().unwrap();
    assert_eq!(printed.stdout, include_bytes!("../schema/facts.schema.json"));
}

#[test]
fn every_validate_json_output_follows_the_validation_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    export_example("qifu-2023", &out);
    let broken = tmp.path().join("broken.json");
    let mut ds = json(&repo().join("examples/qifu-2023/dataset.json"));
    ds["facts"][0]["value"] = "twelve".into();
    ds["facts"][3]["unit"] = "furlongs".into();
    ds["facts"][5]["concept"] = "NoSuchConcept".into();
    std::fs::write(&broken, serde_json::to_vec(&ds).unwrap()).unwrap();
    let schema: serde_json::Value = serde_json::from_str(include_str!("../schema/validation.schema.json")).unwrap();
    let validator = jsonschema::options().should_validate_formats(true).build(&schema).unwrap();
    let mut runs: Vec<Vec<std::ffi::OsString>> = vec![
        vec!["--example".into(), "qifu-2023".into()],
        vec!["--example".into(), "fy2025-example".into()],
        vec![repo().join("examples/qifu-2023/dataset.csv").into()],
        vec![data("minimal.json").into()],
        vec![broken.clone().into()],
    ];
    for f in ["report.xbrl", "report.json", "report-metadata.json"] {
        runs.push(vec![out.join(f).into()]);
    }
    let mut with_errors = 0;
    let mut without_findings = 0;
    for args in runs {
        let o = esgx().args(["validate", "--format", "json"]).args(&args).output().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        let errors: Vec<String> = validator.iter_errors(&v).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{args:?}: {errors:?}");
        with_errors += (v["summary"]["errors"].as_u64().unwrap() > 0) as usize;
        without_findings += v["diagnostics"].as_array().unwrap().is_empty() as usize;
    }
    assert!(with_errors > 0 && without_findings > 0, "outputs with errors and without findings are both covered");
    let printed = esgx().args(["schema", "validation"]).output().unwrap();
    assert_eq!(printed.stdout, include_bytes!("../schema/validation.schema.json"));
}
