//! A time zone's UTC offsets over the calendar's range, as a table.
//!
//! chrono-tz answers "what is the offset at this instant" with a binary
//! search per call and does not expose its transitions. The calendar needs
//! the transitions themselves (to know which days a clock change touches) and
//! an O(1) offset for ordinary days, so the zone is scanned once into a table.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{DateTime, Offset, TimeZone};
use chrono_tz::Tz;

/// Seconds in a calendar day.
pub(crate) const DAY: i64 = 86_400;

/// The offsets of one zone between two instants.
#[derive(Debug, Clone)]
pub(crate) struct ZoneTable {
    /// The offset before the first transition, in seconds east of UTC.
    initial: i32,
    /// `(instant, offset from that instant on)`, instants increasing.
    transitions: Vec<(i64, i32)>,
    /// `(first local day, offset)` of each stretch of days that no transition
    /// touches (see [`ZoneTable::irregular_days`]), first days increasing.
    eras: Vec<(i64, i32)>,
}

/// The offset of `tz` at the UTC instant `utc` (seconds since the epoch).
pub(crate) fn tz_offset(tz: Tz, utc: i64) -> i32 {
    DateTime::from_timestamp(utc, 0).map_or(0, |t| tz.offset_from_utc_datetime(&t.naive_utc()).fix().local_minus_utc())
}

/// The table of `tz` between the UTC instants `from` and `to`.
///
/// Scanning costs about two milliseconds and depends only on its
/// arguments, so tables are memoised for the life of the process (one per
/// zone and range: a handful in practice). Loading or deserializing a
/// calendar in a zone seen before therefore costs microseconds.
pub(crate) fn table(tz: Tz, from: i64, to: i64) -> Arc<ZoneTable> {
    type Tables = Mutex<HashMap<(Tz, i64, i64), Arc<ZoneTable>>>;
    static TABLES: OnceLock<Tables> = OnceLock::new();
    let tables = TABLES.get_or_init(Tables::default);
    let key = (tz, from, to);
    if let Some(table) = tables.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(&key) {
        return Arc::clone(table);
    }
    let scanned = Arc::new(ZoneTable::scan(tz, from, to));
    let mut tables = tables.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    Arc::clone(tables.entry(key).or_insert(scanned))
}

impl ZoneTable {
    /// Scans `tz` between the UTC instants `from` and `to`.
    ///
    /// The zone is sampled once a day and every change is then pinned to the
    /// second by bisection, so two transitions less than a day apart that
    /// cancel each other out would go unseen (the tz database has none in the
    /// calendar's range).
    pub(crate) fn scan(tz: Tz, from: i64, to: i64) -> Self {
        let initial = tz_offset(tz, from);
        let mut transitions = Vec::new();
        let (mut sample, mut sample_offset) = (from, initial);
        while sample < to {
            let next = (sample + DAY).min(to);
            let next_offset = tz_offset(tz, next);
            // Pin every change in (sample, next]. Invariant: the offset at
            // `lo` is `lo_offset` and the offset at `next` differs from it.
            let (mut lo, mut lo_offset) = (sample, sample_offset);
            while lo_offset != next_offset {
                let (mut a, mut b) = (lo, next);
                while b - a > 1 {
                    let mid = a + (b - a) / 2;
                    if tz_offset(tz, mid) == lo_offset {
                        a = mid;
                    } else {
                        b = mid;
                    }
                }
                lo_offset = tz_offset(tz, b);
                lo = b;
                transitions.push((b, lo_offset));
            }
            (sample, sample_offset) = (next, next_offset);
        }
        let mut table = Self { initial, transitions, eras: Vec::new() };
        table.eras = table.compute_eras();
        table
    }

    /// A zone with one offset for all time (used for UTC and in tests).
    #[cfg(test)]
    pub(crate) fn fixed(offset: i32) -> Self {
        Self { initial: offset, transitions: Vec::new(), eras: Vec::new() }
    }

    /// The offset in effect at the UTC instant `utc`.
    pub(crate) fn offset_at(&self, utc: i64) -> i32 {
        match self.transitions.last() {
            None => self.initial,
            Some(&(last, offset)) if utc >= last => offset,
            Some(_) => {
                let i = self.transitions.partition_point(|&(t, _)| t <= utc);
                if i == 0 { self.initial } else { self.transitions[i - 1].1 }
            }
        }
    }

    /// The local day (days since 1970-01-01 on the wall calendar) at `utc`.
    pub(crate) fn local_day(&self, utc: i64) -> i64 {
        (utc + i64::from(self.offset_at(utc))).div_euclid(DAY)
    }

