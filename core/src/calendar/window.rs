//! Opening windows: `"08:00-15:00"`, local wall-clock times on one day.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::date::TimeOfDay;

/// The weekdays as written in `[hours]`, Monday first.
pub const WEEKDAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// One opening window on a day, `[open, close)` in local wall-clock time.
///
/// Written `"HH:MM-HH:MM"`; `close` may be `24:00` (midnight at the end of
/// the day) but a window never runs past midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Window {
    /// When the window opens.
    pub open: TimeOfDay,
    /// When it closes (exclusive).
    pub close: TimeOfDay,
}

impl Window {
    /// The window from `open` to `close`, given as minutes since midnight,
    /// if it is a valid window (`open < close <= 24:00`).
    pub fn from_minutes(open: u16, close: u16) -> Option<Self> {
        (open < close && close <= 1440)
            .then_some(Self { open: TimeOfDay { minutes: open }, close: TimeOfDay { minutes: close } })
    }

    /// Its length in minutes.
    pub fn minutes(self) -> u16 {
        self.close.minutes.saturating_sub(self.open.minutes)
    }

    /// `(open, close)` in seconds since local midnight.
    pub(crate) fn seconds(self) -> (i64, i64) {
        (i64::from(self.open.minutes) * 60, i64::from(self.close.minutes) * 60)
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.open, self.close)
    }
}

/// Why a window could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct WindowError {
    /// A stable kind: `bad-time`, `empty-window` or `window-past-midnight`.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

impl FromStr for Window {
    type Err = WindowError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad_format = |message: String| {
            WindowError {
            code: "bad-time",
            message,
            help: "write a window as \"HH:MM-HH:MM\" in 24-hour local time, e.g. \"08:00-15:00\"; several windows a day are written as a list, e.g. [\"08:00-11:30\", \"13:30-15:00\"]".to_owned(),
        }
        };
        let Some((open, close)) = text.split_once('-') else {
            return Err(bad_format(format!("`{text}` is not a window (HH:MM-HH:MM)")));
        };
        let open: TimeOfDay = open.trim().parse().map_err(bad_format)?;
        let close: TimeOfDay = close.trim().parse().map_err(bad_format)?;
        if close.minutes == open.minutes {
            return Err(WindowError {
                code: "empty-window",
                message: format!("the window `{text}` closes when it opens"),
                help:
                    "a window's end must be after its start, e.g. \"08:00-15:00\"; leave a closed day out of `[hours]`"
                        .to_owned(),
            });
        }
        if close.minutes < open.minutes {
            return Err(WindowError {
                code: "window-past-midnight",
                message: format!("the window `{text}` ends before it starts, i.e. it runs past midnight"),
                help: format!(
                    "a window ends on the day it starts: split it into two days, `{open}-24:00` on one day and `00:00-{close}` on the next"
                ),
            });
        }
        Ok(Self { open, close })
    }
}

impl Serialize for Window {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Window {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(|e: WindowError| crate::toml_doc::custom_error(e.message, e.help))
    }
}

/// How two windows of one day, in the order listed, conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Conflict {
    /// They share some time.
    Overlap,
    /// One ends exactly where the other starts.
    Touching,
    /// The later-listed one comes first in the day.
    OutOfOrder,
}

/// The first conflict among one day's windows: `(index of the offending
/// window, index of the window it conflicts with, kind)`.
pub(crate) fn first_conflict(windows: &[(usize, Window)]) -> Option<(usize, usize, Conflict)> {
    let mut sorted: Vec<&(usize, Window)> = windows.iter().collect();
    sorted.sort_by_key(|(i, w)| (w.open, w.close, *i));
    for pair in sorted.windows(2) {
        let ((i, a), (j, b)) = (pair[0], pair[1]);
        let kind = if b.open < a.close {
            Conflict::Overlap
        } else if b.open == a.close {
            Conflict::Touching
        } else {
            continue;
        };
        // Blame the one listed later.
        return Some(if i < j { (*j, *i, kind) } else { (*i, *j, kind) });
    }
    windows
        .windows(2)
        .find(|pair| pair[1].1.open < pair[0].1.open)
        .map(|pair| (pair[1].0, pair[0].0, Conflict::OutOfOrder))
}

/// Whether windows are sorted, non-empty and separated by closed time.
pub(crate) fn well_formed(windows: &[Window]) -> bool {
    windows.iter().all(|w| w.open < w.close && w.close.minutes <= 1440)
        && windows.windows(2).all(|pair| pair[0].close < pair[1].open)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_windows() {
        let w: Window = "08:00-15:00".parse().unwrap();
        assert_eq!(w.to_string(), "08:00-15:00");
        assert_eq!(w.minutes(), 420);
        assert_eq!("13:30 - 24:00".parse::<Window>().unwrap().to_string(), "13:30-24:00");
        assert_eq!("22:00-02:00".parse::<Window>().unwrap_err().code, "window-past-midnight");
        assert_eq!("08:00-08:00".parse::<Window>().unwrap_err().code, "empty-window");
        for bad in ["8-15", "08:00", "08:00-15:60", "24:01-24:00", "", "-", "08:00--09:00"] {
            assert_eq!(bad.parse::<Window>().unwrap_err().code, "bad-time", "{bad}");
        }
    }

    #[test]
    fn finds_conflicts() {
        let w = |s: &str| s.parse::<Window>().unwrap();
        let day = |list: &[&str]| list.iter().enumerate().map(|(i, s)| (i, w(s))).collect::<Vec<_>>();
        assert_eq!(first_conflict(&day(&["08:00-12:00", "13:00-15:00"])), None);
        assert_eq!(first_conflict(&day(&["08:00-12:00", "11:00-15:00"])), Some((1, 0, Conflict::Overlap)));
        assert_eq!(first_conflict(&day(&["08:00-12:00", "12:00-15:00"])), Some((1, 0, Conflict::Touching)));
        assert_eq!(first_conflict(&day(&["13:00-15:00", "08:00-12:00"])), Some((1, 0, Conflict::OutOfOrder)));
        assert_eq!(first_conflict(&day(&["09:00-10:00", "08:00-12:00"])), Some((1, 0, Conflict::Overlap)));
    }
}
