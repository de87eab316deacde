//! Pointing into the input: findings get the line, the columns and the text of what they are
//! about, so that a person sees the offending value underlined, as rustc shows code.
//!
//! A finding about a fact record points at the record (`/facts/12`, a CSV row, an XML element);
//! what a preparer wants to see is its value, so that is what gets underlined. A finding about a
//! field (`/facts/12/unit`) underlines that field.

use crate::diag::Diagnostic;
use crate::input::Held;
use crate::jsonpos::Span;
use std::collections::HashMap;
use std::path::Path;

/// Fill in line, columns and source text for every finding that points into one of `inputs`.
/// Each file is read once, however many findings point into it.
pub fn locate(diags: &mut [Diagnostic], inputs: &[(&str, Held<'_>)]) {
    for (file, held) in inputs {
        let mine: Vec<usize> = (0..diags.len()).filter(|&i| diags[i].location.file == *file).collect();
        if mine.is_empty() {
            continue;
        }
        let lower = file.to_ascii_lowercase();
        let kind = if lower.ends_with(".csv") {
            Kind::Csv
        } else if lower.ends_with(".xbrl") || lower.ends_with(".xml") {
            Kind::Xml
        } else {
            Kind::Json
        };
        match held {
            Held::Bytes(bytes) => {
                let Ok(text) = std::str::from_utf8(bytes) else { continue };
                in_text(diags, &mine, kind, text);
            }
            // A JSON file that read cleanly in pieces is read again in pieces, if it can be.
            Held::Pieces(path) if kind == Kind::Json && in_pieces(diags, &mine, path).is_some() => {}
            // A file read whole and let go is read again, whole, and located as its bytes were.
            Held::Reread(path) | Held::Pieces(path) => {
                let Ok(bytes) = std::fs::read(path) else { continue };
                let Ok(text) = std::str::from_utf8(&bytes) else { continue };
                in_text(diags, &mine, kind, text);
            }
            // A file read as a stream (an XML instance) is read again for the lines shown only.
            Held::File(path) => {
                let Ok(shown) = lines_of(path, mine.iter().filter_map(|&i| diags[i].location.line), kind) else {
                    continue;
                };
                for &i in &mine {
                    let Some(line) = diags[i].location.line else { continue };
                    let Some(row) = shown.get(&line).cloned() else { continue };
                    // The line alone (a CSV row after its header), as a text of its own.
                    let (text, at) = match (kind, shown.get(&1)) {
                        (Kind::Csv, Some(header)) if line > 1 => (format!("{header}\n{row}"), 2),
                        _ => (row, 1),
                    };
                    let loc = &mut diags[i].location;
                    loc.line = Some(at);
                    in_text(std::slice::from_mut(&mut diags[i]), &[0], kind, &text);
                    let loc = &mut diags[i].location;
                    loc.line = loc.line.map(|l| l - at + line);
                }
            }
        }
    }
}

/// How an input is written.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Json,
    Csv,
    Xml,
}

/// The text of the lines `wanted` of a file (and of its header, for a CSV file), read through
/// once, up to the last of them, a block at a time: the lines between are counted (memchr), not
/// read one by one (the 1M-fact bench filing has 13.4 million).
fn lines_of(path: &Path, wanted: impl Iterator<Item = u64>, kind: Kind) -> std::io::Result<HashMap<u64, String>> {
    use std::io::Read;
    let mut wanted: std::collections::BTreeSet<u64> = wanted.collect();
    if kind == Kind::Csv {
        wanted.insert(1);
    }
    let mut wanted = wanted.into_iter().filter(|&l| l > 0).peekable();
    let mut out = HashMap::new();
    let mut file = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 1 << 20];
    // The line the next byte is on, and the start of a wanted line read so far.
    let (mut line, mut partial): (u64, Option<Vec<u8>>) = (1, None);
    let keep = |text: Vec<u8>| String::from_utf8_lossy(&text).into_owned();
    'blocks: while wanted.peek().is_some() {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        let block = &buf[..n];
        let mut at = 0;
        while let Some(&w) = wanted.peek() {
            if line == w {
                let rest = &block[at..];
                match memchr::memchr(b'\n', rest) {
                    Some(e) => {
                        let mut text = partial.take().unwrap_or_default();
                        text.extend_from_slice(&rest[..e]);
                        out.insert(w, keep(text));
                        wanted.next();
                        (line, at) = (line + 1, at + e + 1);
                    }
                    None => {
                        if !rest.is_empty() {
                            partial.get_or_insert_default().extend_from_slice(rest);
                        }
                        continue 'blocks;
                    }
                }
            } else {
                // Step over the line breaks before line `w`, as far as this block goes.
                let mut breaks = memchr::memchr_iter(b'\n', &block[at..]);
                let need = w - line;
                let mut seen = 0;
                match breaks.find(|_| {
                    seen += 1;
                    seen == need
                }) {
                    Some(e) => (line, at) = (w, at + e + 1),
                    None => {
                        line += seen;
                        continue 'blocks;
                    }
                }
            }
        }
    }
    // The last line, without a line break at its end.
    if let (Some(text), Some(w)) = (partial, wanted.peek())
        && *w == line
    {
        out.insert(line, keep(text));
    }
    Ok(out)
}

