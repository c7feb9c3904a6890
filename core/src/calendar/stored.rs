//! The stored form of a calendar (serde) and its version hash.
//!
//! A calendar serializes to its resolved content: no includes, every
//! holiday listed by date, every working day with its windows, plus the
//! version. Deserializing checks the content again, rebuilds the index and,
//! if a version is stored, refuses a copy whose content does not match it.

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

use super::business::{BusinessCalendar, Resolved, WorkingDay};
use super::holiday::{Holiday, HolidayKind};
use super::window::Window;
use crate::date::Date;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stored {
    id: String,
    label: String,
    time_zone: String,
    hours: StoredHours,
    #[serde(default)]
    holidays: Vec<StoredHoliday>,
    #[serde(default)]
    working_days: Vec<StoredWorkingDay>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    version: Option<String>,
}

#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredHours {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    monday: Vec<Window>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tuesday: Vec<Window>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    wednesday: Vec<Window>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    thursday: Vec<Window>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    friday: Vec<Window>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    saturday: Vec<Window>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    sunday: Vec<Window>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredHoliday {
    date: Date,
    name: String,
    #[serde(rename = "type")]
    kind: HolidayKind,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredWorkingDay {
    date: Date,
    name: String,
    hours: Vec<Window>,
}

fn stored(content: &Resolved) -> Stored {
    let [monday, tuesday, wednesday, thursday, friday, saturday, sunday] = content.hours.clone();
    Stored {
        id: content.id.clone(),
        label: content.label.clone(),
        time_zone: content.time_zone.name().to_owned(),
        hours: StoredHours { monday, tuesday, wednesday, thursday, friday, saturday, sunday },
        holidays: content
            .holidays
            .iter()
            .map(|(date, h)| StoredHoliday { date: Date(*date), name: h.name.clone(), kind: h.kind })
            .collect(),
        working_days: content
            .working_days
            .iter()
            .map(|(date, w)| StoredWorkingDay { date: Date(*date), name: w.name.clone(), hours: w.hours.clone() })
            .collect(),
        version: None,
    }
}

/// The canonical encoding hashed into the version: compact JSON of
/// `{"format", "time_zone", "hours": [[windows of Monday] … [Sunday]],
/// "holidays": [[date, type, name] …], "working_days": [[date, name,
/// [windows]] …]}`, dates ascending, windows as `HH:MM-HH:MM`.
#[derive(Serialize)]
struct Canonical<'a> {
    format: &'static str,
    time_zone: &'static str,
    hours: Vec<Vec<String>>,
    holidays: Vec<(String, &'static str, &'a str)>,
    working_days: Vec<(String, &'a str, Vec<String>)>,
}

/// Lowercase hex SHA-256 of the canonical encoding of `content`.
pub(crate) fn version(content: &Resolved) -> String {
    let texts = |windows: &[Window]| windows.iter().map(Window::to_string).collect::<Vec<_>>();
    let canonical = Canonical {
        format: "sigap-calendar/1",
        time_zone: content.time_zone.name(),
        hours: content.hours.iter().map(|w| texts(w)).collect(),
        holidays: content.holidays.iter().map(|(d, h)| (d.to_string(), h.kind.as_str(), h.name.as_str())).collect(),
        working_days: content
            .working_days
            .iter()
            .map(|(d, w)| (d.to_string(), w.name.as_str(), texts(&w.hours)))
            .collect(),
    };
    let bytes = crate::canonical::to_vec(&canonical).expect("strings and vectors have a canonical form");
    Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect()
}

impl Serialize for BusinessCalendar {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut form = stored(&self.content);
        form.version = Some(self.version.clone());
        form.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for BusinessCalendar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let form = Stored::deserialize(deserializer)?;
        let time_zone =
            form.time_zone.parse().map_err(|_| D::Error::custom(format!("`{}` is not a time zone", form.time_zone)))?;
        let h = form.hours;
        let mut holidays = std::collections::BTreeMap::new();
        for StoredHoliday { date, name, kind } in form.holidays {
            if holidays.insert(date.0, Holiday { name, kind }).is_some() {
                return Err(D::Error::custom(format!("the holiday {date} is listed twice")));
            }
        }
        let mut working_days = std::collections::BTreeMap::<NaiveDate, WorkingDay>::new();
        for StoredWorkingDay { date, name, hours } in form.working_days {
            if working_days.insert(date.0, WorkingDay { name, hours }).is_some() {
                return Err(D::Error::custom(format!("the working day {date} is listed twice")));
            }
        }
        let content = Resolved {
            id: form.id,
            label: form.label,
            time_zone,
            hours: [h.monday, h.tuesday, h.wednesday, h.thursday, h.friday, h.saturday, h.sunday],
            holidays,
            working_days,
        };
        let calendar = BusinessCalendar::from_resolved(content).map_err(D::Error::custom)?;
        match form.version {
            Some(stored) if stored != calendar.version => Err(D::Error::custom(format!(
                "the stored version {stored} does not match the calendar's content (version {})",
                calendar.version
            ))),
            _ => Ok(calendar),
        }
    }
}
