//! Finding what a user meant: concepts, axes, members and units by name or alias, and, for a name
//! that is not in the taxonomy, the closest one. A preparer's first mistakes are the wrong case
//! (`femalemember`, `tco2e`), a name without its `Member` or `Axis` suffix (`Female`), a typo, or
//! a label instead of a name (`Full-time`, `女性`); each of these finds the intended name.

use super::{Concept, Taxonomy};

/// The kinds of things a dataset or `esgx taxonomy show` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Concept,
    Axis,
    Member,
    Unit,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Concept => "concept",
            Kind::Axis => "axis",
            Kind::Member => "member",
            Kind::Unit => "unit",
        }
    }
    /// The suffix names of this kind end with, which users often leave out.
    fn suffix(self) -> &'static str {
        match self {
            Kind::Axis => "axis",
            Kind::Member => "member",
            Kind::Concept | Kind::Unit => "",
        }
    }
}

/// Something in the taxonomy, by index: a concept, an axis, a member (axis, member) or a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    Concept(usize),
    Axis(usize),
    Member(usize, usize),
    Unit(usize),
}

impl Item {
    pub fn kind(self) -> Kind {
        match self {
            Item::Concept(_) => Kind::Concept,
            Item::Axis(_) => Kind::Axis,
            Item::Member(..) => Kind::Member,
            Item::Unit(_) => Kind::Unit,
        }
    }
    /// Its name (a unit's id).
    pub fn name(self, tax: &Taxonomy) -> &str {
        match self {
            Item::Concept(i) => tax.concepts[i].name(),
            Item::Axis(a) => tax.axes[a].name(),
            Item::Member(a, m) => &tax.axes[a].members[m].def.name,
            Item::Unit(u) => &tax.units[u].id,
        }
    }
    /// Its aliases and labels in every language: the other texts a user may call it by.
    fn other_names(self, tax: &Taxonomy) -> Vec<&str> {
        let (aliases, labels) = match self {
            Item::Concept(i) => (&tax.concepts[i].def.aliases, &tax.concepts[i].def.labels),
            Item::Axis(a) => (&tax.axes[a].def.aliases, &tax.axes[a].def.labels),
            Item::Member(a, m) => (&tax.axes[a].members[m].def.aliases, &tax.axes[a].members[m].def.labels),
            Item::Unit(u) => (&tax.units[u].aliases, &tax.units[u].labels),
        };
        aliases.iter().map(String::as_str).chain(labels.iter().map(|(_, l)| l)).collect()
    }
}

/// Everything whose name or alias is exactly `key`, concepts first, then axes, members, units.
pub fn find(tax: &Taxonomy, key: &str) -> Vec<Item> {
    let mut found = Vec::new();
    found.extend(tax.concept_index(key).map(Item::Concept));
    found.extend(tax.axis(key).map(Item::Axis));
    found.extend(tax.axes.iter().enumerate().filter_map(|(a, axis)| axis.member(key).map(|m| Item::Member(a, m))));
    found.extend(tax.unit_index(key).map(Item::Unit));
    found
}

/// Lower case, letters and digits only, a label's trailing tag such as `[member]` dropped:
/// `Female [member]` → `female`, `t CO2e` → `tco2e`, `性別 [軸]` → `性別`.
pub fn normalize(s: &str) -> String {
    let s = s.trim();
    let s = match s.strip_suffix(']').and_then(|x| x.rfind('[').map(|i| &x[..i])) {
        Some(untagged) if !untagged.trim().is_empty() => untagged,
        _ => s,
    };
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// How far `wrong` is from the closest of `texts` (the item's name first), if close enough to
/// suggest: at most one edit (insertion, deletion, substitution, transposition) per three
/// characters, after normalizing and with the kind's suffix left out on both sides.
fn distance(wrong: &str, suffix: &str, texts: impl IntoIterator<Item = impl AsRef<str>>) -> Option<usize> {
    let w = normalize(wrong);
    if w.is_empty() {
        return None;
    }
    let strip = |s: &str| -> String {
        match s.strip_suffix(suffix) {
            Some(x) if !suffix.is_empty() && !x.is_empty() => x.to_string(),
            _ => s.to_string(),
        }
    };
    let ws = strip(&w);
    let mut best: Option<usize> = None;
    for text in texts {
        let k = normalize(text.as_ref());
        if k.is_empty() {
            continue;
        }
        let ks = strip(&k);
        // The suffix is no part of what makes two names alike: "EastChinaMember" is not a typo
        // of "ChinaMember".
        let room = ws.chars().count().max(ks.chars().count());
        for (a, b) in [(&w, &k), (&ws, &ks)] {
            let gap = a.chars().count().abs_diff(b.chars().count());
            if gap * 3 > room {
                continue;
            }
            let d = strsim::damerau_levenshtein(a, b);
            if d * 3 <= room && best.is_none_or(|x| d < x) {
                best = Some(d);
            }
        }
    }
    best
}

/// The closest of `items` to `wrong`, with its distance; the first of equally close ones.
fn closest(tax: &Taxonomy, wrong: &str, items: impl IntoIterator<Item = Item>) -> Option<(usize, Item)> {
    let mut best: Option<(usize, Item)> = None;
    for item in items {
        let texts = std::iter::once(item.name(tax)).chain(item.other_names(tax));
        if let Some(d) = distance(wrong, item.kind().suffix(), texts)
            && best.is_none_or(|(x, _)| d < x)
        {
            best = Some((d, item));
        }
    }
    best
}

/// The closest of a list of names to `wrong`, if one is close enough to suggest.
pub fn closest_name<'a>(wrong: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    for k in known {
        if let Some(d) = distance(wrong, "", [k])
            && best.is_none_or(|(x, _)| d < x)
        {
            best = Some((d, k));
        }
    }
    best.map(|(_, k)| k)
}

