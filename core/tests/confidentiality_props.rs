//! For random confidentiality rules on the Kabupaten Contoh workflow, a case
//! carrying planted markers, taken to a random stage, and every staff role:
//! what each renderer gives a reader (the staff view as JSON, notifications
//! to their role, webhook bodies) never holds a marker the rules exclude,
//! and a case out of a role's reach is refused by the engine itself.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, TimeDelta, Utc};
use proptest::prelude::*;
use sigap_core::access::{policy, staff_view};
use sigap_core::definition::FileType;
use sigap_core::engine::{Case, Command, Context, Event, NewCase, Principal, Rejection, decide};
use sigap_core::form::{FileRef, Input};
use sigap_core::storage::{OutboxMessage, Recipient};
use sigap_core::testing::new_case;
use sigap_core::workflow::Workflow;

const ROLES: [&str; 6] = ["staf_bankum", "analis", "kasubbag", "kabag", "sekda", "inspektorat"];
const NOTE: &str = "MARKER-NOTE-7Q";
const REVISION: &str = "MARKER-REVISION-3K";
const STUDY: &str = "MARKER-STUDY-9P.pdf";
const SUMMONS: &str = "MARKER-SK_Budi_198204142006041003.pdf";

fn file(name: &str, n: u8) -> FileRef {
    FileRef { id: format!("{n:0>64}"), name: name.to_owned(), file_type: FileType::Pdf, size: 10 }
}

fn roles_subset() -> impl Strategy<Value = Vec<String>> {
    proptest::sample::subsequence(ROLES.to_vec(), 0..=ROLES.len())
        .prop_map(|v| v.into_iter().map(str::to_owned).collect())
}

#[derive(Debug, Clone)]
struct Rules {
    study_readers: Option<Vec<String>>,
    revision_readers: Option<Vec<String>>,
    history: BTreeMap<String, Vec<String>>,
    reach: BTreeMap<String, String>,
    notified: String,
}

fn rules() -> impl Strategy<Value = Rules> {
    let kinds = proptest::sample::subsequence(
        vec!["submitted", "action_performed", "answered", "note_added", "attachment_added", "clock_started"],
        1..=6,
    );
    let reach = prop_oneof![
        Just("\"all\"".to_owned()),
        Just("\"own_stages\"".to_owned()),
        Just("\"assigned\"".to_owned()),
        Just("[\"persetujuan\"]".to_owned()),
    ];
    (
        proptest::option::of(roles_subset()),
        proptest::option::of(roles_subset()),
        proptest::collection::btree_map(proptest::sample::select(ROLES.to_vec()), kinds, 0..3),
        // Reach is drawn for the roles that act in the plan only where any reach lets them.
        proptest::collection::btree_map(proptest::sample::select(vec!["kabag", "sekda", "inspektorat"]), reach, 0..3),
        proptest::sample::select(ROLES.to_vec()),
    )
        .prop_map(|(study, revision, history, reach, notified)| Rules {
            study_readers: study,
            revision_readers: revision,
            history: history
                .into_iter()
                .map(|(r, k)| (r.to_owned(), k.into_iter().map(str::to_owned).collect()))
                .collect(),
            reach: reach.into_iter().map(|(r, v)| (r.to_owned(), v)).collect(),
            notified: notified.to_owned(),
        })
}

fn toml_list(roles: &[String]) -> String {
    format!("[{}]", roles.iter().map(|r| format!("\"{r}\"")).collect::<Vec<_>>().join(", "))
}

/// The shipped regency workflow with `edit` applied to its text, loaded
/// with its calendar (`Err` when the checker refuses the edited file).
fn regency(edit: impl FnOnce(String) -> String) -> Result<Workflow, sigap_core::Diagnostics> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let path = "workflows/kabupaten-contoh/pendampingan-hukum.toml";
    let text = edit(std::fs::read_to_string(root.join(path)).unwrap());
    Workflow::load(path, &text, &mut |base, p| {
        let full = Path::new(base).parent().unwrap().join(p);
        let text = std::fs::read_to_string(root.join(&full)).map_err(|e| e.to_string())?;
        Ok((full.display().to_string(), text))
    })
}

