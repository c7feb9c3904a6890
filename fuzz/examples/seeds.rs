//! Writes the seed corpus under `fuzz/corpus/<target>/` and the libFuzzer
//! dictionaries under `fuzz/dicts/`.
//!
//! `cargo run --manifest-path fuzz/Cargo.toml --example seeds` (no fuzzing
//! toolchain needed). Seeds are small and meaningful: the shipped files,
//! valid and invalid values, a real multipart body, a valid history. Files
//! already there are overwritten; others (seeds added by hand) are kept.

use std::fs;
use std::path::{Path, PathBuf};

use std::collections::BTreeSet;

use sigap_core::definition::{PLACEHOLDERS, json_schema};
use sigap_fuzz::{HISTORY, SHIPPED, SUMBAR, shipped};

fn corpus(target: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(target);
    fs::create_dir_all(&dir).expect("create the corpus directory");
    dir
}

fn write(target: &str, name: &str, bytes: &[u8]) {
    let path = corpus(target).join(name);
    fs::write(&path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

/// Writes a libFuzzer dictionary: one quoted token a line.
fn write_dict(target: &str, tokens: &BTreeSet<String>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("dicts");
    fs::create_dir_all(&dir).expect("create the dictionary directory");
    let mut out = format!("# Tokens for the `{target}` target, written by `cargo run --example seeds`.\n");
    for token in tokens {
        let escaped: String = token
            .bytes()
            .map(|b| match b {
                b'"' | b'\\' => format!("\\{}", char::from(b)),
                b' '..=b'~' => char::from(b).to_string(),
                _ => format!("\\x{b:02X}"),
            })
            .collect();
        out.push_str(&format!("\"{escaped}\"\n"));
    }
    fs::write(dir.join(format!("{target}.dict")), out).expect("write a dictionary");
}

/// Property names and string enum values anywhere in a JSON Schema.
fn schema_words(value: &serde_json::Value, keys: &mut BTreeSet<String>, values: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("properties", serde_json::Value::Object(properties)) => keys.extend(properties.keys().cloned()),
                    ("enum", serde_json::Value::Array(items)) => {
                        values.extend(items.iter().filter_map(|v| v.as_str().map(str::to_owned)));
                    }
                    ("const", serde_json::Value::String(v)) => {
                        values.insert(v.clone());
                    }
                    _ => {}
                }
                schema_words(child, keys, values);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| schema_words(v, keys, values)),
        _ => {}
    }
}

fn dictionaries() {
    let (mut keys, mut values) = (BTreeSet::new(), BTreeSet::new());
    schema_words(&json_schema(), &mut keys, &mut values);
    let mut definition = BTreeSet::new();
    for key in &keys {
        definition.insert(format!("{key} = "));
        definition.insert(format!("[{key}]"));
        definition.insert(format!("[[{key}]]"));
    }
    for value in &values {
        definition.insert(format!("\"{value}\""));
    }
    for placeholder in PLACEHOLDERS {
        definition.insert(format!("{{{placeholder}}}"));
    }
    for token in [
        "\"30m\"",
        "\"2h\"",
        "\"1wd\"",
        "\"10MiB\"",
        "\"Asia/Jakarta\"",
        "\"kalender.toml\"",
        " = [",
        "]\n",
        "true",
        "false",
    ] {
        definition.insert(token.to_owned());
    }
    write_dict("definition", &definition);

    let mut calendar = BTreeSet::new();
    for key in [
        "kind",
        "id",
        "label",
        "time_zone",
        "include",
        "hours",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "holidays",
        "working_days",
        "date",
        "from",
        "to",
        "name",
        "type",
        "year",
        "source",
        "source_url",
        "note",
    ] {
        calendar.insert(format!("{key} = "));
    }
    for token in [
        "[hours]",
        "[[holidays]]",
        "[[working_days]]",
        "\"calendar\"",
        "\"holidays\"",
        "\"national\"",
        "\"collective_leave\"",
        "\"regional\"",
        "\"local\"",
        "\"08:00-15:00\"",
        "\"00:00-24:00\"",
        "\"12:30-13:00\"",
        "\"Asia/Jakarta\"",
        "\"Asia/Makassar\"",
        "\"Europe/London\"",
        "\"America/Sao_Paulo\"",
        "\"Australia/Lord_Howe\"",
        "\"America/Havana\"",
        "\"UTC\"",
        "\"../indonesia/libur-nasional-2026.toml\"",
        "2026-03-29",
        "2199-12-31",
        "1900-01-01",
    ] {
        calendar.insert(token.to_owned());
    }
    write_dict("calendar", &calendar);
}

