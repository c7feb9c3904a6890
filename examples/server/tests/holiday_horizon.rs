//! When a calendar's holidays end: `/healthz` warns without changing its
//! status, and a due instant past the last known year is marked where
//! staff see it (the inbox, in the API and on the page).

mod support;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;
use support::in_process::sled_config;
use support::{Api, sumbar_form};

/// A service whose clock reads `at` now.
fn service_at(dir: &std::path::Path, at: DateTime<Utc>) -> Api {
    #[allow(clippy::disallowed_methods, reason = "the service under test reads the same clock")]
    let offset = (at - Utc::now()).num_seconds();
    let config = format!("{}clock_offset_seconds = {offset}\n", sled_config(dir));
    Api::in_process_with(&config, "127.0.0.1:50000".parse().unwrap())
}

#[test]
fn holidays_ending_within_a_year_are_a_warning_on_healthz_not_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    // Noon in Jakarta, so that the few seconds a test takes cannot change the day.
    let late = service_at(dir.path(), Utc.with_ymd_and_hms(2027, 6, 1, 5, 0, 0).unwrap());
    let reply = late.get("/healthz", &[]);
    assert_eq!(reply.status, 200, "a warning never changes the status");
    let body = String::from_utf8(reply.bytes).unwrap();
    assert_eq!(
        body,
        "ok\n\
         warning: the holidays of calendar `kab-contoh-bagian-hukum` are known until 2027-12-31 (in 213 days); later deadlines count holidays as working days: include the holiday file for 2028\n\
         warning: the holidays of calendar `kota-contoh-bagian-hukum` are known until 2027-12-31 (in 213 days); later deadlines count holidays as working days: include the holiday file for 2028\n\
         warning: the holidays of calendar `sumbar-biro-hukum` are known until 2027-12-31 (in 213 days); later deadlines count holidays as working days: include the holiday file for 2028\n"
    );
    drop(late);
    let early = service_at(dir.path(), Utc.with_ymd_and_hms(2026, 6, 1, 5, 0, 0).unwrap());
    let reply = early.get("/healthz", &[]);
    assert_eq!((reply.status, String::from_utf8(reply.bytes).unwrap().as_str()), (200, "ok\n"));
}

#[test]
fn a_due_instant_past_the_known_holidays_is_marked_for_staff() {
    let dir = tempfile::tempdir().unwrap();
    // Friday 31 December 2027, 14:50 WIB: the half hour of verification ends in 2028.
    let api = service_at(dir.path(), Utc.with_ymd_and_hms(2027, 12, 31, 7, 50, 0).unwrap());
    let receipt = api.post(
        "/api/v1/workflows/konsultasi-hukum-asn/cases",
        &[],
        &json!({ "form": sumbar_form("Siti Rahmawati") }),
    );
    assert_eq!(receipt.status, 201, "{:?}", receipt.json);
    assert!(receipt.json["due"].as_str().unwrap().starts_with("2028-"), "{:?}", receipt.json);
    let token = api.sign_in("pokja_dokumentasi");
    let inbox = api.get("/api/v1/inbox", &[("authorization", &token)]);
    assert_eq!(inbox.json[0]["due_beyond_known_holidays"], true, "{:?}", inbox.json);
    // The inbox page says so beside the due time (the page reads the same session from its cookie).
    let cookie = format!("sigap_staff={}", token.trim_start_matches("Bearer "));
    let page = String::from_utf8(api.get("/staf/kotak-masuk", &[("cookie", &cookie)]).bytes).unwrap();
    assert!(page.contains("hari libur belum dimuat"), "{page}");
    drop(api);

    let dir = tempfile::tempdir().unwrap();
    let api = service_at(dir.path(), Utc.with_ymd_and_hms(2027, 6, 1, 3, 0, 0).unwrap());
    let receipt = api.post(
        "/api/v1/workflows/konsultasi-hukum-asn/cases",
        &[],
        &json!({ "form": sumbar_form("Siti Rahmawati") }),
    );
    assert_eq!(receipt.status, 201);
    let token = api.sign_in("pokja_dokumentasi");
    let inbox = api.get("/api/v1/inbox", &[("authorization", &token)]);
    assert_eq!(inbox.json[0]["due_beyond_known_holidays"], false, "{:?}", inbox.json);
    let cookie = format!("sigap_staff={}", token.trim_start_matches("Bearer "));
    let page = String::from_utf8(api.get("/staf/kotak-masuk", &[("cookie", &cookie)]).bytes).unwrap();
    assert!(page.contains("kotak") || page.contains("Kotak"), "the inbox page: {page}");
    assert!(!page.contains("hari libur belum dimuat"), "{page}");
}