/// The JSON pointers to look for to locate findings `mine`: each one's, and its `/value`.
fn pointers(diags: &[Diagnostic], mine: &[usize]) -> Vec<String> {
    let pointers = mine.iter().filter_map(|&i| diags[i].location.pointer.as_ref());
    pointers.flat_map(|p| [p.clone(), format!("{p}/value")]).collect()
}

/// [`locate`] for the findings `mine` of a JSON file that read cleanly in pieces, read again in
/// pieces ([`crate::jsonpos::cut_file`]): the values the findings point at are found in the
/// pieces, the lines they are on are read from the file, and the findings located in those lines
/// as in the whole text (a 1M-fact xBRL-JSON report read whole again was 537 MiB at the end of a
/// validation, RSS). A line may start in an earlier piece (a document on one line): each piece
/// knows where in the file its text and its first line start. `None` when the file does not
/// cut, a finding points at the document or its facts (which pieces cut across), or at a line
/// the file does not have: the whole text is read then.
fn in_pieces(diags: &mut [Diagnostic], mine: &[usize], path: &Path) -> Option<()> {
    let wanted = pointers(diags, mine);
    let refs: Vec<&str> = wanted.iter().map(String::as_str).collect();
    let asked: std::collections::HashSet<String> =
        mine.iter().filter_map(|&i| diags[i].location.pointer.clone()).collect();
    // The document and its facts are cut across pieces: a finding about either is located in
    // the whole text.
    if asked.iter().any(|p| p.is_empty() || p == "/facts") {
        return None;
    }
    // Per pointer: its line, and where the value starts and ends in that line.
    let mut found: HashMap<&str, (u64, usize, usize)> = HashMap::new();
    if !asked.is_empty() {
        let file = std::fs::File::open(path).ok()?;
        let len = file.metadata().ok()?.len();
        let (cut, ()) = crate::jsonpos::with_pieces(file, len, |received, _| {
            for piece in received {
                let (text, opening) = (piece.text.as_str(), piece.opening());
                let spans = crate::jsonpos::spans(text, &refs);
                // The opening of a piece after the first holds no value of the document.
                for p in asked.iter().filter(|p| spans.get(*p).is_some_and(|s| s.start >= opening)) {
                    let Some((line, start, end)) = json_value(text, &spans, p) else { continue };
                    // Where the line starts in the file: in the piece, or where its text does.
                    let line_start = match text[opening..start].rfind('\n') {
                        Some(n) => piece.offset + n as u64 + 1,
                        None => piece.line_start,
                    };
                    let at = |i: usize| (piece.offset + (i - opening) as u64 - line_start) as usize;
                    found.insert(p, (piece.line + line - 1, at(start), at(end)));
                }
            }
        });
        if !cut {
            return None;
        }
    }
    let line =
        |loc: &crate::diag::Location| loc.pointer.as_deref().and_then(|p| found.get(p)).map(|f| f.0).or(loc.line);
    let lines: Vec<u64> = mine.iter().filter_map(|&i| line(&diags[i].location)).collect();
    let shown = lines_of(path, lines.iter().copied(), Kind::Json).ok()?;
    // A line the file does not have (the whole text shows its last).
    if lines.iter().any(|l| !shown.contains_key(l)) {
        return None;
    }
    for &i in mine {
        let loc = &mut diags[i].location;
        let at = loc.pointer.as_deref().and_then(|p| found.get(p)).copied();
        let Some(line) = line(loc) else { continue };
        let Some(text) = shown.get(&line) else { continue };
        loc.line = Some(1);
        place(loc, &Lines::new(text), at.map(|(_, s, e)| (1, s, e)));
        loc.line = Some(line);
    }
    Some(())
}

