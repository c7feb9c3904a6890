//! `sigap-load drill`: crash drills at load.
//!
//! Concurrent writers submit requests (each with its own Idempotency-Key)
//! and add notes to cases created beforehand. After a random number of
//! acknowledged writes (seeded: the seed is printed and can be given back)
//! the drill strikes:
//! - **kill** (sled, and every odd cycle on PostgreSQL): SIGKILL the server,
//!   run `sigap verify` on the store while it is down, restart it on the
//!   same store;
//! - **cut** (every even cycle on PostgreSQL): terminate every database
//!   connection of the run's database while the load goes on; the server
//!   must recover by itself (acknowledge new writes sent after the cut).
//!
//! Then every write acknowledged so far (in this cycle and all earlier
//! ones) must be there: each acknowledged submission's tracking code opens
//! with its secret, each acknowledged note is in its case's staff view.
//! Writes that got no answer are "unknown", not acknowledged: unknown
//! submissions are resolved by replaying them with their Idempotency-Key
//! (200: it had landed; 201: it had not, and is created now), unknown and
//! refused notes are looked for (informational: a note refused with a 4xx
//! that is present anyway would be a bug, and is counted as such). At the
//! end the server is stopped and `sigap verify` must find every history
//! intact.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use serde_json::{Value, json};

use super::http::{Answer, Http};
use super::rng::Rng;
use super::server::{StoreKind, Verification};
use super::{Common, REQUEST_TIMEOUT, api};

/// `drill`'s options.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Args {
    /// How many faults.
    #[arg(long, default_value_t = 5)]
    cycles: u32,
    /// Concurrent writers.
    #[arg(long, default_value_t = 8)]
    writers: u64,
    /// The fewest acknowledged writes in a cycle before the fault.
    #[arg(long, default_value_t = 20)]
    min_acked: u64,
    /// The most acknowledged writes in a cycle before the fault.
    #[arg(long, default_value_t = 300)]
    max_acked: u64,
    /// The random seed (default: from the clock; printed either way).
    #[arg(long)]
    seed: Option<u64>,
    /// Cases created beforehand that the notes go to.
    #[arg(long, default_value_t = 16)]
    cases: usize,
    /// After a connection cut, how long the server has to acknowledge new writes again, seconds.
    #[arg(long, default_value_t = 60)]
    recovery_seconds: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    Kill,
    Cut,
}

impl Fault {
    fn name(self) -> &'static str {
        match self {
            Fault::Kill => "kill",
            Fault::Cut => "cut",
        }
    }
}

/// An acknowledged submission.
#[derive(Debug, Clone)]
struct Receipt {
    code: String,
    secret: String,
}

/// A submission without an acknowledgement (no answer, or a 5xx): replayable.
#[derive(Debug, Clone)]
struct Pending {
    key: String,
    body: Bytes,
}

/// A note that was not acknowledged, and why.
#[derive(Debug, Clone)]
struct Unacked {
    case: String,
    text: String,
    status: Option<u16>,
}

/// What the writers saw in one cycle.
#[derive(Debug, Default)]
struct Log {
    submits: Vec<Receipt>,
    notes: Vec<(String, String)>,
    pending: Vec<Pending>,
    unacked_notes: Vec<Unacked>,
    unknown: u64,
    failed: u64,
    failures: BTreeMap<String, u64>,
}

/// State the writers and the controller share during a cycle.
#[derive(Default)]
struct Shared {
    acked: AtomicU64,
    acked_after_cut: AtomicU64,
    stop: AtomicBool,
    progress: tokio::sync::Notify,
    cut_at: std::sync::Mutex<Option<Instant>>,
    first_after_cut: std::sync::Mutex<Option<Instant>>,
    log: std::sync::Mutex<Log>,
}

impl Shared {
    fn acknowledge(&self, sent: Instant) {
        self.acked.fetch_add(1, Ordering::SeqCst);
        let cut = *self.cut_at.lock().unwrap();
        if cut.is_some_and(|cut| sent > cut) {
            self.acked_after_cut.fetch_add(1, Ordering::SeqCst);
            self.first_after_cut.lock().unwrap().get_or_insert_with(Instant::now);
        }
        self.progress.notify_one();
    }

