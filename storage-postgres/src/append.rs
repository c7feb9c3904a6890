//! `append`: one transaction per case write, guarded by a version
//! compare-and-swap on the projection row.
//!
//! Statements, in order, inside `BEGIN; SET LOCAL synchronous_commit = on`
//! (READ COMMITTED):
//!
//! 1. the compare-and-swap: for version 0 `INSERT INTO cases … ON CONFLICT
//!    DO NOTHING` (an existing case or tracking code inserts nothing), else
//!    `UPDATE cases … WHERE version = $expected`. No row → `Conflict`. The
//!    row lock this takes serialises every writer of the case: a second
//!    writer at the same version blocks, then re-reads the committed row,
//!    finds the version moved and updates nothing.
//! 2. the events (`UNNEST` of their seqs, hashes and JSON), one statement;
//! 3. the outbox items, one statement (`ON CONFLICT DO NOTHING`; fewer rows
//!    than items → `Conflict`);
//! 4. the idempotency record (`ON CONFLICT DO NOTHING`; no row → `Conflict`:
//!    the key was used, possibly by a racing request on another case);
//! 5. the summary (upsert);
//! 6. `COMMIT`, which returns once the WAL is flushed.
//!
//! Any early return drops the transaction, which rolls it back: nothing is
//! written unless everything is.

use sigap_core::storage::memory::check_append;
use sigap_core::storage::{Append, StorageError};
use sqlx::PgPool;
use sqlx::postgres::PgConnection;

use crate::error::{corrupt, from_sqlx};
use crate::rows::{enum_text, to_i64};

/// Starts a durable transaction whatever the server's or role's default
/// `synchronous_commit`: `Ok` from `append` means the WAL is on disk.
pub(crate) const BEGIN_DURABLE: &str = "BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL synchronous_commit = on";

/// Everything an append writes, serialised before the transaction starts.
struct Rows {
    state: String,
    version: i64,
    expected: i64,
    seqs: Vec<i64>,
    hashes: Vec<String>,
    bodies: Vec<String>,
}

pub(crate) async fn append(pool: &PgPool, append: Append) -> Result<(), StorageError> {
    check_append(&append)?;
    let rows = Rows {
        state: serde_json::to_string(&append.state).map_err(|e| corrupt("the case's projection", e))?,
        version: to_i64("version", append.state.version)?,
        expected: to_i64("expected version", append.expected_version)?,
        seqs: append.events.iter().map(|e| to_i64("sequence number", e.seq)).collect::<Result<_, _>>()?,
        hashes: append.events.iter().map(|e| e.hash.clone()).collect(),
        bodies: append
            .events
            .iter()
            .map(|e| serde_json::to_string(e).map_err(|e| corrupt("an event", e)))
            .collect::<Result<_, _>>()?,
    };
    let doing = format!("appending to case {} of {}", append.case, append.organisation);
    let mut tx = pool.begin_with(BEGIN_DURABLE).await.map_err(|e| from_sqlx(&doing, e))?;
    swap_version(&mut tx, &append, &rows).await?;
    sqlx::query(
        "INSERT INTO events (organisation, case_id, seq, hash, body) \
         SELECT $1, $2, seq, hash, body \
         FROM UNNEST($3::bigint[], $4::text[], $5::text[]) AS e (seq, hash, body)",
    )
    .bind(&append.organisation)
    .bind(append.case.as_str())
    .bind(&rows.seqs)
    .bind(&rows.hashes)
    .bind(&rows.bodies)
    .execute(&mut *tx)
    .await
    .map_err(|e| from_sqlx(&doing, e))?;
    write_outbox(&mut tx, &append, &doing).await?;
    write_idempotency(&mut tx, &append, &doing).await?;
    write_summary(&mut tx, &append).await.map_err(|e| from_sqlx(&doing, e))?;
    tx.commit().await.map_err(|e| from_sqlx(&doing, e))
}

