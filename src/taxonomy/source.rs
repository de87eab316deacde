//! The human-edited taxonomy source, as read from `taxonomy/<name>/`: serde shapes of its files.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct Labels {
    pub en: String,
    #[serde(rename = "zh-Hant", default, skip_serializing_if = "Option::is_none")]
    pub zh_hant: Option<String>,
    #[serde(rename = "zh-Hans", default, skip_serializing_if = "Option::is_none")]
    pub zh_hans: Option<String>,
    /// Labels in any other language, by `xml:lang`: a published taxonomy may have any.
    #[serde(flatten)]
    pub other: BTreeMap<String, String>,
}

impl Labels {
    /// (xml:lang, text) pairs in a fixed order: en, zh-Hant, zh-Hans, then the others by tag.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        [("en", Some(self.en.as_str())), ("zh-Hant", self.zh_hant.as_deref()), ("zh-Hans", self.zh_hans.as_deref())]
            .into_iter()
            .filter_map(|(l, t)| t.map(|t| (l, t)))
            .chain(self.other.iter().map(|(l, t)| (l.as_str(), t.as_str())))
    }

    /// The label in `lang`, or the English one when there is none in that language.
    pub fn get(&self, lang: &str) -> &str {
        match lang {
            "en" => Some(self.en.as_str()),
            "zh-Hant" => self.zh_hant.as_deref(),
            "zh-Hans" => self.zh_hans.as_deref(),
            _ => self.other.get(lang).map(String::as_str),
        }
        .unwrap_or(&self.en)
    }

    /// English only.
    pub fn en(text: impl Into<String>) -> Labels {
        Labels { en: text.into(), ..Labels::default() }
    }

    /// Set the label of one language; `en`, `zh-Hant` and `zh-Hans` have their own fields.
    pub fn set(&mut self, lang: &str, text: String) {
        match lang {
            "en" => self.en = text,
            "zh-Hant" => self.zh_hant = Some(text),
            "zh-Hans" => self.zh_hans = Some(text),
            _ => {
                self.other.insert(lang.to_string(), text);
            }
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaxonomyFile {
    pub name: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub publisher: String,
    /// The publisher whose references are the filing's disclosure requirements (e.g. `HKEX`):
    /// completeness checks its codes, and the reference linkbase gives them the disclosureRef role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regulator: Option<String>,
    pub version: String,
    pub namespace: String,
    pub prefix: String,
    pub schema_file: String,
    pub dimension_container: DimensionContainer,
    pub frameworks: Vec<Framework>,
    pub groups: Vec<Group>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub common_axes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement_axis: Option<String>,
}

pub use crate::report::DimensionContainer;

/// A company extension, as a dataset declares it: members of base axes, presentation groups and
/// concepts (in this source format, checked when the taxonomy is extended).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Extensions {
    pub prefix: String,
    pub namespace: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<ExtensionMember>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Group>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub concepts: Vec<serde_json::Value>,
}

/// A member an extension adds to a base axis.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ExtensionMember {
    pub axis: String,
    #[serde(flatten)]
    pub def: MemberDef,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Framework {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Group {
    pub id: String,
    pub labels: Labels,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct UnitsFile {
    pub namespaces: BTreeMap<String, String>,
    pub units: Vec<UnitDef>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct UnitDef {
    pub id: String,
    pub numerator: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub denominator: Vec<String>,
    pub labels: Labels,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct DimensionsFile {
    pub axes: Vec<AxisDef>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct AxisDef {
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    pub labels: Labels,
    #[serde(default)]
    pub partition: bool,
    pub domain: MemberDef,
    pub members: Vec<MemberDef>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct MemberDef {
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    pub labels: Labels,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ConceptsFile {
    pub concepts: Vec<ConceptDef>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "camelCase")]
pub enum DataType {
    Monetary,
    Decimal,
    Integer,
    Percent,
    Pure,
    GhgEmissions,
    Energy,
    Mass,
    Volume,
    TextBlock,
    String,
    Boolean,
    Date,
}

impl DataType {
    pub fn is_numeric(self) -> bool {
        !matches!(self, DataType::TextBlock | DataType::String | DataType::Boolean | DataType::Date)
    }
    /// Counts and quantities add up over a partition; ratios do not.
    pub fn additive_by_default(self) -> bool {
        matches!(
            self,
            DataType::Monetary
                | DataType::Integer
                | DataType::GhgEmissions
                | DataType::Energy
                | DataType::Mass
                | DataType::Volume
        )
    }
    /// (namespace prefix, local name) of the XBRL item type.
    pub fn xbrl_type(self) -> (&'static str, &'static str) {
        match self {
            DataType::Monetary => ("xbrli", "monetaryItemType"),
            DataType::Decimal => ("xbrli", "decimalItemType"),
            DataType::Integer => ("xbrli", "integerItemType"),
            DataType::Pure => ("xbrli", "pureItemType"),
            DataType::Percent => ("dtr-types", "percentItemType"),
            DataType::GhgEmissions => ("dtr-types", "ghgEmissionsItemType"),
            DataType::Energy => ("dtr-types", "energyItemType"),
            DataType::Mass => ("dtr-types", "massItemType"),
            DataType::Volume => ("dtr-types", "volumeItemType"),
            DataType::TextBlock => ("dtr-types", "textBlockItemType"),
            DataType::String => ("xbrli", "stringItemType"),
            DataType::Boolean => ("xbrli", "booleanItemType"),
            DataType::Date => ("xbrli", "dateItemType"),
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum PeriodType {
    Duration,
    Instant,
}

impl PeriodType {
    /// Does a period fit this period type? The message says why not. Datasets and filings are
    /// held to the same rule.
    pub fn fits(self, p: &crate::report::Period) -> Result<(), String> {
        use crate::report::Period;
        match (self, p) {
            (PeriodType::Duration, Period::Instant(_)) => {
                Err("is an instant but the concept is reported over a period (duration)".into())
            }
            (PeriodType::Instant, Period::Duration { .. }) => {
                Err("is a duration but the concept is a point-in-time figure (instant)".into())
            }
            _ => Ok(()),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PeriodType::Duration => "duration",
            PeriodType::Instant => "instant",
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Balance {
    Debit,
    Credit,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConceptDef {
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(rename = "type")]
    pub data_type: DataType,
    pub period_type: PeriodType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance: Option<Balance>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub axes: Vec<String>,
    pub group: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub frameworks: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additive: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intensity: Option<Intensity>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub summation: Vec<SummationItem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weighted_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_of: Option<String>,
    /// A percentage of the people (or things) this count concept counts in the same breakdown:
    /// a whole number of them over the count, so not every percentage is possible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fraction_of: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_of: Option<ChangeOf>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub moves_with: Vec<String>,
    pub labels: Labels,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documentation: Option<Labels>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Intensity {
    pub numerator: String,
    pub denominator: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ChangeOf {
    pub concept: String,
    pub measure: ChangeMeasure,
    pub direction: ChangeDirection,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ChangeMeasure {
    Relative,
    Absolute,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ChangeDirection {
    Increase,
    Decrease,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SummationItem {
    pub concept: String,
    #[serde(default = "one")]
    pub weight: i32,
}

fn one() -> i32 {
    1
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Reference {
    pub publisher: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct RequirementsFile {
    pub requirements: Vec<Requirement>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Mandatory,
    ComplyOrExplain,
    Voluntary,
}

/// A disclosure requirement of a framework version: an HKEX KPI or general disclosure.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Requirement {
    pub code: String,
    pub frameworks: Vec<String>,
    pub level: Level,
    pub labels: Labels,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}
