//! The pages' language: Bahasa Indonesia first, English as a fallback for
//! the chrome (labels from workflow files stay as written).
//!
//! Chosen by `?lang=id|en`, else the `sigap_lang` cookie (set by
//! `/bahasa?ke=en`, the link in every page's header), else Indonesian.
//! `Accept-Language` is not followed: many phones in Indonesia are set to
//! English while the service, its forms and its labels are Indonesian, and
//! a page half in each language helps nobody.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Query, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::Response;
use serde::Deserialize;

use super::cookies;
use crate::state::AppState;

/// A page language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    /// Bahasa Indonesia.
    Id,
    /// English.
    En,
}

impl Lang {
    /// The text in this language (the message table is written inline, Indonesian first).
    pub(crate) fn t<'a>(self, id: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Id => id,
            Lang::En => en,
        }
    }

    /// The `lang` attribute.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().split(['-', '_']).next() {
            Some("id" | "in") => Some(Lang::Id),
            Some("en") => Some(Lang::En),
            _ => None,
        }
    }

    /// The language of a request.
    pub(crate) fn of(query: Option<&str>, headers: &HeaderMap) -> Self {
        let from_query = query.and_then(|q| {
            q.split('&').filter_map(|p| p.split_once('=')).find(|(k, _)| *k == "lang").and_then(|(_, v)| Lang::parse(v))
        });
        from_query.or_else(|| cookies::get(headers, cookies::LANG).and_then(|v| Lang::parse(&v))).unwrap_or(Lang::Id)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang::of(parts.uri.query(), &parts.headers))
    }
}

/// `/bahasa?ke=en&kembali=/staf/kotak-masuk`
#[derive(Debug, Deserialize)]
pub(crate) struct Switch {
    ke: Option<String>,
    kembali: Option<String>,
}

/// Remembers the language and goes back to the page.
pub(crate) async fn switch(State(state): State<Arc<AppState>>, Query(q): Query<Switch>) -> Response {
    let lang = q.ke.as_deref().and_then(Lang::parse).unwrap_or(Lang::Id);
    let back = q.kembali.filter(|p| local_path(p)).unwrap_or_else(|| "/".to_owned());
    let cookie =
        cookies::set(&state, cookies::LANG, lang.code(), "/", Some(60 * 60 * 24 * 365), cookies::SameSite::Lax);
    super::see_other(&back, vec![cookie])
}

/// Whether a path stays on this site (no scheme, no `//host`, no backslash).
pub(crate) fn local_path(path: &str) -> bool {
    path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') && !path.contains(['\r', '\n'])
}
