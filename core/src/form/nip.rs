//! The NIP (Nomor Induk Pegawai), the civil servant's number.
//!
//! 18 digits, `YYYYMMDD YYYYMM G NNN`: date of birth (digits 1–8), the year
//! and month of appointment, TMT (digits 9–14), gender (digit 15: 1 men,
//! 2 women) and a sequence number (digits 16–18). People often type it
//! grouped with spaces, as it is printed: `19820414 200604 1 003`.
//!
//! Government employees with a work agreement (PPPK, also ASN) have an
//! 18-digit NI PPPK of the same shape whose digits 13–14 are `21` instead of
//! a month (`YYYYMMDD YYYY21 G NNN`); those are accepted, with the year of
//! appointment checked alone.
//!
//! [`parse`] checks each part and reports every failure on its own; it needs
//! "today" to check the holder's age ([`MIN_AGE_YEARS`]–[`MAX_AGE_YEARS`])
//! and that the TMT is not in the future.

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};

use super::human::{self, Lang};

/// The number of digits of a NIP.
pub const LEN: usize = 18;

/// The youngest a NIP's holder can be, in years at "today".
pub const MIN_AGE_YEARS: u32 = 18;

/// The oldest a NIP's holder is expected to be, in years at "today" (the
/// latest retirement age, for professors, is 70; the form is for serving
/// civil servants).
pub const MAX_AGE_YEARS: u32 = 70;

/// Digits 13–14 of an NI PPPK, where a NIP has the month of appointment.
pub const PPPK_MARKER: u32 = 21;

/// Gender as digit 15 of a NIP records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    /// Digit 1: laki-laki.
    Male,
    /// Digit 2: perempuan.
    Female,
}

/// A checked NIP.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Nip {
    digits: String,
    birth_date: NaiveDate,
    tmt: (i32, u32),
    gender: Gender,
    sequence: u16,
}

impl Nip {
    /// The 18 digits, without spaces (the normal form that is stored).
    pub fn as_str(&self) -> &str {
        &self.digits
    }

    /// The date of birth (digits 1–8).
    pub fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }

    /// The year and month (1–12) of appointment, TMT (digits 9–14); for a
    /// PPPK number the "month" is [`PPPK_MARKER`].
    pub fn tmt(&self) -> (i32, u32) {
        self.tmt
    }

    /// Whether this is a PPPK number (digits 13–14 are `21`).
    pub fn is_pppk(&self) -> bool {
        self.tmt.1 == PPPK_MARKER
    }

    /// The gender (digit 15).
    pub fn gender(&self) -> Gender {
        self.gender
    }

    /// The sequence number, 1–999 (digits 16–18).
    pub fn sequence(&self) -> u16 {
        self.sequence
    }
}

impl fmt::Display for Nip {
    /// Grouped as printed: `19820414 200604 1 003`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_grouped(&self.digits))
    }
}

/// One thing wrong with a NIP.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NipError {
    /// A character other than a digit or a space.
    Characters {
        /// The first such character.
        found: char,
    },
    /// Not 18 digits.
    Length {
        /// How many digits were given.
        digits: usize,
    },
    /// Digits 1–8 are not a date.
    BirthDate {
        /// The eight digits.
        digits: String,
    },
    /// The date of birth is after today.
    BirthInFuture {
        /// The date of birth.
        birth: NaiveDate,
    },
    /// The holder is younger than [`MIN_AGE_YEARS`].
    TooYoung {
        /// The date of birth.
        birth: NaiveDate,
        /// The age in whole years at today.
        age: u32,
    },
    /// The holder is older than [`MAX_AGE_YEARS`].
    TooOld {
        /// The date of birth.
        birth: NaiveDate,
        /// The age in whole years at today.
        age: u32,
    },
    /// Digits 13–14 are not a month.
    TmtMonth {
        /// The two digits.
        digits: String,
    },
    /// The TMT is before the holder turned [`MIN_AGE_YEARS`].
    TmtTooEarly {
        /// TMT year.
        year: i32,
        /// TMT month.
        month: u32,
        /// The day the holder turned 18.
        adult: NaiveDate,
    },
    /// The TMT is after today's month.
    TmtInFuture {
        /// TMT year.
        year: i32,
        /// TMT month.
        month: u32,
    },
    /// Digit 15 is neither 1 nor 2.
    Gender {
        /// The digit.
        digit: char,
    },
    /// Digits 16–18 are `000`.
    Sequence,
}

