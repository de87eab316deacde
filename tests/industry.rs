//! A taxonomy for every industry: the manufacturer example, its breakdowns, intensities, rates
//! with their counts, and a company extension with axes, units and nested members of its own.

mod common;
use common::*;
use serde_json::{Value, json};
use std::path::Path;

const LANTERN: &str = "examples/lantern-bay-2024/dataset.json";

fn lantern() -> Value {
    json(&repo().join(LANTERN))
}

/// Validate a dataset document; its findings as (code, the concept of its first fact).
fn findings(doc: &Value) -> Vec<(String, String)> {
    let t = tempfile::tempdir().unwrap();
    let p = t.path().join("d.json");
    std::fs::write(&p, serde_json::to_vec(doc).unwrap()).unwrap();
    findings_of(&p)
}

fn findings_of(p: &Path) -> Vec<(String, String)> {
    let out = esgx().arg("validate").arg(p).args(["--format", "json", "--fail-on", "never"]).output().unwrap();
    let r: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    r["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let first = d["facts"].get(0).and_then(|id| r["facts"][id.as_str().unwrap()]["concept"].as_str());
            (d["code"].as_str().unwrap().to_string(), first.unwrap_or("").to_string())
        })
        .collect()
}

/// Set the value of the one fact of `concept` in `period` with exactly these dimensions.
fn set(doc: &mut Value, concept: &str, period: &str, dims: Value, value: &str) {
    let facts = doc["facts"].as_array_mut().unwrap();
    let hits: Vec<&mut Value> = facts
        .iter_mut()
        .filter(|f| {
            f["concept"] == concept
                && f["period"] == period
                && f.get("dimensions").cloned().unwrap_or(json!({})) == dims
        })
        .collect();
    assert_eq!(hits.len(), 1, "{concept} {period} {dims}");
    for f in hits {
        f["value"] = json!(value);
    }
}

