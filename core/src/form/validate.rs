//! [`validate`]: every field of a form checked, every problem collected.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::error::FieldError;
use super::human::{self, Lang};
use super::text;
use super::upload::{sanitize_file_name, too_large, type_list, type_name};
use super::value::{FileRef, Input, Value, Values};
use super::{date, email, nip, phone};
use crate::definition::{Field, FieldKind, Product};

/// Check submitted `inputs` against `fields` at `today`.
///
/// Every field is checked and every problem collected, one error or more
/// per field, in the order of `fields`, followed by one `unknown-field`
/// error per submitted key that is no field. A field counts as absent when
/// it is missing, an empty or all-whitespace text, or an empty file list:
/// absent required fields are errors, absent optional fields are left out
/// of the result. `products` are the workflow's products (for `product`
/// fields).
pub fn validate(
    fields: &[Field],
    products: &[Product],
    inputs: &BTreeMap<String, Input>,
    today: NaiveDate,
) -> Result<Values, Vec<FieldError>> {
    let mut values = Values::new();
    let mut errors = Vec::new();
    for field in fields {
        match validate_field(field, products, inputs.get(&field.id), today) {
            Ok(Some(value)) => {
                values.insert(field.id.clone(), value);
            }
            Ok(None) => {}
            Err(mut found) => errors.append(&mut found),
        }
    }
    for key in inputs.keys() {
        if !fields.iter().any(|f| f.id == *key) {
            let shown = human::quote(key);
            errors.push(FieldError::new(key, "unknown-field", |lang| match lang {
                Lang::Id => format!("Isian {shown} tidak ada pada formulir ini."),
                Lang::En => format!("This form has no field {shown}."),
            }));
        }
    }
    if errors.is_empty() { Ok(values) } else { Err(errors) }
}

/// Check one field's input (`None` if nothing was submitted for it): the
/// value to store, nothing for an absent optional field, or its errors.
pub fn validate_field(
    field: &Field,
    products: &[Product],
    input: Option<&Input>,
    today: NaiveDate,
) -> Result<Option<Value>, Vec<FieldError>> {
    match input {
        Some(input) if !input.is_blank() => check(field, products, input, today).map(Some),
        _ if field.required => Err(vec![missing(field)]),
        _ => Ok(None),
    }
}

/// `required` (or `consent-required` for a consent).
fn missing(field: &Field) -> FieldError {
    let l = human::label(&field.label);
    if field.kind == FieldKind::Consent {
        return consent_required(field);
    }
    let (id, en) = match field.kind {
        FieldKind::Choice | FieldKind::Product | FieldKind::Scale => ("wajib dipilih", "choose one"),
        FieldKind::FormFields => ("wajib dipilih (sedikitnya satu isian)", "choose at least one field"),
        FieldKind::File => ("wajib diunggah", "upload a file"),
        _ => ("wajib diisi", "fill it in"),
    };
    FieldError::new(&field.id, "required", |lang| match lang {
        Lang::Id => format!("{l} {id}."),
        Lang::En => format!("{l} is required: {en}."),
    })
}

fn consent_required(field: &Field) -> FieldError {
    let l = human::label(&field.label);
    FieldError::new(&field.id, "consent-required", |lang| match lang {
        Lang::Id => format!("Anda harus menyetujui {l} untuk melanjutkan."),
        Lang::En => format!("You must agree to {l} to continue."),
    })
}

/// `wrong-type`: the input's shape does not fit the field.
fn wrong_type(field: &Field) -> FieldError {
    let l = human::label(&field.label);
    let (id, en) = match field.kind {
        FieldKind::File => ("harus berupa berkas yang diunggah", "must be uploaded files"),
        FieldKind::Consent => ("harus berupa centang (ya atau tidak)", "must be a tick (yes or no)"),
        FieldKind::Scale => ("harus berupa angka", "must be a number"),
        FieldKind::Date => ("harus berupa tanggal", "must be a date"),
        FieldKind::Choice | FieldKind::Product => ("harus berupa pilihan", "must be a choice"),
        _ => ("harus berupa teks", "must be text"),
    };
    FieldError::new(&field.id, "wrong-type", |lang| match lang {
        Lang::Id => format!("{l} {id}."),
        Lang::En => format!("{l} {en}."),
    })
}

/// The input as text: text as is, a number in decimal (a JSON client may
/// send a NIP or an option id as a number).
fn as_text(field: &Field, input: &Input) -> Result<String, Vec<FieldError>> {
    match input {
        Input::Text(text) => Ok(text.clone()),
        Input::Number(n) => Ok(n.to_string()),
        Input::Bool(_) | Input::Files(_) => Err(vec![wrong_type(field)]),
    }
}

