//! Revoked keys (signed-out sessions): tree `revoked`, key → the instant
//! until which it is refused. Entries more than an hour past their instant
//! (by this machine's clock) are dropped when another key is revoked.

use std::time::SystemTime;

use chrono::{DateTime, TimeDelta, Utc};
use sigap_core::storage::StorageError;

use crate::error;
use crate::keys::Key;
use crate::record;
use crate::store::{Committed, Inner};

/// Revokes `key` until `until` (or later, if it already was).
pub(crate) fn revoke(inner: &Inner, key: &str, until: DateTime<Utc>) -> Result<Committed<()>, StorageError> {
    let tree = &inner.trees.revoked;
    let id = Key::new().str(key).into_bytes();
    inner.commit(|| {
        let stale = DateTime::<Utc>::from(SystemTime::now()) - TimeDelta::hours(1);
        let mut batch = sled::Batch::default();
        for entry in tree.iter() {
            let (k, v) = entry.map_err(|e| error::sled("scanning tree `revoked`", &e))?;
            if record::decode::<DateTime<Utc>>("revoked", &k, &v)? < stale {
                batch.remove(k);
            }
        }
        let kept = inner.get::<DateTime<Utc>>(tree, "revoked", &id)?;
        batch.insert(id.as_slice(), record::encode(&kept.map_or(until, |kept| kept.max(until)))?);
        tree.apply_batch(batch).map_err(|e| error::sled("writing tree `revoked`", &e))
    })
}

/// Whether `key` is refused at `now`.
pub(crate) fn is_revoked(inner: &Inner, key: &str, now: DateTime<Utc>) -> Result<bool, StorageError> {
    let _view = inner.read_lock();
    let until = inner.get::<DateTime<Utc>>(&inner.trees.revoked, "revoked", &Key::new().str(key).into_bytes())?;
    Ok(until.is_some_and(|until| until > now))
}
