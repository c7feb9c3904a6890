//! Converting sqlx errors into [`StorageError`] at this crate's boundary.
//!
//! No sqlx type leaves the crate: every fallible call goes through
//! [`from_sqlx`] (or [`from_migrate`]) with a few words on what was being
//! done, so an operator reads e.g. "Unavailable: appending to case X: …".
//!
//! | sqlx / SQLSTATE                                    | kind          |
//! |----------------------------------------------------|---------------|
//! | I/O, pool timed out or closed, protocol, TLS       | `Unavailable` |
//! | 08 connection, 53 resources, 57 shutdown/cancel, 58 system, 28 auth, 3D000 no database, 55P03 lock | `Unavailable` |
//! | 23505 unique violation; 40001 / 40P01 (nothing was written) | `Conflict` |
//! | other 23 integrity, 22 data exception (e.g. a NUL byte in text) | `Invalid` |
//! | 42 (a table or column missing: the schema is not ours), XX, decode errors | `Corrupt` |
//! | anything else                                      | `Unavailable` |

use sigap_core::storage::{ErrorKind, StorageError};
use sqlx::migrate::MigrateError;

/// The kind a PostgreSQL SQLSTATE maps to.
fn kind_of_sqlstate(code: &str) -> ErrorKind {
    match code {
        "23505" | "40001" | "40P01" => ErrorKind::Conflict,
        "3D000" | "55P03" => ErrorKind::Unavailable,
        c if c.starts_with("23") || c.starts_with("22") => ErrorKind::Invalid,
        c if c.starts_with("42") || c.starts_with("XX") => ErrorKind::Corrupt,
        _ => ErrorKind::Unavailable,
    }
}

/// Converts a sqlx error met while `doing` something.
pub(crate) fn from_sqlx(doing: &str, error: sqlx::Error) -> StorageError {
    let kind = match &error {
        sqlx::Error::Database(db) => kind_of_sqlstate(db.code().as_deref().unwrap_or("")),
        sqlx::Error::Configuration(_) | sqlx::Error::InvalidArgument(_) => ErrorKind::Invalid,
        sqlx::Error::RowNotFound
        | sqlx::Error::TypeNotFound { .. }
        | sqlx::Error::ColumnIndexOutOfBounds { .. }
        | sqlx::Error::ColumnNotFound(_)
        | sqlx::Error::ColumnDecode { .. }
        | sqlx::Error::Decode(_)
        | sqlx::Error::Encode(_) => ErrorKind::Corrupt,
        // Io, Tls, Protocol, PoolTimedOut, PoolClosed, WorkerCrashed, AnyDriverError, Migrate…
        _ => ErrorKind::Unavailable,
    };
    let detail = match error {
        sqlx::Error::Database(db) => format!("{} (SQLSTATE {})", db.message(), db.code().as_deref().unwrap_or("none")),
        other => other.to_string(),
    };
    StorageError::new(kind, format!("{doing}: {detail}"))
}

/// Converts a migration error.
pub(crate) fn from_migrate(place: &str, newest_known: i64, error: MigrateError) -> StorageError {
    match error {
        MigrateError::VersionMissing(version) => StorageError::new(
            ErrorKind::SchemaTooNew,
            format!(
                "the database at {place} has schema migration {version}, which this build does \
                 not know (it knows up to {newest_known}): a newer Sigap migrated it; run that \
                 version or newer"
            ),
        ),
        MigrateError::VersionMismatch(version) => StorageError::corrupt(format!(
            "schema migration {version} in the database at {place} differs from the one this \
             build carries"
        )),
        MigrateError::Dirty(version) => StorageError::corrupt(format!(
            "schema migration {version} in the database at {place} was left half applied"
        )),
        MigrateError::Execute(e) => from_sqlx(&format!("migrating the schema at {place}"), e),
        MigrateError::ExecuteMigration(e, version) => {
            from_sqlx(&format!("applying schema migration {version} at {place}"), e)
        }
        other => StorageError::corrupt(format!("migrating the schema at {place}: {other}")),
    }
}

/// A stored value that does not read back.
pub(crate) fn corrupt(what: &str, error: impl std::fmt::Display) -> StorageError {
    StorageError::corrupt(format!("{what} does not read back: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlstates_map_to_portable_kinds() {
        for (code, kind) in [
            ("23505", ErrorKind::Conflict),
            ("40001", ErrorKind::Conflict),
            ("40P01", ErrorKind::Conflict),
            ("23503", ErrorKind::Invalid),
            ("22021", ErrorKind::Invalid),
            ("57P01", ErrorKind::Unavailable),
            ("57014", ErrorKind::Unavailable),
            ("08006", ErrorKind::Unavailable),
            ("53300", ErrorKind::Unavailable),
            ("28P01", ErrorKind::Unavailable),
            ("3D000", ErrorKind::Unavailable),
            ("42P01", ErrorKind::Corrupt),
            ("XX001", ErrorKind::Corrupt),
        ] {
            assert_eq!(kind_of_sqlstate(code), kind, "{code}");
        }
    }

    #[test]
    fn transport_failures_are_unavailable() {
        let io = sqlx::Error::Io(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset"));
        let error = from_sqlx("reading case X", io);
        assert_eq!(error.kind(), ErrorKind::Unavailable);
        assert!(error.message().starts_with("reading case X: "), "{error}");
        assert_eq!(from_sqlx("x", sqlx::Error::PoolTimedOut).kind(), ErrorKind::Unavailable);
    }

    #[test]
    fn a_migration_unknown_to_this_build_is_a_newer_schema() {
        let error = from_migrate("db@host:5432", 20260101000000, MigrateError::VersionMissing(20991231000000));
        assert_eq!(error.kind(), ErrorKind::SchemaTooNew);
        assert!(error.message().contains("20991231000000"), "{error}");
    }
}
