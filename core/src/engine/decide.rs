//! The engine's one decision: given a definition, a case, a command, the
//! acting principal and the instant, the events to append or a rejection.
//!
//! Pure and synchronous: no I/O, no clock, no randomness. The thin async
//! layer in [`crate::service`] loads, decides and appends.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};

use super::clock::Clocks;
use super::command::{Command, NewCase};
use super::event::{Event, EventKind, TimerEffect};
use super::history::{GENESIS, seal};
use super::principal::{Actor, Principal};
use super::rejection::Rejection;
use super::state::{Case, Status};
use crate::access::policy::{AddDenied, Addition};
use crate::calendar::BusinessCalendar;
use crate::definition::timer::date_instant;
use crate::definition::{Action, ActionKind, Anchor, Definition, Effect, Field, FieldKind, RoleKind, StageKind};
use crate::form::{self, FieldError, Input, Value, Values};

/// The longest internal note, in characters.
pub const MAX_NOTE_CHARS: usize = 10_000;

/// What the engine decides with.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    /// The case's pinned definition.
    pub definition: &'a Definition,
    /// The case's pinned calendar.
    pub calendar: &'a BusinessCalendar,
    /// The instant of the command (truncated to milliseconds in events).
    pub at: DateTime<Utc>,
}

impl Context<'_> {
    fn today(&self) -> NaiveDate {
        self.at.with_timezone(&self.calendar.time_zone()).date_naive()
    }

    fn clocks(&self) -> Clocks<'_> {
        Clocks { definition: self.definition, calendar: self.calendar, at: self.at }
    }
}

