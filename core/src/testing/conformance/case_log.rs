//! The case log: appends, reads, lists, deadlines, paging.

use std::sync::Arc;

use chrono::TimeDelta;

use super::{officer, perform, state};
use crate::engine::{Case, Command, Principal, Status, history};
use crate::form::Input;
use crate::service::Outcome;
use crate::storage::{Append, CaseQuery, CaseSummary, ErrorKind, Store};
use crate::testing::{Era, new_case, submit};

/// A submitted case reads back: projection, history, summary; the history verifies and folds to the projection.
pub async fn append_and_read_back(store: Arc<dyn Store>, era: Era) {
    let service = era.service(store.clone()).await;
    let id = submit(&service, 1, era.at("2026-12-01 09:00")).await;
    let (case, events) = state(store.as_ref(), &id).await;
    assert_eq!(case.version, events.len() as u64);
    assert_eq!(Case::fold(&events).unwrap(), case);
    history::verify_against(&id, &events, case.version, &case.head).unwrap();
    let listed = store.list(&CaseQuery { organisation: "org-uji".to_owned(), ..CaseQuery::default() }).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].case, id);
    assert_eq!(listed[0].stage, "periksa");
    assert_eq!(listed[0].role.as_deref(), Some("petugas"));
    assert!(listed[0].due.is_some());
    // The list entry is the summary the service wrote, the stages visited included.
    let wf = service.pinned(&case).await.unwrap();
    assert_eq!(listed[0], CaseSummary::of(&case, &wf.definition));
    assert_eq!(listed[0].visited, ["periksa"]);
}

/// An append at a version the case is no longer at is a Conflict and changes nothing.
pub async fn stale_version_conflicts_and_writes_nothing(store: Arc<dyn Store>, era: Era) {
    let service = era.service(store.clone()).await;
    let id = submit(&service, 1, era.at("2026-12-01 09:00")).await;
    let (before, events_before) = state(store.as_ref(), &id).await;
    service.execute("org-uji", &id, &officer(), &Command::Claim, None, None, era.at("2026-12-01 09:05")).await.unwrap();
    // Replay the claim against the old state: decided at version `before.version`, now stale.
    let wf = service.pinned(&before).await.unwrap();
    let context =
        crate::engine::Context { definition: &wf.definition, calendar: &wf.calendar, at: era.at("2026-12-01 09:06") };
    let events =
        crate::engine::decide(&context, Some(&before), &Principal::staff("budi", &["petugas"]), &Command::Claim, None)
            .unwrap();
    let mut after = before.clone();
    for e in &events {
        after.apply(e).unwrap();
    }
    let stale = Append {
        organisation: "org-uji".to_owned(),
        case: id.clone(),
        expected_version: before.version,
        events,
        summary: CaseSummary::of(&after, &wf.definition),
        state: after,
        outbox: Vec::new(),
        idempotency: None,
    };
    let error = store.append(stale).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Conflict);
    let (now, events_now) = state(store.as_ref(), &id).await;
    assert_eq!(now.assignee.as_deref(), Some("rina"));
    assert_eq!(events_now.len(), events_before.len() + 1);
}

/// Creating a case that exists (expected version 0) is a Conflict.
pub async fn creating_an_existing_case_conflicts(store: Arc<dyn Store>, era: Era) {
    let service = era.service(store.clone()).await;
    let id = submit(&service, 1, era.at("2026-12-01 09:00")).await;
    let (case, events) = state(store.as_ref(), &id).await;
    let wf = service.pinned(&case).await.unwrap();
    let again = Append {
        organisation: "org-uji".to_owned(),
        case: id.clone(),
        expected_version: 0,
        events: events.clone(),
        summary: CaseSummary::of(&case, &wf.definition),
        state: case,
        outbox: Vec::new(),
        idempotency: None,
    };
    assert_eq!(store.append(again).await.unwrap_err().kind(), ErrorKind::Conflict);
    assert_eq!(state(store.as_ref(), &id).await.1, events);
}

