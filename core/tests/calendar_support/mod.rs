//! Shared fixtures for the calendar tests.
#![allow(dead_code, unreachable_pub)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use sigap_core::calendar::BusinessCalendar;

/// Indonesia's national holidays and collective leave for 2026, as a test
/// fixture (transcribed for tests, not an authoritative list).
pub const LIBUR_2026: &str = r#"kind = "holidays"
id = "id-libur-nasional-2026"
label = "Hari Libur Nasional dan Cuti Bersama Tahun 2026"
year = 2026
source = "Keputusan Bersama Menteri Agama, Menteri Ketenagakerjaan, dan Menteri PANRB (fixture)"

[[holidays]]
date = 2026-01-01
name = "Tahun Baru 2026 Masehi"
type = "national"

[[holidays]]
date = 2026-01-16
name = "Isra Mikraj Nabi Muhammad SAW"
type = "national"

[[holidays]]
date = 2026-02-16
name = "Cuti bersama Tahun Baru Imlek"
type = "collective_leave"

[[holidays]]
date = 2026-02-17
name = "Tahun Baru Imlek 2577 Kongzili"
type = "national"

[[holidays]]
date = 2026-03-18
name = "Cuti bersama Hari Suci Nyepi"
type = "collective_leave"

[[holidays]]
date = 2026-03-19
name = "Hari Suci Nyepi Tahun Baru Saka 1948"
type = "national"

[[holidays]]
date = 2026-03-20
name = "Cuti bersama Idulfitri 1447 H"
type = "collective_leave"

[[holidays]]
from = 2026-03-21
to = 2026-03-22
name = "Hari Raya Idulfitri 1447 H"
type = "national"

[[holidays]]
from = 2026-03-23
to = 2026-03-24
name = "Cuti bersama Idulfitri 1447 H"
type = "collective_leave"

[[holidays]]
date = 2026-08-17
name = "Hari Proklamasi Kemerdekaan Republik Indonesia"
type = "national"

[[holidays]]
date = 2026-12-25
name = "Hari Raya Natal"
type = "national"
"#;

/// The West Sumatra legal bureau: 08:00–15:00 Monday to Friday, WIB.
pub const SUMBAR: &str = r#"kind = "calendar"
id = "sumbar-biro-hukum"
label = "Hari dan jam layanan Biro Hukum Setda Provinsi Sumatera Barat"
time_zone = "Asia/Jakarta"
include = ["../indonesia/libur-nasional-2026.toml"]

[hours]
monday = ["08:00-15:00"]
tuesday = ["08:00-15:00"]
wednesday = ["08:00-15:00"]
thursday = ["08:00-15:00"]
friday = ["08:00-15:00"]
"#;

/// Resolves includes from a fixed list of `(path, text)`.
pub fn includes<'a>(files: &'a [(&'a str, &'a str)]) -> impl FnMut(&str) -> Result<(String, String), String> + 'a {
    move |path: &str| {
        files
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(p, text)| (format!("indonesia/{}", p.rsplit('/').next().unwrap_or(p)), (*text).to_owned()))
            .ok_or_else(|| "no such file".to_owned())
    }
}

/// Loads a calendar whose includes may name the 2026 holiday file.
pub fn load(text: &str) -> BusinessCalendar {
    let files = [("../indonesia/libur-nasional-2026.toml", LIBUR_2026)];
    match BusinessCalendar::load("calendar.toml", text, &mut includes(&files)) {
        Ok(calendar) => calendar,
        Err(errors) => panic!("{errors}"),
    }
}

/// The Sumbar calendar with `extra` appended to the file.
pub fn sumbar_with(extra: &str) -> BusinessCalendar {
    load(&format!("{SUMBAR}\n{extra}"))
}

/// A local wall-clock instant in `tz`, the first if it repeats.
pub fn local(tz: Tz, date: &str, time: &str) -> DateTime<Utc> {
    let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
    let time = chrono::NaiveTime::parse_from_str(time, "%H:%M:%S")
        .or_else(|_| chrono::NaiveTime::parse_from_str(time, "%H:%M"))
        .unwrap();
    tz.from_local_datetime(&date.and_time(time)).earliest().unwrap().with_timezone(&Utc)
}

/// A WIB wall-clock instant: `wib("2026-07-07", "10:00")`.
pub fn wib(date: &str, time: &str) -> DateTime<Utc> {
    local(Tz::Asia__Jakarta, date, time)
}

/// An instant shown as WIB wall-clock time, `2026-07-08 10:00:00 Wed`.
pub fn show(t: DateTime<Utc>) -> String {
    t.with_timezone(&Tz::Asia__Jakarta).format("%Y-%m-%d %H:%M:%S %a").to_string()
}
pub mod model;
