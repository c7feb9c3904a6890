//! Attachments' bytes.

use std::sync::Arc;

use crate::storage::{ErrorKind, Store};
use crate::testing::Era;

/// Blobs are stored by their SHA-256; wrong ids and oversized blobs are refused.
pub async fn blobs_are_content_addressed_and_limited(store: Arc<dyn Store>, _era: Era) {
    let bytes = b"%PDF-1.7 dokumen kajian".to_vec();
    let id = crate::definition::hex(&<sha2::Sha256 as sha2::Digest>::digest(&bytes));
    store.put_blob("org-uji", &id, &bytes).await.unwrap();
    store.put_blob("org-uji", &id, &bytes).await.unwrap();
    assert_eq!(store.blob("org-uji", &id).await.unwrap(), Some(bytes.clone()));
    let wrong = store.put_blob("org-uji", &"0".repeat(64), &bytes).await.unwrap_err();
    assert_eq!(wrong.kind(), ErrorKind::Invalid);
    let big = vec![0u8; crate::storage::MAX_BLOB_BYTES + 1];
    let big_id = crate::definition::hex(&<sha2::Sha256 as sha2::Digest>::digest(&big));
    assert_eq!(store.put_blob("org-uji", &big_id, &big).await.unwrap_err().kind(), ErrorKind::TooLarge);
    assert!(store.blob("org-uji", &big_id).await.unwrap().is_none());
}
