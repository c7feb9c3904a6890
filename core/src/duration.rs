//! Durations counted in open time: working minutes, hours and days.
//!
//! Written `30m`, `2h` or `1wd` in every file Sigap reads. Their meaning
//! against a business calendar is defined in [`crate::calendar`].

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The unit of a [`WorkDuration`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WorkUnit {
    /// Working minutes (`m`): open time only.
    Minutes,
    /// Working hours (`h`): 60 working minutes.
    Hours,
    /// Working days (`wd`): see the calendar module for the exact rule.
    Days,
}

impl WorkUnit {
    /// The unit's suffix as written in files.
    pub fn suffix(self) -> &'static str {
        match self {
            WorkUnit::Minutes => "m",
            WorkUnit::Hours => "h",
            WorkUnit::Days => "wd",
        }
    }
}

/// An amount of open time, such as `30m`, `2h` or `1wd`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WorkDuration {
    /// How many units.
    pub amount: u32,
    /// Which unit.
    pub unit: WorkUnit,
}

impl WorkDuration {
    /// `n` working minutes.
    pub const fn minutes(n: u32) -> Self {
        Self { amount: n, unit: WorkUnit::Minutes }
    }

    /// `n` working hours.
    pub const fn hours(n: u32) -> Self {
        Self { amount: n, unit: WorkUnit::Hours }
    }

    /// `n` working days.
    pub const fn days(n: u32) -> Self {
        Self { amount: n, unit: WorkUnit::Days }
    }

    /// The length in working minutes, for `m` and `h`; `None` for `wd`,
    /// whose length depends on the calendar and the start.
    pub fn as_minutes(self) -> Option<u64> {
        match self.unit {
            WorkUnit::Minutes => Some(u64::from(self.amount)),
            WorkUnit::Hours => Some(u64::from(self.amount) * 60),
            WorkUnit::Days => None,
        }
    }

    /// A person-readable Indonesian rendering such as `30 menit` or `1 hari kerja`.
    pub fn to_indonesian(self) -> String {
        match self.unit {
            WorkUnit::Minutes => format!("{} menit", self.amount),
            WorkUnit::Hours => format!("{} jam kerja", self.amount),
            WorkUnit::Days => format!("{} hari kerja", self.amount),
        }
    }
}

impl fmt::Display for WorkDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.amount, self.unit.suffix())
    }
}

/// Why a duration could not be read, with the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DurationError {
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

const DURATION_HELP: &str = "write a whole number followed by a unit: `m` (working minutes), `h` (working hours) or `wd` (working days), e.g. `30m`, `2h`, `1wd`";

impl FromStr for WorkDuration {
    type Err = DurationError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = |message: String| DurationError { message, help: DURATION_HELP.to_owned() };
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(error("the duration is empty".to_owned()));
        }
        if trimmed.starts_with('-') {
            return Err(error(format!("`{text}` is negative; a time standard counts forward")));
        }
        let digits_end = trimmed.find(|c: char| !c.is_ascii_digit()).unwrap_or(trimmed.len());
        let (digits, unit) = trimmed.split_at(digits_end);
        if digits.is_empty() {
            return Err(error(format!("`{text}` does not start with a number")));
        }
        let amount: u32 = digits
            .parse()
            .map_err(|_| error(format!("`{digits}` is too large for a duration (at most {})", u32::MAX)))?;
        let unit = match unit.trim() {
            "m" => WorkUnit::Minutes,
            "h" => WorkUnit::Hours,
            "wd" => WorkUnit::Days,
            "" => return Err(error(format!("`{text}` has no unit"))),
            "d" => {
                return Err(DurationError {
                    message: format!("`{text}` uses `d`, which is ambiguous"),
                    help: "a working day is written `wd` (it is never 24 hours); write e.g. `1wd`".to_owned(),
                });
            }
            other => return Err(error(format!("`{other}` in `{text}` is not a unit"))),
        };
        // Keep minute arithmetic far from overflow: 10 years of minutes.
        if unit != WorkUnit::Days && u64::from(amount) * if unit == WorkUnit::Hours { 60 } else { 1 } > 5_256_000 {
            return Err(error(format!("`{text}` is longer than ten years of open time")));
        }
        if unit == WorkUnit::Days && amount > 2_600 {
            return Err(error(format!("`{text}` is longer than ten years of working days")));
        }
        Ok(Self { amount, unit })
    }
}

impl Serialize for WorkDuration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for WorkDuration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = WorkDuration;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a duration such as \"30m\", \"2h\" or \"1wd\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<WorkDuration, E> {
                v.parse().map_err(|e: DurationError| crate::toml_doc::custom_error(e.message, e.help))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<WorkDuration, E> {
                Err(crate::toml_doc::custom_error(
                    format!("`{v}` has no unit"),
                    format!("write it as a string with a unit, e.g. \"{v}m\" or \"{v}wd\""),
                ))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl JsonSchema for WorkDuration {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "WorkDuration".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9]+(m|h|wd)$",
            "description": "Open time: working minutes (`m`), working hours (`h`) or working days (`wd`), e.g. `30m`, `1wd`.",
            "examples": ["30m", "2h", "1wd"]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_three_units() {
        assert_eq!("30m".parse(), Ok(WorkDuration::minutes(30)));
        assert_eq!("2h".parse(), Ok(WorkDuration::hours(2)));
        assert_eq!("1wd".parse(), Ok(WorkDuration::days(1)));
        assert_eq!(WorkDuration::hours(2).as_minutes(), Some(120));
        assert_eq!(WorkDuration::days(1).to_string(), "1wd");
    }

    #[test]
    fn rejects_what_it_cannot_mean() {
        for bad in ["", "1x", "-3h", "h", "1", "1d", "99999999999m", "3 days"] {
            let error = bad.parse::<WorkDuration>().unwrap_err();
            assert!(!error.help.is_empty(), "{bad}");
        }
        insta::assert_snapshot!("1x".parse::<WorkDuration>().unwrap_err().message, @"`x` in `1x` is not a unit");
        insta::assert_snapshot!("-3h".parse::<WorkDuration>().unwrap_err().message, @"`-3h` is negative; a time standard counts forward");
        insta::assert_snapshot!("1d".parse::<WorkDuration>().unwrap_err().help, @"a working day is written `wd` (it is never 24 hours); write e.g. `1wd`");
    }
}
