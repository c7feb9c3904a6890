//! The storage conformance suite: every backend passes every case.
//!
//! Each case takes a fresh, empty store. [`crate::conformance_tests!`]
//! emits one `#[tokio::test]` per case for a backend's factory.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::TimeDelta;

use super::{Era, new_case, submit};
use crate::engine::{Case, Command, Principal, Status, history};
use crate::form::Input;
use crate::service::{IdempotencyRequest, Outcome, Service};
use crate::storage::{Append, CaseQuery, CaseSummary, ErrorKind, OutboxItem, OutboxMessage, Store};

/// Emits, per conformance case, a module with one `#[tokio::test]` per
/// [`Era`] (`past`, `near`, `future`) for a store factory (a closure
/// returning a future of `(Arc<dyn Store>, Guard)`), e.g.
/// `append_and_read_back::past`.
#[macro_export]
macro_rules! conformance_tests {
    ($factory:expr) => {
        $crate::__conformance_cases!(tokio, $factory);
    };
}

/// Emits, per conformance case and [`Era`], one `#[sqlx::test]` (a fresh
/// PostgreSQL database each) for a function from the test's `sqlx::PgPool` to a future
/// of `Arc<dyn Store>`. The calling crate depends on sqlx.
#[macro_export]
macro_rules! conformance_tests_sqlx {
    ($make:expr) => {
        $crate::__conformance_cases!(sqlx, $make);
    };
}

/// The one list of conformance cases.
#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_cases {
    ($harness:ident, $arg:expr) => {
        $crate::__conformance_emit!($harness, $arg;
            append_and_read_back,
            stale_version_conflicts_and_writes_nothing,
            creating_an_existing_case_conflicts,
            concurrent_appends_one_wins,
            invalid_appends_are_refused,
            idempotency_is_recorded_with_the_events,
            a_reused_idempotency_key_conflicts,
            tracking_codes_find_their_case,
            lists_filter_and_order,
            tenants_are_isolated,
            deadlines_are_found_in_order,
            outbox_is_written_with_the_events,
            outbox_leases_exclude_others_until_expiry,
            outbox_complete_and_retry,
            outbox_items_page_through_what_is_undelivered,
            revocations_hold_until_their_instant,
            outbox_batches_complete_what_is_still_held,
            blobs_are_content_addressed_and_limited,
            definitions_and_calendars_round_trip,
            case_ids_page_through_everything,
            a_whole_procedure_replays_to_the_stored_state
        );
    };
}

/// One test per case, for each harness.
#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_emit {
    (tokio, $factory:expr; $($case:ident),* $(,)?) => {
        $(
            mod $case {
                #[allow(unused_imports)]
                use super::*;
                $crate::__conformance_emit!(@tokio $factory, $case, past, PAST);
                $crate::__conformance_emit!(@tokio $factory, $case, near, NEAR);
                $crate::__conformance_emit!(@tokio $factory, $case, future, FUTURE);
            }
        )*
    };
    (sqlx, $make:expr; $($case:ident),* $(,)?) => {
        $(
            mod $case {
                #[allow(unused_imports)]
                use super::*;
                $crate::__conformance_emit!(@sqlx $make, $case, past, PAST);
                $crate::__conformance_emit!(@sqlx $make, $case, near, NEAR);
                $crate::__conformance_emit!(@sqlx $make, $case, future, FUTURE);
            }
        )*
    };
    (@tokio $factory:expr, $case:ident, $era:ident, $ERA:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $era() {
            let (store, _guard) = ($factory)().await;
            $crate::testing::conformance::$case(store, $crate::testing::Era::$ERA).await;
        }
    };
    (@sqlx $make:expr, $case:ident, $era:ident, $ERA:ident) => {
        #[sqlx::test(migrations = false)]
        async fn $era(pool: sqlx::PgPool) {
            let store = ($make)(pool).await;
            $crate::testing::conformance::$case(store, $crate::testing::Era::$ERA).await;
        }
    };
}

fn perform(action: &str, inputs: &[(&str, Input)]) -> Command {
    Command::Perform {
        action: action.to_owned(),
        inputs: inputs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect(),
        form: None,
    }
}

fn officer() -> Principal {
    Principal::staff("rina", &["petugas"])
}

fn head() -> Principal {
    Principal::staff("kabag", &["kepala"])
}

async fn state(store: &dyn Store, case: &crate::engine::CaseId) -> (Case, Vec<crate::engine::Event>) {
    let stored = store.case("org-uji", case).await.expect("load").expect("the case exists");
    let events = store.events("org-uji", case).await.expect("events");
    (stored, events)
}

