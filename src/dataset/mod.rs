//! The company's indicator dataset: the canonical JSON form, and readers that produce it from
//! JSON or CSV files. Each fact keeps where it was read from, for diagnostics.

pub mod csv;
pub mod xlsx;

use crate::diag::Code;
use crate::diag::{Diagnostic, Location};
use crate::input::{Schema, decode_str, parse_json};
// A dataset's company extension is taxonomy content, and an omission is part of a fact's
// provenance: both are defined below this layer and named here as the dataset format has them.
pub use crate::report::Omission;
pub use crate::taxonomy::source::{ExtensionMember, Extensions};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

const SCHEMA_TEXT: &str = include_str!("../../schema/dataset.schema.json");
const SCHEMA_HINT: &str = "`esgx schema dataset` prints the dataset format's JSON Schema; `esgx taxonomy template --out DIR` writes a dataset to start from";

/// A dataset compiled into the binary, chosen by name (`esgx export --example NAME`).
#[derive(Debug)]
pub struct Example {
    /// The name users give: the folder under `examples/`.
    pub name: &'static str,
    /// What it is, for `--help`.
    pub description: &'static str,
    /// The path it has in the repository, used in findings.
    pub path: &'static str,
    /// The dataset's JSON text, compiled in.
    pub json: &'static str,
}

/// The bundled datasets, the main one (Qifu Technology's ESG report 2023) first.
pub const EXAMPLES: &[Example] = &[
    Example {
        name: "qifu-2023",
        description: "Qifu Technology ESG report 2023 (HKEX ESG Reporting Guide)",
        path: "examples/qifu-2023/dataset.json",
        json: include_str!("../../examples/qifu-2023/dataset.json"),
    },
    Example {
        name: "fy2025-example",
        description: "a fictitious company's FY2025 data (HKEX ESG Code 2025, climate part)",
        path: "examples/fy2025-example/dataset.json",
        json: include_str!("../../examples/fy2025-example/dataset.json"),
    },
    Example {
        name: "lantern-bay-2024",
        description: "a fictitious packaging manufacturer's FY2024 data (HKEX ESG Reporting Guide, with breakdowns and intensities per tonne)",
        path: "examples/lantern-bay-2024/dataset.json",
        json: include_str!("../../examples/lantern-bay-2024/dataset.json"),
    },
];

/// The bundled dataset of that name.
pub fn example(name: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.name == name)
}

/// What a job reads: a file the user names, or a bundled example chosen explicitly. There is no
/// default: an empty or forgotten path must not quietly check something else.
#[derive(Debug, Clone)]
pub enum Input {
    /// A dataset file (JSON or CSV) at this path.
    Path(std::path::PathBuf),
    /// A bundled example dataset.
    Example(&'static Example),
    /// Bytes already read (standard input), shown as `name`: a JSON dataset, or a filing.
    Bytes {
        /// How findings name the input (`<stdin>`).
        name: String,
        /// The input's bytes.
        bytes: std::sync::Arc<[u8]>,
    },
}

impl Input {
    /// How findings and summaries name the input.
    pub fn display(&self) -> String {
        match self {
            Input::Path(p) => p.display().to_string(),
            Input::Example(e) => e.path.to_string(),
            Input::Bytes { name, .. } => name.clone(),
        }
    }
}

fn schema() -> &'static Schema {
    static S: OnceLock<Schema> = OnceLock::new();
    S.get_or_init(|| Schema::compile(SCHEMA_TEXT))
}

/// A dataset in its canonical JSON form (`schema/dataset.schema.json`): the company, its periods and
/// sources, and one record per reported figure.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DatasetDoc {
    /// The version of the dataset format the document is written in.
    pub format_version: String,
    /// The name of the esgx taxonomy the concepts come from (e.g. `hkex-esg`).
    pub taxonomy: String,
    /// The id of the framework version the dataset reports under (e.g. `hkex-esg-guide-2020`).
    pub framework: String,
    /// The reporting company.
    pub entity: Entity,
    /// Named reporting periods (usually fiscal years), by name; a fact's period names one of them.
    pub periods: BTreeMap<String, PeriodDef>,
    /// The name of the current period in `periods`.
    pub reporting_period: String,
    /// The ISO 4217 code of the reporting currency (e.g. `CNY`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// The documents the figures were read from; each fact's source names one by id.
    pub sources: Vec<SourceDoc>,
    /// How the dataset was compiled, for people: reconstructions, judgement calls, known
    /// contradictions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The company extension: members, groups and concepts the base taxonomy does not hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extensions: Option<Extensions>,
    /// The reported figures, one record each.
    pub facts: Vec<FactRecord>,
}

/// The reporting company.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Entity {
    /// The company's name.
    pub name: String,
    /// The identifier that names the company in the filing's contexts.
    pub identifier: Identifier,
    /// The company's Legal Entity Identifier, only where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lei: Option<String>,
}

