//! Completing a returned request asks only for what was asked for (issue
//! 19: through the API the applicant had to send the whole form again).
//! The officer ticks the fields on the case page; the applicant's page
//! shows those fields only; through the API the applicant sends just them,
//! an asked-for field left out is named and nothing is stored. In-process.

mod web_support;

use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};
use web_support::{Client, Service, server};

fn call(service: &Service, method: &str, path: &str, headers: &[(&str, &str)], body: &Value) -> (u16, Value) {
    let mut request = Request::builder().method(method).uri(path).header("content-type", "application/json");
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response = service.send(request.body(Body::from(body.to_string())).unwrap());
    (response.status().as_u16(), serde_json::from_slice(response.body()).unwrap_or(Value::Null))
}

#[test]
fn the_applicant_completes_only_the_fields_the_officer_ticked() {
    let dir = tempfile::tempdir().unwrap();
    let service = server(dir.path());
    let (status, receipt) = call(
        &service,
        "POST",
        "/api/v1/workflows/konsultasi-hukum-asn/cases",
        &[],
        &json!({ "form": sigap_tests::sumbar_form("Siti Rahmawati") }),
    );
    assert_eq!(status, 201, "{receipt}");
    let code = receipt["tracking_code"].as_str().unwrap().to_owned();
    let secret = receipt["secret"].as_str().unwrap().to_owned();
    let bearer = format!("Bearer {}", web_support::api_token(&service, "pokja_dokumentasi"));
    let (_, listed) =
        call(&service, "GET", &format!("/api/v1/cases?code={code}"), &[("authorization", &bearer)], &Value::Null);
    let id = listed[0]["case"].as_str().unwrap().to_owned();

    // The officer ticks two fields on the case page.
    let mut staff = Client::of(&service);
    staff.sign_in("pokja_dokumentasi");
    let page = staff.get(&format!("/staf/kasus/{id}"));
    let ticks = page.texts("#aksi-minta_kelengkapan input[name='isian[]'] + span");
    assert!(ticks.iter().any(|t| t.contains("Nomor telepon")), "the form's fields to tick: {ticks:?}");
    let form = "#aksi-minta_kelengkapan";
    let (csrf, idem, version) = (
        web_support::hidden_in(&page.body, form, "_csrf"),
        web_support::hidden_in(&page.body, form, "_idem"),
        web_support::hidden_in(&page.body, form, "expected_version"),
    );
    let returned = staff.post_multipart(
        &format!("/staf/kasus/{id}/tindakan/minta_kelengkapan"),
        &[
            ("_csrf", &csrf),
            ("_idem", &idem),
            ("expected_version", &version),
            ("kekurangan", "Nomor telepon tidak aktif; pertanyaan belum jelas."),
            ("isian[]", "telepon"),
            ("isian[]", "pertanyaan"),
        ],
        &[],
    );
    assert_eq!(returned.status, 303, "{}", returned.body);

    // The applicant sees what was asked, by name.
    let tracking = [("x-tracking-secret", secret.as_str())];
    let (_, view) = call(&service, "GET", &format!("/api/v1/track/{code}"), &tracking, &Value::Null);
    let asked: Vec<&str> =
        view["requested_fields"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(asked, ["telepon", "pertanyaan"], "{view}");
    let mut applicant = Client::of(&service);
    let lacak = applicant.get("/lacak");
    let csrf = web_support::hidden(&lacak.body, "_csrf");
    let opened = applicant.post_form("/lacak", &[("_csrf", &csrf), ("kode", &code), ("rahasia", &secret)]);
    assert!(opened.status == 303 || opened.status == 200, "{}", opened.body);
    let action_page = applicant.visit(&format!("/lacak/{code}/tindakan/lengkapi"));
    assert_eq!(action_page.status, 200, "{}", action_page.body);
    let names: Vec<String> = action_page
        .doc()
        .select(
            &scraper::Selector::parse(
                "form input[name^='form.'], form textarea[name^='form.'], form select[name^='form.']",
            )
            .unwrap(),
        )
        .filter_map(|e| e.value().attr("name").map(str::to_owned))
        .collect();
    assert_eq!(names, ["form.telepon", "form.pertanyaan"], "only the asked-for fields");
    assert!(action_page.text("#yang-diminta").contains("Nomor telepon"), "{}", action_page.text("#yang-diminta"));

    // Through the API: an asked-for field left out is named, nothing stored.
    let path = format!("/api/v1/track/{code}/actions/lengkapi");
    let (status, refused) =
        call(&service, "POST", &path, &tracking, &json!({ "form": { "telepon": "0813 1111 2222" } }));
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["error"]["fields"][0]["field"], "pertanyaan", "{refused}");
    let (_, still) = call(&service, "GET", &format!("/api/v1/track/{code}"), &tracking, &Value::Null);
    assert_eq!(still["version"], view["version"], "nothing stored");

    // Just the two fields: taken, the rest kept.
    let (status, done) = call(
        &service,
        "POST",
        &path,
        &tracking,
        &json!({ "form": { "telepon": "0813 1111 2222", "pertanyaan": "Apakah saya perlu didampingi penasihat hukum?" } }),
    );
    assert_eq!(status, 200, "{done}");
    let (_, case) = call(&service, "GET", &format!("/api/v1/cases/{id}"), &[("authorization", &bearer)], &Value::Null);
    let field = |id: &str| {
        case["form"].as_array().unwrap().iter().find(|f| f["id"] == id).unwrap()["value"].as_str().unwrap().to_owned()
    };
    assert_eq!(field("telepon"), "+6281311112222");
    assert_eq!(field("nama"), "Siti Rahmawati", "the rest is kept");
    assert_eq!(case["stage"], "verifikasi");
}
