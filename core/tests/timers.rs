//! Stage timers in the engine: armed on entering a stage, disarmed on
//! leaving it, fired once by the system through the one `decide`, with
//! their effect; on the illustrative Kota Contoh workflow, and as a
//! property over random definitions, commands and instants.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Utc};
use proptest::prelude::*;
use sigap_core::definition::{Anchor, TimerOffset};
use sigap_core::engine::{
    Actor, Case, Command, Context, Event, EventKind, NewCase, Principal, Rejection, Status, TimerEffect, decide,
};
use sigap_core::form::Input;
use sigap_core::storage::CaseSummary;
use sigap_core::testing::new_case;
use sigap_core::workflow::Workflow;

fn load(file: &str, text: &str) -> Result<Workflow, sigap_core::Diagnostics> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    Workflow::load(file, text, &mut |base, path| {
        let full = Path::new(base).parent().unwrap().join(path);
        let text = std::fs::read_to_string(root.join(&full)).map_err(|e| e.to_string())?;
        Ok((full.display().to_string(), text))
    })
}

const KOTA: &str = "workflows/kota-contoh/sengketa-kepegawaian.toml";

fn kota() -> Workflow {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = std::fs::read_to_string(root.join(KOTA)).unwrap();
    load(KOTA, &text).unwrap_or_else(|e| panic!("{e}"))
}

/// A WIT (UTC+9) wall-clock instant.
fn wit(local: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").unwrap().and_utc() - TimeDelta::hours(9)
}

fn form(hearing: Option<&str>) -> BTreeMap<String, Input> {
    let mut form: BTreeMap<String, Input> = [
        ("nama", "Yohanes Wenda"),
        ("nip", "19820414 200604 1 003"),
        ("email", "yohanes@example.go.id"),
        ("jenis_sengketa", "disiplin"),
        ("uraian", "Saya dijatuhi hukuman disiplin tanpa pemeriksaan yang patut menurut PP 94/2021."),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), Input::Text(v.to_owned())))
    .chain([("persetujuan".to_owned(), Input::Bool(true))])
    .collect();
    if let Some(date) = hearing {
        form.insert("tanggal_sidang".to_owned(), Input::Text(date.to_owned()));
    }
    form
}

fn staff(user: &str, role: &str) -> Principal {
    Principal::Staff { user: user.to_owned(), roles: vec![role.to_owned()] }
}

struct Run {
    workflow: Workflow,
    case: Option<Case>,
    events: Vec<Event>,
}

impl Run {
    fn new(workflow: Workflow) -> Self {
        Self { workflow, case: None, events: Vec::new() }
    }

    fn try_step(&mut self, at: DateTime<Utc>, who: &Principal, command: &Command) -> Result<Vec<Event>, Rejection> {
        let context = Context { definition: &self.workflow.definition, calendar: &self.workflow.calendar, at };
        let events = decide(&context, self.case.as_ref(), who, command, None)?;
        for event in &events {
            match &mut self.case {
                None => self.case = Some(Case::start(event).unwrap()),
                Some(case) => case.apply(event).unwrap(),
            }
        }
        self.events.extend(events.clone());
        Ok(events)
    }

    fn step(&mut self, at: DateTime<Utc>, who: &Principal, command: &Command) -> Vec<Event> {
        self.try_step(at, who, command).unwrap_or_else(|e| panic!("{at}: {e}"))
    }

    fn submit(&mut self, at: DateTime<Utc>, hearing: Option<&str>) {
        let new: NewCase = new_case(1);
        self.step(at, &Principal::Applicant, &Command::Submit { case: new, form: form(hearing) });
    }

    fn perform(&mut self, at: DateTime<Utc>, who: &Principal, action: &str, inputs: &[(&str, &str)]) -> Vec<Event> {
        let inputs = inputs.iter().map(|(k, v)| ((*k).to_owned(), Input::Text((*v).to_owned()))).collect();
        let form = (action == "kirim_kelengkapan").then(|| form(None));
        self.step(at, who, &Command::Perform { action: action.to_owned(), inputs, form })
    }

