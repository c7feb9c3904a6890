//! Signed webhooks: `POST` the event's JSON with
//! `X-Sigap-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`
//! and `X-Sigap-Delivery: <id>` (stable across retries, for idempotency on
//! the receiver's side).

use std::time::Duration;

use axum::body::Bytes;
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use crate::auth::Signer;
use crate::config::Webhook;

/// Delivers one webhook; `Err` with a reason to retry later.
pub(crate) async fn post(hook: &Webhook, delivery: &str, body: &serde_json::Value) -> Result<(), String> {
    let body = serde_json::to_vec(body).map_err(|e| e.to_string())?;
    let timestamp = chrono::Utc::now().timestamp();
    let signature = Signer::webhook_signature(&hook.secret, timestamp, &body);
    let request = axum::http::Request::post(&hook.url)
        .header("content-type", "application/json")
        .header("user-agent", concat!("sigap/", env!("CARGO_PKG_VERSION")))
        .header("x-sigap-delivery", delivery)
        .header("x-sigap-signature", format!("t={timestamp},v1={signature}"))
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| format!("bad webhook request: {e}"))?;
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    match tokio::time::timeout(Duration::from_secs(10), client.request(request)).await {
        Err(_) => Err("timed out after 10 s".to_owned()),
        Ok(Err(e)) => Err(format!("cannot reach the endpoint: {e}")),
        Ok(Ok(response)) if response.status().is_success() => Ok(()),
        Ok(Ok(response)) => Err(format!("the endpoint answered {}", response.status())),
    }
}
