//! `esgx export` as a user runs it: the bundled dataset, determinism, the manifest's promises.

mod common;
use common::*;
use sha2::{Digest, Sha256};

fn export_bundled(out: &std::path::Path) {
    esgx().args(["export", "--example", "qifu-2023", "--out"]).arg(out).assert().success();
}

#[test]
fn bundled_export_writes_every_format_with_a_truthful_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    export_bundled(&out);
    let manifest = json(&out.join("manifest.json"));

    // The manifest follows its own schema.
    let schema: serde_json::Value = serde_json::from_str(include_str!("../schema/manifest.schema.json")).unwrap();
    let validator = jsonschema::options().should_validate_formats(true).build(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&manifest).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "manifest violates its schema: {errors:?}");

    // Every output is listed with the right hash, and every file written is listed.
    let outputs = manifest["outputs"].as_array().unwrap();
    let mut listed: Vec<String> = outputs.iter().map(|o| o["path"].as_str().unwrap().to_string()).collect();
    for o in outputs {
        let bytes = std::fs::read(out.join(o["path"].as_str().unwrap())).unwrap();
        let hex: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(o["sha256"], hex, "hash of {}", o["path"]);
        assert_eq!(o["bytes"], bytes.len() as u64);
    }
    listed.push("manifest.json".into());
    listed.sort();
    assert_eq!(listed, files(&out));
    let formats: Vec<&str> = outputs.iter().map(|o| o["format"].as_str().unwrap()).collect();
    for f in ["xbrl-xml", "xbrl-json", "ixbrl", "report-package", "taxonomy-schema", "taxonomy-linkbase"] {
        assert!(formats.contains(&f), "no {f} output");
    }
    // Inputs: the dataset and the taxonomy source, hashed.
    let inputs = manifest["inputs"].as_array().unwrap();
    assert!(inputs.iter().any(|i| i["role"] == "dataset"));
    assert!(inputs.iter().any(|i| i["role"] == "taxonomy-source"));
    assert_eq!(manifest["created"], "2023-11-14T22:13:20Z");
    assert_eq!(manifest["generator"]["name"], "esgx");
    assert_eq!(manifest["generator"]["version"], env!("CARGO_PKG_VERSION"));
}

#[test]
fn same_input_and_epoch_give_identical_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    export_bundled(&a);
    export_bundled(&b);
    let fa = files(&a);
    assert_eq!(fa, files(&b));
    for f in fa {
        assert_eq!(std::fs::read(a.join(&f)).unwrap(), std::fs::read(b.join(&f)).unwrap(), "{f} differs between runs");
    }
}

#[test]
fn a_different_epoch_changes_time_and_filing_id_only_in_the_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    export_bundled(&a);
    esgx()
        .env("SOURCE_DATE_EPOCH", "1800000000")
        .args(["export", "--example", "qifu-2023", "--out"])
        .arg(&b)
        .assert()
        .success();
    let (ma, mb) = (json(&a.join("manifest.json")), json(&b.join("manifest.json")));
    assert_ne!(ma["filingId"], mb["filingId"]);
    assert_ne!(ma["created"], mb["created"]);
    assert_eq!(std::fs::read(a.join("report.xbrl")).unwrap(), std::fs::read(b.join("report.xbrl")).unwrap());
}

#[test]
fn every_fact_carries_its_source_in_both_formats() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    export_bundled(&out);
    let report = json(&out.join("report.json"));
    let all = report["facts"].as_object().unwrap();
    let is_note = |f: &serde_json::Value| f["dimensions"]["concept"] == "xbrl:note";
    let facts: Vec<(&String, &serde_json::Value)> = all.iter().filter(|(_, f)| !is_note(f)).collect();
    assert!(!facts.is_empty());
    let index = &report["esgxp:provenance"];
    for (id, f) in &facts {
        // No per-fact extension property (Arelle reads those in quadratic time): the source is a
        // standard footnote link to an xbrl:note fact ...
        let props: Vec<&String> = f.as_object().unwrap().keys().filter(|k| k.contains(':')).collect();
        assert!(props.is_empty(), "fact {id} has extension properties {props:?}");
        let targets = f["links"]["footnote"]["_"].as_array().unwrap_or_else(|| panic!("fact {id} links no footnote"));
        let source = targets[0].as_str().unwrap();
        let note = &all[source];
        assert!(is_note(note), "fact {id} links to {source}, which is no footnote");
        assert_eq!(note["dimensions"]["noteId"], source.to_string());
        assert_eq!(note["dimensions"]["language"], "en");
        assert!(note["value"].as_str().unwrap().starts_with("Source: "), "{note}");
        // ... and the structured reference is in the one document-level index.
        assert!(index["sources"][source]["document"].is_string(), "footnote {source} has no structured source");
        let record = index["facts"][id.as_str()]["record"].as_str();
        assert!(record.is_some_and(|r| r.contains("#/facts/")), "fact {id} does not point at its dataset record");
    }
    // Facts stated in one place share one footnote.
    let sources = index["sources"].as_object().unwrap();
    assert!(sources.len() < facts.len(), "{} footnotes for {} facts", sources.len(), facts.len());
    // An explained omission is explained to any OIM reader, in a second footnote.
    let omitted = facts.iter().find(|(id, _)| index["facts"][id.as_str()]["omission"].is_object());
    let (id, f) = omitted.expect("the bundled dataset has an explained omission");
    let targets = f["links"]["footnote"]["_"].as_array().unwrap();
    assert_eq!(targets.len(), 2, "fact {id}");
    assert!(all[targets[1].as_str().unwrap()]["value"].as_str().unwrap().starts_with("Omitted ("));
    // The XML instance has the same footnotes, each written once; every fact is located and
    // linked to its own, and carries its dataset record.
    let xml = std::fs::read_to_string(out.join("report.xbrl")).unwrap();
    let notes = all.values().filter(|f| is_note(f)).count();
    assert_eq!(xml.matches("<link:footnote ").count(), notes);
    for (id, f) in &facts {
        for target in f["links"]["footnote"]["_"].as_array().unwrap() {
            let loc = format!("xlink:href=\"#{id}\" xlink:label=\"to_{}\"", target.as_str().unwrap());
            assert!(xml.contains(&loc), "fact {id} is not linked to footnote {target} in the XML instance");
        }
        let element = xml.lines().find(|l| l.contains(&format!(" id=\"{id}\" "))).unwrap();
        let record = index["facts"][id.as_str()]["record"].as_str().unwrap();
        assert!(element.contains(&format!("esgxp:record=\"{record}\"")), "{element}");
    }
}

