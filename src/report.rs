//! The one fact model every format serializes: the XBRL Open Information Model. A fact is a
//! concept, an entity, a period, a unit and dimensions, with a value and its provenance.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// A qualified name: prefix and local name, with the namespace the prefix stands for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QName {
    /// The prefix the name is written with (e.g. `esgx`, `utr`).
    pub prefix: Arc<str>,
    /// The namespace URI the prefix stands for.
    pub namespace: Arc<str>,
    /// The local name (e.g. `GhgEmissionsScope1`).
    pub local: Arc<str>,
}

impl QName {
    /// A name from its prefix, namespace URI and local name.
    pub fn new(prefix: &str, namespace: &str, local: &str) -> Self {
        QName { prefix: prefix.into(), namespace: namespace.into(), local: local.into() }
    }
}

impl fmt::Display for QName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.prefix, self.local)
    }
}

/// A fact's period: an instant or a duration, in calendar dates.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    /// A point in time: the end of this day (e.g. headcount at 2023-12-31).
    Instant(NaiveDate),
    /// Both dates inclusive, as in an XBRL 2.1 context.
    Duration {
        /// The first day of the period.
        start: NaiveDate,
        /// The last day of the period.
        end: NaiveDate,
    },
}

impl Period {
    /// The OIM form: end-exclusive date-times (an XML instant 2023-12-31 is 2024-01-01T00:00:00).
    pub fn oim(&self) -> String {
        let next = |d: &NaiveDate| d.succ_opt().unwrap_or(*d).format("%Y-%m-%dT00:00:00").to_string();
        match self {
            Period::Instant(d) => next(d),
            Period::Duration { start, end } => {
                format!("{}/{}", start.format("%Y-%m-%dT00:00:00"), next(end))
            }
        }
    }
}

impl Period {
    /// Does this period belong to the reporting period (the period itself, or an instant at its
    /// end)? Every period does when there is none.
    pub fn belongs_to(&self, reporting: Option<&Period>) -> bool {
        match (reporting, self) {
            (None, _) => true,
            (Some(r), p) if r == p => true,
            (Some(Period::Duration { end, .. }), Period::Instant(d)) => d == end,
            _ => false,
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Instant(d) => write!(f, "{d}"),
            Period::Duration { start, end } => write!(f, "{start}/{end}"),
        }
    }
}

/// A unit: numerator measures over denominator measures, in a canonical order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Unit {
    /// The unit's id in the taxonomy (used as the XML unit id).
    pub id: String,
    /// The measures multiplied in the numerator (e.g. `utr:tCO2e`).
    pub numerator: Vec<QName>,
    /// The measures multiplied in the denominator; empty for a simple unit.
    pub denominator: Vec<QName>,
}

impl Unit {
    /// Whether this is `xbrli:pure` (a count, ratio or percentage), with no denominator.
    pub fn is_pure(&self) -> bool {
        self.denominator.is_empty()
            && self.numerator.len() == 1
            && &*self.numerator[0].local == "pure"
            && &*self.numerator[0].namespace == crate::ns::XBRLI
    }
    /// The same measures, whatever prefixes name them.
    pub fn same_measures(&self, other: &Unit) -> bool {
        fn key(ms: &[QName]) -> Vec<(&str, &str)> {
            let mut v: Vec<(&str, &str)> = ms.iter().map(|m| (&*m.namespace, &*m.local)).collect();
            v.sort();
            v
        }
        key(&self.numerator) == key(&other.numerator) && key(&self.denominator) == key(&other.denominator)
    }

    /// The OIM unit string: `utr:tCO2e`, `utr:t/esgx:Employee`.
    pub fn oim(&self) -> String {
        let join = |ms: &[QName]| {
            let s: Vec<String> = ms.iter().map(|m| m.to_string()).collect();
            if ms.len() > 1 { format!("({})", s.join("*")) } else { s.join("*") }
        };
        if self.denominator.is_empty() {
            join(&self.numerator)
        } else {
            format!("{}/{}", join(&self.numerator), join(&self.denominator))
        }
    }
}

/// A fact's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactValue {
    /// An exact decimal number (a percentage as a fraction: 0.25 for 25%).
    Number(Decimal),
    /// Text: a string, a text block, a boolean (`true`/`false`) or a date (`YYYY-MM-DD`).
    Text(String),
    /// An explained omission or a reported nil.
    Nil,
}

