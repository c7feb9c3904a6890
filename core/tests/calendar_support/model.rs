//! Random calendars and a brute-force oracle for them.
//!
//! The oracle knows nothing of the library's index: it maps each local
//! window to UTC with chrono-tz (first instant a wall-clock time is shown;
//! for a skipped time, the first existing minute after it), and then steps
//! through time minute by minute, or second by second where a minute is
//! partly counted, and through working days one date at a time.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use proptest::prelude::*;
use sigap_core::calendar::BusinessCalendar;

/// Windows as `(open, close)` minutes since local midnight.
pub type Windows = Vec<(u16, u16)>;

/// A calendar's content, generated.
#[derive(Debug, Clone)]
pub struct Model {
    pub zone: Tz,
    pub weekly: [Windows; 7],
    pub holidays: BTreeSet<NaiveDate>,
    pub working: BTreeMap<NaiveDate, Windows>,
}

/// The first date holidays, working days and starts are drawn from.
pub fn origin() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 10, 1).unwrap()
}

/// How many days from [`origin`] they are drawn from (to 2026-06-30).
pub const SPAN_DAYS: i64 = 273;

fn hhmm(m: u16) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

fn windows_toml(windows: &Windows) -> String {
    let items: Vec<String> = windows.iter().map(|&(a, b)| format!("\"{}-{}\"", hhmm(a), hhmm(b))).collect();
    format!("[{}]", items.join(", "))
}

impl Model {
    /// The calendar file for this model.
    pub fn to_toml(&self) -> String {
        let names = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
        let mut text = format!(
            "kind = \"calendar\"\nid = \"generated\"\nlabel = \"Generated\"\ntime_zone = \"{}\"\n\n[hours]\n",
            self.zone.name()
        );
        for (name, windows) in names.iter().zip(&self.weekly) {
            if !windows.is_empty() {
                text.push_str(&format!("{name} = {}\n", windows_toml(windows)));
            }
        }
        // Runs of consecutive holidays as periods, the rest as single days.
        let days: Vec<NaiveDate> = self.holidays.iter().copied().collect();
        let mut i = 0;
        while i < days.len() {
            let mut j = i;
            while j + 1 < days.len() && days[j + 1] == days[j].succ_opt().unwrap() {
                j += 1;
            }
            if i == j {
                text.push_str(&format!("\n[[holidays]]\ndate = {}\nname = \"Libur {i}\"\n", days[i]));
            } else {
                text.push_str(&format!(
                    "\n[[holidays]]\nfrom = {}\nto = {}\nname = \"Cuti bersama {i}\"\ntype = \"collective_leave\"\n",
                    days[i], days[j]
                ));
            }
            i = j + 1;
        }
        for (date, windows) in &self.working {
            text.push_str(&format!(
                "\n[[working_days]]\ndate = {date}\nname = \"Masuk\"\nhours = {}\n",
                windows_toml(windows)
            ));
        }
        text
    }

    /// The calendar, loaded through the public loader.
    pub fn calendar(&self) -> BusinessCalendar {
        match BusinessCalendar::load("generated.toml", &self.to_toml(), &mut |_| Err("none".to_owned())) {
            Ok(calendar) => calendar,
            Err(errors) => panic!("{errors}\n{}", self.to_toml()),
        }
    }

    /// The local windows of a date.
    pub fn local_windows(&self, date: NaiveDate) -> &Windows {
        if let Some(windows) = self.working.get(&date) {
            return windows;
        }
        if self.holidays.contains(&date) {
            return &EMPTY;
        }
        &self.weekly[date.weekday().num_days_from_monday() as usize]
    }
}

static EMPTY: Windows = Vec::new();

/// The instant a local wall-clock time stands for: the first instant it is
/// shown, or for a skipped time the first existing minute after it.
pub fn to_utc(zone: Tz, date: NaiveDate, minute: u32) -> i64 {
    let mut local = date.and_hms_opt(0, 0, 0).unwrap() + Duration::minutes(i64::from(minute));
    loop {
        match zone.from_local_datetime(&local) {
            LocalResult::Single(t) => return t.timestamp(),
            LocalResult::Ambiguous(a, b) => return a.timestamp().min(b.timestamp()),
            LocalResult::None => local += Duration::minutes(1),
        }
    }
}

