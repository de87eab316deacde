//! Finding what a user meant: concepts, axes, members and units by name or alias, and, for a name
//! that is not in the taxonomy, the closest one. A preparer's first mistakes are the wrong case
//! (`femalemember`, `tco2e`), a name without its `Member` or `Axis` suffix (`Female`), a typo, or
//! a label instead of a name (`Full-time`, `女性`); each of these finds the intended name.

use super::{Concept, Taxonomy};

/// The kinds of things a dataset or `esgx taxonomy show` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A concept.
    Concept,
    /// An axis (explicit dimension).
    Axis,
    /// A member of an axis.
    Member,
    /// A unit.
    Unit,
}

impl Kind {
    /// The kind's name in messages: `concept`, `axis`, `member` or `unit`.
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
    /// A concept, by index in [`Taxonomy::concepts`].
    Concept(usize),
    /// An axis, by index in [`Taxonomy::axes`].
    Axis(usize),
    /// A member: the axis's index and the member's index in its `members`.
    Member(usize, usize),
    /// A unit, by index in [`Taxonomy::units`].
    Unit(usize),
}

impl Item {
    /// What kind of thing it is.
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

/// The most edits a suggestion may be away from what the user wrote.
const MAX_EDITS: usize = 5;

/// A normalized text with what makes comparing it cheap: its length in characters and a histogram
/// of its characters, whose difference bounds the edit distance from below.
#[derive(Debug, Clone)]
struct Form {
    text: String,
    len: usize,
    histogram: [u8; 64],
}

impl Form {
    fn new(text: String) -> Form {
        let mut histogram = [0u8; 64];
        let mut len = 0;
        for c in text.chars() {
            let b = &mut histogram[c as usize % 64];
            *b = b.saturating_add(1);
            len += 1;
        }
        Form { text, len, histogram }
    }
    /// A lower bound of the edit distance: a substitution changes two buckets by one, an
    /// insertion or deletion one, a transposition none.
    fn lower_bound(&self, other: &Form) -> usize {
        let l1: usize = self.histogram.iter().zip(&other.histogram).map(|(a, b)| a.abs_diff(*b) as usize).sum();
        l1.div_ceil(2)
    }
}

/// A text as compared: normalized, and without the kind's suffix ("femalemember" and "female").
#[derive(Debug, Clone)]
struct Key {
    full: Form,
    stripped: Form,
}

impl Key {
    fn new(text: &str, suffix: &str) -> Option<Key> {
        let full = normalize(text);
        if full.is_empty() {
            return None;
        }
        let stripped = match full.strip_suffix(suffix) {
            Some(x) if !suffix.is_empty() && !x.is_empty() => x.to_string(),
            _ => full.clone(),
        };
        Some(Key { full: Form::new(full), stripped: Form::new(stripped) })
    }

    /// How far this (what the user wrote) is from `known`, if close enough to suggest: at most one
    /// edit (insertion, deletion, substitution, transposition) per three characters, the suffix
    /// left out of the count on both sides, so that "EastChinaMember" is no typo of "ChinaMember",
    /// and never more than five: beyond that a suggestion is a guess.
    fn distance(&self, known: &Key) -> Option<usize> {
        let room = self.stripped.len.max(known.stripped.len).min(3 * MAX_EDITS);
        let mut best: Option<usize> = None;
        for (a, b) in [(&self.full, &known.full), (&self.stripped, &known.stripped)] {
            if a.len.abs_diff(b.len) * 3 > room || a.lower_bound(b) * 3 > room {
                continue;
            }
            let d = strsim::osa_distance(&a.text, &b.text);
            if d * 3 <= room && best.is_none_or(|x| d < x) {
                best = Some(d);
            }
        }
        best
    }
}

/// Suggestions for names that are not in the taxonomy: every concept, axis, member and unit with
/// its name, aliases and labels normalized once, so that a dataset with thousands of unknown
/// names costs thousands of cheap comparisons, not thousands of normalizations of the taxonomy.
pub struct Suggester<'t> {
    tax: &'t Taxonomy,
    entries: Vec<(Item, Vec<Key>)>,
}

