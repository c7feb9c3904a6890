//! Loading a calendar file (`kind = "calendar"`) and the holiday files it includes.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::checks::{check_covered, check_id, check_kind, check_text, check_windows, required};
use super::entries::{RawHoliday, check_holidays};
use super::holiday::Holiday;
use super::include::read_includes;
use super::time_zone::parse_time_zone;
use super::window::{WEEKDAYS, Window};
use super::{BusinessCalendar, Resolved, WorkingDay};
use schemars::JsonSchema;

use crate::date::Date;
use crate::diag::{Diagnostic, Diagnostics, KeyPath};
use crate::toml_doc::Document;

/// A calendar file (`kind = "calendar"`): when an office is open, in its own time zone.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Sigap calendar file")]
pub(crate) struct RawCalendar {
    /// Always `"calendar"`.
    #[allow(dead_code, reason = "read by the document's kind check; declared so that it is not an unknown key")]
    #[schemars(required, regex(pattern = "^calendar$"))]
    kind: Option<String>,
    /// Stable id, e.g. `"sumbar-biro-hukum"`.
    #[schemars(required)]
    id: Option<String>,
    /// The office and its hours in plain words.
    #[schemars(required)]
    label: Option<String>,
    /// An IANA time zone, e.g. `"Asia/Jakarta"`.
    #[schemars(required)]
    time_zone: Option<String>,
    /// Holiday files (`kind = "holidays"`), relative to this file.
    #[serde(default)]
    include: Vec<String>,
    /// The usual opening windows of each weekday; a day left out is closed.
    hours: Option<RawHours>,
    /// This office's own holidays (regional, local), beside the included files.
    #[serde(default)]
    holidays: Vec<RawHoliday>,
    /// Days open although they would not be (a Saturday made a working day), with their hours.
    #[serde(default)]
    working_days: Vec<RawWorkingDay>,
}

/// Opening windows per weekday: `["08:00-15:00"]`, several a day allowed.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Hours")]
pub(crate) struct RawHours {
    #[schemars(inner(regex(pattern = WINDOW)))]
    monday: Option<Vec<String>>,
    #[schemars(inner(regex(pattern = WINDOW)))]
    tuesday: Option<Vec<String>>,
    #[schemars(inner(regex(pattern = WINDOW)))]
    wednesday: Option<Vec<String>>,
    #[schemars(inner(regex(pattern = WINDOW)))]
    thursday: Option<Vec<String>>,
    #[schemars(inner(regex(pattern = WINDOW)))]
    friday: Option<Vec<String>>,
    #[schemars(inner(regex(pattern = WINDOW)))]
    saturday: Option<Vec<String>>,
    #[schemars(inner(regex(pattern = WINDOW)))]
    sunday: Option<Vec<String>>,
}

/// An opening window, `HH:MM-HH:MM` in 24-hour local time (`24:00` ends the day).
const WINDOW: &str = "^([01][0-9]|2[0-4]):[0-5][0-9]-([01][0-9]|2[0-4]):[0-5][0-9]$";

/// An extra working day.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "WorkingDay")]
pub(crate) struct RawWorkingDay {
    /// The day, `YYYY-MM-DD`.
    date: Date,
    /// Why it is a working day.
    name: String,
    /// Its windows (default: the usual hours of that weekday).
    #[schemars(inner(regex(pattern = WINDOW)))]
    hours: Option<Vec<String>>,
}

