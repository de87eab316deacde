//! Read an xBRL-JSON report (OIM 1.0) into the raw fact form.

use super::{HALVES_FROM_BYTES, Raw, RawFact, RawUnit, once};
use crate::diag::Code;
use crate::diag::{Diagnostic, Location};
use crate::emit::xbrl_json::PROVENANCE_PROPERTY;
use crate::ns::XBRL_JSON_DOCUMENT_TYPE;
use crate::ns::{FACT_FOOTNOTE, OIM as OIM_NS};
use crate::report::{Period, Provenance, QName};
use chrono::{NaiveDate, NaiveDateTime};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

mod pieces;
pub(crate) use pieces::read_file;

/// An xBRL-JSON document as [`parse`] read it.
pub enum Parsed {
    /// An xBRL-JSON report, its facts read one by one as the parser met them.
    Report(Result<Raw, Vec<Diagnostic>>),
    /// Any other JSON document (an xBRL-CSV metadata file, or a report whose `documentInfo`
    /// comes after its facts), as a tree.
    Other(Value),
}

/// Parse a JSON filing. An xBRL-JSON report whose `documentInfo` comes before its `facts` (as
/// esgx and most tools write it) is read fact by fact while it is parsed, so the document is never
/// held as a tree: at 100,000 facts the tree took most of a validation's time and memory (perf,
/// RSS). Anything else, and any text that does not parse, goes through
/// [`crate::input::parse_json`], whose findings (syntax, a key given twice) stay as they were.
pub fn parse(file: &str, text: &str) -> Result<Parsed, Diagnostic> {
    if let Some(read) = parse_halves(file, text) {
        return Ok(Parsed::Report(read));
    }
    if !text.trim().is_empty() {
        let Streamed { done, reader, mut rest, index, .. } = stream(file, text, None);
        if done.is_ok() {
            match reader {
                Some(reader) => {
                    let index = match index {
                        Some(span) => Index::of_text(&text[span]),
                        None => Some(Index::of_value(rest.remove(PROVENANCE_PROPERTY))),
                    };
                    if let Some(read) = index.and_then(|index| reader.finish(index)) {
                        return Ok(Parsed::Report(read));
                    }
                }
                None => return Ok(Parsed::Other(Value::Object(rest))),
            }
        }
    }
    crate::input::parse_json(file, text).map(Parsed::Other)
}

/// What [`stream`] read.
struct Streamed<'a> {
    /// How the parse ended.
    done: serde_json::Result<()>,
    /// The reader, if it read the facts as they were parsed.
    reader: Option<Reader<'a>>,
    /// The top-level members other than the facts it read (and the provenance index).
    rest: Map<String, Value>,
    /// Where esgx's provenance index is in the text, when the reader was there to keep it as
    /// text (as a tree, one small object per fact, it was a fifth of a 1M-fact report's memory).
    index: Option<std::ops::Range<usize>>,
    /// The parse stopped between two facts (right after one).
    between: bool,
}

/// Read `text` through [`TopLevel`] (`reader`, if given, reads the facts whatever the
/// `documentInfo`). A key given twice ends the parse with an error.
fn stream<'a>(file: &'a str, text: &str, reader: Option<Reader<'a>>) -> Streamed<'a> {
    let repeated = std::cell::Cell::new(false);
    // About as many facts as the text has "dimensions" keys: room for them is made up front
    // (growing the list by doubling copied each fact several times, perf).
    let expected = memchr::memmem::find_iter(text.as_bytes(), b"\"dimensions\"").count();
    let mut state = Stream {
        file,
        repeated: &repeated,
        reader,
        rest: Map::new(),
        expected,
        start: text.as_ptr() as usize,
        index: None,
        between: std::cell::Cell::new(false),
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let done = serde::de::DeserializeSeed::deserialize(TopLevel(&mut state), &mut de).and_then(|()| de.end());
    let Stream { reader, rest, index, between, .. } = state;
    Streamed { done, reader, rest, index, between: between.get() }
}

use crate::jsonpos::OPEN;

/// A large xBRL-JSON report read in two halves side by side (reading it on one core was most of
/// validating it, perf), cut at the first fact from its middle on, found by stepping over every
/// value before it ([`crate::jsonpos::cut_member`]). The first half is the text up to the comma
/// before that fact, whose reading ends, as it must, with the end of its input right there; the
/// second is a copy of the rest behind `{"facts": {`, read by a reader of the same
/// `documentInfo`. `None`, and the text is read whole, unless both halves read without a finding
/// and without a key of one in the other: the findings are always those of one reading.
fn parse_halves(file: &str, text: &str) -> Option<Result<Raw, Vec<Diagnostic>>> {
    if text.len() < HALVES_FROM_BYTES || rayon::current_num_threads() < 2 {
        return None;
    }
    let cut = crate::jsonpos::cut_member(text, "facts", text.len() / 2)?;
    let (_, from, to) = cut.before.iter().find(|(k, ..)| k == "documentInfo")?;
    let info: Value = serde_json::from_str(&text[*from..*to]).ok()?;
    let second_reader = Reader::new(file, &info).ok()?;
    let (first, second) = rayon::join(
        || stream(file, &text[..cut.comma], None),
        || stream(file, &format!("{OPEN}{}", &text[cut.member..]), Some(second_reader)),
    );
    let (
        Streamed { done: ended, reader: Some(mut a), mut rest, index: first_index, .. },
        Streamed { done: Ok(()), reader: Some(b), rest: tail, index: second_index, .. },
    ) = (first, second)
    else {
        return None;
    };
    let ended_at_cut =
        ended.is_err_and(|e| e.classify() == serde_json::error::Category::Eof && e.line() as u64 == cut.line);
    if !ended_at_cut
        || !a.errs.is_empty()
        || !b.errs.is_empty()
        || tail.keys().any(|k| rest.contains_key(k))
        || ((first_index.is_some() || rest.contains_key(PROVENANCE_PROPERTY)) && second_index.is_some())
    {
        return None;
    }
    // The second half's index lies past the copy's opening, at the same place of the text.
    let shift = cut.member - OPEN.len();
    let index = match (first_index, second_index) {
        (Some(span), _) => Index::of_text(&text[span])?,
        (_, Some(span)) => Index::of_text(&text[span.start + shift..span.end + shift])?,
        (None, None) => Index::of_value(rest.remove(PROVENANCE_PROPERTY)),
    };
    // A fact or footnote id of both halves is a key given twice in the facts.
    fn ids<'r>(r: &'r Reader<'_>) -> impl Iterator<Item = &'r str> {
        r.raw.facts.iter().filter_map(|f| f.id.as_deref()).chain(r.notes.keys().map(String::as_str))
    }
    let seen: foldhash::HashSet<&str> = ids(&a).collect();
    if ids(&b).any(|id| seen.contains(id)) {
        return None;
    }
    let Reader { raw, notes, linked, .. } = b;
    a.raw.facts = super::join_halves(std::mem::take(&mut a.raw.facts), raw.facts);
    a.notes.extend(notes);
    a.linked.extend(linked);
    a.finish(index)
}

/// Read an xBRL-JSON report (parsed JSON) into raw facts; `file` is how findings name it.
pub fn read(file: &str, mut doc: Value) -> Result<Raw, Vec<Diagnostic>> {
    let info = doc
        .get("documentInfo")
        .ok_or_else(|| vec![error(file, "", "no documentInfo: not an xBRL-JSON report".into())])?;
    let mut reader = Reader::new(file, info)?;
    let facts = doc
        .get("facts")
        .and_then(Value::as_object)
        .ok_or_else(|| vec![error(file, "/facts", "no facts object".into())])?;
    for (id, f) in facts {
        reader.fact(id, f);
    }
    let index = Index::of_value(doc.as_object_mut().and_then(|o| o.remove(PROVENANCE_PROPERTY)));
    // A tree holds no key twice: its entries always read.
    reader.finish(index).unwrap_or_else(|| Err(vec![error(file, "", "a key appears twice in one object".into())]))
}

fn error(file: &str, pointer: &str, msg: String) -> Diagnostic {
    Diagnostic::error(Code::E0003, Location::pointer(file, pointer), msg)
}

/// The state of [`parse`]: the reader, once `documentInfo` says the document is an xBRL-JSON
/// report, and the top-level members other than the facts it read.
struct Stream<'a, 'c> {
    file: &'a str,
    repeated: &'c std::cell::Cell<bool>,
    reader: Option<Reader<'a>>,
    rest: Map<String, Value>,
    /// How many facts the text seems to hold.
    expected: usize,
    /// Where the text starts in memory.
    start: usize,
    /// Where esgx's provenance index is in the text, if the reader was there to keep it.
    index: Option<std::ops::Range<usize>>,
    /// The parse is right after a fact.
    between: std::cell::Cell<bool>,
}

/// The document's top-level object.
struct TopLevel<'s, 'a, 'c>(&'s mut Stream<'a, 'c>);