/// Step 1: create the case row, or move its version on; `Conflict` if it moved.
async fn swap_version(tx: &mut PgConnection, append: &Append, rows: &Rows) -> Result<(), StorageError> {
    let doing = format!("writing case {} of {}", append.case, append.organisation);
    let db = |e| from_sqlx(&doing, e);
    let swapped = if append.expected_version == 0 {
        sqlx::query(
            "INSERT INTO cases (organisation, case_id, version, tracking_code, state) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(&append.organisation)
        .bind(append.case.as_str())
        .bind(rows.version)
        .bind(append.state.tracking_code.as_str())
        .bind(&rows.state)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected()
    } else {
        sqlx::query(
            "UPDATE cases SET version = $3, state = $4 \
             WHERE organisation = $1 AND case_id = $2 AND version = $5",
        )
        .bind(&append.organisation)
        .bind(append.case.as_str())
        .bind(rows.version)
        .bind(&rows.state)
        .bind(rows.expected)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected()
    };
    if swapped == 1 {
        return Ok(());
    }
    let current: Option<i64> = sqlx::query_scalar("SELECT version FROM cases WHERE organisation = $1 AND case_id = $2")
        .bind(&append.organisation)
        .bind(append.case.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
    Err(StorageError::conflict(match current {
        None if append.expected_version == 0 => {
            format!("tracking code {} is in use by another case", append.state.tracking_code)
        }
        current => {
            format!("case {} is at version {}, not {}", append.case, current.unwrap_or(0), append.expected_version)
        }
    }))
}

/// Step 3: the outbox items.
async fn write_outbox(tx: &mut PgConnection, append: &Append, doing: &str) -> Result<(), StorageError> {
    if append.outbox.is_empty() {
        return Ok(());
    }
    let items = &append.outbox;
    let mut seqs = Vec::with_capacity(items.len());
    let mut attempts = Vec::with_capacity(items.len());
    let mut messages = Vec::with_capacity(items.len());
    for item in items {
        seqs.push(to_i64("outbox seq", item.seq)?);
        attempts.push(i32::try_from(item.attempts).unwrap_or(i32::MAX));
        messages.push(serde_json::to_string(&item.message).map_err(|e| corrupt("an outbox message", e))?);
    }
    let written = sqlx::query(
        "INSERT INTO outbox (id, organisation, case_id, seq, created_at, available_at, \
                             attempts, last_error, message) \
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::bigint[], \
                              $5::timestamptz[], $6::timestamptz[], $7::integer[], $8::text[], \
                              $9::text[]) \
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(items.iter().map(|i| i.id.as_str()).collect::<Vec<_>>())
    .bind(items.iter().map(|i| i.organisation.as_str()).collect::<Vec<_>>())
    .bind(items.iter().map(|i| i.case.as_str()).collect::<Vec<_>>())
    .bind(&seqs)
    .bind(items.iter().map(|i| i.created_at).collect::<Vec<_>>())
    .bind(items.iter().map(|i| i.available_at).collect::<Vec<_>>())
    .bind(&attempts)
    .bind(items.iter().map(|i| i.last_error.as_deref()).collect::<Vec<_>>())
    .bind(&messages)
    .execute(&mut *tx)
    .await
    .map_err(|e| from_sqlx(doing, e))?
    .rows_affected();
    if written == items.len() as u64 {
        Ok(())
    } else {
        Err(StorageError::conflict(format!("an outbox item of case {} exists already", append.case)))
    }
}

/// Step 4: the idempotency record.
async fn write_idempotency(tx: &mut PgConnection, append: &Append, doing: &str) -> Result<(), StorageError> {
    let Some(record) = &append.idempotency else {
        return Ok(());
    };
    let written = sqlx::query(
        "INSERT INTO idempotency_keys (organisation, key, fingerprint, case_id, response, at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
    )
    .bind(&append.organisation)
    .bind(&record.key)
    .bind(&record.fingerprint)
    .bind(record.case.as_str())
    .bind(record.response.to_string())
    .bind(record.at)
    .execute(&mut *tx)
    .await
    .map_err(|e| from_sqlx(doing, e))?
    .rows_affected();
    if written == 1 {
        Ok(())
    } else {
        Err(StorageError::conflict(format!("idempotency key {} was used already", record.key)))
    }
}

/// Step 5: the summary.
async fn write_summary(tx: &mut PgConnection, append: &Append) -> Result<(), sqlx::Error> {
    let s = &append.summary;
    sqlx::query(
        "INSERT INTO case_summaries (organisation, case_id, workflow, workflow_version, \
             tracking_code, stage, role, assignee, status, outcome, submitted_at, updated_at, \
             version, due, warn, next_deadline, visited) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
         ON CONFLICT (organisation, case_id) DO UPDATE SET \
             workflow = EXCLUDED.workflow, workflow_version = EXCLUDED.workflow_version, \
             tracking_code = EXCLUDED.tracking_code, stage = EXCLUDED.stage, \
             role = EXCLUDED.role, assignee = EXCLUDED.assignee, status = EXCLUDED.status, \
             outcome = EXCLUDED.outcome, submitted_at = EXCLUDED.submitted_at, \
             updated_at = EXCLUDED.updated_at, version = EXCLUDED.version, \
             due = EXCLUDED.due, warn = EXCLUDED.warn, next_deadline = EXCLUDED.next_deadline, \
             visited = EXCLUDED.visited",
    )
    .bind(&append.organisation)
    .bind(append.case.as_str())
    .bind(&s.workflow)
    .bind(&s.workflow_version)
    .bind(s.tracking_code.as_str())
    .bind(&s.stage)
    .bind(&s.role)
    .bind(&s.assignee)
    .bind(enum_text(&s.status))
    .bind(s.outcome.as_ref().map(enum_text))
    .bind(s.submitted_at)
    .bind(s.updated_at)
    // check_append made sure the summary's version is the state's.
    .bind(i64::try_from(s.version).unwrap_or(i64::MAX))
    .bind(s.due)
    .bind(s.warn)
    .bind(s.next_deadline)
    .bind(&s.visited)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