#[test]
fn exact_decimals_survive_with_their_precision() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    esgx().args(["export"]).arg(data("minimal.json")).arg("--out").arg(&out).assert().success();
    let xml = std::fs::read_to_string(out.join("report.xbrl")).unwrap();
    let total = xml.lines().find(|l| l.contains("<esgx:GhgEmissionsScope1And2 ")).unwrap();
    assert!(
        total.contains(r#" decimals="2" "#) && total.ends_with(">1397.96</esgx:GhgEmissionsScope1And2>"),
        "{total}"
    );
    let report = json(&out.join("report.json"));
    let total = report["facts"]
        .as_object()
        .unwrap()
        .values()
        .find(|f| f["dimensions"]["concept"] == "esgx:GhgEmissionsScope1And2")
        .unwrap();
    assert_eq!(total["value"], "1397.96");
    assert_eq!(total["decimals"], 2);
    assert_eq!(total["dimensions"]["unit"], "utr:tCO2e");
    assert_eq!(total["dimensions"]["period"], "2024-01-01T00:00:00/2025-01-01T00:00:00");
}

/// Issue 7: fact ids come from the facts' aspects, not their positions. Inserting a record at the
/// top, or reordering the records, leaves every other fact's id (and what it names) unchanged;
/// an explicit `id` still wins.
#[test]
fn inserting_a_record_at_the_top_leaves_every_other_fact_id_unchanged() {
    let t = tempfile::tempdir().unwrap();
    let full = json(&repo().join("examples/qifu-2023/dataset.json"));
    let export = |name: &str, ds: &serde_json::Value| {
        let p = t.path().join(format!("{name}.json"));
        std::fs::write(&p, serde_json::to_vec_pretty(ds).unwrap()).unwrap();
        let out = t.path().join(name);
        esgx().arg("export").arg(&p).arg("--out").arg(&out).assert().success();
        // id -> what the fact is (everything but its id), from report.json; and the XML's ids.
        let report = json(&out.join("report.json"));
        let facts: std::collections::BTreeMap<String, serde_json::Value> = report["facts"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, f)| f["dimensions"]["concept"] != "xbrl:note")
            .map(|(id, f)| (id.clone(), serde_json::json!([f["dimensions"], f["value"]])))
            .collect();
        let xml = std::fs::read_to_string(out.join("report.xbrl")).unwrap();
        for id in facts.keys() {
            assert!(xml.contains(&format!(" id=\"{id}\" ")), "{name}: fact {id} is not in the XML under the same id");
        }
        facts
    };
    let mut without_first = full.clone();
    let first = without_first["facts"].as_array_mut().unwrap().remove(0);
    let before = export("before", &without_first);
    let after = export("after", &full);
    assert_eq!(after.len(), before.len() + 1);
    for (id, fact) in &before {
        assert_eq!(after.get(id), Some(fact), "fact {id} changed its id when a record was inserted at the top");
    }
    assert!(after.keys().all(|id| id.starts_with("f-")), "derived ids: {:?}", after.keys().take(3).collect::<Vec<_>>());

    let mut reversed = full.clone();
    reversed["facts"].as_array_mut().unwrap().reverse();
    assert_eq!(export("reversed", &reversed), after, "reordering the records changes no id");

    let mut named = without_first.clone();
    let mut own = first.clone();
    own["id"] = "my-own-id".into();
    named["facts"].as_array_mut().unwrap().insert(0, own);
    let named = export("named", &named);
    assert!(named.contains_key("my-own-id"));
    for (id, fact) in &before {
        assert_eq!(named.get(id), Some(fact), "fact {id}");
    }
}

#[test]
fn formats_choose_what_is_written_and_an_unknown_one_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    esgx().args(["export", "--example", "qifu-2023", "--formats", "xbrl-json", "--out"]).arg(&out).assert().success();
    assert!(out.join("report.json").is_file());
    assert!(!out.join("report.xbrl").exists(), "xbrl-xml was not asked for");
    let manifest = json(&out.join("manifest.json"));
    let formats: Vec<&str> =
        manifest["outputs"].as_array().unwrap().iter().map(|o| o["format"].as_str().unwrap()).collect();
    assert!(formats.contains(&"xbrl-json") && !formats.contains(&"xbrl-xml"), "{formats:?}");

    let bad = tmp.path().join("bad");
    let a = esgx()
        .args(["export", "--example", "qifu-2023", "--formats", "xbrl-json,pdf", "--out"])
        .arg(&bad)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(err.contains("\"pdf\"") && err.contains("xbrl-xml"), "{err}");
    assert!(!bad.exists(), "nothing is written for a usage error");
}