    /// Waits until `counter` reaches `target` (false: not within `limit`).
    async fn wait_for(&self, counter: &AtomicU64, target: u64, limit: Duration) -> bool {
        tokio::time::timeout(limit, async {
            while counter.load(Ordering::SeqCst) < target {
                self.progress.notified().await;
            }
        })
        .await
        .is_ok()
    }
}

/// One writer: submissions and notes in random order until told to stop.
async fn writer(http: Http, token: String, cases: Arc<Vec<String>>, shared: Arc<Shared>, seed: u64, tag: String) {
    let mut rng = Rng::new(seed);
    let mut seq = 0u64;
    while !shared.stop.load(Ordering::SeqCst) {
        seq += 1;
        let sent = Instant::now();
        if rng.next_u64().is_multiple_of(2) {
            let key = format!("drill-{tag}-{seq}");
            let body = api::submit_body(&format!("Pemohon drill {tag}-{seq}"));
            let answer = api::submit(&http, body.clone(), Some(&key)).await;
            let receipt = answer.json_if(201).or_else(|| answer.json_if(200)).and_then(|r| {
                Some(Receipt {
                    code: r["tracking_code"].as_str()?.to_owned(),
                    secret: r["secret"].as_str()?.to_owned(),
                })
            });
            let mut log = shared.log.lock().unwrap();
            match (receipt, &answer) {
                (Some(receipt), _) => {
                    log.submits.push(receipt);
                    drop(log);
                    shared.acknowledge(sent);
                }
                (None, Answer::NoAnswer(_)) => {
                    log.unknown += 1;
                    log.pending.push(Pending { key, body });
                }
                (None, Answer::Status(status, _)) => {
                    log.failed += 1;
                    *log.failures.entry(format!("submit: {}", answer.describe())).or_default() += 1;
                    if *status >= 500 {
                        log.pending.push(Pending { key, body });
                    }
                }
            }
        } else {
            let case = cases[(rng.next_u64() % cases.len() as u64) as usize].clone();
            let text = format!("drill {tag}-{seq}");
            let answer = api::note(&http, &token, &case, api::note_body(&text)).await;
            let mut log = shared.log.lock().unwrap();
            match &answer {
                Answer::Status(200, _) => {
                    log.notes.push((case, text));
                    drop(log);
                    shared.acknowledge(sent);
                }
                Answer::NoAnswer(_) => {
                    log.unknown += 1;
                    log.unacked_notes.push(Unacked { case, text, status: None });
                }
                Answer::Status(status, _) => {
                    log.failed += 1;
                    *log.failures.entry(format!("note: {}", answer.describe())).or_default() += 1;
                    log.unacked_notes.push(Unacked { case, text, status: Some(*status) });
                }
            }
        }
    }
}

/// A request retried while the server answers 5xx or not at all (it may
/// still be reconnecting to its database); the last answer.
async fn settled<F, Fut>(mut attempt: F) -> Answer
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Answer>,
{
    let mut answer = attempt().await;
    for _ in 0..10 {
        match &answer {
            Answer::Status(status, _) if *status < 500 => break,
            _ => {
                tokio::time::sleep(Duration::from_millis(300)).await;
                answer = attempt().await;
            }
        }
    }
    answer
}

/// What one check of the whole ledger found.
#[derive(Debug, Default)]
struct Check {
    submits_checked: u64,
    notes_checked: u64,
    lost_submits: Vec<String>,
    lost_notes: Vec<String>,
    unverifiable: Vec<String>,
    pending_landed: u64,
    pending_created_now: u64,
    unacked_notes_present: u64,
    unacked_present_by_answer: BTreeMap<String, u64>,
    refused_notes_present: Vec<String>,
}

/// Everything acknowledged so far.
#[derive(Debug, Default)]
struct Ledger {
    submits: Vec<Receipt>,
    notes: Vec<(String, String)>,
}

