//! Idempotency records, written with the events.

use std::sync::Arc;

use super::{officer, state};
use crate::engine::Command;
use crate::service::{IdempotencyRequest, Outcome};
use crate::storage::Store;
use crate::testing::{Era, new_case, submit};

pub(super) fn keyed(key: &str, fingerprint: &str) -> Option<IdempotencyRequest> {
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
    let note = Command::AddNote { text: "sekali saja".to_owned(), obstacle: false, audience: None };
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
    let note = Command::AddNote { text: "a".to_owned(), obstacle: false, audience: None };
    service
        .execute("org-uji", &id, &officer(), &note, None, keyed("k-2", "f-a"), era.at("2026-12-01 09:05"))
        .await
        .unwrap();
    let other = Command::AddNote { text: "b".to_owned(), obstacle: false, audience: None };
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
            crate::testing::fixture_form("B"),
            keyed("k-2", "f-c"),
            era.at("2026-12-01 09:07"),
        )
        .await;
    assert!(matches!(second, Err(crate::service::ServiceError::KeyReused)), "{second:?}");
    assert!(store.case("org-uji", &new_case(2).id).await.unwrap().is_none());
}
