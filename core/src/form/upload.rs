//! Uploaded files: checked against a `file` field, identified by hash, with
//! a name that is safe to store and to serve.
//!
//! The type comes from [`sniff`], never from the name; a name whose
//! extension claims an accepted type the content does not have gets a
//! message saying so.

use sha2::{Digest, Sha256};

use super::error::FieldError;
use super::human::{self, Lang};
use super::sniff::sniff;
use super::value::FileRef;
use crate::definition::{Field, FileType, hex};

/// The longest stored file name, in characters, extension included.
pub const MAX_NAME_CHARS: usize = 120;

/// The name used when nothing of the uploaded name is left.
const FALLBACK_STEM: &str = "berkas";

/// Characters dropped from file names besides control and invisible ones:
/// quotes, and what Windows refuses in names.
const DROPPED: &str = "\"'`<>:|?*";

/// How people call a file type.
pub(crate) fn type_name(file_type: FileType) -> &'static str {
    match file_type {
        FileType::Pdf => "PDF",
        FileType::Jpeg => "JPEG",
        FileType::Png => "PNG",
        FileType::Docx => "DOCX",
        FileType::Xlsx => "XLSX",
        FileType::Odt => "ODT",
    }
}

/// The accepted types for people: `PDF, JPEG atau PNG`.
pub(crate) fn type_list(types: &[FileType], lang: Lang) -> String {
    let names: Vec<String> = types.iter().map(|t| type_name(*t).to_owned()).collect();
    human::one_of(&names, lang)
}

/// The type an extension names (`jpg`, `JPEG`, `jfif` → JPEG).
fn type_of_extension(extension: &str) -> Option<FileType> {
    match extension.to_ascii_lowercase().as_str() {
        "pdf" => Some(FileType::Pdf),
        "jpg" | "jpeg" | "jpe" | "jfif" => Some(FileType::Jpeg),
        "png" => Some(FileType::Png),
        "docx" => Some(FileType::Docx),
        "xlsx" => Some(FileType::Xlsx),
        "odt" => Some(FileType::Odt),
        _ => None,
    }
}

/// The part after the last path separator (`/` or `\`).
fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

/// `(stem, extension)` if the name ends in something that looks like an
/// extension: 1–5 ASCII letters and digits, at least one a letter.
fn split_extension(name: &str) -> (&str, Option<&str>) {
    match name.rsplit_once('.') {
        Some((stem, ext))
            if !stem.is_empty()
                && (1..=5).contains(&ext.len())
                && ext.bytes().all(|b| b.is_ascii_alphanumeric())
                && ext.bytes().any(|b| b.is_ascii_alphabetic()) =>
        {
            (stem, Some(ext))
        }
        _ => (name, None),
    }
}

/// The extension of an uploaded name, as typed.
fn extension_of(name: &str) -> Option<&str> {
    split_extension(base_name(name).trim()).1
}

/// A file name that is safe to store and serve, for content of `file_type`.
///
/// Any directory part is dropped; control characters, invisible characters
/// (zero-width, bidirectional overrides), quotes and ``<>:|?*`` are
/// removed; runs of whitespace become one space; leading and trailing dots
/// and spaces go. The extension becomes the type's: kept (in lowercase) if
/// it already names the type (`FOTO.JPEG` → `FOTO.jpeg`), replaced if it
/// names something else (`scan.jpg` holding a PNG → `scan.png`), added if
/// there is none. The result has at most [`MAX_NAME_CHARS`] characters;
/// if no name is left it is `berkas.<ext>`.
pub fn sanitize_file_name(name: &str, file_type: FileType) -> String {
    let mut cleaned = String::new();
    for c in base_name(name).chars() {
        if c.is_whitespace() {
            if !cleaned.ends_with(' ') {
                cleaned.push(' ');
            }
        } else if !(c.is_control() || human::is_invisible(c) || DROPPED.contains(c)) {
            cleaned.push(c);
        }
    }
    let trim = |s: &str| -> String { s.trim_matches(|c: char| c == '.' || c == ' ').to_owned() };
    let cleaned = trim(&cleaned);
    let (stem, extension) = split_extension(&cleaned);
    let extension = match extension {
        Some(ext) if type_of_extension(ext) == Some(file_type) => ext.to_ascii_lowercase(),
        _ => file_type.extension().to_owned(),
    };
    let stem = trim(stem);
    let room = MAX_NAME_CHARS - 1 - extension.len();
    let stem: String = stem.chars().take(room).collect();
    let stem = trim(&stem);
    let stem = if stem.is_empty() { FALLBACK_STEM } else { &stem };
    format!("{stem}.{extension}")
}

