//! Sigap's PostgreSQL store (sqlx): the production backend, safe for several
//! server processes on one database.
//!
//! [`PgStore`] implements [`sigap_core::storage::Store`] and behaves as the
//! reference [`MemoryStore`](sigap_core::storage::memory::MemoryStore): it
//! passes the same conformance suite. No sqlx type crosses its API but the
//! pool [`PgStore::from_pool`] takes; every error becomes a
//! [`StorageError`]: connection failures are [`ErrorKind::Unavailable`],
//! lost races [`ErrorKind::Conflict`], rows that do not read back
//! [`ErrorKind::Corrupt`].
//!
//! # Schema
//! Embedded migrations (`migrations/`, applied by [`PgStore::connect`] and
//! [`PgStore::from_pool`] under sqlx's advisory lock, so processes starting
//! together migrate once). A database holding a migration this build does not
//! know is refused with [`ErrorKind::SchemaTooNew`]. Identifier columns use
//! the `"C"` collation (byte order, as the reference store); JSON is `text`,
//! byte-exact as serde_json wrote it.
//!
//! | table | key | holds |
//! |---|---|---|
//! | `cases` | (organisation, case_id); tracking_code unique | version, projection JSON |
//! | `case_summaries` | (organisation, case_id) → `cases` | the [`CaseSummary`] as columns |
//! | `events` | (organisation, case_id, seq) → `cases` | event JSON and its hash; append-only |
//! | `outbox` | id | item columns, message JSON, lease_holder, lease_until |
//! | `idempotency_keys` | (organisation, key) | fingerprint, case, response JSON, at |
//! | `blobs` | (organisation, id) | bytea, content-addressed |
//! | `definitions`, `calendars` | (organisation, id, version) | JSON body |
//! | `revoked` | revoked_key | until_at: refused until then (signed-out sessions) |
//!
//! Indexes: `case_summaries (organisation, submitted_at DESC, case_id DESC)`
//! for lists; the same behind `role` and behind `assignee` (partial, non-null)
//! for inboxes; `case_summaries (next_deadline, case_id, organisation) WHERE
//! status <> 'closed' AND next_deadline IS NOT NULL` for [`CaseLog::due`];
//! `outbox (available_at, id)` for claiming; a GIN index on
//! `case_summaries.visited` (the stages a case has been at, for reach rules;
//! empty in rows written before migration `20261207000000_visited`).
//!
//! # Transaction boundaries
//! - `append` is one transaction (see `append.rs`): a compare-and-swap on
//!   `cases.version` (`UPDATE … WHERE version = $expected`, or an insert that
//!   conflicts at version 0), then the events, outbox items, idempotency
//!   record and summary, then `COMMIT`. Anything short of all of it rolls
//!   back. `SET LOCAL synchronous_commit = on` rides on the `BEGIN`, so `Ok`
//!   means the commit record is flushed whatever the server's default.
//! - `put_blob`, `put_definition` and `put_calendar` are one durable
//!   transaction each (`ON CONFLICT DO NOTHING`: idempotent).
//! - `claim_outbox`, `complete_outbox` and `retry_outbox` are one statement each.
//! - Reads are single statements (READ COMMITTED); `case` and `events` may
//!   see different moments, which the version compare-and-swap makes harmless.
//!
//! # Concurrency rules
//! - Never a lost update: writers of one case serialise on its `cases` row
//!   lock; a stale writer's `UPDATE … WHERE version = $expected` matches no
//!   row once the winner commits (READ COMMITTED re-checks the predicate on
//!   the newest row version). Two creators race on the primary key (or the
//!   tracking code), two identical idempotency keys on theirs; the loser's
//!   insert waits for the winner and then inserts nothing. All of these are
//!   [`ErrorKind::Conflict`]. Isolation is not raised to SERIALIZABLE: the
//!   compare-and-swap is the guard.
//! - Outbox items are leased with `FOR UPDATE SKIP LOCKED` plus a lease
//!   (holder, until): N processes split the work, a crashed process's items
//!   come back when its lease ends, and only the holder completes or retries.
//! - A connection lost mid-transaction rolls back on the server; the caller
//!   gets [`ErrorKind::Unavailable`] (for a lost `COMMIT` reply the write may
//!   or may not have happened: retry with the idempotency key). The pool
//!   tests each connection before handing it out and reconnects by itself.

/// The columns of `case_summaries` that `rows::summary` reads, as a literal for `concat!`.
macro_rules! summary_columns {
    () => {
        "organisation, case_id, workflow, workflow_version, tracking_code, stage, role, \
         assignee, status, outcome, submitted_at, updated_at, version, due, warn, next_deadline, visited"
    };
}

mod append;
mod error;
mod outbox;
mod read;
mod rows;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sigap_core::engine::{Case, CaseId, Event, TrackingCode};
use sigap_core::storage::memory::check_blob;
use sigap_core::storage::{
    Append, Blobs, CaseLog, CaseQuery, CaseSummary, Definitions, ErrorKind, Idempotency, IdempotencyRecords, Outbox,
    OutboxItem, Revocations, StorageError,
};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPoolOptions};
use sqlx::{Connection, PgPool};

