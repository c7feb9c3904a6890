//! Sigap's core: declarative workflow definitions, the business calendar and
//! SLA clock, the case engine, its tamper-evident history and the storage seam.
//!
//! This crate does no I/O: time comes in as a value, files come in as text.

pub mod calendar;
pub mod date;
pub mod diag;
pub mod duration;
pub mod toml_doc;

pub use diag::{Diagnostic, Diagnostics, KeyPath};
pub use duration::{WorkDuration, WorkUnit};
