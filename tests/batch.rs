//! Many inputs in one run: `esgx export` and `esgx validate` over several paths or a folder, in
//! parallel, one JSON summary line per input, the worst exit code; standard input for one input;
//! and a list of datasets sharded into parts whose summaries together are a single run's.

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

const QIFU: &str = "examples/qifu-2023/dataset.json";

/// `n` copies of the Qifu dataset in `dir`, named `qifu-001.json` ...
fn copies(dir: &Path, n: usize) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    let bytes = std::fs::read(repo().join(QIFU)).unwrap();
    (1..=n)
        .map(|i| {
            let p = dir.join(format!("qifu-{i:03}.json"));
            std::fs::write(&p, &bytes).unwrap();
            p
        })
        .collect()
}

fn lines(text: &str) -> Vec<Value> {
    text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}"))).collect()
}

/// A summary line without its time, which no two runs share.
fn timeless(mut v: Value) -> Value {
    assert!(v["millis"].is_u64(), "{v}");
    v.as_object_mut().unwrap().remove("millis");
    v
}

#[test]
fn exporting_200_copies_of_qifu_writes_200_summaries_and_200_filings() {
    let tmp = tempfile::tempdir().unwrap();
    let inputs = copies(&tmp.path().join("datasets"), 200);
    let out = tmp.path().join("out");
    let summary = tmp.path().join("summary.jsonl");
    let run = esgx()
        .arg("export")
        .arg(tmp.path().join("datasets"))
        .args(["--formats", "xbrl-xml"]) // one format keeps the test short; the benchmark writes all
        .arg("--out")
        .arg(&out)
        .arg("--summary")
        .arg(&summary)
        .assert()
        .success();
    let o = run.get_output();
    assert!(o.stdout.is_empty(), "the summary goes to the file");
    // No progress bar on a pipe: stderr holds the one closing line.
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "200 of 200 inputs exported; 0 with findings that fail, 0 that could not be processed\n"
    );
    let text = std::fs::read_to_string(&summary).unwrap();
    let got = lines(&text);
    assert_eq!(got.len(), 200);
    for (s, input) in got.iter().zip(&inputs) {
        assert_eq!(s["path"], input.display().to_string(), "in input order");
        let dir = PathBuf::from(s["out"].as_str().unwrap());
        // The summary line says what the export's own manifest says.
        let m: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
        let v = &m["validation"];
        assert_eq!(
            (s["result"].as_str(), s["exit"].as_u64(), s["facts"].as_u64()),
            (Some("exported"), Some(0), m["facts"].as_u64())
        );
        assert_eq!(
            (s["errors"].as_u64(), s["warnings"].as_u64(), s["infos"].as_u64()),
            (v["errors"].as_u64(), v["warnings"].as_u64(), v["infos"].as_u64())
        );
        assert!(m["facts"].as_u64().unwrap() > 200, "the Qifu figures were exported");
        assert_eq!(dir, out.join(input.file_stem().unwrap()));
        assert!(dir.join("report.xbrl").is_file() && dir.join("manifest.json").is_file());
    }
    // Every copy gives the same filing, but for the dataset's file name in each fact's record.
    let first = std::fs::read_to_string(out.join("qifu-001/report.xbrl")).unwrap();
    let last = std::fs::read_to_string(out.join("qifu-200/report.xbrl")).unwrap();
    assert!(last.replace("qifu-200.json#", "qifu-001.json#") == first);
}

#[test]
fn one_bad_input_stops_no_other_and_the_exit_code_is_the_worst() {
    let tmp = tempfile::tempdir().unwrap();
    let mut inputs = copies(&tmp.path().join("d"), 2);
    let broken = tmp.path().join("d/broken.json");
    std::fs::write(&broken, "{\"formatVersion\": \"1.0\"}").unwrap();
    inputs.push(broken.clone());
    let run = esgx().arg("export").args(&inputs).arg("--out").arg(tmp.path().join("out")).assert().code(1);
    let got = lines(&String::from_utf8_lossy(&run.get_output().stdout));
    assert_eq!(got.len(), 3);
    assert_eq!(got[2]["path"], broken.display().to_string());
    assert_eq!(got[2]["result"], "failed");
    assert!(got[2]["errors"].as_u64().unwrap() > 0 && got[2]["message"].as_str().unwrap().contains("E0100"));
    assert!(got[2].get("out").is_none(), "nothing was written for it");
    assert!(!tmp.path().join("out/broken").exists());
    assert!(got[..2].iter().all(|s| s["result"] == "exported"));
    // A path that cannot be read is exit code 2, the worst.
    let run = esgx().arg("validate").args(&inputs).arg(tmp.path().join("missing.json")).assert().code(2);
    let got = lines(&String::from_utf8_lossy(&run.get_output().stdout));
    assert_eq!(
        got.iter().map(|s| s["result"].as_str().unwrap()).collect::<Vec<_>>(),
        ["passed", "passed", "failed", "error"]
    );
    assert!(got[3]["message"].as_str().unwrap().contains("missing.json"));
}

