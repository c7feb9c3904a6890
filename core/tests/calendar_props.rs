//! Properties of the calendar's computations, on random calendars.

mod calendar_support;

use calendar_support::model::{Model, model_and_start, to_utc};
use chrono::{DateTime, Duration, NaiveDate, TimeDelta, Utc};
use proptest::prelude::*;
use sigap_core::WorkDuration;
use sigap_core::calendar::BusinessCalendar;

fn minutes() -> impl Strategy<Value = u32> {
    prop_oneof![3 => 0u32..600, 1 => 0u32..5_000, 1 => (0u32..40).prop_map(|h| h * 60)]
}

fn m(n: u32) -> WorkDuration {
    WorkDuration::minutes(n)
}

const SECOND: TimeDelta = TimeDelta::seconds(1);

fn local_date(model: &Model, t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&model.zone).date_naive()
}

fn midnight(model: &Model, date: NaiveDate) -> DateTime<Utc> {
    DateTime::from_timestamp(to_utc(model.zone, date, 0), 0).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// For d > 0 the due instant is in open time or exactly at a close: the
    /// second before it is open, on a working day that is no holiday.
    #[test]
    fn results_are_never_inside_closed_time((model, t) in model_and_start(), d in 1u32..5_000) {
        let calendar = model.calendar();
        let u = calendar.add(t, m(d)).unwrap();
        prop_assert!(u > t);
        prop_assert!(calendar.is_open(u - SECOND), "{} + {}m = {}", t, d, u);
        let date = local_date(&model, u - SECOND);
        prop_assert!(calendar.is_working_day(date));
        prop_assert!(calendar.holiday(date).is_none());
    }

    /// add(add(t, a), b) == add(t, a + b), with no precondition.
    #[test]
    fn minutes_and_hours_are_additive((model, t) in model_and_start(), a in minutes(), b in minutes()) {
        let calendar = model.calendar();
        let stepwise = calendar.add(calendar.add(t, m(a)).unwrap(), m(b)).unwrap();
        prop_assert_eq!(stepwise, calendar.add(t, m(a + b)).unwrap());
        prop_assert_eq!(calendar.add(t, WorkDuration::hours(a / 60)).unwrap(), calendar.add(t, m(a / 60 * 60)).unwrap());
    }

    /// Splitting at any u with a of open time since t: add(u, b) ==
    /// add(t, a + b) iff b > 0 or u == add(t, a).
    #[test]
    fn splitting_needs_more_time_or_the_exact_point(
        (model, t) in model_and_start(),
        a in minutes(),
        b in prop_oneof![Just(0u32), 1u32..600],
        delay in prop_oneof![Just(0i64), 1i64..600, 0i64..4 * 86_400],
    ) {
        let calendar = model.calendar();
        let due = calendar.add(t, m(a)).unwrap();
        // Any u from `due` up to the next opening after it.
        let opening = calendar.next_opening(due).unwrap();
        let u = due + Duration::seconds(delay).min(opening - due);
        prop_assert_eq!(calendar.working_time_between(t, u), TimeDelta::minutes(a.into()));
        let split = calendar.add(u, m(b)).unwrap();
        if b > 0 {
            prop_assert_eq!(split, calendar.add(t, m(a + b)).unwrap());
        } else {
            prop_assert_eq!(split, u);
            prop_assert_eq!(split == calendar.add(t, m(a)).unwrap(), u == due);
        }
    }

    /// working_time_between(t, add(t, d)) == d, also from a sub-second start.
    #[test]
    fn open_time_between_a_start_and_its_due_instant_is_the_duration(
        (model, t) in model_and_start(),
        d in minutes(),
        nanos in prop_oneof![Just(0i64), 1i64..1_000_000_000],
    ) {
        let calendar = model.calendar();
        let t = t + TimeDelta::nanoseconds(nanos);
        let u = calendar.add(t, m(d)).unwrap();
        prop_assert_eq!(calendar.working_time_between(t, u), TimeDelta::minutes(d.into()));
        prop_assert_eq!(calendar.working_minutes_between(t, u), i64::from(d));
        prop_assert_eq!(calendar.working_time_between(u, t), -TimeDelta::minutes(d.into()));
    }

    /// add(t, working_time_between(t, u)) == u iff u == t or the second
    /// before u is open (u inside a window, past its opening, or at a close).
    #[test]
    fn adding_back_the_measured_time(
        (model, t) in model_and_start(),
        minutes_later in prop_oneof![0i64..600, 0i64..20_000],
    ) {
        let calendar = model.calendar();
        let t = t - Duration::seconds(t.timestamp().rem_euclid(60));
        let u = t + Duration::minutes(minutes_later);
        let open = calendar.working_time_between(t, u);
        prop_assert_eq!(open.num_seconds() % 60, 0);
        let back = calendar.add(t, m(u32::try_from(open.num_minutes()).unwrap())).unwrap();
        prop_assert_eq!(back == u, u == t || calendar.is_open(u - SECOND));
        prop_assert!(back <= u);
    }

    /// Later starts and longer durations never give earlier due instants.
    #[test]
    fn monotonic_in_start_and_duration(
        (model, t) in model_and_start(),
        later in prop_oneof![0i64..3_600, 0i64..5 * 86_400],
        a in minutes(),
        b in minutes(),
        n in 0u32..8,
        k in 0u32..4,
    ) {
        let calendar = model.calendar();
        let t2 = t + Duration::seconds(later);
        prop_assert!(calendar.add(t, m(a)).unwrap() <= calendar.add(t2, m(a)).unwrap());
        prop_assert!(calendar.add(t, m(a.min(b))).unwrap() <= calendar.add(t, m(a.max(b))).unwrap());
        let wd = |t, n| calendar.add(t, WorkDuration::days(n)).unwrap();
        prop_assert!(wd(t, n) <= wd(t2, n), "{} vs {} for {}wd", t, t2, n);
        prop_assert!(wd(t, n) <= wd(t, n + k));
    }

    /// Open time grows with the end and shrinks with the start.
    #[test]
    fn open_time_is_monotonic((model, a) in model_and_start(), x in 0i64..20 * 86_400, y in 0i64..20 * 86_400) {
        let calendar = model.calendar();
        let b1 = a + Duration::seconds(x);
        let b2 = b1 + Duration::seconds(y);
        let between = |p, q| calendar.working_time_between(p, q);
        prop_assert!(between(a, b1) <= between(a, b2));
        prop_assert!(between(b1, b2) <= between(a, b2));
        prop_assert_eq!(between(a, b1) + between(b1, b2), between(a, b2));
        prop_assert!(between(a, b1) >= TimeDelta::zero());
    }

    /// Holidays and closed days count no open time, and are never working days.
    #[test]
    fn holidays_and_closed_days_are_never_counted((model, t) in model_and_start()) {
        let calendar: BusinessCalendar = model.calendar();
        let first = local_date(&model, t);
        let days = (0..21).map(|i| first + Duration::days(i)).chain(model.holidays.iter().copied());
        for date in days {
            let whole_day = calendar.working_time_between(midnight(&model, date), midnight(&model, date + Duration::days(1)));
            let closed = model.local_windows(date).is_empty();
            if closed || model.holidays.contains(&date) {
                prop_assert_eq!(whole_day, TimeDelta::zero(), "{}", date);
                prop_assert!(!calendar.is_working_day(date));
                prop_assert!(calendar.windows_on(date).is_empty());
            }
            if model.holidays.contains(&date) {
                prop_assert!(calendar.holiday(date).is_some());
            }
        }
    }

    /// A number of working days always lands on a working day (the second
    /// before the due instant is open time of a working day).
    #[test]
    fn working_days_land_on_working_days((model, t) in model_and_start(), n in 1u32..12) {
        let calendar = model.calendar();
        let u = calendar.add(t, WorkDuration::days(n)).unwrap();
        prop_assert!(u > t);
        prop_assert!(calendar.is_open(u - SECOND));
        let date = local_date(&model, u - SECOND);
        prop_assert!(calendar.is_working_day(date));
        prop_assert!(calendar.holiday(date).is_none());
        prop_assert!(date > local_date(&model, t) || n == 1);
    }

    /// A stored and reloaded calendar gives the same answers.
    #[test]
    fn a_stored_calendar_answers_the_same((model, t) in model_and_start(), d in minutes(), n in 0u32..6) {
        let calendar = model.calendar();
        let stored: BusinessCalendar = serde_json::from_str(&serde_json::to_string(&calendar).unwrap()).unwrap();
        prop_assert_eq!(stored.version(), calendar.version());
        prop_assert_eq!(stored.add(t, m(d)), calendar.add(t, m(d)));
        prop_assert_eq!(stored.add(t, WorkDuration::days(n)), calendar.add(t, WorkDuration::days(n)));
    }
}
