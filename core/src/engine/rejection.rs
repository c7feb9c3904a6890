//! Why the engine refused a command. These are expected outcomes, not bugs:
//! each has a stable code, an English message and an Indonesian one.

use crate::definition::Outcome;
use crate::form::FieldError;

/// A domain rejection: the command was understood and refused; nothing changed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Rejection {
    /// The case does not exist.
    #[error("there is no such case")]
    UnknownCase,
    /// Submit on a case that exists already.
    #[error("the case exists already")]
    CaseExists,
    /// The service does not accept new requests.
    #[error("the service `{workflow}` is not open for new requests")]
    ServiceClosed {
        /// The workflow id.
        workflow: String,
    },
    /// The action is not part of the definition.
    #[error("there is no action `{action}` in this procedure")]
    UnknownAction {
        /// The action asked for.
        action: String,
    },
    /// The action does not leave the case's current stage.
    #[error("`{action}` cannot be performed while the case is in `{stage}` (it leaves {allowed})")]
    WrongStage {
        /// The action asked for.
        action: String,
        /// The case's stage.
        stage: String,
        /// The stages the action leaves.
        allowed: String,
    },
    /// The principal does not hold a role that may do this.
    #[error("{what} needs one of the roles {roles}")]
    NotAllowed {
        /// What was attempted.
        what: String,
        /// The roles that may do it.
        roles: String,
    },
    /// Inputs failed validation; one error per offending field.
    #[error("{} input error(s): {}", errors.len(), errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid {
        /// The field errors.
        errors: Vec<FieldError>,
    },
    /// The case is closed.
    #[error("the case is closed ({outcome:?})")]
    CaseClosed {
        /// How it ended.
        outcome: Outcome,
    },
    /// The case moved on since the person looked at it.
    #[error("the case changed since you loaded it (you saw version {expected}, it is now at {actual})")]
    StaleVersion {
        /// The version the caller saw.
        expected: u64,
        /// The current version.
        actual: u64,
    },
    /// The task is assigned to someone else.
    #[error("the task is assigned to {assignee}")]
    AssignedToOther {
        /// The current assignee.
        assignee: String,
    },
    /// The proposed assignee does not hold the stage's role.
    #[error("{user} does not hold the role `{role}` needed for this stage")]
    NotAssignable {
        /// The proposed assignee.
        user: String,
        /// The stage's role.
        role: String,
    },
    /// Claim/assign/release on a stage that is not a staff task.
    #[error("the case is not at a staff task")]
    NoTask,
    /// Release of a task nobody holds.
    #[error("the task is not assigned to anyone")]
    NotAssigned,
    /// Not at the case's current stage (e.g. a note where the workflow allows notes only at others).
    #[error("{what} is not possible while the case is in `{stage}` (only in {allowed})")]
    NotAtThisStage {
        /// What was attempted.
        what: String,
        /// The case's stage.
        stage: String,
        /// Where it is possible.
        allowed: String,
    },
    /// The survey is not offered now, or was recorded already.
    #[error("{reason}")]
    SurveyNotOpen {
        /// Why.
        reason: String,
    },
}

impl Rejection {
    /// A stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::UnknownCase => "unknown_case",
            Rejection::CaseExists => "case_exists",
            Rejection::ServiceClosed { .. } => "service_closed",
            Rejection::UnknownAction { .. } => "unknown_action",
            Rejection::WrongStage { .. } => "wrong_stage",
            Rejection::NotAllowed { .. } => "not_allowed",
            Rejection::Invalid { .. } => "invalid_input",
            Rejection::CaseClosed { .. } => "case_closed",
            Rejection::StaleVersion { .. } => "stale_version",
            Rejection::AssignedToOther { .. } => "assigned_to_other",
            Rejection::NotAssignable { .. } => "not_assignable",
            Rejection::NoTask => "no_task",
            Rejection::NotAssigned => "not_assigned",
            Rejection::NotAtThisStage { .. } => "not_at_this_stage",
            Rejection::SurveyNotOpen { .. } => "survey_not_open",
        }
    }

    /// The message in Bahasa Indonesia, for people using the web pages.
    pub fn indonesian(&self) -> String {
        match self {
            Rejection::UnknownCase => "Permohonan tidak ditemukan.".to_owned(),
            Rejection::CaseExists => "Permohonan ini sudah ada.".to_owned(),
            Rejection::ServiceClosed { .. } => "Layanan ini sedang tidak menerima permohonan baru.".to_owned(),
            Rejection::UnknownAction { action } => format!("Tindakan `{action}` tidak dikenal dalam prosedur ini."),
            Rejection::WrongStage { .. } => {
                "Tindakan ini tidak dapat dilakukan pada tahap permohonan saat ini.".to_owned()
            }
            Rejection::NotAllowed { .. } => "Anda tidak berwenang melakukan tindakan ini.".to_owned(),
            Rejection::Invalid { errors } => format!("Ada {} isian yang perlu diperbaiki.", errors.len()),
            Rejection::CaseClosed { .. } => "Permohonan ini sudah selesai/ditutup.".to_owned(),
            Rejection::StaleVersion { .. } => {
                "Permohonan ini telah berubah sejak halaman dibuka. Muat ulang untuk melihat keadaan terbaru."
                    .to_owned()
            }
            Rejection::AssignedToOther { assignee } => format!("Tugas ini sedang ditangani oleh {assignee}."),
            Rejection::NotAssignable { user, .. } => format!("{user} tidak memegang peran untuk tahap ini."),
            Rejection::NoTask => "Permohonan tidak sedang berada pada tugas petugas.".to_owned(),
            Rejection::NotAssigned => "Tugas ini belum ditugaskan kepada siapa pun.".to_owned(),
            Rejection::NotAtThisStage { .. } => {
                "Hal ini tidak dapat dilakukan pada tahap permohonan saat ini.".to_owned()
            }
            Rejection::SurveyNotOpen { .. } => "Survei tidak tersedia untuk permohonan ini saat ini.".to_owned(),
        }
    }
}
