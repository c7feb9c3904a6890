//! Holidays, and holiday files (`kind = "holidays"`): one year of Indonesia's
//! national holidays and collective leave, shared by many calendars.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::checks::{COVERED_YEARS, check_id, check_kind, check_text, required};
use super::entries::{RawHoliday, check_holidays};
use crate::diag::{Diagnostics, KeyPath};
use crate::toml_doc::Document;

/// What kind of day off a holiday is.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
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

/// A holiday file (`kind = "holidays"`): one year's holidays from one decree.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Sigap holiday file")]
pub(crate) struct RawHolidayFile {
    /// Always `"holidays"`.
    #[allow(dead_code, reason = "read by the document's kind check; declared so that it is not an unknown key")]
    #[schemars(required, regex(pattern = "^holidays$"))]
    kind: Option<String>,
    /// Stable id, e.g. `"id-libur-nasional-2027"`.
    #[schemars(required)]
    id: Option<String>,
    /// Its title.
    #[schemars(required)]
    label: Option<String>,
    /// The year every date falls in.
    #[schemars(required)]
    year: Option<i64>,
    /// The decree it follows.
    #[schemars(required)]
    source: Option<String>,
    /// Where the decree can be read.
    source_url: Option<String>,
    /// Anything a reader should know (e.g. what still needs checking).
    note: Option<String>,
    /// The holidays.
    #[serde(default)]
    holidays: Vec<RawHoliday>,
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
        let id = required(doc, raw.id, "id", "`id = \"id-libur-nasional-2026\"`", &mut out);
        let label = required(
            doc,
            raw.label,
            "label",
            "`label = \"Hari Libur Nasional dan Cuti Bersama Tahun 2026\"`",
            &mut out,
        );
        let raw_year = required(doc, raw.year, "year", "`year = 2026`", &mut out);
        let source =
            required(doc, raw.source, "source", "the decree: `source = \"Keputusan Bersama … Nomor …\"`", &mut out);
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
        let year = raw_year.and_then(|y| i32::try_from(y).ok()).filter(|y| COVERED_YEARS.contains(y));
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
        self.holidays.iter().flat_map(|h| h.from.iter_days().take_while(move |d| *d <= h.to).map(move |d| (d, h)))
    }
}
