//! Two "processes" (independent pools, independent services) on one
//! database: conflicting commands on the same cases, both scanning deadlines
//! and both draining the outbox. Nothing acknowledged is lost, nothing
//! unacknowledged appears, no deadline fires twice and every outbox item is
//! delivered by exactly one worker.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use chrono::TimeDelta;
use common::{Recording, independent_store, verify_all};
use sigap_core::engine::{CaseId, ClockKey, Command, EventKind, Principal, Rejection};
use sigap_core::form::Input;
use sigap_core::service::{Outcome, Service, ServiceError};
use sigap_core::storage::{CaseLog, ErrorKind, Outbox, Store};
use sigap_core::testing::{at, fixture_form, fixture_service, submit};
use sqlx::PgPool;

const CASES: u64 = 6;
const WRITERS: usize = 3;
const OPS: usize = 60;

#[derive(Default, Debug)]
struct Tally {
    applied: usize,
    unchanged: usize,
    rejected: usize,
    conflicts: usize,
}

/// One writer: a fixed mix of commands on cases shared with every other writer.
async fn writer(process: usize, writer: usize, service: Arc<Service>, ids: Arc<Vec<CaseId>>) -> Tally {
    let mut tally = Tally::default();
    let staff = Principal::staff(format!("p{process}w{writer}"), &["petugas", "kepala"]);
    for i in 0..OPS {
        let id = &ids[(writer * 5 + i * 3 + process) % ids.len()];
        let when = at("2026-12-01 09:00") + TimeDelta::minutes(i as i64);
        let note = |text: String| Command::AddNote { text, obstacle: false, audience: None };
        let (who, command, expected) = match i % 6 {
            0 => {
                let seen = service.store().case("org-uji", id).await.unwrap().unwrap();
                (staff.clone(), note(format!("p{process} w{writer} #{i} at v{}", seen.version)), Some(seen.version))
            }
            1 => (staff.clone(), note(format!("p{process} w{writer} #{i}")), None),
            2 => (staff.clone(), Command::Claim, None),
            3 => (
                staff.clone(),
                Command::Perform {
                    action: "minta".to_owned(),
                    inputs: BTreeMap::from([("kekurangan".to_owned(), Input::Text(format!("Lampiran {i}")))]),
                    form: None,
                },
                None,
            ),
            4 => (
                Principal::Applicant,
                Command::Perform {
                    action: "lengkapi".to_owned(),
                    inputs: BTreeMap::new(),
                    form: Some(fixture_form("Pemohon")),
                },
                None,
            ),
            _ => (staff.clone(), Command::Release, None),
        };
        match service.execute("org-uji", id, &who, &command, expected, None, when).await {
            Ok(Outcome::Applied { .. }) => tally.applied += 1,
            Ok(Outcome::Unchanged { .. } | Outcome::Replayed(_)) => tally.unchanged += 1,
            Err(ServiceError::Rejected(Rejection::StaleVersion { .. })) => tally.conflicts += 1,
            Err(ServiceError::Rejected(_)) => tally.rejected += 1,
            Err(ServiceError::Storage(e)) if e.kind() == ErrorKind::Conflict => {
                tally.conflicts += 1;
            }
            Err(other) => panic!("p{process} w{writer} #{i}: {other}"),
        }
    }
    tally
}

/// One process's outbox worker: claims, "delivers" (records) and completes until told to stop and nothing is left.
async fn drainer(
    store: Arc<dyn Store>,
    worker: String,
    stop: Arc<AtomicBool>,
    delivered: Arc<Mutex<Vec<(String, String)>>>,
) {
    let now = at("2027-01-04 09:00");
    loop {
        let stopping = stop.load(Ordering::SeqCst);
        let items = store.claim_outbox(&worker, now, now + TimeDelta::hours(1), 5).await.unwrap();
        if items.is_empty() {
            if stopping {
                return;
            }
            tokio::task::yield_now().await;
            continue;
        }
        for item in items {
            delivered.lock().unwrap().push((item.id.clone(), worker.clone()));
            store.complete_outbox(&item.id, &worker).await.unwrap();
        }
    }
}

/// One process's deadline scanner, until told to stop.
async fn scanner(service: Arc<Service>, stop: Arc<AtomicBool>) -> usize {
    let mut recorded = 0;
    while !stop.load(Ordering::SeqCst) {
        recorded += service.scan_deadlines(at("2027-01-04 09:00"), 10).await.unwrap();
        tokio::task::yield_now().await;
    }
    recorded
}

