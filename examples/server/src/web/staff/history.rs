//! A case's history as the staff timeline shows it.

use maud::{Markup, html};
use sigap_core::access::{HistoryEntry, StaffView};
use sigap_core::engine::{ClockKey, TimerEffect};
use sigap_core::workflow::Workflow;

use crate::web::i18n::Lang;

/// One line of the timeline. The `match` is exhaustive on purpose: a new
/// kind of history entry does not compile until it is rendered here.
fn event_text(lang: Lang, workflow: &Workflow, entry: &HistoryEntry) -> String {
    let d = &workflow.definition;
    let stage = |id: &str| d.stage(id).map_or_else(|| id.to_owned(), |s| s.label.clone());
    let when = |at| sigap_core::text::datetime(at, workflow.calendar.time_zone());
    let clock = |key: &ClockKey| match key {
        ClockKey::Overall => lang.t("keseluruhan", "overall").to_owned(),
        ClockKey::Stage(id) => stage(id),
    };
    match entry {
        HistoryEntry::Submitted { .. } => lang.t("Permohonan diajukan", "Request submitted").to_owned(),
        HistoryEntry::ActionPerformed { action, to, .. } => {
            let action = d.action(action).map_or_else(|| action.clone(), |a| a.label.clone());
            format!("{action} → {}", stage(to))
        }
        HistoryEntry::Answered { product, .. } => format!(
            "{} ({})",
            lang.t("Jawaban disampaikan", "Answer delivered"),
            d.product(product).map_or_else(|| product.clone(), |p| p.label.clone())
        ),
        HistoryEntry::Claimed { user, .. } => format!("{} {user}", lang.t("Tugas diambil oleh", "Task claimed by")),
        HistoryEntry::Assigned { user, .. } => format!("{} {user}", lang.t("Ditugaskan kepada", "Assigned to")),
        HistoryEntry::Released { user, .. } => format!("{} {user}", lang.t("Tugas dilepas oleh", "Task released by")),
        HistoryEntry::NoteAdded { obstacle: true, .. } => {
            lang.t("Catatan hambatan ditambahkan", "Obstacle note added").to_owned()
        }
        HistoryEntry::NoteAdded { obstacle: false, .. } => {
            lang.t("Catatan internal ditambahkan", "Internal note added").to_owned()
        }
        HistoryEntry::AttachmentAdded { file, .. } => {
            format!("{}: {}", lang.t("Lampiran ditambahkan", "Attachment added"), file.name)
        }
        HistoryEntry::SurveyRecorded { .. } => {
            lang.t("Survei kepuasan diisi", "Satisfaction survey filled in").to_owned()
        }
        HistoryEntry::ClockStarted { clock: c, .. } => {
            format!("{}: {}", lang.t("Waktu mulai dihitung", "Clock started"), clock(c))
        }
        HistoryEntry::ClockPaused { clock: c, .. } => {
            format!("{}: {}", lang.t("Waktu dijeda", "Clock paused"), clock(c))
        }
        HistoryEntry::ClockResumed { clock: c, .. } => {
            format!("{}: {}", lang.t("Waktu dilanjutkan", "Clock resumed"), clock(c))
        }
        HistoryEntry::ClockStopped { clock: c, .. } => {
            format!("{}: {}", lang.t("Waktu berhenti", "Clock stopped"), clock(c))
        }
        HistoryEntry::ClockWarned { clock: c, .. } => {
            format!("{}: {}", lang.t("Waktu hampir habis", "Clock at risk"), clock(c))
        }
        HistoryEntry::ClockBreached { clock: c, .. } => {
            format!("{}: {}", lang.t("Waktu standar terlampaui", "Time standard breached"), clock(c))
        }
        HistoryEntry::TimerArmed { stage: s, timer, due } => format!(
            "{} {} ({}), {} {}",
            lang.t("Pengatur waktu dipasang:", "Timer armed:"),
            timer_words(workflow, s, timer),
            stage(s),
            lang.t("jatuh tempo", "due"),
            when(*due)
        ),
        HistoryEntry::TimerFired { stage: s, timer, due, effect } => {
            let what = match effect {
                TimerEffect::Action { action } => {
                    let label = d.action(action).map_or_else(|| action.clone(), |a| a.label.clone());
                    format!("{} {label}", lang.t("tindakan otomatis:", "automatic action:"))
                }
                TimerEffect::Escalate { role } => {
                    let label = d.role(role).map_or_else(|| role.clone(), |r| r.label.clone());
                    format!("{} {label}", lang.t("dieskalasi ke", "escalated to"))
                }
                TimerEffect::Remind => lang.t("pengingat dikirim", "reminder sent").to_owned(),
            };
            format!(
                "{} {} ({}), {} {}: {what}",
                lang.t("Pengatur waktu berjalan:", "Timer fired:"),
                timer_words(workflow, s, timer),
                stage(s),
                lang.t("jatuh tempo", "due"),
                when(*due)
            )
        }
    }
}

/// A timer as staff read it: its rule in words, or its id when the pinned
/// definition does not have it.
fn timer_words(workflow: &Workflow, stage: &str, timer: &str) -> String {
    let d = &workflow.definition;
    d.timer(stage, timer).map_or_else(|| timer.to_owned(), |t| t.describe(d))
}

/// The history, newest first, under the result of checking its hash chain.
pub(super) fn history_panel(lang: Lang, workflow: &Workflow, view: &StaffView, chain: &Result<(), String>) -> Markup {
    let when = |at| sigap_core::text::datetime(at, workflow.calendar.time_zone());
    html! {
        section.panel aria-labelledby="riwayat-judul" {
            h2 #riwayat-judul { (lang.t("Riwayat", "History")) }
            @match chain {
                Ok(()) => div.notice.success #verifikasi role="status" { p {
                    (lang.t("Rantai hash riwayat utuh", "The history's hash chain is intact")) ": "
                    (view.history.len()) " " (lang.t("peristiwa, tidak ada yang diubah atau dihapus.", "events, none edited or removed."))
                } },
                Err(problem) => div.notice.error #verifikasi role="alert" { p {
                    strong { (lang.t("Peringatan: riwayat tidak cocok dengan rantai hash", "Warning: the history does not match its hash chain")) } " — " (problem)
                } },
            }
            ol.timeline {
                @for e in view.history.iter().rev() {
                    li {
                        span.when { "#" (e.seq) " · " (when(e.at)) " · " (e.actor) }
                        (event_text(lang, workflow, &e.detail))
                        br;
                        span.hash title=(lang.t("hash peristiwa", "event hash")) { (e.hash.get(..16).unwrap_or(&e.hash)) "…" }
                    }
                }
            }
        }
    }
}
