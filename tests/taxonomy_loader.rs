//! The published-taxonomy loader: esgx's own Taxonomy Package, loaded as any published XBRL
//! taxonomy, gives the model its JSON source builds, and filings validate the same against both.

mod common;
use common::*;
use esgx::taxonomy::Taxonomy;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

fn bundled() -> Taxonomy {
    Taxonomy::bundled("hkex-esg").expect("the bundled taxonomy loads")
}

/// Write the files `esgx taxonomy build` makes into `dir`; return the package zip's path.
fn build_package(tax: &Taxonomy, dir: &Path) -> PathBuf {
    let mut zip = None;
    for o in esgx::taxonomy::package::build_outputs(tax) {
        let p = dir.join(&o.path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, &o.bytes).unwrap();
        if o.format == "taxonomy-package" {
            zip = Some(p);
        }
    }
    zip.expect("a package among the outputs")
}

/// Everything the model holds, field by field, as JSON: a diff shows the first difference.
fn model(t: &Taxonomy) -> Value {
    json!({
        "info": serde_json::to_value(&t.info).unwrap(),
        "unitNamespaces": t.unit_namespaces,
        "units": t.units,
        "requirements": t.requirements,
        "axes": t.axes.iter().map(|a| json!({
            "def": a.def,
            "qname": a.qname.to_string(),
            "members": a.members.iter().map(|m| json!({
                "def": m.def, "qname": m.qname.to_string(), "layer": format!("{:?}", m.layer)
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "concepts": t.concepts.iter().map(|c| json!({
            "def": c.def,
            "layer": format!("{:?}", c.layer),
            "qname": c.qname.to_string(),
            "hypercubeAxes": c.hypercube_axes,
        })).collect::<Vec<_>>(),
        "namespaces": t.namespaces(),
    })
}

/// The first path where two JSON values differ, for a readable failure.
fn first_difference(a: &Value, b: &Value, at: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter().find_map(|k| {
                first_difference(
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                    &format!("{at}/{k}"),
                )
            })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            x.iter().zip(y).enumerate().find_map(|(i, (p, q))| first_difference(p, q, &format!("{at}/{i}")))
        }
        _ if a == b => None,
        _ => Some(format!("{at}: {a} != {b}")),
    }
}

#[test]
fn the_package_loads_into_the_model_the_json_source_builds() {
    let t = tempfile::tempdir().unwrap();
    let source = bundled();
    let zip = build_package(&source, t.path());
    let loaded = Taxonomy::from_package(&zip).unwrap_or_else(|d| panic!("the package loads: {d:?}"));
    let (a, b) = (model(&source), model(&loaded));
    if let Some(diff) = first_difference(&a, &b, "") {
        panic!("the loaded model differs from the source's at {diff}");
    }
    // Not vacuous: the model has what the comparison is about.
    assert!(loaded.concepts.len() > 100);
    assert!(loaded.concepts.iter().any(|c| !c.def.summation.is_empty()), "calculations are read");
    assert!(loaded.concepts.iter().any(|c| !c.def.frameworks.is_empty()), "framework versions are read");
    assert!(loaded.concepts.iter().any(|c| c.def.labels.zh_hant.is_some()), "labels of every language are read");
    assert!(loaded.axes.iter().any(|a| a.members.len() > 10), "members are read");
    assert_eq!(loaded.info.regulator.as_deref(), Some("HKEX"), "the regulator comes from the disclosureRef references");
    // Where it came from: the published URLs of its schemas, and the package.
    let pkg = loaded.package.as_ref().expect("package info");
    assert!(pkg.schema_urls.iter().any(|u| u.ends_with(&source.info.schema_file)), "{:?}", pkg.schema_urls);
    assert_eq!(loaded.base_location.as_deref(), Some(esgx::taxonomy::package::base_url(&source).as_str()));
}

#[test]
fn the_package_folder_and_the_loose_entry_point_load_too() {
    let t = tempfile::tempdir().unwrap();
    let source = bundled();
    let zip = build_package(&source, t.path());
    // The package unpacked into a folder loads like the zip.
    let folder = t.path().join("unpacked");
    let mut a = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
    a.extract(&folder).unwrap();
    let top = std::fs::read_dir(&folder).unwrap().next().unwrap().unwrap().path();
    let from_folder = Taxonomy::from_package(&top).unwrap_or_else(|d| panic!("the folder loads: {d:?}"));
    assert!(first_difference(&model(&source), &model(&from_folder), "").is_none());
    // The entry point with its files beside it: no package metadata, one framework version.
    let fw = &source.info.frameworks[1].id;
    let entry = t.path().join("taxonomy").join(esgx::taxonomy::generate::entry_point_file(&source, fw));
    let loose = Taxonomy::from_package(&entry).unwrap_or_else(|d| panic!("the entry point loads: {d:?}"));
    // The entry point includes the base schema: every concept, as in one framework version.
    assert_eq!(loose.concepts.len(), source.concepts.len());
    assert!(loose.concepts.iter().all(|c| c.def.frameworks.is_empty()));
    assert_eq!(loose.info.frameworks.len(), 1);
    assert_eq!(loose.info.frameworks[0].id, *fw);
    for (a, b) in source.axes.iter().zip(&loose.axes) {
        assert_eq!(a.def.name, b.def.name);
        let names = |x: &esgx::taxonomy::Axis| x.members.iter().map(|m| m.def.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(a), names(b));
    }
}

#[test]
fn what_is_not_a_package_is_refused_with_a_reason() {
    let t = tempfile::tempdir().unwrap();
    let not_zip = t.path().join("x.zip");
    std::fs::write(&not_zip, b"not a zip").unwrap();
    let e = Taxonomy::from_package(&not_zip).err().expect("refused");
    assert!(e[0].message.contains("not a readable zip"), "{}", e[0].message);
    // A zip without META-INF/taxonomyPackage.xml.
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    z.start_file("a/b.xsd", zip::write::SimpleFileOptions::default()).unwrap();
    std::io::Write::write_all(&mut z, b"<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'/>").unwrap();
    let bare = t.path().join("bare.zip");
    std::fs::write(&bare, z.finish().unwrap().into_inner()).unwrap();
    let e = Taxonomy::from_package(&bare).err().expect("refused");
    assert!(e[0].message.contains("no META-INF/taxonomyPackage.xml"), "{}", e[0].message);
}

#[test]
fn a_package_that_points_outside_itself_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let source = bundled();
    let zip = build_package(&source, t.path());
    // Rewrite the catalog to lead out of the package, and an entry point to a remote URL.
    let bytes = std::fs::read(&zip).unwrap();
    let mut a = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..a.len() {
        let mut f = a.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut f, &mut text).unwrap();
        if name.ends_with("catalog.xml") {
            text = text.replace("rewritePrefix=\"../taxonomy/\"", "rewritePrefix=\"../../../\"");
        }
        w.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut w, text.as_bytes()).unwrap();
    }
    let bad = t.path().join("bad.zip");
    std::fs::write(&bad, w.finish().unwrap().into_inner()).unwrap();
    let e = Taxonomy::from_package(&bad).err().expect("refused");
    assert!(e[0].message.contains("leads out of the package"), "{}", e[0].message);
}

fn validate_json(args: &[&std::ffi::OsStr]) -> Value {
    let out = esgx().arg("validate").args(args).args(["--format", "json", "--fail-on", "never"]).output().unwrap();
    assert!(out.status.code() == Some(0) || out.status.code() == Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn the_qifu_filings_give_the_same_findings_against_either_taxonomy() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("q");
    esgx().args(["export", "--example", "qifu-2023", "--taxonomy-package", "--out"]).arg(&out).assert().code(0);
    let zip = t.path().join("pkg");
    std::fs::create_dir_all(&zip).unwrap();
    let zip = build_package(&bundled(), &zip);
    for filing in ["report.xbrl", "report.json"] {
        let f = out.join(filing);
        let bundled = validate_json(&[f.as_os_str()]);
        let packaged = validate_json(&[f.as_os_str(), "--taxonomy-package".as_ref(), zip.as_os_str()]);
        let diags = bundled["diagnostics"].as_array().expect("findings");
        assert!(!diags.is_empty(), "the Qifu filing has findings to compare");
        if let Some(diff) = first_difference(&bundled, &packaged, "") {
            panic!("{filing}: findings differ at {diff}");
        }
    }
}

#[test]
fn validate_refuses_a_non_package_as_a_usage_error() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("q");
    esgx().args(["export", "--example", "qifu-2023", "--taxonomy-package", "--out"]).arg(&out).assert().code(0);
    let junk = t.path().join("junk.zip");
    std::fs::write(&junk, b"PK junk").unwrap();
    let o = esgx().arg("validate").arg(out.join("report.xbrl")).arg("--taxonomy-package").arg(&junk).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("junk.zip") && err.contains("not a readable zip"), "{err}");
}
