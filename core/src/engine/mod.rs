//! The case engine: commands in, events out, state as the fold of events.
//!
//! [`decide`] is a pure function of the pinned definition and calendar, the
//! case's current state, a command, the acting principal and the instant.
//! It returns sealed events (hash-chained, see [`history`]) or a
//! [`Rejection`] saying why nothing happened. [`Case::apply`] folds events
//! into state; folding the stored history always reproduces the stored
//! state.

mod clock;
mod command;
mod decide;
mod event;
pub mod history;
mod ids;
mod principal;
mod rejection;
mod state;

pub use command::{Command, NewCase};
pub use decide::{Context, MAX_NOTE_CHARS, attachment_field, decide, requested_fields};
pub use event::{ClockKey, EVENT_FORMAT, Event, EventKind, NoteAudience, TimerEffect};
pub use ids::{CaseId, TrackingCode, generate_secret, hash_secret, secret_matches};
pub use principal::{Actor, Principal};
pub use rejection::Rejection;
pub use state::{
    Answer, ArmedTimer, Attachment, Case, Clock, ClockState, FoldError, Note, PublicMessage, Status, Visit,
};
