//! Converting sled's errors into [`StorageError`] at this crate's boundary.

use std::path::Path;

use sigap_core::storage::{ErrorKind, StorageError};
use sled::transaction::TransactionError;

/// A sled error during `doing` (e.g. "reading case X").
pub(crate) fn sled(doing: &str, error: &sled::Error) -> StorageError {
    let kind = match error {
        sled::Error::Corruption { .. } => ErrorKind::Corrupt,
        sled::Error::CollectionNotFound(_) => ErrorKind::NotFound,
        sled::Error::Unsupported(_) | sled::Error::ReportableBug(_) | sled::Error::Io(_) => ErrorKind::Unavailable,
    };
    StorageError::new(kind, format!("sled failed {doing}: {error}"))
}

/// A transaction's error: our own abort, or sled's.
pub(crate) fn transaction(doing: &str, error: TransactionError<StorageError>) -> StorageError {
    match error {
        TransactionError::Abort(e) => e,
        TransactionError::Storage(e) => sled(doing, &e),
    }
}

/// An I/O error of our own (syncing files).
pub(crate) fn io(doing: &str, path: &Path, error: &std::io::Error) -> StorageError {
    StorageError::unavailable(format!("{doing} {}: {error}", path.display()))
}

/// Whether sled could not take its lock on the database file.
pub(crate) fn is_locked(error: &sled::Error) -> bool {
    match error {
        sled::Error::Io(e) => {
            e.kind() == std::io::ErrorKind::WouldBlock || e.to_string().contains("could not acquire lock")
        }
        _ => false,
    }
}

/// The data directory is in use, with the likely cause for people.
pub(crate) fn locked(dir: &Path, detail: &dyn std::fmt::Display) -> StorageError {
    StorageError::unavailable(format!(
        "the data directory {} is already open and locked (one process at a time may \
         use it): is another `sigap` (or another program using this store) running with \
         this data directory? Stop it, or point this one at another directory. ({detail})",
        dir.display()
    ))
}

/// An error opening the database in `dir`, with the likely cause for people.
pub(crate) fn open(dir: &Path, error: &sled::Error) -> StorageError {
    if is_locked(error) {
        return locked(dir, error);
    }
    let mut converted = sled(&format!("opening {}", dir.display()), error);
    if converted.kind() == ErrorKind::Unavailable {
        converted = StorageError::unavailable(format!(
            "{} (check that the directory exists, is writable and the disk is not full)",
            converted.message()
        ));
    }
    converted
}
