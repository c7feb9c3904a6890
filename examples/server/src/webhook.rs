//! Signed webhooks: `POST` the event's JSON with
//! `X-Sigap-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`
//! and `X-Sigap-Delivery: <id>` (stable across retries, for idempotency on
//! the receiver's side).
//!
//! `http://` for a receiver on the organisation's network, `https://` with
//! its certificate verified (rustls) against the system's authorities and
//! the endpoint's `ca_file`. Each endpoint's client is built once, when the
//! server starts, so a bad URL or certificate file stops the start, and
//! connections are reused between deliveries.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::Uri;
use http_body_util::Full;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use crate::auth::Signer;
use crate::config::Webhook;

/// The configured endpoints, by (organisation, name).
#[derive(Default)]
pub(crate) struct Webhooks {
    endpoints: HashMap<(String, String), Endpoint>,
}

/// One endpoint and its client.
pub(crate) struct Endpoint {
    hook: Webhook,
    uri: Uri,
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
}

impl Webhooks {
    /// Checks every endpoint and builds its client.
    pub(crate) fn new(hooks: &[Webhook]) -> anyhow::Result<Self> {
        let mut endpoints = HashMap::new();
        for hook in hooks {
            let what = format!("webhook {:?} of {}", hook.name, hook.organisation);
            let endpoint = Endpoint::new(hook).map_err(|e| anyhow::anyhow!("{what}: {e}"))?;
            if endpoints.insert((hook.organisation.clone(), hook.name.clone()), endpoint).is_some() {
                anyhow::bail!("{what} is configured twice; give each endpoint of an organisation its own name");
            }
        }
        Ok(Self { endpoints })
    }

    /// The endpoint `name` of `organisation`, if configured.
    pub(crate) fn get(&self, organisation: &str, name: &str) -> Option<&Endpoint> {
        self.endpoints.get(&(organisation.to_owned(), name.to_owned()))
    }
}

/// A `ca_file`: its bytes and the certificates in it, refusing a file that
/// cannot be read, is not PEM, or holds none (`key` names the setting).
pub(crate) fn read_ca_file(path: &Path, key: &str) -> anyhow::Result<(Vec<u8>, Vec<CertificateDer<'static>>)> {
    let pem = std::fs::read(path).map_err(|e| anyhow::anyhow!("{key} {}: cannot read: {e}", path.display()))?;
    let certificates = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| anyhow::anyhow!("{key} {}: not PEM certificates: {e}", path.display()))?;
    if certificates.is_empty() {
        anyhow::bail!("{key} {} holds no PEM certificate", path.display());
    }
    Ok((pem, certificates))
}

/// The trusted authorities: the system's, and those in `ca_file`.
fn tls_config(ca_file: Option<&Path>) -> anyhow::Result<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    // A system without a certificate store leaves only `ca_file`.
    let _ = roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    if let Some(path) = ca_file {
        for certificate in read_ca_file(path, "ca_file")?.1 {
            roots.add(certificate).map_err(|e| anyhow::anyhow!("ca_file {}: {e}", path.display()))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| anyhow::anyhow!("TLS: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

impl Endpoint {
    fn new(hook: &Webhook) -> anyhow::Result<Self> {
        let uri: Uri = hook.url.parse().map_err(|e| anyhow::anyhow!("url {:?} is not a URL: {e}", hook.url))?;
        let https = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => anyhow::bail!("url {:?} must start with http:// or https://", hook.url),
        };
        if uri.host().is_none_or(str::is_empty) {
            anyhow::bail!("url {:?} has no host", hook.url);
        }
        if !https && hook.ca_file.is_some() {
            anyhow::bail!("ca_file is set but url {:?} is not https://", hook.url);
        }
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls_config(hook.ca_file.as_deref())?)
            .https_or_http()
            .enable_http1()
            .build();
        let client = Client::builder(TokioExecutor::new()).build(connector);
        Ok(Self { hook: hook.clone(), uri, client })
    }

    /// Delivers one event; `Err` with a reason to retry later.
    pub(crate) async fn post(
        &self,
        delivery: &str,
        body: &serde_json::Value,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), String> {
        let body = serde_json::to_vec(body).map_err(|e| e.to_string())?;
        let timestamp = now.timestamp();
        let signature = Signer::webhook_signature(&self.hook.secret, timestamp, &body);
        let request = axum::http::Request::post(self.uri.clone())
            .header("content-type", "application/json")
            .header("user-agent", concat!("sigap/", env!("CARGO_PKG_VERSION")))
            .header("x-sigap-delivery", delivery)
            .header("x-sigap-signature", format!("t={timestamp},v1={signature}"))
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| format!("bad webhook request: {e}"))?;
        match tokio::time::timeout(Duration::from_secs(10), self.client.request(request)).await {
            Err(_) => Err("timed out after 10 s".to_owned()),
            Ok(Err(e)) => Err(format!("cannot reach the endpoint: {e:?}")),
            Ok(Ok(response)) if response.status().is_success() => Ok(()),
            Ok(Ok(response)) => Err(format!("the endpoint answered {}", response.status())),
        }
    }
}
