//! Business calendars from arbitrary text, then arithmetic on them.
//!
//! Input: calendar TOML, optionally followed by a NUL byte and operation
//! bytes. Text that mentions `"holidays"` (as in `kind = "holidays"`) is
//! loaded as a holiday file (`HolidayFile::load`), any other as a calendar
//! (`BusinessCalendar::load`, its includes answered from the shipped holiday
//! files); text starting with `{` that is no calendar file is also read as a
//! stored calendar (JSON). Loaders give a value or located diagnostics. A loaded
//! calendar survives the storage round trip, and the operation bytes drive
//! `add`, `add_working_time`, `working_time_between` and `next_opening`,
//! checking what the `calendar` module documentation promises:
//!
//! - `add(t, d) >= t`, and `0m`/`0h`/`0wd` give `t`;
//! - for `m`/`h`: `working_time_between(t, add(t, d)) == d`, additivity
//!   `add(add(t, a), b) == add(t, a + b)`, and `add_working_time` agrees
//!   with `add` on whole minutes;
//! - `working_time_between(a, b) == -working_time_between(b, a)` and it is
//!   additive over `a, b, c`; `working_minutes_between` truncates it;
//! - `next_opening(t)` is at or after `t`, open, with no open time between.
#![no_main]

use chrono::{DateTime, TimeDelta, Utc};
use libfuzzer_sys::fuzz_target;
use sigap_core::WorkDuration;
use sigap_core::calendar::{BusinessCalendar, CalendarError, HolidayFile};
use sigap_fuzz::{Reader, assert_located, read_shipped};

/// At most this many operations per input.
const MAX_OPS: usize = 32;

fuzz_target!(|data: &[u8]| {
    let (text, ops) = match data.iter().position(|&b| b == 0) {
        Some(nul) => (&data[..nul], &data[nul + 1..]),
        None => (data, &[][..]),
    };
    let text = String::from_utf8_lossy(text);
    // Holiday files are read as such (parsing twice would halve the speed).
    if text.contains("\"holidays\"") {
        if let Err(errors) = HolidayFile::load("fuzz-libur.toml", &text) {
            assert_located(&errors);
        }
        return;
    }
    // Named as if beside the West Sumatra calendar, so that its includes
    // (`../indonesia/libur-nasional-2026.toml`) are found.
    let mut include = |path: &str| read_shipped("sumbar/fuzz.toml", path);
    let calendar = match BusinessCalendar::load("sumbar/fuzz.toml", &text, &mut include) {
        Ok(calendar) => calendar,
        Err(errors) => {
            assert_located(&errors);
            if text.trim_start().starts_with('{')
                && let Ok(stored) = serde_json::from_str::<BusinessCalendar>(&text)
            {
                exercise(&stored, ops);
            }
            return;
        }
    };
    // Storage keeps the resolved calendar as JSON and checks its version on reading.
    let json = serde_json::to_string(&calendar).expect("a calendar serialises");
    let stored: BusinessCalendar = serde_json::from_str(&json).expect("a stored calendar reads back");
    assert_eq!(stored, calendar, "a stored calendar reads back unchanged");
    assert_eq!(stored.version(), calendar.version());
    exercise(&calendar, ops);
});

/// An instant: mostly near the shipped holiday years, sometimes anywhere.
fn instant(r: &mut Reader<'_>) -> Option<DateTime<Utc>> {
    const BASE: i64 = 1_735_664_400; // 2025-01-01 00:00 WIB
    const SPAN: i64 = 4 * 366 * 86_400;
    let mode = r.u8();
    match mode % 5 {
        0 => DateTime::from_timestamp(r.u64() as i64, 0),
        1 => DateTime::from_timestamp(BASE + i64::from(r.u32()) % (SPAN / 60) * 60, 0),
        2 => DateTime::from_timestamp(BASE + i64::from(r.u32()) % SPAN, 0),
        3 => {
            let secs = BASE + i64::from(r.u32()) % SPAN;
            let nanos = r.u32() % 2_000_000_000;
            // Leap-second nanoseconds are only valid at a minute's last second.
            DateTime::from_timestamp(secs, nanos).or_else(|| DateTime::from_timestamp(secs, nanos % 1_000_000_000))
        }
        _ => DateTime::from_timestamp(-2_208_988_800 + (r.u64() % (300 * 366 * 86_400)) as i64, 0),
    }
}

