//! Why a computation has no answer.

use chrono::{DateTime, Utc};

use crate::duration::WorkDuration;

/// Why [`BusinessCalendar::add`](super::BusinessCalendar::add) has no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The start lies outside the years the calendar covers.
    #[error("{instant} is outside the years a calendar covers (1900–2199)")]
    OutOfRange {
        /// The start.
        instant: DateTime<Utc>,
    },
    /// The calendar has not enough open time after the start, up to the end
    /// of the years it covers (its horizon), to count the duration.
    #[error("the calendar has not enough open time after {start} to count {duration} before the end of 2199")]
    NoOpenTime {
        /// The start.
        start: DateTime<Utc>,
        /// The duration that could not be counted.
        duration: WorkDuration,
    },
}
