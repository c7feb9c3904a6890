//! Durable transitions per second on sled, beside raw sled on the same disk
//! in the same run.
//!
//! - raw `insert` of a 1 KiB value then `flush` (sled's own durability:
//!   its log written and waited for with `sync_file_range`);
//! - raw `insert` + `flush` + `fdatasync` of sled's `db` file: the
//!   durability `SledStore` promises (the drive's cache and the file size
//!   too), so the ratio compares like with like;
//! - `SledStore`: a transition through `Service::execute` (load, decide,
//!   append with version CAS, group commit), each writer alternating
//!   `Claim` and `Release` on a case of its own (the same transitions as
//!   the PostgreSQL measurement; the case's size stays constant).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use serde_json::{Value, json};
use sigap_core::engine::{Command, Principal};
use sigap_core::storage::Store;
use sigap_core::testing::{at, fixture_service, submit};
use sigap_storage_sled::SledStore;

use crate::machine;

const WRITERS: [u64; 2] = [1, 32];

fn raw_sled(threads: u64, ops: u64, fdatasync: bool) -> anyhow::Result<f64> {
    let dir = tempfile::tempdir()?;
    let db = sled::open(dir.path())?;
    let db_file = std::fs::File::open(dir.path().join("db"))?;
    let value = vec![7u8; 1024];
    let start = Instant::now();
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (db, value, db_file) = (&db, &value, &db_file);
                scope.spawn(move || -> anyhow::Result<()> {
                    for i in 0..ops {
                        db.insert(format!("{t}/{i}"), value.as_slice())?;
                        db.flush()?;
                        if fdatasync {
                            db_file.sync_data()?;
                        }
                    }
                    Ok(())
                })
            })
            .collect();
        for handle in handles {
            handle.join().map_err(|_| anyhow::anyhow!("a raw sled writer panicked"))??;
        }
        Ok(())
    })?;
    Ok((threads * ops) as f64 / start.elapsed().as_secs_f64())
}

/// (appends/s, flushes, CPUs busy) for `writers` concurrent writers.
async fn store_appends(writers: u64, ops: u64) -> anyhow::Result<(f64, u64, f64)> {
    let dir = tempfile::tempdir()?;
    let sled_store = SledStore::open(dir.path())?;
    let store: Arc<dyn Store> = Arc::new(sled_store.clone());
    let service = Arc::new(fixture_service(store).await);
    let mut cases = Vec::new();
    for n in 1..=writers {
        cases.push(submit(&service, n, at("2026-12-01 09:00")).await);
    }
    let flushes_before = sled_store.flushes();
    let cpu_before = machine::cpu_seconds();
    let done = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let tasks: Vec<_> = cases
        .into_iter()
        .map(|case| {
            let (service, done) = (service.clone(), done.clone());
            tokio::spawn(async move {
                let officer = Principal::staff("rina", &["petugas"]);
                for i in 0..ops {
                    let command = if i.is_multiple_of(2) { Command::Claim } else { Command::Release };
                    service.execute("org-uji", &case, &officer, &command, None, None, at("2026-12-01 10:00")).await?;
                    done.fetch_add(1, Ordering::Relaxed);
                }
                anyhow::Ok(())
            })
        })
        .collect();
    for task in tasks {
        task.await??;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let cpu = (machine::cpu_seconds() - cpu_before) / elapsed;
    Ok((done.load(Ordering::Relaxed) as f64 / elapsed, sled_store.flushes() - flushes_before, cpu))
}

/// Runs every measurement and returns the result.
pub(crate) async fn run(ops: u64) -> anyhow::Result<Value> {
    let mut rows = Vec::new();
    let mut store_rates = Vec::new();
    for writers in WRITERS {
        let raw_flush = tokio::task::spawn_blocking(move || raw_sled(writers, ops, false)).await??;
        let raw_durable = tokio::task::spawn_blocking(move || raw_sled(writers, ops, true)).await??;
        let (store, flushes, cpu) = store_appends(writers, ops).await?;
        println!(
            "{writers:>2} writers: raw insert+flush {raw_flush:.0}/s, raw insert+flush+fdatasync {raw_durable:.0}/s, \
             SledStore {store:.0} appends/s ({:.1} per flush, {cpu:.2} CPUs busy) → {:.2}× raw same durability",
            (writers * ops) as f64 / flushes.max(1) as f64,
            store / raw_durable
        );
        store_rates.push(store);
        rows.push(json!({
            "writers": writers,
            "raw_insert_flush_per_s": raw_flush.round(),
            "raw_insert_flush_fdatasync_per_s": raw_durable.round(),
            "store_appends_per_s": store.round(),
            "appends_per_flush": ((writers * ops) as f64 / flushes.max(1) as f64 * 10.0).round() / 10.0,
            "cpus_busy": (cpu * 100.0).round() / 100.0,
            "ratio_to_raw_same_durability": (store / raw_durable * 100.0).round() / 100.0,
            "ratio_to_raw_flush": (store / raw_flush * 100.0).round() / 100.0,
        }));
    }
    let group_commit = store_rates[1] / store_rates[0];
    println!("group commit: 32 writers = {group_commit:.1}× one writer");
    Ok(json!({
        "kind": "sled",
        "machine": machine::describe(),
        "ops_per_writer": ops,
        "rows": rows,
        "group_commit_factor": (group_commit * 10.0).round() / 10.0,
    }))
}