/// Check an uploaded file against a `file` field: not empty, within the
/// size limit, of an accepted type (recognised by content). Returns the
/// reference to store: the SHA-256 of the bytes, the sanitised name and
/// the recognised type.
pub fn check_upload(field: &Field, name: &str, bytes: &[u8]) -> Result<FileRef, FieldError> {
    let l = human::label(&field.label);
    let shown = human::quote(base_name(name).trim());
    let size = bytes.len() as u64;
    let limit = field.max_file_size().0;
    if size == 0 {
        return Err(FieldError::new(&field.id, "file-empty", |lang| match lang {
            Lang::Id => format!("{l}: berkas {shown} kosong (0 bita)."),
            Lang::En => format!("{l}: the file {shown} is empty (0 bytes)."),
        }));
    }
    if size > limit {
        return Err(too_large(field, &shown, size));
    }
    let accepted = field.accepted_types();
    let sniffed = sniff(bytes);
    match sniffed {
        Some(file_type) if accepted.contains(&file_type) => {
            Ok(FileRef { id: hex(&Sha256::digest(bytes)), name: sanitize_file_name(name, file_type), file_type, size })
        }
        _ => Err(wrong_type(field, &shown, extension_of(name), sniffed, &accepted)),
    }
}

/// `file-too-large`, shared with [`super::validate`].
pub(crate) fn too_large(field: &Field, shown: &str, size: u64) -> FieldError {
    let l = human::label(&field.label);
    let limit = field.max_file_size().0;
    // Rounded sizes that read the same are shown in bytes.
    let (size_id, limit_id) = (human::size_like(size, limit, Lang::Id), human::limit(limit, Lang::Id));
    let exact = size_id == limit_id;
    FieldError::new(&field.id, "file-too-large", |lang| {
        let (size, limit) = if exact {
            let unit = if lang == Lang::Id { "bita" } else { "bytes" };
            (format!("{size} {unit}"), format!("{limit} {unit}"))
        } else {
            (human::size_like(size, limit, lang), human::limit(limit, lang))
        };
        match lang {
            Lang::Id => {
                format!("{l}: berkas {shown} berukuran {size}, melebihi batas {limit} per berkas.")
            }
            Lang::En => {
                format!("{l}: the file {shown} is {size}, more than the limit of {limit} per file.")
            }
        }
    })
}

