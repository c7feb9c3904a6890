//! The business calendar: `add` (m, h, wd) and `working_time_between` over
//! spans from a day to a year, on a calendar with a few hundred holidays.
//!
//! Run with `cargo bench -p sigap-benches --bench calendar`.

use std::hint::black_box;

use chrono::{DateTime, Duration, Utc};
use criterion::{BenchmarkId, Criterion, criterion_main};
use sigap_core::WorkDuration;
use sigap_core::calendar::BusinessCalendar;

/// First and last year of the synthesised holiday files.
const YEARS: std::ops::RangeInclusive<i32> = 2024..=2036;

/// A holiday file for `year`: 18 single holidays spread over the year and a
/// seven-day Lebaran run, so 25 closed days (13 files: 325 days).
fn holiday_file(year: i32) -> String {
    let mut text = format!(
        "kind = \"holidays\"\nid = \"libur-{year}\"\nlabel = \"Libur {year}\"\nyear = {year}\nsource = \"synthetic\"\n"
    );
    // The run moves about 11 days earlier each year, like Idulfitri.
    let run_start = 200 - (year - 2024) * 11;
    let first = chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
    let run = (run_start..run_start + 7).collect::<Vec<_>>();
    text.push_str(&format!(
        "\n[[holidays]]\nfrom = {}\nto = {}\nname = \"Cuti bersama Idulfitri\"\ntype = \"collective_leave\"\n",
        first + Duration::days(i64::from(run[0])),
        first + Duration::days(i64::from(run[6]))
    ));
    let mut day = 3;
    for i in 0..18 {
        if run.contains(&day) || run.contains(&(day + 1)) {
            day += 9;
        }
        let date = first + Duration::days(i64::from(day));
        text.push_str(&format!("\n[[holidays]]\ndate = {date}\nname = \"Libur {i}\"\ntype = \"national\"\n"));
        day += 19;
    }
    text
}

fn build_calendar() -> BusinessCalendar {
    let includes: Vec<String> = YEARS.map(|y| format!("\"libur-{y}.toml\"")).collect();
    let text = format!(
        "kind = \"calendar\"\nid = \"bench\"\nlabel = \"Bench\"\ntime_zone = \"Asia/Jakarta\"\ninclude = [{}]\n\n[hours]\nmonday = [\"08:00-15:00\"]\ntuesday = [\"08:00-15:00\"]\nwednesday = [\"08:00-15:00\"]\nthursday = [\"08:00-15:00\"]\nfriday = [\"08:00-11:30\", \"13:30-15:00\"]\n",
        includes.join(", ")
    );
    let mut include = |path: &str| {
        let year: i32 =
            path.trim_start_matches("libur-").trim_end_matches(".toml").parse().map_err(|_| "bad".to_owned())?;
        Ok((path.to_owned(), holiday_file(year)))
    };
    match BusinessCalendar::load("bench.toml", &text, &mut include) {
        Ok(calendar) => calendar,
        Err(errors) => panic!("{errors}"),
    }
}

/// 1024 starts spread over 2026–2030 at assorted times of day.
fn starts() -> Vec<DateTime<Utc>> {
    let base = DateTime::from_timestamp(1_767_200_400, 0).unwrap(); // 2025-12-31 17:00 UTC
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    (0..1024)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            base + Duration::seconds(i64::try_from(state % (4 * 365 * 86_400)).unwrap())
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let calendar = build_calendar();
    assert!(calendar.holidays().count() >= 300);
    let starts = starts();
    let mut group = c.benchmark_group("calendar");
    let additions = [
        ("30m", "30m"),
        ("1 day (7h)", "7h"),
        ("1 week (35h)", "35h"),
        ("1 month (150h)", "150h"),
        ("1 year (1750h)", "1750h"),
        ("1wd", "1wd"),
        ("1 week (5wd)", "5wd"),
        ("1 month (22wd)", "22wd"),
        ("1 year (250wd)", "250wd"),
    ];
    for (name, duration) in additions {
        let d: WorkDuration = duration.parse().unwrap();
        group.bench_function(BenchmarkId::new("add", name), |b| {
            let mut i = 0;
            b.iter(|| {
                i = (i + 1) & 1023;
                calendar.add(black_box(starts[i]), black_box(d))
            });
        });
    }
    for (name, days) in [("1 day", 1), ("1 week", 7), ("1 month", 30), ("1 year", 365)] {
        let span = Duration::days(days) + Duration::minutes(37);
        group.bench_function(BenchmarkId::new("between", name), |b| {
            let mut i = 0;
            b.iter(|| {
                i = (i + 1) & 1023;
                calendar.working_time_between(black_box(starts[i]), black_box(starts[i] + span))
            });
        });
    }
    group.bench_function("load (13 holiday files)", |b| b.iter(build_calendar));
    let stored = serde_json::to_string(&calendar).unwrap();
    group.bench_function("deserialize a stored calendar", |b| {
        b.iter(|| serde_json::from_str::<BusinessCalendar>(black_box(&stored)).unwrap());
    });
    group.finish();
}

mod group {
    // criterion's macro generates an undocumented `pub fn`.
    #![allow(missing_docs)]
    criterion::criterion_group!(benches, super::bench);
}

criterion_main!(group::benches);
