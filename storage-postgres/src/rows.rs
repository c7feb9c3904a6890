//! Rows to values and back: the column lists, enum texts and integer ranges.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sigap_core::engine::{CaseId, TrackingCode};
use sigap_core::storage::{CaseSummary, ErrorKind, OutboxItem, StorageError};
use sqlx::Row;
use sqlx::postgres::PgRow;

use crate::error::{corrupt, from_sqlx};

/// A unit-like enum's serde name (`Status::Open` → `open`).
pub(crate) fn enum_text<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        other => panic!("a unit enum serialises as a string, not {other:?}"),
    }
}

/// The enum whose serde name is `text`.
pub(crate) fn parse_enum<T: DeserializeOwned>(what: &str, text: &str) -> Result<T, StorageError> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|e| corrupt(&format!("{what} `{text}`"), e))
}

/// A count or sequence number as a PostgreSQL `bigint`.
pub(crate) fn to_i64(what: &str, value: u64) -> Result<i64, StorageError> {
    i64::try_from(value)
        .map_err(|_| StorageError::new(ErrorKind::Invalid, format!("{what} {value} is beyond what the store keeps")))
}

/// A stored `bigint` as a count or sequence number.
pub(crate) fn to_u64(what: &str, value: i64) -> Result<u64, StorageError> {
    u64::try_from(value).map_err(|_| corrupt(what, format!("negative value {value}")))
}

/// A column of a row, decode errors as `Corrupt`.
pub(crate) fn get<'r, T>(row: &'r PgRow, column: &str) -> Result<T, StorageError>
where
    T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    row.try_get(column).map_err(|e| from_sqlx(&format!("reading column {column}"), e))
}

/// A summary from a row of the columns `summary_columns!` lists.
pub(crate) fn summary(row: &PgRow) -> Result<CaseSummary, StorageError> {
    let case: String = get(row, "case_id")?;
    let what = |column: &str| format!("case {case}'s summary {column}");
    let outcome: Option<String> = get(row, "outcome")?;
    Ok(CaseSummary {
        organisation: get(row, "organisation")?,
        workflow: get(row, "workflow")?,
        workflow_version: get(row, "workflow_version")?,
        tracking_code: tracking_code(get(row, "tracking_code")?),
        stage: get(row, "stage")?,
        role: get(row, "role")?,
        assignee: get(row, "assignee")?,
        status: parse_enum(&what("status"), &get::<String>(row, "status")?)?,
        outcome: outcome.map(|o| parse_enum(&what("outcome"), &o)).transpose()?,
        submitted_at: get(row, "submitted_at")?,
        updated_at: get(row, "updated_at")?,
        version: to_u64(&what("version"), get(row, "version")?)?,
        due: get(row, "due")?,
        warn: get(row, "warn")?,
        next_deadline: get(row, "next_deadline")?,
        visited: get(row, "visited")?,
        case: case_id(&case)?,
    })
}

/// An outbox item from a row with the columns of `outbox` but the lease.
pub(crate) fn outbox_item(row: &PgRow) -> Result<OutboxItem, StorageError> {
    let id: String = get(row, "id")?;
    let message: String = get(row, "message")?;
    let attempts: i32 = get(row, "attempts")?;
    Ok(OutboxItem {
        organisation: get(row, "organisation")?,
        case: case_id(&get::<String>(row, "case_id")?)?,
        seq: to_u64(&format!("outbox item {id}'s seq"), get(row, "seq")?)?,
        created_at: get::<DateTime<Utc>>(row, "created_at")?,
        available_at: get::<DateTime<Utc>>(row, "available_at")?,
        attempts: u32::try_from(attempts).map_err(|_| corrupt(&format!("outbox item {id}'s attempts"), attempts))?,
        last_error: get(row, "last_error")?,
        message: serde_json::from_str(&message).map_err(|e| corrupt(&format!("outbox item {id}'s message"), e))?,
        id,
    })
}

/// A stored case id.
pub(crate) fn case_id(text: &str) -> Result<CaseId, StorageError> {
    CaseId::parse(text).ok_or_else(|| corrupt(&format!("case id `{text}`"), "not a case id"))
}

/// A stored tracking code (kept exactly as the engine wrote it).
fn tracking_code(text: String) -> TrackingCode {
    serde_json::from_value(serde_json::Value::String(text)).expect("a transparent string")
}
