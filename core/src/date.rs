//! Calendar dates and times of day as written in Sigap's files.
//!
//! A date may be written as a TOML local date (`2026-01-01`) or as a string
//! (`"2026-01-01"`); a time of day as `"08:00"`.

use std::fmt;

use chrono::{NaiveDate, NaiveTime};
use schemars::JsonSchema;
use serde::de::value::MapAccessDeserializer;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::toml_doc::custom_error;

/// A calendar date, without time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(pub NaiveDate);

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

const DATE_HELP: &str = "write a date as YYYY-MM-DD, e.g. 2026-01-01";

fn parse_date<E: serde::de::Error>(text: &str) -> Result<Date, E> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(Date)
        .map_err(|_| custom_error(format!("`{text}` is not a date"), DATE_HELP))
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date such as 2026-01-01")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Date, E> {
                parse_date(v)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Date, A::Error> {
                let datetime = toml::value::Datetime::deserialize(MapAccessDeserializer::new(map))?;
                match (datetime.date, datetime.time, datetime.offset) {
                    (Some(d), None, None) => {
                        NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                            .map(Date)
                            .ok_or_else(|| custom_error(format!("`{datetime}` is not a date"), DATE_HELP))
                    }
                    _ => Err(custom_error(format!("`{datetime}` has a time; a date is expected"), DATE_HELP)),
                }
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": "date", "description": "A date, YYYY-MM-DD." })
    }
}

/// A time of day, minute precision, `HH:MM` (00:00–24:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimeOfDay {
    /// Minutes since midnight, 0..=1440 (1440 is `24:00`, the end of the day).
    pub minutes: u16,
}

impl TimeOfDay {
    /// The time as a chrono time; `24:00` has none and gives `None`.
    pub fn to_naive(self) -> Option<NaiveTime> {
        NaiveTime::from_hms_opt(u32::from(self.minutes / 60), u32::from(self.minutes % 60), 0)
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.minutes / 60, self.minutes % 60)
    }
}

impl std::str::FromStr for TimeOfDay {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || format!("`{text}` is not a time of day (HH:MM, 00:00–24:00)");
        let (h, m) = text.split_once(':').ok_or_else(bad)?;
        if h.len() != 2 || m.len() != 2 {
            return Err(bad());
        }
        let h: u16 = h.parse().map_err(|_| bad())?;
        let m: u16 = m.parse().map_err(|_| bad())?;
        if m >= 60 || h > 24 || (h == 24 && m != 0) {
            return Err(bad());
        }
        Ok(Self { minutes: h * 60 + m })
    }
}