async fn check(http: &Http, token: &str, ledger: &mut Ledger, log: &mut Log) -> Check {
    let mut found = Check::default();
    // Unknown submissions: replay with the same key and body.
    for pending in std::mem::take(&mut log.pending) {
        let answer = settled(|| api::submit(http, pending.body.clone(), Some(&pending.key))).await;
        let receipt = |r: Value| {
            Some(Receipt { code: r["tracking_code"].as_str()?.to_owned(), secret: r["secret"].as_str()?.to_owned() })
        };
        match (&answer, answer.json_if(200).and_then(receipt), answer.json_if(201).and_then(receipt)) {
            (_, Some(landed), _) => {
                found.pending_landed += 1;
                ledger.submits.push(landed);
            }
            (_, _, Some(created)) => {
                found.pending_created_now += 1;
                ledger.submits.push(created);
            }
            (other, _, _) => found.unverifiable.push(format!("replay of {}: {}", pending.key, other.describe())),
        }
    }
    // Every acknowledged submission opens with its secret.
    for receipt in &ledger.submits {
        found.submits_checked += 1;
        match settled(|| api::track(http, &receipt.code, &receipt.secret)).await {
            Answer::Status(200, _) => {}
            Answer::Status(404, _) => found.lost_submits.push(receipt.code.clone()),
            other => found.unverifiable.push(format!("tracking {}: {}", receipt.code, other.describe())),
        }
    }
    // Every acknowledged note is in its case.
    let mut by_case: HashMap<&str, Vec<&str>> = HashMap::new();
    for (case, text) in &ledger.notes {
        by_case.entry(case.as_str()).or_default().push(text.as_str());
    }
    for unacked in &log.unacked_notes {
        by_case.entry(unacked.case.as_str()).or_default();
    }
    let mut texts_of: HashMap<String, std::collections::HashSet<String>> = HashMap::new();
    for (case, texts) in &by_case {
        let answer = settled(|| api::case_view(http, token, case)).await;
        let Some(view) = answer.json_if(200) else {
            found.unverifiable.push(format!("case {case}: {}", answer.describe()));
            continue;
        };
        let present = api::note_texts(&view);
        for text in texts {
            found.notes_checked += 1;
            if !present.contains(*text) {
                found.lost_notes.push(format!("{case}: {text}"));
            }
        }
        texts_of.insert((*case).to_owned(), present);
    }
    for unacked in std::mem::take(&mut log.unacked_notes) {
        if texts_of.get(&unacked.case).is_some_and(|t| t.contains(&unacked.text)) {
            found.unacked_notes_present += 1;
            let answer = unacked.status.map_or_else(|| "no answer".to_owned(), |s| format!("HTTP {s}"));
            *found.unacked_present_by_answer.entry(answer).or_default() += 1;
            if unacked.status.is_some_and(|s| (400..500).contains(&s)) {
                found
                    .refused_notes_present
                    .push(format!("{}: {} (HTTP {:?})", unacked.case, unacked.text, unacked.status));
            }
        }
    }
    found
}

fn verification_line(v: &Verification) -> String {
    format!("verify {} case(s), {} bad{}", v.cases, v.bad, if v.ok { "" } else { " — FAILED" })
}

