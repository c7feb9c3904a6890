//! `/staf/kasus`: every case the person reaches, found by service, stage,
//! state, clock, dates received, tracking code and holder; sorted, paged,
//! counted per state, and downloadable as CSV (`/staf/kasus.csv`).

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use sigap_core::definition::StageKind;
use sigap_core::storage::Order;

use super::{Signed, badge, visible_workflows};
use crate::app::search::{self, CasePage, CaseState, Holder, Search};
use crate::html::layout::{notice, page, query_string};
use crate::state::AppState;
use crate::web::i18n::Lang;
use crate::web::{html as page_response, message};

/// A state as a page names it.
pub(crate) fn state_label(lang: Lang, state: CaseState) -> &'static str {
    match state {
        CaseState::Open => lang.t("Sedang diproses", "In progress"),
        CaseState::Waiting => lang.t("Menunggu pemohon", "Waiting for the applicant"),
        CaseState::Closed => lang.t("Selesai (semua)", "Closed (all)"),
        CaseState::Answered => lang.t("Dijawab", "Answered"),
        CaseState::Rejected => lang.t("Ditolak", "Rejected"),
        CaseState::Withdrawn => lang.t("Ditarik / gugur", "Withdrawn / lapsed"),
    }
}

/// `GET /staf/kasus?…`: the filters above, the list below.
pub(crate) async fn list(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    lang: Lang,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    let title = lang.t("Semua kasus", "All cases");
    let parsed = Search::parse(&state, &signed.account, &pairs);
    let (search, problem) = match parsed {
        Ok(search) => (search, None),
        Err(e) => (Search::default(), Some(e)),
    };
    let status = if problem.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let result = match &problem {
        Some(_) => None,
        None => Some(
            async {
                let page = search::page(&state, &signed.account, &search).await?;
                let counts = search::counts(&state, &signed.account, &search.with_state(None)).await?;
                Ok::<_, crate::app::AppError>((page, counts))
            }
            .await,
        ),
    };
    let body = html! {
        h1 { (title) }
        p { (lang.t(
            "Semua permohonan yang dapat Anda lihat, termasuk yang menunggu pemohon, selesai dan ditolak. Waktu dalam zona organisasi.",
            "Every request you may see, including those waiting for the applicant, closed and rejected. Times in the organisation's zone.")) }
        @if let Some(e) = &problem {
            div.error-summary role="alert" aria-labelledby="galat-judul" tabindex="-1" {
                h2 #galat-judul { (lang.t("Pencarian tidak dapat dijalankan", "The search cannot run")) }
                p { (message(e, lang)) }
                @for f in e.fields.iter().filter(|f| FIELDS.contains(&f.field.as_str())) {
                    p { a href={ "#saring-" (f.field) } { (lang.t("Perbaiki isian ini", "Correct this field")) } }
                }
            }
        }
        (filters(&state, &signed, lang, &search, &pairs))
        @match &result {
            None => {},
            Some(Err(e)) => (notice("error", &message(e, lang))),
            Some(Ok((page, counts))) => (results(&state, &signed, lang, &search, page, counts)),
        }
    };
    page_response(status, page(&signed.shell(&state, lang, title, "/staf/kasus"), body), Vec::new())
}

/// The parameters the filter form has a field for (`#saring-<name>`).
const FIELDS: &[&str] =
    &["workflow", "stage", "state", "clock", "received_from", "received_to", "code", "assigned", "sort"];

/// The raw value a person sent for a parameter (kept in the form after an error).
fn sent<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs.iter().find(|(n, _)| n == name).map_or("", |(_, v)| v.as_str())
}

