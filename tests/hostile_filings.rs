//! Filings made by someone hostile: esgx reads only regular files inside the filing's folder,
//! of bounded size, never blocks on them, and says nothing about files outside.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// An export of the bundled dataset whose extension schema has no esgx source section, so that
/// its linkbases are read by reference. Returns the filing.
fn plain_filing(dir: &Path) -> PathBuf {
    let out = dir.join("filing");
    esgx().args(["export", "--example", "qifu-2023", "--out"]).arg(&out).assert().success();
    let xsd = out.join("taxonomy/qifu-extension.xsd");
    let text = std::fs::read_to_string(&xsd).unwrap();
    let text: String = text.lines().filter(|l| !l.contains("<esgxsrc:extension")).map(|l| format!("{l}\n")).collect();
    std::fs::write(&xsd, text).unwrap();
    out.join("report.xbrl")
}

fn set_label_linkbase(filing: &Path, href: &str) {
    let xsd = filing.parent().unwrap().join("taxonomy/qifu-extension.xsd");
    let text = std::fs::read_to_string(&xsd).unwrap();
    let old = r#"xlink:href="qifu-extension-lab.xml""#;
    assert!(text.contains(old));
    std::fs::write(&xsd, text.replace(old, &format!(r#"xlink:href="{href}""#))).unwrap();
}

/// Validate with a time limit (a FIFO must not block); exit code and all output.
fn validate(filing: &Path) -> (Option<i32>, String) {
    let o = esgx().arg("validate").arg(filing).timeout(Duration::from_secs(60)).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    (o.status.code(), text)
}

#[test]
fn a_plain_extension_schema_is_read_with_its_linkbases() {
    let tmp = tempfile::tempdir().unwrap();
    let f = plain_filing(tmp.path());
    let (code, text) = validate(&f);
    assert_eq!(code, Some(0), "{text}");
}

#[test]
fn linkbases_outside_the_filings_folder_are_refused_without_saying_whether_they_exist() {
    let tmp = tempfile::tempdir().unwrap();
    let f = plain_filing(tmp.path());
    // A real label linkbase outside the folder, with a marker label.
    let lab = f.parent().unwrap().join("taxonomy/qifu-extension-lab.xml");
    let marked = std::fs::read_to_string(&lab).unwrap().replace("East China", "SECRET-MARKER");
    std::fs::write(tmp.path().join("outside-lab.xml"), marked).unwrap();
    let mut messages = Vec::new();
    for href in ["../../outside-lab.xml", "../../does-not-exist.xml", "/etc/passwd", "/proc/self/environ", "/dev/zero"]
    {
        set_label_linkbase(&f, href);
        let (code, text) = validate(&f);
        assert_eq!(code, Some(1), "{href}: {text}");
        assert!(text.contains("E0007"), "{href}: {text}");
        assert!(!text.contains("SECRET-MARKER") && !text.contains("root:"), "{href}: {text}");
        assert!(!text.contains("No such file") && !text.contains("not found"), "{href}: {text}");
        messages.push(text.replace(href, "HREF"));
        set_label_linkbase_back(&f, href);
    }
    // An existing and a missing file outside look the same.
    assert_eq!(messages[0], messages[1]);
}

fn set_label_linkbase_back(filing: &Path, href: &str) {
    let xsd = filing.parent().unwrap().join("taxonomy/qifu-extension.xsd");
    let text = std::fs::read_to_string(&xsd).unwrap();
    std::fs::write(&xsd, text.replace(&format!(r#"xlink:href="{href}""#), r#"xlink:href="qifu-extension-lab.xml""#))
        .unwrap();
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_folder_fifos_and_devices_are_refused_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let f = plain_filing(tmp.path());
    let tax = f.parent().unwrap().join("taxonomy");
    std::fs::write(tmp.path().join("outside.xml"), "<x/>").unwrap();
    std::os::unix::fs::symlink(tmp.path().join("outside.xml"), tax.join("link-out.xml")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", tax.join("zero.xml")).unwrap();
    let fifo = tax.join("fifo.xml");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo with a valid path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    for (href, expect) in [
        ("link-out.xml", "points outside the filing's folder"),
        ("zero.xml", "points outside the filing's folder"),
        ("fifo.xml", "is a FIFO"),
    ] {
        set_label_linkbase(&f, href);
        let started = std::time::Instant::now();
        let (code, text) = validate(&f);
        assert!(code == Some(1) || code == Some(2), "{href}: {code:?} {text}");
        assert!(text.contains(expect), "{href}: {text}");
        assert!(started.elapsed() < Duration::from_secs(30), "{href} took {:?}", started.elapsed());
        set_label_linkbase_back(&f, href);
    }
    // A symlink that stays inside the folder is fine.
    std::os::unix::fs::symlink("qifu-extension-lab.xml", tax.join("link-in.xml")).unwrap();
    set_label_linkbase(&f, "link-in.xml");
    assert_eq!(validate(&f).0, Some(0));
}

#[test]
fn a_schema_ref_outside_the_filings_folder_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let f = plain_filing(tmp.path());
    // The same taxonomy, one folder up: outside the filing's folder.
    let moved = tmp.path().join("taxonomy");
    std::fs::rename(f.parent().unwrap().join("taxonomy"), &moved).unwrap();
    let text = std::fs::read_to_string(&f).unwrap().replace(r#"href="taxonomy/"#, r#"href="../taxonomy/"#);
    std::fs::write(&f, text).unwrap();
    let (code, text) = validate(&f);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("../taxonomy/qifu-extension.xsd points outside the filing's folder"), "{text}");
}

#[test]
fn inputs_over_the_size_limit_are_refused_before_they_are_read() {
    let tmp = tempfile::tempdir().unwrap();
    let f = plain_filing(tmp.path());
    let size = std::fs::metadata(&f).unwrap().len();
    let o = esgx().arg("validate").arg(&f).env("ESGX_MAX_INPUT_BYTES", (size - 1).to_string()).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&format!("is {size} bytes, over the input size limit of {} bytes", size - 1)), "{err}");
    assert!(err.contains("ESGX_MAX_INPUT_BYTES"), "{err}");
    // The same for a dataset.
    let o = esgx()
        .arg("export")
        .arg(repo().join("examples/fy2025-example/dataset.json"))
        .arg("--out")
        .arg(tmp.path().join("x"))
        .env("ESGX_MAX_INPUT_BYTES", "1000")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("over the input size limit of 1000 bytes"));
    assert!(!tmp.path().join("x").exists());
}

#[cfg(unix)]
#[test]
fn a_fifo_or_device_given_as_the_input_is_refused() {
    let (code, text) = validate(Path::new("/dev/zero"));
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("is a device"), "{text}");
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("in.json");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo with a valid path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let (code, text) = validate(&fifo);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("is a FIFO"), "{text}");
    // Both sides of a diff are inputs too, read within the same limits.
    let o = esgx()
        .args(["diff", "/dev/zero"])
        .arg(repo().join("examples/qifu-2023/dataset.json"))
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is a device"), "{}", String::from_utf8_lossy(&o.stderr));
    // A baseline is an input too: a FIFO there is refused, not waited on forever.
    let o = esgx()
        .args(["validate", "--example", "qifu-2023", "--baseline"])
        .arg(&fifo)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is a FIFO"));
}

/// Run esgx with its address space capped, so that runaway memory fails the test instead of
/// the machine.
#[cfg(unix)]
fn validate_capped(filing: &Path, megabytes: u64) -> (Option<i32>, String) {
    let bin = assert_cmd::cargo::cargo_bin("esgx");
    let o = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {}; exec \"$0\" validate \"$1\"", megabytes * 1024))
        .arg(&bin)
        .arg(filing)
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    (o.status.code(), text)
}