/// [`locate`] for the findings `mine` of one input whose text is at hand.
fn in_text(diags: &mut [Diagnostic], mine: &[usize], kind: Kind, text: &str) {
    let wanted = if kind == Kind::Json { pointers(diags, mine) } else { Vec::new() };
    let refs: Vec<&str> = wanted.iter().map(String::as_str).collect();
    // Two passes over the whole text, one on each core: its lines, and the values findings
    // point at.
    let (lines, spans) = rayon::join(
        || Lines::new(text),
        || if refs.is_empty() { Default::default() } else { spans_after_bom(text, &refs) },
    );
    for &i in mine {
        let loc = &mut diags[i].location;
        let found = match kind {
            Kind::Csv => loc.line.and_then(|l| csv_cell(&lines, l, loc.pointer.as_deref())),
            Kind::Json => loc.pointer.as_deref().and_then(|p| json_value(text, &spans, p)),
            Kind::Xml => loc.line.and_then(|l| xml_text(&lines, l)),
        };
        place(loc, &lines, found);
    }
}

/// [`crate::jsonpos::spans`] of a text that may start with a byte order mark (JSON readers take
/// one), at their places in the whole text.
fn spans_after_bom(text: &str, refs: &[&str]) -> HashMap<String, crate::jsonpos::Span> {
    let bom = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let mut spans = crate::jsonpos::spans(&text[bom..], refs);
    for span in spans.values_mut() {
        span.start += bom;
        span.end += bom;
    }
    spans
}

/// Give a finding the place `found` (its line, and where it starts and ends in the text of
/// `lines`), or, without one, the line it has: columns, and the line's text to show.
fn place(loc: &mut crate::diag::Location, lines: &Lines<'_>, found: Option<(u64, usize, usize)>) {
    let mut window = None;
    if let Some((line, start, end)) = found {
        loc.line = Some(line);
        let (line_start, line_text) = lines.at(line);
        let end = end.min(line_start + line_text.len());
        loc.column = Some(lines.chars(line_start, start) + 1);
        loc.end_column = Some(lines.chars(line_start, end) + 1);
        window = Some((start - line_start, end - line_start));
    }
    if let Some(l) = loc.line {
        let (line_start, line_text) = lines.at(l);
        let (from, shown) = excerpt(line_text, window, &|to| lines.chars(line_start, line_start + to));
        loc.source_from = from;
        loc.source_line = Some(shown);
    }
}

/// A line to show, whole when it is short; of a long one (a dataset written on one line, a
/// 5 MB value) only the part around `span` (byte offsets in the line), marked `…` where cut, with
/// the column its first character stands for. A finding never carries a huge copy of its input.
/// `chars_to(i)` counts the characters of the line before its byte `i`.
fn excerpt(line: &str, span: Option<(usize, usize)>, chars_to: &dyn Fn(usize) -> u32) -> (u32, String) {
    const KEEP: usize = 400;
    if line.len() <= 2 * KEEP {
        return (1, line.to_string());
    }
    let (start, end) = span.unwrap_or((0, 0));
    let floor = |mut i: usize| {
        i = i.min(line.len());
        while !line.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let from = floor(start.saturating_sub(KEEP / 2));
    let to = floor(end.max(start).saturating_add(KEEP / 2)).max(from);
    let mut shown = String::new();
    let mut column = chars_to(from) + 1;
    if from > 0 {
        shown.push('…');
        column -= 1;
    }
    shown.push_str(&line[from..to]);
    if to < line.len() {
        shown.push('…');
    }
    (column, shown)
}

/// How many characters and line breaks precede every 64 KiB block of a text, counted once (on
/// every core): a dataset written on one 20 MB line is not counted through again for every
/// finding, and a text of millions of lines needs no list of where each starts.
struct Lines<'a> {
    text: &'a str,
    /// The characters before byte `k << BLOCK` of the text, for each k.
    marks: Vec<u32>,
    /// The line breaks before byte `k << BLOCK` of the text, for each k, and in all at the end.
    breaks: Vec<u64>,
}

