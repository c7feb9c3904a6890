//! One process per data directory, and reopening in the same process.
//!
//! A store holds an exclusive lock on `sigap.lock` in its directory for as
//! long as it is open; a second opener (another process, or this one) gets
//! [`ErrorKind::Unavailable`](sigap_core::storage::ErrorKind) naming the
//! directory at once.
//!
//! sled takes its own lock on its `db` file, and its I/O threads may still
//! hold that file for a moment after the last handle of a closed database
//! is dropped (they finish its last writes). Holding `sigap.lock`, we know
//! no other store has the directory, so a busy sled lock can only be such a
//! closing database (ours, or another program's that opened the directory
//! with sled directly): we wait for sled's lock itself, up to
//! [`SLED_LOCK_WAIT`], rather than fail or poll.

use std::fs::{File, OpenOptions, TryLockError};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use sigap_core::storage::StorageError;

use crate::error;

/// The lock file's name in the data directory.
pub(crate) const LOCK_FILE: &str = "sigap.lock";

/// How long to wait for a closing database to let go of sled's lock.
pub(crate) const SLED_LOCK_WAIT: Duration = Duration::from_secs(30);

/// The directory's lock, held while the store is open.
#[derive(Debug)]
pub(crate) struct DirLock {
    _file: File,
}

/// Takes the directory's lock, or says who probably holds it.
pub(crate) fn lock(dir: &Path) -> Result<DirLock, StorageError> {
    let path = dir.join(LOCK_FILE);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| error::io("cannot open the lock file", &path, &e))?;
    match file.try_lock() {
        Ok(()) => Ok(DirLock { _file: file }),
        Err(TryLockError::WouldBlock) => Err(error::locked(dir, &format!("{} is locked", path.display()))),
        Err(TryLockError::Error(e)) => Err(error::io("cannot lock", &path, &e)),
    }
}

/// Opens sled in a directory whose lock we hold.
pub(crate) fn open_sled(dir: &Path, config: &sled::Config) -> Result<sled::Db, StorageError> {
    match open_once(dir, config)? {
        Ok(db) => Ok(db),
        Err(e) if error::is_locked(&e) => {
            wait_for_sled_lock(dir)?;
            open_once(dir, config)?.map_err(|e| error::open(dir, &e))
        }
        Err(e) => Err(error::open(dir, &e)),
    }
}

/// One attempt; a panic in sled's recovery is a `Corrupt` error.
fn open_once(dir: &Path, config: &sled::Config) -> Result<Result<sled::Db, sled::Error>, StorageError> {
    catch_unwind(AssertUnwindSafe(|| config.open())).map_err(|panic| {
        let why = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("no message");
        StorageError::corrupt(format!("sled could not recover the data directory {}: {why}", dir.display()))
    })
}

/// Blocks until sled's lock on `db` is free (then lets it go again).
fn wait_for_sled_lock(dir: &Path) -> Result<(), StorageError> {
    let path = dir.join("db");
    let file = File::open(&path).map_err(|e| error::io("cannot open", &path, &e))?;
    let (done, waited) = mpsc::channel();
    // `File::lock` has no timeout: a helper thread waits, and gives the lock
    // back (closing the file) as soon as it has it — before it says so, or
    // sled's own attempt could meet the helper's lock (it did, under load).
    std::thread::Builder::new()
        .name("sigap-sled-lock".to_owned())
        .spawn(move || {
            let locked = file.lock();
            drop(file);
            let _ = done.send(locked);
        })
        .map_err(|e| error::io("cannot start a thread to wait for", &path, &e))?;
    match waited.recv_timeout(SLED_LOCK_WAIT) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(error::io("cannot lock", &path, &e)),
        Err(_) => Err(error::locked(
            dir,
            &format!("sled's lock on {} was still held after {} s", path.display(), SLED_LOCK_WAIT.as_secs()),
        )),
    }
}
