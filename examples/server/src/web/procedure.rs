//! `/staf/prosedur/{workflow}`: the SOP in the official table layout (the
//! same `html::sop::table` as `sigap sop --format html`), the stage diagram
//! as server-drawn SVG with a table of moves as its text alternative, and
//! the Mermaid source.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use sigap_core::definition::graph;
use sigap_core::definition::sop::SopTable;

use super::html as page_response;
use super::i18n::Lang;
use super::staff::Signed;
use crate::html::layout::{notice, page};
use crate::state::AppState;

/// `GET /staf/prosedur/{workflow}`
pub(crate) async fn page_handler(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    let path = format!("/staf/prosedur/{id}");
    let workflow = state
        .find_workflow(&id, Some(&signed.account.organisation))
        .ok()
        .flatten()
        .filter(|w| sigap_core::access::may_view(&w.definition, &signed.account.roles));
    let Some(workflow) = workflow else {
        let title = lang.t("Prosedur tidak ditemukan", "Procedure not found");
        let body = html! { h1 { (title) } (notice("error", lang.t("Tidak ada prosedur dengan nama itu untuk Anda.", "There is no such procedure for you."))) };
        return page_response(StatusCode::NOT_FOUND, page(&signed.shell(&state, lang, title, &path), body), Vec::new());
    };
    let definition = &workflow.definition;
    let sop = SopTable::new(definition);
    let file = definition.file();
    let diagram_title = format!("{} {}", lang.t("Diagram tahap", "Stage diagram"), file.label);
    let body = html! {
        p.muted { (sop.organisation) }
        h1 { (sop.title) }
        p { (file.label) }
        @if !sop.facts.is_empty() {
            dl.facts { @for (label, value) in &sop.facts { dt { (label) } dd { (value) } } }
        }
        @for (label, items) in &sop.lists {
            h2 { (label) }
            ol { @for item in items { li { (item) } } }
        }
        h2 #tabel-sop { (lang.t("Tabel SOP", "SOP table")) }
        div.table-wrap role="region" aria-labelledby="tabel-sop" tabindex="0" { (crate::html::sop::table(&sop)) }
        h2 #diagram { (lang.t("Diagram tahap", "Stage diagram")) }
        ul.legend {
            li { (lang.t("Sudut membulat: langkah pemohon", "Rounded: applicant's step")) }
            li { (lang.t("Kotak: tugas petugas", "Box: staff task")) }
            li { (lang.t("Segi enam: menunggu pemohon", "Hexagon: waiting for the applicant")) }
            li { (lang.t("Kapsul: selesai", "Capsule: closed")) }
            li { (lang.t("Garis putus-putus: kembali ke tahap sebelumnya", "Dashed: back to an earlier stage")) }
        }
        figure.chart.diagram { (crate::html::diagram::stages(definition, &diagram_title)) }
        h3 #perpindahan { (lang.t("Perpindahan antartahap", "Moves between stages")) }
        div.table-wrap {
            table.cards aria-labelledby="perpindahan" {
                thead { tr {
                    th scope="col" { (lang.t("Dari tahap", "From")) }
                    th scope="col" { (lang.t("Tindakan", "Action")) }
                    th scope="col" { (lang.t("Ke tahap", "To")) }
                    th scope="col" { (lang.t("Oleh", "By")) }
                } }
                tbody {
                    @for action in &file.actions {
                        @for from in action.from.ids() {
                            tr {
                                td data-label=(lang.t("Dari tahap", "From")) { (definition.stage(from).map_or(from, |s| s.label.as_str())) }
                                td data-label=(lang.t("Tindakan", "Action")) { (action.label) }
                                td data-label=(lang.t("Ke tahap", "To")) { (definition.stage(&action.to).map_or(action.to.as_str(), |s| s.label.as_str())) }
                                td data-label=(lang.t("Oleh", "By")) {
                                    (definition.performers(action, from).iter().map(|r| match definition.role(r) {
                                        Some(role) => role.label.as_str(),
                                        None if *r == sigap_core::definition::SYSTEM_ROLE => lang.t("Sistem (pengatur waktu)", "The system (a timer)"),
                                        None => r,
                                    }).collect::<Vec<_>>().join(", "))
                                }
                            }
                        }
                    }
                }
            }
        }
        details {
            summary { (lang.t("Sumber diagram (Mermaid)", "Diagram source (Mermaid)")) }
            pre.source { (graph::mermaid(definition)) }
        }
    };
    page_response(StatusCode::OK, page(&signed.shell(&state, lang, &sop.title, &path), body), Vec::new())
}
