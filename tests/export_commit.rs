//! An export replaces the previous one in one step: a run that fails or is killed at any point
//! leaves the folder with the complete old or the complete new export, concurrent runs do not
//! mix, and only files esgx itself wrote are ever removed.

mod common;
use common::*;
use std::collections::BTreeMap;
use std::path::Path;

const OTHER: &str = "examples/fy2025-example/dataset.json";

/// Relative path -> bytes of every file under `dir` (symlinks as their target text).
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files(dir)
        .into_iter()
        .map(|f| {
            let p = dir.join(&f);
            let bytes = match std::fs::read_link(&p) {
                Ok(t) => t.display().to_string().into_bytes(),
                Err(_) => std::fs::read(&p).unwrap(),
            };
            (f, bytes)
        })
        .collect()
}

fn export(dataset: Option<&str>, out: &Path) -> assert_cmd::Command {
    let mut c = esgx();
    c.arg("export");
    match dataset {
        Some(d) => c.arg(repo().join(d)),
        None => c.args(["--example", "qifu-2023"]),
    };
    c.arg("--out").arg(out);
    c
}

/// Names beside `out` that an export left behind.
fn leftovers(out: &Path) -> Vec<String> {
    let name = out.file_name().unwrap().to_string_lossy().to_string();
    std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(&format!(".{name}.esgx-")))
        .collect()
}

fn with_user_file(mut s: BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    s.insert("notes.txt".into(), b"my own notes".to_vec());
    s
}

/// References: the old export (bundled dataset) and the new one (another dataset).
fn references(tmp: &Path) -> (BTreeMap<String, Vec<u8>>, BTreeMap<String, Vec<u8>>) {
    let (a, b) = (tmp.join("ref-old"), tmp.join("ref-new"));
    export(None, &a).assert().success();
    export(Some(OTHER), &b).assert().success();
    let (sa, sb) = (snapshot(&a), snapshot(&b));
    assert_ne!(sa.keys().collect::<Vec<_>>(), sb.keys().collect::<Vec<_>>(), "the two exports write other files");
    (with_user_file(sa), with_user_file(sb))
}

fn fresh_old_export(out: &Path) {
    let _ = std::fs::remove_dir_all(out);
    export(None, out).assert().success();
    std::fs::write(out.join("notes.txt"), "my own notes").unwrap();
}

#[test]
fn an_export_killed_at_any_point_leaves_the_whole_old_or_the_whole_new_export() {
    let tmp = tempfile::tempdir().unwrap();
    let (old, new) = references(tmp.path());
    let out = tmp.path().join("out");
    let (mut saw_old, mut saw_new) = (0, 0);
    let mut finished = false;
    for step in 0..200 {
        fresh_old_export(&out);
        let run = export(Some(OTHER), &out).env("ESGX_INTERNAL_FAULT", format!("{step}:kill")).output().unwrap();
        let now = snapshot(&out);
        if now == old {
            saw_old += 1;
        } else if now == new {
            saw_new += 1;
        } else {
            panic!("killed at step {step}: the folder holds neither the old nor the new export: {:?}", now.keys());
        }
        // The next run cleans up whatever the killed one left beside the folder.
        export(Some(OTHER), &out).assert().success();
        assert_eq!(snapshot(&out), new, "after the run following a kill at step {step}");
        assert_eq!(leftovers(&out), Vec::<String>::new(), "left behind after a kill at step {step}");
        if run.status.success() {
            finished = true;
            break;
        }
    }
    assert!(finished, "the run never got past the fault points");
    assert!(saw_old > 10, "the kills before the swap leave the old export ({saw_old})");
    assert!(saw_new >= 1, "a kill after the swap leaves the new export");
}

