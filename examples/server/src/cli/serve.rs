//! `sigap serve`: the service.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use crate::config::{Config, Overrides};
use crate::state::AppState;

pub(crate) async fn run(config_file: Option<PathBuf>, overrides: Overrides) -> anyhow::Result<ExitCode> {
    let config = Config::load(config_file.as_deref(), overrides)?;
    let listen = config.listen;
    let demo = config.demo;
    let state = Arc::new(AppState::build(config).await?);
    let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| {
        anyhow::anyhow!("cannot listen on {listen}: {e} (is another sigap running? choose another --listen)")
    })?;
    // Clocks that passed while the server was down are recorded before it
    // serves, once (the scanner's events are idempotent by construction).
    let runtime = crate::workers::runtime(&state);
    let caught_up = runtime.catch_up().await;
    if caught_up > 0 {
        tracing::info!(cases = caught_up, "deadline events recorded while catching up");
    }
    let running = runtime.start();
    for warning in state.holiday_warnings() {
        tracing::warn!("{warning}");
    }
    let store = if state.config.database_url.is_some() {
        "PostgreSQL".to_owned()
    } else {
        format!("sled at {}", state.config.data_dir.display())
    };
    tracing::info!(%listen, %store, workflows = state.service.workflows().len(), "sigap is serving");
    let mut banner = format!("Sigap is serving on http://{listen}/ (store: {store})\n");
    for workflow in state.service.workflows() {
        banner.push_str(&format!(
            "  workflow {} / {} — {}\n",
            workflow.organisation(),
            workflow.id(),
            workflow.definition.label()
        ));
    }
    if demo {
        banner.push_str(&format!("Demo accounts (password `{}`):\n", crate::auth::DEMO_PASSWORD));
        for account in state.accounts.iter() {
            banner.push_str(&format!(
                "  {:<32} {} [{}]\n",
                account.user,
                account.organisation,
                account.roles.join(", ")
            ));
        }
    }
    eprint!("{banner}");
    axum::serve(listener, crate::app(state.clone()).into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(async {
            let ctrl_c = tokio::signal::ctrl_c();
            #[cfg(unix)]
            {
                let mut term =
                    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("signal handler");
                tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
            }
            #[cfg(not(unix))]
            let _ = ctrl_c.await;
        })
        .await?;
    running.shutdown().await;
    tracing::info!("sigap stopped");
    Ok(ExitCode::SUCCESS)
}
