//! The storage seam: one small trait every backend implements.
//!
//! The server holds its backend as `Arc<dyn Store>`, chosen at run time
//! (sled by default, PostgreSQL for production and several machines). No
//! backend type crosses this seam; backends convert their errors into
//! [`StorageError`] with a portable [`ErrorKind`]. Every key and row belongs
//! to an organisation (tenant), so several provinces can share one
//! deployment without seeing each other.
//!
//! One conformance suite (`sigap_core::testing`, feature `testing`) checks
//! every backend, one test per case; [`memory::MemoryStore`] is the
//! reference.

mod error;
pub mod memory;
mod types;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

pub use error::{ErrorKind, StorageError};
pub use types::{Append, CaseQuery, CaseSummary, Idempotency, MAX_BLOB_BYTES, OutboxItem, OutboxMessage, Recipient};

use crate::engine::{Case, CaseId, Event, TrackingCode};

/// How long past its instant a revoked key is kept before a later
/// [`Store::revoke`] may drop it: room for processes whose clocks differ.
pub const REVOCATION_GRACE: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// Where cases, their histories, the outbox, attachments and definitions live.
#[async_trait]
pub trait Store: Send + Sync + 'static {
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

    /// The response recorded under an idempotency key.
    async fn idempotency(&self, organisation: &str, key: &str) -> Result<Option<Idempotency>, StorageError>;

    /// A case's current projection.
    async fn case(&self, organisation: &str, id: &CaseId) -> Result<Option<Case>, StorageError>;

    /// A case's events, in sequence order.
    async fn events(&self, organisation: &str, id: &CaseId) -> Result<Vec<Event>, StorageError>;

    /// The organisation and case a tracking code belongs to.
    async fn find_tracking_code(&self, code: &TrackingCode) -> Result<Option<(String, CaseId)>, StorageError>;

    /// Case summaries matching a query, most recently submitted first.
    async fn list(&self, query: &CaseQuery) -> Result<Vec<CaseSummary>, StorageError>;

    /// Open cases, across organisations, with a clock deadline at or before `before`, earliest first.
    async fn due(&self, before: DateTime<Utc>, limit: usize) -> Result<Vec<CaseSummary>, StorageError>;

    /// Case ids in id order after `after`, for paging through everything (export, verify).
    async fn case_ids(
        &self,
        after: Option<(&str, &CaseId)>,
        limit: usize,
    ) -> Result<Vec<(String, CaseId)>, StorageError>;

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

    /// Marks an item delivered. Only the current lease holder may; otherwise
    /// [`ErrorKind::Conflict`] (the lease expired and another worker took it).
    async fn complete_outbox(&self, id: &str, worker: &str) -> Result<(), StorageError>;

    /// Marks several items delivered in one write: those still leased to
    /// `worker` are removed; returns, in the order given, the ids that were
    /// not (the lease expired and another worker may hold them, or the item
    /// is gone). Any other error changes nothing.
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
    async fn retry_outbox(
        &self,
        id: &str,
        worker: &str,
        retry_at: DateTime<Utc>,
        error: &str,
    ) -> Result<(), StorageError>;

    /// Undelivered outbox items, leased or not, in id order after `after`,
    /// at most `limit`: for a full export, so that moving between stores
    /// loses no notification. Reading changes nothing (no lease, no attempt).
    async fn outbox_items(&self, after: Option<&str>, limit: usize) -> Result<Vec<OutboxItem>, StorageError>;

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

    /// Stores an attachment's bytes under its id, the lowercase hex SHA-256 of the bytes.
    ///
    /// # Correctness
    /// Content-addressed: storing the same bytes twice is a no-op; bytes that
    /// do not hash to `id` are [`ErrorKind::Invalid`]; more than
    /// [`MAX_BLOB_BYTES`] is [`ErrorKind::TooLarge`]. Durable on return.
    async fn put_blob(&self, organisation: &str, id: &str, bytes: &[u8]) -> Result<(), StorageError>;

    /// An attachment's bytes.
    async fn blob(&self, organisation: &str, id: &str) -> Result<Option<Vec<u8>>, StorageError>;

    /// Stores a definition (its canonical JSON) by id and version. Idempotent.
    async fn put_definition(&self, organisation: &str, id: &str, version: &str, body: &str)
    -> Result<(), StorageError>;

    /// A stored definition.
    async fn definition(&self, organisation: &str, id: &str, version: &str) -> Result<Option<String>, StorageError>;

    /// Stores a resolved calendar (its JSON) by id and version. Idempotent.
    async fn put_calendar(&self, organisation: &str, id: &str, version: &str, body: &str) -> Result<(), StorageError>;

    /// A stored calendar.
    async fn calendar(&self, organisation: &str, id: &str, version: &str) -> Result<Option<String>, StorageError>;
}
