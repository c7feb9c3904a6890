//! Access rules from the definition: who may do what, and who sees what.
//!
//! Every view of a case is built here, with redaction applied: a staff
//! member sees a form field only if one of their roles reads it (see
//! `[visibility]`), in the form, in the history and in attachments; the
//! applicant sees their own case through its capability, never internal
//! notes, internal inputs or who did what. List views use
//! [`crate::storage::CaseSummary`], which holds no form field at all.

mod history;
pub mod matrix;
pub mod policy;

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use self::history::{EventView, HistoryEntry, Shown, ShownValues};

use crate::calendar::BusinessCalendar;
use crate::definition::{
    Action, ActionKind, ApplicantView, Definition, Field, FieldKind, Outcome, RoleKind, StageKind,
};
use crate::engine::{Case, ClockKey, ClockState, Event, NoteAudience, Principal, Status};
use crate::form::{FileRef, Values};

/// Whether `principal` may perform `action` on `case` now (stage, role and assignment).
pub fn may_perform(definition: &Definition, case: &Case, principal: &Principal, action: &Action) -> bool {
    if case.status == Status::Closed || action.kind == ActionKind::Submit || !action.from.contains(&case.stage) {
        return false;
    }
    let performers = definition.people_performing(action, &case.stage, case.escalated_to.as_deref());
    match principal {
        Principal::Applicant => performers.contains(&definition.applicant_role().id.as_str()),
        Principal::Staff { user, roles } => {
            let holds = roles.iter().any(|r| performers.contains(&r.as_str()));
            let supervisor = definition.stage(&case.stage).and_then(|s| s.supervisor.as_deref());
            let assignment_ok = case.assignee.as_ref().is_none_or(|a| a == user)
                || supervisor.is_some_and(|s| roles.iter().any(|r| r == s));
            holds && assignment_ok
        }
        Principal::System => false,
    }
}

/// The actions `principal` may perform on `case` now.
pub fn allowed_actions<'d>(definition: &'d Definition, case: &Case, principal: &Principal) -> Vec<&'d Action> {
    definition.actions_from(&case.stage).filter(|a| may_perform(definition, case, principal, a)).collect()
}

/// Whether a staff member with `roles` may see cases of this workflow at all.
pub fn may_view(definition: &Definition, roles: &[String]) -> bool {
    definition.file().roles.iter().any(|r| r.kind == RoleKind::Staff && roles.contains(&r.id))
}

/// Whether a staff member with `roles` may read the evaluation report.
pub fn may_read_report(definition: &Definition, roles: &[String]) -> bool {
    let readers = &definition.file().report.readers;
    if readers.is_empty() { may_view(definition, roles) } else { roles.iter().any(|r| readers.contains(r)) }
}

/// A form field as a viewer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct FieldView {
    /// The field's id.
    pub id: String,
    /// Its label.
    pub label: String,
    /// Its type.
    pub kind: FieldKind,
    /// The value for people, or the redaction marker.
    pub value: Option<String>,
    /// The files, when the viewer may see them.
    pub files: Vec<FileRef>,
    /// Whether the value is hidden from this viewer.
    pub redacted: bool,
}

fn field_views(definition: &Definition, values: &Values, readable: impl Fn(&Field) -> bool) -> Vec<FieldView> {
    let redacted = &definition.file().visibility.redacted;
    definition
        .file()
        .form
        .fields
        .iter()
        .map(|field| {
            let value = values.get(&field.id);
            if readable(field) {
                FieldView {
                    id: field.id.clone(),
                    label: field.label.clone(),
                    kind: field.kind,
                    value: value.map(|v| display_value(definition, field, v)),
                    files: value.map(|v| v.files().to_vec()).unwrap_or_default(),
                    redacted: false,
                }
            } else {
                FieldView {
                    id: field.id.clone(),
                    label: field.label.clone(),
                    kind: field.kind,
                    value: value.map(|_| redacted.clone()),
                    files: Vec::new(),
                    redacted: value.is_some(),
                }
            }
        })
        .collect()
}

