//! Reading input files safely: text encoding, JSON syntax and JSON Schema checks, each failure a
//! diagnostic that names the file and the place.

use crate::diag::Code;
use crate::diag::{Diagnostic, Location};
use serde_json::Value;

/// Turn raw bytes into text: UTF-8 only (a BOM is dropped), with a clear word for UTF-16 and for
/// bytes that are not UTF-8 at all.
pub fn decode_text(file: &str, bytes: &[u8]) -> Result<String, Diagnostic> {
    decode_str(file, bytes).map(str::to_owned)
}

/// [`decode_text`] without a copy: the text borrowed from `bytes`.
pub fn decode_str<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, Diagnostic> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(utf16_error(file));
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let offset = e.valid_up_to();
            let line = bytes[..offset].iter().filter(|b| **b == b'\n').count() as u64 + 1;
            Err(utf8_error(file, offset as u64, line))
        }
    }
}

/// A UTF-16 file (by its byte order mark), refused.
pub fn utf16_error(file: &str) -> Diagnostic {
    Diagnostic::error(Code::E0002, Location::file(file), "the file is UTF-16 encoded; esgx reads UTF-8 text")
        .with_hint("save the file as UTF-8 (in a spreadsheet: CSV UTF-8)")
}

/// Bytes that are not UTF-8 at `offset` (after any byte order mark), on `line`.
pub fn utf8_error(file: &str, offset: u64, line: u64) -> Diagnostic {
    Diagnostic::error(
        Code::E0002,
        Location::line(file, line),
        format!("the file is not valid UTF-8 (bad byte at offset {offset})"),
    )
    .with_hint("save the file as UTF-8")
}

/// Parse JSON text; a syntax error points at its line.
pub fn parse_json(file: &str, text: &str) -> Result<Value, Diagnostic> {
    if text.trim().is_empty() {
        return Err(Diagnostic::error(Code::E0003, Location::file(file), "the file is empty"));
    }
    let syntax = |e: serde_json::Error| {
        Diagnostic::error(Code::E0003, Location::line(file, e.line() as u64), format!("invalid JSON: {e}"))
            .with_hint("check the JSON syntax at that line (commas, quotes, brackets)")
    };
    // One pass builds the tree and notices a key given twice; only then is the text read again,
    // for the syntax first (a syntax error anywhere is reported before a repeated key) and then
    // for the repeated key's pointer and line.
    let repeated = std::cell::Cell::new(false);
    let parsed = {
        let mut de = serde_json::Deserializer::from_str(text);
        serde::de::DeserializeSeed::deserialize(UniqueKeys(&repeated), &mut de).and_then(|v| de.end().map(|()| v))
    };
    let value = match parsed {
        Ok(v) => v,
        Err(e) if !repeated.get() => return Err(syntax(e)),
        Err(_) => serde_json::from_str(text).map_err(syntax)?,
    };
    if repeated.get()
        && let Some((pointer, line)) = crate::jsonpos::duplicate_key(text)
    {
        return Err(Diagnostic::error(
            Code::E0003,
            Location { file: file.to_string(), line: Some(line), pointer: Some(pointer.clone()), ..Default::default() },
            format!(
                "the key {:?} appears twice in the same object; JSON readers would keep only the last",
                pointer.rsplit('/').next().unwrap_or("")
            ),
        ));
    }
    Ok(value)
}

/// Builds a JSON tree as `serde_json::Value` does, but stops at a key given twice in one object
/// (setting the flag), where `Value` would keep the last silently.
pub(crate) struct UniqueKeys<'a>(pub(crate) &'a std::cell::Cell<bool>);

impl<'de> serde::de::DeserializeSeed<'de> for UniqueKeys<'_> {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for UniqueKeys<'_> {
    type Value = Value;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any valid JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element_seed(UniqueKeys(self.0))? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut obj = serde_json::Map::new();
        while let Some(k) = map.next_key::<String>()? {
            let v = map.next_value_seed(UniqueKeys(self.0))?;
            if obj.insert(k, v).is_some() {
                self.0.set(true);
                return Err(serde::de::Error::custom("a key appears twice in one object"));
            }
        }
        Ok(Value::Object(obj))
    }
}

