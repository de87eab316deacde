//! Line numbers for JSON pointers, so that a finding about `/facts/12/value` can also say
//! `dataset.json:348`. A small scanner over the text that tracks the path it is in; it never
//! builds a tree and stops at the first match.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

/// The 1-based line on which the value at `pointer` starts, if the text holds it.
pub fn line_of(text: &str, pointer: &str) -> Option<u64> {
    span_of(text, pointer).map(|s| s.line)
}

/// Where the value at `pointer` is: its first line and its byte range in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// The 1-based line the value starts on.
    pub line: u64,
    /// The byte offset of the value's first character.
    pub start: usize,
    /// The byte offset just after the value's last character.
    pub end: usize,
}

/// The span of the value at `pointer` (a string's quotes included), if the text holds it.
pub fn span_of(text: &str, pointer: &str) -> Option<Span> {
    spans(text, &[pointer]).remove(pointer)
}

/// The spans of many values at once, in one pass over the text: pointers that the text does
/// not hold are left out. Only the paths to the pointers are walked; everything else is skipped.
pub fn spans(text: &str, pointers: &[&str]) -> std::collections::HashMap<String, Span> {
    let mut root = Node::default();
    for p in pointers {
        let Some(rest) = (if p.is_empty() { Some("") } else { p.strip_prefix('/') }) else {
            continue;
        };
        let mut node = &mut root;
        if !rest.is_empty() {
            for part in rest.split('/') {
                node = node.children.entry(part.replace("~1", "/").replace("~0", "~")).or_default();
            }
        }
        node.pointer = Some(p.to_string());
    }
    let mut out = std::collections::HashMap::new();
    let mut s = Scanner { b: text.as_bytes(), i: 0, line: 1 };
    s.skip_ws();
    s.walk(&root, &mut out);
    out
}

/// A key as a JSON pointer writes it (`~` as `~0`, `/` as `~1`); borrowed when it has neither.
pub fn escape(key: &str) -> std::borrow::Cow<'_, str> {
    if key.contains(['~', '/']) { key.replace('~', "~0").replace('/', "~1").into() } else { key.into() }
}

/// Where to cut a JSON document's top-level member (an object) in two.
#[derive(Debug)]
pub(crate) struct Cut {
    /// The top-level members before it: each key, with where its value starts and ends.
    pub before: Vec<(String, usize, usize)>,
    /// The comma before the member the cut falls at: the first part is the text before it.
    pub comma: usize,
    /// The 1-based line of that comma.
    pub line: u64,
    /// Where that member's key starts: the second part is the text from there on.
    pub member: usize,
}

/// A place to cut the object that is the value of the document's top-level member `key`: the
/// first of its members that starts at or after byte `at`, other than its first. Found by
/// stepping over every value before it, so it is a member's start whatever the layout; `None`
/// when the document does not read that far that way (the object ends first, or it is not JSON).
pub(crate) fn cut_member(text: &str, key: &str, at: usize) -> Option<Cut> {
    let mut sc = Scanner { b: text.as_bytes(), i: 0, line: 1 };
    let expect = |sc: &mut Scanner<'_>, c: u8| -> Option<()> {
        sc.skip_ws();
        (*sc.b.get(sc.i)? == c).then(|| sc.i += 1)
    };
    expect(&mut sc, b'{')?;
    let mut before = Vec::new();
    loop {
        sc.skip_ws();
        if *sc.b.get(sc.i)? != b'"' {
            return None;
        }
        let k = sc.string()?;
        expect(&mut sc, b':')?;
        sc.skip_ws();
        if k == key {
            break;
        }
        let start = sc.i;
        sc.skip_value()?;
        before.push((k.into_owned(), start, sc.i));
        expect(&mut sc, b',')?;
    }
    expect(&mut sc, b'{')?;
    let mut comma = None;
    loop {
        sc.skip_ws();
        if *sc.b.get(sc.i)? != b'"' {
            return None;
        }
        if let Some((comma, line)) = comma
            && sc.i >= at
        {
            return Some(Cut { before, comma, line, member: sc.i });
        }
        sc.skip_string()?;
        expect(&mut sc, b':')?;
        sc.skip_ws();
        sc.skip_value()?;
        sc.skip_ws();
        // The object's end before `at`: nowhere to cut.
        if *sc.b.get(sc.i)? != b',' {
            return None;
        }
        comma = Some((sc.i, sc.line));
        sc.i += 1;
    }
}

