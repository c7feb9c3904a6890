//! Completing a returned request (issue 19): when the officer names the
//! fields to complete (a `form_fields` input of the return), the applicant
//! sends just those and the rest of the request is kept; an asked-for field
//! left out is named and nothing is stored; a field not asked for may be
//! sent again unchanged (a pre-filled page does) but not changed. A return
//! that names no fields asks for the whole form, as before.

mod engine_support;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use sigap_core::engine::{Case, Command, Context, Event, Principal, Rejection, decide, requested_fields};
use sigap_core::form::{Input, Value};
use sigap_core::testing::new_case;
use sigap_core::workflow::Workflow;

fn sumbar() -> Workflow {
    engine_support::load_workflow(engine_support::SUMBAR)
}

fn wib(local: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").unwrap().and_utc() - TimeDelta::hours(7)
}

fn text(pairs: &[(&str, &str)]) -> BTreeMap<String, Input> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), Input::Text((*v).to_owned()))).collect()
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
    fn submitted() -> Self {
        let mut run = Self { workflow: sumbar(), case: None, events: Vec::new() };
        run.step("2026-09-07 10:00", Principal::Applicant, Command::Submit { case: new_case(1), form: form() })
            .unwrap();
        run
    }

    fn step(&mut self, when: &str, who: Principal, command: Command) -> Result<(), Rejection> {
        let context =
            Context { definition: &self.workflow.definition, calendar: &self.workflow.calendar, at: wib(when) };
        let events = decide(&context, self.case.as_ref(), &who, &command, None)?;
        for event in &events {
            match &mut self.case {
                None => self.case = Some(Case::start(event).unwrap()),
                Some(case) => case.apply(event).unwrap(),
            }
        }
        self.events.extend(events);
        Ok(())
    }

    fn ask(&mut self, fields: Option<&str>) -> Result<(), Rejection> {
        let mut inputs = text(&[("kekurangan", "Nomor telepon tidak aktif; pertanyaan belum jelas.")]);
        if let Some(fields) = fields {
            inputs.insert("isian".to_owned(), Input::Text(fields.to_owned()));
        }
        let officer = Principal::staff("rina", &["pokja_dokumentasi"]);
        self.step(
            "2026-09-07 10:20",
            officer,
            Command::Perform { action: "minta_kelengkapan".to_owned(), inputs, form: None },
        )
    }

    fn complete(&mut self, sent: BTreeMap<String, Input>) -> Result<(), Rejection> {
        let command = Command::Perform { action: "lengkapi".to_owned(), inputs: BTreeMap::new(), form: Some(sent) };
        self.step("2026-09-08 09:00", Principal::Applicant, command)
    }

    fn case(&self) -> &Case {
        self.case.as_ref().unwrap()
    }
}

fn refused_fields(result: Result<(), Rejection>) -> Vec<(String, &'static str)> {
    match result {
        Err(Rejection::Invalid { errors }) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
        other => panic!("expected a refusal naming fields, got {other:?}"),
    }
}

#[test]
fn only_the_fields_asked_for_are_sent_and_the_rest_is_kept() {
    let mut run = Run::submitted();
    run.ask(Some("pertanyaan, telepon")).unwrap();
    // In the form's order, whatever order the officer ticked them in.
    assert_eq!(requested_fields(&run.workflow.definition, run.case()).unwrap(), ["telepon", "pertanyaan"]);
    let view = sigap_core::access::applicant_view(&run.workflow.definition, run.case());
    let asked: Vec<&str> = view.requested_fields.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(asked.len(), 2, "{asked:?}");
    let told = view.messages.iter().find(|m| m.label == "Isian yang perlu diperbaiki").unwrap();
    assert!(!told.text.contains("telepon,"), "the applicant reads labels, not ids: {}", told.text);

    // An asked-for field left out: named, nothing stored.
    let version = run.case().version;
    let missing = refused_fields(run.complete(text(&[("telepon", "0813 1111 2222")])));
    assert_eq!(missing, [("pertanyaan".to_owned(), "required")]);
    assert_eq!(run.case().version, version, "nothing stored");

    // A field not asked for, changed: named, nothing stored.
    let changed = refused_fields(run.complete(text(&[
        ("telepon", "0813 1111 2222"),
        ("pertanyaan", "Apakah saya perlu didampingi penasihat hukum?"),
        ("nama", "Siti R."),
    ])));
    assert_eq!(changed, [("nama".to_owned(), "not-requested")]);
    assert_eq!(run.case().version, version);

    // The asked-for fields, and one more sent again unchanged: taken.
    let before = run.case().form.clone();
    run.complete(text(&[
        ("telepon", "0813 1111 2222"),
        ("pertanyaan", "Apakah saya perlu didampingi penasihat hukum?"),
        ("nama", "Siti Rahmawati"),
    ]))
    .unwrap();
    let after = &run.case().form;
    assert_eq!(after["telepon"], Value::Text("+6281311112222".to_owned()));
    assert_eq!(after["pertanyaan"], Value::Text("Apakah saya perlu didampingi penasihat hukum?".to_owned()));
    for (id, value) in &before {
        if id != "telepon" && id != "pertanyaan" {
            assert_eq!(after.get(id), Some(value), "{id} is kept");
        }
    }
    assert_eq!(run.case().stage, "verifikasi");
}

#[test]
fn a_return_naming_no_fields_asks_for_the_whole_form() {
    let mut run = Run::submitted();
    run.ask(None).unwrap();
    assert_eq!(requested_fields(&run.workflow.definition, run.case()), None);
    let partial = refused_fields(run.complete(text(&[("telepon", "0813 1111 2222")])));
    assert!(partial.iter().any(|(f, c)| f == "nama" && *c == "required"), "{partial:?}");
    run.complete(form()).unwrap();
    assert_eq!(run.case().stage, "verifikasi");
}

#[test]
fn a_return_naming_a_field_the_form_lacks_is_refused() {
    let mut run = Run::submitted();
    let version = run.case().version;
    let refused = refused_fields(run.ask(Some("telepon,gaji")));
    assert_eq!(refused, [("isian".to_owned(), "unknown-form-field")]);
    assert_eq!(run.case().version, version);
}

#[test]
fn a_second_return_asks_afresh() {
    let mut run = Run::submitted();
    run.ask(Some("telepon")).unwrap();
    run.complete(text(&[("telepon", "0813 1111 2222")])).unwrap();
    // Back to the applicant again, this time naming no field: the whole form.
    run.ask(None).unwrap();
    assert_eq!(
        requested_fields(&run.workflow.definition, run.case()),
        None,
        "an earlier return's fields do not carry over"
    );
}