/// A duration of working minutes or hours; small ones are likelier.
fn open_duration(r: &mut Reader<'_>) -> WorkDuration {
    let pick = r.u8();
    let amount = match pick >> 2 {
        0..=31 => u32::from(r.u8()),
        32..=55 => u32::from(r.u16()),
        _ => r.u32(),
    };
    if pick & 1 == 0 { WorkDuration::minutes(amount) } else { WorkDuration::hours(amount) }
}

fn minutes_of(d: WorkDuration) -> i64 {
    i64::try_from(d.as_minutes().expect("an m/h duration")).expect("u32 minutes fit")
}

fn exercise(calendar: &BusinessCalendar, ops: &[u8]) {
    let _ = calendar.version();
    let mut r = Reader::new(ops);
    for _ in 0..MAX_OPS {
        if r.remaining() == 0 {
            break;
        }
        let op = r.u8();
        let Some(t) = instant(&mut r) else { continue };
        match op % 4 {
            0 => add_open_time(calendar, t, &mut r),
            1 => {
                let d = WorkDuration::days(u32::from(r.u16()) % 4_000);
                match calendar.add(t, d) {
                    Ok(u) => {
                        assert!(u >= t, "{t} + {d} = {u} is earlier");
                        if d.amount == 0 {
                            assert_eq!(u, t, "{t} + 0wd");
                        }
                    }
                    Err(CalendarError::OutOfRange { .. } | CalendarError::NoOpenTime { .. }) => {}
                }
            }
            2 => {
                let Some(b) = instant(&mut r) else { continue };
                let Some(c) = instant(&mut r) else { continue };
                let ab = calendar.working_time_between(t, b);
                assert_eq!(ab, -calendar.working_time_between(b, t), "between({t}, {b}) is not antisymmetric");
                assert_eq!(calendar.working_time_between(t, t), TimeDelta::zero());
                let bc = calendar.working_time_between(b, c);
                assert_eq!(ab + bc, calendar.working_time_between(t, c), "between is not additive over {t}, {b}, {c}");
                assert_eq!(calendar.working_minutes_between(t, b), ab.num_minutes());
                let _ = calendar.is_open(t);
            }
            _ => {
                if let Some(u) = calendar.next_opening(t) {
                    assert!(u >= t, "next_opening({t}) = {u} is earlier");
                    assert!(calendar.is_open(u), "next_opening({t}) = {u} is closed");
                    assert_eq!(
                        calendar.working_time_between(t, u),
                        TimeDelta::zero(),
                        "open time before next_opening({t}) = {u}"
                    );
                    if calendar.is_open(t) {
                        assert_eq!(u, t, "{t} is open but next_opening is {u}");
                    }
                }
            }
        }
    }
}

fn add_open_time(calendar: &BusinessCalendar, t: DateTime<Utc>, r: &mut Reader<'_>) {
    let a = open_duration(r);
    let Ok(u) = calendar.add(t, a) else { return };
    assert!(u >= t, "{t} + {a} = {u} is earlier");
    let a_minutes = minutes_of(a);
    if a.amount == 0 {
        assert_eq!(u, t, "{t} + {a}");
    }
    assert_eq!(
        calendar.working_time_between(t, u),
        TimeDelta::minutes(a_minutes),
        "working_time_between({t}, {t} + {a} = {u})"
    );
    assert_eq!(calendar.add_working_time(t, TimeDelta::minutes(a_minutes)), Ok(u), "add_working_time({t}, {a})");
    // Additivity, in minutes so that the sum is one duration.
    let b = open_duration(r);
    let b_minutes = minutes_of(b);
    let Ok(total) = u32::try_from(a_minutes + b_minutes) else { return };
    let (Ok(v), Ok(w)) = (calendar.add(u, b), calendar.add(t, WorkDuration::minutes(total))) else { return };
    assert_eq!(v, w, "({t} + {a}) + {b} = {v} but {t} + {total}m = {w}");
}
