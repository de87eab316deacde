//! Taxonomy conformance of facts read from a filing: the concept exists, the value fits its data
//! type, the period its period type, the unit is one it accepts, the dimensions belong to its
//! hypercube and the members to their axes, numeric facts say how precise they are. (Dataset
//! records get the same checks while they are mapped, with their JSON pointers.)

use super::fact_location;
use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::report::{Fact, FactValue, Report};
use crate::taxonomy::contract::{self, Breach};
use crate::taxonomy::{Concept, Taxonomy};

/// Check each fact of a filing against the taxonomy's contract for its concept.
pub fn check(report: &Report, tax: &Taxonomy) -> Vec<Diagnostic> {
    report.facts.iter().flat_map(|f| check_fact(f, tax)).collect()
}

/// Resolve a fact's concept by namespace and name.
pub fn concept_of<'t>(tax: &'t Taxonomy, f: &Fact) -> Option<&'t Concept> {
    tax.concept(&f.concept.local)
        .filter(|c| tax.layer_namespace(c.layer) == &*f.concept.namespace && c.name() == &*f.concept.local)
}

fn check_fact(f: &Fact, tax: &Taxonomy) -> Vec<Diagnostic> {
    let at = || fact_location(f);
    let Some(c) = concept_of(tax, f) else {
        let hint = crate::taxonomy::lookup::closest_name(&f.concept.local, tax.concepts.iter().map(|c| c.name()));
        let mut d = Diagnostic::error(Code::E0210, at(), format!("unknown concept {} in fact {}", f.concept, f.id))
            .with_facts([f.id.clone()]);
        if let Some(h) = hint {
            d = d.with_hint(format!("did you mean {h:?}?"));
        }
        return vec![d];
    };
    let def = &c.def;
    let mut out = Vec::new();
    let mut breach = |b: Breach, hint: Option<String>| {
        let message = match &b {
            Breach::Period(why) => format!("fact {} of {}: period {} {why}", f.id, f.concept, f.period),
            Breach::TextForNumber => {
                let t = match &f.value {
                    FactValue::Text(t) => t.as_str(),
                    _ => "",
                };
                format!("fact {} of numeric concept {} has the value {t:?}", f.id, f.concept)
            }
            Breach::NotWhole => {
                let n = match &f.value {
                    FactValue::Number(n) => n.to_string(),
                    _ => String::new(),
                };
                format!("fact {} of {} takes whole numbers, not {n}", f.id, f.concept)
            }
            Breach::NumberForText => format!("fact {} of non-numeric concept {} has a number", f.id, f.concept),
            Breach::NoUnit => format!("numeric fact {} of {} has no unit", f.id, f.concept),
            Breach::UnitForText => format!("non-numeric fact {} of {} has a unit", f.id, f.concept),
            Breach::UnitNotAccepted => format!(
                "unit {} of fact {} is not allowed for {}",
                f.unit.as_ref().map(|u| u.oim()).unwrap_or_default(),
                f.id,
                f.concept
            ),
            Breach::NotInFramework | Breach::AxisNotApplicable | Breach::NotAMember => unreachable!("phrased below"),
        };
        let mut d = Diagnostic::error(b.code(), at(), message).with_facts([f.id.clone()]);
        if let Some(h) = hint {
            d = d.with_hint(h);
        }
        out.push(d);
    };
    if let Err(b) = contract::period(c, &f.period) {
        breach(b, None);
    }
    if let Err(b) = contract::value(c, &f.value) {
        breach(b, None);
    }
    if let Err(b) = contract::unit(tax, c, f.unit.as_deref()) {
        let hint = (b == Breach::UnitNotAccepted).then(|| format!("{} accepts {}", def.name, def.units.join(", ")));
        breach(b, hint);
    }
    for (axis, member) in f.dimensions.iter() {
        let Some(ai) = tax
            .axis(&axis.local)
            .filter(|i| tax.axes[*i].qname.namespace == axis.namespace && tax.axes[*i].name() == &*axis.local)
        else {
            out.push(
                Diagnostic::error(Code::E0217, at(), format!("fact {} uses unknown axis {}", f.id, axis))
                    .with_facts([f.id.clone()]),
            );
            continue;
        };
        let ax = &tax.axes[ai];
        let mi = ax.member(&member.local).filter(|mi| tax.layer_namespace(ax.members[*mi].layer) == &*member.namespace);
        let Err(b) = contract::dimension(c, ai, mi) else { continue };
        let message = match b {
            Breach::AxisNotApplicable => format!("fact {}: {} cannot be broken down by {}", f.id, def.name, axis),
            _ => format!(
                "fact {}: {} is not a member of {} (the domain, the default, is never written)",
                f.id, member, axis
            ),
        };
        out.push(Diagnostic::error(b.code(), at(), message).with_facts([f.id.clone()]));
    }
    out
}
