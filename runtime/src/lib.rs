//! Running Sigap inside a service: what the pure engine (`sigap-core`)
//! leaves to its host.
//!
//! - [`files`]: a workflow folder loaded in one call ([`files::load_folder`]),
//!   each workflow with the calendar and holiday files it names, every
//!   problem reported at once;
//! - [`Runtime`]: the deadline scanner (around
//!   [`sigap_core::service::Service::scan_deadlines`]) and the outbox
//!   dispatcher, delivering through a [`Delivery`] the host provides (e-mail,
//!   webhooks, its own queue), with graceful shutdown.
//!
//! The reference server (`sigap serve`) runs on this crate; so can any
//! service that embeds a workflow (see `examples/embed`). This crate owns
//! tokio and the wall clock ([`system_clock`]); `sigap-core` reads neither.

pub mod files;
mod runtime;

pub use self::runtime::{Clock, Delivery, Observer, Running, Runtime, system_clock};
