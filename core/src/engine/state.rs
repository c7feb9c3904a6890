//! A case's state: the fold of its events.
//!
//! [`Case::apply`] is the only way state changes, and it needs nothing but
//! the event: folding the stored history always reproduces the stored state.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::event::{ClockKey, Event, EventKind};
use super::ids::{CaseId, TrackingCode};
use super::principal::Actor;
use crate::definition::{Outcome, StageKind};
use crate::duration::WorkDuration;
use crate::form::{FileRef, Values};

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Staff are working on it.
    Open,
    /// It waits on the applicant.
    Waiting,
    /// It is closed.
    Closed,
}

/// A clock's recorded life.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    /// Which clock.
    pub key: ClockKey,
    /// The time standard, if any.
    pub standard: Option<WorkDuration>,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it last started or resumed running; `None` while paused or stopped.
    pub running_since: Option<DateTime<Utc>>,
    /// Working seconds counted before `running_since` (or in all, once stopped).
    pub elapsed: i64,
    /// When it is breached (while running).
    pub due: Option<DateTime<Utc>>,
    /// When it is at risk (while running, until warned).
    pub warn: Option<DateTime<Utc>>,
    /// Working seconds left to due, while paused.
    pub remaining: Option<i64>,
    /// Working seconds left to at-risk, while paused.
    pub warn_remaining: Option<i64>,
    /// Whether the at-risk event was recorded.
    pub warned: bool,
    /// Whether the breach was recorded.
    pub breached: bool,
    /// When it stopped.
    pub stopped_at: Option<DateTime<Utc>>,
    /// Whether it stopped by its due instant.
    pub within_standard: Option<bool>,
}

impl Clock {
    /// Whether it is counting now.
    pub fn is_running(&self) -> bool {
        self.running_since.is_some()
    }

    /// Whether it stopped for good.
    pub fn is_stopped(&self) -> bool {
        self.stopped_at.is_some()
    }

    /// The next instant at which the deadline scanner has something to record.
    pub fn next_deadline(&self) -> Option<DateTime<Utc>> {
        if !self.is_running() {
            return None;
        }
        let warn = self.warn.filter(|_| !self.warned);
        let due = self.due.filter(|_| !self.breached);
        match (warn, due) {
            (Some(w), Some(d)) => Some(w.min(d)),
            (w, d) => w.or(d),
        }
    }

    /// Working seconds counted up to `now` (for a running clock, including the
    /// current run, measured with the case's pinned calendar).
    pub fn counted_at(&self, now: DateTime<Utc>, calendar: &crate::calendar::BusinessCalendar) -> i64 {
        self.elapsed
            + self.running_since.map_or(0, |since| calendar.working_time_between(since, now).num_seconds().max(0))
    }

    /// The clock's state as seen at `now`.
    pub fn state_at(&self, now: DateTime<Utc>) -> ClockState {
        if self.is_stopped() {
            // A finished clock says how it finished.
            return if self.breached || self.within_standard == Some(false) {
                ClockState::Breached
            } else {
                ClockState::Stopped
            };
        }
        if self.breached || self.due.is_some_and(|d| self.is_running() && now >= d) {
            ClockState::Breached
        } else if self.warned || self.warn.is_some_and(|w| self.is_running() && now >= w) {
            ClockState::AtRisk
        } else if self.is_running() {
            ClockState::OnTrack
        } else {
            ClockState::Paused
        }
    }
}

/// How a clock stands for the people working on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    /// Within the standard.
    OnTrack,
    /// Past the at-risk share.
    AtRisk,
    /// Past the due instant.
    Breached,
    /// Waiting on the applicant.
    Paused,
    /// Done, within its standard (or without one).
    Stopped,
}

/// An internal note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Note {
    /// The event that added it.
    pub seq: u64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who wrote it.
    pub author: Actor,
    /// The text.
    pub text: String,
    /// Whether it records an obstacle.
    pub obstacle: bool,
    /// Who may read it (none: every staff role that reaches the case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<super::event::NoteAudience>,
}

/// A file attached to the case, from the form, an action or on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Attachment {
    /// The event that added it.
    pub seq: u64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who added it.
    pub by: Actor,
    /// The file.
    pub file: FileRef,
    /// The form field it came from (visibility follows the field).
    pub form_field: Option<String>,
    /// The action it came with.
    pub action: Option<String>,
    /// What it is.
    pub description: Option<String>,
    /// Whether the applicant may read it (their own uploads and the answer).
    pub public: bool,
}

