//! The one error of the use-case layer: what went wrong, as a kind both
//! faces map in one place each (`api::error` to a status and a JSON body,
//! `web` to a page), with a stable machine code and the messages for
//! people. Internals are logged here and never shown.

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

/// What kind of failure: each face turns it into its own answer
/// (`crate::http` gives the status both use).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The request cannot be read (malformed JSON, a bad query value).
    BadRequest,
    /// Not signed in, a session ended, or a secret missing.
    Unauthenticated,
    /// Known, but not allowed (a wrong secret, a closed service, a role).
    Forbidden,
    /// Nothing there, or nothing the caller may know is there.
    NotFound,
    /// The case changed meanwhile, or the command does not fit its state.
    Conflict,
    /// Understood but refused: field problems, an assignee who cannot hold the task.
    Unprocessable,
    /// A body or an upload over the limit.
    TooLarge,
    /// A body in a form the server does not read.
    UnsupportedMedia,
    /// Too many failed attempts: wait `retry_after` seconds.
    TooManyAttempts,
    /// The store does not answer: try again shortly.
    Unavailable,
    /// A failure of the server's own (logged, never shown).
    Internal,
}

/// A refused or failed use case.
#[derive(Debug)]
pub(crate) struct AppError {
    /// What kind of failure.
    pub(crate) kind: Kind,
    /// A stable machine code.
    pub(crate) code: &'static str,
    /// For people, in English.
    pub(crate) message: String,
    /// For people, in Bahasa Indonesia.
    pub(crate) message_id: Option<String>,
    /// One entry per offending field.
    pub(crate) fields: Vec<FieldProblem>,
    /// Seconds to wait before trying again.
    pub(crate) retry_after: Option<u64>,
}

impl AppError {
    pub(crate) fn new(kind: Kind, code: &'static str, message: impl Into<String>) -> Self {
        Self { kind, code, message: message.into(), message_id: None, fields: Vec::new(), retry_after: None }
    }

    /// The message in Bahasa Indonesia.
    pub(crate) fn id(mut self, message: impl Into<String>) -> Self {
        self.message_id = Some(message.into());
        self
    }

    pub(crate) fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Kind::BadRequest, code, message)
    }

    pub(crate) fn not_found() -> Self {
        Self::new(Kind::NotFound, "not_found", "no such resource").id("Tidak ditemukan.")
    }

    pub(crate) fn unauthorized() -> Self {
        Self::new(Kind::Unauthenticated, "unauthorized", "sign in first (Authorization: Bearer <token>)")
            .id("Silakan masuk terlebih dahulu.")
    }

    pub(crate) fn forbidden(message: impl Into<String>) -> Self {
        Self::new(Kind::Forbidden, "forbidden", message).id("Anda tidak berwenang.")
    }

    pub(crate) fn invalid(errors: &[FieldError]) -> Self {
        let mut e =
            Self::new(Kind::Unprocessable, "invalid_input", format!("{} field(s) need attention", errors.len()))
                .id(format!("Ada {} isian yang perlu diperbaiki.", errors.len()));
        e.fields = errors.iter().map(FieldProblem::from).collect();
        e
    }

    /// Too many failed attempts; `wait` until the next may be tried.
    pub(crate) fn too_many(message: &str, message_id: &str, wait: std::time::Duration) -> Self {
        let mut e = Self::new(Kind::TooManyAttempts, "too_many_attempts", message).id(message_id);
        e.retry_after = Some(wait.as_secs().max(1));
        e
    }

    pub(crate) fn internal() -> Self {
        Self::new(Kind::Internal, "internal", "the server could not complete the request")
            .id("Terjadi kesalahan pada server.")
    }
}

impl From<Rejection> for AppError {
    fn from(rejection: Rejection) -> Self {
        if let Rejection::Invalid { errors } = &rejection {
            return AppError::invalid(errors);
        }
        let kind = match &rejection {
            Rejection::UnknownCase | Rejection::UnknownAction { .. } => Kind::NotFound,
            Rejection::NotAllowed { .. } | Rejection::ServiceClosed { .. } => Kind::Forbidden,
            Rejection::NotAssignable { .. } => Kind::Unprocessable,
            _ => Kind::Conflict,
        };
        let message_id = rejection.indonesian();
        AppError::new(kind, rejection.code(), rejection.to_string()).id(message_id)
    }
}

impl From<StorageError> for AppError {
    fn from(error: StorageError) -> Self {
        match error.kind() {
            ErrorKind::Conflict => {
                AppError::new(Kind::Conflict, "conflict", "the case changed meanwhile; reload and try again")
                    .id("Permohonan berubah saat diproses; muat ulang dan coba lagi.")
            }
            ErrorKind::Unavailable => {
                tracing::warn!(error = %error, "store unavailable");
                let mut e =
                    AppError::new(Kind::Unavailable, "unavailable", "the store is unavailable; try again shortly")
                        .id("Layanan sedang tidak tersedia; coba lagi sebentar lagi.");
                e.retry_after = Some(5);
                e
            }
            ErrorKind::TooLarge => {
                AppError::new(Kind::TooLarge, "too_large", "the upload is too large").id("Berkas terlalu besar.")
            }
            ErrorKind::NotFound => AppError::not_found(),
            _ => {
                tracing::error!(error = %error, "storage failure");
                AppError::internal()
            }
        }
    }
}

impl From<ServiceError> for AppError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::Rejected(r) => r.into(),
            ServiceError::Storage(e) => e.into(),
            ServiceError::UnknownWorkflow { .. } => AppError::not_found(),
            ServiceError::KeyReused => AppError::new(
                Kind::Unprocessable,
                "idempotency_key_reused",
                "this Idempotency-Key was used before with a different request",
            )
            .id("Kunci idempotensi sudah dipakai untuk permintaan lain."),
            ServiceError::Fold(e) => {
                tracing::error!(error = %e, "a stored history does not fold");
                AppError::internal()
            }
        }
    }
}
