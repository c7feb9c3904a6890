//! The SLA clock's event stream for the West Sumatra SOP's scenarios,
//! snapshot-tested: a verification late on a Friday before a long weekend,
//! a request returned to the applicant and resubmitted, and a breach.

mod engine_support;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use sigap_core::engine::{Case, Command, Context, Event, EventKind, NewCase, Principal, decide};
use sigap_core::form::Input;
use sigap_core::testing::new_case;
use sigap_core::workflow::Workflow;

fn sumbar() -> Workflow {
    engine_support::load_workflow(engine_support::SUMBAR)
}

/// A WIB wall-clock instant.
fn wib(local: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").unwrap().and_utc() - TimeDelta::hours(7)
}

fn form() -> BTreeMap<String, Input> {
    engine_support::sumbar_request()
}

struct Run {
    workflow: Workflow,
    case: Option<Case>,
    events: Vec<Event>,
}

impl Run {
    fn new() -> Self {
        Self { workflow: sumbar(), case: None, events: Vec::new() }
    }

    fn step(&mut self, when: &str, who: Principal, command: Command) {
        let context =
            Context { definition: &self.workflow.definition, calendar: &self.workflow.calendar, at: wib(when) };
        let events =
            decide(&context, self.case.as_ref(), &who, &command, None).unwrap_or_else(|e| panic!("{when}: {e}"));
        for event in &events {
            match &mut self.case {
                None => self.case = Some(Case::start(event).unwrap()),
                Some(case) => case.apply(event).unwrap(),
            }
        }
        self.events.extend(events);
    }

    fn submit(&mut self, when: &str) {
        let NewCase { id, tracking_code, secret_hash } = new_case(1);
        let new = NewCase { id, tracking_code, secret_hash };
        self.step(when, Principal::Applicant, Command::Submit { case: new, form: form() });
    }

    fn perform(&mut self, when: &str, who: Principal, action: &str, inputs: &[(&str, &str)]) {
        let inputs = inputs.iter().map(|(k, v)| ((*k).to_owned(), Input::Text((*v).to_owned()))).collect();
        let form = (action == "lengkapi").then(form);
        self.step(when, who, Command::Perform { action: action.to_owned(), inputs, form });
    }

    /// The stage moves and clock events, one line each, in WIB.
    fn clock_stream(&self) -> String {
        let tz = self.workflow.calendar.time_zone();
        let t = |at: &DateTime<Utc>| at.with_timezone(&tz).format("%a %Y-%m-%d %H:%M:%S").to_string();
        let clock =
            |key: &sigap_core::engine::ClockKey| key.stage().map_or_else(|| "overall".to_owned(), str::to_owned);
        let mut out = String::new();
        for event in &self.events {
            let line = match &event.kind {
                EventKind::Submitted { stage, .. } => format!("submitted → {stage}"),
                EventKind::ActionPerformed { action, from, to, .. } => format!("{action}: {from} → {to}"),
                EventKind::ClockStarted { clock: c, standard, due, warn } => format!(
                    "clock {} started, standard {}, at risk {}, due {}",
                    clock(c),
                    standard.map_or("-".to_owned(), |s| s.to_string()),
                    warn.as_ref().map_or("-".to_owned(), t),
                    due.as_ref().map_or("-".to_owned(), t)
                ),
                EventKind::ClockPaused { clock: c, elapsed, remaining, .. } => format!(
                    "clock {} paused after {elapsed}s open time, {} s left",
                    clock(c),
                    remaining.map_or("-".to_owned(), |r| r.to_string())
                ),
                EventKind::ClockResumed { clock: c, due, warn } => format!(
                    "clock {} resumed, at risk {}, due {}",
                    clock(c),
                    warn.as_ref().map_or("-".to_owned(), t),
                    due.as_ref().map_or("-".to_owned(), t)
                ),
                EventKind::ClockStopped { clock: c, elapsed, within_standard } => format!(
                    "clock {} stopped after {elapsed}s open time, within standard: {}",
                    clock(c),
                    within_standard.map_or("-".to_owned(), |w| w.to_string())
                ),
                EventKind::ClockWarned { clock: c, threshold } => {
                    format!("clock {} at risk since {}", clock(c), t(threshold))
                }
                EventKind::ClockBreached { clock: c, due } => {
                    format!("clock {} breached at {}", clock(c), t(due))
                }
                _ => continue,
            };
            out.push_str(&format!("{}  {line}\n", t(&event.at)));
        }
        out
    }
}

fn officer() -> Principal {
    Principal::staff("libertinova", &["pokja_dokumentasi"])
}

#[test]
fn verified_late_on_a_friday_before_a_long_weekend() {
    // Friday 14 August 2026; Monday 17 August is Independence Day.
    let mut run = Run::new();
    run.submit("2026-08-14 14:40");
    run.perform("2026-08-14 14:55", officer(), "teruskan", &[]);
    // Nothing is due over the long weekend; the drafting stage is at risk on Tuesday afternoon.
    run.step("2026-08-17 12:00", Principal::System, Command::RecordDeadlines);
    run.step("2026-08-18 14:00", Principal::System, Command::RecordDeadlines);
    run.perform("2026-08-18 14:30", Principal::Applicant, "tarik", &[]);
    insta::assert_snapshot!(run.clock_stream());
}

#[test]
fn returned_to_the_applicant_and_resubmitted() {
    let mut run = Run::new();
    run.submit("2026-09-07 10:00");
    run.perform("2026-09-07 10:20", officer(), "minta_kelengkapan", &[("kekurangan", "Lampirkan surat panggilan.")]);
    run.perform("2026-09-09 09:00", Principal::Applicant, "lengkapi", &[]);
    run.perform("2026-09-09 09:05", officer(), "teruskan", &[]);
    insta::assert_snapshot!(run.clock_stream());
}

