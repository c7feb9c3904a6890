//! Supervision, from what the workflow already declares: a stage's
//! `supervisor` watches its tasks, the `[sla] overall_supervisor` every
//! task of the workflow. A supervisor sees the late and at-risk tasks in
//! those stages, the load of each person who performs them, and may hand a
//! task, or all of a person's open tasks, to another (the engine's
//! reassign: recorded on each case and notified).

use std::collections::BTreeMap;

use serde::Serialize;
use sigap_core::definition::StageKind;
use sigap_core::engine::{ClockState, Status};
use sigap_core::storage::{CaseQuery, ClockFilter, Order};

use super::error::{AppError, FieldProblem, Kind};
use super::staff::{InboxItem, assign_command, inbox_item, reach_filter, visible_workflows, within_reach};
use crate::auth::Account;
use crate::state::AppState;

/// A stage the person supervises.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub(crate) struct SupervisedStage {
    /// The workflow id.
    pub(crate) workflow: String,
    /// The workflow's label.
    pub(crate) workflow_label: String,
    /// The stage id.
    pub(crate) stage: String,
    /// The stage's label.
    pub(crate) stage_label: String,
    /// The role that performs it.
    pub(crate) role: String,
    /// Whether the person may reassign its tasks (the stage's own
    /// supervisor; an overall supervisor only watches).
    pub(crate) may_reassign: bool,
}

/// One person's open tasks in the supervised stages.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub(crate) struct Load {
    /// The user name (`None`: tasks nobody has taken yet).
    pub(crate) user: Option<String>,
    /// The name to show (empty for the unclaimed tasks).
    pub(crate) name: String,
    /// Open tasks held (up to 10,000).
    pub(crate) open: usize,
    /// Of which at risk.
    pub(crate) at_risk: usize,
    /// Of which late.
    pub(crate) late: usize,
}

/// Someone a task may go to.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub(crate) struct Candidate {
    /// The user name.
    pub(crate) user: String,
    /// The name to show.
    pub(crate) name: String,
}

/// What a supervisor sees.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct Supervision {
    /// The stages supervised (empty: the person supervises nothing).
    pub(crate) stages: Vec<SupervisedStage>,
    /// Late and at-risk tasks in them, most urgent first (at most 500).
    pub(crate) tasks: Vec<InboxItem>,
    /// Per person holding a role of those stages, then the unclaimed tasks.
    pub(crate) load: Vec<Load>,
    /// Per role of those stages, who may take its tasks.
    pub(crate) candidates: BTreeMap<String, Vec<Candidate>>,
}

/// The stages `account` supervises, in workflow and stage order.
pub(crate) fn supervised_stages(state: &AppState, account: &Account) -> Vec<SupervisedStage> {
    let holds = |role: Option<&String>| role.is_some_and(|r| account.roles.contains(r));
    let mut out = Vec::new();
    for workflow in visible_workflows(state, account) {
        let d = &workflow.definition;
        let overall = holds(d.file().sla.overall_supervisor.as_ref());
        for stage in d.file().stages.iter().filter(|s| s.kind == StageKind::Task) {
            let Some(role) = stage.role.clone() else { continue };
            let own = holds(stage.supervisor.as_ref());
            if own || overall {
                out.push(SupervisedStage {
                    workflow: workflow.id().to_owned(),
                    workflow_label: d.label().to_owned(),
                    stage: stage.id.clone(),
                    stage_label: stage.label.clone(),
                    role,
                    may_reassign: own,
                });
            }
        }
    }
    out
}

/// The queries of the supervised stages, one per workflow, for open tasks.
fn per_workflow(state: &AppState, account: &Account, stages: &[SupervisedStage]) -> Vec<CaseQuery> {
    let mut by_workflow: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for s in stages {
        by_workflow.entry(&s.workflow).or_default().push(s.stage.clone());
    }
    by_workflow
        .into_iter()
        .map(|(workflow, stages)| CaseQuery {
            organisation: account.organisation.clone(),
            workflow: Some(workflow.to_owned()),
            stages,
            statuses: vec![Status::Open],
            reach: Some(reach_filter(state, account)),
            ..CaseQuery::default()
        })
        .collect()
}