/// A submitted case reads back: projection, history, summary; the history verifies and folds to the projection.
pub async fn append_and_read_back(store: Arc<dyn Store>, era: Era) {
    let service = era.service(store.clone()).await;
    let id = submit(&service, 1, era.at("2026-12-01 09:00")).await;
    let (case, events) = state(store.as_ref(), &id).await;
    assert_eq!(case.version, events.len() as u64);
    assert_eq!(Case::fold(&events).unwrap(), case);
    history::verify_against(&id, &events, case.version, &case.head).unwrap();
    let listed = store.list(&CaseQuery { organisation: "org-uji".to_owned(), ..CaseQuery::default() }).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].case, id);
    assert_eq!(listed[0].stage, "periksa");
    assert_eq!(listed[0].role.as_deref(), Some("petugas"));
    assert!(listed[0].due.is_some());
}

/// An append at a version the case is no longer at is a Conflict and changes nothing.
pub async fn stale_version_conflicts_and_writes_nothing(store: Arc<dyn Store>, era: Era) {
    let service = era.service(store.clone()).await;
    let id = submit(&service, 1, era.at("2026-12-01 09:00")).await;
    let (before, events_before) = state(store.as_ref(), &id).await;
    service.execute("org-uji", &id, &officer(), &Command::Claim, None, None, era.at("2026-12-01 09:05")).await.unwrap();
    // Replay the claim against the old state: decided at version `before.version`, now stale.
    let wf = service.pinned(&before).await.unwrap();
    let context =
        crate::engine::Context { definition: &wf.definition, calendar: &wf.calendar, at: era.at("2026-12-01 09:06") };
    let events =
        crate::engine::decide(&context, Some(&before), &Principal::staff("budi", &["petugas"]), &Command::Claim, None)
            .unwrap();
    let mut after = before.clone();
    for e in &events {
        after.apply(e).unwrap();
    }
    let stale = Append {
        organisation: "org-uji".to_owned(),
        case: id.clone(),
        expected_version: before.version,
        events,
        summary: CaseSummary::of(&after, &wf.definition),
        state: after,
        outbox: Vec::new(),
        idempotency: None,
    };
    let error = store.append(stale).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Conflict);
    let (now, events_now) = state(store.as_ref(), &id).await;
    assert_eq!(now.assignee.as_deref(), Some("rina"));
    assert_eq!(events_now.len(), events_before.len() + 1);
}

/// Creating a case that exists (expected version 0) is a Conflict.
pub async fn creating_an_existing_case_conflicts(store: Arc<dyn Store>, era: Era) {
    let service = era.service(store.clone()).await;
    let id = submit(&service, 1, era.at("2026-12-01 09:00")).await;
    let (case, events) = state(store.as_ref(), &id).await;
    let wf = service.pinned(&case).await.unwrap();
    let again = Append {
        organisation: "org-uji".to_owned(),
        case: id.clone(),
        expected_version: 0,
        events: events.clone(),
        summary: CaseSummary::of(&case, &wf.definition),
        state: case,
        outbox: Vec::new(),
        idempotency: None,
    };
    assert_eq!(store.append(again).await.unwrap_err().kind(), ErrorKind::Conflict);
    assert_eq!(state(store.as_ref(), &id).await.1, events);
}

/// Of many writers racing on one version, exactly one wins; the rest conflict.
pub async fn concurrent_appends_one_wins(store: Arc<dyn Store>, era: Era) {
    let service = Arc::new(era.service(store.clone()).await);
    let id = submit(&service, 1, era.at("2026-12-01 09:00")).await;
    let (case, _) = state(store.as_ref(), &id).await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let service = service.clone();
        let id = id.clone();
        let version = case.version;
        tasks.push(tokio::spawn(async move {
            let note = Command::AddNote { text: format!("catatan {i}"), obstacle: false };
            service.execute("org-uji", &id, &officer(), &note, Some(version), None, era.at("2026-12-01 09:10")).await
        }));
    }
    let mut won = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(Outcome::Applied { .. }) => won += 1,
            Err(crate::service::ServiceError::Rejected(crate::engine::Rejection::StaleVersion { .. })) => {}
            other => panic!("unexpected: {other:?}"),
        }
    }
    assert_eq!(won, 1);
    let (now, events) = state(store.as_ref(), &id).await;
    assert_eq!(now.version, case.version + 1);
    assert_eq!(now.notes.len(), 1);
    history::verify_against(&id, &events, now.version, &now.head).unwrap();
}

