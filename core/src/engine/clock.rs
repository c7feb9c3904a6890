//! The SLA clock: when stage and overall clocks start, pause, resume and
//! stop, and when they are at risk or breached, as events.
//!
//! Modelled on Zendesk's ticket-metric events. A stage's clock starts when a
//! case enters a stage with a time standard; it pauses while the case waits
//! on the applicant and resumes when the case comes back to that stage; it
//! stops when the stage is left otherwise. Re-entering a stage later (e.g. a
//! draft returned for revision) starts a new clock. The overall clock runs
//! from the submission to the closing of the case, pausing while the case
//! waits on the applicant. Due and at-risk instants are computed with the
//! case's pinned calendar when a clock starts or resumes and are written
//! into the events, so a later calendar edit never changes a measurement.
//!
//! At-risk: after `warn_at` percent of the clock's open time (the workflow's
//! `sla.warn_at`, or the stage's own), rounded down to the second.

use chrono::{DateTime, TimeDelta, Utc};

use super::event::{ClockKey, EventKind};
use super::state::{Case, Clock};
use crate::calendar::BusinessCalendar;
use crate::definition::{Definition, StageKind};
use crate::duration::WorkDuration;

/// Computes clock events at one instant.
pub(crate) struct Clocks<'a> {
    pub(crate) definition: &'a Definition,
    pub(crate) calendar: &'a BusinessCalendar,
    pub(crate) at: DateTime<Utc>,
}

impl Clocks<'_> {
    /// Open time from `from` to `to` in seconds; negative when `to` is earlier.
    fn open_seconds(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        self.calendar.working_time_between(from, to).num_seconds()
    }

    fn add_seconds(&self, from: DateTime<Utc>, seconds: i64) -> Option<DateTime<Utc>> {
        self.calendar.add_working_time(from, TimeDelta::seconds(seconds.max(0))).ok()
    }

    /// A new clock with `standard`, at-risk after `warn_at` percent.
    pub(crate) fn start(&self, key: ClockKey, standard: Option<WorkDuration>, warn_at: u8) -> EventKind {
        let due = standard.and_then(|d| self.calendar.add(self.at, d).ok());
        let warn = due.and_then(|due| {
            let total = self.open_seconds(self.at, due);
            self.add_seconds(self.at, total * i64::from(warn_at) / 100)
        });
        EventKind::ClockStarted { clock: key, standard, due, warn }
    }

    fn counted(&self, clock: &Clock) -> i64 {
        clock.elapsed + clock.running_since.map_or(0, |since| self.open_seconds(since, self.at).max(0))
    }

    /// Pauses a running clock.
    pub(crate) fn pause(&self, clock: &Clock) -> EventKind {
        EventKind::ClockPaused {
            clock: clock.key.clone(),
            elapsed: self.counted(clock),
            remaining: clock.due.map(|due| self.open_seconds(self.at, due)),
            warn_remaining: clock.warn.filter(|_| !clock.warned).map(|warn| self.open_seconds(self.at, warn)),
        }
    }

    /// Resumes a paused clock with the open time it had left.
    pub(crate) fn resume(&self, clock: &Clock) -> EventKind {
        EventKind::ClockResumed {
            clock: clock.key.clone(),
            due: clock.remaining.and_then(|r| self.add_seconds(self.at, r)),
            warn: clock.warn_remaining.and_then(|r| self.add_seconds(self.at, r)),
        }
    }

    /// Stops a clock for good.
    pub(crate) fn stop(&self, clock: &Clock) -> EventKind {
        let within = clock.standard.map(|_| match (clock.is_running(), clock.due, clock.remaining) {
            (true, Some(due), _) => self.at <= due,
            (false, _, Some(remaining)) => remaining >= 0,
            _ => !clock.breached,
        });
        EventKind::ClockStopped { clock: clock.key.clone(), elapsed: self.counted(clock), within_standard: within }
    }

    /// The clock events of a move from `from` to `to`, given the case before the move.
    pub(crate) fn transition(&self, case: &Case, from: &str, to: &str) -> Vec<EventKind> {
        let mut events = Vec::new();
        let to_stage = self.definition.stage(to).expect("checked action targets exist");
        let to_kind = to_stage.kind;
        let from_key = ClockKey::Stage(from.to_owned());
        if let Some(clock) = case.live_clock(&from_key).filter(|c| c.is_running()) {
            events.push(if to_kind == StageKind::Waiting { self.pause(clock) } else { self.stop(clock) });
        }
        if to_kind != StageKind::Waiting {
            // Paused clocks of other stages will not resume now: the case went elsewhere.
            for clock in case.clocks.iter().filter(|c| !c.is_stopped() && !c.is_running() && c.key != ClockKey::Overall)
            {
                if clock.key.stage() != Some(to) || to_kind == StageKind::Terminal {
                    events.push(self.stop(clock));
                }
            }
        }
        if matches!(to_kind, StageKind::Task) {
            let to_key = ClockKey::Stage(to.to_owned());
            match case.live_clock(&to_key).filter(|c| !c.is_running()) {
                Some(paused) => events.push(self.resume(paused)),
                None if to_stage.time_standard.is_some() => {
                    events.push(self.start(to_key, to_stage.time_standard, self.definition.warn_at(to_stage)));
                }
                None => {}
            }
        }
        if let Some(overall) = case.live_clock(&ClockKey::Overall) {
            match (to_kind, overall.is_running()) {
                (StageKind::Terminal, _) => events.push(self.stop(overall)),
                (StageKind::Waiting, true) => events.push(self.pause(overall)),
                (StageKind::Task, false) => events.push(self.resume(overall)),
                _ => {}
            }
        }
        events
    }

    /// The clock events of a new case entering its first stage.
    pub(crate) fn submission(&self, stage: &str) -> Vec<EventKind> {
        let sla = &self.definition.file().sla;
        let mut events = vec![self.start(ClockKey::Overall, sla.overall, sla.warn_at)];
        if let Some(first) = self.definition.stage(stage)
            && first.kind == StageKind::Task
            && first.time_standard.is_some()
        {
            events.push(self.start(
                ClockKey::Stage(stage.to_owned()),
                first.time_standard,
                self.definition.warn_at(first),
            ));
        }
        events
    }

    /// At-risk and breach events due at this instant.
    pub(crate) fn deadlines(&self, case: &Case) -> Vec<EventKind> {
        let mut events = Vec::new();
        for clock in case.clocks.iter().filter(|c| c.is_running()) {
            if let Some(warn) = clock.warn.filter(|w| !clock.warned && *w <= self.at) {
                events.push(EventKind::ClockWarned { clock: clock.key.clone(), threshold: warn });
            }
            if let Some(due) = clock.due.filter(|d| !clock.breached && *d <= self.at) {
                events.push(EventKind::ClockBreached { clock: clock.key.clone(), due });
            }
        }
        events
    }
}
