//! The SOP table as an HTML document in the official layout: performer
//! columns grouped under "Pelaksana", quality standard under "Mutu Baku".

use maud::{DOCTYPE, Markup, html};
use sigap_core::access::matrix::AccessMatrix;
use sigap_core::definition::sop::SopTable;

/// The table alone, for embedding in a page.
pub(crate) fn table(sop: &SopTable) -> Markup {
    let staff = sop.performers.len().saturating_sub(1);
    html! {
        table.sop {
            thead {
                tr {
                    th rowspan="2" { "No." }
                    th rowspan="2" { "Kegiatan" }
                    th rowspan="2" { (sop.performers[0].label) }
                    @if staff > 0 { th colspan=(staff) { "Pelaksana" } }
                    th colspan="3" { "Mutu Baku" }
                    th rowspan="2" { "Keterangan" }
                }
                tr {
                    @for performer in sop.performers.iter().skip(1) { th { (performer.label) } }
                    th { "Kelengkapan" }
                    th { "Waktu" }
                    th { "Output" }
                }
            }
            tbody {
                @for row in &sop.rows {
                    tr {
                        td.num { (row.number) }
                        td { (row.activity) }
                        @for i in 0..sop.performers.len() {
                            td.mark { @if i == row.performer { span aria-label="pelaksana" { "●" } } }
                        }
                        td { (row.requirements) }
                        td { (row.time) }
                        td { (row.output) }
                        td { (row.note) }
                    }
                }
            }
        }
    }
}

/// The access matrix as HTML sections (the SOP's annex, or a page of its own).
pub(crate) fn access(matrix: &AccessMatrix) -> Markup {
    html! {
        section.access {
            h2 { "Lampiran: hak akses — " (matrix.title) }
            p { (matrix.preamble) }
            @for section in &matrix.sections {
                h3 { (section.title) }
                @if let Some(legend) = &section.legend { p { (legend) } }
                table.access {
                    thead { tr {
                        th scope="col" { (section.head) }
                        @for role in &matrix.roles { th scope="col" { (role) } }
                    } }
                    tbody {
                        @for (item, cells) in &section.rows {
                            tr { th scope="row" { (item.trim_matches('`')) } @for cell in cells { td.mark { (cell) } } }
                        }
                    }
                }
            }
            p { (matrix.footer) }
        }
    }
}

/// The access matrix as a standalone, printable HTML document.
pub(crate) fn access_document(matrix: &AccessMatrix) -> Markup {
    html! {
        (DOCTYPE)
        html lang="id" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Hak akses — " (matrix.title) }
                style { (STYLE) }
            }
            body {
                h1 { "Hak akses: " (matrix.title) }
                p.org { (matrix.organisation) }
                (access(matrix))
            }
        }
    }
}

/// A standalone, printable HTML document, with the access matrix as its annex.
pub(crate) fn document(sop: &SopTable, matrix: &AccessMatrix) -> Markup {
    html! {
        (DOCTYPE)
        html lang="id" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "SOP — " (sop.title) }
                style { (STYLE) }
            }
            body {
                h1 { (sop.title) }
                p.org { (sop.organisation) }
                @if !sop.facts.is_empty() {
                    table.facts {
                        @for (label, value) in &sop.facts { tr { th { (label) } td { (value) } } }
                    }
                }
                @for (label, items) in &sop.lists {
                    h2 { (label) }
                    ol { @for item in items { li { (item) } } }
                }
                (table(sop))
                (access(matrix))
            }
        }
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem;color:#111}\
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #555;padding:.35rem .5rem;vertical-align:top}\
table.sop th{background:#eef}td.mark{text-align:center}td.num{text-align:right}\
table.facts th{text-align:left;background:#f6f6f6}table.access th{text-align:left;background:#f6f6f6}section.access{break-before:page}h2{font-size:1rem;margin-bottom:.25rem}\
@media print{body{margin:0}}";
