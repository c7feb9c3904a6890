//! HTML rendered on the server with maud, which escapes every value.
//! SVG charts and diagrams are maud markup too: no HTML is built from strings.

pub(crate) mod chart;
pub(crate) mod diagram;
pub(crate) mod form;
pub(crate) mod layout;
pub(crate) mod sop;
