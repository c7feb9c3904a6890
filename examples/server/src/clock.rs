//! The server's one clock. Nothing else in the server reads the wall clock
//! (clippy's `disallowed-methods` in `examples/server/clippy.toml`): the
//! engine, the stores and every handler are handed instants from here.
//! Monotonic `Instant`s, used only to measure intervals (rate-limit windows,
//! latencies, shutdown bounds), are not dates and are allowed.

use chrono::{DateTime, TimeDelta, Utc};

/// Now, shifted by a fixed offset (`clock_offset_seconds`; drills and tests
/// move the service's time with it, production leaves it at zero).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Clock {
    offset: TimeDelta,
}

impl Clock {
    /// The system clock shifted by `seconds`.
    pub(crate) fn shifted(seconds: i64) -> Self {
        Self { offset: TimeDelta::seconds(seconds) }
    }

    /// The clock of a command without a configuration file: shifted by
    /// `SIGAP_CLOCK_OFFSET_SECONDS` when it is set (drills and tests).
    pub(crate) fn from_env() -> anyhow::Result<Self> {
        match std::env::var("SIGAP_CLOCK_OFFSET_SECONDS").ok().filter(|v| !v.trim().is_empty()) {
            None => Ok(Self::default()),
            Some(v) => v
                .trim()
                .parse()
                .map(Self::shifted)
                .map_err(|e| anyhow::anyhow!("SIGAP_CLOCK_OFFSET_SECONDS `{v}`: {e}")),
        }
    }

    /// The current instant.
    #[allow(clippy::disallowed_methods, reason = "the one wall-clock read of the server")]
    pub(crate) fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }
}
