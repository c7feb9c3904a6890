//! The supervision page and API (issue 19): the head of section, who
//! supervises verification in the West Sumatra workflow, sees its late and
//! at-risk tasks and each officer's load, reassigns one task from there and
//! hands all of an officer's tasks to another; a reassign to someone
//! without the stage's role is refused and changes nothing. In-process, on
//! one folder: first at the time of submission, then a month later.

mod web_support;

use argon2::password_hash::{PasswordHasher, SaltString};
use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};
use web_support::{Client, Service};

fn call(service: &Service, method: &str, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
    let mut request = Request::builder().method(method).uri(path).header("content-type", "application/json");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = service.send(request.body(Body::from(body.to_string())).unwrap());
    (response.status().as_u16(), serde_json::from_slice(response.body()).unwrap_or(Value::Null))
}

fn ok(service: &Service, method: &str, path: &str, token: Option<&str>, body: &Value) -> Value {
    let (status, json) = call(service, method, path, token, body);
    assert!((200..300).contains(&status), "{method} {path}: {status} {json}");
    json
}

fn sign_in(service: &Service, user: &str) -> String {
    web_support::api_token(service, user)
}

/// The demo accounts, and a second verification officer.
fn config(dir: &std::path::Path, offset_days: i64) -> String {
    let salt = SaltString::from_b64("c2lnYXAtdWppLWdhcmFt").unwrap();
    let hash = argon2::Argon2::default().hash_password(b"sigap-demo", &salt).unwrap().to_string();
    let accounts = dir.join("accounts.toml");
    std::fs::write(
        &accounts,
        format!(
            "[[accounts]]\nuser = \"rina\"\nname = \"Rina Marlina\"\norganisation = \"sumbar-biro-hukum\"\nroles = [\"pokja_dokumentasi\"]\npassword_hash = \"{hash}\"\n"
        ),
    )
    .unwrap();
    format!(
        "workflows = {:?}\ndata_dir = {:?}\ndemo = true\naccounts = {:?}\nclock_offset_seconds = {}\n",
        sigap_tests::workflows_dir().display().to_string(),
        dir.join("data").display().to_string(),
        accounts.display().to_string(),
        offset_days * 86_400
    )
}

fn start(dir: &std::path::Path, offset_days: i64) -> Service {
    Service::start(&config(dir, offset_days), "127.0.0.1:50000".parse().unwrap())
}

