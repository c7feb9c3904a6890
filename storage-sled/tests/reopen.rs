//! What is written survives closing and reopening the store; a locked or
//! newer store is refused with a clear error.

use std::sync::Arc;

use chrono::TimeDelta;
use sigap_core::engine::{Case, CaseId, Command, Event, Principal, history};
use sigap_core::storage::{CaseQuery, CaseSummary, ErrorKind, OutboxItem, Store};
use sigap_core::testing::{at, fixture_service, new_case, submit};
use sigap_storage_sled::{SledConfig, SledStore};

/// Everything the store answers about the fixture organisation.
#[derive(Debug, PartialEq)]
struct Snapshot {
    cases: Vec<(Case, Vec<Event>)>,
    listed: Vec<CaseSummary>,
    due: Vec<CaseSummary>,
    ids: Vec<(String, CaseId)>,
    blob: Option<Vec<u8>>,
    definition: Option<String>,
    tracking: Option<(String, CaseId)>,
    idempotency: Option<sigap_core::storage::Idempotency>,
}

async fn snapshot(store: &dyn Store, blob_id: &str) -> Snapshot {
    let ids = store.case_ids(None, 1000).await.unwrap();
    let mut cases = Vec::new();
    for (org, id) in &ids {
        let case = store.case(org, id).await.unwrap().expect("the case");
        let events = store.events(org, id).await.unwrap();
        history::verify_against(id, &events, case.version, &case.head).unwrap();
        assert_eq!(Case::fold(&events).unwrap(), case);
        cases.push((case, events));
    }
    let workflow_version = cases[0].0.workflow_version.clone();
    Snapshot {
        listed: store.list(&CaseQuery { organisation: "org-uji".to_owned(), ..CaseQuery::default() }).await.unwrap(),
        due: store.due(at("2027-01-01 00:00"), 100).await.unwrap(),
        blob: store.blob("org-uji", blob_id).await.unwrap(),
        definition: store.definition("org-uji", "uji", &workflow_version).await.unwrap(),
        tracking: store.find_tracking_code(&new_case(2).tracking_code).await.unwrap(),
        idempotency: store.idempotency("org-uji", "k-1").await.unwrap(),
        cases,
        ids,
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    <sha2::Sha256 as sha2::Digest>::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn officer() -> Principal {
    Principal::staff("rina", &["petugas"])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everything_reads_back_identically_after_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = b"%PDF-1.4 surat kuasa".repeat(1000);
    let blob_id = sha256_hex(&bytes);
    let (before, leased) = {
        let store: Arc<dyn Store> = Arc::new(SledStore::open(dir.path()).unwrap());
        let service = fixture_service(store.clone()).await;
        let mut ids = Vec::new();
        for n in 1..=3 {
            ids.push(submit(&service, n, at("2026-12-01 09:00") + TimeDelta::minutes(n as i64)).await);
        }
        service
            .execute("org-uji", &ids[0], &officer(), &Command::Claim, None, None, at("2026-12-01 09:10"))
            .await
            .unwrap();
        let note = Command::AddNote { text: "Berkas diperiksa".to_owned(), obstacle: false, audience: None };
        let keyed = sigap_core::service::IdempotencyRequest {
            key: "k-1".to_owned(),
            fingerprint: "f".to_owned(),
            response: serde_json::json!({}),
        };
        service
            .execute("org-uji", &ids[1], &officer(), &note, None, Some(keyed), at("2026-12-01 09:11"))
            .await
            .unwrap();
        store.put_blob("org-uji", &blob_id, &bytes).await.unwrap();
        let now = at("2026-12-01 09:12");
        let leased = store.claim_outbox("w1", now, now + TimeDelta::minutes(5), 2).await.unwrap();
        assert_eq!(leased.len(), 2);
        (snapshot(store.as_ref(), &blob_id).await, leased)
    };
    let store: Arc<dyn Store> = Arc::new(SledStore::open(dir.path()).unwrap());
    let after = snapshot(store.as_ref(), &blob_id).await;
    assert_eq!(after, before);
    assert_eq!(after.cases.len(), 3);
    assert_eq!(after.blob.as_deref(), Some(&bytes[..]));
    // Leases survive too: others cannot take the items, the holder can complete them.
    let now = at("2026-12-01 09:13");
    let others: Vec<OutboxItem> = store.claim_outbox("w2", now, now + TimeDelta::minutes(5), 100).await.unwrap();
    assert!(others.iter().all(|i| leased.iter().all(|l| l.id != i.id)));
    store.complete_outbox(&leased[0].id, "w1").await.unwrap();
    // And the reopened store takes new writes.
    let service = fixture_service(store.clone()).await;
    let (case, _) = after.cases[2].clone();
    service
        .execute("org-uji", &case.id, &officer(), &Command::Claim, None, None, at("2026-12-01 09:20"))
        .await
        .unwrap();
    assert_eq!(store.case("org-uji", &case.id).await.unwrap().unwrap().version, case.version + 1);
}

#[test]
fn a_directory_in_use_is_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let first = SledStore::open(dir.path()).unwrap();
    let error = SledStore::open(dir.path()).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unavailable, "{error}");
    let message = error.message();
    assert!(message.contains(&dir.path().display().to_string()), "{message}");
    assert!(message.contains("another `sigap`"), "{message}");
    drop(first);
    SledStore::open(dir.path()).expect("opens once the first is closed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reopening_right_after_closing_always_works() {
    let dir = tempfile::tempdir().unwrap();
    for round in 0..20u64 {
        let store: Arc<dyn Store> = Arc::new(SledStore::open(dir.path()).unwrap());
        let service = fixture_service(store.clone()).await;
        submit(&service, round + 1, at("2026-12-01 09:00")).await;
        assert_eq!(store.case_ids(None, 100).await.unwrap().len() as u64, round + 1);
    }
}

#[test]
fn a_newer_layout_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    drop(SledStore::open(dir.path()).unwrap());
    {
        // sled directly, once the closed store's I/O threads let go of its lock.
        std::fs::File::open(dir.path().join("db")).unwrap().lock().unwrap();
        let db = sled::open(dir.path()).unwrap();
        db.open_tree("meta").unwrap().insert("layout", vec![9]).unwrap();
        db.flush().unwrap();
    }
    let error = SledStore::open(dir.path()).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::SchemaTooNew, "{error}");
    assert!(error.message().contains("upgrade"), "{error}");
}