#[test]
fn an_export_failing_at_any_step_leaves_the_old_export_and_no_temporary_files() {
    let tmp = tempfile::tempdir().unwrap();
    let (old, new) = references(tmp.path());
    let out = tmp.path().join("out");
    fresh_old_export(&out);
    let mut step = 0;
    loop {
        let run = export(Some(OTHER), &out).env("ESGX_INTERNAL_FAULT", step.to_string()).output().unwrap();
        let now = snapshot(&out);
        assert_eq!(leftovers(&out), Vec::<String>::new(), "left behind by a failure at step {step}");
        if run.status.success() {
            assert_eq!(now, new);
            break;
        }
        assert_eq!(run.status.code(), Some(2), "step {step}");
        let err = String::from_utf8_lossy(&run.stderr);
        assert!(err.contains("injected fault"), "step {step}: {err}");
        if now == new {
            // Only a failure after the swap may leave the new export.
            assert!(err.contains("after swap"), "step {step}: {err}");
        } else {
            assert_eq!(now, old, "a failure at step {step} changed the old export");
        }
        step += 1;
        assert!(step < 200);
    }
    assert!(step > 10, "every file write is a fault point ({step})");
}

#[cfg(unix)]
#[test]
fn a_second_export_into_a_locked_folder_is_refused_and_says_so() {
    use std::os::unix::io::AsRawFd;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    export(None, &out).assert().success();
    let before = snapshot(&out);
    let held = std::fs::File::open(&out).unwrap();
    // SAFETY: flock on a descriptor this test owns.
    assert_eq!(unsafe { libc::flock(held.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) }, 0);
    let run = export(Some(OTHER), &out).output().unwrap();
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("another esgx export is writing to") && err.contains("lock"), "{err}");
    assert_eq!(snapshot(&out), before);
    drop(held);
    export(Some(OTHER), &out).assert().success();
}

#[test]
fn concurrent_exports_into_one_folder_never_mix() {
    let tmp = tempfile::tempdir().unwrap();
    let (old, new) = references(tmp.path());
    let (old, new) = (without_notes(old), without_notes(new));
    let out = tmp.path().join("out");
    for round in 0..3 {
        let _ = std::fs::remove_dir_all(&out);
        let bin = assert_cmd::cargo::cargo_bin("esgx");
        let children: Vec<_> = (0..6)
            .map(|i| {
                let mut c = std::process::Command::new(&bin);
                c.env("SOURCE_DATE_EPOCH", EPOCH).arg("export");
                if i % 2 == 1 {
                    c.arg(repo().join(OTHER));
                } else {
                    c.args(["--example", "qifu-2023"]);
                }
                c.arg("--out").arg(&out).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::piped());
                c.spawn().unwrap()
            })
            .collect();
        for ch in children {
            let o = ch.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(o.status.success() || err.contains("another esgx export"), "round {round}: {err}");
        }
        let now = snapshot(&out);
        assert!(now == old || now == new, "round {round}: a mixed folder: {:?}", now.keys());
        assert_eq!(leftovers(&out), Vec::<String>::new());
    }
}

fn without_notes(mut s: BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    s.remove("notes.txt");
    s
}

#[cfg(unix)]
#[test]
fn a_planted_manifest_makes_export_delete_nothing_it_did_not_write() {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("victim.txt"), "keep me").unwrap();
    std::fs::write(tmp.path().join("beside.txt"), "keep me too").unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    std::os::unix::fs::symlink(&outside, out.join("link")).unwrap();
    std::os::unix::fs::symlink(outside.join("victim.txt"), out.join("sym.txt")).unwrap();
    let hash = |b: &[u8]| esgx::emit::manifest::sha256_hex(b);
    let manifest = serde_json::json!({
        "generator": {"name": "esgx"},
        "outputs": [
            {"path": "notes.txt", "sha256": hash(b"not mine"), "bytes": 8},
            {"path": "link/victim.txt", "sha256": hash(b"keep me"), "bytes": 7},
            {"path": "sym.txt", "sha256": hash(b"keep me"), "bytes": 7},
            {"path": "../beside.txt", "sha256": hash(b"keep me too"), "bytes": 11},
            {"path": "/etc/hostname", "sha256": "00", "bytes": 1},
        ]
    });
    std::fs::write(out.join("manifest.json"), manifest.to_string()).unwrap();
    export(None, &out).assert().success();
    assert_eq!(std::fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
    assert_eq!(std::fs::read_to_string(outside.join("victim.txt")).unwrap(), "keep me");
    assert_eq!(std::fs::read_to_string(tmp.path().join("beside.txt")).unwrap(), "keep me too");
    assert!(std::fs::symlink_metadata(out.join("link")).unwrap().file_type().is_symlink());
    assert!(std::fs::symlink_metadata(out.join("sym.txt")).unwrap().file_type().is_symlink());
    // The export itself is there, and its manifest replaced the planted one.
    assert_eq!(json(&out.join("manifest.json"))["facts"], 262);
}

