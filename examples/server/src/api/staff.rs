//! The staff side of the API: sessions (`Authorization: Bearer <token>`),
//! the inbox, the case list, cases as each person is entitled to see them,
//! and commands. Each handler decodes the request and calls
//! [`crate::app::staff`].

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sigap_core::access::StaffView;
use sigap_core::engine::Command;

use super::public::idempotency_key;
use crate::app::input::RawInput;
use crate::app::search::{self, Search};
use crate::app::staff::{self as app, InboxItem, InboxQuery, keyed};
use crate::app::supervision::{Supervision, Transfer};
use crate::app::{AppError, Kind};
use crate::auth::Account;
use crate::http::client_address;
use crate::state::AppState;

/// The bearer token of a request, if any.
fn bearer(parts: &HeaderMap) -> Option<&str> {
    parts
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

/// A signed-in staff member (from `Authorization: Bearer <token>`).
pub(crate) struct Staff(pub(crate) Account);

impl FromRequestParts<Arc<AppState>> for Staff {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        let token = bearer(&parts.headers).ok_or_else(AppError::unauthorized)?;
        app::staff_from_token(state, token).await?.map(Staff).ok_or_else(|| {
            AppError::new(Kind::Unauthenticated, "session_expired", "the session is unknown or expired; sign in again")
                .id("Sesi berakhir; silakan masuk kembali.")
        })
    }
}

/// Sign-in credentials.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SignIn {
    /// The user name.
    pub(crate) user: String,
    /// The password.
    pub(crate) password: String,
}

/// A new session.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct SessionInfo {
    /// Send as `Authorization: Bearer <token>`.
    pub(crate) token: String,
    /// When it expires.
    pub(crate) expires_at: DateTime<Utc>,
    /// The user name.
    pub(crate) user: String,
    /// The person's name.
    pub(crate) name: String,
    /// Their organisation.
    pub(crate) organisation: String,
    /// Their roles.
    pub(crate) roles: Vec<String>,
}

/// A JSON body, or the 400 saying why it cannot be read.
fn json_body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, AppError> {
    body.map(|Json(b)| b).map_err(|e| AppError::bad_request("malformed_json", e.body_text()))
}

/// `POST /api/v1/session`
pub(crate) async fn create_session(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Json<SignIn>, JsonRejection>,
) -> Result<(StatusCode, Json<SessionInfo>), AppError> {
    let body = json_body(body)?;
    let (account, session) = app::sign_in(&state, &body.user, &body.password, &client_address(&headers))?;
    Ok((
        StatusCode::CREATED,
        Json(SessionInfo {
            token: session.token,
            expires_at: session.expires,
            user: account.user.clone(),
            name: account.display_name().to_owned(),
            organisation: account.organisation.clone(),
            roles: account.roles.clone(),
        }),
    ))
}

