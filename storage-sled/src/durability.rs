//! Group commit: no write is acknowledged before it is on disk, and
//! concurrent writers share one flush.
//!
//! A writer commits its sled transaction (in memory, atomic), takes a
//! ticket ([`Durability::committed`]) and waits ([`Durability::wait`]).
//! A waiter whose ticket is not yet durable and finds no flush running
//! becomes the leader: it notes the newest ticket handed out, flushes, and
//! marks everything up to that ticket durable, waking every waiter at
//! once. Waiters that find a flush running wait for it to end; those it
//! did not cover (they committed after it started) elect the next leader.
//! So with many writers one flush serves many commits.
//!
//! A flush is three steps, all before anyone is told "durable":
//! 1. `sled::Db::flush`: writes sled's log buffers and waits for them with
//!    `sync_file_range`, which alone neither flushes the drive's cache nor
//!    persists the file's size;
//! 2. `fsync` of any file in sled's `blobs/` directory that is new or has
//!    grown since it was last synced, and of that directory (sled writes
//!    values over its inline threshold there and never syncs them);
//! 3. `fdatasync` of sled's `db` file: the drive's cache and the file size.
//!
//! A failed flush is sticky: every later write fails with
//! [`ErrorKind::Unavailable`](sigap_core::storage::ErrorKind) until the
//! process restarts and sled recovers from what is on disk (after a failed
//! `fsync` the kernel may have dropped the dirty pages; retrying would
//! report success for data that is gone).

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Mutex, OnceLock};

use sigap_core::storage::StorageError;
use tokio::sync::watch;

use crate::error;

/// The group-commit state of one open store.
pub(crate) struct Durability {
    files: Arc<Files>,
    /// Tickets handed out: commits made visible in memory.
    committed: AtomicU64,
    /// Every ticket up to this one is durable; waiters watch it.
    durable: watch::Sender<u64>,
    /// Whether a leader is flushing.
    flushing: AtomicBool,
    /// Flushes started (for measurements).
    started: AtomicU64,
    /// Why a flush failed, once one has.
    failed: OnceLock<String>,
}

/// What a flush touches.
struct Files {
    db: sled::Db,
    db_file: File,
    db_path: PathBuf,
    blob_dir: PathBuf,
    /// Blob files synced, with the length they had.
    synced_blobs: Mutex<HashMap<OsString, u64>>,
}

impl Durability {
    /// Group commit over `db`, whose directory is `dir`.
    pub(crate) fn new(db: sled::Db, dir: &Path) -> Result<Self, StorageError> {
        let db_path = dir.join("db");
        let db_file = File::open(&db_path).map_err(|e| error::io("cannot open", &db_path, &e))?;
        let files =
            Files { db, db_file, db_path, blob_dir: dir.join("blobs"), synced_blobs: Mutex::new(HashMap::new()) };
        // What sled created or recovered is durable before anything is acknowledged.
        files.flush()?;
        for path in [dir.join("conf"), dir.to_owned()] {
            sync(&path)?;
        }
        Ok(Self {
            files: Arc::new(files),
            committed: AtomicU64::new(0),
            durable: watch::Sender::new(0),
            flushing: AtomicBool::new(false),
            started: AtomicU64::new(0),
            failed: OnceLock::new(),
        })
    }

    /// Records one committed write; the ticket to wait for.
    ///
    /// Call after the write's transaction returned and before the store's
    /// write lock is released: a flush that starts after this call covers
    /// the write and every write before it.
    pub(crate) fn committed(&self) -> u64 {
        self.committed.fetch_add(1, SeqCst) + 1
    }

    /// Returns once the write holding `ticket` is durable.
    pub(crate) async fn wait(&self, ticket: u64) -> Result<(), StorageError> {
        let mut durable = self.durable.subscribe();
        loop {
            // Marks the value seen: a leader finishing after this wakes us below.
            if *durable.borrow_and_update() >= ticket {
                return Ok(());
            }
            self.check()?;
            if self.flushing.compare_exchange(false, true, SeqCst, SeqCst).is_ok() {
                let leading = Leading(self);
                let result = self.flush().await;
                drop(leading);
                return result;
            }
            // The sender lives as long as `self`: this cannot fail.
            let _ = durable.changed().await;
        }
    }

