//! Revoked keys (signed-out sessions): tree `revoked`, key → the instant
//! until which it is refused. Entries more than [`REVOCATION_GRACE`] past
//! their instant at the caller's `now` are dropped when another key is
//! revoked; no clock is read here.

use chrono::{DateTime, Utc};
use sigap_core::storage::{REVOCATION_GRACE, StorageError};

use crate::error;
use crate::keys::Key;
use crate::record;
use crate::store::{Committed, Inner};

/// Revokes `key` until `until` (or later, if it already was).
pub(crate) fn revoke(
    inner: &Inner,
    key: &str,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Committed<()>, StorageError> {
    let tree = &inner.trees.revoked;
    let id = Key::new().str(key).into_bytes();
    inner.commit(|| {
        let stale = now - REVOCATION_GRACE;
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
