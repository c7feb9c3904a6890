//! Crash recovery, in the style of sled's own `test_crash_recovery`.
//!
//! `crash_recovery` runs this test binary again as a child process that
//! runs only `crash_child`: several writers append notes (and new cases)
//! to a store in a temporary directory and print one `ACK …` line per
//! acknowledged write. The parent reads those lines, kills the child with
//! SIGKILL after a random number of them (5–60), reads what was printed
//! before the kill, and then checks that every acknowledged write is in
//! the store and that every case's history verifies and folds to its
//! projection and summary. Then it starts the next child on the same
//! directory.
//!
//! `SIGAP_CRASH_CYCLES` sets the number of cycles (30 by default);
//! `SIGAP_CRASH_SEED` repeats a run (the seed is printed).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command as Process, Stdio};
use std::sync::Arc;

use sigap_core::engine::{Case, Command, Principal, history};
use sigap_core::storage::{CaseLog, CaseQuery, Store};
use sigap_core::testing::{at, fixture_service, new_case, submit};
use sigap_storage_sled::SledStore;

const CHILD_DIR: &str = "SIGAP_CRASH_CHILD_DIR";
const CHILD_RUN: &str = "SIGAP_CRASH_CHILD_RUN";
/// Concurrent writers in the child, each on its own case (cases 1..=WRITERS).
const WRITERS: u64 = 4;

/// Prints one acknowledgement, whole, and flushes it to the parent.
fn ack(line: &str) {
    let mut out = std::io::stdout().lock();
    writeln!(out, "ACK {line}").and_then(|()| out.flush()).expect("stdout");
}

/// The child's body; does nothing unless run by `crash_recovery`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_child() {
    let Some(dir) = std::env::var_os(CHILD_DIR) else {
        return;
    };
    let run: u64 = std::env::var(CHILD_RUN).unwrap().parse().unwrap();
    let store: Arc<dyn Store> = Arc::new(SledStore::open(&dir).expect("open the store"));
    let service = Arc::new(fixture_service(store.clone()).await);
    for n in 1..=WRITERS {
        if store.case("org-uji", &new_case(n).id).await.unwrap().is_none() {
            submit(&service, n, at("2026-12-01 09:00")).await;
            ack(&format!("submit {n}"));
        }
    }
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let service = service.clone();
            tokio::spawn(async move {
                let officer = Principal::staff("rina", &["petugas"]);
                let case = new_case(w + 1).id;
                for i in 0u64.. {
                    if w == 0 && i % 5 == 4 {
                        let n = 1000 + run * 100_000 + i;
                        submit(&service, n, at("2026-12-01 09:30")).await;
                        ack(&format!("submit {n}"));
                        continue;
                    }
                    let label = format!("r{run}w{w}i{i}");
                    let note = Command::AddNote { text: label.clone(), obstacle: false, audience: None };
                    service
                        .execute("org-uji", &case, &officer, &note, None, None, at("2026-12-01 10:00"))
                        .await
                        .unwrap_or_else(|e| panic!("note {label}: {e}"));
                    ack(&format!("note {} {label}", w + 1));
                }
            })
        })
        .collect();
    for writer in writers {
        writer.await.expect("a writer failed");
    }
}

/// What the children acknowledged.
#[derive(Default)]
struct Acked {
    submits: BTreeSet<u64>,
    notes: BTreeMap<u64, BTreeSet<String>>,
    count: usize,
}

impl Acked {
    fn record(&mut self, line: &str) {
        let words: Vec<&str> = line.split(' ').collect();
        match words[..] {
            ["submit", n] => {
                self.submits.insert(n.parse().unwrap());
            }
            ["note", n, label] => {
                let notes = self.notes.entry(n.parse().unwrap()).or_default();
                notes.insert(label.to_owned());
            }
            _ => panic!("an unexpected line from the child: {line}"),
        }
        self.count += 1;
    }
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[test]
fn crash_recovery() {
    let cycles: u64 = std::env::var("SIGAP_CRASH_CYCLES").map_or(30, |v| v.parse().unwrap());
    let seed: u64 = std::env::var("SIGAP_CRASH_SEED").map_or_else(
        |_| {
            #[allow(clippy::disallowed_methods, reason = "a random seed, not an instant; printed for replay")]
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
            now.unwrap().as_nanos() as u64 | 1
        },
        |v| v.parse().unwrap(),
    );
    eprintln!("crash_recovery: {cycles} cycles, SIGAP_CRASH_SEED={seed}");
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let mut acked = Acked::default();
    for run in 0..cycles {
        let kill_after = 5 + rng.next() % 56;
        let mut child = Process::new(std::env::current_exe().unwrap())
            .args(["crash_child", "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD_DIR, dir.path())
            .env(CHILD_RUN, run.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut seen = 0;
        let mut killed = false;
        // Read to the end: lines printed before the kill were acknowledged too.
        for line in stdout.lines() {
            let line = line.unwrap();
            // libtest may print its "test crash_child ... " on the same line.
            let Some(at) = line.find("ACK ") else {
                continue;
            };
            acked.record(&line[at + 4..]);
            seen += 1;
            if seen == kill_after {
                child.kill().unwrap();
                killed = true;
            }
        }
        let status = child.wait().unwrap();
        assert!(killed, "run {run}: the child stopped by itself after {seen} acknowledgements ({status})");
        runtime.block_on(verify(dir.path(), &acked, run));
    }
    eprintln!("crash_recovery: {cycles} kills, {} acknowledged writes, all present", acked.count);
}

/// Every acknowledged write is there; every case verifies, folds to its
/// projection and is listed with its version.
async fn verify(dir: &Path, acked: &Acked, run: u64) {
    let store = SledStore::open(dir).unwrap_or_else(|e| panic!("run {run}: reopening: {e}"));
    for n in &acked.submits {
        let code = new_case(*n).tracking_code;
        let found = store.find_tracking_code(&code).await.unwrap();
        assert_eq!(found, Some(("org-uji".to_owned(), new_case(*n).id)), "run {run}: acknowledged case {n} is lost");
    }
    for (n, labels) in &acked.notes {
        let case = store
            .case("org-uji", &new_case(*n).id)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("run {run}: case {n} is lost"));
        let kept: BTreeSet<&str> = case.notes.iter().map(|n| n.text.as_str()).collect();
        for label in labels {
            assert!(kept.contains(label.as_str()), "run {run}: acknowledged note {label} on case {n} is lost");
        }
    }
    let ids = store.case_ids(None, 100_000).await.unwrap();
    assert!(ids.len() >= acked.submits.len());
    let listed = store
        .list(&CaseQuery { organisation: "org-uji".to_owned(), limit: 10_000, ..CaseQuery::default() })
        .await
        .unwrap();
    assert_eq!(listed.len(), ids.len(), "run {run}: the index lost cases");
    for (org, id) in &ids {
        let case = store.case(org, id).await.unwrap().unwrap();
        let events = store.events(org, id).await.unwrap();
        history::verify_against(id, &events, case.version, &case.head)
            .unwrap_or_else(|e| panic!("run {run}: case {id}: {e}"));
        assert_eq!(Case::fold(&events).unwrap(), case, "run {run}: case {id}");
        let summary = listed.iter().find(|s| &s.case == id).unwrap();
        assert_eq!(summary.version, case.version, "run {run}: case {id}");
    }
}