    /// Returns once every write committed so far is durable: for reads
    /// whose answer acknowledges something (an idempotent replay).
    ///
    /// Sound because tickets are taken under the store's write lock and
    /// reads hold its read lock: whatever a read saw has a ticket already.
    pub(crate) async fn barrier(&self) -> Result<(), StorageError> {
        self.wait(self.committed.load(SeqCst)).await
    }

    /// Flushes everything committed so far. Only the leader calls it.
    async fn flush(&self) -> Result<(), StorageError> {
        let target = self.committed.load(SeqCst);
        self.started.fetch_add(1, SeqCst);
        let files = self.files.clone();
        let result = tokio::task::spawn_blocking(move || files.flush())
            .await
            .unwrap_or_else(|e| Err(StorageError::unavailable(format!("the flush task failed: {e}"))));
        match result {
            Ok(()) => {
                // Waiters are woken when the leader steps down, after this.
                self.durable.send_if_modified(|durable| {
                    *durable = (*durable).max(target);
                    false
                });
                Ok(())
            }
            Err(e) => {
                let _ = self.failed.set(e.message().to_owned());
                Err(e)
            }
        }
    }

    fn check(&self) -> Result<(), StorageError> {
        match self.failed.get() {
            Some(why) => Err(StorageError::unavailable(format!(
                "a flush failed earlier, so no write can be acknowledged until the process \
                 restarts and recovers from disk: {why}"
            ))),
            None => Ok(()),
        }
    }

    /// How many flushes have run (for measurements).
    pub(crate) fn flushes(&self) -> u64 {
        self.started.load(SeqCst)
    }
}

/// The leader's turn; ending it (even by cancellation) lets the next
/// leader in and wakes every waiter.
struct Leading<'a>(&'a Durability);

impl Drop for Leading<'_> {
    fn drop(&mut self) {
        self.0.flushing.store(false, SeqCst);
        self.0.durable.send_modify(|_| {});
    }
}

impl Files {
    fn flush(&self) -> Result<(), StorageError> {
        self.db.flush().map_err(|e| error::sled("flushing the log", &e))?;
        self.sync_blobs()?;
        self.db_file.sync_data().map_err(|e| error::io("cannot fsync", &self.db_path, &e))
    }

    /// Syncs blob files that are new or have grown, then the directory.
    fn sync_blobs(&self) -> Result<(), StorageError> {
        let dir = &self.blob_dir;
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(error::io("cannot list", dir, &e)),
        };
        let mut synced = self.synced_blobs.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut seen = HashSet::new();
        let mut added = false;
        for entry in entries {
            let entry = entry.map_err(|e| error::io("cannot list", dir, &e))?;
            let name = entry.file_name();
            let len = match entry.metadata() {
                Ok(meta) => meta.len(),
                // sled removed it meanwhile (garbage collection).
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(error::io("cannot stat", &entry.path(), &e)),
            };
            seen.insert(name.clone());
            if synced.get(&name) == Some(&len) {
                continue;
            }
            match File::open(entry.path()) {
                Ok(file) => file.sync_data().map_err(|e| error::io("cannot fsync", &entry.path(), &e))?,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(error::io("cannot open", &entry.path(), &e)),
            }
            added |= synced.insert(name, len).is_none();
        }
        synced.retain(|name, _| seen.contains(name));
        if added {
            sync(dir)?;
        }
        Ok(())
    }
}

/// `fsync` of a file or directory.
fn sync(path: &Path) -> Result<(), StorageError> {
    match File::open(path) {
        Ok(file) => file.sync_all().map_err(|e| error::io("cannot fsync", path, &e)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(error::io("cannot open", path, &e)),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn waiters_share_flushes_and_all_return() {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::open(dir.path()).unwrap();
        let durability = Arc::new(Durability::new(db.clone(), dir.path()).unwrap());
        durability.barrier().await.unwrap();
        assert_eq!(durability.flushes(), 0, "nothing to make durable");
        let writers: Vec<_> = (0..32u32)
            .map(|i| {
                let (db, durability) = (db.clone(), durability.clone());
                tokio::spawn(async move {
                    db.insert(i.to_be_bytes(), &b"x"[..]).unwrap();
                    let ticket = durability.committed();
                    durability.wait(ticket).await.unwrap();
                    ticket
                })
            })
            .collect();
        for writer in writers {
            let ticket = writer.await.unwrap();
            assert!(*durability.durable.borrow() >= ticket);
        }
        // Each flush is led by a waiter its predecessors did not cover.
        assert!((1..=32).contains(&durability.flushes()));
    }
}