#[test]
fn the_manufacturer_example_has_no_findings_and_covers_every_requirement() {
    let out = esgx().args(["validate", "--example", "lantern-bay-2024", "--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["diagnostics"].as_array().unwrap().len(), 0, "{}", r["diagnostics"]);
    let coverage = r["coverage"].as_array().unwrap();
    assert!(!coverage.is_empty());
    assert!(coverage.iter().all(|row| row["status"] == "reported"), "{coverage:?}");
    // At most three company concepts; they use an axis, a unit and members of the company's own.
    let ext = &lantern()["extensions"];
    assert!(ext["concepts"].as_array().unwrap().len() <= 3);
    assert_eq!(ext["axes"][0]["name"], "PlantAxis");
    assert_eq!(ext["units"][0]["id"], "pallet");
}

#[test]
fn a_wrong_fuel_breakdown_gives_one_finding() {
    let mut doc = lantern();
    let diesel = json!({"FuelTypeAxis": "DieselMember"});
    set(&mut doc, "GhgEmissionsScope1", "FY2024", diesel, "700.0");
    assert_eq!(findings(&doc), [("W0308".to_string(), "esgx:GhgEmissionsScope1".to_string())]);
}

#[test]
fn a_wrong_per_tonne_intensity_gives_one_finding() {
    let mut doc = lantern();
    set(&mut doc, "GhgEmissionsScope1And2PerTonneOfProduct", "FY2024", json!({}), "0.45");
    assert_eq!(findings(&doc), [("W0302".to_string(), "esgx:GhgEmissionsScope1And2PerTonneOfProduct".to_string())]);
}

#[test]
fn a_turnover_rate_that_contradicts_its_leavers_gives_one_finding() {
    let mut doc = lantern();
    set(&mut doc, "EmployeeTurnoverRate", "FY2024", json!({}), "17%");
    assert_eq!(findings(&doc), [("W0302".to_string(), "esgx:EmployeeTurnoverRate".to_string())]);
}

#[test]
fn rates_are_checked_against_the_counts_behind_them() {
    // Each of these contradicts its counts (trained / headcount, hours / headcount, recalled /
    // shipped) and nothing else.
    for (concept, dims, value) in [
        ("PercentageOfEmployeesTrained", json!({"GenderAxis": "MaleMember"}), "90%"),
        ("AverageTrainingHoursPerEmployee", json!({}), "26.0"),
        ("PercentageOfProductsRecalled", json!({}), "1%"),
        ("LostDaysDueToWorkInjuryPerEmployee", json!({}), "0.25"),
    ] {
        let mut doc = lantern();
        set(&mut doc, concept, "FY2024", dims, value);
        let found = findings(&doc);
        assert!(found.contains(&("W0302".to_string(), format!("esgx:{concept}"))), "{concept}: {found:?}");
    }
}

#[test]
fn intensities_convert_between_units_of_one_kind() {
    // Hazardous waste in tonnes, its intensity in kg per tonne: 40,000 kg / 48,000 t = 0.83.
    let mut doc = lantern();
    set(&mut doc, "HazardousWasteProducedPerTonneOfProduct", "FY2024", json!({}), "0.00083");
    let found: Vec<_> = findings(&doc).into_iter().filter(|(code, _)| !code.starts_with('I')).collect();
    assert_eq!(found, [("W0302".to_string(), "esgx:HazardousWasteProducedPerTonneOfProduct".to_string())]);
    // The same intensity stated in tonnes per tonne agrees too: 1,445 t / 48,000 t = 0.0301.
    let mut doc = lantern();
    for f in doc["facts"].as_array_mut().unwrap() {
        if f["concept"] == "PackagingMaterialPerTonneOfProduct" && f["period"] == "FY2024" {
            f["value"] = json!("0.0301");
            f["unit"] = json!("t_per_t");
        }
    }
    let found: Vec<_> = findings(&doc).into_iter().filter(|(code, _)| code.starts_with("W03")).collect();
    assert_eq!(found, []);
}

#[test]
fn company_members_are_added_up_when_their_base_subtotal_is_not_reported() {
    // Corrugator trim and make-ready waste sit under "paper and cardboard", which the example does
    // not report: their sum still has to fit within the total.
    let mut doc = lantern();
    let trim = json!({"NonHazardousWasteTypeAxis": "CorrugatorTrimMember"});
    set(&mut doc, "NonHazardousWasteProduced", "FY2024", trim, "2,800.0");
    assert_eq!(findings(&doc), [("W0308".to_string(), "esgx:NonHazardousWasteProduced".to_string())]);
}

#[test]
fn a_member_whose_children_split_it_is_checked_exactly() {
    // Incinerated = with + without energy recovery (a member declared as split by its children):
    // with both children and every other treatment reported, the treatments must make the total.
    let mut doc = lantern();
    let facts = doc["facts"].as_array_mut().unwrap();
    let add = |m: &str, v: &str| {
        json!({"concept": "NonHazardousWasteProduced", "value": v, "unit": "t", "period": "FY2024",
               "dimensions": {"WasteTreatmentAxis": m}, "source": {"document": "esg2024", "section": "test"}})
    };
    for (m, v) in [
        ("IncineratedWithoutEnergyRecoveryMember", "0"),
        ("CompostedMember", "0"),
        ("TreatedByLicensedCollectorMember", "0"),
        ("OtherDisposalMember", "10.0"),
    ] {
        facts.push(add(m, v));
    }
    // A shortfall only a complete breakdown can see: 3,465.0 + 0 + (55.0 + 0) + 150.0 + 0 + 0 =
    // 3,670.0 against the 3,700.0 total.
    set(&mut doc, "NonHazardousWasteProduced", "FY2024", json!({"WasteTreatmentAxis": "OtherDisposalMember"}), "0");
    set(&mut doc, "NonHazardousWasteProduced", "FY2024", json!({"WasteTreatmentAxis": "LandfilledMember"}), "150.0");
    assert_eq!(findings(&doc), [("W0308".to_string(), "esgx:NonHazardousWasteProduced".to_string())]);
    // Without the "without energy recovery" figure, incineration is only known to be at least
    // 55.0 t, and a shortfall is no finding.
    let facts = doc["facts"].as_array_mut().unwrap();
    facts.retain(|f| f["dimensions"]["WasteTreatmentAxis"] != "IncineratedWithoutEnergyRecoveryMember");
    assert_eq!(findings(&doc), []);
}

#[test]
fn the_manufacturer_export_reads_back_with_its_extension_axis_and_unit() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    esgx().args(["export", "--example", "lantern-bay-2024", "--out"]).arg(&out).assert().success();
    let xsd = std::fs::read_to_string(out.join("taxonomy/lbp-extension.xsd")).unwrap();
    assert!(xsd.contains(r#"name="PlantAxis""#) && xsd.contains("xbrldt:dimensionItem"), "{xsd}");
    let def = std::fs::read_to_string(out.join("taxonomy/lbp-extension-def.xml")).unwrap();
    assert!(def.contains("/role/axis/PlantAxis") && def.contains("dimension-default"));
    // The base taxonomy knows nothing of the extension: it is the same for every filer.
    for f in files(&out.join("taxonomy")).iter().filter(|f| !f.starts_with("lbp-")) {
        let text = std::fs::read_to_string(out.join("taxonomy").join(f)).unwrap();
        assert!(!text.contains("lantern-bay") && !text.contains("PlantAxis"), "{f} refers to the extension");
    }
    let report = json(&out.join("report.json"));
    let pallets = report["facts"]
        .as_object()
        .unwrap()
        .values()
        .filter(|f| f["dimensions"]["concept"] == "lbp:ReusablePalletsInCirculation")
        .collect::<Vec<_>>();
    assert_eq!(pallets.len(), 6);
    assert!(pallets.iter().all(|f| f["dimensions"]["unit"] == "lbp:Pallet"));
    assert!(pallets.iter().any(|f| f["dimensions"]["lbp:PlantAxis"] == "lbp:HarbourPlantMember"));
    for filing in ["report.xbrl", "report.json"] {
        assert_eq!(findings_of(&out.join(filing)), [], "{filing}");
        let d = esgx()
            .arg("diff")
            .arg(repo().join(LANTERN))
            .arg(out.join(filing))
            .arg("--fail-on-change")
            .output()
            .unwrap();
        assert!(d.status.success(), "{}", String::from_utf8_lossy(&d.stdout));
    }
}

#[test]
fn an_extension_axis_or_unit_that_does_not_fit_is_a_clear_error() {
    let mut doc = lantern();
    doc["extensions"]["units"][0]["numerator"] = json!(["nope:Pallet"]);
    let t = tempfile::tempdir().unwrap();
    let p = t.path().join("d.json");
    std::fs::write(&p, serde_json::to_vec(&doc).unwrap()).unwrap();
    let o = esgx().arg("validate").arg(&p).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr).to_string() + &String::from_utf8_lossy(&o.stdout);
    assert!(err.contains("E0105") && err.contains("/extensions/units/0") && err.contains("unknown prefix"), "{err}");

    let mut doc = lantern();
    doc["extensions"]["axes"][0]["members"][0]["name"] = json!("MaleMember");
    std::fs::write(&p, serde_json::to_vec(&doc).unwrap()).unwrap();
    let o = esgx().arg("validate").arg(&p).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr).to_string() + &String::from_utf8_lossy(&o.stdout);
    assert!(err.contains("E0105") && err.contains("/extensions/axes/0") && err.contains("MaleMember"), "{err}");

    let mut doc = lantern();
    doc["extensions"]["axes"][0]["partition"] = json!("yes");
    std::fs::write(&p, serde_json::to_vec(&doc).unwrap()).unwrap();
    let o = esgx().arg("validate").arg(&p).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr).to_string() + &String::from_utf8_lossy(&o.stdout);
    assert!(err.contains("/extensions/axes/0/partition"), "{err}");
}

