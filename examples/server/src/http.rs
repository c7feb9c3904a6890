//! What both faces share about HTTP: the status of each kind of failure,
//! the client's address, serving an attachment, the body limit, and the
//! middleware around the whole application (metrics, security headers).

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};

use crate::app::{Download, Kind};
use crate::state::AppState;

/// The largest request body (uploads): a little over five 10 MiB files.
pub(crate) const MAX_BODY: usize = 64 * 1024 * 1024;

/// The HTTP status of a kind of failure, for the API and the pages alike.
pub(crate) fn status(kind: Kind) -> StatusCode {
    match kind {
        Kind::BadRequest => StatusCode::BAD_REQUEST,
        Kind::Unauthenticated => StatusCode::UNAUTHORIZED,
        Kind::Forbidden => StatusCode::FORBIDDEN,
        Kind::NotFound => StatusCode::NOT_FOUND,
        Kind::Conflict => StatusCode::CONFLICT,
        Kind::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
        Kind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        Kind::UnsupportedMedia => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Kind::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
        Kind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Kind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
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
pub(crate) fn download(file: Download) -> Response {
    let ascii: String =
        file.name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    let encoded = filename_star(&file.name);
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let mut response = file.bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(file.media_type));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox; default-src 'none'"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    response
}

/// The request header the server sets (replacing any sent) to the client's address.
const CLIENT_HEADER: &str = "x-sigap-client";

/// The client's address, as [`observe`] determined it (for rate limits only).
pub(crate) fn client_address(headers: &HeaderMap) -> String {
    headers.get(CLIENT_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("unknown").to_owned()
}

/// Counts requests by route template, records the client's address for rate
/// limits, and adds security headers to every response.
async fn observe(State(state): State<Arc<AppState>>, mut request: Request, next: Next) -> Response {
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