/// The concept a user meant by an unknown concept name.
pub fn concept_like(tax: &Taxonomy, wrong: &str) -> Option<usize> {
    match closest(tax, wrong, (0..tax.concepts.len()).map(Item::Concept)) {
        Some((_, Item::Concept(i))) => Some(i),
        _ => None,
    }
}

/// The axis a user meant: among `preferred` (the concept's axes) first, then all axes.
pub fn axis_like(tax: &Taxonomy, wrong: &str, preferred: &[usize]) -> Option<usize> {
    let tier = |axes: &mut dyn Iterator<Item = usize>| match closest(tax, wrong, axes.map(Item::Axis)) {
        Some((_, Item::Axis(a))) => Some(a),
        _ => None,
    };
    tier(&mut preferred.iter().copied()).or_else(|| tier(&mut (0..tax.axes.len())))
}

/// The member a user meant on `axis`: among that axis' members first, then those of `others`
/// (the concept's other axes). Returns (axis, member).
pub fn member_like(tax: &Taxonomy, wrong: &str, axis: usize, others: &[usize]) -> Option<(usize, usize)> {
    let members = |a: usize| (0..tax.axes[a].members.len()).map(move |m| Item::Member(a, m));
    let pick = |found: Option<(usize, Item)>| match found {
        Some((_, Item::Member(a, m))) => Some((a, m)),
        _ => None,
    };
    pick(closest(tax, wrong, members(axis)))
        .or_else(|| pick(closest(tax, wrong, others.iter().filter(|a| **a != axis).flat_map(|a| members(*a)))))
}

/// The unit a user meant: among `allowed` (the concept's unit ids) first, then all units.
pub fn unit_like(tax: &Taxonomy, wrong: &str, allowed: &[String]) -> Option<usize> {
    let pick = |found: Option<(usize, Item)>| match found {
        Some((_, Item::Unit(u))) => Some(u),
        _ => None,
    };
    let allowed_units = allowed.iter().filter_map(|id| tax.unit_index(id)).map(Item::Unit);
    pick(closest(tax, wrong, allowed_units)).or_else(|| pick(closest(tax, wrong, (0..tax.units.len()).map(Item::Unit))))
}

/// The closest concept, axis, member or unit to `wrong`.
pub fn anything_like(tax: &Taxonomy, wrong: &str) -> Option<Item> {
    let all = (0..tax.concepts.len())
        .map(Item::Concept)
        .chain((0..tax.axes.len()).map(Item::Axis))
        .chain(
            tax.axes.iter().enumerate().flat_map(|(a, axis)| (0..axis.members.len()).map(move |m| Item::Member(a, m))),
        )
        .chain((0..tax.units.len()).map(Item::Unit));
    closest(tax, wrong, all).map(|(_, item)| item)
}

