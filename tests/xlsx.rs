//! The workbook template, filled in as a preparer would (here programmatically, with the bundled
//! Qifu figures), read back into the same facts as the JSON dataset; a broken workbook's
//! findings name their cells; and a reader other than esgx (openpyxl) opens the template.

mod common;
use calamine::Reader;
use common::*;
use esgx::report::{Fact, FactValue};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// A workbook as text cells: sheet -> rows -> cells, in sheet order.
type Book = Vec<(String, Vec<Vec<String>>)>;

fn load(path: &Path) -> Book {
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
    let names = wb.sheet_names();
    names
        .into_iter()
        .map(|n| {
            let range = wb.worksheet_range(&n).unwrap();
            let rows = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
            (n, rows)
        })
        .collect()
}

fn save(book: &Book, path: &Path) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, rows) in book {
        let ws = wb.add_worksheet().set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
                ws.write_string(r as u32, c as u16, v).unwrap();
            }
        }
    }
    wb.save(path).unwrap();
}

fn sheet<'b>(book: &'b mut Book, name: &str) -> &'b mut Vec<Vec<String>> {
    &mut book.iter_mut().find(|(n, _)| n == name).unwrap().1
}

fn put(rows: &mut Vec<Vec<String>>, r: usize, c: usize, v: &str) {
    while rows.len() <= r {
        rows.push(Vec::new());
    }
    while rows[r].len() <= c {
        rows[r].push(String::new());
    }
    rows[r][c] = v.to_string();
}

/// The template filled with a JSON dataset: entity, periods, sources, extension, and each
/// figure in the template's row for it where that row is still free, else in a row added.
fn fill(template: &Path, ds: &Value) -> Book {
    let mut book = load(template);
    let entity = sheet(&mut book, "Entity");
    let label_row =
        |rows: &Vec<Vec<String>>, l: &str| rows.iter().position(|r| r.first().map(String::as_str) == Some(l)).unwrap();
    for (label, v) in [
        ("Entity name", &ds["entity"]["name"]),
        ("Identifier scheme", &ds["entity"]["identifier"]["scheme"]),
        ("Identifier", &ds["entity"]["identifier"]["value"]),
        ("Reporting period", &ds["reportingPeriod"]),
        ("Currency", &ds["currency"]),
        ("Framework", &ds["framework"]),
    ] {
        let r = label_row(entity, label);
        put(entity, r, 1, v.as_str().unwrap());
    }
    let p = label_row(entity, "Period");
    let s = label_row(entity, "Source");
    entity.truncate(p + 1);
    let mut r = p + 1;
    for (name, def) in ds["periods"].as_object().unwrap() {
        put(entity, r, 0, name);
        put(entity, r, 1, def["start"].as_str().unwrap());
        put(entity, r, 2, def["end"].as_str().unwrap());
        r += 1;
    }
    let _ = s;
    r += 1;
    put(entity, r, 0, "Source");
    put(entity, r, 1, "Title");
    for src in ds["sources"].as_array().unwrap() {
        r += 1;
        put(entity, r, 0, src["id"].as_str().unwrap());
        put(entity, r, 1, src["title"].as_str().unwrap());
    }
    let ext = sheet(&mut book, "Extensions");
    let e = &ds["extensions"];
    let mut r = 1;
    for kind in ["prefix", "namespace"] {
        put(ext, r, 0, kind);
        put(ext, r, 1, e[kind].as_str().unwrap());
        r += 1;
    }
    for (kind, list) in
        [("member", "members"), ("group", "groups"), ("concept", "concepts"), ("axis", "axes"), ("unit", "units")]
    {
        for def in e[list].as_array().into_iter().flatten() {
            put(ext, r, 0, kind);
            put(ext, r, 1, &def.to_string());
            r += 1;
        }
    }
    let mut used = std::collections::HashSet::new();
    for f in ds["facts"].as_array().unwrap() {
        let concept = f["concept"].as_str().unwrap();
        let dims: Vec<(&str, &str)> =
            f["dimensions"].as_object().into_iter().flatten().map(|(a, m)| (a.as_str(), m.as_str().unwrap())).collect();
        assert!(dims.len() <= 1, "the template has one breakdown per row");
        let (axis, member) = dims.first().copied().unwrap_or(("", ""));
        // The template's row for the figure, if it is still free; else a row added to the first aspect sheet.
        let found = book.iter().enumerate().skip(3).find_map(|(s, (_, rows))| {
            let cell = |row: &Vec<String>, c: usize| row.get(c).cloned().unwrap_or_default();
            (1..rows.len())
                .find(|r| {
                    let row = &rows[*r];
                    cell(row, 2) == concept
                        && cell(row, 3) == axis
                        && cell(row, 4) == member
                        && !used.contains(&(s, *r))
                })
                .map(|r| (s, r))
        });
        let (s, r) = match found {
            Some(k) => k,
            None => {
                let rows = &mut book[3].1;
                let r = rows.len();
                put(rows, r, 0, "");
                (3, r)
            }
        };
        used.insert((s, r));
        let rows = &mut book[s].1;
        let header = rows[0].clone();
        let col = |h: &str| header.iter().position(|x| x == h).unwrap_or_else(|| panic!("no column {h}"));
        put(rows, r, 2, concept);
        put(rows, r, 3, axis);
        put(rows, r, 4, member);
        put(rows, r, 5, f["unit"].as_str().unwrap_or(""));
        let period = f["period"].as_str().unwrap();
        if let Some(v) = f["value"].as_str() {
            put(rows, r, col(period), v);
        }
        if let Some(o) = f["omission"].as_object() {
            // The reason in the year's cell (the reason column is for the reporting year only).
            put(rows, r, col(period), o["reason"].as_str().unwrap());
            put(rows, r, col("Omission explanation"), o["explanation"].as_str().unwrap());
        }
        let src = &f["source"];
        put(rows, r, col("Source document"), src["document"].as_str().unwrap());
        for (k, h) in [("section", "Section"), ("quote", "Quote")] {
            put(rows, r, col(h), src[k].as_str().unwrap_or(""));
        }
        for (k, h) in [("page", "Page"), ("line", "Line")] {
            put(rows, r, col(h), &src[k].as_u64().map(|n| n.to_string()).unwrap_or_default());
        }
        put(rows, r, col("Notes"), f["note"].as_str().unwrap_or(""));
        put(rows, r, col("Qualifier"), f["qualifier"].as_str().unwrap_or(""));
    }
    book
}

