//! Loading TOML files with every problem located, several at a time.
//!
//! A [`Document`] keeps the parsed TOML with the byte span of every key and
//! value, so that any later finding about a [`KeyPath`] can point at the
//! line and column a person has to edit. [`Document::deserialize`] reports
//! every type error, unknown key and bad value it can find, not just the
//! first: after each serde error it cuts the offending array element or key
//! out of a copy of the document and tries again.

use std::ops::Range;

use serde::de::{DeserializeOwned, IntoDeserializer};
use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

use crate::diag::{Diagnostic, Diagnostics, KeyPath, Segment, SourceText, did_you_mean, one_of};

/// Separates a message from its help text inside a custom serde error.
///
/// Custom `Deserialize` impls in this crate write `message␟help` so that the
/// loader can show the help on its own line.
pub(crate) const HELP_SEPARATOR: char = '\u{1f}';

/// A custom serde error carrying a message and a help text.
pub(crate) fn custom_error<E: serde::de::Error>(message: impl std::fmt::Display, help: impl std::fmt::Display) -> E {
    E::custom(format!("{message}{HELP_SEPARATOR}{help}"))
}

/// How many errors one file may report before the loader stops looking.
const MAX_ERRORS: usize = 64;

/// A parsed TOML document that can locate key paths.
pub struct Document<'a> {
    source: SourceText<'a>,
    root: Spanned<DeTable<'a>>,
}

impl<'a> Document<'a> {
    /// Parse `text`, known to the person as `file`. Syntax errors are all reported.
    pub fn parse(file: &'a str, text: &'a str) -> Result<Self, Diagnostics> {
        let source = SourceText::new(file, text);
        let (root, errors) = DeTable::parse_recoverable(text);
        if !errors.is_empty() {
            let diagnostics = errors
                .iter()
                .take(MAX_ERRORS)
                .map(|e| {
                    source.diagnostic(
                        "syntax",
                        e.span(),
                        KeyPath::root(),
                        format!("this is not valid TOML: {}", e.message().trim_end()),
                        "fix the TOML syntax here: strings need quotes, every key needs `= value`, tables are written `[name]` and lists of tables `[[name]]`",
                    )
                })
                .collect::<Vec<_>>();
            let mut diagnostics = diagnostics;
            diagnostics.sort_by_key(|d| (d.line, d.column));
            return Err(Diagnostics(diagnostics));
        }
        Ok(Self { source, root })
    }