fn assigned(service: &Service, token: &str, user: &str) -> Vec<String> {
    let listed = ok(service, "GET", &format!("/api/v1/cases?assigned={user}"), Some(token), &Value::Null);
    listed.as_array().unwrap().iter().map(|s| s["tracking_code"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn a_supervisor_sees_late_tasks_and_load_and_reassigns_from_there() {
    let dir = tempfile::tempdir().unwrap();
    let codes: Vec<(String, String)> = {
        let service = start(dir.path(), 0);
        let officer = sign_in(&service, "pokja_dokumentasi");
        let rina = sign_in(&service, "rina");
        let mut codes = Vec::new();
        for name in ["Siti Rahmawati", "Andi Saputra", "Yusuf Hakim"] {
            let submitted = ok(
                &service,
                "POST",
                "/api/v1/workflows/konsultasi-hukum-asn/cases",
                None,
                &json!({ "form": sigap_tests::sumbar_form(name) }),
            );
            let code = submitted["tracking_code"].as_str().unwrap().to_owned();
            let id =
                ok(&service, "GET", &format!("/api/v1/cases?code={code}"), Some(&officer), &Value::Null)[0]["case"]
                    .as_str()
                    .unwrap()
                    .to_owned();
            codes.push((code, id));
        }
        ok(&service, "POST", &format!("/api/v1/cases/{}/claim", codes[0].1), Some(&officer), &Value::Null);
        ok(&service, "POST", &format!("/api/v1/cases/{}/claim", codes[1].1), Some(&rina), &Value::Null);

        // At once: nothing late, and each officer's load.
        let head = sign_in(&service, "kepala_bagian");
        let view = ok(&service, "GET", "/api/v1/supervision", Some(&head), &Value::Null);
        assert!(view["tasks"].as_array().unwrap().is_empty(), "{view}");
        let stage = view["stages"].as_array().unwrap().iter().find(|s| s["stage"] == "verifikasi").unwrap().clone();
        assert_eq!(stage["may_reassign"], true);
        let load =
            |user: Value| view["load"].as_array().unwrap().iter().find(|l| l["user"] == user).unwrap()["open"].clone();
        assert_eq!(
            (load(json!("pokja_dokumentasi")), load(json!("rina")), load(Value::Null)),
            (json!(1), json!(1), json!(1))
        );
        codes
    };

    // A month later every verification task is late.
    let service = std::sync::Arc::new(start(dir.path(), 30));
    let head_token = sign_in(&service, "kepala_bagian");
    let view = ok(&service, "GET", "/api/v1/supervision", Some(&head_token), &Value::Null);
    let late: Vec<&str> =
        view["tasks"].as_array().unwrap().iter().map(|t| t["tracking_code"].as_str().unwrap()).collect();
    assert_eq!(late.len(), 3, "{view}");
    assert!(view["tasks"].as_array().unwrap().iter().all(|t| t["clock"] == "breached"));
    let late_of_rina = view["load"].as_array().unwrap().iter().find(|l| l["user"] == "rina").unwrap()["late"].clone();
    assert_eq!(late_of_rina, 1);

    let mut head = Client::of(&service);
    head.sign_in("kepala_bagian");
    let page = head.get("/staf/pengawasan");
    assert_eq!(page.status, 200);
    assert_eq!(page.texts("#tugas-mendesak tbody tr").len(), 3);
    assert!(page.texts("header nav a").iter().any(|a| a == "Pengawasan"), "the page is in a supervisor's navigation");
    let csrf = web_support::hidden(&page.body, "_csrf");

    // Reassign one task from the page; the case records it.
    let officer = sign_in(&service, "pokja_dokumentasi");
    let (code, id) = &codes[0];
    let moved = head.post_form("/staf/pengawasan/tugaskan", &[("_csrf", &csrf), ("case", id), ("user", "rina")]);
    assert_eq!(moved.status, 303, "{}", moved.body);
    let back = head.visit(moved.header("location").unwrap());
    assert!(back.text(".notice").contains(code.as_str()), "{}", back.text(".notice"));
    assert!(assigned(&service, &officer, "rina").contains(code));
    let case = ok(&service, "GET", &format!("/api/v1/cases/{id}"), Some(&head_token), &Value::Null);
    let history = case["history"].to_string();
    assert!(history.contains("kepala_bagian") && history.contains("rina"), "the reassign is on the record: {history}");

    // To someone without the stage's role: refused, nothing changes.
    let before = ok(&service, "GET", &format!("/api/v1/cases/{}", codes[2].1), Some(&head_token), &Value::Null);
    let refused = head
        .post_form("/staf/pengawasan/tugaskan", &[("_csrf", &csrf), ("case", &codes[2].1), ("user", "pokja_layanan")]);
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.text(".notice.error").contains("pokja_layanan"), "{}", refused.text(".notice.error"));
    let after = ok(&service, "GET", &format!("/api/v1/cases/{}", codes[2].1), Some(&head_token), &Value::Null);
    assert_eq!(before["version"], after["version"]);

    // Hand all of Rina's tasks (two now) back to the first officer.
    let (status, refused) = call(
        &service,
        "POST",
        "/api/v1/supervision/transfer",
        Some(&head_token),
        &json!({ "from": "rina", "to": "pokja_layanan" }),
    );
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["error"]["fields"][0]["field"], "to");
    assert_eq!(assigned(&service, &officer, "rina").len(), 2, "a refused hand-over changes nothing");
    let done = ok(
        &service,
        "POST",
        "/api/v1/supervision/transfer",
        Some(&head_token),
        &json!({ "from": "rina", "to": "pokja_dokumentasi" }),
    );
    assert_eq!(done["moved"].as_array().unwrap().len(), 2, "{done}");
    assert!(assigned(&service, &officer, "rina").is_empty());
    assert_eq!(assigned(&service, &officer, "pokja_dokumentasi").len(), 2);

    // Someone who supervises nothing has no such page in their navigation.
    let mut drafter = Client::of(&service);
    drafter.sign_in("pokja_layanan");
    let nothing = drafter.get("/staf/pengawasan");
    assert!(nothing.body.contains("Anda tidak mengawasi tahap mana pun"));
    assert!(!nothing.texts("header nav a").iter().any(|a| a == "Pengawasan"));
    let (status, _) = call(
        &service,
        "POST",
        "/api/v1/supervision/transfer",
        Some(&sign_in(&service, "pokja_layanan")),
        &json!({ "from": "rina", "to": "pokja_dokumentasi" }),
    );
    assert_eq!(status, 403);
}