impl<'de> serde::de::DeserializeSeed<'de> for TopLevel<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for TopLevel<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let st = self.0;
        let mut streamed = false;
        while let Some(key) = map.next_key::<String>()? {
            let dup = || serde::de::Error::custom("a key appears twice in one object");
            if st.rest.contains_key(&key)
                || (streamed && key == "facts")
                || (key == PROVENANCE_PROPERTY && st.index.is_some())
            {
                return Err(dup());
            }
            if key == PROVENANCE_PROPERTY && st.reader.is_some() {
                // Kept as text, read when the facts are (see `Index::of_text`).
                let raw: &serde_json::value::RawValue = map.next_value()?;
                let from = raw.get().as_ptr() as usize - st.start;
                st.index = Some(from..from + raw.get().len());
                continue;
            }
            if key == "facts"
                && let Some(reader) = &mut st.reader
            {
                reader.raw.facts.reserve(st.expected);
                reader.linked.reserve(st.expected);
                map.next_value_seed(Facts { reader, repeated: st.repeated, between: &st.between })?;
                streamed = true;
                continue;
            }
            let value = map.next_value_seed(crate::input::UniqueKeys(st.repeated))?;
            if key == "documentInfo"
                && st.reader.is_none()
                && value.get("documentType").and_then(Value::as_str) == Some(XBRL_JSON_DOCUMENT_TYPE)
            {
                st.reader = Reader::new(st.file, &value).ok();
            }
            st.rest.insert(key, value);
        }
        // No facts met after the documentInfo: the tree goes to the ordinary path, which says
        // what is missing.
        if !streamed {
            st.reader = None;
        }
        Ok(())
    }
}

/// The `facts` object, each fact handed to the reader as soon as it is parsed.
struct Facts<'r, 'a> {
    reader: &'r mut Reader<'a>,
    repeated: &'r std::cell::Cell<bool>,
    /// Set right after each fact, cleared as the next starts.
    between: &'r std::cell::Cell<bool>,
}

impl<'de> serde::de::DeserializeSeed<'de> for Facts<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Facts<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object of facts")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut ids = foldhash::HashSet::default();
        while let Some(id) = map.next_key::<String>()? {
            self.between.set(false);
            let fact = map.next_value_seed(crate::input::UniqueKeys(self.repeated))?;
            if !ids.insert(id.clone()) {
                self.repeated.set(true);
                return Err(serde::de::Error::custom("a key appears twice in one object"));
            }
            self.reader.fact(&id, &fact);
            self.between.set(true);
        }
        Ok(())
    }
}

/// Turns an xBRL-JSON report's facts, one at a time, into raw facts.
struct Reader<'a> {
    file: &'a str,
    raw: Raw,
    errs: Vec<Diagnostic>,
    /// The link types that mean fact-footnote (the reserved alias is `footnote`).
    footnote_types: Vec<String>,
    /// Footnotes (facts of xbrl:note) by id.
    notes: HashMap<String, String>,
    /// Per raw fact, the footnotes it links to: (note id, place of the link in the fact, as
    /// `/links/{type}/{group}/{i}`), both shared by the facts that repeat them (a copy of each
    /// per fact was over 100 MB of reading a 1M-fact report).
    linked: Vec<Links>,
    /// What the facts repeat, each read once and then shared: names (`prefix:local`), units,
    /// entities and periods as written. A report of 100,000 facts writes a few hundred of each;
    /// made anew for every fact, they were a good part of the reading's time and memory.
    seen: Seen,
}

/// A fact's footnote links: (note id, place of the link in the fact) each.
type Links = Arc<[(Arc<str>, Arc<str>)]>;

#[derive(Default)]
struct Seen {
    /// Breakdowns and lists of links, each made once and shared by the facts that have it
    /// (one of each per fact was 110 MiB of reading a 1M-fact report, RSS).
    dims: foldhash::HashSet<crate::report::Dimensions>,
    link_lists: foldhash::HashSet<Links>,
    names: foldhash::HashMap<String, Option<QName>>,
    units: foldhash::HashMap<String, Option<Arc<RawUnit>>>,
    entities: foldhash::HashMap<String, Option<Arc<(String, String)>>>,
    periods: foldhash::HashMap<String, Option<Period>>,
    /// Footnote ids and places of links.
    links: foldhash::HashMap<String, Arc<str>>,
}

