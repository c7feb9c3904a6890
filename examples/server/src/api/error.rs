//! Errors as HTTP: one place maps every failure to a status, a stable
//! machine code and a message, never showing internals to the client.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sigap_core::engine::Rejection;
use sigap_core::form::FieldError;
use sigap_core::service::ServiceError;
use sigap_core::storage::{ErrorKind, StorageError};

/// One offending field.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub(crate) struct FieldProblem {
    /// The field's id.
    pub(crate) field: String,
    /// A stable code.
    pub(crate) code: String,
    /// In Bahasa Indonesia.
    pub(crate) message: String,
    /// In English.
    pub(crate) message_en: String,
}

impl From<&FieldError> for FieldProblem {
    fn from(e: &FieldError) -> Self {
        Self {
            field: e.field.clone(),
            code: e.code.to_owned(),
            message: e.message.clone(),
            message_en: e.message_en.clone(),
        }
    }
}

/// An error response.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) code: &'static str,
    pub(crate) message: String,
    pub(crate) message_id: Option<String>,
    pub(crate) fields: Vec<FieldProblem>,
    pub(crate) retry_after: Option<u64>,
}

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

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), message_id: None, fields: Vec::new(), retry_after: None }
    }

    pub(crate) fn id(mut self, message: impl Into<String>) -> Self {
        self.message_id = Some(message.into());
        self
    }

    pub(crate) fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub(crate) fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "no such resource").id("Tidak ditemukan.")
    }

    pub(crate) fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", "sign in first (Authorization: Bearer <token>)")
            .id("Silakan masuk terlebih dahulu.")
    }

    pub(crate) fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message).id("Anda tidak berwenang.")
    }

    pub(crate) fn invalid(errors: &[FieldError]) -> Self {
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            format!("{} field(s) need attention", errors.len()),
        )
        .id(format!("Ada {} isian yang perlu diperbaiki.", errors.len()));
        e.fields = errors.iter().map(FieldProblem::from).collect();
        e
    }

    pub(crate) fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "the server could not complete the request")
            .id("Terjadi kesalahan pada server.")
    }
}

impl From<Rejection> for ApiError {
    fn from(rejection: Rejection) -> Self {
        if let Rejection::Invalid { errors } = &rejection {
            return ApiError::invalid(errors);
        }
        let status = match &rejection {
            Rejection::UnknownCase | Rejection::UnknownAction { .. } => StatusCode::NOT_FOUND,
            Rejection::NotAllowed { .. } => StatusCode::FORBIDDEN,
            Rejection::ServiceClosed { .. } => StatusCode::FORBIDDEN,
            Rejection::NotAssignable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            _ => StatusCode::CONFLICT,
        };
        let message_id = rejection.indonesian();
        ApiError::new(status, rejection.code(), rejection.to_string()).id(message_id)
    }
}

impl From<StorageError> for ApiError {
    fn from(error: StorageError) -> Self {
        match error.kind() {
            ErrorKind::Conflict => {
                ApiError::new(StatusCode::CONFLICT, "conflict", "the case changed meanwhile; reload and try again")
                    .id("Permohonan berubah saat diproses; muat ulang dan coba lagi.")
            }
            ErrorKind::Unavailable => {
                tracing::warn!(error = %error, "store unavailable");
                let mut e = ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "the store is unavailable; try again shortly",
                )
                .id("Layanan sedang tidak tersedia; coba lagi sebentar lagi.");
                e.retry_after = Some(5);
                e
            }
            ErrorKind::TooLarge => ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "the upload is too large")
                .id("Berkas terlalu besar."),
            ErrorKind::NotFound => ApiError::not_found(),
            _ => {
                tracing::error!(error = %error, "storage failure");
                ApiError::internal()
            }
        }
    }
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::Rejected(r) => r.into(),
            ServiceError::Storage(e) => e.into(),
            ServiceError::UnknownWorkflow { .. } => ApiError::not_found(),
            ServiceError::KeyReused => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "this Idempotency-Key was used before with a different request",
            )
            .id("Kunci idempotensi sudah dipakai untuk permintaan lain."),
            ServiceError::Fold(e) => {
                tracing::error!(error = %e, "a stored history does not fold");
                ApiError::internal()
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message,
                message_id: self.message_id,
                fields: self.fields,
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after
            && let Ok(value) = seconds.to_string().parse()
        {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, value);
        }
        response
    }
}
