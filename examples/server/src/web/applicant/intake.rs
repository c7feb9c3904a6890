//! `/` and `/layanan/{workflow}`: the services open for requests, the
//! intake form, and submitting it.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use maud::{Markup, html};
use sigap_core::definition::Field;
use sigap_core::workflow::Workflow;

use super::receipt::receipt_page;
use super::{OrgQuery, error_page, shell, track_cookie};
use crate::app::AppError;
use crate::app::applicant::{self, find_open};
use crate::app::input::RawInput;
use crate::html::form::{self, FormState, anchor, error_summary, hidden};
use crate::html::layout::page;
use crate::state::AppState;
use crate::web::cookies;
use crate::web::i18n::Lang;
use crate::web::status as error_status;
use crate::web::{chosen_files, field_errors, html as page_response, idempotency_key, message, text_values, value};

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
        (super::complaints(lang, workflow))
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
