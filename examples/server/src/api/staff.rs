//! The staff side of the API: sign-in, the inbox, cases as each person is
//! entitled to see them, and actions. Authorisation is the engine's: this
//! layer only identifies the person and scopes every lookup to their
//! organisation.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sigap_core::access::{self, StaffView};
use sigap_core::engine::{CaseId, Command, Status};
use sigap_core::form::Input;
use sigap_core::service::{IdempotencyRequest, Outcome, fingerprint};
use sigap_core::storage::{CaseQuery, CaseSummary};

use super::error::ApiError;
use super::input::{RawInput, check_file_refs};
use super::public::{client_address, idempotency_key};
use crate::auth::Account;
use crate::state::AppState;

/// A signed-in staff member (from `Authorization: Bearer <token>`).
pub(crate) struct Staff(pub(crate) Account);

impl FromRequestParts<Arc<AppState>> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(ApiError::unauthorized)?;
        staff_from_token(state, token).await?.map(Staff).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "session_expired",
                "the session is unknown or expired; sign in again",
            )
            .id("Sesi berakhir; silakan masuk kembali.")
        })
    }
}

/// The account a session token proves, if valid, unexpired and not signed
/// out, here or in any process sharing the store (an unreachable store is
/// an error, never a pass).
pub(crate) async fn staff_from_token(state: &AppState, token: &str) -> Result<Option<Account>, ApiError> {
    let now = state.now();
    let Some(session) = state.signer.check(token, now) else { return Ok(None) };
    if state.revoked.is_revoked(token) || state.store().is_revoked(&revocation_key(token), now).await? {
        return Ok(None);
    }
    Ok(state.accounts.get(&session.user).cloned())
}

/// What the store keeps of a signed-out token: its SHA-256, never the token.
fn revocation_key(token: &str) -> String {
    sigap_core::definition::hex(&<sha2::Sha256 as sha2::Digest>::digest(token.as_bytes()))
}

/// Signs a session out in this process and, through the store, in every
/// process sharing it, until the session would have expired.
pub(crate) async fn sign_out(state: &AppState, session: &crate::auth::Session) -> Result<(), ApiError> {
    let now = state.now();
    state.revoked.revoke(session, now);
    state.store().revoke(&revocation_key(&session.token), session.expires, now).await?;
    Ok(())
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

/// Checks credentials with rate limiting; the shared path of the API and the web sign-in.
pub(crate) fn sign_in(
    state: &AppState,
    user: &str,
    password: &str,
    client: &str,
) -> Result<(Account, crate::auth::Session), ApiError> {
    let keys = [format!("user:{}", user.to_lowercase()), format!("addr:{client}")];
    if let Some(wait) = state.limiter.locked(&keys) {
        let mut e = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            "too many failed sign-ins; wait before trying again",
        )
        .id("Terlalu banyak percobaan masuk yang gagal; tunggu sebentar.");
        e.retry_after = Some(wait.as_secs().max(1));
        return Err(e);
    }
    match state.accounts.verify(user, password) {
        Some(account) => {
            state.limiter.succeed(&keys[0]);
            let session = state
                .signer
                .issue(&account.user, state.now(), state.config.session_hours)
                .map_err(|_| ApiError::internal())?;
            tracing::info!(user = %account.user, "signed in");
            Ok((account.clone(), session))
        }
        None => {
            state.limiter.fail(&keys);
            state.metrics.sign_in_failures.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Err(ApiError::new(StatusCode::UNAUTHORIZED, "wrong_credentials", "unknown user or wrong password")
                .id("Nama pengguna atau kata sandi salah."))
        }
    }
}

