//! Rules for typed text: trimmed, measured in characters, one line or
//! several, and free of control characters.

use super::error::FieldError;
use super::human::{self, Lang};
use crate::definition::{Field, FieldKind};

/// `too-long` if `text` has more than [`Field::max_chars`] characters.
pub(crate) fn check_max(field: &Field, text: &str) -> Result<(), FieldError> {
    let chars = text.chars().count();
    let max = field.max_chars() as usize;
    if chars <= max {
        return Ok(());
    }
    let l = human::label(&field.label);
    Err(FieldError::new(&field.id, "too-long", |lang| match lang {
        Lang::Id => format!("{l} terlalu panjang: {chars} karakter, paling banyak {max}."),
        Lang::En => format!("{l} is too long: {chars} characters, at most {max}."),
    }))
}

/// `too-short` if `text` has fewer than `min_length` characters.
fn check_min(field: &Field, text: &str) -> Result<(), FieldError> {
    let Some(min) = field.min_length else {
        return Ok(());
    };
    let chars = text.chars().count();
    if chars >= min as usize {
        return Ok(());
    }
    let l = human::label(&field.label);
    Err(FieldError::new(&field.id, "too-short", |lang| match lang {
        Lang::Id => format!("{l} terlalu pendek: {chars} karakter, paling sedikit {min}."),
        Lang::En => format!("{l} is too short: {chars} character{}, at least {min}.", human::s(chars as u128)),
    }))
}

/// A `text` or `long_text` value: trimmed (line endings of long text made
/// `\n`), of the allowed length, one line for `text`, with no control
/// characters except newline and tab in `long_text`.
pub(crate) fn check_text(field: &Field, raw: &str) -> Result<String, Vec<FieldError>> {
    let multiline = field.kind == FieldKind::LongText;
    let text = if multiline { raw.replace("\r\n", "\n").replace('\r', "\n") } else { raw.to_owned() };
    let text = text.trim();
    let mut errors = Vec::new();
    errors.extend(check_max(field, text).err());
    errors.extend(check_min(field, text).err());
    let l = human::label(&field.label);
    if !multiline && text.contains(['\n', '\r']) {
        errors.push(FieldError::new(&field.id, "multiple-lines", |lang| match lang {
            Lang::Id => format!("{l} harus satu baris; hapus ganti baris (Enter) di dalamnya."),
            Lang::En => format!("{l} must be a single line; remove the line breaks."),
        }));
    }
    let allowed = |c: char| c == '\n' || c == '\r' || (multiline && c == '\t');
    if let Some(found) = text.chars().find(|&c| c.is_control() && !allowed(c)) {
        let code = format!("U+{:04X}", u32::from(found));
        errors.push(FieldError::new(&field.id, "control-character", |lang| match lang {
            Lang::Id => format!(
                "{l} berisi karakter kontrol {code} yang tidak diizinkan; hapus karakter itu \
                 (sering terbawa saat menyalin teks)."
            ),
            Lang::En => format!(
                "{l} contains the control character {code}, which is not allowed; remove it \
                 (it often comes along when copying text)."
            ),
        }));
    }
    if errors.is_empty() { Ok(text.to_owned()) } else { Err(errors) }
}
