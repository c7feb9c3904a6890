//! The message of every form error code, in Bahasa Indonesia and English,
//! as people read them. Every code in `CODES` has an example here.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde_json::json;
use sigap_core::definition::{Field, FileType, Product};
use sigap_core::form::{CODES, FieldError, FileRef, Input, check_upload, validate, validate_field};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

fn field(id: &str, label: &str, kind: &str, extra: &serde_json::Value) -> Field {
    let mut json = json!({"id": id, "label": label, "type": kind});
    if let (Some(base), Some(extra)) = (json.as_object_mut(), extra.as_object()) {
        base.extend(extra.clone());
    }
    serde_json::from_value(json).unwrap()
}

fn products() -> Vec<Product> {
    serde_json::from_value(json!([
        {"id": "pendapat_hukum", "label": "Pendapat hukum"},
        {"id": "penjelasan_peraturan", "label": "Penjelasan peraturan"},
        {"id": "rujukan", "label": "Rujukan", "referral": true}
    ]))
    .unwrap()
}

/// The errors of one field for one input (`None`: nothing submitted).
fn errors(field: &Field, input: Option<&Input>) -> Vec<FieldError> {
    validate_field(field, &products(), input, today()).unwrap_err()
}

fn render(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}\n  id: {}\n  en: {}", e.code, e.message, e.message_en))
        .collect::<Vec<_>>()
        .join("\n")
}

fn general() -> Vec<FieldError> {
    let nama = field("nama", "Nama lengkap", "text", &json!({"required": true}));
    let kategori =
        field("kategori", "Kategori", "choice", &json!({"required": true, "options": [{"id": "a", "label": "A"}]}));
    let dokumen = field("dokumen", "Dokumen pendukung", "file", &json!({"required": true}));
    let inputs = BTreeMap::from([("nama_lengkap".to_owned(), Input::from("Andi"))]);
    let mut all = validate(&[nama.clone(), kategori, dokumen], &[], &inputs, today()).unwrap_err();
    all.extend(errors(&nama, Some(&Input::Bool(true))));
    all
}

fn text() -> Vec<FieldError> {
    let pokok = field("pokok", "Pokok masalah", "text", &json!({"max_length": 10}));
    let uraian = field("uraian", "Uraian permasalahan hukum", "long_text", &json!({"min_length": 30}));
    let mut all = errors(&pokok, Some(&"Pemutusan kontrak".into()));
    all.extend(errors(&pokok, Some(&"Baris 1\nBaris 2".into())));
    all.extend(errors(&uraian, Some(&"Kontrak\u{7} diputus.".into())));
    all
}

fn email() -> Vec<FieldError> {
    let email = field("email", "Email aktif", "email", &json!({}));
    let long = field("email", "Email aktif", "email", &json!({"max_length": 400}));
    [
        "andi saputra@gmail.com",
        "andi.gmail.com",
        "andi@@gmail.com",
        "@gmail.com",
        "andi,saputra@gmail.com",
        "andi..saputra@gmail.com",
        &format!("{}@gmail.com", "a".repeat(65)),
        "andi@",
        "andi@gmail",
        "andi@gmail..com",
        "andi@gmail_com.id",
        "andi@-gmail.com",
        &format!("andi@{}.id", "a".repeat(64)),
        "andi@gmail.c0m",
    ]
    .iter()
    .flat_map(|typed| errors(&email, Some(&(*typed).into())))
    .chain(errors(&email, Some(&format!("{}@b.id", "a".repeat(260)).into())))
    .chain(errors(&long, Some(&format!("{}@{}.id", "a".repeat(60), "b.".repeat(100)).into())))
    .collect()
}

fn phone() -> Vec<FieldError> {
    let phone = field("telepon", "Nomor telepon/WhatsApp", "phone", &json!({}));
    [
        "0812-3456-789O",
        "+65 6123 4567",
        "812 3456 7890",
        "0800 123 4567",
        "0812 345 67",
        "0751 314",
        "0",
        "0812 3456 7890 123",
        "0751 3145 8901 2",
    ]
    .iter()
    .flat_map(|typed| errors(&phone, Some(&(*typed).into())))
    .collect()
}

