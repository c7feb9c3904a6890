//! The receipt after a submission: the tracking code and the secret, shown once.

use maud::{Markup, html};
use sigap_core::workflow::Workflow;

use super::shell;
use crate::app::applicant::Receipt;
use crate::html::layout::{notice, page};
use crate::web::i18n::Lang;

pub(super) fn receipt_page(lang: Lang, workflow: &Workflow, receipt: &Receipt) -> Markup {
    let title = lang.t("Permohonan terkirim", "Request sent");
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
                dd.code #kode-rahasia { (receipt.secret) }
                dt { (lang.t("Tahap saat ini", "Current stage")) }
                dd { (receipt.stage_label) }
                @if let Some(due) = &receipt.due_text {
                    dt { (lang.t("Dijadwalkan selesai paling lambat", "Scheduled to finish by")) }
                    dd { (due) }
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
    };
    page(&shell(lang, title, "/"), body)
}
