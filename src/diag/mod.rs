//! Diagnostics: what esgx found, where, and what to do about it.
//!
//! Every finding has a stable code, a severity, a message, a location in the input and, where one
//! helps, a hint. Renderers turn a list of them into text for people or JSON for machines.

pub mod codes;
pub use codes::Code;

use serde::Serialize;
use std::fmt;
use std::fmt::Write as _;

/// How serious a finding is: an export fails on any error; `validate` fails on findings at or
/// above `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing, nothing to fix (e.g. a consistent duplicate).
    Info,
    /// Probably wrong or incomplete, but the filing can still be made (e.g. a source report's own
    /// contradiction).
    Warning,
    /// Wrong: the input cannot be read, or cannot be filed as it is.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// Where a finding points: a file, and inside it a line (CSV, XML) or a JSON pointer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The file, as the user named it (or a bundled example's repository path).
    pub file: String,
    /// The 1-based line in the file (CSV, XML, or JSON once located), if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The JSON pointer to the offending value (e.g. `/facts/12/value`), for a JSON input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// A cell of a workbook: sheet and cell reference, `A1!C7`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    /// The 1-based columns (in characters) of the offending text on `line`: its first, and the
    /// one after its last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// The 1-based column (in characters) just after the offending text on `line`.
    #[serde(rename = "endColumn", skip_serializing_if = "Option::is_none")]
    pub end_column: Option<u32>,
    /// The text of `line` (of a long line, the part around the offending text), for showing it
    /// under the finding.
    #[serde(skip)]
    pub source_line: Option<String>,
    /// The column `source_line` starts at (1, or more when only part of a long line is kept).
    #[serde(skip)]
    pub source_from: u32,
}

impl Location {
    /// A whole file.
    pub fn file(file: impl Into<String>) -> Self {
        Location { file: file.into(), ..Default::default() }
    }
    /// A value in a JSON file, by its JSON pointer.
    pub fn pointer(file: impl Into<String>, pointer: impl Into<String>) -> Self {
        Location { file: file.into(), pointer: Some(pointer.into()), ..Default::default() }
    }
    /// A line of a file (1-based).
    pub fn line(file: impl Into<String>, line: u64) -> Self {
        Location { file: file.into(), line: Some(line), ..Default::default() }
    }
    /// A cell of a workbook: `sheet` and `reference` (`C7`).
    pub fn cell(file: impl Into<String>, sheet: &str, reference: &str) -> Self {
        Location { file: file.into(), cell: Some(format!("{sheet}!{reference}")), ..Default::default() }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A workbook cell as spreadsheets write a reference to another workbook's cell.
        if let Some(c) = &self.cell {
            return write!(f, "[{}]{c}", self.file);
        }
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        if let Some(p) = &self.pointer {
            write!(f, "#{p}")?;
        }
        Ok(())
    }
}

/// Where a fact was read from: a file, and in it a line, a JSON pointer or a workbook cell.
///
/// A [`Location`] cut down to what a fact needs, since every fact holds one: the file's name is
/// shared by the facts read from one file, and there is no room for columns or the quoted line
/// (a finding about the fact gets those from [`Origin::location`] and the input).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    file: std::sync::Arc<str>,
    place: Place,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Place {
    File,
    Line(u64),
    Pointer(Box<str>),
    Cell(Box<str>),
}

impl Origin {
    /// The origin `loc` names, sharing `file` (and replacing it, for the next fact) when `loc`
    /// is in a file of another name. A location with a cell keeps the cell; one with a pointer,
    /// the pointer; otherwise the line.
    pub fn shared(loc: &Location, file: &mut std::sync::Arc<str>) -> Origin {
        if *loc.file != **file {
            *file = loc.file.as_str().into();
        }
        let place = match (&loc.cell, &loc.pointer, loc.line) {
            (Some(c), _, _) => Place::Cell(c.as_str().into()),
            (None, Some(p), _) => Place::Pointer(p.as_str().into()),
            (None, None, Some(l)) => Place::Line(l),
            (None, None, None) => Place::File,
        };
        Origin { file: file.clone(), place }
    }

    /// A line of `file` (1-based).
    pub fn line(file: &std::sync::Arc<str>, line: u64) -> Origin {
        Origin { file: file.clone(), place: Place::Line(line) }
    }

    /// A value in `file`, a JSON file, by its JSON pointer.
    pub fn pointer(file: &std::sync::Arc<str>, pointer: &str) -> Origin {
        Origin { file: file.clone(), place: Place::Pointer(pointer.into()) }
    }

    /// The origin as a location, for a finding about the fact.
    pub fn location(&self) -> Location {
        let file = self.file.to_string();
        match &self.place {
            Place::File => Location::file(file),
            Place::Line(l) => Location::line(file, *l),
            Place::Pointer(p) => Location::pointer(file, &**p),
            Place::Cell(c) => Location { file, cell: Some(c.to_string()), ..Default::default() },
        }
    }
}

