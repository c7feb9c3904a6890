//! Everything that shows a case shows its timers: the receipt states the
//! rule, the tracking page the applicant's deadline, the staff inbox the
//! waiting case's deadline, the case page the armed timers; on the
//! illustrative Kota Contoh workflow, in-process.

mod web_support;

use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};
use web_support::{Client, Service, hidden, server};

const FORM: &str = "/layanan/sengketa-kepegawaian";

fn api(service: &Service, method: &str, path: &str, token: Option<&str>, body: &Value) -> Value {
    let mut request = Request::builder().method(method).uri(path).header("content-type", "application/json");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = service.send(request.body(Body::from(body.to_string())).unwrap());
    assert!(response.status().is_success(), "{method} {path}: {}", String::from_utf8_lossy(response.body()));
    serde_json::from_slice(response.body()).unwrap()
}

#[test]
fn the_receipt_tracking_page_inbox_and_case_page_show_the_timers() {
    let dir = tempfile::tempdir().unwrap();
    let service = server(dir.path());

    // The applicant submits through the form; the receipt states the rule.
    let mut applicant = Client::of(&service);
    let form = applicant.get(FORM);
    assert_eq!(form.status, 200, "{}", form.body);
    let (csrf, idem) = (hidden(&form.body, "_csrf"), hidden(&form.body, "_idem"));
    let uraian = "Saya dijatuhi hukuman disiplin tanpa pemeriksaan yang patut menurut PP 94/2021.";
    let receipt = applicant.post_multipart(
        FORM,
        &[
            ("_csrf", &csrf),
            ("_idem", &idem),
            ("nama", "Yohanes Wenda"),
            ("nip", "19820414 200604 1 003"),
            ("email", "yohanes@example.go.id"),
            ("jenis_sengketa", "disiplin"),
            ("uraian", uraian),
            ("persetujuan", "ya"),
        ],
        &[],
    );
    assert_eq!(receipt.status, 200, "{}", receipt.body);
    let rules = receipt.text("#aturan-waktu li");
    assert_eq!(rules, "Menunggu Anda melengkapi permohonan : paling lama 5 hari kerja, lalu ditutup otomatis");
    let code = receipt.text("#kode-pelacakan");
    let secret = receipt.copied("#kode-rahasia");

    // Staff return it.
    let token = web_support::api_token(&service, "petugas_layanan");
    let inbox = api(&service, "GET", "/api/v1/inbox", Some(&token), &Value::Null);
    let case = inbox[0]["case"].as_str().unwrap().to_owned();
    api(
        &service,
        "POST",
        &format!("/api/v1/cases/{case}/actions/minta_kelengkapan"),
        Some(&token),
        &json!({ "inputs": { "catatan": "Lampirkan SK hukuman disiplin." } }),
    );
    let view = api(&service, "GET", &format!("/api/v1/cases/{case}"), Some(&token), &Value::Null);
    let close = view["timers"].as_array().unwrap().iter().find(|t| t["timer"] == "tutup_otomatis").unwrap().clone();
    let reminder =
        view["timers"].as_array().unwrap().iter().find(|t| t["timer"] == "ingatkan_pemohon").unwrap().clone();
    let due: chrono::DateTime<chrono::Utc> = close["due"].as_str().unwrap().parse().unwrap();
    let due_text = sigap_core::text::datetime(due, chrono_tz::Asia::Jayapura);

    // The inbox lists the waiting case with its next deadline (the reminder comes first).
    let inbox = api(&service, "GET", "/api/v1/inbox", Some(&token), &Value::Null);
    let line = inbox.as_array().unwrap().iter().find(|i| i["case"] == case.as_str()).unwrap();
    assert_eq!(line["waiting_on_applicant"], true);
    assert_eq!(line["timer_due"], reminder["due"]);
    // The head of division watches the waiting stage (`watchers`); the analyst does not.
    let watcher = web_support::api_token(&service, "kabag_hukum");
    let theirs = api(&service, "GET", "/api/v1/inbox", Some(&watcher), &Value::Null);
    assert!(theirs.as_array().unwrap().iter().any(|i| i["case"] == case.as_str() && i["waiting_on_applicant"] == true));
    let analyst = web_support::api_token(&service, "analis_kepegawaian");
    assert!(api(&service, "GET", "/api/v1/inbox", Some(&analyst), &Value::Null).as_array().unwrap().is_empty());
    let mut staff = Client::of(&service);
    staff.sign_in("petugas_layanan");
    let page = staff.get("/staf/kotak-masuk");
    let reminder_due: chrono::DateTime<chrono::Utc> = reminder["due"].as_str().unwrap().parse().unwrap();
    let reminder_text = sigap_core::text::datetime(reminder_due, chrono_tz::Asia::Jayapura);
    assert!(page.text("#menunggu-pemohon").contains(&reminder_text), "{}", page.text("#menunggu-pemohon"));

    // The case page lists both timers, armed.
    let page = staff.get(&format!("/staf/kasus/{case}"));
    let timers = page.texts("#pengatur-waktu tbody tr");
    assert_eq!(timers.len(), 2, "{timers:?}");
    assert!(
        timers[0].contains("paling lama 5 hari kerja, lalu ditutup otomatis") && timers[0].contains(&due_text),
        "{timers:?}"
    );
    assert!(timers.iter().all(|t| t.contains("menunggu")), "{timers:?}");
    // The history names them.
    assert!(page.text("ol.timeline").contains("Pengatur waktu dipasang"), "{}", page.text("ol.timeline"));

    // The applicant's tracking page says until when, and what happens then.
    let track = applicant.get("/lacak");
    let csrf = hidden(&track.body, "_csrf");
    let opened = applicant.post_form("/lacak", &[("_csrf", &csrf), ("kode", &code), ("rahasia", &secret)]);
    assert_eq!(opened.status, 303, "{}", opened.body);
    let page = applicant.visit(&format!("/lacak/{code}"));
    assert_eq!(page.text("#batas-waktu"), format!("Lengkapi sebelum {due_text}, atau permohonan ditutup."));
    // And the message sent when it was returned carries the same instant.
    assert!(
        page.text("section.messages").contains(&format!("Lengkapi sebelum {due_text}")),
        "{}",
        page.text("section.messages")
    );
}
