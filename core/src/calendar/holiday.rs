//! Holidays, and holiday files (`kind = "holidays"`): one year of Indonesia's
//! national holidays and collective leave, shared by many calendars.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::checks::{COVERED_YEARS, check_covered, check_id, check_kind, check_text, required};
use crate::date::Date;
use crate::diag::{Diagnostic, Diagnostics, KeyPath};
use crate::toml_doc::Document;

/// What kind of day off a holiday is.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum HolidayKind {
    /// A national public holiday (hari libur nasional).
    National,
    /// Collective leave (cuti bersama) for civil servants.
    CollectiveLeave,
    /// A holiday of a province or regency.
    Regional,
    /// A holiday of this office only (the default).
    #[default]
    Local,
}

impl HolidayKind {
    /// The name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            HolidayKind::National => "national",
            HolidayKind::CollectiveLeave => "collective_leave",
            HolidayKind::Regional => "regional",
            HolidayKind::Local => "local",
        }
    }
}

/// One closed day in a calendar's final holiday set.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Holiday {
    /// Its name, e.g. `Tahun Baru 2026 Masehi`.
    pub name: String,
    /// Its kind.
    pub kind: HolidayKind,
}

/// One entry of a holiday list: a single day or a period (both ends included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayEntry {
    /// The first day.
    pub from: NaiveDate,
    /// The last day (equal to `from` for a single day).
    pub to: NaiveDate,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: HolidayKind,
}

/// A holiday file, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayFile {
    /// Its id, e.g. `id-libur-nasional-2026`.
    pub id: String,
    /// Its title.
    pub label: String,
    /// The year every holiday in it falls in.
    pub year: i32,
    /// The decree it transcribes.
    pub source: String,
    /// Where the decree can be read, if given.
    pub source_url: Option<String>,
    /// A free note, if given.
    pub note: Option<String>,
    /// The holidays, as listed.
    pub holidays: Vec<HolidayEntry>,
}

/// A `[[holidays]]` entry as written, in a calendar or a holiday file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHoliday {
    date: Option<Date>,
    from: Option<Date>,
    to: Option<Date>,
    name: String,
    #[serde(rename = "type", default)]
    kind: HolidayKind,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHolidayFile {
    #[allow(dead_code)]
    kind: Option<String>,
    id: Option<String>,
    label: Option<String>,
    year: Option<i64>,
    source: Option<String>,
    source_url: Option<String>,
    note: Option<String>,
    #[serde(default)]
    holidays: Vec<RawHoliday>,
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
        check_text(
            doc,
            path.key("name"),
            &holiday.name,
            "`name = \"Hari Raya Idulfitri 1447 H\"`",
            out,
        );
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
                let (has, lacks) = if holiday.from.is_some() {
                    ("from", "to")
                } else {
                    ("to", "from")
                };
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
            || !check_covered(
                doc,
                path.key(if first_key == "date" { "date" } else { "to" }),
                to,
                out,
            )
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
                format!(
                    "`{path}` spans {} days, from {from} to {to}",
                    (to - from).num_days() + 1
                ),
                format!("a holiday period covers at most {MAX_PERIOD_DAYS} days; check the dates"),
            ));
            continue;
        }
        if let Some(year) = year {
            let outside = [(first_key, from), ("to", to)]
                .into_iter()
                .find(|(_, d)| d.year() != year);
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
        let repeated = from
            .iter_days()
            .take_while(|d| *d <= to)
            .find_map(|d| seen.get(&d).map(|&first| (d, first)));
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
        checked.push(Checked {
            index,
            entry: HolidayEntry {
                from,
                to,
                name: holiday.name,
                kind: holiday.kind,
            },
        });
    }
    checked
}

impl HolidayFile {
    /// Reads and checks a holiday file, reporting every problem found.
    pub fn load(file: &str, text: &str) -> Result<Self, Diagnostics> {
        Self::from_document(&Document::parse(file, text)?)
    }

    pub(crate) fn from_document(doc: &Document<'_>) -> Result<Self, Diagnostics> {
        check_kind(doc, "holidays")?;
        let raw: RawHolidayFile = doc.deserialize()?;
        let mut out = Vec::new();
        let root = KeyPath::root();
        let id = required(
            doc,
            raw.id,
            "id",
            "`id = \"id-libur-nasional-2026\"`",
            &mut out,
        );
        let label = required(
            doc,
            raw.label,
            "label",
            "`label = \"Hari Libur Nasional dan Cuti Bersama Tahun 2026\"`",
            &mut out,
        );
        let raw_year = required(doc, raw.year, "year", "`year = 2026`", &mut out);
        let source = required(
            doc,
            raw.source,
            "source",
            "the decree: `source = \"Keputusan Bersama … Nomor …\"`",
            &mut out,
        );
        if let Some(id) = &id {
            check_id(doc, id, &mut out);
        }
        if let Some(label) = &label {
            check_text(
                doc,
                root.key("label"),
                label,
                "`label = \"Hari Libur Nasional dan Cuti Bersama Tahun 2026\"`",
                &mut out,
            );
        }
        if let Some(source) = &source {
            check_text(
                doc,
                root.key("source"),
                source,
                "the decree: `source = \"Keputusan Bersama … Nomor …\"`",
                &mut out,
            );
        }
        if let Some(url) = &raw.source_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            out.push(doc.error(
                "bad-url",
                root.key("source_url"),
                format!("`{url}` is not a web address"),
                "write the full address, starting with `https://`, or leave `source_url` out",
            ));
        }
        let year = raw_year
            .and_then(|y| i32::try_from(y).ok())
            .filter(|y| COVERED_YEARS.contains(y));
        if let (Some(raw_year), None) = (raw_year, year) {
            out.push(doc.error(
                "year-out-of-range",
                root.key("year"),
                format!(
                    "`year = {raw_year}` is outside the years a calendar covers ({}–{})",
                    COVERED_YEARS.start(),
                    COVERED_YEARS.end()
                ),
                "write the year the holidays fall in, e.g. `year = 2026`",
            ));
        }
        let checked = check_holidays(doc, raw.holidays, year, &mut out);
        if !out.is_empty() {
            out.sort_by_key(|d| (d.line, d.column));
            return Err(Diagnostics(out));
        }
        Ok(Self {
            id: id.unwrap_or_default(),
            label: label.unwrap_or_default(),
            year: year.unwrap_or_default(),
            source: source.unwrap_or_default(),
            source_url: raw.source_url,
            note: raw.note,
            holidays: checked.into_iter().map(|c| c.entry).collect(),
        })
    }

    /// Every day off in the file, in order, with its entry.
    pub fn days(&self) -> impl Iterator<Item = (NaiveDate, &HolidayEntry)> {
        self.holidays.iter().flat_map(|h| {
            h.from
                .iter_days()
                .take_while(move |d| *d <= h.to)
                .map(move |d| (d, h))
        })
    }
}
