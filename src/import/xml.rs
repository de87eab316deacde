//! Read an XBRL 2.1 instance (XML) into the fact model. Streaming with quick-xml's namespace-aware
//! reader; a DOCTYPE is refused and no entity beyond XML's five is ever expanded; nothing is
//! fetched.

use super::source::{Broken, Checked, Source};
use super::{HALVES_FROM_BYTES, Raw, RawFact, RawUnit};
use crate::diag::{Code, Diagnostic, Location};
use crate::ns::ESGX_PROVENANCE;
use crate::ns::{LINK, XBRLDI, XBRLI, XLINK, XSI};
use crate::report::{Period, Provenance, QName, parse_sentence};
use chrono::NaiveDate;
use foldhash::{HashMap, HashMapExt};
use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{NamespaceResolver, ResolveResult};
use std::borrow::Cow;
use std::io::{BufRead, Read};

/// Past this many errors a filing is not worth reading further.
const MAX_ERRORS: usize = 200;

/// A prefixed name in text or an attribute value (`esgx:GenderAxis`), resolved in scope; a name
/// without a prefix is in the default namespace.
fn qname_in_scope(resolver: &NamespaceResolver, names: &mut Names, text: &str) -> Option<QName> {
    let text = text.trim();
    let (local, prefix) = quick_xml::name::QName(text).decompose();
    match resolver.resolve_prefix(prefix, true) {
        ResolveResult::Bound(ns) => Some(names.get(text, ns.into_inner(), local.into_inner())),
        _ => None,
    }
}

/// The names a filing uses, each made once: a filing of 100,000 facts names a few hundred
/// concepts, axes and members, and each [`QName`] shares its strings.
#[derive(Default)]
struct Names(HashMap<String, (Box<str>, QName)>);

impl Names {
    /// The name written `written` (`prefix:local` or `local`), in namespace `ns`.
    fn get(&mut self, written: &str, ns: &str, local: &str) -> QName {
        if let Some((n, q)) = self.0.get(written)
            && &**n == ns
        {
            return q.clone();
        }
        let prefix = written.split_once(':').map(|(p, _)| p).unwrap_or("");
        let q = QName::new(prefix, ns, local);
        self.0.insert(written.to_string(), (ns.into(), q.clone()));
        q
    }
}

/// A context being read.
#[derive(Default)]
struct Context {
    scheme: String,
    identifier: String,
    period: Option<Period>,
    dims: Vec<(QName, QName)>,
    typed: bool,
}

/// A context once read: what its facts take from it. Kept for every context until the facts are
/// resolved (a million at 1M facts), so it holds no more than they need, about half of what a
/// [`Context`] takes.
struct Defined {
    /// (scheme, identifier), shared by the contexts and facts that have it.
    entity: Option<std::sync::Arc<(String, String)>>,
    period: Option<Period>,
    /// One copy shared by the contexts (and the facts) that have it.
    breakdown: crate::report::Dimensions,
    typed: bool,
}

/// What the parser is inside of.
enum In {
    Nothing,
    Context(String, Context),
    Unit(String, Vec<QName>, Vec<QName>, bool),
    /// A fact: the last of the facts read (`true`), or one that is not read (no context).
    Fact(bool),
    Footnotes,
}

/// The namespaces the reader knows, told apart once per element or attribute name: comparing
/// the long namespace names (several share their first 25 bytes) arm by arm took a tenth of a
/// large filing's reading (perf).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ns {
    /// No namespace (an attribute without a prefix).
    None,
    Xbrli,
    Link,
    Xlink,
    Xbrldi,
    Xsi,
    /// esgx's provenance attributes.
    Provenance,
    /// Any other: a taxonomy's concepts.
    Other,
}

impl Ns {
    fn of(uri: &str) -> Ns {
        match uri {
            "" => Ns::None,
            XBRLI => Ns::Xbrli,
            LINK => Ns::Link,
            XLINK => Ns::Xlink,
            XBRLDI => Ns::Xbrldi,
            XSI => Ns::Xsi,
            ESGX_PROVENANCE => Ns::Provenance,
            _ => Ns::Other,
        }
    }
}

/// An element's attributes other than namespace declarations: (namespace, local, value),
/// borrowed from the text.
struct Attrs<'e>(Vec<(Ns, &'e str, Cow<'e, str>)>);

impl Attrs<'_> {
    /// An attribute without a prefix.
    fn get(&self, local: &str) -> Option<String> {
        self.get_ns(Ns::None, local)
    }
    /// An attribute in a namespace.
    fn get_ns(&self, ns: Ns, local: &str) -> Option<String> {
        self.0.iter().find(|(n, l, _)| *n == ns && *l == local).map(|(_, _, v)| v.to_string())
    }
}

/// What stops the reading early: the filing is unreadable from here on.
type Stop = Vec<Diagnostic>;

/// Read an XBRL 2.1 instance's text into raw facts; `file` is how findings name it.
pub fn read(file: &str, text: &str) -> Result<Raw, Vec<Diagnostic>> {
    read_source(file, Source::Text(text))
}

/// Read an XBRL 2.1 instance from a file of `len` bytes (opened and checked by
/// [`crate::input::open_file`]) as a stream: its text is never held whole.
pub fn read_file(file: &str, path: &std::path::Path, len: u64) -> Result<Raw, Vec<Diagnostic>> {
    read_source(file, Source::File(path, len))
}

/// A large filing is read in two halves side by side when it can be split safely between two
/// children of the root (see [`read_halves`]); otherwise, and whenever a half finds anything
/// wrong, it is read from start to end, so findings are always those of one reading in order.
fn read_source(file: &str, src: Source<'_>) -> Result<Raw, Vec<Diagnostic>> {
    match read_halves(file, src) {
        Some(raw) => Ok(raw),
        None => read_whole(file, src),
    }
}

/// What the bytes break, as a finding: UTF-8 and the characters XML allows are checked first,
/// whatever a reading of the rest would find.
fn broken(file: &str, b: Broken) -> Diagnostic {
    match b {
        Broken::Utf16 => crate::input::utf16_error(file),
        Broken::Utf8 { offset, line } => crate::input::utf8_error(file, offset, line),
        Broken::Char { c, line } => super::illegal_char(file, line, c),
    }
}

/// Read the document from start to end in one go.
fn read_whole(file: &str, src: Source<'_>) -> Result<Raw, Vec<Diagnostic>> {
    let part = src.part(0, src.len()).map_err(|e| vec![crate::input::cannot_read(file, e)])?;
    let mut reader = reader(Checked::new(part, matches!(src, Source::File(..))));
    let mut p = Parser::new(file, src.len(), src.len());
    let read = p.run(&mut reader);
    let checked = reader.get_mut();
    checked.check_rest();
    if let Some(b) = checked.broken {
        return Err(vec![broken(file, b)]);
    }
    read?;
    p.finish()
}

/// A namespace-aware reader with the binding limit.
fn reader<R: BufRead>(inner: R) -> NsReader<R> {
    let mut reader = NsReader::from_reader(inner);
    reader.resolver_mut().set_max_namespace_bindings(super::MAX_NAMESPACE_BINDINGS);
    reader.config_mut().trim_text(false);
    reader
}

/// Footnote links a filing may make per fact or footnote, on average: esgx links a fact to one or
/// two, other tools to a few.
const LINKS_A_FACT_AT_MOST: usize = 16;

/// The text of footnotes copied into facts' notes, at most, per byte of the filing read.
const NOTE_BYTES_PER_TEXT_BYTE_AT_MOST: usize = 4;

