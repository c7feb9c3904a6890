//! The storage conformance suite on PostgreSQL: one `#[sqlx::test]` per
//! case, each on a fresh database that `PgStore::from_pool` migrates.

use std::sync::Arc;

use sigap_core::storage::Store;
use sigap_storage_postgres::PgStore;

sigap_core::conformance_tests_sqlx!(|pool: sqlx::PgPool| async move {
    let store = PgStore::from_pool(pool).await.unwrap_or_else(|e| panic!("migrate the test database: {e}"));
    Arc::new(store) as Arc<dyn Store>
});