/// Of many writers racing on one version, exactly one wins; the rest conflict.
pub async fn concurrent_appends_one_wins(store: Arc<dyn Store>, era: Era) {
    let service = Arc::new(era.service(store.clone()).await);
    let id = submit(&service, 1, era.at("2026-12-01 09:00")).await;
    let (case, _) = state(store.as_ref(), &id).await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let service = service.clone();
        let id = id.clone();
        let version = case.version;
        tasks.push(tokio::spawn(async move {
            let note = Command::AddNote { text: format!("catatan {i}"), obstacle: false, audience: None };
            service.execute("org-uji", &id, &officer(), &note, Some(version), None, era.at("2026-12-01 09:10")).await
        }));
    }
    let mut won = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(Outcome::Applied { .. }) => won += 1,
            Err(crate::service::ServiceError::Rejected(crate::engine::Rejection::StaleVersion { .. })) => {}
            other => panic!("unexpected: {other:?}"),
        }
    }
    assert_eq!(won, 1);
    let (now, events) = state(store.as_ref(), &id).await;
    assert_eq!(now.version, case.version + 1);
    assert_eq!(now.notes.len(), 1);
    history::verify_against(&id, &events, now.version, &now.head).unwrap();
}

/// Appends whose events do not continue the case are refused before anything is written.
pub async fn invalid_appends_are_refused(store: Arc<dyn Store>, era: Era) {
    let service = era.service(store.clone()).await;
    let id = submit(&service, 1, era.at("2026-12-01 09:00")).await;
    let (case, events) = state(store.as_ref(), &id).await;
    let wf = service.pinned(&case).await.unwrap();
    let gap = Append {
        organisation: "org-uji".to_owned(),
        case: id.clone(),
        expected_version: case.version + 5,
        events: events[..1].to_vec(),
        summary: CaseSummary::of(&case, &wf.definition),
        state: case.clone(),
        outbox: Vec::new(),
        idempotency: None,
    };
    let error = store.append(gap).await.unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Invalid | ErrorKind::Conflict), "{error}");
    let empty = Append {
        organisation: "org-uji".to_owned(),
        case: id.clone(),
        expected_version: case.version,
        events: Vec::new(),
        summary: CaseSummary::of(&case, &wf.definition),
        state: case.clone(),
        outbox: Vec::new(),
        idempotency: None,
    };
    assert_eq!(store.append(empty).await.unwrap_err().kind(), ErrorKind::Invalid);
    assert_eq!(state(store.as_ref(), &id).await.1, events);
}

/// A tracking code finds its organisation and case; an unknown one finds nothing.
pub async fn tracking_codes_find_their_case(store: Arc<dyn Store>, era: Era) {
    let service = era.service(store.clone()).await;
    let id = submit(&service, 7, era.at("2026-12-01 09:00")).await;
    let code = new_case(7).tracking_code;
    assert_eq!(store.find_tracking_code(&code).await.unwrap(), Some(("org-uji".to_owned(), id)));
    assert_eq!(store.find_tracking_code(&new_case(8).tracking_code).await.unwrap(), None);
}

/// Lists filter by workflow, stage, role, assignee and status, newest first, with paging.
pub async fn lists_filter_and_order(store: Arc<dyn Store>, era: Era) {
    let service = era.service(store.clone()).await;
    let mut ids = Vec::new();
    for n in 1..=4 {
        ids.push(submit(&service, n, era.at("2026-12-01 09:00") + TimeDelta::minutes(n as i64)).await);
    }
    service
        .execute("org-uji", &ids[0], &officer(), &Command::Claim, None, None, era.at("2026-12-01 10:00"))
        .await
        .unwrap();
    service
        .execute("org-uji", &ids[1], &officer(), &perform("teruskan", &[]), None, None, era.at("2026-12-01 10:00"))
        .await
        .unwrap();
    let query = |f: &dyn Fn(&mut CaseQuery)| {
        let mut q = CaseQuery { organisation: "org-uji".to_owned(), ..CaseQuery::default() };
        f(&mut q);
        q
    };
    let all = store.list(&query(&|_| {})).await.unwrap();
    assert_eq!(all.iter().map(|s| s.case.clone()).collect::<Vec<_>>(), ids.iter().rev().cloned().collect::<Vec<_>>());
    let checking = store.list(&query(&|q| q.stages = vec!["periksa".to_owned()])).await.unwrap();
    assert_eq!(checking.len(), 3);
    let heads = store.list(&query(&|q| q.roles = vec!["kepala".to_owned()])).await.unwrap();
    assert_eq!(heads.iter().map(|s| &s.case).collect::<Vec<_>>(), vec![&ids[1]]);
    let mine = store.list(&query(&|q| q.assignee = Some("rina".to_owned()))).await.unwrap();
    assert_eq!(mine.iter().map(|s| &s.case).collect::<Vec<_>>(), vec![&ids[0]]);
    let closed = store.list(&query(&|q| q.statuses = vec![Status::Closed])).await.unwrap();
    assert!(closed.is_empty());
    let other_workflow = store.list(&query(&|q| q.workflow = Some("lain".to_owned()))).await.unwrap();
    assert!(other_workflow.is_empty());
    let page = store
        .list(&query(&|q| {
            q.limit = 2;
            q.offset = 1;
        }))
        .await
        .unwrap();
    assert_eq!(page.iter().map(|s| &s.case).collect::<Vec<_>>(), vec![&ids[2], &ids[1]]);
}