/// Appends whose events do not continue the case are refused before anything is written.
pub async fn invalid_appends_are_refused(store: Arc<dyn Store>, era: Era) {
    let service = era.service(store.clone()).await;
    let id = submit(&service, 1, era.at("2026-12-01 09:00")).await;
    let (case, events) = state(store.as_ref(), &id).await;
    let wf = service.pinned(&case).await.unwrap();
    let gap = Append {
        organisation: "org-uji".to_owned(),
        case: id.clone(),
        expected_version: case.version + 5,
        events: events[..1].to_vec(),
        summary: CaseSummary::of(&case, &wf.definition),
        state: case.clone(),
        outbox: Vec::new(),
        idempotency: None,
    };
    let error = store.append(gap).await.unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Invalid | ErrorKind::Conflict), "{error}");
    let empty = Append {
        organisation: "org-uji".to_owned(),
        case: id.clone(),
        expected_version: case.version,
        events: Vec::new(),
        summary: CaseSummary::of(&case, &wf.definition),
        state: case.clone(),
        outbox: Vec::new(),
        idempotency: None,
    };
    assert_eq!(store.append(empty).await.unwrap_err().kind(), ErrorKind::Invalid);
    assert_eq!(state(store.as_ref(), &id).await.1, events);
}

fn keyed(key: &str, fingerprint: &str) -> Option<IdempotencyRequest> {
    Some(IdempotencyRequest {
        key: key.to_owned(),
        fingerprint: fingerprint.to_owned(),
        response: serde_json::json!({ "note": "first" }),
    })
}

/// A keyed command records its response atomically; a repeat returns it and appends nothing.
pub async fn idempotency_is_recorded_with_the_events(store: Arc<dyn Store>, era: Era) {
    let service = era.service(store.clone()).await;
    let id = submit(&service, 1, era.at("2026-12-01 09:00")).await;
    let note = Command::AddNote { text: "sekali saja".to_owned(), obstacle: false };
    let first = service
        .execute("org-uji", &id, &officer(), &note, None, keyed("k-1", "f-1"), era.at("2026-12-01 09:05"))
        .await
        .unwrap();
    assert!(matches!(first, Outcome::Applied { .. }));
    let record = store.idempotency("org-uji", "k-1").await.unwrap().expect("recorded");
    assert_eq!(record.case, id);
    assert_eq!(record.response["note"], "first");
    let (after_first, _) = state(store.as_ref(), &id).await;
    let again = service
        .execute("org-uji", &id, &officer(), &note, None, keyed("k-1", "f-1"), era.at("2026-12-01 09:06"))
        .await
        .unwrap();
    assert!(matches!(again, Outcome::Replayed(_)));
    let (after_again, _) = state(store.as_ref(), &id).await;
    assert_eq!(after_first.version, after_again.version);
    assert_eq!(after_again.notes.len(), 1);
}

/// A key reused with another request is refused; a key recorded already makes an append conflict.
pub async fn a_reused_idempotency_key_conflicts(store: Arc<dyn Store>, era: Era) {
    let service = era.service(store.clone()).await;
    let id = submit(&service, 1, era.at("2026-12-01 09:00")).await;
    let note = Command::AddNote { text: "a".to_owned(), obstacle: false };
    service
        .execute("org-uji", &id, &officer(), &note, None, keyed("k-2", "f-a"), era.at("2026-12-01 09:05"))
        .await
        .unwrap();
    let other = Command::AddNote { text: "b".to_owned(), obstacle: false };
    let error = service
        .execute("org-uji", &id, &officer(), &other, None, keyed("k-2", "f-b"), era.at("2026-12-01 09:06"))
        .await
        .unwrap_err();
    assert!(matches!(error, crate::service::ServiceError::KeyReused), "{error}");
    let (case, _) = state(store.as_ref(), &id).await;
    assert_eq!(case.notes.len(), 1);
    // Two different cases cannot take the same key either (store-level uniqueness).
    let second = service
        .submit(
            "org-uji",
            "uji",
            new_case(2),
            super::fixture_form("B"),
            keyed("k-2", "f-c"),
            era.at("2026-12-01 09:07"),
        )
        .await;
    assert!(matches!(second, Err(crate::service::ServiceError::KeyReused)), "{second:?}");
    assert!(store.case("org-uji", &new_case(2).id).await.unwrap().is_none());
}

