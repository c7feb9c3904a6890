//! What crosses the storage seam.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::definition::{Definition, Outcome};
use crate::engine::{Case, CaseId, ClockKey, ClockState, Event, Status, TrackingCode};

/// The largest attachment a store accepts (bytes). Forms set lower limits.
pub const MAX_BLOB_BYTES: usize = 50 * 1024 * 1024;

/// A case in list views: what inboxes and deadline scans need and nothing
/// more. It holds no field of the form, so it can carry no personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CaseSummary {
    /// The organisation (tenant).
    pub organisation: String,
    /// The case.
    pub case: CaseId,
    /// The workflow id.
    pub workflow: String,
    /// The pinned workflow version.
    pub workflow_version: String,
    /// The applicant's tracking code.
    pub tracking_code: TrackingCode,
    /// The current stage.
    pub stage: String,
    /// The role that performs the current stage (the role an escalation moved it to, if any).
    pub role: Option<String>,
    /// The person holding the current task.
    pub assignee: Option<String>,
    /// Where it stands.
    pub status: Status,
    /// How it ended.
    pub outcome: Option<Outcome>,
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Its version.
    pub version: u64,
    /// The current stage clock's due instant.
    pub due: Option<DateTime<Utc>>,
    /// The current stage clock's at-risk instant.
    pub warn: Option<DateTime<Utc>>,
    /// The next instant the deadline scanner has something to record.
    pub next_deadline: Option<DateTime<Utc>>,
    /// Every stage the case has been at, in first-visit order, so reach
    /// (`own_stages`) is decided from the list entry. Empty in summaries
    /// written before it existed: then the case itself decides.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub visited: Vec<String>,
}

impl CaseSummary {
    /// The summary of a case under its definition.
    pub fn of(case: &Case, definition: &Definition) -> Self {
        let clock = case.live_clock(&ClockKey::Stage(case.stage.clone()));
        Self {
            organisation: case.organisation.clone(),
            case: case.id.clone(),
            workflow: case.workflow.clone(),
            workflow_version: case.workflow_version.clone(),
            tracking_code: case.tracking_code.clone(),
            stage: case.stage.clone(),
            role: case.escalated_to.clone().or_else(|| definition.stage(&case.stage).and_then(|s| s.role.clone())),
            assignee: case.assignee.clone(),
            status: case.status,
            outcome: case.outcome,
            submitted_at: case.submitted_at,
            updated_at: case.updated_at,
            version: case.version,
            due: clock.and_then(|c| c.due),
            warn: clock.and_then(|c| c.warn),
            next_deadline: case.next_deadline(),
            visited: case.visits.iter().fold(Vec::new(), |mut seen, v| {
                if !seen.contains(&v.stage) {
                    seen.push(v.stage.clone());
                }
                seen
            }),
        }
    }

    /// The stage clock's due instant while the case is not closed.
    fn open_due(&self) -> Option<DateTime<Utc>> {
        self.due.filter(|_| self.status != Status::Closed)
    }

    /// How the current stage's clock stands at `at` (on track, at risk or
    /// breached): `None` for a closed case or a stage without a time standard.
    pub fn clock_at(&self, at: DateTime<Utc>) -> Option<ClockState> {
        if self.status == Status::Closed {
            return None;
        }
        let due = self.due?;
        Some(if at >= due {
            ClockState::Breached
        } else if self.warn.is_some_and(|w| at >= w) {
            ClockState::AtRisk
        } else {
            ClockState::OnTrack
        })
    }
}

/// Only cases, not closed, whose stage clock stands so at an instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockFilter {
    /// Any of these (none: no case; `Paused` and `Stopped`, which a
    /// summary does not tell, match nothing).
    pub states: Vec<ClockState>,
    /// The instant (the reader's now).
    pub at: DateTime<Utc>,
}

/// The order of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// Latest submitted first (ties: larger case id first).
    #[default]
    NewestFirst,
    /// Earliest submitted first (ties: smaller case id first).
    OldestFirst,
    /// Earliest stage due instant first, then cases without one; ties newest first.
    DueFirst,
}

