//! A small, deterministic XML text writer: elements, attributes in the order given, escaped text.

use std::fmt::Write;

/// `s` with XML's special characters escaped (for attribute values and text); characters XML 1.0
/// cannot carry are dropped.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

/// Append `s` to `out` with XML's special characters escaped; characters XML 1.0 cannot carry
/// at all are dropped rather than written broken.
pub fn escape_into(out: &mut String, s: &str) {
    escape_with(out, s, false)
}

/// [`escape_into`] for an attribute value: tabs and line feeds are written as character
/// references too, which a reader keeps (it turns the characters themselves into spaces).
pub fn escape_attr_into(out: &mut String, s: &str) {
    escape_with(out, s, true)
}

fn escape_with(out: &mut String, s: &str, attr: bool) {
    if !s.bytes().any(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'') || !(0x20..0x80).contains(&b)) {
        out.push_str(s); // the common case: nothing to escape
        return;
    }
    for c in s.chars() {
        match c {
            '\t' if attr => out.push_str("&#9;"),
            '\n' if attr => out.push_str("&#10;"),
            // A reader turns a carriage return into a line end, or a space in an attribute.
            '\r' => out.push_str("&#13;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if !is_xml_char(c) => {}
            c => out.push(c),
        }
    }
}

/// Text content escaped for XML (and XHTML): only `&`, `<` and `>`, which text needs; characters
/// XML 1.0 cannot carry are dropped.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if !is_xml_char(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Can XML 1.0 carry this character at all?
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || ((c as u32) >= 0x20 && !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
}

/// The byte offset and character of the first character XML 1.0 does not allow (control
/// characters other than tab and line ends, U+FFFE, U+FFFF), if any. A conforming parser rejects
/// such a document, raw or as a character reference.
pub fn first_illegal_char(s: &str) -> Option<(usize, char)> {
    let mut from = 0;
    while let Some(i) = first_suspect(&s.as_bytes()[from..]) {
        // A control byte is a character of its own and 0xEF a lead byte: `at` starts a character.
        let at = from + i;
        let c = s[at..].chars().next()?;
        if !is_xml_char(c) {
            return Some((at, c));
        }
        from = at + c.len_utf8();
    }
    None
}

/// Only bytes below 0x20 other than tab and line ends, and the UTF-8 lead byte 0xEF (of U+F000
/// to U+FFFF, which holds U+FFFE and U+FFFF), can start a character XML 1.0 does not allow.
fn suspect(b: u8) -> bool {
    (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r') | (b == 0xEF)
}

/// Where the first [`suspect`] byte is. Blocks are screened whole, without stopping at each
/// byte, so that the compiler checks many bytes at once: a large filing's text is screened as it
/// is read, and a byte-by-byte scan was a tenth of the reading (perf).
fn first_suspect(bytes: &[u8]) -> Option<usize> {
    const BLOCK: usize = 64;
    let mut blocks = bytes.chunks_exact(BLOCK);
    for (n, block) in (&mut blocks).enumerate() {
        if block.iter().fold(false, |any, &b| any | suspect(b)) {
            return block.iter().position(|&b| suspect(b)).map(|i| n * BLOCK + i);
        }
    }
    let rest = blocks.remainder();
    rest.iter().position(|&b| suspect(b)).map(|i| bytes.len() - rest.len() + i)
}

/// Writes an XML document as text: the declaration, elements indented by two spaces per level,
/// attributes in the order given, values escaped.
pub struct XmlWriter {
    out: String,
    stack: Vec<String>,
    open_tag: bool,
}

impl Default for XmlWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl XmlWriter {
    /// A writer holding only the XML declaration.
    pub fn new() -> Self {
        XmlWriter {
            out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
            stack: Vec::new(),
            open_tag: false,
        }
    }

    fn close_open_tag(&mut self) {
        if self.open_tag {
            self.out.push_str(">\n");
            self.open_tag = false;
        }
    }

    fn indent(&mut self) {
        for _ in 0..self.stack.len() {
            self.out.push_str("  ");
        }
    }

    fn start_tag(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.close_open_tag();
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            self.out.push(' ');
            self.out.push_str(k);
            self.out.push_str("=\"");
            escape_attr_into(&mut self.out, v);
            self.out.push('"');
        }
    }

    /// Open an element; children follow until `end`.
    pub fn start(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.start_tag(name, attrs);
        self.open_tag = true;
        self.stack.push(name.to_string());
    }

    /// Close the innermost open element (as `<x/>` if it has no content).
    pub fn end(&mut self) {
        let name = self.stack.pop().expect("end() matches a start()");
        if self.open_tag {
            self.out.push_str("/>\n");
            self.open_tag = false;
        } else {
            self.indent();
            let _ = writeln!(self.out, "</{name}>");
        }
    }

    /// An element with only text content (escaped).
    pub fn text_element(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.start_tag(name, attrs);
        self.out.push('>');
        escape_into(&mut self.out, text);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    /// An element with no content.
    pub fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.start_tag(name, attrs);
        self.out.push_str("/>\n");
    }

    /// Hand the text written so far to `out` and start an empty buffer, so that a large
    /// document streams out in parts instead of being held whole. The parts joined are the
    /// document [`XmlWriter::finish`] would return.
    pub fn drain_into(&mut self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        out.write_all(self.out.as_bytes())?;
        self.out.clear();
        Ok(())
    }

    /// Close every open element and return the document.
    pub fn finish(mut self) -> String {
        while !self.stack.is_empty() {
            self.end();
        }
        self.out
    }
}

