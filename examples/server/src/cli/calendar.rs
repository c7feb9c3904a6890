//! `sigap due` and `sigap between`: check a calendar before going live.

use std::path::Path;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use sigap_core::WorkDuration;

use super::emit;
use super::files::load_calendar;

fn instant(flag: &str, text: &str) -> anyhow::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim()).map(|t| t.with_timezone(&Utc)).map_err(|e| {
        anyhow::anyhow!("{flag} `{text}` is not an RFC 3339 instant ({e}); write e.g. 2026-08-14T14:40:00+07:00")
    })
}

/// Prints the due instant of `duration` from `start`, in the calendar's zone, on the first line.
pub(crate) fn due(calendar: &Path, start: &str, duration: &str) -> anyhow::Result<ExitCode> {
    let start = instant("--start", start)?;
    let duration: WorkDuration = duration
        .parse()
        .map_err(|e: sigap_core::duration::DurationError| anyhow::anyhow!("--duration: {} ({})", e.message, e.help))?;
    let calendar = load_calendar(calendar).map_err(anyhow::Error::msg)?;
    let due = calendar.add(start, duration).map_err(|e| anyhow::anyhow!("{e}"))?;
    emit(&format!("{}\n", sigap_core::text::rfc3339(due, calendar.time_zone())))?;
    Ok(ExitCode::SUCCESS)
}

/// Prints the working minutes in `[from, to)` (negative when `to` is earlier).
pub(crate) fn between(calendar: &Path, from: &str, to: &str) -> anyhow::Result<ExitCode> {
    let from = instant("--from", from)?;
    let to = instant("--to", to)?;
    let calendar = load_calendar(calendar).map_err(anyhow::Error::msg)?;
    emit(&format!("{}\n", calendar.working_minutes_between(from, to)))?;
    Ok(ExitCode::SUCCESS)
}
