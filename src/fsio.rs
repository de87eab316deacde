//! Writing outputs so that a failed or killed run never leaves a half-written or mixed export.
//!
//! An export is committed as one step ([`commit_folder`]): every file is written and `fsync`ed
//! into a fresh sibling folder (`.NAME.esgx-XXXXXX`), files of the old folder that esgx did not
//! write are carried over by hard link, and the new folder then takes the old one's place with
//! one atomic rename (Linux `renameat2(RENAME_EXCHANGE)`). Until that rename the old export is
//! untouched; after it the new one is complete. The old folder, now under the sibling name, is
//! removed afterwards, and a later run removes any sibling folder a killed run left behind.
//!
//! The output folder stays a plain folder: its path, permissions and the user's own files in it
//! are kept. An advisory lock (`flock`) on it makes a second export into the same folder fail
//! with a clear message instead of interleaving with the first.
//!
//! Single files (a baseline) go through [`write_all`]: each is written to a
//! temporary name beside its target, `fsync`ed and renamed over it.
//!
//! Internal, for tests only: `ESGX_INTERNAL_FAULT=N[:kill]` makes the N-th step of a write (0
//! based) fail, or kill the process, so that a test can stop a write at every point. It is not
//! part of the command-line interface and may change at any time.

use crate::emit::manifest::{MANIFEST_FILE, sha256_hex};
use crate::output::{Body, Memory, Output, Sink};
use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// An old manifest larger than this is not esgx's and is not read.
const MAX_MANIFEST_BYTES: u64 = 64 << 20;

static FAULT_STEP: AtomicUsize = AtomicUsize::new(0);

/// A point where a write can be interrupted by the test-only fault hook (see the module docs).
fn fault(what: &str) -> io::Result<()> {
    let Ok(spec) = std::env::var("ESGX_INTERNAL_FAULT") else { return Ok(()) };
    let step = FAULT_STEP.fetch_add(1, Ordering::SeqCst);
    let (n, kill) = match spec.split_once(':') {
        Some((n, mode)) => (n, mode == "kill"),
        None => (spec.as_str(), false),
    };
    if n.parse::<usize>().ok() != Some(step) {
        return Ok(());
    }
    if kill {
        #[cfg(unix)]
        // SAFETY: kill(2) on our own pid with a valid signal number has no memory effects.
        unsafe {
            libc::kill(libc::getpid(), libc::SIGKILL);
        }
        std::process::exit(137);
    }
    Err(io::Error::other(format!("injected fault at step {step} ({what})")))
}

/// A relative output path made only of plain names.
fn plain_relative(p: &str) -> bool {
    !p.is_empty() && Path::new(p).components().all(|c| matches!(c, Component::Normal(_))) && !p.contains('\\')
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Outputs are ordinary files (0644 before the umask).
fn create_output(path: &Path) -> io::Result<File> {
    let mut o = fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o644);
    }
    o.open(path)
}

fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = create_output(path)?;
    f.write_all(bytes)?;
    fault("write")?;
    f.sync_all()
}

/// Write each output to `dir/<path>`, replacing files of the same name one by one: each file
/// is complete (old or new) at every moment, but a set of files is not committed together. For
/// an export, use [`commit_folder`].
pub fn write_all(dir: &Path, outputs: &[Output]) -> Result<(), String> {
    for o in outputs {
        if !plain_relative(&o.path) {
            return Err(format!("refusing to write {:?}: not a plain relative path", o.path));
        }
        let target = dir.join(&o.path);
        if target.is_dir() {
            return Err(format!("cannot write {}: it is a folder", target.display()));
        }
    }
    for o in outputs {
        let target = dir.join(&o.path);
        let parent = target.parent().unwrap_or(dir);
        fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        let tmp = parent.join(format!(".esgx-{}.tmp", random_suffix()));
        let written =
            write_synced(&tmp, &o.bytes).and_then(|_| fault("rename")).and_then(|_| fs::rename(&tmp, &target));
        if let Err(e) = written {
            let _ = fs::remove_file(&tmp);
            return Err(format!("cannot write {}: {e}", target.display()));
        }
        let _ = sync_dir(parent);
    }
    Ok(())
}

fn random_suffix() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let key = format!("{}-{nanos}-{n}", std::process::id());
    sha256_hex(key.as_bytes())[..12].to_string()
}

/// An open folder with an exclusive advisory lock, released when dropped.
struct LockedDir {
    file: File,
}

