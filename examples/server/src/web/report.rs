//! `/staf/laporan?year=YYYY`: the annual evaluation (Pedoman Bab IV) for
//! staff whose role reads it, with server-drawn SVG charts, tables of the
//! same figures, CSV and JSON downloads, and a print layout shaped as the
//! report to the Governor. Aggregates only: `sigap_core::report::evaluate`
//! reads no identifying field.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, Weekday};
use maud::{Markup, html};
use serde::Deserialize;
use sigap_core::report::Evaluation;
use sigap_core::workflow::Workflow;

use super::html as page_response;
use super::i18n::Lang;
use super::staff::Signed;
use crate::app::AppError;
use crate::app::report::{csv as evaluation_csv, evaluations, year as parse_year};
use crate::html::chart::{self, number, percent};
use crate::html::layout::{notice, page};
use crate::state::AppState;

/// `?year=&workflow=`
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ReportQuery {
    year: Option<String>,
    workflow: Option<String>,
}

/// `GET /staf/laporan.json`
pub(crate) async fn json(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    lang: Lang,
    Query(q): Query<ReportQuery>,
) -> Response {
    let result = match parse_year(q.year.as_deref(), state.now()) {
        Ok(year) => evaluations(&state, &signed.account, year, q.workflow.as_deref()).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(list) => {
            let mut r = Json(list).into_response();
            r.headers_mut().insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"evaluasi.json\""),
            );
            r
        }
        Err(e) => error_page(&state, &signed, lang, &e),
    }
}

/// `GET /staf/laporan.csv`: `report::to_csv` per workflow, one header, a workflow column.
pub(crate) async fn csv(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    lang: Lang,
    Query(q): Query<ReportQuery>,
) -> Response {
    let result = match parse_year(q.year.as_deref(), state.now()) {
        Ok(year) => evaluations(&state, &signed.account, year, q.workflow.as_deref()).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(list) => {
            let out = evaluation_csv(&list);
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                    (header::CONTENT_DISPOSITION, "attachment; filename=\"evaluasi.csv\""),
                ],
                out,
            )
                .into_response()
        }
        Err(e) => error_page(&state, &signed, lang, &e),
    }
}

fn error_page(state: &AppState, signed: &Signed, lang: Lang, e: &AppError) -> Response {
    let title = lang.t("Laporan evaluasi", "Evaluation report");
    let body = html! { h1 { (title) } (notice("error", &super::message(e, lang))) };
    page_response(super::status(e), page(&signed.shell(state, lang, title, "/staf/laporan"), body), Vec::new())
}

/// The length of a nominal working day in hours (mean of the weekdays' opening hours).
fn day_hours(workflow: &Workflow) -> f64 {
    let days = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];
    let minutes: Vec<u32> = days
        .iter()
        .map(|d| workflow.calendar.hours(*d).iter().map(|w| u32::from(w.minutes())).sum::<u32>())
        .filter(|m| *m > 0)
        .collect();
    if minutes.is_empty() { 8.0 } else { f64::from(minutes.iter().sum::<u32>()) / minutes.len() as f64 / 60.0 }
}

fn standard_hours(workflow: &Workflow, clock: &str) -> Option<f64> {
    let d = if clock == "overall" {
        workflow.definition.file().sla.overall
    } else {
        workflow.definition.stage(clock)?.time_standard
    };
    let d = d?;
    Some(match d.as_minutes() {
        Some(m) => m as f64 / 60.0,
        None => f64::from(d.amount) * day_hours(workflow),
    })
}