/// The paths to the values wanted: a trie of keys (array indexes as text).
#[derive(Default)]
struct Node {
    children: std::collections::HashMap<String, Node>,
    /// The pointer as asked, when this value is one of them.
    pointer: Option<String>,
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
    line: u64,
}

impl<'a> Scanner<'a> {
    fn skip_ws(&mut self) {
        while let Some(&c) = self.b.get(self.i) {
            match c {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' => {}
                _ => return,
            }
            self.i += 1;
        }
    }

    /// At the start of a value: record it if wanted and go down the paths below it.
    fn walk(&mut self, node: &Node, out: &mut std::collections::HashMap<String, Span>) -> Option<()> {
        let (start, line) = (self.i, self.line);
        if node.children.is_empty() {
            self.skip_value()?;
        } else {
            match *self.b.get(self.i)? {
                b'{' => {
                    self.i += 1;
                    loop {
                        self.skip_ws();
                        match *self.b.get(self.i)? {
                            b'}' => {
                                self.i += 1;
                                break;
                            }
                            b',' => {
                                self.i += 1;
                                continue;
                            }
                            b'"' => {}
                            _ => return None,
                        }
                        let key = self.string()?;
                        self.skip_ws();
                        if *self.b.get(self.i)? != b':' {
                            return None;
                        }
                        self.i += 1;
                        self.skip_ws();
                        match node.children.get(&*key) {
                            Some(child) => self.walk(child, out)?,
                            None => self.skip_value()?,
                        }
                    }
                }
                b'[' => {
                    self.i += 1;
                    let mut n = 0usize;
                    loop {
                        self.skip_ws();
                        match *self.b.get(self.i)? {
                            b']' => {
                                self.i += 1;
                                break;
                            }
                            b',' => {
                                self.i += 1;
                                continue;
                            }
                            _ => {}
                        }
                        match node.children.get(&n.to_string()) {
                            Some(child) => self.walk(child, out)?,
                            None => self.skip_value()?,
                        }
                        n += 1;
                    }
                }
                _ => self.skip_value()?,
            }
        }
        if let Some(p) = &node.pointer {
            out.insert(p.clone(), Span { line, start, end: self.i });
        }
        Some(())
    }

    /// The text of a string: borrowed from the document when it has no escape (a key looked up
    /// is not copied), decoded otherwise.
    fn string(&mut self) -> Option<std::borrow::Cow<'a, str>> {
        let (start, end, escaped) = self.skip_string()?;
        let raw = std::str::from_utf8(&self.b[start..end]).ok()?;
        Some(if escaped { serde_json::from_str::<String>(&format!("\"{raw}\"")).ok()?.into() } else { raw.into() })
    }

    /// Past a string, counting its lines: where its text starts and ends, and whether it has an
    /// escape. Nothing is made of it: skipping a large document's values took most of the time
    /// it took to locate findings when each string was copied (perf).
    fn skip_string(&mut self) -> Option<(usize, usize, bool)> {
        let start = self.i + 1;
        let mut i = start;
        let mut escaped = false;
        // From one quote, backslash or line break to the next (memchr: most of a large
        // document's bytes are in strings).
        while let Some(at) = self.b.get(i..).and_then(|rest| memchr::memchr3(b'"', b'\\', b'\n', rest)) {
            i += at;
            match self.b[i] {
                b'\\' => {
                    escaped = true;
                    i += 1; // the escaped character is skipped, whatever it is
                }
                b'"' => {
                    self.i = i + 1;
                    return Some((start, i, escaped));
                }
                _ => self.line += 1,
            }
            i += 1;
        }
        self.i = i.max(self.b.len());
        None
    }

    /// Skip one value of any kind, counting lines, without recursion (deep input stays safe).
    fn skip_value(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            self.skip_ws();
            match *self.b.get(self.i)? {
                b'"' => {
                    self.skip_string()?;
                }
                b'{' | b'[' => {
                    depth += 1;
                    self.i += 1;
                }
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    self.i += 1;
                }
                b',' | b':' if depth > 0 => self.i += 1,
                _ => {
                    while let Some(&c) = self.b.get(self.i) {
                        if matches!(c, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                            break;
                        }
                        self.i += 1;
                    }
                }
            }
            if depth == 0 {
                return Some(());
            }
        }
    }
}

