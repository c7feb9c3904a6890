//! The open-time index behind every computation.
//!
//! Days are numbered on the local wall calendar (days since 1970-01-01).
//! Most days are *regular*: their windows are the weekday's windows shifted
//! by one UTC offset. The others, *exception days* (holidays, extra working
//! days, and days near a clock change), keep their windows as explicit UTC
//! intervals. Two running totals, open seconds and working days, are kept as
//! whole-week arithmetic for regular days plus prefix sums over the sorted
//! exception days, so that "open time before day n" costs one binary search
//! and "the day on which the total reaches x" costs one more plus O(1) week
//! arithmetic: no walking, whatever the span.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::zone::{DAY, ZoneTable};

/// The first local day the calendar covers: 1900-01-01, a Monday.
pub(crate) const FIRST_DAY: i64 = -25_567;
/// The day after the last one covered: 2200-01-01.
pub(crate) const END_DAY: i64 = 84_006;

/// The weekday of a local day, 0 = Monday.
pub(crate) fn weekday(day: i64) -> usize {
    // 1970-01-01 (day 0) was a Thursday; the value is in 0..7.
    usize::try_from((day + 3).rem_euclid(7)).unwrap_or(0)
}

/// Which running total to search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Measure {
    /// Open seconds.
    Seconds,
    /// Working days (days with any open time).
    WorkingDays,
}

/// The index: see the module documentation.
#[derive(Debug, Clone)]
pub(crate) struct Timeline {
    zone: Arc<ZoneTable>,
    /// Each weekday's windows in seconds since local midnight.
    weekly: [Vec<(i64, i64)>; 7],
    /// Open seconds and working days of the first `i` weekdays (Monday first).
    week_seconds: [i64; 8],
    week_days: [i64; 8],
    /// Exception days, increasing, with their explicit UTC windows.
    days: Vec<i64>,
    totals: Vec<i64>,
    starts: Vec<usize>,
    windows: Vec<(i64, i64)>,
    /// Per exception `k`: the running totals' corrections for exceptions
    /// before `k` (length + 1), and the totals at the start of day `k`.
    seconds_fix: Vec<i64>,
    days_fix: Vec<i64>,
    seconds_before: Vec<i64>,
    days_before: Vec<i64>,
}

/// The UTC windows of one day.
pub(crate) enum DayWindows<'a> {
    Regular { base: i64, list: std::slice::Iter<'a, (i64, i64)> },
    Explicit(std::slice::Iter<'a, (i64, i64)>),
}

impl Iterator for DayWindows<'_> {
    type Item = (i64, i64);

    fn next(&mut self) -> Option<(i64, i64)> {
        match self {
            DayWindows::Regular { base, list } => list.next().map(|&(a, b)| (*base + a, *base + b)),
            DayWindows::Explicit(list) => list.next().copied(),
        }
    }
}