    fn scan(&mut self, at: DateTime<Utc>) -> Vec<Event> {
        self.step(at, &Principal::System, &Command::RecordDeadlines)
    }

    fn case(&self) -> &Case {
        self.case.as_ref().unwrap()
    }

    fn armed(&self, timer: &str) -> DateTime<Utc> {
        self.case().timers.iter().rev().find(|t| t.timer == timer).map(|t| t.due).unwrap()
    }

    /// The timer and move events, one line each, in WIT.
    fn stream(&self) -> String {
        let tz = self.workflow.calendar.time_zone();
        let t = |at: &DateTime<Utc>| at.with_timezone(&tz).format("%a %Y-%m-%d %H:%M:%S").to_string();
        let mut out = String::new();
        for e in &self.events {
            let line = match &e.kind {
                EventKind::Submitted { stage, .. } => format!("submitted → {stage}"),
                EventKind::ActionPerformed { action, from, to, .. } => {
                    format!("{action} by {}: {from} → {to}", actor(&e.actor))
                }
                EventKind::TimerArmed { timer, due, .. } => format!("timer {timer} armed, due {}", t(due)),
                EventKind::TimerFired { timer, due, effect, .. } => {
                    format!("timer {timer} fired (due {}): {effect:?}", t(due))
                }
                EventKind::ClockBreached { clock, .. } => format!("clock {clock:?} breached"),
                EventKind::ClockWarned { clock, .. } => format!("clock {clock:?} at risk"),
                _ => continue,
            };
            out.push_str(&format!("{} #{:>2} {line}\n", t(&e.at), e.seq));
        }
        out
    }
}

fn actor(actor: &Actor) -> String {
    match actor {
        Actor::Applicant => "applicant".to_owned(),
        Actor::System => "system".to_owned(),
        Actor::Staff { user, .. } => user.clone(),
    }
}

#[test]
fn a_returned_request_closes_itself_after_five_working_days() {
    let mut run = Run::new(kota());
    let petugas = staff("rina", "petugas_layanan");
    run.submit(wit("2026-04-08 09:00"), None);
    run.perform(wit("2026-04-08 10:00"), &petugas, "minta_kelengkapan", &[("catatan", "Lampirkan SK hukuman.")]);
    let calendar = &run.workflow.calendar;
    let entered = wit("2026-04-08 10:00");
    let close = run.armed("tutup_otomatis");
    assert_eq!(close, calendar.add(entered, "5wd".parse().unwrap()).unwrap());
    assert_eq!(run.armed("ingatkan_pemohon"), calendar.add(entered, "3wd".parse().unwrap()).unwrap());
    assert_eq!(run.case().status, Status::Waiting);
    // The summary carries the timer, so the store's due query finds the waiting case.
    let summary = CaseSummary::of(run.case(), &run.workflow.definition);
    assert_eq!(summary.next_deadline, Some(run.armed("ingatkan_pemohon")));

    // Nothing before the due instant, to the millisecond.
    assert!(run.scan(close - TimeDelta::milliseconds(1)).iter().all(|e| !matches!(
        e.kind,
        EventKind::TimerFired { ref timer, .. } if timer == "tutup_otomatis"
    )));
    let fired = run.scan(close);
    assert!(matches!(&fired[0].kind, EventKind::TimerFired { timer, due, effect: TimerEffect::Action { action }, .. }
        if timer == "tutup_otomatis" && *due == close && action == "tutup_otomatis"));
    let case = run.case();
    assert_eq!(case.status, Status::Closed);
    assert_eq!(case.stage, "ditutup");
    assert!(fired.iter().any(|e| e.actor == Actor::System && matches!(e.kind, EventKind::ActionPerformed { .. })));
    assert!(case.messages.iter().any(|m| m.text.contains("ditutup otomatis")), "{:?}", case.messages);
    assert_eq!(case.next_deadline(), None);
    // Scanning again records nothing: once per arming.
    assert!(run.scan(close + TimeDelta::days(30)).is_empty());
    insta::assert_snapshot!(run.stream());
}

