//! A large xBRL-JSON report read from its file in pieces, never held whole.
//!
//! A thread of its own reads the file a block at a time and cuts it, between two members of its
//! `facts`, into pieces of a few MiB ([`cut_file`] follows the text's nesting, so a cut is a
//! member's end whatever the layout); the pieces are read on every core as they come, each by a
//! reader of the report's `documentInfo`, and joined in order. Reading the text whole held it and
//! a copy of its second half (537 + 270 MiB of a 1M-fact report), and finding where to cut it was
//! a pass over half of it on one core before anything else could start (perf, RSS).
//!
//! Like [`super::parse_halves`], this is a guess checked afterwards: `None` (the file is read
//! whole) unless every piece reads without a finding, each but the last ends right after a fact,
//! and the pieces give no key of one in another. The findings are always those of one reading.

use super::{Index, Reader, Streamed, stream};
use crate::diag::Diagnostic;
use crate::emit::xbrl_json::PROVENANCE_PROPERTY;
use crate::import::{HALVES_FROM_BYTES, Raw};
use crate::jsonpos::{Piece, with_pieces};
use std::sync::atomic::Ordering::Relaxed;

/// Read the xBRL-JSON report in the file at `path` (named `file` in findings) in pieces; `None`
/// when it is too small to cut, or is not cut and read cleanly that way.
pub(crate) fn read_file(file: &str, path: &std::path::Path) -> Option<Result<Raw, Vec<Diagnostic>>> {
    use rayon::prelude::*;
    let (f, len) = crate::input::open_file(path, file).ok()?;
    if len < HALVES_FROM_BYTES as u64 || rayon::current_num_threads() < 2 {
        return None;
    }
    let joined = std::sync::Mutex::new(Joined { len, ..Joined::default() });
    let dims = std::sync::Mutex::new(crate::report::Breakdowns::default());
    let (cut, stopped) = with_pieces(f, len, |received, stop| {
        // Each piece is read by whichever core is free; once one fails, the rest are let go (and
        // the cutting stops at its next block).
        received.into_iter().par_bridge().for_each(|piece| {
            if stop.load(Relaxed) {
                return;
            }
            let joining = read_piece(file, piece, &dims).is_some_and(|part| {
                let mut j = joined.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                j.add(part)
            });
            if !joining {
                stop.store(true, Relaxed);
            }
        });
        stop.load(Relaxed)
    });
    let j = joined.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    if !cut || stopped || !j.ended || !j.parked.is_empty() {
        return None;
    }
    j.finish()
}

/// A piece as read: what [`stream`] gave, and the piece's text when esgx's provenance index lies
/// in it (its entries are read from the text later).
struct Part<'a> {
    no: usize,
    last: bool,
    /// The piece's length.
    bytes: usize,
    read: Streamed<'a>,
    text: String,
}

/// Read one piece; `None` unless it reads cleanly and ends where a piece of its place must.
fn read_piece<'a>(file: &'a str, piece: Piece, dims: &std::sync::Mutex<crate::report::Breakdowns>) -> Option<Part<'a>> {
    let Piece { no, text, last, info, .. } = piece;
    // A file that is one piece is read whole (it is not large where it matters).
    if no == 0 && last {
        return None;
    }
    let reader = match &info {
        Some(info) if no > 0 => Some(Reader::new(file, info).ok()?),
        _ => None,
    };
    let mut read = stream(file, &text, reader);
    let ends_well = match &read.done {
        Ok(()) => last,
        Err(e) => !last && e.classify() == serde_json::error::Category::Eof && read.between,
    };
    let reader = read.reader.as_ref()?;
    let middle = no > 0 && !last;
    if !ends_well || !reader.errs.is_empty() || (middle && (!read.rest.is_empty() || read.index.is_some())) {
        return None;
    }
    if let Some(reader) = read.reader.as_mut() {
        reader.share_dims(dims);
    }
    let bytes = text.len();
    let text = if read.index.is_some() { text } else { String::new() };
    Some(Part { no, last, bytes, read, text })
}

/// The pieces read so far, joined in order.
#[derive(Default)]
struct Joined<'a> {
    /// The file's length.
    len: u64,
    /// The number of the next piece to join.
    next: usize,
    /// Pieces read before the ones before them.
    parked: std::collections::BTreeMap<usize, Part<'a>>,
    /// The first piece, with every piece up to `next` joined to it.
    first: Option<Part<'a>>,
    /// The last piece's provenance index, as its text and where the index is in it.
    last_index: Option<(String, std::ops::Range<usize>)>,
    /// The hashes of the fact and footnote ids joined (the same id in two pieces is a key given
    /// twice; two ids of one hash only send the file to the whole reading).
    ids: foldhash::HashSet<u64>,
    /// The last piece is joined.
    ended: bool,
}

impl<'a> Joined<'a> {
    /// Take a piece in; `false` if it cannot be joined.
    fn add(&mut self, part: Part<'a>) -> bool {
        self.parked.insert(part.no, part);
        while let Some(part) = self.parked.remove(&self.next) {
            if !self.join(part) {
                return false;
            }
            self.next += 1;
        }
        true
    }

