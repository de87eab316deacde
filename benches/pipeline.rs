//! `cargo bench`: time the pipeline (and a diff) on a synthetic dataset (default 100,000 facts; set
//! ESGX_BENCH_FACTS), stage by stage, and report facts per second. No timing is asserted in
//! tests; this is where the speed targets are watched. With ESGX_BENCH_DATASET=FILE it only writes
//! the synthetic dataset there, for timing other tools (Arelle) on its export.

use esgx::taxonomy::Taxonomy;
use serde_json::json;
use std::time::Instant;

/// The allocator the `esgx` command line uses, so that the stages are timed as users run them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn synthetic(n: usize) -> Vec<u8> {
    let regions = 2_000.min(n / 2).max(1);
    let years = (n / (2 * regions)).max(1);
    let mut periods = serde_json::Map::new();
    for y in 0..years {
        let y = 2023 - y as i32;
        periods.insert(format!("FY{y}"), json!({"start": format!("{y}-01-01"), "end": format!("{y}-12-31")}));
    }
    let members: Vec<_> = (0..regions).map(|i| json!({"axis": "RegionAxis", "name": format!("Region{i}Member"), "parent": "ChinaMember", "labels": {"en": format!("Region {i}")}})).collect();
    let mut facts = Vec::with_capacity(n);
    for y in 0..years {
        let p = format!("FY{}", 2023 - y as i32);
        for i in 0..regions {
            let dims = json!({"RegionAxis": format!("Region{i}Member")});
            facts.push(json!({"concept": "NumberOfSuppliers", "value": (10 + i % 7).to_string(), "period": p, "dimensions": dims, "source": {"document": "ar", "line": i + 1}}));
            facts.push(json!({"concept": "NumberOfEmployees", "value": format!("{}", 100 + i % 13), "period": p, "dimensions": dims, "source": {"document": "ar", "line": i + 1}}));
        }
    }
    serde_json::to_vec(&json!({
        "formatVersion": "1.0", "taxonomy": "hkex-esg", "framework": "hkex-esg-guide-2020",
        "entity": {"name": "Synthetic", "identifier": {"scheme": "https://esgx.dev/id/entity-name", "value": "Synthetic"}},
        "periods": periods, "reportingPeriod": "FY2023", "sources": [{"id": "ar", "title": "synthetic"}],
        "extensions": {"prefix": "syn", "namespace": "https://esgx.dev/taxonomy/ext/syn/1", "members": members},
        "facts": facts,
    }))
    .expect("serializes")
}

