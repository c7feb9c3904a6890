//! Reads over indexes: lists, deadlines, paging through case ids.

use std::collections::{BTreeSet, HashSet};
use std::ops::Bound;

use chrono::{DateTime, TimeDelta, Utc};
use sigap_core::engine::ClockState;
use sigap_core::engine::{CaseId, Status};
use sigap_core::storage::{CaseQuery, CaseSummary, Order, StorageError};

use crate::append::{status_byte, tag};
use crate::error;
use crate::keys::{INSTANT_LEN, Key, Reader};
use crate::merge::{Merge, Stream, prefix_stream, range_stream};
use crate::record;
use crate::store::Inner;

/// Every organisation that has a case, in order.
pub(crate) fn organisations(inner: &Inner) -> Result<Vec<String>, StorageError> {
    inner
        .trees
        .orgs
        .iter()
        .keys()
        .map(|key| {
            let key = key.map_err(|e| error::sled("scanning tree `orgs`", &e))?;
            let mut reader = Reader::new("orgs", &key);
            let org = reader.str()?;
            reader.end()?;
            Ok(org)
        })
        .collect()
}

fn case_id(text: String) -> Result<CaseId, StorageError> {
    // Ids are kept as they were given: serde takes any string, as the reference store does.
    serde_json::from_value(serde_json::Value::String(text))
        .map_err(|e| StorageError::corrupt(format!("a stored case id does not read back: {e}")))
}

fn summary(inner: &Inner, org: &str, id: &str) -> Result<CaseSummary, StorageError> {
    let key = Key::org(org).str(id).into_bytes();
    inner
        .get::<CaseSummary>(&inner.trees.summaries, "summaries", &key)?
        .ok_or_else(|| StorageError::corrupt(format!("the index names case {id} of {org}, which has no summary")))
}

/// The index prefixes that hold every case a query can match: the most
/// selective filter given, one prefix per wanted value. Each sorts newest first.
fn plan(query: &CaseQuery) -> BTreeSet<Vec<u8>> {
    let org = || Key::org(&query.organisation);
    let by = |tag: u8, values: &[String]| values.iter().map(|v| org().tag(tag).str(v).into_bytes()).collect();
    if let Some(assignee) = &query.assignee {
        by(tag::ASSIGNEE, std::slice::from_ref(assignee))
    } else if !query.roles.is_empty() {
        by(tag::ROLE, &query.roles)
    } else if !query.stages.is_empty() {
        by(tag::STAGE, &query.stages)
    } else if !query.statuses.is_empty() {
        query.statuses.iter().map(|s| org().tag(tag::STATUS).tag(status_byte(*s)).into_bytes()).collect()
    } else if let Some(workflow) = &query.workflow {
        by(tag::WORKFLOW, std::slice::from_ref(workflow))
    } else {
        BTreeSet::from([org().tag(tag::ALL).into_bytes()])
    }
}

/// The part of a newest-first index holding cases submitted within the
/// query's dates (the query still checks each: these bounds only narrow).
fn submitted_bounds(query: &CaseQuery) -> (Bound<Vec<u8>>, Bound<Vec<u8>>) {
    let nano = TimeDelta::nanoseconds(1);
    let just_before = |at: DateTime<Utc>| at.checked_sub_signed(nano);
    // Newest first: a later instant is a smaller key.
    let from = match query.submitted_before.and_then(just_before) {
        Some(last) => Bound::Included(Key::new().instant_desc(last).into_bytes()),
        None => Bound::Unbounded,
    };
    let to = match query.submitted_from.and_then(just_before) {
        Some(first) => Bound::Excluded(Key::new().instant_desc(first).into_bytes()),
        None => Bound::Unbounded,
    };
    (from, to)
}

/// A page being filled: matches past the offset, up to the limit.
struct Page<'q> {
    query: &'q CaseQuery,
    skipped: usize,
    found: Vec<CaseSummary>,
    limit: usize,
}

impl<'q> Page<'q> {
    fn new(query: &'q CaseQuery) -> Self {
        Self { query, skipped: 0, found: Vec::new(), limit: query.effective_limit() }
    }

    /// Takes a summary met in the query's order; `true` once full.
    fn offer(&mut self, summary: CaseSummary) -> bool {
        if self.query.matches(&summary) {
            if self.skipped < self.query.offset {
                self.skipped += 1;
            } else {
                self.found.push(summary);
            }
        }
        self.found.len() >= self.limit
    }
}

