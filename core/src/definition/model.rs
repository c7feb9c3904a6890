//! The workflow file as written: the TOML shape, one struct per table.
//!
//! These types only describe the shape; [`super::validate`] checks that the
//! references between them hold. Labels a person reads are data here
//! (Bahasa Indonesia for the West Sumatra package); keys are English.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::field::Field;
use super::timer::Timer;
use crate::date::Date;
use crate::duration::WorkDuration;

/// The file kind marker for workflow files: `kind = "workflow"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WorkflowKind {
    /// A workflow definition.
    Workflow,
}

/// A workflow definition file: one service procedure of one organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkflowFile {
    /// Always `"workflow"`.
    pub kind: WorkflowKind,
    /// Stable id, unique within the organisation: lowercase letters, digits, `-` and `_`.
    pub id: String,
    /// A person-readable revision label (e.g. the SOP's revision date). The
    /// version a case pins is the content hash; this is shown beside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// The service's name as the public sees it.
    pub label: String,
    /// A longer description shown on the list of services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether the service accepts new requests (default true).
    #[serde(default = "yes")]
    pub open: bool,
    /// The first stage of the procedure (where the applicant starts).
    pub start: String,
    /// The organisation that runs the service.
    pub organisation: Organisation,
    /// The SOP document's header, for rendering the official SOP table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sop: Option<SopHeader>,
    /// The roles people hold; exactly one has `kind = "applicant"`.
    pub roles: Vec<Role>,
    /// The intake form the applicant submits.
    pub form: Form,
    /// The stages of the procedure, in SOP order.
    pub stages: Vec<Stage>,
    /// The actions that move a case between stages.
    pub actions: Vec<Action>,
    /// The products an answer can be (legal opinion, explanation, referral…).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<Product>,
    /// How a case can end, in this procedure's words, each counted under a
    /// report category; without it, `answered`, `rejected` and `withdrawn`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outcomes: Vec<OutcomeDef>,
    /// Who may see which fields.
    #[serde(default)]
    pub visibility: Visibility,
    /// Time-standard settings that apply to every stage.
    #[serde(default)]
    pub sla: Sla,
    /// Messages sent on events.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notifications: Vec<Notification>,
    /// The satisfaction survey offered once the case is closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survey: Option<Survey>,
    /// Settings of the annual evaluation report.
    #[serde(default)]
    pub report: Report,
}

fn yes() -> bool {
    true
}

/// The organisation that runs a service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// Stable id of the organisation (the tenant): every case and record belongs to it.
    pub id: String,
    /// Its official name.
    pub name: String,
    /// The unit inside it that runs the service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// IANA time zone, e.g. `Asia/Jakarta`; must match the calendar's.
    pub time_zone: String,
    /// The business calendar file, relative to this file.
    pub calendar: String,
    /// Postal address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// How applicants reach the responsible officers (shown in notifications).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// Complaint channels (pengaduan).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub complaints: Vec<String>,
}

/// The header of an SOP document (Permenpan RB 35/2012 format).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SopHeader {
    /// Nomor SOP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Nama SOP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Tanggal pembuatan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub made: Option<Date>,
    /// Tanggal revisi.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revised: Option<Date>,
    /// Tanggal efektif.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective: Option<Date>,
    /// Disahkan oleh (the approving office).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
    /// Dasar hukum.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal_basis: Vec<String>,
    /// Kualifikasi pelaksana.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub qualifications: Vec<String>,
    /// Keterkaitan (related SOPs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
    /// Peralatan dan perlengkapan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub equipment: Vec<String>,
    /// Peringatan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
    /// Pencatatan dan pendataan / penyimpanan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records: Option<String>,
}

/// Whether a role is held by staff or is the applicant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleKind {
    /// Staff of the organisation, signed in with an account.
    #[default]
    Staff,
    /// The person who submits a request; reaches the case through its tracking code.
    Applicant,
}

/// A role people hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// Stable id.
    pub id: String,
    /// Name shown to people.
    pub label: String,
    /// `staff` (default) or `applicant`.
    #[serde(default)]
    pub kind: RoleKind,
    /// What the role does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The intake form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Form {
    /// The form's title.
    pub label: String,
    /// Text shown above the form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The fields, in the order shown.
    pub fields: Vec<Field>,
}

/// What kind of stage this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StageKind {
    /// A step the applicant takes before the request exists (e.g. opening the portal, filling the form).
    Applicant,
    /// A task staff holding the stage's role perform.
    Task,
    /// The case waits on the applicant (e.g. returned for missing documents); the clock of the stage it came from pauses.
    Waiting,
    /// The case is closed.
    Terminal,
}