/// The concepts that may be broken down by axis `a`.
pub fn concepts_on_axis(tax: &Taxonomy, a: usize) -> impl Iterator<Item = &Concept> {
    tax.concepts.iter().filter(move |c| c.hypercube_axes.contains(&a))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tax() -> Taxonomy {
        Taxonomy::bundled("hkex-esg").unwrap()
    }

    #[test]
    fn normalizing() {
        assert_eq!(normalize("Female [member]"), "female");
        assert_eq!(normalize(" t CO2e "), "tco2e");
        assert_eq!(normalize("性別 [軸]"), "性別");
        assert_eq!(normalize("Full-time"), "fulltime");
        assert_eq!(normalize("[x]"), "x");
    }

    #[test]
    fn the_mistakes_a_preparer_makes_find_the_intended_name() {
        let t = tax();
        let gender = t.axis("GenderAxis").unwrap();
        let employment = t.axis("EmploymentTypeAxis").unwrap();
        let age = t.axis("AgeGroupAxis").unwrap();
        let member = |wrong: &str, axis: usize| {
            member_like(&t, wrong, axis, &[gender, employment, age]).map(|(a, m)| Item::Member(a, m).name(&t))
        };
        assert_eq!(member("femalemember", gender), Some("FemaleMember"), "wrong case");
        assert_eq!(member("Female", gender), Some("FemaleMember"), "no Member suffix");
        assert_eq!(member("FemaleMembr", gender), Some("FemaleMember"), "typo");
        assert_eq!(member("Femal", gender), Some("FemaleMember"), "typo without suffix");
        assert_eq!(member("女性", gender), Some("FemaleMember"), "Chinese label");
        assert_eq!(member("Under 30", age), Some("AgeUnder30Member"), "English label");
        assert_eq!(member("Full-time", employment), Some("FullTimeMember"), "label with a hyphen");
        assert_eq!(member("FullTimeMember", gender), Some("FullTimeMember"), "a member of another axis");
        assert_eq!(member("EastChinaMember", t.axis("RegionAxis").unwrap()), None, "a company member");

        let axis = |wrong: &str| axis_like(&t, wrong, &[]).map(|a| t.axes[a].name());
        assert_eq!(axis("Gender"), Some("GenderAxis"), "no Axis suffix");
        assert_eq!(axis("AgeGroup"), Some("AgeGroupAxis"), "no Axis suffix");
        assert_eq!(axis("genderaxis"), Some("GenderAxis"), "wrong case");
        assert_eq!(axis("EmploymentTypAxis"), Some("EmploymentTypeAxis"), "typo");
        assert_eq!(axis("Employment type"), Some("EmploymentTypeAxis"), "label");
        assert_eq!(axis("Colour"), None);

        let unit = |wrong: &str, allowed: &[&str]| {
            let allowed: Vec<String> = allowed.iter().map(|s| s.to_string()).collect();
            unit_like(&t, wrong, &allowed).map(|u| t.units[u].id.as_str())
        };
        assert_eq!(unit("tco2e", &["tCO2e"]), Some("tCO2e"), "wrong case");
        assert_eq!(unit("TCO2E", &[]), Some("tCO2e"), "wrong case, any unit");
        assert_eq!(unit("tCO2", &["tCO2e"]), Some("tCO2e"), "typo");
        assert_eq!(unit("cubic meters", &["m3"]), Some("m3"), "label, other spelling");
        assert_eq!(unit("tonne", &["t"]), Some("t"), "alias");
        assert_eq!(unit("kg", &["t"]), None, "nothing close");

        let concept = |wrong: &str| concept_like(&t, wrong).map(|c| t.concepts[c].name());
        assert_eq!(concept("ghgemissionsscope1"), Some("GhgEmissionsScope1"));
        assert_eq!(concept("GhgEmissionScope1"), Some("GhgEmissionsScope1"));
        assert_eq!(concept("Banana"), None);
    }

    #[test]
    fn the_concepts_own_members_and_units_come_first() {
        let t = tax();
        // "other" is close to members of several axes (OtherGenderMember, OtherStatementMember,
        // OtherFocusAreasMember ...): the axis the record names wins.
        let gender = t.axis("GenderAxis").unwrap();
        let all: Vec<usize> = (0..t.axes.len()).collect();
        let (a, _) = member_like(&t, "Other", gender, &all).unwrap();
        assert_eq!(a, gender);
    }

    #[test]
    fn anything_spans_the_four_kinds() {
        let t = tax();
        let name = |w: &str| anything_like(&t, w).map(|i| (i.kind(), i.name(&t).to_string()));
        assert_eq!(name("Femalemember"), Some((Kind::Member, "FemaleMember".into())));
        assert_eq!(name("Gendr"), Some((Kind::Axis, "GenderAxis".into())));
        assert_eq!(name("tco2e"), Some((Kind::Unit, "tCO2e".into())));
        assert_eq!(name("GhgEmissionScope1"), Some((Kind::Concept, "GhgEmissionsScope1".into())));
        assert_eq!(find(&t, "FemaleMember"), vec![Item::Member(t.axis("GenderAxis").unwrap(), 1)]);
        assert_eq!(find(&t, "t").first().map(|i| i.kind()), Some(Kind::Unit));
        assert!(find(&t, "femalemember").is_empty());
    }
}
