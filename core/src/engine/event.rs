//! The events of a case's history. A case's state is the fold of its events.
//!
//! Every event carries the case, its sequence number (1-based, gapless),
//! the instant, the actor, a format version and a SHA-256 hash chained to
//! the previous event's hash (see [`super::history`]).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ids::{CaseId, TrackingCode};
use super::principal::Actor;
use crate::definition::{Outcome, StageKind};
use crate::duration::WorkDuration;
use crate::form::{FileRef, Values};

/// The format version written into every new event.
pub const EVENT_FORMAT: u16 = 1;

/// Which clock an event is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClockKey {
    /// From a complete submission to the answer.
    Overall,
    /// One stage's time standard.
    Stage(String),
}

impl ClockKey {
    /// The stage, for stage clocks.
    pub fn stage(&self) -> Option<&str> {
        match self {
            ClockKey::Overall => None,
            ClockKey::Stage(stage) => Some(stage),
        }
    }
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// The applicant submitted the intake form; the case exists.
    Submitted {
        /// The organisation (tenant).
        organisation: String,
        /// The workflow id.
        workflow: String,
        /// The pinned workflow version.
        workflow_version: String,
        /// The calendar id.
        calendar: String,
        /// The pinned calendar version.
        calendar_version: String,
        /// The applicant's tracking code.
        tracking_code: TrackingCode,
        /// SHA-256 of the applicant's secret.
        secret_hash: String,
        /// The submit action.
        action: String,
        /// The stage the case starts in.
        stage: String,
        /// The validated form.
        form: Values,
    },
    /// An action moved the case.
    ActionPerformed {
        /// The action.
        action: String,
        /// The stage left.
        from: String,
        /// The stage entered.
        to: String,
        /// The kind of the stage entered.
        to_kind: StageKind,
        /// For terminal stages: how the case ended.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        outcome: Option<Outcome>,
        /// The validated inputs.
        inputs: Values,
        /// Which inputs the applicant may see.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        public_inputs: Vec<String>,
        /// For amendments: the corrected form.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        form: Option<Values>,
    },
    /// The answer was delivered (follows the answer action's `ActionPerformed`).
    Answered {
        /// The product id.
        product: String,
        /// The answer documents.
        documents: Vec<FileRef>,
        /// The message to the applicant.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    /// A staff member took the current task.
    Claimed {
        /// The stage.
        stage: String,
        /// The person.
        user: String,
    },
    /// The current task was assigned to a person.
    Assigned {
        /// The stage.
        stage: String,
        /// The assignee.
        user: String,
    },
    /// The current task went back to the stage's role.
    Released {
        /// The stage.
        stage: String,
        /// Who held it.
        user: String,
    },
    /// An internal note.
    NoteAdded {
        /// The text.
        text: String,
        /// Whether it records an obstacle.
        obstacle: bool,
        /// Who may read it (none: every staff role that reaches the case).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        audience: Option<NoteAudience>,
    },
    /// A file was attached.
    AttachmentAdded {
        /// The file.
        file: FileRef,
        /// What it is.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String>,
    },
    /// The applicant's survey.
    SurveyRecorded {
        /// The answers.
        answers: Values,
    },
    /// A clock started.
    ClockStarted {
        /// Which clock.
        clock: ClockKey,
        /// Its time standard, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        standard: Option<WorkDuration>,
        /// When it is breached.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due: Option<DateTime<Utc>>,
        /// When it is at risk.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        warn: Option<DateTime<Utc>>,
    },
    /// A clock paused (the case waits on the applicant).
    ClockPaused {
        /// Which clock.
        clock: ClockKey,
        /// Working seconds counted so far.
        elapsed: i64,
        /// Working seconds left until due.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        remaining: Option<i64>,
        /// Working seconds left until at risk (none once warned).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        warn_remaining: Option<i64>,
    },
    /// A paused clock resumed.
    ClockResumed {
        /// Which clock.
        clock: ClockKey,
        /// The new due instant.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due: Option<DateTime<Utc>>,
        /// The new at-risk instant.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        warn: Option<DateTime<Utc>>,
    },
    /// A clock stopped: the stage was left, or the case was answered.
    ClockStopped {
        /// Which clock.
        clock: ClockKey,
        /// Working seconds counted in all.
        elapsed: i64,
        /// Whether it stopped by its due instant (none without a standard).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        within_standard: Option<bool>,
    },
    /// A clock passed its at-risk share.
    ClockWarned {
        /// Which clock.
        clock: ClockKey,
        /// The instant it became at risk.
        threshold: DateTime<Utc>,
    },
    /// A clock passed its due instant.
    ClockBreached {
        /// Which clock.
        clock: ClockKey,
        /// The due instant.
        due: DateTime<Utc>,
    },
    /// A stage timer was armed: the case entered its stage.
    TimerArmed {
        /// The stage.
        stage: String,
        /// The timer's id.
        timer: String,
        /// When it falls due, computed on the case's pinned calendar.
        due: DateTime<Utc>,
    },
    /// A stage timer fired (the event's instant is when; `due` when it fell
    /// due). An action's `ActionPerformed` by the system follows it.
    TimerFired {
        /// The stage.
        stage: String,
        /// The timer's id.
        timer: String,
        /// When it fell due.
        due: DateTime<Utc>,
        /// What it did.
        effect: TimerEffect,
    },
}

/// Who may read a note, chosen when it is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoteAudience {
    /// Every staff role that reaches the case (as a note without an audience).
    Staff,
    /// Only these staff roles (and the author).
    Roles(Vec<String>),
    /// The applicant too: shown on their tracking page.
    Applicant,
}

