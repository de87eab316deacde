//! `esgx taxonomy` and the generated taxonomy as users meet them: listing and showing concepts,
//! coverage of the HKEX guide, labels in three languages, the Taxonomy Package, the template, and
//! adding a KPI by editing the taxonomy source only.

mod common;
use common::*;
use serde_json::Value;
use std::io::Read;

fn build(dir: &std::path::Path) {
    esgx().args(["taxonomy", "build", "--out"]).arg(dir).assert().success();
}

fn read_all(dir: &std::path::Path, suffix: &str) -> String {
    let mut s = String::new();
    for f in files(dir) {
        if f.ends_with(suffix) {
            s.push_str(&std::fs::read_to_string(dir.join(f)).unwrap());
        }
    }
    s
}

#[test]
fn list_and_show() {
    let out = esgx().args(["taxonomy", "list", "--kpi", "B1.1"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("NumberOfEmployees"));
    let out = esgx().args(["taxonomy", "list", "--search", "溫室氣體"]).output().unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("GhgEmissionsScope1"),
        "Chinese search finds the GHG concepts"
    );
    esgx().args(["taxonomy", "list", "--search", "no-such-thing-anywhere"]).assert().code(1);
    let out = esgx().args(["taxonomy", "show", "GhgEmissionsScope1", "--format", "json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["type"], "ghgEmissions");
    assert!(v["labels"]["zh-Hant"].is_string() && v["labels"]["zh-Hans"].is_string());
    let out = esgx().args(["taxonomy", "show", "GhgEmissionScope1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean \"GhgEmissionsScope1\""));
}

#[test]
fn every_hkex_kpi_is_referenced_and_every_label_is_bilingual() {
    let t = tempfile::tempdir().unwrap();
    build(t.path());
    let refs = read_all(&t.path().join("taxonomy"), "-ref.xml");
    let kpis = [
        "A1.1", "A1.2", "A1.3", "A1.4", "A1.5", "A1.6", "A2.1", "A2.2", "A2.3", "A2.4", "A2.5", "A3.1", "A4.1", "B1.1",
        "B1.2", "B2.1", "B2.2", "B2.3", "B3.1", "B3.2", "B4.1", "B4.2", "B5.1", "B5.2", "B5.3", "B5.4", "B6.1", "B6.2",
        "B6.3", "B6.4", "B6.5", "B7.1", "B7.2", "B7.3", "B8.1", "B8.2",
    ];
    for k in kpis {
        assert!(
            refs.contains(&format!("<ref:Paragraph>{k}</ref:Paragraph>")),
            "KPI {k} is not referenced by any concept"
        );
    }
    for gd in ["A1", "A2", "A3", "A4", "B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8"] {
        assert!(
            refs.contains(&format!("<ref:Paragraph>{gd} GD</ref:Paragraph>")),
            "general disclosure {gd} is missing"
        );
    }
    // Every element with an English label has Traditional and Simplified Chinese ones.
    let labels = read_all(&t.path().join("taxonomy"), "-lab.xml");
    let count = |lang: &str| {
        labels.matches(&format!("xlink:role=\"http://www.xbrl.org/2003/role/label\" xml:lang=\"{lang}\"")).count()
    };
    assert!(count("en") > 100, "{} English labels", count("en"));
    // Hypercubes are generated with English labels only; everything else is bilingual.
    let hypercubes = labels.matches("[hypercube]").count();
    assert_eq!(count("zh-Hant") + hypercubes, count("en"));
    assert_eq!(count("zh-Hans") + hypercubes, count("en"));
}

#[test]
fn the_package_has_one_top_folder_a_catalog_and_entry_points() {
    let t = tempfile::tempdir().unwrap();
    build(t.path());
    let zip_path = files(t.path()).into_iter().find(|f| f.ends_with(".zip")).expect("a package");
    let mut z = zip::ZipArchive::new(std::fs::File::open(t.path().join(&zip_path)).unwrap()).unwrap();
    let names: Vec<String> = (0..z.len()).map(|i| z.by_index(i).unwrap().name().unwrap().to_string()).collect();
    let top = names[0].split('/').next().unwrap().to_string();
    assert!(names.iter().all(|n| n.starts_with(&format!("{top}/"))), "{names:?}");
    let mut tp = String::new();
    z.by_name(&format!("{top}/META-INF/taxonomyPackage.xml")).unwrap().read_to_string(&mut tp).unwrap();
    assert!(tp.contains("hkex-esg-guide-2020") && tp.contains("hkex-esg-code-2025"), "{tp}");
    assert_eq!(tp.matches("<tp:entryPointDocument").count(), 2);
    let mut cat = String::new();
    z.by_name(&format!("{top}/META-INF/catalog.xml")).unwrap().read_to_string(&mut cat).unwrap();
    assert!(cat.contains("rewriteURI"));
    // Deterministic: the same bytes twice.
    let t2 = tempfile::tempdir().unwrap();
    build(t2.path());
    assert_eq!(std::fs::read(t.path().join(&zip_path)).unwrap(), std::fs::read(t2.path().join(&zip_path)).unwrap());
}

#[test]
fn a_template_exports_after_filling_a_few_rows() {
    let t = tempfile::tempdir().unwrap();
    esgx().args(["taxonomy", "template", "--year", "2025", "--out"]).arg(t.path()).assert().success();
    // CSV: fill three rows.
    let csv_path = t.path().join("template.csv");
    let mut rdr = csv::Reader::from_path(&csv_path).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let col = |n: &str| headers.iter().position(|h| h == n).unwrap();
    let mut rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert!(rows.len() > 100, "one row per KPI and breakdown");
    let mut filled = 0;
    for r in rows.iter_mut() {
        let (concept, dims) = (r[col("concept")].to_string(), r[col("dimensions")].to_string());
        let value = match (concept.as_str(), dims.as_str()) {
            ("GhgEmissionsScope1", "") => "120.5",
            ("GhgEmissionsScope2", "") => "880.25",
            ("NumberOfEmployees", "GenderAxis=FemaleMember") => "40",
            _ => continue,
        };
        let mut v: Vec<String> = r.iter().map(String::from).collect();
        v[col("value")] = value.into();
        *r = csv::StringRecord::from(v);
        filled += 1;
    }
    assert_eq!(filled, 3);
    let mut w = csv::Writer::from_path(&csv_path).unwrap();
    w.write_record(&headers).unwrap();
    for r in &rows {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
    let out = t.path().join("out");
    esgx().arg("export").arg(&csv_path).arg("--out").arg(&out).assert().success();
    let report = json(&out.join("report.json"));
    let facts = report["facts"].as_object().unwrap();
    assert_eq!(facts.values().filter(|f| f["dimensions"]["concept"] != "xbrl:note").count(), 3);
    // JSON: the untouched template exports too (every row is skipped).
    esgx().arg("export").arg(t.path().join("template.json")).arg("--out").arg(t.path().join("out2")).assert().success();
}

#[test]
fn adding_a_kpi_is_an_edit_of_the_taxonomy_source_only() {
    let t = tempfile::tempdir().unwrap();
    let tax = t.path().join("hkex-esg");
    copy_dir(&repo().join("taxonomy/hkex-esg"), &tax);
    std::fs::write(
        tax.join("concepts/zz-added.json"),
        r#"{"concepts": [{"name": "ElectricVehiclesInFleet", "type": "integer", "periodType": "instant", "units": ["pure"],
            "axes": ["RegionAxis"], "group": "A2",
            "labels": {"en": "Electric vehicles in the company fleet", "zh-Hant": "公司車隊中的電動車", "zh-Hans": "公司车队中的电动车"}}]}"#,
    )
    .unwrap();
    let ds = t.path().join("ds.json");
    let mut v: Value = serde_json::from_slice(&std::fs::read(data("minimal.json")).unwrap()).unwrap();
    v["facts"].as_array_mut().unwrap().push(serde_json::json!({
        "concept": "ElectricVehiclesInFleet", "value": "12", "period": "FY2024",
        "dimensions": {"RegionAxis": "ChinaMember"}, "source": {"document": "ar", "section": "Fleet"}
    }));
    std::fs::write(&ds, serde_json::to_vec(&v).unwrap()).unwrap();
    let out = t.path().join("out");
    esgx().arg("export").arg(&ds).arg("--out").arg(&out).arg("--taxonomy").arg(&tax).assert().success();
    let xml = std::fs::read_to_string(out.join("report.xbrl")).unwrap();
    assert!(xml.contains("<esgx:ElectricVehiclesInFleet "), "the new concept's fact is in the instance");
    let schema = read_all(&out.join("taxonomy"), ".xsd");
    assert!(schema.contains("name=\"ElectricVehiclesInFleet\""));
    assert!(read_all(&out.join("taxonomy"), "-lab.xml").contains("公司車隊中的電動車"));
    // Without the edit, the same dataset is refused: the concept really comes from the source.
    esgx().arg("export").arg(&ds).arg("--out").arg(t.path().join("out-bundled")).assert().code(1);
}

