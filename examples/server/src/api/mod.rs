//! The JSON API under `/api/v1`, with health, metrics and the OpenAPI
//! document: requests decoded into the use cases of [`crate::app`], their
//! results encoded as JSON, their errors through [`error`].

mod error;
mod openapi;
mod public;
mod report;
mod staff;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::app::AppError;
use crate::http::MAX_BODY;
use crate::state::AppState;

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
        .route("/api/v1/cases.csv", get(staff::csv))
        .route("/api/v1/cases/counts", get(staff::counts))
        .route("/api/v1/supervision", get(staff::supervision))
        .route("/api/v1/supervision/transfer", post(staff::transfer))
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

/// `GET /healthz`: the store answers (`ok`), followed by a `warning:` line
/// per calendar whose holidays end within twelve months, which does not
/// change the status.
async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    match state.store().case_ids(None, 1).await {
        Ok(_) => {
            let mut body = "ok\n".to_owned();
            for warning in state.holiday_warnings() {
                body.push_str(&format!("warning: {warning}\n"));
            }
            (axum::http::StatusCode::OK, body).into_response()
        }
        Err(e) => AppError::from(e).into_response(),
    }
}

/// `GET /metrics`: Prometheus text format.
async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render()).into_response()
}

/// The answer for an address under the API's paths that no route serves.
pub(crate) fn not_found() -> Response {
    AppError::not_found().into_response()
}
