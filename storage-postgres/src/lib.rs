//! Sigap's PostgreSQL store (sqlx).