fn filters(state: &AppState, signed: &Signed, lang: Lang, search: &Search, pairs: &[(String, String)]) -> Markup {
    let workflows = visible_workflows(state, &signed.account);
    let chosen = sent(pairs, "workflow");
    let mut stages: Vec<(String, String)> = Vec::new();
    for w in workflows.iter().filter(|w| chosen.is_empty() || w.id() == chosen) {
        for s in &w.definition.file().stages {
            if !stages.iter().any(|(id, _)| *id == s.id) {
                let kind = match s.kind {
                    StageKind::Task => "",
                    StageKind::Waiting => lang.t(" (menunggu pemohon)", " (waiting)"),
                    _ => lang.t(" (akhir)", " (end)"),
                };
                stages.push((s.id.clone(), format!("{}{kind}", s.label)));
            }
        }
    }
    let mut people: Vec<(&str, &str)> = state
        .accounts
        .iter()
        .filter(|a| a.organisation == signed.account.organisation && a.user != signed.account.user)
        .map(|a| (a.user.as_str(), a.display_name()))
        .collect();
    people.sort();
    let value = |name: &str| sent(pairs, name).to_owned();
    html! {
        form.filters #saring method="get" action="/staf/kasus" aria-label=(lang.t("Saring kasus", "Filter cases")) {
            div.field {
                label for="saring-workflow" { (lang.t("Layanan", "Service")) }
                select #saring-workflow name="workflow" {
                    option value="" { (lang.t("Semua layanan", "All services")) }
                    @for w in &workflows {
                        option value=(w.id()) selected[chosen == w.id()] { (w.definition.label()) }
                    }
                }
            }
            div.field {
                label for="saring-stage" { (lang.t("Tahap", "Stage")) }
                select #saring-stage name="stage" {
                    option value="" { (lang.t("Semua tahap", "All stages")) }
                    @for (id, label) in &stages {
                        option value=(id) selected[sent(pairs, "stage") == id] { (label) }
                    }
                }
            }
            div.field {
                label for="saring-state" { (lang.t("Status", "State")) }
                select #saring-state name="state" {
                    option value="" { (lang.t("Semua status", "All states")) }
                    @for s in CaseState::all() {
                        option value=(s.id()) selected[search.state == Some(s)] { (state_label(lang, s)) }
                    }
                }
            }
            div.field {
                label for="saring-clock" { (lang.t("Status waktu", "Clock")) }
                select #saring-clock name="clock" {
                    option value="" { (lang.t("Semua", "Any")) }
                    @for (id, label) in [
                        ("late", lang.t("Terlambat", "Late")),
                        ("at_risk", lang.t("Hampir habis", "At risk")),
                        ("late,at_risk", lang.t("Terlambat atau hampir habis", "Late or at risk")),
                        ("on_track", lang.t("Sesuai waktu", "On track")),
                    ] {
                        option value=(id) selected[sent(pairs, "clock") == id] { (label) }
                    }
                }
            }
            div.field {
                label for="saring-received_from" { (lang.t("Diterima sejak", "Received from")) }
                input #saring-received_from type="date" name="received_from" value=(value("received_from"));
            }
            div.field {
                label for="saring-received_to" { (lang.t("Diterima sampai", "Received to")) }
                input #saring-received_to type="date" name="received_to" value=(value("received_to"));
            }
            div.field {
                label for="saring-code" { (lang.t("Kode pelacakan", "Tracking code")) }
                input #saring-code type="text" name="code" value=(value("code")) autocomplete="off" spellcheck="false" placeholder="7SBW-SYXK";
            }
            div.field {
                label for="saring-assigned" { (lang.t("Ditangani", "Held by")) }
                select #saring-assigned name="assigned" {
                    option value="" { (lang.t("Siapa saja", "Anyone")) }
                    option value="me" selected[search.holder == Some(Holder::Me)] { (lang.t("Saya", "Me")) }
                    option value="none" selected[search.holder == Some(Holder::Nobody)] { (lang.t("Belum diambil", "Nobody")) }
                    @for (user, name) in &people {
                        option value=(user) selected[search.holder == Some(Holder::Person((*user).to_owned()))] { (name) }
                    }
                }
            }
            div.field {
                label for="saring-sort" { (lang.t("Urutkan", "Sort")) }
                select #saring-sort name="sort" {
                    @for (id, order, label) in [
                        ("newest", Order::NewestFirst, lang.t("Terbaru diterima", "Newest first")),
                        ("oldest", Order::OldestFirst, lang.t("Terlama diterima", "Oldest first")),
                        ("due", Order::DueFirst, lang.t("Paling mendesak", "Most urgent first")),
                    ] {
                        option value=(id) selected[search.sort.unwrap_or_default() == order] { (label) }
                    }
                }
            }
            div.actions {
                button.secondary type="submit" { (lang.t("Cari", "Search")) }
                a href="/staf/kasus" { (lang.t("Hapus saringan", "Clear filters")) }
            }
        }
    }
}