/// A value for people: choice and product ids become their labels.
pub fn display_value(definition: &Definition, field: &Field, value: &crate::form::Value) -> String {
    let text = value.display();
    match field.kind {
        FieldKind::Choice => field.options.iter().find(|o| o.id == text).map_or(text, |o| o.label.clone()),
        FieldKind::Product => definition.product(&text).map_or(text, |p| p.label.clone()),
        FieldKind::FormFields => form_field_labels(definition, &text),
        FieldKind::Consent => {
            if text == "true" {
                "Ya".to_owned()
            } else {
                text
            }
        }
        _ => text,
    }
}

/// A clock as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ClockView {
    /// `overall` or the stage id.
    pub clock: String,
    /// Its state now.
    pub state: ClockState,
    /// The standard, e.g. `30m`.
    pub standard: Option<String>,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// Its due instant, while running.
    pub due: Option<DateTime<Utc>>,
    /// Its at-risk instant, while running.
    pub warn: Option<DateTime<Utc>>,
    /// Working seconds counted up to now (or its stop).
    pub elapsed: i64,
    /// Whether it stopped within its standard.
    pub within_standard: Option<bool>,
}

/// A stage timer as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct TimerView {
    /// The stage.
    pub stage: String,
    /// The timer's id.
    pub timer: String,
    /// The rule in words (its `label`, or a sentence made from it).
    pub rule: String,
    /// Whether firing moves the case.
    pub interrupting: bool,
    /// When it falls (or fell) due.
    pub due: DateTime<Utc>,
    /// When it fired.
    pub fired_at: Option<DateTime<Utc>>,
    /// When the case left the stage before it fired.
    pub disarmed_at: Option<DateTime<Utc>>,
}

fn timer_views(definition: &Definition, case: &Case) -> Vec<TimerView> {
    case.timers
        .iter()
        .map(|t| {
            let def = definition.timer(&t.stage, &t.timer);
            TimerView {
                stage: t.stage.clone(),
                timer: t.timer.clone(),
                rule: def.map_or_else(|| t.timer.clone(), |d| d.describe(definition)),
                interrupting: def.is_some_and(|d| d.is_interrupting()),
                due: t.due,
                fired_at: t.fired_at,
                disarmed_at: t.disarmed_at,
            }
        })
        .collect()
}

/// The first live timer of the current stage that will move the case:
/// its due instant and the stage it leads to, in the applicant's words.
fn acting_timer(definition: &Definition, case: &Case) -> Option<(DateTime<Utc>, String)> {
    case.live_timers().into_iter().find_map(|t| {
        let action = definition.timer(&t.stage, &t.timer)?.action.as_deref()?;
        let to = definition.stage(&definition.action(action)?.to)?;
        Some((t.due, to.public_label.clone().unwrap_or_else(|| to.label.clone())))
    })
}

/// A case as a staff member is entitled to see it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct StaffView {
    /// The case id.
    pub id: String,
    /// The tracking code.
    pub tracking_code: String,
    /// The workflow.
    pub workflow: String,
    /// The workflow's label.
    pub workflow_label: String,
    /// The pinned version.
    pub workflow_version: String,
    /// The current stage.
    pub stage: String,
    /// Its label.
    pub stage_label: String,
    /// The stage's performing role.
    pub stage_role: Option<String>,
    /// Where it stands.
    pub status: Status,
    /// How it ended (the report category).
    pub outcome: Option<Outcome>,
    /// How it ended, in the procedure's words (its `[[outcomes]]` label).
    pub outcome_label: Option<String>,
    /// Version, to send back with actions.
    pub version: u64,
    /// Submitted.
    pub submitted_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Who holds the current task.
    pub assignee: Option<String>,
    /// The form, redacted for this viewer.
    pub form: Vec<FieldView>,
    /// Internal notes.
    pub notes: Vec<crate::engine::Note>,
    /// Whether this viewer may add a note now (`[visibility.notes]`).
    pub may_add_note: bool,
    /// Whether this viewer may attach a file now (`[visibility.attachments]`).
    pub may_add_attachment: bool,
    /// Attachments this viewer may open.
    pub attachments: Vec<crate::engine::Attachment>,
    /// Messages sent to the applicant.
    pub messages: Vec<crate::engine::PublicMessage>,
    /// The answer.
    pub answer: Option<crate::engine::Answer>,
    /// Survey answers.
    pub survey: Option<Values>,
    /// Clocks.
    pub clocks: Vec<ClockView>,
    /// Stage timers armed on this case, in order.
    pub timers: Vec<TimerView>,
    /// The role an escalation moved the current task to.
    pub escalated_to: Option<String>,
    /// The history, redacted for this viewer.
    pub history: Vec<EventView>,
    /// Action ids this viewer may perform now.
    pub actions: Vec<String>,
}