/// `POST /api/v1/session`
pub(crate) async fn create_session(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Json<SignIn>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<SessionInfo>), ApiError> {
    let Json(body) = body.map_err(|e| ApiError::bad_request("malformed_json", e.body_text()))?;
    let (account, session) = sign_in(&state, &body.user, &body.password, &client_address(&headers))?;
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
) -> Result<StatusCode, ApiError> {
    if let Some(session) = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .and_then(|t| state.signer.check(t.trim(), state.now()))
    {
        sign_out(&state, &session).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// How a task's clock stands.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Badge {
    /// Within the standard.
    OnTrack,
    /// Past the at-risk share.
    AtRisk,
    /// Past the due instant.
    Breached,
    /// No time standard.
    None,
}

pub(crate) fn badge(summary: &CaseSummary, now: DateTime<Utc>) -> Badge {
    match (summary.due, summary.warn) {
        (Some(due), _) if now >= due => Badge::Breached,
        (_, Some(warn)) if now >= warn => Badge::AtRisk,
        (Some(_), _) => Badge::OnTrack,
        _ => Badge::None,
    }
}

/// A task in an inbox. No personal data: the summary holds none.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct InboxItem {
    /// The case id.
    pub(crate) case: String,
    /// The tracking code.
    pub(crate) tracking_code: String,
    /// The workflow id.
    pub(crate) workflow: String,
    /// The workflow's label.
    pub(crate) workflow_label: String,
    /// The stage id.
    pub(crate) stage: String,
    /// The stage's label.
    pub(crate) stage_label: String,
    /// The role that performs it.
    pub(crate) role: Option<String>,
    /// Who holds it.
    pub(crate) assignee: Option<String>,
    /// Submitted.
    pub(crate) submitted_at: DateTime<Utc>,
    /// The stage's due instant.
    pub(crate) due: Option<DateTime<Utc>>,
    /// The due instant in the organisation's zone, for people.
    pub(crate) due_text: Option<String>,
    /// The clock's state now.
    pub(crate) clock: Badge,
    /// The case version.
    pub(crate) version: u64,
}

/// Inbox filters.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct InboxQuery {
    /// Only this stage.
    pub(crate) stage: Option<String>,
    /// Only this workflow.
    pub(crate) workflow: Option<String>,
    /// `mine` for tasks assigned to the caller only.
    pub(crate) scope: Option<String>,
}

/// The caller's tasks across their roles, earliest due first.
pub(crate) async fn inbox_items(
    state: &AppState,
    account: &Account,
    filter: &InboxQuery,
) -> Result<Vec<InboxItem>, ApiError> {
    let mut query = CaseQuery {
        organisation: account.organisation.clone(),
        workflow: filter.workflow.clone().filter(|w| !w.is_empty()),
        stages: filter.stage.clone().filter(|s| !s.is_empty()).into_iter().collect(),
        roles: account.roles.clone(),
        statuses: vec![Status::Open],
        limit: 1000,
        ..CaseQuery::default()
    };
    if filter.scope.as_deref() == Some("mine") {
        query.roles = Vec::new();
        query.assignee = Some(account.user.clone());
    }
    let summaries = state.store().list(&query).await?;
    let now = state.now();
    let mut items: Vec<InboxItem> = summaries
        .into_iter()
        .filter(|s| s.assignee.as_ref().is_none_or(|a| a == &account.user) || filter.scope.as_deref() != Some("mine"))
        .map(|s| {
            let workflow = state.service.workflow(&s.organisation, &s.workflow);
            let definition = workflow.as_ref().map(|w| w.definition.clone());
            let tz = workflow.as_ref().map_or(chrono_tz::Asia::Jakarta, |w| w.calendar.time_zone());
            InboxItem {
                case: s.case.to_string(),
                tracking_code: s.tracking_code.to_string(),
                workflow_label: definition.as_ref().map_or_else(|| s.workflow.clone(), |d| d.label().to_owned()),
                stage_label: definition
                    .as_ref()
                    .and_then(|d| d.stage(&s.stage).map(|st| st.label.clone()))
                    .unwrap_or_else(|| s.stage.clone()),
                clock: badge(&s, now),
                due_text: s.due.map(|d| sigap_core::text::datetime(d, tz)),
                workflow: s.workflow,
                stage: s.stage,
                role: s.role,
                assignee: s.assignee,
                submitted_at: s.submitted_at,
                due: s.due,
                version: s.version,
            }
        })
        .collect();
    items.sort_by(|a, b| match (a.due, b.due) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.submitted_at.cmp(&b.submitted_at),
    });
    Ok(items)
}