/// The shipped file with its `[visibility.*]` rules replaced by `rules`.
fn workflow(rules: &Rules) -> Option<Workflow> {
    regency(|text| {
    let start = text.find("[visibility.reach]").unwrap();
    let end = text.find("[sla]").unwrap();
    let mut extra = String::new();
    let mut inputs = Vec::new();
    if let Some(r) = &rules.study_readers {
        inputs.push(format!("\"ajukan_telaah.telaahan\" = {}", toml_list(r)));
    }
    if let Some(r) = &rules.revision_readers {
        inputs.push(format!("\"revisi_telaah.catatan\" = {}", toml_list(r)));
    }
    if !inputs.is_empty() {
        extra.push_str(&format!("[visibility.inputs]\n{}\n\n", inputs.join("\n")));
    }
    if !rules.reach.is_empty() {
        extra.push_str("[visibility.reach]\n");
        for (role, reach) in &rules.reach {
            extra.push_str(&format!("{role} = {reach}\n"));
        }
        extra.push('\n');
    }
    if !rules.history.is_empty() {
        extra.push_str("[visibility.history]\n");
        for (role, kinds) in &rules.history {
            extra.push_str(&format!("{role} = {}\n", toml_list(kinds)));
        }
        extra.push('\n');
    }
    let notification = format!(
        "[[notifications]]\nid = \"revisi_internal\"\non = \"action\"\naction = \"revisi_telaah\"\nto = [\"{}\"]\nsubject = \"Revisi {{tracking_code}}\"\nbody = \"{{input.catatan}}\"\n\n",
        rules.notified
    );
    format!("{}{extra}{}", &text[..start], &text[end..]).replacen(
        "[[notifications]]",
        &format!("{notification}[[notifications]]"),
        1,
    )
    })
    .ok()
}

fn staff(role: &str) -> Principal {
    Principal::Staff { user: format!("{role}.orang"), roles: vec![role.to_owned()] }
}

fn text_inputs(pairs: &[(&str, &str)]) -> BTreeMap<String, Input> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), Input::Text((*v).to_owned()))).collect()
}

