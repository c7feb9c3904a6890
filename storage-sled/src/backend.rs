//! [`Store`] for [`SledStore`]: each call runs on a blocking thread; each
//! write waits for its group commit before it returns.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sigap_core::engine::{Case, CaseId, Event, TrackingCode};
use sigap_core::storage::memory::check_blob;
use sigap_core::storage::{
    Append, Blobs, CaseLog, CaseQuery, CaseSummary, Definitions, Idempotency, IdempotencyRecords, Outbox, OutboxItem,
    Revocations, StorageError,
};

use crate::keys::{Key, Reader};
use crate::store::{Inner, SledStore};
use crate::{append, blobs, error, outbox, query, record, revoked};

/// Which tree a versioned document lives in.
#[derive(Clone, Copy)]
enum Document {
    Definition,
    Calendar,
}

impl Document {
    fn tree(self, inner: &Inner) -> (&sled::Tree, &'static str) {
        match self {
            Self::Definition => (&inner.trees.definitions, "definitions"),
            Self::Calendar => (&inner.trees.calendars, "calendars"),
        }
    }
}

fn document_key(organisation: &str, id: &str, version: &str) -> Vec<u8> {
    Key::org(organisation).str(id).str(version).into_bytes()
}

impl SledStore {
    async fn put_document(
        &self,
        document: Document,
        organisation: &str,
        id: &str,
        version: &str,
        body: &str,
    ) -> Result<(), StorageError> {
        let key = document_key(organisation, id, version);
        let value = record::encode_bytes(body.as_bytes());
        self.write(move |inner| {
            let (tree, name) = document.tree(inner);
            inner.commit(|| {
                // Idempotent: the first body stays (as in the reference store).
                let _first_stays = tree
                    .compare_and_swap(key, None::<&[u8]>, Some(value))
                    .map_err(|e| error::sled(&format!("writing tree `{name}`"), &e))?;
                Ok(())
            })
        })
        .await
    }

    async fn document(
        &self,
        document: Document,
        organisation: &str,
        id: &str,
        version: &str,
    ) -> Result<Option<String>, StorageError> {
        let key = document_key(organisation, id, version);
        self.blocking(move |inner| {
            let _view = inner.read_lock();
            let (tree, name) = document.tree(inner);
            let value = tree.get(&key).map_err(|e| error::sled(&format!("reading tree `{name}`"), &e))?;
            value.map(|v| record::decode_str(name, &key, &v)).transpose()
        })
        .await
    }
}

#[async_trait]
impl CaseLog for SledStore {
    async fn append(&self, write: Append) -> Result<(), StorageError> {
        self.write(move |inner| append::append(inner, &write)).await
    }

    async fn case(&self, organisation: &str, id: &CaseId) -> Result<Option<Case>, StorageError> {
        let key = Key::org(organisation).str(id.as_str()).into_bytes();
        self.blocking(move |inner| {
            let raw = {
                let _view = inner.read_lock();
                inner.trees.cases.get(&key)
            };
            let raw = raw.map_err(|e| error::sled("reading tree `cases`", &e))?;
            raw.map(|v| record::decode("cases", &key, &v)).transpose()
        })
        .await
    }

    async fn events(&self, organisation: &str, id: &CaseId) -> Result<Vec<Event>, StorageError> {
        let prefix = Key::org(organisation).str(id.as_str()).into_bytes();
        self.blocking(move |inner| {
            let raw: Vec<_> = {
                let _view = inner.read_lock();
                inner.trees.events.scan_prefix(&prefix).collect()
            };
            raw.into_iter()
                .map(|entry| {
                    let (key, value) = entry.map_err(|e| error::sled("scanning tree `events`", &e))?;
                    let event: Event = record::decode("events", &key, &value)?;
                    let mut reader = Reader::new("events", &key[prefix.len()..]);
                    if reader.u64()? != event.seq {
                        return Err(StorageError::corrupt(format!(
                            "the event at {} in tree `events` has sequence number {}",
                            crate::keys::printable(&key),
                            event.seq
                        )));
                    }
                    reader.end()?;
                    Ok(event)
                })
                .collect()
        })
        .await
    }

    async fn find_tracking_code(&self, code: &TrackingCode) -> Result<Option<(String, CaseId)>, StorageError> {
        let key = Key::new().str(code.as_str()).into_bytes();
        self.blocking(move |inner| {
            let _view = inner.read_lock();
            inner.get::<(String, CaseId)>(&inner.trees.tracking, "tracking", &key)
        })
        .await
    }

    async fn list(&self, query: &CaseQuery) -> Result<Vec<CaseSummary>, StorageError> {
        let query = query.clone();
        self.blocking(move |inner| query::list(inner, &query)).await
    }

