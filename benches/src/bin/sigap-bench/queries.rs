//! The deadline scan's query and the inbox query over N open cases.
//!
//! N cases are submitted through the service (the real engine and store,
//! 256 at a time), one a second from 2026-12-01 09:00 WIB, so their
//! deadlines spread over days. Then each query runs 30 times:
//! - `due(now, 500)` at an instant before every deadline (the scan of a
//!   quiet minute: nothing due) and after every deadline (a full batch of
//!   500 to record: the scanner's worst case);
//! - the inbox: open cases of the `petugas` role, newest first, the first
//!   page of 100 and the API's limit of 1000; and one person's assigned
//!   cases (none assigned: the index must say so without a walk);
//! - the case list's searches (issue 19), a page of 50 each: newest and
//!   oldest first, most urgent first, late and at risk at an instant when
//!   some are, received on one day, a tracking code, a deep page (offset
//!   5,000), and the counts the page shows (capped at 10,000).
//!
//! On PostgreSQL the tables are `ANALYZE`d after loading, as autovacuum
//! would do.

use std::sync::Arc;
use std::time::Instant;

use chrono::TimeDelta;
use serde_json::{Value, json};
use sigap_core::engine::ClockState;
use sigap_core::engine::Status;
use sigap_core::storage::{CaseQuery, ClockFilter, Order, Store};
use sigap_core::testing::{at, fixture_service, submit};
use sigap_storage_postgres::{PgOptions, PgStore};
use sigap_storage_sled::SledStore;

use crate::machine;

const REPEAT: usize = 30;
const CONCURRENT: u64 = 256;

