//! No input makes the loaders panic, and every diagnostic is located.

mod calendar_support;

use calendar_support::LIBUR_2026;
use chrono::{DateTime, TimeDelta, Utc};
use proptest::prelude::*;
use sigap_core::calendar::{BusinessCalendar, HolidayFile};
use sigap_core::{Diagnostics, WorkDuration};

fn assert_located(errors: &Diagnostics) {
    assert!(!errors.is_empty());
    for d in errors.iter() {
        assert!(d.line >= 1 || !d.path.is_root(), "unlocated diagnostic:\n{d}");
    }
    let _ = errors.to_string();
}

/// Loads `text` both ways, with includes answered from `included`.
fn check(text: &str, included: &str) {
    match HolidayFile::load("h.toml", text) {
        Ok(file) => assert!(file.days().count() < 100_000),
        Err(errors) => assert_located(&errors),
    }
    let mut include = |path: &str| match path.len() % 3 {
        0 => Ok(("fixture.toml".to_owned(), LIBUR_2026.to_owned())),
        1 => Ok(("random.toml".to_owned(), included.to_owned())),
        _ => Err("not found".to_owned()),
    };
    match BusinessCalendar::load("c.toml", text, &mut include) {
        Ok(calendar) => exercise(&calendar),
        Err(errors) => assert_located(&errors),
    }
}

/// A loaded calendar answers without panicking.
fn exercise(calendar: &BusinessCalendar) {
    let t = DateTime::<Utc>::from_timestamp(1_780_000_000, 0).unwrap();
    for d in ["0m", "45m", "3h", "1wd", "10wd"] {
        let d: WorkDuration = d.parse().unwrap();
        if let Ok(u) = calendar.add(t, d) {
            assert!(u >= t);
            if d.as_minutes().is_some() {
                assert_eq!(calendar.working_time_between(t, u), TimeDelta::minutes(d.as_minutes().unwrap() as i64));
            }
        }
    }
    let _ = calendar.working_minutes_between(t, t + TimeDelta::days(40));
    let _ = calendar.next_opening(t);
    let _ = serde_json::to_string(calendar).unwrap();
}

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("kind"),
        Just("id"),
        Just("label"),
        Just("time_zone"),
        Just("include"),
        Just("hours"),
        Just("monday"),
        Just("friday"),
        Just("saturday"),
        Just("holidays"),
        Just("working_days"),
        Just("date"),
        Just("from"),
        Just("to"),
        Just("name"),
        Just("type"),
        Just("year"),
        Just("source"),
        Just("source_url"),
        Just("note"),
        Just("x"),
        Just("a b"),
    ]
    .prop_map(str::to_owned)
}

fn text_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("calendar"),
        Just("holidays"),
        Just("sumbar-biro"),
        Just("Asia/Jakarta"),
        Just("Asia/Jakart"),
        Just("Europe/Berlin"),
        Just("08:00-15:00"),
        Just("13:30-15:00"),
        Just("08:00-12:00"),
        Just("12:00-08:00"),
        Just("00:00-24:00"),
        Just("25:00-26:00"),
        Just("2026-01-01"),
        Just("2026-02-30"),
        Just("national"),
        Just("collective_leave"),
        Just("fixture.toml"),
        Just("ab"),
        Just("https://x"),
        Just(""),
    ]
    .prop_map(str::to_owned)
    .boxed()
    .prop_union(".{0,8}".boxed())
}

/// A TOML value, written out.
fn value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        text_value().prop_map(|s| serde_json::to_string(&s).unwrap()),
        any::<i64>().prop_map(|i| i.to_string()),
        (1890i32..2210).prop_map(|y| y.to_string()),
        any::<bool>().prop_map(|b| b.to_string()),
        (-1e6f64..1e6).prop_map(|f| format!("{f:.3}")),
        (1899i32..2202, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        (2020i32..2030, 1u32..13, 1u32..29, 0u32..24)
            .prop_map(|(y, m, d, h)| format!("{y:04}-{m:02}-{d:02}T{h:02}:00:00")),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(|items| format!("[{}]", items.join(", "))),
            prop::collection::vec((word(), inner), 0..4).prop_map(|pairs| {
                let body: Vec<String> = pairs.iter().map(|(k, v)| format!("{} = {v}", key(k))).collect();
                format!("{{{}}}", body.join(", "))
            }),
        ]
    })
}

