//! Durable appends per second, by hand (a measurement, not a test):
//!
//! ```text
//! cargo run --release -p sigap-storage-sled --example throughput [OPS_PER_WRITER]
//! ```
//!
//! Measures, in temporary directories on the same disk:
//! - raw sled: `insert` of a 1 KiB value then `flush`, 1 thread and 32 threads;
//! - `SledStore`: a note appended through the service (load, decide,
//!   append, group commit), 1, 8 and 32 concurrent writers, each on its
//!   own case, with the number of flushes the group commit ran;
//! - `Store::append` alone: the same appends built beforehand, so only the
//!   store's work (encode, transaction, group commit) is timed.

use std::sync::Arc;
use std::time::Instant;

use sigap_core::engine::{Command, Context, Principal, decide};
use sigap_core::storage::{Append, CaseSummary, Store};
use sigap_core::testing::{at, fixture_service, submit};
use sigap_storage_sled::SledStore;

/// CPU seconds this process has used (user + system), from `/proc/self/stat`.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which ends with ')'): utime is the 12th, stime the 13th.
    let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, rest)| rest).split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn raw_sled(threads: usize, ops: usize) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let db = sled::open(dir.path()).unwrap();
    let value = vec![7u8; 1024];
    let start = Instant::now();
    std::thread::scope(|scope| {
        for t in 0..threads {
            let (db, value) = (&db, &value);
            scope.spawn(move || {
                for i in 0..ops {
                    db.insert(format!("{t}/{i}"), value.as_slice()).unwrap();
                    db.flush().unwrap();
                }
            });
        }
    });
    (threads * ops) as f64 / start.elapsed().as_secs_f64()
}

async fn store_appends(writers: u64, ops: u64) -> (f64, u64, f64) {
    let dir = tempfile::tempdir().unwrap();
    let sled_store = SledStore::open(dir.path()).unwrap();
    let store: Arc<dyn Store> = Arc::new(sled_store.clone());
    let service = Arc::new(fixture_service(store).await);
    let mut cases = Vec::new();
    for n in 1..=writers {
        cases.push(submit(&service, n, at("2026-12-01 09:00")).await);
    }
    let flushes_before = sled_store.flushes();
    let cpu_before = cpu_seconds();
    let start = Instant::now();
    let tasks: Vec<_> = cases
        .into_iter()
        .map(|case| {
            let service = service.clone();
            tokio::spawn(async move {
                let officer = Principal::staff("rina", &["petugas"]);
                for i in 0..ops {
                    let note = Command::AddNote { text: format!("catatan {i}"), obstacle: false };
                    service
                        .execute("org-uji", &case, &officer, &note, None, None, at("2026-12-01 10:00"))
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let elapsed = start.elapsed().as_secs_f64();
    let rate = (writers * ops) as f64 / elapsed;
    let cpu = (cpu_seconds() - cpu_before) / elapsed;
    (rate, sled_store.flushes() - flushes_before, cpu)
}

/// Appends of `ops` notes to each of `writers` new cases, built in memory
/// from each case's stored state; then only `Store::append` is timed.
async fn bare_appends(writers: u64, ops: u64) -> (f64, u64) {
    let dir = tempfile::tempdir().unwrap();
    let sled_store = SledStore::open(dir.path()).unwrap();
    let store: Arc<dyn Store> = Arc::new(sled_store.clone());
    let service = fixture_service(store.clone()).await;
    let officer = Principal::staff("rina", &["petugas"]);
    let mut batches = Vec::new();
    for n in 1..=writers {
        let id = submit(&service, n, at("2026-12-01 09:00")).await;
        let mut case = store.case("org-uji", &id).await.unwrap().unwrap();
        let wf = service.pinned(&case).await.unwrap();
        let mut appends = Vec::new();
        for i in 0..ops {
            let context = Context { definition: &wf.definition, calendar: &wf.calendar, at: at("2026-12-01 10:00") };
            let note = Command::AddNote { text: format!("catatan {i}"), obstacle: false };
            let events = decide(&context, Some(&case), &officer, &note, None).unwrap();
            let expected_version = case.version;
            for event in &events {
                case.apply(event).unwrap();
            }
            appends.push(Append {
                organisation: "org-uji".to_owned(),
                case: id.clone(),
                expected_version,
                events,
                summary: CaseSummary::of(&case, &wf.definition),
                state: case.clone(),
                outbox: Vec::new(),
                idempotency: None,
            });
        }
        batches.push(appends);
    }
    let flushes_before = sled_store.flushes();
    let start = Instant::now();
    let tasks: Vec<_> = batches
        .into_iter()
        .map(|appends| {
            let store = store.clone();
            tokio::spawn(async move {
                for append in appends {
                    store.append(append).await.unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let rate = (writers * ops) as f64 / start.elapsed().as_secs_f64();
    (rate, sled_store.flushes() - flushes_before)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let ops: u64 = std::env::args().nth(1).map_or(200, |n| n.parse().expect("a number of operations per writer"));
    println!("ops per writer: {ops}");
    for threads in [1, 32] {
        let rate = tokio::task::spawn_blocking(move || raw_sled(threads, ops as usize)).await.unwrap();
        println!("raw sled insert+flush, {threads:>2} threads: {rate:>8.0} writes/s");
    }
    for writers in [1, 8, 32] {
        let (rate, flushes, cpu) = store_appends(writers, ops).await;
        println!(
            "SledStore durable appends, {writers:>2} writers: {rate:>8.0} appends/s \
             ({flushes} flushes, {:.1} appends per flush, {cpu:.2} CPUs busy)",
            (writers * ops) as f64 / flushes.max(1) as f64
        );
    }
    for writers in [1, 8, 32] {
        let (rate, flushes) = bare_appends(writers, ops).await;
        println!(
            "Store::append alone,       {writers:>2} writers: {rate:>8.0} appends/s \
             ({flushes} flushes, {:.1} appends per flush)",
            (writers * ops) as f64 / flushes.max(1) as f64
        );
    }
}