/// `GET /api/v1/inbox`
pub(crate) async fn inbox(
    State(state): State<Arc<AppState>>,
    Staff(account): Staff,
    Query(filter): Query<InboxQuery>,
) -> Result<Json<Vec<InboxItem>>, ApiError> {
    Ok(Json(inbox_items(&state, &account, &filter).await?))
}

/// Loads a case of the caller's organisation that the caller may see.
pub(crate) async fn staff_case(
    state: &AppState,
    account: &Account,
    id: &str,
) -> Result<(sigap_core::engine::Case, Vec<sigap_core::engine::Event>, sigap_core::workflow::Workflow), ApiError> {
    let id = CaseId::parse(id).ok_or_else(ApiError::not_found)?;
    let (case, events, workflow) = match state.service.load(&account.organisation, &id).await {
        Ok(loaded) => loaded,
        Err(sigap_core::service::ServiceError::Rejected(_)) => return Err(ApiError::not_found()),
        Err(e) => return Err(e.into()),
    };
    if !access::may_view(&workflow.definition, &account.roles) {
        return Err(ApiError::not_found());
    }
    Ok((case, events, workflow))
}

/// `GET /api/v1/cases/{id}`
pub(crate) async fn case(
    State(state): State<Arc<AppState>>,
    Staff(account): Staff,
    Path(id): Path<String>,
) -> Result<Json<StaffView>, ApiError> {
    let (case, events, workflow) = staff_case(&state, &account, &id).await?;
    Ok(Json(access::staff_view(
        &workflow.definition,
        &workflow.calendar,
        &case,
        &events,
        &account.principal(),
        state.now(),
    )))
}

/// Runs a staff command and returns the case as the caller then sees it.
pub(crate) async fn staff_command(
    state: &AppState,
    account: &Account,
    id: &str,
    command: Command,
    expected_version: Option<u64>,
    idempotency: Option<IdempotencyRequest>,
) -> Result<(StaffView, bool), ApiError> {
    let (case, events_before, workflow) = staff_case(state, account, id).await?;
    let name = command.name();
    let outcome = state
        .service
        .execute(
            &account.organisation,
            &case.id,
            &account.principal(),
            &command,
            expected_version,
            idempotency,
            state.now(),
        )
        .await;
    // Once the write is stored, answer from what the service returned rather
    // than reading again: a read failing now (a dropped connection) must not
    // turn a committed command into an error the client would retry.
    let (after, replayed) = match outcome {
        Ok(Outcome::Applied { case: after, events }) => {
            let next = events_before.last().map_or(1, |e| e.seq + 1);
            let contiguous = events.first().is_some_and(|e| e.seq == next);
            (contiguous.then(|| (*after, events_before.into_iter().chain(events).collect::<Vec<_>>())), false)
        }
        Ok(Outcome::Unchanged { case: after }) => {
            ((after.version == case.version).then_some((*after, events_before)), false)
        }
        Ok(Outcome::Replayed(_)) => (None, true),
        Err(e) => {
            let e = ApiError::from(e);
            state.metrics.command(name, e.code);
            tracing::info!(case = %case.id, user = %account.user, command = name, outcome = e.code, "command refused");
            return Err(e);
        }
    };
    state.metrics.command(name, "ok");
    tracing::info!(case = %case.id, user = %account.user, command = name, "command applied");
    // A replay (or a history that others extended meanwhile) is read afresh.
    let (case, events, workflow) = match after {
        Some((case, events)) => (case, events, workflow),
        None => staff_case(state, account, id).await?,
    };
    Ok((
        access::staff_view(&workflow.definition, &workflow.calendar, &case, &events, &account.principal(), state.now()),
        replayed,
    ))
}

