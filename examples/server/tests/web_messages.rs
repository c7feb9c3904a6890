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

/// Sends the West Sumatra form page a valid request with a document; the receipt.
fn send_the_form(applicant: &mut Client, form: &web_support::Page) -> web_support::Page {
    let (csrf, idem) = (web_support::hidden(&form.body, "_csrf"), web_support::hidden(&form.body, "_idem"));
    let mut fields: Vec<(&str, &str)> = vec![("_csrf", &csrf), ("_idem", &idem)];
    fields.extend(web_support::valid_request());
    applicant.post_multipart("/layanan/konsultasi-hukum-asn", &fields, &[("dokumen", "surat.pdf", &web_support::pdf())])
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
    let token = web_support::api_token(&service, "pokja_dokumentasi");
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

/// The declared complaint channels appear on the form, the receipt and the
/// tracking page (issue 19: they appeared on no page).
#[test]
fn the_complaint_channels_are_on_every_applicant_page() {
    let dir = tempfile::tempdir().unwrap();
    let service = server(dir.path());
    let mut applicant = Client::of(&service);
    let form = applicant.get("/layanan/konsultasi-hukum-asn");
    let channels = form.texts("#pengaduan li");
    assert_eq!(channels.len(), 4, "{channels:?}");
    assert!(channels.iter().any(|c| c.contains("@birohukumsumbar")), "{channels:?}");
    let receipt = send_the_form(&mut applicant, &form);
    assert_eq!(receipt.status, 200, "{}", receipt.body);
    assert_eq!(receipt.texts("#pengaduan li"), channels);
    let code = receipt.text("#kode-pelacakan");
    let page = applicant.visit(&format!("/lacak/{code}"));
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.texts("#pengaduan li"), channels);
}

/// The tracking form's example looks like a real tracking code (issue 19: it
/// showed "SGP-7K3M-Q9TX" while codes look like "7SBW-SYXK").
#[test]
fn the_tracking_code_example_is_a_tracking_code() {
    let dir = tempfile::tempdir().unwrap();
    let service = server(dir.path());
    let page = Client::of(&service).get("/lacak");
    let hint = page.body.split("misalnya ").nth(1).expect("an example in the hint");
    let example: String = hint.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    assert!(sigap_core::engine::TrackingCode::parse(&example).is_some_and(|c| c.as_str() == example), "{example}");
}

/// The receipt never breaks the secret inside a group of four (issue 19:
/// it wrapped mid-group); what a person copies is still the secret itself.
#[test]
fn the_secret_wraps_only_between_its_groups() {
    let dir = tempfile::tempdir().unwrap();
    let service = server(dir.path());
    let mut applicant = Client::of(&service);
    let form = applicant.get("/layanan/konsultasi-hukum-asn");
    let receipt = send_the_form(&mut applicant, &form);
    assert_eq!(receipt.status, 200, "{}", receipt.body);
    let secret = receipt.copied("#kode-rahasia");
    let groups = receipt.texts("#kode-rahasia .group");
    assert_eq!(groups.len(), 8, "{groups:?}");
    assert!(groups.iter().all(|g| g.chars().count() == 4), "{groups:?}");
    assert_eq!(groups.join("-"), secret, "the text copied is the secret");
    let css = applicant.get("/static/sigap.css").body;
    assert!(css.contains("#kode-rahasia .group{white-space:nowrap}"), "a group never breaks");
}

/// The report's wide tables scroll in a region a keyboard can reach and a
/// screen reader names (issue 19: axe's one serious finding).
#[test]
fn the_reports_scrolling_tables_are_named_regions_the_keyboard_reaches() {
    let dir = tempfile::tempdir().unwrap();
    let service = server(dir.path());
    let mut head = Client::of(&service);
    head.sign_in("kepala_biro");
    let report = head.get("/staf/laporan");
    assert_eq!(report.status, 200);
    let tables = report.texts(".table-wrap table").len();
    assert!(tables >= 5, "{tables}");
    let doc = report.doc();
    let selector = scraper::Selector::parse(".table-wrap").unwrap();
    for wrap in doc.select(&selector) {
        let attrs = wrap.value();
        assert_eq!(attrs.attr("tabindex"), Some("0"));
        assert_eq!(attrs.attr("role"), Some("region"));
        assert!(attrs.attr("aria-label").is_some_and(|l| !l.is_empty()));
    }
}

/// The completion-time chart's legend shows the colours its median bars are
/// drawn in, green within the standard and red over it (issue 19: its one
/// swatch was the blue of other charts).
#[test]
fn the_completion_time_legend_matches_its_bars() {
    let dir = tempfile::tempdir().unwrap();
    let service = server(dir.path());
    let mut head = Client::of(&service);
    head.sign_in("kepala_biro");
    let report = head.get("/staf/laporan");
    let doc = report.doc();
    let figure = scraper::Selector::parse("figure.chart").unwrap();
    let swatch = scraper::Selector::parse(".legend .swatch").unwrap();
    let timing = doc.select(&figure).find(|f| f.html().contains("-waktu-judul")).expect("the completion-time chart");
    let classes: Vec<String> = timing
        .select(&swatch)
        .filter_map(|s| s.value().attr("class"))
        .map(|c| c.replace("swatch", "").trim().to_owned())
        .collect();
    assert_eq!(classes, ["bar-ok", "bar-late", "p90", "standard"]);
    let css = head.get("/static/sigap.css").body;
    for (swatch, bar) in [
        (".swatch.bar-ok{background:#0e7a43}", "svg .bar-ok{fill:#0e7a43}"),
        (".swatch.bar-late{background:#b00020}", "svg .bar-late{fill:#b00020}"),
    ] {
        assert!(css.contains(swatch) && css.contains(bar), "{swatch} / {bar}");
    }
}
