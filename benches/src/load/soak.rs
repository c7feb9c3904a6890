//! `sigap-load soak`: a steady submit+note load at a fixed rate while the
//! server's resident memory and open file descriptors are sampled every
//! second; they must stay flat.
//!
//! Flat: samples in the first 20 % of the run are warm-up. The reference
//! window is from 20 % to two thirds of the run, the final window the last
//! third. PASS when the final window's largest RSS is at most the reference
//! window's largest × 1.10 + 8 MiB, its largest fd count at most the
//! reference's + 8, and at most 1 % of the requests failed.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::http::Http;
use super::stats::{MakeJob, errors_json, open_loop};
use super::workload::Workload;
use super::{Common, REQUEST_TIMEOUT, api, procfs};

/// `soak`'s options.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Args {
    /// How long, in seconds.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// Requests per second, half submissions and half notes. On sled the
    /// server's RSS grows with the store until sled's 256 MiB cache is full
    /// (after some 650 MiB written): at 50 req/s a 60 s run stays within the
    /// flatness rule, at 100 req/s it does not (the cache's fill, not a leak).
    #[arg(long, default_value_t = 50.0)]
    rate: f64,
    /// How many cases the notes go to in turn: the newest ones, refreshed
    /// every 2 s from `GET /api/v1/cases` (so histories stay short, as
    /// staff note recent requests, and the load stays the same over the run).
    #[arg(long, default_value_t = 64)]
    cases: usize,
    /// The most requests in flight, and so client connections (opened
    /// before sampling starts, so that a burst of new connections does not
    /// read as a file descriptor leak).
    #[arg(long, default_value_t = 64)]
    connections: usize,
}

/// One sample.
#[derive(Debug, Clone, Copy)]
struct Sample {
    t: f64,
    rss_kib: u64,
    fds: u64,
    threads: u64,
    server_cpu_s: f64,
    ok: u64,
    errors: u64,
    sockets: u64,
    pipes: u64,
    files: u64,
    other_fds: u64,
    store_bytes: Option<u64>,
    outbox_delivered: Option<f64>,
}

impl Sample {
    fn take(
        pid: u32,
        started: Instant,
        ok: &AtomicU64,
        errors: &AtomicU64,
        store_bytes: Option<u64>,
        outbox_delivered: Option<f64>,
    ) -> Option<Self> {
        let (sockets, pipes, files, other_fds) = procfs::fd_kinds(pid).unwrap_or_default();
        Some(Self {
            t: started.elapsed().as_secs_f64(),
            rss_kib: procfs::rss_kib(pid)?,
            fds: procfs::open_fds(pid)?,
            threads: procfs::threads(pid).unwrap_or(0),
            server_cpu_s: procfs::cpu_seconds(Some(pid)).unwrap_or(0.0),
            ok: ok.load(Ordering::Relaxed),
            errors: errors.load(Ordering::Relaxed),
            sockets,
            pipes,
            files,
            other_fds,
            store_bytes,
            outbox_delivered,
        })
    }

    fn json(&self) -> Value {
        json!({
            "t": (self.t * 1000.0).round() / 1000.0,
            "rss_kib": self.rss_kib,
            "fds": self.fds,
            "fds_sockets": self.sockets,
            "fds_pipes": self.pipes,
            "fds_files": self.files,
            "fds_other": self.other_fds,
            "threads": self.threads,
            "server_cpu_s": self.server_cpu_s,
            "store_bytes": self.store_bytes,
            "outbox_delivered": self.outbox_delivered,
            "ok": self.ok,
            "errors": self.errors,
        })
    }
}

/// The flatness verdict.
#[derive(Debug)]
struct Flatness {
    reference_rss_max: u64,
    final_rss_max: u64,
    rss_limit: u64,
    reference_fds_max: u64,
    final_fds_max: u64,
    fds_limit: u64,
    flat: bool,
}

fn flatness(samples: &[Sample], seconds: f64) -> Option<Flatness> {
    let window = |from: f64, to: f64| samples.iter().filter(move |s| s.t >= from && s.t < to);
    let reference: Vec<&Sample> = window(0.2 * seconds, seconds * 2.0 / 3.0).collect();
    let last: Vec<&Sample> = window(seconds * 2.0 / 3.0, f64::INFINITY).collect();
    if reference.is_empty() || last.is_empty() {
        return None;
    }
    let reference_rss_max = reference.iter().map(|s| s.rss_kib).max()?;
    let final_rss_max = last.iter().map(|s| s.rss_kib).max()?;
    let reference_fds_max = reference.iter().map(|s| s.fds).max()?;
    let final_fds_max = last.iter().map(|s| s.fds).max()?;
    let rss_limit = reference_rss_max + reference_rss_max / 10 + 8 * 1024;
    let fds_limit = reference_fds_max + 8;
    Some(Flatness {
        reference_rss_max,
        final_rss_max,
        rss_limit,
        reference_fds_max,
        final_fds_max,
        fds_limit,
        flat: final_rss_max <= rss_limit && final_fds_max <= fds_limit,
    })
}

