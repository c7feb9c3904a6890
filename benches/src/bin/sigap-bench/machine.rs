//! What machine a figure was measured on, and helpers shared by the measurements.

use serde_json::{Value, json};

/// The CPU model, core count, memory, kernel, load and time of a measurement.
pub(crate) fn describe() -> Value {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown".to_owned(), |(_, m)| m.trim().to_owned());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kib: u64 = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    json!({
        "cpu": model,
        "cores": std::thread::available_parallelism().map_or(1, |n| n.get()),
        "memory_gib": (mem_kib as f64 / 1024.0 / 1024.0).round(),
        "kernel": kernel.trim(),
        "load_average": load_average(),
        "at": chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
    })
}

/// The one-minute load average.
pub(crate) fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0.0)
}

/// CPU seconds this process has used (user + system), from `/proc/self/stat`.
pub(crate) fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which ends with ')'): utime is the 12th, stime the 13th.
    let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, rest)| rest).split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

/// Latency percentiles in milliseconds of a sample in seconds.
pub(crate) fn percentiles(mut sample: Vec<f64>) -> Value {
    if sample.is_empty() {
        return json!(null);
    }
    sample.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let rank = ((q * sample.len() as f64).ceil() as usize).clamp(1, sample.len());
        (sample[rank - 1] * 1e6).round() / 1e3
    };
    json!({ "n": sample.len(), "p50_ms": at(0.5), "p99_ms": at(0.99), "max_ms": at(1.0) })
}
