//! Indonesian phone numbers, normalised to E.164 (`+62…`).
//!
//! Accepted as people type them: with the trunk prefix `0`, the country code
//! `62` or `+62` (and the common `+62 (0) 812…`, whose `0` is dropped), with
//! spaces, dashes, dots and parentheses anywhere.
//!
//! The national significant number (after `0` or `62`) must be:
//! - a mobile number: `8` followed by a digit other than `0` or `4`, 9–12
//!   digits in all (10–13 with the leading `0`, e.g. `0812-3456-7890`);
//! - or a landline number: an area code starting with `2`–`7` or `9`, 7–11
//!   digits with the area code (8–12 with the leading `0`, e.g.
//!   `(0751) 31458`).
//!
//! These are the possible lengths of Google's libphonenumber metadata for
//! Indonesia (`resources/PhoneNumberMetadata.xml`, territory `ID`: mobile
//! `8[1-35-9]\d{7,10}`, fixed line national lengths 7–11); Wikipedia's
//! "Telephone numbers in Indonesia" gives 10–13 digits for mobile numbers.
//! `080x` are toll-free, premium and shared-cost service numbers, `1…` short
//! codes: neither reaches a person, so both are refused.

use std::fmt;

use super::human::{self, Lang};

/// Mobile national numbers: 9–12 digits after the `0`.
const MOBILE: (usize, usize) = (9, 12);
/// Landline national numbers: 7–11 digits after the `0`, area code included.
const LANDLINE: (usize, usize) = (7, 11);

/// Whether a number is a mobile or a landline number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhoneKind {
    /// A mobile number (`08…`), e.g. for WhatsApp.
    Mobile,
    /// A landline number with its area code (`021…`, `0751…`).
    Landline,
}

/// A checked Indonesian phone number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone {
    e164: String,
    kind: PhoneKind,
}

impl Phone {
    /// The number in E.164 form, `+6281234567890`.
    pub fn e164(&self) -> &str {
        &self.e164
    }

    /// The number as dialled inside Indonesia, `081234567890`.
    pub fn national(&self) -> String {
        format!("0{}", &self.e164[3..])
    }

    /// Mobile or landline.
    pub fn kind(&self) -> PhoneKind {
        self.kind
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.e164)
    }
}

/// What is wrong with a phone number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PhoneError {
    /// A character other than digits, spaces, `-`, `.`, `(`, `)` and a
    /// leading `+`.
    Characters {
        /// The first such character.
        found: char,
    },
    /// `+` followed by a country code other than 62.
    Foreign,
    /// Neither `0`, `62` nor `+62` at the start.
    Prefix,
    /// A service number or short code (`080x`, `084x`, `1…`), not a person's.
    Service {
        /// The number's start, with the leading `0`.
        start: String,
    },
    /// Fewer digits than a number of its kind has.
    TooShort {
        /// Mobile or landline (`None` if there is no digit after the prefix).
        kind: Option<PhoneKind>,
        /// Digits with the leading `0`.
        digits: usize,
    },
    /// More digits than a number of its kind has.
    TooLong {
        /// Mobile or landline.
        kind: PhoneKind,
        /// Digits with the leading `0`.
        digits: usize,
    },
}

