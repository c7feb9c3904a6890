//! `/staf/kasus/{id}`: one case as the person may see it, built from panels
//! (task, actions, form, answer, messages, survey, clocks, attachments,
//! notes, history).

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use maud::{Markup, html};
use serde::Deserialize;
use sigap_core::access::{self, StaffView};
use sigap_core::definition::{Action, ActionKind, Definition, Outcome, Stage, StageKind};
use sigap_core::engine::NoteAudience;
use sigap_core::engine::Status;
use sigap_core::workflow::Workflow;

use super::history::history_panel;
use super::{Signed, beyond_known_holidays, clock_badge};
use crate::app::staff as app;
use crate::auth::Account;
use crate::html::form::{self, FormState, error_summary, hidden};
use crate::html::layout::{notice, page};
use crate::state::AppState;
use crate::web::i18n::Lang;
use crate::web::status as error_status;
use crate::web::{html as page_response, idempotency_key, message};

/// `?berhasil=` after an action.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct CaseQuery {
    berhasil: Option<String>,
}

/// What a re-rendered case page shows about a form that was refused.
#[derive(Default)]
pub(super) struct Refused {
    /// What succeeded, for the confirmation (`?berhasil=`).
    pub(super) done: Option<String>,
    /// The form (`aksi-<action>`, `catatan`, `lampiran`, `tugas`) and its state.
    pub(super) form: Option<(String, FormState)>,
    pub(super) notices: Vec<(&'static str, String)>,
    /// An action that succeeded: its label is looked up in the case's own
    /// workflow once the case is loaded (ids repeat across workflows).
    pub(super) action_done: Option<String>,
}

/// `GET /staf/kasus/{id}`
pub(crate) async fn case_page(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    lang: Lang,
    Path(id): Path<String>,
    Query(q): Query<CaseQuery>,
) -> Response {
    let mut refused = Refused { done: q.berhasil.clone(), ..Refused::default() };
    if let Some(done) = q.berhasil {
        let text = match done.as_str() {
            "ambil" => lang.t("Tugas sudah Anda ambil.", "You hold the task now.").to_owned(),
            "lepas" => lang.t("Tugas sudah dilepas.", "The task was released.").to_owned(),
            "tugaskan" => lang.t("Tugas sudah ditugaskan.", "The task was assigned.").to_owned(),
            "catatan" => lang.t("Catatan tersimpan.", "Note saved.").to_owned(),
            "lampiran" => lang.t("Lampiran tersimpan.", "Attachment saved.").to_owned(),
            action => {
                refused.action_done = Some(action.to_owned());
                String::new()
            }
        };
        if !text.is_empty() {
            refused.notices.push(("success", text));
        }
    }
    render_case(&state, &signed, lang, &id, refused, StatusCode::OK).await
}

pub(super) async fn render_case(
    state: &AppState,
    signed: &Signed,
    lang: Lang,
    id: &str,
    mut refused: Refused,
    status: StatusCode,
) -> Response {
    let (case, events, workflow) = match app::load(state, &signed.account, id).await {
        Ok(x) => x,
        Err(e) => {
            let title = lang.t("Permohonan tidak ditemukan", "Case not found");
            let body = html! { h1 { (title) } (notice("error", &message(&e, lang))) p { a href="/staf/kotak-masuk" { (lang.t("Kembali ke kotak masuk", "Back to the inbox")) } } };
            return page_response(
                error_status(&e),
                page(&signed.shell(state, lang, title, "/staf/kotak-masuk"), body),
                Vec::new(),
            );
        }
    };
    if let Some(action) = refused.action_done.take() {
        let label = workflow.definition.action(&action).map_or(action, |a| a.label.clone());
        refused.notices.push(("success", format!("{} {label}", lang.t("Tindakan berhasil:", "Action done:"))));
    }
    let view = access::staff_view(
        &workflow.definition,
        &workflow.calendar,
        &case,
        &events,
        &signed.account.principal(),
        state.now(),
    );
    let chain = sigap_core::engine::history::verify_against(&case.id, &events, case.version, &case.head);
    let title = format!("{} {}", lang.t("Permohonan", "Case"), view.tracking_code);
    let path = format!("/staf/kasus/{}", view.id);
    let body = case_markup(state, signed, lang, &workflow, &view, &chain.map_err(|e| e.to_string()), &refused);
    page_response(status, page(&signed.shell(state, lang, &title, &path), body), Vec::new())
}

/// Where a case stands; a closed case of a workflow with its own
/// `[[outcomes]]` is named by the declared label.
fn status_words(lang: Lang, workflow: &Workflow, view: &StaffView) -> String {
    match (&view.outcome_label, workflow.definition.file().outcomes.is_empty()) {
        (Some(label), false) => format!("{} — {label}", lang.t("Selesai", "Closed")),
        _ => default_status_words(lang, view.status, view.outcome).to_owned(),
    }
}

fn default_status_words(lang: Lang, status: Status, outcome: Option<Outcome>) -> &'static str {
    match (status, outcome) {
        (Status::Open, _) => lang.t("Dalam proses", "Open"),
        (Status::Waiting, _) => lang.t("Menunggu pemohon", "Waiting for the applicant"),
        (Status::Closed, Some(Outcome::Answered)) => lang.t("Selesai — dijawab", "Closed — answered"),
        (Status::Closed, Some(Outcome::Rejected)) => lang.t("Selesai — ditolak", "Closed — rejected"),
        (Status::Closed, Some(Outcome::Withdrawn)) => lang.t("Selesai — ditarik/ditutup", "Closed — withdrawn"),
        (Status::Closed, None) => lang.t("Selesai", "Closed"),
    }
}