/// Sorted, non-overlapping windows for one weekday (minutes, 15-minute steps).
fn day_windows(max: usize) -> impl Strategy<Value = Windows> {
    (0u16..=60, prop::collection::vec((1u16..=28, 1u16..=12), 0..=max)).prop_map(|(start, parts)| {
        let mut windows = Vec::new();
        let mut at = start * 15;
        for (length, gap) in parts {
            let close = (at + length * 15).min(1440);
            if close <= at {
                break;
            }
            windows.push((at, close));
            at = close + gap * 15;
            if at >= 1440 {
                break;
            }
        }
        windows
    })
}

/// A random calendar around [`origin`]: weekly windows (weekends mostly
/// closed, lunch breaks, night windows that meet clock changes), single
/// holidays, long runs of holidays such as Lebaran, extra working days.
pub fn model() -> impl Strategy<Value = Model> {
    let zone = prop_oneof![
        5 => Just(Tz::Asia__Jakarta),
        1 => Just(Tz::Europe__Berlin),
        1 => Just(Tz::America__New_York),
        1 => Just(Tz::Australia__Lord_Howe),
    ];
    let weekday = || day_windows(3);
    let weekend = || prop_oneof![3 => Just(Vec::new()), 1 => day_windows(2)];
    let weekly = (weekday(), weekday(), weekday(), weekday(), weekday(), weekend(), weekend());
    let singles = prop::collection::btree_set(0..SPAN_DAYS, 0..12);
    let runs = prop::collection::vec((0..SPAN_DAYS, 7i64..=12), 0..=2);
    let working = prop::collection::btree_map(0..SPAN_DAYS, day_windows(2), 0..4);
    (zone, weekly, singles, runs, working).prop_map(|(zone, (mo, tu, we, th, fr, sa, su), singles, runs, working)| {
        let mut weekly = [mo, tu, we, th, fr, sa, su];
        if weekly.iter().all(Vec::is_empty) {
            weekly[0] = vec![(480, 900)];
        }
        let day = |offset: i64| origin() + Duration::days(offset);
        let mut holidays: BTreeSet<NaiveDate> = singles.into_iter().map(day).collect();
        for (start, length) in runs {
            holidays.extend((start..start + length).map(day));
        }
        let working = working
            .into_iter()
            .map(|(offset, windows)| (day(offset), if windows.is_empty() { vec![(480, 720)] } else { windows }))
            .filter(|(date, _)| !holidays.contains(date))
            .collect();
        Model { zone, weekly, holidays, working }
    })
}

/// A start instant in the drawn range: any day, often on a window edge
/// (15-minute steps), sometimes with seconds; late December often.
pub fn start(zone: Tz) -> impl Strategy<Value = DateTime<Utc>> {
    let day = prop_oneof![3 => 0..SPAN_DAYS, 1 => 75i64..95];
    let minute = prop_oneof![2 => (0u32..96).prop_map(|q| q * 15), 1 => 0u32..1440];
    let second = prop_oneof![3 => Just(0i64), 1 => 1i64..60];
    (day, minute, second).prop_map(move |(day, minute, second)| {
        let t = to_utc(zone, origin() + Duration::days(day), minute) + second;
        DateTime::from_timestamp(t, 0).unwrap()
    })
}

/// A start instant for `model`: as [`start`], or often exactly at (or a
/// second or a minute around) an opening or a close.
pub fn start_for(model: &Model) -> impl Strategy<Value = DateTime<Utc>> + use<> {
    let zone = model.zone;
    let m = model.clone();
    let edge = (
        0..SPAN_DAYS,
        0usize..8,
        prop_oneof![4 => Just(0i64), 1 => Just(-1i64), 1 => Just(1i64), 1 => Just(-60i64), 1 => Just(60i64)],
    )
        .prop_map(move |(day, i, delta)| {
            let date = origin() + Duration::days(day);
            let edges: Vec<u32> =
                m.local_windows(date).iter().flat_map(|&(a, b)| [u32::from(a), u32::from(b)]).collect();
            let minute = if edges.is_empty() { 600 } else { edges[i % edges.len()] };
            DateTime::from_timestamp(to_utc(zone, date, minute) + delta, 0).unwrap()
        });
    prop_oneof![start(zone), edge]
}

/// A random model with a start instant for it.
pub fn model_and_start() -> impl Strategy<Value = (Model, DateTime<Utc>)> {
    model().prop_flat_map(|m| {
        let t = start_for(&m);
        (Just(m), t)
    })
}