/// `POST /api/v1/cases/{id}/actions/{action}` with an optional `Idempotency-Key`.
pub(crate) async fn perform(
    State(state): State<Arc<AppState>>,
    Staff(account): Staff,
    Path((id, action)): Path<(String, String)>,
    headers: HeaderMap,
    raw: RawInput,
) -> Result<Json<StaffView>, ApiError> {
    let (case, _, workflow) = staff_case(&state, &account, &id).await?;
    let definition = &workflow.definition;
    let action_def = definition.action(&action).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_action",
            format!("there is no action `{action}` in this procedure"),
        )
        .id("Tindakan tidak dikenal.")
    })?;
    let mut inputs = raw.group("");
    inputs.retain(|k, _| k != "_csrf");
    check_file_refs(state.store().as_ref(), &case.organisation, &inputs).await?;
    raw.attach_files(state.store().as_ref(), &case.organisation, "", &action_def.inputs, &mut inputs).await?;
    let idempotency = keyed(&headers, &[b"action", id.as_bytes(), action.as_bytes(), &raw.digest_material])?;
    let command = Command::Perform { action, inputs, form: None };
    let (view, _) = staff_command(&state, &account, &id, command, raw.expected_version()?, idempotency).await?;
    Ok(Json(view))
}

/// The `Idempotency-Key` of a staff command, if sent, with the request's fingerprint.
fn keyed(headers: &HeaderMap, parts: &[&[u8]]) -> Result<Option<IdempotencyRequest>, ApiError> {
    Ok(idempotency_key(headers)?.map(|key| IdempotencyRequest {
        key,
        fingerprint: fingerprint(parts),
        response: serde_json::json!({}),
    }))
}

/// `POST /api/v1/cases/{id}/claim`
pub(crate) async fn claim(
    State(state): State<Arc<AppState>>,
    Staff(account): Staff,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<StaffView>, ApiError> {
    let idempotency = keyed(&headers, &[b"claim", id.as_bytes()])?;
    Ok(Json(staff_command(&state, &account, &id, Command::Claim, None, idempotency).await?.0))
}

/// `POST /api/v1/cases/{id}/release`
pub(crate) async fn release(
    State(state): State<Arc<AppState>>,
    Staff(account): Staff,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<StaffView>, ApiError> {
    let idempotency = keyed(&headers, &[b"release", id.as_bytes()])?;
    Ok(Json(staff_command(&state, &account, &id, Command::Release, None, idempotency).await?.0))
}

/// An assignment.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AssignBody {
    /// The assignee's user name.
    pub(crate) user: String,
}

/// The assign command for a user of the caller's organisation.
pub(crate) fn assign_command(state: &AppState, account: &Account, user: &str) -> Result<Command, ApiError> {
    let assignee = state.accounts.get(user).filter(|a| a.organisation == account.organisation).ok_or_else(|| {
        let mut e =
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "unknown_user", format!("there is no user `{user}` here"))
                .id("Pengguna tidak ditemukan.");
        e.fields = vec![super::error::FieldProblem {
            field: "user".to_owned(),
            code: "unknown_user".to_owned(),
            message: "Pengguna tidak ditemukan.".to_owned(),
            message_en: format!("There is no user `{user}` in this organisation."),
        }];
        e
    })?;
    Ok(Command::Assign { user: assignee.user.clone(), user_roles: assignee.roles.clone() })
}

