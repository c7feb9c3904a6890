//! The pure engine: decide + fold of one transition, and replaying (folding
//! and verifying) a 50-event history.
//!
//! Run with `cargo bench -p sigap-benches --bench engine`.

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{Criterion, criterion_main};
use sigap_core::engine::{Case, Command, Context, Event, Principal, decide, history};
use sigap_core::form::Input;
use sigap_core::testing::{at, fixture_form, fixture_workflow, new_case};

fn submitted(workflow: &sigap_core::workflow::Workflow) -> (Case, Vec<Event>) {
    let context =
        Context { definition: &workflow.definition, calendar: &workflow.calendar, at: at("2026-12-01 09:00") };
    let command = Command::Submit { case: new_case(1), form: fixture_form("Bench") };
    let events = decide(&context, None, &Principal::Applicant, &command, None).unwrap();
    (Case::fold(&events).unwrap(), events)
}

/// A history of `n` or a few more events: a submission then notes.
fn history_of(workflow: &sigap_core::workflow::Workflow, n: usize) -> Vec<Event> {
    let (mut case, mut events) = submitted(workflow);
    let officer = Principal::staff("rina", &["petugas"]);
    let mut i = 0;
    while events.len() < n {
        let context =
            Context { definition: &workflow.definition, calendar: &workflow.calendar, at: at("2026-12-01 10:00") };
        let note = Command::AddNote { text: format!("catatan {i}"), obstacle: false, audience: None };
        for event in decide(&context, Some(&case), &officer, &note, None).unwrap() {
            case.apply(&event).unwrap();
            events.push(event);
        }
        i += 1;
    }
    events
}

fn benches(c: &mut Criterion) {
    let workflow = fixture_workflow();
    let (case, _) = submitted(&workflow);
    let officer = Principal::staff("rina", &["petugas"]);
    let forward =
        Command::Perform { action: "teruskan".to_owned(), inputs: BTreeMap::<String, Input>::new(), form: None };
    let context =
        Context { definition: &workflow.definition, calendar: &workflow.calendar, at: at("2026-12-01 09:20") };
    c.bench_function("engine/decide+fold one transition (with clocks)", |b| {
        b.iter(|| {
            let events = decide(&context, Some(black_box(&case)), &officer, &forward, None).unwrap();
            let mut next = case.clone();
            for event in &events {
                next.apply(event).unwrap();
            }
            black_box(next.version)
        });
    });
    let note = Command::AddNote { text: "catatan".to_owned(), obstacle: false, audience: None };
    c.bench_function("engine/decide+fold one note", |b| {
        b.iter(|| {
            let events = decide(&context, Some(black_box(&case)), &officer, &note, None).unwrap();
            let mut next = case.clone();
            for event in &events {
                next.apply(event).unwrap();
            }
            black_box(next.version)
        });
    });
    let events = history_of(&workflow, 50);
    c.bench_function("engine/replay 50-event history (fold)", |b| {
        b.iter(|| black_box(Case::fold(black_box(&events)).unwrap().version))
    });
    let id = events[0].case.clone();
    c.bench_function("engine/verify 50-event hash chain", |b| {
        b.iter(|| black_box(history::verify(&id, black_box(&events)).unwrap()))
    });
}

mod group {
    #![allow(missing_docs)]
    criterion::criterion_group!(engine, super::benches);
}

criterion_main!(group::engine);