fn clock_views(case: &Case, calendar: &BusinessCalendar, now: DateTime<Utc>) -> Vec<ClockView> {
    case.clocks
        .iter()
        .map(|c| ClockView {
            clock: match &c.key {
                ClockKey::Overall => "overall".to_owned(),
                ClockKey::Stage(s) => s.clone(),
            },
            state: c.state_at(now),
            standard: c.standard.map(|d| d.to_string()),
            started_at: c.started_at,
            due: c.due,
            warn: c.warn,
            elapsed: c.counted_at(now, calendar),
            within_standard: c.within_standard,
        })
        .collect()
}

/// Whether a staff member with `roles` may read a form field.
fn staff_reads(definition: &Definition, roles: &[String], field: &Field) -> bool {
    let roles: Vec<&str> = roles.iter().map(String::as_str).collect();
    definition.may_read_field(&roles, field)
}

/// The label of the outcome a closed case ended with (from its terminal stage).
fn outcome_label(definition: &Definition, case: &Case) -> Option<String> {
    case.outcome?;
    let id = definition.stage(&case.stage)?.outcome.as_deref()?;
    definition.file().outcome_def(id).map(|o| o.label)
}

/// A history entry as a staff member with `roles` sees it: form values
/// and action inputs they may not read are redacted (see [`HistoryEntry`]).
pub fn event_view(definition: &Definition, roles: &[String], event: &Event) -> EventView {
    let readable = |id: &str| definition.form_field(id).is_some_and(|f| staff_reads(definition, roles, f));
    let readable_input = |action: &str, input: &str| policy::reads_input(definition, action, input, roles);
    EventView {
        seq: event.seq,
        at: event.at,
        actor: event.actor.describe(),
        kind: event.kind.name(),
        detail: history::entry(definition, event, &readable, &readable_input),
        hash: event.hash.clone(),
    }
}

/// File names in a history entry, neutral for a reader who may not read the
/// applicant's identity.
fn neutral_files(case: &Case, entry: &mut HistoryEntry) {
    let shown = |f: &FileRef| policy::shown_file(case, f, false);
    let values = |values: &mut ShownValues| {
        for v in values.values_mut() {
            if let Shown::Value(crate::form::Value::Files(files)) = v {
                *files = files.iter().map(shown).collect();
            }
        }
    };
    match entry {
        HistoryEntry::Submitted { form, .. } => values(form),
        HistoryEntry::ActionPerformed { inputs, form, .. } => {
            values(inputs);
            if let Some(form) = form {
                values(form);
            }
        }
        HistoryEntry::Answered { documents, .. } => *documents = documents.iter().map(shown).collect(),
        HistoryEntry::AttachmentAdded { file, .. } => *file = shown(file),
        _ => {}
    }
}

