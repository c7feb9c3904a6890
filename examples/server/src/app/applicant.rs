//! The applicant's use cases: the services open for submission,
//! submitting a request, and following it with the tracking code and secret
//! (acting on it, answering the survey, opening its files).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sigap_core::access::{self, ApplicantCaseView};
use sigap_core::definition::{ActionKind, Field, Product, Survey};
use sigap_core::engine::{
    Case, CaseId, Command, NewCase, Principal, TrackingCode, generate_secret, hash_secret, secret_matches,
};
use sigap_core::service::{IdempotencyRequest, Outcome, fingerprint};
use sigap_core::workflow::Workflow;

use super::error::{AppError, Kind};
use super::input::{RawInput, check_file_refs};
use super::{Download, attachment_of};
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

/// The services open for submission, by organisation and id.
pub(crate) fn open_workflows(state: &AppState) -> Vec<WorkflowInfo> {
    let mut list: Vec<WorkflowInfo> =
        state.service.workflows().iter().filter(|w| w.definition.file().open).map(WorkflowInfo::of).collect();
    list.sort_by(|a, b| (&a.organisation, &a.id).cmp(&(&b.organisation, &b.id)));
    list
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

fn receipt(state: &AppState, workflow: &Workflow, case: &Case, secret: String) -> Receipt {
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
fn new_case_identity(now: DateTime<Utc>) -> Result<(NewCase, String), AppError> {
    let id_random = random_bytes::<10>().map_err(|_| AppError::internal())?;
    let code_random = random_bytes::<5>().map_err(|_| AppError::internal())?;
    let secret = generate_secret(random_bytes::<20>().map_err(|_| AppError::internal())?);
    let new = NewCase {
        id: CaseId::generate(u64::try_from(now.timestamp_millis()).unwrap_or(0), id_random),
        tracking_code: TrackingCode::generate(code_random),
        secret_hash: hash_secret(&secret),
    };
    Ok((new, secret))
}

/// Submits a request; `true` with the receipt when it was created now,
/// `false` when an earlier request with the same idempotency key is replayed.
pub(crate) async fn submit(
    state: &AppState,
    workflow: &Workflow,
    raw: &RawInput,
    idempotency: Option<String>,
) -> Result<(Receipt, bool), AppError> {
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
            let case = state.store().case(&organisation, &record.case).await?.ok_or_else(AppError::internal)?;
            Ok((receipt(state, workflow, &case, secret), false))
        }
        Ok(Outcome::Unchanged { .. }) => Err(AppError::internal()),
        Err(e) => {
            let e = AppError::from(e);
            state.metrics.command("submit", e.code);
            Err(e)
        }
    }
}

/// The workflow `id` if it accepts new requests (`organisation` chooses
/// when several organisations use the id).
pub(crate) fn find_open(state: &AppState, id: &str, organisation: Option<&str>) -> Result<Workflow, AppError> {
    match state.find_workflow(id, organisation) {
        Ok(Some(w)) if w.definition.file().open => Ok(w),
        Ok(Some(_)) => {
            Err(AppError::new(Kind::Forbidden, "service_closed", "this service does not accept new requests")
                .id("Layanan ini sedang tidak menerima permohonan baru."))
        }
        Ok(None) => Err(AppError::not_found()),
        Err(orgs) => Err(AppError::new(
            Kind::Conflict,
            "ambiguous_workflow",
            format!("several organisations offer `{id}`: add ?organisation= one of {}", orgs.join(", ")),
        )),
    }
}

