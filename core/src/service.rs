//! The thin async layer: load, decide, append.
//!
//! [`Service`] holds the installed workflows and a store. For each command
//! it checks the idempotency key, loads the case and its pinned workflow,
//! asks [`crate::engine::decide`], folds the events, computes the outbox
//! and appends all of it in one atomic write with the expected version.
//! A lost race is retried against the new state (or, when the person saw an
//! older version, refused as stale): a transition happens exactly once, its
//! effects at least once.

pub use crate::act::{Act, ActOn, Ready};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use chrono::{DateTime, SubsecRound, Utc};
use sha2::{Digest, Sha256};

use crate::calendar::BusinessCalendar;
use crate::definition::{Definition, WorkflowFile};
use crate::effects;
use crate::engine::{Case, CaseId, Command, Context, Event, FoldError, NewCase, Principal, Rejection, decide};
use crate::form::Input;
use crate::storage::{Append, CaseSummary, ErrorKind, Idempotency, StorageError, Store};
use crate::workflow::Workflow;

/// Why a command did not go through.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The engine refused it; nothing changed.
    #[error(transparent)]
    Rejected(#[from] Rejection),
    /// The store failed; nothing acknowledged was lost.
    #[error("storage: {0}")]
    Storage(#[from] StorageError),
    /// No such workflow is installed for the organisation.
    #[error("no workflow `{workflow}` in organisation `{organisation}`")]
    UnknownWorkflow {
        /// The organisation.
        organisation: String,
        /// The workflow.
        workflow: String,
    },
    /// The idempotency key was used before with a different request.
    #[error("the idempotency key was used before with a different request")]
    KeyReused,
    /// A stored history does not fold (corrupt data).
    #[error("corrupt case: {0}")]
    Fold(#[from] FoldError),
}

/// An idempotency key with the request's fingerprint and the response to replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyRequest {
    /// The client's key.
    pub key: String,
    /// A digest of the request (see [`fingerprint`]).
    pub fingerprint: String,
    /// What to answer a repeat with (the case id and version are added).
    pub response: serde_json::Value,
}

/// A digest of a request's parts, for idempotency checks.
pub fn fingerprint(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    crate::definition::hex(&hasher.finalize())
}

/// What came of a command.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// New events were appended.
    Applied {
        /// The case after them.
        case: Box<Case>,
        /// The events.
        events: Vec<Event>,
    },
    /// The command changed nothing (e.g. claiming a task one already holds).
    Unchanged {
        /// The case.
        case: Box<Case>,
    },
    /// The idempotency key was seen before with the same request: its first response.
    Replayed(Idempotency),
}

impl Outcome {
    /// The case id concerned.
    pub fn case_id(&self) -> &CaseId {
        match self {
            Outcome::Applied { case, .. } | Outcome::Unchanged { case } => &case.id,
            Outcome::Replayed(record) => &record.case,
        }
    }
}

type PinKey = (String, String, String);

/// Installed workflows, pinned versions and a store.
pub struct Service {
    store: Arc<dyn Store>,
    current: RwLock<BTreeMap<(String, String), Workflow>>,
    definitions: RwLock<HashMap<PinKey, Arc<Definition>>>,
    calendars: RwLock<HashMap<PinKey, Arc<BusinessCalendar>>>,
    webhooks: RwLock<BTreeMap<String, Vec<String>>>,
}

const RETRIES: usize = 8;