/// A message the applicant may read (a rejection reason, a request to complete…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PublicMessage {
    /// The event it came from.
    pub seq: u64,
    /// When.
    pub at: DateTime<Utc>,
    /// The action.
    pub action: String,
    /// The input.
    pub input: String,
    /// The text.
    pub text: String,
}

/// The delivered answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Answer {
    /// When.
    pub at: DateTime<Utc>,
    /// The product id.
    pub product: String,
    /// The documents.
    pub documents: Vec<FileRef>,
    /// The message to the applicant.
    pub message: Option<String>,
}

/// A stage timer's life on this case: armed on entering its stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArmedTimer {
    /// The stage.
    pub stage: String,
    /// The timer's id.
    pub timer: String,
    /// The event that armed it.
    pub armed_seq: u64,
    /// When it falls due.
    pub due: DateTime<Utc>,
    /// When it fired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fired_at: Option<DateTime<Utc>>,
    /// When the case left the stage before it fired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disarmed_at: Option<DateTime<Utc>>,
}

impl ArmedTimer {
    /// Whether it may still fire.
    pub fn is_live(&self) -> bool {
        self.fired_at.is_none() && self.disarmed_at.is_none()
    }
}

/// A stage the case entered, for timelines and reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visit {
    /// The stage.
    pub stage: String,
    /// When it was entered.
    pub entered_at: DateTime<Utc>,
    /// When it was left.
    pub left_at: Option<DateTime<Utc>>,
    /// The action that left it.
    pub left_by: Option<String>,
}

/// A case: one request and everything done about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    /// The id.
    pub id: CaseId,
    /// The organisation (tenant).
    pub organisation: String,
    /// The workflow id.
    pub workflow: String,
    /// The pinned workflow version.
    pub workflow_version: String,
    /// The calendar id.
    pub calendar: String,
    /// The pinned calendar version.
    pub calendar_version: String,
    /// The applicant's tracking code.
    pub tracking_code: TrackingCode,
    /// SHA-256 of the applicant's secret.
    pub secret_hash: String,
    /// The number of events (the last event's sequence number).
    pub version: u64,
    /// The last event's hash.
    pub head: String,
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// The current stage.
    pub stage: String,
    /// Where it stands.
    pub status: Status,
    /// How it ended, once closed.
    pub outcome: Option<Outcome>,
    /// When it closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// The intake form (after any amendment).
    pub form: Values,
    /// The person holding the current task.
    pub assignee: Option<String>,
    /// The stages entered, in order.
    pub visits: Vec<Visit>,
    /// Internal notes.
    pub notes: Vec<Note>,
    /// Attached files.
    pub attachments: Vec<Attachment>,
    /// Messages for the applicant.
    pub messages: Vec<PublicMessage>,
    /// The answer, once given.
    pub answer: Option<Answer>,
    /// The survey answers, once given.
    pub survey: Option<Values>,
    /// Every clock, in the order started.
    pub clocks: Vec<Clock>,
    /// Every stage timer armed, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timers: Vec<ArmedTimer>,
    /// The role an escalation timer moved the current task to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalated_to: Option<String>,
}

/// Why events could not be folded (a bug or corrupt data, never user error).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot fold event {seq} ({kind}): {reason}")]
pub struct FoldError {
    /// The event's sequence number.
    pub seq: u64,
    /// The event's kind.
    pub kind: &'static str,
    /// What did not fit.
    pub reason: String,
}

fn files_of(values: &Values) -> impl Iterator<Item = (&String, &FileRef)> {
    values.iter().flat_map(|(field, value)| value.files().iter().map(move |f| (field, f)))
}

impl Case {
    /// Folds a whole history into a case.
    pub fn fold(events: &[Event]) -> Result<Case, FoldError> {
        let mut iter = events.iter();
        let first =
            iter.next().ok_or_else(|| FoldError { seq: 0, kind: "none", reason: "the history is empty".to_owned() })?;
        let mut case = Case::start(first)?;
        for event in iter {
            case.apply(event)?;
        }
        Ok(case)
    }

