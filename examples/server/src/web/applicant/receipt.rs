//! The receipt after a submission: the tracking code and the secret, shown once.

use maud::{Markup, html};
use sigap_core::definition::StageKind;
use sigap_core::workflow::Workflow;

use super::shell;
use crate::app::applicant::Receipt;
use crate::html::layout::{notice, page};
use crate::web::i18n::Lang;

/// The rules that act while a request waits on the applicant: the waiting
/// stage in plain words, and each timer that moves the case, in words.
fn applicant_deadlines(workflow: &Workflow) -> Vec<(String, String)> {
    let d = &workflow.definition;
    d.file()
        .stages
        .iter()
        .filter(|s| s.kind == StageKind::Waiting)
        .flat_map(|s| {
            s.timers
                .iter()
                .filter(|t| t.is_interrupting())
                .map(move |t| (s.public_label.clone().unwrap_or_else(|| s.label.clone()), t.describe(d)))
        })
        .collect()
}

pub(super) fn receipt_page(lang: Lang, workflow: &Workflow, receipt: &Receipt) -> Markup {
    let title = lang.t("Permohonan terkirim", "Request sent");
    let deadlines = applicant_deadlines(workflow);
    let body = html! {
        h1 { (title) }
        (notice("success", lang.t("Permohonan Anda sudah kami terima.", "We have received your request.")))
        div.receipt {
            h2 { (lang.t("Tanda terima", "Receipt")) }
            p { (workflow.definition.label()) " — " (workflow.definition.file().organisation.name) }
            dl {
                dt { (lang.t("Kode pelacakan", "Tracking code")) }
                dd.code #kode-pelacakan { (receipt.tracking_code) }
                dt { (lang.t("Kode rahasia", "Secret")) }
                // Groups of four never break inside; a line may break after a hyphen.
                dd.code #kode-rahasia {
                    @for (i, group) in receipt.secret.split('-').enumerate() {
                        @if i > 0 { "-" wbr; }
                        span.group { (group) }
                    }
                }
                dt { (lang.t("Tahap saat ini", "Current stage")) }
                dd { (receipt.stage_label) }
                @if let Some(due) = &receipt.due_text {
                    dt { (lang.t("Dijadwalkan selesai paling lambat", "Scheduled to finish by")) }
                    dd { (due) }
                }
            }
        }
        @if !deadlines.is_empty() {
            section #aturan-waktu aria-labelledby="aturan-waktu-judul" {
                h2 #aturan-waktu-judul { (lang.t("Batas waktu untuk Anda", "Your deadlines")) }
                p { (lang.t(
                    "Jika kami meminta Anda melengkapi permohonan, tanggapi tepat waktu:",
                    "If we ask you to complete the request, respond in time:")) }
                ul {
                    @for (stage, rule) in &deadlines { li { strong { (stage) } ": " (rule) } }
                }
            }
        }
        div.notice.warning role="note" {
            p { strong { (lang.t("Simpan kode rahasia sekarang.", "Save the secret now.")) } " "
                (lang.t(
                    "Kode rahasia hanya ditampilkan sekali ini dan tidak dapat kami kirim ulang. Catat, cetak halaman ini (menu Cetak atau Ctrl+P) atau simpan sebagai PDF. Tanpa kode rahasia, Anda tidak dapat melihat jawaban.",
                    "The secret is shown only this once and cannot be sent again. Write it down, print this page (Print menu or Ctrl+P) or save it as PDF. Without it you cannot read the answer.")) }
        }
        p.no-print { a.button href={ "/lacak/" (receipt.tracking_code) } { (lang.t("Lihat status permohonan", "See the request's status")) } }
        p.no-print { (lang.t(
            "Di perangkat lain, buka halaman Lacak permohonan dan masukkan kedua kode di atas.",
            "On another device, open Track a request and enter both codes above.")) }
        (super::complaints(lang, workflow))
    };
    page(&shell(lang, title, "/"), body)
}