impl Service {
    /// A service over a store, with no workflows yet.
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            current: RwLock::default(),
            definitions: RwLock::default(),
            calendars: RwLock::default(),
            webhooks: RwLock::default(),
        }
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Installs a workflow as the current version of its id, storing its
    /// definition and calendar by version so cases pinned to it can always
    /// be served.
    pub async fn install(&self, workflow: Workflow) -> Result<(), StorageError> {
        let org = workflow.organisation().to_owned();
        let definition = &workflow.definition;
        let calendar = &workflow.calendar;
        let body = serde_json::to_string(definition.file()).expect("definitions serialise");
        self.store.put_definition(&org, definition.id(), definition.version(), &body).await?;
        let body = serde_json::to_string(calendar.as_ref()).expect("calendars serialise");
        self.store.put_calendar(&org, calendar.id(), calendar.version(), &body).await?;
        write(&self.definitions)
            .insert((org.clone(), definition.id().to_owned(), definition.version().to_owned()), definition.clone());
        write(&self.calendars)
            .insert((org.clone(), calendar.id().to_owned(), calendar.version().to_owned()), calendar.clone());
        write(&self.current).insert((org, definition.id().to_owned()), workflow);
        Ok(())
    }

    /// Sets the webhook endpoints (names) of an organisation.
    pub fn set_webhooks(&self, organisation: &str, endpoints: Vec<String>) {
        write(&self.webhooks).insert(organisation.to_owned(), endpoints);
    }

    /// The current workflows.
    pub fn workflows(&self) -> Vec<Workflow> {
        read(&self.current).values().cloned().collect()
    }

    /// The current version of a workflow.
    pub fn workflow(&self, organisation: &str, id: &str) -> Option<Workflow> {
        read(&self.current).get(&(organisation.to_owned(), id.to_owned())).cloned()
    }

    /// The definition and calendar a case is pinned to.
    pub async fn pinned(&self, case: &Case) -> Result<Workflow, ServiceError> {
        let org = &case.organisation;
        let def_key = (org.clone(), case.workflow.clone(), case.workflow_version.clone());
        let cached = read(&self.definitions).get(&def_key).cloned();
        let definition = match cached {
            Some(definition) => definition,
            None => {
                let body =
                    self.store.definition(org, &case.workflow, &case.workflow_version).await?.ok_or_else(|| {
                        StorageError::corrupt(format!(
                            "definition {} version {} is not stored",
                            case.workflow, case.workflow_version
                        ))
                    })?;
                let file: WorkflowFile = serde_json::from_str(&body).map_err(|e| {
                    StorageError::corrupt(format!("stored definition {} does not read back: {e}", case.workflow))
                })?;
                let definition = Definition::from_checked(file);
                if definition.version() != case.workflow_version {
                    return Err(StorageError::corrupt(format!(
                        "stored definition {} does not hash to its version",
                        case.workflow
                    ))
                    .into());
                }
                let definition = Arc::new(definition);
                write(&self.definitions).insert(def_key, definition.clone());
                definition
            }
        };
        let cal_key = (org.clone(), case.calendar.clone(), case.calendar_version.clone());
        let cached = read(&self.calendars).get(&cal_key).cloned();
        let calendar = match cached {
            Some(calendar) => calendar,
            None => {
                let body =
                    self.store.calendar(org, &case.calendar, &case.calendar_version).await?.ok_or_else(|| {
                        StorageError::corrupt(format!(
                            "calendar {} version {} is not stored",
                            case.calendar, case.calendar_version
                        ))
                    })?;
                let calendar: BusinessCalendar = serde_json::from_str(&body).map_err(|e| {
                    StorageError::corrupt(format!("stored calendar {} does not read back: {e}", case.calendar))
                })?;
                if calendar.version() != case.calendar_version {
                    return Err(StorageError::corrupt(format!(
                        "stored calendar {} does not hash to its version",
                        case.calendar
                    ))
                    .into());
                }
                let calendar = Arc::new(calendar);
                write(&self.calendars).insert(cal_key, calendar.clone());
                calendar
            }
        };
        Ok(Workflow { definition, calendar })
    }

    /// A case, its history and its pinned workflow.
    pub async fn load(&self, organisation: &str, id: &CaseId) -> Result<(Case, Vec<Event>, Workflow), ServiceError> {
        let case = self.store.case(organisation, id).await?.ok_or(Rejection::UnknownCase)?;
        let events = self.store.events(organisation, id).await?;
        let workflow = self.pinned(&case).await?;
        Ok((case, events, workflow))
    }

    async fn replay(
        &self,
        organisation: &str,
        request: Option<&IdempotencyRequest>,
    ) -> Result<Option<Outcome>, ServiceError> {
        let Some(request) = request else {
            return Ok(None);
        };
        match self.store.idempotency(organisation, &request.key).await? {
            Some(record) if record.fingerprint == request.fingerprint => Ok(Some(Outcome::Replayed(record))),
            Some(_) => Err(ServiceError::KeyReused),
            None => Ok(None),
        }
    }

    /// The applicant submits a request.
    pub async fn submit(
        &self,
        organisation: &str,
        workflow: &str,
        new_case: NewCase,
        form: BTreeMap<String, Input>,
        idempotency: Option<IdempotencyRequest>,
        at: DateTime<Utc>,
    ) -> Result<Outcome, ServiceError> {
        if let Some(replayed) = self.replay(organisation, idempotency.as_ref()).await? {
            return Ok(replayed);
        }
        let wf = self.workflow(organisation, workflow).ok_or_else(|| ServiceError::UnknownWorkflow {
            organisation: organisation.to_owned(),
            workflow: workflow.to_owned(),
        })?;
        let command = Command::Submit { case: new_case, form };
        let context = Context { definition: &wf.definition, calendar: &wf.calendar, at };
        let events = decide(&context, None, &Principal::Applicant, &command, None)?;
        let case = Case::fold(&events)?;
        match self.append(&wf, None, 0, case.clone(), events.clone(), idempotency.as_ref(), at).await {
            Ok(()) => Ok(Outcome::Applied { case: Box::new(case), events }),
            Err(e) if e.kind() == ErrorKind::Conflict => {
                if let Some(replayed) = self.replay(organisation, idempotency.as_ref()).await? {
                    return Ok(replayed);
                }
                Err(e.into())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// A principal's command on an existing case.
    ///
    /// With `expected_version` (the version the person saw), a case that
    /// moved on is refused as stale; without it, a lost race is retried
    /// against the new state.
    #[allow(clippy::too_many_arguments)]
    pub async fn execute(
        &self,
        organisation: &str,
        id: &CaseId,
        principal: &Principal,
        command: &Command,
        expected_version: Option<u64>,
        idempotency: Option<IdempotencyRequest>,
        at: DateTime<Utc>,
    ) -> Result<Outcome, ServiceError> {
        if let Some(replayed) = self.replay(organisation, idempotency.as_ref()).await? {
            return Ok(replayed);
        }
        let mut attempt = 0;
        loop {
            attempt += 1;
            let case = self.store.case(organisation, id).await?.ok_or(Rejection::UnknownCase)?;
            let wf = self.pinned(&case).await?;
            let context = Context { definition: &wf.definition, calendar: &wf.calendar, at };
            let events = decide(&context, Some(&case), principal, command, expected_version)?;
            if events.is_empty() {
                return Ok(Outcome::Unchanged { case: Box::new(case) });
            }
            let expected = case.version;
            let mut after = case.clone();
            for event in &events {
                after.apply(event)?;
            }
            match self.append(&wf, Some(&case), expected, after.clone(), events.clone(), idempotency.as_ref(), at).await
            {
                Ok(()) => {
                    return Ok(Outcome::Applied { case: Box::new(after), events });
                }
                Err(e) if e.kind() == ErrorKind::Conflict => {
                    if let Some(replayed) = self.replay(organisation, idempotency.as_ref()).await? {
                        return Ok(replayed);
                    }
                    if expected_version.is_some() {
                        let actual = self.store.case(organisation, id).await?.map_or(expected, |c| c.version);
                        return Err(
                            Rejection::StaleVersion { expected: expected_version.unwrap_or(expected), actual }.into()
                        );
                    }
                    if attempt >= RETRIES {
                        return Err(e.into());
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn append(
        &self,
        wf: &Workflow,
        before: Option<&Case>,
        expected_version: u64,
        case: Case,
        events: Vec<Event>,
        idempotency: Option<&IdempotencyRequest>,
        at: DateTime<Utc>,
    ) -> Result<(), StorageError> {
        let webhooks = read(&self.webhooks).get(&case.organisation).cloned().unwrap_or_default();
        let outbox = effects::outbox(&wf.definition, wf.calendar.time_zone(), before, &events, &webhooks);
        let idempotency = idempotency.map(|request| {
            let mut response = request.response.clone();
            if let Some(object) = response.as_object_mut() {
                object.insert("case".to_owned(), serde_json::json!(case.id));
                object.insert("version".to_owned(), serde_json::json!(case.version));
            }
            Idempotency {
                key: request.key.clone(),
                fingerprint: request.fingerprint.clone(),
                case: case.id.clone(),
                response,
                at: at.trunc_subsecs(3),
            }
        });
        let summary = CaseSummary::of(&case, &wf.definition);
        self.store
            .append(Append {
                organisation: case.organisation.clone(),
                case: case.id.clone(),
                expected_version,
                events,
                summary,
                state: case,
                outbox,
                idempotency,
            })
            .await
    }

    /// Records every warn and breach due at `now`, across organisations.
    /// Returns how many cases got new clock events. Safe to run in several
    /// processes at once: each event is recorded once.
    pub async fn scan_deadlines(&self, now: DateTime<Utc>, limit: usize) -> Result<usize, ServiceError> {
        let mut recorded = 0;
        for summary in self.store.due(now, limit).await? {
            let outcome = self
                .execute(
                    &summary.organisation,
                    &summary.case,
                    &Principal::System,
                    &Command::RecordDeadlines,
                    None,
                    None,
                    now,
                )
                .await;
            match outcome {
                Ok(Outcome::Applied { .. }) => recorded += 1,
                Ok(_) => {}
                Err(ServiceError::Storage(e)) if e.kind() == ErrorKind::Conflict => {}
                Err(e) => return Err(e),
            }
        }
        Ok(recorded)
    }
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(std::sync::PoisonError::into_inner)
}