#[test]
fn every_new_item_is_found_by_its_english_and_chinese_label() {
    for (name, en, zh_hant, zh_hans) in [
        ("EmissionSourceAxis", "Source of emissions", "排放源", "排放源"),
        ("FuelTypeAxis", "Fuel type", "燃料種類", "燃料种类"),
        ("WasteTreatmentAxis", "Waste treatment", "廢棄物處理", "废弃物处理"),
        ("HazardousWasteTypeAxis", "Type of hazardous waste", "有害廢棄物種類", "有害废弃物种类"),
        ("NonHazardousWasteTypeAxis", "Type of non-hazardous waste", "無害廢棄物種類", "无害废弃物种类"),
        ("WaterSourceAxis", "Source of water", "水源", "水源"),
        ("PackagingMaterialAxis", "Packaging material", "包裝材料", "包装材料"),
        ("ProductionVolume", "Production volume by mass", "產量（按重量", "产量（按重量"),
        ("NumberOfUnitsProduced", "units produced", "生產單位數目", "生产单位数目"),
        ("FloorArea", "Floor area", "樓面面積", "楼面面积"),
        ("GhgEmissionsScope1And2PerTonneOfProduct", "per tonne of product", "每噸產品的溫室氣體", "每吨产品的温室气体"),
        (
            "EnergyConsumptionPerTonneOfProduct",
            "Energy consumption per tonne",
            "每噸產品的能源消耗量",
            "每吨产品的能源消耗量",
        ),
        (
            "WaterConsumptionPerFloorArea",
            "Water consumption per square metre",
            "每平方米樓面面積的耗水量",
            "每平方米楼面面积的耗水量",
        ),
        ("NumberOfEmployeesWhoLeft", "employees who left", "離職僱員人數", "离职雇员人数"),
        ("NumberOfEmployeesTrained", "Number of employees trained", "受訓僱員人數", "受训雇员人数"),
        ("TotalTrainingHours", "Total training hours", "完成受訓的總時數", "完成受训的总时数"),
        ("NumberOfProductsRecalled", "Products recalled", "須回收的產品數量", "须回收的产品数量"),
        ("NumberOfProductsSoldOrShipped", "Products sold or shipped", "已售或已運送產品總數", "已售或已运送产品总数"),
        ("GhgEmissionsScope2MarketBased", "market-based", "市場", "市场"),
        ("StationaryCombustionMember", "Stationary combustion", "固定燃燒源", "固定燃烧源"),
        ("LandfilledMember", "Landfilled", "堆填", "填埋"),
    ] {
        for label in [en, zh_hant, zh_hans] {
            let o = esgx().args(["taxonomy", "list", "--search", label]).output().unwrap();
            let text = String::from_utf8_lossy(&o.stdout);
            assert!(o.status.success() && text.contains(name), "{label:?} does not find {name}:\n{text}");
        }
        let o = esgx().args(["taxonomy", "show", name]).output().unwrap();
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(o.status.success() && text.contains(zh_hant) && text.contains(zh_hans), "{name}:\n{text}");
    }
}