/// An entity identifier: a scheme URI and a value in it.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Identifier {
    /// The identifier scheme URI (`http://standards.iso.org/iso/17442` for an LEI).
    pub scheme: String,
    /// The identifier itself, without spaces (e.g. a stock code or an LEI).
    pub value: String,
}

/// A named reporting period: from its first day to its last, both included.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct PeriodDef {
    /// The period's first day.
    pub start: chrono::NaiveDate,
    /// The period's last day (the instant of its year-end figures).
    pub end: chrono::NaiveDate,
}

/// A document the figures were read from, such as the company's ESG report.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SourceDoc {
    /// The id that facts' source references use.
    pub id: String,
    /// The document's title.
    pub title: String,
    /// Who published the document, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// The year the document was published, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// Where the document can be found online, if anywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The file this source was read from (e.g. a text extraction), relative to the dataset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// One reported figure: a value or an explained omission, with its concept, period, unit,
/// breakdown and source.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct FactRecord {
    /// An id of the user's own; becomes the fact id in the outputs instead of the one derived from
    /// the fact's aspects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The taxonomy concept's name or one of its aliases.
    pub concept: String,
    /// The value exactly as reported, as text: numbers are decimal text (`1,397.96`, `20%`,
    /// `162.1 billion`), never JSON numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The unit's id or alias in the taxonomy (e.g. `tCO2e`, `MWh`, `%`); numeric concepts only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// A name from `periods`, a date `YYYY-MM-DD`, or `START/END`.
    pub period: String,
    /// The breakdown: axis name or alias → member name or alias.
    #[serde(default, skip_serializing_if = "Breakdown::is_empty")]
    pub dimensions: Breakdown,
    /// The value's precision in decimals; inferred from the printed value when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimals: Option<DecimalsSpec>,
    /// The report gives the figure as a bound or an approximation (`over`, `at-least`, `nearly`,
    /// `approximately`, `less-than`, `up-to`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<String>,
    /// Why the figure is not given, instead of a value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub omission: Option<Omission>,
    /// Where in the source documents the figure was read.
    pub source: SourceRef,
    /// A note on the figure for people, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Template aids, ignored when mapping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The row's Chinese label, for the person filling in a template (ignored when mapping).
    #[serde(default, rename = "labelZh", skip_serializing_if = "Option::is_none")]
    pub label_zh: Option<String>,
    /// How to fill the row in, for the person filling in a template (ignored when mapping).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// A record's breakdown: axis name or alias -> member name or alias, ordered by axis as a
/// `BTreeMap` is. A list, not a map: most records have one pair, and a map's first node has room
/// for eleven (at 1,000,000 records about half a gigabyte).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Breakdown(Vec<(String, String)>);

impl Breakdown {
    /// The (axis, member) pairs in order of the axis.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.into_iter()
    }

    /// How many pairs there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is no pair.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The member given for `axis`.
    pub fn get(&self, axis: &str) -> Option<&String> {
        self.0.binary_search_by(|(a, _)| a.as_str().cmp(axis)).ok().map(|i| &self.0[i].1)
    }
}

impl From<BTreeMap<String, String>> for Breakdown {
    fn from(pairs: BTreeMap<String, String>) -> Self {
        Breakdown(pairs.into_iter().collect())
    }
}

impl FromIterator<(String, String)> for Breakdown {
    /// As a map is made: for an axis given twice, the last member.
    fn from_iter<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Self {
        pairs.into_iter().collect::<BTreeMap<_, _>>().into()
    }
}

impl<'a> IntoIterator for &'a Breakdown {
    type Item = (&'a String, &'a String);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (String, String)>, fn(&(String, String)) -> (&String, &String)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(a, m)| (a, m))
    }
}

impl Serialize for Breakdown {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Breakdown {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        BTreeMap::<String, String>::deserialize(d).map(Into::into)
    }
}

/// A stated precision: a number of decimals, or `INF` for an exact value.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum DecimalsSpec {
    /// Accurate to this many decimal places (negative: to tens, hundreds, ...).
    Finite(i32),
    /// Exact (`"INF"`).
    Inf(Inf),
}

/// The text `INF`: an exact value.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
pub enum Inf {
    /// `INF`.
    #[serde(rename = "INF")]
    Inf,
}

/// Where in the source documents a figure was read.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct SourceRef {
    /// The id of an entry in the dataset's `sources`.
    pub document: String,
    /// The section of the document, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// The page number in the document, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// The line number in the source file, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// The words of the report the figure was read from, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
}