#[sqlx::test(migrations = false)]
async fn two_processes_lose_nothing_and_deliver_each_item_once(pool: PgPool) {
    // Two processes start together: both migrate (one waits on the other's lock).
    let (a, b) = tokio::join!(independent_store(&pool, "sigap-a", 4), independent_store(&pool, "sigap-b", 4));
    let (a, b) = (Arc::new(a), Arc::new(b));
    let recorded_a = Recording::new(a.clone());
    let recorded_b = Recording::new(b.clone());
    let service_a = Arc::new(fixture_service(recorded_a.clone()).await);
    let service_b = Arc::new(fixture_service(recorded_b.clone()).await);

    // A crashed third process leased some receipts and never came back.
    let mut ids = Vec::new();
    for n in 1..=CASES {
        let service = if n % 2 == 0 { &service_a } else { &service_b };
        ids.push(submit(service, n, at("2026-12-01 08:00")).await);
    }
    let crashed = a.claim_outbox("crashed", at("2027-01-04 08:00"), at("2027-01-04 08:30"), 3).await.unwrap();
    assert_eq!(crashed.len(), 3);
    let ids = Arc::new(ids);

    let stop = Arc::new(AtomicBool::new(false));
    let delivered = Arc::new(Mutex::new(Vec::new()));
    let mut background = Vec::new();
    let mut scanners = Vec::new();
    for (p, store, service) in [
        (0, recorded_a.clone() as Arc<dyn Store>, service_a.clone()),
        (1, recorded_b.clone() as Arc<dyn Store>, service_b.clone()),
    ] {
        background.push(tokio::spawn(drainer(store, format!("worker-{p}"), stop.clone(), delivered.clone())));
        scanners.push(tokio::spawn(scanner(service, stop.clone())));
    }
    let mut writers = Vec::new();
    for (p, service) in [(0, &service_a), (1, &service_b)] {
        for w in 0..WRITERS {
            writers.push(tokio::spawn(writer(p, w, service.clone(), ids.clone())));
        }
    }
    let mut tally = Tally::default();
    for w in writers {
        let t = w.await.unwrap();
        tally.applied += t.applied;
        tally.unchanged += t.unchanged;
        tally.rejected += t.rejected;
        tally.conflicts += t.conflicts;
    }
    stop.store(true, Ordering::SeqCst);
    let mut deadlines = 0;
    for s in scanners {
        deadlines += s.await.unwrap();
    }
    for d in background {
        d.await.unwrap();
    }
    let store_conflicts =
        [&recorded_a, &recorded_b].iter().map(|r| r.acknowledged.lock().unwrap().failed.len()).sum::<usize>();
    eprintln!(
        "commands: {tally:?}; appends lost to a race at the store: {store_conflicts}; \
         deadline scans recorded {deadlines}"
    );
    assert!(tally.applied > 0 && tally.conflicts + tally.rejected > 0, "{tally:?}");

    // Every stored event was acknowledged to exactly the process that wrote it, and the reverse.
    let stored = verify_all(a.as_ref()).await;
    let (events_a, outbox_a) = recorded_a.snapshot();
    let (events_b, outbox_b) = recorded_b.snapshot();
    assert!(events_a.is_disjoint(&events_b));
    let acknowledged: BTreeSet<_> = events_a.union(&events_b).cloned().collect();
    assert_eq!(stored, acknowledged, "stored events = acknowledged events");

    // No deadline fired twice: at most one warning and one breach per clock run.
    for id in ids.iter() {
        let mut fired: BTreeMap<ClockKey, (bool, bool)> = BTreeMap::new();
        for event in a.events("org-uji", id).await.unwrap() {
            match &event.kind {
                EventKind::ClockStarted { clock, .. } => {
                    fired.insert(clock.clone(), (false, false));
                }
                EventKind::ClockWarned { clock, .. } => {
                    let state = fired.entry(clock.clone()).or_default();
                    assert!(!state.0, "case {id}: {clock:?} warned twice");
                    state.0 = true;
                }
                EventKind::ClockBreached { clock, .. } => {
                    let state = fired.entry(clock.clone()).or_default();
                    assert!(!state.1, "case {id}: {clock:?} breached twice");
                    state.1 = true;
                }
                _ => {}
            }
        }
    }

    // Every acknowledged outbox item was delivered, each by exactly one worker;
    // the crashed worker's leases were taken over and it may no longer complete.
    let delivered = delivered.lock().unwrap().clone();
    let mut by_id: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (id, worker) in &delivered {
        by_id.entry(id).or_default().push(worker);
    }
    assert!(by_id.values().all(|workers| workers.len() == 1), "{by_id:?}");
    let expected: BTreeSet<String> = outbox_a.union(&outbox_b).cloned().collect();
    let got: BTreeSet<String> = by_id.keys().map(|id| (*id).to_owned()).collect();
    assert_eq!(got, expected);
    for item in &crashed {
        assert_eq!(a.complete_outbox(&item.id, "crashed").await.unwrap_err().kind(), ErrorKind::NotFound);
    }
    let workers: BTreeSet<&str> = by_id.values().flatten().copied().collect();
    eprintln!("outbox: {} items delivered by {workers:?}", delivered.len());
    assert!(a.claim_outbox("late", at("2030-01-01 00:00"), at("2030-01-01 01:00"), 1000).await.unwrap().is_empty());
    a.close().await;
    b.close().await;
}
