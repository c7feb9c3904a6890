//! Form values: checking what people submit against a workflow's fields.
//!
//! An applicant submits the intake form, staff submit an action's inputs
//! (a rejection reason, an answer document), the applicant answers the
//! survey. Each arrives as a map from field id to [`Input`] (what a browser
//! or a JSON client sends) and [`validate`] turns it into [`Values`] (what a
//! case stores) or into every problem found, one [`FieldError`] or more per
//! field, each with a message in Bahasa Indonesia and in English that names
//! the field by its label. Nothing here panics on any input.
//!
//! The kind-specific rules live in their own modules and can be used alone:
//! [`nip`] (the civil servant's number), [`phone`] (Indonesian numbers,
//! normalised to E.164), [`email`], [`date`] (dates as Indonesians type
//! them) and [`sniff`]/[`check_upload`] (uploaded files, recognised by their
//! content, not their name).
//!
//! Like the rest of the crate this module does no I/O and never reads the
//! clock: rules that depend on the date (a NIP holder's age) take "today"
//! as a parameter.
//!
//! [`Value`] serialises adjacently tagged, so a stored value says what it is:
//! `{"type": "text", "value": "Andi"}`, `{"type": "date", "value":
//! "2026-11-28"}`, `{"type": "files", "value": [{"id": "…", "name":
//! "surat.pdf", "file_type": "pdf", "size": 48213}]}`.

pub mod date;
pub mod email;
mod error;
pub(crate) mod human;
pub mod nip;
pub mod phone;
mod sniff;
mod text;
mod upload;
mod validate;
mod value;

pub use error::{CODES, FieldError};
pub use sniff::sniff;
pub use upload::{MAX_NAME_CHARS, check_upload, sanitize_file_name};
pub use validate::{validate, validate_field};
pub use value::{FileRef, Input, Value, Values};