impl Timeline {
    /// Builds the index. `overrides` gives the local windows of holidays
    /// (none) and extra working days; `weekly` must open at least one day.
    pub(crate) fn new(
        zone: Arc<ZoneTable>,
        weekly: [Vec<(i64, i64)>; 7],
        overrides: &BTreeMap<i64, Vec<(i64, i64)>>,
    ) -> Self {
        let mut week_seconds = [0; 8];
        let mut week_days = [0; 8];
        for (i, windows) in weekly.iter().enumerate() {
            let total: i64 = windows.iter().map(|(a, b)| b - a).sum();
            week_seconds[i + 1] = week_seconds[i] + total;
            week_days[i + 1] = week_days[i] + i64::from(total > 0);
        }
        let mut exception_days: Vec<i64> = zone.irregular_days();
        exception_days.extend(overrides.keys().copied());
        exception_days.retain(|d| (FIRST_DAY..END_DAY).contains(d));
        exception_days.sort_unstable();
        exception_days.dedup();

        let mut timeline = Self {
            zone,
            weekly,
            week_seconds,
            week_days,
            days: Vec::with_capacity(exception_days.len()),
            totals: Vec::with_capacity(exception_days.len()),
            starts: vec![0],
            windows: Vec::new(),
            seconds_fix: vec![0],
            days_fix: vec![0],
            seconds_before: Vec::with_capacity(exception_days.len()),
            days_before: Vec::with_capacity(exception_days.len()),
        };
        let mut last_end = i64::MIN;
        for day in exception_days {
            let regular = &timeline.weekly[weekday(day)];
            let local = overrides.get(&day).unwrap_or(regular);
            let mut total = 0;
            for &(a, b) in local {
                // Keep windows increasing even where a zone is pathological.
                let start = timeline.zone.to_utc(day * DAY + a).max(last_end);
                let end = timeline.zone.to_utc(day * DAY + b).max(start);
                if end > start {
                    timeline.windows.push((start, end));
                    total += end - start;
                    last_end = end;
                }
            }
            let k = timeline.days.len();
            let seconds_before = timeline.regular(Measure::Seconds, day) + timeline.seconds_fix[k];
            let days_before = timeline.regular(Measure::WorkingDays, day) + timeline.days_fix[k];
            let w = weekday(day);
            let regular_seconds = week_seconds[w + 1] - week_seconds[w];
            let regular_days = week_days[w + 1] - week_days[w];
            timeline.seconds_fix.push(timeline.seconds_fix[k] + total - regular_seconds);
            timeline.days_fix.push(timeline.days_fix[k] + i64::from(total > 0) - regular_days);
            timeline.seconds_before.push(seconds_before);
            timeline.days_before.push(days_before);
            timeline.days.push(day);
            timeline.totals.push(total);
            timeline.starts.push(timeline.windows.len());
        }
        timeline
    }

    /// The running total over regular days only, from [`FIRST_DAY`] to `day`.
    fn regular(&self, measure: Measure, day: i64) -> i64 {
        let prefix = match measure {
            Measure::Seconds => &self.week_seconds,
            Measure::WorkingDays => &self.week_days,
        };
        let offset = day - FIRST_DAY;
        let within = usize::try_from(offset.rem_euclid(7)).unwrap_or(0);
        offset.div_euclid(7) * prefix[7] + prefix[within]
    }

    /// The running total before local `day` (clamped to the covered range).
    pub(crate) fn before_day(&self, measure: Measure, day: i64) -> i64 {
        let day = day.clamp(FIRST_DAY, END_DAY);
        let k = self.days.partition_point(|&d| d < day);
        let fix = match measure {
            Measure::Seconds => self.seconds_fix[k],
            Measure::WorkingDays => self.days_fix[k],
        };
        self.regular(measure, day) + fix
    }

    /// Open seconds on local `day`.
    pub(crate) fn day_seconds(&self, day: i64) -> i64 {
        if !(FIRST_DAY..END_DAY).contains(&day) {
            return 0;
        }
        match self.days.binary_search(&day) {
            Ok(k) => self.totals[k],
            Err(_) => {
                let w = weekday(day);
                self.week_seconds[w + 1] - self.week_seconds[w]
            }
        }
    }

