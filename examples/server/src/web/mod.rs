//! Web pages in Bahasa Indonesia (with an English fallback for the staff
//! chrome) for applicants and staff, rendered on the server with maud.
//!
//! Every page goes through the same use cases as the JSON API
//! ([`crate::app`]): the engine decides, the access rules of
//! `sigap_core::access` redact. This layer only turns forms into those
//! calls, cookies into identities, and results — and [`AppError`]s, in
//! [`message`] and [`field_errors`] — into HTML. No page needs JavaScript; the
//! stylesheet is a file under `/static/` so the API's Content-Security-Policy
//! (`default-src 'none'; style-src 'self'; …`) applies unchanged.

mod applicant;
mod assets;
pub(crate) mod cookies;
pub(crate) mod i18n;
mod procedure;
mod report;
mod staff;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use maud::Markup;
use sigap_core::form::Input;

pub(crate) use self::i18n::Lang;
use crate::app::input::RawInput;
use crate::app::{AppError, Kind};
use crate::state::AppState;

/// The pages' routes.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(applicant::services))
        .route("/layanan/{workflow}", get(applicant::form_page).post(applicant::submit))
        .route("/lacak", get(applicant::track_form).post(applicant::track_open))
        .route("/lacak/{code}", get(applicant::tracking_page))
        .route("/lacak/{code}/tindakan/{action}", get(applicant::action_page).post(applicant::action))
        .route("/lacak/{code}/survei", post(applicant::survey))
        .route("/lacak/{code}/berkas/{file}", get(applicant::download))
        .route("/lacak/{code}/lupakan", post(applicant::forget))
        .route("/bahasa", get(i18n::switch))
        .route("/staf", get(staff::sign_in_page).post(staff::sign_in))
        .route("/staf/keluar", post(staff::sign_out))
        .route("/staf/kotak-masuk", get(staff::inbox))
        .route("/staf/kasus", get(staff::cases))
        .route("/staf/pengawasan", get(staff::supervision))
        .route("/staf/pengawasan/tugaskan", post(staff::reassign))
        .route("/staf/pengawasan/alihkan", post(staff::hand_over))
        .route("/staf/kasus.csv", get(staff::cases_csv))
        .route("/staf/kasus/{id}", get(staff::case_page))
        .route("/staf/kasus/{id}/tindakan/{action}", post(staff::perform))
        .route("/staf/kasus/{id}/ambil", post(staff::claim))
        .route("/staf/kasus/{id}/tugaskan", post(staff::assign))
        .route("/staf/kasus/{id}/lepas", post(staff::release))
        .route("/staf/kasus/{id}/catatan", post(staff::note))
        .route("/staf/kasus/{id}/lampiran", post(staff::upload))
        .route("/staf/kasus/{id}/berkas/{file}", get(staff::download))
        .route("/staf/prosedur/{workflow}", get(procedure::page_handler))
        .route("/staf/laporan", get(report::page_handler))
        .route("/staf/laporan.csv", get(report::csv))
        .route("/staf/laporan.json", get(report::json))
        .route("/static/{file}", get(assets::serve))
        .layer(DefaultBodyLimit::max(crate::http::MAX_BODY))
}

/// The page for an address no route serves (a mistyped or outdated link).
pub(crate) fn not_found(lang: Lang) -> Response {
    applicant::error_page(lang, &AppError::not_found(), None)
}

/// An HTML page response: never cached (pages hold personal data, secrets
/// and CSRF tokens), with any cookies to set.
pub(crate) fn html(status: StatusCode, markup: Markup, cookies: Vec<HeaderValue>) -> Response {
    let mut response = (status, markup).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    for cookie in cookies {
        headers.append(header::SET_COOKIE, cookie);
    }
    response
}

/// A `303 See Other` to `location` (after a successful POST), with cookies.
pub(crate) fn see_other(location: &str, cookies: Vec<HeaderValue>) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(location) {
        headers.insert(header::LOCATION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    for cookie in cookies {
        headers.append(header::SET_COOKIE, cookie);
    }
    response
}

/// The text values a form sent, by name (files are not kept: a browser
/// cannot be given a file back, so the person chooses it again).
pub(crate) fn text_values(raw: &RawInput) -> BTreeMap<String, String> {
    raw.values
        .iter()
        .filter_map(|(k, v)| match v {
            Input::Text(t) => Some((k.clone(), t.clone())),
            Input::Bool(b) => Some((k.clone(), b.to_string())),
            Input::Number(n) => Some((k.clone(), n.to_string())),
            Input::Files(_) => None,
        })
        .collect()
}

/// A text value of a form.
pub(crate) fn value<'a>(raw: &'a RawInput, name: &str) -> Option<&'a str> {
    match raw.values.get(name) {
        Some(Input::Text(t)) => Some(t.as_str()),
        _ => None,
    }
}

/// Which files the person had chosen (by part name), to tell them to choose again.
pub(crate) fn chosen_files(raw: &RawInput) -> Vec<String> {
    raw.files.iter().map(|f| f.name.clone()).collect()
}

/// The message of an error for a person, in their language.
pub(crate) fn message(error: &AppError, lang: i18n::Lang) -> String {
    match lang {
        i18n::Lang::Id => error.message_id.clone().unwrap_or_else(|| match error.kind {
            Kind::NotFound => "Tidak ditemukan.".to_owned(),
            Kind::Forbidden => "Anda tidak berwenang.".to_owned(),
            Kind::BadRequest => "Permintaan tidak dapat dibaca; muat ulang halaman dan coba lagi.".to_owned(),
            _ => "Terjadi kesalahan; coba lagi.".to_owned(),
        }),
        i18n::Lang::En => error.message.clone(),
    }
}

/// Field errors of a refusal, by field name (with `prefix.` when given), in the person's language.
pub(crate) fn field_errors(error: &AppError, lang: i18n::Lang) -> Vec<(String, String)> {
    error
        .fields
        .iter()
        .map(|f| {
            let text = match lang {
                i18n::Lang::Id => f.message.clone(),
                i18n::Lang::En => f.message_en.clone(),
            };
            (f.field.clone(), text)
        })
        .collect()
}

/// The HTTP status of a page answering `error`.
pub(crate) fn status(error: &AppError) -> StatusCode {
    crate::http::status(error.kind)
}

/// A fresh idempotency key for a rendered form (a double-clicked submit sends it twice).
pub(crate) fn idempotency_key() -> String {
    crate::auth::random_bytes::<16>().map(|b| format!("web-{}", crate::auth::hex(&b))).unwrap_or_default()
}