impl<'a> Reader<'a> {
    /// Check the `documentInfo` and take its namespaces, taxonomy and link types.
    fn new(file: &'a str, info: &Value) -> Result<Self, Vec<Diagnostic>> {
        let dt = info.get("documentType").and_then(Value::as_str).unwrap_or("");
        if dt != XBRL_JSON_DOCUMENT_TYPE {
            return Err(vec![error(
                file,
                "/documentInfo/documentType",
                format!("document type {dt:?} is not {XBRL_JSON_DOCUMENT_TYPE}"),
            )]);
        }
        let raw = Raw::from_document_info(Some(info));
        let footnote_types = info
            .get("linkTypes")
            .and_then(Value::as_object)
            .map(|m| m.iter().filter(|(_, u)| u.as_str() == Some(FACT_FOOTNOTE)).map(|(k, _)| k.clone()).collect())
            .unwrap_or_default();
        Ok(Reader {
            file,
            raw,
            errs: Vec::new(),
            footnote_types,
            notes: HashMap::new(),
            linked: Vec::new(),
            seen: Seen::default(),
        })
    }

    fn qname(&mut self, s: &str) -> Option<QName> {
        let namespaces = &self.raw.namespaces;
        once(&mut self.seen.names, s, || {
            let (p, l) = s.split_once(':')?;
            Some(QName::new(p, namespaces.get(p)?, l))
        })
    }

    /// One fact of the `facts` object: its id and its value.
    fn fact(&mut self, id: &str, f: &Value) {
        let ptr = format!("/facts/{}", crate::jsonpos::escape(id));
        let file = self.file;
        let err = |field: &str, msg: String| error(file, &format!("{ptr}{field}"), msg);
        let Some(dims) = f.get("dimensions").and_then(Value::as_object) else {
            self.errs.push(err("", "fact has no dimensions".into()));
            return;
        };
        let Some(concept) = dims.get("concept").and_then(Value::as_str).and_then(|c| self.qname(c)) else {
            self.errs.push(err("/dimensions/concept", "missing or unresolvable concept".into()));
            return;
        };
        if &*concept.namespace == OIM_NS && &*concept.local == "note" {
            match f.get("value").and_then(Value::as_str) {
                Some(v) => {
                    self.notes.insert(id.to_string(), xhtml_text(v));
                }
                None => self.errs.push(err("/value", "a footnote (xbrl:note) needs a text value".into())),
            }
            return;
        }
        let mut errs = Vec::new();
        let mut targets = Vec::new();
        if let Some(links) = f.get("links").and_then(Value::as_object) {
            for (ty, groups) in links.iter().filter(|(ty, _)| self.footnote_types.iter().any(|t| t == *ty)) {
                for (group, ids) in groups.as_object().into_iter().flatten() {
                    for (i, t) in ids.as_array().into_iter().flatten().enumerate() {
                        match t.as_str() {
                            Some(t) => {
                                let at = format!("/links/{ty}/{group}/{i}");
                                let links = &mut self.seen.links;
                                targets.push((once(links, t, || t.into()), once(links, &at, || at.as_str().into())));
                            }
                            None => {
                                errs.push(err(&format!("/links/{ty}/{group}/{i}"), "a link target is a fact id".into()))
                            }
                        }
                    }
                }
            }
        }
        let mut rf =
            RawFact { id: Some(id.to_string()), concept, pointer: Some(ptr.clone()), oim: true, ..Default::default() };
        if let Some(obj) = f.as_object() {
            for k in obj
                .keys()
                .filter(|k| !k.contains(':') && !matches!(k.as_str(), "value" | "decimals" | "dimensions" | "links"))
            {
                errs.push(err(
                    &format!("/{k}"),
                    format!("unknown fact property {k:?} (extension properties need a prefix)"),
                ));
            }
        }
        if let Some(e) = dims.get("entity").and_then(Value::as_str) {
            let namespaces = &self.raw.namespaces;
            let entity = once(&mut self.seen.entities, e, || {
                e.split_once(':').and_then(|(p, v)| Some((namespaces.get(p)?.clone(), v.to_string()).into()))
            });
            match entity {
                Some(x) => rf.entity = Some(x),
                None => errs.push(err("/dimensions/entity", format!("entity {e:?} has an undeclared prefix"))),
            }
        }
        match dims.get("period").and_then(Value::as_str).map(|p| once(&mut self.seen.periods, p, || parse_period(p))) {
            Some(Some(p)) => rf.period = Some(p),
            _ => errs.push(err("/dimensions/period", "missing or unreadable period".into())),
        }
        if let Some(u) = dims.get("unit").and_then(Value::as_str) {
            let raw = &self.raw;
            match once(&mut self.seen.units, u, || parse_unit(raw, u).map(Into::into)) {
                Some(ru) => {
                    rf.unit = Some(u.to_string());
                    rf.unit_def = Some(ru);
                }
                None => errs.push(err("/dimensions/unit", format!("unit {u:?} cannot be read"))),
            }
        }
        let mut pairs = Vec::new();
        for (k, v) in dims {
            if matches!(k.as_str(), "concept" | "entity" | "period" | "unit" | "language" | "noteId") {
                continue;
            }
            match (self.qname(k), v.as_str().and_then(|m| self.qname(m))) {
                (Some(a), Some(m)) => pairs.push((a, m)),
                _ => errs.push(err(
                    &format!("/dimensions/{k}"),
                    "dimension or member cannot be resolved (esgx reads explicit members only)".into(),
                )),
            }
        }
        rf.dims = shared(&mut self.seen.dims, pairs);
        match f.get("value") {
            Some(Value::Null) | None => rf.nil = true,
            // OIM values are XML Schema lexical forms: no character XML cannot carry.
            Some(Value::String(s)) if let Some((_, c)) = crate::xml::first_illegal_char(s) => errs.push(err(
                "/value",
                format!("the value holds the control character U+{:04X}, which XBRL does not allow", c as u32),
            )),
            Some(Value::String(s)) => rf.value = s.clone(),
            Some(other) => errs.push(err("/value", format!("value {other} is not a string"))),
        }
        rf.numeric_hint = rf.unit.is_some();
        match f.get("decimals") {
            None => {}
            Some(Value::Number(n)) if n.as_i64().is_some() => rf.decimals = Some(n.to_string()),
            Some(other) => errs.push(err("/decimals", format!("decimals {other} is not an integer"))),
        }
        // Earlier esgx versions wrote the source as an extension property of each fact.
        if let Some(src) = f.get("esgxp:source")
            && let Ok(p) = serde_json::from_value::<Provenance>(src.clone())
        {
            rf.provenance = Some(Box::new(p));
        }
        self.errs.append(&mut errs);
        self.raw.facts.push(rf);
        self.linked.push(shared(&mut self.seen.link_lists, targets));
    }

