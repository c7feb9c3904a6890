//! Sigap's reference server: the service a province runs (`sigap serve`)
//! and the administrators' command line, as a library with a thin binary
//! (`src/main.rs`).
//!
//! Another program drives the whole service in-process with [`app`]:
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let config = sigap_server::Config::from_toml(
//!     "workflows = \"workflows\"\ndata_dir = \".sigap-data\"\ndemo = true\n",
//! )?;
//! let state = std::sync::Arc::new(sigap_server::AppState::build(config).await?);
//! let router = sigap_server::app(state);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>()).await?;
//! # Ok(()) }
//! ```
//!
//! `sigap serve` does the same and also runs the deadline scanner and the
//! outbox dispatcher ([`runtime`]).

mod api;
mod app;
mod auth;
pub mod cli;
mod clock;
mod config;
mod html;
mod http;
mod mail;
mod metrics;
mod state;
mod web;
mod webhook;
mod workers;

use std::sync::Arc;

pub use config::Config;
pub use state::AppState;

/// The whole application's router: the JSON API under `/api/v1`, `/healthz`,
/// `/metrics` and the web pages.
///
/// Handlers read the client's address from axum's
/// `ConnectInfo<SocketAddr>` (serve with
/// `into_make_service_with_connect_info`; in tests, layer
/// `axum::extract::connect_info::MockConnectInfo`).
pub fn app(state: Arc<AppState>) -> axum::Router {
    // An unknown address answers in the form its caller reads: JSON under
    // `/api/`, `/healthz` and `/metrics`, an HTML page elsewhere.
    let routes = api::routes().merge(web::routes()).fallback(not_found);
    http::with_observation(routes, state)
}

/// The service's background work, as `sigap serve` runs it: the deadline
/// scanner and the outbox dispatcher (e-mail through `[smtp]`, signed
/// webhooks), on the state's clock, counted in its metrics. Call
/// [`sigap_runtime::Runtime::catch_up`] and then
/// [`start`](sigap_runtime::Runtime::start) inside a tokio runtime.
pub fn runtime(state: &Arc<AppState>) -> sigap_runtime::Runtime {
    workers::runtime(state)
}

/// The answer for an address no route serves: the API's JSON error under
/// the API's paths (`/api/`, `/healthz`, `/metrics`), a page in the
/// person's language everywhere else (a mistyped or outdated link followed
/// in a browser).
async fn not_found(lang: web::Lang, uri: axum::http::Uri) -> axum::response::Response {
    let path = uri.path();
    let api =
        path == "/api" || path.starts_with("/api/") || path.starts_with("/healthz") || path.starts_with("/metrics");
    if api { api::not_found() } else { web::not_found(lang) }
}
