//! Broken inputs end with exit code 1 (or 2 for I/O), a message that names the file and the
//! place, never a panic, and nothing written.

mod common;
use common::*;
use std::path::Path;

/// Export `file`; assert the exit code, that stderr names `expect` and the file, and that no
/// output was written.
fn rejects(file: &Path, code: i32, expect: &str) -> String {
    let out = file.parent().unwrap().join("out");
    let assert = esgx().arg("export").arg(file).arg("--out").arg(&out).assert().code(code);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(stderr.contains(expect), "stderr lacks {expect:?}:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(files(&out).is_empty(), "something was written for a rejected input: {:?}", files(&out));
    stderr
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn minimal() -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(data("minimal.json")).unwrap()).unwrap()
}

fn with(edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut v = minimal();
    edit(&mut v);
    serde_json::to_vec_pretty(&v).unwrap()
}

#[test]
fn empty_truncated_garbage_and_wrongly_encoded_files() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    rejects(&write(d, "empty.json", b""), 1, "the file is empty");
    let full = std::fs::read(data("minimal.json")).unwrap();
    let s = rejects(&write(d, "truncated.json", &full[..full.len() / 2]), 1, "invalid JSON");
    assert!(s.contains("truncated.json:"), "{s}");
    rejects(&write(d, "garbage.json", &[0x00, 0xff, 0xfe, 0x13, 0x80, 0x81]), 1, "not valid UTF-8");
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain("{}".encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
    rejects(&write(d, "utf16.json", &utf16), 1, "UTF-16");
    rejects(&write(d, "array.json", b"[1,2,3]"), 1, "schema");
    rejects(&write(d, "notes.txt", b"hello"), 2, "unknown dataset file type");
}

#[test]
fn deep_nesting_and_absurd_numbers() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    rejects(&write(d, "deep.json", deep.as_bytes()), 1, "invalid JSON");
    let huge = with(|v| v["facts"][0]["value"] = "9".repeat(400).into());
    let s = rejects(&write(d, "huge.json", &huge), 1, "more digits than can be kept exactly");
    assert!(s.contains("#/facts/0/value"), "{s}");
    let float = with(|v| v["facts"][0]["value"] = serde_json::json!(14.35));
    rejects(&write(d, "float.json", &float), 1, "/facts/0/value");
    let exp = with(|v| v["facts"][0]["value"] = "1e308".into());
    rejects(&write(d, "exp.json", &exp), 1, "not a decimal number");
    let dec = with(|v| v["facts"][0]["decimals"] = serde_json::json!(1e300));
    rejects(&write(d, "decimals.json", &dec), 1, "/facts/0/decimals");
}

#[test]
fn taxonomy_conformance_errors_name_the_record() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let s = rejects(
        &write(d, "concept.json", &with(|v| v["facts"][1]["concept"] = "GhgEmissionScope2".into())),
        1,
        "unknown concept",
    );
    assert!(s.contains("#/facts/1/concept") && s.contains("did you mean \"GhgEmissionsScope2\""), "{s}");
    let s = rejects(&write(d, "unit.json", &with(|v| v["facts"][0]["unit"] = "MWh".into())), 1, "not allowed");
    assert!(s.contains("#/facts/0/unit"), "{s}");
    rejects(&write(d, "unit2.json", &with(|v| v["facts"][0]["unit"] = "furlongs".into())), 1, "unknown unit");
    let s = rejects(&write(d, "period.json", &with(|v| v["facts"][0]["period"] = "2024-12-31".into())), 1, "instant");
    assert!(s.contains("#/facts/0/period"), "{s}");
    rejects(&write(d, "period2.json", &with(|v| v["facts"][0]["period"] = "FY1999".into())), 1, "unknown period");
    rejects(
        &write(d, "text.json", &with(|v| v["facts"][0]["value"] = "about fourteen".into())),
        1,
        "not a decimal number",
    );
    rejects(
        &write(d, "comma.json", &with(|v| v["facts"][0]["value"] = "14,35".into())),
        1,
        "misplaced thousands separator",
    );
    let s = rejects(
        &write(d, "axis.json", &with(|v| v["facts"][0]["dimensions"] = serde_json::json!({"ColourAxis": "RedMember"}))),
        1,
        "unknown axis",
    );
    assert!(s.contains("#/facts/0/dimensions/ColourAxis"), "{s}");
    rejects(
        &write(
            d,
            "member.json",
            &with(|v| v["facts"][0]["dimensions"] = serde_json::json!({"StatementAxis": "NoSuchMember"})),
        ),
        1,
        "is not a member of StatementAxis",
    );
    rejects(
        &write(d, "source.json", &with(|v| v["facts"][0]["source"]["document"] = "nowhere".into())),
        1,
        "not listed in `sources`",
    );
    rejects(
        &write(
            d,
            "both.json",
            &with(|v| v["facts"][0]["omission"] = serde_json::json!({"reason": "not-applicable", "explanation": "x"})),
        ),
        1,
        "/facts/0",
    );
    rejects(&write(d, "lei.json", &with(|v| v["entity"]["lei"] = "5493001KJTIIGC8Y1R13".into())), 1, "not a valid LEI");
    rejects(
        &write(
            d,
            "dup.json",
            &with(|v| {
                v["facts"][0]["id"] = "x".into();
                v["facts"][1]["id"] = "x".into();
            }),
        ),
        1,
        "used twice",
    );
}