use crate::error::{from_migrate, from_sqlx};
use crate::read::Document;

/// The schema migrations this build carries.
static MIGRATOR: Migrator = sqlx::migrate!();

/// How [`PgStore::connect`] sets up its pool and sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgOptions {
    /// The most connections the pool opens (default 10).
    pub max_connections: u32,
    /// Connections kept open while idle (default 0).
    pub min_connections: u32,
    /// How long an operation waits for a connection before it is
    /// [`ErrorKind::Unavailable`] (default 5 s). Also bounds reconnecting
    /// while the server is down.
    pub acquire_timeout: Duration,
    /// How long the first connection in [`PgStore::connect`] may take (default 5 s).
    pub connect_timeout: Duration,
    /// The server cancels a statement running longer (default 30 s; `None`: the server's setting).
    pub statement_timeout: Option<Duration>,
    /// The server ends a session idle inside a transaction this long, so a
    /// stalled process cannot hold a case's row lock (default 60 s).
    pub idle_in_transaction_timeout: Option<Duration>,
    /// The `application_name` the server shows in `pg_stat_activity` (default `sigap`).
    pub application_name: String,
}

impl Default for PgOptions {
    fn default() -> Self {
        Self {
            max_connections: 10,
            min_connections: 0,
            acquire_timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(5),
            statement_timeout: Some(Duration::from_secs(30)),
            idle_in_transaction_timeout: Some(Duration::from_secs(60)),
            application_name: "sigap".to_owned(),
        }
    }
}

/// Sigap's store on PostgreSQL.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    /// Where the database is, for `Unavailable` messages.
    place: Arc<str>,
}

/// "database D at host:port" (or the socket), for messages; never the password.
fn place(options: &PgConnectOptions) -> String {
    let database = options.get_database().unwrap_or("(default)");
    match options.get_socket() {
        Some(socket) => format!("database {database} via {}", socket.display()),
        None => format!("database {database} at {}:{}", options.get_host(), options.get_port()),
    }
}