/// Check a given (not blank) input.
fn check(field: &Field, products: &[Product], input: &Input, today: NaiveDate) -> Result<Value, Vec<FieldError>> {
    let label = field.label.as_str();
    let one = |code: &'static str, describe: &dyn Fn(Lang) -> String| vec![FieldError::new(&field.id, code, describe)];
    match field.kind {
        FieldKind::Text | FieldKind::LongText => text::check_text(field, &as_text(field, input)?).map(Value::Text),
        FieldKind::Email => {
            let raw = as_text(field, input)?;
            let trimmed = raw.trim();
            text::check_max(field, trimmed).map_err(|e| vec![e])?;
            email::normalize(trimmed).map(Value::Text).map_err(|e| one(e.code(), &|lang| e.describe(label, lang)))
        }
        FieldKind::Phone => {
            let raw = as_text(field, input)?;
            text::check_max(field, raw.trim()).map_err(|e| vec![e])?;
            phone::normalize(&raw).map(Value::Text).map_err(|e| one(e.code(), &|lang| e.describe(label, lang)))
        }
        FieldKind::Nip => {
            let raw = as_text(field, input)?;
            text::check_max(field, raw.trim()).map_err(|e| vec![e])?;
            nip::parse(&raw, today).map(|nip| Value::Text(nip.as_str().to_owned())).map_err(|errors| {
                errors.iter().map(|e| FieldError::new(&field.id, e.code(), |lang| e.describe(label, lang))).collect()
            })
        }
        FieldKind::Choice => {
            let raw = as_text(field, input)?;
            let wanted = raw.trim();
            let options: Vec<(&str, &str)> = field.options.iter().map(|o| (o.id.as_str(), o.label.as_str())).collect();
            choose(field, "choice-unknown", &options, wanted)
        }
        FieldKind::Product => {
            let raw = as_text(field, input)?;
            let wanted = raw.trim();
            let options: Vec<(&str, &str)> = products.iter().map(|p| (p.id.as_str(), p.label.as_str())).collect();
            choose(field, "product-unknown", &options, wanted)
        }
        FieldKind::Date => match input {
            Input::Text(text) => {
                date::parse(text).map(Value::Date).map_err(|e| one(e.code(), &|lang| e.describe(label, lang)))
            }
            _ => Err(vec![wrong_type(field)]),
        },
        FieldKind::Consent => check_consent(field, input),
        FieldKind::Scale => check_scale(field, input),
        FieldKind::File => match input {
            Input::Files(files) => check_files(field, files),
            _ => Err(vec![wrong_type(field)]),
        },
        // Field ids, separated by commas; which ids exist is the intake
        // form's to say (the engine checks them against it).
        FieldKind::FormFields => {
            let raw = as_text(field, input)?;
            let mut ids: Vec<&str> = Vec::new();
            for id in raw.split(',').map(str::trim).filter(|id| !id.is_empty()) {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            if ids.is_empty() {
                return Err(vec![missing(field)]);
            }
            Ok(Value::Text(ids.join(",")))
        }
    }
}

/// An option (or product) by id, or by its label exactly.
fn choose(field: &Field, code: &'static str, options: &[(&str, &str)], wanted: &str) -> Result<Value, Vec<FieldError>> {
    if let Some((id, _)) = options.iter().find(|(id, label)| *id == wanted || *label == wanted) {
        return Ok(Value::Choice((*id).to_owned()));
    }
    let l = human::label(&field.label);
    let shown = human::quote(wanted);
    let labels: Vec<String> = options.iter().map(|(_, label)| human::label(label)).collect();
    Err(vec![FieldError::new(&field.id, code, |lang| match lang {
        Lang::Id => format!("{l}: {shown} bukan salah satu pilihan. Pilih {}.", human::one_of(&labels, lang)),
        Lang::En => format!("{l}: {shown} is not one of the choices. Choose {}.", human::one_of(&labels, lang)),
    })])
}

/// Words a checkbox or a person sends for yes.
const YES: &[&str] = &["on", "true", "ya", "yes", "1", "setuju"];
/// Words for no.
const NO: &[&str] = &["off", "false", "tidak", "no", "0", "ditolak", "tidak setuju"];

fn check_consent(field: &Field, input: &Input) -> Result<Value, Vec<FieldError>> {
    let agreed = match input {
        Input::Bool(b) => Some(*b),
        Input::Number(1) => Some(true),
        Input::Number(0) => Some(false),
        Input::Text(text) => {
            let word = text.trim().to_lowercase();
            if YES.contains(&word.as_str()) {
                Some(true)
            } else if NO.contains(&word.as_str()) {
                Some(false)
            } else {
                None
            }
        }
        Input::Number(_) | Input::Files(_) => None,
    };
    match agreed {
        Some(false) if field.required => Err(vec![consent_required(field)]),
        Some(agreed) => Ok(Value::Bool(agreed)),
        None => {
            let l = human::label(&field.label);
            let shown = match input {
                Input::Text(text) => human::quote(text.trim()),
                Input::Number(n) => human::quote(&n.to_string()),
                _ => "?".to_owned(),
            };
            Err(vec![FieldError::new(&field.id, "consent-invalid", |lang| match lang {
                Lang::Id => format!("{l}: {shown} bukan jawaban setuju atau tidak setuju."),
                Lang::En => format!("{l}: {shown} is neither agree nor disagree."),
            })])
        }
    }
}

fn check_scale(field: &Field, input: &Input) -> Result<Value, Vec<FieldError>> {
    let l = human::label(&field.label);
    let (min, max) = field.scale_range();
    let score = match input {
        Input::Number(n) => *n,
        Input::Text(text) => match text.trim().parse::<i64>() {
            Ok(n) => n,
            Err(_) => {
                let shown = human::quote(text.trim());
                return Err(vec![FieldError::new(&field.id, "scale-not-number", |lang| match lang {
                    Lang::Id => format!(
                        "{l} harus bilangan bulat {min} sampai {max}; {shown} bukan bilangan \
                             bulat."
                    ),
                    Lang::En => format!("{l} must be a whole number from {min} to {max}; {shown} is not."),
                })]);
            }
        },
        Input::Bool(_) | Input::Files(_) => return Err(vec![wrong_type(field)]),
    };
    if (min..=max).contains(&score) {
        return Ok(Value::Number(score));
    }
    Err(vec![FieldError::new(&field.id, "scale-range", |lang| match lang {
        Lang::Id => format!("{l} harus {min} sampai {max}; yang diisi {score}."),
        Lang::En => format!("{l} must be from {min} to {max}; {score} given."),
    })])
}

/// Whether an id is a SHA-256 in lowercase hex.
fn is_sha256_hex(id: &str) -> bool {
    id.len() == 64 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn check_files(field: &Field, files: &[FileRef]) -> Result<Value, Vec<FieldError>> {
    let l = human::label(&field.label);
    let mut errors = Vec::new();
    let max = field.max_file_count() as usize;
    if files.len() > max {
        let count = files.len();
        errors.push(FieldError::new(&field.id, "file-count", |lang| match lang {
            Lang::Id => format!("{l}: {count} berkas diunggah, paling banyak {max}."),
            Lang::En => format!("{l}: {count} files uploaded, at most {max} allowed.",),
        }));
    }
    let accepted = field.accepted_types();
    for (i, file) in files.iter().enumerate() {
        let shown = human::quote(&file.name);
        // References come from `check_upload`: a hash and a sanitised name.
        if !is_sha256_hex(&file.id) || sanitize_file_name(&file.name, file.file_type) != file.name {
            errors.push(FieldError::new(&field.id, "file-invalid", |lang| match lang {
                Lang::Id => format!("{l}: rujukan berkas {shown} tidak valid; unggah ulang berkas tersebut."),
                Lang::En => format!("{l}: the file reference {shown} is not valid; upload the file again."),
            }));
            continue;
        }
        if files[..i].iter().any(|earlier| earlier.id == file.id) {
            errors.push(FieldError::new(&field.id, "file-duplicate", |lang| match lang {
                Lang::Id => format!("{l}: berkas {shown} diunggah lebih dari sekali."),
                Lang::En => format!("{l}: the file {shown} is uploaded more than once."),
            }));
        }
        if file.size > field.max_file_size().0 {
            errors.push(too_large(field, &shown, file.size));
        }
        if !accepted.contains(&file.file_type) {
            let actual = type_name(file.file_type);
            errors.push(FieldError::new(&field.id, "file-type", |lang| match lang {
                Lang::Id => format!(
                    "{l}: berkas {shown} berjenis {actual}; yang diterima hanya {}.",
                    type_list(&accepted, lang)
                ),
                Lang::En => format!(
                    "{l}: the file {shown} is {actual}; this field accepts only {}.",
                    type_list(&accepted, lang)
                ),
            }));
        }
    }
    if errors.is_empty() { Ok(Value::Files(files.to_vec())) } else { Err(errors) }
}
