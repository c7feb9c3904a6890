//! Model-based property tests of the case engine on the shipped workflows.
//!
//! Random command sequences (random principals, valid and broken inputs,
//! stale versions, time passing) run through [`decide`] and are compared,
//! command by command, with a small reference model written here from the
//! workflow definition alone (stage, closed, assignee, survey). After every
//! command the tests check that the engine accepted exactly what the model
//! accepts (with the same rejection code), moved the case only along edges
//! of its definition, recorded the acting principal truthfully, changed
//! version and head exactly when it recorded events, kept its history
//! gapless, hash-chained and equal to the state when replayed, kept its SLA
//! clocks consistent with where the case stands (and left no deadline due
//! unrecorded after a scan), and that no staff member sees a form value
//! their roles may not read and the applicant never sees internal notes,
//! non-public inputs or staff names.

mod engine_support;

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::{DateTime, TimeDelta, Utc};
use proptest::prelude::*;
use sigap_core::access;
use sigap_core::definition::{Action, ActionKind, Definition, FieldKind, RoleKind, StageKind};
use sigap_core::engine::{
    Actor, Case, Clock, ClockKey, Command, Context, Event, EventKind, Principal, Rejection, Status, decide, history,
};
use sigap_core::form::{Input, Value};
use sigap_core::workflow::Workflow;

use engine_support::{Inputs, Quality, Validity, file_ref, load_workflow, new_case, wib};

static SUMBAR: LazyLock<Workflow> = LazyLock::new(|| load_workflow(engine_support::SUMBAR));
static KABUPATEN: LazyLock<Workflow> = LazyLock::new(|| load_workflow(engine_support::KABUPATEN));