/// Namespace bindings in scope while reading XML: a stack of bindings per prefix, so that each
/// declaration costs once (not once per element in its scope) and a lookup is one hash probe.
pub struct NsScope {
    by_prefix: std::collections::HashMap<String, Vec<String>>,
    /// The prefixes each open element declared, to undo at its end.
    declared: Vec<Vec<String>>,
}

impl Default for NsScope {
    fn default() -> Self {
        let mut by_prefix = std::collections::HashMap::new();
        by_prefix.insert("xml".to_string(), vec![crate::ns::XML.to_string()]);
        NsScope { by_prefix, declared: Vec::new() }
    }
}

impl NsScope {
    /// Open an element with its declarations (prefix, namespace; "" for the default namespace).
    pub fn push(&mut self, decls: Vec<(String, String)>) {
        let mut prefixes = Vec::with_capacity(decls.len());
        for (p, n) in decls {
            self.by_prefix.entry(p.clone()).or_default().push(n);
            prefixes.push(p);
        }
        self.declared.push(prefixes);
    }
    /// Close the innermost open element.
    pub fn pop(&mut self) {
        for p in self.declared.pop().unwrap_or_default() {
            if let Some(s) = self.by_prefix.get_mut(&p) {
                s.pop();
                if s.is_empty() {
                    self.by_prefix.remove(&p);
                }
            }
        }
    }
    /// The namespace bound to `prefix` ("" for the default namespace), if any.
    pub fn resolve(&self, prefix: &str) -> Option<&str> {
        self.by_prefix
            .get(prefix)
            .and_then(|s| s.last())
            .map(String::as_str)
            .filter(|n| !n.is_empty() || prefix.is_empty())
    }
    /// Every binding in scope, the innermost per prefix.
    pub fn bindings(&self) -> impl Iterator<Item = (&str, &str)> {
        self.by_prefix.iter().filter_map(|(p, s)| s.last().map(|n| (p.as_str(), n.as_str())))
    }
}

#[cfg(test)]
mod tests {
    use super::XmlWriter;

    #[test]
    fn attribute_values_keep_their_tabs_and_line_ends() {
        let value = "1,397.96\tper year\r\nestimated \"about\" & <rounded>";
        let mut w = XmlWriter::new();
        w.empty("e", &[("a", value)]);
        let text = w.finish();
        let mut reader = quick_xml::Reader::from_str(&text);
        let read = loop {
            match reader.read_event().unwrap() {
                quick_xml::events::Event::Empty(e) => {
                    let a = e.attributes().next().unwrap().unwrap();
                    break a.normalized_value(quick_xml::XmlVersion::Implicit1_0).unwrap().into_owned();
                }
                quick_xml::events::Event::Eof => panic!("no element"),
                _ => {}
            }
        };
        assert_eq!(read, value);
        // In text a carriage return is written as a reference too: a reader makes CR LF a
        // line feed.
        let mut w = XmlWriter::new();
        w.text_element("e", &[], "a\r\nb");
        assert!(w.finish().contains(">a&#13;\nb</e>"));
    }

    #[test]
    fn illegal_characters_are_found_wherever_they_are() {
        use super::first_illegal_char;
        // Long texts are screened in blocks: every position of a block and its remainder, after
        // characters of the range U+F000..U+FFFF that are allowed (a full-width comma).
        for len in [0, 1, 63, 64, 65, 130, 200] {
            let base: String = "a，\t\n".chars().cycle().take(len).collect();
            assert_eq!(first_illegal_char(&base), None, "{base:?}");
            for at in 0..=base.chars().count() {
                for bad in ['\u{1}', '\u{FFFE}', '\u{FFFF}'] {
                    let mut s: String = base.chars().take(at).collect();
                    let offset = s.len();
                    s.push(bad);
                    s.extend(base.chars().skip(at));
                    assert_eq!(first_illegal_char(&s), Some((offset, bad)), "{s:?}");
                }
            }
        }
        assert_eq!(first_illegal_char("\u{FFFD}\u{EFFF}\r"), None);
    }
}
