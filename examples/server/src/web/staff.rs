//! The staff pages: sign-in, the inbox, the case page and its forms.
//! Every action goes through the JSON API's functions (`sign_in`,
//! `inbox_items`, `staff_case`, `staff_command`, `perform`, `upload`,
//! `attachment`), so the engine's rules and the redaction are the same.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;
use sigap_core::access::{self, StaffView};
use sigap_core::definition::{ActionKind, Outcome, StageKind};
use sigap_core::engine::{ClockState, Command, Status};
use sigap_core::workflow::Workflow;

use super::cookies::{self, SameSite};
use super::i18n::{Lang, local_path};
use super::status as error_status;
use super::{field_errors, html as page_response, idempotency_key, message, see_other, text_values, value};
use crate::app::AppError;
use crate::app::input::RawInput;
use crate::app::staff::{self as app, Badge, InboxQuery, assign_command};
use crate::auth::Account;
use crate::html::form::{self, FormState, error_summary, hidden};
use crate::html::layout::{Nav, Shell, layout_nav, notice, page};
use crate::http::client_address;
use crate::state::AppState;

/// A signed-in staff member on a page.
pub(crate) struct Signed {
    /// Their account.
    pub(crate) account: Account,
    /// The session token (the CSRF binding).
    pub(crate) token: String,
    /// The session's CSRF token.
    pub(crate) csrf: String,
}

impl Signed {
    /// The page frame for this person.
    pub(crate) fn shell<'a>(&'a self, state: &AppState, lang: Lang, title: &'a str, path: &'a str) -> Shell<'a> {
        Shell { lang, title, nav: layout_nav(state, &self.account, &self.csrf), path }
    }
}

impl FromRequestParts<Arc<AppState>> for Signed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        let path = parts.uri.path_and_query().map_or("/staf/kotak-masuk", |p| p.as_str()).to_owned();
        let back = if parts.method == axum::http::Method::GET { path } else { parts.uri.path().to_owned() };
        let back = back.split("/tindakan/").next().unwrap_or("/staf/kotak-masuk").to_owned();
        let Some(token) = cookies::get(&parts.headers, cookies::STAFF) else {
            return Err(see_other(&format!("/staf?lanjut={}", crate::html::layout::query_escape(&back)), Vec::new()));
        };
        match app::staff_from_token(state, &token).await {
            Ok(Some(account)) => {
                let csrf = cookies::session_csrf(state, &token);
                Ok(Signed { account, token, csrf })
            }
            Err(e) => Err(super::applicant::error_page(Lang::of(parts.uri.query(), &parts.headers), &e, None)),
            Ok(None) => {
                let clear = cookies::set(state, cookies::STAFF, "", "/staf", Some(0), SameSite::Strict);
                Err(see_other(
                    &format!("/staf?sesi=berakhir&lanjut={}", crate::html::layout::query_escape(&back)),
                    vec![clear],
                ))
            }
        }
    }
}

/// Sign-in page query.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct SignInQuery {
    lanjut: Option<String>,
    sesi: Option<String>,
    keluar: Option<String>,
}

/// `GET /staf`
pub(crate) async fn sign_in_page(
    State(state): State<Arc<AppState>>,
    Query(q): Query<SignInQuery>,
    lang: Lang,
    headers: HeaderMap,
) -> Response {
    if let Some(token) = cookies::get(&headers, cookies::STAFF)
        && matches!(app::staff_from_token(&state, &token).await, Ok(Some(_)))
    {
        return see_other("/staf/kotak-masuk", Vec::new());
    }
    let (nonce, cookie) = cookies::browser(&state, &headers);
    let csrf = cookies::browser_csrf(&state, &nonce);
    let mut notices = Vec::new();
    if q.sesi.as_deref() == Some("berakhir") {
        notices.push((
            "warning",
            lang.t(
                "Sesi Anda sudah berakhir. Silakan masuk kembali; isian yang belum terkirim perlu diisi lagi.",
                "Your session has ended. Please sign in again; anything not yet sent must be entered again.",
            )
            .to_owned(),
        ));
    }
    if q.keluar.is_some() {
        notices.push(("success", lang.t("Anda sudah keluar.", "You have signed out.").to_owned()));
    }
    let next = q.lanjut.filter(|p| local_path(p) && p.starts_with("/staf")).unwrap_or_default();
    let markup = sign_in_markup(lang, &csrf, &next, "", &notices, &BTreeMap::new());
    page_response(StatusCode::OK, markup, cookie.into_iter().collect())
}