/// `POST /api/v1/cases/{id}/assign`
pub(crate) async fn assign(
    State(state): State<Arc<AppState>>,
    Staff(account): Staff,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<AssignBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<StaffView>, ApiError> {
    let Json(body) = body.map_err(|e| ApiError::bad_request("malformed_json", e.body_text()))?;
    let command = assign_command(&state, &account, &body.user)?;
    let idempotency = keyed(&headers, &[b"assign", id.as_bytes(), body.user.as_bytes()])?;
    Ok(Json(staff_command(&state, &account, &id, command, None, idempotency).await?.0))
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
}

/// `POST /api/v1/cases/{id}/notes`
pub(crate) async fn note(
    State(state): State<Arc<AppState>>,
    Staff(account): Staff,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<NoteBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<StaffView>, ApiError> {
    let Json(body) = body.map_err(|e| ApiError::bad_request("malformed_json", e.body_text()))?;
    let obstacle: &[u8] = if body.obstacle { b"obstacle" } else { b"note" };
    let idempotency = keyed(&headers, &[b"note", id.as_bytes(), obstacle, body.text.as_bytes()])?;
    let command = Command::AddNote { text: body.text, obstacle: body.obstacle };
    Ok(Json(staff_command(&state, &account, &id, command, None, idempotency).await?.0))
}

/// `POST /api/v1/cases/{id}/attachments` (multipart: `file`, optional `description`).
pub(crate) async fn upload(
    State(state): State<Arc<AppState>>,
    Staff(account): Staff,
    Path(id): Path<String>,
    raw: RawInput,
) -> Result<Json<StaffView>, ApiError> {
    let (case, _, _) = staff_case(&state, &account, &id).await?;
    let field = attachment_field();
    let mut files = BTreeMap::new();
    raw.attach_files(state.store().as_ref(), &case.organisation, "", std::slice::from_ref(&field), &mut files).await?;
    let Some(Input::Files(list)) = files.remove("file") else {
        return Err(ApiError::invalid(&[sigap_core::form::FieldError {
            field: "file".to_owned(),
            code: "required",
            message: "Pilih berkas untuk diunggah.".to_owned(),
            message_en: "Choose a file to upload.".to_owned(),
        }]));
    };
    let description = match raw.values.get("description") {
        Some(Input::Text(t)) => Some(t.clone()),
        _ => None,
    };
    let mut view = None;
    for file in list {
        let command = Command::AddAttachment { file, description: description.clone() };
        view = Some(staff_command(&state, &account, &id, command, None, None).await?.0);
    }
    view.map(Json).ok_or_else(ApiError::internal)
}

/// The field staff attachments are checked against.
pub(crate) fn attachment_field() -> sigap_core::definition::Field {
    toml::from_str(
        "id = \"file\"\nlabel = \"Lampiran\"\ntype = \"file\"\nmax_files = 5\nmax_size = \"20MiB\"\naccept = [\"pdf\", \"jpeg\", \"png\", \"docx\", \"xlsx\", \"odt\"]\n",
    )
    .expect("the attachment field parses")
}

/// `GET /api/v1/cases/{id}/attachments/{file}`
pub(crate) async fn attachment(
    State(state): State<Arc<AppState>>,
    Staff(account): Staff,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (case, _, workflow) = staff_case(&state, &account, &id).await?;
    if !access::staff_may_open(&workflow.definition, &case, &account.roles, &file) {
        return Err(ApiError::not_found());
    }
    super::download(&state, &case, &file).await
}

/// Case list filters.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    workflow: Option<String>,
    stage: Option<String>,
    status: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
}

/// `GET /api/v1/cases`: summaries of the organisation's cases (no personal data).
pub(crate) async fn list(
    State(state): State<Arc<AppState>>,
    Staff(account): Staff,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<CaseSummary>>, ApiError> {
    let statuses = match q.status.as_deref() {
        None | Some("") => Vec::new(),
        Some("open") => vec![Status::Open],
        Some("waiting") => vec![Status::Waiting],
        Some("closed") => vec![Status::Closed],
        Some(other) => {
            return Err(ApiError::bad_request(
                "malformed_query",
                format!("status `{other}`: use open, waiting or closed"),
            ));
        }
    };
    let query = CaseQuery {
        organisation: account.organisation.clone(),
        workflow: q.workflow,
        stages: q.stage.into_iter().collect(),
        statuses,
        limit: q.limit.unwrap_or(100).min(1000),
        offset: q.offset.unwrap_or(0),
        ..CaseQuery::default()
    };
    let visible: Vec<CaseSummary> = state
        .store()
        .list(&query)
        .await?
        .into_iter()
        .filter(|s| {
            state
                .service
                .workflow(&s.organisation, &s.workflow)
                .is_none_or(|w| access::may_view(&w.definition, &account.roles))
        })
        .collect();
    Ok(Json(visible))
}
