//! Taxonomy conformance of facts read from a filing: the concept exists, the value fits its data
//! type, the period its period type, the unit is one it accepts, the dimensions belong to its
//! hypercube and the members to their axes, numeric facts say how precise they are. (Dataset
//! records get the same checks while they are mapped, with their JSON pointers.)

use super::fact_location;
use crate::diag::Diagnostic;
use crate::report::{Fact, FactValue, Report};
use crate::taxonomy::source::DataType;
use crate::taxonomy::{Concept, Taxonomy};

pub fn check(report: &Report, tax: &Taxonomy) -> Vec<Diagnostic> {
    report.facts.iter().flat_map(|f| check_fact(f, tax)).collect()
}

/// Resolve a fact's concept by namespace and name.
pub fn concept_of<'t>(tax: &'t Taxonomy, f: &Fact) -> Option<&'t Concept> {
    tax.concept(&f.concept.local)
        .filter(|c| tax.layer_namespace(c.layer) == &*f.concept.namespace && c.name() == &*f.concept.local)
}

fn check_fact(f: &Fact, tax: &Taxonomy) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let at = || fact_location(f);
    let Some(c) = concept_of(tax, f) else {
        let hint = crate::taxonomy::lookup::closest_name(&f.concept.local, tax.concepts.iter().map(|c| c.name()));
        let mut d = Diagnostic::error("E0210", at(), format!("unknown concept {} in fact {}", f.concept, f.id))
            .with_facts([f.id.clone()]);
        if let Some(h) = hint {
            d = d.with_hint(format!("did you mean {h:?}?"));
        }
        return vec![d];
    };
    let def = &c.def;
    if let Err(why) = def.period_type.fits(&f.period) {
        out.push(
            Diagnostic::error("E0212", at(), format!("fact {} of {}: period {} {why}", f.id, f.concept, f.period))
                .with_facts([f.id.clone()]),
        );
    }
    match (&f.value, c.is_numeric()) {
        (FactValue::Text(t), true) => {
            out.push(
                Diagnostic::error(
                    "E0213",
                    at(),
                    format!("fact {} of numeric concept {} has the value {t:?}", f.id, f.concept),
                )
                .with_facts([f.id.clone()]),
            );
        }
        (FactValue::Number(n), true) if def.data_type == DataType::Integer && !n.fract().is_zero() => {
            out.push(
                Diagnostic::error(
                    "E0213",
                    at(),
                    format!("fact {} of {} takes whole numbers, not {n}", f.id, f.concept),
                )
                .with_facts([f.id.clone()]),
            );
        }
        (FactValue::Number(_), false) => {
            out.push(
                Diagnostic::error(
                    "E0213",
                    at(),
                    format!("fact {} of non-numeric concept {} has a number", f.id, f.concept),
                )
                .with_facts([f.id.clone()]),
            );
        }
        _ => {}
    }
    if c.is_numeric() {
        match &f.unit {
            None => out.push(
                Diagnostic::error("E0215", at(), format!("numeric fact {} of {} has no unit", f.id, f.concept))
                    .with_facts([f.id.clone()]),
            ),
            Some(u) => {
                let matches = def.units.iter().filter_map(|id| tax.resolved_unit(id)).any(|ud| ud.same_measures(u));
                if !matches {
                    out.push(
                        Diagnostic::error(
                            "E0216",
                            at(),
                            format!("unit {} of fact {} is not allowed for {}", u.oim(), f.id, f.concept),
                        )
                        .with_hint(format!("{} accepts {}", def.name, def.units.join(", ")))
                        .with_facts([f.id.clone()]),
                    );
                }
            }
        }
    } else if f.unit.is_some() {
        out.push(
            Diagnostic::error("E0215", at(), format!("non-numeric fact {} of {} has a unit", f.id, f.concept))
                .with_facts([f.id.clone()]),
        );
    }
    for (axis, member) in &f.dimensions {
        let Some(ai) = tax
            .axis(&axis.local)
            .filter(|i| tax.axes[*i].qname.namespace == axis.namespace && tax.axes[*i].name() == &*axis.local)
        else {
            out.push(
                Diagnostic::error("E0217", at(), format!("fact {} uses unknown axis {}", f.id, axis))
                    .with_facts([f.id.clone()]),
            );
            continue;
        };
        if !c.hypercube_axes.contains(&ai) {
            out.push(
                Diagnostic::error(
                    "E0218",
                    at(),
                    format!("fact {}: {} cannot be broken down by {}", f.id, def.name, axis),
                )
                .with_facts([f.id.clone()]),
            );
            continue;
        }
        let ax = &tax.axes[ai];
        let ok = ax
            .member(&member.local)
            .is_some_and(|mi| mi != 0 && tax.layer_namespace(ax.members[mi].layer) == &*member.namespace);
        if !ok {
            out.push(
                Diagnostic::error(
                    "E0219",
                    at(),
                    format!(
                        "fact {}: {} is not a member of {} (the domain, the default, is never written)",
                        f.id, member, axis
                    ),
                )
                .with_facts([f.id.clone()]),
            );
        }
    }
    out
}