impl From<&Location> for Origin {
    fn from(loc: &Location) -> Origin {
        Origin::shared(loc, &mut std::sync::Arc::from(loc.file.as_str()))
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.place {
            Place::Cell(c) => write!(f, "[{}]{c}", self.file),
            Place::File => f.write_str(&self.file),
            Place::Line(l) => write!(f, "{}:{l}", self.file),
            Place::Pointer(p) => write!(f, "{}#{p}", self.file),
        }
    }
}

/// A finding: what esgx found (code, severity, message), where, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The stable code (`E0210`, `W0301` ...), documented in `docs/diagnostics.md`.
    pub code: Code,
    /// How serious it is; always the severity of its code.
    pub severity: Severity,
    /// What was found, in the input's terms (cut after [`MAX_MESSAGE_CHARS`] characters).
    pub message: String,
    /// Where in the input it was found.
    pub location: Location,
    /// What to do about it, if a hint helps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Ids of the facts involved, when the finding is about facts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<String>,
    /// What a finding without facts is about (a requirement code, say), for stable identity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// A stable identity of the finding across runs, for baselines and code scanning: its code
    /// and what it is about (the facts' concept, period and breakdown, not their ids).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub fingerprint: String,
}

/// Messages quote values; a hostile input's value can be megabytes long. Past this many
/// characters a message is cut.
pub const MAX_MESSAGE_CHARS: usize = 2_000;

fn cut(message: String) -> String {
    if message.len() <= MAX_MESSAGE_CHARS {
        return message;
    }
    let total = message.chars().count();
    if total <= MAX_MESSAGE_CHARS {
        return message;
    }
    let mut s: String = message.chars().take(MAX_MESSAGE_CHARS).collect();
    s.push_str(&format!("… ({} more characters)", total - MAX_MESSAGE_CHARS));
    s
}

impl Diagnostic {
    /// A finding of a code with its severity (which must be the code's), location and message.
    pub fn new(code: Code, severity: Severity, location: Location, message: impl Into<String>) -> Self {
        debug_assert_eq!(severity, code.severity(), "{code} is always of one severity");
        Diagnostic {
            code,
            severity,
            message: cut(message.into()),
            location,
            hint: None,
            facts: Vec::new(),
            subject: None,
            fingerprint: String::new(),
        }
    }
    /// An error finding.
    pub fn error(code: Code, location: Location, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, location, message)
    }
    /// A warning finding.
    pub fn warning(code: Code, location: Location, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, location, message)
    }
    /// The finding with a hint on what to do.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    /// The finding with what it is about when no fact is (e.g. a requirement code).
    pub fn with_subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }
    /// The finding with the ids of the facts it is about added.
    pub fn with_facts(mut self, facts: impl IntoIterator<Item = String>) -> Self {
        self.facts.extend(facts);
        self
    }
}

/// The human rendering, without colour.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(human_diagnostic(self, false).trim_end())
    }
}

// The one text rendering of a finding, for people: used by `Display`, the CLI's stderr and the
// human report of `validate`.

/// The styles of a finding's parts, as a terminal shows them.
pub mod style {
    use anstyle::{AnsiColor, Style};
    /// Errors, and the `error:` of a usage problem.
    pub const ERROR: Style = Style::new().bold().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)));
    /// Warnings.
    pub const WARNING: Style = Style::new().bold().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));
    /// Infos.
    pub const INFO: Style = Style::new().bold().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Cyan)));
    /// The gutter: `-->`, `|` and line numbers.
    pub const GUTTER: Style = Style::new().bold().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Blue)));
    /// The message.
    pub const EMPHASIS: Style = Style::new().bold();
}

/// `text` in `style` when `colour` is on, as it is otherwise.
pub fn paint(colour: bool, style: anstyle::Style, text: &str) -> String {
    if colour { format!("{style}{text}{style:#}") } else { text.to_string() }
}

/// Text from the input made safe for a terminal: control characters (escape sequences, BEL,
/// line breaks) and the bidirectional overrides that can disguise text are shown escaped, so an
/// input cannot clear the screen, forge extra findings or reorder what is shown.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}') {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Columns a character takes on a terminal: two for East Asian wide characters.
fn width(c: char) -> usize {
    match c as u32 {
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 => 2,
        _ => 1,
    }
}

/// The source line with the offending text underlined, cut to a window around it when long.
fn snippet(line_text: &str, column: Option<u32>, end_column: Option<u32>) -> (String, String) {
    const CONTEXT: usize = 60;
    let chars: Vec<char> = line_text.chars().collect();
    let (start, end) = match (column, end_column) {
        (Some(c), Some(e)) if c >= 1 && e > c => ((c - 1) as usize, (e - 1) as usize),
        (Some(c), _) if c >= 1 => ((c - 1) as usize, c as usize),
        _ => (0, 0),
    };
    let start = start.min(chars.len());
    let end = end.clamp(start, chars.len());
    let from = start.saturating_sub(CONTEXT);
    let to = (end + CONTEXT).min(chars.len()).max(from);
    let mut text = String::new();
    let mut marks = String::new();
    if from > 0 {
        text.push('…');
        marks.push(' ');
    }
    let shown_end = end.min(start + 2 * CONTEXT);
    for (i, &c) in chars.iter().enumerate().take(to).skip(from) {
        let shown = if c == '\t' { " ".to_string() } else { printable(&c.to_string()) };
        let w: usize = shown.chars().map(width).sum();
        text.push_str(&shown);
        let mark = if i >= start && i < shown_end { '^' } else { ' ' };
        marks.extend(std::iter::repeat_n(mark, w));
    }
    if to < chars.len() {
        text.push('…');
    }
    (text.trim_end().to_string(), marks.trim_end().to_string())
}