impl NipError {
    /// The [`super::FieldError`] code.
    pub fn code(&self) -> &'static str {
        match self {
            NipError::Characters { .. } => "nip-characters",
            NipError::Length { .. } => "nip-length",
            NipError::BirthDate { .. } => "nip-birth-date",
            NipError::BirthInFuture { .. } => "nip-birth-future",
            NipError::TooYoung { .. } => "nip-too-young",
            NipError::TooOld { .. } => "nip-too-old",
            NipError::TmtMonth { .. } => "nip-tmt-month",
            NipError::TmtTooEarly { .. } => "nip-tmt-too-early",
            NipError::TmtInFuture { .. } => "nip-tmt-future",
            NipError::Gender { .. } => "nip-gender",
            NipError::Sequence => "nip-sequence",
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
            (NipError::Characters { found }, Lang::Id) => format!(
                "{l} hanya boleh berisi angka (boleh dipisah spasi); {} tidak diizinkan.",
                human::quote(&found.to_string())
            ),
            (NipError::Characters { found }, Lang::En) => format!(
                "{l} may contain only digits (spaces are allowed); {} is not allowed.",
                human::quote(&found.to_string())
            ),
            (NipError::Length { digits }, Lang::Id) => {
                format!("{l} harus {LEN} digit; yang diisi {digits} digit.")
            }
            (NipError::Length { digits }, Lang::En) => {
                format!("{l} must have {LEN} digits; {digits} digit{} given.", human::s(*digits as u128))
            }
            (NipError::BirthDate { digits }, Lang::Id) => {
                format!("Tanggal lahir pada {l} (digit 1–8) tidak valid: {digits}.")
            }
            (NipError::BirthDate { digits }, Lang::En) => {
                format!("The date of birth in {l} (digits 1–8) is not a valid date: {digits}.")
            }
            (NipError::BirthInFuture { birth }, Lang::Id) => {
                format!("Tanggal lahir pada {l} (digit 1–8) belum terjadi: {}.", human::date(*birth, lang))
            }
            (NipError::BirthInFuture { birth }, Lang::En) => {
                format!("The date of birth in {l} (digits 1–8) is in the future: {}.", human::date(*birth, lang))
            }
            (NipError::TooYoung { birth, age }, Lang::Id) => format!(
                "Menurut {l} (digit 1–8) pemiliknya lahir {} dan baru berusia {age} tahun; \
                 ASN paling muda berusia {MIN_AGE_YEARS} tahun.",
                human::date(*birth, lang)
            ),
            (NipError::TooYoung { birth, age }, Lang::En) => format!(
                "By {l} (digits 1–8) its holder was born on {} and is only {age}; \
                 civil servants are at least {MIN_AGE_YEARS}.",
                human::date(*birth, lang)
            ),
            (NipError::TooOld { birth, age }, Lang::Id) => format!(
                "Menurut {l} (digit 1–8) pemiliknya lahir {} dan kini berusia {age} tahun, \
                 lebih dari {MAX_AGE_YEARS} tahun; periksa kembali tanggal lahir pada NIP.",
                human::date(*birth, lang)
            ),
            (NipError::TooOld { birth, age }, Lang::En) => format!(
                "By {l} (digits 1–8) its holder was born on {} and is now {age}, \
                 older than {MAX_AGE_YEARS}; check the date of birth in the NIP.",
                human::date(*birth, lang)
            ),
            (NipError::TmtMonth { digits }, Lang::Id) => format!(
                "Bulan TMT pada {l} (digit 13–14) tidak valid: {digits}; bulan harus 01–12 (atau 21 untuk NI PPPK)."
            ),
            (NipError::TmtMonth { digits }, Lang::En) => format!(
                "The month of appointment (TMT) in {l} (digits 13–14) is not valid: {digits}; \
                 a month is 01–12 (or 21 in a PPPK number)."
            ),
            (NipError::TmtTooEarly { year, month, adult }, Lang::Id) => format!(
                "TMT pada {l} (digit 9–14, {}) lebih awal daripada ulang tahun ke-{MIN_AGE_YEARS} \
                 pemiliknya ({}).",
                human::year_month(*year, *month, lang),
                human::date(*adult, lang)
            ),
            (NipError::TmtTooEarly { year, month, adult }, Lang::En) => format!(
                "The appointment (TMT) in {l} (digits 9–14, {}) is before its holder's \
                 {MIN_AGE_YEARS}th birthday ({}).",
                human::year_month(*year, *month, lang),
                human::date(*adult, lang)
            ),
            (NipError::TmtInFuture { year, month }, Lang::Id) => {
                format!("TMT pada {l} (digit 9–14) belum terjadi: {}.", human::year_month(*year, *month, lang))
            }
            (NipError::TmtInFuture { year, month }, Lang::En) => format!(
                "The appointment (TMT) in {l} (digits 9–14) is in the future: {}.",
                human::year_month(*year, *month, lang)
            ),
            (NipError::Gender { digit }, Lang::Id) => format!(
                "Digit jenis kelamin pada {l} (digit 15) harus 1 (laki-laki) atau 2 (perempuan); \
                 yang diisi {digit}."
            ),
            (NipError::Gender { digit }, Lang::En) => {
                format!("The gender digit in {l} (digit 15) must be 1 (male) or 2 (female); {digit} given.")
            }
            (NipError::Sequence, Lang::Id) => {
                format!("Nomor urut pada {l} (digit 16–18) tidak boleh 000.")
            }
            (NipError::Sequence, Lang::En) => {
                format!("The sequence number in {l} (digits 16–18) cannot be 000.")
            }
        }
    }
}

