//! What esgx's taxonomy source says that XBRL 2.1 and Dimensions cannot: units and the units each
//! concept allows, aliases, the rules' relations between concepts (intensity, shareOf, weightedBy,
//! fractionOf, changeOf, movesWith, additive), axis partitions, the common and statement axes,
//! the order of the presentation groups and the disclosure requirements with their levels.
//!
//! The generated base schema carries them as JSON in an `esgxsrc:taxonomy` element of its
//! `xs:appinfo` (which `xs:appinfo` allows, and XBRL processors skip), so that loading esgx's own
//! Taxonomy Package gives back the model the source built. Everything XBRL can say (concepts,
//! types, period types, balances, labels, references, presentation, calculations, dimensions) is
//! read from the schema and linkbases, never from here. A third-party taxonomy has none of this.

use super::Taxonomy;
use super::source::{ChangeOf, Intensity, Requirement, UnitDef};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The local name of the appinfo element, in [`crate::ns::ESGX_TAXONOMY_SOURCE`].
pub const ELEMENT: &str = "taxonomy";

/// The taxonomy-source content of a base taxonomy that XBRL cannot say, as the generated schema
/// carries it in its `xs:appinfo`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Annotations {
    /// The taxonomy's short name (e.g. `hkex-esg`).
    pub name: String,
    /// Axes added to the hypercube of every numeric concept (see [`super::source::TaxonomyFile::common_axes`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub common_axes: Vec<String>,
    /// The axis of differing figures stated elsewhere (see [`super::source::TaxonomyFile::statement_axis`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement_axis: Option<String>,
    /// Group ids in the source's order (XBRL roles have no order).
    #[serde(default)]
    pub group_order: Vec<String>,
    /// Measure prefixes and the units filers may use: an XBRL taxonomy does not list units.
    pub unit_namespaces: BTreeMap<String, String>,
    /// The units, in source order.
    pub units: Vec<UnitDef>,
    /// The disclosure requirements of each framework version.
    #[serde(default)]
    pub requirements: Vec<Requirement>,
    /// Each concept's rules, by concept name.
    #[serde(default)]
    pub concepts: BTreeMap<String, ConceptRules>,
    /// Each axis's aliases and partition, by axis name.
    #[serde(default)]
    pub axes: BTreeMap<String, AxisRules>,
}

/// The rule-relevant properties of one concept (see [`super::source::ConceptDef`] for each).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConceptRules {
    /// Other names a dataset may use for the concept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Ids of the units the concept accepts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<String>,
    /// Whether values over a partition axis sum to the total (unset: by data type).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additive: Option<bool>,
    /// The two concepts an intensity concept divides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intensity: Option<Intensity>,
    /// The count concept whose population this rate or average is weighted by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weighted_by: Option<String>,
    /// The count concept whose share a breakdown member holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_of: Option<String>,
    /// The count concept this percentage is a fraction of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fraction_of: Option<String>,
    /// The concept whose year-on-year change this is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_of: Option<ChangeOf>,
    /// Concepts whose sum drives this one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub moves_with: Vec<String>,
}

/// What XBRL cannot say about an axis: its aliases and whether it is a partition.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AxisRules {
    /// Other names a dataset may use for the axis.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// The top-level members split the domain without overlap, so additive figures sum to the total.
    #[serde(default)]
    pub partition: bool,
    /// Member name -> its aliases (the domain's too).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub member_aliases: BTreeMap<String, Vec<String>>,
    /// Members whose children split them (as `partition` says of the axis's top level).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub member_partitions: Vec<String>,
}

/// The base layer's annotations.
pub fn of(tax: &Taxonomy) -> Annotations {
    let concepts = tax
        .concepts
        .iter()
        .filter(|c| c.layer == super::Layer::Base)
        .map(|c| {
            let d = &c.def;
            let rules = ConceptRules {
                aliases: d.aliases.clone(),
                units: d.units.clone(),
                additive: d.additive,
                intensity: d.intensity.clone(),
                weighted_by: d.weighted_by.clone(),
                share_of: d.share_of.clone(),
                fraction_of: d.fraction_of.clone(),
                change_of: d.change_of.clone(),
                moves_with: d.moves_with.clone(),
            };
            (d.name.clone(), rules)
        })
        .collect();
    let axes = tax
        .axes
        .iter()
        .filter(|a| a.layer == super::Layer::Base)
        .map(|a| {
            let member_aliases = a
                .members
                .iter()
                .filter(|m| m.layer == super::Layer::Base && !m.def.aliases.is_empty())
                .map(|m| (m.def.name.clone(), m.def.aliases.clone()))
                .collect();
            (
                a.def.name.clone(),
                AxisRules {
                    aliases: a.def.aliases.clone(),
                    partition: a.def.partition,
                    member_aliases,
                    member_partitions: a
                        .members
                        .iter()
                        .filter(|m| m.layer == super::Layer::Base && m.def.partition)
                        .map(|m| m.def.name.clone())
                        .collect(),
                },
            )
        })
        .collect();
    Annotations {
        name: tax.info.name.clone(),
        common_axes: tax.info.common_axes.clone(),
        statement_axis: tax.info.statement_axis.clone(),
        group_order: tax.info.groups.iter().map(|g| g.id.clone()).collect(),
        unit_namespaces: tax.unit_namespaces.clone(),
        units: tax.units[..tax.base_units()].to_vec(),
        requirements: tax.requirements.clone(),
        concepts,
        axes,
    }
}
