//! The applicant's pages: the services, the intake form, the receipt, and
//! following a request with its tracking code and secret (kept afterwards
//! in an HttpOnly cookie scoped to that case's pages).

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;
use sigap_core::definition::{ActionKind, Field, FieldKind};
use sigap_core::engine::{Case, Status};
use sigap_core::form::{Input, Value};
use sigap_core::workflow::Workflow;

use super::cookies::{self, SameSite};
use super::i18n::Lang;
use super::status as error_status;
use super::{
    chosen_files, field_errors, html as page_response, idempotency_key, message, see_other, text_values, value,
};
use crate::app::applicant::{self, Receipt, Tracking, find_open, open_tracked};
use crate::app::input::RawInput;
use crate::app::{AppError, Kind};
use crate::html::form::{self, FormState, anchor, error_summary, hidden};
use crate::html::layout::{Nav, Shell, notice, page};
use crate::http::client_address;
use crate::state::AppState;

fn shell<'a>(lang: Lang, title: &'a str, path: &'a str) -> Shell<'a> {
    Shell { lang, title, nav: Nav::Public, path }
}

/// `GET /`: the services open for requests.
pub(crate) async fn services(State(state): State<Arc<AppState>>, lang: Lang, headers: HeaderMap) -> Response {
    let (_, cookie) = cookies::browser(&state, &headers);
    let mut workflows: Vec<Workflow> =
        state.service.workflows().into_iter().filter(|w| w.definition.file().open).collect();
    workflows.sort_by(|a, b| (a.organisation(), a.id()).cmp(&(b.organisation(), b.id())));
    let title = lang.t("Layanan hukum elektronik", "Electronic legal services");
    let body = html! {
        h1 { (title) }
        p.lead { (lang.t(
            "Ajukan permohonan secara daring, lalu pantau prosesnya dengan kode pelacakan dan kode rahasia yang Anda terima.",
            "Submit a request online, then follow it with the tracking code and secret you receive.")) }
        ul.services {
            @for w in &workflows {
                @let file = w.definition.file();
                li {
                    h2 { a href={ "/layanan/" (w.id()) @if ambiguous(&state, w) { "?organisation=" (w.organisation()) } } { (file.label) } }
                    p.muted { (file.organisation.name) @if let Some(unit) = &file.organisation.unit { " — " (unit) } }
                    @if let Some(d) = &file.description { p { (d) } }
                    p { a.button href={ "/layanan/" (w.id()) @if ambiguous(&state, w) { "?organisation=" (w.organisation()) } } {
                        (lang.t("Ajukan permohonan", "Submit a request"))
                        span.visually-hidden { ": " (file.label) }
                    } }
                }
            }
        }
        h2 { (lang.t("Sudah mengajukan?", "Already submitted?")) }
        p { a href="/lacak" { (lang.t("Lacak permohonan Anda", "Track your request")) } }
    };
    page_response(StatusCode::OK, page(&shell(lang, title, "/"), body), cookie.into_iter().collect())
}

fn ambiguous(state: &AppState, workflow: &Workflow) -> bool {
    state.service.workflows().iter().filter(|w| w.id() == workflow.id()).count() > 1
}

/// `?organisation=` when a workflow id is offered by several organisations.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct OrgQuery {
    organisation: Option<String>,
}

/// `GET /layanan/{workflow}`: the intake form.
pub(crate) async fn form_page(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(q): Query<OrgQuery>,
    lang: Lang,
    headers: HeaderMap,
) -> Response {
    let (nonce, cookie) = cookies::browser(&state, &headers);
    let csrf = cookies::browser_csrf(&state, &nonce);
    match find_open(&state, &id, q.organisation.as_deref()) {
        Ok(workflow) => {
            let markup = intake_page(&state, lang, &workflow, &FormState::default(), &[], &csrf, None);
            page_response(StatusCode::OK, markup, cookie.into_iter().collect())
        }
        Err(e) => error_page(lang, &e, cookie),
    }
}

/// A page that only says what went wrong.
pub(crate) fn error_page(lang: Lang, error: &AppError, cookie: Option<HeaderValue>) -> Response {
    let title = match error.kind {
        Kind::NotFound => lang.t("Halaman tidak ditemukan", "Page not found"),
        _ => lang.t("Permintaan tidak dapat diproses", "The request cannot be processed"),
    };
    let body = html! {
        h1 { (title) }
        (notice("error", &message(error, lang)))
        p { a href="/" { (lang.t("Kembali ke daftar layanan", "Back to the services")) } }
    };
    page_response(error_status(error), page(&shell(lang, title, "/"), body), cookie.into_iter().collect())
}