fn nip() -> Vec<FieldError> {
    let nip = field("nip", "NIP", "nip", &json!({}));
    [
        "19820414-200604-1-003",
        "19820414 200604 1 03",
        "19821345 200604 1 003",
        "20300101 200604 1 003",
        "20100414 202611 1 003",
        "19400101 196501 1 003",
        "19820414 200613 1 003",
        "19820414 199904 1 003",
        "19820414 202701 1 003",
        "19820414 200604 3 003",
        "19820414 200604 1 000",
    ]
    .iter()
    .flat_map(|typed| errors(&nip, Some(&(*typed).into())))
    .collect()
}

fn choices_and_dates() -> Vec<FieldError> {
    let kategori = field(
        "kategori",
        "Kategori permasalahan",
        "choice",
        &json!({"options": [
            {"id": "kepegawaian", "label": "Kepegawaian dan disiplin ASN"},
            {"id": "pengadaan", "label": "Pengadaan barang/jasa"},
            {"id": "lainnya", "label": "Lainnya"}
        ]}),
    );
    let produk = field("produk", "Produk layanan", "product", &json!({}));
    let tanggal = field("tanggal", "Tanggal kejadian", "date", &json!({}));
    let mut all = errors(&kategori, Some(&"korupsi".into()));
    all.extend(errors(&produk, Some(&"nasihat".into())));
    all.extend(errors(&tanggal, Some(&"17 Maret 2026".into())));
    all.extend(errors(&tanggal, Some(&"31/02/2026".into())));
    all.extend(errors(&tanggal, Some(&"2026-13-01".into())));
    all
}

fn consents_and_scales() -> Vec<FieldError> {
    let persetujuan = field("persetujuan", "Syarat dan ketentuan layanan", "consent", &json!({"required": true}));
    let kemudahan = field("kemudahan", "Kemudahan mengakses layanan", "scale", &json!({}));
    let mut all = errors(&persetujuan, None);
    all.extend(errors(&persetujuan, Some(&"ditolak".into())));
    all.extend(errors(&persetujuan, Some(&"mungkin".into())));
    all.extend(errors(&kemudahan, Some(&"baik".into())));
    all.extend(errors(&kemudahan, Some(&Input::Number(7))));
    all
}

fn file(name: &str, byte: &str, file_type: FileType, size: u64) -> FileRef {
    FileRef { id: byte.repeat(32), name: name.to_owned(), file_type, size }
}

fn files() -> Vec<FieldError> {
    let dokumen = field("dokumen", "Dokumen pendukung", "file", &json!({"max_files": 2, "max_size": "10MiB"}));
    let mut bad_id = file("kontrak.pdf", "3f", FileType::Pdf, 1000);
    bad_id.id = "kontrak".into();
    errors(
        &dokumen,
        Some(&Input::Files(vec![
            file("kontrak.pdf", "3f", FileType::Pdf, 482_133),
            file("kontrak (1).pdf", "3f", FileType::Pdf, 482_133),
            file("rekaman.pdf", "4e", FileType::Pdf, 15 * 1024 * 1024 + 300_000),
            file("tabel.xlsx", "5d", FileType::Xlsx, 20_480),
            bad_id,
        ])),
    )
}

fn uploads() -> Vec<FieldError> {
    let dokumen = field("dokumen", "Dokumen jawaban hukum", "file", &json!({"max_size": "1MiB", "accept": ["pdf"]}));
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    [
        ("jawaban.pdf", &b""[..]),
        ("jawaban.pdf", &vec![b'%'; 1024 * 1024 + 1][..]),
        ("jawaban.pdf", &b"<html><body>Jawaban</body></html>"[..]),
        ("jawaban.pdf", &png[..]),
        ("C:\\Dokumen\\jawaban.exe", &b"MZ\x90\0\x03\0\0\0"[..]),
        ("tangkapan layar.png", &png[..]),
    ]
    .iter()
    .map(|(name, bytes)| check_upload(&dokumen, name, bytes).unwrap_err())
    .collect()
}

/// Named `form` so that `cargo test form` selects these tests.
mod form {
    use super::*;

    #[test]
    fn every_code_has_an_example() {
        let shown: BTreeSet<&str> = [
            general(),
            text(),
            email(),
            phone(),
            nip(),
            choices_and_dates(),
            consents_and_scales(),
            files(),
            uploads(),
        ]
        .iter()
        .flatten()
        .map(|e| e.code)
        .collect();
        let all: BTreeSet<&str> = CODES.iter().copied().collect();
        assert_eq!(shown, all);
    }