/// How a closed case ended, for the evaluation report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Answered (a product was delivered).
    Answered,
    /// Rejected at verification, with a reason.
    Rejected,
    /// Withdrawn by the applicant, or closed for lack of response.
    Withdrawn,
}

/// A stage of the procedure: one SOP activity, a waiting state or an end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    /// Stable id.
    pub id: String,
    /// The activity as the SOP names it.
    pub label: String,
    /// What the applicant is told while the case is here (plain words); defaults to `label`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_label: Option<String>,
    /// `applicant`, `task`, `waiting` or `terminal`.
    pub kind: StageKind,
    /// The role that performs the stage (required except for terminal stages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The role told when the stage's clock is at risk or breached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supervisor: Option<String>,
    /// The time standard (SOP "Waktu"), e.g. `30m` or `1wd`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_standard: Option<WorkDuration>,
    /// Percentage of the time standard after which the clock is at risk (overrides `sla.warn_at`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warn_at: Option<u8>,
    /// SOP "Kelengkapan": what the stage needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirements: Option<String>,
    /// SOP "Output": what the stage produces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// SOP "Keterangan".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// For terminal stages: how the case ended — an outcome of `[[outcomes]]`,
    /// or `answered`, `rejected` or `withdrawn` when the workflow declares none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// For waiting stages: staff roles that watch the cases waiting here
    /// (listed in their inbox), besides the roles of the stages that send
    /// cases here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub watchers: Vec<String>,
    /// Timers of a task or waiting stage: time that acts (see [`super::timer`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timers: Vec<Timer>,
}

/// What an action does besides moving the case.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Moves the case (default).
    #[default]
    Move,
    /// Carries the intake form and creates the case (exactly one per workflow).
    Submit,
    /// The applicant sends a corrected intake form from a waiting stage.
    Amend,
    /// Delivers the answer: needs a product and an answer document.
    Answer,
}

/// One stage id or several.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum StageRefs {
    /// A single stage.
    One(String),
    /// Several stages.
    Many(Vec<String>),
}