/// Decides a command: the sealed events to append (possibly none, when the
/// command changes nothing), or why it is refused.
pub fn decide(
    context: &Context<'_>,
    case: Option<&Case>,
    actor: &Principal,
    command: &Command,
    expected_version: Option<u64>,
) -> Result<Vec<Event>, Rejection> {
    let context = Context { at: context.at.trunc_subsecs(3), ..*context };
    if let Command::Submit { case: new, form } = command {
        if case.is_some() {
            return Err(Rejection::CaseExists);
        }
        return submit(&context, actor, new, form);
    }
    let case = case.ok_or(Rejection::UnknownCase)?;
    if let Some(expected) = expected_version
        && expected != case.version
    {
        return Err(Rejection::StaleVersion { expected, actual: case.version });
    }
    // Outside a person's reach a case answers as if it did not exist. (Staff
    // holding no role of the workflow are refused by each command instead.)
    if let Principal::Staff { user, roles } = actor
        && roles.iter().any(|r| workflow_staff_roles(context.definition).contains(&r.as_str()))
        && !crate::access::policy::reaches(context.definition, case, user, roles)
    {
        return Err(Rejection::UnknownCase);
    }
    let mut draft = Draft::new(case, context.at);
    match command {
        Command::Submit { .. } => unreachable!("handled above"),
        Command::Perform { action, inputs, form } => {
            perform(&context, case, actor, action, inputs, form.as_ref(), &mut draft)?;
        }
        Command::Claim => {
            let (roles, _) = task_roles(&context, case)?;
            let user = staff_holding(actor, &roles, "claiming this task")?;
            let role = role_used(actor, &roles);
            match &case.assignee {
                Some(assignee) if assignee == &user => {}
                Some(assignee) => {
                    return Err(Rejection::AssignedToOther { assignee: assignee.clone() });
                }
                None => {
                    draft.push(
                        Actor::Staff { user: user.clone(), role },
                        EventKind::Claimed { stage: case.stage.clone(), user },
                    );
                }
            }
        }
        Command::Assign { user, user_roles } => {
            let (roles, supervisor) = task_roles(&context, case)?;
            let mut allowed = roles.clone();
            allowed.extend(supervisor);
            let by = staff_holding(actor, &allowed, "assigning this task")?;
            if !user_roles.iter().any(|r| roles.contains(&r.as_str())) {
                return Err(Rejection::NotAssignable { user: user.clone(), role: roles.join(", ") });
            }
            // Taking a task away from the person who holds it is the supervisor's call.
            if let Some(current) = &case.assignee
                && current != &by
                && current != user
                && !supervisor.is_some_and(|s| actor.roles().contains(&s))
            {
                return Err(Rejection::AssignedToOther { assignee: current.clone() });
            }
            if case.assignee.as_ref() != Some(user) {
                let used = role_used(actor, &allowed);
                draft.push(
                    Actor::Staff { user: by, role: used },
                    EventKind::Assigned { stage: case.stage.clone(), user: user.clone() },
                );
            }
        }
        Command::Release => {
            let (roles, supervisor) = task_roles(&context, case)?;
            let assignee = case.assignee.clone().ok_or(Rejection::NotAssigned)?;
            let Principal::Staff { user, .. } = actor else {
                return Err(not_allowed("releasing this task", &roles));
            };
            if user != &assignee {
                let supervisors: Vec<&str> = supervisor.into_iter().collect();
                staff_holding(actor, &supervisors, "releasing another person's task")?;
            }
            let used = if user == &assignee {
                role_used(actor, &roles)
            } else {
                supervisor.filter(|s| actor.roles().contains(s)).map(str::to_owned)
            };
            draft.push(
                Actor::Staff { user: user.clone(), role: used },
                EventKind::Released { stage: case.stage.clone(), user: assignee },
            );
        }
        Command::AddNote { text, obstacle, audience } => {
            let staff_roles = workflow_staff_roles(context.definition);
            let user = staff_holding(actor, &staff_roles, "adding an internal note")?;
            may_add(&context, case, actor, Addition::Note, "adding an internal note")?;
            let text = text.trim();
            if text.is_empty() || text.chars().count() > MAX_NOTE_CHARS {
                return Err(Rejection::Invalid {
                    errors: vec![FieldError {
                        field: "text".to_owned(),
                        code: if text.is_empty() { "required" } else { "too_long" },
                        message: format!("Catatan wajib diisi, paling banyak {MAX_NOTE_CHARS} karakter."),
                        message_en: format!("A note needs text, at most {MAX_NOTE_CHARS} characters."),
                    }],
                });
            }
            if let Some(super::event::NoteAudience::Roles(readers)) = audience
                && (readers.is_empty() || readers.iter().any(|r| !staff_roles.contains(&r.as_str())))
            {
                return Err(Rejection::Invalid {
                    errors: vec![FieldError {
                        field: "audience".to_owned(),
                        code: "invalid_choice",
                        message: format!(
                            "Pembaca catatan harus peran petugas layanan ini: {}.",
                            crate::diag::one_of(staff_roles.iter().copied())
                        ),
                        message_en: format!(
                            "A note's readers are staff roles of this service: {}.",
                            crate::diag::one_of(staff_roles.iter().copied())
                        ),
                    }],
                });
            }
            let used = role_used(actor, &staff_roles);
            draft.push(
                Actor::Staff { user, role: used },
                EventKind::NoteAdded { text: text.to_owned(), obstacle: *obstacle, audience: audience.clone() },
            );
        }
        Command::AddAttachment { file, description } => {
            // The reference must be well formed (a SHA-256 id, a sanitised name), as for inputs.
            let field = attachment_field();
            let files = Input::Files(vec![file.clone()]);
            form::validate_field(&field, &[], Some(&files), context.today()).map_err(invalid)?;
            let recorded = match actor {
                Principal::Applicant if case.status != Status::Closed => Actor::Applicant,
                Principal::Applicant => return Err(closed(case)),
                _ => {
                    let staff_roles = workflow_staff_roles(context.definition);
                    let user = staff_holding(actor, &staff_roles, "attaching a file")?;
                    may_add(&context, case, actor, Addition::Attachment, "attaching a file")?;
                    Actor::Staff { user, role: role_used(actor, &staff_roles) }
                }
            };
            let description =
                description.as_deref().map(str::trim).filter(|d| !d.is_empty()).map(|d| d.chars().take(500).collect());
            draft.push(recorded, EventKind::AttachmentAdded { file: file.clone(), description });
        }
        Command::RecordSurvey { answers } => survey(&context, case, actor, answers, &mut draft)?,
        Command::RecordDeadlines => {
            if *actor != Principal::System {
                return Err(not_allowed("recording deadlines", &["system"]));
            }
            for event in context.clocks().deadlines(case) {
                draft.push(Actor::System, event);
            }
            fire_timers(&context, &mut draft)?;
        }
    }
    Ok(draft.events)
}

