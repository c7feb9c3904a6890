//! `sigap-load latency`: the closed-loop maximum, then latency at an
//! open-loop constant rate below it, measured from each request's
//! scheduled send time.

use std::time::Duration;

use serde_json::json;

use super::http::Http;
use super::procfs::CpuMeter;
use super::stats::{closed_loop, errors_json, open_loop};
use super::workload::{Kind, Workload};
use super::{Common, REQUEST_TIMEOUT, api};

/// `latency`'s options.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Args {
    /// Seconds of each phase (closed loop, then open loop).
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// What to send.
    #[arg(long, value_enum, default_value_t = Kind::Submit)]
    kind: Kind,
    /// Concurrent connections of the closed loop.
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// The open loop's rate as a fraction of the closed loop's maximum.
    #[arg(long, default_value_t = 0.5)]
    fraction: f64,
    /// Cases created beforehand for notes, for each phase.
    #[arg(long, default_value_t = 64)]
    cases: usize,
    /// Unmeasured warm-up before the closed loop's window, seconds.
    #[arg(long, default_value_t = 1)]
    warmup: u64,
}

/// Runs it; `Ok(true)` when every phase ran.
pub(crate) async fn run(common: &Common, args: &Args) -> anyhow::Result<bool> {
    anyhow::ensure!(args.seconds > 0, "--seconds must be positive");
    anyhow::ensure!(args.fraction > 0.0 && args.fraction <= 1.0, "--fraction must be in (0, 1]");
    let mut backing = common.backing().await?;
    let spec = common.spec()?;
    let server = backing.start().await?;
    let http = Http::new(&server.url, REQUEST_TIMEOUT);
    let token = api::sign_in(&http, api::STAFF).await?;
    let (closed_cases, open_cases) = if args.kind == Kind::Note {
        let ids = api::create_cases(&http, &token, 2 * args.cases.max(1)).await?;
        let half = ids.len() / 2;
        (ids[..half].to_vec(), ids[half..].to_vec())
    } else {
        (Vec::new(), Vec::new())
    };
    let seconds = Duration::from_secs(args.seconds);
    println!(
        "latency: {} on {}, closed loop with {} connections for {} s…",
        args.kind.name(),
        common.store.name(),
        args.connections,
        args.seconds
    );

    let closed_work = Workload::new(http.clone(), token.clone(), closed_cases);
    let meter = CpuMeter::start(Some(server.pid));
    let outbox_before = api::outbox_delivered(&http).await;
    let closed =
        closed_loop(args.connections, Duration::from_secs(args.warmup), seconds, closed_work.maker(args.kind)).await;
    let (closed_server_cpu, closed_client_cpu) = meter.percent();
    let outbox_after_closed = api::outbox_delivered(&http).await;
    let closed_outbox = outbox_rate(outbox_before, outbox_after_closed, seconds + Duration::from_secs(args.warmup));
    let max_rps = closed.rps();
    println!(
        "  closed loop: {:.0} req/s ({} ok, {} errors), server CPU {:.0} %, client CPU {:.0} %; per request {}",
        max_rps,
        closed.ok,
        closed.errors.values().sum::<u64>(),
        closed_server_cpu,
        closed_client_cpu,
        closed.latency.text()
    );
    anyhow::ensure!(closed.ok > 0, "the closed loop got no acknowledgement: {:?}", closed.errors);

    let rate = max_rps * args.fraction;
    println!("  open loop at {rate:.0} req/s ({:.0} % of the maximum) for {} s…", args.fraction * 100.0, args.seconds);
    let open_work = Workload::new(http.clone(), token, open_cases);
    let meter = CpuMeter::start(Some(server.pid));
    let open = open_loop(rate, seconds, 4096, open_work.maker(args.kind)).await;
    let (open_server_cpu, open_client_cpu) = meter.percent();
    let open_outbox = outbox_rate(outbox_after_closed, api::outbox_delivered(&http).await, open.elapsed);
    let achieved = open.ok as f64 / open.elapsed.as_secs_f64().max(1e-9);
    println!(
        "  open loop: {:.0} req/s achieved of {:.0} scheduled, {} errors; from scheduled send: {}",
        achieved,
        rate,
        open.error_count(),
        open.latency.text()
    );
    println!(
        "             service time {}; dispatch lag p99 {:.3} ms; most in flight {}; server CPU {:.0} %, client CPU {:.0} %",
        open.service.text(),
        super::stats::ms(open.dispatch_lag.quantile(0.99)),
        open.max_in_flight,
        open_server_cpu,
        open_client_cpu
    );
    for (why, n) in open.errors.iter().chain(closed.errors.iter()) {
        println!("  error: {n} × {why}");
    }
    if let (Some(closed_outbox), Some(open_outbox)) = (closed_outbox, open_outbox) {
        println!(
            "  outbox (notifications) delivered: {closed_outbox:.0}/s during the closed loop, {open_outbox:.0}/s during the open loop"
        );
    }

    let result = json!({
        "command": "latency",
        "kind": args.kind.name(),
        "seconds": args.seconds,
        "environment": common.environment(&spec),
        "server_startup_ms": super::stats::ms(server.startup),
        "closed_loop": {
            "connections": args.connections,
            "warmup_seconds": args.warmup,
            "rps": max_rps,
            "ok": closed.ok,
            "errors": errors_json(&closed.errors),
            "latency_per_request": closed.latency.json(),
            "server_cpu_percent": closed_server_cpu,
            "client_cpu_percent": closed_client_cpu,
            "outbox_delivered_per_s": closed_outbox,
        },
        "open_loop": {
            "fraction_of_max": args.fraction,
            "target_rps": rate,
            "achieved_rps": achieved,
            "scheduled": open.scheduled,
            "ok": open.ok,
            "errors": errors_json(&open.errors),
            "error_count": open.error_count(),
            "latency_from_scheduled": open.latency.json(),
            "service_time": open.service.json(),
            "dispatch_lag": open.dispatch_lag.json(),
            "max_in_flight": open.max_in_flight,
            "server_cpu_percent": open_server_cpu,
            "client_cpu_percent": open_client_cpu,
            "outbox_delivered_per_s": open_outbox,
        },
    });
    let stopping = std::time::Instant::now();
    let stopped = server.stop().await;
    let shutdown = stopping.elapsed();
    println!(
        "  graceful shutdown took {:.1} s{}",
        shutdown.as_secs_f64(),
        if stopped { "" } else { " and did not end cleanly" }
    );
    let mut result = result;
    result["shutdown_seconds"] = json!(shutdown.as_secs_f64());
    result["stopped_cleanly"] = json!(stopped);
    common.write(&result)?;
    backing.finish(common.keep).await?;
    Ok(true)
}

/// Outbox deliveries per second between two readings of the counter.
fn outbox_rate(before: Option<f64>, after: Option<f64>, over: Duration) -> Option<f64> {
    Some((after? - before?) / over.as_secs_f64().max(1e-9))
}
