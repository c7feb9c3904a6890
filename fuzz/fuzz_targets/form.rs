//! Form validators on arbitrary text.
//!
//! Input: text, optionally followed by a NUL byte and two bytes giving
//! "today" (little-endian days after 1990-01-01; 2026-07-01 without them).
//!
//! The text goes through the NIP, phone, e-mail and date parsers, checking
//! the normalisation properties core's own property tests state (an
//! accepted value parses again to itself). Then it is validated as the
//! value of every field of the shipped workflows' forms, action inputs and
//! surveys and, if it is a JSON object, as a whole submission (each member
//! read with `Input::from_json`). `validate` must give values only for
//! known fields, or errors with known codes, naming a field or a submitted
//! key, with messages in both languages.
#![no_main]

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use libfuzzer_sys::fuzz_target;
use sigap_core::definition::{Definition, Field};
use sigap_core::form::{CODES, Input, date, email, nip, phone, validate};
use sigap_fuzz::{KABUPATEN, SUMBAR};

fuzz_target!(|data: &[u8]| {
    let (text, trailer) = match data.iter().position(|&b| b == 0) {
        Some(nul) => (&data[..nul], &data[nul + 1..]),
        None => (data, &[][..]),
    };
    let text = String::from_utf8_lossy(text);
    let today = match trailer {
        [a, b, ..] => {
            NaiveDate::from_ymd_opt(1990, 1, 1).unwrap() + chrono::Days::new(u64::from(u16::from_le_bytes([*a, *b])))
        }
        _ => NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
    };
    parsers(&text, today);

    for workflow in [&*SUMBAR, &*KABUPATEN] {
        let definition = &workflow.definition;
        for fields in field_lists(definition) {
            // The text typed into every field at once.
            let everywhere: BTreeMap<String, Input> =
                fields.iter().map(|f| (f.id.clone(), Input::Text(text.to_string()))).collect();
            check_validate(definition, fields, &everywhere, today);
        }
    }
    if let Ok(serde_json::Value::Object(members)) = serde_json::from_str::<serde_json::Value>(&text) {
        let inputs: BTreeMap<String, Input> =
            members.iter().filter_map(|(k, v)| Some((k.clone(), Input::from_json(v)?))).collect();
        for workflow in [&*SUMBAR, &*KABUPATEN] {
            let definition = &workflow.definition;
            for fields in field_lists(definition) {
                check_validate(definition, fields, &inputs, today);
            }
        }
    }
});

/// The intake form, each action's inputs and the survey.
fn field_lists(definition: &Definition) -> Vec<&[Field]> {
    let file = definition.file();
    let mut lists: Vec<&[Field]> = vec![&file.form.fields];
    lists.extend(file.actions.iter().filter(|a| !a.inputs.is_empty()).map(|a| a.inputs.as_slice()));
    if let Some(survey) = &file.survey {
        lists.push(&survey.questions);
    }
    lists
}

fn check_validate(definition: &Definition, fields: &[Field], inputs: &BTreeMap<String, Input>, today: NaiveDate) {
    match validate(fields, &definition.file().products, inputs, today) {
        Ok(values) => {
            for key in values.keys() {
                assert!(fields.iter().any(|f| f.id == *key), "a value for the unknown field {key}");
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for error in &errors {
                assert!(CODES.contains(&error.code), "unknown code {}", error.code);
                assert!(
                    fields.iter().any(|f| f.id == error.field) || inputs.contains_key(&error.field),
                    "an error about {}, which is neither a field nor submitted",
                    error.field
                );
                assert!(!error.message.is_empty() && !error.message_en.is_empty(), "{error:?}");
            }
        }
    }
}

fn parsers(text: &str, today: NaiveDate) {
    // NIP: an accepted number is 18 digits and reads back from its printed forms.
    let grouped = nip::format_grouped(text);
    if let Ok(parsed) = nip::parse(text, today) {
        assert_eq!(parsed.as_str().len(), 18);
        assert!(parsed.as_str().bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(grouped, nip::format_grouped(parsed.as_str()));
        assert_eq!(nip::parse(&grouped, today).as_ref(), Ok(&parsed), "grouped {grouped:?}");
        assert_eq!(nip::parse(&parsed.to_string(), today).as_ref(), Ok(&parsed));
        let _ = (parsed.birth_date(), parsed.tmt(), parsed.is_pppk(), parsed.gender(), parsed.sequence());
    } else if let Err(errors) = nip::parse(text, today) {
        assert!(!errors.is_empty(), "a refused NIP without a reason");
        for error in &errors {
            let _ = (error.code(), error.message_id("NIP"), error.message_en("NIP"));
        }
    }

    // Phone: normalised to +62 and digits, and normalising again changes nothing.
    match phone::parse(text) {
        Ok(parsed) => {
            let once = parsed.e164().to_owned();
            assert!(once.starts_with("+62"), "{once}");
            assert!(once[1..].bytes().all(|b| b.is_ascii_digit()), "{once}");
            assert_eq!(phone::normalize(&once), Ok(once.clone()));
            assert_eq!(phone::normalize(text), Ok(once.clone()));
            assert_eq!(phone::normalize(&parsed.national()), Ok(once));
            let _ = parsed.kind();
        }
        Err(error) => {
            let _ = (error.code(), error.message_id("Telepon"), error.message_en("Phone"));
        }
    }

    // E-mail: the domain in lowercase, and normalising again changes nothing.
    match email::normalize(text) {
        Ok(once) => {
            let (_, domain) = once.split_once('@').expect("an address has an @");
            assert_eq!(domain, domain.to_ascii_lowercase());
            assert_eq!(email::normalize(&once), Ok(once.clone()));
        }
        Err(error) => {
            let _ = (error.code(), error.message_id("Surel"), error.message_en("E-mail"));
        }
    }

    // Dates: an accepted date reads back from its ISO form.
    match date::parse(text) {
        Ok(day) => {
            let iso = format!("{:04}-{:02}-{:02}", day.year(), day.month(), day.day());
            assert_eq!(date::parse(&iso), Ok(day), "{iso}");
        }
        Err(error) => {
            let _ = (error.code(), error.message_id("Tanggal"), error.message_en("Date"));
        }
    }
    let _ = Input::from_json(&serde_json::Value::String(text.to_owned()));
}
