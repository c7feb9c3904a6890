//! The storage conformance suite on sled: one test per case, each on a
//! fresh store in its own temporary directory.

use std::sync::Arc;

use sigap_core::storage::Store;
use sigap_core::testing::Guard;
use sigap_storage_sled::SledStore;

sigap_core::conformance_tests!(|| async {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = SledStore::open(dir.path()).expect("open the store");
    (Arc::new(store) as Arc<dyn Store>, Box::new(dir) as Guard)
});