enum LockError {
    Held,
    Io(io::Error),
}

fn lock_dir(path: &Path) -> Result<LockedDir, LockError> {
    let file = File::open(path).map_err(LockError::Io)?;
    #[cfg(unix)]
    {
        use std::os::unix::io::AsRawFd;
        // SAFETY: flock on a descriptor we own.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc != 0 {
            let e = io::Error::last_os_error();
            return Err(if e.kind() == io::ErrorKind::WouldBlock { LockError::Held } else { LockError::Io(e) });
        }
    }
    Ok(LockedDir { file })
}

#[cfg(unix)]
fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}
#[cfg(not(unix))]
fn same_file(_: &fs::Metadata, _: &fs::Metadata) -> bool {
    true
}

/// The folder to replace: a symlink given as `--out` is followed, so that the swap happens
/// where the files really are and the link stays.
fn resolve_target(dir: &Path) -> Result<PathBuf, String> {
    let shown = dir.display();
    match fs::symlink_metadata(dir) {
        Ok(m) if m.file_type().is_symlink() || dir.file_name().is_none() => {
            let real = fs::canonicalize(dir).map_err(|e| format!("cannot resolve the output folder {shown}: {e}"))?;
            if !real.is_dir() {
                return Err(format!("the output {shown} is not a folder"));
            }
            Ok(real)
        }
        Ok(m) if !m.is_dir() => Err(format!("the output {shown} exists and is not a folder")),
        Ok(_) | Err(_) => {
            let name = dir.file_name().ok_or_else(|| format!("the output folder {shown} has no name"))?;
            let parent = match dir.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            fs::create_dir_all(&parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
            let parent = fs::canonicalize(&parent).map_err(|e| format!("cannot resolve {}: {e}", parent.display()))?;
            Ok(parent.join(name))
        }
    }
}

fn staging_prefix(target: &Path) -> String {
    format!(".{}.esgx-", target.file_name().map(|n| n.to_string_lossy()).unwrap_or_default())
}

/// The suffix of a staging folder between its creation and its lock.
const NEW_SUFFIX: &str = ".new";

/// Remove folders that killed runs left beside `target`. A folder whose lock is held belongs to
/// a run still in progress and is left alone.
fn remove_abandoned(target: &Path) {
    let (Some(parent), prefix) = (target.parent(), staging_prefix(target)) else { return };
    let Ok(rd) = fs::read_dir(parent) else { return };
    for e in rd.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        let Some(rest) = name.strip_prefix(&prefix) else { continue };
        // A folder not yet named for staging is another run's between its creation and its
        // lock, unless it is old: then a run was killed there.
        let (rest, unnamed) = match rest.strip_suffix(NEW_SUFFIX) {
            Some(r) => (r, true),
            None => (rest, false),
        };
        if rest.len() != 12 || !rest.bytes().all(|b| b.is_ascii_hexdigit()) {
            continue;
        }
        let path = e.path();
        let old = || {
            fs::symlink_metadata(&path)
                .and_then(|m| m.modified())
                .is_ok_and(|t| t.elapsed().is_ok_and(|age| age.as_secs() > 3600))
        };
        if unnamed && !old() {
            continue;
        }
        // Never through a symlink.
        if !fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            continue;
        }
        if let Ok(lock) = lock_dir(&path) {
            let _ = fs::remove_dir_all(&path);
            drop(lock);
        }
    }
}

/// Files of an earlier export that esgx wrote: listed by the old manifest (when esgx wrote it),
/// at a plain path inside the folder, a regular file (not a symlink), with the recorded hash.
fn verified_old_outputs(old: &Path) -> HashSet<PathBuf> {
    let mut out = HashSet::new();
    let path = old.join(MANIFEST_FILE);
    let Ok(meta) = fs::symlink_metadata(&path) else { return out };
    if !meta.is_file() || meta.len() > MAX_MANIFEST_BYTES {
        return out;
    }
    let Ok(bytes) = fs::read(&path) else { return out };
    let Ok(doc) = serde_json::from_slice::<serde_json::Value>(&bytes) else { return out };
    if doc["generator"]["name"] != "esgx" {
        return out;
    }
    out.insert(PathBuf::from(MANIFEST_FILE));
    for o in doc["outputs"].as_array().into_iter().flatten() {
        let (Some(p), Some(hash)) = (o["path"].as_str(), o["sha256"].as_str()) else { continue };
        if !plain_relative(p) {
            continue;
        }
        let full = old.join(p);
        // Every folder on the way must be a real folder too.
        let mut ok = true;
        let mut cur = old.to_path_buf();
        for c in Path::new(p).components() {
            cur.push(c);
            match fs::symlink_metadata(&cur) {
                Ok(m) if cur == full => ok &= m.is_file() && m.len() <= o["bytes"].as_u64().unwrap_or(0),
                Ok(m) => ok &= m.is_dir(),
                Err(_) => ok = false,
            }
        }
        if ok && fs::read(&full).is_ok_and(|b| sha256_hex(&b) == hash) {
            out.insert(PathBuf::from(p));
        }
    }
    out
}

