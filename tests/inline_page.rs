//! The Inline XBRL page and the report packages, as a reader and a machine take them: every fact
//! of the report on the page (read back by esgx's own reader, which CI checks against Arelle),
//! charts present and labelled, the reader's language, the same bytes every time.

mod common;
use common::*;
use std::collections::BTreeMap;

fn export(out: &std::path::Path, example: &str, lang: &str) {
    esgx()
        .args(["export", "--example", example, "--lang", lang, "--out"])
        .arg(out)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .assert()
        .success();
}

/// Each fact's aspects and value, as esgx reads the filing back.
fn facts_of(path: &std::path::Path) -> BTreeMap<String, String> {
    let imported = esgx::import::read(path, None).unwrap_or_else(|d| panic!("{}: {d:?}", path.display()));
    imported
        .report
        .facts
        .iter()
        .map(|f| {
            let value = match &f.value {
                esgx::report::FactValue::Number(n) => n.normalize().to_string(),
                esgx::report::FactValue::Text(t) => t.clone(),
                esgx::report::FactValue::Nil => "(nil)".to_string(),
            };
            (
                format!("{}{}", f.aspect_key(), f.id.rsplit_once("-").filter(|(_, n)| n.len() < 3).map_or("", |x| x.1)),
                value,
            )
        })
        .collect()
}

#[test]
fn every_fact_of_the_report_is_on_the_page_and_in_both_packages() {
    let tmp = tempfile::tempdir().unwrap();
    for example in ["qifu-2023", "fy2025-example"] {
        let out = tmp.path().join(example);
        export(&out, example, "en");
        let want = facts_of(&out.join("report.xbrl"));
        assert!(want.len() > 100, "{example}: {} facts", want.len());
        for f in ["report.xhtml", "report.xbri", "report.xbr"] {
            let got = facts_of(&out.join(f));
            let missing: Vec<_> = want.iter().filter(|(k, v)| got.get(*k) != Some(v)).take(3).collect();
            assert!(
                missing.is_empty(),
                "{example}/{f}: {} of {} facts differ, e.g. {missing:?}",
                want.len() - got.len().min(want.len()),
                want.len()
            );
            assert_eq!(got.len(), want.len(), "{example}/{f}: a fact on the page that is not in the report");
        }
    }
}

/// The chart images of a page: (alt text, decoded SVG).
fn charts(page: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for part in page.split("<img ").skip(1) {
        let tag = &part[..part.find("/>").unwrap()];
        let attr = |name: &str| {
            let start = tag.find(&format!("{name}=\"")).unwrap_or_else(|| panic!("img without {name}: {tag:.200}"))
                + name.len()
                + 2;
            tag[start..start + tag[start..].find('"').unwrap()].to_string()
        };
        let src = attr("src");
        let b64 = src.strip_prefix("data:image/svg+xml;base64,").expect("an SVG data URL");
        out.push((attr("alt"), String::from_utf8(decode_base64(b64)).unwrap()));
    }
    out
}

fn decode_base64(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let bytes: Vec<u8> = s.bytes().filter(|c| *c != b'=').collect();
    let mut out = Vec::new();
    for chunk in bytes.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, c)| n | (val(*c) as u32) << (18 - 6 * i));
        out.extend(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

#[test]
fn charts_are_there_with_a_title_and_a_text_alternative_giving_their_values() {
    let tmp = tempfile::tempdir().unwrap();
    export(tmp.path(), "qifu-2023", "en");
    let page = std::fs::read_to_string(tmp.path().join("report.xhtml")).unwrap();
    let charts = charts(&page);
    assert!(charts.len() >= 4, "{} charts", charts.len());
    for (alt, svg) in &charts {
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""), "{svg:.100}");
        let title = &svg[svg.find("<title").unwrap()..svg.find("</title>").unwrap()];
        let desc = &svg[svg.find("<desc").unwrap()..svg.find("</desc>").unwrap()];
        assert!(title.len() > 20 && desc.len() > 40, "{title} / {desc}");
        assert!(svg.contains("role=\"img\"") && svg.contains("aria-labelledby="), "{svg:.300}");
        assert!(!svg.contains("<script") && !page.contains("<script"), "no script anywhere");
        assert!(alt.chars().any(|c| c.is_ascii_digit()), "the alt text gives the values: {alt}");
    }
    // The charts a reader of an ESG report looks for, where the data has them.
    let alts: Vec<&str> = charts.iter().map(|c| c.0.as_str()).collect();
    for topic in ["greenhouse gas", "energy consumption", "By gender", "By age group"] {
        assert!(alts.iter().any(|a| a.contains(topic)), "no chart about {topic}: {alts:#?}");
    }
    // Scope 1 and 2 figures, exactly as reported.
    assert!(alts.iter().any(|a| a.contains("14.35") && a.contains("1,383.61")), "{alts:#?}");
}

#[test]
fn the_page_speaks_the_language_asked_for_and_is_the_same_every_time() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, zh) = (tmp.path().join("a"), tmp.path().join("b"), tmp.path().join("zh"));
    export(&a, "qifu-2023", "en");
    export(&b, "qifu-2023", "en");
    export(&zh, "qifu-2023", "zh-Hant");
    for f in ["report.xhtml", "report.xbri", "report.xbr"] {
        assert_eq!(std::fs::read(a.join(f)).unwrap(), std::fs::read(b.join(f)).unwrap(), "{f} differs between runs");
    }
    let en = std::fs::read_to_string(a.join("report.xhtml")).unwrap();
    let page = std::fs::read_to_string(zh.join("report.xhtml")).unwrap();
    assert!(en.contains("xml:lang=\"en\">") && en.contains("Content index"));
    assert!(
        page.contains("xml:lang=\"zh-Hant\"") && page.contains("內容索引") && page.contains("2023年"),
        "not in Traditional Chinese"
    );
    // Figures read the same in both (comma thousands, dot decimals), tagged alike.
    assert!(page.contains("format=\"ixt:num-dot-decimal\">1,397.96</ix:nonFraction>"));
    assert_eq!(facts_of(&zh.join("report.xhtml")), facts_of(&a.join("report.xhtml")));
}