impl<'de> Deserialize<'de> for StageRefs {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = StageRefs;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a stage id or a list of stage ids")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<StageRefs, E> {
                Ok(StageRefs::One(v.to_owned()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<StageRefs, A::Error> {
                let mut ids = Vec::new();
                while let Some(id) = seq.next_element::<String>()? {
                    ids.push(id);
                }
                Ok(StageRefs::Many(ids))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl StageRefs {
    /// The stage ids.
    pub fn ids(&self) -> Vec<&str> {
        match self {
            StageRefs::One(id) => vec![id.as_str()],
            StageRefs::Many(ids) => ids.iter().map(String::as_str).collect(),
        }
    }

    /// Whether `stage` is among them.
    pub fn contains(&self, stage: &str) -> bool {
        self.ids().contains(&stage)
    }
}

/// An action that moves a case from one stage to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// Stable id (used in URLs).
    pub id: String,
    /// The button's text.
    pub label: String,
    /// The stage (or stages) the action leaves.
    pub from: StageRefs,
    /// The stage it leads to.
    pub to: String,
    /// Roles that may perform it; defaults to the role of the stage it leaves.
    /// `["system"]`: only a stage timer performs it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by: Vec<String>,
    /// `move` (default), `submit`, `amend` or `answer`.
    #[serde(default)]
    pub kind: ActionKind,
    /// Inputs the performer gives (e.g. a reason, which must be `required`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<Field>,
    /// What the action means, shown beside the button.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A way a case can end, as the procedure names it (`[[outcomes]]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeDef {
    /// Stable id, named by terminal stages' `outcome`.
    pub id: String,
    /// In the procedure's words ("Surat kuasa diterbitkan"), for the report and the tracking page.
    pub label: String,
    /// The report category it counts under: `answered`, `rejected` or `withdrawn`.
    pub category: Outcome,
}

impl Outcome {
    /// The outcomes of a workflow that declares none.
    pub const DEFAULTS: [(&'static str, &'static str, Outcome); 3] = [
        ("answered", "Dijawab", Outcome::Answered),
        ("rejected", "Ditolak", Outcome::Rejected),
        ("withdrawn", "Ditarik/ditutup", Outcome::Withdrawn),
    ];
}

impl WorkflowFile {
    /// The outcomes of this workflow: its `[[outcomes]]`, or the three defaults.
    pub fn outcome_defs(&self) -> Vec<OutcomeDef> {
        if self.outcomes.is_empty() {
            Outcome::DEFAULTS
                .iter()
                .map(|(id, label, category)| OutcomeDef {
                    id: (*id).to_owned(),
                    label: (*label).to_owned(),
                    category: *category,
                })
                .collect()
        } else {
            self.outcomes.clone()
        }
    }

    /// The outcome an id names (declared, or a default when none are declared).
    pub fn outcome_def(&self, id: &str) -> Option<OutcomeDef> {
        self.outcome_defs().into_iter().find(|o| o.id == id)
    }

    /// The report category of a stage's outcome (terminal stages).
    pub fn outcome_category(&self, stage: &Stage) -> Option<Outcome> {
        stage.outcome.as_deref().and_then(|id| self.outcome_def(id)).map(|o| o.category)
    }
}

/// A product an answer can be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// Stable id.
    pub id: String,
    /// Name shown to people.
    pub label: String,
    /// What it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether this product refers the applicant elsewhere (counted as "referred" in reports).
    #[serde(default)]
    pub referral: bool,
}

/// Parts of a case the applicant may see on the tracking page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantView {
    /// The current stage's public label.
    Stage,
    /// The due instant of the current stage.
    Due,
    /// Messages to the applicant (notifications, public inputs such as a rejection reason).
    Messages,
    /// The answer and its document.
    Answer,
    /// Their own submitted form.
    Submission,
    /// The public timeline of stages entered.
    History,
}

/// Who may see which fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Visibility {
    /// Roles that may read confidential fields (unless a field names its own readers).
    #[serde(default)]
    pub confidential: Vec<String>,
    /// Per-field readers: field id → roles. Overrides the default for that field.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, Vec<String>>,
    /// What is shown in place of a value the reader may not see.
    #[serde(default = "default_redacted")]
    pub redacted: String,
    /// What the applicant sees on the tracking page.
    #[serde(default = "default_applicant_view")]
    pub applicant: Vec<ApplicantView>,
    /// `open` (the default): what no rule names is read by every staff role
    /// that reaches the case, and every role reaches every case. `closed`:
    /// deny by default — a role without a `reach` rule reaches only cases
    /// that have been at its own stages, and an input without readers is
    /// read only by the roles that perform or supervise the stage its
    /// action leaves or enters.
    #[serde(default, skip_serializing_if = "Access::is_open")]
    pub default: Access,
    /// Readers of action inputs: `"<action>.<input>"` → roles (default:
    /// every staff role that may open the case). Others see the redaction
    /// marker in the case, its history and messages, and not the input's files.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub inputs: BTreeMap<String, Vec<String>>,
    /// Where a role may open a case at all (default `all`): `all`,
    /// `own_stages` (once the case has been at a stage the role performs,
    /// supervises or watches), `assigned` (while the case is at such a stage
    /// and unclaimed or held by the person), or a list of stages. Outside its
    /// reach a case answers as if it did not exist.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub reach: BTreeMap<String, Reach>,
    /// The history entries a role sees, by kind (`submitted`,
    /// `action_performed`, `answered`, …; default: all of them).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub history: BTreeMap<String, Vec<String>>,
    /// Who may add internal notes, and at which stages (default: every staff
    /// role, while the case is open).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<AddRule>,
    /// Who may attach files, and at which stages (default: every staff
    /// role, while the case is open).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments: Option<AddRule>,
}

/// What `[visibility]` grants where no rule names a role (`default`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Allowed unless a rule says otherwise (the default).
    #[default]
    Open,
    /// Denied unless a rule, or the role's own stages, allow it.
    Closed,
}

impl Access {
    /// Whether it is the default.
    pub fn is_open(&self) -> bool {
        *self == Access::Open
    }
}

/// Where a role may open a case (`[visibility.reach]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Reach {
    /// `all`, `own_stages` or `assigned`.
    Rule(ReachRule),
    /// Only while the case is at one of these stages (and at stages the role supervises).
    Stages(Vec<String>),
}