#[test]
fn every_base_concept_has_three_labels_and_an_hkex_reference_unless_it_is_a_board_or_revenue_figure() {
    let o = esgx().args(["taxonomy", "list", "--format", "json"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for file in std::fs::read_dir(repo().join("taxonomy/hkex-esg/concepts")).unwrap().flatten() {
        let doc = json(&file.path());
        for c in doc["concepts"].as_array().unwrap() {
            let name = c["name"].as_str().unwrap();
            for lang in ["en", "zh-Hant", "zh-Hans"] {
                assert!(c["labels"][lang].as_str().is_some_and(|l| !l.is_empty()), "{name} has no {lang} label");
            }
            if !matches!(name, "Revenue" | "NumberOfDirectors" | "NumberOfIndependentDirectors") {
                let refs = c["references"].as_array().unwrap_or_else(|| panic!("{name} has no references"));
                assert!(refs.iter().any(|r| r["publisher"] == "HKEX"), "{name} has no HKEX reference");
            }
        }
    }
}

#[test]
fn the_template_is_in_the_reporting_currency_and_includes_the_denominators() {
    let t = tempfile::tempdir().unwrap();
    esgx()
        .args(["taxonomy", "template", "--framework", "hkex-esg-guide-2020", "--currency", "CNY", "--out"])
        .arg(t.path())
        .assert()
        .success();
    let doc = json(&t.path().join("template.json"));
    assert_eq!(doc["currency"], "CNY");
    let rows = doc["facts"].as_array().unwrap();
    let unit_of = |concept: &str| {
        rows.iter()
            .find(|f| f["concept"] == concept && f.get("dimensions").is_none())
            .unwrap_or_else(|| panic!("no {concept} row"))["unit"]
            .clone()
    };
    assert_eq!(unit_of("Revenue"), "CNY");
    assert_eq!(unit_of("CommunityInvestmentAmount"), "CNY");
    assert_eq!(unit_of("GhgEmissionsScope1And2PerRevenue"), "tCO2e_per_CNY");
    assert_eq!(unit_of("EnergyConsumptionPerRevenue"), "MWh_per_CNY");
    assert_eq!(unit_of("ProductionVolume"), "t");
    assert_eq!(unit_of("NumberOfUnitsProduced"), "pure");
    assert_eq!(unit_of("FloorArea"), "m2");
    assert_eq!(unit_of("NumberOfEmployeesWhoLeft"), "pure");
    assert_eq!(unit_of("NumberOfProductsSoldOrShipped"), "pure");
    // The empty template exports (its rows are skipped) and an unknown currency is a usage error.
    let o =
        esgx().args(["taxonomy", "template", "--currency", "XYZ", "--out"]).arg(t.path().join("x")).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("XYZ"));
}