fn key(k: &str) -> String {
    if k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') { k.to_owned() } else { format!("{k:?}") }
}

fn pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::btree_map(word(), value(), 0..6).prop_map(|m| m.into_iter().collect())
}

fn body(pairs: &[(String, String)]) -> String {
    pairs.iter().map(|(k, v)| format!("{} = {v}\n", key(k))).collect()
}

/// A structurally random TOML document, usually starting with a real `kind`.
fn document() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just("kind = \"calendar\"\n"), Just("kind = \"holidays\"\n"), Just("")],
        pairs(),
        prop::collection::btree_map(word(), pairs(), 0..3),
        prop::collection::btree_map(word(), prop::collection::vec(pairs(), 0..3), 0..3),
    )
        .prop_map(|(kind, top, tables, arrays)| {
            let mut top = top;
            top.retain(|(k, _)| !tables.contains_key(k) && !arrays.contains_key(k) && (kind.is_empty() || k != "kind"));
            let mut text = format!("{kind}{}", body(&top));
            for (name, table) in tables.iter().filter(|(name, _)| !arrays.contains_key(*name)) {
                text.push_str(&format!("\n[{}]\n{}", key(name), body(table)));
            }
            for (name, entries) in arrays {
                for entry in entries {
                    text.push_str(&format!("\n[[{}]]\n{}", key(&name), body(&entry)));
                }
            }
            text
        })
}

fn window() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => (0u16..24, prop_oneof![Just(0u16), Just(30)], 1u16..10).prop_map(|(h, m, len)| {
            let close = (h * 60 + m + len * 60).min(1440);
            format!("{:02}:{:02}-{:02}:{:02}", h, m, close / 60, close % 60)
        }),
        1 => text_value(),
    ]
}

/// One day's windows: usually sorted and apart, sometimes anything.
fn day_windows() -> impl Strategy<Value = Vec<String>> {
    prop_oneof![
        6 => prop::collection::vec((1u16..5, 1u16..6), 0..3).prop_map(|parts| {
            let mut at = 5 * 60;
            let mut windows = Vec::new();
            for (gap, len) in parts {
                let open = at + gap * 30;
                let close = (open + len * 60).min(1440);
                if open >= close {
                    break;
                }
                windows.push(format!("{:02}:{:02}-{:02}:{:02}", open / 60, open % 60, close / 60, close % 60));
                at = close;
            }
            windows
        }),
        1 => prop::collection::vec(window(), 0..3),
    ]
}

fn date_literal() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (2025i32..2028, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        1 => value(),
    ]
}

fn holiday_entry() -> impl Strategy<Value = String> {
    let kind = prop_oneof![Just("national"), Just("collective_leave"), Just("local")]
        .prop_map(|k| format!("type = \"{k}\"\n"));
    prop_oneof![
        7 => (date_literal(), kind.clone()).prop_map(|(d, k)| format!("date = {d}\nname = \"Libur\"\n{k}")),
        2 => (date_literal(), date_literal(), kind).prop_map(|(f, t, k)| format!("from = {f}\nto = {t}\nname = \"Cuti\"\n{k}")),
        1 => entry(&["date", "from", "to", "name", "type"]),
    ]
}

fn working_day_entry() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (date_literal(), prop::option::weighted(0.8, day_windows()))
            .prop_map(|(d, h)| format!("date = {d}\nname = \"Masuk\"\n{}", h.map(|h| format!("hours = {h:?}\n")).unwrap_or_default())),
        1 => entry(&["date", "name", "hours"]),
    ]
}

fn entry(keys: &'static [&'static str]) -> impl Strategy<Value = String> {
    let field = |k: &'static str| -> BoxedStrategy<Option<String>> {
        let v: BoxedStrategy<String> = match k {
            "date" | "from" | "to" => date_literal().boxed(),
            "hours" => prop::collection::vec(window(), 0..3).prop_map(|w| format!("{w:?}")).boxed(),
            _ => value().boxed(),
        };
        prop::option::weighted(0.7, v).prop_map(move |v| v.map(|v| format!("{k} = {v}\n"))).boxed()
    };
    keys.iter().map(|k| field(k)).collect::<Vec<_>>().prop_map(|fields| fields.into_iter().flatten().collect())
}

