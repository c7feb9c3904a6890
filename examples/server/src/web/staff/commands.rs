//! The staff forms on a case page (actions, claim, release, assign, notes,
//! attachments) and file downloads: each through `crate::app::staff`, a
//! refusal shown on the case page next to the form it came from.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use sigap_core::engine::Command;

use super::Signed;
use super::case::{Refused, render_case};
use crate::app::AppError;
use crate::app::input::RawInput;
use crate::app::staff::{self as app, assign_command};
use crate::html::form::FormState;
use crate::state::AppState;
use crate::web::cookies;
use crate::web::i18n::Lang;
use crate::web::status as error_status;
use crate::web::{field_errors, message, see_other, text_values, value};

/// Reads a staff form and checks its CSRF token against the session.
async fn posted(
    state: &AppState,
    signed: &Signed,
    lang: Lang,
    id: &str,
    raw: Result<RawInput, AppError>,
    form_id: &str,
) -> Result<RawInput, Response> {
    let raw = match raw {
        Ok(raw) => raw,
        Err(e) => {
            let refused =
                Refused { done: None, form: None, notices: vec![("error", message(&e, lang))], action_done: None };
            return Err(render_case(state, signed, lang, id, refused, error_status(&e)).await);
        }
    };
    if !cookies::check_session_csrf(state, &signed.token, value(&raw, "_csrf")) {
        let mut st = FormState::with_values(text_values(&raw));
        st.files_dropped = raw.files.iter().map(|f| f.name.clone()).collect();
        let refused = Refused {
            done: None,
            form: Some((form_id.to_owned(), st)),
            notices: vec![("error", lang.t(
                "Formulir ini sudah kedaluwarsa (halaman dibuka sebelum Anda masuk lagi). Isian Anda masih ada: periksa dan kirim lagi.",
                "This form expired (the page was opened before you signed in again). Your input is kept: check it and send again.").to_owned())],
            action_done: None,
        };
        return Err(render_case(state, signed, lang, id, refused, StatusCode::FORBIDDEN).await);
    }
    Ok(raw)
}

/// Shows a refusal: a stale page sees what happened; field problems go next to the fields.
async fn refusal(
    state: &AppState,
    signed: &Signed,
    lang: Lang,
    id: &str,
    form_id: &str,
    raw: &RawInput,
    e: &AppError,
) -> Response {
    let mut st = FormState::with_values(text_values(raw));
    st.files_dropped = raw.files.iter().map(|f| f.name.clone()).collect();
    let mut notices = Vec::new();
    match e.code {
        "stale_version" | "wrong_stage" | "case_closed" | "assigned_to_other" | "no_task" => {
            notices.push((
                "warning",
                format!("{} {}", message(e, lang), lang.t(
                "Halaman di bawah ini menunjukkan keadaan terbaru; periksa riwayat untuk melihat apa yang terjadi.",
                "The page below shows where the case stands now; the history shows what happened.")),
            ));
            st.errors.clear();
            return render_case(
                state,
                signed,
                lang,
                id,
                Refused { done: None, form: None, notices, action_done: None },
                StatusCode::CONFLICT,
            )
            .await;
        }
        _ => {}
    }
    st.errors = field_errors(e, lang).into_iter().collect();
    notices.push(("error", message(e, lang)));
    render_case(
        state,
        signed,
        lang,
        id,
        Refused { done: None, form: Some((form_id.to_owned(), st)), notices, action_done: None },
        error_status(e),
    )
    .await
}

/// `POST /staf/kasus/{id}/tindakan/{action}`: through `app::staff::perform`.
pub(crate) async fn perform(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    lang: Lang,
    Path((id, action)): Path<(String, String)>,
    raw: Result<RawInput, AppError>,
) -> Response {
    let form_id = format!("aksi-{action}");
    let raw = match posted(&state, &signed, lang, &id, raw, &form_id).await {
        Ok(raw) => raw,
        Err(r) => return r,
    };
    let key = crate::app::idempotency_key(value(&raw, "_idem")).unwrap_or_default();
    match app::perform(&state, &signed.account, &id, &action, &raw, key).await {
        Ok(_) => see_other(&format!("/staf/kasus/{id}?berhasil={action}"), Vec::new()),
        Err(e) => refusal(&state, &signed, lang, &id, &form_id, &raw, &e).await,
    }
}

