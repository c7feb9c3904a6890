//! Reads over indexes: lists, deadlines, paging through case ids.

use std::collections::{BTreeSet, HashSet};
use std::ops::Bound;

use chrono::{DateTime, Utc};
use sigap_core::engine::{CaseId, Status};
use sigap_core::storage::{CaseQuery, CaseSummary, StorageError};

use crate::append::{status_byte, tag};
use crate::error;
use crate::keys::{INSTANT_LEN, Key, Reader};
use crate::merge::{Merge, Stream, prefix_stream};
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

/// The index ranges that hold every case a query can match: the most
/// selective filter given, one range per wanted value.
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

/// Case summaries matching a query, newest first.
pub(crate) fn list(inner: &Inner, query: &CaseQuery) -> Result<Vec<CaseSummary>, StorageError> {
    let _view = inner.read_lock();
    let limit = query.effective_limit();
    // Every range sorts by (submitted at, case), descending: merged, they still do.
    let streams: Vec<Stream<'_, String>> = plan(query)
        .into_iter()
        .map(|prefix| {
            prefix_stream(&inner.trees.index, "index", &prefix, |key, value| record::decode_str("index", key, value))
        })
        .collect();
    let mut seen = HashSet::new();
    let mut skipped = 0;
    let mut found = Vec::new();
    for id in Merge::new(streams) {
        let id = id?;
        if !seen.insert(id.clone()) {
            continue;
        }
        let summary = summary(inner, &query.organisation, &id)?;
        if !query.matches(&summary) {
            continue;
        }
        if skipped < query.offset {
            skipped += 1;
            continue;
        }
        found.push(summary);
        if found.len() == limit {
            break;
        }
    }
    Ok(found)
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
