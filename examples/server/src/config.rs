//! The server's configuration: one TOML file, environment overrides, and
//! defaults that let `sigap serve` start with no configuration at all.
//!
//! Precedence: command-line flags, then `SIGAP_*` environment variables
//! (and `DATABASE_URL`), then the file, then the defaults.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Outgoing e-mail.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct Smtp {
    /// The relay's host name.
    pub(crate) host: String,
    /// Its port (default 25).
    #[serde(default = "default_smtp_port")]
    pub(crate) port: u16,
    /// The sender address.
    pub(crate) from: String,
}

fn default_smtp_port() -> u16 {
    25
}

/// A webhook endpoint an organisation configured.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct Webhook {
    /// The organisation whose events it receives.
    pub(crate) organisation: String,
    /// Its name (part of each delivery's id).
    pub(crate) name: String,
    /// The URL (http://…; terminate TLS in front of the receiver).
    pub(crate) url: String,
    /// The shared secret for the HMAC-SHA256 signature.
    pub(crate) secret: String,
}

/// The whole configuration.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct Config {
    /// Where to listen (default 127.0.0.1:8080).
    #[serde(default = "default_listen")]
    pub(crate) listen: SocketAddr,
    /// The folder of workflow and calendar files (default `workflows`).
    #[serde(default = "default_workflows")]
    pub(crate) workflows: PathBuf,
    /// The embedded store's folder (default `.sigap-data`).
    #[serde(default = "default_data_dir")]
    pub(crate) data_dir: PathBuf,
    /// PostgreSQL, when set: `postgres://user@host/db`.
    #[serde(default)]
    pub(crate) database_url: Option<String>,
    /// Largest PostgreSQL pool.
    #[serde(default = "default_pool")]
    pub(crate) database_pool: u32,
    /// The staff accounts file (default `accounts.toml` beside the workflows folder, if present).
    #[serde(default)]
    pub(crate) accounts: Option<PathBuf>,
    /// The public URL of the service, for links in messages (default `http://<listen>`).
    #[serde(default)]
    pub(crate) base_url: Option<String>,
    /// How long a staff session lasts, in hours (default 8).
    #[serde(default = "default_session_hours")]
    pub(crate) session_hours: u32,
    /// The file holding the key that signs sessions and CSRF tokens (default `<data_dir>/secret.key`).
    /// Share it between processes serving one deployment.
    #[serde(default)]
    pub(crate) secret_key_file: Option<PathBuf>,
    /// Outgoing e-mail; without it messages are logged and kept for the tracking page.
    #[serde(default)]
    pub(crate) smtp: Option<Smtp>,
    /// Webhook endpoints.
    #[serde(default)]
    pub(crate) webhooks: Vec<Webhook>,
    /// Demo mode: a staff account per role, password `sigap-demo`; loopback only.
    #[serde(default)]
    pub(crate) demo: bool,
    /// Trust the `X-Forwarded-For` header for the client's address (only
    /// behind a reverse proxy that sets it); otherwise the socket's peer.
    #[serde(default)]
    pub(crate) trust_forwarded_for: bool,
    /// Wrong tracking codes or secrets one client may try in 15 minutes.
    #[serde(default = "default_tracking_attempts")]
    pub(crate) tracking_attempts: usize,
    /// Shifts the service's clock (seconds) for drills and tests, e.g. to see
    /// deadlines pass. Never set it in production.
    #[serde(default)]
    pub(crate) clock_offset_seconds: i64,
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8080))
}

fn default_workflows() -> PathBuf {
    PathBuf::from("workflows")
}

fn default_data_dir() -> PathBuf {
    PathBuf::from(".sigap-data")
}

fn default_pool() -> u32 {
    16
}

fn default_tracking_attempts() -> usize {
    20
}

fn default_session_hours() -> u32 {
    8
}

impl Default for Config {
    fn default() -> Self {
        toml::from_str("").expect("defaults parse")
    }
}

/// Command-line overrides of `sigap serve`.
#[derive(Debug, Default, Clone)]
pub(crate) struct Overrides {
    pub(crate) listen: Option<SocketAddr>,
    pub(crate) workflows: Option<PathBuf>,
    pub(crate) data_dir: Option<PathBuf>,
    pub(crate) database_url: Option<String>,
    pub(crate) accounts: Option<PathBuf>,
    pub(crate) demo: bool,
}