    /// Provenance: esgx's structured index (`index`) where the report has one, otherwise the
    /// text of the footnotes a fact links to. `None` if an entry of the index holds a key twice
    /// (the caller reads the document as a tree, whose findings say where).
    fn finish(self, index: Index<'_>) -> Option<Result<Raw, Vec<Diagnostic>>> {
        use rayon::prelude::*;
        let Reader { file, mut raw, mut errs, notes, linked, .. } = self;
        let Index { sources, facts: entries } = index;
        // Each fact's own entry of the index, handed to it in one pass over the index (taking
        // the entries out one by one, by id, was a quarter of reading a report, perf).
        // An index written in the facts' order (as esgx writes it) is handed out in step with
        // them, without a map of a million ids (RSS); the first entry out of step makes the map.
        let mut own: Vec<Option<Entry>> = (0..raw.facts.len()).map(|_| None).collect();
        let mut stray = Vec::new();
        let id_of = |i: usize| raw.facts[i].id.as_deref().unwrap_or_default();
        let mut at: Option<foldhash::HashMap<&str, usize>> = None;
        let mut next = 0;
        for (id, entry) in entries {
            let in_step = (next..raw.facts.len().min(next + 8)).find(|&i| at.is_none() && id_of(i) == id);
            let i = in_step.or_else(|| {
                let at = at.get_or_insert_with(|| (0..raw.facts.len()).map(|i| (id_of(i), i)).collect());
                at.get(&*id).copied()
            });
            match i {
                Some(i) => {
                    own[i] = Some(entry);
                    next = i + 1;
                }
                None => stray.push(entry),
            }
        }
        drop(at);
        let repeated = std::sync::atomic::AtomicBool::new(false);
        let fields_of = |entry: Entry| {
            entry.fields().unwrap_or_else(|()| {
                repeated.store(true, std::sync::atomic::Ordering::Relaxed);
                None
            })
        };
        // An entry of no fact is still read: a key given twice is a finding wherever it is.
        stray.into_par_iter().for_each(|e| drop(fields_of(e)));
        // A source is shared by the facts that cite it, so it is copied into each; the facts
        // are independent of each other and are read on every core.
        let part = |id: &str| sources.as_ref().and_then(|m| m.get(id)).and_then(Value::as_object);
        // Each source read once as provenance, for the facts whose provenance it and their
        // entry give between them (see `Shared`).
        let shared: foldhash::HashMap<&str, Option<Shared<'_>>> = match &sources {
            Some(Value::Object(m)) => {
                m.iter().map(|(id, v)| (id.as_str(), v.as_object().and_then(Shared::of))).collect()
            }
            _ => Default::default(),
        };
        // Each fact's provenance is set in place; the few facts that give more (findings about
        // their links or entry, the text of their footnotes) say so, in order.
        let read: Vec<FactRead> = raw
            .facts
            .par_iter_mut()
            .zip(own)
            .zip(linked)
            .enumerate()
            .filter_map(|(i, ((rf, entry), targets))| {
                if let Some(p) = Shared::provenance(&shared, entry.as_ref(), &targets, |t| notes.contains_key(t)) {
                    rf.provenance = Some(Box::new(p));
                    return None;
                }
                let mut fields = entry.and_then(fields_of);
                let mut link_errs = Vec::new();
                let mut texts = Vec::new();
                for (t, at) in targets.iter() {
                    match notes.get(&**t) {
                        Some(text) => texts.push(text.as_str()),
                        None => link_errs.push(error(
                            file,
                            &format!("/facts/{}{at}", crate::jsonpos::escape(rf.id.as_deref().unwrap_or_default())),
                            format!("footnote link to {t:?}, which is no footnote (xbrl:note) of the report"),
                        )),
                    }
                    if let Some(loc) = part(t) {
                        fields.get_or_insert_with(Map::new).extend(loc.iter().map(|(k, v)| (k.clone(), v.clone())));
                    }
                }
                let id = rf.id.as_deref().unwrap_or_default();
                let found = match fields.map(|m| serde_json::from_value::<Provenance>(Value::Object(m))) {
                    Some(Ok(p)) => Found::Index(Box::new(p)),
                    Some(Err(e)) => Found::Unreadable(Box::new(error(
                        file,
                        &format!("/{PROVENANCE_PROPERTY}/facts/{id}"),
                        format!("unreadable provenance: {e}"),
                    ))),
                    None if rf.provenance.is_none() && !texts.is_empty() => Found::Footnotes(texts.join(" ")),
                    None => Found::Nothing,
                };
                let found = match found {
                    Found::Index(p) => {
                        rf.provenance = Some(p);
                        Found::Nothing
                    }
                    other => other,
                };
                (!link_errs.is_empty() || !matches!(found, Found::Nothing)).then_some((i, link_errs, found))
            })
            .collect();
        if repeated.into_inner() {
            return None;
        }
        for (i, mut link_errs, found) in read {
            errs.append(&mut link_errs);
            match found {
                Found::Unreadable(d) => errs.push(*d),
                Found::Footnotes(text) => {
                    raw.footnotes.insert(raw.facts[i].id.clone().unwrap_or_default(), text);
                }
                Found::Index(_) | Found::Nothing => {}
            }
        }
        Some(if errs.is_empty() { Ok(raw) } else { Err(errs) })
    }
}

/// A source of esgx's provenance index read as provenance, with the keys it gives: a fact that
/// links to it alone and whose entry gives other keys, each of a plain value, has the provenance
/// of the two read apart and put together, the source's texts shared, not copied. (Putting the
/// source's fields into a copy of each fact's entry and reading that was three fifths of reading a
/// 1M-fact report, with a copy of the texts for each fact: perf, RSS.) Anything else is read the
/// long way, which gives the same provenance, or finds what is wrong.
struct Shared<'s> {
    keys: Vec<&'s str>,
    provenance: Provenance,
}

