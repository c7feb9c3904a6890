//! The one decision point for staff: which cases a person may open at all
//! (reach), which action inputs and history entries they read, whether they
//! read the applicant's identity (and so real file names), and whether they
//! may add notes and attachments. Every channel asks these functions; none
//! decides on its own.
//!
//! Defaults keep a workflow without these rules as it was: every staff role
//! of the workflow reaches every case, reads every input and every history
//! entry, and adds notes and attachments while the case is open.

use crate::definition::{Access, AddRule, Definition, Reach, ReachRule, RoleKind, SYSTEM_ROLE};
use crate::engine::{Case, Status};
use crate::form::FileRef;
use crate::storage::CaseSummary;

/// The stages a role performs, supervises or watches, or performs an action from.
pub fn own_stages<'d>(definition: &'d Definition, role: &str) -> Vec<&'d str> {
    let file = definition.file();
    file.stages
        .iter()
        .filter(|s| {
            s.role.as_deref() == Some(role)
                || s.supervisor.as_deref() == Some(role)
                || s.watchers.iter().any(|w| w == role)
                || file.actions.iter().any(|a| a.from.contains(&s.id) && a.by.iter().any(|b| b == role))
        })
        .map(|s| s.id.as_str())
        .collect()
}

/// The staff roles of the workflow among `roles`.
fn staff_roles<'r>(definition: &Definition, roles: &'r [String]) -> impl Iterator<Item = &'r str> {
    let file = definition.file();
    roles.iter().map(String::as_str).filter(move |r| file.roles.iter().any(|d| d.kind == RoleKind::Staff && d.id == *r))
}

/// A role's reach: its `[visibility.reach]` rule, or the default (`all`;
/// `own_stages` under `default = "closed"`).
pub fn reach_of<'d>(definition: &'d Definition, role: &str) -> std::borrow::Cow<'d, Reach> {
    let visibility = &definition.file().visibility;
    let default = match visibility.default {
        Access::Open => ReachRule::All,
        Access::Closed => ReachRule::OwnStages,
    };
    visibility.reach.get(role).map_or(std::borrow::Cow::Owned(Reach::Rule(default)), std::borrow::Cow::Borrowed)
}

/// The roles that read an input no rule names, under `default = "closed"`:
/// those that perform or supervise the stage its action leaves or enters.
fn closed_input_readers<'d>(definition: &'d Definition, action: &str) -> Vec<&'d str> {
    let Some(action) = definition.action(action) else {
        return Vec::new();
    };
    let mut stages: Vec<&str> = action.from.ids();
    stages.push(&action.to);
    let mut readers: Vec<&str> = action.by.iter().map(String::as_str).collect();
    for stage in stages.into_iter().filter_map(|s| definition.stage(s)) {
        readers.extend(stage.role.as_deref());
        readers.extend(stage.supervisor.as_deref());
    }
    readers
}

/// Whether a person (`user` holding `roles`) may open `case` at all.
pub fn reaches(definition: &Definition, case: &Case, user: &str, roles: &[String]) -> bool {
    staff_roles(definition, roles).any(|role| {
        let own = own_stages(definition, role);
        let stage = definition.stage(&case.stage);
        let supervises = stage.is_some_and(|s| s.supervisor.as_deref() == Some(role));
        let performs =
            stage.is_some_and(|s| s.role.as_deref() == Some(role)) || case.escalated_to.as_deref() == Some(role);
        match reach_of(definition, role).as_ref() {
            Reach::Rule(ReachRule::All) => true,
            Reach::Rule(ReachRule::OwnStages) => {
                case.visits.iter().any(|v| own.contains(&v.stage.as_str()))
                    || case.escalated_to.as_deref() == Some(role)
            }
            Reach::Rule(ReachRule::Assigned) => {
                supervises || (performs && case.assignee.as_deref().is_none_or(|a| a == user))
            }
            Reach::Stages(stages) => supervises || stages.iter().any(|s| s == &case.stage),
        }
    })
}

/// [`reaches`] decided from a list entry, where that is enough: `None` when
/// it depends on the stages the case has been at (`own_stages`), which only
/// the case knows.
pub fn reaches_summary(definition: &Definition, summary: &CaseSummary, user: &str, roles: &[String]) -> Option<bool> {
    let mut undecided = false;
    for role in staff_roles(definition, roles) {
        let stage = definition.stage(&summary.stage);
        let supervises = stage.is_some_and(|s| s.supervisor.as_deref() == Some(role));
        let decided = match reach_of(definition, role).as_ref() {
            Reach::Rule(ReachRule::All) => Some(true),
            Reach::Rule(ReachRule::OwnStages) => {
                let own = own_stages(definition, role);
                // At one of its stages now: reached, whatever came before.
                if own.contains(&summary.stage.as_str()) || summary.role.as_deref() == Some(role) {
                    Some(true)
                } else if summary.visited.is_empty() {
                    None // a summary from before `visited`: the case decides
                } else {
                    Some(summary.visited.iter().any(|s| own.contains(&s.as_str())))
                }
            }
            Reach::Rule(ReachRule::Assigned) => Some(
                supervises
                    || (summary.role.as_deref() == Some(role) && summary.assignee.as_deref().is_none_or(|a| a == user)),
            ),
            Reach::Stages(stages) => Some(supervises || stages.iter().any(|s| s == &summary.stage)),
        };
        match decided {
            Some(true) => return Some(true),
            Some(false) => {}
            None => undecided = true,
        }
    }
    if undecided { None } else { Some(false) }
}