/// The JSON Schemas of the formats esgx reads and writes, by name, as `esgx schema NAME` prints
/// them: users of the binary have no repository to look them up in.
pub const SCHEMAS: &[(&str, &str)] = &[
    ("dataset", include_str!("../schema/dataset.schema.json")),
    ("taxonomy", include_str!("../schema/taxonomy.schema.json")),
    ("manifest", include_str!("../schema/manifest.schema.json")),
    ("diff", include_str!("../schema/diff.schema.json")),
    ("facts", include_str!("../schema/facts.schema.json")),
    ("validation", include_str!("../schema/validation.schema.json")),
];

/// A compiled JSON Schema, checking documents offline (no remote references are fetched).
pub struct Schema {
    validator: jsonschema::Validator,
}

impl Schema {
    /// Compile a bundled JSON Schema (which must be valid: a panic otherwise is a bug in esgx).
    pub fn compile(schema_text: &str) -> Self {
        let schema: Value = serde_json::from_str(schema_text).expect("bundled JSON Schema is valid JSON");
        let validator =
            jsonschema::options().should_validate_formats(true).build(&schema).expect("bundled JSON Schema compiles");
        Schema { validator }
    }

    /// Whether `doc` passes the schema.
    pub fn is_valid(&self, doc: &Value) -> bool {
        self.validator.is_valid(doc)
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
                Diagnostic::error(
                    Code::E0100,
                    locate(&pointer),
                    format!("schema: {} (at {shown})", short(&e.to_string())),
                )
                .with_hint(hint)
            })
            .collect();
        out.truncate(200);
        out
    }

    /// The one way esgx reads a JSON document into a type: checked against the schema
    /// (findings located by `locate`, with `hint`), then deserialized; a document the schema
    /// passes but serde refuses is `code` at `locate("")`, its message after `what`.
    pub fn read<T: serde::de::DeserializeOwned>(
        &self,
        doc: Value,
        locate: &dyn Fn(&str) -> Location,
        (hint, code, what): (&str, Code, &str),
    ) -> Result<T, Vec<Diagnostic>> {
        let found = self.check(&doc, locate, hint);
        if !found.is_empty() {
            return Err(found);
        }
        Self::deserialize(doc, locate, (hint, code, what))
    }

    /// The second half of [`Schema::read`], for a document already checked: deserialized, or
    /// `code` at `locate("")` with serde's message after `what`.
    pub fn deserialize<T: serde::de::DeserializeOwned>(
        doc: Value,
        locate: &dyn Fn(&str) -> Location,
        (hint, code, what): (&str, Code, &str),
    ) -> Result<T, Vec<Diagnostic>> {
        serde_json::from_value(doc)
            .map_err(|e| vec![Diagnostic::error(code, locate(""), format!("{what}{e}")).with_hint(hint)])
    }

    /// [`Schema::read`] for a part of a document: `doc` (the part wrapped as the document it
    /// would sit in) is checked, `part` deserialized.
    pub fn read_part<T: serde::de::DeserializeOwned>(
        &self,
        doc: &Value,
        part: &Value,
        locate: &dyn Fn(&str) -> Location,
        (hint, code, what): (&str, Code, &str),
    ) -> Result<T, Vec<Diagnostic>> {
        let found = self.check(doc, locate, hint);
        if !found.is_empty() {
            return Err(found);
        }
        T::deserialize(part)
            .map_err(|e| vec![Diagnostic::error(code, locate(""), format!("{what}{e}")).with_hint(hint)])
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
    /// A counter at the start of `text` (line 1).
    pub fn new(text: &'a str) -> Self {
        LineCounter { text: text.as_bytes(), pos: 0, line: 1 }
    }
    /// The 1-based line of byte `offset`; offsets must not decrease from call to call.
    pub fn line(&mut self, offset: u64) -> u64 {
        let offset = (offset as usize).min(self.text.len());
        if offset > self.pos {
            self.line += self.text[self.pos..offset].iter().filter(|b| **b == b'\n').count() as u64;
            self.pos = offset;
        }
        self.line
    }
}

/// Inputs larger than this are refused before they are read (about twice the size is needed in
/// memory). `ESGX_MAX_INPUT_BYTES` sets another limit.
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 256 << 20;

/// The input size limit in bytes: `ESGX_MAX_INPUT_BYTES` when set to a number, else the default.
pub fn max_input_bytes() -> u64 {
    std::env::var("ESGX_MAX_INPUT_BYTES")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(DEFAULT_MAX_INPUT_BYTES)
}

fn file_kind(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO";
        }
        if ft.is_char_device() || ft.is_block_device() {
            return "a device";
        }
        if ft.is_socket() {
            return "a socket";
        }
    }
    if ft.is_dir() { "a folder" } else { "not a regular file" }
}