fn intake_page(
    state: &AppState,
    lang: Lang,
    workflow: &Workflow,
    form_state: &FormState,
    top: &[String],
    csrf: &str,
    organisation: Option<&str>,
) -> Markup {
    let definition = &workflow.definition;
    let file = definition.file();
    let fields = &file.form.fields;
    let summary = summary_items(lang, workflow, "", form_state, top);
    let (identity, rest): (Vec<&Field>, Vec<&Field>) = fields.iter().partition(|f| f.confidential);
    let path = format!("/layanan/{}", workflow.id());
    let action = match organisation {
        Some(o) => format!("{path}?organisation={o}"),
        None if ambiguous(state, workflow) => format!("{path}?organisation={}", workflow.organisation()),
        None => path.clone(),
    };
    let body = html! {
        p.muted { (file.label) " — " (file.organisation.name) }
        h1 { (file.form.label) }
        @if let Some(d) = &file.form.description { p.lead { (d) } }
        (error_summary(lang, &summary))
        p { (lang.t("Isian bertanda “wajib” harus diisi. Periksa kembali sebelum mengirim.",
                    "Fields marked “required” must be filled in. Check before sending.")) }
        form.stack method="post" action=(action) enctype="multipart/form-data" novalidate {
            (hidden("_csrf", csrf))
            (hidden("_idem", &idempotency_key()))
            @if !identity.is_empty() {
                h2 { (lang.t("Identitas Anda", "Your identity")) }
                p.hint { (lang.t(
                    "Identitas Anda dirahasiakan: hanya petugas yang berwenang yang dapat melihatnya.",
                    "Your identity is confidential: only authorised staff can see it.")) }
                @for f in &identity { (form::field(lang, Some(definition), f, &f.id, "", form_state)) }
                h2 { (lang.t("Permohonan", "Your request")) }
            }
            @for f in &rest { (form::field(lang, Some(definition), f, &f.id, "", form_state)) }
            button.primary type="submit" { (definition.submit_action().label) }
        }
    };
    page(&shell(lang, &file.form.label, &path), body)
}

/// Summary items for a form's errors: fields in form order first, then the rest.
fn summary_items(
    lang: Lang,
    workflow: &Workflow,
    prefix: &str,
    form_state: &FormState,
    top: &[String],
) -> Vec<(Option<String>, String)> {
    let _ = lang;
    let definition = &workflow.definition;
    let mut items: Vec<(Option<String>, String)> = top.iter().map(|t| (None, t.clone())).collect();
    let mut seen = Vec::new();
    for f in &definition.file().form.fields {
        let name = if prefix.is_empty() { f.id.clone() } else { format!("{prefix}.{}", f.id) };
        if let Some(text) = form_state.errors.get(&name) {
            items.push((Some(anchor("", &name, Some(f), Some(definition))), text.clone()));
            seen.push(name);
        }
    }
    for (name, text) in &form_state.errors {
        if !seen.contains(name) {
            items.push((None, text.clone()));
        }
    }
    items
}

/// `POST /layanan/{workflow}`: submits through `app::applicant::submit`.
pub(crate) async fn submit(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(q): Query<OrgQuery>,
    lang: Lang,
    headers: HeaderMap,
    raw: Result<RawInput, AppError>,
) -> Response {
    let (nonce, cookie) = cookies::browser(&state, &headers);
    let csrf = cookies::browser_csrf(&state, &nonce);
    let cookie_list: Vec<HeaderValue> = cookie.clone().into_iter().collect();
    let workflow = match find_open(&state, &id, q.organisation.as_deref()) {
        Ok(w) => w,
        Err(e) => return error_page(lang, &e, cookie),
    };
    let raw = match raw {
        Ok(raw) => raw,
        Err(e) => {
            let markup = intake_page(
                &state,
                lang,
                &workflow,
                &FormState::default(),
                &[message(&e, lang)],
                &csrf,
                q.organisation.as_deref(),
            );
            return page_response(error_status(&e), markup, cookie_list);
        }
    };
    let mut form_state = FormState::with_values(text_values(&raw));
    form_state.files_dropped = chosen_files(&raw);
    if !cookies::check_browser_csrf(&state, &headers, value(&raw, "_csrf")) {
        let top = lang.t(
            "Formulir ini sudah kedaluwarsa atau dibuka di jendela lain. Isian Anda masih ada: periksa dan kirim lagi.",
            "This form expired or was opened in another window. Your answers are kept: check them and send again.",
        );
        let markup =
            intake_page(&state, lang, &workflow, &form_state, &[top.to_owned()], &csrf, q.organisation.as_deref());
        return page_response(StatusCode::FORBIDDEN, markup, cookie_list);
    }
    let key =
        value(&raw, "_idem").filter(|k| !k.is_empty() && k.len() <= 200 && k.chars().all(|c| c.is_ascii_graphic()));
    match applicant::submit(&state, &workflow, &raw, key.map(str::to_owned)).await {
        Ok((receipt, _created)) => {
            let mut cookies_out = cookie_list;
            cookies_out.push(track_cookie(&state, &receipt.tracking_code, &receipt.secret));
            let markup = receipt_page(lang, &workflow, &receipt);
            page_response(StatusCode::OK, markup, cookies_out)
        }
        Err(e) => {
            form_state.errors = field_errors(&e, lang).into_iter().collect();
            let top = if e.fields.is_empty() { vec![message(&e, lang)] } else { Vec::new() };
            let markup = intake_page(&state, lang, &workflow, &form_state, &top, &csrf, q.organisation.as_deref());
            page_response(error_status(&e), markup, cookie_list)
        }
    }
}