/// What every panel of one rendering of the case page reads.
struct Page<'a> {
    state: &'a AppState,
    signed: &'a Signed,
    lang: Lang,
    workflow: &'a Workflow,
    view: &'a StaffView,
    refused: &'a Refused,
    /// The case page's path, the prefix of its forms' addresses.
    base: String,
    /// The case version the forms send back.
    version: String,
    empty: FormState,
}

impl Page<'_> {
    fn definition(&self) -> &Definition {
        &self.workflow.definition
    }

    fn when(&self, at: DateTime<Utc>) -> String {
        sigap_core::text::datetime(at, self.workflow.calendar.time_zone())
    }

    /// Whether `at` falls past the last day whose holidays the calendar knows.
    fn beyond_known_holidays(&self, at: DateTime<Utc>) -> bool {
        let calendar = &self.workflow.calendar;
        calendar.beyond_known_holidays(at.with_timezone(&calendar.time_zone()).date_naive())
    }

    fn csrf(&self) -> &str {
        &self.signed.csrf
    }

    /// The state of form `form_id`: what was sent when it was refused, else empty.
    fn form_state(&self, form_id: &str) -> &FormState {
        match &self.refused.form {
            Some((id, st)) if id == form_id => st,
            _ => &self.empty,
        }
    }

    fn stage(&self) -> Option<&Stage> {
        self.definition().stage(&self.view.stage)
    }

    fn is_task(&self) -> bool {
        self.stage().is_some_and(|s| s.kind == StageKind::Task)
    }

    /// Whether the person holds the role performing the current stage, or
    /// the role an escalation moved it to.
    fn holds_role(&self) -> bool {
        let roles = &self.signed.account.roles;
        self.view.stage_role.as_ref().is_some_and(|r| roles.contains(r))
            || self.view.escalated_to.as_ref().is_some_and(|r| roles.contains(r))
    }

    /// Whether the person supervises the current stage.
    fn supervises(&self) -> bool {
        self.stage().and_then(|s| s.supervisor.as_ref()).is_some_and(|r| self.signed.account.roles.contains(r))
    }
}

