//! The computations: adding durations and measuring open time.
//!
//! Instants are split into whole seconds and nanoseconds. Window boundaries
//! are whole seconds (offsets are whole seconds), so every second is wholly
//! open or wholly closed, and open time up to an instant is the open seconds
//! before its second plus its nanoseconds if that second is open.

use chrono::{DateTime, TimeDelta, Utc};

use super::business::BusinessCalendar;
use super::error::CalendarError;
use super::timeline::{END_DAY, FIRST_DAY, Measure, Timeline};
use crate::duration::WorkDuration;

/// `(seconds, nanoseconds)`; a leap second's extra nanoseconds are dropped.
fn split(t: DateTime<Utc>) -> (i64, i64) {
    (t.timestamp(), i64::from(t.timestamp_subsec_nanos().min(999_999_999)))
}

fn instant(seconds: i64, nanos: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(seconds, u32::try_from(nanos).ok()?)
}

impl BusinessCalendar {
    /// Whether the office is open at `t` (windows are `[open, close)`).
    pub fn is_open(&self, t: DateTime<Utc>) -> bool {
        self.timeline.probe(t.timestamp()).1
    }

    /// The first instant at or after `t` at which the office is open: `t`
    /// itself when open. `None` when `t` or the opening lies outside the
    /// years the calendar covers.
    pub fn next_opening(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let (s, _) = split(t);
        if !(FIRST_DAY..END_DAY).contains(&self.timeline.local_day(s)) {
            return None;
        }
        match self.timeline.probe(s) {
            (_, true) => Some(t),
            (before, false) => instant(self.timeline.reach(before + 1)? - 1, 0),
        }
    }

    /// Open time in `[a, b)`; the negative of open time in `[b, a)` when
    /// `b < a`. Exact to the nanosecond. Outside the covered years the
    /// calendar counts as closed.
    pub fn working_time_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> TimeDelta {
        let (seconds_a, nanos_a) = self.open_time_at(a);
        let (seconds_b, nanos_b) = self.open_time_at(b);
        TimeDelta::seconds(seconds_b - seconds_a) + TimeDelta::nanoseconds(nanos_b - nanos_a)
    }

    /// [`working_time_between`](Self::working_time_between) in whole
    /// minutes, truncated toward zero.
    pub fn working_minutes_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        self.working_time_between(a, b).num_minutes()
    }

    /// Open time from the start of the covered range to `t`: `(seconds, nanoseconds)`.
    fn open_time_at(&self, t: DateTime<Utc>) -> (i64, i64) {
        let (s, f) = split(t);
        let (before, open) = self.timeline.probe(s);
        (before, if open { f } else { 0 })
    }

    /// The instant `open` of open time after `t`, exact to the second: the
    /// earliest instant by which that much open time has passed since `t`
    /// (the `m`/`h` rule with any amount; zero or less is `t`). Used to
    /// resume a paused clock with the open time it had left.
    pub fn add_working_time(&self, t: DateTime<Utc>, open: TimeDelta) -> Result<DateTime<Utc>, CalendarError> {
        let (s, f) = split(t);
        if !(FIRST_DAY..END_DAY).contains(&self.timeline.local_day(s)) {
            return Err(CalendarError::OutOfRange { instant: t });
        }
        let seconds = open.num_seconds();
        if seconds <= 0 {
            return Ok(t);
        }
        let minutes = u32::try_from(seconds / 60).unwrap_or(u32::MAX);
        add_open_time(&self.timeline, s, f, seconds)
            .ok_or(CalendarError::NoOpenTime { start: t, duration: WorkDuration::minutes(minutes) })
    }

    /// The instant `d` of open time after `t`; see the [module
    /// documentation](crate::calendar) for the rules. Zero of any unit is `t`.
    pub fn add(&self, t: DateTime<Utc>, d: WorkDuration) -> Result<DateTime<Utc>, CalendarError> {
        let (s, f) = split(t);
        if !(FIRST_DAY..END_DAY).contains(&self.timeline.local_day(s)) {
            return Err(CalendarError::OutOfRange { instant: t });
        }
        if d.amount == 0 {
            return Ok(t);
        }
        let none = CalendarError::NoOpenTime { start: t, duration: d };
        let result = match d.as_minutes() {
            Some(minutes) => add_open_time(&self.timeline, s, f, i64::try_from(minutes).unwrap_or(i64::MAX / 2) * 60),
            None => add_working_days(&self.timeline, s, f, i64::from(d.amount)),
        };
        result.ok_or(none)
    }
}

