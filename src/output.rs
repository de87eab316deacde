//! A file to write, as every writer produces it: the taxonomy's generator and packager as well as
//! the filing's serializations. It sits below them all, so that none depends on another for it.

/// A file to write: where (relative to the output folder), what format, and its bytes.
#[derive(Debug, Clone)]
pub struct Output {
    pub path: String,
    pub format: &'static str,
    pub bytes: Vec<u8>,
}