    /// Local wall-clock stretches `[start, end]` (local seconds) where a
    /// transition skips or repeats wall-clock time.
    fn affected(&self) -> impl Iterator<Item = (i64, i64)> + '_ {
        let befores = std::iter::once(self.initial).chain(self.transitions.iter().map(|&(_, o)| o));
        self.transitions.iter().zip(befores).map(|(&(at, after), before)| {
            let (lo, hi) = (before.min(after), before.max(after));
            (at + i64::from(lo), at + i64::from(hi))
        })
    }

    /// The local days near a transition, sorted and without repeats.
    ///
    /// Every other day lies wholly inside one offset: its windows map to UTC
    /// by subtracting [`ZoneTable::regular_offset`]. These days (and the day
    /// either side, for margin) are mapped window by window instead.
    pub(crate) fn irregular_days(&self) -> Vec<i64> {
        let mut days: Vec<i64> =
            self.affected().flat_map(|(start, end)| (start.div_euclid(DAY) - 1)..=(end.div_euclid(DAY) + 1)).collect();
        days.sort_unstable();
        days.dedup();
        days
    }

    fn compute_eras(&self) -> Vec<(i64, i32)> {
        let mut eras: Vec<(i64, i32)> = Vec::new();
        for ((_, end), &(_, after)) in self.affected().zip(&self.transitions) {
            let first = end.div_euclid(DAY) + 2;
            // Keep first days increasing even if stretches overlap.
            let first = eras.last().map_or(first, |&(previous, _)| first.max(previous));
            eras.push((first, after));
        }
        eras
    }

    /// The offset of a local day that is not one of [`Self::irregular_days`].
    pub(crate) fn regular_offset(&self, day: i64) -> i32 {
        match self.eras.last() {
            None => self.initial,
            Some(&(first, offset)) if day >= first => offset,
            Some(_) => {
                let i = self.eras.partition_point(|&(first, _)| first <= day);
                if i == 0 { self.initial } else { self.eras[i - 1].1 }
            }
        }
    }

    /// The instant a local wall-clock time (local seconds since the epoch) stands for.
    ///
    /// A time the clock shows more than once (a backward transition) is the
    /// first instant it shows it; a time the clock skips (a forward
    /// transition) is the instant of the transition, the first instant after
    /// the skipped stretch.
    pub(crate) fn to_utc(&self, local: i64) -> i64 {
        // Only transitions within three days can matter (offsets are < 26 h).
        let lo = self.transitions.partition_point(|&(t, _)| t < local - 3 * DAY);
        let hi = self.transitions.partition_point(|&(t, _)| t <= local + 3 * DAY);
        // Periods of constant offset: (start, end, offset); start None = -inf.
        let offset_before = |i: usize| {
            if i == 0 { self.initial } else { self.transitions[i - 1].1 }
        };
        let mut gap_end: Option<i64> = None;
        for i in lo..=hi {
            let start = (i > 0).then(|| self.transitions[i - 1].0);
            let end = self.transitions.get(i).map(|&(t, _)| t);
            let offset = i64::from(offset_before(i));
            let candidate = local - offset;
            let after_start = start.is_none_or(|s| candidate >= s);
            let before_end = end.is_none_or(|e| candidate < e);
            if after_start && before_end {
                return candidate;
            }
            // Skipped: the clock shows this time neither before nor after.
            if !after_start && gap_end.is_none() {
                gap_end = start;
            }
        }
        gap_end.unwrap_or_else(|| local - i64::from(self.offset_at(local - i64::from(self.initial))))
    }
}

#[cfg(test)]
mod tests {
    use chrono::{LocalResult, NaiveDateTime};

    use super::*;

    const FROM: i64 = -2_208_988_800; // 1900-01-01
    const TO: i64 = 7_258_118_400; // 2200-01-01

    fn chrono_to_utc(tz: Tz, local: i64) -> Option<i64> {
        let naive: NaiveDateTime = DateTime::from_timestamp(local, 0)?.naive_utc();
        match tz.from_local_datetime(&naive) {
            LocalResult::Single(t) => Some(t.timestamp()),
            LocalResult::Ambiguous(a, b) => Some(a.timestamp().min(b.timestamp())),
            LocalResult::None => chrono_tz::GapInfo::new(&naive, &tz)?.end.map(|t| t.timestamp()),
        }
    }

    #[test]
    fn offsets_agree_with_chrono_tz() {
        for tz in
            [Tz::Asia__Jakarta, Tz::Europe__Berlin, Tz::America__New_York, Tz::Australia__Lord_Howe, Tz::Pacific__Apia]
        {
            let table = ZoneTable::scan(tz, FROM, TO);
            let mut t = FROM;
            while t < TO {
                assert_eq!(table.offset_at(t), tz_offset(tz, t), "{tz} at {t}");
                t += 3_599 * 7;
            }
            for &(at, _) in &table.transitions {
                for u in [at - 1, at, at + 1] {
                    assert_eq!(table.offset_at(u), tz_offset(tz, u), "{tz} at {u}");
                }
            }
        }
    }

    #[test]
    fn local_times_map_like_chrono_tz_earliest_or_gap_end() {
        for tz in
            [Tz::Asia__Jakarta, Tz::Europe__Berlin, Tz::America__New_York, Tz::Australia__Lord_Howe, Tz::Pacific__Apia]
        {
            let table = ZoneTable::scan(tz, FROM, TO);
            // Around every transition, minute by minute, and a sparse sweep.
            let mut locals: Vec<i64> = table
                .transitions
                .iter()
                .filter(|&&(at, _)| at > FROM + 2 * DAY && at < TO - 2 * DAY)
                .flat_map(|&(at, after)| (-240..240).map(move |m| at + i64::from(after) + m * 60))
                .collect();
            locals.extend((FROM + DAY..TO - DAY).step_by(86_399 * 13));
            for local in locals {
                if let Some(expected) = chrono_to_utc(tz, local) {
                    assert_eq!(table.to_utc(local), expected, "{tz} local {local}");
                }
            }
        }
    }

    #[test]
    fn jakarta_is_plus_seven_since_1964() {
        let table = ZoneTable::scan(Tz::Asia__Jakarta, FROM, TO);
        assert_eq!(table.regular_offset(20_000), 7 * 3600);
        assert_eq!(table.offset_at(1_800_000_000), 7 * 3600);
        assert!(table.transitions.len() >= 6);
        assert_eq!(ZoneTable::fixed(3600).to_utc(7200), 3600);
    }
}