fn case_markup(
    state: &AppState,
    signed: &Signed,
    lang: Lang,
    workflow: &Workflow,
    view: &StaffView,
    chain: &Result<(), String>,
    refused: &Refused,
) -> Markup {
    let page = Page {
        state,
        signed,
        lang,
        workflow,
        view,
        refused,
        base: format!("/staf/kasus/{}", view.id),
        version: view.version.to_string(),
        empty: FormState::default(),
    };
    html! {
        p.muted { a href="/staf/kotak-masuk" { "← " (lang.t("Kotak masuk", "Inbox")) } " · " (view.workflow_label) }
        h1 { (lang.t("Permohonan", "Case")) " " span.code { (view.tracking_code) } }
        @if let Some(done) = &refused.done {
            div #berhasil data-action=(done) {
                @for (kind, text) in &refused.notices { (notice(kind, text)) }
            }
        } @else {
            @for (kind, text) in &refused.notices { (notice(kind, text)) }
        }
        (facts(&page))
        div.layout {
            div {
                (task_panel(&page))
                (actions_panel(&page))
                (form_panel(&page))
                (answer_panel(&page))
                (messages_panel(&page))
                (survey_panel(&page))
            }
            div {
                (clocks_panel(&page))
                (timers_panel(&page))
                (attachments_panel(&page))
                (notes_panel(&page))
                (history_panel(lang, workflow, view, chain))
            }
        }
    }
}

/// Where the case stands: stage, state, role, holder, submission, version.
fn facts(page: &Page<'_>) -> Markup {
    let (lang, view) = (page.lang, page.view);
    html! {
        dl.facts {
            dt { (lang.t("Tahap", "Stage")) } dd #tahap { strong { (view.stage_label) } }
            dt { (lang.t("Keadaan", "State")) } dd { (status_words(lang, page.workflow, view)) }
            @if let Some(role) = view.stage_role.as_deref().and_then(|r| page.definition().role(r)) {
                dt { (lang.t("Peran pelaksana", "Performing role")) } dd { (role.label) }
            }
            @if let Some(role) = view.escalated_to.as_deref() {
                dt { (lang.t("Dieskalasi ke", "Escalated to")) }
                dd #eskalasi { strong { (page.definition().role(role).map_or(role, |r| r.label.as_str())) } }
            }
            dt { (lang.t("Ditangani oleh", "Held by")) }
            dd #pemegang { @match &view.assignee { Some(a) => (a), None => span.muted { (lang.t("belum diambil", "unclaimed")) } } }
            dt { (lang.t("Diajukan", "Submitted")) } dd { (page.when(view.submitted_at)) }
            dt { (lang.t("Versi", "Version")) } dd { (view.version) " · " a href={ "/staf/prosedur/" (view.workflow) } { (lang.t("lihat prosedur", "see the procedure")) } }
        }
    }
}

/// Claim, release and assign the current task (for its role, its holder and its supervisor).
fn task_panel(page: &Page<'_>) -> Markup {
    let (lang, view, me) = (page.lang, page.view, &page.signed.account);
    let (holds_role, supervises) = (page.holds_role(), page.supervises());
    if !(page.is_task() && (holds_role || supervises || view.assignee.is_some())) {
        return html! {};
    }
    let mut assignable: Vec<&Account> = view
        .stage_role
        .iter()
        .chain(&view.escalated_to)
        .flat_map(|r| page.state.accounts.holding(&me.organisation, r))
        .collect();
    assignable.dedup_by(|a, b| a.user == b.user);
    let (base, csrf, version) = (&page.base, page.csrf(), &page.version);
    html! {
        section.panel aria-labelledby="tugas-judul" {
            h2 #tugas-judul { (lang.t("Tugas", "Task")) }
            @if view.assignee.is_none() && holds_role {
                form method="post" action={ (base) "/ambil" } {
                    (hidden("_csrf", csrf)) (hidden("expected_version", version))
                    button.primary type="submit" { (lang.t("Ambil tugas ini", "Claim this task")) }
                }
            }
            @if view.assignee.as_deref() == Some(me.user.as_str()) || (view.assignee.is_some() && supervises) {
                form method="post" action={ (base) "/lepas" } {
                    (hidden("_csrf", csrf)) (hidden("expected_version", version))
                    button.secondary type="submit" { (lang.t("Lepaskan tugas", "Release the task")) }
                }
            }
            @if (holds_role || supervises) && !assignable.is_empty() {
                @let st = page.form_state("tugas");
                form.action method="post" action={ (base) "/tugaskan" } {
                    (hidden("_csrf", csrf)) (hidden("expected_version", version))
                    div class=(if st.errors.contains_key("user") { "field has-error" } else { "field" }) {
                        label for="f-tugas-user" { (lang.t("Tugaskan kepada", "Assign to")) }
                        @if let Some(e) = st.errors.get("user") { p.error-message #f-tugas-user-kesalahan { (e) } }
                        select #f-tugas-user name="user" aria-describedby=[st.errors.get("user").map(|_| "f-tugas-user-kesalahan")] {
                            @for a in &assignable {
                                option value=(a.user) selected[view.assignee.as_deref() == Some(a.user.as_str())] { (a.display_name()) " (" (a.user) ")" }
                            }
                        }
                    }
                    button.secondary type="submit" { (lang.t("Tugaskan", "Assign")) }
                }
            }
        }
    }
}

