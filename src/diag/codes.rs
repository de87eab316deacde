//! Every diagnostic code esgx emits: a stable name (`E0210`), a severity given by its letter
//! (E error, W warning, I info) and a one-line title. `docs/diagnostics.md` lists the same codes
//! with the same titles and severities (a test over [`Code::ALL`] keeps them in step), SARIF rules
//! are described from here, and each code's help page is its row there ([`Code::help_url`]).

use super::Severity;
use std::fmt;

macro_rules! codes {
    ($($code:ident => $title:expr,)*) => {
        /// A diagnostic code. Codes never change meaning; new rules get new codes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $(
                #[doc = $title]
                $code,
            )*
        }

        impl Code {
            /// Every code, by name (the order of `docs/diagnostics.md`).
            pub const ALL: &'static [Code] = &[$(Code::$code),*];

            /// The code as written in findings: `E0210`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$code => stringify!($code),)* }
            }

            /// What the code means, in one line.
            pub fn title(self) -> &'static str {
                match self { $(Code::$code => $title,)* }
            }
        }
    };
}

codes! {
    E0001 => "a file cannot be read or written",
    E0002 => "the file is not UTF-8 text",
    E0003 => "the file is empty or is not well-formed JSON or XML",
    E0004 => "unknown input file type",
    E0005 => "a CSV header names an unknown column, names one twice, or lacks a required one",
    E0006 => "a CSV row is malformed, or a dimension cell is not Axis=Member",
    E0007 => "the filing uses a construct esgx refuses to read (DTD, entities, external resources, footnote links that multiply)",
    E0008 => "the dataset holds a character an XBRL filing cannot carry (a control character such as NUL or ESC)",
    E0100 => "the document breaks its JSON Schema",
    E0101 => "a taxonomy source file cannot be read into the taxonomy model",
    E0102 => "the taxonomy source is incomplete or holds a file that is no part of one, or no bundled taxonomy has that name",
    E0103 => "a taxonomy name or alias is defined twice",
    E0104 => "a taxonomy source refers to something it does not define",
    E0105 => "a company extension is invalid",
    E0106 => "a published taxonomy (package, folder or entry-point schema) cannot be loaded",
    E0201 => "the dataset names another taxonomy than the one loaded",
    E0202 => "unknown framework version",
    E0203 => "a reporting period is unknown or ends before it starts",
    E0204 => "the entity's LEI fails the ISO 17442 check digits",
    E0210 => "unknown concept",
    E0211 => "the concept is not part of the framework version",
    E0212 => "the period does not fit the concept's period type",
    E0213 => "the value does not fit the concept's data type",
    E0214 => "decimals or qualifier given where they mean nothing, or decimals missing",
    E0215 => "a numeric fact has no unit or an unknown one, or a non-numeric fact has one",
    E0216 => "the unit is not one the concept accepts",
    E0217 => "unknown axis",
    E0218 => "the concept cannot be broken down by that axis",
    E0219 => "the member is not a member of the axis",
    E0220 => "two facts have the same id: given twice, an explicit id equal to one derived from another fact's aspects, or two derived ids whose hashes agree",
    E0221 => "a fact's source document is not listed",
    E0222 => "a filing fact refers to a context or unit it does not define",
    E0223 => "a filing's schema reference does not resolve to the esgx taxonomy or a schema beside it",
    E0301 => "a filing's total does not equal the sum of its parts (XBRL Calculations 1.1): XBRL processors report an inconsistency",
    E0401 => "the same fact is reported twice with different values (inconsistent duplicate); in a dataset, mark the figure that is not the primary statement with StatementAxis",
    E0701 => "the filing holds no fact a dataset can carry, so `esgx import` made no dataset",
    I0001 => "rows with neither a value nor an omission (unfilled template rows) were left out",
    I0401 => "the same fact is reported twice with consistent values (consistent duplicate)",
    I0503 => "a figure changes by more than the threshold from the prior year",
    I0701 => "the filing does not carry something a dataset holds; the import fills it in",
    W0205 => "the entity or a source document still holds a placeholder of the template (\"change me\")",
    W0301 => "a total does not equal the sum of its parts (XBRL Calculations 1.1, round-to-nearest)",
    W0302 => "an intensity does not equal its numerator divided by its denominator",
    W0303 => "a total rate or average is not the weighted mean of its breakdown",
    W0304 => "a total rate or average lies outside the range of its parts",
    W0305 => "breakdowns of a rate or average by different axes imply different totals",
    W0306 => "a share does not agree with the counts it describes",
    W0307 => "a stated year-on-year change does not agree with the figures it describes",
    W0308 => "the parts of a breakdown do not add up to its total",
    W0309 => "counts (whole numbers) that do not add up exactly, although rounding would excuse measured figures",
    W0310 => "a percentage of a counted group that no whole number of its members gives",
    W0402 => "the report states two different figures for the same thing",
    W0501 => "a quantity, count or percentage is negative",
    W0502 => "a percentage lies outside 0-100%",
    W0504 => "a figure and what drives it move in opposite directions year on year",
    W0601 => "a comply-or-explain requirement is neither reported nor explained",
    W0602 => "a mandatory disclosure is missing",
    W0701 => "a fact of the filing cannot be represented in a dataset and was left out of the import",
    W0702 => "the imported dataset does not give a fact of the filing back exactly",
}

impl Code {
    /// The severity of every finding with this code, from its letter.
    pub fn severity(self) -> Severity {
        match self.as_str().as_bytes()[0] {
            b'E' => Severity::Error,
            b'W' => Severity::Warning,
            _ => Severity::Info,
        }
    }

    /// The page that explains the code: its row in `docs/diagnostics.md`.
    pub fn help_url(self) -> String {
        format!("https://esgx.dev/docs/diagnostics.md#{}", self.as_str().to_ascii_lowercase())
    }

    /// The code of this name (`"W0301"`), if there is one.
    pub fn parse(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == name)
    }
}

/// Codes sort by their names, as they read.
impl Ord for Code {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}