async fn populate(store: Arc<dyn Store>, cases: u64) -> anyhow::Result<f64> {
    let service = Arc::new(fixture_service(store).await);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for lane in 0..CONCURRENT {
        let service = service.clone();
        tasks.push(tokio::spawn(async move {
            let mut n = lane + 1;
            while n <= cases {
                let when = at("2026-12-01 09:00") + TimeDelta::seconds(n as i64);
                submit(&service, n, when).await;
                n += CONCURRENT;
            }
        }));
    }
    let mut last_report = Instant::now();
    for task in tasks {
        task.await?;
        if last_report.elapsed().as_secs() >= 30 {
            println!("  … populating ({:.0} s)", start.elapsed().as_secs_f64());
            last_report = Instant::now();
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    println!("populated {cases} open cases in {seconds:.0} s ({:.0} cases/s)", cases as f64 / seconds);
    Ok(seconds)
}

async fn timed<F, Fut>(mut query: F) -> anyhow::Result<(Value, usize)>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<usize>>,
{
    let mut sample = Vec::with_capacity(REPEAT);
    let mut found = 0;
    for _ in 0..REPEAT {
        let start = Instant::now();
        found = query().await?;
        sample.push(start.elapsed().as_secs_f64());
    }
    Ok((machine::percentiles(sample), found))
}

async fn measure(store: Arc<dyn Store>, store_name: &str, cases: u64, populate_seconds: f64) -> anyhow::Result<Value> {
    let mut rows = Vec::new();
    let quiet = at("2026-12-01 08:00");
    let late = at("2027-12-01 08:00");
    for (name, before) in [("due(now, 500): nothing due", quiet), ("due(now, 500): a full batch due", late)] {
        let (latency, found) = timed(|| {
            let store = store.clone();
            async move { Ok(store.due(before, 500).await?.len()) }
        })
        .await?;
        rows.push(json!({ "query": name, "found": found, "latency": latency }));
    }
    let inbox = |limit: usize, assignee: Option<&str>| CaseQuery {
        organisation: "org-uji".to_owned(),
        roles: if assignee.is_some() { Vec::new() } else { vec!["petugas".to_owned()] },
        assignee: assignee.map(str::to_owned),
        statuses: vec![Status::Open],
        limit,
        ..CaseQuery::default()
    };
    for (name, query) in [
        ("inbox: role petugas, open, first 100", inbox(100, None)),
        ("inbox: role petugas, open, limit 1000 (the API's)", inbox(1000, None)),
        ("inbox: assigned to one person (none)", inbox(1000, Some("rina"))),
    ] {
        let (latency, found) = timed(|| {
            let (store, query) = (store.clone(), query.clone());
            async move { Ok(store.list(&query).await?.len()) }
        })
        .await?;
        rows.push(json!({ "query": name, "found": found, "latency": latency }));
    }
    let code = store
        .list(&CaseQuery {
            organisation: "org-uji".to_owned(),
            limit: 1,
            offset: (cases / 2) as usize,
            ..CaseQuery::default()
        })
        .await?
        .first()
        .map(|s| s.tracking_code.clone());
    // An instant some way into the load: the earliest cases are late by
    // then, a band is at risk, the rest on track.
    let mid = at("2026-12-01 09:00") + TimeDelta::seconds((cases / 20) as i64);
    let clock = |states: Vec<ClockState>| Some(ClockFilter { states, at: mid });
    let page = |f: &dyn Fn(&mut CaseQuery)| {
        let mut q = CaseQuery { organisation: "org-uji".to_owned(), limit: 50, ..CaseQuery::default() };
        f(&mut q);
        q
    };
    let searches = [
        ("list: all, newest first", page(&|_| {})),
        ("list: all, oldest first", page(&|q| q.order = Order::OldestFirst)),
        (
            "list: open, most urgent first",
            page(&|q| {
                q.statuses = vec![Status::Open];
                q.order = Order::DueFirst;
            }),
        ),
        ("list: late now", page(&|q| q.clock = clock(vec![ClockState::Breached]))),
        ("list: at risk now", page(&|q| q.clock = clock(vec![ClockState::AtRisk]))),
        ("list: on track now", page(&|q| q.clock = clock(vec![ClockState::OnTrack]))),
        (
            "list: unassigned at a stage, received on one day",
            page(&|q| {
                q.unassigned = true;
                q.stages = vec!["periksa".to_owned()];
                q.submitted_from = Some(at("2026-12-02 00:00"));
                q.submitted_before = Some(at("2026-12-03 00:00"));
            }),
        ),
        ("list: one tracking code", page(&|q| q.tracking_code = code.clone())),
        ("list: page at offset 5,000", page(&|q| q.offset = 5000)),
    ];
    for (name, query) in searches {
        let (latency, found) = timed(|| {
            let (store, query) = (store.clone(), query.clone());
            async move { Ok(store.list(&query).await?.len()) }
        })
        .await?;
        rows.push(json!({ "query": name, "found": found, "latency": latency }));
    }
    for (name, query) in [
        ("count: all (capped)", page(&|_| {})),
        ("count: late now", page(&|q| q.clock = clock(vec![ClockState::Breached]))),
        ("count: at risk now", page(&|q| q.clock = clock(vec![ClockState::AtRisk]))),
    ] {
        let (latency, found) = timed(|| {
            let (store, query) = (store.clone(), query.clone());
            async move { Ok(store.count(&query).await?) }
        })
        .await?;
        rows.push(json!({ "query": name, "found": found, "latency": latency }));
    }
    for row in &rows {
        println!("{store_name} {cases}: {} → {} found, {}", row["query"], row["found"], row["latency"]);
    }
    Ok(json!({
        "kind": "queries",
        "store": store_name,
        "machine": machine::describe(),
        "open_cases": cases,
        "populate_seconds": populate_seconds.round(),
        "repeat": REPEAT,
        "rows": rows,
    }))
}

/// On a sled store in a temporary directory.
pub(crate) async fn sled(cases: u64) -> anyhow::Result<Value> {
    let dir = tempfile::tempdir()?;
    let store: Arc<dyn Store> = Arc::new(SledStore::open(dir.path())?);
    let populate_seconds = populate(store.clone(), cases).await?;
    let mut result = measure(store, "sled", cases, populate_seconds).await?;
    result["disk_bytes"] = json!(sigap_benches::folder_bytes(dir.path()));
    Ok(result)
}

/// On PostgreSQL, in the scratch database at `url`.
pub(crate) async fn postgres(url: &str, cases: u64) -> anyhow::Result<Value> {
    let store = PgStore::connect(url, PgOptions { max_connections: 32, ..PgOptions::default() }).await?;
    let store: Arc<dyn Store> = Arc::new(store);
    let populate_seconds = populate(store.clone(), cases).await?;
    // What autovacuum would do after a bulk load; without it the planner may
    // still hold the empty table's statistics.
    let pool = sqlx::PgPool::connect(url).await?;
    sqlx::query("ANALYZE").execute(&pool).await?;
    pool.close().await;
    measure(store, "postgres", cases, populate_seconds).await
}
