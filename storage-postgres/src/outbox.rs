//! The outbox: leased to one worker at a time with `FOR UPDATE SKIP LOCKED`.
//!
//! Claiming is one statement: pick the earliest available, unleased (or
//! lease-expired) rows, skipping rows another claimer has locked right now,
//! and stamp them with the worker and lease end. A row a concurrent claimer
//! leased and committed meanwhile is re-checked against the new lease
//! (READ COMMITTED re-evaluates the `WHERE` on the latest row version) and
//! dropped, so N processes split the work and never share an item while a
//! lease runs. A crashed worker's rows come back once `lease_until` passes.
//! Completing deletes the row; completing or retrying needs the row to be
//! leased to that worker.

use chrono::{DateTime, Utc};
use sigap_core::storage::{ErrorKind, OutboxItem, StorageError};
use sqlx::PgPool;

use crate::error::from_sqlx;
use crate::rows::outbox_item;

/// The longest `last_error` kept, in characters (as the reference store).
const MAX_ERROR_CHARS: usize = 500;

pub(crate) async fn claim(
    pool: &PgPool,
    worker: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<OutboxItem>, StorageError> {
    let doing = format!("claiming outbox items for {worker}");
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = sqlx::query(
        "WITH picked AS ( \
             SELECT id FROM outbox \
             WHERE available_at <= $2 AND (lease_until IS NULL OR lease_until <= $2) \
             ORDER BY available_at, id \
             LIMIT $4 \
             FOR UPDATE SKIP LOCKED) \
         UPDATE outbox o SET lease_holder = $1, lease_until = $3, attempts = o.attempts + 1 \
         FROM picked WHERE o.id = picked.id \
         RETURNING o.id, o.organisation, o.case_id, o.seq, o.created_at, o.available_at, \
                   o.attempts, o.last_error, o.message",
    )
    .bind(worker)
    .bind(now)
    .bind(lease_until)
    .bind(limit)
    .fetch_all(pool)
    .await
    .map_err(|e| from_sqlx(&doing, e))?;
    let mut items = rows.iter().map(outbox_item).collect::<Result<Vec<_>, _>>()?;
    items.sort_by(|a, b| a.available_at.cmp(&b.available_at).then_with(|| a.id.cmp(&b.id)));
    Ok(items)
}

/// Undelivered items in id order after `after` (the primary key's order), for export.
pub(crate) async fn items(pool: &PgPool, after: Option<&str>, limit: usize) -> Result<Vec<OutboxItem>, StorageError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = sqlx::query(
        "SELECT id, organisation, case_id, seq, created_at, available_at, attempts, last_error, message \
         FROM outbox WHERE id > $1 ORDER BY id LIMIT $2",
    )
    // Every id is longer than "": the first page is a range scan too.
    .bind(after.unwrap_or(""))
    .bind(limit)
    .fetch_all(pool)
    .await
    .map_err(|e| from_sqlx("listing outbox items", e))?;
    rows.iter().map(outbox_item).collect()
}

pub(crate) async fn complete(pool: &PgPool, id: &str, worker: &str) -> Result<(), StorageError> {
    let doing = format!("completing outbox item {id} for {worker}");
    let done = sqlx::query("DELETE FROM outbox WHERE id = $1 AND lease_holder = $2")
        .bind(id)
        .bind(worker)
        .execute(pool)
        .await
        .map_err(|e| from_sqlx(&doing, e))?
        .rows_affected();
    if done == 1 { Ok(()) } else { Err(not_held(pool, id, worker, &doing).await) }
}

/// Deletes the delivered rows still leased to `worker` in one statement;
/// returns the ids that were not.
pub(crate) async fn complete_batch(pool: &PgPool, ids: &[String], worker: &str) -> Result<Vec<String>, StorageError> {
    let doing = format!("completing {} outbox items for {worker}", ids.len());
    let done: Vec<String> =
        sqlx::query_scalar("DELETE FROM outbox WHERE id = ANY($1) AND lease_holder = $2 RETURNING id")
            .bind(ids)
            .bind(worker)
            .fetch_all(pool)
            .await
            .map_err(|e| from_sqlx(&doing, e))?;
    let done: std::collections::HashSet<String> = done.into_iter().collect();
    Ok(ids.iter().filter(|id| !done.contains(*id)).cloned().collect())
}

pub(crate) async fn retry(
    pool: &PgPool,
    id: &str,
    worker: &str,
    retry_at: DateTime<Utc>,
    error: &str,
) -> Result<(), StorageError> {
    let doing = format!("giving outbox item {id} back from {worker}");
    let error: String = error.chars().take(MAX_ERROR_CHARS).collect();
    let done = sqlx::query(
        "UPDATE outbox SET available_at = $3, last_error = $4, lease_holder = NULL, \
             lease_until = NULL \
         WHERE id = $1 AND lease_holder = $2",
    )
    .bind(id)
    .bind(worker)
    .bind(retry_at)
    .bind(error)
    .execute(pool)
    .await
    .map_err(|e| from_sqlx(&doing, e))?
    .rows_affected();
    if done == 1 { Ok(()) } else { Err(not_held(pool, id, worker, &doing).await) }
}

/// Why a holder-only write touched nothing: someone else holds it, or it is gone.
async fn not_held(pool: &PgPool, id: &str, worker: &str, doing: &str) -> StorageError {
    let exists = sqlx::query_scalar::<_, i32>("SELECT 1 FROM outbox WHERE id = $1").bind(id).fetch_optional(pool).await;
    match exists {
        Ok(Some(_)) => StorageError::conflict(format!("outbox item {id} is not leased to {worker}")),
        Ok(None) => StorageError::new(ErrorKind::NotFound, format!("no outbox item {id}")),
        Err(e) => from_sqlx(doing, e),
    }
}