/// A tracking code finds its organisation and case; an unknown one finds nothing.
pub async fn tracking_codes_find_their_case(store: Arc<dyn Store>, era: Era) {
    let service = era.service(store.clone()).await;
    let id = submit(&service, 7, era.at("2026-12-01 09:00")).await;
    let code = new_case(7).tracking_code;
    assert_eq!(store.find_tracking_code(&code).await.unwrap(), Some(("org-uji".to_owned(), id)));
    assert_eq!(store.find_tracking_code(&new_case(8).tracking_code).await.unwrap(), None);
}

/// Lists filter by workflow, stage, role, assignee and status, newest first, with paging.
pub async fn lists_filter_and_order(store: Arc<dyn Store>, era: Era) {
    let service = era.service(store.clone()).await;
    let mut ids = Vec::new();
    for n in 1..=4 {
        ids.push(submit(&service, n, era.at("2026-12-01 09:00") + TimeDelta::minutes(n as i64)).await);
    }
    service
        .execute("org-uji", &ids[0], &officer(), &Command::Claim, None, None, era.at("2026-12-01 10:00"))
        .await
        .unwrap();
    service
        .execute("org-uji", &ids[1], &officer(), &perform("teruskan", &[]), None, None, era.at("2026-12-01 10:00"))
        .await
        .unwrap();
    let query = |f: &dyn Fn(&mut CaseQuery)| {
        let mut q = CaseQuery { organisation: "org-uji".to_owned(), ..CaseQuery::default() };
        f(&mut q);
        q
    };
    let all = store.list(&query(&|_| {})).await.unwrap();
    assert_eq!(all.iter().map(|s| s.case.clone()).collect::<Vec<_>>(), ids.iter().rev().cloned().collect::<Vec<_>>());
    let checking = store.list(&query(&|q| q.stages = vec!["periksa".to_owned()])).await.unwrap();
    assert_eq!(checking.len(), 3);
    let heads = store.list(&query(&|q| q.roles = vec!["kepala".to_owned()])).await.unwrap();
    assert_eq!(heads.iter().map(|s| &s.case).collect::<Vec<_>>(), vec![&ids[1]]);
    let mine = store.list(&query(&|q| q.assignee = Some("rina".to_owned()))).await.unwrap();
    assert_eq!(mine.iter().map(|s| &s.case).collect::<Vec<_>>(), vec![&ids[0]]);
    let closed = store.list(&query(&|q| q.statuses = vec![Status::Closed])).await.unwrap();
    assert!(closed.is_empty());
    let other_workflow = store.list(&query(&|q| q.workflow = Some("lain".to_owned()))).await.unwrap();
    assert!(other_workflow.is_empty());
    let page = store
        .list(&query(&|q| {
            q.limit = 2;
            q.offset = 1;
        }))
        .await
        .unwrap();
    assert_eq!(page.iter().map(|s| &s.case).collect::<Vec<_>>(), vec![&ids[2], &ids[1]]);
}

/// One organisation never sees another's cases, blobs, keys or definitions.
pub async fn tenants_are_isolated(store: Arc<dyn Store>, era: Era) {
    let service = era.service(store.clone()).await;
    service.install(era.workflow_for("org-lain")).await.unwrap();
    let id = submit(&service, 1, era.at("2026-12-01 09:00")).await;
    let other = service
        .submit("org-lain", "uji", new_case(2), super::fixture_form("Lain"), None, era.at("2026-12-01 09:00"))
        .await
        .unwrap();
    let other_id = other.case_id().clone();
    assert!(store.case("org-lain", &id).await.unwrap().is_none());
    assert!(store.events("org-lain", &id).await.unwrap().is_empty());
    assert!(store.case("org-uji", &other_id).await.unwrap().is_none());
    let listed = store.list(&CaseQuery { organisation: "org-lain".to_owned(), ..CaseQuery::default() }).await.unwrap();
    assert_eq!(listed.iter().map(|s| &s.case).collect::<Vec<_>>(), vec![&other_id]);
    let bytes = b"%PDF-1.4 tenant".to_vec();
    let blob_id = crate::definition::hex(&<sha2::Sha256 as sha2::Digest>::digest(&bytes));
    store.put_blob("org-uji", &blob_id, &bytes).await.unwrap();
    assert!(store.blob("org-lain", &blob_id).await.unwrap().is_none());
    assert_eq!(store.blob("org-uji", &blob_id).await.unwrap(), Some(bytes));
    let note = Command::AddNote { text: "x".to_owned(), obstacle: false };
    service
        .execute("org-uji", &id, &officer(), &note, None, keyed("same-key", "f"), era.at("2026-12-01 09:05"))
        .await
        .unwrap();
    assert!(store.idempotency("org-lain", "same-key").await.unwrap().is_none());
}