/// Case summaries matching a query, in its order.
pub(crate) fn list(inner: &Inner, query: &CaseQuery) -> Result<Vec<CaseSummary>, StorageError> {
    let _view = inner.read_lock();
    let org = &query.organisation;
    let index = |prefix: &[u8], bounds, descending| {
        range_stream(&inner.trees.index, "index", prefix, bounds, descending, |key, value| {
            record::decode_str("index", key, value)
        })
    };
    let mut page = Page::new(query);
    if let Some(code) = &query.tracking_code {
        // One case at most: the tracking tree says which.
        let key = Key::new().str(code.as_str()).into_bytes();
        let found = inner.get::<(String, CaseId)>(&inner.trees.tracking, "tracking", &key)?;
        if let Some((_, id)) = found.filter(|(owner, _)| owner == org) {
            page.offer(summary(inner, org, id.as_str())?);
        }
        return Ok(page.found);
    }
    if let Some(clock) = query.clock.as_ref().filter(|c| !c.states.contains(&ClockState::OnTrack)) {
        // Late or at risk: few, whatever the store holds. The clock index
        // keys up to the instant say which cases (and their due and
        // submission instants), so they are put in the list's order from
        // the keys alone; summaries are read only to fill the page.
        let through = match clock.at.checked_add_signed(TimeDelta::nanoseconds(1)) {
            Some(after) => (Bound::Unbounded, Bound::Excluded(Key::new().instant(after).into_bytes())),
            None => (Bound::Unbounded, Bound::Unbounded),
        };
        let at = Key::new().instant(clock.at).into_bytes();
        // (due instant + newest-first suffix, case id)
        let mut candidates: Vec<(Vec<u8>, String)> = Vec::new();
        if clock.states.contains(&ClockState::Breached) {
            // rest: due, then newest first; due <= at by the range.
            for entry in index(&Key::org(org).tag(tag::CLOCK_DUE).into_bytes(), through.clone(), false) {
                candidates.push(entry?);
            }
        }
        if clock.states.contains(&ClockState::AtRisk) {
            // rest: warn, due, newest first; at risk when due > at.
            for entry in index(&Key::org(org).tag(tag::CLOCK_WARN).into_bytes(), through, false) {
                let (rest, id) = entry?;
                let Some(due_and_after) = rest.get(INSTANT_LEN..) else { continue };
                if due_and_after.get(..INSTANT_LEN).is_some_and(|due| due > &at[..]) {
                    candidates.push((due_and_after.to_vec(), id));
                }
            }
        }
        let mut seen = HashSet::new();
        candidates.retain(|(_, id)| seen.insert(id.clone()));
        let newest_first = |rest: &Vec<u8>| rest.get(INSTANT_LEN..).map(<[u8]>::to_vec).unwrap_or_default();
        match query.order {
            Order::NewestFirst => candidates.sort_by_key(|(rest, _)| newest_first(rest)),
            Order::OldestFirst => candidates.sort_by_key(|(rest, _)| std::cmp::Reverse(newest_first(rest))),
            Order::DueFirst => candidates.sort(),
        }
        for (_, id) in candidates {
            if page.offer(summary(inner, org, &id)?) {
                break;
            }
        }
        return Ok(page.found);
    }
    match query.order {
        Order::DueFirst => {
            // Cases with a stage due instant, earliest first (ties newest
            // first, as the key says), then the rest newest first.
            let due =
                index(&Key::org(org).tag(tag::CLOCK_DUE).into_bytes(), (Bound::Unbounded, Bound::Unbounded), false);
            for entry in due {
                if page.offer(summary(inner, org, &entry?.1)?) {
                    return Ok(page.found);
                }
            }
            let rest = index(&Key::org(org).tag(tag::ALL).into_bytes(), submitted_bounds(query), false);
            for entry in rest {
                let summary = summary(inner, org, &entry?.1)?;
                let in_due_index = summary.status != Status::Closed && summary.due.is_some();
                if !in_due_index && page.offer(summary) {
                    break;
                }
            }
        }
        Order::NewestFirst | Order::OldestFirst => {
            let descending = query.order == Order::OldestFirst;
            let streams: Vec<Stream<'_, String>> =
                plan(query).into_iter().map(|prefix| index(&prefix, submitted_bounds(query), descending)).collect();
            let mut seen = HashSet::new();
            for id in Merge::directed(streams, descending) {
                let id = id?;
                if seen.insert(id.clone()) && page.offer(summary(inner, org, &id)?) {
                    break;
                }
            }
        }
    }
    Ok(page.found)
}

/// Open cases with a deadline at or before `before`, earliest first, across organisations.
pub(crate) fn due(inner: &Inner, before: DateTime<Utc>, limit: usize) -> Result<Vec<CaseSummary>, StorageError> {
    let _view = inner.read_lock();
    if limit == 0 {
        return Ok(Vec::new());
    }
    let before_key = Key::new().instant(before).into_bytes();
    let streams: Vec<Stream<'_, (String, String)>> = organisations(inner)?
        .into_iter()
        .map(|org| {
            let prefix = Key::org(&org).tag(tag::DUE).into_bytes();
            let tie = Key::new().str(&org).into_bytes();
            let stream = prefix_stream(&inner.trees.index, "index", &prefix, move |key, value| {
                Ok((org.clone(), record::decode_str("index", key, value)?))
            });
            let before_key = before_key.clone();
            // (deadline, case, organisation): the reference store's order.
            let ordered = stream
                .take_while(move |entry| {
                    entry.as_ref().map_or(true, |(key, _)| key.get(..INSTANT_LEN) <= Some(&before_key[..]))
                })
                .map(move |entry| {
                    entry.map(|(mut key, value)| {
                        key.extend_from_slice(&tie);
                        (key, value)
                    })
                });
            Box::new(ordered) as Stream<'_, _>
        })
        .collect();
    let mut found = Vec::new();
    for entry in Merge::new(streams) {
        let (org, id) = entry?;
        let summary = summary(inner, &org, &id)?;
        if summary.status != Status::Closed && summary.next_deadline.is_some_and(|d| d <= before) {
            found.push(summary);
            if found.len() == limit {
                break;
            }
        }
    }
    Ok(found)
}

/// Case ids in (organisation, id) order after `after`.
pub(crate) fn case_ids(
    inner: &Inner,
    after: Option<&(String, CaseId)>,
    limit: usize,
) -> Result<Vec<(String, CaseId)>, StorageError> {
    let _view = inner.read_lock();
    let start = match after {
        Some((org, id)) => Bound::Excluded(Key::org(org).str(id.as_str()).into_bytes()),
        None => Bound::Unbounded,
    };
    inner
        .trees
        .cases
        .range::<Vec<u8>, _>((start, Bound::Unbounded))
        .keys()
        .take(limit)
        .map(|key| {
            let key = key.map_err(|e| error::sled("scanning tree `cases`", &e))?;
            let mut reader = Reader::new("cases", &key);
            let org = reader.str()?;
            let id = reader.str()?;
            reader.end()?;
            Ok((org, case_id(id)?))
        })
        .collect()
}