impl<'s> Shared<'s> {
    /// A source that reads as provenance.
    fn of(source: &'s Map<String, Value>) -> Option<Shared<'s>> {
        let provenance = serde_json::from_value(Value::Object(source.clone())).ok()?;
        Some(Shared { keys: source.keys().map(String::as_str).collect(), provenance })
    }

    /// A fact's provenance, when its entry and the footnotes it links to (`is_note` tells which
    /// ids are footnotes) make it one of the plain cases: no entry, or one given as text, and
    /// one footnote with a source of its own, or none.
    fn provenance(
        shared: &foldhash::HashMap<&str, Option<Shared<'_>>>,
        entry: Option<&Entry<'_>>,
        targets: &[(Arc<str>, Arc<str>)],
        is_note: impl Fn(&str) -> bool,
    ) -> Option<Provenance> {
        // A source that does not read as provenance on its own is read the long way.
        let source = match targets {
            [] => None,
            [(t, _)] if is_note(t) => match shared.get(&**t) {
                Some(s) => Some(s.as_ref()?),
                None => None,
            },
            _ => return None,
        };
        let own = match entry {
            None => None,
            Some(Entry::Text(raw)) => {
                let keys = plain_keys(raw.get())?;
                if source.is_some_and(|s| keys.iter().any(|k| s.keys.contains(k))) {
                    return None;
                }
                Some(serde_json::from_str::<Provenance>(raw.get()).ok()?)
            }
            Some(Entry::Tree(_)) => return None,
        };
        match (own, source) {
            (Some(own), Some(source)) => Some(own.or(&source.provenance)),
            (Some(own), None) => Some(own),
            (None, Some(source)) => Some(source.provenance.clone()),
            (None, None) => None,
        }
    }
}

/// The keys of a JSON object whose values are plain (no object or array) and whose keys are
/// given once each, unescaped; `None` for anything else.
fn plain_keys(text: &str) -> Option<Vec<&str>> {
    struct Plain;
    impl<'de> serde::de::Visitor<'de> for Plain {
        type Value = Vec<&'de str>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object of plain values")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut keys: Vec<&'de str> = Vec::new();
            while let Some(key) = map.next_key::<&'de str>()? {
                let value: &'de serde_json::value::RawValue = map.next_value()?;
                if keys.contains(&key) || value.get().starts_with(['{', '[']) {
                    return Err(serde::de::Error::custom("not plain"));
                }
                keys.push(key);
            }
            Ok(keys)
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let keys = serde::Deserializer::deserialize_map(&mut de, Plain).ok()?;
    de.end().ok()?;
    Some(keys)
}

/// esgx's provenance index of a report (`esgxp:provenance`) as read: the sources the facts cite,
/// and each fact's own entry by fact id.
#[derive(Default)]
struct Index<'t> {
    sources: Option<Value>,
    facts: Vec<(std::borrow::Cow<'t, str>, Entry<'t>)>,
}

/// One fact's entry of the index.
enum Entry<'t> {
    /// Its text, read when the fact is: a million facts' entries were a million small trees,
    /// all held at once.
    Text(&'t serde_json::value::RawValue),
    /// An object of a document read as a tree.
    Tree(Box<Map<String, Value>>),
}

impl Entry<'_> {
    /// The entry's fields, `None` if it is no object; `Err` if it holds a key twice.
    fn fields(self) -> Result<Option<Map<String, Value>>, ()> {
        match self {
            Entry::Tree(m) => Ok(Some(*m)),
            Entry::Text(raw) => {
                let repeated = std::cell::Cell::new(false);
                let mut de = serde_json::Deserializer::from_str(raw.get());
                match serde::de::DeserializeSeed::deserialize(crate::input::UniqueKeys(&repeated), &mut de) {
                    Ok(Value::Object(m)) => Ok(Some(m)),
                    Ok(_) => Ok(None),
                    Err(_) => Err(()),
                }
            }
        }
    }
}

impl<'t> Index<'t> {
    /// The index of a document read as a tree: its `sources`, and the entries of its `facts`
    /// that are objects.
    fn of_value(index: Option<Value>) -> Index<'static> {
        let Some(Value::Object(mut index)) = index else { return Index::default() };
        let facts = match index.remove("facts") {
            Some(Value::Object(entries)) => entries
                .into_iter()
                .filter_map(|(id, e)| match e {
                    Value::Object(m) => Some((id.into(), Entry::Tree(Box::new(m)))),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        Index { sources: index.remove("sources"), facts }
    }

    /// The index from its text (which parsed once already): its entries stay text. `None` if
    /// a key is given twice in it.
    fn of_text(text: &'t str) -> Option<Index<'t>> {
        let repeated = std::cell::Cell::new(false);
        if_object(text, IndexSeed(&repeated), &repeated).ok()
    }
}

/// `text` (one JSON value) read by `seed` if it is an object; anything else holds nothing for
/// it, and has its keys checked as everywhere else.
fn if_object<'de, S>(text: &'de str, seed: S, repeated: &std::cell::Cell<bool>) -> serde_json::Result<S::Value>
where
    S: serde::de::DeserializeSeed<'de>,
    S::Value: Default,
{
    let mut de = serde_json::Deserializer::from_str(text);
    if text.starts_with('{') {
        seed.deserialize(&mut de)
    } else {
        serde::de::DeserializeSeed::deserialize(crate::input::UniqueKeys(repeated), &mut de)
            .map(|_| S::Value::default())
    }
}

/// Reads an [`Index`] from its text, stopping at a key given twice.
struct IndexSeed<'c>(&'c std::cell::Cell<bool>);

impl<'de> serde::de::DeserializeSeed<'de> for IndexSeed<'_> {
    type Value = Index<'de>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Index<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for IndexSeed<'_> {
    type Value = Index<'de>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Index<'de>, A::Error> {
        let dup = || serde::de::Error::custom("a key appears twice in one object");
        let mut index = Index::default();
        let mut keys = foldhash::HashSet::default();
        while let Some(key) = map.next_key::<String>()? {
            if !keys.insert(key.clone()) {
                return Err(dup());
            }
            match key.as_str() {
                "sources" => index.sources = Some(map.next_value_seed(crate::input::UniqueKeys(self.0))?),
                "facts" => index.facts = map.next_value_seed(EntriesSeed(self.0))?,
                _ => drop(map.next_value_seed(crate::input::UniqueKeys(self.0))?),
            }
        }
        Ok(index)
    }
}

/// The index's `facts`: each entry's text by fact id (none unless it is an object).
struct EntriesSeed<'c>(&'c std::cell::Cell<bool>);

type Entries<'t> = Vec<(std::borrow::Cow<'t, str>, Entry<'t>)>;

impl<'de> serde::de::DeserializeSeed<'de> for EntriesSeed<'_> {
    type Value = Entries<'de>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Entries<'de>, D::Error> {
        let raw: &'de serde_json::value::RawValue = serde::Deserialize::deserialize(d)?;
        if_object(raw.get(), EntryMap(self.0), self.0).map_err(serde::de::Error::custom)
    }
}

struct EntryMap<'c>(&'c std::cell::Cell<bool>);

impl<'de> serde::de::DeserializeSeed<'de> for EntryMap<'_> {
    type Value = Entries<'de>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Entries<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for EntryMap<'_> {
    type Value = Entries<'de>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object of entries")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Entries<'de>, A::Error> {
        let mut entries: Entries<'de> = Vec::new();
        while let Some(id) = map.next_key_seed(Key)? {
            let raw: &'de serde_json::value::RawValue = map.next_value()?;
            entries.push((id, Entry::Text(raw)));
        }
        // A key given twice is looked for once all are read (where the parse stopped is not
        // shown: the whole reading reports the key).
        let ids: Vec<&str> = entries.iter().map(|(id, _)| &**id).collect();
        if !crate::report::repeats(&ids).is_empty() {
            self.0.set(true);
            return Err(serde::de::Error::custom("a key appears twice in one object"));
        }
        drop(ids);
        Ok(entries)
    }
}

