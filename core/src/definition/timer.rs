//! Stage timers: time that acts.
//!
//! A task or waiting stage may declare `[[stages.timers]]`. A timer is armed
//! when a case enters its stage and disarmed when the case leaves it; when
//! it falls due the system fires it, once, through the engine's one
//! decision, and its effect happens:
//!
//! - `action = "…"` (with constant `inputs`): the system performs that
//!   action of the stage; the case moves (an *interrupting* timer);
//! - `escalate = "role"`: the task moves to that role's inbox (the stage's
//!   own role may still finish it) and whoever held it is released;
//! - neither: a reminder; the `[[notifications]]` with `on = "timer"` and
//!   `timer = "<id>"` are sent.
//!
//! When it falls due is an offset from an anchor: `from = "entered"` (the
//! default: when the case entered the stage), `"at_risk"` or `"breached"`
//! (the stage clock's instants), or `"form.<field>"` (a `date` field of the
//! intake form, taken at 00:00 in the calendar's zone). The offset is
//! `after = "…"` or, only with a form date, `before = "…"`, in working
//! time (`30m`, `2h`, `5wd`, exactly as time standards) or in calendar days
//! (`5cd`: the same local clock time that many days later, whether or not
//! the office is open then). With `at_risk` or `breached` the offset may be
//! left out: the timer fires at that instant.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeDelta, TimeZone, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::calendar::{BusinessCalendar, CalendarError};
use crate::duration::{DurationError, WorkDuration, WorkUnit};

/// A timer of a stage (`[[stages.timers]]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Timer {
    /// Stable id, unique in the workflow (named by notifications with `on = "timer"`).
    pub id: String,
    /// What it counts from: `entered` (default), `at_risk`, `breached`, or `form.<date field>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// How long after the anchor it falls due: working time (`30m`, `2h`, `5wd`) or calendar days (`5cd`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<TimerOffset>,
    /// How long before a form date it falls due (`2h`, `1cd`; not `wd`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<TimerOffset>,
    /// The action of this stage the system performs when it falls due (the case moves).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Constant inputs of that action, e.g. the public reason text.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub inputs: BTreeMap<String, String>,
    /// The staff role the task moves to when it falls due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalate: Option<String>,
    /// The rule in the SOP's words, e.g. "paling lama 5 hari kerja, lalu ditutup otomatis"
    /// (shown in the SOP table and to staff; a sentence is made when omitted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// What a timer counts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor {
    /// When the case entered the stage.
    Entered,
    /// The stage clock's at-risk instant.
    AtRisk,
    /// The stage clock's due instant.
    Breached,
    /// A `date` field of the intake form, at 00:00 in the calendar's zone.
    FormDate(String),
}

impl Anchor {
    /// Reads `from`; `None` when it names nothing a timer can count from.
    pub fn parse(from: Option<&str>) -> Option<Anchor> {
        match from {
            None | Some("entered") => Some(Anchor::Entered),
            Some("at_risk") => Some(Anchor::AtRisk),
            Some("breached") => Some(Anchor::Breached),
            Some(other) => {
                other.strip_prefix("form.").filter(|f| !f.is_empty()).map(|field| Anchor::FormDate(field.to_owned()))
            }
        }
    }
}

