//! Effects of new events: the notifications and webhooks to deliver, as
//! outbox items written in the same atomic append as the events.
//!
//! Texts are rendered here from the workflow's templates, with no field of
//! the form in them (the loader refuses such placeholders), so the outbox
//! holds no personal data; the applicant's address is looked up when the
//! message is sent ([`addresses`], with the host's [`Directory`] of staff).
//! `{link}` is left for the sender, who knows the URL.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::definition::{Definition, NotifyOn, RoleKind};
use crate::engine::{Case, ClockKey, Event, EventKind};
use crate::storage::{OutboxItem, OutboxMessage, Recipient};

/// The host's people: who holds a role, and where each person reads mail.
/// Staff are the host's (accounts, a directory service); the applicant is
/// the case's own (its form's e-mail field).
pub trait Directory {
    /// The e-mail addresses of everyone in `organisation` holding `role`.
    fn role_addresses(&self, organisation: &str, role: &str) -> Vec<String>;
    /// One person's e-mail address.
    fn user_address(&self, user: &str) -> Option<String>;
}

/// The applicant's e-mail address: the value of the form's first e-mail field, if given.
pub fn applicant_address(definition: &Definition, case: &Case) -> Option<String> {
    definition
        .file()
        .form
        .fields
        .iter()
        .find(|f| f.kind == crate::definition::FieldKind::Email)
        .and_then(|f| case.form.get(&f.id))
        .map(|v| v.display())
        .filter(|a| !a.trim().is_empty())
}

/// Where a notification to `recipient` goes: the one place a recipient
/// becomes addresses. The applicant at the form's e-mail field; a role to
/// everyone holding it in the case's organisation; a person to them.
pub fn addresses(
    recipient: &Recipient,
    definition: &Definition,
    case: &Case,
    directory: &dyn Directory,
) -> Vec<String> {
    match recipient {
        Recipient::Applicant => applicant_address(definition, case).into_iter().collect(),
        Recipient::Role(role) => directory.role_addresses(&case.organisation, role),
        Recipient::User(user) => directory.user_address(user).into_iter().collect(),
    }
}

/// What a notification's `to` entry names, for one trigger: the one place
/// a template's audience is decided. `stage_role` is the role performing
/// the stage concerned and only ever a staff role (a waiting stage is
/// "performed" by the applicant, who must never get a staff message);
/// `applicant`, or a role of the applicant's kind, is the applicant.
fn recipient(definition: &Definition, case: &Case, trigger: &Trigger<'_>, to: &str) -> Option<Recipient> {
    let file = definition.file();
    let stage = trigger.stage.and_then(|s| definition.stage(s));
    let staff = |role: &String| definition.role(role).is_some_and(|r| r.kind == RoleKind::Staff);
    match to {
        "applicant" => Some(Recipient::Applicant),
        "stage_role" => stage.and_then(|s| s.role.clone()).filter(staff).map(Recipient::Role),
        "supervisor" if trigger.overall => file.sla.overall_supervisor.clone().filter(staff).map(Recipient::Role),
        "supervisor" => stage.and_then(|s| s.supervisor.clone()).filter(staff).map(Recipient::Role),
        "assignee" => case.assignee.clone().map(Recipient::User),
        role => match definition.role(role) {
            Some(r) if r.kind == RoleKind::Applicant => Some(Recipient::Applicant),
            Some(r) => Some(Recipient::Role(r.id.clone())),
            None => None,
        },
    }
}

/// What a set of events triggers.
struct Trigger<'e> {
    on: NotifyOn,
    stage: Option<&'e str>,
    action: Option<&'e str>,
    timer: Option<&'e str>,
    due: Option<DateTime<Utc>>,
    overall: bool,
}

