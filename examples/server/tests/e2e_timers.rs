//! Stage timers end to end with the real binary, on the illustrative Kota
//! Contoh workflow: a case returned to the applicant closes itself after
//! five working days, the applicant is told why; with the server stopped
//! across the due instant it fires once on restart; with two servers on one
//! PostgreSQL database it fires once.

mod support;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sigap_tests::{Database, Options, Server};
use support::{Api, bin};

const WORKFLOW: &str = "/api/v1/workflows/sengketa-kepegawaian/cases";

fn form(name: &str) -> Value {
    json!({
        "nama": name,
        "nip": "19820414 200604 1 003",
        "email": "pemohon@example.go.id",
        "jenis_sengketa": "disiplin",
        "uraian": "Saya dijatuhi hukuman disiplin tanpa pemeriksaan yang patut menurut PP 94/2021.",
        "persetujuan": true,
    })
}

struct Returned {
    case: String,
    code: String,
    secret: String,
    due: DateTime<Utc>,
}

/// Submits `n` requests and returns each to the applicant.
fn return_cases(api: &Api, n: usize) -> Vec<Returned> {
    let staff = api.sign_in("petugas_layanan");
    let auth = [("authorization", staff.as_str())];
    (0..n)
        .map(|i| {
            let submitted = api.post(WORKFLOW, &[], &json!({ "form": form(&format!("Pemohon {i}")) }));
            assert_eq!(submitted.status, 201, "{:?}", submitted.json);
            let code = submitted.json["tracking_code"].as_str().unwrap().to_owned();
            let secret = submitted.json["secret"].as_str().unwrap().to_owned();
            let inbox = api.get("/api/v1/inbox", &auth);
            let case = inbox
                .json
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["tracking_code"] == code.as_str())
                .expect("in the inbox")["case"]
                .as_str()
                .unwrap()
                .to_owned();
            let returned = api.post(
                &format!("/api/v1/cases/{case}/actions/minta_kelengkapan"),
                &auth,
                &json!({ "inputs": { "catatan": "Lampirkan SK hukuman disiplin." } }),
            );
            assert_eq!(returned.status, 200, "{:?}", returned.json);
            let view = api.get(&format!("/api/v1/cases/{case}"), &auth);
            let due = view.json["history"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["kind"] == "timer_armed" && e["detail"]["timer"] == "tutup_otomatis")
                .map(|e| e["detail"]["due"].as_str().unwrap().parse::<DateTime<Utc>>().unwrap())
                .expect("the close is armed");
            Returned { case, code, secret, due }
        })
        .collect()
}

