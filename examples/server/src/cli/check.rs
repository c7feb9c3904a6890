//! `sigap check`: validate files and print every problem, located.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sigap_core::Diagnostics;
use sigap_core::definition::Definition;
use sigap_core::toml_doc::Document;

use sigap_core::calendar::HolidayFile;

use super::files::{FileKind, expand, kind_of, load_calendar, load_workflow, read_text};

pub(crate) fn run(paths: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let files = expand(paths);
    if files.is_empty() {
        anyhow::bail!("no .toml files found under the given folders");
    }
    let mut failed = 0usize;
    for path in &files {
        match check_file(path) {
            Ok(summary) => super::emit(&format!("ok    {}  {summary}\n", path.display()))?,
            Err(report) => {
                failed += 1;
                super::emit(&format!("FAIL  {}\n", path.display()))?;
                eprintln!("{report}\n");
            }
        }
    }
    if failed > 0 {
        eprintln!("{failed} of {} file{} failed the check", files.len(), if files.len() == 1 { "" } else { "s" });
        Ok(ExitCode::from(1))
    } else {
        Ok(ExitCode::SUCCESS)
    }
}

fn check_file(path: &Path) -> Result<String, String> {
    let text = read_text(path)?;
    let name = path.display().to_string();
    let doc = Document::parse(&name, &text).map_err(|d| d.to_string())?;
    let kind = kind_of(&doc).map_err(|d| d.to_string())?;
    let render = |d: Diagnostics| d.to_string();
    match kind {
        FileKind::Workflow => {
            // Check the definition alone first, so its own errors are reported even
            // when the calendar it names is broken too.
            let definition = Definition::from_document(&doc).map_err(render)?;
            let workflow = load_workflow(path)?;
            Ok(format!(
                "workflow `{}` version {} (calendar `{}` version {})",
                definition.id(),
                definition.short_version(),
                workflow.calendar.id(),
                &workflow.calendar.version()[..12]
            ))
        }
        FileKind::Calendar => {
            let calendar = load_calendar(path)?;
            Ok(format!(
                "calendar `{}` version {}, {} holiday days",
                calendar.id(),
                &calendar.version()[..12],
                calendar.holidays().count()
            ))
        }
        FileKind::Holidays => {
            let holidays = HolidayFile::load(&name, &text).map_err(render)?;
            Ok(format!("holiday file, {} days", holidays.days().count()))
        }
    }
}
