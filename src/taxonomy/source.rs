//! The human-edited taxonomy source, as read from `taxonomy/<name>/`: serde shapes of its files.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The labels of one item (concept, axis, member, unit, group) by language: English is required.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct Labels {
    /// The English label (`xml:lang="en"`).
    pub en: String,
    /// The Traditional Chinese label (`zh-Hant`), if any.
    #[serde(rename = "zh-Hant", default, skip_serializing_if = "Option::is_none")]
    pub zh_hant: Option<String>,
    /// The Simplified Chinese label (`zh-Hans`), if any.
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

/// `taxonomy.json`: the identity of a taxonomy (name, version, namespace, schema file), its framework
/// versions and its presentation groups.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaxonomyFile {
    /// The taxonomy's short name (an NCName, e.g. `hkex-esg`).
    pub name: String,
    /// The taxonomy's title, for people.
    pub title: String,
    /// What the taxonomy covers, for people (may be empty).
    #[serde(default)]
    pub description: String,
    /// Who publishes the taxonomy.
    pub publisher: String,
    /// The publisher whose references are the filing's disclosure requirements (e.g. `HKEX`):
    /// completeness checks its codes, and the reference linkbase gives them the disclosureRef role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regulator: Option<String>,
    /// The taxonomy's version, as its publisher numbers it.
    pub version: String,
    /// The target namespace URI of the taxonomy's schema.
    pub namespace: String,
    /// The namespace prefix of the taxonomy's concepts (e.g. `esgx`).
    pub prefix: String,
    /// The file name of the generated taxonomy schema (`*.xsd`).
    pub schema_file: String,
    /// Where facts carry their dimensions in XBRL 2.1 XML contexts: segment or scenario.
    pub dimension_container: DimensionContainer,
    /// The framework versions the taxonomy serves; a dataset names one of them.
    pub frameworks: Vec<Framework>,
    /// The presentation groups (sections) the concepts are filed under, in presentation order.
    pub groups: Vec<Group>,
    /// Axes added to the hypercube of every numeric concept (e.g. the statement axis).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub common_axes: Vec<String>,
    /// The axis that separates a differing figure stated elsewhere in the report from the primary
    /// statement; rules compare such figures with the primary ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement_axis: Option<String>,
}

pub use crate::report::DimensionContainer;

/// A company extension, as a dataset declares it: members of base axes, presentation groups and
/// concepts (in this source format, checked when the taxonomy is extended).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Extensions {
    /// The namespace prefix of the extension's own members, groups and concepts.
    pub prefix: String,
    /// The target namespace URI of the extension schema.
    pub namespace: String,
    /// Members the extension adds to base axes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<ExtensionMember>,
    /// Presentation groups the extension adds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Group>,
    /// Axes of its own (in the taxonomy source's axis format), for its concepts or base ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub axes: Vec<serde_json::Value>,
    /// Units of its own (in the taxonomy source's unit format); a measure of its own uses the
    /// extension prefix.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<serde_json::Value>,
    /// Concept definitions the extension adds, in the taxonomy source's concept format (checked when
    /// the taxonomy is extended).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub concepts: Vec<serde_json::Value>,
}

/// A member an extension adds to a base axis.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ExtensionMember {
    /// The name of the base axis the member is added to.
    pub axis: String,
    /// The member itself: name, aliases, labels and parent.
    #[serde(flatten)]
    pub def: MemberDef,
}

/// A framework version the taxonomy serves (e.g. the HKEX ESG Reporting Guide, for financial years
/// up to 2024).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Framework {
    /// The framework version's id (an NCName, e.g. `hkex-esg-guide-2020`), as datasets and concepts name it.
    pub id: String,
    /// The framework version's title, for people.
    pub title: String,
}

/// A presentation group: a section of the taxonomy (e.g. `A1`, "A1 Emissions") with its own heading.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Group {
    /// The group's id (an NCName), as concepts name it.
    pub id: String,
    /// The group's heading in each language.
    pub labels: Labels,
}

/// `units.json`: the units a taxonomy accepts.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct UnitsFile {
    /// Namespace URIs of the measures' prefixes, by prefix (e.g. `iso4217` →
    /// `http://www.xbrl.org/2003/iso4217`).
    pub namespaces: BTreeMap<String, String>,
    /// The units, in the order the taxonomy lists them.
    pub units: Vec<UnitDef>,
}

/// A unit: one or more measures over zero or more measures (e.g. tonnes of CO2e per employee).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct UnitDef {
    /// The unit's id (an NCName, e.g. `tCO2e`), as concepts and datasets name it; also the XBRL unit id.
    pub id: String,
    /// The measures multiplied in the numerator, as prefixed names (e.g. `utr:tCO2e`).
    pub numerator: Vec<String>,
    /// The measures multiplied in the denominator, as prefixed names; empty for a simple unit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub denominator: Vec<String>,
    /// The unit's name in each language.
    pub labels: Labels,
    /// Other names a dataset may use for the unit (e.g. `%`, `persons` for `pure`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Its size in another unit of the same kind (1 t = 1000 kg), so that rules can compare
    /// figures reported in different units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversion: Option<Conversion>,
}

