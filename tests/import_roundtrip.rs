//! `esgx import`: export → import → export gives the same filing, for every bundled example and
//! for a dataset with a company extension; a filing made by another tool imports with what it
//! carries, and findings for the rest.
//!
//! What "the same filing" means here: with one SOURCE_DATE_EPOCH, the filing documents
//! (report.xbrl, report.json) and every taxonomy file are byte-identical. The manifest records
//! the dataset that was exported (its path, hash and line numbers), which is another file after an
//! import, so it is compared with those fields (and the filing id made from the hashes) set aside.
//! Both filings carry all of it: report.json in its `esgxp:provenance` index, report.xbrl in its
//! shared source footnotes and each fact's `esgxp:` attributes (the source document's id among
//! them), so a dataset imported from either re-exports both byte-identical.

mod common;
use common::*;
use esgx::dataset::{EXAMPLES, Input};
use esgx::diag::Severity;
use esgx::export::{ExportOptions, run as export};
use esgx::restore::{ImportOptions, run as import};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

const EPOCH: i64 = 1_700_000_000;

fn export_to(input: Input, out: &Path) {
    let mut opts = ExportOptions::new(input, out);
    opts.source_date_epoch = Some(EPOCH);
    export(&opts).unwrap_or_else(|e| panic!("export into {}: {e}", out.display()));
}

