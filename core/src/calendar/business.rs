//! [`BusinessCalendar`]: a resolved calendar and its lookups.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;

use super::holiday::Holiday;
use super::timeline::{END_DAY, FIRST_DAY, Timeline};
use super::window::{Window, well_formed};
use super::zone::{self, DAY};
use crate::diag::Diagnostics;

/// An extra working day (a day that would otherwise be closed, or that has
/// its own hours), with its windows resolved.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WorkingDay {
    /// Why the day is worked, e.g. `Hari kerja pengganti`.
    pub name: String,
    /// Its windows (the weekday's usual ones when the file gave none).
    pub hours: Vec<Window>,
}

/// The resolved content of a calendar, before indexing.
#[derive(Clone)]
pub(crate) struct Resolved {
    pub(crate) id: String,
    pub(crate) label: String,
    pub(crate) time_zone: Tz,
    pub(crate) hours: [Vec<Window>; 7],
    pub(crate) holidays: BTreeMap<NaiveDate, Holiday>,
    pub(crate) working_days: BTreeMap<NaiveDate, WorkingDay>,
}

/// A business calendar: when an office is open, in its own time zone.
///
/// Built by [`BusinessCalendar::load`] from a calendar file and the holiday
/// files it includes, or deserialized from a stored copy. Its
/// [`version`](Self::version) identifies its content, so a case can pin the
/// calendar its deadlines were computed with. See the [module
/// documentation](crate::calendar) for what the computations mean.
#[derive(Clone)]
pub struct BusinessCalendar {
    pub(crate) content: Resolved,
    pub(crate) version: String,
    pub(crate) timeline: Timeline,
}

/// The local day number (days since 1970-01-01) of a date.
pub(crate) fn day_number(date: NaiveDate) -> i64 {
    i64::from(date.to_epoch_days())
}

impl BusinessCalendar {
    /// Reads a calendar file (`kind = "calendar"`), reporting every problem found.
    ///
    /// `file` is the name to show in diagnostics. `include` is called with
    /// each entry of `include = [...]` as written and returns the included
    /// holiday file's display name and text, or why it cannot be read; the
    /// caller resolves paths relative to the calendar file.
    #[allow(clippy::type_complexity)] // the signature reads best spelled out
    pub fn load(
        file: &str,
        text: &str,
        include: &mut dyn FnMut(&str) -> Result<(String, String), String>,
    ) -> Result<Self, Diagnostics> {
        super::load::load(file, text, include)
    }

    /// Checks resolved content and builds the index.
    pub(crate) fn from_resolved(content: Resolved) -> Result<Self, String> {
        if content.hours.iter().all(Vec::is_empty) {
            return Err("the calendar has no opening hours on any weekday".to_owned());
        }
        if let Some(day) = content.hours.iter().position(|w| !well_formed(w)) {
            return Err(format!("the windows of weekday {} are not sorted, non-empty and apart", day + 1));
        }
        let covered = |d: &NaiveDate| (FIRST_DAY..END_DAY).contains(&day_number(*d));
        if let Some(date) = content.holidays.keys().chain(content.working_days.keys()).find(|d| !covered(d)) {
            return Err(format!("{date} is outside the years a calendar covers"));
        }
        if let Some(date) = content.working_days.keys().find(|d| content.holidays.contains_key(d)) {
            return Err(format!("{date} is both a holiday and a working day"));
        }
        if let Some((date, _)) = content.working_days.iter().find(|(_, w)| w.hours.is_empty() || !well_formed(&w.hours))
        {
            return Err(format!("the working day {date} has no valid hours"));
        }
        let seconds = |windows: &[Window]| windows.iter().map(|w| w.seconds()).collect::<Vec<_>>();
        let weekly: [Vec<(i64, i64)>; 7] = std::array::from_fn(|i| seconds(&content.hours[i]));
        let mut overrides: BTreeMap<i64, Vec<(i64, i64)>> =
            content.holidays.keys().map(|d| (day_number(*d), Vec::new())).collect();
        overrides.extend(content.working_days.iter().map(|(d, w)| (day_number(*d), seconds(&w.hours))));
        let zone = zone::table(content.time_zone, (FIRST_DAY - 2) * DAY, (END_DAY + 2) * DAY);
        let timeline = Timeline::new(zone, weekly, &overrides);
        let version = super::stored::version(&content);
        Ok(Self { content, version, timeline })
    }

