//! `/lacak/{code}/tindakan/{action}`: what the workflow lets the applicant
//! do (complete a returned request, withdraw), with the form pre-filled.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::html;
use sigap_core::definition::{ActionKind, Field, FieldKind};
use sigap_core::engine::Case;
use sigap_core::form::{Input, Value};
use sigap_core::workflow::Workflow;

use super::tracking::render_tracking;
use super::{ask_secret, opened, shell};
use crate::app::AppError;
use crate::app::applicant;
use crate::app::input::RawInput;
use crate::html::form::{self, FormState, anchor, error_summary, hidden};
use crate::html::layout::page;
use crate::state::AppState;
use crate::web::cookies;
use crate::web::i18n::Lang;
use crate::web::status as error_status;
use crate::web::{
    chosen_files, field_errors, html as page_response, idempotency_key, message, see_other, text_values, value,
};

/// The values of a case's form as a form would send them (files aside).
fn form_values(case: &Case, fields: &[Field]) -> FormState {
    let mut st = FormState::default();
    for f in fields {
        let text = match case.form.get(&f.id) {
            Some(Value::Text(t) | Value::Choice(t)) => t.clone(),
            Some(Value::Bool(b)) => b.to_string(),
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::Date(d)) => d.to_string(),
            Some(Value::Files(_)) | None => continue,
        };
        st.values.insert(format!("form.{}", f.id), text);
    }
    st
}

/// `GET /lacak/{code}/tindakan/{action}`: the action's form (the whole intake form, pre-filled, to amend).
pub(crate) async fn action_page(
    State(state): State<Arc<AppState>>,
    Path((code, action)): Path<(String, String)>,
    lang: Lang,
    headers: HeaderMap,
) -> Response {
    let (case, workflow) = match opened(&state, &code, &headers).await {
        Ok(x) => x,
        Err(e) => return ask_secret(&state, lang, &code, &headers, e),
    };
    let st = form_values(&case, &workflow.definition.file().form.fields);
    action_response(&state, lang, &headers, &case, &workflow, &action, &st, &[], StatusCode::OK).await
}

#[allow(clippy::too_many_arguments)]
async fn action_response(
    state: &AppState,
    lang: Lang,
    headers: &HeaderMap,
    case: &Case,
    workflow: &Workflow,
    action: &str,
    st: &FormState,
    top: &[String],
    status: StatusCode,
) -> Response {
    let definition = &workflow.definition;
    let allowed = sigap_core::access::allowed_actions(definition, case, &sigap_core::engine::Principal::Applicant);
    let Some(action_def) = allowed.into_iter().find(|a| a.id == action) else {
        let text = lang.t(
            "Tindakan itu tidak tersedia lagi untuk permohonan ini: keadaannya sudah berubah. Berikut keadaan terbarunya.",
            "That action is no longer available for this request: it has moved on. Here is where it stands now.",
        );
        return render_tracking(
            state,
            lang,
            headers,
            case,
            workflow,
            &[("warning", text.to_owned())],
            &FormState::default(),
            StatusCode::CONFLICT,
        )
        .await;
    };
    let (nonce, cookie) = cookies::browser(state, headers);
    let csrf = cookies::browser_csrf(state, &nonce);
    let code = case.tracking_code.to_string();
    let amend = action_def.kind == ActionKind::Amend;
    // A return that named fields asks for those only; the rest is kept.
    let asked = sigap_core::engine::requested_fields(definition, case);
    let fields: Vec<&Field> =
        definition.file().form.fields.iter().filter(|f| asked.as_ref().is_none_or(|a| a.contains(&f.id))).collect();
    let entered = case.visits.last().map(|v| v.entered_at);
    let told: Vec<sigap_core::access::MessageView> = sigap_core::access::applicant_view(definition, case)
        .messages
        .into_iter()
        .filter(|m| Some(m.at) == entered)
        .collect();
    let mut items: Vec<(Option<String>, String)> = top.iter().map(|t| (None, t.clone())).collect();
    for f in &action_def.inputs {
        if let Some(e) = st.errors.get(&f.id) {
            items.push((Some(anchor("aksi", &f.id, Some(f), Some(definition))), e.clone()));
        }
    }
    if amend {
        for f in fields.iter().copied() {
            let name = format!("form.{}", f.id);
            if let Some(e) = st.errors.get(&name) {
                items.push((Some(anchor("aksi", &name, Some(f), Some(definition))), e.clone()));
            }
        }
    }
    let files_now: Vec<(&Field, Vec<sigap_core::form::FileRef>)> = fields
        .iter()
        .copied()
        .filter(|f| f.kind == FieldKind::File)
        .filter_map(|f| case.form.get(&f.id).map(|v| (f, v.files().to_vec())))
        .filter(|(_, files)| !files.is_empty())
        .collect();
    let base = format!("/lacak/{code}");
    let body = html! {
        p.muted { (definition.label()) " — " span.code { (code) } }
        h1 { (action_def.label) }
        @if let Some(d) = &action_def.description { p.lead { (d) } }
        (error_summary(lang, &items))
        @if amend {
            @if !told.is_empty() {
                div.notice.warning #yang-diminta role="note" {
                    @for m in &told { p { strong { (m.label) ": " } span.pre { (m.text) } } }
                }
            }
            @if asked.is_some() {
                p #hanya-diminta { (lang.t("Lengkapi isian di bawah ini saja; isian lain dari permohonan Anda tetap seperti yang sudah dikirim.",
                            "Complete only the fields below; the rest of your request stays as you sent it.")) }
            } @else {
                p { (lang.t("Formulir berisi data yang Anda kirim sebelumnya. Perbaiki atau lengkapi, lalu kirim.",
                            "The form holds what you sent before. Correct or complete it, then send it.")) }
            }
        }
        form.stack method="post" action={ (base) "/tindakan/" (action_def.id) } enctype="multipart/form-data" novalidate {
            (hidden("_csrf", &csrf))
            (hidden("_idem", &idempotency_key()))
            (hidden("expected_version", &case.version.to_string()))
            @for f in &action_def.inputs { (form::field(lang, Some(definition), f, &f.id, "aksi", st)) }
            @if amend {
                @for f in fields.iter().copied() {
                    (form::field(lang, Some(definition), f, &format!("form.{}", f.id), "aksi", st))
                    @if let Some((_, files)) = files_now.iter().find(|(ff, _)| ff.id == f.id) {
                        div.field {
                            div.choices {
                                label for={ "simpan-" (f.id) } {
                                    input type="checkbox" id={ "simpan-" (f.id) } name={ "_simpan." (f.id) } value="true" checked;
                                    span { (lang.t("Tetap lampirkan berkas yang sudah dikirim: ", "Keep the files already sent: "))
                                        (files.iter().map(|x| x.name.as_str()).collect::<Vec<_>>().join(", ")) }
                                }
                            }
                        }
                    }
                }
            }
            button.primary type="submit" { (action_def.label) }
            " "
            a href=(base) { (lang.t("Batal", "Cancel")) }
        }
    };
    let title = action_def.label.clone();
    page_response(status, page(&shell(lang, &title, &base), body), cookie.into_iter().collect())
}