fn import_to(filing: &Path, out: &Path) -> esgx::restore::ImportOutcome {
    let opts = ImportOptions { filing: filing.to_path_buf(), out: out.to_path_buf(), taxonomy_dir: None };
    import(&opts).unwrap_or_else(|e| panic!("import of {}: {e}", filing.display()))
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The manifest without what names or hashes the exported dataset file.
fn manifest_sans_dataset(dir: &Path) -> Value {
    let mut m: Value = serde_json::from_slice(&read(&dir.join("manifest.json"))).unwrap();
    m.as_object_mut().unwrap().remove("filingId");
    m["inputs"].as_array_mut().unwrap().retain(|i| i["role"] != "dataset");
    for d in m["validation"]["diagnostics"].as_array_mut().unwrap() {
        let loc = d["location"].as_object_mut().unwrap();
        for k in ["file", "line", "column", "endColumn"] {
            loc.remove(k);
        }
    }
    m
}

/// Export `input`, import each filing format, export the dataset again, and compare.
fn round_trip(name: &str, input: Input) {
    let tmp = tempfile::tempdir().unwrap();
    let first = tmp.path().join("first");
    export_to(input, &first);
    let filing_files: Vec<String> =
        files(&first).into_iter().filter(|f| f.starts_with("taxonomy/") || f.starts_with("report.")).collect();
    assert!(filing_files.iter().any(|f| f == "report.xbrl") && filing_files.iter().any(|f| f == "report.json"));
    for source in ["report.json", "report.xbrl"] {
        let dir = tmp.path().join(source.replace('.', "-"));
        let dataset = dir.join("dataset.json");
        let outcome = import_to(&first.join(source), &dataset);
        let warnings: Vec<String> = outcome
            .diagnostics
            .iter()
            .filter(|d| d.severity >= Severity::Warning)
            .map(|d| format!("{} {}", d.code, d.message))
            .collect();
        assert!(warnings.is_empty(), "{name} from {source}: {warnings:#?}");
        assert_eq!(outcome.left_out, 0, "{name} from {source}");
        let again = dir.join("again");
        export_to(Input::Path(dataset.clone()), &again);
        assert_eq!(files(&again), files(&first), "{name} from {source}: the same files");
        for f in &filing_files {
            assert!(read(&first.join(f)) == read(&again.join(f)), "{name} from {source}: {f} differs");
        }
        assert_eq!(manifest_sans_dataset(&first), manifest_sans_dataset(&again), "{name} from {source}: manifest");
        // The dataset is canonical: importing the new export gives it byte for byte.
        let third = dir.join("third/dataset.json");
        import_to(&again.join(source), &third);
        assert!(read(&dataset) == read(&third), "{name} from {source}: the imported dataset is not canonical");
    }
    // From the XML instance, report.json differs only in the source documents' ids.
    let from_xml = tmp.path().join("report-xbrl/again");
    let facts = |dir: &Path| {
        let v: Value = serde_json::from_slice(&read(&dir.join("report.json"))).unwrap();
        let n = v["facts"].as_object().unwrap().values().filter(|f| f["dimensions"]["concept"] != "xbrl:note").count();
        let p = v["esgxp:provenance"]["facts"].clone();
        (n, p)
    };
    assert_eq!(facts(&first), facts(&from_xml), "{name}: facts and per-fact provenance from the XML instance");
}

#[test]
fn every_bundled_example_round_trips() {
    assert!(EXAMPLES.len() >= 2);
    for e in EXAMPLES {
        round_trip(e.name, Input::Example(e));
    }
}

/// The FY2025 example with a company extension: a member on a base axis and a concept of its own.
fn fy2025_with_extension() -> Value {
    let example = esgx::dataset::example("fy2025-example").unwrap();
    let mut doc: Value = serde_json::from_str(example.json).unwrap();
    assert!(doc.get("extensions").is_none(), "the bundled FY2025 example now has an extension: test it directly");
    doc["extensions"] = json!({
        "prefix": "acme",
        "namespace": "https://example.com/taxonomy/acme/2025",
        "members": [{
            "axis": "AirEmissionTypeAxis",
            "name": "MercuryMember",
            "labels": {"en": "Mercury [member]", "zh-Hant": "汞 [成員]"}
        }],
        "groups": [{"id": "fleet", "labels": {"en": "Fleet"}}],
        "concepts": [{
            "name": "ElectricShareOfVehicleFleet",
            "type": "percent",
            "periodType": "instant",
            "units": ["pure"],
            "group": "fleet",
            "labels": {"en": "Share of electric vehicles in the fleet"}
        }]
    });
    let facts = doc["facts"].as_array_mut().unwrap();
    facts.push(json!({"concept": "AirEmissions", "value": "0.0031", "unit": "t", "period": "FY2025",
        "dimensions": {"AirEmissionTypeAxis": "MercuryMember"},
        "source": {"document": "example", "section": "Key performance data table", "page": 41}}));
    facts.push(json!({"concept": "ElectricShareOfVehicleFleet", "value": "37.5%", "period": "FY2025",
        "qualifier": "approximately", "note": "Leased vehicles included.",
        "source": {"document": "example", "section": "Fleet", "quote": "about 37.5% of our fleet is electric"}}));
    facts.push(json!({"concept": "ElectricShareOfVehicleFleet", "period": "FY2024",
        "omission": {"reason": "not-available", "explanation": "The fleet was not surveyed in 2024."},
        "source": {"document": "example", "section": "Fleet"}}));
    doc
}

#[test]
fn fy2025_with_a_company_extension_round_trips() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("dataset.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&fy2025_with_extension()).unwrap()).unwrap();
    round_trip("fy2025 with extension", Input::Path(path.clone()));
    // The extension comes back as the dataset gave it.
    let out = tmp.path().join("out");
    export_to(Input::Path(path), &out);
    import_to(&out.join("report.xbrl"), &tmp.path().join("back.json"));
    let back: Value = serde_json::from_slice(&read(&tmp.path().join("back.json"))).unwrap();
    assert_eq!(back["extensions"], fy2025_with_extension()["extensions"]);
}

/// A filing another tool wrote: no esgx provenance, no manifest, a nil fact, a footnote of its own.
fn foreign_filing(dir: &Path) -> PathBuf {
    let first = dir.join("esgx");
    export_to(Input::Example(esgx::dataset::example("fy2025-example").unwrap()), &first);
    std::fs::remove_file(first.join("manifest.json")).unwrap();
    let entry = files(&first)
        .into_iter()
        .find(|f| f.starts_with("taxonomy/") && f.ends_with("hkex-esg-code-2025.xsd"))
        .expect("the entry point of the 2025 framework");
    let ns = "https://esgx.dev/taxonomy/hkex-esg/2026-01";
    let xml = format!(
        r##"<?xml version="1.0" encoding="UTF-8"?>
<xbrli:xbrl xmlns:xbrli="http://www.xbrl.org/2003/instance" xmlns:link="http://www.xbrl.org/2003/linkbase"
  xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xmlns:iso4217="http://www.xbrl.org/2003/iso4217" xmlns:utr="http://www.xbrl.org/2009/utr" xmlns:hk="{ns}">
  <link:schemaRef xlink:type="simple" xlink:href="{entry}"/>
  <xbrli:context id="y2025"><xbrli:entity><xbrli:identifier scheme="http://standards.iso.org/iso/17442">5493001KJTIIGC8Y1R12</xbrli:identifier></xbrli:entity>
    <xbrli:period><xbrli:startDate>2025-01-01</xbrli:startDate><xbrli:endDate>2025-12-31</xbrli:endDate></xbrli:period></xbrli:context>
  <xbrli:unit id="t"><xbrli:measure>utr:t</xbrli:measure></xbrli:unit>
  <hk:AirEmissions id="a1" contextRef="y2025" unitRef="t" decimals="2">12.50</hk:AirEmissions>
  <hk:HazardousWasteProduced id="a2" contextRef="y2025" unitRef="t" xsi:nil="true"/>
  <link:footnoteLink xlink:type="extended" xlink:role="http://www.xbrl.org/2003/role/link">
    <link:loc xlink:type="locator" xlink:href="#a1" xlink:label="l1"/>
    <link:footnote xlink:type="resource" xlink:label="n1" xlink:role="http://www.xbrl.org/2003/role/footnote" xml:lang="en">Measured at the stacks.</link:footnote>
    <link:footnoteArc xlink:type="arc" xlink:arcrole="http://www.xbrl.org/2003/arcrole/fact-footnote" xlink:from="l1" xlink:to="n1"/>
  </link:footnoteLink>
</xbrli:xbrl>
"##
    );
    let path = first.join("other.xbrl");
    std::fs::write(&path, xml).unwrap();
    path
}

#[test]
fn a_filing_by_another_tool_imports_with_findings_for_what_a_dataset_cannot_hold() {
    let tmp = tempfile::tempdir().unwrap();
    let filing = foreign_filing(tmp.path());
    let out = tmp.path().join("imported.json");
    let outcome = import_to(&filing, &out);
    let codes: Vec<&str> = outcome.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(outcome.facts, 1);
    assert_eq!(outcome.left_out, 1);
    // The nil fact, left out at its line; the entity's name and the source, filled in.
    let nil = outcome.diagnostics.iter().find(|d| d.code == "W0701").expect("a finding for the nil fact");
    assert!(nil.message.contains("HazardousWasteProduced") && nil.location.line.is_some(), "{nil:?}");
    assert_eq!(codes.iter().filter(|c| **c == "I0701").count(), 2, "{codes:?}");
    assert!(!codes.contains(&"W0702"), "what the dataset holds comes back exactly: {codes:?}");
    let doc: Value = serde_json::from_slice(&read(&out)).unwrap();
    assert_eq!(doc["entity"]["identifier"]["value"], "5493001KJTIIGC8Y1R12");
    assert_eq!(doc["entity"]["lei"], "5493001KJTIIGC8Y1R12");
    assert_eq!(doc["framework"], "hkex-esg-code-2025");
    assert_eq!(doc["periods"], json!({"FY2025": {"start": "2025-01-01", "end": "2025-12-31"}}));
    let f = &doc["facts"][0];
    assert_eq!(
        (&f["concept"], &f["value"], &f["unit"], &f["period"]),
        (&json!("AirEmissions"), &json!("12.50"), &json!("t"), &json!("FY2025"))
    );
    assert_eq!(f["id"], "a1", "the filing's own id is kept");
    assert_eq!(f["note"], "Measured at the stacks.");
    assert_eq!(doc["sources"][0]["id"], f["source"]["document"]);
    // It exports.
    export_to(Input::Path(out), &tmp.path().join("export"));
}

#[test]
fn cli_import_writes_the_dataset_and_refuses_what_is_no_filing() {
    let tmp = tempfile::tempdir().unwrap();
    let first = tmp.path().join("first");
    export_to(Input::Example(&EXAMPLES[0]), &first);
    let out = tmp.path().join("ds/dataset.json");
    let run = esgx().args(["import"]).arg(first.join("report.json")).arg("--out").arg(&out).assert().success();
    let stdout = String::from_utf8_lossy(&run.get_output().stdout).to_string();
    assert_eq!(stdout, format!("wrote {} (dataset-json)\n", out.display()));
    let doc: Value = serde_json::from_slice(&read(&out)).unwrap();
    assert_eq!(doc["entity"]["name"], "Qifu Technology, Inc.", "the name, from the manifest beside the filing");
    assert_eq!(doc["reportingPeriod"], "FY2023");
    // A dataset is no filing: a usage error, nothing written.
    let none = tmp.path().join("none.json");
    esgx().args(["import"]).arg(repo().join(EXAMPLES[0].path)).arg("--out").arg(&none).assert().code(2);
    assert!(!none.exists());
}
