//! Every kind of bad calendar or holiday file, with its rendered diagnostics.

mod calendar_support;

use calendar_support::{LIBUR_2026, includes};
use sigap_core::calendar::{BusinessCalendar, HolidayFile};

const HEAD: &str =
    "kind = \"calendar\"\nid = \"sumbar-biro-hukum\"\nlabel = \"Biro Hukum\"\ntime_zone = \"Asia/Jakarta\"\n";
const HOURS: &str = "[hours]\nmonday = [\"08:00-15:00\"]\nfriday = [\"08:00-11:30\", \"13:30-15:00\"]\n";

/// The diagnostics of loading `text` as a calendar, with `libur-2026.toml`
/// (the 2026 fixture) and `other.toml` available to include.
fn calendar(text: &str, other: &str) -> String {
    let files = [("libur-2026.toml", LIBUR_2026), ("other.toml", other)];
    match BusinessCalendar::load("biro-hukum.toml", text, &mut includes(&files)) {
        Ok(_) => "ok".to_owned(),
        Err(errors) => errors.to_string(),
    }
}

fn errors(text: &str) -> String {
    calendar(text, "")
}

fn holidays(text: &str) -> String {
    match HolidayFile::load("libur-2026.toml", text) {
        Ok(_) => "ok".to_owned(),
        Err(errors) => errors.to_string(),
    }
}

fn with(body: &str) -> String {
    errors(&format!("{HEAD}{body}"))
}

const HOLIDAY_HEAD: &str = "kind = \"holidays\"\nid = \"id-libur-nasional-2026\"\nlabel = \"Libur 2026\"\nyear = 2026\nsource = \"SKB 3 Menteri\"\n";

#[test]
fn the_fixtures_themselves_load() {
    assert_eq!(with(HOURS), "ok");
    assert_eq!(holidays(LIBUR_2026), "ok");
}