fn sign_in_markup(
    lang: Lang,
    csrf: &str,
    next: &str,
    user: &str,
    notices: &[(&str, String)],
    errors: &BTreeMap<String, String>,
) -> Markup {
    let title = lang.t("Masuk petugas", "Staff sign-in");
    let items: Vec<(Option<String>, String)> = ["user", "password"]
        .iter()
        .filter_map(|f| errors.get(*f).map(|e| (Some(format!("f-{f}")), e.clone())))
        .chain(errors.get("").map(|e| (None, e.clone())))
        .collect();
    let input = |name: &str, label: &str, kind: &str, complete: &str, val: &str| {
        let error = errors.get(name);
        let id = format!("f-{name}");
        let err_id = format!("{id}-kesalahan");
        html! {
            div class=(if error.is_some() { "field has-error" } else { "field" }) {
                label for=(id) { (label) }
                @if let Some(e) = error {
                    p.error-message id=(err_id) { span.visually-hidden { (lang.t("Kesalahan: ", "Error: ")) } (e) }
                }
                input type=(kind) id=(id) name=(name) value=(val) autocomplete=(complete) required
                    autocapitalize="none" spellcheck="false"
                    aria-describedby=[error.map(|_| err_id.clone())] aria-invalid=[error.map(|_| "true")];
            }
        }
    };
    let body = html! {
        h1 { (title) }
        @for (kind, text) in notices { (notice(kind, text)) }
        (error_summary(lang, &items))
        form.stack method="post" action="/staf" novalidate {
            (hidden("_csrf", csrf))
            (hidden("lanjut", next))
            (input("user", lang.t("Nama pengguna", "User name"), "text", "username", user))
            (input("password", lang.t("Kata sandi", "Password"), "password", "current-password", ""))
            button.primary type="submit" { (lang.t("Masuk", "Sign in")) }
        }
    };
    page(&Shell { lang, title, nav: Nav::SignIn, path: "/staf" }, body)
}

/// `POST /staf`: through `app::staff::sign_in` (rate-limited).
pub(crate) async fn sign_in(
    State(state): State<Arc<AppState>>,
    lang: Lang,
    headers: HeaderMap,
    raw: Result<RawInput, AppError>,
) -> Response {
    let (nonce, cookie) = cookies::browser(&state, &headers);
    let csrf = cookies::browser_csrf(&state, &nonce);
    let cookie_list: Vec<HeaderValue> = cookie.into_iter().collect();
    let raw = raw.unwrap_or_default();
    let user = value(&raw, "user").unwrap_or("").trim().to_owned();
    let password = value(&raw, "password").unwrap_or("");
    let next =
        value(&raw, "lanjut").filter(|p| local_path(p) && p.starts_with("/staf/")).unwrap_or("/staf/kotak-masuk");
    let mut errors = BTreeMap::new();
    if !cookies::check_browser_csrf(&state, &headers, value(&raw, "_csrf")) {
        errors.insert(
            String::new(),
            lang.t(
                "Halaman masuk sudah kedaluwarsa. Masukkan nama pengguna dan kata sandi sekali lagi.",
                "The sign-in page expired. Enter your user name and password again.",
            )
            .to_owned(),
        );
        return page_response(
            StatusCode::FORBIDDEN,
            sign_in_markup(lang, &csrf, next, &user, &[], &errors),
            cookie_list,
        );
    }
    if user.is_empty() {
        errors.insert("user".to_owned(), lang.t("Masukkan nama pengguna.", "Enter your user name.").to_owned());
    }
    if password.is_empty() {
        errors.insert("password".to_owned(), lang.t("Masukkan kata sandi.", "Enter your password.").to_owned());
    }
    if !errors.is_empty() {
        return page_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            sign_in_markup(lang, &csrf, next, &user, &[], &errors),
            cookie_list,
        );
    }
    match app::sign_in(&state, &user, password, &client_address(&headers)) {
        Ok((_, session)) => {
            let max_age = (session.expires - state.now()).num_seconds().max(1);
            let mut out = cookie_list;
            out.push(cookies::set(&state, cookies::STAFF, &session.token, "/staf", Some(max_age), SameSite::Strict));
            see_other(next, out)
        }
        Err(e) => {
            let key = if e.code == "wrong_credentials" { "password" } else { "" };
            errors.insert(key.to_owned(), message(&e, lang));
            page_response(error_status(&e), sign_in_markup(lang, &csrf, next, &user, &[], &errors), cookie_list)
        }
    }
}

/// `POST /staf/keluar`: revokes the session and clears the cookie.
pub(crate) async fn sign_out(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    raw: Result<RawInput, AppError>,
) -> Response {
    let raw = raw.unwrap_or_default();
    if !cookies::check_session_csrf(&state, &signed.token, value(&raw, "_csrf")) {
        return see_other("/staf/kotak-masuk", Vec::new());
    }
    if let Some(session) = state.signer.check(&signed.token, state.now())
        && let Err(e) = app::sign_out(&state, &session).await
    {
        // The cookie is cleared and this process refuses the token; other
        // processes sharing the store may accept it until it expires.
        tracing::error!(error = %e.message, user = %signed.account.user, "sign-out not recorded in the store");
    }
    let clear = cookies::set(&state, cookies::STAFF, "", "/staf", Some(0), SameSite::Strict);
    see_other("/staf?keluar=1", vec![clear])
}

