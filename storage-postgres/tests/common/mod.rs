//! Helpers shared by the PostgreSQL integration tests.

#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sigap_core::engine::{Case, CaseId, Event, TrackingCode};
use sigap_core::storage::{
    Append, Blobs, CaseLog, CaseQuery, CaseSummary, Definitions, Idempotency, IdempotencyRecords, Outbox, OutboxItem,
    Revocations, StorageError, Store,
};
use sigap_storage_postgres::{PgOptions, PgStore};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

/// A URL for the test's database (the server sqlx::test created it on).
pub fn url_of(pool: &PgPool) -> String {
    let options = pool.connect_options();
    format!(
        "postgres://{}@{}:{}/{}",
        options.get_username(),
        options.get_host(),
        options.get_port(),
        options.get_database().expect("a test database")
    )
}

/// A pool of its own on the test's database: another "process".
pub fn independent_pool(pool: &PgPool, name: &str, max: u32) -> PgPool {
    let options = (*pool.connect_options()).clone().application_name(name);
    PgPoolOptions::new().max_connections(max).connect_lazy_with(options)
}

/// A store of its own on the test's database, through `PgStore::connect`.
pub async fn independent_store(pool: &PgPool, name: &str, max: u32) -> PgStore {
    let options = PgOptions { max_connections: max, application_name: name.to_owned(), ..PgOptions::default() };
    PgStore::connect(&url_of(pool), options).await.unwrap_or_else(|e| panic!("connect {name}: {e}"))
}

/// An event as (organisation, case, seq, hash).
pub type EventKey = (String, CaseId, u64, String);

/// What a store acknowledged: the events and outbox ids of every append that returned `Ok`.
#[derive(Default)]
pub struct Acknowledged {
    /// (organisation, case, seq, hash) of each acknowledged event.
    pub events: BTreeSet<EventKey>,
    /// Ids of acknowledged outbox items.
    pub outbox: BTreeSet<String>,
    /// Appends that failed, by error kind.
    pub failed: Vec<StorageError>,
}

/// A store that records what the inner store acknowledged.
pub struct Recording {
    inner: Arc<dyn Store>,
    pub acknowledged: Mutex<Acknowledged>,
}

impl Recording {
    pub fn new(inner: Arc<dyn Store>) -> Arc<Self> {
        Arc::new(Self { inner, acknowledged: Mutex::default() })
    }

    pub fn snapshot(&self) -> (BTreeSet<EventKey>, BTreeSet<String>) {
        let a = self.acknowledged.lock().unwrap();
        (a.events.clone(), a.outbox.clone())
    }
}

#[async_trait]
impl CaseLog for Recording {
    async fn append(&self, append: Append) -> Result<(), StorageError> {
        let events: Vec<_> = append
            .events
            .iter()
            .map(|e| (append.organisation.clone(), e.case.clone(), e.seq, e.hash.clone()))
            .collect();
        let outbox: Vec<_> = append.outbox.iter().map(|i| i.id.clone()).collect();
        let result = self.inner.append(append).await;
        let mut acknowledged = self.acknowledged.lock().unwrap();
        match &result {
            Ok(()) => {
                acknowledged.events.extend(events);
                acknowledged.outbox.extend(outbox);
            }
            Err(e) => acknowledged.failed.push(e.clone()),
        }
        result
    }

    async fn case(&self, o: &str, id: &CaseId) -> Result<Option<Case>, StorageError> {
        self.inner.case(o, id).await
    }

    async fn events(&self, o: &str, id: &CaseId) -> Result<Vec<Event>, StorageError> {
        self.inner.events(o, id).await
    }

    async fn find_tracking_code(&self, code: &TrackingCode) -> Result<Option<(String, CaseId)>, StorageError> {
        self.inner.find_tracking_code(code).await
    }

    async fn list(&self, q: &CaseQuery) -> Result<Vec<CaseSummary>, StorageError> {
        self.inner.list(q).await
    }

    async fn due(&self, b: DateTime<Utc>, l: usize) -> Result<Vec<CaseSummary>, StorageError> {
        self.inner.due(b, l).await
    }