/// An explained omission: why a required figure is not reported ("comply or explain").
#[derive(Debug, Clone, serde::Deserialize, Serialize, PartialEq, Eq)]
pub struct Omission {
    /// Why the figure is not reported: `not-applicable`, `not-disclosed` or `not-available`.
    pub reason: String,
    /// The company's explanation, in its own words.
    pub explanation: String,
}

/// Where the dimensions of a fact go in an XBRL 2.1 context.
#[derive(Debug, Clone, Copy, serde::Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum DimensionContainer {
    /// In the entity's `xbrli:segment`.
    Segment,
    /// In the context's `xbrli:scenario`.
    Scenario,
}

/// Where a fact came from, carried into every output.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Provenance {
    /// The dataset file and the place of the record in it.
    pub record: String,
    /// Source document id, title and the place in it.
    pub document: Arc<str>,
    /// The source document's title, if known. (This and the other texts many facts often have
    /// in common, the section and the quote, are shared by the facts given one copy.)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_title: Option<Arc<str>>,
    /// The section of the source document, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<Arc<str>>,
    /// The page of the source document, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// The line of the source file, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// The words of the report the figure was read from, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<Arc<str>>,
    /// The value text exactly as reported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reported: Option<Box<str>>,
    /// The report's qualifier of the figure (e.g. `over`, `nearly`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<Box<str>>,
    /// Why the figure is not reported, if it is an explained omission.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub omission: Option<Box<Omission>>,
    /// The dataset's note on the figure, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<Box<str>>,
}

impl Provenance {
    /// This provenance with each field it leaves empty (at its default) taken from `other`:
    /// two provenances read from objects with no key in common, put together.
    pub fn or(self, other: &Provenance) -> Provenance {
        fn or<T: Clone + PartialEq + Default>(mine: T, theirs: &T) -> T {
            if mine == T::default() { theirs.clone() } else { mine }
        }
        let Provenance {
            record,
            document,
            document_title,
            section,
            page,
            line,
            quote,
            reported,
            qualifier,
            omission,
            note,
        } = self;
        Provenance {
            record: or(record, &other.record),
            document: or(document, &other.document),
            document_title: or(document_title, &other.document_title),
            section: or(section, &other.section),
            page: or(page, &other.page),
            line: or(line, &other.line),
            quote: or(quote, &other.quote),
            reported: or(reported, &other.reported),
            qualifier: or(qualifier, &other.qualifier),
            omission: or(omission, &other.omission),
            note: or(note, &other.note),
        }
    }

    /// One human sentence, for an XBRL footnote: where, as reported, details, dataset record.
    pub fn sentence(&self) -> String {
        let mut s = self.location_sentence();
        if let Some(r) = &self.reported {
            s.push_str(&format!(" Reported as \"{r}\"."));
        }
        if let Some(d) = self.details_sentence() {
            s.push(' ');
            s.push_str(&d);
        }
        s.push_str(&format!(" Dataset record: {}.", self.record));
        s
    }

    /// Does it name a source document (by id or title)? A fact read from a filing that does not
    /// carry esgx's source reference has only the text of its footnotes, as its note.
    pub fn has_source(&self) -> bool {
        !self.document.is_empty() || self.document_title.is_some()
    }

    /// Where in the source document the figure is stated: what facts from one place share.
    pub fn location_sentence(&self) -> String {
        let mut s = format!("Source: {}", self.document_title.as_deref().unwrap_or(&self.document));
        if let Some(x) = &self.section {
            s.push_str(&format!(", section \"{x}\""));
        }
        if let Some(p) = self.page {
            s.push_str(&format!(", page {p}"));
        }
        if let Some(l) = self.line {
            s.push_str(&format!(", line {l}"));
        }
        if let Some(q) = &self.quote {
            s.push_str(&format!(": \"{q}\""));
        }
        s.push('.');
        s
    }