async fn migrate(connection: &mut PgConnection, place: &str) -> Result<(), StorageError> {
    let newest = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    MIGRATOR.run(connection).await.map_err(|e| from_migrate(place, newest, e))
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user@host:port/db`),
    /// applies the schema migrations and returns a store over a pool.
    ///
    /// Fails fast with [`ErrorKind::Unavailable`] naming the host and the
    /// cause when the server cannot be reached, refuses the credentials or
    /// has no such database; [`ErrorKind::SchemaTooNew`] when a newer build
    /// migrated the database; [`ErrorKind::Invalid`] for a malformed URL.
    pub async fn connect(url: &str, options: PgOptions) -> Result<Self, StorageError> {
        let connect = PgConnectOptions::from_str(url)
            .map_err(|e| StorageError::new(ErrorKind::Invalid, format!("not a PostgreSQL connection URL: {e}")))?;
        let mut settings = vec![("synchronous_commit", "on".to_owned())];
        if let Some(timeout) = options.statement_timeout {
            settings.push(("statement_timeout", timeout.as_millis().to_string()));
        }
        if let Some(timeout) = options.idle_in_transaction_timeout {
            settings.push(("idle_in_transaction_session_timeout", timeout.as_millis().to_string()));
        }
        let connect = connect.application_name(&options.application_name).options(settings);
        let place = place(&connect);
        let first = tokio::time::timeout(options.connect_timeout, PgConnection::connect_with(&connect)).await.map_err(
            |_| {
                StorageError::unavailable(format!(
                    "connecting to PostgreSQL {place}: no answer within {} ms",
                    options.connect_timeout.as_millis()
                ))
            },
        )?;
        let mut first = first.map_err(|e| from_sqlx(&format!("connecting to PostgreSQL {place}"), e))?;
        migrate(&mut first, &place).await?;
        // The pool opens its own connections; a failed goodbye changes nothing.
        let _ = first.close().await;
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections)
            .min_connections(options.min_connections)
            .acquire_timeout(options.acquire_timeout)
            .test_before_acquire(true)
            .connect_lazy_with(connect);
        Ok(Self { pool, place: place.into() })
    }

    /// A store over an existing pool (its sessions should keep
    /// `synchronous_commit` on for reads to be of durable data; appends force
    /// it on anyway). Applies the schema migrations first.
    pub async fn from_pool(pool: PgPool) -> Result<Self, StorageError> {
        let place = place(&pool.connect_options());
        let mut connection =
            pool.acquire().await.map_err(|e| from_sqlx(&format!("connecting to PostgreSQL {place}"), e))?;
        migrate(&mut connection, &place).await?;
        drop(connection);
        Ok(Self { pool, place: place.into() })
    }

    /// Closes the pool: waits for connections in use to come back, then
    /// closes them all. Later calls fail with [`ErrorKind::Unavailable`].
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Names the database in an `Unavailable` error, for the operator.
    fn located<T>(&self, result: Result<T, StorageError>) -> Result<T, StorageError> {
        result.map_err(|e| match e.kind() {
            ErrorKind::Unavailable => {
                StorageError::new(ErrorKind::Unavailable, format!("{} (PostgreSQL {})", e.message(), self.place))
            }
            _ => e,
        })
    }
}

#[async_trait]
impl CaseLog for PgStore {
    async fn append(&self, append: Append) -> Result<(), StorageError> {
        self.located(append::append(&self.pool, append).await)
    }

    async fn case(&self, organisation: &str, id: &CaseId) -> Result<Option<Case>, StorageError> {
        self.located(read::case(&self.pool, organisation, id).await)
    }

    async fn events(&self, organisation: &str, id: &CaseId) -> Result<Vec<Event>, StorageError> {
        self.located(read::events(&self.pool, organisation, id).await)
    }

    async fn find_tracking_code(&self, code: &TrackingCode) -> Result<Option<(String, CaseId)>, StorageError> {
        self.located(read::find_tracking_code(&self.pool, code).await)
    }

    async fn list(&self, query: &CaseQuery) -> Result<Vec<CaseSummary>, StorageError> {
        self.located(read::list(&self.pool, query).await)
    }

    async fn count(&self, query: &CaseQuery) -> Result<usize, StorageError> {
        self.located(read::count(&self.pool, query).await)
    }

    async fn due(&self, before: DateTime<Utc>, limit: usize) -> Result<Vec<CaseSummary>, StorageError> {
        self.located(read::due(&self.pool, before, limit).await)
    }

    async fn case_ids(
        &self,
        after: Option<(&str, &CaseId)>,
        limit: usize,
    ) -> Result<Vec<(String, CaseId)>, StorageError> {
        self.located(read::case_ids(&self.pool, after, limit).await)
    }
}

#[async_trait]
impl IdempotencyRecords for PgStore {
    async fn idempotency(&self, organisation: &str, key: &str) -> Result<Option<Idempotency>, StorageError> {
        self.located(read::idempotency(&self.pool, organisation, key).await)
    }
}

#[async_trait]
impl Outbox for PgStore {
    async fn claim_outbox(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<OutboxItem>, StorageError> {
        self.located(outbox::claim(&self.pool, worker, now, lease_until, limit).await)
    }

    async fn complete_outbox(&self, id: &str, worker: &str) -> Result<(), StorageError> {
        self.located(outbox::complete(&self.pool, id, worker).await)
    }

    async fn complete_outbox_batch(&self, ids: &[String], worker: &str) -> Result<Vec<String>, StorageError> {
        self.located(outbox::complete_batch(&self.pool, ids, worker).await)
    }

    async fn retry_outbox(
        &self,
        id: &str,
        worker: &str,
        retry_at: DateTime<Utc>,
        error: &str,
    ) -> Result<(), StorageError> {
        self.located(outbox::retry(&self.pool, id, worker, retry_at, error).await)
    }

    async fn outbox_items(&self, after: Option<&str>, limit: usize) -> Result<Vec<OutboxItem>, StorageError> {
        self.located(outbox::items(&self.pool, after, limit).await)
    }
}

#[async_trait]
impl Revocations for PgStore {
    async fn revoke(&self, key: &str, until: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), StorageError> {
        self.located(read::revoke(&self.pool, key, until, now).await)
    }

    async fn is_revoked(&self, key: &str, now: DateTime<Utc>) -> Result<bool, StorageError> {
        self.located(read::is_revoked(&self.pool, key, now).await)
    }
}

#[async_trait]
impl Blobs for PgStore {
    async fn put_blob(&self, organisation: &str, id: &str, bytes: &[u8]) -> Result<(), StorageError> {
        check_blob(id, bytes)?;
        self.located(read::put_blob(&self.pool, organisation, id, bytes).await)
    }

    async fn blob(&self, organisation: &str, id: &str) -> Result<Option<Vec<u8>>, StorageError> {
        self.located(read::blob(&self.pool, organisation, id).await)
    }
}

#[async_trait]
impl Definitions for PgStore {
    async fn put_definition(
        &self,
        organisation: &str,
        id: &str,
        version: &str,
        body: &str,
    ) -> Result<(), StorageError> {
        self.located(read::put_document(&self.pool, Document::Definition, [organisation, id, version], body).await)
    }

    async fn definition(&self, organisation: &str, id: &str, version: &str) -> Result<Option<String>, StorageError> {
        self.located(read::document(&self.pool, Document::Definition, [organisation, id, version]).await)
    }

    async fn put_calendar(&self, organisation: &str, id: &str, version: &str, body: &str) -> Result<(), StorageError> {
        self.located(read::put_document(&self.pool, Document::Calendar, [organisation, id, version], body).await)
    }

    async fn calendar(&self, organisation: &str, id: &str, version: &str) -> Result<Option<String>, StorageError> {
        self.located(read::document(&self.pool, Document::Calendar, [organisation, id, version]).await)
    }
}