/// A filing refused for what reading it would cost.
fn refused(file: &str, why: String) -> Diagnostic {
    Diagnostic::error(Code::E0007, Location::file(file), format!("the instance is refused: {why}"))
        .with_hint("a filing links each fact to a few footnotes; this one multiplies them past any real need")
}

/// The fewest bytes a fact of an ordinary filing takes, with its context (about 1 KB in esgx's own).
const BYTES_A_FACT_AT_LEAST: usize = 256;

/// How much of the start and of the end of a filing is looked at to split it, and how far from
/// its middle a place to split it is looked for.
const HEAD_BYTES: u64 = 1 << 20;
const SPLIT_WINDOW: u64 = 1 << 20;

/// Read a well-formed filing in two halves at once, one on each core: the text is split at a
/// line that starts a child of the root (found by the indentation of the root's first child),
/// the first half read as usual up to there and the second from there to the root's end tag,
/// in the root's namespace scope. This is a guess checked afterwards: `None` (read it whole)
/// unless each half ends where it should, at the root's level with nothing open, neither finds
/// anything wrong, the halves define no context or unit twice between them, and only the root's
/// end tag follows.
fn read_halves(file: &str, src: Source<'_>) -> Option<Raw> {
    let len = src.len();
    if len < HALVES_FROM_BYTES as u64 || rayon::current_num_threads() < 2 {
        return None;
    }
    let head = src.window(0, HEAD_BYTES).ok()?;
    let bom = if matches!(src, Source::File(..)) && head.starts_with(&[0xEF, 0xBB, 0xBF]) { 3 } else { 0 };
    let head = utf8_prefix(&head[bom..]);
    let (root, root_end) = root_start(head)?;
    let tail_from = len.saturating_sub(HEAD_BYTES);
    let tail = src.window(tail_from, len).ok()?;
    // The window may start inside a character: from the next one.
    let skip = tail.iter().take(3).take_while(|b| (**b as i8) < -0x40).count();
    let tail = std::str::from_utf8(&tail[skip..]).ok()?;
    let end_in_tail = tail.rfind("</")?;
    if !only_root_end(&tail[end_in_tail..], root.name().into_inner()) {
        return None;
    }
    let end = tail_from + (skip + end_in_tail) as u64;
    let mid = split_point(src, &head[root_end..], bom as u64 + root_end as u64, end)?;
    let (a, b) = rayon::join(|| read_half(file, src, 0, mid, None), || read_half(file, src, mid, end, Some(&root)));
    let ((mut a, lines_before), (b, _)) = (a?, b?);
    a.join(b, lines_before)?;
    a.finish().ok()
}

/// The longest start of `bytes` that is whole UTF-8.
fn utf8_prefix(bytes: &[u8]) -> &str {
    match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
    }
}

/// One half of [`read_halves`] (`from..to` of the source), read as a fragment that ends with the
/// root still open: the first from the document's start, the second (`root` given, whose start
/// tag lies before it) inside the root, in its namespace scope. With the line breaks it read;
/// `None` when it is not clean.
fn read_half<'t>(
    file: &'t str,
    src: Source<'_>,
    from: u64,
    to: u64,
    root: Option<&BytesStart>,
) -> Option<(Parser<'t>, u64)> {
    let part = src.part(from, to).ok()?;
    let mut reader = reader(Checked::new(part, from == 0 && matches!(src, Source::File(..))));
    let mut p = Parser::new(file, src.len(), to - from);
    p.fragment = true;
    if let Some(root) = root {
        p.seen_root = true;
        p.push_open(root.name().into_inner());
        reader.resolver_mut().push(root).ok()?;
    }
    p.run(&mut reader).ok()?;
    let checked = reader.get_ref();
    checked.broken.is_none().then_some((p, checked.lines))
}

/// The root's start tag and the offset just after it; `None` for a document that does not start
/// plainly (a DOCTYPE, an empty root, anything malformed): the whole reading reports it.
fn root_start(text: &str) -> Option<(BytesStart<'static>, usize)> {
    let mut reader = NsReader::from_str(text);
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) => return Some((e.into_owned(), reader.buffer_position() as usize)),
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::Text(t) if t.xml10_content().trim().is_empty() => {}
            _ => return None,
        }
    }
}

/// Is `tail` the root's end tag, followed by nothing but white space, comments and processing
/// instructions?
fn only_root_end(tail: &str, root: &str) -> bool {
    let Some(rest) = tail.strip_prefix("</").and_then(|t| t.strip_prefix(root)) else { return false };
    let Some(rest) = rest.trim_start_matches([' ', '\t', '\r', '\n']).strip_prefix('>') else { return false };
    let mut reader = NsReader::from_str(rest);
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => return true,
            Ok(Event::Comment(_) | Event::PI(_)) => {}
            Ok(Event::Text(t)) if t.xml10_content().trim().is_empty() => {}
            _ => return false,
        }
    }
}

/// Where to split the source between `from` (just after the root's start tag, where `lead`
/// starts) and `to` (its end tag): the start of the line nearest the middle that begins, at the
/// indentation of the root's first child, with a start tag. `None` when the document is not
/// written one element a line.
fn split_point(src: Source<'_>, lead: &str, from: u64, to: u64) -> Option<u64> {
    let first_child = lead.find('<')?;
    let indent = &lead[lead[..first_child].rfind('\n')? + 1..first_child];
    let mark = format!("\n{indent}<");
    let middle = from + (to - from) / 2;
    let start = middle.saturating_sub(SPLIT_WINDOW).max(from);
    let window = src.window(start, (middle + SPLIT_WINDOW).min(to)).ok()?;
    let starts_tag = |at: usize| {
        let next = window.get(at + mark.len()).copied().unwrap_or(b'/');
        window[at..].starts_with(mark.as_bytes()) && !matches!(next, b'/' | b'!' | b'?') && !next.is_ascii_whitespace()
    };
    let at = (0..window.len())
        .filter(|&i| window[i] == b'\n' && starts_tag(i))
        .map(|i| start + i as u64)
        .min_by_key(|&i| i.abs_diff(middle))?;
    Some(at + 1).filter(|&m| m > from && m < to)
}

/// The reader's state between events.
struct Parser<'a> {
    file: &'a str,
    /// The filing's size in bytes.
    size: u64,
    /// The text of the element being read.
    text_buf: String,
    /// The names of the open elements, one after the other in `open_names`, each starting where
    /// `open` says.
    open: Vec<usize>,
    open_names: String,
    seen_root: bool,
    root_closed: bool,
    /// Footnote locator label -> the ids of the facts located by it (many locators may share a
    /// label), and the arcs (locator label, footnote label).
    footnote_locs: HashMap<String, Vec<String>>,
    footnote_arcs: Vec<(String, String)>,
    acc: Acc,
    names: Names,
    /// Reading one half of the document ([`read_halves`]): it ends with the root still open.
    fragment: bool,
}

impl<'a> Parser<'a> {
    /// A parser of `part` bytes of a filing of `size`.
    fn new(file: &'a str, size: u64, part: u64) -> Self {
        let mut acc = Acc::default();
        // Room for the facts up front: a fact is large, and growing the list by doubling copied
        // each one several times and faulted in fresh pages for every copy (perf). A filing
        // takes well over this many bytes a fact; room not used is never touched.
        acc.raw.facts.reserve(part as usize / BYTES_A_FACT_AT_LEAST);
        Parser {
            file,
            size,
            text_buf: String::new(),
            open: Vec::new(),
            open_names: String::new(),
            seen_root: false,
            root_closed: false,
            footnote_locs: HashMap::new(),
            footnote_arcs: Vec::new(),
            acc,
            names: Names::default(),
            fragment: false,
        }
    }

