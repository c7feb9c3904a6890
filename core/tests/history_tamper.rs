//! The hash-chained history detects tampering and names the first bad event.
//!
//! One realistic history of the West Sumatra consultation (submission,
//! verification returned to the applicant and amended, a draft returned for
//! revision, approval, answer, survey, notes, an attachment and recorded
//! deadlines) is tampered with at random: any field of any event edited,
//! any event deleted, any two swapped, a copy of any event inserted
//! anywhere, the end cut off, or a suffix rewritten and re-sealed.
//! [`history::verify`] must report the first event that no longer fits,
//! with the problem expected for that kind of tampering, and
//! [`history::verify_against`] (which also compares the chain's end with
//! the version and head the case records) must catch what `verify` cannot:
//! a cut-off end and a re-sealed suffix.

mod engine_support;

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::{DateTime, TimeDelta, Utc};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value as Json;
use sigap_core::definition::FileType;
use sigap_core::engine::history::{self, ChainError, ChainProblem, GENESIS};
use sigap_core::engine::{Actor, Case, CaseId, Command, Context, EVENT_FORMAT, Event, EventKind, Principal, decide};
use sigap_core::form::Input;
use sigap_core::workflow::Workflow;

use engine_support::{file_ref, load_workflow, new_case, wib};

/// A whole procedure, with the case it folds to.
struct Procedure {
    events: Vec<Event>,
    case: Case,
}

static PROCEDURE: LazyLock<Procedure> = LazyLock::new(procedure);

fn text(value: &str) -> Input {
    Input::Text(value.to_owned())
}

fn inputs<const N: usize>(pairs: [(&str, Input); N]) -> BTreeMap<String, Input> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

fn intake_form(phone: &str, documents: Vec<sigap_core::form::FileRef>) -> BTreeMap<String, Input> {
    inputs([
        ("nama", text("Rahmat Hidayat")),
        ("nip", text("19820414 200604 1 003")),
        ("jabatan", text("Pejabat Pembuat Komitmen")),
        ("unit_kerja", text("Dinas Pekerjaan Umum dan Penataan Ruang")),
        ("alamat", text("Jalan Khatib Sulaiman No. 7, Padang")),
        ("telepon", text(phone)),
        ("email", text("rahmat.hidayat@sumbarprov.go.id")),
        ("kategori", text("pengadaan")),
        ("pokok_masalah", text("Pemutusan kontrak penyedia jasa konstruksi")),
        (
            "uraian",
            text(
                "Penyedia terlambat 60 hari dari jadwal; kami menimbang pemutusan kontrak \
                 dan pencairan jaminan pelaksanaan.",
            ),
        ),
        ("pertanyaan", text("Apakah pemutusan kontrak sepihak dapat dilakukan tanpa adendum?")),
        ("dokumen", Input::Files(documents)),
        ("persetujuan", Input::Bool(true)),
    ])
}

fn perform(action: &str, pairs: BTreeMap<String, Input>) -> Command {
    Command::Perform { action: action.to_owned(), inputs: pairs, form: None }
}

/// Runs the commands of one procedure through the engine, each of which must be accepted.
struct Recorder {
    workflow: Workflow,
    events: Vec<Event>,
    case: Option<Case>,
}

impl Recorder {
    fn act(&mut self, at: DateTime<Utc>, who: &Principal, command: &Command) {
        let context = Context { definition: &self.workflow.definition, calendar: &self.workflow.calendar, at };
        let events = decide(&context, self.case.as_ref(), who, command, None)
            .unwrap_or_else(|r| panic!("{} by {who:?} at {at}: {r}", command.name()));
        for event in &events {
            match &mut self.case {
                Some(case) => case.apply(event).expect("events fold"),
                None => self.case = Some(Case::start(event).expect("a submission starts a case")),
            }
        }
        self.events.extend(events);
    }
}

