//! The West Sumatra legal-consultation form, filled in as ASN fill it in:
//! a good request is stored normalised, a bad one gets every problem at
//! once, each on its field.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::json;
use sigap_core::definition::{Definition, Field, FileType};
use sigap_core::form::{FileRef, Input, Value, validate, validate_field};

fn definition() -> Definition {
    let path = "workflows/sumbar/konsultasi-hukum.toml";
    let text = std::fs::read_to_string(format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    Definition::load(path, &text).unwrap()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

fn inputs(pairs: &[(&str, Input)]) -> BTreeMap<String, Input> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

fn pdf(name: &str) -> FileRef {
    FileRef { id: "3f".repeat(32), name: name.to_owned(), file_type: FileType::Pdf, size: 482_133 }
}

fn good_request() -> BTreeMap<String, Input> {
    inputs(&[
        ("nama", "  Andi Saputra, S.H.  ".into()),
        ("nip", "19820414 200604 1 003".into()),
        ("jabatan", "Analis Hukum Ahli Muda".into()),
        ("unit_kerja", "Dinas Pendidikan Provinsi Sumatera Barat".into()),
        ("alamat", "Jl. Sudirman No. 51\r\nPadang".into()),
        ("telepon", "0812-3456-7890".into()),
        ("email", "Andi.Saputra@SumbarProv.go.id".into()),
        ("kategori", "Pengadaan barang/jasa".into()),
        ("produk_diharapkan", "".into()),
        ("pokok_masalah", "Pemutusan kontrak penyedia yang wanprestasi".into()),
        ("uraian", "Penyedia terlambat 60 hari.\nKami telah memberi dua kali teguran tertulis.".into()),
        ("pertanyaan", "Apakah kontrak dapat diputus sepihak?".into()),
        ("dokumen", Input::Files(vec![pdf("kontrak.pdf"), pdf("teguran.pdf")])),
        ("persetujuan", "on".into()),
    ])
}

/// Named `form` so that `cargo test form` selects these tests.
mod form {
    use super::*;

    #[test]
    fn a_good_request_is_stored_normalised() {
        let definition = definition();
        let file = definition.file();
        let mut request = good_request();
        // Two copies of one document would be refused; give them distinct hashes.
        if let Some(Input::Files(files)) = request.get_mut("dokumen") {
            files[1].id = "4e".repeat(32);
        }
        let values = validate(&file.form.fields, &file.products, &request, today()).unwrap();
        let text = |key: &str| match &values[key] {
            Value::Text(t) => t.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(text("nama"), "Andi Saputra, S.H.");
        assert_eq!(text("nip"), "198204142006041003");
        assert_eq!(text("alamat"), "Jl. Sudirman No. 51\nPadang");
        assert_eq!(text("telepon"), "+6281234567890");
        assert_eq!(text("email"), "Andi.Saputra@sumbarprov.go.id");
        assert_eq!(values["kategori"], Value::Choice("pengadaan".into()));
        assert_eq!(values["persetujuan"], Value::Bool(true));
        assert!(!values.contains_key("produk_diharapkan"), "optional and empty");
        assert_eq!(values.len(), 13);
        let kategori = definition.form_field("kategori").unwrap();
        assert_eq!(values["kategori"].display_for(kategori, &file.products), "Pengadaan barang/jasa");
        let nip = definition.form_field("nip").unwrap();
        assert_eq!(values["nip"].display_for(nip, &file.products), "19820414 200604 1 003");
    }

    #[test]
    fn a_bad_request_gets_every_problem_on_its_field() {
        let definition = definition();
        let file = definition.file();
        let mut request = good_request();
        for (key, value) in [
            ("nama", Input::from("Andi\nSaputra")),
            ("nip", "19821345 200613 3 000".into()),
            ("jabatan", "   ".into()),
            ("telepon", "+65 6123 4567".into()),
            ("email", "andi@gmail".into()),
            ("kategori", "korupsi".into()),
            ("produk_diharapkan", "nasihat".into()),
            ("uraian", "Terlambat.".into()),
            ("persetujuan", "ditolak".into()),
            ("lampiran", "x".into()),
        ] {
            request.insert(key.to_owned(), value);
        }
        request.remove("pertanyaan");
        let errors = validate(&file.form.fields, &file.products, &request, today()).unwrap_err();
        let found: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            found,
            [
                ("nama", "multiple-lines"),
                ("nip", "nip-birth-date"),
                ("nip", "nip-tmt-month"),
                ("nip", "nip-gender"),
                ("nip", "nip-sequence"),
                ("jabatan", "required"),
                ("telepon", "phone-foreign"),
                ("email", "email-domain-dot"),
                ("kategori", "choice-unknown"),
                ("produk_diharapkan", "product-unknown"),
                ("uraian", "too-short"),
                ("pertanyaan", "required"),
                ("dokumen", "file-duplicate"),
                ("persetujuan", "consent-required"),
                ("lampiran", "unknown-field"),
            ]
        );
        let consent = errors.iter().find(|e| e.field == "persetujuan").unwrap();
        assert_eq!(
            consent.message,
            "Anda harus menyetujui “Saya telah membaca dan menyetujui syarat dan ketentuan \
         layanan” untuk melanjutkan."
        );
    }

    #[test]
    fn an_empty_submission_names_every_required_field() {
        let definition = definition();
        let file = definition.file();
        let errors = validate(&file.form.fields, &file.products, &BTreeMap::new(), today()).unwrap_err();
        let required: Vec<&str> = file.form.fields.iter().filter(|f| f.required).map(|f| f.id.as_str()).collect();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, required);
        assert!(errors.iter().all(|e| e.code == "required" || e.code == "consent-required"));
        assert_eq!(errors[0].message, "“Nama lengkap” wajib diisi.");
        assert_eq!(errors[0].to_string(), "“Nama lengkap” is required: fill it in.");
    }

    #[test]
    fn a_json_submission_reads_the_same() {
        let definition = definition();
        let file = definition.file();
        let body = json!({
            "nama": "Siti Rahmah",
            "nip": 199002152015032012_i64,
            "jabatan": "Kepala Subbagian Umum",
            "unit_kerja": "BKD Provinsi Sumatera Barat",
            "alamat": "Jl. Khatib Sulaiman, Padang",
            "telepon": "+62 751 31458",
            "email": "siti.rahmah@gmail.com",
            "kategori": "kepegawaian",
            "produk_diharapkan": "pendapat_hukum",
            "pokok_masalah": "Penjatuhan hukuman disiplin",
            "uraian": "Seorang pegawai tidak masuk kerja 30 hari tanpa keterangan.",
            "pertanyaan": "Hukuman disiplin apa yang tepat?",
            "dokumen": [],
            "persetujuan": true
        });
        let request: BTreeMap<String, Input> =
            body.as_object().unwrap().iter().map(|(k, v)| (k.clone(), Input::from_json(v).unwrap())).collect();
        let values = validate(&file.form.fields, &file.products, &request, today()).unwrap();
        assert_eq!(values["nip"], Value::Text("199002152015032012".into()));
        assert_eq!(values["telepon"], Value::Text("+6275131458".into()));
        assert_eq!(values["produk_diharapkan"], Value::Choice("pendapat_hukum".into()));
        assert!(!values.contains_key("dokumen"));
    }

    #[test]
    fn staff_inputs_and_the_survey_use_the_same_rules() {
        let definition = definition();
        let file = definition.file();
        let reject = &definition.action("tolak").unwrap().inputs;
        let errors = validate(reject, &file.products, &BTreeMap::new(), today()).unwrap_err();
        assert_eq!(errors[0].message, "“Alasan penolakan” wajib diisi.");
        let reason = inputs(&[("alasan", "Permohonan di luar ruang lingkup layanan.".into())]);
        assert!(validate(reject, &file.products, &reason, today()).is_ok());
        let survey = file.survey.as_ref().unwrap();
        let answers = inputs(&[
            ("kemudahan", "5".into()),
            ("kecepatan", Input::Number(4)),
            ("kejelasan", "6".into()),
            ("manfaat", "baik".into()),
            ("kerahasiaan", Input::Bool(true)),
        ]);
        let errors = validate(&survey.questions, &file.products, &answers, today()).unwrap_err();
        let found: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            found,
            [("kejelasan", "scale-range"), ("manfaat", "scale-not-number"), ("kerahasiaan", "wrong-type"),]
        );
    }

    fn field(json: serde_json::Value) -> Field {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn dates_consents_and_choices_accept_what_browsers_send() {
        let date = field(json!({"id": "tanggal", "label": "Tanggal kejadian", "type": "date"}));
        let check = |f: &Field, input: Input| validate_field(f, &[], Some(&input), today());
        let d = NaiveDate::from_ymd_opt(2026, 3, 17).unwrap();
        for typed in ["2026-03-17", "17-03-2026", "17/03/2026", "17/3/2026"] {
            assert_eq!(check(&date, typed.into()), Ok(Some(Value::Date(d))), "{typed}");
        }
        assert_eq!(check(&date, Input::Number(20260317)).unwrap_err()[0].code, "wrong-type");

        let optional = field(json!({"id": "setuju", "label": "Bersedia dihubungi", "type": "consent"}));
        for yes in ["on", "true", "Ya", "1", " YES "] {
            assert_eq!(check(&optional, yes.into()), Ok(Some(Value::Bool(true))), "{yes}");
        }
        assert_eq!(check(&optional, "tidak".into()), Ok(Some(Value::Bool(false))));
        assert_eq!(check(&optional, Input::Bool(false)), Ok(Some(Value::Bool(false))));
        assert_eq!(check(&optional, "mungkin".into()).unwrap_err()[0].code, "consent-invalid");
        assert_eq!(validate_field(&optional, &[], None, today()), Ok(None));

        let choice = field(json!({
            "id": "jenis", "label": "Jenis", "type": "choice",
            "options": [{"id": "1", "label": "Satu"}, {"id": "dua", "label": "Dua"}]
        }));
        assert_eq!(check(&choice, Input::Number(1)), Ok(Some(Value::Choice("1".into()))));
        assert_eq!(check(&choice, " Dua ".into()), Ok(Some(Value::Choice("dua".into()))));
        assert_eq!(check(&choice, "dua ".into()), Ok(Some(Value::Choice("dua".into()))));
        assert_eq!(check(&choice, "DUA".into()).unwrap_err()[0].code, "choice-unknown");
        assert_eq!(check(&choice, Input::Bool(true)).unwrap_err()[0].code, "wrong-type");
    }

    #[test]
    fn text_limits_count_characters_not_bytes() {
        let name = field(json!({"id": "nama", "label": "Nama", "type": "text", "max_length": 5}));
        let check = |input: &str| validate_field(&name, &[], Some(&input.into()), today());
        assert_eq!(check("Ñañáé"), Ok(Some(Value::Text("Ñañáé".into()))));
        assert_eq!(check("Ñañáéa").unwrap_err()[0].code, "too-long");
        assert_eq!(check("a\u{7}b").unwrap_err()[0].code, "control-character");
        assert_eq!(check("a\tb").unwrap_err()[0].code, "control-character");
        let long = field(json!({"id": "uraian", "label": "Uraian", "type": "long_text", "min_length": 3}));
        let check = |input: &str| validate_field(&long, &[], Some(&input.into()), today());
        assert_eq!(check("a\r\n\tb"), Ok(Some(Value::Text("a\n\tb".into()))));
        assert_eq!(check("ab").unwrap_err()[0].code, "too-short");
        let codes: Vec<_> = check("a\u{0}").unwrap_err().iter().map(|e| e.code).collect();
        assert_eq!(codes, ["too-short", "control-character"]);
    }

    #[test]
    fn file_lists_are_checked_against_the_field() {
        let documents = field(json!({
            "id": "dokumen", "label": "Dokumen", "type": "file",
            "max_files": 2, "max_size": "1MiB", "accept": ["pdf"]
        }));
        let mut big = pdf("besar.pdf");
        big.size = 2 * 1024 * 1024;
        let mut photo = pdf("foto.jpg");
        photo.id = "5d".repeat(32);
        photo.file_type = FileType::Jpeg;
        let mut broken = pdf("x.pdf");
        broken.id = "not-a-hash".into();
        let mut traversal = pdf("../../etc/passwd.pdf");
        traversal.id = "6c".repeat(32);
        let files = vec![big, photo, broken, traversal];
        let errors = validate_field(&documents, &[], Some(&Input::Files(files)), today()).unwrap_err();
        let codes: Vec<_> = errors.iter().map(|e| e.code).collect();
        assert_eq!(codes, ["file-count", "file-too-large", "file-type", "file-invalid", "file-invalid"]);
        assert_eq!(
            validate_field(&documents, &[], Some(&"surat.pdf".into()), today()).unwrap_err()[0].code,
            "wrong-type"
        );
    }
}
