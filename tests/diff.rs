//! `esgx diff`: the Qifu 2023 dataset against copies edited on purpose, in every output format,
//! and across datasets and filings.

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

const QIFU: &str = "examples/qifu-2023/dataset.json";

fn qifu() -> PathBuf {
    repo().join(QIFU)
}

fn qifu_doc() -> Value {
    json(&qifu())
}

/// The one fact of `concept` for `period` with exactly these dimensions (index into `facts`).
fn find(doc: &Value, concept: &str, period: &str, dims: &[(&str, &str)]) -> usize {
    let facts = doc["facts"].as_array().unwrap();
    let hits: Vec<usize> = (0..facts.len())
        .filter(|&i| {
            let f = &facts[i];
            let fd = f["dimensions"].as_object().map(|o| o.len()).unwrap_or(0);
            f["concept"] == concept
                && f["period"] == period
                && fd == dims.len()
                && dims.iter().all(|(a, m)| f["dimensions"][*a] == *m)
        })
        .collect();
    assert_eq!(hits.len(), 1, "{concept} {period} {dims:?} should be one fact, found {hits:?}");
    hits[0]
}

/// Set the printed value of a fact; returns the value it had.
fn set(doc: &mut Value, concept: &str, period: &str, dims: &[(&str, &str)], value: &str) -> String {
    let i = find(doc, concept, period, dims);
    let old = doc["facts"][i]["value"].as_str().unwrap().to_string();
    doc["facts"][i]["value"] = value.into();
    old
}

fn remove(doc: &mut Value, concept: &str, period: &str, dims: &[(&str, &str)]) {
    let i = find(doc, concept, period, dims);
    doc["facts"].as_array_mut().unwrap().remove(i);
}

fn write(dir: &Path, name: &str, doc: &Value) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_vec_pretty(doc).unwrap()).unwrap();
    p
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn diff(a: &Path, b: &Path, extra: &[&str]) -> Run {
    let out = esgx().arg("diff").arg(a).arg(b).args(extra).output().unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn diff_json(a: &Path, b: &Path) -> Value {
    let r = diff(a, b, &["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", r.stdout));
    follows_schema(&v);
    v
}

/// The JSON output follows the schema `esgx schema diff` prints.
fn follows_schema(v: &Value) {
    let out = esgx().args(["schema", "diff"]).output().unwrap();
    assert!(out.status.success());
    let schema: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["$schema"], schema["$id"]);
    let validator = jsonschema::options().build(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(v).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "the diff violates its schema: {errors:?}");
}