/// The West Sumatra workflow with its supporting documents readable by the
/// head of bureau only: a file field staff may not read, which the real
/// workflows lack.
static SUMBAR_RESTRICTED: LazyLock<Workflow> = LazyLock::new(|| {
    let path = engine_support::SUMBAR;
    let text = std::fs::read_to_string(format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"))).expect("read the workflow");
    let restricted = text.replacen("[visibility]\n", "[visibility]\nfields = { dokumen = [\"kepala_biro\"] }\n", 1);
    assert_ne!(restricted, text, "the workflow has a [visibility] table");
    engine_support::load_workflow_text(path, &restricted)
});

/// Proptest cases per workflow.
const CASES: u32 = 256;
/// Commands after the submission, at most.
const MAX_STEPS: usize = 40;

const USERS: [&str; 3] = ["petugas.rina", "petugas.budi", "petugas.sari"];
/// A staff role no workflow knows.
const FOREIGN_ROLE: &str = "operator_lain";
const UNKNOWN_ACTIONS: [&str; 2] = ["hapus_permohonan", "arsipkan"];

// ---------------------------------------------------------------- what is generated

/// Who acts.
#[derive(Debug, Clone)]
enum Who {
    /// Whoever the command is meant for (the stage's role, the assignee, the
    /// applicant for a survey…), plus the roles in `extra`.
    Fitting {
        user: usize,
        extra: u8,
    },
    /// A staff member with the roles in the mask (of the workflow's staff roles and a foreign one).
    Staff {
        user: usize,
        roles: u8,
    },
    Applicant,
    System,
}

/// Which action a `Perform` names.
#[derive(Debug, Clone)]
enum Pick {
    /// One of those leaving the current stage towards an answer (not to a
    /// rejection or withdrawal), so that runs reach the later stages.
    Forward(usize),
    /// One of those leaving the current stage.
    Here(usize),
    /// Any of the definition's, or an unknown id.
    Any(usize),
}

#[derive(Debug, Clone, Copy)]
enum NoteText {
    Plain,
    Padded,
    Blank,
    TooLong,
}

#[derive(Debug, Clone)]
enum Cmd {
    Perform { pick: Pick, inputs: Quality, form: Option<Quality>, seed: u64 },
    Claim,
    Assign { user: usize, roles: u8, fitting: bool },
    Release,
    AddNote { text: NoteText, obstacle: bool },
    AddAttachment { described: bool },
    RecordSurvey { answers: Quality, seed: u64 },
    RecordDeadlines,
    Submit { form: Quality },
}

/// The `expected_version` sent.
#[derive(Debug, Clone, Copy)]
enum Version {
    Unchecked,
    Current,
    Stale(u64),
}

#[derive(Debug, Clone)]
struct Step {
    minutes: i64,
    who: Who,
    version: Version,
    cmd: Cmd,
    /// The roles of a staff member whose view is checked after the step.
    viewer: u8,
}

#[derive(Debug, Clone)]
struct Scenario {
    start_minutes: i64,
    /// A submission that must be refused before the real one.
    bad_submit: Option<(Who, Quality)>,
    steps: Vec<Step>,
}

fn quality() -> impl Strategy<Value = Quality> {
    prop_oneof![
        16 => Just(Quality::Valid),
        1 => Just(Quality::Missing),
        1 => Just(Quality::WrongType),
        1 => Just(Quality::BadValue),
        1 => Just(Quality::Unknown),
    ]
}

fn broken_quality() -> impl Strategy<Value = Quality> {
    prop_oneof![Just(Quality::Missing), Just(Quality::WrongType), Just(Quality::BadValue), Just(Quality::Unknown),]
}

fn sparse_mask() -> impl Strategy<Value = u8> {
    prop_oneof![2 => Just(0u8), 1 => any::<u8>()]
}

fn who() -> impl Strategy<Value = Who> {
    prop_oneof![
        20 => (0..USERS.len(), sparse_mask()).prop_map(|(user, extra)| Who::Fitting { user, extra }),
        4 => (0..USERS.len(), any::<u8>()).prop_map(|(user, roles)| Who::Staff { user, roles }),
        1 => Just(Who::Applicant),
        1 => Just(Who::System),
    ]
}

fn cmd() -> impl Strategy<Value = Cmd> {
    let pick = prop_oneof![
        8 => any::<usize>().prop_map(Pick::Forward),
        2 => any::<usize>().prop_map(Pick::Here),
        1 => any::<usize>().prop_map(Pick::Any),
    ];
    let note = prop_oneof![
        4 => Just(NoteText::Plain),
        1 => Just(NoteText::Padded),
        1 => Just(NoteText::Blank),
        1 => Just(NoteText::TooLong),
    ];
    prop_oneof![
        50 => (pick, quality(), proptest::option::weighted(0.9, quality()), any::<u64>())
            .prop_map(|(pick, inputs, form, seed)| Cmd::Perform { pick, inputs, form, seed }),
        8 => Just(Cmd::Claim),
        8 => (0..USERS.len(), any::<u8>(), any::<bool>())
            .prop_map(|(user, roles, fitting)| Cmd::Assign { user, roles, fitting }),
        6 => Just(Cmd::Release),
        8 => (note, any::<bool>()).prop_map(|(text, obstacle)| Cmd::AddNote { text, obstacle }),
        4 => any::<bool>().prop_map(|described| Cmd::AddAttachment { described }),
        6 => (quality(), any::<u64>()).prop_map(|(answers, seed)| Cmd::RecordSurvey { answers, seed }),
        8 => Just(Cmd::RecordDeadlines),
        1 => quality().prop_map(|form| Cmd::Submit { form }),
    ]
}

fn version() -> impl Strategy<Value = Version> {
    prop_oneof![
        10 => Just(Version::Unchecked),
        8 => Just(Version::Current),
        2 => (1..=3u64).prop_map(Version::Stale),
    ]
}

fn minutes() -> impl Strategy<Value = i64> {
    prop_oneof![
        3 => 0..=90i64,
        2 => 0..=8 * 60i64,
        1 => 0..=4 * 24 * 60i64,
    ]
}

fn step() -> impl Strategy<Value = Step> {
    (minutes(), who(), version(), cmd(), any::<u8>()).prop_map(|(minutes, who, version, cmd, viewer)| Step {
        minutes,
        who,
        version,
        cmd,
        viewer,
    })
}

fn scenario() -> impl Strategy<Value = Scenario> {
    let bad_submit = prop_oneof![
        broken_quality().prop_map(|q| (Who::Applicant, q)),
        (0..USERS.len(), any::<u8>()).prop_map(|(user, roles)| (Who::Staff { user, roles }, Quality::Valid)),
        Just((Who::System, Quality::Valid)),
    ];
    (0..=30 * 24 * 60i64, proptest::option::weighted(0.2, bad_submit), proptest::collection::vec(step(), 1..=MAX_STEPS))
        .prop_map(|(start_minutes, bad_submit, steps)| Scenario { start_minutes, bad_submit, steps })
}

// ---------------------------------------------------------------- the reference model

/// What the model says a command does.
#[derive(Debug, Clone, PartialEq)]
enum Expect {
    Reject(&'static str),
    Accept(Change),
}

#[derive(Debug, Clone, PartialEq)]
enum Change {
    /// An action moves the case to this stage.
    Moved {
        action: String,
        to: String,
    },
    Claimed(String),
    Assigned(String),
    Released(String),
    /// Accepted, and nothing to record.
    Nothing,
    Noted(String),
    Attached,
    Surveyed,
    /// Whatever warnings and breaches are due.
    Deadlines,
}

/// A case as the definition alone says it stands.
#[derive(Debug, Clone, PartialEq)]
struct Model {
    stage: String,
    /// Every stage the case has been at.
    visited: Vec<String>,
    closed: bool,
    assignee: Option<String>,
    surveyed: bool,
}

fn staff_roles(def: &Definition) -> Vec<&str> {
    def.file().roles.iter().filter(|r| r.kind == RoleKind::Staff).map(|r| r.id.as_str()).collect()
}

/// The roles an add rule lets add (all staff roles when there is none or it names none).
fn adders<'d>(def: &'d Definition, rule: Option<&'d sigap_core::definition::AddRule>) -> Vec<&'d str> {
    match rule {
        Some(rule) if !rule.by.is_empty() => rule.by.iter().map(String::as_str).collect(),
        _ => staff_roles(def),
    }
}

fn holds(principal: &Principal, role: &str) -> bool {
    matches!(principal, Principal::Staff { roles, .. } if roles.iter().any(|r| r == role))
}

fn holds_any(principal: &Principal, roles: &[&str]) -> bool {
    roles.iter().any(|r| holds(principal, r))
}

fn staff_user(principal: &Principal) -> Option<&str> {
    match principal {
        Principal::Staff { user, .. } => Some(user),
        _ => None,
    }
}

impl Model {
    fn new(stage: &str) -> Self {
        Self {
            stage: stage.to_owned(),
            visited: vec![stage.to_owned()],
            closed: false,
            assignee: None,
            surveyed: false,
        }
    }

    /// Whether a staff member reaches the case (`[visibility.reach]`, as the
    /// model reads it: `own_stages` = the case has been at a stage the role
    /// performs, supervises or watches or has an action from).
    fn reaches(&self, def: &Definition, who: &Principal) -> bool {
        let Principal::Staff { roles, .. } = who else { return true };
        let staff = staff_roles(def);
        let held: Vec<&String> = roles.iter().filter(|r| staff.contains(&r.as_str())).collect();
        if held.is_empty() {
            return true;
        }
        held.iter().any(|role| match def.file().visibility.reach.get(role.as_str()) {
            None | Some(sigap_core::definition::Reach::Rule(sigap_core::definition::ReachRule::All)) => true,
            Some(sigap_core::definition::Reach::Rule(sigap_core::definition::ReachRule::OwnStages)) => {
                self.visited.iter().any(|v| {
                    let stage = def.stage(v).unwrap();
                    stage.role.as_deref() == Some(role.as_str())
                        || stage.supervisor.as_deref() == Some(role.as_str())
                        || stage.watchers.contains(role)
                        || def.file().actions.iter().any(|a| a.from.contains(v) && a.by.contains(role))
                })
            }
            Some(other) => panic!("the model does not know the reach {other:?}"),
        })
    }

    /// The stage's role and supervisor, if the case is at a staff task.
    fn task<'d>(&self, def: &'d Definition) -> Result<(&'d str, Option<&'d str>), &'static str> {
        if self.closed {
            return Err("case_closed");
        }
        let stage = def.stage(&self.stage).expect("the model's stage exists");
        match (stage.kind, stage.role.as_deref()) {
            (StageKind::Task, Some(role)) => Ok((role, stage.supervisor.as_deref())),
            _ => Err("no_task"),
        }
    }

    fn predict(&self, def: &Definition, who: &Principal, cmd: &Command, valid: bool, stale: bool) -> Expect {
        if matches!(cmd, Command::Submit { .. }) {
            return Expect::Reject("case_exists");
        }
        if stale {
            return Expect::Reject("stale_version");
        }
        if !self.reaches(def, who) {
            return Expect::Reject("unknown_case");
        }
        let outcome = match cmd {
            Command::Submit { .. } => unreachable!(),
            Command::Perform { action, .. } => self.perform(def, who, action, valid),
            Command::Claim => self.claim(def, who),
            Command::Assign { user, user_roles } => self.assign(def, who, user, user_roles),
            Command::Release => self.release(def, who),
            Command::AddNote { text, .. } => {
                let by = adders(def, def.file().visibility.notes.as_ref());
                if !holds_any(who, &staff_roles(def)) {
                    Err("not_allowed")
                } else if self.closed {
                    Err("case_closed")
                } else if !holds_any(who, &by) {
                    Err("not_allowed")
                } else if !valid {
                    Err("invalid_input")
                } else {
                    Ok(Change::Noted(text.trim().to_owned()))
                }
            }
            Command::AddAttachment { .. } => match who {
                Principal::Applicant if self.closed => Err("case_closed"),
                Principal::Applicant => Ok(Change::Attached),
                _ if !holds_any(who, &staff_roles(def)) => Err("not_allowed"),
                _ if self.closed => Err("case_closed"),
                _ if holds_any(who, &adders(def, def.file().visibility.attachments.as_ref())) => Ok(Change::Attached),
                _ => Err("not_allowed"),
            },
            Command::RecordSurvey { .. } => {
                if *who != Principal::Applicant {
                    Err("not_allowed")
                } else if !def.survey_stages().contains(&self.stage.as_str()) || self.surveyed {
                    Err("survey_not_open")
                } else if !valid {
                    Err("invalid_input")
                } else {
                    Ok(Change::Surveyed)
                }
            }
            Command::RecordDeadlines => match who {
                Principal::System => Ok(Change::Deadlines),
                _ => Err("not_allowed"),
            },
        };
        match outcome {
            Ok(change) => Expect::Accept(change),
            Err(code) => Expect::Reject(code),
        }
    }

    fn perform(&self, def: &Definition, who: &Principal, id: &str, valid: bool) -> Result<Change, &'static str> {
        let action = def.action(id).ok_or("unknown_action")?;
        if self.closed {
            return Err("case_closed");
        }
        if action.kind == ActionKind::Submit || !action.from.ids().contains(&self.stage.as_str()) {
            return Err("wrong_stage");
        }
        let stage = def.stage(&self.stage).expect("the model's stage exists");
        let performers: Vec<&str> = if action.by.is_empty() {
            stage.role.iter().map(String::as_str).collect()
        } else {
            action.by.iter().map(String::as_str).collect()
        };
        match who {
            Principal::Applicant if performers.contains(&def.applicant_role().id.as_str()) => {}
            Principal::Staff { user, .. } if holds_any(who, &performers) => {
                let supervises = stage.supervisor.as_deref().is_some_and(|s| holds(who, s));
                if self.assignee.as_ref().is_some_and(|a| a != user) && !supervises {
                    return Err("assigned_to_other");
                }
            }
            _ => return Err("not_allowed"),
        }
        if !valid {
            return Err("invalid_input");
        }
        Ok(Change::Moved { action: action.id.clone(), to: action.to.clone() })
    }

    fn claim(&self, def: &Definition, who: &Principal) -> Result<Change, &'static str> {
        let (role, _) = self.task(def)?;
        let user = staff_user(who).filter(|_| holds(who, role));
        let user = user.ok_or("not_allowed")?;
        match &self.assignee {
            Some(a) if a == user => Ok(Change::Nothing),
            Some(_) => Err("assigned_to_other"),
            None => Ok(Change::Claimed(user.to_owned())),
        }
    }

    fn assign(
        &self,
        def: &Definition,
        who: &Principal,
        target: &str,
        target_roles: &[String],
    ) -> Result<Change, &'static str> {
        let (role, supervisor) = self.task(def)?;
        let allowed: Vec<&str> = std::iter::once(role).chain(supervisor).collect();
        if staff_user(who).is_none() || !holds_any(who, &allowed) {
            return Err("not_allowed");
        }
        if !target_roles.iter().any(|r| r == role) {
            return Err("not_assignable");
        }
        let takes_over = self.assignee.as_deref().is_some_and(|a| Some(a) != staff_user(who) && a != target);
        if takes_over && !supervisor.is_some_and(|s| holds(who, s)) {
            return Err("assigned_to_other");
        }
        if self.assignee.as_deref() == Some(target) {
            Ok(Change::Nothing)
        } else {
            Ok(Change::Assigned(target.to_owned()))
        }
    }

    fn release(&self, def: &Definition, who: &Principal) -> Result<Change, &'static str> {
        let (_, supervisor) = self.task(def)?;
        let assignee = self.assignee.clone().ok_or("not_assigned")?;
        let user = staff_user(who).ok_or("not_allowed")?;
        if user != assignee && !supervisor.is_some_and(|s| holds(who, s)) {
            return Err("not_allowed");
        }
        Ok(Change::Released(assignee))
    }

    fn apply(&mut self, def: &Definition, change: &Change) {
        match change {
            Change::Moved { to, .. } => {
                self.stage = to.clone();
                self.visited.push(to.clone());
                self.assignee = None;
                self.closed = def.stage(to).expect("targets exist").kind == StageKind::Terminal;
            }
            Change::Claimed(user) | Change::Assigned(user) => self.assignee = Some(user.clone()),
            Change::Released(_) => self.assignee = None,
            Change::Surveyed => self.surveyed = true,
            Change::Nothing | Change::Noted(_) | Change::Attached | Change::Deadlines => {}
        }
    }
}