/// How many events of `kind` (and, for actions, `action`) the case's history has.
fn count(api: &Api, token: &str, case: &str, kind: &str, action: Option<&str>) -> usize {
    let view = api.get(&format!("/api/v1/cases/{case}"), &[("authorization", token)]);
    assert_eq!(view.status, 200, "{:?}", view.json);
    view.json["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == kind && action.is_none_or(|a| e["detail"]["action"] == a))
        .count()
}

/// Seconds to shift the clock so that it reads an hour past `due`.
fn offset_past(due: DateTime<Utc>) -> String {
    #[allow(clippy::disallowed_methods, reason = "the offset moves the server's clock relative to this same clock")]
    let now = Utc::now();
    ((due - now).num_seconds() + 3600).to_string()
}

#[test]
fn a_returned_case_closes_itself_once_when_the_server_comes_back_after_the_due_instant() {
    let dir = tempfile::tempdir().unwrap();
    let options = Options::sled(bin(), dir.path());
    let server = Server::start(&options);
    let api = Api::new(&server.url);
    let returned = return_cases(&api, 1).remove(0);
    // The applicant sees until when to complete the request.
    let tracked = api.get(&format!("/api/v1/track/{}", returned.code), &[("x-tracking-secret", &returned.secret)]);
    assert_eq!(tracked.status, 200);
    assert_eq!(tracked.json["status"], "waiting");
    assert_eq!(tracked.json["timer_due"].as_str().unwrap().parse::<DateTime<Utc>>().unwrap(), returned.due);
    let bodies: Vec<&str> =
        tracked.json["notifications"].as_array().unwrap().iter().map(|n| n["body"].as_str().unwrap()).collect();
    let due_text = sigap_core::text::datetime(returned.due, chrono_tz::Asia::Jayapura);
    assert!(bodies.iter().any(|b| b.contains(&format!("Lengkapi sebelum {due_text}"))), "{bodies:?}");
    server.stop();

    // Stopped across the due instant: on restart, the close happens once.
    let mut later = options;
    later.env.push(("SIGAP_CLOCK_OFFSET_SECONDS".to_owned(), offset_past(returned.due)));
    for _ in 0..2 {
        let server = Server::start(&later);
        let api = Api::new(&server.url);
        let staff = api.sign_in("petugas_layanan");
        assert_eq!(
            count(&api, &staff, &returned.case, "timer_fired", None),
            2,
            "the reminder and the close, once each"
        );
        assert_eq!(count(&api, &staff, &returned.case, "action_performed", Some("tutup_otomatis")), 1);
        let tracked = api.get(&format!("/api/v1/track/{}", returned.code), &[("x-tracking-secret", &returned.secret)]);
        assert_eq!(tracked.json["status"], "closed");
        assert_eq!(tracked.json["outcome_label"], "Ditutup otomatis (tidak dilengkapi)");
        let messages: Vec<&str> =
            tracked.json["messages"].as_array().unwrap().iter().map(|m| m["text"].as_str().unwrap()).collect();
        assert!(messages.iter().any(|m| m.contains("ditutup otomatis")), "{messages:?}");
        let subjects: Vec<&str> =
            tracked.json["notifications"].as_array().unwrap().iter().map(|n| n["subject"].as_str().unwrap()).collect();
        assert!(subjects.iter().any(|s| s.starts_with("Permohonan") && s.ends_with("ditutup")), "{subjects:?}");
        server.stop();
    }
}

#[test]
fn two_servers_on_one_postgresql_database_close_each_case_once() {
    let database = Database::create().expect("a PostgreSQL server at DATABASE_URL (see README)");
    let dir = tempfile::tempdir().unwrap();
    let mut options = Options::sled(bin(), dir.path());
    options.database_url = Some(database.url.clone());
    let server = Server::start(&options);
    let api = Api::new(&server.url);
    let returned = return_cases(&api, 8);
    server.stop();

    let latest = returned.iter().map(|r| r.due).max().unwrap();
    let mut later = options;
    later.env.push(("SIGAP_CLOCK_OFFSET_SECONDS".to_owned(), offset_past(latest)));
    // Both start (and catch up) at once.
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| Server::start(&later));
        let b = s.spawn(|| Server::start(&later));
        (a.join().unwrap(), b.join().unwrap())
    });
    for server in [&a, &b] {
        let api = Api::new(&server.url);
        let staff = api.sign_in("petugas_layanan");
        for r in &returned {
            assert_eq!(count(&api, &staff, &r.case, "action_performed", Some("tutup_otomatis")), 1, "{}", r.case);
            assert_eq!(count(&api, &staff, &r.case, "timer_fired", None), 2, "{}", r.case);
        }
    }
    // And in the database itself: one close per case.
    let mut closes = database
        .texts(
            "SELECT case_id FROM events WHERE body LIKE '%\"timer_fired\"%' AND body LIKE '%\"timer\":\"tutup_otomatis\"%'",
        )
        .unwrap();
    closes.sort();
    let mut expected: Vec<String> = returned.iter().map(|r| r.case.clone()).collect();
    expected.sort();
    assert_eq!(closes, expected);
    a.stop();
    b.stop();
}
