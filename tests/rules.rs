//! The validator's rule families on small datasets seeded with one known fault each, and on the
//! bundled datasets: the Qifu 2023 report's own contradictions, and a clean FY2025 example.

mod common;
use common::*;
use serde_json::{Value, json};

fn dataset(facts: Vec<Value>) -> Value {
    let mut v: Value = serde_json::from_slice(&std::fs::read(data("minimal.json")).unwrap()).unwrap();
    v["periods"]["FY2023"] = json!({"start": "2023-01-01", "end": "2023-12-31"});
    v["facts"] = Value::Array(facts);
    v
}

fn fact(concept: &str, value: &str, period: &str, dims: Value) -> Value {
    let mut f =
        json!({"concept": concept, "value": value, "period": period, "source": {"document": "ar", "section": "test"}});
    if dims.as_object().is_some_and(|o| !o.is_empty()) {
        f["dimensions"] = dims;
    }
    f
}

/// Validate a dataset; return the codes of its warnings and errors.
fn codes(v: &Value) -> Vec<String> {
    let t = tempfile::tempdir().unwrap();
    let p = t.path().join("d.json");
    std::fs::write(&p, serde_json::to_vec(v).unwrap()).unwrap();
    let out = esgx().arg("validate").arg(&p).args(["--format", "json", "--fail-on", "never"]).output().unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    r["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] != "info" && !d["code"].as_str().unwrap().starts_with("W06"))
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

fn employees(total: &str, female: &str, male: &str) -> Vec<Value> {
    vec![
        fact("NumberOfEmployees", total, "FY2024", json!({})),
        fact("NumberOfEmployees", female, "FY2024", json!({"GenderAxis": "FemaleMember"})),
        fact("NumberOfEmployees", male, "FY2024", json!({"GenderAxis": "MaleMember"})),
    ]
}

#[test]
fn breakdowns_must_fit_their_total() {
    assert!(codes(&dataset(employees("100", "40", "60"))).is_empty());
    assert_eq!(codes(&dataset(employees("100", "40", "70"))), ["W0308"]);
}

#[test]
fn intensities_must_equal_numerator_over_denominator() {
    let mut f = employees("100", "40", "60");
    f.push(fact("GhgEmissionsScope1And2", "250", "FY2024", json!({})));
    f.push(fact("GhgEmissionsScope1And2PerEmployee", "2.50", "FY2024", json!({})));
    assert!(codes(&dataset(f.clone())).is_empty());
    f[4] = fact("GhgEmissionsScope1And2PerEmployee", "2.60", "FY2024", json!({}));
    assert_eq!(codes(&dataset(f)), ["W0302"]);
}

#[test]
fn rates_must_agree_with_their_breakdowns() {
    let mut f = employees("100", "40", "60");
    f.push(fact("EmployeeTurnoverRate", "16%", "FY2024", json!({})));
    f.push(fact("EmployeeTurnoverRate", "10%", "FY2024", json!({"GenderAxis": "FemaleMember"})));
    f.push(fact("EmployeeTurnoverRate", "20%", "FY2024", json!({"GenderAxis": "MaleMember"})));
    assert!(codes(&dataset(f.clone())).is_empty(), "0.4 × 10% + 0.6 × 20% = 16%");
    f[3] = fact("EmployeeTurnoverRate", "19%", "FY2024", json!({}));
    assert_eq!(codes(&dataset(f)), ["W0303"]);
}

#[test]
fn calculation_inconsistencies_and_differing_duplicates_are_found() {
    let f = vec![
        fact("GhgEmissionsScope1", "10", "FY2024", json!({})),
        fact("GhgEmissionsScope2", "20", "FY2024", json!({})),
        fact("GhgEmissionsScope1And2", "35", "FY2024", json!({})),
    ];
    assert_eq!(codes(&dataset(f)), ["W0301"]);
    let f = vec![
        fact("GhgEmissionsScope1", "10", "FY2024", json!({})),
        fact("GhgEmissionsScope1", "12", "FY2024", json!({})),
    ];
    assert_eq!(codes(&dataset(f)), ["E0401"]);
    let f = vec![
        fact("GhgEmissionsScope1", "10", "FY2024", json!({})),
        fact("GhgEmissionsScope1", "12", "FY2024", json!({"StatementAxis": "OtherStatementMember"})),
    ];
    assert_eq!(codes(&dataset(f)), ["W0402"]);
}

#[test]
fn implausible_figures_are_pointed_out() {
    assert_eq!(codes(&dataset(vec![fact("GhgEmissionsScope1", "-5", "FY2024", json!({}))])), ["W0501"]);
    assert_eq!(codes(&dataset(vec![fact("EmployeeTurnoverRate", "1.5", "FY2024", json!({}))])), ["W0502"]);
    let mwh = |v: &str, p: &str| {
        let mut f = fact("EnergyConsumptionElectricity", v, p, json!({}));
        f["unit"] = "MWh".into();
        f
    };
    let f = vec![
        fact("GhgEmissionsScope2", "100", "FY2023", json!({})),
        fact("GhgEmissionsScope2", "120", "FY2024", json!({})),
        mwh("200", "FY2023"),
        mwh("150", "FY2024"),
    ];
    assert_eq!(codes(&dataset(f)), ["W0504"], "emissions up while the electricity behind them falls");
}

/// The report's own contradictions, found by the rules (see examples/qifu-2023/NOTES.md).
#[test]
fn the_qifu_report_contradictions_are_found_with_both_sources() {
    let out = esgx().args(["validate", "--example", "qifu-2023", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "source contradictions are warnings, not errors");
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let diags = r["diagnostics"].as_array().unwrap();
    let find = |code: &str, needle: &str| {
        diags
            .iter()
            .find(|d| d["code"] == code && d["message"].as_str().unwrap().contains(needle))
            .unwrap_or_else(|| panic!("no {code} about {needle}"))
    };
    // Water per employee: 24.21 in the body (line 952) against 20.07 in the appendix (line 1161);
    // 62,634 t ÷ 3,121 employees = 20.07.
    let w = find("W0402", "WaterConsumptionPerEmployee")["message"].as_str().unwrap().to_string();
    assert!(w.contains("20.07") && w.contains("24.21") && w.contains("line 952") && w.contains("line 1161"), "{w}");
    // The JSON output carries the figures and sources of the facts involved.
    let facts = &r["facts"];
    let body = facts.as_object().unwrap().values().find(|f| f["value"] == "24.21").expect("the 24.21 fact is listed");
    assert_eq!(body["source"]["line"], 952);
    assert_eq!(body["concept"], "esgx:WaterConsumptionPerEmployee");
    let i = find("W0302", "24.21")["message"].as_str().unwrap().to_string();
    assert!(i.contains("62,634") && i.contains("3,121") && i.contains("20.07"), "{i}");
    // Stated year-on-year changes that are not the intensities' changes.
    find("W0307", "DecreaseInWaterConsumptionIntensity");
    find("W0307", "DecreaseInElectricityConsumptionIntensity");
    // Breakdowns that disagree with each other or with their total.
    find("W0303", "EmployeeTurnoverRate");
    find("W0305", "PercentageOfEmployeesTrained for FY2023");
    find("W0305", "AverageTrainingHoursPerEmployee for FY2023");
    // Emissions rising while the energy behind them falls.
    find("W0504", "GhgEmissionsScope2");
    // And the export still succeeds, with these findings in the manifest.
    let t = tempfile::tempdir().unwrap();
    esgx().args(["export", "--example", "qifu-2023", "--out"]).arg(t.path()).assert().success();
    let m = json(&t.path().join("manifest.json"));
    assert!(m["validation"]["warnings"].as_u64().unwrap() >= 9);
}

#[test]
fn the_fy2025_example_is_clean() {
    let p = repo().join("examples/fy2025-example/dataset.json");
    let out = esgx().arg("validate").arg(&p).args(["--format", "json", "--fail-on", "warning"]).output().unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", r["diagnostics"]);
    assert_eq!(r["framework"], "hkex-esg-code-2025");
    assert!(r["coverage"].as_array().unwrap().iter().all(|c| c["status"] != "missing"));
    assert!(r["coverage"].as_array().unwrap().iter().any(|c| c["code"] == "D-MT-SCOPE3" && c["status"] == "reported"));
}
