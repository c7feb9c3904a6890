//! Recognising a file's type from its first bytes, never from its name.
//!
//! PDF, JPEG and PNG have fixed signatures. DOCX, XLSX and ODT are all ZIP
//! archives; they are told apart by the entries inside, read from the ZIP
//! structures directly (APPNOTE.TXT §4.3) without decompressing anything:
//! - ODT: the first entry is named `mimetype`, is stored uncompressed and
//!   holds exactly `application/vnd.oasis.opendocument.text` (ODF 1.2 part 3,
//!   §3.3);
//! - DOCX / XLSX: an Office Open XML package has `[Content_Types].xml` and
//!   its parts under `word/` or `xl/` (ECMA-376 part 2). Packages carrying
//!   VBA macros (`vbaProject.bin`, i.e. `.docm` / `.xlsm`) are not
//!   recognised.
//!
//! Entry names come from the central directory when the end record is found,
//! else from walking the local headers. Every read is bounds-checked.

use crate::definition::FileType;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
const LOCAL_HEADER: &[u8] = b"PK\x03\x04";
const CENTRAL_HEADER: &[u8] = b"PK\x01\x02";
const END_RECORD: &[u8] = b"PK\x05\x06";
const ODT_MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.text";
/// No more entries than this are looked at.
const MAX_ENTRIES: usize = 10_000;

/// The type of a file, recognised by its content: `None` for anything that
/// is not a PDF, JPEG, PNG, DOCX, XLSX or ODT (a plain ZIP included).
pub fn sniff(bytes: &[u8]) -> Option<FileType> {
    if bytes.starts_with(b"%PDF-") {
        Some(FileType::Pdf)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileType::Jpeg)
    } else if bytes.starts_with(PNG) {
        Some(FileType::Png)
    } else if bytes.starts_with(LOCAL_HEADER) {
        sniff_zip(bytes)
    } else {
        None
    }
}

fn u16_at(bytes: &[u8], at: usize) -> Option<usize> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(usize::from(u16::from_le_bytes([b[0], b[1]])))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<usize> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    usize::try_from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])).ok()
}

/// A local file header (APPNOTE §4.3.7).
struct LocalEntry<'a> {
    name: &'a [u8],
    method: usize,
    /// Where the entry's data starts.
    data: usize,
    /// The compressed size, 0 if it follows the data (flag bit 3).
    size: usize,
    /// Whether the sizes follow the data in a data descriptor.
    descriptor: bool,
}

fn local_entry(bytes: &[u8], at: usize) -> Option<LocalEntry<'_>> {
    if bytes.get(at..at.checked_add(4)?)? != LOCAL_HEADER {
        return None;
    }
    let flags = u16_at(bytes, at + 6)?;
    let method = u16_at(bytes, at + 8)?;
    let size = u32_at(bytes, at + 18)?;
    let name_len = u16_at(bytes, at + 26)?;
    let extra_len = u16_at(bytes, at + 28)?;
    let name_start = at + 30;
    let name = bytes.get(name_start..name_start + name_len)?;
    Some(LocalEntry { name, method, data: name_start + name_len + extra_len, size, descriptor: flags & 0x8 != 0 })
}

/// Entry names from the central directory (APPNOTE §4.3.12, §4.3.16).
fn central_names(bytes: &[u8]) -> Option<Vec<&[u8]>> {
    // The end record is 22 bytes plus a comment of at most 65 535.
    let last = bytes.len().checked_sub(22)?;
    let first = last.saturating_sub(u16::MAX as usize);
    let end = (first..=last).rev().find(|&at| bytes.get(at..at + 4) == Some(END_RECORD))?;
    let count = u16_at(bytes, end + 10)?;
    let mut at = u32_at(bytes, end + 16)?;
    let mut names = Vec::new();
    for _ in 0..count.min(MAX_ENTRIES) {
        if bytes.get(at..at.checked_add(4)?)? != CENTRAL_HEADER {
            return None;
        }
        let name_len = u16_at(bytes, at + 28)?;
        let extra_len = u16_at(bytes, at + 30)?;
        let comment_len = u16_at(bytes, at + 32)?;
        let name_start = at + 46;
        names.push(bytes.get(name_start..name_start + name_len)?);
        at = name_start + name_len + extra_len + comment_len;
    }
    Some(names)
}

/// Entry names from walking the local headers, as far as sizes are known.
fn local_names(bytes: &[u8]) -> Vec<&[u8]> {
    let mut names = Vec::new();
    let mut at = 0;
    while names.len() < MAX_ENTRIES {
        let Some(entry) = local_entry(bytes, at) else {
            break;
        };
        names.push(entry.name);
        if entry.descriptor && entry.size == 0 {
            break;
        }
        match entry.data.checked_add(entry.size) {
            Some(next) => at = next,
            None => break,
        }
    }
    names
}