/// The case as staff with `roles` may see it, at `now`.
pub fn staff_view(
    definition: &Definition,
    calendar: &BusinessCalendar,
    case: &Case,
    events: &[Event],
    principal: &Principal,
    now: DateTime<Utc>,
) -> StaffView {
    let roles: Vec<String> = principal.roles().into_iter().map(str::to_owned).collect();
    let stage = definition.stage(&case.stage);
    let readable_field = |id: &str| definition.form_field(id).is_none_or(|f| staff_reads(definition, &roles, f));
    let identity = policy::reads_identity(definition, &roles);
    let me = match principal {
        Principal::Staff { user, .. } => Some(user.as_str()),
        _ => None,
    };
    let is_me = |actor: &crate::engine::Actor| matches!(actor, crate::engine::Actor::Staff { user, .. } if Some(user.as_str()) == me);
    // A file that came with an action input follows that input's readers.
    let readable_attachment_input = |a: &crate::engine::Attachment| match (&a.action, &a.description, &a.form_field) {
        (Some(action), Some(input), None) => policy::reads_input(definition, action, input, &roles),
        _ => true,
    };
    StaffView {
        id: case.id.to_string(),
        tracking_code: case.tracking_code.to_string(),
        workflow: case.workflow.clone(),
        workflow_label: definition.label().to_owned(),
        workflow_version: case.workflow_version.clone(),
        stage: case.stage.clone(),
        stage_label: stage.map_or_else(|| case.stage.clone(), |s| s.label.clone()),
        stage_role: stage.and_then(|s| s.role.clone()),
        status: case.status,
        outcome: case.outcome,
        outcome_label: outcome_label(definition, case),
        version: case.version,
        submitted_at: case.submitted_at,
        updated_at: case.updated_at,
        assignee: case.assignee.clone(),
        form: field_views(definition, &case.form, |f| staff_reads(definition, &roles, f))
            .into_iter()
            .map(|mut v| {
                if !identity && !v.files.is_empty() {
                    v.files = v.files.iter().map(|f| policy::shown_file(case, f, false)).collect();
                    v.value = Some(v.files.iter().map(|f| f.name.clone()).collect::<Vec<_>>().join(", "));
                }
                v
            })
            .collect(),
        notes: if policy::sees_event(definition, "note_added", &roles) {
            case.notes
                .iter()
                .filter(|n| NoteAudience::includes(n.audience.as_ref(), &roles, is_me(&n.author)))
                .cloned()
                .collect()
        } else {
            Vec::new()
        },
        may_add_note: policy::may_add(definition, case, &roles, policy::Addition::Note).is_ok(),
        may_add_attachment: policy::may_add(definition, case, &roles, policy::Addition::Attachment).is_ok(),
        attachments: case
            .attachments
            .iter()
            .filter(|a| a.form_field.as_deref().is_none_or(readable_field))
            .filter(|a| readable_attachment_input(a))
            .map(|a| crate::engine::Attachment { file: policy::shown_file(case, &a.file, identity), ..a.clone() })
            .collect(),
        messages: case
            .messages
            .iter()
            .filter(|m| policy::reads_input(definition, &m.action, &m.input, &roles))
            .cloned()
            .collect(),
        answer: case.answer.clone().map(|a| crate::engine::Answer {
            documents: a.documents.iter().map(|d| policy::shown_file(case, d, identity)).collect(),
            ..a
        }),
        survey: case.survey.clone(),
        // A role that does not see clock or timer entries in the history does not see the clocks or timers either.
        clocks: if policy::sees_event(definition, "clock_started", &roles) {
            clock_views(case, calendar, now)
        } else {
            Vec::new()
        },
        timers: if policy::sees_event(definition, "timer_armed", &roles) {
            timer_views(definition, case)
        } else {
            Vec::new()
        },
        escalated_to: case.escalated_to.clone(),
        history: events
            .iter()
            .filter(|e| policy::sees_event(definition, e.kind.name(), &roles))
            .map(|e| {
                let mut view = event_view(definition, &roles, e);
                if !identity {
                    neutral_files(case, &mut view.detail);
                }
                if let HistoryEntry::NoteAdded { text, audience, .. } = &mut view.detail
                    && !NoteAudience::includes(audience.as_ref(), &roles, is_me(&e.actor))
                {
                    text.clone_from(&definition.file().visibility.redacted);
                }
                view
            })
            .collect(),
        actions: allowed_actions(definition, case, principal).into_iter().map(|a| a.id.clone()).collect(),
    }
}

/// A message on the tracking page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct MessageView {
    /// When.
    pub at: DateTime<Utc>,
    /// The action's label (e.g. "Tolak permohonan").
    pub action: String,
    /// The input's label (e.g. "Alasan penolakan").
    pub label: String,
    /// The text.
    pub text: String,
}

/// The answer on the tracking page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AnswerView {
    /// When.
    pub at: DateTime<Utc>,
    /// The product's label.
    pub product: String,
    /// The message.
    pub message: Option<String>,
    /// The documents.
    pub documents: Vec<FileRef>,
}

/// A step of the public timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct StepView {
    /// When the stage was entered.
    pub at: DateTime<Utc>,
    /// The stage in plain words.
    pub stage: String,
}

