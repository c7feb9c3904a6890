//! The business calendar: when an office is open, and time standards
//! (`30m`, `2h`, `1wd`) counted in open time only.
//!
//! # Files
//!
//! A calendar file (`kind = "calendar"`) gives an id, a label, an IANA
//! `time_zone`, the weekly `[hours]` (weekday → list of `"HH:MM-HH:MM"`
//! windows; a day left out is closed; a day's windows are listed in order,
//! with a break between them, and none runs past midnight, though one may
//! close at `24:00`), optional `include`d holiday files,
//! local `[[holidays]]` (`date`, or `from` + `to`, both included; `type` is
//! `national`, `collective_leave`, `regional` or `local`, by default `local`)
//! and extra `[[working_days]]` (`date`, `name`, and `hours`, which may be
//! left out when that weekday normally has hours). A holiday file
//! (`kind = "holidays"`, see [`HolidayFile`]) lists one `year` of holidays,
//! with the decree it transcribes as `source`.
//!
//! An extra working day on a date that an *included* file marks as a
//! holiday overrides it: the day is worked (with the given hours, or the
//! weekday's) and is not in the final holiday set. A working day on a date
//! that the same calendar file lists as a holiday is an error, as is a day
//! listed twice anywhere. Every problem is reported with its file, line,
//! column and key path, several at once ([`BusinessCalendar::load`],
//! [`HolidayFile::load`]).
//!
//! # Open time
//!
//! Windows are half-open, `[open, close)`, in local wall-clock time of the
//! calendar's zone, on the local date they belong to. A working day is a
//! date with any open time; holidays are closed whatever the weekday.
//!
//! Where a zone changes its clocks, a window boundary stands for **the first
//! instant the wall clock shows it**; a boundary the clock skips (spring
//! forward) stands for the instant of the transition. So a window inside a
//! skipped stretch is empty that day, a window spanning a skipped stretch is
//! that much shorter, a window spanning a repeated stretch (fall back) is
//! that much longer, and a window ending inside a repeated stretch ends at
//! its first pass. Nothing here can panic. Indonesia has had no clock
//! change since 1964; the rule is for other zones.
//!
//! A calendar covers local dates from 1900-01-01 to 2199-12-31
//! ([`COVERED_YEARS`]), and is closed outside them: this range is the
//! horizon of every search, so no computation loops, and none walks day by
//! day either (see the performance note below).
//!
//! Instants are exact to the nanosecond. Window boundaries are whole seconds,
//! so each second is wholly open or wholly closed, and the open time up to
//! an instant is that of the seconds before it plus its fraction of a
//! second when that second is open. (chrono's leap-second representation,
//! nanoseconds past 999 999 999, is read as the last nanosecond of its
//! second.) [`BusinessCalendar::add`] fails with [`CalendarError::OutOfRange`]
//! for a start outside the covered years and [`CalendarError::NoOpenTime`]
//! when the count would end after them; [`BusinessCalendar::next_opening`]
//! then gives `None`, and [`BusinessCalendar::working_time_between`] counts
//! nothing outside them.
//!
//! # Adding minutes and hours
//!
//! [`BusinessCalendar::add`] with `m` or `h` counts open time only:
//! `add(t, d)` is **the earliest instant `u >= t` such that the open time in
//! `[t, u]` equals `d`**. Hence:
//!
//! - a start in closed time starts counting at the next opening;
//! - a count that completes exactly at a window's close is due at that
//!   close, not at the next opening;
//! - `0m` and `0h` give `t` itself, even in closed time;
//! - the result is never inside closed time, except exactly at a close (for
//!   `d > 0`, the second before it is open);
//! - `working_time_between(t, add(t, d)) == d`.
//!
//! **Additivity.** `add(add(t, a), b) == add(t, a + b)` for *every* `t` and
//! all `m`/`h` durations `a`, `b`, including starts in closed time and
//! counts ending at a close: both sides are the earliest instant after `t`
//! with `a + b` of open time since `t` (for `b > 0` such an instant cannot
//! precede `add(t, a)`; for `b = 0` both sides are `add(t, a)`). What needs
//! a precondition is splitting at an arbitrary point: for `u >= t` with
//! `working_time_between(t, u) == a`, `add(u, b) == add(t, a + b)` holds
//! **iff `b > 0` or `u == add(t, a)`**. In particular, restarting from a
//! point in the closed time after `add(t, a)` is harmless when more time is
//! added, but `add(u, 0m)` stays at `u`. Likewise, for `u >= t`, `add(t,
//! working_time_between(t, u)) == u` iff `u == t` or the time just before
//! `u` is open (`u` is inside a window past its opening, or exactly at a
//! close).
//!
//! # Adding working days
//!
//! For `wd`, let D be the local date of `t` if it is a working day and `t`
//! is at or before its last close, else the next working day; let o be the
//! open time of D already elapsed at `t`.
//!
//! - If o = 0, `N` working days after `t` is **the last close of the N-th
//!   working day, counting D as the first**.
//! - If o > 0, it is **the instant at open-time offset o into the N-th
//!   working day after D**, or that day's last close if it has less than o
//!   of open time. An offset that completes exactly at a close (say, before
//!   a lunch break) is due at that close, as for `m`/`h`.
//! - `0wd` gives `t` itself.
//!
//! With hours 08:00–15:00 Monday to Friday: Tuesday 10:00 + `1wd` is
//! Wednesday 10:00; Friday 14:00 is Monday 14:00; Monday 07:00 is Monday
//! 15:00; Saturday is Monday 15:00; with a holiday on that Monday the last
//! three become Tuesday. Monday 08:00 (o = 0) is Monday 15:00; Tuesday
//! 15:00 (o = the whole day) is Wednesday 15:00. A working day is never 24
//! hours, and the result always falls on a working day.
//!
//! # Measuring open time
//!
//! [`BusinessCalendar::working_time_between`]`(a, b)` is the open time in
//! `[a, b)`, or minus that of `[b, a)` when `b < a`;
//! [`BusinessCalendar::working_minutes_between`] is it in whole minutes,
//! truncated toward zero.
//!
//! # Performance
//!
//! Days whose windows are the weekday's usual ones cost nothing to store.
//! Holidays, extra working days and days near a clock change are kept
//! sorted with prefix sums of open seconds and of working days; regular
//! stretches between them are counted in whole weeks. Both "open time
//! before t" and "the instant at which open time reaches x" are a few
//! binary searches over those days plus constant work, whatever the span:
//! O(log exception days) per call. A zone's UTC offsets are scanned once
//! per process into a table (about 2 ms) and shared by every calendar in
//! that zone; after that, deserializing a stored calendar takes well under
//! a millisecond.

mod business;
mod checks;
mod compute;
mod entries;
mod error;
mod holiday;
mod include;
mod load;
mod stored;
mod time_zone;
mod timeline;
mod window;
mod zone;

pub use business::{BusinessCalendar, WorkingDay};
pub use checks::COVERED_YEARS;
pub use error::CalendarError;
pub use holiday::{Holiday, HolidayEntry, HolidayFile, HolidayKind};
pub use window::{WEEKDAYS, Window, WindowError};

pub(crate) use business::Resolved;

/// The JSON Schema of calendar files (`kind = "calendar"`), for editors.
pub fn calendar_json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(load::RawCalendar)).expect("a schema always serialises")
}

/// The JSON Schema of holiday files (`kind = "holidays"`), for editors.
pub fn holidays_json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(holiday::RawHolidayFile)).expect("a schema always serialises")
}