fn procedure() -> Procedure {
    let rina = Principal::staff("rina", &["pokja_dokumentasi"]);
    let budi = Principal::staff("budi", &["pokja_dokumentasi"]);
    let sari = Principal::staff("sari", &["pokja_layanan"]);
    let andi = Principal::staff("andi", &["kepala_bagian"]);
    let applicant = Principal::Applicant;
    let system = Principal::System;
    let mut r = Recorder { workflow: load_workflow(engine_support::SUMBAR), events: Vec::new(), case: None };
    let first_document = file_ref(1, FileType::Pdf);
    r.act(
        wib("2026-02-02 09:00"),
        &applicant,
        &Command::Submit { case: new_case(1), form: intake_form("0812 3456 7890", vec![first_document.clone()]) },
    );
    r.act(wib("2026-02-02 09:10"), &rina, &Command::Claim);
    r.act(
        wib("2026-02-02 09:20"),
        &rina,
        &Command::AddNote {
            text: "Kontrak dan surat teguran belum dilampirkan.".to_owned(),
            obstacle: true,
            audience: None,
        },
    );
    r.act(
        wib("2026-02-02 09:25"),
        &rina,
        &perform(
            "minta_kelengkapan",
            inputs([("kekurangan", text("Mohon lampirkan kontrak dan surat teguran kepada penyedia."))]),
        ),
    );
    r.act(
        wib("2026-02-03 10:00"),
        &applicant,
        &Command::Perform {
            action: "lengkapi".to_owned(),
            inputs: BTreeMap::new(),
            form: Some(intake_form("0813 6612 3456", vec![first_document, file_ref(2, FileType::Pdf)])),
        },
    );
    r.act(
        wib("2026-02-03 10:05"),
        &applicant,
        &Command::AddAttachment {
            file: file_ref(3, FileType::Jpeg),
            description: Some("Foto papan proyek".to_owned()),
        },
    );
    r.act(wib("2026-02-03 10:40"), &system, &Command::RecordDeadlines);
    r.act(
        wib("2026-02-03 10:45"),
        &budi,
        &perform("teruskan", inputs([("catatan", text("Lengkap; dalam ruang lingkup layanan."))])),
    );
    r.act(wib("2026-02-03 11:00"), &sari, &Command::Claim);
    r.act(
        wib("2026-02-04 13:00"),
        &sari,
        &perform(
            "ajukan_draf",
            inputs([
                ("dokumen_kajian", Input::Files(vec![file_ref(4, FileType::Docx)])),
                ("ringkasan", text("Pemutusan sepihak dimungkinkan setelah teguran ketiga.")),
            ]),
        ),
    );
    r.act(
        wib("2026-02-05 09:00"),
        &andi,
        &perform(
            "kembalikan_draf",
            inputs([("catatan_perbaikan", text("Tambahkan dasar hukum Perpres 16/2018 pasal 93."))]),
        ),
    );
    r.act(
        wib("2026-02-05 09:05"),
        &andi,
        &Command::AddNote {
            text: "Draf dikembalikan sekali; perhatikan kelengkapan dasar hukum.".to_owned(),
            obstacle: false,
            audience: None,
        },
    );
    r.act(
        wib("2026-02-05 14:00"),
        &sari,
        &perform("ajukan_draf", inputs([("dokumen_kajian", Input::Files(vec![file_ref(5, FileType::Pdf)]))])),
    );
    r.act(wib("2026-02-06 10:00"), &andi, &perform("setujui", inputs([("catatan", text("Disetujui."))])));
    r.act(
        wib("2026-02-06 10:30"),
        &andi,
        &Command::Assign { user: "rina".to_owned(), user_roles: vec!["pokja_dokumentasi".to_owned()] },
    );
    r.act(
        wib("2026-02-06 11:00"),
        &rina,
        &perform(
            "kirim_jawaban",
            inputs([
                ("produk", text("pendapat_hukum")),
                ("dokumen_jawaban", Input::Files(vec![file_ref(6, FileType::Pdf)])),
                ("ringkasan_jawaban", text("Pendapat hukum terlampir; pemutusan kontrak dapat dilakukan.")),
            ]),
        ),
    );
    r.act(
        wib("2026-02-09 08:30"),
        &applicant,
        &Command::RecordSurvey {
            answers: inputs([
                ("kemudahan", Input::Number(5)),
                ("kecepatan", Input::Number(4)),
                ("kejelasan", Input::Number(5)),
                ("manfaat", Input::Number(5)),
                ("kerahasiaan", Input::Number(5)),
                ("saran", text("Terima kasih.")),
            ]),
        },
    );
    Procedure { events: r.events, case: r.case.expect("the case exists") }
}