/// A calendar-shaped document: each part valid or random.
fn calendar_like() -> impl Strategy<Value = String> {
    let zone = prop_oneof![
        4 => Just("Asia/Jakarta"),
        1 => Just("Asia/Makassar"),
        1 => Just("Europe/Berlin"),
        1 => Just("America/New_York"),
        1 => Just("Asia/Jakart"),
    ];
    let include = prop_oneof![
        3 => Just(""),
        3 => Just("include = [\"abc\"]\n"),
        1 => Just("include = [\"a\"]\n"),
        1 => Just("include = [\"abc\", \"ab\"]\n"),
    ];
    let days = prop::collection::vec(prop::option::weighted(0.6, day_windows()), 7);
    (
        zone,
        include,
        days,
        prop::collection::vec(holiday_entry(), 0..4),
        prop::collection::vec(working_day_entry(), 0..3),
    )
        .prop_map(|(zone, include, days, holidays, working_days)| {
            let mut text =
                format!("kind = \"calendar\"\nid = \"c\"\nlabel = \"C\"\ntime_zone = \"{zone}\"\n{include}\n[hours]\n");
            let names = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
            for (name, day) in names.iter().zip(days) {
                if let Some(windows) = day {
                    text.push_str(&format!("{name} = {windows:?}\n"));
                }
            }
            for h in holidays {
                text.push_str(&format!("\n[[holidays]]\n{h}"));
            }
            for w in working_days {
                text.push_str(&format!("\n[[working_days]]\n{w}"));
            }
            text
        })
}

/// A holiday-file-shaped document.
fn holidays_like() -> impl Strategy<Value = String> {
    (prop_oneof![3 => Just("2026".to_owned()), 1 => value()], prop::collection::vec(holiday_entry(), 0..5)).prop_map(
        |(year, holidays)| {
            let mut text = format!("kind = \"holidays\"\nid = \"h\"\nlabel = \"H\"\nyear = {year}\nsource = \"SKB\"\n");
            for h in holidays {
                text.push_str(&format!("\n[[holidays]]\n{h}"));
            }
            text
        },
    )
}

/// A nearly valid calendar with one line changed, to reach the deeper checks.
fn mutated_calendar() -> impl Strategy<Value = String> {
    let base = "kind = \"calendar\"\nid = \"sumbar\"\nlabel = \"Biro\"\ntime_zone = \"Asia/Jakarta\"\ninclude = [\"abc\"]\n\n[hours]\nmonday = [\"08:00-15:00\"]\nfriday = [\"08:00-11:30\", \"13:30-15:00\"]\n\n[[holidays]]\ndate = 2026-08-18\nname = \"Libur\"\n\n[[working_days]]\ndate = 2026-01-16\nname = \"Masuk\"\n";
    let lines: Vec<String> = base.lines().map(str::to_owned).collect();
    let n = lines.len();
    (0..n, word(), value()).prop_map(move |(i, k, v)| {
        let mut lines = lines.clone();
        lines[i] = format!("{} = {v}", key(&k));
        lines.join("\n")
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings(text in any::<String>(), other in any::<String>()) {
        check(&text, &other);
    }

    #[test]
    fn toml_like_lines(text in "((\\[\\[?[a-z_]{1,8}\\]\\]?|[a-z_]{1,10} ?= ?(\"[^\"\\\\]{0,12}\"|[0-9:-]{1,12}|\\[\\]|\\{\\}))\n){0,10}") {
        check(&text, &text);
    }

    #[test]
    fn random_documents(text in document(), other in document()) {
        check(&text, &other);
    }

    #[test]
    fn calendar_shaped_documents(text in calendar_like(), other in holidays_like()) {
        check(&text, &other);
    }

    #[test]
    fn holiday_file_shaped_documents(text in holidays_like(), other in holidays_like()) {
        check(&text, &other);
    }

    #[test]
    fn mutated_calendars(text in mutated_calendar(), other in document()) {
        check(&text, &other);
    }
}