    /// The source text.
    pub fn source(&self) -> &SourceText<'a> {
        &self.source
    }

    /// A string value at the top level, if present.
    pub fn top_level_str(&self, key: &str) -> Option<&str> {
        self.root.get_ref().get(key).and_then(|v| v.get_ref().as_str())
    }

    /// Whether the top level has this key.
    pub fn has_top_level(&self, key: &str) -> bool {
        self.root.get_ref().contains_key(key)
    }

    /// Deserialize the whole document, reporting every structural problem found.
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<T, Diagnostics> {
        let mut root = self.root.clone();
        let mut diagnostics: Vec<Diagnostic> = Vec::new();
        let mut cut_keys: Vec<(Range<usize>, String)> = Vec::new();
        for _ in 0..MAX_ERRORS * 2 {
            let result = T::deserialize(root.clone().into_deserializer());
            let error = match result {
                Ok(value) if diagnostics.is_empty() => return Ok(value),
                Ok(_) => break,
                Err(error) => error,
            };
            let span = error.span();
            let message = error.message().to_owned();
            // A required key we cut out ourselves is not a new problem.
            let cascade = missing_field(&message).is_some_and(|field| {
                span.as_ref().is_some_and(|s| cut_keys.iter().any(|(table, key)| table == s && key == field))
            });
            if !cascade {
                let diagnostic = self.translate(&message, span.clone());
                if diagnostics.iter().any(|d| {
                    d.line == diagnostic.line && d.column == diagnostic.column && d.message == diagnostic.message
                }) {
                    break;
                }
                diagnostics.push(diagnostic);
                if diagnostics.len() >= MAX_ERRORS {
                    break;
                }
            }
            let Some(span) = span else { break };
            let root_span = root.span();
            if span == root_span {
                break;
            }
            if !excise_table(root.get_mut(), &root_span, &span, &mut cut_keys) {
                break;
            }
        }
        diagnostics.sort_by_key(|d| (d.line, d.column));
        Err(Diagnostics(diagnostics))
    }

    /// A diagnostic about the value at `path`.
    pub fn error(
        &self,
        code: &'static str,
        path: KeyPath,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Diagnostic {
        let span = self.span_of(&path);
        self.source.diagnostic(code, span, path, message, help)
    }

    /// A diagnostic about the key at `path` (the name rather than the value).
    pub fn key_error(
        &self,
        code: &'static str,
        path: KeyPath,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Diagnostic {
        let span = self.key_span_of(&path).or_else(|| self.span_of(&path));
        self.source.diagnostic(code, span, path, message, help)
    }

    /// The span of the value at `path`, or of its nearest existing ancestor.
    pub fn span_of(&self, path: &KeyPath) -> Option<Range<usize>> {
        let mut span = self.root.span();
        let mut value: Option<&DeValue<'_>> = None;
        let mut table = Some(self.root.get_ref());
        for segment in path.segments() {
            let next = match (segment, table, value) {
                (Segment::Key(key), Some(t), _) => t.get(key.as_str()),
                (Segment::Index(i), _, Some(DeValue::Array(a))) => a.get(*i),
                _ => None,
            };
            let Some(next) = next else { break };
            span = next.span();
            value = Some(next.get_ref());
            table = next.get_ref().as_table();
        }
        (!span.is_empty() || !self.source.text().is_empty()).then_some(span)
    }

    /// The span of the key that ends `path`, if it exists.
    pub fn key_span_of(&self, path: &KeyPath) -> Option<Range<usize>> {
        let (last, parent) = path.segments().split_last()?;
        let Segment::Key(key) = last else { return None };
        let parent = KeyPath::from_segments(parent.to_vec());
        let table = self.table_at(&parent)?;
        table.get_key_value(key.as_str()).map(|(k, _)| k.span())
    }

    fn table_at(&self, path: &KeyPath) -> Option<&DeTable<'a>> {
        let mut value: Option<&DeValue<'a>> = None;
        for segment in path.segments() {
            let next = match (segment, value) {
                (Segment::Key(key), None) => self.root.get_ref().get(key.as_str())?,
                (Segment::Key(key), Some(DeValue::Table(t))) => t.get(key.as_str())?,
                (Segment::Index(i), Some(DeValue::Array(a))) => a.get(*i)?,
                _ => return None,
            };
            value = Some(next.get_ref());
        }
        match value {
            None => Some(self.root.get_ref()),
            Some(DeValue::Table(t)) => Some(t),
            Some(_) => None,
        }
    }

    /// The key path of the innermost key or value whose span contains `span`.
    pub fn path_at(&self, span: &Range<usize>) -> KeyPath {
        let mut segments = Vec::new();
        if span.is_empty() && span.start == self.root.span().start && self.root.span().is_empty() {
            return KeyPath::root();
        }
        let mut table = self.root.get_ref();
        'outer: loop {
            for (key, value) in table.iter() {
                let in_key = contains(&key.span(), span);
                if in_key || contains(&extent(value), span) {
                    segments.push(Segment::Key(key.get_ref().to_string()));
                    if in_key {
                        break 'outer;
                    }
                    let mut current = value;
                    loop {
                        match current.get_ref() {
                            DeValue::Table(t) => {
                                table = t;
                                continue 'outer;
                            }
                            DeValue::Array(a) => match a.iter().position(|item| contains(&extent(item), span)) {
                                Some(i) => {
                                    segments.push(Segment::Index(i));
                                    current = &a[i];
                                }
                                None => break 'outer,
                            },
                            _ => break 'outer,
                        }
                    }
                }
            }
            break;
        }
        KeyPath::from_segments(segments)
    }

    fn translate(&self, message: &str, span: Option<Range<usize>>) -> Diagnostic {
        let path = span.as_ref().map(|s| self.path_at(s)).unwrap_or_default();
        let (code, message, help) = explain(message, &path);
        // A problem with the document as a whole has no single line to show.
        let span = span.filter(|s| !(path.is_root() && s.is_empty()));
        self.source.diagnostic(code, span, path, message, help)
    }
}

