//! Exact percentiles from the full sorted sample (nearest rank), and the
//! open-loop driver shared by `latency` and `soak`.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A distribution of latencies.
#[derive(Debug, Clone, Default)]
pub(crate) struct Distribution {
    sorted: Vec<Duration>,
}

impl Distribution {
    /// From a sample (any order).
    pub(crate) fn new(mut sample: Vec<Duration>) -> Self {
        sample.sort_unstable();
        Self { sorted: sample }
    }

    /// How many.
    pub(crate) fn len(&self) -> usize {
        self.sorted.len()
    }

    /// The `p` quantile (0 < p ≤ 1) by nearest rank: the smallest value with
    /// at least `p` of the sample at or below it.
    pub(crate) fn quantile(&self, p: f64) -> Duration {
        if self.sorted.is_empty() {
            return Duration::ZERO;
        }
        let n = self.sorted.len();
        let rank = ((p * n as f64).ceil() as usize).clamp(1, n);
        self.sorted[rank - 1]
    }

    /// The largest.
    pub(crate) fn max(&self) -> Duration {
        self.sorted.last().copied().unwrap_or_default()
    }

    /// The mean.
    pub(crate) fn mean(&self) -> Duration {
        if self.sorted.is_empty() {
            return Duration::ZERO;
        }
        self.sorted.iter().sum::<Duration>() / self.sorted.len() as u32
    }

    /// Count, mean, p50, p90, p99, p99.9 and max in milliseconds.
    pub(crate) fn json(&self) -> Value {
        json!({
            "count": self.len(),
            "mean_ms": ms(self.mean()),
            "p50_ms": ms(self.quantile(0.50)),
            "p90_ms": ms(self.quantile(0.90)),
            "p99_ms": ms(self.quantile(0.99)),
            "p999_ms": ms(self.quantile(0.999)),
            "max_ms": ms(self.max()),
        })
    }

    /// `p50 … p99 … p99.9 … max …` for people.
    pub(crate) fn text(&self) -> String {
        format!(
            "p50 {:.2} ms, p99 {:.2} ms, p99.9 {:.2} ms, max {:.2} ms",
            ms(self.quantile(0.50)),
            ms(self.quantile(0.99)),
            ms(self.quantile(0.999)),
            ms(self.max())
        )
    }
}

/// Milliseconds, as a float.
pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// One request's job: `Ok` when acknowledged, else why not.
pub(crate) type Job = Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;

/// How long after the schedule's end requests still waiting for a slot may be sent.
pub(crate) const BACKLOG_GRACE: Duration = Duration::from_secs(10);

/// Makes the `i`-th request.
pub(crate) type MakeJob = Arc<dyn Fn(u64) -> Job + Send + Sync>;

/// What an open-loop run measured.
#[derive(Debug, Default)]
pub(crate) struct OpenLoop {
    /// Requests scheduled.
    pub(crate) scheduled: u64,
    /// Acknowledged.
    pub(crate) ok: u64,
    /// Errors by kind.
    pub(crate) errors: BTreeMap<String, u64>,
    /// From each acknowledged request's scheduled send time to its answer
    /// (what a user arriving at that moment waits: no coordinated omission).
    pub(crate) latency: Distribution,
    /// From the moment each request was actually handed to the client to its answer.
    pub(crate) service: Distribution,
    /// How late the dispatcher handed requests over (a client artefact, included in `latency`).
    pub(crate) dispatch_lag: Distribution,
    /// The most requests in flight at once.
    pub(crate) max_in_flight: u64,
    /// From the first scheduled send to the last answer.
    pub(crate) elapsed: Duration,
}

impl OpenLoop {
    /// Errors in all.
    pub(crate) fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }
}

struct Record {
    scheduled: Instant,
    sent: Instant,
    done: Instant,
    result: Result<(), String>,
}

