//! A command builder over [`Service::execute`], for services that embed the
//! library:
//!
//! ```no_run
//! # use sigap_core::{engine::{Case, Principal}, form::Input, service::Service};
//! # async fn demo(service: &Service, case: &Case, now: chrono::DateTime<chrono::Utc>) -> Result<(), sigap_core::service::ServiceError> {
//! let analyst = Principal::staff("yenni", &["pokja_layanan"]);
//! service
//!     .act(case)
//!     .by(&analyst)
//!     .action("ajukan_draf")
//!     .input("catatan", Input::Text("Draf kajian terlampir.".to_owned()))
//!     .at(now)
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! The steps are types of their own, so a command cannot be sent without
//! its principal and what to do; `.at(now)` sends it (the caller's clock:
//! the engine reads none).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::engine::{Case, CaseId, Command, Principal};
use crate::form::Input;
use crate::service::{IdempotencyRequest, Outcome, Service, ServiceError};

/// A case to act on; say who acts with [`ActOn::by`].
#[must_use = "say who acts with .by(…)"]
pub struct ActOn<'a> {
    service: &'a Service,
    organisation: &'a str,
    case: &'a CaseId,
}

/// Who acts on which case; say what with [`Act::action`] or [`Act::command`].
#[must_use = "say what to do with .action(…) or .command(…)"]
pub struct Act<'a> {
    on: ActOn<'a>,
    principal: &'a Principal,
}

/// A whole command, sent by [`Ready::at`].
#[must_use = "send it with .at(now).await"]
pub struct Ready<'a> {
    act: Act<'a>,
    command: Command,
    expected_version: Option<u64>,
    idempotency: Option<IdempotencyRequest>,
}

impl Service {
    /// Starts a command on `case`.
    pub fn act<'a>(&'a self, case: &'a Case) -> ActOn<'a> {
        self.act_on(&case.organisation, &case.id)
    }

    /// Starts a command on the case `id` of `organisation`.
    pub fn act_on<'a>(&'a self, organisation: &'a str, id: &'a CaseId) -> ActOn<'a> {
        ActOn { service: self, organisation, case: id }
    }
}

impl<'a> ActOn<'a> {
    /// Who acts: the applicant or a staff member with their roles.
    pub fn by(self, principal: &'a Principal) -> Act<'a> {
        Act { on: self, principal }
    }
}

impl<'a> Act<'a> {
    /// Performs the workflow action `id` (add its inputs with [`Ready::input`]).
    pub fn action(self, id: &str) -> Ready<'a> {
        self.command(Command::Perform { action: id.to_owned(), inputs: BTreeMap::new(), form: None })
    }

    /// Any other command: claim, release, assign, a note, an attachment, the survey.
    pub fn command(self, command: Command) -> Ready<'a> {
        Ready { act: self, command, expected_version: None, idempotency: None }
    }
}

impl Ready<'_> {
    /// One input of the action (ignored by commands that are not actions).
    pub fn input(mut self, field: &str, value: Input) -> Self {
        if let Command::Perform { inputs, .. } = &mut self.command {
            inputs.insert(field.to_owned(), value);
        }
        self
    }

    /// The corrected form, for an amendment (ignored by other commands).
    pub fn form(mut self, values: BTreeMap<String, Input>) -> Self {
        if let Command::Perform { form, .. } = &mut self.command {
            *form = Some(values);
        }
        self
    }

    /// Refuses the command as stale if the case is no longer at `version`
    /// (what the person saw); without it a lost race is retried.
    pub fn expecting(mut self, version: u64) -> Self {
        self.expected_version = Some(version);
        self
    }

    /// Makes a repeat of the same request answer as the first did.
    pub fn idempotency(mut self, request: IdempotencyRequest) -> Self {
        self.idempotency = Some(request);
        self
    }

    /// Sends the command as of `at`.
    pub async fn at(self, at: DateTime<Utc>) -> Result<Outcome, ServiceError> {
        let Ready { act, command, expected_version, idempotency } = self;
        act.on
            .service
            .execute(act.on.organisation, act.on.case, act.principal, &command, expected_version, idempotency, at)
            .await
    }
}