    /// What a reader of this one figure should know besides where it is stated: the report's
    /// qualifier, the explanation of an omission, the dataset's note.
    pub fn details_sentence(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(q) = &self.qualifier {
            parts.push(format!("The report qualifies the figure as \"{q}\"."));
        }
        if let Some(o) = &self.omission {
            let stop = if o.explanation.ends_with('.') { "" } else { "." };
            parts.push(format!("Omitted ({}): {}{stop}", o.reason, o.explanation));
        }
        if let Some(n) = &self.note {
            parts.push(format!("Note: {n}"));
        }
        (!parts.is_empty()).then(|| parts.join(" "))
    }
}

/// Drops a large value on a thread of its own, so that the caller goes on at once: freeing a
/// million facts visits every one of them again, out of the cache (perf, validating a 1M-fact
/// filing: about 0.4 s of one core for the parser's tables and the report, after their work). The memory is given back when that thread is
/// done; a program that exits first leaves it to the system. If no thread can be started, the
/// value is dropped here.
pub fn drop_aside<T: Send + 'static>(value: T) {
    // A failed spawn drops its closure, and with it the value, here.
    let _ = std::thread::Builder::new().name("esgx-drop".into()).spawn(move || drop(value));
}

/// A breakdown: (axis, member) pairs, sorted by axis. A report has far fewer breakdowns than
/// facts, so its facts share them.
pub type Dimensions = Arc<[(QName, QName)]>;

/// One shared copy of each breakdown (and of each unit) a report's facts use: a fact then holds
/// a pointer, not its own list of names.
#[derive(Default)]
pub struct Breakdowns {
    dims: foldhash::HashSet<Dimensions>,
    units: foldhash::HashSet<Arc<Unit>>,
    /// The copy chosen for each list shared already, by where that list is (the list is held
    /// here too, so that the place is not reused).
    by_place: foldhash::HashMap<usize, (Dimensions, Dimensions)>,
}

impl Breakdowns {
    /// The shared copy of this breakdown, sorted by axis.
    pub fn dims(&mut self, mut dims: Vec<(QName, QName)>) -> Dimensions {
        dims.sort();
        if let Some(d) = self.dims.get(dims.as_slice()) {
            return d.clone();
        }
        let shared: Dimensions = dims.into();
        self.dims.insert(shared.clone());
        shared
    }

    /// The shared copy of a breakdown that may be shared already (by the facts of one XML
    /// context, say): the same one, unless another copy or another order came first.
    pub fn share(&mut self, dims: &Dimensions) -> Dimensions {
        // A list shared already (by the facts of one XML context, say) is looked up by where it
        // is, once per fact; its names are hashed and compared only the first time.
        if Arc::strong_count(dims) > 1 {
            let place = Arc::as_ptr(dims).cast::<()>() as usize;
            if let Some((_, d)) = self.by_place.get(&place) {
                return d.clone();
            }
            let d = self.share_by_names(dims);
            self.by_place.insert(place, (dims.clone(), d.clone()));
            return d;
        }
        self.share_by_names(dims)
    }

    /// The shared copy of a breakdown, found by its names (sorted first if they are not).
    pub fn share_by_names(&mut self, dims: &Dimensions) -> Dimensions {
        if !dims.is_sorted() {
            return self.dims(dims.to_vec());
        }
        if let Some(d) = self.dims.get(&dims[..]) {
            return d.clone();
        }
        self.dims.insert(dims.clone());
        dims.clone()
    }

    /// The shared copy of this unit.
    pub fn unit(&mut self, unit: Unit) -> Arc<Unit> {
        if let Some(u) = self.units.get(&unit) {
            return u.clone();
        }
        let shared = Arc::new(unit);
        self.units.insert(shared.clone());
        shared
    }
}

/// A fact: a concept's value for the entity in a period, with its unit, breakdown, precision and
/// provenance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// The fact's id: the dataset record's own, or `f-` and 16 hex digits derived from its aspects
    /// (see [`aspect_id`]).
    pub id: String,
    /// The concept the fact reports.
    pub concept: Arc<QName>,
    /// The fact's period: an instant or a duration.
    pub period: Period,
    /// The fact's unit; `None` for non-numeric facts. Shared by the facts of one unit.
    pub unit: Option<Arc<Unit>>,
    /// (axis, member), sorted by axis. Shared by the facts of one breakdown (see [`Breakdowns`]).
    pub dimensions: Dimensions,
    /// The fact's value: a number, text or nil.
    pub value: FactValue,
    /// `None` for non-numeric facts, nil facts and exact (INF) values.
    pub decimals: Option<i32>,
    /// Whether the concept's data type is numeric (true also for a nil fact of a numeric concept).
    pub numeric: bool,
    /// The language of a text fact (strings and text blocks; not booleans or dates).
    pub language: Option<Arc<str>>,
    /// Where the figure was stated in the source documents, and how.
    pub provenance: Provenance,
    /// Where the fact was read from (file and line or pointer), for findings about it.
    pub origin: crate::diag::Origin,
}

