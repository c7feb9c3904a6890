//! The case list (issue 19): every case a person reaches, found by state,
//! holder, code, dates and clock, sorted, paged, counted and exported;
//! every bad parameter a 400 naming it. In-process, through the API and
//! the page; a second service on the same folder with its clock moved
//! shows the late ones.

mod web_support;

use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};
use web_support::{Client, Service, server};

struct Reply {
    status: u16,
    json: Value,
    text: String,
    headers: axum::http::HeaderMap,
}

fn call(service: &Service, method: &str, path: &str, token: Option<&str>, body: &Value) -> Reply {
    let mut request = Request::builder().method(method).uri(path).header("content-type", "application/json");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = service.send(request.body(Body::from(body.to_string())).unwrap());
    let text = String::from_utf8_lossy(response.body()).into_owned();
    Reply {
        status: response.status().as_u16(),
        json: serde_json::from_str(&text).unwrap_or(Value::Null),
        text,
        headers: response.headers().clone(),
    }
}

fn ok(service: &Service, method: &str, path: &str, token: Option<&str>, body: &Value) -> Value {
    let reply = call(service, method, path, token, body);
    assert!((200..300).contains(&reply.status), "{method} {path}: {}", reply.text);
    reply.json
}

const WORKFLOW: &str = "konsultasi-hukum-asn";

/// Four cases: rejected, waiting on the applicant, held by the officer, and
/// unclaimed; returns (tracking code, case id) in submission order.
fn populate(service: &Service, token: &str) -> Vec<(String, String)> {
    let mut cases = Vec::new();
    for name in ["Siti Rahmawati", "Andi Saputra", "Rina Marlina", "Yusuf Hakim"] {
        let submitted = ok(
            service,
            "POST",
            &format!("/api/v1/workflows/{WORKFLOW}/cases"),
            None,
            &json!({ "form": sigap_tests::sumbar_form(name) }),
        );
        let code = submitted["tracking_code"].as_str().unwrap().to_owned();
        let listed = ok(service, "GET", &format!("/api/v1/cases?code={code}"), Some(token), &Value::Null);
        let id = listed[0]["case"].as_str().unwrap().to_owned();
        cases.push((code, id));
    }
    let act = |id: &str, action: &str, inputs: Value| {
        ok(service, "POST", &format!("/api/v1/cases/{id}/actions/{action}"), Some(token), &json!({ "inputs": inputs }));
    };
    act(&cases[0].1, "tolak", json!({ "alasan": "Di luar ruang lingkup layanan." }));
    act(&cases[1].1, "minta_kelengkapan", json!({ "kekurangan": "Salinan SK pengangkatan." }));
    ok(service, "POST", &format!("/api/v1/cases/{}/claim", cases[2].1), Some(token), &Value::Null);
    cases
}

/// A session token of a demo account.
fn sign_in(service: &Service, user: &str) -> String {
    web_support::api_token(service, user)
}