fn triggers(event: &Event) -> Vec<Trigger<'_>> {
    let t = |on, stage, action| Trigger { on, stage, action, timer: None, due: None, overall: false };
    match &event.kind {
        EventKind::Submitted { stage, .. } => {
            vec![t(NotifyOn::Submitted, Some(stage), None), t(NotifyOn::Entered, Some(stage), None)]
        }
        EventKind::ActionPerformed { action, to, .. } => {
            vec![t(NotifyOn::Action, None, Some(action)), t(NotifyOn::Entered, Some(to), Some(action))]
        }
        EventKind::Answered { .. } => vec![t(NotifyOn::Answered, None, None)],
        EventKind::Assigned { stage, .. } => vec![t(NotifyOn::Assigned, Some(stage), None)],
        EventKind::SurveyRecorded { .. } => vec![t(NotifyOn::Surveyed, None, None)],
        EventKind::ClockWarned { clock, .. } => {
            vec![Trigger {
                on: NotifyOn::Warned,
                stage: clock.stage(),
                action: None,
                timer: None,
                due: None,
                overall: *clock == ClockKey::Overall,
            }]
        }
        EventKind::ClockBreached { clock, due } => {
            vec![Trigger {
                on: NotifyOn::Breached,
                stage: clock.stage(),
                action: None,
                timer: None,
                due: Some(*due),
                overall: *clock == ClockKey::Overall,
            }]
        }
        EventKind::TimerFired { stage, timer, .. } => vec![Trigger {
            on: NotifyOn::Timer,
            stage: Some(stage),
            action: None,
            timer: Some(timer),
            due: None,
            overall: false,
        }],
        _ => Vec::new(),
    }
}

/// Renders a template: `{name}` from `values`, `{{`/`}}` as braces; `{link}` and unknown names stay.
pub fn render(template: &str, values: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
        } else if tail.starts_with('{')
            && let Some(end) = tail.find('}')
        {
            let name = tail[1..end].trim();
            match values.get(name) {
                Some(value) => out.push_str(value),
                None => out.push_str(&tail[..=end]),
            }
            rest = &tail[end + 1..];
        } else {
            out.push_str(&tail[..1]);
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The outbox items caused by `events`, appended to the case as it was
/// `before` them (`None` for a new case). Each event's texts are rendered
/// with the case as it stood right after that event, so the same history
/// always renders the same texts (see [`applicant_messages`]).
///
/// `webhooks` names the organisation's configured webhook endpoints: each
/// gets every event.
pub fn outbox(
    definition: &Definition,
    tz: Tz,
    before: Option<&Case>,
    events: &[Event],
    webhooks: &[String],
) -> Vec<OutboxItem> {
    let mut case = before.cloned();
    let mut items = Vec::new();
    for (i, event) in events.iter().enumerate() {
        let next = match case.take() {
            None => Case::start(event),
            Some(mut c) => c.apply(event).map(|()| c),
        };
        let Ok(next) = next else { break };
        let ahead = Ahead {
            timer_due: timer_due(definition, event, &events[i + 1..]),
            clock_due: clock_due(event, &events[i + 1..]),
        };
        items.extend(event_outbox(definition, tz, &next, event, &ahead, webhooks));
        case = Some(next);
    }
    items
}

/// What an event's texts read from the events the same decision recorded
/// right after it (the clocks and timers of the stage it entered).
struct Ahead {
    timer_due: Option<DateTime<Utc>>,
    clock_due: Option<DateTime<Utc>>,
}

/// The events of the same decision that follow `event`: the system's clock
/// and timer events at the same instant, up to the next move.
fn same_decision<'e>(event: &Event, rest: &'e [Event]) -> impl Iterator<Item = &'e Event> {
    let at = event.at;
    rest.iter().take_while(move |e| {
        e.at == at && !matches!(e.kind, EventKind::ActionPerformed { .. } | EventKind::Submitted { .. })
    })
}

/// `{due}` of an event entering a stage: the due instant of the stage clock
/// the same decision started or resumed there (the clock events follow the
/// move, so the case right after the move has none yet).
fn clock_due(event: &Event, rest: &[Event]) -> Option<DateTime<Utc>> {
    let (EventKind::Submitted { stage: entered, .. } | EventKind::ActionPerformed { to: entered, .. }) = &event.kind
    else {
        return None;
    };
    same_decision(event, rest).find_map(|e| match &e.kind {
        EventKind::ClockStarted { clock: ClockKey::Stage(s), due, .. }
        | EventKind::ClockResumed { clock: ClockKey::Stage(s), due, .. }
            if s == entered =>
        {
            *due
        }
        _ => None,
    })
}

