//! Dates as Indonesians type them.
//!
//! Accepted: `YYYY-MM-DD` (what an HTML date input sends), and day first,
//! `DD-MM-YYYY` or `DD/MM/YYYY`, as dates are written in Indonesia
//! (`YYYY/MM/DD` too). Day and month may have one digit (`1/2/2026`); the
//! year always has four.

use std::fmt;

use chrono::{Datelike, NaiveDate};

use super::human::{self, Lang};

/// What is wrong with a date.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DateError {
    /// Not in any accepted form.
    Format,
    /// In an accepted form, but no such day exists.
    NoSuchDay {
        /// The year as typed.
        year: i32,
        /// The month as typed.
        month: u32,
        /// The day as typed.
        day: u32,
    },
}

impl DateError {
    /// The [`super::FieldError`] code.
    pub fn code(&self) -> &'static str {
        match self {
            DateError::Format => "date-format",
            DateError::NoSuchDay { .. } => "date-invalid",
        }
    }

    /// The message in Bahasa Indonesia, naming the field `label`.
    pub fn message_id(&self, label: &str) -> String {
        self.describe(label, Lang::Id)
    }

    /// The message in English, naming the field `label`.
    pub fn message_en(&self, label: &str) -> String {
        self.describe(label, Lang::En)
    }

    pub(crate) fn describe(&self, label: &str, lang: Lang) -> String {
        let l = human::label(label);
        match (self, lang) {
            (DateError::Format, Lang::Id) => {
                format!("{l} harus berupa tanggal, misalnya 28-11-2026, 28/11/2026 atau 2026-11-28.")
            }
            (DateError::Format, Lang::En) => {
                format!("{l} must be a date, e.g. 28-11-2026, 28/11/2026 or 2026-11-28.")
            }
            (DateError::NoSuchDay { year, month, day }, _) => {
                let typed = format!("{day:02}-{month:02}-{year:04}");
                match (days_in_month(*year, *month), lang) {
                    (Some(_), Lang::Id) if *day == 0 => {
                        format!("{l}: tanggal {typed} tidak ada; hari dimulai dari 1.")
                    }
                    (Some(_), Lang::En) if *day == 0 => {
                        format!("{l}: there is no date {typed}; days start at 1.")
                    }
                    (None, Lang::Id) => {
                        format!("{l}: tanggal {typed} tidak ada; bulan harus 1–12.")
                    }
                    (None, Lang::En) => {
                        format!("{l}: there is no date {typed}; the month must be 1–12.")
                    }
                    (Some(days), Lang::Id) => format!(
                        "{l}: tanggal {typed} tidak ada; {} hanya {days} hari.",
                        human::year_month(*year, *month, lang)
                    ),
                    (Some(days), Lang::En) => format!(
                        "{l}: there is no date {typed}; {} has {days} days.",
                        human::year_month(*year, *month, lang)
                    ),
                }
            }
        }
    }
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en("date"))
    }
}

impl std::error::Error for DateError {}

/// The number of days of a month, or `None` if `month` is not 1–12.
fn days_in_month(year: i32, month: u32) -> Option<u32> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year.checked_add(1)?, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    Some(next.pred_opt()?.day() - first.day() + 1)
}

/// One to `max` ASCII digits as a number.
fn part(text: &str, max: usize) -> Option<u32> {
    if text.is_empty() || text.len() > max || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Read a date typed as `YYYY-MM-DD`, `DD-MM-YYYY` or `DD/MM/YYYY`
/// (surrounding whitespace is ignored).
pub fn parse(text: &str) -> Result<NaiveDate, DateError> {
    let text = text.trim();
    let separator = if text.contains('/') { '/' } else { '-' };
    let parts: Vec<&str> = text.split(separator).collect();
    let [a, b, c] = parts.as_slice() else {
        return Err(DateError::Format);
    };
    let (year, month, day) = if a.len() == 4 {
        (*a, *b, *c)
    } else if c.len() == 4 {
        (*c, *b, *a)
    } else {
        return Err(DateError::Format);
    };
    let (Some(year), Some(month), Some(day)) = (part(year, 4), part(month, 2), part(day, 2)) else {
        return Err(DateError::Format);
    };
    // Four digits: fits an i32.
    let year = year as i32;
    NaiveDate::from_ymd_opt(year, month, day).ok_or(DateError::NoSuchDay { year, month, day })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_usual_forms_are_read() {
        for typed in ["2026-11-28", "28-11-2026", "28/11/2026", "2026/11/28", " 28/11/2026 "] {
            assert_eq!(parse(typed), Ok(ymd(2026, 11, 28)), "{typed}");
        }
        assert_eq!(parse("1/2/2026"), Ok(ymd(2026, 2, 1)));
        assert_eq!(parse("29-02-2028"), Ok(ymd(2028, 2, 29)));
    }

    #[test]
    fn other_forms_are_refused() {
        for typed in [
            "28 November 2026",
            "28.11.2026",
            "28-11/2026",
            "28-11-26",
            "2026-11",
            "2026-011-28",
            "+2026-11-28",
            "2026-11-28T10:00",
            "١٢-١١-٢٠٢٦",
            "",
        ] {
            assert_eq!(parse(typed), Err(DateError::Format), "{typed}");
        }
    }

    #[test]
    fn impossible_days_say_why() {
        let error = parse("31-02-2026").unwrap_err();
        assert_eq!(error.code(), "date-invalid");
        assert_eq!(
            error.message_id("Tanggal kejadian"),
            "“Tanggal kejadian”: tanggal 31-02-2026 tidak ada; Februari 2026 hanya 28 hari."
        );
        assert_eq!(
            parse("2026-13-01").unwrap_err().message_en("Date"),
            "“Date”: there is no date 01-13-2026; the month must be 1–12."
        );
        assert_eq!(parse("00-01-2026").unwrap_err().code(), "date-invalid");
    }
}