fn results(
    state: &AppState,
    signed: &Signed,
    lang: Lang,
    search: &Search,
    page: &CasePage,
    counts: &[(CaseState, usize)],
) -> Markup {
    let now = state.now();
    let n = |count: usize| {
        if count >= sigap_core::storage::COUNT_CAP { format!("{}+", group(count)) } else { group(count) }
    };
    let link = |s: &Search| format!("/staf/kasus?{}", query_string(&s.to_pairs(true)));
    let first = page.offset + 1;
    let last = page.offset + page.cases.len();
    let csv = format!("/staf/kasus.csv?{}", query_string(&search.to_pairs(false)));
    html! {
        ul.summary-cards aria-label=(lang.t("Jumlah menurut status", "Counts by state")) {
            @for (s, count) in counts {
                li {
                    a href=(link(&Search { offset: 0, ..search.with_state(Some(*s)) })) aria-current=[(search.state == Some(*s)).then_some("true")] {
                        span.n { (n(*count)) } (state_label(lang, *s))
                    }
                }
            }
        }
        p #jumlah-hasil role="status" {
            @if page.cases.is_empty() {
                (lang.t("Tidak ada kasus yang cocok.", "No matching cases."))
            } @else {
                (lang.t("Menampilkan", "Showing")) " " (group(first)) "–" (group(last)) " "
                (lang.t("dari", "of")) " " (n(page.total)) " " (lang.t("kasus", "cases")) "."
            }
            " " a href=(csv) download="kasus.csv" { (lang.t("Unduh CSV", "Download CSV")) }
        }
        @if !page.cases.is_empty() {
            div.table-wrap tabindex="0" role="region" aria-labelledby="judul-daftar" {
                table.cards #daftar-kasus {
                    caption #judul-daftar { (lang.t("Daftar kasus", "Case list")) }
                    thead { tr {
                        th scope="col" { (lang.t("Kode", "Code")) }
                        th scope="col" { (lang.t("Layanan", "Service")) }
                        th scope="col" { (lang.t("Tahap", "Stage")) }
                        th scope="col" { (lang.t("Status", "State")) }
                        th scope="col" { (lang.t("Ditangani", "Held by")) }
                        th scope="col" { (lang.t("Diterima", "Received")) }
                        th scope="col" { (lang.t("Batas waktu", "Due")) }
                        th scope="col" { (lang.t("Status waktu", "Clock")) }
                    } }
                    tbody {
                        @for s in &page.cases {
                            @let workflow = state.service.workflow(&s.organisation, &s.workflow);
                            @let tz = workflow.as_ref().map_or(chrono_tz::Asia::Jakarta, |w| w.calendar.time_zone());
                            tr data-case=(s.case) {
                                td data-label=(lang.t("Kode", "Code")) { a href={ "/staf/kasus/" (s.case) } { (s.tracking_code) } }
                                td data-label=(lang.t("Layanan", "Service")) { (workflow.as_ref().map_or(s.workflow.as_str(), |w| w.definition.label())) }
                                td data-label=(lang.t("Tahap", "Stage")) { (workflow.as_ref().and_then(|w| w.definition.stage(&s.stage)).map_or(s.stage.as_str(), |st| st.label.as_str())) }
                                td data-label=(lang.t("Status", "State")) { (state_label(lang, CaseState::of(s))) }
                                td data-label=(lang.t("Ditangani", "Held by")) {
                                    @match &s.assignee {
                                        Some(a) if *a == signed.account.user => strong { (lang.t("Anda", "You")) },
                                        Some(a) => (state.accounts.get(a).map_or(a.as_str(), |acc| acc.display_name())),
                                        None => span.muted { "—" },
                                    }
                                }
                                td data-label=(lang.t("Diterima", "Received")) { (sigap_core::text::datetime(s.submitted_at, tz)) }
                                td data-label=(lang.t("Batas waktu", "Due")) { (s.due.filter(|_| s.clock_at(now).is_some()).map_or_else(|| "—".to_owned(), |d| sigap_core::text::datetime(d, tz))) }
                                td data-label=(lang.t("Status waktu", "Clock")) { (badge(lang, crate::app::staff::badge(s, now))) }
                            }
                        }
                    }
                }
            }
            nav.pager aria-label=(lang.t("Halaman daftar", "List pages")) {
                @if page.offset > 0 {
                    a rel="prev" href=(link(&Search { offset: page.offset.saturating_sub(page.limit), ..search.clone() })) { "← " (lang.t("Sebelumnya", "Previous")) }
                }
                @if last < page.total {
                    a rel="next" href=(link(&Search { offset: page.offset + page.limit, ..search.clone() })) { (lang.t("Berikutnya", "Next")) " →" }
                }
            }
        }
    }
}

/// A count with the Indonesian thousands separator (1.234).
fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// `GET /staf/kasus.csv?…`: the list as a file, or the page with the reason it cannot be made.
pub(crate) async fn csv(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    lang: Lang,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    let made = match Search::parse(&state, &signed.account, &pairs) {
        Ok(search) => search::csv(&state, &signed.account, &search).await,
        Err(e) => Err(e),
    };
    match made {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"kasus.csv\""),
            ],
            body,
        )
            .into_response(),
        Err(e) => {
            let title = lang.t("Semua kasus", "All cases");
            let back = format!(
                "/staf/kasus?{}",
                query_string(&pairs.iter().map(|(n, v)| (n.as_str(), v.clone())).collect::<Vec<_>>())
            );
            let body = html! {
                h1 { (title) }
                (notice("error", &message(&e, lang)))
                p { a href=(back) { (lang.t("Kembali ke daftar", "Back to the list")) } }
            };
            page_response(
                StatusCode::BAD_REQUEST,
                page(&signed.shell(&state, lang, title, "/staf/kasus"), body),
                Vec::new(),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_group_thousands_with_dots() {
        assert_eq!(super::group(0), "0");
        assert_eq!(super::group(999), "999");
        assert_eq!(super::group(1000), "1.000");
        assert_eq!(super::group(1_234_567), "1.234.567");
    }
}