    /// The UTC windows of local `day`; `k` is its index among the
    /// exception days, if it is one.
    fn windows_at(&self, day: i64, k: Option<usize>) -> DayWindows<'_> {
        match k {
            Some(k) => DayWindows::Explicit(self.windows[self.starts[k]..self.starts[k + 1]].iter()),
            None => DayWindows::Regular {
                base: day * DAY - i64::from(self.zone.regular_offset(day)),
                list: self.weekly[weekday(day)].iter(),
            },
        }
    }

    /// The UTC windows of local `day` (none outside the covered range).
    pub(crate) fn day_windows(&self, day: i64) -> DayWindows<'_> {
        if !(FIRST_DAY..END_DAY).contains(&day) {
            return DayWindows::Explicit([].iter());
        }
        self.windows_at(day, self.days.binary_search(&day).ok())
    }

    /// The local day of a UTC instant.
    pub(crate) fn local_day(&self, utc: i64) -> i64 {
        self.zone.local_day(utc)
    }

    /// Calls `f` with the windows of the local days around `utc` (the day
    /// before, its own day and the day after), and returns the open seconds
    /// before the first of them. Windows of all earlier days end by `utc`
    /// and those of later days start after it.
    fn around<F: FnMut((i64, i64))>(&self, utc: i64, mut f: F) -> i64 {
        let day = self.zone.local_day(utc).clamp(FIRST_DAY, END_DAY - 1);
        let first = (day - 1).max(FIRST_DAY);
        let mut k = self.days.partition_point(|&d| d < first);
        let before = self.regular(Measure::Seconds, first) + self.seconds_fix[k];
        for d in first..=(day + 1).min(END_DAY - 1) {
            let explicit = self.days.get(k) == Some(&d);
            self.windows_at(d, explicit.then_some(k)).for_each(&mut f);
            k += usize::from(explicit);
        }
        before
    }

    /// Open seconds from the start of the covered range to `utc`, and
    /// whether the second starting at `utc` is open.
    pub(crate) fn probe(&self, utc: i64) -> (i64, bool) {
        let mut within = 0;
        let mut open = false;
        let before = self.around(utc, |(a, b)| {
            within += (utc.min(b) - a).max(0);
            open |= a <= utc && utc < b;
        });
        (before + within, open)
    }

    /// All open seconds in the covered range.
    pub(crate) fn total(&self, measure: Measure) -> i64 {
        self.before_day(measure, END_DAY)
    }

    /// The last day whose running total before it is below `target`, i.e.
    /// the day on which the total reaches `target`. Needs
    /// `1 <= target <= total(measure)`.
    pub(crate) fn day_reaching(&self, measure: Measure, target: i64) -> i64 {
        let (before, fix, prefix) = match measure {
            Measure::Seconds => (&self.seconds_before, &self.seconds_fix, &self.week_seconds),
            Measure::WorkingDays => (&self.days_before, &self.days_fix, &self.week_days),
        };
        let kk = before.partition_point(|&v| v < target);
        let (first, fix) = if kk == 0 {
            (FIRST_DAY, fix[0])
        } else {
            let k = kk - 1;
            let value = match measure {
                Measure::Seconds => self.totals[k],
                Measure::WorkingDays => i64::from(self.totals[k] > 0),
            };
            if before[k] + value >= target {
                return self.days[k];
            }
            (self.days[k] + 1, fix[k + 1])
        };
        // Regular days from `first` on: find the last day with
        // regular(day) + fix < target by whole weeks, then within the week.
        let goal = target - fix;
        let week = prefix[7];
        if week <= 0 {
            return first;
        }
        let weeks = (goal - 1).div_euclid(week);
        let within = (0..7).rev().find(|&r| weeks * week + prefix[r] < goal).unwrap_or(0);
        (FIRST_DAY + 7 * weeks + within as i64).max(first)
    }

    /// The earliest instant by which `target` open seconds have passed since
    /// the start of the covered range; `None` past its end. Needs `target >= 1`.
    pub(crate) fn reach(&self, target: i64) -> Option<i64> {
        if target < 1 || target > self.total(Measure::Seconds) {
            return None;
        }
        let day = self.day_reaching(Measure::Seconds, target);
        let mut left = target - self.before_day(Measure::Seconds, day);
        for (a, b) in self.day_windows(day) {
            if left <= b - a {
                return Some(a + left);
            }
            left -= b - a;
        }
        None
    }

    /// The last close of local `day`, if it has open time.
    pub(crate) fn last_close(&self, day: i64) -> Option<i64> {
        self.day_windows(day).filter(|(a, b)| b > a).last().map(|(_, b)| b)
    }
}
