//! Reading Sigap's files from disk, with the errors a person can act on.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use sigap_core::calendar::BusinessCalendar;
use sigap_core::toml_doc::Document;
use sigap_core::workflow::Workflow;
use sigap_core::{Diagnostics, KeyPath};

/// What a file declares itself to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `kind = "workflow"`.
    Workflow,
    /// `kind = "calendar"`.
    Calendar,
    /// `kind = "holidays"`.
    Holidays,
}

/// Reads a file as UTF-8 text, with a message naming the file.
pub fn read_text(path: &Path) -> Result<String, String> {
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
pub fn kind_of(doc: &Document<'_>) -> Result<FileKind, Diagnostics> {
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

/// Expands folders into the `*.toml` files below them, sorted.
pub fn expand(paths: &[PathBuf]) -> Vec<PathBuf> {
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
pub fn read_relative(base: &str, path: &str) -> Result<(String, String), String> {
    let full = Path::new(base).parent().unwrap_or_else(|| Path::new("")).join(path);
    let text = read_text(&full)?;
    Ok((full.display().to_string(), text))
}

/// Loads a business calendar file with its includes.
pub fn load_calendar(path: &Path) -> Result<BusinessCalendar, String> {
    let text = read_text(path)?;
    let name = path.display().to_string();
    BusinessCalendar::load(&name, &text, &mut |include| read_relative(&name, include)).map_err(|d| d.to_string())
}

/// Loads a workflow file with the calendar it names (relative to it) and
/// that calendar's includes.
pub fn load_workflow(path: &Path) -> Result<Workflow, String> {
    let text = read_text(path)?;
    let name = path.display().to_string();
    Workflow::load(&name, &text, &mut read_relative).map_err(|d| d.to_string())
}

/// Why a workflow folder cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// The folder does not exist (or is not a folder).
    Missing(PathBuf),
    /// The folder holds no workflow file.
    Empty(PathBuf),
    /// Every problem found, each naming its file (and, for a definition,
    /// the key and what to do).
    Invalid(Vec<String>),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Missing(dir) => write!(f, "the workflows folder {} does not exist", dir.display()),
            LoadError::Empty(dir) => write!(f, "no workflow files (kind = \"workflow\") under {}", dir.display()),
            LoadError::Invalid(problems) => f.write_str(&problems.join("\n\n")),
        }
    }
}

impl std::error::Error for LoadError {}

/// Every workflow file below `dir` (`kind = "workflow"`; calendars and
/// holiday files beside them are read through the workflows that name
/// them), loaded with its calendar. Refuses a missing folder, a folder
/// without workflows, an invalid file and one workflow defined twice — all
/// problems at once.
pub fn load_folder(dir: &Path) -> Result<Vec<Workflow>, LoadError> {
    if !dir.is_dir() {
        return Err(LoadError::Missing(dir.to_path_buf()));
    }
    let mut workflows = Vec::new();
    let mut problems = Vec::new();
    for path in expand(&[dir.to_path_buf()]) {
        match load_if_workflow(&path) {
            Ok(Some(workflow)) => workflows.push(workflow),
            Ok(None) => {}
            Err(report) => problems.push(report),
        }
    }
    let mut seen = BTreeSet::new();
    for workflow in &workflows {
        if !seen.insert((workflow.organisation().to_owned(), workflow.id().to_owned())) {
            problems.push(format!(
                "the workflow `{}` of organisation `{}` is defined in two files",
                workflow.id(),
                workflow.organisation()
            ));
        }
    }
    if !problems.is_empty() {
        return Err(LoadError::Invalid(problems));
    }
    if workflows.is_empty() {
        return Err(LoadError::Empty(dir.to_path_buf()));
    }
    Ok(workflows)
}

fn load_if_workflow(path: &Path) -> Result<Option<Workflow>, String> {
    let text = read_text(path)?;
    let name = path.display().to_string();
    let doc = Document::parse(&name, &text).map_err(|d| d.to_string())?;
    match kind_of(&doc).map_err(|d| d.to_string())? {
        FileKind::Workflow => Workflow::load(&name, &text, &mut read_relative).map(Some).map_err(|d| d.to_string()),
        FileKind::Calendar | FileKind::Holidays => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::load_folder;

    fn shipped() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../workflows")
    }

    #[test]
    fn the_shipped_folder_loads_every_workflow_with_its_calendar() {
        let workflows = load_folder(&shipped()).unwrap();
        let mut ids: Vec<String> = workflows.iter().map(|w| format!("{}/{}", w.organisation(), w.id())).collect();
        ids.sort();
        assert_eq!(
            ids,
            [
                "kab-contoh-bagian-hukum/pendampingan-hukum",
                "kota-contoh-bagian-hukum/sengketa-kepegawaian",
                "sumbar-biro-hukum/konsultasi-hukum-asn"
            ]
        );
        assert!(workflows.iter().all(|w| !w.calendar.version().is_empty()));
    }

    #[test]
    fn every_problem_of_a_folder_is_reported_at_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.toml"), "kind = \"workflow\"\nid = \n").unwrap();
        std::fs::write(dir.path().join("b.toml"), "stages = []\n").unwrap();
        let Err(super::LoadError::Invalid(problems)) = load_folder(dir.path()) else {
            panic!("not refused as invalid")
        };
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("a.toml"), "{problems:?}");
        assert!(problems[1].contains("add `kind = \"workflow\"`"), "{problems:?}");
    }

    #[test]
    fn a_missing_or_empty_folder_is_refused_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope");
        assert!(load_folder(&missing).unwrap_err().to_string().contains("nope"));
        assert!(load_folder(dir.path()).unwrap_err().to_string().contains("no workflow files"));
    }
}
