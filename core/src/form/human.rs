//! How values are written for people inside messages: quoted user text,
//! dates, sizes and lists, in Bahasa Indonesia and in English.

use chrono::{Datelike, NaiveDate};

/// The language of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    /// Bahasa Indonesia.
    Id,
    /// English.
    En,
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The longest piece of user text echoed back in a message, in characters.
const QUOTE_MAX: usize = 40;

/// A label or a piece of user text in typographic quotes: control and
/// invisible characters shown as `�`, cut after [`QUOTE_MAX`] characters.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::from("“");
    for (i, c) in text.chars().enumerate() {
        if i == QUOTE_MAX {
            out.push('…');
            break;
        }
        out.push(if c.is_control() || is_invisible(c) { '�' } else { c });
    }
    out.push('”');
    out
}

/// A field's label in quotes (labels are written by the workflow's author,
/// so they are never cut).
pub(crate) fn label(text: &str) -> String {
    format!("“{text}”")
}

/// Characters that change how text is shown without being visible:
/// zero-width characters and bidirectional overrides (which can make
/// `gpj.exe` look like `exe.jpg`).
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'
    )
}

/// The name of a month (1–12), or its number if out of range.
pub(crate) fn month_name(month: u32, lang: Lang) -> String {
    if !(1..=12).contains(&month) {
        return month.to_string();
    }
    match lang {
        Lang::Id => crate::text::month_name(month).to_owned(),
        Lang::En => MONTHS_EN[(month - 1) as usize].to_owned(),
    }
}

/// A date as people write it: `14 April 1982`.
pub(crate) fn date(date: NaiveDate, lang: Lang) -> String {
    format!("{} {} {}", date.day(), month_name(date.month(), lang), date.year())
}

/// A month of a year: `Juni 2006`.
pub(crate) fn year_month(year: i32, month: u32, lang: Lang) -> String {
    format!("{} {year}", month_name(month, lang))
}

/// A size in bytes, KiB or MiB with at most one decimal (a comma in
/// Indonesian): `1,5 MiB`.
pub(crate) fn size(bytes: u64, lang: Lang) -> String {
    const KIB: u128 = 1024;
    const MIB: u128 = 1024 * 1024;
    let bytes = u128::from(bytes);
    let (unit, name) = if bytes >= MIB {
        (MIB, "MiB")
    } else if bytes >= KIB {
        (KIB, "KiB")
    } else {
        return format!("{bytes} B");
    };
    one_decimal(bytes, unit, name, lang)
}

/// `bytes` in `unit`s rounded to one decimal, the point local: `6,2 MB`.
fn one_decimal(bytes: u128, unit: u128, name: &str, lang: Lang) -> String {
    let tenths = (bytes * 10 + unit / 2) / unit;
    let (whole, fraction) = (tenths / 10, tenths % 10);
    if fraction == 0 {
        format!("{whole} {name}")
    } else {
        let point = if lang == Lang::Id { ',' } else { '.' };
        format!("{whole}{point}{fraction} {name}")
    }
}

/// Whether a size limit was written in decimal units (`5MB`, `500kB`): a
/// whole number of megabytes or kilobytes that is not also a whole number
/// of MiB or KiB.
fn decimal(limit: u64) -> Option<(u64, &'static str)> {
    const MB: u64 = 1_000_000;
    const KB: u64 = 1_000;
    if limit >= MB && limit.is_multiple_of(MB) && !limit.is_multiple_of(1024 * 1024) {
        Some((MB, "MB"))
    } else if limit >= KB && limit.is_multiple_of(KB) && !limit.is_multiple_of(1024) {
        Some((KB, "kB"))
    } else {
        None
    }
}

/// A size limit in the unit its author wrote: `5 MB` for `5MB`, `10 MiB`
/// for `10MiB`.
pub(crate) fn limit(bytes: u64, lang: Lang) -> String {
    match decimal(bytes) {
        Some((unit, name)) => format!("{} {name}", bytes / unit),
        None => size(bytes, lang),
    }
}

/// A size in the unit family of `limit` (so a refusal compares like with
/// like): decimal units with one decimal when the limit is decimal.
pub(crate) fn size_like(bytes: u64, limit: u64, lang: Lang) -> String {
    let Some((unit, name)) = decimal(limit) else {
        return size(bytes, lang);
    };
    one_decimal(u128::from(bytes), u128::from(unit), name, lang)
}

/// Items joined as a person lists alternatives: `A, B atau C`.
pub(crate) fn one_of(items: &[String], lang: Lang) -> String {
    let last_word = match lang {
        Lang::Id => "atau",
        Lang::En => "or",
    };
    match items {
        [] => match lang {
            Lang::Id => "(tidak ada)".to_owned(),
            Lang::En => "(none)".to_owned(),
        },
        [one] => one.clone(),
        [init @ .., last] => format!("{} {last_word} {last}", init.join(", ")),
    }
}

/// Plural `s` for English counts.
pub(crate) fn s(count: impl Into<u128>) -> &'static str {
    if count.into() == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_round_to_one_decimal_with_the_local_point() {
        assert_eq!(size(512, Lang::Id), "512 B");
        assert_eq!(size(1536, Lang::Id), "1,5 KiB");
        assert_eq!(size(1536, Lang::En), "1.5 KiB");
        assert_eq!(size(10 * 1024 * 1024, Lang::En), "10 MiB");
        assert_eq!(size(u64::MAX, Lang::En), "17592186044416 MiB");
    }

    /// Issue 19: a "5MB" limit was refused as "melebihi batas 4,8 MiB".
    #[test]
    fn limits_read_in_the_unit_their_author_wrote() {
        assert_eq!(limit(5_000_000, Lang::Id), "5 MB");
        assert_eq!(limit(500_000, Lang::Id), "500 kB");
        assert_eq!(limit(10 * 1024 * 1024, Lang::Id), "10 MiB");
        assert_eq!(size_like(6_240_000, 5_000_000, Lang::Id), "6,2 MB");
        assert_eq!(size_like(6_240_000, 10 * 1024 * 1024, Lang::Id), "6 MiB");
        assert_eq!(crate::definition::ByteSize(5_000_000).for_people(true), "5 MB");
    }

    #[test]
    fn quotes_cut_long_text_and_hide_control_characters() {
        assert_eq!(quote("a\u{7}b\u{202E}c"), "“a�b�c”");
        assert_eq!(quote(&"x".repeat(50)), format!("“{}…”", "x".repeat(40)));
    }

    #[test]
    fn dates_and_lists_read_naturally() {
        let d = NaiveDate::from_ymd_opt(1982, 4, 14).unwrap();
        assert_eq!(date(d, Lang::Id), "14 April 1982");
        assert_eq!(year_month(2006, 8, Lang::Id), "Agustus 2006");
        assert_eq!(month_name(13, Lang::En), "13");
        let items = ["PDF".to_owned(), "JPEG".to_owned(), "PNG".to_owned()];
        assert_eq!(one_of(&items, Lang::Id), "PDF, JPEG atau PNG");
        assert_eq!(one_of(&items[..1], Lang::En), "PDF");
        assert_eq!(one_of(&[], Lang::En), "(none)");
    }
}
