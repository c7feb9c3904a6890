//! Uploads: from a raw multipart body to checked file references.
//!
//! Input: one byte giving the chunk size the body arrives in (0: all at
//! once), then a `Content-Type` header value up to the first `\n`, then the
//! body. The body is parsed as `multipart/form-data` with `multer` (the
//! parser axum uses) exactly as the server reads it, and each file part is
//! checked with `check_upload` against the file field it names (the shipped
//! West Sumatra workflow's file fields, or a small one when it names none),
//! then the files of each field are validated together. The whole body is
//! also sniffed and checked as one upload named after the header line.
//!
//! An accepted upload must be what core's property tests say: a 64-digit
//! lowercase hex id, the right size, the sniffed type, one the field
//! accepts, and a safe name that sanitising again leaves alone.
#![no_main]

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use sigap_core::definition::{Field, FieldKind, FileType};
use sigap_core::form::{FileRef, Input, MAX_NAME_CHARS, check_upload, sanitize_file_name, sniff, validate_field};
use sigap_fuzz::{SUMBAR, block_on};

/// The boundary used when the header line names none.
const FALLBACK_BOUNDARY: &str = "sigap-fuzz";
/// At most this many parts are read from one body.
const MAX_PARTS: usize = 64;

/// The file fields of the shipped workflow, and a small one of every type.
static FIELDS: LazyLock<Vec<Field>> = LazyLock::new(|| {
    let file = SUMBAR.definition.file();
    let mut fields: Vec<Field> = file
        .form
        .fields
        .iter()
        .chain(file.actions.iter().flat_map(|a| a.inputs.iter()))
        .filter(|f| f.kind == FieldKind::File)
        .cloned()
        .collect();
    assert!(!fields.is_empty(), "the shipped workflow has file fields");
    let small = serde_json::json!({
        "id": "kecil",
        "label": "Berkas kecil",
        "type": "file",
        "max_files": 2,
        "max_size": "96B",
        "accept": ["pdf", "jpeg", "png", "docx", "xlsx", "odt"],
    });
    fields.push(serde_json::from_value(small).expect("a valid field"));
    fields
});

fuzz_target!(|data: &[u8]| {
    let Some((&chunk, rest)) = data.split_first() else { return };
    let (header, body) = match rest.iter().position(|&b| b == b'\n') {
        Some(end) => (&rest[..end], &rest[end + 1..]),
        None => (rest, &[][..]),
    };
    let header = String::from_utf8_lossy(header);
    let header = header.trim_end_matches('\r');

    // The body as one upload, named after the header line.
    let _ = sniff(body);
    for field in FIELDS.iter() {
        checked(field, header, body);
    }
    for file_type in FileType::ALL {
        let safe = sanitize_file_name(header, file_type);
        assert_safe_name(&safe, file_type);
        assert_eq!(sanitize_file_name(&safe, file_type), safe, "sanitising {safe:?} again changes it");
    }

    // The body as multipart/form-data.
    let boundary = multer::parse_boundary(header).unwrap_or_else(|_| FALLBACK_BOUNDARY.to_owned());
    let size = if chunk == 0 { body.len().max(1) } else { usize::from(chunk) };
    let chunks: Vec<Vec<u8>> = body.chunks(size).map(<[u8]>::to_vec).collect();
    let stream = futures_util::stream::iter(chunks.into_iter().map(Ok::<Vec<u8>, std::convert::Infallible>));
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut by_field: BTreeMap<String, Vec<FileRef>> = BTreeMap::new();
    block_on(async {
        for _ in 0..MAX_PARTS {
            let Ok(Some(part)) = multipart.next_field().await else { break };
            let name = part.name().unwrap_or_default().to_owned();
            match part.file_name().map(str::to_owned) {
                Some(file_name) => {
                    let Ok(bytes) = part.bytes().await else { break };
                    let field = FIELDS.iter().find(|f| f.id == name).unwrap_or(&FIELDS[FIELDS.len() - 1]);
                    if let Some(file) = checked(field, &file_name, &bytes) {
                        by_field.entry(field.id.clone()).or_default().push(file);
                    }
                }
                None => {
                    if part.text().await.is_err() {
                        break;
                    }
                }
            }
        }
    });
    // The files of each field together, as the submission checks them.
    let today = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
    for (id, files) in by_field {
        let field = FIELDS.iter().find(|f| f.id == id).expect("a known field");
        let count = files.len();
        let input = Input::Files(files);
        match validate_field(field, &SUMBAR.definition.file().products, Some(&input), today) {
            Ok(value) => {
                let value = value.expect("files were given");
                assert_eq!(value.files().len(), count);
            }
            Err(errors) => assert!(!errors.is_empty()),
        }
    }
});

/// `check_upload`, and what an accepted upload must be.
fn checked(field: &Field, name: &str, bytes: &[u8]) -> Option<FileRef> {
    match check_upload(field, name, bytes) {
        Ok(file) => {
            assert_eq!(file.id.len(), 64);
            assert!(file.id.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()), "{}", file.id);
            assert_eq!(file.size, bytes.len() as u64);
            assert_eq!(Some(file.file_type), sniff(bytes));
            assert!(field.accepted_types().contains(&file.file_type));
            assert!(file.size <= field.max_file_size().0);
            assert_safe_name(&file.name, file.file_type);
            Some(file)
        }
        Err(error) => {
            assert_eq!(error.field, field.id);
            assert!(!error.message.is_empty() && !error.message_en.is_empty());
            None
        }
    }
}

/// What `sanitize_file_name` promises (as core's property tests check it).
fn assert_safe_name(name: &str, file_type: FileType) {
    assert!(name.chars().count() <= MAX_NAME_CHARS, "{name:?}");
    assert!(!name.contains(['/', '\\', '"', '\'', '`', '<', '>', ':', '|', '?', '*']), "{name:?}");
    assert!(!name.chars().any(char::is_control), "{name:?}");
    assert!(!name.starts_with(['.', ' ']), "{name:?}");
    let (stem, ext) = name.rsplit_once('.').expect("a name with an extension");
    assert!(!stem.is_empty(), "{name:?}");
    let synonyms: &[&str] = match file_type {
        FileType::Jpeg => &["jpg", "jpeg", "jpe", "jfif"],
        other => &[other.extension()],
    };
    assert!(synonyms.contains(&ext), "{name:?}");
}
