//! Writing outputs so that a failed run leaves nothing half-written: every file goes to a
//! temporary name in its final folder first, and is renamed only when all of them are on disk. A
//! rename that still fails takes back the ones before it.

use crate::emit::Output;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn write_all(dir: &Path, outputs: &[Output]) -> Result<(), String> {
    // A target that is a folder would fail at rename time: refuse before writing anything.
    for o in outputs {
        let target = dir.join(&o.path);
        if target.is_dir() {
            return Err(format!("cannot write {}: it is a folder", target.display()));
        }
    }
    let mut staged: Vec<(tempfile::NamedTempFile, PathBuf)> = Vec::with_capacity(outputs.len());
    let mut created_dirs: Vec<PathBuf> = Vec::new();
    for o in outputs {
        let target = dir.join(&o.path);
        let parent = target.parent().unwrap_or(dir).to_path_buf();
        if !parent.exists() {
            let mut first_missing = parent.clone();
            while let Some(p) = first_missing.parent().filter(|p| !p.exists()) {
                first_missing = p.to_path_buf();
            }
            created_dirs.push(first_missing);
        }
        std::fs::create_dir_all(&parent).map_err(|e| {
            remove_created(&created_dirs);
            format!("cannot create {}: {e}", parent.display())
        })?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".esgx-")
            .suffix(".tmp")
            .tempfile_in(&parent)
            .map_err(|e| format!("cannot write in {}: {e}", parent.display()))?;
        tmp.write_all(&o.bytes)
            .and_then(|_| tmp.flush())
            .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
        set_readable(tmp.path());
        staged.push((tmp, target));
        // A failure above drops `staged`, and with it every temporary file written so far.
    }
    let mut done: Vec<PathBuf> = Vec::with_capacity(staged.len());
    for (tmp, target) in staged {
        if let Err(e) = tmp.persist(&target) {
            for d in &done {
                let _ = std::fs::remove_file(d);
            }
            remove_created(&created_dirs);
            return Err(format!("cannot write {}: {}", target.display(), e.error));
        }
        done.push(target);
    }
    Ok(())
}

/// Temporary files are private (0600); outputs are ordinary files.
fn set_readable(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644));
    }
    #[cfg(not(unix))]
    let _ = path;
}

fn remove_created(dirs: &[PathBuf]) {
    for d in dirs.iter().rev() {
        let _ = std::fs::remove_dir_all(d);
    }
}