// ---------------------------------------------------------------- running a scenario

struct Runner<'w> {
    def: &'w Definition,
    wf: &'w Workflow,
    events: Vec<Event>,
    case: Option<Case>,
    model: Model,
    now: DateTime<Utc>,
    inputs: Inputs,
    /// The workflow's staff roles and a foreign one: what role masks index.
    role_pool: Vec<String>,
    /// Every value the intake form ever held, by field (submission and amendments).
    form_history: Vec<(String, Value)>,
}

fn mask_roles(pool: &[String], mask: u8) -> Vec<String> {
    pool.iter().enumerate().filter(|(i, _)| mask >> i & 1 == 1).map(|(_, r)| r.clone()).collect()
}

/// The roles a `Fitting` principal needs, and their name if it matters.
enum Fit {
    Staff { user: Option<String>, roles: Vec<String> },
    Applicant,
    System,
}

impl<'w> Runner<'w> {
    fn new(wf: &'w Workflow, start: DateTime<Utc>) -> Self {
        let def = &*wf.definition;
        let mut role_pool: Vec<String> = staff_roles(def).into_iter().map(str::to_owned).collect();
        role_pool.push(FOREIGN_ROLE.to_owned());
        assert!(role_pool.len() <= 8, "role masks are u8");
        Self {
            def,
            wf,
            events: Vec::new(),
            case: None,
            model: Model::new(&def.submit_action().to),
            now: start,
            inputs: Inputs::default(),
            role_pool,
            form_history: Vec::new(),
        }
    }