#[test]
fn a_path_that_is_a_file_is_unavailable_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-directory");
    std::fs::write(&file, b"x").unwrap();
    let error = SledStore::open_with(SledConfig::new(&file)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unavailable, "{error}");
    assert!(error.message().contains("not-a-directory"), "{error}");
}

/// A store written before the clock indexes (index generation 1) gets them
/// on opening: the late cases are found, and in the order the list promises.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_from_before_the_clock_indexes_gets_them_on_opening() {
    use sigap_core::engine::ClockState;
    use sigap_core::storage::{ClockFilter, Order};
    let dir = tempfile::tempdir().unwrap();
    let late = |order| CaseQuery {
        organisation: "org-uji".to_owned(),
        clock: Some(ClockFilter { states: vec![ClockState::Breached], at: at("2027-01-01 00:00") }),
        order,
        ..CaseQuery::default()
    };
    let expected = {
        let store: Arc<dyn Store> = Arc::new(SledStore::open(dir.path()).unwrap());
        let service = fixture_service(store.clone()).await;
        for n in 1..=3 {
            submit(&service, n, at("2026-12-01 09:00") + TimeDelta::minutes(n as i64)).await;
        }
        let expected = store.list(&late(Order::DueFirst)).await.unwrap();
        assert_eq!(expected.len(), 3);
        expected
    };
    // What generation 1 had: no `u` (due) or `k` (at risk) keys, no generation recorded.
    {
        let db = sled::open(dir.path()).unwrap();
        let index = db.open_tree("index").unwrap();
        let org_len = "org-uji".len() + 2;
        let clock_keys: Vec<_> =
            index.iter().keys().map(Result::unwrap).filter(|k| matches!(k.get(org_len), Some(b'u' | b'k'))).collect();
        assert_eq!(clock_keys.len(), 6, "a due and an at-risk key per case");
        for key in clock_keys {
            index.remove(key).unwrap();
        }
        db.open_tree("meta").unwrap().remove(b"indexes").unwrap();
        db.flush().unwrap();
    }
    let store: Arc<dyn Store> = Arc::new(SledStore::open(dir.path()).unwrap());
    assert_eq!(store.list(&late(Order::DueFirst)).await.unwrap(), expected);
    assert_eq!(store.list(&late(Order::NewestFirst)).await.unwrap().len(), 3);
}