/// A case as its applicant sees it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ApplicantCaseView {
    /// The tracking code.
    pub tracking_code: String,
    /// The service.
    pub workflow: String,
    /// The service's label.
    pub workflow_label: String,
    /// The organisation's name.
    pub organisation: String,
    /// The current stage's id.
    pub stage: String,
    /// The current stage in plain words (when shown).
    pub stage_label: Option<String>,
    /// Where it stands.
    pub status: Status,
    /// How it ended (the report category).
    pub outcome: Option<Outcome>,
    /// How it ended, in the procedure's words (its `[[outcomes]]` label).
    pub outcome_label: Option<String>,
    /// Submitted.
    pub submitted_at: DateTime<Utc>,
    /// The version, to send back with actions.
    pub version: u64,
    /// When the current stage is due (when shown).
    pub due: Option<DateTime<Utc>>,
    /// While the case waits on the applicant: when a stage timer will move
    /// it (e.g. close it) unless they act (when due instants are shown).
    pub timer_due: Option<DateTime<Utc>>,
    /// Where that timer moves it, in plain words (e.g. "Permohonan ditutup").
    pub timer_then: Option<String>,
    /// Messages for the applicant (when shown).
    pub messages: Vec<MessageView>,
    /// The answer (when shown).
    pub answer: Option<AnswerView>,
    /// Their own submission (when shown).
    pub submission: Option<Vec<FieldView>>,
    /// The public timeline (when shown).
    pub timeline: Vec<StepView>,
    /// Files the applicant may open.
    pub attachments: Vec<FileRef>,
    /// Whether the survey is open to them now.
    pub survey_open: bool,
    /// Whether they filled it in.
    pub survey_done: bool,
    /// Actions the applicant may take now (amend, withdraw…).
    pub actions: Vec<String>,
    /// When the request was returned naming fields to complete: those
    /// fields (only they are sent; the rest of the form is kept). Empty:
    /// a completion sends the whole form.
    pub requested_fields: Vec<RequestedField>,
}

/// A field of the intake form the applicant was asked to complete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct RequestedField {
    /// The field's id (the key to send).
    pub id: String,
    /// Its label.
    pub label: String,
}

/// The labels of the intake fields a `form_fields` value names (`a,b`), in the form's order.
fn form_field_labels(definition: &Definition, text: &str) -> String {
    let named: Vec<&str> = text.split(',').map(str::trim).collect();
    let labels: Vec<&str> = definition
        .file()
        .form
        .fields
        .iter()
        .filter(|f| named.contains(&f.id.as_str()))
        .map(|f| f.label.as_str())
        .collect();
    if labels.is_empty() { text.to_owned() } else { labels.join("; ") }
}

