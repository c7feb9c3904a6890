//! What every request handler shares, and how the server assembles it at
//! start: the store chosen by configuration, every workflow under the
//! workflows folder, the accounts and the signing key.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use sigap_core::service::Service;
use sigap_core::storage::Store;
use sigap_core::workflow::Workflow;

use crate::auth::{Accounts, Revoked, SignInLimiter, Signer, demo_accounts};
use crate::config::Config;
use crate::metrics::Metrics;
use sigap_runtime::files::LoadError;

/// The server's shared state: the configuration, the service over its
/// store, the accounts, the signing key, limits, metrics and the outgoing
/// channels. Built once at start ([`AppState::build`]) and shared by every
/// request handler and worker.
pub struct AppState {
    pub(crate) config: Config,
    /// The server's one clock (`clock_offset_seconds` applied).
    pub(crate) clock: crate::clock::Clock,
    pub(crate) service: Arc<Service>,
    pub(crate) accounts: Accounts,
    pub(crate) signer: Signer,
    pub(crate) revoked: Revoked,
    pub(crate) limiter: SignInLimiter,
    pub(crate) tracking_limiter: SignInLimiter,
    pub(crate) metrics: Metrics,
    /// Outgoing e-mail, when `[smtp]` is configured.
    pub(crate) mailer: Option<crate::mail::Mailer>,
    /// The webhook endpoints, with their clients.
    pub(crate) webhooks: crate::webhook::Webhooks,
}

impl AppState {
    /// The service's clock: now, shifted by `clock_offset_seconds` (drills and tests only).
    pub(crate) fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// A warning per calendar whose holidays end within twelve months of
    /// today (each calendar once, today in its own zone).
    pub(crate) fn holiday_warnings(&self) -> Vec<String> {
        let now = self.now();
        let mut seen = std::collections::BTreeSet::new();
        self.service
            .workflows()
            .iter()
            .filter(|w| seen.insert(w.calendar.version().to_owned()))
            .filter_map(|w| w.calendar.holiday_horizon_warning(now.with_timezone(&w.calendar.time_zone()).date_naive()))
            .collect()
    }

    /// The store.
    pub(crate) fn store(&self) -> &Arc<dyn Store> {
        self.service.store()
    }

    /// The current workflow with this id (in `organisation`, when given).
    ///
    /// `Err` lists the organisations when the id is ambiguous.
    pub(crate) fn find_workflow(&self, id: &str, organisation: Option<&str>) -> Result<Option<Workflow>, Vec<String>> {
        let matching: Vec<Workflow> = self
            .service
            .workflows()
            .into_iter()
            .filter(|w| w.id() == id && organisation.is_none_or(|o| w.organisation() == o))
            .collect();
        match matching.len() {
            0 => Ok(None),
            1 => Ok(matching.into_iter().next()),
            _ => Err(matching.iter().map(|w| w.organisation().to_owned()).collect()),
        }
    }
}

/// Every workflow file below `dir`, loaded with its calendar; all problems reported at once.
pub(crate) fn load_workflows(dir: &Path) -> anyhow::Result<Vec<Workflow>> {
    sigap_runtime::files::load_folder(dir).map_err(|e| match e {
        LoadError::Missing(_) => anyhow::anyhow!("{e}; pass --workflows DIR"),
        LoadError::Empty(_) => anyhow::anyhow!("{e}"),
        LoadError::Invalid(_) => anyhow::anyhow!("refusing to start: invalid definitions\n\n{e}"),
    })
}

/// Opens the store the configuration names.
pub(crate) async fn open_store(config: &Config) -> anyhow::Result<Arc<dyn Store>> {
    match &config.database_url {
        Some(url) => {
            let options =
                sigap_storage_postgres::PgOptions { max_connections: config.database_pool, ..Default::default() };
            let store = sigap_storage_postgres::PgStore::connect(url, options)
                .await
                .map_err(|e| anyhow::anyhow!("PostgreSQL: {}", e.message()))?;
            Ok(Arc::new(store))
        }
        None => {
            std::fs::create_dir_all(&config.data_dir)
                .map_err(|e| anyhow::anyhow!("cannot create the data folder {}: {e}", config.data_dir.display()))?;
            let mut sled = sigap_storage_sled::SledConfig::new(config.data_dir.join("sled"));
            sled.cache_capacity = config.sled_cache_mib.saturating_mul(1024 * 1024);
            let store = sigap_storage_sled::SledStore::open_with(sled)
                .map_err(|e| anyhow::anyhow!("embedded store: {}", e.message()))?;
            Ok(Arc::new(store))
        }
    }
}

impl AppState {
    /// Assembles the state from a configuration: opens the store, loads and
    /// installs every workflow under the workflows folder (refusing invalid
    /// ones, every problem at once), reads the accounts and the signing key,
    /// and builds the e-mail and webhook clients.
    pub async fn build(config: Config) -> anyhow::Result<AppState> {
        build(config).await
    }
}

async fn build(config: Config) -> anyhow::Result<AppState> {
    let workflows = load_workflows(&config.workflows)?;
    let store = open_store(&config).await?;
    let service = Service::new(store);
    for workflow in &workflows {
        service.install(workflow.clone()).await.map_err(|e| anyhow::anyhow!("storing definitions: {}", e.message()))?;
    }
    for organisation in workflows.iter().map(Workflow::organisation).collect::<std::collections::BTreeSet<_>>() {
        let endpoints: Vec<String> =
            config.webhooks.iter().filter(|w| w.organisation == organisation).map(|w| w.name.clone()).collect();
        service.set_webhooks(organisation, endpoints);
    }
    let mut accounts = match config.accounts_file() {
        Some(path) => Accounts::load(&path)?,
        None => Accounts::default(),
    };
    if config.demo {
        for account in demo_accounts(&workflows)? {
            if accounts.get(&account.user).is_none() {
                accounts.insert(account)?;
            }
        }
    }
    let signer = Signer::from_file(&config.secret_key_file())?;
    let mailer = config.smtp.as_ref().map(crate::mail::Mailer::new).transpose()?;
    let webhooks = crate::webhook::Webhooks::new(&config.webhooks)?;
    Ok(AppState {
        mailer,
        webhooks,
        tracking_limiter: SignInLimiter::new(config.tracking_attempts.max(1), Duration::from_secs(15 * 60)),
        clock: config.clock(),
        config,
        service: Arc::new(service),
        accounts,
        signer,
        revoked: Revoked::default(),
        limiter: SignInLimiter::new(5, Duration::from_secs(15 * 60)),
        metrics: Metrics::default(),
    })
}
