//! Helpers shared by the cross-crate and end-to-end tests.
