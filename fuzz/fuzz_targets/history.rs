//! History verification: `verify` gives the head hash or the first bad
//! event, never a panic, and tampering never goes unnoticed.
//!
//! Two kinds of input:
//!
//! - Any bytes not starting with `0xFF`: read as a JSON list of events (as
//!   storage keeps them) and verified against their own case and another
//!   one. A chain that verifies must end at its last hash, pass
//!   `verify_against` with its own length and head, and still verify after
//!   the JSON round trip storage puts it through. Folding it into a case
//!   (`Case::fold`) must not panic either.
//! - `0xFF` then edit operations, 4 bytes each (kind, position as a
//!   little-endian `u16`, value), applied to the JSON of a valid history the
//!   engine generated for the shipped West Sumatra workflow: overwrite,
//!   insert or delete a byte, or delete, swap or duplicate whole events.
//!   Whatever still reads as events must pass `verify_against` (with the
//!   case's recorded version and head) if and only if it reads as the
//!   original events (instants compared to the millisecond, the precision
//!   the hash covers).
#![no_main]

use std::sync::LazyLock;

use chrono::SubsecRound;
use libfuzzer_sys::fuzz_target;
use sigap_core::engine::history::{self, GENESIS};
use sigap_core::engine::{Case, CaseId, Event};
use sigap_fuzz::{HISTORY, Reader};

/// At most this many edit operations per input.
const MAX_EDITS: usize = 32;

/// The generated history as storage would hold it.
static JSON: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let json = serde_json::to_vec(&HISTORY.events).expect("events serialise");
    let events: Vec<Event> = serde_json::from_slice(&json).expect("events read back");
    assert_eq!(history::verify(&HISTORY.case, &events).as_deref(), Ok(HISTORY.head.as_str()), "the generated history");
    json
});

fuzz_target!(|data: &[u8]| {
    match data.split_first() {
        Some((0xFF, edits)) => tampered(edits),
        _ => arbitrary(data),
    }
});

fn arbitrary(data: &[u8]) {
    let Ok(events) = serde_json::from_slice::<Vec<Event>>(data) else { return };
    let own = events.first().map_or_else(|| HISTORY.case.clone(), |e| e.case.clone());
    check(&own, &events);
    check(&HISTORY.case, &events);
    let _ = Case::fold(&events);
}

fn check(case: &CaseId, events: &[Event]) {
    match history::verify(case, events) {
        Ok(head) => {
            assert_eq!(head, events.last().map_or(GENESIS, |e| e.hash.as_str()));
            assert_eq!(history::verify_against(case, events, events.len() as u64, &head), Ok(()));
            let json = serde_json::to_string(events).expect("events serialise");
            let back: Vec<Event> = serde_json::from_str(&json).expect("serialised events read back");
            assert_eq!(history::verify(case, &back), Ok(head), "a valid chain fails after the JSON round trip");
        }
        Err(error) => {
            assert_eq!(&error.case, case);
            assert!((1..=events.len()).contains(&error.position), "{error}");
            assert_eq!(error.seq, events[error.position - 1].seq);
            let _ = error.to_string();
        }
    }
}

/// An event as far as its hash can tell: instants to the millisecond.
fn hashed_view(event: &Event) -> Event {
    let mut event = event.clone();
    event.at = event.at.trunc_subsecs(3);
    event
}

fn tampered(edits: &[u8]) {
    let mut json = JSON.clone();
    let mut r = Reader::new(edits);
    let mut event_edits = Vec::new();
    for _ in 0..MAX_EDITS {
        if r.remaining() == 0 {
            break;
        }
        let kind = r.u8();
        let position = usize::from(r.u16());
        let value = r.u8();
        let at = position % (json.len() + 1);
        match kind % 6 {
            0 if at < json.len() => json[at] = value,
            1 => json.insert(at, value),
            2 if at < json.len() => {
                json.remove(at);
            }
            3..=5 => event_edits.push((kind % 6, position, usize::from(value))),
            _ => {}
        }
    }
    let Ok(mut events) = serde_json::from_slice::<Vec<Event>>(&json) else { return };
    for (kind, i, j) in event_edits {
        if events.is_empty() {
            break;
        }
        let (i, j) = (i % events.len(), j % events.len());
        match kind {
            3 => {
                events.remove(i);
            }
            4 => events.swap(i, j),
            _ => {
                let copy = events[i].clone();
                events.insert(j, copy);
            }
        }
    }
    let case = &HISTORY.case;
    let version = HISTORY.events.len() as u64;
    let result = history::verify_against(case, &events, version, &HISTORY.head);
    let same = events.len() == HISTORY.events.len()
        && events.iter().zip(&HISTORY.events).all(|(a, b)| hashed_view(a) == hashed_view(b));
    if same {
        assert_eq!(result, Ok(()), "an untouched history fails verification");
    } else {
        assert!(result.is_err(), "tampering not detected: {} events verify as the original", events.len());
    }
    check(case, &events);
    let _ = Case::fold(&events);
}