/// `GET /staf/laporan?year=YYYY`
pub(crate) async fn page_handler(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    lang: Lang,
    Query(q): Query<ReportQuery>,
) -> Response {
    let year = match parse_year(q.year.as_deref(), state.now()) {
        Ok(y) => y,
        Err(e) => return error_page(&state, &signed, lang, &e),
    };
    let list = match evaluations(&state, &signed.account, year, q.workflow.as_deref()).await {
        Ok(list) => list,
        Err(e) => return error_page(&state, &signed, lang, &e),
    };
    let title = format!("{} {year}", lang.t("Laporan evaluasi tahunan", "Annual evaluation"));
    let path = format!("/staf/laporan?year={year}");
    let query = match q.workflow.as_deref().filter(|w| !w.is_empty()) {
        Some(w) => format!("year={year}&workflow={w}"),
        None => format!("year={year}"),
    };
    let this_year = state.now().year();
    let body = html! {
        div.print-only {
            p { "Kepada Yth. Gubernur Sumatera Barat" br; "melalui Sekretaris Daerah Provinsi Sumatera Barat" }
        }
        h1 { (title) }
        form.filters.no-print method="get" action="/staf/laporan" {
            div.field {
                label for="f-year" { (lang.t("Tahun", "Year")) }
                select #f-year name="year" {
                    @for y in (this_year - 5..=this_year + 1).rev() { option value=(y) selected[y == year] { (y) } }
                }
            }
            button.secondary type="submit" { (lang.t("Tampilkan", "Show")) }
        }
        p.no-print {
            a href={ "/staf/laporan.csv?" (query) } download { (lang.t("Unduh CSV", "Download CSV")) }
            " · "
            a href={ "/staf/laporan.json?" (query) } download { (lang.t("Unduh JSON", "Download JSON")) }
            " · "
            (lang.t("Untuk laporan kepada Gubernur, cetak halaman ini (Ctrl+P): menu dan formulir tidak ikut tercetak.",
                    "For the report to the Governor, print this page (Ctrl+P): menus and forms are left out."))
        }
        p { (lang.t("Hanya angka agregat: laporan ini tidak memuat identitas pemohon. Waktu dihitung dalam jam kerja.",
                    "Aggregate figures only: no applicant's identity. Times are working hours.")) }
        @for e in &list {
            @if let Some(workflow) = state.service.workflow(&e.organisation, &e.workflow) {
                (evaluation(lang, &workflow, e))
            }
        }
    };
    page_response(StatusCode::OK, page(&signed.shell(&state, lang, &title, &path), body), Vec::new())
}

/// One workflow's evaluation, in the five sections of the report to the Governor.
fn evaluation(lang: Lang, workflow: &Workflow, e: &Evaluation) -> Markup {
    let w = &e.workflow;
    html! {
        section aria-labelledby={ (w) "-judul" } {
            h2 id={ (w) "-judul" } { (e.label) }
            p.muted { (e.organisation_name) " · " (lang.t("Tahun", "Year")) " " (e.year) }
            (summary(lang, e))
            (performance(lang, workflow, e))
            (satisfaction(lang, e))
            (constraints(lang, workflow, e))
            h3 { "5. " (lang.t("Langkah perbaikan", "Improvement steps")) }
            div.fill-in { (lang.t("Langkah perbaikan yang diusulkan (diisi Biro Hukum dari angka di atas):", "Proposed improvements (the bureau fills these in from the figures above):")) }
        }
    }
}

/// 1. The year in figures.
fn summary(lang: Lang, e: &Evaluation) -> Markup {
    let w = &e.workflow;
    let key = |k: &str| format!("{w}:{k}");
    let top_topic = e.topics.iter().find(|t| t.count > 0);
    html! {
        h3 { "1. " (lang.t("Ringkasan", "Summary")) }
        ul.summary-cards {
            li { span.n data-key=(key("received")) { (e.received) } (lang.t("permohonan diterima", "requests received")) }
            li { span.n data-key=(key("closed")) { (e.closed) } (lang.t("selesai", "closed")) }
            li { span.n data-key=(key("open")) { (e.open) } (lang.t("masih diproses", "still open")) }
            li { span.n data-key=(key("breaches")) { (e.breaches) } (lang.t("pelanggaran waktu standar", "time-standard breaches")) }
            li { span.n data-key=(key("survey_responses")) { (e.survey_responses) } (lang.t("survei diisi", "surveys answered")) }
            li { span.n data-key=(key("satisfaction")) { (e.satisfaction.map_or_else(|| "—".to_owned(), percent)) } (lang.t("indeks kepuasan", "satisfaction index")) }
        }
        p {
            (lang.t("Pada tahun", "In")) " " (e.year) " " (lang.t("diterima", "the service received")) " " (e.received) " "
            (lang.t("permohonan; ", "requests; ")) (e.closed) " " (lang.t("telah selesai dan", "were closed and")) " " (e.open) " "
            (lang.t("masih diproses.", "are still open."))
            @if let Some(t) = top_topic { " " (lang.t("Topik terbanyak:", "Most frequent topic:")) " " (t.label) " (" (t.count) ")." }
        }
        div.fill-in { (lang.t("Catatan Biro Hukum untuk ringkasan:", "The bureau's notes on the summary:")) }
    }
}

