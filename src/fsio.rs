//! Writing outputs so that a failed run leaves nothing half-written: every file goes to a
//! temporary name in its final folder first, and is renamed only when all of them are on disk.

use crate::emit::Output;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn write_all(dir: &Path, outputs: &[Output]) -> Result<(), String> {
    let mut staged: Vec<(tempfile::NamedTempFile, PathBuf)> = Vec::with_capacity(outputs.len());
    for o in outputs {
        let target = dir.join(&o.path);
        let parent = target.parent().unwrap_or(dir);
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".esgx-")
            .suffix(".tmp")
            .tempfile_in(parent)
            .map_err(|e| format!("cannot write in {}: {e}", parent.display()))?;
        tmp.write_all(&o.bytes)
            .and_then(|_| tmp.flush())
            .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
        staged.push((tmp, target));
        // A failure above drops `staged`, and with it every temporary file written so far.
    }
    for (tmp, target) in staged {
        tmp.persist(&target).map_err(|e| format!("cannot write {}: {}", target.display(), e.error))?;
    }
    Ok(())
}