const BLOCK: u32 = 16;

/// The characters in UTF-8 bytes: every byte but the continuation bytes starts one.
fn count_chars(b: &[u8]) -> u32 {
    b.iter().filter(|&&c| (c as i8) >= -0x40).count() as u32
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        use rayon::prelude::*;
        let counts: Vec<(u32, u64)> = (text.as_bytes().par_chunks(1 << BLOCK))
            .map(|b| (count_chars(b), memchr::memchr_iter(b'\n', b).count() as u64))
            .collect();
        let (mut marks, mut breaks) = (vec![0], vec![0]);
        for (chars, lines) in counts {
            marks.push(marks[marks.len() - 1] + chars);
            breaks.push(breaks[breaks.len() - 1] + lines);
        }
        Lines { text, marks, breaks }
    }

    /// The byte offset where 1-based line `line` starts, and its text (without the line break);
    /// a line past the last is the last.
    fn at(&self, line: u64) -> (usize, &'a str) {
        let total = self.breaks[self.breaks.len() - 1];
        let before = (line.max(1) - 1).min(total);
        let start = if before == 0 { 0 } else { self.nth_break(before) + 1 };
        let end = if before < total { self.nth_break(before + 1) } else { self.text.len() };
        let text = &self.text[start..end];
        (start, text.strip_suffix('\r').unwrap_or(text))
    }

    /// Where the `n`th line break of the text is (1-based; `n` at most their number): found in
    /// the one block that holds it, however long the lines around it are.
    fn nth_break(&self, n: u64) -> usize {
        let k = self.breaks.partition_point(|&m| m < n) - 1;
        let from = k << BLOCK;
        let mut breaks = memchr::memchr_iter(b'\n', &self.text.as_bytes()[from..]);
        breaks.nth((n - self.breaks[k] - 1) as usize).map_or(self.text.len(), |at| from + at)
    }

    /// The characters between byte offsets `from` and `to` (`from <= to`, both on char boundaries).
    fn chars(&self, from: usize, to: usize) -> u32 {
        self.chars_before(to) - self.chars_before(from)
    }

    fn chars_before(&self, i: usize) -> u32 {
        let block = i >> BLOCK;
        self.marks[block] + count_chars(&self.text.as_bytes()[block << BLOCK..i])
    }
}

/// A JSON value by pointer; for a fact record, its `value`. Strings are shown without quotes.
fn json_value(text: &str, spans: &HashMap<String, Span>, pointer: &str) -> Option<(u64, usize, usize)> {
    let mut span = *spans.get(pointer)?;
    if text[span.start..].starts_with('{')
        && let Some(v) = spans.get(&format!("{pointer}/value"))
    {
        span = *v;
    }
    let token = &text[span.start..span.end];
    if token.starts_with('{') || token.starts_with('[') {
        // A whole object or array: point at where it starts.
        return Some((span.line, span.start, span.start + 1));
    }
    if token.len() >= 2 && token.starts_with('"') && token.ends_with('"') {
        return Some((span.line, span.start + 1, span.end - 1));
    }
    Some((span.line, span.start, span.end))
}