    fn push_open(&mut self, name: &str) {
        self.open.push(self.open_names.len());
        self.open_names.push_str(name);
    }

    fn pop_open(&mut self) {
        if let Some(at) = self.open.pop() {
            self.open_names.truncate(at);
        }
    }

    /// Read every event to the end (or to a stop).
    fn run<R: Read>(&mut self, reader: &mut NsReader<Checked<R>>) -> Result<(), Vec<Diagnostic>> {
        let mut buf = Vec::new();
        loop {
            buf.clear();
            // Events follow each other without a gap: the line of this one's start is after the
            // line breaks of those before it.
            let line = reader.get_ref().lines + 1;
            let ev = match reader.read_event_into(&mut buf) {
                Ok(e) => e,
                Err(e) => {
                    self.acc.errs.push(self.err(line, Code::E0003, format!("malformed XML: {e}")));
                    return Err(std::mem::take(&mut self.acc.errs));
                }
            };
            if !self.event(reader.resolver(), ev, line)? {
                return Ok(());
            }
        }
    }

    /// Take in what the second half of the document read (`lines_before` lines into it); `None`
    /// when the halves do not fit together as one reading would have read them.
    fn join(&mut self, b: Parser<'_>, lines_before: u64) -> Option<()> {
        let clean = |p: &Parser<'_>| {
            p.acc.errs.is_empty()
                && matches!(p.acc.state, In::Nothing)
                && p.acc.footnote_label.is_none()
                && p.open.len() == 1
        };
        if !clean(self) || !clean(&b) {
            return None;
        }
        let acc = &mut self.acc;
        // The halves' contexts stay in their two maps (merging them grew a table of a million
        // entries, 130 MB at its peak at 1M facts, RSS): the larger is the one looked in first.
        // A context defined in both halves is defined twice, which the whole reading reports.
        let mut other = b.acc.contexts;
        if other.len() > acc.contexts.len() {
            std::mem::swap(&mut acc.contexts, &mut other);
        }
        if other.keys().any(|id| acc.contexts.contains_key(id)) {
            return None;
        }
        acc.other_contexts = other;
        for (id, u) in b.acc.units {
            acc.units.insert(id, u).is_none().then_some(())?;
        }
        acc.footnotes.extend(b.acc.footnotes);
        acc.raw.schema_refs.extend(b.acc.raw.schema_refs);
        // Often the second half holds every fact: the contexts come first.
        let mut second = b.acc.raw.facts;
        for f in &mut second {
            f.line += lines_before;
        }
        acc.raw.facts = super::join_halves(std::mem::take(&mut acc.raw.facts), second);
        for (label, facts) in b.footnote_locs {
            self.footnote_locs.entry(label).or_default().extend(facts);
        }
        self.footnote_arcs.extend(b.footnote_arcs);
        self.open.clear();
        self.open_names.clear();
        self.root_closed = true;
        Some(())
    }

    fn err(&self, line: u64, code: Code, msg: String) -> Diagnostic {
        Diagnostic::error(code, Location::line(self.file, line), msg)
    }

    /// Handle one event; false when reading should stop (the end, or too many errors).
    fn event(&mut self, ns: &NamespaceResolver, ev: Event<'_>, line: u64) -> Result<bool, Stop> {
        match ev {
            Event::DocType(_) => {
                return Err(vec![
                    self.err(
                        line,
                        Code::E0007,
                        "the instance has a DOCTYPE; esgx refuses DTDs and entity declarations".into(),
                    )
                    .with_hint("XBRL instances need no DTD; remove the <!DOCTYPE ...> declaration"),
                ]);
            }
            Event::GeneralRef(r) => match super::entity_char(&r) {
                Ok(c) => self.text_buf.push(c),
                Err((code, msg)) => return Err(vec![self.err(line, code, msg)]),
            },
            Event::Text(t) => {
                let t = t.xml10_content();
                if self.open.is_empty() && !t.trim().is_empty() {
                    return Err(vec![self.err(line, Code::E0003, "text outside the root element".into())]);
                }
                self.text_buf.push_str(&t);
            }
            Event::CData(t) => self.text_buf.push_str(&t.xml10_content()),
            Event::Start(e) if !self.start(ns, &e, line, false)? => return Ok(false),
            Event::Start(_) => {}
            Event::Empty(e) => {
                if !self.start(ns, &e, line, true)? {
                    return Ok(false);
                }
                self.end(ns, &e, line);
            }
            Event::End(e) => {
                let (res, local) = ns.resolve_element(e.name());
                let nsu = match res {
                    ResolveResult::Bound(n) => n.into_inner(),
                    _ => "",
                };
                let at = (self.file, line);
                self.acc.end_element(
                    ns,
                    &mut self.names,
                    (nsu, local.into_inner()),
                    self.open.len(),
                    &self.text_buf,
                    at,
                );
                self.pop_open();
                self.text_buf.clear();
            }
            Event::Eof if self.fragment => {
                // A half ends with the root open and nothing else (anything else: read it whole).
                return if self.open.len() == 1 { Ok(false) } else { Err(Vec::new()) };
            }
            Event::Eof => {
                if let Some(&at) = self.open.last() {
                    let name = &self.open_names[at..];
                    let local = name.rsplit(':').next().unwrap_or(name).to_string();
                    self.acc.errs.push(self.err(
                        line,
                        Code::E0003,
                        format!("the file ends inside <{local}>: it is truncated or not well-formed"),
                    ));
                    return Err(std::mem::take(&mut self.acc.errs));
                }
                if !self.root_closed {
                    return Err(vec![self.err(line, Code::E0003, "the file has no root element".into())]);
                }
                return Ok(false);
            }
            _ => {}
        }
        if self.seen_root && self.open.is_empty() {
            self.root_closed = true;
        }
        self.seen_root |= !self.open.is_empty();
        Ok(true)
    }

    /// The attributes of a start tag, namespace declarations left out (the reader keeps them).
    fn attributes<'e>(&mut self, ns: &NamespaceResolver, e: &'e BytesStart<'_>, line: u64) -> Result<Attrs<'e>, Stop> {
        let mut attrs = Vec::with_capacity(4);
        for a in e.attributes() {
            let a = match a {
                Ok(a) => a,
                Err(er) => {
                    self.acc.errs.push(self.err(line, Code::E0003, format!("malformed attribute: {er}")));
                    continue;
                }
            };
            let key = a.key.into_inner();
            let val = match a.normalized_value(quick_xml::XmlVersion::Implicit1_0) {
                Ok(v) if let Err(msg) = super::check_attr_chars(key, &v) => {
                    return Err(vec![self.err(line, Code::E0003, msg)]);
                }
                Ok(v) => v,
                Err(er) => {
                    self.acc.errs.push(self.err(line, Code::E0007, format!("attribute {key}: {er}")));
                    continue;
                }
            };
            if key == "xmlns" || key.starts_with("xmlns:") {
                continue;
            }
            let (res, local) = ns.resolve_attribute(a.key);
            let nsu = match res {
                ResolveResult::Bound(n) => Ns::of(n.into_inner()),
                _ => Ns::None,
            };
            attrs.push((nsu, local.into_inner(), val));
        }
        Ok(Attrs(attrs))
    }

    /// A start tag (or an empty element); false when reading should stop.
    fn start(&mut self, ns: &NamespaceResolver, e: &BytesStart<'_>, line: u64, empty: bool) -> Result<bool, Stop> {
        let attrs = self.attributes(ns, e, line)?;
        let name = e.name().into_inner();
        let depth = self.open.len();
        if depth == 0 && self.root_closed {
            return Err(vec![self.err(line, Code::E0003, format!("element {name} after the root element has ended"))]);
        }
        let q = match ns.resolve_element(e.name()) {
            (ResolveResult::Bound(n), local) => Some((n.into_inner(), local.into_inner())),
            (ResolveResult::Unbound, local) => Some(("", local.into_inner())),
            (ResolveResult::Unknown(_), _) => None,
        };
        if depth == 0 && !q.is_some_and(|(n, l)| n == XBRLI && l == "xbrl") {
            return Err(vec![self.err(
                line,
                Code::E0004,
                format!("the root element is {name}, not xbrli:xbrl: not an XBRL instance"),
            )]);
        }
        if self.acc.errs.len() >= MAX_ERRORS {
            return Ok(false);
        }
        self.text_buf.clear();
        self.push_open(name);
        let Some((nsu, local)) = q else {
            self.acc.errs.push(self.err(line, Code::E0003, format!("element {name} uses an undeclared prefix")));
            return Ok(true);
        };
        if depth == 0 {
            self.acc.raw.namespaces = ns
                .bindings()
                .map(|(p, n)| {
                    let p = match p {
                        quick_xml::name::PrefixDeclaration::Named(p) => p.to_string(),
                        quick_xml::name::PrefixDeclaration::Default => String::new(),
                    };
                    (p, n.into_inner().to_string())
                })
                .filter(|(p, _)| p != "xml")
                .collect();
            return Ok(true);
        }
        self.element(ns, (nsu, local), name, &attrs, line, empty);
        Ok(true)
    }

    /// What an element inside the root starts, by where the reader is.
    fn element(
        &mut self,
        ns: &NamespaceResolver,
        (nsu, local): (&str, &str),
        name: &str,
        attrs: &Attrs,
        line: u64,
        empty: bool,
    ) {
        let depth = self.open.len() - 1; // the root is 0
        let acc = &mut self.acc;
        match (&mut acc.state, Ns::of(nsu), local) {
            (In::Nothing, Ns::Link, "schemaRef") => {
                if let Some(h) = attrs.get_ns(Ns::Xlink, "href") {
                    acc.raw.schema_refs.push(h);
                }
            }
            (In::Nothing, Ns::Xbrli, "context") => {
                acc.state = In::Context(attrs.get("id").unwrap_or_default(), Context::default())
            }
            (In::Nothing, Ns::Xbrli, "unit") => {
                acc.state = In::Unit(attrs.get("id").unwrap_or_default(), Vec::new(), Vec::new(), false)
            }
            (In::Nothing, Ns::Link, "footnoteLink") => acc.state = In::Footnotes,
            (In::Nothing, Ns::Link | Ns::Xbrli, _) => {}
            (In::Nothing, _, _) if depth == 1 => {
                let concept = self.names.get(name, nsu, local);
                let Some(ctx) = attrs.get("contextRef") else {
                    let msg = format!("{name} has no contextRef (tuples are not supported)");
                    acc.errs.push(Diagnostic::error(Code::E0003, Location::line(self.file, line), msg));
                    if !empty {
                        acc.state = In::Fact(false);
                    }
                    return;
                };
                // The fact's attributes in one pass over them (a fact has several; looking each
                // up in turn compared names over and over).
                let mut f = RawFact { concept, context: ctx, line, ..Default::default() };
                let mut esgx = (None, None, None);
                for (ns, local, v) in &attrs.0 {
                    match (*ns, *local) {
                        (Ns::None, "id") => f.id = Some(v.to_string()),
                        (Ns::None, "unitRef") => f.unit = Some(v.to_string()),
                        (Ns::None, "decimals") => f.decimals = Some(v.to_string()),
                        (Ns::None, "precision") => f.precision = Some(v.to_string()),
                        (Ns::Xsi, "nil") => f.nil = v.trim() == "true" || v.trim() == "1",
                        // esgx's own: the source document, the dataset record and the text as
                        // reported, beside the footnotes that say where the figure is stated (read
                        // in `finish`).
                        (Ns::Provenance, "document") => esgx.0 = Some(v.to_string()),
                        (Ns::Provenance, "record") => esgx.1 = Some(v.to_string()),
                        (Ns::Provenance, "reported") => esgx.2 = Some(v.to_string()),
                        _ => {}
                    }
                }
                if let (document, Some(record), reported) = esgx {
                    let document = document.unwrap_or_default();
                    f.provenance = Some(Box::new(Provenance {
                        record,
                        document: document.into(),
                        reported: reported.map(Into::into),
                        ..Default::default()
                    }));
                }
                acc.raw.facts.push(f);
                acc.state = In::Fact(true);
            }
            (In::Context(_, c), Ns::Xbrli, "identifier") => c.scheme = attrs.get("scheme").unwrap_or_default(),
            (In::Context(_, c), Ns::Xbrldi, "typedMember") => c.typed = true,
            (In::Context(_, c), Ns::Xbrli, "forever") => c.period = None,
            (In::Unit(_, _, _, div), Ns::Xbrli, "unitDenominator") => *div = true,
            (In::Footnotes, Ns::Link, "loc") => {
                if let (Some(label), Some(href)) = (attrs.get_ns(Ns::Xlink, "label"), attrs.get_ns(Ns::Xlink, "href")) {
                    self.footnote_locs.entry(label).or_default().push(href.trim_start_matches('#').to_string());
                }
            }
            (In::Footnotes, Ns::Link, "footnote") => acc.footnote_label = attrs.get_ns(Ns::Xlink, "label"),
            (In::Footnotes, Ns::Link, "footnoteArc") => {
                if let (Some(from), Some(to)) = (attrs.get_ns(Ns::Xlink, "from"), attrs.get_ns(Ns::Xlink, "to")) {
                    self.footnote_arcs.push((from, to));
                }
            }
            (In::Context(_, c), Ns::Xbrldi, "explicitMember") => {
                // The member is in the text; remember the dimension until the end tag.
                if let Some(d) = attrs.get("dimension").and_then(|d| qname_in_scope(ns, &mut self.names, &d)) {
                    c.dims.push((d, QName::new("", "", "")));
                } else {
                    acc.errs.push(Diagnostic::error(
                        Code::E0003,
                        Location::line(self.file, line),
                        "explicitMember without a resolvable dimension",
                    ));
                }
            }
            _ => {}
        }
    }

    /// The end of an empty element, right after its start.
    fn end(&mut self, ns: &NamespaceResolver, e: &BytesStart<'_>, line: u64) {
        let (nsu, local) = match ns.resolve_element(e.name()) {
            (ResolveResult::Bound(n), l) => (n.into_inner(), l.into_inner()),
            (_, l) => ("", l.into_inner()),
        };
        let at = (self.file, line);
        self.acc.end_element(ns, &mut self.names, (nsu, local), self.open.len(), &self.text_buf, at);
        self.pop_open();
        self.text_buf.clear();
    }

    /// Each fact's footnotes. A fact with esgx's record (an attribute) has its source reference
    /// read back from the text of its footnotes into fields ([`parse_sentence`]), once per
    /// locator label (or per list of footnotes, for an id located more than once) however many
    /// facts share it; any other fact keeps the text of its footnotes, in the order linked, as
    /// its note.
    fn link_footnotes(&mut self) {
        let acc = &mut self.acc;
        // An arc links every locator of its label to its footnote, so a few elements can make
        // millions of links (n locators sharing a label, n arcs from it): counted before any is
        // made, and refused past what any real filing needs.
        let links: usize = (self.footnote_arcs.iter())
            .filter(|(_, to)| acc.footnotes.contains_key(to))
            .map(|(from, _)| self.footnote_locs.get(from).map_or(0, Vec::len))
            .sum();
        let most = LINKS_A_FACT_AT_MOST * (acc.raw.facts.len() + acc.footnotes.len()) + 1024;
        if links > most {
            let (facts, notes) = (acc.raw.facts.len(), acc.footnotes.len());
            let why = format!(
                "its footnote links make {links} fact-footnote relationships; for {facts} facts and {notes} \
                 footnotes esgx reads at most {most}"
            );
            acc.errs.push(refused(self.file, why));
            return;
        }
        // The footnotes arcs link to, numbered (a filing has far fewer footnotes than links, and
        // a fact's links are then numbers, not names hashed and compared again and again).
        let mut number: HashMap<&str, u32> = HashMap::new();
        let mut texts: Vec<Option<String>> = Vec::new();
        for (_, to) in &self.footnote_arcs {
            if !number.contains_key(to.as_str())
                && let Some(text) = acc.footnotes.remove(to)
            {
                number.insert(to, texts.len() as u32);
                texts.push(Some(text));
            }
        }
        // A fact's footnotes are those of every arc from a label that locates it, in the order of
        // the arcs, once for each time it is located. Most facts are located once (esgx writes
        // one locator a fact): they take their label's list, made once. Only for an id located
        // more than once is a list of its own made.
        let labels: Vec<(&str, &[String])> = self.footnote_locs.iter().map(|(l, ids)| (l.as_str(), &ids[..])).collect();
        let label_no: HashMap<&str, u32> = labels.iter().enumerate().map(|(i, (l, _))| (*l, i as u32)).collect();
        let mut of_label: Vec<Vec<u32>> = vec![Vec::new(); labels.len()];
        // How many facts link to each footnote: the text of one linked once is moved, not copied.
        let mut uses = vec![0usize; texts.len()];
        for (from, to) in &self.footnote_arcs {
            if let (Some(&l), Some(&n)) = (label_no.get(from.as_str()), number.get(to.as_str())) {
                of_label[l as usize].push(n);
                uses[n as usize] += labels[l as usize].1.len();
            }
        }
        use std::collections::hash_map::Entry;
        const AGAIN: u32 = u32::MAX;
        let mut label_of: HashMap<&str, u32> = HashMap::with_capacity(labels.iter().map(|(_, ids)| ids.len()).sum());
        let mut again = false;
        for (l, (_, ids)) in labels.iter().enumerate() {
            for id in *ids {
                match label_of.entry(id.as_str()) {
                    Entry::Vacant(e) => _ = e.insert(l as u32),
                    Entry::Occupied(mut e) => {
                        *e.get_mut() = AGAIN;
                        again = true;
                    }
                }
            }
        }
        let mut own_list: HashMap<&str, Vec<u32>> = HashMap::new();
        if again {
            for (from, to) in &self.footnote_arcs {
                if let (Some(ids), Some(&n)) = (self.footnote_locs.get(from), number.get(to.as_str())) {
                    for id in ids.iter().filter(|id| label_of.get(id.as_str()) == Some(&AGAIN)) {
                        own_list.entry(id).or_default().push(n);
                    }
                }
            }
        }
        // A fact's footnotes, with its label when it is located once (its list is the label's).
        let list_of = |id: &str| -> Option<(Option<u32>, &[u32])> {
            match *label_of.get(id)? {
                AGAIN => own_list.get(id).map(|l| (None, &l[..])),
                l => Some((Some(l), &of_label[l as usize][..])),
            }
            .filter(|(_, l)| !l.is_empty())
        };
        let is_source: Vec<bool> =
            texts.iter().map(|t| t.as_deref().is_some_and(|t| t.starts_with("Source: "))).collect();
        // esgx links a fact to its source footnote and then to its details, but its arcs come
        // one per footnote in order of first use: the source is put first again.
        let sourced = |list: &[u32]| {
            let mut order = list.to_vec();
            order.sort_by_key(|&n| !is_source[n as usize]);
            order
        };
        let joined = |order: &[u32], texts: &[Option<String>]| {
            let parts: Vec<&str> = order.iter().filter_map(|&n| texts[n as usize].as_deref()).collect();
            parts.join(" ")
        };
        // A fact with esgx's record takes the source read back from its footnotes, read once per
        // label (or per list of its own) on first use; the facts are many and go on every core.
        let read_label: Vec<std::sync::OnceLock<Option<Provenance>>> =
            (0..labels.len()).map(|_| std::sync::OnceLock::new()).collect();
        let own_read: std::sync::Mutex<HashMap<Vec<u32>, Option<Provenance>>> = Default::default();
        let source_of = |(label, list): (Option<u32>, &[u32]), set: &mut Provenance| -> bool {
            let put = |source: &Provenance, set: &mut Provenance| {
                let Provenance { record, document, reported, .. } = std::mem::take(set);
                // A document without a title is named by its id in the footnote.
                let document_title = source.document_title.clone().filter(|t| **t != *document);
                *set = Provenance {
                    record,
                    document,
                    reported,
                    document_title,
                    section: source.section.clone(),
                    page: source.page,
                    line: source.line,
                    quote: source.quote.clone(),
                    qualifier: source.qualifier.clone(),
                    omission: source.omission.clone(),
                    note: source.note.clone(),
                };
            };
            match label {
                Some(l) => {
                    let read = read_label[l as usize].get_or_init(|| parse_sentence(&joined(&sourced(list), &texts)));
                    read.as_ref().map(|source| put(source, set)).is_some()
                }
                None => {
                    let order = sourced(list);
                    let mut own = own_read.lock().unwrap_or_else(|e| e.into_inner());
                    let read = own.entry(order).or_insert_with_key(|order| parse_sentence(&joined(order, &texts)));
                    read.as_ref().map(|source| put(source, set)).is_some()
                }
            }
        };
        use rayon::prelude::*;
        let rest: Vec<usize> = (acc.raw.facts.par_iter_mut().enumerate())
            .filter_map(|(i, f)| {
                let linked = list_of(f.id.as_deref()?)?;
                let sourced = f.provenance.as_deref_mut().is_some_and(|p| source_of(linked, p));
                (!sourced).then_some(i)
            })
            .collect();
        // Any other fact keeps the text of its footnotes as its note, one fact after the other:
        // a text linked once is moved to it.
        let (mut copied, copies_at_most) = (0, NOTE_BYTES_PER_TEXT_BYTE_AT_MOST * self.size as usize + (1 << 20));
        for i in rest {
            let f = &acc.raw.facts[i];
            let id = f.id.as_deref().unwrap_or_default();
            let Some((_, list)) = list_of(id) else { continue };
            let order = if f.provenance.is_some() { sourced(list) } else { list.to_vec() };
            // (A text already moved belongs to another fact of the same id, an error found later.)
            let note = match order.as_slice() {
                [one] if uses[*one as usize] == 1 => texts[*one as usize].take().unwrap_or_default(),
                _ => joined(&order, &texts),
            };
            // A footnote shared by many facts is copied into each one's note: bounded too.
            copied += note.len();
            if copied > copies_at_most {
                let why = format!(
                    "the text of its footnotes, copied to each fact they belong to, exceeds {copies_at_most} bytes"
                );
                acc.errs.push(refused(self.file, why));
                return;
            }
            acc.raw.footnotes.insert(id.to_string(), note);
        }
    }

    /// After the last event: footnotes linked to their facts, contexts and units resolved.
    fn finish(mut self) -> Result<Raw, Vec<Diagnostic>> {
        self.link_footnotes();
        let acc = &mut self.acc;
        if acc.raw.schema_refs.is_empty() {
            acc.errs.push(Diagnostic::error(
                Code::E0003,
                Location::file(self.file),
                "the instance has no link:schemaRef".to_string(),
            ));
        }
        acc.resolve_references(self.file);
        // The contexts and locators, a million each at 1M facts, are freed aside.
        let read = (std::mem::take(&mut acc.contexts), std::mem::take(&mut acc.other_contexts));
        crate::report::drop_aside((read, std::mem::take(&mut self.footnote_locs)));
        if acc.errs.is_empty() { Ok(std::mem::take(&mut acc.raw)) } else { Err(std::mem::take(&mut acc.errs)) }
    }
}