/// Cases with a clock deadline by an instant are found, earliest first, across organisations; closed ones never.
pub async fn deadlines_are_found_in_order(store: Arc<dyn Store>, era: Era) {
    let service = era.service(store.clone()).await;
    let early = submit(&service, 1, era.at("2026-12-01 09:00")).await;
    let late = submit(&service, 2, era.at("2026-12-01 10:00")).await;
    let closed = submit(&service, 3, era.at("2026-12-01 08:30")).await;
    let reject = perform("tolak", &[("alasan", Input::Text("Di luar ruang lingkup".to_owned()))]);
    service.execute("org-uji", &closed, &officer(), &reject, None, None, era.at("2026-12-01 08:40")).await.unwrap();
    // 30 working minutes, at risk after 75 %: 09:22:30 and 10:22:30; due 09:30 and 10:30.
    assert!(store.due(era.at("2026-12-01 09:20"), 10).await.unwrap().is_empty());
    let due = store.due(era.at("2026-12-01 11:00"), 10).await.unwrap();
    assert_eq!(due.iter().map(|s| &s.case).collect::<Vec<_>>(), vec![&early, &late]);
    assert_eq!(store.due(era.at("2026-12-01 11:00"), 1).await.unwrap().len(), 1);
    // Recording the deadlines moves them on: at risk, then breached, then nothing left.
    assert_eq!(service.scan_deadlines(era.at("2026-12-01 11:00"), 10).await.unwrap(), 2);
    assert!(store.due(era.at("2026-12-01 11:00"), 10).await.unwrap().is_empty());
    let (case, _) = state(store.as_ref(), &early).await;
    let clock = case.stage_clock().unwrap();
    assert!(clock.warned && clock.breached);
}

/// The notifications of an append are in the outbox as soon as the append returns.
pub async fn outbox_is_written_with_the_events(store: Arc<dyn Store>, era: Era) {
    let service = era.service(store.clone()).await;
    let id = submit(&service, 1, era.at("2026-12-01 09:00")).await;
    let items = store.claim_outbox("w1", era.at("2026-12-01 09:00"), era.at("2026-12-01 09:01"), 100).await.unwrap();
    let notifications: Vec<String> = items
        .iter()
        .map(|i| match &i.message {
            OutboxMessage::Notify { notification, .. } => notification.clone(),
            OutboxMessage::Webhook { endpoint, .. } => endpoint.clone(),
        })
        .collect();
    assert!(notifications.contains(&"diterima".to_owned()), "{notifications:?}");
    assert!(notifications.contains(&"tugas".to_owned()), "{notifications:?}");
    assert!(items.iter().all(|i| i.case == id && i.organisation == "org-uji"));
    let Some(OutboxMessage::Notify { body, .. }) = items
        .iter()
        .map(|i| &i.message)
        .find(|m| matches!(m, OutboxMessage::Notify { notification, .. } if notification == "diterima"))
    else {
        panic!("no receipt notification");
    };
    assert!(body.contains(new_case(1).tracking_code.as_str()), "{body}");
    assert!(!body.contains("Pemohon 1"), "no personal data in the outbox: {body}");
}

/// A leased item is invisible to other workers until its lease expires, then it is taken over.
pub async fn outbox_leases_exclude_others_until_expiry(store: Arc<dyn Store>, era: Era) {
    let service = era.service(store.clone()).await;
    submit(&service, 1, era.at("2026-12-01 09:00")).await;
    let now = era.at("2026-12-01 09:00");
    let first = store.claim_outbox("w1", now, now + TimeDelta::seconds(30), 100).await.unwrap();
    assert!(!first.is_empty());
    assert!(
        store
            .claim_outbox("w2", now + TimeDelta::seconds(10), now + TimeDelta::seconds(40), 100)
            .await
            .unwrap()
            .is_empty()
    );
    let taken =
        store.claim_outbox("w2", now + TimeDelta::seconds(31), now + TimeDelta::seconds(61), 100).await.unwrap();
    assert_eq!(taken.len(), first.len());
    assert!(taken.iter().all(|i| i.attempts >= 2));
    // The first worker's lease is gone: it may no longer complete.
    assert_eq!(store.complete_outbox(&first[0].id, "w1").await.unwrap_err().kind(), ErrorKind::Conflict);
    store.complete_outbox(&first[0].id, "w2").await.unwrap();
}