/// Takes a case through up to `steps` of the procedure, planting the markers.
fn run(workflow: &Workflow, steps: usize) -> (Case, Vec<Event>) {
    let mut at: DateTime<Utc> = "2026-04-06T01:00:00Z".parse().unwrap();
    let mut case: Option<Case> = None;
    let mut events = Vec::new();
    let mut step = |who: Principal, command: Command, case: &mut Option<Case>, events: &mut Vec<Event>| {
        at += TimeDelta::minutes(30);
        let context = Context { definition: &workflow.definition, calendar: &workflow.calendar, at };
        let new = decide(&context, case.as_ref(), &who, &command, None).unwrap_or_else(|e| panic!("{command:?}: {e}"));
        for e in &new {
            match case {
                None => *case = Some(Case::start(e).unwrap()),
                Some(c) => c.apply(e).unwrap(),
            }
        }
        events.extend(new);
    };
    let mut form = text_inputs(&[
        ("nama", "Budi Santoso"),
        ("nip", "19820414 200604 1 003"),
        ("perangkat_daerah", "Dinas Pekerjaan Umum"),
        ("telepon", "0812 3456 7890"),
        ("jenis_perkara", "pidana"),
        ("kedudukan", "saksi"),
        ("uraian", "Saya dipanggil sebagai saksi dalam perkara pengadaan jalan yang saya tangani sebagai PPK."),
    ]);
    form.insert("pernyataan".to_owned(), Input::Bool(true));
    form.insert("surat_panggilan".to_owned(), Input::Files(vec![file(SUMMONS, 1)]));
    let new: NewCase = new_case(11);
    step(Principal::Applicant, Command::Submit { case: new, form }, &mut case, &mut events);
    let perform = |action: &str, inputs: BTreeMap<String, Input>| Command::Perform {
        action: action.to_owned(),
        inputs,
        form: None,
    };
    let study = |n: u8| BTreeMap::from([("telaahan".to_owned(), Input::Files(vec![file(STUDY, n)]))]);
    let plan: Vec<(Principal, Command)> = vec![
        (staff("staf_bankum"), Command::AddNote { text: NOTE.to_owned(), obstacle: false, audience: None }),
        (staff("staf_bankum"), perform("register", BTreeMap::new())),
        (staff("analis"), perform("ajukan_telaah", study(2))),
        (staff("kasubbag"), perform("revisi_telaah", text_inputs(&[("catatan", REVISION)]))),
        (staff("analis"), perform("ajukan_telaah", study(3))),
        (staff("kasubbag"), perform("teruskan_telaah", BTreeMap::new())),
        (staff("kabag"), perform("setujui", BTreeMap::new())),
    ];
    for (who, command) in plan.into_iter().take(steps) {
        step(who, command, &mut case, &mut events);
    }
    (case.unwrap(), events)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn no_renderer_gives_a_reader_what_the_rules_exclude(rules in rules(), steps in 0usize..8) {
        let Some(workflow) = workflow(&rules) else {
            // A combination the checker refuses is not a case of the property.
            return Ok(());
        };
        let definition = &workflow.definition;
        let (case, events) = run(&workflow, steps);
        let at = case.updated_at + TimeDelta::minutes(1);
        for role in ROLES {
            let principal = staff(role);
            let roles = vec![role.to_owned()];
            let Principal::Staff { user, .. } = &principal else { unreachable!() };
            let context = Context { definition, calendar: &workflow.calendar, at };
            if !policy::reaches(definition, &case, user, &roles) {
                // Out of reach: the engine refuses even a note, as for a missing case.
                let note = decide(&context, Some(&case), &principal, &Command::AddNote { text: "x".into(), obstacle: false, audience: None }, None);
                prop_assert_eq!(note.unwrap_err(), Rejection::UnknownCase);
                continue;
            }
            let view = staff_view(definition, &workflow.calendar, &case, &events, &principal, at);
            let json = serde_json::to_string(&view).unwrap();
            if !policy::reads_input(definition, "revisi_telaah", "catatan", &roles) {
                prop_assert!(!json.contains(REVISION), "{role} reads the revision note: {json}");
            }
            if !policy::reads_input(definition, "ajukan_telaah", "telaahan", &roles) {
                prop_assert!(!json.contains(STUDY), "{role} sees the study: {json}");
            }
            if !policy::sees_event(definition, "note_added", &roles) {
                prop_assert!(!json.contains(NOTE), "{role} reads the note: {json}");
            }
            if !policy::reads_identity(definition, &roles) {
                prop_assert!(!json.contains("SK_Budi") && !json.contains("Budi Santoso"), "{role} sees identity: {json}");
            }
            for entry in &view.history {
                prop_assert!(policy::sees_event(definition, entry.kind, &roles), "{role} sees a {} entry", entry.kind);
            }
        }
        // Notifications to a role hold only inputs it reads; webhooks no input at all.
        let tz = workflow.calendar.time_zone();
        for item in sigap_core::effects::outbox(definition, tz, None, &events, &["hook".to_owned()]) {
            match &item.message {
                OutboxMessage::Notify { recipient: Recipient::Role(role), subject, body, .. }
                    if !policy::reads_input(definition, "revisi_telaah", "catatan", std::slice::from_ref(role)) =>
                {
                    prop_assert!(!body.contains(REVISION) && !subject.contains(REVISION), "{role} is told {body}");
                }
                OutboxMessage::Webhook { body, .. } => {
                    let text = body.to_string();
                    prop_assert!(![REVISION, STUDY, NOTE, "SK_Budi", "Budi Santoso"].iter().any(|m| text.contains(m)), "{text}");
                }
                _ => {}
            }
        }
    }
}