/// The cell of a CSV row: the column a pointer names (`/unit`), or the value.
fn csv_cell(lines: &Lines, line: u64, pointer: Option<&str>) -> Option<(u64, usize, usize)> {
    let header = lines.at(1).1;
    let header = header.strip_prefix('\u{feff}').unwrap_or(header);
    let names: Vec<String> = csv_fields(header).into_iter().map(|(s, e)| header[s..e].trim().to_string()).collect();
    let field = pointer.map(|p| p.trim_start_matches('/').to_string()).unwrap_or_else(|| "value".into());
    let candidates = [field.clone(), field.replace('/', "."), field.replace('/', "_")];
    let col = names.iter().position(|n| candidates.iter().any(|c| c == n.trim_matches('"')))?;
    let (start, row) = lines.at(line);
    let (s, e) = *csv_fields(row).get(col)?;
    let cell = &row[s..e];
    let (s, e) = if cell.len() >= 2 && cell.starts_with('"') && cell.ends_with('"') { (s + 1, e - 1) } else { (s, e) };
    (e > s).then_some((line, start + s, start + e))
}

/// Byte ranges of the fields of one CSV line (quotes kept).
fn csv_fields(line: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push((start, line.len()));
    out
}

/// The text content of the element that starts on `line` of an XML instance.
fn xml_text(lines: &Lines, line: u64) -> Option<(u64, usize, usize)> {
    let (start, row) = lines.at(line);
    let gt = row.find('>')?;
    if row[..gt].ends_with('/') {
        return None;
    }
    let rest = &row[gt + 1..];
    let len = rest.find('<').unwrap_or(rest.len());
    let content = rest[..len].trim_end();
    (!content.trim().is_empty()).then_some((line, start + gt + 1, start + gt + 1 + content.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Code, Diagnostic, Location};

    fn at(file: &str, text: &str, loc: Location) -> Location {
        let mut d = vec![Diagnostic::error(Code::E0001, loc, "x")];
        locate(&mut d, &[(file, Held::Bytes(text.as_bytes()))]);
        d.pop().unwrap().location
    }

    #[test]
    fn underlines_the_value_of_a_json_record() {
        let t = "{\"facts\": [\n  {\"concept\": \"A\",\n   \"value\": \"1,397.96\"}\n]}";
        let l = at("d.json", t, Location::pointer("d.json", "/facts/0"));
        assert_eq!((l.line, l.column, l.end_column), (Some(3), Some(14), Some(22)));
        assert_eq!(l.source_line.as_deref(), Some("   \"value\": \"1,397.96\"}"));
        let l = at("d.json", t, Location::pointer("d.json", "/facts/0/concept"));
        assert_eq!((l.line, l.column, l.end_column), (Some(2), Some(16), Some(17)));
    }

    /// A file read whole and let go is located as its bytes were.
    #[test]
    fn a_file_read_again_is_located_as_its_bytes_were() {
        let dir = tempfile::tempdir().unwrap();
        let json = "{\"facts\": [\n  {\"concept\": \"A\",\n   \"value\": \"1,397.96\"}\n]}";
        let csv = "concept,value\nA,\"1,397.96\"\nB,2\n";
        for (name, text, loc) in [
            ("d.json", json, Location::pointer("d.json", "/facts/0/concept")),
            ("t.csv", csv, Location { pointer: Some("/value".into()), ..Location::line("t.csv", 2) }),
            ("r.xml", "<r>\n  <f contextRef=\"c\">1397.96</f>\n</r>", Location::line("r.xml", 2)),
        ] {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            let mut d = vec![Diagnostic::error(Code::E0001, loc.clone(), "x")];
            locate(&mut d, &[(name, Held::Reread(&path))]);
            let again = d.pop().unwrap().location;
            assert!(again.line.is_some() && again.column.is_some() && again.source_line.is_some(), "{again:?}");
            assert_eq!(format!("{again:?}"), format!("{:?}", at(name, text, loc)), "{name}");
        }
    }

    /// A JSON file that read in pieces is located piece by piece as its bytes were: values early
    /// and late, on lines of their own or not, a fact's object, a pointer at the facts or the whole
    /// document, one to nothing, a finding with a line and no pointer; written with line breaks,
    /// on one line, with a byte order mark, with wide characters.
    #[test]
    fn a_file_read_in_pieces_is_located_as_its_bytes_were() {
        let dir = tempfile::tempdir().unwrap();
        let facts: Vec<String> = (0..2_000)
            .map(|i| {
                format!(
                    "    \"f{i}\": {{\n      \"value\": \"{i}é5\", \"dimensions\": {{\"concept\": \"e:W\"}}\n    }}"
                )
            })
            .collect();
        let text = format!(
            "{{\n  \"documentInfo\": {{\"documentType\": \"x\"}},\n  \"facts\": {{\n{}\n  }},\n  \"tail\": {{\"k\": [1, \"v\"]}}\n}}\n",
            facts.join(",\n")
        );
        assert!(text.len() > 8 * crate::jsonpos::PIECE_BYTES);
        let pointers =
            ["/facts/f0", "/facts/f1/value", "/facts/f1000", "/facts/f1001/dimensions/concept", "/facts/f1999"];
        let more = ["/tail/k/1", "/documentInfo/documentType", "/facts/none", "/facts/f7/value/x", "/facts/f8/"];
        let flat = text.replace('\n', " ");
        let bom = format!("\u{feff}{text}");
        for (k, text) in [&text, &flat, &bom].into_iter().enumerate() {
            let path = dir.path().join(format!("r{k}.json"));
            std::fs::write(&path, text).unwrap();
            let mut locs: Vec<Location> =
                pointers.iter().chain(&more).map(|p| Location::pointer("r.json", *p)).collect();
            locs.push(Location::line("r.json", 1));
            let diags = || locs.iter().map(|l| Diagnostic::error(Code::E0001, l.clone(), "x")).collect::<Vec<_>>();
            let (mut pieces, mut bytes) = (diags(), diags());
            let mine: Vec<usize> = (0..pieces.len()).collect();
            assert!(in_pieces(&mut pieces, &mine, &path).is_some(), "case {k}");
            locate(&mut bytes, &[("r.json", Held::Bytes(text.as_bytes()))]);
            for (a, b) in pieces.iter().zip(&bytes) {
                assert_eq!(format!("{:?}", a.location), format!("{:?}", b.location), "case {k}");
            }
            assert!(bytes[..pointers.len()].iter().all(|d| d.location.column.is_some()), "case {k}");
            let mut through = diags();
            locate(&mut through, &[("r.json", Held::Pieces(&path))]);
            assert_eq!(format!("{through:?}"), format!("{bytes:?}"), "case {k}");
            // The document, or its facts, cut across pieces, or a line past the last: located in
            // the whole text.
            let past = Location::line("r.json", 10_000_000);
            for loc in [Location::pointer("r.json", ""), Location::pointer("r.json", "/facts"), past] {
                let p = loc.clone();
                let mut one = vec![Diagnostic::error(Code::E0001, loc, "x")];
                assert!(in_pieces(&mut one, &[0], &path).is_none());
                locate(&mut one, &[("r.json", Held::Pieces(&path))]);
                assert!(one[0].location.source_line.is_some(), "case {k}: {p:?}");
            }
        }
    }

    #[test]
    fn a_long_line_is_kept_in_part() {
        let pad = "x".repeat(2_000_000);
        let t = format!("{{\"pad\": \"{pad}\", \"facts\": [{{\"value\": \"1,397.96\"}}], \"tail\": \"{pad}\"}}");
        let l = at("d.json", &t, Location::pointer("d.json", "/facts/0"));
        let text = l.source_line.clone().unwrap();
        assert!(text.len() < 1_000, "{} bytes kept", text.len());
        assert!(text.starts_with('…') && text.ends_with('…') && text.contains("\"value\": \"1,397.96\""));
        // The rendering still underlines the value, at its real column.
        assert_eq!(l.column, Some(2_000_034));
        let d = Diagnostic::error(Code::E0001, l, "x");
        let shown = crate::diag::human_diagnostic(&d, false);
        let (line, marks) = {
            let mut it = shown.lines().skip_while(|s| !s.contains("1,397.96"));
            (it.next().unwrap().to_string(), it.next().unwrap().to_string())
        };
        let at = line[..line.find("1,397.96").unwrap()].chars().count();
        assert_eq!(marks.find('^'), Some(at), "{line}\n{marks}");
        assert_eq!(marks.matches('^').count(), 8);
    }

    #[test]
    fn columns_count_characters_across_long_lines_of_wide_text() {
        // Several 64 KiB blocks of two-, three- and four-byte characters before the value, and a
        // second line, so that the columns come from the block counts and the line's own start.
        let pad = "é中𝄞".repeat(30_000);
        let t = format!(
            "{{\"pad\": \"{pad}\", \"facts\": [{{\"value\": \"1,397.96\"}}],\n\"more\": [{{\"value\": \"x{pad}\"}}]}}"
        );
        let l = at("d.json", &t, Location::pointer("d.json", "/facts/0"));
        let want = t[..t.find("1,397.96").unwrap()].chars().count() as u32 + 1;
        assert_eq!((l.line, l.column, l.end_column), (Some(1), Some(want), Some(want + 8)));
        let l = at("d.json", &t, Location::pointer("d.json", "/more/0"));
        let second = &t[t.find('\n').unwrap() + 1..];
        let want = second[..second.find("\"x").unwrap()].chars().count() as u32 + 2;
        assert_eq!((l.line, l.column), (Some(2), Some(want)));
        assert_eq!(l.end_column, Some(want + 1 + 3 * 30_000));
    }

    #[test]
    fn underlines_csv_cells() {
        let t = "concept,value,unit\nA,\"1,397.96\",tCO2e\n";
        let l = at("d.csv", t, Location::line("d.csv", 2));
        assert_eq!((l.column, l.end_column), (Some(4), Some(12)));
        let mut loc = Location::line("d.csv", 2);
        loc.pointer = Some("/unit".into());
        let l = at("d.csv", t, loc);
        assert_eq!((l.column, l.end_column), (Some(14), Some(19)));
    }

    /// A file read again for its lines gives what its text in memory gives.
    #[test]
    fn a_file_read_again_is_located_as_its_text() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            (
                "r.xbrl",
                "<x>\r\n  <esg:A contextRef=\"c\">1397.96</esg:A>\r\n  <esg:B contextRef=\"c\">é 2</esg:B>\n</x>",
                vec![2, 3, 3, 4],
            ),
            ("d.csv", "concept,value,unit\nA,\"1,397.96\",tCO2e\nB,7,t\n", vec![3, 2, 1]),
        ];
        for (name, text, lines) in cases {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            let diags = || -> Vec<Diagnostic> {
                let loc = |l| Location::line(name, l);
                lines.iter().map(|&l| Diagnostic::error(Code::E0001, loc(l), "x")).collect()
            };
            let (mut a, mut b) = (diags(), diags());
            locate(&mut a, &[(name, Held::File(&path))]);
            locate(&mut b, &[(name, Held::Bytes(text.as_bytes()))]);
            let shown = |d: &[Diagnostic]| format!("{:?}", d.iter().map(|d| &d.location).collect::<Vec<_>>());
            assert_eq!(shown(&a), shown(&b));
            assert!(a[0].location.column.is_some(), "{}", shown(&a));
        }
    }

    /// Lines read from a file block by block: across block ends, on a line longer than a
    /// block, the last line without a line break, a line past the end.
    #[test]
    fn lines_of_a_file_across_its_blocks() {
        let mut text = String::new();
        for i in 0..40_000 {
            text += &format!("{i} {}\r\n", "x".repeat(i % 97));
            if i == 20_000 {
                text += &"long".repeat(700_000);
                text.push('\n');
            }
        }
        text += "last";
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.xbrl");
        std::fs::write(&path, &text).unwrap();
        let all: Vec<&str> = text.split('\n').collect();
        let mut wanted: Vec<u64> = (1..=all.len() as u64 + 2).step_by(997).collect();
        wanted.extend([1, 2, 20_001, 20_002, 20_003, all.len() as u64, all.len() as u64 + 1]);
        let got = lines_of(&path, wanted.iter().copied(), Kind::Xml).unwrap();
        for w in wanted {
            assert_eq!(got.get(&w).map(String::as_str), all.get(w as usize - 1).copied(), "line {w}");
        }
    }

    #[test]
    fn underlines_xml_fact_values() {
        let t = "<x>\n  <esg:A contextRef=\"c\" decimals=\"2\">1397.96</esg:A>\n</x>";
        let l = at("r.xbrl", t, Location::line("r.xbrl", 2));
        assert_eq!((l.column, l.end_column), (Some(38), Some(45)));
    }
}