/// Runs it; `Ok(false)` when anything acknowledged was lost, a history
/// failed verification, or the server did not recover from a cut.
pub(crate) async fn run(common: &Common, args: &Args) -> anyhow::Result<bool> {
    anyhow::ensure!(
        args.cycles > 0 && args.writers > 0 && args.cases > 0,
        "--cycles, --writers, --cases must be positive"
    );
    let seed = args.seed.unwrap_or_else(Rng::fresh_seed);
    let mut rng = Rng::new(seed);
    let mut backing = common.backing().await?;
    let spec = common.spec()?;
    println!(
        "drill: {} cycle(s) on {}, {} writers, {}..={} acknowledged writes before each fault, seed {seed}",
        args.cycles,
        common.store.name(),
        args.writers,
        args.min_acked,
        args.max_acked
    );
    let started = Instant::now();
    let mut server = backing.start().await?;
    let mut http = Http::new(&server.url, REQUEST_TIMEOUT);
    let mut token = api::sign_in(&http, api::STAFF).await?;
    let cases = Arc::new(api::create_cases(&http, &token, args.cases).await?);
    let mut ledger = Ledger::default();
    let mut cycles = Vec::new();
    let (mut lost, mut unknown, mut failed, mut acked, mut unverifiable) = (0usize, 0u64, 0u64, 0u64, 0usize);
    let mut all_ok = true;

    for cycle in 1..=args.cycles {
        let fault =
            if common.store == StoreKind::Postgres && cycle.is_multiple_of(2) { Fault::Cut } else { Fault::Kill };
        let threshold = rng.range(args.min_acked, args.max_acked);
        let shared = Arc::new(Shared::default());
        let mut writers = tokio::task::JoinSet::new();
        for w in 0..args.writers {
            writers.spawn(writer(
                http.clone(),
                token.clone(),
                cases.clone(),
                shared.clone(),
                rng.next_u64(),
                format!("{seed:x}-{cycle}-{w}"),
            ));
        }
        let reached = tokio::select! {
            reached = shared.wait_for(&shared.acked, threshold, Duration::from_secs(120)) => reached,
            ended = writers.join_next() => anyhow::bail!("a writer ended before the fault: {ended:?}"),
        };
        let mut cycle_result = json!({ "cycle": cycle, "fault": fault.name(), "threshold": threshold });
        let mut verify_down = None;
        match fault {
            Fault::Kill => {
                shared.stop.store(true, Ordering::SeqCst);
                server.kill();
                while writers.join_next().await.is_some() {}
                let verification = backing.verify().await?;
                if !verification.ok {
                    all_ok = false;
                    eprintln!("{}", verification.output);
                }
                cycle_result["verify_after_kill"] = verification.json();
                verify_down = Some(verification);
                server = backing.start().await?;
                http = Http::new(&server.url, REQUEST_TIMEOUT);
                token = api::sign_in(&http, api::STAFF).await?;
                cycle_result["restart_ms"] = json!(super::stats::ms(server.startup));
            }
            Fault::Cut => {
                let cut_at = Instant::now();
                *shared.cut_at.lock().unwrap() = Some(cut_at);
                let terminated = backing.terminate_backends().await?;
                let target = shared.acked_after_cut.load(Ordering::SeqCst) + args.writers.max(10);
                let limit = Duration::from_secs(args.recovery_seconds);
                let recovered = tokio::select! {
                    recovered = shared.wait_for(&shared.acked_after_cut, target, limit) => recovered,
                    ended = writers.join_next() => anyhow::bail!("a writer ended during the cut: {ended:?}"),
                };
                shared.stop.store(true, Ordering::SeqCst);
                while writers.join_next().await.is_some() {}
                let first = *shared.first_after_cut.lock().unwrap();
                let recovery_ms = first.map(|f| super::stats::ms(f.saturating_duration_since(cut_at)));
                if !recovered {
                    all_ok = false;
                }
                cycle_result["terminated_connections"] = json!(terminated);
                cycle_result["recovered"] = json!(recovered);
                cycle_result["first_ack_after_cut_ms"] = json!(recovery_ms);
            }
        }
        if !reached {
            all_ok = false;
            cycle_result["threshold_reached"] = json!(false);
        }
        let mut log = std::mem::take(&mut *shared.log.lock().unwrap());
        let cycle_acked = (log.submits.len() + log.notes.len()) as u64;
        ledger.submits.append(&mut log.submits);
        ledger.notes.append(&mut log.notes);
        let found = check(&http, &token, &mut ledger, &mut log).await;
        let cycle_lost = found.lost_submits.len() + found.lost_notes.len();
        lost += cycle_lost;
        unverifiable += found.unverifiable.len();
        unknown += log.unknown;
        failed += log.failed;
        acked += cycle_acked;
        if cycle_lost > 0 || !found.unverifiable.is_empty() || !found.refused_notes_present.is_empty() {
            all_ok = false;
        }
        for line in found.lost_submits.iter().chain(&found.lost_notes) {
            println!("  LOST {line}");
        }
        for line in found.unverifiable.iter().chain(&found.refused_notes_present) {
            println!("  PROBLEM {line}");
        }
        let failures: String = log.failures.iter().map(|(k, v)| format!("; {v} × {k}")).collect();
        println!(
            "  cycle {cycle}: {} after {cycle_acked} acked (target {threshold}), {} unknown, {} refused{failures}; \
             checked {} submissions + {} notes so far: {cycle_lost} lost; unknown submissions landed {}, not landed {}; \
             unacknowledged notes present {}{}{}{}",
            fault.name(),
            log.unknown,
            log.failed,
            found.submits_checked,
            found.notes_checked,
            found.pending_landed,
            found.pending_created_now,
            found.unacked_notes_present,
            if found.unacked_present_by_answer.keys().any(|k| k.starts_with("HTTP")) {
                format!(" {:?}", found.unacked_present_by_answer)
            } else {
                String::new()
            },
            verify_down.as_ref().map(|v| format!("; {}", verification_line(v))).unwrap_or_default(),
            match fault {
                Fault::Kill => format!("; restart {:.0} ms", super::stats::ms(server.startup)),
                Fault::Cut => format!(
                    "; {} connection(s) cut, first ack after the cut {}",
                    cycle_result["terminated_connections"],
                    cycle_result["first_ack_after_cut_ms"]
                        .as_f64()
                        .map_or("never".to_owned(), |m| format!("{m:.0} ms"))
                ),
            }
        );
        cycle_result["acked"] = json!(cycle_acked);
        cycle_result["unknown"] = json!(log.unknown);
        cycle_result["refused"] = json!(log.failed);
        cycle_result["refusals"] = super::stats::errors_json(&log.failures);
        cycle_result["submissions_checked"] = json!(found.submits_checked);
        cycle_result["notes_checked"] = json!(found.notes_checked);
        cycle_result["lost"] = json!(cycle_lost);
        cycle_result["lost_writes"] = json!([found.lost_submits, found.lost_notes].concat());
        cycle_result["unverifiable"] = json!(found.unverifiable);
        cycle_result["unknown_submissions_landed"] = json!(found.pending_landed);
        cycle_result["unknown_submissions_not_landed"] = json!(found.pending_created_now);
        cycle_result["unacknowledged_notes_present"] = json!(found.unacked_notes_present);
        cycle_result["unacknowledged_notes_present_by_answer"] =
            super::stats::errors_json(&found.unacked_present_by_answer);
        cycle_result["refused_notes_present"] = json!(found.refused_notes_present);
        cycles.push(cycle_result);
    }

    let log_tail = server.log_text();
    let stopped = server.stop().await;
    let final_verify = backing.verify().await?;
    if !final_verify.ok {
        all_ok = false;
        eprintln!("{}", final_verify.output);
    }
    let panics = log_tail.lines().filter(|l| l.contains("panicked")).count();
    let pass = all_ok && lost == 0 && unverifiable == 0;
    println!(
        "  total: {} cycles, {acked} acknowledged, {lost} lost, {unknown} unknown, {failed} refused; final {}; \
         stopped cleanly: {stopped}; {:.1} s",
        args.cycles,
        verification_line(&final_verify),
        started.elapsed().as_secs_f64()
    );
    println!("drill {}", if pass { "PASS" } else { "FAIL" });
    let result = json!({
        "command": "drill",
        "seed": seed,
        "cycles": args.cycles,
        "writers": args.writers,
        "acked_range": [args.min_acked, args.max_acked],
        "environment": common.environment(&spec),
        "pass": pass,
        "acked": acked,
        "lost": lost,
        "unknown": unknown,
        "refused": failed,
        "unverifiable": unverifiable,
        "final_verify": final_verify.json(),
        "stopped_cleanly": stopped,
        "panics_in_last_log": panics,
        "seconds": started.elapsed().as_secs_f64(),
        "per_cycle": cycles,
    });
    common.write(&result)?;
    backing.finish(common.keep).await?;
    Ok(pass)
}