fn comparable(f: &Fact) -> String {
    let value = match &f.value {
        FactValue::Number(n) => n.to_string(),
        FactValue::Text(t) => format!("{t:?}"),
        FactValue::Nil => "nil".into(),
    };
    let mut p = f.provenance.clone();
    p.record = String::new();
    format!("{} {} {} {:?} {:?} {value} {:?} {p:?}", f.id, f.concept, f.period, f.unit, f.dimensions, f.decimals)
}

fn facts(input: esgx::dataset::Input) -> (Vec<String>, Vec<esgx::diag::Diagnostic>) {
    let p = esgx::pipeline::prepare(&input, None, false, None, &Default::default()).unwrap_or_else(|e| panic!("{e}"));
    let mut v: Vec<String> = p.report.facts.iter().map(comparable).collect();
    v.sort();
    (v, p.diagnostics)
}

fn filled_qifu(dir: &Path) -> (Book, Value) {
    let ds = json(&repo().join("examples/qifu-2023/dataset.json"));
    let years: Vec<String> =
        ds["periods"].as_object().unwrap().keys().map(|k| k.trim_start_matches("FY").to_string()).collect();
    let mut years_arg = years.clone();
    years_arg.sort();
    years_arg.reverse();
    esgx()
        .args([
            "taxonomy",
            "template",
            "--format",
            "xlsx",
            "--framework",
            ds["framework"].as_str().unwrap(),
            "--years",
            &years_arg.join(","),
            "--out",
        ])
        .arg(dir)
        .assert()
        .success();
    (fill(&dir.join("template.xlsx"), &ds), ds)
}

#[test]
fn the_template_filled_with_the_qifu_figures_gives_the_json_datasets_facts() {
    let tmp = tempfile::tempdir().unwrap();
    let (book, _) = filled_qifu(tmp.path());
    let filled = tmp.path().join("qifu.xlsx");
    save(&book, &filled);
    let (from_xlsx, diags) = facts(esgx::dataset::Input::Path(filled.clone()));
    let (from_json, _) = facts(esgx::dataset::Input::Example(esgx::dataset::example("qifu-2023").unwrap()));
    assert!(from_xlsx.len() > 200, "the Qifu dataset has its figures: {}", from_xlsx.len());
    assert_eq!(from_xlsx, from_json);
    // Findings about figures point at their cells.
    let at_cells = diags.iter().filter(|d| !d.facts.is_empty()).all(|d| d.location.cell.is_some());
    assert!(at_cells, "{diags:?}");
    // And the CLI exports it.
    esgx().args(["export"]).arg(&filled).arg("--out").arg(tmp.path().join("out")).assert().success();
}