impl<'de> Deserialize<'de> for Reach {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Reach;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("`all`, `own_stages`, `assigned` or a list of stage ids")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Reach, E> {
                const NAMES: [&str; 3] = ["all", "own_stages", "assigned"];
                match v {
                    "all" => Ok(Reach::Rule(ReachRule::All)),
                    "own_stages" => Ok(Reach::Rule(ReachRule::OwnStages)),
                    "assigned" => Ok(Reach::Rule(ReachRule::Assigned)),
                    other => Err(crate::toml_doc::custom_error(
                        format!("`{other}` is not a reach"),
                        format!(
                            "{}use `all`, `own_stages`, `assigned` or a list of stage ids",
                            crate::diag::did_you_mean(other, NAMES)
                                .map(|s| format!("did you mean `{s}`? "))
                                .unwrap_or_default()
                        ),
                    )),
                }
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Reach, A::Error> {
                let mut stages = Vec::new();
                while let Some(stage) = seq.next_element::<String>()? {
                    stages.push(stage);
                }
                Ok(Reach::Stages(stages))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A named reach rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReachRule {
    /// Every case of the workflow (the default).
    All,
    /// Cases that have been at a stage the role performs, supervises or watches.
    OwnStages,
    /// Cases now at a stage the role performs (unclaimed, or held by the
    /// person) or supervises.
    Assigned,
}

/// Who may add something to a case, and where (`[visibility.notes]`, `[visibility.attachments]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddRule {
    /// The staff roles that may add (default: every staff role that may open the case).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by: Vec<String>,
    /// The stages at which they may (default: any stage while the case is open).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stages: Vec<String>,
    /// Whether they may add once the case is closed (e.g. an archive note; default false).
    #[serde(default, skip_serializing_if = "is_false")]
    pub after_closing: bool,
}

fn is_false(value: &bool) -> bool {
    !*value
}

fn default_redacted() -> String {
    "[dirahasiakan]".to_owned()
}

fn default_applicant_view() -> Vec<ApplicantView> {
    vec![
        ApplicantView::Stage,
        ApplicantView::Due,
        ApplicantView::Messages,
        ApplicantView::Answer,
        ApplicantView::Submission,
        ApplicantView::History,
    ]
}

impl Default for Visibility {
    fn default() -> Self {
        Self {
            confidential: Vec::new(),
            fields: BTreeMap::new(),
            redacted: default_redacted(),
            applicant: default_applicant_view(),
            default: Access::Open,
            inputs: BTreeMap::new(),
            reach: BTreeMap::new(),
            history: BTreeMap::new(),
            notes: None,
            attachments: None,
        }
    }
}

/// Time-standard settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sla {
    /// Percentage of a time standard after which its clock is at risk (1–99, default 75).
    #[serde(default = "default_warn_at")]
    pub warn_at: u8,
    /// Time standard from a complete submission to the answer, if the SOP sets one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overall: Option<WorkDuration>,
    /// Role told when the overall clock is at risk or breached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overall_supervisor: Option<String>,
}

fn default_warn_at() -> u8 {
    75
}

impl Default for Sla {
    fn default() -> Self {
        Self { warn_at: default_warn_at(), overall: None, overall_supervisor: None }
    }
}

/// The event a notification is sent on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotifyOn {
    /// A request was submitted.
    Submitted,
    /// The case entered a stage (`stage`, or any stage when omitted).
    Entered,
    /// An action was performed (`action`, or any when omitted).
    Action,
    /// The answer was delivered.
    Answered,
    /// A task was assigned to a person.
    Assigned,
    /// A clock is at risk (`stage`, or any when omitted).
    Warned,
    /// A clock is breached (`stage`, or any when omitted).
    Breached,
    /// The applicant filled in the survey.
    Surveyed,
    /// A stage timer fired (`timer`, or any when omitted).
    Timer,
}

/// A message sent on an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Notification {
    /// Stable id (used to make delivery idempotent).
    pub id: String,
    /// The event.
    pub on: NotifyOn,
    /// Narrows `entered`, `warned` and `breached` to one stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    /// Narrows `action` to one action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Narrows `timer` to one stage timer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timer: Option<String>,
    /// Recipients: `applicant`, `stage_role` (the role owning the stage concerned),
    /// `supervisor` (that stage's supervisor), `assignee`, or a role id.
    pub to: Vec<String>,
    /// Subject line; may use placeholders such as `{tracking_code}`.
    pub subject: String,
    /// Body; may use placeholders such as `{stage}`, `{due}`, `{timer_due}` or `{input.alasan}`.
    pub body: String,
}

/// The satisfaction survey.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Survey {
    /// Title.
    pub label: String,
    /// Text shown above the questions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The questions (`scale` for 1–5 scores, `long_text` for suggestions…).
    pub questions: Vec<Field>,
    /// Terminal stages after which it is offered (default: those with outcome `answered`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<String>,
}

/// Settings of the annual evaluation report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// A `choice` field of the form whose answers are the topics counted in the report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic_field: Option<String>,
    /// Roles that may read the evaluation report.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub readers: Vec<String>,
}