#[allow(clippy::too_many_arguments)]
async fn simple_command(
    state: &AppState,
    signed: &Signed,
    lang: Lang,
    id: &str,
    raw: Result<RawInput, AppError>,
    form_id: &str,
    done: &str,
    command: impl FnOnce(&RawInput) -> Result<Command, AppError>,
) -> Response {
    let raw = match posted(state, signed, lang, id, raw, form_id).await {
        Ok(raw) => raw,
        Err(r) => return r,
    };
    let result = match (command(&raw), raw.expected_version()) {
        (Ok(command), Ok(expected)) => {
            app::command(state, &signed.account, id, command, expected, None).await.map(|_| ())
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match result {
        Ok(()) => see_other(&format!("/staf/kasus/{id}?berhasil={done}"), Vec::new()),
        Err(e) => refusal(state, signed, lang, id, form_id, &raw, &e).await,
    }
}

/// `POST /staf/kasus/{id}/ambil`
pub(crate) async fn claim(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    lang: Lang,
    Path(id): Path<String>,
    raw: Result<RawInput, AppError>,
) -> Response {
    simple_command(&state, &signed, lang, &id, raw, "tugas", "ambil", |_| Ok(Command::Claim)).await
}

/// `POST /staf/kasus/{id}/lepas`
pub(crate) async fn release(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    lang: Lang,
    Path(id): Path<String>,
    raw: Result<RawInput, AppError>,
) -> Response {
    simple_command(&state, &signed, lang, &id, raw, "tugas", "lepas", |_| Ok(Command::Release)).await
}

/// `POST /staf/kasus/{id}/tugaskan`: through `app::staff::assign_command`.
pub(crate) async fn assign(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    lang: Lang,
    Path(id): Path<String>,
    raw: Result<RawInput, AppError>,
) -> Response {
    let account = signed.account.clone();
    let st = state.clone();
    simple_command(&state, &signed, lang, &id, raw, "tugas", "tugaskan", move |raw| {
        assign_command(&st, &account, value(raw, "user").unwrap_or(""))
    })
    .await
}

/// `POST /staf/kasus/{id}/catatan`
pub(crate) async fn note(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    lang: Lang,
    Path(id): Path<String>,
    raw: Result<RawInput, AppError>,
) -> Response {
    simple_command(&state, &signed, lang, &id, raw, "catatan", "catatan", |raw| {
        let audience = match value(raw, "audience").unwrap_or("") {
            "" | "staff" => None,
            "applicant" => Some(sigap_core::engine::NoteAudience::Applicant),
            other => Some(sigap_core::engine::NoteAudience::Roles(vec![
                other.strip_prefix("role:").unwrap_or(other).to_owned(),
            ])),
        };
        Ok(Command::AddNote {
            text: value(raw, "text").unwrap_or("").to_owned(),
            obstacle: value(raw, "obstacle") == Some("true"),
            audience,
        })
    })
    .await
}

/// `POST /staf/kasus/{id}/lampiran`: through `app::staff::upload`.
pub(crate) async fn upload(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    lang: Lang,
    Path(id): Path<String>,
    raw: Result<RawInput, AppError>,
) -> Response {
    let raw = match posted(&state, &signed, lang, &id, raw, "lampiran").await {
        Ok(raw) => raw,
        Err(r) => return r,
    };
    match app::upload(&state, &signed.account, &id, &raw).await {
        Ok(_) => see_other(&format!("/staf/kasus/{id}?berhasil=lampiran"), Vec::new()),
        Err(e) => refusal(&state, &signed, lang, &id, "lampiran", &raw, &e).await,
    }
}

/// `GET /staf/kasus/{id}/berkas/{file}`: through `app::staff::attachment`.
pub(crate) async fn download(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    lang: Lang,
    Path((id, file)): Path<(String, String)>,
) -> Response {
    match app::attachment(&state, &signed.account, &id, &file).await {
        Ok(file) => crate::http::download(file),
        Err(e) => {
            render_case(
                &state,
                &signed,
                lang,
                &id,
                Refused { done: None, form: None, notices: vec![("error", message(&e, lang))], action_done: None },
                error_status(&e),
            )
            .await
        }
    }
}
