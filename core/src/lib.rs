//! Sigap's core: declarative workflow definitions, the business calendar and
//! SLA clock, the case engine, its tamper-evident history and the storage seam.
//!
//! This crate does no I/O: time comes in as a value, files come in as text,
//! randomness comes in from the caller. See `ARCHITECTURE.md` for the map.

pub mod access;
mod act;
pub mod calendar;
pub mod canonical;
pub mod date;
pub mod definition;
pub mod diag;
pub mod duration;
pub mod effects;
pub mod engine;
pub mod form;
pub mod report;
pub mod service;
pub mod storage;
pub mod text;
pub mod toml_doc;
pub mod workflow;

#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use diag::{Diagnostic, Diagnostics, KeyPath};
pub use duration::{WorkDuration, WorkUnit};
