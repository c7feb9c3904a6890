//! The staff pages: sign-in, the inbox, the case page and its forms, one
//! module each, and what they share (the signed-in person, clock badges).
//! Every action goes through the use cases of `crate::app::staff`, so the
//! engine's rules and the redaction are those of the JSON API.

mod case;
mod cases;
mod commands;
mod history;
mod inbox;
mod sign_in;
mod supervision;

pub(crate) use self::case::case_page;
pub(crate) use self::cases::{csv as cases_csv, list as cases};
pub(crate) use self::commands::{assign, claim, download, note, perform, release, upload};
pub(crate) use self::inbox::inbox;
pub(crate) use self::sign_in::{sign_in, sign_in_page, sign_out};
pub(crate) use self::supervision::{hand_over, page_handler as supervision, reassign};

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::Response;
use maud::{Markup, html};
use sigap_core::engine::ClockState;
use sigap_core::workflow::Workflow;

use crate::app::staff::{self as app, Badge};
use crate::auth::Account;
use crate::html::layout::{Shell, layout_nav};
use crate::state::AppState;
use crate::web::cookies::{self, SameSite};
use crate::web::i18n::Lang;
use crate::web::see_other;

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

/// Said beside a due instant past the last year whose holidays the calendar knows.
fn beyond_known_holidays(lang: Lang) -> Markup {
    html! {
        " " span.badge.at_risk title=(lang.t(
            "Hari libur tahun itu belum dimuat dalam kalender: batas ini menghitung semua hari kerja biasa.",
            "That year's holidays are not in the calendar yet: this due time counts every ordinary working day.")) {
            (lang.t("hari libur belum dimuat", "holidays not loaded"))
        }
    }
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
    app::visible_workflows(state, account)
}