/// The SLA badge: colour, a symbol and words.
pub(crate) fn badge(lang: Lang, badge: Badge) -> Markup {
    let (class, symbol, text) = match badge {
        Badge::OnTrack => ("on_track", "✓", lang.t("Sesuai waktu", "On track")),
        Badge::AtRisk => ("at_risk", "!", lang.t("Hampir habis", "At risk")),
        Badge::Breached => ("breached", "✕", lang.t("Terlambat", "Breached")),
        Badge::None => ("none", "–", lang.t("Tanpa standar waktu", "No time standard")),
    };
    html! { span class={ "badge " (class) } { span aria-hidden="true" { (symbol) " " } (text) } }
}

fn clock_badge(lang: Lang, state: ClockState) -> Markup {
    let (class, symbol, text) = match state {
        ClockState::OnTrack => ("on_track", "✓", lang.t("Sesuai waktu", "On track")),
        ClockState::AtRisk => ("at_risk", "!", lang.t("Hampir habis", "At risk")),
        ClockState::Breached => ("breached", "✕", lang.t("Terlambat", "Breached")),
        ClockState::Paused => {
            ("paused", "Ⅱ", lang.t("Dijeda (menunggu pemohon)", "Paused (waiting for the applicant)"))
        }
        ClockState::Stopped => ("stopped", "■", lang.t("Selesai", "Stopped")),
    };
    html! { span class={ "badge " (class) } { span aria-hidden="true" { (symbol) " " } (text) } }
}

fn visible_workflows(state: &AppState, account: &Account) -> Vec<Workflow> {
    let mut list: Vec<Workflow> = state
        .service
        .workflows()
        .into_iter()
        .filter(|w| w.organisation() == account.organisation && access::may_view(&w.definition, &account.roles))
        .collect();
    list.sort_by(|a, b| a.id().cmp(b.id()));
    list
}