/// What firing does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect<'t> {
    /// The system performs this action; the case moves.
    Action(&'t str),
    /// The task moves to this role.
    Escalate(&'t str),
    /// Notifications only.
    Remind,
}

impl Timer {
    /// What it counts from (checked definitions always have one).
    pub fn anchor(&self) -> Anchor {
        Anchor::parse(self.from.as_deref()).unwrap_or(Anchor::Entered)
    }

    /// What firing does.
    pub fn effect(&self) -> Effect<'_> {
        match (&self.action, &self.escalate) {
            (Some(action), _) => Effect::Action(action),
            (None, Some(role)) => Effect::Escalate(role),
            (None, None) => Effect::Remind,
        }
    }

    /// Whether firing moves the case.
    pub fn is_interrupting(&self) -> bool {
        self.action.is_some()
    }

    /// The instant it falls due when counted from `anchor`.
    pub fn due_from(&self, anchor: DateTime<Utc>, calendar: &BusinessCalendar) -> Result<DateTime<Utc>, CalendarError> {
        match (&self.after, &self.before) {
            (Some(after), _) => after.add(anchor, calendar),
            (None, Some(before)) => before.subtract(anchor, calendar),
            (None, None) => Ok(anchor),
        }
    }

    /// The rule in words, for the SOP table and staff: the `label`, or a
    /// sentence made from the offset and the effect with the definition's
    /// labels.
    pub fn describe(&self, definition: &super::Definition) -> String {
        if let Some(label) = &self.label {
            return label.clone();
        }
        let field = |id: &str| definition.form_field(id).map_or_else(|| id.to_owned(), |f| f.label.clone());
        let when = match (self.anchor(), &self.after, &self.before) {
            (Anchor::Entered, Some(after), _) => format!("{} setelah masuk tahap ini", after.to_indonesian()),
            (Anchor::AtRisk, None, None) => "saat waktu tahap ini hampir habis".to_owned(),
            (Anchor::AtRisk, Some(after), _) => {
                format!("{} setelah waktu tahap ini hampir habis", after.to_indonesian())
            }
            (Anchor::Breached, None, None) => "saat waktu tahap ini terlampaui".to_owned(),
            (Anchor::Breached, Some(after), _) => {
                format!("{} setelah waktu tahap ini terlampaui", after.to_indonesian())
            }
            (Anchor::FormDate(id), Some(after), _) => format!("{} setelah {}", after.to_indonesian(), field(&id)),
            (Anchor::FormDate(id), None, Some(before)) => format!("{} sebelum {}", before.to_indonesian(), field(&id)),
            (_, _, _) => "saat masuk tahap ini".to_owned(),
        };
        match self.effect() {
            Effect::Action(id) => {
                let label = definition.action(id).map_or(id, |a| a.label.as_str());
                format!("{when}: otomatis {}", label.to_lowercase())
            }
            Effect::Escalate(role) => {
                format!("{when}: dieskalasi ke {}", definition.role(role).map_or(role, |r| r.label.as_str()))
            }
            Effect::Remind => format!("{when}: pengingat"),
        }
    }
}

/// A timer's offset: working time, or calendar days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimerOffset {
    /// `30m`, `2h`, `5wd`: open time on the case's calendar.
    Working(WorkDuration),
    /// `5cd`: calendar days, the same local clock time.
    CalendarDays(u32),
}

impl TimerOffset {
    /// Whether it is zero (which the checker refuses).
    pub fn is_zero(self) -> bool {
        match self {
            TimerOffset::Working(d) => d.amount == 0,
            TimerOffset::CalendarDays(n) => n == 0,
        }
    }

    /// Whether it counts working days (`wd`).
    pub fn is_working_days(self) -> bool {
        matches!(self, TimerOffset::Working(d) if d.unit == WorkUnit::Days)
    }

    /// Indonesian words, e.g. `5 hari kerja` or `5 hari kalender`.
    pub fn to_indonesian(self) -> String {
        match self {
            TimerOffset::Working(d) => d.to_indonesian(),
            TimerOffset::CalendarDays(n) => format!("{n} hari kalender"),
        }
    }

    /// `t` plus this offset on `calendar`.
    pub fn add(self, t: DateTime<Utc>, calendar: &BusinessCalendar) -> Result<DateTime<Utc>, CalendarError> {
        match self {
            TimerOffset::Working(d) => calendar.add(t, d),
            TimerOffset::CalendarDays(n) => shift_days(t, calendar, n, true),
        }
    }

    /// `t` minus this offset: for working minutes and hours, the latest
    /// instant from which that much open time passes until `t`, moved to the
    /// next opening when the office is closed then (a reminder "one working
    /// hour before" a 09:00 appointment comes at 08:00, not at the previous
    /// day's close).
    pub fn subtract(self, t: DateTime<Utc>, calendar: &BusinessCalendar) -> Result<DateTime<Utc>, CalendarError> {
        match self {
            TimerOffset::Working(d) => calendar.subtract_working_time(t, d),
            TimerOffset::CalendarDays(n) => shift_days(t, calendar, n, false),
        }
    }
}

/// The same local clock time `n` days later (or earlier) in the calendar's
/// zone; a local time that does not exist that day (a DST gap) is taken
/// at the later side of the gap.
fn shift_days(
    t: DateTime<Utc>,
    calendar: &BusinessCalendar,
    n: u32,
    forward: bool,
) -> Result<DateTime<Utc>, CalendarError> {
    let tz = calendar.time_zone();
    let local = t.with_timezone(&tz).naive_local();
    let days = Days::new(u64::from(n));
    let shifted = if forward { local.checked_add_days(days) } else { local.checked_sub_days(days) };
    let out_of_range = CalendarError::OutOfRange { instant: t };
    let shifted = shifted.ok_or(out_of_range.clone())?;
    let resolved = tz
        .from_local_datetime(&shifted)
        .earliest()
        .or_else(|| (1..=180).find_map(|m| tz.from_local_datetime(&(shifted + TimeDelta::minutes(m))).earliest()));
    resolved.map(|d| d.with_timezone(&Utc)).ok_or(out_of_range)
}