/// A dataset read from a file: the document, and for each fact where it stands in that file.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// The path as the user gave it (or the bundled name).
    pub file: String,
    /// The dataset document itself.
    pub doc: DatasetDoc,
    /// Where each fact record stands in the file, by index into `doc.facts`.
    pub fact_locations: FactLocations,
    /// Every file read to build it, by the name findings give it, for the manifest and for
    /// showing the lines of findings.
    pub inputs: Vec<(String, InputFile)>,
    /// For a workbook: the cell of each field of a fact.
    pub cells: xlsx::FactCells,
}

/// A file a dataset was read from, as kept for the manifest and for the findings about it.
#[derive(Debug, Clone)]
pub enum InputFile {
    /// Its bytes.
    Bytes(Vec<u8>),
    /// A JSON dataset read as it streamed in, not held: its path, read again to show the lines of
    /// findings, and the SHA-256 and size of the bytes read.
    Streamed {
        /// The file.
        path: std::path::PathBuf,
        /// The SHA-256 of its bytes as read.
        sha256: [u8; 32],
        /// How many bytes were read.
        size: u64,
    },
}

impl InputFile {
    /// A view of it, for locating findings.
    pub fn held(&self) -> crate::input::Held<'_> {
        match self {
            InputFile::Bytes(b) => crate::input::Held::Bytes(b),
            InputFile::Streamed { path, .. } => crate::input::Held::Reread(path),
        }
    }
}

/// Where each fact record of a dataset stands in its file.
#[derive(Debug, Clone)]
pub enum FactLocations {
    /// Records of a JSON file, record `i` at `/facts/i`: made when asked for (a location for
    /// every record held at once was over 150 MB at 1,000,000 records).
    Pointers {
        /// The file as findings name it.
        file: String,
        /// How many records there are.
        records: usize,
    },
    /// The location of each record (a CSV line, a workbook cell).
    Each(Vec<Location>),
}

impl FactLocations {
    /// The location of record `i`.
    pub fn get(&self, i: usize) -> Location {
        match self {
            FactLocations::Pointers { file, records } => {
                assert!(i < *records, "record {i} of {records}");
                Location::pointer(file, format!("/facts/{i}"))
            }
            FactLocations::Each(each) => each[i].clone(),
        }
    }

    /// How many records there are.
    pub fn len(&self) -> usize {
        match self {
            FactLocations::Pointers { records, .. } => *records,
            FactLocations::Each(each) => each.len(),
        }
    }

    /// Whether there is no record.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Dataset {
    /// The location of a field of fact `i` (e.g. "value"): a JSON pointer, or the CSV line.
    pub fn locate(&self, i: usize, field: &str) -> Location {
        // A workbook: the cell of the field, or of the field it is part of (a breakdown's axis
        // is in the member's row).
        if let Some(l) = self.cells.locate(i, field) {
            return l;
        }
        let mut loc = self.fact_locations.get(i);
        if let Some(p) = &mut loc.pointer {
            p.push('/');
            p.push_str(field);
        }
        loc
    }

    /// A JSON dataset read record by record from the one file `kept`.
    fn streamed(file: &str, doc: DatasetDoc, kept: InputFile) -> Dataset {
        let fact_locations = FactLocations::Pointers { file: file.to_string(), records: doc.facts.len() };
        Dataset {
            file: file.to_string(),
            doc,
            fact_locations,
            inputs: vec![(file.to_string(), kept)],
            cells: Default::default(),
        }
    }

    /// Views of the files it was read from, for locating findings.
    pub fn held_inputs(&self) -> Vec<(&str, crate::input::Held<'_>)> {
        self.inputs.iter().map(|(f, k)| (f.as_str(), k.held())).collect()
    }

    /// The location of a top-level field (e.g. "/entity/name"): in the dataset, or for a CSV
    /// dataset in the metadata file beside it, which holds everything but the facts.
    pub fn locate_top(&self, pointer: &str) -> Location {
        let file = self.inputs.iter().map(|(f, _)| f.as_str()).find(|f| *f != self.file).unwrap_or(&self.file);
        Location::pointer(file, pointer)
    }
}

/// Read a dataset from a path: `.json`, or `.csv` with its metadata beside it.
pub fn read_path(path: &Path) -> Result<Dataset, Vec<Diagnostic>> {
    let shown = path.display().to_string();
    let ext = path.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase());
    if ext.as_deref() == Some("json") {
        return from_json_file(path, &shown);
    }
    let bytes = crate::input::read_file(path, &shown).map_err(|d| vec![d])?;
    match ext.as_deref() {
        Some("csv") => csv::read(path, &shown, bytes),
        Some("xlsx") => xlsx::read(&shown, bytes),
        _ => Err(vec![
            Diagnostic::error(Code::E0004, Location::file(&shown), "unknown dataset file type")
                .with_hint("datasets are .json, .csv or .xlsx files; `esgx validate` also reads filings (.xbrl or .xml XBRL instances, xBRL-JSON .json)"),
        ]),
    }
}