    fn context(&self) -> Context<'w> {
        Context { definition: self.def, calendar: &self.wf.calendar, at: self.now }
    }

    fn case(&self) -> &Case {
        self.case.as_ref().expect("the case exists")
    }

    fn principal(&self, who: &Who, fit: Fit) -> Principal {
        match who {
            Who::Fitting { user, extra } => match fit {
                Fit::Staff { user: name, roles } => {
                    let mut roles = roles;
                    for role in mask_roles(&self.role_pool, *extra) {
                        if !roles.contains(&role) {
                            roles.push(role);
                        }
                    }
                    Principal::Staff { user: name.unwrap_or_else(|| USERS[*user].to_owned()), roles }
                }
                Fit::Applicant => Principal::Applicant,
                Fit::System => Principal::System,
            },
            Who::Staff { user, roles } => {
                Principal::Staff { user: USERS[*user].to_owned(), roles: mask_roles(&self.role_pool, *roles) }
            }
            Who::Applicant => Principal::Applicant,
            Who::System => Principal::System,
        }
    }

    /// The current stage's staff role (or some staff role, off a task).
    fn stage_role(&self, index: usize) -> String {
        let stage = self.def.stage(&self.model.stage).expect("stage exists");
        match (stage.kind, &stage.role) {
            (StageKind::Task, Some(role)) => role.clone(),
            _ => self.role_pool[index % (self.role_pool.len() - 1)].clone(),
        }
    }

    /// A staff member with the current stage's role (or some staff role).
    fn any_role(&self, step: &Step) -> Fit {
        Fit::Staff { user: None, roles: vec![self.stage_role(step.viewer as usize)] }
    }

    fn form(&mut self, quality: Quality, seed: u64) -> (BTreeMap<String, Input>, Validity) {
        let file = self.def.file();
        // A request returned naming fields is completed with those only
        // (each then required); otherwise the whole form is sent again.
        let asked = self.case.as_ref().and_then(|c| sigap_core::engine::requested_fields(self.def, c));
        let fields: Vec<sigap_core::definition::Field> = match &asked {
            Some(asked) => file
                .form
                .fields
                .iter()
                .filter(|f| asked.contains(&f.id))
                .map(|f| sigap_core::definition::Field { required: true, ..f.clone() })
                .collect(),
            None => file.form.fields.clone(),
        };
        self.inputs.make(&fields, &file.products, "form", quality, seed)
    }

    fn pick_action(&self, pick: &Pick) -> String {
        match pick {
            Pick::Forward(i) | Pick::Here(i) => {
                let forward = |a: &&Action| {
                    let to = self.def.stage(&a.to).expect("targets exist");
                    matches!(pick, Pick::Here(_))
                        || to.kind != StageKind::Terminal
                        || self.def.file().outcome_category(to) == Some(sigap_core::definition::Outcome::Answered)
                };
                let here: Vec<&Action> = self.def.actions_from(&self.model.stage).filter(forward).collect();
                if here.is_empty() {
                    let all = &self.def.file().actions;
                    all[i % all.len()].id.clone()
                } else {
                    here[i % here.len()].id.clone()
                }
            }
            Pick::Any(i) => {
                let mut ids: Vec<&str> = self.def.file().actions.iter().map(|a| a.id.as_str()).collect();
                ids.extend(UNKNOWN_ACTIONS);
                ids[i % ids.len()].to_owned()
            }
        }
    }

    /// The command, its principal and whether its inputs are valid.
    fn concretise(&mut self, step: &Step) -> (Principal, Command, Validity) {
        let def = self.def;
        match &step.cmd {
            Cmd::Perform { pick, inputs, form, seed } => {
                let id = self.pick_action(pick);
                let action = def.action(&id);
                let fields = action.map_or(&[][..], |a| &a.inputs[..]);
                let (map, mut validity) = self.inputs.make(fields, &def.file().products, &id, *inputs, *seed);
                let form = form.map(|q| self.form(q, seed.rotate_left(17)));
                if action.is_some_and(|a| a.kind == ActionKind::Amend) && validity == Validity::Valid {
                    validity = match &form {
                        None => Validity::Invalid { field: "form".to_owned() },
                        Some((_, v)) => v.clone(),
                    };
                }
                let fit = match action {
                    Some(a) if a.from.ids().contains(&self.model.stage.as_str()) => {
                        let performers = def.performers(a, &self.model.stage);
                        if performers.contains(&def.applicant_role().id.as_str()) {
                            Fit::Applicant
                        } else {
                            Fit::Staff {
                                user: self.model.assignee.clone(),
                                roles: performers.iter().map(|r| (*r).to_owned()).collect(),
                            }
                        }
                    }
                    _ => self.any_role(step),
                };
                let command = Command::Perform { action: id, inputs: map, form: form.map(|(f, _)| f) };
                (self.principal(&step.who, fit), command, validity)
            }
            Cmd::Claim => {
                let fit = self.any_role(step);
                (self.principal(&step.who, fit), Command::Claim, Validity::Valid)
            }
            Cmd::Assign { user, roles, fitting } => {
                let role = self.stage_role(*user);
                let mut user_roles = mask_roles(&self.role_pool, *roles);
                if *fitting && !user_roles.contains(&role) {
                    user_roles.push(role);
                }
                let command = Command::Assign { user: USERS[*user].to_owned(), user_roles };
                let fit = self.any_role(step);
                (self.principal(&step.who, fit), command, Validity::Valid)
            }
            Cmd::Release => {
                let fit = Fit::Staff {
                    user: self.model.assignee.clone(),
                    roles: vec![self.stage_role(step.viewer as usize)],
                };
                (self.principal(&step.who, fit), Command::Release, Validity::Valid)
            }
            Cmd::AddNote { text, obstacle } => {
                let n = self.inputs.next();
                let (text, validity) = match text {
                    NoteText::Plain => (format!("catatan internal#{n}."), Validity::Valid),
                    NoteText::Padded => (format!("\n  catatan internal#{n}.  \t"), Validity::Valid),
                    NoteText::Blank => (" \n\t ".to_owned(), invalid("text")),
                    NoteText::TooLong => ("x".repeat(sigap_core::engine::MAX_NOTE_CHARS + 1), invalid("text")),
                };
                let fit = self.any_role(step);
                let command = Command::AddNote { text, obstacle: *obstacle, audience: None };
                (self.principal(&step.who, fit), command, validity)
            }
            Cmd::AddAttachment { described } => {
                let n = self.inputs.next();
                let command = Command::AddAttachment {
                    file: file_ref(n, sigap_core::definition::FileType::Pdf),
                    description: described.then(|| format!("lampiran#{n}.")),
                };
                let fit = self.any_role(step);
                (self.principal(&step.who, fit), command, Validity::Valid)
            }
            Cmd::RecordSurvey { answers, seed } => {
                let survey = def.file().survey.as_ref().expect("both workflows have a survey");
                let (answers, validity) =
                    self.inputs.make(&survey.questions, &def.file().products, "survei", *answers, *seed);
                let command = Command::RecordSurvey { answers };
                (self.principal(&step.who, Fit::Applicant), command, validity)
            }
            Cmd::RecordDeadlines => (self.principal(&step.who, Fit::System), Command::RecordDeadlines, Validity::Valid),
            Cmd::Submit { form } => {
                let (form, validity) = self.form(*form, step.viewer.into());
                let command = Command::Submit { case: new_case(2), form };
                (self.principal(&step.who, Fit::Applicant), command, validity)
            }
        }
    }

    fn decide(
        &self,
        who: &Principal,
        command: &Command,
        expected_version: Option<u64>,
    ) -> Result<Vec<Event>, Rejection> {
        decide(&self.context(), self.case.as_ref(), who, command, expected_version)
    }

    /// Submissions that must be refused, a command on no case, then the real submission.
    fn submit(&mut self, scenario: &Scenario) {
        if let Some((who, quality)) = &scenario.bad_submit {
            let (form, validity) = self.form(*quality, 7);
            let who = self.principal(who, Fit::Applicant);
            let command = Command::Submit { case: new_case(1), form };
            let rejection = self.decide(&who, &command, None).expect_err("a bad submission is refused");
            let expected = if who != Principal::Applicant { "not_allowed" } else { "invalid_input" };
            assert_eq!(rejection.code(), expected, "{who:?} submits, {validity:?}");
            check_invalid_names(&rejection, &validity);
        }
        let claim = self.decide(&Principal::staff(USERS[0], &[]), &Command::Claim, None);
        assert_eq!(claim.map_err(|r| r.code()), Err("unknown_case"));

        let (form, validity) = self.form(Quality::Valid, scenario.start_minutes as u64);
        assert_eq!(validity, Validity::Valid);
        let command = Command::Submit { case: new_case(1), form };
        let events = self
            .decide(&Principal::Applicant, &command, None)
            .unwrap_or_else(|r| panic!("a valid submission is accepted: {r}"));
        match &events[0].kind {
            EventKind::Submitted { stage, .. } => assert_eq!(stage, &self.model.stage),
            other => panic!("a case starts with its submission, not {other:?}"),
        }
        assert_eq!(events[0].actor, Actor::Applicant);
        self.check_sealed(&events);
        self.case = Some(Case::fold(&events).expect("the submission folds"));
        self.record(events);
        self.check_state();
    }

    fn run_step(&mut self, index: usize, step: &Step) {
        self.now += TimeDelta::minutes(step.minutes);
        let (who, command, validity) = self.concretise(step);
        let version = self.case().version;
        let expected_version = match step.version {
            Version::Unchecked => None,
            Version::Current => Some(version),
            Version::Stale(k) if k < version => Some(version - k),
            Version::Stale(k) => Some(version + k),
        };
        let stale = expected_version.is_some_and(|v| v != version);
        let expect = self.model.predict(self.def, &who, &command, validity == Validity::Valid, stale);
        let was_closed = self.model.closed;
        let before = (self.case().version, self.case().head.clone());
        let result = self.decide(&who, &command, expected_version);
        let what = format!(
            "step {index}: {who:?} {} (expected version {expected_version:?}, {validity:?}) at stage {} assigned to {:?}",
            describe(&command),
            self.model.stage,
            self.model.assignee,
        );
        let change = match (expect, result) {
            (Expect::Reject(code), Err(rejection)) => {
                assert_eq!(rejection.code(), code, "{what}: {rejection}");
                check_invalid_names(&rejection, &validity);
                None
            }
            (Expect::Accept(change), Ok(events)) => {
                self.check_events(&what, &who, &change, &events);
                Some((change, events))
            }
            (Expect::Reject(code), Ok(events)) => {
                panic!("{what}: the model refuses ({code}) but the engine accepts: {events:#?}")
            }
            (Expect::Accept(change), Err(rejection)) => {
                panic!("{what}: the model accepts ({change:?}) but the engine refuses: {rejection}")
            }
        };
        if was_closed && is_task_command(&command) {
            assert!(change.is_none(), "{what}: a closed case takes no task command");
        }
        let changed = change.as_ref().is_some_and(|(_, events)| !events.is_empty());
        if let Some((change, events)) = change {
            let case = self.case.as_mut().expect("the case exists");
            for event in &events {
                case.apply(event).unwrap_or_else(|e| panic!("{what}: {e}"));
            }
            self.model.apply(self.def, &change);
            let deadlines = change == Change::Deadlines;
            self.record(events);
            if deadlines {
                self.check_deadlines_recorded(&what);
            }
        }
        let after = (self.case().version, self.case().head.clone());
        assert_eq!(before == after, !changed, "{what}: the version and head move exactly when events are recorded");
        self.check_state();
        let viewer = mask_roles(&self.role_pool, step.viewer);
        self.check_staff_view(&viewer);
        if let Principal::Staff { roles, .. } = &who {
            self.check_staff_view(roles);
        }
        self.check_applicant_view();
    }

    fn record(&mut self, events: Vec<Event>) {
        for event in &events {
            let form = match &event.kind {
                EventKind::Submitted { form, .. } => Some(form),
                EventKind::ActionPerformed { form, .. } => form.as_ref(),
                _ => None,
            };
            for (field, value) in form.into_iter().flatten() {
                self.form_history.push((field.clone(), value.clone()));
            }
        }
        self.events.extend(events);
    }

    // ------------------------------------------------------------ checks

    /// New events continue the chain: next sequence numbers, linked hashes, this case.
    fn check_sealed(&self, events: &[Event]) {
        let (mut seq, mut prev) =
            self.case.as_ref().map_or_else(|| (0, history::GENESIS.to_owned()), |c| (c.version, c.head.clone()));
        for event in events {
            seq += 1;
            assert_eq!(event.seq, seq, "events are numbered on from the case's version");
            assert_eq!(event.prev, prev, "event {seq} links to the head");
            assert_eq!(event.at, self.now, "events carry the command's instant");
            prev = event.hash.clone();
        }
    }

    /// The events of an accepted command are the ones its change calls for.
    fn check_events(&self, what: &str, who: &Principal, change: &Change, events: &[Event]) {
        self.check_sealed(events);
        for event in events {
            check_actor(what, who, &event.actor);
        }
        let rest = |from: usize| {
            for event in &events[from..] {
                assert!(
                    is_clock_event(&event.kind) && event.actor == Actor::System,
                    "{what}: only clock events follow, by the system: {event:?}"
                );
            }
        };
        let only = |matches: bool| {
            assert!(events.len() == 1 && matches, "{what}: expected one event for {change:?}, got {events:#?}");
        };
        match change {
            Change::Moved { action, to } => {
                let EventKind::ActionPerformed {
                    action: done,
                    from,
                    to: entered,
                    to_kind,
                    outcome,
                    inputs,
                    public_inputs,
                    ..
                } = &events[0].kind
                else {
                    panic!("{what}: a move starts with ActionPerformed: {events:#?}")
                };
                let target = self.def.stage(to).expect("targets exist");
                assert_eq!((done, from, entered), (action, &self.model.stage, to), "{what}");
                assert_eq!((*to_kind, *outcome), (target.kind, self.def.file().outcome_category(target)), "{what}");
                let definition = self.def.action(action).expect("known action");
                let mut expected_public: Vec<&String> = definition
                    .inputs
                    .iter()
                    .filter(|f| is_public_input(definition, &f.id) && inputs.contains_key(&f.id))
                    .map(|f| &f.id)
                    .collect();
                let mut recorded_public: Vec<&String> = public_inputs.iter().collect();
                recorded_public.sort();
                expected_public.sort();
                assert_eq!(recorded_public, expected_public, "{what}");
                if definition.kind == ActionKind::Answer {
                    assert!(
                        matches!(events.get(1).map(|e| &e.kind), Some(EventKind::Answered { .. })),
                        "{what}: an answer is recorded after the action"
                    );
                    rest(2);
                } else {
                    rest(1);
                }
            }
            Change::Claimed(user) => only(matches!(
                &events[0].kind,
                EventKind::Claimed { user: u, stage } if u == user && *stage == self.model.stage
            )),
            Change::Assigned(user) => only(matches!(
                &events[0].kind,
                EventKind::Assigned { user: u, stage } if u == user && *stage == self.model.stage
            )),
            Change::Released(user) => only(matches!(
                &events[0].kind,
                EventKind::Released { user: u, stage } if u == user && *stage == self.model.stage
            )),
            Change::Nothing => assert!(events.is_empty(), "{what}: nothing to record"),
            Change::Noted(text) => only(matches!(
                &events[0].kind,
                EventKind::NoteAdded { text: t, .. } if t == text
            )),
            Change::Attached => only(matches!(&events[0].kind, EventKind::AttachmentAdded { .. })),
            Change::Surveyed => only(matches!(&events[0].kind, EventKind::SurveyRecorded { .. })),
            Change::Deadlines => rest(0),
        }
    }

    /// After the deadline scan nothing due now is left unrecorded, and a second scan records nothing.
    fn check_deadlines_recorded(&self, what: &str) {
        for clock in &self.case().clocks {
            assert!(clock.next_deadline().is_none_or(|d| d > self.now), "{what}: {clock:?} still has a deadline due");
        }
        let again =
            self.decide(&Principal::System, &Command::RecordDeadlines, None).expect("the system records deadlines");
        assert!(again.is_empty(), "{what}: a second scan records {again:#?}");
    }

    /// The state is the replay of the history, the history is a valid
    /// chain ending at the state's head, and the model agrees with it.
    fn check_state(&self) {
        let case = self.case();
        assert_eq!(&Case::fold(&self.events).expect("the history folds"), case);
        history::verify_against(&case.id, &self.events, case.version, &case.head)
            .unwrap_or_else(|e| panic!("the history verifies: {e}"));
        for (i, event) in self.events.iter().enumerate() {
            assert_eq!(event.seq, i as u64 + 1, "sequence numbers are gapless");
            if let EventKind::ActionPerformed { action, from, to, .. } = &event.kind {
                let edge = self.def.action(action).is_some_and(|a| {
                    a.kind != ActionKind::Submit && a.from.ids().contains(&from.as_str()) && a.to == *to
                });
                assert!(edge, "{action}: {from} → {to} is an edge of the definition");
            }
        }
        assert_eq!(case.stage, self.model.stage);
        assert_eq!(case.status == Status::Closed, self.model.closed);
        assert_eq!(case.assignee, self.model.assignee);
        assert_eq!(case.survey.is_some(), self.model.surveyed);
        self.check_clocks();
    }

    /// The overall clock runs while staff work, pauses while the case waits
    /// on the applicant and stops when it closes; a task stage with a time
    /// standard has its clock running; no clock is live twice.
    fn check_clocks(&self) {
        let case = self.case();
        let overall: Vec<&Clock> = case.clocks.iter().filter(|c| c.key == ClockKey::Overall).collect();
        assert_eq!(overall.len(), 1, "one overall clock");
        let overall = overall[0];
        match case.status {
            Status::Open => assert!(overall.is_running(), "{overall:?} runs while open"),
            Status::Waiting => {
                assert!(!overall.is_running() && !overall.is_stopped(), "{overall:?} pauses while waiting");
            }
            Status::Closed => assert!(overall.is_stopped(), "{overall:?} stops at the close"),
        }
        for clock in &case.clocks {
            let live = case.clocks.iter().filter(|c| c.key == clock.key && !c.is_stopped()).count();
            assert!(live <= 1, "{:?} is live {live} times", clock.key);
            if case.status != Status::Open {
                assert!(!clock.is_running(), "{clock:?} runs while the case is {:?}", case.status);
            }
        }
        let stage = self.def.stage(&case.stage).expect("stage exists");
        if stage.kind == StageKind::Task && stage.time_standard.is_some() {
            assert!(case.stage_clock().is_some_and(Clock::is_running), "the clock of {} runs", case.stage);
        }
    }

    /// A staff member with `roles` sees no value of a form field their roles do not read.
    fn check_staff_view(&self, roles: &[String]) {
        let case = self.case();
        let principal = Principal::Staff { user: "pemeriksa".to_owned(), roles: roles.to_vec() };
        let view = access::staff_view(self.def, &self.wf.calendar, case, &self.events, &principal, self.now);
        assert!(!access::history_leaks(self.def, case, roles, &view.history), "history_leaks for {roles:?}");
        let unreadable: Vec<&str> = self
            .def
            .file()
            .form
            .fields
            .iter()
            .filter(|f| {
                let readers = self.def.field_readers(f);
                !roles.iter().any(|r| readers.contains(&r.as_str()))
            })
            .map(|f| f.id.as_str())
            .collect();
        let marker = &self.def.file().visibility.redacted;
        for field in view.form.iter().filter(|f| unreadable.contains(&f.id.as_str())) {
            assert!(field.files.is_empty(), "{roles:?} sees the files of {}", field.id);
            assert!(
                field.value.as_ref().is_none_or(|v| v == marker),
                "{roles:?} sees {} = {:?}",
                field.id,
                field.value
            );
            assert_eq!(field.redacted, case.form.contains_key(&field.id));
        }
        for attachment in &view.attachments {
            assert!(
                attachment.form_field.as_deref().is_none_or(|f| !unreadable.contains(&f)),
                "{roles:?} sees the attachment {attachment:?}"
            );
        }
        let json = serde_json::to_string(&view).expect("views serialise");
        for (field, value) in &self.form_history {
            if unreadable.contains(&field.as_str()) {
                for needle in needles(value) {
                    assert!(
                        !json.contains(&needle),
                        "{roles:?} sees `{needle}` of {field} somewhere in the staff view"
                    );
                }
            }
        }
    }

    /// The applicant sees no internal note, no non-public input and no staff name.
    fn check_applicant_view(&self) {
        let case = self.case();
        let view = access::applicant_view(self.def, case);
        let json = serde_json::to_string(&view).expect("views serialise");
        for note in &case.notes {
            assert!(!json.contains(&note.text), "the applicant sees a note");
        }
        for event in &self.events {
            if let EventKind::ActionPerformed { action, inputs, .. } = &event.kind {
                let action = self.def.action(action).expect("known action");
                for (id, value) in inputs {
                    if !is_public_input(action, id) {
                        for needle in needles(value) {
                            assert!(
                                !json.contains(&needle),
                                "the applicant sees `{needle}` of the internal input {}.{id}",
                                action.id
                            );
                        }
                    }
                }
            }
        }
        for user in USERS {
            assert!(!json.contains(user), "the applicant sees who acted ({user})");
        }
    }
}

