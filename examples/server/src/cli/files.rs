//! Reading Sigap's files from disk, with the errors a person can act on
//! (the runtime's loaders, and a definition alone for `sigap render`).

use std::path::Path;

use sigap_core::definition::Definition;
pub(crate) use sigap_runtime::files::{FileKind, expand, kind_of, load_calendar, load_workflow, read_text};

/// Loads a workflow definition from a file.
pub(crate) fn load_definition(path: &Path) -> anyhow::Result<Definition> {
    let text = read_text(path).map_err(anyhow::Error::msg)?;
    let name = path.display().to_string();
    Definition::load(&name, &text).map_err(|errors| anyhow::anyhow!("{name} is not a valid workflow:\n\n{errors}"))
}