fn case_id() -> &'static CaseId {
    &PROCEDURE.case.id
}

fn events() -> Vec<Event> {
    PROCEDURE.events.clone()
}

fn len() -> usize {
    PROCEDURE.events.len()
}

/// Both checks refuse `events`, naming this event with this problem.
fn assert_named(events: &[Event], position: usize, seq: u64, problem: ChainProblem) {
    let expected = ChainError { case: case_id().clone(), position, seq, problem };
    assert_eq!(history::verify(case_id(), events), Err(expected.clone()));
    let case = &PROCEDURE.case;
    assert_eq!(history::verify_against(case_id(), events, case.version, &case.head), Err(expected));
}

/// `verify` accepts `events` as a chain; only `verify_against` refuses it, at its end.
fn assert_caught_only_against_the_case(events: &[Event], problem: ChainProblem) {
    let head = history::verify(case_id(), events).expect("a well-formed chain");
    assert_eq!(head, events.last().map_or(GENESIS, |e| e.hash.as_str()));
    let case = &PROCEDURE.case;
    let error =
        history::verify_against(case_id(), events, case.version, &case.head).expect_err("the case records another end");
    assert_eq!(
        error,
        ChainError {
            case: case_id().clone(),
            position: events.len(),
            seq: events.last().map_or(0, |e| e.seq),
            problem,
        }
    );
}

/// A 64-hex string that is none of `avoid`.
fn other_hex(seed: u64, avoid: &str) -> String {
    let candidate = format!("{:064x}", u128::from(seed) << 1 | 1);
    if candidate == avoid { format!("{:064x}", u128::from(seed) << 1) } else { candidate }
}

// ---------------------------------------------------------------- editing inside an event

/// Every JSON leaf of `value`, each as the whole value with that leaf changed.
fn leaf_edits(value: &Json) -> Vec<Json> {
    match value {
        Json::Object(map) => map
            .iter()
            .flat_map(|(key, child)| {
                leaf_edits(child).into_iter().map(move |edited| {
                    let mut copy = map.clone();
                    copy.insert(key.clone(), edited);
                    Json::Object(copy)
                })
            })
            .collect(),
        Json::Array(items) => items
            .iter()
            .enumerate()
            .flat_map(|(i, child)| {
                leaf_edits(child).into_iter().map(move |edited| {
                    let mut copy = items.clone();
                    copy[i] = edited;
                    Json::Array(copy)
                })
            })
            .collect(),
        Json::String(s) => {
            let mut edits = vec![Json::String(format!("{s}x"))];
            if let Ok(instant) = DateTime::parse_from_rfc3339(s) {
                let later = instant + TimeDelta::seconds(1);
                edits.push(Json::String(later.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)));
            }
            edits.push(serde_json::json!({ "stage": s }));
            edits
        }
        Json::Number(n) => n.as_i64().map(|n| Json::from(n.wrapping_add(1))).into_iter().collect(),
        Json::Bool(b) => vec![Json::Bool(!b)],
        Json::Null => Vec::new(),
    }
}

