//! The same work on the reference store and on sled gives the same
//! answers: thousands of list queries (every filter combination, with
//! paging and ties in submission time), deadline scans, id paging and an
//! outbox session.

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use sigap_core::definition::Outcome;
use sigap_core::engine::ClockState;
use sigap_core::engine::TrackingCode;
use sigap_core::engine::{Command, Principal, Status};
use sigap_core::form::Input;
use sigap_core::service::Service;
use sigap_core::storage::memory::MemoryStore;
use sigap_core::storage::{COUNT_CAP, CaseQuery, ClockFilter, Order, Store};
use sigap_core::testing::{at, fixture_form, fixture_service, fixture_workflow_for, new_case};
use sigap_storage_sled::SledStore;

fn perform(action: &str, inputs: &[(&str, &str)]) -> Command {
    Command::Perform {
        action: action.to_owned(),
        inputs: inputs.iter().map(|(k, v)| ((*k).to_owned(), Input::Text((*v).to_owned()))).collect(),
        form: None,
    }
}

/// Cases in two organisations in every state, some submitted at the same instant.
async fn populate(store: Arc<dyn Store>) -> Service {
    let service = fixture_service(store).await;
    service.install(fixture_workflow_for("org-lain")).await.unwrap();
    for n in 1..=16u64 {
        let org = if n <= 12 { "org-uji" } else { "org-lain" };
        let when = at("2026-12-01 09:00") + TimeDelta::minutes((n % 5) as i64);
        let outcome =
            service.submit(org, "uji", new_case(n), fixture_form(&format!("Pemohon {n}")), None, when).await.unwrap();
        let id = outcome.case_id().clone();
        let later = when + TimeDelta::minutes(7);
        let (who, command) = match n % 6 {
            0 => continue,
            1 => (Principal::staff("rina", &["petugas"]), Command::Claim),
            2 => (Principal::staff("rina", &["petugas"]), perform("teruskan", &[])),
            3 => (Principal::staff("rina", &["petugas"]), perform("minta", &[("kekurangan", "Surat tugas")])),
            4 => (Principal::staff("rina", &["petugas"]), perform("tolak", &[("alasan", "Di luar ruang lingkup")])),
            _ => (Principal::staff("budi", &["petugas"]), Command::Claim),
        };
        service.execute(org, &id, &who, &command, None, None, later).await.unwrap();
    }
    service
}

fn queries() -> Vec<CaseQuery> {
    let strings = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let mut all = Vec::new();
    for organisation in ["org-uji", "org-lain", "org-kosong"] {
        for workflow in [None, Some("uji"), Some("lain")] {
            for stages in
                [vec![], strings(&["periksa"]), strings(&["periksa", "jawab"]), strings(&["tunggu", "ditolak", "x"])]
            {
                for roles in [vec![], strings(&["petugas"]), strings(&["kepala", "pemohon"])] {
                    for assignee in [None, Some("rina"), Some("budi")] {
                        for statuses in [vec![], vec![Status::Open], vec![Status::Waiting, Status::Closed]] {
                            for (limit, offset) in [(0, 0), (2, 1), (3, 5), (100, 0)] {
                                all.push(CaseQuery {
                                    organisation: organisation.to_owned(),
                                    workflow: workflow.map(str::to_owned),
                                    stages: stages.clone(),
                                    roles: roles.clone(),
                                    assignee: assignee.map(str::to_owned),
                                    statuses: statuses.clone(),
                                    limit,
                                    offset,
                                    ..CaseQuery::default()
                                });
                            }
                        }
                    }
                }
            }
        }
    }
    all
}

