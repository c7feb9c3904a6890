//! The applicant's side of the API: the services open for submission,
//! submitting a request, and following it with the tracking code and secret.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sigap_core::access::{self, ApplicantCaseView};
use sigap_core::definition::{Field, Product, Survey};
use sigap_core::engine::{
    Case, CaseId, Command, NewCase, Principal, TrackingCode, generate_secret, hash_secret, secret_matches,
};
use sigap_core::service::{IdempotencyRequest, Outcome, fingerprint};
use sigap_core::workflow::Workflow;

use super::error::ApiError;
use super::input::{RawInput, check_file_refs};
use crate::auth::random_bytes;
use crate::state::AppState;

/// A service open for submission, with its form.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct WorkflowInfo {
    /// The organisation.
    pub(crate) organisation: String,
    /// The organisation's name.
    pub(crate) organisation_name: String,
    /// The workflow id (used in URLs).
    pub(crate) id: String,
    /// The service's name.
    pub(crate) label: String,
    /// A description.
    pub(crate) description: Option<String>,
    /// The definition's content version.
    pub(crate) version: String,
    /// The intake form's title.
    pub(crate) form_label: String,
    /// Text above the form.
    pub(crate) form_description: Option<String>,
    /// The form's fields, in order.
    pub(crate) fields: Vec<Field>,
    /// The products of an answer.
    pub(crate) products: Vec<Product>,
    /// The satisfaction survey.
    pub(crate) survey: Option<Survey>,
}

impl WorkflowInfo {
    pub(crate) fn of(workflow: &Workflow) -> Self {
        let file = workflow.definition.file();
        Self {
            organisation: file.organisation.id.clone(),
            organisation_name: file.organisation.name.clone(),
            id: file.id.clone(),
            label: file.label.clone(),
            description: file.description.clone(),
            version: workflow.definition.version().to_owned(),
            form_label: file.form.label.clone(),
            form_description: file.form.description.clone(),
            fields: file.form.fields.clone(),
            products: file.products.clone(),
            survey: file.survey.clone(),
        }
    }
}

/// `GET /api/v1/workflows`
pub(crate) async fn workflows(State(state): State<Arc<AppState>>) -> Json<Vec<WorkflowInfo>> {
    let mut list: Vec<WorkflowInfo> =
        state.service.workflows().iter().filter(|w| w.definition.file().open).map(WorkflowInfo::of).collect();
    list.sort_by(|a, b| (&a.organisation, &a.id).cmp(&(&b.organisation, &b.id)));
    Json(list)
}

/// Which organisation, when a workflow id is used by several.
#[derive(Debug, Deserialize)]
pub(crate) struct OrganisationQuery {
    organisation: Option<String>,
}

/// What the applicant gets back once: the tracking code and the secret.
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub(crate) struct Receipt {
    /// The tracking code.
    pub(crate) tracking_code: String,
    /// The secret (shown once; only its hash is kept).
    pub(crate) secret: String,
    /// The stage the request is in.
    pub(crate) stage: String,
    /// The stage in plain words.
    pub(crate) stage_label: String,
    /// When the current stage is due.
    pub(crate) due: Option<DateTime<Utc>>,
    /// The due instant in the organisation's zone, for people.
    pub(crate) due_text: Option<String>,
    /// The tracking page.
    pub(crate) track_url: String,
}

/// The `Idempotency-Key` header, if any (at most 200 printable characters).
pub(crate) fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else { return Ok(None) };
    let key = value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 200 && k.chars().all(|c| c.is_ascii_graphic()));
    key.map(|k| Some(k.to_owned())).ok_or_else(|| {
        ApiError::bad_request("malformed_idempotency_key", "Idempotency-Key must be 1–200 printable ASCII characters")
    })
}

