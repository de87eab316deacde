//! Issue 7, what a preparer reads at first sight: did-you-mean for concepts, axes, members and
//! units in a dataset; `esgx taxonomy show` and `list --search` for all four kinds; and the
//! template's "change me" placeholders left in a dataset (W0205).

mod common;
use common::*;
use esgx::diag::Diagnostic;
use serde_json::{Value, json};

fn taxonomy() -> esgx::taxonomy::Taxonomy {
    esgx::taxonomy::Taxonomy::bundled("hkex-esg").unwrap()
}

/// Map the fictitious FY2025 example with `facts` instead of its own; the findings.
fn map_facts(facts: Vec<Value>) -> Vec<Diagnostic> {
    let mut doc = json(&repo().join("examples/fy2025-example/dataset.json"));
    doc["facts"] = Value::Array(facts);
    let ds = esgx::dataset::from_json_bytes("d.json", serde_json::to_vec(&doc).unwrap()).unwrap();
    esgx::map::map(&ds, &taxonomy()).1
}

fn employees(dimensions: Value) -> Value {
    json!({"concept": "NumberOfEmployees", "value": "10", "period": "FY2025", "dimensions": dimensions,
           "source": {"document": "example"}})
}

fn scope1(unit: &str) -> Value {
    json!({"concept": "GhgEmissionsScope1", "value": "1.5", "unit": unit, "period": "FY2025",
           "source": {"document": "example"}})
}

/// The one finding at a fact's field (a JSON pointer under /facts/N), its code and hint.
fn at<'d>(diags: &'d [Diagnostic], pointer: &str) -> (&'d str, &'d str) {
    let found: Vec<&Diagnostic> = diags.iter().filter(|d| d.location.pointer.as_deref() == Some(pointer)).collect();
    assert_eq!(found.len(), 1, "one finding at {pointer}: {diags:#?}");
    (found[0].code.as_str(), found[0].hint.as_deref().unwrap_or(""))
}

#[test]
fn a_preparers_mistakes_get_the_intended_name_suggested() {
    let diags = map_facts(vec![
        employees(json!({"GenderAxis": "femalemember"})),    // 0: wrong case
        employees(json!({"GenderAxis": "Female"})),          // 1: no Member suffix
        employees(json!({"GenderAxis": "FemaleMembr"})),     // 2: typo
        employees(json!({"GenderAxis": "女性"})),            // 3: Chinese label
        employees(json!({"AgeGroupAxis": "Under 30"})),      // 4: English label
        employees(json!({"Gender": "FemaleMember"})),        // 5: no Axis suffix
        employees(json!({"GenderAxis": "FullTimeMember"})),  // 6: a member of another axis
        employees(json!({"RegionAxis": "EastChinaMember"})), // 7: a company's own member
        employees(json!({"Sex": "FemaleMember"})),           // 8: an axis named like none, its member known
        scope1("tco2e"),                                     // 9: unit, wrong case
        scope1("tCO2"),                                      // 10: unit, typo
        scope1("kg"),                                        // 11: unit, nothing close
        json!({"concept": "ghgemissionsscope2", "value": "1", "unit": "tCO2e", "period": "FY2025",
               "source": {"document": "example"}}), // 12: concept, wrong case
    ]);
    let member = |i: usize, axis: &str| at(&diags, &format!("/facts/{i}/dimensions/{axis}"));
    for (i, axis, want) in [
        (0, "GenderAxis", "FemaleMember"),
        (1, "GenderAxis", "FemaleMember"),
        (2, "GenderAxis", "FemaleMember"),
        (3, "GenderAxis", "FemaleMember"),
        (4, "AgeGroupAxis", "AgeUnder30Member"),
    ] {
        let (code, hint) = member(i, axis);
        assert_eq!(code, "E0219");
        assert!(hint.starts_with(&format!("did you mean {want:?}?")), "fact {i}: {hint}");
        assert!(!hint.contains("extensions"), "fact {i}: a taxonomy member is no company extension: {hint}");
    }
    let (code, hint) = member(5, "Gender");
    assert_eq!(code, "E0217");
    assert!(hint.starts_with("did you mean \"GenderAxis\"?"), "{hint}");
    let (_, hint) = member(6, "GenderAxis");
    assert!(hint.contains("did you mean \"FullTimeMember\" on EmploymentTypeAxis"), "{hint}");
    let (code, hint) = member(7, "RegionAxis");
    assert_eq!(code, "E0219");
    assert!(!hint.contains("did you mean"), "{hint}");
    assert!(hint.contains("RegionAxis has ChinaMember, OutsideChinaMember"), "{hint}");
    assert!(hint.contains("extensions.members"), "{hint}");
    let (code, hint) = member(8, "Sex");
    assert_eq!(code, "E0217");
    assert!(hint.contains("FemaleMember is a member of GenderAxis: did you mean \"GenderAxis\"?"), "{hint}");
    for i in [9, 10] {
        let (code, hint) = at(&diags, &format!("/facts/{i}/unit"));
        assert_eq!(code, "E0215");
        assert!(hint.starts_with("did you mean \"tCO2e\"?"), "fact {i}: {hint}");
    }
    let (_, hint) = at(&diags, "/facts/11/unit");
    assert_eq!(hint, "GhgEmissionsScope1 accepts tCO2e");
    let (code, hint) = at(&diags, "/facts/12/concept");
    assert_eq!(code, "E0210");
    assert!(hint.starts_with("did you mean \"GhgEmissionsScope2\"?"), "{hint}");
}