/// What a stand-alone attachment is checked against: any accepted type, up to the store's limit.
pub fn attachment_field() -> crate::definition::Field {
    crate::definition::Field {
        id: "file".to_owned(),
        label: "Lampiran".to_owned(),
        kind: FieldKind::File,
        required: true,
        confidential: false,
        public: false,
        help: None,
        min_length: None,
        max_length: None,
        options: Vec::new(),
        max_files: Some(1),
        max_size: Some(crate::definition::ByteSize(crate::storage::MAX_BLOB_BYTES as u64)),
        accept: crate::definition::FileType::ALL.to_vec(),
        min: None,
        max: None,
        text: None,
    }
}

/// Builds the sealed events of one decision, folding each into a copy of
/// the case so that later steps of the same decision see the state after
/// the earlier ones (a timer armed on entering a stage, a chain of timers).
struct Draft {
    case: Case,
    seq: u64,
    prev: String,
    at: DateTime<Utc>,
    events: Vec<Event>,
    /// Set when an event did not fold: a bug, which the service's own fold reports.
    broken: bool,
}

impl Draft {
    fn new(case: &Case, at: DateTime<Utc>) -> Self {
        Self { case: case.clone(), seq: case.version, prev: case.head.clone(), at, events: Vec::new(), broken: false }
    }

    fn push(&mut self, actor: Actor, kind: EventKind) {
        self.seq += 1;
        let event = seal(&self.case.id, self.seq, self.at, actor, kind, &self.prev);
        self.prev = event.hash.clone();
        if !self.broken && self.case.apply(&event).is_err() {
            self.broken = true;
        }
        self.events.push(event);
    }
}

/// The workflow's rule for adding notes or files (`[visibility.notes]`, `[visibility.attachments]`).
fn may_add(
    context: &Context<'_>,
    case: &Case,
    actor: &Principal,
    what: Addition,
    doing: &str,
) -> Result<(), Rejection> {
    let roles: Vec<String> = actor.roles().into_iter().map(str::to_owned).collect();
    match crate::access::policy::may_add(context.definition, case, &roles, what) {
        Ok(()) => Ok(()),
        Err(AddDenied::Closed) => Err(closed(case)),
        Err(AddDenied::Role(allowed)) => {
            Err(not_allowed(doing, &allowed.iter().map(String::as_str).collect::<Vec<_>>()))
        }
        Err(AddDenied::Stage(stages)) => Err(Rejection::NotAtThisStage {
            what: doing.to_owned(),
            stage: case.stage.clone(),
            allowed: crate::diag::one_of(stages.iter().map(String::as_str)),
        }),
    }
}

fn not_allowed(what: &str, roles: &[&str]) -> Rejection {
    Rejection::NotAllowed { what: what.to_owned(), roles: crate::diag::one_of(roles.iter().copied()) }
}

fn closed(case: &Case) -> Rejection {
    Rejection::CaseClosed { outcome: case.outcome.unwrap_or(crate::definition::Outcome::Withdrawn) }
}

/// The acting staff member's name, if they hold one of `roles`.
fn staff_holding(actor: &Principal, roles: &[&str], what: &str) -> Result<String, Rejection> {
    match actor {
        Principal::Staff { user, roles: held } if held.iter().any(|r| roles.contains(&r.as_str())) => Ok(user.clone()),
        _ => Err(not_allowed(what, roles)),
    }
}

fn role_used(actor: &Principal, allowed: &[&str]) -> Option<String> {
    actor.roles().into_iter().find(|r| allowed.contains(r)).map(str::to_owned)
}

