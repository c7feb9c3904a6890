//! Located, actionable diagnostics for the files a person writes.
//!
//! Every problem found in a workflow, calendar or holiday file becomes a
//! [`Diagnostic`]: the file, line and column, the key path inside the TOML
//! document, what is wrong and how to fix it. Loaders collect several at
//! once into [`Diagnostics`] instead of stopping at the first.

use std::fmt;

/// A segment of a key path inside a TOML document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    /// A table key.
    Key(String),
    /// An array index.
    Index(usize),
}

/// A path to a value inside a TOML document, such as `stages[2].role`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct KeyPath(Vec<Segment>);

impl KeyPath {
    /// The document's root.
    pub fn root() -> Self {
        Self(Vec::new())
    }

    /// This path followed by a table key.
    pub fn key(&self, key: impl Into<String>) -> Self {
        let mut segments = self.0.clone();
        segments.push(Segment::Key(key.into()));
        Self(segments)
    }

    /// This path followed by an array index.
    pub fn index(&self, index: usize) -> Self {
        let mut segments = self.0.clone();
        segments.push(Segment::Index(index));
        Self(segments)
    }

    /// The segments, outermost first.
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    /// Whether this is the document's root.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn from_segments(segments: Vec<Segment>) -> Self {
        Self(segments)
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(top level)");
        }
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Key(key) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    if key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') && !key.is_empty() {
                        f.write_str(key)?;
                    } else {
                        write!(f, "{key:?}")?;
                    }
                }
                Segment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// One problem in a file, located and with a suggested fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// A short, stable kind such as `unknown-role` (used in tests and tooling).
    pub code: &'static str,
    /// The file as the person named it.
    pub file: String,
    /// 1-based line (1 when the problem is about the file as a whole).
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// The key path of the offending value.
    pub path: KeyPath,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
    /// The source line the problem is on, with a marker under it.
    pub snippet: Option<Snippet>,
}

/// The line of source a diagnostic points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// The line's text (without the line break).
    pub text: String,
    /// 0-based character column where the marker starts.
    pub start: usize,
    /// Length of the marker in characters (at least 1).
    pub len: usize,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error[{}]: {}", self.code, self.message)?;
        writeln!(f, "  --> {}:{}:{} (at {})", self.file, self.line, self.column, self.path)?;
        if let Some(snippet) = &self.snippet {
            let number = self.line.to_string();
            let pad = " ".repeat(number.len());
            writeln!(f, "{pad} |")?;
            writeln!(f, "{number} | {}", snippet.text)?;
            writeln!(f, "{pad} | {}{}", " ".repeat(snippet.start), "^".repeat(snippet.len.max(1)))?;
        }
        write!(f, "  = help: {}", self.help)
    }
}

/// Several diagnostics, reported together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// The diagnostics, in file order.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The stable codes, in order (handy in tests).
    pub fn codes(&self) -> Vec<&'static str> {
        self.0.iter().map(|d| d.code).collect()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, diagnostic) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n\n")?;
            }
            write!(f, "{diagnostic}")?;
        }
        let n = self.0.len();
        if n > 0 {
            write!(f, "\n\n{n} error{} found", if n == 1 { "" } else { "s" })?;
        }
        Ok(())
    }
}

/// Maps byte offsets of a source text to lines and columns.
#[derive(Debug, Clone)]
pub struct SourceText<'a> {
    file: &'a str,
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> SourceText<'a> {
    /// Index `text`, known to the person as `file`.
    pub fn new(file: &'a str, text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { file, text, line_starts }
    }

    /// The file name.
    pub fn file(&self) -> &str {
        self.file
    }

    /// The text.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// 1-based line and character column of a byte offset.
    pub fn locate(&self, offset: usize) -> (usize, usize) {
        let offset = self.floor_char_boundary(offset.min(self.text.len()));
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let column = self.text[start..offset].chars().count() + 1;
        (line + 1, column)
    }

    fn floor_char_boundary(&self, mut offset: usize) -> usize {
        while offset > 0 && !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    /// A diagnostic pointing at the byte range `span` (or at the file when `None`).
    pub fn diagnostic(
        &self,
        code: &'static str,
        span: Option<std::ops::Range<usize>>,
        path: KeyPath,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Diagnostic {
        let (line, column, snippet) = match span {
            Some(span) => {
                let (line, column) = self.locate(span.start);
                let line_start = self.line_starts[line - 1];
                let line_end = self.text[line_start..].find('\n').map_or(self.text.len(), |i| line_start + i);
                // Control characters would garble a terminal: show them as U+FFFD.
                let text: String = self.text[line_start..line_end]
                    .trim_end_matches('\r')
                    .chars()
                    .map(|c| if c.is_control() && c != '\t' { '\u{fffd}' } else { c })
                    .collect();
                let end = self.floor_char_boundary(span.end.clamp(span.start, line_end));
                let start = self.floor_char_boundary(span.start.min(line_end));
                let len = self.text[start..end].chars().count().max(1);
                let start_col = column - 1;
                let len = len.min(text.chars().count().saturating_sub(start_col).max(1));
                (line, column, Some(Snippet { text, start: start_col, len }))
            }
            // About the file as a whole: point at its start.
            None => (1, 1, None),
        };
        Diagnostic {
            code,
            file: self.file.to_owned(),
            line,
            column,
            path,
            message: message.into(),
            help: help.into(),
            snippet,
        }
    }
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let distance = edit_distance(word, candidate);
        let limit = (candidate.chars().count().max(word.chars().count()) / 3).max(1);
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            current[j + 1] = (previous[j] + cost).min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

/// A list of names for a help text: `a`, `b` or `c`.
pub fn one_of<'s>(names: impl IntoIterator<Item = &'s str>) -> String {
    let names: Vec<String> = names.into_iter().map(|n| format!("`{n}`")).collect();
    match names.len() {
        0 => "(none declared)".to_owned(),
        1 => names[0].clone(),
        n => format!("{} or {}", names[..n - 1].join(", "), names[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_lines_and_character_columns() {
        let source = SourceText::new("f.toml", "a = 1\nnama = \"Ñoño\" # x\n");
        assert_eq!(source.locate(0), (1, 1));
        assert_eq!(source.locate(6), (2, 1));
        let offset = source.text().find('#').unwrap();
        assert_eq!(source.locate(offset), (2, 15));
    }

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("pokja_dok", ["pokja_dokumentasi", "kepala_bagian"]), None);
        assert_eq!(did_you_mean("kepala_bgian", ["pokja_dokumentasi", "kepala_bagian"]), Some("kepala_bagian"));
        assert_eq!(did_you_mean("rolee", ["role", "label"]), Some("role"));
    }

    #[test]
    fn key_paths_read_like_toml() {
        let path = KeyPath::root().key("stages").index(2).key("role");
        assert_eq!(path.to_string(), "stages[2].role");
        assert_eq!(KeyPath::root().key("visibility").key("a b").to_string(), "visibility.\"a b\"");
    }
}
