//! `POST /lacak/{code}/survei`: the satisfaction survey after the answer.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::tracking::render_tracking;
use super::{ask_secret, opened};
use crate::app::AppError;
use crate::app::applicant;
use crate::app::input::RawInput;
use crate::html::form::FormState;
use crate::state::AppState;
use crate::web::cookies;
use crate::web::i18n::Lang;
use crate::web::status as error_status;
use crate::web::{field_errors, message, see_other, text_values, value};

/// `POST /lacak/{code}/survei`: through `app::applicant::survey`.
pub(crate) async fn survey(
    State(state): State<Arc<AppState>>,
    Path(code): Path<String>,
    lang: Lang,
    headers: HeaderMap,
    raw: Result<RawInput, AppError>,
) -> Response {
    let (case, workflow) = match opened(&state, &code, &headers).await {
        Ok(x) => x,
        Err(e) => return ask_secret(&state, lang, &code, &headers, e),
    };
    let raw = match raw {
        Ok(raw) => raw,
        Err(e) => {
            return render_tracking(
                &state,
                lang,
                &headers,
                &case,
                &workflow,
                &[("error", message(&e, lang))],
                &FormState::default(),
                error_status(&e),
            )
            .await;
        }
    };
    let mut st = FormState::with_values(text_values(&raw));
    if !cookies::check_browser_csrf(&state, &headers, value(&raw, "_csrf")) {
        let text = lang.t(
            "Halaman ini sudah kedaluwarsa; kirim penilaian sekali lagi.",
            "This page expired; send your rating again.",
        );
        return render_tracking(
            &state,
            lang,
            &headers,
            &case,
            &workflow,
            &[("error", text.to_owned())],
            &st,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    match applicant::survey(&state, &case, &raw).await {
        Ok(_) => see_other(&format!("/lacak/{}?berhasil=survei", case.tracking_code), Vec::new()),
        Err(e) => {
            st.errors = field_errors(&e, lang).into_iter().map(|(f, t)| (format!("answers.{f}"), t)).collect();
            let notices = if e.fields.is_empty() { vec![("error", message(&e, lang))] } else { Vec::new() };
            render_tracking(&state, lang, &headers, &case, &workflow, &notices, &st, error_status(&e)).await
        }
    }
}