/// Read a dataset from a file or a bundled example.
pub fn read_input(input: &Input) -> Result<Dataset, Vec<Diagnostic>> {
    match input {
        Input::Path(p) => read_path(p),
        Input::Example(e) => from_json_bytes(e.path, e.json.as_bytes().to_vec()),
        Input::Bytes { name, bytes } => from_json_bytes(name, bytes.to_vec()),
    }
}

/// The largest JSON dataset read into the tree and the typed dataset side by side. Both alive
/// at once take about 4.7 times the text (a 1M-fact dataset of 187 MB peaked at 3,291 MiB read
/// both ways at once, at 2,565 MiB one after the other, RSS); a larger text is read one way after
/// the other, the tree deserialized as it is freed.
const BOTH_READINGS_UP_TO: usize = 64 << 20;

/// Parse and check a JSON dataset.
///
/// A dataset that passes every check is read record by record ([`read_streamed`]). Otherwise, up
/// to [`BOTH_READINGS_UP_TO`] bytes, the text is read twice, side by side on two cores: into a
/// tree, which the schema and the character check need, and straight into the dataset's types,
/// which is quicker than deserializing the tree afterwards (at 100,000 facts the tree and its
/// deserializing were 0.48 s on one core, perf). The tree decides: whatever it finds (a syntax
/// error, a key given twice, a schema finding) is what is reported, and the typed reading is used
/// only when it finds nothing.
pub fn from_json_bytes(file: &str, bytes: Vec<u8>) -> Result<Dataset, Vec<Diagnostic>> {
    // The text is read where it lies (a copy of it cost as much as the file is large).
    let text = decode_str(file, &bytes).map_err(|d| vec![d])?;
    match read_streamed(serde_json::de::SliceRead::new(text.as_bytes()), text.len() as u64) {
        Some(doc) => Ok(Dataset::streamed(file, doc, InputFile::Bytes(bytes))),
        None => from_tree(file, bytes),
    }
}

/// From this size on, a JSON dataset file is read as it streams in from the file (below it, its
/// bytes are read whole: parsing them in memory is quicker, 0.05 s of 0.5 s at 100,000 facts).
const STREAMED_FROM_BYTES: u64 = if cfg!(test) { 64 << 10 } else { 32 << 20 };

/// A JSON dataset file, read as [`from_json_bytes`] reads its bytes; from
/// [`STREAMED_FROM_BYTES`] on, as it streams in from the file: when it passes every check its
/// text is never held whole, only its digest, and findings are located by reading it again.
/// Otherwise it is read whole.
fn from_json_file(path: &Path, shown: &str) -> Result<Dataset, Vec<Diagnostic>> {
    use sha2::Digest;
    use std::io::Read;
    let whole = || crate::input::read_file(path, shown).map_err(|d| vec![d]);
    let (file, len) = crate::input::open_file(path, shown).map_err(|d| vec![d])?;
    if len < STREAMED_FROM_BYTES {
        return from_json_bytes(shown, whole()?);
    }
    let limit = crate::input::max_input_bytes();
    let mut hashing = Hashing { inner: file.take(limit + 1), sha: sha2::Sha256::new(), read: 0 };
    let mut head = Vec::with_capacity(3);
    (&mut hashing).take(3).read_to_end(&mut head).map_err(|e| vec![crate::input::cannot_read(shown, e)])?;
    // A UTF-8 byte order mark is left out, as the text of the bytes leaves it out; a UTF-16 one
    // is refused by the reading of the bytes.
    let utf16 = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    let text_head = if head == [0xEF, 0xBB, 0xBF] { &[][..] } else { &head[..] };
    let reader = std::io::BufReader::with_capacity(1 << 16, text_head.chain(&mut hashing));
    let doc = if utf16 { None } else { read_streamed(serde_json::de::IoRead::new(reader), len) };
    match doc {
        Some(doc) if hashing.read <= limit => {
            let (sha256, size) = (hashing.sha.finalize().into(), hashing.read);
            Ok(Dataset::streamed(shown, doc, InputFile::Streamed { path: path.to_path_buf(), sha256, size }))
        }
        _ => from_tree(shown, whole()?),
    }
}

/// [`from_json_bytes`] of a dataset that is not read as it streams in: whole, as a tree.
fn from_tree(file: &str, bytes: Vec<u8>) -> Result<Dataset, Vec<Diagnostic>> {
    let text = decode_str(file, &bytes).map_err(|d| vec![d])?;
    let located = |records: usize| FactLocations::Pointers { file: file.to_string(), records };
    let locate = |p: &str| Location::pointer(file, p);
    let tree = || {
        let value = parse_json(file, text)?;
        let found = check_tree(&value, Some(text), &locate);
        Ok((value, found))
    };
    let (tree, typed) = if text.len() <= BOTH_READINGS_UP_TO {
        let (tree, typed) = rayon::join(tree, || serde_json::from_str::<DatasetDoc>(text));
        (tree, typed.ok())
    } else {
        (tree(), None)
    };
    let (value, found) = tree.map_err(|d| vec![d])?;
    let n = value.get("facts").and_then(Value::as_array).map_or(0, Vec::len);
    from_checked(file, (value, found, typed), located(n), &locate, vec![(file.to_string(), bytes)])
}