/// 2. Requests per month, outcomes, products, and times against the standards.
fn performance(lang: Lang, workflow: &Workflow, e: &Evaluation) -> Markup {
    let w = &e.workflow;
    let key = |k: &str| format!("{w}:{k}");
    let months: Vec<String> = (1..=12).map(|m| sigap_core::text::month_name(m).chars().take(3).collect()).collect();
    let month_received: Vec<u64> = e.months.iter().map(|m| m.received).collect();
    let month_closed: Vec<u64> = e.months.iter().map(|m| m.closed).collect();
    let closed_total = e.outcomes.iter().map(|c| c.count).sum::<u64>().max(1);
    let outcome_items: Vec<(String, f64, String)> = e
        .outcomes
        .iter()
        .map(|c| {
            (
                c.label.clone(),
                c.count as f64,
                format!("{} ({})", c.count, percent(c.count as f64 / closed_total as f64)),
            )
        })
        .collect();
    let product_items: Vec<(String, f64, String)> =
        e.products.iter().map(|c| (c.label.clone(), c.count as f64, c.count.to_string())).collect();
    let timing_rows: Vec<chart::StageRow> = e
        .timings
        .iter()
        .map(|t| (t.label.clone(), t.median_hours, t.p90_hours, standard_hours(workflow, &t.clock)))
        .collect();
    html! {
        h3 { "2. " (lang.t("Analisis kinerja", "Performance analysis")) }
        h4 { (lang.t("Permohonan per bulan", "Requests per month")) }
        figure.chart tabindex="0" {
            ul.legend { li { span.swatch.bar {} (lang.t("Diterima", "Received")) } li { span.swatch.bar2 {} (lang.t("Selesai", "Closed")) } }
            (chart::columns(&format!("{w}-bulan"), lang.t("Permohonan diterima dan selesai per bulan", "Requests received and closed per month"), &months,
                &[(lang.t("Diterima", "Received"), "bar", month_received), (lang.t("Selesai", "Closed"), "bar2", month_closed)]))
        }
        div.table-wrap tabindex="0" role="region" aria-label=(lang.t("Permohonan per bulan", "Requests per month")) { table {
            caption { (lang.t("Permohonan per bulan", "Requests per month")) }
            thead { tr { th scope="col" { (lang.t("Bulan", "Month")) } th.num scope="col" { (lang.t("Diterima", "Received")) } th.num scope="col" { (lang.t("Selesai", "Closed")) } } }
            tbody { @for m in &e.months { tr {
                th scope="row" { (sigap_core::text::month_name(m.month)) }
                td.num data-key=(key(&format!("month_received:{}", m.month))) { (m.received) }
                td.num data-key=(key(&format!("month_closed:{}", m.month))) { (m.closed) }
            } } }
        } }
        h4 { (lang.t("Hasil penyelesaian", "Outcomes")) }
        figure.chart tabindex="0" { (chart::bars(&format!("{w}-hasil"), lang.t("Permohonan selesai menurut hasil", "Closed requests by outcome"), &outcome_items, None)) }
        div.table-wrap tabindex="0" role="region" aria-label=(lang.t("Hasil penyelesaian", "Outcomes")) { table {
            caption { (lang.t("Hasil penyelesaian", "Outcomes")) }
            thead { tr { th scope="col" { (lang.t("Hasil", "Outcome")) } th.num scope="col" { (lang.t("Jumlah", "Count")) } } }
            tbody { @for c in &e.outcomes { tr { th scope="row" { (c.label) } td.num data-key=(key(&format!("outcome:{}", c.id))) { (c.count) } } } }
        } }
        h4 { (lang.t("Produk layanan", "Products")) }
        figure.chart tabindex="0" { (chart::bars(&format!("{w}-produk"), lang.t("Jawaban menurut produk layanan", "Answers by product"), &product_items, None)) }
        div.table-wrap tabindex="0" role="region" aria-label=(lang.t("Produk layanan", "Products")) { table {
            caption { (lang.t("Produk layanan", "Products")) }
            thead { tr { th scope="col" { (lang.t("Produk", "Product")) } th.num scope="col" { (lang.t("Jumlah", "Count")) } } }
            tbody { @for c in &e.products { tr { th scope="row" { (c.label) } td.num data-key=(key(&format!("product:{}", c.id))) { (c.count) } } } }
        } }
        h4 { (lang.t("Waktu penyelesaian terhadap standar", "Completion time against the standard")) }
        figure.chart tabindex="0" {
            ul.legend {
                li { span.swatch.bar-ok {} (lang.t("Median dalam standar", "Median within the standard")) }
                li { span.swatch.bar-late {} (lang.t("Median melebihi standar", "Median over the standard")) }
                li { span.swatch.p90 {} (lang.t("Persentil ke-90", "90th percentile")) }
                li { span.swatch.standard {} (lang.t("Waktu standar (garis putus-putus)", "Time standard (dashed)")) }
            }
            (chart::against_standard(&format!("{w}-waktu"), lang.t("Waktu penyelesaian per tahap terhadap waktu standar, dalam jam kerja", "Completion time per stage against its standard, working hours"), &timing_rows))
        }
        div.table-wrap tabindex="0" role="region" aria-label=(lang.t("Waktu penyelesaian (jam kerja)", "Completion time (working hours)")) { table {
            caption { (lang.t("Waktu penyelesaian (jam kerja)", "Completion time (working hours)")) }
            thead { tr {
                th scope="col" { (lang.t("Tahap", "Stage")) }
                th scope="col" { (lang.t("Standar", "Standard")) }
                th.num scope="col" { (lang.t("Diukur", "Measured")) }
                th.num scope="col" { "Median" }
                th.num scope="col" { "P90" }
                th.num scope="col" { (lang.t("Dalam standar", "Within standard")) }
                th.num scope="col" { (lang.t("Pelanggaran", "Breaches")) }
            } }
            tbody { @for t in &e.timings { tr {
                th scope="row" { (t.label) }
                td { (if t.clock == "overall" { workflow.definition.file().sla.overall } else { workflow.definition.stage(&t.clock).and_then(|s| s.time_standard) }.map_or_else(|| "—".to_owned(), |d| d.to_indonesian())) }
                td.num data-key=(key(&format!("measured:{}", t.clock))) { (t.measured) }
                td.num { (t.median_hours.map_or_else(|| "—".to_owned(), |v| number(v, 2))) }
                td.num { (t.p90_hours.map_or_else(|| "—".to_owned(), |v| number(v, 2))) }
                td.num { (t.within_share.map_or_else(|| "—".to_owned(), percent)) }
                td.num data-key=(key(&format!("breaches:{}", t.clock))) { (t.breaches) }
            } } }
        } }
        div.fill-in { (lang.t("Analisis Biro Hukum atas kinerja:", "The bureau's analysis of performance:")) }
    }
}