/// A key, borrowed from the text when it has no escape.
struct Key;

impl<'de> serde::de::DeserializeSeed<'de> for Key {
    type Value = std::borrow::Cow<'de, str>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Key {
    type Value = std::borrow::Cow<'de, str>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a key")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.to_owned().into())
    }
}

/// What [`Reader::finish`] found for one fact, by its place: the findings about its footnote
/// links, and its provenance.
type FactRead = (usize, Vec<Diagnostic>, Found);

impl Reader<'_> {
    /// Make the breakdowns of this reader's facts the copies in `all` (a report's pieces are read
    /// apart, each with its own copies: at 1M facts over half a million lists of a few thousand
    /// breakdowns, each then looked up by its names again as the report was made).
    fn share_dims(&mut self, all: &std::sync::Mutex<crate::report::Breakdowns>) {
        let own = std::mem::take(&mut self.seen.dims);
        let place = |d: &crate::report::Dimensions| Arc::as_ptr(d).cast::<()>() as usize;
        let mut to: foldhash::HashMap<usize, crate::report::Dimensions> =
            foldhash::HashMapExt::with_capacity(own.len());
        {
            let mut all = all.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            for d in &own {
                to.insert(place(d), all.share_by_names(d));
            }
        }
        for f in &mut self.raw.facts {
            if let Some(one) = to.get(&place(&f.dims)) {
                f.dims = one.clone();
            }
        }
    }
}

/// The one shared copy of `items` in `seen`, made if there is none.
fn shared<T: Eq + std::hash::Hash>(seen: &mut foldhash::HashSet<Arc<[T]>>, items: Vec<T>) -> Arc<[T]> {
    if let Some(one) = seen.get(items.as_slice()) {
        return one.clone();
    }
    let one: Arc<[T]> = items.into();
    seen.insert(one.clone());
    one
}

/// A fact's provenance as the report gives it.
enum Found {
    /// Its entry in esgx's provenance index.
    Index(Box<Provenance>),
    /// An entry that does not read as provenance.
    Unreadable(Box<Diagnostic>),
    /// No entry: the text of the footnotes it links to.
    Footnotes(String),
    /// Neither.
    Nothing,
}