#[test]
fn export_can_reference_the_taxonomy_package() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("pkg");
    esgx().arg("export").arg(data("minimal.json")).arg("--taxonomy-package").arg("--out").arg(&out).assert().success();
    let manifest = json(&out.join("manifest.json"));
    let formats: Vec<&str> =
        manifest["outputs"].as_array().unwrap().iter().map(|o| o["format"].as_str().unwrap()).collect();
    assert!(formats.contains(&"taxonomy-package"));
    assert!(!formats.contains(&"taxonomy-schema"), "no loose base taxonomy files: {formats:?}");
    let xml = std::fs::read_to_string(out.join("report.xbrl")).unwrap();
    assert!(
        xml.contains("xlink:href=\"https://esgx.dev/taxonomy/hkex-esg/"),
        "the instance refers to the published entry point"
    );
}

/// Issue 15: a taxonomy loaded from a folder is read by the same code as the bundled one, so a
/// copy of the bundled folder gives exactly the bundled findings, completeness included, on
/// every bundled example.
#[test]
fn a_copy_of_the_bundled_taxonomy_gives_the_same_findings_byte_for_byte() {
    let t = tempfile::tempdir().unwrap();
    // A folder whose own path contains "concepts/" must not confuse the loader either.
    let tax = t.path().join("concepts/hkex-esg");
    copy_dir(&repo().join("taxonomy/hkex-esg"), &tax);
    let mut examples: Vec<_> = std::fs::read_dir(repo().join("examples"))
        .unwrap()
        .flatten()
        .map(|e| e.path().join("dataset.json"))
        .filter(|p| p.is_file())
        .collect();
    examples.sort();
    assert!(examples.len() >= 2, "the bundled examples are found: {examples:?}");
    for ex in examples {
        let run = |taxonomy: Option<&std::path::Path>| {
            let mut c = esgx();
            c.arg("validate").arg(&ex).args(["--format", "json", "--fail-on", "never"]);
            if let Some(d) = taxonomy {
                c.arg("--taxonomy").arg(d);
            }
            let out = c.output().unwrap();
            assert!(out.status.success(), "{}: {}", ex.display(), String::from_utf8_lossy(&out.stderr));
            out.stdout
        };
        let (bundled, folder) = (run(None), run(Some(&tax)));
        let v: Value = serde_json::from_slice(&bundled).unwrap();
        assert!(
            !v["coverage"].as_array().unwrap().is_empty(),
            "{}: the bundled run has a coverage table to compare",
            ex.display()
        );
        assert!(
            bundled == folder,
            "{}: --taxonomy with a copy of the bundled folder gives other findings",
            ex.display()
        );
    }
}