impl Config {
    /// Reads the file (if any), then applies the environment and `overrides`.
    pub(crate) fn load(file: Option<&Path>, overrides: Overrides) -> anyhow::Result<Self> {
        let mut config = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| anyhow::anyhow!("cannot read the configuration {}: {e}", path.display()))?;
                toml::from_str(&text)
                    .map_err(|e| anyhow::anyhow!("{} is not a valid configuration: {e}", path.display()))?
            }
            None => Config::default(),
        };
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        if let Some(v) = env("SIGAP_LISTEN") {
            config.listen = v.parse().map_err(|e| anyhow::anyhow!("SIGAP_LISTEN `{v}`: {e}"))?;
        }
        if let Some(v) = env("SIGAP_WORKFLOWS") {
            config.workflows = v.into();
        }
        if let Some(v) = env("SIGAP_DATA_DIR") {
            config.data_dir = v.into();
        }
        if let Some(v) = env("DATABASE_URL").or_else(|| env("SIGAP_DATABASE_URL")) {
            config.database_url = Some(v);
        }
        if let Some(v) = env("SIGAP_ACCOUNTS") {
            config.accounts = Some(v.into());
        }
        if let Some(v) = env("SIGAP_CLOCK_OFFSET_SECONDS") {
            config.clock_offset_seconds =
                v.parse().map_err(|e| anyhow::anyhow!("SIGAP_CLOCK_OFFSET_SECONDS `{v}`: {e}"))?;
        }
        if let Some(v) = env("SIGAP_TRACKING_ATTEMPTS") {
            config.tracking_attempts = v.parse().map_err(|e| anyhow::anyhow!("SIGAP_TRACKING_ATTEMPTS `{v}`: {e}"))?;
        }
        if let Some(v) = env("SIGAP_TRUST_FORWARDED_FOR") {
            config.trust_forwarded_for = matches!(v.as_str(), "1" | "true" | "yes");
        }
        if let Some(v) = env("SIGAP_BASE_URL") {
            config.base_url = Some(v);
        }
        if let Some(v) = overrides.listen {
            config.listen = v;
        }
        if let Some(v) = overrides.workflows {
            config.workflows = v;
        }
        if let Some(v) = overrides.data_dir {
            config.data_dir = v;
        }
        if let Some(v) = overrides.database_url {
            config.database_url = Some(v);
        }
        if let Some(v) = overrides.accounts {
            config.accounts = Some(v);
        }
        config.demo |= overrides.demo;
        if config.demo && !config.listen.ip().is_loopback() {
            anyhow::bail!(
                "--demo creates accounts with a published password, so it listens on loopback only; {} is not a loopback address",
                config.listen
            );
        }
        if config.session_hours == 0 || config.session_hours > 24 * 7 {
            anyhow::bail!("session_hours must be between 1 and 168");
        }
        Ok(config)
    }

    /// The public base URL, without a trailing slash.
    pub(crate) fn base_url(&self) -> String {
        self.base_url.clone().unwrap_or_else(|| format!("http://{}", self.listen)).trim_end_matches('/').to_owned()
    }

    /// Whether cookies get the `Secure` attribute (the service is reached over HTTPS).
    #[allow(dead_code, reason = "used by the web pages")]
    pub(crate) fn secure_cookies(&self) -> bool {
        self.base_url().starts_with("https://")
    }

    /// The accounts file to read, if any.
    pub(crate) fn accounts_file(&self) -> Option<PathBuf> {
        self.accounts.clone().or_else(|| {
            let beside = self.workflows.parent().unwrap_or(Path::new(".")).join("accounts.toml");
            beside.exists().then_some(beside)
        })
    }

    /// The session key's file.
    pub(crate) fn secret_key_file(&self) -> PathBuf {
        self.secret_key_file.clone().unwrap_or_else(|| self.data_dir.join("secret.key"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_configuration_reads() {
        let text = include_str!("../sigap.example.toml");
        let config: Config = toml::from_str(text).unwrap();
        assert_eq!(config.smtp.as_ref().map(|s| s.port), Some(25));
        assert!(config.secure_cookies());
        assert_eq!(config.webhooks.len(), 1);
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert!(toml::from_str::<Config>("listne = \"127.0.0.1:1\"").is_err());
    }

    #[test]
    fn demo_mode_stays_on_loopback() {
        let overrides = Overrides { listen: Some("0.0.0.0:8080".parse().unwrap()), demo: true, ..Overrides::default() };
        let error = Config::load(None, overrides).unwrap_err().to_string();
        assert!(error.contains("loopback"), "{error}");
    }
}