fn workflow_staff_roles(definition: &Definition) -> Vec<&str> {
    definition.file().roles.iter().filter(|r| r.kind == RoleKind::Staff).map(|r| r.id.as_str()).collect()
}

/// The roles holding the current task (the stage's role, and the role an
/// escalation moved it to) and the stage's supervisor, if the case is at a
/// staff task.
fn task_roles<'d>(context: &Context<'d>, case: &'d Case) -> Result<(Vec<&'d str>, Option<&'d str>), Rejection> {
    if case.status == Status::Closed {
        return Err(closed(case));
    }
    let stage = context.definition.stage(&case.stage).ok_or(Rejection::NoTask)?;
    match (stage.kind, stage.role.as_deref()) {
        (StageKind::Task, Some(role)) => {
            let mut roles = vec![role];
            roles.extend(case.escalated_to.as_deref().filter(|r| *r != role));
            Ok((roles, stage.supervisor.as_deref()))
        }
        _ => Err(Rejection::NoTask),
    }
}

fn invalid(errors: Vec<FieldError>) -> Rejection {
    Rejection::Invalid { errors }
}

fn submit(
    context: &Context<'_>,
    actor: &Principal,
    new: &NewCase,
    form: &BTreeMap<String, Input>,
) -> Result<Vec<Event>, Rejection> {
    let definition = context.definition;
    if !definition.file().open {
        return Err(Rejection::ServiceClosed { workflow: definition.id().to_owned() });
    }
    if *actor != Principal::Applicant {
        return Err(not_allowed("submitting a request", &[definition.applicant_role().id.as_str()]));
    }
    let file = definition.file();
    let form = form::validate(&file.form.fields, &file.products, form, context.today()).map_err(invalid)?;
    let action = definition.submit_action();
    let submitted = EventKind::Submitted {
        organisation: definition.organisation_id().to_owned(),
        workflow: definition.id().to_owned(),
        workflow_version: definition.version().to_owned(),
        calendar: context.calendar.id().to_owned(),
        calendar_version: context.calendar.version().to_owned(),
        tracking_code: new.tracking_code.clone(),
        secret_hash: new.secret_hash.clone(),
        action: action.id.clone(),
        stage: action.to.clone(),
        form,
    };
    let first = seal(&new.id, 1, context.at, Actor::Applicant, submitted, GENESIS);
    let case = Case::start(&first).map_err(|_| Rejection::UnknownCase)?;
    let mut draft = Draft::new(&case, context.at);
    draft.events.push(first);
    for kind in context.clocks().submission(&action.to) {
        draft.push(Actor::System, kind);
    }
    for kind in arm(context, &draft.case) {
        draft.push(Actor::System, kind);
    }
    Ok(draft.events)
}

/// The intake fields the applicant was asked to complete: those the
/// action that sent the case to its current waiting stage named in a
/// `form_fields` input, in the form's order. `None` when it named none
/// (then the whole form is sent again, as before such inputs existed).
pub fn requested_fields(definition: &Definition, case: &Case) -> Option<Vec<String>> {
    if case.status != Status::Waiting {
        return None;
    }
    let here = case.visits.last()?;
    let into = case.visits.get(case.visits.len().checked_sub(2)?)?.left_by.as_deref()?;
    let action = definition.action(into)?;
    // The messages of the event that entered this stage: the latest ones,
    // all of one event (one `seq`), of that action at that instant.
    let last = case.messages.last().filter(|m| m.action == into && m.at == here.entered_at)?;
    let message = case
        .messages
        .iter()
        .rev()
        .take_while(|m| m.seq == last.seq)
        .find(|m| action.inputs.iter().any(|i| i.id == m.input && i.kind == FieldKind::FormFields))?;
    let named: Vec<&str> = message.text.split(',').map(str::trim).collect();
    let asked: Vec<String> =
        definition.file().form.fields.iter().filter(|f| named.contains(&f.id.as_str())).map(|f| f.id.clone()).collect();
    (!asked.is_empty()).then_some(asked)
}

