//! The in-memory reference store: the conformance suite's yardstick and a
//! store for tests. Not durable.

use std::collections::BTreeMap;
use std::sync::Mutex;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::{
    Append, Blobs, CaseLog, CaseQuery, CaseSummary, Definitions, ErrorKind, Idempotency, IdempotencyRecords,
    MAX_BLOB_BYTES, Outbox, OutboxItem, Revocations, StorageError,
};
use crate::engine::{Case, CaseId, Event, Status, TrackingCode};

/// Who holds an outbox item, until when.
type Lease = Option<(String, DateTime<Utc>)>;

#[derive(Default)]
struct Inner {
    cases: BTreeMap<(String, CaseId), (Case, CaseSummary, Vec<Event>)>,
    tracking: BTreeMap<TrackingCode, (String, CaseId)>,
    idempotency: BTreeMap<(String, String), Idempotency>,
    outbox: BTreeMap<String, (OutboxItem, Lease)>,
    blobs: BTreeMap<(String, String), Vec<u8>>,
    definitions: BTreeMap<(String, String, String), String>,
    calendars: BTreeMap<(String, String, String), String>,
    revoked: BTreeMap<String, DateTime<Utc>>,
}

/// A store in memory.
#[derive(Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Checks an append's internal consistency before any backend writes it.
pub fn check_append(append: &Append) -> Result<(), StorageError> {
    let invalid = |m: String| StorageError::new(ErrorKind::Invalid, m);
    if append.events.is_empty() {
        return Err(invalid("an append needs at least one event".to_owned()));
    }
    for (i, event) in append.events.iter().enumerate() {
        if event.case != append.case || event.seq != append.expected_version + 1 + i as u64 {
            return Err(invalid(format!(
                "event {} does not continue case {} at version {}",
                event.seq, append.case, append.expected_version
            )));
        }
    }
    let last = append.events.last().expect("not empty");
    if append.state.version != last.seq || append.summary.version != last.seq || append.state.head != last.hash {
        return Err(invalid("the projection does not match the events".to_owned()));
    }
    if append.state.organisation != append.organisation || append.summary.organisation != append.organisation {
        return Err(invalid("the projection belongs to another organisation".to_owned()));
    }
    Ok(())
}

/// Checks a blob against its id and the size limit.
pub fn check_blob(id: &str, bytes: &[u8]) -> Result<(), StorageError> {
    if bytes.len() > MAX_BLOB_BYTES {
        return Err(StorageError::new(
            ErrorKind::TooLarge,
            format!("{} bytes is over the limit of {MAX_BLOB_BYTES}", bytes.len()),
        ));
    }
    let actual = crate::definition::hex(&Sha256::digest(bytes));
    if actual != id {
        return Err(StorageError::new(ErrorKind::Invalid, format!("the bytes hash to {actual}, not {id}")));
    }
    Ok(())
}

#[async_trait]
impl CaseLog for MemoryStore {
    async fn append(&self, append: Append) -> Result<(), StorageError> {
        check_append(&append)?;
        let mut inner = self.lock();
        let key = (append.organisation.clone(), append.case.clone());
        let current = inner.cases.get(&key).map_or(0, |(case, _, _)| case.version);
        if current != append.expected_version {
            return Err(StorageError::conflict(format!(
                "case {} is at version {current}, not {}",
                append.case, append.expected_version
            )));
        }
        if let Some(record) = &append.idempotency
            && inner.idempotency.contains_key(&(append.organisation.clone(), record.key.clone()))
        {
            return Err(StorageError::conflict(format!("idempotency key {} was used already", record.key)));
        }
        if append.expected_version == 0 {
            if inner.tracking.contains_key(&append.state.tracking_code) {
                return Err(StorageError::conflict("tracking code in use"));
            }
            inner.tracking.insert(append.state.tracking_code.clone(), key.clone());
        }
        if let Some(record) = append.idempotency {
            inner.idempotency.insert((append.organisation.clone(), record.key.clone()), record);
        }
        for item in append.outbox {
            inner.outbox.insert(item.id.clone(), (item, None));
        }
        let entry =
            inner.cases.entry(key).or_insert_with(|| (append.state.clone(), append.summary.clone(), Vec::new()));
        entry.0 = append.state;
        entry.1 = append.summary;
        entry.2.extend(append.events);
        Ok(())
    }