impl Fact {
    /// The fact's aspects (entity aside: a report has one) as one canonical text: concept,
    /// period dates, unit measures, breakdown (axis and member, sorted, so the statement member
    /// of a second figure counts), language. Names are written with their prefixes, not their
    /// namespaces, so that the key, and the id made from it, survive a new taxonomy version (its
    /// namespace carries the version).
    pub fn aspect_key(&self) -> String {
        use std::fmt::Write;
        // Written into one buffer: this runs once per fact.
        let mut k = String::with_capacity(128);
        let _ = write!(k, "concept {}\nperiod {}\n", self.concept, self.period);
        if let Some(u) = &self.unit {
            let _ = writeln!(k, "unit {}", u.oim());
        }
        for (axis, member) in self.dimensions.iter() {
            let _ = writeln!(k, "dimension {axis} {member}");
        }
        if let Some(l) = &self.language {
            let _ = writeln!(k, "language {l}");
        }
        k
    }
}

/// 16 hex digits (64 bits) of the SHA-256 of `key`: short ids that stay the same for the same key.
pub fn short_hash(key: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(16);
    for b in &Sha256::digest(key)[..8] {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 15)] as char);
    }
    out
}

/// The id a fact without an explicit one gets: `f-` and a hash of its aspect key. It depends on
/// nothing else (not the fact's position, not the other facts), so inserting, removing or
/// reordering records leaves every other fact's id as it was, and the same figure keeps its id
/// in next year's filing, where it is the comparative.
pub fn aspect_id(key: &str) -> String {
    format!("f-{}", short_hash(key.as_bytes()))
}

/// One id given to two facts: two explicit ids, an explicit id equal to a derived one, or two
/// different aspect sets whose hashes agree (never seen, but never let pass).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdClash {
    /// The id given twice.
    pub id: String,
    /// The index of the first fact with it.
    pub first: usize,
    /// The index of the second fact with it.
    pub second: usize,
}

/// Give each fact whose `explicit[i]` is false the id derived from its aspects. Facts with the
/// same aspects (duplicates, which the rules report) are numbered `-2`, `-3` ... in the order of
/// their values and sources, not of the records, so that reordering changes no id at all.
/// Returns every id that is then used twice.
pub fn assign_ids(facts: &mut [Fact], explicit: &[bool]) -> Vec<IdClash> {
    assign_ids_with(facts, explicit, aspect_id)
}

fn assign_ids_with(facts: &mut [Fact], explicit: &[bool], derive: impl Fn(&str) -> String + Sync) -> Vec<IdClash> {
    use rayon::prelude::*;
    // Keys, hashes and numbering on every core: facts with the same aspects are found side by
    // side once the keys are sorted (a map of 100,000 keys, SipHash and all, took a third of
    // mapping a dataset, perf).
    let ids: Vec<(usize, String)> = {
        let facts: &[Fact] = facts;
        let mut keys: Vec<(String, usize)> =
            explicit.par_iter().enumerate().filter(|(_, e)| !**e).map(|(i, _)| (facts[i].aspect_key(), i)).collect();
        keys.par_sort_unstable();
        let groups: Vec<&[(String, usize)]> = keys.chunk_by(|a, b| a.0 == b.0).collect();
        groups
            .into_par_iter()
            .flat_map_iter(|group| {
                let base = derive(&group[0].0);
                let mut members: Vec<usize> = group.iter().map(|(_, i)| *i).collect();
                if members.len() > 1 {
                    members.sort_by_cached_key(|i| duplicate_order(&facts[*i]));
                }
                let rest: Vec<(usize, String)> =
                    members.iter().enumerate().skip(1).map(|(n, i)| (*i, format!("{base}-{}", n + 1))).collect();
                std::iter::once((members[0], base)).chain(rest)
            })
            .collect()
    };
    for (i, id) in ids {
        facts[i].id = id;
    }
    let ids: Vec<&str> = facts.par_iter().map(|f| f.id.as_str()).collect();
    let clashes = repeats(&ids);
    clashes.into_iter().map(|(first, second)| IdClash { id: ids[second].to_string(), first, second }).collect()
}