/// At most this many matches are counted (`CaseLog::count`): beyond it a
/// list says "more than".
pub const COUNT_CAP: usize = 10_000;

/// Which cases to list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CaseQuery {
    /// The organisation (required: lists never cross tenants).
    pub organisation: String,
    /// Only this workflow.
    pub workflow: Option<String>,
    /// Only cases in one of these stages (any when empty).
    pub stages: Vec<String>,
    /// Only cases whose current stage is performed by one of these roles (any when empty).
    pub roles: Vec<String>,
    /// Only cases assigned to this person.
    pub assignee: Option<String>,
    /// Only cases with one of these statuses (any when empty).
    pub statuses: Vec<Status>,
    /// At most this many (0: a default of 100).
    pub limit: usize,
    /// Skip this many.
    pub offset: usize,
    /// Only cases the reader reaches (`[visibility.reach]`): a case
    /// matches when a clause of its workflow does; `None`: no such filter.
    pub reach: Option<Vec<ReachClause>>,
    /// Only cases that ended in one of these (any when empty).
    pub outcomes: Vec<Outcome>,
    /// Only cases nobody holds (with `assignee`: no case).
    pub unassigned: bool,
    /// Only cases submitted at or after this instant.
    pub submitted_from: Option<DateTime<Utc>>,
    /// Only cases submitted before this instant.
    pub submitted_before: Option<DateTime<Utc>>,
    /// Only the case with this tracking code.
    pub tracking_code: Option<TrackingCode>,
    /// Only cases whose stage clock stands so.
    pub clock: Option<ClockFilter>,
    /// The order.
    pub order: Order,
}

/// Which cases of one workflow a reader reaches, as a filter a store can
/// answer from its summaries' columns (`sigap_core::access::policy::reach_clauses`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReachClause {
    /// The workflow.
    pub workflow: String,
    /// Which of its cases.
    pub scope: ReachScope,
}

/// Which cases of a workflow a clause keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReachScope {
    /// All of them.
    All,
    /// Those now at one of `now`, or whose task is now `role`'s, or that
    /// have been at one of `visited`; an entry that does not record the
    /// stages visited (written before it did) is kept, for the case to decide.
    Stages {
        /// Stages.
        now: Vec<String>,
        /// Stages.
        visited: Vec<String>,
        /// A role.
        role: Option<String>,
    },
    /// Those whose task is now `role`'s (at one of `performed`, or escalated
    /// to it) and unclaimed or held by `user`, or now at one of `supervised`.
    Assigned {
        /// The role.
        role: String,
        /// The stages it performs.
        performed: Vec<String>,
        /// The stages it supervises.
        supervised: Vec<String>,
        /// The person.
        user: String,
    },
}

impl ReachScope {
    fn keeps(&self, s: &CaseSummary) -> bool {
        match self {
            ReachScope::All => true,
            ReachScope::Stages { now, visited, role } => {
                now.contains(&s.stage)
                    || role.is_some() && s.role == *role
                    || (!visited.is_empty() && (s.visited.is_empty() || s.visited.iter().any(|v| visited.contains(v))))
            }
            ReachScope::Assigned { role, performed, supervised, user } => {
                ((performed.contains(&s.stage) || s.role.as_ref() == Some(role))
                    && s.assignee.as_ref().is_none_or(|a| a == user))
                    || supervised.contains(&s.stage)
            }
        }
    }
}