/// The case a tracking code and secret open, with its pinned workflow
/// (wrong codes and secrets are rate-limited per client address).
pub(crate) async fn open_tracked(
    state: &AppState,
    code: &str,
    secret: Option<&str>,
    client: &str,
) -> Result<(Case, Workflow), AppError> {
    let keys = [format!("track:{client}")];
    if let Some(wait) = state.tracking_limiter.locked(&keys) {
        return Err(AppError::too_many(
            "too many wrong tracking codes or secrets; wait",
            "Terlalu banyak percobaan yang salah; tunggu sebentar.",
            wait,
        ));
    }
    let fail = |e: AppError| {
        state.tracking_limiter.fail(&keys);
        e
    };
    let code = TrackingCode::parse(code).ok_or_else(|| fail(AppError::not_found()))?;
    let Some((organisation, id)) = state.store().find_tracking_code(&code).await? else {
        return Err(fail(AppError::not_found()));
    };
    let case = state.store().case(&organisation, &id).await?.ok_or_else(AppError::not_found)?;
    let secret = secret.ok_or_else(|| {
        AppError::new(Kind::Unauthenticated, "secret_required", "send the secret in the X-Tracking-Secret header")
            .id("Masukkan kode rahasia permohonan.")
    })?;
    if !secret_matches(secret, &case.secret_hash) {
        return Err(fail(
            AppError::new(Kind::Forbidden, "wrong_secret", "the secret does not match this tracking code")
                .id("Kode rahasia tidak cocok dengan kode pelacakan."),
        ));
    }
    let workflow = state.service.pinned(&case).await?;
    Ok((case, workflow))
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

/// The case as its applicant sees it, with the messages they were sent.
pub(crate) async fn tracking(state: &AppState, case: &Case, workflow: &Workflow) -> Result<Tracking, AppError> {
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

/// Runs an applicant's command on their case and reads the case back.
async fn command(
    state: &AppState,
    case: &Case,
    command: Command,
    expected_version: Option<u64>,
    idempotency: Option<IdempotencyRequest>,
) -> Result<Case, AppError> {
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
    match result {
        Ok(_) => state.metrics.command(name, "ok"),
        Err(e) => {
            let e = AppError::from(e);
            state.metrics.command(name, e.code);
            return Err(e);
        }
    }
    state.store().case(&case.organisation, &case.id).await?.ok_or_else(AppError::not_found)
}

/// Performs an action the workflow allows the applicant (amend, withdraw,
/// …) on an opened case; returns the case after it.
pub(crate) async fn act(
    state: &AppState,
    case: &Case,
    workflow: &Workflow,
    action: &str,
    raw: &RawInput,
    idempotency: Option<String>,
) -> Result<Case, AppError> {
    let definition = &workflow.definition;
    let action_def = definition.action(action).ok_or_else(AppError::not_found)?;
    let store = state.store();
    let mut inputs = raw.group("");
    check_file_refs(store.as_ref(), &case.organisation, &inputs).await?;
    raw.attach_files(store.as_ref(), &case.organisation, "", &action_def.inputs, &mut inputs).await?;
    let form = if action_def.kind == ActionKind::Amend {
        let mut form = raw.group("form");
        raw.attach_files(store.as_ref(), &case.organisation, "form", &definition.file().form.fields, &mut form).await?;
        Some(form)
    } else {
        None
    };
    let idempotency = idempotency.map(|key| IdempotencyRequest {
        key,
        fingerprint: fingerprint(&[b"track-action", action.as_bytes(), &raw.digest_material]),
        response: serde_json::json!({}),
    });
    let perform = Command::Perform { action: action.to_owned(), inputs, form };
    command(state, case, perform, raw.expected_version()?, idempotency).await
}

/// Records the applicant's survey answers on an opened case; returns the case after it.
pub(crate) async fn survey(state: &AppState, case: &Case, raw: &RawInput) -> Result<Case, AppError> {
    let mut answers = raw.group("answers");
    if answers.is_empty() {
        answers = raw.group("");
    }
    answers.retain(|k, _| k != "_csrf");
    command(state, case, Command::RecordSurvey { answers }, None, None).await
}

/// A file of an opened case the applicant may open: their own uploads and the answer.
pub(crate) async fn attachment(state: &AppState, case: &Case, file: &str) -> Result<Download, AppError> {
    if !access::applicant_may_open(case, file) {
        return Err(AppError::not_found());
    }
    attachment_of(state, case, file).await
}