/// Declarations and elements added to the extension schema: `decls` namespace declarations on
/// its root, `elements` element declarations that esgx reads and skips.
fn amplify_extension_schema(filing: &Path, decls: usize, elements: usize) {
    let xsd = filing.parent().unwrap().join("taxonomy/qifu-extension.xsd");
    let text = std::fs::read_to_string(&xsd).unwrap();
    let many: String = (0..decls).map(|i| format!(" xmlns:n{i}=\"urn:hostile:{i}\"")).collect();
    let els: String = (0..elements).map(|i| format!("<xs:element name=\"H{i}\"/>\n")).collect();
    let text = text.replacen("<xs:schema ", &format!("<xs:schema{many} "), 1).replacen(
        "</xs:schema>",
        &format!("{els}</xs:schema>"),
        1,
    );
    std::fs::write(&xsd, text).unwrap();
}

#[cfg(unix)]
#[test]
fn namespace_declarations_cost_per_declaration_not_per_element() {
    let tmp = tempfile::tempdir().unwrap();
    let f = plain_filing(tmp.path());
    // About 300 KB: before the fix every element copied all 2,000 bindings (gigabytes).
    amplify_extension_schema(&f, 2_000, 8_000);
    let (code, text) = validate_capped(&f, 1024);
    assert_eq!(code, Some(0), "{text}");
}

