//! The published-taxonomy loader: esgx's own Taxonomy Package, loaded as any published XBRL
//! taxonomy, gives the model its JSON source builds, and filings validate the same against both.

mod common;
use common::*;
use esgx::taxonomy::Taxonomy;
use esgx::taxonomy::source::{Balance, DataType, Level, PeriodType};
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
    let e = Taxonomy::from_package(&not_zip).expect_err("refused");
    assert!(e[0].message.contains("not a readable zip"), "{}", e[0].message);
    // A zip without META-INF/taxonomyPackage.xml.
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    z.start_file("a/b.xsd", zip::write::SimpleFileOptions::default()).unwrap();
    std::io::Write::write_all(&mut z, b"<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'/>").unwrap();
    let bare = t.path().join("bare.zip");
    std::fs::write(&bare, z.finish().unwrap().into_inner()).unwrap();
    let e = Taxonomy::from_package(&bare).expect_err("refused");
    assert!(e[0].message.contains("no META-INF/taxonomyPackage.xml"), "{}", e[0].message);
}

/// A copy of a zip with each entry's text passed through `edit(name, text)`.
fn rewrite_zip(zip: &Path, to: &Path, edit: impl Fn(&str, String) -> String) {
    let bytes = std::fs::read(zip).unwrap();
    let mut a = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..a.len() {
        let mut f = a.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut f, &mut text).unwrap();
        w.start_file(&name, zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut w, edit(&name, text).as_bytes()).unwrap();
    }
    std::fs::write(to, w.finish().unwrap().into_inner()).unwrap();
}

#[test]
fn a_package_that_points_outside_itself_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let source = bundled();
    let zip = build_package(&source, t.path());
    // Unchanged, the copy loads: the refusals below come from the edits.
    let same = t.path().join("same.zip");
    rewrite_zip(&zip, &same, |_, text| text);
    Taxonomy::from_package(&same).expect("an unchanged copy loads");
    // A catalog that leads out of the package.
    let bad = t.path().join("bad.zip");
    rewrite_zip(&zip, &bad, |name, text| {
        if name.ends_with("catalog.xml") {
            text.replace("rewritePrefix=\"../taxonomy/\"", "rewritePrefix=\"../../../\"")
        } else {
            text
        }
    });
    let e = Taxonomy::from_package(&bad).expect_err("refused");
    assert!(e[0].message.contains("leads out of the package"), "{}", e[0].message);
    // A linkbase reference to a remote file the catalog does not map.
    let remote = t.path().join("remote.zip");
    rewrite_zip(&zip, &remote, |name, text| {
        if name.ends_with("2026-01.xsd") {
            text.replacen(
                "xlink:href=\"esgx-hkex-esg-2026-01-lab.xml\"",
                "xlink:href=\"https://elsewhere.example/lab.xml\"",
                1,
            )
        } else {
            text
        }
    });
    let e = Taxonomy::from_package(&remote).expect_err("refused");
    assert!(e[0].message.contains("https://elsewhere.example/lab.xml is remote"), "{}", e[0].message);
    // A DTD with an entity in a linkbase.
    let dtd = t.path().join("dtd.zip");
    rewrite_zip(&zip, &dtd, |name, text| {
        if name.ends_with("-lab.xml") {
            text.replacen("<link:linkbase", "<!DOCTYPE x [<!ENTITY e \"boom\">]>\n<link:linkbase", 1)
        } else {
            text
        }
    });
    let e = Taxonomy::from_package(&dtd).expect_err("refused");
    assert!(e[0].message.contains("refuses DTDs"), "{}", e[0].message);
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

