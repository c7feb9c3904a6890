//! E-mail addresses: a practical syntax check, not RFC 5322's full grammar.
//!
//! An address is `local@domain` with no whitespace, at most 254 characters
//! (RFC 5321's path limit less the angle brackets) and a local part of at
//! most 64 (RFC 5321 §4.5.3.1.1). The local part uses letters, digits and
//! ``!#$%&'*+/=?^_`{|}~-`` in dot-separated pieces (RFC 5322 `dot-atom`; no
//! quoted strings). The domain has at least two labels of ASCII letters,
//! digits and hyphens, none starting or ending with a hyphen, each at most
//! 63 characters (RFC 1035), and its last label (the top-level domain) is at
//! least two letters, or an internationalised `xn--` label. The domain is
//! normalised to lowercase; the local part is kept as typed, since only the
//! receiving server may decide whether its case matters.

use std::fmt;

use super::human::{self, Lang};

/// The longest address, in characters.
pub const MAX_LEN: usize = 254;
/// The longest local part, in characters.
pub const MAX_LOCAL_LEN: usize = 64;
/// The longest domain label, in characters.
const MAX_LABEL_LEN: usize = 63;

/// What is wrong with an e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EmailError {
    /// It contains whitespace.
    Space,
    /// More than [`MAX_LEN`] characters.
    TooLong {
        /// The length in characters.
        chars: usize,
    },
    /// No `@`.
    NoAt,
    /// More than one `@`.
    ManyAt,
    /// Nothing before the `@`.
    LocalEmpty,
    /// A character not allowed before the `@`.
    LocalChar {
        /// The character.
        found: char,
    },
    /// A dot at the start or end of the local part, or two in a row.
    LocalDot,
    /// More than [`MAX_LOCAL_LEN`] characters before the `@`.
    LocalTooLong {
        /// The length in characters.
        chars: usize,
    },
    /// Nothing after the `@`.
    DomainEmpty,
    /// The domain has no dot.
    DomainNoDot,
    /// The domain starts or ends with a dot or has two in a row.
    DomainEmptyLabel,
    /// A character not allowed in a domain.
    DomainChar {
        /// The character.
        found: char,
    },
    /// A domain label starts or ends with a hyphen.
    DomainHyphen {
        /// The label.
        label: String,
    },
    /// A domain label is longer than 63 characters.
    DomainLabelTooLong {
        /// The label.
        label: String,
    },
    /// The top-level domain is not two or more letters.
    Tld {
        /// The top-level domain.
        tld: String,
    },
}