/// `1 <unit> = factor <to>`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Conversion {
    /// The unit it converts to, by id (`kg` for `t`).
    pub to: String,
    /// How many of `to` one of this unit is (1000 for `t` to `kg`).
    pub factor: rust_decimal::Decimal,
}

/// `dimensions.json`: the axes of a taxonomy and their members.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct DimensionsFile {
    /// The axes, in the order the taxonomy lists them.
    pub axes: Vec<AxisDef>,
}

/// An axis (XBRL explicit dimension) with its domain and members, e.g. employees by gender.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct AxisDef {
    /// The axis's element name (an NCName, e.g. `GenderAxis`).
    pub name: String,
    /// Other names a dataset may use for the axis.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// The axis's label in each language.
    pub labels: Labels,
    /// The top-level members split the domain without overlap, so additive figures over them sum to
    /// the total.
    #[serde(default)]
    pub partition: bool,
    /// The domain member: the whole that the members break down (the axis's default).
    pub domain: MemberDef,
    /// The members, in presentation order; a member's `parent` places it under another member.
    pub members: Vec<MemberDef>,
}

/// A member of an axis (or an axis's domain).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct MemberDef {
    /// The member's element name (an NCName, e.g. `FemaleMember`).
    pub name: String,
    /// Other names a dataset may use for the member.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// The member's label in each language.
    pub labels: Labels,
    /// The parent member's name (default: the domain); children of a member break that member down.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Its children split it without overlap or remainder, so additive figures over them sum
    /// to its figure (as `partition` says of an axis's top-level members).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub partition: bool,
}

/// A `concepts/*.json` file: some of the taxonomy's concepts.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ConceptsFile {
    /// The concepts, in presentation order.
    pub concepts: Vec<ConceptDef>,
}

/// The data type of a concept's values: a number of some kind, text, a boolean or a date.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "camelCase")]
pub enum DataType {
    /// An amount of money (`xbrli:monetaryItemType`), in a currency unit.
    Monetary,
    /// A decimal number (`xbrli:decimalItemType`), e.g. an intensity.
    Decimal,
    /// A whole number (`xbrli:integerItemType`), e.g. a count of people or cases.
    Integer,
    /// A percentage (`dtr-types:percentItemType`), stated as a fraction: 0.25 for 25%.
    Percent,
    /// A pure number (`xbrli:pureItemType`), e.g. a ratio.
    Pure,
    /// A mass of greenhouse gas emissions (`dtr-types:ghgEmissionsItemType`), e.g. in tCO2e.
    GhgEmissions,
    /// An amount of energy (`dtr-types:energyItemType`), e.g. in MWh.
    Energy,
    /// A mass (`dtr-types:massItemType`), e.g. in tonnes.
    Mass,
    /// A volume (`dtr-types:volumeItemType`), e.g. in cubic metres.
    Volume,
    /// An area (`dtr-types:areaItemType`), e.g. in square metres.
    Area,
    /// A block of text, possibly formatted (`dtr-types:textBlockItemType`).
    TextBlock,
    /// A short text (`xbrli:stringItemType`).
    String,
    /// True or false (`xbrli:booleanItemType`).
    Boolean,
    /// A calendar date (`xbrli:dateItemType`).
    Date,
}

impl DataType {
    /// Whether values of this type are numbers (and so take a unit and decimals).
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
                | DataType::Area
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
            DataType::Area => ("dtr-types", "areaItemType"),
            DataType::TextBlock => ("dtr-types", "textBlockItemType"),
            DataType::String => ("xbrli", "stringItemType"),
            DataType::Boolean => ("xbrli", "booleanItemType"),
            DataType::Date => ("xbrli", "dateItemType"),
        }
    }
}

/// Whether a concept's facts are reported at a point in time or over a period.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum PeriodType {
    /// Over a period (e.g. emissions or energy over the year).
    Duration,
    /// At a point in time (e.g. headcount at year end).
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

    /// The period type's XBRL name: `duration` or `instant`.
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodType::Duration => "duration",
            PeriodType::Instant => "instant",
        }
    }
}

/// The XBRL balance of a monetary concept: debit or credit.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Balance {
    /// A debit balance (e.g. an expense).
    Debit,
    /// A credit balance (e.g. revenue).
    Credit,
}

