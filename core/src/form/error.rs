//! [`FieldError`]: one problem with one field's value, said in Bahasa
//! Indonesia and in English, with a stable code for programs.

use serde::Serialize;

use super::human::Lang;

/// A problem with the value of one field.
///
/// `message` (Bahasa Indonesia) and `message_en` name the field by its label
/// and say what is wrong and, where it helps, what is expected. `code` is
/// stable (see [`CODES`]) for programs and translations; `Display` shows the
/// English message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message_en}")]
pub struct FieldError {
    /// The field's id (or the unknown key that was submitted).
    pub field: String,
    /// What kind of problem, e.g. `required`, `nip-birth-date`.
    pub code: &'static str,
    /// The message in Bahasa Indonesia.
    pub message: String,
    /// The message in English.
    pub message_en: String,
}

impl FieldError {
    /// An error of `field` whose message `describe` writes in each language.
    pub(crate) fn new(field: &str, code: &'static str, describe: impl Fn(Lang) -> String) -> Self {
        Self { field: field.to_owned(), code, message: describe(Lang::Id), message_en: describe(Lang::En) }
    }
}

/// Every code a [`FieldError`] can carry.
pub const CODES: &[&str] = &[
    // any field
    "unknown-field",
    "required",
    "wrong-type",
    // text
    "too-short",
    "too-long",
    "multiple-lines",
    "control-character",
    // email
    "email-space",
    "email-too-long",
    "email-at",
    "email-local",
    "email-local-too-long",
    "email-domain",
    "email-domain-dot",
    "email-tld",
    // phone
    "phone-characters",
    "phone-foreign",
    "phone-prefix",
    "phone-service",
    "phone-too-short",
    "phone-too-long",
    // nip
    "nip-characters",
    "nip-length",
    "nip-birth-date",
    "nip-birth-future",
    "nip-too-young",
    "nip-too-old",
    "nip-tmt-month",
    "nip-tmt-too-early",
    "nip-tmt-future",
    "nip-gender",
    "nip-sequence",
    // choice, product
    "choice-unknown",
    "product-unknown",
    // date
    "date-format",
    "date-invalid",
    // consent
    "consent-required",
    "consent-invalid",
    // scale
    "scale-not-number",
    "scale-range",
    // files
    "file-count",
    "file-duplicate",
    "file-invalid",
    "file-too-large",
    "file-type",
    "file-empty",
    "file-type-unknown",
    "file-disguised",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_the_english_message() {
        let error = FieldError::new("nama", "required", |lang| match lang {
            Lang::Id => "“Nama” wajib diisi.".to_owned(),
            Lang::En => "“Nama” is required.".to_owned(),
        });
        assert_eq!(error.to_string(), "“Nama” is required.");
        assert_eq!(error.message, "“Nama” wajib diisi.");
    }

    #[test]
    fn codes_are_unique_and_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for code in CODES {
            assert!(seen.insert(code), "{code} twice");
            assert!(code.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{code}");
        }
    }
}