/// `DELETE /api/v1/session`
pub(crate) async fn delete_session(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    _staff: Staff,
) -> Result<StatusCode, AppError> {
    if let Some(session) = bearer(&headers).and_then(|t| state.signer.check(t, state.now())) {
        app::sign_out(&state, &session).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/inbox`
pub(crate) async fn inbox(
    State(state): State<Arc<AppState>>,
    Staff(account): Staff,
    Query(filter): Query<InboxQuery>,
) -> Result<Json<Vec<InboxItem>>, AppError> {
    Ok(Json(app::inbox(&state, &account, &filter).await?))
}

/// `GET /api/v1/cases`: a page of the summaries the caller reaches (no
/// personal data), with `X-Total-Count`, `X-Total-Count-Exact` and a
/// `Link` to the next page.
pub(crate) async fn list(
    State(state): State<Arc<AppState>>,
    Staff(account): Staff,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let mut search = Search::parse(&state, &account, &pairs)?;
    search.limit.get_or_insert(100);
    let page = search::page(&state, &account, &search).await?;
    let mut response = Json(&page.cases).into_response();
    let headers = response.headers_mut();
    headers.insert("x-total-count", HeaderValue::from(page.total));
    headers.insert("x-total-count-exact", HeaderValue::from_static(if page.exact { "true" } else { "false" }));
    if page.offset + page.limit < page.total {
        let next = Search { offset: page.offset + page.limit, ..search };
        let link = format!("</api/v1/cases?{}>; rel=\"next\"", crate::html::layout::query_string(&next.to_pairs(true)));
        if let Ok(value) = HeaderValue::from_str(&link) {
            headers.insert(axum::http::header::LINK, value);
        }
    }
    Ok(response)
}

/// How many cases match, in all and in each state.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct CaseCounts {
    /// Every state (the `state` filter aside), up to 10,000.
    pub(crate) total: usize,
    /// Whether `total` is exact (false: at least that many).
    pub(crate) exact: bool,
    /// Per state (`open`, `waiting`, `answered`, `rejected`, `withdrawn`), each up to 10,000.
    pub(crate) by_state: std::collections::BTreeMap<String, usize>,
}

/// `GET /api/v1/cases/counts`
pub(crate) async fn counts(
    State(state): State<Arc<AppState>>,
    Staff(account): Staff,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Json<CaseCounts>, AppError> {
    let search = Search::parse(&state, &account, &pairs)?.with_state(None);
    let page = search::page(&state, &account, &Search { limit: Some(1), ..search.clone() }).await?;
    let by_state = search::counts(&state, &account, &search).await?;
    Ok(Json(CaseCounts {
        total: page.total,
        exact: page.exact,
        by_state: by_state.into_iter().map(|(s, n)| (s.id().to_owned(), n)).collect(),
    }))
}

/// `GET /api/v1/cases.csv`
pub(crate) async fn csv(
    State(state): State<Arc<AppState>>,
    Staff(account): Staff,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let search = Search::parse(&state, &account, &pairs)?;
    let body = search::csv(&state, &account, &search).await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (axum::http::header::CONTENT_DISPOSITION, "attachment; filename=\"kasus.csv\""),
        ],
        body,
    )
        .into_response())
}

/// `GET /api/v1/cases/{id}`
pub(crate) async fn case(
    State(state): State<Arc<AppState>>,
    Staff(account): Staff,
    Path(id): Path<String>,
) -> Result<Json<StaffView>, AppError> {
    Ok(Json(app::view(&state, &account, &id).await?))
}

/// `POST /api/v1/cases/{id}/actions/{action}` with an optional `Idempotency-Key`.
pub(crate) async fn perform(
    State(state): State<Arc<AppState>>,
    Staff(account): Staff,
    Path((id, action)): Path<(String, String)>,
    headers: HeaderMap,
    raw: RawInput,
) -> Result<Json<StaffView>, AppError> {
    let key = idempotency_key(&headers)?;
    Ok(Json(app::perform(&state, &account, &id, &action, &raw, key).await?))
}

/// `POST /api/v1/cases/{id}/claim`
pub(crate) async fn claim(
    State(state): State<Arc<AppState>>,
    Staff(account): Staff,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<StaffView>, AppError> {
    let idempotency = keyed(idempotency_key(&headers)?, &[b"claim", id.as_bytes()]);
    Ok(Json(app::command(&state, &account, &id, Command::Claim, None, idempotency).await?.0))
}

/// `POST /api/v1/cases/{id}/release`
pub(crate) async fn release(
    State(state): State<Arc<AppState>>,
    Staff(account): Staff,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<StaffView>, AppError> {
    let idempotency = keyed(idempotency_key(&headers)?, &[b"release", id.as_bytes()]);
    Ok(Json(app::command(&state, &account, &id, Command::Release, None, idempotency).await?.0))
}

/// An assignment.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AssignBody {
    /// The assignee's user name.
    pub(crate) user: String,
}

/// `POST /api/v1/cases/{id}/assign`
pub(crate) async fn assign(
    State(state): State<Arc<AppState>>,
    Staff(account): Staff,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<AssignBody>, JsonRejection>,
) -> Result<Json<StaffView>, AppError> {
    let body = json_body(body)?;
    let command = app::assign_command(&state, &account, &body.user)?;
    let idempotency = keyed(idempotency_key(&headers)?, &[b"assign", id.as_bytes(), body.user.as_bytes()]);
    Ok(Json(app::command(&state, &account, &id, command, None, idempotency).await?.0))
}

/// An internal note.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NoteBody {
    /// The text.
    pub(crate) text: String,
    /// Whether it records an obstacle (shown in the annual evaluation).
    #[serde(default)]
    pub(crate) obstacle: bool,
    /// Who may read it: `"staff"` (the default), `{"roles": [...]}`, or `"applicant"` (shown on the tracking page too).
    #[serde(default)]
    pub(crate) audience: Option<sigap_core::engine::NoteAudience>,
}

/// `POST /api/v1/cases/{id}/notes`
pub(crate) async fn note(
    State(state): State<Arc<AppState>>,
    Staff(account): Staff,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<NoteBody>, JsonRejection>,
) -> Result<Json<StaffView>, AppError> {
    let body = json_body(body)?;
    let obstacle: &[u8] = if body.obstacle { b"obstacle" } else { b"note" };
    // The audience joins the fingerprint only when given, so a key used before audiences existed still matches.
    let audience = body.audience.as_ref().map(|a| serde_json::to_vec(a).unwrap_or_default());
    let mut parts: Vec<&[u8]> = vec![b"note", id.as_bytes(), obstacle, body.text.as_bytes()];
    parts.extend(audience.as_deref());
    let idempotency = keyed(idempotency_key(&headers)?, &parts);
    let command = Command::AddNote { text: body.text, obstacle: body.obstacle, audience: body.audience };
    Ok(Json(app::command(&state, &account, &id, command, None, idempotency).await?.0))
}

/// `POST /api/v1/cases/{id}/attachments` (multipart: `file`, optional `description`).
pub(crate) async fn upload(
    State(state): State<Arc<AppState>>,
    Staff(account): Staff,
    Path(id): Path<String>,
    raw: RawInput,
) -> Result<Json<StaffView>, AppError> {
    Ok(Json(app::upload(&state, &account, &id, &raw).await?))
}

/// `GET /api/v1/cases/{id}/attachments/{file}`
pub(crate) async fn attachment(
    State(state): State<Arc<AppState>>,
    Staff(account): Staff,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, AppError> {
    Ok(crate::http::download(app::attachment(&state, &account, &id, &file).await?))
}

/// `GET /api/v1/supervision`: late and at-risk tasks of the stages the
/// caller supervises, each person's load, who may take each role's tasks.
pub(crate) async fn supervision(
    State(state): State<Arc<AppState>>,
    Staff(account): Staff,
) -> Result<Json<Supervision>, AppError> {
    Ok(Json(crate::app::supervision::supervision(&state, &account).await?))
}

/// A hand-over of all of a person's open tasks.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TransferBody {
    /// Whose tasks (user name).
    pub(crate) from: String,
    /// To whom (user name; must hold the role of each task's stage).
    pub(crate) to: String,
}

/// `POST /api/v1/supervision/transfer`
pub(crate) async fn transfer(
    State(state): State<Arc<AppState>>,
    Staff(account): Staff,
    body: Result<Json<TransferBody>, JsonRejection>,
) -> Result<Json<Transfer>, AppError> {
    let body = json_body(body)?;
    Ok(Json(crate::app::supervision::transfer(&state, &account, &body.from, &body.to).await?))
}
