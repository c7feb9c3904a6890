//! The storage seam: the case log ([`CaseLog`]) and five capabilities a
//! backend adds to it — [`IdempotencyRecords`], [`Outbox`],
//! [`Revocations`], [`Blobs`] and [`Definitions`]. [`Store`] is all six
//! together, implemented for every type that has them; import the
//! capability whose methods you call.
//!
//! The server holds its backend as `Arc<dyn Store>`, chosen at run time
//! (sled by default, PostgreSQL for production and several machines). No
//! backend type crosses this seam; backends convert their errors into
//! [`StorageError`] with a portable [`ErrorKind`]. Every key and row belongs
//! to an organisation (tenant), so several provinces can share one
//! deployment without seeing each other.
//!
//! One conformance suite (`sigap_core::testing`, feature `testing`) checks
//! every backend, grouped per capability, one test per case;
//! [`memory::MemoryStore`] is the reference.

mod error;
pub mod memory;
mod types;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

pub use error::{ErrorKind, StorageError};
pub use types::{
    Append, COUNT_CAP, CaseQuery, CaseSummary, ClockFilter, Idempotency, MAX_BLOB_BYTES, Order, OutboxItem,
    OutboxMessage, ReachClause, ReachScope, Recipient,
};

use crate::engine::{Case, CaseId, Event, TrackingCode};

/// How long past its instant a revoked key is kept before a later
/// [`Revocations::revoke`] may drop it: room for processes whose clocks differ.
pub const REVOCATION_GRACE: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// Where cases, their histories, the outbox, attachments and definitions
/// live: every capability of a backend in one object (`Arc<dyn Store>`).
pub trait Store: CaseLog + IdempotencyRecords + Outbox + Revocations + Blobs + Definitions {}

impl<T: CaseLog + IdempotencyRecords + Outbox + Revocations + Blobs + Definitions> Store for T {}

/// The case log: each case's events, projection and summary, written
/// atomically with the case's outbox items and idempotency record.
#[async_trait]
pub trait CaseLog: Send + Sync + 'static {
    /// Appends a case's new events, its new projection and its outbox items
    /// in one atomic write, if the case is still at `append.expected_version`
    /// (0 creates the case).
    ///
    /// # Correctness
    /// - All or nothing: events, projection, summary, outbox items and the
    ///   idempotency record are written together or not at all.
    /// - A stale `expected_version` (or an existing case at 0) is an
    ///   [`ErrorKind::Conflict`] and writes nothing: never a lost update.
    /// - An idempotency key already recorded for the organisation is an
    ///   [`ErrorKind::Conflict`] too (the caller reads the first response back).
    /// - Durable on return: once `Ok` is returned the write survives a crash
    ///   of the process or machine.
    async fn append(&self, append: Append) -> Result<(), StorageError>;

    /// A case's current projection.
    ///
    /// # Correctness
    /// Reads its own writes: once an append has returned, every later read
    /// (in any process sharing the store) sees it; never a torn projection.
    async fn case(&self, organisation: &str, id: &CaseId) -> Result<Option<Case>, StorageError>;

    /// A case's events, in sequence order.
    ///
    /// # Correctness
    /// Gapless from 1 to the case's version, byte for byte as appended
    /// (hashes verify), consistent with [`CaseLog::case`] after any append.
    async fn events(&self, organisation: &str, id: &CaseId) -> Result<Vec<Event>, StorageError>;

    /// The organisation and case a tracking code belongs to.
    ///
    /// # Correctness
    /// A code belongs to one case across all organisations (an append
    /// reusing one is a [`ErrorKind::Conflict`]).
    async fn find_tracking_code(&self, code: &TrackingCode) -> Result<Option<(String, CaseId)>, StorageError>;

    /// Case summaries matching a query, in its order (`CaseQuery::compare`),
    /// after skipping `offset`, at most its effective limit.
    ///
    /// # Correctness
    /// Only the query's organisation; summaries hold no form field; each is
    /// the summary of the case's latest appended version; exactly the
    /// summaries `CaseQuery::matches` keeps.
    async fn list(&self, query: &CaseQuery) -> Result<Vec<CaseSummary>, StorageError>;

    /// How many cases match a query (its limit, offset and order aside),
    /// counting at most [`COUNT_CAP`].
    ///
    /// # Correctness
    /// `min(matches, COUNT_CAP)`, under the same rules as `list`. The
    /// default lists them; a backend may count without reading summaries.
    async fn count(&self, query: &CaseQuery) -> Result<usize, StorageError> {
        let query = CaseQuery { limit: COUNT_CAP, offset: 0, order: Order::NewestFirst, ..query.clone() };
        Ok(self.list(&query).await?.len())
    }

    /// Open cases, across organisations, with a clock deadline at or before `before`, earliest first.
    ///
    /// # Correctness
    /// Decided from `before` and the stored deadlines alone (no clock is
    /// read); closed cases never appear.
    async fn due(&self, before: DateTime<Utc>, limit: usize) -> Result<Vec<CaseSummary>, StorageError>;

    /// Case ids in id order after `after`, for paging through everything (export, verify).
    ///
    /// # Correctness
    /// Paging from `None` to an empty page visits every case that existed
    /// throughout, exactly once.
    async fn case_ids(
        &self,
        after: Option<(&str, &CaseId)>,
        limit: usize,
    ) -> Result<Vec<(String, CaseId)>, StorageError>;
}

/// The responses recorded under idempotency keys (written by [`CaseLog::append`]).
#[async_trait]
pub trait IdempotencyRecords: Send + Sync + 'static {
    /// The response recorded under an idempotency key.
    ///
    /// # Correctness
    /// A record is visible once the append that wrote it has returned, in
    /// every process sharing the store.
    async fn idempotency(&self, organisation: &str, key: &str) -> Result<Option<Idempotency>, StorageError>;
}