/// (concept, period name, members, old figures, new figures) of a section of the JSON output.
fn rows(v: &Value, section: &str) -> Vec<(String, String, String, String, String)> {
    let figures = |list: &Value| {
        list.as_array()
            .unwrap()
            .iter()
            .map(|f| f["figure"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
            .join("; ")
    };
    v[section]
        .as_array()
        .unwrap_or_else(|| panic!("no {section} in {v}"))
        .iter()
        .map(|e| {
            let members: Vec<&str> =
                e["dimensions"].as_object().unwrap().values().map(|m| m.as_str().unwrap()).collect();
            (
                e["concept"].as_str().unwrap().to_string(),
                e["periodName"].as_str().unwrap().to_string(),
                members.join(","),
                figures(&e["old"]),
                figures(&e["new"]),
            )
        })
        .collect()
}

fn row(c: &str, p: &str, m: &str, old: &str, new: &str) -> (String, String, String, String, String) {
    (c.into(), p.into(), m.into(), old.into(), new.into())
}

fn summary(v: &Value) -> [u64; 4] {
    let s = &v["summary"];
    ["changed", "restated", "added", "removed"].map(|k| s[k].as_u64().unwrap())
}

/// The Markdown tables: section title -> body rows (cells trimmed), header and rule left out.
fn markdown_tables(md: &str) -> Vec<(String, Vec<Vec<String>>)> {
    let mut out: Vec<(String, Vec<Vec<String>>)> = Vec::new();
    for line in md.lines() {
        if let Some(t) = line.strip_prefix("#### ") {
            out.push((t.to_string(), Vec::new()));
        } else if line.starts_with("| ") && !line.starts_with("| Concept") && !line.starts_with("| ---") {
            let cells: Vec<String> = line.trim_matches('|').split(" | ").map(|c| c.trim().to_string()).collect();
            out.last_mut().expect("a table under a heading").1.push(cells);
        }
    }
    out
}

fn cells(x: &[&str]) -> Vec<String> {
    x.iter().map(|s| s.to_string()).collect()
}

/// The test pair of the issue: three edited 2023 figures, one restated 2022 figure, and every
/// fact in reverse order.
fn edited_pair(dir: &Path) -> PathBuf {
    let mut doc = qifu_doc();
    assert_eq!(set(&mut doc, "EnergyConsumption", "FY2023", &[], "1,338.40"), "1,328.40");
    assert_eq!(set(&mut doc, "NumberOfEmployees", "FY2023", &[("GenderAxis", "FemaleMember")], "1,285"), "1,283");
    assert_eq!(set(&mut doc, "EmployeeTurnoverRate", "FY2023", &[("GenderAxis", "FemaleMember")], "21%"), "19%");
    assert_eq!(set(&mut doc, "EnergyConsumption", "FY2022", &[], "1,602.95"), "1,620.95");
    doc["facts"].as_array_mut().unwrap().reverse();
    write(dir, "edited.json", &doc)
}

#[test]
fn the_edited_qifu_pair_lists_exactly_its_edits_and_the_restatement_in_every_format() {
    let t = tempfile::tempdir().unwrap();
    let edited = edited_pair(t.path());

    let v = diff_json(&qifu(), &edited);
    assert_eq!(summary(&v), [3, 1, 0, 0], "{v}");
    assert_eq!(v["reportingPeriod"], "FY2023");
    assert!(v["entity"].is_null());
    assert_eq!(
        rows(&v, "changed"),
        vec![
            row("esgx:EmployeeTurnoverRate", "FY2023", "esgx:FemaleMember", "19%", "21%"),
            row("esgx:EnergyConsumption", "FY2023", "", "1,328.40", "1,338.40"),
            row("esgx:NumberOfEmployees", "end of FY2023", "esgx:FemaleMember", "1,283", "1,285"),
        ]
    );
    assert_eq!(rows(&v, "restated"), vec![row("esgx:EnergyConsumption", "FY2022", "", "1,620.95", "1,602.95")]);
    // Facts are identified by their aspects and values, with where each side states them.
    let e = &v["restated"][0];
    assert_eq!(e["period"], "2022-01-01/2022-12-31");
    assert_eq!(e["unit"], "utr:MWh");
    assert_eq!(e["old"][0]["value"], "1620.95");
    assert_eq!(e["old"][0]["decimals"], 2);
    assert_eq!(e["new"][0]["where"], "Data statistics table, line 1163");
    assert_eq!(e["new"][0]["source"]["line"], 1163);
    assert!(e.get("id").is_none() && e["old"][0].get("id").is_none());
    assert_eq!(v["changed"][0]["old"][0]["value"], "0.19");

    let human = diff(&qifu(), &edited, &[]);
    assert_eq!(human.code, 0);
    let h = &human.stdout;
    let arrows: Vec<&str> = h.lines().filter(|l| l.contains(" → ")).map(str::trim).collect();
    assert_eq!(
        arrows,
        vec![
            "EmployeeTurnoverRate (FY2023, Female): 19% → 21%",
            "EnergyConsumption (FY2023): 1,328.40 → 1,338.40",
            "NumberOfEmployees (end of FY2023, Female): 1,283 → 1,285",
            "EnergyConsumption (FY2022): 1,620.95 → 1,602.95",
        ],
        "{h}"
    );
    let (changed_at, restated_at) = (h.find("\nChanged (3)\n").unwrap(), h.find("\nRestated (1)").unwrap());
    assert!(changed_at < restated_at && h.find("1,602.95").unwrap() > restated_at, "{h}");
    assert!(h.contains("      old: Data statistics table, line 1176\n      new: Data statistics table, line 1176"));
    assert!(!h.contains("Added") && !h.contains("Removed"), "{h}");
    assert!(h.trim_end().ends_with("3 changed, 1 restated, 0 added, 0 removed; 244 unchanged"), "{h}");

    let md = diff(&qifu(), &edited, &["--format", "markdown"]);
    assert_eq!(md.code, 0);
    let src = |l: &str| format!("Data statistics table, line {l}");
    let line = |c: &str, p: &str, m: &str, o: &str, n: &str, l: &str| cells(&[c, p, m, o, n, &src(l), &src(l)]);
    assert_eq!(
        markdown_tables(&md.stdout),
        vec![
            (
                "Changed (3)".to_string(),
                vec![
                    line("EmployeeTurnoverRate", "FY2023", "Female", "19%", "21%", "1218"),
                    line("EnergyConsumption", "FY2023", "", "1,328.40", "1,338.40", "1163"),
                    line("NumberOfEmployees", "end of FY2023", "Female", "1,283", "1,285", "1176"),
                ]
            ),
            ("Restated (1)".to_string(), vec![line("EnergyConsumption", "FY2022", "", "1,620.95", "1,602.95", "1163")]),
        ],
        "{}",
        md.stdout
    );
    assert!(md.stdout.contains("**3 changed, 1 restated, 0 added, 0 removed; 244 unchanged**"));

    // For CI: differences fail only when asked to.
    assert_eq!(diff(&qifu(), &edited, &["--fail-on-change"]).code, 1);
    assert_eq!(diff(&qifu(), &edited, &["--fail-on-change", "--format", "markdown"]).code, 1);
    let same = diff(&qifu(), &qifu(), &["--fail-on-change"]);
    assert_eq!(same.code, 0, "{}", same.stdout);
    assert!(same.stdout.contains("no differences"));
}

#[test]
fn a_reordering_alone_is_no_difference() {
    let t = tempfile::tempdir().unwrap();
    let mut doc = qifu_doc();
    doc["facts"].as_array_mut().unwrap().reverse();
    let reversed = write(t.path(), "reversed.json", &doc);
    let r = diff(&qifu(), &reversed, &["--fail-on-change", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    follows_schema(&v);
    assert_eq!(summary(&v), [0, 0, 0, 0]);
    assert!(v["summary"]["unchanged"].as_u64().unwrap() > 200);
    // The same dataset as CSV: other records, other order, the same facts.
    let csv = diff(&repo().join("examples/qifu-2023/dataset.csv"), &reversed, &["--fail-on-change"]);
    assert_eq!(csv.code, 0, "{}", csv.stdout);
    assert!(csv.stdout.contains("(dataset, 262 facts)\nnew:"), "{}", csv.stdout);
}

#[test]
fn added_and_removed_facts() {
    let t = tempfile::tempdir().unwrap();
    let over50 = [("AgeGroupAxis", "AgeOver50Member")];
    let mut old = qifu_doc();
    remove(&mut old, "NumberOfEmployees", "FY2023", &over50);
    let mut new = qifu_doc();
    remove(&mut new, "WaterConsumptionPerEmployee", "FY2022", &[]);
    let (old, new) = (write(t.path(), "old.json", &old), write(t.path(), "new.json", &new));

    let v = diff_json(&old, &new);
    assert_eq!(summary(&v), [0, 0, 1, 1], "{v}");
    assert_eq!(
        rows(&v, "added"),
        vec![row("esgx:NumberOfEmployees", "end of FY2023", "esgx:AgeOver50Member", "", "6")]
    );
    assert_eq!(rows(&v, "removed"), vec![row("esgx:WaterConsumptionPerEmployee", "FY2022", "", "38.31", "")]);

    let h = diff(&old, &new, &["--fail-on-change"]);
    assert_eq!(h.code, 1);
    assert!(
        h.stdout.contains("\nAdded (1)\n  NumberOfEmployees (end of FY2023, AgeOver50): 6\n      new: "),
        "{}",
        h.stdout
    );
    assert!(
        h.stdout.contains("\nRemoved (1)\n  WaterConsumptionPerEmployee (FY2022): 38.31\n      old: "),
        "{}",
        h.stdout
    );

    let md = diff(&old, &new, &["--format", "markdown"]).stdout;
    let tables = markdown_tables(&md);
    assert_eq!(tables.len(), 2, "{md}");
    assert_eq!(tables[0].0, "Added (1)");
    assert_eq!(tables[0].1[0][..4], cells(&["NumberOfEmployees", "end of FY2023", "AgeOver50", "6"])[..]);
    assert_eq!(tables[1].0, "Removed (1)");
    assert_eq!(tables[1].1[0][..4], cells(&["WaterConsumptionPerEmployee", "FY2022", "", "38.31"])[..]);
}

#[test]
fn a_difference_within_the_figures_rounding_is_no_change() {
    let t = tempfile::tempdir().unwrap();
    let mut doc = qifu_doc();
    // 20.07 (±0.005) and 20.1 (±0.05) can be the same figure; so can 1,620.95 and 1,621.0.
    set(&mut doc, "WaterConsumptionPerEmployee", "FY2023", &[], "20.1");
    set(&mut doc, "EnergyConsumption", "FY2022", &[], "1,621.0");
    let rounded = write(t.path(), "rounded.json", &doc);
    let r = diff(&qifu(), &rounded, &["--fail-on-change"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("no differences"), "{}", r.stdout);

    // One more digit changed is outside the rounding: a change and a restatement.
    set(&mut doc, "WaterConsumptionPerEmployee", "FY2023", &[], "20.2");
    set(&mut doc, "EnergyConsumption", "FY2022", &[], "1,621.1");
    let changed = write(t.path(), "changed.json", &doc);
    let v = diff_json(&qifu(), &changed);
    assert_eq!(rows(&v, "changed"), vec![row("esgx:WaterConsumptionPerEmployee", "FY2023", "", "20.07", "20.2")]);
    assert_eq!(rows(&v, "restated"), vec![row("esgx:EnergyConsumption", "FY2022", "", "1,620.95", "1,621.1")]);
}

#[test]
fn duplicates_within_one_side_are_compared_as_one_figure() {
    let t = tempfile::tempdir().unwrap();
    // The appendix states 52.20 and "Proud of Green" 52.2: dropping the second is no change...
    let mut doc = qifu_doc();
    let facts = doc["facts"].as_array_mut().unwrap();
    let second = facts
        .iter()
        .position(|f| f["concept"] == "EnergyConsumptionGasoline" && f["value"] == "52.2")
        .expect("the repeated figure");
    facts.remove(second);
    let dropped = write(t.path(), "dropped.json", &doc);
    let r = diff(&qifu(), &dropped, &["--fail-on-change"]);
    assert_eq!(r.code, 0, "{}", r.stdout);

    // ...but a repeated figure that now disagrees with the other is a change, both figures shown.
    let mut doc = qifu_doc();
    let f = doc["facts"].as_array_mut().unwrap().iter_mut().find(|f| f["value"] == "52.2").unwrap();
    f["value"] = "52.9".into();
    let v = diff_json(&qifu(), &write(t.path(), "disagrees.json", &doc));
    assert_eq!(summary(&v), [1, 0, 0, 0], "{v}");
    assert_eq!(
        rows(&v, "changed"),
        vec![row("esgx:EnergyConsumptionGasoline", "FY2023", "", "52.20; 52.2", "52.20; 52.9")]
    );
}

#[test]
fn a_dataset_and_its_own_filing_are_alike() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("qifu");
    esgx().arg("export").arg(qifu()).arg("--out").arg(&out).assert().success();
    for filing in ["report.xbrl", "report.json"] {
        let r = diff(&qifu(), &out.join(filing), &["--fail-on-change", "--format", "json"]);
        assert_eq!(r.code, 0, "{filing}: {}", r.stdout);
        let v: Value = serde_json::from_str(&r.stdout).unwrap();
        follows_schema(&v);
        assert_eq!(summary(&v), [0, 0, 0, 0], "{filing}");
        assert_eq!(v["new"]["kind"], "filing");
        assert_eq!(v["new"]["facts"], v["old"]["facts"]);
    }
    // Across kinds, the edits are still found: the filing of last year's dataset against this
    // year's edited dataset, and the other way round.
    let edited = edited_pair(t.path());
    let v = diff_json(&out.join("report.xbrl"), &edited);
    assert_eq!(summary(&v), [3, 1, 0, 0], "{v}");
    let v = diff_json(&edited, &out.join("report.json"));
    assert_eq!(summary(&v), [3, 1, 0, 0], "{v}");
    assert_eq!(rows(&v, "restated"), vec![row("esgx:EnergyConsumption", "FY2022", "", "1,602.95", "1,620.95")]);
}

#[test]
fn another_entity_is_said_once() {
    let t = tempfile::tempdir().unwrap();
    let mut doc = qifu_doc();
    doc["entity"]["identifier"]["value"] = "9999".into();
    let other = write(t.path(), "other.json", &doc);
    let v = diff_json(&qifu(), &other);
    assert_eq!(summary(&v), [0, 0, 0, 0]);
    assert_eq!(v["entity"]["old"], "https://esgx.dev/id/hkex-stock-code 3660");
    assert_eq!(v["entity"]["new"], "https://esgx.dev/id/hkex-stock-code 9999");
    let h = diff(&qifu(), &other, &["--fail-on-change"]);
    assert_eq!(h.code, 1);
    assert_eq!(h.stdout.matches("entity:").count(), 1, "{}", h.stdout);
}

#[test]
fn unreadable_inputs_are_usage_errors_and_unmapped_records_are_left_out() {
    let t = tempfile::tempdir().unwrap();
    let missing = diff(&qifu(), &t.path().join("nope.json"), &[]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("cannot read"), "{}", missing.stderr);
    assert!(missing.stdout.is_empty());

    let broken = t.path().join("broken.json");
    std::fs::write(&broken, "{\"facts\": [").unwrap();
    let r = diff(&broken, &qifu(), &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("E0003") && r.stderr.contains("cannot be compared"), "{}", r.stderr);
    assert!(r.stdout.is_empty());

    // A record naming an unknown concept: the rest is compared, and stderr says so.
    let mut doc = qifu_doc();
    let i = find(&doc, "WaterConsumptionPerEmployee", "FY2022", &[]);
    doc["facts"][i]["concept"] = "WaterConsumptionPerEmploye".into();
    let typo = write(t.path(), "typo.json", &doc);
    let r = diff(&qifu(), &typo, &["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("E0210") && r.stderr.contains("left out of the comparison"), "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(summary(&v), [0, 0, 0, 1]);
    assert_eq!(rows(&v, "removed"), vec![row("esgx:WaterConsumptionPerEmployee", "FY2022", "", "38.31", "")]);
}

#[test]
fn year_end_restatements_text_and_omissions() {
    let t = tempfile::tempdir().unwrap();
    let mut doc = qifu_doc();
    // A point-in-time figure at the end of the prior year is a restatement too.
    set(&mut doc, "NumberOfEmployees", "FY2022", &[("GenderAxis", "MaleMember")], "1,255");
    // Text: reflowed whitespace is no change, other words are.
    let i = find(&doc, "BoardStatementOnEsgGovernanceExplanatory", "FY2023", &[]);
    let reflowed = doc["facts"][i]["value"].as_str().unwrap().replacen(' ', " \n  ", 3);
    doc["facts"][i]["value"] = reflowed.into();
    let i = find(&doc, "ReportingPrincipleMaterialityExplanatory", "FY2023", &[]);
    let reworded = doc["facts"][i]["value"].as_str().unwrap().replacen("Importance:", "Materiality:", 1);
    doc["facts"][i]["value"] = reworded.clone().into();
    // An explained omission (nil) that becomes a figure.
    let i = find(&doc, "PercentageOfProductsRecalled", "FY2023", &[]);
    let f = doc["facts"][i].as_object_mut().unwrap();
    f.remove("omission");
    f.insert("value".into(), "0%".into());
    f.insert("unit".into(), "pure".into());
    let new = write(t.path(), "new.json", &doc);

    let r = diff(&qifu(), &new, &["--format", "json"]);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    follows_schema(&v);
    assert_eq!(summary(&v), [2, 1, 0, 0], "{v}");
    let changed = rows(&v, "changed");
    assert_eq!(changed[0], row("esgx:PercentageOfProductsRecalled", "FY2023", "", "nil", "0%"));
    let (c, p, m, old, new) = &changed[1];
    assert_eq!((c.as_str(), p.as_str(), m.as_str()), ("esgx:ReportingPrincipleMaterialityExplanatory", "FY2023", ""));
    assert!(old.starts_with("\"Importance:") && new.starts_with("\"Materiality:"), "{old} → {new}");
    assert_eq!(v["changed"][0]["old"][0]["value"], Value::Null);
    assert_eq!(v["changed"][1]["new"][0]["value"], reworded);
    assert_eq!(
        rows(&v, "restated"),
        vec![row("esgx:NumberOfEmployees", "end of FY2022", "esgx:MaleMember", "1,253", "1,255")]
    );
    assert_eq!(v["restated"][0]["period"], "2022-12-31");
}

#[test]
fn markdown_tables_stay_short_enough_for_a_comment() {
    // Two unrelated datasets: everything is added or removed, and the entity differs.
    let fy2025 = repo().join("examples/fy2025-example/dataset.json");
    let v = diff_json(&qifu(), &fy2025);
    let [_, _, added, removed] = summary(&v);
    assert!(added > 100 && removed > 100, "{added} added, {removed} removed");
    assert!(!v["entity"].is_null());
    let md = diff(&qifu(), &fy2025, &["--format", "markdown"]).stdout;
    let tables = markdown_tables(&md);
    assert_eq!(
        tables.iter().map(|(t, rows)| (t.as_str(), rows.len())).collect::<Vec<_>>(),
        [(format!("Added ({added})").as_str(), 100), (format!("Removed ({removed})").as_str(), 100)]
    );
    assert!(md.contains(&format!("…and {} more", added - 100)), "{md}");
    assert!(md.contains(&format!("…and {} more", removed - 100)), "{md}");
    // The human output lists everything.
    let human = diff(&qifu(), &fy2025, &[]).stdout;
    assert_eq!(human.lines().filter(|l| l.starts_with("      new: ")).count() as u64, added);
}