    async fn case_ids(
        &self,
        after: Option<(&str, &CaseId)>,
        limit: usize,
    ) -> Result<Vec<(String, CaseId)>, StorageError> {
        self.inner.case_ids(after, limit).await
    }
}

#[async_trait]
impl IdempotencyRecords for Recording {
    async fn idempotency(&self, o: &str, k: &str) -> Result<Option<Idempotency>, StorageError> {
        self.inner.idempotency(o, k).await
    }
}

#[async_trait]
impl Outbox for Recording {
    async fn claim_outbox(
        &self,
        w: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<OutboxItem>, StorageError> {
        self.inner.claim_outbox(w, now, until, limit).await
    }

    async fn complete_outbox(&self, id: &str, w: &str) -> Result<(), StorageError> {
        self.inner.complete_outbox(id, w).await
    }

    async fn retry_outbox(&self, id: &str, w: &str, at: DateTime<Utc>, e: &str) -> Result<(), StorageError> {
        self.inner.retry_outbox(id, w, at, e).await
    }

    async fn outbox_items(&self, after: Option<&str>, limit: usize) -> Result<Vec<OutboxItem>, StorageError> {
        self.inner.outbox_items(after, limit).await
    }
}

#[async_trait]
impl Revocations for Recording {
    async fn revoke(&self, key: &str, until: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), StorageError> {
        self.inner.revoke(key, until, now).await
    }

    async fn is_revoked(&self, key: &str, now: DateTime<Utc>) -> Result<bool, StorageError> {
        self.inner.is_revoked(key, now).await
    }
}

#[async_trait]
impl Blobs for Recording {
    async fn put_blob(&self, o: &str, id: &str, b: &[u8]) -> Result<(), StorageError> {
        self.inner.put_blob(o, id, b).await
    }

    async fn blob(&self, o: &str, id: &str) -> Result<Option<Vec<u8>>, StorageError> {
        self.inner.blob(o, id).await
    }
}

#[async_trait]
impl Definitions for Recording {
    async fn put_definition(&self, o: &str, i: &str, v: &str, b: &str) -> Result<(), StorageError> {
        self.inner.put_definition(o, i, v, b).await
    }

    async fn definition(&self, o: &str, i: &str, v: &str) -> Result<Option<String>, StorageError> {
        self.inner.definition(o, i, v).await
    }

    async fn put_calendar(&self, o: &str, i: &str, v: &str, b: &str) -> Result<(), StorageError> {
        self.inner.put_calendar(o, i, v, b).await
    }

    async fn calendar(&self, o: &str, i: &str, v: &str) -> Result<Option<String>, StorageError> {
        self.inner.calendar(o, i, v).await
    }
}

/// Every case's history verifies against its projection and the summary
/// agrees on the version; returns every stored event as
/// (organisation, case, seq, hash).
pub async fn verify_all(store: &dyn Store) -> BTreeSet<EventKey> {
    let mut stored = BTreeSet::new();
    let mut after: Option<(String, CaseId)> = None;
    loop {
        let page = store.case_ids(after.as_ref().map(|(o, c)| (o.as_str(), c)), 100).await.unwrap();
        let Some(last) = page.last().cloned() else {
            break;
        };
        for (organisation, id) in page {
            let case = store.case(&organisation, &id).await.unwrap().unwrap();
            let events = store.events(&organisation, &id).await.unwrap();
            sigap_core::engine::history::verify_against(&id, &events, case.version, &case.head)
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(Case::fold(&events).unwrap(), case, "case {id} folds");
            let summaries = store
                .list(&CaseQuery { organisation: organisation.clone(), limit: 10_000, ..CaseQuery::default() })
                .await
                .unwrap();
            let summary = summaries.iter().find(|s| s.case == id).unwrap();
            assert_eq!(summary.version, case.version, "case {id}'s summary");
            for event in events {
                stored.insert((organisation.clone(), id.clone(), event.seq, event.hash));
            }
        }
        after = Some(last);
    }
    stored
}