/// Effects to deliver at least once (written by [`CaseLog::append`]), leased to one worker at a time.
#[async_trait]
pub trait Outbox: Send + Sync + 'static {
    /// Leases up to `limit` outbox items that are available at `now` and not
    /// leased to another worker (or whose lease expired), until `lease_until`.
    ///
    /// # Correctness
    /// An item is leased to one worker at a time; a crashed worker's items
    /// become available again when its lease expires.
    async fn claim_outbox(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<OutboxItem>, StorageError>;

    /// Marks an item delivered.
    ///
    /// # Correctness
    /// Only the current lease holder may; otherwise [`ErrorKind::Conflict`]
    /// (the lease expired and another worker took it). Durable on return.
    async fn complete_outbox(&self, id: &str, worker: &str) -> Result<(), StorageError>;

    /// Marks several items delivered in one write.
    ///
    /// # Correctness
    /// Those still leased to `worker` are removed; returns, in the order
    /// given, the ids that were not (the lease expired and another worker
    /// may hold them, or the item is gone). Any other error changes nothing.
    ///
    /// The default completes them one by one; backends override it with one
    /// transaction (a dispatcher completes a whole batch at once).
    async fn complete_outbox_batch(&self, ids: &[String], worker: &str) -> Result<Vec<String>, StorageError> {
        let mut lost = Vec::new();
        for id in ids {
            match self.complete_outbox(id, worker).await {
                Ok(()) => {}
                Err(e) if matches!(e.kind(), ErrorKind::Conflict | ErrorKind::NotFound) => lost.push(id.clone()),
                Err(e) => return Err(e),
            }
        }
        Ok(lost)
    }

    /// Gives an item back, to be retried from `retry_at`, recording the error.
    ///
    /// # Correctness
    /// Only the lease holder may; the attempt count and the error are kept;
    /// no worker may claim the item before `retry_at`.
    async fn retry_outbox(
        &self,
        id: &str,
        worker: &str,
        retry_at: DateTime<Utc>,
        error: &str,
    ) -> Result<(), StorageError>;

    /// Undelivered outbox items, leased or not, in id order after `after`,
    /// at most `limit`: for a full export, so that moving between stores
    /// loses no notification.
    ///
    /// # Correctness
    /// Reading changes nothing (no lease, no attempt); paging from `None`
    /// visits every undelivered item once.
    async fn outbox_items(&self, after: Option<&str>, limit: usize) -> Result<Vec<OutboxItem>, StorageError>;
}

/// Keys refused until an instant (signed-out sessions), shared by every process.
#[async_trait]
pub trait Revocations: Send + Sync + 'static {
    /// Refuses `key` (e.g. the SHA-256 of a signed-out session token) until
    /// `until`, for every process sharing this store; revoking it again
    /// keeps the later instant. `now` is the caller's instant of the
    /// revocation: entries whose instant lies more than
    /// [`REVOCATION_GRACE`] before `now` may be dropped.
    ///
    /// # Correctness
    /// Durable on return, like an append: a sign-out that was answered
    /// holds after a crash. The store reads no clock: what is dropped is
    /// decided only from `now` and the stored instants, so a database whose
    /// clock differs from the application's drops nothing early.
    async fn revoke(&self, key: &str, until: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), StorageError>;

    /// Whether `key` is revoked at `now`: revoked, with an instant after `now`.
    ///
    /// # Correctness
    /// Decided from the stored instant and `now` alone (no clock is read).
    async fn is_revoked(&self, key: &str, now: DateTime<Utc>) -> Result<bool, StorageError>;
}

/// Attachments' bytes, content-addressed per organisation.
#[async_trait]
pub trait Blobs: Send + Sync + 'static {
    /// Stores an attachment's bytes under its id, the lowercase hex SHA-256 of the bytes.
    ///
    /// # Correctness
    /// Content-addressed: storing the same bytes twice is a no-op; bytes that
    /// do not hash to `id` are [`ErrorKind::Invalid`]; more than
    /// [`MAX_BLOB_BYTES`] is [`ErrorKind::TooLarge`]. Durable on return.
    async fn put_blob(&self, organisation: &str, id: &str, bytes: &[u8]) -> Result<(), StorageError>;

    /// An attachment's bytes.
    ///
    /// # Correctness
    /// Only the organisation's own: another organisation's blob with the
    /// same id is not found.
    async fn blob(&self, organisation: &str, id: &str) -> Result<Option<Vec<u8>>, StorageError>;
}

/// Every version of every definition and calendar a case may pin.
#[async_trait]
pub trait Definitions: Send + Sync + 'static {
    /// Stores a definition (its canonical JSON) by id and version.
    ///
    /// # Correctness
    /// Idempotent; a stored version is never replaced. Durable on return.
    async fn put_definition(&self, organisation: &str, id: &str, version: &str, body: &str)
    -> Result<(), StorageError>;

    /// A stored definition.
    ///
    /// # Correctness
    /// Every version ever stored stays readable: a case pins the version it
    /// started with.
    async fn definition(&self, organisation: &str, id: &str, version: &str) -> Result<Option<String>, StorageError>;

    /// Stores a resolved calendar (its JSON) by id and version.
    ///
    /// # Correctness
    /// Idempotent; a stored version is never replaced. Durable on return.
    async fn put_calendar(&self, organisation: &str, id: &str, version: &str, body: &str) -> Result<(), StorageError>;

    /// A stored calendar.
    ///
    /// # Correctness
    /// Every version ever stored stays readable, as for definitions.
    async fn calendar(&self, organisation: &str, id: &str, version: &str) -> Result<Option<String>, StorageError>;
}
