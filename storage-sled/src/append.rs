//! The one transaction that writes a case.
//!
//! Everything is encoded before the transaction; inside it (under the
//! store's write lock and sled's transaction lock) only the version check,
//! the idempotency and tracking-code checks, and the inserts and removals
//! run. A failed check aborts the transaction: nothing is written.

use std::collections::BTreeSet;

use sigap_core::engine::Status;
use sigap_core::storage::memory::check_append;
use sigap_core::storage::{Append, CaseSummary, OutboxItem, StorageError};
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionalTree};

use crate::error;
use crate::keys::Key;
use crate::outbox::{self, OutboxRecord};
use crate::record::{self, FORMAT};
use crate::store::{Committed, Inner};

/// Tags of the `index` tree, after the organisation.
pub(crate) mod tag {
    /// Every case, newest first.
    pub(crate) const ALL: u8 = b'a';
    /// By workflow, newest first.
    pub(crate) const WORKFLOW: u8 = b'w';
    /// By current stage, newest first.
    pub(crate) const STAGE: u8 = b's';
    /// By the current stage's role, newest first.
    pub(crate) const ROLE: u8 = b'r';
    /// By assignee, newest first.
    pub(crate) const ASSIGNEE: u8 = b'p';
    /// By status, newest first.
    pub(crate) const STATUS: u8 = b't';
    /// Open cases by next deadline, earliest first.
    pub(crate) const DUE: u8 = b'd';
    /// Outbox items by availability, earliest first.
    pub(crate) const QUEUE: u8 = b'q';
    /// Cases not closed by their stage clock's due instant, earliest
    /// first, then newest first (index generation 2).
    pub(crate) const CLOCK_DUE: u8 = b'u';
    /// Cases not closed by their stage clock's at-risk instant, earliest
    /// first; the due instant follows, so a scan tells at risk from late
    /// without reading summaries (index generation 2).
    pub(crate) const CLOCK_WARN: u8 = b'k';
}

/// A status's byte in index keys.
pub(crate) fn status_byte(status: Status) -> u8 {
    match status {
        Status::Open => b'o',
        Status::Waiting => b'w',
        Status::Closed => b'c',
    }
}

/// The `index` keys a summary has (each maps to the case id).
pub(crate) fn index_keys(s: &CaseSummary) -> BTreeSet<Vec<u8>> {
    let newest_first = Key::new().instant_desc(s.submitted_at).str_desc(s.case.as_str()).into_bytes();
    let org = || Key::org(&s.organisation);
    let mut keys = BTreeSet::from([
        org().tag(tag::ALL).raw(&newest_first).into_bytes(),
        org().tag(tag::WORKFLOW).str(&s.workflow).raw(&newest_first).into_bytes(),
        org().tag(tag::STAGE).str(&s.stage).raw(&newest_first).into_bytes(),
        org().tag(tag::STATUS).tag(status_byte(s.status)).raw(&newest_first).into_bytes(),
    ]);
    if let Some(role) = &s.role {
        keys.insert(org().tag(tag::ROLE).str(role).raw(&newest_first).into_bytes());
    }
    if let Some(assignee) = &s.assignee {
        keys.insert(org().tag(tag::ASSIGNEE).str(assignee).raw(&newest_first).into_bytes());
    }
    if let (Some(deadline), false) = (s.next_deadline, s.status == Status::Closed) {
        keys.insert(org().tag(tag::DUE).instant(deadline).str(s.case.as_str()).into_bytes());
    }
    if s.status != Status::Closed {
        if let Some(due) = s.due {
            keys.insert(org().tag(tag::CLOCK_DUE).instant(due).raw(&newest_first).into_bytes());
        }
        if let (Some(warn), Some(due)) = (s.warn, s.due) {
            keys.insert(org().tag(tag::CLOCK_WARN).instant(warn).instant(due).raw(&newest_first).into_bytes());
        }
    }
    keys
}

/// An append, encoded.
struct Encoded {
    case_key: Vec<u8>,
    case: Vec<u8>,
    summary: Vec<u8>,
    index_value: Vec<u8>,
    new_index: BTreeSet<Vec<u8>>,
    events: Vec<(Vec<u8>, Vec<u8>)>,
    outbox: Vec<(OutboxItem, Vec<u8>)>,
    idempotency: Option<(Vec<u8>, Vec<u8>)>,
    tracking: (Vec<u8>, Vec<u8>),
    org_key: Vec<u8>,
}

fn encode(append: &Append) -> Result<Encoded, StorageError> {
    let org = &append.organisation;
    let case_key = Key::org(org).str(append.case.as_str()).into_bytes();
    let events = append
        .events
        .iter()
        .map(|e| {
            let key = Key::org(org).str(append.case.as_str()).u64(e.seq);
            Ok((key.into_bytes(), record::encode(e)?))
        })
        .collect::<Result<_, StorageError>>()?;
    let outbox = append
        .outbox
        .iter()
        .map(|item| {
            let stored = OutboxRecord { item: item.clone(), lease: None };
            Ok((item.clone(), record::encode(&stored)?))
        })
        .collect::<Result<_, StorageError>>()?;
    let idempotency = append
        .idempotency
        .as_ref()
        .map(|r| {
            let key = Key::org(org).str(&r.key).into_bytes();
            Ok::<_, StorageError>((key, record::encode(r)?))
        })
        .transpose()?;
    let tracking =
        (Key::new().str(append.state.tracking_code.as_str()).into_bytes(), record::encode(&(org, &append.case))?);
    Ok(Encoded {
        case: record::encode(&append.state)?,
        summary: record::encode(&append.summary)?,
        index_value: record::encode_bytes(append.case.as_str().as_bytes()),
        new_index: index_keys(&append.summary),
        case_key,
        events,
        outbox,
        idempotency,
        tracking,
        org_key: Key::org(org).into_bytes(),
    })
}