/// A temporary file an older esgx left behind when it was killed.
fn is_stale_temp(name: &str) -> bool {
    name.starts_with(".esgx-") && name.ends_with(".tmp")
}

/// Carry the entries of `old` that esgx did not write into `new`, by hard link (so nothing is
/// copied and nothing of the user's is lost when the old folder is removed).
fn carry_over(old: &Path, new: &Path, rel: &Path, esgx_files: &HashSet<PathBuf>) -> Result<(), String> {
    let dir = old.join(rel);
    let rd = fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for e in rd {
        let e = e.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        let name = e.file_name();
        let rel_path = rel.join(&name);
        let from = old.join(&rel_path);
        let to = new.join(&rel_path);
        let meta = fs::symlink_metadata(&from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
        let existing = fs::symlink_metadata(&to).ok();
        if meta.is_dir() {
            match existing {
                Some(m) if m.is_dir() => {}
                Some(_) => return Err(format!("cannot write {}: it is a folder", from.display())),
                None => {
                    fs::create_dir(&to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
                    let _ = fs::set_permissions(&to, meta.permissions());
                }
            }
            carry_over(old, new, &rel_path, esgx_files)?;
            // A folder that held only esgx's files of the old export is not kept empty.
            let emptied = fs::read_dir(&to).is_ok_and(|mut r| r.next().is_none());
            let was_empty = fs::read_dir(&from).is_ok_and(|mut r| r.next().is_none());
            if emptied && !was_empty {
                let _ = fs::remove_dir(&to);
            }
            continue;
        }
        if esgx_files.contains(&rel_path) || is_stale_temp(&name.to_string_lossy()) {
            continue;
        }
        match existing {
            // The new export writes this path: the old file is replaced.
            Some(m) if !m.is_dir() => continue,
            Some(_) if meta.file_type().is_symlink() => continue,
            Some(_) => {
                return Err(format!(
                    "cannot write {}: {} is a file of yours, not a folder",
                    to.display(),
                    from.display()
                ));
            }
            None => {}
        }
        fault("carry over").map_err(|e| format!("cannot keep {}: {e}", from.display()))?;
        if meta.file_type().is_symlink() {
            let link = fs::read_link(&from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
            #[cfg(unix)]
            std::os::unix::fs::symlink(&link, &to).map_err(|e| format!("cannot keep {}: {e}", from.display()))?;
            #[cfg(not(unix))]
            let _ = link;
        } else {
            fs::hard_link(&from, &to)
                .map_err(|e| format!("cannot keep {} in the new export (a hard link failed: {e})", from.display()))?;
        }
    }
    Ok(())
}

/// Removes the staging folder unless the commit happened.
struct Staging {
    path: PathBuf,
    _lock: LockedDir,
    committed: bool,
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

impl From<io::Error> for LockError {
    fn from(e: io::Error) -> Self {
        LockError::Io(e)
    }
}

enum Swap {
    Done,
    /// The target appeared (or vanished) while we were writing: start again.
    Raced,
}

/// Atomically put `staging` at `target`: exchange when the target exists, create otherwise.
fn swap_in(staging: &Path, target: &Path, exists: bool) -> io::Result<Swap> {
    #[cfg(target_os = "linux")]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let a = CString::new(staging.as_os_str().as_bytes()).map_err(io::Error::other)?;
        let b = CString::new(target.as_os_str().as_bytes()).map_err(io::Error::other)?;
        let flags = if exists { libc::RENAME_EXCHANGE } else { libc::RENAME_NOREPLACE };
        // SAFETY: two valid NUL-terminated paths, relative to the current directory.
        let rc = unsafe { libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), flags) };
        if rc == 0 {
            return Ok(Swap::Done);
        }
        let e = io::Error::last_os_error();
        match e.raw_os_error() {
            Some(libc::EEXIST) | Some(libc::ENOENT) | Some(libc::ENOTEMPTY) => return Ok(Swap::Raced),
            // A file system without renameat2 flags: fall back below.
            Some(libc::EINVAL) | Some(libc::ENOSYS) => {}
            _ => return Err(e),
        }
    }
    // Elsewhere: move the old folder aside, then the new one in. A kill between the two renames
    // leaves the complete old export under the sibling name, which the next run puts back.
    if exists {
        let aside = target.with_file_name(format!("{}old", staging_prefix(target)));
        fs::rename(target, &aside)?;
        if let Err(e) = fs::rename(staging, target) {
            let _ = fs::rename(&aside, target);
            return Err(e);
        }
        fs::rename(&aside, staging)?;
    } else {
        if fs::symlink_metadata(target).is_ok() {
            return Ok(Swap::Raced);
        }
        fs::rename(staging, target)?;
    }
    Ok(Swap::Done)
}

/// Commit `outputs` as the whole content esgx writes into the folder `dir`: afterwards the folder
/// holds exactly the new export plus the files of the user's that were there; if this fails or
/// the process is killed at any point, it holds the old export untouched (see the module docs).
pub fn commit_folder(dir: &Path, outputs: &[Output]) -> Result<(), String> {
    for o in outputs {
        if !plain_relative(&o.path) {
            return Err(format!("refusing to write {:?}: not a plain relative path", o.path));
        }
    }
    commit_folder_with(dir, &mut |sink| Memory::replay(outputs, sink))
}

/// A sink that streams each file into the staging folder of an export, creating its folders.
struct StagingSink<'a> {
    root: &'a Path,
    /// What the user sees: the file's place in the output folder.
    shown: &'a Path,
    /// The folders made so far, to sync before the swap; shared with its forks.
    dirs: &'a std::sync::Mutex<Vec<PathBuf>>,
}