pub(crate) fn receipt(state: &AppState, workflow: &Workflow, case: &Case, secret: String) -> Receipt {
    let stage = workflow.definition.stage(&case.stage);
    let due = case.stage_clock().and_then(|c| c.due);
    Receipt {
        tracking_code: case.tracking_code.to_string(),
        secret,
        stage: case.stage.clone(),
        stage_label: stage
            .map_or_else(|| case.stage.clone(), |s| s.public_label.clone().unwrap_or_else(|| s.label.clone())),
        due,
        due_text: due.map(|d| sigap_core::text::datetime(d, workflow.calendar.time_zone())),
        track_url: format!("{}/lacak/{}", state.config.base_url(), case.tracking_code),
    }
}

/// A new case identity with fresh randomness, and its secret.
pub(crate) fn new_case_identity(now: DateTime<Utc>) -> Result<(NewCase, String), ApiError> {
    let id_random = random_bytes::<10>().map_err(|_| ApiError::internal())?;
    let code_random = random_bytes::<5>().map_err(|_| ApiError::internal())?;
    let secret = generate_secret(random_bytes::<20>().map_err(|_| ApiError::internal())?);
    let new = NewCase {
        id: CaseId::generate(u64::try_from(now.timestamp_millis()).unwrap_or(0), id_random),
        tracking_code: TrackingCode::generate(code_random),
        secret_hash: hash_secret(&secret),
    };
    Ok((new, secret))
}

/// Submits a request: the shared path of the JSON API and the web form.
pub(crate) async fn submit_request(
    state: &AppState,
    workflow: &Workflow,
    raw: &RawInput,
    idempotency: Option<String>,
) -> Result<(Receipt, bool), ApiError> {
    let organisation = workflow.organisation().to_owned();
    let file = workflow.definition.file();
    let mut form = raw.group("form");
    if form.is_empty() {
        form = raw.group("");
    }
    form.retain(|k, _| k != "_csrf");
    let prefix = if raw.files.iter().any(|f| f.name.starts_with("form.")) { "form" } else { "" };
    check_file_refs(state.store().as_ref(), &organisation, &form).await?;
    raw.attach_files(state.store().as_ref(), &organisation, prefix, &file.form.fields, &mut form).await?;
    let (new, secret) = new_case_identity(state.now())?;
    let idempotency = idempotency.map(|key| IdempotencyRequest {
        key,
        fingerprint: fingerprint(&[b"submit", workflow.id().as_bytes(), &raw.digest_material]),
        response: serde_json::json!({ "secret": secret }),
    });
    let outcome = state.service.submit(&organisation, workflow.id(), new, form, idempotency, state.now()).await;
    match outcome {
        Ok(Outcome::Applied { case, .. }) => {
            state.metrics.command("submit", "ok");
            tracing::info!(case = %case.id, workflow = %workflow.id(), "request submitted");
            Ok((receipt(state, workflow, &case, secret), true))
        }
        Ok(Outcome::Replayed(record)) => {
            let secret = record.response["secret"].as_str().unwrap_or_default().to_owned();
            let case = state.store().case(&organisation, &record.case).await?.ok_or_else(ApiError::internal)?;
            Ok((receipt(state, workflow, &case, secret), false))
        }
        Ok(Outcome::Unchanged { .. }) => Err(ApiError::internal()),
        Err(e) => {
            let e = ApiError::from(e);
            state.metrics.command("submit", e.code);
            Err(e)
        }
    }
}

/// `POST /api/v1/workflows/{workflow}/cases`
pub(crate) async fn submit(
    State(state): State<Arc<AppState>>,
    Path(workflow): Path<String>,
    Query(query): Query<OrganisationQuery>,
    headers: HeaderMap,
    raw: RawInput,
) -> Result<Response, ApiError> {
    let workflow = find_open(&state, &workflow, query.organisation.as_deref())?;
    let key = idempotency_key(&headers)?;
    let (receipt, created) = submit_request(&state, &workflow, &raw, key).await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(receipt)).into_response())
}

