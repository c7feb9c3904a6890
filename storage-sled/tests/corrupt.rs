//! Damaged records read as `Corrupt` errors naming the tree and key; a
//! record of a newer format as `SchemaTooNew`. Never a panic.

use std::path::Path;
use std::sync::Arc;

use sigap_core::engine::CaseId;
use sigap_core::storage::{Blobs, CaseLog, CaseQuery, ErrorKind, Store};
use sigap_core::testing::{at, fixture_service, submit};
use sigap_storage_sled::SledStore;

/// A store with one submitted case and one blob, closed again.
async fn one_case(dir: &Path) -> (CaseId, String) {
    let store: Arc<dyn Store> = Arc::new(SledStore::open(dir).unwrap());
    let service = fixture_service(store.clone()).await;
    let id = submit(&service, 1, at("2026-12-01 09:00")).await;
    let bytes = vec![7u8; 10_000];
    let blob_id: String = <sha2::Sha256 as sha2::Digest>::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    store.put_blob("org-uji", &blob_id, &bytes).await.unwrap();
    (id, blob_id)
}

/// sled directly, once the closed store's I/O threads let go of its lock.
fn raw_sled(dir: &Path) -> sled::Db {
    std::fs::File::open(dir.join("db")).unwrap().lock().unwrap();
    sled::open(dir).unwrap()
}

/// Overwrites the first value in `tree` whose key contains `needle`.
fn damage(dir: &Path, tree: &str, needle: &[u8], value: &[u8]) {
    let db = raw_sled(dir);
    let tree = db.open_tree(tree).unwrap();
    let key = tree
        .iter()
        .keys()
        .map(Result::unwrap)
        .find(|k| k.windows(needle.len()).any(|w| w == needle))
        .expect("a key to damage");
    tree.insert(key, value).unwrap();
    db.flush().unwrap();
}

fn query() -> CaseQuery {
    CaseQuery { organisation: "org-uji".to_owned(), ..CaseQuery::default() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_in_a_case_is_corrupt_and_names_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let (id, _) = one_case(dir.path()).await;
    damage(dir.path(), "cases", id.as_str().as_bytes(), b"\x01{\"not\": a case");
    let store = SledStore::open(dir.path()).unwrap();
    let error = store.case("org-uji", &id).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Corrupt, "{error}");
    assert!(error.message().contains("`cases`"), "{error}");
    assert!(error.message().contains(id.as_str()), "{error}");
    // The rest of the store still answers.
    assert_eq!(store.list(&query()).await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_in_events_summaries_and_indexes_is_corrupt() {
    for (tree, value) in [
        ("events", &b"\x01[1,2"[..]),
        ("events", &b""[..]),
        ("summaries", &b"\x00{}"[..]),
        // The plain id is in the deadline entry only (the others hold it complemented).
        ("index", &b""[..]),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let (id, _) = one_case(dir.path()).await;
        damage(dir.path(), tree, id.as_str().as_bytes(), value);
        let store = SledStore::open(dir.path()).unwrap();
        let error = match tree {
            "events" => store.events("org-uji", &id).await.unwrap_err(),
            "index" => store.due(at("2027-01-01 00:00"), 10).await.unwrap_err(),
            _ => store.list(&query()).await.unwrap_err(),
        };
        assert_eq!(error.kind(), ErrorKind::Corrupt, "{tree}: {error}");
        assert!(error.message().contains(tree), "{error}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_blob_is_never_served() {
    let dir = tempfile::tempdir().unwrap();
    let (_, blob_id) = one_case(dir.path()).await;
    let mut chunk = vec![1u8];
    chunk.extend_from_slice(&[8u8; 4096]);
    damage(dir.path(), "blobs", blob_id.as_bytes(), &[]);
    let store = SledStore::open(dir.path()).unwrap();
    let error = store.blob("org-uji", &blob_id).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Corrupt, "{error}");
    drop(store);
    // Well-formed chunks with the wrong bytes fail the hash check.
    let db = raw_sled(dir.path());
    let blobs = db.open_tree("blobs").unwrap();
    let keys: Vec<_> = blobs.iter().keys().map(Result::unwrap).collect();
    assert_eq!(keys.len(), 4, "a header and three chunks");
    blobs.insert(&keys[0], &b"\x01{\"len\":10000,\"chunks\":3}"[..]).unwrap();
    blobs.insert(&keys[2], chunk).unwrap();
    drop((blobs, db));
    let store = SledStore::open(dir.path()).unwrap();
    let error = store.blob("org-uji", &blob_id).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Corrupt, "{error}");
    assert!(error.message().contains(&blob_id), "{error}");
    assert!(error.message().contains("hash to"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_of_a_newer_format_is_schema_too_new() {
    let dir = tempfile::tempdir().unwrap();
    let (id, _) = one_case(dir.path()).await;
    damage(dir.path(), "cases", id.as_str().as_bytes(), b"\x02{}");
    let store = SledStore::open(dir.path()).unwrap();
    let error = store.case("org-uji", &id).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::SchemaTooNew, "{error}");
}
