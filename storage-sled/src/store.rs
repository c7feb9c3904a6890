//! Opening the store and the trees it keeps.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock, RwLockReadGuard};

use sigap_core::storage::{ErrorKind, StorageError};

use crate::durability::Durability;
use crate::error;
use crate::lock::{self, DirLock};
use crate::record::{self, FORMAT};

/// How to open a [`SledStore`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SledConfig {
    /// The data directory; created if missing.
    pub path: PathBuf,
    /// The most memory sled's page cache may use, in bytes.
    pub cache_capacity: u64,
}

impl SledConfig {
    /// The defaults for a data directory: a 256 MiB cache.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into(), cache_capacity: 256 * 1024 * 1024 }
    }
}

/// Sigap's embedded store: cases, histories, the outbox, attachments,
/// definitions and calendars in one sled database in one directory.
///
/// See the [crate documentation](crate) for the layout and the durability
/// rule. One process at a time may open a directory.
#[derive(Clone)]
pub struct SledStore {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for SledStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SledStore").field("path", &self.inner.path).finish_non_exhaustive()
    }
}

/// The trees, in the order the crate documentation lists them.
pub(crate) struct Trees {
    pub(crate) meta: sled::Tree,
    pub(crate) orgs: sled::Tree,
    pub(crate) cases: sled::Tree,
    pub(crate) summaries: sled::Tree,
    pub(crate) events: sled::Tree,
    pub(crate) index: sled::Tree,
    pub(crate) tracking: sled::Tree,
    pub(crate) idempotency: sled::Tree,
    pub(crate) outbox: sled::Tree,
    pub(crate) outbox_ids: sled::Tree,
    pub(crate) blobs: sled::Tree,
    pub(crate) definitions: sled::Tree,
    pub(crate) calendars: sled::Tree,
    pub(crate) revoked: sled::Tree,
}

/// An open store, shared by its handles and blocking tasks.
pub(crate) struct Inner {
    pub(crate) path: PathBuf,
    pub(crate) trees: Trees,
    pub(crate) durability: Durability,
    /// Writers hold it while their transaction commits (and take their
    /// ticket); readers hold it shared, so each call sees whole commits.
    visible: RwLock<()>,
    /// Released last, when everything else is closed.
    _lock: DirLock,
}

/// The key in `meta` holding the layout version.
const LAYOUT_KEY: &[u8] = b"layout";

/// The key in `meta` holding the generation of the `index` tree: which
/// index keys every summary has. Index keys are derived from summaries, so
/// a store of an earlier generation gets the missing ones on opening.
const INDEX_KEY: &[u8] = b"indexes";

/// 1: by organisation, workflow, stage, role, assignee, status, next
/// deadline; 2: also by the stage clock's due and at-risk instants.
const INDEX_GENERATION: u8 = 2;

impl SledStore {
    /// Opens (or creates) the store in a directory, with default settings.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StorageError> {
        Self::open_with(SledConfig::new(path.as_ref()))
    }

    /// Opens (or creates) the store as configured.
    ///
    /// A directory another process has open is [`ErrorKind::Unavailable`],
    /// naming the directory; a layout newer than this build is
    /// [`ErrorKind::SchemaTooNew`].
    pub fn open_with(config: SledConfig) -> Result<Self, StorageError> {
        let SledConfig { path, cache_capacity } = config;
        std::fs::create_dir_all(&path).map_err(|e| error::io("cannot create the data directory", &path, &e))?;
        let lock = lock::lock(&path)?;
        let sled_config = sled::Config::new().path(&path).cache_capacity(cache_capacity);
        let db = lock::open_sled(&path, &sled_config)?;
        let tree = |name: &str| db.open_tree(name).map_err(|e| error::sled(&format!("opening tree `{name}`"), &e));
        let trees = Trees {
            meta: tree("meta")?,
            orgs: tree("orgs")?,
            cases: tree("cases")?,
            summaries: tree("summaries")?,
            events: tree("events")?,
            index: tree("index")?,
            tracking: tree("tracking")?,
            idempotency: tree("idempotency")?,
            outbox: tree("outbox")?,
            outbox_ids: tree("outbox_ids")?,
            blobs: tree("blobs")?,
            definitions: tree("definitions")?,
            calendars: tree("calendars")?,
            revoked: tree("revoked")?,
        };
        check_layout(&trees.meta)?;
        complete_indexes(&trees)?;
        let durability = Durability::new(db.clone(), &path)?;
        Ok(Self { inner: Arc::new(Inner { path, trees, durability, _lock: lock, visible: RwLock::new(()) }) })
    }

    /// The data directory.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// How many group-commit flushes this store has run (for measurements).
    pub fn flushes(&self) -> u64 {
        self.inner.durability.flushes()
    }

    /// Runs `f` on a blocking thread (sled's calls may wait on the disk).
    pub(crate) async fn blocking<T, F>(&self, f: F) -> Result<T, StorageError>
    where
        F: FnOnce(&Inner) -> Result<T, StorageError> + Send + 'static,
        T: Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || f(&inner))
            .await
            .map_err(|e| StorageError::unavailable(format!("a storage task failed: {e}")))?
    }

    /// Runs a write on a blocking thread (it commits through
    /// [`Inner::commit`]), then waits until it is durable.
    pub(crate) async fn write<T, F>(&self, f: F) -> Result<T, StorageError>
    where
        F: FnOnce(&Inner) -> Result<Committed<T>, StorageError> + Send + 'static,
        T: Send + 'static,
    {
        let committed = self.blocking(f).await?;
        self.inner.durability.wait(committed.ticket).await?;
        Ok(committed.value)
    }
}