/// The dataset schema's fact record alone: each record of a streamed dataset is checked on its own.
fn fact_schema() -> &'static Schema {
    static S: OnceLock<Schema> = OnceLock::new();
    S.get_or_init(|| {
        let mut whole: Value = serde_json::from_str(SCHEMA_TEXT).expect("bundled JSON Schema is valid JSON");
        let record = serde_json::json!({
            "$schema": whole["$schema"].take(),
            "$defs": whole["$defs"].take(),
            "$ref": "#/$defs/fact",
        });
        Schema::compile(&record.to_string())
    })
}

/// A JSON dataset read without a tree of the whole document, as its `text` (`len` bytes long)
/// comes in: the members other than the facts as a tree, checked against the schema, and the
/// fact records parsed, checked against the record's schema and deserialized in batches as they
/// are read, each batch on every core.
/// `None` unless all of it passes (no syntax error, no key given twice, no schema finding, no
/// character XML cannot carry): where anything is wrong, the whole tree is read and says what and
/// where, as before. At 1,000,000 facts the tree was over half of a validation's peak memory, and
/// the text held while the records were read a sixth (RSS).
///
/// The text is read on a thread of its own, which hands the records over a batch at a time; the
/// calling thread parses them meanwhile. (The other way round, a rayon thread reading and waiting
/// for its batches to be parsed on the pool, stalls when every thread of the pool does so: an
/// export of many datasets at once.)
fn read_streamed<'de>(text: impl serde_json::de::Read<'de> + Send, len: u64) -> Option<DatasetDoc> {
    let (batches, received) = std::sync::mpsc::sync_channel(1);
    let (rest, facts) = std::thread::scope(|s| {
        // A thread that cannot be made lets its batches go at once: the text is read whole.
        let reading = std::thread::Builder::new().spawn_scoped(s, move || {
            let mut de = serde_json::Deserializer::new(text);
            let rest = serde::de::DeserializeSeed::deserialize(Members { batches }, &mut de).ok()?;
            de.end().ok()?;
            Some(rest)
        });
        // Returning early lets the batches go, which stops the reading.
        let facts = parse_batches(received, len);
        let rest = reading.ok().and_then(|r| r.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        (rest, facts)
    });
    let (mut rest, true) = rest? else { return None };
    rest.insert("facts".into(), Value::Array(Vec::new()));
    let rest = Value::Object(rest);
    if !schema().is_valid(&rest) {
        return None;
    }
    let mut doc: DatasetDoc = serde_json::from_value(rest).ok()?;
    doc.facts = facts?;
    Some(doc)
}

/// A batch of fact records as read, each its JSON text.
type Batch = Vec<Box<serde_json::value::RawValue>>;

/// The records of the batches received, in order, each batch parsed on every core; `None` as
/// soon as one is not [`clean_record`].
fn parse_batches(batches: std::sync::mpsc::Receiver<Batch>, len: u64) -> Option<Vec<FactRecord>> {
    use rayon::prelude::*;
    let mut records: Vec<FactRecord> = Vec::new();
    let mut parsed = Vec::new();
    for batch in batches {
        if records.is_empty() {
            // Room for as many records as the whole text would hold of the first batch's (a
            // list grown by doubling holds its old and new copies at once; room never used is
            // never touched).
            let text: u64 = batch.iter().map(|r| r.get().len() as u64).sum();
            let expected = (batch.len() as u64).saturating_mul(len) / text.max(1);
            records.reserve(usize::try_from(expected).unwrap_or(0));
        }
        batch.par_iter().map(|r| clean_record(r.get())).collect_into_vec(&mut parsed);
        if parsed.iter().any(Option::is_none) {
            return None;
        }
        records.extend(parsed.drain(..).flatten());
    }
    Some(records)
}

/// Whether a JSON text can hold no character XML cannot carry: control characters come into
/// JSON strings only escaped (`\u`).
fn clean(json: &str) -> bool {
    !json.contains("\\u") && crate::xml::first_illegal_char(json).is_none()
}

/// A JSON text of any value as a tree, if it is [`clean`] and gives no key twice.
fn clean_tree(json: &str) -> Option<Value> {
    if !clean(json) {
        return None;
    }
    let repeated = std::cell::Cell::new(false);
    let mut de = serde_json::Deserializer::from_str(json);
    serde::de::DeserializeSeed::deserialize(crate::input::UniqueKeys(&repeated), &mut de).ok()
}

/// A fact record from its JSON text, if it is clean and passes the record's schema.
fn clean_record(json: &str) -> Option<FactRecord> {
    let record = clean_tree(json)?;
    fact_schema().is_valid(&record).then_some(())?;
    serde_json::from_value(record).ok()
}

/// Records parsed side by side, as they are read, this many at a time.
const BATCH: usize = 16_384;

/// A dataset's top-level members but the facts as a tree, and whether there were facts: their
/// records are handed over in batches as [`Records`] reads them. A key given twice, a member that
/// is not clean or facts that are no array end the parse with an error.
struct Members {
    batches: std::sync::mpsc::SyncSender<Batch>,
}

type MembersRead = (serde_json::Map<String, Value>, bool);

impl<'de> serde::de::DeserializeSeed<'de> for Members {
    type Value = MembersRead;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Members {
    type Value = MembersRead;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let stop = |why: &str| serde::de::Error::custom(why);
        let mut rest = serde_json::Map::new();
        let mut facts = false;
        while let Some(key) = map.next_key::<String>()? {
            if crate::xml::first_illegal_char(&key).is_some() {
                return Err(stop("a key holds a character XML cannot carry"));
            }
            if key == "facts" {
                if facts {
                    return Err(stop("a key appears twice in one object"));
                }
                map.next_value_seed(Records(&self.batches))?;
                facts = true;
                continue;
            }
            let raw: Box<serde_json::value::RawValue> = map.next_value()?;
            let value = clean_tree(raw.get()).ok_or_else(|| stop("a member is not clean"))?;
            if rest.insert(key, value).is_some() {
                return Err(stop("a key appears twice in one object"));
            }
        }
        Ok((rest, facts))
    }
}

/// The fact records of a dataset, each kept as its text as it is read and handed over in
/// batches of [`BATCH`]. An error when they are not wanted any more (one was not clean).
struct Records<'c>(&'c std::sync::mpsc::SyncSender<Batch>);

