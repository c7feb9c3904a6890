//! The applicant's pages: the services, the intake form, the receipt, and
//! following a request with its tracking code and secret (kept afterwards
//! in an HttpOnly cookie scoped to that case's pages).

mod action;
mod intake;
mod receipt;
mod survey;
mod tracking;

pub(crate) use self::action::{action, action_page};
pub(crate) use self::intake::{form_page, services, submit};
pub(crate) use self::survey::survey;
pub(crate) use self::tracking::{download, forget, track_form, track_open, tracking_page};

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use maud::html;
use serde::Deserialize;
use sigap_core::engine::Case;
use sigap_core::workflow::Workflow;

use self::tracking::track_form_page;
use crate::app::applicant::open_tracked;
use crate::app::{AppError, Kind};
use crate::html::form::FormState;
use crate::html::layout::{Nav, Shell, notice, page};
use crate::http::client_address;
use crate::state::AppState;
use crate::web::cookies::{self, SameSite};
use crate::web::i18n::Lang;
use crate::web::status as error_status;
use crate::web::{html as page_response, message};

/// Where to complain (the organisation's declared channels), on every
/// applicant page of the service; nothing when none are declared.
fn complaints(lang: Lang, workflow: &Workflow) -> maud::Markup {
    let channels = &workflow.definition.file().organisation.complaints;
    if channels.is_empty() {
        return maud::html! {};
    }
    maud::html! {
        section.complaints #pengaduan aria-labelledby="pengaduan-judul" {
            h2 #pengaduan-judul { (lang.t("Pengaduan", "Complaints")) }
            p { (lang.t(
                "Tidak puas dengan layanan ini? Sampaikan pengaduan melalui:",
                "Not satisfied with this service? Complain through:")) }
            ul { @for channel in channels { li { (channel) } } }
        }
    }
}

fn shell<'a>(lang: Lang, title: &'a str, path: &'a str) -> Shell<'a> {
    Shell { lang, title, nav: Nav::Public, path }
}

/// `?organisation=` when a workflow id is offered by several organisations.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct OrgQuery {
    organisation: Option<String>,
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

fn track_cookie(state: &AppState, code: &str, secret: &str) -> HeaderValue {
    let value = if cookies::well_formed(secret) { secret } else { "" };
    cookies::set(state, cookies::TRACK, value, &format!("/lacak/{code}"), Some(60 * 60 * 12), SameSite::Lax)
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

fn size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0)).replace('.', ",")
    } else {
        format!("{} KiB", bytes.div_ceil(1024))
    }
}
