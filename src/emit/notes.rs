//! The provenance footnotes of a report, shared by the XBRL writers: one footnote per distinct
//! place in a source document (facts stated in one place share it) and one per distinct text of
//! details (a qualifier, an explained omission, a note), each with an id made from what it says.
//! xBRL-JSON and the XML instance write the same footnotes with the same ids.

use crate::report::{Provenance, Report, short_hash};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use serde::Serialize;

/// Where a figure is stated in its source: what one source footnote says, and its key.
#[derive(Serialize, Clone, Copy, PartialEq, Eq, Hash)]
#[serde(rename_all = "camelCase")]
pub(super) struct SourceLocation<'a> {
    pub(super) document: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) document_title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) section: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) page: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) quote: Option<&'a str>,
}

impl<'a> SourceLocation<'a> {
    pub(super) fn of(p: &'a Provenance) -> Self {
        SourceLocation {
            document: &p.document,
            document_title: p.document_title.as_deref(),
            section: p.section.as_deref(),
            page: p.page,
            line: p.line,
            quote: p.quote.as_deref(),
        }
    }
}

pub(super) struct Note<'a> {
    /// Its id: `n-` and a hash of what it says, unique among the report's fact ids.
    pub(super) id: String,
    /// What it says.
    pub(super) text: String,
    /// A source footnote's structured location; `None` for a footnote of details.
    pub(super) location: Option<SourceLocation<'a>>,
}

/// The footnotes of a report: one per distinct source location and one per distinct text of
/// details, in order of first use, and which of them each fact links to.
pub(super) struct Notes<'a> {
    /// The footnotes, in order of first use.
    pub(super) notes: Vec<Note<'a>>,
    /// Per fact (in report order): its source footnote and its details footnote, as indexes.
    pub(super) links: Vec<(usize, Option<usize>)>,
}

impl<'a> Notes<'a> {
    /// The footnotes of `report`.
    pub(super) fn of(report: &'a Report) -> Self {
        let mut notes: Vec<Note<'a>> = Vec::new();
        let mut links = Vec::with_capacity(report.facts.len());
        let mut by_location: HashMap<SourceLocation<'a>, usize> = HashMap::new();
        let mut by_details: HashMap<String, usize> = HashMap::new();
        // Footnotes share the facts' id space: an id already taken gets a suffix, never reused.
        let facts: HashSet<&str> = report.facts.iter().map(|f| f.id.as_str()).collect();
        let mut taken: HashSet<String> = HashSet::new();
        let mut fresh = |key: &[u8]| {
            let base = format!("n-{}", short_hash(key));
            let mut id = base.clone();
            let mut n = 1;
            while facts.contains(id.as_str()) || !taken.insert(id.clone()) {
                n += 1;
                id = format!("{base}-{n}");
            }
            id
        };
        for f in &report.facts {
            let p = &f.provenance;
            let loc = SourceLocation::of(p);
            let src = *by_location.entry(loc).or_insert_with(|| {
                let key = serde_json::to_vec(&loc).expect("serializes");
                notes.push(Note { id: fresh(&key), text: p.location_sentence(), location: Some(loc) });
                notes.len() - 1
            });
            let details = p.details_sentence().map(|text| {
                *by_details.entry(text).or_insert_with_key(|text| {
                    let mut key = b"details\n".to_vec();
                    key.extend_from_slice(text.as_bytes());
                    notes.push(Note { id: fresh(&key), text: text.clone(), location: None });
                    notes.len() - 1
                })
            });
            links.push((src, details));
        }
        Notes { notes, links }
    }
}
