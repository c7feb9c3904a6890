//! Properties of form checking: no input panics, generated valid NIPs and
//! phone numbers are accepted and normalisation is stable.

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};
use proptest::prelude::*;
use sigap_core::definition::{ByteSize, ChoiceOption, Field, FieldKind, FileType, Product};
use sigap_core::form::{
    CODES, FileRef, Input, MAX_NAME_CHARS, check_upload, date, email, nip, phone, sanitize_file_name, sniff, validate,
};

const KINDS: [FieldKind; 11] = [
    FieldKind::Text,
    FieldKind::LongText,
    FieldKind::Email,
    FieldKind::Phone,
    FieldKind::Nip,
    FieldKind::Choice,
    FieldKind::Date,
    FieldKind::Consent,
    FieldKind::File,
    FieldKind::Scale,
    FieldKind::Product,
];

const IDS: [&str; 6] = ["nama", "nip", "telepon", "email", "dokumen", "skor"];

fn any_date() -> impl Strategy<Value = NaiveDate> {
    // 0001-01-01 to about 9999.
    (1..3_650_000_i32).prop_map(|days| NaiveDate::from_num_days_from_ce_opt(days).unwrap())
}

fn field() -> impl Strategy<Value = Field> {
    (
        prop::sample::select(IDS.to_vec()),
        prop::sample::select(KINDS.to_vec()),
        any::<bool>(),
        (prop::option::of(0..40_u32), prop::option::of(0..300_u32)),
        prop::collection::vec(("[a-z]{0,3}", ".{0,6}"), 0..4),
        (prop::option::of(0..4_u32), prop::option::of(any::<u64>())),
        prop::collection::vec(prop::sample::select(FileType::ALL.to_vec()), 0..3),
        (prop::option::of(any::<i64>()), prop::option::of(any::<i64>())),
    )
        .prop_map(
            |(id, kind, required, (min_length, max_length), options, (max_files, max_size), accept, (min, max))| {
                Field {
                    id: id.to_owned(),
                    label: format!("Isian {id}"),
                    kind,
                    required,
                    confidential: false,
                    public: false,
                    help: None,
                    min_length,
                    max_length,
                    options: options.into_iter().map(|(id, label)| ChoiceOption { id, label }).collect(),
                    max_files,
                    max_size: max_size.map(ByteSize),
                    accept,
                    min,
                    max,
                    text: None,
                }
            },
        )
}

fn file_ref() -> impl Strategy<Value = FileRef> {
    (prop_oneof!["[0-9a-f]{64}", ".{0,70}"], ".{0,20}", prop::sample::select(FileType::ALL.to_vec()), any::<u64>())
        .prop_map(|(id, name, file_type, size)| FileRef { id, name, file_type, size })
}

fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        any::<String>().prop_map(Input::Text),
        "[+]?[0-9 ().-]{0,22}".prop_map(Input::Text),
        "[0-9 ]{0,24}".prop_map(Input::Text),
        "[0-9]{1,4}[-/][0-9]{1,4}[-/][0-9]{1,4}".prop_map(Input::Text),
        "[a-zA-Z0-9.@_-]{0,30}".prop_map(Input::Text),
        prop::sample::select(vec!["on", "ya", "ditolak", "", " ", "\r\n"]).prop_map(|s| Input::Text(s.to_owned())),
        any::<bool>().prop_map(Input::Bool),
        any::<i64>().prop_map(Input::Number),
        prop::collection::vec(file_ref(), 0..4).prop_map(Input::Files),
    ]
}

fn inputs() -> impl Strategy<Value = BTreeMap<String, Input>> {
    let key = prop_oneof![prop::sample::select(IDS.to_vec()).prop_map(str::to_owned), ".{0,8}",];
    prop::collection::btree_map(key, input(), 0..8)
}