/// One form per action the person may perform now.
fn actions_panel(page: &Page<'_>) -> Markup {
    let (lang, d) = (page.lang, page.definition());
    html! {
        section.panel aria-labelledby="tindakan-judul" {
            h2 #tindakan-judul { (lang.t("Tindakan", "Actions")) }
            @if page.view.actions.is_empty() {
                p { (lang.t("Tidak ada tindakan yang dapat Anda lakukan pada tahap ini.", "There is nothing you can do at this stage.")) }
                @if page.is_task() && !page.holds_role() {
                    p.muted { (lang.t("Tahap ini dikerjakan oleh peran lain.", "Another role performs this stage.")) }
                }
            }
            @for a in page.view.actions.iter().filter_map(|id| d.action(id)) {
                (action_form(page, a))
            }
        }
    }
}

fn action_form(page: &Page<'_>, a: &Action) -> Markup {
    let (lang, d) = (page.lang, page.definition());
    let scope = format!("aksi-{}", a.id);
    let st = page.form_state(&scope);
    let danger = d
        .stage(&a.to)
        .is_some_and(|s| matches!(d.file().outcome_category(s), Some(Outcome::Rejected | Outcome::Withdrawn)));
    let items: Vec<(Option<String>, String)> = a
        .inputs
        .iter()
        .filter_map(|f| st.errors.get(&f.id).map(|e| (Some(form::anchor(&scope, &f.id, Some(f), Some(d))), e.clone())))
        .collect();
    html! {
        form.action.stack method="post" action={ (page.base) "/tindakan/" (a.id) } enctype="multipart/form-data" novalidate id=(scope) {
            h3 { (a.label) }
            @if let Some(desc) = &a.description { p.hint { (desc) } }
            @if a.kind == ActionKind::Answer {
                p.hint { (lang.t("Jawaban dan dokumennya akan dapat dibaca pemohon.", "The applicant will read the answer and its document.")) }
            }
            (error_summary(lang, &items))
            (hidden("_csrf", page.csrf()))
            (hidden("_idem", &idempotency_key()))
            (hidden("expected_version", &page.version))
            @for f in &a.inputs {
                (form::field(lang, Some(d), f, &f.id, &scope, st))
                @if f.public { p.hint { (lang.t("Isian ini akan dibaca pemohon.", "The applicant will read this.")) } }
            }
            button class=(if danger { "danger" } else { "primary" }) type="submit" { (a.label) }
        }
    }
}