/// The case list's search (outcome, nobody holding it, dates received,
/// tracking code, clock, order, counts) keeps and orders exactly as
/// `CaseQuery::matches` and `CaseQuery::compare` say.
pub async fn lists_search_and_count(store: Arc<dyn Store>, era: Era) {
    use crate::definition::Outcome;
    use crate::engine::ClockState;
    use crate::storage::{ClockFilter, Order};
    let service = era.service(store.clone()).await;
    let mut ids = Vec::new();
    for n in 1..=6 {
        // Two at each instant: ties in submission time.
        ids.push(submit(&service, n, era.at("2026-12-01 09:00") + TimeDelta::minutes((n / 2) as i64)).await);
    }
    let at = era.at("2026-12-01 09:10");
    service.execute("org-uji", &ids[0], &officer(), &Command::Claim, None, None, at).await.unwrap();
    service.execute("org-uji", &ids[1], &officer(), &perform("teruskan", &[]), None, None, at).await.unwrap();
    let reject = perform("tolak", &[("alasan", Input::Text("Di luar ruang lingkup".to_owned()))]);
    service.execute("org-uji", &ids[2], &officer(), &reject, None, None, at).await.unwrap();
    let everything = CaseQuery { organisation: "org-uji".to_owned(), limit: 1000, ..CaseQuery::default() };
    let all = store.list(&everything).await.unwrap();
    assert_eq!(all.len(), 6);
    let clock = |states: Vec<ClockState>, at: &str| Some(ClockFilter { states, at: era.at(at) });
    let code = all[3].tracking_code.clone();
    let mut queries = Vec::new();
    for order in [Order::NewestFirst, Order::OldestFirst, Order::DueFirst] {
        let base = CaseQuery { organisation: "org-uji".to_owned(), order, ..CaseQuery::default() };
        queries.extend([
            base.clone(),
            CaseQuery { outcomes: vec![Outcome::Rejected], ..base.clone() },
            CaseQuery { outcomes: vec![Outcome::Answered], ..base.clone() },
            CaseQuery { unassigned: true, ..base.clone() },
            CaseQuery { submitted_from: Some(era.at("2026-12-01 09:01")), ..base.clone() },
            CaseQuery { submitted_before: Some(era.at("2026-12-01 09:02")), ..base.clone() },
            CaseQuery {
                submitted_from: Some(era.at("2026-12-01 09:01")),
                submitted_before: Some(era.at("2026-12-01 09:03")),
                ..base.clone()
            },
            CaseQuery { tracking_code: Some(code.clone()), ..base.clone() },
            CaseQuery { tracking_code: Some(code.clone()), organisation: "org-lain".to_owned(), ..base.clone() },
            CaseQuery { clock: clock(vec![ClockState::OnTrack], "2026-12-01 09:15"), ..base.clone() },
            CaseQuery { clock: clock(vec![ClockState::AtRisk], "2026-12-01 09:25"), ..base.clone() },
            CaseQuery { clock: clock(vec![ClockState::Breached], "2026-12-01 09:40"), ..base.clone() },
            CaseQuery {
                clock: clock(vec![ClockState::Breached, ClockState::AtRisk], "2026-12-01 09:31"),
                ..base.clone()
            },
            CaseQuery { clock: clock(vec![], "2026-12-01 09:31"), ..base.clone() },
            CaseQuery { limit: 2, offset: 1, ..base.clone() },
            CaseQuery {
                limit: 2,
                offset: 1,
                clock: clock(vec![ClockState::Breached], "2027-01-01 09:00"),
                ..base.clone()
            },
        ]);
    }
    let mut nonempty = 0;
    for query in &queries {
        let mut expected: Vec<CaseSummary> = all.iter().filter(|s| query.matches(s)).cloned().collect();
        expected.sort_by(|a, b| query.compare(a, b));
        let count = expected.len();
        let expected: Vec<CaseSummary> =
            expected.into_iter().skip(query.offset).take(query.effective_limit()).collect();
        nonempty += usize::from(!expected.is_empty());
        assert_eq!(store.list(query).await.unwrap(), expected, "{query:?}");
        assert_eq!(store.count(query).await.unwrap(), count, "count {query:?}");
    }
    assert!(nonempty >= queries.len() / 2, "most queries find something ({nonempty} of {})", queries.len());
    // What each filter means, said once by hand.
    let one = |q: CaseQuery| {
        let store = store.clone();
        async move { store.list(&q).await.unwrap().into_iter().map(|s| s.case).collect::<Vec<_>>() }
    };
    let base = CaseQuery { organisation: "org-uji".to_owned(), ..CaseQuery::default() };
    assert_eq!(one(CaseQuery { outcomes: vec![Outcome::Rejected], ..base.clone() }).await, vec![ids[2].clone()]);
    assert_eq!(one(CaseQuery { tracking_code: Some(code), ..base.clone() }).await, vec![all[3].case.clone()]);
    let late = one(CaseQuery { clock: clock(vec![ClockState::Breached], "2027-01-01 09:00"), ..base.clone() }).await;
    assert!(!late.contains(&ids[2]), "a closed case has no clock");
    assert!(late.contains(&ids[5]));
}