#[test]
fn a_kpi_code_in_place_of_a_concept_names_the_concepts_that_report_it() {
    let fact = |concept: &str| json!({"concept": concept, "value": "1", "period": "FY2025", "source": {"document": "example"}});
    let diags = map_facts(vec![fact("b1.1"), fact("a1"), fact("Z9.9")]);
    let (code, hint) = at(&diags, "/facts/0/concept");
    assert_eq!(code, "E0210");
    assert!(hint.starts_with("b1.1 is an HKEX code, not a concept: it is reported as "), "{hint}");
    assert!(hint.contains("NumberOfEmployees"), "{hint}");
    let (_, hint) = at(&diags, "/facts/1/concept");
    assert!(hint.contains("`esgx taxonomy list --kpi a1` lists its concepts"), "{hint}");
    let (_, hint) = at(&diags, "/facts/2/concept");
    assert_eq!(hint, "`esgx taxonomy list` shows the concepts");
}

fn show(args: &[&str]) -> (i32, String, String) {
    let out = esgx().arg("taxonomy").args(args).output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).to_string();
    (out.status.code().unwrap(), text(&out.stdout), text(&out.stderr))
}

fn show_json(name: &str) -> Value {
    let (code, out, err) = show(&["show", name, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn show_answers_for_axes_members_and_units() {
    let axis = show_json("GenderAxis");
    assert_eq!(axis["kind"], "axis");
    assert_eq!(axis["partition"], true);
    assert_eq!(axis["domain"]["name"], "AllGendersMember");
    let members: Vec<&str> =
        axis["domain"]["members"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
    assert_eq!(members, ["FemaleMember", "MaleMember", "OtherGenderMember"]);
    assert!(axis["concepts"].as_array().unwrap().iter().any(|c| c == "NumberOfEmployees"), "{axis}");
    assert!(!axis["concepts"].as_array().unwrap().iter().any(|c| c == "GhgEmissionsScope1"), "{axis}");

    let member = show_json("female"); // an alias
    assert_eq!(member["kind"], "member");
    assert_eq!(member["name"], "FemaleMember");
    assert_eq!(member["axis"], "GenderAxis");
    assert_eq!(member["parent"], "AllGendersMember");
    assert_eq!(member["labels"]["zh-Hant"], "女性 [成員]");
    let domain = show_json("AllGendersMember");
    assert_eq!(domain["default"], true);
    assert_eq!(domain["parent"], Value::Null);

    let unit = show_json("tCO2e");
    assert_eq!(unit["kind"], "unit");
    assert_eq!(unit["numerator"], json!(["utr:tCO2e"]));
    assert_eq!(unit["types"][0]["type"], "dtr-types:ghgEmissionsItemType");
    assert!(unit["types"][0]["concepts"].as_array().unwrap().iter().any(|c| c == "GhgEmissionsScope1"));
    let divide = show_json("t_per_employee");
    assert_eq!(divide["denominator"], json!(["esgx:Employee"]));

    assert_eq!(show_json("GhgEmissionsScope1")["kind"], "concept");

    let (code, text, _) = show(&["show", "GenderAxis"]);
    assert_eq!(code, 0);
    assert!(text.starts_with("esgx:GenderAxis (axis)\n"), "{text}");
    assert!(text.contains("\n    AllGendersMember  All genders [member]"), "{text}");
    assert!(text.contains("\n      FemaleMember  Female [member]\n"), "members nest under the total: {text}");
    assert!(text.contains("used by: NumberOfDirectors, NumberOfEmployees"), "{text}");
    let (_, text, _) = show(&["show", "StatementAxis"]);
    assert!(text.contains("used by: every numeric concept"), "{text}");
    let (_, text, _) = show(&["show", "MaleMember"]);
    assert!(text.contains("axis: GenderAxis") && text.contains("parent: AllGendersMember"), "{text}");
    let (_, text, _) = show(&["show", "MWh"]);
    assert!(text.starts_with("MWh (unit)\n") && text.contains("measure: utr:MWh"), "{text}");
}

#[test]
fn show_suggests_across_the_four_kinds() {
    for (wrong, want) in [
        ("femalemember", "did you mean \"FemaleMember\" (a member of GenderAxis)?"),
        ("Gendr", "did you mean \"GenderAxis\" (an axis)?"),
        ("tco2e", "did you mean \"tCO2e\" (a unit)?"),
        ("GhgEmissionScope1", "did you mean \"GhgEmissionsScope1\" (a concept)?"),
    ] {
        let (code, out, err) = show(&["show", wrong]);
        assert_eq!(code, 1, "{wrong}");
        assert!(out.is_empty());
        assert!(err.contains(want), "{wrong}: {err}");
    }
    let (code, _, err) = show(&["show", "Banana"]);
    assert_eq!(code, 1);
    assert!(!err.contains("did you mean"), "{err}");
}

#[test]
fn list_search_finds_axes_members_and_units_marked_by_kind() {
    let (code, text, _) = show(&["list", "--search", "女性"]);
    assert_eq!(code, 0);
    assert!(text.contains("members:\nFemaleMember "), "{text}");
    let (_, text, _) = show(&["list", "--search", "性別"]);
    assert!(text.contains("axes:\nGenderAxis "), "{text}");
    let (_, text, _) = show(&["list", "--search", "employee"]);
    assert!(text.starts_with("concepts:\n"), "concepts and units found together are headed: {text}");
    assert!(text.contains("\nunits:\n") && text.contains("t_per_employee"), "{text}");
    // Only concepts: the listing is as it always was, without headings.
    let (_, text, _) = show(&["list", "--search", "turnover"]);
    assert!(text.contains("EmployeeTurnoverRate") && !text.contains("concepts:"), "{text}");

    let (_, out, _) = show(&["list", "--search", "female", "--format", "json"]);
    let v: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert!(v.iter().any(|i| i["kind"] == "member" && i["name"] == "FemaleMember"), "{out}");
    assert!(v.iter().all(|i| i["kind"].is_string()), "every item says its kind");
}

#[test]
fn kpi_codes_match_in_any_case() {
    let (code, lower, _) = show(&["list", "--kpi", "b1.1"]);
    assert_eq!(code, 0);
    let (_, upper, _) = show(&["list", "--kpi", "B1.1"]);
    assert_eq!(lower, upper);
    assert!(lower.contains("NumberOfEmployees"));
    let (_, aspect, _) = show(&["list", "--kpi", "b1"]);
    assert!(aspect.contains("EmployeeTurnoverRate"), "{aspect}");
}

/// Every finding with this code anywhere in a JSON rendering, whatever its shape.
fn findings<'v>(v: &'v Value, code: &str, out: &mut Vec<&'v Value>) {
    match v {
        Value::Object(o) => {
            if o.get("code").and_then(Value::as_str) == Some(code) {
                out.push(v);
            }
            o.values().for_each(|x| findings(x, code, out));
        }
        Value::Array(a) => a.iter().for_each(|x| findings(x, code, out)),
        _ => {}
    }
}

fn validate_w0205(path: &std::path::Path) -> Vec<Value> {
    let out = esgx().args(["validate", "--format", "json"]).arg(path).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut found = Vec::new();
    findings(&v, "W0205", &mut found);
    found.into_iter().cloned().collect()
}

#[test]
fn the_templates_placeholders_are_a_warning_in_validate_and_export() {
    let t = tempfile::tempdir().unwrap();
    esgx().args(["taxonomy", "template", "--out"]).arg(t.path()).assert().success();

    let found = validate_w0205(&t.path().join("template.json"));
    let pointers: Vec<&str> = found.iter().map(|d| d["location"]["pointer"].as_str().unwrap()).collect();
    assert_eq!(pointers, ["/entity/name", "/entity/identifier/value", "/sources/0/title"]);
    assert!(
        found.iter().all(|d| d["severity"] == "warning" && d["hint"].as_str().is_some_and(|h| h.starts_with("write ")))
    );
    assert!(found[0]["message"].as_str().unwrap().contains("\"Your company (change me)\""), "{:?}", found[0]);
    assert!(found.iter().all(|d| d["location"]["line"].as_u64().is_some()), "each placeholder has its line");

    // The CSV form: the placeholders sit in the metadata beside it.
    let found = validate_w0205(&t.path().join("template.csv"));
    assert_eq!(found.len(), 3);
    assert!(found.iter().all(|d| d["location"]["file"].as_str().unwrap().ends_with("template.meta.json")), "{found:?}");

    let out = esgx()
        .args(["export", "--out"])
        .arg(t.path().join("out"))
        .arg(t.path().join("template.json"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("W0205").count(), 3, "{err}");

    // Filled in, they are gone; a name that merely contains the letters is no placeholder.
    let mut doc = json(&t.path().join("template.json"));
    doc["entity"]["name"] = json!("Exchange Media Ltd");
    doc["entity"]["identifier"]["value"] = json!("ExchangeMediaLtd");
    doc["sources"][0]["title"] = json!("Exchange Media ESG Report 2025");
    let filled = t.path().join("filled.json");
    std::fs::write(&filled, serde_json::to_vec(&doc).unwrap()).unwrap();
    assert!(validate_w0205(&filled).is_empty());
}

#[test]
fn the_bundled_examples_have_no_placeholders() {
    for p in
        ["examples/fy2025-example/dataset.json", "examples/qifu-2023/dataset.json", "examples/qifu-2023/dataset.csv"]
    {
        assert!(validate_w0205(&repo().join(p)).is_empty(), "{p}");
    }
}

#[test]
fn a_csv_datasets_header_findings_point_into_its_metadata() {
    let t = tempfile::tempdir().unwrap();
    esgx().args(["taxonomy", "template", "--out"]).arg(t.path()).assert().success();
    let meta = t.path().join("template.meta.json");
    let mut doc = json(&meta);
    doc["framework"] = json!("no-such-framework");
    std::fs::write(&meta, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    let out = esgx().args(["validate", "--format", "json"]).arg(t.path().join("template.csv")).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut found = Vec::new();
    findings(&v, "E0202", &mut found);
    assert_eq!(found.len(), 1, "{v}");
    assert!(found[0]["location"]["file"].as_str().unwrap().ends_with("template.meta.json"), "{v}");
    assert_eq!(found[0]["location"]["pointer"], "/framework");
}