fn codes(listed: &Value) -> Vec<String> {
    listed.as_array().unwrap().iter().map(|s| s["tracking_code"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn the_list_finds_every_case_by_state_holder_code_and_order_with_counts_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let service = server(dir.path());
    let token = sign_in(&service, "pokja_dokumentasi");
    let cases = populate(&service, &token);
    let code = |i: usize| cases[i].0.clone();
    let list = |query: &str| ok(&service, "GET", &format!("/api/v1/cases?{query}"), Some(&token), &Value::Null);

    // Closed and waiting cases are in the list, as the inbox never shows them.
    assert_eq!(codes(&list("state=rejected")), [code(0)]);
    assert_eq!(codes(&list("state=closed")), [code(0)]);
    assert!(codes(&list("state=answered")).is_empty());
    assert_eq!(codes(&list("state=waiting")), [code(1)]);
    assert_eq!(codes(&list("status=waiting")), [code(1)], "`status`, as earlier versions named it, still works");
    assert_eq!(codes(&list("assigned=me")), [code(2)]);
    assert_eq!(codes(&list("assigned=none&state=open")), [code(3)]);
    assert_eq!(
        codes(&list(&format!("code={}", code(3).to_lowercase()))),
        [code(3)],
        "codes are read as people type them"
    );
    assert_eq!(codes(&list(&format!("workflow={WORKFLOW}&stage=verifikasi"))), [code(3), code(2)]);
    // Newest first by default, oldest first on request; a range of days
    // around the day they were received holds them, one before it none.
    let newest: Vec<String> = (0..4).rev().map(code).collect();
    assert_eq!(codes(&list("")), newest);
    assert_eq!(codes(&list("sort=oldest")), (0..4).map(code).collect::<Vec<_>>());
    assert_eq!(codes(&list("sort=due")).len(), 4);
    let received: chrono::DateTime<chrono::Utc> = list("")[0]["submitted_at"].as_str().unwrap().parse().unwrap();
    let today = received.with_timezone(&chrono_tz::Asia::Jakarta).date_naive();
    let around = format!("received_from={}&received_to={}", today.pred_opt().unwrap(), today.succ_opt().unwrap());
    assert_eq!(codes(&list(&around)).len(), 4);
    let before = format!("received_to={}", today.pred_opt().unwrap().pred_opt().unwrap());
    assert!(codes(&list(&before)).is_empty());

    // Pages: a count of all that match, and a link to the next page.
    let page = call(&service, "GET", "/api/v1/cases?limit=3", Some(&token), &Value::Null);
    assert_eq!(codes(&page.json), newest[..3]);
    assert_eq!(page.headers["x-total-count"], "4");
    assert_eq!(page.headers["x-total-count-exact"], "true");
    let next = page.headers["link"].to_str().unwrap().to_owned();
    assert_eq!(next, "</api/v1/cases?limit=3&offset=3>; rel=\"next\"");
    let last = call(&service, "GET", "/api/v1/cases?limit=3&offset=3", Some(&token), &Value::Null);
    assert_eq!(codes(&last.json), newest[3..]);
    assert!(last.headers.get("link").is_none(), "no page after the last");

    // Counts per state, under the same filters.
    let counts = ok(&service, "GET", "/api/v1/cases/counts", Some(&token), &Value::Null);
    assert_eq!(counts["total"], 4);
    assert_eq!(counts["by_state"], json!({ "open": 2, "waiting": 1, "answered": 0, "rejected": 1, "withdrawn": 0 }));
    let open_counts = ok(&service, "GET", "/api/v1/cases/counts?assigned=me", Some(&token), &Value::Null);
    assert_eq!(open_counts["total"], 1);

    // The CSV: a header and one line per case, no personal data.
    let sheet = call(&service, "GET", "/api/v1/cases.csv?sort=oldest", Some(&token), &Value::Null);
    assert_eq!(sheet.status, 200);
    assert!(sheet.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    let lines: Vec<&str> = sheet.text.lines().collect();
    assert_eq!(lines.len(), 5, "{}", sheet.text);
    assert!(lines[0].starts_with("tracking_code,workflow,"));
    assert!(
        lines[1].starts_with(&format!("{},{WORKFLOW},", code(0))) && lines[1].contains(",rejected,"),
        "{}",
        lines[1]
    );
    assert!(lines[3].contains(",pokja_dokumentasi,"), "the holder: {}", lines[3]);
    for name in ["Siti", "Rahmawati", "Andi", "Yusuf", "19820414", "0812 3456", "example.go.id"] {
        assert!(!sheet.text.contains(name), "no personal data in the CSV ({name})");
    }

    // The page: the same list, counts that link to each state, the CSV link.
    let mut staff = Client::of(&service);
    staff.sign_in("pokja_dokumentasi");
    let page = staff.get("/staf/kasus?state=waiting");
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.texts("#daftar-kasus tbody tr td:first-child"), [code(1)]);
    assert!(page.text("#jumlah-hasil").contains("1–1 dari 1 kasus"), "{}", page.text("#jumlah-hasil"));
    let cards = page.texts(".summary-cards li");
    assert!(cards.iter().any(|c| c.contains("2") && c.contains("Sedang diproses")), "{cards:?}");
    assert_eq!(page.attr("#jumlah-hasil a", "href").as_deref(), Some("/staf/kasus.csv?state=waiting"));
    let nav = staff.get("/staf/kotak-masuk");
    assert!(nav.texts("header nav a").iter().any(|a| a == "Semua kasus"), "the list is in the navigation");
}

#[test]
fn every_bad_parameter_is_a_400_naming_it_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let service = server(dir.path());
    let token = sign_in(&service, "pokja_dokumentasi");
    for (query, parameter) in [
        ("state=bogus", "state"),
        ("clock=soon", "clock"),
        ("received_from=2026-12-10&received_to=2026-12-01", "received_from"),
        ("received_to=10-12-2026", "received_to"),
        ("limit=5000", "limit"),
        ("limit=0", "limit"),
        ("offset=-1", "offset"),
        ("sort=random", "sort"),
        ("workflow=tidak-ada", "workflow"),
        ("stage=tidak_ada", "stage"),
        ("code=XYZ", "code"),
        ("assigned=orang-asing", "assigned"),
        ("colour=red", "colour"),
        ("state=open&state=waiting", "state"),
        ("state=open&status=waiting", "state"),
    ] {
        for path in ["/api/v1/cases", "/api/v1/cases/counts", "/api/v1/cases.csv"] {
            let reply = call(&service, "GET", &format!("{path}?{query}"), Some(&token), &Value::Null);
            assert_eq!(reply.status, 400, "{path}?{query}: {}", reply.text);
            let error = &reply.json["error"];
            assert_eq!(error["code"], "bad_parameter", "{query}");
            assert_eq!(error["fields"][0]["field"], parameter, "{query}: {error}");
            assert!(error["message"].as_str().unwrap().starts_with(&format!("{parameter}:")), "{error}");
            assert!(error["message_id"].as_str().unwrap().contains(&format!("`{parameter}`")), "{error}");
        }
    }
    // The page shows the reason in Bahasa Indonesia, keeps what was typed,
    // and links to the field.
    let mut staff = Client::of(&service);
    staff.sign_in("pokja_dokumentasi");
    let page = staff.get("/staf/kasus?received_from=2026-12-10&received_to=2026-12-01");
    assert_eq!(page.status, 400);
    let summary = page.text(".error-summary");
    assert!(
        summary.contains("Parameter `received_from`") && summary.contains("hari pertama harus lebih dulu"),
        "{summary}"
    );
    assert_eq!(page.attr(".error-summary a", "href").as_deref(), Some("#saring-received_from"));
    assert_eq!(page.attr("#saring-received_from", "value").as_deref(), Some("2026-12-10"));
    assert!(page.texts("#daftar-kasus").is_empty(), "no list for a search that cannot run");
}

#[test]
fn late_and_at_risk_cases_are_found_by_their_clock() {
    let dir = tempfile::tempdir().unwrap();
    let token_of = |service: &Service| sign_in(service, "pokja_dokumentasi");
    let cases = {
        let service = server(dir.path());
        let token = token_of(&service);
        let cases = populate(&service, &token);
        // Received now: nothing is late yet.
        let late = ok(&service, "GET", "/api/v1/cases?clock=late", Some(&token), &Value::Null);
        assert!(codes(&late).is_empty(), "{late}");
        cases
    };
    // The same folder a month later: the open verification tasks are late;
    // the rejected case has no clock, the waiting one waits on the applicant.
    let config = format!("{}clock_offset_seconds = {}\n", support_config(dir.path()), 30 * 86_400);
    let later = Service::start(&config, "127.0.0.1:50000".parse().unwrap());
    let token = token_of(&later);
    let late = codes(&ok(&later, "GET", "/api/v1/cases?clock=late&sort=due", Some(&token), &Value::Null));
    assert!(late.contains(&cases[2].0) && late.contains(&cases[3].0), "{late:?}");
    assert!(!late.contains(&cases[0].0), "a rejected case is never late");
    let on_track = codes(&ok(&later, "GET", "/api/v1/cases?clock=on_track", Some(&token), &Value::Null));
    assert!(on_track.iter().all(|c| !late.contains(c)));
    let mut staff = Client::of(&std::sync::Arc::new(later));
    staff.sign_in("pokja_dokumentasi");
    let page = staff.get("/staf/kasus?clock=late");
    assert!(page.texts("#daftar-kasus tbody tr td:last-child").iter().all(|b| b.contains("Terlambat")));
}

fn support_config(dir: &std::path::Path) -> String {
    format!(
        "workflows = {:?}\ndata_dir = {:?}\ndemo = true\n",
        sigap_tests::workflows_dir().display().to_string(),
        dir.display().to_string()
    )
}
