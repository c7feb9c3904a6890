//! A case's history as the staff timeline shows it.

use maud::{Markup, html};
use sigap_core::access::StaffView;
use sigap_core::workflow::Workflow;

use crate::web::i18n::Lang;

fn event_text(lang: Lang, workflow: &Workflow, kind: &str, detail: &serde_json::Value) -> String {
    let d = &workflow.definition;
    let s = |k: &str| detail.get(k).and_then(|v| v.as_str()).unwrap_or("").to_owned();
    let stage = |id: &str| d.stage(id).map_or_else(|| id.to_owned(), |s| s.label.clone());
    let clock = || match detail.get("clock") {
        Some(serde_json::Value::String(c)) if c == "overall" => lang.t("keseluruhan", "overall").to_owned(),
        Some(serde_json::Value::String(c)) => stage(c),
        Some(serde_json::Value::Object(o)) => o
            .values()
            .next()
            .and_then(|v| v.as_str())
            .map_or_else(|| lang.t("keseluruhan", "overall").to_owned(), stage),
        _ => String::new(),
    };
    match kind {
        "submitted" => lang.t("Permohonan diajukan", "Request submitted").to_owned(),
        "action_performed" => {
            let action = d.action(&s("action")).map_or_else(|| s("action"), |a| a.label.clone());
            format!("{action} → {}", stage(&s("to")))
        }
        "answered" => format!(
            "{} ({})",
            lang.t("Jawaban disampaikan", "Answer delivered"),
            d.product(&s("product")).map_or_else(|| s("product"), |p| p.label.clone())
        ),
        "claimed" => format!("{} {}", lang.t("Tugas diambil oleh", "Task claimed by"), s("user")),
        "assigned" => format!("{} {}", lang.t("Ditugaskan kepada", "Assigned to"), s("user")),
        "released" => format!("{} {}", lang.t("Tugas dilepas oleh", "Task released by"), s("user")),
        "note_added" => {
            if detail.get("obstacle").and_then(|v| v.as_bool()) == Some(true) {
                lang.t("Catatan hambatan ditambahkan", "Obstacle note added").to_owned()
            } else {
                lang.t("Catatan internal ditambahkan", "Internal note added").to_owned()
            }
        }
        "attachment_added" => format!(
            "{}: {}",
            lang.t("Lampiran ditambahkan", "Attachment added"),
            detail.pointer("/file/name").and_then(|v| v.as_str()).unwrap_or("")
        ),
        "survey_recorded" => lang.t("Survei kepuasan diisi", "Satisfaction survey filled in").to_owned(),
        "clock_started" => format!("{}: {}", lang.t("Waktu mulai dihitung", "Clock started"), clock()),
        "clock_paused" => format!("{}: {}", lang.t("Waktu dijeda", "Clock paused"), clock()),
        "clock_resumed" => format!("{}: {}", lang.t("Waktu dilanjutkan", "Clock resumed"), clock()),
        "clock_stopped" => format!("{}: {}", lang.t("Waktu berhenti", "Clock stopped"), clock()),
        "clock_warned" => format!("{}: {}", lang.t("Waktu hampir habis", "Clock at risk"), clock()),
        "clock_breached" => format!("{}: {}", lang.t("Waktu standar terlampaui", "Time standard breached"), clock()),
        other => other.to_owned(),
    }
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
                        (event_text(lang, workflow, e.kind, &e.detail))
                        br;
                        span.hash title=(lang.t("hash peristiwa", "event hash")) { (e.hash.get(..16).unwrap_or(&e.hash)) "…" }
                    }
                }
            }
        }
    }
}