/// Every event kind that differs from `kind` in one value and still reads as an event kind.
fn kind_edits(kind: &EventKind) -> Vec<EventKind> {
    let json = serde_json::to_value(kind).expect("kinds serialise");
    leaf_edits(&json)
        .into_iter()
        .filter_map(|edited| serde_json::from_value::<EventKind>(edited).ok())
        .filter(|edited| edited != kind)
        .collect()
}

/// Other actors: each value of this one changed, or another kind of actor.
fn actor_edits(actor: &Actor) -> Vec<Actor> {
    let json = serde_json::to_value(actor).expect("actors serialise");
    let mut edits: Vec<Actor> =
        leaf_edits(&json).into_iter().filter_map(|edited| serde_json::from_value(edited).ok()).collect();
    edits.extend([Actor::Applicant, Actor::System, Actor::Staff { user: "penyusup".to_owned(), role: None }]);
    edits.retain(|edited| edited != actor);
    edits
}

#[test]
fn the_untouched_history_verifies() {
    let case = &PROCEDURE.case;
    let events = events();
    assert_eq!(history::verify(case_id(), &events), Ok(case.head.clone()));
    assert_eq!(history::verify_against(case_id(), &events, case.version, &case.head), Ok(()));
    assert_eq!(Case::fold(&events).as_ref(), Ok(case));
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.name()).collect();
    for kind in [
        "submitted",
        "action_performed",
        "answered",
        "claimed",
        "assigned",
        "note_added",
        "attachment_added",
        "survey_recorded",
        "clock_started",
        "clock_paused",
        "clock_resumed",
        "clock_stopped",
        "clock_warned",
        "clock_breached",
    ] {
        assert!(kinds.contains(&kind), "the procedure records {kind}: {kinds:?}");
    }
    assert_eq!(case.stage, "selesai");
    assert!(case.survey.is_some());
}

