//! Errors as JSON: the one place the API turns the use-case layer's
//! [`AppError`] into a status (`crate::http::status`), a stable machine
//! code and messages, never showing internals to the client.

use axum::Json;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::app::{AppError, FieldProblem};

/// The JSON body of an error.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct ErrorBody {
    /// The error.
    pub(crate) error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct ErrorDetail {
    /// A stable machine code.
    pub(crate) code: String,
    /// For people, in English.
    pub(crate) message: String,
    /// For people, in Bahasa Indonesia.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) message_id: Option<String>,
    /// One entry per offending field (422).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) fields: Vec<FieldProblem>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = crate::http::status(self.kind);
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message,
                message_id: self.message_id,
                fields: self.fields,
            },
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after
            && let Ok(value) = seconds.to_string().parse()
        {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, value);
        }
        response
    }
}
