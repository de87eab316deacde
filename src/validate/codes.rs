//! Every diagnostic code esgx emits, with a one-line description. `docs/diagnostics.md` lists the
//! same codes (a test keeps them in step), and SARIF rules are described from here.

pub const CODES: &[(&str, &str)] = &[
    ("E0001", "a file cannot be read or written"),
    ("E0002", "the file is not UTF-8 text"),
    (
        "E0003",
        "the file is empty or is not well-formed JSON or XML",
    ),
    ("E0004", "unknown input file type"),
    (
        "E0005",
        "a CSV header names an unknown column or lacks a required one",
    ),
    (
        "E0006",
        "a CSV row is malformed, or a dimension cell is not Axis=Member",
    ),
    (
        "E0007",
        "the filing uses a construct esgx refuses to read (DTD, entities, external resources)",
    ),
    ("E0100", "the document breaks its JSON Schema"),
    (
        "E0101",
        "a taxonomy source file cannot be read into the taxonomy model",
    ),
    (
        "E0102",
        "the taxonomy source is incomplete, or no bundled taxonomy has that name",
    ),
    ("E0103", "a taxonomy name or alias is defined twice"),
    (
        "E0104",
        "a taxonomy source refers to something it does not define",
    ),
    ("E0105", "a company extension is invalid"),
    (
        "E0201",
        "the dataset names another taxonomy than the one loaded",
    ),
    ("E0202", "unknown framework version"),
    (
        "E0203",
        "a reporting period is unknown or ends before it starts",
    ),
    ("E0204", "the entity's LEI fails the ISO 17442 check digits"),
    ("E0210", "unknown concept"),
    ("E0211", "the concept is not part of the framework version"),
    ("E0212", "the period does not fit the concept's period type"),
    ("E0213", "the value does not fit the concept's data type"),
    (
        "E0214",
        "decimals or qualifier given where they mean nothing, or decimals missing",
    ),
    (
        "E0215",
        "a numeric fact has no unit or an unknown one, or a non-numeric fact has one",
    ),
    ("E0216", "the unit is not one the concept accepts"),
    ("E0217", "unknown axis"),
    ("E0218", "the concept cannot be broken down by that axis"),
    ("E0219", "the member is not a member of the axis"),
    ("E0220", "two facts have the same id"),
    ("E0221", "a fact's source document is not listed"),
    (
        "E0222",
        "a filing fact refers to a context or unit it does not define",
    ),
    (
        "E0301",
        "a filing's total does not equal the sum of its parts (XBRL Calculations 1.1): XBRL processors report an inconsistency",
    ),
    (
        "W0301",
        "a total does not equal the sum of its parts (XBRL Calculations 1.1, round-to-nearest)",
    ),
    (
        "W0302",
        "an intensity does not equal its numerator divided by its denominator",
    ),
    (
        "W0303",
        "a total rate or average is not the weighted mean of its breakdown",
    ),
    (
        "W0304",
        "a total rate or average lies outside the range of its parts",
    ),
    (
        "W0305",
        "breakdowns of a rate or average by different axes imply different totals",
    ),
    (
        "W0306",
        "a share does not agree with the counts it describes",
    ),
    (
        "W0307",
        "a stated year-on-year change does not agree with the figures it describes",
    ),
    (
        "W0308",
        "the parts of a breakdown do not add up to its total",
    ),
    (
        "E0401",
        "a filing reports the same fact twice with different values (inconsistent duplicate)",
    ),
    (
        "W0401",
        "the same fact is reported twice with different values (inconsistent duplicate)",
    ),
    (
        "I0401",
        "the same fact is reported twice with consistent values (consistent duplicate)",
    ),
    (
        "W0402",
        "the report states two different figures for the same thing",
    ),
    ("W0501", "a quantity, count or percentage is negative"),
    ("W0502", "a percentage lies outside 0-100%"),
    (
        "I0503",
        "a figure changes by more than the threshold from the prior year",
    ),
    (
        "W0504",
        "a figure and what drives it move in opposite directions year on year",
    ),
    (
        "W0601",
        "a comply-or-explain requirement is neither reported nor explained",
    ),
    ("W0602", "a mandatory disclosure is missing"),
];

pub fn describe(code: &str) -> &'static str {
    CODES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, d)| *d)
        .unwrap_or("esgx finding")
}