#[test]
fn files_of_an_earlier_export_go_and_the_users_stay() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    export(None, &out).assert().success();
    let ext: Vec<String> = files(&out).into_iter().filter(|f| f.contains("qifu-extension")).collect();
    assert!(!ext.is_empty());
    // A user edit of an esgx output is the user's: kept.
    let edited = ext[0].clone();
    std::fs::write(out.join(&edited), "edited by hand").unwrap();
    std::fs::write(out.join("taxonomy/mine.txt"), "mine").unwrap();
    export(Some(OTHER), &out).assert().success();
    let now = files(&out);
    for f in &ext[1..] {
        assert!(!now.contains(f), "{f} of the old export lingers");
    }
    assert_eq!(std::fs::read_to_string(out.join(&edited)).unwrap(), "edited by hand");
    assert_eq!(std::fs::read_to_string(out.join("taxonomy/mine.txt")).unwrap(), "mine");
}

#[test]
fn leftovers_of_killed_runs_are_cleaned_up() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    export(None, &out).assert().success();
    // What older versions and killed runs left: temporary files inside, a staging folder beside.
    std::fs::write(out.join(".esgx-AbC123.tmp"), vec![0u8; 1 << 20]).unwrap();
    std::fs::write(out.join("taxonomy/.esgx-xyz.tmp"), "partial").unwrap();
    let staging = tmp.path().join(".out.esgx-0123456789ab");
    std::fs::create_dir_all(staging.join("taxonomy")).unwrap();
    std::fs::write(staging.join("report.xbrl"), "half").unwrap();
    export(None, &out).assert().success();
    assert!(!files(&out).iter().any(|f| f.ends_with(".tmp")), "{:?}", files(&out));
    assert!(!staging.exists());
}

#[cfg(unix)]
#[test]
fn an_output_folder_given_as_a_symlink_stays_a_symlink() {
    let tmp = tempfile::tempdir().unwrap();
    let real = tmp.path().join("real");
    export(None, &real).assert().success();
    let link = tmp.path().join("out");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    export(Some(OTHER), &link).assert().success();
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(
        json(&real.join("manifest.json"))["reportingPeriod"],
        json(&link.join("manifest.json"))["reportingPeriod"]
    );
    assert!(files(&real).iter().all(|f| !f.contains("qifu-extension")));
}

#[test]
fn the_current_folder_is_refused_as_the_output() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    for out in [".", "./", "sub/.."] {
        std::fs::create_dir_all(tmp.path().join("sub")).unwrap();
        let o =
            esgx().current_dir(tmp.path()).args(["export", "--example", "qifu-2023", "--out", out]).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{out}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("current folder"), "{out}");
    }
    assert!(!tmp.path().join("report.xbrl").exists());
    assert_eq!(std::fs::read_to_string(tmp.path().join("notes.txt")).unwrap(), "mine");
    // A subfolder is fine.
    esgx().current_dir(tmp.path()).args(["export", "--example", "qifu-2023", "--out", "out"]).assert().success();
}
