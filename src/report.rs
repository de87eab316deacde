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
    pub prefix: Arc<str>,
    pub namespace: Arc<str>,
    pub local: Arc<str>,
}

impl QName {
    pub fn new(prefix: &str, namespace: &str, local: &str) -> Self {
        QName { prefix: prefix.into(), namespace: namespace.into(), local: local.into() }
    }
}

impl fmt::Display for QName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.prefix, self.local)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    Instant(NaiveDate),
    /// Both dates inclusive, as in an XBRL 2.1 context.
    Duration {
        start: NaiveDate,
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
    pub numerator: Vec<QName>,
    pub denominator: Vec<QName>,
}

impl Unit {
    pub fn is_pure(&self) -> bool {
        self.denominator.is_empty()
            && self.numerator.len() == 1
            && &*self.numerator[0].local == "pure"
            && &*self.numerator[0].namespace == crate::XBRLI_NS
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactValue {
    Number(Decimal),
    Text(String),
    /// An explained omission or a reported nil.
    Nil,
}

/// Where a fact came from, carried into every output.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Provenance {
    /// The dataset file and the place of the record in it.
    pub record: String,
    /// Source document id, title and the place in it.
    pub document: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// The value text exactly as reported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reported: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub omission: Option<crate::dataset::Omission>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Provenance {
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub id: String,
    pub concept: QName,
    pub period: Period,
    pub unit: Option<Unit>,
    /// (axis, member), sorted by axis.
    pub dimensions: Vec<(QName, QName)>,
    pub value: FactValue,
    /// `None` for non-numeric facts, nil facts and exact (INF) values.
    pub decimals: Option<i32>,
    pub numeric: bool,
    /// The language of a text fact (strings and text blocks; not booleans or dates).
    pub language: Option<String>,
    pub provenance: Provenance,
    /// Where the fact was read from (file and line or pointer), for findings about it.
    pub origin: crate::diag::Location,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub scheme: String,
    pub identifier: String,
    pub name: String,
}

/// A filing's content: entity, facts and the taxonomy they use.
#[derive(Debug, Clone)]
pub struct Report {
    pub entity: Entity,
    pub facts: Vec<Fact>,
    /// Prefix -> namespace for every name the facts use.
    pub namespaces: BTreeMap<String, String>,
    /// The schema file the report references, relative to the report.
    pub schema_ref: String,
    /// Where the dimensions of the facts go in an XML context.
    pub dimension_container: crate::taxonomy::source::DimensionContainer,
    /// The framework version the report follows, when known (for completeness).
    pub framework: Option<String>,
    /// The current reporting period, when known.
    pub reporting_period: Option<Period>,
}