/// `{timer_due}` of an event: a fired timer's due instant, or, for an event
/// entering a stage, the due instant of the timers the same decision armed
/// there (the one that moves the case, else the earliest), read from the
/// system events that follow it at the same instant. The same history
/// always gives the same value.
fn timer_due(definition: &Definition, event: &Event, rest: &[Event]) -> Option<DateTime<Utc>> {
    let entered = match &event.kind {
        EventKind::TimerFired { due, .. } => return Some(*due),
        EventKind::Submitted { stage, .. } | EventKind::ActionPerformed { to: stage, .. } => stage,
        _ => return None,
    };
    let armed: Vec<(bool, DateTime<Utc>)> = same_decision(event, rest)
        .filter_map(|e| match &e.kind {
            EventKind::TimerArmed { stage, timer, due } if stage == entered => {
                Some((definition.timer(stage, timer).is_some_and(|t| t.is_interrupting()), *due))
            }
            _ => None,
        })
        .collect();
    let acting = armed.iter().filter(|(interrupting, _)| *interrupting).map(|(_, due)| *due).min();
    acting.or_else(|| armed.iter().map(|(_, due)| *due).min())
}

/// The notifications the applicant was sent, recomputed from the history:
/// `(seq, at, subject, body)`, with `{link}` left in place. The tracking
/// page shows them, so a message is kept even when no e-mail could be sent.
pub fn applicant_messages(
    definition: &Definition,
    tz: Tz,
    events: &[Event],
) -> Vec<(u64, DateTime<Utc>, String, String)> {
    outbox(definition, tz, None, events, &[])
        .into_iter()
        .filter_map(|item| match item.message {
            OutboxMessage::Notify { recipient: Recipient::Applicant, subject, body, .. } => {
                Some((item.seq, item.created_at, subject, body))
            }
            _ => None,
        })
        .collect()
}

fn event_outbox(
    definition: &Definition,
    tz: Tz,
    case: &Case,
    event: &Event,
    ahead: &Ahead,
    webhooks: &[String],
) -> Vec<OutboxItem> {
    let file = definition.file();
    let mut items = Vec::new();
    for trigger in triggers(event) {
        for notification in &file.notifications {
            if notification.on != trigger.on
                || notification.stage.as_deref().is_some_and(|s| Some(s) != trigger.stage)
                || notification.action.as_deref().is_some_and(|a| Some(a) != trigger.action)
                || notification.timer.as_deref().is_some_and(|t| Some(t) != trigger.timer)
            {
                continue;
            }
            let recipients: BTreeSet<Recipient> =
                notification.to.iter().filter_map(|to| recipient(definition, case, &trigger, to)).collect();
            for recipient in recipients {
                let mut values = context(definition, tz, case, event, &trigger, &recipient, ahead.clock_due);
                values.insert(
                    "timer_due".to_owned(),
                    ahead.timer_due.map_or_else(|| "-".to_owned(), |d| crate::text::datetime(d, tz)),
                );
                let key = match &recipient {
                    Recipient::Applicant => "applicant".to_owned(),
                    Recipient::Role(r) => format!("role:{r}"),
                    Recipient::User(u) => format!("user:{u}"),
                };
                items.push(OutboxItem {
                    id: format!("{}/{}/{}/{}", case.id, event.seq, notification.id, key),
                    organisation: case.organisation.clone(),
                    case: case.id.clone(),
                    seq: event.seq,
                    created_at: event.at,
                    available_at: event.at,
                    attempts: 0,
                    last_error: None,
                    message: OutboxMessage::Notify {
                        notification: notification.id.clone(),
                        recipient,
                        subject: render(&notification.subject, &values),
                        body: render(&notification.body, &values),
                    },
                });
            }
        }
    }
    for endpoint in webhooks {
        items.push(OutboxItem {
            id: format!("{}/{}/webhook/{endpoint}", case.id, event.seq),
            organisation: case.organisation.clone(),
            case: case.id.clone(),
            seq: event.seq,
            created_at: event.at,
            available_at: event.at,
            attempts: 0,
            last_error: None,
            message: OutboxMessage::Webhook { endpoint: endpoint.clone(), body: webhook_body(case, event) },
        });
    }
    items
}