impl PhoneError {
    /// The [`super::FieldError`] code.
    pub fn code(&self) -> &'static str {
        match self {
            PhoneError::Characters { .. } => "phone-characters",
            PhoneError::Foreign => "phone-foreign",
            PhoneError::Prefix => "phone-prefix",
            PhoneError::Service { .. } => "phone-service",
            PhoneError::TooShort { .. } => "phone-too-short",
            PhoneError::TooLong { .. } => "phone-too-long",
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
        let rule = |kind: PhoneKind| match (kind, lang) {
            (PhoneKind::Mobile, Lang::Id) => "nomor HP terdiri atas 10–13 digit termasuk 0 di depan",
            (PhoneKind::Mobile, Lang::En) => "a mobile number has 10–13 digits including the leading 0",
            (PhoneKind::Landline, Lang::Id) => {
                "nomor telepon rumah/kantor terdiri atas 8–12 digit termasuk 0 dan kode wilayah"
            }
            (PhoneKind::Landline, Lang::En) => {
                "a landline number has 8–12 digits including the leading 0 and the area code"
            }
        };
        match (self, lang) {
            (PhoneError::Characters { found }, Lang::Id) => format!(
                "{l} hanya boleh berisi angka, spasi, tanda hubung, titik, tanda kurung dan + di \
                 depan; {} tidak diizinkan.",
                human::quote(&found.to_string())
            ),
            (PhoneError::Characters { found }, Lang::En) => format!(
                "{l} may contain only digits, spaces, dashes, dots, parentheses and a leading +; \
                 {} is not allowed.",
                human::quote(&found.to_string())
            ),
            (PhoneError::Foreign, Lang::Id) => {
                format!("{l} harus nomor Indonesia (+62); nomor luar negeri tidak dapat digunakan.")
            }
            (PhoneError::Foreign, Lang::En) => {
                format!("{l} must be an Indonesian number (+62); foreign numbers cannot be used.")
            }
            (PhoneError::Prefix, Lang::Id) => {
                format!("{l} harus diawali 0, 62 atau +62, misalnya 0812 3456 7890 atau +62 751 31458.")
            }
            (PhoneError::Prefix, Lang::En) => {
                format!("{l} must start with 0, 62 or +62, e.g. 0812 3456 7890 or +62 751 31458.")
            }
            (PhoneError::Service { start }, Lang::Id) => format!(
                "{l}: nomor berawalan {start} adalah nomor layanan, bukan nomor HP atau telepon \
                 rumah/kantor."
            ),
            (PhoneError::Service { start }, Lang::En) => format!(
                "{l}: numbers starting with {start} are service numbers, not a mobile or landline \
                 number."
            ),
            (PhoneError::TooShort { kind, digits }, Lang::Id) => match kind {
                Some(kind) => format!("{l} terlalu pendek ({digits} digit); {}.", rule(*kind)),
                None => format!("{l} belum berisi nomor setelah kode awalnya."),
            },
            (PhoneError::TooShort { kind, digits }, Lang::En) => match kind {
                Some(kind) => {
                    format!("{l} is too short ({digits} digit{}); {}.", human::s(*digits as u128), rule(*kind))
                }
                None => format!("{l} has no number after its prefix."),
            },
            (PhoneError::TooLong { kind, digits }, Lang::Id) => {
                format!("{l} terlalu panjang ({digits} digit); {}.", rule(*kind))
            }
            (PhoneError::TooLong { kind, digits }, Lang::En) => {
                format!("{l} is too long ({digits} digits); {}.", rule(*kind))
            }
        }
    }
}

impl fmt::Display for PhoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en("phone number"))
    }
}

impl std::error::Error for PhoneError {}

/// Check an Indonesian phone number as typed.
pub fn parse(text: &str) -> Result<Phone, PhoneError> {
    let text = text.trim();
    let (plus, rest) = match text.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let mut digits = String::new();
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            '-' | '.' | '(' | ')' => {}
            c if c.is_whitespace() => {}
            found => return Err(PhoneError::Characters { found }),
        }
    }
    let national = if plus {
        match digits.strip_prefix("62") {
            Some(national) => national,
            None if digits.is_empty() => return Err(PhoneError::Prefix),
            None => return Err(PhoneError::Foreign),
        }
    } else if let Some(national) = digits.strip_prefix('0') {
        national
    } else if let Some(national) = digits.strip_prefix("62") {
        national
    } else {
        return Err(PhoneError::Prefix);
    };
    // `+62 (0) 812…`: the trunk 0 typed after the country code.
    let national = if digits.starts_with("62") { national.strip_prefix('0').unwrap_or(national) } else { national };
    // `national` is ASCII digits only from here on.
    let bytes = national.as_bytes();
    let kind = match bytes.first() {
        None => {
            return Err(PhoneError::TooShort { kind: None, digits: 1 });
        }
        Some(b'0') => return Err(PhoneError::Prefix),
        Some(b'1') => {
            return Err(PhoneError::Service { start: format!("0{}", &national[..1]) });
        }
        Some(b'8') => match bytes.get(1) {
            Some(b'0' | b'4') => {
                return Err(PhoneError::Service { start: format!("0{}", &national[..2]) });
            }
            _ => PhoneKind::Mobile,
        },
        Some(_) => PhoneKind::Landline,
    };
    let (min, max) = match kind {
        PhoneKind::Mobile => MOBILE,
        PhoneKind::Landline => LANDLINE,
    };
    let with_zero = national.len() + 1;
    if national.len() < min {
        return Err(PhoneError::TooShort { kind: Some(kind), digits: with_zero });
    }
    if national.len() > max {
        return Err(PhoneError::TooLong { kind, digits: with_zero });
    }
    Ok(Phone { e164: format!("+62{national}"), kind })
}