/// 3. The satisfaction survey and the most frequent topics.
fn satisfaction(lang: Lang, e: &Evaluation) -> Markup {
    let w = &e.workflow;
    let key = |k: &str| format!("{w}:{k}");
    let topic_items: Vec<(String, f64, String)> =
        e.topics.iter().map(|c| (c.label.clone(), c.count as f64, c.count.to_string())).collect();
    let score_items: Vec<(String, f64, String)> = e
        .scores
        .iter()
        .map(|s| {
            (
                s.label.clone(),
                s.mean.unwrap_or(0.0),
                s.mean.map_or_else(|| "—".to_owned(), |m| format!("{} / {}", number(m, 2), s.range.1)),
            )
        })
        .collect();
    html! {
        h3 { "3. " (lang.t("Kepuasan pengguna", "User satisfaction")) }
        p {
            (e.survey_responses) " " (lang.t("survei diisi. Indeks kepuasan", "surveys answered. Satisfaction index")) " "
            (e.satisfaction.map_or_else(|| "—".to_owned(), percent)) "; "
            (lang.t("pengguna puas (rata-rata ≥ 4 dari 5):", "satisfied users (mean ≥ 4 of 5):")) " "
            span data-key=(key("satisfied_share")) { (e.satisfied_share.map_or_else(|| "—".to_owned(), percent)) } "."
        }
        @if !e.scores.is_empty() {
            figure.chart tabindex="0" { (chart::bars(&format!("{w}-kepuasan"), lang.t("Nilai rata-rata per pertanyaan survei (skala 1–5)", "Mean score per survey question (1–5)"), &score_items, Some(5.0))) }
            div.table-wrap tabindex="0" role="region" aria-label=(lang.t("Nilai survei", "Survey scores")) { table {
                caption { (lang.t("Nilai survei", "Survey scores")) }
                thead { tr { th scope="col" { (lang.t("Pertanyaan", "Question")) } th.num scope="col" { (lang.t("Jawaban", "Answers")) } th.num scope="col" { (lang.t("Rata-rata", "Mean")) } } }
                tbody { @for s in &e.scores { tr {
                    th scope="row" { (s.label) }
                    td.num data-key=(key(&format!("score_responses:{}", s.id))) { (s.responses) }
                    td.num data-key=(key(&format!("score_mean:{}", s.id))) { (s.mean.map_or_else(|| "—".to_owned(), |m| number(m, 2))) }
                } } }
            } }
        }
        h4 { (lang.t("Topik yang paling sering ditanyakan", "Most frequent topics")) }
        figure.chart tabindex="0" { (chart::bars(&format!("{w}-topik"), lang.t("Permohonan menurut topik", "Requests by topic"), &topic_items, None)) }
        div.table-wrap tabindex="0" role="region" aria-label=(lang.t("Topik", "Topics")) { table {
            caption { (lang.t("Topik", "Topics")) }
            thead { tr { th scope="col" { (lang.t("Topik", "Topic")) } th.num scope="col" { (lang.t("Jumlah", "Count")) } } }
            tbody { @for c in &e.topics { tr { th scope="row" { (c.label) } td.num data-key=(key(&format!("topic:{}", c.id))) { (c.count) } } } }
        } }
    }
}

