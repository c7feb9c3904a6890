//! Reading Sigap's files from disk, with the errors a person can act on.

use std::path::{Path, PathBuf};

use sigap_core::definition::Definition;
use sigap_core::toml_doc::Document;
use sigap_core::{Diagnostics, KeyPath};

/// What a file declares itself to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileKind {
    Workflow,
    Calendar,
    Holidays,
}

/// Reads a file as UTF-8 text, with a message naming the file.
pub(crate) fn read_text(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: cannot read the file: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{}: the file is not UTF-8 text (invalid byte at offset {}); save it as UTF-8",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// The kind a parsed document declares, or a located error saying how to declare it.
pub(crate) fn kind_of(doc: &Document<'_>) -> Result<FileKind, Diagnostics> {
    match doc.top_level_str("kind") {
        Some("workflow") => Ok(FileKind::Workflow),
        Some("calendar") => Ok(FileKind::Calendar),
        Some("holidays") => Ok(FileKind::Holidays),
        Some(other) => Err(Diagnostics(vec![doc.error(
            "unknown-kind",
            KeyPath::root().key("kind"),
            format!("`{other}` is not a kind of Sigap file"),
            "use `kind = \"workflow\"`, `\"calendar\"` or `\"holidays\"`".to_owned(),
        )])),
        None => {
            let guess = if doc.has_top_level("stages") {
                " (this looks like a workflow: add `kind = \"workflow\"`)"
            } else if doc.has_top_level("hours") {
                " (this looks like a calendar: add `kind = \"calendar\"`)"
            } else if doc.has_top_level("holidays") {
                " (this looks like a holiday file: add `kind = \"holidays\"`)"
            } else {
                ""
            };
            Err(Diagnostics(vec![doc.error(
                "missing-key",
                KeyPath::root(),
                "the file does not say what it is".to_owned(),
                format!("start it with `kind = \"workflow\"`, `\"calendar\"` or `\"holidays\"`{guess}"),
            )]))
        }
    }
}

/// Loads a workflow definition from a file.
pub(crate) fn load_definition(path: &Path) -> anyhow::Result<Definition> {
    let text = read_text(path).map_err(anyhow::Error::msg)?;
    let name = path.display().to_string();
    Definition::load(&name, &text).map_err(|errors| anyhow::anyhow!("{name} is not a valid workflow:\n\n{errors}"))
}

/// Expands folders into the `*.toml` files below them, sorted.
pub(crate) fn expand(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            collect(path, &mut files);
        } else {
            files.push(path.clone());
        }
    }
    files
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        files.push(dir.to_path_buf());
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            collect(&entry, files);
        } else if entry.extension().is_some_and(|e| e == "toml") {
            files.push(entry);
        }
    }
}

/// Reads `path` relative to the folder of `base` (a file already read):
/// `(display name, text)` or a message. For calendars and their includes.
pub(crate) fn read_relative(base: &str, path: &str) -> Result<(String, String), String> {
    let full = Path::new(base).parent().unwrap_or_else(|| Path::new("")).join(path);
    let text = read_text(&full)?;
    Ok((full.display().to_string(), text))
}

/// Loads a business calendar file with its includes.
pub(crate) fn load_calendar(path: &Path) -> Result<sigap_core::calendar::BusinessCalendar, String> {
    let text = read_text(path)?;
    let name = path.display().to_string();
    sigap_core::calendar::BusinessCalendar::load(&name, &text, &mut |include| read_relative(&name, include))
        .map_err(|d| d.to_string())
}

/// Loads a workflow file with the calendar it names.
pub(crate) fn load_workflow(path: &Path) -> Result<sigap_core::workflow::Workflow, String> {
    let text = read_text(path)?;
    let name = path.display().to_string();
    sigap_core::workflow::Workflow::load(&name, &text, &mut read_relative).map_err(|d| d.to_string())
}
