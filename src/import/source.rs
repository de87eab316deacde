//! A filing's bytes as the XML reader takes them: from memory or from a file, whole or in parts,
//! through a buffer of its own that counts the lines it hands over and checks, as the bytes
//! pass, what a whole text is checked for before it is read (UTF-8, characters XML allows). A
//! filing in a file is never held whole in memory: at 1,000,000 facts its text alone is 0.8 GB.

use std::fs::File;
use std::io::{self, BufRead, Read, Seek, SeekFrom};
use std::path::Path;

/// Where a filing's bytes are.
#[derive(Clone, Copy)]
pub enum Source<'a> {
    /// Text in memory (a byte order mark already dropped).
    Text(&'a str),
    /// A regular file of this many bytes (its byte order mark, if any, still in it).
    File(&'a Path, u64),
}

/// An open part of a [`Source`].
pub enum Part<'a> {
    Bytes(&'a [u8]),
    File(io::Take<File>),
}

impl Read for Part<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Part::Bytes(b) => b.read(buf),
            Part::File(f) => f.read(buf),
        }
    }
}

impl<'a> Source<'a> {
    pub fn len(&self) -> u64 {
        match self {
            Source::Text(t) => t.len() as u64,
            Source::File(_, n) => *n,
        }
    }

    /// The bytes from `from` to `to`, to be read once.
    pub fn part(&self, from: u64, to: u64) -> io::Result<Part<'a>> {
        let to = to.min(self.len());
        let from = from.min(to);
        match *self {
            Source::Text(t) => Ok(Part::Bytes(&t.as_bytes()[from as usize..to as usize])),
            Source::File(p, _) => {
                let mut f = File::open(p)?;
                f.seek(SeekFrom::Start(from))?;
                Ok(Part::File(f.take(to - from)))
            }
        }
    }

    /// A copy of the bytes from `from` to `to` (a small window: the start, the middle, the end).
    pub fn window(&self, from: u64, to: u64) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        self.part(from, to)?.read_to_end(&mut out)?;
        Ok(out)
    }
}

/// What the bytes read so far break, first: the reading's findings give way to it, as they do
/// when a whole text is checked before it is read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Broken {
    /// Not UTF-8 at this byte offset (after any byte order mark), on this line.
    Utf8 { offset: u64, line: u64 },
    /// A character XML does not allow, on this line.
    Char { c: char, line: u64 },
    /// UTF-16 (by its byte order mark).
    Utf16,
}

const BUF: usize = 64 << 10;

/// A buffered reader over a part of a [`Source`] that hands out only whole, checked UTF-8 and
/// counts the line breaks handed out (the line of the next byte is `lines + 1`).
pub struct Checked<R> {
    inner: R,
    buf: Box<[u8]>,
    /// Handed out up to `pos`; checked up to `ready`; read up to `filled` (`ready..filled` is the
    /// start of a character whose rest is not read yet).
    pos: usize,
    ready: usize,
    filled: usize,
    /// Bytes before `buf[0]`, of them a byte order mark's `bom`, and line breaks before `ready`.
    base: u64,
    bom: u64,
    checked_lines: u64,
    /// Line breaks handed out.
    pub lines: u64,
    /// Whether the part starts the file (its byte order mark is looked at).
    at_start: bool,
    eof: bool,
    pub broken: Option<Broken>,
}

impl<R: Read> Checked<R> {
    pub fn new(inner: R, starts_file: bool) -> Self {
        Checked {
            inner,
            buf: vec![0; BUF].into_boxed_slice(),
            pos: 0,
            ready: 0,
            filled: 0,
            base: 0,
            bom: 0,
            checked_lines: 0,
            lines: 0,
            at_start: starts_file,
            eof: false,
            broken: None,
        }
    }

    /// Read on to the end, only checking (after a reading that stopped early).
    pub fn check_rest(&mut self) {
        while self.broken.is_none() {
            match self.fill_buf() {
                Ok([]) | Err(_) => return,
                Ok(b) => {
                    let n = b.len();
                    self.consume(n);
                }
            }
        }
    }