/// Cases with a clock deadline by an instant are found, earliest first, across organisations; closed ones never.
pub async fn deadlines_are_found_in_order(store: Arc<dyn Store>, era: Era) {
    let service = era.service(store.clone()).await;
    let early = submit(&service, 1, era.at("2026-12-01 09:00")).await;
    let late = submit(&service, 2, era.at("2026-12-01 10:00")).await;
    let closed = submit(&service, 3, era.at("2026-12-01 08:30")).await;
    let reject = perform("tolak", &[("alasan", Input::Text("Di luar ruang lingkup".to_owned()))]);
    service.execute("org-uji", &closed, &officer(), &reject, None, None, era.at("2026-12-01 08:40")).await.unwrap();
    // 30 working minutes, at risk after 75 %: 09:22:30 and 10:22:30; due 09:30 and 10:30.
    assert!(store.due(era.at("2026-12-01 09:20"), 10).await.unwrap().is_empty());
    let due = store.due(era.at("2026-12-01 11:00"), 10).await.unwrap();
    assert_eq!(due.iter().map(|s| &s.case).collect::<Vec<_>>(), vec![&early, &late]);
    assert_eq!(store.due(era.at("2026-12-01 11:00"), 1).await.unwrap().len(), 1);
    // Recording the deadlines moves them on: at risk, then breached, then nothing left.
    assert_eq!(service.scan_deadlines(era.at("2026-12-01 11:00"), 10).await.unwrap(), 2);
    assert!(store.due(era.at("2026-12-01 11:00"), 10).await.unwrap().is_empty());
    let (case, _) = state(store.as_ref(), &early).await;
    let clock = case.stage_clock().unwrap();
    assert!(clock.warned && clock.breached);
}