/// Least-squares slope of RSS over time after the warm-up, KiB per minute.
fn rss_slope(samples: &[Sample], seconds: f64) -> f64 {
    let points: Vec<(f64, f64)> =
        samples.iter().filter(|s| s.t >= 0.2 * seconds).map(|s| (s.t, s.rss_kib as f64)).collect();
    let n = points.len() as f64;
    if n < 2.0 {
        return 0.0;
    }
    let (mx, my) = (points.iter().map(|p| p.0).sum::<f64>() / n, points.iter().map(|p| p.1).sum::<f64>() / n);
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    if sxx == 0.0 { 0.0 } else { 60.0 * sxy / sxx }
}

/// Runs it; `Ok(false)` when the server's memory or files grew, or too many requests failed.
pub(crate) async fn run(common: &Common, args: &Args) -> anyhow::Result<bool> {
    anyhow::ensure!(args.seconds >= 3, "--seconds must be at least 3");
    anyhow::ensure!(args.rate > 0.0, "--rate must be positive");
    let mut backing = common.backing().await?;
    let spec = common.spec()?;
    let server = backing.start().await?;
    let http = Http::new(&server.url, REQUEST_TIMEOUT);
    let token = api::sign_in(&http, api::STAFF).await?;
    let cases = api::create_cases(&http, &token, args.cases.max(1)).await?;
    let work = Workload::new(http.clone(), token.clone(), cases);
    println!(
        "soak: {} req/s (half submit, half note) on {} for {} s, sampling the server (pid {}) every second…",
        args.rate,
        common.store.name(),
        args.seconds,
        server.pid
    );

    let ok = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let mixed = work.mixed();
    let counted: MakeJob = {
        let (ok, errors) = (ok.clone(), errors.clone());
        Arc::new(move |i| {
            let job = mixed(i);
            let (ok, errors) = (ok.clone(), errors.clone());
            Box::pin(async move {
                let result = job.await;
                if result.is_ok() { &ok } else { &errors }.fetch_add(1, Ordering::Relaxed);
                result
            })
        })
    };
    // Open the client's connections before sampling (at most `connections`
    // requests are ever in flight, so no more are opened later).
    let mut warm = tokio::task::JoinSet::new();
    for _ in 0..args.connections.max(1) {
        let http = http.clone();
        warm.spawn(async move { http.get("/healthz", &[]).await });
    }
    while warm.join_next().await.is_some() {}

    let mut probe = backing.size_probe().await?;
    let started = Instant::now();
    let (stop_tx, mut stop_rx) = tokio::sync::watch::channel(false);
    let load = async {
        let run = open_loop(args.rate, Duration::from_secs(args.seconds), args.connections, counted).await;
        let _ = stop_tx.send(true);
        run
    };
    let sampling = async {
        let mut samples = Vec::new();
        let mut every = tokio::time::interval(Duration::from_secs(1));
        loop {
            tokio::select! {
                _ = every.tick() => {
                    let (bytes, outbox) = (probe.bytes().await, api::outbox_delivered(&http).await);
                    samples.extend(Sample::take(server.pid, started, &ok, &errors, bytes, outbox));
                }
                _ = stop_rx.changed() => break,
            }
        }
        let (bytes, outbox) = (probe.bytes().await, api::outbox_delivered(&http).await);
        samples.extend(Sample::take(server.pid, started, &ok, &errors, bytes, outbox));
        samples
    };
    let refresh = async {
        let mut every = tokio::time::interval(Duration::from_secs(2));
        let mut stop = stop_tx.subscribe();
        let mut failures = 0u64;
        loop {
            tokio::select! {
                _ = every.tick() => match api::newest_case_ids(&http, &token, args.cases).await {
                    Ok(ids) => work.set_cases(ids),
                    Err(_) => failures += 1,
                },
                _ = stop.changed() => break,
            }
        }
        failures
    };
    let (run, samples, refresh_failures) = tokio::join!(load, sampling, refresh);
    drop(probe);
    let seconds = args.seconds as f64;
    let verdict = flatness(&samples, seconds);
    let slope = rss_slope(&samples, seconds);
    let total = run.ok + run.error_count();
    let error_fraction = if total == 0 { 1.0 } else { run.error_count() as f64 / total as f64 };
    let flat = verdict.as_ref().is_some_and(|v| v.flat);
    let pass = flat && error_fraction <= 0.01;

    let (first, last) = (samples.first().copied(), samples.last().copied());
    let mib = |kib: u64| kib as f64 / 1024.0;
    if let (Some(first), Some(last)) = (first, last) {
        let store = |s: &Sample| s.store_bytes.map_or("?".to_owned(), |b| format!("{:.1}", b as f64 / 1048576.0));
        println!(
            "  RSS {:.1} → {:.1} MiB (slope after warm-up {:+.2} MiB/min) while the store grew {} → {} MiB",
            mib(first.rss_kib),
            mib(last.rss_kib),
            slope / 1024.0,
            store(&first),
            store(&last),
        );
        println!(
            "  fds {} → {} (sockets {} → {}, files {} → {}, pipes {} → {}, other {} → {}), threads {} → {}",
            first.fds,
            last.fds,
            first.sockets,
            last.sockets,
            first.files,
            last.files,
            first.pipes,
            last.pipes,
            first.other_fds,
            last.other_fds,
            first.threads,
            last.threads
        );
    }
    if let (Some(Some(first)), Some(Some(last))) = (first.map(|s| s.outbox_delivered), last.map(|s| s.outbox_delivered))
    {
        println!(
            "  outbox: {:.0} notifications delivered during the run ({:.1}/s) for about {} submissions",
            last - first,
            (last - first) / seconds.max(1.0),
            run.ok.div_ceil(2)
        );
    }
    println!(
        "  {} requests: {} ok, {} errors ({:.3} %), {:.1} req/s achieved; from scheduled send: {}",
        total,
        run.ok,
        run.error_count(),
        100.0 * error_fraction,
        run.ok as f64 / run.elapsed.as_secs_f64().max(1e-9),
        run.latency.text()
    );
    for (why, n) in &run.errors {
        println!("  error: {n} × {why}");
    }
    match &verdict {
        Some(v) => println!(
            "  flat: RSS max {:.1} MiB in the last third vs {:.1} MiB before (limit {:.1}); fds max {} vs {} (limit {}) → {}",
            mib(v.final_rss_max),
            mib(v.reference_rss_max),
            mib(v.rss_limit),
            v.final_fds_max,
            v.reference_fds_max,
            v.fds_limit,
            if v.flat { "flat" } else { "GROWING" }
        ),
        None => println!("  flat: too few samples to judge"),
    }
    println!("soak {}", if pass { "PASS" } else { "FAIL" });

    let result = json!({
        "command": "soak",
        "seconds": args.seconds,
        "rate": args.rate,
        "cases": args.cases,
        "connections": args.connections,
        "case_list_refresh_failures": refresh_failures,
        "environment": common.environment(&spec),
        "pass": pass,
        "flat": flat,
        "rule": "after a 20 % warm-up: max RSS of the last third <= 1.10 × max RSS of [20 %, 2/3) + 8 MiB; \
                 max fds of the last third <= max fds of [20 %, 2/3) + 8; errors <= 1 %",
        "verdict": verdict.as_ref().map(|v| json!({
            "reference_rss_max_kib": v.reference_rss_max,
            "final_rss_max_kib": v.final_rss_max,
            "rss_limit_kib": v.rss_limit,
            "reference_fds_max": v.reference_fds_max,
            "final_fds_max": v.final_fds_max,
            "fds_limit": v.fds_limit,
        })),
        "rss_slope_kib_per_min": slope,
        "requests": {
            "scheduled": run.scheduled,
            "ok": run.ok,
            "errors": errors_json(&run.errors),
            "error_fraction": error_fraction,
            "achieved_rps": run.ok as f64 / run.elapsed.as_secs_f64().max(1e-9),
            "latency_from_scheduled": run.latency.json(),
            "service_time": run.service.json(),
            "max_in_flight": run.max_in_flight,
        },
        "samples": samples.iter().map(Sample::json).collect::<Vec<_>>(),
    });
    common.write(&result)?;
    if !server.stop().await {
        eprintln!("warning: the server did not stop cleanly on SIGTERM");
    }
    backing.finish(common.keep).await?;
    Ok(pass)
}