/// A ZIP archive of stored entries with a central directory.
fn zip(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = out.len() as u32;
        let size = (data.len() as u32).to_le_bytes();
        let name_len = (name.len() as u16).to_le_bytes();
        out.extend_from_slice(b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0\0\0\0\0");
        out.extend_from_slice(&size);
        out.extend_from_slice(&size);
        out.extend_from_slice(&name_len);
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        central.extend_from_slice(b"PK\x01\x02\x14\0\x14\0\0\0\0\0\0\0\0\0\0\0\0\0");
        central.extend_from_slice(&size);
        central.extend_from_slice(&size);
        central.extend_from_slice(&name_len);
        central.extend_from_slice(&[0; 12]);
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let directory = (out.len() as u32).to_le_bytes();
    let count = (entries.len() as u16).to_le_bytes();
    let central_len = (central.len() as u32).to_le_bytes();
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend_from_slice(&count);
    out.extend_from_slice(&count);
    out.extend_from_slice(&central_len);
    out.extend_from_slice(&directory);
    out.extend_from_slice(&[0, 0]);
    out
}

fn zip_entries() -> impl Strategy<Value = Vec<(String, Vec<u8>)>> {
    let name = prop_oneof![
        prop::sample::select(vec![
            "[Content_Types].xml",
            "word/document.xml",
            "xl/workbook.xml",
            "word/vbaProject.bin",
            "mimetype",
            "_rels/.rels",
            "content.xml",
        ])
        .prop_map(str::to_owned),
        "[a-z/._]{0,12}",
    ];
    let data = prop_oneof![
        Just(b"application/vnd.oasis.opendocument.text".to_vec()),
        prop::collection::vec(any::<u8>(), 0..40),
    ];
    prop::collection::vec((name, data), 0..6)
}

/// A valid NIP at `today`, its parts generated within the rules.
fn valid_nip() -> impl Strategy<Value = (NaiveDate, String, NaiveDate)> {
    (
        // 2000-01-01 to about 2150.
        730_119..785_000_i32,
        18..=69_u32,
        0..365_u64,
        any::<u32>(),
        1..=2_u8,
        1..=999_u16,
    )
        .prop_map(|(today, years, days, tmt_pick, gender, sequence)| {
            let today = NaiveDate::from_num_days_from_ce_opt(today).unwrap();
            let birth = (today - Months::new(years * 12)) - chrono::Days::new(days);
            let adult = birth + Months::new(nip::MIN_AGE_YEARS * 12);
            let first = adult.year() * 12 + adult.month0() as i32;
            let last = today.year() * 12 + today.month0() as i32;
            let tmt = first + (tmt_pick % (last - first + 1) as u32) as i32;
            let digits = format!("{}{:04}{:02}{gender}{sequence:03}", birth.format("%Y%m%d"), tmt / 12, tmt % 12 + 1);
            (today, digits, birth)
        })
}

/// A valid Indonesian number (national significant number) and a way of
/// typing it.
fn typed_phone() -> impl Strategy<Value = (String, String)> {
    let national = prop_oneof!["8[1-35-9][0-9]{7,10}", "[2-79][0-9]{6,10}",];
    let prefix = prop::sample::select(vec!["0", "62", "+62", "+62 ", "+62 (0)", "(0", "62-"]);
    let separators = prop::collection::vec(prop::sample::select(vec!["", " ", "-", ".", ")"]), 12);
    (national, prefix, separators).prop_map(|(national, prefix, separators)| {
        let mut typed = prefix.to_owned();
        for (i, digit) in national.chars().enumerate() {
            typed.push(digit);
            typed.push_str(separators[i % separators.len()]);
        }
        (national, typed)
    })
}

/// Named `form` so that `cargo test form` selects these tests.
mod form {
    use super::*;

    proptest! {
        #[test]
        fn validate_never_panics_and_every_error_is_explained(
            fields in prop::collection::vec(field(), 0..6),
            inputs in inputs(),
            today in any_date(),
        ) {
            let products = vec![Product {
                id: "pendapat_hukum".into(),
                label: "Pendapat hukum".into(),
                description: None,
                referral: false,
            }];
            match validate(&fields, &products, &inputs, today) {
                Ok(values) => {
                    for key in values.keys() {
                        prop_assert!(fields.iter().any(|f| f.id == *key));
                    }
                }
                Err(errors) => {
                    prop_assert!(!errors.is_empty());
                    for error in &errors {
                        prop_assert!(CODES.contains(&error.code), "{}", error.code);
                        prop_assert!(
                            fields.iter().any(|f| f.id == error.field)
                                || inputs.contains_key(&error.field)
                        );
                        prop_assert!(!error.message.is_empty() && !error.message_en.is_empty());
                    }
                }
            }
        }

        #[test]
        fn parsers_never_panic_on_any_text(text in any::<String>(), today in any_date()) {
            let _ = nip::parse(&text, today);
            let _ = nip::format_grouped(&text);
            let _ = phone::parse(&text);
            let _ = email::normalize(&text);
            let _ = date::parse(&text);
            let _ = Input::from_json(&serde_json::Value::String(text));
        }

        #[test]
        fn sniffing_never_panics_on_any_bytes(
            bytes in prop::collection::vec(any::<u8>(), 0..512),
        ) {
            let _ = sniff(&bytes);
            let mut zip_like = b"PK\x03\x04".to_vec();
            zip_like.extend_from_slice(&bytes);
            let _ = sniff(&zip_like);
        }

        #[test]
        fn archives_are_classified_by_their_entries_even_when_damaged(
            entries in zip_entries(),
            cut in any::<prop::sample::Index>(),
            flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
        ) {
            let whole = zip(&entries);
            let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
            let has = |n: &str| names.contains(&n);
            let under = |p: &str| names.iter().any(|n| n.len() > p.len() && n.starts_with(p));
            let expected = if names.first() == Some(&"mimetype") {
                // Stored, so the next header (or the central directory) follows.
                (entries[0].1 == b"application/vnd.oasis.opendocument.text")
                    .then_some(FileType::Odt)
            } else if !has("[Content_Types].xml") || has("word/vbaProject.bin") {
                None
            } else {
                match (under("word/"), under("xl/")) {
                    (true, false) => Some(FileType::Docx),
                    (false, true) => Some(FileType::Xlsx),
                    _ => None,
                }
            };
            prop_assert_eq!(sniff(&whole), expected);
            let _ = sniff(&whole[..cut.index(whole.len() + 1)]);
            let mut damaged = whole;
            if !damaged.is_empty() {
                for (at, byte) in flips {
                    let i = at.index(damaged.len());
                    damaged[i] = byte;
                }
            }
            let _ = sniff(&damaged);
        }

        #[test]
        fn uploads_never_panic_and_accepted_ones_are_safe(
            field in field(),
            name in any::<String>(),
            head in prop::sample::select(vec![
                &b"%PDF-"[..], &b"\xff\xd8\xff"[..], &b"\x89PNG\r\n\x1a\n"[..], &b""[..],
            ]),
            tail in prop::collection::vec(any::<u8>(), 0..64),
        ) {
            let bytes = [head, &tail[..]].concat();
            if let Ok(file) = check_upload(&field, &name, &bytes) {
                prop_assert_eq!(file.id.len(), 64);
                prop_assert!(file.id.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
                prop_assert_eq!(file.size, bytes.len() as u64);
                prop_assert_eq!(Some(file.file_type), sniff(&bytes));
                prop_assert!(field.accepted_types().contains(&file.file_type));
                assert_safe_name(&file.name, file.file_type);
            }
        }

        #[test]
        fn sanitised_names_are_always_safe(
            name in any::<String>(),
            file_type in prop::sample::select(FileType::ALL.to_vec()),
        ) {
            let safe = sanitize_file_name(&name, file_type);
            assert_safe_name(&safe, file_type);
            prop_assert_eq!(sanitize_file_name(&safe, file_type), safe);
        }

        #[test]
        fn a_generated_valid_nip_parses_and_round_trips((today, digits, birth) in valid_nip()) {
            let parsed = nip::parse(&digits, today);
            prop_assert!(parsed.is_ok(), "{} at {}: {:?}", digits, today, parsed);
            let parsed = parsed.unwrap();
            prop_assert_eq!(parsed.as_str(), digits.as_str());
            prop_assert_eq!(parsed.birth_date(), birth);
            let grouped = nip::format_grouped(&digits);
            prop_assert_eq!(grouped.len(), 21);
            prop_assert_eq!(&nip::parse(&grouped, today).unwrap(), &parsed);
            prop_assert_eq!(&nip::parse(&parsed.to_string(), today).unwrap(), &parsed);
            prop_assert_eq!(nip::format_grouped(parsed.as_str()), grouped);
        }

        #[test]
        fn phone_normalisation_is_idempotent(
            text in prop_oneof![any::<String>(), "[+]?(62|0)?[0-9 ().-]{0,20}"],
        ) {
            if let Ok(once) = phone::normalize(&text) {
                prop_assert!(once.starts_with("+62"));
                prop_assert!(once[1..].bytes().all(|b| b.is_ascii_digit()));
                prop_assert_eq!(phone::normalize(&once), Ok(once));
            }
        }

        #[test]
        fn typed_phone_numbers_normalise_to_e164((national, typed) in typed_phone()) {
            let expected = format!("+62{national}");
            prop_assert_eq!(phone::normalize(&typed), Ok(expected.clone()), "{}", typed);
            prop_assert_eq!(phone::normalize(&expected), Ok(expected));
        }

        #[test]
        fn email_normalisation_is_idempotent(
            text in prop_oneof![any::<String>(), "[a-zA-Z0-9._+-]{1,12}@[a-zA-Z0-9.-]{1,16}"],
        ) {
            if let Ok(once) = email::normalize(&text) {
                let (_, domain) = once.split_once('@').unwrap();
                prop_assert_eq!(domain, domain.to_ascii_lowercase());
                prop_assert_eq!(email::normalize(&once), Ok(once.clone()));
            }
        }
    }

    fn assert_safe_name(name: &str, file_type: FileType) {
        assert!(name.chars().count() <= MAX_NAME_CHARS, "{name}");
        assert!(!name.contains(['/', '\\', '"', '\'', '`', '<', '>', ':', '|', '?', '*']), "{name}");
        assert!(!name.chars().any(char::is_control), "{name:?}");
        assert!(!name.starts_with(['.', ' ']), "{name:?}");
        let (stem, ext) = name.rsplit_once('.').unwrap();
        assert!(!stem.is_empty(), "{name:?}");
        let expected = file_type.extension();
        let synonyms: &[&str] = match file_type {
            FileType::Jpeg => &["jpg", "jpeg", "jpe", "jfif"],
            _ => &[expected],
        };
        assert!(synonyms.contains(&ext), "{name:?}");
    }
}
