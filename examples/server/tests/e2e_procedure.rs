//! The whole West Sumatra procedure through the service's router in this
//! process (with its runtime delivering notifications), on sled and on
//! PostgreSQL: submit → verify (and once: reject with a reason)
//! → draft → review (and once: return for revision) → answer → survey,
//! checking the tracking view, the inbox clocks and due instants against
//! the calendar, the notifications, and the evaluation report's counts.

mod support;

use chrono::{DateTime, Datelike, Utc};
use serde_json::{Value, json};
use sigap_core::WorkDuration;
use sigap_tests::Database;
use support::in_process::{Service, sled_config};
use support::{Api, Part, pdf, sumbar, sumbar_form};

fn instant(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().unwrap_or_else(|| panic!("an instant, got {value}")))
        .unwrap()
        .with_timezone(&Utc)
}

fn find<'a>(list: &'a Value, key: &str, value: &str) -> Option<&'a Value> {
    list.as_array()?.iter().find(|item| item[key] == value)
}

/// Drives the procedure; returns nothing, asserts everything.
fn procedure(config: &str) {
    let server = std::sync::Arc::new(Service::start(config, "127.0.0.1:50000".parse().unwrap()));
    let api = Api::of(&server);
    let workflow = sumbar();
    let calendar = &workflow.calendar;

    let workflows = api.get("/api/v1/workflows", &[]);
    assert_eq!(workflows.status, 200);
    let service = find(&workflows.json, "id", "konsultasi-hukum-asn").expect("the service is listed");
    assert_eq!(service["fields"].as_array().unwrap().len(), workflow.definition.file().form.fields.len());

    // --- A request rejected at verification, with a reason.
    let rejected =
        api.post("/api/v1/workflows/konsultasi-hukum-asn/cases", &[], &json!({ "form": sumbar_form("Ahmad Fauzi") }));
    assert_eq!(rejected.status, 201, "{:?}", rejected.json);
    let documentation = api.sign_in("pokja_dokumentasi");
    let inbox = api.get("/api/v1/inbox", &[("authorization", &documentation)]);
    let task =
        find(&inbox.json, "tracking_code", rejected.json["tracking_code"].as_str().unwrap()).expect("in the inbox");
    let case_a = task["case"].as_str().unwrap().to_owned();
    // The due instant is 30 working minutes from the submission, by the calendar.
    let submitted = instant(&task["submitted_at"]);
    let expected_due = calendar.add(submitted, WorkDuration::minutes(30)).unwrap();
    assert_eq!(instant(&task["due"]), expected_due);
    assert_eq!(task["clock"], "on_track");
    assert_eq!(task["due_text"], sigap_core::text::datetime(expected_due, calendar.time_zone()));
    let auth = [("authorization", documentation.as_str())];
    let no_reason = api.post(&format!("/api/v1/cases/{case_a}/actions/tolak"), &auth, &json!({ "inputs": {} }));
    assert_eq!(no_reason.status, 422);
    assert_eq!(no_reason.json["error"]["fields"][0]["field"], "alasan");
    let reason = "Permasalahan tidak terkait pelaksanaan tugas kedinasan.";
    let refused =
        api.post(&format!("/api/v1/cases/{case_a}/actions/tolak"), &auth, &json!({ "inputs": { "alasan": reason } }));
    assert_eq!(refused.status, 200, "{:?}", refused.json);
    assert_eq!(refused.json["outcome"], "rejected");
    let secret_a = rejected.json["secret"].as_str().unwrap();
    let code_a = rejected.json["tracking_code"].as_str().unwrap();
    let tracked = api.get(&format!("/api/v1/track/{code_a}"), &[("x-tracking-secret", secret_a)]);
    assert_eq!(tracked.status, 200);
    assert_eq!(tracked.json["outcome"], "rejected");
    assert_eq!(tracked.json["messages"][0]["text"], reason);
    let subjects: Vec<&str> =
        tracked.json["notifications"].as_array().unwrap().iter().map(|n| n["subject"].as_str().unwrap()).collect();
    assert!(subjects.iter().any(|s| s.starts_with("Permohonan konsultasi hukum diterima")), "{subjects:?}");
    assert!(subjects.iter().any(|s| s.starts_with("Permohonan konsultasi hukum ditolak")), "{subjects:?}");

    // --- A request answered, with a return for revision on the way.
    let submitted = api.post_multipart(
        "/api/v1/workflows/konsultasi-hukum-asn/cases",
        &[("idempotency-key", "e2e-submit-b")],
        &[
            Part::Text("nama", "Siti Rahmawati"),
            Part::Text("nip", "19820414 200604 2 003"),
            Part::Text("jabatan", "Kepala Seksi Pengadaan"),
            Part::Text("unit_kerja", "Dinas Pekerjaan Umum"),
            Part::Text("alamat", "Jl. Sudirman 1, Padang"),
            Part::Text("telepon", "0812 3456 7890"),
            Part::Text("email", "siti@example.go.id"),
            Part::Text("kategori", "pengadaan"),
            Part::Text("pokok_masalah", "Pemeriksaan sebagai saksi"),
            Part::Text("uraian", "Saya dipanggil sebagai saksi terkait pengadaan jalan yang saya tangani tahun lalu."),
            Part::Text("pertanyaan", "Apa hak dan kewajiban saya sebagai saksi?"),
            Part::Text("persetujuan", "on"),
            Part::File("dokumen", "surat-panggilan.pdf", &pdf("surat panggilan")),
        ],
    );
    assert_eq!(submitted.status, 201, "{:?}", submitted.json);
    let code_b = submitted.json["tracking_code"].as_str().unwrap().to_owned();
    let secret_b = submitted.json["secret"].as_str().unwrap().to_owned();
    let tracking = [("x-tracking-secret", secret_b.as_str())];
    let inbox = api.get("/api/v1/inbox", &auth);
    let case_b =
        find(&inbox.json, "tracking_code", &code_b).expect("in the inbox")["case"].as_str().unwrap().to_owned();

    let forward = |key: &str| {
        api.post(
            &format!("/api/v1/cases/{case_b}/actions/teruskan"),
            &[auth[0], ("idempotency-key", key)],
            &json!({ "inputs": {} }),
        )
    };
    let first = forward("e2e-forward-1");
    assert_eq!(first.status, 200, "{:?}", first.json);
    let version = first.json["version"].as_u64().unwrap();
    let again = forward("e2e-forward-1");
    assert_eq!(again.status, 200, "a repeated command answers like the first: {:?}", again.json);
    assert_eq!(again.json["version"].as_u64().unwrap(), version, "and changes nothing");

    let analyst = api.sign_in("pokja_layanan");
    let analyst_auth = [("authorization", analyst.as_str())];
    let seen = api.get(&format!("/api/v1/cases/{case_b}"), &analyst_auth);
    assert_eq!(seen.status, 200);
    let name = seen.json["form"].as_array().unwrap().iter().find(|f| f["id"] == "nama").unwrap();
    assert_eq!(name["value"], "[dirahasiakan]", "the analyst does not see the applicant's identity");
    assert!(!seen.to_string_lossy().contains("Siti Rahmawati"));
    // The drafting clock: 1 working day from the forwarding, by the calendar.
    let forwarded = instant(&seen.json["updated_at"]);
    let clock = seen.json["clocks"].as_array().unwrap().iter().find(|c| c["clock"] == "penyusunan_kajian").unwrap();
    assert_eq!(instant(&clock["due"]), calendar.add(forwarded, WorkDuration::days(1)).unwrap());

    let draft = |label: &str| {
        api.post_multipart(
            &format!("/api/v1/cases/{case_b}/actions/ajukan_draf"),
            &analyst_auth,
            &[Part::File("dokumen_kajian", "kajian.pdf", &pdf(label)), Part::Text("ringkasan", "Kajian terlampir.")],
        )
    };
    assert_eq!(draft("draf 1").status, 200);
    let head = api.sign_in("kepala_bagian");
    let head_auth = [("authorization", head.as_str())];
    let returned = api.post(
        &format!("/api/v1/cases/{case_b}/actions/kembalikan_draf"),
        &head_auth,
        &json!({ "inputs": { "catatan_perbaikan": "Lengkapi dasar hukum." } }),
    );
    assert_eq!(returned.status, 200, "{:?}", returned.json);
    assert_eq!(returned.json["stage"], "penyusunan_kajian");
    assert_eq!(draft("draf 2").status, 200);
    let approved = api.post(&format!("/api/v1/cases/{case_b}/actions/setujui"), &head_auth, &json!({ "inputs": {} }));
    assert_eq!(approved.status, 200, "{:?}", approved.json);
    let answered = api.post_multipart(
        &format!("/api/v1/cases/{case_b}/actions/kirim_jawaban"),
        &auth,
        &[
            Part::Text("produk", "pendapat_hukum"),
            Part::File("dokumen_jawaban", "jawaban.pdf", &pdf("jawaban hukum")),
            Part::Text("ringkasan_jawaban", "Pendapat hukum kami terlampir."),
        ],
    );
    assert_eq!(answered.status, 200, "{:?}", answered.json);
    assert_eq!(answered.json["outcome"], "answered");

    // The applicant reads the answer, downloads it and fills in the survey.
    let view = api.get(&format!("/api/v1/track/{code_b}"), &tracking);
    assert_eq!(view.status, 200);
    assert_eq!(view.json["answer"]["product"], "Pendapat hukum (legal opinion)");
    assert_eq!(view.json["answer"]["message"], "Pendapat hukum kami terlampir.");
    assert!(view.json["survey_open"].as_bool().unwrap());
    assert!(!view.to_string_lossy().contains("Lengkapi dasar hukum"), "internal inputs stay internal");
    let document = view.json["answer"]["documents"][0]["id"].as_str().unwrap().to_owned();
    let file = api.get(&format!("/api/v1/track/{code_b}/attachments/{document}"), &tracking);
    assert_eq!(file.status, 200);
    assert_eq!(file.bytes, pdf("jawaban hukum"));
    assert_eq!(file.content_type, "application/pdf");
    assert!(file.disposition.starts_with("attachment;"), "{}", file.disposition);
    let draft_doc = api.get(&format!("/api/v1/cases/{case_b}"), &auth).json["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["description"] == "dokumen_kajian")
        .map(|a| a["file"]["id"].as_str().unwrap().to_owned())
        .unwrap();
    assert_eq!(
        api.get(&format!("/api/v1/track/{code_b}/attachments/{draft_doc}"), &tracking).status,
        404,
        "drafts are internal"
    );
    let survey = json!({ "answers": { "kemudahan": 5, "kecepatan": 4, "kejelasan": 5, "manfaat": 5, "kerahasiaan": 4, "saran": "Terima kasih." } });
    let done = api.post(&format!("/api/v1/track/{code_b}/survey"), &tracking, &survey);
    assert_eq!(done.status, 200, "{:?}", done.json);
    assert!(done.json["survey_done"].as_bool().unwrap());
    let subjects: Vec<String> = done.json["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["subject"].as_str().unwrap().to_owned())
        .collect();
    assert!(subjects.iter().any(|s| s.starts_with("Jawaban konsultasi hukum tersedia")), "{subjects:?}");
    assert!(
        done.json["notifications"].as_array().unwrap().iter().all(|n| !n["body"].as_str().unwrap().contains("{link}"))
    );

    // The evaluation counts both requests, without personal data.
    let reader = api.sign_in("kepala_biro");
    #[allow(clippy::disallowed_methods, reason = "the binary under test reads the same clock")]
    let year = Utc::now().with_timezone(&calendar.time_zone()).year();
    let report = api.get(
        &format!("/api/v1/reports/evaluation?year={year}&workflow=konsultasi-hukum-asn"),
        &[("authorization", &reader)],
    );
    assert_eq!(report.status, 200, "{:?}", report.json);
    let evaluation = &report.json[0];
    assert_eq!(evaluation["received"], 2);
    assert_eq!(evaluation["closed"], 2);
    let outcome = |id: &str| find(&evaluation["outcomes"], "id", id).unwrap()["count"].as_u64().unwrap();
    assert_eq!((outcome("answered"), outcome("rejected")), (1, 1));
    assert_eq!(evaluation["survey_responses"], 1);
    assert_eq!(find(&evaluation["topics"], "id", "pengadaan").unwrap()["count"], 2);
    let text = report.to_string_lossy();
    assert!(!text.contains("Siti") && !text.contains("19820414"), "no personal data in the report");
    let denied = api.get(&format!("/api/v1/reports/evaluation?year={year}"), &analyst_auth);
    assert_eq!(denied.status, 403);

    // Notifications were kept (no SMTP relay here) and the log names no one.
    let log = server.stop();
    assert!(log.contains("notification kept"), "{log}");
    assert!(
        !log.contains("Siti") && !log.contains("siti@example.go.id") && !log.contains("19820414"),
        "no personal data in the logs"
    );
}

trait Lossy {
    fn to_string_lossy(&self) -> String;
}

impl Lossy for support::Reply {
    fn to_string_lossy(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

#[test]
fn the_procedure_on_sled() {
    let dir = tempfile::tempdir().unwrap();
    procedure(&sled_config(dir.path()));
}

#[test]
fn the_procedure_on_postgresql() {
    let database = Database::create().expect("a PostgreSQL server at DATABASE_URL (see README)");
    let dir = tempfile::tempdir().unwrap();
    procedure(&format!("{}database_url = {:?}\n", sled_config(dir.path()), database.url));
}