/// The brute-force oracle for a model.
pub struct Oracle {
    zone: Tz,
    days: BTreeMap<NaiveDate, Vec<(i64, i64)>>,
    intervals: Vec<(i64, i64)>,
}

/// How far past the drawn range the oracle knows the windows.
const MARGIN_DAYS: i64 = 120;

impl Oracle {
    pub fn new(model: &Model) -> Self {
        let mut days = BTreeMap::new();
        let mut intervals = Vec::new();
        for offset in -10..SPAN_DAYS + MARGIN_DAYS {
            let date = origin() + Duration::days(offset);
            let windows: Vec<(i64, i64)> = model
                .local_windows(date)
                .iter()
                .map(|&(a, b)| (to_utc(model.zone, date, u32::from(a)), to_utc(model.zone, date, u32::from(b))))
                .filter(|(a, b)| b > a)
                .collect();
            intervals.extend(windows.iter().copied());
            days.insert(date, windows);
        }
        Self { zone: model.zone, days, intervals }
    }

    /// Whether the second starting at `s` is open.
    pub fn open(&self, s: i64) -> bool {
        let i = self.intervals.partition_point(|&(a, _)| a <= s);
        i > 0 && s < self.intervals[i - 1].1
    }

    /// Open seconds in `[a, b)`, a <= b, stepping minute by minute where
    /// whole minutes fit and second by second elsewhere.
    pub fn between(&self, a: i64, b: i64) -> i64 {
        let (mut s, mut total) = (a, 0);
        while s < b {
            let step = if s.rem_euclid(60) == 0 && s + 60 <= b { 60 } else { 1 };
            if self.open(s) {
                total += step;
            }
            s += step;
        }
        total
    }

    /// The earliest `u >= t` with `seconds` of open time in `[t, u]`.
    pub fn add(&self, t: i64, seconds: i64) -> Option<i64> {
        let (mut s, mut counted) = (t, 0);
        let limit = t + (SPAN_DAYS + MARGIN_DAYS - 20) * 86_400;
        while counted < seconds {
            if s > limit {
                return None;
            }
            let open = self.open(s);
            let step = if s.rem_euclid(60) == 0 && (!open || counted + 60 <= seconds) { 60 } else { 1 };
            if open {
                counted += step;
            }
            s += step;
        }
        Some(s)
    }

    fn windows(&self, date: NaiveDate) -> &[(i64, i64)] {
        self.days.get(&date).map_or(&[], Vec::as_slice)
    }

    fn next_working(&self, date: NaiveDate) -> Option<NaiveDate> {
        let mut d = date.succ_opt()?;
        while self.windows(d).is_empty() {
            if !self.days.contains_key(&d) {
                return None;
            }
            d = d.succ_opt()?;
        }
        Some(d)
    }

    /// `n` working days after `t`, by the rule, literally, day by day.
    pub fn add_working_days(&self, t: i64, n: u32) -> Option<i64> {
        if n == 0 {
            return Some(t);
        }
        let today = DateTime::from_timestamp(t, 0)?.with_timezone(&self.zone).date_naive();
        let last_close = self.windows(today).last().map(|w| w.1);
        let first = match last_close {
            Some(close) if t <= close => today,
            _ => self.next_working(today)?,
        };
        let elapsed: i64 = self.windows(first).iter().map(|&(a, b)| (t.min(b) - a).max(0)).sum();
        if elapsed == 0 {
            let mut day = first;
            for _ in 1..n {
                day = self.next_working(day)?;
            }
            return self.windows(day).last().map(|w| w.1);
        }
        let mut day = first;
        for _ in 0..n {
            day = self.next_working(day)?;
        }
        let mut left = elapsed;
        for &(a, b) in self.windows(day) {
            if left <= b - a {
                return Some(a + left);
            }
            left -= b - a;
        }
        self.windows(day).last().map(|w| w.1)
    }

    /// The local date of an instant.
    pub fn date_of(&self, t: i64) -> NaiveDate {
        DateTime::from_timestamp(t, 0).unwrap().with_timezone(&self.zone).date_naive()
    }

    /// Whether the oracle knows the windows of `t`'s date.
    pub fn knows(&self, t: i64) -> bool {
        self.days.contains_key(&self.date_of(t))
    }
}
