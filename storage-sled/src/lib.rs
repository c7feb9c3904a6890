//! Sigap's embedded default store, on sled.
