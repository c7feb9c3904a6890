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
    /// The server's host name (checked against its certificate under TLS).
    pub(crate) host: String,
    /// Its port (default: 25 without TLS, 587 with STARTTLS, 465 with TLS).
    #[serde(default)]
    pub(crate) port: Option<u16>,
    /// The sender address.
    pub(crate) from: String,
    /// How the connection is protected (default `none`).
    #[serde(default)]
    pub(crate) security: SmtpSecurity,
    /// The account to sign in with (needs `security` other than `none`).
    #[serde(default)]
    pub(crate) username: Option<String>,
    /// A file whose first line is the account's password (or set
    /// `SIGAP_SMTP_PASSWORD`); never in this file.
    #[serde(default)]
    pub(crate) password_file: Option<PathBuf>,
    /// Certificates (PEM) to trust besides the system's, e.g. the
    /// organisation's own certificate authority.
    #[serde(default)]
    pub(crate) ca_file: Option<PathBuf>,
    /// The password, from `password_file` or `SIGAP_SMTP_PASSWORD` (never
    /// read from the configuration file itself).
    #[serde(skip)]
    pub(crate) password: Option<String>,
}

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub(crate) enum SmtpSecurity {
    /// Plain SMTP, for a relay on the organisation's own network that
    /// accepts the server without a password.
    #[default]
    None,
    /// STARTTLS, required: the message is never sent if the server does not
    /// offer it or its certificate does not verify (submission, port 587).
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
}

impl Smtp {
    /// The port: as configured, or the usual one for the security.
    pub(crate) fn port(&self) -> u16 {
        self.port.unwrap_or(match self.security {
            SmtpSecurity::None => 25,
            SmtpSecurity::Starttls => 587,
            SmtpSecurity::Tls => 465,
        })
    }

    /// Reads the password and refuses settings that would fail or leak
    /// later: a password over an unprotected connection, an account
    /// without a password, a password without an account.
    fn settle(&mut self, env_password: Option<String>) -> anyhow::Result<()> {
        let from_file = match &self.password_file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| anyhow::anyhow!("smtp.password_file {}: cannot read: {e}", path.display()))?;
                let first = text.lines().next().unwrap_or("").to_owned();
                if first.is_empty() {
                    anyhow::bail!("smtp.password_file {}: the first line is empty", path.display());
                }
                Some(first)
            }
            None => None,
        };
        self.password = env_password.or(from_file);
        if self.security == SmtpSecurity::None && self.ca_file.is_some() {
            anyhow::bail!(
                "smtp.ca_file is set but smtp.security is \"none\": set security = \"starttls\" or \"tls\", \
                 or remove ca_file"
            );
        }
        match (&self.username, &self.password) {
            (Some(_), Some(_)) if self.security == SmtpSecurity::None => anyhow::bail!(
                "smtp.username is set but smtp.security is \"none\": a password is never sent over an unprotected \
                 connection; set security = \"starttls\" (port 587) or \"tls\" (port 465)"
            ),
            (Some(user), None) => anyhow::bail!(
                "smtp.username is {user:?} but there is no password: set smtp.password_file or SIGAP_SMTP_PASSWORD"
            ),
            (None, Some(_)) => {
                anyhow::bail!(
                    "an SMTP password is set (smtp.password_file or SIGAP_SMTP_PASSWORD) but smtp.username is not"
                )
            }
            _ => Ok(()),
        }
    }
}

/// A webhook endpoint an organisation configured.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct Webhook {
    /// The organisation whose events it receives.
    pub(crate) organisation: String,
    /// Its name (part of each delivery's id).
    pub(crate) name: String,
    /// The URL: `https://…` (the certificate is verified) or `http://…` on
    /// the organisation's own network.
    pub(crate) url: String,
    /// The shared secret for the HMAC-SHA256 signature.
    pub(crate) secret: String,
    /// Certificates (PEM) to trust for this endpoint besides the system's.
    #[serde(default)]
    pub(crate) ca_file: Option<PathBuf>,
}

/// The whole configuration (`sigap.example.toml` documents every key).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Config {
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
    /// The embedded store's page cache, in MiB (default 256); the server's
    /// memory grows to about this much above its base as data is read.
    #[serde(default = "default_sled_cache_mib")]
    pub(crate) sled_cache_mib: u64,
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

