//! The use cases both faces share: the JSON API (`crate::api`) and the
//! pages (`crate::web`) decode a request, call one function here, and
//! encode its result or its [`AppError`] each in their own place. What a
//! person may do and see is decided by the engine and `sigap_core::access`;
//! this layer identifies the person, scopes every lookup to their
//! organisation, stores uploaded files, and counts and logs each command.
//!
//! - [`applicant`]: the open services, submitting, tracking with the code
//!   and secret, acting on a request, the survey, its files;
//! - [`staff`]: signing in and out, the inbox, the case list, a case as the
//!   person may see it, commands, assignment, notes, attachments;
//! - [`search`]: the case list: filters, order, pages, counts, CSV;
//! - [`supervision`]: late and at-risk tasks of the stages a person
//!   supervises, each person's load, reassigning and handing over;
//! - [`report`]: the annual evaluation;
//! - [`input`]: what a client sends (JSON, multipart, a form), and its files.

pub(crate) mod applicant;
mod error;
pub(crate) mod input;
pub(crate) mod report;
pub(crate) mod search;
pub(crate) mod staff;
pub(crate) mod supervision;

use sigap_core::engine::Case;

pub(crate) use self::error::{AppError, FieldProblem, Kind};
use crate::state::AppState;

/// An idempotency key as a client sent it (`Idempotency-Key`, or a form's
/// hidden field): 1–200 printable ASCII characters.
pub(crate) fn idempotency_key(text: Option<&str>) -> Result<Option<String>, AppError> {
    let Some(text) = text else { return Ok(None) };
    let key = text.trim();
    if key.is_empty() || key.len() > 200 || !key.chars().all(|c| c.is_ascii_graphic()) {
        return Err(AppError::bad_request(
            "malformed_idempotency_key",
            "Idempotency-Key must be 1–200 printable ASCII characters",
        ));
    }
    Ok(Some(key.to_owned()))
}

/// A stored file, ready to be served.
pub(crate) struct Download {
    /// The bytes.
    pub(crate) bytes: Vec<u8>,
    /// The name it was uploaded with.
    pub(crate) name: String,
    /// Its media type, from its checked content.
    pub(crate) media_type: &'static str,
}

/// A file of `case` by id (the caller has checked that the reader may open it).
async fn attachment_of(state: &AppState, case: &Case, file: &str) -> Result<Download, AppError> {
    let attachment = case.attachments.iter().find(|a| a.file.id == file).ok_or_else(AppError::not_found)?;
    let bytes = state.store().blob(&case.organisation, file).await?.ok_or_else(AppError::not_found)?;
    Ok(Download { bytes, name: attachment.file.name.clone(), media_type: attachment.file.file_type.media_type() })
}