/// A period's date (date-only, as esgx reads periods), or a finding.
fn period_date(t: &str, errs: &mut Vec<Diagnostic>, (file, line): (&str, u64)) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(t.trim().get(..10).unwrap_or(t.trim()), "%Y-%m-%d") {
        Ok(d) if t.trim().len() == 10 => Some(d),
        _ => {
            errs.push(Diagnostic::error(
                Code::E0003,
                Location::line(file, line),
                format!("{:?} is not a date (esgx reads date-only periods)", t.trim()),
            ));
            None
        }
    }
}

/// What the reader has gathered so far, and where it is.
struct Acc {
    state: In,
    raw: Raw,
    contexts: HashMap<String, Defined>,
    /// The contexts of the other half, once two halves are joined.
    other_contexts: HashMap<String, Defined>,
    units: HashMap<String, std::sync::Arc<RawUnit>>,
    /// Footnote resource label -> text.
    footnotes: HashMap<String, String>,
    footnote_label: Option<String>,
    /// The entity of the last context read.
    last_entity: Option<std::sync::Arc<(String, String)>>,
    /// One copy of each breakdown the contexts have (a filing has far fewer than contexts).
    breakdowns: crate::report::Breakdowns,
    errs: Vec<Diagnostic>,
}

impl Default for Acc {
    fn default() -> Self {
        Acc {
            state: In::Nothing,
            raw: Raw::default(),
            contexts: HashMap::new(),
            other_contexts: HashMap::new(),
            units: HashMap::new(),
            footnotes: HashMap::new(),
            footnote_label: None,
            last_entity: None,
            breakdowns: Default::default(),
            errs: Vec::new(),
        }
    }
}

