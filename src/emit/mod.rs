//! Serializations of the one fact model, plus the provenance manifest.
//!
//! Every output format is one [`Writer`]: given the [`Filing`] (the report and the taxonomy it is
//! filed in), it hands its files to a [`Sink`], which keeps them in memory or streams them to
//! disk. The export job writes the formats asked for ([`formats`]) and then the manifest, which
//! lists what they wrote with hashes ([`Recorder`]).

pub mod facts_table;
pub mod ixbrl;
pub mod manifest;
mod notes;
pub mod report_package;
pub mod taxonomy_files;
pub mod xbrl_csv;
pub mod xbrl_json;
pub mod xbrl_xml;

pub use crate::output::{Body, Memory, Output, Sink};
use crate::report::Report;
use crate::taxonomy::Taxonomy;
use manifest::FileEntry;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::io::{self, Write as _};
use std::sync::OnceLock;

/// What a writer is given: the report, the taxonomy it is filed in (labels, presentation,
/// units) and the reader's language for anything written for people.
#[derive(Clone, Copy)]
pub struct Filing<'a> {
    /// The facts to write.
    pub report: &'a Report,
    /// The taxonomy the facts are filed in.
    pub taxonomy: &'a Taxonomy,
    /// A label language of the taxonomy (`en`, `zh-Hant`, `zh-Hans`).
    pub lang: &'a str,
    /// Where documents written by more than one writer are kept once rendered (an export's
    /// instance and page are files of their own and entries of the report packages); `None`
    /// renders them for each writer.
    pub rendered: Option<&'a Rendered>,
}

/// The documents an export writes more than once, each rendered once: the XBRL instance and the
/// Inline XBRL page, written as files and into the report packages. A writer that asks while
/// another renders waits for it.
#[derive(Default)]
pub struct Rendered {
    instance: OnceLock<Result<Vec<u8>, String>>,
    page: OnceLock<Result<Vec<u8>, String>>,
}

impl Filing<'_> {
    /// The XBRL instance (`report.xbrl`), rendered once when the filing keeps renders.
    pub fn instance(&self) -> io::Result<Cow<'_, [u8]>> {
        once(self.rendered.map(|r| &r.instance), self.report.facts.len() * 1536, &|out| {
            xbrl_xml::write_to(self.report, out)
        })
    }

    /// The Inline XBRL page (`report.xhtml`), rendered once when the filing keeps renders.
    pub fn page(&self) -> io::Result<Cow<'_, [u8]>> {
        once(self.rendered.map(|r| &r.page), self.report.facts.len() * 1024, &|out| ixbrl::write_page(self, out))
    }
}

type Render<'r> = &'r dyn Fn(&mut Vec<u8>) -> io::Result<()>;

/// Render a document, or take it from `slot` once rendered. `room` is about the bytes it will
/// take (esgx's instance takes about 1.2 KB a fact, its page 0.8 KB): room made up front spares
/// the copies of a growing buffer, each into freshly zeroed pages (perf); room not used is never
/// touched.
fn once<'s>(
    slot: Option<&'s OnceLock<Result<Vec<u8>, String>>>,
    room: usize,
    render: Render<'_>,
) -> io::Result<Cow<'s, [u8]>> {
    let run = || {
        let mut out = Vec::with_capacity(room);
        render(&mut out).map(|()| out)
    };
    match slot {
        None => run().map(Cow::Owned),
        Some(slot) => match slot.get_or_init(|| run().map_err(|e| e.to_string())) {
            Ok(bytes) => Ok(Cow::Borrowed(bytes.as_slice())),
            Err(e) => Err(io::Error::other(e.clone())),
        },
    }
}