/// The intake form, with the fields the person may not read redacted.
fn form_panel(page: &Page<'_>) -> Markup {
    let (lang, view) = (page.lang, page.view);
    let redacted_any = view.form.iter().any(|f| f.redacted);
    html! {
        section.panel aria-labelledby="formulir-judul" {
            h2 #formulir-judul { (lang.t("Formulir permohonan", "Request form")) }
            @if redacted_any {
                p.notice role="note" { (lang.t(
                    "Sebagian isian dirahasiakan: peran Anda tidak berwenang melihat identitas pemohon.",
                    "Some fields are hidden: your role may not see the applicant's identity.")) }
            }
            dl.facts {
                @for f in &view.form {
                    dt { (f.label) }
                    dd data-field=(f.id) {
                        @if f.redacted {
                            span.badge.redacted { (lang.t("dirahasiakan", "redacted")) }
                            span.visually-hidden { (lang.t(" — Anda tidak berwenang melihat isian ini", " — you may not see this field")) }
                        } @else if !f.files.is_empty() {
                            ul { @for file in &f.files { li { a href={ (page.base) "/berkas/" (file.id) } download { (file.name) } } } }
                        } @else {
                            span.pre { (f.value.as_deref().unwrap_or("—")) }
                        }
                    }
                }
            }
        }
    }
}

/// The answer, once given.
fn answer_panel(page: &Page<'_>) -> Markup {
    let Some(answer) = &page.view.answer else { return html! {} };
    let d = page.definition();
    html! {
        section.panel aria-labelledby="jawaban-judul" {
            h2 #jawaban-judul { (page.lang.t("Jawaban", "Answer")) }
            p { (d.product(&answer.product).map_or(answer.product.as_str(), |p| p.label.as_str())) " · " (page.when(answer.at)) }
            @if let Some(m) = &answer.message { p.pre { (m) } }
        }
    }
}

/// What the applicant was told (a rejection's reason, a request to complete).
fn messages_panel(page: &Page<'_>) -> Markup {
    if page.view.messages.is_empty() {
        return html! {};
    }
    let d = page.definition();
    html! {
        section.panel.messages aria-labelledby="pesan-judul" {
            h2 #pesan-judul { (page.lang.t("Pesan kepada pemohon", "Messages to the applicant")) }
            @for m in &page.view.messages {
                article { p.muted { (d.action(&m.action).map_or(m.action.as_str(), |a| a.label.as_str())) " · " (page.when(m.at)) } p.pre { (m.text) } }
            }
        }
    }
}

/// The applicant's satisfaction survey, once answered.
fn survey_panel(page: &Page<'_>) -> Markup {
    let Some(survey) = &page.view.survey else { return html! {} };
    html! {
        section.panel aria-labelledby="survei-judul" {
            h2 #survei-judul { (page.lang.t("Survei kepuasan", "Satisfaction survey")) }
            dl.facts {
                @for q in page.definition().file().survey.iter().flat_map(|s| s.questions.iter()) {
                    @if let Some(v) = survey.get(&q.id) { dt { (q.label) } dd { (v.display()) } }
                }
            }
        }
    }
}

/// Every clock of the case: standard, working time used, due instant, state.
fn clocks_panel(page: &Page<'_>) -> Markup {
    let (lang, d) = (page.lang, page.definition());
    html! {
        section.panel aria-labelledby="waktu-judul" {
            h2 #waktu-judul { (lang.t("Waktu layanan", "Clocks")) }
            div.table-wrap { table.cards.always {
                thead { tr {
                    th scope="col" { (lang.t("Tahap", "Stage")) }
                    th scope="col" { (lang.t("Standar", "Standard")) }
                    th scope="col" { (lang.t("Terpakai", "Used")) }
                    th scope="col" { (lang.t("Batas", "Due")) }
                    th scope="col" { (lang.t("Status", "State")) }
                } }
                tbody {
                    @for c in &page.view.clocks {
                        @let st = d.stage(&c.clock);
                        tr {
                            td data-label=(lang.t("Tahap", "Stage")) { (st.map_or_else(|| lang.t("Keseluruhan", "Overall").to_owned(), |s| s.label.clone())) }
                            td data-label=(lang.t("Standar", "Standard")) { (st.and_then(|s| s.time_standard).map_or_else(|| "—".to_owned(), |t| t.to_indonesian())) }
                            td data-label=(lang.t("Terpakai", "Used")) { (sigap_core::text::working_time(c.elapsed)) }
                            td data-label=(lang.t("Batas", "Due")) {
                                (c.due.map_or_else(|| "—".to_owned(), |d| page.when(d)))
                                @if c.due.is_some_and(|d| page.beyond_known_holidays(d)) { (beyond_known_holidays(lang)) }
                            }
                            td data-label=(lang.t("Status", "State")) { (clock_badge(lang, c.state)) }
                        }
                    }
                }
            } }
        }
    }
}