/// The dashboard of `account`.
pub(crate) async fn supervision(state: &AppState, account: &Account) -> Result<Supervision, AppError> {
    let stages = supervised_stages(state, account);
    let now = state.now();
    let queries = per_workflow(state, account, &stages);
    let urgent = ClockFilter { states: vec![ClockState::Breached, ClockState::AtRisk], at: now };
    let mut tasks = Vec::new();
    for query in &queries {
        let q = CaseQuery { clock: Some(urgent.clone()), order: Order::DueFirst, limit: 500, ..query.clone() };
        let found = within_reach(state, account, state.store().list(&q).await?).await?;
        tasks.extend(found.into_iter().map(|s| inbox_item(state, s, now, false)));
    }
    tasks.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.case.cmp(&b.case)));
    tasks.truncate(500);

    let mut roles: Vec<&str> = stages.iter().map(|s| s.role.as_str()).collect();
    roles.sort_unstable();
    roles.dedup();
    let mut candidates: BTreeMap<String, Vec<Candidate>> = BTreeMap::new();
    let mut people: Vec<(String, String)> = Vec::new();
    for role in &roles {
        let mut holding: Vec<Candidate> = state
            .accounts
            .holding(&account.organisation, role)
            .map(|a| Candidate { user: a.user.clone(), name: a.display_name().to_owned() })
            .collect();
        holding.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.user.cmp(&b.user)));
        for c in &holding {
            if !people.iter().any(|(u, _)| *u == c.user) {
                people.push((c.user.clone(), c.name.clone()));
            }
        }
        candidates.insert((*role).to_owned(), holding);
    }
    people.sort_by(|a, b| a.1.cmp(&b.1));
    let mut load = Vec::new();
    let holders: Vec<(Option<String>, String)> = people
        .into_iter()
        .map(|(user, name)| (Some(user), name))
        .chain(std::iter::once((None, String::new())))
        .collect();
    for (user, name) in holders {
        let mut line = Load { user: user.clone(), name, open: 0, at_risk: 0, late: 0 };
        for query in &queries {
            let mut q = query.clone();
            match &user {
                Some(u) => q.assignee = Some(u.clone()),
                None => q.unassigned = true,
            }
            line.open += state.store().count(&q).await?;
            let with = |state_: ClockState| CaseQuery {
                clock: Some(ClockFilter { states: vec![state_], at: now }),
                ..q.clone()
            };
            line.late += state.store().count(&with(ClockState::Breached)).await?;
            line.at_risk += state.store().count(&with(ClockState::AtRisk)).await?;
        }
        load.push(line);
    }
    Ok(Supervision { stages, tasks, load, candidates })
}

/// How a transfer went: the cases handed over, and those that could not be.
#[derive(Debug, Default, Serialize, schemars::JsonSchema)]
pub(crate) struct Transfer {
    /// Tracking codes of the tasks now held by the new person.
    pub(crate) moved: Vec<String>,
    /// Tracking codes, each with the reason it stayed.
    pub(crate) kept: Vec<(String, String)>,
}

/// Hands every open task `from` holds in the stages `account` supervises
/// (and may reassign) to `to`, each through the engine's reassign, so each
/// case records it and the new holder is notified. `to` must hold the
/// role of every such task's stage; a task they cannot take stays, named.
pub(crate) async fn transfer(state: &AppState, account: &Account, from: &str, to: &str) -> Result<Transfer, AppError> {
    let field = |name: &str, en: String, id: String| {
        let mut e = AppError::new(Kind::Unprocessable, "bad_transfer", en.clone()).id(id.clone());
        e.fields =
            vec![FieldProblem { field: name.to_owned(), code: "bad_transfer".to_owned(), message: id, message_en: en }];
        e
    };
    let known = |user: &str| state.accounts.get(user).is_some_and(|a| a.organisation == account.organisation);
    if !known(from) {
        return Err(field(
            "from",
            format!("there is no user `{from}` here"),
            "Pengguna asal tidak ditemukan.".to_owned(),
        ));
    }
    if from == to {
        return Err(field(
            "to",
            "choose someone else to hand the tasks to".to_owned(),
            "Pilih orang lain sebagai penerima tugas.".to_owned(),
        ));
    }
    let command = assign_command(state, account, to)?;
    let stages: Vec<SupervisedStage> =
        supervised_stages(state, account).into_iter().filter(|s| s.may_reassign).collect();
    if stages.is_empty() {
        return Err(AppError::forbidden("you supervise no stage whose tasks you may hand over"));
    }
    let mut tasks = Vec::new();
    for query in per_workflow(state, account, &stages) {
        let q = CaseQuery { assignee: Some(from.to_owned()), limit: 10_000, ..query };
        tasks.extend(within_reach(state, account, state.store().list(&q).await?).await?);
    }
    // A recipient who can take none of them is a mistake in the request:
    // refused whole, nothing changed.
    let recipient = state.accounts.get(to).map(|a| a.roles.clone()).unwrap_or_default();
    let mut needed: Vec<&str> = tasks.iter().filter_map(|t| t.role.as_deref()).collect();
    needed.sort_unstable();
    needed.dedup();
    if !tasks.is_empty() && !needed.iter().any(|r| recipient.iter().any(|h| h == r)) {
        return Err(field(
            "to",
            format!("`{to}` holds none of the roles these tasks need ({})", needed.join(", ")),
            format!("`{to}` tidak memegang peran yang dibutuhkan tugas-tugas ini ({}).", needed.join(", ")),
        ));
    }
    let mut result = Transfer::default();
    for summary in tasks {
        let code = summary.tracking_code.to_string();
        match super::staff::command(state, account, summary.case.as_str(), command.clone(), None, None).await {
            Ok(_) => result.moved.push(code),
            Err(e) => result.kept.push((code, e.message_id.clone().unwrap_or(e.message))),
        }
    }
    Ok(result)
}