/// The cases of this workflow a person (`user` holding `roles`) reaches, as
/// filter clauses a store answers from its summaries (one per role; none
/// when they hold no staff role of it). A kept entry is decided exactly by
/// [`reaches_summary`] (and, for an entry without its stages visited, by
/// [`reaches`]).
pub fn reach_clauses(definition: &Definition, user: &str, roles: &[String]) -> Vec<crate::storage::ReachClause> {
    use crate::storage::{ReachClause, ReachScope};
    let file = definition.file();
    staff_roles(definition, roles)
        .map(|role| {
            let stages = |f: &dyn Fn(&crate::definition::Stage) -> bool| -> Vec<String> {
                file.stages.iter().filter(|s| f(s)).map(|s| s.id.clone()).collect()
            };
            let supervised = stages(&|s| s.supervisor.as_deref() == Some(role));
            let scope = match reach_of(definition, role).as_ref() {
                Reach::Rule(ReachRule::All) => ReachScope::All,
                Reach::Rule(ReachRule::OwnStages) => {
                    let own: Vec<String> = own_stages(definition, role).into_iter().map(str::to_owned).collect();
                    ReachScope::Stages { now: own.clone(), visited: own, role: Some(role.to_owned()) }
                }
                Reach::Rule(ReachRule::Assigned) => ReachScope::Assigned {
                    role: role.to_owned(),
                    performed: stages(&|s| s.role.as_deref() == Some(role)),
                    supervised,
                    user: user.to_owned(),
                },
                Reach::Stages(list) => {
                    let mut now = list.clone();
                    now.extend(supervised);
                    ReachScope::Stages { now, visited: Vec::new(), role: None }
                }
            };
            ReachClause { workflow: file.id.clone(), scope }
        })
        .collect()
}

/// Whether staff with `roles` read input `input` of action `action`.
pub fn reads_input(definition: &Definition, action: &str, input: &str, roles: &[String]) -> bool {
    let visibility = &definition.file().visibility;
    match (visibility.inputs.get(&format!("{action}.{input}")), visibility.default) {
        (Some(readers), _) => roles.iter().any(|r| readers.contains(r)),
        (None, Access::Open) => true,
        (None, Access::Closed) => {
            let readers = closed_input_readers(definition, action);
            roles.iter().any(|r| readers.contains(&r.as_str()))
        }
    }
}

/// Whether staff with `roles` see history entries of `kind` (an
/// [`crate::engine::EventKind::name`]). A role without a rule sees them all.
pub fn sees_event(definition: &Definition, kind: &str, roles: &[String]) -> bool {
    let rules = &definition.file().visibility.history;
    let mut staff = staff_roles(definition, roles).peekable();
    if staff.peek().is_none() {
        return false;
    }
    staff.any(|role| rules.get(role).is_none_or(|kinds| kinds.iter().any(|k| k == kind)))
}

/// Whether staff with `roles` read every confidential field of the form:
/// the applicant's identity. Others see neutral file names, since a file's
/// name often carries a name or a NIP.
pub fn reads_identity(definition: &Definition, roles: &[String]) -> bool {
    let held: Vec<&str> = roles.iter().map(String::as_str).collect();
    definition.file().form.fields.iter().filter(|f| f.confidential).all(|f| definition.may_read_field(&held, f))
}

/// Whether the applicant sees this part of their case on the tracking page
/// (`[visibility] applicant`).
pub fn applicant_sees(definition: &Definition, part: crate::definition::ApplicantView) -> bool {
    definition.file().visibility.applicant.contains(&part)
}

/// The neutral name of the `n`-th file of a case (1-based): `lampiran-2.pdf`.
pub fn neutral_name(file: &FileRef, n: usize) -> String {
    format!("lampiran-{n}.{}", file.file_type.extension())
}

/// The file as a reader sees it: its own name, or a neutral one numbered
/// by its place among the case's attachments.
pub fn shown_file(case: &Case, file: &FileRef, identity: bool) -> FileRef {
    if identity {
        return file.clone();
    }
    let n = case.attachments.iter().position(|a| a.file.id == file.id).map_or(0, |i| i + 1);
    FileRef { name: neutral_name(file, n), ..file.clone() }
}

/// What may be added to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Addition {
    /// An internal note.
    Note,
    /// A file.
    Attachment,
}

/// Why something may not be added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddDenied {
    /// The case is closed and the rule does not allow adding after closing.
    Closed,
    /// None of the person's roles may add it; these may.
    Role(Vec<String>),
    /// Not at this stage; at these.
    Stage(Vec<String>),
}

/// Whether staff with `roles` may add `what` to `case` now.
pub fn may_add(definition: &Definition, case: &Case, roles: &[String], what: Addition) -> Result<(), AddDenied> {
    let visibility = &definition.file().visibility;
    let rule = match what {
        Addition::Note => visibility.notes.as_ref(),
        Addition::Attachment => visibility.attachments.as_ref(),
    };
    let default = AddRule { by: Vec::new(), stages: Vec::new(), after_closing: false };
    let rule = rule.unwrap_or(&default);
    if case.status == Status::Closed && !rule.after_closing {
        return Err(AddDenied::Closed);
    }
    let allowed: Vec<String> = if rule.by.is_empty() {
        definition
            .file()
            .roles
            .iter()
            .filter(|r| r.kind == RoleKind::Staff && r.id != SYSTEM_ROLE)
            .map(|r| r.id.clone())
            .collect()
    } else {
        rule.by.clone()
    };
    if !roles.iter().any(|r| allowed.contains(r)) {
        return Err(AddDenied::Role(allowed));
    }
    if !rule.stages.is_empty() && !rule.stages.contains(&case.stage) && case.status != Status::Closed {
        return Err(AddDenied::Stage(rule.stages.clone()));
    }
    Ok(())
}