/// A concept of the taxonomy source: what a fact of it must be (type, period type, units, axes),
/// its labels and references, and the rules that relate it to other concepts.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConceptDef {
    /// The concept's element name (an NCName, e.g. `GhgEmissionsScope1`).
    pub name: String,
    /// Other names a dataset may use for the concept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// The data type of the concept's values.
    #[serde(rename = "type")]
    pub data_type: DataType,
    /// Whether facts are reported at an instant or over a duration.
    pub period_type: PeriodType,
    /// The XBRL balance (debit or credit) of a monetary concept, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance: Option<Balance>,
    /// Ids of the units the concept accepts (numeric types only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<String>,
    /// Names of the axes a fact of this concept may carry (its hypercube).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub axes: Vec<String>,
    /// The id of the presentation group the concept is filed under.
    pub group: String,
    /// Ids of the framework versions that use the concept (empty: all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub frameworks: Vec<String>,
    /// Whether values over a partition axis sum to the total; unset, the data type decides (see
    /// [`DataType::additive_by_default`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additive: Option<bool>,
    /// The concept is an intensity: one concept's value over another's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intensity: Option<Intensity>,
    /// Calculation relationships: this concept equals the weighted sum of these (XBRL Calculations
    /// 1.1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub summation: Vec<SummationItem>,
    /// A rate or average over a population counted by this concept (e.g. `NumberOfEmployees`): the
    /// total is the weighted mean of the parts of a breakdown, and lies between their extremes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weighted_by: Option<String>,
    /// A percentage that is the share of this count concept that a breakdown member holds:
    /// value = count(member) / count(total).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_of: Option<String>,
    /// A percentage of the people (or things) this count concept counts in the same breakdown:
    /// a whole number of them over the count, so not every percentage is possible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fraction_of: Option<String>,
    /// The concept is a year-on-year change of another concept, stated by the report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_of: Option<ChangeOf>,
    /// Concepts whose sum drives this one (an emission and the energy it comes from): year on year
    /// they should move in the same direction.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub moves_with: Vec<String>,
    /// The concept's label in each language.
    pub labels: Labels,
    /// A longer explanation of the concept in each language (the documentation label), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documentation: Option<Labels>,
    /// References to the frameworks' texts that ask for the concept (e.g. HKEX KPI A1.2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
}

/// The two concepts an intensity concept divides: numerator over denominator.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Intensity {
    /// The name of the concept whose value is divided (e.g. `GhgEmissionsScope1And2`).
    pub numerator: String,
    /// The name of the concept it is divided by (e.g. `NumberOfEmployees` or `Revenue`).
    pub denominator: String,
}

/// A year-on-year change of another concept that a concept states.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ChangeOf {
    /// The name of the concept whose change this is.
    pub concept: String,
    /// Whether the change is relative (a fraction of last year's value) or absolute (in its unit).
    pub measure: ChangeMeasure,
    /// Whether the change is an increase or a decrease.
    pub direction: ChangeDirection,
}

/// How a change is measured.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ChangeMeasure {
    /// As a fraction of the prior year's value: (this year − last year) / last year.
    Relative,
    /// In the concept's own unit: this year − last year.
    Absolute,
}

/// Which way a stated change goes (the stated value is the size of the change).
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ChangeDirection {
    /// The value went up.
    Increase,
    /// The value went down.
    Decrease,
}

/// One term of a calculation: a concept and its weight in the sum.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SummationItem {
    /// The name of the concept summed.
    pub concept: String,
    /// Its weight in the sum: 1 to add, -1 to subtract (default 1).
    #[serde(default = "one")]
    pub weight: i32,
}

fn one() -> i32 {
    1
}

/// A reference to a framework's text, e.g. HKEX ESG Reporting Guide KPI A1.2.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Reference {
    /// Who publishes the referenced text (e.g. `HKEX`, `GRI`, `IFRS`, `EFRAG`).
    pub publisher: String,
    /// The name of the referenced publication (e.g. `ESG Reporting Guide`), if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The code of the referenced paragraph or KPI (e.g. `A1.2`, `B1 GD`).
    pub code: String,
    /// A note on the reference for people (e.g. a caveat on its wording), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `requirements.json`: the disclosure requirements of each framework version.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct RequirementsFile {
    /// The requirements, in the order the taxonomy lists them.
    pub requirements: Vec<Requirement>,
}

/// How strongly a framework asks for a disclosure.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// The disclosure must be made.
    Mandatory,
    /// The disclosure must be made, or its omission explained ("comply or explain").
    ComplyOrExplain,
    /// The disclosure is recommended only.
    Voluntary,
}

impl Level {
    /// The level in words, as templates show it: `mandatory`, `comply or explain`, `voluntary`.
    pub fn words(self) -> &'static str {
        match self {
            Level::Mandatory => "mandatory",
            Level::ComplyOrExplain => "comply or explain",
            Level::Voluntary => "voluntary",
        }
    }
}

/// A disclosure requirement of a framework version: an HKEX KPI or general disclosure.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Requirement {
    /// The requirement's code, as concept references carry it (e.g. `A1.2`, `B1 GD`).
    pub code: String,
    /// Ids of the framework versions that have this requirement.
    pub frameworks: Vec<String>,
    /// How strongly the framework versions ask for it.
    pub level: Level,
    /// The requirement's text (or a plain summary of it) in each language.
    pub labels: Labels,
    /// A note on the requirement for people (e.g. a caveat on its wording), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}