/// A small third-party taxonomy package written by hand: its own namespace and URL, an entry point
/// in another namespace that imports the core schema through the catalog, a derived item type,
/// labels in French and German, a regulator's reference without a Paragraph, a 2.1 calculation,
/// a hypercube inherited down a primary item's domain-member tree, members in a targetRole with a
/// nested member and a default, and a typed dimension (not modelled). No esgx annotations.
fn third_party_package(dir: &Path) -> PathBuf {
    const CORE: &str = "https://acme.example/esg/2025";
    let files: Vec<(&str, String)> = vec![
        (
            "acme/META-INF/taxonomyPackage.xml",
            r#"<?xml version="1.0" encoding="utf-8"?>
<tp:taxonomyPackage xmlns:tp="http://xbrl.org/2016/taxonomy-package" xml:lang="en">
  <tp:identifier>https://acme.example/esg/2025/package</tp:identifier>
  <tp:name xml:lang="fr">Taxonomie ESG ACME</tp:name>
  <tp:name xml:lang="en">ACME ESG Taxonomy</tp:name>
  <tp:version>2025</tp:version>
  <tp:publisher>ACME Standards Board</tp:publisher>
  <tp:entryPoints><tp:entryPoint>
    <tp:name>ACME ESG 2025</tp:name>
    <tp:entryPointDocument href="https://acme.example/esg/2025/acme-esg-entry.xsd"/>
  </tp:entryPoint></tp:entryPoints>
</tp:taxonomyPackage>"#
                .to_string(),
        ),
        (
            "acme/META-INF/catalog.xml",
            r#"<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">
  <rewriteURI uriStartString="https://acme.example/esg/2025/" rewritePrefix="../esg/"/>
</catalog>"#
                .to_string(),
        ),
        (
            "acme/esg/acme-esg-entry.xsd",
            r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:link="http://www.xbrl.org/2003/linkbase"
  xmlns:xlink="http://www.w3.org/1999/xlink" targetNamespace="https://acme.example/esg/2025/entry">
  <xs:annotation><xs:appinfo>
    <link:linkbaseRef xlink:type="simple" xlink:href="acme-esg-lab.xml" xlink:arcrole="http://www.w3.org/1999/xlink/properties/linkbase"/>
    <link:linkbaseRef xlink:type="simple" xlink:href="acme-esg-ref.xml" xlink:arcrole="http://www.w3.org/1999/xlink/properties/linkbase"/>
    <link:linkbaseRef xlink:type="simple" xlink:href="acme-esg-pre.xml" xlink:arcrole="http://www.w3.org/1999/xlink/properties/linkbase"/>
    <link:linkbaseRef xlink:type="simple" xlink:href="acme-esg-cal.xml" xlink:arcrole="http://www.w3.org/1999/xlink/properties/linkbase"/>
    <link:linkbaseRef xlink:type="simple" xlink:href="acme-esg-def.xml" xlink:arcrole="http://www.w3.org/1999/xlink/properties/linkbase"/>
  </xs:appinfo></xs:annotation>
  <xs:import namespace="https://acme.example/esg/2025" schemaLocation="https://acme.example/esg/2025/acme-esg-core.xsd"/>
</xs:schema>"#
                .to_string(),
        ),
        (
            "acme/esg/acme-esg-core.xsd",
            r##"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xbrli="http://www.xbrl.org/2003/instance"
  xmlns:xbrldt="http://xbrl.org/2005/xbrldt" xmlns:dtr-types="http://www.xbrl.org/dtr/type/2022-03-31"
  xmlns:acme="https://acme.example/esg/2025" xmlns:link="http://www.xbrl.org/2003/linkbase"
  targetNamespace="https://acme.example/esg/2025" elementFormDefault="qualified">
  <xs:annotation><xs:appinfo>
    <link:roleType roleURI="https://acme.example/esg/2025/role/emissions" id="emissions">
      <link:definition>Emissions disclosures</link:definition><link:usedOn>link:presentationLink</link:usedOn>
    </link:roleType>
  </xs:appinfo></xs:annotation>
  <xs:import namespace="http://www.xbrl.org/2003/instance" schemaLocation="http://www.xbrl.org/2003/xbrl-instance-2003-12-31.xsd"/>
  <xs:import namespace="http://xbrl.org/2005/xbrldt" schemaLocation="http://www.xbrl.org/2005/xbrldt-2005.xsd"/>
  <xs:import namespace="http://www.xbrl.org/dtr/type/2022-03-31" schemaLocation="https://www.xbrl.org/dtr/type/2022-03-31/types.xsd"/>
  <xs:complexType name="emissionsType"><xs:simpleContent>
    <xs:restriction base="dtr-types:ghgEmissionsItemType"/>
  </xs:simpleContent></xs:complexType>
  <xs:element id="acme_EmissionsAbstract" name="EmissionsAbstract" type="xbrli:stringItemType" substitutionGroup="xbrli:item" xbrli:periodType="duration" abstract="true"/>
  <xs:element id="acme_TotalEmissions" name="TotalEmissions" type="acme:emissionsType" substitutionGroup="xbrli:item" xbrli:periodType="duration"/>
  <xs:element id="acme_Scope1Emissions" name="Scope1Emissions" type="dtr-types:ghgEmissionsItemType" substitutionGroup="xbrli:item" xbrli:periodType="duration"/>
  <xs:element id="acme_Scope2Emissions" name="Scope2Emissions" type="dtr-types:ghgEmissionsItemType" substitutionGroup="xbrli:item" xbrli:periodType="duration"/>
  <xs:element id="acme_Employees" name="Employees" type="xbrli:nonNegativeIntegerItemType" substitutionGroup="xbrli:item" xbrli:periodType="instant"/>
  <xs:element id="acme_Revenue" name="Revenue" type="xbrli:monetaryItemType" substitutionGroup="xbrli:item" xbrli:periodType="duration" xbrli:balance="credit"/>
  <xs:element id="acme_Policy" name="Policy" type="dtr-types:textBlockItemType" substitutionGroup="xbrli:item" xbrli:periodType="duration"/>
  <xs:element id="acme_EmissionsTable" name="EmissionsTable" type="xbrli:stringItemType" substitutionGroup="xbrldt:hypercubeItem" xbrli:periodType="duration" abstract="true"/>
  <xs:element id="acme_SiteAxis" name="SiteAxis" type="xbrli:stringItemType" substitutionGroup="xbrldt:dimensionItem" xbrli:periodType="duration" abstract="true"/>
  <xs:element id="acme_LineAxis" name="LineAxis" type="xbrli:stringItemType" substitutionGroup="xbrldt:dimensionItem" xbrli:periodType="duration" abstract="true" xbrldt:typedDomainRef="#acme_Line"/>
  <xs:element id="acme_Line" name="Line" type="xs:integer"/>
  <xs:element id="acme_AllSitesMember" name="AllSitesMember" type="dtr-types:domainItemType" substitutionGroup="xbrli:item" xbrli:periodType="duration" abstract="true"/>
  <xs:element id="acme_FactoriesMember" name="FactoriesMember" type="dtr-types:domainItemType" substitutionGroup="xbrli:item" xbrli:periodType="duration" abstract="true"/>
  <xs:element id="acme_FactoryNorthMember" name="FactoryNorthMember" type="dtr-types:domainItemType" substitutionGroup="xbrli:item" xbrli:periodType="duration" abstract="true"/>
  <xs:element id="acme_OfficesMember" name="OfficesMember" type="dtr-types:domainItemType" substitutionGroup="xbrli:item" xbrli:periodType="duration" abstract="true"/>
</xs:schema>"##
                .to_string(),
        ),
        (
            "acme/esg/acme-esg-lab.xml",
            format!(
                r#"<link:linkbase xmlns:link="http://www.xbrl.org/2003/linkbase" xmlns:xlink="http://www.w3.org/1999/xlink">
  <link:labelLink xlink:type="extended" xlink:role="http://www.xbrl.org/2003/role/link">
    {}
    <link:label xlink:type="resource" xlink:label="l_Total" xlink:role="http://www.xbrl.org/2003/role/label" xml:lang="en">Total emissions</link:label>
    <link:label xlink:type="resource" xlink:label="l_Total" xlink:role="http://www.xbrl.org/2003/role/label" xml:lang="fr">Émissions totales</link:label>
    <link:label xlink:type="resource" xlink:label="l_Total" xlink:role="http://www.xbrl.org/2003/role/label" xml:lang="de">Gesamtemissionen</link:label>
    <link:label xlink:type="resource" xlink:label="l_Total" xlink:role="http://www.xbrl.org/2003/role/terseLabel" xml:lang="en">Total</link:label>
    <link:label xlink:type="resource" xlink:label="l_Policy" xlink:role="http://www.xbrl.org/2003/role/label" xml:lang="fr">Politique</link:label>
    <link:label xlink:type="resource" xlink:label="l_Abs" xlink:role="http://www.xbrl.org/2003/role/label" xml:lang="en">Emissions</link:label>
    <link:label xlink:type="resource" xlink:label="l_Sites" xlink:role="http://www.xbrl.org/2003/role/label" xml:lang="en">All sites</link:label>
    <link:labelArc xlink:type="arc" xlink:arcrole="http://www.xbrl.org/2003/arcrole/concept-label" xlink:from="TotalEmissions" xlink:to="l_Total"/>
    <link:labelArc xlink:type="arc" xlink:arcrole="http://www.xbrl.org/2003/arcrole/concept-label" xlink:from="Policy" xlink:to="l_Policy"/>
    <link:labelArc xlink:type="arc" xlink:arcrole="http://www.xbrl.org/2003/arcrole/concept-label" xlink:from="EmissionsAbstract" xlink:to="l_Abs"/>
    <link:labelArc xlink:type="arc" xlink:arcrole="http://www.xbrl.org/2003/arcrole/concept-label" xlink:from="AllSitesMember" xlink:to="l_Sites"/>
  </link:labelLink>
</link:linkbase>"#,
                locs(&["TotalEmissions", "Policy", "EmissionsAbstract", "AllSitesMember"])
            ),
        ),
        (
            "acme/esg/acme-esg-ref.xml",
            format!(
                r#"<link:linkbase xmlns:link="http://www.xbrl.org/2003/linkbase" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:ref="http://www.xbrl.org/2006/ref">
  <link:referenceLink xlink:type="extended" xlink:role="http://www.xbrl.org/2003/role/link">
    {}
    <link:reference xlink:type="resource" xlink:label="r_Total" xlink:role="http://www.xbrl.org/2003/role/disclosureRef">
      <ref:Publisher>ACME Regulator</ref:Publisher><ref:Name>Rule</ref:Name><ref:Number>7</ref:Number><ref:Section>2</ref:Section>
    </link:reference>
    <link:reference xlink:type="resource" xlink:label="r_S1" xlink:role="http://www.xbrl.org/2003/role/reference">
      <ref:Publisher>GRI</ref:Publisher><ref:Paragraph>305-1</ref:Paragraph>
    </link:reference>
    <link:referenceArc xlink:type="arc" xlink:arcrole="http://www.xbrl.org/2003/arcrole/concept-reference" xlink:from="TotalEmissions" xlink:to="r_Total"/>
    <link:referenceArc xlink:type="arc" xlink:arcrole="http://www.xbrl.org/2003/arcrole/concept-reference" xlink:from="Scope1Emissions" xlink:to="r_S1"/>
  </link:referenceLink>
</link:linkbase>"#,
                locs(&["TotalEmissions", "Scope1Emissions"])
            ),
        ),
        (
            "acme/esg/acme-esg-pre.xml",
            format!(
                r#"<link:linkbase xmlns:link="http://www.xbrl.org/2003/linkbase" xmlns:xlink="http://www.w3.org/1999/xlink">
  <link:roleRef roleURI="https://acme.example/esg/2025/role/emissions" xlink:type="simple" xlink:href="https://acme.example/esg/2025/acme-esg-core.xsd#emissions"/>
  <link:presentationLink xlink:type="extended" xlink:role="https://acme.example/esg/2025/role/emissions">
    {}
    {}
  </link:presentationLink>
</link:linkbase>"#,
                locs(&["EmissionsAbstract", "TotalEmissions", "Scope1Emissions", "Scope2Emissions", "Employees", "Revenue", "Policy"]),
                ["TotalEmissions", "Scope1Emissions", "Scope2Emissions", "Employees", "Revenue", "Policy"]
                    .iter()
                    .enumerate()
                    .map(|(i, c)| arc("presentationArc", "http://www.xbrl.org/2003/arcrole/parent-child", "EmissionsAbstract", c, i + 1, ""))
                    .collect::<String>()
            ),
        ),
        (
            "acme/esg/acme-esg-cal.xml",
            format!(
                r#"<link:linkbase xmlns:link="http://www.xbrl.org/2003/linkbase" xmlns:xlink="http://www.w3.org/1999/xlink">
  <link:calculationLink xlink:type="extended" xlink:role="http://www.xbrl.org/2003/role/link">
    {}
    {}{}
  </link:calculationLink>
</link:linkbase>"#,
                locs(&["TotalEmissions", "Scope1Emissions", "Scope2Emissions"]),
                arc("calculationArc", "http://www.xbrl.org/2003/arcrole/summation-item", "TotalEmissions", "Scope2Emissions", 2, r#"weight="1.0""#),
                arc("calculationArc", "http://www.xbrl.org/2003/arcrole/summation-item", "TotalEmissions", "Scope1Emissions", 1, r#"weight="1""#),
            ),
        ),
        (
            "acme/esg/acme-esg-def.xml",
            format!(
                r#"<link:linkbase xmlns:link="http://www.xbrl.org/2003/linkbase" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xbrldt="http://xbrl.org/2005/xbrldt">
  <link:definitionLink xlink:type="extended" xlink:role="{CORE}/role/emissionsTable">
    {}
    {}{}{}{}{}
  </link:definitionLink>
  <link:definitionLink xlink:type="extended" xlink:role="{CORE}/role/sites">
    {}
    {}{}{}
  </link:definitionLink>
  <link:definitionLink xlink:type="extended" xlink:role="http://www.xbrl.org/2003/role/link">
    {}
    {}
  </link:definitionLink>
</link:linkbase>"#,
                locs(&["EmissionsAbstract", "TotalEmissions", "Scope1Emissions", "EmissionsTable", "SiteAxis", "AllSitesMember", "LineAxis"]),
                arc("definitionArc", "http://xbrl.org/int/dim/arcrole/all", "EmissionsAbstract", "EmissionsTable", 1, r#"xbrldt:closed="true" xbrldt:contextElement="segment""#),
                arc("definitionArc", "http://xbrl.org/int/dim/arcrole/domain-member", "EmissionsAbstract", "TotalEmissions", 1, ""),
                arc("definitionArc", "http://xbrl.org/int/dim/arcrole/domain-member", "EmissionsAbstract", "Scope1Emissions", 2, ""),
                arc("definitionArc", "http://xbrl.org/int/dim/arcrole/hypercube-dimension", "EmissionsTable", "SiteAxis", 1, ""),
                arc("definitionArc", "http://xbrl.org/int/dim/arcrole/dimension-domain", "SiteAxis", "AllSitesMember", 1, &format!(r#"xbrldt:targetRole="{CORE}/role/sites""#)),
                locs(&["AllSitesMember", "FactoriesMember", "FactoryNorthMember", "OfficesMember"]),
                arc("definitionArc", "http://xbrl.org/int/dim/arcrole/domain-member", "AllSitesMember", "OfficesMember", 2, ""),
                arc("definitionArc", "http://xbrl.org/int/dim/arcrole/domain-member", "AllSitesMember", "FactoriesMember", 1, ""),
                arc("definitionArc", "http://xbrl.org/int/dim/arcrole/domain-member", "FactoriesMember", "FactoryNorthMember", 1, ""),
                locs(&["SiteAxis", "AllSitesMember"]),
                arc("definitionArc", "http://xbrl.org/int/dim/arcrole/dimension-default", "SiteAxis", "AllSitesMember", 1, ""),
            ),
        ),
    ];
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in files {
        w.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut w, text.as_bytes()).unwrap();
    }
    let p = dir.join("acme-esg-2025.zip");
    std::fs::write(&p, w.finish().unwrap().into_inner()).unwrap();
    p
}

fn locs(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| {
            format!(r#"<link:loc xlink:type="locator" xlink:href="acme-esg-core.xsd#acme_{n}" xlink:label="{n}"/>"#)
        })
        .collect()
}

fn arc(element: &str, arcrole: &str, from: &str, to: &str, order: usize, extra: &str) -> String {
    format!(
        r#"<link:{element} xlink:type="arc" xlink:arcrole="{arcrole}" xlink:from="{from}" xlink:to="{to}" order="{order}" {extra}/>"#
    )
}

#[test]
fn a_third_party_package_maps_onto_the_model() {
    let t = tempfile::tempdir().unwrap();
    let zip = third_party_package(t.path());
    let tax = Taxonomy::from_package(&zip).unwrap_or_else(|d| panic!("the package loads: {d:?}"));
    let i = &tax.info;
    assert_eq!((i.namespace.as_str(), i.prefix.as_str()), ("https://acme.example/esg/2025", "acme"));
    assert_eq!((i.title.as_str(), i.version.as_str()), ("ACME ESG Taxonomy", "2025"), "English name preferred");
    assert_eq!(i.publisher, "ACME Standards Board");
    assert_eq!(i.regulator.as_deref(), Some("ACME Regulator"));
    assert_eq!(i.dimension_container, esgx::report::DimensionContainer::Segment);
    assert_eq!(i.schema_file, "acme-esg-core.xsd");
    let fws: Vec<(&str, &str)> = i.frameworks.iter().map(|f| (f.id.as_str(), f.title.as_str())).collect();
    assert_eq!(fws, [("acme-esg-entry", "ACME ESG 2025")]);
    let groups: Vec<(&str, &str)> = i.groups.iter().map(|g| (g.id.as_str(), g.labels.en.as_str())).collect();
    assert_eq!(groups, [("emissions", "Emissions")], "the group's heading is the tree's root");

    let names: Vec<&str> = tax.concepts.iter().map(|c| c.name()).collect();
    assert_eq!(names, ["TotalEmissions", "Scope1Emissions", "Scope2Emissions", "Employees", "Revenue", "Policy"]);
    let c = |n: &str| &tax.concept(n).unwrap().def;
    let total = c("TotalEmissions");
    assert_eq!(total.data_type, DataType::GhgEmissions, "through the derived type");
    assert_eq!(total.units, ["tCO2e"]);
    assert_eq!(total.axes, ["SiteAxis"]);
    assert_eq!(c("Scope1Emissions").axes, ["SiteAxis"], "inherited down the domain-member tree");
    assert!(c("Scope2Emissions").axes.is_empty());
    let sums: Vec<(&str, i32)> = total.summation.iter().map(|s| (s.concept.as_str(), s.weight)).collect();
    assert_eq!(sums, [("Scope1Emissions", 1), ("Scope2Emissions", 1)], "by order, weight 1.0 as 1");
    assert_eq!(total.labels.en, "Total emissions");
    assert_eq!(total.labels.other.get("fr").map(String::as_str), Some("Émissions totales"));
    assert_eq!(total.labels.other.get("de").map(String::as_str), Some("Gesamtemissionen"));
    let r = &total.references[0];
    assert_eq!((r.publisher.as_str(), r.name.as_deref(), r.code.as_str()), ("ACME Regulator", Some("Rule"), "7 2"));
    assert_eq!(c("Scope1Emissions").references[0].code, "305-1");
    let emp = c("Employees");
    assert_eq!((emp.data_type, emp.period_type), (DataType::Integer, PeriodType::Instant));
    assert_eq!(emp.units, ["pure"]);
    let rev = c("Revenue");
    assert_eq!((rev.data_type, rev.balance), (DataType::Monetary, Some(Balance::Credit)));
    assert!(rev.units.iter().any(|u| u == "USD") && rev.units.iter().any(|u| u == "EUR"), "{:?}", rev.units);
    let policy = c("Policy");
    assert_eq!(policy.data_type, DataType::TextBlock);
    assert!(policy.units.is_empty());
    assert_eq!(policy.labels.en, "Policy", "no English label: its name");
    assert_eq!(policy.labels.other.get("fr").map(String::as_str), Some("Politique"));

    assert_eq!(tax.axes.len(), 1, "the typed dimension is not modelled");
    let axis = &tax.axes[0];
    assert_eq!(axis.name(), "SiteAxis");
    assert_eq!(axis.domain().def.name, "AllSitesMember");
    assert_eq!(axis.domain().def.labels.en, "All sites");
    let members: Vec<(&str, Option<&str>)> =
        axis.members[1..].iter().map(|m| (m.def.name.as_str(), m.def.parent.as_deref())).collect();
    assert_eq!(
        members,
        [("FactoriesMember", None), ("FactoryNorthMember", Some("FactoriesMember")), ("OfficesMember", None)]
    );

    let reqs: Vec<(&str, Level, &[String])> =
        tax.requirements.iter().map(|r| (r.code.as_str(), r.level, r.frameworks.as_slice())).collect();
    assert_eq!(reqs, [("7 2", Level::Voluntary, &["acme-esg-entry".to_string()][..])]);
    let pkg = tax.package.as_ref().unwrap();
    assert!(pkg.schema_urls.contains(&"https://acme.example/esg/2025/acme-esg-entry.xsd".to_string()));
}

#[test]
fn a_filing_is_checked_against_a_third_party_package() {
    let t = tempfile::tempdir().unwrap();
    let zip = third_party_package(t.path());
    let ctx = |id: &str, dims: &str| {
        format!(
            r#"<xbrli:context id="{id}"><xbrli:entity><xbrli:identifier scheme="http://example.com">ACME</xbrli:identifier>{dims}</xbrli:entity><xbrli:period><xbrli:startDate>2025-01-01</xbrli:startDate><xbrli:endDate>2025-12-31</xbrli:endDate></xbrli:period></xbrli:context>"#
        )
    };
    let filing = format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<xbrli:xbrl xmlns:xbrli="http://www.xbrl.org/2003/instance" xmlns:link="http://www.xbrl.org/2003/linkbase"
  xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xbrldi="http://xbrl.org/2006/xbrldi"
  xmlns:acme="https://acme.example/esg/2025" xmlns:utr="http://www.xbrl.org/2009/utr">
  <link:schemaRef xlink:type="simple" xlink:href="https://acme.example/esg/2025/acme-esg-entry.xsd"/>
  {}
  {}
  <xbrli:unit id="t"><xbrli:measure>utr:tCO2e</xbrli:measure></xbrli:unit>
  <acme:TotalEmissions contextRef="fy" unitRef="t" decimals="0">100</acme:TotalEmissions>
  <acme:Scope1Emissions contextRef="fy" unitRef="t" decimals="0">60</acme:Scope1Emissions>
  <acme:Scope2Emissions contextRef="fy" unitRef="t" decimals="0">30</acme:Scope2Emissions>
  <acme:TotalEmissions contextRef="fy_f" unitRef="t" decimals="0">70</acme:TotalEmissions>
</xbrli:xbrl>"#,
        ctx("fy", ""),
        ctx(
            "fy_f",
            r#"<xbrli:segment><xbrldi:explicitMember dimension="acme:SiteAxis">acme:FactoriesMember</xbrldi:explicitMember></xbrli:segment>"#
        ),
    );
    let f = t.path().join("acme.xbrl");
    std::fs::write(&f, filing).unwrap();
    let result = validate_json(&[f.as_os_str(), "--taxonomy-package".as_ref(), zip.as_os_str()]);
    let diags = result["diagnostics"].as_array().unwrap();
    let about_total: Vec<&Value> =
        diags.iter().filter(|d| d["message"].as_str().unwrap_or("").contains("TotalEmissions")).collect();
    assert!(
        about_total.iter().any(|d| d["message"].as_str().unwrap().contains("Scope1Emissions")),
        "the calculation 100 != 60 + 30 is found: {diags:#?}"
    );
    // The calculation is its only error: the concepts, units, period types and the Factories
    // member on the site axis are all accepted.
    let errors: Vec<&Value> = diags.iter().filter(|d| d["severity"] == "error").collect();
    assert_eq!(errors.len(), 1, "{diags:#?}");
    assert!(errors[0]["message"].as_str().unwrap().contains("TotalEmissions does not add up"), "{diags:#?}");
    // The same filing without the package: esgx's own taxonomies do not know it.
    let o = esgx().arg("validate").arg(&f).args(["--format", "json"]).output().unwrap();
    assert_ne!(o.status.code(), Some(0));
}

#[test]
fn labels_of_any_language_go_through_the_source_the_package_and_back() {
    let t = tempfile::tempdir().unwrap();
    // A copy of the source with a French label on a concept and a German one on a member.
    let src = t.path().join("hkex-esg");
    for rel in ["taxonomy.json", "units.json", "dimensions.json", "requirements.json"] {
        std::fs::create_dir_all(&src).unwrap();
        std::fs::copy(repo().join("taxonomy/hkex-esg").join(rel), src.join(rel)).unwrap();
    }
    std::fs::create_dir_all(src.join("concepts")).unwrap();
    for e in std::fs::read_dir(repo().join("taxonomy/hkex-esg/concepts")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, src.join("concepts").join(p.file_name().unwrap())).unwrap();
    }
    let edit = |rel: &str, f: &dyn Fn(&mut Value)| {
        let mut v: Value = serde_json::from_slice(&std::fs::read(src.join(rel)).unwrap()).unwrap();
        f(&mut v);
        std::fs::write(src.join(rel), serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    };
    edit("concepts/environment.json", &|v| {
        v["concepts"][0]["labels"]["fr"] = json!("Émissions (étiquette de test)");
    });
    edit("dimensions.json", &|v| {
        v["axes"][0]["members"][0]["labels"]["de-CH"] = json!("Testbezeichnung");
    });
    let source = Taxonomy::from_dir(&src).unwrap_or_else(|d| panic!("the source with more languages loads: {d:?}"));
    let zip = build_package(&source, t.path());
    let loaded = Taxonomy::from_package(&zip).unwrap_or_else(|d| panic!("the package loads: {d:?}"));
    if let Some(diff) = first_difference(&model(&source), &model(&loaded), "") {
        panic!("the loaded model differs from the source's at {diff}");
    }
    let first = serde_json::from_slice::<Value>(&std::fs::read(src.join("concepts/environment.json")).unwrap())
        .unwrap()["concepts"][0]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let c = loaded.concept(&first).unwrap();
    assert_eq!(c.def.labels.other.get("fr").map(String::as_str), Some("Émissions (étiquette de test)"));
    assert_eq!(loaded.axes[0].members[1].def.labels.other.get("de-CH").map(String::as_str), Some("Testbezeichnung"));
}
