//! Outbox leases: claim, complete, retry.
//!
//! Items live in `outbox` under (organisation, id), with `outbox_ids`
//! mapping an id to its organisation (the trait names items by id alone)
//! and a queue entry in `index` under (organisation, `q`, available at,
//! id). A claim merges the organisations' queues in (available at, id)
//! order, skips items whose lease has not expired, and leases the first
//! `limit`. All three operations run under the store's write lock, so the
//! checks and the writes see the same state.

use std::ops::Bound;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sigap_core::storage::{ErrorKind, OutboxItem, StorageError};
use sled::Transactional;

use crate::append::tag;
use crate::error;
use crate::keys::{INSTANT_LEN, Key, Reader};
use crate::merge::{Merge, prefix_stream};
use crate::query::organisations;
use crate::record;
use crate::store::{Committed, Inner};

/// An item with its lease, as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct OutboxRecord {
    pub(crate) item: OutboxItem,
    pub(crate) lease: Option<Lease>,
}

/// Who holds an item, until when.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Lease {
    pub(crate) worker: String,
    pub(crate) until: DateTime<Utc>,
}

/// An item's queue key in `index`.
pub(crate) fn queue_key(item: &OutboxItem) -> Vec<u8> {
    Key::org(&item.organisation).tag(tag::QUEUE).instant(item.available_at).str(&item.id).into_bytes()
}

fn record_key(organisation: &str, id: &str) -> Vec<u8> {
    Key::org(organisation).str(id).into_bytes()
}

/// Leases up to `limit` available items.
pub(crate) fn claim(
    inner: &Inner,
    worker: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: usize,
) -> Result<Committed<Vec<OutboxItem>>, StorageError> {
    inner.commit(|| claim_locked(inner, worker, now, lease_until, limit))
}

fn claim_locked(
    inner: &Inner,
    worker: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<OutboxItem>, StorageError> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let t = &inner.trees;
    let now_key = Key::new().instant(now).into_bytes();
    let streams = organisations(inner)?
        .into_iter()
        .map(|org| {
            let prefix = Key::org(&org).tag(tag::QUEUE).into_bytes();
            let stream = prefix_stream(&t.index, "index", &prefix, move |key, value| {
                Ok((org.clone(), record::decode_str("index", key, value)?))
            });
            // Keys sort by availability first: stop at the first one after `now`.
            let ready = stream.take_while(|entry| {
                entry.as_ref().map_or(true, |(key, _)| key.get(..INSTANT_LEN) <= Some(&now_key[..]))
            });
            Box::new(ready) as crate::merge::Stream<'_, (String, String)>
        })
        .collect();
    let mut claimed = Vec::new();
    for entry in Merge::new(streams) {
        let (org, id) = entry?;
        let key = record_key(&org, &id);
        let Some(mut stored) = inner.get::<OutboxRecord>(&t.outbox, "outbox", &key)? else {
            return Err(StorageError::corrupt(format!(
                "the outbox queue names item {id} of {org}, which is not in the outbox"
            )));
        };
        if stored.item.available_at > now || stored.lease.as_ref().is_some_and(|l| l.until > now) {
            continue;
        }
        stored.item.attempts += 1;
        stored.lease = Some(Lease { worker: worker.to_owned(), until: lease_until });
        claimed.push((key, stored));
        if claimed.len() == limit {
            break;
        }
    }
    let mut batch = sled::Batch::default();
    for (key, stored) in &claimed {
        batch.insert(key.as_slice(), record::encode(stored)?);
    }
    t.outbox.apply_batch(batch).map_err(|e| error::sled("leasing outbox items", &e))?;
    Ok(claimed.into_iter().map(|(_, s)| s.item).collect())
}

/// Undelivered items in id order after `after` (`outbox_ids` is keyed by
/// id alone, in byte order), for export.
pub(crate) fn items(inner: &Inner, after: Option<&str>, limit: usize) -> Result<Vec<OutboxItem>, StorageError> {
    let _view = inner.read_lock();
    let t = &inner.trees;
    let start = after.map_or(Bound::Unbounded, |id| Bound::Excluded(Key::new().str(id).into_bytes()));
    t.outbox_ids
        .range::<Vec<u8>, _>((start, Bound::Unbounded))
        .take(limit)
        .map(|entry| {
            let (id_key, org) = entry.map_err(|e| error::sled("scanning tree `outbox_ids`", &e))?;
            let org = record::decode_str("outbox_ids", &id_key, &org)?;
            let mut reader = Reader::new("outbox_ids", &id_key);
            let id = reader.str()?;
            reader.end()?;
            let stored = inner.get::<OutboxRecord>(&t.outbox, "outbox", &record_key(&org, &id))?.ok_or_else(|| {
                StorageError::corrupt(format!("`outbox_ids` names item {id} of {org}, which is not in the outbox"))
            })?;
            Ok(stored.item)
        })
        .collect()
}

