//! `[[holidays]]` entries, as written in a calendar or a holiday file:
//! a single `date`, or a period `from`..`to` (both included).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::checks::{check_covered, check_text};
use super::holiday::{HolidayEntry, HolidayKind};
use crate::date::Date;
use crate::diag::{Diagnostic, KeyPath};
use crate::toml_doc::Document;

/// A `[[holidays]]` entry as written, in a calendar or a holiday file: one
/// `date`, or a range `from`–`to`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Holiday")]
pub(crate) struct RawHoliday {
    /// The day, `YYYY-MM-DD`.
    date: Option<Date>,
    /// The first day of a range.
    from: Option<Date>,
    /// The last day of a range (inclusive).
    to: Option<Date>,
    /// Its name, as the decree writes it.
    name: String,
    /// `national`, `collective_leave`, `regional` or `local` (the default).
    #[serde(rename = "type", default)]
    kind: HolidayKind,
}

/// A checked `[[holidays]]` entry with its position in the list.
pub(crate) struct Checked {
    pub(crate) index: usize,
    pub(crate) entry: HolidayEntry,
}

/// The longest period one entry may span.
const MAX_PERIOD_DAYS: i64 = 366;

/// Checks a `[[holidays]]` list; `year` restricts the dates (holiday files).
pub(crate) fn check_holidays(
    doc: &Document<'_>,
    raw: Vec<RawHoliday>,
    year: Option<i32>,
    out: &mut Vec<Diagnostic>,
) -> Vec<Checked> {
    let mut checked = Vec::new();
    let mut seen: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    for (index, holiday) in raw.into_iter().enumerate() {
        let path = KeyPath::root().key("holidays").index(index);
        check_text(doc, path.key("name"), &holiday.name, "`name = \"Hari Raya Idulfitri 1447 H\"`", out);
        let (from, to, first_key) = match (holiday.date, holiday.from, holiday.to) {
            (Some(date), None, None) => (date.0, date.0, "date"),
            (None, Some(from), Some(to)) => (from.0, to.0, "from"),
            (Some(_), _, _) => {
                out.push(doc.error(
                    "date-and-range",
                    path.key("date"),
                    format!("`{path}` has both `date` and `from`/`to`"),
                    "write a single day as `date = …` or a period as `from = …` and `to = …` (both included), not both",
                ));
                continue;
            }
            (None, Some(_), None) | (None, None, Some(_)) => {
                let (has, lacks) = if holiday.from.is_some() { ("from", "to") } else { ("to", "from") };
                out.push(doc.error(
                    "half-period",
                    path.key(has),
                    format!("`{path}` has `{has}` but no `{lacks}`"),
                    format!("add `{lacks} = …` (a period includes both ends), or write a single day as `date = …`"),
                ));
                continue;
            }
            (None, None, None) => {
                out.push(doc.error(
                    "no-date",
                    path.clone(),
                    format!("`{path}` has no date"),
                    "add `date = 2026-08-17` for one day, or `from = …` and `to = …` for a period (both included)",
                ));
                continue;
            }
        };
        if !check_covered(doc, path.key(first_key), from, out)
            || !check_covered(doc, path.key(if first_key == "date" { "date" } else { "to" }), to, out)
        {
            continue;
        }
        if from > to {
            out.push(doc.error(
                "from-after-to",
                path.key("to"),
                format!("`{path}` ends ({to}) before it starts ({from})"),
                "`from` is the first day and `to` the last (both included): swap them, or fix the dates",
            ));
            continue;
        }
        if (to - from).num_days() >= MAX_PERIOD_DAYS {
            out.push(doc.error(
                "period-too-long",
                path.key("to"),
                format!("`{path}` spans {} days, from {from} to {to}", (to - from).num_days() + 1),
                format!("a holiday period covers at most {MAX_PERIOD_DAYS} days; check the dates"),
            ));
            continue;
        }
        if let Some(year) = year {
            let outside = [(first_key, from), ("to", to)].into_iter().find(|(_, d)| d.year() != year);
            if let Some((key, date)) = outside {
                out.push(doc.error(
                    "outside-year",
                    path.key(key),
                    format!("{date} is outside this file's year, {year}"),
                    format!(
                        "a holiday file lists one year (`year = {year}` at the top): fix the date, or move the holiday to the file for {}",
                        date.year()
                    ),
                ));
                continue;
            }
        }
        let repeated = from.iter_days().take_while(|d| *d <= to).find_map(|d| seen.get(&d).map(|&first| (d, first)));
        if let Some((date, first)) = repeated {
            out.push(doc.error(
                "duplicate-date",
                path.key(first_key),
                format!("{date} is listed twice: here and in `holidays[{first}]`"),
                "list each day once: remove one of the entries, or shorten the period",
            ));
            continue;
        }
        for day in from.iter_days().take_while(|d| *d <= to) {
            seen.insert(day, index);
        }
        checked.push(Checked { index, entry: HolidayEntry { from, to, name: holiday.name, kind: holiday.kind } });
    }
    checked
}
