//! The annual evaluation (Pedoman Bab IV) as a use case: which workflows a
//! person may read the report of, their cases of a year, the aggregates,
//! and one CSV of them all. Aggregates only: `sigap_core::report::evaluate`
//! reads no identifying field.

use chrono::Datelike;
use sigap_core::engine::Case;
use sigap_core::report::{self, Evaluation};
use sigap_core::storage::{CaseQuery, StorageError, Store};
use sigap_core::workflow::Workflow;

use super::error::AppError;
use crate::auth::Account;
use crate::state::AppState;

/// The workflows of the caller's organisation whose report they may read.
pub(crate) fn readable_workflows(state: &AppState, account: &Account, workflow: Option<&str>) -> Vec<Workflow> {
    let workflow = workflow.filter(|id| !id.is_empty());
    let mut list: Vec<Workflow> = state
        .service
        .workflows()
        .into_iter()
        .filter(|w| w.organisation() == account.organisation)
        .filter(|w| workflow.is_none_or(|id| w.id() == id))
        .filter(|w| sigap_core::access::may_read_report(&w.definition, &account.roles))
        .collect();
    list.sort_by(|a, b| a.id().cmp(b.id()));
    list
}

/// Every case of a workflow submitted in `year` (± a day for time zones), loaded.
pub(crate) async fn cases_of(store: &dyn Store, workflow: &Workflow, year: i32) -> Result<Vec<Case>, StorageError> {
    let mut cases = Vec::new();
    let mut offset = 0;
    loop {
        let query = CaseQuery {
            organisation: workflow.organisation().to_owned(),
            workflow: Some(workflow.id().to_owned()),
            limit: 1000,
            offset,
            ..CaseQuery::default()
        };
        let page = store.list(&query).await?;
        if page.is_empty() {
            break;
        }
        offset += page.len();
        for summary in page.iter().filter(|s| (s.submitted_at.year() - year).abs() <= 1) {
            if let Some(case) = store.case(&summary.organisation, &summary.case).await? {
                cases.push(case);
            }
        }
    }
    Ok(cases)
}

/// Parses `year` (default: the year of `now`).
pub(crate) fn year(text: Option<&str>, now: chrono::DateTime<chrono::Utc>) -> Result<i32, AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(now.year()),
        Some(t) => t.parse::<i32>().ok().filter(|y| (2000..=2100).contains(y)).ok_or_else(|| {
            AppError::bad_request("malformed_year", "year must be a four-digit year between 2000 and 2100")
        }),
    }
}

/// The evaluations of `year` the caller may read: one per workflow,
/// `workflow` narrowing to one.
pub(crate) async fn evaluations(
    state: &AppState,
    account: &Account,
    year: i32,
    workflow: Option<&str>,
) -> Result<Vec<Evaluation>, AppError> {
    let workflows = readable_workflows(state, account, workflow);
    if workflows.is_empty() {
        return Err(AppError::forbidden("your roles do not include a reader of this report")
            .id("Peran Anda tidak termasuk pembaca laporan evaluasi."));
    }
    let mut out = Vec::new();
    for workflow in workflows {
        let cases = cases_of(state.store().as_ref(), &workflow, year).await?;
        out.push(report::evaluate(&workflow.definition, workflow.calendar.time_zone(), &cases, year));
    }
    Ok(out)
}

/// `report::to_csv` of each evaluation under one header, with a workflow column.
pub(crate) fn csv(list: &[Evaluation]) -> String {
    let mut out = String::new();
    for (i, e) in list.iter().enumerate() {
        for (n, line) in report::to_csv(e).lines().enumerate() {
            if n == 0 {
                if i == 0 {
                    out.push_str(&format!("workflow,{line}\n"));
                }
            } else {
                out.push_str(&format!("{},{line}\n", e.workflow));
            }
        }
    }
    out
}