impl Sink for StagingSink<'_> {
    fn file(&mut self, path: &str, _format: &'static str, body: Body<'_>) -> io::Result<()> {
        let named =
            |e: io::Error| io::Error::new(e.kind(), format!("cannot write {}: {e}", self.shown.join(path).display()));
        if !plain_relative(path) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("refusing to write {path:?}: not a plain relative path"),
            ));
        }
        let to = self.root.join(path);
        let p = to.parent().unwrap_or(self.root).to_path_buf();
        {
            let mut dirs = self.dirs.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if !dirs.contains(&p) {
                fs::create_dir_all(&p).map_err(named)?;
                let mut d = p.clone();
                while d != self.root && !dirs.contains(&d) {
                    dirs.push(d.clone());
                    d = d.parent().unwrap_or(self.root).to_path_buf();
                }
            }
        }
        let file = create_output(&to).map_err(named)?;
        let mut w = io::BufWriter::with_capacity(1 << 16, file);
        body(&mut w).map_err(named)?;
        let file = w.into_inner().map_err(|e| named(e.into_error()))?;
        fault("write").map_err(named)?;
        file.sync_all().map_err(named)
    }

    fn fork(&self) -> Option<Box<dyn Sink + Send + '_>> {
        Some(Box::new(StagingSink { root: self.root, shown: self.shown, dirs: self.dirs }))
    }
}