/// The E.164 form of an Indonesian phone number as typed, `+6281234567890`.
pub fn normalize(text: &str) -> Result<String, PhoneError> {
    parse(text).map(|phone| phone.e164)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> &'static str {
        parse(text).map_or_else(|e| e.code(), |_| "ok")
    }

    #[test]
    fn numbers_are_normalised_as_typed() {
        for typed in [
            "0812-3456-7890",
            "0812 3456 7890",
            "081234567890",
            "+62 812-3456-7890",
            "+6281234567890",
            "62 812 3456 7890",
            "+62 (0) 812 3456 7890",
            "(0812) 3456.7890",
            " 0812\u{a0}3456\u{a0}7890 ",
        ] {
            assert_eq!(normalize(typed).as_deref(), Ok("+6281234567890"), "{typed}");
        }
        let phone = parse("0812-3456-7890").unwrap();
        assert_eq!(phone.kind(), PhoneKind::Mobile);
        assert_eq!(phone.national(), "081234567890");
    }

    #[test]
    fn landlines_keep_their_area_code() {
        let padang = parse("+62 751 31458").unwrap();
        assert_eq!(padang.e164(), "+6275131458");
        assert_eq!(padang.kind(), PhoneKind::Landline);
        assert_eq!(normalize("(0751) 31458").as_deref(), Ok("+6275131458"));
        assert_eq!(normalize("021-3456789").as_deref(), Ok("+62213456789"));
        assert_eq!(normalize("(021) 3456 7890").as_deref(), Ok("+622134567890"));
    }

    #[test]
    fn lengths_follow_the_numbering_plan() {
        // Mobile: 10–13 digits with the 0.
        assert_eq!(code("0812345678"), "ok");
        assert_eq!(code("081234567"), "phone-too-short");
        assert_eq!(code("0812345678901"), "ok");
        assert_eq!(code("08123456789012"), "phone-too-long");
        // Landline: 8–12 digits with the 0.
        assert_eq!(code("07513145"), "ok");
        assert_eq!(code("0751314"), "phone-too-short");
        assert_eq!(code("075131458901"), "ok");
        assert_eq!(code("0751314589012"), "phone-too-long");
        assert_eq!(code("0"), "phone-too-short");
        assert_eq!(code("+62"), "phone-too-short");
    }

    #[test]
    fn prefixes_and_characters() {
        assert_eq!(code("812-3456-7890"), "phone-prefix");
        assert_eq!(code("+"), "phone-prefix");
        assert_eq!(code("00"), "phone-prefix");
        assert_eq!(code("+65 6123 4567"), "phone-foreign");
        assert_eq!(code("0812 3456 789O"), "phone-characters");
        assert_eq!(code("0812+3456"), "phone-characters");
        assert_eq!(code("ext. 12"), "phone-characters");
        assert_eq!(code("0800 123 4567"), "phone-service");
        assert_eq!(code("0809 123 4567"), "phone-service");
        assert_eq!(code("0112"), "phone-service");
        assert_eq!(code("+62 112"), "phone-service");
    }

    #[test]
    fn normalising_twice_changes_nothing() {
        for typed in ["0812-3456-7890", "+62 751 31458", "62 21 345 6789"] {
            let once = normalize(typed).unwrap();
            assert_eq!(normalize(&once).unwrap(), once);
        }
    }
}