/// One finding for people, like rustc: the message, where it is, the source line with the
/// offending value underlined, the facts involved and a hint.
pub fn human_diagnostic(d: &Diagnostic, colour: bool) -> String {
    let (sev, c) = match d.severity {
        Severity::Error => ("error", style::ERROR),
        Severity::Warning => ("warning", style::WARNING),
        Severity::Info => ("info", style::INFO),
    };
    let loc = &d.location;
    let gutter = loc.line.map_or(1, |l| l.to_string().len());
    let pad = " ".repeat(gutter);
    let blue = |t: &str| paint(colour, style::GUTTER, t);
    let mut s = format!(
        "{}{} {}\n",
        paint(colour, c, &format!("{sev}[{}]", d.code)),
        paint(colour, style::EMPHASIS, ":"),
        paint(colour, style::EMPHASIS, &printable(&d.message))
    );
    let _ = writeln!(s, "{pad}{} {}", blue("-->"), printable(&loc.to_string()));
    if let (Some(line), Some(text)) = (loc.line, &loc.source_line) {
        let shift = |c: u32| c.saturating_sub(loc.source_from.max(1)) + 1;
        let (shown, marks) = snippet(text, loc.column.map(shift), loc.end_column.map(shift));
        let _ = writeln!(s, "{pad} {}", blue("|"));
        let _ = writeln!(s, "{} {} {}", blue(&line.to_string()), blue("|"), shown);
        if !marks.trim().is_empty() {
            let _ = writeln!(s, "{pad} {} {}", blue("|"), paint(colour, c, &marks));
        }
        let _ = writeln!(s, "{pad} {}", blue("|"));
    }
    if !d.facts.is_empty() {
        let _ = writeln!(s, "{pad} {} facts: {}", blue("="), printable(&d.facts.join(", ")));
    }
    if let Some(h) = &d.hint {
        let _ = writeln!(s, "{pad} {} {}", blue("= help:"), printable(h));
    }
    s
}

/// "1 error", "2 errors".
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

/// Counts by severity, as written into the manifest and the JSON rendering.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// The number of errors.
    pub errors: usize,
    /// The number of warnings.
    pub warnings: usize,
    /// The number of infos.
    pub infos: usize,
}

impl Summary {
    /// The counts of a list of findings.
    pub fn of(diags: &[Diagnostic]) -> Self {
        let mut s = Summary::default();
        for d in diags {
            match d.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
        }
        s
    }
}

/// Whether any finding is an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error)
}

#[cfg(test)]
mod origin_tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn an_origin_reads_and_shows_as_the_location_it_was_made_from() {
        let cell = Location::cell("book.xlsx", "Facts", "C7");
        for loc in
            [Location::file("a.xbrl"), Location::line("a.csv", 12), Location::pointer("d.json", "/facts/3"), cell]
        {
            let o = Origin::from(&loc);
            assert_eq!(o.location(), loc);
            assert_eq!(o.to_string(), loc.to_string());
        }
        // Columns and the quoted line are a finding's, not a fact's: they are not kept.
        let mut wide = Location::line("a.csv", 4);
        wide.column = Some(3);
        assert_eq!(Origin::from(&wide).location(), Location::line("a.csv", 4));
    }

    #[test]
    fn facts_of_one_file_share_its_name() {
        let mut file: Arc<str> = "d.json".into();
        let a = Origin::shared(&Location::pointer("d.json", "/facts/0"), &mut file);
        let b = Origin::shared(&Location::pointer("d.json", "/facts/1"), &mut file);
        assert!(Arc::ptr_eq(&a.file, &b.file));
        let c = Origin::shared(&Location::line("m.csv", 2), &mut file);
        assert_eq!((&*c.file, &*file), ("m.csv", "m.csv"));
        assert!(!Arc::ptr_eq(&a.file, &c.file));
        // Made from a shared name directly: the same as through a location.
        let d: Arc<str> = "f.xbrl".into();
        assert_eq!(Origin::line(&d, 9), Origin::from(&Location::line("f.xbrl", 9)));
        assert_eq!(Origin::pointer(&d, "/facts/x").to_string(), "f.xbrl#/facts/x");
        assert!(Arc::ptr_eq(&Origin::line(&d, 1).file, &d));
    }
}