impl NoteAudience {
    /// Whether staff holding `roles` (or the note's author) read a note for this audience.
    pub fn includes(audience: Option<&NoteAudience>, roles: &[String], is_author: bool) -> bool {
        match audience {
            None | Some(NoteAudience::Staff | NoteAudience::Applicant) => true,
            Some(NoteAudience::Roles(readers)) => is_author || roles.iter().any(|r| readers.contains(r)),
        }
    }
}

/// What a fired timer did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TimerEffect {
    /// The system performed this action (recorded next).
    Action {
        /// The action.
        action: String,
    },
    /// The task moved to this role; whoever held it was released.
    Escalate {
        /// The role.
        role: String,
    },
    /// Reminders only (the workflow's `on = "timer"` notifications).
    Remind,
}

impl EventKind {
    /// Every kind's [`name`](Self::name), as rules in workflow files write them.
    pub const NAMES: [&'static str; 17] = [
        "submitted",
        "action_performed",
        "answered",
        "claimed",
        "assigned",
        "released",
        "note_added",
        "attachment_added",
        "survey_recorded",
        "clock_started",
        "clock_paused",
        "clock_resumed",
        "clock_stopped",
        "clock_warned",
        "clock_breached",
        "timer_armed",
        "timer_fired",
    ];

    /// A short name for logs and timelines.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Submitted { .. } => "submitted",
            EventKind::ActionPerformed { .. } => "action_performed",
            EventKind::Answered { .. } => "answered",
            EventKind::Claimed { .. } => "claimed",
            EventKind::Assigned { .. } => "assigned",
            EventKind::Released { .. } => "released",
            EventKind::NoteAdded { .. } => "note_added",
            EventKind::AttachmentAdded { .. } => "attachment_added",
            EventKind::SurveyRecorded { .. } => "survey_recorded",
            EventKind::ClockStarted { .. } => "clock_started",
            EventKind::ClockPaused { .. } => "clock_paused",
            EventKind::ClockResumed { .. } => "clock_resumed",
            EventKind::ClockStopped { .. } => "clock_stopped",
            EventKind::ClockWarned { .. } => "clock_warned",
            EventKind::ClockBreached { .. } => "clock_breached",
            EventKind::TimerArmed { .. } => "timer_armed",
            EventKind::TimerFired { .. } => "timer_fired",
        }
    }
}

/// One entry of a case's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The format version this event was written in.
    pub format: u16,
    /// The case.
    pub case: CaseId,
    /// 1-based, gapless sequence number; the case's version after this event.
    pub seq: u64,
    /// When it happened (millisecond precision).
    pub at: DateTime<Utc>,
    /// Who did it.
    pub actor: Actor,
    /// What happened.
    pub kind: EventKind,
    /// The previous event's hash (64 zeros for the first).
    pub prev: String,
    /// SHA-256 over the canonical encoding of all the fields above.
    pub hash: String,
}
