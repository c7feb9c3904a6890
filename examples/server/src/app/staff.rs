//! Staff use cases: signing in and out, the inbox, cases as each person is
//! entitled to see them, and commands on them. Authorisation is the
//! engine's: this layer only identifies the person and scopes every lookup
//! to their organisation.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sigap_core::access::{self, StaffView};
use sigap_core::engine::{Case, CaseId, Command, Event, Status};
use sigap_core::form::{FieldError, Input};
use sigap_core::service::{IdempotencyRequest, Outcome, ServiceError, fingerprint};
use sigap_core::storage::{CaseQuery, CaseSummary};
use sigap_core::workflow::Workflow;

use super::error::{AppError, FieldProblem, Kind};
use super::input::{RawInput, check_file_refs};
use super::{Download, attachment_of};
use crate::auth::{Account, Session};
use crate::state::AppState;

/// The account a session token proves, if valid, unexpired and not signed
/// out, here or in any process sharing the store (an unreachable store is
/// an error, never a pass).
pub(crate) async fn staff_from_token(state: &AppState, token: &str) -> Result<Option<Account>, AppError> {
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
pub(crate) async fn sign_out(state: &AppState, session: &Session) -> Result<(), AppError> {
    let now = state.now();
    state.revoked.revoke(session, now);
    state.store().revoke(&revocation_key(&session.token), session.expires, now).await?;
    Ok(())
}

/// Checks credentials, with failed attempts rate-limited per user and per
/// client address; a new session on success.
pub(crate) fn sign_in(
    state: &AppState,
    user: &str,
    password: &str,
    client: &str,
) -> Result<(Account, Session), AppError> {
    let keys = [format!("user:{}", user.to_lowercase()), format!("addr:{client}")];
    if let Some(wait) = state.limiter.locked(&keys) {
        return Err(AppError::too_many(
            "too many failed sign-ins; wait before trying again",
            "Terlalu banyak percobaan masuk yang gagal; tunggu sebentar.",
            wait,
        ));
    }
    match state.accounts.verify(user, password) {
        Some(account) => {
            state.limiter.succeed(&keys[0]);
            let session = state
                .signer
                .issue(&account.user, state.now(), state.config.session_hours)
                .map_err(|_| AppError::internal())?;
            tracing::info!(user = %account.user, "signed in");
            Ok((account.clone(), session))
        }
        None => {
            state.limiter.fail(&keys);
            state.metrics.sign_in_failures.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Err(AppError::new(Kind::Unauthenticated, "wrong_credentials", "unknown user or wrong password")
                .id("Nama pengguna atau kata sandi salah."))
        }
    }
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

/// The badge of a summary's stage clock now (`CaseSummary::clock_at`, the
/// one rule the lists filter by too).
pub(crate) fn badge(summary: &CaseSummary, now: DateTime<Utc>) -> Badge {
    match summary.clock_at(now) {
        Some(sigap_core::engine::ClockState::Breached) => Badge::Breached,
        Some(sigap_core::engine::ClockState::AtRisk) => Badge::AtRisk,
        Some(_) => Badge::OnTrack,
        None => Badge::None,
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
    /// Whether the due instant falls after the last day whose holidays the
    /// calendar knows (it may then land on a holiday nobody declared yet).
    pub(crate) due_beyond_known_holidays: bool,
    /// The clock's state now.
    pub(crate) clock: Badge,
    /// A case waiting on the applicant (not a task): listed to the roles of
    /// the stages that send cases to its waiting stage.
    pub(crate) waiting_on_applicant: bool,
    /// The last change (for a waiting case: since when it waits).
    pub(crate) updated_at: DateTime<Utc>,
    /// For a case waiting on the applicant: when its next stage timer falls
    /// due (e.g. the automatic close), the case's next deadline.
    pub(crate) timer_due: Option<DateTime<Utc>>,
    /// That instant in the organisation's zone, for people.
    pub(crate) timer_due_text: Option<String>,
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

/// An inbox line from a case summary.
pub(crate) fn inbox_item(state: &AppState, s: CaseSummary, now: DateTime<Utc>, waiting: bool) -> InboxItem {
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
        due_beyond_known_holidays: s.due.zip(workflow.as_ref()).is_some_and(|(d, w)| {
            w.calendar.beyond_known_holidays(d.with_timezone(&w.calendar.time_zone()).date_naive())
        }),
        waiting_on_applicant: waiting,
        updated_at: s.updated_at,
        timer_due: s.next_deadline.filter(|_| waiting),
        timer_due_text: s.next_deadline.filter(|_| waiting).map(|d| sigap_core::text::datetime(d, tz)),
        workflow: s.workflow,
        stage: s.stage,
        role: s.role,
        assignee: s.assignee,
        submitted_at: s.submitted_at,
        due: s.due,
        version: s.version,
    }
}

/// The waiting stages of `workflow` that `roles` watch: those an action
/// leads to from a stage one of the roles performs or supervises, and those
/// that name one of the roles among their `watchers`.
fn watched_waiting_stages(workflow: &Workflow, roles: &[String]) -> Vec<String> {
    let d = &workflow.definition;
    let holds = |role: &Option<String>| role.as_ref().is_some_and(|r| roles.contains(r));
    d.file()
        .stages
        .iter()
        .filter(|waiting| waiting.kind == sigap_core::definition::StageKind::Waiting)
        .filter(|waiting| {
            waiting.watchers.iter().any(|w| roles.contains(w))
                || d.file()
                    .actions
                    .iter()
                    .filter(|a| a.to == waiting.id)
                    .flat_map(|a| a.from.ids())
                    .any(|from| d.stage(from).is_some_and(|s| holds(&s.role) || holds(&s.supervisor)))
        })
        .map(|s| s.id.clone())
        .collect()
}

/// The caller's tasks across their roles, earliest due first; then the
/// cases waiting on the applicant after a stage of their roles sent them
/// back, longest waiting first (not with `scope=mine`: nobody holds them).
pub(crate) async fn inbox(
    state: &AppState,
    account: &Account,
    filter: &InboxQuery,
) -> Result<Vec<InboxItem>, AppError> {
    let mut query = CaseQuery {
        organisation: account.organisation.clone(),
        workflow: filter.workflow.clone().filter(|w| !w.is_empty()),
        stages: filter.stage.clone().filter(|s| !s.is_empty()).into_iter().collect(),
        roles: account.roles.clone(),
        statuses: vec![Status::Open],
        limit: 1000,
        reach: Some(reach_filter(state, account)),
        ..CaseQuery::default()
    };
    let mine = filter.scope.as_deref() == Some("mine");
    if mine {
        query.roles = Vec::new();
        query.assignee = Some(account.user.clone());
    }
    let summaries = within_reach(state, account, state.store().list(&query).await?).await?;
    let now = state.now();
    let mut items: Vec<InboxItem> = summaries
        .into_iter()
        .filter(|s| s.assignee.as_ref().is_none_or(|a| a == &account.user) || !mine)
        .map(|s| inbox_item(state, s, now, false))
        .collect();
    items.sort_by(|a, b| match (a.due, b.due) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.submitted_at.cmp(&b.submitted_at),
    });
    if mine {
        return Ok(items);
    }
    let mut waiting = Vec::new();
    let workflows = state.service.workflows();
    for workflow in workflows.iter().filter(|w| w.organisation() == account.organisation) {
        if query.workflow.as_deref().is_some_and(|id| id != workflow.id()) {
            continue;
        }
        let stages: Vec<String> = watched_waiting_stages(workflow, &account.roles)
            .into_iter()
            .filter(|s| query.stages.is_empty() || query.stages.contains(s))
            .collect();
        if stages.is_empty() {
            continue;
        }
        let watched = CaseQuery {
            organisation: account.organisation.clone(),
            workflow: Some(workflow.id().to_owned()),
            stages,
            statuses: vec![Status::Waiting],
            limit: 1000,
            reach: Some(reach_filter(state, account)),
            ..CaseQuery::default()
        };
        let reached = within_reach(state, account, state.store().list(&watched).await?).await?;
        waiting.extend(reached.into_iter().map(|s| inbox_item(state, s, now, true)));
    }
    waiting.sort_by_key(|i| i.updated_at);
    items.extend(waiting);
    Ok(items)
}

/// Loads a case of the caller's organisation that the caller may see
/// (anything else is not found).
pub(crate) async fn load(
    state: &AppState,
    account: &Account,
    id: &str,
) -> Result<(Case, Vec<Event>, Workflow), AppError> {
    let id = CaseId::parse(id).ok_or_else(AppError::not_found)?;
    let (case, events, workflow) = match state.service.load(&account.organisation, &id).await {
        Ok(loaded) => loaded,
        Err(ServiceError::Rejected(_)) => return Err(AppError::not_found()),
        Err(e) => return Err(e.into()),
    };
    // Outside the caller's reach (`[visibility.reach]`) a case is not found,
    // with the same answer as a case that does not exist.
    if !access::may_view(&workflow.definition, &account.roles)
        || !access::policy::reaches(&workflow.definition, &case, &account.user, &account.roles)
    {
        return Err(AppError::not_found());
    }
    Ok((case, events, workflow))
}

/// The store-side filter of the cases the caller reaches, over the
/// organisation's workflows they may view.
/// The workflows of the person's organisation they may view, by id.
pub(crate) fn visible_workflows(state: &AppState, account: &Account) -> Vec<Workflow> {
    let mut list: Vec<Workflow> = state
        .service
        .workflows()
        .into_iter()
        .filter(|w| w.organisation() == account.organisation && access::may_view(&w.definition, &account.roles))
        .collect();
    list.sort_by(|a, b| a.id().cmp(b.id()));
    list
}

/// The reach clauses of every workflow the person may view.
pub(crate) fn reach_filter(state: &AppState, account: &Account) -> Vec<sigap_core::storage::ReachClause> {
    state
        .service
        .workflows()
        .iter()
        .filter(|w| w.organisation() == account.organisation && access::may_view(&w.definition, &account.roles))
        .flat_map(|w| access::policy::reach_clauses(&w.definition, &account.user, &account.roles))
        .collect()
}

/// Keeps the summaries of cases the caller reaches: decided from the
/// summary where it can be, else from the case (`own_stages` depends on the
/// stages a case has been at).
pub(crate) async fn within_reach(
    state: &AppState,
    account: &Account,
    summaries: Vec<CaseSummary>,
) -> Result<Vec<CaseSummary>, AppError> {
    let mut kept = Vec::with_capacity(summaries.len());
    for s in summaries {
        let Some(workflow) = state.service.workflow(&s.organisation, &s.workflow) else {
            continue;
        };
        if !access::may_view(&workflow.definition, &account.roles) {
            continue;
        }
        let reached = match access::policy::reaches_summary(&workflow.definition, &s, &account.user, &account.roles) {
            Some(decided) => decided,
            None => match state.store().case(&s.organisation, &s.case).await? {
                Some(case) => access::policy::reaches(&workflow.definition, &case, &account.user, &account.roles),
                None => false,
            },
        };
        if reached {
            kept.push(s);
        }
    }
    Ok(kept)
}

/// The case as the caller may see it now.
pub(crate) async fn view(state: &AppState, account: &Account, id: &str) -> Result<StaffView, AppError> {
    let (case, events, workflow) = load(state, account, id).await?;
    Ok(access::staff_view(&workflow.definition, &workflow.calendar, &case, &events, &account.principal(), state.now()))
}

/// An idempotency key with the fingerprint of the request it came with.
pub(crate) fn keyed(key: Option<String>, parts: &[&[u8]]) -> Option<IdempotencyRequest> {
    key.map(|key| IdempotencyRequest { key, fingerprint: fingerprint(parts), response: serde_json::json!({}) })
}

/// Runs a staff command and returns the case as the caller then sees it,
/// and whether it was a replay of an earlier request with the same key.
pub(crate) async fn command(
    state: &AppState,
    account: &Account,
    id: &str,
    command: Command,
    expected_version: Option<u64>,
    idempotency: Option<IdempotencyRequest>,
) -> Result<(StaffView, bool), AppError> {
    let (case, events_before, workflow) = load(state, account, id).await?;
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
            let e = AppError::from(e);
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
        None => load(state, account, id).await?,
    };
    Ok((
        access::staff_view(&workflow.definition, &workflow.calendar, &case, &events, &account.principal(), state.now()),
        replayed,
    ))
}

/// Performs a workflow action with the inputs (and files) sent.
pub(crate) async fn perform(
    state: &AppState,
    account: &Account,
    id: &str,
    action: &str,
    raw: &RawInput,
    idempotency: Option<String>,
) -> Result<StaffView, AppError> {
    let (case, _, workflow) = load(state, account, id).await?;
    let action_def = workflow.definition.action(action).ok_or_else(|| {
        AppError::new(Kind::NotFound, "unknown_action", format!("there is no action `{action}` in this procedure"))
            .id("Tindakan tidak dikenal.")
    })?;
    let mut inputs = raw.group("");
    inputs.retain(|k, _| k != "_csrf");
    check_file_refs(state.store().as_ref(), &case.organisation, &inputs).await?;
    raw.attach_files(state.store().as_ref(), &case.organisation, "", &action_def.inputs, &mut inputs).await?;
    let idempotency = keyed(idempotency, &[b"action", id.as_bytes(), action.as_bytes(), &raw.digest_material]);
    let perform = Command::Perform { action: action.to_owned(), inputs, form: None };
    Ok(command(state, account, id, perform, raw.expected_version()?, idempotency).await?.0)
}

/// The assign command for a user of the caller's organisation.
pub(crate) fn assign_command(state: &AppState, account: &Account, user: &str) -> Result<Command, AppError> {
    let assignee = state.accounts.get(user).filter(|a| a.organisation == account.organisation).ok_or_else(|| {
        let mut e = AppError::new(Kind::Unprocessable, "unknown_user", format!("there is no user `{user}` here"))
            .id("Pengguna tidak ditemukan.");
        e.fields = vec![FieldProblem {
            field: "user".to_owned(),
            code: "unknown_user".to_owned(),
            message: "Pengguna tidak ditemukan.".to_owned(),
            message_en: format!("There is no user `{user}` in this organisation."),
        }];
        e
    })?;
    Ok(Command::Assign { user: assignee.user.clone(), user_roles: assignee.roles.clone() })
}

/// Adds the files sent as `file` (with an optional `description`) to the case.
pub(crate) async fn upload(
    state: &AppState,
    account: &Account,
    id: &str,
    raw: &RawInput,
) -> Result<StaffView, AppError> {
    let (case, _, _) = load(state, account, id).await?;
    let field = attachment_field();
    let mut files = BTreeMap::new();
    raw.attach_files(state.store().as_ref(), &case.organisation, "", std::slice::from_ref(&field), &mut files).await?;
    let Some(Input::Files(list)) = files.remove("file") else {
        return Err(AppError::invalid(&[FieldError {
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
        let add = Command::AddAttachment { file, description: description.clone() };
        view = Some(command(state, account, id, add, None, None).await?.0);
    }
    view.ok_or_else(AppError::internal)
}

/// The field staff attachments are checked against.
pub(crate) fn attachment_field() -> sigap_core::definition::Field {
    toml::from_str(
        "id = \"file\"\nlabel = \"Lampiran\"\ntype = \"file\"\nmax_files = 5\nmax_size = \"20MiB\"\naccept = [\"pdf\", \"jpeg\", \"png\", \"docx\", \"xlsx\", \"odt\"]\n",
    )
    .expect("the attachment field parses")
}

/// A file of a case the caller may open.
pub(crate) async fn attachment(
    state: &AppState,
    account: &Account,
    id: &str,
    file: &str,
) -> Result<Download, AppError> {
    let (case, _, workflow) = load(state, account, id).await?;
    if !access::staff_may_open(&workflow.definition, &case, &account.roles, file) {
        return Err(AppError::not_found());
    }
    let mut download = attachment_of(state, &case, file).await?;
    // A reader who may not read the applicant's identity gets the neutral name.
    if !access::policy::reads_identity(&workflow.definition, &account.roles)
        && let Some(a) = case.attachments.iter().find(|a| a.file.id == file)
    {
        download.name = access::policy::shown_file(&case, &a.file, false).name;
    }
    Ok(download)
}