/// The item `id` and its key, if `worker` holds its lease.
fn held(inner: &Inner, id: &str, worker: &str) -> Result<(Vec<u8>, OutboxRecord), StorageError> {
    let t = &inner.trees;
    let id_key = Key::new().str(id).into_bytes();
    let org = t
        .outbox_ids
        .get(&id_key)
        .map_err(|e| error::sled("reading tree `outbox_ids`", &e))?
        .map(|v| record::decode_str("outbox_ids", &id_key, &v))
        .transpose()?;
    let not_found = || StorageError::new(ErrorKind::NotFound, format!("no outbox item {id}"));
    let org = org.ok_or_else(not_found)?;
    let key = record_key(&org, id);
    let stored = inner.get::<OutboxRecord>(&t.outbox, "outbox", &key)?.ok_or_else(not_found)?;
    if stored.lease.as_ref().is_none_or(|l| l.worker != worker) {
        return Err(StorageError::conflict(format!("outbox item {id} is not leased to {worker}")));
    }
    Ok((key, stored))
}

/// Removes a delivered item.
pub(crate) fn complete(inner: &Inner, id: &str, worker: &str) -> Result<Committed<()>, StorageError> {
    inner.commit(|| complete_locked(inner, id, worker))
}

fn complete_locked(inner: &Inner, id: &str, worker: &str) -> Result<(), StorageError> {
    let (key, stored) = held(inner, id, worker)?;
    let t = &inner.trees;
    (&t.outbox, &t.outbox_ids, &t.index)
        .transaction(|(outbox, outbox_ids, index)| {
            outbox.remove(key.as_slice())?;
            outbox_ids.remove(Key::new().str(id).into_bytes())?;
            index.remove(queue_key(&stored.item))?;
            Ok(())
        })
        .map_err(|e| error::transaction("completing an outbox item", e))
}

/// Removes the delivered items still leased to `worker`, in one
/// transaction; returns the ids that were not.
pub(crate) fn complete_batch(
    inner: &Inner,
    ids: &[String],
    worker: &str,
) -> Result<Committed<Vec<String>>, StorageError> {
    inner.commit(|| {
        let mut leased = Vec::new();
        let mut lost = Vec::new();
        for id in ids {
            match held(inner, id, worker) {
                Ok((key, stored)) => leased.push((id, key, queue_key(&stored.item))),
                Err(e) if matches!(e.kind(), ErrorKind::Conflict | ErrorKind::NotFound) => lost.push(id.clone()),
                Err(e) => return Err(e),
            }
        }
        let t = &inner.trees;
        (&t.outbox, &t.outbox_ids, &t.index)
            .transaction(|(outbox, outbox_ids, index)| {
                for (id, key, queue) in &leased {
                    outbox.remove(key.as_slice())?;
                    outbox_ids.remove(Key::new().str(id).into_bytes())?;
                    index.remove(queue.as_slice())?;
                }
                Ok(())
            })
            .map_err(|e| error::transaction("completing outbox items", e))?;
        Ok(lost)
    })
}

/// Gives an item back for a later attempt.
pub(crate) fn retry(
    inner: &Inner,
    id: &str,
    worker: &str,
    retry_at: DateTime<Utc>,
    failure: &str,
) -> Result<Committed<()>, StorageError> {
    inner.commit(|| retry_locked(inner, id, worker, retry_at, failure))
}

fn retry_locked(
    inner: &Inner,
    id: &str,
    worker: &str,
    retry_at: DateTime<Utc>,
    failure: &str,
) -> Result<(), StorageError> {
    let (key, stored) = held(inner, id, worker)?;
    let old_queue = queue_key(&stored.item);
    let mut item = stored.item;
    item.available_at = retry_at;
    item.last_error = Some(failure.chars().take(500).collect());
    let new_queue = queue_key(&item);
    let value = record::encode(&OutboxRecord { item: item.clone(), lease: None })?;
    let t = &inner.trees;
    (&t.outbox, &t.index)
        .transaction(|(outbox, index)| {
            outbox.insert(key.as_slice(), value.as_slice())?;
            index.remove(old_queue.as_slice())?;
            index.insert(new_queue.as_slice(), record::encode_bytes(item.id.as_bytes()))?;
            Ok(())
        })
        .map_err(|e| error::transaction("retrying an outbox item", e))
}