#[test]
fn a_broken_workbook_gives_findings_naming_the_cells() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut book, _) = filled_qifu(tmp.path());
    // Find a filled numeric row (with a unit) on an aspect sheet, and a row with a breakdown.
    let (s, r, vcol) = book
        .iter()
        .enumerate()
        .skip(3)
        .find_map(|(s, (_, rows))| {
            rows.iter().enumerate().skip(1).find_map(|(r, row)| {
                (row.get(5).is_some_and(|u| u == "tCO2e") && row.get(6).is_some_and(|v| !v.is_empty()))
                    .then_some((s, r, 6))
            })
        })
        .unwrap();
    let (ms, mr) = book
        .iter()
        .enumerate()
        .skip(3)
        .find_map(|(s, (_, rows))| {
            rows.iter().enumerate().skip(1).find_map(|(r, row)| {
                (row.get(4).is_some_and(|m| !m.is_empty()) && row.get(6).is_some_and(|v| !v.is_empty()))
                    .then_some((s, r))
            })
        })
        .unwrap();
    let letter = |c: usize| ((b'A' + c as u8) as char).to_string();
    put(&mut book[s].1, r, 5, "MWh");
    put(&mut book[s].1, r, vcol, "about twelve");
    put(&mut book[ms].1, mr, 4, "NoSuchMember");
    book.push(("Scratch".into(), vec![vec!["my notes".into()]]));
    let broken = tmp.path().join("broken.xlsx");
    save(&book, &broken);
    let o = esgx().args(["validate", "--format", "json"]).arg(&broken).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let cells: BTreeMap<String, String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["location"]["cell"].as_str().unwrap_or("").to_string(), format!("{} {}", d["code"], d["message"])))
        .collect();
    let (sn, msn) = (book[s].0.clone(), book[ms].0.clone());
    assert!(cells.contains_key("Scratch!A1"), "the extra sheet: {cells:?}");
    // The sheet with the extra sheet is refused before the figures are read: read the figures alone.
    book.pop();
    save(&book, &broken);
    let o = esgx().args(["validate", "--format", "json"]).arg(&broken).output().unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let cells: BTreeMap<String, String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| (d["location"]["cell"].as_str().unwrap_or("").to_string(), format!("{} {}", d["code"], d["message"])))
        .collect();
    let value_cell = format!("{sn}!{}{}", letter(vcol), r + 1);
    let member_cell = format!("{msn}!E{}", mr + 1);
    assert!(
        cells.get(&value_cell).is_some_and(|m| m.contains("E0213")),
        "text in a number cell at {value_cell}: {cells:?}"
    );
    assert!(
        cells.get(&member_cell).is_some_and(|m| m.contains("member")),
        "unknown member at {member_cell}: {cells:?}"
    );
    // The wrong unit is named at the unit cell (once the value is a number again).
    put(&mut book[s].1, r, vcol, "12");
    save(&book, &broken);
    let o = esgx().args(["validate", "--format", "json"]).arg(&broken).output().unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let unit_cell = format!("{sn}!F{}", r + 1);
    let found = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["location"]["cell"] == unit_cell.as_str() && d["code"] == "E0216");
    assert!(found, "wrong unit at {unit_cell}: {}", v["diagnostics"]);
}

#[test]
fn a_workbook_that_is_not_a_template_is_refused_clearly() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("other.xlsx");
    save(&vec![("Sheet1".into(), vec![vec!["Scope 1".into(), "14.35".into()]])], &path);
    let o = esgx().args(["validate"]).arg(&path).output().unwrap();
    assert_ne!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr);
    assert!(text.contains("not an esgx workbook template") && text.contains("--format xlsx"), "{text}");
}