#[test]
fn a_timer_that_fell_due_long_ago_fires_once_when_the_scanner_comes_back() {
    let mut run = Run::new(kota());
    run.submit(wit("2026-04-08 09:00"), None);
    run.perform(
        wit("2026-04-08 10:00"),
        &staff("rina", "petugas_layanan"),
        "minta_kelengkapan",
        &[("catatan", "Lengkapi.")],
    );
    let close = run.armed("tutup_otomatis");
    let reminder = run.armed("ingatkan_pemohon");
    // The first scan comes a month late: both timers fire, in due order, in one decision.
    let late = close + TimeDelta::days(30);
    let events = run.scan(late);
    let fired: Vec<(&str, DateTime<Utc>, DateTime<Utc>)> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::TimerFired { timer, due, .. } => Some((timer.as_str(), *due, e.at)),
            _ => None,
        })
        .collect();
    assert_eq!(fired, vec![("ingatkan_pemohon", reminder, late), ("tutup_otomatis", close, late)]);
    assert_eq!(run.case().status, Status::Closed);
}

#[test]
fn answering_in_time_disarms_the_timers() {
    let mut run = Run::new(kota());
    let petugas = staff("rina", "petugas_layanan");
    run.submit(wit("2026-04-08 09:00"), None);
    run.perform(wit("2026-04-08 10:00"), &petugas, "minta_kelengkapan", &[("catatan", "Lengkapi.")]);
    let close = run.armed("tutup_otomatis");
    run.perform(wit("2026-04-09 08:30"), &Principal::Applicant, "kirim_kelengkapan", &[]);
    assert_eq!(run.case().stage, "verifikasi");
    assert!(run.case().timers.iter().all(|t| t.disarmed_at == Some(wit("2026-04-09 08:30"))));
    let after = run.scan(close + TimeDelta::hours(1));
    assert!(after.iter().all(|e| !matches!(e.kind, EventKind::TimerFired { .. })), "{after:?}");
    assert_eq!(run.case().status, Status::Open);
    // Returned again: a fresh arming, due from the new entry.
    run.perform(wit("2026-04-13 09:00"), &petugas, "minta_kelengkapan", &[("catatan", "Masih kurang.")]);
    let second = run.armed("tutup_otomatis");
    assert_eq!(second, run.workflow.calendar.add(wit("2026-04-13 09:00"), "5wd".parse().unwrap()).unwrap());
    assert_eq!(run.case().timers.iter().filter(|t| t.timer == "tutup_otomatis").count(), 2);
}

#[test]
fn people_cannot_perform_what_only_the_system_does_and_the_system_nothing_else() {
    let mut run = Run::new(kota());
    run.submit(wit("2026-04-08 09:00"), None);
    run.perform(
        wit("2026-04-08 10:00"),
        &staff("rina", "petugas_layanan"),
        "minta_kelengkapan",
        &[("catatan", "Lengkapi.")],
    );
    let close = |who: &Principal, run: &mut Run| {
        let inputs = [("alasan".to_owned(), Input::Text("x".to_owned()))].into();
        run.try_step(
            wit("2026-04-08 11:00"),
            who,
            &Command::Perform { action: "tutup_otomatis".to_owned(), inputs, form: None },
        )
    };
    for who in [Principal::Applicant, staff("rina", "petugas_layanan"), staff("x", "system"), Principal::System] {
        assert!(matches!(close(&who, &mut run), Err(Rejection::NotAllowed { .. })), "{who:?}");
    }
}