impl CaseQuery {
    /// Whether a summary matches (for stores that filter in memory).
    pub fn matches(&self, summary: &CaseSummary) -> bool {
        summary.organisation == self.organisation
            && self.workflow.as_ref().is_none_or(|w| &summary.workflow == w)
            && (self.stages.is_empty() || self.stages.contains(&summary.stage))
            && (self.roles.is_empty() || summary.role.as_ref().is_some_and(|r| self.roles.contains(r)))
            && self.assignee.as_ref().is_none_or(|a| summary.assignee.as_ref() == Some(a))
            && (self.statuses.is_empty() || self.statuses.contains(&summary.status))
            && self
                .reach
                .as_ref()
                .is_none_or(|clauses| clauses.iter().any(|c| c.workflow == summary.workflow && c.scope.keeps(summary)))
            && (self.outcomes.is_empty() || summary.outcome.is_some_and(|o| self.outcomes.contains(&o)))
            && (!self.unassigned || summary.assignee.is_none())
            && self.submitted_from.is_none_or(|from| summary.submitted_at >= from)
            && self.submitted_before.is_none_or(|before| summary.submitted_at < before)
            && self.tracking_code.as_ref().is_none_or(|code| &summary.tracking_code == code)
            && self.clock.as_ref().is_none_or(|c| summary.clock_at(c.at).is_some_and(|state| c.states.contains(&state)))
    }

    /// The list's order between two summaries (`Less`: `a` comes first).
    pub fn compare(&self, a: &CaseSummary, b: &CaseSummary) -> std::cmp::Ordering {
        let newest = || b.submitted_at.cmp(&a.submitted_at).then_with(|| b.case.cmp(&a.case));
        match self.order {
            Order::NewestFirst => newest(),
            Order::OldestFirst => a.submitted_at.cmp(&b.submitted_at).then_with(|| a.case.cmp(&b.case)),
            Order::DueFirst => match (a.open_due(), b.open_due()) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }
            .then_with(newest),
        }
    }

    /// The effective limit.
    pub fn effective_limit(&self) -> usize {
        if self.limit == 0 { 100 } else { self.limit.min(10_000) }
    }
}

/// The first response to a request made with an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Idempotency {
    /// The client's key.
    pub key: String,
    /// A digest of the request, so a reused key with another request is caught.
    pub fingerprint: String,
    /// The case the request concerned.
    pub case: CaseId,
    /// The response to replay (opaque to stores).
    pub response: serde_json::Value,
    /// When it was recorded.
    pub at: DateTime<Utc>,
}

/// Who a notification is for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Recipient {
    /// The applicant (at the case's e-mail field; always kept as the case's message too).
    Applicant,
    /// Everyone holding a role in the organisation.
    Role(String),
    /// One person.
    User(String),
}

/// What an outbox item delivers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OutboxMessage {
    /// A notification of the workflow.
    Notify {
        /// The notification's id.
        notification: String,
        /// Who it is for.
        recipient: Recipient,
        /// The subject, rendered (only `{link}` is left for the sender).
        subject: String,
        /// The body, rendered (only `{link}` is left for the sender).
        body: String,
    },
    /// A signed webhook to an endpoint the organisation configured.
    Webhook {
        /// The endpoint's name in the server's configuration.
        endpoint: String,
        /// The JSON body: the event's kind and ids, no personal data.
        body: serde_json::Value,
    },
}

/// An effect to deliver at least once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxItem {
    /// Unique and deterministic (`case/seq/…`): the receiver's idempotency key.
    pub id: String,
    /// The organisation.
    pub organisation: String,
    /// The case.
    pub case: CaseId,
    /// The event that caused it.
    pub seq: u64,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// Not before this instant.
    pub available_at: DateTime<Utc>,
    /// Delivery attempts so far.
    pub attempts: u32,
    /// The last delivery error.
    pub last_error: Option<String>,
    /// What to deliver.
    pub message: OutboxMessage,
}

/// One atomic write of a case.
#[derive(Debug, Clone, PartialEq)]
pub struct Append {
    /// The organisation.
    pub organisation: String,
    /// The case.
    pub case: CaseId,
    /// The version the case must be at (0: it must not exist).
    pub expected_version: u64,
    /// The new events, in order, continuing the chain.
    pub events: Vec<Event>,
    /// The case after the events.
    pub state: Case,
    /// Its summary after the events.
    pub summary: CaseSummary,
    /// Effects to deliver.
    pub outbox: Vec<OutboxItem>,
    /// The idempotency record to keep, if the request had a key.
    pub idempotency: Option<Idempotency>,
}