/// A webhook's body: ids, kinds and instants, no personal data.
pub fn webhook_body(case: &Case, event: &Event) -> serde_json::Value {
    let mut body = serde_json::json!({
        "organisation": case.organisation,
        "workflow": case.workflow,
        "case": case.id,
        "seq": event.seq,
        "type": event.kind.name(),
        "at": event.at,
        "stage": case.stage,
        "status": case.status,
    });
    match &event.kind {
        EventKind::ActionPerformed { action, from, to, .. } => {
            body["action"] = action.clone().into();
            body["from"] = from.clone().into();
            body["to"] = to.clone().into();
        }
        EventKind::Answered { product, .. } => body["product"] = product.clone().into(),
        EventKind::ClockWarned { clock, .. } | EventKind::ClockBreached { clock, .. } => {
            body["clock"] = serde_json::to_value(clock).unwrap_or_default();
        }
        EventKind::TimerArmed { timer, due, .. } => {
            body["timer"] = timer.clone().into();
            body["due"] = serde_json::to_value(due).unwrap_or_default();
        }
        EventKind::TimerFired { timer, due, effect, .. } => {
            body["timer"] = timer.clone().into();
            body["due"] = serde_json::to_value(due).unwrap_or_default();
            body["effect"] = serde_json::to_value(effect).unwrap_or_default();
        }
        _ => {}
    }
    body
}

fn context(
    definition: &Definition,
    tz: Tz,
    case: &Case,
    event: &Event,
    trigger: &Trigger<'_>,
    recipient: &Recipient,
    clock_due_ahead: Option<DateTime<Utc>>,
) -> BTreeMap<String, String> {
    let file = definition.file();
    let mut values = BTreeMap::new();
    values.insert("tracking_code".to_owned(), case.tracking_code.to_string());
    values.insert("workflow".to_owned(), file.label.clone());
    values.insert("organisation".to_owned(), file.organisation.name.clone());
    values.insert("contact".to_owned(), file.organisation.contact.clone().unwrap_or_default());
    let stage_id = trigger.stage.unwrap_or(case.stage.as_str());
    if let Some(stage) = definition.stage(stage_id) {
        let label = match recipient {
            Recipient::Applicant => stage.public_label.clone().unwrap_or_else(|| stage.label.clone()),
            _ => stage.label.clone(),
        };
        values.insert("stage".to_owned(), label);
    }
    let due = trigger
        .due
        .or_else(|| {
            let key = if trigger.overall { ClockKey::Overall } else { ClockKey::Stage(stage_id.to_owned()) };
            case.live_clock(&key).and_then(|c| c.due)
        })
        .or(clock_due_ahead.filter(|_| matches!(trigger.on, NotifyOn::Submitted | NotifyOn::Entered)));
    values.insert("due".to_owned(), due.map_or_else(|| "-".to_owned(), |d| crate::text::datetime(d, tz)));
    if let EventKind::ActionPerformed { action, inputs, public_inputs, .. } = &event.kind {
        if let Some(action) = definition.action(action) {
            values.insert("action".to_owned(), action.label.clone());
        }
        // Staff recipients read an input only as `[visibility.inputs]` lets
        // their role (a person is told as the holder of the stage's role).
        let staff_role: Option<String> = match recipient {
            Recipient::Applicant => None,
            Recipient::Role(role) => Some(role.clone()),
            Recipient::User(_) => definition.stage(stage_id).and_then(|s| s.role.clone()),
        };
        let redacted = &file.visibility.redacted;
        for (id, value) in inputs {
            match (recipient, &staff_role) {
                (Recipient::Applicant, _) if public_inputs.contains(id) => {
                    values.insert(format!("input.{id}"), value.display());
                }
                (Recipient::Applicant, _) => {}
                (_, Some(role))
                    if !crate::access::policy::reads_input(definition, action, id, std::slice::from_ref(role)) =>
                {
                    values.insert(format!("input.{id}"), redacted.clone());
                }
                _ => {
                    values.insert(format!("input.{id}"), value.display());
                }
            }
        }
    }
    if let Some(answer) = &case.answer {
        let label = definition.product(&answer.product).map_or_else(|| answer.product.clone(), |p| p.label.clone());
        values.insert("product".to_owned(), label);
    }
    values
}
