//! The fact contract: what the taxonomy asks of a fact of a concept, checked in one place for
//! dataset records (while `map` maps them, with JSON pointers and suggestions) and for facts read
//! from filings (`validate::conformance`). Each reader phrases the finding for its input; what is
//! a breach, and under which code, is decided here.

use super::source::DataType;
use super::{Concept, Taxonomy};
use crate::diag::Code;
use crate::report::{FactValue, Period, Unit};

/// How a fact breaks its concept's contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Breach {
    /// The concept is not part of the framework version reported under.
    NotInFramework,
    /// The period does not fit the concept's period type (why, in words).
    Period(String),
    /// A numeric concept with a text value.
    TextForNumber,
    /// A non-numeric concept with a number.
    NumberForText,
    /// An integer concept with a number that is not whole.
    NotWhole,
    /// A numeric fact without a unit.
    NoUnit,
    /// A non-numeric fact with a unit.
    UnitForText,
    /// A unit whose measures are not those of any unit the concept accepts.
    UnitNotAccepted,
    /// The concept's hypercube does not have the axis.
    AxisNotApplicable,
    /// The member is not one of the axis (or is its domain, which is never written).
    NotAMember,
}

impl Breach {
    /// The diagnostic code of the breach.
    pub fn code(&self) -> Code {
        match self {
            Breach::NotInFramework => Code::E0211,
            Breach::Period(_) => Code::E0212,
            Breach::TextForNumber | Breach::NumberForText | Breach::NotWhole => Code::E0213,
            Breach::NoUnit | Breach::UnitForText => Code::E0215,
            Breach::UnitNotAccepted => Code::E0216,
            Breach::AxisNotApplicable => Code::E0218,
            Breach::NotAMember => Code::E0219,
        }
    }
}

/// The concept belongs to the framework version (a concept without versions belongs to all).
pub fn framework(c: &Concept, framework: &str) -> Result<(), Breach> {
    let fw = &c.def.frameworks;
    if fw.is_empty() || fw.iter().any(|f| f == framework) { Ok(()) } else { Err(Breach::NotInFramework) }
}

/// The period fits the concept's period type.
pub fn period(c: &Concept, p: &Period) -> Result<(), Breach> {
    c.def.period_type.fits(p).map_err(Breach::Period)
}

/// The value fits the concept's data type: numbers for numeric concepts (whole ones for integer
/// concepts), text for the others. Nil fits every concept.
pub fn value(c: &Concept, v: &FactValue) -> Result<(), Breach> {
    match (v, c.is_numeric()) {
        (FactValue::Text(_), true) => Err(Breach::TextForNumber),
        (FactValue::Number(n), true) if c.def.data_type == DataType::Integer && !n.fract().is_zero() => {
            Err(Breach::NotWhole)
        }
        (FactValue::Number(_), false) => Err(Breach::NumberForText),
        _ => Ok(()),
    }
}

/// Numeric facts have a unit the concept accepts (compared by measures, so that an alias of an
/// accepted unit is accepted), other facts none.
pub fn unit(tax: &Taxonomy, c: &Concept, u: Option<&Unit>) -> Result<(), Breach> {
    match (u, c.is_numeric()) {
        (None, true) => Err(Breach::NoUnit),
        (Some(_), false) => Err(Breach::UnitForText),
        (Some(u), true) if !accepts(tax, c, u) => Err(Breach::UnitNotAccepted),
        _ => Ok(()),
    }
}

/// Whether the concept accepts the unit.
pub fn accepts(tax: &Taxonomy, c: &Concept, u: &Unit) -> bool {
    c.def.units.iter().filter_map(|id| tax.resolved_unit(id)).any(|ud| ud.same_measures(u))
}

/// The axis (by index) applies to the concept, and the member (by index in the axis) can be
/// reported on it: any member but the domain, which is the default and never written.
pub fn dimension(c: &Concept, axis: usize, member: Option<usize>) -> Result<(), Breach> {
    if !c.hypercube_axes.contains(&axis) {
        return Err(Breach::AxisNotApplicable);
    }
    match member {
        Some(m) if m != 0 => Ok(()),
        _ => Err(Breach::NotAMember),
    }
}
