//! The calendar against a brute-force oracle, on random calendars.

mod calendar_support;

use calendar_support::model::{Oracle, model_and_start};
use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use sigap_core::WorkDuration;

fn minutes() -> impl Strategy<Value = WorkDuration> {
    prop_oneof![
        3 => (0u32..600).prop_map(WorkDuration::minutes),
        2 => (0u32..6_000).prop_map(WorkDuration::minutes),
        2 => (0u32..60).prop_map(WorkDuration::hours),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn minutes_and_hours_match_the_oracle(
        (model, t) in model_and_start(),
        d in minutes(),
    ) {
        let calendar = model.calendar();
        let oracle = Oracle::new(&model);
        let seconds = d.as_minutes().unwrap() as i64 * 60;
        let expected = oracle.add(t.timestamp(), seconds);
        prop_assume!(expected.is_some());
        let got = calendar.add(t, d).unwrap();
        prop_assert_eq!(got.timestamp(), expected.unwrap(), "add({}, {}) in {}\n{}", t, d, model.zone, model.to_toml());
    }

    #[test]
    fn working_days_match_the_oracle(
        (model, t) in model_and_start(),
        n in 0u32..12,
    ) {
        let calendar = model.calendar();
        let oracle = Oracle::new(&model);
        let expected = oracle.add_working_days(t.timestamp(), n);
        prop_assume!(expected.is_some());
        let got = calendar.add(t, WorkDuration::days(n)).unwrap();
        prop_assert_eq!(got.timestamp(), expected.unwrap(), "add({}, {}wd) in {}\n{}", t, n, model.zone, model.to_toml());
    }

    #[test]
    fn open_time_between_matches_the_oracle(
        (model, a) in model_and_start(),
        span in prop_oneof![0i64..86_400, 0i64..40 * 86_400],
        backwards in any::<bool>(),
    ) {
        let calendar = model.calendar();
        let oracle = Oracle::new(&model);
        let b = a + Duration::seconds(span);
        let expected = oracle.between(a.timestamp(), b.timestamp());
        let (from, to) = if backwards { (b, a) } else { (a, b) };
        let sign = if backwards { -1 } else { 1 };
        prop_assert_eq!(calendar.working_time_between(from, to).num_seconds(), sign * expected);
        prop_assert_eq!(calendar.working_minutes_between(from, to), sign * (expected / 60));
    }

    #[test]
    fn open_instants_and_working_days_match_the_oracle(
        (model, t) in model_and_start(),
    ) {
        let calendar = model.calendar();
        let oracle = Oracle::new(&model);
        for offset in [-61, -1, 0, 1, 59, 900, 3_600] {
            let s = t.timestamp() + offset;
            prop_assert_eq!(calendar.is_open(DateTime::<Utc>::from_timestamp(s, 0).unwrap()), oracle.open(s));
        }
        let date = oracle.date_of(t.timestamp());
        let windows: Vec<(i64, i64)> = calendar.windows_on(date).iter().map(|(a, b)| (a.timestamp(), b.timestamp())).collect();
        let local = model.local_windows(date).clone();
        prop_assert_eq!(calendar.is_working_day(date), !windows.is_empty());
        let expected: Vec<(i64, i64)> = local
            .iter()
            .map(|&(a, b)| (calendar_support::model::to_utc(model.zone, date, a.into()), calendar_support::model::to_utc(model.zone, date, b.into())))
            .filter(|(a, b)| b > a)
            .collect();
        prop_assert_eq!(windows, expected);
    }
}