fn track_cookie(state: &AppState, code: &str, secret: &str) -> HeaderValue {
    let value = if cookies::well_formed(secret) { secret } else { "" };
    cookies::set(state, cookies::TRACK, value, &format!("/lacak/{code}"), Some(60 * 60 * 12), SameSite::Lax)
}

fn receipt_page(lang: Lang, workflow: &Workflow, receipt: &Receipt) -> Markup {
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

/// `?kode=` on the tracking form.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct TrackQuery {
    kode: Option<String>,
}

/// `GET /lacak`: enter the tracking code and secret.
pub(crate) async fn track_form(
    State(state): State<Arc<AppState>>,
    Query(q): Query<TrackQuery>,
    lang: Lang,
    headers: HeaderMap,
) -> Response {
    let (nonce, cookie) = cookies::browser(&state, &headers);
    let csrf = cookies::browser_csrf(&state, &nonce);
    let mut st = FormState::default();
    if let Some(code) = q.kode {
        st.values.insert("kode".to_owned(), code);
    }
    page_response(StatusCode::OK, track_form_page(lang, &st, &[], &csrf), cookie.into_iter().collect())
}

fn code_field() -> Field {
    toml::from_str("id = \"kode\"\nlabel = \"Kode pelacakan\"\ntype = \"text\"\nrequired = true\nmax_length = 40\nhelp = \"Tertera pada tanda terima, misalnya SGP-7K3M-Q9TX\"\n")
        .expect("the field parses")
}

fn secret_field() -> Field {
    toml::from_str("id = \"rahasia\"\nlabel = \"Kode rahasia\"\ntype = \"text\"\nrequired = true\nmax_length = 100\nhelp = \"Kode rahasia yang ditampilkan sekali pada tanda terima\"\n")
        .expect("the field parses")
}

fn track_form_page(lang: Lang, st: &FormState, top: &[String], csrf: &str) -> Markup {
    let title = lang.t("Lacak permohonan", "Track a request");
    let (code, secret) = (code_field(), secret_field());
    let mut items: Vec<(Option<String>, String)> = top.iter().map(|t| (None, t.clone())).collect();
    for f in [&code, &secret] {
        if let Some(e) = st.errors.get(&f.id) {
            items.push((Some(form::field_id("", &f.id)), e.clone()));
        }
    }
    let body = html! {
        h1 { (title) }
        p { (lang.t(
            "Masukkan kode pelacakan dan kode rahasia dari tanda terima. Kode rahasia tidak akan muncul di alamat halaman.",
            "Enter the tracking code and the secret from your receipt. The secret never appears in the page address.")) }
        (error_summary(lang, &items))
        form.stack method="post" action="/lacak" novalidate {
            (hidden("_csrf", csrf))
            (form::field(lang, None, &code, "kode", "", st))
            (form::field(lang, None, &secret, "rahasia", "", st))
            button.primary type="submit" { (lang.t("Lihat permohonan", "Open the request")) }
        }
    };
    page(&shell(lang, title, "/lacak"), body)
}

