//! The calendar's worked examples, as plain tests.

mod calendar_support;

use calendar_support::{LIBUR_2026, SUMBAR, includes, load, local, show, sumbar_with, wib};
use chrono::{NaiveDate, TimeDelta};
use chrono_tz::Tz;
use sigap_core::calendar::{BusinessCalendar, CalendarError};
use sigap_core::{WorkDuration, WorkUnit};

fn d(text: &str) -> WorkDuration {
    text.parse().unwrap()
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// `add` shown in WIB.
fn add(calendar: &BusinessCalendar, day: &str, time: &str, duration: &str) -> String {
    show(calendar.add(wib(day, time), d(duration)).unwrap())
}

// 2026-07-06 is a Monday with no holiday that week.

#[test]
fn one_working_day_from_the_issue() {
    let c = load(SUMBAR);
    assert_eq!(add(&c, "2026-07-07", "10:00", "1wd"), "2026-07-08 10:00:00 Wed");
    assert_eq!(add(&c, "2026-07-10", "14:00", "1wd"), "2026-07-13 14:00:00 Mon");
    assert_eq!(add(&c, "2026-07-06", "07:00", "1wd"), "2026-07-06 15:00:00 Mon");
    assert_eq!(add(&c, "2026-07-11", "10:00", "1wd"), "2026-07-13 15:00:00 Mon");
    assert_eq!(add(&c, "2026-07-11", "00:00", "1wd"), "2026-07-13 15:00:00 Mon");
}

#[test]
fn a_holiday_monday_pushes_each_a_day() {
    let c = sumbar_with("[[holidays]]\ndate = 2026-07-13\nname = \"Libur daerah\"\n");
    assert_eq!(c.holiday(date("2026-07-13")), Some("Libur daerah"));
    assert_eq!(add(&c, "2026-07-10", "14:00", "1wd"), "2026-07-14 14:00:00 Tue");
    assert_eq!(add(&c, "2026-07-13", "07:00", "1wd"), "2026-07-14 15:00:00 Tue");
    assert_eq!(add(&c, "2026-07-11", "10:00", "1wd"), "2026-07-14 15:00:00 Tue");
    // Tuesday 10:00 crosses Wednesday: a holiday Wednesday pushes it to Thursday.
    let c = sumbar_with("[[holidays]]\ndate = 2026-07-08\nname = \"Libur daerah\"\n");
    assert_eq!(add(&c, "2026-07-07", "10:00", "1wd"), "2026-07-09 10:00:00 Thu");
}

#[test]
fn working_day_edges() {
    let c = load(SUMBAR);
    // At the opening nothing has elapsed: the close of that same day.
    assert_eq!(add(&c, "2026-07-06", "08:00", "1wd"), "2026-07-06 15:00:00 Mon");
    assert_eq!(add(&c, "2026-07-06", "08:00:01", "1wd"), "2026-07-07 08:00:01 Tue");
    // At the close the whole day has elapsed; after it, the next day counts.
    assert_eq!(add(&c, "2026-07-07", "15:00", "1wd"), "2026-07-08 15:00:00 Wed");
    assert_eq!(add(&c, "2026-07-07", "15:00:01", "1wd"), "2026-07-08 15:00:00 Wed");
    assert_eq!(add(&c, "2026-07-07", "10:00", "3wd"), "2026-07-10 10:00:00 Fri");
    assert_eq!(add(&c, "2026-07-06", "07:00", "5wd"), "2026-07-10 15:00:00 Fri");
    assert_eq!(add(&c, "2026-07-07", "10:00", "0wd"), "2026-07-07 10:00:00 Tue");
}

#[test]
fn minutes_and_hours() {
    let c = load(SUMBAR);
    assert_eq!(add(&c, "2026-07-06", "10:00", "30m"), "2026-07-06 10:30:00 Mon");
    // Completing exactly at the close is due at the close.
    assert_eq!(add(&c, "2026-07-06", "14:30", "30m"), "2026-07-06 15:00:00 Mon");
    assert_eq!(add(&c, "2026-07-06", "14:30", "31m"), "2026-07-07 08:01:00 Tue");
    // Closed time starts counting at the next opening.
    assert_eq!(add(&c, "2026-07-11", "10:00", "30m"), "2026-07-13 08:30:00 Mon");
    assert_eq!(add(&c, "2026-07-06", "06:00", "7h"), "2026-07-06 15:00:00 Mon");
    assert_eq!(add(&c, "2026-07-10", "14:00", "2h"), "2026-07-13 09:00:00 Mon");
    // Zero is the start itself, even when closed.
    assert_eq!(add(&c, "2026-07-11", "10:00", "0m"), "2026-07-11 10:00:00 Sat");
    assert_eq!(add(&c, "2026-07-06", "10:00", "0h"), "2026-07-06 10:00:00 Mon");
    // Seconds are kept.
    assert_eq!(add(&c, "2026-07-06", "10:00:30", "30m"), "2026-07-06 10:30:30 Mon");
    assert_eq!(add(&c, "2026-07-06", "14:59:30", "1m"), "2026-07-07 08:00:30 Tue");
}

#[test]
fn measuring_open_time() {
    let c = load(SUMBAR);
    let between = |a: (&str, &str), b: (&str, &str)| c.working_time_between(wib(a.0, a.1), wib(b.0, b.1));
    assert_eq!(between(("2026-07-10", "14:00"), ("2026-07-13", "09:00")), TimeDelta::hours(2));
    assert_eq!(between(("2026-07-13", "09:00"), ("2026-07-10", "14:00")), TimeDelta::hours(-2));
    assert_eq!(between(("2026-07-11", "00:00"), ("2026-07-12", "23:59")), TimeDelta::zero());
    assert_eq!(between(("2026-07-06", "00:00"), ("2026-07-13", "00:00")), TimeDelta::hours(35));
    assert_eq!(between(("2026-07-06", "10:00:00"), ("2026-07-06", "10:01:59")), TimeDelta::seconds(119));
    let minutes = |a: (&str, &str), b: (&str, &str)| c.working_minutes_between(wib(a.0, a.1), wib(b.0, b.1));
    assert_eq!(minutes(("2026-07-06", "10:00:00"), ("2026-07-06", "10:01:59")), 1);
    assert_eq!(minutes(("2026-07-06", "10:01:59"), ("2026-07-06", "10:00:00")), -1);
    // A sub-second start is exact.
    let t = wib("2026-07-06", "10:00") + TimeDelta::milliseconds(250);
    assert_eq!(c.working_time_between(t, wib("2026-07-06", "10:01")), TimeDelta::milliseconds(59_750));
    assert_eq!(show(c.add(t, d("1m")).unwrap()), "2026-07-06 10:01:00 Mon");
    assert_eq!(c.add(t, d("1m")).unwrap(), t + TimeDelta::minutes(1));
}

#[test]
fn friday_with_a_lunch_break() {
    let text = SUMBAR.replace("friday = [\"08:00-15:00\"]", "friday = [\"08:00-11:30\", \"13:30-15:00\"]");
    let c = load(&text);
    assert_eq!(add(&c, "2026-07-10", "11:00", "30m"), "2026-07-10 11:30:00 Fri");
    assert_eq!(add(&c, "2026-07-10", "11:00", "31m"), "2026-07-10 13:31:00 Fri");
    assert_eq!(add(&c, "2026-07-10", "12:00", "1h"), "2026-07-10 14:30:00 Fri");
    assert!(!c.is_open(wib("2026-07-10", "12:00")));
    assert!(c.is_open(wib("2026-07-10", "13:30")));
    assert!(!c.is_open(wib("2026-07-10", "11:30")));
    // A Thursday offset is carried into the shorter Friday.
    assert_eq!(add(&c, "2026-07-09", "11:00", "1wd"), "2026-07-10 11:00:00 Fri");
    assert_eq!(add(&c, "2026-07-09", "11:30", "1wd"), "2026-07-10 11:30:00 Fri");
    assert_eq!(add(&c, "2026-07-09", "12:00", "1wd"), "2026-07-10 14:00:00 Fri");
    assert_eq!(add(&c, "2026-07-09", "14:00", "1wd"), "2026-07-10 15:00:00 Fri");
    assert_eq!(add(&c, "2026-07-10", "14:00", "1wd"), "2026-07-13 12:00:00 Mon");
    assert_eq!(c.working_time_between(wib("2026-07-10", "00:00"), wib("2026-07-11", "00:00")), TimeDelta::hours(5));
    let windows = c.windows_on(date("2026-07-10"));
    assert_eq!(windows.len(), 2);
    assert_eq!(show(windows[1].0), "2026-07-10 13:30:00 Fri");
    assert_eq!(show(c.next_opening(wib("2026-07-10", "12:00")).unwrap()), "2026-07-10 13:30:00 Fri");
    assert_eq!(c.next_opening(wib("2026-07-10", "10:00")), Some(wib("2026-07-10", "10:00")));
}

#[test]
fn lebaran_and_the_year_end() {
    let c = load(SUMBAR);
    // Closed from Wednesday 18 to Tuesday 24 March 2026.
    for day in 18..=24 {
        assert!(!c.is_working_day(date(&format!("2026-03-{day}"))), "{day}");
    }
    assert_eq!(c.holiday(date("2026-03-21")), Some("Hari Raya Idulfitri 1447 H"));
    assert_eq!(add(&c, "2026-03-17", "14:00", "2h"), "2026-03-25 09:00:00 Wed");
    assert_eq!(add(&c, "2026-03-17", "10:00", "1wd"), "2026-03-25 10:00:00 Wed");
    assert_eq!(add(&c, "2026-03-18", "10:00", "1wd"), "2026-03-25 15:00:00 Wed");
    assert_eq!(c.working_time_between(wib("2026-03-17", "15:00"), wib("2026-03-25", "08:00")), TimeDelta::zero());
    // New Year's Day 2026 is a Thursday holiday.
    assert_eq!(add(&c, "2025-12-31", "14:00", "2h"), "2026-01-02 09:00:00 Fri");
    assert_eq!(add(&c, "2025-12-31", "14:00", "1wd"), "2026-01-02 14:00:00 Fri");
}

#[test]
fn extra_working_days() {
    let c = sumbar_with(
        "[[working_days]]\ndate = 2026-02-14\nname = \"Hari kerja pengganti\"\nhours = [\"08:00-12:00\"]\n\n\
         [[working_days]]\ndate = 2026-01-16\nname = \"Masuk kerja\"\n",
    );
    assert!(c.is_working_day(date("2026-02-14")));
    assert_eq!(add(&c, "2026-02-13", "14:00", "2h"), "2026-02-14 09:00:00 Sat");
    assert_eq!(add(&c, "2026-02-13", "14:00", "1wd"), "2026-02-14 12:00:00 Sat");
    // Overrides the included national holiday: worked with the usual hours.
    assert_eq!(c.holiday(date("2026-01-16")), None);
    assert!(c.is_working_day(date("2026-01-16")));
    assert_eq!(add(&c, "2026-01-15", "14:00", "2h"), "2026-01-16 09:00:00 Fri");
    assert_eq!(c.working_days().count(), 2);
}

#[test]
fn clock_changes_follow_the_documented_rule() {
    let text = r#"kind = "calendar"
id = "new-york"
label = "A zone with daylight saving"
time_zone = "America/New_York"

[hours]
monday = ["09:00-17:00"]
sunday = ["00:30-03:00"]
"#;
    let c = BusinessCalendar::load("ny.toml", text, &mut |_| Err("none".to_owned())).unwrap();
    let ny = Tz::America__New_York;
    // Spring forward 2026-03-08 02:00 -> 03:00: 00:30-03:00 is 1.5 h long.
    let spring = c.windows_on(date("2026-03-08"));
    assert_eq!(spring.len(), 1);
    assert_eq!(spring[0].1 - spring[0].0, TimeDelta::minutes(90));
    // Fall back 2026-11-01 02:00 -> 01:00: the window is 3.5 h long.
    let fall = c.windows_on(date("2026-11-01"));
    assert_eq!(fall[0].1 - fall[0].0, TimeDelta::minutes(210));
    assert_eq!(fall[0].0, local(ny, "2026-11-01", "00:30"));
    assert_eq!(c.add(local(ny, "2026-11-01", "00:30"), d("3h")).unwrap() - fall[0].0, TimeDelta::hours(3));
    assert_eq!(c.add(local(ny, "2026-03-08", "00:30"), d("2h")).unwrap(), local(ny, "2026-03-09", "09:30"));
    assert!(!c.is_working_day(date("2026-03-10")));
}

#[test]
fn a_window_in_a_skipped_hour_is_empty_that_day() {
    let text = "kind = \"calendar\"\nid = \"b\"\nlabel = \"Berlin\"\ntime_zone = \"Europe/Berlin\"\n[hours]\nsunday = [\"02:00-02:30\"]\nmonday = [\"09:00-10:00\"]\n";
    let c = BusinessCalendar::load("b.toml", text, &mut |_| Err("none".to_owned())).unwrap();
    assert!(c.windows_on(date("2026-03-29")).is_empty());
    assert!(!c.is_working_day(date("2026-03-29")));
    assert!(c.is_working_day(date("2026-04-05")));
}

#[test]
fn stores_and_pins_by_version() {
    let c = load(SUMBAR);
    assert_eq!(c.version().len(), 64);
    assert!(c.version().chars().all(|ch| ch.is_ascii_hexdigit() && !ch.is_ascii_uppercase()));
    assert_eq!(c.id(), "sumbar-biro-hukum");
    assert_eq!(c.time_zone(), Tz::Asia__Jakarta);
    let json = serde_json::to_string(&c).unwrap();
    let back: BusinessCalendar = serde_json::from_str(&json).unwrap();
    assert_eq!(back, c);
    assert_eq!(back.version(), c.version());
    assert_eq!(back.add(wib("2026-03-17", "10:00"), d("1wd")), c.add(wib("2026-03-17", "10:00"), d("1wd")));
    // A label is not content; a holiday's name is.
    assert_eq!(load(&SUMBAR.replace("Hari dan jam", "Jam")).version(), c.version());
    let renamed = LIBUR_2026.replace("Hari Raya Natal", "Natal");
    let files = [("../indonesia/libur-nasional-2026.toml", renamed.as_str())];
    let other = BusinessCalendar::load("calendar.toml", SUMBAR, &mut includes(&files)).unwrap();
    assert_ne!(other.version(), c.version());
    // A stored copy whose content does not match its version is refused.
    let tampered = json.replace("Hari Raya Natal", "Natal");
    assert!(serde_json::from_str::<BusinessCalendar>(&tampered).unwrap_err().to_string().contains("does not match"));
}

#[test]
fn outside_the_covered_years() {
    let c = load(SUMBAR);
    let early = wib("1850-01-01", "10:00");
    assert!(matches!(c.add(early, d("30m")), Err(CalendarError::OutOfRange { .. })));
    assert_eq!(c.next_opening(early), None);
    let late = wib("2199-12-31", "10:00");
    assert!(matches!(c.add(late, d("100h")), Err(CalendarError::NoOpenTime { .. })));
    assert!(matches!(c.add(late, d("2wd")), Err(CalendarError::NoOpenTime { .. })));
    assert_eq!(show(c.add(late, d("1h")).unwrap()), "2199-12-31 11:00:00 Tue");
    assert_eq!(c.working_time_between(early, wib("1900-01-02", "00:00")), TimeDelta::hours(7));
    assert!(c.windows_on(date("2200-01-01")).is_empty());
}

#[test]
fn durations_keep_their_unit() {
    assert_eq!(d("1wd").unit, WorkUnit::Days);
}

#[test]
fn extreme_inputs_do_not_panic() {
    let c = load(SUMBAR);
    let (min, max) = (chrono::DateTime::<chrono::Utc>::MIN_UTC, chrono::DateTime::<chrono::Utc>::MAX_UTC);
    for t in [min, max] {
        assert!(matches!(c.add(t, d("1m")), Err(CalendarError::OutOfRange { .. })));
        assert!(matches!(c.add(t, d("1wd")), Err(CalendarError::OutOfRange { .. })));
        assert_eq!(c.next_opening(t), None);
        assert!(!c.is_open(t));
    }
    assert!(c.working_time_between(min, max) > TimeDelta::hours(35 * 52 * 299));
    assert_eq!(c.working_time_between(max, min), -c.working_time_between(min, max));
    // Durations built directly, past what the parser accepts.
    let t = wib("2026-07-06", "10:00");
    for huge in [WorkDuration::minutes(u32::MAX), WorkDuration::hours(u32::MAX), WorkDuration::days(u32::MAX)] {
        assert!(matches!(c.add(t, huge), Err(CalendarError::NoOpenTime { .. })));
    }
    // A leap second's instant is read as the last nanosecond of its second.
    let leap = chrono::DateTime::from_timestamp(wib("2026-07-06", "10:00:59").timestamp(), 1_500_000_000).unwrap();
    assert_eq!(c.working_time_between(wib("2026-07-06", "10:00"), leap), TimeDelta::nanoseconds(59_999_999_999));
}

#[test]
fn a_calendar_can_be_shared_between_threads() {
    fn shared<T: Send + Sync + Clone>() {}
    shared::<BusinessCalendar>();
}

/// The holidays are known until the end of the last year any holiday falls
/// in; a warning names the calendar, the day and the file to add once that
/// day is within twelve months, and never before.
#[test]
fn the_holiday_horizon_is_the_end_of_the_last_year_with_holidays() {
    let c = load(SUMBAR);
    assert_eq!(c.holidays_known_until(), Some(date("2026-12-31")));
    assert!(!c.beyond_known_holidays(date("2026-12-31")));
    assert!(c.beyond_known_holidays(date("2027-01-01")));
    assert_eq!(c.holiday_horizon_warning(date("2025-12-30")), None, "a year and a day ahead");
    assert_eq!(
        c.holiday_horizon_warning(date("2025-12-31")).as_deref(),
        Some(
            "the holidays of calendar `sumbar-biro-hukum` are known until 2026-12-31 (in 365 days); later deadlines count holidays as working days: include the holiday file for 2027"
        )
    );
    assert!(c.holiday_horizon_warning(date("2026-12-31")).unwrap().contains("(today)"));
    assert!(c.holiday_horizon_warning(date("2027-01-02")).unwrap().contains("(2 days ago)"));
    let bare = load(&SUMBAR.replace("include = [\"../indonesia/libur-nasional-2026.toml\"]", ""));
    assert_eq!(bare.holidays_known_until(), None, "a calendar without holidays has no horizon");
    assert!(!bare.beyond_known_holidays(date("2099-01-01")));
    assert_eq!(bare.holiday_horizon_warning(date("2099-01-01")), None);
}