#[test]
fn a_late_study_is_escalated_and_the_analyst_reminded_at_half_time() {
    let mut run = Run::new(kota());
    run.submit(wit("2026-04-08 09:00"), None);
    run.perform(wit("2026-04-08 10:00"), &staff("rina", "petugas_layanan"), "terima", &[]);
    let analis = staff("budi", "analis_kepegawaian");
    run.step(wit("2026-04-08 10:05"), &analis, &Command::Claim);
    let clock = run.case().stage_clock().unwrap().clone();
    assert_eq!(run.armed("ingatkan_analis"), clock.warn.unwrap());
    let escalate = run.armed("eskalasi_kajian");
    assert_eq!(escalate, run.workflow.calendar.add(clock.due.unwrap(), "1wd".parse().unwrap()).unwrap());
    let events = run.scan(clock.warn.unwrap());
    assert!(events.iter().any(|e| matches!(&e.kind, EventKind::TimerFired { timer, effect: TimerEffect::Remind, .. } if timer == "ingatkan_analis")));
    assert_eq!(run.case().assignee.as_deref(), Some("budi"));
    run.scan(escalate);
    let case = run.case();
    assert_eq!(case.escalated_to.as_deref(), Some("kabag_hukum"));
    assert_eq!(case.assignee, None, "whoever held it is released");
    assert_eq!(CaseSummary::of(case, &run.workflow.definition).role.as_deref(), Some("kabag_hukum"));
    // The head of division may now claim and finish it; so may the analyst.
    let kabag = staff("sari", "kabag_hukum");
    run.step(escalate + TimeDelta::minutes(5), &kabag, &Command::Claim);
    run.perform(escalate + TimeDelta::minutes(10), &kabag, "ajukan_kajian", &[]);
    assert_eq!(run.case().stage, "keputusan");
    assert_eq!(run.case().escalated_to, None, "leaving the stage ends the escalation");
}

#[test]
fn a_hearing_date_reminds_the_head_of_division_a_calendar_day_before() {
    let mut run = Run::new(kota());
    run.submit(wit("2026-04-08 09:00"), Some("2026-04-20"));
    run.perform(wit("2026-04-08 10:00"), &staff("rina", "petugas_layanan"), "terima", &[]);
    // No timer of `keputusan` before the case gets there.
    assert!(run.case().timers.iter().all(|t| t.timer != "ingatkan_sidang"));
    run.perform(wit("2026-04-09 10:00"), &staff("budi", "analis_kepegawaian"), "ajukan_kajian", &[]);
    assert_eq!(run.armed("ingatkan_sidang"), wit("2026-04-19 00:00"));
    let offset: TimerOffset = "1cd".parse().unwrap();
    let timer = run.workflow.definition.timer("keputusan", "ingatkan_sidang").unwrap();
    assert_eq!(timer.anchor(), Anchor::FormDate("tanggal_sidang".to_owned()));
    assert_eq!(timer.before, Some(offset));
    // Without a date the timer is not armed.
    let mut other = Run::new(kota());
    other.submit(wit("2026-04-08 09:00"), None);
    other.perform(wit("2026-04-08 10:00"), &staff("rina", "petugas_layanan"), "terima", &[]);
    other.perform(wit("2026-04-09 10:00"), &staff("budi", "analis_kepegawaian"), "ajukan_kajian", &[]);
    assert!(other.case().timers.iter().all(|t| t.timer != "ingatkan_sidang"));
}

#[test]
fn calendar_days_keep_the_local_clock_time_and_working_hours_count_back_to_an_opening() {
    let calendar = kota().calendar;
    let days: TimerOffset = "14cd".parse().unwrap();
    assert_eq!(days.add(wit("2026-04-08 10:00"), &calendar).unwrap(), wit("2026-04-22 10:00"));
    assert_eq!(days.subtract(wit("2026-04-22 10:00"), &calendar).unwrap(), wit("2026-04-08 10:00"));
    // One working hour before Monday 09:00 is Monday 08:00 (not Friday's close).
    let hour: TimerOffset = "1h".parse().unwrap();
    assert_eq!(hour.subtract(wit("2026-04-13 09:00"), &calendar).unwrap(), wit("2026-04-13 08:00"));
    // Two working hours before Monday 09:00: one on Monday, one from Friday 15:30.
    let two: TimerOffset = "2h".parse().unwrap();
    assert_eq!(two.subtract(wit("2026-04-13 09:00"), &calendar).unwrap(), wit("2026-04-10 15:30"));
    // A date is its midnight in the calendar's zone.
    let date = NaiveDate::from_ymd_opt(2026, 4, 20).unwrap();
    assert_eq!(sigap_core::definition::timer::date_instant(date, &calendar), Some(wit("2026-04-20 00:00")));
}

// ---- The property ----------------------------------------------------------