impl Acc {
    /// The end of an element `depth` deep (the root is 1), with its text; `at` is the file and
    /// line, for findings.
    fn end_element(
        &mut self,
        ns: &NamespaceResolver,
        names: &mut Names,
        (nsu, local): (&str, &str),
        depth: usize,
        text: &str,
        (file, line): (&str, u64),
    ) {
        let Acc { state, raw, contexts, units, footnotes, footnote_label, last_entity, breakdowns, errs, .. } = self;
        let date = |t: &str, errs: &mut Vec<Diagnostic>| period_date(t, errs, (file, line));
        match (std::mem::replace(state, In::Nothing), Ns::of(nsu), local) {
            (In::Context(id, mut c), Ns::Xbrli, "context") => {
                if contexts.contains_key(&id) {
                    errs.push(Diagnostic::error(
                        Code::E0222,
                        Location::line(file, line),
                        format!("context id {id:?} is defined twice"),
                    ));
                }
                // A filing has one entity, named again in each of its contexts: made once.
                let entity = (std::mem::take(&mut c.scheme), std::mem::take(&mut c.identifier));
                let entity = match last_entity {
                    Some(e) if **e == entity => Some(e.clone()),
                    _ => Some(last_entity.insert(entity.into()).clone()),
                };
                let breakdown = breakdowns.dims(std::mem::take(&mut c.dims));
                contexts.insert(id, Defined { entity, period: c.period, breakdown, typed: c.typed });
            }
            (In::Context(id, mut c), Ns::Xbrli, "identifier") => {
                c.identifier = text.trim().to_string();
                *state = In::Context(id, c);
            }
            (In::Context(id, mut c), Ns::Xbrli, "instant") => {
                c.period = date(text, errs).map(Period::Instant);
                *state = In::Context(id, c);
            }
            (In::Context(id, mut c), Ns::Xbrli, "startDate") => {
                if let Some(d) = date(text, errs) {
                    c.period = Some(Period::Duration { start: d, end: d });
                }
                *state = In::Context(id, c);
            }
            (In::Context(id, mut c), Ns::Xbrli, "endDate") => {
                if let (Some(d), Some(Period::Duration { start, .. })) = (date(text, errs), c.period.clone()) {
                    c.period = Some(Period::Duration { start, end: d });
                }
                *state = In::Context(id, c);
            }
            (In::Context(id, mut c), Ns::Xbrldi, "explicitMember") => {
                match (qname_in_scope(ns, names, text), c.dims.last_mut()) {
                    (Some(m), Some(last)) => last.1 = m,
                    _ => errs.push(Diagnostic::error(
                        Code::E0003,
                        Location::line(file, line),
                        format!("explicit member {:?} cannot be resolved", text.trim()),
                    )),
                }
                *state = In::Context(id, c);
            }
            (In::Unit(id, num, den, _), Ns::Xbrli, "unit") => {
                if units.contains_key(&id) {
                    errs.push(Diagnostic::error(
                        Code::E0222,
                        Location::line(file, line),
                        format!("unit id {id:?} is defined twice"),
                    ));
                }
                units.insert(id, RawUnit { numerator: num, denominator: den }.into());
            }
            (In::Unit(id, mut num, mut den, div), Ns::Xbrli, "measure") => {
                match qname_in_scope(ns, names, text) {
                    Some(m) if div => den.push(m),
                    Some(m) => num.push(m),
                    None => errs.push(Diagnostic::error(
                        Code::E0003,
                        Location::line(file, line),
                        format!("measure {:?} cannot be resolved", text.trim()),
                    )),
                }
                *state = In::Unit(id, num, den, div);
            }
            (In::Fact(read), _, _) if depth == 2 => {
                if let Some(f) = raw.facts.last_mut().filter(|_| read) {
                    f.value = text.to_owned();
                    // A text fact's text as reported is left out where it is the fact's own text.
                    if let Some(p) = f.provenance.as_mut().filter(|_| f.unit.is_none() && !f.nil) {
                        p.reported.get_or_insert_with(|| f.value.as_str().into());
                    }
                }
            }
            (In::Footnotes, Ns::Link, "footnoteLink") => {}
            (In::Footnotes, Ns::Link, "footnote") => {
                if let Some(l) = footnote_label.take() {
                    footnotes.insert(l, text.trim().to_string());
                }
                *state = In::Footnotes;
            }
            (s, _, _) => *state = s,
        }
    }