#[test]
fn every_event_has_a_value_to_edit() {
    for event in &PROCEDURE.events {
        assert!(!kind_edits(&event.kind).is_empty(), "{:?}", event.kind);
        assert!(!actor_edits(&event.actor).is_empty(), "{:?}", event.actor);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn an_edited_actor_is_named(at in any::<Index>(), edit in any::<Index>()) {
        let mut events = events();
        let i = at.index(len());
        let edits = actor_edits(&events[i].actor);
        events[i].actor = edit.get(&edits).clone();
        assert_named(&events, i + 1, i as u64 + 1, ChainProblem::Edited);
    }

    #[test]
    fn an_edited_instant_is_named(
        at in any::<Index>(),
        millis in prop_oneof![-86_400_000i64..=-1, 1..=86_400_000i64],
    ) {
        let mut events = events();
        let i = at.index(len());
        events[i].at += TimeDelta::milliseconds(millis);
        assert_named(&events, i + 1, i as u64 + 1, ChainProblem::Edited);
    }

    #[test]
    fn an_edited_value_inside_an_event_is_named(at in any::<Index>(), edit in any::<Index>()) {
        let mut events = events();
        let i = at.index(len());
        let edits = kind_edits(&events[i].kind);
        events[i].kind = edit.get(&edits).clone();
        assert_named(&events, i + 1, i as u64 + 1, ChainProblem::Edited);
    }

    #[test]
    fn an_edited_link_is_named(at in any::<Index>(), seed in any::<u64>(), take_other in any::<Index>()) {
        let mut events = events();
        let i = at.index(len());
        // Either another event's hash (a plausible splice) or any other 64-hex string.
        let other = take_other.index(len() + 1);
        let replacement = if other < len() && events[other].hash != events[i].prev {
            events[other].hash.clone()
        } else {
            other_hex(seed, &events[i].prev)
        };
        events[i].prev = replacement;
        assert_named(&events, i + 1, i as u64 + 1, ChainProblem::BrokenLink);
    }

    #[test]
    fn an_edited_hash_is_named(at in any::<Index>(), seed in any::<u64>()) {
        let mut events = events();
        let i = at.index(len());
        events[i].hash = other_hex(seed, &events[i].hash);
        assert_named(&events, i + 1, i as u64 + 1, ChainProblem::Edited);
    }

    #[test]
    fn an_edited_sequence_number_is_named(at in any::<Index>(), seq in any::<u64>()) {
        let mut events = events();
        let i = at.index(len());
        let expected = i as u64 + 1;
        let found = if seq == expected { seq.wrapping_add(1) } else { seq };
        events[i].seq = found;
        assert_named(&events, i + 1, found, ChainProblem::OutOfSequence { expected, found });
    }

    #[test]
    fn an_event_of_another_case_is_named(at in any::<Index>(), n in 2..1_000_000u64) {
        let mut events = events();
        let i = at.index(len());
        let other = new_case(n).id;
        events[i].case = other.clone();
        assert_named(&events, i + 1, i as u64 + 1, ChainProblem::WrongCase { found: other });
    }

    #[test]
    fn an_unknown_format_is_named(at in any::<Index>(), format in any::<u16>()) {
        let mut events = events();
        let i = at.index(len());
        let found = if (1..=EVENT_FORMAT).contains(&format) { 0 } else { format };
        events[i].format = found;
        assert_named(&events, i + 1, i as u64 + 1, ChainProblem::UnknownFormat { found });
    }

    #[test]
    fn a_deleted_event_is_named(at in any::<Index>()) {
        let mut events = events();
        let i = at.index(len() - 1);
        events.remove(i);
        // The event after it now stands in its place with its own number.
        let found = i as u64 + 2;
        assert_named(&events, i + 1, found, ChainProblem::OutOfSequence { expected: i as u64 + 1, found });
    }

    #[test]
    fn swapped_events_are_named(a in any::<Index>(), b in any::<Index>()) {
        let (i, j) = (a.index(len()), b.index(len()));
        prop_assume!(i != j);
        let (i, j) = (i.min(j), i.max(j));
        let mut events = events();
        events.swap(i, j);
        let found = j as u64 + 1;
        assert_named(&events, i + 1, found, ChainProblem::OutOfSequence { expected: i as u64 + 1, found });
    }

    #[test]
    fn an_inserted_copy_is_named(copy in any::<Index>(), at in any::<Index>()) {
        let k = copy.index(len());
        let p = at.index(len() + 1);
        let mut events = events();
        let duplicate = events[k].clone();
        events.insert(p, duplicate);
        // A copy put just before its original fits there; the original after it does not.
        let position = if p == k { p + 2 } else { p + 1 };
        let found = k as u64 + 1;
        assert_named(
            &events,
            position,
            found,
            ChainProblem::OutOfSequence { expected: position as u64, found },
        );
    }

    #[test]
    fn a_cut_off_end_is_caught_only_against_the_case(keep in any::<Index>()) {
        let mut events = events();
        let kept = keep.index(len());
        events.truncate(kept);
        assert_caught_only_against_the_case(
            &events,
            ChainProblem::Truncated { expected: len() as u64, found: kept as u64 },
        );
    }

    #[test]
    fn a_resealed_rewrite_is_caught_only_against_the_case(at in any::<Index>(), edit in any::<Index>()) {
        let mut events = events();
        let i = at.index(len());
        let edits = kind_edits(&events[i].kind);
        events[i].kind = edit.get(&edits).clone();
        // The forger re-hashes the edited event and everything after it.
        let mut prev = events[i].prev.clone();
        for event in &mut events[i..] {
            event.prev = prev;
            event.hash = history::hash_of(
                event.format, &event.case, event.seq, &event.at, &event.actor, &event.kind, &event.prev,
            );
            prev = event.hash.clone();
        }
        assert_caught_only_against_the_case(&events, ChainProblem::HeadMismatch);
    }
}
