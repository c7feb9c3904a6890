//! What a principal asks the engine to do.

use std::collections::BTreeMap;

use super::ids::{CaseId, TrackingCode};
use crate::form::{FileRef, Input};

/// The identity given to a new case by the caller (who has the randomness).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCase {
    /// The case's id.
    pub id: CaseId,
    /// The applicant's tracking code.
    pub tracking_code: TrackingCode,
    /// SHA-256 of the applicant's secret (see [`super::ids::hash_secret`]).
    pub secret_hash: String,
}

/// A command.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// The applicant submits the intake form; creates the case.
    Submit {
        /// The new case's identity.
        case: NewCase,
        /// The form as typed.
        form: BTreeMap<String, Input>,
    },
    /// Perform an action of the definition (including the answer and the
    /// applicant's amendment, which carries a new `form`).
    Perform {
        /// The action's id.
        action: String,
        /// The action's inputs.
        inputs: BTreeMap<String, Input>,
        /// For `amend` actions: the corrected intake form, complete.
        form: Option<BTreeMap<String, Input>>,
    },
    /// A staff member takes the current task.
    Claim,
    /// Assign (or reassign) the current task to a person holding the stage's role.
    Assign {
        /// The assignee's account name.
        user: String,
        /// The roles the assignee holds (looked up by the caller).
        user_roles: Vec<String>,
    },
    /// Give the current task back to the stage's role.
    Release,
    /// A note: internal, or for the applicant too, as its audience says.
    AddNote {
        /// The text.
        text: String,
        /// Whether it records an obstacle (counted in the annual evaluation).
        obstacle: bool,
        /// Who may read it (none: every staff role that reaches the case).
        audience: Option<super::event::NoteAudience>,
    },
    /// Attach a file already stored through the storage seam.
    AddAttachment {
        /// The stored file.
        file: FileRef,
        /// What it is.
        description: Option<String>,
    },
    /// The applicant's satisfaction survey.
    RecordSurvey {
        /// The answers as typed.
        answers: BTreeMap<String, Input>,
    },
    /// The deadline scanner: record every warn and breach due at the command's instant.
    RecordDeadlines,
}

impl Command {
    /// A short name for logs and metrics (never contains personal data).
    pub fn name(&self) -> &'static str {
        match self {
            Command::Submit { .. } => "submit",
            Command::Perform { .. } => "perform",
            Command::Claim => "claim",
            Command::Assign { .. } => "assign",
            Command::Release => "release",
            Command::AddNote { .. } => "add_note",
            Command::AddAttachment { .. } => "add_attachment",
            Command::RecordSurvey { .. } => "record_survey",
            Command::RecordDeadlines => "record_deadlines",
        }
    }
}
