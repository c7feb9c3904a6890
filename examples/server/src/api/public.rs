//! The applicant's side of the API: the services open for submission,
//! submitting a request, and following it with the tracking code and secret
//! (`X-Tracking-Secret`). Each handler decodes the request and calls
//! [`crate::app::applicant`].

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sigap_core::engine::Case;
use sigap_core::workflow::Workflow;

use crate::app::AppError;
use crate::app::applicant::{self, Tracking, WorkflowInfo};
use crate::app::input::RawInput;
use crate::http::client_address;
use crate::state::AppState;

/// `GET /api/v1/workflows`
pub(crate) async fn workflows(State(state): State<Arc<AppState>>) -> Json<Vec<WorkflowInfo>> {
    Json(applicant::open_workflows(&state))
}

/// Which organisation, when a workflow id is used by several.
#[derive(Debug, Deserialize)]
pub(crate) struct OrganisationQuery {
    organisation: Option<String>,
}

/// The `Idempotency-Key` header, if any (see [`crate::app::idempotency_key`]).
pub(crate) fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, AppError> {
    // Bytes that are not UTF-8 become U+FFFD, which the check refuses.
    let text = headers.get("idempotency-key").map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    crate::app::idempotency_key(text.as_deref())
}

/// `POST /api/v1/workflows/{workflow}/cases`
pub(crate) async fn submit(
    State(state): State<Arc<AppState>>,
    Path(workflow): Path<String>,
    Query(query): Query<OrganisationQuery>,
    headers: HeaderMap,
    raw: RawInput,
) -> Result<Response, AppError> {
    let workflow = applicant::find_open(&state, &workflow, query.organisation.as_deref())?;
    let key = idempotency_key(&headers)?;
    let (receipt, created) = applicant::submit(&state, &workflow, &raw, key).await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(receipt)).into_response())
}

/// The case the tracking code in the path and `X-Tracking-Secret` open.
async fn opened(state: &AppState, code: &str, headers: &HeaderMap) -> Result<(Case, Workflow), AppError> {
    let secret =
        headers.get("x-tracking-secret").and_then(|v| v.to_str().ok()).map(str::trim).filter(|s| !s.is_empty());
    applicant::open_tracked(state, code, secret, &client_address(headers)).await
}

/// `GET /api/v1/track/{code}` with `X-Tracking-Secret`.
pub(crate) async fn track(
    State(state): State<Arc<AppState>>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Tracking>, AppError> {
    let (case, workflow) = opened(&state, &code, &headers).await?;
    Ok(Json(applicant::tracking(&state, &case, &workflow).await?))
}

/// `POST /api/v1/track/{code}/actions/{action}`: amend, withdraw, … as the workflow allows the applicant.
pub(crate) async fn track_action(
    State(state): State<Arc<AppState>>,
    Path((code, action)): Path<(String, String)>,
    headers: HeaderMap,
    raw: RawInput,
) -> Result<Json<Tracking>, AppError> {
    let (case, workflow) = opened(&state, &code, &headers).await?;
    let key = idempotency_key(&headers)?;
    let case = applicant::act(&state, &case, &workflow, &action, &raw, key).await?;
    Ok(Json(applicant::tracking(&state, &case, &workflow).await?))
}

/// `POST /api/v1/track/{code}/survey`
pub(crate) async fn track_survey(
    State(state): State<Arc<AppState>>,
    Path(code): Path<String>,
    headers: HeaderMap,
    raw: RawInput,
) -> Result<Json<Tracking>, AppError> {
    let (case, workflow) = opened(&state, &code, &headers).await?;
    let case = applicant::survey(&state, &case, &raw).await?;
    Ok(Json(applicant::tracking(&state, &case, &workflow).await?))
}

/// `GET /api/v1/track/{code}/attachments/{file}`: the applicant's own uploads and the answer.
pub(crate) async fn track_attachment(
    State(state): State<Arc<AppState>>,
    Path((code, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (case, _) = opened(&state, &code, &headers).await?;
    Ok(crate::http::download(applicant::attachment(&state, &case, &file).await?))
}
