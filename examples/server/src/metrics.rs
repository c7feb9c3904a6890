//! Prometheus metrics in the text exposition format, kept in atomics.
//!
//! Labels carry route templates, command names and outcome codes only:
//! never an id, a tracking code or anything a person typed.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Upper bounds of the request-latency histogram, in seconds.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

/// The server's counters.
#[derive(Default)]
pub(crate) struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
    commands: Mutex<BTreeMap<(String, String), u64>>,
    pub(crate) outbox_delivered: AtomicU64,
    pub(crate) outbox_failed: AtomicU64,
    pub(crate) deadline_cases: AtomicU64,
    pub(crate) sign_in_failures: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Metrics {
    /// Counts a finished HTTP request.
    pub(crate) fn request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        *lock(&self.requests).entry((method.to_owned(), route.to_owned(), status)).or_default() += 1;
        let mut latency = lock(&self.latency);
        let h = latency.entry(route.to_owned()).or_default();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                h.counts[i] += 1;
            }
        }
        h.sum += seconds;
        h.count += 1;
    }

    /// Counts a command by name and outcome code (`ok`, or a rejection code).
    pub(crate) fn command(&self, name: &str, outcome: &str) {
        *lock(&self.commands).entry((name.to_owned(), outcome.to_owned())).or_default() += 1;
    }

    /// The exposition text.
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP sigap_http_requests_total HTTP requests by method, route and status.\n");
        out.push_str("# TYPE sigap_http_requests_total counter\n");
        for ((method, route, status), n) in lock(&self.requests).iter() {
            let _ = writeln!(
                out,
                "sigap_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {n}",
                escape(route)
            );
        }
        out.push_str("# HELP sigap_http_request_duration_seconds HTTP request latency by route.\n");
        out.push_str("# TYPE sigap_http_request_duration_seconds histogram\n");
        for (route, h) in lock(&self.latency).iter() {
            let route = escape(route);
            for (i, bound) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "sigap_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {}",
                    h.counts[i]
                );
            }
            let _ = writeln!(
                out,
                "sigap_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(out, "sigap_http_request_duration_seconds_sum{{route=\"{route}\"}} {}", h.sum);
            let _ = writeln!(out, "sigap_http_request_duration_seconds_count{{route=\"{route}\"}} {}", h.count);
        }
        out.push_str("# HELP sigap_commands_total Engine commands by name and outcome.\n");
        out.push_str("# TYPE sigap_commands_total counter\n");
        for ((name, outcome), n) in lock(&self.commands).iter() {
            let _ = writeln!(out, "sigap_commands_total{{command=\"{name}\",outcome=\"{outcome}\"}} {n}");
        }
        for (name, help, value) in [
            ("sigap_outbox_delivered_total", "Outbox items delivered.", &self.outbox_delivered),
            ("sigap_outbox_failed_total", "Outbox delivery attempts that failed (retried later).", &self.outbox_failed),
            (
                "sigap_deadline_cases_total",
                "Cases the deadline scanner recorded clock events on.",
                &self.deadline_cases,
            ),
            ("sigap_sign_in_failures_total", "Failed staff sign-ins.", &self.sign_in_failures),
        ] {
            let _ =
                writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}", value.load(Ordering::Relaxed));
        }
        out
    }
}

fn escape(label: &str) -> String {
    label.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}
