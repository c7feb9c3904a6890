//! The outbox: written with the events, leased, completed, retried, listed.

use std::sync::Arc;

use chrono::TimeDelta;

use crate::storage::{ErrorKind, OutboxItem, OutboxMessage, Store};
use crate::testing::{Era, new_case, submit};

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