    /// Each fact's context and unit, from the ones the instance defines.
    fn resolve_references(&mut self, file: &str) {
        use rayon::prelude::*;
        let err_at = |line: u64, code: Code, msg: String| Diagnostic::error(code, Location::line(file, line), msg);
        let Acc { raw, contexts, other_contexts, units, errs, .. } = self;
        // On every core (a million facts, each looked up in tables of a million contexts); the
        // findings in the order of the facts.
        let found: Vec<Diagnostic> = (raw.facts.par_iter_mut())
            .flat_map_iter(|f| {
                let mut errs = Vec::new();
                match contexts.get(&f.context).or_else(|| other_contexts.get(&f.context)) {
                    None => errs.push(err_at(
                        f.line,
                        Code::E0222,
                        format!("fact {} refers to undefined context {:?}", f.concept, f.context),
                    )),
                    Some(c) if c.typed => errs.push(err_at(
                        f.line,
                        Code::E0219,
                        format!("fact {} uses a typed dimension; esgx taxonomies use explicit members only", f.concept),
                    )),
                    Some(c) => {
                        f.entity = c.entity.clone();
                        f.period = c.period.clone();
                        f.dims = c.breakdown.clone();
                        if f.period.is_none() {
                            errs.push(err_at(
                                f.line,
                                Code::E0212,
                                format!("fact {} has a forever or missing period", f.concept),
                            ));
                        }
                    }
                }
                if let Some(u) = &f.unit {
                    match units.get(u) {
                        Some(ru) => f.unit_def = Some(ru.clone()),
                        None => errs.push(err_at(
                            f.line,
                            Code::E0222,
                            format!("fact {} refers to undefined unit {u:?}", f.concept),
                        )),
                    }
                }
                errs
            })
            .collect();
        errs.extend(found);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::shown;

    /// An instance of `n` facts, each in a context of its own with a footnote, one element a line.
    fn instance(n: usize, fact: impl Fn(usize) -> String) -> String {
        let mut t = String::from(concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- made for a test -->\n",
            "<xbrli:xbrl xmlns:xbrli=\"http://www.xbrl.org/2003/instance\" ",
            "xmlns:link=\"http://www.xbrl.org/2003/linkbase\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" ",
            "xmlns:xbrldi=\"http://xbrl.org/2006/xbrldi\" xmlns:e=\"urn:e\">\n",
            "  <link:schemaRef xlink:type=\"simple\" xlink:href=\"e.xsd\"/>\n",
            "  <xbrli:unit id=\"t\">\n    <xbrli:measure>e:t</xbrli:measure>\n  </xbrli:unit>\n",
        ));
        for i in 0..n {
            t += &format!(
                "  <xbrli:context id=\"c{i}\">\n    <xbrli:entity>\n      \
                 <xbrli:identifier scheme=\"urn:s\">X</xbrli:identifier>\n    </xbrli:entity>\n    \
                 <xbrli:period>\n      <xbrli:instant>2025-12-31</xbrli:instant>\n    </xbrli:period>\n    \
                 <xbrli:scenario>\n      <xbrldi:explicitMember dimension=\"e:SiteAxis\">e:S{i}</xbrldi:explicitMember>\n    \
                 </xbrli:scenario>\n  </xbrli:context>\n"
            );
        }
        for i in 0..n {
            t += &fact(i);
        }
        t += "  <link:footnoteLink xlink:type=\"extended\" xlink:role=\"http://www.xbrl.org/2003/role/link\">\n";
        for i in 0..n {
            t += &format!(
                "    <link:loc xlink:type=\"locator\" xlink:href=\"#f{i}\" xlink:label=\"l{i}\"/>\n    \
                 <link:footnote xlink:type=\"resource\" xlink:label=\"n{i}\">Source: page {i} &amp; more.</link:footnote>\n    \
                 <link:footnoteArc xlink:type=\"arc\" xlink:from=\"l{i}\" xlink:to=\"n{i}\"/>\n"
            );
        }
        t + "  </link:footnoteLink>\n</xbrli:xbrl>\n<!-- the end -->\n"
    }