/// What opens each piece of a JSON text after the first (see [`cut_file`]): the members cut from
/// a document's `facts`, read as the facts of a document of their own.
pub(crate) const OPEN: &str = "{\"facts\": {";

/// How large the pieces of a large JSON document are cut ([`with_pieces`]).
pub(crate) const PIECE_BYTES: usize = if cfg!(test) { 16 << 10 } else { 4 << 20 };

/// The pieces of the JSON document in `f` (`len` bytes), cut on a thread of its own
/// ([`cut_file`], pieces of [`PIECE_BYTES`]) and handed to `consume` as they come; setting the
/// flag `consume` is given stops the cutting. Whether the whole document was cut, and what
/// `consume` gave. A thread that cannot be made lets the pieces' sender go at once: nothing is
/// received and nothing cut.
pub(crate) fn with_pieces<R>(
    f: impl std::io::Read + Send,
    len: u64,
    consume: impl FnOnce(std::sync::mpsc::Receiver<Piece>, &AtomicBool) -> R,
) -> (bool, R) {
    let stop = &AtomicBool::new(false);
    let (pieces, received) = std::sync::mpsc::sync_channel(1);
    std::thread::scope(|s| {
        let cutting = std::thread::Builder::new()
            .spawn_scoped(s, move || cut_file(f.take(len), PIECE_BYTES, |p| pieces.send(p).ok(), stop));
        let consumed = consume(received, stop);
        let cut = cutting.ok().is_some_and(|c| c.join().unwrap_or_else(|p| std::panic::resume_unwind(p)).is_some());
        (cut, consumed)
    })
}

/// A piece of a JSON document's text cut by [`cut_file`].
pub(crate) struct Piece {
    /// Its place among the pieces, from 0.
    pub no: usize,
    /// The first is the document's start (without a byte order mark), up to a comma between
    /// two members of its top-level `facts` (left out); each other one is [`OPEN`] and the text
    /// after such a comma, up to the next or, for the last, to the end.
    pub text: String,
    pub last: bool,
    /// The document's top-level `documentInfo`, for each piece after the first.
    pub info: Option<Arc<serde_json::Value>>,
    /// The 1-based line of the file that the piece's own text (after [`OPEN`]) starts on.
    pub line: u64,
    /// Where that line starts in the file, and where the piece's own text does.
    pub line_start: u64,
    pub offset: u64,
}

impl Piece {
    /// How many bytes of the text come before its own (the opening of a piece after the first).
    pub fn opening(&self) -> usize {
        if self.no == 0 { 0 } else { OPEN.len() }
    }
}