/// `POST /lacak/{code}/tindakan/{action}`: through `app::applicant::act`.
pub(crate) async fn action(
    State(state): State<Arc<AppState>>,
    Path((code, action)): Path<(String, String)>,
    lang: Lang,
    headers: HeaderMap,
    raw: Result<RawInput, AppError>,
) -> Response {
    let (case, workflow) = match opened(&state, &code, &headers).await {
        Ok(x) => x,
        Err(e) => return ask_secret(&state, lang, &code, &headers, e),
    };
    let mut raw = match raw {
        Ok(raw) => raw,
        Err(e) => {
            let st = form_values(&case, &workflow.definition.file().form.fields);
            return action_response(
                &state,
                lang,
                &headers,
                &case,
                &workflow,
                &action,
                &st,
                &[message(&e, lang)],
                error_status(&e),
            )
            .await;
        }
    };
    let mut st = FormState::with_values(text_values(&raw));
    st.files_dropped = chosen_files(&raw);
    if !cookies::check_browser_csrf(&state, &headers, value(&raw, "_csrf")) {
        let top = lang.t(
            "Halaman ini sudah kedaluwarsa; periksa isian dan kirim lagi.",
            "This page expired; check and send again.",
        );
        return action_response(
            &state,
            lang,
            &headers,
            &case,
            &workflow,
            &action,
            &st,
            &[top.to_owned()],
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    // Files already sent stay attached when the person keeps them (an amendment replaces the whole form).
    for f in workflow.definition.file().form.fields.iter().filter(|f| f.kind == FieldKind::File) {
        if value(&raw, &format!("_simpan.{}", f.id)) == Some("true")
            && let Some(existing) = case.form.get(&f.id).map(|v| v.files().to_vec()).filter(|v| !v.is_empty())
        {
            raw.values.insert(format!("form.{}", f.id), Input::Files(existing));
        }
    }
    let key = crate::app::idempotency_key(value(&raw, "_idem")).unwrap_or_default();
    match applicant::act(&state, &case, &workflow, &action, &raw, key).await {
        Ok(_) => see_other(&format!("/lacak/{}?berhasil={action}", case.tracking_code), Vec::new()),
        Err(e) => {
            let (case, workflow) = match opened(&state, &code, &headers).await {
                Ok(x) => x,
                Err(e) => return ask_secret(&state, lang, &code, &headers, e),
            };
            if e.code == "stale_version" || e.code == "wrong_stage" || e.code == "case_closed" {
                let text = format!(
                    "{} {}",
                    message(&e, lang),
                    lang.t("Berikut keadaan terbarunya.", "Here is where it stands now.")
                );
                return render_tracking(
                    &state,
                    lang,
                    &headers,
                    &case,
                    &workflow,
                    &[("warning", text)],
                    &FormState::default(),
                    StatusCode::CONFLICT,
                )
                .await;
            }
            let action_def = workflow.definition.action(&action);
            let amend = action_def.is_some_and(|a| a.kind == ActionKind::Amend);
            for (field, text) in field_errors(&e, lang) {
                let is_input = action_def.is_some_and(|a| a.inputs.iter().any(|i| i.id == field));
                let name = if amend && !is_input && workflow.definition.form_field(&field).is_some() {
                    format!("form.{field}")
                } else {
                    field
                };
                st.errors.insert(name, text);
            }
            let top = if e.fields.is_empty() { vec![message(&e, lang)] } else { Vec::new() };
            action_response(&state, lang, &headers, &case, &workflow, &action, &st, &top, error_status(&e)).await
        }
    }
}