fn default_sled_cache_mib() -> u64 {
    256
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
    /// The service's clock, shifted by `clock_offset_seconds`.
    pub(crate) fn clock(&self) -> crate::clock::Clock {
        crate::clock::Clock::shifted(self.clock_offset_seconds)
    }

    /// A configuration from the text of a configuration file alone (no
    /// environment variables, no command-line flags), checked as `sigap
    /// serve` checks it. For embedding and in-process tests.
    pub fn from_toml(text: &str) -> anyhow::Result<Self> {
        let config: Config = toml::from_str(text).map_err(|e| anyhow::anyhow!("not a valid configuration: {e}"))?;
        config.settle(None)
    }

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
        if let Some(v) = env("SIGAP_SLED_CACHE_MIB") {
            config.sled_cache_mib = v.parse().map_err(|e| anyhow::anyhow!("SIGAP_SLED_CACHE_MIB `{v}`: {e}"))?;
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
        config.settle(env("SIGAP_SMTP_PASSWORD"))
    }

    /// Checks the assembled configuration; `smtp_password` is
    /// `SIGAP_SMTP_PASSWORD`, if set.
    fn settle(mut self, smtp_password: Option<String>) -> anyhow::Result<Self> {
        let config = &mut self;
        if config.demo && !config.listen.ip().is_loopback() {
            anyhow::bail!(
                "--demo creates accounts with a published password, so it listens on loopback only; {} is not a loopback address",
                config.listen
            );
        }
        if let Some(smtp) = &mut config.smtp {
            smtp.settle(smtp_password)?;
        } else if smtp_password.is_some() {
            anyhow::bail!("SIGAP_SMTP_PASSWORD is set but there is no [smtp] section in the configuration");
        }
        if config.sled_cache_mib == 0 {
            anyhow::bail!("sled_cache_mib must be at least 1");
        }
        if config.session_hours == 0 || config.session_hours > 24 * 7 {
            anyhow::bail!("session_hours must be between 1 and 168");
        }
        Ok(self)
    }

    /// The public base URL, without a trailing slash.
    pub(crate) fn base_url(&self) -> String {
        self.base_url.clone().unwrap_or_else(|| format!("http://{}", self.listen)).trim_end_matches('/').to_owned()
    }

    /// Whether cookies get the `Secure` attribute (the service is reached over HTTPS).
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
        assert_eq!(config.smtp.as_ref().map(Smtp::port), Some(587));
        assert_eq!(config.smtp.as_ref().map(|s| s.security), Some(SmtpSecurity::Starttls));
        assert_eq!(config.sled_cache_mib, 256);
        assert!(config.secure_cookies());
        assert_eq!(config.webhooks.len(), 1);
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert!(toml::from_str::<Config>("listne = \"127.0.0.1:1\"").is_err());
    }

    fn smtp(extra: &str) -> Smtp {
        toml::from_str(&format!("host = \"mail.example.go.id\"\nfrom = \"a@example.go.id\"\n{extra}")).unwrap()
    }

    #[test]
    fn smtp_ports_follow_the_security() {
        assert_eq!(smtp("").port(), 25);
        assert_eq!(smtp("security = \"starttls\"").port(), 587);
        assert_eq!(smtp("security = \"tls\"").port(), 465);
        assert_eq!(smtp("security = \"tls\"\nport = 2465").port(), 2465);
        assert!(toml::from_str::<Smtp>("host = \"h\"\nfrom = \"f\"\nsecurity = \"ssl\"").is_err());
        assert!(toml::from_str::<Smtp>("host = \"h\"\nfrom = \"f\"\npassword = \"in-the-file\"").is_err());
    }

    #[test]
    fn smtp_passwords_are_never_sent_in_clear_and_never_half_set() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("smtp-password");
        std::fs::write(&file, "rahasia\n").unwrap();
        let with_file = format!("username = \"layanan\"\npassword_file = {:?}", file.to_str().unwrap());

        let mut good = smtp(&format!("security = \"starttls\"\n{with_file}"));
        good.settle(None).unwrap();
        assert_eq!(good.password.as_deref(), Some("rahasia"));
        let mut from_env = smtp("security = \"tls\"\nusername = \"layanan\"");
        from_env.settle(Some("dari-env".into())).unwrap();
        assert_eq!(from_env.password.as_deref(), Some("dari-env"));

        let clear = smtp(&with_file).settle(None).unwrap_err().to_string();
        assert!(clear.contains("never sent over an unprotected connection"), "{clear}");
        let no_password = smtp("security = \"starttls\"\nusername = \"layanan\"").settle(None).unwrap_err().to_string();
        assert!(no_password.contains("no password"), "{no_password}");
        let no_user = smtp("security = \"starttls\"").settle(Some("x".into())).unwrap_err().to_string();
        assert!(no_user.contains("smtp.username is not"), "{no_user}");
        let missing = smtp("security = \"starttls\"\nusername = \"u\"\npassword_file = \"/tidak/ada\"")
            .settle(None)
            .unwrap_err()
            .to_string();
        assert!(missing.contains("/tidak/ada") && missing.contains("cannot read"), "{missing}");
        let ca_in_clear = smtp("ca_file = \"/etc/sigap/ca.pem\"").settle(None).unwrap_err().to_string();
        assert!(ca_in_clear.contains("smtp.ca_file is set"), "{ca_in_clear}");
    }

    #[test]
    fn demo_mode_stays_on_loopback() {
        let overrides = Overrides { listen: Some("0.0.0.0:8080".parse().unwrap()), demo: true, ..Overrides::default() };
        let error = Config::load(None, overrides).unwrap_err().to_string();
        assert!(error.contains("loopback"), "{error}");
    }
}