fn with_trailer(text: &str, trailer: &[u8]) -> Vec<u8> {
    let mut out = text.as_bytes().to_vec();
    out.push(0);
    out.extend_from_slice(trailer);
    out
}

/// Calendar operations (see `fuzz_targets/calendar.rs`): op, instant mode, instant, arguments.
fn calendar_ops() -> Vec<u8> {
    let mut ops = Vec::new();
    // add 45m from an instant near 2025–2028, whole minutes
    ops.extend_from_slice(&[0, 1]);
    ops.extend_from_slice(&200_000u32.to_le_bytes());
    ops.extend_from_slice(&[0, 45, 1, 3]); // 45m then 3h (additivity)
    // add 10wd from a whole second
    ops.extend_from_slice(&[1, 2]);
    ops.extend_from_slice(&31_000_000u32.to_le_bytes());
    ops.extend_from_slice(&10u16.to_le_bytes());
    // between three instants, one with nanoseconds
    ops.extend_from_slice(&[2, 3]);
    ops.extend_from_slice(&12_345_678u32.to_le_bytes());
    ops.extend_from_slice(&987_654_321u32.to_le_bytes());
    ops.extend_from_slice(&[1]);
    ops.extend_from_slice(&300_000u32.to_le_bytes());
    ops.extend_from_slice(&[2]);
    ops.extend_from_slice(&90_000_000u32.to_le_bytes());
    // next opening on a Saturday night, 2026-02-07 22:00 WIB
    ops.extend_from_slice(&[3, 2]);
    ops.extend_from_slice(&(1_770_476_400u32 - 1_735_664_400).to_le_bytes());
    ops
}

/// A ZIP archive of stored entries with a central directory.
fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
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

