//! Line numbers for JSON pointers, so that a finding about `/facts/12/value` can also say
//! `dataset.json:348`. A small scanner over the text that tracks the path it is in; it never
//! builds a tree and stops at the first match.

/// The 1-based line on which the value at `pointer` starts, if the text holds it.
pub fn line_of(text: &str, pointer: &str) -> Option<u64> {
    let target: Vec<String> = if pointer.is_empty() {
        Vec::new()
    } else {
        pointer.strip_prefix('/')?.split('/').map(|s| s.replace("~1", "/").replace("~0", "~")).collect()
    };
    let b = text.as_bytes();
    let mut s = Scanner { b, i: 0, line: 1 };
    s.skip_ws();
    s.find(&target, 0)
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
    line: u64,
}

impl Scanner<'_> {
    fn skip_ws(&mut self) {
        while let Some(&c) = self.b.get(self.i) {
            match c {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' => {}
                _ => return,
            }
            self.i += 1;
        }
    }

    /// At the start of a value: if `path[depth..]` is empty this value is the target.
    fn find(&mut self, path: &[String], depth: usize) -> Option<u64> {
        if depth == path.len() {
            return Some(self.line);
        }
        match *self.b.get(self.i)? {
            b'{' => {
                self.i += 1;
                loop {
                    self.skip_ws();
                    match *self.b.get(self.i)? {
                        b'}' => return None,
                        b',' => {
                            self.i += 1;
                            continue;
                        }
                        b'"' => {}
                        _ => return None,
                    }
                    let key = self.string()?;
                    self.skip_ws();
                    if *self.b.get(self.i)? != b':' {
                        return None;
                    }
                    self.i += 1;
                    self.skip_ws();
                    if key == path[depth] {
                        return self.find(path, depth + 1);
                    }
                    self.skip_value()?;
                }
            }
            b'[' => {
                let want: usize = path[depth].parse().ok()?;
                self.i += 1;
                let mut n = 0;
                loop {
                    self.skip_ws();
                    match *self.b.get(self.i)? {
                        b']' => return None,
                        b',' => {
                            self.i += 1;
                            continue;
                        }
                        _ => {}
                    }
                    if n == want {
                        return self.find(path, depth + 1);
                    }
                    self.skip_value()?;
                    n += 1;
                }
            }
            _ => None,
        }
    }

    fn string(&mut self) -> Option<String> {
        let start = self.i + 1;
        self.i += 1;
        let mut escaped = false;
        while let Some(&c) = self.b.get(self.i) {
            self.i += 1;
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
            } else if c == b'"' {
                let raw = std::str::from_utf8(&self.b[start..self.i - 1]).ok()?;
                return Some(if raw.contains('\\') {
                    serde_json::from_str(&format!("\"{raw}\"")).ok()?
                } else {
                    raw.to_string()
                });
            } else if c == b'\n' {
                self.line += 1;
            }
        }
        None
    }

    /// Skip one value of any kind, counting lines, without recursion (deep input stays safe).
    fn skip_value(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            self.skip_ws();
            match *self.b.get(self.i)? {
                b'"' => {
                    self.string()?;
                }
                b'{' | b'[' => {
                    depth += 1;
                    self.i += 1;
                }
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    self.i += 1;
                }
                b',' | b':' if depth > 0 => self.i += 1,
                _ => {
                    while let Some(&c) = self.b.get(self.i) {
                        if matches!(c, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                            break;
                        }
                        self.i += 1;
                    }
                }
            }
            if depth == 0 {
                return Some(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::line_of;

    #[test]
    fn finds_lines() {
        let t = "{\n  \"a\": 1,\n  \"facts\": [\n    {\"x\": \"}\"},\n    {\n      \"value\": \"2\"\n    }\n  ],\n  \"k/e~y\": [true]\n}";
        assert_eq!(line_of(t, ""), Some(1));
        assert_eq!(line_of(t, "/a"), Some(2));
        assert_eq!(line_of(t, "/facts/0"), Some(4));
        assert_eq!(line_of(t, "/facts/1"), Some(5));
        assert_eq!(line_of(t, "/facts/1/value"), Some(6));
        assert_eq!(line_of(t, "/k~1e~0y/0"), Some(9));
        assert_eq!(line_of(t, "/facts/2"), None);
        assert_eq!(line_of(t, "/nope"), None);
    }
}