    async fn case(&self, organisation: &str, id: &CaseId) -> Result<Option<Case>, StorageError> {
        Ok(self.lock().cases.get(&(organisation.to_owned(), id.clone())).map(|(c, _, _)| c.clone()))
    }

    async fn events(&self, organisation: &str, id: &CaseId) -> Result<Vec<Event>, StorageError> {
        Ok(self.lock().cases.get(&(organisation.to_owned(), id.clone())).map(|(_, _, e)| e.clone()).unwrap_or_default())
    }

    async fn find_tracking_code(&self, code: &TrackingCode) -> Result<Option<(String, CaseId)>, StorageError> {
        Ok(self.lock().tracking.get(code).cloned())
    }

    async fn list(&self, query: &CaseQuery) -> Result<Vec<CaseSummary>, StorageError> {
        let inner = self.lock();
        let mut found: Vec<CaseSummary> =
            inner.cases.values().map(|(_, s, _)| s).filter(|s| query.matches(s)).cloned().collect();
        found.sort_by(|a, b| query.compare(a, b));
        Ok(found.into_iter().skip(query.offset).take(query.effective_limit()).collect())
    }

    async fn due(&self, before: DateTime<Utc>, limit: usize) -> Result<Vec<CaseSummary>, StorageError> {
        let inner = self.lock();
        let mut found: Vec<CaseSummary> = inner
            .cases
            .values()
            .map(|(_, s, _)| s)
            .filter(|s| s.status != Status::Closed && s.next_deadline.is_some_and(|d| d <= before))
            .cloned()
            .collect();
        found.sort_by(|a, b| a.next_deadline.cmp(&b.next_deadline).then_with(|| a.case.cmp(&b.case)));
        found.truncate(limit);
        Ok(found)
    }

    async fn case_ids(
        &self,
        after: Option<(&str, &CaseId)>,
        limit: usize,
    ) -> Result<Vec<(String, CaseId)>, StorageError> {
        let inner = self.lock();
        let after = after.map(|(o, c)| (o.to_owned(), c.clone()));
        Ok(inner.cases.keys().filter(|k| after.as_ref().is_none_or(|a| *k > a)).take(limit).cloned().collect())
    }
}

#[async_trait]
impl IdempotencyRecords for MemoryStore {
    async fn idempotency(&self, organisation: &str, key: &str) -> Result<Option<Idempotency>, StorageError> {
        Ok(self.lock().idempotency.get(&(organisation.to_owned(), key.to_owned())).cloned())
    }
}