impl BusinessCalendar {
    /// The instant `d` of open time before `t`, for working minutes and
    /// hours: the latest instant from which `d` of open time passes until
    /// `t` (counted in whole seconds), i.e. the next opening after the
    /// earliest such instant. Working days (`wd`) cannot be counted
    /// backwards by the `wd` rule and give [`CalendarError::NoOpenTime`].
    pub fn subtract_working_time(&self, t: DateTime<Utc>, d: WorkDuration) -> Result<DateTime<Utc>, CalendarError> {
        let (s, _) = split(t);
        if !(FIRST_DAY..END_DAY).contains(&self.timeline.local_day(s)) {
            return Err(CalendarError::OutOfRange { instant: t });
        }
        let none = CalendarError::NoOpenTime { start: t, duration: d };
        let Some(minutes) = d.as_minutes() else {
            return Err(none);
        };
        if minutes == 0 {
            return Ok(t);
        }
        let (before, _) = self.timeline.probe(s);
        let target = before - i64::try_from(minutes).unwrap_or(i64::MAX / 120) * 60;
        if target < 1 {
            return Err(none);
        }
        let earliest = self.timeline.reach(target).and_then(|x| instant(x, 0)).ok_or(none.clone())?;
        self.next_opening(earliest).ok_or(none)
    }
}

/// `m`/`h`: the earliest instant by which `seconds` (> 0) of open time have
/// passed since `s + f`.
fn add_open_time(timeline: &Timeline, s: i64, f: i64, seconds: i64) -> Option<DateTime<Utc>> {
    let (before, open) = timeline.probe(s);
    if f > 0 && open {
        // Counting starts f into an open second: it ends f into the open
        // second after `seconds` more, whose end is reach(before + seconds + 1).
        instant(timeline.reach(before.checked_add(seconds)?.checked_add(1)?)? - 1, f)
    } else {
        instant(timeline.reach(before.checked_add(seconds)?)?, 0)
    }
}

/// `wd`: `n` (> 0) working days after `s + f`, by the rule in the module docs.
fn add_working_days(timeline: &Timeline, s: i64, f: i64, n: i64) -> Option<DateTime<Utc>> {
    let (before, open) = timeline.probe(s);
    let today = timeline.local_day(s);
    let counts_today = timeline.last_close(today).is_some_and(|close| s < close || (s == close && f == 0));
    let first = if counts_today { today } else { next_working_day(timeline, today)? };
    // Open time of `first` already elapsed at t (none if `first` is later).
    let (elapsed, nanos) = if first == today {
        (before - timeline.before_day(Measure::Seconds, first), if open { f } else { 0 })
    } else {
        (0, 0)
    };
    let days_before = timeline.before_day(Measure::WorkingDays, first);
    let total_days = timeline.total(Measure::WorkingDays);
    if elapsed == 0 && nanos == 0 {
        // The close of the n-th working day, counting `first` as the first.
        let target = days_before + n;
        if target > total_days {
            return None;
        }
        let day = timeline.day_reaching(Measure::WorkingDays, target);
        return instant(timeline.last_close(day)?, 0);
    }
    // The same open-time offset into the n-th working day after `first`.
    let target = days_before + n + 1;
    if target > total_days {
        return None;
    }
    let day = timeline.day_reaching(Measure::WorkingDays, target);
    let start = timeline.before_day(Measure::Seconds, day);
    let length = timeline.day_seconds(day);
    if elapsed >= length {
        instant(timeline.last_close(day)?, 0)
    } else if nanos == 0 {
        instant(timeline.reach(start + elapsed)?, 0)
    } else {
        instant(timeline.reach(start + elapsed + 1)? - 1, nanos)
    }
}

/// The first working day after local `day`.
fn next_working_day(timeline: &Timeline, day: i64) -> Option<i64> {
    let target = timeline.before_day(Measure::WorkingDays, day + 1) + 1;
    (target <= timeline.total(Measure::WorkingDays)).then(|| timeline.day_reaching(Measure::WorkingDays, target))
}
