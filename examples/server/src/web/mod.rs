//! Web pages in Bahasa Indonesia for applicants and staff.

use std::sync::Arc;

use axum::Router;

use crate::state::AppState;

/// The pages' routes.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
}