/// `GET /staf/kotak-masuk?stage=&workflow=&scope=mine`
pub(crate) async fn inbox(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    lang: Lang,
    Query(filter): Query<InboxQuery>,
) -> Response {
    let title = lang.t("Kotak masuk", "Inbox");
    let workflows = visible_workflows(&state, &signed.account);
    let body = match app::inbox(&state, &signed.account, &filter).await {
        Ok(items) => {
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
                                        td data-label=(lang.t("Batas waktu", "Due")) { (item.due_text.as_deref().unwrap_or("—")) }
                                        td data-label=(lang.t("Status waktu", "Clock")) { (badge(lang, item.clock)) }
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

/// `?berhasil=` after an action.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct CaseQuery {
    berhasil: Option<String>,
}

/// What a re-rendered case page shows about a form that was refused.
#[derive(Default)]
struct Refused {
    /// What succeeded, for the confirmation (`?berhasil=`).
    done: Option<String>,
    /// The form (`aksi-<action>`, `catatan`, `lampiran`, `tugas`) and its state.
    form: Option<(String, FormState)>,
    notices: Vec<(&'static str, String)>,
}

/// `GET /staf/kasus/{id}`
pub(crate) async fn case_page(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    lang: Lang,
    Path(id): Path<String>,
    Query(q): Query<CaseQuery>,
) -> Response {
    let mut refused = Refused { done: q.berhasil.clone(), ..Refused::default() };
    if let Some(done) = q.berhasil {
        let text = match done.as_str() {
            "ambil" => lang.t("Tugas sudah Anda ambil.", "You hold the task now.").to_owned(),
            "lepas" => lang.t("Tugas sudah dilepas.", "The task was released.").to_owned(),
            "tugaskan" => lang.t("Tugas sudah ditugaskan.", "The task was assigned.").to_owned(),
            "catatan" => lang.t("Catatan tersimpan.", "Note saved.").to_owned(),
            "lampiran" => lang.t("Lampiran tersimpan.", "Attachment saved.").to_owned(),
            action => {
                let label = state
                    .service
                    .workflows()
                    .iter()
                    .find_map(|w| w.definition.action(action).map(|a| a.label.clone()))
                    .unwrap_or_else(|| action.to_owned());
                format!("{} {label}", lang.t("Tindakan berhasil:", "Action done:"))
            }
        };
        refused.notices.push(("success", text));
    }
    render_case(&state, &signed, lang, &id, refused, StatusCode::OK).await
}

async fn render_case(
    state: &AppState,
    signed: &Signed,
    lang: Lang,
    id: &str,
    refused: Refused,
    status: StatusCode,
) -> Response {
    let (case, events, workflow) = match app::load(state, &signed.account, id).await {
        Ok(x) => x,
        Err(e) => {
            let title = lang.t("Permohonan tidak ditemukan", "Case not found");
            let body = html! { h1 { (title) } (notice("error", &message(&e, lang))) p { a href="/staf/kotak-masuk" { (lang.t("Kembali ke kotak masuk", "Back to the inbox")) } } };
            return page_response(
                error_status(&e),
                page(&signed.shell(state, lang, title, "/staf/kotak-masuk"), body),
                Vec::new(),
            );
        }
    };
    let view = access::staff_view(
        &workflow.definition,
        &workflow.calendar,
        &case,
        &events,
        &signed.account.principal(),
        state.now(),
    );
    let chain = sigap_core::engine::history::verify_against(&case.id, &events, case.version, &case.head);
    let title = format!("{} {}", lang.t("Permohonan", "Case"), view.tracking_code);
    let path = format!("/staf/kasus/{}", view.id);
    let body = case_markup(state, signed, lang, &workflow, &view, &chain.map_err(|e| e.to_string()), &refused);
    page_response(status, page(&signed.shell(state, lang, &title, &path), body), Vec::new())
}

fn status_words(lang: Lang, status: Status, outcome: Option<Outcome>) -> &'static str {
    match (status, outcome) {
        (Status::Open, _) => lang.t("Dalam proses", "Open"),
        (Status::Waiting, _) => lang.t("Menunggu pemohon", "Waiting for the applicant"),
        (Status::Closed, Some(Outcome::Answered)) => lang.t("Selesai — dijawab", "Closed — answered"),
        (Status::Closed, Some(Outcome::Rejected)) => lang.t("Selesai — ditolak", "Closed — rejected"),
        (Status::Closed, Some(Outcome::Withdrawn)) => lang.t("Selesai — ditarik/ditutup", "Closed — withdrawn"),
        (Status::Closed, None) => lang.t("Selesai", "Closed"),
    }
}

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

#[allow(clippy::too_many_lines)]
fn case_markup(
    state: &AppState,
    signed: &Signed,
    lang: Lang,
    workflow: &Workflow,
    view: &StaffView,
    chain: &Result<(), String>,
    refused: &Refused,
) -> Markup {
    let d = &workflow.definition;
    let tz = workflow.calendar.time_zone();
    let when = |at| sigap_core::text::datetime(at, tz);
    let base = format!("/staf/kasus/{}", view.id);
    let csrf = signed.csrf.as_str();
    let version = view.version.to_string();
    let stage = d.stage(&view.stage);
    let is_task = stage.is_some_and(|s| s.kind == StageKind::Task);
    let me = &signed.account;
    let holds_role = view.stage_role.as_ref().is_some_and(|r| me.roles.contains(r));
    let supervises = stage.and_then(|s| s.supervisor.as_ref()).is_some_and(|r| me.roles.contains(r));
    let assignable: Vec<&Account> =
        view.stage_role.as_deref().map(|r| state.accounts.holding(&me.organisation, r).collect()).unwrap_or_default();
    let empty = FormState::default();
    let state_of = |form_id: &str| -> &FormState {
        match &refused.form {
            Some((id, st)) if id == form_id => st,
            _ => &empty,
        }
    };
    let redacted_any = view.form.iter().any(|f| f.redacted);
    html! {
        p.muted { a href="/staf/kotak-masuk" { "← " (lang.t("Kotak masuk", "Inbox")) } " · " (view.workflow_label) }
        h1 { (lang.t("Permohonan", "Case")) " " span.code { (view.tracking_code) } }
        @if let Some(done) = &refused.done {
            div #berhasil data-action=(done) {
                @for (kind, text) in &refused.notices { (notice(kind, text)) }
            }
        } @else {
            @for (kind, text) in &refused.notices { (notice(kind, text)) }
        }
        dl.facts {
            dt { (lang.t("Tahap", "Stage")) } dd #tahap { strong { (view.stage_label) } }
            dt { (lang.t("Keadaan", "State")) } dd { (status_words(lang, view.status, view.outcome)) }
            @if let Some(role) = view.stage_role.as_deref().and_then(|r| d.role(r)) {
                dt { (lang.t("Peran pelaksana", "Performing role")) } dd { (role.label) }
            }
            dt { (lang.t("Ditangani oleh", "Held by")) }
            dd #pemegang { @match &view.assignee { Some(a) => (a), None => span.muted { (lang.t("belum diambil", "unclaimed")) } } }
            dt { (lang.t("Diajukan", "Submitted")) } dd { (when(view.submitted_at)) }
            dt { (lang.t("Versi", "Version")) } dd { (view.version) " · " a href={ "/staf/prosedur/" (view.workflow) } { (lang.t("lihat prosedur", "see the procedure")) } }
        }
        div.layout {
            div {
                @if is_task && (holds_role || supervises || view.assignee.is_some()) {
                    section.panel aria-labelledby="tugas-judul" {
                        h2 #tugas-judul { (lang.t("Tugas", "Task")) }
                        @if view.assignee.is_none() && holds_role {
                            form method="post" action={ (base) "/ambil" } {
                                (hidden("_csrf", csrf)) (hidden("expected_version", &version))
                                button.primary type="submit" { (lang.t("Ambil tugas ini", "Claim this task")) }
                            }
                        }
                        @if view.assignee.as_deref() == Some(me.user.as_str()) || (view.assignee.is_some() && supervises) {
                            form method="post" action={ (base) "/lepas" } {
                                (hidden("_csrf", csrf)) (hidden("expected_version", &version))
                                button.secondary type="submit" { (lang.t("Lepaskan tugas", "Release the task")) }
                            }
                        }
                        @if (holds_role || supervises) && !assignable.is_empty() {
                            @let st = state_of("tugas");
                            form.action method="post" action={ (base) "/tugaskan" } {
                                (hidden("_csrf", csrf)) (hidden("expected_version", &version))
                                div class=(if st.errors.contains_key("user") { "field has-error" } else { "field" }) {
                                    label for="f-tugas-user" { (lang.t("Tugaskan kepada", "Assign to")) }
                                    @if let Some(e) = st.errors.get("user") { p.error-message #f-tugas-user-kesalahan { (e) } }
                                    select #f-tugas-user name="user" aria-describedby=[st.errors.get("user").map(|_| "f-tugas-user-kesalahan")] {
                                        @for a in &assignable {
                                            option value=(a.user) selected[view.assignee.as_deref() == Some(a.user.as_str())] { (a.display_name()) " (" (a.user) ")" }
                                        }
                                    }
                                }
                                button.secondary type="submit" { (lang.t("Tugaskan", "Assign")) }
                            }
                        }
                    }
                }
                section.panel aria-labelledby="tindakan-judul" {
                    h2 #tindakan-judul { (lang.t("Tindakan", "Actions")) }
                    @if view.actions.is_empty() {
                        p { (lang.t("Tidak ada tindakan yang dapat Anda lakukan pada tahap ini.", "There is nothing you can do at this stage.")) }
                        @if is_task && !holds_role {
                            p.muted { (lang.t("Tahap ini dikerjakan oleh peran lain.", "Another role performs this stage.")) }
                        }
                    }
                    @for action_id in &view.actions {
                        @if let Some(a) = d.action(action_id) {
                            @let scope = format!("aksi-{}", a.id);
                            @let st = state_of(&scope);
                            @let danger = d.stage(&a.to).is_some_and(|s| matches!(s.outcome, Some(Outcome::Rejected | Outcome::Withdrawn)));
                            form.action.stack method="post" action={ (base) "/tindakan/" (a.id) } enctype="multipart/form-data" novalidate id=(scope) {
                                h3 { (a.label) }
                                @if let Some(desc) = &a.description { p.hint { (desc) } }
                                @if a.kind == ActionKind::Answer {
                                    p.hint { (lang.t("Jawaban dan dokumennya akan dapat dibaca pemohon.", "The applicant will read the answer and its document.")) }
                                }
                                @let items: Vec<(Option<String>, String)> = a.inputs.iter().filter_map(|f| st.errors.get(&f.id).map(|e| (Some(form::anchor(&scope, &f.id, Some(f), Some(d))), e.clone()))).collect();
                                (error_summary(lang, &items))
                                (hidden("_csrf", csrf))
                                (hidden("_idem", &idempotency_key()))
                                (hidden("expected_version", &version))
                                @for f in &a.inputs {
                                    (form::field(lang, Some(d), f, &f.id, &scope, st))
                                    @if f.public { p.hint { (lang.t("Isian ini akan dibaca pemohon.", "The applicant will read this.")) } }
                                }
                                button class=(if danger { "danger" } else { "primary" }) type="submit" { (a.label) }
                            }
                        }
                    }
                }
                section.panel aria-labelledby="formulir-judul" {
                    h2 #formulir-judul { (lang.t("Formulir permohonan", "Request form")) }
                    @if redacted_any {
                        p.notice role="note" { (lang.t(
                            "Sebagian isian dirahasiakan: peran Anda tidak berwenang melihat identitas pemohon.",
                            "Some fields are hidden: your role may not see the applicant's identity.")) }
                    }
                    dl.facts {
                        @for f in &view.form {
                            dt { (f.label) }
                            dd data-field=(f.id) {
                                @if f.redacted {
                                    span.badge.redacted { (lang.t("dirahasiakan", "redacted")) }
                                    span.visually-hidden { (lang.t(" — Anda tidak berwenang melihat isian ini", " — you may not see this field")) }
                                } @else if !f.files.is_empty() {
                                    ul { @for file in &f.files { li { a href={ (base) "/berkas/" (file.id) } download { (file.name) } } } }
                                } @else {
                                    span.pre { (f.value.as_deref().unwrap_or("—")) }
                                }
                            }
                        }
                    }
                }
                @if let Some(answer) = &view.answer {
                    section.panel aria-labelledby="jawaban-judul" {
                        h2 #jawaban-judul { (lang.t("Jawaban", "Answer")) }
                        p { (d.product(&answer.product).map_or(answer.product.as_str(), |p| p.label.as_str())) " · " (when(answer.at)) }
                        @if let Some(m) = &answer.message { p.pre { (m) } }
                    }
                }
                @if !view.messages.is_empty() {
                    section.panel.messages aria-labelledby="pesan-judul" {
                        h2 #pesan-judul { (lang.t("Pesan kepada pemohon", "Messages to the applicant")) }
                        @for m in &view.messages {
                            article { p.muted { (d.action(&m.action).map_or(m.action.as_str(), |a| a.label.as_str())) " · " (when(m.at)) } p.pre { (m.text) } }
                        }
                    }
                }
                @if let Some(survey) = &view.survey {
                    section.panel aria-labelledby="survei-judul" {
                        h2 #survei-judul { (lang.t("Survei kepuasan", "Satisfaction survey")) }
                        dl.facts {
                            @for q in d.file().survey.iter().flat_map(|s| s.questions.iter()) {
                                @if let Some(v) = survey.get(&q.id) { dt { (q.label) } dd { (v.display()) } }
                            }
                        }
                    }
                }
            }
            div {
                section.panel aria-labelledby="waktu-judul" {
                    h2 #waktu-judul { (lang.t("Waktu layanan", "Clocks")) }
                    div.table-wrap { table.cards.always {
                        thead { tr {
                            th scope="col" { (lang.t("Tahap", "Stage")) }
                            th scope="col" { (lang.t("Standar", "Standard")) }
                            th scope="col" { (lang.t("Terpakai", "Used")) }
                            th scope="col" { (lang.t("Batas", "Due")) }
                            th scope="col" { (lang.t("Status", "State")) }
                        } }
                        tbody {
                            @for c in &view.clocks {
                                @let st = d.stage(&c.clock);
                                tr {
                                    td data-label=(lang.t("Tahap", "Stage")) { (st.map_or_else(|| lang.t("Keseluruhan", "Overall").to_owned(), |s| s.label.clone())) }
                                    td data-label=(lang.t("Standar", "Standard")) { (st.and_then(|s| s.time_standard).map_or_else(|| "—".to_owned(), |t| t.to_indonesian())) }
                                    td data-label=(lang.t("Terpakai", "Used")) { (sigap_core::text::working_time(c.elapsed)) }
                                    td data-label=(lang.t("Batas", "Due")) { (c.due.map_or_else(|| "—".to_owned(), when)) }
                                    td data-label=(lang.t("Status", "State")) { (clock_badge(lang, c.state)) }
                                }
                            }
                        }
                    } }
                }
                section.panel aria-labelledby="lampiran-judul" {
                    h2 #lampiran-judul { (lang.t("Lampiran", "Attachments")) }
                    @if view.attachments.is_empty() { p { (lang.t("Belum ada lampiran.", "No attachments yet.")) } }
                    ul {
                        @for a in &view.attachments {
                            li {
                                a href={ (base) "/berkas/" (a.file.id) } download { (a.file.name) }
                                " · " (a.by.describe()) " · " (when(a.at))
                                @if let Some(desc) = &a.description { " — " (desc) }
                                @if a.public { " " span.badge.none { (lang.t("terlihat pemohon", "visible to the applicant")) } }
                            }
                        }
                    }
                    @let st = state_of("lampiran");
                    @let upload_field = app::attachment_field();
                    form.action.stack method="post" action={ (base) "/lampiran" } enctype="multipart/form-data" novalidate {
                        (hidden("_csrf", csrf))
                        (form::field(lang, None, &upload_field, "file", "lampiran", st))
                        div.field {
                            label for="f-lampiran-description" { (lang.t("Keterangan", "Description")) span.opt { "(" (lang.t("tidak wajib", "optional")) ")" } }
                            input #f-lampiran-description type="text" name="description" maxlength="200" value=(st.values.get("description").map_or("", String::as_str));
                        }
                        button.secondary type="submit" { (lang.t("Unggah lampiran", "Upload")) }
                    }
                }
                section.panel aria-labelledby="catatan-judul" {
                    h2 #catatan-judul { (lang.t("Catatan internal", "Internal notes")) }
                    p.hint { (lang.t("Tidak pernah ditampilkan kepada pemohon.", "Never shown to the applicant.")) }
                    @for n in &view.notes {
                        article {
                            p.muted { (n.author.describe()) " · " (when(n.at)) @if n.obstacle { " " span.badge.obstacle { (lang.t("hambatan", "obstacle")) } } }
                            p.pre { (n.text) }
                        }
                    }
                    @let st = state_of("catatan");
                    form.action.stack method="post" action={ (base) "/catatan" } novalidate {
                        (hidden("_csrf", csrf)) (hidden("expected_version", &version))
                        @let err = st.errors.get("text");
                        div class=(if err.is_some() { "field has-error" } else { "field" }) {
                            label for="f-catatan-text" { (lang.t("Catatan baru", "New note")) }
                            @if let Some(e) = err { p.error-message #f-catatan-text-kesalahan { span.visually-hidden { (lang.t("Kesalahan: ", "Error: ")) } (e) } }
                            textarea #f-catatan-text name="text" rows="4" maxlength="4000" aria-invalid=[err.map(|_| "true")]
                                aria-describedby=[err.map(|_| "f-catatan-text-kesalahan")] { (st.values.get("text").map_or("", String::as_str)) }
                        }
                        div.field.choices {
                            label for="f-catatan-obstacle" {
                                input #f-catatan-obstacle type="checkbox" name="obstacle" value="true" aria-describedby="f-catatan-obstacle-petunjuk"
                                    checked[st.values.get("obstacle").is_some_and(|v| v == "true")];
                                span { (lang.t("Catat sebagai hambatan", "Record as an obstacle")) }
                            }
                            p.hint #f-catatan-obstacle-petunjuk { (lang.t(
                                "Hambatan muncul dalam laporan evaluasi tahunan untuk Gubernur. Jangan tulis identitas pemohon (nama, NIP, jabatan, unit kerja, kontak).",
                                "Obstacles appear in the annual evaluation for the Governor. Do not write the applicant's identity (name, NIP, position, unit, contact).")) }
                        }
                        button.secondary type="submit" { (lang.t("Simpan catatan", "Save the note")) }
                    }
                }
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
    }
}

/// Reads a staff form and checks its CSRF token against the session.
async fn posted(
    state: &AppState,
    signed: &Signed,
    lang: Lang,
    id: &str,
    raw: Result<RawInput, AppError>,
    form_id: &str,
) -> Result<RawInput, Response> {
    let raw = match raw {
        Ok(raw) => raw,
        Err(e) => {
            let refused = Refused { done: None, form: None, notices: vec![("error", message(&e, lang))] };
            return Err(render_case(state, signed, lang, id, refused, error_status(&e)).await);
        }
    };
    if !cookies::check_session_csrf(state, &signed.token, value(&raw, "_csrf")) {
        let mut st = FormState::with_values(text_values(&raw));
        st.files_dropped = raw.files.iter().map(|f| f.name.clone()).collect();
        let refused = Refused {
            done: None,
            form: Some((form_id.to_owned(), st)),
            notices: vec![("error", lang.t(
                "Formulir ini sudah kedaluwarsa (halaman dibuka sebelum Anda masuk lagi). Isian Anda masih ada: periksa dan kirim lagi.",
                "This form expired (the page was opened before you signed in again). Your input is kept: check it and send again.").to_owned())],
        };
        return Err(render_case(state, signed, lang, id, refused, StatusCode::FORBIDDEN).await);
    }
    Ok(raw)
}

/// Shows a refusal: a stale page sees what happened; field problems go next to the fields.
async fn refusal(
    state: &AppState,
    signed: &Signed,
    lang: Lang,
    id: &str,
    form_id: &str,
    raw: &RawInput,
    e: &AppError,
) -> Response {
    let mut st = FormState::with_values(text_values(raw));
    st.files_dropped = raw.files.iter().map(|f| f.name.clone()).collect();
    let mut notices = Vec::new();
    match e.code {
        "stale_version" | "wrong_stage" | "case_closed" | "assigned_to_other" | "no_task" => {
            notices.push((
                "warning",
                format!("{} {}", message(e, lang), lang.t(
                "Halaman di bawah ini menunjukkan keadaan terbaru; periksa riwayat untuk melihat apa yang terjadi.",
                "The page below shows where the case stands now; the history shows what happened.")),
            ));
            st.errors.clear();
            return render_case(
                state,
                signed,
                lang,
                id,
                Refused { done: None, form: None, notices },
                StatusCode::CONFLICT,
            )
            .await;
        }
        _ => {}
    }
    st.errors = field_errors(e, lang).into_iter().collect();
    notices.push(("error", message(e, lang)));
    render_case(
        state,
        signed,
        lang,
        id,
        Refused { done: None, form: Some((form_id.to_owned(), st)), notices },
        error_status(e),
    )
    .await
}

/// `POST /staf/kasus/{id}/tindakan/{action}`: through `app::staff::perform`.
pub(crate) async fn perform(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    lang: Lang,
    Path((id, action)): Path<(String, String)>,
    raw: Result<RawInput, AppError>,
) -> Response {
    let form_id = format!("aksi-{action}");
    let raw = match posted(&state, &signed, lang, &id, raw, &form_id).await {
        Ok(raw) => raw,
        Err(r) => return r,
    };
    let key = crate::app::idempotency_key(value(&raw, "_idem")).unwrap_or_default();
    match app::perform(&state, &signed.account, &id, &action, &raw, key).await {
        Ok(_) => see_other(&format!("/staf/kasus/{id}?berhasil={action}"), Vec::new()),
        Err(e) => refusal(&state, &signed, lang, &id, &form_id, &raw, &e).await,
    }
}

#[allow(clippy::too_many_arguments)]
async fn simple_command(
    state: &AppState,
    signed: &Signed,
    lang: Lang,
    id: &str,
    raw: Result<RawInput, AppError>,
    form_id: &str,
    done: &str,
    command: impl FnOnce(&RawInput) -> Result<Command, AppError>,
) -> Response {
    let raw = match posted(state, signed, lang, id, raw, form_id).await {
        Ok(raw) => raw,
        Err(r) => return r,
    };
    let result = match (command(&raw), raw.expected_version()) {
        (Ok(command), Ok(expected)) => {
            app::command(state, &signed.account, id, command, expected, None).await.map(|_| ())
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match result {
        Ok(()) => see_other(&format!("/staf/kasus/{id}?berhasil={done}"), Vec::new()),
        Err(e) => refusal(state, signed, lang, id, form_id, &raw, &e).await,
    }
}

/// `POST /staf/kasus/{id}/ambil`
pub(crate) async fn claim(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    lang: Lang,
    Path(id): Path<String>,
    raw: Result<RawInput, AppError>,
) -> Response {
    simple_command(&state, &signed, lang, &id, raw, "tugas", "ambil", |_| Ok(Command::Claim)).await
}

/// `POST /staf/kasus/{id}/lepas`
pub(crate) async fn release(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    lang: Lang,
    Path(id): Path<String>,
    raw: Result<RawInput, AppError>,
) -> Response {
    simple_command(&state, &signed, lang, &id, raw, "tugas", "lepas", |_| Ok(Command::Release)).await
}

/// `POST /staf/kasus/{id}/tugaskan`: through `app::staff::assign_command`.
pub(crate) async fn assign(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    lang: Lang,
    Path(id): Path<String>,
    raw: Result<RawInput, AppError>,
) -> Response {
    let account = signed.account.clone();
    let st = state.clone();
    simple_command(&state, &signed, lang, &id, raw, "tugas", "tugaskan", move |raw| {
        assign_command(&st, &account, value(raw, "user").unwrap_or(""))
    })
    .await
}

/// `POST /staf/kasus/{id}/catatan`
pub(crate) async fn note(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    lang: Lang,
    Path(id): Path<String>,
    raw: Result<RawInput, AppError>,
) -> Response {
    simple_command(&state, &signed, lang, &id, raw, "catatan", "catatan", |raw| {
        Ok(Command::AddNote {
            text: value(raw, "text").unwrap_or("").to_owned(),
            obstacle: value(raw, "obstacle") == Some("true"),
        })
    })
    .await
}

/// `POST /staf/kasus/{id}/lampiran`: through `app::staff::upload`.
pub(crate) async fn upload(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    lang: Lang,
    Path(id): Path<String>,
    raw: Result<RawInput, AppError>,
) -> Response {
    let raw = match posted(&state, &signed, lang, &id, raw, "lampiran").await {
        Ok(raw) => raw,
        Err(r) => return r,
    };
    match app::upload(&state, &signed.account, &id, &raw).await {
        Ok(_) => see_other(&format!("/staf/kasus/{id}?berhasil=lampiran"), Vec::new()),
        Err(e) => refusal(&state, &signed, lang, &id, "lampiran", &raw, &e).await,
    }
}

/// `GET /staf/kasus/{id}/berkas/{file}`: through `app::staff::attachment`.
pub(crate) async fn download(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    lang: Lang,
    Path((id, file)): Path<(String, String)>,
) -> Response {
    match app::attachment(&state, &signed.account, &id, &file).await {
        Ok(file) => crate::http::download(file),
        Err(e) => {
            render_case(
                &state,
                &signed,
                lang,
                &id,
                Refused { done: None, form: None, notices: vec![("error", message(&e, lang))] },
                error_status(&e),
            )
            .await
        }
    }
}
