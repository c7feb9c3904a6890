//! The runtime over the memory store and the fixture workflow, driven by a
//! clock the test moves and by `Running::wake` (the intervals are an hour,
//! so nothing happens unless the test asks for it).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use sigap_core::storage::memory::MemoryStore;
use sigap_core::storage::{OutboxItem, OutboxMessage, Store};
use sigap_core::testing::{Era, submit};
use sigap_runtime::{Clock, Delivery, Runtime};
use tokio::sync::mpsc;

const HOUR: Duration = Duration::from_secs(3600);

/// A clock the test sets.
fn clock(start: DateTime<Utc>) -> (Clock, Arc<Mutex<DateTime<Utc>>>) {
    let now = Arc::new(Mutex::new(start));
    let read = now.clone();
    (Arc::new(move || *read.lock().unwrap()), now)
}

/// Hands every delivered notification's id to the test; refuses the first `fail` attempts.
struct Sink {
    sent: mpsc::UnboundedSender<String>,
    fail: Mutex<usize>,
}

#[async_trait::async_trait]
impl Delivery for Sink {
    async fn deliver(&self, item: &OutboxItem) -> Result<(), String> {
        {
            let mut fail = self.fail.lock().unwrap();
            if *fail > 0 {
                *fail -= 1;
                return Err("the relay is down".to_owned());
            }
        }
        if let OutboxMessage::Notify { notification, .. } = &item.message {
            self.sent.send(notification.clone()).unwrap();
        }
        Ok(())
    }
}

fn sink(fail: usize) -> (Arc<Sink>, mpsc::UnboundedReceiver<String>) {
    let (sent, received) = mpsc::unbounded_channel();
    (Arc::new(Sink { sent, fail: Mutex::new(fail) }), received)
}

/// The next delivered notification (a minute without one fails the test).
async fn next(received: &mut mpsc::UnboundedReceiver<String>) -> String {
    tokio::time::timeout(Duration::from_secs(60), received.recv())
        .await
        .expect("a notification within a minute")
        .expect("the sink is open")
}

async fn pending(store: &Arc<dyn Store>) -> Vec<OutboxItem> {
    store.outbox_items(None, 100).await.unwrap()
}

#[tokio::test]
async fn notifications_go_out_and_a_passing_deadline_acts() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let service = Arc::new(Era::NEAR.service(store.clone()).await);
    let start = Era::NEAR.at("2026-09-07 09:00");
    let (clock, now) = clock(start);
    let (sink, mut received) = sink(0);
    let running = Runtime::new(service.clone(), sink).clock(clock).scan_every(HOUR).poll_every(HOUR).start();

    submit(&service, 1, start).await;
    running.wake();
    let mut first = vec![next(&mut received).await, next(&mut received).await];
    first.sort();
    assert_eq!(first, ["diterima", "tugas"]);

    // The check stage's standard is 30 working minutes: an hour later it is breached.
    *now.lock().unwrap() = start + TimeDelta::hours(1);
    running.wake();
    assert_eq!(next(&mut received).await, "terlambat");
    running.shutdown().await;
    assert!(pending(&store).await.is_empty(), "everything delivered is marked done");
}

#[tokio::test]
async fn a_graceful_shutdown_delivers_what_is_ready() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let service = Arc::new(Era::NEAR.service(store.clone()).await);
    let start = Era::NEAR.at("2026-09-07 09:00");
    let (clock, _) = clock(start);
    let (sink, mut received) = sink(0);
    let running = Runtime::new(service.clone(), sink).clock(clock).scan_every(HOUR).poll_every(HOUR).start();
    submit(&service, 1, start).await;
    // No wake: the dispatcher is waiting out its hour when the stop comes.
    running.shutdown().await;
    let mut sent = vec![received.try_recv().unwrap(), received.try_recv().unwrap()];
    sent.sort();
    assert_eq!(sent, ["diterima", "tugas"]);
    assert!(pending(&store).await.is_empty());
}

#[tokio::test]
async fn a_failed_delivery_is_kept_and_retried_after_its_backoff() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let service = Arc::new(Era::NEAR.service(store.clone()).await);
    let start = Era::NEAR.at("2026-09-07 09:00");
    let (clock, now) = clock(start);
    let (sink, mut received) = sink(2);
    submit(&service, 1, start).await;
    let running =
        Runtime::new(service.clone(), sink.clone()).clock(clock.clone()).scan_every(HOUR).poll_every(HOUR).start();
    running.shutdown().await;
    assert!(received.try_recv().is_err(), "the relay was down");
    let kept = pending(&store).await;
    assert_eq!(kept.len(), 2, "both items are kept");
    assert!(kept.iter().all(|i| i.attempts == 1 && i.last_error.as_deref() == Some("the relay is down")), "{kept:?}");

    // Nothing is tried again before the item's backoff has passed.
    let retry_at = kept.iter().map(|i| i.available_at).max().unwrap();
    assert!(retry_at >= start + TimeDelta::seconds(30), "a backoff of at least 30 s: {retry_at}");
    *now.lock().unwrap() = retry_at - TimeDelta::seconds(1);
    let running =
        Runtime::new(service.clone(), sink.clone()).clock(clock.clone()).scan_every(HOUR).poll_every(HOUR).start();
    running.shutdown().await;
    assert!(received.try_recv().is_err());
    *now.lock().unwrap() = retry_at;
    let running = Runtime::new(service, sink).clock(clock).scan_every(HOUR).poll_every(HOUR).start();
    running.wake();
    let mut sent = vec![next(&mut received).await, next(&mut received).await];
    sent.sort();
    assert_eq!(sent, ["diterima", "tugas"]);
    running.shutdown().await;
    assert!(pending(&store).await.is_empty());
}