impl EmailError {
    /// The [`super::FieldError`] code.
    pub fn code(&self) -> &'static str {
        match self {
            EmailError::Space => "email-space",
            EmailError::TooLong { .. } => "email-too-long",
            EmailError::NoAt | EmailError::ManyAt => "email-at",
            EmailError::LocalEmpty | EmailError::LocalChar { .. } | EmailError::LocalDot => "email-local",
            EmailError::LocalTooLong { .. } => "email-local-too-long",
            EmailError::DomainNoDot => "email-domain-dot",
            EmailError::DomainEmpty
            | EmailError::DomainEmptyLabel
            | EmailError::DomainChar { .. }
            | EmailError::DomainHyphen { .. }
            | EmailError::DomainLabelTooLong { .. } => "email-domain",
            EmailError::Tld { .. } => "email-tld",
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
        let q = |c: &char| human::quote(&c.to_string());
        match (self, lang) {
            (EmailError::Space, Lang::Id) => format!("{l} tidak boleh berisi spasi."),
            (EmailError::Space, Lang::En) => format!("{l} cannot contain spaces."),
            (EmailError::TooLong { chars }, Lang::Id) => {
                format!("{l} terlalu panjang: {chars} karakter, paling banyak {MAX_LEN}.")
            }
            (EmailError::TooLong { chars }, Lang::En) => {
                format!("{l} is too long: {chars} characters, at most {MAX_LEN}.")
            }
            (EmailError::NoAt, Lang::Id) => {
                format!("{l} harus berbentuk nama@domain, misalnya andi@sumbarprov.go.id.")
            }
            (EmailError::NoAt, Lang::En) => {
                format!("{l} must look like name@domain, e.g. andi@sumbarprov.go.id.")
            }
            (EmailError::ManyAt, Lang::Id) => format!("{l} hanya boleh memuat satu tanda @."),
            (EmailError::ManyAt, Lang::En) => format!("{l} may contain only one @."),
            (EmailError::LocalEmpty, Lang::Id) => format!("{l} tidak memuat nama sebelum @."),
            (EmailError::LocalEmpty, Lang::En) => format!("{l} has no name before the @."),
            (EmailError::LocalChar { found }, Lang::Id) => {
                format!("{l}: karakter {} tidak diizinkan sebelum @.", q(found))
            }
            (EmailError::LocalChar { found }, Lang::En) => {
                format!("{l}: the character {} is not allowed before the @.", q(found))
            }
            (EmailError::LocalDot, Lang::Id) => format!(
                "{l}: nama sebelum @ tidak boleh diawali atau diakhiri titik atau memuat dua \
                 titik berurutan."
            ),
            (EmailError::LocalDot, Lang::En) => format!(
                "{l}: the name before the @ cannot start or end with a dot or contain two dots \
                 in a row."
            ),
            (EmailError::LocalTooLong { chars }, Lang::Id) => format!(
                "{l}: nama sebelum @ terlalu panjang: {chars} karakter, paling banyak \
                 {MAX_LOCAL_LEN}."
            ),
            (EmailError::LocalTooLong { chars }, Lang::En) => format!(
                "{l}: the name before the @ is too long: {chars} characters, at most \
                 {MAX_LOCAL_LEN}."
            ),
            (EmailError::DomainEmpty, Lang::Id) => {
                format!("{l} tidak memuat domain sesudah @, misalnya gmail.com.")
            }
            (EmailError::DomainEmpty, Lang::En) => {
                format!("{l} has no domain after the @, e.g. gmail.com.")
            }
            (EmailError::DomainNoDot, Lang::Id) => format!(
                "{l}: domain sesudah @ harus memuat titik, misalnya gmail.com atau \
                 sumbarprov.go.id."
            ),
            (EmailError::DomainNoDot, Lang::En) => format!(
                "{l}: the domain after the @ must contain a dot, e.g. gmail.com or \
                 sumbarprov.go.id."
            ),
            (EmailError::DomainEmptyLabel, Lang::Id) => format!(
                "{l}: domain sesudah @ tidak boleh diawali atau diakhiri titik atau memuat dua \
                 titik berurutan."
            ),
            (EmailError::DomainEmptyLabel, Lang::En) => format!(
                "{l}: the domain after the @ cannot start or end with a dot or contain two dots \
                 in a row."
            ),
            (EmailError::DomainChar { found }, Lang::Id) => format!(
                "{l}: karakter {} tidak diizinkan dalam domain; domain hanya memuat huruf, \
                 angka, tanda hubung dan titik.",
                q(found)
            ),
            (EmailError::DomainChar { found }, Lang::En) => format!(
                "{l}: the character {} is not allowed in the domain; a domain has only letters, \
                 digits, hyphens and dots.",
                q(found)
            ),
            (EmailError::DomainHyphen { label }, Lang::Id) => {
                format!("{l}: bagian domain {} tidak boleh diawali atau diakhiri tanda hubung.", human::quote(label))
            }
            (EmailError::DomainHyphen { label }, Lang::En) => {
                format!("{l}: the domain part {} cannot start or end with a hyphen.", human::quote(label))
            }
            (EmailError::DomainLabelTooLong { label }, Lang::Id) => {
                format!("{l}: bagian domain {} lebih dari {MAX_LABEL_LEN} karakter.", human::quote(label))
            }
            (EmailError::DomainLabelTooLong { label }, Lang::En) => {
                format!("{l}: the domain part {} is longer than {MAX_LABEL_LEN} characters.", human::quote(label))
            }
            (EmailError::Tld { tld }, Lang::Id) => format!(
                "{l}: akhir domain {} tidak valid; akhir domain terdiri atas sedikitnya dua \
                 huruf, misalnya .id atau .com.",
                human::quote(tld)
            ),
            (EmailError::Tld { tld }, Lang::En) => format!(
                "{l}: the domain ending {} is not valid; it must be two or more letters, e.g. \
                 .id or .com.",
                human::quote(tld)
            ),
        }
    }
}

impl fmt::Display for EmailError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en("e-mail address"))
    }
}

impl std::error::Error for EmailError {}

/// Characters allowed in the local part besides letters, digits and dots.
const LOCAL_SPECIALS: &str = "!#$%&'*+/=?^_`{|}~-";

/// Check an e-mail address (surrounding whitespace is ignored) and return
/// it with its domain in lowercase.
pub fn normalize(text: &str) -> Result<String, EmailError> {
    let text = text.trim();
    if text.chars().any(char::is_whitespace) {
        return Err(EmailError::Space);
    }
    let chars = text.chars().count();
    if chars > MAX_LEN {
        return Err(EmailError::TooLong { chars });
    }
    let (local, domain) = match text.split_once('@') {
        None => return Err(EmailError::NoAt),
        Some((_, domain)) if domain.contains('@') => return Err(EmailError::ManyAt),
        Some(parts) => parts,
    };
    check_local(local)?;
    let domain = check_domain(domain)?;
    Ok(format!("{local}@{domain}"))
}

