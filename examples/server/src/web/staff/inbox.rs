//! `/staf/kotak-masuk`: the tasks of a person's roles, earliest due first.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use sigap_core::definition::StageKind;

use super::{Signed, badge, beyond_known_holidays, visible_workflows};
use crate::app::staff::{self as app, Badge, InboxQuery};
use crate::html::layout::{notice, page};
use crate::state::AppState;
use crate::web::i18n::Lang;
use crate::web::{html as page_response, message};

/// `GET /staf/kotak-masuk?stage=&workflow=&scope=mine`
pub(crate) async fn inbox(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    lang: Lang,
    Query(filter): Query<InboxQuery>,
) -> Response {
    let title = lang.t("Kotak masuk", "Inbox");
    let workflows = visible_workflows(&state, &signed.account);
    let when = |item: &app::InboxItem| {
        let tz = state.service.workflow(&signed.account.organisation, &item.workflow).map(|w| w.calendar.time_zone());
        sigap_core::text::datetime(item.updated_at, tz.unwrap_or(chrono_tz::Asia::Jakarta))
    };
    let body = match app::inbox(&state, &signed.account, &filter).await {
        Ok(items) => {
            let (waiting, items): (Vec<_>, Vec<_>) = items.into_iter().partition(|i| i.waiting_on_applicant);
            let now_count = |b: Badge| items.iter().filter(|i| i.clock == b).count();
            let stages: Vec<(String, String)> = workflows
                .iter()
                .filter(|w| filter.workflow.as_deref().is_none_or(|f| f.is_empty() || f == w.id()))
                .flat_map(|w| {
                    w.definition
                        .file()
                        .stages
                        .iter()
                        .filter(|s| s.kind == StageKind::Task)
                        .map(|s| (s.id.clone(), s.label.clone()))
                        .collect::<Vec<_>>()
                })
                .collect();
            html! {
                h1 { (title) }
                p { (lang.t("Tugas untuk peran Anda, yang paling mendesak di atas. Waktu dalam WIB.",
                            "Tasks for your roles, most urgent first. Times in the organisation's zone.")) }
                form.filters method="get" action="/staf/kotak-masuk" {
                    div.field {
                        label for="filter-workflow" { (lang.t("Layanan", "Service")) }
                        select #filter-workflow name="workflow" {
                            option value="" { (lang.t("Semua layanan", "All services")) }
                            @for w in &workflows {
                                option value=(w.id()) selected[filter.workflow.as_deref() == Some(w.id())] { (w.definition.label()) }
                            }
                        }
                    }
                    div.field {
                        label for="filter-stage" { (lang.t("Tahap", "Stage")) }
                        select #filter-stage name="stage" {
                            option value="" { (lang.t("Semua tahap", "All stages")) }
                            @for (id, label) in &stages {
                                option value=(id) selected[filter.stage.as_deref() == Some(id.as_str())] { (label) }
                            }
                        }
                    }
                    div.field.choices {
                        label for="filter-scope" {
                            input #filter-scope type="checkbox" name="scope" value="mine" checked[filter.scope.as_deref() == Some("mine")];
                            span { (lang.t("Hanya yang ditugaskan kepada saya", "Only tasks assigned to me")) }
                        }
                    }
                    button.secondary type="submit" { (lang.t("Terapkan", "Apply")) }
                }
                ul.summary-cards aria-label=(lang.t("Ringkasan", "Summary")) {
                    li { span.n { (items.len()) } (lang.t("tugas", "tasks")) }
                    li { span.n { (now_count(Badge::Breached)) } (badge(lang, Badge::Breached)) }
                    li { span.n { (now_count(Badge::AtRisk)) } (badge(lang, Badge::AtRisk)) }
                    li { span.n { (now_count(Badge::OnTrack)) } (badge(lang, Badge::OnTrack)) }
                }
                @if items.is_empty() {
                    p { (lang.t("Tidak ada tugas yang cocok.", "No matching tasks.")) }
                } @else {
                    div.table-wrap {
                        table.cards #kotak-masuk {
                            caption.visually-hidden { (title) }
                            thead { tr {
                                th scope="col" { (lang.t("Kode", "Code")) }
                                th scope="col" { (lang.t("Layanan", "Service")) }
                                th scope="col" { (lang.t("Tahap", "Stage")) }
                                th scope="col" { (lang.t("Ditangani", "Held by")) }
                                th scope="col" { (lang.t("Batas waktu", "Due")) }
                                th scope="col" { (lang.t("Status waktu", "Clock")) }
                            } }
                            tbody {
                                @for item in &items {
                                    tr data-case=(item.case) {
                                        td data-label=(lang.t("Kode", "Code")) { a href={ "/staf/kasus/" (item.case) } { (item.tracking_code) } }
                                        td data-label=(lang.t("Layanan", "Service")) { (item.workflow_label) }
                                        td data-label=(lang.t("Tahap", "Stage")) { (item.stage_label) }
                                        td data-label=(lang.t("Ditangani", "Held by")) {
                                            @match &item.assignee {
                                                Some(a) if *a == signed.account.user => strong { (lang.t("Anda", "You")) },
                                                Some(a) => (a),
                                                None => span.muted { (lang.t("Belum diambil", "Unclaimed")) },
                                            }
                                        }
                                        td data-label=(lang.t("Batas waktu", "Due")) { (item.due_text.as_deref().unwrap_or("—")) @if item.due_beyond_known_holidays { (beyond_known_holidays(lang)) } }
                                        td data-label=(lang.t("Status waktu", "Clock")) { (badge(lang, item.clock)) }
                                    }
                                }
                            }
                        }
                    }
                }
                @if !waiting.is_empty() {
                    h2 #menunggu-judul { (lang.t("Menunggu pemohon", "Waiting for the applicant")) }
                    p.hint { (lang.t(
                        "Permohonan yang dikembalikan tahap peran Anda kepada pemohon untuk dilengkapi; yang paling lama menunggu di atas.",
                        "Requests a stage of your roles returned to the applicant to complete; longest waiting first.")) }
                    div.table-wrap {
                        table.cards #menunggu-pemohon aria-labelledby="menunggu-judul" {
                            thead { tr {
                                th scope="col" { (lang.t("Kode", "Code")) }
                                th scope="col" { (lang.t("Layanan", "Service")) }
                                th scope="col" { (lang.t("Tahap", "Stage")) }
                                th scope="col" { (lang.t("Menunggu sejak", "Waiting since")) }
                                th scope="col" { (lang.t("Batas waktu pemohon", "Applicant's deadline")) }
                            } }
                            tbody {
                                @for item in &waiting {
                                    tr data-case=(item.case) {
                                        td data-label=(lang.t("Kode", "Code")) { a href={ "/staf/kasus/" (item.case) } { (item.tracking_code) } }
                                        td data-label=(lang.t("Layanan", "Service")) { (item.workflow_label) }
                                        td data-label=(lang.t("Tahap", "Stage")) { (item.stage_label) }
                                        td data-label=(lang.t("Menunggu sejak", "Waiting since")) { (when(item)) }
                                        td data-label=(lang.t("Batas waktu pemohon", "Applicant's deadline")) { (item.timer_due_text.as_deref().unwrap_or("—")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        Err(e) => html! { h1 { (title) } (notice("error", &message(&e, lang))) },
    };
    page_response(StatusCode::OK, page(&signed.shell(&state, lang, title, "/staf/kotak-masuk"), body), Vec::new())
}