#[test]
fn csv_errors_point_at_lines() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let mut meta = minimal();
    meta.as_object_mut().unwrap().remove("facts");
    std::fs::write(d.join("facts.meta.json"), serde_json::to_vec(&meta).unwrap()).unwrap();
    let header = "concept,value,unit,period,source_document\n";
    let s = rejects(
        &write(
            d,
            "facts.csv",
            format!(
                "{header}GhgEmissionsScope1,14.35,tCO2e,FY2024,ar\nGhgEmissionsScope2,\"1,383.61,tCO2e,FY2024,ar\n"
            )
            .as_bytes(),
        ),
        1,
        "facts.csv:",
    );
    assert!(s.contains("E0006") || s.contains("fields"), "{s}");
    let s = rejects(
        &write(
            d,
            "facts.csv",
            format!("{header}GhgEmissionsScope1,14.35,tCO2e,FY2024,ar\nGhgEmissionsScope2,1383.61,tCO2e,FY2024\n")
                .as_bytes(),
        ),
        1,
        "facts.csv:3",
    );
    assert!(s.contains("fields"), "{s}");
    let s = rejects(
        &write(
            d,
            "facts.csv",
            format!("{header}GhgEmissionsScope1,14.35,tCO2e,FY2024,ar\nGhgEmissionsScope9,1,tCO2e,FY2024,ar\n")
                .as_bytes(),
        ),
        1,
        "facts.csv:3",
    );
    assert!(s.contains("unknown concept"), "{s}");
    rejects(&write(d, "facts.csv", b"colour,concept,period,source_document\n"), 1, "unknown column \"colour\"");
    // A column missing or named twice would drop figures silently: both are errors naming it.
    rejects(
        &write(d, "facts.csv", b"concept,unit,period,source_document\nGhgEmissionsScope1,tCO2e,FY2024,ar\n"),
        1,
        "missing column \"value\"",
    );
    let s = rejects(
        &write(
            d,
            "facts.csv",
            b"concept,value,unit,period,source_document,value\nGhgEmissionsScope1,1,tCO2e,FY2024,ar,2\n",
        ),
        1,
        "column \"value\" appears twice (columns 2 and 6)",
    );
    assert!(s.contains("E0005"), "{s}");
    let lone = d.join("lone");
    std::fs::create_dir(&lone).unwrap();
    rejects(&write(&lone, "x.csv", header.as_bytes()), 2, "x.meta.json");
}

#[test]
fn missing_dataset_and_bad_epoch_are_usage_errors() {
    let t = tempfile::tempdir().unwrap();
    rejects(&t.path().join("nope.json"), 2, "nope.json");
    let out = t.path().join("out");
    esgx()
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .args(["export", "--example", "qifu-2023", "--out"])
        .arg(&out)
        .assert()
        .code(2);
    assert!(files(&out).is_empty());
    esgx().args(["export"]).assert().code(2); // --out is required
}

#[test]
fn control_characters_are_refused_so_xml_and_json_outputs_cannot_disagree() {
    let t = tempfile::tempdir().unwrap();
    for (field, text) in [("note", "a\u{0}b"), ("note", "red \u{1b}[31m"), ("value", "14\u{7}.35")] {
        let s = rejects(
            &write(
                t.path(),
                "d.json",
                &with(|v| {
                    v["facts"][0][field] = text.into();
                }),
            ),
            1,
            "E0008",
        );
        assert!(s.contains(&format!("/facts/0/{field}")), "{s}");
    }
}

/// Whether an XML file is Inline XBRL is told by its first 8 KiB; a character that straddles
/// that mark once made `validate` panic (a byte index inside a character).
#[test]
fn a_character_across_the_look_at_an_xml_files_start_is_no_panic() {
    let t = tempfile::tempdir().unwrap();
    let head = "<?xml version=\"1.0\"?>\n<!--";
    let text = format!("{head}{}中中 -->\n<a/>\n", "x".repeat(8191 - head.len()));
    assert_eq!(text.find('中'), Some(8191));
    for name in ["wide.xbrl", "wide.xhtml"] {
        let p = write(t.path(), name, text.as_bytes());
        // Not an XBRL instance (E0004): not a filing esgx reads, exit 2; a panic would be 101.
        let assert = esgx().arg("validate").arg(&p).assert().code(2);
        let out = String::from_utf8_lossy(&assert.get_output().stdout).to_string()
            + &String::from_utf8_lossy(&assert.get_output().stderr);
        assert!(!out.contains("panicked"), "{out}");
        assert!(out.contains("error[E0004]") && out.contains(name), "{out}");
    }
}
