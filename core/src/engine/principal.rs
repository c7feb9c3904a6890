//! Who acts: a signed-in staff member, the applicant holding a case's
//! capability, or the system (the deadline scanner).

use serde::{Deserialize, Serialize};

/// The acting party of a command, as the caller authenticated it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// A staff member with the roles they hold in the case's organisation.
    Staff {
        /// The account name.
        user: String,
        /// Role ids held in the organisation.
        roles: Vec<String>,
    },
    /// The applicant: submitting, or holding the tracking code and secret of this case.
    Applicant,
    /// Sigap itself (the deadline scanner).
    System,
}

impl Principal {
    /// A staff principal.
    pub fn staff(user: impl Into<String>, roles: &[&str]) -> Self {
        Principal::Staff { user: user.into(), roles: roles.iter().map(|r| (*r).to_owned()).collect() }
    }

    /// The staff roles held, empty for others.
    pub fn roles(&self) -> Vec<&str> {
        match self {
            Principal::Staff { roles, .. } => roles.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        }
    }

    /// Whether this principal holds `role` (the applicant holds the applicant role).
    pub fn holds(&self, role: &str, applicant_role: &str) -> bool {
        match self {
            Principal::Staff { roles, .. } => roles.iter().any(|r| r == role),
            Principal::Applicant => role == applicant_role,
            Principal::System => false,
        }
    }
}

/// Who an event is recorded against. Applicants are never named in the
/// history: their identity is in the (confidential) form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Actor {
    /// A staff member, with the role that entitled them to act.
    Staff {
        /// The account name.
        user: String,
        /// The role used, when the act needed one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        role: Option<String>,
    },
    /// The applicant.
    Applicant,
    /// Sigap itself.
    System,
}

impl Actor {
    /// A short description for logs and timelines.
    pub fn describe(&self) -> String {
        match self {
            Actor::Staff { user, role: Some(role) } => format!("{user} ({role})"),
            Actor::Staff { user, role: None } => user.clone(),
            Actor::Applicant => "pemohon".to_owned(),
            Actor::System => "sistem".to_owned(),
        }
    }
}