impl<'de> serde::de::DeserializeSeed<'de> for Records<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Records<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of fact records")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let not_wanted = |_| serde::de::Error::custom("a fact record is not clean");
        let mut batch = Vec::with_capacity(BATCH);
        while let Some(record) = seq.next_element()? {
            batch.push(record);
            if batch.len() == BATCH {
                self.0.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH))).map_err(not_wanted)?;
            }
        }
        if !batch.is_empty() {
            self.0.send(batch).map_err(not_wanted)?;
        }
        Ok(())
    }
}

/// A reader that hashes the bytes read through it and counts them.
struct Hashing<R> {
    inner: R,
    sha: sha2::Sha256,
    read: u64,
}

impl<R: std::io::Read> std::io::Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use sha2::Digest;
        let n = self.inner.read(buf)?;
        self.sha.update(&buf[..n]);
        self.read += n as u64;
        Ok(n)
    }
}

/// Strings (and keys) holding a character XML 1.0 cannot carry, at their JSON pointer.
/// `pointer` is the value's pointer, a buffer grown and cut back on the way down (a pointer
/// string for each value read would cost more than the check).
fn unwritable_chars(pointer: &mut String, v: &Value, locate: &dyn Fn(&str) -> Location, errs: &mut Vec<Diagnostic>) {
    use std::fmt::Write as _;
    const MAX: usize = 20;
    let check = |s: &str, at: &str, errs: &mut Vec<Diagnostic>| {
        if errs.len() < MAX
            && let Some((_, c)) = crate::xml::first_illegal_char(s)
        {
            errs.push(
                Diagnostic::error(
                    Code::E0008,
                    locate(at),
                    format!(
                        "the text holds the control character U+{:04X}, which an XBRL filing cannot carry",
                        c as u32
                    ),
                )
                .with_hint("remove the character (copying from a PDF or spreadsheet can bring it in)"),
            );
        }
    };
    match v {
        Value::String(s) => check(s, pointer, errs),
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                let len = pointer.len();
                let _ = write!(pointer, "/{i}");
                unwritable_chars(pointer, x, locate, errs);
                pointer.truncate(len);
            }
        }
        Value::Object(o) => {
            for (k, x) in o {
                let len = pointer.len();
                pointer.push('/');
                for c in k.chars() {
                    match c {
                        '~' => pointer.push_str("~0"),
                        '/' => pointer.push_str("~1"),
                        c => pointer.push(c),
                    }
                }
                check(k, pointer, errs);
                unwritable_chars(pointer, x, locate, errs);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

pub(crate) fn from_value(
    file: &str,
    value: Value,
    fact_locations: FactLocations,
    locate: &dyn Fn(&str) -> Location,
    inputs: Vec<(String, Vec<u8>)>,
) -> Result<Dataset, Vec<Diagnostic>> {
    let found = check_tree(&value, None, locate);
    from_checked(file, (value, found, None), fact_locations, locate, inputs)
}

/// What the schema and the XML character check find in a dataset's tree.
struct TreeFindings {
    schema: Vec<Diagnostic>,
    chars: Vec<Diagnostic>,
}

/// `text` is the JSON the tree was read from, if it was. A text with no `\u` escape and no
/// character XML refuses cannot hold such a character in its tree either (JSON carries control
/// characters in strings only escaped), and then the tree is not walked for them.
fn check_tree(value: &Value, text: Option<&str>, locate: &dyn Fn(&str) -> Location) -> TreeFindings {
    // XML cannot carry control characters: refuse them here rather than write an XBRL instance
    // and an xBRL-JSON report that disagree.
    let mut chars = Vec::new();
    if !text.is_some_and(clean) {
        unwritable_chars(&mut String::new(), value, locate, &mut chars);
    }
    TreeFindings { schema: schema().check(value, locate, SCHEMA_HINT), chars }
}

/// The dataset, from its checked tree: `typed` is the same document deserialized from its text,
/// taken when the tree passed, or else the tree is deserialized.
fn from_checked(
    file: &str,
    (value, found, typed): (Value, TreeFindings, Option<DatasetDoc>),
    fact_locations: FactLocations,
    locate: &dyn Fn(&str) -> Location,
    inputs: Vec<(String, Vec<u8>)>,
) -> Result<Dataset, Vec<Diagnostic>> {
    let TreeFindings { schema: mut found, chars: mut errs } = found;
    let read = match typed {
        _ if !found.is_empty() => Err(std::mem::take(&mut found)),
        Some(doc) => {
            // The tree is done with; freeing its 100,000s of nodes is left to another core.
            rayon::spawn(move || drop(value));
            Ok(doc)
        }
        None => Schema::deserialize::<DatasetDoc>(value, locate, (SCHEMA_HINT, Code::E0100, "dataset: ")),
    };
    let doc = match read {
        Ok(doc) if errs.is_empty() => doc,
        Ok(_) => {
            crate::locate::locate(&mut errs, &crate::input::held_bytes(&inputs));
            return Err(errs);
        }
        Err(mut found) => {
            found.append(&mut errs);
            crate::locate::locate(&mut found, &crate::input::held_bytes(&inputs));
            return Err(found);
        }
    };
    let inputs = inputs.into_iter().map(|(f, b)| (f, InputFile::Bytes(b))).collect();
    Ok(Dataset { file: file.to_string(), doc, fact_locations, inputs, cells: Default::default() })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`read_streamed`] of a text.
    fn streamed(text: &str) -> Option<DatasetDoc> {
        read_streamed(serde_json::de::SliceRead::new(text.as_bytes()), text.len() as u64)
    }

    /// Every bundled example, read record by record, is the document read whole.
    #[test]
    fn a_dataset_read_record_by_record_is_the_document_read_whole() {
        for e in EXAMPLES {
            let streamed = streamed(e.json).unwrap_or_else(|| panic!("{} reads record by record", e.name));
            let whole: DatasetDoc = serde_json::from_str(e.json).unwrap();
            assert!(!whole.facts.is_empty());
            assert_eq!(serde_json::to_value(&streamed).unwrap(), serde_json::to_value(&whole).unwrap(), "{}", e.name);
        }
    }

    /// The main example with its records repeated past two batches.
    fn many_records() -> String {
        let mut doc: Value = serde_json::from_str(example("qifu-2023").unwrap().json).unwrap();
        let facts = doc["facts"].as_array().unwrap().clone();
        let more: Vec<Value> = facts.iter().cycle().take(2 * BATCH + 7).cloned().collect();
        doc["facts"] = Value::Array(more);
        serde_json::to_string_pretty(&doc).unwrap()
    }

    /// Records read in several batches come out all, in order; one record not clean in the last
    /// batch leaves the whole dataset to the tree.
    #[test]
    fn records_read_in_batches_are_all_read_in_order() {
        let text = many_records();
        let whole: DatasetDoc = serde_json::from_str(&text).unwrap();
        let read = streamed(&text).expect("reads record by record");
        assert_eq!(read.facts.len(), 2 * BATCH + 7);
        assert_eq!(serde_json::to_value(&read).unwrap(), serde_json::to_value(&whole).unwrap());
        let last = text.rfind("\"concept\"").unwrap();
        let broken = format!("{}\"unknownField\": 1, {}", &text[..last], &text[last..]);
        assert!(streamed(&broken).is_none());
    }

    /// A dataset file read as it streams in is the dataset read from its bytes, but kept as its
    /// path and the digest of its bytes (a byte order mark included), and read again to locate
    /// findings; a file with anything wrong is read whole, and its findings are those of its
    /// bytes.
    #[test]
    fn a_dataset_file_is_read_as_it_streams_in_and_not_held() {
        use sha2::Digest;
        let dir = std::env::temp_dir().join(format!("esgx-streamed-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let text = many_records();
        for (name, bytes) in
            [("d.json", text.clone().into_bytes()), ("bom.json", [b"\xEF\xBB\xBF", text.as_bytes()].concat())]
        {
            let path = dir.join(name);
            std::fs::write(&path, &bytes).unwrap();
            let from_file = read_path(&path).unwrap();
            let from_bytes = from_json_bytes(&path.display().to_string(), bytes.clone()).unwrap();
            assert_eq!(serde_json::to_value(&from_file.doc).unwrap(), serde_json::to_value(&from_bytes.doc).unwrap());
            let [(shown, InputFile::Streamed { path: kept, sha256, size })] = &from_file.inputs[..] else {
                panic!("{name}: {:?}", from_file.inputs.iter().map(|(f, _)| f).collect::<Vec<_>>())
            };
            assert_eq!((shown, kept), (&path.display().to_string(), &path));
            assert_eq!((&sha256[..], *size), (&sha2::Sha256::digest(&bytes)[..], bytes.len() as u64), "{name}");
            assert!(matches!(from_file.held_inputs()[0].1, crate::input::Held::Reread(_)));
        }
        let broken = text.replacen("\"concept\"", "\"concept\": \"X\", \"concept\"", 1);
        let path = dir.join("broken.json");
        std::fs::write(&path, &broken).unwrap();
        let from_file = read_path(&path).unwrap_err();
        let from_bytes = from_json_bytes(&path.display().to_string(), broken.into_bytes()).unwrap_err();
        assert_eq!(format!("{from_file:?}"), format!("{from_bytes:?}"));
        assert!(from_file[0].location.line.is_some(), "{from_file:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A breakdown reads, orders and writes its pairs as the map it replaced did.
    #[test]
    fn a_breakdown_is_a_map_in_order_of_its_axes() {
        let text = r#"{"SiteAxis": "HongKongMember", "GenderAxis": "FemaleMember", "AgeAxis": "Under30Member"}"#;
        let b: Breakdown = serde_json::from_str(text).unwrap();
        let m: BTreeMap<String, String> = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_string(&b).unwrap(), serde_json::to_string(&m).unwrap());
        assert_eq!(b.iter().map(|(a, _)| a.as_str()).collect::<Vec<_>>(), ["AgeAxis", "GenderAxis", "SiteAxis"]);
        assert_eq!(b.get("GenderAxis").map(String::as_str), Some("FemaleMember"));
        assert_eq!(b.get("Gender"), None);
        assert_eq!((b.len(), Breakdown::default().is_empty()), (3, true));
        let twice: Breakdown =
            [("A", "1"), ("B", "2"), ("A", "3")].map(|(a, m)| (a.into(), m.into())).into_iter().collect();
        assert_eq!(serde_json::to_string(&twice).unwrap(), r#"{"A":"3","B":"2"}"#);
    }

    /// Anything wrong, anywhere, leaves the dataset to the whole tree, whose findings say what.
    #[test]
    fn a_dataset_with_anything_wrong_is_left_to_the_tree() {
        let e = example("qifu-2023").unwrap();
        let facts = e.json.find("\"facts\": [").expect("facts");
        let first = facts + e.json[facts..].find("\"concept\"").expect("a fact record");
        let top = e.json.find("\"entity\"").expect("an entity");
        let broken = [
            // A key twice in a record; a record the schema refuses; a control character.
            format!("{}\"concept\": \"X\", {}", &e.json[..first], &e.json[first..]),
            format!("{}\"unknownField\": 1, {}", &e.json[..first], &e.json[first..]),
            format!("{}\"note\": \"\\u0001\", {}", &e.json[..first], &e.json[first..]),
            // The top level: a key twice, a member the schema refuses, facts that are no array.
            format!("{}\"entity\": {{}}, {}", &e.json[..top], &e.json[top..]),
            format!("{}\"unknownMember\": 1, {}", &e.json[..top], &e.json[top..]),
            format!("{}\"facts\": 7, {}", &e.json[..top], &e.json[top..].replacen("\"facts\"", "\"facts0\"", 1)),
            // A top-level key holding a control character.
            format!("{}\"x\\u0001\": 1, {}", &e.json[..top], &e.json[top..]),
            // Text after the document.
            format!("{} []", e.json),
        ];
        for text in &broken {
            let at =
                text.char_indices().zip(e.json.char_indices()).find(|(a, b)| a != b).map(|((i, _), _)| i).unwrap_or(0);
            assert!(streamed(text).is_none(), "{}", &text[at.saturating_sub(60)..(at + 80).min(text.len())]);
            assert!(from_json_bytes("d.json", text.clone().into_bytes()).is_err());
        }
    }
}