pub(crate) fn find_open(state: &AppState, id: &str, organisation: Option<&str>) -> Result<Workflow, ApiError> {
    match state.find_workflow(id, organisation) {
        Ok(Some(w)) if w.definition.file().open => Ok(w),
        Ok(Some(_)) => {
            Err(ApiError::new(StatusCode::FORBIDDEN, "service_closed", "this service does not accept new requests")
                .id("Layanan ini sedang tidak menerima permohonan baru."))
        }
        Ok(None) => Err(ApiError::not_found()),
        Err(orgs) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "ambiguous_workflow",
            format!("several organisations offer `{id}`: add ?organisation= one of {}", orgs.join(", ")),
        )),
    }
}

/// The case a tracking code and secret open, with its pinned workflow.
pub(crate) async fn open_tracked(
    state: &AppState,
    code: &str,
    secret: Option<&str>,
    client: &str,
) -> Result<(Case, Workflow), ApiError> {
    let keys = [format!("track:{client}")];
    if let Some(wait) = state.tracking_limiter.locked(&keys) {
        let mut e = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            "too many wrong tracking codes or secrets; wait",
        )
        .id("Terlalu banyak percobaan yang salah; tunggu sebentar.");
        e.retry_after = Some(wait.as_secs().max(1));
        return Err(e);
    }
    let fail = |e: ApiError| {
        state.tracking_limiter.fail(&keys);
        e
    };
    let code = TrackingCode::parse(code).ok_or_else(|| fail(ApiError::not_found()))?;
    let Some((organisation, id)) = state.store().find_tracking_code(&code).await? else {
        return Err(fail(ApiError::not_found()));
    };
    let case = state.store().case(&organisation, &id).await?.ok_or_else(ApiError::not_found)?;
    let secret = secret.ok_or_else(|| {
        ApiError::new(StatusCode::UNAUTHORIZED, "secret_required", "send the secret in the X-Tracking-Secret header")
            .id("Masukkan kode rahasia permohonan.")
    })?;
    if !secret_matches(secret, &case.secret_hash) {
        return Err(fail(
            ApiError::new(StatusCode::FORBIDDEN, "wrong_secret", "the secret does not match this tracking code")
                .id("Kode rahasia tidak cocok dengan kode pelacakan."),
        ));
    }
    let workflow = state.service.pinned(&case).await?;
    Ok((case, workflow))
}

pub(crate) fn tracking_secret(headers: &HeaderMap) -> Option<&str> {
    headers.get("x-tracking-secret").and_then(|v| v.to_str().ok()).map(str::trim).filter(|s| !s.is_empty())
}

/// The client's address, as the `observe` middleware determined it (for rate limits only).
pub(crate) fn client_address(headers: &HeaderMap) -> String {
    headers.get(super::CLIENT_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("unknown").to_owned()
}

/// What the applicant sees, plus the messages they were sent.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct Tracking {
    /// The case as the applicant sees it.
    #[serde(flatten)]
    pub(crate) view: ApplicantCaseView,
    /// The due instant in the organisation's zone, for people.
    pub(crate) due_text: Option<String>,
    /// Notifications sent to the applicant, newest last.
    pub(crate) notifications: Vec<SentMessage>,
}

/// A notification the applicant was sent.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct SentMessage {
    /// When.
    pub(crate) at: DateTime<Utc>,
    /// Subject.
    pub(crate) subject: String,
    /// Body.
    pub(crate) body: String,
}

pub(crate) async fn tracking(state: &AppState, case: &Case, workflow: &Workflow) -> Result<Tracking, ApiError> {
    let events = state.store().events(&case.organisation, &case.id).await?;
    let tz = workflow.calendar.time_zone();
    let link = format!("{}/lacak/{}", state.config.base_url(), case.tracking_code);
    let notifications = sigap_core::effects::applicant_messages(&workflow.definition, tz, &events)
        .into_iter()
        .map(|(_, at, subject, body)| SentMessage {
            at,
            subject: subject.replace("{link}", &link),
            body: body.replace("{link}", &link),
        })
        .collect();
    let view = access::applicant_view(&workflow.definition, case);
    let due_text = view.due.map(|d| sigap_core::text::datetime(d, tz));
    Ok(Tracking { view, due_text, notifications })
}