fn invalid(field: &str) -> Validity {
    Validity::Invalid { field: field.to_owned() }
}

/// An `invalid_input` rejection names the field the generator broke.
fn check_invalid_names(rejection: &Rejection, validity: &Validity) {
    if let (Rejection::Invalid { errors }, Validity::Invalid { field }) = (rejection, validity) {
        assert!(errors.iter().any(|e| &e.field == field), "the errors name `{field}`: {errors:?}");
    }
}

/// The recorded actor is the principal, with a role they hold.
fn check_actor(what: &str, who: &Principal, actor: &Actor) {
    match (who, actor) {
        (_, Actor::System) => {}
        (Principal::Applicant, Actor::Applicant) => {}
        (Principal::Staff { user, .. }, Actor::Staff { user: u, role }) => {
            assert_eq!(user, u, "{what}");
            if let Some(role) = role {
                assert!(holds(who, role), "{what}: recorded as acting as `{role}`, a role they do not hold");
            }
        }
        _ => panic!("{what}: recorded as {actor:?}"),
    }
}

/// Whether the applicant may read an action's input: marked public, or a file of the answer.
fn is_public_input(action: &Action, input: &str) -> bool {
    action
        .inputs
        .iter()
        .any(|f| f.id == input && (f.public || (action.kind == ActionKind::Answer && f.kind == FieldKind::File)))
}

