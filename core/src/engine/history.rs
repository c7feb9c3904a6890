//! History that proves itself: a SHA-256 hash chain over a case's events.
//!
//! Each event's hash covers its format version, case, sequence number,
//! instant, actor, content and the previous event's hash, in a canonical
//! encoding: the JSON that serde_json writes for [`Hashed`] (fields in
//! declaration order, maps sorted, instants as RFC 3339 with milliseconds).
//! [`verify`] recomputes the chain and names the first event that does not
//! fit: edited, deleted, reordered or inserted events all break it. A
//! deleted *last* event leaves a valid shorter chain; [`verify_against`]
//! also checks the chain's head against the version and hash the case's
//! projection recorded.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::event::{EVENT_FORMAT, Event, EventKind};
use super::ids::CaseId;
use super::principal::Actor;

/// The hash before the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The canonical content an event's hash covers.
#[derive(Serialize)]
pub struct Hashed<'a> {
    format: u16,
    case: &'a CaseId,
    seq: u64,
    at: String,
    actor: &'a Actor,
    kind: &'a EventKind,
    prev: &'a str,
}

fn canonical_at(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The hash of an event's content.
pub fn hash_of(
    format: u16,
    case: &CaseId,
    seq: u64,
    at: &DateTime<Utc>,
    actor: &Actor,
    kind: &EventKind,
    prev: &str,
) -> String {
    let hashed = Hashed { format, case, seq, at: canonical_at(at), actor, kind, prev };
    let bytes = crate::canonical::to_vec(&hashed).expect("events hold no floating-point number");
    crate::definition::hex(&Sha256::digest(&bytes))
}

/// Seals a new event onto a chain whose head is `prev` at version `seq - 1`.
pub fn seal(case: &CaseId, seq: u64, at: DateTime<Utc>, actor: Actor, kind: EventKind, prev: &str) -> Event {
    let hash = hash_of(EVENT_FORMAT, case, seq, &at, &actor, &kind, prev);
    Event { format: EVENT_FORMAT, case: case.clone(), seq, at, actor, kind, prev: prev.to_owned(), hash }
}

/// What is wrong with a chain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainProblem {
    /// The event belongs to another case.
    #[error("it belongs to case {found}")]
    WrongCase {
        /// The case it names.
        found: CaseId,
    },
    /// Sequence numbers are not 1, 2, 3, … (an event was deleted, inserted or moved).
    #[error("its sequence number is {found}, expected {expected}")]
    OutOfSequence {
        /// The number expected at this position.
        expected: u64,
        /// The number found.
        found: u64,
    },
    /// It does not point at the previous event's hash.
    #[error("it does not follow the event before it (its `prev` is not that event's hash)")]
    BrokenLink,
    /// Its content does not match its hash: it was edited.
    #[error("its content does not match its hash (edited after it was written)")]
    Edited,
    /// It was written in a format this build does not know.
    #[error("it is in format {found}, which this build does not read (newest known: {EVENT_FORMAT})")]
    UnknownFormat {
        /// The format.
        found: u16,
    },
    /// The chain ends before the version the case records.
    #[error("the history ends at version {found} but the case records version {expected}")]
    Truncated {
        /// The recorded version.
        expected: u64,
        /// The last version found.
        found: u64,
    },
    /// The chain's head is not the hash the case records.
    #[error("the last event's hash is not the one the case records")]
    HeadMismatch,
}

/// The first bad event of a chain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("event #{position} (seq {seq}) of case {case}: {problem}")]
pub struct ChainError {
    /// The case verified.
    pub case: CaseId,
    /// 1-based position in the list given.
    pub position: usize,
    /// The sequence number the event carries.
    pub seq: u64,
    /// What is wrong.
    pub problem: ChainProblem,
}

/// Verifies a case's events; `Ok` with the head hash, or the first bad event.
pub fn verify(case: &CaseId, events: &[Event]) -> Result<String, ChainError> {
    let mut prev = GENESIS.to_owned();
    for (i, event) in events.iter().enumerate() {
        let fail = |problem| ChainError { case: case.clone(), position: i + 1, seq: event.seq, problem };
        if event.format == 0 || event.format > EVENT_FORMAT {
            return Err(fail(ChainProblem::UnknownFormat { found: event.format }));
        }
        if &event.case != case {
            return Err(fail(ChainProblem::WrongCase { found: event.case.clone() }));
        }
        let expected = i as u64 + 1;
        if event.seq != expected {
            return Err(fail(ChainProblem::OutOfSequence { expected, found: event.seq }));
        }
        if event.prev != prev {
            return Err(fail(ChainProblem::BrokenLink));
        }
        let hash = hash_of(event.format, &event.case, event.seq, &event.at, &event.actor, &event.kind, &event.prev);
        if hash != event.hash {
            return Err(fail(ChainProblem::Edited));
        }
        prev = hash;
    }
    Ok(prev)
}

/// Verifies the events and that they end at the version and hash the case's projection records.
pub fn verify_against(case: &CaseId, events: &[Event], version: u64, head: &str) -> Result<(), ChainError> {
    let found_head = verify(case, events)?;
    let found = events.len() as u64;
    let at_end = |problem| ChainError {
        case: case.clone(),
        position: events.len(),
        seq: events.last().map_or(0, |e| e.seq),
        problem,
    };
    if found != version {
        return Err(at_end(ChainProblem::Truncated { expected: version, found }));
    }
    if found_head != head {
        return Err(at_end(ChainProblem::HeadMismatch));
    }
    Ok(())
}
