//! Revoked keys.

use std::sync::Arc;

use chrono::TimeDelta;

use crate::storage::Store;
use crate::testing::Era;

/// A revoked key is refused until its instant, only it; revoking again
/// keeps the later instant. What is dropped depends only on the instants
/// passed (run in every era, this fails for a store that reads a clock).
pub async fn revocations_hold_until_their_instant(store: Arc<dyn Store>, era: Era) {
    let key = "a".repeat(64);
    let (now, until) = (era.at("2026-12-01 09:00"), era.at("2026-12-01 17:00"));
    assert!(!store.is_revoked(&key, now).await.unwrap());
    store.revoke(&key, until, now).await.unwrap();
    assert!(store.is_revoked(&key, now).await.unwrap());
    assert!(store.is_revoked(&key, until - TimeDelta::seconds(1)).await.unwrap());
    assert!(!store.is_revoked(&key, until).await.unwrap(), "past its instant a key is no longer refused");
    assert!(!store.is_revoked(&"b".repeat(64), now).await.unwrap(), "only the revoked key");
    // An earlier instant does not shorten it; a later one lengthens it.
    store.revoke(&key, now, now).await.unwrap();
    assert!(store.is_revoked(&key, until - TimeDelta::seconds(1)).await.unwrap());
    store.revoke(&key, until + TimeDelta::hours(1), now).await.unwrap();
    assert!(store.is_revoked(&key, until).await.unwrap());
    // Another revocation within the grace after the key's instant keeps it.
    let other = "c".repeat(64);
    let within = until + TimeDelta::hours(1) + crate::storage::REVOCATION_GRACE - TimeDelta::minutes(1);
    store.revoke(&other, era.at("2026-12-02 17:00"), within).await.unwrap();
    assert!(store.is_revoked(&key, until + TimeDelta::minutes(30)).await.unwrap(), "dropped before its grace ran out");
    // Expired entries may be dropped while others are written, but never revived.
    store.revoke(&other, era.at("2026-12-02 17:00"), era.at("2026-12-02 09:00")).await.unwrap();
    assert!(!store.is_revoked(&key, era.at("2026-12-02 08:00")).await.unwrap());
    assert!(store.is_revoked(&other, era.at("2026-12-02 08:00")).await.unwrap());
    assert!(!store.is_revoked(&other, era.at("2026-12-02 17:00")).await.unwrap());
}