/// A multipart body: `(name, file name, bytes)` parts, text parts without a file name.
fn multipart(chunk: u8, boundary: &str, parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut out = vec![chunk];
    out.extend_from_slice(format!("multipart/form-data; boundary={boundary}\n").as_bytes());
    for (name, file_name, bytes) in parts {
        out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file_name {
            Some(file_name) => out.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => out.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
        }
        out.extend_from_slice(bytes);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    out
}

fn main() {
    dictionaries();

    // definition: the shipped workflows, the test fixture and two broken files.
    for (path, text) in SHIPPED.iter().filter(|(_, t)| t.contains("kind = \"workflow\"")) {
        write("definition", &path.replace('/', "-"), text.as_bytes());
    }
    write("definition", "fixture-uji.toml", include_bytes!("../../core/src/testing/fixture.toml"));
    write("definition", "wrong-kind.toml", b"kind = \"calendar\"\nid = \"x\"\n");
    let broken = shipped("sumbar/konsultasi-hukum.toml")
        .unwrap()
        .replace("kind = \"task\"", "kind = \"tugas\"")
        .replace("time_standard = \"30m\"", "time_standard = \"30d\"");
    write("definition", "sumbar-broken.toml", broken.as_bytes());

    // calendar: the shipped calendars with operations, the holiday files, a stored calendar.
    let ops = calendar_ops();
    for (path, text) in SHIPPED.iter().filter(|(p, _)| p.ends_with("kalender.toml")) {
        write("calendar", &path.replace('/', "-"), &with_trailer(text, &ops));
    }
    for (path, text) in SHIPPED.iter().filter(|(p, _)| p.starts_with("indonesia/")) {
        write("calendar", &path.replace('/', "-"), text.as_bytes());
    }
    write(
        "calendar",
        "kalender-uji.toml",
        &with_trailer(include_str!("../../core/src/testing/kalender-uji.toml"), &ops),
    );
    let stored = serde_json::to_string(SUMBAR.calendar.as_ref()).expect("a calendar serialises");
    write("calendar", "stored-sumbar.json", &with_trailer(&stored, &ops));

    // form: valid and invalid values, a whole form as JSON, a "today" trailer.
    let texts: &[(&str, &str)] = &[
        ("nip-grouped", "19820414 200604 1 003"),
        ("nip-plain", "198204142006041003"),
        ("nip-pppk", "199001012021211001"),
        ("nip-bad-month", "198204142006131003"),
        ("nip-short", "19820414 200604 1"),
        ("nip-letters", "1982O414 200604 1 003"),
        ("phone-mobile", "0812 3456 7890"),
        ("phone-e164", "+62 (0) 812-3456-7890"),
        ("phone-landline", "(0751) 31458"),
        ("phone-foreign", "+1 555 0100"),
        ("phone-service", "0809 1234 567"),
        ("email-mixed-case", "Rahmat.Hidayat@SumbarProv.GO.ID"),
        ("email-no-at", "rahmat.hidayat.sumbarprov.go.id"),
        ("email-bad-local", ".rahmat@sumbarprov.go.id"),
        ("date-iso", "2026-11-28"),
        ("date-day-first", "28/11/2026"),
        ("date-leap", "29-02-2028"),
        ("date-impossible", "31-02-2026"),
        ("choice", "pengadaan"),
        ("consent", "on"),
    ];
    for (name, text) in texts {
        write("form", name, text.as_bytes());
    }
    write("form", "nip-today-1999", &with_trailer("19820414 200604 1 003", &3_500u16.to_le_bytes()));
    let form = serde_json::json!({
        "nama": "Rahmat Hidayat",
        "nip": "19820414 200604 1 003",
        "jabatan": "Pejabat Pembuat Komitmen",
        "unit_kerja": "Dinas Pekerjaan Umum dan Penataan Ruang",
        "alamat": "Jalan Khatib Sulaiman No. 7, Padang",
        "telepon": "0812 3456 7890",
        "email": "rahmat.hidayat@sumbarprov.go.id",
        "kategori": "pengadaan",
        "pokok_masalah": "Pemutusan kontrak penyedia jasa konstruksi",
        "uraian": "Penyedia terlambat 60 hari dari jadwal.",
        "pertanyaan": "Apakah pemutusan kontrak sepihak dapat dilakukan?",
        "dokumen": [{"id": format!("{:064x}", 1), "name": "surat.pdf", "file_type": "pdf", "size": 48213}],
        "persetujuan": true,
        "kemudahan": 5,
        "saran": "Terima kasih.",
    });
    write("form", "intake-form.json", serde_json::to_string_pretty(&form).unwrap().as_bytes());

    // upload: real multipart bodies.
    let pdf: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";
    let jpeg: &[u8] = b"\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0\xff\xd9";
    let docx = zip(&[("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>")]);
    let odt = zip(&[("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<office/>")]);
    let boundary = "----sigapBoundary7MA4YWxkTrZu0gW";
    write(
        "upload",
        "intake-pdf.multipart",
        &multipart(0, boundary, &[("nama", None, b"Rahmat Hidayat"), ("dokumen", Some("Surat Teguran.PDF"), pdf)]),
    );
    write(
        "upload",
        "answer-docx-chunked.multipart",
        &multipart(7, boundary, &[("dokumen_kajian", Some("../kajian.docx"), &docx), ("ringkasan", None, b"Ringkas.")]),
    );
    write(
        "upload",
        "images.multipart",
        &multipart(
            1,
            "b",
            &[
                ("dokumen", Some("foto.jpg"), png),
                ("dokumen", Some("scan\u{202e}gpj.exe"), jpeg),
                ("kecil", Some("x.odt"), &odt),
            ],
        ),
    );
    write(
        "upload",
        "empty-file.multipart",
        &multipart(0, "q", &[("dokumen", Some(""), b""), ("dokumen", Some("a.pdf"), b"")]),
    );
    let mut raw = vec![0u8];
    raw.extend_from_slice(b"laporan.pdf\n");
    raw.extend_from_slice(pdf);
    write("upload", "raw-pdf", &raw);

    // history: the generated valid history, an empty one and a tampering seed.
    let json = serde_json::to_vec(&HISTORY.events).expect("events serialise");
    write("history", "sumbar-case.json", &json);
    write("history", "empty.json", b"[]");
    let mut edits = vec![0xFF];
    edits.extend_from_slice(&[0, 0x40, 0x00, b'X']); // overwrite a byte
    edits.extend_from_slice(&[4, 1, 0, 5]); // swap two events
    write("history", "tamper", &edits);
    println!("seeds written under {}", Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").display());
}
