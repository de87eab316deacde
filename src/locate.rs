//! Pointing into the input: findings get the line, the columns and the text of what they are
//! about, so that a person sees the offending value underlined, as rustc shows code.
//!
//! A finding about a fact record points at the record (`/facts/12`, a CSV row, an XML element);
//! what a preparer wants to see is its value, so that is what gets underlined. A finding about a
//! field (`/facts/12/unit`) underlines that field.

use crate::diag::Diagnostic;

/// Fill in line, columns and source text for every finding that points into one of `inputs`.
pub fn locate(diags: &mut [Diagnostic], inputs: &[(String, Vec<u8>)]) {
    for d in diags.iter_mut() {
        let Some((file, bytes)) = inputs.iter().find(|(f, _)| *f == d.location.file) else {
            continue;
        };
        let Ok(text) = std::str::from_utf8(bytes) else {
            continue;
        };
        let lower = file.to_ascii_lowercase();
        let loc = &mut d.location;
        let found = if lower.ends_with(".csv") {
            loc.line.and_then(|l| csv_cell(text, l, loc.pointer.as_deref()))
        } else if let Some(ptr) = loc.pointer.clone().filter(|_| loc.line.is_none() || lower.ends_with(".json")) {
            json_value(text, &ptr)
        } else if lower.ends_with(".xbrl") || lower.ends_with(".xml") {
            loc.line.and_then(|l| xml_text(text, l))
        } else {
            None
        };
        match found {
            Some((line, start, end)) => {
                loc.line = Some(line);
                let (line_start, line_text) = line_at(text, line);
                loc.column = Some(chars(&text[line_start..start]) + 1);
                loc.end_column = Some(chars(&text[line_start..end.min(line_start + line_text.len())]) + 1);
                loc.source_line = Some(line_text.to_string());
            }
            None => {
                if loc.line.is_none()
                    && let Some(ptr) = &loc.pointer
                {
                    loc.line = crate::jsonpos::line_of(text, ptr);
                }
                if let Some(l) = loc.line {
                    loc.source_line = Some(line_at(text, l).1.to_string());
                }
            }
        }
    }
}

fn chars(s: &str) -> u32 {
    s.chars().count() as u32
}

/// The byte offset where 1-based line `line` starts, and its text (without the line break).
fn line_at(text: &str, line: u64) -> (usize, &str) {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => break,
        }
    }
    let rest = &text[start..];
    let end = rest.find('\n').unwrap_or(rest.len());
    (start, rest[..end].strip_suffix('\r').unwrap_or(&rest[..end]))
}

/// A JSON value by pointer; for a fact record, its `value`. Strings are shown without quotes.
fn json_value(text: &str, pointer: &str) -> Option<(u64, usize, usize)> {
    use crate::jsonpos::span_of;
    let mut span = span_of(text, pointer)?;
    if text[span.start..].starts_with('{')
        && let Some(v) = span_of(text, &format!("{pointer}/value"))
    {
        span = v;
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
fn csv_cell(text: &str, line: u64, pointer: Option<&str>) -> Option<(u64, usize, usize)> {
    let header = line_at(text, 1).1;
    let header = header.strip_prefix('\u{feff}').unwrap_or(header);
    let names: Vec<String> = csv_fields(header).into_iter().map(|(s, e)| header[s..e].trim().to_string()).collect();
    let field = pointer.map(|p| p.trim_start_matches('/').to_string()).unwrap_or_else(|| "value".into());
    let candidates = [field.clone(), field.replace('/', "."), field.replace('/', "_")];
    let col = names.iter().position(|n| candidates.iter().any(|c| c == n.trim_matches('"')))?;
    let (start, row) = line_at(text, line);
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
fn xml_text(text: &str, line: u64) -> Option<(u64, usize, usize)> {
    let (start, row) = line_at(text, line);
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
    use crate::diag::{Diagnostic, Location};

    fn at(file: &str, text: &str, loc: Location) -> Location {
        let mut d = vec![Diagnostic::error("E0001", loc, "x")];
        locate(&mut d, &[(file.to_string(), text.as_bytes().to_vec())]);
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

    #[test]
    fn underlines_xml_fact_values() {
        let t = "<x>\n  <esg:A contextRef=\"c\" decimals=\"2\">1397.96</esg:A>\n</x>";
        let l = at("r.xbrl", t, Location::line("r.xbrl", 2));
        assert_eq!((l.column, l.end_column), (Some(38), Some(45)));
    }
}