#[test]
fn the_template_is_deterministic_and_opens_in_openpyxl() {
    let tmp = tempfile::tempdir().unwrap();
    let make = |d: &str| {
        let out = tmp.path().join(d);
        esgx()
            .args(["taxonomy", "template", "--format", "xlsx", "--years", "2023,2022,2021", "--out"])
            .arg(&out)
            .assert()
            .success();
        std::fs::read(out.join("template.xlsx")).unwrap()
    };
    let a = make("a");
    assert_eq!(a, make("b"), "same arguments, same bytes");
    // A reader other than esgx: openpyxl, installed into a venv of the test's own.
    let venv = tmp.path().join("venv");
    let ok = std::process::Command::new("python3").args(["-m", "venv"]).arg(&venv).status().is_ok_and(|s| s.success())
        && std::process::Command::new(venv.join("bin/pip"))
            .args(["install", "-q", "openpyxl"])
            .status()
            .is_ok_and(|s| s.success());
    assert!(ok, "python3 -m venv and pip install openpyxl");
    let script = r#"
import openpyxl, sys
wb = openpyxl.load_workbook(sys.argv[1])
a1 = wb["A1"]
header = [c.value for c in a1[1]]
assert header[:6] == ["KPI", "Figure", "Concept", "Breakdown", "Member", "Unit"], header
assert header[6:9] == ["FY2023", "FY2022", "FY2021"], header
assert a1.max_row > 5
assert len(a1.data_validations.dataValidation) > 0
assert wb["Entity"]["B1"].value == "esgx-xlsx-1"
print(len(wb.sheetnames))
"#;
    let o = std::process::Command::new(venv.join("bin/python"))
        .arg("-c")
        .arg(script)
        .arg(tmp.path().join("a/template.xlsx"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The findings of `esgx validate` on a workbook: (cell, code), errors only.
fn error_cells(path: &Path) -> Vec<(String, String)> {
    let o = esgx().args(["validate", "--format", "json"]).arg(path).output().unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| (d["location"]["cell"].as_str().unwrap_or("").to_string(), d["code"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn findings_about_a_figures_source_name_the_source_cells() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut book, _) = filled_qifu(tmp.path());
    // A filled row on an aspect sheet (a value in the reporting year's column).
    let (s, r) = book
        .iter()
        .enumerate()
        .skip(3)
        .find_map(|(s, (_, rows))| {
            rows.iter()
                .enumerate()
                .skip(1)
                .find_map(|(r, row)| row.get(6).is_some_and(|v| !v.is_empty()).then_some((s, r)))
        })
        .unwrap();
    let header = book[s].1[0].clone();
    let col = |h: &str| header.iter().position(|x| x == h).unwrap();
    let cell = |c: usize| format!("{}!{}{}", book[s].0, (b'A' + c as u8) as char, r + 1);
    let (document, page) = (cell(col("Source document")), cell(col("Page")));
    let broken = tmp.path().join("broken.xlsx");
    // A source document the Entity sheet does not list: named at the figure's document cell.
    put(&mut book[s].1, r, col("Source document"), "no-such-report");
    save(&book, &broken);
    let found = error_cells(&broken);
    assert!(found.contains(&(document.clone(), "E0221".into())), "unknown source at {document}: {found:?}");
    // A page that is not a number: named at the page cell.
    put(&mut book[s].1, r, col("Source document"), "");
    put(&mut book[s].1, r, col("Page"), "twelve");
    save(&book, &broken);
    let found = error_cells(&broken);
    assert!(found.iter().any(|(c, _)| *c == page), "a page that is not a number at {page}: {found:?}");
}

#[test]
fn a_cell_reference_past_any_column_is_a_finding_not_a_crash() {
    // calamine's column arithmetic overflows on such a reference (a panic where overflow is
    // checked): the fuzz test found a mutated workbook that crashed esgx this way.
    use std::io::{Read, Write};
    let tmp = tempfile::tempdir().unwrap();
    let plain = tmp.path().join("plain.xlsx");
    save(&vec![(esgx::dataset::xlsx::ENTITY_SHEET.to_string(), vec![vec!["x".into()]])], &plain);
    let mut zin = zip::ZipArchive::new(std::fs::File::open(&plain).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut entry = zin.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut text = Vec::new();
        entry.read_to_end(&mut text).unwrap();
        if name.starts_with("xl/worksheets/") {
            let xml = String::from_utf8(text).unwrap();
            assert!(xml.contains(r#"r="A1""#), "{xml}");
            text = xml.replace(r#"r="A1""#, r#"r="ZZZZZZZZZZZZZZZZ1""#).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&text).unwrap();
    }
    let bytes = out.finish().unwrap().into_inner();
    let errs = esgx::dataset::xlsx::read("hostile.xlsx", bytes).expect_err("refused");
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].code.to_string(), "E0003");
    assert!(errs[0].message.contains("not a readable XLSX workbook"), "{}", errs[0].message);
}