fn contains(outer: &Range<usize>, inner: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// The bytes a value covers, including everything nested in it.
///
/// toml records only a table's header as its span; the contents of
/// `[[stages]]` follow it, so the extent is the union of all nested spans.
fn extent(value: &Spanned<DeValue<'_>>) -> Range<usize> {
    let mut range = value.span();
    let mut widen = |r: Range<usize>| {
        range.start = range.start.min(r.start);
        range.end = range.end.max(r.end);
    };
    match value.get_ref() {
        DeValue::Table(table) => {
            for (key, child) in table.iter() {
                widen(key.span());
                widen(extent(child));
            }
        }
        DeValue::Array(array) => {
            for child in array.iter() {
                widen(extent(child));
            }
        }
        _ => {}
    }
    range
}

/// Whether `span` lies in the key or anywhere in the value of an entry.
fn entry_contains(key: &Spanned<toml::de::DeString<'_>>, value: &Spanned<DeValue<'_>>, span: &Range<usize>) -> bool {
    contains(&key.span(), span) || contains(&extent(value), span)
}

fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.strip_suffix('`')
}

/// Turns a serde/toml error message into a code, a message and a help text.
fn explain(raw: &str, path: &KeyPath) -> (&'static str, String, String) {
    if let Some((message, help)) = raw.split_once(HELP_SEPARATOR) {
        return ("invalid-value", format!("`{path}`: {message}"), help.to_owned());
    }
    if let Some(rest) = raw.strip_prefix("unknown field `") {
        let (field, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let allowed = backticked(expected);
        let table = parent_of(path);
        let suggestion = did_you_mean(field, allowed.iter().map(String::as_str))
            .map(|s| format!("did you mean `{s}`? "))
            .unwrap_or_default();
        return (
            "unknown-key",
            format!("unknown key `{field}` in `{table}`"),
            format!(
                "{suggestion}keys allowed here: {}; unknown keys are rejected so that a typo never goes unnoticed",
                one_of(allowed.iter().map(String::as_str))
            ),
        );
    }
    if let Some(field) = missing_field(raw) {
        if path.is_root() {
            return (
                "missing-key",
                format!("the file lacks the required top-level key `{field}`"),
                format!("add `{field} = …` near the top of the file, before the first `[table]`"),
            );
        }
        return (
            "missing-key",
            format!("`{path}` lacks the required key `{field}`"),
            format!("add `{field} = …` to this table"),
        );
    }
    if let Some(rest) = raw.strip_prefix("unknown variant `") {
        let (value, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let allowed = backticked(expected);
        let suggestion = did_you_mean(value, allowed.iter().map(String::as_str))
            .map(|s| format!("did you mean `{s}`? "))
            .unwrap_or_default();
        return (
            "unknown-value",
            format!("`{path}` cannot be `{value}`"),
            format!("{suggestion}use one of {}", one_of(allowed.iter().map(String::as_str))),
        );
    }
    if let Some(rest) = raw.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "another type"));
        return (
            "wrong-type",
            format!("`{path}` has the wrong type: found {found}, expected {expected}"),
            format!("write `{path}` as {expected}"),
        );
    }
    if let Some(rest) = raw.strip_prefix("invalid value: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "another value"));
        return ("invalid-value", format!("`{path}` has an invalid value: {found}"), format!("write {expected}"));
    }
    ("invalid-value", format!("`{path}`: {raw}"), "check this value against the documentation".to_owned())
}

fn parent_of(path: &KeyPath) -> KeyPath {
    let segments = path.segments();
    KeyPath::from_segments(segments[..segments.len().saturating_sub(1)].to_vec())
}

fn backticked(text: &str) -> Vec<String> {
    text.split('`').skip(1).step_by(2).map(str::to_owned).collect()
}

/// Cuts the innermost array element or key containing `span` out of `table`.
///
/// Returns `false` when nothing could be cut (the span is the table itself).
fn excise_table(
    table: &mut DeTable<'_>,
    table_span: &Range<usize>,
    span: &Range<usize>,
    cut_keys: &mut Vec<(Range<usize>, String)>,
) -> bool {
    let hit = table
        .iter()
        .find(|(k, v)| entry_contains(k, v, span))
        .map(|(k, _)| (k.get_ref().to_string(), contains(&k.span(), span)));
    let Some((key, in_key)) = hit else {
        return false;
    };
    if let Some(value) = table.get_mut(key.as_str())
        && !in_key
        && excise_value(value, span, cut_keys)
    {
        return true;
    }
    table.remove(key.as_str());
    cut_keys.push((table_span.clone(), key));
    true
}