/// The case as its applicant sees it, at `now`.
pub fn applicant_view(definition: &Definition, case: &Case) -> ApplicantCaseView {
    let shows = |part: ApplicantView| policy::applicant_sees(definition, part);
    let public_label = |stage: &str| {
        definition
            .stage(stage)
            .map_or_else(|| stage.to_owned(), |s| s.public_label.clone().unwrap_or_else(|| s.label.clone()))
    };
    let input_label = |action: &str, input: &str| {
        definition
            .action(action)
            .and_then(|a| a.inputs.iter().find(|f| f.id == input))
            .map_or_else(|| input.to_owned(), |f| f.label.clone())
    };
    let stage_kind = definition.stage(&case.stage).map(|s| s.kind);
    let waiting_timer = (shows(ApplicantView::Due) && stage_kind == Some(StageKind::Waiting))
        .then(|| acting_timer(definition, case))
        .flatten();
    ApplicantCaseView {
        tracking_code: case.tracking_code.to_string(),
        workflow: case.workflow.clone(),
        workflow_label: definition.label().to_owned(),
        organisation: definition.file().organisation.name.clone(),
        stage: case.stage.clone(),
        stage_label: shows(ApplicantView::Stage).then(|| public_label(&case.stage)),
        status: case.status,
        outcome: case.outcome,
        outcome_label: outcome_label(definition, case),
        submitted_at: case.submitted_at,
        version: case.version,
        due: if shows(ApplicantView::Due) && stage_kind == Some(StageKind::Task) {
            case.stage_clock().and_then(|c| c.due)
        } else {
            None
        },
        timer_due: waiting_timer.as_ref().map(|(due, _)| *due),
        timer_then: waiting_timer.map(|(_, then)| then),
        messages: if shows(ApplicantView::Messages) {
            let mut messages: Vec<MessageView> = case
                .messages
                .iter()
                .map(|m| MessageView {
                    at: m.at,
                    action: definition.action(&m.action).map_or_else(|| m.action.clone(), |a| a.label.clone()),
                    label: input_label(&m.action, &m.input),
                    text: match definition.action(&m.action).and_then(|a| a.inputs.iter().find(|i| i.id == m.input)) {
                        Some(input) if input.kind == FieldKind::FormFields => form_field_labels(definition, &m.text),
                        _ => m.text.clone(),
                    },
                })
                .collect();
            // Notes written for the applicant too.
            messages.extend(case.notes.iter().filter(|n| n.audience == Some(NoteAudience::Applicant)).map(|n| {
                MessageView {
                    at: n.at,
                    action: "Catatan petugas".to_owned(),
                    label: "Catatan".to_owned(),
                    text: n.text.clone(),
                }
            }));
            messages.sort_by_key(|m| m.at);
            messages
        } else {
            Vec::new()
        },
        answer: case.answer.as_ref().filter(|_| shows(ApplicantView::Answer)).map(|a| AnswerView {
            at: a.at,
            product: definition.product(&a.product).map_or_else(|| a.product.clone(), |p| p.label.clone()),
            message: a.message.clone(),
            documents: a.documents.clone(),
        }),
        submission: shows(ApplicantView::Submission).then(|| field_views(definition, &case.form, |_| true)),
        // Public milestones, not internal loops: a staff stage shows when the
        // case first reaches it (a study sent back for revision does not show
        // twice); every time the case waits on the applicant, and the end, show.
        timeline: if shows(ApplicantView::History) {
            let mut shown: Vec<&str> = Vec::new();
            case.visits
                .iter()
                .filter(|v| {
                    let kind = definition.stage(&v.stage).map(|s| s.kind);
                    let again = shown.contains(&v.stage.as_str());
                    shown.push(&v.stage);
                    !again || matches!(kind, Some(StageKind::Waiting | StageKind::Terminal))
                })
                .map(|v| StepView { at: v.entered_at, stage: public_label(&v.stage) })
                .collect()
        } else {
            Vec::new()
        },
        attachments: case.attachments.iter().filter(|a| a.public).map(|a| a.file.clone()).collect(),
        survey_open: case.survey.is_none() && definition.survey_stages().contains(&case.stage.as_str()),
        survey_done: case.survey.is_some(),
        actions: allowed_actions(definition, case, &Principal::Applicant).into_iter().map(|a| a.id.clone()).collect(),
        requested_fields: crate::engine::requested_fields(definition, case)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|id| definition.file().form.fields.iter().find(|f| f.id == id))
            .map(|f| RequestedField { id: f.id.clone(), label: f.label.clone() })
            .collect(),
    }
}

/// Whether the applicant may download a file of their case.
pub fn applicant_may_open(case: &Case, file_id: &str) -> bool {
    case.attachments.iter().any(|a| a.public && a.file.id == file_id)
}

/// Whether a staff member may download a file of a case.
pub fn staff_may_open(definition: &Definition, case: &Case, roles: &[String], file_id: &str) -> bool {
    may_view(definition, roles)
        && case.attachments.iter().any(|a| {
            a.file.id == file_id
                && a.form_field
                    .as_deref()
                    .is_none_or(|id| definition.form_field(id).is_none_or(|f| staff_reads(definition, roles, f)))
                && match (&a.action, &a.description, &a.form_field) {
                    (Some(action), Some(input), None) => policy::reads_input(definition, action, input, roles),
                    _ => true,
                }
        })
}

/// Whether the history as shown to staff with `roles` mentions any confidential value they may not read.
pub fn history_leaks(definition: &Definition, case: &Case, roles: &[String], views: &[EventView]) -> bool {
    let text = serde_json::to_string(views).unwrap_or_default();
    definition.file().form.fields.iter().filter(|f| f.confidential && !staff_reads(definition, roles, f)).any(|field| {
        case.form.get(&field.id).is_some_and(|v| {
            let shown = v.display();
            shown.chars().count() >= 4 && text.contains(&serde_json::to_string(&shown).unwrap_or_default())
        })
    })
}
