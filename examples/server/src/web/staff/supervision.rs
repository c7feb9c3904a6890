//! `/staf/pengawasan`: the supervisor's page: late and at-risk tasks of the
//! stages they supervise, each with a reassign form, each person's load,
//! and handing all of a person's open tasks to another.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::{Signed, badge};
use crate::app::AppError;
use crate::app::input::RawInput;
use crate::app::staff::{self as staff_app, assign_command};
use crate::app::supervision::{self as app, Supervision};
use crate::html::layout::{notice, page};
use crate::state::AppState;
use crate::web::i18n::Lang;
use crate::web::{cookies, html as page_response, message, see_other, status as error_status, value};

/// What the page was sent back with after a form.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Done {
    /// `tugaskan` or `alihkan`.
    berhasil: Option<String>,
    /// The tracking code reassigned.
    kode: Option<String>,
    /// How many tasks were handed over.
    pindah: Option<usize>,
    /// How many stayed.
    tetap: Option<usize>,
}

/// `GET /staf/pengawasan`
pub(crate) async fn page_handler(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    lang: Lang,
    Query(done): Query<Done>,
) -> Response {
    let mut notices = Vec::new();
    match done.berhasil.as_deref() {
        Some("tugaskan") => notices.push((
            "success",
            format!("{} {}.", lang.t("Tugas dialihkan:", "Task reassigned:"), done.kode.unwrap_or_default()),
        )),
        Some("alihkan") => notices.push((
            "success",
            format!(
                "{} {} {}{}",
                lang.t("Tugas dialihkan:", "Tasks handed over:"),
                done.pindah.unwrap_or(0),
                lang.t("tugas.", "tasks."),
                match done.tetap.unwrap_or(0) {
                    0 => String::new(),
                    n => format!(" {n} {}", lang.t("tugas tidak dapat dialihkan.", "could not be handed over.")),
                }
            ),
        )),
        _ => {}
    }
    render(&state, &signed, lang, notices, StatusCode::OK).await
}

async fn render(
    state: &AppState,
    signed: &Signed,
    lang: Lang,
    notices: Vec<(&str, String)>,
    status: StatusCode,
) -> Response {
    let title = lang.t("Pengawasan", "Supervision");
    let body = match app::supervision(state, &signed.account).await {
        Ok(view) => html! {
            h1 { (title) }
            @for (kind, text) in &notices { (notice(kind, text)) }
            (content(signed, lang, &view))
        },
        Err(e) => html! { h1 { (title) } (notice("error", &message(&e, lang))) },
    };
    page_response(status, page(&signed.shell(state, lang, title, "/staf/pengawasan"), body), Vec::new())
}

