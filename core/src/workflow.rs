//! A workflow ready to run: its definition with its organisation's calendar.

use std::sync::Arc;

use crate::calendar::BusinessCalendar;
use crate::definition::Definition;
use crate::diag::{Diagnostics, KeyPath};
use crate::toml_doc::Document;

/// Reads a file named relative to another: `read(base, path)` gives
/// `(display name, text)` or an error message.
pub type ReadFile<'a> = dyn FnMut(&str, &str) -> Result<(String, String), String> + 'a;

/// A definition and the calendar its organisation names.
#[derive(Debug, Clone)]
pub struct Workflow {
    /// The definition.
    pub definition: Arc<Definition>,
    /// The business calendar.
    pub calendar: Arc<BusinessCalendar>,
}

impl Workflow {
    /// Loads a workflow file and the calendar it names.
    ///
    /// `read(path)` returns `(display name, text)` of a file named relative
    /// to the workflow file (the calendar), and is passed on to the calendar
    /// for its includes (relative to the calendar). Problems in either file
    /// are reported located in that file.
    pub fn load(file: &str, text: &str, read: &mut ReadFile<'_>) -> Result<Self, Diagnostics> {
        let doc = Document::parse(file, text)?;
        let definition = Definition::from_document(&doc)?;
        let calendar_ref = definition.file().organisation.calendar.clone();
        let path = KeyPath::root().key("organisation").key("calendar");
        let (calendar_name, calendar_text) = read(file, &calendar_ref).map_err(|message| {
            Diagnostics(vec![doc.error(
                "unreadable-calendar",
                path.clone(),
                format!("the calendar `{calendar_ref}` cannot be read: {message}"),
                "name a calendar file relative to this workflow file, e.g. `calendar = \"kalender.toml\"`".to_owned(),
            )])
        })?;
        let calendar =
            BusinessCalendar::load(&calendar_name, &calendar_text, &mut |include: &str| read(&calendar_name, include))?;
        let workflow_zone = &definition.file().organisation.time_zone;
        if calendar.time_zone().name() != workflow_zone {
            return Err(Diagnostics(vec![doc.error(
                "time-zone-mismatch",
                KeyPath::root().key("organisation").key("time_zone"),
                format!(
                    "the organisation's time zone is `{workflow_zone}` but its calendar `{calendar_ref}` is in `{}`",
                    calendar.time_zone().name()
                ),
                "use the same IANA time zone in both files".to_owned(),
            )]));
        }
        Ok(Self { definition: Arc::new(definition), calendar: Arc::new(calendar) })
    }

    /// The organisation (tenant) id.
    pub fn organisation(&self) -> &str {
        self.definition.organisation_id()
    }

    /// The workflow id.
    pub fn id(&self) -> &str {
        self.definition.id()
    }
}
