//! `GET /api/v1/reports/evaluation?year=YYYY`: the annual evaluation,
//! aggregate only, as JSON (default) or CSV (`format=csv`).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::staff::Staff;
use crate::app::{AppError, report};
use crate::state::AppState;

/// Report parameters.
#[derive(Debug, Deserialize)]
pub(crate) struct ReportQuery {
    pub(crate) year: Option<String>,
    pub(crate) workflow: Option<String>,
    pub(crate) format: Option<String>,
}

/// `GET /api/v1/reports/evaluation`
pub(crate) async fn evaluation(
    State(state): State<Arc<AppState>>,
    Staff(account): Staff,
    Query(query): Query<ReportQuery>,
) -> Result<Response, AppError> {
    let year = report::year(query.year.as_deref(), state.now())?;
    let list = report::evaluations(&state, &account, year, query.workflow.as_deref()).await?;
    match query.format.as_deref() {
        None | Some("json") => Ok(Json(list).into_response()),
        Some("csv") => Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"evaluasi.csv\""),
            ],
            report::csv(&list),
        )
            .into_response()),
        Some(other) => Err(AppError::bad_request("malformed_format", format!("format `{other}`: use json or csv"))),
    }
}