/// Reads a calendar: see [`BusinessCalendar::load`].
#[allow(clippy::type_complexity)]
pub(crate) fn load(
    file: &str,
    text: &str,
    include: &mut dyn FnMut(&str) -> Result<(String, String), String>,
) -> Result<BusinessCalendar, Diagnostics> {
    let doc = Document::parse(file, text)?;
    check_kind(&doc, "calendar")?;
    let raw: RawCalendar = doc.deserialize()?;
    let root = KeyPath::root();
    let mut out = Vec::new();
    let id = required(&doc, raw.id, "id", "`id = \"sumbar-biro-hukum\"`", &mut out).unwrap_or_default();
    let label = required(&doc, raw.label, "label", "`label = \"Hari dan jam layanan Biro Hukum\"`", &mut out);
    let zone_name = required(&doc, raw.time_zone, "time_zone", "`time_zone = \"Asia/Jakarta\"`", &mut out);
    if doc.has_top_level("id") {
        check_id(&doc, &id, &mut out);
    }
    let label = label.unwrap_or_default();
    if doc.has_top_level("label") {
        check_text(&doc, root.key("label"), &label, "`label = \"Hari dan jam layanan Biro Hukum\"`", &mut out);
    }
    let time_zone = zone_name.and_then(|name| {
        parse_time_zone(&name)
            .map_err(|(message, help)| {
                out.push(doc.error("unknown-time-zone", root.key("time_zone"), message, help));
            })
            .ok()
    });

    // Weekly hours.
    let days = raw.hours.map(|h| [h.monday, h.tuesday, h.wednesday, h.thursday, h.friday, h.saturday, h.sunday]);
    let mut hours: [Vec<Window>; 7] = Default::default();
    let mut hours_ok = [true; 7];
    for (i, list) in days.iter().flatten().enumerate() {
        if let Some(list) = list {
            let path = root.key("hours").key(WEEKDAYS[i]);
            match check_windows(&doc, &path, list, &mut out) {
                Some(windows) => hours[i] = windows,
                None => hours_ok[i] = false,
            }
        }
    }
    let written = days.iter().flatten().flatten().map(Vec::len).sum::<usize>();
    if written == 0 {
        out.push(doc.error(
            "no-hours",
            root.key("hours"),
            "this calendar is never open: `[hours]` gives no window on any day",
            "add the weekly service hours, e.g. `[hours]` with `monday = [\"08:00-15:00\"]`; a day left out is closed",
        ));
    }

    // Included holiday files.
    let mut foreign: Vec<Diagnostic> = Vec::new();
    let included = read_includes(&doc, &raw.include, include, &mut out, &mut foreign);

    // This calendar's own holidays.
    let mut local: BTreeMap<NaiveDate, (usize, Holiday)> = BTreeMap::new();
    for checked in check_holidays(&doc, raw.holidays, None, &mut out) {
        let entry = checked.entry;
        let days = entry.from.iter_days().take_while(|d| *d <= entry.to);
        if let Some((date, source)) = days.clone().find_map(|d| included.get(&d).map(|s| (d, s))) {
            let key = if entry.from == entry.to { "date" } else { "from" };
            out.push(doc.error(
                "duplicate-date",
                root.key("holidays").index(checked.index).key(key),
                format!("{date} is already a holiday in `{}` (“{}”)", source.file, source.holiday.name),
                "remove this entry (or this day from the period): the included file already closes that day",
            ));
            continue;
        }
        for date in days {
            local.insert(date, (checked.index, Holiday { name: entry.name.clone(), kind: entry.kind }));
        }
    }

    // Extra working days.
    let mut working_days: BTreeMap<NaiveDate, WorkingDay> = BTreeMap::new();
    let mut first_listed: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    for (i, day) in raw.working_days.into_iter().enumerate() {
        let path = root.key("working_days").index(i);
        let date = day.date.0;
        check_text(&doc, path.key("name"), &day.name, "`name = \"Hari kerja pengganti\"`", &mut out);
        if !check_covered(&doc, path.key("date"), date, &mut out) {
            continue;
        }
        if let Some(first) = first_listed.insert(date, i) {
            first_listed.insert(date, first);
            out.push(doc.error(
                "duplicate-date",
                path.key("date"),
                format!("{date} is listed twice: here and in `working_days[{first}]`"),
                "list each working day once: remove one of the entries",
            ));
            continue;
        }
        if let Some((index, holiday)) = local.get(&date) {
            out.push(doc.error(
                "working-day-on-holiday",
                path.key("date"),
                format!("{date} is both a working day and a holiday of this calendar (`holidays[{index}]`, “{}”)", holiday.name),
                "remove one of the two entries: a day cannot be both (a working day may override a holiday from an included file, not one listed here)",
            ));
            continue;
        }
        let weekday = date.weekday().num_days_from_monday() as usize;
        let windows = match &day.hours {
            Some(list) if list.is_empty() => {
                out.push(doc.error(
                    "working-day-needs-hours",
                    path.key("hours"),
                    format!("`{}` is empty", path.key("hours")),
                    "give the windows of that day, e.g. `hours = [\"08:00-12:00\"]`, or leave `hours` out to use the usual hours of that weekday",
                ));
                continue;
            }
            Some(list) => match check_windows(&doc, &path.key("hours"), list, &mut out) {
                Some(windows) => windows,
                None => continue,
            },
            None if !hours[weekday].is_empty() || !hours_ok[weekday] => hours[weekday].clone(),
            None => {
                out.push(doc.error(
                    "working-day-needs-hours",
                    path.key("date"),
                    format!(
                        "{date} is a {}, which has no hours in `[hours]`, so this working day needs its own",
                        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][weekday]
                    ),
                    "add the windows of that day to this entry, e.g. `hours = [\"08:00-12:00\"]`",
                ));
                continue;
            }
        };
        working_days.insert(date, WorkingDay { name: day.name, hours: windows });
    }

    if !out.is_empty() || !foreign.is_empty() {
        out.sort_by_key(|d| (d.line, d.column));
        out.extend(foreign);
        return Err(Diagnostics(out));
    }
    // An extra working day overrides a holiday from an included file.
    let mut holidays: BTreeMap<NaiveDate, Holiday> = included.into_iter().map(|(d, s)| (d, s.holiday)).collect();
    holidays.extend(local.into_iter().map(|(d, (_, h))| (d, h)));
    holidays.retain(|date, _| !working_days.contains_key(date));
    let resolved = Resolved { id, label, time_zone: time_zone.unwrap_or_default(), hours, holidays, working_days };
    BusinessCalendar::from_resolved(resolved).map_err(|message| {
        Diagnostics(vec![doc.error(
            "invalid-calendar",
            KeyPath::root(),
            message,
            "check the calendar against the documentation",
        )])
    })
}
