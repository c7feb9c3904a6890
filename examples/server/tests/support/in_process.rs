//! The whole service in the test's process: `sigap_server::app` driven with
//! `tower::ServiceExt::oneshot` (each request from a client address, as
//! `MockConnectInfo`), the server's runtime (deadline scanner and outbox
//! dispatcher) started beside it, and everything it logs captured, as
//! `sigap serve` would run it from the same configuration. Shared by the
//! JSON client (`support::Api`) and the page client (`web_support::Client`).

#![allow(dead_code, unreachable_pub)]

use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Request, Response};

/// A running in-process service.
pub struct Service {
    router: axum::Router,
    tokio: tokio::runtime::Runtime,
    running: Mutex<Option<sigap_runtime::Running>>,
    logs: Arc<Mutex<Vec<u8>>>,
    dispatch: tracing::Dispatch,
    /// The configured base URL (what links and receipts name).
    pub url: String,
}

/// Appends what the service logs to a shared buffer.
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Service {
    /// Builds the state from `config` (configuration-file TOML, no
    /// environment), records deadlines that passed, and starts the runtime;
    /// every request comes from `client`.
    pub fn start(config: &str, client: SocketAddr) -> Self {
        let logs = Arc::new(Mutex::new(Vec::new()));
        let sink = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || Capture(sink.clone()))
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .finish();
        let dispatch = tracing::Dispatch::new(subscriber);
        let for_threads = dispatch.clone();
        let tokio = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .on_thread_start(move || std::mem::forget(tracing::dispatcher::set_default(&for_threads)))
            .build()
            .unwrap();
        let config = sigap_server::Config::from_toml(config).expect("a valid configuration");
        let (router, running) = tracing::dispatcher::with_default(&dispatch, || {
            tokio.block_on(async {
                let state = Arc::new(sigap_server::AppState::build(config).await.expect("the state builds"));
                let runtime = sigap_server::runtime(&state);
                runtime.catch_up().await;
                let running = runtime.start();
                let router = sigap_server::app(state).layer(axum::extract::connect_info::MockConnectInfo(client));
                (router, running)
            })
        });
        // The configured listen address (the default), as links name it.
        let url = "http://127.0.0.1:8080".to_owned();
        Self { router, tokio, running: Mutex::new(Some(running)), logs, dispatch, url }
    }

    /// The shipped workflows, the embedded store in `data_dir` and the demo accounts.
    pub fn sled(data_dir: &Path) -> Self {
        Self::start(&sled_config(data_dir), "127.0.0.1:50000".parse().unwrap())
    }

    /// Sends one request and reads the whole response.
    pub fn send(&self, request: Request<Body>) -> Response<Vec<u8>> {
        use tower::ServiceExt as _;
        tracing::dispatcher::with_default(&self.dispatch, || {
            self.tokio.block_on(async {
                let response = self.router.clone().oneshot(request).await.expect("the router answers");
                let (parts, body) = response.into_parts();
                let bytes = axum::body::to_bytes(body, usize::MAX).await.expect("the body reads").to_vec();
                Response::from_parts(parts, bytes)
            })
        })
    }

    /// Wakes the scanner and the dispatcher now.
    pub fn wake(&self) {
        if let Some(running) = self.running.lock().unwrap().as_ref() {
            running.wake();
        }
    }

    /// What the service logged so far.
    pub fn logs(&self) -> String {
        String::from_utf8_lossy(&self.logs.lock().unwrap()).into_owned()
    }

    /// Stops the runtime (delivering what is ready) and returns everything logged.
    pub fn stop(&self) -> String {
        if let Some(running) = self.running.lock().unwrap().take() {
            tracing::dispatcher::with_default(&self.dispatch, || self.tokio.block_on(running.shutdown()));
        }
        self.logs()
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

/// The configuration of [`Service::sled`].
pub fn sled_config(data_dir: &Path) -> String {
    format!(
        "workflows = {:?}\ndata_dir = {:?}\ndemo = true\n",
        sigap_tests::workflows_dir().display().to_string(),
        data_dir.display().to_string()
    )
}