fn sniff_zip(bytes: &[u8]) -> Option<FileType> {
    let first = local_entry(bytes, 0)?;
    if first.name == b"mimetype" {
        // ODF: stored, exactly the ODT media type, then the next header.
        let end = first.data.checked_add(ODT_MIMETYPE.len())?;
        let odt = first.method == 0
            && bytes.get(first.data..end) == Some(ODT_MIMETYPE)
            && bytes.get(end..end + 2) == Some(b"PK");
        return odt.then_some(FileType::Odt);
    }
    let names = central_names(bytes).unwrap_or_else(|| local_names(bytes));
    let has = |wanted: &[u8]| names.iter().any(|n| n.eq_ignore_ascii_case(wanted));
    let under =
        |folder: &[u8]| names.iter().any(|n| n.len() > folder.len() && n[..folder.len()].eq_ignore_ascii_case(folder));
    if !has(b"[Content_Types].xml") {
        return None;
    }
    let word = under(b"word/");
    let xl = under(b"xl/");
    let macros = has(b"word/vbaProject.bin") || has(b"xl/vbaProject.bin");
    match (word, xl, macros) {
        (true, false, false) => Some(FileType::Docx),
        (false, true, false) => Some(FileType::Xlsx),
        _ => None,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A minimal ZIP archive of stored entries, with its central directory.
    pub(crate) fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, data) in entries {
            let offset = out.len() as u32;
            let size = data.len() as u32;
            out.extend_from_slice(LOCAL_HEADER);
            out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend_from_slice(&size.to_le_bytes());
            out.extend_from_slice(&size.to_le_bytes());
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(data);

            central.extend_from_slice(CENTRAL_HEADER);
            central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            central.extend_from_slice(&size.to_le_bytes());
            central.extend_from_slice(&size.to_le_bytes());
            central.extend_from_slice(&(name.len() as u16).to_le_bytes());
            central.extend_from_slice(&[0; 12]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let directory = out.len() as u32;
        let count = (entries.len() as u16).to_le_bytes();
        out.extend_from_slice(&central);
        out.extend_from_slice(END_RECORD);
        out.extend_from_slice(&[0, 0, 0, 0]);
        out.extend_from_slice(&count);
        out.extend_from_slice(&count);
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&directory.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    pub(crate) fn docx() -> Vec<u8> {
        zip(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("_rels/.rels", b"<Relationships/>"),
            ("word/document.xml", b"<w:document/>"),
        ])
    }

    pub(crate) fn xlsx() -> Vec<u8> {
        zip(&[("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>")])
    }

    pub(crate) fn odt() -> Vec<u8> {
        zip(&[("mimetype", ODT_MIMETYPE), ("content.xml", b"<office:document-content/>")])
    }

    #[test]
    fn signatures() {
        assert_eq!(sniff(b"%PDF-1.7\n%\xe2\xe3"), Some(FileType::Pdf));
        assert_eq!(sniff(b"\xff\xd8\xff\xe0\x00\x10JFIF"), Some(FileType::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(FileType::Png));
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(b"%PDF"), None);
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b"MZ\x90\0"), None);
        assert_eq!(sniff(b"<html>%PDF-1.7"), None);
    }

    #[test]
    fn office_documents_are_told_apart_by_their_entries() {
        assert_eq!(sniff(&docx()), Some(FileType::Docx));
        assert_eq!(sniff(&xlsx()), Some(FileType::Xlsx));
        assert_eq!(sniff(&odt()), Some(FileType::Odt));
    }

    #[test]
    fn the_local_headers_suffice_without_a_central_directory() {
        let whole = docx();
        let end = whole.windows(4).position(|w| w == CENTRAL_HEADER).unwrap();
        assert_eq!(sniff(&whole[..end]), Some(FileType::Docx));
        let whole = xlsx();
        assert_eq!(sniff(&whole[..whole.len() - 10]), Some(FileType::Xlsx));
    }

    #[test]
    fn other_zips_are_not_documents() {
        assert_eq!(sniff(&zip(&[("foto.jpg", b"\xff\xd8\xff")])), None);
        assert_eq!(sniff(&zip(&[("word/document.xml", b"x")])), None);
        assert_eq!(
            sniff(&zip(&[("[Content_Types].xml", b"x"), ("word/document.xml", b"x"), ("word/vbaProject.bin", b"x"),])),
            None
        );
        assert_eq!(
            sniff(&zip(&[("[Content_Types].xml", b"x"), ("word/document.xml", b"x"), ("xl/workbook.xml", b"x"),])),
            None
        );
        let ods = b"application/vnd.oasis.opendocument.spreadsheet";
        assert_eq!(sniff(&zip(&[("mimetype", ods), ("content.xml", b"x")])), None);
        let ott = b"application/vnd.oasis.opendocument.text-template";
        assert_eq!(sniff(&zip(&[("mimetype", ott), ("content.xml", b"x")])), None);
        assert_eq!(sniff(b"PK\x03\x04"), None);
        assert_eq!(sniff(b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"), None);
    }

    #[test]
    fn truncated_and_lying_archives_do_not_panic() {
        let whole = docx();
        for end in 0..whole.len() {
            let _ = sniff(&whole[..end]);
        }
        let mut lying = docx();
        let len = lying.len();
        // Central directory offset far beyond the end.
        lying[len - 6..len - 2].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(sniff(&lying), Some(FileType::Docx));
        // An entry count far beyond the directory.
        let mut lying = docx();
        lying[len - 12..len - 10].copy_from_slice(&u16::MAX.to_le_bytes());
        let _ = sniff(&lying);
    }
}