/// Completed items are gone; retried items come back from their retry instant with the error kept.
pub async fn outbox_complete_and_retry(store: Arc<dyn Store>, era: Era) {
    let service = era.service(store.clone()).await;
    submit(&service, 1, era.at("2026-12-01 09:00")).await;
    let now = era.at("2026-12-01 09:00");
    let items = store.claim_outbox("w1", now, now + TimeDelta::minutes(1), 100).await.unwrap();
    let (done, retried) = (&items[0], &items[1]);
    store.complete_outbox(&done.id, "w1").await.unwrap();
    store.retry_outbox(&retried.id, "w1", now + TimeDelta::minutes(10), "smtp: connection refused").await.unwrap();
    let later = store.claim_outbox("w1", now + TimeDelta::minutes(2), now + TimeDelta::minutes(3), 100).await.unwrap();
    assert!(later.iter().all(|i| i.id != done.id && i.id != retried.id));
    let after_retry =
        store.claim_outbox("w1", now + TimeDelta::minutes(10), now + TimeDelta::minutes(11), 100).await.unwrap();
    let back = after_retry.iter().find(|i| i.id == retried.id).expect("the retried item is back");
    assert_eq!(back.last_error.as_deref(), Some("smtp: connection refused"));
    assert!(after_retry.iter().all(|i| i.id != done.id));
}