fn content(signed: &Signed, lang: Lang, view: &Supervision) -> Markup {
    html! {
        @if view.stages.is_empty() {
            p { (lang.t(
                "Anda tidak mengawasi tahap mana pun. Pengawas tahap ditetapkan dalam prosedur (supervisor).",
                "You supervise no stage. Stage supervisors are set in the procedure (supervisor).")) }
        } @else {
            p { (lang.t(
                "Tugas pada tahap yang Anda awasi. Waktu dalam WIB.",
                "Tasks in the stages you supervise. Times in the organisation's zone.")) }
            h2 #mendesak-judul { (lang.t("Terlambat dan hampir habis", "Late and at risk")) }
            @if view.tasks.is_empty() {
                p #tidak-mendesak { (lang.t("Tidak ada tugas yang terlambat atau hampir habis.", "No task is late or at risk.")) }
            } @else {
                div.table-wrap tabindex="0" role="region" aria-labelledby="mendesak-judul" {
                    table.cards #tugas-mendesak {
                        thead { tr {
                            th scope="col" { (lang.t("Kode", "Code")) }
                            th scope="col" { (lang.t("Tahap", "Stage")) }
                            th scope="col" { (lang.t("Ditangani", "Held by")) }
                            th scope="col" { (lang.t("Batas waktu", "Due")) }
                            th scope="col" { (lang.t("Status waktu", "Clock")) }
                            th scope="col" { (lang.t("Alihkan kepada", "Reassign to")) }
                        } }
                        tbody {
                            @for task in &view.tasks {
                                @let stage = view.stages.iter().find(|s| s.workflow == task.workflow && s.stage == task.stage);
                                tr data-case=(task.case) {
                                    td data-label=(lang.t("Kode", "Code")) { a href={ "/staf/kasus/" (task.case) } { (task.tracking_code) } }
                                    td data-label=(lang.t("Tahap", "Stage")) { (task.stage_label) }
                                    td data-label=(lang.t("Ditangani", "Held by")) {
                                        @match &task.assignee {
                                            Some(a) => (name_of(view, a)),
                                            None => span.muted { (lang.t("Belum diambil", "Unclaimed")) },
                                        }
                                    }
                                    td data-label=(lang.t("Batas waktu", "Due")) { (task.due_text.as_deref().unwrap_or("—")) }
                                    td data-label=(lang.t("Status waktu", "Clock")) { (badge(lang, task.clock)) }
                                    td data-label=(lang.t("Alihkan kepada", "Reassign to")) {
                                        @match stage.filter(|s| s.may_reassign) {
                                            Some(stage) => {
                                                form.inline method="post" action="/staf/pengawasan/tugaskan" {
                                                    input type="hidden" name="_csrf" value=(signed.csrf);
                                                    input type="hidden" name="case" value=(task.case);
                                                    label.visually-hidden for={ "ke-" (task.case) } { (lang.t("Alihkan", "Reassign")) " " (task.tracking_code) " " (lang.t("kepada", "to")) }
                                                    select id={ "ke-" (task.case) } name="user" {
                                                        @for c in view.candidates.get(&stage.role).into_iter().flatten() {
                                                            @if task.assignee.as_deref() != Some(c.user.as_str()) {
                                                                option value=(c.user) { (c.name) }
                                                            }
                                                        }
                                                    }
                                                    button.secondary type="submit" { (lang.t("Alihkan", "Reassign")) }
                                                }
                                            }
                                            None => span.muted { (lang.t("Hanya dipantau", "Watched only")) },
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 #beban-judul { (lang.t("Beban kerja", "Load per person")) }
            div.table-wrap tabindex="0" role="region" aria-labelledby="beban-judul" {
                table.cards #beban-kerja {
                    thead { tr {
                        th scope="col" { (lang.t("Petugas", "Person")) }
                        th scope="col" { (lang.t("Tugas terbuka", "Open tasks")) }
                        th scope="col" { (lang.t("Hampir habis", "At risk")) }
                        th scope="col" { (lang.t("Terlambat", "Late")) }
                    } }
                    tbody {
                        @for line in &view.load {
                            tr data-user=(line.user.as_deref().unwrap_or("")) {
                                td data-label=(lang.t("Petugas", "Person")) {
                                    @match &line.user { Some(_) => (line.name), None => em { (lang.t("Belum diambil", "Unclaimed")) } }
                                }
                                td data-label=(lang.t("Tugas terbuka", "Open tasks")) { (line.open) }
                                td data-label=(lang.t("Hampir habis", "At risk")) { (line.at_risk) }
                                td data-label=(lang.t("Terlambat", "Late")) { (line.late) }
                            }
                        }
                    }
                }
            }
            @if view.stages.iter().any(|s| s.may_reassign) {
                h2 #alihkan-judul { (lang.t("Alihkan semua tugas seseorang", "Hand over all of a person's tasks")) }
                p.hint { (lang.t(
                    "Untuk cuti, mutasi atau tugas luar: semua tugas terbuka orang itu pada tahap yang Anda awasi berpindah kepada penerima, masing-masing tercatat dalam riwayat kasus dan diberitahukan.",
                    "For leave, a transfer or duty elsewhere: every open task the person holds in the stages you supervise goes to the recipient, each recorded in the case's history and notified.")) }
                form #alihkan method="post" action="/staf/pengawasan/alihkan" aria-labelledby="alihkan-judul" {
                    input type="hidden" name="_csrf" value=(signed.csrf);
                    div.field {
                        label for="alihkan-from" { (lang.t("Dari", "From")) }
                        select #alihkan-from name="from" {
                            @for line in view.load.iter().filter(|l| l.user.is_some()) {
                                option value=(line.user.as_deref().unwrap_or("")) { (line.name) " (" (line.open) ")" }
                            }
                        }
                    }
                    div.field {
                        label for="alihkan-to" { (lang.t("Kepada", "To")) }
                        select #alihkan-to name="to" {
                            @for line in view.load.iter().filter(|l| l.user.is_some()) {
                                option value=(line.user.as_deref().unwrap_or("")) { (line.name) }
                            }
                        }
                    }
                    button.primary type="submit" { (lang.t("Alihkan semua", "Hand over all")) }
                }
            }
            h2 { (lang.t("Tahap yang Anda awasi", "Stages you supervise")) }
            ul #tahap-diawasi {
                @for s in &view.stages {
                    li { (s.workflow_label) ": " (s.stage_label)
                        @if !s.may_reassign { " " span.muted { (lang.t("(pengawasan keseluruhan: hanya dipantau)", "(overall supervision: watched only)")) } } }
                }
            }
        }
    }
}

fn name_of(view: &Supervision, user: &str) -> String {
    view.candidates.values().flatten().find(|c| c.user == user).map_or_else(|| user.to_owned(), |c| c.name.clone())
}

async fn form(
    state: &AppState,
    signed: &Signed,
    lang: Lang,
    raw: Result<RawInput, AppError>,
) -> Result<RawInput, Response> {
    let raw = match raw {
        Ok(raw) => raw,
        Err(e) => return Err(render(state, signed, lang, vec![("error", message(&e, lang))], error_status(&e)).await),
    };
    if !cookies::check_session_csrf(state, &signed.token, value(&raw, "_csrf")) {
        let text = lang.t(
            "Formulir ini sudah kedaluwarsa (halaman dibuka sebelum Anda masuk lagi); tidak ada yang diubah. Coba lagi.",
            "This form expired (the page was opened before you signed in again); nothing changed. Try again.",
        );
        return Err(render(state, signed, lang, vec![("error", text.to_owned())], StatusCode::FORBIDDEN).await);
    }
    Ok(raw)
}

/// `POST /staf/pengawasan/tugaskan`: one task to another person (the engine's reassign).
pub(crate) async fn reassign(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    lang: Lang,
    raw: Result<RawInput, AppError>,
) -> Response {
    let raw = match form(&state, &signed, lang, raw).await {
        Ok(raw) => raw,
        Err(r) => return r,
    };
    let case = value(&raw, "case").unwrap_or("");
    let result = match assign_command(&state, &signed.account, value(&raw, "user").unwrap_or("")) {
        Ok(command) => staff_app::command(&state, &signed.account, case, command, None, None).await,
        Err(e) => Err(e),
    };
    match result {
        Ok((view, _)) => {
            see_other(&format!("/staf/pengawasan?berhasil=tugaskan&kode={}", view.tracking_code), Vec::new())
        }
        Err(e) => render(&state, &signed, lang, vec![("error", message(&e, lang))], error_status(&e)).await,
    }
}

/// `POST /staf/pengawasan/alihkan`: all of a person's open tasks to another.
pub(crate) async fn hand_over(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    lang: Lang,
    raw: Result<RawInput, AppError>,
) -> Response {
    let raw = match form(&state, &signed, lang, raw).await {
        Ok(raw) => raw,
        Err(r) => return r,
    };
    let (from, to) = (value(&raw, "from").unwrap_or(""), value(&raw, "to").unwrap_or(""));
    match app::transfer(&state, &signed.account, from, to).await {
        Ok(done) if done.kept.is_empty() => {
            see_other(&format!("/staf/pengawasan?berhasil=alihkan&pindah={}", done.moved.len()), Vec::new())
        }
        Ok(done) => {
            let mut notices = vec![(
                "warning",
                format!(
                    "{} {} {}",
                    lang.t("Dialihkan:", "Handed over:"),
                    done.moved.len(),
                    lang.t("tugas. Tidak dapat dialihkan:", "tasks. Could not be handed over:")
                ),
            )];
            for (code, why) in &done.kept {
                notices.push(("warning", format!("{code}: {why}")));
            }
            render(&state, &signed, lang, notices, StatusCode::OK).await
        }
        Err(e) => render(&state, &signed, lang, vec![("error", message(&e, lang))], error_status(&e)).await,
    }
}