impl<'t> Suggester<'t> {
    /// Index every concept, axis, member and unit of the taxonomy.
    pub fn new(tax: &'t Taxonomy) -> Suggester<'t> {
        let items = (0..tax.concepts.len())
            .map(Item::Concept)
            .chain((0..tax.axes.len()).map(Item::Axis))
            .chain(
                tax.axes
                    .iter()
                    .enumerate()
                    .flat_map(|(a, axis)| (0..axis.members.len()).map(move |m| Item::Member(a, m))),
            )
            .chain((0..tax.units.len()).map(Item::Unit));
        let entries = items
            .map(|item| {
                let suffix = item.kind().suffix();
                let texts = std::iter::once(item.name(tax)).chain(item.other_names(tax));
                (item, texts.filter_map(|t| Key::new(t, suffix)).collect())
            })
            .collect();
        Suggester { tax, entries }
    }

    /// The closest of the items `wanted` accepts, with its distance; the first of equally close.
    fn closest(&self, wrong: &str, wanted: impl Fn(Item) -> bool) -> Option<(usize, Item)> {
        let by_suffix: Vec<(&str, Option<Key>)> =
            ["", "axis", "member"].into_iter().map(|sfx| (sfx, Key::new(wrong, sfx))).collect();
        let mut best: Option<(usize, Item)> = None;
        for (item, keys) in self.entries.iter().filter(|(i, _)| wanted(*i)) {
            let suffix = item.kind().suffix();
            let Some(Some(w)) = by_suffix.iter().find(|(s, _)| *s == suffix).map(|(_, k)| k) else {
                continue;
            };
            for k in keys {
                if let Some(d) = w.distance(k)
                    && best.is_none_or(|(x, _)| d < x)
                {
                    best = Some((d, *item));
                }
            }
        }
        best
    }

    /// The concept a user meant by an unknown concept name.
    pub fn concept_like(&self, wrong: &str) -> Option<usize> {
        match self.closest(wrong, |i| matches!(i, Item::Concept(_))) {
            Some((_, Item::Concept(c))) => Some(c),
            _ => None,
        }
    }

    /// The axis a user meant: among `preferred` (the concept's axes) first, then all axes.
    pub fn axis_like(&self, wrong: &str, preferred: &[usize]) -> Option<usize> {
        let pick = |found: Option<(usize, Item)>| match found {
            Some((_, Item::Axis(a))) => Some(a),
            _ => None,
        };
        pick(self.closest(wrong, |i| matches!(i, Item::Axis(a) if preferred.contains(&a))))
            .or_else(|| pick(self.closest(wrong, |i| matches!(i, Item::Axis(_)))))
    }

    /// The member a user meant on `axis`: among that axis' members first, then those of `others`
    /// (the concept's other axes). Returns (axis, member).
    pub fn member_like(&self, wrong: &str, axis: usize, others: &[usize]) -> Option<(usize, usize)> {
        let pick = |found: Option<(usize, Item)>| match found {
            Some((_, Item::Member(a, m))) => Some((a, m)),
            _ => None,
        };
        pick(self.closest(wrong, |i| matches!(i, Item::Member(a, _) if a == axis))).or_else(|| {
            pick(self.closest(wrong, |i| matches!(i, Item::Member(a, _) if a != axis && others.contains(&a))))
        })
    }

    /// The unit a user meant: among `allowed` (the concept's unit ids) first, then all units.
    pub fn unit_like(&self, wrong: &str, allowed: &[String]) -> Option<usize> {
        let allowed: Vec<usize> = allowed.iter().filter_map(|id| self.tax.unit_index(id)).collect();
        let pick = |found: Option<(usize, Item)>| match found {
            Some((_, Item::Unit(u))) => Some(u),
            _ => None,
        };
        pick(self.closest(wrong, |i| matches!(i, Item::Unit(u) if allowed.contains(&u))))
            .or_else(|| pick(self.closest(wrong, |i| matches!(i, Item::Unit(_)))))
    }

    /// The closest concept, axis, member or unit to `wrong`.
    pub fn anything_like(&self, wrong: &str) -> Option<Item> {
        self.closest(wrong, |_| true).map(|(_, item)| item)
    }
}

/// The closest of a list of names to `wrong`, if one is close enough to suggest.
pub fn closest_name<'a>(wrong: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let w = Key::new(wrong, "")?;
    let mut best: Option<(usize, &str)> = None;
    for k in known {
        if let Some(d) = Key::new(k, "").and_then(|key| w.distance(&key))
            && best.is_none_or(|(x, _)| d < x)
        {
            best = Some((d, k));
        }
    }
    best.map(|(_, k)| k)
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