type Abort = ConflictableTransactionError<StorageError>;

fn abort(error: StorageError) -> Abort {
    ConflictableTransactionError::Abort(error)
}

fn decoded<T: serde::de::DeserializeOwned>(
    tree: &'static str,
    key: &[u8],
    value: Option<sled::IVec>,
) -> Result<Option<T>, Abort> {
    value.map(|v| record::decode(tree, key, &v)).transpose().map_err(abort)
}

/// Writes an append in one transaction.
pub(crate) fn append(inner: &Inner, append: &Append) -> Result<Committed<()>, StorageError> {
    check_append(append)?;
    let enc = encode(append)?;
    inner.commit(|| transaction(inner, append, &enc))
}

fn transaction(inner: &Inner, append: &Append, enc: &Encoded) -> Result<(), StorageError> {
    let t = &inner.trees;
    let trees =
        (&t.events, &t.cases, &t.summaries, &t.index, &t.tracking, &t.idempotency, &t.outbox, &t.outbox_ids, &t.orgs);
    trees
        .transaction(|(events, cases, summaries, index, tracking, idempotency, outbox, outbox_ids, orgs)| {
            let old: Option<CaseSummary> = decoded("summaries", &enc.case_key, summaries.get(&enc.case_key)?)?;
            if old.is_none() && cases.get(&enc.case_key)?.is_some() {
                return Err(abort(StorageError::corrupt(format!(
                    "case {} of {} has a projection but no summary",
                    append.case, append.organisation
                ))));
            }
            let current = old.as_ref().map_or(0, |s| s.version);
            if current != append.expected_version {
                return Err(abort(StorageError::conflict(format!(
                    "case {} is at version {current}, not {}",
                    append.case, append.expected_version
                ))));
            }
            if let Some((key, value)) = &enc.idempotency {
                if idempotency.get(key)?.is_some() {
                    return Err(abort(StorageError::conflict(format!(
                        "idempotency key {} was used already",
                        append.idempotency.as_ref().map_or("", |r| r.key.as_str())
                    ))));
                }
                idempotency.insert(key.as_slice(), value.as_slice())?;
            }
            if append.expected_version == 0 {
                let (key, value) = &enc.tracking;
                if tracking.get(key)?.is_some() {
                    return Err(abort(StorageError::conflict("tracking code in use")));
                }
                tracking.insert(key.as_slice(), value.as_slice())?;
                orgs.insert(enc.org_key.as_slice(), vec![FORMAT])?;
            }
            for (key, value) in &enc.events {
                events.insert(key.as_slice(), value.as_slice())?;
            }
            cases.insert(enc.case_key.as_slice(), enc.case.as_slice())?;
            summaries.insert(enc.case_key.as_slice(), enc.summary.as_slice())?;
            let old_index = old.as_ref().map(index_keys).unwrap_or_default();
            for key in old_index.difference(&enc.new_index) {
                index.remove(key.as_slice())?;
            }
            for key in enc.new_index.difference(&old_index) {
                index.insert(key.as_slice(), enc.index_value.as_slice())?;
            }
            for (item, value) in &enc.outbox {
                put_outbox(outbox, outbox_ids, index, item, value)?;
                // Claims scan the queues of the organisations listed here.
                orgs.insert(Key::org(&item.organisation).into_bytes(), vec![FORMAT])?;
            }
            Ok(())
        })
        .map_err(|e| error::transaction("appending to a case", e))
}

/// Inserts an outbox item, replacing one with the same id (as the reference store does).
fn put_outbox(
    outbox: &TransactionalTree,
    outbox_ids: &TransactionalTree,
    index: &TransactionalTree,
    item: &OutboxItem,
    value: &[u8],
) -> Result<(), Abort> {
    let id_key = Key::new().str(&item.id).into_bytes();
    if let Some(old_org) = outbox_ids.get(&id_key)? {
        let old_org = record::decode_str("outbox_ids", &id_key, &old_org).map_err(abort)?;
        let old_key = Key::org(&old_org).str(&item.id).into_bytes();
        let old: Option<OutboxRecord> = decoded("outbox", &old_key, outbox.get(&old_key)?)?;
        if let Some(old) = old {
            index.remove(outbox::queue_key(&old.item))?;
        }
        outbox.remove(old_key)?;
    }
    outbox_ids.insert(id_key, record::encode_bytes(item.organisation.as_bytes()))?;
    outbox.insert(Key::org(&item.organisation).str(&item.id).into_bytes(), value)?;
    index.insert(outbox::queue_key(item), record::encode_bytes(item.id.as_bytes()))?;
    Ok(())
}
