//! HTML rendered on the server with maud, which escapes every value.

pub(crate) mod sop;