fn check_local(local: &str) -> Result<(), EmailError> {
    if local.is_empty() {
        return Err(EmailError::LocalEmpty);
    }
    if let Some(found) = local.chars().find(|&c| !(c.is_ascii_alphanumeric() || c == '.' || LOCAL_SPECIALS.contains(c)))
    {
        return Err(EmailError::LocalChar { found });
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(EmailError::LocalDot);
    }
    // ASCII only from here: bytes are characters.
    if local.len() > MAX_LOCAL_LEN {
        return Err(EmailError::LocalTooLong { chars: local.len() });
    }
    Ok(())
}

fn check_domain(domain: &str) -> Result<String, EmailError> {
    if domain.is_empty() {
        return Err(EmailError::DomainEmpty);
    }
    if let Some(found) = domain.chars().find(|&c| !(c.is_ascii_alphanumeric() || c == '-' || c == '.')) {
        return Err(EmailError::DomainChar { found });
    }
    if !domain.contains('.') {
        return Err(EmailError::DomainNoDot);
    }
    let domain = domain.to_ascii_lowercase();
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.iter().any(|label| label.is_empty()) {
        return Err(EmailError::DomainEmptyLabel);
    }
    for label in &labels {
        if label.starts_with('-') || label.ends_with('-') {
            return Err(EmailError::DomainHyphen { label: (*label).to_owned() });
        }
        if label.len() > MAX_LABEL_LEN {
            return Err(EmailError::DomainLabelTooLong { label: (*label).to_owned() });
        }
    }
    let tld = labels.last().copied().unwrap_or_default();
    let letters = tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic());
    if !(letters || tld.starts_with("xn--")) {
        return Err(EmailError::Tld { tld: tld.to_owned() });
    }
    Ok(domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> &'static str {
        normalize(text).map_or_else(|e| e.code(), |_| "ok")
    }

    #[test]
    fn everyday_addresses_pass_and_the_domain_is_lowercased() {
        assert_eq!(normalize(" Andi.Saputra@SumbarProv.GO.ID ").as_deref(), Ok("Andi.Saputra@sumbarprov.go.id"));
        for ok in [
            "biro.hukum@sumbarprov.go.id",
            "andi+jdih@gmail.com",
            "a_b-c@sub-domain.example.co.id",
            "o'neil@example.org",
            "x@xn--mgbai9azgqp6j.xn--mgberp4a5d4ar",
            "12345@163.com",
        ] {
            assert_eq!(code(ok), "ok", "{ok}");
        }
    }

    #[test]
    fn each_mistake_is_named() {
        assert_eq!(code("andi saputra@gmail.com"), "email-space");
        assert_eq!(code("andi.gmail.com"), "email-at");
        assert_eq!(code("andi@@gmail.com"), "email-at");
        assert_eq!(code("@gmail.com"), "email-local");
        assert_eq!(code("andi,saputra@gmail.com"), "email-local");
        assert_eq!(code("andi..saputra@gmail.com"), "email-local");
        assert_eq!(code(".andi@gmail.com"), "email-local");
        assert_eq!(code("ändi@gmail.com"), "email-local");
        assert_eq!(code(&format!("{}@gmail.com", "a".repeat(65))), "email-local-too-long");
        assert_eq!(code(&format!("{}@gmail.com", "a".repeat(64))), "ok");
        assert_eq!(code("andi@"), "email-domain");
        assert_eq!(code("andi@gmail"), "email-domain-dot");
        assert_eq!(code("andi@gmail..com"), "email-domain");
        assert_eq!(code("andi@gmail.com."), "email-domain");
        assert_eq!(code("andi@gmail,com"), "email-domain");
        assert_eq!(code("andi@-gmail.com"), "email-domain");
        assert_eq!(code("andi@gmail-.com"), "email-domain");
        assert_eq!(code(&format!("andi@{}.com", "a".repeat(64))), "email-domain");
        assert_eq!(code("andi@gmail.c"), "email-tld");
        assert_eq!(code("andi@gmail.c0m"), "email-tld");
        assert_eq!(code("andi@10.0.0.1"), "email-tld");
        let long = format!("{}@{}.com", "a".repeat(60), "b.".repeat(95));
        assert_eq!(code(&long), "email-too-long");
    }
}