#[test]
fn clashing_names_get_their_folder_in_front() {
    let tmp = tempfile::tempdir().unwrap();
    let run =
        esgx().arg("export").arg(repo().join("examples")).arg("--out").arg(tmp.path().join("out")).assert().success();
    let got = lines(&String::from_utf8_lossy(&run.get_output().stdout));
    let outs: Vec<String> = got
        .iter()
        .map(|s| Path::new(s["out"].as_str().unwrap()).file_name().unwrap().to_string_lossy().to_string())
        .collect();
    // examples/qifu-2023 holds dataset.csv and dataset.json (its .meta.json is no dataset).
    assert_eq!(
        outs,
        ["fy2025-example-dataset", "lantern-bay-2024-dataset", "qifu-2023-dataset", "qifu-2023-dataset-2"]
    );
}

#[test]
fn standard_input_is_one_input() {
    let tmp = tempfile::tempdir().unwrap();
    let json = std::fs::read(repo().join(QIFU)).unwrap();
    esgx().args(["export", "-", "--out"]).arg(tmp.path().join("out")).write_stdin(json.clone()).assert().success();
    let report = std::fs::read_to_string(tmp.path().join("out/report.json")).unwrap();
    assert!(report.contains("\"record\": \"<stdin>#/facts/0\""));
    // A filing on standard input, its references resolved from the current folder.
    let filing = std::fs::read(tmp.path().join("out/report.xbrl")).unwrap();
    let run = esgx()
        .args(["validate", "-", "--format", "json"])
        .current_dir(tmp.path().join("out"))
        .write_stdin(filing)
        .assert();
    let v: Value = serde_json::from_slice(&run.get_output().stdout).unwrap();
    assert_eq!(v["kind"], "filing", "{v}");
    // `-` among several inputs is a usage error.
    esgx().args(["validate", "-"]).arg(repo().join(QIFU)).write_stdin(json).assert().code(2);
}

/// The map step of a bigger engine: the list of datasets split into shards, each shard one run;
/// the shards' summaries together are the single run's, times aside.
#[test]
fn shards_of_a_list_together_give_the_single_runs_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let mut inputs = copies(&tmp.path().join("d"), 9);
    inputs.push(repo().join("examples/fy2025-example/dataset.json"));
    let broken = tmp.path().join("d/broken.json");
    std::fs::write(&broken, "[]").unwrap();
    inputs.push(broken);
    let out = tmp.path().join("out");
    let run_over = |paths: &[PathBuf], summary: &Path| {
        let code = esgx()
            .arg("export")
            .args(paths)
            .arg("--out")
            .arg(&out)
            .arg("--summary")
            .arg(summary)
            .output()
            .unwrap()
            .status
            .code();
        assert_eq!(code, Some(if paths.iter().any(|p| p.ends_with("broken.json")) { 1 } else { 0 }));
        lines(&std::fs::read_to_string(summary).unwrap()).into_iter().map(timeless).collect::<Vec<_>>()
    };
    let single = run_over(&inputs, &tmp.path().join("all.jsonl"));
    assert_eq!(single.len(), inputs.len());
    for n in [2, 3, 4] {
        let mut union = Vec::new();
        for k in 0..n {
            let shard: Vec<PathBuf> = inputs.iter().skip(k).step_by(n).cloned().collect();
            union.extend(run_over(&shard, &tmp.path().join(format!("shard-{n}-{k}.jsonl"))));
        }
        let key = |v: &Value| v["path"].as_str().unwrap().to_string();
        union.sort_by_key(key);
        let mut expected = single.clone();
        expected.sort_by_key(key);
        assert_eq!(union, expected, "{n} shards");
    }
}
