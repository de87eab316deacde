//! Whatever a dataset holds, reading, mapping, validating and emitting never panic: every
//! problem becomes a diagnostic.

use esgx::taxonomy::Taxonomy;
use proptest::prelude::*;
use serde_json::{Value, json};

fn pick(pool: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    proptest::sample::select(pool)
}

const CONCEPTS: &[&str] = &[
    "GhgEmissionsScope1",
    "GhgEmissionsScope1And2",
    "GhgEmissionsScope1And2PerEmployee",
    "NumberOfEmployees",
    "EmployeeTurnoverRate",
    "WaterConsumption",
    "BoardStatementOnEsgGovernanceExplanatory",
    "NoSuchConcept",
];
const VALUES: &[&str] = &[
    "1",
    "0",
    "-3",
    "1,234.5",
    "20%",
    "0.5",
    "162.1 billion",
    "abc",
    " ",
    "1e9",
    "99999999999999999999999999999",
    "100%",
    "..",
    "-0",
];
const UNITS: &[&str] = &["tCO2e", "pure", "t", "m3", "MWh", "HKD", "furlong", "%"];
const PERIODS: &[&str] =
    &["FY2024", "FY2023", "2024-12-31", "2024-01-01/2024-12-31", "2024-12-31/2024-01-01", "FY1900", "x"];
const AXES: &[(&str, &str)] = &[
    ("GenderAxis", "FemaleMember"),
    ("GenderAxis", "MaleMember"),
    ("GenderAxis", "AllGendersMember"),
    ("AgeGroupAxis", "AgeUnder30Member"),
    ("StatementAxis", "OtherStatementMember"),
    ("Nope", "Nothing"),
];

fn fact_strategy() -> impl Strategy<Value = Value> {
    (
        pick(CONCEPTS),
        pick(VALUES),
        proptest::option::of(pick(UNITS)),
        pick(PERIODS),
        proptest::option::of(0usize..AXES.len()),
        any::<bool>(),
    )
        .prop_map(|(c, v, u, p, d, omit)| {
            let mut f = json!({"concept": c, "period": p, "source": {"document": "ar"}});
            if omit {
                f["omission"] = json!({"reason": "not-applicable", "explanation": "none"});
            } else {
                f["value"] = json!(v);
            }
            if let Some(u) = u {
                f["unit"] = json!(u);
            }
            if let Some(i) = d {
                f["dimensions"] = json!({AXES[i].0: AXES[i].1});
            }
            f
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn any_dataset_gives_diagnostics_not_panics(facts in proptest::collection::vec(fact_strategy(), 0..25)) {
        let doc = json!({
            "formatVersion": "1.0", "taxonomy": "hkex-esg", "framework": "hkex-esg-guide-2020",
            "entity": {"name": "X", "identifier": {"scheme": "https://esgx.dev/id/entity-name", "value": "X"}},
            "periods": {"FY2024": {"start": "2024-01-01", "end": "2024-12-31"}, "FY2023": {"start": "2023-01-01", "end": "2023-12-31"}},
            "reportingPeriod": "FY2024",
            "sources": [{"id": "ar", "title": "t"}],
            "facts": facts,
        });
        let bytes = serde_json::to_vec(&doc).unwrap();
        // Every generated dataset passes the schema, so mapping and the rules really run.
        let ds = esgx::dataset::from_json_bytes("mem.json", bytes).expect("schema-valid by construction");
        let tax = Taxonomy::bundled("hkex-esg").unwrap();
        let (report, _diags) = esgx::map::map(&ds, &tax);
        let _ = esgx::validate::validate(&report, &tax, &esgx::validate::Options::default());
        let xml = esgx::emit::xbrl_xml::write(&report);
        let json = esgx::emit::xbrl_json::write(&report);
        prop_assert!(xml.starts_with("<?xml"));
        prop_assert!(serde_json::from_str::<Value>(&json).is_ok());
    }

    #[test]
    fn arbitrary_bytes_are_rejected_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = esgx::dataset::from_json_bytes("mem.json", bytes.clone());
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("f.xbrl");
        std::fs::write(&p, &bytes).unwrap();
        let _ = esgx::import::read(&p, None);
    }
}