    fn join(&mut self, mut part: Part<'a>) -> bool {
        use std::hash::BuildHasher;
        let hasher = foldhash::quality::FixedState::with_seed(0);
        let reader = part.read.reader.as_mut().expect("a piece read has its reader");
        let ids =
            reader.raw.facts.iter().filter_map(|f| f.id.as_deref()).chain(reader.notes.keys().map(String::as_str));
        for id in ids {
            if !self.ids.insert(hasher.hash_one(id)) {
                return false;
            }
        }
        let Some(first) = &mut self.first else {
            // Room for the facts of all pieces, at the first's facts per byte and a margin, is
            // made at once: growing the list by doubling held the old list and the new at once
            // (RSS).
            let expected = reader.raw.facts.len() as u64 * self.len / part.bytes.max(1) as u64;
            let more = (expected + expected / 8) as usize;
            reader.raw.facts.reserve(more);
            reader.linked.reserve(more);
            self.first = Some(part);
            return true;
        };
        if part.last {
            let rest = &first.read.rest;
            let index_before = first.read.index.is_some() || rest.contains_key(PROVENANCE_PROPERTY);
            if part.read.rest.keys().any(|k| rest.contains_key(k)) || (index_before && part.read.index.is_some()) {
                return false;
            }
            if let Some(span) = part.read.index.take() {
                self.last_index = Some((std::mem::take(&mut part.text), span));
            }
            self.ended = true;
        }
        let (Some(to), Some(from)) = (&mut first.read.reader, &mut part.read.reader) else { return false };
        to.raw.facts.append(&mut from.raw.facts);
        to.linked.append(&mut from.linked);
        to.notes.extend(std::mem::take(&mut from.notes));
        true
    }

    /// The report from the pieces joined, with its provenance.
    fn finish(self) -> Option<Result<Raw, Vec<Diagnostic>>> {
        let Part { read, text, .. } = self.first?;
        let (Some(reader), mut rest) = (read.reader, read.rest) else { return None };
        let index = match (read.index, &self.last_index) {
            (Some(span), _) => Index::of_text(&text[span])?,
            (None, Some((text, span))) => Index::of_text(&text[span.clone()])?,
            (None, None) => Index::of_value(rest.remove(PROVENANCE_PROPERTY)),
        };
        reader.finish(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` read in pieces from a file.
    fn from_file(text: &[u8]) -> Option<Result<Raw, Vec<Diagnostic>>> {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut f, text).unwrap();
        read_file("r.json", f.path())
    }

    #[test]
    fn a_report_read_in_pieces_from_its_file_equals_one_read_whole() {
        use crate::import::json::tests::{linked, whole};
        use crate::import::shown;
        let text = linked(1_700);
        assert!(text.len() > 8 * crate::jsonpos::PIECE_BYTES && text.len() > HALVES_FROM_BYTES);
        let read = from_file(text.as_bytes()).expect("read in pieces");
        assert_eq!(read.as_ref().map(|r| r.facts.len()).ok(), Some(1_700));
        let one = whole(&text);
        assert_eq!(shown(&read), shown(&one));
        let raw = one.unwrap();
        assert_eq!(raw.footnotes.get("f1").map(String::as_str), Some("Estimated."));
        assert_eq!(raw.facts[1_698].provenance.as_ref().map(|p| p.page), Some(Some(4)));
        // Whatever the layout (all on one line), and after a byte order mark.
        let flat = text.replace('\n', " ");
        assert_eq!(shown(&from_file(flat.as_bytes()).expect("one line")), shown(&whole(&flat)));
        let bom = [&[0xEF, 0xBB, 0xBF], text.as_bytes()].concat();
        assert_eq!(shown(&from_file(&bom).expect("a byte order mark")), shown(&whole(&text)));
        // A finding of the facts' own is one reading's.
        let no_note = text.replacen("[\"n-last\"]", "[\"n-none\"]", 1);
        let read = from_file(no_note.as_bytes()).expect("read in pieces");
        assert!(read.is_err());
        assert_eq!(shown(&read), shown(&whole(&no_note)));
    }

    #[test]
    fn a_report_the_pieces_would_read_otherwise_is_left_to_the_whole_reading() {
        use crate::import::json::tests::linked;
        let text = linked(1_700);
        let tail = text.rfind(&format!(",\n\"{PROVENANCE_PROPERTY}\"")).unwrap();
        let info_at = text.find("\"documentInfo\"").unwrap();
        let facts_at = text.find("\"facts\": {").unwrap();
        let f3 = &text[text.find("\"f3\": {").unwrap()..text.find(",\n\"f4\"").unwrap()];
        let cases = [
            // A fact id of an early piece again in a late one, or in the same piece.
            format!("{},\n{f3}{}", &text[..tail - 2], &text[tail - 2..]),
            text.replacen("\"f5\": {", "\"f4\": {", 1),
            // A top-level key again after the facts; the index twice.
            format!("{}, \"documentInfo\": {{}}}}", &text[..text.len() - 1]),
            format!("{}, \"{PROVENANCE_PROPERTY}\": {{}}}}", &text[..text.len() - 1]),
            // Broken syntax early, in the middle, late; a closing bracket too many.
            text.replacen("\"f10\": {", "\"f10\": {{", 1),
            text.replacen("\"f900\": {", "\"f900\": [", 1),
            text.replacen("\"f1600\": {", "\"f1600\": {{", 1),
            text.replacen("\"f700\": {", "}\"f700\": {", 1),
            // The documentInfo after the facts; none.
            format!("{{{},\n{}}}", &text[facts_at..tail], &text[info_at..facts_at - 2]),
            text.replacen("\"documentInfo\"", "\"documentInfoX\"", 1),
        ];
        for (i, case) in cases.iter().enumerate() {
            assert_ne!(case, &text, "case {i}");
            assert!(from_file(case.as_bytes()).is_none(), "case {i}");
        }
        // Not UTF-8, late.
        let mut bytes = text.clone().into_bytes();
        bytes[text.find("1500.5").unwrap() + 5] = 0xFF;
        assert!(from_file(&bytes).is_none());
        // Too small to cut: read whole.
        assert!(from_file(linked(3).as_bytes()).is_none());
    }
}
