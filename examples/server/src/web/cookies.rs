//! Cookies and CSRF tokens.
//!
//! - `sigap_browser`: a random per-browser nonce (HttpOnly, SameSite=Strict,
//!   path `/`) that anonymous forms' CSRF tokens are bound to: the token is
//!   `Signer::csrf("browser:<nonce>")`, so another site can neither read nor
//!   forge it.
//! - `sigap_staff`: the staff session token (HttpOnly, SameSite=Strict, path
//!   `/staf`, expiring with the session); staff forms' CSRF tokens are bound
//!   to it (`Signer::csrf("session:<token>")`).
//! - `sigap_track`: the applicant's capability for one case: the case's
//!   secret, HttpOnly, SameSite=Lax (a link in the notification e-mail opens
//!   the page), path `/lacak/<code>` so it is sent for that case only.
//!
//! All get `Secure` when the service's base URL is HTTPS
//! (`Config::secure_cookies`).

use axum::http::{HeaderMap, HeaderValue, header};

use crate::state::AppState;

/// The per-browser nonce cookie.
pub(crate) const BROWSER: &str = "sigap_browser";
/// The staff session cookie.
pub(crate) const STAFF: &str = "sigap_staff";
/// The applicant's capability cookie.
pub(crate) const TRACK: &str = "sigap_track";
/// The language preference.
pub(crate) const LANG: &str = "sigap_lang";

/// A cookie's value from the request (the first of that name; none if empty).
pub(crate) fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// `SameSite` values.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SameSite {
    Strict,
    Lax,
}

/// A `Set-Cookie` value; `max_age` 0 deletes it, `None` makes a session cookie.
pub(crate) fn set(
    state: &AppState,
    name: &str,
    value: &str,
    path: &str,
    max_age: Option<i64>,
    same_site: SameSite,
) -> HeaderValue {
    let cookie = render(name, value, path, max_age, same_site, state.config.secure_cookies());
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static("invalid=1; Max-Age=0"))
}

/// The `Set-Cookie` text: always HttpOnly, `Secure` when the service is HTTPS.
fn render(name: &str, value: &str, path: &str, max_age: Option<i64>, same_site: SameSite, secure: bool) -> String {
    let mut cookie = cookie::Cookie::build((name, value))
        .path(path)
        .http_only(true)
        .same_site(match same_site {
            SameSite::Strict => cookie::SameSite::Strict,
            SameSite::Lax => cookie::SameSite::Lax,
        })
        .secure(secure);
    if let Some(age) = max_age {
        cookie = cookie.max_age(cookie::time::Duration::seconds(age));
    }
    cookie.to_string()
}

/// A cookie value is safe to echo: printable ASCII without separators.
pub(crate) fn well_formed(value: &str) -> bool {
    !value.is_empty() && value.len() <= 512 && value.bytes().all(|b| b.is_ascii_graphic() && b != b';' && b != b',')
}

/// The browser's nonce, and the cookie to set when it had none yet.
pub(crate) fn browser(state: &AppState, headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    match get(headers, BROWSER).filter(|n| n.len() == 32 && n.bytes().all(|b| b.is_ascii_hexdigit())) {
        Some(nonce) => (nonce, None),
        None => {
            let nonce = crate::auth::random_bytes::<16>().map(|b| crate::auth::hex(&b)).unwrap_or_default();
            let cookie = set(state, BROWSER, &nonce, "/", Some(60 * 60 * 24 * 365), SameSite::Strict);
            (nonce, Some(cookie))
        }
    }
}

/// The CSRF token of anonymous forms in this browser.
pub(crate) fn browser_csrf(state: &AppState, nonce: &str) -> String {
    state.signer.csrf(&format!("browser:{nonce}"))
}

/// Whether an anonymous form's token is this browser's.
pub(crate) fn check_browser_csrf(state: &AppState, headers: &HeaderMap, token: Option<&str>) -> bool {
    match (get(headers, BROWSER), token) {
        (Some(nonce), Some(token)) => state.signer.check_csrf(&format!("browser:{nonce}"), token),
        _ => false,
    }
}

/// The CSRF token of a staff session's forms.
pub(crate) fn session_csrf(state: &AppState, session_token: &str) -> String {
    state.signer.csrf(&format!("session:{session_token}"))
}

/// Whether a staff form's token is this session's.
pub(crate) fn check_session_csrf(state: &AppState, session_token: &str, token: Option<&str>) -> bool {
    token.is_some_and(|t| state.signer.check_csrf(&format!("session:{session_token}"), t))
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue, header};

    use super::{SameSite, get, render};

    #[test]
    fn set_cookie_carries_every_attribute() {
        let lax = render("sigap_track", "ABC", "/lacak/1234-5678", Some(43_200), SameSite::Lax, false);
        assert_eq!(lax, "sigap_track=ABC; HttpOnly; SameSite=Lax; Path=/lacak/1234-5678; Max-Age=43200");
        let strict = render("sigap_staff", "", "/staf", Some(0), SameSite::Strict, true);
        assert_eq!(strict, "sigap_staff=; HttpOnly; SameSite=Strict; Secure; Path=/staf; Max-Age=0");
        assert!(!render("a", "b", "/", None, SameSite::Lax, false).contains("Max-Age"));
    }

    #[test]
    fn a_cookie_is_read_by_name_from_every_cookie_header() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("a=1; sigap_lang=en"));
        headers.append(header::COOKIE, HeaderValue::from_static("sigap_staff=tok.en; sigap_track="));
        assert_eq!(get(&headers, "sigap_staff").as_deref(), Some("tok.en"));
        assert_eq!(get(&headers, "sigap_lang").as_deref(), Some("en"));
        assert_eq!(get(&headers, "sigap_track"), None, "an empty value is no cookie");
        assert_eq!(get(&headers, "missing"), None);
    }
}
