//! Files to write, as every writer produces them: the taxonomy's generator and packager as well as
//! the filing's serializations. A writer hands each file to a [`Sink`], which either keeps it in
//! memory ([`Memory`]) or streams it to disk (the export's staging folder in `fsio`). It sits below
//! them all, so that none depends on another for it.

use std::io;

/// A file to write: where (relative to the output folder), what format, and its bytes.
#[derive(Debug, Clone)]
pub struct Output {
    /// The file's path relative to the output folder, with `/` separators.
    pub path: String,
    /// The format it is written in (e.g. `xbrl-xml`, `taxonomy-linkbase`).
    pub format: &'static str,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// The body of one file: called once with the place to write it to.
pub type Body<'a> = &'a mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>;

/// Where writers put their files. `path` is relative to the output folder and uses `/`.
pub trait Sink {
    /// Write one file of format `format`, its bytes produced by `body` (which may stream them).
    fn file(&mut self, path: &str, format: &'static str, body: Body<'_>) -> io::Result<()>;

    /// Another sink into the same place, for another thread to write other files into at the
    /// same time; `None` (the default) when this sink takes its files one after another. What
    /// the writers running side by side write must not depend on which finishes first.
    fn fork(&self) -> Option<Box<dyn Sink + Send + '_>> {
        None
    }
}

/// A sink that keeps every file in memory, in the order written.
#[derive(Debug, Default)]
pub struct Memory {
    /// The files written, in order.
    pub outputs: Vec<Output>,
}

impl Sink for Memory {
    fn file(&mut self, path: &str, format: &'static str, body: Body<'_>) -> io::Result<()> {
        let mut bytes = Vec::new();
        body(&mut bytes)?;
        self.outputs.push(Output { path: path.to_string(), format, bytes });
        Ok(())
    }
}

impl Memory {
    /// Write outputs already in memory into another sink (a folder, say).
    pub fn replay(outputs: &[Output], sink: &mut dyn Sink) -> io::Result<()> {
        for o in outputs {
            sink.file(&o.path, o.format, &mut |w| w.write_all(&o.bytes))?;
        }
        Ok(())
    }
}