    proptest::proptest! {
        /// The histogram bound only skips what the edit distance would reject: it never exceeds it.
        #[test]
        fn the_prefilter_never_exceeds_the_edit_distance(a in "[abcxyz女性0-9]{0,12}", b in "[abcxyz女性0-9]{0,12}") {
            let (fa, fb) = (Form::new(a.clone()), Form::new(b.clone()));
            proptest::prop_assert!(fa.lower_bound(&fb) <= strsim::osa_distance(&a, &b));
        }
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
        let s = Suggester::new(&t);
        let gender = t.axis("GenderAxis").unwrap();
        let employment = t.axis("EmploymentTypeAxis").unwrap();
        let age = t.axis("AgeGroupAxis").unwrap();
        let member = |wrong: &str, axis: usize| {
            s.member_like(wrong, axis, &[gender, employment, age]).map(|(a, m)| Item::Member(a, m).name(&t))
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

        let axis = |wrong: &str| s.axis_like(wrong, &[]).map(|a| t.axes[a].name());
        assert_eq!(axis("Gender"), Some("GenderAxis"), "no Axis suffix");
        assert_eq!(axis("AgeGroup"), Some("AgeGroupAxis"), "no Axis suffix");
        assert_eq!(axis("genderaxis"), Some("GenderAxis"), "wrong case");
        assert_eq!(axis("EmploymentTypAxis"), Some("EmploymentTypeAxis"), "typo");
        assert_eq!(axis("Employment type"), Some("EmploymentTypeAxis"), "label");
        assert_eq!(axis("Colour"), None);

        let unit = |wrong: &str, allowed: &[&str]| {
            let allowed: Vec<String> = allowed.iter().map(|s| s.to_string()).collect();
            s.unit_like(wrong, &allowed).map(|u| t.units[u].id.as_str())
        };
        assert_eq!(unit("tco2e", &["tCO2e"]), Some("tCO2e"), "wrong case");
        assert_eq!(unit("TCO2E", &[]), Some("tCO2e"), "wrong case, any unit");
        assert_eq!(unit("tCO2", &["tCO2e"]), Some("tCO2e"), "typo");
        assert_eq!(unit("cubic meters", &["m3"]), Some("m3"), "label, other spelling");
        assert_eq!(unit("tonne", &["t"]), Some("t"), "alias");
        assert_eq!(unit("kg", &["t"]), Some("kg"), "a unit of the taxonomy the concept does not take");
        assert_eq!(unit("furlongs", &["t"]), None, "nothing close");

        let concept = |wrong: &str| s.concept_like(wrong).map(|c| t.concepts[c].name());
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
        let (a, _) = Suggester::new(&t).member_like("Other", gender, &all).unwrap();
        assert_eq!(a, gender);
    }

    #[test]
    fn anything_spans_the_four_kinds() {
        let t = tax();
        let s = Suggester::new(&t);
        let name = |w: &str| s.anything_like(w).map(|i| (i.kind(), i.name(&t).to_string()));
        assert_eq!(name("Femalemember"), Some((Kind::Member, "FemaleMember".into())));
        assert_eq!(name("Gendr"), Some((Kind::Axis, "GenderAxis".into())));
        assert_eq!(name("tco2e"), Some((Kind::Unit, "tCO2e".into())));
        assert_eq!(name("GhgEmissionScope1"), Some((Kind::Concept, "GhgEmissionsScope1".into())));
        assert_eq!(find(&t, "FemaleMember"), vec![Item::Member(t.axis("GenderAxis").unwrap(), 1)]);
        assert_eq!(find(&t, "t").first().map(|i| i.kind()), Some(Kind::Unit));
        assert!(find(&t, "femalemember").is_empty());
    }
}