/// The text of a footnote's XHTML fragment: markup left out, XML's predefined entities and
/// character references resolved.
fn xhtml_text(fragment: &str) -> String {
    if !fragment.contains(['<', '&']) {
        return fragment.to_string();
    }
    let mut out = String::with_capacity(fragment.len());
    let mut rest = fragment;
    while let Some(i) = rest.find(['<', '&']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('<') {
            rest = rest.find('>').map_or("", |j| &rest[j + 1..]);
            continue;
        }
        let end = rest.find(';').filter(|j| *j <= 10);
        let entity = end.map(|j| &rest[1..j]);
        let c = match entity {
            Some("amp") => Some('&'),
            Some("lt") => Some('<'),
            Some("gt") => Some('>'),
            Some("quot") => Some('"'),
            Some("apos") => Some('\''),
            Some(e) if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16).ok().and_then(char::from_u32),
            Some(e) if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match (c, end) {
            (Some(c), Some(j)) => {
                out.push(c);
                rest = &rest[j + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// OIM periods are end-exclusive date-times (`2024-01-01T00:00:00` ends 2023); XBRL and esgx
/// periods are inclusive dates. A date without a time means that whole day.
pub fn parse_period(s: &str) -> Option<Period> {
    // (the day, whether it was written as a midnight date-time)
    let point = |t: &str| -> Option<(NaiveDate, bool)> {
        let t = t.trim();
        if let Ok(dt) = NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S") {
            return (dt.time() == chrono::NaiveTime::MIN).then_some((dt.date(), true));
        }
        NaiveDate::parse_from_str(t, "%Y-%m-%d").ok().map(|d| (d, false))
    };
    let end_of = |(d, midnight): (NaiveDate, bool)| if midnight { d.pred_opt() } else { Some(d) };
    match s.split_once('/') {
        Some((a, b)) => Some(Period::Duration { start: point(a)?.0, end: end_of(point(b)?)? }),
        None => end_of(point(s)?).map(Period::Instant),
    }
}

/// `utr:t`, `utr:t/esgx:Employee`, `(a*b)/(c*d)`.
pub fn parse_unit(raw: &Raw, s: &str) -> Option<RawUnit> {
    let side = |t: &str| -> Option<Vec<QName>> {
        let t = t.trim().trim_start_matches('(').trim_end_matches(')');
        t.split('*')
            .map(|m| {
                let (p, l) = m.trim().split_once(':')?;
                Some(QName::new(p, raw.namespaces.get(p)?, l))
            })
            .collect()
    };
    match s.split_once('/') {
        Some((n, d)) => Some(RawUnit { numerator: side(n)?, denominator: side(d)? }),
        None => Some(RawUnit { numerator: side(s)?, denominator: Vec::new() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::shown;

    #[test]
    fn footnote_text() {
        assert_eq!(xhtml_text("Scope 1 &amp; 2 &lt;est.&gt;"), "Scope 1 & 2 <est.>");
        assert_eq!(xhtml_text("<p>A <b>bold</b> note&#x21;</p>"), "A bold note!");
        assert_eq!(xhtml_text("plain & simple"), "plain & simple");
    }

    /// A small xBRL-JSON report, its `documentInfo` before or after its facts.
    fn report(info_first: bool, facts: &str) -> String {
        let info = format!(
            r#""documentInfo": {{"documentType": "{XBRL_JSON_DOCUMENT_TYPE}", "namespaces": {{"e": "https://e.example/t", "iso4217": "http://www.xbrl.org/2003/iso4217"}}}}"#
        );
        let facts = format!(r#""facts": {{{facts}}}"#);
        if info_first { format!("{{{info},\n{facts}}}") } else { format!("{{{facts},\n{info}}}") }
    }

    const FACTS: &str = r#""f1": {"value": "1397.96", "decimals": 2, "dimensions": {"concept": "e:Waste", "entity": "e:X", "period": "2023-01-01T00:00:00/2024-01-01T00:00:00", "unit": "iso4217:HKD"}},
        "f2": {"value": "ok", "dimensions": {"concept": "e:Note", "entity": "e:X", "period": "2024-01-01T00:00:00"}}"#;

    #[test]
    fn facts_read_while_parsed_equal_facts_read_from_the_tree() {
        let Ok(Parsed::Report(Ok(streamed))) = parse("r.json", &report(true, FACTS)) else {
            panic!("documentInfo first: read while parsed")
        };
        let Ok(Parsed::Other(doc)) = parse("r.json", &report(false, FACTS)) else {
            panic!("documentInfo last: parsed as a tree")
        };
        let tree = read("r.json", doc).unwrap();
        assert_eq!(streamed.facts.len(), 2);
        assert_eq!(streamed.facts[0].value, "1397.96");
        assert_eq!(streamed.facts[0].decimals.as_deref(), Some("2"));
        assert_eq!(format!("{:?}", streamed.facts), format!("{:?}", tree.facts));
        assert_eq!(streamed.namespaces, tree.namespaces);
    }

    #[test]
    fn a_fact_id_given_twice_or_broken_syntax_is_found_while_reading_fact_by_fact() {
        let twice = report(true, &format!("{FACTS},\n\"f1\": {{\"value\": \"2\"}}"));
        let d = parse("r.json", &twice).err().expect("a fact id given twice");
        assert_eq!(d.location.pointer.as_deref(), Some("/facts/f1"));
        assert_eq!(d.location.line, Some(4));
        assert!(d.message.contains("appears twice"), "{}", d.message);
        let broken = report(true, &FACTS[..FACTS.len() - 1]); // the last fact left open
        let d = parse("r.json", &broken).err().expect("broken syntax");
        assert!(d.message.starts_with("invalid JSON"), "{}", d.message);
        // A key inside a fact given twice, too.
        let inner = report(true, &FACTS.replace(r#""value": "ok","#, r#""value": "ok", "value": "no","#));
        let d = parse("r.json", &inner).err().expect("a key given twice in a fact");
        assert_eq!(d.location.pointer.as_deref(), Some("/facts/f2/value"));
    }

    /// `n` facts, f0 .. f(n-1), each in its own year.
    fn many(n: usize) -> String {
        (0..n)
            .map(|i| {
                format!(
                    r#""f{i}": {{"value": "{i}.5", "decimals": 1, "dimensions": {{"concept": "e:Waste", "entity": "e:X", "period": "{}-01-01T00:00:00/{}-01-01T00:00:00", "unit": "iso4217:HKD"}}}}"#,
                    1000 + i,
                    1001 + i
                )
            })
            .collect::<Vec<_>>()
            .join(",\n")
    }

    #[test]
    fn many_facts_read_while_parsed_come_in_order_and_equal_the_trees() {
        // Each fact in its own period, all sharing a concept, entity and unit (read once).
        let facts = many(1_700);
        let Ok(Parsed::Report(Ok(streamed))) = parse("r.json", &report(true, &facts)) else { panic!("streamed") };
        let Ok(Parsed::Other(doc)) = parse("r.json", &report(false, &facts)) else { panic!("a tree") };
        let tree = read("r.json", doc).unwrap();
        assert_eq!(streamed.facts.len(), 1_700);
        assert_eq!(streamed.facts[1_699].value, "1699.5");
        assert_eq!(format!("{:?}", streamed.facts), format!("{:?}", tree.facts));
        // Found late in the facts, a fact id given twice and broken syntax.
        let twice = report(true, &format!("{facts},\n\"f1200\": {{\"value\": \"2\"}}"));
        let d = parse("r.json", &twice).err().expect("a fact id given twice");
        assert_eq!(d.location.pointer.as_deref(), Some("/facts/f1200"));
        let broken = report(true, &facts.replacen("\"f1300\": {", "\"f1300\": {{", 1));
        let d = parse("r.json", &broken).err().expect("broken syntax");
        assert!(d.message.starts_with("invalid JSON"), "{}", d.message);
    }

    /// A report of `n` facts as esgx writes one: footnote links from the facts to notes among
    /// the facts (the last one after them all), and a provenance index after the facts.
    pub(super) fn linked(n: usize) -> String {
        let link = |i: usize| if i.is_multiple_of(2) { "n-first" } else { "n-last" };
        let mut facts: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    r#""f{i}": {{"value": "{i}.5", "decimals": 1, "dimensions": {{"concept": "e:Waste", "entity": "e:X", "period": "{}-01-01T00:00:00/{}-01-01T00:00:00", "unit": "iso4217:HKD"}}, "links": {{"footnote": {{"_": ["{}"]}}}}}}"#,
                    1000 + i,
                    1001 + i,
                    link(i)
                )
            })
            .collect();
        let note = |id: &str, text: &str| {
            format!(r#""{id}": {{"value": "{text}", "dimensions": {{"concept": "xbrl:note", "noteId": "{id}"}}}}"#)
        };
        facts.insert(1, note("n-first", "Source: report, page 4 &amp; 5."));
        facts.push(note("n-last", "Estimated."));
        let own: Vec<String> =
            (0..n).step_by(3).map(|i| format!(r#""f{i}": {{"record": "d.json#/facts/{i}"}}"#)).collect();
        format!(
            r#"{{"documentInfo": {{"documentType": "{XBRL_JSON_DOCUMENT_TYPE}", "namespaces": {{"e": "https://e.example/t", "iso4217": "http://www.xbrl.org/2003/iso4217", "xbrl": "https://xbrl.org/2021"}}, "linkTypes": {{"footnote": "http://www.xbrl.org/2003/arcrole/fact-footnote"}}}},
"facts": {{
{}
}},
"{PROVENANCE_PROPERTY}": {{"facts": {{{}}}, "sources": {{"n-first": {{"document": "ar", "page": 4}}}}}}}}"#,
            facts.join(",\n"),
            own.join(", ")
        )
    }

    /// One reading of the whole text, from start to end.
    pub(super) fn whole(text: &str) -> Result<Raw, Vec<Diagnostic>> {
        let Streamed { done, reader, index, .. } = stream("r.json", text, None);
        done.expect("parses");
        let index = Index::of_text(&text[index.expect("an index")]).expect("no key twice");
        reader.expect("streams").finish(index).expect("no key twice")
    }

    #[test]
    fn an_index_kept_as_text_reads_as_the_tree_and_a_key_twice_in_it_is_found() {
        let text = linked(30);
        let tree = |text: &str| read("r.json", serde_json::from_str(text).unwrap());
        let Ok(Parsed::Report(streamed)) = parse("r.json", &text) else { panic!("streamed") };
        assert_eq!(streamed.as_ref().unwrap().facts[3].provenance.as_ref().unwrap().record, "d.json#/facts/3");
        assert_eq!(shown(&streamed), shown(&tree(&text)));
        // Provenance from a fact's entry and the source of the footnote it links to, read apart
        // and put together where they can be, as the tree's: a source given for both footnotes,
        // one that does not read, keys in both the entry and the source, an entry that is no
        // plain object, a fact linking to two footnotes with sources.
        let sources = r#""sources": {"n-first": {"document": "ar", "page": 4}}"#;
        let variants = [
            text.replace(
                sources,
                r#""sources": {"n-first": {"document": "ar", "page": 4}, "n-last": {"section": "S"}}"#,
            ),
            text.replace(sources, r#""sources": {"n-first": {"document": "ar", "page": "four"}}"#),
            text.replace(sources, r#""sources": {"n-first": {"document": "ar", "record": "r"}, "n-last": 5}"#),
            text.replace(r#""f6": {"record": "d.json#/facts/6"}"#, r#""f6": {"record": "x", "page": 6}"#),
            text.replace(
                r#""f6": {"record": "d.json#/facts/6"}"#,
                r#""f6": {"omission": {"reason": "r", "explanation": "e"}}"#,
            ),
            text.replace(r#""f6": {"record": "d.json#/facts/6"}"#, r#""f6": "none""#),
            text.replace(r#"["n-first"]"#, r#"["n-first", "n-first"]"#),
            // Entries out of the facts' order: the first last.
            text.replace(r#"{"facts": {"f0": {"record": "d.json#/facts/0"}, "#, r#"{"facts": {"#)
                .replace(r#"}, "sources""#, r#", "f0": {"record": "d.json#/facts/0"}}, "sources""#),
        ];
        for t in &variants {
            assert_ne!(t, &text);
            let Ok(Parsed::Report(streamed)) = parse("r.json", t) else { panic!("streamed: {t}") };
            assert_eq!(shown(&streamed), shown(&tree(t)), "{t}");
        }
        let read = |t: &str| match parse("r.json", t) {
            Ok(Parsed::Report(Ok(raw))) => raw.facts[6].provenance.clone().map(|p| *p),
            _ => panic!("read"),
        };
        let (shared, own) = (read(&variants[0]), read(&variants[3]));
        let first_last = match parse("r.json", &variants[7]) {
            Ok(Parsed::Report(Ok(raw))) => raw.facts[0].provenance.clone().map(|p| p.record),
            _ => panic!("read"),
        };
        assert_eq!(first_last.as_deref(), Some("d.json#/facts/0"));
        assert_eq!(
            (shared.as_ref().map(|p| &*p.document), shared.as_ref().and_then(|p| p.page)),
            (Some("ar"), Some(4))
        );
        // A key in both: the source's, as in the tree.
        assert_eq!(own.and_then(|p| p.page), Some(4));
        // An index that is no object, or whose facts are none, gives no entries, as the tree's.
        let facts_at = text.find(&format!("\"{PROVENANCE_PROPERTY}\": {{\"facts\": ")).unwrap();
        for odd in ["[1, {\"a\": 2}]", "{\"facts\": 7, \"sources\": {}}", "\"none\""] {
            let t = format!("{}\"{PROVENANCE_PROPERTY}\": {odd}}}", &text[..facts_at]);
            let Ok(Parsed::Report(streamed)) = parse("r.json", &t) else { panic!("streamed: {odd}") };
            assert!(streamed.as_ref().unwrap().facts[3].provenance.is_none(), "{odd}");
            assert_eq!(shown(&streamed), shown(&tree(&t)), "{odd}");
        }
        // A key given twice in a fact's entry, in an entry of no fact, or of the entries.
        let cases = [
            (r#""f3": {"record": "a", "record": "b"}"#, "/esgxp:provenance/facts/f3/record"),
            (r#""f3": {"record": "d.json#/facts/3"}, "zz": {"a": 1, "a": 2}"#, "/esgxp:provenance/facts/zz/a"),
            (r#""f3": {"record": "a"}, "f3": {"record": "b"}"#, "/esgxp:provenance/facts/f3"),
        ];
        for (entries, pointer) in cases {
            let t = text.replace(r#""f3": {"record": "d.json#/facts/3"}"#, entries);
            assert_ne!(t, text);
            let d = parse("r.json", &t).err().expect("a key given twice");
            assert_eq!(d.location.pointer.as_deref(), Some(pointer), "{entries}");
        }
    }

    #[test]
    fn a_large_report_read_in_halves_equals_one_read_whole() {
        let text = linked(1_700);
        assert!(text.len() > HALVES_FROM_BYTES);
        let halves = parse_halves("r.json", &text).expect("a plainly written report is split");
        assert_eq!(halves.as_ref().map(|r| r.facts.len()).ok(), Some(1_700));
        let one = whole(&text);
        assert_eq!(shown(&halves), shown(&one));
        // Footnotes before and after the cut, and provenance, as one reading has them.
        let raw = one.unwrap();
        assert_eq!(raw.footnotes.get("f1").map(String::as_str), Some("Estimated."));
        assert_eq!(raw.facts[0].provenance.as_ref().map(|p| p.page), Some(Some(4)));
        // Whatever the layout: all on one line, or cut anywhere else.
        let flat = text.replace('\n', " ");
        assert_eq!(shown(&parse_halves("r.json", &flat).expect("split")), shown(&whole(&flat)));
        let cut = crate::jsonpos::cut_member(&text, "facts", 1_000).expect("a cut");
        assert!(text[cut.member..].starts_with('"') && text[..cut.comma].ends_with('}'));
    }

    #[test]
    fn a_report_the_halves_would_read_otherwise_is_read_whole() {
        let text = linked(1_700);
        let tail = text.rfind(&format!(",\n\"{PROVENANCE_PROPERTY}\"")).unwrap();
        // A fact id of the first half again in the second; a top-level key of the first half
        // again after the facts; a broken fact early, another late; a link to no footnote.
        let twice = format!("{},\n\"f3\": {{\"value\": \"2\"}}{}", &text[..tail - 2], &text[tail - 2..]);
        let info_again = format!("{}, \"documentInfo\": {{}}}}", &text[..text.len() - 1]);
        let early = text.replacen("\"f10\": {", "\"f10\": {{", 1);
        let late = text.replacen("\"f1600\": {", "\"f1600\": {{", 1);
        let no_note = text.replacen("[\"n-last\"]", "[\"n-none\"]", 1);
        for text in [&twice, &info_again, &early, &late] {
            assert!(parse_halves("r.json", text).is_none());
            assert!(parse("r.json", text).is_err());
        }
        let d = parse("r.json", &twice).err().unwrap();
        assert_eq!(d.location.pointer.as_deref(), Some("/facts/f3"));
        // A finding of the facts' own: found as one reading finds it.
        assert!(parse_halves("r.json", &no_note).is_some_and(|r| r.is_err()));
        let Ok(Parsed::Report(read)) = parse("r.json", &no_note) else { panic!("a report") };
        assert_eq!(shown(&read), shown(&whole(&no_note)));
        assert!(read.is_err());
    }

    #[test]
    fn periods() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(parse_period("2024-01-01T00:00:00"), Some(Period::Instant(d("2023-12-31"))));
        assert_eq!(
            parse_period("2023-01-01T00:00:00/2024-01-01T00:00:00"),
            Some(Period::Duration { start: d("2023-01-01"), end: d("2023-12-31") })
        );
        assert_eq!(parse_period("2023-12-31"), Some(Period::Instant(d("2023-12-31"))));
        assert_eq!(parse_period("2023"), None);
    }
}
