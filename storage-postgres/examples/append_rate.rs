//! Durable appends per second through `Service` on `PgStore`, at several
//! client counts. A measurement to run by hand, not a test:
//!
//! ```text
//! createdb -h 127.0.0.1 -U postgres sigap_bench
//! cargo run --release -p sigap-storage-postgres --example append_rate -- \
//!     postgres://postgres@127.0.0.1:5432/sigap_bench 10 1 32
//! ```
//!
//! Arguments: the database URL, seconds per run, then client counts. Each
//! client alternates `Claim` and `Release` on cases of its own (no
//! conflicts), so every command is one case read plus one append
//! transaction (CAS on the case row, one event, the summary; commit with
//! `synchronous_commit = on`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sigap_core::engine::{Command, Principal};
use sigap_core::service::Outcome;
use sigap_core::storage::Store;
use sigap_core::testing::{at, fixture_service, submit};
use sigap_storage_postgres::{PgOptions, PgStore};

const CASES_PER_CLIENT: u64 = 4;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let url = args.next().unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/sigap_bench".to_owned());
    let seconds: u64 = args.next().map_or(10, |s| s.parse().expect("seconds"));
    let mut clients: Vec<usize> = args.map(|s| s.parse().expect("a client count")).collect();
    if clients.is_empty() {
        clients = vec![1, 32];
    }
    let most = clients.iter().copied().max().unwrap_or(1);
    let store = PgStore::connect(
        &url,
        PgOptions { max_connections: u32::try_from(most).unwrap_or(u32::MAX), ..PgOptions::default() },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let store: Arc<dyn Store> = Arc::new(store);
    let service = Arc::new(fixture_service(store).await);
    // Case numbers never repeat across runs on the same database.
    let base = u64::try_from(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis())
        .unwrap()
        % 1_000_000_000
        * 1_000;
    let mut next = base;
    for &count in &clients {
        let mut cases = Vec::new();
        for _ in 0..count as u64 * CASES_PER_CLIENT {
            next += 1;
            cases.push(submit(&service, next, at("2026-12-01 09:00")).await);
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
                    let outcome = service
                        .execute("org-uji", id, &staff, &command, None, None, at("2026-12-01 09:10"))
                        .await
                        .unwrap_or_else(|e| panic!("{e}"));
                    assert!(matches!(outcome, Outcome::Applied { .. }), "{outcome:?}");
                    done.fetch_add(1, Ordering::Relaxed);
                    i += 1;
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        let elapsed = start.elapsed().as_secs_f64();
        let appends = done.load(Ordering::Relaxed);
        println!(
            "clients {count:>3}: {appends} durable appends in {elapsed:.1} s = {:.0} appends/s",
            appends as f64 / elapsed
        );
    }
}