    fn fact(i: usize) -> String {
        format!("  <e:Waste id=\"f{i}\" contextRef=\"c{i}\" unitRef=\"t\" decimals=\"2\">{i}.25</e:Waste>\n")
    }

    /// Footnotes linked the way esgx writes them: locators share a label per footnote, one arc
    /// per footnote, a fact's details footnote first used before its source footnote.
    fn shared_footnotes(fact_attrs: &str) -> String {
        let facts: String = (0..3)
            .map(|i| format!("  <e:Waste id=\"f{i}\" contextRef=\"c{i}\" unitRef=\"t\" decimals=\"2\"{fact_attrs}>{i}.25</e:Waste>\n"))
            .collect();
        let mut t = instance(3, |_| String::new());
        let start = t.find("  <link:footnoteLink").unwrap();
        let end = t.find("</xbrli:xbrl>").unwrap();
        t.replace_range(
            start..end,
            &format!(
                "{facts}  <link:footnoteLink xlink:type=\"extended\" xlink:role=\"http://www.xbrl.org/2003/role/link\">\n\
                 <link:loc xlink:type=\"locator\" xlink:href=\"#f0\" xlink:label=\"to_a\"/>\n\
                 <link:loc xlink:type=\"locator\" xlink:href=\"#f1\" xlink:label=\"to_a\"/>\n\
                 <link:loc xlink:type=\"locator\" xlink:href=\"#f1\" xlink:label=\"to_b\"/>\n\
                 <link:loc xlink:type=\"locator\" xlink:href=\"#f2\" xlink:label=\"to_c\"/>\n\
                 <link:loc xlink:type=\"locator\" xlink:href=\"#f2\" xlink:label=\"to_a\"/>\n\
                 <link:footnote xlink:type=\"resource\" xlink:label=\"a\">Note: estimated.</link:footnote>\n\
                 <link:footnoteArc xlink:type=\"arc\" xlink:from=\"to_a\" xlink:to=\"a\"/>\n\
                 <link:footnote xlink:type=\"resource\" xlink:label=\"b\">Source: Report, page 4.</link:footnote>\n\
                 <link:footnoteArc xlink:type=\"arc\" xlink:from=\"to_b\" xlink:to=\"b\"/>\n\
                 <link:footnote xlink:type=\"resource\" xlink:label=\"c\">Source: Report, section &quot;Waste&quot;.</link:footnote>\n\
                 <link:footnoteArc xlink:type=\"arc\" xlink:from=\"to_c\" xlink:to=\"c\"/>\n\
                 </link:footnoteLink>\n"
            ),
        );
        t
    }

    #[test]
    fn locators_that_share_a_label_link_every_fact_they_locate() {
        // Another tool's facts keep the text of their footnotes, in the order linked.
        let raw = read("x.xbrl", &shared_footnotes("")).expect("reads");
        let note = |id: &str| raw.footnotes.get(id).map(String::as_str);
        assert_eq!(note("f0"), Some("Note: estimated."));
        assert_eq!(note("f1"), Some("Note: estimated. Source: Report, page 4."));
        assert_eq!(note("f2"), Some("Note: estimated. Source: Report, section \"Waste\"."));
        assert!(raw.facts.iter().all(|f| f.provenance.is_none()));
    }