/// A note carries its audience: named roles (and its author) read it, others
/// see the redaction marker in the history and not the note; a note for the
/// applicant shows on their tracking page; an unknown role is refused.
#[test]
fn a_note_is_read_by_its_audience_only() {
    use sigap_core::access::applicant_view;
    use sigap_core::engine::NoteAudience;
    let rules = Rules {
        study_readers: None,
        revision_readers: None,
        history: BTreeMap::new(),
        reach: BTreeMap::new(),
        notified: "kabag".to_owned(),
    };
    let workflow = workflow(&rules).unwrap();
    let definition = &workflow.definition;
    let (mut case, mut events) = run(&workflow, 2);
    let mut at = case.updated_at;
    let mut note = |who: &str, text: &str, audience: Option<NoteAudience>, case: &mut Case, events: &mut Vec<Event>| {
        at += TimeDelta::minutes(5);
        let context = Context { definition, calendar: &workflow.calendar, at };
        let command = Command::AddNote { text: text.to_owned(), obstacle: false, audience };
        let new = decide(&context, Some(case), &staff(who), &command, None)?;
        for e in &new {
            case.apply(e).unwrap();
        }
        events.extend(new);
        Ok::<(), Rejection>(())
    };
    note("analis", "UNTUK-KASUBBAG", Some(NoteAudience::Roles(vec!["kasubbag".to_owned()])), &mut case, &mut events)
        .unwrap();
    note("analis", "UNTUK-PEMOHON", Some(NoteAudience::Applicant), &mut case, &mut events).unwrap();
    let refused = note("analis", "x", Some(NoteAudience::Roles(vec!["bupati".to_owned()])), &mut case, &mut events);
    assert!(matches!(refused, Err(Rejection::Invalid { .. })), "{refused:?}");
    let json = |role: &str| {
        let view = staff_view(definition, &workflow.calendar, &case, &events, &staff(role), at);
        serde_json::to_string(&view).unwrap()
    };
    assert!(json("kasubbag").contains("UNTUK-KASUBBAG"));
    assert!(json("analis").contains("UNTUK-KASUBBAG"), "the author reads their own note");
    let kabag = json("kabag");
    assert!(!kabag.contains("UNTUK-KASUBBAG") && kabag.contains("[dirahasiakan]"), "{kabag}");
    assert!(kabag.contains("UNTUK-PEMOHON"), "staff read a note for the applicant too");
    let applicant = serde_json::to_string(&applicant_view(definition, &case)).unwrap();
    assert!(applicant.contains("UNTUK-PEMOHON") && !applicant.contains("UNTUK-KASUBBAG"), "{applicant}");

    // An obstacle for named roles is not quoted in the evaluation report; a general one is.
    let mut obstacle = |text: &str, audience: Option<NoteAudience>, case: &mut Case| {
        at += TimeDelta::minutes(5);
        let context = Context { definition, calendar: &workflow.calendar, at };
        let command = Command::AddNote { text: text.to_owned(), obstacle: true, audience };
        for e in decide(&context, Some(case), &staff("analis"), &command, None).unwrap() {
            case.apply(&e).unwrap();
        }
    };
    obstacle("HAMBATAN-TERBATAS", Some(NoteAudience::Roles(vec!["kasubbag".to_owned()])), &mut case);
    obstacle("HAMBATAN-UMUM", None, &mut case);
    let report = sigap_core::report::evaluate(definition, workflow.calendar.time_zone(), &[case], 2026);
    let texts: Vec<&str> = report.obstacles.iter().map(|o| o.text.as_str()).collect();
    assert_eq!(texts, ["HAMBATAN-UMUM"]);
}

/// `default = "closed"`: a role without a reach rule reaches only cases that
/// have been at its own stages, and an input without readers is read only by
/// the roles around its action's stages.
#[test]
fn deny_by_default_closes_what_no_rule_opens() {
    let rules = Rules {
        study_readers: None,
        revision_readers: None,
        history: BTreeMap::new(),
        reach: BTreeMap::new(),
        notified: "kabag".to_owned(),
    };
    let open = workflow(&rules).unwrap();
    let closed = regency(|text| {
        let (start, end) = (text.find("[visibility.reach]").unwrap(), text.find("[sla]").unwrap());
        format!("{}{}", &text[..start], &text[end..]).replacen(
            "applicant = [\"stage\", \"due\", \"messages\", \"answer\"]",
            "applicant = [\"stage\", \"due\", \"messages\", \"answer\"]\ndefault = \"closed\"",
            1,
        )
    })
    .unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(open.definition.version(), closed.definition.version());
    let (case, _) = run(&closed, 4); // back at telaah after the revision note
    let reaches = |w: &Workflow, role: &str| policy::reaches(&w.definition, &case, "x", &[role.to_owned()]);
    assert!(reaches(&open, "inspektorat") && !reaches(&closed, "inspektorat"), "the inspectorate has no stage");
    assert!(!reaches(&closed, "sekda") && reaches(&closed, "analis") && reaches(&closed, "staf_bankum"));
    let reads = |role: &str| policy::reads_input(&closed.definition, "revisi_telaah", "catatan", &[role.to_owned()]);
    assert!(reads("kasubbag") && reads("analis") && reads("kabag"), "the roles around the move read it");
    assert!(!reads("staf_bankum") && !reads("sekda") && !reads("inspektorat"));
}