impl fmt::Display for NipError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en("NIP"))
    }
}

impl std::error::Error for NipError {}

/// The NIP with all whitespace removed.
fn strip(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// `digits` (ASCII digits only) as a number.
fn number(digits: &str) -> u32 {
    digits.bytes().fold(0, |n, b| n * 10 + u32::from(b.wrapping_sub(b'0')))
}

/// Check a NIP as typed (spaces anywhere are ignored) at `today`.
///
/// On failure every problem found is returned. A NIP that is not 18 digits
/// gets only that error, since its parts cannot be told apart.
pub fn parse(text: &str, today: NaiveDate) -> Result<Nip, Vec<NipError>> {
    let digits = strip(text);
    if let Some(found) = digits.chars().find(|c| !c.is_ascii_digit()) {
        return Err(vec![NipError::Characters { found }]);
    }
    if digits.len() != LEN {
        return Err(vec![NipError::Length { digits: digits.len() }]);
    }
    // 18 ASCII digits: every slice below is on a character boundary.
    let mut errors = Vec::new();
    let birth_digits = &digits[0..8];
    let birth = NaiveDate::from_ymd_opt(number(&digits[0..4]) as i32, number(&digits[4..6]), number(&digits[6..8]));
    // The 18th birthday, when the holder has had it: a TMT before it is an
    // error of its own (a holder not yet 18 already has one).
    let mut adult = None;
    match birth {
        None => errors.push(NipError::BirthDate { digits: birth_digits.to_owned() }),
        Some(birth) => match today.years_since(birth) {
            None => errors.push(NipError::BirthInFuture { birth }),
            Some(age) if age < MIN_AGE_YEARS => errors.push(NipError::TooYoung { birth, age }),
            Some(age) => {
                if age > MAX_AGE_YEARS {
                    errors.push(NipError::TooOld { birth, age });
                }
                adult = birth.checked_add_months(Months::new(MIN_AGE_YEARS * 12));
            }
        },
    }

    let tmt_year = number(&digits[8..12]) as i32;
    let tmt_month = number(&digits[12..14]);
    let pppk = tmt_month == PPPK_MARKER;
    if (1..=12).contains(&tmt_month) || pppk {
        // A PPPK number records only the year: it is in the future only from
        // next January, and too early only if the whole year is.
        let (latest, earliest) =
            if pppk { ((tmt_year, 1), (tmt_year, 12)) } else { ((tmt_year, tmt_month), (tmt_year, tmt_month)) };
        let tmt = latest;
        if tmt > (today.year(), today.month()) && (!pppk || tmt_year > today.year()) {
            errors.push(NipError::TmtInFuture { year: tmt_year, month: tmt_month });
        } else if let Some(adult) = adult
            && earliest < (adult.year(), adult.month())
        {
            errors.push(NipError::TmtTooEarly { year: tmt_year, month: tmt_month, adult });
        }
    } else {
        errors.push(NipError::TmtMonth { digits: digits[12..14].to_owned() });
    }

    let gender = match digits.as_bytes()[14] {
        b'1' => Some(Gender::Male),
        b'2' => Some(Gender::Female),
        other => {
            errors.push(NipError::Gender { digit: char::from(other) });
            None
        }
    };
    let sequence = number(&digits[15..18]) as u16;
    if sequence == 0 {
        errors.push(NipError::Sequence);
    }

    match (birth, gender) {
        (Some(birth_date), Some(gender)) if errors.is_empty() => {
            Ok(Nip { digits, birth_date, tmt: (tmt_year, tmt_month), gender, sequence })
        }
        _ => Err(errors),
    }
}

/// A NIP grouped as printed, `19820414 200604 1 003`, from any spacing.
/// Text that is not 18 digits comes back with its whitespace removed.
pub fn format_grouped(text: &str) -> String {
    let digits = strip(text);
    if digits.len() == LEN && digits.bytes().all(|b| b.is_ascii_digit()) {
        format!("{} {} {} {}", &digits[0..8], &digits[8..14], &digits[14..15], &digits[15..18])
    } else {
        digits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    fn codes(text: &str) -> Vec<&'static str> {
        match parse(text, today()) {
            Ok(_) => Vec::new(),
            Err(errors) => errors.iter().map(NipError::code).collect(),
        }
    }

    #[test]
    fn a_printed_nip_parses_into_its_parts() {
        let nip = parse("19820414 200604 1 003", today()).unwrap();
        assert_eq!(nip.as_str(), "198204142006041003");
        assert_eq!(nip.birth_date(), NaiveDate::from_ymd_opt(1982, 4, 14).unwrap());
        assert_eq!(nip.tmt(), (2006, 4));
        assert_eq!(nip.gender(), Gender::Male);
        assert_eq!(nip.sequence(), 3);
        assert_eq!(nip.to_string(), "19820414 200604 1 003");
        // Spaces anywhere, tabs, a non-breaking space: all ignored.
        assert!(parse(" 198204142006041003 ", today()).is_ok());
        assert!(parse("1982 0414\t2006 04 1 003", today()).is_ok());
        assert!(parse("19820414\u{a0}200604\u{a0}1\u{a0}003", today()).is_ok());
        // A woman's NIP.
        let nip = parse("19900215 201503 2 012", today()).unwrap();
        assert_eq!(nip.gender(), Gender::Female);
    }

    #[test]
    fn grouping_accepts_any_spacing() {
        assert_eq!(format_grouped("198204142006041003"), "19820414 200604 1 003");
        assert_eq!(format_grouped("1982 0414 2006 0410 03"), "19820414 200604 1 003");
        assert_eq!(format_grouped("1982 04"), "198204");
        assert_eq!(format_grouped("١٩٨٢٠٤١٤٢٠٠٦٠٤١٠٠٣"), "١٩٨٢٠٤١٤٢٠٠٦٠٤١٠٠٣");
    }

    #[test]
    fn characters_and_length_stop_the_check() {
        assert_eq!(codes("19820414-200604-1-003"), ["nip-characters"]);
        assert_eq!(codes("NIP 19820414"), ["nip-characters"]);
        assert_eq!(codes("19820414 200604 1 03"), ["nip-length"]);
        assert_eq!(codes("19820414 200604 1 0030"), ["nip-length"]);
        // Non-ASCII digits are not NIP digits (and must not panic on slicing).
        assert_eq!(codes("١٩٨٢٠٤١٤٢٠٠٦٠٤١٠٠٣"), ["nip-characters"]);
    }

    #[test]
    fn the_birth_date_must_be_real_and_of_working_age() {
        assert_eq!(codes("19821345 200604 1 003"), ["nip-birth-date"]);
        assert_eq!(codes("19830229 200604 1 003"), ["nip-birth-date"]);
        assert_eq!(codes("00000000 200604 1 003"), ["nip-birth-date"]);
        assert_eq!(codes("20300101 200604 1 003"), ["nip-birth-future"]);
        // Turns 18 on 2026-11-29, the day after "today".
        assert_eq!(codes("20081129 202611 1 003"), ["nip-too-young"]);
        assert!(codes("20081128 202611 1 003").is_empty());
        // 70 is fine, 71 is not.
        assert!(codes("19561128 198001 1 003").is_empty());
        assert_eq!(codes("19551127 198001 1 003"), ["nip-too-old"]);
    }

    #[test]
    fn the_tmt_must_be_a_month_between_the_18th_birthday_and_today() {
        assert_eq!(codes("19820414 200613 1 003"), ["nip-tmt-month"]);
        // A PPPK number: digits 13–14 are 21, the year alone is the TMT.
        assert!(
            parse("19900101 202221 1 001", NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()).is_ok_and(|n| n.is_pppk())
        );
        assert_eq!(codes("19900101 202721 1 001"), ["nip-tmt-future"]);
        assert_eq!(codes("19820414 200600 1 003"), ["nip-tmt-month"]);
        assert_eq!(codes("19820414 202612 1 003"), ["nip-tmt-future"]);
        assert!(codes("19820414 202611 1 003").is_empty());
        // 18th birthday in April 2000: April 2000 is fine, March is not.
        assert!(codes("19820414 200004 1 003").is_empty());
        assert_eq!(codes("19820414 200003 1 003"), ["nip-tmt-too-early"]);
        // A leap-day birth turns 18 on 28 February.
        assert!(codes("19880229 200602 2 001").is_empty());
        assert_eq!(codes("19880229 200601 2 001"), ["nip-tmt-too-early"]);
    }

    #[test]
    fn gender_and_sequence() {
        assert_eq!(codes("19820414 200604 3 003"), ["nip-gender"]);
        assert_eq!(codes("19820414 200604 0 003"), ["nip-gender"]);
        assert_eq!(codes("19820414 200604 1 000"), ["nip-sequence"]);
        assert!(codes("19820414 200604 1 999").is_empty());
    }

    #[test]
    fn every_failure_is_reported_at_once() {
        assert_eq!(codes("19821345 200613 3 000"), ["nip-birth-date", "nip-tmt-month", "nip-gender", "nip-sequence"]);
        assert_eq!(codes("20300101 203001 1 003"), ["nip-birth-future", "nip-tmt-future"]);
    }

    #[test]
    fn messages_name_the_digits() {
        let errors = parse("19821345 200604 1 003", today()).unwrap_err();
        assert_eq!(errors[0].message_id("NIP"), "Tanggal lahir pada “NIP” (digit 1–8) tidak valid: 19821345.");
        assert_eq!(errors[0].to_string(), "The date of birth in “NIP” (digits 1–8) is not a valid date: 19821345.");
    }
}
