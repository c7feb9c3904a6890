//! Unique-key races across connections: creators of one case, creators
//! sharing a tracking code, and requests sharing an idempotency key. One
//! wins; the rest are `Conflict` (or, for the key, replay the first
//! response) and write nothing.

use std::sync::Arc;

use sigap_core::engine::{Command, NewCase, Principal, TrackingCode};
use sigap_core::service::{IdempotencyRequest, Outcome, Service, ServiceError};
use sigap_core::storage::{CaseQuery, ErrorKind, Store};
use sigap_core::testing::{at, fixture_form, fixture_service, new_case, submit};
use sigap_storage_postgres::PgStore;
use sqlx::PgPool;
use tokio::sync::Barrier;

const RACERS: usize = 6;

async fn service(pool: PgPool) -> (Arc<dyn Store>, Arc<Service>) {
    let store: Arc<dyn Store> = Arc::new(PgStore::from_pool(pool).await.unwrap());
    let service = Arc::new(fixture_service(store.clone()).await);
    (store, service)
}

/// Runs `RACERS` submissions at once (released together by a barrier).
async fn race_submit(service: &Arc<Service>, cases: Vec<NewCase>) -> Vec<Result<Outcome, ServiceError>> {
    let barrier = Arc::new(Barrier::new(cases.len()));
    let tasks: Vec<_> = cases
        .into_iter()
        .map(|case| {
            let (service, barrier) = (service.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                service.submit("org-uji", "uji", case, fixture_form("Pemohon"), None, at("2026-12-01 09:00")).await
            })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.unwrap());
    }
    results
}

fn tally(results: &[Result<Outcome, ServiceError>]) -> (usize, usize) {
    let mut won = 0;
    let mut conflicts = 0;
    for result in results {
        match result {
            Ok(Outcome::Applied { .. }) => won += 1,
            Err(ServiceError::Storage(e)) if e.kind() == ErrorKind::Conflict => conflicts += 1,
            other => panic!("unexpected: {other:?}"),
        }
    }
    (won, conflicts)
}

async fn listed(store: &dyn Store) -> usize {
    store.list(&CaseQuery { organisation: "org-uji".to_owned(), ..CaseQuery::default() }).await.unwrap().len()
}

#[sqlx::test(migrations = false)]
async fn racing_creators_of_one_case_one_wins(pool: PgPool) {
    let (store, service) = service(pool).await;
    let results = race_submit(&service, (0..RACERS).map(|_| new_case(1)).collect()).await;
    assert_eq!(tally(&results), (1, RACERS - 1));
    let winner = results
        .iter()
        .find_map(|r| match r {
            Ok(Outcome::Applied { events, .. }) => Some(events.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(store.events("org-uji", &new_case(1).id).await.unwrap(), winner);
    assert_eq!(listed(store.as_ref()).await, 1);
}

#[sqlx::test(migrations = false)]
async fn racing_creators_of_one_tracking_code_one_wins(pool: PgPool) {
    let (store, service) = service(pool).await;
    let code: TrackingCode = new_case(1).tracking_code;
    let cases: Vec<NewCase> =
        (1..=RACERS as u64).map(|n| NewCase { tracking_code: code.clone(), ..new_case(n) }).collect();
    let results = race_submit(&service, cases).await;
    assert_eq!(tally(&results), (1, RACERS - 1));
    let (_, owner) = store.find_tracking_code(&code).await.unwrap().unwrap();
    assert!(store.case("org-uji", &owner).await.unwrap().is_some());
    assert_eq!(listed(store.as_ref()).await, 1);
    let loser = results.iter().find_map(|r| r.as_ref().err()).unwrap().to_string();
    assert!(loser.contains("tracking code"), "{loser}");
}

#[sqlx::test(migrations = false)]
async fn racing_requests_with_one_idempotency_key_apply_once(pool: PgPool) {
    let (store, service) = service(pool).await;
    // The same key on two different cases: only the case rows differ, so the key alone decides.
    let ids = [submit(&service, 1, at("2026-12-01 09:00")).await, submit(&service, 2, at("2026-12-01 09:00")).await];
    let barrier = Arc::new(Barrier::new(RACERS));
    let tasks: Vec<_> = (0..RACERS)
        .map(|i| {
            let (service, barrier, id) = (service.clone(), barrier.clone(), ids[i % 2].clone());
            tokio::spawn(async move {
                barrier.wait().await;
                service
                    .execute(
                        "org-uji",
                        &id,
                        &Principal::staff("rina", &["petugas"]),
                        &Command::AddNote { text: "sekali".to_owned(), obstacle: false, audience: None },
                        None,
                        Some(IdempotencyRequest {
                            key: "kunci".to_owned(),
                            fingerprint: "sidik".to_owned(),
                            response: serde_json::json!({}),
                        }),
                        at("2026-12-01 09:05"),
                    )
                    .await
            })
        })
        .collect();
    let (mut applied, mut replayed) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(Outcome::Applied { .. }) => applied += 1,
            Ok(Outcome::Replayed(_)) => replayed += 1,
            other => panic!("unexpected: {other:?}"),
        }
    }
    assert_eq!((applied, replayed), (1, RACERS - 1));
    let mut notes = 0;
    for id in &ids {
        notes += store.case("org-uji", id).await.unwrap().unwrap().notes.len();
    }
    assert_eq!(notes, 1);
    let record = store.idempotency("org-uji", "kunci").await.unwrap().unwrap();
    assert!(ids.contains(&record.case));
}
