//! The page shell: language, title, skip link, header with navigation,
//! main content and footer. The stylesheet is `/static/sigap.css`.

use maud::{DOCTYPE, Markup, html};

use crate::web::i18n::Lang;

/// Who is looking, for the navigation.
pub(crate) enum Nav<'a> {
    /// The public (applicants).
    Public,
    /// A signed-in staff member.
    Staff {
        /// Their name.
        name: &'a str,
        /// The session's CSRF token (for signing out).
        csrf: &'a str,
        /// Whether they may read the evaluation.
        report: bool,
        /// Whether they supervise a stage (the supervision page).
        supervises: bool,
        /// Procedures they may open: (workflow id, label).
        procedures: Vec<(String, String)>,
    },
    /// The staff sign-in page.
    SignIn,
}

/// A page's frame.
pub(crate) struct Shell<'a> {
    /// The language.
    pub(crate) lang: Lang,
    /// The `<title>` (the site name is appended).
    pub(crate) title: &'a str,
    /// The navigation.
    pub(crate) nav: Nav<'a>,
    /// This page's path (for the language switch).
    pub(crate) path: &'a str,
}

/// A whole page.
pub(crate) fn page(shell: &Shell<'_>, body: Markup) -> Markup {
    let lang = shell.lang;
    let other = match lang {
        Lang::Id => ("en", "English"),
        Lang::En => ("id", "Bahasa Indonesia"),
    };
    let staff = !matches!(shell.nav, Nav::Public);
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (shell.title) " — Sigap" }
                link rel="stylesheet" href="/static/sigap.css";
                link rel="icon" href="/static/sigap.svg" type="image/svg+xml";
            }
            body {
                a.skip href="#konten" { (lang.t("Langsung ke isi halaman", "Skip to main content")) }
                header.site {
                    div.inner {
                        @if staff {
                            a.brand href="/staf/kotak-masuk" {
                                "Sigap"
                                small { (lang.t("Ruang kerja petugas layanan hukum", "Legal service staff workspace")) }
                            }
                        } @else {
                            a.brand href="/" {
                                "Sigap"
                                small { (lang.t("Layanan hukum elektronik", "Electronic legal services")) }
                            }
                        }
                        nav aria-label=(lang.t("Navigasi utama", "Main navigation")) {
                            @match &shell.nav {
                                Nav::Public => {
                                    a href="/" { (lang.t("Layanan", "Services")) }
                                    a href="/lacak" { (lang.t("Lacak permohonan", "Track a request")) }
                                }
                                Nav::SignIn => {
                                    a href="/" { (lang.t("Halaman publik", "Public pages")) }
                                }
                                Nav::Staff { name, csrf, report, supervises, procedures } => {
                                    a href="/staf/kotak-masuk" { (lang.t("Kotak masuk", "Inbox")) }
                                    a href="/staf/kasus" { (lang.t("Semua kasus", "All cases")) }
                                    @if *supervises {
                                        a href="/staf/pengawasan" { (lang.t("Pengawasan", "Supervision")) }
                                    }
                                    @for (id, label) in procedures {
                                        a href={ "/staf/prosedur/" (id) } title=(label) { (lang.t("Prosedur", "Procedure")) @if procedures.len() > 1 { " " (id) } }
                                    }
                                    @if *report {
                                        a href="/staf/laporan" { (lang.t("Laporan evaluasi", "Evaluation report")) }
                                    }
                                    span.who { (lang.t("Masuk sebagai", "Signed in as")) " " strong { (name) } }
                                    form method="post" action="/staf/keluar" {
                                        input type="hidden" name="_csrf" value=(csrf);
                                        button type="submit" { (lang.t("Keluar", "Sign out")) }
                                    }
                                }
                            }
                            a href={ "/bahasa?ke=" (other.0) "&kembali=" (query_escape(shell.path)) } lang=(other.0) hreflang=(other.0) { (other.1) }
                        }
                    }
                }
                main #konten tabindex="-1" {
                    (body)
                }
                footer.site {
                    div.inner {
                        p {
                            (lang.t("Sigap — prosedur layanan sebagai data. ", "Sigap — service procedures as data. "))
                            @if !staff {
                                a href="/staf" { (lang.t("Masuk petugas", "Staff sign-in")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// What [`query_escape`] leaves as it is: letters, digits and `-_.~/`.
const QUERY_VALUE: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~').remove(b'/');

/// Percent-encodes a path for a query value (UTF-8, `%XX` in capitals).
pub(crate) fn query_escape(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, QUERY_VALUE).to_string()
}

/// `name=value&…`, each value percent-encoded.
pub(crate) fn query_string(pairs: &[(&str, String)]) -> String {
    pairs.iter().map(|(name, value)| format!("{name}={}", query_escape(value))).collect::<Vec<_>>().join("&")
}

/// A notice box.
pub(crate) fn notice(kind: &str, text: &str) -> Markup {
    html! {
        div class={ "notice " (kind) } role=(if kind == "error" { "alert" } else { "status" }) { p { (text) } }
    }
}

/// The navigation of a signed-in staff member: procedures of the workflows they see, the report if they may read it.
pub(crate) fn layout_nav<'a>(
    state: &crate::state::AppState,
    account: &'a crate::auth::Account,
    csrf: &'a str,
) -> Nav<'a> {
    let workflows: Vec<_> = state
        .service
        .workflows()
        .into_iter()
        .filter(|w| w.organisation() == account.organisation)
        .filter(|w| sigap_core::access::may_view(&w.definition, &account.roles))
        .collect();
    let report = workflows.iter().any(|w| sigap_core::access::may_read_report(&w.definition, &account.roles));
    let mut procedures: Vec<(String, String)> =
        workflows.iter().map(|w| (w.id().to_owned(), w.definition.label().to_owned())).collect();
    procedures.sort();
    let supervises = !crate::app::supervision::supervised_stages(state, account).is_empty();
    Nav::Staff { name: account.display_name(), csrf, report, supervises, procedures }
}

#[cfg(test)]
mod tests {
    #[test]
    fn query_values_keep_paths_readable_and_encode_the_rest() {
        assert_eq!(super::query_escape("/staf/kasus/01AB-c_d.e~f"), "/staf/kasus/01AB-c_d.e~f");
        assert_eq!(super::query_escape("/lacak?x=1&y=é #"), "/lacak%3Fx%3D1%26y%3D%C3%A9%20%23");
    }
}