/// Every text given again: (the place of its first copy, the place of a later one), in the order
/// of the later places. Found by sorting the texts' hashes on every core (a table of a million
/// texts is out of the cache: looked up one after the other, a tenth of a second at 1M facts).
pub fn repeats(texts: &[&str]) -> Vec<(usize, usize)> {
    use rayon::prelude::*;
    use std::hash::BuildHasher;
    let hasher = foldhash::fast::RandomState::default();
    let mut order: Vec<(u64, usize)> = texts.par_iter().enumerate().map(|(i, t)| (hasher.hash_one(t), i)).collect();
    order.par_sort_unstable();
    let mut found = Vec::new();
    let mut firsts: Vec<usize> = Vec::new();
    // Texts of one hash are side by side, in the order of their places.
    for run in order.chunk_by(|a, b| a.0 == b.0).filter(|run| run.len() > 1) {
        firsts.clear();
        for &(_, i) in run {
            match firsts.iter().find(|&&f| texts[f] == texts[i]) {
                Some(&f) => found.push((f, i)),
                None => firsts.push(i),
            }
        }
    }
    found.sort_unstable_by_key(|&(_, later)| later);
    found
}

/// How duplicates are ordered for numbering: by value, precision and source location.
fn duplicate_order(f: &Fact) -> impl Ord {
    let value = match &f.value {
        FactValue::Number(n) => n.to_string(),
        FactValue::Text(t) => t.clone(),
        FactValue::Nil => String::new(),
    };
    let p = &f.provenance;
    (value, f.decimals, p.document.clone(), p.section.clone(), p.page, p.line, p.quote.clone())
}

/// The reporting entity: an identifier in a scheme, and a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    /// The identifier scheme URI (e.g. `http://standards.iso.org/iso/17442` for an LEI).
    pub scheme: String,
    /// The identifier in that scheme (e.g. a stock code or an LEI).
    pub identifier: String,
    /// The entity's name; empty when read from a filing, which does not state it.
    pub name: String,
}

/// A filing's content: entity, facts and the taxonomy they use.
#[derive(Debug, Clone)]
pub struct Report {
    /// The reporting entity (one per report).
    pub entity: Entity,
    /// The facts, in the order they were read.
    pub facts: Vec<Fact>,
    /// Prefix -> namespace for every name the facts use.
    pub namespaces: BTreeMap<String, String>,
    /// The schema file the report references, relative to the report.
    pub schema_ref: String,
    /// Where the dimensions of the facts go in an XML context.
    pub dimension_container: DimensionContainer,
    /// The framework version the report follows, when known (for completeness).
    pub framework: Option<String>,
    /// The current reporting period, when known.
    pub reporting_period: Option<Period>,
    /// The names the dataset gives its periods (`FY2023`), for findings; empty for a filing.
    pub period_names: BTreeMap<Period, String>,
    /// Where findings about the report as a whole point: the dataset's framework declaration
    /// (the requirements it answers to), or the filing.
    pub origin: crate::diag::Location,
}

/// The esgx source reference footnotes carry, read back into its fields: the one sentence per fact
/// of an XML instance from esgx before 2026-12 ([`Provenance::sentence`]), or the text of the
/// shared footnotes a fact links to now (its source sentence, then its details; the record and
/// the text as reported are attributes of the fact). `None` when the text is not such a sentence:
/// only a reading that writes the very same sentence again is taken. The document is known by
/// its title there; `document` is left empty for the caller to name.
pub fn parse_sentence(text: &str) -> Option<Provenance> {
    let body = text.strip_prefix("Source: ")?;
    // An Inline XBRL page's notes say where a figure is stated but not its dataset record.
    let (head, record, with_record) = match body.rsplit_once(" Dataset record: ") {
        Some((head, record)) => (head, record.strip_suffix('.')?, true),
        None => (body, "", false),
    };
    let mut budget = 10_000;
    let mut found = None;
    split_fields(
        head,
        0,
        &mut Vec::new(),
        &mut budget,
        &mut |cuts| {
            let p = fields(head, cuts, record)?;
            let written = p.sentence();
            let written = if with_record { Some(written.as_str()) } else { written.strip_suffix(" Dataset record: .") };
            (written == Some(text)).then_some(p)
        },
        &mut found,
    );
    found
}

