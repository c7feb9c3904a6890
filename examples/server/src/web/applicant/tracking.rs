//! `/lacak`: opening a request with its tracking code and secret, and
//! the tracking page (where it stands, messages, the answer, the survey).

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;
use sigap_core::definition::Field;
use sigap_core::engine::{Case, Status};
use sigap_core::workflow::Workflow;

use super::{ask_secret, error_page, opened, shell, size, track_cookie};
use crate::app::applicant::{self, Tracking, open_tracked};
use crate::app::input::RawInput;
use crate::app::{AppError, Kind};
use crate::html::form::{self, FormState, anchor, error_summary, hidden};
use crate::html::layout::{notice, page};
use crate::http::client_address;
use crate::state::AppState;
use crate::web::cookies::{self, SameSite};
use crate::web::i18n::Lang;
use crate::web::status as error_status;
use crate::web::{html as page_response, message, see_other, text_values, value};

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
    toml::from_str("id = \"kode\"\nlabel = \"Kode pelacakan\"\ntype = \"text\"\nrequired = true\nmax_length = 40\nhelp = \"Tertera pada tanda terima, misalnya 7SBW-SYXK\"\n")
        .expect("the field parses")
}

fn secret_field() -> Field {
    toml::from_str("id = \"rahasia\"\nlabel = \"Kode rahasia\"\ntype = \"text\"\nrequired = true\nmax_length = 100\nhelp = \"Kode rahasia yang ditampilkan sekali pada tanda terima\"\n")
        .expect("the field parses")
}

pub(super) fn track_form_page(lang: Lang, st: &FormState, top: &[String], csrf: &str) -> Markup {
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
pub(super) async fn render_tracking(
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

/// `Permohonan ditutup` → `permohonan ditutup`, to continue a sentence.
fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
}

/// Where the request stands; a closed one of a workflow with its own
/// `[[outcomes]]` is named by the declared label.
fn status_words(lang: Lang, workflow: &Workflow, status: Status, outcome_label: Option<&str>) -> String {
    match (status, outcome_label) {
        (Status::Open, _) => lang.t("Sedang diproses", "In progress").to_owned(),
        (Status::Waiting, _) => lang.t("Menunggu tindakan Anda", "Waiting for you").to_owned(),
        (Status::Closed, Some(label)) if !workflow.definition.file().outcomes.is_empty() => {
            format!("{} — {label}", lang.t("Selesai", "Closed"))
        }
        (Status::Closed, _) => lang.t("Selesai", "Closed").to_owned(),
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
                dd { (status_words(lang, workflow, v.status, v.outcome_label.as_deref())) }
                @if let Some(due) = &t.due_text {
                    dt { (lang.t("Dijadwalkan selesai paling lambat", "Scheduled to finish by")) }
                    dd { (due) }
                }
                @if let (Some(due), Some(then)) = (v.timer_due, &v.timer_then) {
                    dt { (lang.t("Batas waktu untuk Anda", "Your deadline")) }
                    dd #batas-waktu { strong {
                        (lang.t("Lengkapi sebelum", "Respond before")) " " (when(due)) ", "
                        (lang.t("atau", "or else")) " " (lowercase_first(then)) "."
                    } }
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
        (super::complaints(lang, workflow))
    };
    page(&shell(lang, &title, &path), body)
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