/// The stage timers armed on the case: the rule, when it falls due, and
/// whether it fired or was disarmed by the case moving on.
fn timers_panel(page: &Page<'_>) -> Markup {
    let (lang, d) = (page.lang, page.definition());
    if page.view.timers.is_empty() {
        return html! {};
    }
    html! {
        section.panel aria-labelledby="pengatur-waktu-judul" {
            h2 #pengatur-waktu-judul { (lang.t("Pengatur waktu", "Timers")) }
            div.table-wrap { table.cards.always #pengatur-waktu {
                thead { tr {
                    th scope="col" { (lang.t("Tahap", "Stage")) }
                    th scope="col" { (lang.t("Aturan", "Rule")) }
                    th scope="col" { (lang.t("Jatuh tempo", "Due")) }
                    th scope="col" { (lang.t("Keadaan", "State")) }
                } }
                tbody {
                    @for t in page.view.timers.iter().rev() {
                        tr {
                            td data-label=(lang.t("Tahap", "Stage")) { (d.stage(&t.stage).map_or(t.stage.as_str(), |s| s.label.as_str())) }
                            td data-label=(lang.t("Aturan", "Rule")) { (t.rule) }
                            td data-label=(lang.t("Jatuh tempo", "Due")) {
                                (page.when(t.due))
                                @if page.beyond_known_holidays(t.due) { (beyond_known_holidays(lang)) }
                            }
                            td data-label=(lang.t("Keadaan", "State")) {
                                @match (t.fired_at, t.disarmed_at) {
                                    (Some(at), _) => { span.badge.stopped { (lang.t("berjalan", "fired")) } " " (page.when(at)) }
                                    (None, Some(_)) => span.badge.none { (lang.t("dibatalkan (tahap ditinggalkan)", "disarmed (stage left)")) },
                                    (None, None) => span.badge.on_track { (lang.t("menunggu", "armed")) },
                                }
                            }
                        }
                    }
                }
            } }
        }
    }
}

/// The files the person may open, and the upload form.
fn attachments_panel(page: &Page<'_>) -> Markup {
    let lang = page.lang;
    let st = page.form_state("lampiran");
    let upload_field = app::attachment_field();
    html! {
        section.panel aria-labelledby="lampiran-judul" {
            h2 #lampiran-judul { (lang.t("Lampiran", "Attachments")) }
            @if page.view.attachments.is_empty() { p { (lang.t("Belum ada lampiran.", "No attachments yet.")) } }
            ul {
                @for a in &page.view.attachments {
                    li {
                        a href={ (page.base) "/berkas/" (a.file.id) } download { (a.file.name) }
                        " · " (a.by.describe()) " · " (page.when(a.at))
                        @if let Some(desc) = &a.description { " — " (desc) }
                        @if a.public { " " span.badge.none { (lang.t("terlihat pemohon", "visible to the applicant")) } }
                    }
                }
            }
            @if page.view.may_add_attachment { form.action.stack method="post" action={ (page.base) "/lampiran" } enctype="multipart/form-data" novalidate {
                (hidden("_csrf", page.csrf()))
                (form::field(lang, None, &upload_field, "file", "lampiran", st))
                div.field {
                    label for="f-lampiran-description" { (lang.t("Keterangan", "Description")) span.opt { "(" (lang.t("tidak wajib", "optional")) ")" } }
                    input #f-lampiran-description type="text" name="description" maxlength="200" value=(st.values.get("description").map_or("", String::as_str));
                }
                button.secondary type="submit" { (lang.t("Unggah lampiran", "Upload")) }
            } }
        }
    }
}