/// A random timer: (anchor 0 entered / 1 at_risk / 2 breached, offset, effect 0 remind / 1 escalate / 2 act).
#[derive(Debug, Clone)]
struct RandomTimer {
    anchor: u8,
    offset: Option<(u32, &'static str)>,
    effect: u8,
}

fn random_timer() -> impl Strategy<Value = RandomTimer> {
    let unit = prop_oneof![Just("m"), Just("h"), Just("wd"), Just("cd")];
    (0u8..3, proptest::option::of((1u32..40, unit)), 0u8..3).prop_map(|(anchor, offset, effect)| RandomTimer {
        anchor,
        offset,
        effect,
    })
}

/// The workflow text: `a` (task) → `w` (waiting) → back to `a`, or `a` → `b`
/// (task) → `done`; `w` can close, `a` and `b` can reject. Timers act
/// only forward (`a` → `b`, `w` → `closed`, `b` → `done`), so no timer cycle.
fn random_definition(a: &[RandomTimer], w: &[RandomTimer], b: &[RandomTimer]) -> String {
    let timers = |stage: &str, list: &[RandomTimer], task: bool| {
        let mut out = String::new();
        for (i, t) in list.iter().enumerate() {
            out.push_str(&format!("\n[[stages.timers]]\nid = \"{stage}_{i}\"\n"));
            let anchor = if task { t.anchor } else { 0 };
            if anchor == 1 {
                out.push_str("from = \"at_risk\"\n");
            } else if anchor == 2 {
                out.push_str("from = \"breached\"\n");
            }
            match t.offset {
                Some((n, unit)) => out.push_str(&format!("after = \"{n}{unit}\"\n")),
                None if anchor == 0 => out.push_str("after = \"1h\"\n"),
                None => {}
            }
            match (t.effect, stage) {
                (1, "a") => out.push_str("escalate = \"kepala\"\n"),
                (1, "b") => out.push_str("escalate = \"petugas\"\n"),
                (2, "a") => out.push_str("action = \"teruskan_otomatis\"\n"),
                (2, "b") => out.push_str("action = \"selesai_otomatis\"\n"),
                (2, "w") | (1, "w") => out.push_str("action = \"tutup\"\n"),
                _ => out.push_str(""),
            }
        }
        out
    };
    format!(
        r#"kind = "workflow"
id = "acak"
label = "Acak"
start = "isi"

[organisation]
id = "org"
name = "Organisasi"
time_zone = "Asia/Jayapura"
calendar = "../workflows/kota-contoh/kalender.toml"

[[roles]]
id = "pemohon"
label = "Pemohon"
kind = "applicant"

[[roles]]
id = "petugas"
label = "Petugas"

[[roles]]
id = "kepala"
label = "Kepala"

[form]
label = "Formulir"

[[form.fields]]
id = "setuju"
label = "Setuju"
type = "consent"
required = true

[[stages]]
id = "isi"
label = "Isi"
kind = "applicant"
role = "pemohon"

[[stages]]
id = "a"
label = "A"
kind = "task"
role = "petugas"
time_standard = "2h"
{ta}
[[stages]]
id = "w"
label = "W"
kind = "waiting"
role = "pemohon"
{tw}
[[stages]]
id = "b"
label = "B"
kind = "task"
role = "kepala"
time_standard = "1wd"
{tb}
[[stages]]
id = "done"
label = "Selesai"
kind = "terminal"
outcome = "answered"

[[stages]]
id = "closed"
label = "Ditutup"
kind = "terminal"
outcome = "withdrawn"

[[actions]]
id = "kirim"
label = "Kirim"
kind = "submit"
from = "isi"
to = "a"
by = ["pemohon"]

[[actions]]
id = "minta"
label = "Minta"
from = "a"
to = "w"

[[actions]]
id = "kembali"
label = "Kembali"
from = "w"
to = "a"

[[actions]]
id = "tutup"
label = "Tutup"
from = "w"
to = "closed"
by = ["pemohon", "system"]

[[actions]]
id = "teruskan"
label = "Teruskan"
from = "a"
to = "b"

[[actions]]
id = "teruskan_otomatis"
label = "Teruskan otomatis"
from = "a"
to = "b"

[[actions]]
id = "selesai"
label = "Selesai"
from = "b"
to = "done"

[[actions]]
id = "selesai_otomatis"
label = "Selesai otomatis"
from = "b"
to = "done"

[[actions]]
id = "kembalikan"
label = "Kembalikan"
from = "b"
to = "a"

[[notifications]]
id = "pengingat"
on = "timer"
to = ["stage_role"]
subject = "Pengingat {{tracking_code}}"
body = "Jatuh tempo {{timer_due}}."
"#,
        ta = timers("a", a, true),
        tw = timers("w", w, false),
        tb = timers("b", b, true),
    )
}

/// A random step: a person's action (by index among the allowed ones) or a scan, after a pause.
#[derive(Debug, Clone)]
enum Step {
    Act(usize),
    Scan,
}

fn steps() -> impl Strategy<Value = Vec<(Step, u32)>> {
    let step = prop_oneof![(0usize..8).prop_map(Step::Act), Just(Step::Scan)];
    // Pauses of up to about four days, in minutes.
    proptest::collection::vec((step, 0u32..6000), 1..25)
}

fn person_for(run: &Run, action: &str) -> Principal {
    let d = &run.workflow.definition;
    let case = run.case();
    let a = d.action(action).unwrap();
    let roles = d.people_performing(a, &case.stage, case.escalated_to.as_deref());
    if roles.contains(&"pemohon") { Principal::Applicant } else { staff("orang", roles[0]) }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn a_timer_fires_at_most_once_per_arming_never_after_its_stage_was_left_and_when_the_calendar_says(
        a in proptest::collection::vec(random_timer(), 0..3),
        w in proptest::collection::vec(random_timer(), 0..3),
        b in proptest::collection::vec(random_timer(), 0..3),
        steps in steps(),
    ) {
        let text = random_definition(&a, &w, &b);
        let Ok(workflow) = load("tests/acak.toml", &text) else {
            // A definition the checker refuses (e.g. a reminder on a stage
            // without a clock) is not a case of the property.
            return Ok(());
        };
        let mut run = Run::new(workflow);
        let mut now = wit("2026-04-06 08:00");
        let new: NewCase = new_case(7);
        let consent = [("setuju".to_owned(), Input::Bool(true))].into();
        run.step(now, &Principal::Applicant, &Command::Submit { case: new, form: consent });
        for (step, pause) in steps {
            now += TimeDelta::minutes(i64::from(pause));
            if run.case().status == Status::Closed {
                break;
            }
            match step {
                Step::Scan => {
                    run.scan(now);
                    // Liveness: nothing due is left live after a scan.
                    prop_assert!(run.case().timers.iter().all(|t| !t.is_live() || t.due > now || run.case().status == Status::Closed));
                }
                Step::Act(i) => {
                    let actions: Vec<String> = run
                        .workflow
                        .definition
                        .actions_from(&run.case().stage)
                        .filter(|a| !sigap_core::definition::Definition::is_system_action(a))
                        .map(|a| a.id.clone())
                        .collect();
                    if actions.is_empty() {
                        continue;
                    }
                    let action = actions[i % actions.len()].clone();
                    let who = person_for(&run, &action);
                    run.perform(now, &who, &action, &[]);
                }
            }
        }
        check_timer_history(&run)?;
    }
}

fn check_timer_history(run: &Run) -> Result<(), TestCaseError> {
    let definition = &run.workflow.definition;
    let calendar = &run.workflow.calendar;
    // (stage, timer) → (armed seq, due, entered at) of the live arming.
    let mut live: BTreeMap<(String, String), (u64, DateTime<Utc>)> = BTreeMap::new();
    let mut stage = String::new();
    let mut entered = DateTime::<Utc>::MIN_UTC;
    for e in &run.events {
        match &e.kind {
            EventKind::Submitted { stage: s, .. } => {
                stage = s.clone();
                entered = e.at;
            }
            EventKind::ActionPerformed { from, to, .. } => {
                prop_assert_eq!(from, &stage);
                live.retain(|(s, _), _| s != from);
                stage = to.clone();
                entered = e.at;
            }
            EventKind::TimerArmed { stage: s, timer, due } => {
                prop_assert_eq!(s, &stage, "armed in the current stage");
                prop_assert!(live.insert((s.clone(), timer.clone()), (e.seq, *due)).is_none(), "armed twice");
                let t = definition.timer(s, timer).unwrap();
                if t.anchor() == Anchor::Entered {
                    let expected = match t.after.unwrap() {
                        TimerOffset::Working(d) => calendar.add(entered, d).unwrap(),
                        other => other.add(entered, calendar).unwrap(),
                    };
                    prop_assert_eq!(*due, expected, "due as the calendar gives");
                }
            }
            EventKind::TimerFired { stage: s, timer, due, .. } => {
                prop_assert_eq!(s, &stage, "fired in the stage it was armed in, never after leaving");
                let armed = live.remove(&(s.clone(), timer.clone()));
                prop_assert!(armed.is_some(), "fired without a live arming (or twice)");
                let (_, armed_due) = armed.unwrap();
                prop_assert_eq!(*due, armed_due);
                prop_assert!(e.at >= *due, "never early");
                prop_assert_eq!(&e.actor, &Actor::System);
            }
            _ => {}
        }
    }
    Ok(())
}

// ---- Racing a person ---------------------------------------------------

/// A returned Kota Contoh case in a memory store, and the instant its close falls due.
async fn returned_in_a_store() -> (sigap_core::service::Service, Case, DateTime<Utc>) {
    use sigap_core::service::{Outcome, Service};
    let store = std::sync::Arc::new(sigap_core::storage::memory::MemoryStore::new());
    let service = Service::new(store);
    let workflow = kota();
    service.install(workflow).await.unwrap();
    let submitted = service
        .submit(
            "kota-contoh-bagian-hukum",
            "sengketa-kepegawaian",
            new_case(3),
            form(None),
            None,
            wit("2026-04-08 09:00"),
        )
        .await
        .unwrap();
    let Outcome::Applied { case, .. } = submitted else { panic!("{submitted:?}") };
    let returned = service
        .act(&case)
        .by(&staff("rina", "petugas_layanan"))
        .action("minta_kelengkapan")
        .input("catatan", Input::Text("Lengkapi.".to_owned()))
        .at(wit("2026-04-08 10:00"))
        .await
        .unwrap();
    let Outcome::Applied { case, .. } = returned else { panic!("{returned:?}") };
    let due = case.timers.iter().find(|t| t.timer == "tutup_otomatis").unwrap().due;
    (service, *case, due)
}

#[tokio::test]
async fn a_timer_and_a_person_at_the_same_instant_one_wins_the_other_gets_a_conflict() {
    use sigap_core::service::ServiceError;
    // The timer first: the applicant, who loaded the case before, is told it changed.
    let (service, loaded, due) = returned_in_a_store().await;
    assert_eq!(service.scan_deadlines(due, 100).await.unwrap(), 1);
    let late = service
        .act(&loaded)
        .by(&Principal::Applicant)
        .action("kirim_kelengkapan")
        .form(form(None))
        .expecting(loaded.version)
        .at(due)
        .await;
    assert!(
        matches!(late, Err(ServiceError::Rejected(Rejection::StaleVersion { expected, .. })) if expected == loaded.version),
        "{late:?}"
    );
    let (case, _, _) = service.load(&loaded.organisation, &loaded.id).await.unwrap();
    assert_eq!(case.stage, "ditutup");

    // The person first: the timer was disarmed and the scan records nothing.
    let (service, loaded, due) = returned_in_a_store().await;
    service
        .act(&loaded)
        .by(&Principal::Applicant)
        .action("kirim_kelengkapan")
        .form(form(None))
        .expecting(loaded.version)
        .at(due)
        .await
        .unwrap();
    let (before, events_before, _) = service.load(&loaded.organisation, &loaded.id).await.unwrap();
    assert_eq!(service.scan_deadlines(due, 100).await.unwrap(), 0);
    let (after, events_after, _) = service.load(&loaded.organisation, &loaded.id).await.unwrap();
    assert_eq!((before.stage.as_str(), events_before.len()), ("verifikasi", events_after.len()));
    assert_eq!(after.version, before.version);
}