/// Open an input file for reading, refusing what is not a regular file (a FIFO would block, a
/// device never ends) and what is larger than [`max_input_bytes`]; with its size.
pub fn open_file(path: &std::path::Path, shown: &str) -> Result<(std::fs::File, u64), Diagnostic> {
    let err = |msg: String| Diagnostic::error(Code::E0001, Location::file(shown), msg);
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Opening a FIFO for reading would wait for a writer; with O_NONBLOCK it returns at once
        // and the check below refuses it.
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let file = opts.open(path).map_err(|e| cannot_read(shown, e))?;
    let meta = file.metadata().map_err(|e| cannot_read(shown, e))?;
    if !meta.is_file() {
        return Err(err(format!("{shown} is {}; esgx reads regular files only", file_kind(&meta.file_type()))));
    }
    if meta.len() > max_input_bytes() {
        return Err(too_big(shown, meta.len()));
    }
    Ok((file, meta.len()))
}

/// An input that could not be read, and why.
pub fn cannot_read(shown: &str, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(Code::E0001, Location::file(shown), format!("cannot read {shown}: {e}"))
}

fn too_big(shown: &str, n: u64) -> Diagnostic {
    let limit = max_input_bytes();
    Diagnostic::error(
        Code::E0001,
        Location::file(shown),
        format!("{shown} is {n} bytes, over the input size limit of {limit} bytes"),
    )
    .with_hint("set ESGX_MAX_INPUT_BYTES to a larger number of bytes to read it anyway")
}

/// Read a whole input file, checked as [`open_file`] checks it.
pub fn read_file(path: &std::path::Path, shown: &str) -> Result<Vec<u8>, Diagnostic> {
    use std::io::Read;
    let (file, len) = open_file(path, shown)?;
    let limit = max_input_bytes();
    let mut bytes = Vec::with_capacity(len as usize);
    // A file that grows while it is read stops at the limit too.
    file.take(limit + 1).read_to_end(&mut bytes).map_err(|e| cannot_read(shown, e))?;
    if bytes.len() as u64 > limit {
        return Err(too_big(shown, bytes.len() as u64));
    }
    Ok(bytes)
}

/// An input as kept for the findings about it: its bytes, or the path of a file that was read as
/// a stream (a large filing is not held in memory), read again for the lines findings show, or
/// the path of a file read whole and let go, read again whole.
#[derive(Debug, Clone)]
pub enum Kept {
    /// The input's bytes.
    Bytes(Vec<u8>),
    /// The file the input was read from as a stream.
    File(std::path::PathBuf),
    /// The file the input was read from whole: findings are located in it as in its bytes.
    Reread(std::path::PathBuf),
    /// A JSON file that read cleanly in pieces ([`crate::jsonpos::cut_file`]): findings are
    /// located in it piece by piece, as in its bytes, without holding it whole.
    Pieces(std::path::PathBuf),
}

