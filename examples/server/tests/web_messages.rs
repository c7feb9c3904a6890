//! What staff are told after an action names the action of the case's own
//! workflow (issue 19's defect "Tindakan berhasil: Tolak pendampingan" on a
//! West Sumatra case: action ids repeat across workflows).

mod web_support;

use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};
use web_support::{Client, Service, server};

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
fn the_confirmation_names_the_action_of_the_cases_own_workflow() {
    let dir = tempfile::tempdir().unwrap();
    let service = server(dir.path());
    let submitted = api(
        &service,
        "POST",
        "/api/v1/workflows/konsultasi-hukum-asn/cases",
        None,
        &json!({ "form": sigap_tests::sumbar_form("Siti Rahmawati") }),
    );
    let code = submitted["tracking_code"].as_str().unwrap().to_owned();
    let token = api(
        &service,
        "POST",
        "/api/v1/session",
        None,
        &json!({ "user": "pokja_dokumentasi", "password": "sigap-demo" }),
    )["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let inbox = api(&service, "GET", "/api/v1/inbox", Some(&token), &Value::Null);
    let case = inbox.as_array().unwrap().iter().find(|i| i["tracking_code"] == code.as_str()).unwrap()["case"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut staff = Client::of(&service);
    staff.sign_in("pokja_dokumentasi");
    // `tolak` is an action of both the West Sumatra and the regency workflow.
    let page = staff.get(&format!("/staf/kasus/{case}?berhasil=tolak"));
    assert_eq!(page.status, 200);
    let notice = page.text("#berhasil");
    assert_eq!(notice, "Tindakan berhasil: Tolak permohonan");
}