/// The id of the `n`th fact (1-based, in dataset order) of an XML filing: ids are derived from
/// the facts' aspects, so a test names facts by position this way.
fn nth_fact_id(filing: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(filing).unwrap();
    let ids: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("contextRef="))
        .filter_map(|l| l.split(" id=\"").nth(1)?.split('"').next())
        .collect();
    ids[n - 1].to_string()
}

/// The filing with `n` more copies of the fact with id `id` (new ids).
fn with_copies(filing: &Path, id: &str, n: usize, vary: bool) {
    let text = std::fs::read_to_string(filing).unwrap();
    let line = text.lines().find(|l| l.contains(&format!("id=\"{id}\""))).unwrap().to_string();
    let mut copies = String::new();
    for i in 0..n {
        let mut l = line.replace(&format!("id=\"{id}\""), &format!("id=\"copy{i}\""));
        if vary {
            // Another figure with the same decimals: an inconsistent duplicate.
            let (head, rest) = l.split_once("\">").unwrap();
            let tail = &rest[rest.find('<').unwrap()..];
            l = format!("{head}\">{}.5{tail}", 1000 + i);
        }
        copies.push_str(&l);
        copies.push('\n');
    }
    std::fs::write(filing, text.replacen(&format!("{line}\n"), &format!("{line}\n{copies}"), 1)).unwrap();
}

fn validate_json(filing: &Path) -> serde_json::Value {
    let o = esgx().arg("validate").arg(filing).args(["--format", "json"]).output().unwrap();
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)))
}