/// 4. Breaches, slow stages and the obstacles staff recorded.
fn constraints(lang: Lang, workflow: &Workflow, e: &Evaluation) -> Markup {
    let w = &e.workflow;
    let key = |k: &str| format!("{w}:{k}");
    let stage_label = |id: &str| workflow.definition.stage(id).map_or_else(|| id.to_owned(), |s| s.label.clone());
    let slow: Vec<&sigap_core::report::Timing> =
        e.timings.iter().filter(|t| t.within_share.is_some_and(|s| s < 0.8)).collect();
    html! {
        h3 { "4. " (lang.t("Kendala", "Constraints")) }
        p {
            (e.breaches) " " (lang.t("kali waktu standar terlampaui.", "time-standard breaches."))
            @if !slow.is_empty() {
                " " (lang.t("Tahap dengan kurang dari 80% selesai dalam standar:", "Stages with less than 80% within the standard:")) " "
                (slow.iter().map(|t| format!("{} ({})", t.label, t.within_share.map_or_else(String::new, percent))).collect::<Vec<_>>().join("; ")) "."
            }
        }
        p { (lang.t("Hambatan yang dicatat petugas", "Obstacles recorded by staff")) ": " span data-key=(key("obstacles")) { (e.obstacles.len()) } }
        @if !e.obstacles.is_empty() {
            div.table-wrap tabindex="0" role="region" aria-label=(lang.t("Hambatan", "Obstacles")) { table {
                caption { (lang.t("Hambatan", "Obstacles")) }
                thead { tr { th scope="col" { (lang.t("Bulan", "Month")) } th scope="col" { (lang.t("Tahap", "Stage")) } th scope="col" { (lang.t("Catatan", "Note")) } } }
                tbody { @for o in &e.obstacles { tr { td { (sigap_core::text::month_name(o.month)) } td { (stage_label(&o.stage)) } td { (o.text) } } } }
            } }
        }
        div.fill-in { (lang.t("Kendala menurut Biro Hukum:", "Constraints in the bureau's words:")) }
    }
}