/// Internal notes (never shown to the applicant), and the form for a new one.
fn notes_panel(page: &Page<'_>) -> Markup {
    let lang = page.lang;
    let st = page.form_state("catatan");
    let err = st.errors.get("text");
    html! {
        section.panel aria-labelledby="catatan-judul" {
            h2 #catatan-judul { (lang.t("Catatan", "Notes")) }
            p.hint { (lang.t(
                "Catatan hanya untuk petugas, kecuali yang ditujukan juga kepada pemohon.",
                "Notes are for staff only, except those addressed to the applicant too.")) }
            @for n in &page.view.notes {
                article {
                    p.muted {
                        (n.author.describe()) " · " (page.when(n.at))
                        @if n.obstacle { " " span.badge.obstacle { (lang.t("hambatan", "obstacle")) } }
                        @match &n.audience {
                            Some(NoteAudience::Applicant) => { " " span.badge.none { (lang.t("terlihat pemohon", "visible to the applicant")) } }
                            Some(NoteAudience::Roles(roles)) => {
                                " " span.badge.none { (lang.t("untuk ", "for ")) (roles.iter().map(|r| page.definition().role(r).map_or(r.as_str(), |r| r.label.as_str())).collect::<Vec<_>>().join(", ")) }
                            }
                            _ => {}
                        }
                    }
                    p.pre { (n.text) }
                }
            }
            @if page.view.may_add_note { form.action.stack method="post" action={ (page.base) "/catatan" } novalidate {
                (hidden("_csrf", page.csrf())) (hidden("expected_version", &page.version))
                div class=(if err.is_some() { "field has-error" } else { "field" }) {
                    label for="f-catatan-text" { (lang.t("Catatan baru", "New note")) }
                    @if let Some(e) = err { p.error-message #f-catatan-text-kesalahan { span.visually-hidden { (lang.t("Kesalahan: ", "Error: ")) } (e) } }
                    textarea #f-catatan-text name="text" rows="4" maxlength="4000" aria-invalid=[err.map(|_| "true")]
                        aria-describedby=[err.map(|_| "f-catatan-text-kesalahan")] { (st.values.get("text").map_or("", String::as_str)) }
                }
                div.field {
                    label for="f-catatan-audience" { (lang.t("Dapat dibaca oleh", "Readable by")) }
                    select #f-catatan-audience name="audience" {
                        option value="staff" { (lang.t("Semua petugas layanan ini", "All staff of this service")) }
                        @for role in page.definition().file().roles.iter().filter(|r| r.kind == sigap_core::definition::RoleKind::Staff) {
                            option value={ "role:" (role.id) } selected[st.values.get("audience").is_some_and(|v| *v == format!("role:{}", role.id))] {
                                (lang.t("Hanya ", "Only ")) (role.label)
                            }
                        }
                        option value="applicant" selected[st.values.get("audience").is_some_and(|v| v == "applicant")] {
                            (lang.t("Petugas dan pemohon (tampil di halaman lacak)", "Staff and the applicant (shown on the tracking page)"))
                        }
                    }
                }
                div.field.choices {
                    label for="f-catatan-obstacle" {
                        input #f-catatan-obstacle type="checkbox" name="obstacle" value="true" aria-describedby="f-catatan-obstacle-petunjuk"
                            checked[st.values.get("obstacle").is_some_and(|v| v == "true")];
                        span { (lang.t("Catat sebagai hambatan", "Record as an obstacle")) }
                    }
                    p.hint #f-catatan-obstacle-petunjuk { (lang.t(
                        "Hambatan muncul dalam laporan evaluasi tahunan untuk Gubernur. Jangan tulis identitas pemohon (nama, NIP, jabatan, unit kerja, kontak).",
                        "Obstacles appear in the annual evaluation for the Governor. Do not write the applicant's identity (name, NIP, position, unit, contact).")) }
                }
                button.secondary type="submit" { (lang.t("Simpan catatan", "Save the note")) }
            } }
        }
    }
}
