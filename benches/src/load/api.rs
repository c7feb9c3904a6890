//! Sigap's JSON API as the load uses it: submit a request to the West
//! Sumatra legal-consultation service, sign staff in, add internal notes,
//! read a case, follow a request with its tracking code and secret.

use anyhow::Context;
use axum::body::Bytes;
use serde_json::{Value, json};

use super::http::{Answer, Http};

/// The workflow every submission goes to.
pub(crate) const SUBMIT_PATH: &str = "/api/v1/workflows/konsultasi-hukum-asn/cases";

/// The demo staff member who writes the notes (any staff member of the
/// organisation may add a note at any stage, without claiming the case).
pub(crate) const STAFF: &str = "pokja_dokumentasi";

/// The demo accounts' password.
const DEMO_PASSWORD: &str = "sigap-demo";

/// A valid submission body (the intake form of `konsultasi-hukum-asn`).
pub(crate) fn submit_body(name: &str) -> Bytes {
    let body = json!({ "form": sigap_tests::sumbar_form(name) });
    Bytes::from(serde_json::to_vec(&body).unwrap_or_default())
}

/// An internal note's body.
pub(crate) fn note_body(text: &str) -> Bytes {
    Bytes::from(serde_json::to_vec(&json!({ "text": text })).unwrap_or_default())
}

/// The path of a case's notes.
pub(crate) fn notes_path(case: &str) -> String {
    format!("/api/v1/cases/{case}/notes")
}

/// Submits; a 201 is the acknowledgement (a 200 is an idempotent replay).
pub(crate) async fn submit(http: &Http, body: Bytes, idempotency_key: Option<&str>) -> Answer {
    match idempotency_key {
        Some(key) => http.post(SUBMIT_PATH, &[("idempotency-key", key)], body).await,
        None => http.post(SUBMIT_PATH, &[], body).await,
    }
}

/// Adds a note; a 200 is the acknowledgement.
pub(crate) async fn note(http: &Http, token: &str, case: &str, body: Bytes) -> Answer {
    http.post(&notes_path(case), &[("authorization", token)], body).await
}

/// Signs a demo staff member in: the `Authorization` header value.
pub(crate) async fn sign_in(http: &Http, user: &str) -> anyhow::Result<String> {
    let body = Bytes::from(serde_json::to_vec(&json!({ "user": user, "password": DEMO_PASSWORD }))?);
    let answer = http.post("/api/v1/session", &[], body).await;
    let json = answer.json_if(201).with_context(|| format!("signing in {user}: {}", answer.describe()))?;
    let token = json["token"].as_str().context("a token")?;
    Ok(format!("Bearer {token}"))
}

/// Every case id of the organisation, as staff see them (`GET /api/v1/cases`, paged).
pub(crate) async fn case_ids(http: &Http, token: &str) -> anyhow::Result<Vec<String>> {
    let mut ids = Vec::new();
    loop {
        let path = format!("/api/v1/cases?limit=1000&offset={}", ids.len());
        let answer = http.get(&path, &[("authorization", token)]).await;
        let page = answer.json_if(200).with_context(|| format!("listing cases: {}", answer.describe()))?;
        let page = page.as_array().context("a list")?;
        ids.extend(page.iter().filter_map(|c| c["case"].as_str().map(str::to_owned)));
        if page.len() < 1000 {
            return Ok(ids);
        }
    }
}

/// The ids of the `n` most recently submitted cases.
pub(crate) async fn newest_case_ids(http: &Http, token: &str, n: usize) -> anyhow::Result<Vec<String>> {
    let answer = http.get(&format!("/api/v1/cases?limit={}", n.clamp(1, 1000)), &[("authorization", token)]).await;
    let page = answer.json_if(200).with_context(|| format!("listing cases: {}", answer.describe()))?;
    Ok(page.as_array().into_iter().flatten().filter_map(|c| c["case"].as_str().map(str::to_owned)).collect())
}

/// Submits `n` requests (16 at a time) and returns the ids of every case then in the store.
pub(crate) async fn create_cases(http: &Http, token: &str, n: usize) -> anyhow::Result<Vec<String>> {
    let mut done = 0;
    while done < n {
        let batch = (n - done).min(16);
        let mut set = tokio::task::JoinSet::new();
        for i in 0..batch {
            let http = http.clone();
            let body = submit_body(&format!("Pemohon awal {}", done + i));
            set.spawn(async move { submit(&http, body, None).await });
        }
        while let Some(answer) = set.join_next().await {
            let answer = answer?;
            anyhow::ensure!(answer.json_if(201).is_some(), "creating cases: {}", answer.describe());
        }
        done += batch;
    }
    let ids = case_ids(http, token).await?;
    anyhow::ensure!(ids.len() >= n, "created {n} cases but the case list shows {}", ids.len());
    Ok(ids)
}

/// A case as staff see it (`GET /api/v1/cases/{id}`).
pub(crate) async fn case_view(http: &Http, token: &str, case: &str) -> Answer {
    http.get(&format!("/api/v1/cases/{case}"), &[("authorization", token)]).await
}

/// The texts of a case's notes that are both in its notes and, as
/// `note_added` events, in its history (from its staff view).
pub(crate) fn note_texts(view: &Value) -> std::collections::HashSet<String> {
    let notes: std::collections::HashSet<&str> =
        view["notes"].as_array().into_iter().flatten().filter_map(|n| n["text"].as_str()).collect();
    view["history"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["kind"] == "note_added")
        .filter_map(|e| e["detail"]["text"].as_str())
        .filter(|text| notes.contains(text))
        .map(str::to_owned)
        .collect()
}

/// Follows a request as its applicant (`GET /api/v1/track/{code}` with the secret).
pub(crate) async fn track(http: &Http, code: &str, secret: &str) -> Answer {
    http.get(&format!("/api/v1/track/{code}"), &[("x-tracking-secret", secret)]).await
}

/// A counter or gauge from the server's `/metrics` (the sum over its label sets).
pub(crate) async fn metric(http: &Http, name: &str) -> Option<f64> {
    let Answer::Status(200, body) = http.get("/metrics", &[]).await else { return None };
    let text = String::from_utf8_lossy(&body);
    let values: Vec<f64> = text
        .lines()
        .filter(|l| l.starts_with(name) && matches!(l.as_bytes().get(name.len()), Some(b' ' | b'{')))
        .filter_map(|l| l.rsplit(' ').next()?.parse().ok())
        .collect();
    (!values.is_empty()).then(|| values.iter().sum())
}

/// The outbox items (notifications, webhooks) the server delivered so far.
pub(crate) async fn outbox_delivered(http: &Http) -> Option<f64> {
    metric(http, "sigap_outbox_delivered_total").await
}