/// Sends `rate` requests a second for `duration`, each at its scheduled
/// instant whatever the answers to earlier ones (an open loop), from a
/// dispatcher thread that sleeps precisely, at most `max_in_flight` at once
/// (waiting for a slot counts in the latency). A request still waiting for
/// a slot [`BACKLOG_GRACE`] after the schedule's end is not sent: it counts
/// as an error (the server did not keep up), so an overloaded run still ends.
pub(crate) async fn open_loop(rate: f64, duration: Duration, max_in_flight: usize, make: MakeJob) -> OpenLoop {
    let total = (rate * duration.as_secs_f64()).round().max(1.0) as u64;
    let handle = tokio::runtime::Handle::current();
    let slots = Arc::new(tokio::sync::Semaphore::new(max_in_flight.max(1)));
    let in_flight = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Record>();
    let start = Instant::now() + Duration::from_millis(20);
    let cutoff = start + duration + BACKLOG_GRACE;
    let dispatcher = {
        let in_flight = in_flight.clone();
        std::thread::spawn(move || {
            let mut max_in_flight = 0;
            for i in 0..total {
                let scheduled = start + Duration::from_secs_f64(i as f64 / rate);
                let now = Instant::now();
                if scheduled > now {
                    std::thread::sleep(scheduled - now);
                }
                let job = make(i);
                let (tx, slots, in_flight) = (tx.clone(), slots.clone(), in_flight.clone());
                max_in_flight = max_in_flight.max(in_flight.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1);
                handle.spawn(async move {
                    let sent = Instant::now();
                    let result = match slots.acquire().await {
                        Ok(_) if Instant::now() > cutoff => {
                            Err("not sent: still queued behind slower answers when the run ended".to_owned())
                        }
                        Ok(_slot) => job.await,
                        Err(_) => Err("client closed".to_owned()),
                    };
                    in_flight.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
                    let _ = tx.send(Record { scheduled, sent, done: Instant::now(), result });
                });
            }
            max_in_flight
        })
    };
    let mut run = OpenLoop { scheduled: total, ..OpenLoop::default() };
    let (mut latency, mut service, mut lag) = (Vec::new(), Vec::new(), Vec::new());
    let mut last = start;
    while let Some(record) = rx.recv().await {
        last = last.max(record.done);
        lag.push(record.sent.saturating_duration_since(record.scheduled));
        match record.result {
            Ok(()) => {
                run.ok += 1;
                latency.push(record.done - record.scheduled);
                service.push(record.done - record.sent);
            }
            Err(why) => *run.errors.entry(why).or_default() += 1,
        }
    }
    run.max_in_flight = dispatcher.join().unwrap_or(0);
    run.latency = Distribution::new(latency);
    run.service = Distribution::new(service);
    run.dispatch_lag = Distribution::new(lag);
    run.elapsed = last.saturating_duration_since(start);
    run
}

/// Errors as a JSON object.
pub(crate) fn errors_json(errors: &BTreeMap<String, u64>) -> Value {
    Value::Object(errors.iter().map(|(k, v)| (k.clone(), json!(v))).collect())
}

/// What a closed-loop run measured.
#[derive(Debug, Default)]
pub(crate) struct ClosedLoop {
    /// Acknowledged requests that ended inside the measured window.
    pub(crate) ok: u64,
    /// Errors (inside the window) by kind.
    pub(crate) errors: BTreeMap<String, u64>,
    /// Each acknowledged request's time from send to answer (a closed loop
    /// waits for each answer before the next send, so this understates what
    /// users arriving at a fixed rate see: use it for throughput only).
    pub(crate) latency: Distribution,
    /// The measured window.
    pub(crate) window: Duration,
}

impl ClosedLoop {
    /// Acknowledged requests per second.
    pub(crate) fn rps(&self) -> f64 {
        self.ok as f64 / self.window.as_secs_f64().max(1e-9)
    }
}

/// `connections` workers each send a request, wait for its answer, and send
/// the next, for `warmup` (not counted) and then `duration`: requests that
/// end inside the measured window count.
pub(crate) async fn closed_loop(connections: usize, warmup: Duration, duration: Duration, make: MakeJob) -> ClosedLoop {
    let counter = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let begin = Instant::now() + warmup;
    let end = begin + duration;
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..connections.max(1) {
        let (make, counter) = (make.clone(), counter.clone());
        workers.spawn(async move {
            let mut latency = Vec::new();
            let mut errors: BTreeMap<String, u64> = BTreeMap::new();
            loop {
                let sent = Instant::now();
                if sent >= end {
                    break;
                }
                let i = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let result = make(i).await;
                let done = Instant::now();
                if done < begin || done > end {
                    continue;
                }
                match result {
                    Ok(()) => latency.push(done - sent),
                    Err(why) => *errors.entry(why).or_default() += 1,
                }
            }
            (latency, errors)
        });
    }
    let mut run = ClosedLoop { window: duration, ..ClosedLoop::default() };
    let mut all = Vec::new();
    while let Some(Ok((latency, errors))) = workers.join_next().await {
        all.extend(latency);
        for (k, v) in errors {
            *run.errors.entry(k).or_default() += v;
        }
    }
    run.ok = all.len() as u64;
    run.latency = Distribution::new(all);
    run
}