/// A view of a [`Kept`] input (or of bytes kept elsewhere).
#[derive(Debug, Clone, Copy)]
pub enum Held<'a> {
    /// The input's bytes.
    Bytes(&'a [u8]),
    /// The file the input was read from as a stream.
    File(&'a std::path::Path),
    /// The file the input was read from whole.
    Reread(&'a std::path::Path),
    /// A JSON file that read cleanly in pieces.
    Pieces(&'a std::path::Path),
}

/// Views of inputs held as bytes.
pub fn held_bytes(inputs: &[(String, Vec<u8>)]) -> Vec<(&str, Held<'_>)> {
    inputs.iter().map(|(f, b)| (f.as_str(), Held::Bytes(b))).collect()
}

/// Views of kept inputs.
pub fn held_kept(inputs: &[(String, Kept)]) -> Vec<(&str, Held<'_>)> {
    inputs.iter().map(|(f, k)| (f.as_str(), k.held())).collect()
}

impl Kept {
    /// A view of it.
    pub fn held(&self) -> Held<'_> {
        match self {
            Kept::Bytes(b) => Held::Bytes(b),
            Kept::File(p) => Held::File(p),
            Kept::Reread(p) => Held::Reread(p),
            Kept::Pieces(p) => Held::Pieces(p),
        }
    }
}

/// Read standard input whole, within [`max_input_bytes`] (a pipe has no size to check first).
pub fn read_stdin() -> Result<Vec<u8>, Diagnostic> {
    use std::io::Read;
    let limit = max_input_bytes();
    let mut bytes = Vec::new();
    std::io::stdin().lock().take(limit + 1).read_to_end(&mut bytes).map_err(|e| {
        Diagnostic::error(Code::E0001, Location::file("<stdin>"), format!("cannot read standard input: {e}"))
    })?;
    if bytes.len() as u64 > limit {
        return Err(Diagnostic::error(
            Code::E0001,
            Location::file("<stdin>"),
            format!("standard input is over the input size limit of {limit} bytes"),
        )
        .with_hint("set ESGX_MAX_INPUT_BYTES to a larger number of bytes to read it anyway"));
    }
    Ok(bytes)
}

/// Why a reference from a filing cannot be followed.
#[derive(Debug)]
pub enum Unresolved {
    /// Remote, absolute, or outside the filing's folder: refused (E0007).
    Refused(String),
    /// Inside the folder but not there.
    Missing(String),
}

/// The folder everything a filing pulls in must be inside: the filing's own folder.
pub fn filing_root(filing: &std::path::Path) -> std::path::PathBuf {
    let dir = filing.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf())
}

/// Resolve `href` (a relative reference from a file in `base_dir`) to a path inside `root`, or
/// say why not. Whether a file outside the folder exists is never revealed: the path is judged
/// by its text first, then by where its symlinks lead. Returns the real path to read and the
/// path to show.
pub fn resolve_inside(
    root: &std::path::Path,
    base_dir: &std::path::Path,
    href: &str,
) -> Result<(std::path::PathBuf, String), Unresolved> {
    use std::path::{Component, PathBuf};
    let outside =
        || Unresolved::Refused(format!("{href} points outside the filing's folder; esgx reads only files inside it"));
    if href.contains("://") || href.starts_with('/') || href.starts_with('\\') || href.contains(':') {
        return Err(Unresolved::Refused(format!(
            "{href} is remote or absolute; esgx reads only files beside the filing"
        )));
    }
    if href.contains('\\') || href.contains('\0') || href.contains('#') || href.contains('?') {
        return Err(Unresolved::Refused(format!("{href} is not a plain relative file reference")));
    }
    let base = std::fs::canonicalize(base_dir).unwrap_or_else(|_| base_dir.to_path_buf());
    let mut lexical = PathBuf::from(&base);
    for c in std::path::Path::new(href).components() {
        match c {
            Component::Normal(n) => lexical.push(n),
            Component::CurDir => {}
            Component::ParentDir => {
                if !lexical.pop() {
                    return Err(outside());
                }
            }
            _ => return Err(outside()),
        }
    }
    if !lexical.starts_with(root) {
        return Err(outside());
    }
    match std::fs::canonicalize(&lexical) {
        // Read by its real path (no symlink can be swapped in between), shown as referenced.
        Ok(real) if real.starts_with(root) => Ok((real, base_dir.join(href).display().to_string())),
        Ok(_) => Err(outside()),
        Err(_) => Err(Unresolved::Missing(format!("{href} does not resolve to a file inside the filing's folder"))),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_json;

    #[test]
    fn the_tree_is_the_one_serde_json_builds() {
        let text = r#"{"b": [1, -2, 18446744073709551615, 1.5e3, -0.25, true, false, null, "s\u00e9\n"],
            "a": {"z": {}, "y": [], "x": "", "w": {"k": [{"v": 1}]}}}"#;
        let ours = parse_json("t.json", text).unwrap();
        let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(ours, theirs);
        // Key order is kept as written, as serde_json's own tree keeps it.
        assert_eq!(serde_json::to_string(&ours).unwrap(), serde_json::to_string(&theirs).unwrap());
    }

    #[test]
    fn a_repeated_key_is_found_by_its_pointer_and_line_after_the_syntax() {
        let d = parse_json("t.json", "{\"facts\": [{\"v\": 1},\n {\"v\": 2, \"\\u0076\": 3}]}").unwrap_err();
        assert_eq!((d.location.pointer.as_deref(), d.location.line), (Some("/facts/1/v"), Some(2)));
        assert!(d.message.contains("appears twice"), "{}", d.message);
        // A syntax error later in the text is what the reader hears about first.
        let d = parse_json("t.json", "{\"a\": 1, \"a\": 2,\n\n ]").unwrap_err();
        assert!(d.message.starts_with("invalid JSON"), "{}", d.message);
        assert_eq!(d.location.line, Some(3));
    }
}