/// Read a JSON document from `f` a block at a time and cut it into pieces of `piece_bytes` or a
/// little more, each handed to `send` (`None` from it stops the cutting). `None` when the text is
/// not UTF-8, its `documentInfo` (if it has facts) does not come before its `facts` or does not
/// parse, it closes a bracket it did not open, a read fails, or `stop` is set. A document without
/// a top-level `facts` object is one piece.
pub(crate) fn cut_file(
    mut f: impl std::io::Read,
    piece_bytes: usize,
    mut send: impl FnMut(Piece) -> Option<()>,
    stop: &AtomicBool,
) -> Option<()> {
    use std::io::Read;
    const BLOCK: u64 = if cfg!(test) { 4 << 10 } else { 1 << 20 };
    let mut buf = Vec::with_capacity(piece_bytes + BLOCK as usize);
    let mut cutter = Cutter::default();
    let mut info: Option<Arc<serde_json::Value>> = None;
    let (mut no, mut line, mut line_start, mut offset) = (0, 1, 0, 0);
    loop {
        if stop.load(Relaxed) {
            return None;
        }
        let before = buf.len();
        (&mut f).take(BLOCK).read_to_end(&mut buf).ok()?;
        if no == 0 && before == 0 && buf.starts_with(&[0xEF, 0xBB, 0xBF]) {
            buf.drain(..3);
            offset = 3;
        }
        if buf.len() == before {
            let text = String::from_utf8(buf).ok()?;
            return send(Piece { no, text, last: true, info, line, line_start, offset });
        }
        cutter.scan(&buf);
        if cutter.broken {
            return None;
        }
        if cutter.facts == Facts::Open && info.is_none() {
            let (from, Some(to)) = cutter.info? else { return None };
            info = Some(Arc::new(serde_json::from_slice(&buf[from..to]).ok()?));
        }
        if buf.len() >= piece_bytes
            && let Some(comma) = cutter.comma.take()
        {
            let mut next = Vec::with_capacity(piece_bytes + BLOCK as usize);
            next.extend_from_slice(OPEN.as_bytes());
            next.extend_from_slice(&buf[comma + 1..]);
            cutter.at = cutter.at - (comma + 1) + OPEN.len();
            buf.truncate(comma);
            let text = String::from_utf8(std::mem::replace(&mut buf, next)).ok()?;
            let piece = Piece { no, text, last: false, info: info.clone(), line, line_start, offset };
            // Where the next piece's own text is: past this one's and the comma.
            let own = &piece.text.as_bytes()[piece.opening()..];
            line += memchr::memchr_iter(b'\n', own).count() as u64;
            if let Some(nl) = memchr::memrchr(b'\n', own) {
                line_start = offset + nl as u64 + 1;
            }
            offset += own.len() as u64 + 1;
            send(piece)?;
            no += 1;
        }
    }
}

/// Where the text's top-level `facts` object is, as far as it is scanned.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
enum Facts {
    #[default]
    Before,
    Open,
    Closed,
}

/// The last top-level key met.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
enum Key {
    #[default]
    Other,
    Info,
    Facts,
}

/// A scanner of a JSON text given a block more at a time (its state kept between them): it
/// follows strings and nesting only, to find the top-level `documentInfo` and the commas between
/// the members of the top-level `facts`. Keys are compared as written (an escaped one is another
/// key, which only means no cut).
#[derive(Debug, Default)]
struct Cutter {
    /// Bytes of the buffer scanned.
    at: usize,
    depth: u32,
    in_string: bool,
    /// The last byte scanned is a backslash in a string.
    escaped: bool,
    /// A top-level key comes next.
    key_next: bool,
    /// Where the top-level key being scanned starts.
    key_start: Option<usize>,
    key: Key,
    /// Where the top-level `documentInfo` object starts, and ends once scanned.
    info: Option<(usize, Option<usize>)>,
    facts: Facts,
    /// The last comma between two facts.
    comma: Option<usize>,
    /// A closing bracket with nothing open.
    broken: bool,
}