/// The words that start each field of a source sentence after the title, in order.
const MARKERS: &[&str] = &[
    ", section \"",
    ", page ",
    ", line ",
    ": \"",
    ". Reported as \"",
    " The report qualifies the figure as \"",
    " Omitted (",
    " Note: ",
];

/// Takes a choice of (field, position) cuts, or not.
type Accept<'a> = dyn FnMut(&[(usize, usize)]) -> Option<Provenance> + 'a;

/// Try every increasing choice of marker occurrences (field, position) until `accept` takes one.
fn split_fields(
    head: &str,
    field: usize,
    cuts: &mut Vec<(usize, usize)>,
    budget: &mut usize,
    accept: &mut Accept<'_>,
    found: &mut Option<Provenance>,
) {
    if found.is_some() || *budget == 0 {
        return;
    }
    *budget -= 1;
    if field == MARKERS.len() {
        *found = accept(cuts);
        return;
    }
    let from = cuts.last().map_or(1, |(f, at)| at + MARKERS[*f].len());
    // Each occurrence of this field's marker, then the field left out.
    let mut at = from;
    while let Some(i) = head.get(at..).and_then(|h| h.find(MARKERS[field])) {
        cuts.push((field, at + i));
        split_fields(head, field + 1, cuts, budget, accept, found);
        cuts.pop();
        if found.is_some() {
            return;
        }
        at += i + 1;
        while !head.is_char_boundary(at) {
            at += 1;
        }
    }
    split_fields(head, field + 1, cuts, budget, accept, found);
}

