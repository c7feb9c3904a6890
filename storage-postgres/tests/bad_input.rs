//! Bad input: rows corrupted by hand, a schema from a newer build, servers
//! and databases that are not there, malformed URLs and text PostgreSQL
//! cannot hold.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::url_of;
use sigap_core::engine::history::{ChainProblem, verify_against};
use sigap_core::engine::{CaseId, Command, Principal};
use sigap_core::service::{Service, ServiceError};
use sigap_core::storage::{CaseLog, CaseQuery, Definitions, ErrorKind};
use sigap_core::testing::{at, fixture_service, submit};
use sigap_storage_postgres::{PgOptions, PgStore};
use sqlx::PgPool;

async fn store_with_case(pool: &PgPool) -> (Arc<PgStore>, Service, CaseId) {
    let store = Arc::new(PgStore::from_pool(pool.clone()).await.unwrap());
    let service = fixture_service(store.clone()).await;
    let id = submit(&service, 1, at("2026-12-01 09:00")).await;
    let note = Command::AddNote { text: "asli".to_owned(), obstacle: false, audience: None };
    service
        .execute("org-uji", &id, &Principal::staff("rina", &["petugas"]), &note, None, None, at("2026-12-01 09:05"))
        .await
        .unwrap();
    (store, service, id)
}

async fn edit(pool: &PgPool, sql: &str, id: &CaseId) {
    let changed = sqlx::query(sql).bind(id.as_str()).execute(pool).await.unwrap().rows_affected();
    assert_eq!(changed, 1, "{sql}");
}

#[sqlx::test(migrations = false)]
async fn an_edited_event_is_named_by_verification(pool: PgPool) {
    let (store, _, id) = store_with_case(&pool).await;
    let case = store.case("org-uji", &id).await.unwrap().unwrap();
    let seq = case.version; // the note is the last event
    edit(
        &pool,
        &format!(
            "UPDATE events SET body = replace(body, '\"asli\"', '\"palsu\"') \
             WHERE case_id = $1 AND seq = {seq}"
        ),
        &id,
    )
    .await;
    let events = store.events("org-uji", &id).await.unwrap();
    let error = verify_against(&id, &events, case.version, &case.head).unwrap_err();
    assert_eq!(error.seq, seq);
    assert_eq!(error.position, seq as usize);
    assert_eq!(error.problem, ChainProblem::Edited);
    assert!(error.to_string().contains(&format!("(seq {seq}) of case {id}")), "{error}");
}

#[sqlx::test(migrations = false)]
async fn garbage_event_json_is_corrupt_and_named(pool: PgPool) {
    let (store, service, id) = store_with_case(&pool).await;
    edit(&pool, "UPDATE events SET body = '{\"format\": 1, garbage' WHERE case_id = $1 AND seq = 1", &id).await;
    let error = store.events("org-uji", &id).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Corrupt);
    assert!(error.message().contains(&format!("event 1 of case {id} of org-uji")), "{error}");
    match service.load("org-uji", &id).await {
        Err(ServiceError::Storage(e)) => assert_eq!(e.kind(), ErrorKind::Corrupt),
        other => panic!("expected Corrupt, got {:?}", other.map(|_| ())),
    }
}

#[sqlx::test(migrations = false)]
async fn an_event_whose_hash_disagrees_with_its_row_is_corrupt(pool: PgPool) {
    let (store, _, id) = store_with_case(&pool).await;
    edit(&pool, "UPDATE events SET hash = repeat('0', 64) WHERE case_id = $1 AND seq = 2", &id).await;
    let error = store.events("org-uji", &id).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Corrupt);
    assert!(error.message().contains("event 2 of case"), "{error}");
}

#[sqlx::test(migrations = false)]
async fn a_garbage_or_mismatched_projection_is_corrupt(pool: PgPool) {
    let (store, _, id) = store_with_case(&pool).await;
    edit(&pool, "UPDATE cases SET version = version + 1 WHERE case_id = $1", &id).await;
    let error = store.case("org-uji", &id).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Corrupt);
    assert!(error.message().contains("its row is at version"), "{error}");
    edit(&pool, "UPDATE cases SET state = 'not json' WHERE case_id = $1", &id).await;
    let error = store.case("org-uji", &id).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Corrupt);
    assert!(error.message().contains(&format!("the projection of case {id}")), "{error}");
}

#[sqlx::test(migrations = false)]
async fn a_summary_with_an_unknown_status_is_corrupt(pool: PgPool) {
    let (store, _, id) = store_with_case(&pool).await;
    edit(&pool, "UPDATE case_summaries SET status = 'beku' WHERE case_id = $1", &id).await;
    let error =
        store.list(&CaseQuery { organisation: "org-uji".to_owned(), ..CaseQuery::default() }).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Corrupt);
    assert!(error.message().contains("status `beku`"), "{error}");
}

#[sqlx::test(migrations = false)]
async fn a_schema_from_a_newer_build_is_refused(pool: PgPool) {
    PgStore::from_pool(pool.clone()).await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations \
             (version, description, success, checksum, execution_time) \
         VALUES (20991231000000, 'from a newer build', true, '\\x00', 0)",
    )
    .execute(&pool)
    .await
    .unwrap();
    let error = PgStore::from_pool(pool.clone()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::SchemaTooNew);
    assert!(error.message().contains("20991231000000"), "{error}");
    let error = PgStore::connect(&url_of(&pool), PgOptions::default()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::SchemaTooNew, "{error}");
    assert!(error.message().contains("a newer Sigap migrated it"), "{error}");
}

#[tokio::test]
async fn an_unreachable_server_is_unavailable_and_named() {
    // A port nobody listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let options = PgOptions { connect_timeout: Duration::from_secs(2), ..PgOptions::default() };
    let error = PgStore::connect(&format!("postgres://sigap@127.0.0.1:{port}/sigap"), options).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unavailable, "{error}");
    assert!(error.message().contains(&format!("database sigap at 127.0.0.1:{port}")), "{error}");
    assert!(error.message().contains("refused"), "{error}");
}

#[sqlx::test(migrations = false)]
async fn a_missing_database_is_unavailable_and_named(pool: PgPool) {
    let url = url_of(&pool);
    let missing = format!("{}/sigap_tidak_ada", url.rsplit_once('/').unwrap().0);
    let error = PgStore::connect(&missing, PgOptions::default()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unavailable, "{error}");
    assert!(error.message().contains("sigap_tidak_ada"), "{error}");
    assert!(error.message().contains("does not exist"), "{error}");
}

#[tokio::test]
async fn a_malformed_url_is_invalid() {
    let error = PgStore::connect("postgres://[::1", PgOptions::default()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Invalid, "{error}");
}

#[sqlx::test(migrations = false)]
async fn text_postgres_cannot_hold_is_invalid(pool: PgPool) {
    let store = PgStore::from_pool(pool).await.unwrap();
    let error = store.put_definition("org-uji", "uji", "v1", "nul \0 byte").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Invalid, "{error}");
}