/// `POST /lacak`: checks the code and secret with `app::applicant::open_tracked`, then keeps the capability in a cookie.
pub(crate) async fn track_open(
    State(state): State<Arc<AppState>>,
    lang: Lang,
    headers: HeaderMap,
    raw: Result<RawInput, AppError>,
) -> Response {
    let (nonce, cookie) = cookies::browser(&state, &headers);
    let csrf = cookies::browser_csrf(&state, &nonce);
    let cookie_list: Vec<HeaderValue> = cookie.into_iter().collect();
    let raw = match raw {
        Ok(raw) => raw,
        Err(e) => {
            return page_response(
                error_status(&e),
                track_form_page(lang, &FormState::default(), &[message(&e, lang)], &csrf),
                cookie_list,
            );
        }
    };
    let mut st = FormState::with_values(text_values(&raw));
    st.values.remove("rahasia");
    if !cookies::check_browser_csrf(&state, &headers, value(&raw, "_csrf")) {
        let top = lang.t(
            "Halaman ini sudah kedaluwarsa; masukkan kode sekali lagi.",
            "This page expired; enter the codes again.",
        );
        return page_response(StatusCode::FORBIDDEN, track_form_page(lang, &st, &[top.to_owned()], &csrf), cookie_list);
    }
    let code = value(&raw, "kode").unwrap_or("").trim().to_owned();
    let secret = value(&raw, "rahasia").map(str::trim).filter(|s| !s.is_empty());
    match open_tracked(&state, &code, secret, &client_address(&headers)).await {
        Ok((case, _)) => {
            let code = case.tracking_code.to_string();
            let mut out = cookie_list;
            out.push(track_cookie(&state, &code, secret.unwrap_or_default()));
            see_other(&format!("/lacak/{code}"), out)
        }
        Err(e) => {
            let text = message(&e, lang);
            match e.code {
                "not_found" => {
                    st.errors.insert(
                        "kode".to_owned(),
                        lang.t(
                            "Kode pelacakan tidak ditemukan. Periksa kembali kode pada tanda terima.",
                            "No request has this tracking code. Check the code on your receipt.",
                        )
                        .to_owned(),
                    );
                }
                "secret_required" | "wrong_secret" => {
                    st.errors.insert("rahasia".to_owned(), text);
                }
                _ => return page_response(error_status(&e), track_form_page(lang, &st, &[text], &csrf), cookie_list),
            }
            page_response(error_status(&e), track_form_page(lang, &st, &[], &csrf), cookie_list)
        }
    }
}

/// The case behind a tracking page, opened with the cookie's secret.
async fn opened(state: &AppState, code: &str, headers: &HeaderMap) -> Result<(Case, Workflow), Option<AppError>> {
    let secret = cookies::get(headers, cookies::TRACK).ok_or(None)?;
    open_tracked(state, code, Some(&secret), &client_address(headers)).await.map_err(Some)
}

/// Without a valid capability: the form to enter the secret for this code.
fn ask_secret(state: &AppState, lang: Lang, code: &str, headers: &HeaderMap, error: Option<AppError>) -> Response {
    let (nonce, cookie) = cookies::browser(state, headers);
    let csrf = cookies::browser_csrf(state, &nonce);
    let mut st = FormState::default();
    st.values.insert("kode".to_owned(), code.to_owned());
    let mut out: Vec<HeaderValue> = cookie.into_iter().collect();
    let top = match &error {
        Some(e) if e.code == "too_many_attempts" => vec![message(e, lang)],
        Some(_) => {
            out.push(cookies::set(state, cookies::TRACK, "", &format!("/lacak/{code}"), Some(0), SameSite::Lax));
            vec![
                lang.t(
                    "Masukkan kode rahasia lagi untuk membuka permohonan ini.",
                    "Enter the secret again to open this request.",
                )
                .to_owned(),
            ]
        }
        None => Vec::new(),
    };
    page_response(StatusCode::OK, track_form_page(lang, &st, &top, &csrf), out)
}

/// `?berhasil=<action>` after a successful action.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct DoneQuery {
    berhasil: Option<String>,
}

/// `GET /lacak/{code}`: the tracking page.
pub(crate) async fn tracking_page(
    State(state): State<Arc<AppState>>,
    Path(code): Path<String>,
    Query(q): Query<DoneQuery>,
    lang: Lang,
    headers: HeaderMap,
) -> Response {
    let (case, workflow) = match opened(&state, &code, &headers).await {
        Ok(x) => x,
        Err(e) => return ask_secret(&state, lang, &code, &headers, e),
    };
    let mut notices = Vec::new();
    if let Some(done) = q.berhasil.as_deref() {
        let text = match done {
            "survei" => {
                lang.t("Terima kasih, survei Anda sudah kami terima.", "Thank you, we have your survey.").to_owned()
            }
            action => match workflow.definition.action(action) {
                Some(a) => format!("{}: {}", lang.t("Berhasil", "Done"), a.label),
                None => lang.t("Berhasil.", "Done.").to_owned(),
            },
        };
        notices.push(("success", text));
    }
    render_tracking(&state, lang, &headers, &case, &workflow, &notices, &FormState::default(), StatusCode::OK).await
}

#[allow(clippy::too_many_arguments)]
async fn render_tracking(
    state: &AppState,
    lang: Lang,
    headers: &HeaderMap,
    case: &Case,
    workflow: &Workflow,
    notices: &[(&str, String)],
    survey_state: &FormState,
    status: StatusCode,
) -> Response {
    let (nonce, cookie) = cookies::browser(state, headers);
    let csrf = cookies::browser_csrf(state, &nonce);
    let tracking = match applicant::tracking(state, case, workflow).await {
        Ok(t) => t,
        Err(e) => return error_page(lang, &e, cookie),
    };
    let markup = tracking_markup(lang, workflow, &tracking, notices, survey_state, &csrf);
    page_response(status, markup, cookie.into_iter().collect())
}

