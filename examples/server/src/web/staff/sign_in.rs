//! `/staf`: the sign-in page and signing in and out (rate-limited, CSRF-checked).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::Signed;
use crate::app::AppError;
use crate::app::input::RawInput;
use crate::app::staff as app;
use crate::html::form::{error_summary, hidden};
use crate::html::layout::{Nav, Shell, notice, page};
use crate::http::client_address;
use crate::state::AppState;
use crate::web::cookies::{self, SameSite};
use crate::web::i18n::{Lang, local_path};
use crate::web::status as error_status;
use crate::web::{html as page_response, message, see_other, value};

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