    /// The calendar's id, e.g. `sumbar-biro-hukum`.
    pub fn id(&self) -> &str {
        &self.content.id
    }

    /// Its title.
    pub fn label(&self) -> &str {
        &self.content.label
    }

    /// Lowercase hex SHA-256 of its resolved content (time zone, weekly
    /// windows, final holidays with names, extra working days); id and
    /// label are not part of it.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The time zone its windows are written in.
    pub fn time_zone(&self) -> Tz {
        self.content.time_zone
    }

    /// The usual windows of a weekday.
    pub fn hours(&self, weekday: Weekday) -> &[Window] {
        &self.content.hours[weekday.num_days_from_monday() as usize]
    }

    /// The name of the holiday on `date`, if it is one. A day that an
    /// included file marks as a holiday but this calendar declares a working
    /// day is not a holiday.
    pub fn holiday(&self, date: NaiveDate) -> Option<&str> {
        self.content.holidays.get(&date).map(|h| h.name.as_str())
    }

    /// The final set of holidays, in date order.
    pub fn holidays(&self) -> impl Iterator<Item = (NaiveDate, &Holiday)> {
        self.content.holidays.iter().map(|(d, h)| (*d, h))
    }

    /// The last day whose holidays this calendar knows: 31 December of the
    /// latest year any of its holidays falls in; `None` for a calendar
    /// without holidays. Past it every weekday with hours counts as a
    /// working day, so a deadline computed there may fall on a holiday
    /// nobody has declared yet.
    pub fn holidays_known_until(&self) -> Option<NaiveDate> {
        let (last, _) = self.content.holidays.last_key_value()?;
        NaiveDate::from_ymd_opt(last.year(), 12, 31)
    }

    /// Whether `date` lies past [`holidays_known_until`](Self::holidays_known_until)
    /// (never, for a calendar without holidays).
    pub fn beyond_known_holidays(&self, date: NaiveDate) -> bool {
        self.holidays_known_until().is_some_and(|last| date > last)
    }

    /// A warning, in English, when the known holidays end within twelve
    /// months of `today` (or have ended): what ends when, and what to do.
    pub fn holiday_horizon_warning(&self, today: NaiveDate) -> Option<String> {
        let last = self.holidays_known_until()?;
        let soon = today.checked_add_months(chrono::Months::new(12))?;
        if last > soon {
            return None;
        }
        let days = (last - today).num_days();
        let when = match days {
            d if d < 0 => format!("{} days ago", -d),
            0 => "today".to_owned(),
            1 => "tomorrow".to_owned(),
            d => format!("in {d} days"),
        };
        Some(format!(
            "the holidays of calendar `{}` are known until {} ({when}); later deadlines count holidays as working days: include the holiday file for {}",
            self.content.id,
            last.format("%Y-%m-%d"),
            last.year() + 1
        ))
    }

    /// The extra working days, in date order.
    pub fn working_days(&self) -> impl Iterator<Item = (NaiveDate, &WorkingDay)> {
        self.content.working_days.iter().map(|(d, w)| (*d, w))
    }

    /// Whether `date` has any open time.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.timeline.day_seconds(day_number(date)) > 0
    }

    /// The open windows of the local `date`, as UTC instants `[open, close)`,
    /// in order. Empty on a closed day and outside the covered years.
    pub fn windows_on(&self, date: NaiveDate) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        self.timeline
            .day_windows(day_number(date))
            .filter_map(|(a, b)| Some((DateTime::from_timestamp(a, 0)?, DateTime::from_timestamp(b, 0)?)))
            .collect()
    }
}

impl fmt::Debug for BusinessCalendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BusinessCalendar")
            .field("id", &self.content.id)
            .field("time_zone", &self.content.time_zone.name())
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl PartialEq for BusinessCalendar {
    /// Same id, label and content (by version).
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version
            && self.content.id == other.content.id
            && self.content.label == other.content.label
    }
}

impl Eq for BusinessCalendar {}