    #[test]
    fn a_fact_located_twice_by_one_label_has_its_footnotes_twice() {
        // Every locator is a link: one label locating a fact twice links it twice, as a map of
        // every link would have it (and the text, linked more than once, is copied).
        let twice = r##"<link:loc xlink:type="locator" xlink:href="#f0" xlink:label="to_a"/>"##;
        let text = shared_footnotes("").replacen(twice, &format!("{twice}\n{twice}"), 1);
        let raw = read("x.xbrl", &text).expect("reads");
        let note = |id: &str| raw.footnotes.get(id).map(String::as_str);
        assert_eq!(note("f0"), Some("Note: estimated. Note: estimated."));
        assert_eq!(note("f1"), Some("Note: estimated. Source: Report, page 4."));
        // Located once by a label of its own, a fact takes that label's footnotes.
        let once = text.replace(r##"xlink:href="#f2" xlink:label="to_a""##, r##"xlink:href="#f9" xlink:label="to_d""##);
        let raw = read("x.xbrl", &once).expect("reads");
        assert_eq!(raw.footnotes.get("f2").map(String::as_str), Some("Source: Report, section \"Waste\"."));
    }

    #[test]
    fn esgx_facts_read_their_source_back_into_fields() {
        let attrs = " xmlns:p=\"https://esgx.dev/oim/provenance/1.0\" p:document=\"ar\" p:record=\"d.json#/facts/1\" p:reported=\"1.250\"";
        let raw = read("x.xbrl", &shared_footnotes(attrs)).expect("reads");
        let p = |i: usize| raw.facts[i].provenance.as_deref().expect("esgx provenance");
        // A fact whose footnotes are no source sentence keeps their text as its note.
        assert_eq!(raw.footnotes.keys().collect::<Vec<_>>(), ["f0"]);
        assert_eq!((&*p(0).document, p(0).document_title.as_deref()), ("ar", None));
        assert_eq!((&*p(1).document, p(1).document_title.as_deref(), p(1).page), ("ar", Some("Report"), Some(4)));
        assert_eq!(p(1).note.as_deref(), Some("estimated."));
        assert_eq!((p(1).record.as_str(), p(1).reported.as_deref()), ("d.json#/facts/1", Some("1.250")));
        // The source footnote comes first whatever the order of the arcs.
        assert_eq!((p(2).section.as_deref(), p(2).note.as_deref()), (Some("Waste"), Some("estimated.")));
    }

    #[test]
    fn a_large_instance_read_in_halves_equals_one_read_whole() {
        let text = instance(1_200, fact);
        assert!(text.len() > HALVES_FROM_BYTES);
        // The contexts come first and take more than half the text: the middle falls among them,
        // and the second half holds the facts.
        assert!(text.find("id=\"f0\"").unwrap() > text.len() / 2);
        let halves = read_halves("big.xbrl", Source::Text(&text)).expect("a plainly written instance is split");
        assert_eq!(halves.facts.len(), 1_200);
        // The second half's facts carry their lines in the whole document.
        let last = halves.facts.last().unwrap();
        let line = text.lines().position(|l| l.contains("id=\"f1199\"")).unwrap() as u64 + 1;
        assert_eq!(last.line, line);
        assert_eq!(shown(&Ok(halves)), shown(&read_whole("big.xbrl", Source::Text(&text))));
        // With long facts the middle falls among the facts, and both halves hold some.
        let padded = |i: usize| format!("  <!-- {} -->\n{}", "p".repeat(1_000), fact(i));
        let text = instance(1_200, padded);
        let (a, b) = (text.find("id=\"f0\"").unwrap(), text.find("id=\"f1199\"").unwrap());
        assert!(a < text.len() / 2 && text.len() / 2 < b);
        let halves = read_halves("big.xbrl", Source::Text(&text)).expect("split");
        assert_eq!(halves.facts.len(), 1_200);
        assert_eq!(shown(&Ok(halves)), shown(&read_whole("big.xbrl", Source::Text(&text))));
    }

    #[test]
    fn a_half_with_anything_wrong_is_read_whole_with_the_same_findings() {
        // A fact late in the document refers to a context that is not there, a context id is
        // used twice across the halves, a character reference XML does not allow: each is found
        // as a reading from start to end finds it.
        let undefined = instance(1_200, |i| if i == 1_100 { fact(i).replace("c1100", "nowhere") } else { fact(i) });
        let context = |id: &str| instance(1, fact).split("  <xbrli:context").nth(1).unwrap().replace("c0", id);
        let twice =
            instance(1_200, fact).replace("</xbrli:xbrl>", &format!("  <xbrli:context{}</xbrli:xbrl>", context("c0")));
        let bad_char = instance(1_200, fact).replace("page 1100 ", "page &#1; ");
        for text in [undefined, twice, bad_char] {
            assert!(read_halves("big.xbrl", Source::Text(&text)).is_none());
            let r = read("big.xbrl", &text);
            assert!(r.is_err());
            assert_eq!(shown(&r), shown(&read_whole("big.xbrl", Source::Text(&text))));
        }
    }

    #[test]
    fn an_instance_that_cannot_be_split_is_read_whole() {
        // All on one line: no line starts a child of the root.
        let text = instance(1_200, fact).replace('\n', " ");
        assert!(read_halves("big.xbrl", Source::Text(&text)).is_none());
        assert_eq!(read("big.xbrl", &text).unwrap().facts.len(), 1_200);
        // Something after the root's end tag.
        let text = instance(1_200, fact) + "<x/>";
        assert!(read_halves("big.xbrl", Source::Text(&text)).is_none());
        assert!(read("big.xbrl", &text).is_err());
    }

    /// A filing in a file, read as a stream (whole or in halves), as its text is read in memory:
    /// the same facts and lines, and the same findings for text that is not UTF-8 or has a
    /// character XML does not allow, wherever it is.
    #[test]
    fn a_file_is_read_as_its_text_is() {
        let dir = tempfile::tempdir().unwrap();
        let from_file = |bytes: &[u8]| {
            let path = dir.path().join("f.xbrl");
            std::fs::write(&path, bytes).unwrap();
            read_file("f.xbrl", &path, bytes.len() as u64)
        };
        let from_text = |bytes: &[u8]| match crate::input::decode_str("f.xbrl", bytes) {
            Ok(text) => read("f.xbrl", text),
            Err(d) => Err(vec![d]),
        };
        let big = instance(1_200, fact);
        let mut with_bom = vec![0xEF, 0xBB, 0xBF];
        with_bom.extend_from_slice(big.as_bytes());
        let mut not_utf8 = big.clone().into_bytes();
        let at = big.find("page 1100 ").unwrap();
        not_utf8[at] = 0xFF;
        let cases: Vec<Vec<u8>> = vec![
            big.clone().into_bytes(),
            with_bom,
            instance(3, fact).into_bytes(),
            big.replace("page 1100 ", "page \u{1} ").into_bytes(),
            big.replace("page 3 ", "page \u{1} ").into_bytes(),
            not_utf8,
            big.as_bytes()[..big.len() - 200].to_vec(),
            vec![0xFF, 0xFE, b'<', 0],
        ];
        for (i, bytes) in cases.iter().enumerate() {
            let (a, b) = (from_file(bytes), from_text(bytes));
            assert_eq!(shown(&a), shown(&b), "case {i}");
            assert_eq!(a.is_ok(), i < 3, "case {i}: {}", shown(&a));
        }
        // The large one was read in halves from the file.
        let path = dir.path().join("f.xbrl");
        std::fs::write(&path, &big).unwrap();
        assert!(read_halves("f.xbrl", Source::File(&path, big.len() as u64)).is_some());
        let line = big.lines().position(|l| l.contains("id=\"f1199\"")).unwrap() as u64 + 1;
        assert_eq!(from_file(big.as_bytes()).unwrap().facts.last().unwrap().line, line);
    }
}
