//! Reading input files safely: text encoding, JSON syntax and JSON Schema checks, each failure a
//! diagnostic that names the file and the place.

use crate::diag::{Diagnostic, Location};
use serde_json::Value;

/// Turn raw bytes into text: UTF-8 only (a BOM is dropped), with a clear word for UTF-16 and for
/// bytes that are not UTF-8 at all.
pub fn decode_text(file: &str, bytes: &[u8]) -> Result<String, Diagnostic> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Diagnostic::error(
            "E0002",
            Location::file(file),
            "the file is UTF-16 encoded; esgx reads UTF-8 text",
        )
        .with_hint("save the file as UTF-8 (in a spreadsheet: CSV UTF-8)"));
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_owned()),
        Err(e) => {
            let offset = e.valid_up_to();
            let line = bytes[..offset].iter().filter(|b| **b == b'\n').count() as u64 + 1;
            Err(Diagnostic::error(
                "E0002",
                Location::line(file, line),
                format!("the file is not valid UTF-8 (bad byte at offset {offset})"),
            )
            .with_hint("save the file as UTF-8"))
        }
    }
}

/// Parse JSON text; a syntax error points at its line.
pub fn parse_json(file: &str, text: &str) -> Result<Value, Diagnostic> {
    if text.trim().is_empty() {
        return Err(Diagnostic::error("E0003", Location::file(file), "the file is empty"));
    }
    let value = serde_json::from_str(text).map_err(|e| {
        Diagnostic::error("E0003", Location::line(file, e.line() as u64), format!("invalid JSON: {e}"))
            .with_hint("check the JSON syntax at that line (commas, quotes, brackets)")
    })?;
    if let Some((pointer, line)) = crate::jsonpos::duplicate_key(text) {
        return Err(Diagnostic::error(
            "E0003",
            Location { file: file.to_string(), line: Some(line), pointer: Some(pointer.clone()), ..Default::default() },
            format!(
                "the key {:?} appears twice in the same object; JSON readers would keep only the last",
                pointer.rsplit('/').next().unwrap_or("")
            ),
        ));
    }
    Ok(value)
}

/// The JSON Schemas of the formats esgx reads and writes, by name, as `esgx schema NAME` prints
/// them: users of the binary have no repository to look them up in.
pub const SCHEMAS: &[(&str, &str)] = &[
    ("dataset", include_str!("../schema/dataset.schema.json")),
    ("taxonomy", include_str!("../schema/taxonomy.schema.json")),
    ("manifest", include_str!("../schema/manifest.schema.json")),
    ("diff", include_str!("../schema/diff.schema.json")),
];

/// A compiled JSON Schema, checking documents offline (no remote references are fetched).
pub struct Schema {
    validator: jsonschema::Validator,
}

impl Schema {
    pub fn compile(schema_text: &str) -> Self {
        let schema: Value = serde_json::from_str(schema_text).expect("bundled JSON Schema is valid JSON");
        let validator =
            jsonschema::options().should_validate_formats(true).build(&schema).expect("bundled JSON Schema compiles");
        Schema { validator }
    }

    /// Every violation as a diagnostic located by JSON pointer, or by `locate` when the caller
    /// knows better (a CSV reader maps pointers back to lines).
    pub fn check(&self, doc: &Value, locate: &dyn Fn(&str) -> Location, hint: &str) -> Vec<Diagnostic> {
        let mut out: Vec<Diagnostic> = self
            .validator
            .iter_errors(doc)
            .map(|e| {
                let pointer = e.instance_path().as_str().to_string();
                let shown = if pointer.is_empty() { "/".to_string() } else { pointer.clone() };
                Diagnostic::error("E0100", locate(&pointer), format!("schema: {} (at {shown})", short(&e.to_string())))
                    .with_hint(hint)
            })
            .collect();
        out.truncate(200);
        out
    }
}

/// Schema messages quote the offending value whole; keep them readable.
fn short(msg: &str) -> String {
    const MAX: usize = 300;
    if msg.chars().count() <= MAX {
        msg.to_string()
    } else {
        let cut: String = msg.chars().take(MAX).collect();
        format!("{cut}…")
    }
}

/// Byte offset -> line, moving forward only.
pub struct LineCounter<'a> {
    text: &'a [u8],
    pos: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    pub fn new(text: &'a str) -> Self {
        LineCounter { text: text.as_bytes(), pos: 0, line: 1 }
    }
    pub fn line(&mut self, offset: u64) -> u64 {
        let offset = (offset as usize).min(self.text.len());
        if offset > self.pos {
            self.line += self.text[self.pos..offset].iter().filter(|b| **b == b'\n').count() as u64;
            self.pos = offset;
        }
        self.line
    }
}
