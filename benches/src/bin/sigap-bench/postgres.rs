//! Durable transitions per second on PostgreSQL, beside `pgbench` against
//! the same server in the same run.
//!
//! Each Sigap transition is `Service::execute` on `PgStore`: a case read,
//! the engine's decision and one durable transaction (CAS on the case row,
//! the event, the summary; commit with `synchronous_commit = on`). Each
//! client alternates `Claim` and `Release` on cases of its own, so no
//! transition conflicts.

use std::process::Command as Process;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sigap_core::engine::{Command, Principal};
use sigap_core::service::Outcome;
use sigap_core::storage::Store;
use sigap_core::testing::{at, fixture_service, submit};
use sigap_storage_postgres::{PgOptions, PgStore};

use crate::machine;

const CLIENTS: [u32; 2] = [1, 32];
const CASES_PER_CLIENT: u64 = 4;

/// `-h HOST -p PORT -U USER DB` from a `postgres://user@host:port/db` URL.
fn pg_args(url: &str) -> anyhow::Result<Vec<String>> {
    let rest = url.strip_prefix("postgres://").or_else(|| url.strip_prefix("postgresql://"));
    let rest = rest.ok_or_else(|| anyhow::anyhow!("not a postgres:// URL: {url}"))?;
    let (authority, db) = rest.split_once('/').ok_or_else(|| anyhow::anyhow!("no database in {url}"))?;
    let (user, host) = authority.rsplit_once('@').unwrap_or(("postgres", authority));
    let user = user.split(':').next().unwrap_or("postgres");
    let (host, port) = host.rsplit_once(':').unwrap_or((host, "5432"));
    let db = db.split('?').next().unwrap_or(db);
    Ok(["-h", host, "-p", port, "-U", user, db].map(str::to_owned).to_vec())
}

fn pgbench(url: &str, args: &[&str]) -> anyhow::Result<String> {
    let mut connection = pg_args(url)?;
    let db = connection.pop().unwrap_or_default();
    let output = Process::new("pgbench").args(&connection).args(args).arg(&db).output().map_err(|e| {
        anyhow::anyhow!("cannot run pgbench ({e}); install it (Debian: postgresql-contrib / postgresql-client)")
    })?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    anyhow::ensure!(output.status.success(), "pgbench {args:?} failed:\n{text}");
    Ok(text)
}

fn tps(text: &str) -> anyhow::Result<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix("tps = ").and_then(|r| r.split_whitespace().next()?.parse().ok()))
        .ok_or_else(|| anyhow::anyhow!("no `tps = ` line in pgbench's output:\n{text}"))
}

fn server_settings(url: &str) -> anyhow::Result<String> {
    let mut connection = pg_args(url)?;
    let db = connection.pop().unwrap_or_default();
    let query = "select current_setting('server_version') || ', synchronous_commit=' || \
                 current_setting('synchronous_commit') || ', fsync=' || current_setting('fsync') || \
                 ', wal_sync_method=' || current_setting('wal_sync_method') || ', shared_buffers=' || \
                 current_setting('shared_buffers')";
    let output = Process::new("psql").args(&connection).args(["-d", &db, "-Atc", query]).output()?;
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

async fn sigap_rate(
    service: &Arc<sigap_core::service::Service>,
    clients: u32,
    seconds: u64,
    base: u64,
) -> anyhow::Result<f64> {
    let mut cases = Vec::new();
    for n in 0..u64::from(clients) * CASES_PER_CLIENT {
        cases.push(submit(service, base + n, at("2026-12-01 09:00")).await);
    }
    let done = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let until = start + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for (c, mine) in cases.chunks(CASES_PER_CLIENT as usize).enumerate() {
        let (service, done, mine) = (service.clone(), done.clone(), mine.to_vec());
        tasks.push(tokio::spawn(async move {
            let staff = Principal::staff(format!("staf-{c}"), &["petugas"]);
            let mut i = 0usize;
            while Instant::now() < until {
                let id = &mine[i % mine.len()];
                let command = if (i / mine.len()).is_multiple_of(2) { Command::Claim } else { Command::Release };
                let outcome =
                    service.execute("org-uji", id, &staff, &command, None, None, at("2026-12-01 09:10")).await?;
                anyhow::ensure!(matches!(outcome, Outcome::Applied { .. }), "not applied: {outcome:?}");
                done.fetch_add(1, Ordering::Relaxed);
                i += 1;
            }
            anyhow::Ok(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    Ok(done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64())
}

/// Runs pgbench and Sigap on two scratch databases of one server.
pub(crate) async fn run(pgbench_url: &str, sigap_url: &str, seconds: u64) -> anyhow::Result<Value> {
    let settings = server_settings(pgbench_url)?;
    println!("PostgreSQL {settings}");
    let init = pgbench(pgbench_url, &["-i", "-q", "-s", "10"])?;
    drop(init);
    let store = PgStore::connect(sigap_url, PgOptions { max_connections: 32, ..PgOptions::default() }).await?;
    let store: Arc<dyn Store> = Arc::new(store);
    let service = Arc::new(fixture_service(store).await);
    let t = seconds.to_string();
    let mut rows = Vec::new();
    for (round, clients) in CLIENTS.into_iter().enumerate() {
        let c = clients.to_string();
        let j = if clients < 2 { "1" } else { "2" };
        let tpcb = tps(&pgbench(pgbench_url, &["-c", &c, "-j", j, "-T", &t])?)?;
        let simple = tps(&pgbench(pgbench_url, &["-N", "-c", &c, "-j", j, "-T", &t])?)?;
        let sigap = sigap_rate(&service, clients, seconds, 1_000_000 * (round as u64 + 1)).await?;
        println!(
            "{clients:>2} clients: pgbench TPC-B-like {tpcb:.0} tps, -N {simple:.0} tps, Sigap {sigap:.0} \
             transitions/s → {:.2}× -N",
            sigap / simple
        );
        rows.push(json!({
            "clients": clients,
            "pgbench_tpcb_tps": tpcb.round(),
            "pgbench_simple_update_tps": simple.round(),
            "sigap_transitions_per_s": sigap.round(),
            "ratio_to_simple_update": (sigap / simple * 100.0).round() / 100.0,
            "ratio_to_tpcb": (sigap / tpcb * 100.0).round() / 100.0,
        }));
    }
    Ok(json!({
        "kind": "postgres",
        "machine": machine::describe(),
        "server": settings,
        "seconds": seconds,
        "pgbench_scale": 10,
        "rows": rows,
        "batched_path": "none: the Store API appends one case's events per transaction",
    }))
}