/// A list entry decides `own_stages` from the stages the case has been at;
/// one written before summaries kept them leaves it to the case.
#[test]
fn reach_is_decided_from_the_list_entry() {
    let rules = Rules {
        study_readers: None,
        revision_readers: None,
        history: BTreeMap::new(),
        reach: BTreeMap::from([("sekda".to_owned(), "\"own_stages\"".to_owned())]),
        notified: "kabag".to_owned(),
    };
    let workflow = workflow(&rules).unwrap();
    let definition = &workflow.definition;
    let sekda = vec!["sekda".to_owned()];
    let (early, _) = run(&workflow, 3);
    let (late, _) = run(&workflow, 7);
    let summary = |case: &Case| sigap_core::storage::CaseSummary::of(case, definition);
    assert_eq!(policy::reaches_summary(definition, &summary(&early), "s", &sekda), Some(false));
    assert_eq!(policy::reaches_summary(definition, &summary(&late), "s", &sekda), Some(true));
    let legacy = sigap_core::storage::CaseSummary { visited: Vec::new(), ..summary(&early) };
    assert_eq!(policy::reaches_summary(definition, &legacy, "s", &sekda), None);
    for case in [&early, &late] {
        assert_eq!(
            policy::reaches_summary(definition, &summary(case), "s", &sekda),
            Some(policy::reaches(definition, case, "s", &sekda))
        );
    }
}

/// Notes allowed only at some stages are refused elsewhere, saying where.
#[test]
fn a_note_outside_its_stages_is_refused_saying_where() {
    let workflow =
        regency(|text| text.replacen("[visibility.notes]\n", "[visibility.notes]\nstages = [\"telaah\"]\n", 1))
            .unwrap_or_else(|e| panic!("{e}"));
    let (case, _) = run(&workflow, 0);
    let context = Context { definition: &workflow.definition, calendar: &workflow.calendar, at: case.updated_at };
    let note = Command::AddNote { text: "x".to_owned(), obstacle: false, audience: None };
    let refused = decide(&context, Some(&case), &staff("staf_bankum"), &note, None).unwrap_err();
    assert_eq!(refused.code(), "not_at_this_stage");
    insta::assert_snapshot!(refused.to_string(), @"adding an internal note is not possible while the case is in `registrasi` (only in `telaah`)");
}

/// Issue 19: the applicant's timeline shows public milestones, not the
/// internal loop of a study sent back for revision.
#[test]
fn the_applicants_timeline_shows_no_internal_loop() {
    let workflow = regency(|text| {
        text.replacen(
            "applicant = [\"stage\", \"due\", \"messages\", \"answer\"]",
            "applicant = [\"stage\", \"due\", \"messages\", \"answer\", \"history\"]",
            1,
        )
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let (case, _) = run(&workflow, 7); // a note, register, study, revision, study again, forward, approve
    let stages: Vec<&str> = case.visits.iter().map(|v| v.stage.as_str()).collect();
    assert_eq!(
        stages,
        ["registrasi", "telaah", "pemeriksaan_telaah", "telaah", "pemeriksaan_telaah", "persetujuan", "penerbitan_skk"]
    );
    let definition = &workflow.definition;
    let timeline: Vec<String> =
        sigap_core::access::applicant_view(definition, &case).timeline.into_iter().map(|s| s.stage).collect();
    let label = |id: &str| {
        let s = definition.stage(id).unwrap();
        s.public_label.clone().unwrap_or_else(|| s.label.clone())
    };
    let expected: Vec<String> = ["registrasi", "telaah", "pemeriksaan_telaah", "persetujuan", "penerbitan_skk"]
        .iter()
        .map(|s| label(s))
        .collect();
    assert_eq!(timeline, expected);
}