fn main() {
    let n: usize = std::env::var("ESGX_BENCH_FACTS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let bytes = synthetic(n);
    if let Some(path) = std::env::var_os("ESGX_BENCH_DATASET") {
        std::fs::write(&path, &bytes).expect("writes the dataset");
        eprintln!("wrote a synthetic dataset for {n} facts to {}", std::path::Path::new(&path).display());
        return;
    }
    let t0 = Instant::now();
    let ds = esgx::dataset::from_json_bytes("bench.json", bytes).expect("valid dataset");
    let t1 = Instant::now();
    let mut tax = Taxonomy::bundled("hkex-esg").expect("taxonomy");
    tax.extend(ds.doc.extensions.as_ref().expect("extension"), &ds.doc.framework, "bench.json").expect("extension");
    let (report, _) = esgx::map::map(&ds, &tax);
    let t2 = Instant::now();
    let (diags, _) = esgx::validate::validate(&report, &tax, &esgx::validate::Options::default());
    let t3 = Instant::now();
    let xml = esgx::emit::xbrl_xml::write(&report);
    let t4 = Instant::now();
    let js = esgx::emit::xbrl_json::write(&report);
    let t5 = Instant::now();
    // The Inline XBRL page, streamed into memory (its charts, notes and content index included).
    let filing = esgx::emit::Filing { report: &report, taxonomy: &tax, lang: "en", rendered: None };
    let mut page = Vec::new();
    esgx::emit::ixbrl::write_page(&filing, &mut page).expect("writes to memory");
    let t5p = Instant::now();
    // diff: the report against a reversed copy with one figure changed.
    let side = |report: esgx::report::Report| esgx::diff::Side {
        input: "bench.json".into(),
        kind: "dataset",
        report,
        taxonomy: tax.clone(),
        left_out: Vec::new(),
    };
    let mut edited = report.clone();
    edited.facts.reverse();
    edited.facts[0].value = esgx::report::FactValue::Number(rust_decimal::Decimal::from(999_999));
    let (old, new) = (side(report.clone()), side(edited));
    let t6 = Instant::now();
    let d = esgx::diff::compare(&old, &new);
    let t7 = Instant::now();
    assert_eq!(d.summary.changed + d.summary.restated, 1);
    let facts = report.facts.len();
    let ms = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1000.0;
    println!(
        "facts: {facts} ({} findings; XML {} MB, JSON {} MB, page {} MB)",
        diags.len(),
        xml.len() / 1_000_000,
        js.len() / 1_000_000,
        page.len() / 1_000_000
    );
    println!("read + schema: {:8.1} ms", ms(t0, t1));
    println!("map:           {:8.1} ms", ms(t1, t2));
    println!("validate:      {:8.1} ms", ms(t2, t3));
    println!("emit XML:      {:8.1} ms", ms(t3, t4));
    println!("emit JSON:     {:8.1} ms", ms(t4, t5));
    println!("emit page:     {:8.1} ms", ms(t5, t5p));
    println!("diff:          {:8.1} ms (not in the total)", ms(t6, t7));
    println!("total:         {:8.1} ms ({:.0} facts/s)", ms(t0, t5p), facts as f64 / (t5p - t0).as_secs_f64());
    tables(&report, &tax, ms(t3, t4));
}

/// The table formats beside the XML writer, which is the yardstick: writing xBRL-CSV and the
/// flat facts table, and reading xBRL-CSV back (beside reading the XML instance back).
fn tables(report: &esgx::report::Report, tax: &Taxonomy, xml_ms: f64) {
    use esgx::emit::{Memory, Writer};
    let n = report.facts.len() as f64;
    let per_fact = |ms: f64| ms * 1e6 / n; // nanoseconds per fact
    let t = Instant::now();
    let (meta, table) = esgx::emit::xbrl_csv::write(report);
    let csv_ms = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    let (facts_csv, facts_jsonl) = esgx::emit::facts_table::write(report, tax, "en");
    let facts_ms = t.elapsed().as_secs_f64() * 1000.0;
    println!("emit xBRL-CSV: {csv_ms:8.1} ms ({:.0} ns/fact; XML {:.0} ns/fact)", per_fact(csv_ms), per_fact(xml_ms));
    println!("emit facts:    {facts_ms:8.1} ms ({:.0} ns/fact, CSV and JSON Lines)", per_fact(facts_ms));
    // Readers: the filing on disk beside its taxonomy, as validate reads it.
    let dir = tempfile::tempdir().expect("temp dir");
    let mut mem = Memory::default();
    let filing = esgx::emit::Filing { report, taxonomy: tax, lang: "en", rendered: None };
    esgx::emit::taxonomy_files::TaxonomyFiles.write(&filing, &mut mem).expect("taxonomy files");
    esgx::emit::xbrl_xml::XbrlXml.write(&filing, &mut mem).expect("XML");
    for o in &mem.outputs {
        let path = dir.path().join(&o.path);
        std::fs::create_dir_all(path.parent().expect("in the folder")).expect("folder");
        std::fs::write(path, &o.bytes).expect("writes");
    }
    std::fs::write(dir.path().join(esgx::emit::xbrl_csv::METADATA_FILE), &meta).expect("writes");
    std::fs::write(dir.path().join(esgx::emit::xbrl_csv::TABLE_FILE), &table).expect("writes");
    let read = |file: &str| {
        let t = Instant::now();
        let imported = esgx::import::read(&dir.path().join(file), None).expect("reads back");
        assert_eq!(imported.report.facts.len(), report.facts.len());
        t.elapsed().as_secs_f64() * 1000.0
    };
    let (xml_read, csv_read) = (read(esgx::emit::xbrl_xml::INSTANCE_FILE), read(esgx::emit::xbrl_csv::METADATA_FILE));
    println!("read XML:      {xml_read:8.1} ms ({:.0} ns/fact)", per_fact(xml_read));
    println!("read xBRL-CSV: {csv_read:8.1} ms ({:.0} ns/fact)", per_fact(csv_read));
    let (xlsx_read, xlsx_facts) = read_workbook(tax, report.facts.len());
    println!(
        "read XLSX:     {xlsx_read:8.1} ms ({:.0} ns/fact, a filled template of {xlsx_facts} figures)",
        xlsx_read * 1e6 / xlsx_facts.max(1) as f64
    );
    println!(
        "sizes: xBRL-CSV {} MB, facts.csv {} MB, facts.jsonl {} MB",
        (meta.len() + table.len()) / 1_000_000,
        facts_csv.len() / 1_000_000,
        facts_jsonl.len() / 1_000_000
    );
}

/// Reading a filled XLSX template of about `n` figures: the taxonomy's template for ten years,
/// its figure rows repeated until they hold `n` values, every year cell filled. Returns the time
/// to read it into a dataset and the figures it holds.
fn read_workbook(tax: &Taxonomy, n: usize) -> (f64, usize) {
    use calamine::Reader;
    use esgx::dataset::xlsx;
    let years: Vec<i32> = (0..10).map(|y| 2023 - y).collect();
    let template = xlsx::template(tax, "hkex-esg-guide-2020", &years, "en").expect("template");
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(template)).expect("opens");
    let names = wb.sheet_names();
    let aspect = |name: &str| ![xlsx::ENTITY_SHEET, xlsx::LISTS_SHEET, xlsx::EXTENSIONS_SHEET].contains(&name);
    let mut sheets: Vec<(String, Vec<Vec<String>>)> = Vec::new();
    for name in &names {
        let range = wb.worksheet_range(name).expect("a sheet");
        let rows = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
        sheets.push((name.clone(), rows));
    }
    // A figure row names its concept (column C); the rows below them are room for the preparer.
    let is_figure = |row: &Vec<String>| row.get(2).is_some_and(|c| !c.is_empty());
    let figure_rows: usize =
        sheets.iter().filter(|(n, _)| aspect(n)).map(|(_, r)| r[1..].iter().filter(|r| is_figure(r)).count()).sum();
    let copies = n.div_ceil((figure_rows * years.len()).max(1));
    let mut out = rust_xlsxwriter::Workbook::new();
    let mut figures = 0;
    for (name, rows) in &sheets {
        let ws = out.add_worksheet().set_name(name).expect("sheet name");
        let mut r_out = 0u32;
        let write = |ws: &mut rust_xlsxwriter::Worksheet, row: &[String], r: u32| {
            for (c, v) in row.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
                ws.write_string(r, c as u16, v).expect("a cell");
            }
        };
        if !aspect(name) {
            for row in rows {
                write(ws, row, r_out);
                r_out += 1;
            }
            continue;
        }
        let header = &rows[0];
        let year_cols: Vec<usize> = (0..header.len()).filter(|c| header[*c].starts_with("FY")).collect();
        write(ws, header, 0);
        r_out = 1;
        for _ in 0..copies {
            for row in rows[1..].iter().filter(|r| is_figure(r)) {
                let mut row = row.clone();
                row.resize(header.len(), String::new());
                for c in &year_cols {
                    row[*c] = "1".into();
                    figures += 1;
                }
                write(ws, &row, r_out);
                r_out += 1;
            }
        }
    }
    let bytes = out.save_to_buffer().expect("saves");
    let t = Instant::now();
    let read = xlsx::read("bench.xlsx", bytes);
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    if let Err(e) = &read {
        eprintln!("the bench workbook has {} findings (read regardless): {}", e.len(), e[0]);
    }
    (ms, figures)
}