/// `GET /api/v1/track/{code}` with `X-Tracking-Secret`.
pub(crate) async fn track(
    State(state): State<Arc<AppState>>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Tracking>, ApiError> {
    let (case, workflow) = open_tracked(&state, &code, tracking_secret(&headers), &client_address(&headers)).await?;
    Ok(Json(tracking(&state, &case, &workflow).await?))
}

/// Runs an applicant's command on their case.
pub(crate) async fn applicant_command(
    state: &AppState,
    case: &Case,
    workflow: &Workflow,
    command: Command,
    expected_version: Option<u64>,
    idempotency: Option<IdempotencyRequest>,
) -> Result<(), ApiError> {
    let name = command.name();
    let result = state
        .service
        .execute(
            &case.organisation,
            &case.id,
            &Principal::Applicant,
            &command,
            expected_version,
            idempotency,
            state.now(),
        )
        .await;
    let _ = workflow;
    match result {
        Ok(_) => {
            state.metrics.command(name, "ok");
            Ok(())
        }
        Err(e) => {
            let e = ApiError::from(e);
            state.metrics.command(name, e.code);
            Err(e)
        }
    }
}

/// `POST /api/v1/track/{code}/actions/{action}`: amend, withdraw, … as the workflow allows the applicant.
pub(crate) async fn track_action(
    State(state): State<Arc<AppState>>,
    Path((code, action)): Path<(String, String)>,
    headers: HeaderMap,
    raw: RawInput,
) -> Result<Json<Tracking>, ApiError> {
    let (case, workflow) = open_tracked(&state, &code, tracking_secret(&headers), &client_address(&headers)).await?;
    let definition = &workflow.definition;
    let action_def = definition.action(&action).ok_or_else(ApiError::not_found)?;
    let mut inputs = raw.group("");
    check_file_refs(state.store().as_ref(), &case.organisation, &inputs).await?;
    raw.attach_files(state.store().as_ref(), &case.organisation, "", &action_def.inputs, &mut inputs).await?;
    let form = if action_def.kind == sigap_core::definition::ActionKind::Amend {
        let mut form = raw.group("form");
        raw.attach_files(state.store().as_ref(), &case.organisation, "form", &definition.file().form.fields, &mut form)
            .await?;
        Some(form)
    } else {
        None
    };
    let idempotency = idempotency_key(&headers)?.map(|key| IdempotencyRequest {
        key,
        fingerprint: fingerprint(&[b"track-action", action.as_bytes(), &raw.digest_material]),
        response: serde_json::json!({}),
    });
    let command = Command::Perform { action, inputs, form };
    applicant_command(&state, &case, &workflow, command, raw.expected_version()?, idempotency).await?;
    let case = state.store().case(&case.organisation, &case.id).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(tracking(&state, &case, &workflow).await?))
}

/// `POST /api/v1/track/{code}/survey`
pub(crate) async fn track_survey(
    State(state): State<Arc<AppState>>,
    Path(code): Path<String>,
    headers: HeaderMap,
    raw: RawInput,
) -> Result<Json<Tracking>, ApiError> {
    let (case, workflow) = open_tracked(&state, &code, tracking_secret(&headers), &client_address(&headers)).await?;
    let mut answers = raw.group("answers");
    if answers.is_empty() {
        answers = raw.group("");
    }
    answers.retain(|k, _| k != "_csrf");
    applicant_command(&state, &case, &workflow, Command::RecordSurvey { answers }, None, None).await?;
    let case = state.store().case(&case.organisation, &case.id).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(tracking(&state, &case, &workflow).await?))
}

/// `GET /api/v1/track/{code}/attachments/{file}`: the applicant's own uploads and the answer.
pub(crate) async fn track_attachment(
    State(state): State<Arc<AppState>>,
    Path((code, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (case, _) = open_tracked(&state, &code, tracking_secret(&headers), &client_address(&headers)).await?;
    if !access::applicant_may_open(&case, &file) {
        return Err(ApiError::not_found());
    }
    super::download(&state, &case, &file).await
}
