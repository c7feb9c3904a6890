//! A case's history as one reader may see it: one [`HistoryEntry`] variant
//! per event kind, already redacted for that reader, so every face renders
//! it with an exhaustive `match` — a new event kind does not compile until
//! [`entry`] says what a reader sees of it, and a new entry does not compile
//! until every face renders it.
//!
//! The JSON form is that of the stored event (`type` plus its fields) with
//! the secret's hash left out and each form value the reader may not read
//! replaced by the definition's redaction marker, as before this type
//! existed (`GET /api/v1/cases/{id}`, `history[].detail`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::definition::{Definition, Outcome, StageKind};
use crate::duration::WorkDuration;
use crate::engine::{ClockKey, Event, EventKind, NoteAudience, TimerEffect};
use crate::form::{FileRef, Value, Values};

/// A form value as a reader sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Shown {
    /// The value itself.
    Value(Value),
    /// The reader may not read it: the definition's redaction marker.
    Redacted(String),
}

/// A form's values as a reader sees them, by field id.
pub type ShownValues = BTreeMap<String, Shown>;

/// What happened, as one reader may see it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum HistoryEntry {
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
        tracking_code: String,
        /// The submit action.
        action: String,
        /// The stage the case starts in.
        stage: String,
        /// The form, redacted for the reader.
        form: ShownValues,
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
        #[serde(skip_serializing_if = "Option::is_none")]
        outcome: Option<Outcome>,
        /// The inputs, redacted for the reader (`[visibility.inputs]`).
        inputs: ShownValues,
        /// Which inputs the applicant may see.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        public_inputs: Vec<String>,
        /// For amendments: the corrected form, redacted for the reader.
        #[serde(skip_serializing_if = "Option::is_none")]
        form: Option<ShownValues>,
    },
    /// The answer was delivered.
    Answered {
        /// The product id.
        product: String,
        /// The answer documents.
        documents: Vec<FileRef>,
        /// The message to the applicant.
        #[serde(skip_serializing_if = "Option::is_none")]
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
    /// A note (its text is the redaction marker for a reader outside its audience).
    NoteAdded {
        /// The text.
        text: String,
        /// Whether it records an obstacle.
        obstacle: bool,
        /// Who may read it (none: every staff role that reaches the case).
        #[serde(skip_serializing_if = "Option::is_none")]
        audience: Option<NoteAudience>,
    },
    /// A file was attached.
    AttachmentAdded {
        /// The file.
        file: FileRef,
        /// What it is.
        #[serde(skip_serializing_if = "Option::is_none")]
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
        #[serde(skip_serializing_if = "Option::is_none")]
        standard: Option<WorkDuration>,
        /// When it is breached.
        #[serde(skip_serializing_if = "Option::is_none")]
        due: Option<DateTime<Utc>>,
        /// When it is at risk.
        #[serde(skip_serializing_if = "Option::is_none")]
        warn: Option<DateTime<Utc>>,
    },
    /// A clock paused (the case waits on the applicant).
    ClockPaused {
        /// Which clock.
        clock: ClockKey,
        /// Working seconds counted so far.
        elapsed: i64,
        /// Working seconds left until due.
        #[serde(skip_serializing_if = "Option::is_none")]
        remaining: Option<i64>,
        /// Working seconds left until at risk.
        #[serde(skip_serializing_if = "Option::is_none")]
        warn_remaining: Option<i64>,
    },
    /// A paused clock resumed.
    ClockResumed {
        /// Which clock.
        clock: ClockKey,
        /// The new due instant.
        #[serde(skip_serializing_if = "Option::is_none")]
        due: Option<DateTime<Utc>>,
        /// The new at-risk instant.
        #[serde(skip_serializing_if = "Option::is_none")]
        warn: Option<DateTime<Utc>>,
    },
    /// A clock stopped: the stage was left, or the case was answered.
    ClockStopped {
        /// Which clock.
        clock: ClockKey,
        /// Working seconds counted in all.
        elapsed: i64,
        /// Whether it stopped by its due instant.
        #[serde(skip_serializing_if = "Option::is_none")]
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
    /// A stage timer was armed.
    TimerArmed {
        /// The stage.
        stage: String,
        /// The timer's id.
        timer: String,
        /// When it falls due.
        due: DateTime<Utc>,
    },
    /// A stage timer fired.
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

/// One history entry as a reader sees it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct EventView {
    /// Sequence number.
    pub seq: u64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who (a description).
    pub actor: String,
    /// What kind of event (`detail.type`).
    pub kind: &'static str,
    /// What happened, redacted for this reader.
    pub detail: HistoryEntry,
    /// Its hash.
    pub hash: String,
}

/// A form's values with those `readable` refuses replaced by the redaction marker.
fn shown(definition: &Definition, values: &Values, readable: &impl Fn(&str) -> bool) -> ShownValues {
    let marker = &definition.file().visibility.redacted;
    values
        .iter()
        .map(|(id, value)| {
            let shown = if readable(id) { Shown::Value(value.clone()) } else { Shown::Redacted(marker.clone()) };
            (id.clone(), shown)
        })
        .collect()
}

/// What a reader sees of an event: `readable` says which form fields they
/// may read, `readable_input` which inputs of which action.
pub(super) fn entry(
    definition: &Definition,
    event: &Event,
    readable: &impl Fn(&str) -> bool,
    readable_input: &impl Fn(&str, &str) -> bool,
) -> HistoryEntry {
    match event.kind.clone() {
        EventKind::Submitted {
            organisation,
            workflow,
            workflow_version,
            calendar,
            calendar_version,
            tracking_code,
            secret_hash: _,
            action,
            stage,
            form,
        } => HistoryEntry::Submitted {
            organisation,
            workflow,
            workflow_version,
            calendar,
            calendar_version,
            tracking_code: tracking_code.to_string(),
            action,
            stage,
            form: shown(definition, &form, readable),
        },
        EventKind::ActionPerformed { action, from, to, to_kind, outcome, inputs, public_inputs, form } => {
            let inputs = shown(definition, &inputs, &|id| readable_input(&action, id));
            HistoryEntry::ActionPerformed {
                action,
                from,
                to,
                to_kind,
                outcome,
                inputs,
                public_inputs,
                form: form.map(|f| shown(definition, &f, readable)),
            }
        }
        EventKind::Answered { product, documents, message } => HistoryEntry::Answered { product, documents, message },
        EventKind::Claimed { stage, user } => HistoryEntry::Claimed { stage, user },
        EventKind::Assigned { stage, user } => HistoryEntry::Assigned { stage, user },
        EventKind::Released { stage, user } => HistoryEntry::Released { stage, user },
        EventKind::NoteAdded { text, obstacle, audience } => HistoryEntry::NoteAdded { text, obstacle, audience },
        EventKind::AttachmentAdded { file, description } => HistoryEntry::AttachmentAdded { file, description },
        EventKind::SurveyRecorded { answers } => HistoryEntry::SurveyRecorded { answers },
        EventKind::ClockStarted { clock, standard, due, warn } => {
            HistoryEntry::ClockStarted { clock, standard, due, warn }
        }
        EventKind::ClockPaused { clock, elapsed, remaining, warn_remaining } => {
            HistoryEntry::ClockPaused { clock, elapsed, remaining, warn_remaining }
        }
        EventKind::ClockResumed { clock, due, warn } => HistoryEntry::ClockResumed { clock, due, warn },
        EventKind::ClockStopped { clock, elapsed, within_standard } => {
            HistoryEntry::ClockStopped { clock, elapsed, within_standard }
        }
        EventKind::ClockWarned { clock, threshold } => HistoryEntry::ClockWarned { clock, threshold },
        EventKind::ClockBreached { clock, due } => HistoryEntry::ClockBreached { clock, due },
        EventKind::TimerArmed { stage, timer, due } => HistoryEntry::TimerArmed { stage, timer, due },
        EventKind::TimerFired { stage, timer, due, effect } => HistoryEntry::TimerFired { stage, timer, due, effect },
    }
}