    async fn due(&self, before: DateTime<Utc>, limit: usize) -> Result<Vec<CaseSummary>, StorageError> {
        self.blocking(move |inner| query::due(inner, before, limit)).await
    }

    async fn case_ids(
        &self,
        after: Option<(&str, &CaseId)>,
        limit: usize,
    ) -> Result<Vec<(String, CaseId)>, StorageError> {
        let after = after.map(|(org, id)| (org.to_owned(), id.clone()));
        self.blocking(move |inner| query::case_ids(inner, after.as_ref(), limit)).await
    }
}

#[async_trait]
impl IdempotencyRecords for SledStore {
    async fn idempotency(&self, organisation: &str, key: &str) -> Result<Option<Idempotency>, StorageError> {
        let key = Key::org(organisation).str(key).into_bytes();
        let found = self
            .blocking(move |inner| {
                let _view = inner.read_lock();
                inner.get::<Idempotency>(&inner.trees.idempotency, "idempotency", &key)
            })
            .await?;
        if found.is_some() {
            // The caller replays this response as its own acknowledgement:
            // it must not rest on a write that is not durable yet.
            self.inner.durability.barrier().await?;
        }
        Ok(found)
    }
}

#[async_trait]
impl Outbox for SledStore {
    async fn claim_outbox(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<OutboxItem>, StorageError> {
        let worker = worker.to_owned();
        self.write(move |inner| outbox::claim(inner, &worker, now, lease_until, limit)).await
    }

    async fn complete_outbox(&self, id: &str, worker: &str) -> Result<(), StorageError> {
        let (id, worker) = (id.to_owned(), worker.to_owned());
        self.write(move |inner| outbox::complete(inner, &id, &worker)).await
    }

    async fn complete_outbox_batch(&self, ids: &[String], worker: &str) -> Result<Vec<String>, StorageError> {
        let (ids, worker) = (ids.to_vec(), worker.to_owned());
        self.write(move |inner| outbox::complete_batch(inner, &ids, &worker)).await
    }

    async fn retry_outbox(
        &self,
        id: &str,
        worker: &str,
        retry_at: DateTime<Utc>,
        error: &str,
    ) -> Result<(), StorageError> {
        let (id, worker, failure) = (id.to_owned(), worker.to_owned(), error.to_owned());
        self.write(move |inner| outbox::retry(inner, &id, &worker, retry_at, &failure)).await
    }

    async fn outbox_items(&self, after: Option<&str>, limit: usize) -> Result<Vec<OutboxItem>, StorageError> {
        let after = after.map(str::to_owned);
        self.blocking(move |inner| outbox::items(inner, after.as_deref(), limit)).await
    }
}

#[async_trait]
impl Revocations for SledStore {
    async fn revoke(&self, key: &str, until: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), StorageError> {
        let key = key.to_owned();
        self.write(move |inner| revoked::revoke(inner, &key, until, now)).await
    }

    async fn is_revoked(&self, key: &str, now: DateTime<Utc>) -> Result<bool, StorageError> {
        let key = key.to_owned();
        self.blocking(move |inner| revoked::is_revoked(inner, &key, now)).await
    }
}

#[async_trait]
impl Blobs for SledStore {
    async fn put_blob(&self, organisation: &str, id: &str, bytes: &[u8]) -> Result<(), StorageError> {
        check_blob(id, bytes)?;
        let (organisation, id, bytes) = (organisation.to_owned(), id.to_owned(), bytes.to_vec());
        self.write(move |inner| blobs::put(inner, &organisation, &id, &bytes)).await
    }

    async fn blob(&self, organisation: &str, id: &str) -> Result<Option<Vec<u8>>, StorageError> {
        let (organisation, id) = (organisation.to_owned(), id.to_owned());
        self.blocking(move |inner| blobs::get(inner, &organisation, &id)).await
    }
}

#[async_trait]
impl Definitions for SledStore {
    async fn put_definition(
        &self,
        organisation: &str,
        id: &str,
        version: &str,
        body: &str,
    ) -> Result<(), StorageError> {
        self.put_document(Document::Definition, organisation, id, version, body).await
    }

    async fn definition(&self, organisation: &str, id: &str, version: &str) -> Result<Option<String>, StorageError> {
        self.document(Document::Definition, organisation, id, version).await
    }

    async fn put_calendar(&self, organisation: &str, id: &str, version: &str, body: &str) -> Result<(), StorageError> {
        self.put_document(Document::Calendar, organisation, id, version, body).await
    }

    async fn calendar(&self, organisation: &str, id: &str, version: &str) -> Result<Option<String>, StorageError> {
        self.document(Document::Calendar, organisation, id, version).await
    }
}