/// A `form_fields` input names fields of the intake form, and only those.
fn known_form_fields(definition: &Definition, action: &Action, values: Values) -> Result<Values, Vec<FieldError>> {
    let form = &definition.file().form.fields;
    let mut errors = Vec::new();
    for input in action.inputs.iter().filter(|i| i.kind == FieldKind::FormFields) {
        let Some(value) = values.get(&input.id) else { continue };
        for id in value.display().split(',') {
            if !form.iter().any(|f| f.id == id) {
                let known: Vec<&str> = form.iter().map(|f| f.id.as_str()).collect();
                let (shown, list) = (crate::form::human::quote(id), known.join(", "));
                errors.push(FieldError::new(&input.id, "unknown-form-field", |lang| match lang {
                    crate::form::human::Lang::Id => {
                        format!("Formulir tidak memiliki isian {shown}; pilih dari: {list}.")
                    }
                    crate::form::human::Lang::En => format!("The form has no field {shown}; choose from: {list}."),
                }));
            }
        }
    }
    if errors.is_empty() { Ok(values) } else { Err(errors) }
}

/// A completion of a request that named its fields: those are required
/// and taken from `sent`; every other field keeps its value (sent again
/// unchanged, as a pre-filled form does, it is accepted; changed, it is
/// refused, naming it). Nothing is stored unless all of it is right.
fn complete(
    definition: &Definition,
    case: &Case,
    asked: &[String],
    sent: &BTreeMap<String, Input>,
    today: NaiveDate,
) -> Result<Values, Vec<FieldError>> {
    let file = definition.file();
    let fields: Vec<Field> =
        file.form.fields.iter().map(|f| Field { required: asked.contains(&f.id), ..f.clone() }).collect();
    let values = form::validate(&fields, &file.products, sent, today)?;
    let mut errors = Vec::new();
    for (id, value) in &values {
        if !asked.contains(id) && case.form.get(id) != Some(value) {
            let label = fields.iter().find(|f| &f.id == id).map_or(id.as_str(), |f| f.label.as_str());
            let (shown, list) = (crate::form::human::label(label), asked.join(", "));
            errors.push(FieldError::new(id, "not-requested", |lang| match lang {
                crate::form::human::Lang::Id => {
                    format!("{shown} tidak diminta untuk dilengkapi; yang diminta: {list}.")
                }
                crate::form::human::Lang::En => format!("{shown} was not asked for; asked for: {list}."),
            }));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut merged = case.form.clone();
    for id in asked {
        if let Some(value) = values.get(id) {
            merged.insert(id.clone(), value.clone());
        }
    }
    Ok(merged)
}

fn perform(
    context: &Context<'_>,
    case: &Case,
    actor: &Principal,
    action_id: &str,
    inputs: &BTreeMap<String, Input>,
    form: Option<&BTreeMap<String, Input>>,
    draft: &mut Draft,
) -> Result<(), Rejection> {
    let definition = context.definition;
    let action =
        definition.action(action_id).ok_or_else(|| Rejection::UnknownAction { action: action_id.to_owned() })?;
    debug_assert_eq!(draft.case.version, case.version);
    if case.status == Status::Closed {
        return Err(closed(case));
    }
    if action.kind == ActionKind::Submit || !action.from.contains(&case.stage) {
        return Err(Rejection::WrongStage {
            action: action.id.clone(),
            stage: case.stage.clone(),
            allowed: crate::diag::one_of(action.from.ids()),
        });
    }
    let performers = definition.people_performing(action, &case.stage, case.escalated_to.as_deref());
    let applicant_role = definition.applicant_role().id.as_str();
    let recorded = match actor {
        Principal::Applicant if performers.contains(&applicant_role) => Actor::Applicant,
        Principal::Staff { user, .. } => {
            let role =
                role_used(actor, &performers).ok_or_else(|| not_allowed(&format!("`{}`", action.id), &performers))?;
            check_assignment(definition, case, actor, user)?;
            Actor::Staff { user: user.clone(), role: Some(role) }
        }
        _ => return Err(not_allowed(&format!("`{}`", action.id), &performers)),
    };
    let file = definition.file();
    let values = form::validate(&action.inputs, &file.products, inputs, context.today())
        .and_then(|values| known_form_fields(definition, action, values));
    let amended = match (action.kind, form) {
        (ActionKind::Amend, Some(form)) => Some(match requested_fields(definition, case) {
            Some(asked) => complete(definition, case, &asked, form, context.today()),
            None => form::validate(&file.form.fields, &file.products, form, context.today()),
        }),
        (ActionKind::Amend, None) => Some(Err(vec![FieldError {
            field: "form".to_owned(),
            code: "required",
            message: "Formulir yang sudah diperbaiki wajib dikirim.".to_owned(),
            message_en: "An amendment carries the corrected form.".to_owned(),
        }])),
        _ => None,
    };
    let (values, amended) = match (values, amended) {
        (Ok(values), None) => (values, None),
        (Ok(values), Some(Ok(form))) => (values, Some(form)),
        (Err(mut a), Some(Err(b))) => {
            a.extend(b);
            return Err(invalid(a));
        }
        (Err(errors), _) | (_, Some(Err(errors))) => return Err(invalid(errors)),
    };
    move_case(context, action, recorded, values, amended, draft);
    Ok(())
}

/// Records an authorised, validated action: the move, the answer, the
/// clocks, and the timers of the stage entered.
fn move_case(
    context: &Context<'_>,
    action: &Action,
    recorded: Actor,
    values: Values,
    amended: Option<Values>,
    draft: &mut Draft,
) {
    let definition = context.definition;
    let to = definition.stage(&action.to).expect("checked: actions lead to stages");
    let mut public_inputs: Vec<String> = action.inputs.iter().filter(|f| f.public).map(|f| f.id.clone()).collect();
    if action.kind == ActionKind::Answer {
        public_inputs.extend(action.inputs.iter().filter(|f| f.kind == FieldKind::File).map(|f| f.id.clone()));
    }
    public_inputs.retain(|id| values.contains_key(id));
    let from = draft.case.stage.clone();
    let clocks = context.clocks().transition(&draft.case, &from, &action.to);
    draft.push(
        recorded.clone(),
        EventKind::ActionPerformed {
            action: action.id.clone(),
            from,
            to: action.to.clone(),
            to_kind: to.kind,
            outcome: definition.file().outcome_category(to),
            inputs: values.clone(),
            public_inputs,
            form: amended,
        },
    );
    if action.kind == ActionKind::Answer {
        draft.push(recorded, answered(action, &values));
    }
    for event in clocks {
        draft.push(Actor::System, event);
    }
    for event in arm(context, &draft.case) {
        draft.push(Actor::System, event);
    }
}

/// The timers of the case's current stage, armed now (after its clock
/// events, so `at_risk` and `breached` count from the clock as it runs).
/// A timer whose instant the calendar cannot give (past its years), or
/// whose form date is empty, is not armed.
fn arm(context: &Context<'_>, case: &Case) -> Vec<EventKind> {
    let Some(stage) = context.definition.stage(&case.stage) else {
        return Vec::new();
    };
    let clock = case.stage_clock().filter(|c| c.is_running());
    stage
        .timers
        .iter()
        .filter_map(|timer| {
            let anchor = match timer.anchor() {
                Anchor::Entered => Some(context.at),
                Anchor::AtRisk => clock.filter(|c| !c.warned).and_then(|c| c.warn),
                Anchor::Breached => clock.filter(|c| !c.breached).and_then(|c| c.due),
                Anchor::FormDate(field) => match case.form.get(&field) {
                    Some(Value::Date(date)) => date_instant(*date, context.calendar),
                    _ => None,
                },
            }?;
            let due = timer.due_from(anchor, context.calendar).ok()?;
            Some(EventKind::TimerArmed { stage: stage.id.clone(), timer: timer.id.clone(), due })
        })
        .collect()
}

/// Fires every live timer of the case due by now, earliest first, each
/// with its effect; an action moves the case (disarming the rest of the
/// stage's timers) and arms the next stage's, which fire too when already
/// due. The checker refuses timer-only cycles; the bound is a second guard.
fn fire_timers(context: &Context<'_>, draft: &mut Draft) -> Result<(), Rejection> {
    let definition = context.definition;
    let bound = definition.file().stages.iter().map(|s| s.timers.len()).sum::<usize>() * 4 + 4;
    for _ in 0..bound {
        if draft.broken || draft.case.status == Status::Closed {
            return Ok(());
        }
        let Some(armed) = draft.case.live_timers().into_iter().find(|t| t.due <= context.at).cloned() else {
            return Ok(());
        };
        let Some(timer) = definition.timer(&armed.stage, &armed.timer) else {
            // The pinned definition always has it; a case folded from
            // another definition's events cannot be acted on.
            return Ok(());
        };
        let effect = match timer.effect() {
            Effect::Action(action) => TimerEffect::Action { action: action.to_owned() },
            Effect::Escalate(role) => TimerEffect::Escalate { role: role.to_owned() },
            Effect::Remind => TimerEffect::Remind,
        };
        draft.push(
            Actor::System,
            EventKind::TimerFired { stage: armed.stage.clone(), timer: armed.timer.clone(), due: armed.due, effect },
        );
        if let Effect::Action(id) = timer.effect() {
            let action = definition.action(id).ok_or_else(|| Rejection::UnknownAction { action: id.to_owned() })?;
            let inputs: BTreeMap<String, Input> =
                timer.inputs.iter().map(|(k, v)| (k.clone(), Input::Text(v.clone()))).collect();
            let values = form::validate(&action.inputs, &definition.file().products, &inputs, context.today())
                .map_err(invalid)?;
            move_case(context, action, Actor::System, values, None, draft);
        }
    }
    Ok(())
}

/// A staff member acting on a task assigned to someone else needs the stage's supervisor role.
fn check_assignment(definition: &Definition, case: &Case, actor: &Principal, user: &str) -> Result<(), Rejection> {
    match &case.assignee {
        Some(assignee) if assignee != user => {
            let supervisor = definition.stage(&case.stage).and_then(|s| s.supervisor.as_deref());
            if supervisor.is_some_and(|s| actor.roles().contains(&s)) {
                Ok(())
            } else {
                Err(Rejection::AssignedToOther { assignee: assignee.clone() })
            }
        }
        _ => Ok(()),
    }
}

fn answered(action: &Action, values: &Values) -> EventKind {
    let of_kind =
        |kind: FieldKind| action.inputs.iter().filter(move |f| f.kind == kind).filter_map(|f| values.get(&f.id));
    let product = of_kind(FieldKind::Product).next().map(|v| v.display()).unwrap_or_default();
    let documents = of_kind(FieldKind::File).flat_map(|v| v.files().to_vec()).collect();
    let message = action
        .inputs
        .iter()
        .filter(|f| f.public && matches!(f.kind, FieldKind::LongText | FieldKind::Text))
        .find_map(|f| values.get(&f.id))
        .map(|v| v.display());
    EventKind::Answered { product, documents, message }
}

fn survey(
    context: &Context<'_>,
    case: &Case,
    actor: &Principal,
    answers: &BTreeMap<String, Input>,
    draft: &mut Draft,
) -> Result<(), Rejection> {
    let definition = context.definition;
    let Some(survey) = &definition.file().survey else {
        return Err(Rejection::SurveyNotOpen { reason: "this service has no survey".to_owned() });
    };
    if *actor != Principal::Applicant {
        return Err(not_allowed("filling in the survey", &[definition.applicant_role().id.as_str()]));
    }
    if !definition.survey_stages().contains(&case.stage.as_str()) {
        return Err(Rejection::SurveyNotOpen { reason: "the survey opens once the case is answered".to_owned() });
    }
    if case.survey.is_some() {
        return Err(Rejection::SurveyNotOpen { reason: "the survey was filled in already".to_owned() });
    }
    let answers =
        form::validate(&survey.questions, &definition.file().products, answers, context.today()).map_err(invalid)?;
    draft.push(Actor::Applicant, EventKind::SurveyRecorded { answers });
    Ok(())
}