/// A form date as an instant: 00:00 of that day in the calendar's zone.
pub fn date_instant(date: NaiveDate, calendar: &BusinessCalendar) -> Option<DateTime<Utc>> {
    let tz = calendar.time_zone();
    let midnight = date.and_time(NaiveTime::MIN);
    tz.from_local_datetime(&midnight)
        .earliest()
        .or_else(|| (1..=180).find_map(|m| tz.from_local_datetime(&(midnight + TimeDelta::minutes(m))).earliest()))
        .map(|d| d.with_timezone(&Utc))
}

const OFFSET_HELP: &str = "write a whole number and a unit: `m`, `h` or `wd` for working time (as time standards), or `cd` for calendar days, e.g. `5wd` or `14cd`";

impl FromStr for TimerOffset {
    type Err = DurationError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        if trimmed.starts_with('-') {
            return Err(DurationError {
                message: format!("`{text}` is negative; a timer counts forward from its anchor"),
                help: "write the amount without a sign; to fall due before a form date, use `before = \"…\"` with `from = \"form.<field>\"`".to_owned(),
            });
        }
        if let Some(days) = trimmed.strip_suffix("cd") {
            let n: u32 = days.trim().parse().map_err(|_| DurationError {
                message: format!("`{text}` is not a number of calendar days"),
                help: OFFSET_HELP.to_owned(),
            })?;
            if n > 3_660 {
                return Err(DurationError {
                    message: format!("`{text}` is longer than ten years"),
                    help: OFFSET_HELP.to_owned(),
                });
            }
            return Ok(TimerOffset::CalendarDays(n));
        }
        match trimmed.parse::<WorkDuration>() {
            Ok(d) => Ok(TimerOffset::Working(d)),
            Err(mut e) => {
                if trimmed.ends_with('d') && !trimmed.ends_with("wd") {
                    e.help = "`d` is ambiguous: write `wd` for working days (open time on the calendar) or `cd` for calendar days, e.g. `5wd` or `5cd`".to_owned();
                } else {
                    e.help = OFFSET_HELP.to_owned();
                }
                Err(e)
            }
        }
    }
}

impl fmt::Display for TimerOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimerOffset::Working(d) => d.fmt(f),
            TimerOffset::CalendarDays(n) => write!(f, "{n}cd"),
        }
    }
}

impl Serialize for TimerOffset {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TimerOffset {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = TimerOffset;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an offset such as \"2h\", \"5wd\" or \"14cd\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<TimerOffset, E> {
                v.parse().map_err(|e: DurationError| crate::toml_doc::custom_error(e.message, e.help))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<TimerOffset, E> {
                Err(crate::toml_doc::custom_error(
                    format!("`{v}` has no unit"),
                    format!("write it as a string with a unit, e.g. \"{v}wd\" or \"{v}cd\""),
                ))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl JsonSchema for TimerOffset {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "TimerOffset".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9]+(m|h|wd|cd)$",
            "description": "Working minutes (`m`), hours (`h`) or days (`wd`) on the case's calendar, or calendar days (`cd`).",
            "examples": ["2h", "5wd", "14cd"]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_offsets() {
        assert_eq!("5wd".parse(), Ok(TimerOffset::Working(WorkDuration::days(5))));
        assert_eq!("14cd".parse(), Ok(TimerOffset::CalendarDays(14)));
        assert_eq!("2h".parse::<TimerOffset>().map(|o| o.to_string()), Ok("2h".to_owned()));
        insta::assert_snapshot!("5d".parse::<TimerOffset>().unwrap_err().help, @"`d` is ambiguous: write `wd` for working days (open time on the calendar) or `cd` for calendar days, e.g. `5wd` or `5cd`");
        insta::assert_snapshot!("-1h".parse::<TimerOffset>().unwrap_err().message, @"`-1h` is negative; a timer counts forward from its anchor");
        assert!("xcd".parse::<TimerOffset>().is_err());
    }

    #[test]
    fn anchors() {
        assert_eq!(Anchor::parse(None), Some(Anchor::Entered));
        assert_eq!(Anchor::parse(Some("form.tanggal")), Some(Anchor::FormDate("tanggal".to_owned())));
        assert_eq!(Anchor::parse(Some("form.")), None);
        assert_eq!(Anchor::parse(Some("entred")), None);
    }
}