    #[test]
    fn general_messages() {
        insta::assert_snapshot!(render(&general()), @"
    required
      id: “Nama lengkap” wajib diisi.
      en: “Nama lengkap” is required: fill it in.
    required
      id: “Kategori” wajib dipilih.
      en: “Kategori” is required: choose one.
    required
      id: “Dokumen pendukung” wajib diunggah.
      en: “Dokumen pendukung” is required: upload a file.
    unknown-field
      id: Isian “nama_lengkap” tidak ada pada formulir ini.
      en: This form has no field “nama_lengkap”.
    wrong-type
      id: “Nama lengkap” harus berupa teks.
      en: “Nama lengkap” must be text.
    ");
    }

    #[test]
    fn text_messages() {
        insta::assert_snapshot!(render(&text()), @"
    too-long
      id: “Pokok masalah” terlalu panjang: 17 karakter, paling banyak 10.
      en: “Pokok masalah” is too long: 17 characters, at most 10.
    too-long
      id: “Pokok masalah” terlalu panjang: 15 karakter, paling banyak 10.
      en: “Pokok masalah” is too long: 15 characters, at most 10.
    multiple-lines
      id: “Pokok masalah” harus satu baris; hapus ganti baris (Enter) di dalamnya.
      en: “Pokok masalah” must be a single line; remove the line breaks.
    too-short
      id: “Uraian permasalahan hukum” terlalu pendek: 17 karakter, paling sedikit 30.
      en: “Uraian permasalahan hukum” is too short: 17 characters, at least 30.
    control-character
      id: “Uraian permasalahan hukum” berisi karakter kontrol U+0007 yang tidak diizinkan; hapus karakter itu (sering terbawa saat menyalin teks).
      en: “Uraian permasalahan hukum” contains the control character U+0007, which is not allowed; remove it (it often comes along when copying text).
    ");
    }

    #[test]
    fn email_messages() {
        insta::assert_snapshot!(render(&email()), @"
    email-space
      id: “Email aktif” tidak boleh berisi spasi.
      en: “Email aktif” cannot contain spaces.
    email-at
      id: “Email aktif” harus berbentuk nama@domain, misalnya andi@sumbarprov.go.id.
      en: “Email aktif” must look like name@domain, e.g. andi@sumbarprov.go.id.
    email-at
      id: “Email aktif” hanya boleh memuat satu tanda @.
      en: “Email aktif” may contain only one @.
    email-local
      id: “Email aktif” tidak memuat nama sebelum @.
      en: “Email aktif” has no name before the @.
    email-local
      id: “Email aktif”: karakter “,” tidak diizinkan sebelum @.
      en: “Email aktif”: the character “,” is not allowed before the @.
    email-local
      id: “Email aktif”: nama sebelum @ tidak boleh diawali atau diakhiri titik atau memuat dua titik berurutan.
      en: “Email aktif”: the name before the @ cannot start or end with a dot or contain two dots in a row.
    email-local-too-long
      id: “Email aktif”: nama sebelum @ terlalu panjang: 65 karakter, paling banyak 64.
      en: “Email aktif”: the name before the @ is too long: 65 characters, at most 64.
    email-domain
      id: “Email aktif” tidak memuat domain sesudah @, misalnya gmail.com.
      en: “Email aktif” has no domain after the @, e.g. gmail.com.
    email-domain-dot
      id: “Email aktif”: domain sesudah @ harus memuat titik, misalnya gmail.com atau sumbarprov.go.id.
      en: “Email aktif”: the domain after the @ must contain a dot, e.g. gmail.com or sumbarprov.go.id.
    email-domain
      id: “Email aktif”: domain sesudah @ tidak boleh diawali atau diakhiri titik atau memuat dua titik berurutan.
      en: “Email aktif”: the domain after the @ cannot start or end with a dot or contain two dots in a row.
    email-domain
      id: “Email aktif”: karakter “_” tidak diizinkan dalam domain; domain hanya memuat huruf, angka, tanda hubung dan titik.
      en: “Email aktif”: the character “_” is not allowed in the domain; a domain has only letters, digits, hyphens and dots.
    email-domain
      id: “Email aktif”: bagian domain “-gmail” tidak boleh diawali atau diakhiri tanda hubung.
      en: “Email aktif”: the domain part “-gmail” cannot start or end with a hyphen.
    email-domain
      id: “Email aktif”: bagian domain “aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…” lebih dari 63 karakter.
      en: “Email aktif”: the domain part “aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…” is longer than 63 characters.
    email-tld
      id: “Email aktif”: akhir domain “c0m” tidak valid; akhir domain terdiri atas sedikitnya dua huruf, misalnya .id atau .com.
      en: “Email aktif”: the domain ending “c0m” is not valid; it must be two or more letters, e.g. .id or .com.
    too-long
      id: “Email aktif” terlalu panjang: 265 karakter, paling banyak 254.
      en: “Email aktif” is too long: 265 characters, at most 254.
    email-too-long
      id: “Email aktif” terlalu panjang: 264 karakter, paling banyak 254.
      en: “Email aktif” is too long: 264 characters, at most 254.
    ");
    }

    #[test]
    fn phone_messages() {
        insta::assert_snapshot!(render(&phone()), @"
    phone-characters
      id: “Nomor telepon/WhatsApp” hanya boleh berisi angka, spasi, tanda hubung, titik, tanda kurung dan + di depan; “O” tidak diizinkan.
      en: “Nomor telepon/WhatsApp” may contain only digits, spaces, dashes, dots, parentheses and a leading +; “O” is not allowed.
    phone-foreign
      id: “Nomor telepon/WhatsApp” harus nomor Indonesia (+62); nomor luar negeri tidak dapat digunakan.
      en: “Nomor telepon/WhatsApp” must be an Indonesian number (+62); foreign numbers cannot be used.
    phone-prefix
      id: “Nomor telepon/WhatsApp” harus diawali 0, 62 atau +62, misalnya 0812 3456 7890 atau +62 751 31458.
      en: “Nomor telepon/WhatsApp” must start with 0, 62 or +62, e.g. 0812 3456 7890 or +62 751 31458.
    phone-service
      id: “Nomor telepon/WhatsApp”: nomor berawalan 080 adalah nomor layanan, bukan nomor HP atau telepon rumah/kantor.
      en: “Nomor telepon/WhatsApp”: numbers starting with 080 are service numbers, not a mobile or landline number.
    phone-too-short
      id: “Nomor telepon/WhatsApp” terlalu pendek (9 digit); nomor HP terdiri atas 10–13 digit termasuk 0 di depan.
      en: “Nomor telepon/WhatsApp” is too short (9 digits); a mobile number has 10–13 digits including the leading 0.
    phone-too-short
      id: “Nomor telepon/WhatsApp” terlalu pendek (7 digit); nomor telepon rumah/kantor terdiri atas 8–12 digit termasuk 0 dan kode wilayah.
      en: “Nomor telepon/WhatsApp” is too short (7 digits); a landline number has 8–12 digits including the leading 0 and the area code.
    phone-too-short
      id: “Nomor telepon/WhatsApp” belum berisi nomor setelah kode awalnya.
      en: “Nomor telepon/WhatsApp” has no number after its prefix.
    phone-too-long
      id: “Nomor telepon/WhatsApp” terlalu panjang (15 digit); nomor HP terdiri atas 10–13 digit termasuk 0 di depan.
      en: “Nomor telepon/WhatsApp” is too long (15 digits); a mobile number has 10–13 digits including the leading 0.
    phone-too-long
      id: “Nomor telepon/WhatsApp” terlalu panjang (13 digit); nomor telepon rumah/kantor terdiri atas 8–12 digit termasuk 0 dan kode wilayah.
      en: “Nomor telepon/WhatsApp” is too long (13 digits); a landline number has 8–12 digits including the leading 0 and the area code.
    ");
    }

    #[test]
    fn nip_messages() {
        insta::assert_snapshot!(render(&nip()), @"
        nip-characters
          id: “NIP” hanya boleh berisi angka (boleh dipisah spasi); “-” tidak diizinkan.
          en: “NIP” may contain only digits (spaces are allowed); “-” is not allowed.
        nip-length
          id: “NIP” harus 18 digit; yang diisi 17 digit.
          en: “NIP” must have 18 digits; 17 digits given.
        nip-birth-date
          id: Tanggal lahir pada “NIP” (digit 1–8) tidak valid: 19821345.
          en: The date of birth in “NIP” (digits 1–8) is not a valid date: 19821345.
        nip-birth-future
          id: Tanggal lahir pada “NIP” (digit 1–8) belum terjadi: 1 Januari 2030.
          en: The date of birth in “NIP” (digits 1–8) is in the future: 1 January 2030.
        nip-too-young
          id: Menurut “NIP” (digit 1–8) pemiliknya lahir 14 April 2010 dan baru berusia 16 tahun; ASN paling muda berusia 18 tahun.
          en: By “NIP” (digits 1–8) its holder was born on 14 April 2010 and is only 16; civil servants are at least 18.
        nip-too-old
          id: Menurut “NIP” (digit 1–8) pemiliknya lahir 1 Januari 1940 dan kini berusia 86 tahun, lebih dari 70 tahun; periksa kembali tanggal lahir pada NIP.
          en: By “NIP” (digits 1–8) its holder was born on 1 January 1940 and is now 86, older than 70; check the date of birth in the NIP.
        nip-tmt-month
          id: Bulan TMT pada “NIP” (digit 13–14) tidak valid: 13; bulan harus 01–12 (atau 21 untuk NI PPPK).
          en: The month of appointment (TMT) in “NIP” (digits 13–14) is not valid: 13; a month is 01–12 (or 21 in a PPPK number).
        nip-tmt-too-early
          id: TMT pada “NIP” (digit 9–14, April 1999) lebih awal daripada ulang tahun ke-18 pemiliknya (14 April 2000).
          en: The appointment (TMT) in “NIP” (digits 9–14, April 1999) is before its holder's 18th birthday (14 April 2000).
        nip-tmt-future
          id: TMT pada “NIP” (digit 9–14) belum terjadi: Januari 2027.
          en: The appointment (TMT) in “NIP” (digits 9–14) is in the future: January 2027.
        nip-gender
          id: Digit jenis kelamin pada “NIP” (digit 15) harus 1 (laki-laki) atau 2 (perempuan); yang diisi 3.
          en: The gender digit in “NIP” (digit 15) must be 1 (male) or 2 (female); 3 given.
        nip-sequence
          id: Nomor urut pada “NIP” (digit 16–18) tidak boleh 000.
          en: The sequence number in “NIP” (digits 16–18) cannot be 000.
        ");
    }

    #[test]
    fn choice_and_date_messages() {
        insta::assert_snapshot!(render(&choices_and_dates()), @"
    choice-unknown
      id: “Kategori permasalahan”: “korupsi” bukan salah satu pilihan. Pilih “Kepegawaian dan disiplin ASN”, “Pengadaan barang/jasa” atau “Lainnya”.
      en: “Kategori permasalahan”: “korupsi” is not one of the choices. Choose “Kepegawaian dan disiplin ASN”, “Pengadaan barang/jasa” or “Lainnya”.
    product-unknown
      id: “Produk layanan”: “nasihat” bukan salah satu pilihan. Pilih “Pendapat hukum”, “Penjelasan peraturan” atau “Rujukan”.
      en: “Produk layanan”: “nasihat” is not one of the choices. Choose “Pendapat hukum”, “Penjelasan peraturan” or “Rujukan”.
    date-format
      id: “Tanggal kejadian” harus berupa tanggal, misalnya 28-11-2026, 28/11/2026 atau 2026-11-28.
      en: “Tanggal kejadian” must be a date, e.g. 28-11-2026, 28/11/2026 or 2026-11-28.
    date-invalid
      id: “Tanggal kejadian”: tanggal 31-02-2026 tidak ada; Februari 2026 hanya 28 hari.
      en: “Tanggal kejadian”: there is no date 31-02-2026; February 2026 has 28 days.
    date-invalid
      id: “Tanggal kejadian”: tanggal 01-13-2026 tidak ada; bulan harus 1–12.
      en: “Tanggal kejadian”: there is no date 01-13-2026; the month must be 1–12.
    ");
    }

    #[test]
    fn consent_and_scale_messages() {
        insta::assert_snapshot!(render(&consents_and_scales()), @"
    consent-required
      id: Anda harus menyetujui “Syarat dan ketentuan layanan” untuk melanjutkan.
      en: You must agree to “Syarat dan ketentuan layanan” to continue.
    consent-required
      id: Anda harus menyetujui “Syarat dan ketentuan layanan” untuk melanjutkan.
      en: You must agree to “Syarat dan ketentuan layanan” to continue.
    consent-invalid
      id: “Syarat dan ketentuan layanan”: “mungkin” bukan jawaban setuju atau tidak setuju.
      en: “Syarat dan ketentuan layanan”: “mungkin” is neither agree nor disagree.
    scale-not-number
      id: “Kemudahan mengakses layanan” harus bilangan bulat 1 sampai 5; “baik” bukan bilangan bulat.
      en: “Kemudahan mengakses layanan” must be a whole number from 1 to 5; “baik” is not.
    scale-range
      id: “Kemudahan mengakses layanan” harus 1 sampai 5; yang diisi 7.
      en: “Kemudahan mengakses layanan” must be from 1 to 5; 7 given.
    ");
    }

    #[test]
    fn file_messages() {
        insta::assert_snapshot!(render(&files()), @"
    file-count
      id: “Dokumen pendukung”: 5 berkas diunggah, paling banyak 2.
      en: “Dokumen pendukung”: 5 files uploaded, at most 2 allowed.
    file-duplicate
      id: “Dokumen pendukung”: berkas “kontrak (1).pdf” diunggah lebih dari sekali.
      en: “Dokumen pendukung”: the file “kontrak (1).pdf” is uploaded more than once.
    file-too-large
      id: “Dokumen pendukung”: berkas “rekaman.pdf” berukuran 15,3 MiB, melebihi batas 10 MiB per berkas.
      en: “Dokumen pendukung”: the file “rekaman.pdf” is 15.3 MiB, more than the limit of 10 MiB per file.
    file-type
      id: “Dokumen pendukung”: berkas “tabel.xlsx” berjenis XLSX; yang diterima hanya PDF, JPEG atau PNG.
      en: “Dokumen pendukung”: the file “tabel.xlsx” is XLSX; this field accepts only PDF, JPEG or PNG.
    file-invalid
      id: “Dokumen pendukung”: rujukan berkas “kontrak.pdf” tidak valid; unggah ulang berkas tersebut.
      en: “Dokumen pendukung”: the file reference “kontrak.pdf” is not valid; upload the file again.
    ");
    }

    #[test]
    fn upload_messages() {
        insta::assert_snapshot!(render(&uploads()), @"
    file-empty
      id: “Dokumen jawaban hukum”: berkas “jawaban.pdf” kosong (0 bita).
      en: “Dokumen jawaban hukum”: the file “jawaban.pdf” is empty (0 bytes).
    file-too-large
      id: “Dokumen jawaban hukum”: berkas “jawaban.pdf” berukuran 1048577 bita, melebihi batas 1048576 bita per berkas.
      en: “Dokumen jawaban hukum”: the file “jawaban.pdf” is 1048577 bytes, more than the limit of 1048576 bytes per file.
    file-disguised
      id: “Dokumen jawaban hukum”: berkas “jawaban.pdf” bukan PDF meskipun namanya .pdf; isinya tidak dikenali. Yang diterima: PDF.
      en: “Dokumen jawaban hukum”: the file “jawaban.pdf” is not PDF although its name ends in .pdf; its content is not recognised. Accepted: PDF.
    file-disguised
      id: “Dokumen jawaban hukum”: berkas “jawaban.pdf” bukan PDF meskipun namanya .pdf; isinya PNG. Yang diterima: PDF.
      en: “Dokumen jawaban hukum”: the file “jawaban.pdf” is not PDF although its name ends in .pdf; its content is PNG. Accepted: PDF.
    file-type-unknown
      id: “Dokumen jawaban hukum”: jenis berkas “jawaban.exe” tidak dikenali; yang diterima hanya PDF.
      en: “Dokumen jawaban hukum”: the type of the file “jawaban.exe” is not recognised; this field accepts only PDF.
    file-type
      id: “Dokumen jawaban hukum”: berkas “tangkapan layar.png” berjenis PNG; yang diterima hanya PDF.
      en: “Dokumen jawaban hukum”: the file “tangkapan layar.png” is PNG; this field accepts only PDF.
    ");
    }
}