/// Paging through case ids visits every case once, in order.
pub async fn case_ids_page_through_everything(store: Arc<dyn Store>, era: Era) {
    let service = era.service(store.clone()).await;
    let mut expected = Vec::new();
    for n in 1..=5 {
        expected.push(("org-uji".to_owned(), submit(&service, n, era.at("2026-12-01 09:00")).await));
    }
    expected.sort();
    let mut seen = Vec::new();
    let mut after: Option<(String, crate::engine::CaseId)> = None;
    loop {
        let page = store.case_ids(after.as_ref().map(|(o, c)| (o.as_str(), c)), 2).await.unwrap();
        if page.is_empty() {
            break;
        }
        after = page.last().cloned();
        seen.extend(page);
    }
    assert_eq!(seen, expected);
}

/// `CaseQuery::reach` keeps exactly the cases a clause of their workflow keeps.
pub async fn lists_filter_by_reach(store: Arc<dyn Store>, era: Era) {
    use crate::storage::{ReachClause, ReachScope};
    let service = era.service(store.clone()).await;
    let mut ids = Vec::new();
    for n in 1..=3 {
        ids.push(submit(&service, n, era.at("2026-12-01 09:00") + TimeDelta::minutes(n as i64)).await);
    }
    let at = era.at("2026-12-01 10:00");
    service.execute("org-uji", &ids[0], &officer(), &Command::Claim, None, None, at).await.unwrap();
    service.execute("org-uji", &ids[1], &officer(), &perform("teruskan", &[]), None, None, at).await.unwrap();
    let missing = perform("minta", &[("kekurangan", Input::Text("Surat tugas".to_owned()))]);
    service.execute("org-uji", &ids[2], &officer(), &missing, None, None, at).await.unwrap();
    let strings = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<String>>();
    let clause = |scope: ReachScope| ReachClause { workflow: "uji".to_owned(), scope };
    let kept = |clauses: Vec<ReachClause>| {
        let store = store.clone();
        async move {
            let query = CaseQuery { organisation: "org-uji".to_owned(), reach: Some(clauses), ..CaseQuery::default() };
            let mut found: Vec<_> = store.list(&query).await.unwrap().into_iter().map(|s| s.case).collect();
            found.sort();
            found
        }
    };
    let sorted = |mut v: Vec<crate::engine::CaseId>| {
        v.sort();
        v
    };
    assert!(kept(Vec::new()).await.is_empty(), "no clause, no case");
    assert_eq!(kept(vec![clause(ReachScope::All)]).await, sorted(ids.clone()));
    assert!(kept(vec![ReachClause { workflow: "lain".to_owned(), scope: ReachScope::All }]).await.is_empty());
    let now_at = ReachScope::Stages { now: strings(&["jawab"]), visited: Vec::new(), role: None };
    assert_eq!(kept(vec![clause(now_at)]).await, vec![ids[1].clone()]);
    let been_at = ReachScope::Stages { now: strings(&["tunggu"]), visited: strings(&["jawab"]), role: None };
    assert_eq!(kept(vec![clause(been_at)]).await, sorted(vec![ids[1].clone(), ids[2].clone()]));
    let everyone_visited = ReachScope::Stages { now: Vec::new(), visited: strings(&["periksa"]), role: None };
    assert_eq!(kept(vec![clause(everyone_visited)]).await, sorted(ids.clone()));
    let by_role = ReachScope::Stages { now: Vec::new(), visited: Vec::new(), role: Some("kepala".to_owned()) };
    assert_eq!(kept(vec![clause(by_role)]).await, vec![ids[1].clone()]);
    let assigned = |user: &str| ReachScope::Assigned {
        role: "petugas".to_owned(),
        performed: strings(&["periksa"]),
        supervised: Vec::new(),
        user: user.to_owned(),
    };
    assert_eq!(kept(vec![clause(assigned("rina"))]).await, vec![ids[0].clone()]);
    assert!(kept(vec![clause(assigned("budi"))]).await.is_empty(), "held by another");
    let supervising = ReachScope::Assigned {
        role: "petugas".to_owned(),
        performed: Vec::new(),
        supervised: strings(&["tunggu"]),
        user: "budi".to_owned(),
    };
    assert_eq!(kept(vec![clause(supervising)]).await, vec![ids[2].clone()]);
}