    /// The case created by its first event.
    pub fn start(event: &Event) -> Result<Case, FoldError> {
        let EventKind::Submitted {
            organisation,
            workflow,
            workflow_version,
            calendar,
            calendar_version,
            tracking_code,
            secret_hash,
            stage,
            form,
            ..
        } = &event.kind
        else {
            return Err(FoldError {
                seq: event.seq,
                kind: event.kind.name(),
                reason: "a history starts with a submission".to_owned(),
            });
        };
        if event.seq != 1 {
            return Err(FoldError { seq: event.seq, kind: "submitted", reason: "a submission is event 1".to_owned() });
        }
        let attachments = files_of(form)
            .map(|(field, file)| Attachment {
                seq: 1,
                at: event.at,
                by: event.actor.clone(),
                file: file.clone(),
                form_field: Some(field.clone()),
                action: None,
                description: None,
                public: true,
            })
            .collect();
        Ok(Case {
            id: event.case.clone(),
            organisation: organisation.clone(),
            workflow: workflow.clone(),
            workflow_version: workflow_version.clone(),
            calendar: calendar.clone(),
            calendar_version: calendar_version.clone(),
            tracking_code: tracking_code.clone(),
            secret_hash: secret_hash.clone(),
            version: 1,
            head: event.hash.clone(),
            submitted_at: event.at,
            updated_at: event.at,
            stage: stage.clone(),
            status: Status::Open,
            outcome: None,
            closed_at: None,
            form: form.clone(),
            assignee: None,
            visits: vec![Visit { stage: stage.clone(), entered_at: event.at, left_at: None, left_by: None }],
            notes: Vec::new(),
            attachments,
            messages: Vec::new(),
            answer: None,
            survey: None,
            clocks: Vec::new(),
            timers: Vec::new(),
            escalated_to: None,
        })
    }

    /// The latest clock with this key that has not stopped.
    pub fn live_clock(&self, key: &ClockKey) -> Option<&Clock> {
        self.clocks.iter().rev().find(|c| &c.key == key && !c.is_stopped())
    }

    fn live_clock_mut(&mut self, key: &ClockKey, event: &Event) -> Result<&mut Clock, FoldError> {
        self.clocks.iter_mut().rev().find(|c| &c.key == key && !c.is_stopped()).ok_or_else(|| FoldError {
            seq: event.seq,
            kind: event.kind.name(),
            reason: format!("no live clock {key:?}"),
        })
    }

    /// The next instant at which the deadline scanner has something to
    /// record: a clock's at-risk or due instant, or a live timer's due.
    pub fn next_deadline(&self) -> Option<DateTime<Utc>> {
        let clocks = self.clocks.iter().filter_map(Clock::next_deadline);
        let timers = self.timers.iter().filter(|t| t.is_live()).map(|t| t.due);
        clocks.chain(timers).min()
    }

    /// The live timers of the current stage, earliest due first.
    pub fn live_timers(&self) -> Vec<&ArmedTimer> {
        let mut live: Vec<&ArmedTimer> = self.timers.iter().filter(|t| t.is_live() && t.stage == self.stage).collect();
        live.sort_by_key(|t| t.due);
        live
    }

    /// The live clock of the current stage, if it has one.
    pub fn stage_clock(&self) -> Option<&Clock> {
        self.live_clock(&ClockKey::Stage(self.stage.clone()))
    }

