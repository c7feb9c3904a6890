//! Checks shared by the calendar and holiday-file loaders.

use chrono::{Datelike, NaiveDate};

use super::window::{Conflict, Window, first_conflict};
use crate::diag::{Diagnostic, Diagnostics, KeyPath};
use crate::toml_doc::Document;

/// The years a calendar covers; dates outside are rejected.
pub const COVERED_YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

/// Checks the top-level `kind` before anything else, so that a file of the
/// wrong kind gets one clear error instead of a cascade of unknown keys.
pub(crate) fn check_kind(doc: &Document<'_>, expected: &str) -> Result<(), Diagnostics> {
    let path = KeyPath::root().key("kind");
    let start = match expected {
        "calendar" => "a calendar file starts with `kind = \"calendar\"`",
        _ => "a holiday file starts with `kind = \"holidays\"`",
    };
    let diagnostic = match doc.top_level_str("kind") {
        Some(kind) if kind == expected => return Ok(()),
        // Not a string: the structural pass reports the type.
        None if doc.has_top_level("kind") => return Ok(()),
        None => doc.error(
            "wrong-kind",
            path,
            format!("this file has no `kind`; a {} is expected here", noun(expected)),
            format!("add `kind = \"{expected}\"` at the top: {start}"),
        ),
        Some("holidays") => doc.error(
            "wrong-kind",
            path,
            "this is a holiday file (`kind = \"holidays\"`), not a calendar",
            "load the calendar that includes it instead, or include it from a calendar: `include = [\"path/to/this-file.toml\"]`",
        ),
        Some("calendar") => doc.error(
            "wrong-kind",
            path,
            "this is a calendar (`kind = \"calendar\"`), not a holiday file",
            "a holiday file has `kind = \"holidays\"`, a `year` and a list of `[[holidays]]`; a calendar cannot include another calendar",
        ),
        Some(other) => doc.error(
            "wrong-kind",
            path,
            format!("`kind` is `{other}`, but a {} is expected here", noun(expected)),
            format!("write `kind = \"{expected}\"`: {start}"),
        ),
    };
    Err(Diagnostics(vec![diagnostic]))
}

fn noun(kind: &str) -> &'static str {
    match kind {
        "calendar" => "calendar",
        _ => "holiday file",
    }
}

/// A required top-level key: reports it missing (located at the top of
/// the file, with the key as path) and returns `None`.
pub(crate) fn required<T>(
    doc: &Document<'_>,
    value: Option<T>,
    key: &str,
    example: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<T> {
    if value.is_none() {
        out.push(doc.error(
            "missing-key",
            KeyPath::root().key(key),
            format!("this file has no `{key}`"),
            format!("add it at the top level (before the first `[table]`), e.g. {example}"),
        ));
    }
    value
}

/// Checks an `id`: `[a-z0-9][a-z0-9-]*`.
pub(crate) fn check_id(doc: &Document<'_>, id: &str, out: &mut Vec<Diagnostic>) {
    let mut chars = id.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !first_ok || !chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        let suggestion: String = id
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect::<String>()
            .trim_matches('-')
            .to_owned();
        let example = if suggestion.is_empty() { "sumbar-biro-hukum".to_owned() } else { suggestion };
        out.push(doc.error(
            "bad-id",
            KeyPath::root().key("id"),
            format!("`{id}` is not a valid id"),
            format!("an id uses lowercase letters, digits and `-`, starting with a letter or digit, e.g. `{example}`"),
        ));
    }
}

/// Checks that a required text is not blank.
pub(crate) fn check_text(doc: &Document<'_>, path: KeyPath, text: &str, example: &str, out: &mut Vec<Diagnostic>) {
    if text.trim().is_empty() {
        let message = format!("`{path}` is empty");
        out.push(doc.error(
            "empty-text",
            path,
            message,
            format!("write something a person can read here, e.g. {example}"),
        ));
    }
}

/// Checks that a date lies in the years a calendar covers.
pub(crate) fn check_covered(doc: &Document<'_>, path: KeyPath, date: NaiveDate, out: &mut Vec<Diagnostic>) -> bool {
    if COVERED_YEARS.contains(&date.year()) {
        return true;
    }
    out.push(doc.error(
        "date-out-of-range",
        path,
        format!("{date} is outside the years a calendar covers ({}–{})", COVERED_YEARS.start(), COVERED_YEARS.end()),
        "check the year: dates from 1900 to 2199 are supported",
    ));
    false
}

/// Reads one day's windows, reporting each bad one; `None` if any is bad.
pub(crate) fn check_windows(
    doc: &Document<'_>,
    path: &KeyPath,
    list: &[String],
    out: &mut Vec<Diagnostic>,
) -> Option<Vec<Window>> {
    let mut windows = Vec::with_capacity(list.len());
    let mut ok = true;
    for (i, text) in list.iter().enumerate() {
        match text.parse::<Window>() {
            Ok(window) => windows.push((i, window)),
            Err(e) => {
                out.push(doc.error(e.code, path.index(i), format!("`{}`: {}", path.index(i), e.message), e.help));
                ok = false;
            }
        }
    }
    if let Some((i, j, conflict)) = first_conflict(&windows) {
        let (a, b) = (list[i].as_str(), list[j].as_str());
        let find = |k: usize| windows.iter().find(|(x, _)| *x == k).map(|(_, w)| *w);
        let (this, other) = (find(i), find(j));
        let (code, message, help) = match (conflict, this, other) {
            (Conflict::Overlap, _, _) => (
                "overlapping-windows",
                format!("`{a}` overlaps `{b}` ({})", path.index(j)),
                "windows on one day must not share time: end the earlier one before the later one starts".to_owned(),
            ),
            (Conflict::Touching, Some(x), Some(y)) => {
                let merged = Window { open: x.open.min(y.open), close: x.close.max(y.close) };
                (
                    "touching-windows",
                    format!("`{a}` and `{b}` ({}) touch, with no break between them", path.index(j)),
                    format!("write them as one window, \"{merged}\""),
                )
            }
            _ => (
                "windows-out-of-order",
                format!("`{a}` is listed after `{b}` ({}), which is later in the day", path.index(j)),
                format!("list a day's windows in the order of the day: [\"{a}\", \"{b}\"]"),
            ),
        };
        out.push(doc.error(code, path.index(i), message, help));
        ok = false;
    }
    ok.then(|| windows.into_iter().map(|(_, w)| w).collect())
}
