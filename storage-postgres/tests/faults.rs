//! Faults: connections killed by the server mid-load and mid-transaction,
//! and a server that goes away and comes back. The store answers
//! `Unavailable` (or succeeds after reconnecting), never loses an
//! acknowledged write, and recovers by itself.

mod common;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Arc;

use common::{Recording, independent_store, url_of, verify_all};
use sigap_core::engine::{CaseId, Command, Principal};
use sigap_core::service::{Outcome, Service, ServiceError};
use sigap_core::storage::{CaseLog, ErrorKind, Outbox, Store};
use sigap_core::testing::{at, fixture_service, submit};
use sigap_storage_postgres::{PgOptions, PgStore};
use sqlx::postgres::PgConnection;
use sqlx::{Connection, Executor, PgPool};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Mutex, mpsc};
use tokio::task::{JoinHandle, JoinSet};

fn officer() -> Principal {
    Principal::staff("rina", &["petugas"])
}

fn note(text: String) -> Command {
    Command::AddNote { text, obstacle: false, audience: None }
}

async fn add_note(service: &Service, id: &CaseId, text: String) -> Result<Outcome, ServiceError> {
    service.execute("org-uji", id, &officer(), &note(text), None, None, at("2026-12-01 10:00")).await
}

/// Terminates every other backend on the test database; returns their pids.
async fn terminate_all(admin: &mut PgConnection) -> Vec<i32> {
    let ended: Vec<(i32, bool)> = sqlx::query_as(
        "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .fetch_all(&mut *admin)
    .await
    .unwrap();
    ended.into_iter().filter_map(|(pid, ended)| ended.then_some(pid)).collect()
}

/// Waits until the server has reaped the given backends.
async fn wait_gone(admin: &mut PgConnection, pids: &[i32]) {
    for _ in 0..100_000 {
        let left: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1)")
            .bind(pids)
            .fetch_one(&mut *admin)
            .await
            .unwrap();
        if left == 0 {
            return;
        }
        tokio::task::yield_now().await;
    }
    panic!("backends {pids:?} never went away");
}

const WRITERS: u64 = 3;
const OPS: usize = 40;
const KILLS: usize = 4;

#[sqlx::test(migrations = false)]
async fn killing_every_connection_mid_load_loses_no_acknowledged_write(pool: PgPool) {
    let store = Arc::new(independent_store(&pool, "sigap-victim", 4).await);
    let recorded = Recording::new(store.clone());
    let service = Arc::new(fixture_service(recorded.clone()).await);
    let mut ids = Vec::new();
    for n in 1..=WRITERS {
        ids.push(submit(&service, n, at("2026-12-01 09:00")).await);
    }
    let mut admin = PgConnection::connect_with(&pool.connect_options()).await.unwrap();

    // Writers report each acknowledged command; every 10th, the admin kills every connection.
    let (progress, mut ticks) = mpsc::unbounded_channel::<()>();
    let mut writers = Vec::new();
    for (w, id) in ids.iter().cloned().enumerate() {
        let service = service.clone();
        let progress = progress.clone();
        writers.push(tokio::spawn(async move {
            let mut unavailable = 0;
            for i in 0..OPS {
                match add_note(&service, &id, format!("w{w} #{i}")).await {
                    Ok(Outcome::Applied { .. }) => {
                        let _ = progress.send(());
                    }
                    Err(ServiceError::Storage(e)) if e.kind() == ErrorKind::Unavailable => {
                        unavailable += 1;
                    }
                    Err(ServiceError::Storage(e)) if e.kind() == ErrorKind::Conflict => {}
                    other => panic!("w{w} #{i}: {other:?}"),
                }
            }
            unavailable
        }));
    }
    drop(progress);
    let (mut acknowledged, mut kills, mut killed) = (0, 0, Vec::new());
    while ticks.recv().await.is_some() {
        acknowledged += 1;
        if acknowledged % 10 == 0 && kills < KILLS {
            killed.extend(terminate_all(&mut admin).await);
            kills += 1;
        }
    }
    let mut unavailable = 0;
    for w in writers {
        unavailable += w.await.unwrap();
    }
    eprintln!("{acknowledged} acknowledged, {unavailable} unavailable, {kills} kills ended {} backends", killed.len());
    assert!(!killed.is_empty(), "the kills found the store's connections");

    // Once the killed backends are gone the load goes on by itself: every command succeeds.
    wait_gone(&mut admin, &killed).await;
    for id in &ids {
        for i in 0..5 {
            let outcome = add_note(&service, id, format!("after #{i}")).await;
            assert!(matches!(outcome, Ok(Outcome::Applied { .. })), "{outcome:?}");
        }
    }

    // Every acknowledged event is stored; anything more came from an append whose reply was lost.
    let stored = verify_all(store.as_ref()).await;
    let (events, outbox) = recorded.snapshot();
    assert!(events.is_subset(&stored), "an acknowledged event is missing");
    let failed = recorded.acknowledged.lock().unwrap().failed.clone();
    assert!(failed.iter().all(|e| matches!(e.kind(), ErrorKind::Unavailable | ErrorKind::Conflict)), "{failed:?}");
    if !failed.iter().any(|e| e.kind() == ErrorKind::Unavailable) {
        assert_eq!(stored, events);
    }
    let pending: BTreeSet<String> = store
        .claim_outbox("check", at("2030-01-01 00:00"), at("2030-01-01 01:00"), 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.id)
        .collect();
    assert!(outbox.is_subset(&pending), "an acknowledged outbox item is missing");
    store.close().await;
    admin.close().await.unwrap();
}