#[test]
fn breached_and_recorded_by_the_deadline_scanner() {
    let mut run = Run::new();
    run.submit("2026-09-07 14:00");
    run.step("2026-09-07 14:25", Principal::System, Command::RecordDeadlines);
    // The office closes at 15:00: the 30 minutes end at 14:30 the same day.
    run.step("2026-09-08 08:00", Principal::System, Command::RecordDeadlines);
    run.perform("2026-09-08 09:00", officer(), "teruskan", &[]);
    insta::assert_snapshot!(run.clock_stream());
}

/// `{due}` in the messages of a submission or a move names the due instant
/// of the clock the same decision started for the stage entered (the clock
/// events follow the move), not "-".
#[test]
fn messages_on_entering_a_stage_name_its_due_instant() {
    let mut run = Run::new();
    run.submit("2026-04-08 09:00");
    let tz = run.workflow.calendar.time_zone();
    let messages = sigap_core::effects::applicant_messages(&run.workflow.definition, tz, &run.events);
    let due = run.case.as_ref().unwrap().stage_clock().unwrap().due.unwrap();
    let due_text = sigap_core::text::datetime(due, tz);
    assert!(messages.iter().any(|(_, _, _, body)| body.contains(&format!("paling lambat {due_text}"))), "{messages:?}");
    let outbox = sigap_core::effects::outbox(&run.workflow.definition, tz, None, &run.events, &[]);
    let staff: Vec<String> = outbox
        .iter()
        .filter_map(|i| match &i.message {
            sigap_core::storage::OutboxMessage::Notify {
                recipient: sigap_core::storage::Recipient::Role(_),
                body,
                ..
            } => Some(body.clone()),
            _ => None,
        })
        .collect();
    assert!(staff.iter().all(|b| !b.contains("paling lambat -")), "{staff:?}");
    assert!(staff.iter().any(|b| b.contains(&format!("paling lambat {due_text}"))), "{staff:?}");
}

/// Issue 19's defect "the applicant receives the staff message 'Tugas baru:
/// Menunggu Anda melengkapi…'": `stage_role` is the staff role performing a
/// stage; a waiting stage's applicant never gets a staff template.
#[test]
fn a_returned_request_sends_the_applicant_no_staff_message() {
    let mut run = Run::new();
    run.submit("2026-09-07 10:00");
    run.perform("2026-09-07 10:20", officer(), "minta_kelengkapan", &[("kekurangan", "Lampirkan surat panggilan.")]);
    let tz = run.workflow.calendar.time_zone();
    let outbox = sigap_core::effects::outbox(&run.workflow.definition, tz, None, &run.events, &[]);
    let to_applicant: Vec<String> = outbox
        .iter()
        .filter_map(|i| match &i.message {
            sigap_core::storage::OutboxMessage::Notify {
                recipient: sigap_core::storage::Recipient::Applicant,
                notification,
                subject,
                ..
            } => Some(format!("{notification}: {subject}")),
            _ => None,
        })
        .collect();
    assert!(to_applicant.iter().all(|m| !m.starts_with("tugas_baru")), "{to_applicant:?}");
    assert!(to_applicant.iter().any(|m| m.contains("melengkapi") || m.contains("lengkap")), "{to_applicant:?}");
}

/// Issue 19: recipients become addresses in one place
/// (`effects::addresses`): the applicant at the form's e-mail field, a role
/// through the host's directory for the case's organisation, a person
/// through it too; every notification of a returned request resolves so.
#[test]
fn recipients_become_addresses_in_one_place() {
    use sigap_core::effects::{Directory, addresses};
    use sigap_core::storage::{OutboxMessage, Recipient};
    struct Staff;
    impl Directory for Staff {
        fn role_addresses(&self, organisation: &str, role: &str) -> Vec<String> {
            vec![format!("{role}@{organisation}")]
        }
        fn user_address(&self, user: &str) -> Option<String> {
            (user == "rina").then(|| "rina@example.go.id".to_owned())
        }
    }
    let mut run = Run::new();
    run.submit("2026-09-07 10:00");
    run.perform("2026-09-07 10:20", officer(), "minta_kelengkapan", &[("kekurangan", "Lampirkan surat panggilan.")]);
    let case = Case::fold(&run.events).unwrap();
    let definition = &run.workflow.definition;
    let email = case.form["email"].display();
    assert!(email.contains('@'), "{email}");
    let applicant = addresses(&Recipient::Applicant, definition, &case, &Staff);
    assert_eq!(applicant, std::slice::from_ref(&email), "the form's e-mail field");
    assert_eq!(
        addresses(&Recipient::Role("kepala_bagian".to_owned()), definition, &case, &Staff),
        ["kepala_bagian@sumbar-biro-hukum"]
    );
    assert_eq!(addresses(&Recipient::User("rina".to_owned()), definition, &case, &Staff), ["rina@example.go.id"]);
    assert!(addresses(&Recipient::User("budi".to_owned()), definition, &case, &Staff).is_empty());
    // The staff message of the returned request goes to staff addresses only.
    let tz = run.workflow.calendar.time_zone();
    for item in sigap_core::effects::outbox(definition, tz, None, &run.events, &[]) {
        if let OutboxMessage::Notify { recipient, notification, .. } = &item.message {
            let to = addresses(recipient, definition, &case, &Staff);
            if notification.starts_with("tugas_baru") {
                assert!(!to.contains(&email), "{notification} reaches {to:?}");
            }
        }
    }
}
