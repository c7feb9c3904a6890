//! `GET /api/v1/reports/evaluation?year=YYYY`: the annual evaluation,
//! aggregate only, as JSON (default) or CSV (`format=csv`).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use serde::Deserialize;
use sigap_core::engine::Case;
use sigap_core::report::{self, Evaluation};
use sigap_core::storage::{CaseQuery, StorageError, Store};
use sigap_core::workflow::Workflow;

use super::error::ApiError;
use super::staff::Staff;
use crate::auth::Account;
use crate::state::AppState;

/// Report parameters.
#[derive(Debug, Deserialize)]
pub(crate) struct ReportQuery {
    pub(crate) year: Option<String>,
    pub(crate) workflow: Option<String>,
    pub(crate) format: Option<String>,
}

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
pub(crate) fn year(text: Option<&str>, now: chrono::DateTime<chrono::Utc>) -> Result<i32, ApiError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(now.year()),
        Some(t) => t.parse::<i32>().ok().filter(|y| (2000..=2100).contains(y)).ok_or_else(|| {
            ApiError::bad_request("malformed_year", "year must be a four-digit year between 2000 and 2100")
        }),
    }
}

/// The evaluations the caller may read (one per workflow, `workflow` narrowing to one).
pub(crate) async fn evaluations(
    state: &AppState,
    account: &Account,
    year: i32,
    workflow: Option<&str>,
) -> Result<Vec<Evaluation>, ApiError> {
    let workflows = readable_workflows(state, account, workflow);
    if workflows.is_empty() {
        return Err(ApiError::forbidden("your roles do not include a reader of this report")
            .id("Peran Anda tidak termasuk pembaca laporan evaluasi."));
    }
    let mut out = Vec::new();
    for workflow in workflows {
        let cases = cases_of(state.store().as_ref(), &workflow, year).await?;
        out.push(report::evaluate(&workflow.definition, workflow.calendar.time_zone(), &cases, year));
    }
    Ok(out)
}

/// `GET /api/v1/reports/evaluation`
pub(crate) async fn evaluation(
    State(state): State<Arc<AppState>>,
    Staff(account): Staff,
    Query(query): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let list =
        evaluations(&state, &account, year(query.year.as_deref(), state.now())?, query.workflow.as_deref()).await?;
    match query.format.as_deref() {
        None | Some("json") => Ok(Json(list).into_response()),
        Some("csv") => {
            let mut csv = String::new();
            for (i, e) in list.iter().enumerate() {
                let body = report::to_csv(e);
                let body = if i == 0 { body } else { body.lines().skip(1).map(|l| format!("{l}\n")).collect() };
                csv.push_str(
                    &body
                        .lines()
                        .map(|l| {
                            if l.starts_with("section,") {
                                format!("workflow,{l}\n")
                            } else {
                                format!("{},{l}\n", e.workflow)
                            }
                        })
                        .collect::<String>(),
                );
            }
            Ok((
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                    (header::CONTENT_DISPOSITION, "attachment; filename=\"evaluasi.csv\""),
                ],
                csv,
            )
                .into_response())
        }
        Some(other) => Err(ApiError::bad_request("malformed_format", format!("format `{other}`: use json or csv"))),
    }
}