/// Commit the files that `fill` writes into a sink as the whole content esgx writes into the
/// folder `dir`, streamed to disk as they are produced; see [`commit_folder`]. `fill` may be
/// called again (from the start) if another program changes the folder meanwhile.
pub fn commit_folder_with(dir: &Path, fill: &mut dyn FnMut(&mut dyn Sink) -> io::Result<()>) -> Result<(), String> {
    let target = resolve_target(dir)?;
    let parent = target.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
    let shown = dir.display();
    // The folder is replaced as a whole: the working directory (or one above it) would be pulled
    // out from under the shell that runs esgx, leaving it in a deleted folder.
    if let Ok(cwd) = std::env::current_dir().and_then(fs::canonicalize)
        && fs::canonicalize(&target).is_ok_and(|t| cwd.starts_with(t))
    {
        return Err(format!(
            "the output folder {shown} is the current folder or holds it; esgx replaces its output folder \
             as a whole, so write into a folder of its own (e.g. --out out)"
        ));
    }
    // Put back an export the fallback rename left aside.
    let aside = target.with_file_name(format!("{}old", staging_prefix(&target)));
    if fs::symlink_metadata(&target).is_err() && fs::symlink_metadata(&aside).is_ok_and(|m| m.is_dir()) {
        let _ = fs::rename(&aside, &target);
    }
    for _attempt in 0..5 {
        // The current export, locked, and checked to still be the one at the path.
        let current = match lock_dir(&target) {
            Ok(l) => {
                let now = fs::symlink_metadata(&target).map_err(|e| format!("cannot read {shown}: {e}"))?;
                let held = l.file.metadata().map_err(|e| format!("cannot read {shown}: {e}"))?;
                if !same_file(&now, &held) {
                    continue;
                }
                if !now.is_dir() {
                    return Err(format!("the output {shown} exists and is not a folder"));
                }
                let parent_meta =
                    fs::metadata(&parent).map_err(|e| format!("cannot read {}: {e}", parent.display()))?;
                #[cfg(unix)]
                {
                    use std::os::unix::fs::MetadataExt;
                    if parent_meta.dev() != now.dev() {
                        return Err(format!(
                            "the output folder {shown} is a mount point, which esgx cannot replace in one step; export into a folder inside it"
                        ));
                    }
                }
                let _ = parent_meta;
                Some((l, now))
            }
            Err(LockError::Held) => {
                return Err(format!(
                    "another esgx export is writing to {shown} (it holds the folder's lock); wait for it to finish and run again"
                ));
            }
            Err(LockError::Io(e)) if e.kind() == io::ErrorKind::NotFound => None,
            Err(LockError::Io(e)) => return Err(format!("cannot open the output folder {shown}: {e}")),
        };
        remove_abandoned(&target);
        // The staging folder is created under a name no cleanup touches, locked, and only then
        // given its staging name: another run's `remove_abandoned` removes unlocked staging
        // folders, and would otherwise take this one between its creation and its lock.
        let suffix = random_suffix();
        let staging_path = parent.join(format!("{}{suffix}", staging_prefix(&target)));
        let unnamed = parent.join(format!("{}{suffix}{NEW_SUFFIX}", staging_prefix(&target)));
        fs::create_dir(&unnamed)
            .map_err(|e| format!("cannot create a folder beside {shown} ({}): {e}", unnamed.display()))?;
        let lock = match lock_dir(&unnamed)
            .map_err(|_| ())
            .and_then(|l| fs::rename(&unnamed, &staging_path).map(|_| l).map_err(|_| ()))
        {
            Ok(l) => l,
            Err(()) => {
                let _ = fs::remove_dir_all(&unnamed);
                return Err(format!("cannot lock {}", unnamed.display()));
            }
        };
        let mut staging = Staging { path: staging_path, _lock: lock, committed: false };
        let io_err = |what: &Path, e: io::Error| format!("cannot write {}: {e}", what.display());
        fault("staging created").map_err(|e| io_err(&target, e))?;
        if let Some((_, meta)) = &current {
            let _ = fs::set_permissions(&staging.path, meta.permissions());
        }
        let dirs = std::sync::Mutex::new(vec![staging.path.clone()]);
        let mut sink = StagingSink { root: &staging.path, shown: dir, dirs: &dirs };
        fill(&mut sink).map_err(|e| e.to_string())?;
        let dirs = dirs.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        if current.is_some() {
            let esgx_files = verified_old_outputs(&target);
            carry_over(&target, &staging.path, Path::new(""), &esgx_files)?;
        }
        for d in &dirs {
            sync_dir(d).map_err(|e| io_err(d, e))?;
        }
        fault("before swap").map_err(|e| io_err(&target, e))?;
        match swap_in(&staging.path, &target, current.is_some()) {
            Ok(Swap::Done) => {}
            Ok(Swap::Raced) => continue,
            Err(e) => return Err(format!("cannot replace {shown} with the new export: {e}")),
        }
        let _ = sync_dir(&parent);
        fault("after swap").map_err(|e| io_err(&target, e))?;
        if current.is_some() {
            // The staging path now holds the old export: drop it.
            let _ = fs::remove_dir_all(&staging.path);
        }
        staging.committed = true;
        return Ok(());
    }
    Err(format!("the output folder {shown} kept changing while esgx wrote it; is another program writing there?"))
}