impl Cutter {
    /// Scan `b` from where the last scan ended to its end.
    fn scan(&mut self, b: &[u8]) {
        let mut i = self.at;
        while i < b.len() {
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                    i += 1;
                    continue;
                }
                let Some(k) = memchr::memchr2(b'"', b'\\', &b[i..]) else {
                    i = b.len();
                    break;
                };
                i += k;
                if b[i] == b'\\' {
                    self.escaped = true;
                } else {
                    self.in_string = false;
                    if let Some(s) = self.key_start.take() {
                        self.key = match &b[s..i] {
                            b"documentInfo" => Key::Info,
                            b"facts" => Key::Facts,
                            _ => Key::Other,
                        };
                    }
                }
                i += 1;
                continue;
            }
            match b[i] {
                b'"' => {
                    self.in_string = true;
                    if self.depth == 1 && self.key_next {
                        self.key_next = false;
                        self.key_start = Some(i + 1);
                    }
                }
                c @ (b'{' | b'[') => {
                    if self.depth == 1 && c == b'{' {
                        match self.key {
                            Key::Info if self.info.is_none() => self.info = Some((i, None)),
                            Key::Facts if self.facts == Facts::Before => self.facts = Facts::Open,
                            _ => {}
                        }
                    }
                    self.depth += 1;
                    self.key_next = self.depth == 1 && c == b'{';
                }
                b'}' | b']' => {
                    let Some(depth) = self.depth.checked_sub(1) else {
                        self.broken = true;
                        return;
                    };
                    self.depth = depth;
                    if depth == 1 {
                        if let (Key::Info, Some((from, None))) = (self.key, self.info) {
                            self.info = Some((from, Some(i + 1)));
                        }
                        if self.facts == Facts::Open {
                            self.facts = Facts::Closed;
                        }
                    }
                }
                b',' if self.depth == 1 => self.key_next = true,
                b',' if self.depth == 2 && self.facts == Facts::Open => self.comma = Some(i),
                _ => {}
            }
            i += 1;
        }
        self.at = i;
    }
}

#[cfg(test)]
mod tests {
    use super::{line_of, span_of};

    #[test]
    fn finds_many_spans_in_one_pass() {
        let t = "{\"facts\": [\n  {\"value\": \"1,397.96\", \"n\": 12},\n  {\"value\": \"2\"}\n], \"x\": [1, {\"y\": null}]}";
        let want = ["/facts/0/value", "/facts/1", "/facts/1/value", "/x/1/y", "/nope", "/facts/7"];
        let got = super::spans(t, &want);
        let text = |p: &str| got.get(p).map(|s| (s.line, &t[s.start..s.end]));
        assert_eq!(text("/facts/0/value"), Some((2, "\"1,397.96\"")));
        assert_eq!(text("/facts/1"), Some((3, "{\"value\": \"2\"}")));
        assert_eq!(text("/facts/1/value"), Some((3, "\"2\"")));
        assert_eq!(text("/x/1/y"), Some((4, "null")));
        assert_eq!(got.len(), 4, "pointers the text does not hold are left out");
    }

    #[test]
    fn finds_spans() {
        let t = "{\"facts\": [\n  {\"value\": \"1,397.96\", \"n\": 12}\n]}";
        let s = span_of(t, "/facts/0/value").unwrap();
        assert_eq!((s.line, &t[s.start..s.end]), (2, "\"1,397.96\""));
        let s = span_of(t, "/facts/0/n").unwrap();
        assert_eq!(&t[s.start..s.end], "12");
        assert_eq!(&t[span_of(t, "/facts/0").unwrap().start..][..1], "{");
    }

    #[test]
    fn finds_lines() {
        let t = "{\n  \"a\": 1,\n  \"facts\": [\n    {\"x\": \"}\"},\n    {\n      \"value\": \"2\"\n    }\n  ],\n  \"k/e~y\": [true]\n}";
        assert_eq!(line_of(t, ""), Some(1));
        assert_eq!(line_of(t, "/a"), Some(2));
        assert_eq!(line_of(t, "/facts/0"), Some(4));
        assert_eq!(line_of(t, "/facts/1"), Some(5));
        assert_eq!(line_of(t, "/facts/1/value"), Some(6));
        assert_eq!(line_of(t, "/k~1e~0y/0"), Some(9));
        assert_eq!(line_of(t, "/facts/2"), None);
        assert_eq!(line_of(t, "/nope"), None);
    }
}