/// The provenance a choice of cuts reads, if each field's text has the form its field needs.
fn fields(head: &str, cuts: &[(usize, usize)], record: &str) -> Option<Provenance> {
    let mut p = Provenance { record: record.to_string(), ..Default::default() };
    let first = cuts.first().map_or(head.len(), |(_, at)| *at);
    let mut title = head[..first].to_string();
    // The location sentence ends with a full stop: on the title, or on its last location field.
    let last_location = cuts.iter().filter(|(f, _)| *f <= 3).count();
    if last_location == 0 && cuts.first().is_none_or(|(f, _)| *f != 4) {
        title = title.strip_suffix('.')?.to_string();
    }
    p.document_title = Some(title.into());
    for (k, (f, at)) in cuts.iter().enumerate() {
        let start = at + MARKERS[*f].len();
        let end = cuts.get(k + 1).map_or(head.len(), |(_, next)| *next);
        let mut v = head.get(start..end)?;
        let ends_location = *f <= 3 && cuts.get(k + 1).is_none_or(|(g, _)| *g > 3);
        if ends_location && cuts.get(k + 1).is_none_or(|(g, _)| *g != 4) {
            v = v.strip_suffix('.')?;
        }
        match f {
            0 => p.section = Some(v.strip_suffix('"')?.into()),
            1 => p.page = Some(v.parse().ok()?),
            2 => p.line = Some(v.parse().ok()?),
            3 => p.quote = Some(v.strip_suffix('"')?.into()),
            4 => p.reported = Some(v.strip_suffix("\".")?.into()),
            5 => p.qualifier = Some(v.strip_suffix("\".")?.into()),
            6 => {
                let (reason, explanation) = v.split_once("): ")?;
                p.omission =
                    Some(Box::new(Omission { reason: reason.to_string(), explanation: explanation.to_string() }));
            }
            _ => p.note = Some(v.into()),
        }
    }
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_are_each_later_copy_with_its_first_in_order() {
        let texts = ["a", "b", "a", "c", "b", "a", ""];
        assert_eq!(repeats(&texts), [(0, 2), (1, 4), (0, 5)]);
        assert!(repeats(&["x", "y", "z"]).is_empty());
        // Many texts, of which one given again at the end.
        let many: Vec<String> = (0..50_000).map(|i| format!("f-{i}")).chain(["f-123".to_string()]).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(repeats(&many), [(123, 50_000)]);
    }

    fn fact(concept: &str, year: i32, member: Option<&str>) -> Fact {
        let d = |m, day| NaiveDate::from_ymd_opt(year, m, day).unwrap();
        let q = |l: &str| QName::new("esgx", "https://esgx.dev/taxonomy/hkex-esg/2026-01", l);
        Fact {
            id: String::new(),
            concept: q(concept).into(),
            period: Period::Duration { start: d(1, 1), end: d(12, 31) },
            unit: Some(Arc::new(Unit {
                id: "t".into(),
                numerator: vec![QName::new("utr", crate::ns::UTR, "t")],
                denominator: vec![],
            })),
            dimensions: member.map(|m| vec![(q("StatementAxis"), q(m))]).unwrap_or_default().into(),
            value: FactValue::Number(Decimal::ONE),
            decimals: Some(0),
            numeric: true,
            language: None,
            provenance: Provenance::default(),
            origin: (&crate::diag::Location::file("x")).into(),
        }
    }

    #[test]
    fn ids_depend_on_aspects_only() {
        let mut a = vec![
            fact("Waste", 2023, None),
            fact("Waste", 2022, None),
            fact("Waste", 2023, Some("OtherStatementMember")),
        ];
        assert!(assign_ids(&mut a, &[false; 3]).is_empty());
        let ids: Vec<String> = a.iter().map(|f| f.id.clone()).collect();
        assert!(ids.iter().all(|id| id.len() == 18 && id.starts_with("f-")), "{ids:?}");
        assert_ne!(ids[0], ids[1], "the period is an aspect");
        assert_ne!(ids[0], ids[2], "the statement member is an aspect");
        // Reversed, and with a fact inserted in front: the same ids.
        let mut b = vec![fact("Water", 2023, None)];
        b.extend(a.iter().rev().cloned());
        assert!(assign_ids(&mut b, &[false; 4]).is_empty());
        assert_eq!(b[1..].iter().rev().map(|f| f.id.clone()).collect::<Vec<_>>(), ids);
        // The namespace (which carries the taxonomy version) is not part of the key.
        let mut c = vec![fact("Waste", 2023, None)];
        c[0].concept = QName::new("esgx", "https://esgx.dev/taxonomy/hkex-esg/2027-01", "Waste").into();
        assign_ids(&mut c, &[false]);
        assert_eq!(c[0].id, ids[0]);
    }

    #[test]
    fn duplicates_explicit_ids_and_hash_collisions_are_never_silent() {
        // The same aspects twice: numbered, and both kept for the duplicate rules.
        let mut a = vec![fact("Waste", 2023, None), fact("Waste", 2023, None)];
        a[0].value = FactValue::Number(Decimal::TWO);
        assert!(assign_ids(&mut a, &[false, false]).is_empty());
        assert_eq!(a[0].id, format!("{}-2", a[1].id), "numbered by value, 1 before 2");
        a.reverse();
        assign_ids(&mut a, &[false, false]);
        assert_eq!(a[1].id, format!("{}-2", a[0].id), "whatever the order of the records");
        // An explicit id wins, and one equal to a derived id is a clash.
        let mut b = vec![fact("Waste", 2023, None), fact("Water", 2023, None)];
        b[1].id = "mine".into();
        assert!(assign_ids(&mut b, &[false, true]).is_empty());
        assert_eq!(b[1].id, "mine");
        b[1].id = b[0].id.clone();
        assert_eq!(assign_ids(&mut b, &[false, true]), vec![IdClash { id: b[0].id.clone(), first: 0, second: 1 }]);
        // Two different aspect sets whose hashes agree (forced here) are reported, not merged.
        let mut c = vec![fact("Waste", 2023, None), fact("Water", 2023, None)];
        let clashes = assign_ids_with(&mut c, &[false, false], |_| "f-same".to_string());
        assert_eq!(clashes, vec![IdClash { id: "f-same".into(), first: 0, second: 1 }]);
    }
}