/// A write made visible, with its group-commit ticket.
pub(crate) struct Committed<T> {
    value: T,
    ticket: u64,
}

impl Inner {
    /// Shared: a consistent view for one read.
    pub(crate) fn read_lock(&self) -> RwLockReadGuard<'_, ()> {
        self.visible.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `commit` under the write lock and takes its ticket. Encode
    /// before: the lock is held only for the checks and the transaction.
    pub(crate) fn commit<T>(
        &self,
        commit: impl FnOnce() -> Result<T, StorageError>,
    ) -> Result<Committed<T>, StorageError> {
        let _exclusive = self.visible.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        let value = commit()?;
        Ok(Committed { value, ticket: self.durability.committed() })
    }

    /// A value by key, decoded.
    pub(crate) fn get<T: serde::de::DeserializeOwned>(
        &self,
        tree: &sled::Tree,
        name: &'static str,
        key: &[u8],
    ) -> Result<Option<T>, StorageError> {
        let value = tree.get(key).map_err(|e| error::sled(&format!("reading tree `{name}`"), &e))?;
        value.map(|v| record::decode(name, key, &v)).transpose()
    }
}

/// Adds the index keys an earlier generation did not write (every key of
/// every summary: inserting one already there changes nothing, so a run
/// cut short is simply run again), then records the generation.
fn complete_indexes(trees: &Trees) -> Result<(), StorageError> {
    let found = trees.meta.get(INDEX_KEY).map_err(|e| error::sled("reading the index generation", &e))?;
    if found.as_deref().and_then(|v| v.first()).is_some_and(|g| *g >= INDEX_GENERATION) {
        return Ok(());
    }
    for entry in trees.summaries.iter() {
        let (key, value) = entry.map_err(|e| error::sled("scanning tree `summaries`", &e))?;
        let summary: sigap_core::storage::CaseSummary = record::decode("summaries", &key, &value)?;
        let id = record::encode_bytes(summary.case.as_str().as_bytes());
        let mut batch = sled::Batch::default();
        for index_key in crate::append::index_keys(&summary) {
            batch.insert(index_key, id.clone());
        }
        trees.index.apply_batch(batch).map_err(|e| error::sled("completing tree `index`", &e))?;
    }
    trees.index.flush().map_err(|e| error::sled("flushing tree `index`", &e))?;
    trees
        .meta
        .insert(INDEX_KEY, vec![INDEX_GENERATION])
        .map_err(|e| error::sled("writing the index generation", &e))?;
    Ok(())
}

/// Writes the layout version into a new store; refuses a newer one.
fn check_layout(meta: &sled::Tree) -> Result<(), StorageError> {
    let found = meta.get(LAYOUT_KEY).map_err(|e| error::sled("reading the layout version", &e))?;
    match found {
        Some(value) => record::body("meta", LAYOUT_KEY, &value).map(|_| ()),
        None => {
            meta.insert(LAYOUT_KEY, vec![FORMAT]).map(|_| ()).map_err(|e| error::sled("writing the layout version", &e))
        }
    }
    .map_err(|e| {
        if e.kind() == ErrorKind::SchemaTooNew {
            StorageError::new(ErrorKind::SchemaTooNew, format!("{}: upgrade Sigap to open this store", e.message()))
        } else {
            e
        }
    })
}