/// The first key that appears twice in one object, as (JSON pointer, line). JSON parsers keep the
/// last one silently; a dataset must not hide a value that way. Iterative, so deep input is safe.
pub fn duplicate_key(text: &str) -> Option<(String, u64)> {
    enum Frame {
        Obj { keys: std::collections::HashSet<String>, key: Option<String>, expect_key: bool },
        Arr { idx: usize },
    }
    let b = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let (mut i, mut line) = (0usize, 1u64);
    let pointer = |stack: &[Frame], last: &str| {
        let mut p = String::new();
        for f in stack {
            match f {
                Frame::Obj { key: Some(k), .. } => p.push_str(&format!("/{}", escape(k))),
                Frame::Arr { idx } => p.push_str(&format!("/{idx}")),
                _ => {}
            }
        }
        format!("{p}/{}", escape(last))
    };
    while i < b.len() {
        match b[i] {
            b'\n' => line += 1,
            b'{' => stack.push(Frame::Obj { keys: Default::default(), key: None, expect_key: true }),
            b'[' => stack.push(Frame::Arr { idx: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Arr { idx }) => *idx += 1,
                Some(Frame::Obj { expect_key, .. }) => *expect_key = true,
                None => {}
            },
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                let raw = text.get(start..i.min(b.len())).unwrap_or("");
                let s: String = if raw.contains('\\') {
                    serde_json::from_str(&format!("\"{raw}\"")).unwrap_or_else(|_| raw.to_string())
                } else {
                    raw.to_string()
                };
                let parent_len = stack.len().saturating_sub(1);
                if let Some(Frame::Obj { keys, key, expect_key }) = stack.last_mut()
                    && *expect_key
                {
                    if !keys.insert(s.clone()) {
                        return Some((pointer(&stack[..parent_len], &s), line));
                    }
                    *key = Some(s);
                    *expect_key = false;
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod duplicate_tests {
    use super::{Cutter, duplicate_key};

    #[test]
    fn finds_duplicate_keys() {
        assert_eq!(duplicate_key(r#"{"a": 1, "b": {"c": 2}}"#), None);
        assert_eq!(duplicate_key("{\"facts\": [{\"v\": 1},\n {\"v\": 2, \"v\": 3}]}"), Some(("/facts/1/v".into(), 2)));
        assert_eq!(duplicate_key(r#"{"a": {"x": 1}, "a": 2}"#), Some(("/a".into(), 1)));
        assert_eq!(duplicate_key(r#"{"s": "a,\"b\":", "t": [1, {"u": "}"}]}"#), None);
    }

    /// Cut `text` given `block` bytes at a time: the documentInfo's text and the commas found
    /// (each the last one in its block).
    fn commas(text: &str, block: usize) -> (Option<String>, Vec<usize>) {
        let mut c = Cutter::default();
        let mut found = Vec::new();
        for end in (block..text.len() + block).step_by(block) {
            c.scan(&text.as_bytes()[..end.min(text.len())]);
            found.extend(c.comma.take());
        }
        (c.info.and_then(|(s, e)| Some(text[s..e?].to_string())), found)
    }

    #[test]
    fn the_cutter_finds_the_commas_between_facts_and_nothing_else() {
        let text = r#"{"x": [1, {"facts": {"a": 1}}], "documentInfo": {"k": "}, \"facts\": {"}, "facts": {"a": {"v": "x,\\", "w": [1, 2]}, "b\",": {}}, "y": {"c": 1, "d": 2}}"#;
        let comma = text.find(r#", "b\","#).unwrap();
        for block in [1, 2, 3, 7, text.len()] {
            let (info, found) = commas(text, block);
            assert_eq!(info.as_deref(), Some(r#"{"k": "}, \"facts\": {"}"#), "block {block}");
            assert_eq!(found, vec![comma], "block {block}");
        }
        let mut c = Cutter::default();
        c.scan(b"{\"facts\": {}}}");
        assert!(c.broken);
    }
}