fn excise_value(
    value: &mut Spanned<DeValue<'_>>,
    span: &Range<usize>,
    cut_keys: &mut Vec<(Range<usize>, String)>,
) -> bool {
    let value_span = value.span();
    match value.get_mut() {
        DeValue::Table(table) => excise_table(table, &value_span, span, cut_keys),
        DeValue::Array(array) => {
            let Some(i) = array.iter().position(|item| contains(&extent(item), span)) else {
                return false;
            };
            if excise_value(&mut std::ops::DerefMut::deref_mut(array)[i], span, cut_keys) {
                return true;
            }
            let mut rebuilt = DeArray::new();
            for (j, item) in array.iter().enumerate() {
                if j != i {
                    rebuilt.push(item.clone());
                }
            }
            *array = rebuilt;
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        name: String,
        #[serde(default)]
        items: Vec<Item>,
        nested: Option<Nested>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        id: String,
        size: u32,
        #[serde(default)]
        limit: Option<crate::WorkDuration>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Nested {
        items: Vec<Item>,
    }

    fn errors(text: &str) -> String {
        let doc = Document::parse("t.toml", text).map_err(|d| d.to_string());
        match doc.and_then(|d| d.deserialize::<Doc>().map_err(|d| d.to_string())) {
            Ok(_) => "ok".to_owned(),
            Err(e) => e,
        }
    }

    #[test]
    fn reports_every_structural_error_not_just_the_first() {
        let text = r#"name = "x"

[[items]]
id = "a"
size = "big"

[[items]]
id = "b"
size = 3
colour = "red"

[[items]]
id = "c"
size = 4
limit = "3x"

[nested]
[[nested.items]]
id = 5
size = 1
"#;
        insta::assert_snapshot!(errors(text), @r#"
        error[wrong-type]: `items[0].size` has the wrong type: found string "big", expected u32
          --> t.toml:5:8 (at items[0].size)
          |
        5 | size = "big"
          |        ^^^^^
          = help: write `items[0].size` as u32

        error[unknown-key]: unknown key `colour` in `items[1]`
          --> t.toml:10:1 (at items[1].colour)
           |
        10 | colour = "red"
           | ^^^^^^
          = help: keys allowed here: `id`, `size` or `limit`; unknown keys are rejected so that a typo never goes unnoticed

        error[invalid-value]: `items[2].limit`: `x` in `3x` is not a unit
          --> t.toml:15:9 (at items[2].limit)
           |
        15 | limit = "3x"
           |         ^^^^
          = help: write a whole number followed by a unit: `m` (working minutes), `h` (working hours) or `wd` (working days), e.g. `30m`, `2h`, `1wd`

        error[wrong-type]: `nested.items[0].id` has the wrong type: found integer `5`, expected a string
          --> t.toml:19:6 (at nested.items[0].id)
           |
        19 | id = 5
           |      ^
          = help: write `nested.items[0].id` as a string

        4 errors found
        "#);
    }

    #[test]
    fn reports_syntax_errors_with_their_place() {
        insta::assert_snapshot!(errors("name = \"x\nother = 1\n"), @r#"
        error[syntax]: this is not valid TOML: invalid basic string, expected `"`
          --> t.toml:1:10 (at (top level))
          |
        1 | name = "x
          |          ^
          = help: fix the TOML syntax here: strings need quotes, every key needs `= value`, tables are written `[name]` and lists of tables `[[name]]`

        1 error found
        "#);
    }

    #[test]
    fn a_missing_required_key_is_named() {
        insta::assert_snapshot!(errors("[[items]]\nid = \"a\"\n"), @"
        error[missing-key]: `items[0]` lacks the required key `size`
          --> t.toml:1:1 (at items[0])
          |
        1 | [[items]]
          | ^^^^^^^^^
          = help: add `size = …` to this table

        error[missing-key]: the file lacks the required top-level key `name`
          --> t.toml:1:1 (at (top level))
          = help: add `name = …` near the top of the file, before the first `[table]`

        2 errors found
        ");
    }
}