fn status_words(lang: Lang, status: Status) -> &'static str {
    match status {
        Status::Open => lang.t("Sedang diproses", "In progress"),
        Status::Waiting => lang.t("Menunggu tindakan Anda", "Waiting for you"),
        Status::Closed => lang.t("Selesai", "Closed"),
    }
}

fn tracking_markup(
    lang: Lang,
    workflow: &Workflow,
    t: &Tracking,
    notices: &[(&str, String)],
    survey_state: &FormState,
    csrf: &str,
) -> Markup {
    let v = &t.view;
    let tz = workflow.calendar.time_zone();
    let when = |at| sigap_core::text::datetime(at, tz);
    let definition = &workflow.definition;
    let code = &v.tracking_code;
    let title = format!("{} {}", lang.t("Permohonan", "Request"), code);
    let path = format!("/lacak/{code}");
    let base = format!("/lacak/{code}");
    let survey = definition.file().survey.as_ref();
    let survey_items: Vec<(Option<String>, String)> = survey
        .map(|s| {
            s.questions
                .iter()
                .filter_map(|q| {
                    let name = format!("answers.{}", q.id);
                    survey_state.errors.get(&name).map(|e| (Some(anchor("survei", &name, Some(q), None)), e.clone()))
                })
                .collect()
        })
        .unwrap_or_default();
    let body = html! {
        p.muted { (v.workflow_label) " — " (v.organisation) }
        h1 { (lang.t("Permohonan", "Request")) " " span.code { (code) } }
        div #pemberitahuan { @for (kind, text) in notices { (notice(kind, text)) } }
        section.panel aria-labelledby="status-judul" {
            h2 #status-judul { (lang.t("Status", "Status")) }
            dl.facts {
                @if let Some(stage) = &v.stage_label {
                    dt { (lang.t("Tahap saat ini", "Current stage")) }
                    dd #tahap { strong { (stage) } }
                }
                dt { (lang.t("Keadaan", "State")) }
                dd { (status_words(lang, v.status)) }
                @if let Some(due) = &t.due_text {
                    dt { (lang.t("Dijadwalkan selesai paling lambat", "Scheduled to finish by")) }
                    dd { (due) }
                }
                dt { (lang.t("Diajukan", "Submitted")) }
                dd { (when(v.submitted_at)) }
            }
        }
        @if let Some(answer) = &v.answer {
            section.panel aria-labelledby="jawaban-judul" {
                h2 #jawaban-judul { (lang.t("Jawaban", "Answer")) }
                dl.facts {
                    dt { (lang.t("Produk layanan", "Product")) } dd { (answer.product) }
                    dt { (lang.t("Disampaikan", "Delivered")) } dd { (when(answer.at)) }
                }
                @if let Some(m) = &answer.message { p.pre { (m) } }
                @if !answer.documents.is_empty() {
                    ul {
                        @for d in &answer.documents {
                            li { a href={ (base) "/berkas/" (d.id) } download { (lang.t("Unduh ", "Download ")) (d.name) } " (" (size(d.size)) ")" }
                        }
                    }
                }
            }
        }
        @if !v.actions.is_empty() {
            section.panel aria-labelledby="tindakan-judul" {
                h2 #tindakan-judul { (lang.t("Yang dapat Anda lakukan", "What you can do")) }
                ul {
                    @for id in &v.actions {
                        @if let Some(a) = definition.action(id) {
                            li {
                                a href={ (base) "/tindakan/" (id) } { (a.label) }
                                @if let Some(d) = &a.description { " — " (d) }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(survey) = survey {
            @if v.survey_open {
                section.panel aria-labelledby="survei-judul" {
                    h2 #survei-judul { (survey.label) }
                    @if let Some(d) = &survey.description { p { (d) } }
                    (error_summary(lang, &survey_items))
                    form.stack method="post" action={ (base) "/survei" } novalidate {
                        (hidden("_csrf", csrf))
                        @for q in &survey.questions {
                            (form::field(lang, Some(definition), q, &format!("answers.{}", q.id), "survei", survey_state))
                        }
                        button.primary type="submit" { (lang.t("Kirim penilaian", "Send your rating")) }
                    }
                }
            } @else if v.survey_done {
                section.panel aria-labelledby="survei-judul" {
                    h2 #survei-judul { (survey.label) }
                    p { (lang.t("Terima kasih, penilaian Anda sudah kami terima.", "Thank you, we have your rating.")) }
                }
            }
        }
        @if !v.messages.is_empty() || !t.notifications.is_empty() {
            section.panel.messages aria-labelledby="pesan-judul" {
                h2 #pesan-judul { (lang.t("Pesan untuk Anda", "Messages for you")) }
                @for m in &v.messages {
                    article {
                        h3 { (m.label) }
                        p.muted { (m.action) " · " (when(m.at)) }
                        p.pre { (m.text) }
                    }
                }
                @for n in &t.notifications {
                    article {
                        h3 { (n.subject) }
                        p.muted { (when(n.at)) }
                        p.pre { (n.body) }
                    }
                }
            }
        }
        @if !v.timeline.is_empty() {
            section.panel aria-labelledby="riwayat-judul" {
                h2 #riwayat-judul { (lang.t("Perjalanan permohonan", "Progress")) }
                ol.timeline {
                    @for step in &v.timeline {
                        li { span.when { (when(step.at)) } (step.stage) }
                    }
                }
            }
        }
        @if let Some(fields) = &v.submission {
            section.panel aria-labelledby="kiriman-judul" {
                h2 #kiriman-judul { (lang.t("Permohonan yang Anda kirim", "What you sent")) }
                dl.facts {
                    @for f in fields {
                        @if f.value.is_some() || !f.files.is_empty() {
                            dt { (f.label) }
                            dd {
                                @if f.files.is_empty() { span.pre { (f.value.as_deref().unwrap_or("")) } }
                                @else {
                                    ul { @for file in &f.files { li { a href={ (base) "/berkas/" (file.id) } download { (file.name) } } } }
                                }
                            }
                        }
                    }
                }
            }
        }
        form.no-print method="post" action={ (base) "/lupakan" } {
            (hidden("_csrf", csrf))
            button.secondary type="submit" { (lang.t("Tutup akses di perangkat ini", "Forget this request on this device")) }
        }
    };
    page(&shell(lang, &title, &path), body)
}

fn size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0)).replace('.', ",")
    } else {
        format!("{} KiB", bytes.div_ceil(1024))
    }
}

/// The values of a case's form as a form would send them (files aside).
fn form_values(case: &Case, fields: &[Field]) -> FormState {
    let mut st = FormState::default();
    for f in fields {
        let text = match case.form.get(&f.id) {
            Some(Value::Text(t) | Value::Choice(t)) => t.clone(),
            Some(Value::Bool(b)) => b.to_string(),
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::Date(d)) => d.to_string(),
            Some(Value::Files(_)) | None => continue,
        };
        st.values.insert(format!("form.{}", f.id), text);
    }
    st
}

/// `GET /lacak/{code}/tindakan/{action}`: the action's form (the whole intake form, pre-filled, to amend).
pub(crate) async fn action_page(
    State(state): State<Arc<AppState>>,
    Path((code, action)): Path<(String, String)>,
    lang: Lang,
    headers: HeaderMap,
) -> Response {
    let (case, workflow) = match opened(&state, &code, &headers).await {
        Ok(x) => x,
        Err(e) => return ask_secret(&state, lang, &code, &headers, e),
    };
    let st = form_values(&case, &workflow.definition.file().form.fields);
    action_response(&state, lang, &headers, &case, &workflow, &action, &st, &[], StatusCode::OK).await
}

#[allow(clippy::too_many_arguments)]
async fn action_response(
    state: &AppState,
    lang: Lang,
    headers: &HeaderMap,
    case: &Case,
    workflow: &Workflow,
    action: &str,
    st: &FormState,
    top: &[String],
    status: StatusCode,
) -> Response {
    let definition = &workflow.definition;
    let allowed = sigap_core::access::allowed_actions(definition, case, &sigap_core::engine::Principal::Applicant);
    let Some(action_def) = allowed.into_iter().find(|a| a.id == action) else {
        let text = lang.t(
            "Tindakan itu tidak tersedia lagi untuk permohonan ini: keadaannya sudah berubah. Berikut keadaan terbarunya.",
            "That action is no longer available for this request: it has moved on. Here is where it stands now.",
        );
        return render_tracking(
            state,
            lang,
            headers,
            case,
            workflow,
            &[("warning", text.to_owned())],
            &FormState::default(),
            StatusCode::CONFLICT,
        )
        .await;
    };
    let (nonce, cookie) = cookies::browser(state, headers);
    let csrf = cookies::browser_csrf(state, &nonce);
    let code = case.tracking_code.to_string();
    let amend = action_def.kind == ActionKind::Amend;
    let fields = &definition.file().form.fields;
    let mut items: Vec<(Option<String>, String)> = top.iter().map(|t| (None, t.clone())).collect();
    for f in &action_def.inputs {
        if let Some(e) = st.errors.get(&f.id) {
            items.push((Some(anchor("aksi", &f.id, Some(f), Some(definition))), e.clone()));
        }
    }
    if amend {
        for f in fields {
            let name = format!("form.{}", f.id);
            if let Some(e) = st.errors.get(&name) {
                items.push((Some(anchor("aksi", &name, Some(f), Some(definition))), e.clone()));
            }
        }
    }
    let files_now: Vec<(&Field, Vec<sigap_core::form::FileRef>)> = fields
        .iter()
        .filter(|f| f.kind == FieldKind::File)
        .filter_map(|f| case.form.get(&f.id).map(|v| (f, v.files().to_vec())))
        .filter(|(_, files)| !files.is_empty())
        .collect();
    let base = format!("/lacak/{code}");
    let body = html! {
        p.muted { (definition.label()) " — " span.code { (code) } }
        h1 { (action_def.label) }
        @if let Some(d) = &action_def.description { p.lead { (d) } }
        (error_summary(lang, &items))
        @if amend {
            @for m in case.messages.iter().rev().take(1) {
                div.notice.warning role="note" { p { strong { (lang.t("Yang perlu dilengkapi: ", "What to complete: ")) } span.pre { (m.text) } } }
            }
            p { (lang.t("Formulir berisi data yang Anda kirim sebelumnya. Perbaiki atau lengkapi, lalu kirim.",
                        "The form holds what you sent before. Correct or complete it, then send it.")) }
        }
        form.stack method="post" action={ (base) "/tindakan/" (action_def.id) } enctype="multipart/form-data" novalidate {
            (hidden("_csrf", &csrf))
            (hidden("_idem", &idempotency_key()))
            (hidden("expected_version", &case.version.to_string()))
            @for f in &action_def.inputs { (form::field(lang, Some(definition), f, &f.id, "aksi", st)) }
            @if amend {
                @for f in fields {
                    (form::field(lang, Some(definition), f, &format!("form.{}", f.id), "aksi", st))
                    @if let Some((_, files)) = files_now.iter().find(|(ff, _)| ff.id == f.id) {
                        div.field {
                            div.choices {
                                label for={ "simpan-" (f.id) } {
                                    input type="checkbox" id={ "simpan-" (f.id) } name={ "_simpan." (f.id) } value="true" checked;
                                    span { (lang.t("Tetap lampirkan berkas yang sudah dikirim: ", "Keep the files already sent: "))
                                        (files.iter().map(|x| x.name.as_str()).collect::<Vec<_>>().join(", ")) }
                                }
                            }
                        }
                    }
                }
            }
            button.primary type="submit" { (action_def.label) }
            " "
            a href=(base) { (lang.t("Batal", "Cancel")) }
        }
    };
    let title = action_def.label.clone();
    page_response(status, page(&shell(lang, &title, &base), body), cookie.into_iter().collect())
}

/// `POST /lacak/{code}/tindakan/{action}`: through `app::applicant::act`.
pub(crate) async fn action(
    State(state): State<Arc<AppState>>,
    Path((code, action)): Path<(String, String)>,
    lang: Lang,
    headers: HeaderMap,
    raw: Result<RawInput, AppError>,
) -> Response {
    let (case, workflow) = match opened(&state, &code, &headers).await {
        Ok(x) => x,
        Err(e) => return ask_secret(&state, lang, &code, &headers, e),
    };
    let mut raw = match raw {
        Ok(raw) => raw,
        Err(e) => {
            let st = form_values(&case, &workflow.definition.file().form.fields);
            return action_response(
                &state,
                lang,
                &headers,
                &case,
                &workflow,
                &action,
                &st,
                &[message(&e, lang)],
                error_status(&e),
            )
            .await;
        }
    };
    let mut st = FormState::with_values(text_values(&raw));
    st.files_dropped = chosen_files(&raw);
    if !cookies::check_browser_csrf(&state, &headers, value(&raw, "_csrf")) {
        let top = lang.t(
            "Halaman ini sudah kedaluwarsa; periksa isian dan kirim lagi.",
            "This page expired; check and send again.",
        );
        return action_response(
            &state,
            lang,
            &headers,
            &case,
            &workflow,
            &action,
            &st,
            &[top.to_owned()],
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    // Files already sent stay attached when the person keeps them (an amendment replaces the whole form).
    for f in workflow.definition.file().form.fields.iter().filter(|f| f.kind == FieldKind::File) {
        if value(&raw, &format!("_simpan.{}", f.id)) == Some("true")
            && let Some(existing) = case.form.get(&f.id).map(|v| v.files().to_vec()).filter(|v| !v.is_empty())
        {
            raw.values.insert(format!("form.{}", f.id), Input::Files(existing));
        }
    }
    let key = crate::app::idempotency_key(value(&raw, "_idem")).unwrap_or_default();
    match applicant::act(&state, &case, &workflow, &action, &raw, key).await {
        Ok(_) => see_other(&format!("/lacak/{}?berhasil={action}", case.tracking_code), Vec::new()),
        Err(e) => {
            let (case, workflow) = match opened(&state, &code, &headers).await {
                Ok(x) => x,
                Err(e) => return ask_secret(&state, lang, &code, &headers, e),
            };
            if e.code == "stale_version" || e.code == "wrong_stage" || e.code == "case_closed" {
                let text = format!(
                    "{} {}",
                    message(&e, lang),
                    lang.t("Berikut keadaan terbarunya.", "Here is where it stands now.")
                );
                return render_tracking(
                    &state,
                    lang,
                    &headers,
                    &case,
                    &workflow,
                    &[("warning", text)],
                    &FormState::default(),
                    StatusCode::CONFLICT,
                )
                .await;
            }
            let action_def = workflow.definition.action(&action);
            let amend = action_def.is_some_and(|a| a.kind == ActionKind::Amend);
            for (field, text) in field_errors(&e, lang) {
                let is_input = action_def.is_some_and(|a| a.inputs.iter().any(|i| i.id == field));
                let name = if amend && !is_input && workflow.definition.form_field(&field).is_some() {
                    format!("form.{field}")
                } else {
                    field
                };
                st.errors.insert(name, text);
            }
            let top = if e.fields.is_empty() { vec![message(&e, lang)] } else { Vec::new() };
            action_response(&state, lang, &headers, &case, &workflow, &action, &st, &top, error_status(&e)).await
        }
    }
}

/// `POST /lacak/{code}/survei`: through `app::applicant::survey`.
pub(crate) async fn survey(
    State(state): State<Arc<AppState>>,
    Path(code): Path<String>,
    lang: Lang,
    headers: HeaderMap,
    raw: Result<RawInput, AppError>,
) -> Response {
    let (case, workflow) = match opened(&state, &code, &headers).await {
        Ok(x) => x,
        Err(e) => return ask_secret(&state, lang, &code, &headers, e),
    };
    let raw = match raw {
        Ok(raw) => raw,
        Err(e) => {
            return render_tracking(
                &state,
                lang,
                &headers,
                &case,
                &workflow,
                &[("error", message(&e, lang))],
                &FormState::default(),
                error_status(&e),
            )
            .await;
        }
    };
    let mut st = FormState::with_values(text_values(&raw));
    if !cookies::check_browser_csrf(&state, &headers, value(&raw, "_csrf")) {
        let text = lang.t(
            "Halaman ini sudah kedaluwarsa; kirim penilaian sekali lagi.",
            "This page expired; send your rating again.",
        );
        return render_tracking(
            &state,
            lang,
            &headers,
            &case,
            &workflow,
            &[("error", text.to_owned())],
            &st,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    match applicant::survey(&state, &case, &raw).await {
        Ok(_) => see_other(&format!("/lacak/{}?berhasil=survei", case.tracking_code), Vec::new()),
        Err(e) => {
            st.errors = field_errors(&e, lang).into_iter().map(|(f, t)| (format!("answers.{f}"), t)).collect();
            let notices = if e.fields.is_empty() { vec![("error", message(&e, lang))] } else { Vec::new() };
            render_tracking(&state, lang, &headers, &case, &workflow, &notices, &st, error_status(&e)).await
        }
    }
}

/// `GET /lacak/{code}/berkas/{file}`: through `app::applicant::attachment`.
pub(crate) async fn download(
    State(state): State<Arc<AppState>>,
    Path((code, file)): Path<(String, String)>,
    lang: Lang,
    headers: HeaderMap,
) -> Response {
    let (case, _) = match opened(&state, &code, &headers).await {
        Ok(x) => x,
        Err(Some(e)) if e.kind == Kind::NotFound => return error_page(lang, &e, None),
        Err(e) => return ask_secret(&state, lang, &code, &headers, e),
    };
    match applicant::attachment(&state, &case, &file).await {
        Ok(file) => crate::http::download(file),
        Err(e) => error_page(lang, &e, None),
    }
}

/// `POST /lacak/{code}/lupakan`: removes the capability cookie.
pub(crate) async fn forget(
    State(state): State<Arc<AppState>>,
    Path(code): Path<String>,
    headers: HeaderMap,
    raw: Result<RawInput, AppError>,
) -> Response {
    let token = raw.as_ref().ok().and_then(|r| value(r, "_csrf"));
    if !cookies::check_browser_csrf(&state, &headers, token) {
        return (StatusCode::FORBIDDEN, "CSRF").into_response();
    }
    let clear = cookies::set(&state, cookies::TRACK, "", &format!("/lacak/{code}"), Some(0), SameSite::Lax);
    see_other("/lacak", vec![clear])
}