/// Texts of a value that must not appear where it is hidden.
fn needles(value: &Value) -> Vec<String> {
    match value {
        Value::Text(text) => vec![text.clone()],
        Value::Files(files) => files.iter().flat_map(|f| [f.id.clone(), f.name.clone()]).collect(),
        Value::Bool(_) | Value::Number(_) | Value::Date(_) | Value::Choice(_) => Vec::new(),
    }
}

fn is_clock_event(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::ClockStarted { .. }
            | EventKind::ClockPaused { .. }
            | EventKind::ClockResumed { .. }
            | EventKind::ClockStopped { .. }
            | EventKind::ClockWarned { .. }
            | EventKind::ClockBreached { .. }
    )
}

fn is_task_command(command: &Command) -> bool {
    matches!(command, Command::Perform { .. } | Command::Claim | Command::Assign { .. } | Command::Release)
}

fn describe(command: &Command) -> String {
    match command {
        Command::Perform { action, .. } => format!("perform `{action}`"),
        Command::Assign { user, user_roles } => format!("assign to {user} {user_roles:?}"),
        other => other.name().to_owned(),
    }
}

fn run(wf: &Workflow, scenario: &Scenario) {
    let start = wib("2026-01-05 08:00") + TimeDelta::minutes(scenario.start_minutes);
    let mut runner = Runner::new(wf, start);
    runner.submit(scenario);
    for (i, step) in scenario.steps.iter().enumerate() {
        runner.run_step(i, step);
    }
    let pool = runner.role_pool.clone();
    runner.check_staff_view(&[]);
    runner.check_staff_view(&pool);
    for role in &pool {
        runner.check_staff_view(std::slice::from_ref(role));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    #[test]
    fn west_sumatra_consultation_follows_the_model(scenario in scenario()) {
        run(&SUMBAR, &scenario);
    }

    #[test]
    fn regency_assistance_follows_the_model(scenario in scenario()) {
        run(&KABUPATEN, &scenario);
    }

    #[test]
    fn a_document_field_only_one_role_reads_stays_hidden(scenario in scenario()) {
        run(&SUMBAR_RESTRICTED, &scenario);
    }
}
