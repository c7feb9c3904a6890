//! The HTTP client: hyper-util's legacy client (an HTTP/1.1 keep-alive
//! pool) on tokio, with a per-request time limit. An answer is a status and
//! a whole body; anything else (refused, reset, timed out, cut mid-body) is
//! "no answer".

use std::time::Duration;

use axum::body::Bytes;
use axum::http::{Method, Request};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// What came back.
#[derive(Debug, Clone)]
pub(crate) enum Answer {
    /// The server answered: status and body.
    Status(u16, Bytes),
    /// No (whole) answer: why.
    NoAnswer(String),
}

impl Answer {
    /// The body as JSON, when the server answered with `status`.
    pub(crate) fn json_if(&self, status: u16) -> Option<serde_json::Value> {
        match self {
            Answer::Status(s, body) if *s == status => serde_json::from_slice(body).ok(),
            _ => None,
        }
    }

    /// A short description, for error tallies.
    pub(crate) fn describe(&self) -> String {
        match self {
            Answer::Status(status, body) => {
                let code = serde_json::from_slice::<serde_json::Value>(body)
                    .ok()
                    .and_then(|v| v["error"]["code"].as_str().map(str::to_owned));
                match code {
                    Some(code) => format!("HTTP {status} {code}"),
                    None => format!("HTTP {status}"),
                }
            }
            Answer::NoAnswer(why) => format!("no answer: {why}"),
        }
    }
}

/// A client for one server.
#[derive(Clone)]
pub(crate) struct Http {
    client: Client<HttpConnector, Full<Bytes>>,
    base: String,
    timeout: Duration,
}

impl Http {
    /// A client for `base` (`http://127.0.0.1:<port>`).
    pub(crate) fn new(base: &str, timeout: Duration) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        connector.set_connect_timeout(Some(Duration::from_secs(5)));
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(4096)
            .build(connector);
        Self { client, base: base.trim_end_matches('/').to_owned(), timeout }
    }

    /// `GET`.
    pub(crate) async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Answer {
        self.send(Method::GET, path, headers, None).await
    }

    /// `POST` a JSON body.
    pub(crate) async fn post(&self, path: &str, headers: &[(&str, &str)], body: Bytes) -> Answer {
        self.send(Method::POST, path, headers, Some(body)).await
    }

    async fn send(&self, method: Method, path: &str, headers: &[(&str, &str)], body: Option<Bytes>) -> Answer {
        let mut builder = Request::builder().method(method).uri(format!("{}{path}", self.base));
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        if body.is_some() {
            builder = builder.header("content-type", "application/json");
        }
        let request = match builder.body(Full::new(body.unwrap_or_default())) {
            Ok(request) => request,
            Err(e) => return Answer::NoAnswer(format!("bad request: {e}")),
        };
        let exchange = async {
            let response = self.client.request(request).await.map_err(|e| error_chain(&e))?;
            let status = response.status().as_u16();
            let body = response.into_body().collect().await.map_err(|e| format!("body cut: {e}"))?.to_bytes();
            Ok::<_, String>((status, body))
        };
        match tokio::time::timeout(self.timeout, exchange).await {
            Ok(Ok((status, body))) => Answer::Status(status, body),
            Ok(Err(why)) => Answer::NoAnswer(why),
            Err(_) => Answer::NoAnswer(format!("no answer within {} s", self.timeout.as_secs())),
        }
    }
}

/// An error with its causes, briefly ("connection refused", "connection reset by peer"…).
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut deepest = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        deepest = e.to_string();
        source = e.source();
    }
    deepest
}
