//! The deadline scanner and the outbox dispatcher.
//!
//! Both are safe to run in several processes against one store: the
//! scanner's events are recorded once (optimistic concurrency plus the
//! clock's own flags), and outbox items are leased to one worker at a time.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use sigap_core::service::Service;
use sigap_core::storage::OutboxItem;
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;

/// Where "now" comes from: the wall clock in production ([`system_clock`]),
/// a clock the test or the demo moves otherwise.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// The wall clock.
pub fn system_clock() -> Clock {
    #[allow(
        clippy::disallowed_methods,
        reason = "the runtime's one wall-clock read, for hosts without a clock of their own"
    )]
    Arc::new(Utc::now)
}

/// Delivers outbox items: e-mail, webhooks, a queue of the host's own.
#[async_trait::async_trait]
pub trait Delivery: Send + Sync {
    /// Delivers one item (at least once: a crash after delivering and
    /// before it is marked done sends it again, with the same `item.id`).
    ///
    /// # Correctness
    /// Return `Ok` only once the item has gone out; an `Err` names why it
    /// did not, and the item is retried with a growing backoff.
    async fn deliver(&self, item: &OutboxItem) -> Result<(), String>;
}

/// What the runtime did, for the host's metrics (every method does nothing by default).
pub trait Observer: Send + Sync {
    /// A scan recorded warn or breach events on `cases` cases.
    fn deadlines_recorded(&self, cases: usize) {
        let _ = cases;
    }
    /// An item went out.
    fn delivered(&self, item: &OutboxItem) {
        let _ = item;
    }
    /// An item did not go out and is retried after a backoff.
    fn failed(&self, item: &OutboxItem, error: &str) {
        let _ = (item, error);
    }
}

struct Silent;
impl Observer for Silent {}

/// The scanner and the dispatcher of one service, to [`start`](Runtime::start).
pub struct Runtime {
    service: Arc<Service>,
    delivery: Arc<dyn Delivery>,
    observer: Arc<dyn Observer>,
    clock: Clock,
    worker: String,
    scan_every: Duration,
    scan_batch: usize,
    poll_every: Duration,
    batch: usize,
    lease: TimeDelta,
    drain_for: Duration,
}

/// Distinguishes the runtimes of one process in lease names.
static RUNTIMES: AtomicU64 = AtomicU64::new(0);

/// A lease name unique across processes and machines: the process id, a
/// random part (std's hasher keys come from the operating system's
/// randomness) and a counter.
fn worker_name() -> String {
    use std::hash::{BuildHasher, Hasher};
    let random = std::collections::hash_map::RandomState::new().build_hasher().finish();
    let n = RUNTIMES.fetch_add(1, Ordering::Relaxed);
    format!("sigap-{}-{random:016x}-{n}", std::process::id())
}

impl Runtime {
    /// A runtime for `service` delivering through `delivery`, with the wall
    /// clock and the defaults of the reference server: a scan every 5 s (500
    /// cases at a time), the outbox polled every second (50 items at a time,
    /// leased for 2 minutes), up to 10 s to deliver what is ready on shutdown.
    pub fn new(service: Arc<Service>, delivery: Arc<dyn Delivery>) -> Self {
        Runtime {
            service,
            delivery,
            observer: Arc::new(Silent),
            clock: system_clock(),
            worker: worker_name(),
            scan_every: Duration::from_secs(5),
            scan_batch: 500,
            poll_every: Duration::from_secs(1),
            batch: 50,
            lease: TimeDelta::seconds(120),
            drain_for: Duration::from_secs(10),
        }
    }

    /// Reads "now" from `clock` instead of the wall clock.
    #[must_use]
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Tells `observer` what the runtime does.
    #[must_use]
    pub fn observer(mut self, observer: Arc<dyn Observer>) -> Self {
        self.observer = observer;
        self
    }

    /// Scans for due clocks every `every` (and whenever [`Running::wake`] is called).
    #[must_use]
    pub fn scan_every(mut self, every: Duration) -> Self {
        self.scan_every = every;
        self
    }

    /// Polls the outbox every `every` while it is empty (and whenever [`Running::wake`] is called).
    #[must_use]
    pub fn poll_every(mut self, every: Duration) -> Self {
        self.poll_every = every;
        self
    }

    /// On shutdown, delivers what is ready for at most `limit`.
    #[must_use]
    pub fn drain_for(mut self, limit: Duration) -> Self {
        self.drain_for = limit;
        self
    }

    /// Names this worker in outbox leases (default: `sigap-<pid>-<random>-<n>`).
    #[must_use]
    pub fn worker(mut self, name: &str) -> Self {
        name.clone_into(&mut self.worker);
        self
    }

    /// Records every warn and breach due now, batch after batch, until
    /// none is left: clocks that passed while the host was down, recorded
    /// once. Returns how many cases had events; a store failure ends the
    /// catch-up early (the scanner retries).
    pub async fn catch_up(&self) -> usize {
        let mut cases = 0;
        loop {
            match self.service.scan_deadlines((self.clock)(), self.scan_batch).await {
                Ok(0) => return cases,
                Ok(n) => {
                    self.observer.deadlines_recorded(n);
                    cases += n;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "catching up on deadlines failed; the scanner will retry");
                    return cases;
                }
            }
        }
    }

    /// Starts the scanner and the dispatcher on the current tokio runtime.
    pub fn start(self) -> Running {
        let (stop, stopped) = watch::channel(false);
        let wake = Wake { scan: Arc::new(Notify::new()), dispatch: Arc::new(Notify::new()) };
        let this = Arc::new(self);
        let mut tasks = JoinSet::new();
        tasks.spawn(scanner(this.clone(), stopped.clone(), wake.clone()));
        tasks.spawn(dispatcher(this, stopped, wake.dispatch.clone()));
        Running { stop, wake, tasks }
    }
}