/// Paging through the outbox lists every undelivered item once, in id
/// order, leased or not, with its attempts and error; delivered items are
/// gone; reading leases nothing.
pub async fn outbox_items_page_through_what_is_undelivered(store: Arc<dyn Store>, era: Era) {
    let service = era.service(store.clone()).await;
    for n in 1..=3 {
        submit(&service, n, era.at("2026-12-01 09:00")).await;
    }
    let all_pages = |store: Arc<dyn Store>| async move {
        let mut seen: Vec<OutboxItem> = Vec::new();
        loop {
            let after = seen.last().map(|i| i.id.clone());
            let page = store.outbox_items(after.as_deref(), 2).await.unwrap();
            assert!(page.len() <= 2);
            if page.is_empty() {
                break seen;
            }
            seen.extend(page);
        }
    };
    let listed = all_pages(store.clone()).await;
    assert!(listed.len() >= 6, "at least two notifications per submission: {listed:?}");
    let ids: Vec<&str> = listed.iter().map(|i| i.id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(ids, sorted, "in id order, each once");
    assert!(listed.iter().all(|i| i.attempts == 0 && i.organisation == "org-uji"));
    // Listing leased nothing: every item is still there to claim.
    let now = era.at("2026-12-01 09:00");
    let claimed = store.claim_outbox("w1", now, now + TimeDelta::minutes(1), 100).await.unwrap();
    let mut claimed_ids: Vec<&str> = claimed.iter().map(|i| i.id.as_str()).collect();
    claimed_ids.sort_unstable();
    assert_eq!(claimed_ids, ids);
    store.complete_outbox(&claimed[0].id, "w1").await.unwrap();
    store.retry_outbox(&claimed[1].id, "w1", now + TimeDelta::minutes(10), "smtp: connection refused").await.unwrap();
    // Leased, retried and untouched items are listed; the delivered one is not.
    let after = all_pages(store.clone()).await;
    assert_eq!(after.len(), listed.len() - 1);
    assert!(after.iter().all(|i| i.id != claimed[0].id));
    let retried = after.iter().find(|i| i.id == claimed[1].id).expect("the retried item is listed");
    assert_eq!((retried.attempts, retried.last_error.as_deref()), (1, Some("smtp: connection refused")));
    assert_eq!(retried.available_at, now + TimeDelta::minutes(10));
    assert!(store.outbox_items(Some(&after.last().unwrap().id), 10).await.unwrap().is_empty());
    assert!(store.outbox_items(None, 0).await.unwrap().is_empty());
}

/// A batch completion removes the items still leased to the worker, in one
/// call, and names the ones it no longer holds or that are gone.
pub async fn outbox_batches_complete_what_is_still_held(store: Arc<dyn Store>, era: Era) {
    let service = era.service(store.clone()).await;
    for n in 1..=2 {
        submit(&service, n, era.at("2026-12-01 09:00")).await;
    }
    let now = era.at("2026-12-01 09:00");
    let items = store.claim_outbox("w1", now, now + TimeDelta::seconds(30), 100).await.unwrap();
    assert!(items.len() >= 4, "{items:?}");
    let ids: Vec<String> = items.iter().map(|i| i.id.clone()).collect();
    // The first two are done at once.
    assert!(store.complete_outbox_batch(&ids[..2], "w1").await.unwrap().is_empty());
    // w1's lease runs out; w2 takes the rest over.
    let taken =
        store.claim_outbox("w2", now + TimeDelta::seconds(31), now + TimeDelta::seconds(61), 100).await.unwrap();
    assert_eq!(taken.len(), ids.len() - 2);
    let gone = "tidak-ada/1/x".to_owned();
    let late = vec![ids[2].clone(), gone.clone(), ids[0].clone()];
    assert_eq!(store.complete_outbox_batch(&late, "w1").await.unwrap(), late, "w1 holds none of them any more");
    assert!(store.complete_outbox_batch(&[], "w2").await.unwrap().is_empty());
    let rest = ids[2..].to_vec();
    assert!(store.complete_outbox_batch(&rest, "w2").await.unwrap().is_empty());
    assert!(store.outbox_items(None, 100).await.unwrap().is_empty(), "every item is delivered");
    let later = now + TimeDelta::minutes(10);
    assert!(store.claim_outbox("w3", later, later + TimeDelta::minutes(1), 100).await.unwrap().is_empty());
}

/// A revoked key is refused until its instant, only it; revoking again
/// keeps the later instant. What is dropped depends only on the instants
/// passed (run in every era, this fails for a store that reads a clock).
pub async fn revocations_hold_until_their_instant(store: Arc<dyn Store>, era: Era) {
    let key = "a".repeat(64);
    let (now, until) = (era.at("2026-12-01 09:00"), era.at("2026-12-01 17:00"));
    assert!(!store.is_revoked(&key, now).await.unwrap());
    store.revoke(&key, until, now).await.unwrap();
    assert!(store.is_revoked(&key, now).await.unwrap());
    assert!(store.is_revoked(&key, until - TimeDelta::seconds(1)).await.unwrap());
    assert!(!store.is_revoked(&key, until).await.unwrap(), "past its instant a key is no longer refused");
    assert!(!store.is_revoked(&"b".repeat(64), now).await.unwrap(), "only the revoked key");
    // An earlier instant does not shorten it; a later one lengthens it.
    store.revoke(&key, now, now).await.unwrap();
    assert!(store.is_revoked(&key, until - TimeDelta::seconds(1)).await.unwrap());
    store.revoke(&key, until + TimeDelta::hours(1), now).await.unwrap();
    assert!(store.is_revoked(&key, until).await.unwrap());
    // Another revocation within the grace after the key's instant keeps it.
    let other = "c".repeat(64);
    let within = until + TimeDelta::hours(1) + crate::storage::REVOCATION_GRACE - TimeDelta::minutes(1);
    store.revoke(&other, era.at("2026-12-02 17:00"), within).await.unwrap();
    assert!(store.is_revoked(&key, until + TimeDelta::minutes(30)).await.unwrap(), "dropped before its grace ran out");
    // Expired entries may be dropped while others are written, but never revived.
    store.revoke(&other, era.at("2026-12-02 17:00"), era.at("2026-12-02 09:00")).await.unwrap();
    assert!(!store.is_revoked(&key, era.at("2026-12-02 08:00")).await.unwrap());
    assert!(store.is_revoked(&other, era.at("2026-12-02 08:00")).await.unwrap());
    assert!(!store.is_revoked(&other, era.at("2026-12-02 17:00")).await.unwrap());
}

/// Blobs are stored by their SHA-256; wrong ids and oversized blobs are refused.
pub async fn blobs_are_content_addressed_and_limited(store: Arc<dyn Store>, _era: Era) {
    let bytes = b"%PDF-1.7 dokumen kajian".to_vec();
    let id = crate::definition::hex(&<sha2::Sha256 as sha2::Digest>::digest(&bytes));
    store.put_blob("org-uji", &id, &bytes).await.unwrap();
    store.put_blob("org-uji", &id, &bytes).await.unwrap();
    assert_eq!(store.blob("org-uji", &id).await.unwrap(), Some(bytes.clone()));
    let wrong = store.put_blob("org-uji", &"0".repeat(64), &bytes).await.unwrap_err();
    assert_eq!(wrong.kind(), ErrorKind::Invalid);
    let big = vec![0u8; crate::storage::MAX_BLOB_BYTES + 1];
    let big_id = crate::definition::hex(&<sha2::Sha256 as sha2::Digest>::digest(&big));
    assert_eq!(store.put_blob("org-uji", &big_id, &big).await.unwrap_err().kind(), ErrorKind::TooLarge);
    assert!(store.blob("org-uji", &big_id).await.unwrap().is_none());
}

/// Definitions and calendars are kept by version, and a case's pinned ones load from the store alone.
pub async fn definitions_and_calendars_round_trip(store: Arc<dyn Store>, era: Era) {
    let service = era.service(store.clone()).await;
    let id = submit(&service, 1, era.at("2026-12-01 09:00")).await;
    let (case, _) = state(store.as_ref(), &id).await;
    assert!(store.definition("org-uji", "uji", &case.workflow_version).await.unwrap().is_some());
    assert!(store.calendar("org-uji", &case.calendar, &case.calendar_version).await.unwrap().is_some());
    assert!(store.definition("org-lain", "uji", &case.workflow_version).await.unwrap().is_none());
    // A fresh service that never installed anything serves the case from what the store kept.
    let cold = Service::new(store.clone());
    let (_, _, wf) = cold.load("org-uji", &id).await.unwrap();
    assert_eq!(wf.definition.version(), case.workflow_version);
    assert_eq!(wf.calendar.version(), case.calendar_version);
    cold.execute("org-uji", &id, &officer(), &Command::Claim, None, None, era.at("2026-12-01 09:05")).await.unwrap();
}

/// Paging through case ids visits every case once, in order.
pub async fn case_ids_page_through_everything(store: Arc<dyn Store>, era: Era) {
    let service = era.service(store.clone()).await;
    let mut expected = Vec::new();
    for n in 1..=5 {
        expected.push(("org-uji".to_owned(), submit(&service, n, era.at("2026-12-01 09:00")).await));
    }
    expected.sort();
    let mut seen = Vec::new();
    let mut after: Option<(String, crate::engine::CaseId)> = None;
    loop {
        let page = store.case_ids(after.as_ref().map(|(o, c)| (o.as_str(), c)), 2).await.unwrap();
        if page.is_empty() {
            break;
        }
        after = page.last().cloned();
        seen.extend(page);
    }
    assert_eq!(seen, expected);
}

/// A case taken through return, amendment, verification and answer replays to exactly the stored state.
pub async fn a_whole_procedure_replays_to_the_stored_state(store: Arc<dyn Store>, era: Era) {
    let service = era.service(store.clone()).await;
    let id = submit(&service, 1, era.at("2026-12-04 14:00")).await;
    let steps: Vec<(Principal, Command, &str)> = vec![
        (officer(), Command::Claim, "2026-12-04 14:05"),
        (
            officer(),
            perform("minta", &[("kekurangan", Input::Text("Lampirkan surat tugas".to_owned()))]),
            "2026-12-04 14:20",
        ),
        (
            Principal::Applicant,
            Command::Perform {
                action: "lengkapi".to_owned(),
                inputs: BTreeMap::new(),
                form: Some(super::fixture_form("Pemohon 1")),
            },
            "2026-12-07 09:00",
        ),
        (officer(), Command::AddNote { text: "Berkas lengkap".to_owned(), obstacle: false }, "2026-12-07 09:10"),
        (officer(), perform("teruskan", &[]), "2026-12-07 09:15"),
    ];
    for (who, command, when) in steps {
        service
            .execute("org-uji", &id, &who, &command, None, None, era.at(when))
            .await
            .unwrap_or_else(|e| panic!("{when}: {e}"));
    }
    let document = b"%PDF-1.4 jawaban".to_vec();
    let file = crate::form::FileRef {
        id: crate::definition::hex(&<sha2::Sha256 as sha2::Digest>::digest(&document)),
        name: "jawaban.pdf".to_owned(),
        file_type: crate::definition::FileType::Pdf,
        size: document.len() as u64,
    };
    store.put_blob("org-uji", &file.id, &document).await.unwrap();
    let answer = perform(
        "kirim_jawaban",
        &[
            ("produk", Input::Text("pendapat".to_owned())),
            ("dokumen", Input::Files(vec![file])),
            ("pesan", Input::Text("Jawaban terlampir".to_owned())),
        ],
    );
    service.execute("org-uji", &id, &head(), &answer, None, None, era.at("2026-12-08 10:00")).await.unwrap();
    let survey = Command::RecordSurvey { answers: BTreeMap::from([("puas".to_owned(), Input::Number(5))]) };
    service
        .execute("org-uji", &id, &Principal::Applicant, &survey, None, None, era.at("2026-12-08 11:00"))
        .await
        .unwrap();
    let (case, events) = state(store.as_ref(), &id).await;
    assert_eq!(case.status, Status::Closed);
    assert_eq!(Case::fold(&events).unwrap(), case);
    history::verify_against(&id, &events, case.version, &case.head).unwrap();
    assert!(case.clocks.iter().all(|c| c.is_stopped()));
    assert_eq!(case.survey.as_ref().map(|s| s.len()), Some(1));
}