/// `file-disguised`, `file-type-unknown` or `file-type`.
fn wrong_type(
    field: &Field,
    shown: &str,
    extension: Option<&str>,
    sniffed: Option<FileType>,
    accepted: &[FileType],
) -> FieldError {
    let l = human::label(&field.label);
    let expected = |lang| type_list(accepted, lang);
    let claimed = extension.and_then(type_of_extension);
    match (claimed, sniffed) {
        // The name claims an accepted type the content is not.
        (Some(claimed), _) if accepted.contains(&claimed) && Some(claimed) != sniffed => {
            let claimed = type_name(claimed);
            let ext = extension.unwrap_or_default().to_ascii_lowercase();
            FieldError::new(&field.id, "file-disguised", |lang| match (sniffed, lang) {
                (Some(actual), Lang::Id) => format!(
                    "{l}: berkas {shown} bukan {claimed} meskipun namanya .{ext}; isinya {}. \
                         Yang diterima: {}.",
                    type_name(actual),
                    expected(lang)
                ),
                (Some(actual), Lang::En) => format!(
                    "{l}: the file {shown} is not {claimed} although its name ends in \
                         .{ext}; its content is {}. Accepted: {}.",
                    type_name(actual),
                    expected(lang)
                ),
                (None, Lang::Id) => format!(
                    "{l}: berkas {shown} bukan {claimed} meskipun namanya .{ext}; isinya \
                         tidak dikenali. Yang diterima: {}.",
                    expected(lang)
                ),
                (None, Lang::En) => format!(
                    "{l}: the file {shown} is not {claimed} although its name ends in \
                         .{ext}; its content is not recognised. Accepted: {}.",
                    expected(lang)
                ),
            })
        }
        (_, Some(actual)) => FieldError::new(&field.id, "file-type", |lang| match lang {
            Lang::Id => {
                format!("{l}: berkas {shown} berjenis {}; yang diterima hanya {}.", type_name(actual), expected(lang))
            }
            Lang::En => {
                format!("{l}: the file {shown} is {}; this field accepts only {}.", type_name(actual), expected(lang))
            }
        }),
        (_, None) => FieldError::new(&field.id, "file-type-unknown", |lang| match lang {
            Lang::Id => format!("{l}: jenis berkas {shown} tidak dikenali; yang diterima hanya {}.", expected(lang)),
            Lang::En => format!(
                "{l}: the type of the file {shown} is not recognised; this field accepts only {}.",
                expected(lang)
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::{ByteSize, FieldKind};
    use crate::form::sniff::tests::{docx, odt};

    fn field() -> Field {
        Field {
            id: "dokumen".into(),
            label: "Dokumen pendukung".into(),
            kind: FieldKind::File,
            required: false,
            confidential: false,
            public: false,
            help: None,
            min_length: None,
            max_length: None,
            options: vec![],
            max_files: Some(5),
            max_size: Some(ByteSize(1024)),
            accept: vec![FileType::Pdf, FileType::Jpeg, FileType::Png, FileType::Docx],
            min: None,
            max: None,
            text: None,
        }
    }

    /// Issue 19: a "5MB" limit reads "5 MB", and the file's size is shown in the same units.
    #[test]
    fn a_decimal_limit_is_named_as_written() {
        let field = Field { max_size: Some(ByteSize(5_000_000)), ..field() };
        let error = too_large(&field, "“besar.pdf”", 6_240_000);
        assert!(error.message.contains("berukuran 6,2 MB, melebihi batas 5 MB per berkas"), "{}", error.message);
    }

    #[test]
    fn names_lose_paths_controls_quotes_and_wrong_extensions() {
        let pdf = FileType::Pdf;
        assert_eq!(sanitize_file_name("surat.pdf", pdf), "surat.pdf");
        assert_eq!(sanitize_file_name("C:\\Users\\andi\\Surat Kuasa.PDF", pdf), "Surat Kuasa.pdf");
        assert_eq!(sanitize_file_name("../../etc/passwd", pdf), "passwd.pdf");
        assert_eq!(sanitize_file_name("a\"b'c`<d>:e|f?g*.pdf", pdf), "abcdefg.pdf");
        assert_eq!(sanitize_file_name("surat\u{0}\n  kuasa\t.pdf", pdf), "surat kuasa.pdf");
        assert_eq!(sanitize_file_name("laporan\u{202E}fdp.exe", pdf), "laporanfdp.pdf");
        assert_eq!(sanitize_file_name("laporan.exe", pdf), "laporan.pdf");
        assert_eq!(sanitize_file_name("Surat No. 12.2024", pdf), "Surat No. 12.2024.pdf");
        assert_eq!(sanitize_file_name("scan.jpg", FileType::Png), "scan.png");
        assert_eq!(sanitize_file_name("FOTO.JPEG", FileType::Jpeg), "FOTO.jpeg");
        assert_eq!(sanitize_file_name(".htaccess", pdf), "htaccess.pdf");
        assert_eq!(sanitize_file_name("", pdf), "berkas.pdf");
        assert_eq!(sanitize_file_name("...", pdf), "berkas.pdf");
        assert_eq!(sanitize_file_name("dir/", pdf), "berkas.pdf");
        assert_eq!(sanitize_file_name(".pdf", pdf), "pdf.pdf");
        let long = sanitize_file_name(&format!("{}.pdf", "é".repeat(300)), pdf);
        assert_eq!(long.chars().count(), MAX_NAME_CHARS);
        assert!(long.ends_with("é.pdf"));
    }

    #[test]
    fn an_accepted_upload_is_hashed_and_renamed() {
        let file = check_upload(&field(), "scan surat.pdf", b"%PDF-1.4 tiny").unwrap();
        assert_eq!(file.file_type, FileType::Pdf);
        assert_eq!(file.size, 13);
        assert_eq!(file.name, "scan surat.pdf");
        assert_eq!(file.id, hex(&Sha256::digest(b"%PDF-1.4 tiny")));
        assert_eq!(file.id.len(), 64);
        let file = check_upload(&field(), "foto.pdf", b"\x89PNG\r\n\x1a\n").unwrap();
        assert_eq!((file.file_type, file.name.as_str()), (FileType::Png, "foto.png"));
    }

    #[test]
    fn rejections_say_why() {
        let code = |name: &str, bytes: &[u8]| check_upload(&field(), name, bytes).unwrap_err().code;
        assert_eq!(code("a.pdf", b""), "file-empty");
        assert_eq!(code("a.pdf", &[b'%'; 1025]), "file-too-large");
        assert_eq!(code("a.pdf", b"MZ\x90\0"), "file-disguised");
        assert_eq!(code("a.pdf", &odt()), "file-disguised");
        assert_eq!(code("a.exe", b"MZ\x90\0"), "file-type-unknown");
        assert_eq!(code("a.odt", &odt()), "file-type");
        assert_eq!(code("a", &odt()), "file-type");
        assert!(check_upload(&field(), "a.docx", &docx()).is_ok());
        let error = check_upload(&field(), "laporan.pdf", b"<html>").unwrap_err();
        assert_eq!(
            error.message,
            "“Dokumen pendukung”: berkas “laporan.pdf” bukan PDF meskipun namanya .pdf; isinya \
             tidak dikenali. Yang diterima: PDF, JPEG, PNG atau DOCX."
        );
    }
}