/// One output format.
pub trait Writer: Sync {
    /// The format's name, as `--formats` takes it and the manifest records it.
    fn name(&self) -> &'static str;
    /// What it writes, in a few words, for `--help` and error messages.
    fn describe(&self) -> &'static str;
    /// Write the format's files into `sink`.
    fn write(&self, filing: &Filing<'_>, sink: &mut dyn Sink) -> io::Result<()>;
}

/// Every filing format esgx writes, in the order an export writes them. The taxonomy the filing
/// refers to and the manifest are written by every export and are not in this list.
pub static FORMATS: &[&dyn Writer] = &[
    &xbrl_xml::XbrlXml,
    &xbrl_json::XbrlJson,
    &xbrl_csv::XbrlCsv,
    &facts_table::FactsTable,
    &ixbrl::Ixbrl,
    &report_package::ReportPackage,
];

/// The writers named (in [`FORMATS`] order, each once), or the first unknown name.
pub fn formats<S: AsRef<str>>(names: &[S]) -> Result<Vec<&'static dyn Writer>, String> {
    if let Some(unknown) = names.iter().find(|n| !FORMATS.iter().any(|w| w.name() == n.as_ref())) {
        return Err(format!(
            "unknown output format {:?}; esgx writes {}",
            unknown.as_ref(),
            FORMATS.iter().map(|w| format!("{} ({})", w.name(), w.describe())).collect::<Vec<_>>().join(", ")
        ));
    }
    Ok(FORMATS.iter().copied().filter(|w| names.iter().any(|n| n.as_ref() == w.name())).collect())
}

/// Write each of `formats` into `sink`, recording its files for the manifest, in `formats`
/// order. When the sink can fork (a folder on disk), the writers run side by side on the cores,
/// each writing its own files; what each writes does not depend on the others, so the files
/// and the records are the same either way.
pub fn write_formats(filing: &Filing<'_>, formats: &[&dyn Writer], sink: &mut dyn Sink) -> io::Result<Vec<FileEntry>> {
    use rayon::prelude::*;
    if formats.len() < 2 || sink.fork().is_none() {
        let mut rec = Recorder::new(sink);
        for w in formats {
            w.write(filing, &mut rec)?;
        }
        return Ok(rec.entries);
    }
    let forks: Vec<_> = formats.iter().filter_map(|_| sink.fork()).collect();
    let written: Vec<io::Result<Vec<FileEntry>>> = formats
        .par_iter()
        .zip(forks)
        .with_max_len(1)
        .map(|(w, mut fork)| {
            let mut rec = Recorder::new(&mut *fork);
            w.write(filing, &mut rec)?;
            Ok(rec.entries)
        })
        .collect();
    let mut entries = Vec::new();
    for w in written {
        entries.extend(w?);
    }
    Ok(entries)
}

/// A sink in front of another that records each file written (path, format, SHA-256, size) for
/// the manifest, hashing the bytes as they stream past.
pub struct Recorder<'a> {
    inner: &'a mut dyn Sink,
    /// Each file written through it, in order: path, format, SHA-256 and size.
    pub entries: Vec<FileEntry>,
}

impl<'a> Recorder<'a> {
    /// A recorder in front of `inner`, with nothing recorded yet.
    pub fn new(inner: &'a mut dyn Sink) -> Self {
        Recorder { inner, entries: Vec::new() }
    }
    /// The sink behind, to write a file that is not to be recorded (the manifest itself).
    pub fn inner(&mut self) -> &mut dyn Sink {
        self.inner
    }
}

struct Hashing<'w> {
    inner: &'w mut dyn io::Write,
    hash: Sha256,
    bytes: u64,
}

impl io::Write for Hashing<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl Sink for Recorder<'_> {
    fn file(&mut self, path: &str, format: &'static str, body: Body<'_>) -> io::Result<()> {
        let mut seen = None;
        self.inner.file(path, format, &mut |w| {
            let mut h = Hashing { inner: w, hash: Sha256::new(), bytes: 0 };
            // Writers that serialize token by token (serde_json) write a few bytes at a time:
            // gathered here, the hash and the sink behind see 64 KiB at a time (the small writes
            // through both were a third of writing xBRL-JSON, perf). A rendered file passes
            // straight through.
            let mut buffered = io::BufWriter::with_capacity(1 << 16, &mut h);
            body(&mut buffered)?;
            buffered.flush()?;
            drop(buffered);
            seen = Some((manifest::hex(&h.hash.finalize()), h.bytes));
            Ok(())
        })?;
        if let Some((sha256, bytes)) = seen {
            self.entries.push(FileEntry { path: path.to_string(), role: None, format: Some(format), sha256, bytes });
        }
        Ok(())
    }
}