/// Wakes the scanner and the dispatcher before their interval (a permit
/// is kept when a loop is busy, so no wake is lost).
#[derive(Clone)]
struct Wake {
    scan: Arc<Notify>,
    dispatch: Arc<Notify>,
}

/// A started runtime; [`shutdown`](Running::shutdown) stops it.
pub struct Running {
    stop: watch::Sender<bool>,
    wake: Wake,
    tasks: JoinSet<()>,
}

impl Running {
    /// Scans and polls now rather than at the next interval (after a
    /// command, or after the host moved its clock).
    pub fn wake(&self) {
        self.wake.scan.notify_one();
        self.wake.dispatch.notify_one();
    }

    /// Stops the scanner, lets the dispatcher deliver what is ready (for
    /// at most the [`drain_for`](Runtime::drain_for) limit), and waits for both.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        while let Some(joined) = self.tasks.join_next().await {
            if let Err(e) = joined {
                tracing::error!(error = %e, "a runtime task failed");
            }
        }
    }
}

/// Records every warn and breach due (waking the dispatcher for the
/// notifications they queue), then waits for the next interval, a wake or
/// the stop.
async fn scanner(rt: Arc<Runtime>, mut stop: watch::Receiver<bool>, wake: Wake) {
    loop {
        if *stop.borrow() {
            return;
        }
        match rt.service.scan_deadlines((rt.clock)(), rt.scan_batch).await {
            Ok(n) if n > 0 => {
                rt.observer.deadlines_recorded(n);
                tracing::info!(cases = n, "deadline events recorded");
                wake.dispatch.notify_one();
                continue;
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "deadline scan failed; retrying"),
        }
        tokio::select! {
            () = tokio::time::sleep(rt.scan_every) => {}
            () = wake.scan.notified() => {}
            _ = stop.changed() => return,
        }
    }
}

/// Delivers outbox items at least once. On shutdown it first delivers
/// what is ready (for at most `drain_for`), so a graceful stop leaves no
/// message behind that could have gone out.
async fn dispatcher(rt: Arc<Runtime>, mut stop: watch::Receiver<bool>, wake: Arc<Notify>) {
    let mut deadline: Option<tokio::time::Instant> = None;
    loop {
        // Checked before every batch, so a backlog cannot hold a stop past its bound.
        if deadline.is_none() && *stop.borrow() {
            deadline = Some(tokio::time::Instant::now() + rt.drain_for);
        }
        let handled = drain(&rt).await;
        if let Some(deadline) = deadline {
            if handled == 0 || tokio::time::Instant::now() >= deadline {
                return;
            }
            continue;
        }
        if handled > 0 {
            continue;
        }
        tokio::select! {
            () = tokio::time::sleep(rt.poll_every) => {}
            () = wake.notified() => {}
            _ = stop.changed() => deadline = Some(tokio::time::Instant::now() + rt.drain_for),
        }
    }
}

/// Claims and delivers one batch; returns how many items it handled.
///
/// The batch's cases are delivered concurrently; one case's messages go out
/// in order. What was delivered is marked done in one write at the end of
/// the batch (a crash before it re-sends the batch's messages: delivery is
/// at least once, and each message carries its stable id).
async fn drain(rt: &Arc<Runtime>) -> usize {
    let now = (rt.clock)();
    let store = rt.service.store();
    let items = match store.claim_outbox(&rt.worker, now, now + rt.lease, rt.batch).await {
        Ok(items) => items,
        Err(e) => {
            tracing::warn!(error = %e, "outbox unavailable; retrying");
            return 0;
        }
    };
    let handled = items.len();
    let mut by_case: BTreeMap<(String, String), Vec<OutboxItem>> = BTreeMap::new();
    for item in items {
        by_case.entry((item.organisation.clone(), item.case.to_string())).or_default().push(item);
    }
    let mut tasks = JoinSet::new();
    for (_, items) in by_case {
        let rt = rt.clone();
        tasks.spawn(async move {
            let mut delivered = Vec::new();
            for item in items {
                if deliver_one(&rt, &item).await {
                    delivered.push(item.id);
                }
            }
            delivered
        });
    }
    let mut delivered = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(ids) => delivered.extend(ids),
            Err(e) => {
                tracing::error!(error = %e, "an outbox delivery task failed; its items are retried after their lease");
            }
        }
    }
    if !delivered.is_empty() {
        match store.complete_outbox_batch(&delivered, &rt.worker).await {
            Ok(lost) if !lost.is_empty() => {
                // Another worker took them over after the lease ran out; it may send them again.
                tracing::warn!(items = lost.len(), "delivered outbox items whose lease had expired");
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, items = delivered.len(), "cannot mark delivered; retried after their lease");
            }
        }
    }
    handled
}

/// Delivers one item; `true` if it went out (to be marked done), `false`
/// if it was given back for a later attempt.
async fn deliver_one(rt: &Runtime, item: &OutboxItem) -> bool {
    match rt.delivery.deliver(item).await {
        Ok(()) => {
            rt.observer.delivered(item);
            true
        }
        Err(error) => {
            rt.observer.failed(item, &error);
            let backoff = TimeDelta::seconds(30 * 2i64.pow(item.attempts.min(8)));
            tracing::warn!(item = %item.id, attempts = item.attempts, error = %error, "delivery failed; will retry");
            let retry_at = (rt.clock)() + backoff;
            let _ = rt.service.store().retry_outbox(&item.id, &rt.worker, retry_at, &error).await;
            false
        }
    }
}