#[test]
fn a_stray_file_in_a_taxonomy_folder_is_an_error_not_ignored() {
    let t = tempfile::tempdir().unwrap();
    let tax = t.path().join("hkex-esg");
    copy_dir(&repo().join("taxonomy/hkex-esg"), &tax);
    // A misspelt requirements file would otherwise silently switch completeness off.
    std::fs::rename(tax.join("requirements.json"), tax.join("requirement.json")).unwrap();
    let out = esgx()
        .args(["validate", "--format", "json"])
        .arg(repo().join("examples/fy2025-example/dataset.json"))
        .arg("--taxonomy")
        .arg(&tax)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = v["diagnostics"].as_array().unwrap();
    assert!(d.iter().any(|d| d["code"] == "E0102" && d["location"].to_string().contains("requirement.json")), "{d:?}");
}

#[test]
fn a_taxonomy_build_that_fails_or_is_killed_leaves_the_previous_build_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("tax");
    build(&out);
    let snapshot = |d: &std::path::Path| -> Vec<(String, Vec<u8>)> {
        files(d).into_iter().map(|f| (f.clone(), std::fs::read(d.join(&f)).unwrap())).collect()
    };
    let before = snapshot(&out);
    std::fs::write(out.join("README.txt"), "mine").unwrap();
    for (step, mode) in [(0, ""), (2, ""), (5, ":kill"), (7, "")] {
        let o = esgx()
            .args(["taxonomy", "build", "--out"])
            .arg(&out)
            .env("ESGX_INTERNAL_FAULT", format!("{step}{mode}"))
            .output()
            .unwrap();
        assert!(!o.status.success(), "step {step}{mode}");
        let mut now = snapshot(&out);
        now.retain(|(f, _)| f != "README.txt");
        assert!(now == before, "step {step}{mode} changed the previous build");
    }
    build(&out);
    assert_eq!(std::fs::read_to_string(out.join("README.txt")).unwrap(), "mine");
    let beside: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(beside, vec![std::ffi::OsString::from("tax")]);
}