/// The search filters of the case list, each with the others, in every order.
fn searches(codes: &[TrackingCode], at_risk: DateTime<Utc>) -> Vec<CaseQuery> {
    use ClockState::{AtRisk, Breached as Late, OnTrack};
    let mut all = Vec::new();
    let instants = [at("2026-12-01 09:30"), at_risk, at("2026-12-04 14:00"), at("2027-02-01 08:00")];
    let clocks = [vec![], vec![Late], vec![AtRisk], vec![OnTrack], vec![Late, AtRisk], vec![OnTrack, Late]];
    let dates = [
        (None, None),
        (Some(at("2026-12-01 09:02")), None),
        (None, Some(at("2026-12-01 09:03"))),
        (Some(at("2026-12-01 09:01")), Some(at("2026-12-01 09:04"))),
    ];
    let mut codes: Vec<Option<TrackingCode>> = codes.iter().take(3).cloned().map(Some).collect();
    codes.push(None);
    let mut n = 0usize;
    for organisation in ["org-uji", "org-lain"] {
        for order in [Order::NewestFirst, Order::OldestFirst, Order::DueFirst] {
            for (c, states) in clocks.iter().enumerate() {
                for outcomes in [vec![], vec![Outcome::Rejected], vec![Outcome::Answered, Outcome::Withdrawn]] {
                    for unassigned in [false, true] {
                        for (submitted_from, submitted_before) in dates {
                            for code in &codes {
                                for (limit, offset) in [(0, 0), (2, 1)] {
                                    n += 1;
                                    let at = instants[(n + c) % instants.len()];
                                    all.push(CaseQuery {
                                        organisation: organisation.to_owned(),
                                        stages: if n.is_multiple_of(7) { vec!["periksa".to_owned()] } else { vec![] },
                                        outcomes: outcomes.clone(),
                                        unassigned,
                                        submitted_from,
                                        submitted_before,
                                        tracking_code: code.clone(),
                                        clock: (!states.is_empty()).then(|| ClockFilter { states: states.clone(), at }),
                                        order,
                                        limit,
                                        offset,
                                        ..CaseQuery::default()
                                    });
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sled_answers_as_the_reference_store_does() {
    let dir = tempfile::tempdir().unwrap();
    let memory: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let sled: Arc<dyn Store> = Arc::new(SledStore::open(dir.path()).unwrap());
    populate(memory.clone()).await;
    populate(sled.clone()).await;

    let mut nonempty = 0;
    for query in queries() {
        let expected = memory.list(&query).await.unwrap();
        nonempty += usize::from(!expected.is_empty());
        assert_eq!(sled.list(&query).await.unwrap(), expected, "{query:?}");
    }
    assert!(nonempty > 100, "the queries find something");

    let everything = CaseQuery { organisation: "org-uji".to_owned(), ..CaseQuery::default() };
    let listed = memory.list(&everything).await.unwrap();
    let codes: Vec<TrackingCode> = listed.iter().map(|s| s.tracking_code.clone()).collect();
    // An instant some clock is at risk at: halfway from its warning to its due instant.
    let at_risk = listed.iter().find_map(|s| Some(s.warn? + (s.due? - s.warn?) / 2)).expect("a clock with a warning");
    let mut found = std::collections::BTreeMap::<String, usize>::new();
    for query in searches(&codes, at_risk) {
        let expected = memory.list(&query).await.unwrap();
        if !expected.is_empty() {
            *found.entry(format!("{:?}/{:?}", query.order, query.clock.as_ref().map(|c| &c.states))).or_default() += 1;
        }
        assert_eq!(sled.list(&query).await.unwrap(), expected, "{query:?}");
        let count = memory.count(&query).await.unwrap();
        assert_eq!(sled.count(&query).await.unwrap(), count, "count {query:?}");
        let all = memory.list(&CaseQuery { limit: COUNT_CAP, offset: 0, ..query.clone() }).await.unwrap();
        assert_eq!(count, all.len(), "count {query:?}");
    }
    // Every order with every clock filter finds something somewhere.
    assert_eq!(found.len(), 3 * 6, "{found:?}");

    let instants: Vec<DateTime<Utc>> = ["2026-12-01 08:00", "2026-12-01 09:25", "2026-12-01 09:40"]
        .iter()
        .map(|t| at(t))
        .chain([at("2026-12-02 12:00"), at("2027-06-01 00:00")])
        .collect();
    for before in &instants {
        for limit in [0, 1, 3, 100] {
            assert_eq!(
                sled.due(*before, limit).await.unwrap(),
                memory.due(*before, limit).await.unwrap(),
                "due({before}, {limit})"
            );
        }
    }

    let every = memory.case_ids(None, 1000).await.unwrap();
    assert_eq!(sled.case_ids(None, 1000).await.unwrap(), every);
    for (org, id) in &every {
        for limit in [0, 1, 4] {
            assert_eq!(
                sled.case_ids(Some((org, id)), limit).await.unwrap(),
                memory.case_ids(Some((org, id)), limit).await.unwrap()
            );
        }
    }

    // An outbox session: claims by two workers, expiry, completion and retries.
    let now = at("2026-12-01 10:00");
    let mut steps = 0;
    for round in 0..4i64 {
        let t = now + TimeDelta::minutes(round * 3);
        for (worker, limit) in [("w1", 3), ("w2", 5), ("w1", 100)] {
            let until = t + TimeDelta::minutes(2);
            let expected = memory.claim_outbox(worker, t, until, limit).await.unwrap();
            let got = sled.claim_outbox(worker, t, until, limit).await.unwrap();
            assert_eq!(got, expected, "round {round}, {worker}");
            for (i, item) in expected.iter().enumerate() {
                steps += 1;
                let (m, s) = if i % 3 == 0 {
                    (memory.complete_outbox(&item.id, worker).await, sled.complete_outbox(&item.id, worker).await)
                } else if i % 3 == 1 {
                    let retry = t + TimeDelta::minutes(4);
                    (
                        memory.retry_outbox(&item.id, worker, retry, "smtp").await,
                        sled.retry_outbox(&item.id, worker, retry, "smtp").await,
                    )
                } else {
                    // Left leased: it expires and is taken over in a later round.
                    continue;
                };
                assert_eq!(s.map_err(|e| e.kind()), m.map_err(|e| e.kind()));
            }
            let wrong = expected.first().map(|i| i.id.clone()).unwrap_or_default();
            assert_eq!(
                sled.complete_outbox(&wrong, "nobody").await.map_err(|e| e.kind()),
                memory.complete_outbox(&wrong, "nobody").await.map_err(|e| e.kind()),
            );
        }
    }
    assert!(steps > 10, "the outbox session did something");
}