#[sqlx::test(migrations = false)]
async fn a_connection_killed_inside_an_append_is_unavailable_and_writes_nothing(pool: PgPool) {
    let store = Arc::new(independent_store(&pool, "sigap-victim", 2).await);
    let service = Arc::new(fixture_service(store.clone()).await);
    let id = submit(&service, 1, at("2026-12-01 09:00")).await;
    let before = store.events("org-uji", &id).await.unwrap();

    // Hold the case's row lock, so the append waits inside its transaction.
    let mut locker = PgConnection::connect_with(&pool.connect_options()).await.unwrap();
    locker.execute("BEGIN").await.unwrap();
    sqlx::query("SELECT 1 FROM cases WHERE case_id = $1 FOR UPDATE")
        .bind(id.as_str())
        .execute(&mut locker)
        .await
        .unwrap();
    let pending = tokio::spawn({
        let (service, id) = (service.clone(), id.clone());
        async move { add_note(&service, &id, "hilang".to_owned()).await }
    });
    let mut victim = None;
    for _ in 0..100_000 {
        victim = sqlx::query_scalar::<_, i32>(
            "SELECT pid FROM pg_stat_activity \
             WHERE application_name = 'sigap-victim' AND wait_event_type = 'Lock'",
        )
        .fetch_optional(&pool)
        .await
        .unwrap();
        if victim.is_some() {
            break;
        }
        tokio::task::yield_now().await;
    }
    let victim = victim.expect("the append waits on the row lock");
    let ended: bool =
        sqlx::query_scalar("SELECT pg_terminate_backend($1)").bind(victim).fetch_one(&pool).await.unwrap();
    assert!(ended);
    match pending.await.unwrap() {
        Err(ServiceError::Storage(e)) => {
            assert_eq!(e.kind(), ErrorKind::Unavailable, "{e}");
            assert!(e.message().contains(id.as_str()), "{e}");
        }
        other => panic!("expected Unavailable, got {other:?}"),
    }
    locker.execute("ROLLBACK").await.unwrap();
    locker.close().await.unwrap();

    // Nothing of the killed append was written, and the pool reconnects by itself.
    assert_eq!(store.events("org-uji", &id).await.unwrap(), before);
    let outcome = add_note(&service, &id, "tersimpan".to_owned()).await;
    assert!(matches!(outcome, Ok(Outcome::Applied { .. })), "{outcome:?}");
    let case = store.case("org-uji", &id).await.unwrap().unwrap();
    assert_eq!(case.version, before.len() as u64 + 1);
    assert_eq!(case.notes.iter().map(|n| n.text.as_str()).collect::<Vec<_>>(), ["tersimpan"]);
    store.close().await;
}

/// A TCP relay to the server that can be taken down (dropping every relayed
/// connection) and brought back on the same port: a server that goes away.
struct Relay {
    port: u16,
    upstream: SocketAddr,
    accept: Option<JoinHandle<()>>,
    connections: Arc<Mutex<JoinSet<()>>>,
}

impl Relay {
    async fn start(upstream: SocketAddr) -> Self {
        let mut relay = Self { port: 0, upstream, accept: None, connections: Arc::default() };
        relay.up().await;
        relay
    }

    async fn up(&mut self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await.unwrap();
        self.port = listener.local_addr().unwrap().port();
        let (upstream, connections) = (self.upstream, self.connections.clone());
        self.accept = Some(tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    return;
                };
                connections.lock().await.spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        }));
    }

    /// Stops listening and closes every relayed connection before returning.
    async fn down(&mut self) {
        if let Some(accept) = self.accept.take() {
            accept.abort();
            let _ = accept.await;
        }
        self.connections.lock().await.shutdown().await;
    }
}

#[sqlx::test(migrations = false)]
async fn a_server_that_goes_away_is_unavailable_then_recovers_by_itself(pool: PgPool) {
    let options = pool.connect_options();
    let upstream = tokio::net::lookup_host((options.get_host(), options.get_port())).await.unwrap().next().unwrap();
    let mut relay = Relay::start(upstream).await;
    let url = url_of(&pool).replace(&format!(":{}/", options.get_port()), &format!(":{}/", relay.port));
    let pg = PgStore::connect(
        &url,
        PgOptions { max_connections: 2, acquire_timeout: std::time::Duration::from_secs(1), ..PgOptions::default() },
    )
    .await
    .unwrap();
    let pg = Arc::new(pg);
    let store: Arc<dyn Store> = pg.clone();
    let service = fixture_service(store.clone()).await;
    let id = submit(&service, 1, at("2026-12-01 09:00")).await;
    add_note(&service, &id, "sebelum".to_owned()).await.unwrap();

    relay.down().await;
    for attempt in 0..3 {
        match add_note(&service, &id, format!("selama {attempt}")).await {
            Err(ServiceError::Storage(e)) => {
                assert_eq!(e.kind(), ErrorKind::Unavailable, "{e}");
            }
            other => panic!("expected Unavailable while the server is away, got {other:?}"),
        }
    }
    assert_eq!(store.case("org-uji", &id).await.unwrap_err().kind(), ErrorKind::Unavailable);

    relay.up().await;
    add_note(&service, &id, "sesudah".to_owned()).await.unwrap();
    let case = store.case("org-uji", &id).await.unwrap().unwrap();
    assert_eq!(case.notes.iter().map(|n| n.text.as_str()).collect::<Vec<_>>(), ["sebelum", "sesudah"]);
    let events = store.events("org-uji", &id).await.unwrap();
    sigap_core::engine::history::verify_against(&id, &events, case.version, &case.head).unwrap();
    pg.close().await;
    relay.down().await;
}