    /// Applies one event.
    pub fn apply(&mut self, event: &Event) -> Result<(), FoldError> {
        if event.seq != self.version + 1 || event.case != self.id {
            return Err(FoldError {
                seq: event.seq,
                kind: event.kind.name(),
                reason: format!("expected event {} of case {}", self.version + 1, self.id),
            });
        }
        let fail = |reason: &str| FoldError { seq: event.seq, kind: event.kind.name(), reason: reason.to_owned() };
        match &event.kind {
            EventKind::Submitted { .. } => return Err(fail("a case is submitted once")),
            EventKind::ActionPerformed { action, from, to, to_kind, outcome, inputs, public_inputs, form } => {
                if from != &self.stage {
                    return Err(fail("the action leaves another stage"));
                }
                if let Some(visit) = self.visits.last_mut() {
                    visit.left_at = Some(event.at);
                    visit.left_by = Some(action.clone());
                }
                self.visits.push(Visit { stage: to.clone(), entered_at: event.at, left_at: None, left_by: None });
                for timer in self.timers.iter_mut().filter(|t| t.is_live() && &t.stage == from) {
                    timer.disarmed_at = Some(event.at);
                }
                self.stage = to.clone();
                self.assignee = None;
                self.escalated_to = None;
                self.status = match to_kind {
                    StageKind::Terminal => Status::Closed,
                    StageKind::Waiting => Status::Waiting,
                    _ => Status::Open,
                };
                if *to_kind == StageKind::Terminal {
                    self.outcome = *outcome;
                    self.closed_at = Some(event.at);
                }
                for (field, file) in files_of(inputs) {
                    self.attachments.push(Attachment {
                        seq: event.seq,
                        at: event.at,
                        by: event.actor.clone(),
                        file: file.clone(),
                        form_field: None,
                        action: Some(action.clone()),
                        description: Some(field.clone()),
                        public: public_inputs.contains(field),
                    });
                }
                for input in public_inputs {
                    if let Some(value) = inputs.get(input).filter(|v| v.files().is_empty()) {
                        self.messages.push(PublicMessage {
                            seq: event.seq,
                            at: event.at,
                            action: action.clone(),
                            input: input.clone(),
                            text: value.display(),
                        });
                    }
                }
                if let Some(form) = form {
                    let known: Vec<String> = self.attachments.iter().map(|a| a.file.id.clone()).collect();
                    for (field, file) in files_of(form) {
                        if !known.contains(&file.id) {
                            self.attachments.push(Attachment {
                                seq: event.seq,
                                at: event.at,
                                by: event.actor.clone(),
                                file: file.clone(),
                                form_field: Some(field.clone()),
                                action: Some(action.clone()),
                                description: None,
                                public: true,
                            });
                        }
                    }
                    self.form = form.clone();
                }
            }
            EventKind::Answered { product, documents, message } => {
                self.answer = Some(Answer {
                    at: event.at,
                    product: product.clone(),
                    documents: documents.clone(),
                    message: message.clone(),
                });
            }
            EventKind::Claimed { user, .. } | EventKind::Assigned { user, .. } => {
                self.assignee = Some(user.clone());
            }
            EventKind::Released { .. } => self.assignee = None,
            EventKind::NoteAdded { text, obstacle, audience } => self.notes.push(Note {
                seq: event.seq,
                at: event.at,
                author: event.actor.clone(),
                text: text.clone(),
                obstacle: *obstacle,
                audience: audience.clone(),
            }),
            EventKind::AttachmentAdded { file, description } => self.attachments.push(Attachment {
                seq: event.seq,
                at: event.at,
                by: event.actor.clone(),
                file: file.clone(),
                form_field: None,
                action: None,
                description: description.clone(),
                public: event.actor == Actor::Applicant,
            }),
            EventKind::SurveyRecorded { answers } => self.survey = Some(answers.clone()),
            EventKind::ClockStarted { clock, standard, due, warn } => self.clocks.push(Clock {
                key: clock.clone(),
                standard: *standard,
                started_at: event.at,
                running_since: Some(event.at),
                elapsed: 0,
                due: *due,
                warn: *warn,
                remaining: None,
                warn_remaining: None,
                warned: false,
                breached: false,
                stopped_at: None,
                within_standard: None,
            }),
            EventKind::ClockPaused { clock, elapsed, remaining, warn_remaining } => {
                let c = self.live_clock_mut(clock, event)?;
                c.running_since = None;
                c.elapsed = *elapsed;
                c.remaining = *remaining;
                c.warn_remaining = *warn_remaining;
                c.due = None;
                c.warn = None;
            }
            EventKind::ClockResumed { clock, due, warn } => {
                let c = self.live_clock_mut(clock, event)?;
                c.running_since = Some(event.at);
                c.due = *due;
                c.warn = *warn;
                c.remaining = None;
                c.warn_remaining = None;
            }
            EventKind::ClockStopped { clock, elapsed, within_standard } => {
                let c = self.live_clock_mut(clock, event)?;
                c.running_since = None;
                c.elapsed = *elapsed;
                c.stopped_at = Some(event.at);
                c.within_standard = *within_standard;
                c.remaining = None;
                c.warn_remaining = None;
            }
            EventKind::ClockWarned { clock, .. } => {
                self.live_clock_mut(clock, event)?.warned = true;
            }
            EventKind::ClockBreached { clock, .. } => {
                let c = self.live_clock_mut(clock, event)?;
                c.breached = true;
                c.warned = true;
            }
            EventKind::TimerArmed { stage, timer, due } => {
                if stage != &self.stage {
                    return Err(fail("a timer is armed in the case's stage"));
                }
                self.timers.push(ArmedTimer {
                    stage: stage.clone(),
                    timer: timer.clone(),
                    armed_seq: event.seq,
                    due: *due,
                    fired_at: None,
                    disarmed_at: None,
                });
            }
            EventKind::TimerFired { stage, timer, effect, .. } => {
                let armed = self
                    .timers
                    .iter_mut()
                    .rev()
                    .find(|t| t.is_live() && &t.stage == stage && &t.timer == timer)
                    .ok_or_else(|| fail("no live timer fired"))?;
                armed.fired_at = Some(event.at);
                if let super::event::TimerEffect::Escalate { role } = effect {
                    self.escalated_to = Some(role.clone());
                    self.assignee = None;
                }
            }
        }
        self.version = event.seq;
        self.head = event.hash.clone();
        self.updated_at = event.at;
        Ok(())
    }
}
