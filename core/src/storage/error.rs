//! The one storage error type every backend converts into at its boundary.

use std::fmt;

/// What kind of storage failure this is, portable across backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The expected version did not match: someone else wrote first. Nothing was written.
    Conflict,
    /// The thing asked for does not exist (where absence is an error).
    NotFound,
    /// The backend cannot be reached now; retrying later may succeed. Nothing acknowledged is lost.
    Unavailable,
    /// Stored data does not read back or does not verify.
    Corrupt,
    /// An idempotency key was reused with a different request.
    KeyReused,
    /// A value is larger than the store accepts.
    TooLarge,
    /// The request itself is malformed (e.g. a blob whose content does not match its id).
    Invalid,
    /// The stored schema is newer than this build understands.
    SchemaTooNew,
}

/// A storage failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageError {
    kind: ErrorKind,
    message: String,
}

impl StorageError {
    /// A new error.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into() }
    }

    /// Its portable kind.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message (for operators; never shown to the public as is).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// A version conflict.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conflict, message)
    }

    /// The backend is unreachable.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unavailable, message)
    }

    /// Stored data is corrupt.
    pub fn corrupt(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Corrupt, message)
    }
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.kind, self.message)
    }
}

impl std::error::Error for StorageError {}