    /// Read more: keep the unchecked tail, fill the buffer, check what is whole.
    fn more(&mut self) -> io::Result<()> {
        let keep = self.filled - self.ready;
        self.buf.copy_within(self.ready..self.filled, 0);
        self.base += self.ready as u64;
        self.pos = 0;
        self.ready = 0;
        self.filled = keep;
        while !self.eof && self.filled < 4 {
            let n = self.inner.read(&mut self.buf[self.filled..])?;
            self.eof = n == 0;
            self.filled += n;
        }
        if self.at_start {
            self.at_start = false;
            if self.buf[..self.filled].starts_with(&[0xFF, 0xFE]) || self.buf[..self.filled].starts_with(&[0xFE, 0xFF])
            {
                self.broken.get_or_insert(Broken::Utf16);
            } else if self.buf[..self.filled].starts_with(&[0xEF, 0xBB, 0xBF]) {
                self.pos = 3;
                self.ready = 3;
                self.bom = 3;
            }
        }
        let from = self.ready;
        // Validated once. A chunk that ends inside a character has its start validated again
        // (rare), and the cut character is checked with its rest; one that is broken is bad.
        let (text, bad) = match std::str::from_utf8(&self.buf[from..self.filled]) {
            Ok(s) => (s, false),
            Err(e) => {
                let whole = std::str::from_utf8(&self.buf[from..from + e.valid_up_to()]).unwrap_or_default();
                (whole, e.error_len().is_some() || self.eof)
            }
        };
        let ok = text.len();
        let checked = text.as_bytes();
        let lines_in = |at: usize| checked[..at].iter().filter(|b| **b == b'\n').count() as u64;
        let found = match crate::xml::first_illegal_char(text) {
            Some((at, c)) => Some(Broken::Char { c, line: self.checked_lines + lines_in(at) + 1 }),
            None if bad => {
                let offset = self.base + (from + ok) as u64 - self.bom;
                Some(Broken::Utf8 { offset, line: self.checked_lines + lines_in(ok) + 1 })
            }
            None => None,
        };
        self.checked_lines += lines_in(ok);
        if self.broken.is_none() {
            self.broken = found;
        }
        self.ready = from + ok;
        if bad {
            // Nothing past a broken byte is handed out.
            self.filled = self.ready;
            self.eof = true;
        }
        Ok(())
    }
}

impl<R: Read> Read for Checked<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = {
            let b = self.fill_buf()?;
            let n = b.len().min(out.len());
            out[..n].copy_from_slice(&b[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Checked<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.pos == self.ready && !(self.eof && self.ready == self.filled) && self.broken.is_none() {
            self.more()?;
        }
        if self.broken.is_some() {
            // Whatever is broken ends the reading where it is.
            return Ok(&[]);
        }
        Ok(&self.buf[self.pos..self.ready])
    }

    fn consume(&mut self, amt: usize) {
        let to = (self.pos + amt).min(self.ready);
        self.lines += self.buf[self.pos..to].iter().filter(|b| **b == b'\n').count() as u64;
        self.pos = to;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8], start: bool) -> (Vec<u8>, u64, Option<Broken>) {
        let mut c = Checked::new(bytes, start);
        let mut out = Vec::new();
        c.read_to_end(&mut out).unwrap();
        (out, c.lines, c.broken)
    }

    #[test]
    fn hands_out_checked_text_and_counts_its_lines() {
        // Characters of several bytes cut by the buffer's end, many times over.
        let text = "a\u{e9}\u{4e2d}\u{1d11e}\n".repeat(30_000);
        let (out, lines, broken) = read_all(text.as_bytes(), true);
        assert_eq!((out.as_slice(), lines, broken), (text.as_bytes(), 30_000, None));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(b"<x/>\n");
        assert_eq!(read_all(&bom, true), (b"<x/>\n".to_vec(), 1, None));
    }

    #[test]
    fn finds_what_a_whole_text_is_checked_for() {
        let mut bad = "ok\n".repeat(40_000).into_bytes();
        bad.extend_from_slice(b"x\xFFy");
        let (out, _, broken) = read_all(&bad, true);
        assert_eq!(broken, Some(Broken::Utf8 { offset: 120_001, line: 40_001 }));
        assert!(out.len() <= 120_001);
        // The same as the check of the whole text says.
        let whole = crate::input::decode_str("f", &bad).unwrap_err();
        assert!(whole.message.contains("offset 120001") && whole.location.line == Some(40_001));
        assert_eq!(read_all(b"a\nb\x01", true).2, Some(Broken::Char { c: '\u{1}', line: 2 }));
        assert_eq!(read_all(b"a\xEF\xBF\xBE", true).2, Some(Broken::Char { c: '\u{fffe}', line: 1 }));
        assert_eq!(read_all(&[0xFF, 0xFE, b'<', 0], true).2, Some(Broken::Utf16));
        // A character cut off by the end of the file.
        assert_eq!(read_all(b"ab\xE4\xB8", true).2, Some(Broken::Utf8 { offset: 2, line: 1 }));
    }
}
