//! The JSON API under `/api/v1`, with health, metrics and the OpenAPI document.

pub(crate) mod error;
pub(crate) mod input;
mod openapi;
pub(crate) mod public;
pub(crate) mod report;
pub(crate) mod staff;

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use sigap_core::engine::Case;

use self::error::ApiError;
use crate::state::AppState;

/// The largest request body (uploads): a little over five 10 MiB files.
pub(crate) const MAX_BODY: usize = 64 * 1024 * 1024;

/// The API's routes.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi::document))
        .route("/api/v1/workflows", get(public::workflows))
        .route("/api/v1/workflows/{workflow}/cases", post(public::submit))
        .route("/api/v1/track/{code}", get(public::track))
        .route("/api/v1/track/{code}/actions/{action}", post(public::track_action))
        .route("/api/v1/track/{code}/survey", post(public::track_survey))
        .route("/api/v1/track/{code}/attachments/{file}", get(public::track_attachment))
        .route("/api/v1/session", post(staff::create_session).delete(staff::delete_session))
        .route("/api/v1/inbox", get(staff::inbox))
        .route("/api/v1/cases", get(staff::list))
        .route("/api/v1/cases/{id}", get(staff::case))
        .route("/api/v1/cases/{id}/actions/{action}", post(staff::perform))
        .route("/api/v1/cases/{id}/claim", post(staff::claim))
        .route("/api/v1/cases/{id}/assign", post(staff::assign))
        .route("/api/v1/cases/{id}/release", post(staff::release))
        .route("/api/v1/cases/{id}/notes", post(staff::note))
        .route("/api/v1/cases/{id}/attachments", post(staff::upload))
        .route("/api/v1/cases/{id}/attachments/{file}", get(staff::attachment))
        .route("/api/v1/reports/evaluation", get(report::evaluation))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .layer(DefaultBodyLimit::max(MAX_BODY))
}

/// `GET /healthz`: the store answers.
async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    match state.store().case_ids(None, 1).await {
        Ok(_) => (axum::http::StatusCode::OK, "ok\n").into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// `GET /metrics`: Prometheus text format.
async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render()).into_response()
}

/// A file name for `filename*=UTF-8''…` (RFC 8187): UTF-8, percent-encoded
/// but for letters, digits and `.-_` (fewer than `attr-char` allows, so
/// every reader takes it).
fn filename_star(name: &str) -> String {
    const KEPT: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'.').remove(b'-').remove(b'_');
    percent_encoding::utf8_percent_encode(name, KEPT).to_string()
}

/// Serves an attachment: never inline, never sniffed, never scripted.
pub(crate) async fn download(state: &AppState, case: &Case, file: &str) -> Result<Response, ApiError> {
    let attachment = case.attachments.iter().find(|a| a.file.id == file).ok_or_else(ApiError::not_found)?;
    let bytes = state.store().blob(&case.organisation, file).await?.ok_or_else(ApiError::not_found)?;
    let name = &attachment.file.name;
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    let encoded = filename_star(name);
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(attachment.file.file_type.media_type()));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox; default-src 'none'"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(response)
}

/// The request header the server sets (replacing any sent) to the client's address.
pub(crate) const CLIENT_HEADER: &str = "x-sigap-client";

/// Counts requests by route template, records the client's address for rate
/// limits, and adds security headers to every response.
pub(crate) async fn observe(State(state): State<Arc<AppState>>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let forwarded = state
        .config
        .trust_forwarded_for
        .then(|| {
            request
                .headers()
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .map(|v| v.trim().to_owned())
        })
        .flatten();
    let peer =
        request.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip().to_string());
    let client = forwarded.or(peer).unwrap_or_else(|| "unknown".to_owned());
    request.headers_mut().remove(CLIENT_HEADER);
    if let Ok(value) = HeaderValue::from_str(&client) {
        request.headers_mut().insert(CLIENT_HEADER, value);
    }
    let method = request.method().as_str().to_owned();
    let route =
        request.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let mut response = next.run(request).await;
    state.metrics.request(&method, &route, response.status().as_u16(), started.elapsed().as_secs_f64());
    let headers = response.headers_mut();
    headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.entry(header::CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ));
    response
}

/// The middleware stack applied to the whole application.
pub(crate) fn with_observation(router: Router<Arc<AppState>>, state: Arc<AppState>) -> Router {
    router.layer(middleware::from_fn_with_state(state.clone(), observe)).with_state(state)
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_are_encoded_for_content_disposition() {
        assert_eq!(super::filename_star("Kajian_v2-final.pdf"), "Kajian_v2-final.pdf");
        assert_eq!(
            super::filename_star("Surat Keputusan (Bupati) é/~.pdf"),
            "Surat%20Keputusan%20%28Bupati%29%20%C3%A9%2F%7E.pdf"
        );
    }
}