#[test]
fn repeated_facts_are_judged_once_per_distinct_figure() {
    let tmp = tempfile::tempdir().unwrap();
    let f = plain_filing(tmp.path());
    let before = validate_json(&f);
    let count = |v: &serde_json::Value, code: &str| {
        v["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == code).count()
    };
    // f117 is a figure stated elsewhere that fails its intensity check (W0302) and differs from
    // the primary statement (W0402): 2,000 identical copies are still one figure.
    assert!(count(&before, "W0302") > 0);
    with_copies(&f, &nth_fact_id(&f, 117), 2_000, false);
    let after = validate_json(&f);
    assert_eq!(count(&after, "W0302"), count(&before, "W0302"));
    assert_eq!(count(&after, "W0402"), count(&before, "W0402"));
    assert_eq!(count(&after, "I0401"), count(&before, "I0401") + 1);
    let dup: Vec<&serde_json::Value> = after["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "I0401" && d["facts"].as_array().unwrap().len() > 2)
        .collect();
    assert_eq!(dup.len(), 1);
    let msg = dup[0]["message"].as_str().unwrap();
    assert!(msg.contains("reported 2001 times") && msg.contains(" more"), "{msg}");
    assert!(msg.len() < 3_000, "the message lists every copy: {} bytes", msg.len());
}

#[test]
fn inconsistent_duplicates_are_one_error_with_a_short_message() {
    let tmp = tempfile::tempdir().unwrap();
    let f = plain_filing(tmp.path());
    with_copies(&f, &nth_fact_id(&f, 3), 3_000, true);
    let v = validate_json(&f);
    let e: Vec<&serde_json::Value> =
        v["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "E0401").collect();
    assert_eq!(e.len(), 1, "{e:#?}");
    let msg = e[0]["message"].as_str().unwrap();
    assert!(msg.contains("reported 3002 times") && msg.contains(" more") && msg.len() < 3_000, "{msg}");
}

#[test]
fn characters_xml_does_not_allow_are_malformed_xml() {
    let tmp = tempfile::tempdir().unwrap();
    let f = plain_filing(tmp.path());
    let good = std::fs::read_to_string(&f).unwrap();
    let text_fact = r#"">Qifu Technology integrates"#;
    let id217 = nth_fact_id(&f, 217);
    assert!(good.contains(text_fact));
    let cases: Vec<(&str, String, &str)> = vec![
        ("escape reference", good.replacen(text_fact, &format!("{text_fact} &#x1b;[2J"), 1), "&#x1b;"),
        ("U+FFFE reference", good.replacen(text_fact, &format!("{text_fact} &#xFFFE;"), 1), "&#xFFFE;"),
        ("NUL reference", good.replacen(text_fact, &format!("{text_fact} &#0;"), 1), "&#0;"),
        ("raw control byte", good.replacen(text_fact, &format!("{text_fact} \u{1}"), 1), "U+0001"),
        ("raw U+FFFF", good.replacen(text_fact, &format!("{text_fact} \u{FFFF}"), 1), "U+FFFF"),
        (
            "reference in an attribute",
            good.replacen(&format!("id=\"{id217}\""), &format!("id=\"{id217}&#x7;\""), 1),
            "U+0007",
        ),
    ];
    for (what, text, expect) in cases {
        std::fs::write(&f, &text).unwrap();
        let (code, out) = validate(&f);
        assert_eq!(code, Some(1), "{what}: {out}");
        assert!(out.contains("E0003") && out.contains(expect), "{what}: {out}");
    }
    // In an extension schema too.
    std::fs::write(&f, &good).unwrap();
    let xsd = f.parent().unwrap().join("taxonomy/qifu-extension.xsd");
    let schema = std::fs::read_to_string(&xsd).unwrap();
    std::fs::write(&xsd, schema.replacen("<xs:annotation>", "<xs:annotation>&#x1b;", 1)).unwrap();
    let (code, out) = validate(&f);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("E0003") && out.contains("&#x1b;"), "{out}");
}

#[test]
fn a_huge_value_is_not_echoed_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let f = plain_filing(tmp.path());
    let text = std::fs::read_to_string(&f).unwrap();
    let huge = format!(">1{}</esgx:GhgEmissionsScope1>", "x".repeat(5_000_000));
    std::fs::write(&f, text.replacen(">14.35</esgx:GhgEmissionsScope1>", &huge, 1)).unwrap();
    let (code, out) = validate(&f);
    assert_eq!(code, Some(1));
    assert!(out.contains("E0213") && out.contains("more characters"), "{}", &out[..out.len().min(3000)]);
    assert!(out.len() < 50_000, "the output is {} bytes", out.len());
}

/// The filing's footnote link replaced by `link` (the elements inside `link:footnoteLink`).
fn with_footnote_link(filing: &Path, link: &str) {
    let text = std::fs::read_to_string(filing).unwrap();
    let start = text.find("<link:footnoteLink ").unwrap();
    let open_end = start + text[start..].find('>').unwrap() + 1;
    let end = text.find("</link:footnoteLink>").unwrap();
    std::fs::write(filing, format!("{}{link}{}", &text[..open_end], &text[end..])).unwrap();
}

/// A footnote link in which every locator (one per fact id in `facts`) shares one label, and one
/// arc from that label leads to each footnote of `notes`: `facts.len() * notes.len()` links.
fn links_from_one_label(facts: &[String], notes: &[String]) -> String {
    let arcrole = "http://www.xbrl.org/2003/arcrole/fact-footnote";
    let mut link = String::new();
    for id in facts {
        link += &format!("<link:loc xlink:type=\"locator\" xlink:href=\"#{id}\" xlink:label=\"all\"/>\n");
    }
    for (i, text) in notes.iter().enumerate() {
        link += &format!(
            "<link:footnote xlink:type=\"resource\" xlink:label=\"n{i}\" xml:lang=\"en\">{text}</link:footnote>\n"
        );
        link += &format!(
            "<link:footnoteArc xlink:type=\"arc\" xlink:arcrole=\"{arcrole}\" xlink:from=\"all\" xlink:to=\"n{i}\"/>\n"
        );
    }
    link
}

#[cfg(unix)]
#[test]
fn footnote_links_that_multiply_are_refused_before_they_are_made() {
    let tmp = tempfile::tempdir().unwrap();
    let f = plain_filing(tmp.path());
    // 3,000 locators sharing one label and 3,000 arcs from it: nine million links from 9,000
    // elements (a few hundred kilobytes).
    let first = vec![nth_fact_id(&f, 1); 3_000];
    let notes: Vec<String> = (0..3_000).map(|i| format!("Note {i}.")).collect();
    with_footnote_link(&f, &links_from_one_label(&first, &notes));
    let (code, text) = validate_capped(&f, 1024);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("E0007") && text.contains("footnote links make 9000000 fact-footnote relationships"),
        "{text}"
    );
    // A few footnotes of a megabyte each, linked to every fact: few links, but each fact's note
    // would copy them all (a gigabyte).
    let ids: Vec<String> = (1..=262).map(|n| nth_fact_id(&f, n)).collect();
    with_footnote_link(&f, &links_from_one_label(&ids, &vec!["x".repeat(1 << 20); 4]));
    let (code, text) = validate_capped(&f, 1024);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("E0007") && text.contains("copied to each fact"), "{text}");
}