#[test]
fn syntax_error() {
    insta::assert_snapshot!(with("[hours]\nmonday = [\"08:00-15:00\"\n"), @r#"
    error[syntax]: this is not valid TOML: unclosed array, expected `]`
      --> biro-hukum.toml:6:24 (at (top level))
      |
    6 | monday = ["08:00-15:00"
      |                        ^
      = help: fix the TOML syntax here: strings need quotes, every key needs `= value`, tables are written `[name]` and lists of tables `[[name]]`

    1 error found
    "#);
}

#[test]
fn wrong_kind() {
    insta::assert_snapshot!(errors(LIBUR_2026), @r#"
    error[wrong-kind]: this is a holiday file (`kind = "holidays"`), not a calendar
      --> biro-hukum.toml:1:8 (at kind)
      |
    1 | kind = "holidays"
      |        ^^^^^^^^^^
      = help: load the calendar that includes it instead, or include it from a calendar: `include = ["path/to/this-file.toml"]`

    1 error found
    "#);
    insta::assert_snapshot!(errors("id = \"x\"\n"), @r#"
    error[wrong-kind]: this file has no `kind`; a calendar is expected here
      --> biro-hukum.toml:1:1 (at kind)
      |
    1 | id = "x"
      | ^
      = help: add `kind = "calendar"` at the top: a calendar file starts with `kind = "calendar"`

    1 error found
    "#);
    insta::assert_snapshot!(errors("kind = \"workflow\"\n"), @r#"
    error[wrong-kind]: `kind` is `workflow`, but a calendar is expected here
      --> biro-hukum.toml:1:8 (at kind)
      |
    1 | kind = "workflow"
      |        ^^^^^^^^^^
      = help: write `kind = "calendar"`: a calendar file starts with `kind = "calendar"`

    1 error found
    "#);
    insta::assert_snapshot!(holidays(&format!("{HEAD}{HOURS}")), @r#"
    error[wrong-kind]: this is a calendar (`kind = "calendar"`), not a holiday file
      --> libur-2026.toml:1:8 (at kind)
      |
    1 | kind = "calendar"
      |        ^^^^^^^^^^
      = help: a holiday file has `kind = "holidays"`, a `year` and a list of `[[holidays]]`; a calendar cannot include another calendar

    1 error found
    "#);
}

#[test]
fn unknown_key() {
    insta::assert_snapshot!(with(&format!("timezone = \"Asia/Jakarta\"\n{HOURS}")), @r#"
    error[unknown-key]: unknown key `timezone` in `(top level)`
      --> biro-hukum.toml:5:1 (at timezone)
      |
    5 | timezone = "Asia/Jakarta"
      | ^^^^^^^^
      = help: did you mean `time_zone`? keys allowed here: `kind`, `id`, `label`, `time_zone`, `include`, `hours`, `holidays` or `working_days`; unknown keys are rejected so that a typo never goes unnoticed

    1 error found
    "#);
}

#[test]
fn unknown_weekday() {
    insta::assert_snapshot!(with("[hours]\nmonday = [\"08:00-15:00\"]\nsenin = [\"08:00-15:00\"]\ntuesdy = [\"08:00-15:00\"]\n"), @r#"
    error[unknown-key]: unknown key `senin` in `hours`
      --> biro-hukum.toml:7:1 (at hours.senin)
      |
    7 | senin = ["08:00-15:00"]
      | ^^^^^
      = help: keys allowed here: `monday`, `tuesday`, `wednesday`, `thursday`, `friday`, `saturday` or `sunday`; unknown keys are rejected so that a typo never goes unnoticed

    error[unknown-key]: unknown key `tuesdy` in `hours`
      --> biro-hukum.toml:8:1 (at hours.tuesdy)
      |
    8 | tuesdy = ["08:00-15:00"]
      | ^^^^^^
      = help: did you mean `tuesday`? keys allowed here: `monday`, `tuesday`, `wednesday`, `thursday`, `friday`, `saturday` or `sunday`; unknown keys are rejected so that a typo never goes unnoticed

    2 errors found
    "#);
}

#[test]
fn missing_key() {
    insta::assert_snapshot!(errors(&format!("kind = \"calendar\"\nid = \"x\"\ntime_zone = \"Asia/Jakarta\"\n{HOURS}")), @r#"
    error[missing-key]: this file has no `label`
      --> biro-hukum.toml:1:1 (at label)
      |
    1 | kind = "calendar"
      | ^
      = help: add it at the top level (before the first `[table]`), e.g. `label = "Hari dan jam layanan Biro Hukum"`

    1 error found
    "#);
}

#[test]
fn wrong_type() {
    insta::assert_snapshot!(with("[hours]\nmonday = \"08:00-15:00\"\n"), @r#"
    error[wrong-type]: `hours.monday` has the wrong type: found string "08:00-15:00", expected a sequence
      --> biro-hukum.toml:6:10 (at hours.monday)
      |
    6 | monday = "08:00-15:00"
      |          ^^^^^^^^^^^^^
      = help: write `hours.monday` as a sequence

    1 error found
    "#);
}

#[test]
fn bad_id_and_empty_label() {
    let text =
        format!("kind = \"calendar\"\nid = \"Biro Hukum\"\nlabel = \" \"\ntime_zone = \"Asia/Jakarta\"\n{HOURS}");
    insta::assert_snapshot!(errors(&text), @r#"
    error[bad-id]: `Biro Hukum` is not a valid id
      --> biro-hukum.toml:2:6 (at id)
      |
    2 | id = "Biro Hukum"
      |      ^^^^^^^^^^^^
      = help: an id uses lowercase letters, digits and `-`, starting with a letter or digit, e.g. `biro-hukum`

    error[empty-text]: `label` is empty
      --> biro-hukum.toml:3:9 (at label)
      |
    3 | label = " "
      |         ^^^
      = help: write something a person can read here, e.g. `label = "Hari dan jam layanan Biro Hukum"`

    2 errors found
    "#);
}

#[test]
fn unknown_time_zone() {
    let text = HEAD.replace("Asia/Jakarta", "Asia/Jakart");
    insta::assert_snapshot!(errors(&format!("{text}{HOURS}")), @r#"
    error[unknown-time-zone]: `Asia/Jakart` is not a time zone
      --> biro-hukum.toml:4:13 (at time_zone)
      |
    4 | time_zone = "Asia/Jakart"
      |             ^^^^^^^^^^^^^
      = help: did you mean `Asia/Jakarta`? write an IANA time zone name such as `Asia/Jakarta` (WIB), `Asia/Makassar` (WITA) or `Asia/Jayapura` (WIT)

    1 error found
    "#);
    let text = HEAD.replace("Asia/Jakarta", "WIB");
    insta::assert_snapshot!(errors(&format!("{text}{HOURS}")), @r#"
    error[unknown-time-zone]: `WIB` is not a time zone
      --> biro-hukum.toml:4:13 (at time_zone)
      |
    4 | time_zone = "WIB"
      |             ^^^^^
      = help: did you mean `Asia/Jakarta`? write an IANA time zone name such as `Asia/Jakarta` (WIB), `Asia/Makassar` (WITA) or `Asia/Jayapura` (WIT)

    1 error found
    "#);
}

#[test]
fn bad_time_format() {
    insta::assert_snapshot!(with("[hours]\nmonday = [\"8:00-15:00\"]\ntuesday = [\"08:00-15:60\"]\nwednesday = [\"08.00-15.00\"]\n"), @r#"
    error[bad-time]: `hours.monday[0]`: `8:00` is not a time of day (HH:MM, 00:00–24:00)
      --> biro-hukum.toml:6:11 (at hours.monday[0])
      |
    6 | monday = ["8:00-15:00"]
      |           ^^^^^^^^^^^^
      = help: write a window as "HH:MM-HH:MM" in 24-hour local time, e.g. "08:00-15:00"; several windows a day are written as a list, e.g. ["08:00-11:30", "13:30-15:00"]

    error[bad-time]: `hours.tuesday[0]`: `15:60` is not a time of day (HH:MM, 00:00–24:00)
      --> biro-hukum.toml:7:12 (at hours.tuesday[0])
      |
    7 | tuesday = ["08:00-15:60"]
      |            ^^^^^^^^^^^^^
      = help: write a window as "HH:MM-HH:MM" in 24-hour local time, e.g. "08:00-15:00"; several windows a day are written as a list, e.g. ["08:00-11:30", "13:30-15:00"]

    error[bad-time]: `hours.wednesday[0]`: `08.00` is not a time of day (HH:MM, 00:00–24:00)
      --> biro-hukum.toml:8:14 (at hours.wednesday[0])
      |
    8 | wednesday = ["08.00-15.00"]
      |              ^^^^^^^^^^^^^
      = help: write a window as "HH:MM-HH:MM" in 24-hour local time, e.g. "08:00-15:00"; several windows a day are written as a list, e.g. ["08:00-11:30", "13:30-15:00"]

    3 errors found
    "#);
}

#[test]
fn window_end_not_after_start() {
    insta::assert_snapshot!(with("[hours]\nmonday = [\"08:00-08:00\"]\n"), @r#"
    error[empty-window]: `hours.monday[0]`: the window `08:00-08:00` closes when it opens
      --> biro-hukum.toml:6:11 (at hours.monday[0])
      |
    6 | monday = ["08:00-08:00"]
      |           ^^^^^^^^^^^^^
      = help: a window's end must be after its start, e.g. "08:00-15:00"; leave a closed day out of `[hours]`

    1 error found
    "#);
}

#[test]
fn window_past_midnight() {
    insta::assert_snapshot!(with("[hours]\nmonday = [\"22:00-02:00\"]\n"), @r#"
    error[window-past-midnight]: `hours.monday[0]`: the window `22:00-02:00` ends before it starts, i.e. it runs past midnight
      --> biro-hukum.toml:6:11 (at hours.monday[0])
      |
    6 | monday = ["22:00-02:00"]
      |           ^^^^^^^^^^^^^
      = help: a window ends on the day it starts: split it into two days, `22:00-24:00` on one day and `00:00-02:00` on the next

    1 error found
    "#);
}

#[test]
fn overlapping_windows() {
    insta::assert_snapshot!(with("[hours]\nmonday = [\"08:00-12:00\", \"11:00-15:00\"]\n"), @r#"
    error[overlapping-windows]: `11:00-15:00` overlaps `08:00-12:00` (hours.monday[0])
      --> biro-hukum.toml:6:26 (at hours.monday[1])
      |
    6 | monday = ["08:00-12:00", "11:00-15:00"]
      |                          ^^^^^^^^^^^^^
      = help: windows on one day must not share time: end the earlier one before the later one starts

    1 error found
    "#);
}

#[test]
fn touching_windows() {
    insta::assert_snapshot!(with("[hours]\nmonday = [\"08:00-12:00\", \"12:00-15:00\"]\n"), @r#"
    error[touching-windows]: `12:00-15:00` and `08:00-12:00` (hours.monday[0]) touch, with no break between them
      --> biro-hukum.toml:6:26 (at hours.monday[1])
      |
    6 | monday = ["08:00-12:00", "12:00-15:00"]
      |                          ^^^^^^^^^^^^^
      = help: write them as one window, "08:00-15:00"

    1 error found
    "#);
}

#[test]
fn windows_out_of_order() {
    insta::assert_snapshot!(with("[hours]\nfriday = [\"13:30-15:00\", \"08:00-11:30\"]\n"), @r#"
    error[windows-out-of-order]: `08:00-11:30` is listed after `13:30-15:00` (hours.friday[0]), which is later in the day
      --> biro-hukum.toml:6:26 (at hours.friday[1])
      |
    6 | friday = ["13:30-15:00", "08:00-11:30"]
      |                          ^^^^^^^^^^^^^
      = help: list a day's windows in the order of the day: ["08:00-11:30", "13:30-15:00"]

    1 error found
    "#);
}

#[test]
fn no_opening_hours() {
    insta::assert_snapshot!(with(""), @r#"
    error[no-hours]: this calendar is never open: `[hours]` gives no window on any day
      --> biro-hukum.toml:1:1 (at hours)
      |
    1 | kind = "calendar"
      | ^
      = help: add the weekly service hours, e.g. `[hours]` with `monday = ["08:00-15:00"]`; a day left out is closed

    1 error found
    "#);
    insta::assert_snapshot!(with("[hours]\nmonday = []\n"), @r#"
    error[no-hours]: this calendar is never open: `[hours]` gives no window on any day
      --> biro-hukum.toml:5:1 (at hours)
      |
    5 | [hours]
      | ^^^^^^^
      = help: add the weekly service hours, e.g. `[hours]` with `monday = ["08:00-15:00"]`; a day left out is closed

    1 error found
    "#);
}

#[test]
fn bad_date() {
    let text = format!(
        "{HOURS}\n[[holidays]]\ndate = \"2026-02-30\"\nname = \"x\"\n\n[[holidays]]\ndate = 2026-08-18T10:00:00\nname = \"y\"\n"
    );
    insta::assert_snapshot!(with(&text), @r#"
    error[invalid-value]: `holidays[0].date`: `2026-02-30` is not a date
      --> biro-hukum.toml:10:8 (at holidays[0].date)
       |
    10 | date = "2026-02-30"
       |        ^^^^^^^^^^^^
      = help: write a date as YYYY-MM-DD, e.g. 2026-01-01

    error[invalid-value]: `holidays[1].date`: `2026-08-18T10:00:00` has a time; a date is expected
      --> biro-hukum.toml:14:8 (at holidays[1].date)
       |
    14 | date = 2026-08-18T10:00:00
       |        ^^^^^^^^^^^^^^^^^^^
      = help: write a date as YYYY-MM-DD, e.g. 2026-01-01

    2 errors found
    "#);
    // A TOML date literal that does not exist is caught by the TOML parser.
    insta::assert_snapshot!(with(&format!("{HOURS}\n[[holidays]]\ndate = 2026-02-30\nname = \"z\"\n")), @"
    error[syntax]: this is not valid TOML: invalid date, expected day between 01 and 28
      --> biro-hukum.toml:10:8 (at (top level))
       |
    10 | date = 2026-02-30
       |        ^^^^^^^^^^
      = help: fix the TOML syntax here: strings need quotes, every key needs `= value`, tables are written `[name]` and lists of tables `[[name]]`

    1 error found
    ");
}

#[test]
fn date_outside_the_covered_years() {
    insta::assert_snapshot!(with(&format!("{HOURS}\n[[holidays]]\ndate = 2226-08-18\nname = \"x\"\n")), @"
    error[date-out-of-range]: 2226-08-18 is outside the years a calendar covers (1900–2199)
      --> biro-hukum.toml:10:8 (at holidays[0].date)
       |
    10 | date = 2226-08-18
       |        ^^^^^^^^^^
      = help: check the year: dates from 1900 to 2199 are supported

    1 error found
    ");
}

#[test]
fn from_after_to() {
    insta::assert_snapshot!(with(&format!("{HOURS}\n[[holidays]]\nfrom = 2026-03-24\nto = 2026-03-20\nname = \"Cuti bersama\"\n")), @"
    error[from-after-to]: `holidays[0]` ends (2026-03-20) before it starts (2026-03-24)
      --> biro-hukum.toml:11:6 (at holidays[0].to)
       |
    11 | to = 2026-03-20
       |      ^^^^^^^^^^
      = help: `from` is the first day and `to` the last (both included): swap them, or fix the dates

    1 error found
    ");
}

#[test]
fn both_date_and_period() {
    insta::assert_snapshot!(with(&format!("{HOURS}\n[[holidays]]\ndate = 2026-03-20\nfrom = 2026-03-20\nto = 2026-03-24\nname = \"Cuti bersama\"\n")), @"
    error[date-and-range]: `holidays[0]` has both `date` and `from`/`to`
      --> biro-hukum.toml:10:8 (at holidays[0].date)
       |
    10 | date = 2026-03-20
       |        ^^^^^^^^^^
      = help: write a single day as `date = …` or a period as `from = …` and `to = …` (both included), not both

    1 error found
    ");
}

#[test]
fn half_a_period() {
    insta::assert_snapshot!(with(&format!("{HOURS}\n[[holidays]]\nfrom = 2026-03-20\nname = \"Cuti bersama\"\n")), @"
    error[half-period]: `holidays[0]` has `from` but no `to`
      --> biro-hukum.toml:10:8 (at holidays[0].from)
       |
    10 | from = 2026-03-20
       |        ^^^^^^^^^^
      = help: add `to = …` (a period includes both ends), or write a single day as `date = …`

    1 error found
    ");
}

#[test]
fn neither_date_nor_period() {
    insta::assert_snapshot!(with(&format!("{HOURS}\n[[holidays]]\nname = \"Cuti bersama\"\n")), @"
    error[no-date]: `holidays[0]` has no date
      --> biro-hukum.toml:9:1 (at holidays[0])
      |
    9 | [[holidays]]
      | ^^^^^^^^^^^^
      = help: add `date = 2026-08-17` for one day, or `from = …` and `to = …` for a period (both included)

    1 error found
    ");
}

#[test]
fn period_too_long() {
    insta::assert_snapshot!(with(&format!("{HOURS}\n[[holidays]]\nfrom = 2026-01-01\nto = 2027-06-30\nname = \"Renovasi\"\n")), @"
    error[period-too-long]: `holidays[0]` spans 546 days, from 2026-01-01 to 2027-06-30
      --> biro-hukum.toml:11:6 (at holidays[0].to)
       |
    11 | to = 2027-06-30
       |      ^^^^^^^^^^
      = help: a holiday period covers at most 366 days; check the dates

    1 error found
    ");
}

#[test]
fn unknown_holiday_type() {
    insta::assert_snapshot!(with(&format!("{HOURS}\n[[holidays]]\ndate = 2026-08-18\nname = \"x\"\ntype = \"nasional\"\n")), @r#"
    error[unknown-value]: `holidays[0].type` cannot be `nasional`
      --> biro-hukum.toml:12:8 (at holidays[0].type)
       |
    12 | type = "nasional"
       |        ^^^^^^^^^^
      = help: did you mean `national`? use one of `national`, `collective_leave`, `regional` or `local`

    1 error found
    "#);
}

#[test]
fn date_listed_twice() {
    let text = format!(
        "{HOURS}\n[[holidays]]\nfrom = 2026-08-17\nto = 2026-08-19\nname = \"a\"\n\n[[holidays]]\ndate = 2026-08-19\nname = \"b\"\n"
    );
    insta::assert_snapshot!(with(&text), @"
    error[duplicate-date]: 2026-08-19 is listed twice: here and in `holidays[0]`
      --> biro-hukum.toml:15:8 (at holidays[1].date)
       |
    15 | date = 2026-08-19
       |        ^^^^^^^^^^
      = help: list each day once: remove one of the entries, or shorten the period

    1 error found
    ");
}

#[test]
fn local_holiday_already_in_an_included_file() {
    let text =
        format!("{HEAD}include = [\"libur-2026.toml\"]\n{HOURS}\n[[holidays]]\ndate = 2026-08-17\nname = \"HUT RI\"\n");
    insta::assert_snapshot!(errors(&text), @"
    error[duplicate-date]: 2026-08-17 is already a holiday in `indonesia/libur-2026.toml` (“Hari Proklamasi Kemerdekaan Republik Indonesia”)
      --> biro-hukum.toml:11:8 (at holidays[0].date)
       |
    11 | date = 2026-08-17
       |        ^^^^^^^^^^
      = help: remove this entry (or this day from the period): the included file already closes that day

    1 error found
    ");
}

#[test]
fn two_included_files_list_the_same_day() {
    let other = LIBUR_2026.replace("id-libur-nasional-2026", "id-libur-lain-2026");
    let text = format!("{HEAD}include = [\"libur-2026.toml\", \"other.toml\"]\n{HOURS}");
    insta::assert_snapshot!(calendar(&text, &other), @r#"
    error[duplicate-date]: `indonesia/other.toml` lists 2026-01-01 (and 12 more days), which `indonesia/libur-2026.toml` already lists
      --> biro-hukum.toml:5:31 (at include[1])
      |
    5 | include = ["libur-2026.toml", "other.toml"]
      |                               ^^^^^^^^^^^^
      = help: a day may be a holiday in one included file only: include each year's file once, and fix the overlapping files

    1 error found
    "#);
}

#[test]
fn included_twice() {
    insta::assert_snapshot!(with(&format!("include = [\"libur-2026.toml\", \"libur-2026.toml\"]\n{HOURS}")), @r#"
    error[duplicate-include]: `libur-2026.toml` is included twice (also `include[0]`)
      --> biro-hukum.toml:5:31 (at include[1])
      |
    5 | include = ["libur-2026.toml", "libur-2026.toml"]
      |                               ^^^^^^^^^^^^^^^^^
      = help: include each holiday file once: remove this entry

    1 error found
    "#);
}

#[test]
fn include_cannot_be_read() {
    insta::assert_snapshot!(with(&format!("include = [\"libur-2027.toml\"]\n{HOURS}")), @r#"
    error[include-unreadable]: cannot read the included file `libur-2027.toml`: no such file
      --> biro-hukum.toml:5:12 (at include[0])
      |
    5 | include = ["libur-2027.toml"]
      |            ^^^^^^^^^^^^^^^^^
      = help: check the path: it is relative to this calendar file, e.g. `../indonesia/libur-nasional-2026.toml`

    1 error found
    "#);
}

#[test]
fn include_is_not_a_holiday_file() {
    let other = format!("{HEAD}{HOURS}");
    insta::assert_snapshot!(calendar(&format!("{HEAD}include = [\"other.toml\"]\n{HOURS}"), &other), @r#"
    error[include-not-holidays]: `other.toml` is not a holiday file (its `kind` is `calendar`)
      --> biro-hukum.toml:5:12 (at include[0])
      |
    5 | include = ["other.toml"]
      |            ^^^^^^^^^^^^
      = help: `include` lists holiday files (`kind = "holidays"`) only: remove this entry or point it at a holiday file

    1 error found
    "#);
    insta::assert_snapshot!(calendar(&format!("{HEAD}include = [\"other.toml\"]\n{HOURS}"), "year = 2026\n"), @r#"
    error[include-not-holidays]: `other.toml` is not a holiday file (it has no `kind`)
      --> biro-hukum.toml:5:12 (at include[0])
      |
    5 | include = ["other.toml"]
      |            ^^^^^^^^^^^^
      = help: `include` lists holiday files (`kind = "holidays"`) only: remove this entry or point it at a holiday file

    1 error found
    "#);
}

#[test]
fn errors_inside_an_included_file_point_into_it() {
    let other = format!("{HOLIDAY_HEAD}\n[[holidays]]\ndate = 2025-12-31\nname = \"Malam tahun baru\"\n");
    insta::assert_snapshot!(calendar(&format!("{HEAD}include = [\"other.toml\"]\n{HOURS}"), &other), @"
    error[outside-year]: 2025-12-31 is outside this file's year, 2026
      --> indonesia/other.toml:8:8 (at holidays[0].date)
      |
    8 | date = 2025-12-31
      |        ^^^^^^^^^^
      = help: a holiday file lists one year (`year = 2026` at the top): fix the date, or move the holiday to the file for 2025

    1 error found
    ");
    insta::assert_snapshot!(calendar(&format!("{HEAD}include = [\"other.toml\"]\n{HOURS}"), "kind = \"holidays\"\nyear = "), @"
    error[syntax]: this is not valid TOML: string values must be quoted, expected literal string
      --> indonesia/other.toml:2:8 (at (top level))
      |
    2 | year = 
      |        ^
      = help: fix the TOML syntax here: strings need quotes, every key needs `= value`, tables are written `[name]` and lists of tables `[[name]]`

    1 error found
    ");
}

#[test]
fn working_day_needs_hours() {
    let text = format!(
        "{HOURS}\n[[working_days]]\ndate = 2026-02-14\nname = \"Hari kerja pengganti\"\n\n[[working_days]]\ndate = 2026-02-21\nname = \"x\"\nhours = []\n"
    );
    insta::assert_snapshot!(with(&text), @r#"
    error[working-day-needs-hours]: 2026-02-14 is a Saturday, which has no hours in `[hours]`, so this working day needs its own
      --> biro-hukum.toml:10:8 (at working_days[0].date)
       |
    10 | date = 2026-02-14
       |        ^^^^^^^^^^
      = help: add the windows of that day to this entry, e.g. `hours = ["08:00-12:00"]`

    error[working-day-needs-hours]: `working_days[1].hours` is empty
      --> biro-hukum.toml:16:9 (at working_days[1].hours)
       |
    16 | hours = []
       |         ^^
      = help: give the windows of that day, e.g. `hours = ["08:00-12:00"]`, or leave `hours` out to use the usual hours of that weekday

    2 errors found
    "#);
}

#[test]
fn working_day_on_a_local_holiday() {
    let text = format!(
        "{HOURS}\n[[holidays]]\ndate = 2026-08-18\nname = \"Libur daerah\"\n\n[[working_days]]\ndate = 2026-08-18\nname = \"Masuk\"\n"
    );
    insta::assert_snapshot!(with(&text), @"
    error[working-day-on-holiday]: 2026-08-18 is both a working day and a holiday of this calendar (`holidays[0]`, “Libur daerah”)
      --> biro-hukum.toml:14:8 (at working_days[0].date)
       |
    14 | date = 2026-08-18
       |        ^^^^^^^^^^
      = help: remove one of the two entries: a day cannot be both (a working day may override a holiday from an included file, not one listed here)

    1 error found
    ");
}

#[test]
fn working_day_listed_twice_with_bad_hours() {
    let text = format!(
        "{HOURS}\n[[working_days]]\ndate = 2026-02-14\nname = \"a\"\nhours = [\"08:00-12:00\"]\n\n[[working_days]]\ndate = 2026-02-14\nname = \"b\"\nhours = [\"08:00-12:00\"]\n\n[[working_days]]\ndate = 2026-02-28\nname = \"c\"\nhours = [\"12:00-08:00\"]\n"
    );
    insta::assert_snapshot!(with(&text), @r#"
    error[duplicate-date]: 2026-02-14 is listed twice: here and in `working_days[0]`
      --> biro-hukum.toml:15:8 (at working_days[1].date)
       |
    15 | date = 2026-02-14
       |        ^^^^^^^^^^
      = help: list each working day once: remove one of the entries

    error[window-past-midnight]: `working_days[2].hours[0]`: the window `12:00-08:00` ends before it starts, i.e. it runs past midnight
      --> biro-hukum.toml:22:10 (at working_days[2].hours[0])
       |
    22 | hours = ["12:00-08:00"]
       |          ^^^^^^^^^^^^^
      = help: a window ends on the day it starts: split it into two days, `12:00-24:00` on one day and `00:00-08:00` on the next

    2 errors found
    "#);
}

#[test]
fn several_problems_at_once() {
    let text = "kind = \"calendar\"\nid = \"sumbar\"\nlabel = \"Biro Hukum\"\ntime_zone = \"Asia/Jakart\"\n\n[hours]\nmonday = [\"08:00-15:00\", \"14:00-16:00\"]\ntuesday = [\"22:00-02:00\"]\n\n[[holidays]]\nfrom = 2026-03-24\nto = 2026-03-20\nname = \"Cuti bersama\"\n";
    insta::assert_snapshot!(errors(text), @r#"
    error[unknown-time-zone]: `Asia/Jakart` is not a time zone
      --> biro-hukum.toml:4:13 (at time_zone)
      |
    4 | time_zone = "Asia/Jakart"
      |             ^^^^^^^^^^^^^
      = help: did you mean `Asia/Jakarta`? write an IANA time zone name such as `Asia/Jakarta` (WIB), `Asia/Makassar` (WITA) or `Asia/Jayapura` (WIT)

    error[overlapping-windows]: `14:00-16:00` overlaps `08:00-15:00` (hours.monday[0])
      --> biro-hukum.toml:7:26 (at hours.monday[1])
      |
    7 | monday = ["08:00-15:00", "14:00-16:00"]
      |                          ^^^^^^^^^^^^^
      = help: windows on one day must not share time: end the earlier one before the later one starts

    error[window-past-midnight]: `hours.tuesday[0]`: the window `22:00-02:00` ends before it starts, i.e. it runs past midnight
      --> biro-hukum.toml:8:12 (at hours.tuesday[0])
      |
    8 | tuesday = ["22:00-02:00"]
      |            ^^^^^^^^^^^^^
      = help: a window ends on the day it starts: split it into two days, `22:00-24:00` on one day and `00:00-02:00` on the next

    error[from-after-to]: `holidays[0]` ends (2026-03-20) before it starts (2026-03-24)
      --> biro-hukum.toml:12:6 (at holidays[0].to)
       |
    12 | to = 2026-03-20
       |      ^^^^^^^^^^
      = help: `from` is the first day and `to` the last (both included): swap them, or fix the dates

    4 errors found
    "#);
}

#[test]
fn holiday_outside_its_files_year() {
    let text = format!(
        "{HOLIDAY_HEAD}\n[[holidays]]\ndate = 2025-12-31\nname = \"a\"\ntype = \"national\"\n\n[[holidays]]\nfrom = 2026-12-31\nto = 2027-01-02\nname = \"b\"\n"
    );
    insta::assert_snapshot!(holidays(&text), @"
    error[outside-year]: 2025-12-31 is outside this file's year, 2026
      --> libur-2026.toml:8:8 (at holidays[0].date)
      |
    8 | date = 2025-12-31
      |        ^^^^^^^^^^
      = help: a holiday file lists one year (`year = 2026` at the top): fix the date, or move the holiday to the file for 2025

    error[outside-year]: 2027-01-02 is outside this file's year, 2026
      --> libur-2026.toml:14:6 (at holidays[1].to)
       |
    14 | to = 2027-01-02
       |      ^^^^^^^^^^
      = help: a holiday file lists one year (`year = 2026` at the top): fix the date, or move the holiday to the file for 2027

    2 errors found
    ");
}

#[test]
fn holiday_file_header_problems() {
    let text = "kind = \"holidays\"\nid = \"libur_2026\"\nlabel = \"Libur\"\nyear = 26\nsource = \"\"\nsource_url = \"www.menpan.go.id\"\n";
    insta::assert_snapshot!(holidays(text), @r#"
    error[bad-id]: `libur_2026` is not a valid id
      --> libur-2026.toml:2:6 (at id)
      |
    2 | id = "libur_2026"
      |      ^^^^^^^^^^^^
      = help: an id uses lowercase letters, digits and `-`, starting with a letter or digit, e.g. `libur-2026`

    error[year-out-of-range]: `year = 26` is outside the years a calendar covers (1900–2199)
      --> libur-2026.toml:4:8 (at year)
      |
    4 | year = 26
      |        ^^
      = help: write the year the holidays fall in, e.g. `year = 2026`

    error[empty-text]: `source` is empty
      --> libur-2026.toml:5:10 (at source)
      |
    5 | source = ""
      |          ^^
      = help: write something a person can read here, e.g. the decree: `source = "Keputusan Bersama … Nomor …"`

    error[bad-url]: `www.menpan.go.id` is not a web address
      --> libur-2026.toml:6:14 (at source_url)
      |
    6 | source_url = "www.menpan.go.id"
      |              ^^^^^^^^^^^^^^^^^^
      = help: write the full address, starting with `https://`, or leave `source_url` out

    4 errors found
    "#);
    insta::assert_snapshot!(holidays("kind = \"holidays\"\nid = \"x\"\nlabel = \"x\"\nyear = 2026\n"), @r#"
    error[missing-key]: this file has no `source`
      --> libur-2026.toml:1:1 (at source)
      |
    1 | kind = "holidays"
      | ^
      = help: add it at the top level (before the first `[table]`), e.g. the decree: `source = "Keputusan Bersama … Nomor …"`

    1 error found
    "#);
}