#[async_trait]
impl Outbox for MemoryStore {
    async fn claim_outbox(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<OutboxItem>, StorageError> {
        let mut inner = self.lock();
        let mut ready: Vec<&mut (OutboxItem, Lease)> = inner
            .outbox
            .values_mut()
            .filter(|(item, lease)| item.available_at <= now && lease.as_ref().is_none_or(|(_, until)| *until <= now))
            .collect();
        ready.sort_by(|a, b| a.0.available_at.cmp(&b.0.available_at).then_with(|| a.0.id.cmp(&b.0.id)));
        Ok(ready
            .into_iter()
            .take(limit)
            .map(|(item, lease)| {
                *lease = Some((worker.to_owned(), lease_until));
                item.attempts += 1;
                item.clone()
            })
            .collect())
    }

    async fn complete_outbox(&self, id: &str, worker: &str) -> Result<(), StorageError> {
        let mut inner = self.lock();
        match inner.outbox.get(id) {
            Some((_, Some((holder, _)))) if holder == worker => {
                inner.outbox.remove(id);
                Ok(())
            }
            Some(_) => Err(StorageError::conflict(format!("outbox item {id} is not leased to {worker}"))),
            None => Err(StorageError::new(ErrorKind::NotFound, format!("no outbox item {id}"))),
        }
    }

    async fn retry_outbox(
        &self,
        id: &str,
        worker: &str,
        retry_at: DateTime<Utc>,
        error: &str,
    ) -> Result<(), StorageError> {
        let mut inner = self.lock();
        match inner.outbox.get_mut(id) {
            Some((item, lease)) if lease.as_ref().is_some_and(|(holder, _)| holder == worker) => {
                item.available_at = retry_at;
                item.last_error = Some(error.chars().take(500).collect());
                *lease = None;
                Ok(())
            }
            Some(_) => Err(StorageError::conflict(format!("outbox item {id} is not leased to {worker}"))),
            None => Err(StorageError::new(ErrorKind::NotFound, format!("no outbox item {id}"))),
        }
    }

    async fn outbox_items(&self, after: Option<&str>, limit: usize) -> Result<Vec<OutboxItem>, StorageError> {
        let inner = self.lock();
        let start = after.map_or(std::ops::Bound::Unbounded, std::ops::Bound::Excluded);
        Ok(inner
            .outbox
            .range::<str, _>((start, std::ops::Bound::Unbounded))
            .take(limit)
            .map(|(_, (item, _))| item.clone())
            .collect())
    }
}

#[async_trait]
impl Revocations for MemoryStore {
    async fn revoke(&self, key: &str, until: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), StorageError> {
        let mut inner = self.lock();
        let stale = now - super::REVOCATION_GRACE;
        inner.revoked.retain(|_, kept| *kept >= stale);
        let entry = inner.revoked.entry(key.to_owned()).or_insert(until);
        *entry = (*entry).max(until);
        Ok(())
    }

    async fn is_revoked(&self, key: &str, now: DateTime<Utc>) -> Result<bool, StorageError> {
        Ok(self.lock().revoked.get(key).is_some_and(|until| *until > now))
    }
}

#[async_trait]
impl Blobs for MemoryStore {
    async fn put_blob(&self, organisation: &str, id: &str, bytes: &[u8]) -> Result<(), StorageError> {
        check_blob(id, bytes)?;
        self.lock().blobs.entry((organisation.to_owned(), id.to_owned())).or_insert_with(|| bytes.to_vec());
        Ok(())
    }

    async fn blob(&self, organisation: &str, id: &str) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self.lock().blobs.get(&(organisation.to_owned(), id.to_owned())).cloned())
    }
}

#[async_trait]
impl Definitions for MemoryStore {
    async fn put_definition(
        &self,
        organisation: &str,
        id: &str,
        version: &str,
        body: &str,
    ) -> Result<(), StorageError> {
        self.lock()
            .definitions
            .entry((organisation.to_owned(), id.to_owned(), version.to_owned()))
            .or_insert_with(|| body.to_owned());
        Ok(())
    }

    async fn definition(&self, organisation: &str, id: &str, version: &str) -> Result<Option<String>, StorageError> {
        Ok(self.lock().definitions.get(&(organisation.to_owned(), id.to_owned(), version.to_owned())).cloned())
    }

    async fn put_calendar(&self, organisation: &str, id: &str, version: &str, body: &str) -> Result<(), StorageError> {
        self.lock()
            .calendars
            .entry((organisation.to_owned(), id.to_owned(), version.to_owned()))
            .or_insert_with(|| body.to_owned());
        Ok(())
    }

    async fn calendar(&self, organisation: &str, id: &str, version: &str) -> Result<Option<String>, StorageError> {
        Ok(self.lock().calendars.get(&(organisation.to_owned(), id.to_owned(), version.to_owned())).cloned())
    }
}

#[cfg(test)]
mod conformance {
    use std::sync::Arc;

    use super::MemoryStore;
    use crate::storage::Store;
    use crate::testing::Guard;

    crate::conformance_tests!(|| async { (Arc::new(MemoryStore::new()) as Arc<dyn Store>, Box::new(()) as Guard,) });
}
